//! The dev database: a clean, disposable database of the target's dialect where a desired state
//! is created, inspected back and removed again. What comes back is the state exactly as the
//! server spells it (expression text, defaults, implicit names, type aliases), so comparing it
//! with an inspected target never shows a difference that is only spelling. This is what
//! `--dev-url` buys over the built-in normaliser.

use cairn_ir::Realm;

use crate::diff::{DiffOptions, diff};
use crate::driver::Driver;
use crate::error::EngineError;
use crate::plan::{PlanOptions, Planner, plan};
use crate::scope::InspectOptions;

/// The dev database holds objects of its own: refuse to use it (it would be emptied).
fn not_clean(realm: &Realm) -> Option<String> {
    for s in &realm.schemas {
        let first = s
            .tables
            .first()
            .map(|t| ("table", &t.name))
            .or_else(|| s.views.first().map(|v| ("view", &v.name)))
            .or_else(|| {
                s.materialized_views
                    .first()
                    .map(|v| ("materialized view", &v.name))
            })
            .or_else(|| s.functions.first().map(|f| ("function", &f.name)))
            .or_else(|| s.procedures.first().map(|f| ("procedure", &f.name)))
            .or_else(|| s.sequences.first().map(|q| ("sequence", &q.name)))
            .or_else(|| s.enums.first().map(|e| ("type", &e.name)))
            .or_else(|| s.domains.first().map(|d| ("domain", &d.name)));
        if let Some((kind, name)) = first {
            return Some(format!("found {kind} {}.{name}", s.name));
        }
    }
    None
}

/// Creates `desired` on the dev database (with `create`, the dialect's CREATE statements for a
/// realm), inspects it back and drops what it created. The dev database must be clean. The
/// result keeps the desired state's `renamed_from` hints, and its schemas carry the desired
/// state's schema names even when the dev database is bound to a schema of another name.
pub async fn normalize_on_dev(
    dev: &dyn Driver,
    desired: &Realm,
    create: &dyn Fn(&Realm) -> Vec<String>,
    planner: &dyn Planner,
) -> Result<Realm, EngineError> {
    let scope = InspectOptions::default();
    let before = dev.inspect(&scope).await?;
    if let Some(found) = not_clean(&before) {
        return Err(EngineError::Other(format!(
            "the dev database is not clean ({found}): --dev-url must name an empty database or \
             schema Cairn may fill and empty again"
        )));
    }
    // In schema scope the desired schema is created as the dev database's schema.
    let mut staged = desired.clone();
    let bound = dev.bound_schema().map(str::to_string);
    let renamed = match (&bound, staged.schemas.as_mut_slice()) {
        (Some(b), [only]) if &only.name != b => {
            let original = std::mem::replace(&mut only.name, b.clone());
            retarget_refs(&mut staged, &original, b);
            Some((original, b.clone()))
        }
        _ => None,
    };
    let statements = create(&staged);
    let created = dev.execute_batch(&statements, true).await;
    let inspected = dev.inspect(&scope).await;
    // Empty the dev database again whatever happened: plan the inspected state to nothing.
    if let Ok(now) = &inspected {
        empty_dev(dev, now, planner, "the desired state").await?;
    }
    if let Err(e) = created {
        return Err(EngineError::Other(format!(
            "the desired state does not apply on the dev database: {}",
            e.error
        )));
    }
    let mut normalized = inspected?;
    // Keep only the schemas the desired state has (the dev database may hold empty others).
    normalized
        .schemas
        .retain(|s| staged.schemas.iter().any(|d| d.name == s.name));
    if let Some((original, bound)) = renamed {
        for s in &mut normalized.schemas {
            if s.name == bound {
                s.name = original.clone();
            }
        }
        retarget_refs(&mut normalized, &bound, &original);
    }
    for s in &mut normalized.schemas {
        for t in &mut s.tables {
            t.rows = None;
        }
    }
    carry_hints(desired, &mut normalized);
    // Roles and grants are not created on a dev database; keep the desired ones as declared.
    normalized.roles = desired.roles.clone();
    normalized.permissions = desired.permissions.clone();
    normalized.default_privileges = desired.default_privileges.clone();
    Ok(normalized)
}

/// Plans the dev database's inspected state `now` to nothing and runs it, leaving the dev
/// database as clean as it was found.
async fn empty_dev(
    dev: &dyn Driver,
    now: &Realm,
    planner: &dyn Planner,
    what: &str,
) -> Result<(), EngineError> {
    let mut empty = now.clone();
    for s in &mut empty.schemas {
        let name = s.name.clone();
        *s = cairn_ir::Schema::new(&name);
    }
    empty.roles.clear();
    empty.permissions.clear();
    let d = diff(now, &empty, &DiffOptions::default());
    let p = plan(planner, &d, now, &empty, &PlanOptions::default());
    let sql: Vec<String> = p.statements.iter().map(|s| s.sql.clone()).collect();
    if let Err(e) = dev.execute_batch(&sql, true).await {
        return Err(EngineError::Other(format!(
            "{what} was read back from the dev database, but emptying it failed ({}); empty it \
             by hand before the next run",
            e.error
        )));
    }
    Ok(())
}

/// One migration file to replay: its version (for messages) and its statements.
pub struct ReplayFile {
    pub version: String,
    pub statements: Vec<String>,
}

/// Replays migration files, in order, on the dev database, inspects the state they leave and
/// empties the dev database again: the state a migration directory produces, as the server
/// spells it. The dev database must be clean. A failing statement is reported as Atlas does:
/// `executing statement "…" from version "…": <error>`.
pub async fn replay_on_dev(
    dev: &dyn Driver,
    files: &[ReplayFile],
    planner: &dyn Planner,
) -> Result<Realm, EngineError> {
    let scope = InspectOptions::default();
    let before = dev.inspect(&scope).await?;
    if let Some(found) = not_clean(&before) {
        return Err(EngineError::Other(format!(
            "the dev database is not clean ({found}): --dev-url must name an empty database or \
             schema Cairn may fill and empty again"
        )));
    }
    let mut failed = None;
    for f in files {
        // Outside a transaction, so a file that manages its own (or holds statements that
        // cannot run in one) replays as it would apply.
        if let Err(e) = dev.execute_batch(&f.statements, false).await {
            let stmt = f
                .statements
                .get(e.applied)
                .map(|s| s.trim().to_string())
                .unwrap_or_default();
            failed = Some(format!(
                "executing statement {stmt:?} from version {:?}: {}",
                f.version, e.error
            ));
            break;
        }
    }
    let inspected = dev.inspect(&scope).await;
    if let Ok(now) = &inspected {
        empty_dev(dev, now, planner, "the migration directory's state").await?;
    }
    if let Some(msg) = failed {
        return Err(EngineError::Other(format!(
            "the migration directory does not replay on the dev database: {msg}"
        )));
    }
    let mut realm = inspected?;
    for s in &mut realm.schemas {
        for t in &mut s.tables {
            t.rows = None;
        }
    }
    Ok(realm)
}

fn retarget_refs(realm: &mut Realm, from: &str, to: &str) {
    for s in &mut realm.schemas {
        for t in &mut s.tables {
            for fk in &mut t.foreign_keys {
                if fk.ref_table.schema.as_deref() == Some(from) {
                    fk.ref_table.schema = Some(to.to_string());
                }
            }
        }
    }
}

/// Copies the `renamed_from` hints of tables, columns and indexes from `from` onto `to`.
fn carry_hints(from: &Realm, to: &mut Realm) {
    let d = from.dialect;
    for fs in &from.schemas {
        let Some(ts) = to
            .schemas
            .iter_mut()
            .find(|s| d.idents_equal(&s.name, &fs.name))
        else {
            continue;
        };
        for ft in &fs.tables {
            let Some(tt) = ts
                .tables
                .iter_mut()
                .find(|t| d.idents_equal(&t.name, &ft.name))
            else {
                continue;
            };
            tt.renamed_from.clone_from(&ft.renamed_from);
            for fc in &ft.columns {
                if let Some(tc) = tt
                    .columns
                    .iter_mut()
                    .find(|c| d.idents_equal(&c.name, &fc.name))
                {
                    tc.renamed_from.clone_from(&fc.renamed_from);
                }
            }
            for fi in &ft.indexes {
                if let Some(ti) = tt
                    .indexes
                    .iter_mut()
                    .find(|i| d.idents_equal(&i.name, &fi.name))
                {
                    ti.renamed_from.clone_from(&fi.renamed_from);
                }
            }
        }
    }
}
