//! What the SQL of a view, a policy or a routine uses: the relations (tables and views) it
//! reads or writes and the columns of those relations it names, resolved against a state.
//!
//! - View queries, policy conditions and `LANGUAGE sql` routine bodies are parsed with
//!   sqlparser and resolved by scope: a relation name is qualified by its schema or falls in
//!   the default schema (the routine's `SET search_path` first schema, else the dialect's
//!   default schema, else the object's own schema in MySQL); `WITH` names are not relations;
//!   `alias.column` follows the aliases of the `FROM` it sits in (or an outer one); an
//!   unqualified column goes to the relations of the innermost `FROM` that have it in the
//!   state, and when none has it (a column the state dropped, or a relation whose columns the
//!   state does not know) to every relation of the innermost `FROM`, as the database would then
//!   fail to find it.
//! - Bodies that do not parse (PL/pgSQL, MySQL compound statements) are tokenized (comments,
//!   string literals and dollar-quoted strings skipped) and read by [`plpgsql`]: relations are
//!   the names after `FROM`, `JOIN`, `UPDATE`, `INSERT INTO`, `TABLE`, `TRUNCATE` and before
//!   `%ROWTYPE`; columns are `alias.column` / `table.column` of those relations, and other bare
//!   words go to the body's relations as unqualified columns do above. That part is
//!   approximate: a variable named like a column counts as that column, and `NEW.x` / `OLD.x`
//!   of trigger functions are not resolved.
//!
//! Pure: it reads the [`Realm`] it is given and nothing else.

pub mod plpgsql;

use std::collections::HashSet;
use std::ops::ControlFlow;

use cairn_ir::{Dialect, Realm};
use sqlparser::ast::{self, Visit, Visitor};
use sqlparser::dialect::{GenericDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;

/// `(schema, relation)`.
pub type Rel = (String, String);

/// What one object's SQL uses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Uses {
    /// The relations, sorted and without duplicates.
    pub relations: Vec<Rel>,
    /// The columns as `(schema, relation, column)`, sorted and without duplicates.
    pub columns: Vec<(String, String, String)>,
}

/// The SQL to analyse.
pub enum Source<'s> {
    /// A view's query.
    Query(&'s str),
    /// A boolean expression over the rows of a table (a policy's `USING` / `WITH CHECK`).
    Expr(&'s str, &'s Rel),
    /// A routine body in `language`, with its argument names (not columns).
    Routine {
        body: &'s str,
        language: &'s str,
        args: &'s [String],
    },
}

/// Where names are resolved: the state, its dialect and the schema unqualified names fall in.
pub struct Scope<'r> {
    pub realm: &'r Realm,
    pub default_schema: String,
}

impl<'r> Scope<'r> {
    /// The scope of an object of schema `home` (the schema used when the dialect has no default
    /// one), with a routine's `search_path` setting when it has one.
    pub fn new(realm: &'r Realm, home: &str, search_path: Option<&str>) -> Scope<'r> {
        let first = search_path.and_then(|p| {
            p.split(',')
                .map(|s| s.trim().trim_matches(|c| c == '"' || c == '\''))
                .find(|s| !s.is_empty() && *s != "$user" && *s != "pg_catalog")
                .map(str::to_string)
        });
        let default_schema = first.unwrap_or_else(|| {
            realm
                .dialect
                .default_schema()
                .map_or_else(|| home.to_string(), str::to_string)
        });
        Scope {
            realm,
            default_schema,
        }
    }

    fn dialect(&self) -> Dialect {
        self.realm.dialect
    }

    /// Whether relation `rel` has column `col`; `None` when the state does not know the
    /// relation's columns.
    pub(crate) fn has_column(&self, rel: &Rel, col: &str) -> Option<bool> {
        let d = self.dialect();
        let s = self.realm.schema(&rel.0)?;
        if let Some(t) = s.table(&rel.1, d) {
            return Some(t.columns.iter().any(|c| d.idents_equal(&c.name, col)));
        }
        let v = s
            .views
            .iter()
            .chain(&s.materialized_views)
            .find(|v| d.idents_equal(&v.name, &rel.1))?;
        (!v.columns.is_empty()).then(|| v.columns.iter().any(|c| d.idents_equal(c, col)))
    }
}

/// What `src` uses, resolved in `scope`.
pub fn uses(scope: &Scope<'_>, src: Source<'_>) -> Uses {
    let d = scope.dialect();
    let mut r = Resolver::new(scope);
    match src {
        Source::Query(sql) => match parse_statements(d, sql) {
            Some(stmts) => r.statements(&stmts),
            None => return plpgsql::uses(scope, sql, &[]),
        },
        Source::Expr(sql, table) => {
            let Some(e) = Parser::new(&*sql_dialect(d))
                .try_with_sql(sql)
                .and_then(|mut p| p.parse_expr())
                .ok()
            else {
                return plpgsql::uses(
                    scope,
                    &format!("FROM {}.{} WHERE {sql}", q(&table.0), q(&table.1)),
                    &[],
                );
            };
            r.relations.push(table.clone());
            r.scopes.push(Frame {
                entries: vec![Entry {
                    name: table.1.clone(),
                    rel: Some(table.clone()),
                }],
                aliases: Vec::new(),
            });
            let _ = e.visit(&mut r);
        }
        Source::Routine {
            body,
            language,
            args,
        } => {
            r.args = args.iter().map(|a| d.ident_key(a).into_owned()).collect();
            let parsed = if language.eq_ignore_ascii_case("sql") {
                parse_statements(d, body)
            } else {
                None
            };
            match parsed {
                Some(stmts) => r.statements(&stmts),
                None => return plpgsql::uses(scope, body, args),
            }
        }
    }
    r.finish()
}

fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn sql_dialect(d: Dialect) -> Box<dyn sqlparser::dialect::Dialect> {
    match d {
        Dialect::Postgres => Box::new(PostgreSqlDialect {}),
        Dialect::Mysql(_) => Box::new(MySqlDialect {}),
        Dialect::Sqlite => Box::new(SQLiteDialect {}),
    }
}

fn parse_statements(d: Dialect, sql: &str) -> Option<Vec<ast::Statement>> {
    let stmts = Parser::parse_sql(&*sql_dialect(d), sql)
        .or_else(|_| Parser::parse_sql(&GenericDialect {}, sql))
        .ok()?;
    (!stmts.is_empty()).then_some(stmts)
}

/// One name a `FROM` (or a statement's target) brings in scope.
struct Entry {
    /// The alias, or the relation's own name.
    name: String,
    /// The relation; `None` for a subquery, a `WITH` name or a set-returning function.
    rel: Option<Rel>,
}

/// The names of one `FROM`, and the output aliases of its select list.
struct Frame {
    entries: Vec<Entry>,
    aliases: Vec<String>,
}

struct Resolver<'s, 'r> {
    scope: &'s Scope<'r>,
    d: Dialect,
    scopes: Vec<Frame>,
    /// The scope depth at each open query, restored when it closes.
    marks: Vec<usize>,
    ctes: HashSet<String>,
    args: HashSet<String>,
    relations: Vec<Rel>,
    columns: Vec<(String, String, String)>,
}

impl<'s, 'r> Resolver<'s, 'r> {
    fn new(scope: &'s Scope<'r>) -> Self {
        Resolver {
            scope,
            d: scope.dialect(),
            scopes: Vec::new(),
            marks: Vec::new(),
            ctes: HashSet::new(),
            args: HashSet::new(),
            relations: Vec::new(),
            columns: Vec::new(),
        }
    }

    fn statements(&mut self, stmts: &[ast::Statement]) {
        for s in stmts {
            let _ = s.visit(self);
            self.scopes.clear();
            self.marks.clear();
        }
    }

    fn finish(mut self) -> Uses {
        self.relations.sort();
        self.relations.dedup();
        self.columns.sort();
        self.columns.dedup();
        Uses {
            relations: self.relations,
            columns: self.columns,
        }
    }

    fn ident(&self, i: &ast::Ident) -> String {
        match i.quote_style {
            Some(_) => i.value.clone(),
            None => self.d.fold_unquoted(&i.value),
        }
    }

    fn rel_of(&self, n: &ast::ObjectName) -> Option<Rel> {
        let parts: Vec<String> =
            n.0.iter()
                .filter_map(|p| p.as_ident())
                .map(|i| self.ident(i))
                .collect();
        match parts.as_slice() {
            [] => None,
            [name] => {
                if self.ctes.contains(&*self.d.ident_key(name)) {
                    None
                } else {
                    Some((self.scope.default_schema.clone(), name.clone()))
                }
            }
            [.., schema, name] => Some((schema.clone(), name.clone())),
        }
    }

    /// The names `from` brings in scope; records its relations.
    fn entries(&mut self, from: &[ast::TableWithJoins], out: &mut Vec<Entry>) {
        for twj in from {
            self.factor(&twj.relation, out);
            for j in &twj.joins {
                self.factor(&j.relation, out);
            }
        }
    }

    fn factor(&mut self, f: &ast::TableFactor, out: &mut Vec<Entry>) {
        match f {
            ast::TableFactor::Table {
                name, alias, args, ..
            } => {
                let rel = if args.is_some() {
                    None
                } else {
                    self.rel_of(name)
                };
                if let Some(r) = &rel {
                    self.relations.push(r.clone());
                }
                let own = name
                    .0
                    .last()
                    .and_then(|p| p.as_ident())
                    .map(|i| self.ident(i))
                    .unwrap_or_default();
                out.push(Entry {
                    name: alias.as_ref().map_or(own, |a| self.ident(&a.name)),
                    rel,
                });
            }
            ast::TableFactor::NestedJoin {
                table_with_joins,
                alias,
            } => {
                self.entries(std::slice::from_ref(&**table_with_joins), out);
                if let Some(a) = alias {
                    out.push(Entry {
                        name: self.ident(&a.name),
                        rel: None,
                    });
                }
            }
            ast::TableFactor::Derived { alias, .. }
            | ast::TableFactor::TableFunction { alias, .. }
            | ast::TableFactor::Function { alias, .. }
            | ast::TableFactor::UNNEST { alias, .. } => {
                if let Some(a) = alias {
                    out.push(Entry {
                        name: self.ident(&a.name),
                        rel: None,
                    });
                }
            }
            _ => {}
        }
    }

    fn column(&mut self, rel: &Rel, col: String) {
        self.columns.push((rel.0.clone(), rel.1.clone(), col));
    }

    /// `qualifier.col`: the relation the innermost scope names `qualifier`.
    fn qualified(&mut self, qualifier: &str, col: String) {
        let found = self.scopes.iter().rev().find_map(|f| {
            f.entries
                .iter()
                .find(|e| self.d.idents_equal(&e.name, qualifier))
                .map(|e| e.rel.clone())
        });
        if let Some(Some(rel)) = found {
            self.column(&rel, col);
        }
    }

    fn unqualified(&mut self, col: String) {
        let found = self.scopes.iter().rev().find_map(|f| {
            let having: Vec<Rel> = f
                .entries
                .iter()
                .filter_map(|e| e.rel.as_ref())
                .filter(|r| self.scope.has_column(r, &col) == Some(true))
                .cloned()
                .collect();
            (!having.is_empty()).then_some(having)
        });
        let rels = match found {
            Some(rels) => rels,
            None => {
                // A routine's argument (columns take precedence in SQL functions), or an
                // output alias.
                if self.args.contains(&*self.d.ident_key(&col))
                    || self
                        .scopes
                        .iter()
                        .any(|f| f.aliases.iter().any(|a| self.d.idents_equal(a, &col)))
                {
                    return;
                }
                // Nothing in scope has it: every relation of the innermost `FROM` that has
                // relations.
                self.scopes
                    .iter()
                    .rev()
                    .find(|f| f.entries.iter().any(|e| e.rel.is_some()))
                    .map(|f| f.entries.iter().filter_map(|e| e.rel.clone()).collect())
                    .unwrap_or_default()
            }
        };
        for r in &rels {
            self.column(r, col.clone());
        }
    }

    fn object_column(&mut self, n: &ast::ObjectName) {
        let parts: Vec<String> =
            n.0.iter()
                .filter_map(|p| p.as_ident())
                .map(|i| self.ident(i))
                .collect();
        self.path(parts);
    }

    fn path(&mut self, parts: Vec<String>) {
        match parts.as_slice() {
            [c] => self.unqualified(c.clone()),
            [qual, c] => self.qualified(qual, c.clone()),
            [.., s, t, c] => {
                let rel = (s.clone(), t.clone());
                self.column(&rel, c.clone());
            }
            [] => {}
        }
    }
}

impl Visitor for Resolver<'_, '_> {
    type Break = ();

    fn pre_visit_query(&mut self, q: &ast::Query) -> ControlFlow<()> {
        self.marks.push(self.scopes.len());
        if let Some(w) = &q.with {
            for c in &w.cte_tables {
                let n = self.ident(&c.alias.name);
                self.ctes.insert(self.d.ident_key(&n).into_owned());
            }
        }
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _: &ast::Query) -> ControlFlow<()> {
        if let Some(m) = self.marks.pop() {
            self.scopes.truncate(m);
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_select(&mut self, s: &ast::Select) -> ControlFlow<()> {
        let mut entries = Vec::new();
        self.entries(&s.from, &mut entries);
        let aliases = s
            .projection
            .iter()
            .filter_map(|i| match i {
                ast::SelectItem::ExprWithAlias { alias, .. } => Some(self.ident(alias)),
                _ => None,
            })
            .collect();
        self.scopes.push(Frame { entries, aliases });
        ControlFlow::Continue(())
    }

    fn pre_visit_statement(&mut self, s: &ast::Statement) -> ControlFlow<()> {
        let mut entries = Vec::new();
        let mut targets: Vec<ast::ObjectName> = Vec::new();
        match s {
            ast::Statement::Insert(i) => {
                if let ast::TableObject::TableName(n) = &i.table {
                    let rel = self.rel_of(n);
                    if let Some(r) = &rel {
                        self.relations.push(r.clone());
                    }
                    let own = n.0.last().and_then(|p| p.as_ident()).map(|x| self.ident(x));
                    entries.push(Entry {
                        name: i
                            .table_alias
                            .as_ref()
                            .map(|a| self.ident(&a.alias))
                            .or(own)
                            .unwrap_or_default(),
                        rel,
                    });
                }
                targets.extend(i.columns.iter().cloned());
                for a in &i.assignments {
                    assignment_targets(a, &mut targets);
                }
            }
            ast::Statement::Update(u) => {
                self.entries(std::slice::from_ref(&u.table), &mut entries);
                if let Some(
                    ast::UpdateTableFromKind::BeforeSet(f) | ast::UpdateTableFromKind::AfterSet(f),
                ) = &u.from
                {
                    self.entries(f, &mut entries);
                }
                for a in &u.assignments {
                    assignment_targets(a, &mut targets);
                }
            }
            ast::Statement::Delete(del) => {
                let (ast::FromTable::WithFromKeyword(f) | ast::FromTable::WithoutKeyword(f)) =
                    &del.from;
                self.entries(f, &mut entries);
                if let Some(u) = &del.using {
                    self.entries(u, &mut entries);
                }
            }
            _ => {}
        }
        self.scopes.push(Frame {
            entries,
            aliases: Vec::new(),
        });
        for t in &targets {
            // An assignment target is a column of the statement's first relation.
            let parts: Vec<String> =
                t.0.iter()
                    .filter_map(|p| p.as_ident())
                    .map(|i| self.ident(i))
                    .collect();
            if let ([c], Some(Some(rel))) = (
                parts.as_slice(),
                self.scopes
                    .last()
                    .and_then(|f| f.entries.first())
                    .map(|e| e.rel.clone()),
            ) {
                self.column(&rel, c.clone());
            } else {
                self.object_column(t);
            }
        }
        ControlFlow::Continue(())
    }

    fn post_visit_statement(&mut self, _: &ast::Statement) -> ControlFlow<()> {
        self.scopes.pop();
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, e: &ast::Expr) -> ControlFlow<()> {
        match e {
            ast::Expr::Identifier(i) => {
                let c = self.ident(i);
                self.unqualified(c);
            }
            ast::Expr::CompoundIdentifier(is) => {
                let parts = is.iter().map(|i| self.ident(i)).collect();
                self.path(parts);
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }
}

fn assignment_targets(a: &ast::Assignment, out: &mut Vec<ast::ObjectName>) {
    match &a.target {
        ast::AssignmentTarget::ColumnName(n) => out.push(n.clone()),
        ast::AssignmentTarget::Tuple(ns) => out.extend(ns.iter().cloned()),
    }
}

#[cfg(test)]
mod tests;
