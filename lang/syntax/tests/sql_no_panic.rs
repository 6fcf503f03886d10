//! Splitting and parsing never panic, whatever the input: truncated prefixes of every test data
//! file (whole files cut anywhere, and every statement cut inside) go through `split` and
//! `parse_statement` under every dialect. And a 20,000-statement file goes through in one piece.

use cairn_syntax::sql::{ParsedStatement, SplitOptions, SqlDialect, parse_statement, split};

const FILES: &[(&str, &str)] = &[
    ("pg_dump_rich.sql", include_str!("data/pg_dump_rich.sql")),
    (
        "mariadb_dump_rich.sql",
        include_str!("data/mariadb_dump_rich.sql"),
    ),
    (
        "sqlite_schema_rich.sql",
        include_str!("data/sqlite_schema_rich.sql"),
    ),
];

const DIALECTS: &[(SplitOptions, SqlDialect)] = &[
    (SplitOptions::postgres(), SqlDialect::Postgres),
    (SplitOptions::mysql(), SqlDialect::Mysql),
    (SplitOptions::sqlite(), SqlDialect::Sqlite),
];

/// Every statement of the split text, parsed; returns how many there were.
fn split_and_parse(text: &str, opts: SplitOptions, dialect: SqlDialect) -> usize {
    let file = split(text, opts);
    for s in &file.statements {
        let parsed = parse_statement(s, dialect);
        if let ParsedStatement::Error(d) = &parsed {
            // A diagnostic's span must lie inside the file, so it can be rendered.
            assert!(
                (d.span.end as usize) <= text.len() && d.span.start <= d.span.end,
                "span {:?} outside a {}-byte text",
                d.span,
                text.len()
            );
        }
    }
    file.statements.len()
}

/// Cut points of `text` on character boundaries: every one up to `dense` bytes, then a stride.
fn cuts(text: &str, dense: usize, stride: usize) -> impl Iterator<Item = usize> + '_ {
    (0..=text.len())
        .filter(move |&i| i <= dense || i % stride == 0 || i == text.len())
        .filter(|&i| text.is_char_boundary(i))
}

#[test]
fn truncated_files_never_panic() {
    for (name, text) in FILES {
        let stride = (text.len() / 97).max(1);
        for cut in cuts(text, 0, stride) {
            for &(opts, dialect) in DIALECTS {
                split_and_parse(&text[..cut], opts, dialect);
            }
        }
        // The whole file still splits as before, so the cuts above really were prefixes of it.
        assert!(
            split_and_parse(text, DIALECTS[0].0, DIALECTS[0].1) > 0,
            "{name}"
        );
    }
}

#[test]
fn truncated_statements_never_panic() {
    let mut total = 0;
    for (_, text) in FILES {
        for &(opts, _) in DIALECTS {
            for stmt in split(text, opts).statements {
                let s = stmt.text.as_str();
                // Short statements are cut everywhere; long ones densely at the start, where
                // the statement kind is decided, and at a stride after that.
                let stride = (s.len() / 40).max(1);
                for cut in cuts(s, 160, stride) {
                    for &(o, d) in DIALECTS {
                        total += split_and_parse(&s[..cut], o, d);
                    }
                }
            }
        }
    }
    // Tens of thousands of fragments really went through the parser.
    assert!(total > 50_000, "only {total} fragments");
}

#[test]
fn hostile_fragments_never_panic() {
    let fragments = [
        "CREATE TABLE t (a int GENERATED ALWAYS AS IDENTITY (",
        "CREATE TABLE t (a int GENERATED ALWAYS AS IDENTITY ()) ",
        "CREATE TABLE t (PERIOD FOR",
        "CREATE TABLE t (PERIOD FOR p (a",
        "CREATE TABLE t (x) STRICT, ,",
        "CREATE TABLE t (a UNSIGNED BIG INT (",
        "CREATE TABLE t (a int) PARTITION BY",
        "CREATE TABLE t (a int) PAGE_CHECKSUM",
        "CREATE TRIGGER t EXECUTE FUNCTION f(",
        "CREATE TRIGGER t EXECUTE FUNCTION",
        "ALTER TABLE t ADD COLUMN",
        "ALTER TABLE t ADD , ,",
        "CREATE SEQUENCE s MINVALUE =",
        "CREATE OR REPLACE SEQUENCE",
        "DROP EVENT",
        "/*!50001 CREATE",
        "/*!",
        "/*M!",
        "/*M!999999\\",
        "CREATE ALGORITHM = DEFINER = VIEW",
        "CREATE TABLE t (LIKE",
        "CREATE TABLE t (a int) WITH (x = 1) TABLESPACE",
        ")))(((",
        "é'\"`$$",
    ];
    for f in fragments {
        for &(opts, dialect) in DIALECTS {
            split_and_parse(f, opts, dialect);
            split_and_parse(&format!("{f};"), opts, dialect);
        }
    }
}

#[test]
fn twenty_thousand_statements_in_one_file() {
    let (_, pg) = FILES[0];
    let stmts: Vec<String> = split(pg, SplitOptions::postgres())
        .statements
        .into_iter()
        .map(|s| s.text)
        .collect();
    let mut big = String::new();
    let mut n = 0;
    while n < 20_000 {
        for s in &stmts {
            big.push_str(s);
            if !s.ends_with(';') {
                big.push(';');
            }
            big.push('\n');
            n += 1;
        }
    }
    assert_eq!(
        split_and_parse(&big, SplitOptions::postgres(), SqlDialect::Postgres),
        n
    );
}
