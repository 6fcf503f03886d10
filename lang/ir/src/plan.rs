//! The plan model: typed changes between two realms, as the differ computes them and as `on
//! plan` rules read them. Every change names the object it touches by a qualified path and carries
//! the objects on each side, so rules can compare before and after without re-parsing SQL.

use crate::{
    Check, Column, DefaultPrivilege, Domain, Enum, Exclude, Extension, ForeignKey, Function, Ident,
    Index, Permission, Policy, PrimaryKey, Role, RowSecurity, Sequence, Table, Trigger,
    Unsupported, View,
};

/// A table addressed by schema and name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TableRef {
    pub schema: Ident,
    pub name: Ident,
}

impl TableRef {
    pub fn new(schema: &str, name: &str) -> TableRef {
        TableRef {
            schema: schema.to_string(),
            name: name.to_string(),
        }
    }

    pub fn display(&self) -> String {
        format!("{}.{}", self.schema, self.name)
    }
}

/// What changed between two versions of a column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ColumnChanges {
    pub ty: bool,
    pub nullable: bool,
    pub default: bool,
    pub identity: bool,
    pub generated: bool,
    pub collation: bool,
    pub comment: bool,
    pub auto_increment: bool,
    /// Dialect-specific attributes (MySQL charset, ON UPDATE, invisible...).
    pub ext: bool,
}

impl ColumnChanges {
    pub fn any(&self) -> bool {
        self.ty
            || self.nullable
            || self.default
            || self.identity
            || self.generated
            || self.collation
            || self.comment
            || self.auto_increment
            || self.ext
    }

    /// The names of what changed, for messages and the rules language's `changed` field.
    pub fn names(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        let mut add = |b: bool, n: &'static str| {
            if b {
                v.push(n)
            }
        };
        add(self.ty, "type");
        add(self.nullable, "nullable");
        add(self.default, "default");
        add(self.identity, "identity");
        add(self.generated, "generated");
        add(self.collation, "collation");
        add(self.comment, "comment");
        add(self.auto_increment, "auto_increment");
        add(self.ext, "options");
        v
    }
}

/// One typed change. Drops carry the dropped object (rules and hazards need it); modifications
/// carry both sides. (Plans hold few changes, so variants keep their objects inline rather than
/// boxed.)
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)]
pub enum Change {
    AddSchema {
        name: Ident,
        comment: Option<String>,
    },
    DropSchema {
        name: Ident,
    },
    ModifySchema {
        name: Ident,
        comment: Option<String>,
        charset: Option<String>,
        collation: Option<String>,
    },

    AddTable {
        table: TableRef,
        def: Table,
    },
    DropTable {
        table: TableRef,
        def: Table,
    },
    RenameTable {
        from: TableRef,
        to: TableRef,
    },
    /// Table-level attributes: comment, dialect options, partitioning of an existing table.
    ModifyTable {
        table: TableRef,
        before: Table,
        after: Table,
    },
    SetRowSecurity {
        table: TableRef,
        before: RowSecurity,
        after: RowSecurity,
    },

    AddColumn {
        table: TableRef,
        column: Column,
    },
    DropColumn {
        table: TableRef,
        column: Column,
    },
    RenameColumn {
        table: TableRef,
        from: Ident,
        to: Ident,
    },
    ModifyColumn {
        table: TableRef,
        before: Column,
        after: Column,
        changed: ColumnChanges,
    },

    AddIndex {
        table: TableRef,
        index: Index,
    },
    DropIndex {
        table: TableRef,
        index: Index,
    },
    RenameIndex {
        table: TableRef,
        from: Ident,
        to: Ident,
    },

    AddPrimaryKey {
        table: TableRef,
        key: PrimaryKey,
    },
    DropPrimaryKey {
        table: TableRef,
        key: PrimaryKey,
    },

    AddForeignKey {
        table: TableRef,
        fk: ForeignKey,
    },
    DropForeignKey {
        table: TableRef,
        fk: ForeignKey,
    },

    AddCheck {
        table: TableRef,
        check: Check,
    },
    DropCheck {
        table: TableRef,
        check: Check,
    },
    /// PostgreSQL `ALTER TABLE ... VALIDATE CONSTRAINT`: a check added `NOT VALID` is to be
    /// validated (`check` is the desired one).
    ValidateCheck {
        table: TableRef,
        check: Check,
    },
    /// The same for a foreign key added `NOT VALID`.
    ValidateForeignKey {
        table: TableRef,
        fk: ForeignKey,
    },

    AddExclude {
        table: TableRef,
        exclude: Exclude,
    },
    DropExclude {
        table: TableRef,
        exclude: Exclude,
    },

    AddTrigger {
        table: TableRef,
        trigger: Trigger,
    },
    DropTrigger {
        table: TableRef,
        trigger: Trigger,
    },

    AddPolicy {
        table: TableRef,
        policy: Policy,
    },
    DropPolicy {
        table: TableRef,
        policy: Policy,
    },
    ModifyPolicy {
        table: TableRef,
        before: Policy,
        after: Policy,
    },

    AddView {
        schema: Ident,
        view: View,
        materialized: bool,
    },
    DropView {
        schema: Ident,
        view: View,
        materialized: bool,
    },
    /// A view whose definition or options changed (replaced in place where the dialect can).
    ModifyView {
        schema: Ident,
        before: View,
        after: View,
        materialized: bool,
    },

    AddFunction {
        schema: Ident,
        function: Function,
        procedure: bool,
    },
    DropFunction {
        schema: Ident,
        function: Function,
        procedure: bool,
    },
    ModifyFunction {
        schema: Ident,
        before: Function,
        after: Function,
        procedure: bool,
    },

    AddSequence {
        schema: Ident,
        sequence: Sequence,
    },
    DropSequence {
        schema: Ident,
        sequence: Sequence,
    },
    ModifySequence {
        schema: Ident,
        before: Sequence,
        after: Sequence,
    },

    AddEnum {
        schema: Ident,
        def: Enum,
    },
    DropEnum {
        schema: Ident,
        def: Enum,
    },
    /// A value added to an existing enum; `before` is the value it is inserted before, `None`
    /// when appended.
    AddEnumValue {
        schema: Ident,
        name: Ident,
        value: String,
        before: Option<String>,
    },
    /// Any other enum change (values removed or reordered): the type must be recreated.
    ModifyEnum {
        schema: Ident,
        before: Enum,
        after: Enum,
    },

    AddDomain {
        schema: Ident,
        def: Domain,
    },
    DropDomain {
        schema: Ident,
        def: Domain,
    },
    ModifyDomain {
        schema: Ident,
        before: Domain,
        after: Domain,
    },

    AddExtension {
        schema: Ident,
        def: Extension,
    },
    DropExtension {
        schema: Ident,
        def: Extension,
    },

    AddRole {
        role: Role,
    },
    DropRole {
        role: Role,
    },
    ModifyRole {
        before: Role,
        after: Role,
    },
    Grant {
        permission: Permission,
    },
    /// Revokes `permission`'s privileges (and with them their grant option), or with
    /// `grant_option` only the right to grant them on (`REVOKE GRANT OPTION FOR`).
    Revoke {
        permission: Permission,
        grant_option: bool,
    },
    AddDefaultPrivilege {
        def: DefaultPrivilege,
    },
    DropDefaultPrivilege {
        def: DefaultPrivilege,
    },

    /// MySQL/MariaDB events, kept whole as their `CREATE EVENT` statement (`kind == "event"`).
    AddEvent {
        schema: Ident,
        event: Unsupported,
    },
    DropEvent {
        schema: Ident,
        event: Unsupported,
    },
    /// An event whose schedule, completion, status, comment or body changed (`ALTER EVENT`).
    ModifyEvent {
        schema: Ident,
        before: Unsupported,
        after: Unsupported,
    },
}

impl Change {
    /// The kind, as the rules language names it (`c is drop_column`).
    pub fn kind(&self) -> &'static str {
        use Change::*;
        match self {
            AddSchema { .. } => "add_schema",
            DropSchema { .. } => "drop_schema",
            ModifySchema { .. } => "modify_schema",
            AddTable { .. } => "add_table",
            DropTable { .. } => "drop_table",
            RenameTable { .. } => "rename_table",
            ModifyTable { .. } => "modify_table",
            SetRowSecurity { after, .. } if after.enabled => "enable_rls",
            SetRowSecurity { .. } => "disable_rls",
            AddColumn { .. } => "add_column",
            DropColumn { .. } => "drop_column",
            RenameColumn { .. } => "rename_column",
            ModifyColumn { .. } => "modify_column",
            AddIndex { .. } => "add_index",
            DropIndex { .. } => "drop_index",
            RenameIndex { .. } => "rename_index",
            AddPrimaryKey { .. } => "add_primary_key",
            DropPrimaryKey { .. } => "drop_primary_key",
            AddForeignKey { .. } => "add_foreign_key",
            DropForeignKey { .. } => "drop_foreign_key",
            AddCheck { .. } => "add_check",
            DropCheck { .. } => "drop_check",
            ValidateCheck { .. } => "validate_check",
            ValidateForeignKey { .. } => "validate_foreign_key",
            AddExclude { .. } => "add_exclude",
            DropExclude { .. } => "drop_exclude",
            AddTrigger { .. } => "add_trigger",
            DropTrigger { .. } => "drop_trigger",
            AddPolicy { .. } => "add_policy",
            DropPolicy { .. } => "drop_policy",
            ModifyPolicy { .. } => "modify_policy",
            AddView {
                materialized: false,
                ..
            } => "add_view",
            AddView { .. } => "add_materialized_view",
            DropView {
                materialized: false,
                ..
            } => "drop_view",
            DropView { .. } => "drop_materialized_view",
            ModifyView {
                materialized: false,
                ..
            } => "modify_view",
            ModifyView { .. } => "modify_materialized_view",
            AddFunction {
                procedure: false, ..
            } => "add_function",
            AddFunction { .. } => "add_procedure",
            DropFunction {
                procedure: false, ..
            } => "drop_function",
            DropFunction { .. } => "drop_procedure",
            ModifyFunction {
                procedure: false, ..
            } => "modify_function",
            ModifyFunction { .. } => "modify_procedure",
            AddSequence { .. } => "add_sequence",
            DropSequence { .. } => "drop_sequence",
            ModifySequence { .. } => "modify_sequence",
            AddEnum { .. } => "add_enum",
            DropEnum { .. } => "drop_enum",
            AddEnumValue { .. } => "add_enum_value",
            ModifyEnum { .. } => "modify_enum",
            AddDomain { .. } => "add_domain",
            DropDomain { .. } => "drop_domain",
            ModifyDomain { .. } => "modify_domain",
            AddExtension { .. } => "add_extension",
            DropExtension { .. } => "drop_extension",
            AddRole { .. } => "add_role",
            DropRole { .. } => "drop_role",
            ModifyRole { .. } => "modify_role",
            Grant { .. } => "grant",
            Revoke { .. } => "revoke",
            AddDefaultPrivilege { .. } => "add_default_privilege",
            DropDefaultPrivilege { .. } => "drop_default_privilege",
            AddEvent { .. } => "add_event",
            DropEvent { .. } => "drop_event",
            ModifyEvent { .. } => "modify_event",
        }
    }

    /// The table the change touches, if any.
    pub fn table(&self) -> Option<&TableRef> {
        use Change::*;
        match self {
            AddTable { table, .. }
            | DropTable { table, .. }
            | ModifyTable { table, .. }
            | SetRowSecurity { table, .. }
            | AddColumn { table, .. }
            | DropColumn { table, .. }
            | RenameColumn { table, .. }
            | ModifyColumn { table, .. }
            | AddIndex { table, .. }
            | DropIndex { table, .. }
            | RenameIndex { table, .. }
            | AddPrimaryKey { table, .. }
            | DropPrimaryKey { table, .. }
            | AddForeignKey { table, .. }
            | DropForeignKey { table, .. }
            | AddCheck { table, .. }
            | DropCheck { table, .. }
            | ValidateCheck { table, .. }
            | ValidateForeignKey { table, .. }
            | AddExclude { table, .. }
            | DropExclude { table, .. }
            | AddTrigger { table, .. }
            | DropTrigger { table, .. }
            | AddPolicy { table, .. }
            | DropPolicy { table, .. }
            | ModifyPolicy { table, .. } => Some(table),
            RenameTable { to, .. } => Some(to),
            _ => None,
        }
    }

    /// Whether the change deletes data: a dropped schema, table or column (the DS family).
    pub fn is_destructive(&self) -> bool {
        matches!(
            self,
            Change::DropSchema { .. } | Change::DropTable { .. } | Change::DropColumn { .. }
        )
    }

    /// A one-line summary for plans and messages: `drop column users.email`.
    pub fn summary(&self) -> String {
        use Change::*;
        let t = |r: &TableRef| r.display();
        match self {
            AddSchema { name, .. } => format!("add schema {name}"),
            DropSchema { name } => format!("drop schema {name}"),
            ModifySchema { name, .. } => format!("modify schema {name}"),
            AddTable { table, .. } => format!("add table {}", t(table)),
            DropTable { table, .. } => format!("drop table {}", t(table)),
            RenameTable { from, to } => format!("rename table {} to {}", t(from), to.name),
            ModifyTable { table, .. } => format!("modify table {}", t(table)),
            SetRowSecurity { table, after, .. } => format!(
                "{} row-level security on {}",
                if after.enabled { "enable" } else { "disable" },
                t(table)
            ),
            AddColumn { table, column } => format!("add column {}.{}", t(table), column.name),
            DropColumn { table, column } => format!("drop column {}.{}", t(table), column.name),
            RenameColumn { table, from, to } => {
                format!("rename column {}.{from} to {to}", t(table))
            }
            ModifyColumn {
                table,
                after,
                changed,
                ..
            } => format!(
                "modify column {}.{} ({})",
                t(table),
                after.name,
                changed.names().join(", ")
            ),
            AddIndex { table, index } => format!("add index {} on {}", index.name, t(table)),
            DropIndex { table, index } => format!("drop index {} on {}", index.name, t(table)),
            RenameIndex { table, from, to } => {
                format!("rename index {from} to {to} on {}", t(table))
            }
            AddPrimaryKey { table, .. } => format!("add primary key on {}", t(table)),
            DropPrimaryKey { table, .. } => format!("drop primary key on {}", t(table)),
            AddForeignKey { table, fk } => format!(
                "add foreign key {} on {}",
                fk.name.as_deref().unwrap_or(&fk.columns.join(",")),
                t(table)
            ),
            DropForeignKey { table, fk } => format!(
                "drop foreign key {} on {}",
                fk.name.as_deref().unwrap_or(&fk.columns.join(",")),
                t(table)
            ),
            AddCheck { table, check } => format!(
                "add check {} on {}",
                check.name.as_deref().unwrap_or(check.expr.as_str()),
                t(table)
            ),
            DropCheck { table, check } => format!(
                "drop check {} on {}",
                check.name.as_deref().unwrap_or(check.expr.as_str()),
                t(table)
            ),
            ValidateCheck { table, check } => format!(
                "validate check {} on {}",
                check.name.as_deref().unwrap_or(check.expr.as_str()),
                t(table)
            ),
            ValidateForeignKey { table, fk } => format!(
                "validate foreign key {} on {}",
                fk.name.as_deref().unwrap_or(&fk.columns.join(",")),
                t(table)
            ),
            AddExclude { table, .. } => format!("add exclusion constraint on {}", t(table)),
            DropExclude { table, .. } => format!("drop exclusion constraint on {}", t(table)),
            AddTrigger { table, trigger } => {
                format!("add trigger {} on {}", trigger.name, t(table))
            }
            DropTrigger { table, trigger } => {
                format!("drop trigger {} on {}", trigger.name, t(table))
            }
            AddPolicy { table, policy } => format!("add policy {} on {}", policy.name, t(table)),
            DropPolicy { table, policy } => format!("drop policy {} on {}", policy.name, t(table)),
            ModifyPolicy { table, after, .. } => {
                format!("modify policy {} on {}", after.name, t(table))
            }
            AddView {
                schema,
                view,
                materialized,
            } => format!(
                "add {}view {schema}.{}",
                if *materialized { "materialized " } else { "" },
                view.name
            ),
            DropView {
                schema,
                view,
                materialized,
            } => format!(
                "drop {}view {schema}.{}",
                if *materialized { "materialized " } else { "" },
                view.name
            ),
            ModifyView {
                schema,
                after,
                materialized,
                ..
            } => format!(
                "replace {}view {schema}.{}",
                if *materialized { "materialized " } else { "" },
                after.name
            ),
            AddFunction {
                schema,
                function,
                procedure,
            } => format!(
                "add {} {schema}.{}",
                if *procedure { "procedure" } else { "function" },
                function.name
            ),
            DropFunction {
                schema,
                function,
                procedure,
            } => format!(
                "drop {} {schema}.{}",
                if *procedure { "procedure" } else { "function" },
                function.name
            ),
            ModifyFunction {
                schema,
                after,
                procedure,
                ..
            } => format!(
                "replace {} {schema}.{}",
                if *procedure { "procedure" } else { "function" },
                after.name
            ),
            AddSequence { schema, sequence } => format!("add sequence {schema}.{}", sequence.name),
            DropSequence { schema, sequence } => {
                format!("drop sequence {schema}.{}", sequence.name)
            }
            ModifySequence { schema, after, .. } => {
                format!("modify sequence {schema}.{}", after.name)
            }
            AddEnum { schema, def } => format!("add enum {schema}.{}", def.name),
            DropEnum { schema, def } => format!("drop enum {schema}.{}", def.name),
            AddEnumValue {
                schema,
                name,
                value,
                ..
            } => format!("add value '{value}' to enum {schema}.{name}"),
            ModifyEnum { schema, after, .. } => format!("recreate enum {schema}.{}", after.name),
            AddDomain { schema, def } => format!("add domain {schema}.{}", def.name),
            DropDomain { schema, def } => format!("drop domain {schema}.{}", def.name),
            ModifyDomain { schema, after, .. } => format!("modify domain {schema}.{}", after.name),
            AddExtension { def, .. } => format!("add extension {}", def.name),
            DropExtension { def, .. } => format!("drop extension {}", def.name),
            AddRole { role } => format!("add role {}", role.name),
            DropRole { role } => format!("drop role {}", role.name),
            ModifyRole { after, .. } => format!("modify role {}", after.name),
            Grant { permission } => {
                format!("grant {} to {}", privileges(permission), permission.grantee)
            }
            Revoke {
                permission,
                grant_option,
            } => format!(
                "revoke {}{} from {}",
                if *grant_option {
                    "grant option for "
                } else {
                    ""
                },
                privileges(permission),
                permission.grantee
            ),
            AddDefaultPrivilege { def } => format!("add default privileges for {}", def.grantee),
            DropDefaultPrivilege { def } => format!("drop default privileges for {}", def.grantee),
            AddEvent { schema, event } => format!("add event {schema}.{}", event_name(event)),
            DropEvent { schema, event } => format!("drop event {schema}.{}", event_name(event)),
            ModifyEvent { schema, after, .. } => {
                format!("modify event {schema}.{}", event_name(after))
            }
        }
    }
}

fn event_name(e: &Unsupported) -> &str {
    e.name.as_deref().unwrap_or("?")
}

fn privileges(p: &Permission) -> String {
    p.privileges
        .iter()
        .map(|x| x.sql())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A drop and an add that look like a rename, which no hint settles. Apply waits until someone
/// says which it is (a `renamed_from` hint, or an acknowledgement of the drop).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PossibleRename {
    Table {
        schema: Ident,
        from: Ident,
        to: Ident,
    },
    Column {
        table: TableRef,
        from: Ident,
        to: Ident,
    },
}

impl PossibleRename {
    /// The name `--allow-drop` takes to settle it as a drop: `users.username` or `old_table`.
    pub fn drop_name(&self) -> String {
        match self {
            PossibleRename::Table { from, .. } => from.clone(),
            PossibleRename::Column { table, from, .. } => format!("{}.{from}", table.name),
        }
    }
}

/// What a planned statement risks. Every statement carries its hazards; with a live current
/// state, `rows` is the touched table's estimated row count.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hazards {
    /// Deletes data: a dropped schema, table or column, a narrowed type.
    pub destructive: bool,
    /// May fail depending on the data (a new NOT NULL, a new unique index, a narrowing cast).
    pub data_dependent: bool,
    /// Breaks application code that still uses the old shape (renames, drops).
    pub backward_incompatible: bool,
    /// Rewrites (copies) the whole table.
    pub rewrites_table: bool,
    /// The lock the statement takes: PostgreSQL lock modes (`ACCESS EXCLUSIVE`, `SHARE`...),
    /// MySQL algorithm/lock (`COPY`, `INPLACE`, `INSTANT`).
    pub lock: Option<String>,
    /// Cannot run inside a transaction (`CREATE INDEX CONCURRENTLY`, SQLite's PRAGMA steps).
    pub non_transactional: bool,
    /// Must not share a transaction with the statements before it: a `VALIDATE CONSTRAINT`,
    /// whose scan would otherwise run under the locks the statements before it took (the ADD
    /// of the same constraint NOT VALID among them) until they commit. Not a risk itself but
    /// a boundary the applier keeps: it starts a new transactional group.
    pub new_transaction: bool,
    /// No reverse statement can undo it without loss.
    pub irreversible: bool,
}

/// One statement of a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedStatement {
    pub sql: String,
    /// The statement that undoes this one, where one exists.
    pub reverse: Option<String>,
    /// Indexes into `Plan::changes` of the changes this statement carries out.
    pub changes: Vec<usize>,
    pub hazards: Hazards,
    /// The estimated rows of the table it touches, when the current state came from a database.
    pub rows: Option<u64>,
    /// A comment for humans: what the statement does (`Add column "email" to table "users"`).
    pub comment: String,
}

/// An ordered plan: the changes and the statements that carry them out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub changes: Vec<Change>,
    pub statements: Vec<PlannedStatement>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// Transactional groups: maximal runs of statements that may share a transaction; a
    /// non-transactional statement is a group of its own, and a statement marked
    /// `new_transaction` starts a group.
    pub fn groups(&self) -> Vec<std::ops::Range<usize>> {
        let mut groups = Vec::new();
        let mut start = 0;
        for (i, s) in self.statements.iter().enumerate() {
            if s.hazards.new_transaction && !s.hazards.non_transactional && start < i {
                groups.push(start..i);
                start = i;
            }
            if s.hazards.non_transactional {
                if start < i {
                    groups.push(start..i);
                }
                groups.push(i..i + 1);
                start = i + 1;
            }
        }
        if start < self.statements.len() {
            groups.push(start..self.statements.len());
        }
        groups
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(sql: &str, h: Hazards) -> PlannedStatement {
        PlannedStatement {
            sql: sql.into(),
            reverse: None,
            changes: vec![],
            hazards: h,
            rows: None,
            comment: String::new(),
        }
    }

    #[test]
    fn groups_break_before_a_new_transaction_and_around_a_non_transactional_statement() {
        let new_tx = Hazards {
            new_transaction: true,
            ..Hazards::default()
        };
        let outside = Hazards {
            non_transactional: true,
            ..Hazards::default()
        };
        let plan = Plan {
            changes: vec![],
            statements: vec![
                st("a", Hazards::default()),
                st("b", Hazards::default()),
                st("validate 1", new_tx.clone()),
                st("c", Hazards::default()),
                st("validate 2", new_tx.clone()),
                st("concurrently", outside),
                st("validate 3", new_tx.clone()),
            ],
        };
        assert_eq!(plan.groups(), vec![0..2, 2..4, 4..5, 5..6, 6..7]);
        // A first statement that starts a new transaction makes no empty group.
        let plan = Plan {
            changes: vec![],
            statements: vec![st("validate", new_tx), st("d", Hazards::default())],
        };
        assert_eq!(plan.groups(), vec![0..2]);
    }
}
