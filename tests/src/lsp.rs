//! `cairn lsp` over stdio for the tests of the binary: the shared test client of
//! `cairn-lsp-client` (the one `cairn-lsp`'s protocol tests drive the server in process with),
//! started on the real `cairn` binary.

use std::ops::{Deref, DerefMut};
use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

pub use crate::scratch_dir;
pub use cairn_lsp_client::{TIMEOUT, pos, uri};

use crate::cairn_bin;

/// The shared client (every method of [`cairn_lsp_client::LspClient`]) on `cairn lsp --stdio`.
pub struct LspClient(cairn_lsp_client::LspClient);

impl LspClient {
    /// Starts `cairn lsp` and runs the handshake with `root` as the workspace folder.
    pub fn start(root: Option<&Path>, init_options: Value) -> LspClient {
        LspClient::start_with(root, init_options, json!({}))
    }

    /// [`LspClient::start`] with the client capabilities to announce.
    pub fn start_with(root: Option<&Path>, init_options: Value, capabilities: Value) -> LspClient {
        LspClient::start_command(root, init_options, capabilities, |_| {})
    }

    /// [`LspClient::start_with`] on a `cairn lsp --stdio` command that `configure` adds to
    /// (flags such as `--var`, environment variables).
    pub fn start_command(
        root: Option<&Path>,
        init_options: Value,
        capabilities: Value,
        configure: impl FnOnce(&mut Command),
    ) -> LspClient {
        let mut command = Command::new(cairn_bin());
        command.args(["lsp", "--stdio"]);
        configure(&mut command);
        let mut c = cairn_lsp_client::LspClient::spawn(command);
        c.initialize(root, init_options, capabilities);
        LspClient(c)
    }
}

impl Deref for LspClient {
    type Target = cairn_lsp_client::LspClient;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl DerefMut for LspClient {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}
