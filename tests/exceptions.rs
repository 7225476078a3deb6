//! `unless` exceptions: a criterion holds when its test holds or its
//! exception applies (Kleene `or`), the explanation shows the exception as
//! an exception with its own words and citation, and the formatter, describe
//! and the Questionnaire know it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail loudly on purpose"
)]

mod common;

use policyc::{Options, Policy};
use serde_json::{Value, json};
use std::path::Path;

const FIXTURE: &str = "tests/fixtures/language/exceptions.policy";

fn evaluate(policy: &Policy, facts: &Value) -> Value {
    let facts = policy.facts_from_json(&facts.to_string()).unwrap();
    let prepared = policy
        .prepare(&["allowed"], Options { explain: true })
        .unwrap();
    let det = prepared
        .evaluate(&facts, policyc::Date::constant(2026, 3, 1), None)
        .unwrap();
    prepared.json(&det).to_value()
}

/// The fact value for a truth: true, false, or left out.
fn fact(truth: &str) -> Option<bool> {
    match truth {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

#[test]
fn the_criterion_holds_when_its_test_holds_or_its_exception_applies() {
    let policy = common::policy(Path::new(FIXTURE));
    let truths = ["true", "false", "unknown"];
    for test in truths {
        for exception in truths {
            let mut facts = serde_json::Map::new();
            // The second criterion, `a unless b`, with the first made true.
            facts.insert("during_day_treatment".into(), json!(false));
            if let Some(a) = fact(test) {
                facts.insert("a".into(), json!(a));
            }
            if let Some(b) = fact(exception) {
                facts.insert("b".into(), json!(b));
            }
            let json = evaluate(&policy, &Value::Object(facts));
            let expected = match (test, exception) {
                ("true", _) | (_, "true") => json!(true),
                ("false", "false") => json!(false),
                _ => json!("unknown"),
            };
            let criterion = &json["decisions"]["allowed"]["trace"]["children"][1];
            assert_eq!(criterion["value"], expected, "{test} unless {exception}");
            let shown = &criterion["children"][0];
            assert_eq!(shown["kind"], "exception");
            assert_eq!(shown["label"], "b");
            let applies = match exception {
                "true" => json!(true),
                "false" => json!(false),
                _ => json!("unknown"),
            };
            assert_eq!(shown["value"], applies);
        }
    }
}

#[test]
fn the_explanation_says_whether_the_exception_applies_never_a_tick() {
    let policy = common::policy(Path::new(FIXTURE));
    let cases = [
        (
            json!({"during_day_treatment": true, "prtf_waiver": true, "prior_authorized": true, "a": true}),
            "exception applies",
        ),
        (
            json!({"during_day_treatment": true, "prtf_waiver": false, "a": true}),
            "exception does not apply",
        ),
        (
            json!({"during_day_treatment": false, "a": true}),
            "not known whether the exception applies",
        ),
    ];
    for (facts, said) in cases {
        let facts = policy.facts_from_json(&facts.to_string()).unwrap();
        let prepared = policy
            .prepare(&["allowed"], Options { explain: true })
            .unwrap();
        let det = prepared
            .evaluate(&facts, policyc::Date::constant(2026, 3, 1), None)
            .unwrap();
        let human = prepared.human(&det, false);
        let line = human
            .lines()
            .find(|l| l.contains("PRTF waiver with prior authorization"))
            .unwrap();
        assert_eq!(
            line.trim(),
            format!("unless PRTF waiver with prior authorization  [Section 1(b)]  → {said}"),
            "{human}"
        );
        assert!(!line.contains('✓') && !line.contains('✗'), "{line}");
    }
}

#[test]
fn an_exception_inherits_the_criterion_citation_and_its_facts_are_read() {
    let policy = common::policy(Path::new(FIXTURE));
    let json = evaluate(&policy, &json!({"during_day_treatment": false, "a": false}));
    let second = &json["decisions"]["allowed"]["trace"]["children"][1];
    assert_eq!(second["children"][0]["citation"], "Section 1");
    assert_eq!(second["value"], "unknown");
    assert_eq!(json["decisions"]["allowed"]["missing"], json!(["b"]));
    let described = policyc::describe::describe_json(policy.latest()).to_value();
    let read: Vec<&str> = described["decisions"]["allowed"]["facts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(
        read.contains(&"prtf_waiver") && read.contains(&"b"),
        "{read:?}"
    );
    let q =
        policyc::fhir::questionnaire(&policy, policy.latest(), &[], policyc::fhir::DEFAULT_BASE)
            .to_value()
            .to_string();
    assert!(
        q.contains("\"linkId\":\"prior_authorized\"") && q.contains("Section 1(b)"),
        "{q}"
    );
}

#[test]
fn an_exception_whose_test_fails_is_settled_like_or() {
    let text = "policy e\n  title \"t\"\n  jurisdiction \"j\"\n  source \"s\"\n  effective 2020-01-01\n\nfacts {\n  ok: boolean\n  x: integer\n  z: integer\n}\n\ndecision d: boolean = all of { ok unless x / z > 1 }\n";
    let policy = Policy::from_text("e.policy", text).unwrap();
    let run = |facts: &str| {
        let facts = policy.facts_from_json(facts).unwrap();
        let prepared = policy.prepare(&["d"], Options::default()).unwrap();
        prepared
            .evaluate(&facts, policyc::Date::constant(2026, 3, 1), None)
            .map(|det| prepared.json(&det).to_value()["decisions"]["d"]["value"].clone())
    };
    // The test holds, so the failing exception does not matter.
    assert_eq!(run(r#"{"ok": true, "x": 1, "z": 0}"#).unwrap(), json!(true));
    // It does not: the division by zero stops the evaluation.
    assert!(run(r#"{"ok": false, "x": 1, "z": 0}"#).is_err());
}

#[test]
fn unless_outside_a_criteria_list_gets_a_hint() {
    let text = "policy e\n  title \"t\"\n  jurisdiction \"j\"\n  source \"s\"\n  effective 2020-01-01\n\nfacts { a: boolean }\n\ndecision d: boolean = a unless a\n";
    let errors = Policy::from_text("e.policy", text)
        .unwrap_err()
        .render(policyc::diagnostic::Style::Human { color: false });
    insta::assert_snapshot!(errors);
}
