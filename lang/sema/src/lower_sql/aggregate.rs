//! PostgreSQL's `CREATE [OR REPLACE] AGGREGATE name (args) (SFUNC = f, STYPE = t, ...)`, which
//! sqlparser cannot read: the statement is read off its text.

use cairn_ir::{Aggregate, ArgMode, ColumnType, FuncArg, ObjectPath, PgType};
use cairn_syntax::sql as syn;

use super::{E_DUPLICATE, E_IGNORED_ACTION, Replay};

impl Replay {
    /// Lowers `CREATE AGGREGATE`; `false` when the text does not have a shape the IR holds (the
    /// caller keeps it as unsupported).
    pub(super) fn create_aggregate(&mut self, name: &syn::ObjectName, or_replace: bool) -> bool {
        let (schema, n) = self.xqname(name);
        let text = self.stmt_text.clone();
        let Some(kw) = find_ci(&text, "AGGREGATE") else {
            return false;
        };
        let Some((args_text, after)) = paren_group(&text, kw) else {
            return false;
        };
        let (args_text, opts_text) = match paren_group(&text, after) {
            Some((opts, _)) => (Some(args_text), opts),
            // The old form: `CREATE AGGREGATE name (BASETYPE = t, SFUNC = f, STYPE = s)`.
            None => (None, args_text),
        };
        let mut agg = Aggregate {
            name: n.clone(),
            args: Vec::new(),
            state_func: String::new(),
            state_type: String::new(),
            final_func: None,
            initial_value: None,
            comment: None,
        };
        if let Some(a) = args_text {
            let a = a.trim();
            if a != "*" {
                if find_ci(a, "ORDER BY").is_some() {
                    return false;
                }
                for part in split_top_level(a) {
                    agg.args.push(self.aggregate_arg(&part));
                }
            }
        }
        let mut ignored = Vec::new();
        for opt in split_top_level(opts_text) {
            let Some((k, v)) = opt.split_once('=') else {
                ignored.push(opt.trim().to_string());
                continue;
            };
            let v = v.trim();
            match k.trim().to_ascii_uppercase().as_str() {
                "SFUNC" => agg.state_func = self.routine_name(v),
                "STYPE" => agg.state_type = v.to_string(),
                "FINALFUNC" => agg.final_func = Some(self.routine_name(v)),
                "INITCOND" => agg.initial_value = Some(unquote_string(v)),
                "BASETYPE" if args_text.is_none() => {
                    if !v.eq_ignore_ascii_case("\"any\"") && !v.eq_ignore_ascii_case("any") {
                        agg.args.push(FuncArg {
                            name: None,
                            ty: v.to_string(),
                            mode: ArgMode::In,
                            default: None,
                        });
                    }
                }
                other => ignored.push(other.to_string()),
            }
        }
        if agg.state_func.is_empty() || agg.state_type.is_empty() {
            return false;
        }
        if !ignored.is_empty() {
            let span = self.stmt_span;
            self.warn(
                E_IGNORED_ACTION,
                span,
                format!(
                    "aggregate option(s) {} are not modelled and are ignored",
                    ignored.join(", ")
                ),
            );
        }
        let d = self.dialect;
        let types: Vec<ColumnType> = agg
            .args
            .iter()
            .map(|a| ColumnType::parse(d, &a.ty))
            .collect();
        let s = self.realm.schema_or_insert(&schema);
        let same = |x: &Aggregate| {
            d.idents_equal(&x.name, &n)
                && x.args.len() == types.len()
                && x.args
                    .iter()
                    .zip(&types)
                    .all(|(a, t)| ColumnType::parse(d, &a.ty) == *t)
        };
        if let Some(i) = s.aggregates.iter().position(same) {
            if !or_replace {
                let span = self.find_span(&n);
                self.error(E_DUPLICATE, span, format!("aggregate {n} already exists"));
                return true;
            }
            s.aggregates.remove(i);
        }
        s.aggregates.push(agg);
        let span = self.stmt_span;
        self.map(ObjectPath::Aggregate(schema, n), span);
        true
    }

    /// One argument: `[mode] [name] type`.
    fn aggregate_arg(&self, text: &str) -> FuncArg {
        let mut rest = text.trim();
        let mut mode = ArgMode::In;
        if let Some((first, tail)) = rest.split_once(char::is_whitespace) {
            let m = match first.to_ascii_uppercase().as_str() {
                "IN" => Some(ArgMode::In),
                "OUT" => Some(ArgMode::Out),
                "INOUT" => Some(ArgMode::InOut),
                "VARIADIC" => Some(ArgMode::Variadic),
                _ => None,
            };
            if let Some(m) = m {
                mode = m;
                rest = tail.trim_start();
            }
        }
        let known = |t: &str| {
            matches!(
                ColumnType::parse(self.dialect, t),
                ColumnType::Postgres(p) if !matches!(p, PgType::Other(_))
            )
        };
        let (name, ty) = match rest.split_once(char::is_whitespace) {
            // `double precision` is a type; `x double precision` is a name and a type.
            Some((first, tail)) if !known(rest) || known(tail.trim()) && !known(first) => {
                let ident = syn::Ident {
                    value: first.trim_matches('"').to_string(),
                    quoted: first.starts_with('"'),
                    span: Default::default(),
                };
                (Some(self.xident(&ident)), tail.trim().to_string())
            }
            _ => (None, rest.to_string()),
        };
        FuncArg {
            name,
            ty,
            mode,
            default: None,
        }
    }

    /// A function named in an option (`SFUNC = app.f`): folded as identifiers are.
    fn routine_name(&self, text: &str) -> String {
        text.split('.')
            .map(|p| {
                let p = p.trim();
                match p.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
                    Some(q) => q.to_string(),
                    None => self.dialect.fold_unquoted(p),
                }
            })
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// The byte offset just after the first occurrence of the word `word` (ASCII case-insensitive).
fn find_ci(text: &str, word: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    let w = word.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(&w) {
        let at = from + i;
        let before = lower[..at].chars().next_back();
        let after = lower[at + w.len()..].chars().next();
        let boundary = |c: Option<char>| !c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        if boundary(before) && boundary(after) {
            return Some(at + w.len());
        }
        from = at + w.len();
    }
    None
}

/// The text inside the first parenthesised group at or after `from`, and the offset after it.
fn paren_group(text: &str, from: usize) -> Option<(&str, usize)> {
    let open = from + text[from..].find('(')?;
    let mut depth = 0;
    let mut quote: Option<char> = None;
    for (i, c) in text[open..].char_indices() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => quote = Some(c),
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some((&text[open + 1..open + i], open + i + 1));
                }
            }
            _ => {}
        }
    }
    None
}

fn split_top_level(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut cur = String::new();
    for c in s.chars() {
        if let Some(q) = quote {
            cur.push(c);
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => {
                quote = Some(c);
                cur.push(c);
            }
            '(' | '[' => {
                depth += 1;
                cur.push(c);
            }
            ')' | ']' => {
                depth -= 1;
                cur.push(c);
            }
            ',' if depth == 0 => {
                out.push(cur.trim().to_string());
                cur.clear();
            }
            _ => cur.push(c),
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

/// `'{0,0}'` reads as `{0,0}`; anything else is kept as written.
fn unquote_string(v: &str) -> String {
    let v = v.trim();
    let v = v
        .strip_prefix("E'")
        .or_else(|| v.strip_prefix("e'"))
        .map(|r| format!("'{r}"))
        .unwrap_or_else(|| v.to_string());
    match v.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
        Some(inner) => inner.replace("''", "'"),
        None => v,
    }
}
