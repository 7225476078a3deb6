//! Fuzz reproducers as regression tests, run through the fuzz targets' logic.
//!
//! Every file in `tests/fuzz_regressions/<target>/` is an input of that
//! fuzz target, exactly as the targets in `fuzz/fuzz_targets/` read it:
//! `policy_text`, a policy text; `facts_json`, a selector byte then a facts
//! text; `facts_schema`, a selector byte then the generator's bytes;
//! `policy_ast`, a shape byte then the syntax-tree generator's bytes (run
//! with `--features arbitrary`). The targets' logic is in
//! `tests/fuzz_regressions/` (`targets.rs`, `facts_schema.rs`,
//! `policy_ast.rs`), which both use. No input may panic, and every failure
//! must come with at least one diagnostic.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail by panicking"
)]

#[path = "fuzz_regressions/targets.rs"]
mod targets;

#[path = "fuzz_regressions/facts_schema.rs"]
mod facts_schema;

// The syntax-tree generator is in the library behind the `arbitrary`
// feature: `cargo test --test fuzz_regressions --features arbitrary`.
#[cfg(feature = "arbitrary")]
#[path = "fuzz_regressions/policy_ast.rs"]
mod policy_ast;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// The files of one reproducer folder, in name order; never empty.
fn inputs(folder: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_regressions")
        .join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} holds no inputs", dir.display());
    files
}

/// Runs every input of `folder` through `target`, naming each that fails
/// or takes longer than a fuzz run's timeout.
fn run_all(folder: &str, target: fn(&[u8])) {
    let mut failed = Vec::new();
    for path in inputs(folder) {
        let data = std::fs::read(&path).unwrap();
        let started = std::time::Instant::now();
        if catch_unwind(AssertUnwindSafe(|| target(&data))).is_err() {
            failed.push(path.display().to_string());
        } else if started.elapsed() > std::time::Duration::from_secs(10) {
            failed.push(format!(
                "{} (slow: {:?})",
                path.display(),
                started.elapsed()
            ));
        }
    }
    assert!(failed.is_empty(), "inputs that fail: {failed:#?}");
}

#[test]
fn policy_text_reproducers_pass() {
    run_all("policy_text", targets::policy_text);
}

#[test]
fn facts_json_reproducers_pass() {
    run_all("facts_json", targets::facts_json);
}

#[test]
fn facts_schema_reproducers_pass() {
    run_all("facts_schema", facts_schema::facts_schema);
}

#[cfg(feature = "arbitrary")]
#[test]
fn policy_ast_reproducers_pass() {
    run_all("policy_ast", policy_ast::policy_ast);
}
