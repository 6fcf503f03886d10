//! Loading the two states a diff compares (current and desired), with the dialect of file
//! sources taken from the other side, and their schemas aligned to the target's scope.

use anyhow::Result;
use cairn_core::{InspectOptions, SourceUrl};
use cairn_ir::Realm;

use crate::load::{self, Loaded};
use crate::render;

/// The current and desired states of a diff or apply.
pub struct States {
    pub current: Loaded,
    pub desired: Loaded,
}

/// Loads `from` (current) and `to` (desired). File sources take their dialect from `--dialect`,
/// the other side's database URL, `--dev-url`, or their suffix. Returns `None` after rendering
/// the diagnostics when a side does not compile.
pub async fn load_states(
    from: &str,
    to: &str,
    dialect: Option<&str>,
    dev_url: Option<&str>,
    scope: &InspectOptions,
) -> Result<Option<States>> {
    let db_side = |u: &str| matches!(SourceUrl::parse(u), Ok(SourceUrl::Database(_)));
    let mut related_to_from: Vec<&str> = Vec::new();
    let mut related_to_to: Vec<&str> = Vec::new();
    if db_side(to) {
        related_to_from.push(to);
    }
    if db_side(from) {
        related_to_to.push(from);
    }
    related_to_from.extend(dev_url);
    related_to_to.extend(dev_url);
    let current = load::load(from, dialect, &related_to_from, scope).await?;
    let desired = load::load(to, dialect, &related_to_to, scope).await?;
    let mut failed = false;
    for side in [&current, &desired] {
        if !side.diagnostics.is_empty() {
            render::diagnostics::write_all(
                &mut std::io::stderr(),
                &side.diagnostics,
                &side.sources,
                render::style::color_stderr(),
            );
        }
        failed |= side.diagnostics.iter().any(|d| d.is_error());
    }
    if failed {
        eprintln!(
            "{} the schema has errors; no plan was computed",
            render::style::error_label()
        );
        return Ok(None);
    }
    if current.realm.dialect != desired.realm.dialect {
        anyhow::bail!(
            "the two sides speak different dialects ({} and {}): compare schemas of one dialect",
            current.realm.dialect,
            desired.realm.dialect
        );
    }
    let mut states = States { current, desired };
    align_schemas(&mut states.current.realm, &mut states.desired.realm);
    Ok(Some(states))
}

/// In schema scope (one schema on each side), the desired schema is the target's schema whatever
/// its source called it: unqualified SQL lands in the dialect's default schema, and an HCL file
/// written for `public` applies to a database scoped to `app`.
fn align_schemas(current: &mut Realm, desired: &mut Realm) {
    if current.schemas.len() == 1
        && desired.schemas.len() == 1
        && current.schemas[0].name != desired.schemas[0].name
    {
        let from = desired.schemas[0].name.clone();
        let to = current.schemas[0].name.clone();
        desired.schemas[0].name = to.clone();
        for t in &mut desired.schemas[0].tables {
            for fk in &mut t.foreign_keys {
                if fk.ref_table.schema.as_deref() == Some(from.as_str()) {
                    fk.ref_table.schema = Some(to.clone());
                }
            }
        }
    }
    // An empty database in schema scope has its (empty) schema; a file source that declares no
    // schema lands in the same one.
    if current.schemas.is_empty()
        && desired.schemas.len() == 1
        && let Some(d) = current.dialect.fixed_schema()
    {
        current.schemas.push(cairn_ir::Schema::new(d));
    }
}
