//! Every criterion matters, checked mechanically.
//!
//! Each file in `tests/criteria/` names a policy, a decision and base cases;
//! each flip changes one input of a base case (JSON pointer → new value, or
//! removes it) and must change the decision's value, unless it states the
//! value it expects. Across all flips of a
//! policy, every criterion and rule in the base cases' explanations must
//! change value under at least one flip that changed its decision: a
//! criterion no flip can move is a bug in the policy or in the tables.
//! A flip may also state the exact value and missing facts it expects (used for the "missing makes it unknown" and "a known
//! failure still makes it false" cases).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail loudly on purpose"
)]

use policyc::check::Checked;
use policyc::eval::{Trace, TraceKind};
use policyc::{Determination, Options, Policy, explain};
use serde::Deserialize;
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

mod common;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    policy: String,
    decision: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    facts: String,
    /// Changes to the facts file that make this case's base, if any.
    #[serde(default)]
    set: BTreeMap<String, Json>,
    /// The base value, stated so the table reads on its own.
    expect: Json,
    flips: Vec<Flip>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Flip {
    why: String,
    #[serde(default)]
    set: BTreeMap<String, Json>,
    #[serde(default)]
    unset: Vec<String>,
    /// The exact value expected after the flip, if stated.
    #[serde(default)]
    expect: Option<Json>,
    /// The exact missing facts expected after the flip, if stated.
    #[serde(default)]
    missing: Option<Vec<String>>,
}

impl Flip {
    /// A flip that only sets values, for deriving a base case.
    fn setting(set: &BTreeMap<String, Json>) -> Flip {
        Flip {
            why: "base".to_owned(),
            set: set.clone(),
            unset: Vec::new(),
            expect: None,
            missing: None,
        }
    }
}

/// One evaluation's decision value, missing list and criterion values keyed
/// by their path of labels in the explanation.
struct Outcome {
    value: Json,
    missing: Json,
    criteria: BTreeMap<String, Json>,
    /// The value as the JSON output writes it, keys in declared order.
    shown: String,
}

fn outcome(policy: &Checked, determination: &Determination) -> Outcome {
    let ordered = explain::to_json(policy, determination);
    let shown = ordered
        .get("decisions")
        .and_then(|d| d.as_object())
        .and_then(|d| d.iter().next())
        .and_then(|(_, d)| d.get("value"))
        .map(ToString::to_string)
        .unwrap_or_default();
    let json = ordered.to_value();
    let decision = json["decisions"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap();
    let mut criteria = BTreeMap::new();
    if let Some(trace) = determination
        .decisions
        .first()
        .and_then(|d| d.trace.as_ref())
    {
        collect(trace, decision_name(determination), policy, &mut criteria);
    }
    Outcome {
        value: decision["value"].clone(),
        missing: decision["missing"].clone(),
        criteria,
        shown,
    }
}

/// Keys each criterion by the rule or decision that owns it and its path of
/// labels inside it, so a rule used by several decisions is one set of
/// criteria wherever it is reached.
fn collect(trace: &Trace, prefix: String, policy: &Checked, out: &mut BTreeMap<String, Json>) {
    for child in &trace.children {
        let path = match &child.kind {
            TraceKind::Rule(name) | TraceKind::Decision(name) => name.clone(),
            TraceKind::Criterion => format!("{prefix} / {}", child.label),
            TraceKind::Exception => format!("{prefix} / unless {}", child.label),
            other => panic!("a trace node this test does not know: {other:?}"),
        };
        let value = explain::value_json(&child.value, &child.ty, policy.schema()).to_value();
        out.insert(path.clone(), value);
        collect(child, path, policy, out);
    }
}

fn decision_name(determination: &Determination) -> String {
    determination
        .decisions
        .first()
        .map(|d| d.name().to_owned())
        .unwrap_or_default()
}

fn evaluate(policy: &Policy, decision: &str, facts_json: &Json) -> Outcome {
    let facts = policy
        .facts_from_json(&facts_json.to_string())
        .unwrap_or_else(|e| panic!("{e}"));
    let as_of = facts.as_of().expect("base facts carry as_of");
    let prepared = policy
        .prepare(&[decision], Options { explain: true })
        .expect("decision exists");
    let determination = prepared.evaluate(&facts, as_of, None).unwrap();
    outcome(prepared.checked(&determination), &determination)
}

fn apply(base: &Json, flip: &Flip) -> Json {
    let mut facts = base.clone();
    for (pointer, value) in &flip.set {
        // Replace a value, or add a key the base facts leave out.
        if let Some(slot) = facts.pointer_mut(pointer) {
            *slot = value.clone();
            continue;
        }
        let (parent, key) = pointer.rsplit_once('/').expect("pointer");
        facts
            .pointer_mut(parent)
            .and_then(Json::as_object_mut)
            .unwrap_or_else(|| panic!("{}: no object at {parent} in the base facts", flip.why))
            .insert(key.to_owned(), value.clone());
    }
    for pointer in &flip.unset {
        let (parent, key) = pointer.rsplit_once('/').expect("pointer");
        let removed = facts
            .pointer_mut(parent)
            .and_then(Json::as_object_mut)
            .and_then(|o| o.remove(key));
        assert!(
            removed.is_some(),
            "{}: no {pointer} in the base facts",
            flip.why
        );
    }
    facts
}

/// A criterion's key with list indexes dropped (`team[2]` → `team[]`): a
/// criterion inside an aggregate matters once some element shows it does.
fn without_indexes(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut in_index = false;
    for c in key.chars() {
        match c {
            '[' => in_index = true,
            ']' => in_index = false,
            _ if in_index && c.is_ascii_digit() => continue,
            _ => {}
        }
        out.push(c);
    }
    out
}

/// The criteria seen in base cases and moved by flips, per policy.
#[derive(Default)]
struct Coverage {
    seen: BTreeSet<String>,
    moved: BTreeSet<String>,
}

#[test]
fn every_criterion_matters() {
    let mut coverage: BTreeMap<String, Coverage> = BTreeMap::new();
    insta::glob!("criteria", "*.json", |path| run_table(path, &mut coverage));
    for (policy, c) in &coverage {
        let unmoved: Vec<&String> = c.seen.difference(&c.moved).collect();
        assert!(
            unmoved.is_empty(),
            "{policy}: no flip changes these criteria: {unmoved:#?}"
        );
    }
}

fn run_table(path: &Path, coverage: &mut BTreeMap<String, Coverage>) {
    let table: Table = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let policy = common::policy(Path::new(&table.policy));
    let Coverage { seen, moved } = coverage.entry(table.policy.clone()).or_default();
    let mut report = String::new();
    for case in &table.cases {
        let text = std::fs::read_to_string(&case.facts).unwrap();
        let file_facts: Json = if case.facts.ends_with(".json") {
            serde_json::from_str(&text).unwrap()
        } else {
            serde_yaml_ng::from_str(&text).unwrap()
        };
        let base_facts = apply(&file_facts, &Flip::setting(&case.set));
        let base = evaluate(&policy, &table.decision, &base_facts);
        assert_eq!(base.value, case.expect, "{}: base value", case.facts);
        seen.extend(base.criteria.keys().map(|k| without_indexes(k)));
        let changed = if case.set.is_empty() {
            ""
        } else {
            " (changed as the table says)"
        };
        report.push_str(&format!("{}{changed} = {}\n", case.facts, base.shown));
        for flip in &case.flips {
            let after = evaluate(&policy, &table.decision, &apply(&base_facts, flip));
            // A flip with a stated value must give it (it may be the base
            // value: "a known failure still makes it false"); any other flip
            // must change the outcome.
            match &flip.expect {
                Some(expected) => assert_eq!(
                    &after.value, expected,
                    "{}: flip `{}`",
                    case.facts, flip.why
                ),
                None => assert_ne!(
                    after.value, base.value,
                    "{}: flip `{}` did not change the outcome",
                    case.facts, flip.why
                ),
            }
            if let Some(missing) = &flip.missing {
                assert_eq!(
                    after.missing,
                    serde_json::json!(missing),
                    "{}: flip `{}`",
                    case.facts,
                    flip.why
                );
            }
            // Only a flip that changed the decision shows a criterion matters.
            let decided = after.value != base.value;
            for (criterion, value) in base.criteria.iter().filter(|_| decided) {
                if after.criteria.get(criterion) != Some(value) {
                    moved.insert(without_indexes(criterion));
                }
            }
            report.push_str(&format!(
                "  {} -> {} (missing {})\n",
                flip.why, after.shown, after.missing
            ));
        }
    }
    insta::assert_snapshot!(report);
}
