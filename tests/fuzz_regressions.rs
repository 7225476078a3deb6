//! Fuzz reproducers as regression tests, run through the fuzz targets' logic.
//!
//! Every file in `tests/fuzz_regressions/policy_text/` is a policy text;
//! every file in `tests/fuzz_regressions/facts_json/` is a selector byte then
//! a facts text, exactly as the targets in `fuzz/fuzz_targets/` read them
//! (their logic is repeated here, without libFuzzer). No input may
//! panic, and every failure must come with at least one diagnostic.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail by panicking"
)]

use policyc::check::{self, Checked};
use policyc::diagnostic::{self, Style};
use policyc::source::SourceFile;
use policyc::{eval, explain, facts, pretty, syntax};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const STYLES: [Style; 2] = [Style::Human { color: false }, Style::Json];

/// The `policy_text` target: parse, check, render, format.
fn policy_text(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = SourceFile::new("fuzz.policy", text);
    let file = match syntax::parse(&source) {
        Ok(file) => file,
        Err(errors) => {
            assert!(!errors.is_empty(), "a parse failure without errors");
            for style in STYLES {
                let _ = diagnostic::render_all(&errors, Some(&source), style);
            }
            return;
        }
    };
    let outcome = check::check(&file);
    for style in STYLES {
        let _ = diagnostic::render_all(&outcome.errors, Some(&source), style);
        let _ = diagnostic::render_all(&outcome.warnings, Some(&source), style);
    }
    if outcome.checked.is_none() || outcome.policy.is_none() {
        assert!(!outcome.errors.is_empty(), "a check failure without errors");
        return;
    }
    match pretty::format(&source) {
        Ok(_) => {}
        Err(pretty::FormatError::Syntax(errors)) => {
            assert!(!errors.is_empty(), "a format failure without errors");
        }
        Err(other) => panic!("the formatter failed on a checked policy: {other:?}"),
    }
}

/// The shipped policies, checked once, with their sources.
fn policies() -> &'static [(SourceFile, Checked)] {
    static CHECKED: OnceLock<Vec<(SourceFile, Checked)>> = OnceLock::new();
    CHECKED.get_or_init(|| {
        [
            ("mn_irts.policy", include_str!("../policies/mn_irts.policy")),
            ("mt_imr.policy", include_str!("../policies/mt_imr.policy")),
            (
                "nm_recovery_services.policy",
                include_str!("../policies/nm_recovery_services.policy"),
            ),
        ]
        .into_iter()
        .map(|(name, text)| {
            let source = SourceFile::new(name, text);
            let file = syntax::parse(&source).expect("a shipped policy parses");
            let checked = check::check(&file)
                .checked
                .expect("a shipped policy checks");
            (source, checked)
        })
        .collect()
    })
}

/// The `facts_json` target: selector byte (policy `% 3`, YAML when `/ 3` is
/// odd), then load, evaluate with explanations, render.
fn facts_json(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let (policy_source, checked) = &policies()[usize::from(selector % 3)];
    let (name, format) = if (selector / 3) % 2 == 0 {
        ("facts.json", facts::Format::Json)
    } else {
        ("facts.yaml", facts::Format::Yaml)
    };
    let source = SourceFile::new(name, text);
    let loaded = match facts::load(&source, format, checked.schema()) {
        Ok(loaded) => loaded,
        Err(errors) => {
            assert!(!errors.is_empty(), "a load failure without errors");
            for style in STYLES {
                let _ = diagnostic::render_all(&errors, Some(&source), style);
            }
            return;
        }
    };
    for style in STYLES {
        let _ = diagnostic::render_all(&loaded.warnings, Some(&source), style);
    }
    let as_of = loaded
        .as_of
        .unwrap_or_else(|| syntax::parse_date("2026-03-01").expect("a fixed date"));
    match eval::evaluate(
        checked,
        &loaded.root,
        as_of,
        &[],
        eval::Options { explain: true },
    ) {
        Ok(determination) => {
            for color in [false, true] {
                let _ = explain::human(checked, &determination, color, true);
            }
            let _ = explain::to_json(checked, &determination).to_string();
        }
        Err(error) => {
            for style in STYLES {
                let _ = diagnostic::render(&error, Some(policy_source), style);
            }
        }
    }
}

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

/// Runs every input of `folder` through `target`, naming each that fails.
fn run_all(folder: &str, target: fn(&[u8])) {
    let mut failed = Vec::new();
    for path in inputs(folder) {
        let data = std::fs::read(&path).unwrap();
        if catch_unwind(AssertUnwindSafe(|| target(&data))).is_err() {
            failed.push(path.display().to_string());
        }
    }
    assert!(failed.is_empty(), "inputs that fail: {failed:#?}");
}

#[test]
fn policy_text_reproducers_pass() {
    run_all("policy_text", policy_text);
}

#[test]
fn facts_json_reproducers_pass() {
    run_all("facts_json", facts_json);
}
