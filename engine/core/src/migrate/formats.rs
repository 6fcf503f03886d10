//! Other tools' migration directories (reference/atlas.md §2.6), read as Atlas files.
//!
//! Each format's files are turned into Atlas-form files, `VERSION[_DESCRIPTION].sql` holding only
//! the statements that migrate up, so the executor, `migrate status` and `migrate ls` work on
//! them unchanged and `migrate import` writes them out as they are:
//!
//! | format | files | version, description | statements |
//! |---|---|---|---|
//! | `golang-migrate` | `V_name.up.sql` (`.down.sql` ignored) | `V`, `name` | the whole file |
//! | `goose` | `V_name.sql` | `V`, `name` | the `-- +goose Up` section (up to `-- +goose Down`); a `StatementBegin`/`StatementEnd` block is one statement; `NO TRANSACTION` is `txmode none` |
//! | `dbmate` | `V_name.sql` | `V`, `name` | the `-- migrate:up` section (up to `-- migrate:down`); `transaction:false` is `txmode none` |
//! | `flyway` | `V1.2__name.sql`, `B…` baselines, `R__name.sql` repeatables, in every non-hidden subdirectory (`U…` undo files ignored) | `1.2`, `name` | the whole file; the latest baseline replaces the versions up to it; repeatables run after the versioned files, in name order, as versions `<last>R1`, `<last>R2`… |
//! | `liquibase` | formatted SQL (`--liquibase formatted sql`) named as Atlas names files | as Atlas | the changesets' SQL, without `--rollback` and `--comment` lines; `runInTransaction:false` is `txmode none` |
//!
//! Flyway orders versions numerically (`V9` before `V10`); the revisions table compares versions
//! as text, as Atlas's does, so a flyway directory applied in place wants versions of one width
//! (`migrate import` pads them).

use std::cmp::Ordering;

use cairn_syntax::sql::{SplitOptions, split};

use super::dir::{DirError, DirFormat, MigrationFile};

/// The delimiter of converted files whose statements hold `;` (goose statement blocks).
const BLOCK_DELIMITER: &str = "-- end";

/// Converts a directory's files (already filtered and ordered by `raw_order`) into Atlas files.
pub fn to_atlas(format: DirFormat, raw: &[MigrationFile]) -> Result<Vec<MigrationFile>, DirError> {
    match format {
        DirFormat::Atlas => Ok(raw.to_vec()),
        DirFormat::GolangMigrate => raw
            .iter()
            .map(|f| {
                let stem = f.name.strip_suffix(".up.sql").unwrap_or(&f.name);
                let (v, d) = version_desc(stem, "_");
                Ok(atlas_file(&v, &d, f.text().into_owned()))
            })
            .collect(),
        DirFormat::Goose => raw.iter().map(goose).collect(),
        DirFormat::Dbmate => raw.iter().map(dbmate).collect(),
        DirFormat::Liquibase => raw.iter().map(liquibase).collect(),
        DirFormat::Flyway => flyway(raw, false),
    }
}

/// Whether a file (by its path relative to the directory) belongs to a format's directory.
pub fn keeps(format: DirFormat, path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    if !name.ends_with(".sql") {
        return false;
    }
    match format {
        DirFormat::GolangMigrate => name.ends_with(".up.sql"),
        DirFormat::Flyway => {
            (name.starts_with('V') || name.starts_with('B') || name.starts_with('R'))
                && name.contains("__")
        }
        _ => !path.contains('/'),
    }
}

/// The order a format runs its files in (flyway: by numeric version; others: by name).
pub fn raw_order(format: DirFormat, a: &str, b: &str) -> Ordering {
    match format {
        DirFormat::Flyway => {
            let key = |p: &str| {
                let name = p.rsplit('/').next().unwrap_or(p).to_string();
                let (kind, v) = flyway_parts(&name);
                (kind == 'R', v, name)
            };
            let (ra, va, na) = key(a);
            let (rb, vb, nb) = key(b);
            ra.cmp(&rb)
                .then_with(|| flyway_cmp(&va, &vb))
                .then_with(|| na.cmp(&nb))
        }
        DirFormat::Goose | DirFormat::GolangMigrate | DirFormat::Dbmate => {
            // Integer versions, compared as numbers (`2_x.sql` before `10_y.sql`).
            let key = |p: &str| {
                p.split(['_', '.'])
                    .next()
                    .and_then(|v| v.parse::<u128>().ok())
            };
            match (key(a), key(b)) {
                (Some(x), Some(y)) => x.cmp(&y).then_with(|| a.cmp(b)),
                _ => a.cmp(b),
            }
        }
        _ => a.cmp(b),
    }
}

/// Files for an Atlas directory, whose files run in name order: integer versions of differing
/// widths are zero-padded to the widest (`2` and `10` become `02` and `10`).
pub fn padded(files: Vec<MigrationFile>) -> Vec<MigrationFile> {
    let numeric = |v: &str| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
    if !files.iter().all(|f| numeric(f.version())) {
        return files;
    }
    let width = files.iter().map(|f| f.version().len()).max().unwrap_or(0);
    files
        .into_iter()
        .map(|f| {
            let v = format!("{:0>width$}", f.version());
            let text = f.text().into_owned();
            atlas_file(&v, f.description(), text)
        })
        .collect()
}

fn version_desc(stem: &str, sep: &str) -> (String, String) {
    match stem.split_once(sep) {
        Some((v, d)) => (v.to_string(), d.to_string()),
        None => (stem.to_string(), String::new()),
    }
}

fn atlas_file(version: &str, desc: &str, text: String) -> MigrationFile {
    let name = if desc.is_empty() {
        format!("{version}.sql")
    } else {
        format!("{version}_{desc}.sql")
    };
    MigrationFile {
        name,
        bytes: text.into_bytes(),
    }
}

/// Assembles a converted file: an optional `txmode none` header, then the statements. Plain SQL
/// chunks stay as written; when a block (one statement holding `;`) is present, every statement
/// is cut by the splitter and ended by a custom delimiter.
fn assemble(no_tx: bool, parts: &[(bool, String)]) -> String {
    let mut out = String::new();
    if parts.iter().any(|(block, _)| *block) {
        out.push_str(&format!("-- atlas:delimiter {BLOCK_DELIMITER}\n"));
        if no_tx {
            out.push_str("-- atlas:txmode none\n");
        }
        out.push('\n');
        for (block, text) in parts {
            let statements: Vec<String> = if *block {
                vec![text.trim().trim_end_matches(';').trim_end().to_string()]
            } else {
                split(text, SplitOptions::generic())
                    .statements
                    .into_iter()
                    .map(|s| s.text.trim_end_matches(';').trim_end().to_string())
                    .collect()
            };
            for s in statements.into_iter().filter(|s| !s.is_empty()) {
                out.push_str(&s);
                out.push_str(&format!(";\n{BLOCK_DELIMITER}\n"));
            }
        }
        return out;
    }
    if no_tx {
        out.push_str("-- atlas:txmode none\n\n");
    }
    for (_, text) in parts {
        let t = text.trim_matches('\n');
        if !t.trim().is_empty() {
            out.push_str(t);
            out.push('\n');
        }
    }
    out
}

/// goose: `-- +goose Up` ... `-- +goose Down`.
fn goose(f: &MigrationFile) -> Result<MigrationFile, DirError> {
    let stem = f.name.strip_suffix(".sql").unwrap_or(&f.name);
    let (v, d) = version_desc(stem, "_");
    let text = f.text();
    let mut parts: Vec<(bool, String)> = Vec::new();
    let mut no_tx = false;
    let mut up = false;
    let mut seen_up = false;
    let mut block: Option<String> = None;
    let mut plain = String::new();
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        let pragma = t
            .strip_prefix("-- +goose")
            .map(|r| r.trim().to_ascii_lowercase());
        match pragma.as_deref() {
            Some("up") => {
                up = true;
                seen_up = true;
            }
            Some("down") => {
                up = false;
            }
            Some("no transaction") => no_tx = true,
            Some("statementbegin") if up => {
                parts.push((false, std::mem::take(&mut plain)));
                block = Some(String::new());
            }
            Some("statementend") if up => {
                let Some(b) = block.take() else {
                    return Err(DirError::Unsupported(format!(
                        "{}: -- +goose StatementEnd without StatementBegin",
                        f.name
                    )));
                };
                parts.push((true, b));
            }
            Some(_) => {}
            None if up => match &mut block {
                Some(b) => b.push_str(line),
                None => plain.push_str(line),
            },
            None => {}
        }
    }
    if block.is_some() {
        return Err(DirError::Unsupported(format!(
            "{}: -- +goose StatementBegin without StatementEnd",
            f.name
        )));
    }
    if !seen_up {
        return Err(DirError::Unsupported(format!(
            "{}: not a goose migration: no -- +goose Up annotation",
            f.name
        )));
    }
    parts.push((false, plain));
    Ok(atlas_file(&v, &d, assemble(no_tx, &parts)))
}

/// dbmate: `-- migrate:up [transaction:false]` ... `-- migrate:down`.
fn dbmate(f: &MigrationFile) -> Result<MigrationFile, DirError> {
    let stem = f.name.strip_suffix(".sql").unwrap_or(&f.name);
    let (v, d) = version_desc(stem, "_");
    let text = f.text();
    let mut up = false;
    let mut seen_up = false;
    let mut no_tx = false;
    let mut body = String::new();
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("-- migrate:up") {
            up = true;
            seen_up = true;
            no_tx |= rest.split_whitespace().any(|o| o == "transaction:false");
            continue;
        }
        if t.starts_with("-- migrate:down") {
            up = false;
            continue;
        }
        if up {
            body.push_str(line);
        }
    }
    if !seen_up {
        return Err(DirError::Unsupported(format!(
            "{}: not a dbmate migration: no -- migrate:up section",
            f.name
        )));
    }
    Ok(atlas_file(&v, &d, assemble(no_tx, &[(false, body)])))
}

/// liquibase formatted SQL: the changesets' SQL.
fn liquibase(f: &MigrationFile) -> Result<MigrationFile, DirError> {
    let stem = f.name.strip_suffix(".sql").unwrap_or(&f.name);
    let (v, d) = version_desc(stem, "_");
    let text = f.text();
    if !text.lines().next().is_some_and(|l| {
        l.trim()
            .to_ascii_lowercase()
            .starts_with("--liquibase formatted sql")
    }) {
        return Err(DirError::Unsupported(format!(
            "{}: not a liquibase formatted SQL file: its first line must be --liquibase formatted sql",
            f.name
        )));
    }
    let mut body = String::new();
    let mut no_tx = false;
    let mut in_changeset = false;
    for line in text.split_inclusive('\n').skip(1) {
        let t = line.trim().to_ascii_lowercase();
        if t.starts_with("--changeset") {
            in_changeset = true;
            no_tx |= t.contains("runintransaction:false");
            continue;
        }
        if t.starts_with("--rollback")
            || t.starts_with("--comment")
            || t.starts_with("--preconditions")
            || t.starts_with("--precondition-")
        {
            continue;
        }
        if in_changeset {
            body.push_str(line);
        }
    }
    Ok(atlas_file(&v, &d, assemble(no_tx, &[(false, body)])))
}

/// A flyway file name's kind (`V`, `B`, `R`) and version parts.
fn flyway_parts(name: &str) -> (char, Vec<String>) {
    let kind = name.chars().next().unwrap_or('V');
    let stem = name.strip_suffix(".sql").unwrap_or(name);
    let version = stem[1..].split_once("__").map_or("", |(v, _)| v);
    (
        kind,
        version
            .split(['.', '_'])
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect(),
    )
}

/// Flyway's version order: part by part, numerically where both parts are numbers.
fn flyway_cmp(a: &[String], b: &[String]) -> Ordering {
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (a.get(i), b.get(i));
        let o = match (x, y) {
            (Some(x), Some(y)) => match (x.parse::<u128>(), y.parse::<u128>()) {
                (Ok(p), Ok(q)) => p.cmp(&q),
                _ => x.cmp(y),
            },
            (Some(x), None) => {
                if x.parse::<u128>().is_ok_and(|n| n == 0) {
                    Ordering::Equal
                } else {
                    Ordering::Greater
                }
            }
            (None, Some(y)) => {
                if y.parse::<u128>().is_ok_and(|n| n == 0) {
                    Ordering::Equal
                } else {
                    Ordering::Less
                }
            }
            (None, None) => Ordering::Equal,
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

/// flyway: versioned files, the latest baseline, then repeatables. `pad` zero-pads numeric
/// version parts to one width (for `migrate import`, whose files sort by name).
pub fn flyway(raw: &[MigrationFile], pad: bool) -> Result<Vec<MigrationFile>, DirError> {
    struct Entry<'a> {
        kind: char,
        parts: Vec<String>,
        desc: String,
        file: &'a MigrationFile,
    }
    let mut entries = Vec::new();
    for f in raw {
        let name = f.name.rsplit('/').next().unwrap_or(&f.name);
        let (kind, parts) = flyway_parts(name);
        let stem = name.strip_suffix(".sql").unwrap_or(name);
        let Some((_, desc)) = stem.split_once("__") else {
            continue;
        };
        if kind != 'R' && parts.is_empty() {
            return Err(DirError::Unsupported(format!(
                "{}: a flyway migration is named V<version>__<description>.sql",
                f.name
            )));
        }
        entries.push(Entry {
            kind,
            parts,
            desc: desc.to_string(),
            file: f,
        });
    }
    let baseline = entries
        .iter()
        .filter(|e| e.kind == 'B')
        .max_by(|a, b| flyway_cmp(&a.parts, &b.parts))
        .map(|e| e.parts.clone());
    let mut versioned: Vec<&Entry> = entries
        .iter()
        .filter(|e| match (&baseline, e.kind) {
            (Some(b), 'B') => flyway_cmp(&e.parts, b) == Ordering::Equal,
            (Some(b), 'V') => flyway_cmp(&e.parts, b) == Ordering::Greater,
            (None, 'V') => true,
            _ => false,
        })
        .collect();
    versioned.sort_by(|a, b| flyway_cmp(&a.parts, &b.parts));
    let mut repeatable: Vec<&Entry> = entries.iter().filter(|e| e.kind == 'R').collect();
    repeatable.sort_by(|a, b| a.desc.cmp(&b.desc));
    let width = |i: usize| {
        versioned
            .iter()
            .filter_map(|e| e.parts.get(i))
            .map(String::len)
            .max()
            .unwrap_or(0)
    };
    let version_of = |parts: &[String]| -> String {
        parts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                if pad && p.bytes().all(|b| b.is_ascii_digit()) {
                    format!("{p:0>w$}", w = width(i))
                } else {
                    p.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(".")
    };
    let mut out = Vec::new();
    let mut last = String::from("0");
    for e in &versioned {
        last = version_of(&e.parts);
        out.push(atlas_file(&last, &e.desc, e.file.text().into_owned()));
    }
    for (i, e) in repeatable.iter().enumerate() {
        out.push(atlas_file(
            &format!("{last}R{}", i + 1),
            &e.desc,
            e.file.text().into_owned(),
        ));
    }
    Ok(out)
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

    fn texts(files: &[MigrationFile]) -> Vec<(String, String)> {
        files
            .iter()
            .map(|f| (f.name.clone(), f.text().into_owned()))
            .collect()
    }

    #[test]
    fn goose_up_sections_and_blocks() {
        let f = file(
            "00002_fn.sql",
            "-- +goose Up\nCREATE TABLE t (id int);\n-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END $$ LANGUAGE plpgsql;\n-- +goose StatementEnd\n\n-- +goose Down\nDROP TABLE t;\n",
        );
        let out = to_atlas(DirFormat::Goose, &[f]).unwrap();
        assert_eq!(out[0].name, "00002_fn.sql");
        let split = out[0].split(SplitOptions::postgres());
        let stmts: Vec<_> = split.statements.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(stmts.len(), 2, "{stmts:?}");
        assert!(stmts[1].contains("RETURN 1;"));
        assert!(!out[0].text().contains("DROP TABLE"));
        let g = file(
            "00003_x.sql",
            "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY i ON t (id);\n-- +goose Down\nDROP INDEX i;\n",
        );
        let out = to_atlas(DirFormat::Goose, &[g]).unwrap();
        assert_eq!(
            out[0].text(),
            "-- atlas:txmode none\n\nCREATE INDEX CONCURRENTLY i ON t (id);\n"
        );
        assert!(to_atlas(DirFormat::Goose, &[file("1_x.sql", "SELECT 1;")]).is_err());
    }

    #[test]
    fn dbmate_golang_and_liquibase() {
        let d = file(
            "20240101000000_users.sql",
            "-- migrate:up transaction:false\nCREATE TABLE users (id int);\n\n-- migrate:down\nDROP TABLE users;\n",
        );
        assert_eq!(
            texts(&to_atlas(DirFormat::Dbmate, &[d]).unwrap()),
            [(
                "20240101000000_users.sql".to_string(),
                "-- atlas:txmode none\n\nCREATE TABLE users (id int);\n".to_string()
            )]
        );
        let g = file("000001_init.up.sql", "CREATE TABLE a (id int);\n");
        assert_eq!(
            to_atlas(DirFormat::GolangMigrate, &[g]).unwrap()[0].name,
            "000001_init.sql"
        );
        let l = file(
            "1_init.sql",
            "--liquibase formatted sql\n\n--changeset ada:1\nCREATE TABLE a (id int);\n--rollback DROP TABLE a;\n\n--changeset ada:2\nCREATE TABLE b (id int);\n",
        );
        let out = to_atlas(DirFormat::Liquibase, &[l]).unwrap();
        assert_eq!(
            out[0].text(),
            "CREATE TABLE a (id int);\n\nCREATE TABLE b (id int);\n"
        );
    }

    #[test]
    fn flyway_versions_baselines_and_repeatables() {
        let raw = vec![
            file("V1__init.sql", "CREATE TABLE a (id int);"),
            file("V2__more.sql", "CREATE TABLE b (id int);"),
            file("V10__late.sql", "CREATE TABLE c (id int);"),
            file("R__views.sql", "CREATE VIEW v AS SELECT 1;"),
        ];
        let mut names: Vec<String> = raw.iter().map(|f| f.name.clone()).collect();
        names.sort_by(|a, b| raw_order(DirFormat::Flyway, a, b));
        assert_eq!(
            names,
            [
                "V1__init.sql",
                "V2__more.sql",
                "V10__late.sql",
                "R__views.sql"
            ]
        );
        let out: Vec<String> = flyway(&raw, true)
            .unwrap()
            .into_iter()
            .map(|f| f.name)
            .collect();
        assert_eq!(
            out,
            [
                "01_init.sql",
                "02_more.sql",
                "10_late.sql",
                "10R1_views.sql"
            ]
        );
        let with_baseline = vec![
            file("V1__init.sql", ""),
            file("B2__base.sql", ""),
            file("V2__more.sql", ""),
            file("V3__next.sql", ""),
        ];
        let out: Vec<String> = flyway(&with_baseline, false)
            .unwrap()
            .into_iter()
            .map(|f| f.name)
            .collect();
        assert_eq!(out, ["2_base.sql", "3_next.sql"]);
    }
}
