//! The server's one worker thread for databases, off the main loop (the salsa database stays on
//! its thread; the worker only sends back values):
//!
//! - the live-database baseline of the plan preview: it inspects the database the project file
//!   names when told (a new target, `cairn.refreshBaseline`, a save) and every `refresh`
//!   interval; the main loop caches the last realm;
//! - the queries of the project file's `data "sql"` blocks: it runs the ones it is given and
//!   sends back each one's rows (the main loop caches them and evaluates the project file again).
//!
//! The inspection and the queries are the caller's (`cairn lsp` passes the CLI's drivers), so
//! this crate knows no database client. Messages never hold a password: URLs are shown redacted.

use std::sync::Arc;
use std::time::Duration;

use cairn_core::InspectOptions;
use cairn_ir::Realm;
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};

/// Inspects the database a URL names, within a scope; blocking. An error is a message.
pub type Inspector = Arc<dyn Fn(&str, &InspectOptions) -> Result<Realm, String> + Send + Sync>;

/// The rows of a query: text cells, `None` for NULL.
pub type Rows = Vec<Vec<Option<String>>>;

/// Runs a `data "sql"` query (URL, SQL) against its database; blocking.
pub type Querier = Arc<dyn Fn(&str, &str) -> Result<Rows, QueryError> + Send + Sync>;

/// Why a query gave no rows: the database could not be reached (the editor warns and goes on),
/// or it refused the query (an error in the project file, as `cairn` reports it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueryError {
    Unreachable(String),
    Failed(String),
}

/// What the worker is given to do its jobs with; either may be missing.
#[derive(Clone, Default)]
pub(crate) struct Drivers {
    pub inspect: Option<Inspector>,
    pub query: Option<Querier>,
}

/// What the worker inspects, tagged so a result of an older target is dropped.
#[derive(Clone)]
pub(crate) struct Target {
    pub generation: u64,
    pub url: String,
    pub scope: InspectOptions,
}

/// A `data "sql"` query: its database URL and its SQL (arguments bound).
pub(crate) type Query = (String, String);

enum Job {
    Set(Target),
    Refresh,
    /// Run these queries (in order: answers come back in the order asked).
    Queries(Vec<Query>),
}

/// What the worker sends back.
pub(crate) enum Inspected {
    /// One inspection's outcome.
    Realm {
        generation: u64,
        result: Result<Realm, String>,
    },
    /// One query's outcome (its error messages redacted).
    Rows {
        query: Query,
        result: Result<Rows, QueryError>,
    },
}

/// The handle the main loop keeps: jobs go in; results come out on the server's channel.
pub(crate) struct Worker {
    jobs: Sender<Job>,
}

impl Worker {
    /// Starts the worker thread; it ends when the handle is dropped.
    pub(crate) fn start(
        drivers: Drivers,
        refresh: Option<Duration>,
        results: Sender<Inspected>,
    ) -> Worker {
        let (jobs, rx) = crossbeam_channel::unbounded();
        std::thread::Builder::new()
            .name("cairn-baseline".into())
            .spawn(move || run(drivers, refresh, rx, results))
            .expect("spawn the baseline thread");
        Worker { jobs }
    }

    pub(crate) fn set(&self, target: Target) {
        let _ = self.jobs.send(Job::Set(target));
    }

    pub(crate) fn refresh(&self) {
        let _ = self.jobs.send(Job::Refresh);
    }

    pub(crate) fn query(&self, queries: Vec<Query>) {
        let _ = self.jobs.send(Job::Queries(queries));
    }
}

fn run(
    drivers: Drivers,
    refresh: Option<Duration>,
    jobs: Receiver<Job>,
    results: Sender<Inspected>,
) {
    let mut target: Option<Target> = None;
    let mut queries: Vec<Query> = Vec::new();
    loop {
        let job = match refresh {
            Some(every) if target.is_some() => jobs.recv_timeout(every),
            _ => jobs.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        // An inspection is owed on a new target, a refresh or the timer; not for queries alone.
        let mut inspect = match job {
            Ok(Job::Set(t)) => {
                target = Some(t);
                true
            }
            Ok(Job::Refresh) | Err(RecvTimeoutError::Timeout) => true,
            Ok(Job::Queries(qs)) => {
                queries.extend(qs);
                false
            }
            Err(RecvTimeoutError::Disconnected) => return,
        };
        // Jobs queued meanwhile are folded into this round.
        for j in jobs.try_iter() {
            match j {
                Job::Set(t) => {
                    target = Some(t);
                    inspect = true;
                }
                Job::Refresh => inspect = true,
                Job::Queries(qs) => queries.extend(qs),
            }
        }
        // Queries first: they are small, and the project file (hence the target) may wait on
        // them.
        for query in std::mem::take(&mut queries) {
            let result = match &drivers.query {
                Some(run) => std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    run(&query.0, &query.1)
                }))
                .unwrap_or_else(|_| Err(QueryError::Failed("the query failed".to_string()))),
                None => Err(QueryError::Unreachable(
                    "no database drivers in this build".to_string(),
                )),
            };
            let result = result.map_err(|e| match e {
                QueryError::Unreachable(m) => QueryError::Unreachable(cairn_core::url::redact(&m)),
                QueryError::Failed(m) => QueryError::Failed(cairn_core::url::redact(&m)),
            });
            let sent = results.send(Inspected::Rows { query, result });
            if sent.is_err() {
                return;
            }
        }
        if !inspect {
            continue;
        }
        let (Some(t), Some(inspector)) = (&target, &drivers.inspect) else {
            continue;
        };
        let result =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| inspector(&t.url, &t.scope)))
                .unwrap_or_else(|_| Err("the inspection failed".to_string()))
                .map_err(|e| cairn_core::url::redact(&e));
        let sent = results.send(Inspected::Realm {
            generation: t.generation,
            result,
        });
        if sent.is_err() {
            return;
        }
    }
}
