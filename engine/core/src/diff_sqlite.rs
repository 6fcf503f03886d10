//! SQLite triggers on views. The model attaches triggers to tables, so the SQL front end and
//! the inspector keep a trigger on a view whole, as an unsupported object of the schema; the
//! differ still plans them, as trigger changes on the view: added, dropped, and changed ones
//! (dropped and added again). SQLite drops a view's triggers with the view, and changes a view
//! by dropping and creating it, so a trigger on a view that goes or changes is not dropped
//! (it is gone already), and every trigger of a changed view is created again.

use cairn_ir::{
    Change, Dialect, Expr, Schema, TableRef, Trigger, TriggerEvent, TriggerTiming, Unsupported,
};
use cairn_syntax::sql::{
    SqliteTrigger, SqliteTriggerEvent, SqliteTriggerTiming, parse_sqlite_trigger,
};

use crate::normalize::{normalize_view_copy, sqlite_trigger_sql};

const D: Dialect = Dialect::Sqlite;

/// A trigger on a view: the unsupported object, what it says, and its view.
struct ViewTrigger<'a> {
    raw: &'a Unsupported,
    parsed: SqliteTrigger,
}

fn view_triggers(s: &Schema) -> Vec<ViewTrigger<'_>> {
    s.unsupported
        .iter()
        .filter(|u| u.kind == "trigger")
        .filter_map(|u| {
            let parsed = parse_sqlite_trigger(&u.raw)?;
            s.views
                .iter()
                .any(|v| D.idents_equal(&v.name, &parsed.table))
                .then_some(ViewTrigger { raw: u, parsed })
        })
        .collect()
}

fn to_ir(t: &SqliteTrigger) -> Trigger {
    Trigger {
        name: t.name.clone(),
        timing: match t.timing {
            SqliteTriggerTiming::Before => TriggerTiming::Before,
            SqliteTriggerTiming::After => TriggerTiming::After,
            SqliteTriggerTiming::InsteadOf => TriggerTiming::InsteadOf,
        },
        events: vec![match &t.event {
            SqliteTriggerEvent::Insert => TriggerEvent::Insert,
            SqliteTriggerEvent::Delete => TriggerEvent::Delete,
            SqliteTriggerEvent::Update(columns) => TriggerEvent::Update {
                columns: columns.clone(),
            },
        }],
        for_each_row: true,
        when: t.when.clone().map(Expr::new),
        function: None,
        function_args: Vec::new(),
        body: Some(t.body.clone()),
        extra: None,
    }
}

/// The trigger changes on the views of schema `schema` (current `cs`, desired `ds`).
pub(crate) fn view_trigger_changes(schema: &str, cs: &Schema, ds: &Schema) -> Vec<Change> {
    let (cur, des) = (view_triggers(cs), view_triggers(ds));
    // Views the plan drops or creates again: their triggers go with them.
    let recreated = |view: &str| {
        let c = cs.views.iter().find(|v| D.idents_equal(&v.name, view));
        let d = ds.views.iter().find(|v| D.idents_equal(&v.name, view));
        match (c, d) {
            (Some(c), Some(d)) => normalize_view_copy(D, c) != normalize_view_copy(D, d),
            _ => true,
        }
    };
    let same = |a: &ViewTrigger, b: &ViewTrigger| {
        sqlite_trigger_sql(&a.raw.raw) == sqlite_trigger_sql(&b.raw.raw)
    };
    let mut out = Vec::new();
    for c in &cur {
        let kept = des
            .iter()
            .find(|d| D.idents_equal(&d.parsed.name, &c.parsed.name))
            .is_some_and(|d| same(c, d));
        if !kept && !recreated(&c.parsed.table) {
            out.push(Change::DropTrigger {
                table: TableRef::new(schema, &c.parsed.table),
                trigger: to_ir(&c.parsed),
            });
        }
    }
    for d in &des {
        let kept = cur
            .iter()
            .find(|c| D.idents_equal(&d.parsed.name, &c.parsed.name))
            .is_some_and(|c| same(c, d));
        if !kept || recreated(&d.parsed.table) {
            out.push(Change::AddTrigger {
                table: TableRef::new(schema, &d.parsed.table),
                trigger: to_ir(&d.parsed),
            });
        }
    }
    out
}
