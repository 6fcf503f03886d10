//! The live-database baseline of the plan preview: one worker thread inspects the database the
//! project file names, off the main loop (the salsa database stays on its thread; the worker only
//! sends back a `Realm`). It inspects when told (a new target, `cairn.refreshBaseline`, a save)
//! and every `refresh` interval; the main loop caches the last realm.
//!
//! The inspection itself is the caller's (`cairn lsp` passes the CLI's drivers), so this crate
//! knows no database client. Messages never hold a password: URLs are shown redacted.

use std::sync::Arc;
use std::time::Duration;

use cairn_core::InspectOptions;
use cairn_ir::Realm;
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};

/// Inspects the database a URL names, within a scope; blocking. An error is a message.
pub type Inspector = Arc<dyn Fn(&str, &InspectOptions) -> Result<Realm, String> + Send + Sync>;

/// What the worker inspects, tagged so a result of an older target is dropped.
#[derive(Clone)]
pub(crate) struct Target {
    pub generation: u64,
    pub url: String,
    pub scope: InspectOptions,
}

enum Job {
    Set(Target),
    Refresh,
}

/// One inspection's outcome.
pub(crate) struct Inspected {
    pub generation: u64,
    pub result: Result<Realm, String>,
}

/// The handle the main loop keeps: jobs go in; results come out on the server's channel.
pub(crate) struct Worker {
    jobs: Sender<Job>,
}

impl Worker {
    /// Starts the worker thread; it ends when the handle is dropped.
    pub(crate) fn start(
        inspector: Inspector,
        refresh: Option<Duration>,
        results: Sender<Inspected>,
    ) -> Worker {
        let (jobs, rx) = crossbeam_channel::unbounded();
        std::thread::Builder::new()
            .name("cairn-baseline".into())
            .spawn(move || run(inspector, refresh, rx, results))
            .expect("spawn the baseline thread");
        Worker { jobs }
    }

    pub(crate) fn set(&self, target: Target) {
        let _ = self.jobs.send(Job::Set(target));
    }

    pub(crate) fn refresh(&self) {
        let _ = self.jobs.send(Job::Refresh);
    }
}

fn run(
    inspector: Inspector,
    refresh: Option<Duration>,
    jobs: Receiver<Job>,
    results: Sender<Inspected>,
) {
    let mut target: Option<Target> = None;
    loop {
        let job = match refresh {
            Some(every) if target.is_some() => jobs.recv_timeout(every),
            _ => jobs.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        match job {
            Ok(Job::Set(t)) => target = Some(t),
            Ok(Job::Refresh) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        // Jobs queued meanwhile are folded into this one inspection.
        for j in jobs.try_iter() {
            if let Job::Set(t) = j {
                target = Some(t);
            }
        }
        let Some(t) = &target else { continue };
        let result =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| inspector(&t.url, &t.scope)))
                .unwrap_or_else(|_| Err("the inspection failed".to_string()))
                .map_err(|e| cairn_core::url::redact(&e));
        let sent = results.send(Inspected {
            generation: t.generation,
            result,
        });
        if sent.is_err() {
            return;
        }
    }
}
