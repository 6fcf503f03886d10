//! The versioned workflow's core: migration directories, `atlas.sum`, the revisions table and
//! the executor.

pub mod dir;
pub mod down;
pub mod executor;
pub mod formats;
pub mod in_doubt;
pub mod revisions;
pub mod sum;

pub use dir::{DirError, DirFormat, LocalDir, MigrationFile, new_version};
pub use down::{DownTarget, RenameHint, RevertReport, down_target, revert, rows_present};
pub use executor::{
    AppliedFile, ApplyOptions, ApplyReport, ApplyReporter, ExecOrder, MigrateError, PendingFile,
    StatusReport, TxMode, apply, set_version, status,
};
pub use revisions::{Revision, RevisionTable, operator_version, statement_hashes};
pub use sum::{HashFile, MismatchReason, SUM_FILE, SumError, validate};
