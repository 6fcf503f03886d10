//! The schema model and the plan model as the rules language sees them: type name -> fields,
//! each with its type and a one-line doc. This table is data on purpose: the checker resolves
//! fields against it, the evaluator implements exactly these fields (`eval.rs`), and the
//! language server reads it for completion after `.` and for hover.
//!
//! Where a field is not stored in the IR as such, the doc says how it is derived. Fields the IR
//! cannot know are `null` (noted as such).

/// One field of a model type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldDef {
    pub name: &'static str,
    /// The type as the language writes it: `string`, `int?`, `list[column]`, `table?`.
    pub ty: &'static str,
    pub doc: &'static str,
    /// For strings that take one of a few values: the values (for checking literals compared
    /// with the field, and for completion).
    pub values: &'static [&'static str],
}

/// One type of the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TypeDef {
    pub name: &'static str,
    pub doc: &'static str,
    pub fields: &'static [FieldDef],
}

impl TypeDef {
    pub fn field(&self, name: &str) -> Option<&'static FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// What `uses` means on views and routines.
const USES_DOC: &str = "The tables and views its SQL reads or writes, as `schema.name` (compare with `t.qualified_name`), resolved by parsing it: a schema-qualified name or the default schema (a routine's `SET search_path` first, else `public` in PostgreSQL, `main` in SQLite, its own schema in MySQL); `WITH` names, comments and string literals are not names. PL/pgSQL and other bodies that do not parse whole are read as tokens: the names after `FROM`, `JOIN`, `UPDATE`, `INSERT INTO`, `TABLE`, `TRUNCATE` and before `%ROWTYPE`.";

/// What `uses_columns` means on views, routines and policies.
const USES_COLUMNS_DOC: &str = "The columns of those relations it names, as `schema.table.column`: `alias.column` by the aliases of its `FROM`; an unqualified column to the relations of its innermost `FROM` that have it in this state, or to all of them when none has it (a dropped column, or a relation whose columns are unknown). In bodies read as tokens (PL/pgSQL), every word that is not a keyword, a call, an argument or a declared variable is taken as such a column: a variable named like a column counts as that column, and `NEW.x` / `OLD.x` are not resolved.";

const fn f(name: &'static str, ty: &'static str, doc: &'static str) -> FieldDef {
    FieldDef {
        name,
        ty,
        doc,
        values: &[],
    }
}

const fn fv(
    name: &'static str,
    ty: &'static str,
    doc: &'static str,
    values: &'static [&'static str],
) -> FieldDef {
    FieldDef {
        name,
        ty,
        doc,
        values,
    }
}

/// The type categories of `type.category`.
pub const CATEGORIES: &[&str] = &[
    "integer", "numeric", "text", "binary", "boolean", "datetime", "json", "uuid", "enum", "array",
    "spatial", "network", "other",
];

/// The dialect names of `dialect` and `dialects [...]`.
pub const DIALECTS: &[&str] = &["postgres", "mysql", "mariadb", "sqlite"];

const FK_ACTIONS: &[&str] = &[
    "NO ACTION",
    "RESTRICT",
    "CASCADE",
    "SET NULL",
    "SET DEFAULT",
];

/// The globals of a state (`on schema` rules, and `before` / `after` in plans).
const STATE_FIELDS: &[FieldDef] = &[
    f("schemas", "list[schema]", "Every schema in scope."),
    f("tables", "list[table]", "Every table of every schema."),
    f("columns", "list[column]", "Every column of every table."),
    f(
        "indexes",
        "list[index]",
        "Every index of every table (not the primary keys).",
    ),
    f(
        "foreign_keys",
        "list[foreign_key]",
        "Every foreign key of every table.",
    ),
    f(
        "checks",
        "list[check]",
        "Every check constraint of every table.",
    ),
    f("views", "list[view]", "Every view."),
    f(
        "materialized_views",
        "list[materialized_view]",
        "Every materialized view.",
    ),
    f("functions", "list[function]", "Every function."),
    f("procedures", "list[procedure]", "Every procedure."),
    f("triggers", "list[trigger]", "Every trigger of every table."),
    f("sequences", "list[sequence]", "Every sequence."),
    f(
        "enums",
        "list[enum]",
        "Every enum type (PostgreSQL `CREATE TYPE ... AS ENUM`).",
    ),
    f("domains", "list[domain]", "Every domain."),
    f("extensions", "list[extension]", "Every extension."),
    f(
        "policies",
        "list[policy]",
        "Every row-level-security policy of every table.",
    ),
    f(
        "roles",
        "list[role]",
        "Every role (MySQL: user) the state declares or references.",
    ),
    f(
        "permissions",
        "list[permission]",
        "Every privilege granted on an object.",
    ),
    fv("dialect", "string", "The dialect of the state.", DIALECTS),
    f(
        "server_version",
        "int?",
        "The server version as major*10000 + minor*100 + patch, when a live database is known; null for compiled schemas.",
    ),
];

/// The globals of `on plan` rules.
const PLAN_FIELDS: &[FieldDef] = &[
    f(
        "changes",
        "list[change]",
        "The changes of the plan, in plan order.",
    ),
    f(
        "statements",
        "list[statement]",
        "The planned statements, in order.",
    ),
    f(
        "before",
        "state",
        "The current state (an empty state when there is none).",
    ),
    f("after", "state", "The desired state."),
    f(
        "file",
        "file?",
        "The migration file being linted (`cairn lint` on a migration directory); null for plans Cairn computes.",
    ),
    fv("dialect", "string", "The dialect of the plan.", DIALECTS),
    f(
        "server_version",
        "int?",
        "The server version as major*10000 + minor*100 + patch, when known.",
    ),
];

/// Every change kind `is` accepts, as the differ names them (`cairn_ir::Change::kind`).
pub const CHANGE_KINDS: &[&str] = &[
    "add_schema",
    "drop_schema",
    "modify_schema",
    "add_table",
    "drop_table",
    "rename_table",
    "modify_table",
    "enable_rls",
    "disable_rls",
    "add_column",
    "drop_column",
    "rename_column",
    "modify_column",
    "add_index",
    "drop_index",
    "rename_index",
    "add_primary_key",
    "drop_primary_key",
    "add_foreign_key",
    "drop_foreign_key",
    "add_check",
    "drop_check",
    "validate_check",
    "validate_foreign_key",
    "add_exclude",
    "drop_exclude",
    "add_trigger",
    "drop_trigger",
    "add_policy",
    "drop_policy",
    "modify_policy",
    "add_view",
    "add_materialized_view",
    "drop_view",
    "drop_materialized_view",
    "modify_view",
    "modify_materialized_view",
    "add_function",
    "add_procedure",
    "drop_function",
    "drop_procedure",
    "modify_function",
    "modify_procedure",
    "add_sequence",
    "drop_sequence",
    "modify_sequence",
    "add_enum",
    "drop_enum",
    "add_enum_value",
    "modify_enum",
    "add_domain",
    "drop_domain",
    "modify_domain",
    "add_extension",
    "drop_extension",
    "add_role",
    "drop_role",
    "modify_role",
    "grant",
    "revoke",
    "add_default_privilege",
    "drop_default_privilege",
];

/// The type of `c.before` / `c.after` for each change kind: the object on that side, or `None`
/// when the kind has none there. Used by the checker to give `before`/`after` a precise type
/// once a rule has narrowed the change with `c is kind`.
pub fn change_side_type(kind: &str, after: bool) -> Option<&'static str> {
    let (obj, has_before, has_after) = match kind {
        "add_schema" => ("schema", false, true),
        "drop_schema" => ("schema", true, false),
        "modify_schema" => ("schema", true, true),
        "add_table" => ("table", false, true),
        "drop_table" => ("table", true, false),
        "rename_table" | "modify_table" | "enable_rls" | "disable_rls" => ("table", true, true),
        "add_column" => ("column", false, true),
        "drop_column" => ("column", true, false),
        "rename_column" | "modify_column" => ("column", true, true),
        "add_index" => ("index", false, true),
        "drop_index" => ("index", true, false),
        "rename_index" => ("index", true, true),
        "add_primary_key" => ("primary_key", false, true),
        "drop_primary_key" => ("primary_key", true, false),
        "add_foreign_key" => ("foreign_key", false, true),
        "drop_foreign_key" => ("foreign_key", true, false),
        "add_check" => ("check", false, true),
        "drop_check" => ("check", true, false),
        "validate_check" => ("check", true, true),
        "validate_foreign_key" => ("foreign_key", true, true),
        "add_trigger" => ("trigger", false, true),
        "drop_trigger" => ("trigger", true, false),
        "add_policy" => ("policy", false, true),
        "drop_policy" => ("policy", true, false),
        "modify_policy" => ("policy", true, true),
        "add_view" => ("view", false, true),
        "drop_view" => ("view", true, false),
        "modify_view" => ("view", true, true),
        "add_materialized_view" => ("materialized_view", false, true),
        "drop_materialized_view" => ("materialized_view", true, false),
        "modify_materialized_view" => ("materialized_view", true, true),
        "add_function" => ("function", false, true),
        "drop_function" => ("function", true, false),
        "modify_function" => ("function", true, true),
        "add_procedure" => ("procedure", false, true),
        "drop_procedure" => ("procedure", true, false),
        "modify_procedure" => ("procedure", true, true),
        "add_sequence" => ("sequence", false, true),
        "drop_sequence" => ("sequence", true, false),
        "modify_sequence" => ("sequence", true, true),
        "add_enum" => ("enum", false, true),
        "drop_enum" => ("enum", true, false),
        "modify_enum" | "add_enum_value" => ("enum", true, true),
        "add_domain" => ("domain", false, true),
        "drop_domain" => ("domain", true, false),
        "modify_domain" => ("domain", true, true),
        "add_extension" => ("extension", false, true),
        "drop_extension" => ("extension", true, false),
        "add_role" => ("role", false, true),
        "drop_role" => ("role", true, false),
        "modify_role" => ("role", true, true),
        "grant" => ("permission", false, true),
        "revoke" => ("permission", true, false),
        _ => return None,
    };
    if (after && has_after) || (!after && has_before) {
        Some(obj)
    } else {
        None
    }
}

/// Every type of the model, with its fields.
pub const TYPES: &[TypeDef] = &[
    TypeDef {
        name: "state",
        doc: "A schema state: the desired schema, or the current database.",
        fields: STATE_FIELDS,
    },
    TypeDef {
        name: "plan",
        doc: "The globals of `on plan` rules.",
        fields: PLAN_FIELDS,
    },
    TypeDef {
        name: "schema",
        doc: "A schema (a database in MySQL; `main` in SQLite).",
        fields: &[
            f("name", "string", "The schema's name."),
            f("comment", "string?", "Its comment."),
            f("tables", "list[table]", "Its tables."),
            f("views", "list[view]", "Its views."),
            f(
                "materialized_views",
                "list[materialized_view]",
                "Its materialized views.",
            ),
            f("functions", "list[function]", "Its functions."),
            f("procedures", "list[procedure]", "Its procedures."),
            f("sequences", "list[sequence]", "Its sequences."),
            f("enums", "list[enum]", "Its enum types."),
            f("domains", "list[domain]", "Its domains."),
            f("extensions", "list[extension]", "Its extensions."),
            f(
                "owner",
                "string?",
                "PostgreSQL: the owner role, when declared.",
            ),
        ],
    },
    TypeDef {
        name: "table",
        doc: "A table.",
        fields: &[
            f("name", "string", "The table's name."),
            f("schema", "schema", "The schema it belongs to."),
            f("qualified_name", "string", "`schema.name`."),
            f("comment", "string?", "Its comment."),
            f("columns", "list[column]", "Its columns, in order."),
            f("primary_key", "primary_key?", "Its primary key."),
            f(
                "indexes",
                "list[index]",
                "Its indexes (unique constraints included, the primary key not).",
            ),
            f("foreign_keys", "list[foreign_key]", "Its foreign keys."),
            f("checks", "list[check]", "Its check constraints."),
            f("triggers", "list[trigger]", "Its triggers."),
            f(
                "policies",
                "list[policy]",
                "Its row-level-security policies.",
            ),
            f(
                "permissions",
                "list[permission]",
                "Privileges granted on the table (and on its columns).",
            ),
            f("rls_enabled", "bool", "Row-level security is enabled."),
            f(
                "rls_forced",
                "bool",
                "Row-level security is forced (applies to the owner too).",
            ),
            f(
                "partitioned",
                "bool",
                "The table is partitioned (`PARTITION BY`; MySQL too).",
            ),
            f(
                "partition_of",
                "string?",
                "The parent table, when this table is a partition.",
            ),
            f(
                "rows",
                "int?",
                "The live row estimate, when the state came from a database.",
            ),
            f(
                "renamed_from",
                "string?",
                "The name it had before, as the schema declares.",
            ),
            f("unlogged", "bool", "PostgreSQL: an UNLOGGED table."),
            f(
                "padding",
                "int?",
                "PostgreSQL: bytes of alignment padding between the fixed-length values of a row, columns in their order (variable-length values taking no room, as when NULL); null when a column type's layout is unknown, and in other dialects.",
            ),
            f(
                "best_padding",
                "int?",
                "PostgreSQL: `padding` with the columns in the usual best order (fixed-length by alignment, largest first, then variable-length).",
            ),
            f(
                "access_method",
                "string?",
                "PostgreSQL: the table access method (`USING method`), when not the default.",
            ),
            f(
                "storage_params",
                "list[string]",
                "PostgreSQL: storage parameters as `key=value` (`autovacuum_enabled=false`).",
            ),
            f(
                "replica_identity",
                "string?",
                "PostgreSQL: `FULL`, `NOTHING` or `USING INDEX name` (null for DEFAULT).",
            ),
            f(
                "engine",
                "string?",
                "MySQL: the storage engine, when declared.",
            ),
            f(
                "charset",
                "string?",
                "MySQL: the table's default character set, when declared.",
            ),
            f(
                "collation",
                "string?",
                "MySQL: the table's default collation, when declared.",
            ),
            f(
                "system_versioned",
                "bool",
                "MariaDB: `WITH SYSTEM VERSIONING`.",
            ),
        ],
    },
    TypeDef {
        name: "column",
        doc: "A column of a table.",
        fields: &[
            f("name", "string", "The column's name."),
            f("table", "table", "The table it belongs to."),
            f("type", "type", "Its type."),
            f("nullable", "bool", "It accepts NULL."),
            f("default", "string?", "Its default, as SQL text."),
            f(
                "identity",
                "bool",
                "An identity column (`GENERATED ... AS IDENTITY`).",
            ),
            f(
                "auto_increment",
                "bool",
                "MySQL `AUTO_INCREMENT`, SQLite `AUTOINCREMENT`.",
            ),
            f(
                "generated",
                "string?",
                "The generation expression of a generated column.",
            ),
            f("collation", "string?", "Its explicit collation."),
            f("comment", "string?", "Its comment."),
            f(
                "permissions",
                "list[permission]",
                "Column privileges granted on it.",
            ),
            f(
                "in_primary_key",
                "bool",
                "It is part of the table's primary key.",
            ),
            f(
                "stored",
                "bool",
                "A STORED generated column (false for virtual ones and plain columns).",
            ),
            f("charset", "string?", "MySQL: its explicit character set."),
            f(
                "position",
                "int",
                "Its position in its table, from 1 (0 when the table is not known).",
            ),
            f(
                "renamed_from",
                "string?",
                "The name it had before, as the schema declares.",
            ),
        ],
    },
    TypeDef {
        name: "type",
        doc: "A column type.",
        fields: &[
            f(
                "name",
                "string",
                "The canonical spelling (`integer`, `character varying(255)`, `bigint unsigned`).",
            ),
            fv("category", "string", "The family of the type.", CATEGORIES),
            f("size", "int?", "Length of character, binary and bit types."),
            f(
                "length",
                "int?",
                "PostgreSQL: the fixed byte length of a value (`pg_type.typlen`: 8 for bigint, 16 for uuid); null for variable-length and unknown types, and in other dialects.",
            ),
            f(
                "alignment",
                "int?",
                "PostgreSQL: the alignment of a value in a row, in bytes (`pg_type.typalign`: 1, 2, 4 or 8); null for unknown types and in other dialects.",
            ),
            f(
                "precision",
                "int?",
                "Precision of numeric, float and time types.",
            ),
            f("scale", "int?", "Scale of numeric types."),
            f("array", "bool", "An array type (PostgreSQL)."),
            f(
                "enum",
                "enum?",
                "The enum type it names (PostgreSQL); null for inline MySQL enums.",
            ),
            f(
                "values",
                "list[string]",
                "The values of an enum or set type (inline or named); empty otherwise.",
            ),
            f(
                "unsupported",
                "bool",
                "A type the compiler could not represent.",
            ),
            f(
                "raw",
                "string",
                "The type as written (for unsupported types) or its canonical spelling.",
            ),
        ],
    },
    TypeDef {
        name: "index",
        doc: "An index (unique constraints included).",
        fields: &[
            f("name", "string", "The index's name."),
            f(
                "table",
                "table",
                "The table it indexes (for materialized views: null).",
            ),
            f("unique", "bool", "A unique index or constraint."),
            f(
                "columns",
                "list[string]",
                "Its key parts: column names, and expressions as SQL text.",
            ),
            f("parts", "list[index_part]", "Its key parts."),
            f("where", "string?", "The predicate of a partial index."),
            f(
                "method",
                "string",
                "The access method: btree, hash, gin, gist, spgist, brin, fulltext, spatial, or another name.",
            ),
            f("include", "list[string]", "`INCLUDE` columns."),
            f("comment", "string?", "Its comment."),
            f(
                "constraint",
                "bool",
                "PostgreSQL: it backs a UNIQUE constraint.",
            ),
            f(
                "renamed_from",
                "string?",
                "The name it had before, as the schema declares.",
            ),
        ],
    },
    TypeDef {
        name: "index_part",
        doc: "One key part of an index.",
        fields: &[
            f("column", "string?", "The column, for a column part."),
            f("expr", "string?", "The expression, for an expression part."),
            f("desc", "bool", "Descending order."),
        ],
    },
    TypeDef {
        name: "primary_key",
        doc: "A primary key.",
        fields: &[
            f(
                "name",
                "string?",
                "The constraint's name (the dialect's implicit name when not declared; null in SQLite).",
            ),
            f("table", "table", "The table."),
            f("columns", "list[string]", "Its columns."),
        ],
    },
    TypeDef {
        name: "foreign_key",
        doc: "A foreign key.",
        fields: &[
            f(
                "name",
                "string?",
                "The constraint's name (the dialect's implicit name when not declared; null in SQLite).",
            ),
            f("table", "table", "The referencing table."),
            f("columns", "list[string]", "The referencing columns."),
            f(
                "ref_table",
                "table?",
                "The referenced table (null when it is not in the state).",
            ),
            f(
                "ref_table_name",
                "string",
                "The referenced table's qualified name.",
            ),
            f("ref_columns", "list[string]", "The referenced columns."),
            fv("on_delete", "string", "`ON DELETE` action.", FK_ACTIONS),
            fv("on_update", "string", "`ON UPDATE` action.", FK_ACTIONS),
            f("deferrable", "bool", "DEFERRABLE."),
            f(
                "not_valid",
                "bool",
                "PostgreSQL: added NOT VALID and not validated yet (existing rows unchecked).",
            ),
        ],
    },
    TypeDef {
        name: "check",
        doc: "A check constraint.",
        fields: &[
            f(
                "name",
                "string?",
                "The constraint's name (the dialect's implicit name when not declared; null in SQLite).",
            ),
            f("table", "table", "The table."),
            f("expr", "string", "The condition, as SQL text."),
            f("enforced", "bool", "False for MySQL `NOT ENFORCED`."),
            f(
                "not_valid",
                "bool",
                "PostgreSQL: added NOT VALID and not validated yet (existing rows unchecked).",
            ),
        ],
    },
    TypeDef {
        name: "view",
        doc: "A view.",
        fields: VIEW_FIELDS,
    },
    TypeDef {
        name: "materialized_view",
        doc: "A materialized view.",
        fields: VIEW_FIELDS,
    },
    TypeDef {
        name: "function",
        doc: "A function.",
        fields: FUNCTION_FIELDS,
    },
    TypeDef {
        name: "procedure",
        doc: "A procedure.",
        fields: FUNCTION_FIELDS,
    },
    TypeDef {
        name: "function_arg",
        doc: "An argument of a function or procedure.",
        fields: &[
            f("name", "string?", "The argument's name."),
            f("type", "string", "Its type, as SQL text."),
            fv(
                "mode",
                "string",
                "in, out, inout or variadic.",
                &["in", "out", "inout", "variadic"],
            ),
            f("default", "string?", "Its default, as SQL text."),
        ],
    },
    TypeDef {
        name: "trigger",
        doc: "A trigger.",
        fields: &[
            f("name", "string", "The trigger's name."),
            f("table", "table", "The table it fires on."),
            fv(
                "timing",
                "string",
                "before, after or instead_of.",
                &["before", "after", "instead_of"],
            ),
            f(
                "events",
                "list[string]",
                "insert, update, delete, truncate.",
            ),
            f(
                "for_each_row",
                "bool",
                "`FOR EACH ROW` (otherwise per statement).",
            ),
            f(
                "function",
                "string?",
                "PostgreSQL: the function it executes (qualified name).",
            ),
            f("when", "string?", "The `WHEN` condition."),
        ],
    },
    TypeDef {
        name: "sequence",
        doc: "A sequence.",
        fields: &[
            f("name", "string", "The sequence's name."),
            f("schema", "schema", "The schema it belongs to."),
            f("start", "int?", "START WITH."),
            f("increment", "int?", "INCREMENT BY."),
            f("min_value", "int?", "MINVALUE."),
            f("max_value", "int?", "MAXVALUE."),
            f("cache", "int?", "CACHE."),
            f("cycle", "bool", "CYCLE."),
            f("owned_by", "string?", "`table.column` of OWNED BY."),
            f("comment", "string?", "Its comment."),
        ],
    },
    TypeDef {
        name: "enum",
        doc: "An enum type.",
        fields: &[
            f("name", "string", "The type's name."),
            f("schema", "schema", "The schema it belongs to."),
            f("values", "list[string]", "Its values, in order."),
            f("comment", "string?", "Its comment."),
        ],
    },
    TypeDef {
        name: "domain",
        doc: "A domain.",
        fields: &[
            f("name", "string", "The domain's name."),
            f("schema", "schema", "The schema it belongs to."),
            f("base", "type", "Its base type."),
            f("nullable", "bool", "It accepts NULL."),
            f("default", "string?", "Its default, as SQL text."),
            f(
                "checks",
                "list[string]",
                "Its check conditions, as SQL text.",
            ),
            f("comment", "string?", "Its comment."),
        ],
    },
    TypeDef {
        name: "extension",
        doc: "An extension.",
        fields: &[
            f("name", "string", "The extension's name."),
            f("schema", "schema", "The schema it is installed in."),
            f(
                "version",
                "string?",
                "The version, when pinned or inspected.",
            ),
            f("comment", "string?", "Its comment."),
        ],
    },
    TypeDef {
        name: "policy",
        doc: "A row-level-security policy.",
        fields: &[
            f("name", "string", "The policy's name."),
            f("table", "table", "The table it guards."),
            fv(
                "command",
                "string",
                "all, select, insert, update or delete.",
                &["all", "select", "insert", "update", "delete"],
            ),
            f(
                "roles",
                "list[string]",
                "The roles it applies to (`public` for everyone).",
            ),
            f("permissive", "bool", "PERMISSIVE (otherwise RESTRICTIVE)."),
            f("using", "string?", "The USING condition."),
            f("check", "string?", "The WITH CHECK condition."),
            f(
                "uses",
                "list[string]",
                "The tables and views its conditions read (its own table included), as `schema.name` (compare with `t.qualified_name`), resolved by parsing it: a schema-qualified name or the default schema (a routine's `SET search_path` first, else `public` in PostgreSQL, `main` in SQLite, its own schema in MySQL); `WITH` names, comments and string literals are not names. PL/pgSQL and other bodies that do not parse whole are read as tokens: the names after `FROM`, `JOIN`, `UPDATE`, `INSERT INTO`, `TABLE`, `TRUNCATE` and before `%ROWTYPE`.",
            ),
            f("uses_columns", "list[string]", USES_COLUMNS_DOC),
        ],
    },
    TypeDef {
        name: "role",
        doc: "A role (MySQL: a user, named `user@host`).",
        fields: &[
            f("name", "string", "The role's name."),
            f("login", "bool", "LOGIN."),
            f("superuser", "bool", "SUPERUSER."),
            f("create_db", "bool", "CREATEDB."),
            f("create_role", "bool", "CREATEROLE."),
            f("bypass_rls", "bool", "BYPASSRLS."),
            f("replication", "bool", "REPLICATION."),
            f("inherit", "bool", "INHERIT."),
            f("conn_limit", "int?", "CONNECTION LIMIT."),
            f("member_of", "list[string]", "The roles it is a member of."),
            f(
                "password_set",
                "bool",
                "It has a password (the password itself is never seen).",
            ),
            f(
                "external",
                "bool",
                "Referenced but not created by the source: managed elsewhere.",
            ),
            f(
                "permissions",
                "list[permission]",
                "Privileges granted to it.",
            ),
            f("comment", "string?", "Its comment."),
        ],
    },
    TypeDef {
        name: "permission",
        doc: "A privilege granted on an object (`GRANT ... ON ... TO grantee`).",
        fields: &[
            f(
                "grantee",
                "string",
                "The role receiving it (`PUBLIC` for everyone).",
            ),
            f(
                "role",
                "role?",
                "The grantee's role, when the state has it.",
            ),
            f(
                "privileges",
                "list[string]",
                "SELECT, INSERT, ... (upper case; ALL for all).",
            ),
            fv(
                "object_kind",
                "string",
                "What it is granted on.",
                &[
                    "database",
                    "schema",
                    "table",
                    "column",
                    "sequence",
                    "function",
                    "procedure",
                    "type",
                    "global",
                ],
            ),
            f(
                "object_name",
                "string?",
                "The qualified name of the object (null for database and global grants).",
            ),
            f("table", "table?", "The table, for table and column grants."),
            f("column", "string?", "The first column, for column grants."),
            f("columns", "list[string]", "The columns, for column grants."),
            f(
                "schema",
                "string?",
                "The schema of the object (or the schema granted on).",
            ),
            f(
                "function",
                "function?",
                "The function, for function grants.",
            ),
            f("grantable", "bool", "WITH GRANT OPTION."),
        ],
    },
    TypeDef {
        name: "change",
        doc: "One change of a plan.",
        fields: &[
            fv(
                "kind",
                "string",
                "The change kind (test it with `c is drop_table`).",
                CHANGE_KINDS,
            ),
            f(
                "summary",
                "string",
                "A one-line summary: `drop column public.users.email`.",
            ),
            f("schema", "string?", "The schema of the changed object."),
            f(
                "name",
                "string?",
                "The name of the changed object (the new name for renames).",
            ),
            f(
                "table",
                "table?",
                "The table the change touches: as it is in the current state (with its row estimate), else in the desired state, else as the change carries it.",
            ),
            f(
                "column",
                "column?",
                "The column, for column changes (the new side when there is one).",
            ),
            f(
                "index",
                "index?",
                "The index, for index changes (the new side when there is one).",
            ),
            f(
                "role",
                "role?",
                "The role, for role changes (the new side when there is one).",
            ),
            f(
                "before",
                "object?",
                "The object before the change (narrow `c` with `is` to get its type).",
            ),
            f(
                "after",
                "object?",
                "The object after the change (narrow `c` with `is` to get its type).",
            ),
            f("from", "string?", "The old name, for renames."),
            f(
                "changed",
                "changed",
                "What changed, for modify_column (all false for other kinds).",
            ),
            f(
                "statement",
                "statement?",
                "The first statement that carries the change out.",
            ),
            f(
                "statements",
                "list[statement]",
                "Every statement that carries it out.",
            ),
            f(
                "in_new_table",
                "bool",
                "The change's table is created by the same plan.",
            ),
            f(
                "file_statement",
                "file_statement?",
                "The statement of the migration file that brings the change about (null for computed plans).",
            ),
            f(
                "rows",
                "int?",
                "The estimated rows of the touched table, when a live database is known.",
            ),
            f("destructive", "bool", "Deletes data (a drop, a narrowing)."),
            f("data_dependent", "bool", "May fail depending on the data."),
            f(
                "backward_incompatible",
                "bool",
                "Breaks code that uses the old shape.",
            ),
            f(
                "rewrites_table",
                "bool",
                "Rewrites (copies) the whole table.",
            ),
            f(
                "lock",
                "string?",
                "The lock taken: ACCESS EXCLUSIVE, SHARE, ...; MySQL COPY, INPLACE, INSTANT.",
            ),
            f("transactional", "bool", "Can run inside a transaction."),
            f(
                "irreversible",
                "bool",
                "No statement undoes it without loss.",
            ),
        ],
    },
    TypeDef {
        name: "file",
        doc: "A migration file being linted.",
        fields: &[
            f("path", "string", "Its path."),
            f(
                "directives",
                "list[string]",
                "Its file-level directives (`atlas:txmode none`), without the `--`.",
            ),
            f(
                "transactional",
                "bool",
                "It runs inside one transaction (no `txmode none` directive).",
            ),
            f(
                "statements",
                "list[file_statement]",
                "Its statements, as written.",
            ),
        ],
    },
    TypeDef {
        name: "file_statement",
        doc: "A statement of a migration file, as written.",
        fields: &[
            f("sql", "string", "Its text."),
            f("ordinal", "int", "Its position in the file, from 1."),
            f(
                "directives",
                "list[string]",
                "The directives in the comment lines right above it.",
            ),
            f(
                "settings",
                "list[string]",
                "The session settings in force when it runs, as `name=value` (lower-case names): `SET`, `SET SESSION` and `SET LOCAL` earlier in the file.",
            ),
            f(
                "lock_timeout",
                "string?",
                "PostgreSQL `lock_timeout` in force when it runs (null when the file never sets it).",
            ),
            f(
                "statement_timeout",
                "string?",
                "PostgreSQL `statement_timeout` in force when it runs.",
            ),
            f(
                "lock_wait_timeout",
                "string?",
                "MySQL `lock_wait_timeout` in force when it runs.",
            ),
            f(
                "changes",
                "list[change]",
                "The plan changes it brings about.",
            ),
            f(
                "enum_value_added",
                "string?",
                "PostgreSQL `ALTER TYPE ... ADD VALUE`: the value it adds (null for other statements).",
            ),
            f(
                "enum_value_position",
                "string?",
                "The position an `ALTER TYPE ... ADD VALUE` gives, as written (`BEFORE 'v'`, `AFTER 'v'`); null when it gives none (the value goes last).",
            ),
            f(
                "inline_references",
                "list[string]",
                "`CREATE TABLE` and `ALTER TABLE ... ADD COLUMN`: the columns declared with an inline `REFERENCES` clause, as `table.column` (MySQL before 9.0 ignores those).",
            ),
        ],
    },
    TypeDef {
        name: "changed",
        doc: "What a modify_column change changes.",
        fields: &[
            f("type", "bool", "The type."),
            f("nullable", "bool", "Nullability."),
            f("default", "bool", "The default."),
            f("identity", "bool", "Identity."),
            f("generated", "bool", "The generation expression."),
            f("collation", "bool", "The collation."),
            f("comment", "bool", "The comment."),
            f("auto_increment", "bool", "AUTO_INCREMENT."),
            f(
                "options",
                "bool",
                "Dialect options (MySQL charset, ON UPDATE, INVISIBLE, ...).",
            ),
            f("names", "list[string]", "The names of what changed."),
        ],
    },
    TypeDef {
        name: "statement",
        doc: "A planned statement.",
        fields: &[
            f("sql", "string", "The SQL text."),
            f(
                "file",
                "string?",
                "The migration file it comes from (null for computed plans).",
            ),
            f("ordinal", "int", "Its position in the plan, from 1."),
            f(
                "directives",
                "list[string]",
                "Directives written above it (empty for computed plans).",
            ),
            f("comment", "string", "What it does, for humans."),
            f("reverse", "string?", "The statement that undoes it."),
            f("changes", "list[change]", "The changes it carries out."),
            f("rows", "int?", "Estimated rows of the table it touches."),
            f("destructive", "bool", "Deletes data."),
            f("data_dependent", "bool", "May fail depending on the data."),
            f(
                "backward_incompatible",
                "bool",
                "Breaks code that uses the old shape.",
            ),
            f("rewrites_table", "bool", "Rewrites the whole table."),
            f("lock", "string?", "The lock taken."),
            f("transactional", "bool", "Can run inside a transaction."),
            f(
                "irreversible",
                "bool",
                "No statement undoes it without loss.",
            ),
        ],
    },
];

const VIEW_FIELDS: &[FieldDef] = &[
    f("name", "string", "The view's name."),
    f("schema", "schema", "The schema it belongs to."),
    f("definition", "string", "Its query."),
    f(
        "columns",
        "list[string]",
        "Its explicit column names (empty when implied).",
    ),
    f("comment", "string?", "Its comment."),
    f("security_invoker", "bool?", "`security_invoker`, when set."),
    f("materialized", "bool", "A materialized view."),
    f("indexes", "list[index]", "Indexes of a materialized view."),
    f("uses", "list[string]", USES_DOC),
    f("uses_columns", "list[string]", USES_COLUMNS_DOC),
];

const FUNCTION_FIELDS: &[FieldDef] = &[
    f("name", "string", "The function's name."),
    f("schema", "schema", "The schema it belongs to."),
    f("language", "string", "Its language (sql, plpgsql, ...)."),
    f("args", "list[function_arg]", "Its arguments."),
    f(
        "returns",
        "string?",
        "The return type, as SQL text (null for procedures).",
    ),
    fv(
        "volatility",
        "string",
        "volatile, stable or immutable.",
        &["volatile", "stable", "immutable"],
    ),
    f("security_definer", "bool", "SECURITY DEFINER."),
    f("body", "string", "Its body."),
    f("procedure", "bool", "A procedure rather than a function."),
    f("uses", "list[string]", USES_DOC),
    f("uses_columns", "list[string]", USES_COLUMNS_DOC),
    f(
        "spliced_executes",
        "list[string]",
        "PL/pgSQL: what each `EXECUTE` splices into the SQL it runs, as written: an operand of `||` that is not a string literal nor a call of `quote_ident`, `quote_literal`, `quote_nullable` or of a `format` without such splicing, and each non-literal argument a `format` string takes with `%s`. `USING` parameters are not spliced. Read from the body's tokens (comments and strings skipped), without data flow: a variable holding safely quoted text is reported too. Empty for other languages.",
    ),
];

/// The model type named `name`.
pub fn type_def(name: &str) -> Option<&'static TypeDef> {
    TYPES.iter().find(|t| t.name == name)
}

/// The type names a `param` or a predicate argument may use, besides the model's object types.
pub const SCALAR_TYPES: &[&str] = &["bool", "int", "string"];

/// Object types that may be named in declarations (every model type but the two global scopes).
pub fn declarable_types() -> impl Iterator<Item = &'static str> {
    TYPES
        .iter()
        .map(|t| t.name)
        .filter(|n| *n != "plan")
        .chain(SCALAR_TYPES.iter().copied())
        .chain(["list", "object"])
}

/// The built-in functions: name, signature (for hover) and doc.
pub const BUILTINS: &[(&str, &str, &str)] = &[
    (
        "len",
        "len(string | list[T]) -> int",
        "The length of a string (in characters) or a list.",
    ),
    ("lower", "lower(string) -> string", "Lower case."),
    ("upper", "upper(string) -> string", "Upper case."),
    (
        "str",
        "str(T) -> string",
        "Any value as text (as a template renders it).",
    ),
    (
        "regex_match",
        "regex_match(string, string) -> bool",
        "The first string matches the regex given by the second (a param, say); `matches` with a computed pattern. A pattern that does not compile gives null.",
    ),
    (
        "human_count",
        "human_count(int) -> string",
        "A count at human scale, as messages print row estimates: `950`, `1.2K`, `120M`.",
    ),
    (
        "join",
        "join(list[T], string) -> string",
        "The items as text, separated by the second argument.",
    ),
    (
        "mentions",
        "mentions(string, string) -> bool",
        "The first string names the second as a whole identifier, ignoring case: `mentions(v.definition, \"users\")` is true for `FROM public.users` and `\"users\"`, false for `users_archive`. A textual test: it cannot tell which schema's object is meant (the `uses` and `uses_columns` fields resolve what a view, routine or policy references).",
    ),
    (
        "substring_before",
        "substring_before(string, string) -> string?",
        "The part of the first string before the first occurrence of the second; null when it does not occur: `substring_before(\"payments=^billing\\\\.\", \"=\")` is `payments`.",
    ),
    (
        "substring_after",
        "substring_after(string, string) -> string?",
        "The part of the first string after the first occurrence of the second; null when it does not occur.",
    ),
    (
        "version_matches",
        "version_matches(string?, string) -> bool?",
        "The version satisfies the constraint: `\"<3.1.10\"`, `\"<=1.2\"`, `\">2\"`, `\">=2.0\"`, `\"1.4\"` / `\"=1.4\"` / `\"@1.4\"` (that version), `\"\"` or `\"*\"` (every version). Versions compare part by part as numbers (`3.1.9 < 3.1.10`, `1.2 = 1.2.0`, `1.0beta1 < 1.0`). Null when the version is null (unknown) and the constraint names one.",
    ),
    (
        "any",
        "any(x in xs: cond) -> bool",
        "Some item satisfies the condition.",
    ),
    (
        "all",
        "all(x in xs: cond) -> bool",
        "Every item satisfies the condition.",
    ),
    (
        "count",
        "count(x in xs: cond) -> int",
        "How many items satisfy the condition.",
    ),
    (
        "first",
        "first(x in xs: cond) -> T?",
        "The first item that satisfies the condition, or null.",
    ),
];
