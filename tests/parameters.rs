//! Rules with parameters: typed parameters checked at each call, no
//! recursion, evaluation per argument inside aggregates and nested calls,
//! and explanations that show the call with its arguments and the facts the
//! rule reads through them.

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

const FIXTURE: &str = "tests/fixtures/language/parameters.policy";

fn facts() -> Value {
    json!({
        "staff": { "licence": { "held": true, "valid": true } },
        "supervisor": { "licence": { "held": true } },
        "visits": [{ "hours": 3 }, { "hours": 1 }, { "hours": 3 }],
        "teams": [
            { "visits": [{ "hours": 1 }] },
            { "visits": [{ "hours": 1 }, { "hours": 5 }] },
            { "visits": [] }
        ]
    })
}

fn evaluate(policy: &Policy, facts: &Value, explain: bool) -> (Value, String) {
    let facts = policy.facts_from_json(&facts.to_string()).unwrap();
    let prepared = policy.prepare(&[], Options { explain }).unwrap();
    let det = prepared
        .evaluate(&facts, policyc::Date::constant(2026, 3, 1), None)
        .unwrap();
    (prepared.json(&det).to_value(), prepared.human(&det, false))
}

#[test]
fn each_call_is_evaluated_for_its_arguments() {
    let policy = common::policy(Path::new(FIXTURE));
    for explain in [false, true] {
        let (json, _) = evaluate(&policy, &facts(), explain);
        let d = &json["decisions"];
        assert_eq!(d["both"]["value"], "unknown");
        assert_eq!(d["both"]["missing"], json!(["supervisor.licence.valid"]));
        assert_eq!(d["long_visits"]["value"], 2);
        // An aggregate inside the rule, called inside an aggregate.
        assert_eq!(d["teams_with_a_long_visit"]["value"], 1);
        // A call whose argument is a call.
        assert_eq!(d["sixteen"]["value"], 16);
    }
    let mut valid = facts();
    valid["supervisor"]["licence"]["valid"] = json!(false);
    let (json, _) = evaluate(&policy, &valid, false);
    assert_eq!(json["decisions"]["both"]["value"], false);
}

#[test]
fn the_explanation_shows_the_call_and_the_facts_read_through_it() {
    let policy = common::policy(Path::new(FIXTURE));
    let (json, human) = evaluate(&policy, &facts(), true);
    let supervisor = &json["decisions"]["both"]["trace"]["children"][1];
    let call = &supervisor["children"][0];
    assert_eq!(call["kind"], "rule");
    assert_eq!(call["name"], "licensed(supervisor.licence)");
    assert_eq!(call["label"], "Holds a valid licence");
    assert_eq!(call["citation"], "A(5)");
    let reads: Vec<&str> = call["reads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["fact"].as_str().unwrap())
        .collect();
    assert_eq!(
        reads,
        ["supervisor.licence.held", "supervisor.licence.valid"]
    );
    assert!(
        human
            .contains("[?] licensed(supervisor.licence): Holds a valid licence  [A(5)]  → unknown"),
        "{human}"
    );
}

fn errors(body: &str) -> String {
    let text = format!(
        "policy e\n  title \"t\"\n  jurisdiction \"j\"\n  source \"s\"\n  effective 2020-01-01\n\nrecord Licence {{ held: boolean }}\n\nfacts {{\n  licence: Licence\n  n: integer\n}}\n\n{body}"
    );
    Policy::from_text("e.policy", &text)
        .unwrap_err()
        .render(policyc::diagnostic::Style::Human { color: false })
}

#[test]
fn calls_are_checked_against_the_parameters() {
    let held = "rule held(l: Licence): boolean = l.held\n";
    let cases = [
        (
            "wrong_type",
            format!("{held}decision d: boolean = held(n)\n"),
        ),
        (
            "arity",
            format!("{held}decision d: boolean = held(licence, n)\n"),
        ),
        ("bare", format!("{held}decision d: boolean = held\n")),
        (
            "no_parameters",
            "rule plain: boolean = n > 1\ndecision d: boolean = plain(n)\n".to_owned(),
        ),
        (
            "recursion",
            "rule down(k: integer): integer = down(k - 1)\ndecision d: integer = down(n)\n"
                .to_owned(),
        ),
        (
            "same_name",
            "rule two(a: integer, a: integer): integer = a\ndecision d: integer = two(n, n)\n"
                .to_owned(),
        ),
        (
            "unknown_type",
            "rule odd(a: Lisence): boolean = true\ndecision d: boolean = odd(licence)\n".to_owned(),
        ),
    ];
    let mut all = String::new();
    for (name, body) in cases {
        all.push_str(&format!("--- {name}\n{}\n", errors(&body)));
    }
    insta::assert_snapshot!(all);
}

#[test]
fn the_new_mexico_licence_test_is_one_rule() {
    let text = std::fs::read_to_string("policies/nm_recovery_services.policy").unwrap();
    assert!(text.contains("rule drivers_license(license: NmDriversLicense)"));
    assert!(!text.contains("rule staff_member_drivers_license"));
    assert_eq!(
        text.matches("drivers_license(").count(),
        3,
        "one rule, two calls"
    );
}
