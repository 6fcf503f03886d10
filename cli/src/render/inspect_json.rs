//! `schema inspect --format json`: Atlas's shape (`schemas[].tables[].columns/indexes/
//! primary_key/foreign_keys`), with further object kinds under their own keys. Version 1.

use cairn_ir::{Default as ColDefault, IndexKey, Literal, Realm, Schema, Table};
use serde_json::{Map, Value, json};

pub fn realm_json(realm: &Realm) -> Value {
    let schemas: Vec<Value> = realm.schemas.iter().map(schema_json).collect();
    let mut root = Map::new();
    root.insert("schemas".into(), Value::Array(schemas));
    if !realm.roles.is_empty() {
        root.insert(
            "roles".into(),
            realm
                .roles
                .iter()
                .map(|r| {
                    json!({"name": r.name, "login": r.login, "superuser": r.superuser,
                        "create_db": r.create_db, "create_role": r.create_role,
                        "bypass_rls": r.bypass_rls, "member_of": r.member_of, "external": r.external})
                })
                .collect(),
        );
    }
    if !realm.permissions.is_empty() {
        root.insert(
            "permissions".into(),
            realm
                .permissions
                .iter()
                .map(|p| {
                    json!({"grantee": p.grantee,
                        "privileges": p.privileges.iter().map(|x| x.sql()).collect::<Vec<_>>(),
                        "object": format!("{:?}", p.object), "grantable": p.grantable})
                })
                .collect(),
        );
    }
    Value::Object(root)
}

fn opt_insert(m: &mut Map<String, Value>, k: &str, v: Option<Value>) {
    if let Some(v) = v {
        m.insert(k.into(), v);
    }
}

fn schema_json(s: &Schema) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), json!(s.name));
    opt_insert(&mut m, "comment", s.comment.as_ref().map(|c| json!(c)));
    opt_insert(&mut m, "charset", s.charset.as_ref().map(|c| json!(c)));
    opt_insert(&mut m, "collate", s.collation.as_ref().map(|c| json!(c)));
    m.insert(
        "tables".into(),
        s.tables.iter().map(|t| table_json(t)).collect(),
    );
    let named = |items: Vec<(&str, Value)>| -> Value {
        items
            .into_iter()
            .map(|(n, v)| {
                let mut o = v.as_object().cloned().unwrap_or_default();
                o.insert("name".into(), json!(n));
                Value::Object(o)
            })
            .collect()
    };
    if !s.views.is_empty() {
        m.insert(
            "views".into(),
            named(
                s.views
                    .iter()
                    .map(|v| (v.name.as_str(), json!({"definition": v.definition})))
                    .collect(),
            ),
        );
    }
    if !s.materialized_views.is_empty() {
        m.insert(
            "materialized_views".into(),
            named(
                s.materialized_views
                    .iter()
                    .map(|v| (v.name.as_str(), json!({"definition": v.definition})))
                    .collect(),
            ),
        );
    }
    if !s.functions.is_empty() {
        m.insert(
            "functions".into(),
            named(
                s.functions
                    .iter()
                    .map(|f| {
                        (
                            f.name.as_str(),
                            json!({"language": f.language, "returns": f.returns}),
                        )
                    })
                    .collect(),
            ),
        );
    }
    if !s.procedures.is_empty() {
        m.insert(
            "procedures".into(),
            named(
                s.procedures
                    .iter()
                    .map(|f| (f.name.as_str(), json!({"language": f.language})))
                    .collect(),
            ),
        );
    }
    let events: Vec<_> = s.unsupported.iter().filter(|u| u.kind == "event").collect();
    if !events.is_empty() {
        m.insert(
            "events".into(),
            named(
                events
                    .iter()
                    .map(|u| {
                        let name = u.name.as_deref().unwrap_or_default();
                        (name, json!({"definition": u.raw}))
                    })
                    .collect(),
            ),
        );
    }
    if !s.sequences.is_empty() {
        m.insert(
            "sequences".into(),
            named(
                s.sequences
                    .iter()
                    .map(|q| {
                        (
                            q.name.as_str(),
                            json!({"start": q.start, "increment": q.increment}),
                        )
                    })
                    .collect(),
            ),
        );
    }
    if !s.enums.is_empty() {
        m.insert(
            "enums".into(),
            named(
                s.enums
                    .iter()
                    .map(|e| (e.name.as_str(), json!({"values": e.values})))
                    .collect(),
            ),
        );
    }
    if !s.domains.is_empty() {
        m.insert(
            "domains".into(),
            named(
                s.domains
                    .iter()
                    .map(|d| {
                        (
                            d.name.as_str(),
                            json!({"type": d.base.sql(), "null": d.nullable}),
                        )
                    })
                    .collect(),
            ),
        );
    }
    if !s.extensions.is_empty() {
        m.insert(
            "extensions".into(),
            named(
                s.extensions
                    .iter()
                    .map(|e| (e.name.as_str(), json!({"version": e.version})))
                    .collect(),
            ),
        );
    }
    Value::Object(m)
}

fn default_json(d: &ColDefault) -> Value {
    match d {
        ColDefault::Literal(Literal::Null) => Value::Null,
        ColDefault::Literal(Literal::Bool(b)) => json!(b),
        ColDefault::Literal(Literal::Number(n)) => json!(n),
        ColDefault::Literal(Literal::String(s)) => json!(s),
        ColDefault::Expr(e) => json!(e.as_str()),
    }
}

fn table_json(t: &Table) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), json!(t.name));
    opt_insert(&mut m, "comment", t.comment.as_ref().map(|c| json!(c)));
    let columns: Vec<Value> = t
        .columns
        .iter()
        .map(|c| {
            let mut cm = Map::new();
            cm.insert("name".into(), json!(c.name));
            cm.insert("type".into(), json!(c.ty.sql()));
            if c.nullable {
                cm.insert("null".into(), json!(true));
            }
            opt_insert(&mut cm, "default", c.default.as_ref().map(default_json));
            opt_insert(&mut cm, "comment", c.comment.as_ref().map(|x| json!(x)));
            Value::Object(cm)
        })
        .collect();
    m.insert("columns".into(), Value::Array(columns));
    if let Some(pk) = &t.primary_key {
        m.insert(
            "primary_key".into(),
            json!({"parts": pk.columns.iter().map(|c| json!({"column": c})).collect::<Vec<_>>()}),
        );
    }
    if !t.indexes.is_empty() {
        let idx: Vec<Value> = t
            .indexes
            .iter()
            .map(|i| {
                let parts: Vec<Value> = i
                    .parts
                    .iter()
                    .map(|p| {
                        let mut pm = Map::new();
                        match &p.key {
                            IndexKey::Column(c) => pm.insert("column".into(), json!(c)),
                            IndexKey::Expr(e) => pm.insert("expr".into(), json!(e.as_str())),
                        };
                        if p.desc {
                            pm.insert("desc".into(), json!(true));
                        }
                        Value::Object(pm)
                    })
                    .collect();
                let mut im = Map::new();
                im.insert("name".into(), json!(i.name));
                if i.unique {
                    im.insert("unique".into(), json!(true));
                }
                im.insert("parts".into(), Value::Array(parts));
                Value::Object(im)
            })
            .collect();
        m.insert("indexes".into(), Value::Array(idx));
    }
    if !t.foreign_keys.is_empty() {
        let fks: Vec<Value> = t
            .foreign_keys
            .iter()
            .map(|f| {
                json!({"name": f.name, "columns": f.columns,
                    "references": {"table": f.ref_table.name, "columns": f.ref_columns}})
            })
            .collect();
        m.insert("foreign_keys".into(), Value::Array(fks));
    }
    if !t.checks.is_empty() {
        m.insert(
            "checks".into(),
            t.checks
                .iter()
                .map(|c| json!({"name": c.name, "expr": c.expr.as_str()}))
                .collect(),
        );
    }
    if let Some(rows) = t.rows {
        m.insert("rows".into(), json!(rows));
    }
    Value::Object(m)
}
