//! Benchmarks (`cargo bench`): checking the shipped policies, one IRTS
//! admission on loaded facts (explanation off and on), a JSON string to a
//! determination, and the two baselines that mark the physical limit:
//! serde_json parsing the same string into `serde_json::Value`, and a
//! hand-written Rust function computing admission on a typed struct; and
//! batch throughput on one and two threads.

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

use policyc::check::{Checked, DefId};
use policyc::source::SourceFile;
use policyc::value::Value;
use policyc::{check, eval, facts, syntax};

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

fn policy_text(name: &str) -> SourceFile {
    let path = format!("policies/{name}.policy");
    SourceFile::new(path.clone(), std::fs::read_to_string(path).unwrap())
}

fn irts() -> (Checked, DefId) {
    let file = syntax::parse(&policy_text("mn_irts")).unwrap();
    let checked = check::check(&file).checked.unwrap();
    let admission = checked.decision("admission").unwrap();
    (checked, admission)
}

fn lines() -> Vec<String> {
    let mut rng = members::Seeded::new(20_260_301);
    (0..MEMBERS).map(|_| members::member(&mut rng)).collect()
}

fn loaded(checked: &Checked, lines: &[String]) -> Vec<Value> {
    lines
        .iter()
        .map(|line| {
            facts::load_str(line, facts::Format::Json, checked.schema())
                .unwrap()
                .root
        })
        .collect()
}

fn as_of() -> jiff::civil::Date {
    jiff::civil::date(2026, 3, 1)
}

/// Parse and check each shipped policy.
#[divan::bench(args = ["mn_irts", "mt_imr", "nm_recovery_services"])]
fn check_policy(bencher: divan::Bencher, name: &str) {
    let source = policy_text(name);
    bencher.bench(|| {
        let file = syntax::parse(divan::black_box(&source)).unwrap();
        check::check(&file).checked.unwrap()
    });
}

/// IRTS admission on facts already loaded, per member.
#[divan::bench(args = [false, true])]
fn admission_on_loaded_facts(bencher: divan::Bencher, explain: bool) {
    let (checked, admission) = irts();
    let members = loaded(&checked, &lines());
    let mut next = members.iter().cycle();
    bencher.bench_local(|| {
        let facts = next.next().unwrap();
        eval::evaluate(
            &checked,
            facts,
            as_of(),
            &[admission],
            eval::Options { explain },
        )
        .unwrap()
    });
}

/// A JSON string to an admission determination, per member.
#[divan::bench]
fn json_string_to_determination(bencher: divan::Bencher) {
    let (checked, admission) = irts();
    let lines = lines();
    let mut next = lines.iter().cycle();
    bencher.bench_local(|| {
        let text = next.next().unwrap();
        let facts = facts::load_str(text, facts::Format::Json, checked.schema()).unwrap();
        eval::evaluate(
            &checked,
            &facts.root,
            as_of(),
            &[admission],
            eval::Options { explain: false },
        )
        .unwrap()
    });
}

/// A JSON string to typed facts, without evaluating: the loading share of
/// the end-to-end figure.
#[divan::bench]
fn json_string_to_facts(bencher: divan::Bencher) {
    let (checked, _) = irts();
    let lines = lines();
    let mut next = lines.iter().cycle();
    bencher.bench_local(|| {
        facts::load_str(next.next().unwrap(), facts::Format::Json, checked.schema()).unwrap()
    });
}

/// Lines per batch-throughput sample.
const BATCH_LINES: usize = 20_000;

/// Batch throughput: NDJSON members in, result lines out (to a sink), every
/// decision of the policy, on 1 and 2 evaluation threads.
#[divan::bench(args = [1, 2], sample_count = 10, sample_size = 1)]
fn batch_all_decisions(bencher: divan::Bencher, threads: usize) {
    let file = syntax::parse(&policy_text("mn_irts")).unwrap();
    let policy = check::check(&file).policy.unwrap();
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

/// Baseline: a hand-written Rust admission on a typed struct already loaded.
#[divan::bench]
fn baseline_hand_written_admission(bencher: divan::Bencher) {
    let members: Vec<baseline::Member> = lines()
        .iter()
        .map(|line| {
            serde_json::from_str::<baseline::Facts>(line)
                .unwrap()
                .recipient
        })
        .collect();
    let mut next = members.iter().cycle();
    bencher.bench_local(|| baseline::admission(next.next().unwrap(), as_of()));
}
