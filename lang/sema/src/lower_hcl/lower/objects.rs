//! Lowering each declaration kind into the realm: schemas, tables and what they own, and the
//! other schema- and realm-level objects of Atlas's catalogue.

use cairn_ir::*;
use cairn_syntax::Span;
use cairn_syntax::hcl::parse::{BlockAst, HclExpr};

use super::super::eval::{Ref, Value};
use super::super::types::{self, TypeSpec};
use super::{Attached, DialectTag, Env, Lowerer, d, tag};

const FK_ACTIONS: &[&str] = &[
    "NO_ACTION",
    "RESTRICT",
    "CASCADE",
    "SET_NULL",
    "SET_DEFAULT",
];

fn fk_action(s: Option<String>) -> FkAction {
    match s.as_deref() {
        Some("RESTRICT") => FkAction::Restrict,
        Some("CASCADE") => FkAction::Cascade,
        Some("SET_NULL") => FkAction::SetNull,
        Some("SET_DEFAULT") => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

fn index_method(s: &str) -> IndexMethod {
    match s {
        "BTREE" => IndexMethod::Default,
        "HASH" => IndexMethod::Hash,
        "GIN" => IndexMethod::Gin,
        "GIST" => IndexMethod::Gist,
        "SPGIST" => IndexMethod::SpGist,
        "BRIN" => IndexMethod::Brin,
        "FULLTEXT" => IndexMethod::Fulltext,
        "SPATIAL" => IndexMethod::Spatial,
        other => IndexMethod::Other(other.to_ascii_lowercase()),
    }
}

fn label(b: &BlockAst) -> Option<String> {
    b.labels.last().map(|l| l.value.clone())
}

impl<'a> Lowerer<'a> {
    pub(super) fn lower_all(&mut self) {
        // Objects attached to tables come after every table, wherever they are declared.
        let (late, early): (Vec<usize>, Vec<usize>) =
            (0..self.own).partition(|&i| matches!(self.decls[i].kind, "trigger" | "policy"));
        for i in early.into_iter().chain(late) {
            let dcl = &self.decls[i];
            let (src, kind) = (dcl.src, dcl.kind);
            let each = dcl.each.clone();
            let env = Env {
                src,
                each: each.as_ref(),
                relation: None,
            };
            match kind {
                "schema" => self.lower_schema(env, i),
                "table" => self.lower_table(
                    Env {
                        relation: Some(i),
                        ..env
                    },
                    i,
                ),
                "view" | "materialized" => self.lower_view(
                    Env {
                        relation: Some(i),
                        ..env
                    },
                    i,
                ),
                "enum" => self.lower_enum(env, i),
                "function" | "procedure" => self.lower_function(env, i),
                "aggregate" => self.lower_aggregate(env, i),
                "trigger" => self.lower_trigger(env, i),
                "sequence" => self.lower_sequence(env, i),
                "domain" => self.lower_domain(env, i),
                "composite" => self.lower_composite(env, i),
                "extension" => self.lower_extension(env, i),
                "policy" => self.lower_policy(env, i),
                "role" | "user" => self.lower_role(env, i),
                "permission" => self.lower_permission(env, i),
                "default_privilege" => self.lower_default_privilege(env, i),
                "event" => self.lower_event(env, i),
                _ => unreachable!("declared kinds are lowered: {kind}"),
            }
        }
    }

    /// The block of one of the declarations being lowered.
    fn block(&self, i: usize) -> &'a BlockAst {
        self.decls[i]
            .block
            .expect("only declarations with their block are lowered")
    }

    /// Records where an object was declared; `false` (and a diagnostic) for a duplicate.
    fn place(&mut self, env: Env<'_, 'a>, path: ObjectPath, span: Span, what: &str) -> bool {
        let file_span = span.shift(env.src.offset);
        if let Some((file, first)) = self.seen.get(&path) {
            let diag = dup_diag(env, file_span, what, file, *first);
            self.diags.push(diag);
            return false;
        }
        self.seen
            .insert(path.clone(), (env.src.file.to_string(), file_span));
        if self.resolver.is_some() {
            self.places.push((path, file_span));
        } else {
            self.source_map.insert(path, env.src.file, file_span);
        }
        true
    }

    fn schema_of(&mut self, i: usize) -> Option<String> {
        self.decls[i].schema.clone()
    }

    fn common(&self) -> Vec<&'static str> {
        vec!["schema", "name", "comment", "for_each", "depends_on"]
    }

    // ----- schema -----

    fn lower_schema(&mut self, env: Env<'_, 'a>, i: usize) {
        let b = self.block(i);
        let name = self.decls[i].name.clone();
        let mut allowed = vec!["name", "comment", "for_each"];
        match tag(self.dialect) {
            DialectTag::Pg => allowed.push("owner"),
            DialectTag::My => allowed.extend(["charset", "collate"]),
            DialectTag::Lt => {}
        }
        self.check_shape(env, b, &allowed, &[]);
        if !self.place(
            env,
            ObjectPath::Schema(name.clone()),
            b.name_span(),
            "schema",
        ) {
            return;
        }
        let comment = self.text(env, b, "comment");
        let charset = self.text(env, b, "charset");
        let collation = self.text(env, b, "collate");
        let owner = self.text(env, b, "owner");
        let s = self.realm.schema_or_insert(&name);
        s.comment = comment;
        s.charset = charset;
        s.collation = collation;
        s.owner = owner;
    }

    // ----- tables -----

    fn lower_table(&mut self, env: Env<'_, 'a>, i: usize) {
        let b = self.block(i);
        let Some(schema) = self.schema_of(i) else {
            return;
        };
        let name = self.decls[i].name.clone();
        let qn = QualifiedName::new(Some(&schema), &name);
        let mut attrs = self.common();
        attrs.push("renamed_from");
        let mut blocks = vec!["column", "primary_key", "index", "foreign_key", "check"];
        match tag(self.dialect) {
            DialectTag::Pg => {
                attrs.extend([
                    "unlogged",
                    "access_method",
                    "replica_identity",
                    "owner",
                    "inherits",
                ]);
                blocks.extend([
                    "unique",
                    "exclude",
                    "partition",
                    "partition_of",
                    "row_security",
                    "storage_params",
                ]);
            }
            DialectTag::My => {
                attrs.extend([
                    "engine",
                    "auto_increment",
                    "charset",
                    "collate",
                    "row_format",
                    "partitioning",
                ]);
                if self.dialect.is_mariadb() {
                    attrs.push("system_versioned");
                }
                blocks.push("partition");
            }
            DialectTag::Lt => attrs.extend(["strict", "without_rowid"]),
        }
        self.check_shape(env, b, &attrs, &blocks);
        if !self.place(
            env,
            ObjectPath::Table(schema.clone(), name.clone()),
            b.name_span(),
            "table",
        ) {
            return;
        }
        let mut t = Table::new(&name);
        t.comment = self.text(env, b, "comment");
        t.renamed_from = self.text(env, b, "renamed_from");
        if let Some(a) = b.attr("depends_on") {
            self.eval(env, &a.expr);
        }
        for c in b.blocks_named("column") {
            if let Some(col) = self.lower_column(env, c, &schema, &name) {
                t.columns.push(col);
            }
        }
        for pk in b.blocks_named("primary_key") {
            self.check_shape(
                env,
                pk,
                &[
                    "columns",
                    "include",
                    "type",
                    "deferrable",
                    "comment",
                    "name",
                ],
                &["on"],
            );
            let mut cols = self.columns(env, pk, "columns", Some(&qn));
            for on in pk.blocks_named("on") {
                cols.extend(self.columns(env, on, "column", Some(&qn)));
            }
            if cols.is_empty() {
                self.diags.push(d(
                    env.src,
                    pk.ident_span,
                    "E2012",
                    "a primary key needs `columns`",
                ));
            }
            if t.primary_key.is_some() {
                self.diags.push(d(
                    env.src,
                    pk.ident_span,
                    "E2017",
                    format!("table `{name}` has more than one primary key"),
                ));
                continue;
            }
            let pk_name = label(pk);
            self.place(
                env,
                ObjectPath::PrimaryKey(schema.clone(), name.clone()),
                pk.name_span(),
                "primary key",
            );
            t.primary_key = Some(PrimaryKey {
                name: pk_name,
                columns: cols,
                include: self.columns(env, pk, "include", Some(&qn)),
                deferrable: self.deferrable(env, pk),
            });
        }
        for ib in b.blocks_named("index") {
            if let Some(ix) = self.lower_index(env, ib, &qn, false)
                && self.place(
                    env,
                    ObjectPath::Index(schema.clone(), name.clone(), ix.name.clone()),
                    ib.name_span(),
                    "index",
                )
            {
                t.indexes.push(ix);
            }
        }
        for ub in b.blocks_named("unique") {
            if let Some(ix) = self.lower_index(env, ub, &qn, true)
                && self.place(
                    env,
                    ObjectPath::Index(schema.clone(), name.clone(), ix.name.clone()),
                    ub.name_span(),
                    "unique constraint",
                )
            {
                t.indexes.push(ix);
            }
        }
        for fb in b.blocks_named("foreign_key") {
            let mut allowed = vec![
                "columns",
                "ref_columns",
                "on_update",
                "on_delete",
                "comment",
                "name",
            ];
            // SQLite foreign keys may be deferred too.
            if matches!(self.dialect, Dialect::Postgres | Dialect::Sqlite) {
                allowed.push("deferrable");
            }
            self.check_shape(env, fb, &allowed, &[]);
            let columns = self.columns(env, fb, "columns", Some(&qn));
            let ref_vals = self.val(env, fb, "ref_columns");
            let mut ref_table: Option<QualifiedName> = None;
            let mut ref_columns = Vec::new();
            for v in match ref_vals {
                Some(Value::List(xs)) => xs,
                Some(v) => vec![v],
                None => Vec::new(),
            } {
                if let Value::Ref(Ref::Column { table, column }) = v {
                    if ref_table.as_ref().is_some_and(|r| *r != table) {
                        self.diags.push(d(
                            env.src,
                            fb.attr("ref_columns")
                                .map_or(fb.ident_span, |a| a.expr.span()),
                            "E2013",
                            "`ref_columns` must all belong to one table",
                        ));
                    }
                    ref_table = Some(table);
                    ref_columns.push(column);
                } else if v != Value::Error {
                    self.diags.push(d(env.src, fb.attr("ref_columns").map_or(fb.ident_span, |a| a.expr.span()), "E2013", format!("`ref_columns` expects column references such as `table.users.column.id`, not {}", v.kind_name())));
                }
            }
            if columns.is_empty() || fb.attr("ref_columns").is_none() {
                self.diags.push(d(
                    env.src,
                    fb.ident_span,
                    "E2012",
                    "a foreign key needs `columns` and `ref_columns`",
                ));
                continue;
            }
            let Some(ref_table) = ref_table else { continue };
            if columns.len() != ref_columns.len() {
                self.diags.push(d(
                    env.src,
                    fb.ident_span,
                    "E2013",
                    format!(
                        "foreign key has {} columns but {} referenced columns",
                        columns.len(),
                        ref_columns.len()
                    ),
                ));
            }
            let fk_name = label(fb);
            if let Some(n) = &fk_name
                && !self.place(
                    env,
                    ObjectPath::ForeignKey(schema.clone(), name.clone(), n.clone()),
                    fb.name_span(),
                    "foreign key",
                )
            {
                continue;
            }
            // MySQL checks foreign keys immediately: RESTRICT is NO ACTION there.
            let mysql = self.dialect.is_mysql_family();
            let fold = |a: FkAction| match a {
                FkAction::Restrict if mysql => FkAction::NoAction,
                other => other,
            };
            let on_update = fold(fk_action(self.keyword(env, fb, "on_update", FK_ACTIONS)));
            let on_delete = fold(fk_action(self.keyword(env, fb, "on_delete", FK_ACTIONS)));
            t.foreign_keys.push(ForeignKey {
                name: fk_name,
                columns,
                ref_table,
                ref_columns,
                on_update,
                on_delete,
                deferrable: self.deferrable(env, fb),
                not_valid: false,
            });
        }
        for cb in b.blocks_named("check") {
            let mut allowed = vec!["expr", "comment", "name"];
            match tag(self.dialect) {
                DialectTag::My => allowed.push("enforced"),
                DialectTag::Pg => allowed.push("no_inherit"),
                DialectTag::Lt => {}
            }
            self.check_shape(env, cb, &allowed, &[]);
            let Some(expr) = self.sql_expr(env, cb, "expr") else {
                if cb.attr("expr").is_none() {
                    self.diags
                        .push(d(env.src, cb.ident_span, "E2012", "a check needs `expr`"));
                }
                continue;
            };
            let ck_name = label(cb);
            if let Some(n) = &ck_name
                && !self.place(
                    env,
                    ObjectPath::Check(schema.clone(), name.clone(), n.clone()),
                    cb.name_span(),
                    "check",
                )
            {
                continue;
            }
            t.checks.push(Check {
                name: ck_name,
                expr,
                enforced: self.boolean(env, cb, "enforced").unwrap_or(true),
                no_inherit: self.flag(env, cb, "no_inherit"),
                not_valid: false,
                comment: self.text(env, cb, "comment"),
            });
        }
        for xb in b.blocks_named("exclude") {
            self.check_shape(
                env,
                xb,
                &["type", "where", "include", "comment", "name"],
                &["on"],
            );
            let method = self
                .text(env, xb, "type")
                .unwrap_or_else(|| "gist".to_string())
                .to_ascii_lowercase();
            let mut parts = Vec::new();
            for on in xb.blocks_named("on") {
                self.check_shape(env, on, &["column", "expr", "op"], &[]);
                let key = match self.columns(env, on, "column", Some(&qn)).pop() {
                    Some(c) => self.dialect.quote_ident(&c),
                    None => match self.sql_expr(env, on, "expr") {
                        Some(e) => format!("({})", e.as_str()),
                        None => continue,
                    },
                };
                let op = self.text(env, on, "op").unwrap_or_else(|| "=".to_string());
                parts.push(format!("{key} WITH {op}"));
            }
            let mut def = format!("USING {method} ({})", parts.join(", "));
            let include = self.columns(env, xb, "include", Some(&qn));
            if !include.is_empty() {
                def.push_str(&format!(" INCLUDE ({})", include.join(", ")));
            }
            if let Some(w) = self.sql_expr(env, xb, "where") {
                def.push_str(&format!(" WHERE ({})", w.as_str()));
            }
            t.excludes.push(Exclude {
                name: label(xb),
                definition: def,
            });
        }
        if let Some(pb) = b.blocks_named("partition").next() {
            self.lower_partition(env, pb, &qn, &mut t);
        }
        // PostgreSQL: this table is a partition of another (`bound` as `pg_get_expr` prints it).
        if let Some(pb) = b.blocks_named("partition_of").next() {
            self.check_shape(env, pb, &["table", "bound"], &[]);
            if let Some(Ref::Relation { name: parent, .. }) =
                self.reference(env, pb, "table", &["table"])
            {
                t.partition_of = Some(PartitionOf {
                    parent,
                    bound: self
                        .text(env, pb, "bound")
                        .unwrap_or_else(|| "DEFAULT".to_string()),
                });
            }
        }
        if let Some(rb) = b.blocks_named("row_security").next() {
            self.check_shape(env, rb, &["enabled", "enforced"], &[]);
            t.row_security = RowSecurity {
                enabled: self.flag(env, rb, "enabled"),
                forced: self.flag(env, rb, "enforced"),
            };
        }
        // The options, and a MySQL partitioning the `partition` block gave.
        let partitioning = match &t.ext {
            TableExt::Mysql(x) => x.partitioning.clone(),
            _ => None,
        };
        t.ext = self.table_ext(env, b);
        if let (TableExt::Mysql(x), Some(p)) = (&mut t.ext, &partitioning) {
            x.partitioning.get_or_insert_with(|| p.clone());
        } else if let Some(p) = partitioning {
            t.ext = TableExt::Mysql(MyTableExt {
                partitioning: Some(p),
                ..MyTableExt::default()
            });
        }
        self.realm.schema_or_insert(&schema).tables.push(t.into());
    }

    fn table_ext(&mut self, env: Env<'_, 'a>, b: &BlockAst) -> TableExt {
        match tag(self.dialect) {
            DialectTag::Pg => {
                let mut ext = PgTableExt {
                    unlogged: self.flag(env, b, "unlogged"),
                    access_method: self.text(env, b, "access_method"),
                    replica_identity: self
                        .text(env, b, "replica_identity")
                        .map(|s| s.to_ascii_uppercase()),
                    owner: self.text(env, b, "owner"),
                    ..PgTableExt::default()
                };
                if let Some(sp) = b.blocks_named("storage_params").next() {
                    for a in &sp.attributes {
                        if let Some(v) = self.eval(env, &a.expr).as_text() {
                            ext.storage_params.push((a.name.clone(), v));
                        }
                    }
                }
                for n in self.names(env, b, "inherits") {
                    ext.inherits.push(QualifiedName::unqualified(&n));
                }
                if ext == PgTableExt::default() {
                    TableExt::None
                } else {
                    TableExt::Postgres(ext)
                }
            }
            DialectTag::My => {
                let ext = MyTableExt {
                    engine: self.text(env, b, "engine"),
                    charset: self.text(env, b, "charset"),
                    collation: self.text(env, b, "collate"),
                    auto_increment: self
                        .int(env, b, "auto_increment")
                        .and_then(|x| u64::try_from(x).ok()),
                    row_format: self.text(env, b, "row_format"),
                    system_versioned: self.flag(env, b, "system_versioned"),
                    partitioning: self
                        .sql_expr(env, b, "partitioning")
                        .map(|e| e.as_str().to_string()),
                };
                if ext == MyTableExt::default() {
                    TableExt::None
                } else {
                    TableExt::Mysql(ext)
                }
            }
            DialectTag::Lt => {
                let ext = SqliteTableExt {
                    strict: self.flag(env, b, "strict"),
                    without_rowid: self.flag(env, b, "without_rowid"),
                };
                if ext == SqliteTableExt::default() {
                    TableExt::None
                } else {
                    TableExt::Sqlite(ext)
                }
            }
        }
    }

    fn lower_partition(
        &mut self,
        env: Env<'_, 'a>,
        pb: &BlockAst,
        qn: &QualifiedName,
        t: &mut Table,
    ) {
        self.check_shape(env, pb, &["type", "columns"], &["by", "partition"]);
        let allowed: &[&str] = if self.dialect == Dialect::Postgres {
            &["RANGE", "LIST", "HASH"]
        } else {
            &[
                "RANGE",
                "LIST",
                "HASH",
                "KEY",
                "LINEAR_HASH",
                "LINEAR_KEY",
                "RANGE_COLUMNS",
                "LIST_COLUMNS",
            ]
        };
        let Some(kind) = self.keyword(env, pb, "type", allowed) else {
            if pb.attr("type").is_none() {
                self.diags.push(d(
                    env.src,
                    pb.ident_span,
                    "E2012",
                    "a partition needs `type`",
                ));
            }
            return;
        };
        let mut keys: Vec<IndexKey> = self
            .columns(env, pb, "columns", Some(qn))
            .into_iter()
            .map(IndexKey::Column)
            .collect();
        for by in pb.blocks_named("by") {
            self.check_shape(env, by, &["column", "expr"], &[]);
            if let Some(c) = self.columns(env, by, "column", Some(qn)).pop() {
                keys.push(IndexKey::Column(c));
            } else if let Some(e) = self.sql_expr(env, by, "expr") {
                keys.push(IndexKey::Expr(e));
            }
        }
        if self.dialect == Dialect::Postgres {
            let strategy = match kind.as_str() {
                "LIST" => PartitionStrategy::List,
                "HASH" => PartitionStrategy::Hash,
                _ => PartitionStrategy::Range,
            };
            t.partition_by = Some(PartitionBy { strategy, keys });
        } else {
            let keys: Vec<String> = keys
                .iter()
                .map(|k| match k {
                    IndexKey::Column(c) => self.dialect.quote_ident(c),
                    IndexKey::Expr(e) => e.as_str().to_string(),
                })
                .collect();
            let clause = format!(
                "PARTITION BY {} ({})",
                kind.replace('_', " "),
                keys.join(", ")
            );
            match &mut t.ext {
                TableExt::Mysql(ext) => ext.partitioning = Some(clause),
                other => {
                    *other = TableExt::Mysql(MyTableExt {
                        partitioning: Some(clause),
                        ..MyTableExt::default()
                    })
                }
            }
        }
    }

    fn deferrable(&mut self, env: Env<'_, 'a>, b: &BlockAst) -> Deferrable {
        match self.val(env, b, "deferrable") {
            Some(Value::Bool(true)) => Deferrable::InitiallyImmediate,
            Some(Value::Keyword(k) | Value::Str(k)) => match super::norm_keyword(&k).as_str() {
                "INITIALLY_DEFERRED" => Deferrable::InitiallyDeferred,
                "INITIALLY_IMMEDIATE" | "TRUE" => Deferrable::InitiallyImmediate,
                _ => {
                    self.keyword(
                        env,
                        b,
                        "deferrable",
                        &["INITIALLY_IMMEDIATE", "INITIALLY_DEFERRED"],
                    );
                    Deferrable::No
                }
            },
            _ => Deferrable::No,
        }
    }

    fn lower_column(
        &mut self,
        env: Env<'_, 'a>,
        c: &BlockAst,
        schema: &str,
        table: &str,
    ) -> Option<Column> {
        let mut attrs = vec![
            "type",
            "null",
            "default",
            "comment",
            "collate",
            "as",
            "renamed_from",
            "name",
        ];
        match tag(self.dialect) {
            DialectTag::My => attrs.extend([
                "unsigned",
                "auto_increment",
                "on_update",
                "charset",
                "invisible",
                "srid",
            ]),
            DialectTag::Lt => attrs.push("auto_increment"),
            DialectTag::Pg => {}
        }
        self.check_shape(env, c, &attrs, &["as", "identity"]);
        let Some(name) = label(c) else {
            self.diags.push(d(
                env.src,
                c.ident_span,
                "E2012",
                "a column needs a name: `column \"name\" { ... }`",
            ));
            return None;
        };
        let Some(ty_attr) = c.attr("type") else {
            self.diags.push(
                d(
                    env.src,
                    c.name_span(),
                    "E2012",
                    format!("column `{name}` has no `type`"),
                )
                .with_help("add a type, e.g. `type = text`"),
            );
            return None;
        };
        let mut ty = self.column_type(env, &ty_attr.expr)?;
        if self.flag(env, c, "unsigned") && !types::make_unsigned(&mut ty) {
            let span = c.attr("unsigned").map_or(c.ident_span, |a| a.span);
            self.diags.push(d(
                env.src,
                span,
                "E2013",
                format!("`unsigned` applies to numeric types, not `{}`", ty.sql()),
            ));
        }
        if !self.place(
            env,
            ObjectPath::Column(schema.to_string(), table.to_string(), name.clone()),
            c.name_span(),
            "column",
        ) {
            return None;
        }
        let mut col = Column::new(&name, ty);
        col.nullable = self.flag(env, c, "null");
        col.default = self.default_value(env, c);
        col.comment = self.text(env, c, "comment");
        col.collation = self.text(env, c, "collate");
        col.renamed_from = self.text(env, c, "renamed_from");
        col.auto_increment = self.flag(env, c, "auto_increment");
        if let Some(g) = c.blocks_named("as").next() {
            self.check_shape(env, g, &["expr", "type"], &[]);
            let stored = match self.keyword(env, g, "type", &["STORED", "VIRTUAL"]) {
                Some(k) => k == "STORED",
                None => self.dialect == Dialect::Postgres,
            };
            if let Some(expr) = self.sql_expr(env, g, "expr") {
                col.generated = Some(Generated { expr, stored });
            }
        } else if let Some(expr) = self.sql_expr(env, c, "as") {
            col.generated = Some(Generated {
                expr,
                stored: self.dialect == Dialect::Postgres,
            });
        }
        if let Some(ib) = c.blocks_named("identity").next() {
            self.check_shape(
                env,
                ib,
                &["generated", "start", "increment", "options"],
                &[],
            );
            let kind = match self
                .keyword(env, ib, "generated", &["ALWAYS", "BY_DEFAULT"])
                .as_deref()
            {
                Some("ALWAYS") => IdentityKind::Always,
                _ => IdentityKind::ByDefault,
            };
            col.identity = Some(Identity {
                generated: kind,
                start: self.int(env, ib, "start"),
                increment: self.int(env, ib, "increment"),
                // Other sequence options (`CACHE 20`, `MINVALUE 5`), as SQL.
                options: self.text(env, ib, "options"),
            });
        }
        if self.dialect.is_mysql_family() {
            let ext = MyColumnExt {
                charset: self.text(env, c, "charset"),
                on_update: self.sql_expr(env, c, "on_update"),
                invisible: self.flag(env, c, "invisible"),
                srid: self.int(env, c, "srid").and_then(|x| u32::try_from(x).ok()),
            };
            if ext != MyColumnExt::default() {
                col.ext = ColumnExt::Mysql(ext);
            }
        }
        Some(col)
    }

    /// Reads a type expression into a column type of the dialect.
    pub(super) fn column_type(&mut self, env: Env<'_, 'a>, e: &HclExpr) -> Option<ColumnType> {
        let spec = match types::type_spec(e) {
            Ok(s) => s,
            Err((span, msg)) => {
                self.diags.push(d(env.src, span, "E2014", msg));
                return None;
            }
        };
        match spec {
            TypeSpec::Sql(s) => Some(ColumnType::parse(self.dialect, &s)),
            TypeSpec::Builtin { sql, name } => match types::builtin(self.dialect, &sql) {
                Some(t) => Some(t),
                None => {
                    let mut diag = d(
                        env.src,
                        e.span(),
                        "E2014",
                        format!("unknown {} type `{name}`", self.dialect),
                    );
                    match cairn_syntax::diag::did_you_mean(
                        &name,
                        types::known_names(self.dialect).iter().copied(),
                    ) {
                        Some(s) => diag = diag.with_help(format!("did you mean `{s}`?")),
                        None => {
                            diag = diag.with_help(format!(
                                "write `sql(\"{sql}\")` for a type Cairn does not know"
                            ))
                        }
                    }
                    self.diags.push(diag);
                    None
                }
            },
            TypeSpec::Values { set, values } => match self.dialect {
                Dialect::Mysql(_) => Some(ColumnType::Mysql(if set {
                    MyType::Set(values)
                } else {
                    MyType::Enum(values)
                })),
                _ => {
                    let what = if set { "set" } else { "enum" };
                    self.diags.push(
                        d(
                            env.src,
                            e.span(),
                            "E2014",
                            format!("inline `{what}(...)` types exist only in MySQL"),
                        )
                        .with_help("declare an `enum` block and write `type = enum.<name>`"),
                    );
                    None
                }
            },
            TypeSpec::Ref(x) => match self.eval(env, &x) {
                Value::Ref(Ref::Object {
                    kind: "enum" | "domain" | "composite",
                    name,
                }) => Some(ColumnType::Postgres(PgType::Named(name))),
                Value::Error => None,
                other => {
                    self.diags.push(d(
                        env.src,
                        e.span(),
                        "E2014",
                        format!("expected a type, found {}", other.kind_name()),
                    ));
                    None
                }
            },
        }
    }

    /// A type as SQL text, for function arguments and return types.
    fn type_sql(&mut self, env: Env<'_, 'a>, e: &HclExpr) -> Option<String> {
        match types::type_spec(e) {
            Ok(TypeSpec::Sql(s)) => Some(s),
            Ok(TypeSpec::Builtin { sql, .. }) => Some(match types::builtin(self.dialect, &sql) {
                Some(t) => t.sql(),
                None => sql,
            }),
            Ok(_) => self.column_type(env, e).map(|t| match t {
                ColumnType::Postgres(PgType::Named(q)) => q.display(),
                t => t.sql(),
            }),
            Err((span, msg)) => {
                self.diags.push(d(env.src, span, "E2014", msg));
                None
            }
        }
    }

    fn lower_index(
        &mut self,
        env: Env<'_, 'a>,
        ib: &BlockAst,
        qn: &QualifiedName,
        constraint: bool,
    ) -> Option<Index> {
        let mut attrs = vec![
            "columns",
            "unique",
            "type",
            "where",
            "comment",
            "renamed_from",
            "name",
        ];
        match tag(self.dialect) {
            DialectTag::Pg => {
                attrs.extend(["include", "nulls_distinct", "page_per_range", "deferrable"])
            }
            DialectTag::My => attrs.push("parser"),
            DialectTag::Lt => {}
        }
        self.check_shape(env, ib, &attrs, &["on", "storage_params"]);
        let Some(name) = label(ib) else {
            self.diags.push(
                d(
                    env.src,
                    ib.ident_span,
                    "E2012",
                    format!("this `{}` needs a name", ib.ident),
                )
                .with_help(format!(
                    "write `{} \"{}_idx\" {{ ... }}`",
                    ib.ident, qn.name
                )),
            );
            return None;
        };
        let mut ix = Index::on_columns(&name, &[], constraint || self.flag(env, ib, "unique"));
        ix.constraint = constraint;
        for c in self.columns(env, ib, "columns", Some(qn)) {
            ix.parts.push(IndexPart::column(&c));
        }
        for on in ib.blocks_named("on") {
            self.check_shape(
                env,
                on,
                &[
                    "column",
                    "expr",
                    "desc",
                    "ops",
                    "nulls_first",
                    "nulls_last",
                    "prefix",
                    "collate",
                ],
                &[],
            );
            let key = match self.columns(env, on, "column", Some(qn)).pop() {
                Some(c) => IndexKey::Column(c),
                None => match self.sql_expr(env, on, "expr") {
                    Some(e) => IndexKey::Expr(e),
                    None => {
                        if on.attr("column").is_none() {
                            self.diags.push(d(
                                env.src,
                                on.ident_span,
                                "E2012",
                                "an index part needs `column` or `expr`",
                            ));
                        }
                        continue;
                    }
                },
            };
            let desc = self.flag(env, on, "desc");
            let nulls_first = match (
                self.boolean(env, on, "nulls_first"),
                self.boolean(env, on, "nulls_last"),
            ) {
                (Some(true), _) => Some(true),
                (_, Some(true)) => Some(false),
                _ => None,
            };
            // NULLS LAST is the default ascending and NULLS FIRST descending.
            let nulls_first = nulls_first.filter(|&f| f != desc);
            ix.parts.push(IndexPart {
                key,
                desc,
                nulls_first,
                opclass: self.text(env, on, "ops"),
                collation: self.text(env, on, "collate"),
                prefix: self
                    .int(env, on, "prefix")
                    .and_then(|x| u32::try_from(x).ok()),
            });
        }
        if ix.parts.is_empty() {
            // A broken reference was already reported; only a missing key list is new.
            if ib.attr("columns").is_some() || ib.blocks_named("on").next().is_some() {
                return None;
            }
            self.diags.push(d(
                env.src,
                ib.name_span(),
                "E2012",
                format!("index `{name}` needs `columns` or `on` blocks"),
            ));
            return None;
        }
        if let Some(m) = self.text(env, ib, "type") {
            ix.method = index_method(&super::norm_keyword(&m));
        }
        ix.predicate = self.sql_expr(env, ib, "where");
        ix.include = self.columns(env, ib, "include", Some(qn));
        if self.boolean(env, ib, "nulls_distinct") == Some(false) {
            ix.nulls_distinct = Some(false);
        }
        ix.comment = self.text(env, ib, "comment");
        ix.parser = self.text(env, ib, "parser");
        ix.renamed_from = self.text(env, ib, "renamed_from");
        ix.deferrable = self.deferrable(env, ib);
        if let Some(p) = self.int(env, ib, "page_per_range") {
            ix.storage_params
                .push(("pages_per_range".to_string(), p.to_string()));
        }
        if let Some(sp) = ib.blocks_named("storage_params").next() {
            for a in &sp.attributes {
                if let Some(v) = self.eval(env, &a.expr).as_text() {
                    ix.storage_params.push((a.name.clone(), v));
                }
            }
        }
        Some(ix)
    }

    // ----- views -----

    fn lower_view(&mut self, env: Env<'_, 'a>, i: usize) {
        let b = self.block(i);
        let materialized = self.decls[i].kind == "materialized";
        let Some(schema) = self.schema_of(i) else {
            return;
        };
        let name = self.decls[i].name.clone();
        let qn = QualifiedName::new(Some(&schema), &name);
        let mut attrs = self.common();
        attrs.push("as");
        let mut blocks = vec!["column"];
        if materialized {
            attrs.push("with_data");
            blocks.push("index");
        } else {
            attrs.push("check_option");
            match tag(self.dialect) {
                DialectTag::Pg => blocks.push("security"),
                DialectTag::My => attrs.extend(["security", "algorithm"]),
                DialectTag::Lt => {}
            }
        }
        self.check_shape(env, b, &attrs, &blocks);
        let path = if materialized {
            ObjectPath::MaterializedView(schema.clone(), name.clone())
        } else {
            ObjectPath::View(schema.clone(), name.clone())
        };
        if !self.place(
            env,
            path,
            b.name_span(),
            if materialized {
                "materialized view"
            } else {
                "view"
            },
        ) {
            return;
        }
        if let Some(a) = b.attr("depends_on") {
            self.eval(env, &a.expr);
        }
        let Some(def) = self.sql_expr(env, b, "as") else {
            if b.attr("as").is_none() {
                self.diags.push(d(
                    env.src,
                    b.name_span(),
                    "E2012",
                    format!("view `{name}` has no query: add `as = \"SELECT ...\"`"),
                ));
            }
            return;
        };
        let mut v = View {
            name: name.clone(),
            definition: def.0,
            columns: b.blocks_named("column").filter_map(label).collect(),
            comment: self.text(env, b, "comment"),
            check_option: self
                .text(env, b, "check_option")
                .map(|s| super::norm_keyword(&s).replace('_', " ")),
            security_invoker: None,
            options: Vec::new(),
            indexes: Vec::new(),
            with_data: self.boolean(env, b, "with_data").unwrap_or(true),
        };
        if let Some(sb) = b.blocks_named("security").next() {
            self.check_shape(env, sb, &["invoker", "barrier"], &[]);
            v.security_invoker = self.boolean(env, sb, "invoker");
        }
        if let Some(s) = self.keyword(env, b, "security", &["DEFINER", "INVOKER"]) {
            v.options.push(("SQL SECURITY".to_string(), s));
        }
        if let Some(s) = self.keyword(env, b, "algorithm", &["UNDEFINED", "MERGE", "TEMPTABLE"]) {
            v.options.push(("ALGORITHM".to_string(), s));
        }
        for ib in b.blocks_named("index") {
            if let Some(ix) = self.lower_index(env, ib, &qn, false)
                && self.place(
                    env,
                    ObjectPath::Index(schema.clone(), name.clone(), ix.name.clone()),
                    ib.name_span(),
                    "index",
                )
            {
                v.indexes.push(ix);
            }
        }
        let s = self.realm.schema_or_insert(&schema);
        if materialized {
            s.materialized_views.push(v);
        } else {
            s.views.push(v);
        }
    }

    // ----- types -----

    fn lower_enum(&mut self, env: Env<'_, 'a>, i: usize) {
        let b = self.block(i);
        let Some(schema) = self.schema_of(i) else {
            return;
        };
        let name = self.decls[i].name.clone();
        let attrs = [self.common(), vec!["values"]].concat();
        self.check_shape(env, b, &attrs, &[]);
        if !self.place(
            env,
            ObjectPath::Enum(schema.clone(), name.clone()),
            b.name_span(),
            "enum",
        ) {
            return;
        }
        if b.attr("values").is_none() {
            self.diags.push(d(
                env.src,
                b.name_span(),
                "E2012",
                format!("enum `{name}` has no `values`"),
            ));
        }
        let values = self.names(env, b, "values");
        let comment = self.text(env, b, "comment");
        self.realm.schema_or_insert(&schema).enums.push(Enum {
            name,
            values,
            comment,
        });
    }

    fn lower_domain(&mut self, env: Env<'_, 'a>, i: usize) {
        let b = self.block(i);
        let Some(schema) = self.schema_of(i) else {
            return;
        };
        let name = self.decls[i].name.clone();
        let attrs = [self.common(), vec!["type", "null", "default", "collate"]].concat();
        self.check_shape(env, b, &attrs, &["check"]);
        if !self.place(
            env,
            ObjectPath::Domain(schema.clone(), name.clone()),
            b.name_span(),
            "domain",
        ) {
            return;
        }
        let Some(ty) = b.attr("type") else {
            self.diags.push(d(
                env.src,
                b.name_span(),
                "E2012",
                format!("domain `{name}` has no `type`"),
            ));
            return;
        };
        let Some(base) = self.column_type(env, &ty.expr) else {
            return;
        };
        let mut checks = Vec::new();
        for cb in b.blocks_named("check") {
            self.check_shape(env, cb, &["expr", "comment"], &[]);
            if let Some(expr) = self.sql_expr(env, cb, "expr") {
                checks.push(Check {
                    name: label(cb),
                    expr,
                    enforced: true,
                    no_inherit: false,
                    not_valid: false,
                    comment: self.text(env, cb, "comment"),
                });
            }
        }
        let dom = Domain {
            name,
            base,
            nullable: self.boolean(env, b, "null").unwrap_or(true),
            default: self.default_value(env, b),
            collation: self.text(env, b, "collate"),
            checks,
            comment: self.text(env, b, "comment"),
        };
        self.realm.schema_or_insert(&schema).domains.push(dom);
    }

    fn lower_composite(&mut self, env: Env<'_, 'a>, i: usize) {
        let b = self.block(i);
        let Some(schema) = self.schema_of(i) else {
            return;
        };
        let name = self.decls[i].name.clone();
        let attrs = self.common();
        self.check_shape(env, b, &attrs, &["field"]);
        if !self.place(
            env,
            ObjectPath::Composite(schema.clone(), name.clone()),
            b.name_span(),
            "composite type",
        ) {
            return;
        }
        let mut fields = Vec::new();
        for f in b.blocks_named("field") {
            self.check_shape(env, f, &["type", "collate", "comment"], &[]);
            let Some(fname) = label(f) else { continue };
            match f.attr("type") {
                Some(t) => {
                    if let Some(ty) = self.column_type(env, &t.expr) {
                        fields.push((fname, ty));
                    }
                }
                None => self.diags.push(d(
                    env.src,
                    f.name_span(),
                    "E2012",
                    format!("field `{fname}` has no `type`"),
                )),
            }
        }
        let comment = self.text(env, b, "comment");
        self.realm
            .schema_or_insert(&schema)
            .composites
            .push(Composite {
                name,
                fields,
                comment,
            });
    }

    fn lower_sequence(&mut self, env: Env<'_, 'a>, i: usize) {
        let b = self.block(i);
        let Some(schema) = self.schema_of(i) else {
            return;
        };
        let name = self.decls[i].name.clone();
        let attrs = [
            self.common(),
            vec![
                "type",
                "start",
                "increment",
                "min_value",
                "max_value",
                "cache",
                "cycle",
                "owner",
            ],
        ]
        .concat();
        self.check_shape(env, b, &attrs, &[]);
        if !self.place(
            env,
            ObjectPath::Sequence(schema.clone(), name.clone()),
            b.name_span(),
            "sequence",
        ) {
            return;
        }
        let data_type = match b.attr("type") {
            Some(t) => self
                .column_type(env, &t.expr)
                .filter(|t| *t != ColumnType::Postgres(PgType::BigInt)),
            None => None,
        };
        let owned_by = match self.reference(env, b, "owner", &["column"]) {
            Some(Ref::Column { table, column }) => Some((table.name, column)),
            _ => None,
        };
        let seq = Sequence {
            name,
            data_type,
            start: self.int(env, b, "start"),
            increment: self.int(env, b, "increment"),
            min_value: self.int(env, b, "min_value"),
            max_value: self.int(env, b, "max_value"),
            cache: self.int(env, b, "cache"),
            cycle: self.flag(env, b, "cycle"),
            owned_by,
            comment: self.text(env, b, "comment"),
        };
        self.realm.schema_or_insert(&schema).sequences.push(seq);
    }

    fn lower_extension(&mut self, env: Env<'_, 'a>, i: usize) {
        let b = self.block(i);
        let Some(schema) = self.schema_of(i) else {
            return;
        };
        let name = self.decls[i].name.clone();
        let attrs = [self.common(), vec!["version"]].concat();
        self.check_shape(env, b, &attrs, &[]);
        if !self.place(
            env,
            ObjectPath::Extension(schema.clone(), name.clone()),
            b.name_span(),
            "extension",
        ) {
            return;
        }
        let ext = Extension {
            name,
            version: self.text(env, b, "version"),
            comment: self.text(env, b, "comment"),
        };
        self.realm.schema_or_insert(&schema).extensions.push(ext);
    }

    /// A MySQL event: the schema model keeps its statement whole, as an unsupported object.
    fn lower_event(&mut self, env: Env<'_, 'a>, i: usize) {
        let b = self.block(i);
        let Some(schema) = self.schema_of(i) else {
            return;
        };
        let name = self.decls[i].name.clone();
        self.check_shape(env, b, &["schema", "name", "as"], &[]);
        let Some(raw) = self.sql_expr(env, b, "as") else {
            if b.attr("as").is_none() {
                self.diags.push(d(
                    env.src,
                    b.name_span(),
                    "E2012",
                    format!(
                        "event `{name}` has no statement: add `as = <<-SQL CREATE EVENT ... SQL`"
                    ),
                ));
            }
            return;
        };
        self.realm
            .schema_or_insert(&schema)
            .unsupported
            .push(cairn_ir::Unsupported {
                kind: "event".into(),
                name: Some(name),
                raw: raw.0,
            });
    }

    // ----- routines -----

    fn args(&mut self, env: Env<'_, 'a>, b: &BlockAst) -> Vec<FuncArg> {
        let mut out = Vec::new();
        for a in b.blocks_named("arg") {
            self.check_shape(
                env,
                a,
                &["type", "mode", "default", "charset", "collate"],
                &[],
            );
            let ty = match a.attr("type") {
                Some(t) => self.type_sql(env, &t.expr).unwrap_or_default(),
                None => {
                    self.diags.push(d(
                        env.src,
                        a.name_span(),
                        "E2012",
                        "an argument needs a `type`",
                    ));
                    continue;
                }
            };
            let mode = match self
                .keyword(env, a, "mode", &["IN", "OUT", "INOUT", "VARIADIC"])
                .as_deref()
            {
                Some("OUT") => ArgMode::Out,
                Some("INOUT") => ArgMode::InOut,
                Some("VARIADIC") => ArgMode::Variadic,
                _ => ArgMode::In,
            };
            out.push(FuncArg {
                name: label(a),
                ty,
                mode,
                default: self.sql_expr(env, a, "default"),
            });
        }
        out
    }

    fn lower_function(&mut self, env: Env<'_, 'a>, i: usize) {
        let b = self.block(i);
        let procedure = self.decls[i].kind == "procedure";
        let Some(schema) = self.schema_of(i) else {
            return;
        };
        let name = self.decls[i].name.clone();
        let mut attrs = [self.common(), vec!["lang", "as", "security"]].concat();
        let mut blocks = vec!["arg"];
        if !procedure {
            attrs.extend([
                "return",
                "return_set",
                "volatility",
                "strict",
                "leakproof",
                "parallel",
                "config_params",
                "deterministic",
                "data_access",
            ]);
            blocks.push("return_table");
        } else {
            attrs.extend(["deterministic", "data_access"]);
        }
        self.check_shape(env, b, &attrs, &blocks);
        let path = if procedure {
            ObjectPath::Procedure(schema.clone(), name.clone())
        } else {
            ObjectPath::Function(schema.clone(), name.clone())
        };
        if !self.place(
            env,
            path,
            b.name_span(),
            if procedure { "procedure" } else { "function" },
        ) {
            return;
        }
        let args = self.args(env, b);
        let returns = if procedure {
            None
        } else if let Some(r) = b.attr("return") {
            self.type_sql(env, &r.expr)
        } else if let Some(r) = b.attr("return_set") {
            self.type_sql(env, &r.expr).map(|t| format!("SETOF {t}"))
        } else if let Some(rt) = b.blocks_named("return_table").next() {
            let mut cols = Vec::new();
            for c in rt.blocks_named("column") {
                if let (Some(n), Some(t)) = (label(c), c.attr("type"))
                    && let Some(t) = self.type_sql(env, &t.expr)
                {
                    cols.push(format!("{} {t}", self.dialect.quote_ident(&n)));
                }
            }
            Some(format!("TABLE ({})", cols.join(", ")))
        } else {
            self.diags.push(d(
                env.src,
                b.name_span(),
                "E2012",
                format!("function `{name}` has no `return` type"),
            ));
            None
        };
        let Some(body) = self.sql_expr(env, b, "as") else {
            if b.attr("as").is_none() {
                self.diags.push(d(
                    env.src,
                    b.name_span(),
                    "E2012",
                    format!("`{name}` has no body: add `as = <<-SQL ... SQL`"),
                ));
            }
            return;
        };
        let language = self.text(env, b, "lang").unwrap_or_else(|| {
            if self.dialect == Dialect::Postgres {
                "sql".to_string()
            } else {
                "SQL".to_string()
            }
        });
        let volatility = match self
            .keyword(env, b, "volatility", &["VOLATILE", "STABLE", "IMMUTABLE"])
            .as_deref()
        {
            Some("STABLE") => Volatility::Stable,
            Some("IMMUTABLE") => Volatility::Immutable,
            _ => Volatility::Volatile,
        };
        let mut config = Vec::new();
        if let Some(Value::Map(kv)) = self.val(env, b, "config_params") {
            for (k, v) in kv {
                config.push((k, v.as_text().unwrap_or_default()));
            }
        }
        // MySQL: `data_access = "READS SQL DATA"` (CONTAINS SQL, the default, is not kept).
        if let Some(a) = self.text(env, b, "data_access") {
            let a = a.replace('_', " ").to_ascii_uppercase();
            if a != "CONTAINS SQL" {
                config.push(("SQL DATA ACCESS".to_string(), a));
            }
        }
        let f = Function {
            name,
            args,
            returns,
            language: language.to_lowercase(),
            body: body.0,
            volatility,
            strict: self.flag(env, b, "strict"),
            security_definer: match self
                .keyword(env, b, "security", &["DEFINER", "INVOKER"])
                .as_deref()
            {
                Some(s) => s == "DEFINER",
                // MySQL routines run as their definer unless they say otherwise.
                None => self.dialect.is_mysql_family(),
            },
            leakproof: self.flag(env, b, "leakproof"),
            parallel: self
                .keyword(env, b, "parallel", &["SAFE", "RESTRICTED", "UNSAFE"])
                .filter(|p| p != "UNSAFE"),
            deterministic: self.flag(env, b, "deterministic"),
            config,
            comment: self.text(env, b, "comment"),
        };
        let s = self.realm.schema_or_insert(&schema);
        if procedure {
            s.procedures.push(f);
        } else {
            s.functions.push(f);
        }
    }

    fn lower_aggregate(&mut self, env: Env<'_, 'a>, i: usize) {
        let b = self.block(i);
        let Some(schema) = self.schema_of(i) else {
            return;
        };
        let name = self.decls[i].name.clone();
        let attrs = [
            self.common(),
            vec![
                "state_type",
                "state_func",
                "final_func",
                "initial_value",
                "parallel",
            ],
        ]
        .concat();
        self.check_shape(env, b, &attrs, &["arg"]);
        if !self.place(
            env,
            ObjectPath::Aggregate(schema.clone(), name.clone()),
            b.name_span(),
            "aggregate",
        ) {
            return;
        }
        let args = self.args(env, b);
        let state_type = match b.attr("state_type") {
            Some(t) => self.type_sql(env, &t.expr),
            None => None,
        };
        let (Some(state_type), Some(state_func)) = (state_type, self.text(env, b, "state_func"))
        else {
            self.diags.push(d(
                env.src,
                b.name_span(),
                "E2012",
                format!("aggregate `{name}` needs `state_type` and `state_func`"),
            ));
            return;
        };
        let agg = Aggregate {
            name,
            args,
            state_func,
            state_type,
            final_func: self.text(env, b, "final_func"),
            initial_value: self.text(env, b, "initial_value"),
            comment: self.text(env, b, "comment"),
        };
        self.realm.schema_or_insert(&schema).aggregates.push(agg);
    }

    // ----- table-attached objects -----

    /// The table an `on = table.x` attribute names, as (schema, table).
    fn on_table(&mut self, env: Env<'_, 'a>, b: &BlockAst, what: &str) -> Option<(String, String)> {
        self.on_relation(env, b, what, &["table"])
            .map(|(schema, name, _)| (schema, name))
    }

    /// The relation `on` names, of one of `kinds`: its schema, name and kind.
    fn on_relation(
        &mut self,
        env: Env<'_, 'a>,
        b: &BlockAst,
        what: &str,
        kinds: &[&str],
    ) -> Option<(String, String, &'static str)> {
        if b.attr("on").is_none() {
            self.diags.push(d(
                env.src,
                b.name_span(),
                "E2012",
                format!("this {what} needs `on = table.<name>`"),
            ));
            return None;
        }
        match self.reference(env, b, "on", kinds)? {
            Ref::Relation { name, kind } => {
                Some((name.schema.unwrap_or_default(), name.name, kind))
            }
            _ => None,
        }
    }

    fn lower_trigger(&mut self, env: Env<'_, 'a>, i: usize) {
        let b = self.block(i);
        let name = self.decls[i].name.clone();
        let attrs = vec![
            "on",
            "for",
            "when",
            "as",
            "comment",
            "name",
            "for_each",
            "depends_on",
            "follows",
            "precedes",
            "extra",
        ];
        self.check_shape(
            env,
            b,
            &attrs,
            &["before", "after", "instead_of", "execute", "referencing"],
        );
        // SQLite triggers may be on views (INSTEAD OF); the model keeps those whole.
        let kinds: &[&str] = if self.dialect == Dialect::Sqlite {
            &["table", "view"]
        } else {
            &["table"]
        };
        let Some((schema, table, on_kind)) = self.on_relation(env, b, "trigger", kinds) else {
            return;
        };
        let mut timing = None;
        let mut events = Vec::new();
        for (ident, t) in [
            ("before", TriggerTiming::Before),
            ("after", TriggerTiming::After),
            ("instead_of", TriggerTiming::InsteadOf),
        ] {
            for eb in b.blocks_named(ident) {
                self.check_shape(
                    env,
                    eb,
                    &["insert", "update", "update_of", "delete", "truncate"],
                    &[],
                );
                timing = Some(t);
                if self.flag(env, eb, "insert") {
                    events.push(TriggerEvent::Insert);
                }
                let cols = self.names(env, eb, "update_of");
                if !cols.is_empty() {
                    events.push(TriggerEvent::Update { columns: cols });
                } else if self.flag(env, eb, "update") {
                    events.push(TriggerEvent::Update {
                        columns: Vec::new(),
                    });
                }
                if self.flag(env, eb, "delete") {
                    events.push(TriggerEvent::Delete);
                }
                if self.flag(env, eb, "truncate") {
                    events.push(TriggerEvent::Truncate);
                }
            }
        }
        let Some(timing) = timing.filter(|_| !events.is_empty()) else {
            self.diags.push(d(
                env.src,
                b.name_span(),
                "E2012",
                format!("trigger `{name}` needs an event: `before {{ insert = true }}`"),
            ));
            return;
        };
        let for_each_row = match self.keyword(env, b, "for", &["ROW", "STATEMENT"]) {
            Some(k) => k == "ROW",
            None => self.dialect != Dialect::Postgres,
        };
        let (mut function, mut function_args) = (None, Vec::new());
        if let Some(xb) = b.blocks_named("execute").next() {
            self.check_shape(env, xb, &["function", "args"], &[]);
            if let Some(Ref::Object { name, .. }) =
                self.reference(env, xb, "function", &["function"])
            {
                function = Some(name);
            }
            function_args = self.names(env, xb, "args");
        }
        let body = self.sql_expr(env, b, "as").map(|e| e.0);
        if function.is_none() && body.is_none() {
            self.diags.push(d(
                env.src,
                b.name_span(),
                "E2012",
                format!("trigger `{name}` needs `execute {{ function = ... }}` or `as`"),
            ));
            return;
        }
        if !self.place(
            env,
            ObjectPath::Trigger(schema.clone(), table.clone(), name.clone()),
            b.name_span(),
            "trigger",
        ) {
            return;
        }
        let trig = Trigger {
            name,
            timing,
            events,
            for_each_row,
            when: self.sql_expr(env, b, "when"),
            function,
            function_args,
            body,
            extra: self.text(env, b, "extra"),
        };
        if on_kind == "view" {
            if let Some(t) = crate::ir_to_sqlite_trigger(&trig, &table) {
                self.realm
                    .schema_or_insert(&schema)
                    .unsupported
                    .push(cairn_ir::Unsupported {
                        kind: "trigger".into(),
                        name: Some(t.name.clone()),
                        raw: t.to_sql(),
                    });
            }
            return;
        }
        // Triggers are attached after every table is lowered.
        self.attach.push((schema, table, Attached::Trigger(trig)));
    }

    fn lower_policy(&mut self, env: Env<'_, 'a>, i: usize) {
        let b = self.block(i);
        let name = self.decls[i].name.clone();
        let attrs = vec![
            "on", "as", "for", "to", "using", "check", "comment", "name", "for_each",
        ];
        self.check_shape(env, b, &attrs, &[]);
        let Some((schema, table)) = self.on_table(env, b, "policy") else {
            return;
        };
        if !self.place(
            env,
            ObjectPath::Policy(schema.clone(), table.clone(), name.clone()),
            b.name_span(),
            "policy",
        ) {
            return;
        }
        let command = match self
            .keyword(
                env,
                b,
                "for",
                &["ALL", "SELECT", "INSERT", "UPDATE", "DELETE"],
            )
            .as_deref()
        {
            Some("SELECT") => PolicyCommand::Select,
            Some("INSERT") => PolicyCommand::Insert,
            Some("UPDATE") => PolicyCommand::Update,
            Some("DELETE") => PolicyCommand::Delete,
            _ => PolicyCommand::All,
        };
        let mut roles: Vec<String> = self
            .names(env, b, "to")
            .into_iter()
            .map(|r| {
                if r.eq_ignore_ascii_case("public") {
                    "public".to_string()
                } else {
                    r
                }
            })
            .collect();
        if roles.is_empty() {
            roles.push("public".to_string());
        }
        let pol = Policy {
            name,
            permissive: self
                .keyword(env, b, "as", &["PERMISSIVE", "RESTRICTIVE"])
                .as_deref()
                != Some("RESTRICTIVE"),
            command,
            roles,
            using: self.sql_expr(env, b, "using"),
            check: self.sql_expr(env, b, "check"),
        };
        self.attach.push((schema, table, Attached::Policy(pol)));
    }

    // ----- realm-level objects -----

    fn lower_role(&mut self, env: Env<'_, 'a>, i: usize) {
        let b = self.block(i);
        let is_user = self.decls[i].kind == "user";
        let name = self.decls[i].name.clone();
        let mut attrs = vec!["comment", "name", "for_each", "password", "member_of"];
        match tag(self.dialect) {
            DialectTag::Pg => attrs.extend([
                "login",
                "inherit",
                "superuser",
                "create_db",
                "create_role",
                "replication",
                "bypass_rls",
                "conn_limit",
                "external",
            ]),
            _ => attrs.extend([
                "max_user_connections",
                "max_connections",
                "max_questions",
                "max_updates",
                "password_lifetime",
                "password_expired",
                "auth_plugin",
                "external",
            ]),
        }
        self.check_shape(env, b, &attrs, &["membership"]);
        if !self.place(
            env,
            ObjectPath::Role(name.clone()),
            b.name_span(),
            if is_user { "user" } else { "role" },
        ) {
            return;
        }
        let mut r = Role::new(&name);
        r.login = self.boolean(env, b, "login").unwrap_or(is_user);
        r.superuser = self.flag(env, b, "superuser");
        r.create_db = self.flag(env, b, "create_db");
        r.create_role = self.flag(env, b, "create_role");
        r.replication = self.flag(env, b, "replication");
        r.bypass_rls = self.flag(env, b, "bypass_rls");
        r.inherit = self.boolean(env, b, "inherit").unwrap_or(true);
        r.conn_limit = self
            .int(env, b, "conn_limit")
            .or_else(|| self.int(env, b, "max_user_connections"));
        r.member_of = self.names(env, b, "member_of");
        for m in b.blocks_named("membership") {
            self.check_shape(env, m, &["role", "admin", "inherit", "set"], &[]);
            if let Some(role) = self.text(env, m, "role") {
                r.member_of.push(role);
            }
        }
        r.password_set = b.attr("password").is_some();
        r.external = self.flag(env, b, "external");
        r.comment = self.text(env, b, "comment");
        self.realm.roles.push(r);
    }

    fn lower_permission(&mut self, env: Env<'_, 'a>, i: usize) {
        let b = self.block(i);
        self.check_shape(
            env,
            b,
            &[
                "to",
                "for",
                "privileges",
                "grantable",
                "for_each",
                "columns",
            ],
            &[],
        );
        let grantee = match self.val(env, b, "to") {
            Some(v) => match v.as_text() {
                Some(s) if s.eq_ignore_ascii_case("public") => "PUBLIC".to_string(),
                Some(s) => s,
                None => return,
            },
            None => {
                self.diags.push(d(
                    env.src,
                    b.ident_span,
                    "E2012",
                    "a permission needs `to = role.<name>`",
                ));
                return;
            }
        };
        let object = match self.val(env, b, "for") {
            Some(Value::Ref(r)) => match r {
                Ref::Schema(s) => GrantObject::Schema(s),
                Ref::Relation { name, .. } => {
                    let cols = self.names(env, b, "columns");
                    if cols.is_empty() {
                        GrantObject::Table(name)
                    } else {
                        GrantObject::Columns(name, cols)
                    }
                }
                Ref::Column { table, column } => GrantObject::Columns(table, vec![column]),
                Ref::Object {
                    kind: "function",
                    name,
                } => GrantObject::Function(name, Vec::new()),
                Ref::Object {
                    kind: "procedure",
                    name,
                } => GrantObject::Procedure(name, Vec::new()),
                Ref::Object {
                    kind: "sequence",
                    name,
                } => GrantObject::Sequence(name),
                Ref::Object {
                    kind: "enum" | "domain" | "composite",
                    name,
                } => GrantObject::Type(name),
                Ref::Object { kind, .. } => {
                    self.diags.push(d(
                        env.src,
                        b.attr("for").map_or(b.ident_span, |a| a.expr.span()),
                        "E2013",
                        format!("privileges cannot be granted on a {kind}"),
                    ));
                    return;
                }
            },
            Some(Value::Keyword(k) | Value::Str(k)) if k.eq_ignore_ascii_case("database") => {
                GrantObject::Database
            }
            Some(Value::Str(k)) if k == "*.*" => GrantObject::Global,
            Some(other) => {
                self.diags.push(d(
                    env.src,
                    b.attr("for").map_or(b.ident_span, |a| a.expr.span()),
                    "E2013",
                    format!(
                        "`for` expects an object reference such as `table.users`, not {}",
                        other.kind_name()
                    ),
                ));
                return;
            }
            None => {
                self.diags.push(d(
                    env.src,
                    b.ident_span,
                    "E2012",
                    "a permission needs `for = <object>`",
                ));
                return;
            }
        };
        let privileges: Vec<Privilege> = self
            .names(env, b, "privileges")
            .iter()
            .map(|p| Privilege::from_sql(&p.replace('_', " ")))
            .collect();
        if privileges.is_empty() {
            self.diags.push(d(
                env.src,
                b.ident_span,
                "E2012",
                "a permission needs `privileges = [SELECT, ...]`",
            ));
            return;
        }
        let grantable = self.flag(env, b, "grantable");
        let index = self.realm.permissions.len();
        let span = b.ident_span.shift(env.src.offset);
        if self.resolver.is_some() {
            self.permission_spans.push(span);
        } else {
            self.source_map
                .insert(ObjectPath::Permission(index), env.src.file, span);
        }
        self.realm.permissions.push(Permission {
            grantee,
            privileges,
            object,
            grantable,
        });
    }

    /// `default_privilege "label" { for_role = role.owner  schema = schema.app  on = TABLES
    /// to = role.reader  privileges = [SELECT]  grantable = false }` (PostgreSQL's `ALTER DEFAULT
    /// PRIVILEGES`); `for_role` and `schema` are optional.
    fn lower_default_privilege(&mut self, env: Env<'_, 'a>, i: usize) {
        let b = self.block(i);
        self.check_shape(
            env,
            b,
            &[
                "for_role",
                "schema",
                "on",
                "to",
                "privileges",
                "grantable",
                "for_each",
            ],
            &[],
        );
        let role = |this: &mut Self, attr: &str| -> Option<String> {
            let v = this.val(env, b, attr)?;
            v.as_text().map(|s| {
                if s.eq_ignore_ascii_case("public") {
                    "PUBLIC".to_string()
                } else {
                    s
                }
            })
        };
        let Some(grantee) = role(self, "to") else {
            self.diags.push(d(
                env.src,
                b.ident_span,
                "E2012",
                "a default privilege needs `to = role.<name>`",
            ));
            return;
        };
        let for_role = role(self, "for_role");
        let schema = match self.reference(env, b, "schema", &["schema"]) {
            Some(Ref::Schema(s)) => Some(s),
            _ => None,
        };
        let kinds = [
            "TABLES",
            "SEQUENCES",
            "FUNCTIONS",
            "ROUTINES",
            "TYPES",
            "SCHEMAS",
        ];
        let Some(on) = self.keyword(env, b, "on", &kinds) else {
            if b.attr("on").is_none() {
                self.diags.push(d(
                    env.src,
                    b.ident_span,
                    "E2012",
                    "a default privilege needs `on = TABLES` (or SEQUENCES, FUNCTIONS, TYPES, SCHEMAS)",
                ));
            }
            return;
        };
        let object_kind = match on.as_str() {
            "SEQUENCES" => DefaultPrivilegeKind::Sequences,
            "FUNCTIONS" | "ROUTINES" => DefaultPrivilegeKind::Functions,
            "TYPES" => DefaultPrivilegeKind::Types,
            "SCHEMAS" => DefaultPrivilegeKind::Schemas,
            _ => DefaultPrivilegeKind::Tables,
        };
        let privileges: Vec<Privilege> = self
            .names(env, b, "privileges")
            .iter()
            .map(|p| Privilege::from_sql(&p.replace('_', " ")))
            .collect();
        if privileges.is_empty() {
            self.diags.push(d(
                env.src,
                b.ident_span,
                "E2012",
                "a default privilege needs `privileges = [SELECT, ...]`",
            ));
            return;
        }
        let grantable = self.flag(env, b, "grantable");
        self.realm.default_privileges.push(DefaultPrivilege {
            for_role,
            schema,
            object_kind,
            grantee,
            privileges,
            grantable,
        });
    }
}

fn dup_diag(
    env: Env<'_, '_>,
    span: Span,
    what: &str,
    first_file: &str,
    first: Span,
) -> cairn_syntax::Diagnostic {
    cairn_syntax::Diagnostic::error(
        "E2017",
        env.src.file,
        span,
        format!("duplicate {what}: this name is already declared"),
    )
    .with_label(first_file, first, "first declared here")
}
