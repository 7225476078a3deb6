//! Snapshot tests of the rendered diagnostics for bad input.
//!
//! Each fixture under `tests/fixtures/check/` holds one kind of mistake in a
//! policy; each under `tests/fixtures/facts/` one kind of mistake in a facts
//! file for `tests/fixtures/facts/policy.policy`. A snapshot holds the file's
//! text, then a `----- DIAGNOSTICS` line, then what policyc prints about it
//! (errors first, then warnings), so a reviewer sees the mistake and the
//! message side by side.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use policyc::check::{self, Checked};
use policyc::diagnostic::{Style, render_all};
use policyc::facts;
use policyc::source::SourceFile;
use policyc::syntax;
use std::path::Path;

const STYLE: Style = Style::Human { color: false };

/// The fixture that has a warning but no error.
const WARNING_ONLY: &str = "uncited_decision.policy";

/// Reads a fixture as a source named by its path from the crate root, so the
/// name in the snapshots does not depend on where the crate is checked out.
fn read_fixture(path: &Path) -> SourceFile {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let name = path
        .strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/");
    SourceFile::new(name, text)
}

fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// The snapshot text: the source, a separator, then the diagnostics.
fn snapshot_text(source: &SourceFile, diagnostics: &str) -> String {
    format!("{}----- DIAGNOSTICS\n{diagnostics}", source.text)
}

/// What checking one policy reported.
struct PolicyReport {
    rendered: String,
    /// The 1-based line of each error.
    error_lines: Vec<usize>,
    warnings: usize,
}

/// Parses and checks a policy, rendering errors then warnings.
fn report_policy(source: &SourceFile) -> PolicyReport {
    match syntax::parse(source) {
        Err(errors) => PolicyReport {
            rendered: render_all(&errors, Some(source), STYLE),
            error_lines: errors.iter().map(|e| first_label_line(source, e)).collect(),
            warnings: 0,
        },
        Ok(ast) => {
            let outcome = check::check(&ast);
            let mut rendered = render_all(&outcome.errors, Some(source), STYLE);
            rendered.push_str(&render_all(&outcome.warnings, Some(source), STYLE));
            PolicyReport {
                rendered,
                error_lines: outcome
                    .errors
                    .iter()
                    .map(|e| first_label_line(source, e))
                    .collect(),
                warnings: outcome.warnings.len(),
            }
        }
    }
}

/// The line of a diagnostic's first label (0 when it has none).
fn first_label_line(source: &SourceFile, diagnostic: &dyn miette::Diagnostic) -> usize {
    diagnostic
        .labels()
        .and_then(|mut labels| labels.next())
        .map_or(0, |label| source.line_of(label.offset()))
}

#[test]
fn check_fixtures() {
    insta::glob!("fixtures/check/*.policy", |path| {
        let source = read_fixture(path);
        assert!(
            source.text.starts_with("# why: "),
            "{} must open with a `# why: …` comment",
            source.name
        );
        let report = report_policy(&source);
        let name = file_name(path);
        if name == WARNING_ONLY {
            assert!(
                report.error_lines.is_empty(),
                "{name} should have no error: {}",
                report.rendered
            );
            assert!(report.warnings > 0, "{name} should have a warning");
        } else {
            assert!(
                !report.error_lines.is_empty(),
                "{name} should have at least one error"
            );
        }
        if name == "three_mistakes.policy" {
            let mut lines = report.error_lines.clone();
            assert_eq!(lines.len(), 3, "three errors: {}", report.rendered);
            lines.sort_unstable();
            lines.dedup();
            assert_eq!(lines.len(), 3, "on three different lines: {lines:?}");
            assert!(!lines.contains(&0), "every error has a place: {lines:?}");
        }
        insta::assert_snapshot!(snapshot_text(&source, &report.rendered));
    });
}

/// The fixture policy the facts files are loaded against.
fn facts_policy() -> Checked {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/facts/policy.policy");
    let source = read_fixture(&path);
    let ast = syntax::parse(&source)
        .unwrap_or_else(|e| panic!("{}", render_all(&e, Some(&source), STYLE)));
    let outcome = check::check(&ast);
    assert!(
        outcome.warnings.is_empty(),
        "{}",
        render_all(&outcome.warnings, Some(&source), STYLE)
    );
    let policy = outcome
        .policy
        .unwrap_or_else(|| panic!("{}", render_all(&outcome.errors, Some(&source), STYLE)));
    policy.latest().expect("one version").clone()
}

#[test]
fn facts_fixtures() {
    let checked = facts_policy();
    insta::glob!("fixtures/facts/*.{json,yaml,yml}", |path| {
        let source = read_fixture(path);
        let format = facts::Format::from_name(&source.name);
        let rendered = match facts::load(&source, format, checked.schema()) {
            Err(errors) => render_all(&errors, Some(&source), STYLE),
            Ok(loaded) => render_all(&loaded.warnings, Some(&source), STYLE),
        };
        if file_name(path) != "valid.json" {
            assert!(!rendered.is_empty(), "{} should be reported", source.name);
        }
        insta::assert_snapshot!(snapshot_text(&source, &rendered));
    });
}
