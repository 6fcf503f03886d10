//! A JSON-RPC client for a language server in tests, shared by the protocol tests of
//! `cairn-lsp` (the server in process, over `lsp_server`'s in-memory connection) and the tests
//! of the `cairn` binary (`cairn lsp` over stdio, through `cairn-tests`). Messages are
//! `serde_json::Value`s; the server's messages are read on a thread so a test can wait for one
//! with a timeout (a hung server fails the test instead of hanging it). Test-only, not
//! published: it depends on `serde_json` alone, so the server's tests stay lean.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long a test waits for any one message before it fails.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// Where the server runs.
enum Server {
    /// A child process on stdio.
    Process(Child),
    /// A thread of the test process; it ends after `exit`.
    Thread(Option<JoinHandle<()>>),
}

pub struct LspClient {
    out: Box<dyn FnMut(&Value) + Send>,
    rx: Receiver<Value>,
    server: Server,
    next_id: i64,
    /// Messages read while waiting for something else, oldest first.
    backlog: Vec<Value>,
}

/// The `file://` URI of a path.
pub fn uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The LSP position (line, UTF-16 column) of the `nth` occurrence of `needle` in `text`, moved
/// `delta` bytes into it.
pub fn pos(text: &str, needle: &str, nth: usize, delta: usize) -> Value {
    let at = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} #{nth} not in text"))
        .0
        + delta;
    let line = text[..at].matches('\n').count();
    let col: usize = text[..at]
        .rsplit('\n')
        .next()
        .unwrap_or("")
        .chars()
        .map(char::len_utf16)
        .sum();
    json!({ "line": line, "character": col })
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            len = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; len?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl LspClient {
    /// Starts a server process (`command`, whose stdin and stdout become the connection; its
    /// stderr is the test's) without the handshake: see [`LspClient::initialize`].
    pub fn spawn(mut command: Command) -> LspClient {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the language server");
        let mut stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut r) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        let out = move |msg: &Value| {
            let body = msg.to_string();
            write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
            stdin.flush().expect("flush");
        };
        LspClient::with_server(Box::new(out), rx, Server::Process(child))
    }

    /// A server running on `thread` of this process: `out` hands it a message, `rx` yields
    /// its messages. No handshake yet: see [`LspClient::initialize`].
    pub fn in_process(
        out: impl FnMut(&Value) + Send + 'static,
        rx: Receiver<Value>,
        thread: JoinHandle<()>,
    ) -> LspClient {
        LspClient::with_server(Box::new(out), rx, Server::Thread(Some(thread)))
    }

    fn with_server(
        out: Box<dyn FnMut(&Value) + Send>,
        rx: Receiver<Value>,
        server: Server,
    ) -> LspClient {
        LspClient {
            out,
            rx,
            server,
            next_id: 0,
            backlog: Vec::new(),
        }
    }

    /// The handshake: `initialize` with `root` as the root URI and the given initialization
    /// options and client capabilities, then `initialized`. Returns the server's answer.
    pub fn initialize(
        &mut self,
        root: Option<&Path>,
        init_options: Value,
        capabilities: Value,
    ) -> Value {
        let root_uri = root.map(uri);
        let init = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "capabilities": capabilities,
                "initializationOptions": init_options,
            }),
        );
        assert!(
            init["capabilities"].is_object(),
            "initialize answered: {init}"
        );
        self.notify("initialized", json!({}));
        init
    }

    pub fn send(&mut self, msg: &Value) {
        (self.out)(msg);
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and returns its id (answer it with [`LspClient::response`]).
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    /// Waits for the first message matching `pred`; the others are kept for later.
    pub fn wait_for(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let mut skipped = Vec::new();
        if let Some(i) = self.backlog.iter().position(&pred) {
            return self.backlog.remove(i);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let m = match self.rx.recv_timeout(left) {
                Ok(m) => m,
                Err(e) => panic!("waiting for {what}: {e:?}; got {skipped:?}"),
            };
            if pred(&m) {
                self.backlog.extend(skipped);
                return m;
            }
            skipped.push(m);
        }
    }

    /// The whole response (result or error) to request `id`.
    pub fn response(&mut self, id: i64) -> Value {
        self.wait_for(&format!("response {id}"), |m| {
            m["id"] == id && m.get("method").is_none()
        })
    }

    /// Sends a request and returns its result; an error response fails the test.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        let r = self.response(id);
        assert!(r.get("error").is_none(), "{method} failed: {r}");
        r["result"].clone()
    }

    /// The next diagnostics published for `uri`.
    pub fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let m = self.wait_for(&format!("diagnostics for {uri}"), |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        m["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Waits for the server's request `method` and answers it with `result`; returns its params.
    pub fn answer(&mut self, method: &str, result: Value) -> Value {
        let m = self.wait_for(method, |m| m["method"] == method && m.get("id").is_some());
        let id = m["id"].clone();
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "result": result }));
        m["params"].clone()
    }

    /// Drops every message received so far.
    pub fn drain(&mut self) {
        self.backlog.clear();
        while self.rx.try_recv().is_ok() {}
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        let lang = if uri.ends_with(".cairn") {
            "cairn"
        } else if uri.ends_with(".sql") {
            "sql"
        } else {
            "hcl"
        };
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": lang, "version": 1, "text": text } }),
        );
    }

    pub fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "text": text }],
            }),
        );
    }

    /// Resident memory of the server process in KiB (Linux), if known (a server in process has
    /// none of its own).
    pub fn rss_kib(&self) -> Option<u64> {
        let Server::Process(child) = &self.server else {
            return None;
        };
        let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    /// Shuts the server down and checks that it ends cleanly (a process exits with success; a
    /// thread returns without a panic).
    pub fn shutdown(&mut self) {
        let r = self.request("shutdown", Value::Null);
        assert!(r.is_null());
        self.notify("exit", Value::Null);
        match &mut self.server {
            Server::Process(child) => {
                let status = child.wait().expect("wait for the language server");
                assert!(status.success(), "the language server exited with {status}");
            }
            Server::Thread(thread) => {
                if let Some(t) = thread.take() {
                    assert!(t.join().is_ok(), "the server thread panicked");
                }
            }
        }
    }
}

impl Drop for LspClient {
    fn drop(&mut self) {
        match &mut self.server {
            Server::Process(child) => {
                let _ = child.kill();
                let _ = child.wait();
            }
            Server::Thread(thread) => {
                // Still running (the test did not shut it down): ask it to, and wait.
                if let Some(t) = thread.take() {
                    self.next_id += 1;
                    let shutdown =
                        json!({ "jsonrpc": "2.0", "id": self.next_id, "method": "shutdown" });
                    (self.out)(&shutdown);
                    (self.out)(&json!({ "jsonrpc": "2.0", "method": "exit" }));
                    let _ = t.join();
                }
            }
        }
    }
}
