//! Values of evaluated HCL expressions, and the few built-in functions schema files use
//! (`toset`, `concat`, `format`, ...). References to schema objects evaluate to typed
//! [`Ref`]s, so the lowering knows what an attribute points at, not just its name.

use cairn_ir::QualifiedName;

/// An evaluated expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Value {
    Null,
    Bool(bool),
    /// A number, as written.
    Num(String),
    Str(String),
    List(Vec<Value>),
    /// An object, keys in order.
    Map(Vec<(String, Value)>),
    /// A bare identifier that is not a reference (`CASCADE`, `ALWAYS`, `PLpgSQL`).
    Keyword(String),
    /// `sql("...")`: SQL text, kept as written.
    Sql(String),
    /// A reference to a schema object.
    Ref(Ref),
    /// The value of an expression that already produced a diagnostic.
    Error,
}

/// What a reference points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Ref {
    Schema(String),
    /// A table, view or materialized view (`kind` is the block type), by its resolved name.
    Relation {
        kind: &'static str,
        name: QualifiedName,
    },
    Column {
        table: QualifiedName,
        column: String,
    },
    /// Any other named object (`enum`, `function`, `role`, ...).
    Object {
        kind: &'static str,
        name: QualifiedName,
    },
}

impl Ref {
    pub(super) fn name(&self) -> &str {
        match self {
            Ref::Schema(s) => s,
            Ref::Relation { name, .. } | Ref::Object { name, .. } => &name.name,
            Ref::Column { column, .. } => column,
        }
    }
}

impl Value {
    /// The value as text, where a string is expected: strings, numbers, booleans, keywords and
    /// the names of referenced objects.
    pub(super) fn as_text(&self) -> Option<String> {
        match self {
            Value::Str(s) | Value::Num(s) | Value::Keyword(s) | Value::Sql(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Ref(r) => Some(r.name().to_string()),
            Value::Null | Value::List(_) | Value::Map(_) | Value::Error => None,
        }
    }

    pub(super) fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Num(_) => "a number",
            Value::Str(_) => "a string",
            Value::List(_) => "a list",
            Value::Map(_) => "an object",
            Value::Keyword(_) => "a keyword",
            Value::Sql(_) => "an sql() expression",
            Value::Ref(_) => "a reference",
            Value::Error => "an invalid value",
        }
    }

    /// The elements of a list (or the values of an object, as `for_each` iterates them).
    pub(super) fn items(&self) -> Option<Vec<(Value, Value)>> {
        match self {
            Value::List(xs) => Some(
                xs.iter()
                    .enumerate()
                    .map(|(i, x)| (Value::Num(i.to_string()), x.clone()))
                    .collect(),
            ),
            Value::Map(kv) => Some(
                kv.iter()
                    .map(|(k, v)| (Value::Str(k.clone()), v.clone()))
                    .collect(),
            ),
            _ => None,
        }
    }

    /// `value[key]` / `value.key`.
    pub(super) fn index(&self, key: &Value) -> Option<Value> {
        match (self, key) {
            (Value::List(xs), Value::Num(n)) => {
                n.parse::<usize>().ok().and_then(|i| xs.get(i)).cloned()
            }
            (Value::Map(kv), k) => {
                let k = k.as_text()?;
                kv.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())
            }
            _ => None,
        }
    }
}

/// Calls a built-in function; `Err` holds the message of a diagnostic.
pub(super) fn call(name: &str, args: Vec<Value>) -> Result<Value, String> {
    let text = |i: usize| -> Result<String, String> {
        args.get(i)
            .and_then(Value::as_text)
            .ok_or_else(|| format!("`{name}` expects a string as argument {}", i + 1))
    };
    match name {
        "sql" => Ok(Value::Sql(text(0)?)),
        "toset" => {
            // A set keeps the first of equal elements, in order (HCL sets are unordered; schema
            // files only iterate them).
            let mut out: Vec<Value> = Vec::new();
            for x in list_arg(name, &args, 0)? {
                if !out.contains(&x) {
                    out.push(x);
                }
            }
            Ok(Value::List(out))
        }
        "tolist" => Ok(Value::List(list_arg(name, &args, 0)?)),
        "concat" => {
            let mut out = Vec::new();
            for i in 0..args.len() {
                out.extend(list_arg(name, &args, i)?);
            }
            Ok(Value::List(out))
        }
        "merge" => {
            let mut out: Vec<(String, Value)> = Vec::new();
            for a in &args {
                let Value::Map(kv) = a else {
                    return Err(format!("`merge` expects objects, not {}", a.kind_name()));
                };
                for (k, v) in kv {
                    match out.iter_mut().find(|(n, _)| n == k) {
                        Some(slot) => slot.1 = v.clone(),
                        None => out.push((k.clone(), v.clone())),
                    }
                }
            }
            Ok(Value::Map(out))
        }
        "keys" | "values" => match args.first() {
            Some(Value::Map(kv)) => Ok(Value::List(
                kv.iter()
                    .map(|(k, v)| {
                        if name == "keys" {
                            Value::Str(k.clone())
                        } else {
                            v.clone()
                        }
                    })
                    .collect(),
            )),
            _ => Err(format!("`{name}` expects an object")),
        },
        "lower" => Ok(Value::Str(text(0)?.to_lowercase())),
        "upper" => Ok(Value::Str(text(0)?.to_uppercase())),
        "join" => {
            let sep = text(0)?;
            let parts: Option<Vec<String>> = list_arg(name, &args, 1)?
                .iter()
                .map(Value::as_text)
                .collect();
            Ok(Value::Str(
                parts.ok_or("`join` expects a list of strings")?.join(&sep),
            ))
        }
        "replace" => Ok(Value::Str(text(0)?.replace(&text(1)?, &text(2)?))),
        "length" => match args.first() {
            Some(Value::List(xs)) => Ok(Value::Num(xs.len().to_string())),
            Some(Value::Map(kv)) => Ok(Value::Num(kv.len().to_string())),
            Some(v) => v
                .as_text()
                .map(|s| Value::Num(s.chars().count().to_string()))
                .ok_or_else(|| "`length` expects a list, an object or a string".to_string()),
            None => Err("`length` expects one argument".to_string()),
        },
        "format" => {
            let fmt = text(0)?;
            let mut out = String::new();
            let mut next = 1;
            let mut chars = fmt.chars().peekable();
            while let Some(c) = chars.next() {
                if c != '%' {
                    out.push(c);
                    continue;
                }
                match chars.next() {
                    Some('%') => out.push('%'),
                    Some('s' | 'd' | 'v') => {
                        out.push_str(&text(next)?);
                        next += 1;
                    }
                    other => {
                        return Err(format!(
                            "`format` supports %s, %d, %v and %%, not %{}",
                            other.map(String::from).unwrap_or_default()
                        ));
                    }
                }
            }
            Ok(Value::Str(out))
        }
        _ => Err(format!("unknown function `{name}`")),
    }
}

pub(super) const FUNCTIONS: &[&str] = &[
    "sql", "toset", "tolist", "concat", "merge", "keys", "values", "lower", "upper", "join",
    "replace", "length", "format",
];

fn list_arg(name: &str, args: &[Value], i: usize) -> Result<Vec<Value>, String> {
    match args.get(i) {
        Some(Value::List(xs)) => Ok(xs.clone()),
        Some(v) => Err(format!(
            "`{name}` expects a list as argument {}, not {}",
            i + 1,
            v.kind_name()
        )),
        None => Err(format!("`{name}` expects a list as argument {}", i + 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins() {
        let s = |x: &str| Value::Str(x.to_string());
        assert_eq!(
            call("format", vec![s("%s_%s"), s("a"), s("b")]),
            Ok(s("a_b"))
        );
        assert_eq!(
            call("toset", vec![Value::List(vec![s("a"), s("a"), s("b")])]),
            Ok(Value::List(vec![s("a"), s("b")]))
        );
        assert!(call("nope", vec![]).is_err());
    }
}
