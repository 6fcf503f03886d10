// Tokenizes the sample files with the extension's TextMate grammars, as VS Code would (the same
// vscode-textmate and Oniguruma engines, no VS Code needed), and checks the scopes of a few
// tokens. Run with `npm test` (node's test runner).

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const root = path.join(__dirname, "..");
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const grammarFiles = Object.fromEntries(
  manifest.contributes.grammars.map((g) => [g.scopeName, path.join(root, g.path)]),
);

const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
const onigLib = oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength)).then(() => ({
  createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
  createOnigString: (s) => new oniguruma.OnigString(s),
}));

const registry = new vsctm.Registry({
  onigLib,
  // Grammars outside the extension (source.sql, VS Code's own) are not loaded: embedded SQL
  // then stays a plain `meta.embedded` region, which is all these tests look at.
  loadGrammar: async (scopeName) => {
    const file = grammarFiles[scopeName];
    if (!file) {
      return null;
    }
    return vsctm.parseRawGrammar(fs.readFileSync(file, "utf8"), file);
  },
});

/// The tokens of a fixture: one array per line of { text, scopes }; also whether every
/// begin/end region was closed by the end of the file.
async function tokenize(scopeName, fixture) {
  const grammar = await registry.loadGrammar(scopeName);
  assert.ok(grammar, `grammar ${scopeName} loads`);
  const lines = fs.readFileSync(path.join(__dirname, "fixtures", fixture), "utf8").split("\n");
  let stack = vsctm.INITIAL;
  const out = [];
  for (const line of lines) {
    const r = grammar.tokenizeLine(line, stack);
    out.push(
      r.tokens.map((t) => ({ text: line.substring(t.startIndex, t.endIndex), scopes: t.scopes })),
    );
    stack = r.ruleStack;
  }
  return { lines, tokens: out, closed: stack.depth === 1 };
}

/// The scopes of the token that holds `needle` (searched from `lineHas` on) on the first line
/// (from line `from`) containing `lineHas`.
function scopesOf(file, lineHas, needle, from = 0) {
  const i = file.lines.findIndex((l, n) => n >= from && l.includes(lineHas));
  assert.ok(i >= 0, `a line containing ${JSON.stringify(lineHas)}`);
  const col = file.lines[i].indexOf(needle, file.lines[i].indexOf(lineHas));
  assert.ok(col >= 0, `${JSON.stringify(needle)} on line ${i + 1}`);
  let at = 0;
  for (const t of file.tokens[i]) {
    if (col >= at && col < at + t.text.length) {
      return t.scopes;
    }
    at += t.text.length;
  }
  assert.fail(`no token at ${i + 1}:${col + 1}`);
}

function expectScope(file, lineHas, needle, scope) {
  const scopes = scopesOf(file, lineHas, needle);
  assert.ok(
    scopes.some((s) => s === scope || s.startsWith(`${scope}.`)),
    `${JSON.stringify(needle)} in ${JSON.stringify(lineHas)}: expected ${scope}, got ${scopes.join(" ")}`,
  );
}

function expectNotScope(file, lineHas, needle, scope) {
  const scopes = scopesOf(file, lineHas, needle);
  assert.ok(
    !scopes.some((s) => s === scope || s.startsWith(`${scope}.`)),
    `${JSON.stringify(needle)} in ${JSON.stringify(lineHas)}: did not expect ${scope}, got ${scopes.join(" ")}`,
  );
}

function noInvalid(file) {
  file.tokens.forEach((line, i) =>
    line.forEach((t) =>
      assert.ok(!t.scopes.some((s) => s.startsWith("invalid")), `invalid token ${JSON.stringify(t.text)} on line ${i + 1}`),
    ),
  );
}

test("every contributed language has a grammar file and a language configuration", () => {
  for (const lang of manifest.contributes.languages) {
    assert.ok(fs.existsSync(path.join(root, lang.configuration)), lang.configuration);
    JSON.parse(fs.readFileSync(path.join(root, lang.configuration), "utf8"));
    assert.ok(
      manifest.contributes.grammars.some((g) => g.language === lang.id),
      `a grammar for ${lang.id}`,
    );
  }
});

test("rules files (*.cairn)", async () => {
  const f = await tokenize("source.cairn", "sample.cairn");
  assert.ok(f.closed, "every region is closed at the end of the file");
  noInvalid(f);
  expectScope(f, "use std", "use", "keyword.control.import");
  expectScope(f, "as naming", "naming", "entity.name.namespace");
  expectScope(f, "param big_table_rows", "big_table_rows", "variable.other.constant");
  expectScope(f, "param big_table_rows", "int", "support.type.primitive");
  expectScope(f, "param big_table_rows", "10_000_000", "constant.numeric.integer");
  expectScope(f, "param owners", "list", "support.type.primitive");
  expectScope(f, "predicate app_table", "app_table", "entity.name.function.predicate");
  expectScope(f, "predicate app_table", "t:", "variable.parameter");
  expectScope(f, "predicate app_table", "table)", "support.type.model");
  expectScope(f, "predicate app_table", "starts_with", "keyword.operator.word");
  expectScope(f, "predicate app_table", "len", "support.function.builtin");
  // Documentation comments, with their section headings.
  expectScope(f, "/// Rewriting", "Rewriting", "comment.line.documentation");
  expectScope(f, "## Why it matters", "Why", "markup.heading");
  expectScope(f, "// Every table", "Every", "comment.line.double-slash");
  // A rule header: code, kebab-case name, severity, target.
  expectScope(f, "rule LK901", "rule", "storage.type.rule");
  expectScope(f, "rule LK901", "LK901", "constant.other.rule-code");
  expectScope(f, "rule LK901", "large-table-rewrite", "entity.name.function.rule");
  expectScope(f, "rule LK901", "warning", "keyword.other.severity");
  expectScope(f, "rule LK901", "plan", "support.constant.target");
  expectScope(f, "rule drop-column-kept", "drop-column-kept", "entity.name.function.rule");
  // Clauses and expressions.
  expectScope(f, "for c in changes", "for", "keyword.control.for");
  expectScope(f, "for c in changes", "where", "keyword.control.clause");
  expectScope(f, "for c in changes", "changes", "variable.language.model");
  expectScope(f, "for c in changes", "rewrites_table", "variable.other.property");
  expectScope(f, "for c in changes", "??", "keyword.operator.null-coalescing");
  expectScope(f, "  deny", "deny", "keyword.control.clause");
  expectScope(f, "  message \"{c.summary}", "message", "keyword.other.clause");
  expectScope(f, "dialects [postgres", "sqlite", "support.constant.dialect");
  expectScope(f, "c is drop_column", "drop_column", "constant.other.change-kind");
  expectScope(f, "c is drop_column", "null", "constant.language.null");
  // A field after `.` is a field, even when it is a keyword elsewhere.
  expectScope(f, "i.unique", "unique", "variable.other.property");
  // Templates: holes are expressions, `{{` is an escaped brace, strings may nest in holes.
  expectScope(f, "  message \"{c.summary}", "rewrites", "string.quoted.double");
  expectScope(f, "  message \"{c.summary}", "{c.summary", "punctuation.section.interpolation.begin");
  expectScope(f, "  message \"{c.summary}", "summary", "variable.other.property");
  expectScope(f, "  message \"{c.summary}", "a lock", "string.quoted.double");
  expectNotScope(f, "  message \"{c.summary}", "under", "meta.interpolation");
  expectScope(f, "{{braces}}", "{{", "constant.character.escape");
  // The string after `matches` is a regex literal, not a template.
  expectScope(f, "require t.name matches", "^[a-z_]", "string.regexp");
  expectNotScope(f, "require t.name matches", "^[a-z_]", "meta.interpolation");
  // Tests: header, embedded SQL and HCL states, expectations.
  expectScope(f, "test LK901", "test", "storage.type.test");
  expectScope(f, "test LK901", "\"quiet", "string.quoted.double.title");
  expectScope(f, "test LK901", "postgres", "support.constant.dialect");
  expectScope(f, "before = sql", "sql", "storage.type.string");
  expectScope(f, "before = sql", "CREATE TABLE", "meta.embedded.sql");
  expectScope(f, "expect none", "none", "constant.language.none");
  expectScope(f, "expect NM901", "NM901", "constant.other.rule-code");
  const hcl = f.lines.findIndex((l) => l.startsWith("table \"Users\""));
  assert.ok(
    f.tokens[hcl][0].scopes.includes("meta.embedded.hcl"),
    `hcl"""...""" embeds HCL: ${f.tokens[hcl][0].scopes.join(" ")}`,
  );
  assert.ok(
    f.tokens[hcl].some((t) => t.text === "table" && t.scopes.some((s) => s.startsWith("entity.name.type.block"))),
    "the embedded HCL is highlighted as schema HCL",
  );
});

test("schema HCL (*.pg.hcl)", async () => {
  const f = await tokenize("source.cairn-hcl", "sample.pg.hcl");
  assert.ok(f.closed, "every region is closed at the end of the file");
  noInvalid(f);
  expectScope(f, "# A schema", "A schema", "comment.line.number-sign");
  expectScope(f, "schema \"public\" {", "schema", "entity.name.type.block");
  expectScope(f, "schema \"public\" {", "\"public\"", "string.quoted.double.label");
  expectScope(f, "table \"users\"", "table", "entity.name.type.block");
  expectScope(f, "primary_key {", "primary_key", "entity.name.type.block");
  expectScope(f, "schema  = schema.public", "schema", "variable.other.property");
  expectScope(f, "schema  = schema.public", "=", "keyword.operator.assignment");
  // References.
  expectScope(f, "schema  = schema.public", "schema.", "variable.language.reference");
  expectScope(f, "schema  = schema.public", "public", "variable.other.member");
  expectScope(f, "columns = [column.id]", "column.", "variable.language.reference");
  expectScope(f, "columns = [column.id]", "id]", "variable.other.member");
  expectScope(f, "table.users.column.id", "users", "variable.other.member");
  expectScope(f, "table.users.column.id", "column.id", "meta.reference");
  // Column types.
  expectScope(f, "type = bigint", "bigint", "support.type.sql");
  expectScope(f, "type = varchar(255)", "varchar", "support.type.sql");
  expectScope(f, "type = varchar(255)", "255", "constant.numeric");
  expectScope(f, "type = varchar(255)", "the login", "comment.line.double-slash");
  expectScope(f, "type    = enum.status", "status", "variable.other.member");
  expectNotScope(f, "type    = enum.status", "status", "support.type.sql");
  // Strings with interpolation, functions, constants.
  expectScope(f, "comment = \"people", "people", "string.quoted.double");
  expectScope(f, "${var.tenant}", "${", "punctuation.definition.template-expression.begin");
  expectScope(f, "${var.tenant}", "tenant", "variable.other.member");
  expectScope(f, "default = sql(\"now()\")", "sql", "support.function");
  expectScope(f, "default = sql(\"now()\")", "now()", "string.quoted.double");
  expectScope(f, "generated = ALWAYS", "ALWAYS", "constant.other.enum");
  expectScope(f, "on_delete   = CASCADE", "CASCADE", "constant.other.enum");
  expectScope(f, "unique  = true", "true", "constant.language.boolean");
  // Directives in comments, block comments, heredocs.
  expectScope(f, "# cairn:nolint NM102", "cairn:nolint", "keyword.other.directive");
  expectScope(f, "# cairn:nolint NM102", "NM102", "constant.other.rule-code");
  expectScope(f, "/* a block", "a block", "comment.block");
  expectScope(f, "comment */", "comment", "comment.block");
  expectScope(f, "as     = <<-SQL", "<<-", "keyword.operator.heredoc");
  expectScope(f, "SELECT id, email", "SELECT", "string.unquoted.heredoc");
  expectScope(f, "SELECT id, email", "SELECT", "meta.embedded.block.sql");
  // The heredoc ends at its marker: the next attribute is an attribute again.
  expectScope(f, "depends_on = [table.users]", "depends_on", "variable.other.property");
});

test("project files (atlas.hcl) use the schema HCL grammar", async () => {
  const f = await tokenize("source.cairn-config", "atlas.hcl");
  assert.ok(f.closed, "every region is closed at the end of the file");
  noInvalid(f);
  expectScope(f, "env \"local\"", "env", "entity.name.type.block");
  expectScope(f, "env \"local\"", "\"local\"", "string.quoted.double.label");
  expectScope(f, "url = var.url", "var", "variable.language.reference");
  expectScope(f, "getenv(", "getenv", "support.function");
  expectScope(f, "severity = {", "\"drop-table\"", "variable.other.property");
  expectScope(f, "severity = {", "\"warning\"", "string.quoted.double");
  expectScope(f, "review   = ERROR", "ERROR", "constant.other.enum");
  // The object literal's `}` does not close the `lint` block: `}` of lint and env still match.
  const last = f.tokens[f.tokens.length - 2];
  assert.ok(
    last.some((t) => t.text === "}" && t.scopes.some((s) => s.startsWith("punctuation.section.block.end"))),
    "the env block's closing brace ends a block",
  );
});
