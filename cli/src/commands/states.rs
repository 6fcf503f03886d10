//! Loading the two states a diff compares (current and desired), with the dialect of file
//! sources taken from the other side, and their schemas aligned to the target's scope.

use anyhow::Result;
use cairn_core::{InspectOptions, SourceUrl};
use cairn_ir::Dialect;

use crate::load::{self, Loaded};
use crate::render;
pub(crate) use cairn_core::scope::align_schemas;

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
    // Databases first: a schema file takes the dialect of the database it is compared with, and
    // its flavour (`mysql://` names the MySQL family; the server says whether it is MariaDB).
    let mut current = if db_side(from) {
        Some(load::load(from, dialect, &[], scope).await?)
    } else {
        None
    };
    let mut desired = if db_side(to) {
        Some(load::load(to, dialect, &[], scope).await?)
    } else {
        None
    };
    let db_dialect = current
        .as_ref()
        .or(desired.as_ref())
        .map(|l| l.realm.dialect);
    let file_dialect = files_dialect(dialect, db_dialect)?;
    let file_dialect = file_dialect.as_deref().or(dialect);
    let current = match current.take() {
        Some(l) => l,
        None => load::load(from, file_dialect, &related_to_from, scope).await?,
    };
    let desired = match desired.take() {
        Some(l) => l,
        None => load::load(to, file_dialect, &related_to_to, scope).await?,
    };
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
    if let Some(dev) = dev_url {
        // File sources are created on the dev database and read back, so they compare with
        // an inspected database in the server's own spelling.
        let dev_url = match SourceUrl::parse(dev) {
            Ok(SourceUrl::Database(db)) => db,
            _ => anyhow::bail!("--dev-url must be a database URL, not {dev}"),
        };
        let driver = crate::drivers::connect(&dev_url, false).await?;
        let planner = crate::drivers::planner(driver.dialect());
        for (url, side) in [(from, &mut states.current), (to, &mut states.desired)] {
            if db_side(url) || side.realm.schemas.is_empty() {
                continue;
            }
            side.realm = cairn_core::dev::normalize_on_dev(
                driver.as_ref(),
                &side.realm,
                &crate::drivers::create_statements,
                planner,
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e} (dev database {})", dev_url.redacted()))?;
        }
        driver.close().await;
    }
    Ok(Some(states))
}

/// The dialect of the file sources when a database is compared: the database's own, flavour
/// included; an explicit `--dialect` of another dialect stands (and the comparison then
/// fails), one of the same family takes the server's flavour. `None` without a database.
fn files_dialect(explicit: Option<&str>, db: Option<Dialect>) -> Result<Option<String>> {
    let Some(db) = db else {
        return Ok(None);
    };
    let Some(name) = explicit else {
        return Ok(Some(db.name().to_string()));
    };
    let named = Dialect::from_name(name).ok_or_else(|| {
        anyhow::anyhow!("unknown dialect {name:?}: expected postgres, mysql, mariadb or sqlite")
    })?;
    Ok(Some(
        if named.is_mysql_family() && db.is_mysql_family() {
            db
        } else {
            named
        }
        .name()
        .to_string(),
    ))
}
