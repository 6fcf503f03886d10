//! Real dump output must parse completely: every statement of a `pg_dump --schema-only` of a
//! rich database (tests/data/pg_dump_rich.sql, generated on PostgreSQL 15), of a
//! `mariadb-dump --no-data --routines --triggers --events` (mariadb_dump_rich.sql, MariaDB
//! 10.11) and of SQLite's `.schema` (sqlite_schema_rich.sql) is an AST, a typed extra statement
//! or a deliberately skipped one, never an error.

use cairn_syntax::sql::{
    ExtraStatement, ParsedStatement, SplitOptions, SqlDialect, TableClause, parse_statement, split,
};

fn parse_all(
    text: &str,
    opts: SplitOptions,
    dialect: SqlDialect,
) -> Vec<(String, ParsedStatement)> {
    let file = split(text, opts);
    assert!(
        file.diagnostics.is_empty(),
        "split diagnostics: {:?}",
        file.diagnostics
    );
    file.statements
        .iter()
        .map(|s| (s.text.clone(), parse_statement(s, dialect)))
        .collect()
}

fn assert_no_errors(parsed: &[(String, ParsedStatement)]) {
    let errors: Vec<String> = parsed
        .iter()
        .filter_map(|(text, p)| match p {
            ParsedStatement::Error(d) => Some(format!("{}\n  => {}", text, d.message)),
            _ => None,
        })
        .collect();
    assert!(
        errors.is_empty(),
        "{} statement(s) failed:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn pg_dump_of_a_rich_schema_parses_without_errors() {
    let text = include_str!("data/pg_dump_rich.sql");
    let parsed = parse_all(text, SplitOptions::postgres(), SqlDialect::Postgres);
    assert!(parsed.len() > 150, "only {} statements", parsed.len());
    assert_no_errors(&parsed);
    let count = |f: &dyn Fn(&ParsedStatement) -> bool| parsed.iter().filter(|(_, p)| f(p)).count();
    assert!(count(&|p| matches!(p, ParsedStatement::Ast(_))) > 40);
    assert!(
        count(&|p| matches!(
            p,
            ParsedStatement::Extra(ExtraStatement::AddIdentity { .. })
        )) >= 2
    );
    assert!(
        count(&|p| matches!(
            p,
            ParsedStatement::Extra(ExtraStatement::AttachPartition { .. })
        )) >= 4
    );
    assert!(
        count(&|p| matches!(
            p,
            ParsedStatement::Extra(ExtraStatement::AlterDefaultPrivileges { .. })
        )) >= 4
    );
    assert!(
        count(&|p| matches!(
            p,
            ParsedStatement::Extra(ExtraStatement::CreateDomain { .. })
        )) >= 2
    );
    assert!(
        count(&|p| matches!(
            p,
            ParsedStatement::Extra(ExtraStatement::CreateRoutine { .. })
        )) >= 1
    );
    assert!(count(&|p| matches!(p, ParsedStatement::Skipped { .. })) >= 10);
}

fn count(parsed: &[(String, ParsedStatement)], f: impl Fn(&ParsedStatement) -> bool) -> usize {
    parsed.iter().filter(|(_, p)| f(p)).count()
}

fn clauses(parsed: &[(String, ParsedStatement)]) -> Vec<&TableClause> {
    parsed
        .iter()
        .flat_map(|(_, p)| match p {
            ParsedStatement::Extra(ExtraStatement::TableWithClauses { clauses, .. }) => {
                clauses.iter().collect()
            }
            _ => Vec::new(),
        })
        .collect()
}

#[test]
fn mariadb_dump_of_a_rich_schema_parses_without_errors() {
    let text = include_str!("data/mariadb_dump_rich.sql");
    let parsed = parse_all(text, SplitOptions::mysql(), SqlDialect::Mysql);
    assert_no_errors(&parsed);
    assert!(parsed.len() > 200, "only {} statements", parsed.len());
    let creates = |kind: &str| {
        count(
            &parsed,
            |p| matches!(p, ParsedStatement::Extra(ExtraStatement::Other { command, .. }) if command == kind),
        )
    };
    // Triggers, events and routines sit inside executable comments and `DELIMITER ;;` blocks;
    // each must arrive as its own statement (some triggers sqlparser reads itself).
    let triggers = creates("CREATE TRIGGER")
        + count(
            &parsed,
            |p| matches!(p, ParsedStatement::Ast(a) if matches!(**a, sqlparser::ast::Statement::CreateTrigger(_))),
        );
    assert_eq!(triggers, 5);
    assert_eq!(creates("CREATE EVENT"), 2);
    // Routines are parsed whole (parameters, characteristics, body).
    let routines = count(&parsed, |p| {
        matches!(p, ParsedStatement::Extra(ExtraStatement::MysqlRoutine(_)))
    });
    assert_eq!(routines, 4);
    // Four final views (two with CHECK OPTION), plus four placeholder views.
    let views = count(&parsed, |p| match p {
        ParsedStatement::Ast(a) => matches!(**a, sqlparser::ast::Statement::CreateView(_)),
        ParsedStatement::Extra(ExtraStatement::CreateView { .. }) => true,
        _ => false,
    });
    assert_eq!(views, 8);
    assert_eq!(
        count(&parsed, |p| matches!(
            p,
            ParsedStatement::Extra(ExtraStatement::CreateView {
                check_option: Some(_),
                ..
            })
        )),
        2
    );
    assert_eq!(
        count(&parsed, |p| matches!(
            p,
            ParsedStatement::Extra(ExtraStatement::CreateSequence { .. })
        )),
        1
    );
    let c = clauses(&parsed);
    let has = |f: &dyn Fn(&TableClause) -> bool| c.iter().filter(|x| f(x)).count();
    assert_eq!(has(&|x| matches!(x, TableClause::Partitioning(_))), 5);
    assert_eq!(has(&|x| matches!(x, TableClause::SystemVersioning)), 2);
    assert_eq!(has(&|x| matches!(x, TableClause::RowPeriod { .. })), 2);
    assert_eq!(has(&|x| matches!(x, TableClause::Period { .. })), 2);
    assert_eq!(has(&|x| matches!(x, TableClause::Zerofill { .. })), 1);
    assert_eq!(has(&|x| matches!(x, TableClause::TableOption { .. })), 2);
    // No schema statement was swallowed as a comment: every skipped one is a session setting,
    // a sequence value or the end of a `DELIMITER` block.
    for (text, p) in &parsed {
        if let ParsedStatement::Skipped { reason } = p {
            let upper = text.to_ascii_uppercase();
            assert!(
                !upper.contains("CREATE ") && !upper.contains("CREATE*/"),
                "skipped ({reason}): {text}"
            );
        }
    }
}

#[test]
fn sqlite_schema_of_a_rich_database_parses_without_errors() {
    let text = include_str!("data/sqlite_schema_rich.sql");
    let parsed = parse_all(text, SplitOptions::sqlite(), SqlDialect::Sqlite);
    assert_no_errors(&parsed);
    assert_eq!(parsed.len(), 21);
    let ast = |f: &dyn Fn(&sqlparser::ast::Statement) -> bool| {
        count(&parsed, |p| matches!(p, ParsedStatement::Ast(a) if f(a)))
    };
    assert_eq!(
        ast(&|a| matches!(a, sqlparser::ast::Statement::CreateTrigger(_))),
        4
    );
    assert_eq!(
        ast(&|a| matches!(a, sqlparser::ast::Statement::CreateView(_))),
        3
    );
    assert_eq!(
        ast(&|a| matches!(a, sqlparser::ast::Statement::CreateIndex(_))),
        5
    );
    let c = clauses(&parsed);
    assert!(c.contains(&&TableClause::Strict) && c.contains(&&TableClause::WithoutRowid));
    assert_eq!(
        c.iter()
            .filter(|x| matches!(x, TableClause::OnConflict { .. }))
            .count(),
        2
    );
    assert!(c.iter().any(
        |x| matches!(x, TableClause::ColumnType { type_name, .. } if type_name == "UNSIGNED BIG INT")
    ));
}
