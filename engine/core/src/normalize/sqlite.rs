//! SQLite: what a compiled schema states and what the inspector reads back compare equal when
//! they come to the same thing.
//!
//! - Names compare without regard to case, as SQLite compares them.
//! - Every trigger is a row trigger (`FOR EACH ROW` is a noise word in SQLite), and a trigger
//!   without a time fires `BEFORE`.
//! - A trigger's `WHEN` condition compares as an expression, its body statement by statement,
//!   without regard to layout, keyword case or the semicolons around `END`.
//! - Triggers on views, which the model keeps whole, compare by what they say: their text is
//!   read and printed again in one spelling. Virtual tables, also kept whole, compare by their
//!   tokens.

use std::ops::ControlFlow;

use cairn_ir::{Dialect, Expr, IndexKey, Schema, Trigger, TriggerEvent};
use cairn_syntax::sql::{SqliteDialect, parse_sqlite_trigger, sqlite_token_text};
use sqlparser::ast::{self as sql, visit_expressions_mut};
use sqlparser::parser::Parser;

use super::{canonical, simplify_node};

const D: Dialect = Dialect::Sqlite;

pub(super) fn normalize_schema(s: &mut Schema) {
    fold_names(s);
    for u in &mut s.unsupported {
        if u.kind == "trigger"
            && let Some(sql) = canonical_trigger_sql(&u.raw)
        {
            u.raw = sql;
        }
        if u.kind == "virtual_table" {
            // SQLite keeps the text, without `IF NOT EXISTS`.
            let text = sqlite_token_text(u.raw.trim().trim_end_matches(';'));
            u.raw = text.replacen(
                "create virtual table if not exists ",
                "create virtual table ",
                1,
            );
        }
        u.name = u.name.as_ref().map(|n| n.to_ascii_lowercase());
    }
}

/// SQLite compares names without regard to case, and a database keeps the case a table was
/// created with: names are compared lower-cased.
fn fold_names(s: &mut Schema) {
    let f = |n: &mut String| *n = n.to_ascii_lowercase();
    for t in &mut s.tables {
        f(&mut t.name);
        for c in &mut t.columns {
            f(&mut c.name);
        }
        if let Some(pk) = &mut t.primary_key {
            pk.columns.iter_mut().for_each(f);
        }
        for i in &mut t.indexes {
            f(&mut i.name);
            for p in &mut i.parts {
                if let IndexKey::Column(c) = &mut p.key {
                    f(c);
                }
            }
        }
        for fk in &mut t.foreign_keys {
            fk.columns.iter_mut().for_each(f);
            f(&mut fk.ref_table.name);
            fk.ref_columns.iter_mut().for_each(f);
        }
        for tr in &mut t.triggers {
            f(&mut tr.name);
            for e in &mut tr.events {
                if let TriggerEvent::Update { columns } = e {
                    columns.iter_mut().for_each(f);
                }
            }
        }
    }
    for v in &mut s.views {
        f(&mut v.name);
        v.columns.iter_mut().for_each(f);
    }
}

pub(super) fn normalize_trigger(tr: &mut Trigger) {
    tr.for_each_row = true;
    tr.when = tr.when.as_ref().map(|e| canonical(D, e));
    tr.body = tr.body.as_deref().map(canonical_body);
}

/// A whole `CREATE TRIGGER` in one spelling: names unquoted and lower-cased, the time and
/// `FOR EACH ROW` spelled out, the condition and the body canonical.
pub(crate) fn canonical_trigger_sql(raw: &str) -> Option<String> {
    let mut t = parse_sqlite_trigger(raw)?;
    t.name = t.name.to_ascii_lowercase();
    t.table = t.table.to_ascii_lowercase();
    t.if_not_exists = false;
    if let cairn_syntax::sql::SqliteTriggerEvent::Update(cols) = &mut t.event {
        for c in cols {
            *c = c.to_ascii_lowercase();
        }
    }
    t.when = t.when.map(|w| canonical(D, &Expr::new(w)).0);
    t.body = canonical_body(&t.body);
    Some(t.to_sql())
}

/// The canonical spelling of a trigger body `BEGIN stmt; ... END`: its statements parsed and
/// printed (identifiers folded as in expressions), or, when they do not parse, its tokens with
/// layout and comments dropped.
pub(super) fn canonical_body(body: &str) -> String {
    let mut text = body.trim().trim_end_matches(';').trim_end();
    let word_at = |t: &str, w: &str, start: bool| {
        let n = w.len();
        if t.len() < n || !t.is_char_boundary(n) || !t.is_char_boundary(t.len() - n) {
            return false;
        }
        let (part, neighbour) = if start {
            (&t[..n], t[n..].chars().next())
        } else {
            (&t[t.len() - n..], t[..t.len() - n].chars().next_back())
        };
        part.eq_ignore_ascii_case(w)
            && !neighbour.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if word_at(text, "BEGIN", true) && word_at(text, "END", false) {
        text = text[5..text.len() - 3].trim();
    }
    if let Ok(mut stmts) = Parser::parse_sql(&SqliteDialect::default(), text) {
        let _ = visit_expressions_mut(&mut stmts, |x: &mut sql::Expr| {
            simplify_node(D, x);
            ControlFlow::<()>::Continue(())
        });
        let inner: Vec<String> = stmts.iter().map(|s| format!("{s};")).collect();
        // Printed on one line already; white space inside strings counts.
        return format!("BEGIN {} END", inner.join(" "));
    }
    let mut inner = sqlite_token_text(text);
    if !inner.ends_with(';') {
        inner.push_str(" ;");
    }
    format!("BEGIN {inner} END")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigger_bodies_ignore_layout() {
        assert_eq!(
            canonical_body(
                "BEGIN\n  INSERT INTO audit (message) VALUES ('a ' || NEW.email);\nEND;"
            ),
            canonical_body("BEGIN INSERT INTO audit (message) VALUES ('a ' || new.email); END")
        );
        // Statements sqlparser does not read compare by their tokens.
        assert_eq!(
            canonical_body("BEGIN\n  SELECT RAISE(ABORT, 'no');\nEND"),
            canonical_body("begin select raise ( abort , 'no' ) ; end")
        );
        assert_ne!(
            canonical_body("BEGIN SELECT 'a  b'; END"),
            canonical_body("BEGIN SELECT 'a b'; END")
        );
    }

    #[test]
    fn triggers_on_views_compare_by_content() {
        let source = "CREATE TRIGGER v_upd\nINSTEAD OF UPDATE OF title ON v\n\
                      BEGIN\n    UPDATE t SET title = NEW.title WHERE id = OLD.id;\nEND";
        let printed = "CREATE TRIGGER \"v_upd\" INSTEAD OF UPDATE OF \"title\" ON \"v\" FOR EACH \
                       ROW\nBEGIN UPDATE t SET title = new.title WHERE id = old.id; END";
        assert_eq!(
            canonical_trigger_sql(source),
            canonical_trigger_sql(printed)
        );
    }
}
