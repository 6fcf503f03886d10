//! Schema-level objects other than tables: schemas, views, routines, triggers, sequences, types,
//! domains, extensions, comments, and the statements kept as unsupported.

use cairn_ir::{
    ArgMode, Check, ColumnType, Composite, Domain, Enum, Extension, FuncArg, Function, ObjectPath,
    QualifiedName, Sequence, Trigger, TriggerEvent, TriggerTiming, View, Volatility,
};
use cairn_syntax::sql::{self as syn};
use sqlparser::ast;

use super::table::{display, lower_default};
use super::{E_DUPLICATE, E_UNKNOWN_OBJECT, ObjectKindRef, Replay};

impl Replay {
    pub(super) fn create_schema(&mut self, name: &ast::SchemaName, if_not_exists: bool) {
        let (n, owner) = match name {
            ast::SchemaName::Simple(n) => (n, None),
            ast::SchemaName::NamedAuthorization(n, o) => (n, Some(self.ident(o))),
            ast::SchemaName::UnnamedAuthorization(o) => {
                let o = self.ident(o);
                self.create_schema_named(&o, if_not_exists, Some(o.clone()));
                return;
            }
        };
        let name = self.qname(n).1;
        self.create_schema_named(&name, if_not_exists, owner);
    }

    fn create_schema_named(&mut self, name: &str, if_not_exists: bool, owner: Option<String>) {
        let span = self.find_span(name);
        // The default schema exists before any statement runs.
        let predefined = self.dialect.default_schema() == Some(name);
        // A schema only named so far (`CREATE TABLE foo.t` above `CREATE SCHEMA foo`, as a
        // dump loader accepts it) is created here, not twice.
        let created = !self.created_schemas.insert(name.to_string());
        if created && !predefined && !if_not_exists {
            self.error(E_DUPLICATE, span, format!("schema {name} already exists"));
            return;
        }
        if let Some(o) = &owner {
            self.mention_role(o);
        }
        let s = self.realm.schema_or_insert(name);
        if owner.is_some() {
            s.owner = owner;
        }
        self.map(ObjectPath::Schema(name.to_string()), span);
    }

    pub(super) fn create_database(
        &mut self,
        name: &ast::ObjectName,
        if_not_exists: bool,
        charset: &Option<String>,
        collation: &Option<String>,
    ) {
        let n = self.qname(name).1;
        if !self.dialect.is_mysql_family() {
            self.unsupported("CREATE DATABASE", None, Some(n));
            return;
        }
        self.create_schema_named(&n, if_not_exists, None);
        let s = self.realm.schema_or_insert(&n);
        if charset.is_some() {
            s.charset = charset.clone();
        }
        if collation.is_some() {
            s.collation = collation.clone();
        }
        // mysqldump writes `CREATE DATABASE db; USE db;`; a bare CREATE DATABASE also names the
        // schema that follows.
        self.current_schema = n;
    }

    pub(super) fn use_schema(&mut self, u: &ast::Use) {
        match u {
            ast::Use::Database(n) | ast::Use::Schema(n) | ast::Use::Object(n) => {
                let name = self.qname(n).1;
                self.realm.schema_or_insert(&name);
                self.current_schema = name;
            }
            _ => self.no_schema_change("USE"),
        }
    }

    pub(super) fn create_view(
        &mut self,
        v: &ast::CreateView,
        with_data: Option<bool>,
        check_option: Option<syn::ViewCheckOption>,
    ) {
        let (schema, name) = self.qname(&v.name);
        let span = self.name_span(&v.name);
        if v.temporary {
            self.no_schema_change("a temporary view");
            return;
        }
        let d = self.dialect;
        let exists = self.relation_exists(&schema, &name);
        if exists {
            let s = self.realm.schema_or_insert(&schema);
            let replaceable = if v.materialized {
                s.materialized_views
                    .iter()
                    .any(|x| d.idents_equal(&x.name, &name))
            } else {
                s.views.iter().any(|x| d.idents_equal(&x.name, &name))
            };
            if v.if_not_exists {
                return;
            }
            if !(v.or_replace && replaceable) {
                self.error(
                    E_DUPLICATE,
                    span,
                    format!(
                        "{} {} already exists",
                        if replaceable { "view" } else { "relation" },
                        display(&schema, &name)
                    ),
                );
                return;
            }
            s.views.retain(|x| !d.idents_equal(&x.name, &name));
            s.materialized_views
                .retain(|x| !d.idents_equal(&x.name, &name));
        }
        let mut query = v.query.as_ref().clone();
        let mut columns: Vec<String> = v.columns.iter().map(|c| self.ident(&c.name)).collect();
        if d == cairn_ir::Dialect::Postgres {
            self.expand_star(&mut query);
            if super::view_star::apply_column_names(&mut query, &columns) {
                columns.clear();
            }
        }
        let (option_check, security_invoker, options) = if d == cairn_ir::Dialect::Postgres {
            super::view_star::view_options(&v.options)
        } else if d.is_mysql_family() {
            // `ALGORITHM = …` and `SQL SECURITY INVOKER`, as the catalog lists them (the
            // defaults, UNDEFINED and DEFINER, are not kept).
            let mut options = Vec::new();
            if let Some(p) = &v.params {
                match p.algorithm {
                    Some(ast::CreateViewAlgorithm::Merge) => {
                        options.push(("ALGORITHM".to_string(), "MERGE".to_string()))
                    }
                    Some(ast::CreateViewAlgorithm::TempTable) => {
                        options.push(("ALGORITHM".to_string(), "TEMPTABLE".to_string()))
                    }
                    _ => {}
                }
                if matches!(p.security, Some(ast::CreateViewSecurity::Invoker)) {
                    options.push(("SQL SECURITY".to_string(), "INVOKER".to_string()));
                }
            }
            (None, None, options)
        } else {
            (None, None, Vec::new())
        };
        let view = View {
            name: name.clone(),
            definition: query.to_string(),
            columns,
            comment: v.comment.clone(),
            check_option: check_option
                .map(|c| match c {
                    syn::ViewCheckOption::Cascaded => "CASCADED".to_string(),
                    syn::ViewCheckOption::Local => "LOCAL".to_string(),
                })
                .or(option_check),
            security_invoker,
            options,
            indexes: Vec::new(),
            with_data: with_data.unwrap_or(true),
        };
        let stmt_span = self.stmt_span;
        let s = self.realm.schema_or_insert(&schema);
        if v.materialized {
            s.materialized_views.push(view);
            self.map(ObjectPath::MaterializedView(schema, name), stmt_span);
        } else {
            s.views.push(view);
            self.map(ObjectPath::View(schema, name), stmt_span);
        }
    }

    pub(super) fn create_function(&mut self, f: &ast::CreateFunction) {
        let (schema, name) = self.qname(&f.name);
        let args = f
            .args
            .as_deref()
            .unwrap_or(&[])
            .iter()
            .map(|a| FuncArg {
                name: a.name.as_ref().map(|n| self.ident(n)),
                ty: a.data_type.to_string(),
                mode: match a.mode {
                    Some(ast::ArgMode::Out) => ArgMode::Out,
                    Some(ast::ArgMode::InOut) => ArgMode::InOut,
                    Some(ast::ArgMode::Variadic) => ArgMode::Variadic,
                    _ => ArgMode::In,
                },
                default: a
                    .default_expr
                    .as_ref()
                    .map(|e| cairn_ir::Expr::new(e.to_string())),
            })
            .collect();
        let body = match &f.function_body {
            Some(ast::CreateFunctionBody::AsBeforeOptions { body, .. })
            | Some(ast::CreateFunctionBody::AsAfterOptions(body)) => string_value(body),
            Some(ast::CreateFunctionBody::Return(e)) => format!("RETURN {e}"),
            // Bodies without a string (`BEGIN ... END`): the statement is the definition.
            Some(_) => self.stmt_text.clone(),
            None => String::new(),
        };
        let func = Function {
            name: name.clone(),
            args,
            returns: f.return_type.as_ref().map(|r| match r {
                ast::FunctionReturnType::DataType(t) => t.to_string(),
                ast::FunctionReturnType::SetOf(t) => format!("SETOF {t}"),
            }),
            language: f
                .language
                .as_ref()
                .map(|l| l.value.to_ascii_lowercase())
                .unwrap_or_else(|| "sql".to_string()),
            body,
            volatility: match f.behavior {
                Some(ast::FunctionBehavior::Immutable) => Volatility::Immutable,
                Some(ast::FunctionBehavior::Stable) => Volatility::Stable,
                _ => Volatility::Volatile,
            },
            strict: matches!(
                f.called_on_null,
                Some(
                    ast::FunctionCalledOnNull::Strict
                        | ast::FunctionCalledOnNull::ReturnsNullOnNullInput
                )
            ),
            security_definer: matches!(f.security, Some(ast::FunctionSecurity::Definer)),
            leakproof: false,
            parallel: match f.parallel {
                Some(ast::FunctionParallel::Safe) => Some("SAFE".into()),
                Some(ast::FunctionParallel::Restricted) => Some("RESTRICTED".into()),
                _ => None,
            },
            deterministic: matches!(
                f.determinism_specifier,
                Some(ast::FunctionDeterminismSpecifier::Deterministic)
            ),
            config: f
                .set_params
                .iter()
                .map(|p| {
                    let v = match &p.value {
                        // The value, as the catalog keeps it: `SET timezone = 'UTC'` is
                        // `UTC` (the printer quotes it again).
                        ast::FunctionSetValue::Values(vs) => vs
                            .iter()
                            .map(|e| match e {
                                ast::Expr::Value(v) => match &v.value {
                                    ast::Value::SingleQuotedString(s)
                                    | ast::Value::EscapedStringLiteral(s) => s.clone(),
                                    other => other.to_string(),
                                },
                                other => other.to_string(),
                            })
                            .collect::<Vec<_>>()
                            .join(", "),
                        ast::FunctionSetValue::Default => "DEFAULT".to_string(),
                        ast::FunctionSetValue::FromCurrent => "FROM CURRENT".to_string(),
                    };
                    (p.name.to_string(), v)
                })
                .collect(),
            comment: None,
        };
        self.add_function(&schema, func, false, f.or_replace);
    }

    fn add_function(
        &mut self,
        schema: &str,
        mut func: Function,
        procedure: bool,
        or_replace: bool,
    ) {
        let span = self.find_span(&func.name);
        let d = self.dialect;
        // A PostgreSQL function with OUT parameters and no RETURNS returns them: the one's type,
        // or a record.
        if d == cairn_ir::Dialect::Postgres && !procedure && func.returns.is_none() {
            let outs: Vec<&FuncArg> = func
                .args
                .iter()
                .filter(|a| matches!(a.mode, ArgMode::Out | ArgMode::InOut))
                .collect();
            func.returns = match outs.as_slice() {
                [] => None,
                [one] => Some(one.ty.clone()),
                _ => Some("record".to_string()),
            };
        }
        let same = |x: &Function| {
            d.idents_equal(&x.name, &func.name)
                && x.args
                    .iter()
                    .map(|a| &a.ty)
                    .eq(func.args.iter().map(|a| &a.ty))
        };
        let s = self.realm.schema_or_insert(schema);
        let list = if procedure {
            &mut s.procedures
        } else {
            &mut s.functions
        };
        if let Some(i) = list.iter().position(same) {
            if !or_replace {
                let kind = if procedure { "procedure" } else { "function" };
                self.error(
                    E_DUPLICATE,
                    span,
                    format!("{kind} {} already exists", display(schema, &func.name)),
                );
                return;
            }
            list.remove(i);
        }
        let name = func.name.clone();
        list.push(func);
        let stmt_span = self.stmt_span;
        let path = if procedure {
            ObjectPath::Procedure(schema.to_string(), name)
        } else {
            ObjectPath::Function(schema.to_string(), name)
        };
        self.map(path, stmt_span);
    }

    pub(super) fn create_routine_extra(&mut self, e: &syn::ExtraStatement) {
        let syn::ExtraStatement::CreateRoutine {
            procedure,
            or_replace,
            name,
            args,
            returns,
            language,
            body,
            attributes,
        } = e
        else {
            return;
        };
        let (schema, n) = self.xqname(name);
        let attrs: Vec<String> = attributes.iter().map(|a| a.to_ascii_uppercase()).collect();
        let has = |a: &str| attrs.iter().any(|x| x == a);
        let config = attributes
            .iter()
            .filter(|a| a.to_ascii_uppercase().starts_with("SET "))
            .filter_map(|a| {
                let rest = a[4..].trim();
                let (k, v) = rest
                    .split_once(" TO ")
                    .or_else(|| rest.split_once(" to "))
                    .or_else(|| rest.split_once('='))?;
                Some((k.trim().to_string(), v.trim().to_string()))
            })
            .collect();
        let func = Function {
            name: n,
            args: args
                .iter()
                .map(|a| FuncArg {
                    name: a.name.as_ref().map(|i| self.xident(i)),
                    ty: a.data_type.clone(),
                    mode: match a.mode.as_deref() {
                        Some("OUT") => ArgMode::Out,
                        Some("INOUT") => ArgMode::InOut,
                        Some("VARIADIC") => ArgMode::Variadic,
                        _ => ArgMode::In,
                    },
                    default: a.default.as_ref().map(|d| cairn_ir::Expr::new(d.clone())),
                })
                .collect(),
            returns: returns.clone(),
            language: language
                .clone()
                .unwrap_or_else(|| "sql".into())
                .to_ascii_lowercase(),
            body: match body {
                Some(syn::RoutineBody::Definition(s)) | Some(syn::RoutineBody::Atomic(s)) => {
                    s.clone()
                }
                Some(syn::RoutineBody::Return(s)) => format!("RETURN {s}"),
                None => String::new(),
            },
            volatility: if has("IMMUTABLE") {
                Volatility::Immutable
            } else if has("STABLE") {
                Volatility::Stable
            } else {
                Volatility::Volatile
            },
            strict: has("STRICT") || has("RETURNS NULL ON NULL INPUT"),
            security_definer: has("SECURITY DEFINER"),
            leakproof: has("LEAKPROOF"),
            parallel: if has("PARALLEL SAFE") {
                Some("SAFE".into())
            } else if has("PARALLEL RESTRICTED") {
                Some("RESTRICTED".into())
            } else {
                None
            },
            deterministic: false,
            config,
            comment: None,
        };
        self.add_function(&schema, func, *procedure, *or_replace);
    }

    /// A MySQL stored routine: `SQL SECURITY DEFINER` unless it says `INVOKER`, its data
    /// access kept as the inspector reads it (only when not the default `CONTAINS SQL`).
    pub(super) fn create_mysql_routine(&mut self, r: &syn::MysqlRoutine) {
        let (schema, n) = self.xqname(&r.name);
        let d = self.dialect;
        if r.if_not_exists {
            let exists = self.realm.schema(&schema).is_some_and(|s| {
                let list = if r.procedure {
                    &s.procedures
                } else {
                    &s.functions
                };
                list.iter().any(|f| d.idents_equal(&f.name, &n))
            });
            if exists {
                return;
            }
        }
        let config = r
            .data_access
            .iter()
            .filter(|a| a.as_str() != "CONTAINS SQL")
            .map(|a| ("SQL DATA ACCESS".to_string(), a.clone()))
            .collect();
        let func = Function {
            name: n,
            args: r
                .args
                .iter()
                .map(|a| FuncArg {
                    name: a.name.as_ref().map(|i| self.xident(i)),
                    ty: a.data_type.clone(),
                    mode: match a.mode.as_deref() {
                        Some("OUT") => ArgMode::Out,
                        Some("INOUT") => ArgMode::InOut,
                        _ => ArgMode::In,
                    },
                    default: None,
                })
                .collect(),
            returns: r.returns.clone(),
            language: "SQL".into(),
            body: r.body.clone(),
            volatility: Volatility::Volatile,
            strict: false,
            security_definer: !r.security_invoker,
            leakproof: false,
            parallel: None,
            deterministic: r.deterministic,
            config,
            comment: r.comment.clone(),
        };
        self.add_function(&schema, func, r.procedure, r.or_replace);
    }

    pub(super) fn drop_functions(
        &mut self,
        descs: &[ast::FunctionDesc],
        if_exists: bool,
        procedure: bool,
    ) {
        for f in descs {
            let (schema, name) = self.qname(&f.name);
            let types: Option<Vec<String>> = f
                .args
                .as_ref()
                .map(|a| a.iter().map(|x| x.data_type.to_string()).collect());
            let d = self.dialect;
            let removed = self.realm.schema_mut(&schema).is_some_and(|s| {
                let list = if procedure {
                    &mut s.procedures
                } else {
                    &mut s.functions
                };
                let before = list.len();
                list.retain(|x| {
                    !(d.idents_equal(&x.name, &name)
                        && types
                            .as_ref()
                            .is_none_or(|t| x.args.iter().map(|a| &a.ty).eq(t.iter())))
                });
                before != list.len()
            });
            if !removed && !if_exists {
                let span = self.name_span(&f.name);
                let kind = if procedure { "procedure" } else { "function" };
                self.error(
                    E_UNKNOWN_OBJECT,
                    span,
                    format!("{kind} {} does not exist", display(&schema, &name)),
                );
            }
        }
    }

    pub(super) fn create_trigger(&mut self, t: &ast::CreateTrigger, args: &[String]) {
        if self.dialect == cairn_ir::Dialect::Sqlite && self.sqlite_trigger() {
            return;
        }
        let (_, name) = self.qname(&t.name);
        let Some((schema, idx, mut table)) = self.table_for_alter(&t.table_name, false) else {
            return;
        };
        let timing = match t.period {
            Some(ast::TriggerPeriod::Before) => TriggerTiming::Before,
            Some(ast::TriggerPeriod::InsteadOf) => TriggerTiming::InsteadOf,
            // SQLite's default when no time is given.
            None if self.dialect == cairn_ir::Dialect::Sqlite => TriggerTiming::Before,
            _ => TriggerTiming::After,
        };
        let events = t
            .events
            .iter()
            .map(|e| match e {
                ast::TriggerEvent::Insert => TriggerEvent::Insert,
                ast::TriggerEvent::Update(cols) => TriggerEvent::Update {
                    columns: cols.iter().map(|c| self.ident(c)).collect(),
                },
                ast::TriggerEvent::Delete => TriggerEvent::Delete,
                ast::TriggerEvent::Truncate => TriggerEvent::Truncate,
            })
            .collect();
        // SQLite has row triggers only (`FOR EACH ROW` is optional there).
        let for_each_row = self.dialect == cairn_ir::Dialect::Sqlite
            || matches!(
                t.trigger_object,
                Some(ast::TriggerObjectKind::For(ast::TriggerObject::Row))
                    | Some(ast::TriggerObjectKind::ForEach(ast::TriggerObject::Row))
            );
        let function = t.exec_body.as_ref().map(|b| {
            let (s, n) = self.qname(&b.func_desc.name);
            QualifiedName::new((b.func_desc.name.0.len() > 1).then_some(s.as_str()), &n)
        });
        let mut extra = Vec::new();
        if t.is_constraint {
            extra.push("CONSTRAINT".to_string());
            if let Some(r) = &t.referenced_table_name {
                extra.push(format!("FROM {r}"));
            }
            if let Some(c) = t.characteristics.as_ref().map(|c| c.to_string())
                && !c.is_empty()
            {
                extra.push(c);
            }
        }
        if !t.referencing.is_empty() {
            extra.push(
                t.referencing
                    .iter()
                    .map(|r| r.to_string())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
        let trigger = Trigger {
            name: name.clone(),
            timing,
            events,
            for_each_row,
            when: t
                .condition
                .as_ref()
                .map(|c| cairn_ir::Expr::new(c.to_string())),
            function,
            function_args: args.to_vec(),
            body: if self.dialect.is_mysql_family() {
                // MySQL keeps the body as written: the source text, not sqlparser's print.
                mysql_trigger_body(&self.stmt_text)
                    .or_else(|| t.statements.as_ref().map(|s| s.to_string()))
            } else {
                t.statements.as_ref().map(|s| s.to_string())
            },
            extra: (!extra.is_empty()).then(|| extra.join(" ")),
        };
        if table
            .triggers
            .iter()
            .any(|x| self.dialect.idents_equal(&x.name, &name))
        {
            if !t.or_replace {
                let span = self.name_span(&t.name);
                self.error(
                    E_DUPLICATE,
                    span,
                    format!("trigger {name} already exists on table {}", table.name),
                );
                self.put_table(&schema, idx, table);
                return;
            }
            table.triggers.retain(|x| x.name != name);
        }
        table.triggers.push(trigger);
        let span = self.stmt_span;
        self.map(
            ObjectPath::Trigger(schema.clone(), table.name.clone(), name),
            span,
        );
        self.put_table(&schema, idx, table);
    }

    pub(super) fn drop_trigger(&mut self, t: &ast::DropTrigger) {
        let (schema, name) = self.qname(&t.trigger_name);
        let d = self.dialect;
        let on = t.table_name.as_ref().map(|n| self.qname(n));
        let schema = on.as_ref().map(|(s, _)| s.clone()).unwrap_or(schema);
        let removed = self.realm.schema_mut(&schema).is_some_and(|s| {
            s.tables
                .iter_mut()
                .filter(|x| {
                    on.as_ref()
                        .is_none_or(|(_, tn)| d.idents_equal(&x.name, tn))
                })
                .any(|x| {
                    let before = x.triggers.len();
                    x.triggers.retain(|tr| !d.idents_equal(&tr.name, &name));
                    before != x.triggers.len()
                })
        });
        // SQLite keeps triggers on views whole (see `sqlite_trigger`).
        let removed = removed
            || (d == cairn_ir::Dialect::Sqlite
                && self.realm.schema_mut(&schema).is_some_and(|s| {
                    let before = s.unsupported.len();
                    s.unsupported.retain(|u| {
                        !(u.kind == "trigger"
                            && u.name.as_deref().is_some_and(|n| d.idents_equal(n, &name)))
                    });
                    before != s.unsupported.len()
                }));
        if !removed && !t.if_exists {
            let span = self.name_span(&t.trigger_name);
            self.error(
                E_UNKNOWN_OBJECT,
                span,
                format!("trigger {name} does not exist"),
            );
        }
    }

    pub(super) fn create_sequence_ast(
        &mut self,
        name: &ast::ObjectName,
        if_not_exists: bool,
        data_type: Option<&ast::DataType>,
        options: &[ast::SequenceOptions],
        owned_by: Option<&ast::ObjectName>,
    ) {
        let (schema, n) = self.qname(name);
        let mut seq = new_sequence(&n);
        seq.data_type = data_type.map(|t| ColumnType::parse(self.dialect, &t.to_string()));
        for o in options {
            match o {
                ast::SequenceOptions::IncrementBy(e, _) => seq.increment = num(e),
                ast::SequenceOptions::MinValue(e) => seq.min_value = e.as_ref().and_then(num),
                ast::SequenceOptions::MaxValue(e) => seq.max_value = e.as_ref().and_then(num),
                ast::SequenceOptions::StartWith(e, _) => seq.start = num(e),
                ast::SequenceOptions::Cache(e) => seq.cache = num(e),
                ast::SequenceOptions::Cycle(no) => seq.cycle = !no,
            }
        }
        if let Some(o) = owned_by {
            let parts: Vec<String> =
                o.0.iter()
                    .filter_map(|p| p.as_ident())
                    .map(|i| self.ident(i))
                    .collect();
            if let [.., t, c] = parts.as_slice() {
                seq.owned_by = Some((t.clone(), c.clone()));
            }
        }
        self.add_sequence(&schema, seq, if_not_exists);
    }

    pub(super) fn create_sequence_extra(
        &mut self,
        name: &syn::ObjectName,
        if_not_exists: bool,
        o: &syn::SequenceOptions,
    ) {
        let (schema, n) = self.xqname(name);
        let mut seq = new_sequence(&n);
        self.apply_sequence_options(&mut seq, o);
        self.add_sequence(&schema, seq, if_not_exists);
    }

    fn apply_sequence_options(&mut self, seq: &mut Sequence, o: &syn::SequenceOptions) {
        if let Some(t) = &o.data_type {
            seq.data_type = Some(ColumnType::parse(self.dialect, t));
        }
        if o.increment.is_some() {
            seq.increment = o.increment;
        }
        if let Some(v) = o.min_value {
            seq.min_value = v;
        }
        if let Some(v) = o.max_value {
            seq.max_value = v;
        }
        if o.start.is_some() {
            seq.start = o.start;
        }
        if o.cache.is_some() {
            seq.cache = o.cache;
        }
        if let Some(c) = o.cycle {
            seq.cycle = c;
        }
        match &o.owned_by {
            Some(syn::OwnedBy::None) => seq.owned_by = None,
            Some(syn::OwnedBy::Column(n)) => {
                let parts: Vec<String> = n.0.iter().map(|i| self.xident(i)).collect();
                if let [.., t, c] = parts.as_slice() {
                    seq.owned_by = Some((t.clone(), c.clone()));
                }
            }
            None => {}
        }
    }

    fn add_sequence(&mut self, schema: &str, seq: Sequence, if_not_exists: bool) {
        let d = self.dialect;
        let span = self.find_span(&seq.name);
        let s = self.realm.schema_or_insert(schema);
        if s.sequences
            .iter()
            .any(|x| d.idents_equal(&x.name, &seq.name))
        {
            if !if_not_exists {
                self.error(
                    E_DUPLICATE,
                    span,
                    format!("sequence {} already exists", display(schema, &seq.name)),
                );
            }
            return;
        }
        let name = seq.name.clone();
        s.sequences.push(seq);
        self.map(ObjectPath::Sequence(schema.to_string(), name), span);
    }

    pub(super) fn alter_sequence(
        &mut self,
        name: &syn::ObjectName,
        if_exists: bool,
        o: &syn::SequenceOptions,
    ) {
        let (schema, n) = self.xqname(name);
        let d = self.dialect;
        let Some(i) = self
            .realm
            .schema(&schema)
            .and_then(|s| s.sequences.iter().position(|x| d.idents_equal(&x.name, &n)))
        else {
            if !if_exists {
                let span = name.span();
                self.error(
                    E_UNKNOWN_OBJECT,
                    span,
                    format!("sequence {} does not exist", display(&schema, &n)),
                );
            }
            return;
        };
        let mut seq = self.realm.schema_or_insert(&schema).sequences[i].clone();
        self.apply_sequence_options(&mut seq, o);
        self.realm.schema_or_insert(&schema).sequences[i] = seq;
    }

    pub(super) fn create_type(
        &mut self,
        name: &ast::ObjectName,
        repr: Option<&ast::UserDefinedTypeRepresentation>,
    ) {
        let (schema, n) = self.qname(name);
        let span = self.name_span(name);
        if self.type_exists(&schema, &n) {
            self.error(
                E_DUPLICATE,
                span,
                format!("type {} already exists", display(&schema, &n)),
            );
            return;
        }
        let stmt_span = self.stmt_span;
        match repr {
            Some(ast::UserDefinedTypeRepresentation::Enum { labels }) => {
                let e = Enum {
                    name: n.clone(),
                    values: labels.iter().map(|l| l.value.clone()).collect(),
                    comment: None,
                };
                self.realm.schema_or_insert(&schema).enums.push(e);
                self.map(ObjectPath::Enum(schema, n), stmt_span);
            }
            Some(ast::UserDefinedTypeRepresentation::Composite { attributes }) => {
                let fields = attributes
                    .iter()
                    .map(|a| {
                        (
                            self.ident(&a.name),
                            ColumnType::parse(self.dialect, &a.data_type.to_string()),
                        )
                    })
                    .collect();
                self.realm
                    .schema_or_insert(&schema)
                    .composites
                    .push(Composite {
                        name: n.clone(),
                        fields,
                        comment: None,
                    });
                self.map(ObjectPath::Composite(schema, n), stmt_span);
            }
            _ => self.unsupported("type", Some(&schema), Some(n)),
        }
    }

    fn type_exists(&self, schema: &str, name: &str) -> bool {
        let d = self.dialect;
        self.realm.schema(schema).is_some_and(|s| {
            s.enums.iter().any(|x| d.idents_equal(&x.name, name))
                || s.composites.iter().any(|x| d.idents_equal(&x.name, name))
                || s.domains.iter().any(|x| d.idents_equal(&x.name, name))
        })
    }

    pub(super) fn alter_type(&mut self, t: &ast::AlterType) {
        let (schema, n) = self.qname(&t.name);
        let d = self.dialect;
        let Some(i) = self
            .realm
            .schema(&schema)
            .and_then(|s| s.enums.iter().position(|x| d.idents_equal(&x.name, &n)))
        else {
            let span = self.name_span(&t.name);
            self.error(
                E_UNKNOWN_OBJECT,
                span,
                format!("type {} does not exist", display(&schema, &n)),
            );
            return;
        };
        let mut e = self.realm.schema_or_insert(&schema).enums[i].clone();
        match &t.operation {
            ast::AlterTypeOperation::AddValue(a) => {
                let v = a.value.value.clone();
                if e.values.contains(&v) {
                    if !a.if_not_exists {
                        let span = self.ident_span(&a.value);
                        self.error(
                            E_DUPLICATE,
                            span,
                            format!("enum {n} already has the value '{v}'"),
                        );
                    }
                    return;
                }
                let at = match &a.position {
                    Some(ast::AlterTypeAddValuePosition::Before(b)) => {
                        e.values.iter().position(|x| *x == b.value)
                    }
                    Some(ast::AlterTypeAddValuePosition::After(b)) => {
                        e.values.iter().position(|x| *x == b.value).map(|p| p + 1)
                    }
                    None => None,
                };
                match at {
                    Some(p) => e.values.insert(p, v),
                    None => e.values.push(v),
                }
            }
            ast::AlterTypeOperation::RenameValue(r) => {
                let from = r.from.value.clone();
                match e.values.iter_mut().find(|x| **x == from) {
                    Some(x) => *x = r.to.value.clone(),
                    None => {
                        let span = self.ident_span(&r.from);
                        self.error(
                            E_UNKNOWN_OBJECT,
                            span,
                            format!("enum {n} has no value '{from}'"),
                        );
                        return;
                    }
                }
            }
            ast::AlterTypeOperation::Rename(r) => e.name = self.ident(&r.new_name),
        }
        self.realm.schema_or_insert(&schema).enums[i] = e;
    }

    pub(super) fn create_domain_ast(&mut self, dm: &ast::CreateDomain) {
        let (schema, n) = self.qname(&dm.name);
        let mut checks = Vec::new();
        let mut nullable = true;
        for c in &dm.constraints {
            if let ast::TableConstraint::Check(ch) = c {
                checks.push(Check {
                    name: ch.name.as_ref().map(|x| self.ident(x)),
                    expr: cairn_ir::Expr::new(ch.expr.to_string()),
                    enforced: true,
                    no_inherit: false,
                    not_valid: false,
                    comment: None,
                });
            } else {
                nullable = true;
            }
        }
        let domain = Domain {
            name: n,
            base: ColumnType::parse(self.dialect, &dm.data_type.to_string()),
            nullable,
            default: dm.default.as_ref().map(lower_default),
            collation: dm.collation.as_ref().map(|c| c.value.clone()),
            checks,
            comment: None,
        };
        self.add_domain(&schema, domain);
    }

    pub(super) fn create_domain_extra(&mut self, e: &syn::ExtraStatement) {
        let syn::ExtraStatement::CreateDomain {
            name,
            data_type,
            collation,
            default,
            not_null,
            checks,
        } = e
        else {
            return;
        };
        let (schema, n) = self.xqname(name);
        let default = default.as_ref().map(|d| {
            let parsed = sqlparser::parser::Parser::new(&sqlparser::dialect::PostgreSqlDialect {})
                .try_with_sql(d)
                .and_then(|mut p| p.parse_expr());
            match parsed {
                Ok(expr) => lower_default(&expr),
                Err(_) => cairn_ir::Default::Expr(cairn_ir::Expr::new(d.clone())),
            }
        });
        let domain = Domain {
            name: n,
            base: ColumnType::parse(self.dialect, data_type),
            nullable: *not_null != Some(true),
            default,
            collation: collation.as_ref().map(|c| c.name().value.clone()),
            checks: checks
                .iter()
                .map(|c| Check {
                    name: c.name.as_ref().map(|x| self.xident(x)),
                    expr: cairn_ir::Expr::new(c.expr.clone()),
                    enforced: true,
                    no_inherit: false,
                    not_valid: false,
                    comment: None,
                })
                .collect(),
            comment: None,
        };
        self.add_domain(&schema, domain);
    }

    fn add_domain(&mut self, schema: &str, domain: Domain) {
        let span = self.find_span(&domain.name);
        if self.type_exists(schema, &domain.name) {
            self.error(
                E_DUPLICATE,
                span,
                format!("type {} already exists", display(schema, &domain.name)),
            );
            return;
        }
        let name = domain.name.clone();
        self.realm.schema_or_insert(schema).domains.push(domain);
        let stmt_span = self.stmt_span;
        self.map(ObjectPath::Domain(schema.to_string(), name), stmt_span);
    }

    pub(super) fn create_extension(&mut self, e: &ast::CreateExtension) {
        let name = self.ident(&e.name);
        let schema = e
            .schema
            .as_ref()
            .map(|s| self.ident(s))
            .unwrap_or_else(|| self.current_schema.clone());
        let d = self.dialect;
        let exists = self
            .realm
            .schemas
            .iter()
            .any(|s| s.extensions.iter().any(|x| d.idents_equal(&x.name, &name)));
        if exists {
            if !e.if_not_exists {
                let span = self.ident_span(&e.name);
                self.error(
                    E_DUPLICATE,
                    span,
                    format!("extension {name} already exists"),
                );
            }
            return;
        }
        self.realm
            .schema_or_insert(&schema)
            .extensions
            .push(Extension {
                name: name.clone(),
                version: e.version.as_ref().map(|v| v.value.clone()),
                comment: None,
            });
        let span = self.stmt_span;
        self.map(ObjectPath::Extension(schema, name), span);
    }

    pub(super) fn drop_extension(&mut self, name: &str, if_exists: bool) {
        let d = self.dialect;
        let mut found = false;
        for s in &mut self.realm.schemas {
            let before = s.extensions.len();
            s.extensions.retain(|x| !d.idents_equal(&x.name, name));
            found |= before != s.extensions.len();
        }
        if !found && !if_exists {
            let span = self.find_span(name);
            self.error(
                E_UNKNOWN_OBJECT,
                span,
                format!("extension {name} does not exist"),
            );
        }
    }

    /// Drops a view, materialized view, sequence or type by name.
    pub(super) fn drop_named(
        &mut self,
        kind: ObjectKindRef,
        schema: &str,
        name: &str,
        if_exists: bool,
    ) {
        let d = self.dialect;
        let eq = |n: &str| d.idents_equal(n, name);
        let removed = self.realm.schema_mut(schema).is_some_and(|s| {
            let before = s.views.len()
                + s.materialized_views.len()
                + s.sequences.len()
                + s.enums.len()
                + s.composites.len()
                + s.domains.len();
            match kind {
                ObjectKindRef::View => s.views.retain(|x| !eq(&x.name)),
                ObjectKindRef::MaterializedView => s.materialized_views.retain(|x| !eq(&x.name)),
                ObjectKindRef::Sequence => s.sequences.retain(|x| !eq(&x.name)),
                ObjectKindRef::Type => {
                    s.enums.retain(|x| !eq(&x.name));
                    s.composites.retain(|x| !eq(&x.name));
                    s.domains.retain(|x| !eq(&x.name));
                }
                ObjectKindRef::Domain => s.domains.retain(|x| !eq(&x.name)),
            }
            before
                != s.views.len()
                    + s.materialized_views.len()
                    + s.sequences.len()
                    + s.enums.len()
                    + s.composites.len()
                    + s.domains.len()
        });
        if !removed && !if_exists {
            let what = match kind {
                ObjectKindRef::View => "view",
                ObjectKindRef::MaterializedView => "materialized view",
                ObjectKindRef::Sequence => "sequence",
                ObjectKindRef::Type => "type",
                ObjectKindRef::Domain => "domain",
            };
            let span = self.find_span(name);
            self.error(
                E_UNKNOWN_OBJECT,
                span,
                format!("{what} {} does not exist", display(schema, name)),
            );
        }
    }

    pub(super) fn comment_on_ast(
        &mut self,
        kind: ast::CommentObject,
        name: &ast::ObjectName,
        comment: Option<String>,
    ) {
        let parts: Vec<String> = name
            .0
            .iter()
            .filter_map(|p| p.as_ident())
            .map(|i| self.ident(i))
            .collect();
        let k = match kind {
            ast::CommentObject::Column => "COLUMN",
            ast::CommentObject::Table => "TABLE",
            ast::CommentObject::View => "VIEW",
            ast::CommentObject::MaterializedView => "MATERIALIZED VIEW",
            ast::CommentObject::Index => "INDEX",
            ast::CommentObject::Schema => "SCHEMA",
            ast::CommentObject::Type => "TYPE",
            ast::CommentObject::Domain => "DOMAIN",
            ast::CommentObject::Function => "FUNCTION",
            ast::CommentObject::Procedure => "PROCEDURE",
            ast::CommentObject::Sequence => "SEQUENCE",
            ast::CommentObject::Extension => "EXTENSION",
            ast::CommentObject::Role | ast::CommentObject::User => "ROLE",
            _ => "",
        };
        let span = self.name_span(name);
        self.set_comment(k, &parts, None, comment, span);
    }

    pub(super) fn comment_on_extra(&mut self, e: &syn::ExtraStatement) {
        let syn::ExtraStatement::CommentOn {
            object_kind,
            name,
            on_table,
            comment,
            ..
        } = e
        else {
            return;
        };
        let parts: Vec<String> = name.0.iter().map(|i| self.xident(i)).collect();
        let table = on_table
            .as_ref()
            .map(|t| t.0.iter().map(|i| self.xident(i)).collect::<Vec<_>>());
        let span = name.span();
        self.set_comment(object_kind, &parts, table, comment.clone(), span);
    }

    /// Sets the comment of the object `parts` names (`[schema.]name`, `[schema.]table.column`).
    fn set_comment(
        &mut self,
        kind: &str,
        parts: &[String],
        on_table: Option<Vec<String>>,
        comment: Option<String>,
        span: cairn_syntax::Span,
    ) {
        let d = self.dialect;
        let cur = self.current_schema.clone();
        let split2 = |p: &[String]| -> (String, String) {
            match p {
                [n] => (cur.clone(), n.clone()),
                [.., s, n] => (s.clone(), n.clone()),
                [] => (cur.clone(), String::new()),
            }
        };
        let (schema, name) = split2(parts);
        let missing = |r: &mut Replay, what: &str| {
            r.error(
                E_UNKNOWN_OBJECT,
                span,
                format!("{what} {} does not exist", parts.join(".")),
            );
        };
        match kind {
            "TABLE" => match self
                .realm
                .schema_mut(&schema)
                .and_then(|s| s.table_mut(&name, d))
            {
                Some(t) => t.comment = comment,
                None => self.unknown_table(&schema, &name, span),
            },
            "COLUMN" => {
                let (schema, table, col) = match parts {
                    [t, c] => (cur.clone(), t.clone(), c.clone()),
                    [.., s, t, c] => (s.clone(), t.clone(), c.clone()),
                    _ => return missing(self, "column"),
                };
                let Some((i, mut t)) = self.take_table(&schema, &table) else {
                    // Views have columns too, but the IR keeps no comments on them.
                    if self.relation_exists(&schema, &table) {
                        return;
                    }
                    return self.unknown_table(&schema, &table, span);
                };
                match t.column_mut(&col) {
                    Some(c) => c.comment = comment,
                    None => self.unknown_column(&t, &col, span),
                }
                self.put_table(&schema, i, t);
            }
            "VIEW" | "MATERIALIZED VIEW" => {
                let s = self.realm.schema_mut(&schema);
                let v = s.and_then(|s| {
                    s.views
                        .iter_mut()
                        .chain(s.materialized_views.iter_mut())
                        .find(|v| d.idents_equal(&v.name, &name))
                });
                match v {
                    Some(v) => v.comment = comment,
                    None => missing(self, "view"),
                }
            }
            "INDEX" => {
                let ix = self.realm.schema_mut(&schema).and_then(|s| {
                    s.tables
                        .iter_mut()
                        .flat_map(|t| t.indexes.iter_mut())
                        .chain(
                            s.materialized_views
                                .iter_mut()
                                .flat_map(|v| v.indexes.iter_mut()),
                        )
                        .find(|i| d.idents_equal(&i.name, &name))
                });
                match ix {
                    Some(i) => i.comment = comment,
                    None => missing(self, "index"),
                }
            }
            "SCHEMA" => match self.realm.schema_mut(&name) {
                Some(s) => s.comment = comment,
                None => missing(self, "schema"),
            },
            "TYPE" | "DOMAIN" => {
                let found = self.realm.schema_mut(&schema).is_some_and(|s| {
                    if let Some(e) = s.enums.iter_mut().find(|e| d.idents_equal(&e.name, &name)) {
                        e.comment = comment.clone();
                        true
                    } else if let Some(e) = s
                        .domains
                        .iter_mut()
                        .find(|e| d.idents_equal(&e.name, &name))
                    {
                        e.comment = comment.clone();
                        true
                    } else if let Some(e) = s
                        .composites
                        .iter_mut()
                        .find(|e| d.idents_equal(&e.name, &name))
                    {
                        e.comment = comment.clone();
                        true
                    } else {
                        false
                    }
                });
                if !found {
                    missing(self, "type");
                }
            }
            "AGGREGATE" => {
                let a = self.realm.schema_mut(&schema).and_then(|s| {
                    s.aggregates
                        .iter_mut()
                        .find(|a| d.idents_equal(&a.name, &name))
                });
                match a {
                    Some(a) => a.comment = comment,
                    None => missing(self, "aggregate"),
                }
            }
            "FUNCTION" | "PROCEDURE" | "ROUTINE" => {
                let f = self.realm.schema_mut(&schema).and_then(|s| {
                    s.functions
                        .iter_mut()
                        .chain(s.procedures.iter_mut())
                        .find(|f| d.idents_equal(&f.name, &name))
                });
                match f {
                    Some(f) => f.comment = comment,
                    None => missing(self, "function"),
                }
            }
            "SEQUENCE" => {
                let q = self.realm.schema_mut(&schema).and_then(|s| {
                    s.sequences
                        .iter_mut()
                        .find(|q| d.idents_equal(&q.name, &name))
                });
                match q {
                    Some(q) => q.comment = comment,
                    // A serial's sequence is folded away at the end; its comment goes with it.
                    None => missing(self, "sequence"),
                }
            }
            "EXTENSION" => {
                let e = self
                    .realm
                    .schemas
                    .iter_mut()
                    .flat_map(|s| s.extensions.iter_mut())
                    .find(|e| d.idents_equal(&e.name, &name));
                match e {
                    Some(e) => e.comment = comment,
                    None => missing(self, "extension"),
                }
            }
            "ROLE" => {
                let r = self.realm.roles.iter_mut().find(|r| r.name == name);
                match r {
                    Some(r) => r.comment = comment,
                    None => missing(self, "role"),
                }
            }
            "CONSTRAINT" => {
                let Some(t) = on_table else { return };
                let (ts, tn) = split2(&t);
                let Some((i, mut table)) = self.take_table(&ts, &tn) else {
                    return self.unknown_table(&ts, &tn, span);
                };
                let ch = table
                    .checks
                    .iter_mut()
                    .find(|c| c.name.as_deref() == Some(name.as_str()));
                match ch {
                    Some(c) => c.comment = comment,
                    None => {
                        let other = table
                            .foreign_keys
                            .iter()
                            .any(|f| f.name.as_deref() == Some(name.as_str()))
                            || table
                                .primary_key
                                .as_ref()
                                .is_some_and(|p| p.name.as_deref() == Some(name.as_str()))
                            || table.indexes.iter().any(|x| x.name == name);
                        if !other {
                            missing(self, "constraint");
                        }
                    }
                }
                self.put_table(&ts, i, table);
            }
            _ => {
                let kind = format!("COMMENT ON {kind}");
                self.unsupported(&kind, Some(&schema), Some(name));
            }
        }
    }

    /// `ALTER ... OWNER TO`: ownership is kept only on schemas; the role is mentioned.
    pub(super) fn alter_owner(&mut self, kind: &str, name: &syn::ObjectName, owner: &syn::Ident) {
        let owner = self.xident(owner);
        self.mention_role(&owner);
        if kind == "SCHEMA" {
            let n = self.xident(name.name());
            if let Some(s) = self.realm.schema_mut(&n) {
                s.owner = Some(owner);
            }
        }
    }

    pub(super) fn other_statement(&mut self, command: &str, name: Option<&syn::ObjectName>) {
        let (schema, n) = match name {
            Some(n) => {
                let (s, n) = self.xqname(n);
                (s, Some(n))
            }
            None => (self.current_schema.clone(), None),
        };
        match command {
            // Events are kept whole as their statement (the differ and the MySQL planner read
            // them); a later one of the same name replaces the earlier, DROP EVENT removes it.
            "CREATE EVENT" | "DROP EVENT" if self.dialect.is_mysql_family() && n.is_some() => {
                let name = n.unwrap_or_default();
                let d = self.dialect;
                let events = &mut self.realm.schema_or_insert(&schema).unsupported;
                events.retain(|u| {
                    u.kind != "event"
                        || !u.name.as_deref().is_some_and(|x| d.idents_equal(x, &name))
                });
                if command == "CREATE EVENT" {
                    events.push(cairn_ir::Unsupported {
                        kind: "event".into(),
                        name: Some(name),
                        raw: self.stmt_text.clone(),
                    });
                }
            }
            "CREATE TRIGGER" if self.dialect.is_mysql_family() && self.mysql_trigger() => {}
            "CREATE TRIGGER"
                if self.dialect == cairn_ir::Dialect::Sqlite && self.sqlite_trigger() => {}
            "CREATE AGGREGATE" | "CREATE OR REPLACE AGGREGATE"
                if name.is_some_and(|n| {
                    self.create_aggregate(n, command == "CREATE OR REPLACE AGGREGATE")
                }) => {}
            "ALTER TABLE" | "ALTER INDEX" | "ALTER FOREIGN TABLE" => {
                let span = self.stmt_span;
                self.warn(
                    super::E_IGNORED_ACTION,
                    span,
                    format!("this {command} action is not modelled and is ignored"),
                );
            }
            _ => {
                let kind = command
                    .strip_prefix("CREATE OR REPLACE ")
                    .or_else(|| command.strip_prefix("CREATE "))
                    .unwrap_or(command)
                    .to_ascii_lowercase();
                self.unsupported(&kind, Some(&schema), n);
            }
        }
    }
}

impl Replay {
    /// MySQL's `CREATE [DEFINER=u] TRIGGER name {BEFORE|AFTER} {INSERT|UPDATE|DELETE} ON t FOR
    /// EACH ROW [{FOLLOWS|PRECEDES} other] body`, which sqlparser cannot read: the words are
    /// read off the text. `false` when the text does not have that shape.
    fn mysql_trigger(&mut self) -> bool {
        let text = self.stmt_text.clone();
        let mut words = Vec::new();
        let mut start = None;
        for (i, ch) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            match (ch.is_whitespace(), start) {
                (true, Some(s)) => {
                    words.push((s, &text[s..i]));
                    start = None;
                }
                (false, None) => start = Some(i),
                _ => {}
            }
        }
        let Some(t) = words
            .iter()
            .position(|(_, w)| w.eq_ignore_ascii_case("TRIGGER"))
        else {
            return false;
        };
        let w = |i: usize| {
            words
                .get(i)
                .map(|(_, w)| w.to_ascii_uppercase())
                .unwrap_or_default()
        };
        let unquote = |s: &str| -> Vec<String> {
            s.split('.')
                .map(|p| p.trim_matches('`').to_string())
                .collect()
        };
        let name = unquote(words.get(t + 1).map_or("", |(_, w)| w))
            .pop()
            .unwrap_or_default();
        let timing = match w(t + 2).as_str() {
            "BEFORE" => TriggerTiming::Before,
            "AFTER" => TriggerTiming::After,
            _ => return false,
        };
        let event = match w(t + 3).as_str() {
            "INSERT" => TriggerEvent::Insert,
            "UPDATE" => TriggerEvent::Update { columns: vec![] },
            "DELETE" => TriggerEvent::Delete,
            _ => return false,
        };
        if w(t + 4) != "ON" || w(t + 6) != "FOR" || w(t + 7) != "EACH" || w(t + 8) != "ROW" {
            return false;
        }
        let mut table = unquote(words.get(t + 5).map_or("", |(_, w)| w));
        let table_name = table.pop().unwrap_or_default();
        let schema = table.pop().unwrap_or_else(|| self.current_schema.clone());
        let mut body_at = t + 9;
        if matches!(w(body_at).as_str(), "FOLLOWS" | "PRECEDES") {
            body_at += 2;
        }
        let Some((off, _)) = words.get(body_at) else {
            return false;
        };
        let body = text[*off..]
            .trim_end()
            .trim_end_matches(';')
            .trim_end()
            .to_string();
        let Some((idx, mut tbl)) = self.take_table(&schema, &table_name) else {
            let span = self.find_span(&table_name);
            self.unknown_table(&schema, &table_name, span);
            return true;
        };
        if tbl
            .triggers
            .iter()
            .any(|x| x.name.eq_ignore_ascii_case(&name))
        {
            let span = self.find_span(&name);
            self.error(
                E_DUPLICATE,
                span,
                format!("trigger {name} already exists on table {}", tbl.name),
            );
        } else {
            tbl.triggers.push(Trigger {
                name: name.clone(),
                timing,
                events: vec![event],
                for_each_row: true,
                when: None,
                function: None,
                function_args: Vec::new(),
                body: Some(body),
                extra: None,
            });
            let span = self.stmt_span;
            self.map(
                ObjectPath::Trigger(schema.clone(), tbl.name.clone(), name),
                span,
            );
        }
        self.put_table(&schema, idx, tbl);
        true
    }
}

fn new_sequence(name: &str) -> Sequence {
    Sequence {
        name: name.to_string(),
        data_type: None,
        start: None,
        increment: None,
        min_value: None,
        max_value: None,
        cache: None,
        cycle: false,
        owned_by: None,
        comment: None,
    }
}

fn num(e: &ast::Expr) -> Option<i64> {
    e.to_string().replace(' ', "").parse().ok()
}

/// The text of a string literal (`'...'`, `$$...$$`), or the expression as written.
fn string_value(e: &ast::Expr) -> String {
    match e {
        ast::Expr::Value(v) => match &v.value {
            ast::Value::SingleQuotedString(s) | ast::Value::EscapedStringLiteral(s) => s.clone(),
            ast::Value::DollarQuotedString(d) => d.value.clone(),
            other => other.to_string(),
        },
        other => other.to_string(),
    }
}

/// The body of a MySQL `CREATE TRIGGER … FOR EACH ROW [{FOLLOWS | PRECEDES} other] body` as
/// written, without its trailing `;`.
fn mysql_trigger_body(stmt: &str) -> Option<String> {
    let words: Vec<(usize, &str)> = word_spans(stmt);
    let at = words.windows(3).position(|w| {
        w[0].1.eq_ignore_ascii_case("FOR")
            && w[1].1.eq_ignore_ascii_case("EACH")
            && w[2].1.eq_ignore_ascii_case("ROW")
    })?;
    let (row_at, row) = words[at + 2];
    let mut rest = &stmt[row_at + row.len()..];
    let first = rest.split_whitespace().next().unwrap_or("");
    if first.eq_ignore_ascii_case("FOLLOWS") || first.eq_ignore_ascii_case("PRECEDES") {
        let t = rest.trim_start()[first.len()..].trim_start();
        let name_len = t.find(|c: char| c.is_whitespace()).unwrap_or(t.len());
        rest = &t[name_len..];
    }
    let body = rest.trim().trim_end_matches(';').trim_end();
    (!body.is_empty()).then(|| body.to_string())
}

/// The words of `s` outside quotes and comments, with their byte offsets.
fn word_spans(s: &str) -> Vec<(usize, &str)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\'' || c == b'"' || c == b'`' {
            let mut j = i + 1;
            while j < b.len() && b[j] != c {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            i = j + 1;
        } else if c == b'-' && b.get(i + 1) == Some(&b'-') || c == b'#' {
            i = s[i..].find('\n').map_or(b.len(), |n| i + n + 1);
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i = s[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push((start, &s[start..i]));
        } else {
            i += 1;
        }
    }
    out
}
