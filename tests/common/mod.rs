#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail loudly on purpose"
)]

//! Helpers shared by the integration tests: load a policy, evaluate a facts
//! file against it, and render results without colour.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use policyc::check::Checked;
use policyc::source::SourceFile;
use policyc::{check, eval, explain, facts, syntax};
use std::path::Path;

/// Reads a file relative to the crate root.
pub fn source(path: &Path) -> SourceFile {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    SourceFile::new(path.display().to_string(), text)
}

/// Parses and checks a policy that must be valid: all its versions.
pub fn policy(path: &Path) -> policyc::check::Policy {
    let source = source(path);
    let file = syntax::parse(&source).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
    let outcome = check::check(&file);
    assert!(
        outcome.errors.is_empty(),
        "{}: {:?}",
        path.display(),
        outcome.errors
    );
    outcome.policy.expect("checked policy")
}

/// Parses and checks a policy that must be valid (its latest version).
pub fn checked(path: &Path) -> Checked {
    policy(path).latest().cloned().expect("a version")
}

/// Evaluates the decision named by the facts file's folder, with explanations.
pub fn evaluate_folder_decision(policy: &Checked, facts_path: &Path) -> eval::Determination {
    let folder = facts_path
        .parent()
        .and_then(Path::file_name)
        .and_then(|n| n.to_str())
        .expect("folder name");
    let id = policy
        .decision(folder)
        .unwrap_or_else(|| panic!("{}: no decision `{folder}`", facts_path.display()));
    evaluate_decisions(policy, facts_path, &[id])
}

/// Evaluates every decision of `policy` for a facts file, with explanations.
pub fn evaluate(policy: &Checked, facts_path: &Path) -> eval::Determination {
    evaluate_decisions(policy, facts_path, &[])
}

/// Evaluates some decisions (all when empty), with explanations.
pub fn evaluate_decisions(
    policy: &Checked,
    facts_path: &Path,
    decisions: &[policyc::check::DefId],
) -> eval::Determination {
    let input = source(facts_path);
    let format = facts::Format::from_name(&input.name);
    let loaded = facts::load(&input, format, policy.schema()).unwrap_or_else(|e| panic!("{e:?}"));
    let as_of = loaded.as_of.expect("example facts carry as_of");
    eval::evaluate(
        policy,
        &loaded.root,
        as_of,
        decisions,
        eval::Options { explain: true },
    )
    .expect("evaluates")
}

/// The human rendering (no colour) and the JSON rendering of a determination.
pub fn render(policy: &Checked, determination: &eval::Determination) -> (String, String) {
    let human = explain::human(policy, determination, false, true);
    let json =
        serde_json::to_string_pretty(&explain::to_json(policy, determination)).expect("json");
    (human, json)
}

/// Runs the `policyc` binary without colour; returns (exit code, stdout, stderr).
pub fn policyc(args: &[&str]) -> (i32, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_policyc"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// An empty scratch folder for one test, under the build's temporary folder
/// (`group/name`), emptied first if an earlier run left it.
pub fn scratch(group: &str, name: &str) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(group)
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
