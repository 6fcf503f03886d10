//! A JSON-RPC client for `cairn lsp` over stdio: starts the real binary, frames messages with
//! `Content-Length`, and reads the server's messages on a thread so a test can wait for one
//! with a timeout (a hung server fails the test instead of hanging it).

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::cairn_bin;

/// How long a test waits for any one message before it fails.
pub const TIMEOUT: Duration = Duration::from_secs(30);

pub struct LspClient {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
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
    /// Starts `cairn lsp` and runs the handshake with `root` as the workspace folder.
    pub fn start(root: Option<&Path>, init_options: Value) -> LspClient {
        LspClient::start_with(root, init_options, json!({}))
    }

    /// [`LspClient::start`] with the client capabilities to announce.
    pub fn start_with(root: Option<&Path>, init_options: Value, capabilities: Value) -> LspClient {
        let mut child = Command::new(cairn_bin())
            .args(["lsp", "--stdio"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start cairn lsp");
        let stdin = child.stdin.take().expect("stdin");
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
        let mut c = LspClient {
            child,
            stdin,
            rx,
            next_id: 0,
            backlog: Vec::new(),
        };
        let root_uri = root.map(uri);
        let init = c.request(
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
        c.notify("initialized", json!({}));
        c
    }

    pub fn send(&mut self, msg: &Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
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

    /// Resident memory of the server process in KiB (Linux), if known.
    pub fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    /// Shuts the server down and checks that it exits cleanly.
    pub fn shutdown(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert!(r.is_null());
        self.notify("exit", Value::Null);
        let status = self.child.wait().expect("wait for cairn lsp");
        assert!(status.success(), "cairn lsp exited with {status}");
    }
}

impl Drop for LspClient {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh directory under the system's temporary directory.
pub fn scratch_dir(prefix: &str) -> PathBuf {
    let d = std::env::temp_dir().join(crate::unique_name(prefix));
    std::fs::create_dir_all(&d).expect("create scratch dir");
    d
}
