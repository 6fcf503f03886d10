//! SQLite triggers between the text the SQL front end reads and the schema model: a trigger on a
//! table is a `Trigger` of the table; one on a view is kept whole (the model attaches triggers
//! to tables only), and the HCL printer and front end go through a `Trigger` to carry it.

use cairn_ir::{Expr, Trigger, TriggerEvent, TriggerTiming};
use cairn_syntax::sql::{SqliteTrigger, SqliteTriggerEvent, SqliteTriggerTiming};

/// The model's form of a SQLite trigger: a row trigger with one event, its condition and body
/// as written.
pub(crate) fn sqlite_trigger_to_ir(t: &SqliteTrigger) -> Trigger {
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

/// The SQLite trigger a model trigger on `table` is (its first event SQLite has; `None` when it
/// has none, or no body).
pub(crate) fn ir_to_sqlite_trigger(tr: &Trigger, table: &str) -> Option<SqliteTrigger> {
    let event = tr.events.iter().find_map(|e| match e {
        TriggerEvent::Insert => Some(SqliteTriggerEvent::Insert),
        TriggerEvent::Delete => Some(SqliteTriggerEvent::Delete),
        TriggerEvent::Update { columns } => Some(SqliteTriggerEvent::Update(columns.clone())),
        TriggerEvent::Truncate => None,
    })?;
    let body = tr.body.as_deref()?.trim();
    let starts_begin = body
        .get(..5)
        .is_some_and(|b| b.eq_ignore_ascii_case("BEGIN"));
    let body = if starts_begin {
        body.to_string()
    } else {
        format!("BEGIN\n  {};\nEND", body.trim_end_matches(';'))
    };
    Some(SqliteTrigger {
        name: tr.name.clone(),
        if_not_exists: false,
        temporary: false,
        timing: match tr.timing {
            TriggerTiming::Before => SqliteTriggerTiming::Before,
            TriggerTiming::After => SqliteTriggerTiming::After,
            TriggerTiming::InsteadOf => SqliteTriggerTiming::InsteadOf,
        },
        event,
        table: table.to_string(),
        when: tr.when.as_ref().map(|w| w.as_str().to_string()),
        body,
        name_range: (0, 0),
        range: (0, 0),
    })
}
