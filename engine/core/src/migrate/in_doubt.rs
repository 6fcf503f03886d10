//! The statement in doubt after an interrupted run.
//!
//! The executor writes the revision row after every statement, so when a run dies (SIGKILL, a
//! lost connection, a crashed host) outside a transaction, the revisions table says how many
//! statements completed, but the next one may or may not have taken effect: the database may
//! have finished it after the client was gone. A partial revision without an error is such a
//! run (a failed statement records its error). Before that statement runs again, its effect is
//! looked for in the live schema:
//!
//! - the directory is replayed by Cairn's SQL front end up to the statement (the state before)
//!   and through it (the state after); their difference is what the statement changes;
//! - the tables it changes are compared in the live schema with both states: matching the state
//!   after means it took effect (it counts as applied and is not re-run), matching the state
//!   before means it did not (it runs again);
//! - a query changes nothing and simply runs again; anything else (data changes, objects the IR
//!   does not model, a live schema matching neither state) cannot be told, and the caller stops
//!   and asks for `migrate set`.

use std::collections::BTreeSet;

use cairn_ir::{Dialect, Realm, Schema};
use cairn_syntax::sql::{ParsedStatement, SqlDialect, parse_statement};
use sqlparser::ast;

use super::dir::MigrationFile;
use super::executor::split_options;
use crate::diff::{DiffOptions, diff};

/// What the live schema says about the statement in doubt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Its effect is present: count it as applied. The text says what was found.
    Applied(String),
    /// Its effect is absent (or it has none): run it again.
    NotApplied(String),
    /// It cannot be told; the text says why.
    Unknown(String),
}

fn sql_dialect(d: Dialect) -> SqlDialect {
    match d {
        Dialect::Postgres => SqlDialect::Postgres,
        Dialect::Mysql(_) => SqlDialect::Mysql,
        Dialect::Sqlite => SqlDialect::Sqlite,
    }
}

/// Whether a parsed statement is a plain query: it reads, so running it again changes nothing.
fn is_plain_query(p: &ParsedStatement) -> bool {
    match p {
        ParsedStatement::Ast(s) => match s.as_ref() {
            ast::Statement::Query(q) => plain_query(q),
            _ => false,
        },
        _ => false,
    }
}

/// A query without `SELECT ... INTO` or data-modifying common table expressions.
fn plain_query(q: &ast::Query) -> bool {
    q.with
        .as_ref()
        .is_none_or(|w| w.cte_tables.iter().all(|c| plain_query(&c.query)))
        && plain_set(&q.body)
}

fn plain_set(s: &ast::SetExpr) -> bool {
    match s {
        ast::SetExpr::Select(sel) => sel.into.is_none(),
        ast::SetExpr::Query(q) => plain_query(q),
        ast::SetExpr::SetOperation { left, right, .. } => plain_set(left) && plain_set(right),
        ast::SetExpr::Values(_) => true,
        _ => false,
    }
}

/// The verdict on statement `index` (0-based) of `files[file_index]`, given the live schema
/// `live` (inspected with the driver's scope; `bound_schema` is the URL's schema in schema
/// scope).
pub fn verdict(
    dialect: Dialect,
    bound_schema: Option<&str>,
    live: &Realm,
    files: &[MigrationFile],
    file_index: usize,
    index: usize,
) -> Verdict {
    let file = &files[file_index];
    // Spans of this split are offsets in the statements' text (a txtar file's migration.sql).
    let text = file.migration_text();
    let split = cairn_syntax::sql::split(&text, split_options(dialect));
    let Some(stmt) = split.statements.get(index) else {
        return Verdict::Unknown(format!("the file has no statement {}", index + 1));
    };
    let parsed = parse_statement(stmt, sql_dialect(dialect));
    if is_plain_query(&parsed) {
        return Verdict::NotApplied("it is a query, which changes nothing: it runs again".into());
    }
    if matches!(parsed, ParsedStatement::Error(_)) {
        return Verdict::Unknown("Cairn's SQL front end cannot parse it".into());
    }
    // The replay starts where a new database starts: the last checkpoint before the file.
    let start = files[..file_index]
        .iter()
        .rposition(MigrationFile::is_checkpoint)
        .unwrap_or(0);
    let mut inputs: Vec<(String, String)> = files[start..file_index]
        .iter()
        .map(|f| (f.name.clone(), f.migration_text().into_owned()))
        .collect();
    let before_end = match index {
        0 => 0,
        i => split.statements[i - 1].span.end as usize,
    };
    let after_end = stmt.span.end as usize;
    inputs.push((file.name.clone(), text[..before_end].to_string()));
    let before = cairn_sema::compile(&inputs, dialect).realm;
    if let Some(last) = inputs.last_mut() {
        last.1 = text[..after_end].to_string();
    }
    let after = cairn_sema::compile(&inputs, dialect).realm;
    let changes = diff(&before, &after, &DiffOptions::default()).changes;
    if changes.is_empty() {
        return Verdict::Unknown(
            "it changes no schema object Cairn models (data, settings, or an object the IR does not represent)"
                .into(),
        );
    }
    let map = |schema: &str| -> String {
        match bound_schema {
            Some(b) if schema.is_empty() || Some(schema) == dialect.default_schema() => {
                b.to_string()
            }
            _ => schema.to_string(),
        }
    };
    let mut touched = BTreeSet::new();
    for c in &changes {
        match c {
            cairn_ir::Change::RenameTable { from, to } => {
                touched.insert((map(&from.schema), from.name.clone()));
                touched.insert((map(&to.schema), to.name.clone()));
            }
            other => match other.table() {
                Some(t) => {
                    touched.insert((map(&t.schema), t.name.clone()));
                }
                None => {
                    return Verdict::Unknown(format!(
                        "it changes an object other than a table ({}), which Cairn does not compare",
                        other.kind()
                    ));
                }
            },
        }
    }
    let live_r = restrict(live, &touched, &|s| s.to_string());
    let before_r = restrict(&before, &touched, &map);
    let after_r = restrict(&after, &touched, &map);
    let names = touched
        .iter()
        .map(|(_, t)| format!("\"{t}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let to_after = diff(&live_r, &after_r, &DiffOptions::default()).changes;
    let to_before = diff(&live_r, &before_r, &DiffOptions::default()).changes;
    match (to_after.is_empty(), to_before.is_empty()) {
        (true, false) => Verdict::Applied(format!(
            "table {names} already has its effect: counted as applied"
        )),
        (false, true) => Verdict::NotApplied(format!(
            "table {names} does not have its effect yet: it runs again"
        )),
        _ => Verdict::Unknown(format!(
            "table {names} in the database matches neither the state before the statement nor the state after it"
        )),
    }
}

/// The touched tables of `realm` only, each under its (mapped) schema; every touched schema is
/// present, so a missing table is a table difference and never a schema difference.
fn restrict(
    realm: &Realm,
    touched: &BTreeSet<(String, String)>,
    map: &dyn Fn(&str) -> String,
) -> Realm {
    let mut out = Realm::new(realm.dialect);
    for (schema, _) in touched {
        if out.schema(schema).is_none() {
            out.schemas.push(Schema::new(schema));
        }
    }
    for s in &realm.schemas {
        let mapped = map(&s.name);
        for t in &s.tables {
            if !touched.contains(&(mapped.clone(), t.name.clone())) {
                continue;
            }
            let mut t = t.clone();
            for fk in &mut t.foreign_keys {
                if let Some(rs) = &fk.ref_table.schema {
                    fk.ref_table.schema = Some(map(rs));
                }
            }
            if let Some(target) = out.schemas.iter_mut().find(|x| x.name == mapped) {
                target.tables.push(t);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> MigrationFile {
        MigrationFile {
            name: name.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    fn compiled(sql: &str) -> Realm {
        cairn_sema::compile(&[("live.sql".into(), sql.into())], Dialect::Sqlite).realm
    }

    #[test]
    fn added_column_present_absent_and_data() {
        let files = vec![
            file("1_a.sql", "CREATE TABLE a (id int);\n"),
            file(
                "2_b.sql",
                "CREATE TABLE b (id int);\nALTER TABLE a ADD COLUMN note text;\nINSERT INTO a VALUES (1, 'x');\nWITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3) SELECT count(*) FROM n;\n",
            ),
        ];
        let before = compiled("CREATE TABLE a (id int); CREATE TABLE b (id int);");
        let after = compiled("CREATE TABLE a (id int, note text); CREATE TABLE b (id int);");
        assert!(matches!(
            verdict(Dialect::Sqlite, None, &after, &files, 1, 1),
            Verdict::Applied(_)
        ));
        assert!(matches!(
            verdict(Dialect::Sqlite, None, &before, &files, 1, 1),
            Verdict::NotApplied(_)
        ));
        assert!(matches!(
            verdict(Dialect::Sqlite, None, &after, &files, 1, 2),
            Verdict::Unknown(_)
        ));
        assert!(matches!(
            verdict(Dialect::Sqlite, None, &after, &files, 1, 3),
            Verdict::NotApplied(_)
        ));
        let other = compiled("CREATE TABLE a (id int, other int); CREATE TABLE b (id int);");
        assert!(matches!(
            verdict(Dialect::Sqlite, None, &other, &files, 1, 1),
            Verdict::Unknown(_)
        ));
        // The first statement of a file: the state before is the earlier files'.
        let only_a = compiled("CREATE TABLE a (id int);");
        assert!(matches!(
            verdict(Dialect::Sqlite, None, &only_a, &files, 1, 0),
            Verdict::NotApplied(_)
        ));
    }
}
