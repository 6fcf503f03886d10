//! PostgreSQL stores a view's `SELECT *` as the list of columns the relation had when the view
//! was created; the compiler does the same, so a view compiles to what the database keeps.

use sqlparser::ast;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use super::Replay;

impl Replay {
    /// Expands `SELECT * FROM rel ...` (one relation, no joins) into the relation's columns,
    /// when they are known. Anything else is left as written.
    pub(super) fn expand_star(&self, q: &mut ast::Query) {
        let ast::SetExpr::Select(select) = q.body.as_mut() else {
            return;
        };
        let [ast::SelectItem::Wildcard(opts)] = select.projection.as_slice() else {
            return;
        };
        if opts.opt_ilike.is_some()
            || opts.opt_exclude.is_some()
            || opts.opt_except.is_some()
            || opts.opt_replace.is_some()
            || opts.opt_rename.is_some()
        {
            return;
        }
        let [from] = select.from.as_slice() else {
            return;
        };
        if !from.joins.is_empty() {
            return;
        }
        let ast::TableFactor::Table {
            name, args: None, ..
        } = &from.relation
        else {
            return;
        };
        let Some(columns) = self.relation_columns(name) else {
            return;
        };
        select.projection = columns
            .iter()
            .map(|c| {
                let plain = !c.is_empty()
                    && !c.starts_with(|ch: char| ch.is_ascii_digit())
                    && c.chars()
                        .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_');
                let id = if plain {
                    ast::Ident::new(c)
                } else {
                    ast::Ident::with_quote('"', c)
                };
                ast::SelectItem::UnnamedExpr(ast::Expr::Identifier(id))
            })
            .collect();
    }

    /// The output columns of a table or view, in order, when the realm knows them.
    fn relation_columns(&self, name: &ast::ObjectName) -> Option<Vec<String>> {
        let d = self.dialect;
        let (schema, rel) = self.qname(name);
        let s = self.realm.schema(&schema)?;
        if let Some(t) = s.table(&rel, d) {
            return (!t.columns.is_empty())
                .then(|| t.columns.iter().map(|c| c.name.clone()).collect());
        }
        let v = s
            .views
            .iter()
            .chain(&s.materialized_views)
            .find(|v| d.idents_equal(&v.name, &rel))?;
        if !v.columns.is_empty() {
            return Some(v.columns.clone());
        }
        let q = Parser::new(&PostgreSqlDialect {})
            .try_with_sql(&v.definition)
            .ok()?
            .parse_query()
            .ok()?;
        let ast::SetExpr::Select(sel) = q.body.as_ref() else {
            return None;
        };
        sel.projection
            .iter()
            .map(|item| match item {
                ast::SelectItem::UnnamedExpr(ast::Expr::Identifier(i)) => Some(self.ident(i)),
                ast::SelectItem::UnnamedExpr(ast::Expr::CompoundIdentifier(is)) => {
                    is.last().map(|i| self.ident(i))
                }
                ast::SelectItem::ExprWithAlias { alias, .. } => Some(self.ident(alias)),
                _ => None,
            })
            .collect()
    }
}

/// PostgreSQL view options (`WITH (security_invoker = true, check_option = local)`), read as the
/// inspector reads `reloptions`: `(check_option, security_invoker, other options)`.
pub(super) type ViewOptions = (Option<String>, Option<bool>, Vec<(String, String)>);

pub(super) fn view_options(o: &ast::CreateTableOptions) -> ViewOptions {
    let opts: &[ast::SqlOption] = match o {
        ast::CreateTableOptions::None => &[],
        ast::CreateTableOptions::With(v)
        | ast::CreateTableOptions::Options(v)
        | ast::CreateTableOptions::Plain(v)
        | ast::CreateTableOptions::TableProperties(v) => v,
    };
    let (mut check, mut invoker, mut other) = (None, None, Vec::new());
    for o in opts {
        let ast::SqlOption::KeyValue { key, value } = o else {
            continue;
        };
        let v = match value {
            ast::Expr::Identifier(i) => i.value.clone(),
            ast::Expr::Value(v) => match &v.value {
                ast::Value::SingleQuotedString(s) | ast::Value::DoubleQuotedString(s) => s.clone(),
                other => other.to_string(),
            },
            other => other.to_string(),
        }
        .to_ascii_lowercase();
        match key.value.to_ascii_lowercase().as_str() {
            "check_option" => check = Some(v.to_ascii_uppercase()),
            "security_invoker" => invoker = Some(matches!(v.as_str(), "true" | "on" | "1")),
            k => other.push((k.to_string(), v)),
        }
    }
    (check, invoker, other)
}

/// PostgreSQL keeps a view's column list (`CREATE VIEW v (a, b) AS SELECT ...`) as the names of
/// the query's output columns: the list becomes aliases, and `true` says it was applied.
pub(super) fn apply_column_names(q: &mut ast::Query, names: &[String]) -> bool {
    let ast::SetExpr::Select(select) = q.body.as_mut() else {
        return false;
    };
    if select.projection.len() != names.len()
        || select.projection.iter().any(|i| {
            !matches!(
                i,
                ast::SelectItem::UnnamedExpr(_) | ast::SelectItem::ExprWithAlias { .. }
            )
        })
    {
        return false;
    }
    for (item, name) in select.projection.iter_mut().zip(names) {
        let expr = match item {
            ast::SelectItem::UnnamedExpr(e) | ast::SelectItem::ExprWithAlias { expr: e, .. } => {
                e.clone()
            }
            _ => unreachable!("checked above"),
        };
        let plain = !name.is_empty()
            && !name.starts_with(|ch: char| ch.is_ascii_digit())
            && name
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_');
        let alias = if plain {
            ast::Ident::new(name)
        } else {
            ast::Ident::with_quote('"', name)
        };
        let same_column = match &expr {
            ast::Expr::Identifier(i) => i.value == *name,
            ast::Expr::CompoundIdentifier(is) => is.last().is_some_and(|i| i.value == *name),
            _ => false,
        };
        *item = if same_column {
            ast::SelectItem::UnnamedExpr(expr)
        } else {
            ast::SelectItem::ExprWithAlias { expr, alias }
        };
    }
    true
}
