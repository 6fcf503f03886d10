//! The HCL formatter on fixture files: every `tests/fmt/NAME.in.hcl` formats to
//! `tests/fmt/NAME.out.hcl` (adding a case is adding two files), formatting is idempotent,
//! nothing but white space changes, and every comment survives. Also idempotency on the
//! benchmark generator's schemas.
//!
//! `CAIRN_BLESS=1 cargo test -p cairn-syntax --test hcl_fmt` writes missing or changed
//! `.out.hcl` files (review them before committing).

use std::path::{Path, PathBuf};

use cairn_syntax::hcl::fmt::format;
use cairn_syntax::hcl::parse::parse_body;

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fmt")
}

fn fixtures() -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(fixture_dir())
        .expect("tests/fmt exists")
        .filter_map(|e| {
            let path = e.ok()?.path();
            let name = path
                .file_name()?
                .to_str()?
                .strip_suffix(".in.hcl")?
                .to_string();
            Some((name, path))
        })
        .collect();
    out.sort();
    out
}

fn without_whitespace(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The comments of an HCL text, in order (lexed crudely: good enough for the fixtures, whose
/// strings hold comment markers only where a test says so).
fn comments(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    let mut in_string = false;
    while let Some(c) = rest.chars().next() {
        if in_string {
            if c == '\\' {
                rest = &rest[c.len_utf8()..];
                if let Some(n) = rest.chars().next() {
                    rest = &rest[n.len_utf8()..];
                }
                continue;
            }
            if c == '"' {
                in_string = false;
            }
            rest = &rest[c.len_utf8()..];
            continue;
        }
        if c == '"' {
            in_string = true;
            rest = &rest[1..];
        } else if rest.starts_with('#') || rest.starts_with("//") {
            let end = rest.find('\n').unwrap_or(rest.len());
            out.push(rest[..end].trim_end().to_string());
            rest = &rest[end..];
        } else if rest.starts_with("/*") {
            let end = rest.find("*/").map_or(rest.len(), |i| i + 2);
            out.push(without_whitespace(&rest[..end]));
            rest = &rest[end..];
        } else {
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// What must hold for any input the formatter accepts.
fn assert_formatting_laws(name: &str, input: &str, output: &str) {
    assert_eq!(
        format(output).as_deref(),
        Ok(output),
        "{name}: formatting is not idempotent"
    );
    assert_eq!(
        without_whitespace(output),
        without_whitespace(input),
        "{name}: formatting changed more than white space"
    );
    assert_eq!(
        comments(output),
        comments(input),
        "{name}: comments were lost or changed"
    );
    assert!(
        output.is_empty() || output.ends_with('\n') && !output.ends_with("\n\n"),
        "{name}: the output must end with exactly one newline"
    );
    for (i, line) in output.lines().enumerate() {
        // Heredoc bodies are kept as written; the fixtures have no trailing space elsewhere.
        if !line.starts_with("      RETURN") {
            assert_eq!(
                line.trim_end(),
                line,
                "{name}: trailing white space on line {}",
                i + 1
            );
        }
    }
}

#[test]
fn fixtures_format_as_expected() {
    let bless = std::env::var("CAIRN_BLESS").is_ok_and(|v| v == "1");
    let cases = fixtures();
    assert!(cases.len() >= 10, "the fixtures are missing: {cases:?}");
    let mut failures = Vec::new();
    for (name, path) in &cases {
        let input = std::fs::read_to_string(path).expect("readable fixture");
        let output = match format(&input) {
            Ok(o) => o,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        assert_formatting_laws(name, &input, &output);
        // The formatted text is HCL that hcl-edit reads (Atlas's single-line blocks with
        // several attributes are not, before formatting).
        if !output.trim().is_empty() {
            parse_body(&output).unwrap_or_else(|e| panic!("{name}: output does not parse: {e:?}"));
        }
        let out_path = fixture_dir().join(format!("{name}.out.hcl"));
        let expected = std::fs::read_to_string(&out_path).ok();
        if expected.as_deref() != Some(output.as_str()) {
            if bless {
                std::fs::write(&out_path, &output).expect("writable fixture");
            } else {
                failures.push(format!(
                    "{name}: expected\n{}\n--- got ---\n{output}",
                    expected.unwrap_or_else(|| "(no .out.hcl file)".into())
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn expected_outputs_are_fixed_points() {
    for (name, _) in fixtures() {
        let path = fixture_dir().join(format!("{name}.out.hcl"));
        let Ok(expected) = std::fs::read_to_string(&path) else {
            continue;
        };
        assert_eq!(
            format(&expected).as_deref(),
            Ok(expected.as_str()),
            "{name}.out.hcl is not formatted"
        );
    }
}

#[test]
fn comments_survive_everywhere() {
    let input = "#a\nx { #b\n  y = [ #c\n    1, /*d*/\n  ] #e\n  z = f(1, #f\n  2)\n} #g\n/*h*/\n";
    let output = format(input).unwrap();
    assert_formatting_laws("inline", input, &output);
    for c in ["#a", "#b", "#c", "/*d*/", "#e", "#f", "#g", "/*h*/"] {
        assert!(output.contains(c), "{c} lost:\n{output}");
    }
}

#[test]
fn errors_carry_offsets() {
    let cases = [
        ("a = \"open\n", 4, "unterminated string"),
        ("t {\n  a = 1\n", 2, "never closed"),
        ("t {\n  a = [1)\n}\n", 12, "closes"),
        ("a = 1\n}\n", 6, "unexpected"),
        ("x = <<EOT\nno end\n", 4, "heredoc"),
        ("/* open", 0, "comment"),
        ("a = 1 ; b = 2\n", 6, "unexpected character"),
    ];
    for (input, offset, message) in cases {
        let e = format(input).unwrap_err();
        assert_eq!(e.offset, offset, "{input:?}: {e}");
        assert!(e.message.contains(message), "{input:?}: {e}");
    }
}

/// The path of the benchmark generator, beside the repository.
fn generator() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench/gen_schema.py");
    p.exists().then_some(p)
}

#[test]
fn generated_schemas_are_idempotent() {
    // A schema in the generator's layout, built here, so the test holds without the generator.
    let mut built = String::from("schema \"public\" {}\n");
    for i in 0..200 {
        built.push_str(&format!(
            "\ntable \"t{i}\" {{\n  schema = schema.public\n  column \"id\" {{\n    type = bigint\n  }}\n  column \"c{i}\" {{\n    type    = varchar(255)\n    null    = true\n    default = \"x${{y}}\"\n  }}\n  primary_key {{\n    columns = [column.id]\n  }}\n}}\n"
        ));
    }
    let once = format(&built).unwrap();
    assert_formatting_laws("built", &built, &once);

    let Some(script) = generator() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "shared/bench/gen_schema.py is missing"
        );
        eprintln!("notice: shared/bench/gen_schema.py not found; generated schemas not checked");
        return;
    };
    for args in [
        vec!["-n", "50", "--format", "hcl"],
        vec!["-n", "50", "--format", "hcl", "--dialect", "mysql"],
        vec!["-n", "50", "--format", "hcl", "--dialect", "sqlite"],
        vec!["-n", "50", "--format", "hcl", "--evolve", "40"],
    ] {
        let out = std::process::Command::new("python3")
            .arg(&script)
            .args(&args)
            .output();
        let out = match out {
            Ok(o) if o.status.success() => o,
            other => {
                assert!(
                    std::env::var("CI").as_deref() != Ok("true"),
                    "gen_schema.py {args:?} failed: {other:?}"
                );
                eprintln!("notice: python3 gen_schema.py {args:?} failed: {other:?}");
                return;
            }
        };
        let text = String::from_utf8(out.stdout).expect("utf-8");
        assert!(text.contains("table \""), "{args:?}: no tables generated");
        let once = format(&text).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        assert_formatting_laws(&format!("{args:?}"), &text, &once);
    }
}

/// Every prefix of every fixture (a file being typed) formats or fails with a located error,
/// never panics, and what formats is idempotent.
#[test]
fn truncated_inputs_never_panic() {
    for (name, path) in fixtures() {
        let input = std::fs::read_to_string(path).expect("readable fixture");
        for (cut, _) in input.char_indices() {
            let prefix = &input[..cut];
            match format(prefix) {
                Ok(once) => assert_eq!(
                    format(&once).as_deref(),
                    Ok(once.as_str()),
                    "{name} cut at {cut}: not idempotent"
                ),
                Err(e) => assert!(e.offset <= prefix.len(), "{name} cut at {cut}: {e}"),
            }
        }
    }
}
