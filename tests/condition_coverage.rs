//! `policyc test --coverage` sees every condition: each operand of `and`,
//! `or` and `not`, each `if` condition and each `unless` exception, and
//! whether some case shows it deciding (negating it alone changes a
//! decision), MC/DC style.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests fail loudly on purpose"
)]

mod common;

use policyc::Policy;
use policyc::cases::{coverage, load_cases};

const POLICY: &str = "policy c\n  title \"t\"\n  jurisdiction \"j\"\n  source \"s\"\n  effective 2020-01-01\n\nfacts {\n  a: boolean\n  b: boolean\n  n: integer\n}\n\ndecision both: boolean cite \"s\" = a and b\ndecision either: boolean cite \"s\" = a or b\ndecision level: integer cite \"s\" = if not a then 1 else n\ndecision listed: boolean cite \"s\" = all of { \"a\": a unless b }\n";

/// The conditions' text and whether they were shown deciding, for cases
/// with these facts.
fn measured(cases: &[&str]) -> Vec<(String, &'static str, bool)> {
    let dir = common::scratch("condition_coverage", &cases.len().to_string());
    std::fs::write(dir.join("c.policy"), POLICY).unwrap();
    let mut text = String::from("policy: c.policy\ncases:\n");
    for (i, facts) in cases.iter().enumerate() {
        text.push_str(&format!(
            "  - name: case {i}\n    as_of: 2026-03-01\n    facts: {facts}\n    expect: {{ both: true, either: true, level: 5, listed: true }}\n"
        ));
    }
    let path = dir.join("c.cases.yaml");
    let file = load_cases(&path, &text).unwrap();
    let policy = Policy::from_path(dir.join("c.policy")).unwrap();
    let measured = coverage(&policy, &file.cases);
    measured
        .conditions
        .iter()
        .map(|c| {
            (
                POLICY[c.span.start..c.span.end].to_owned(),
                c.kind,
                c.deciding,
            )
        })
        .collect()
}

#[test]
fn each_operand_is_a_condition_shown_deciding_or_not() {
    // Both true: each operand of `and` decides it; neither operand of `or`
    // does alone; `not a` decides `if`; the exception does not decide (the
    // test holds anyway).
    let found = measured(&[r#"{"a": true, "b": true, "n": 5}"#]);
    let expected = [
        ("a", "and", true),
        ("b", "and", true),
        ("a", "or", false),
        ("b", "or", false),
        ("not a", "if", true),
        ("a", "not", true),
        ("b", "unless", false),
    ];
    for (text, kind, deciding) in expected {
        assert!(
            found
                .iter()
                .any(|(t, k, d)| t == text && *k == kind && *d == deciding),
            "{text} ({kind}) deciding {deciding}: {found:?}"
        );
    }
    assert_eq!(found.len(), expected.len(), "{found:?}");
    // With a false and b true, `or`'s b decides, and so does the exception.
    let found = measured(&[r#"{"a": false, "b": true, "n": 5}"#]);
    assert!(
        found.iter().any(|(t, k, d)| t == "b" && *k == "or" && *d),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(t, k, d)| t == "b" && *k == "unless" && *d),
        "{found:?}"
    );
}
