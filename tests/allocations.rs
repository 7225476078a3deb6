//! A prepared evaluation allocates nothing once warm, with explanations
//! off and every value known: counted by dhat's heap profiler standing in
//! for the global allocator, over generated IRTS members.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail loudly on purpose"
)]

#[path = "../benches/members.rs"]
#[allow(dead_code, reason = "the generator also serves the benchmarks")]
mod members;

use policyc::{Determination, Options, Policy};

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

/// One test only in this binary: the allocator's counts are process-wide.
#[test]
fn warm_prepared_evaluations_allocate_nothing() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let policy = Policy::from_path("policies/mn_irts.policy").unwrap();
    let mut rng = members::Seeded::new(20_260_301);
    let members: Vec<_> = (0..64)
        .map(|_| policy.facts_from_json(&members::member(&mut rng)).unwrap())
        .collect();
    let as_of = "2026-03-01".parse().unwrap();
    for decision in ["admission", "eligible_recipient"] {
        let prepared = policy.prepare(&[decision], Options::default()).unwrap();
        let mut out = Determination::default();
        // Warm: the thread's working memory and `out` grow to size once.
        for facts in &members {
            prepared
                .evaluate_into(facts, as_of, None, &mut out)
                .unwrap();
        }
        let mut known = 0;
        let before = dhat::HeapStats::get().total_blocks;
        for facts in &members {
            prepared
                .evaluate_into(facts, as_of, None, &mut out)
                .unwrap();
            known += usize::from(out.decisions[0].value.as_bool().is_some());
        }
        let allocated = dhat::HeapStats::get().total_blocks - before;
        assert_eq!(known, members.len(), "{decision}: every member decided");
        assert_eq!(
            allocated,
            0,
            "{decision}: {allocated} allocations in {} evaluations",
            members.len()
        );
    }
    // The check itself can fail: the first evaluation into a fresh
    // determination must allocate its list of results.
    let prepared = policy.prepare(&["admission"], Options::default()).unwrap();
    let before = dhat::HeapStats::get().total_blocks;
    let fresh = prepared.evaluate(&members[0], as_of, None).unwrap();
    assert!(dhat::HeapStats::get().total_blocks > before);
    assert_eq!(fresh.decisions.len(), 1);
}
