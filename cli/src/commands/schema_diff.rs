//! `cairn schema diff`: the SQL that turns one schema into another.

use anyhow::{Result, bail};
use cairn_core::diff::diff;
use cairn_core::plan::{PlanOptions, plan};

use crate::Outcome;
use crate::args::DiffArgs;
use crate::commands::states::load_states;
use crate::render;

pub async fn run(args: DiffArgs) -> Result<Outcome> {
    let json = match args.format.trim() {
        "sql" | "{{ sql . }}" => false,
        "json" | "{{ json . }}" => true,
        other => bail!("unknown --format {other:?} for schema diff: expected sql or json"),
    };
    let Some(states) = load_states(
        &args.from,
        &args.to,
        args.dialect.as_deref(),
        args.dev_url.as_deref(),
        &args.scope.options(),
    )
    .await?
    else {
        return Ok(Outcome::Failed);
    };
    let (current, desired) = (&states.current.realm, &states.desired.realm);
    let d = diff(current, desired, &args.scope.diff_options());
    if !d.errors.is_empty() {
        for e in &d.errors {
            eprintln!("{} {e}", render::style::error_label());
        }
        return Ok(Outcome::Failed);
    }
    let p = plan(
        crate::drivers::planner(desired.dialect),
        &d,
        current,
        desired,
        &PlanOptions {
            online_constraints: args.online.online_constraints,
            online_not_null: true,
            ..PlanOptions::default()
        },
    );
    if json {
        println!(
            "{}",
            render::plan::plan_json(&p, &[], &d.possible_renames, None)
        );
    } else if p.is_empty() {
        println!("Schemas are synced, no changes to be made.");
    } else {
        print!("{}", render::plan::plan_sql(&p, false));
        for r in &d.possible_renames {
            eprintln!(
                "note: {} could be a rename; if it is, add a renamed_from hint",
                describe(r)
            );
        }
    }
    Ok(if args.check && !p.is_empty() {
        Outcome::Pending
    } else {
        Outcome::Success
    })
}

pub fn describe(r: &cairn_ir::PossibleRename) -> String {
    match r {
        cairn_ir::PossibleRename::Column { table, from, to } => {
            format!("dropping column {}.{from} and adding {to}", table.display())
        }
        cairn_ir::PossibleRename::Table { schema, from, to } => {
            format!("dropping table {schema}.{from} and adding {to}")
        }
    }
}
