// The Cairn extension: starts `cairn lsp` over stdio and connects it to VS Code through
// vscode-languageclient. Every editor feature (diagnostics, completion, rename, hover, code
// lenses, formatting...) is the server's; this file only finds the binary, chooses which
// documents the server sees, passes the settings the server reads, and restarts it.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as vscode from "vscode";
import {
  DocumentFilter,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

/// The languages whose documents go to the server: rules files, schema HCL whose name says it
/// is Cairn's (or that the user mapped to `cairn-hcl`), and SQL. Project files and Atlas policy
/// files (`cairn-config`) are highlighted only: the server does not analyse them.
/// tests/tests/editors_vscode.rs reads this list: keep it a JSON array of strings.
export const SERVED_LANGUAGES = ["cairn-rules", "cairn-hcl", "cairn-config", "sql"];

/// Settings passed through as the server's initialization options: `cairn.NAME` -> `NAME`.
/// tests/tests/editors_vscode.rs reads this list: keep it a JSON array of strings.
export const SERVER_SETTINGS = ["dialect", "env", "vars", "rulesDocsUrl"];

/// Settings whose change needs a new server (initialization options are read once).
const RESTART_SETTINGS = ["cairn.path", "cairn.hcl.allFiles", ...SERVER_SETTINGS.map((s) => `cairn.${s}`)];

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let traceOutput: vscode.OutputChannel;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("Cairn");
  traceOutput = vscode.window.createOutputChannel("Cairn Trace");
  context.subscriptions.push(
    output,
    traceOutput,
    vscode.commands.registerCommand("cairn.restartServer", () => restart()),
    vscode.commands.registerCommand("cairn.showOutput", () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (RESTART_SETTINGS.some((s) => e.affectsConfiguration(s))) {
        output.appendLine("Settings changed: restarting the server.");
        void restart();
      }
    }),
    { dispose: () => void stop() },
  );
  await start();
}

export function deactivate(): Thenable<void> | undefined {
  return stop();
}

async function restart(): Promise<void> {
  await stop();
  await start();
}

async function stop(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop();
    } catch (e) {
      output.appendLine(`Stopping the server failed: ${String(e)}`);
    }
  }
}

async function start(): Promise<void> {
  const config = vscode.workspace.getConfiguration("cairn");
  const configured = config.get<string>("path", "cairn").trim() || "cairn";
  const command = resolveBinary(configured);
  if (!command) {
    output.appendLine(`The cairn binary was not found: cairn.path is "${configured}".`);
    void missingBinary(configured);
    return;
  }
  output.appendLine(`Starting ${command} lsp`);

  const serverOptions: ServerOptions = {
    command,
    args: ["lsp"],
    transport: TransportKind.stdio,
    options: { cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath },
  };

  const initializationOptions: Record<string, unknown> = {};
  for (const name of SERVER_SETTINGS) {
    const value = config.get(name);
    const empty = value === "" || (typeof value === "object" && value !== null && Object.keys(value).length === 0);
    if (value !== undefined && value !== null && !empty) {
      initializationOptions[name] = value;
    }
  }

  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(config.get<boolean>("hcl.allFiles", false)),
    initializationOptions,
    outputChannel: output,
    traceOutputChannel: traceOutput,
    synchronize: {
      // The server re-reads schema, migration and rules files that change on disk.
      fileEvents: [
        vscode.workspace.createFileSystemWatcher("**/*.{hcl,sql,cairn}"),
        vscode.workspace.createFileSystemWatcher("**/atlas.sum"),
      ],
    },
  };

  const c = new LanguageClient("cairn", "Cairn", serverOptions, clientOptions);
  client = c;
  try {
    await c.start();
  } catch (e) {
    client = undefined;
    output.appendLine(`The server did not start: ${String(e)}`);
    const choice = await vscode.window.showErrorMessage(
      `Cairn: \`${command} lsp\` did not start (${String(e)}).`,
      "Show Output",
    );
    if (choice === "Show Output") {
      output.show(true);
    }
  }
}

/// Which documents the server sees.
function documentSelector(allHcl: boolean): DocumentFilter[] {
  const selector: DocumentFilter[] = SERVED_LANGUAGES.map((language) => ({ scheme: "file", language }));
  if (allHcl) {
    // Other extensions' ids for `.hcl` files (project and policy files are `cairn-config`).
    for (const language of ["hcl", "terraform", "plaintext"]) {
      selector.push({ scheme: "file", language, pattern: "**/*.hcl" });
    }
  }
  return selector;
}

/// The binary to start: a path (absolute, `~/...`, or relative to the first workspace folder)
/// when the setting has a separator, else the first match on PATH. `undefined` when missing.
function resolveBinary(configured: string): string | undefined {
  const isWindows = process.platform === "win32";
  const hasSeparator = configured.includes("/") || (isWindows && configured.includes("\\"));
  if (hasSeparator || configured.startsWith("~")) {
    let p = configured.startsWith("~") ? path.join(os.homedir(), configured.slice(1)) : configured;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!path.isAbsolute(p) && folder) {
      p = path.join(folder, p);
    }
    return executable(p) ? p : undefined;
  }
  const exts = isWindows ? (process.env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";") : [""];
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) {
      continue;
    }
    for (const ext of exts) {
      const candidate = path.join(dir, configured + ext);
      if (executable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

function executable(p: string): boolean {
  try {
    const stat = fs.statSync(p);
    if (!stat.isFile()) {
      return false;
    }
    if (process.platform !== "win32") {
      fs.accessSync(p, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

async function missingBinary(configured: string): Promise<void> {
  const where = configured.includes("/") || configured.includes("\\") ? `at "${configured}"` : `"${configured}" on PATH`;
  const choice = await vscode.window.showErrorMessage(
    `Cairn: the cairn binary was not found (${where}). Install it (\`cargo install --path cli\` in the Cairn repository) or set "cairn.path" to the binary, then run "Cairn: Restart Language Server".`,
    "Open Settings",
    "Show Output",
  );
  if (choice === "Open Settings") {
    await vscode.commands.executeCommand("workbench.action.openSettings", "cairn.path");
  } else if (choice === "Show Output") {
    output.show(true);
  }
}
