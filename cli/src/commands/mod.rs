//! One module per command.

pub mod init;
pub mod lint;
mod lint_uncertain;
pub mod lsp;
pub mod migrate;
pub mod migrate_diff;
pub mod migrate_down;
pub mod migrate_files;
pub mod rules;
pub mod schema_apply;
pub mod schema_diff;
pub mod schema_fmt;
pub mod schema_inspect;
mod states;

use anyhow::{Result, bail};

/// An output format named by `--format`: a name, or one of the Go templates Atlas projects
/// commonly hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Hcl,
    Sql { indent: Option<String> },
    Json,
    Mermaid,
}

impl OutputFormat {
    pub fn parse(s: &str) -> Result<OutputFormat> {
        let t = s.trim();
        if let Some(inner) = t.strip_prefix("{{").and_then(|r| r.strip_suffix("}}")) {
            let words: Vec<&str> = inner.split_whitespace().collect();
            return Ok(match words.as_slice() {
                ["json", "."] => OutputFormat::Json,
                ["mermaid", "."] => OutputFormat::Mermaid,
                ["sql", "."] => OutputFormat::Sql { indent: None },
                ["sql", ".", _, ..] => {
                    let quoted = inner
                        .trim_start()
                        .trim_start_matches("sql")
                        .trim_start()
                        .trim_start_matches('.')
                        .trim();
                    match quoted.strip_prefix('"').and_then(|q| q.strip_suffix('"')) {
                        Some(indent) => OutputFormat::Sql {
                            indent: Some(indent.to_string()),
                        },
                        None => bail!(
                            "unsupported --format template {s:?}: the sql indent must be a quoted string, as in {{{{ sql . \"  \" }}}}"
                        ),
                    }
                }
                _ => bail!(
                    "unsupported --format template {s:?}: Cairn understands {{{{ json . }}}}, {{{{ sql . }}}}, {{{{ sql . \"  \" }}}} and {{{{ mermaid . }}}}, or the names hcl, sql, json, mermaid"
                ),
            });
        }
        Ok(match t {
            "hcl" => OutputFormat::Hcl,
            "sql" => OutputFormat::Sql { indent: None },
            "json" => OutputFormat::Json,
            "mermaid" => OutputFormat::Mermaid,
            other => bail!("unknown --format {other:?}: expected hcl, sql, json or mermaid"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_templates() {
        assert_eq!(OutputFormat::parse("json").unwrap(), OutputFormat::Json);
        assert_eq!(
            OutputFormat::parse("{{ json . }}").unwrap(),
            OutputFormat::Json
        );
        assert_eq!(
            OutputFormat::parse("{{ sql . }}").unwrap(),
            OutputFormat::Sql { indent: None }
        );
        assert_eq!(
            OutputFormat::parse("{{ sql . \"  \" }}").unwrap(),
            OutputFormat::Sql {
                indent: Some("  ".into())
            }
        );
        assert!(OutputFormat::parse("{{ .Foo }}").is_err());
        assert!(OutputFormat::parse("yaml").is_err());
    }
}
