//! `import`: shared definitions join the importing policy, and mistakes in
//! any file of a policy are reported in that file.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail loudly on purpose"
)]

use policyc::diagnostic::{Style, render_all};
use policyc::source::SourceFile;
use policyc::{check, imports, syntax};
use std::path::Path;

/// Loads a fixture through its imports; renders every diagnostic.
fn load(name: &str) -> Result<(check::CheckOutcome, SourceFile), String> {
    let path = Path::new("tests/fixtures/imports").join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let source = SourceFile::new(path.display().to_string(), text);
    let style = Style::Human { color: false };
    match imports::load(source, &path) {
        Ok(loaded) => Ok((check::check(&loaded.file), loaded.source)),
        Err(failure) => {
            let source = Some(&failure.source);
            Err(render_all(&failure.syntax, source, style)
                + &render_all(&failure.imports, source, style))
        }
    }
}

#[test]
fn imported_rules_are_used_and_explained() {
    let (outcome, _) = load("service.policy").unwrap();
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let policy = outcome.policy.unwrap();
    let checked = policy.latest().unwrap();
    // The shared file's rule is a rule here, not a decision.
    let decisions: Vec<&str> = checked.decisions().map(|(_, d)| d.name.as_str()).collect();
    assert_eq!(decisions, ["covered"]);
    // And through the facade, which reads the imports itself.
    let policy = policyc::Policy::from_path("tests/fixtures/imports/service.policy").unwrap();
    let facts = policy
        .facts_from_json(
            r#"{"service": {"supervised": true}, "supervisor": {"license": "other", "years_supervising": 5}}"#,
        )
        .unwrap();
    let as_of = syntax::parse_date("2026-03-01").unwrap();
    let prepared = policy.prepare(&[], policyc::Options::default()).unwrap();
    let result = prepared.evaluate(&facts, as_of, None).unwrap();
    assert_eq!(
        result.decisions[0].value,
        policyc::value::Value::Bool(false)
    );
}

#[test]
fn import_errors_point_at_the_import_line() {
    insta::assert_snapshot!("cycle", load("cycle_a.policy").unwrap_err());
    insta::assert_snapshot!("missing", load("missing.policy").unwrap_err());
}

#[test]
fn check_errors_point_into_the_right_file() {
    let (outcome, source) = load("duplicate_of_imported.policy").unwrap();
    let rendered = render_all(
        &outcome.errors,
        Some(&source),
        Style::Human { color: false },
    );
    insta::assert_snapshot!("duplicate_across_files", rendered);
    let (outcome, source) = load("type_error_in_use.policy").unwrap();
    assert_eq!(outcome.errors.len(), 1);
    let rendered = render_all(
        &outcome.errors,
        Some(&source),
        Style::Human { color: false },
    );
    assert!(
        rendered.contains("type_error_in_use.policy:10"),
        "{rendered}"
    );
}

#[test]
fn a_file_imported_twice_is_read_once() {
    let dir = std::env::temp_dir().join(format!("policyc-diamond-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let shared = std::fs::read_to_string("tests/fixtures/imports/shared.policy").unwrap();
    std::fs::write(dir.join("shared.policy"), shared).unwrap();
    let header = "title \"t\" jurisdiction \"j\" source \"s\" effective 2020-01-01\n";
    std::fs::write(
        dir.join("left.policy"),
        format!("policy left {header}import \"shared.policy\"\n"),
    )
    .unwrap();
    let root = format!(
        "policy root {header}import \"left.policy\"\nimport \"shared.policy\"\n\
         decision d: boolean cite \"c\" = supervisor_qualified\n"
    );
    let path = dir.join("root.policy");
    let loaded = imports::load(SourceFile::new("root.policy", root), &path).unwrap();
    let outcome = check::check(&loaded.file);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
}
