//! The language's semantics, one small policy per case: dates, counts with
//! unknown elements, arithmetic, enums, conditionals, and errors at run time.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail loudly on purpose"
)]

use policyc::{Determination, Error, Options, Policy, Prepared, syntax};

const HEADER: &str = "policy t title \"t\" jurisdiction \"j\" source \"s\" effective 2020-01-01\n";

/// Parses, checks and evaluates `body` for `facts_json` as of 2026-03-01.
fn evaluate(body: &str, facts_json: &str) -> (Prepared, Result<Determination, Error>) {
    let policy =
        Policy::from_text("t.policy", &format!("{HEADER}{body}")).unwrap_or_else(|e| panic!("{e}"));
    let facts = policy
        .facts_from_json(facts_json)
        .unwrap_or_else(|e| panic!("{e}"));
    let as_of = syntax::parse_date("2026-03-01").unwrap();
    let prepared = policy.prepare(&[], Options::default()).unwrap();
    let result = prepared.evaluate(&facts, as_of, None);
    (prepared, result)
}

/// The JSON value and missing list of decision `d` of `body` for `facts_json`.
fn run(body: &str, facts_json: &str) -> (serde_json::Value, Vec<String>) {
    let (prepared, result) = evaluate(body, facts_json);
    let result = result.unwrap();
    let json = prepared.json(&result).to_value();
    let decision = &json["decisions"]["d"];
    let missing = decision["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap().to_owned())
        .collect();
    (decision["value"].clone(), missing)
}

fn value(body: &str, facts_json: &str) -> serde_json::Value {
    run(body, facts_json).0
}

const STAYS: &str = "record Stay { admitted: date, discharged: date }\nfacts { stays: list of Stay, birth: date, n: integer, r: decimal }\n";

#[test]
fn age_counts_whole_years_on_the_as_of_date() {
    let body = format!("{STAYS}decision d: integer cite \"c\" = age(birth)");
    assert_eq!(value(&body, r#"{"birth": "2008-03-01"}"#), 18);
    assert_eq!(value(&body, r#"{"birth": "2008-03-02"}"#), 17);
    let on = format!("{STAYS}decision d: integer cite \"c\" = age(birth, 2030-01-01)");
    assert_eq!(value(&on, r#"{"birth": "2008-03-01"}"#), 21);
}

#[test]
fn days_between_and_within_windows() {
    let days = format!("{STAYS}decision d: integer cite \"c\" = days_between(birth, as_of)");
    assert_eq!(value(&days, r#"{"birth": "2026-02-14"}"#), 15);
    let within =
        format!("{STAYS}decision d: boolean cite \"c\" = birth within 15 days before as_of");
    assert_eq!(value(&within, r#"{"birth": "2026-02-14"}"#), true);
    assert_eq!(value(&within, r#"{"birth": "2026-02-13"}"#), false);
    assert_eq!(value(&within, r#"{"birth": "2026-03-02"}"#), false);
    let after = format!("{STAYS}decision d: boolean cite \"c\" = as_of within 15 days after birth");
    assert_eq!(value(&after, r#"{"birth": "2026-02-14"}"#), true);
    assert_eq!(value(&after, r#"{"birth": "2026-02-13"}"#), false);
}

#[test]
fn count_with_unknown_elements_decides_when_the_range_allows() {
    let body = format!(
        "{STAYS}decision d: boolean cite \"c\" = count(stays where admitted in the past year) >= 2"
    );
    // Two known in the year, one unknown: at least 2 whatever the third is.
    let decided = r#"{"stays": [{"admitted": "2025-06-01"}, {"admitted": "2025-07-01"}, {"admitted": null}]}"#;
    assert_eq!(run(&body, decided), (serde_json::json!(true), vec![]));
    // One known, one unknown: could be 1 or 2.
    let open = r#"{"stays": [{"admitted": "2025-06-01"}, {}]}"#;
    assert_eq!(
        run(&body, open),
        (
            serde_json::json!("unknown"),
            vec!["stays[1].admitted".to_owned()]
        )
    );
    // No known, one unknown: at most 1, so false.
    let low = r#"{"stays": [{"admitted": "2020-06-01"}, {}]}"#;
    assert_eq!(run(&body, low), (serde_json::json!(false), vec![]));
    // The list itself missing.
    assert_eq!(
        run(&body, "{}"),
        (serde_json::json!("unknown"), vec!["stays".to_owned()])
    );
}

#[test]
fn arithmetic_and_ratios() {
    let ratio = format!("{STAYS}decision d: boolean cite \"c\" = n / 9 <= r");
    assert_eq!(value(&ratio, r#"{"n": 18, "r": 2}"#), true);
    assert_eq!(value(&ratio, r#"{"n": 19, "r": 2}"#), false);
    let shifted = format!("{STAYS}decision d: boolean cite \"c\" = birth + 90 days = 2026-05-30");
    assert_eq!(value(&shifted, r#"{"birth": "2026-03-01"}"#), true);
    let clamp = format!("{STAYS}decision d: boolean cite \"c\" = birth + 1 year = 2025-02-28");
    assert_eq!(value(&clamp, r#"{"birth": "2024-02-29"}"#), true);
}

#[test]
fn sums_minimums_and_maximums() {
    let sum = format!(
        "{STAYS}decision d: integer cite \"c\" = sum(days_between(admitted, discharged) of stays)"
    );
    let stays = r#"{"stays": [{"admitted": "2026-01-01", "discharged": "2026-01-11"}, {"admitted": "2026-02-01", "discharged": "2026-02-04"}]}"#;
    assert_eq!(value(&sum, stays), 13);
    let latest = format!("{STAYS}decision d: date cite \"c\" = max(discharged of stays)");
    assert_eq!(value(&latest, stays), "2026-02-04");
    let partial = r#"{"stays": [{"admitted": "2026-01-01", "discharged": "2026-01-11"}, {"admitted": "2026-02-01"}]}"#;
    assert_eq!(
        run(&sum, partial),
        (
            serde_json::json!("unknown"),
            vec!["stays[1].discharged".to_owned()]
        )
    );
    assert_eq!(
        run(&latest, r#"{"stays": []}"#),
        (serde_json::json!("unknown"), vec!["stays".to_owned()])
    );
}

#[test]
fn enums_membership_and_conditionals() {
    let body = "enum Level { low, medium, high }\nfacts { level: Level, n: integer }\n\
                decision d: Level cite \"c\" = if n >= 10 then high else if n >= 5 then medium else low";
    assert_eq!(value(body, r#"{"n": 7}"#), "medium");
    assert_eq!(
        run(body, "{}"),
        (serde_json::json!("unknown"), vec!["n".to_owned()])
    );
    let member = "enum Level { low, medium, high }\nfacts { level: Level }\n\
                  decision d: boolean cite \"c\" = level in [medium, Level.high]";
    assert_eq!(value(member, r#"{"level": "high"}"#), true);
    assert_eq!(value(member, r#"{"level": "low"}"#), false);
}

#[test]
fn record_decisions_carry_unknown_fields() {
    let body = "facts { a: integer, b: integer }\n\
                decision d: { total: integer, doubled: integer } cite \"c\" = { total: a + b, doubled: a * 2 }";
    assert_eq!(
        value(body, r#"{"a": 2, "b": 3}"#),
        serde_json::json!({"total": 5, "doubled": 4})
    );
    assert_eq!(
        run(body, r#"{"a": 2}"#),
        (
            serde_json::json!({"total": "unknown", "doubled": 4}),
            vec!["b".to_owned()]
        )
    );
}

#[test]
fn division_by_zero_is_a_located_error() {
    let body = "facts { n: integer }\ndecision d: decimal cite \"c\" = 9 / n";
    let (_, result) = evaluate(body, r#"{"n": 0}"#);
    let error = result.unwrap_err();
    let rendered = error
        .diagnostics()
        .render(policyc::diagnostic::Style::Human { color: false });
    insta::assert_snapshot!(rendered);
}

#[test]
fn episodes_chain_readmissions_within_the_gap() {
    let body = format!(
        "{STAYS}decision d: integer cite \"c\" = \
         count(episode(stays from admitted to discharged within 15 days))"
    );
    // Readmitted 15 days after discharge: one episode of two stays.
    let joined = r#"{"stays": [{"admitted": "2026-01-01", "discharged": "2026-01-10"}, {"admitted": "2026-01-25", "discharged": "2026-02-01"}]}"#;
    assert_eq!(value(&body, joined), 2);
    // Sixteen days after: the latest episode is the second stay alone.
    let apart = r#"{"stays": [{"admitted": "2026-01-01", "discharged": "2026-01-10"}, {"admitted": "2026-01-26", "discharged": "2026-02-01"}]}"#;
    assert_eq!(value(&body, apart), 1);
    // Order of the list does not matter; a chain of three joins.
    let three = r#"{"stays": [{"admitted": "2026-02-10"}, {"admitted": "2026-01-01", "discharged": "2026-01-10"}, {"admitted": "2026-01-20", "discharged": "2026-02-01"}]}"#;
    assert_eq!(value(&body, three), 3);
    // An unknown end that decides the chaining leaves it open.
    let open = r#"{"stays": [{"admitted": "2026-01-01"}, {"admitted": "2026-01-20", "discharged": "2026-02-01"}]}"#;
    assert_eq!(
        run(&body, open),
        (
            serde_json::json!("unknown"),
            vec!["stays[0].discharged".to_owned()]
        )
    );
}
