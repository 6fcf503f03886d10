//! Atlas's statement-splitting golden cases: every `N.sql` in the shared corpus must split into
//! exactly the statements of `N.sql.golden` (separated by a line `-- end --`).

use std::path::Path;

use cairn_syntax::sql::{SplitOptions, split};

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpus/atlas/lex"
);

#[test]
fn atlas_lex_golden_cases() {
    let dir = Path::new(CORPUS);
    let mut cases: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 20,
        "expected Atlas's 20 lex cases, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let input = std::fs::read_to_string(case).unwrap();
        let golden = std::fs::read_to_string(case.with_extension("sql.golden"))
            .unwrap_or_else(|e| panic!("{name}: no golden file: {e}"));
        // The SQL Server cases are the ones Atlas runs with `GO` batches enabled.
        let opts = SplitOptions {
            go_batches: name.contains("_ms_"),
            ..SplitOptions::generic()
        };
        let file = split(&input, opts);
        for s in &file.statements {
            assert_eq!(
                &input[s.span.range()],
                s.text,
                "{name}: span does not match text"
            );
        }
        let got: Vec<&str> = file.statements.iter().map(|s| s.text.as_str()).collect();
        let got = got.join("\n-- end --\n");
        if got != golden {
            failures.push(format!("--- {name}\nexpected:\n{golden}\n\ngot:\n{got}\n"));
        }
        let errors: Vec<_> = file.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "{name}: unexpected errors {errors:?}");
    }
    assert!(
        failures.is_empty(),
        "{} case(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
