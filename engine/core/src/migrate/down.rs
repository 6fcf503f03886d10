//! `migrate down` (reference/atlas.md §8.4): there are no down files. The database goes back
//! from its *actual* state (inspected) to the state of the directory at the target version
//! (its files up to that version, replayed); the plan is the differ's and the planner's, like
//! any other. This module holds the parts that are not the command's orchestration:
//!
//! - [`down_target`]: which revisions are reverted (`N` last ones, or all after `--to-version`)
//!   and which files replay to the target state (only versions the database recorded, from the
//!   latest checkpoint among them; a baseline row stands for every file up to it).
//! - [`rename_hints`]: the renames the reverted files made, so that going back renames again
//!   instead of dropping and adding.
//! - [`rows_present`]: whether a table (or a column) that the plan drops holds data, asked of
//!   the live database.
//! - [`revert`]: runs the plan on one session and deletes the reverted revision rows, in the
//!   same transaction where DDL is transactional.

use cairn_ir::{Dialect, Plan, Realm, TableRef};
use cairn_syntax::sql::{ParsedStatement, SqlDialect, parse_statement};

use super::dir::MigrationFile;
use super::executor::{MigrateError, split_options};
use super::revisions::{Revision, RevisionTable};
use crate::driver::Session;
use crate::error::EngineError;

/// What `migrate down` goes back to.
#[derive(Clone, Debug, Default)]
pub struct DownTarget {
    /// The version the database stands at afterwards (`None`: before the first file).
    pub target: Option<String>,
    /// The revisions reverted, in version order.
    pub reverted: Vec<Revision>,
    /// The files whose replay is the target state, in order.
    pub replay: Vec<MigrationFile>,
}

/// Chooses the revisions to revert: the last `amount` (default 1), or every one after
/// `to_version`, and the files that replay to the state left behind.
pub fn down_target(
    files: &[MigrationFile],
    revisions: &[Revision],
    amount: Option<usize>,
    to_version: Option<&str>,
) -> Result<DownTarget, MigrateError> {
    if revisions.is_empty() {
        return Err(MigrateError::Usage(
            "the database has no applied migration files to revert".into(),
        ));
    }
    let keep = match (amount, to_version) {
        (Some(_), Some(_)) => {
            return Err(MigrateError::Usage(
                "give either an amount or --to-version, not both".into(),
            ));
        }
        (_, Some(v)) => match revisions.iter().position(|r| r.version == v) {
            Some(i) => i + 1,
            None => {
                return Err(MigrateError::Usage(format!(
                    "--to-version {v:?} is not applied on this database (see `cairn migrate status`)"
                )));
            }
        },
        (n, None) => {
            let n = n.unwrap_or(1);
            if n == 0 {
                return Err(MigrateError::Usage(
                    "the amount to revert must be at least 1".into(),
                ));
            }
            if n > revisions.len() {
                return Err(MigrateError::Usage(format!(
                    "cannot revert {n} files: the database has {} applied",
                    revisions.len()
                )));
            }
            revisions.len() - n
        }
    };
    let kept = &revisions[..keep];
    let reverted = revisions[keep..].to_vec();
    if let Some(b) = reverted.iter().find(|r| r.is_baseline()) {
        return Err(MigrateError::Usage(format!(
            "cannot revert the baseline version {}: its files never ran on this database; \
             revert to it (--to-version {}) at most",
            b.version, b.version
        )));
    }
    if let Some(p) = kept.last().filter(|r| r.is_partial() && !r.is_baseline()) {
        return Err(MigrateError::Usage(format!(
            "version {} is only partially applied ({} of {} statements): revert it too, or \
             finish it with `cairn migrate apply`",
            p.version, p.applied, p.total
        )));
    }
    let target = kept.last().map(|r| r.version.clone());
    let baseline = kept
        .iter()
        .filter(|r| r.is_baseline())
        .map(|r| r.version.as_str())
        .next_back();
    let mut replay: Vec<MigrationFile> = Vec::new();
    if let Some(t) = &target {
        for r in kept.iter().filter(|r| !r.is_baseline()) {
            if !files.iter().any(|f| f.version() == r.version) {
                return Err(MigrateError::Usage(format!(
                    "version {} is applied but its file is missing from the directory: the \
                     target state cannot be replayed",
                    r.version
                )));
            }
        }
        replay = files
            .iter()
            .filter(|f| f.version().as_bytes() <= t.as_bytes())
            .filter(|f| {
                kept.iter().any(|r| r.version == f.version())
                    || baseline.is_some_and(|b| f.version().as_bytes() <= b.as_bytes())
            })
            .cloned()
            .collect();
        if let Some(i) = replay.iter().rposition(MigrationFile::is_checkpoint) {
            replay.drain(..i);
        }
    }
    Ok(DownTarget {
        target,
        reverted,
        replay,
    })
}

/// A rename one of the reverted files made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenameHint {
    Table {
        from: String,
        to: String,
    },
    Column {
        table: String,
        from: String,
        to: String,
    },
}

fn sql_dialect(d: Dialect) -> SqlDialect {
    match d {
        Dialect::Postgres => SqlDialect::Postgres,
        Dialect::Mysql(_) => SqlDialect::Mysql,
        Dialect::Sqlite => SqlDialect::Sqlite,
    }
}

/// The table and column renames the statements of `files` make, in order.
pub fn rename_hints(files: &[MigrationFile], dialect: Dialect) -> Vec<RenameHint> {
    use sqlparser::ast::{AlterTableOperation as O, RenameTableNameKind, Statement as S};
    let ident = |i: &sqlparser::ast::Ident| {
        if i.quote_style.is_some() {
            i.value.clone()
        } else {
            dialect.fold_unquoted(&i.value)
        }
    };
    let last = |n: &sqlparser::ast::ObjectName| {
        n.0.iter()
            .filter_map(|p| p.as_ident())
            .next_back()
            .map(ident)
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for f in files {
        for stmt in f.split(split_options(dialect)).statements {
            let ParsedStatement::Ast(ast) = parse_statement(&stmt, sql_dialect(dialect)) else {
                continue;
            };
            match ast.as_ref() {
                S::AlterTable(at) => {
                    let table = last(&at.name);
                    for op in &at.operations {
                        match op {
                            O::RenameColumn {
                                old_column_name,
                                new_column_name,
                            } => out.push(RenameHint::Column {
                                table: table.clone(),
                                from: ident(old_column_name),
                                to: ident(new_column_name),
                            }),
                            O::RenameTable { table_name } => {
                                let (RenameTableNameKind::As(n) | RenameTableNameKind::To(n)) =
                                    table_name;
                                out.push(RenameHint::Table {
                                    from: table.clone(),
                                    to: last(n),
                                });
                            }
                            _ => {}
                        }
                    }
                }
                S::RenameTable(rs) => {
                    for r in rs {
                        out.push(RenameHint::Table {
                            from: last(&r.old_name),
                            to: last(&r.new_name),
                        });
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// Marks the target state's objects with the names the reverted files gave them, so the differ
/// plans the renames back (`renamed_from` on the target's table or column). `hints` are the
/// forward renames in order; the most recent is undone first.
pub fn apply_rename_hints(target: &mut Realm, hints: &[RenameHint]) {
    let d = target.dialect;
    // Follow each table's name forward: a column renamed in a table that was renamed later is
    // found under the table's target name.
    for h in hints.iter().rev() {
        for s in &mut target.schemas {
            match h {
                RenameHint::Table { from, to } => {
                    if let Some(t) = s.table_mut(from, d)
                        && t.renamed_from.is_none()
                    {
                        t.renamed_from = Some(to.clone());
                    }
                }
                RenameHint::Column { table, from, to } => {
                    let original = hints
                        .iter()
                        .filter_map(|x| match x {
                            RenameHint::Table { from: f, to: t } if d.idents_equal(t, table) => {
                                Some(f.clone())
                            }
                            _ => None,
                        })
                        .next_back()
                        .unwrap_or_else(|| table.clone());
                    for name in [table, &original] {
                        if let Some(t) = s.table_mut(name, d)
                            && let Some(c) = t.column_mut(from)
                            && c.renamed_from.is_none()
                        {
                            c.renamed_from = Some(to.clone());
                            break;
                        }
                    }
                }
            }
        }
    }
}

/// Whether the live table (or, with `column`, that column) holds any row (non-NULL value).
pub async fn rows_present(
    s: &mut dyn Session,
    dialect: Dialect,
    table: &TableRef,
    column: Option<&str>,
) -> Result<bool, EngineError> {
    let q = |i: &str| dialect.quote_ident(i);
    let from = if table.schema.is_empty() {
        q(&table.name)
    } else {
        format!("{}.{}", q(&table.schema), q(&table.name))
    };
    let filter = column
        .map(|c| format!(" WHERE {} IS NOT NULL", q(c)))
        .unwrap_or_default();
    let rows = s
        .query(&format!("SELECT 1 FROM {from}{filter} LIMIT 1"))
        .await?;
    Ok(!rows.is_empty())
}

/// The outcome of [`revert`].
#[derive(Clone, Debug, Default)]
pub struct RevertReport {
    /// Indexes of the plan's statements that ran and stay applied.
    pub applied: Vec<usize>,
    /// The statement that failed and the database's message.
    pub error: Option<(usize, String)>,
    /// Whether the reverted revision rows were deleted.
    pub revisions_removed: bool,
}

/// Runs `plan` and deletes the `reverted` revision rows. Where DDL is transactional and the plan
/// is one transactional group, the statements and the deletions commit together (or not at all);
/// otherwise each group runs as `schema apply` runs it and the rows are deleted after the last
/// statement succeeded. After a failure the rows stay: the database's actual state is planned
/// again on the next run.
pub async fn revert(
    s: &mut dyn Session,
    table: &RevisionTable,
    plan: &Plan,
    reverted: &[Revision],
    transactional_ddl: bool,
) -> Result<RevertReport, EngineError> {
    let mut report = RevertReport::default();
    let groups = plan.groups();
    let one_tx = transactional_ddl
        && groups.len() <= 1
        && plan.statements.iter().all(|x| !x.hazards.non_transactional);
    let message = |e: EngineError| match e {
        EngineError::Statement { message, .. } => message,
        other => other.to_string(),
    };
    if one_tx {
        s.begin().await?;
        for (i, st) in plan.statements.iter().enumerate() {
            if let Err(e) = s.execute(&st.sql).await {
                s.rollback().await?;
                report.error = Some((i, message(e)));
                return Ok(report);
            }
        }
        for r in reverted {
            table.delete(s, &r.version).await?;
        }
        s.commit().await?;
        report.applied = (0..plan.statements.len()).collect();
        report.revisions_removed = true;
        return Ok(report);
    }
    for range in groups {
        let tx = transactional_ddl && !plan.statements[range.start].hazards.non_transactional;
        if tx {
            s.begin().await?;
        }
        let mut done = Vec::new();
        for i in range.clone() {
            match s.execute(&plan.statements[i].sql).await {
                Ok(()) => done.push(i),
                Err(e) => {
                    if tx {
                        s.rollback().await?;
                        done.clear();
                    }
                    report.applied.extend(done);
                    report.error = Some((i, message(e)));
                    return Ok(report);
                }
            }
        }
        if tx {
            s.commit().await?;
        }
        report.applied.extend(done);
    }
    if transactional_ddl {
        s.begin().await?;
    }
    for r in reverted {
        table.delete(s, &r.version).await?;
    }
    if transactional_ddl {
        s.commit().await?;
    }
    report.revisions_removed = true;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::revisions::{TYPE_BASELINE, TYPE_EXECUTE};

    fn file(name: &str, text: &str) -> MigrationFile {
        MigrationFile {
            name: name.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    fn rev(v: &str, applied: u64, total: u64) -> Revision {
        let mut r = Revision::new(v, "", TYPE_EXECUTE, "");
        r.applied = applied;
        r.total = total;
        r
    }

    fn names(t: &DownTarget) -> Vec<&str> {
        t.replay.iter().map(|f| f.name.as_str()).collect()
    }

    #[test]
    fn targets() {
        let files = vec![
            file("1_a.sql", "CREATE TABLE a (x int);"),
            file("2_b.sql", "CREATE TABLE b (x int);"),
            file("3_c.sql", "CREATE TABLE c (x int);"),
        ];
        let revs = [rev("1", 1, 1), rev("2", 1, 1), rev("3", 1, 1)];
        let t = down_target(&files, &revs, None, None).unwrap();
        assert_eq!(t.target.as_deref(), Some("2"));
        assert_eq!(t.reverted.len(), 1);
        assert_eq!(names(&t), ["1_a.sql", "2_b.sql"]);
        let t = down_target(&files, &revs, Some(3), None).unwrap();
        assert_eq!(t.target, None);
        assert!(t.replay.is_empty());
        let t = down_target(&files, &revs, None, Some("1")).unwrap();
        assert_eq!(t.reverted.len(), 2);
        assert_eq!(names(&t), ["1_a.sql"]);
        let t = down_target(&files, &revs, None, Some("3")).unwrap();
        assert!(t.reverted.is_empty());
        assert!(down_target(&files, &revs, Some(4), None).is_err());
        assert!(down_target(&files, &revs, Some(0), None).is_err());
        assert!(down_target(&files, &revs, None, Some("9")).is_err());
        assert!(down_target(&files, &[], None, None).is_err());
        // A partial last revision is reverted like any other.
        let partial = [rev("1", 1, 1), rev("2", 0, 1)];
        let t = down_target(&files, &partial, None, None).unwrap();
        assert_eq!(t.target.as_deref(), Some("1"));
        // ... but cannot be the target.
        assert!(
            down_target(
                &files,
                &[rev("1", 1, 1), rev("2", 0, 1), rev("3", 1, 1)],
                None,
                None
            )
            .is_err()
        );
    }

    #[test]
    fn baselines_and_checkpoints() {
        let files = vec![
            file("1_a.sql", "CREATE TABLE a (x int);"),
            file("2_cp.sql", "-- atlas:checkpoint\n\nCREATE TABLE a (x int);"),
            file("3_c.sql", "CREATE TABLE c (x int);"),
            file("4_d.sql", "CREATE TABLE d (x int);"),
        ];
        let mut b = rev("1", 0, 0);
        b.kind = TYPE_BASELINE;
        let revs = [b.clone(), rev("3", 1, 1), rev("4", 1, 1)];
        let t = down_target(&files, &revs, None, None).unwrap();
        assert_eq!(names(&t), ["1_a.sql", "3_c.sql"]);
        assert!(down_target(&files, &revs, Some(3), None).is_err());
        let revs = [rev("2", 1, 1), rev("3", 1, 1), rev("4", 1, 1)];
        let t = down_target(&files, &revs, Some(1), None).unwrap();
        assert_eq!(names(&t), ["2_cp.sql", "3_c.sql"]);
    }

    #[test]
    fn renames_in_reverted_files() {
        let f = file(
            "3_r.sql",
            "ALTER TABLE users RENAME COLUMN name TO full_name;\nALTER TABLE posts RENAME TO articles;\n",
        );
        let h = rename_hints(std::slice::from_ref(&f), Dialect::Postgres);
        assert_eq!(
            h,
            [
                RenameHint::Column {
                    table: "users".into(),
                    from: "name".into(),
                    to: "full_name".into()
                },
                RenameHint::Table {
                    from: "posts".into(),
                    to: "articles".into()
                }
            ]
        );
        let m = file("3_r.sql", "RENAME TABLE posts TO articles;\n");
        assert_eq!(
            rename_hints(&[m], Dialect::MARIADB),
            [RenameHint::Table {
                from: "posts".into(),
                to: "articles".into()
            }]
        );
    }
}
