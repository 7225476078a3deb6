//! Fuzzes policy text through parse, check, diagnostic rendering and `fmt`.
//!
//! Input: the bytes of a policy file; bytes that are not UTF-8 are skipped
//! (the CLI rejects them before parsing). Besides "no panic", every failure
//! must come with at least one diagnostic, and a policy that checks must
//! format without a formatter fault.

#![no_main]

// The logic lives beside the reproducer test, which runs the same function.
#[allow(dead_code, reason = "each target uses one of the shared functions")]
#[path = "../../tests/fuzz_regressions/targets.rs"]
mod targets;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| targets::policy_text(data));
