//! `--format mermaid`: an ER diagram of tables (with their columns) and foreign keys.

use std::fmt::Write;

use cairn_ir::Realm;

pub fn realm_mermaid(realm: &Realm) -> String {
    let qualified = realm.schemas.len() > 1;
    let ident = |schema: &str, name: &str| {
        let raw = if qualified {
            format!("{schema}_{name}")
        } else {
            name.to_string()
        };
        raw.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect::<String>()
    };
    let mut out = String::from("erDiagram\n");
    for (s, t) in realm.tables() {
        let _ = writeln!(out, "    {} {{", ident(&s.name, &t.name));
        for c in &t.columns {
            let ty: String =
                c.ty.sql()
                    .chars()
                    .map(|ch| if ch.is_ascii_alphanumeric() { ch } else { '_' })
                    .collect();
            let pk = t
                .primary_key
                .as_ref()
                .is_some_and(|pk| pk.columns.contains(&c.name));
            let fk = t.foreign_keys.iter().any(|f| f.columns.contains(&c.name));
            let keys = match (pk, fk) {
                (true, true) => " PK, FK",
                (true, false) => " PK",
                (false, true) => " FK",
                _ => "",
            };
            let _ = writeln!(out, "        {ty} {}{keys}", c.name);
        }
        let _ = writeln!(out, "    }}");
    }
    for (s, t) in realm.tables() {
        for f in &t.foreign_keys {
            let target_schema = f.ref_table.schema.as_deref().unwrap_or(&s.name);
            let nullable = f
                .columns
                .iter()
                .any(|c| t.column(c).is_some_and(|c| c.nullable));
            let card = if nullable { "}o--o|" } else { "}o--||" };
            let _ = writeln!(
                out,
                "    {} {card} {} : \"{}\"",
                ident(&s.name, &t.name),
                ident(target_schema, &f.ref_table.name),
                f.columns.join(", ")
            );
        }
    }
    out
}
