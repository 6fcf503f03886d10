//! The `uses` / `uses_columns` fields of views, routines and policies, and the
//! `spliced_executes` field of routines: what their SQL references, from [`crate::deps`],
//! computed once per object and target (rules ask for it per change).

use cairn_ir::*;

use super::*;
use crate::deps::{self, Scope, Source};

/// An object whose SQL `deps` reads.
#[derive(Clone, Copy)]
pub(super) enum Sql<'a> {
    View(&'a View),
    Function(&'a Function),
    Policy(&'a str, &'a Policy),
}

impl<'a> Ev<'a> {
    /// `uses` (`columns` false) or `uses_columns` of an object of schema `sch`.
    pub(super) fn uses_field(
        &self,
        sd: Sd,
        sch: &'a str,
        obj: Sql<'a>,
        columns: bool,
    ) -> Value<'a> {
        let addr = match obj {
            Sql::View(v) => v as *const View as usize,
            Sql::Function(f) => f as *const Function as usize,
            Sql::Policy(_, p) => p as *const Policy as usize,
        };
        let key = (addr, matches!(sd, Sd::Before));
        if let Some(v) = self.cache.uses.borrow().get(&key) {
            return v[usize::from(columns)].clone();
        }
        let realm = self.realm(sd);
        let search_path = match obj {
            Sql::Function(f) => f
                .config
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("search_path"))
                .map(|(_, v)| v.as_str()),
            _ => None,
        };
        let scope = Scope::new(realm, sch, search_path);
        let u = match obj {
            Sql::View(v) => deps::uses(&scope, Source::Query(&v.definition)),
            Sql::Function(f) => {
                let args: Vec<String> = f.args.iter().filter_map(|a| a.name.clone()).collect();
                deps::uses(
                    &scope,
                    Source::Routine {
                        body: &f.body,
                        language: &f.language,
                        args: &args,
                    },
                )
            }
            Sql::Policy(table, p) => {
                let rel = (sch.to_string(), table.to_string());
                let exprs = p.using.iter().chain(&p.check);
                let mut all = deps::Uses::default();
                for e in exprs {
                    let u = deps::uses(&scope, Source::Expr(e.as_str(), &rel));
                    all.relations.extend(u.relations);
                    all.columns.extend(u.columns);
                }
                if all.relations.is_empty() {
                    all.relations.push(rel);
                }
                all.relations.sort();
                all.relations.dedup();
                all.columns.sort();
                all.columns.dedup();
                all
            }
        };
        let v = [
            list(u.relations.iter().map(|(s, t)| owned(format!("{s}.{t}")))),
            list(
                u.columns
                    .iter()
                    .map(|(s, t, c)| owned(format!("{s}.{t}.{c}"))),
            ),
        ];
        let out = v[usize::from(columns)].clone();
        self.cache.uses.borrow_mut().insert(key, v);
        out
    }
}

/// `spliced_executes` of a routine: the fragments its `EXECUTE` statements splice into SQL
/// (PL/pgSQL only; empty for other languages).
pub(super) fn spliced_executes(f: &Function) -> Value<'static> {
    if !f.language.eq_ignore_ascii_case("plpgsql") {
        return list([]);
    }
    list(
        deps::plpgsql::spliced_executes(&f.body)
            .into_iter()
            .map(owned),
    )
}
