//! `policyc test`: the shipped cases all pass, and a broken expectation
//! gives a readable diff with the criteria and citations behind it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail loudly on purpose"
)]

mod common;

use policyc::cases;
use std::path::Path;

fn run_file(path: &Path) -> (Vec<cases::CaseOutcome>, String) {
    let text = std::fs::read_to_string(path).unwrap();
    let file = cases::load_cases(path, &text).unwrap();
    let policy = common::policy(&file.policy);
    let checked = policy.latest();
    let outcomes: Vec<_> = file
        .cases
        .iter()
        .map(|c| cases::run_case(&policy, c))
        .collect();
    let report = cases::render_results(&path.display().to_string(), &outcomes, checked.schema());
    (outcomes, report)
}

#[test]
fn every_shipped_case_passes() {
    for entry in std::fs::read_dir("policies").unwrap() {
        let path = entry.unwrap().path();
        if !path.to_string_lossy().ends_with(".cases.yaml") {
            continue;
        }
        let (outcomes, report) = run_file(&path);
        assert!(outcomes.len() > 10, "{}: too few cases", path.display());
        assert!(outcomes.iter().all(cases::CaseOutcome::passed), "{report}");
    }
}

#[test]
fn a_broken_expectation_reads_as_a_diff() {
    let (outcomes, report) = run_file(Path::new("tests/fixtures/cases/broken.cases.yaml"));
    let passed: Vec<bool> = outcomes.iter().map(cases::CaseOutcome::passed).collect();
    assert_eq!(passed, [false, false, false, false]);
    insta::assert_snapshot!(report);
}

#[test]
fn the_command_exits_1_on_failure_and_counts() {
    let (code, stdout, _) = common::policyc(&["test", "tests/fixtures/cases/broken.cases.yaml"]);
    assert_eq!(code, 1);
    assert!(stdout.ends_with("0 passed, 4 failed\n"), "{stdout}");
}

#[test]
fn coverage_finds_every_criterion_exercised_and_deciding() {
    let path = Path::new("policies/mn_irts.cases.yaml");
    let file = cases::load_cases(path, &std::fs::read_to_string(path).unwrap()).unwrap();
    let policy = common::policy(&file.policy);
    let coverage = cases::coverage(&policy, &file.cases);
    assert!(coverage.criteria.len() > 50);
    let weak: Vec<&str> = coverage
        .criteria
        .iter()
        .filter(|c| !(c.seen_true && c.seen_false && c.deciding))
        .map(|c| c.label.as_str())
        .collect();
    assert_eq!(weak, Vec::<&str>::new());
    // Only one case: most criteria are never seen false.
    let one = cases::coverage(&policy, &file.cases[..1]);
    assert!(one.criteria.iter().any(|c| !c.seen_false));
}

#[test]
fn each_date_of_service_uses_the_version_in_force() {
    let (outcomes, report) = run_file(Path::new("tests/fixtures/versions/amended.cases.yaml"));
    assert_eq!(outcomes.len(), 3);
    assert!(outcomes.iter().all(cases::CaseOutcome::passed), "{report}");
}

#[test]
fn a_malformed_cases_file_is_located_and_counted_as_not_run() {
    let (code, stdout, stderr) =
        common::policyc(&["test", "tests/fixtures/cases/malformed.cases.yaml"]);
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        "0 passed, 0 failed; 1 cases file could not be run (see the errors above)\n"
    );
    insta::assert_snapshot!(stderr);
}

/// The error loading `text` as a cases file gives, and the line it points at.
fn load_error(text: &str) -> (String, usize) {
    let error = cases::load_cases(Path::new("t.cases.yaml"), text)
        .err()
        .unwrap_or_else(|| panic!("loads:\n{text}"));
    let cases::CasesError::Format { message, span, .. } = error else {
        panic!("{error:?}")
    };
    let line = span.map_or(0, |s| {
        text.get(..s.start).unwrap().matches('\n').count() + 1
    });
    (message, line)
}

#[test]
fn a_cases_file_is_as_strict_as_a_facts_file() {
    let head = "policy: p.policy\ncases:\n  - name: n\n    facts: {}\n";
    let (message, line) = load_error(&format!("{head}    expect: {{d: true, d: false}}\n"));
    assert!(message.contains("the key `d` is given twice"), "{message}");
    assert_eq!(line, 5);
    let (message, line) = load_error(&format!(
        "{head}    change: {{a: 1}}\n    change: {{a: 2}}\n    expect: {{d: true}}\n"
    ));
    assert!(
        message.contains("the key `change` is given twice"),
        "{message}"
    );
    assert_eq!(line, 6);
    let (message, line) = load_error(&format!("{head}    expect: {{}}\n"));
    assert!(
        message.contains("a case must expect at least one decision"),
        "{message}"
    );
    assert_eq!(line, 5);
    // `missing` before `expect` is checked at the end of the case.
    let (message, _) = load_error(&format!(
        "{head}    missing: {{e: [x]}}\n    expect: {{d: unknown}}\n"
    ));
    assert!(message.contains("does not name `e`"), "{message}");
    let (message, line) = load_error(
        "policy: p.policy\nbase: &b {d: true}\ncases:\n  - name: n\n    facts: {}\n    expect:\n      <<: *b\n",
    );
    assert!(
        message.contains("YAML merge keys (`<<`) are not supported"),
        "{message}"
    );
    assert_eq!(line, 7);
}

#[test]
fn a_cases_facts_file_with_a_key_twice_is_refused() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cases_facts_twice");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("f.json"), r#"{"a": 1, "a": 2}"#).unwrap();
    std::fs::write(dir.join("f.yaml"), "a: &x {b: 1}\nc:\n  <<: *x\n").unwrap();
    for (name, wanted) in [("f.json", "given twice"), ("f.yaml", "merge keys")] {
        let text = format!(
            "policy: p.policy\ncases:\n  - name: n\n    facts: {name}\n    expect: {{d: true}}\n"
        );
        let file = cases::load_cases(&dir.join("t.cases.yaml"), &text).unwrap();
        let error = file.cases[0].facts_json().unwrap_err();
        assert!(error.contains(wanted), "{error}");
    }
}
