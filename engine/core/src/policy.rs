//! The project's lint policy: the `lint { }` block of `cairn.hcl` / `atlas.hcl` (the global one,
//! merged with the selected environment's) applied to findings. `cairn lint`, `cairn migrate
//! lint` and the lint step of `schema apply` all go through [`LintPolicy::severity`], so one
//! policy means the same thing everywhere.
//!
//! What decides a finding's severity, most specific first (a rule's own severity when nothing
//! matches):
//! 1. its code: `severity = { PG301 = "error" }`, or Atlas's `check "PG301" { error = true }` /
//!    `check "DS102" { skip = true }`;
//! 2. its rule name: `severity = { drop-table = "warning" }`;
//! 3. its code family (the longest matching prefix, `DS`, `PG3`): `severity = { NM = "off" }`,
//!    or Atlas's analyzer blocks (`destructive { error = false }` = DS, `data_depend` = MF,
//!    `incompatible` = BC, `condrop` = CD, `naming` = NM, `non_linear` = NL,
//!    `concurrent_index` = PG101-PG103 with `check_create` / `check_drop` / `check_txmode`);
//! 4. one of its tags: `severity = { locking = "error" }`.
//!
//! At one level, `severity` wins over an Atlas block. `error = true` makes an analyzer's
//! findings errors, `error = false` warnings; `skip = true` and `"off"` drop them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cairn_sema::rules::ParamValue;
use cairn_syntax::Severity;

use crate::project::{Lint, Section, Value};

/// Atlas's analyzer blocks and the code families (or codes) they configure.
const ANALYZERS: &[(&str, &[&str])] = &[
    ("destructive", &["DS"]),
    ("data_depend", &["MF"]),
    ("incompatible", &["BC"]),
    ("condrop", &["CD"]),
    ("naming", &["NM"]),
    ("non_linear", &["NL"]),
    ("concurrent_index", &["PG101", "PG102", "PG103"]),
];

/// The code of the non-linear history finding (Atlas's `non_linear` analyzer has no code).
pub const NON_LINEAR: &str = "NL101";

/// Atlas's `review` policy for `schema apply`: when to ask before applying.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Review {
    /// Always ask (the default).
    #[default]
    Always,
    /// Ask only when a finding of warning severity or above remains.
    Warning,
    /// Ask only when an error remains.
    Error,
}

/// A severity decided by the policy: a severity, or `Off` (the finding is dropped).
pub type Level = Option<Severity>;

/// The `lint { }` block, compiled.
#[derive(Clone, Debug, Default)]
pub struct LintPolicy {
    /// `severity = { KEY = LEVEL }`: codes, families, names and tags.
    overrides: BTreeMap<String, Level>,
    /// From Atlas's blocks: codes (`check "X"`) and families (analyzer blocks).
    atlas_codes: BTreeMap<String, Level>,
    atlas_families: BTreeMap<String, Level>,
    /// `params = { ... }`, typed.
    pub params: BTreeMap<String, ParamValue>,
    /// `rules = [...]`, resolved against the project file's directory.
    pub rules: Vec<PathBuf>,
    /// `destructive { force = true }`: `nolint` does not silence DS findings.
    pub force_destructive: bool,
    pub review: Review,
    pub latest: Option<u64>,
    pub git_base: Option<String>,
    pub git_dir: Option<String>,
    /// Problems that do not stop the run (an unknown analyzer block, a param that is not a
    /// scalar or a list), to print as warnings.
    pub warnings: Vec<String>,
    /// Problems that stop a lint run (a naming regex that does not compile).
    pub errors: Vec<String>,
}

/// The object kinds of Atlas's `naming { KIND { match message } }` blocks; each NM rule reads
/// `naming_KIND_match` / `naming_KIND_message` over `naming_match` / `naming_message`.
const NAMING_KINDS: &[&str] = &["schema", "table", "column", "index", "foreign_key", "check"];

fn level_of(name: &str) -> Level {
    if name.eq_ignore_ascii_case("off") {
        None
    } else {
        Severity::from_name(&name.to_ascii_lowercase())
    }
}

fn param_value(v: &Value) -> Option<ParamValue> {
    Some(match v {
        Value::Bool(b) => ParamValue::Bool(*b),
        Value::Number(n) if n.fract() == 0.0 => ParamValue::Int(*n as i64),
        Value::String(s) | Value::Keyword(s) => ParamValue::Str(s.clone()),
        Value::List(xs) => ParamValue::List(xs.iter().map(param_value).collect::<Option<_>>()?),
        _ => return None,
    })
}

/// `error = true|false` and `skip = true` of an Atlas block, as a level (None: not set).
fn block_level(s: &Section) -> Option<Level> {
    if s.attrs.get("skip").and_then(Value::to_bool) == Some(true) {
        return Some(None);
    }
    match s.attrs.get("error").and_then(Value::to_bool) {
        Some(true) => Some(Some(Severity::Error)),
        Some(false) => Some(Some(Severity::Warning)),
        None => None,
    }
}

impl LintPolicy {
    /// Compiles a `lint` block; `base` is the directory of the project file (rule paths are
    /// relative to it).
    pub fn new(lint: &Lint, base: &Path) -> LintPolicy {
        let mut p = LintPolicy {
            review: match lint.review.as_deref() {
                Some("WARNING") => Review::Warning,
                Some("ERROR") => Review::Error,
                _ => Review::Always,
            },
            latest: lint.latest,
            git_base: lint.git_base.clone(),
            git_dir: lint.git_dir.clone(),
            rules: lint
                .rules
                .iter()
                .map(|r| base.join(r.strip_prefix("file://").unwrap_or(r)))
                .collect(),
            ..LintPolicy::default()
        };
        for (k, v) in &lint.severity {
            p.overrides.insert(k.clone(), level_of(v));
        }
        for (k, v) in &lint.params {
            match param_value(v) {
                Some(x) => {
                    p.params.insert(k.clone(), x);
                }
                None => p.warnings.push(format!(
                    "lint.params.{k}: {} is not a bool, a whole number, a string or a list of them; ignored",
                    v.kind_name()
                )),
            }
        }
        for (key, s) in &lint.analyzers {
            if let Some(code) = key.strip_prefix("check.") {
                if let Some(l) = block_level(s) {
                    p.atlas_codes.insert(code.to_string(), l);
                }
                continue;
            }
            let Some((_, targets)) = ANALYZERS.iter().find(|(n, _)| n == key) else {
                let known: Vec<&str> = ANALYZERS.iter().map(|(n, _)| *n).collect();
                p.warnings.push(format!(
                    "lint: the analyzer block {key:?} is not one Cairn knows ({}, check \"CODE\"); ignored",
                    known.join(", ")
                ));
                continue;
            };
            if let Some(l) = block_level(s) {
                for t in *targets {
                    if t.len() > 3 && t.chars().any(|c| c.is_ascii_digit()) {
                        p.atlas_codes.entry(t.to_string()).or_insert(l);
                    } else {
                        p.atlas_families.insert(t.to_string(), l);
                    }
                }
            }
            if key == "naming" {
                p.naming(s);
            }
            if key == "destructive" && s.attrs.get("force").and_then(Value::to_bool) == Some(true) {
                p.force_destructive = true;
            }
            if key == "concurrent_index" {
                for (attr, code) in [
                    ("check_create", "PG101"),
                    ("check_drop", "PG102"),
                    ("check_txmode", "PG103"),
                ] {
                    if s.attrs.get(attr).and_then(Value::to_bool) == Some(false) {
                        p.atlas_codes.insert(code.to_string(), None);
                    }
                }
            }
        }
        p
    }

    /// Atlas's `naming { match message KIND { match message } }` as the NM rules' params
    /// (`naming_match`, `naming_KIND_match`, ...); an explicit `params` entry wins.
    fn naming(&mut self, s: &Section) {
        let set = |p: &mut LintPolicy, prefix: &str, sec: &Section| {
            for (attr, suffix) in [("match", "match"), ("message", "message")] {
                let Some(v) = sec.attrs.get(attr) else {
                    continue;
                };
                let (Value::String(text) | Value::Keyword(text)) = v else {
                    p.errors.push(format!(
                        "lint.{prefix}.{attr}: expected a string, not {}",
                        v.kind_name()
                    ));
                    continue;
                };
                if attr == "match"
                    && let Err(e) = regex::Regex::new(text)
                {
                    p.errors.push(format!(
                        "lint.{prefix}.match: {text:?} is not a valid regex: {e}"
                    ));
                    continue;
                }
                let param = format!("{}_{suffix}", prefix.replace('.', "_"));
                p.params
                    .entry(param)
                    .or_insert_with(|| ParamValue::Str(text.clone()));
            }
        };
        set(self, "naming", s);
        for (kind, sec) in &s.blocks {
            if NAMING_KINDS.contains(&kind.as_str()) {
                set(self, &format!("naming.{kind}"), sec);
            } else {
                self.warnings.push(format!(
                    "lint.naming: the block {kind:?} is not one Cairn knows ({}); ignored",
                    NAMING_KINDS.join(", ")
                ));
            }
        }
    }

    /// The severity of a finding of rule `code` / `name` with `tags`, whose rule says `default`;
    /// `None` when the policy turns it off.
    pub fn severity(
        &self,
        code: Option<&str>,
        name: &str,
        tags: &[String],
        default: Severity,
    ) -> Level {
        if let Some(code) = code
            && let Some(l) = self.overrides.get(code).or(self.atlas_codes.get(code))
        {
            return *l;
        }
        if let Some(l) = self.overrides.get(name) {
            return *l;
        }
        if let Some(code) = code {
            let family = |m: &BTreeMap<String, Level>| {
                m.iter()
                    .filter(|(k, _)| {
                        k.len() < code.len()
                            && code.starts_with(k.as_str())
                            && k.chars()
                                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                    })
                    .max_by_key(|(k, _)| k.len())
                    .map(|(_, l)| *l)
            };
            if let Some(l) = family(&self.overrides).or_else(|| family(&self.atlas_families)) {
                return l;
            }
        }
        for t in tags {
            if let Some(l) = self.overrides.get(t) {
                return *l;
            }
        }
        Some(default)
    }

    /// Whether `nolint` directives may silence a finding with this code.
    pub fn nolint_allowed(&self, code: Option<&str>) -> bool {
        !(self.force_destructive && code.is_some_and(|c| c.starts_with("DS")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lint(f: impl FnOnce(&mut Lint)) -> LintPolicy {
        let mut l = Lint::default();
        f(&mut l);
        LintPolicy::new(&l, Path::new("proj"))
    }

    fn section(attrs: &[(&str, Value)]) -> Section {
        Section {
            attrs: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            blocks: BTreeMap::new(),
        }
    }

    #[test]
    fn most_specific_key_wins() {
        let p = lint(|l| {
            l.severity.insert("DS".into(), "warning".into());
            l.severity.insert("DS101".into(), "error".into());
            l.severity.insert("locking".into(), "error".into());
            l.severity.insert("NM".into(), "off".into());
            l.severity.insert("drop-column".into(), "info".into());
        });
        let tags = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            p.severity(Some("DS102"), "drop-table", &[], Severity::Error),
            Some(Severity::Warning)
        );
        assert_eq!(
            p.severity(Some("DS101"), "drop-schema", &[], Severity::Error),
            Some(Severity::Error)
        );
        assert_eq!(
            p.severity(Some("DS103"), "drop-column", &[], Severity::Error),
            Some(Severity::Info)
        );
        assert_eq!(
            p.severity(Some("NM102"), "table-name", &[], Severity::Warning),
            None
        );
        assert_eq!(
            p.severity(Some("PG101"), "x", &tags(&["locking"]), Severity::Warning),
            Some(Severity::Error)
        );
        assert_eq!(
            p.severity(Some("MF104"), "x", &[], Severity::Warning),
            Some(Severity::Warning)
        );
    }

    #[test]
    fn naming_blocks_become_params() {
        let mut naming = section(&[
            ("match", Value::String("^[a-z_]+$".into())),
            ("message", Value::String("bad name".into())),
        ]);
        naming.blocks.insert(
            "index".into(),
            section(&[("match", Value::String("_idx$".into()))]),
        );
        naming.blocks.insert(
            "bogus".into(),
            section(&[("match", Value::String("x".into()))]),
        );
        naming.blocks.insert(
            "table".into(),
            section(&[("match", Value::String("([".into()))]),
        );
        let p = lint(|l| {
            l.analyzers.insert("naming".into(), naming);
            l.params
                .insert("naming_message".into(), Value::String("mine".into()));
        });
        assert_eq!(
            p.params["naming_match"],
            ParamValue::Str("^[a-z_]+$".into())
        );
        assert_eq!(p.params["naming_message"], ParamValue::Str("mine".into()));
        assert_eq!(
            p.params["naming_index_match"],
            ParamValue::Str("_idx$".into())
        );
        assert!(!p.params.contains_key("naming_table_match"));
        assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
        assert!(
            p.errors[0].contains("lint.naming.table.match"),
            "{:?}",
            p.errors
        );
        assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
    }

    #[test]
    fn atlas_blocks() {
        let p = lint(|l| {
            l.analyzers.insert(
                "destructive".into(),
                section(&[("error", Value::Bool(false)), ("force", Value::Bool(true))]),
            );
            l.analyzers.insert(
                "data_depend".into(),
                section(&[("error", Value::Bool(true))]),
            );
            l.analyzers.insert(
                "check.PG301".into(),
                section(&[("error", Value::Bool(true))]),
            );
            l.analyzers.insert(
                "check.MF103".into(),
                section(&[("skip", Value::Bool(true))]),
            );
            l.analyzers.insert(
                "concurrent_index".into(),
                section(&[("check_drop", Value::Bool(false))]),
            );
            l.analyzers.insert("bogus".into(), section(&[]));
            l.params
                .insert("max_name_length".into(), Value::Number(30.0));
            l.rules.push("policies/".into());
        });
        assert_eq!(
            p.severity(Some("DS102"), "drop-table", &[], Severity::Error),
            Some(Severity::Warning)
        );
        assert_eq!(
            p.severity(Some("MF104"), "x", &[], Severity::Warning),
            Some(Severity::Error)
        );
        assert_eq!(p.severity(Some("MF103"), "x", &[], Severity::Warning), None);
        assert_eq!(
            p.severity(Some("PG301"), "x", &[], Severity::Warning),
            Some(Severity::Error)
        );
        assert_eq!(p.severity(Some("PG102"), "x", &[], Severity::Warning), None);
        assert_eq!(
            p.severity(Some("PG101"), "x", &[], Severity::Warning),
            Some(Severity::Warning)
        );
        assert!(!p.nolint_allowed(Some("DS103")));
        assert!(p.nolint_allowed(Some("MF103")));
        assert_eq!(p.params["max_name_length"], ParamValue::Int(30));
        assert_eq!(p.rules, vec![PathBuf::from("proj/policies/")]);
        assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
    }
}
