//! `ALTER TABLE` and its PostgreSQL relatives (identity, partitions), and the checks that run
//! after the whole replay: serial folding and foreign-key targets.

use cairn_ir::{
    ColumnType, Default, MyTableExt, ObjectPath, PartitionOf, PgTableExt, PgType, QualifiedName,
    RowSecurity, Table, TableExt,
};
use cairn_syntax::sql::{self as syn, TableClause};
use sqlparser::ast;

use super::table::{display, identity_from_extra, identity_of, lower_default, normalize_ext};
use super::{
    E_DANGLING_FK, E_DUPLICATE, E_IGNORED_ACTION, E_UNKNOWN_COLUMN, E_UNKNOWN_OBJECT, Replay, text,
};

impl Replay {
    pub(super) fn alter_table(&mut self, at: &ast::AlterTable, clauses: &[TableClause]) {
        let Some((schema, idx, mut table)) = self.table_for_alter(&at.name, at.if_exists) else {
            return;
        };
        for op in &at.operations {
            self.alter_op(&schema, &mut table, op, clauses);
        }
        table.ext = normalize_ext(std::mem::take(&mut table.ext));
        self.put_table(&schema, idx, table);
    }

    fn column_or_error(&mut self, table: &Table, col: &ast::Ident) -> Option<String> {
        let n = self.ident(col);
        match table.column(&n) {
            Some(c) => Some(c.name.clone()),
            None => {
                let span = self.ident_span(col);
                self.unknown_column(table, &n, span);
                None
            }
        }
    }

    fn alter_op(
        &mut self,
        schema: &str,
        table: &mut Table,
        op: &ast::AlterTableOperation,
        clauses: &[TableClause],
    ) {
        use ast::AlterTableOperation as O;
        let tname = table.name.clone();
        match op {
            O::AddColumn {
                if_not_exists,
                column_def,
                ..
            } => {
                let n = self.ident(&column_def.name);
                if table.column(&n).is_some() {
                    if !if_not_exists {
                        let span = self.ident_span(&column_def.name);
                        self.error(
                            E_DUPLICATE,
                            span,
                            format!("column {n} already exists in table {tname}"),
                        );
                    }
                    return;
                }
                let span = self.column_span(&column_def.name);
                self.lower_column(schema, table, column_def, clauses);
                if let Some(c) = table.column_mut(&n) {
                    c.renamed_from = self
                        .directives
                        .iter()
                        .filter(|d| d.span.start < self.stmt_span.start)
                        .find_map(|d| d.renamed_from());
                }
                self.map(ObjectPath::Column(schema.into(), tname.clone(), n), span);
                self.map_constraints(schema, table);
            }
            O::DropColumn {
                column_names,
                if_exists,
                ..
            } => {
                for c in column_names {
                    let n = self.ident(c);
                    match table
                        .columns
                        .iter()
                        .position(|x| self.dialect.idents_equal(&x.name, &n))
                    {
                        Some(i) => {
                            let name = table.columns.remove(i).name;
                            drop_column_refs(table, &name);
                        }
                        None if *if_exists => {}
                        None => {
                            let span = self.ident_span(c);
                            self.unknown_column(table, &n, span);
                        }
                    }
                }
            }
            O::RenameColumn {
                old_column_name,
                new_column_name,
            } => {
                let Some(old) = self.column_or_error(table, old_column_name) else {
                    return;
                };
                let new = self.ident(new_column_name);
                if table.column(&new).is_some() {
                    let span = self.ident_span(new_column_name);
                    self.error(
                        E_DUPLICATE,
                        span,
                        format!("column {new} already exists in table {tname}"),
                    );
                    return;
                }
                rename_column_refs(table, &old, &new);
            }
            O::RenameTable { table_name } => {
                let new = match table_name {
                    ast::RenameTableNameKind::As(n) | ast::RenameTableNameKind::To(n) => n,
                };
                let (_, new_name) = self.qname(new);
                if self.relation_exists(schema, &new_name) {
                    let span = self.name_span(new);
                    self.error(
                        E_DUPLICATE,
                        span,
                        format!("table {} already exists", display(schema, &new_name)),
                    );
                    return;
                }
                table.name = new_name.clone();
                let span = self.stmt_span;
                self.map(ObjectPath::Table(schema.into(), new_name), span);
            }
            O::AlterColumn { column_name, op } => {
                let Some(col) = self.column_or_error(table, column_name) else {
                    return;
                };
                let dialect = self.dialect;
                let resolved = match op {
                    ast::AlterColumnOperation::SetDataType { data_type, .. } => {
                        Some(self.resolve_type(
                            schema,
                            ColumnType::parse(dialect, &data_type.to_string()),
                        ))
                    }
                    _ => None,
                };
                let c = table.column_mut(&col).expect("checked above");
                match op {
                    ast::AlterColumnOperation::SetNotNull => c.nullable = false,
                    ast::AlterColumnOperation::DropNotNull => c.nullable = true,
                    ast::AlterColumnOperation::SetDefault { value } => {
                        c.default = Some(lower_default(value))
                    }
                    ast::AlterColumnOperation::DropDefault => c.default = None,
                    ast::AlterColumnOperation::SetDataType { .. } => {
                        if let Some(ty) = resolved {
                            c.ty = ty;
                        }
                    }
                    ast::AlterColumnOperation::AddGenerated {
                        generated_as,
                        sequence_options,
                    } => {
                        c.nullable = false;
                        c.identity = Some(identity_of(
                            matches!(generated_as, Some(ast::GeneratedAs::Always)),
                            sequence_options.as_deref().unwrap_or(&[]),
                        ));
                    }
                }
            }
            O::ChangeColumn {
                old_name,
                new_name,
                data_type,
                options,
                ..
            } => self.replace_column(
                schema, table, old_name, new_name, data_type, options, clauses,
            ),
            O::ModifyColumn {
                col_name,
                data_type,
                options,
                ..
            } => self.replace_column(
                schema, table, col_name, col_name, data_type, options, clauses,
            ),
            O::AddConstraint {
                constraint,
                not_valid,
            } => {
                let (checks, fks) = (table.checks.len(), table.foreign_keys.len());
                self.add_table_constraint(schema, table, constraint, true);
                if *not_valid {
                    // PostgreSQL accepts NOT VALID on CHECK and FOREIGN KEY constraints only.
                    table.checks[checks..]
                        .iter_mut()
                        .for_each(|c| c.not_valid = true);
                    table.foreign_keys[fks..]
                        .iter_mut()
                        .for_each(|f| f.not_valid = true);
                }
                self.map_constraints(schema, table);
            }
            O::ValidateConstraint { name } => {
                let n = self.ident(name);
                if !validate_constraint(table, &n, self.dialect) {
                    let span = self.ident_span(name);
                    self.error(
                        E_UNKNOWN_OBJECT,
                        span,
                        format!("constraint {n} does not exist on table {tname}"),
                    );
                }
            }
            O::DropConstraint {
                if_exists, name, ..
            } => {
                let n = self.ident(name);
                if !drop_constraint(table, &n, self.dialect) && !if_exists {
                    let span = self.ident_span(name);
                    self.error(
                        E_UNKNOWN_OBJECT,
                        span,
                        format!("constraint {n} does not exist on table {tname}"),
                    );
                }
            }
            O::DropPrimaryKey { .. } => {
                if table.primary_key.take().is_none() {
                    let span = self.stmt_span;
                    self.error(
                        E_UNKNOWN_OBJECT,
                        span,
                        format!("table {tname} has no primary key"),
                    );
                }
            }
            O::DropForeignKey { name, .. } => {
                let n = self.ident(name);
                let before = table.foreign_keys.len();
                table
                    .foreign_keys
                    .retain(|f| f.name.as_deref() != Some(n.as_str()));
                if before == table.foreign_keys.len() {
                    let span = self.ident_span(name);
                    self.error(
                        E_UNKNOWN_OBJECT,
                        span,
                        format!("foreign key {n} does not exist on table {tname}"),
                    );
                }
            }
            O::DropIndex { name } => {
                let n = self.ident(name);
                let before = table.indexes.len();
                table
                    .indexes
                    .retain(|i| !self.dialect.idents_equal(&i.name, &n));
                if before == table.indexes.len() {
                    let span = self.ident_span(name);
                    self.error(
                        E_UNKNOWN_OBJECT,
                        span,
                        format!("index {n} does not exist on table {tname}"),
                    );
                }
            }
            O::RenameConstraint { old_name, new_name } => {
                let (old, new) = (self.ident(old_name), self.ident(new_name));
                if !rename_constraint(table, &old, &new) {
                    let span = self.ident_span(old_name);
                    self.error(
                        E_UNKNOWN_OBJECT,
                        span,
                        format!("constraint {old} does not exist on table {tname}"),
                    );
                }
            }
            O::EnableRowLevelSecurity => table.row_security.enabled = true,
            O::DisableRowLevelSecurity => table.row_security.enabled = false,
            O::ForceRowLevelSecurity => table.row_security.forced = true,
            O::NoForceRowLevelSecurity => table.row_security.forced = false,
            // Ownership is not part of the desired state of a table.
            O::OwnerTo { .. } => {}
            O::SetLogged | O::SetUnlogged => {
                let unlogged = matches!(op, O::SetUnlogged);
                pg_ext(table).unlogged = unlogged;
            }
            O::ReplicaIdentity { identity } => {
                let v = match identity {
                    ast::ReplicaIdentity::Default => None,
                    ast::ReplicaIdentity::Full => Some("FULL".to_string()),
                    ast::ReplicaIdentity::Nothing => Some("NOTHING".to_string()),
                    ast::ReplicaIdentity::Index(i) => {
                        Some(format!("USING INDEX {}", self.ident(i)))
                    }
                };
                pg_ext(table).replica_identity = v;
            }
            O::AutoIncrement { value, .. } => {
                my_ext(table).auto_increment = value.value.to_string().parse().ok();
            }
            O::Algorithm { .. } | O::Lock { .. } => {}
            other => {
                let span = self.stmt_span;
                self.warn(
                    E_IGNORED_ACTION,
                    span,
                    format!("ALTER TABLE action `{other}` is not modelled and is ignored"),
                );
            }
        }
        let _ = RowSecurity::default();
    }

    #[allow(clippy::too_many_arguments)]
    fn replace_column(
        &mut self,
        schema: &str,
        table: &mut Table,
        old: &ast::Ident,
        new: &ast::Ident,
        data_type: &ast::DataType,
        options: &[ast::ColumnOption],
        clauses: &[TableClause],
    ) {
        let Some(old_name) = self.column_or_error(table, old) else {
            return;
        };
        let pos = table
            .columns
            .iter()
            .position(|c| c.name == old_name)
            .expect("checked above");
        let def = ast::ColumnDef {
            name: new.clone(),
            data_type: data_type.clone(),
            options: options
                .iter()
                .map(|o| ast::ColumnOptionDef {
                    name: None,
                    option: o.clone(),
                })
                .collect(),
        };
        let removed = table.columns.remove(pos);
        let new_name = self.ident(new);
        if new_name != old_name {
            rename_column_refs(table, &old_name, &new_name);
        }
        self.lower_column(schema, table, &def, clauses);
        let mut col = table.columns.pop().expect("just lowered");
        // MySQL's CHANGE/MODIFY restate the whole column; only what it cannot restate survives.
        col.renamed_from = removed.renamed_from;
        table.columns.insert(pos, col);
    }

    pub(super) fn add_identity(
        &mut self,
        table: &syn::ObjectName,
        column: &syn::Ident,
        kind: syn::IdentityKind,
        options: &syn::SequenceOptions,
    ) {
        let (schema, tname) = self.xqname(table);
        let Some((idx, mut t)) = self.take_table(&schema, &tname) else {
            let span = table.span();
            self.unknown_table(&schema, &tname, span);
            return;
        };
        let cname = self.xident(column);
        match t.column_mut(&cname) {
            Some(c) => {
                c.nullable = false;
                c.identity = Some(identity_from_extra(kind, options));
            }
            None => {
                let span = column.span;
                self.unknown_column(&t, &cname, span);
            }
        }
        self.put_table(&schema, idx, t);
    }

    pub(super) fn attach_partition(
        &mut self,
        parent: &syn::ObjectName,
        partition: &syn::ObjectName,
        bound: &syn::PartitionBound,
    ) {
        let (ps, pn) = self.xqname(parent);
        if self
            .realm
            .table(&QualifiedName::new(Some(&ps), &pn), &ps)
            .is_none()
        {
            let span = parent.span();
            self.unknown_table(&ps, &pn, span);
            return;
        }
        let (cs, cn) = self.xqname(partition);
        let Some((idx, mut child)) = self.take_table(&cs, &cn) else {
            let span = partition.span();
            self.unknown_table(&cs, &cn, span);
            return;
        };
        let bound = match bound {
            syn::PartitionBound::Default => "DEFAULT".to_string(),
            syn::PartitionBound::In(v) => format!("FOR VALUES IN ({})", v.join(", ")),
            syn::PartitionBound::Range { from, to } => {
                format!(
                    "FOR VALUES FROM ({}) TO ({})",
                    from.join(", "),
                    to.join(", ")
                )
            }
            syn::PartitionBound::Hash { modulus, remainder } => {
                format!("FOR VALUES WITH (modulus {modulus}, remainder {remainder})")
            }
        };
        child.partition_of = Some(PartitionOf {
            parent: QualifiedName::new(
                (ps != cs || parent.0.len() > 1).then_some(ps.as_str()),
                &pn,
            ),
            bound,
        });
        self.put_table(&cs, idx, child);
    }

    pub(super) fn detach_partition(
        &mut self,
        _parent: &syn::ObjectName,
        partition: &syn::ObjectName,
    ) {
        let (cs, cn) = self.xqname(partition);
        let Some((idx, mut child)) = self.take_table(&cs, &cn) else {
            let span = partition.span();
            self.unknown_table(&cs, &cn, span);
            return;
        };
        child.partition_of = None;
        self.put_table(&cs, idx, child);
    }

    /// pg_dump writes a serial column as an integer column, a sequence owned by it and a
    /// `nextval` default: fold that back into `serial`, as the inspectors do.
    pub(super) fn fold_serials(&mut self) {
        let d = self.dialect;
        if d != cairn_ir::Dialect::Postgres {
            return;
        }
        for si in 0..self.realm.schemas.len() {
            let schema_name = self.realm.schemas[si].name.clone();
            let mut remove = Vec::new();
            let sequences = self.realm.schemas[si].sequences.clone();
            for (qi, seq) in sequences.iter().enumerate() {
                let Some((tname, cname)) = seq.owned_by.clone() else {
                    continue;
                };
                let default_options = seq.start.is_none_or(|v| v == 1)
                    && seq.increment.is_none_or(|v| v == 1)
                    && seq.min_value.is_none_or(|v| v == 1)
                    && seq.cache.is_none_or(|v| v == 1)
                    && !seq.cycle;
                if !default_options {
                    continue;
                }
                let seq_name = seq.name.clone();
                let seq_ty = seq.data_type.clone();
                let schema = &mut self.realm.schemas[si];
                let Some(table) = schema.table_mut(&tname, d) else {
                    continue;
                };
                let Some(col) = table.column_mut(&cname) else {
                    continue;
                };
                let Some(Default::Expr(e)) = &col.default else {
                    continue;
                };
                let Some(target) = text::nextval_target(e.as_str()) else {
                    continue;
                };
                let target_name = target
                    .rsplit('.')
                    .next()
                    .unwrap_or(&target)
                    .trim_matches('"');
                let target_schema = target.rsplit_once('.').map(|(s, _)| s.trim_matches('"'));
                if target_name != seq_name || target_schema.is_some_and(|s| s != schema_name) {
                    continue;
                }
                let serial = match &col.ty {
                    ColumnType::Postgres(PgType::Integer) => PgType::Serial,
                    ColumnType::Postgres(PgType::BigInt) => PgType::BigSerial,
                    ColumnType::Postgres(PgType::SmallInt) => PgType::SmallSerial,
                    _ => continue,
                };
                let max_ok = match (&serial, seq.max_value) {
                    (_, None) => true,
                    (PgType::Serial, Some(v)) => v == i64::from(i32::MAX),
                    (PgType::SmallSerial, Some(v)) => v == i64::from(i16::MAX),
                    (PgType::BigSerial, Some(v)) => v == i64::MAX,
                    _ => false,
                };
                let ty_ok = match &seq_ty {
                    None => true,
                    Some(ColumnType::Postgres(t)) => {
                        matches!(
                            (t, &serial),
                            (PgType::Integer, PgType::Serial)
                                | (PgType::BigInt, PgType::BigSerial)
                                | (PgType::SmallInt, PgType::SmallSerial)
                        )
                    }
                    Some(_) => false,
                };
                if !max_ok || !ty_ok {
                    continue;
                }
                col.ty = ColumnType::Postgres(serial);
                col.default = None;
                col.nullable = false;
                remove.push(qi);
            }
            for qi in remove.into_iter().rev() {
                self.realm.schemas[si].sequences.remove(qi);
            }
        }
    }

    /// Foreign keys must reference tables (and columns) that exist once every statement ran.
    pub(super) fn check_foreign_keys(&mut self) {
        let mut problems = Vec::new();
        self.table_index.sync_all(&self.realm);
        for s in &self.realm.schemas {
            for t in &s.tables {
                for fk in &t.foreign_keys {
                    let ref_schema = fk.ref_table.schema.as_deref().unwrap_or(&s.name);
                    let path = ObjectPath::ForeignKey(
                        s.name.clone(),
                        t.name.clone(),
                        self.fk_name(&t.name, fk),
                    );
                    let loc = self.source_map.get(&path).or_else(|| {
                        self.source_map
                            .get(&ObjectPath::Table(s.name.clone(), t.name.clone()))
                    });
                    let ref_table = self
                        .table_index
                        .position(&self.realm, ref_schema, &fk.ref_table.name)
                        .and_then(|i| self.realm.schema(ref_schema)?.tables.get(i));
                    match ref_table {
                        None => problems.push((
                            E_DANGLING_FK,
                            loc,
                            format!(
                                "foreign key of table {} references table {}, which no statement creates",
                                t.name,
                                display(ref_schema, &fk.ref_table.name)
                            ),
                        )),
                        Some(rt) => {
                            for c in &fk.ref_columns {
                                if rt.column(c).is_none() {
                                    problems.push((
                                        E_UNKNOWN_COLUMN,
                                        loc.clone(),
                                        format!(
                                            "foreign key of table {} references column {c}, which table {} does not have",
                                            t.name, rt.name
                                        ),
                                    ));
                                }
                            }
                        }
                    }
                }
            }
        }
        for (code, loc, message) in problems {
            let (file, span) = loc.map(|l| (l.file, l.span)).unwrap_or_default();
            self.diagnostics
                .push(cairn_syntax::Diagnostic::error(code, &file, span, message));
        }
    }
}

fn pg_ext(table: &mut Table) -> &mut PgTableExt {
    if !matches!(table.ext, TableExt::Postgres(_)) {
        table.ext = TableExt::Postgres(PgTableExt::default());
    }
    match &mut table.ext {
        TableExt::Postgres(e) => e,
        _ => unreachable!("set above"),
    }
}

fn my_ext(table: &mut Table) -> &mut MyTableExt {
    if !matches!(table.ext, TableExt::Mysql(_)) {
        table.ext = TableExt::Mysql(MyTableExt::default());
    }
    match &mut table.ext {
        TableExt::Mysql(e) => e,
        _ => unreachable!("set above"),
    }
}

/// Drops what only held the dropped column: single-column indexes and keys on it, and the
/// column from multi-column ones (as PostgreSQL and MySQL do).
fn drop_column_refs(table: &mut Table, col: &str) {
    let is = |k: &cairn_ir::IndexKey| matches!(k, cairn_ir::IndexKey::Column(c) if c == col);
    table
        .indexes
        .retain(|i| !i.parts.iter().any(|p| is(&p.key)));
    table
        .foreign_keys
        .retain(|f| !f.columns.iter().any(|c| c == col));
    if table
        .primary_key
        .as_ref()
        .is_some_and(|pk| pk.columns.iter().any(|c| c == col))
    {
        table.primary_key = None;
    }
}

fn rename_column_refs(table: &mut Table, old: &str, new: &str) {
    if let Some(c) = table.columns.iter_mut().find(|c| c.name == old) {
        c.name = new.to_string();
    }
    let fix = |c: &mut String| {
        if c == old {
            *c = new.to_string();
        }
    };
    if let Some(pk) = &mut table.primary_key {
        pk.columns.iter_mut().for_each(fix);
    }
    for i in &mut table.indexes {
        for p in &mut i.parts {
            if let cairn_ir::IndexKey::Column(c) = &mut p.key {
                fix(c);
            }
        }
    }
    for f in &mut table.foreign_keys {
        f.columns.iter_mut().for_each(fix);
    }
}

fn drop_constraint(table: &mut Table, name: &str, d: cairn_ir::Dialect) -> bool {
    if table
        .primary_key
        .as_ref()
        .is_some_and(|pk| pk.name.as_deref().is_some_and(|n| d.idents_equal(n, name)))
    {
        table.primary_key = None;
        return true;
    }
    let named = |n: &Option<String>| n.as_deref().is_some_and(|n| d.idents_equal(n, name));
    let before =
        table.foreign_keys.len() + table.checks.len() + table.excludes.len() + table.indexes.len();
    table.foreign_keys.retain(|f| !named(&f.name));
    table.checks.retain(|c| !named(&c.name));
    table.excludes.retain(|x| !named(&x.name));
    table
        .indexes
        .retain(|i| !(d.idents_equal(&i.name, name) && (i.constraint || i.unique)));
    before
        != table.foreign_keys.len()
            + table.checks.len()
            + table.excludes.len()
            + table.indexes.len()
}

/// `VALIDATE CONSTRAINT name`: the named check or foreign key is now validated. A constraint
/// added without a name has an implicit one the IR does not keep, so an unknown name is
/// accepted when the table has unnamed constraints.
fn validate_constraint(table: &mut Table, name: &str, d: cairn_ir::Dialect) -> bool {
    let named = |n: &Option<String>| n.as_deref().is_some_and(|n| d.idents_equal(n, name));
    if let Some(c) = table.checks.iter_mut().find(|c| named(&c.name)) {
        c.not_valid = false;
        return true;
    }
    if let Some(f) = table.foreign_keys.iter_mut().find(|f| named(&f.name)) {
        f.not_valid = false;
        return true;
    }
    table.checks.iter().any(|c| c.name.is_none())
        || table.foreign_keys.iter().any(|f| f.name.is_none())
}

fn rename_constraint(table: &mut Table, old: &str, new: &str) -> bool {
    let set = |n: &mut Option<String>| {
        if n.as_deref() == Some(old) {
            *n = Some(new.to_string());
            true
        } else {
            false
        }
    };
    if let Some(pk) = &mut table.primary_key
        && set(&mut pk.name)
    {
        return true;
    }
    for f in &mut table.foreign_keys {
        if set(&mut f.name) {
            return true;
        }
    }
    for c in &mut table.checks {
        if set(&mut c.name) {
            return true;
        }
    }
    for i in &mut table.indexes {
        if i.name == old {
            i.name = new.to_string();
            return true;
        }
    }
    false
}
