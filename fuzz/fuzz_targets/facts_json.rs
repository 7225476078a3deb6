//! Fuzzes facts files through load, evaluation, explanation and rendering.
//!
//! Input: one selector byte, then the facts text. The selector picks the
//! shipped policy (`byte % 3`: IRTS, IMR, recovery services) and the format
//! (`byte / 3` even: JSON, odd: YAML), so a JSON example prefixed with 0, 1
//! or 2 is a seed. Besides "no panic", a load failure must come with at
//! least one diagnostic.

#![no_main]

// The logic lives beside the reproducer test, which runs the same function.
#[allow(dead_code, reason = "each target uses one of the shared functions")]
#[path = "../../tests/fuzz_regressions/targets.rs"]
mod targets;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| targets::facts_json(data));
