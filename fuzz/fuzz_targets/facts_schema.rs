//! Fuzzes facts generated from a shipped policy's schema through load,
//! evaluation, explanation and rendering.
//!
//! Input: one selector byte (the policy, `byte % 3`: IRTS, IMR, recovery
//! services), then the bytes the generator draws from: a facts document that
//! follows the schema most of the time, with occasional deviations. Besides
//! "no panic", a failure must come with at least one diagnostic.

#![no_main]

// The logic lives beside the reproducer test, which runs the same function.
#[allow(dead_code, reason = "each target uses one of the shared functions")]
#[path = "../../tests/fuzz_regressions/targets.rs"]
mod targets;

#[path = "../../tests/fuzz_regressions/facts_schema.rs"]
mod facts_schema;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| facts_schema::facts_schema(data));
