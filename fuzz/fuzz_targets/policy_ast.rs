//! Fuzzes random syntax trees: printed by the formatter, then parsed,
//! checked, rendered, formatted twice and evaluated against empty facts.
//!
//! Input: one shape byte (how deep the tree may nest), then the bytes the
//! tree is drawn from through `policyc::ast`'s `Arbitrary` implementations.
//! Besides "no panic", every failure must come with at least one diagnostic,
//! and formatting a policy that checks must be idempotent.

#![no_main]

// The logic lives beside the reproducer test, which runs the same function.
#[allow(dead_code, reason = "each target uses one of the shared functions")]
#[path = "../../tests/fuzz_regressions/targets.rs"]
mod targets;

#[path = "../../tests/fuzz_regressions/policy_ast.rs"]
mod policy_ast;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| policy_ast::policy_ast(data));
