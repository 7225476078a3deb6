//! The library facade as an embedding program uses it: the version is
//! chosen by date inside every evaluation, facts belong to their policy,
//! mistakes come back as data, and everything is shareable across threads.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail loudly on purpose"
)]

use policyc::{Date, Error, Options, Policy, Prepared};

const AMENDED: &str = "tests/fixtures/versions/amended.policy";

fn date(text: &str) -> Date {
    text.parse().unwrap()
}

/// `eligible` for a 19-year-old: false under the rule as adopted (21 and
/// over), true as amended (18 and over).
#[test]
fn the_version_in_force_on_the_date_is_the_one_evaluated() {
    let policy = Policy::from_path(AMENDED).unwrap();
    let prepared = policy.prepare(&["eligible"], Options::default()).unwrap();
    let facts = policy
        .facts_from_json(r#"{"member": {"age": 19}}"#)
        .unwrap();
    let adopted = prepared.evaluate(&facts, date("2021-01-01"), None).unwrap();
    assert_eq!(adopted.decisions[0].value.as_bool(), Some(false));
    assert_eq!(adopted.version.as_deref(), Some("as adopted"));
    assert_eq!(
        adopted.decisions[0].citation(),
        Some("Example rule (1), as adopted")
    );
    let amended = prepared.evaluate(&facts, date("2026-03-01"), None).unwrap();
    assert_eq!(amended.decisions[0].value.as_bool(), Some(true));
    assert_eq!(amended.version.as_deref(), Some("as amended"));
    // The date of service, not the as-of date, picks the version.
    let served_before = prepared
        .evaluate(&facts, date("2026-03-01"), Some(date("2021-08-09")))
        .unwrap();
    assert_eq!(served_before.decisions[0].value.as_bool(), Some(false));
    assert_eq!(served_before.in_force_on, date("2021-08-09"));
    assert_eq!(served_before.as_of, date("2026-03-01"));
    // Before the policy's effective date no version applies.
    let Err(Error::NotInForce {
        date: when,
        versions,
    }) = prepared.evaluate(&facts, date("2019-12-31"), None)
    else {
        panic!("expected NotInForce");
    };
    assert_eq!(when, date("2019-12-31"));
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[1].0.as_deref(), Some("as amended"));
}

#[test]
fn json_facts_carry_their_own_as_of_date_when_none_is_given() {
    let policy = Policy::from_path(AMENDED).unwrap();
    let prepared = policy.prepare(&[], Options::default()).unwrap();
    let old = r#"{"as_of": "2020-06-01", "member": {"age": 19}}"#;
    let result = prepared.evaluate_json(old, None, None).unwrap();
    assert_eq!(result.decisions[0].value.as_bool(), Some(false));
    let result = prepared
        .evaluate_json(old, Some(date("2026-03-01")), None)
        .unwrap();
    assert_eq!(result.decisions[0].value.as_bool(), Some(true));
    let undated = r#"{"member": {"age": 19}}"#;
    assert!(matches!(
        prepared.evaluate_json(undated, None, None),
        Err(Error::NoAsOf)
    ));
}

#[test]
fn facts_read_for_one_policy_are_refused_by_another() {
    let policy = Policy::from_path(AMENDED).unwrap();
    let twin = Policy::from_path(AMENDED).unwrap();
    let facts = twin.facts_from_json(r#"{"member": {"age": 30}}"#).unwrap();
    let prepared = policy.prepare(&[], Options::default()).unwrap();
    let refused = prepared.evaluate(&facts, date("2026-03-01"), None);
    assert!(matches!(refused, Err(Error::ForeignFacts)), "{refused:?}");
    // A clone shares the policy, so its facts are accepted.
    let facts = policy
        .clone()
        .facts_from_json(r#"{"member": {"age": 30}}"#)
        .unwrap();
    assert!(prepared.evaluate(&facts, date("2026-03-01"), None).is_ok());
}

#[test]
fn mistakes_come_back_as_located_data() {
    let text = "policy p title \"t\" jurisdiction \"j\" source \"s\" effective 2020-01-01\n\
                facts { a: boolean }\n\
                decision d: boolean cite \"1\" = a and b\n";
    let errors = Policy::from_text("p.policy", text).unwrap_err();
    assert!(errors.has_errors());
    let first = errors.iter().next().unwrap();
    let at = first.location().expect("a place");
    assert_eq!((at.file.as_str(), at.line), ("p.policy", 3));
    assert!(first.message().contains('b'), "{}", first.message());
    assert!(first.code().is_some_and(|c| c.starts_with("policyc::")));

    let policy = Policy::from_path(AMENDED).unwrap();
    let Err(Error::UnknownDecision { name, decisions }) =
        policy.prepare(&["eligable"], Options::default())
    else {
        panic!("expected UnknownDecision");
    };
    assert_eq!(
        (name.as_str(), decisions),
        ("eligable", vec!["eligible".to_owned()])
    );
    // A fact of the wrong type is named by its path; bad JSON by its place.
    let wrong = policy
        .facts_from_json(r#"{"member": {"age": "nineteen"}}"#)
        .unwrap_err();
    let message = wrong.iter().next().unwrap().message();
    assert!(
        message.starts_with("member.age: expected an integer"),
        "{message}"
    );
    let broken = policy
        .facts_from_json("{\"member\":\n  {\"age\": 19,}}")
        .unwrap_err();
    let at = broken
        .iter()
        .next()
        .and_then(|d| d.location())
        .expect("a place");
    assert_eq!((at.line, at.column), (2, 14), "{at:?}");
}

#[test]
fn a_decision_only_some_versions_have_is_an_error_under_the_others() {
    let text = r#"policy p title "t" jurisdiction "j" source "s" effective 2020-01-01
facts { a: boolean }
version "one" effective 2020-01-01 until 2020-12-31 {
  decision d: boolean cite "1" = a
}
version "two" effective 2021-01-01 {
  decision d: boolean cite "1" = a
  decision e: boolean cite "2" = not a
}
"#;
    let policy = Policy::from_text("p.policy", text).unwrap();
    let prepared = policy.prepare(&["e"], Options::default()).unwrap();
    let facts = policy.facts_from_json(r#"{"a": true}"#).unwrap();
    assert_eq!(
        prepared
            .evaluate(&facts, date("2021-06-01"), None)
            .unwrap()
            .decisions[0]
            .value
            .as_bool(),
        Some(false)
    );
    let under_one = prepared.evaluate(&facts, date("2020-06-01"), None);
    let Err(Error::NotInVersion { name, version }) = under_one else {
        panic!("expected NotInVersion: {under_one:?}");
    };
    assert_eq!((name.as_str(), version.as_str()), ("e", "one"));
}

#[test]
fn one_prepared_set_serves_many_threads() {
    fn shareable<T: Send + Sync + Clone>() {}
    shareable::<Policy>();
    shareable::<Prepared>();
    let policy = Policy::from_path("policies/mn_irts.policy").unwrap();
    let prepared = policy.prepare(&["admission"], Options::default()).unwrap();
    let text = std::fs::read_to_string("examples/irts/admission/admitted.json").unwrap();
    let expected = prepared.evaluate_json(&text, None, None).unwrap();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let prepared = prepared.clone();
                let text = &text;
                scope.spawn(move || {
                    (0..50)
                        .map(|_| prepared.evaluate_json(text, None, None).unwrap())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for handle in handles {
            for result in handle.join().unwrap() {
                assert_eq!(result.decisions, expected.decisions);
            }
        }
    });
}
