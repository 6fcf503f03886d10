//! Printing a realm as Atlas schema HCL (what `schema inspect` shows by default).
//!
//! The output is what Cairn's HCL compiler reads back into the same realm and what Atlas reads:
//! schemas first, then per schema its types (enums, domains, composites), extensions, sequences,
//! tables, views, routines, and the objects attached to tables (triggers, policies); then roles
//! and permissions. Within a kind, objects keep the realm's order, so the output is
//! deterministic. What HCL cannot say is printed as a `#` comment naming it, never dropped.
//!
//! The text is already in the canonical layout of `cairn schema fmt` (two-space indentation,
//! aligned `=` in runs of single-line attributes, one blank line between top-level blocks).

use cairn_ir::*;

/// Prints `realm` as Atlas HCL.
pub fn realm_to_hcl(realm: &Realm) -> String {
    let p = Printer::new(realm);
    let mut top: Vec<Item> = Vec::new();
    for s in &realm.schemas {
        top.push(Item::Block(p.schema(s)));
    }
    for s in &realm.schemas {
        p.schema_objects(s, &mut top);
    }
    for r in &realm.roles {
        top.push(Item::Block(p.role(r)));
    }
    let mut labels: Vec<String> = Vec::new();
    for perm in &realm.permissions {
        top.push(p.permission(perm, &mut labels));
    }
    for dp in &realm.default_privileges {
        top.push(Item::Block(p.default_privilege(dp, &mut labels)));
    }
    for u in &realm.unsupported {
        top.push(unsupported_comment(u));
    }
    render_top(&top)
}

/// The HCL spelling of a column type: `bigint`, `character_varying(255)`, `double_precision`,
/// `timestamptz(3)`, `numeric(10, 2)`, MySQL `enum("a", "b")`; what has no HCL name (arrays,
/// extension types, user-defined types without a realm to resolve them) is `sql("...")`.
/// MySQL's `unsigned` is not part of the name (it is the column's `unsigned = true`).
pub fn hcl_type(ty: &ColumnType) -> String {
    type_name(ty).unwrap_or_else(|| format!("sql({})", quote(&ty.sql())))
}

// ----- the tree that is rendered -----

enum Item {
    Attr(String, Value),
    Block(Block),
    Comment(String),
}

enum Value {
    /// An expression on one line, as it is written.
    Inline(String),
    /// A `<<-SQL` heredoc holding these lines (already escaped).
    Heredoc { delim: String, lines: Vec<String> },
}

struct Block {
    header: String,
    items: Vec<Item>,
}

impl Block {
    fn new(header: impl Into<String>) -> Block {
        Block {
            header: header.into(),
            items: Vec::new(),
        }
    }

    fn attr(&mut self, name: &str, value: impl Into<String>) {
        self.items
            .push(Item::Attr(name.to_string(), Value::Inline(value.into())));
    }

    fn attr_if(&mut self, cond: bool, name: &str, value: impl Into<String>) {
        if cond {
            self.attr(name, value);
        }
    }

    fn string(&mut self, name: &str, value: &Option<String>) {
        if let Some(v) = value {
            self.attr(name, quote(v));
        }
    }

    fn int(&mut self, name: &str, value: Option<i64>) {
        if let Some(v) = value {
            self.attr(name, v.to_string());
        }
    }

    fn flag(&mut self, name: &str, value: bool) {
        self.attr_if(value, name, "true");
    }

    /// A SQL text attribute: a quoted string, or a heredoc when it spans lines.
    fn sql_text(&mut self, name: &str, text: &str) {
        self.items
            .push(Item::Attr(name.to_string(), sql_value(text)));
    }

    fn block(&mut self, b: Block) {
        self.items.push(Item::Block(b));
    }

    fn comment(&mut self, text: impl Into<String>) {
        self.items.push(Item::Comment(text.into()));
    }
}

fn render_top(items: &[Item]) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        render_items(std::slice::from_ref(item), 0, &mut out);
    }
    out
}

fn render_items(items: &[Item], depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    let mut i = 0;
    while i < items.len() {
        match &items[i] {
            Item::Attr(_, Value::Inline(_)) => {
                // A run of single-line attributes shares one column for `=`.
                let run: Vec<(&String, &String)> = items[i..]
                    .iter()
                    .map_while(|it| match it {
                        Item::Attr(n, Value::Inline(v)) => Some((n, v)),
                        _ => None,
                    })
                    .collect();
                let width = run.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
                for (n, v) in &run {
                    out.push_str(&format!("{pad}{n:<width$} = {v}\n"));
                }
                i += run.len();
                continue;
            }
            Item::Attr(n, Value::Heredoc { delim, lines }) => {
                out.push_str(&format!("{pad}{n} = <<-{delim}\n"));
                for l in lines {
                    if l.is_empty() {
                        out.push('\n');
                    } else {
                        out.push_str(&format!("{pad}  {l}\n"));
                    }
                }
                out.push_str(&format!("{pad}{delim}\n"));
            }
            Item::Block(b) => {
                if b.items.is_empty() {
                    out.push_str(&format!("{pad}{} {{}}\n", b.header));
                } else {
                    out.push_str(&format!("{pad}{} {{\n", b.header));
                    render_items(&b.items, depth + 1, out);
                    out.push_str(&format!("{pad}}}\n"));
                }
            }
            Item::Comment(text) => {
                for l in text.lines() {
                    let l = l.trim_end();
                    if l.is_empty() {
                        out.push_str(&format!("{pad}#\n"));
                    } else {
                        out.push_str(&format!("{pad}# {l}\n"));
                    }
                }
            }
        }
        i += 1;
    }
}

// ----- literals -----

/// A quoted HCL string: escapes for quotes, backslashes and control characters, and `$${` /
/// `%%{` so that text is never read as a template.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A block label: a quoted string without template escapes (labels are never templates).
fn label(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `s` can be written as a bare HCL identifier (and read back as itself).
fn is_ident(s: &str) -> bool {
    let mut cs = s.chars();
    matches!(cs.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !matches!(s, "true" | "false" | "null")
}

/// A bare keyword when it is one (`CASCADE`, `plpgsql`), else a quoted string.
fn keyword(s: &str) -> String {
    if is_ident(s) { s.to_string() } else { quote(s) }
}

/// `root.name` or `root["odd name"]`.
fn step(root: &str, name: &str) -> String {
    if is_ident(name) {
        format!("{root}.{name}")
    } else {
        format!("{root}[{}]", quote(name))
    }
}

/// Whether `s` is an HCL number literal that reads back as the same text.
fn is_number(s: &str) -> bool {
    let body = s.strip_prefix('-').unwrap_or(s);
    let (mant, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = match mant.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (mant, None),
    };
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    digits(int)
        && frac.is_none_or(digits)
        && exp.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)))
}

/// SQL text as an attribute value: a heredoc when it spans lines (and the heredoc gives the
/// lines back exactly), else a quoted string.
fn sql_value(text: &str) -> Value {
    let lines: Vec<&str> = text.split('\n').collect();
    let heredoc_ok = lines.len() > 1
        && !text.contains('\r')
        && !text.starts_with(char::is_whitespace)
        && !text.ends_with(char::is_whitespace)
        && lines
            .iter()
            .all(|l| !l.contains('\t') && (l.is_empty() || !l.trim().is_empty()));
    if !heredoc_ok {
        return Value::Inline(quote(text));
    }
    let mut delim = "SQL".to_string();
    while lines.iter().any(|l| l.trim() == delim) {
        delim.push('_');
    }
    let lines = lines
        .iter()
        .map(|l| l.replace("${", "$${").replace("%{", "%%{"))
        .collect();
    Value::Heredoc { delim, lines }
}

fn sql_call(text: &str) -> String {
    format!("sql({})", quote(text))
}

fn list(items: impl IntoIterator<Item = String>) -> String {
    format!("[{}]", items.into_iter().collect::<Vec<_>>().join(", "))
}

// ----- types -----

/// The HCL name of a type, when it has one that reads back as the same type.
fn type_name(ty: &ColumnType) -> Option<String> {
    match ty {
        ColumnType::Postgres(t) => pg_type_name(t),
        ColumnType::Mysql(t) => Some(my_type_name(t)),
        ColumnType::Sqlite(t) => {
            let name = sql_to_hcl(&t.decl)?;
            (!t.decl.contains('_')).then_some(name)
        }
        ColumnType::Unsupported { .. } => None,
    }
}

/// `character varying(255)` -> `character_varying(255)`; `numeric(10,2)` -> `numeric(10, 2)`;
/// `None` when the spelling is not a name with numeric arguments.
fn sql_to_hcl(sql: &str) -> Option<String> {
    let (name, args) = match sql.find('(') {
        Some(i) => {
            let inner = sql[i + 1..].strip_suffix(')')?;
            let args: Vec<&str> = inner.split(',').map(str::trim).collect();
            if !args
                .iter()
                .all(|a| !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit()))
            {
                return None;
            }
            (sql[..i].trim_end(), Some(args))
        }
        None => (sql, None),
    };
    let hcl = name.split(' ').collect::<Vec<_>>().join("_");
    if !is_ident(&hcl) || name.contains("  ") {
        return None;
    }
    Some(match args {
        Some(a) => format!("{hcl}({})", a.join(", ")),
        None => hcl,
    })
}

fn pg_type_name(t: &PgType) -> Option<String> {
    let with_prec = |base: &str, p: &Option<u32>| match p {
        Some(p) => format!("{base}({p})"),
        None => base.to_string(),
    };
    match t {
        PgType::Time { precision, with_tz } => Some(with_prec(
            if *with_tz { "timetz" } else { "time" },
            precision,
        )),
        PgType::Timestamp { precision, with_tz } => Some(with_prec(
            if *with_tz { "timestamptz" } else { "timestamp" },
            precision,
        )),
        PgType::Array(_) | PgType::Named(_) | PgType::Other(_) => None,
        t => {
            let sql = ColumnType::Postgres(t.clone()).sql();
            let name = sql_to_hcl(&sql)?;
            // Only names the compiler reads back as this very type.
            let back = ColumnType::parse(Dialect::Postgres, &name.replace('_', " "));
            (back == ColumnType::Postgres(t.clone())).then_some(name)
        }
    }
}

fn my_type_name(t: &MyType) -> String {
    let values = |vs: &[String]| vs.iter().map(|v| quote(v)).collect::<Vec<_>>().join(", ");
    match t {
        MyType::Bool => "bool".to_string(),
        MyType::Enum(vs) => format!("enum({})", values(vs)),
        MyType::Set(vs) => format!("set({})", values(vs)),
        t => {
            let sql = ColumnType::Mysql(t.clone()).sql();
            let sql = sql.strip_suffix(" unsigned").unwrap_or(&sql);
            sql_to_hcl(sql).unwrap_or_else(|| sql_call(sql))
        }
    }
}

fn is_unsigned(ty: &ColumnType) -> bool {
    matches!(
        ty,
        ColumnType::Mysql(
            MyType::TinyInt { unsigned: true }
                | MyType::SmallInt { unsigned: true }
                | MyType::MediumInt { unsigned: true }
                | MyType::Int { unsigned: true }
                | MyType::BigInt { unsigned: true }
                | MyType::Decimal { unsigned: true, .. }
                | MyType::Float { unsigned: true, .. }
                | MyType::Double { unsigned: true }
        )
    )
}

// ----- the printer -----

struct Printer<'r> {
    realm: &'r Realm,
    dialect: Dialect,
    /// Several schemas: table and view labels and references are qualified by schema.
    qualified: bool,
}

/// The kinds of relation a table-like reference can name.
#[derive(Clone, Copy, PartialEq)]
enum Rel {
    Table,
    View,
    Materialized,
}

impl Rel {
    fn root(self) -> &'static str {
        match self {
            Rel::Table => "table",
            Rel::View => "view",
            Rel::Materialized => "materialized",
        }
    }
}

impl<'r> Printer<'r> {
    fn new(realm: &'r Realm) -> Printer<'r> {
        Printer {
            realm,
            dialect: realm.dialect,
            qualified: realm.schemas.len() > 1,
        }
    }

    /// The schema an unqualified name refers to, seen from an object in `home`.
    fn schema_of<'a>(&self, q: &'a QualifiedName, home: &'a str) -> &'a str {
        q.schema.as_deref().unwrap_or(home)
    }

    fn header(&self, kind: &str, schema: &str, name: &str, rel: bool) -> String {
        if rel && self.qualified {
            format!("{kind} {} {}", label(schema), label(name))
        } else {
            format!("{kind} {}", label(name))
        }
    }

    /// `table.users`, `table.public.users`, `view.v`...
    fn rel_ref(&self, rel: Rel, schema: &str, name: &str) -> String {
        if self.qualified {
            step(&step(rel.root(), schema), name)
        } else {
            step(rel.root(), name)
        }
    }

    /// What kind of relation `q` names (a grant or a trigger may be on a view).
    fn rel_kind(&self, q: &QualifiedName, home: &str) -> Rel {
        let schema = self.schema_of(q, home);
        let Some(s) = self.realm.schema(schema) else {
            return Rel::Table;
        };
        let eq = |n: &str| self.dialect.idents_equal(n, &q.name);
        if s.tables.iter().any(|t| eq(&t.name)) {
            Rel::Table
        } else if s.views.iter().any(|v| eq(&v.name)) {
            Rel::View
        } else if s.materialized_views.iter().any(|v| eq(&v.name)) {
            Rel::Materialized
        } else {
            Rel::Table
        }
    }

    fn table_ref(&self, q: &QualifiedName, home: &str) -> String {
        self.rel_ref(self.rel_kind(q, home), self.schema_of(q, home), &q.name)
    }

    fn column_ref(&self, q: &QualifiedName, home: &str, column: &str) -> String {
        step(&format!("{}.column", self.table_ref(q, home)), column)
    }

    /// A reference to a schema-level object that is not a relation: `enum.status`, or
    /// `enum.public.status` when the name exists in several schemas.
    fn object_ref(&self, kind: &str, q: &QualifiedName, home: &str) -> String {
        let schema = self.schema_of(q, home);
        let count = self
            .realm
            .schemas
            .iter()
            .filter(|s| object_names(s, kind).any(|n| n == q.name))
            .count();
        if count > 1 {
            step(&step(kind, schema), &q.name)
        } else {
            step(kind, &q.name)
        }
    }

    fn columns(&self, cols: &[Ident]) -> String {
        list(cols.iter().map(|c| step("column", c)))
    }

    /// A type as an HCL expression, resolving user-defined types against the realm.
    fn type_expr(&self, ty: &ColumnType, home: &str) -> String {
        if let ColumnType::Postgres(PgType::Named(q)) = ty {
            let schema = self.schema_of(q, home);
            if let Some(s) = self.realm.schema(schema) {
                for kind in ["enum", "domain", "composite"] {
                    if object_names(s, kind).any(|n| n == q.name) {
                        let q = QualifiedName::new(Some(schema), &q.name);
                        return self.object_ref(kind, &q, home);
                    }
                }
            }
        }
        hcl_type(ty)
    }

    /// A type written as SQL text (function arguments, return types): its HCL name when that
    /// reads back as the same text, else `sql("...")` as written.
    fn sql_type_expr(&self, text: &str) -> String {
        let ty = ColumnType::parse(self.dialect, text);
        if ty.sql() == text
            && !matches!(ty, ColumnType::Postgres(PgType::Named(_)))
            && let Some(name) = type_name(&ty)
            && !is_unsigned(&ty)
        {
            return name;
        }
        sql_call(text)
    }

    fn schema_attr(&self, b: &mut Block, schema: &str) {
        b.attr("schema", step("schema", schema));
    }

    // ----- schemas -----

    fn schema(&self, s: &Schema) -> Block {
        let mut b = Block::new(format!("schema {}", label(&s.name)));
        b.string("charset", &s.charset);
        b.string("collate", &s.collation);
        b.string("comment", &s.comment);
        if self.dialect == Dialect::Postgres {
            b.string("owner", &s.owner);
        }
        b
    }

    fn schema_objects(&self, s: &Schema, top: &mut Vec<Item>) {
        let home = s.name.as_str();
        for e in &s.extensions {
            let mut b = Block::new(format!("extension {}", label(&e.name)));
            self.schema_attr(&mut b, home);
            b.string("version", &e.version);
            b.string("comment", &e.comment);
            top.push(Item::Block(b));
        }
        for e in &s.enums {
            let mut b = Block::new(format!("enum {}", label(&e.name)));
            self.schema_attr(&mut b, home);
            b.attr("values", list(e.values.iter().map(|v| quote(v))));
            b.string("comment", &e.comment);
            top.push(Item::Block(b));
        }
        for d in &s.domains {
            top.push(Item::Block(self.domain(d, home)));
        }
        for c in &s.composites {
            let mut b = Block::new(format!("composite {}", label(&c.name)));
            self.schema_attr(&mut b, home);
            for (name, ty) in &c.fields {
                let mut f = Block::new(format!("field {}", label(name)));
                f.attr("type", self.type_expr(ty, home));
                b.block(f);
            }
            b.string("comment", &c.comment);
            top.push(Item::Block(b));
        }
        for q in &s.sequences {
            top.push(Item::Block(self.sequence(q, home)));
        }
        for t in &s.tables {
            top.push(Item::Block(self.table(t, home)));
        }
        for v in &s.views {
            top.push(Item::Block(self.view(v, home, false)));
        }
        for v in &s.materialized_views {
            top.push(Item::Block(self.view(v, home, true)));
        }
        for f in &s.functions {
            top.push(self.function(f, home, false));
        }
        for f in &s.procedures {
            top.push(self.function(f, home, true));
        }
        for a in &s.aggregates {
            top.push(Item::Block(self.aggregate(a, home)));
        }
        for t in &s.tables {
            let on = QualifiedName::new(Some(home), &t.name);
            for tr in &t.triggers {
                top.push(Item::Block(self.trigger(tr, &on, home)));
            }
            for p in &t.policies {
                top.push(Item::Block(self.policy(p, &on, home)));
            }
        }
        for u in &s.unsupported {
            if let Some(b) = self.event(u, home) {
                top.push(Item::Block(b));
                continue;
            }
            match self.view_trigger(u, s, home) {
                Some(b) => top.push(Item::Block(b)),
                None => top.push(unsupported_comment(u)),
            }
        }
    }

    /// A MySQL event (kept whole in the schema model), as an `event` block holding its statement.
    fn event(&self, u: &Unsupported, home: &str) -> Option<Block> {
        if !self.dialect.is_mysql_family() || u.kind != "event" {
            return None;
        }
        let mut b = Block::new(format!("event {}", label(u.name.as_deref()?)));
        self.schema_attr(&mut b, home);
        b.sql_text("as", &u.raw);
        Some(b)
    }

    /// A SQLite trigger on a view (kept whole in the schema model), as a `trigger` block whose
    /// `on` is the view.
    fn view_trigger(&self, u: &Unsupported, s: &Schema, home: &str) -> Option<Block> {
        if self.dialect != Dialect::Sqlite || u.kind != "trigger" {
            return None;
        }
        let t = cairn_syntax::sql::parse_sqlite_trigger(&u.raw)?;
        if !s
            .views
            .iter()
            .any(|v| v.name.eq_ignore_ascii_case(&t.table))
        {
            return None;
        }
        let tr = crate::sqlite_trigger_to_ir(&t);
        Some(self.trigger(&tr, &QualifiedName::new(Some(home), &t.table), home))
    }

    fn default_value(&self, d: &Default) -> String {
        match d {
            Default::Literal(Literal::Null) => "null".to_string(),
            Default::Literal(Literal::Bool(b)) => b.to_string(),
            Default::Literal(Literal::Number(n)) if is_number(n) => n.clone(),
            Default::Literal(Literal::Number(n)) => sql_call(n),
            Default::Literal(Literal::String(s)) => quote(s),
            Default::Expr(e) => sql_call(e.as_str()),
        }
    }

    fn domain(&self, d: &Domain, home: &str) -> Block {
        let mut b = Block::new(format!("domain {}", label(&d.name)));
        self.schema_attr(&mut b, home);
        b.attr("type", self.type_expr(&d.base, home));
        // A domain accepts NULL unless it says otherwise (unlike a column).
        b.attr_if(!d.nullable, "null", "false");
        if let Some(v) = &d.default {
            b.attr("default", self.default_value(v));
        }
        b.string("collate", &d.collation);
        b.string("comment", &d.comment);
        for c in &d.checks {
            b.block(self.check(c));
        }
        b
    }

    fn sequence(&self, q: &Sequence, home: &str) -> Block {
        let mut b = Block::new(format!("sequence {}", label(&q.name)));
        self.schema_attr(&mut b, home);
        if let Some(t) = &q.data_type {
            b.attr("type", self.type_expr(t, home));
        }
        b.int("start", q.start);
        b.int("increment", q.increment);
        b.int("min_value", q.min_value);
        b.int("max_value", q.max_value);
        b.int("cache", q.cache);
        b.flag("cycle", q.cycle);
        if let Some((table, column)) = &q.owned_by {
            let t = QualifiedName::new(Some(home), table);
            b.attr("owner", self.column_ref(&t, home, column));
        }
        b.string("comment", &q.comment);
        b
    }

    // ----- tables -----

    fn table(&self, t: &Table, home: &str) -> Block {
        let mut b = Block::new(self.header("table", home, &t.name, true));
        self.schema_attr(&mut b, home);
        b.string("comment", &t.comment);
        b.string("renamed_from", &t.renamed_from);
        let mut ext_blocks = Vec::new();
        match &t.ext {
            TableExt::None => {}
            TableExt::Postgres(x) => {
                b.flag("unlogged", x.unlogged);
                b.string("access_method", &x.access_method);
                b.string("replica_identity", &x.replica_identity);
                b.string("owner", &x.owner);
                if !x.inherits.is_empty() {
                    b.attr("inherits", list(x.inherits.iter().map(|q| quote(&q.name))));
                    for q in x.inherits.iter().filter(|q| q.schema.is_some()) {
                        b.comment(format!(
                            "inherits names {} without its schema: HCL has no qualified form",
                            q.display()
                        ));
                    }
                }
                if !x.storage_params.is_empty() {
                    ext_blocks.push(storage_params(&x.storage_params));
                }
            }
            TableExt::Mysql(x) => {
                b.string("engine", &x.engine);
                b.string("charset", &x.charset);
                b.string("collate", &x.collation);
                if let Some(n) = x.auto_increment {
                    b.attr("auto_increment", n.to_string());
                }
                b.string("row_format", &x.row_format);
                b.flag("system_versioned", x.system_versioned);
                if let Some(p) = &x.partitioning {
                    match self.mysql_partition(p) {
                        Some(pb) => ext_blocks.push(pb),
                        // The whole clause, partition definitions included, as written.
                        None => b.sql_text("partitioning", p),
                    }
                }
            }
            TableExt::Sqlite(x) => {
                b.flag("strict", x.strict);
                b.flag("without_rowid", x.without_rowid);
            }
        }
        for c in &t.columns {
            b.block(self.column(c, home));
        }
        if let Some(pk) = &t.primary_key {
            // The implicit name (an inspected `t_pkey`) goes without saying, as in Atlas.
            let implicit = self.dialect.implicit_primary_key_name(&t.name);
            let p_name = pk.name.as_ref().filter(|n| Some(*n) != implicit.as_ref());
            let mut p = Block::new(match p_name {
                Some(n) => format!("primary_key {}", label(n)),
                None => "primary_key".to_string(),
            });
            p.attr("columns", self.columns(&pk.columns));
            if !pk.include.is_empty() {
                p.attr("include", self.columns(&pk.include));
            }
            deferrable(&mut p, pk.deferrable);
            b.block(p);
        }
        for ix in &t.indexes {
            b.block(self.index(ix));
        }
        for fk in &t.foreign_keys {
            b.block(self.foreign_key(fk, home));
        }
        for c in &t.checks {
            b.block(self.check(c));
        }
        for x in &t.excludes {
            match exclude_block(x) {
                Some(xb) => b.block(xb),
                None => b.comment(format!(
                    "exclusion constraint{} is not representable in HCL: EXCLUDE {}",
                    x.name
                        .as_deref()
                        .map(|n| format!(" {n}"))
                        .unwrap_or_default(),
                    x.definition
                )),
            }
        }
        if let Some(pb) = &t.partition_by {
            let mut p = Block::new("partition");
            p.attr(
                "type",
                match pb.strategy {
                    PartitionStrategy::Range => "RANGE",
                    PartitionStrategy::List => "LIST",
                    PartitionStrategy::Hash => "HASH",
                },
            );
            let cols: Option<Vec<Ident>> = pb
                .keys
                .iter()
                .map(|k| match k {
                    IndexKey::Column(c) => Some(c.clone()),
                    IndexKey::Expr(_) => None,
                })
                .collect();
            match cols {
                Some(cols) => p.attr("columns", self.columns(&cols)),
                None => {
                    for k in &pb.keys {
                        let mut by = Block::new("by");
                        match k {
                            IndexKey::Column(c) => by.attr("column", step("column", c)),
                            IndexKey::Expr(e) => by.sql_text("expr", e.as_str()),
                        }
                        p.block(by);
                    }
                }
            }
            b.block(p);
        }
        if let Some(po) = &t.partition_of {
            let parent_known = self
                .realm
                .schema(self.schema_of(&po.parent, home))
                .is_some_and(|s| s.table(&po.parent.name, self.dialect).is_some());
            if parent_known {
                let mut p = Block::new("partition_of");
                p.attr("table", self.table_ref(&po.parent, home));
                p.attr("bound", quote(&po.bound));
                b.block(p);
            } else {
                b.comment(format!(
                    "partition of {} {}: the parent table is not in the schema",
                    po.parent.display(),
                    po.bound
                ));
            }
        }
        if t.row_security != RowSecurity::default() {
            let mut r = Block::new("row_security");
            r.flag("enabled", t.row_security.enabled);
            r.flag("enforced", t.row_security.forced);
            b.block(r);
        }
        for x in ext_blocks {
            b.block(x);
        }
        b
    }

    fn column(&self, c: &Column, home: &str) -> Block {
        let mut b = Block::new(format!("column {}", label(&c.name)));
        b.flag("null", c.nullable);
        b.attr("type", self.type_expr(&c.ty, home));
        b.flag("unsigned", is_unsigned(&c.ty));
        if let Some(d) = &c.default {
            b.attr("default", self.default_value(d));
        }
        b.flag("auto_increment", c.auto_increment);
        if let ColumnExt::Mysql(x) = &c.ext {
            if let Some(e) = &x.on_update {
                b.attr("on_update", sql_call(e.as_str()));
            }
            b.string("charset", &x.charset);
        }
        b.string("collate", &c.collation);
        b.string("comment", &c.comment);
        if let ColumnExt::Mysql(x) = &c.ext {
            if let Some(s) = x.srid {
                b.attr("srid", s.to_string());
            }
            b.flag("invisible", x.invisible);
        }
        b.string("renamed_from", &c.renamed_from);
        if let Some(id) = &c.identity {
            let mut i = Block::new("identity");
            i.attr(
                "generated",
                match id.generated {
                    IdentityKind::Always => "ALWAYS",
                    IdentityKind::ByDefault => "BY_DEFAULT",
                },
            );
            i.int("start", id.start);
            i.int("increment", id.increment);
            i.string("options", &id.options);
            b.block(i);
        }
        if let Some(g) = &c.generated {
            let mut a = Block::new("as");
            a.sql_text("expr", g.expr.as_str());
            a.attr("type", if g.stored { "STORED" } else { "VIRTUAL" });
            b.block(a);
        }
        b
    }

    fn index(&self, ix: &Index) -> Block {
        let kind = if ix.constraint { "unique" } else { "index" };
        let mut b = Block::new(format!("{kind} {}", label(&ix.name)));
        b.flag("unique", ix.unique && !ix.constraint);
        let plain = ix.parts.iter().all(|p| {
            matches!(p.key, IndexKey::Column(_))
                && !p.desc
                && p.nulls_first.is_none()
                && p.opclass.is_none()
                && p.collation.is_none()
                && p.prefix.is_none()
        });
        if plain {
            let cols: Vec<Ident> = ix
                .parts
                .iter()
                .filter_map(|p| match &p.key {
                    IndexKey::Column(c) => Some(c.clone()),
                    IndexKey::Expr(_) => None,
                })
                .collect();
            b.attr("columns", self.columns(&cols));
        }
        let method = match &ix.method {
            IndexMethod::Default => None,
            IndexMethod::Hash => Some("HASH".to_string()),
            IndexMethod::Gin => Some("GIN".to_string()),
            IndexMethod::Gist => Some("GIST".to_string()),
            IndexMethod::SpGist => Some("SPGIST".to_string()),
            IndexMethod::Brin => Some("BRIN".to_string()),
            IndexMethod::Fulltext => Some("FULLTEXT".to_string()),
            IndexMethod::Spatial => Some("SPATIAL".to_string()),
            IndexMethod::Other(s) => Some(quote(s)),
        };
        if let Some(m) = method {
            b.attr("type", m);
        }
        if let Some(w) = &ix.predicate {
            b.sql_text("where", w.as_str());
        }
        if !ix.include.is_empty() {
            b.attr("include", self.columns(&ix.include));
        }
        if ix.nulls_distinct == Some(false) {
            b.attr("nulls_distinct", "false");
        }
        b.string("parser", &ix.parser);
        b.string("comment", &ix.comment);
        b.string("renamed_from", &ix.renamed_from);
        deferrable(&mut b, ix.deferrable);
        let mut params: &[(String, String)] = &ix.storage_params;
        if let Some(((k, v), rest)) = params.split_first()
            && k == "pages_per_range"
            && v.parse::<i64>().is_ok()
        {
            b.attr("page_per_range", v.clone());
            params = rest;
        }
        if !plain {
            for p in &ix.parts {
                let mut on = Block::new("on");
                match &p.key {
                    IndexKey::Column(c) => on.attr("column", step("column", c)),
                    IndexKey::Expr(e) => on.sql_text("expr", e.as_str()),
                }
                on.flag("desc", p.desc);
                match p.nulls_first {
                    Some(true) => on.attr("nulls_first", "true"),
                    Some(false) => on.attr("nulls_last", "true"),
                    None => {}
                }
                if let Some(o) = &p.opclass {
                    on.attr("ops", keyword(o));
                }
                on.string("collate", &p.collation);
                if let Some(n) = p.prefix {
                    on.attr("prefix", n.to_string());
                }
                b.block(on);
            }
        }
        if !params.is_empty() {
            b.block(storage_params(params));
        }
        b
    }

    fn foreign_key(&self, fk: &ForeignKey, home: &str) -> Block {
        let mut b = Block::new(match &fk.name {
            Some(n) => format!("foreign_key {}", label(n)),
            None => "foreign_key".to_string(),
        });
        b.attr("columns", self.columns(&fk.columns));
        b.attr(
            "ref_columns",
            list(
                fk.ref_columns
                    .iter()
                    .map(|c| self.column_ref(&fk.ref_table, home, c)),
            ),
        );
        b.attr("on_update", fk_action(fk.on_update));
        b.attr("on_delete", fk_action(fk.on_delete));
        deferrable(&mut b, fk.deferrable);
        b
    }

    fn check(&self, c: &Check) -> Block {
        let mut b = Block::new(match &c.name {
            Some(n) => format!("check {}", label(n)),
            None => "check".to_string(),
        });
        b.sql_text("expr", c.expr.as_str());
        b.attr_if(!c.enforced, "enforced", "false");
        b.flag("no_inherit", c.no_inherit);
        b.string("comment", &c.comment);
        b
    }

    /// MySQL `RANGE (expr)`, `LIST COLUMNS (a, b)`... as a `partition` block, when that is all
    /// the clause says (partition definitions have no HCL form in Cairn yet).
    fn mysql_partition(&self, clause: &str) -> Option<Block> {
        let t = clause.trim_start();
        let clause = match t.get(..13) {
            Some(p) if p.eq_ignore_ascii_case("PARTITION BY ") => &t[13..],
            _ => t,
        };
        let open = clause.find('(')?;
        let kind = clause[..open].trim().to_ascii_uppercase().replace(' ', "_");
        if !matches!(
            kind.as_str(),
            "RANGE"
                | "LIST"
                | "HASH"
                | "KEY"
                | "LINEAR_HASH"
                | "LINEAR_KEY"
                | "RANGE_COLUMNS"
                | "LIST_COLUMNS"
        ) {
            return None;
        }
        let inner = clause[open + 1..].strip_suffix(')')?;
        let keys = split_top(inner)?;
        let mut p = Block::new("partition");
        p.attr("type", kind);
        for k in keys {
            let mut by = Block::new("by");
            let col = k
                .strip_prefix('`')
                .and_then(|r| r.strip_suffix('`'))
                .filter(|c| !c.contains('`'));
            match col {
                Some(c) => by.attr("column", step("column", c)),
                None => by.sql_text("expr", &k),
            }
            p.block(by);
        }
        Some(p)
    }

    // ----- views and routines -----

    fn view(&self, v: &View, home: &str, materialized: bool) -> Block {
        let kind = if materialized { "materialized" } else { "view" };
        let mut b = Block::new(self.header(kind, home, &v.name, true));
        self.schema_attr(&mut b, home);
        b.string("comment", &v.comment);
        if let Some(o) = &v.check_option {
            b.attr("check_option", keyword(&o.replace(' ', "_")));
        }
        if materialized && !v.with_data {
            b.attr("with_data", "false");
        }
        let mut notes = Vec::new();
        for (k, val) in &v.options {
            match k.as_str() {
                "SQL SECURITY" if self.dialect.is_mysql_family() => {
                    b.attr("security", keyword(val))
                }
                "ALGORITHM" if self.dialect.is_mysql_family() => b.attr("algorithm", keyword(val)),
                _ => notes.push(format!("view option {k} {val} is not representable in HCL")),
            }
        }
        for n in notes {
            b.comment(n);
        }
        b.sql_text("as", &v.definition);
        for c in &v.columns {
            b.block(Block::new(format!("column {}", label(c))));
        }
        if let Some(inv) = v.security_invoker {
            let mut s = Block::new("security");
            s.attr("invoker", inv.to_string());
            b.block(s);
        }
        for ix in &v.indexes {
            b.block(self.index(ix));
        }
        b
    }

    fn args(&self, b: &mut Block, args: &[FuncArg]) {
        for a in args {
            let mut ab = Block::new(match &a.name {
                Some(n) => format!("arg {}", label(n)),
                None => "arg".to_string(),
            });
            ab.attr("type", self.sql_type_expr(&a.ty));
            match a.mode {
                ArgMode::In => {}
                ArgMode::Out => ab.attr("mode", "OUT"),
                ArgMode::InOut => ab.attr("mode", "INOUT"),
                ArgMode::Variadic => ab.attr("mode", "VARIADIC"),
            }
            if let Some(d) = &a.default {
                ab.sql_text("default", d.as_str());
            }
            b.block(ab);
        }
    }

    fn function(&self, f: &Function, home: &str, procedure: bool) -> Item {
        let kind = if procedure { "procedure" } else { "function" };
        let mut b = Block::new(format!("{kind} {}", label(&f.name)));
        self.schema_attr(&mut b, home);
        b.attr("lang", keyword(&f.language));
        let mut return_table = None;
        if let Some(r) = &f.returns {
            if let Some(t) = r.strip_prefix("SETOF ") {
                b.attr("return_set", self.sql_type_expr(t));
            } else if let Some(rt) = self.return_table(r) {
                return_table = Some(rt);
            } else {
                b.attr("return", self.sql_type_expr(r));
            }
        }
        match f.volatility {
            Volatility::Volatile => {}
            Volatility::Stable => b.attr("volatility", "STABLE"),
            Volatility::Immutable => b.attr("volatility", "IMMUTABLE"),
        }
        b.flag("strict", f.strict);
        b.flag("leakproof", f.leakproof);
        if self.dialect.is_mysql_family() {
            // A MySQL routine runs as its definer unless it says otherwise.
            if !f.security_definer {
                b.attr("security", "INVOKER");
            }
        } else if f.security_definer {
            b.attr("security", "DEFINER");
        }
        if let Some(p) = &f.parallel {
            b.attr("parallel", keyword(p));
        }
        b.flag("deterministic", f.deterministic);
        // MySQL's data access characteristic (`READS SQL DATA`) has its own attribute.
        let mysql = self.dialect.is_mysql_family();
        let is_access = |k: &str| mysql && k.eq_ignore_ascii_case("SQL DATA ACCESS");
        for (_, v) in f.config.iter().filter(|(k, _)| is_access(k)) {
            b.attr("data_access", quote(v));
        }
        if f.config.iter().any(|(k, _)| !is_access(k)) {
            let kv: Vec<String> = f
                .config
                .iter()
                .filter(|(k, _)| !is_access(k))
                .map(|(k, v)| {
                    let key = if is_ident(k) { k.clone() } else { quote(k) };
                    format!("{key} = {}", quote(v))
                })
                .collect();
            b.attr("config_params", format!("{{ {} }}", kv.join(", ")));
        }
        b.string("comment", &f.comment);
        b.sql_text("as", &f.body);
        self.args(&mut b, &f.args);
        if let Some(rt) = return_table {
            b.block(rt);
        }
        Item::Block(b)
    }

    /// `TABLE ("a" integer, "b" text)` as a `return_table` block, when the block gives back the
    /// same text; `None` otherwise (it is then printed as `return = sql("...")`).
    fn return_table(&self, r: &str) -> Option<Block> {
        let inner = r
            .strip_prefix("TABLE")?
            .trim_start()
            .strip_prefix('(')?
            .strip_suffix(')')?;
        let mut b = Block::new("return_table");
        let mut regenerated = Vec::new();
        for col in split_top(inner)? {
            let (name, ty) = split_name(&col, self.dialect)?;
            let ty_expr = self.sql_type_expr(ty);
            // What the compiler makes of the type expression: the text itself, or its
            // canonical spelling.
            let back = if ty_expr.starts_with("sql(") {
                ty.to_string()
            } else {
                ColumnType::parse(self.dialect, ty).sql()
            };
            regenerated.push(format!("{} {back}", self.dialect.quote_ident(&name)));
            let mut c = Block::new(format!("column {}", label(&name)));
            c.attr("type", ty_expr);
            b.block(c);
        }
        (format!("TABLE ({})", regenerated.join(", ")) == r).then_some(b)
    }

    fn aggregate(&self, a: &Aggregate, home: &str) -> Block {
        let mut b = Block::new(format!("aggregate {}", label(&a.name)));
        self.schema_attr(&mut b, home);
        b.attr("state_type", self.sql_type_expr(&a.state_type));
        b.attr("state_func", quote(&a.state_func));
        b.string("final_func", &a.final_func);
        b.string("initial_value", &a.initial_value);
        b.string("comment", &a.comment);
        self.args(&mut b, &a.args);
        b
    }

    // ----- objects attached to tables -----

    fn trigger(&self, tr: &Trigger, on: &QualifiedName, home: &str) -> Block {
        let mut b = Block::new(format!("trigger {}", label(&tr.name)));
        b.attr("on", self.table_ref(on, home));
        b.attr("for", if tr.for_each_row { "ROW" } else { "STATEMENT" });
        if let Some(w) = &tr.when {
            b.sql_text("when", w.as_str());
        }
        let timing = match tr.timing {
            TriggerTiming::Before => "before",
            TriggerTiming::After => "after",
            TriggerTiming::InsteadOf => "instead_of",
        };
        let mut ev = Block::new(timing);
        let has = |f: fn(&TriggerEvent) -> bool| tr.events.iter().any(f);
        ev.flag("insert", has(|e| matches!(e, TriggerEvent::Insert)));
        for e in &tr.events {
            if let TriggerEvent::Update { columns } = e {
                if columns.is_empty() {
                    ev.attr("update", "true");
                } else {
                    ev.attr(
                        "update_of",
                        list(columns.iter().map(|c| self.column_ref(on, home, c))),
                    );
                }
                break;
            }
        }
        ev.flag("delete", has(|e| matches!(e, TriggerEvent::Delete)));
        ev.flag("truncate", has(|e| matches!(e, TriggerEvent::Truncate)));
        b.block(ev);
        if let Some(f) = &tr.function {
            let mut x = Block::new("execute");
            x.attr("function", self.object_ref("function", f, home));
            if !tr.function_args.is_empty() {
                x.attr("args", list(tr.function_args.iter().map(|a| quote(a))));
            }
            b.block(x);
        }
        if let Some(body) = &tr.body {
            b.sql_text("as", body);
        }
        if let Some(extra) = &tr.extra {
            b.attr("extra", quote(extra));
        }
        b
    }

    fn policy(&self, p: &Policy, on: &QualifiedName, home: &str) -> Block {
        let mut b = Block::new(format!("policy {}", label(&p.name)));
        b.attr("on", self.table_ref(on, home));
        if !p.permissive {
            b.attr("as", "RESTRICTIVE");
        }
        b.attr("for", p.command.sql());
        b.attr(
            "to",
            list(p.roles.iter().map(|r| {
                if r.eq_ignore_ascii_case("public") {
                    "PUBLIC".to_string()
                } else {
                    quote(r)
                }
            })),
        );
        if let Some(u) = &p.using {
            b.sql_text("using", u.as_str());
        }
        if let Some(c) = &p.check {
            b.sql_text("check", c.as_str());
        }
        b
    }

    // ----- realm-level objects -----

    fn role_ref(&self, name: &str) -> String {
        if name.eq_ignore_ascii_case("public") && self.realm.role(name).is_none() {
            return "PUBLIC".to_string();
        }
        match self.realm.role(name) {
            Some(r) => step(self.role_kind(r), name),
            None => quote(name),
        }
    }

    fn role_kind(&self, r: &Role) -> &'static str {
        if self.dialect.is_mysql_family() && r.login {
            "user"
        } else {
            "role"
        }
    }

    fn role(&self, r: &Role) -> Block {
        let kind = self.role_kind(r);
        let mut b = Block::new(format!("{kind} {}", label(&r.name)));
        // A `user` logs in unless it says otherwise; a `role` does not.
        if kind == "role" {
            b.flag("login", r.login);
        }
        b.flag("superuser", r.superuser);
        b.flag("create_db", r.create_db);
        b.flag("create_role", r.create_role);
        b.flag("replication", r.replication);
        b.flag("bypass_rls", r.bypass_rls);
        b.attr_if(!r.inherit, "inherit", "false");
        if let Some(n) = r.conn_limit {
            let attr = if self.dialect.is_mysql_family() {
                "max_user_connections"
            } else {
                "conn_limit"
            };
            b.attr(attr, n.to_string());
        }
        if !r.member_of.is_empty() {
            b.attr(
                "member_of",
                list(r.member_of.iter().map(|m| self.role_ref(m))),
            );
        }
        b.flag("external", r.external);
        b.string("comment", &r.comment);
        if r.password_set {
            b.comment("a password is set; passwords are never printed");
        }
        b
    }

    fn default_privilege(&self, dp: &DefaultPrivilege, labels: &mut Vec<String>) -> Block {
        let kind = default_privilege_kind(dp.object_kind);
        let base = format!("default_{}_{}", dp.grantee, kind).to_lowercase();
        let mut name = base.clone();
        let mut n = 1;
        while labels.contains(&name) {
            n += 1;
            name = format!("{base}_{n}");
        }
        labels.push(name.clone());
        let mut b = Block::new(format!("default_privilege {}", label(&name)));
        if let Some(r) = &dp.for_role {
            b.attr("for_role", self.role_ref(r));
        }
        if let Some(s) = &dp.schema {
            b.attr("schema", step("schema", s));
        }
        b.attr("on", kind);
        b.attr("to", self.role_ref(&dp.grantee));
        b.attr(
            "privileges",
            list(
                dp.privileges
                    .iter()
                    .map(|x| keyword(&x.sql().replace(' ', "_"))),
            ),
        );
        b.flag("grantable", dp.grantable);
        b
    }

    fn permission(&self, p: &Permission, labels: &mut Vec<String>) -> Item {
        let home = self
            .dialect
            .default_schema()
            .or(self.realm.schemas.first().map(|s| s.name.as_str()))
            .unwrap_or("");
        let mut notes = Vec::new();
        let (target, target_name, columns) = match &p.object {
            GrantObject::Database => ("DATABASE".to_string(), "database".to_string(), None),
            GrantObject::Global => (quote("*.*"), "global".to_string(), None),
            GrantObject::Schema(s) => (step("schema", s), s.clone(), None),
            GrantObject::Table(q) => (self.table_ref(q, home), q.name.clone(), None),
            GrantObject::Columns(q, cols) => {
                (self.table_ref(q, home), q.name.clone(), Some(cols.clone()))
            }
            GrantObject::Sequence(q) => {
                (self.object_ref("sequence", q, home), q.name.clone(), None)
            }
            GrantObject::Function(q, args) | GrantObject::Procedure(q, args) => {
                let kind = if matches!(p.object, GrantObject::Function(..)) {
                    "function"
                } else {
                    "procedure"
                };
                if !args.is_empty() {
                    notes.push(format!(
                        "granted on {}({}); HCL names the routine without its arguments",
                        q.display(),
                        args.join(", ")
                    ));
                }
                (self.object_ref(kind, q, home), q.name.clone(), None)
            }
            GrantObject::Type(q) => {
                let schema = self.schema_of(q, home);
                let kind = self
                    .realm
                    .schema(schema)
                    .and_then(|s| {
                        ["enum", "domain", "composite"]
                            .into_iter()
                            .find(|k| object_names(s, k).any(|n| n == q.name))
                    })
                    .unwrap_or("enum");
                (self.object_ref(kind, q, home), q.name.clone(), None)
            }
        };
        let base = format!("{}_{}", p.grantee, target_name).to_lowercase();
        let mut name = base.clone();
        let mut n = 1;
        while labels.contains(&name) {
            n += 1;
            name = format!("{base}_{n}");
        }
        labels.push(name.clone());
        let mut b = Block::new(format!("permission {}", label(&name)));
        b.attr("to", self.role_ref(&p.grantee));
        b.attr("for", target);
        if let Some(cols) = columns {
            b.attr("columns", list(cols.iter().map(|c| quote(c))));
        }
        b.attr(
            "privileges",
            list(
                p.privileges
                    .iter()
                    .map(|x| keyword(&x.sql().replace(' ', "_"))),
            ),
        );
        b.flag("grantable", p.grantable);
        for note in notes {
            b.comment(note);
        }
        Item::Block(b)
    }
}

/// The names of the objects of `kind` in a schema.
fn object_names<'s>(s: &'s Schema, kind: &str) -> Box<dyn Iterator<Item = &'s str> + 's> {
    match kind {
        "enum" => Box::new(s.enums.iter().map(|e| e.name.as_str())),
        "domain" => Box::new(s.domains.iter().map(|e| e.name.as_str())),
        "composite" => Box::new(s.composites.iter().map(|e| e.name.as_str())),
        "sequence" => Box::new(s.sequences.iter().map(|e| e.name.as_str())),
        "function" => Box::new(s.functions.iter().map(|e| e.name.as_str())),
        "procedure" => Box::new(s.procedures.iter().map(|e| e.name.as_str())),
        _ => Box::new(std::iter::empty()),
    }
}

fn fk_action(a: FkAction) -> &'static str {
    match a {
        FkAction::NoAction => "NO_ACTION",
        FkAction::Restrict => "RESTRICT",
        FkAction::Cascade => "CASCADE",
        FkAction::SetNull => "SET_NULL",
        FkAction::SetDefault => "SET_DEFAULT",
    }
}

fn deferrable(b: &mut Block, d: Deferrable) {
    match d {
        Deferrable::No => {}
        Deferrable::InitiallyImmediate => b.attr("deferrable", "INITIALLY_IMMEDIATE"),
        Deferrable::InitiallyDeferred => b.attr("deferrable", "INITIALLY_DEFERRED"),
    }
}

fn storage_params(params: &[(String, String)]) -> Block {
    let mut b = Block::new("storage_params");
    for (k, v) in params {
        let value = if is_number(v) { v.clone() } else { quote(v) };
        if is_ident(k) {
            b.attr(k, value);
        } else {
            b.comment(format!(
                "storage parameter {k} = {v} is not representable in HCL"
            ));
        }
    }
    b
}

/// Splits `a, f(b, c), 'x,y'` at its top-level commas; `None` when brackets or quotes do not
/// balance.
fn split_top(s: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quote_char: Option<char> = None;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if let Some(q) = quote_char {
            if c == q {
                quote_char = None;
            }
            continue;
        }
        match c {
            '\'' | '"' | '`' => quote_char = Some(c),
            '(' | '[' => depth += 1,
            ')' | ']' => {
                depth -= 1;
                if depth < 0 {
                    return None;
                }
            }
            ',' if depth == 0 => {
                out.push(s[start..i].trim().to_string());
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth != 0 || quote_char.is_some() {
        return None;
    }
    let last = s[start..].trim();
    if !last.is_empty() || !out.is_empty() {
        out.push(last.to_string());
    }
    if out.iter().any(String::is_empty) {
        return None;
    }
    Some(out)
}

/// Splits `"name" type` or `name type` into the (unquoted) name and the type text.
fn split_name(s: &str, dialect: Dialect) -> Option<(String, &str)> {
    let q = match dialect {
        Dialect::Mysql(_) => '`',
        Dialect::Postgres | Dialect::Sqlite => '"',
    };
    if let Some(rest) = s.strip_prefix(q) {
        let mut name = String::new();
        let mut chars = rest.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == q {
                if chars.peek().map(|&(_, n)| n) == Some(q) {
                    chars.next();
                    name.push(q);
                    continue;
                }
                let ty = rest[i + 1..].trim();
                return (!ty.is_empty()).then_some((name, ty));
            }
            name.push(c);
        }
        None
    } else {
        let (name, ty) = s.split_once(' ')?;
        Some((name.to_string(), ty.trim()))
    }
}

/// An `EXCLUDE` definition (`USING gist ("room" WITH =, (lower(x)) WITH &&) WHERE (...)`) as an
/// `exclude` block, when it has that shape.
fn exclude_block(x: &Exclude) -> Option<Block> {
    let def = x.definition.trim();
    let (method, rest) = match def.strip_prefix("USING ") {
        Some(r) => {
            let r = r.trim_start();
            let end = r.find(|c: char| c.is_whitespace() || c == '(')?;
            (r[..end].to_string(), r[end..].trim_start())
        }
        None => ("gist".to_string(), def),
    };
    let (elements, mut rest) = take_parens(rest)?;
    let mut b = Block::new(match &x.name {
        Some(n) => format!("exclude {}", label(n)),
        None => "exclude".to_string(),
    });
    b.attr("type", keyword(&method.to_ascii_uppercase()));
    let mut include = None;
    let mut predicate = None;
    if let Some(r) = rest.strip_prefix("INCLUDE") {
        let (cols, r) = take_parens(r.trim_start())?;
        include = Some(split_top(cols)?);
        rest = r;
    }
    if let Some(r) = rest.strip_prefix("WHERE") {
        let (w, r) = take_parens(r.trim_start())?;
        predicate = Some(w.to_string());
        rest = r;
    }
    if !rest.is_empty() {
        return None;
    }
    if let Some(cols) = &include {
        b.attr(
            "include",
            list(cols.iter().map(|c| step("column", c.trim_matches('"')))),
        );
    }
    if let Some(w) = &predicate {
        b.sql_text("where", w);
    }
    for el in split_top(elements)? {
        let (key, op) = el.rsplit_once(" WITH ")?;
        let mut on = Block::new("on");
        let key = key.trim();
        if let Some(e) = key.strip_prefix('(').and_then(|k| k.strip_suffix(')')) {
            on.sql_text("expr", e);
        } else if let Some(c) = key.strip_prefix('"').and_then(|k| k.strip_suffix('"')) {
            on.attr("column", step("column", &c.replace("\"\"", "\"")));
        } else if is_ident(key) {
            on.attr("column", step("column", key));
        } else {
            return None;
        }
        on.attr("op", quote(op.trim()));
        b.block(on);
    }
    Some(b)
}

/// Splits `(inner) rest` into `inner` and the trimmed rest.
fn take_parens(s: &str) -> Option<(&str, &str)> {
    let s = s.strip_prefix('(')?;
    let mut depth = 1;
    let mut quote_char: Option<char> = None;
    for (i, c) in s.char_indices() {
        if let Some(q) = quote_char {
            if c == q {
                quote_char = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => quote_char = Some(c),
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some((&s[..i], s[i + 1..].trim_start()));
                }
            }
            _ => {}
        }
    }
    None
}

fn unsupported_comment(u: &Unsupported) -> Item {
    let what = match &u.name {
        Some(n) => format!("{} {n}", u.kind),
        None => u.kind.clone(),
    };
    Item::Comment(format!("{what} is not representable in HCL:\n{}", u.raw))
}

fn default_privilege_kind(k: DefaultPrivilegeKind) -> &'static str {
    match k {
        DefaultPrivilegeKind::Tables => "TABLES",
        DefaultPrivilegeKind::Sequences => "SEQUENCES",
        DefaultPrivilegeKind::Functions => "FUNCTIONS",
        DefaultPrivilegeKind::Types => "TYPES",
        DefaultPrivilegeKind::Schemas => "SCHEMAS",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_templates_and_quotes() {
        assert_eq!(quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(quote("${x} %{y} $ %"), r#""$${x} %%{y} $ %""#);
        assert_eq!(quote("a\nb\tc"), r#""a\nb\tc""#);
        assert_eq!(label("${x}"), r#""${x}""#);
    }

    #[test]
    fn type_names_follow_sql_spelling() {
        let pg = |s: &str| hcl_type(&ColumnType::parse(Dialect::Postgres, s));
        assert_eq!(pg("varchar(255)"), "character_varying(255)");
        assert_eq!(pg("double precision"), "double_precision");
        assert_eq!(pg("numeric(10,2)"), "numeric(10, 2)");
        assert_eq!(pg("timestamp with time zone"), "timestamptz");
        assert_eq!(pg("timestamp(3)"), "timestamp(3)");
        assert_eq!(pg("time(2) with time zone"), "timetz(2)");
        assert_eq!(pg("text[]"), r#"sql("text[]")"#);
        assert_eq!(pg("vector(3)"), r#"sql("vector(3)")"#);
        assert_eq!(pg("interval day to second(3)"), "interval_day_to_second(3)");
        let my = |s: &str| hcl_type(&ColumnType::parse(Dialect::MYSQL, s));
        assert_eq!(my("int unsigned"), "int");
        assert_eq!(my("tinyint(1)"), "bool");
        assert_eq!(my("enum('a','b''c')"), r#"enum("a", "b'c")"#);
        assert_eq!(my("decimal(10,2)"), "decimal(10, 2)");
        let lt = |s: &str| hcl_type(&ColumnType::parse(Dialect::Sqlite, s));
        assert_eq!(lt("VARCHAR(10)"), "varchar(10)");
        assert_eq!(lt("unsigned big int"), "unsigned_big_int");
        assert_eq!(lt("my_type"), r#"sql("my_type")"#);
    }

    #[test]
    fn numbers_are_recognised() {
        for ok in ["0", "-1", "3.14", "1e10", "2.5E-3"] {
            assert!(is_number(ok), "{ok}");
        }
        for bad in ["", "-", "1.", ".5", "0x10", "1e", "abc"] {
            assert!(!is_number(bad), "{bad}");
        }
    }

    #[test]
    fn exclude_definitions_are_read() {
        let x = Exclude {
            name: Some("no_overlap".into()),
            definition: "USING gist (\"room\" WITH =, (tsrange(a, b)) WITH &&) WHERE (active)"
                .into(),
        };
        assert!(exclude_block(&x).is_some());
        let bad = Exclude {
            name: None,
            definition: "USING gist (room WITH =) DEFERRABLE".into(),
        };
        assert!(exclude_block(&bad).is_none());
    }
}
