//! Lowering SQL DDL into the IR by replaying statements, in file order, onto an empty `Realm`.
//!
//! `parse_file` splits a file (the `cairn-syntax` splitter) and parses each statement on its own,
//! so an error in one statement never hides the next; `replay` applies the parsed statements of
//! every file in order, the way a database would run them, and then checks what only the whole
//! schema can tell (foreign keys to tables that never appeared, serial columns written out as
//! sequences, roles that were granted to but never created).
//!
//! Conventions:
//! - Unqualified names land in the dialect's default schema: `public` (PostgreSQL), `main`
//!   (SQLite). MySQL has no default: an unqualified name lands in the schema named by the last
//!   `USE db` or `CREATE DATABASE db` before it, else in the schema named `""` (the empty string),
//!   which means "the URL's schema" to the consumers (the differ maps it onto the inspected one).
//! - Unquoted identifiers are folded with `Dialect::fold_unquoted`; quoted ones keep their text.
//! - Constraint names are kept as declared (`Some`) and `None` when the SQL gave none; index
//!   names, which the IR requires, take the dialect's implicit name (`Dialect::implicit_*`), and in
//!   SQLite `sqlite_autoindex_<table>_<n>` as SQLite itself names them.
//! - Serial columns: `serial`/`bigserial`/`smallserial` stay `PgType::Serial`... with no default
//!   and no sequence. pg_dump's spelling (integer column + `CREATE SEQUENCE t_c_seq` + `OWNED BY
//!   t.c` + `DEFAULT nextval('t_c_seq'::regclass)`) is folded back into the serial type when the
//!   sequence has default options. Identity columns are `Column::identity`, with no sequence.
//! - Defaults: plain literals (numbers, strings, booleans, NULL) are `Default::Literal`; every
//!   other expression (casts included) is `Default::Expr` in the source's spelling.
//! - Rename hints: a `renamed_from` directive (`-- atlas:renamed_from old`, `-- cairn:renamed_from
//!   old`, sqldef's `-- @renamed from=old`) above a `CREATE TABLE` renames the table; the same
//!   comment after a column definition inside the statement renames that column.
//!
//! Diagnostic codes (every diagnostic carries the statement's file and span, narrowed to the
//! offending name where it can be found):
//!
//! | code | severity | meaning |
//! |------|----------|---------|
//! | E101 | warning  | a statement the IR cannot represent; kept as `Unsupported` on its schema or realm |
//! | E102 | warning  | a statement that changes no schema (DML, `DO`, `SET`, transactions, ...): skipped |
//! | E103 | error    | a reference to a table (or view) that does not exist at that point |
//! | E104 | error    | a reference to a column that does not exist in its table |
//! | E105 | error    | an object created twice |
//! | E106 | error    | a foreign key to a table that no statement of the schema creates |
//! | E107 | error    | a reference to another object (index, constraint, sequence, type, policy, function, trigger, schema) that does not exist |
//! | E108 | warning  | an action of an otherwise lowered statement that the IR does not model: ignored |
//!
//! Parse errors keep the codes of `cairn-syntax` (E3xxx), with the file name filled in.

mod access;
mod aggregate;
mod alter;
mod objects;
mod sqlite;
mod table;
mod table_index;
mod text;
mod view_star;

use std::collections::BTreeSet;

use cairn_ir::{Dialect, ObjectPath, Realm, Role, Unsupported};
use cairn_syntax::sql::{self as syn, Directive, ParsedStatement, SplitOptions, SqlDialect};
use cairn_syntax::{Diagnostic, Span};
use sqlparser::ast;

use crate::db::Compiled;
use crate::source_map::SourceMap;

pub(crate) const E_UNSUPPORTED: &str = "E101";
pub(crate) const E_NO_SCHEMA_CHANGE: &str = "E102";
pub(crate) const E_UNKNOWN_TABLE: &str = "E103";
pub(crate) const E_UNKNOWN_COLUMN: &str = "E104";
pub(crate) const E_DUPLICATE: &str = "E105";
pub(crate) const E_DANGLING_FK: &str = "E106";
pub(crate) const E_UNKNOWN_OBJECT: &str = "E107";
pub(crate) const E_IGNORED_ACTION: &str = "E108";

/// What parsing one SQL file produced: its statements, each with its span, directives and parse
/// result, and the splitter's and parser's diagnostics.
#[derive(Clone, Debug, PartialEq)]
pub struct SqlFile {
    pub path: String,
    pub statements: Vec<SqlStatement>,
    pub diagnostics: Vec<Diagnostic>,
}

// The parse results hold no floating-point values, so equality is reflexive.
impl Eq for SqlFile {}

/// One statement of a file.
#[derive(Clone, Debug, PartialEq)]
pub struct SqlStatement {
    pub text: String,
    /// The byte range of `text` in the file.
    pub span: Span,
    pub directives: Vec<Directive>,
    pub parsed: ParsedStatement,
}

fn syntax_dialect(dialect: Dialect) -> (SqlDialect, SplitOptions) {
    match dialect {
        Dialect::Postgres => (SqlDialect::Postgres, SplitOptions::postgres()),
        Dialect::Mysql(_) => (SqlDialect::Mysql, SplitOptions::mysql()),
        Dialect::Sqlite => (SqlDialect::Sqlite, SplitOptions::sqlite()),
    }
}

/// Splits and parses one file. Never fails: a statement that does not parse is an error
/// diagnostic and the next statement is parsed as usual.
pub(crate) fn parse_file(path: &str, text: &str, dialect: Dialect) -> SqlFile {
    let (sql_dialect, opts) = syntax_dialect(dialect);
    let split = syn::split(text, opts);
    let mut diagnostics: Vec<Diagnostic> = split
        .diagnostics
        .into_iter()
        .map(|d| with_file(d, path))
        .collect();
    let statements: Vec<SqlStatement> = split
        .statements
        .into_iter()
        .map(|stmt| parse_statement(stmt, sql_dialect))
        .collect();
    for stmt in &statements {
        if let ParsedStatement::Error(d) = &stmt.parsed {
            diagnostics.push(with_file(d.clone(), path));
        }
    }
    SqlFile {
        path: path.to_string(),
        statements,
        diagnostics,
    }
}

fn parse_statement(stmt: syn::Statement, dialect: SqlDialect) -> SqlStatement {
    SqlStatement {
        parsed: syn::parse_statement(&stmt, dialect),
        text: stmt.text,
        span: stmt.span,
        directives: stmt.directives,
    }
}

/// Splits, parses and replays one file onto `r`: what `r.file(&parse_file(..))` does, with
/// the statements of a large file parsed on `threads` threads, a chunk at a time, while the
/// replay works through the chunks before. Each statement's syntax is dropped once replayed,
/// so the syntax of the whole file is never held at once. Statements parse independently, so
/// the result is the same as a sequential parse's.
pub(crate) fn replay_text(r: &mut Replay, path: &str, text: &str, threads: usize) {
    /// Below this many statements, threads cost more than they save.
    const MIN_STATEMENTS: usize = 512;
    /// Statements a worker parses before handing them over.
    const CHUNK: usize = 64;
    let (sql_dialect, opts) = syntax_dialect(r.dialect);
    let split = syn::split(text, opts);
    r.diagnostics
        .extend(split.diagnostics.into_iter().map(|d| with_file(d, path)));
    // The parse errors go before the replay's diagnostics of the file, as `Replay::file` has
    // them.
    let at = r.diagnostics.len();
    let mut parse_errors = Vec::new();
    let mut replay_one = |r: &mut Replay, stmt: SqlStatement| {
        if let ParsedStatement::Error(d) = &stmt.parsed {
            parse_errors.push(with_file(d.clone(), path));
        }
        r.statement_of(path, &stmt);
    };
    if threads < 2 || split.statements.len() < MIN_STATEMENTS {
        for stmt in split.statements {
            replay_one(r, parse_statement(stmt, sql_dialect));
        }
    } else {
        // Chunk i goes to worker i % workers; the replay takes the chunks in order, each from
        // its worker's channel, which holds one chunk ahead (bounded memory).
        let workers = threads;
        let mut chunks: Vec<Vec<Vec<syn::Statement>>> = (0..workers).map(|_| Vec::new()).collect();
        let mut rest = split.statements.into_iter();
        let mut i = 0;
        loop {
            let chunk: Vec<syn::Statement> = rest.by_ref().take(CHUNK).collect();
            if chunk.is_empty() {
                break;
            }
            chunks[i % workers].push(chunk);
            i += 1;
        }
        let total = i;
        std::thread::scope(|s| {
            let receivers: Vec<_> = chunks
                .into_iter()
                .map(|mine| {
                    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<SqlStatement>>(1);
                    s.spawn(move || {
                        for chunk in mine {
                            let parsed = chunk
                                .into_iter()
                                .map(|stmt| parse_statement(stmt, sql_dialect))
                                .collect();
                            if tx.send(parsed).is_err() {
                                return;
                            }
                        }
                    });
                    rx
                })
                .collect();
            for i in 0..total {
                // A worker that panicked drops its sender: its panic is resumed by the scope.
                let Ok(chunk) = receivers[i % workers].recv() else {
                    break;
                };
                for stmt in chunk {
                    replay_one(r, stmt);
                }
            }
        });
    }
    r.diagnostics.splice(at..at, parse_errors);
}

fn with_file(mut d: Diagnostic, path: &str) -> Diagnostic {
    if d.file.is_empty() {
        d.file = path.to_string();
    }
    for l in &mut d.labels {
        if l.file.is_empty() {
            l.file = path.to_string();
        }
    }
    if let Some(s) = &mut d.suggestion
        && s.file.is_empty()
    {
        s.file = path.to_string();
    }
    d
}

/// Replays the statements of `files`, in order, into one realm.
pub(crate) fn replay(files: &[&SqlFile], dialect: Dialect) -> Compiled {
    let mut r = Replay::new(dialect);
    for file in files {
        r.file(file);
    }
    r.finish()
}

/// The state of a replay: the realm so far, where the current statement is, and what the final
/// checks need.
#[derive(Clone)]
pub(crate) struct Replay {
    pub dialect: Dialect,
    pub realm: Realm,
    pub source_map: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    /// The schema unqualified names land in.
    pub current_schema: String,
    pub file: String,
    pub stmt_text: String,
    pub stmt_span: Span,
    pub directives: Vec<Directive>,
    /// Roles that grants, memberships and policies name, in order of first mention.
    pub mentioned_roles: Vec<String>,
    pub created_roles: BTreeSet<String>,
    /// Schemas a `CREATE SCHEMA` (or MySQL `CREATE DATABASE`) created, as opposed to schemas
    /// only named by a qualified object so far.
    pub created_schemas: BTreeSet<String>,
    /// Where each table sits in its schema, by name (see `table_index`).
    pub(crate) table_index: table_index::TableIndex,
}

impl Replay {
    pub(crate) fn new(dialect: Dialect) -> Replay {
        Replay {
            dialect,
            realm: Realm::new(dialect),
            source_map: SourceMap::default(),
            diagnostics: Vec::new(),
            current_schema: dialect.default_schema().unwrap_or("").to_string(),
            file: String::new(),
            stmt_text: String::new(),
            stmt_span: Span::default(),
            directives: Vec::new(),
            mentioned_roles: Vec::new(),
            created_roles: BTreeSet::new(),
            created_schemas: BTreeSet::new(),
            table_index: table_index::TableIndex::default(),
        }
    }

    /// Replays the statements of one file.
    pub(crate) fn file(&mut self, file: &SqlFile) {
        self.diagnostics.extend(file.diagnostics.iter().cloned());
        for stmt in &file.statements {
            self.statement_of(&file.path, stmt);
        }
    }

    /// Replays one statement of the file at `path`.
    fn statement_of(&mut self, path: &str, stmt: &SqlStatement) {
        // `clone_from` reuses the buffers of the statement before.
        if self.file != path {
            self.file.clear();
            self.file.push_str(path);
        }
        self.stmt_text.clone_from(&stmt.text);
        self.stmt_span = stmt.span;
        self.directives.clone_from(&stmt.directives);
        self.statement(&stmt.parsed);
    }

    pub(crate) fn finish(mut self) -> Compiled {
        self.fold_serials();
        // `REFERENCES t` without columns names t's primary key (SQLite and PostgreSQL).
        if matches!(self.dialect, Dialect::Sqlite | Dialect::Postgres) {
            self.sqlite_implicit_ref_columns();
        }
        self.check_foreign_keys();
        self.add_external_roles();
        Compiled {
            realm: self.realm,
            source_map: self.source_map,
            diagnostics: self.diagnostics,
            origins: Default::default(),
        }
    }

    fn statement(&mut self, parsed: &ParsedStatement) {
        match parsed {
            ParsedStatement::Ast(s) => self.ast_statement(s, &[]),
            ParsedStatement::Extra(e) => self.extra_statement(e),
            ParsedStatement::Skipped { reason } => {
                if !reason.starts_with("no statement") {
                    let span = self.stmt_span;
                    self.warn(
                        E_NO_SCHEMA_CHANGE,
                        span,
                        format!("{reason} changes no schema: skipped"),
                    );
                }
            }
            // Already reported by `parse_file`.
            ParsedStatement::Error(_) => {}
        }
    }

    // ---- diagnostics ----

    pub fn error(&mut self, code: &str, span: Span, message: impl Into<String>) {
        let d = Diagnostic::error(code, &self.file, span, message);
        self.diagnostics.push(d);
    }

    pub fn warn(&mut self, code: &str, span: Span, message: impl Into<String>) {
        let d = Diagnostic::warning(code, &self.file, span, message);
        self.diagnostics.push(d);
    }

    /// Keeps a statement the IR cannot represent, on its schema (or on the realm), and warns.
    pub fn unsupported(&mut self, kind: &str, schema: Option<&str>, name: Option<String>) {
        let what = match &name {
            Some(n) => format!("{kind} {n}"),
            None => kind.to_string(),
        };
        let span = self.stmt_span;
        self.warn(
            E_UNSUPPORTED,
            span,
            format!("{what} cannot be represented in the schema model and is kept as unsupported"),
        );
        let u = Unsupported {
            kind: kind.to_string(),
            name,
            raw: self.stmt_text.clone(),
        };
        match schema {
            Some(s) => self.realm.schema_or_insert(s).unsupported.push(u),
            None => self.realm.unsupported.push(u),
        }
    }

    pub fn no_schema_change(&mut self, what: &str) {
        let span = self.stmt_span;
        self.warn(
            E_NO_SCHEMA_CHANGE,
            span,
            format!("{what} changes no schema: skipped"),
        );
    }

    pub fn map(&mut self, path: ObjectPath, span: Span) {
        let file = self.file.clone();
        self.source_map.insert(path, &file, span);
    }

    // ---- names ----

    pub fn ident(&self, i: &ast::Ident) -> String {
        if i.quote_style.is_some() {
            i.value.clone()
        } else {
            self.dialect.fold_unquoted(&i.value)
        }
    }

    pub fn xident(&self, i: &syn::Ident) -> String {
        if i.quoted {
            i.value.clone()
        } else {
            self.dialect.fold_unquoted(&i.value)
        }
    }

    /// `(schema, name)` of a possibly qualified name.
    pub fn qname(&self, n: &ast::ObjectName) -> (String, String) {
        let parts: Vec<&ast::Ident> = n.0.iter().filter_map(|p| p.as_ident()).collect();
        match parts.as_slice() {
            [] => (self.current_schema.clone(), String::new()),
            [name] => (self.current_schema.clone(), self.ident(name)),
            [.., schema, name] => (self.ident(schema), self.ident(name)),
        }
    }

    pub fn xqname(&self, n: &syn::ObjectName) -> (String, String) {
        let name = self.xident(n.name());
        match n.qualifier() {
            Some(q) => (self.xident(q), name),
            None => (self.current_schema.clone(), name),
        }
    }

    /// The span of a sqlparser identifier in the file, or the statement's when it has none.
    pub fn ident_span(&self, i: &ast::Ident) -> Span {
        text::location_span(&self.stmt_text, self.stmt_span, i.span).unwrap_or(self.stmt_span)
    }

    pub fn name_span(&self, n: &ast::ObjectName) -> Span {
        let spans: Vec<Span> =
            n.0.iter()
                .filter_map(|p| p.as_ident())
                .filter_map(|i| text::location_span(&self.stmt_text, self.stmt_span, i.span))
                .collect();
        match (spans.first(), spans.last()) {
            (Some(a), Some(b)) => a.cover(*b),
            _ => self.find_span(&n.to_string()),
        }
    }

    /// The span of the first occurrence of `needle` in the statement (outside comments and
    /// strings where possible), or the statement's span.
    pub fn find_span(&self, needle: &str) -> Span {
        text::find_word(&self.stmt_text, needle)
            .map(|(s, e)| {
                Span::new(
                    self.stmt_span.start as usize + s,
                    self.stmt_span.start as usize + e,
                )
            })
            .unwrap_or(self.stmt_span)
    }

    pub fn mention_role(&mut self, name: &str) {
        let upper = name.to_ascii_uppercase();
        if matches!(
            upper.as_str(),
            "PUBLIC" | "CURRENT_USER" | "CURRENT_ROLE" | "SESSION_USER"
        ) {
            return;
        }
        if !self.mentioned_roles.iter().any(|r| r == name) {
            self.mentioned_roles.push(name.to_string());
        }
    }

    fn add_external_roles(&mut self) {
        for name in std::mem::take(&mut self.mentioned_roles) {
            if self.realm.role(&name).is_none() {
                let mut role = Role::new(&name);
                role.external = true;
                self.realm.roles.push(role);
            }
        }
    }

    /// The table-level rename hint of the current statement (from its leading comments).
    pub fn leading_renamed_from(&self) -> Option<String> {
        self.directives
            .iter()
            .filter(|d| d.span.start < self.stmt_span.start)
            .find_map(|d| d.renamed_from())
    }

    // ---- dispatch ----

    fn ast_statement(&mut self, s: &ast::Statement, clauses: &[syn::TableClause]) {
        use ast::Statement as S;
        match s {
            S::CreateTable(ct) => self.create_table(ct, clauses),
            S::AlterTable(at) => self.alter_table(at, clauses),
            S::CreateIndex(ci) => self.create_index(ci),
            S::Drop {
                object_type,
                if_exists,
                names,
                table,
                ..
            } => self.drop(*object_type, *if_exists, names, table.as_ref()),
            S::CreateView(v) => self.create_view(v, None, None),
            S::CreateFunction(f) => self.create_function(f),
            S::CreateProcedure { name, .. } => {
                let (schema, n) = self.qname(name);
                self.unsupported("procedure", Some(&schema), Some(n));
            }
            S::CreateTrigger(t) => self.create_trigger(t, &[]),
            S::DropTrigger(t) => self.drop_trigger(t),
            S::DropFunction(f) => self.drop_functions(&f.func_desc, f.if_exists, false),
            S::DropProcedure {
                if_exists,
                proc_desc,
                ..
            } => self.drop_functions(proc_desc, *if_exists, true),
            S::CreateSequence {
                name,
                if_not_exists,
                data_type,
                sequence_options,
                owned_by,
                ..
            } => self.create_sequence_ast(
                name,
                *if_not_exists,
                data_type.as_ref(),
                sequence_options,
                owned_by.as_ref(),
            ),
            S::CreateType {
                name,
                representation,
            } => self.create_type(name, representation.as_ref()),
            S::AlterType(t) => self.alter_type(t),
            S::CreateDomain(d) => self.create_domain_ast(d),
            S::DropDomain(d) => {
                let (schema, n) = self.qname(&d.name);
                self.drop_named(ObjectKindRef::Domain, &schema, &n, d.if_exists);
            }
            S::CreateExtension(e) => self.create_extension(e),
            S::DropExtension(e) => {
                for n in &e.names {
                    let name = self.ident(n);
                    self.drop_extension(&name, e.if_exists);
                }
            }
            S::CreateSchema {
                schema_name,
                if_not_exists,
                ..
            } => self.create_schema(schema_name, *if_not_exists),
            S::CreateDatabase {
                db_name,
                if_not_exists,
                default_charset,
                default_collation,
                ..
            } => self.create_database(db_name, *if_not_exists, default_charset, default_collation),
            S::Use(u) => self.use_schema(u),
            S::Comment {
                object_type,
                object_name,
                comment,
                ..
            } => self.comment_on_ast(*object_type, object_name, comment.clone()),
            S::CreateRole(r) => self.create_role(r),
            S::AlterRole { name, operation } => self.alter_role(name, operation),
            S::Grant(g) => self.grant_ast(g),
            S::Revoke(r) => self.revoke_ast(r),
            S::CreatePolicy(p) => self.create_policy(p),
            S::AlterPolicy(p) => self.alter_policy(p),
            S::DropPolicy(p) => self.drop_policy(p),
            S::RenameTable(rs) => {
                for r in rs {
                    self.rename_table(&r.old_name, &r.new_name);
                }
            }
            S::Query(_)
            | S::Insert(_)
            | S::Update(_)
            | S::Delete(_)
            | S::Merge(_)
            | S::Copy { .. }
            | S::Truncate(_) => self.no_schema_change("a data statement"),
            S::StartTransaction { .. }
            | S::Commit { .. }
            | S::Rollback { .. }
            | S::Savepoint { .. }
            | S::ReleaseSavepoint { .. } => self.no_schema_change("a transaction statement"),
            S::Set(_) | S::Pragma { .. } | S::Reset(_) => {
                self.no_schema_change("a session setting")
            }
            S::Analyze(_) | S::Vacuum(_) | S::Call(_) | S::Execute { .. } => {
                self.no_schema_change("a maintenance or call statement")
            }
            // Kept whole, as the SQLite inspector keeps it.
            S::CreateVirtualTable { name, .. } if self.dialect == Dialect::Sqlite => {
                let (schema, n) = self.qname(name);
                self.unsupported("virtual_table", Some(&schema), Some(n));
            }
            other => {
                let kind = text::statement_kind(&self.stmt_text);
                let _ = other;
                let schema = self.current_schema.clone();
                self.unsupported(&kind, Some(&schema), None);
            }
        }
    }

    fn extra_statement(&mut self, e: &syn::ExtraStatement) {
        use syn::ExtraStatement as X;
        match e {
            X::CreateSequence {
                name,
                if_not_exists,
                options,
                ..
            } => self.create_sequence_extra(name, *if_not_exists, options),
            X::AlterSequence {
                name,
                if_exists,
                options,
            } => self.alter_sequence(name, *if_exists, options),
            X::AddIdentity {
                table,
                column,
                kind,
                options,
                ..
            } => self.add_identity(table, column, *kind, options),
            X::CreateDomain { .. } => self.create_domain_extra(e),
            X::GrantRole {
                roles, grantees, ..
            } => self.grant_roles(roles, grantees),
            X::RevokeRole {
                roles, grantees, ..
            } => self.revoke_roles(roles, grantees),
            X::Grant(g) => self.grant_extra(g, true),
            X::Revoke(g) => self.grant_extra(g, false),
            X::AlterDefaultPrivileges { .. } => self.alter_default_privileges(e),
            X::AttachPartition {
                table,
                partition,
                bound,
                ..
            } => self.attach_partition(table, partition, bound),
            X::DetachPartition {
                table, partition, ..
            } => self.detach_partition(table, partition),
            // The per-partition index is part of the partition; the parent's index stands.
            X::AttachIndexPartition { .. } => {}
            X::CreateIndex { index, .. } => {
                if let ast::Statement::CreateIndex(ci) = index.as_ref() {
                    self.create_index(ci);
                }
            }
            X::DropIndex {
                names, if_exists, ..
            } => {
                for n in names {
                    let (schema, name) = self.xqname(n);
                    let span = n.span();
                    self.drop_index(&schema, &name, None, *if_exists, span);
                }
            }
            X::CreateView {
                view,
                with_data,
                check_option,
            } => {
                if let ast::Statement::CreateView(v) = view.as_ref() {
                    self.create_view(v, *with_data, *check_option);
                }
            }
            X::AlterOwner {
                object_kind,
                name,
                owner,
                ..
            } => self.alter_owner(object_kind, name, owner),
            X::CreateRoutine { .. } => self.create_routine_extra(e),
            X::MysqlRoutine(r) => self.create_mysql_routine(r),
            X::MysqlCreateUser {
                or_replace,
                if_not_exists,
                users,
                max_user_connections,
            } => self.create_mysql_users(*or_replace, *if_not_exists, users, *max_user_connections),
            X::CommentOn { .. } => self.comment_on_extra(e),
            X::Do { .. } => self.no_schema_change("a DO block"),
            X::TableWithClauses { statement, clauses } => self.ast_statement(statement, clauses),
            X::CreateTrigger { trigger, args } => {
                if let ast::Statement::CreateTrigger(t) = trigger.as_ref() {
                    self.create_trigger(t, args);
                }
            }
            X::Other { command, name } => self.other_statement(command, name.as_ref()),
        }
    }
}

/// The schema-level object kinds `drop_named` knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ObjectKindRef {
    View,
    MaterializedView,
    Sequence,
    Type,
    Domain,
}
