//! Editor features as plain data over the salsa database: diagnostics, hover, go-to-definition
//! and completion for schema files (HCL, SQL) and rules files (`*.cairn`). No LSP types here:
//! positions are byte offsets and results are Cairn values; `cairn-lsp` converts at the edge.
//!
//! Invariant: every query takes any text and any offset and never panics.

mod hcl;
mod hcl_complete;
mod lint;
mod plan_preview;
mod rename;
mod rule_docs;
mod rules;

pub use hcl_complete::{Symbol, SymbolKind};
pub use lint::{FileDiagnostic, RuleDocs};
pub use plan_preview::{Baseline, TableLens};
pub use rename::{Action, FileEdits, TextEdit};

use std::collections::BTreeMap;

pub use cairn_ir::Dialect;
use cairn_ir::ObjectPath;
use cairn_sema::rules::RulesSet;
use cairn_sema::{Database, Project, SourceFile, SourceKind};
use cairn_syntax::{Diagnostic, Span};
use salsa::Setter;

/// A place in a file (the file as the editor named it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub span: Span,
}

/// Markdown to show over `span`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    pub markdown: String,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Field,
    Keyword,
    Function,
    Variable,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    pub doc: Option<String>,
}

/// The dialect a schema file is read in, from its suffix (`.pg.hcl`, `.my.sql`...), if it says.
/// The standard library's rule reference as `cairn rules docs` writes it under `docs/rules/`:
/// `(file name, Markdown)`, the index first.
pub fn rule_reference() -> Vec<(String, String)> {
    cairn_rules_stdlib::docs::pages(lint::stdlib())
}

pub fn dialect_of_path(path: &str) -> Option<Dialect> {
    let stem = path
        .strip_suffix(".hcl")
        .or_else(|| path.strip_suffix(".sql"))?;
    let ext = stem.rsplit_once('.')?.1;
    match ext {
        "pg" => Some(Dialect::Postgres),
        "my" => Some(Dialect::MYSQL),
        "ma" => Some(Dialect::MARIADB),
        "lt" => Some(Dialect::Sqlite),
        _ => None,
    }
}

/// Which group of files a schema file is compiled with: its dialect, and HCL or SQL.
/// Files are compiled together by dialect and language; the files of one migration directory
/// form a project of their own (the directory name is the third part).
type ProjectKey<'a> = (Dialect, SourceKind, Option<&'a str>);

/// The open files and the database they are compiled in. Owned by one thread (salsa's database
/// is `Send`, not `Sync`); edits go through `&mut self`.
pub struct AnalysisHost {
    db: Database,
    files: BTreeMap<String, SourceFile>,
    projects: BTreeMap<String, Project>,
    rules: Option<RulesSet>,
    default_dialect: Dialect,
    /// The text of each file as last saved (or as read from disk): the baseline a hand edit
    /// is compared with to offer rename hints.
    saved: BTreeMap<String, String>,
    /// What the plan preview compares with.
    baseline: Option<Baseline>,
    /// The per-table lint findings kept between edits.
    lint_memo: lint::LintMemo,
    /// Files of migration directories (file -> directory): each directory is replayed as a
    /// project of its own, never part of the schema the other files declare.
    migration_dir: BTreeMap<String, String>,
}

impl Default for AnalysisHost {
    fn default() -> Self {
        AnalysisHost::new(Dialect::Postgres)
    }
}

impl AnalysisHost {
    /// `default_dialect` is used for schema files whose name does not say their dialect.
    pub fn new(default_dialect: Dialect) -> AnalysisHost {
        let db = Database::default().with_split_cache();
        let lint_memo = lint::LintMemo::new(&db, Default::default());
        AnalysisHost {
            db,
            lint_memo,
            files: BTreeMap::new(),
            projects: BTreeMap::new(),
            rules: None,
            default_dialect,
            saved: BTreeMap::new(),
            baseline: None,
            migration_dir: BTreeMap::new(),
        }
    }

    pub fn set_default_dialect(&mut self, dialect: Dialect) {
        if dialect != self.default_dialect {
            self.default_dialect = dialect;
            self.projects.clear();
            self.sync_groups();
        }
    }

    /// Whether the server handles this file at all.
    pub fn is_supported(path: &str) -> bool {
        SourceKind::of_path(path).is_some()
    }

    /// Sets (or adds) a file's text. Unsupported files are ignored.
    pub fn set_file(&mut self, path: &str, text: String) {
        let Some(kind) = SourceKind::of_path(path) else {
            return;
        };
        match self.files.get(path) {
            Some(file) => {
                let file = *file;
                if file.text(&self.db) != &text {
                    file.set_text(&mut self.db).to(text);
                }
            }
            None => {
                let file = SourceFile::new(&self.db, path.to_string(), text, kind);
                self.files.insert(path.to_string(), file);
                self.sync_groups();
            }
        }
    }

    /// Records the file's current text as its saved version.
    pub fn set_saved(&mut self, path: &str) {
        if let Some(text) = self.text(path) {
            let text = text.to_string();
            self.saved.insert(path.to_string(), text);
        }
    }

    /// The file's text as last saved.
    pub fn saved_text(&self, path: &str) -> Option<&str> {
        self.saved.get(path).map(String::as_str)
    }

    pub fn remove_file(&mut self, path: &str) {
        self.saved.remove(path);
        if self.files.remove(path).is_some() {
            self.sync_groups();
        }
    }

    pub fn text(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(|f| f.text(&self.db).as_str())
    }

    fn key_of(&self, path: &str, kind: SourceKind) -> ProjectKey<'_> {
        (
            dialect_of_path(path).unwrap_or(self.default_dialect),
            kind,
            self.migration_dir.get(path).map(String::as_str),
        )
    }

    fn key_name((dialect, kind, dir): ProjectKey) -> String {
        match dir {
            Some(dir) => format!("{}:{kind:?}:{dir}", dialect.name()),
            None => format!("{}:{kind:?}", dialect.name()),
        }
    }

    /// Marks `path` as a file of the migration directory `dir` (before [`Self::set_file`]): the
    /// directory's files are replayed in name order as a project of their own, so an opened
    /// migration does not join the schema of the workspace.
    pub fn set_migration_file(&mut self, path: &str, dir: &str) {
        if self.migration_dir.get(path).map(String::as_str) != Some(dir) {
            self.migration_dir.insert(path.to_string(), dir.to_string());
            if self.files.contains_key(path) {
                self.sync_groups();
            }
        }
    }

    /// Regroups the schema files into projects and the rules files into the rules set.
    fn sync_groups(&mut self) {
        let mut groups: BTreeMap<String, (Dialect, Vec<SourceFile>)> = BTreeMap::new();
        let mut rules = Vec::new();
        for (path, file) in &self.files {
            let kind = *file.kind(&self.db);
            if kind == SourceKind::Rules {
                rules.push(*file);
                continue;
            }
            let key = self.key_of(path, kind);
            groups
                .entry(Self::key_name(key))
                .or_insert_with(|| (key.0, Vec::new()))
                .1
                .push(*file);
        }
        // A project whose files all left it (removed, or moved to another group) is emptied.
        for (name, p) in &self.projects {
            if !groups.contains_key(name) && !p.files(&self.db).is_empty() {
                p.set_files(&mut self.db).to(Vec::new());
            }
        }
        for (name, (dialect, files)) in groups {
            match self.projects.get(&name) {
                Some(p) => {
                    let p = *p;
                    if p.files(&self.db) != &files {
                        p.set_files(&mut self.db).to(files);
                    }
                }
                None => {
                    let p = Project::new(&self.db, files, dialect);
                    self.projects.insert(name, p);
                }
            }
        }
        match self.rules {
            Some(set) => {
                if set.files(&self.db) != &rules {
                    set.set_files(&mut self.db).to(rules);
                }
            }
            None => self.rules = Some(RulesSet::new(&self.db, rules)),
        }
    }

    /// The project a schema file is compiled in.
    fn project_of(&self, path: &str) -> Option<(Project, SourceFile)> {
        let file = *self.files.get(path)?;
        let kind = *file.kind(&self.db);
        if kind == SourceKind::Rules {
            return None;
        }
        let project = *self
            .projects
            .get(&Self::key_name(self.key_of(path, kind)))?;
        Some((project, file))
    }

    fn compiled_schema(&self, path: &str) -> Option<&cairn_sema::Compiled> {
        let (project, _) = self.project_of(path)?;
        Some(cairn_sema::project_realm(&self.db, project))
    }

    fn compiled_rules(&self, path: &str) -> Option<&cairn_sema::rules::CompiledRules> {
        let file = *self.files.get(path)?;
        if *file.kind(&self.db) != SourceKind::Rules {
            return None;
        }
        Some(cairn_sema::rules::compile_rules(
            &self.db,
            self.rules?,
            file,
        ))
    }

    /// The diagnostics whose primary span is in `path`: the compiler's, then (for a schema
    /// that compiles) the lint rules' findings.
    pub fn diagnostics(&self, path: &str) -> Vec<FileDiagnostic> {
        let plain = |d: &Diagnostic| FileDiagnostic {
            diagnostic: d.clone(),
            docs: None,
        };
        if let Some(c) = self.compiled_rules(path) {
            return c
                .diagnostics
                .iter()
                .filter(|d| d.file == path)
                .map(plain)
                .collect();
        }
        let (Some((project, _)), Some(rules)) = (self.project_of(path), self.rules) else {
            return Vec::new();
        };
        let compiled = cairn_sema::project_realm(&self.db, project);
        let mut out: Vec<FileDiagnostic> = compiled
            .diagnostics
            .iter()
            .filter(|d| d.file == path)
            .map(plain)
            .collect();
        out.extend(
            lint::project_lint(&self.db, project, rules, self.lint_memo)
                .iter()
                .filter(|l| l.file == path)
                .map(lint::finding_diagnostic),
        );
        out
    }

    /// The compiled rules files of the workspace.
    fn own_rules(&self) -> Vec<&cairn_sema::rules::CompiledRules> {
        let Some(set) = self.rules else {
            return Vec::new();
        };
        set.files(&self.db)
            .iter()
            .map(|f| cairn_sema::rules::compile_rules(&self.db, set, *f))
            .collect()
    }

    /// Every open file, for republishing diagnostics after an edit elsewhere.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    pub fn hover(&self, path: &str, offset: usize) -> Option<Hover> {
        let text = self.text(path)?;
        let own = self.own_rules();
        let sets = || lint::stdlib().iter().chain(own.iter().copied());
        if let Some(h) = rule_docs::nolint_hover(text, offset, sets()) {
            return Some(h);
        }
        if let Some(c) = self.compiled_rules(path) {
            return rules::hover(text, offset, c);
        }
        let compiled = self.compiled_schema(path)?;
        let hover = hcl::hover(path, text, offset, compiled);
        // Over a lint finding: its rule's documentation, after what the place itself says.
        let findings: Vec<FileDiagnostic> = self
            .diagnostics(path)
            .into_iter()
            .filter(|d| {
                d.docs.is_some()
                    && d.diagnostic.span.start as usize <= offset
                    && offset <= d.diagnostic.span.end as usize
            })
            .collect();
        let mut pages: Vec<String> = Vec::new();
        for d in &findings {
            if let Some(rule) = rule_docs::find(sets(), &d.diagnostic.code) {
                let page = rule_docs::markdown(rule);
                if !pages.contains(&page) {
                    pages.push(page);
                }
            }
        }
        if pages.is_empty() {
            return hover;
        }
        let span = hover
            .as_ref()
            .map_or(findings[0].diagnostic.span, |h| h.span);
        let mut markdown = hover.map(|h| h.markdown).unwrap_or_default();
        for page in pages {
            if !markdown.is_empty() {
                markdown.push_str("\n\n---\n\n");
            }
            markdown.push_str(&page);
        }
        Some(Hover { markdown, span })
    }

    pub fn definition(&self, path: &str, offset: usize) -> Option<Location> {
        let text = self.text(path)?;
        if let Some(c) = self.compiled_rules(path) {
            return rules::definition(path, text, offset, c);
        }
        let compiled = self.compiled_schema(path)?;
        hcl::definition(path, text, offset, compiled)
    }

    pub fn completions(&self, path: &str, offset: usize) -> Vec<Completion> {
        let Some(text) = self.text(path) else {
            return Vec::new();
        };
        if let Some(c) = self.compiled_rules(path) {
            return rules::completions(text, offset, c);
        }
        if let Some(codes) = lint::nolint_completions(text, offset, self.own_rules().into_iter()) {
            return codes;
        }
        if path.ends_with(".hcl")
            && let Some((project, _)) = self.project_of(path)
        {
            let compiled = cairn_sema::project_realm(&self.db, project);
            let dialect = *project.dialect(&self.db);
            let out = hcl_complete::completions(text, offset, compiled, dialect);
            let (Some(head), Some(tail)) = (text.get(..offset), text.get(offset..)) else {
                return out;
            };
            if !head.ends_with('.') || !compiled.has_errors() {
                return out;
            }
            // A half-typed reference (`column.`) is a syntax error that drops its block from
            // the realm: complete against the text with a placeholder name after the dot.
            let files: Vec<(String, String)> = self
                .project_files(project)
                .iter()
                .map(|f| {
                    let t = if f.path == path {
                        format!("{head}cairn_placeholder{tail}")
                    } else {
                        f.text.to_string()
                    };
                    (f.path.to_string(), t)
                })
                .collect();
            let patched = cairn_sema::compile(&files, dialect);
            return hcl_complete::completions(text, offset, &patched, dialect);
        }
        Vec::new()
    }
}

impl AnalysisHost {
    /// The schema files of a project, with their texts.
    fn project_files(&self, project: Project) -> Vec<rename::SrcFile<'_>> {
        project
            .files(&self.db)
            .iter()
            .map(|f| rename::SrcFile {
                path: f.path(&self.db).as_str(),
                text: f.text(&self.db).as_str(),
            })
            .collect()
    }

    /// The table, column or index named at `offset` (its declaration or a reference), with the
    /// span of that name.
    fn renamable_at(&self, path: &str, offset: usize) -> Option<(ObjectPath, Span, Project)> {
        let (project, _) = self.project_of(path)?;
        let compiled = cairn_sema::project_realm(&self.db, project);
        let files = self.project_files(project);
        let dialect = *project.dialect(&self.db);
        let hit = |obj: &ObjectPath| {
            rename::occurrences(obj, &files, compiled, dialect)
                .into_iter()
                .find(|l| {
                    l.file == path
                        && l.span.start as usize <= offset
                        && offset <= l.span.end as usize
                })
                .map(|l| l.span)
        };
        let text = self.text(path)?;
        let direct = rename::declaration_at(path, text, offset, compiled, dialect).or_else(|| {
            hcl::reference_at(path, text, offset, compiled)
                .map(|(p, _)| p)
                .filter(|p| rename::renamable_name(p).is_some())
        });
        if let Some(obj) = direct
            && let Some(span) = hit(&obj)
        {
            return Some((obj, span, project));
        }
        // A SQL identifier: any table, column or index of that name that has an occurrence here.
        let b = text.as_bytes();
        let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
        let (mut start, mut end) = (offset.min(b.len()), offset.min(b.len()));
        while start > 0 && is_word(b[start - 1]) {
            start -= 1;
        }
        while end < b.len() && is_word(b[end]) {
            end += 1;
        }
        let word = text.get(start..end).filter(|w| !w.is_empty())?;
        let same = |n: &str| n == word || n.eq_ignore_ascii_case(word);
        let mut candidates = Vec::new();
        for schema in &compiled.realm.schemas {
            for t in &schema.tables {
                if same(&t.name) {
                    candidates.push(ObjectPath::Table(schema.name.clone(), t.name.clone()));
                }
                for c in t.columns.iter().filter(|c| same(&c.name)) {
                    candidates.push(ObjectPath::Column(
                        schema.name.clone(),
                        t.name.clone(),
                        c.name.clone(),
                    ));
                }
                for i in t.indexes.iter().filter(|i| same(&i.name)) {
                    candidates.push(ObjectPath::Index(
                        schema.name.clone(),
                        t.name.clone(),
                        i.name.clone(),
                    ));
                }
            }
        }
        candidates
            .into_iter()
            .find_map(|obj| Some((obj.clone(), hit(&obj)?, project)))
    }

    /// Sets what the plan preview compares with (`None`: no preview).
    pub fn set_baseline(&mut self, baseline: Option<Baseline>) {
        self.baseline = baseline;
    }

    /// The plan preview of a schema file: per table, what the next plan does to it against the
    /// baseline (empty without a baseline, or while the schema has errors).
    pub fn plan_preview(&self, path: &str) -> Vec<TableLens> {
        let (Some(baseline), Some((project, _))) = (&self.baseline, self.project_of(path)) else {
            return Vec::new();
        };
        let compiled = cairn_sema::project_realm(&self.db, project);
        if compiled.has_errors() {
            return Vec::new();
        }
        match baseline {
            Baseline::Migrations(files) => {
                let base = cairn_sema::compile(files, *project.dialect(&self.db));
                plan_preview::lenses(path, compiled, &base.realm)
            }
            Baseline::Database(realm) => plan_preview::lenses(path, compiled, realm),
            Baseline::Unavailable(why) => plan_preview::no_baseline(path, compiled, why),
        }
    }

    /// The outline of a schema file.
    pub fn symbols(&self, path: &str) -> Vec<Symbol> {
        match self.compiled_schema(path) {
            Some(c) => hcl_complete::symbols(path, c),
            None => Vec::new(),
        }
    }

    /// The file formatted as `cairn schema fmt` (HCL) or `cairn rules fmt` (`.cairn`) formats
    /// it; an error message with the place of the (first) error otherwise.
    pub fn format(&self, path: &str) -> Option<Result<String, (usize, String)>> {
        if path.ends_with(".cairn") {
            let text = self.text(path)?;
            return Some(
                cairn_syntax::rules::fmt::format(path, text).map_err(|errors| {
                    let first = &errors[0];
                    (first.span.start as usize, first.message.clone())
                }),
            );
        }
        if !path.ends_with(".hcl") {
            return None;
        }
        let text = self.text(path)?;
        Some(cairn_syntax::hcl::fmt::format(text).map_err(|e| (e.offset, e.message)))
    }

    /// The span of the name a rename at `offset` would change, and the name.
    pub fn prepare_rename(&self, path: &str, offset: usize) -> Option<(Span, String)> {
        let (obj, span, _) = self.renamable_at(path, offset)?;
        Some((span, rename::renamable_name(&obj)?.to_string()))
    }

    /// The edits that rename the object at `offset` to `new_name` in every file of its project,
    /// with the rename hint beside its declaration; an error message when it cannot be done.
    pub fn rename(
        &self,
        path: &str,
        offset: usize,
        new_name: &str,
    ) -> Result<Vec<FileEdits>, String> {
        let (obj, _, project) = self
            .renamable_at(path, offset)
            .ok_or("no table, column or index here")?;
        let compiled = cairn_sema::project_realm(&self.db, project);
        let files = self.project_files(project);
        rename::rename_edits(&obj, new_name, &files, compiled, *project.dialect(&self.db))
    }

    /// The declaration and every reference of the object at `offset`.
    pub fn references(&self, path: &str, offset: usize) -> Vec<Location> {
        let Some((obj, _, project)) = self.renamable_at(path, offset) else {
            return Vec::new();
        };
        let compiled = cairn_sema::project_realm(&self.db, project);
        let files = self.project_files(project);
        rename::occurrences(&obj, &files, compiled, *project.dialect(&self.db))
    }

    /// Code actions at `offset`: the rename hint when the object declared there was renamed by
    /// hand since the file was last saved.
    pub fn code_actions(&self, path: &str, offset: usize) -> Vec<Action> {
        let (Some((project, _)), Some(saved)) = (self.project_of(path), self.saved_text(path))
        else {
            return Vec::new();
        };
        let Some(text) = self.text(path) else {
            return Vec::new();
        };
        if saved == text {
            return Vec::new();
        }
        let compiled = cairn_sema::project_realm(&self.db, project);
        let dialect = *project.dialect(&self.db);
        let Some(obj) = rename::declaration_at(path, text, offset, compiled, dialect) else {
            return Vec::new();
        };
        let files: Vec<(String, String)> = self
            .project_files(project)
            .iter()
            .map(|f| {
                let t = if f.path == path { saved } else { f.text };
                (f.path.to_string(), t.to_string())
            })
            .collect();
        let before = cairn_sema::compile(&files, dialect);
        let file = rename::SrcFile { path, text };
        rename::hand_rename_hints(&obj, &file, compiled, &before, dialect)
    }
}

/// The dotted word (`table.users.column.id`) around `offset`, cut after the segment the offset
/// is in: the segments and the span of that last segment.
pub(crate) fn path_at(text: &str, offset: usize) -> Option<(Vec<&str>, Span)> {
    let bytes = text.as_bytes();
    let offset = offset.min(bytes.len());
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut start = offset;
    while start > 0 && (is_word(bytes[start - 1]) || bytes[start - 1] == b'.') {
        start -= 1;
    }
    let mut end = offset;
    while end < bytes.len() && is_word(bytes[end]) {
        end += 1;
    }
    if start == end {
        return None;
    }
    let word = &text[start..end];
    let mut segments = Vec::new();
    let mut pos = start;
    let mut span = Span::new(start, end);
    for seg in word.split('.') {
        let seg_end = pos + seg.len();
        segments.push(seg);
        if offset <= seg_end {
            span = Span::new(pos, seg_end);
            break;
        }
        pos = seg_end + 1;
    }
    if segments.iter().any(|s| s.is_empty()) {
        return None;
    }
    Some((segments, span))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_at_cuts_at_cursor_segment() {
        let t = "x = table.users.column.id";
        let (segs, span) = path_at(t, 12).unwrap();
        assert_eq!(segs, vec!["table", "users"]);
        assert_eq!(&t[span.start as usize..span.end as usize], "users");
        let (segs, _) = path_at(t, t.len()).unwrap();
        assert_eq!(segs, vec!["table", "users", "column", "id"]);
        assert!(path_at("", 0).is_none());
        assert!(path_at("a", 99).is_some());
    }

    #[test]
    fn formats_rules_files_and_refuses_broken_ones() {
        let mut a = AnalysisHost::new(Dialect::Postgres);
        a.set_file("r.cairn", "use std\nparam   n:int=3\n".into());
        assert_eq!(
            a.format("r.cairn"),
            Some(Ok("use std\n\nparam n: int = 3\n".to_string()))
        );
        a.set_file(
            "b.cairn",
            "rule X1 x: warning on schema {\n  for t in\n}\n".into(),
        );
        assert!(matches!(a.format("b.cairn"), Some(Err(_))));
    }

    #[test]
    fn policy_plan_and_project_files_are_not_schema() {
        assert!(AnalysisHost::is_supported("/w/policy.rule.hcl"));
        assert_eq!(
            SourceKind::of_path("/w/policy.rule.hcl"),
            Some(SourceKind::Rules)
        );
        assert_eq!(SourceKind::of_path("/w/s.pg.hcl"), Some(SourceKind::Hcl));
        for not in [
            "/w/x.plan.hcl",
            "/w/x.test.hcl",
            "/w/cairn.hcl",
            "/w/atlas.hcl",
            "a.txt",
        ] {
            assert!(!AnalysisHost::is_supported(not), "{not}");
        }
    }

    #[test]
    fn dialect_suffixes() {
        assert_eq!(dialect_of_path("a.pg.hcl"), Some(Dialect::Postgres));
        assert_eq!(dialect_of_path("a.lt.sql"), Some(Dialect::Sqlite));
        assert_eq!(dialect_of_path("schema.hcl"), None);
    }
}
