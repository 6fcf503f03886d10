//! The rules formatter over real files: every file of the standard library (and the built-in
//! `std` library) formats to a text that formats to itself, parses to the same syntax tree
//! (spans aside), and has no code line wider than the formatter's limit that it could have
//! split. Long lines are split at `and` / `or` and after list commas; strings never.

use std::path::{Path, PathBuf};

use cairn_syntax::rules::fmt::{MAX_WIDTH, format};
use cairn_syntax::rules::parse;

fn rule_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut out = vec![root.join("lang/sema/src/rules/std.cairn")];
    let mut stack = vec![root.join("rules-stdlib/rules")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "cairn") {
                out.push(p);
            }
        }
    }
    out.sort();
    assert!(out.len() > 50, "{out:?}");
    out
}

/// The syntax tree's debug text without its spans and offsets (`Span { start: 1, end: 2 }`,
/// `text_offset: 3`), which formatting moves.
fn shape(path: &str, src: &str) -> String {
    let parsed = parse(path, src);
    assert!(
        parsed.diagnostics.iter().all(|d| !d.is_error()),
        "{path}: {:#?}",
        parsed.diagnostics
    );
    let text = format!("{:?}", parsed.file);
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find("Span { start: ") {
        out.push_str(&rest[..at]);
        let end = rest[at..].find('}').map_or(rest.len(), |e| at + e + 1);
        out.push('_');
        rest = &rest[end..];
    }
    out.push_str(rest);
    let mut clean = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(at) = rest.find("text_offset: ") {
        clean.push_str(&rest[..at]);
        let digits = rest[at + 13..]
            .find(|c: char| !c.is_ascii_digit())
            .map_or(rest.len(), |e| at + 13 + e);
        rest = &rest[digits..];
    }
    clean.push_str(rest);
    clean
}

#[test]
fn formatting_every_rule_file_keeps_its_meaning_and_is_idempotent() {
    for p in rule_files() {
        let path = p.display().to_string();
        let src = std::fs::read_to_string(&p).unwrap();
        let once = format(&path, &src).unwrap_or_else(|e| panic!("{path}: {e:#?}"));
        let twice = format(&path, &once).unwrap_or_else(|e| panic!("{path}: {e:#?}"));
        assert_eq!(once, twice, "{path}: not idempotent");
        assert_eq!(
            shape(&path, &src),
            shape(&path, &once),
            "{path}: meaning changed"
        );
    }
}

#[test]
fn long_conditions_and_lists_are_split_strings_never() {
    let src = "rule XX001 long-one: warning on plan {\n  for c in changes where c is add_table\n  deny c.table.name == \"a_rather_long_table_name\" or c.table.name == \"another_long_table_name\" or c.table.name == \"a_third_one\"\n  message \"a message that is long enough to go past the limit of the formatter all by itself, and stays whole\"\n  tags [naming, one-more-tag, and-another-tag, and-yet-another-tag, then-one-more-tag, and-the-last-tag]\n}\n";
    let out = format("t.cairn", src).unwrap();
    let want = "rule XX001 long-one: warning on plan {\n  for c in changes where c is add_table\n  deny c.table.name == \"a_rather_long_table_name\" or c.table.name == \"another_long_table_name\"\n    or c.table.name == \"a_third_one\"\n  message \"a message that is long enough to go past the limit of the formatter all by itself, and stays whole\"\n  tags [naming, one-more-tag, and-another-tag, and-yet-another-tag, then-one-more-tag,\n    and-the-last-tag]\n}\n";
    assert_eq!(out, want);
    assert_eq!(format("t.cairn", &out).unwrap(), out);
    assert_eq!(shape("t.cairn", src), shape("t.cairn", &out));
    for line in out.lines() {
        assert!(
            line.chars().count() <= MAX_WIDTH || line.trim_start().starts_with("message"),
            "{line}"
        );
    }
}

#[test]
fn the_shallowest_break_wins_and_the_rest_follows() {
    // The `or` outside the parentheses is taken before the ones inside; the second half is
    // split again inside them.
    let src = "rule XX002 nested: warning on plan {\n  for c in changes\n  deny c is add_table or not (\"autovacuum_enabled=false\" in c.after.storage_params or \"autovacuum_enabled=off\" in c.after.storage_params)\n}\n";
    let out = format("t.cairn", src).unwrap();
    let want = "rule XX002 nested: warning on plan {\n  for c in changes\n  deny c is add_table\n    or not (\"autovacuum_enabled=false\" in c.after.storage_params\n    or \"autovacuum_enabled=off\" in c.after.storage_params)\n}\n";
    assert_eq!(out, want);
    assert_eq!(format("t.cairn", &out).unwrap(), out);
    assert_eq!(shape("t.cairn", src), shape("t.cairn", &out));
}

#[test]
fn a_concatenation_breaks_before_a_plus_not_inside_a_call() {
    // The only other break points are the commas inside the calls: the `+` outside them wins.
    let src = "predicate user(s: state, t: table, col: string) =\n  policy_using(s, t, col) != null ? \"policy \" + str(policy_using(s, t, col)) + \" of \" + str(policy_using(s, t, col).table) : \"\"\n";
    let out = format("t.cairn", src).unwrap();
    let want = "predicate user(s: state, t: table, col: string) =\n  policy_using(s, t, col) != null ? \"policy \" + str(policy_using(s, t, col)) + \" of \"\n  + str(policy_using(s, t, col).table) : \"\"\n";
    assert_eq!(out, want);
    assert_eq!(format("t.cairn", &out).unwrap(), out);
    assert_eq!(shape("t.cairn", src), shape("t.cairn", &out));
}
