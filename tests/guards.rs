//! Guards without errors: an operand's evaluation error is discarded when
//! the other operands already decide `and`, `or` or a criteria list, in
//! either order; otherwise it stops the evaluation. The whole truth table,
//! with an operand that divides by zero.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail loudly on purpose"
)]

use policyc::{Options, Policy};

/// The operands: known true, known false, unknown (a missing fact), and one
/// whose evaluation divides by zero.
const OPERANDS: [(&str, &str); 4] = [
    ("true", "t"),
    ("false", "f"),
    ("unknown", "u"),
    ("error", "x / z > 0"),
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Outcome {
    True,
    False,
    Unknown,
    Error,
}

fn expected(op: &str, a: Outcome, b: Outcome) -> Outcome {
    use Outcome::*;
    let (decisive, other) = if op == "and" {
        (False, True)
    } else {
        (True, False)
    };
    if a == decisive || b == decisive {
        return decisive;
    }
    if a == Error || b == Error {
        return Error;
    }
    if a == Unknown || b == Unknown {
        return Unknown;
    }
    other
}

fn outcome_of(name: &str) -> Outcome {
    match name {
        "true" => Outcome::True,
        "false" => Outcome::False,
        "unknown" => Outcome::Unknown,
        _ => Outcome::Error,
    }
}

fn policy(decisions: &str) -> Policy {
    let text = format!(
        "policy g\n  title \"t\"\n  jurisdiction \"j\"\n  source \"s\"\n  effective 2020-01-01\n\nfacts {{\n  t: boolean\n  f: boolean\n  u: boolean\n  x: integer\n  z: integer\n}}\n\n{decisions}"
    );
    Policy::from_text("g.policy", &text).unwrap_or_else(|e| panic!("{e}"))
}

/// Evaluates one decision on t = true, f = false, u missing, x = 1, z = 0.
fn run(policy: &Policy, decision: &str, explain: bool) -> Outcome {
    let facts = policy
        .facts_from_json(r#"{"t": true, "f": false, "x": 1, "z": 0}"#)
        .unwrap();
    let prepared = policy.prepare(&[decision], Options { explain }).unwrap();
    let date = policyc::Date::constant(2026, 3, 1);
    match prepared.evaluate(&facts, date, None) {
        Err(_) => Outcome::Error,
        Ok(det) => match prepared.json(&det).to_value()["decisions"][decision]["value"].clone() {
            serde_json::Value::Bool(true) => Outcome::True,
            serde_json::Value::Bool(false) => Outcome::False,
            _ => Outcome::Unknown,
        },
    }
}

#[test]
fn and_and_or_discard_an_error_only_when_the_other_operand_decides() {
    let mut decisions = String::new();
    let mut cases = Vec::new();
    for op in ["and", "or"] {
        for (a, ea) in OPERANDS {
            for (b, eb) in OPERANDS {
                let name = format!("{op}_{a}_{b}");
                decisions.push_str(&format!("decision {name}: boolean = ({ea}) {op} ({eb})\n"));
                cases.push((name, expected(op, outcome_of(a), outcome_of(b))));
            }
        }
    }
    let policy = policy(&decisions);
    for (name, want) in cases {
        for explain in [false, true] {
            assert_eq!(
                run(&policy, &name, explain),
                want,
                "{name} (explain {explain})"
            );
        }
    }
}

#[test]
fn criteria_lists_discard_an_error_the_others_make_irrelevant() {
    let list = |quantifier: &str, items: &[&str]| {
        let body: Vec<String> = items
            .iter()
            .enumerate()
            .map(|(i, test)| format!("    \"item {i}\" cite \"s {i}\": {test},\n"))
            .collect();
        format!("{quantifier} {{\n{}  }}", body.concat())
    };
    let error = "x / z > 0";
    let cases: [(&str, &str, &[&str], Outcome); 10] = [
        ("all_false", "all of", &[error, "f"], Outcome::False),
        ("all_false_first", "all of", &["f", error], Outcome::False),
        ("all_true", "all of", &[error, "t"], Outcome::Error),
        ("all_unknown", "all of", &[error, "u"], Outcome::Error),
        ("any_true", "any of", &[error, "t"], Outcome::True),
        ("any_false", "any of", &["f", error], Outcome::Error),
        ("none_true", "none of", &[error, "t"], Outcome::False),
        (
            "two_met",
            "at least 2 of",
            &["t", error, "t"],
            Outcome::True,
        ),
        (
            "two_impossible",
            "at least 2 of",
            &["f", error, "f"],
            Outcome::False,
        ),
        (
            "two_open",
            "at least 2 of",
            &["t", error, "f"],
            Outcome::Error,
        ),
    ];
    let decisions: String = cases
        .iter()
        .map(|(name, q, items, _)| format!("decision {name}: boolean = {}\n", list(q, items)))
        .collect();
    let policy = policy(&decisions);
    for (name, _, _, want) in cases {
        for explain in [false, true] {
            assert_eq!(
                run(&policy, name, explain),
                want,
                "{name} (explain {explain})"
            );
        }
    }
}

#[test]
fn a_discarded_error_is_shown_in_the_explanation() {
    let policy = policy(
        "decision d: boolean \"d\" cite \"s\" = all of {\n    \"rate under 1\" cite \"s 1\": x / z < 1,\n    \"has some\" cite \"s 2\": z > 0,\n  }\n",
    );
    let facts = policy.facts_from_json(r#"{"x": 1, "z": 0}"#).unwrap();
    let prepared = policy.prepare(&["d"], Options { explain: true }).unwrap();
    let det = prepared
        .evaluate(&facts, policyc::Date::constant(2026, 3, 1), None)
        .unwrap();
    let json = prepared.json(&det).to_value();
    let first = &json["decisions"]["d"]["trace"]["children"][0];
    assert_eq!(first["label"], "rate under 1");
    assert_eq!(first["error"], "division by zero");
    assert_eq!(first["value"], "unknown");
    let human = prepared.human(&det, false);
    assert!(
        human.contains(
            "[–] rate under 1  [s 1]  → not computed (division by zero); the other criteria decide"
        ),
        "{human}"
    );
}
