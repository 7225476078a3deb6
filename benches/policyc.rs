//! Benchmarks (`cargo bench`), all through the library facade: checking the
//! shipped policies; two prepared IRTS decisions (admission and
//! eligible_recipient) on loaded facts, explanation off and on, and from a
//! JSON string; and the baselines that mark the limit in the same run:
//! serde_json parsing the same string into `serde_json::Value`, and a
//! hand-written Rust function for each decision, on a typed struct and from
//! the string through a serde-derived struct; and batch throughput on one
//! and two threads.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs,
    reason = "benchmark harness"
)]

mod baseline;
mod members;

use policyc::{Date, Determination, Facts, Options, Policy, Prepared};

// With `--features bench-mimalloc`, every benchmark here, baselines included,
// runs with the allocator the `policyc` binary uses; by default, with the
// system allocator a program embedding the library would have.
#[cfg(feature = "bench-mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

const MEMBERS: usize = 256;

/// The two IRTS decisions measured: admission (criteria, counts over
/// lists, dates) and eligibility (age, MA, and admission itself).
const DECISIONS: [&str; 2] = ["admission", "eligible_recipient"];

fn policy_text(name: &str) -> (String, String) {
    let path = format!("policies/{name}.policy");
    let text = std::fs::read_to_string(&path).unwrap();
    (path, text)
}

fn irts() -> Policy {
    let (path, text) = policy_text("mn_irts");
    Policy::from_text(&path, &text).unwrap()
}

fn prepared(policy: &Policy, decision: &str, explain: bool) -> Prepared {
    policy.prepare(&[decision], Options { explain }).unwrap()
}

fn lines() -> Vec<String> {
    let mut rng = members::Seeded::new(20_260_301);
    (0..MEMBERS).map(|_| members::member(&mut rng)).collect()
}

fn loaded(policy: &Policy, lines: &[String]) -> Vec<Facts> {
    lines
        .iter()
        .map(|line| policy.facts_from_json(line).unwrap())
        .collect()
}

fn as_of() -> Date {
    jiff::civil::date(2026, 3, 1)
}

/// The hand-written function for a decision.
fn hand_written(decision: &str) -> fn(&baseline::Member, Date) -> Option<bool> {
    match decision {
        "admission" => baseline::admission,
        _ => baseline::eligible_recipient,
    }
}

/// Parse and check each shipped policy, through the facade.
#[divan::bench(args = ["mn_irts", "mt_imr", "nm_recovery_services"])]
fn check_policy(bencher: divan::Bencher, name: &str) {
    let (path, text) = policy_text(name);
    bencher.bench(|| Policy::from_text(divan::black_box(&path), divan::black_box(&text)).unwrap());
}

/// A prepared decision on facts already loaded, per member, reusing one
/// determination (no allocation once warm with the explanation off).
fn native(bencher: divan::Bencher, decision: &str, explain: bool) {
    let policy = irts();
    let prepared = prepared(&policy, decision, explain);
    let members = loaded(&policy, &lines());
    let mut next = members.iter().cycle();
    let mut out = Determination::default();
    bencher.bench_local(|| {
        let facts = next.next().unwrap();
        prepared
            .evaluate_into(facts, as_of(), None, &mut out)
            .unwrap();
        divan::black_box(&out);
    });
}

/// Explanation off.
#[divan::bench(args = DECISIONS)]
fn prepared_native(bencher: divan::Bencher, decision: &str) {
    native(bencher, decision, false);
}

/// The same with explanations: every criterion's trace built.
#[divan::bench(args = DECISIONS)]
fn prepared_native_explained(bencher: divan::Bencher, decision: &str) {
    native(bencher, decision, true);
}

/// A JSON string to a determination, per member: load, then evaluate.
#[divan::bench(args = DECISIONS)]
fn prepared_from_json(bencher: divan::Bencher, decision: &str) {
    let policy = irts();
    let prepared = prepared(&policy, decision, false);
    let lines = lines();
    let mut next = lines.iter().cycle();
    let mut out = Determination::default();
    bencher.bench_local(|| {
        let facts = policy.facts_from_json(next.next().unwrap()).unwrap();
        prepared
            .evaluate_into(&facts, as_of(), None, &mut out)
            .unwrap();
        divan::black_box(&out);
    });
}

/// A JSON string to typed facts, without evaluating: the loading share of
/// the figure above.
#[divan::bench]
fn json_string_to_facts(bencher: divan::Bencher) {
    let policy = irts();
    let lines = lines();
    let mut next = lines.iter().cycle();
    bencher.bench_local(|| policy.facts_from_json(next.next().unwrap()).unwrap());
}

/// Lines per batch-throughput sample.
const BATCH_LINES: usize = 20_000;

/// Batch throughput: NDJSON members in, result lines out (to a sink), every
/// decision of the policy, on 1 and 2 evaluation threads.
#[divan::bench(args = [1, 2], sample_count = 10, sample_size = 1)]
fn batch_all_decisions(bencher: divan::Bencher, threads: usize) {
    let policy = irts();
    let batch = policyc::batch::Batch::new(&policy, policyc::batch::Options::default()).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let mut rng = members::Seeded::new(20_260_301);
    let mut input = String::new();
    for _ in 0..BATCH_LINES {
        input.push_str(&members::member(&mut rng));
        input.push('\n');
    }
    bencher
        .counter(divan::counter::ItemsCount::new(BATCH_LINES))
        .bench_local(|| {
            policyc::batch::Runner::new(&batch, &pool)
                .run(input.as_bytes(), std::io::sink(), |_| {})
                .unwrap()
        });
}

/// Baseline: serde_json parsing the same string into `serde_json::Value`.
#[divan::bench]
fn baseline_serde_json_value(bencher: divan::Bencher) {
    let lines = lines();
    let mut next = lines.iter().cycle();
    bencher
        .bench_local(|| serde_json::from_str::<serde_json::Value>(next.next().unwrap()).unwrap());
}

/// Baseline: the hand-written Rust function on a typed struct already
/// loaded.
#[divan::bench(args = DECISIONS)]
fn baseline_hand_written(bencher: divan::Bencher, decision: &str) {
    let members: Vec<baseline::Member> = lines()
        .iter()
        .map(|line| {
            serde_json::from_str::<baseline::Facts>(line)
                .unwrap()
                .recipient
        })
        .collect();
    let function = hand_written(decision);
    let mut next = members.iter().cycle();
    bencher.bench_local(|| function(next.next().unwrap(), as_of()));
}

/// Baseline: the same from the JSON string, through a serde-derived struct.
#[divan::bench(args = DECISIONS)]
fn baseline_hand_written_from_json(bencher: divan::Bencher, decision: &str) {
    let lines = lines();
    let function = hand_written(decision);
    let mut next = lines.iter().cycle();
    bencher.bench_local(|| {
        let facts = serde_json::from_str::<baseline::Facts>(next.next().unwrap()).unwrap();
        function(&facts.recipient, as_of())
    });
}
