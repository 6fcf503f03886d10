//! The fields of every model type (`model::TYPES`), read from the IR.

use cairn_ir::*;

use super::*;
use crate::rules::facts::{Layout, best_row_padding, row_padding};

fn default_sql(d: &cairn_ir::Default, dialect: Dialect) -> String {
    match d {
        cairn_ir::Default::Literal(Literal::Null) => "NULL".into(),
        cairn_ir::Default::Literal(Literal::Bool(x)) => x.to_string(),
        cairn_ir::Default::Literal(Literal::Number(n)) => n.clone(),
        cairn_ir::Default::Literal(Literal::String(s)) => dialect.quote_string(s),
        cairn_ir::Default::Expr(e) => e.0.clone(),
    }
}

/// `varchar(255)` -> [255]; `decimal(10, 2)` -> [10, 2] (SQLite keeps declared types as text).
fn decl_numbers(decl: &str) -> Vec<i64> {
    let Some(open) = decl.find('(') else {
        return Vec::new();
    };
    let close = decl[open..].find(')').map_or(decl.len(), |c| open + c);
    decl[open + 1..close]
        .split(',')
        .filter_map(|x| x.trim().parse::<i64>().ok())
        .collect()
}

fn type_size(t: &ColumnType) -> Option<i64> {
    let n = match t {
        ColumnType::Postgres(PgType::Varchar(n) | PgType::Char(n)) => *n,
        ColumnType::Postgres(PgType::Bit { len, .. }) => *len,
        ColumnType::Mysql(MyType::Char(n) | MyType::Binary(n) | MyType::Bit(n)) => *n,
        ColumnType::Mysql(MyType::Varchar(n) | MyType::Varbinary(n)) => Some(*n),
        ColumnType::Sqlite(s) => {
            let c = t.category();
            if matches!(c, TypeCategory::Text | TypeCategory::Binary) {
                return decl_numbers(&s.decl).first().copied();
            }
            None
        }
        _ => None,
    };
    n.map(i64::from)
}

fn type_precision(t: &ColumnType) -> Option<i64> {
    let n = match t {
        ColumnType::Postgres(
            PgType::Numeric { precision, .. }
            | PgType::Time { precision, .. }
            | PgType::Timestamp { precision, .. }
            | PgType::Interval { precision, .. },
        ) => *precision,
        ColumnType::Mysql(MyType::Decimal { precision, .. } | MyType::Float { precision, .. }) => {
            *precision
        }
        ColumnType::Mysql(MyType::Datetime(p) | MyType::Timestamp(p) | MyType::Time(p)) => *p,
        ColumnType::Sqlite(s) if t.category() == TypeCategory::Numeric => {
            return decl_numbers(&s.decl).first().copied();
        }
        _ => None,
    };
    n.map(i64::from)
}

fn type_scale(t: &ColumnType) -> Option<i64> {
    match t {
        ColumnType::Postgres(PgType::Numeric { scale, .. })
        | ColumnType::Mysql(MyType::Decimal { scale, .. }) => scale.map(i64::from),
        ColumnType::Sqlite(s) if t.category() == TypeCategory::Numeric => {
            decl_numbers(&s.decl).get(1).copied()
        }
        _ => None,
    }
}

fn method_name(m: &IndexMethod) -> String {
    match m {
        IndexMethod::Default => "btree".into(),
        IndexMethod::Hash => "hash".into(),
        IndexMethod::Gin => "gin".into(),
        IndexMethod::Gist => "gist".into(),
        IndexMethod::SpGist => "spgist".into(),
        IndexMethod::Brin => "brin".into(),
        IndexMethod::Fulltext => "fulltext".into(),
        IndexMethod::Spatial => "spatial".into(),
        IndexMethod::Other(s) => s.to_ascii_lowercase(),
    }
}

fn part_text(p: &IndexPart) -> &str {
    match &p.key {
        IndexKey::Column(c) => c,
        IndexKey::Expr(e) => e.as_str(),
    }
}

impl<'a> Ev<'a> {
    /// Field `name` of `o`; `null` when the object has no such field.
    pub(super) fn field(&self, o: Obj<'a>, name: &str) -> Value<'a> {
        match o {
            Obj::State(sd) => self.state_field_cached(sd, name),
            Obj::Schema(sd, s) => self.schema_field(sd, s, name),
            Obj::Table(sd, sch, t) => self.table_field(sd, sch, t, name),
            Obj::Column(sd, sch, tc, c) => self.column_field(sd, sch, tc, c, name),
            Obj::Type(sd, sch, t) => self.type_field(sd, sch, t, name),
            Obj::Index(sd, sch, tc, i) => match name {
                "name" => b(&i.name),
                "table" => obj_or_null(tc.and_then(|tc| self.table_of(sd, sch, tc))),
                "unique" => Value::Bool(i.unique),
                "columns" => list(i.parts.iter().map(|p| b(part_text(p)))),
                "parts" => list(i.parts.iter().map(|p| Value::Obj(Obj::IndexPart(p)))),
                "where" => i.predicate.as_ref().map_or(Value::Null, |e| b(e.as_str())),
                "method" => owned(method_name(&i.method)),
                "include" => strs(&i.include),
                "comment" => opt_str(&i.comment),
                "constraint" => Value::Bool(i.constraint),
                "renamed_from" => opt_str(&i.renamed_from),
                _ => Value::Null,
            },
            Obj::IndexPart(p) => match name {
                "column" => match &p.key {
                    IndexKey::Column(c) => b(c),
                    IndexKey::Expr(_) => Value::Null,
                },
                "expr" => match &p.key {
                    IndexKey::Expr(e) => b(e.as_str()),
                    IndexKey::Column(_) => Value::Null,
                },
                "desc" => Value::Bool(p.desc),
                _ => Value::Null,
            },
            Obj::PrimaryKey(sd, sch, tc, pk) => match name {
                "name" => match &pk.name {
                    Some(n) => b(n),
                    None => self
                        .dialect
                        .implicit_primary_key_name(tc.name())
                        .map_or(Value::Null, owned),
                },
                "table" => obj_or_null(self.table_of(sd, sch, tc)),
                "columns" => strs(&pk.columns),
                _ => Value::Null,
            },
            Obj::ForeignKey(sd, sch, tc, fk) => match name {
                "name" => self.fk_name(sd, sch, tc, fk).map_or(Value::Null, owned),
                "table" => obj_or_null(self.table_of(sd, sch, tc)),
                "columns" => strs(&fk.columns),
                "ref_table" => obj_or_null(self.table(
                    sd,
                    fk.ref_table.schema.as_deref().unwrap_or(sch),
                    &fk.ref_table.name,
                )),
                "ref_table_name" => owned(format!(
                    "{}.{}",
                    fk.ref_table.schema.as_deref().unwrap_or(sch),
                    fk.ref_table.name
                )),
                "ref_columns" => strs(&fk.ref_columns),
                "on_delete" => b(fk.on_delete.sql()),
                "on_update" => b(fk.on_update.sql()),
                "deferrable" => Value::Bool(fk.deferrable != Deferrable::No),
                "not_valid" => Value::Bool(fk.not_valid),
                _ => Value::Null,
            },
            Obj::Check(sd, sch, tc, c) => match name {
                "name" => match &c.name {
                    Some(n) => b(n),
                    None => {
                        let ordinal = self
                            .table_ref(sd, sch, tc)
                            .and_then(|t| {
                                t.checks
                                    .iter()
                                    .filter(|x| x.name.is_none())
                                    .position(|x| std::ptr::eq(x, c))
                            })
                            .unwrap_or(0)
                            + 1;
                        self.dialect
                            .implicit_check_name(tc.name(), None, ordinal)
                            .map_or(Value::Null, owned)
                    }
                },
                "table" => obj_or_null(self.table_of(sd, sch, tc)),
                "expr" => b(c.expr.as_str()),
                "enforced" => Value::Bool(c.enforced),
                "not_valid" => Value::Bool(c.not_valid),
                _ => Value::Null,
            },
            Obj::View(sd, sch, v, mat) => match name {
                "name" => b(&v.name),
                "schema" => obj_or_null(self.schema(sd, sch)),
                "definition" => b(&v.definition),
                "columns" => strs(&v.columns),
                "comment" => opt_str(&v.comment),
                "security_invoker" => v.security_invoker.map_or(Value::Null, Value::Bool),
                "materialized" => Value::Bool(mat),
                "uses" | "uses_columns" => {
                    self.uses_field(sd, sch, uses::Sql::View(v), name == "uses_columns")
                }
                "indexes" => list(
                    v.indexes
                        .iter()
                        .map(|i| Value::Obj(Obj::Index(sd, sch, None, i))),
                ),
                _ => Value::Null,
            },
            Obj::Function(sd, sch, f, procedure) => match name {
                "name" => b(&f.name),
                "schema" => obj_or_null(self.schema(sd, sch)),
                "language" => b(&f.language),
                "args" => list(f.args.iter().map(|a| Value::Obj(Obj::FunctionArg(a)))),
                "returns" => opt_str(&f.returns),
                "volatility" => b(match f.volatility {
                    Volatility::Volatile => "volatile",
                    Volatility::Stable => "stable",
                    Volatility::Immutable => "immutable",
                }),
                "security_definer" => Value::Bool(f.security_definer),
                "body" => b(&f.body),
                "procedure" => Value::Bool(procedure),
                "uses" | "uses_columns" => {
                    self.uses_field(sd, sch, uses::Sql::Function(f), name == "uses_columns")
                }
                "spliced_executes" => uses::spliced_executes(f),
                _ => Value::Null,
            },
            Obj::FunctionArg(a) => match name {
                "name" => opt_str(&a.name),
                "type" => b(&a.ty),
                "mode" => b(match a.mode {
                    ArgMode::In => "in",
                    ArgMode::Out => "out",
                    ArgMode::InOut => "inout",
                    ArgMode::Variadic => "variadic",
                }),
                "default" => a.default.as_ref().map_or(Value::Null, |e| b(e.as_str())),
                _ => Value::Null,
            },
            Obj::Trigger(sd, sch, tc, tr) => match name {
                "name" => b(&tr.name),
                "table" => obj_or_null(self.table_of(sd, sch, tc)),
                "timing" => b(match tr.timing {
                    TriggerTiming::Before => "before",
                    TriggerTiming::After => "after",
                    TriggerTiming::InsteadOf => "instead_of",
                }),
                "events" => list(tr.events.iter().map(|e| {
                    b(match e {
                        TriggerEvent::Insert => "insert",
                        TriggerEvent::Update { .. } => "update",
                        TriggerEvent::Delete => "delete",
                        TriggerEvent::Truncate => "truncate",
                    })
                })),
                "for_each_row" => Value::Bool(tr.for_each_row),
                "function" => tr
                    .function
                    .as_ref()
                    .map_or(Value::Null, |q| owned(q.display())),
                "when" => tr.when.as_ref().map_or(Value::Null, |e| b(e.as_str())),
                _ => Value::Null,
            },
            Obj::Sequence(sd, sch, s) => match name {
                "name" => b(&s.name),
                "schema" => obj_or_null(self.schema(sd, sch)),
                "start" => opt_int(s.start),
                "increment" => opt_int(s.increment),
                "min_value" => opt_int(s.min_value),
                "max_value" => opt_int(s.max_value),
                "cache" => opt_int(s.cache),
                "cycle" => Value::Bool(s.cycle),
                "owned_by" => s
                    .owned_by
                    .as_ref()
                    .map_or(Value::Null, |(t, c)| owned(format!("{t}.{c}"))),
                "comment" => opt_str(&s.comment),
                _ => Value::Null,
            },
            Obj::Enum(sd, sch, e) => match name {
                "name" => b(&e.name),
                "schema" => obj_or_null(self.schema(sd, sch)),
                "values" => strs(&e.values),
                "comment" => opt_str(&e.comment),
                _ => Value::Null,
            },
            Obj::Domain(sd, sch, d) => match name {
                "name" => b(&d.name),
                "schema" => obj_or_null(self.schema(sd, sch)),
                "base" => Value::Obj(Obj::Type(sd, sch, &d.base)),
                "nullable" => Value::Bool(d.nullable),
                "default" => d
                    .default
                    .as_ref()
                    .map_or(Value::Null, |x| owned(default_sql(x, self.dialect))),
                "checks" => list(d.checks.iter().map(|c| b(c.expr.as_str()))),
                "comment" => opt_str(&d.comment),
                _ => Value::Null,
            },
            Obj::Extension(sd, sch, e) => match name {
                "name" => b(&e.name),
                "schema" => obj_or_null(self.schema(sd, sch)),
                "version" => opt_str(&e.version),
                "comment" => opt_str(&e.comment),
                _ => Value::Null,
            },
            Obj::Policy(sd, sch, tc, p) => match name {
                "name" => b(&p.name),
                "table" => obj_or_null(self.table_of(sd, sch, tc)),
                "command" => b(match p.command {
                    PolicyCommand::All => "all",
                    PolicyCommand::Select => "select",
                    PolicyCommand::Insert => "insert",
                    PolicyCommand::Update => "update",
                    PolicyCommand::Delete => "delete",
                }),
                "roles" => strs(&p.roles),
                "permissive" => Value::Bool(p.permissive),
                "using" => p.using.as_ref().map_or(Value::Null, |e| b(e.as_str())),
                "check" => p.check.as_ref().map_or(Value::Null, |e| b(e.as_str())),
                "uses" | "uses_columns" => self.uses_field(
                    sd,
                    sch,
                    uses::Sql::Policy(tc.name(), p),
                    name == "uses_columns",
                ),
                _ => Value::Null,
            },
            Obj::Role(sd, r) => match name {
                "name" => b(&r.name),
                "login" => Value::Bool(r.login),
                "superuser" => Value::Bool(r.superuser),
                "create_db" => Value::Bool(r.create_db),
                "create_role" => Value::Bool(r.create_role),
                "bypass_rls" => Value::Bool(r.bypass_rls),
                "replication" => Value::Bool(r.replication),
                "inherit" => Value::Bool(r.inherit),
                "conn_limit" => opt_int(r.conn_limit),
                "member_of" => strs(&r.member_of),
                "password_set" => Value::Bool(r.password_set),
                "external" => Value::Bool(r.external),
                "comment" => opt_str(&r.comment),
                "permissions" => {
                    let before = Self::side_is_before(sd);
                    let sdx = if before { Sd::Before } else { Sd::After };
                    list(
                        self.ix(before)
                            .perms_grantee
                            .get(&r.name)
                            .into_iter()
                            .flatten()
                            .map(|p| Value::Obj(Obj::Permission(sdx, p))),
                    )
                }
                _ => Value::Null,
            },
            Obj::Permission(sd, p) => self.permission_field(sd, p, name),
            Obj::Change(i) => self.change_field(i, name),
            Obj::Changed(i) => {
                let changed = match self.plan.and_then(|p| p.changes.get(i)) {
                    Some(Change::ModifyColumn { changed, .. }) => *changed,
                    _ => ColumnChanges::default(),
                };
                match name {
                    "type" => Value::Bool(changed.ty),
                    "nullable" => Value::Bool(changed.nullable),
                    "default" => Value::Bool(changed.default),
                    "identity" => Value::Bool(changed.identity),
                    "generated" => Value::Bool(changed.generated),
                    "collation" => Value::Bool(changed.collation),
                    "comment" => Value::Bool(changed.comment),
                    "auto_increment" => Value::Bool(changed.auto_increment),
                    "options" => Value::Bool(changed.ext),
                    "names" => list(changed.names().into_iter().map(b)),
                    _ => Value::Null,
                }
            }
            Obj::Statement(i) => self.statement_field(i, name),
            Obj::File => self.file_field(name),
            Obj::FileStatement(i) => self.file_statement_field(i, name),
        }
    }

    fn file_field(&self, name: &str) -> Value<'a> {
        let Some(f) = self.file else {
            return Value::Null;
        };
        match name {
            "path" => b(&f.path),
            "directives" => list(f.directives.iter().map(|d| b(d))),
            "transactional" => Value::Bool(f.transactional),
            "statements" => {
                list((0..f.statements.len()).map(|i| Value::Obj(Obj::FileStatement(i))))
            }
            _ => Value::Null,
        }
    }

    fn file_statement_field(&self, i: usize, name: &str) -> Value<'a> {
        let Some(f) = self.file else {
            return Value::Null;
        };
        let Some(s) = f.statements.get(i) else {
            return Value::Null;
        };
        match name {
            "sql" => b(&s.sql),
            "ordinal" => Value::Int(i as i64 + 1),
            "directives" => list(s.directives.iter().map(|d| b(d))),
            "settings" => list(s.settings.iter().map(|(n, v)| owned(format!("{n}={v}")))),
            "lock_timeout" => s.setting("lock_timeout").map_or(Value::Null, b),
            "statement_timeout" => s.setting("statement_timeout").map_or(Value::Null, b),
            "lock_wait_timeout" => s.setting("lock_wait_timeout").map_or(Value::Null, b),
            "changes" => list(s.changes.iter().map(|c| Value::Obj(Obj::Change(*c)))),
            "enum_value_added" | "enum_value_position" | "inline_references" => {
                let facts = s
                    .facts
                    .get_or_init(|| super::super::facts::statement_facts(&s.sql, self.dialect));
                match name {
                    "enum_value_added" => opt_str(&facts.enum_value_added),
                    "enum_value_position" => opt_str(&facts.enum_value_position),
                    _ => strs(&facts.inline_references),
                }
            }
            _ => Value::Null,
        }
    }

    fn schema_field(&self, sd: Sd, s: &'a Schema, name: &str) -> Value<'a> {
        let sch = s.name.as_str();
        match name {
            "name" => b(&s.name),
            "comment" => opt_str(&s.comment),
            "owner" => opt_str(&s.owner),
            "tables" => list(s.tables.iter().map(|t| Value::Obj(Obj::Table(sd, sch, t)))),
            "views" => list(
                s.views
                    .iter()
                    .map(|v| Value::Obj(Obj::View(sd, sch, v, false))),
            ),
            "materialized_views" => list(
                s.materialized_views
                    .iter()
                    .map(|v| Value::Obj(Obj::View(sd, sch, v, true))),
            ),
            "functions" => list(
                s.functions
                    .iter()
                    .map(|f| Value::Obj(Obj::Function(sd, sch, f, false))),
            ),
            "procedures" => list(
                s.procedures
                    .iter()
                    .map(|f| Value::Obj(Obj::Function(sd, sch, f, true))),
            ),
            "sequences" => list(
                s.sequences
                    .iter()
                    .map(|x| Value::Obj(Obj::Sequence(sd, sch, x))),
            ),
            "enums" => list(s.enums.iter().map(|x| Value::Obj(Obj::Enum(sd, sch, x)))),
            "domains" => list(
                s.domains
                    .iter()
                    .map(|x| Value::Obj(Obj::Domain(sd, sch, x))),
            ),
            "extensions" => list(
                s.extensions
                    .iter()
                    .map(|x| Value::Obj(Obj::Extension(sd, sch, x))),
            ),
            _ => Value::Null,
        }
    }

    fn table_perms(&self, sd: Sd, sch: &str, table: &str) -> Value<'a> {
        let before = Self::side_is_before(sd);
        let sdx = if before { Sd::Before } else { Sd::After };
        let k = (self.key(sch), self.key(table));
        list(
            self.ix(before)
                .perms_table
                .get(&k)
                .into_iter()
                .flatten()
                .map(|p| Value::Obj(Obj::Permission(sdx, p))),
        )
    }

    fn table_field(&self, sd: Sd, sch: &'a str, t: &'a Table, name: &str) -> Value<'a> {
        let tc = Tc::T(t);
        match name {
            "name" => b(&t.name),
            "schema" => obj_or_null(self.schema(sd, sch)),
            "qualified_name" => owned(format!("{sch}.{}", t.name)),
            "padding" | "best_padding" => {
                if self.dialect != Dialect::Postgres {
                    return Value::Null;
                }
                let layouts: Vec<Option<Layout>> = t
                    .columns
                    .iter()
                    .map(|c| self.pg_layout(sd, sch, &c.ty, 0))
                    .collect();
                opt_int(if name == "padding" {
                    row_padding(&layouts)
                } else {
                    best_row_padding(&layouts)
                })
            }
            "comment" => opt_str(&t.comment),
            "columns" => list(
                t.columns
                    .iter()
                    .map(|c| Value::Obj(Obj::Column(sd, sch, tc, c))),
            ),
            "primary_key" => t.primary_key.as_ref().map_or(Value::Null, |pk| {
                Value::Obj(Obj::PrimaryKey(sd, sch, tc, pk))
            }),
            "indexes" => list(
                t.indexes
                    .iter()
                    .map(|i| Value::Obj(Obj::Index(sd, sch, Some(tc), i))),
            ),
            "foreign_keys" => list(
                t.foreign_keys
                    .iter()
                    .map(|f| Value::Obj(Obj::ForeignKey(sd, sch, tc, f))),
            ),
            "checks" => list(
                t.checks
                    .iter()
                    .map(|c| Value::Obj(Obj::Check(sd, sch, tc, c))),
            ),
            "triggers" => list(
                t.triggers
                    .iter()
                    .map(|x| Value::Obj(Obj::Trigger(sd, sch, tc, x))),
            ),
            "policies" => list(
                t.policies
                    .iter()
                    .map(|x| Value::Obj(Obj::Policy(sd, sch, tc, x))),
            ),
            "permissions" => self.table_perms(sd, sch, &t.name),
            "rls_enabled" => Value::Bool(t.row_security.enabled),
            "rls_forced" => Value::Bool(t.row_security.forced),
            "partitioned" => Value::Bool(
                t.partition_by.is_some()
                    || matches!(&t.ext, TableExt::Mysql(m) if m.partitioning.is_some()),
            ),
            "partition_of" => t
                .partition_of
                .as_ref()
                .map_or(Value::Null, |p| owned(p.parent.display())),
            "rows" => u64_int(t.rows),
            "renamed_from" => opt_str(&t.renamed_from),
            "unlogged" => Value::Bool(matches!(&t.ext, TableExt::Postgres(p) if p.unlogged)),
            "access_method" => match &t.ext {
                TableExt::Postgres(p) => opt_str(&p.access_method),
                _ => Value::Null,
            },
            "storage_params" => match &t.ext {
                TableExt::Postgres(p) => list(
                    p.storage_params
                        .iter()
                        .map(|(k, v)| owned(format!("{k}={v}"))),
                ),
                _ => list(std::iter::empty()),
            },
            "replica_identity" => match &t.ext {
                TableExt::Postgres(p) => opt_str(&p.replica_identity),
                _ => Value::Null,
            },
            "engine" | "charset" | "collation" => match &t.ext {
                TableExt::Mysql(m) => opt_str(match name {
                    "engine" => &m.engine,
                    "charset" => &m.charset,
                    _ => &m.collation,
                }),
                _ => Value::Null,
            },
            "system_versioned" => {
                Value::Bool(matches!(&t.ext, TableExt::Mysql(m) if m.system_versioned))
            }
            _ => Value::Null,
        }
    }

    fn column_field(
        &self,
        sd: Sd,
        sch: &'a str,
        tc: Tc<'a>,
        c: &'a Column,
        name: &str,
    ) -> Value<'a> {
        match name {
            "name" => b(&c.name),
            "table" => obj_or_null(self.table_of(sd, sch, tc)),
            "type" => Value::Obj(Obj::Type(sd, sch, &c.ty)),
            "nullable" => Value::Bool(c.nullable),
            "default" => c
                .default
                .as_ref()
                .map_or(Value::Null, |d| owned(default_sql(d, self.dialect))),
            "identity" => Value::Bool(c.identity.is_some()),
            "auto_increment" => Value::Bool(c.auto_increment),
            "generated" => c
                .generated
                .as_ref()
                .map_or(Value::Null, |g| b(g.expr.as_str())),
            "collation" => opt_str(&c.collation),
            "comment" => opt_str(&c.comment),
            "renamed_from" => opt_str(&c.renamed_from),
            "permissions" => {
                let before = Self::side_is_before(sd);
                let sdx = if before { Sd::Before } else { Sd::After };
                let k = (self.key(sch), self.key(tc.name()), self.key(&c.name));
                list(
                    self.ix(before)
                        .perms_column
                        .get(&k)
                        .into_iter()
                        .flatten()
                        .map(|p| Value::Obj(Obj::Permission(sdx, p))),
                )
            }
            "stored" => Value::Bool(c.generated.as_ref().is_some_and(|g| g.stored)),
            "charset" => match &c.ext {
                ColumnExt::Mysql(m) => opt_str(&m.charset),
                _ => Value::Null,
            },
            // A change's column (an added one) is placed in the desired state's table.
            "position" => Value::Int(
                match sd {
                    Sd::Change(_) => self
                        .table_ref(Sd::After, sch, tc)
                        .or_else(|| self.table_ref(sd, sch, tc)),
                    _ => self.table_ref(sd, sch, tc),
                }
                .and_then(|t| {
                    t.columns
                        .iter()
                        .position(|x| std::ptr::eq(x, c))
                        .or_else(|| {
                            t.columns
                                .iter()
                                .position(|x| self.dialect.idents_equal(&x.name, &c.name))
                        })
                })
                .map_or(0, |p| p as i64 + 1),
            ),
            "in_primary_key" => Value::Bool(
                self.table_ref(sd, sch, tc)
                    .and_then(|t| t.primary_key.as_ref())
                    .is_some_and(|pk| {
                        pk.columns
                            .iter()
                            .any(|x| self.dialect.idents_equal(x, &c.name))
                    }),
            ),
            _ => Value::Null,
        }
    }

    /// The PostgreSQL storage layout of a column type; enums and domains resolved in the state
    /// `sd` reads (`None` for other dialects and unknown types).
    fn pg_layout(&self, sd: Sd, sch: &str, t: &ColumnType, depth: u8) -> Option<Layout> {
        let ColumnType::Postgres(pg) = t else {
            return None;
        };
        let named = |q: &QualifiedName| -> Option<Layout> {
            let schema = q.schema.as_deref().unwrap_or(sch);
            let k = (self.key(schema), self.key(&q.name));
            let is_enum = |before: bool| self.ix(before).enums.contains_key(&k);
            let before = matches!(sd, Sd::Before);
            if is_enum(before) || (matches!(sd, Sd::Change(_)) && is_enum(true)) {
                return Some(Layout {
                    length: Some(4),
                    align: 4,
                });
            }
            let realm = self.realm(sd);
            let dom = realm
                .schemas
                .iter()
                .find(|s| self.key(&s.name) == k.0)?
                .domains
                .iter()
                .find(|d| self.key(&d.name) == k.1)?;
            if depth > 4 {
                return None;
            }
            self.pg_layout(sd, schema, &dom.base, depth + 1)
        };
        crate::rules::facts::pg_layout(pg, &named)
    }

    fn type_field(&self, sd: Sd, sch: &'a str, t: &'a ColumnType, name: &str) -> Value<'a> {
        let named_enum = || -> Option<(Sd, &'a str, &'a Enum)> {
            let ColumnType::Postgres(PgType::Named(q)) = t else {
                return None;
            };
            let k = (
                self.key(q.schema.as_deref().unwrap_or(sch)),
                self.key(&q.name),
            );
            let find = |before: bool| {
                self.ix(before)
                    .enums
                    .get(&k)
                    .map(|(s, e)| (if before { Sd::Before } else { Sd::After }, *s, *e))
            };
            match sd {
                Sd::Before => find(true),
                Sd::After => find(false),
                Sd::Change(_) => find(true).or_else(|| find(false)),
            }
        };
        match name {
            "name" => owned(t.sql()),
            "category" => {
                let c = match named_enum() {
                    Some(_) => TypeCategory::Enum,
                    None => t.category(),
                };
                b(c.name())
            }
            "size" => opt_int(type_size(t)),
            "length" => opt_int(self.pg_layout(sd, sch, t, 0).and_then(|l| l.length)),
            "alignment" => opt_int(self.pg_layout(sd, sch, t, 0).map(|l| l.align)),
            "precision" => opt_int(type_precision(t)),
            "scale" => opt_int(type_scale(t)),
            "array" => Value::Bool(matches!(t, ColumnType::Postgres(PgType::Array(_)))),
            "enum" => obj_or_null(named_enum().map(|(s, sch, e)| Obj::Enum(s, sch, e))),
            "values" => match t {
                ColumnType::Mysql(MyType::Enum(v) | MyType::Set(v)) => strs(v),
                _ => match named_enum() {
                    Some((_, _, e)) => strs(&e.values),
                    None => list([]),
                },
            },
            "unsupported" => Value::Bool(t.is_unsupported()),
            "raw" => match t {
                ColumnType::Unsupported { raw } => b(raw),
                other => owned(other.sql()),
            },
            _ => Value::Null,
        }
    }

    fn permission_field(&self, sd: Sd, p: &'a Permission, name: &str) -> Value<'a> {
        let before = Self::side_is_before(sd);
        let sdx = if before { Sd::Before } else { Sd::After };
        let default_schema = self.dialect.default_schema().unwrap_or("");
        let schema_of =
            |q: &'a QualifiedName| -> &'a str { q.schema.as_deref().unwrap_or(default_schema) };
        match name {
            "grantee" => b(&p.grantee),
            "role" => obj_or_null(
                self.ix(before)
                    .roles
                    .get(&p.grantee)
                    .map(|r| Obj::Role(sdx, r)),
            ),
            "privileges" => list(p.privileges.iter().map(|x| b(x.sql()))),
            "object_kind" => b(match &p.object {
                GrantObject::Database => "database",
                GrantObject::Schema(_) => "schema",
                GrantObject::Table(_) => "table",
                GrantObject::Columns(..) => "column",
                GrantObject::Sequence(_) => "sequence",
                GrantObject::Function(..) => "function",
                GrantObject::Procedure(..) => "procedure",
                GrantObject::Type(_) => "type",
                GrantObject::Global => "global",
            }),
            "object_name" => match &p.object {
                GrantObject::Database | GrantObject::Global => Value::Null,
                GrantObject::Schema(s) => b(s),
                GrantObject::Table(q)
                | GrantObject::Columns(q, _)
                | GrantObject::Sequence(q)
                | GrantObject::Function(q, _)
                | GrantObject::Procedure(q, _)
                | GrantObject::Type(q) => owned(q.display()),
            },
            "table" => match &p.object {
                GrantObject::Table(q) | GrantObject::Columns(q, _) => {
                    obj_or_null(self.table(sdx, schema_of(q), &q.name))
                }
                _ => Value::Null,
            },
            "column" => match &p.object {
                GrantObject::Columns(_, cols) => cols.first().map_or(Value::Null, |c| b(c)),
                _ => Value::Null,
            },
            "columns" => match &p.object {
                GrantObject::Columns(_, cols) => strs(cols),
                _ => list([]),
            },
            "schema" => match &p.object {
                GrantObject::Schema(s) => b(s),
                GrantObject::Table(q)
                | GrantObject::Columns(q, _)
                | GrantObject::Sequence(q)
                | GrantObject::Function(q, _)
                | GrantObject::Procedure(q, _)
                | GrantObject::Type(q) => q.schema.as_deref().map_or(Value::Null, b),
                _ => Value::Null,
            },
            "function" => match &p.object {
                GrantObject::Function(q, _) | GrantObject::Procedure(q, _) => {
                    let k = (self.key(schema_of(q)), self.key(&q.name));
                    obj_or_null(
                        self.ix(before)
                            .functions
                            .get(&k)
                            .map(|(s, f, pr)| Obj::Function(sdx, s, f, *pr)),
                    )
                }
                _ => Value::Null,
            },
            "grantable" => Value::Bool(p.grantable),
            _ => Value::Null,
        }
    }

    fn statement_field(&self, i: usize, name: &str) -> Value<'a> {
        let Some(s) = self.plan.and_then(|p| p.statements.get(i)) else {
            return Value::Null;
        };
        let h = &s.hazards;
        match name {
            "sql" => b(&s.sql),
            "file" => Value::Null,
            "ordinal" => Value::Int(i as i64 + 1),
            "directives" => list([]),
            "comment" => b(&s.comment),
            "reverse" => opt_str(&s.reverse),
            "changes" => list(s.changes.iter().map(|c| Value::Obj(Obj::Change(*c)))),
            "rows" => u64_int(s.rows),
            "destructive" => Value::Bool(h.destructive),
            "data_dependent" => Value::Bool(h.data_dependent),
            "backward_incompatible" => Value::Bool(h.backward_incompatible),
            "rewrites_table" => Value::Bool(h.rewrites_table),
            "lock" => opt_str(&h.lock),
            "transactional" => Value::Bool(!h.non_transactional),
            "irreversible" => Value::Bool(h.irreversible),
            _ => Value::Null,
        }
    }

    fn change_field(&self, i: usize, name: &str) -> Value<'a> {
        let Some(plan) = self.plan else {
            return Value::Null;
        };
        let Some(c) = plan.changes.get(i) else {
            return Value::Null;
        };
        let stmts = || {
            self.plan_ix()
                .statements_of
                .get(i)
                .into_iter()
                .flatten()
                .filter_map(|si| plan.statements.get(*si))
        };
        let any = |f: fn(&Hazards) -> bool| stmts().any(|s| f(&s.hazards));
        match name {
            "kind" => b(c.kind()),
            "summary" => owned(c.summary()),
            "schema" => change_schema(c).map_or(Value::Null, b),
            "name" => change_name(c).map_or(Value::Null, b),
            "from" => match c {
                Change::RenameTable { from, .. } => b(&from.name),
                Change::RenameColumn { from, .. } | Change::RenameIndex { from, .. } => b(from),
                _ => Value::Null,
            },
            "table" => obj_or_null(self.change_table(i, c)),
            "column" => obj_or_null(match c {
                Change::AddColumn { .. }
                | Change::ModifyColumn { .. }
                | Change::RenameColumn { .. } => self.change_side(i, c, true),
                Change::DropColumn { .. } => self.change_side(i, c, false),
                _ => None,
            }),
            "index" => obj_or_null(match c {
                Change::AddIndex { .. } | Change::RenameIndex { .. } => {
                    self.change_side(i, c, true)
                }
                Change::DropIndex { .. } => self.change_side(i, c, false),
                _ => None,
            }),
            "role" => obj_or_null(match c {
                Change::AddRole { .. } | Change::ModifyRole { .. } => self.change_side(i, c, true),
                Change::DropRole { .. } => self.change_side(i, c, false),
                _ => None,
            }),
            "before" => obj_or_null(self.change_side(i, c, false)),
            "after" => obj_or_null(self.change_side(i, c, true)),
            "changed" => Value::Obj(Obj::Changed(i)),
            "file_statement" => self
                .file
                .and_then(|f| f.change_statement.get(i).copied().flatten())
                .map_or(Value::Null, |s| Value::Obj(Obj::FileStatement(s))),
            "statement" => self
                .plan_ix()
                .statements_of
                .get(i)
                .and_then(|v| v.first())
                .map_or(Value::Null, |s| Value::Obj(Obj::Statement(*s))),
            "statements" => list(
                self.plan_ix()
                    .statements_of
                    .get(i)
                    .into_iter()
                    .flatten()
                    .map(|s| Value::Obj(Obj::Statement(*s))),
            ),
            "in_new_table" => Value::Bool(c.table().is_some_and(|t| {
                self.plan_ix()
                    .new_tables
                    .contains(&(self.key(&t.schema), self.key(&t.name)))
            })),
            "rows" => {
                let from_stmts = stmts().filter_map(|s| s.rows).max();
                let rows = from_stmts.or_else(|| match self.change_table(i, c) {
                    Some(Obj::Table(Sd::Before, _, t)) => t.rows,
                    _ => None,
                });
                u64_int(rows)
            }
            "destructive" => Value::Bool(
                any(|h| h.destructive) || (stmts().next().is_none() && c.is_destructive()),
            ),
            "data_dependent" => Value::Bool(any(|h| h.data_dependent)),
            "backward_incompatible" => Value::Bool(any(|h| h.backward_incompatible)),
            "rewrites_table" => Value::Bool(any(|h| h.rewrites_table)),
            "irreversible" => Value::Bool(any(|h| h.irreversible)),
            "lock" => stmts()
                .find_map(|s| s.hazards.lock.as_deref())
                .map_or(Value::Null, b),
            "transactional" => Value::Bool(!any(|h| h.non_transactional)),
            _ => Value::Null,
        }
    }

    /// The table a change touches: in the current state (with its row estimate), else in the
    /// desired state, else as the change carries it.
    fn change_table(&self, i: usize, c: &'a Change) -> Option<Obj<'a>> {
        match c {
            Change::RenameTable { from, to } => self
                .table(Sd::Before, &from.schema, &from.name)
                .or_else(|| self.table(Sd::After, &to.schema, &to.name)),
            Change::AddTable { table, def } => self
                .table(Sd::After, &table.schema, &table.name)
                .or(Some(Obj::Table(Sd::Change(i), &table.schema, def))),
            Change::DropTable { table, def } => self
                .table(Sd::Before, &table.schema, &table.name)
                .or(Some(Obj::Table(Sd::Change(i), &table.schema, def))),
            Change::ModifyTable { table, before, .. } => self
                .table(Sd::Before, &table.schema, &table.name)
                .or(Some(Obj::Table(Sd::Change(i), &table.schema, before))),
            _ => {
                let t = c.table()?;
                self.table(Sd::Before, &t.schema, &t.name)
                    .or_else(|| self.table(Sd::After, &t.schema, &t.name))
            }
        }
    }

    /// The object on one side of a change.
    fn change_side(&self, i: usize, c: &'a Change, after: bool) -> Option<Obj<'a>> {
        let sd = Sd::Change(i);
        let side = if after { Sd::After } else { Sd::Before };
        let pick = |before: Option<Obj<'a>>, after_: Option<Obj<'a>>| {
            if after { after_ } else { before }
        };
        let tc = |t: &'a TableRef| Tc::N(t.name.as_str());
        let table_in = |sd: Sd, t: &'a TableRef| match self.table(sd, &t.schema, &t.name) {
            Some(Obj::Table(_, _, tb)) => Some(tb),
            _ => None,
        };
        match c {
            Change::AddSchema { name, .. } => pick(None, self.schema(Sd::After, name)),
            Change::DropSchema { name } => pick(self.schema(Sd::Before, name), None),
            Change::ModifySchema { name, .. } => {
                pick(self.schema(Sd::Before, name), self.schema(Sd::After, name))
            }
            Change::AddTable { table, def } => pick(None, Some(Obj::Table(sd, &table.schema, def))),
            Change::DropTable { table, def } => {
                pick(Some(Obj::Table(sd, &table.schema, def)), None)
            }
            Change::RenameTable { from, to } => pick(
                self.table(Sd::Before, &from.schema, &from.name),
                self.table(Sd::After, &to.schema, &to.name),
            ),
            Change::ModifyTable {
                table,
                before,
                after: a,
            } => pick(
                Some(Obj::Table(sd, &table.schema, before)),
                Some(Obj::Table(sd, &table.schema, a)),
            ),
            Change::SetRowSecurity { table, .. } => self.table(side, &table.schema, &table.name),
            Change::AddColumn { table, column } => pick(
                None,
                Some(Obj::Column(sd, &table.schema, tc(table), column)),
            ),
            Change::DropColumn { table, column } => pick(
                Some(Obj::Column(sd, &table.schema, tc(table), column)),
                None,
            ),
            Change::ModifyColumn {
                table,
                before,
                after: a,
                ..
            } => pick(
                Some(Obj::Column(sd, &table.schema, tc(table), before)),
                Some(Obj::Column(sd, &table.schema, tc(table), a)),
            ),
            Change::RenameColumn { table, from, to } => {
                let name = if after { to } else { from };
                let t = table_in(side, table)?;
                let col = t.column(name)?;
                Some(Obj::Column(side, &table.schema, Tc::T(t), col))
            }
            Change::AddIndex { table, index } => pick(
                None,
                Some(Obj::Index(sd, &table.schema, Some(tc(table)), index)),
            ),
            Change::DropIndex { table, index } => pick(
                Some(Obj::Index(sd, &table.schema, Some(tc(table)), index)),
                None,
            ),
            Change::RenameIndex { table, from, to } => {
                let name = if after { to } else { from };
                let t = table_in(side, table)?;
                let idx = t.index(name)?;
                Some(Obj::Index(side, &table.schema, Some(Tc::T(t)), idx))
            }
            Change::AddPrimaryKey { table, key } => pick(
                None,
                Some(Obj::PrimaryKey(sd, &table.schema, tc(table), key)),
            ),
            Change::DropPrimaryKey { table, key } => pick(
                Some(Obj::PrimaryKey(sd, &table.schema, tc(table), key)),
                None,
            ),
            Change::AddForeignKey { table, fk } => pick(
                None,
                Some(Obj::ForeignKey(sd, &table.schema, tc(table), fk)),
            ),
            Change::DropForeignKey { table, fk } => pick(
                Some(Obj::ForeignKey(sd, &table.schema, tc(table), fk)),
                None,
            ),
            Change::AddCheck { table, check } => {
                pick(None, Some(Obj::Check(sd, &table.schema, tc(table), check)))
            }
            Change::DropCheck { table, check } => {
                pick(Some(Obj::Check(sd, &table.schema, tc(table), check)), None)
            }
            // Both sides are the constraint as it is (still NOT VALID on the `before` side).
            Change::ValidateCheck { table, check } => {
                Some(Obj::Check(sd, &table.schema, tc(table), check))
            }
            Change::ValidateForeignKey { table, fk } => {
                Some(Obj::ForeignKey(sd, &table.schema, tc(table), fk))
            }
            Change::AddExclude { .. } | Change::DropExclude { .. } => None,
            Change::AddTrigger { table, trigger } => pick(
                None,
                Some(Obj::Trigger(sd, &table.schema, tc(table), trigger)),
            ),
            Change::DropTrigger { table, trigger } => pick(
                Some(Obj::Trigger(sd, &table.schema, tc(table), trigger)),
                None,
            ),
            Change::AddPolicy { table, policy } => pick(
                None,
                Some(Obj::Policy(sd, &table.schema, tc(table), policy)),
            ),
            Change::DropPolicy { table, policy } => pick(
                Some(Obj::Policy(sd, &table.schema, tc(table), policy)),
                None,
            ),
            Change::ModifyPolicy {
                table,
                before,
                after: a,
            } => pick(
                Some(Obj::Policy(sd, &table.schema, tc(table), before)),
                Some(Obj::Policy(sd, &table.schema, tc(table), a)),
            ),
            Change::AddView {
                schema,
                view,
                materialized,
            } => pick(None, Some(Obj::View(sd, schema, view, *materialized))),
            Change::DropView {
                schema,
                view,
                materialized,
            } => pick(Some(Obj::View(sd, schema, view, *materialized)), None),
            Change::ModifyView {
                schema,
                before,
                after: a,
                materialized,
            } => pick(
                Some(Obj::View(sd, schema, before, *materialized)),
                Some(Obj::View(sd, schema, a, *materialized)),
            ),
            Change::AddFunction {
                schema,
                function,
                procedure,
            } => pick(None, Some(Obj::Function(sd, schema, function, *procedure))),
            Change::DropFunction {
                schema,
                function,
                procedure,
            } => pick(Some(Obj::Function(sd, schema, function, *procedure)), None),
            Change::ModifyFunction {
                schema,
                before,
                after: a,
                procedure,
            } => pick(
                Some(Obj::Function(sd, schema, before, *procedure)),
                Some(Obj::Function(sd, schema, a, *procedure)),
            ),
            Change::AddSequence { schema, sequence } => {
                pick(None, Some(Obj::Sequence(sd, schema, sequence)))
            }
            Change::DropSequence { schema, sequence } => {
                pick(Some(Obj::Sequence(sd, schema, sequence)), None)
            }
            Change::ModifySequence {
                schema,
                before,
                after: a,
            } => pick(
                Some(Obj::Sequence(sd, schema, before)),
                Some(Obj::Sequence(sd, schema, a)),
            ),
            Change::AddEnum { schema, def } => pick(None, Some(Obj::Enum(sd, schema, def))),
            Change::DropEnum { schema, def } => pick(Some(Obj::Enum(sd, schema, def)), None),
            Change::ModifyEnum {
                schema,
                before,
                after: a,
            } => pick(
                Some(Obj::Enum(sd, schema, before)),
                Some(Obj::Enum(sd, schema, a)),
            ),
            Change::AddEnumValue { schema, name, .. } => {
                let k = (self.key(schema), self.key(name));
                self.ix(!after)
                    .enums
                    .get(&k)
                    .map(|(s, e)| Obj::Enum(side, s, e))
            }
            Change::AddDomain { schema, def } => pick(None, Some(Obj::Domain(sd, schema, def))),
            Change::DropDomain { schema, def } => pick(Some(Obj::Domain(sd, schema, def)), None),
            Change::ModifyDomain {
                schema,
                before,
                after: a,
            } => pick(
                Some(Obj::Domain(sd, schema, before)),
                Some(Obj::Domain(sd, schema, a)),
            ),
            Change::AddExtension { schema, def } => {
                pick(None, Some(Obj::Extension(sd, schema, def)))
            }
            Change::DropExtension { schema, def } => {
                pick(Some(Obj::Extension(sd, schema, def)), None)
            }
            Change::AddRole { role } => pick(None, Some(Obj::Role(sd, role))),
            Change::DropRole { role } => pick(Some(Obj::Role(sd, role)), None),
            Change::ModifyRole { before, after: a } => {
                pick(Some(Obj::Role(sd, before)), Some(Obj::Role(sd, a)))
            }
            Change::Grant { permission } => pick(None, Some(Obj::Permission(sd, permission))),
            Change::Revoke { permission, .. } => pick(Some(Obj::Permission(sd, permission)), None),
            Change::AddDefaultPrivilege { .. }
            | Change::DropDefaultPrivilege { .. }
            | Change::AddEvent { .. }
            | Change::DropEvent { .. }
            | Change::ModifyEvent { .. } => None,
        }
    }
}

fn change_schema(c: &Change) -> Option<&str> {
    use Change::*;
    if let Some(t) = c.table() {
        return Some(&t.schema);
    }
    match c {
        AddSchema { name, .. } | DropSchema { name } | ModifySchema { name, .. } => Some(name),
        AddView { schema, .. }
        | DropView { schema, .. }
        | ModifyView { schema, .. }
        | AddFunction { schema, .. }
        | DropFunction { schema, .. }
        | ModifyFunction { schema, .. }
        | AddSequence { schema, .. }
        | DropSequence { schema, .. }
        | ModifySequence { schema, .. }
        | AddEnum { schema, .. }
        | DropEnum { schema, .. }
        | AddEnumValue { schema, .. }
        | ModifyEnum { schema, .. }
        | AddDomain { schema, .. }
        | DropDomain { schema, .. }
        | ModifyDomain { schema, .. }
        | AddExtension { schema, .. }
        | DropExtension { schema, .. }
        | AddEvent { schema, .. }
        | DropEvent { schema, .. }
        | ModifyEvent { schema, .. } => Some(schema),
        _ => None,
    }
}

fn change_name(c: &Change) -> Option<&str> {
    use Change::*;
    Some(match c {
        AddSchema { name, .. } | DropSchema { name } | ModifySchema { name, .. } => name,
        AddTable { table, .. }
        | DropTable { table, .. }
        | ModifyTable { table, .. }
        | SetRowSecurity { table, .. } => &table.name,
        RenameTable { to, .. } => &to.name,
        AddColumn { column, .. } | DropColumn { column, .. } => &column.name,
        ModifyColumn { after, .. } => &after.name,
        RenameColumn { to, .. } | RenameIndex { to, .. } => to,
        AddIndex { index, .. } | DropIndex { index, .. } => &index.name,
        AddPrimaryKey { key, .. } | DropPrimaryKey { key, .. } => key.name.as_deref()?,
        AddForeignKey { fk, .. } | DropForeignKey { fk, .. } | ValidateForeignKey { fk, .. } => {
            fk.name.as_deref()?
        }
        AddCheck { check, .. } | DropCheck { check, .. } | ValidateCheck { check, .. } => {
            check.name.as_deref()?
        }
        AddExclude { exclude, .. } | DropExclude { exclude, .. } => exclude.name.as_deref()?,
        AddTrigger { trigger, .. } | DropTrigger { trigger, .. } => &trigger.name,
        AddPolicy { policy, .. } | DropPolicy { policy, .. } => &policy.name,
        ModifyPolicy { after, .. } => &after.name,
        AddView { view, .. } | DropView { view, .. } => &view.name,
        ModifyView { after, .. } => &after.name,
        AddFunction { function, .. } | DropFunction { function, .. } => &function.name,
        ModifyFunction { after, .. } => &after.name,
        AddSequence { sequence, .. } | DropSequence { sequence, .. } => &sequence.name,
        ModifySequence { after, .. } => &after.name,
        AddEnum { def, .. } | DropEnum { def, .. } => &def.name,
        AddEnumValue { name, .. } => name,
        ModifyEnum { after, .. } => &after.name,
        AddDomain { def, .. } | DropDomain { def, .. } => &def.name,
        ModifyDomain { after, .. } => &after.name,
        AddExtension { def, .. } | DropExtension { def, .. } => &def.name,
        AddRole { role } | DropRole { role } => &role.name,
        ModifyRole { after, .. } => &after.name,
        Grant { permission } | Revoke { permission, .. } => &permission.grantee,
        AddDefaultPrivilege { def } | DropDefaultPrivilege { def } => &def.grantee,
        AddEvent { event, .. } | DropEvent { event, .. } => event.name.as_deref()?,
        ModifyEvent { after, .. } => after.name.as_deref()?,
    })
}
