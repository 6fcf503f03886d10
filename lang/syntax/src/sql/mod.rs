//! SQL: the statement splitter (Atlas-compatible), directives, and statement parsing
//! (sqlparser first, a targeted parser for the PostgreSQL forms it lacks, and a second
//! sqlparser attempt with the table and trigger clauses it rejects taken out).

mod clauses;
mod directive;
mod extra;
mod lex;
mod parse;
mod split;
mod sqlite;

pub use clauses::TableClause;
pub use directive::{ATLAS_DIRECTIVES, Directive, DirectiveNamespace, parse_comment};
pub use extra::{
    DefaultObjectKind, DomainCheck, ExtraStatement, GrantObject, GrantObjectKind, Ident,
    IdentityKind, MysqlRoutine, ObjectName, OwnedBy, PartitionBound, Privilege, PrivilegeGrant,
    RoutineArg, RoutineBody, SequenceOptions, ViewCheckOption,
};
pub use parse::{ParsedStatement, SqlDialect, parse_statement};
pub use split::{SplitFile, SplitOptions, Statement, split};
pub use sqlite::{
    SqliteDialect, SqliteTrigger, SqliteTriggerEvent, SqliteTriggerTiming, parse_sqlite_trigger,
    sqlite_token_text,
};
