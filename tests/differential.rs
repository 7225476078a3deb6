#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail by panicking"
)]

//! Differential testing: random well-typed policies and facts, evaluated by
//! the production evaluator and by a simple reference written from the
//! language document; every decision's value and missing list must agree.
//!
//! `POLICYC_DIFF_CASES=N` runs N cases instead of the default.

#[path = "differential/generate.rs"]
mod generate;
#[path = "differential/reference.rs"]
mod reference;

use policyc::ast::{Duration, TimeUnit};
use policyc::source::SourceFile;
use policyc::{Options, Policy, check, explain, syntax};
use proptest::prelude::*;
use proptest::test_runner::Config;
use reference::Missing;
use serde_json::Value as Json;
use std::path::Path;

/// Cases run by a plain `cargo test`.
const DEFAULT_CASES: u32 = 200;

fn cases() -> u32 {
    std::env::var("POLICYC_DIFF_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

/// One evaluator's answer: per decision, (name, value, missing), or an error.
type Answer = Result<Vec<reference::Outcome>, String>;

/// Evaluates with production through the public API, as the other tests do.
/// `None` when the generated policy does not check (the case is skipped).
fn production(text: &str, facts_text: &str) -> Option<Answer> {
    let source = SourceFile::new("diff.policy", text);
    syntax::parse(&source).unwrap_or_else(|e| panic!("parse: {e:?}\n{text}"));
    // A generated policy that does not check is skipped.
    let policy = Policy::from_source(source, Path::new("diff.policy")).ok()?;
    let checked = policy.latest();
    let facts = policy
        .facts_from_json(facts_text)
        .unwrap_or_else(|e| panic!("facts: {e}\n{facts_text}"));
    let as_of = facts.as_of().expect("as_of");
    let prepared = policy.prepare(&[], Options::default()).expect("prepares");
    let result = prepared.evaluate(&facts, as_of, None);
    Some(match result {
        Err(e) => Err(format!("{e:?}")),
        Ok(det) => Ok(det
            .decisions
            .iter()
            .map(|d| {
                let mut missing: Vec<String> = d.missing.iter().map(|m| m.to_string()).collect();
                missing.sort();
                missing.dedup();
                (
                    d.name().to_owned(),
                    explain::value_json(&d.value, d.ty(), checked.schema()).to_value(),
                    missing,
                )
            })
            .collect()),
    })
}

/// Evaluates with the reference.
fn reference_answer(text: &str, facts_text: &str, as_of: i64) -> Answer {
    let source = SourceFile::new("diff.policy", text);
    let file = syntax::parse(&source).unwrap_or_else(|e| panic!("parse: {e:?}"));
    reference::evaluate(&file, facts_text, as_of)
}

/// Runs one seed's case; panics with both answers on a disagreement.
fn run_case(seed: u64) {
    let mut g = generate::Gen::new(seed);
    let text = g.policy();
    let (facts_text, as_of) = g.facts();
    // A generated policy that does not check (such as a table row that can
    // never be chosen) is skipped.
    let Some(prod) = production(&text, &facts_text) else {
        return;
    };
    let refr = reference_answer(&text, &facts_text, as_of);
    match (&prod, &refr) {
        // Both failing (an overflow, say) is agreement.
        (Err(_), Err(_)) => {}
        (Ok(p), Ok(r)) if p == r => {}
        _ => panic!(
            "disagreement (seed {seed})\n--- policy\n{text}\n--- facts\n{facts_text}\n\
             --- production\n{}\n--- reference\n{}",
            show(&prod),
            show(&refr)
        ),
    }
}

fn show(answer: &Answer) -> String {
    match answer {
        Err(e) => format!("error: {e}"),
        Ok(list) => list
            .iter()
            .map(|(n, v, m)| format!("{n} = {v}  missing {m:?}"))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

proptest! {
    #![proptest_config(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    })]

    /// Production and reference agree on random policies and facts.
    #[test]
    fn production_agrees_with_reference(seed in any::<u64>()) {
        run_case(seed);
    }
}

/// Too many generated policies failing to check would make the test vacuous.
#[test]
fn most_generated_policies_check() {
    let mut ok = 0;
    for seed in 0..100u64 {
        let mut g = generate::Gen::new(seed);
        let text = g.policy();
        let source = SourceFile::new("diff.policy", text.as_str());
        let file = syntax::parse(&source).unwrap_or_else(|e| panic!("parse: {e:?}\n{text}"));
        let outcome = check::check(&file);
        if outcome.errors.is_empty() {
            ok += 1;
        } else if std::env::var_os("POLICYC_DIFF_SHOW").is_some() {
            eprintln!("{text}\n{:?}", outcome.errors);
        }
    }
    assert!(ok >= 70, "only {ok} of 100 generated policies check");
}

/// Episodes by brute force: connected components of the windows
/// `[start, end + gap]`; the latest is the one holding the last-starting stay.
fn brute_episode(starts: &[i64], ends: &[i64], gap: i64) -> Vec<usize> {
    let n = starts.len();
    let mut component: Vec<usize> = (0..n).collect();
    let find = |c: &mut Vec<usize>, mut i: usize| {
        while c[i] != i {
            i = c[i];
        }
        i
    };
    for i in 0..n {
        for j in 0..n {
            if starts[i] <= ends[j] + gap && starts[j] <= ends[i] + gap {
                let (a, b) = (find(&mut component, i), find(&mut component, j));
                component[a] = b;
            }
        }
    }
    let Some(last) = (0..n).max_by_key(|&i| (starts[i], i)) else {
        return Vec::new();
    };
    let root = find(&mut component, last);
    let mut chosen: Vec<usize> = (0..n)
        .filter(|&i| find(&mut component, i) == root)
        .collect();
    chosen.sort_by_key(|&i| (starts[i], i));
    chosen
}

proptest! {
    #![proptest_config(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    })]

    /// The reference's episode rule agrees with connected components when
    /// every date is known and no stay ends before it starts.
    #[test]
    fn reference_episode_is_connected_components(
        stays in proptest::collection::vec((0i64..60, 0i64..20), 0..7),
        gap in 0i64..10,
    ) {
        let starts: Vec<i64> = stays.iter().map(|s| s.0).collect();
        let ends: Vec<i64> = stays.iter().map(|s| s.0 + s.1).collect();
        let known: Vec<Result<i64, Missing>> = ends.iter().map(|e| Ok(*e)).collect();
        let got = reference::latest_episode(
            &starts,
            &known,
            Duration { amount: gap, unit: TimeUnit::Day },
        );
        prop_assert_eq!(got, Ok(brute_episode(&starts, &ends, gap)));
    }

    /// An unknown end never changes a known episode into a different known
    /// one: whatever the reference answers with one end unknown is what it
    /// answers for every value of that end, or it is unknown.
    #[test]
    fn reference_episode_unknown_end_is_sound(
        stays in proptest::collection::vec((0i64..40, 0i64..15), 1..6),
        gap in 0i64..6,
        hole in 0usize..6,
    ) {
        let starts: Vec<i64> = stays.iter().map(|s| s.0).collect();
        let hole = hole % stays.len();
        let dur = Duration { amount: gap, unit: TimeUnit::Day };
        let open: Vec<Result<i64, Missing>> = stays
            .iter()
            .enumerate()
            .map(|(i, s)| if i == hole { Err(Missing::from(["x".to_owned()])) } else { Ok(s.0 + s.1) })
            .collect();
        if let Ok(answer) = reference::latest_episode(&starts, &open, dur) {
            for end in -5..80 {
                let mut ends: Vec<i64> = stays.iter().map(|s| s.0 + s.1).collect();
                ends[hole] = end;
                let known: Vec<Result<i64, Missing>> = ends.iter().map(|e| Ok(*e)).collect();
                prop_assert_eq!(
                    reference::latest_episode(&starts, &known, dur),
                    Ok(answer.clone())
                );
            }
        }
    }
}

/// The reference's own dates agree with the document's examples.
#[test]
fn reference_dates_follow_the_document() {
    use reference::{format_date, parse_date, shift};
    let d = |t: &str| parse_date(t).unwrap();
    let month = Duration {
        amount: 1,
        unit: TimeUnit::Month,
    };
    let year = Duration {
        amount: 1,
        unit: TimeUnit::Year,
    };
    assert_eq!(format_date(shift(d("2024-01-31"), month, 1)), "2024-02-29");
    assert_eq!(format_date(shift(d("2024-02-29"), year, 1)), "2025-02-28");
    assert_eq!(format_date(shift(d("2024-02-29"), year, -1)), "2023-02-28");
    assert_eq!(
        format_date(shift(shift(d("2024-01-31"), month, 1), month, -1)),
        "2024-01-29"
    );
    assert_eq!(d("2026-01-24") - d("2026-01-10"), 14);
    assert_eq!(parse_date("2023-02-29"), None);
}

/// Fixed cases for each rule being changed, so that a flag's state can be
/// confirmed at a glance: production and reference must agree on each.
fn fixed_case(decisions: &str, facts_text: &str) -> (Answer, Answer) {
    let text = format!("{}{decisions}\n", generate::PRELUDE);
    let as_of = reference::parse_date(
        serde_json::from_str::<Json>(facts_text).unwrap()["as_of"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let prod = production(&text, facts_text).expect("the fixed policy checks");
    (prod, reference_answer(&text, facts_text, as_of))
}

/// Facts for the fixed cases: two stays surely paid, two in doubt, one end
/// unknown, and integers whose running total overflows partway.
const FIXED_FACTS: &str = r#"{"as_of":"2026-03-01","n":9223372036854775807,"nums":[9223372036854775807,1,-5],"stays":[
    {"admitted":"2026-01-01","discharged":"2026-01-05","units":1,"paid":true},
    {"admitted":"2026-01-10","discharged":null,"units":-5,"paid":true},
    {"admitted":"2026-02-01","discharged":"2026-02-03","units":1,"paid":null},
    {"admitted":"2026-01-20","discharged":"2026-01-21","units":1,"paid":null}]}"#;

/// One decision per changed rule, with the flag that says whether
/// production follows it yet; a body may define rules before it, on lines of
/// their own ending with `;;`.
const FIXED_CASES: &[(bool, &str)] = &[
    (
        generate::RANGE_ARITHMETIC_FIXED,
        "count(stays where paid) + 1 >= 3",
    ),
    (
        generate::RANGE_ARITHMETIC_FIXED,
        "-count(stays where paid) <= -2",
    ),
    (
        generate::RANGE_ARITHMETIC_FIXED,
        "count(stays where paid) * 2 >= 4",
    ),
    (
        generate::RANGE_VS_RANGE_FIXED,
        "count(stays where paid) >= count(stays where not paid)",
    ),
    (generate::SUM_EXACT_FIXED, "sum(it of nums) > 0"),
    (generate::DURATION_COMPARE_FIXED, "1 week = 7 days"),
    (generate::DURATION_COMPARE_FIXED, "1 year = 12 months"),
    (
        generate::EPISODE_FIXED,
        "count(episode(stays from admitted to discharged within 15 days)) = 4",
    ),
    (
        generate::EPISODE_FIXED,
        "count(episode(stays from admitted to discharged within 5 days)) = 1",
    ),
    (generate::AGE_ANY_DATES, "age(2026-05-01) = -1"),
    (
        generate::RULES_EVALUATED_ONLY_WHEN_USED,
        "rule huge = n + n > 0;; if false then huge else true",
    ),
];

/// Production and reference agree on the changed rules whose flag is on;
/// `POLICYC_DIFF_SHOW` prints every case, on or off.
#[test]
fn changed_rules_fixed_cases() {
    for (fixed, body) in FIXED_CASES {
        let (rules, body) = body.rsplit_once(";;").unwrap_or(("", body));
        let d = format!("{rules}\ndecision x: boolean cite \"x\" = {body}");
        let (p, r) = fixed_case(&d, FIXED_FACTS);
        if std::env::var_os("POLICYC_DIFF_SHOW").is_some() {
            eprintln!(
                "{body}\n  production: {}\n  reference: {}",
                show(&p),
                show(&r)
            );
        }
        if *fixed {
            assert_eq!(p, r, "{body}");
        }
    }
}

/// Replays the case of one seed, as printed by a failure:
/// `POLICYC_DIFF_SEED=N cargo test --test differential replay`.
#[test]
fn replay() {
    if let Some(seed) = std::env::var("POLICYC_DIFF_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        run_case(seed);
    }
}
