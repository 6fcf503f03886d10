// Starts `cairn lsp` (stdio) for schema HCL, SQL and .cairn rules files.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("cairn");
  const command = config.get("path", "cairn");
  const serverOptions = { command, args: ["lsp"] };
  const clientOptions = {
    documentSelector: [
      { scheme: "file", pattern: "**/*.hcl" },
      { scheme: "file", pattern: "**/*.sql" },
      { scheme: "file", pattern: "**/*.cairn" },
    ],
    initializationOptions: { dialect: config.get("dialect", "postgres") },
  };
  client = new LanguageClient("cairn", "Cairn", serverOptions, clientOptions);
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
