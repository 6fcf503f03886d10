//! `CREATE TABLE`, column definitions, table constraints, `CREATE INDEX` and the drops and
//! renames of tables and indexes.

use cairn_ir::{
    Check, Column, ColumnExt, ColumnType, Default, Deferrable, Exclude, FkAction, ForeignKey,
    Generated, Identity, IdentityKind, Index, IndexKey, IndexMethod, IndexPart, Literal,
    MyColumnExt, MyTableExt, ObjectPath, PartitionBy, PartitionOf, PartitionStrategy, PgTableExt,
    PgType, PrimaryKey, QualifiedName, SqliteTableExt, Table, TableExt,
};
use cairn_syntax::Span;
use cairn_syntax::sql::{self as syn, TableClause};
use sqlparser::ast;

use super::{
    E_DUPLICATE, E_IGNORED_ACTION, E_UNKNOWN_COLUMN, E_UNKNOWN_OBJECT, E_UNKNOWN_TABLE, Replay,
    text,
};

/// The name of the stand-in that holds a taken table's slot: no SQL name contains NUL.
const TAKEN: &str = "\0taken\0";

impl Replay {
    /// Takes a table out of its schema so it can be edited while diagnostics are pushed; put it
    /// back with `put_table`. Its slot keeps a stand-in no name matches (`TAKEN`), so neither
    /// taking nor putting back moves the tables after it (which made a long replay quadratic).
    pub(super) fn take_table(&mut self, schema: &str, name: &str) -> Option<(usize, Table)> {
        let i = self.table_at(schema, name)?;
        let s = self.realm.schema_mut(schema)?;
        let stand_in = Table {
            name: TAKEN.to_string(),
            ..Table::default()
        };
        let taken = std::mem::replace(&mut s.tables[i], stand_in.into());
        // (Copied only when an earlier state still shares it.)
        Some((i, cairn_ir::Shared::into_inner(taken)))
    }

    /// Removes a table from its schema (`DROP TABLE`).
    pub(super) fn remove_table(
        &mut self,
        schema: &str,
        name: &str,
    ) -> Option<cairn_ir::Shared<Table>> {
        let i = self.table_at(schema, name)?;
        let d = self.dialect;
        let s = self.realm.schema_mut(schema)?;
        let table = s.tables.remove(i);
        // The tables after it moved up one place.
        self.table_index.invalidate(d, schema);
        Some(table)
    }

    /// The position of table `name` in `schema`'s tables (through the table index: no scan).
    pub(super) fn table_at(&mut self, schema: &str, name: &str) -> Option<usize> {
        self.table_index.sync(&self.realm, schema);
        self.table_index.position(&self.realm, schema, name)
    }

    /// Puts a table taken by `take_table` back into its slot (or, when it moved to another
    /// schema, at the same position there).
    pub(super) fn put_table(&mut self, schema: &str, at: usize, table: Table) {
        let d = self.dialect;
        let s = self.realm.schema_or_insert(schema);
        let slot = match s.tables.get(at) {
            Some(t) if t.name == TAKEN => Some(at),
            _ => s.tables.iter().position(|t| t.name == TAKEN),
        };
        let at = match slot {
            Some(i) => {
                s.tables[i] = table.into();
                i
            }
            None => {
                let at = at.min(s.tables.len());
                s.tables.insert(at, table.into());
                at
            }
        };
        let len = s.tables.len();
        self.table_index.set(d, schema, &s.tables[at].name, at, len);
    }

    /// Like `take_table`, with an E103 error when the table does not exist.
    pub(super) fn table_for_alter(
        &mut self,
        name: &ast::ObjectName,
        if_exists: bool,
    ) -> Option<(String, usize, Table)> {
        let (schema, tname) = self.qname(name);
        match self.take_table(&schema, &tname) {
            Some((i, t)) => Some((schema, i, t)),
            None => {
                if !if_exists {
                    let span = self.name_span(name);
                    self.unknown_table(&schema, &tname, span);
                }
                None
            }
        }
    }

    pub(super) fn unknown_table(&mut self, schema: &str, name: &str, span: cairn_syntax::Span) {
        let candidates: Vec<String> = self
            .realm
            .schema(schema)
            .map(|s| s.tables.iter().map(|t| t.name.clone()).collect())
            .unwrap_or_default();
        let mut d = cairn_syntax::Diagnostic::error(
            E_UNKNOWN_TABLE,
            &self.file,
            span,
            format!("table {} does not exist", display(schema, name)),
        );
        if let Some(c) =
            cairn_syntax::diag::did_you_mean(name, candidates.iter().map(String::as_str))
        {
            d = d.with_help(format!("did you mean `{c}`?"));
        }
        self.diagnostics.push(d);
    }

    pub(super) fn unknown_column(&mut self, table: &Table, column: &str, span: cairn_syntax::Span) {
        let mut d = cairn_syntax::Diagnostic::error(
            E_UNKNOWN_COLUMN,
            &self.file,
            span,
            format!("column {column} does not exist in table {}", table.name),
        );
        if let Some(c) =
            cairn_syntax::diag::did_you_mean(column, table.columns.iter().map(|c| c.name.as_str()))
        {
            d = d.with_help(format!("did you mean `{c}`?"));
        }
        self.diagnostics.push(d);
    }

    pub(super) fn create_table(&mut self, ct: &ast::CreateTable, clauses: &[TableClause]) {
        let (schema, name) = self.qname(&ct.name);
        let name_span = self.name_span(&ct.name);
        if ct.temporary {
            self.no_schema_change("a temporary table");
            return;
        }
        if ct.query.is_some() {
            self.unsupported("CREATE TABLE AS", Some(&schema), Some(name));
            return;
        }
        if self.relation_exists(&schema, &name) {
            if !ct.if_not_exists {
                self.error(
                    E_DUPLICATE,
                    name_span,
                    format!("table {} already exists", display(&schema, &name)),
                );
            }
            return;
        }
        let mut table = Table::new(&name);
        table.renamed_from = self.leading_renamed_from();
        let mut col_starts = Vec::new();
        for def in &ct.columns {
            let col_name = self.ident(&def.name);
            if table.column(&col_name).is_some_and(|c| c.name == col_name) {
                let span = self.ident_span(&def.name);
                self.error(
                    E_DUPLICATE,
                    span,
                    format!("column {col_name} is declared twice in table {name}"),
                );
                continue;
            }
            let span = self.column_span(&def.name);
            col_starts.push((col_name.clone(), span.start as usize));
            self.lower_column(&schema, &mut table, def, clauses);
            self.map(
                ObjectPath::Column(schema.clone(), name.clone(), col_name),
                span,
            );
        }
        self.column_renames(&mut table, &col_starts);
        for c in &ct.constraints {
            self.add_table_constraint(&schema, &mut table, c, false);
        }
        if let Some(like) = &ct.like {
            let _ = like;
            let span = self.stmt_span;
            self.warn(
                E_IGNORED_ACTION,
                span,
                "CREATE TABLE ... LIKE is not modelled: the copied columns are ignored",
            );
        }
        self.table_options(&mut table, ct, clauses);
        resolve_binary_collations(&mut table);
        for c in clauses {
            self.table_clause(&mut table, c);
        }
        table.ext = normalize_ext(std::mem::take(&mut table.ext));
        if self.dialect == cairn_ir::Dialect::Sqlite {
            super::sqlite::autoindex_numbers(&mut table, ct);
        }
        let stmt_span = self.stmt_span;
        self.map(ObjectPath::Table(schema.clone(), name.clone()), stmt_span);
        self.map_constraints(&schema, &table);
        let d = self.dialect;
        let s = self.realm.schema_or_insert(&schema);
        s.tables.push(table.into());
        let (at, len) = (s.tables.len() - 1, s.tables.len());
        self.table_index
            .set(d, &schema, &s.tables[at].name, at, len);
    }

    /// Whether a table, view or materialized view of that name exists (they share a namespace).
    pub(super) fn relation_exists(&mut self, schema: &str, name: &str) -> bool {
        let d = self.dialect;
        let table = self.table_at(schema, name).is_some();
        self.realm.schema(schema).is_some_and(|s| {
            table
                || s.views.iter().any(|v| d.idents_equal(&v.name, name))
                || s.materialized_views
                    .iter()
                    .any(|v| d.idents_equal(&v.name, name))
        })
    }

    /// The span of a column definition: from its name to the comma that ends it.
    pub(super) fn column_span(&self, name: &ast::Ident) -> Span {
        let s = self.ident_span(name);
        if s == self.stmt_span {
            return s;
        }
        let rel = (s.start - self.stmt_span.start) as usize;
        let end = text::element_end(&self.stmt_text, rel);
        Span::new(s.start as usize, self.stmt_span.start as usize + end)
    }

    /// Rename hints written as comments after a column definition (`-- @renamed from=old`,
    /// `/* cairn:renamed_from old */`): each belongs to the last column that starts before it.
    fn column_renames(&mut self, table: &mut Table, starts: &[(String, usize)]) {
        let base = self.stmt_span.start as usize;
        let hash = self.dialect.is_mysql_family();
        for (s, e) in text::comments(&self.stmt_text, hash) {
            let Some(d) = syn::parse_comment(&self.stmt_text[s..e], base + s) else {
                continue;
            };
            let Some(old) = d.renamed_from() else {
                continue;
            };
            let Some((col, _)) = starts.iter().rev().find(|(_, at)| *at < base + s) else {
                continue;
            };
            if let Some(c) = table.column_mut(col) {
                c.renamed_from = Some(old);
            }
        }
    }

    pub(super) fn map_constraints(&mut self, schema: &str, table: &Table) {
        let span = self.stmt_span;
        let t = table.name.clone();
        if table.primary_key.is_some() {
            self.map(ObjectPath::PrimaryKey(schema.into(), t.clone()), span);
        }
        for fk in &table.foreign_keys {
            let n = self.fk_name(&t, fk);
            let span = self.find_span_or(fk.name.as_deref(), span);
            self.map(ObjectPath::ForeignKey(schema.into(), t.clone(), n), span);
        }
        for (i, c) in table.checks.iter().enumerate() {
            let n = c.name.clone().unwrap_or_else(|| {
                self.dialect
                    .implicit_check_name(&t, None, i + 1)
                    .unwrap_or_default()
            });
            let span = self.find_span_or(c.name.as_deref(), span);
            self.map(ObjectPath::Check(schema.into(), t.clone(), n), span);
        }
        for ix in &table.indexes {
            let span = self.find_span_or(Some(&ix.name), span);
            self.map(
                ObjectPath::Index(schema.into(), t.clone(), ix.name.clone()),
                span,
            );
        }
    }

    fn find_span_or(&self, name: Option<&str>, or: Span) -> Span {
        name.map(|n| self.find_span(n)).unwrap_or(or)
    }

    pub(super) fn fk_name(&self, table: &str, fk: &ForeignKey) -> String {
        fk.name.clone().unwrap_or_else(|| {
            let cols: Vec<&str> = fk.columns.iter().map(String::as_str).collect();
            self.dialect
                .implicit_foreign_key_name(table, &cols, 1)
                .unwrap_or_else(|| format!("{table}({})", cols.join(",")))
        })
    }

    /// PostgreSQL resolves an unqualified type name through the `search_path` (the current
    /// schema), not through the schema of the table that uses it: a type the statement leaves
    /// unqualified is qualified with the current schema when that is not `schema`.
    pub(super) fn resolve_type(&self, schema: &str, ty: ColumnType) -> ColumnType {
        fn qualify(t: PgType, cur: &str) -> PgType {
            match t {
                PgType::Named(QualifiedName { schema: None, name }) => {
                    PgType::Named(QualifiedName::new(Some(cur), &name))
                }
                PgType::Array(e) => PgType::Array(Box::new(qualify(*e, cur))),
                other => other,
            }
        }
        match ty {
            ColumnType::Postgres(t) if self.current_schema != schema => {
                ColumnType::Postgres(qualify(t, &self.current_schema))
            }
            other => other,
        }
    }

    /// Lowers one column definition into `table` (constraints written on the column go to the
    /// table).
    pub(super) fn lower_column(
        &mut self,
        schema: &str,
        table: &mut Table,
        def: &ast::ColumnDef,
        clauses: &[TableClause],
    ) {
        let name = self.ident(&def.name);
        let declared = clauses.iter().find_map(|c| match c {
            TableClause::ColumnType { column, type_name } if self.xident(column) == name => {
                Some(type_name.clone())
            }
            _ => None,
        });
        let type_text = declared.unwrap_or_else(|| def.data_type.to_string());
        let ty = self.resolve_type(schema, ColumnType::parse(self.dialect, &type_text));
        let mut col = Column::new(&name, ty);
        if matches!(
            col.ty,
            ColumnType::Postgres(PgType::Serial | PgType::BigSerial | PgType::SmallSerial)
        ) {
            col.nullable = false;
        }
        let mut my = MyColumnExt::default();
        let mut json_check = false;
        for opt in &def.options {
            let cname = opt.name.as_ref().map(|n| self.ident(n));
            match &opt.option {
                ast::ColumnOption::Null => col.nullable = true,
                ast::ColumnOption::NotNull => col.nullable = false,
                ast::ColumnOption::Default(e) => col.default = Some(lower_default(e)),
                ast::ColumnOption::PrimaryKey(pk) => {
                    col.nullable = false;
                    let name = cname.or_else(|| pk.name.as_ref().map(|n| self.ident(n)));
                    self.set_primary_key(
                        table,
                        PrimaryKey {
                            name,
                            columns: vec![col.name.clone()],
                            include: Vec::new(),
                            deferrable: deferrable(pk.characteristics.as_ref()),
                        },
                    );
                }
                ast::ColumnOption::Unique(u) => {
                    let name = cname.or_else(|| u.name.as_ref().map(|n| self.ident(n)));
                    let mut ix = Index::on_columns("", &[&col.name], true);
                    ix.constraint = self.dialect == cairn_ir::Dialect::Postgres;
                    ix.deferrable = deferrable(u.characteristics.as_ref());
                    ix.nulls_distinct = nulls_distinct(&u.nulls_distinct);
                    self.push_index(table, ix, name);
                }
                ast::ColumnOption::ForeignKey(fk) => {
                    let name = cname.or_else(|| fk.name.as_ref().map(|n| self.ident(n)));
                    let f = self.lower_fk(schema, name, vec![col.name.clone()], fk);
                    table.foreign_keys.push(f);
                }
                ast::ColumnOption::Check(c) => {
                    let name = cname.or_else(|| c.name.as_ref().map(|n| self.ident(n)));
                    // MariaDB's JSON is LONGTEXT with this check on the column: the same column.
                    if self.dialect.is_mariadb()
                        && name.is_none()
                        && col.ty == ColumnType::Mysql(cairn_ir::MyType::LongText)
                        && c.enforced != Some(false)
                        && is_json_valid_of(&c.expr, &col.name)
                    {
                        json_check = true;
                        continue;
                    }
                    table.checks.push(Check {
                        name,
                        expr: cairn_ir::Expr::new(c.expr.to_string()),
                        enforced: c.enforced.unwrap_or(true),
                        no_inherit: c.no_inherit,
                        not_valid: false,
                        comment: None,
                    });
                }
                ast::ColumnOption::DialectSpecific(tokens) => {
                    let words: Vec<String> = tokens
                        .iter()
                        .map(|t| t.to_string().to_ascii_uppercase())
                        .collect();
                    if words
                        .iter()
                        .any(|w| w == "AUTO_INCREMENT" || w == "AUTOINCREMENT")
                    {
                        col.auto_increment = true;
                    }
                }
                ast::ColumnOption::CharacterSet(cs) => my.charset = Some(cs.to_string()),
                ast::ColumnOption::Collation(c) => col.collation = Some(unquote_name(c)),
                ast::ColumnOption::Comment(c) => col.comment = Some(c.clone()),
                ast::ColumnOption::OnUpdate(e) => {
                    my.on_update = Some(cairn_ir::Expr::new(e.to_string()))
                }
                ast::ColumnOption::Invisible => my.invisible = true,
                // MariaDB has no SRID attribute (it skips MySQL's `/*!80003 SRID n */`).
                ast::ColumnOption::Srid(_) if self.dialect.is_mariadb() => {}
                ast::ColumnOption::Srid(e) => my.srid = e.to_string().parse().ok(),
                ast::ColumnOption::Generated {
                    generated_as,
                    sequence_options,
                    generation_expr,
                    generation_expr_mode,
                    ..
                } => match generation_expr {
                    Some(e) => {
                        col.generated = Some(Generated {
                            expr: cairn_ir::Expr::new(e.to_string()),
                            stored: self.dialect == cairn_ir::Dialect::Postgres
                                || matches!(
                                    generation_expr_mode,
                                    Some(ast::GeneratedExpressionMode::Stored)
                                ),
                        });
                    }
                    None => {
                        col.nullable = false;
                        col.identity = Some(identity_of(
                            matches!(generated_as, ast::GeneratedAs::Always),
                            sequence_options.as_deref().unwrap_or(&[]),
                        ));
                    }
                },
                ast::ColumnOption::OnConflict(_) => {}
                other => {
                    let span = self.column_span(&def.name);
                    self.warn(
                        E_IGNORED_ACTION,
                        span,
                        format!("column option `{other}` is not modelled and is ignored"),
                    );
                }
            }
        }
        for c in clauses {
            match c {
                TableClause::IdentityOptions {
                    column,
                    kind,
                    options,
                } if self.xident(column) == name => {
                    col.nullable = false;
                    col.identity = Some(identity_from_extra(*kind, options));
                }
                TableClause::ColumnAttribute { column, attribute }
                    if self.xident(column) == name
                        && attribute == "BINARY"
                        && col.collation.is_none() =>
                {
                    col.collation = Some(BINARY_COLLATION.to_string());
                }
                TableClause::ColumnAttribute { column, attribute }
                    if self.xident(column) == name && attribute == "BINARY" => {}
                TableClause::ColumnAttribute { column, attribute }
                    if self.xident(column) == name && attribute.starts_with("REF_SYSTEM_ID=") =>
                {
                    my.srid = attribute["REF_SYSTEM_ID=".len()..].trim().parse().ok();
                }
                TableClause::ColumnAttribute { column, attribute }
                    if self.xident(column) == name =>
                {
                    let span = self.column_span(&def.name);
                    self.warn(
                        E_IGNORED_ACTION,
                        span,
                        format!("column attribute {attribute} is not modelled and is ignored"),
                    );
                }
                _ => {}
            }
        }
        if self.dialect == cairn_ir::Dialect::Sqlite
            && col.auto_increment
            && table.primary_key.is_none()
        {
            col.auto_increment = false;
        }
        if json_check {
            // As the server keeps a JSON column: the type stands for charset and collation.
            col.ty = ColumnType::Mysql(cairn_ir::MyType::Json);
            col.collation = None;
            my.charset = None;
        }
        if my != MyColumnExt::default() {
            col.ext = ColumnExt::Mysql(my);
        }
        table.columns.push(col);
        if matches!(table.ext, TableExt::Mysql(_)) {
            resolve_binary_collations(table);
        }
    }

    fn set_primary_key(&mut self, table: &mut Table, pk: PrimaryKey) {
        if table.primary_key.is_some() {
            let span = self.find_span("PRIMARY");
            self.error(
                E_DUPLICATE,
                span,
                format!("table {} has more than one primary key", table.name),
            );
            return;
        }
        for c in &pk.columns {
            if let Some(col) = table.column_mut(c) {
                col.nullable = false;
            }
        }
        table.primary_key = Some(pk);
    }

    /// Names an index (its declared name, else the dialect's implicit one, made unique within the
    /// table) and adds it, with an E105 error when a declared name is taken.
    pub(super) fn push_index(&mut self, table: &mut Table, mut ix: Index, name: Option<String>) {
        match name {
            Some(n) => {
                if table.index(&n).is_some() {
                    let span = self.find_span(&n);
                    self.error(
                        E_DUPLICATE,
                        span,
                        format!("index {n} already exists on table {}", table.name),
                    );
                    return;
                }
                ix.name = n;
            }
            None => {
                let cols: Vec<String> = ix
                    .parts
                    .iter()
                    .map(|p| match &p.key {
                        IndexKey::Column(c) => c.clone(),
                        IndexKey::Expr(_) => "expr".to_string(),
                    })
                    .collect();
                let cols: Vec<&str> = cols.iter().map(String::as_str).collect();
                let base = if ix.unique {
                    self.dialect.implicit_unique_name(&table.name, &cols)
                } else {
                    self.dialect.implicit_index_name(&table.name, &cols)
                };
                let base = base.unwrap_or_else(|| {
                    format!(
                        "sqlite_autoindex_{}_{}",
                        table.name,
                        table.indexes.len() + 1
                    )
                });
                let mut candidate = base.clone();
                let mut n = 1;
                while table.index(&candidate).is_some() {
                    n += 1;
                    candidate = if self.dialect == cairn_ir::Dialect::Postgres {
                        format!("{base}{}", n - 1)
                    } else {
                        format!("{base}_{n}")
                    };
                }
                ix.name = candidate;
            }
        }
        table.indexes.push(ix);
    }

    pub(super) fn lower_fk(
        &mut self,
        schema: &str,
        name: Option<String>,
        columns: Vec<String>,
        fk: &ast::ForeignKeyConstraint,
    ) -> ForeignKey {
        let (ref_schema, ref_name) = self.qname(&fk.foreign_table);
        let qualified = fk.foreign_table.0.len() > 1;
        ForeignKey {
            name,
            columns,
            ref_table: QualifiedName::new(
                if qualified || ref_schema != schema {
                    Some(&ref_schema)
                } else {
                    None
                },
                &ref_name,
            ),
            ref_columns: fk.referred_columns.iter().map(|c| self.ident(c)).collect(),
            on_update: self.fk_action_in_dialect(fk.on_update),
            on_delete: self.fk_action_in_dialect(fk.on_delete),
            deferrable: deferrable(fk.characteristics.as_ref()),
            not_valid: false,
        }
    }

    /// A referential action as the database keeps it: MySQL checks foreign keys immediately, so
    /// `RESTRICT` is `NO ACTION` there (the catalog reads both back alike).
    fn fk_action_in_dialect(&self, a: Option<ast::ReferentialAction>) -> FkAction {
        match a.map(fk_action).unwrap_or_default() {
            FkAction::Restrict if self.dialect.is_mysql_family() => FkAction::NoAction,
            other => other,
        }
    }

    /// Adds a table constraint (from `CREATE TABLE` or `ALTER TABLE ... ADD`). Columns it names
    /// must exist.
    pub(super) fn add_table_constraint(
        &mut self,
        schema: &str,
        table: &mut Table,
        c: &ast::TableConstraint,
        from_alter: bool,
    ) {
        use ast::TableConstraint as C;
        let pg = self.dialect == cairn_ir::Dialect::Postgres;
        match c {
            C::PrimaryKey(pk) => {
                let Some(parts) = self.index_parts(table, &pk.columns) else {
                    return;
                };
                let columns = parts
                    .iter()
                    .filter_map(|p| match &p.key {
                        IndexKey::Column(c) => Some(c.clone()),
                        IndexKey::Expr(_) => None,
                    })
                    .collect();
                let pk = PrimaryKey {
                    name: pk.name.as_ref().map(|n| self.ident(n)),
                    columns,
                    include: pk.include.iter().map(|i| self.ident(i)).collect(),
                    deferrable: deferrable(pk.characteristics.as_ref()),
                };
                self.set_primary_key(table, pk);
            }
            C::Unique(u) => {
                let Some(parts) = self.index_parts(table, &u.columns) else {
                    return;
                };
                let name = u
                    .name
                    .as_ref()
                    .or(u.index_name.as_ref())
                    .map(|n| self.ident(n));
                let mut ix = Index::on_columns("", &[], true);
                ix.parts = parts;
                ix.constraint = pg;
                ix.include = u.include.iter().map(|i| self.ident(i)).collect();
                ix.nulls_distinct = nulls_distinct(&u.nulls_distinct);
                ix.deferrable = deferrable(u.characteristics.as_ref());
                ix.method = u.index_type.as_ref().map(index_method).unwrap_or_default();
                index_options(&mut ix, &u.index_options);
                self.push_index(table, ix, name);
            }
            C::ForeignKey(fk) => {
                let mut cols = Vec::new();
                for c in &fk.columns {
                    let n = self.ident(c);
                    if table.column(&n).is_none() {
                        let span = self.ident_span(c);
                        self.unknown_column(table, &n, span);
                        return;
                    }
                    cols.push(n);
                }
                let name = fk.name.as_ref().map(|n| self.ident(n));
                let f = self.lower_fk(schema, name, cols, fk);
                table.foreign_keys.push(f);
            }
            C::Check(ch) => table.checks.push(Check {
                name: ch.name.as_ref().map(|n| self.ident(n)),
                expr: cairn_ir::Expr::new(ch.expr.to_string()),
                enforced: ch.enforced.unwrap_or(true),
                no_inherit: ch.no_inherit,
                not_valid: false,
                comment: None,
            }),
            C::Index(ic) => {
                let Some(parts) = self.index_parts(table, &ic.columns) else {
                    return;
                };
                let mut ix = Index::on_columns("", &[], false);
                ix.parts = parts;
                ix.method = ic.index_type.as_ref().map(index_method).unwrap_or_default();
                index_options(&mut ix, &ic.index_options);
                let name = ic.name.as_ref().map(|n| self.ident(n));
                self.push_index(table, ix, name);
            }
            C::FulltextOrSpatial(f) => {
                let Some(parts) = self.index_parts(table, &f.columns) else {
                    return;
                };
                let mut ix = Index::on_columns("", &[], false);
                ix.parts = parts;
                ix.method = if f.fulltext {
                    IndexMethod::Fulltext
                } else {
                    IndexMethod::Spatial
                };
                let name = f.opt_index_name.as_ref().map(|n| self.ident(n));
                self.push_index(table, ix, name);
            }
            C::Exclude(x) => {
                let shown = x.to_string();
                let definition = match shown.find("EXCLUDE ") {
                    Some(i) => shown[i + "EXCLUDE ".len()..].to_string(),
                    None => shown,
                };
                table.excludes.push(Exclude {
                    name: x.name.as_ref().map(|n| self.ident(n)),
                    definition,
                });
            }
            C::PrimaryKeyUsingIndex(_) | C::UniqueUsingIndex(_) => {
                let span = self.stmt_span;
                self.warn(
                    E_IGNORED_ACTION,
                    span,
                    "a constraint built on an existing index (USING INDEX) is not modelled and is ignored",
                );
            }
        }
        let _ = from_alter;
    }

    /// The parts of an index or key; `None` (after an E104 error) when a column is missing.
    pub(super) fn index_parts(
        &mut self,
        table: &Table,
        cols: &[ast::IndexColumn],
    ) -> Option<Vec<IndexPart>> {
        let mut parts = Vec::new();
        let mut ok = true;
        for c in cols {
            // SQLite and PostgreSQL read `column COLLATE name` as the column with that
            // collation (none when it is the column's own).
            let mut collation = None;
            let mut expr = &c.column.expr;
            let collating = matches!(
                self.dialect,
                cairn_ir::Dialect::Sqlite | cairn_ir::Dialect::Postgres
            );
            if collating
                && let ast::Expr::Collate {
                    expr: inner,
                    collation: coll,
                } = strip_nested(expr)
                && let ast::Expr::Identifier(i) = strip_nested(inner)
                && let Some(coll) = coll.0.last().and_then(|p| p.as_ident())
            {
                let column = self.ident(i);
                let own = table.column(&column).and_then(|c| c.collation.clone());
                if self.dialect == cairn_ir::Dialect::Sqlite {
                    let default = own.unwrap_or_else(|| "BINARY".to_string());
                    if !coll.value.eq_ignore_ascii_case(&default) {
                        collation = Some(coll.value.clone());
                    }
                } else {
                    let name = self.ident(coll);
                    if own.as_deref() != Some(name.as_str()) && name != "default" {
                        collation = Some(name);
                    }
                }
                expr = strip_nested(inner);
            }
            let (key, prefix, span) = match expr {
                ast::Expr::Identifier(i) => (
                    IndexKey::Column(self.ident(i)),
                    None,
                    Some(self.ident_span(i)),
                ),
                ast::Expr::CompoundIdentifier(is) if is.len() == 1 => (
                    IndexKey::Column(self.ident(&is[0])),
                    None,
                    Some(self.ident_span(&is[0])),
                ),
                // MySQL's prefix key `name(10)` parses as a call.
                ast::Expr::Function(f)
                    if self.dialect.is_mysql_family() && prefix_len(f).is_some() =>
                {
                    let n = f.name.0.last().and_then(|p| p.as_ident());
                    match n {
                        Some(i) => (
                            IndexKey::Column(self.ident(i)),
                            prefix_len(f),
                            Some(self.ident_span(i)),
                        ),
                        None => (
                            IndexKey::Expr(cairn_ir::Expr::new(f.to_string())),
                            None,
                            None,
                        ),
                    }
                }
                ast::Expr::Nested(e) => (
                    IndexKey::Expr(cairn_ir::Expr::new(e.to_string())),
                    None,
                    None,
                ),
                e => (
                    IndexKey::Expr(cairn_ir::Expr::new(e.to_string())),
                    None,
                    None,
                ),
            };
            if let IndexKey::Column(n) = &key
                && table.column(n).is_none()
            {
                self.unknown_column(table, n, span.unwrap_or(self.stmt_span));
                ok = false;
                continue;
            }
            let desc = matches!(c.column.options.sort, Some(ast::OrderBySort::Desc));
            let nulls_first = match (c.column.options.nulls_first, desc) {
                // NULLS LAST is the default ascending, NULLS FIRST descending.
                (Some(true), true) | (Some(false), false) => None,
                (n, _) => n,
            };
            parts.push(IndexPart {
                key,
                desc,
                nulls_first,
                opclass: c.operator_class.as_ref().map(|o| o.to_string()),
                collation,
                prefix,
            });
        }
        ok.then_some(parts)
    }

    fn table_options(&mut self, table: &mut Table, ct: &ast::CreateTable, clauses: &[TableClause]) {
        match self.dialect {
            cairn_ir::Dialect::Postgres => {
                let mut ext = PgTableExt {
                    unlogged: ct.unlogged,
                    ..PgTableExt::default()
                };
                if let Some(inh) = &ct.inherits {
                    for n in inh {
                        let (s, t) = self.qname(n);
                        ext.inherits.push(QualifiedName::new(
                            (n.0.len() > 1).then_some(s.as_str()),
                            &t,
                        ));
                    }
                }
                for o in sql_options(&ct.table_options) {
                    match o {
                        ast::SqlOption::KeyValue { key, value } => ext
                            .storage_params
                            .push((key.value.to_ascii_lowercase(), option_value(value))),
                        ast::SqlOption::Comment(c) => table.comment = Some(comment_text(c)),
                        _ => {}
                    }
                }
                if let Some(p) = &ct.partition_by {
                    table.partition_by = self.partition_by(p);
                }
                if let Some(parent) = &ct.partition_of {
                    let (s, t) = self.qname(parent);
                    // As `pg_get_expr(relpartbound)` prints it.
                    let bound = match ct.for_values.as_ref() {
                        Some(ast::ForValues::With { modulus, remainder }) => {
                            format!("FOR VALUES WITH (modulus {modulus}, remainder {remainder})")
                        }
                        Some(v) => v.to_string(),
                        None => String::new(),
                    };
                    table.partition_of = Some(PartitionOf {
                        parent: QualifiedName::new((parent.0.len() > 1).then_some(s.as_str()), &t),
                        bound,
                    });
                }
                table.ext = TableExt::Postgres(ext);
            }
            cairn_ir::Dialect::Mysql(_) => {
                let mut ext = MyTableExt::default();
                for o in sql_options(&ct.table_options) {
                    match o {
                        ast::SqlOption::NamedParenthesizedList(l)
                            if l.key.value.eq_ignore_ascii_case("ENGINE") =>
                        {
                            ext.engine = l.name.as_ref().map(|n| n.value.clone());
                        }
                        ast::SqlOption::KeyValue { key, value } => {
                            let k = key.value.to_ascii_uppercase();
                            let v = option_value(value);
                            match k.as_str() {
                                "ENGINE" => ext.engine = Some(v),
                                "AUTO_INCREMENT" => ext.auto_increment = v.parse().ok(),
                                "DEFAULT CHARSET"
                                | "CHARSET"
                                | "CHARACTER SET"
                                | "DEFAULT CHARACTER SET" => ext.charset = Some(v),
                                "COLLATE" | "DEFAULT COLLATE" => ext.collation = Some(v),
                                "ROW_FORMAT" => ext.row_format = Some(v.to_ascii_uppercase()),
                                "COMMENT" => table.comment = Some(v),
                                _ => {}
                            }
                        }
                        ast::SqlOption::Comment(c) => table.comment = Some(comment_text(c)),
                        _ => {}
                    }
                }
                if let Some(c) = &ct.comment {
                    table.comment = Some(comment_text(c));
                }
                table.ext = TableExt::Mysql(ext);
            }
            cairn_ir::Dialect::Sqlite => {
                table.ext = TableExt::Sqlite(SqliteTableExt {
                    strict: ct.strict,
                    without_rowid: ct.without_rowid,
                });
            }
        }
        let _ = clauses;
    }

    fn table_clause(&mut self, table: &mut Table, c: &TableClause) {
        match c {
            TableClause::Partitioning(p) => {
                if let TableExt::Mysql(ext) = &mut table.ext {
                    ext.partitioning = Some(p.clone());
                }
            }
            TableClause::SystemVersioning => {
                if let TableExt::Mysql(ext) = &mut table.ext {
                    ext.system_versioned = true;
                }
            }
            TableClause::Strict => {
                if let TableExt::Sqlite(ext) = &mut table.ext {
                    ext.strict = true;
                }
            }
            TableClause::WithoutRowid => {
                if let TableExt::Sqlite(ext) = &mut table.ext {
                    ext.without_rowid = true;
                }
            }
            // Handled with their column, or without an IR counterpart that matters for diffs.
            TableClause::IdentityOptions { .. }
            | TableClause::ColumnType { .. }
            | TableClause::ColumnAttribute { .. }
            | TableClause::Zerofill { .. }
            | TableClause::OnConflict { .. }
            | TableClause::Tablespace(_) => {}
            TableClause::LikeOptions { .. }
            | TableClause::RowPeriod { .. }
            | TableClause::IndexAttribute { .. }
            | TableClause::Period { .. }
            | TableClause::TableOption { .. } => {
                let span = self.stmt_span;
                self.warn(
                    E_IGNORED_ACTION,
                    span,
                    format!("table clause {c:?} is not modelled and is ignored"),
                );
            }
        }
    }

    fn partition_by(&mut self, p: &ast::Expr) -> Option<PartitionBy> {
        if let ast::Expr::Function(f) = p {
            let strategy = match f.name.to_string().to_ascii_uppercase().as_str() {
                "RANGE" => PartitionStrategy::Range,
                "LIST" => PartitionStrategy::List,
                "HASH" => PartitionStrategy::Hash,
                _ => return None,
            };
            let mut keys = Vec::new();
            if let ast::FunctionArguments::List(l) = &f.args {
                for a in &l.args {
                    let s = a.to_string();
                    match a {
                        ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(
                            ast::Expr::Identifier(i),
                        )) => keys.push(IndexKey::Column(self.ident(i))),
                        _ => keys.push(IndexKey::Expr(cairn_ir::Expr::new(s))),
                    }
                }
            }
            return Some(PartitionBy { strategy, keys });
        }
        let span = self.stmt_span;
        self.warn(
            E_IGNORED_ACTION,
            span,
            format!("PARTITION BY {p} is not understood and is ignored"),
        );
        None
    }

    pub(super) fn create_index(&mut self, ci: &ast::CreateIndex) {
        if let Some((schema, at, mut table)) = self.matview_as_table(ci) {
            // A materialized view's index: lowered as on a table, kept on the view.
            self.create_index_on(ci, &schema, &mut table);
            if let Some(v) = self
                .realm
                .schema_mut(&schema)
                .and_then(|s| s.materialized_views.get_mut(at))
            {
                v.indexes = table.indexes;
            }
            return;
        }
        let Some((schema, at, mut table)) = self.table_for_alter(&ci.table_name, false) else {
            return;
        };
        self.create_index_on(ci, &schema, &mut table);
        self.put_table(&schema, at, table);
    }

    /// A stand-in table for the materialized view an index is created on (when no table has
    /// that name): the view's indexes, and as columns the view's declared ones, else every column
    /// the index names (a view's output columns are not known without a database).
    fn matview_as_table(&mut self, ci: &ast::CreateIndex) -> Option<(String, usize, Table)> {
        let d = self.dialect;
        let (schema, vname) = self.qname(&ci.table_name);
        if self.table_at(&schema, &vname).is_some() {
            return None;
        }
        let s = self.realm.schema(&schema)?;
        let at = s
            .materialized_views
            .iter()
            .position(|v| d.idents_equal(&v.name, &vname))?;
        let v = &s.materialized_views[at];
        let mut t = Table::new(&v.name);
        t.indexes = v.indexes.clone();
        let mut names = v.columns.clone();
        if names.is_empty() {
            for c in &ci.columns {
                let _ = ast::visit_expressions(&c.column.expr, |e: &ast::Expr| {
                    if let ast::Expr::Identifier(i) = e {
                        names.push(self.ident(i));
                    }
                    std::ops::ControlFlow::<()>::Continue(())
                });
            }
        }
        t.columns = names
            .iter()
            .map(|n| Column::new(n, ColumnType::Unsupported { raw: String::new() }))
            .collect();
        Some((schema, at, t))
    }

    fn create_index_on(&mut self, ci: &ast::CreateIndex, schema: &str, table: &mut Table) {
        let name = ci.name.as_ref().map(|n| self.qname(n).1);
        if let Some(n) = &name
            && ci.if_not_exists
            && table.index(n).is_some()
        {
            return;
        }
        let Some(parts) = self.index_parts(table, &ci.columns) else {
            return;
        };
        let mut ix = Index::on_columns("", &[], ci.unique);
        ix.parts = parts;
        ix.method = ci.using.as_ref().map(index_method).unwrap_or_default();
        ix.predicate = ci
            .predicate
            .as_ref()
            .map(|p| cairn_ir::Expr::new(p.to_string()));
        ix.include = ci.include.iter().map(|i| self.ident(i)).collect();
        ix.nulls_distinct = ci.nulls_distinct.filter(|d| !d);
        for w in &ci.with {
            if let ast::Expr::BinaryOp { left, right, .. } = w {
                // As `reloptions` keeps it: `fillfactor='70'` is `fillfactor=70`.
                ix.storage_params
                    .push((left.to_string().to_ascii_lowercase(), option_value(right)));
            }
        }
        ix.renamed_from = self.leading_renamed_from();
        let before = table.indexes.len();
        self.push_index(table, ix, name);
        if table.indexes.len() > before {
            let ix_name = table.indexes[before].name.clone();
            let span = ci
                .name
                .as_ref()
                .map(|n| self.name_span(n))
                .unwrap_or(self.stmt_span);
            self.map(
                ObjectPath::Index(schema.to_string(), table.name.clone(), ix_name),
                span,
            );
        }
    }

    /// Drops an index by name: on `table` when given (MySQL's `DROP INDEX i ON t`), else on
    /// whichever table of the schema has it.
    pub(super) fn drop_index(
        &mut self,
        schema: &str,
        name: &str,
        table: Option<&str>,
        if_exists: bool,
        span: Span,
    ) {
        let d = self.dialect;
        let found = self.realm.schema_mut(schema).and_then(|s| {
            s.tables
                .iter_mut()
                .filter(|t| table.is_none_or(|n| d.idents_equal(&t.name, n)))
                .find_map(|t| {
                    let i = t
                        .indexes
                        .iter()
                        .position(|ix| d.idents_equal(&ix.name, name))?;
                    t.indexes.remove(i);
                    Some(())
                })
        });
        // A materialized view's index (`DROP INDEX` names no table in PostgreSQL).
        let found = found.or_else(|| {
            let s = self.realm.schema_mut(schema)?;
            s.materialized_views.iter_mut().find_map(|v| {
                let i = v
                    .indexes
                    .iter()
                    .position(|ix| d.idents_equal(&ix.name, name))?;
                v.indexes.remove(i);
                Some(())
            })
        });
        if found.is_none() && !if_exists {
            self.error(
                E_UNKNOWN_OBJECT,
                span,
                format!("index {} does not exist", display(schema, name)),
            );
        }
    }

    pub(super) fn rename_table(&mut self, old: &ast::ObjectName, new: &ast::ObjectName) {
        let Some((schema, at, mut table)) = self.table_for_alter(old, false) else {
            return;
        };
        let (_, new_name) = self.qname(new);
        if self.relation_exists(&schema, &new_name) {
            let span = self.name_span(new);
            self.error(
                E_DUPLICATE,
                span,
                format!("table {} already exists", display(&schema, &new_name)),
            );
            self.put_table(&schema, at, table);
            return;
        }
        table.name = new_name.clone();
        let span = self.stmt_span;
        self.map(ObjectPath::Table(schema.clone(), new_name), span);
        self.put_table(&schema, at, table);
    }

    /// `DROP TABLE | VIEW | INDEX | SCHEMA | SEQUENCE | TYPE | ROLE ...`.
    pub(super) fn drop(
        &mut self,
        kind: ast::ObjectType,
        if_exists: bool,
        names: &[ast::ObjectName],
        table: Option<&ast::ObjectName>,
    ) {
        use super::ObjectKindRef as K;
        for n in names {
            let (schema, name) = self.qname(n);
            let span = self.name_span(n);
            match kind {
                ast::ObjectType::Table => {
                    if self.remove_table(&schema, &name).is_none() && !if_exists {
                        self.unknown_table(&schema, &name, span);
                    }
                }
                ast::ObjectType::View => {
                    self.drop_named(K::View, &schema, &name, if_exists);
                    if self.dialect == cairn_ir::Dialect::Sqlite {
                        self.sqlite_drop_view_triggers(&schema, &name);
                    }
                }
                ast::ObjectType::MaterializedView => {
                    self.drop_named(K::MaterializedView, &schema, &name, if_exists)
                }
                ast::ObjectType::Sequence => {
                    self.drop_named(K::Sequence, &schema, &name, if_exists)
                }
                ast::ObjectType::Type => self.drop_named(K::Type, &schema, &name, if_exists),
                ast::ObjectType::Index => {
                    let t = table.map(|t| self.qname(t).1);
                    self.drop_index(&schema, &name, t.as_deref(), if_exists, span);
                }
                ast::ObjectType::Schema | ast::ObjectType::Database => {
                    let name = self.ident(n.0.last().and_then(|p| p.as_ident()).expect("a name"));
                    let d = self.dialect;
                    let before = self.realm.schemas.len();
                    self.realm
                        .schemas
                        .retain(|s| !d.idents_equal(&s.name, &name));
                    // A dropped schema can be created again.
                    self.created_schemas.retain(|s| !d.idents_equal(s, &name));
                    if before == self.realm.schemas.len() && !if_exists {
                        self.error(
                            E_UNKNOWN_OBJECT,
                            span,
                            format!("schema {name} does not exist"),
                        );
                    }
                }
                ast::ObjectType::Role | ast::ObjectType::User => {
                    let name = n.to_string();
                    let name = self.role_name(&name);
                    let before = self.realm.roles.len();
                    self.realm.roles.retain(|r| r.name != name);
                    if before == self.realm.roles.len() && !if_exists {
                        self.error(
                            E_UNKNOWN_OBJECT,
                            span,
                            format!("role {name} does not exist"),
                        );
                    }
                }
                _ => {
                    let kind = format!("DROP {kind}");
                    let schema = schema.clone();
                    self.unsupported(&kind, Some(&schema), Some(name));
                }
            }
        }
    }
}

pub(super) fn display(schema: &str, name: &str) -> String {
    if schema.is_empty() {
        name.to_string()
    } else {
        format!("{schema}.{name}")
    }
}

fn prefix_len(f: &ast::Function) -> Option<u32> {
    let ast::FunctionArguments::List(l) = &f.args else {
        return None;
    };
    match l.args.as_slice() {
        [ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(ast::Expr::Value(v)))] => {
            match &v.value {
                ast::Value::Number(n, _) => n.parse().ok(),
                _ => None,
            }
        }
        _ => None,
    }
}

fn sql_options(o: &ast::CreateTableOptions) -> &[ast::SqlOption] {
    match o {
        ast::CreateTableOptions::None => &[],
        ast::CreateTableOptions::With(v)
        | ast::CreateTableOptions::Options(v)
        | ast::CreateTableOptions::Plain(v)
        | ast::CreateTableOptions::TableProperties(v) => v,
    }
}

fn strip_nested(e: &ast::Expr) -> &ast::Expr {
    match e {
        ast::Expr::Nested(inner) => strip_nested(inner),
        other => other,
    }
}

fn option_value(e: &ast::Expr) -> String {
    match e {
        ast::Expr::Identifier(i) => i.value.clone(),
        ast::Expr::Value(v) => match &v.value {
            ast::Value::SingleQuotedString(s) | ast::Value::DoubleQuotedString(s) => s.clone(),
            other => other.to_string(),
        },
        other => other.to_string(),
    }
}

fn comment_text(c: &ast::CommentDef) -> String {
    match c {
        ast::CommentDef::WithEq(s) | ast::CommentDef::WithoutEq(s) => s.clone(),
    }
}

fn unquote_name(n: &ast::ObjectName) -> String {
    n.0.iter()
        .filter_map(|p| p.as_ident())
        .map(|i| i.value.clone())
        .collect::<Vec<_>>()
        .join(".")
}

pub(super) fn normalize_ext(ext: TableExt) -> TableExt {
    match ext {
        TableExt::Postgres(e) if e == PgTableExt::default() => TableExt::None,
        TableExt::Mysql(e) if e == MyTableExt::default() => TableExt::None,
        TableExt::Sqlite(e) if e == SqliteTableExt::default() => TableExt::None,
        other => other,
    }
}

pub(super) fn fk_action(a: ast::ReferentialAction) -> FkAction {
    match a {
        ast::ReferentialAction::Restrict => FkAction::Restrict,
        ast::ReferentialAction::Cascade => FkAction::Cascade,
        ast::ReferentialAction::SetNull => FkAction::SetNull,
        ast::ReferentialAction::NoAction => FkAction::NoAction,
        ast::ReferentialAction::SetDefault => FkAction::SetDefault,
    }
}

pub(super) fn deferrable(c: Option<&ast::ConstraintCharacteristics>) -> Deferrable {
    match c {
        Some(c) if c.deferrable == Some(true) => match c.initially {
            Some(ast::DeferrableInitial::Deferred) => Deferrable::InitiallyDeferred,
            _ => Deferrable::InitiallyImmediate,
        },
        _ => Deferrable::No,
    }
}

fn nulls_distinct(n: &ast::NullsDistinctOption) -> Option<bool> {
    match n {
        ast::NullsDistinctOption::NotDistinct => Some(false),
        _ => None,
    }
}

/// What a column declared `BINARY` has as its collation until its charset is known.
const BINARY_COLLATION: &str = "\u{0}binary";

/// The `BINARY` attribute of columns as the binary collation of the column's charset (its own,
/// else the table's, else the server's `utf8mb4`).
fn resolve_binary_collations(table: &mut Table) {
    let table_charset = match &table.ext {
        TableExt::Mysql(e) => e.charset.clone().or_else(|| {
            e.collation
                .as_deref()
                .and_then(|c| c.split('_').next())
                .map(str::to_string)
        }),
        _ => None,
    };
    for c in &mut table.columns {
        if c.collation.as_deref() == Some(BINARY_COLLATION) {
            let own = match &c.ext {
                ColumnExt::Mysql(e) => e.charset.clone(),
                ColumnExt::None => None,
            };
            let cs = own
                .or_else(|| table_charset.clone())
                .unwrap_or_else(|| "utf8mb4".to_string());
            c.collation = Some(format!("{}_bin", cs.to_ascii_lowercase()));
        }
    }
}

/// `json_valid(column)`, however quoted.
fn is_json_valid_of(e: &ast::Expr, column: &str) -> bool {
    let ast::Expr::Function(f) = e else {
        return false;
    };
    if !f.name.to_string().eq_ignore_ascii_case("json_valid") {
        return false;
    }
    let ast::FunctionArguments::List(list) = &f.args else {
        return false;
    };
    matches!(
        list.args.as_slice(),
        [ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(ast::Expr::Identifier(i)))]
            if i.value.eq_ignore_ascii_case(column)
    )
}

/// MySQL's index options after the key parts: `USING {BTREE|HASH}` and `COMMENT '...'`.
fn index_options(ix: &mut Index, opts: &[ast::IndexOption]) {
    for o in opts {
        match o {
            ast::IndexOption::Using(t) => ix.method = index_method(t),
            ast::IndexOption::Comment(c) => ix.comment = Some(c.clone()),
        }
    }
}

pub(super) fn index_method(t: &ast::IndexType) -> IndexMethod {
    match t {
        ast::IndexType::BTree => IndexMethod::Default,
        ast::IndexType::Hash => IndexMethod::Hash,
        ast::IndexType::GIN => IndexMethod::Gin,
        ast::IndexType::GiST => IndexMethod::Gist,
        ast::IndexType::SPGiST => IndexMethod::SpGist,
        ast::IndexType::BRIN => IndexMethod::Brin,
        ast::IndexType::Bloom => IndexMethod::Other("bloom".into()),
        ast::IndexType::Custom(i) => match i.value.to_ascii_lowercase().as_str() {
            "btree" => IndexMethod::Default,
            "hash" => IndexMethod::Hash,
            "gin" => IndexMethod::Gin,
            "gist" => IndexMethod::Gist,
            "spgist" => IndexMethod::SpGist,
            "brin" => IndexMethod::Brin,
            other => IndexMethod::Other(other.to_string()),
        },
    }
}

/// A default: plain literals are `Literal`, anything else an expression as written.
pub(super) fn lower_default(e: &ast::Expr) -> Default {
    literal(e)
        .map(Default::Literal)
        .unwrap_or_else(|| Default::Expr(cairn_ir::Expr::new(e.to_string())))
}

fn literal(e: &ast::Expr) -> Option<Literal> {
    match e {
        ast::Expr::Value(v) => match &v.value {
            ast::Value::Null => Some(Literal::Null),
            ast::Value::Boolean(b) => Some(Literal::Bool(*b)),
            ast::Value::Number(n, _) => Some(Literal::Number(canonical_number(n))),
            ast::Value::SingleQuotedString(s) | ast::Value::EscapedStringLiteral(s) => {
                Some(Literal::String(s.clone()))
            }
            _ => None,
        },
        ast::Expr::UnaryOp {
            op: ast::UnaryOperator::Minus,
            expr,
        } => match literal(expr)? {
            Literal::Number(n) => Some(Literal::Number(canonical_number(&format!("-{n}")))),
            _ => None,
        },
        ast::Expr::UnaryOp {
            op: ast::UnaryOperator::Plus,
            expr,
        } => match literal(expr)? {
            n @ Literal::Number(_) => Some(n),
            _ => None,
        },
        ast::Expr::Nested(inner) => literal(inner),
        _ => None,
    }
}

/// `+1` → `1`, `-0` → `0`, `1.50` → `1.5`, `1.0` → `1`.
fn canonical_number(n: &str) -> String {
    let n = n.trim().trim_start_matches('+');
    let mut s = n.to_string();
    if s.contains('.') && !s.contains(['e', 'E']) {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" || s.is_empty() {
        s = "0".to_string();
    }
    s
}

fn seq_value(e: &ast::Expr) -> Option<i64> {
    e.to_string().replace(' ', "").parse().ok()
}

pub(super) fn identity_of(always: bool, opts: &[ast::SequenceOptions]) -> Identity {
    let mut id = Identity {
        generated: if always {
            IdentityKind::Always
        } else {
            IdentityKind::ByDefault
        },
        start: None,
        increment: None,
        options: None,
    };
    let mut rest = Vec::new();
    for o in opts {
        match o {
            ast::SequenceOptions::StartWith(e, _) => id.start = seq_value(e),
            ast::SequenceOptions::IncrementBy(e, _) => id.increment = seq_value(e),
            other => rest.push(other.to_string().trim().to_string()),
        }
    }
    if !rest.is_empty() {
        id.options = Some(rest.join(" "));
    }
    id
}

pub(super) fn identity_from_extra(kind: syn::IdentityKind, o: &syn::SequenceOptions) -> Identity {
    let mut rest = Vec::new();
    if let Some(Some(v)) = o.min_value {
        rest.push(format!("MINVALUE {v}"));
    }
    if let Some(Some(v)) = o.max_value {
        rest.push(format!("MAXVALUE {v}"));
    }
    if let Some(c) = o.cache {
        rest.push(format!("CACHE {c}"));
    }
    if o.cycle == Some(true) {
        rest.push("CYCLE".to_string());
    }
    if let Some(n) = &o.sequence_name {
        let parts: Vec<&str> = n.0.iter().map(|i| i.value.as_str()).collect();
        rest.push(format!("SEQUENCE NAME {}", parts.join(".")));
    }
    Identity {
        generated: match kind {
            syn::IdentityKind::Always => IdentityKind::Always,
            syn::IdentityKind::ByDefault => IdentityKind::ByDefault,
        },
        start: o.start,
        increment: o.increment,
        options: (!rest.is_empty()).then(|| rest.join(" ")),
    }
}
