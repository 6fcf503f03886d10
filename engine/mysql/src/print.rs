//! Printing a realm as the CREATE statements of the MySQL dialect, in dependency order, runnable
//! as-is on a fresh, empty database. One small function per object kind, so the planner can
//! reuse them for the statements of a change.
//!
//! A realm of one schema prints unqualified names (the statements run in the URL's database);
//! a realm of several prints `CREATE DATABASE` for each and qualifies every name.

use std::collections::{HashMap, HashSet};

use cairn_ir::{
    ArgMode, Check, Column, ColumnExt, Default as ColDefault, Dialect, FkAction, ForeignKey,
    Function, GrantObject, Index, IndexKey, IndexMethod, Literal, Permission, QualifiedName, Realm,
    Role, Schema, Table, TableExt, Trigger, TriggerEvent, TriggerTiming, View,
};

/// The statements that create `realm` from nothing, without trailing semicolons.
pub fn create_statements(realm: &Realm) -> Vec<String> {
    let p = Printer {
        dialect: realm.dialect,
        qualify: realm.schemas.len() > 1,
    };
    let mut out = Vec::new();
    for role in realm.roles.iter().filter(|r| !r.external) {
        out.push(create_role_sql(p.dialect, role));
    }
    for role in realm.roles.iter().filter(|r| !r.external) {
        for granted in &role.member_of {
            out.push(format!(
                "GRANT {} TO {}",
                account_sql(p.dialect, granted),
                account_sql(p.dialect, &role.name)
            ));
        }
    }
    for schema in &realm.schemas {
        if let Some(s) = p.schema_sql(schema) {
            out.push(s);
        }
    }
    for schema in &realm.schemas {
        for f in &schema.functions {
            out.push(create_routine_sql(
                p.dialect,
                &p.name(schema, &f.name),
                f,
                true,
            ));
        }
        for f in &schema.procedures {
            out.push(create_routine_sql(
                p.dialect,
                &p.name(schema, &f.name),
                f,
                false,
            ));
        }
    }
    let (tables, deferred) = table_order(realm);
    for (schema, table) in &tables {
        let inline: Vec<&ForeignKey> = table
            .foreign_keys
            .iter()
            .filter(|fk| {
                !deferred.contains(&(
                    schema.name.as_str(),
                    table.name.as_str(),
                    *fk as *const ForeignKey,
                ))
            })
            .collect();
        out.push(p.create_table_sql(schema, table, &inline));
    }
    for (schema, table) in &tables {
        for fk in &table.foreign_keys {
            if deferred.contains(&(
                schema.name.as_str(),
                table.name.as_str(),
                fk as *const ForeignKey,
            )) {
                out.push(format!(
                    "ALTER TABLE {} ADD {}",
                    p.name(schema, &table.name),
                    p.foreign_key_sql(schema, fk)
                ));
            }
        }
    }
    // A view's definition names the tables of its own schema unqualified, and the server
    // resolves them when the view is created: with several schemas, each view is created from
    // its own database.
    let mut current: Option<&str> = None;
    for (schema, view) in view_order(realm) {
        if p.qualify && current != Some(schema.name.as_str()) {
            out.push(format!("USE {}", p.q(&schema.name)));
            current = Some(&schema.name);
        }
        out.push(create_view_sql(
            p.dialect,
            &p.name(schema, &view.name),
            view,
        ));
    }
    for (schema, table) in &tables {
        for trigger in &table.triggers {
            out.push(create_trigger_sql(
                p.dialect,
                &p.name(schema, &trigger.name),
                &p.name(schema, &table.name),
                trigger,
            ));
        }
    }
    for schema in &realm.schemas {
        for u in &schema.unsupported {
            // Only a complete CREATE statement can be replayed; anything else is not SQL.
            if u.raw
                .trim_start()
                .to_ascii_uppercase()
                .starts_with("CREATE ")
            {
                out.push(u.raw.trim().trim_end_matches(';').trim_end().to_string());
            }
        }
    }
    // Unqualified statements run in the URL's database, and so do grants on the one schema.
    let current = (!p.qualify)
        .then(|| realm.schemas.first().map(|s| s.name.as_str()))
        .flatten();
    for perm in &realm.permissions {
        if let Some(s) = grant_sql(p.dialect, perm, current) {
            out.push(s);
        }
    }
    out
}

/// How names are written: qualified with their schema when the realm has several.
pub(crate) struct Printer {
    pub(crate) dialect: Dialect,
    pub(crate) qualify: bool,
}

impl Printer {
    fn q(&self, ident: &str) -> String {
        self.dialect.quote_ident(ident)
    }

    /// The name of an object of `schema`, as this printer writes it.
    pub(crate) fn name(&self, schema: &Schema, name: &str) -> String {
        if self.qualify {
            format!("{}.{}", self.q(&schema.name), self.q(name))
        } else {
            self.q(name)
        }
    }

    /// A name another object refers to, relative to the referring object's schema.
    fn ref_name(&self, schema: &Schema, r: &QualifiedName) -> String {
        match &r.schema {
            Some(s) if self.qualify || !self.dialect.idents_equal(s, &schema.name) => {
                format!("{}.{}", self.q(s), self.q(&r.name))
            }
            _ if self.qualify => format!("{}.{}", self.q(&schema.name), self.q(&r.name)),
            _ => self.q(&r.name),
        }
    }

    /// `CREATE DATABASE` in a realm of several schemas; in a realm of one, the database exists
    /// already and only its defaults are set, when declared.
    fn schema_sql(&self, schema: &Schema) -> Option<String> {
        let d = self.dialect;
        let mut opts = String::new();
        if let Some(cs) = &schema.charset {
            opts.push_str(&format!(" CHARACTER SET {cs}"));
        }
        if let Some(c) = &schema.collation {
            opts.push_str(&format!(" COLLATE {c}"));
        }
        if let Some(c) = &schema.comment {
            opts.push_str(&format!(" COMMENT {}", d.quote_string(c)));
        }
        if self.qualify {
            Some(format!("CREATE DATABASE {}{opts}", self.q(&schema.name)))
        } else if opts.is_empty() {
            None
        } else {
            Some(format!("ALTER DATABASE{opts}"))
        }
    }

    /// `CREATE TABLE` with its columns, keys, indexes, the foreign keys given, checks and
    /// options.
    pub(crate) fn create_table_sql(
        &self,
        schema: &Schema,
        table: &Table,
        foreign_keys: &[&ForeignKey],
    ) -> String {
        let d = self.dialect;
        let mut defs: Vec<String> = table.columns.iter().map(|c| column_def_sql(d, c)).collect();
        if let Some(pk) = &table.primary_key {
            defs.push(format!("PRIMARY KEY ({})", self.ident_list(&pk.columns)));
        }
        for idx in &table.indexes {
            defs.push(index_def_sql(d, idx));
        }
        for fk in foreign_keys {
            defs.push(self.foreign_key_sql(schema, fk));
        }
        for check in &table.checks {
            defs.push(check_sql(d, check));
        }
        let mut sql = format!(
            "CREATE TABLE {} (\n  {}\n)",
            self.name(schema, &table.name),
            defs.join(",\n  ")
        );
        sql.push_str(&table_options_sql(d, table));
        sql
    }

    fn ident_list(&self, idents: &[String]) -> String {
        idents
            .iter()
            .map(|c| self.q(c))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `[CONSTRAINT name] FOREIGN KEY (...) REFERENCES t (...) [ON DELETE ...] [ON UPDATE ...]`.
    pub(crate) fn foreign_key_sql(&self, schema: &Schema, fk: &ForeignKey) -> String {
        let mut s = String::new();
        if let Some(n) = &fk.name {
            s.push_str(&format!("CONSTRAINT {} ", self.q(n)));
        }
        s.push_str(&format!(
            "FOREIGN KEY ({}) REFERENCES {} ({})",
            self.ident_list(&fk.columns),
            self.ref_name(schema, &fk.ref_table),
            self.ident_list(&fk.ref_columns)
        ));
        if fk.on_delete != FkAction::NoAction {
            s.push_str(&format!(" ON DELETE {}", fk.on_delete.sql()));
        }
        if fk.on_update != FkAction::NoAction {
            s.push_str(&format!(" ON UPDATE {}", fk.on_update.sql()));
        }
        s
    }
}

/// One column definition: `name type [CHARACTER SET] [COLLATE] [AS (...)] [NOT NULL] [DEFAULT]
/// [ON UPDATE] [AUTO_INCREMENT] [INVISIBLE] [COMMENT]`.
pub(crate) fn column_def_sql(d: Dialect, c: &Column) -> String {
    let mut s = format!("{} {}", d.quote_ident(&c.name), c.ty.sql());
    let ext = match &c.ext {
        ColumnExt::Mysql(e) => Some(e),
        ColumnExt::None => None,
    };
    if let Some(cs) = ext.and_then(|e| e.charset.as_deref()) {
        s.push_str(&format!(" CHARACTER SET {cs}"));
    }
    if let Some(coll) = &c.collation {
        s.push_str(&format!(" COLLATE {coll}"));
    }
    if let Some(srid) = ext.and_then(|e| e.srid) {
        if d.is_mariadb() {
            s.push_str(&format!(" REF_SYSTEM_ID={srid}"));
        } else {
            s.push_str(&format!(" SRID {srid}"));
        }
    }
    if let Some(g) = &c.generated {
        s.push_str(&format!(
            " GENERATED ALWAYS AS ({}) {}",
            g.expr.as_str(),
            if g.stored { "STORED" } else { "VIRTUAL" }
        ));
        if !c.nullable {
            s.push_str(" NOT NULL");
        }
    } else {
        if !c.nullable {
            s.push_str(" NOT NULL");
        } else if c.ty.sql().starts_with("timestamp") {
            // Without an explicit NULL, a server running with the old timestamp defaults makes
            // a TIMESTAMP column NOT NULL.
            s.push_str(" NULL");
        }
        if let Some(def) = &c.default {
            s.push_str(&format!(" DEFAULT {}", default_sql(d, def)));
        }
        if let Some(on_update) = ext.and_then(|e| e.on_update.as_ref()) {
            s.push_str(&format!(" ON UPDATE {}", on_update.as_str()));
        }
        if c.auto_increment {
            s.push_str(" AUTO_INCREMENT");
        }
    }
    if ext.is_some_and(|e| e.invisible) {
        s.push_str(" INVISIBLE");
    }
    if let Some(comment) = &c.comment {
        s.push_str(&format!(" COMMENT {}", d.quote_string(comment)));
    }
    s
}

/// A default value: literals as literals; expressions bare when the server takes them so
/// (`CURRENT_TIMESTAMP`, bit and hex literals), parenthesised otherwise.
pub(crate) fn default_sql(d: Dialect, def: &ColDefault) -> String {
    match def {
        ColDefault::Literal(Literal::Null) => "NULL".to_string(),
        ColDefault::Literal(Literal::Bool(b)) => if *b { "1" } else { "0" }.to_string(),
        ColDefault::Literal(Literal::Number(n)) => n.clone(),
        ColDefault::Literal(Literal::String(s)) => d.quote_string(s),
        ColDefault::Expr(e) => {
            let text = e.as_str().trim();
            let lower = text.to_ascii_lowercase();
            let bare = ["current_timestamp", "now", "localtime", "localtimestamp"]
                .iter()
                .any(|f| {
                    lower == *f
                        || lower
                            .strip_prefix(f)
                            .is_some_and(|r| r.starts_with('(') && r.ends_with(')'))
                })
                || ((lower.starts_with("b'") || lower.starts_with("x'")) && lower.ends_with('\''))
                || lower.starts_with("0x")
                || (text.starts_with('(') && text.ends_with(')'));
            if bare {
                text.to_string()
            } else {
                format!("({text})")
            }
        }
    }
}

/// An index inside `CREATE TABLE`: `[UNIQUE|FULLTEXT|SPATIAL] KEY name (parts) ...`.
pub(crate) fn index_def_sql(d: Dialect, idx: &Index) -> String {
    let kind = match (&idx.method, idx.unique) {
        (IndexMethod::Fulltext, _) => "FULLTEXT KEY",
        (IndexMethod::Spatial, _) => "SPATIAL KEY",
        (_, true) => "UNIQUE KEY",
        (_, false) => "KEY",
    };
    format!(
        "{kind} {} ({}){}",
        d.quote_ident(&idx.name),
        index_parts_sql(d, idx),
        index_suffix_sql(d, idx)
    )
}

/// A standalone `CREATE INDEX`, for the planner.
pub fn create_index_sql(d: Dialect, table: &str, idx: &Index) -> String {
    let kind = match (&idx.method, idx.unique) {
        (IndexMethod::Fulltext, _) => "FULLTEXT ",
        (IndexMethod::Spatial, _) => "SPATIAL ",
        (_, true) => "UNIQUE ",
        (_, false) => "",
    };
    format!(
        "CREATE {kind}INDEX {} ON {table} ({}){}",
        d.quote_ident(&idx.name),
        index_parts_sql(d, idx),
        index_suffix_sql(d, idx)
    )
}

fn index_parts_sql(d: Dialect, idx: &Index) -> String {
    idx.parts
        .iter()
        .map(|p| {
            let mut s = match &p.key {
                IndexKey::Column(c) => d.quote_ident(c),
                IndexKey::Expr(e) => format!("({})", e.as_str()),
            };
            if let Some(n) = p.prefix {
                s.push_str(&format!("({n})"));
            }
            if p.desc {
                s.push_str(" DESC");
            }
            s
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn index_suffix_sql(d: Dialect, idx: &Index) -> String {
    let mut s = String::new();
    if idx.method == IndexMethod::Hash {
        s.push_str(" USING HASH");
    }
    if let Some(parser) = &idx.parser {
        s.push_str(&format!(" WITH PARSER {parser}"));
    }
    if let Some(c) = &idx.comment {
        s.push_str(&format!(" COMMENT {}", d.quote_string(c)));
    }
    s
}

/// `[CONSTRAINT name] CHECK (expr) [NOT ENFORCED]`.
pub(crate) fn check_sql(d: Dialect, c: &Check) -> String {
    let mut s = String::new();
    if let Some(n) = &c.name {
        s.push_str(&format!("CONSTRAINT {} ", d.quote_ident(n)));
    }
    s.push_str(&format!("CHECK ({})", c.expr.as_str()));
    // MariaDB has no unenforced checks; MySQL 8 does.
    if !c.enforced && !d.is_mariadb() {
        s.push_str(" NOT ENFORCED");
    }
    s
}

/// The table options after the column list.
pub(crate) fn table_options_sql(d: Dialect, table: &Table) -> String {
    let mut s = String::new();
    let ext = match &table.ext {
        TableExt::Mysql(e) => Some(e),
        _ => None,
    };
    if let Some(e) = ext {
        if let Some(engine) = &e.engine {
            s.push_str(&format!(" ENGINE={engine}"));
        }
        if let Some(cs) = &e.charset {
            s.push_str(&format!(" DEFAULT CHARSET={cs}"));
        }
        if let Some(c) = &e.collation {
            s.push_str(&format!(" COLLATE={c}"));
        }
        if let Some(rf) = &e.row_format {
            s.push_str(&format!(" ROW_FORMAT={rf}"));
        }
        if let Some(n) = e.auto_increment {
            s.push_str(&format!(" AUTO_INCREMENT={n}"));
        }
    }
    if let Some(c) = &table.comment {
        s.push_str(&format!(" COMMENT={}", d.quote_string(c)));
    }
    if let Some(e) = ext {
        if e.system_versioned {
            s.push_str(" WITH SYSTEM VERSIONING");
        }
        if let Some(p) = &e.partitioning {
            s.push(' ');
            s.push_str(p);
        }
    }
    s
}

/// `CREATE [ALGORITHM=...] [SQL SECURITY ...] VIEW name [(cols)] AS ... [WITH ... CHECK OPTION]`.
pub(crate) fn create_view_sql(d: Dialect, name: &str, v: &View) -> String {
    let mut s = "CREATE".to_string();
    for (k, val) in &v.options {
        if k.eq_ignore_ascii_case("ALGORITHM") {
            s.push_str(&format!(" ALGORITHM={val}"));
        } else {
            s.push_str(&format!(" {k} {val}"));
        }
    }
    if v.security_invoker == Some(true)
        && !v
            .options
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("SQL SECURITY"))
    {
        s.push_str(" SQL SECURITY INVOKER");
    }
    s.push_str(&format!(" VIEW {name}"));
    if !v.columns.is_empty() {
        let cols: Vec<String> = v.columns.iter().map(|c| d.quote_ident(c)).collect();
        s.push_str(&format!(" ({})", cols.join(", ")));
    }
    s.push_str(&format!(
        " AS {}",
        v.definition.trim().trim_end_matches(';')
    ));
    if let Some(opt) = &v.check_option {
        s.push_str(&format!(" WITH {opt} CHECK OPTION"));
    }
    s
}

/// `CREATE FUNCTION` or `CREATE PROCEDURE` with its characteristics and body.
pub(crate) fn create_routine_sql(d: Dialect, name: &str, f: &Function, function: bool) -> String {
    let args: Vec<String> = f
        .args
        .iter()
        .map(|a| {
            let mode = match (function, a.mode) {
                (true, _) => "",
                (false, ArgMode::Out) => "OUT ",
                (false, ArgMode::InOut) => "INOUT ",
                (false, _) => "IN ",
            };
            match &a.name {
                Some(n) => format!("{mode}{} {}", d.quote_ident(n), a.ty),
                None => format!("{mode}{}", a.ty),
            }
        })
        .collect();
    let kind = if function { "FUNCTION" } else { "PROCEDURE" };
    let mut s = format!("CREATE {kind} {name}({})", args.join(", "));
    if let (true, Some(r)) = (function, &f.returns) {
        s.push_str(&format!(" RETURNS {r}"));
    }
    if let Some(c) = &f.comment {
        s.push_str(&format!(" COMMENT {}", d.quote_string(c)));
    }
    if f.deterministic {
        s.push_str(" DETERMINISTIC");
    }
    for (k, v) in &f.config {
        if k.eq_ignore_ascii_case("SQL DATA ACCESS") {
            s.push_str(&format!(" {v}"));
        }
    }
    if !f.security_definer {
        s.push_str(" SQL SECURITY INVOKER");
    }
    s.push_str(&format!("\n{}", f.body.trim()));
    s
}

/// `CREATE TRIGGER name BEFORE|AFTER event ON table FOR EACH ROW body`.
pub(crate) fn create_trigger_sql(_d: Dialect, name: &str, table: &str, t: &Trigger) -> String {
    let timing = match t.timing {
        TriggerTiming::Before => "BEFORE",
        TriggerTiming::After | TriggerTiming::InsteadOf => "AFTER",
    };
    let event = match t.events.first() {
        Some(TriggerEvent::Insert) => "INSERT",
        Some(TriggerEvent::Update { .. }) => "UPDATE",
        _ => "DELETE",
    };
    format!(
        "CREATE TRIGGER {name} {timing} {event} ON {table} FOR EACH ROW {}",
        t.body.as_deref().unwrap_or("BEGIN END").trim()
    )
}

/// `'user'@'host'` for an account named `user@host`; `'role'` for a role.
pub(crate) fn account_sql(d: Dialect, name: &str) -> String {
    if name.eq_ignore_ascii_case("public") {
        return "PUBLIC".to_string();
    }
    match name.rsplit_once('@') {
        Some((user, host)) => format!("{}@{}", d.quote_string(user), d.quote_string(host)),
        None => d.quote_string(name),
    }
}

/// `CREATE USER` for an account that logs in, `CREATE ROLE` otherwise.
pub(crate) fn create_role_sql(d: Dialect, r: &Role) -> String {
    let kind = if r.login || r.name.contains('@') {
        "USER"
    } else {
        "ROLE"
    };
    let mut s = format!("CREATE {kind} IF NOT EXISTS {}", account_sql(d, &r.name));
    if let (Some(n), "USER") = (r.conn_limit, kind) {
        s.push_str(&format!(" WITH MAX_USER_CONNECTIONS {n}"));
    }
    s
}

/// `GRANT privileges ON object TO grantee [WITH GRANT OPTION]`, or `None` for objects this
/// dialect has no grants on. A grant on the `current` schema is written `ON *`, the database
/// the statement runs in.
pub(crate) fn grant_sql(d: Dialect, p: &Permission, current: Option<&str>) -> Option<String> {
    let q = |n: &QualifiedName| match &n.schema {
        Some(s) => format!("{}.{}", d.quote_ident(s), d.quote_ident(&n.name)),
        None => d.quote_ident(&n.name),
    };
    let mut privs: Vec<String> = p.privileges.iter().map(|x| x.sql().to_string()).collect();
    let on = match &p.object {
        GrantObject::Global => "*.*".to_string(),
        GrantObject::Database => "*".to_string(),
        GrantObject::Schema(s) if current.is_some_and(|c| d.idents_equal(c, s)) => "*".to_string(),
        GrantObject::Schema(s) => format!("{}.*", d.quote_ident(s)),
        GrantObject::Table(n) => q(n),
        GrantObject::Columns(n, cols) => {
            let list: Vec<String> = cols.iter().map(|c| d.quote_ident(c)).collect();
            privs = privs
                .into_iter()
                .map(|x| format!("{x} ({})", list.join(", ")))
                .collect();
            q(n)
        }
        GrantObject::Function(n, _) => format!("FUNCTION {}", q(n)),
        GrantObject::Procedure(n, _) => format!("PROCEDURE {}", q(n)),
        GrantObject::Sequence(_) | GrantObject::Type(_) => return None,
    };
    let mut s = format!(
        "GRANT {} ON {on} TO {}",
        privs.join(", "),
        account_sql(d, &p.grantee)
    );
    if p.grantable {
        s.push_str(" WITH GRANT OPTION");
    }
    Some(s)
}

type FkKey<'a> = (&'a str, &'a str, *const ForeignKey);

/// Tables in an order where referenced tables come first, and the foreign keys that cannot be
/// created inline (they close a cycle) to add afterwards.
fn table_order(realm: &Realm) -> (Vec<(&Schema, &Table)>, HashSet<FkKey<'_>>) {
    let all: Vec<(&Schema, &Table)> = realm.tables().collect();
    let key = |s: &str, t: &str| (s.to_ascii_lowercase(), t.to_ascii_lowercase());
    let known: HashSet<(String, String)> = all.iter().map(|(s, t)| key(&s.name, &t.name)).collect();
    let target = |s: &Schema, fk: &ForeignKey| {
        key(
            fk.ref_table.schema.as_deref().unwrap_or(&s.name),
            &fk.ref_table.name,
        )
    };
    let mut created: HashSet<(String, String)> = HashSet::new();
    let mut order = Vec::new();
    let mut deferred = HashSet::new();
    let mut remaining: Vec<(&Schema, &Table)> = all.clone();
    while !remaining.is_empty() {
        let ready = remaining.iter().position(|(s, t)| {
            t.foreign_keys.iter().all(|fk| {
                let to = target(s, fk);
                to == key(&s.name, &t.name) || created.contains(&to) || !known.contains(&to)
            })
        });
        // In a cycle, the first remaining table goes first and its unmet keys wait.
        let i = ready.unwrap_or(0);
        let (s, t) = remaining.remove(i);
        for fk in &t.foreign_keys {
            let to = target(s, fk);
            if to != key(&s.name, &t.name) && known.contains(&to) && !created.contains(&to) {
                deferred.insert((s.name.as_str(), t.name.as_str(), fk as *const ForeignKey));
            }
        }
        created.insert(key(&s.name, &t.name));
        order.push((s, t));
    }
    (order, deferred)
}

/// Views after the views their definitions name.
fn view_order(realm: &Realm) -> Vec<(&Schema, &View)> {
    let all: Vec<(&Schema, &View)> = realm
        .schemas
        .iter()
        .flat_map(|s| s.views.iter().map(move |v| (s, v)))
        .collect();
    let deps: HashMap<usize, Vec<usize>> = all
        .iter()
        .enumerate()
        .map(|(i, (_, v))| {
            let text = v.definition.to_ascii_lowercase();
            let ds = all
                .iter()
                .enumerate()
                .filter(|(j, (_, other))| {
                    *j != i && mentions(&text, &other.name.to_ascii_lowercase())
                })
                .map(|(j, _)| j)
                .collect();
            (i, ds)
        })
        .collect();
    let mut placed = vec![false; all.len()];
    let mut out = Vec::new();
    while out.len() < all.len() {
        let next = (0..all.len())
            .find(|i| !placed[*i] && deps[i].iter().all(|j| placed[*j]))
            .or_else(|| (0..all.len()).find(|i| !placed[*i]));
        let Some(i) = next else { break };
        placed[i] = true;
        out.push(all[i]);
    }
    out
}

/// Whether `text` names `name` as a whole identifier (bare or quoted).
fn mentions(text: &str, name: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn_ir::{ColumnType, Expr, MyType, PrimaryKey};

    fn table(name: &str, refs: &[&str]) -> Table {
        let mut t = Table::new(name);
        t.columns.push(Column::new(
            "id",
            ColumnType::Mysql(MyType::Int { unsigned: false }),
        ));
        t.primary_key = Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
            include: vec![],
            deferrable: Default::default(),
        });
        for r in refs {
            t.foreign_keys.push(ForeignKey {
                name: None,
                columns: vec!["id".into()],
                ref_table: QualifiedName::unqualified(r),
                ref_columns: vec!["id".into()],
                on_update: FkAction::NoAction,
                on_delete: FkAction::Cascade,
                deferrable: Default::default(),
                not_valid: false,
            });
        }
        t
    }

    #[test]
    fn referenced_tables_first_and_cycles_deferred() {
        let mut realm = Realm::new(Dialect::MARIADB);
        let s = realm.schema_or_insert("app");
        s.tables.push(table("b", &["a"]).into());
        s.tables.push(table("a", &[]).into());
        s.tables.push(table("x", &["y"]).into());
        s.tables.push(table("y", &["x"]).into());
        let stmts = create_statements(&realm);
        let pos = |needle: &str| stmts.iter().position(|s| s.starts_with(needle)).unwrap();
        assert!(pos("CREATE TABLE `a`") < pos("CREATE TABLE `b`"));
        assert!(
            stmts
                .iter()
                .any(|s| s.starts_with("ALTER TABLE `x` ADD FOREIGN KEY (`id`) REFERENCES `y`"))
        );
        assert!(stmts.last().unwrap().contains("ON DELETE CASCADE"));
    }

    #[test]
    fn columns_print_in_catalog_spelling() {
        let d = Dialect::MARIADB;
        let mut c = Column::new("at", ColumnType::Mysql(MyType::Timestamp(Some(3))));
        c.nullable = false;
        c.default = Some(ColDefault::Expr(Expr::new("current_timestamp(3)")));
        c.ext = ColumnExt::Mysql(cairn_ir::MyColumnExt {
            on_update: Some(Expr::new("current_timestamp(3)")),
            ..Default::default()
        });
        assert_eq!(
            column_def_sql(d, &c),
            "`at` timestamp(3) NOT NULL DEFAULT current_timestamp(3) ON UPDATE current_timestamp(3)"
        );
        let mut s = Column::new("s", ColumnType::Mysql(MyType::Varchar(10)));
        s.default = Some(ColDefault::Literal(Literal::String("it's".into())));
        s.comment = Some("a \\ note".into());
        assert_eq!(
            column_def_sql(d, &s),
            "`s` varchar(10) DEFAULT 'it''s' COMMENT 'a \\\\ note'"
        );
        assert_eq!(
            default_sql(d, &ColDefault::Expr(Expr::new("uuid()"))),
            "(uuid())"
        );
        assert_eq!(default_sql(d, &ColDefault::Expr(Expr::new("b'1'"))), "b'1'");
    }

    #[test]
    fn views_follow_the_views_they_name() {
        let mut realm = Realm::new(Dialect::MARIADB);
        let s = realm.schema_or_insert("app");
        let view = |name: &str, def: &str| View {
            name: name.into(),
            definition: def.into(),
            columns: vec![],
            comment: None,
            check_option: None,
            security_invoker: None,
            options: vec![],
            indexes: vec![],
            with_data: true,
        };
        s.views.push(view("top", "select * from `mid`"));
        s.views.push(view("mid", "select * from base_v"));
        s.views.push(view("base_v", "select 1 AS `x`"));
        s.views.push(view("mid2", "select * from mid_other"));
        let names: Vec<&str> = view_order(&realm)
            .iter()
            .map(|(_, v)| v.name.as_str())
            .collect();
        assert_eq!(names, ["base_v", "mid", "top", "mid2"]);
    }

    #[test]
    fn standalone_indexes() {
        let mut idx = Index::on_columns("ft_body", &["body"], false);
        idx.method = IndexMethod::Fulltext;
        assert_eq!(
            create_index_sql(Dialect::MARIADB, "`posts`", &idx),
            "CREATE FULLTEXT INDEX `ft_body` ON `posts` (`body`)"
        );
        let mut idx = Index::on_columns("k", &["a", "b"], true);
        idx.parts[0].prefix = Some(10);
        idx.parts[1].desc = true;
        idx.comment = Some("why".into());
        assert_eq!(
            index_def_sql(Dialect::MARIADB, &idx),
            "UNIQUE KEY `k` (`a`(10), `b` DESC) COMMENT 'why'"
        );
    }

    #[test]
    fn grants_and_accounts() {
        let d = Dialect::MARIADB;
        let p = Permission {
            grantee: "app@%".into(),
            privileges: vec![cairn_ir::Privilege::Select, cairn_ir::Privilege::Insert],
            object: GrantObject::Columns(
                QualifiedName::unqualified("t"),
                vec!["a".into(), "b".into()],
            ),
            grantable: false,
        };
        assert_eq!(
            grant_sql(d, &p, None).unwrap(),
            "GRANT SELECT (`a`, `b`), INSERT (`a`, `b`) ON `t` TO 'app'@'%'"
        );
        assert_eq!(account_sql(d, "reader"), "'reader'");
        let mut r = Role::new("reader");
        r.login = false;
        assert_eq!(create_role_sql(d, &r), "CREATE ROLE IF NOT EXISTS 'reader'");
    }
}
