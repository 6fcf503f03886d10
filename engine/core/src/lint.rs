//! The schema lint runner shared by `cairn lint` and the language server: evaluates `on schema`
//! rules over a compiled state, locates each finding at the declaration of its object, and
//! honours `nolint` directives (`-- atlas:nolint CODES`, `-- cairn:nolint`, `# cairn:nolint`
//! above an HCL block). Also the SQL statement splitter those directives are looked up with,
//! and what `on plan` rules see of a migration file (`file`, `change.file_statement`): its
//! statements, the session settings in force at each, and the statement behind each change.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use cairn_ir::{Dialect, Plan};
use cairn_sema::Compiled;
use cairn_sema::rules::{
    Anchor, CompiledRules, Evaluator, FileStatement, Finding, LintTarget, MigrationFile, ParamValue,
};
use cairn_syntax::Span;

/// A finding of a schema rule and where it is reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub finding: Finding,
    pub file: String,
    pub span: Span,
    /// A `nolint` directive covers it. The caller drops it, unless its policy forbids
    /// silencing that code (`lint { destructive { force = true } }`).
    pub suppressed: bool,
}

/// Evaluates the `on schema` rules of every set over `realm` (`compiled`'s realm, perhaps with
/// live row estimates attached; `compiled` should be free of errors), marks the findings a
/// `nolint` directive covers, and returns them in rule order. `text_of` gives a file's text
/// (for the directives); a finding without a declared object is reported at the start of
/// `fallback_file`.
pub fn schema_findings<'a>(
    compiled: &Compiled,
    realm: &cairn_ir::Realm,
    rules: impl IntoIterator<Item = &'a CompiledRules>,
    params: &BTreeMap<String, ParamValue>,
    text_of: &dyn Fn(&str) -> Option<&'a str>,
    fallback_file: &str,
) -> Vec<Located> {
    let target = LintTarget::schema(realm);
    let ev = Evaluator::new(&target);
    let findings: Vec<Finding> = rules
        .into_iter()
        .flat_map(|set| ev.evaluate(set, params).findings)
        .collect();
    locate(compiled, findings, text_of, fallback_file)
}

/// Evaluates every rule set over `target` and returns the findings in set order (each set's in
/// rule order), as evaluating the sets one after the other would. The sets are shared out to
/// up to `threads` threads, each evaluating whole sets with one [`Evaluator`] (so the target's
/// lookups and globals are built once per thread, not once per set).
pub fn evaluate_sets(
    sets: &[CompiledRules],
    target: &LintTarget<'_>,
    params: &BTreeMap<String, ParamValue>,
    threads: usize,
) -> Vec<Finding> {
    let threads = threads.clamp(1, sets.len().max(1));
    if threads == 1 {
        let ev = Evaluator::new(target);
        return sets
            .iter()
            .flat_map(|set| ev.evaluate(set, params).findings)
            .collect();
    }
    let next = AtomicUsize::new(0);
    let mut parts: Vec<(usize, Vec<Finding>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let ev = Evaluator::new(target);
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(set) = sets.get(i) else {
                            break;
                        };
                        out.push((i, ev.evaluate(set, params).findings));
                    }
                    out
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| match w.join() {
                Ok(parts) => parts,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    parts.sort_unstable_by_key(|(i, _)| *i);
    parts.into_iter().flat_map(|(_, f)| f).collect()
}

/// Locates findings of `on schema` rules (in the order given) at the declarations of their
/// objects in `compiled`, and marks those a `nolint` directive covers: the second half of
/// [`schema_findings`], for callers that evaluate the rules themselves (the language server
/// evaluates per table and caches).
pub fn locate<'a>(
    compiled: &Compiled,
    findings: impl IntoIterator<Item = Finding>,
    text_of: &dyn Fn(&str) -> Option<&'a str>,
    fallback_file: &str,
) -> Vec<Located> {
    let mut split: BTreeMap<String, Vec<Stmt>> = BTreeMap::new();
    let mut out = Vec::new();
    for f in findings {
        let (file, span) = match &f.anchor {
            Anchor::Object { path, .. } => match compiled.source_map.get(path) {
                Some(loc) => (loc.file.to_string(), loc.span),
                None => (fallback_file.to_string(), Span::default()),
            },
            _ => (fallback_file.to_string(), Span::default()),
        };
        let text = text_of(&file).unwrap_or("");
        let stmts: &[Stmt] = if file.ends_with(".hcl") {
            &[]
        } else {
            split
                .entry(file.clone())
                .or_insert_with(|| split_statements(text))
        };
        let suppressed = suppressed(text, &file, stmts, span.start as usize, &f);
        out.push(Located {
            finding: f,
            file,
            span,
            suppressed,
        });
    }
    out
}

/// One statement of a SQL file: its byte range (trimmed) and the comment lines right above it.
#[derive(Clone, Debug)]
pub struct Stmt {
    pub start: usize,
    pub end: usize,
    /// The comment block above the statement, and whether a blank line separates it from the
    /// statement.
    pub comments: Vec<String>,
    pub detached: bool,
}

/// Splits SQL text into statements at `;`, outside strings, quoted names, comments and
/// dollar-quoted bodies. Tracks the comment lines above each statement.
pub fn split_statements(text: &str) -> Vec<Stmt> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut start: Option<usize> = None;
    let mut comments: Vec<String> = Vec::new();
    let mut detached = false;
    let mut blank_since_comment = false;
    while i < b.len() {
        let c = b[i];
        if start.is_none() {
            if c == b'\n' {
                // Two newlines in a row (ignoring spaces) separate a comment block.
                let rest = &text[i + 1..];
                let line_end = rest.find('\n').map_or(rest.len(), |n| n);
                if rest[..line_end].trim().is_empty() && !comments.is_empty() {
                    blank_since_comment = true;
                }
                i += 1;
                continue;
            }
            if c.is_ascii_whitespace() || c == b';' {
                i += 1;
                continue;
            }
            if text[i..].starts_with("--") || text[i..].starts_with('#') {
                let end = text[i..].find('\n').map_or(b.len(), |n| i + n);
                if blank_since_comment {
                    // A new block: the previous one stands apart.
                    comments.clear();
                    blank_since_comment = false;
                }
                comments.push(text[i..end].to_string());
                i = end;
                continue;
            }
            if text[i..].starts_with("/*") {
                let end = text[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
                i = end;
                continue;
            }
            start = Some(i);
            detached = blank_since_comment;
            blank_since_comment = false;
        }
        match c {
            b'\'' | b'"' | b'`' => {
                i += 1;
                while i < b.len() && b[i] != c {
                    if b[i] == b'\\' && c == b'\'' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'-' if text[i..].starts_with("--") => {
                i = text[i..].find('\n').map_or(b.len(), |n| i + n);
            }
            b'/' if text[i..].starts_with("/*") => {
                i = text[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
            }
            b'$' => {
                // A dollar quote: $tag$ ... $tag$.
                let rest = &text[i + 1..];
                match rest.find('$') {
                    Some(n)
                        if rest[..n]
                            .chars()
                            .all(|ch| ch.is_alphanumeric() || ch == '_') =>
                    {
                        let tag = &text[i..i + n + 2];
                        let body = i + n + 2;
                        i = text[body..]
                            .find(tag)
                            .map_or(b.len(), |m| body + m + tag.len());
                    }
                    _ => i += 1,
                }
            }
            b';' => {
                out.push(Stmt {
                    start: start.take().unwrap_or(i),
                    end: i + 1,
                    comments: std::mem::take(&mut comments),
                    detached,
                });
                i += 1;
            }
            _ => i += 1,
        }
    }
    if let Some(s) = start {
        let end = text.trim_end().len().max(s);
        out.push(Stmt {
            start: s,
            end,
            comments: std::mem::take(&mut comments),
            detached,
        });
    }
    out
}

/// The codes of a `nolint` directive in a comment line, if it is one (empty: all).
pub fn nolint_codes(line: &str) -> Option<Vec<String>> {
    let body = line
        .trim_start()
        .trim_start_matches("--")
        .trim_start_matches('#')
        .trim_start_matches("//")
        .trim();
    let rest = body
        .strip_prefix("atlas:nolint")
        .or_else(|| body.strip_prefix("cairn:nolint"))?;
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    Some(rest.split_whitespace().map(str::to_string).collect())
}

/// The file-level directive: a nolint in the comment block at the top of the file, when a
/// blank line (or the end of the file) follows the block.
pub fn file_directives(text: &str) -> Option<Vec<String>> {
    let mut block = Vec::new();
    let mut separated = true;
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with("--") || l.starts_with('#') {
            block.push(l);
        } else if l.is_empty() {
            if !block.is_empty() {
                break;
            }
        } else {
            separated = false;
            break;
        }
    }
    if !separated {
        return None;
    }
    let mut codes: Option<Vec<String>> = None;
    for line in block {
        if let Some(c) = nolint_codes(line) {
            if c.is_empty() {
                return Some(Vec::new());
            }
            codes.get_or_insert_with(Vec::new).extend(c);
        }
    }
    codes
}

/// Whether a directive's codes name a finding: its code, its code family (`DS`), its rule
/// name or one of its tags; no codes names everything.
pub fn directive_matches(codes: &[String], f: &Finding) -> bool {
    codes.is_empty()
        || codes.iter().any(|c| {
            f.code.as_deref() == Some(c.as_str())
                || f.code.as_deref().is_some_and(|code| {
                    c.chars().all(|ch| ch.is_ascii_uppercase()) && code.starts_with(c.as_str())
                })
                || &f.name == c
                || f.tags.contains(c)
        })
}

/// Whether a statement-level (SQL) or block-level (HCL) nolint above the finding's location
/// silences it.
pub fn suppressed(text: &str, file: &str, stmts: &[Stmt], offset: usize, f: &Finding) -> bool {
    let silences = |l: &String| nolint_codes(l).is_some_and(|codes| directive_matches(&codes, f));
    if file.ends_with(".hcl") {
        return hcl_block_comments(text, offset).iter().any(silences);
    }
    // The statements are in file order: the one holding `offset` is found by bisection.
    let i = stmts.partition_point(|s| s.end < offset);
    match stmts.get(i) {
        Some(s) if s.start <= offset && !s.detached => s.comments.iter().any(silences),
        _ => false,
    }
}

/// The comment lines right above the top-level HCL block that contains `offset`.
pub fn hcl_block_comments(text: &str, offset: usize) -> Vec<String> {
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .scan(0, |pos, l| {
            let at = *pos;
            *pos += l.len();
            Some((at, l))
        })
        .collect();
    let Some(mut i) = lines.iter().rposition(|(at, _)| *at <= offset) else {
        return Vec::new();
    };
    // Up to the line that opens the block: it starts in column 0 with a word.
    while i > 0 && !lines[i].1.starts_with(|c: char| c.is_ascii_alphabetic()) {
        i -= 1;
    }
    let mut out = Vec::new();
    while i > 0 {
        i -= 1;
        let l = lines[i].1.trim();
        if l.starts_with('#') || l.starts_with("//") {
            out.push(l.to_string());
        } else {
            break;
        }
    }
    out
}

/// For each change of `whole`, the index of the statement of the file that brings it about.
///
/// Linear in the file: each statement is filed once under the table (or, for a bare `DROP
/// INDEX`, the object) it names; a change then looks only at the statements of its table and
/// takes the one that names the most of the objects in the change's summary (the first on a
/// tie, so the statement that created a thing wins over later ones that touch it).
pub fn change_owners(
    text: &str,
    stmts: &[Stmt],
    whole: &Plan,
    dialect: Dialect,
) -> Vec<Option<usize>> {
    StatementIndex::new(text, stmts, dialect).owners(whole)
}

/// The statements of a file filed under the table (or object) each names, for
/// [`change_owners`]; built without the plan, so it can be built while the plan is computed.
pub struct StatementIndex {
    dialect: Dialect,
    by_table: BTreeMap<String, Vec<usize>>,
    /// Each statement's text in lower case.
    lowered: Vec<String>,
}

impl StatementIndex {
    pub fn new(text: &str, stmts: &[Stmt], dialect: Dialect) -> StatementIndex {
        let mut by_table: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut lowered: Vec<String> = Vec::with_capacity(stmts.len());
        for (i, st) in stmts.iter().enumerate() {
            let body = &text[st.start..st.end];
            let lower = body.to_ascii_lowercase();
            if let Some(name) = statement_target(body).or_else(|| statement_object(body)) {
                let name = name.rsplit('.').next().unwrap_or(&name).to_string();
                by_table
                    .entry(fold_owner(&name, dialect))
                    .or_default()
                    .push(i);
            }
            lowered.push(lower);
        }
        StatementIndex {
            dialect,
            by_table,
            lowered,
        }
    }

    /// [`change_owners`] of `whole`.
    pub fn owners(&self, whole: &Plan) -> Vec<Option<usize>> {
        let dialect = self.dialect;
        let fold = |s: &str| fold_owner(s, dialect);
        let (by_table, lowered) = (&self.by_table, &self.lowered);
        const NOISE: &[&str] = &[
            "add", "drop", "modify", "rename", "column", "columns", "index", "table", "on", "to",
            "from", "of", "foreign", "key", "primary", "check", "unique", "type", "nullable",
            "default", "and", "the", "set", "not", "null", "comment",
        ];
        whole
            .changes
            .iter()
            .map(|c| {
                // A change outside any table (a view, routine, type, extension...) is filed under
                // its object's name, the last word of its summary (`add view public.v`).
                let key = match c.table() {
                    Some(t) => fold(&t.name),
                    None => {
                        let summary = c.summary();
                        let last = summary.split_whitespace().last()?;
                        fold(last.rsplit('.').next().unwrap_or(last))
                    }
                };
                let mut candidates: Vec<usize> = Vec::new();
                candidates.extend(by_table.get(&key).into_iter().flatten());
                // A bare `DROP INDEX name` is filed under the index.
                if let cairn_ir::Change::DropIndex { index, .. } = c {
                    candidates.extend(by_table.get(&fold(&index.name)).into_iter().flatten());
                    candidates.sort_unstable();
                }
                let mut words: Vec<String> = c
                    .summary()
                    .split(|ch: char| ch.is_whitespace() || matches!(ch, '.' | ',' | '(' | ')'))
                    .filter(|w| w.len() > 1 && !NOISE.contains(&w.to_ascii_lowercase().as_str()))
                    .map(|w| w.to_ascii_lowercase())
                    .collect();
                // A change of nullability is the statement that says so, not another one of
                // the table that happens to name the column (a `VALIDATE CONSTRAINT` of the
                // check that proves it NOT NULL, say).
                if let cairn_ir::Change::ModifyColumn { after, changed, .. } = c
                    && changed.nullable
                {
                    words.push(
                        if after.nullable {
                            "drop not null"
                        } else {
                            "set not null"
                        }
                        .into(),
                    );
                }
                // Likewise a constraint's drop or validation is the statement that drops or
                // validates it, not another one naming it.
                match c {
                    cairn_ir::Change::DropCheck { .. }
                    | cairn_ir::Change::DropForeignKey { .. } => {
                        words.push("drop constraint".into());
                    }
                    cairn_ir::Change::ValidateCheck { .. }
                    | cairn_ir::Change::ValidateForeignKey { .. } => {
                        words.push("validate constraint".into());
                    }
                    _ => {}
                }
                // An index no statement names was dropped with one of its columns
                // (`ALTER TABLE t DROP COLUMN c`): that statement owns the drop.
                if let cairn_ir::Change::DropIndex { index, .. } = c {
                    let named = candidates
                        .iter()
                        .any(|&i| lowered[i].contains(&index.name.to_ascii_lowercase()));
                    if !named {
                        words.extend(index.parts.iter().filter_map(|p| match &p.key {
                            cairn_ir::IndexKey::Column(col) => {
                                Some(format!("drop column {}", col.to_ascii_lowercase()))
                            }
                            cairn_ir::IndexKey::Expr(_) => None,
                        }));
                    }
                }
                let mut best: Option<(usize, usize)> = None;
                for &i in &candidates {
                    let score = words
                        .iter()
                        .filter(|w| lowered[i].contains(w.as_str()))
                        .count();
                    if best.is_none_or(|(_, s)| score > s) {
                        best = Some((i, score));
                    }
                }
                best.map(|(i, _)| i)
            })
            .collect()
    }
}

/// A name as [`StatementIndex`] files it: quotes dropped, and case too outside PostgreSQL.
fn fold_owner(s: &str, dialect: Dialect) -> String {
    let s = s.trim_matches(|c| c == '"' || c == '`' || c == '[' || c == ']');
    if dialect == Dialect::Postgres {
        s.to_string()
    } else {
        s.to_ascii_lowercase()
    }
}

/// The table a DDL statement works on, as written (possibly qualified and quoted): `CREATE
/// TABLE t`, `ALTER TABLE t`, `DROP TABLE t`, `CREATE INDEX i ON t`, `COMMENT ON COLUMN t.c`;
/// for `DROP INDEX i`, the index.
pub fn statement_target(body: &str) -> Option<String> {
    // The words outside comment lines, compared without case (no copies).
    let words: Vec<&str> = body
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .flat_map(str::split_whitespace)
        .collect();
    let is = |i: usize, w: &str| words.get(i).is_some_and(|x| x.eq_ignore_ascii_case(w));
    let skip = |mut i: usize, opt: &[&str]| {
        while words
            .get(i)
            .is_some_and(|w| opt.iter().any(|o| w.eq_ignore_ascii_case(o)))
        {
            i += 1;
        }
        i
    };
    let name_at = |i: usize| -> Option<String> {
        let w = words.get(i)?;
        let w = w.split('(').next().unwrap_or(w).trim_end_matches(';');
        (!w.is_empty()).then(|| w.to_string())
    };
    let first = *words.first()?;
    let (create, drop) = (
        first.eq_ignore_ascii_case("CREATE"),
        first.eq_ignore_ascii_case("DROP"),
    );
    if create || drop || first.eq_ignore_ascii_case("ALTER") {
        let mut i = skip(
            1,
            &[
                "OR",
                "REPLACE",
                "TEMP",
                "TEMPORARY",
                "UNLOGGED",
                "GLOBAL",
                "LOCAL",
            ],
        );
        if is(i, "TABLE") {
            i = skip(i + 1, &["IF", "NOT", "EXISTS", "ONLY"]);
            name_at(i)
        } else if is(i, "INDEX") && drop {
            i = skip(i + 1, &["CONCURRENTLY", "IF", "EXISTS"]);
            name_at(i)
        } else if (is(i, "UNIQUE") || is(i, "INDEX")) && create {
            let on = words.iter().position(|w| w.eq_ignore_ascii_case("ON"))?;
            name_at(skip(on + 1, &["ONLY"]))
        } else {
            None
        }
    } else if first.eq_ignore_ascii_case("COMMENT") {
        // COMMENT ON COLUMN t.c / COMMENT ON TABLE t
        if is(2, "TABLE") {
            name_at(3)
        } else if is(2, "COLUMN") {
            let n = name_at(3)?;
            let mut parts: Vec<&str> = n.split('.').collect();
            parts.pop();
            parts.last().map(|s| s.to_string())
        } else {
            None
        }
    } else {
        None
    }
}

/// The object a `CREATE`, `ALTER` or `DROP` of something other than a table or index names, as
/// written: `CREATE OR REPLACE FUNCTION s.f(...)` gives `s.f`; views, materialized views,
/// functions, procedures, types, domains, sequences, extensions and schemas.
fn statement_object(body: &str) -> Option<String> {
    let code: String = body
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join(" ");
    let words: Vec<&str> = code.split_whitespace().collect();
    let up: Vec<String> = words.iter().map(|w| w.to_ascii_uppercase()).collect();
    if !matches!(up.first()?.as_str(), "CREATE" | "ALTER" | "DROP") {
        return None;
    }
    let mut i = 1;
    while up.get(i).is_some_and(|w| {
        matches!(
            w.as_str(),
            "OR" | "REPLACE" | "TEMP" | "TEMPORARY" | "RECURSIVE" | "MATERIALIZED" | "TRUSTED"
        )
    }) {
        i += 1;
    }
    match up.get(i)?.as_str() {
        "VIEW" | "FUNCTION" | "PROCEDURE" | "TYPE" | "DOMAIN" | "SEQUENCE" | "EXTENSION"
        | "SCHEMA" => {}
        _ => return None,
    }
    i += 1;
    while up
        .get(i)
        .is_some_and(|w| matches!(w.as_str(), "IF" | "NOT" | "EXISTS"))
    {
        i += 1;
    }
    let w = words.get(i)?;
    let w = w.split('(').next().unwrap_or(w).trim_end_matches(';');
    (!w.is_empty()).then(|| w.to_string())
}

/// A migration file as `on plan` rules see it. `stmts` are its statements as
/// [`split_statements`] gives them (so `Anchor::FileStatement(i)` is `stmts[i]`), and `plan` the
/// plan from the state before the file to the state after it.
pub fn migration_file(
    path: &str,
    text: &str,
    stmts: &[Stmt],
    plan: &Plan,
    dialect: Dialect,
) -> MigrationFile {
    let mut file = migration_statements(path, text, stmts, dialect);
    attach_changes(&mut file, &StatementIndex::new(text, stmts, dialect), plan);
    file
}

/// The part of [`migration_file`] that needs no plan: the file's statements, directives and
/// settings, no changes yet ([`attach_changes`] adds them).
pub fn migration_statements(
    path: &str,
    text: &str,
    stmts: &[Stmt],
    dialect: Dialect,
) -> MigrationFile {
    let split = cairn_syntax::sql::split(text, crate::migrate::executor::split_options(dialect));
    let directives: Vec<String> = split
        .file_directives
        .iter()
        .map(|d| comment_body(&text[d.span.start as usize..d.span.end as usize]))
        .collect();
    let transactional = !split
        .file_directives
        .iter()
        .any(|d| d.name == "txmode" && d.args.trim() == "none");
    let mut settings: Vec<(String, String)> = Vec::new();
    let mut statements = Vec::with_capacity(stmts.len());
    for st in stmts {
        let sql = &text[st.start..st.end];
        statements.push(FileStatement {
            sql: sql.to_string(),
            directives: st
                .comments
                .iter()
                .map(|c| comment_body(c))
                .filter(|c| c.starts_with("atlas:") || c.starts_with("cairn:"))
                .collect(),
            settings: settings.clone(),
            changes: Vec::new(),
            facts: Default::default(),
        });
        match session_setting(sql) {
            Some(Setting::Set(name, value)) => {
                settings.retain(|(n, _)| *n != name);
                settings.push((name, value));
            }
            Some(Setting::Reset(name)) => settings.retain(|(n, _)| *n != name),
            Some(Setting::ResetAll) => settings.clear(),
            None => {}
        }
    }
    MigrationFile {
        path: path.to_string(),
        directives,
        transactional,
        statements,
        change_statement: Vec::new(),
    }
}

/// Finds the statement of `file` behind each change of `plan` (`index` is built from the same
/// file): the rest of [`migration_file`].
pub fn attach_changes(file: &mut MigrationFile, index: &StatementIndex, plan: &Plan) {
    let change_statement = index.owners(plan);
    for (c, s) in change_statement.iter().enumerate() {
        if let Some(st) = s.and_then(|s| file.statements.get_mut(s)) {
            st.changes.push(c);
        }
    }
    file.change_statement = change_statement;
}

/// A comment line without its marker: `-- atlas:txmode none` gives `atlas:txmode none`.
fn comment_body(line: &str) -> String {
    let l = line.trim();
    l.strip_prefix("--")
        .or_else(|| l.strip_prefix('#'))
        .unwrap_or(l)
        .trim()
        .to_string()
}

#[derive(Debug, PartialEq, Eq)]
enum Setting {
    Set(String, String),
    Reset(String),
    ResetAll,
}

/// A statement that changes a session setting: PostgreSQL `SET [SESSION | LOCAL] name {= | TO}
/// value`, `RESET name`, `RESET ALL`; MySQL `SET [SESSION] name = value`, `SET @@[session.]name
/// = value`. Global settings (`SET GLOBAL`) and user variables (`SET @x`) are not session
/// settings.
fn session_setting(sql: &str) -> Option<Setting> {
    let code: String = sql
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join(" ");
    let code = code.trim().trim_end_matches(';').trim();
    let mut words = code.split_whitespace();
    let first = words.next()?.to_ascii_uppercase();
    let rest: Vec<&str> = words.collect();
    let name_of = |w: &str| {
        let w = w.trim_matches('"').to_ascii_lowercase();
        w.strip_prefix("@@session.")
            .or_else(|| w.strip_prefix("@@"))
            .unwrap_or(&w)
            .to_string()
    };
    match first.as_str() {
        "RESET" => match rest.first() {
            Some(w) if w.eq_ignore_ascii_case("all") => Some(Setting::ResetAll),
            Some(w) => Some(Setting::Reset(name_of(w))),
            None => None,
        },
        "SET" => {
            let mut i = 0;
            if rest.first().is_some_and(|w| {
                w.eq_ignore_ascii_case("session") || w.eq_ignore_ascii_case("local")
            }) {
                i = 1;
            }
            let target = rest.get(i)?;
            if target.eq_ignore_ascii_case("global")
                || target.starts_with("@@global.")
                || (target.starts_with('@') && !target.starts_with("@@"))
            {
                return None;
            }
            // `name=value`, `name = value`, `name TO value`.
            let tail = rest[i..].join(" ");
            let (name, value) = match tail.split_once('=') {
                Some((n, v)) if !n.trim().contains(' ') => {
                    (n.trim().to_string(), v.trim().to_string())
                }
                _ => {
                    let (n, v) = tail.split_once(' ')?;
                    let v = v.trim();
                    let v = v
                        .strip_prefix("TO ")
                        .or_else(|| v.strip_prefix("to "))
                        .or_else(|| v.strip_prefix("To "))?;
                    (n.to_string(), v.trim().to_string())
                }
            };
            // A MySQL list (`SET a = 1, b = 2`) sets the first only here.
            let value = value.split(',').next().unwrap_or(&value).trim().to_string();
            Some(Setting::Set(name_of(&name), value))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn_sema::rules::evaluate;

    #[test]
    fn splits_statements_and_keeps_their_comments() {
        let sql = "-- atlas:nolint\n\n-- cairn:nolint DS102\nDROP TABLE t;\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\nSELECT 'a;b' -- x;\n;";
        let s = split_statements(sql);
        assert_eq!(s.len(), 3);
        assert_eq!(&sql[s[0].start..s[0].end], "DROP TABLE t;");
        assert_eq!(s[0].comments, vec!["-- cairn:nolint DS102"]);
        assert!(s[0].detached || !s[0].comments.is_empty());
        assert!(sql[s[1].start..s[1].end].ends_with("LANGUAGE sql;"));
        assert!(sql[s[2].start..s[2].end].starts_with("SELECT 'a;b'"));
        assert_eq!(
            nolint_codes("-- atlas:nolint DS103 destructive"),
            Some(vec!["DS103".into(), "destructive".into()])
        );
        assert_eq!(nolint_codes("-- atlas:nolintx"), None);
    }

    #[test]
    fn sets_on_threads_report_in_set_order() {
        let sets: Vec<CompiledRules> = (0..5)
            .map(|i| {
                cairn_sema::rules::compile_rules_text(
                    &format!("r{i}.cairn"),
                    &format!(
                        "rule RW{i}01 wide-{i}: warning on schema {{\n  for t in tables\n  where len(t.columns) > {i}\n  deny\n  message \"{{t.name}} {i}\"\n}}\n"
                    ),
                )
            })
            .collect();
        assert!(sets.iter().all(|s| !s.has_errors()), "rules compile");
        let sql = "CREATE TABLE a (x int); CREATE TABLE b (x int, y int, z int, w int);";
        let compiled =
            cairn_sema::compile(&[("s.sql".to_string(), sql.to_string())], Dialect::Postgres);
        let target = LintTarget::schema(&compiled.realm);
        let params = BTreeMap::new();
        let one_by_one: Vec<Finding> = sets
            .iter()
            .flat_map(|s| evaluate(s, &target, &params).findings)
            .collect();
        assert!(one_by_one.len() > 3);
        for threads in [1, 2, 3] {
            assert_eq!(
                evaluate_sets(&sets, &target, &params, threads),
                one_by_one,
                "{threads} threads"
            );
        }
    }

    #[test]
    fn a_report_scope_and_change_kinds_keep_the_findings() {
        let sets: Vec<CompiledRules> = [
            "rule RW101 wide: warning on schema {\n  for c in columns\n  deny c.name != \"id\"\n  message \"{c.table.name}.{c.name}\"\n}\n",
            "rule RW102 added: warning on plan {\n  for c in changes where c is add_column and c.column.name != \"z\"\n  deny\n  message \"{c.column.name}\"\n}\n",
            "rule RW103 added-only: warning on plan {\n  for c in changes where c is add_column\n  deny\n}\n",
            "rule RW104 not-added: warning on plan {\n  for c in changes where not (c is add_column)\n  deny\n}\n",
        ]
        .iter()
        .enumerate()
        .map(|(i, text)| cairn_sema::rules::compile_rules_text(&format!("r{i}.cairn"), text))
        .collect();
        assert!(sets.iter().all(|s| !s.has_errors()), "rules compile");
        let first = (
            "1.sql".to_string(),
            "CREATE TABLE a (id int, x int);".to_string(),
        );
        let second = (
            "2.sql".to_string(),
            "ALTER TABLE a ADD COLUMN y int; ALTER TABLE a ADD COLUMN z int; CREATE TABLE b (id int, w int);"
                .to_string(),
        );
        let before = cairn_sema::compile(std::slice::from_ref(&first), Dialect::Postgres);
        let after = cairn_sema::compile(&[first, second], Dialect::Postgres);
        let d = crate::diff::diff(&before.realm, &after.realm, &Default::default());
        let plan = Plan {
            changes: d.changes,
            ..Default::default()
        };
        let mut target = LintTarget {
            dialect: Dialect::Postgres,
            before: Some(&before.realm),
            after: &after.realm,
            plan: Some(&plan),
            server_version: None,
            schema_rules: true,
            file: None,
            report_scope: None,
        };
        let params = BTreeMap::new();
        let all = evaluate_sets(&sets, &target, &params, 1);
        let scope = cairn_sema::rules::ReportScope {
            source_map: &after.source_map,
            file: "2.sql",
        };
        target.report_scope = Some(scope);
        let scoped = evaluate_sets(&sets, &target, &params, 2);
        let expected: Vec<Finding> = all
            .iter()
            .filter(|f| scope.reports(&f.anchor))
            .cloned()
            .collect();
        assert!(scoped.len() < all.len(), "columns of 1.sql are dropped");
        assert_eq!(scoped, expected);
        let messages = |code: &str| -> Vec<String> {
            scoped
                .iter()
                .filter(|f| f.code.as_deref() == Some(code))
                .map(|f| f.message.clone())
                .collect()
        };
        assert_eq!(messages("RW101"), vec!["a.y", "a.z", "b.w"]);
        assert_eq!(messages("RW102"), vec!["y"]);
        assert_eq!(messages("RW103").len(), 2);
        assert_eq!(messages("RW104").len(), plan.changes.len() - 2);
    }

    #[test]
    fn file_level_directives_need_a_blank_line() {
        let sql = "-- atlas:nolint DS102\n\nDROP TABLE t;";
        assert_eq!(file_directives(sql), Some(vec!["DS102".to_string()]));
        let sql = "-- atlas:nolint DS102\nDROP TABLE t;";
        assert_eq!(file_directives(sql), None);
        let sql = "-- atlas:nolint\n\n-- cairn:nolint DS102\nDROP TABLE t;";
        assert_eq!(file_directives(sql), Some(vec![]));
    }
}
