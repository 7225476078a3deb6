//! Property tests of "never crash": random and mutated policy texts go through
//! parse, check and format; random and mutated facts files go through load and
//! evaluation with explanations. Nothing may panic, and every failure must
//! come with at least one diagnostic.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail by panicking"
)]

use policyc::check;
use policyc::source::SourceFile;
use policyc::{Options, Policy, Prepared, facts, pretty, syntax};
use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::{Map, Value as Json};
use std::path::Path;
use std::sync::OnceLock;

const CASES: u32 = 256;

fn config() -> Config {
    Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    }
}

fn read(path: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The shipped policies' texts.
fn policies() -> &'static [String] {
    static TEXTS: OnceLock<Vec<String>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        [
            "policies/mn_irts.policy",
            "policies/mt_imr.policy",
            "policies/nm_recovery_services.policy",
        ]
        .iter()
        .map(|p| read(p))
        .collect()
    })
}

/// Characters that matter to the grammar, plus some that do not belong.
const ALPHABET: &[char] = &[
    '{', '}', '(', ')', '[', ']', '"', ',', ':', '=', '.', '#', '\\', '\n', '\r', '\t', ' ', '<',
    '>', '!', '+', '-', '*', '/', '%', 'a', 'e', 'z', '_', '0', '1', '9', 'é', '→', '\u{feff}',
    '\u{0}',
];

fn syntax_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::sample::select(ALPHABET),
        1 => any::<char>(),
    ]
}

/// Words of the language to insert whole.
const WORDS: &[&str] = &[
    "policy",
    "enum",
    "record",
    "facts",
    "rule",
    "decision",
    "cite",
    "and",
    "or",
    "not",
    "all of",
    "any of",
    "none of",
    "at least 2 of",
    "where",
    "in the past year",
    "within",
    "before",
    "after",
    "as_of",
    "list of",
    "if",
    "then",
    "else",
    "count(",
    "age(",
    "2026-02-30",
    "1e400",
    "99999999999999999999",
    "import \"x.policy\"",
];

/// One edit of a text.
#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, char),
    InsertWord(usize, &'static str),
    Delete(usize),
    Replace(usize, char),
    DeleteRange(usize, usize),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (any::<usize>(), syntax_char()).prop_map(|(at, c)| Edit::Insert(at, c)),
        2 => (any::<usize>(), prop::sample::select(WORDS)).prop_map(|(at, w)| Edit::InsertWord(at, w)),
        3 => any::<usize>().prop_map(Edit::Delete),
        3 => (any::<usize>(), syntax_char()).prop_map(|(at, c)| Edit::Replace(at, c)),
        1 => (any::<usize>(), 1usize..40).prop_map(|(at, n)| Edit::DeleteRange(at, n)),
        1 => any::<usize>().prop_map(Edit::Truncate),
    ]
}

/// Applies an edit at a character position (taken modulo the length).
fn apply(text: &str, edit: &Edit) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let at = |i: usize, extra: usize| i % (chars.len() + extra);
    match edit {
        Edit::Insert(i, c) => {
            let i = at(*i, 1);
            chars.insert(i, *c);
        }
        Edit::InsertWord(i, w) => {
            let i = at(*i, 1);
            chars.splice(i..i, w.chars());
        }
        Edit::Delete(i) | Edit::Replace(i, _) | Edit::DeleteRange(i, _) if chars.is_empty() => {
            let _ = i;
        }
        Edit::Delete(i) => {
            let i = at(*i, 0);
            chars.remove(i);
        }
        Edit::Replace(i, c) => {
            let i = at(*i, 0);
            chars[i] = *c;
        }
        Edit::DeleteRange(i, n) => {
            let i = at(*i, 0);
            let end = (i + n).min(chars.len());
            chars.drain(i..end);
        }
        Edit::Truncate(i) => {
            let i = at(*i, 1);
            chars.truncate(i);
        }
    }
    chars.into_iter().collect()
}

/// Parses, checks and (when it checks) formats a policy text, asserting that
/// every failure carries a diagnostic.
fn policy_pipeline(text: &str) -> Result<(), TestCaseError> {
    let source = SourceFile::new("mutated.policy", text);
    let file = match syntax::parse(&source) {
        Ok(file) => file,
        Err(errors) => {
            prop_assert!(!errors.is_empty(), "a parse failure without errors");
            // Rendering the diagnostics must not panic either.
            let style = policyc::diagnostic::Style::Human { color: false };
            let _ = policyc::diagnostic::render_all(&errors, Some(&source), style);
            return Ok(());
        }
    };
    let outcome = check::check(&file);
    let style = policyc::diagnostic::Style::Human { color: false };
    let _ = policyc::diagnostic::render_all(&outcome.errors, Some(&source), style);
    let _ = policyc::diagnostic::render_all(&outcome.warnings, Some(&source), style);
    if outcome.policy.is_none() {
        prop_assert!(!outcome.errors.is_empty(), "a check failure without errors");
        return Ok(());
    }
    match pretty::format(&source) {
        Ok(_) => {}
        Err(pretty::FormatError::Syntax(errors)) => {
            prop_assert!(!errors.is_empty(), "a format failure without errors");
        }
        Err(other) => prop_assert!(false, "the formatter failed on a checked policy: {other}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_policy_text_never_panics(chars in prop::collection::vec(syntax_char(), 0..400)) {
        let text: String = chars.into_iter().collect();
        policy_pipeline(&text)?;
    }

    #[test]
    fn random_policy_after_header_never_panics(
        chars in prop::collection::vec(syntax_char(), 0..300),
        words in prop::collection::vec(prop::sample::select(WORDS), 0..20),
    ) {
        let mut text = String::from(
            "policy p title \"T\" jurisdiction \"J\" source \"S\" effective 2020-01-01\n",
        );
        for (i, c) in chars.into_iter().enumerate() {
            if i % 15 == 0 && let Some(word) = words.get(i / 15) {
                text.push(' ');
                text.push_str(word);
                text.push(' ');
            }
            text.push(c);
        }
        policy_pipeline(&text)?;
    }

    #[test]
    fn mutated_policies_never_panic(
        which in 0usize..3,
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let mut text = policies()[which].clone();
        for e in &edits {
            text = apply(&text, e);
        }
        policy_pipeline(&text)?;
    }
}

// ----- facts

/// The IRTS policy, checked once, with every decision prepared with
/// explanations.
fn irts() -> &'static (Policy, Prepared) {
    static CHECKED: OnceLock<(Policy, Prepared)> = OnceLock::new();
    CHECKED.get_or_init(|| {
        let policy = Policy::from_path("policies/mn_irts.policy").expect("checks");
        let prepared = policy
            .prepare(&[], Options { explain: true })
            .expect("prepares");
        (policy, prepared)
    })
}

fn admitted() -> &'static Json {
    static FACTS: OnceLock<Json> = OnceLock::new();
    FACTS.get_or_init(|| {
        serde_json::from_str(&read("examples/irts/admission/admitted.json")).expect("json")
    })
}

/// Text values a facts file plausibly holds, right and wrong.
const TEXTS: &[&str] = &[
    "2026-03-01",
    "2023-02-29",
    "2026-13-01",
    "2026-3-1",
    "03/01/2026",
    "0000-01-01",
    "9999-12-31",
    "-2026-01-01",
    "",
    "day",
    "evening",
    "night",
    "yes",
    "true",
    "5",
    "é→\u{feff}",
    "as_of",
];

fn json_leaf() -> impl Strategy<Value = Json> {
    prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        any::<i64>().prop_map(|n| Json::Number(n.into())),
        prop::sample::select(&[0i64, 1, 2, 3, 4, 5, 6, 9, 10, 90, 91, 365, 366, -1][..])
            .prop_map(|n| Json::Number(n.into())),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number)),
        prop::sample::select(TEXTS).prop_map(|s| Json::String(s.to_owned())),
        prop::collection::vec(any::<char>(), 0..12)
            .prop_map(|c| Json::String(c.into_iter().collect())),
    ]
}

fn random_json() -> impl Strategy<Value = Json> {
    json_leaf().prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Array),
            prop::collection::vec(
                (
                    prop::sample::select(
                        &[
                            "recipient",
                            "as_of",
                            "locus",
                            "level",
                            "completed",
                            "admitted",
                            "discharged",
                            "homeless",
                            "x"
                        ][..]
                    ),
                    inner
                ),
                0..6
            )
            .prop_map(|pairs| {
                let mut map = Map::new();
                for (k, v) in pairs {
                    map.insert(k.to_owned(), v);
                }
                Json::Object(map)
            }),
        ]
    })
}

/// One change somewhere in a JSON document.
#[derive(Debug, Clone)]
enum Change {
    Remove,
    Replace(Json),
    WrapInList,
    Stringify,
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        2 => Just(Change::Remove),
        4 => random_json().prop_map(Change::Replace),
        1 => Just(Change::WrapInList),
        1 => Just(Change::Stringify),
    ]
}

/// Walks `route` (indices taken modulo each container's size) and applies the
/// change to the element reached, or to the whole value when `route` is empty.
fn mutate(value: &mut Json, route: &[usize], change: &Change) {
    let (index, rest) = match route.split_first() {
        Some((index, rest))
            if matches!(value, Json::Object(m) if !m.is_empty())
                || matches!(value, Json::Array(a) if !a.is_empty()) =>
        {
            (*index, rest)
        }
        _ => {
            match change {
                Change::Remove => *value = Json::Null,
                Change::Replace(new) => *value = new.clone(),
                Change::WrapInList => *value = Json::Array(vec![value.clone()]),
                Change::Stringify => *value = Json::String(value.to_string()),
            }
            return;
        }
    };
    // Stop early sometimes so that changes hit every level.
    let stop_here = rest.is_empty() || index % 5 == 0;
    match value {
        Json::Object(map) => {
            let i = index % map.len();
            let key = map.keys().nth(i).cloned().unwrap_or_default();
            if stop_here && matches!(change, Change::Remove) {
                map.remove(&key);
            } else if let Some(child) = map.get_mut(&key) {
                mutate(child, if stop_here { &[] } else { rest }, change);
            }
        }
        Json::Array(items) => {
            let i = index % items.len();
            if stop_here && matches!(change, Change::Remove) {
                items.remove(i);
            } else {
                mutate(&mut items[i], if stop_here { &[] } else { rest }, change);
            }
        }
        _ => {}
    }
}

/// Loads facts text against the IRTS schema and, when it loads, evaluates
/// every decision with explanations and renders the result.
fn facts_pipeline(text: &str, format: facts::Format) -> Result<(), TestCaseError> {
    let (policy, prepared) = irts();
    let name = match format {
        facts::Format::Json => "facts.json",
        facts::Format::Yaml => "facts.yaml",
    };
    let source = SourceFile::new(name, text);
    let facts = match policy.facts(&source, format) {
        Ok(facts) => facts,
        Err(errors) => {
            prop_assert!(!errors.is_empty(), "a load failure without errors");
            let _ = errors.render(policyc::diagnostic::Style::Human { color: false });
            return Ok(());
        }
    };
    let as_of = facts
        .as_of()
        .unwrap_or(syntax::parse_date("2026-03-01").expect("date"));
    if let Ok(determination) = prepared.evaluate(&facts, as_of, None) {
        let _ = prepared.human(&determination, false);
        let _ = prepared.json(&determination).to_value();
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mutated_facts_never_panic(
        changes in prop::collection::vec(
            (prop::collection::vec(any::<usize>(), 0..6), change()),
            1..5,
        ),
        yaml in prop::bool::weighted(0.2),
    ) {
        let mut document = admitted().clone();
        for (route, change) in &changes {
            mutate(&mut document, route, change);
        }
        let (text, format) = if yaml {
            (serde_yaml_ng::to_string(&document).expect("yaml"), facts::Format::Yaml)
        } else {
            (serde_json::to_string_pretty(&document).expect("json"), facts::Format::Json)
        };
        facts_pipeline(&text, format)?;
    }

    #[test]
    fn random_facts_never_panic(document in random_json()) {
        facts_pipeline(&document.to_string(), facts::Format::Json)?;
    }

    #[test]
    fn mutated_facts_text_never_panics(edits in prop::collection::vec(edit(), 1..4)) {
        let mut text = read("examples/irts/admission/admitted.json");
        for e in &edits {
            text = apply(&text, e);
        }
        facts_pipeline(&text, facts::Format::Json)?;
    }
}

/// The admitted member as a QuestionnaireResponse.
fn admitted_response() -> &'static Json {
    static RESPONSE: OnceLock<Json> = OnceLock::new();
    RESPONSE.get_or_init(|| {
        let (policy, _) = irts();
        let facts = serde_json::to_value(admitted()).expect("json");
        let response = policyc::fhir::response_from_facts(
            policy,
            policy.latest(),
            &[],
            &facts,
            policyc::fhir::DEFAULT_BASE,
        );
        serde_json::from_str(&response.to_string()).expect("json")
    })
}

fn irts_mapping() -> &'static policyc::fhir::Mapping {
    static MAPPING: OnceLock<policyc::fhir::Mapping> = OnceLock::new();
    MAPPING.get_or_init(|| {
        let (policy, _) = irts();
        let source = SourceFile::new("mn_irts.fhir.yaml", read("policies/mn_irts.fhir.yaml"));
        policyc::fhir::Mapping::from_source(policy, source).expect("the mapping checks")
    })
}

/// Reads a QuestionnaireResponse as facts and evaluates them; any result
/// or located error is fine, a panic is not.
fn response_pipeline(text: &str) {
    let (policy, prepared) = irts();
    let source = SourceFile::new("qr.json", text);
    let facts = match policyc::fhir::facts_from_response(policy, &source) {
        Ok(facts) => facts,
        Err(errors) => {
            let _ = errors.render(policyc::diagnostic::Style::Human { color: false });
            return;
        }
    };
    let as_of = facts
        .as_of()
        .unwrap_or(syntax::parse_date("2026-03-01").expect("date"));
    if let Ok(determination) = prepared.evaluate(&facts, as_of, None) {
        let json = prepared.json(&determination);
        let _ = policyc::fhir::claim_response(
            &json,
            &policyc::fhir::ClaimOptions {
                patient: None,
                created: "2026-03-01T00:00:00Z".to_owned(),
                pre_auth_ref: "x".to_owned(),
            },
        );
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mutated_questionnaire_responses_never_panic(
        changes in prop::collection::vec(
            (prop::collection::vec(any::<usize>(), 0..8), change()),
            1..5,
        ),
    ) {
        let mut document = admitted_response().clone();
        for (route, change) in &changes {
            mutate(&mut document, route, change);
        }
        response_pipeline(&document.to_string());
    }

    #[test]
    fn mutated_bundles_never_panic(
        changes in prop::collection::vec(
            (prop::collection::vec(any::<usize>(), 0..8), change()),
            1..5,
        ),
    ) {
        let mut bundle: Json = serde_json::from_str(&read("examples/fhir/irts_bundle.json")).expect("json");
        for (route, change) in &changes {
            mutate(&mut bundle, route, change);
        }
        let (policy, prepared) = irts();
        let source = SourceFile::new("bundle.json", bundle.to_string());
        if let Ok(facts) = irts_mapping().facts(&source) {
            let facts = SourceFile::new("mapped", facts.to_string());
            if let Ok(facts) = policy.facts(&facts, facts::Format::Json) {
                let _ = prepared.evaluate(&facts, syntax::parse_date("2026-03-01").expect("date"), None);
            }
        }
    }
}
