//! The fuzz targets' logic, shared by `fuzz/fuzz_targets/` and the
//! reproducer test: no input may panic, and every failure must come with at
//! least one diagnostic.

use policyc::check;
use policyc::diagnostic::{self, Style};
use policyc::source::SourceFile;
use policyc::{Date, Facts, Format, Options, Policy, Prepared, pretty, syntax};
use std::sync::OnceLock;

/// Every diagnostic is rendered in both styles.
pub const STYLES: [Style; 2] = [Style::Human { color: false }, Style::Json];

/// Parses and checks `source`, rendering every error and warning in each
/// style; whether it checked. A failure must come with an error.
pub fn parses_and_checks(source: &SourceFile) -> bool {
    let file = match syntax::parse(source) {
        Ok(file) => file,
        Err(errors) => {
            assert!(!errors.is_empty(), "a parse failure without errors");
            for style in STYLES {
                let _ = diagnostic::render_all(&errors, Some(source), style);
            }
            return false;
        }
    };
    let outcome = check::check(&file);
    for style in STYLES {
        let _ = diagnostic::render_all(&outcome.errors, Some(source), style);
        let _ = diagnostic::render_all(&outcome.warnings, Some(source), style);
    }
    if outcome.policy.is_none() {
        assert!(!outcome.errors.is_empty(), "a check failure without errors");
        return false;
    }
    true
}

/// The `policy_text` target: parse, check, render, format.
pub fn policy_text(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = SourceFile::new("fuzz.policy", text);
    if !parses_and_checks(&source) {
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

/// The shipped policies, checked once, each with every decision prepared
/// with explanations.
pub fn policies() -> &'static [(Policy, Prepared)] {
    static CHECKED: OnceLock<Vec<(Policy, Prepared)>> = OnceLock::new();
    CHECKED.get_or_init(|| {
        [
            (
                "mn_irts.policy",
                include_str!("../../policies/mn_irts.policy"),
            ),
            (
                "mt_imr.policy",
                include_str!("../../policies/mt_imr.policy"),
            ),
            (
                "nm_recovery_services.policy",
                include_str!("../../policies/nm_recovery_services.policy"),
            ),
        ]
        .into_iter()
        .map(|(name, text)| {
            let policy = Policy::from_text(name, text).expect("a shipped policy checks");
            let prepared = policy
                .prepare(&[], Options { explain: true })
                .expect("every decision prepares");
            (policy, prepared)
        })
        .collect()
    })
}

/// The `facts_json` target: selector byte (policy `% 3`, YAML when `/ 3` is
/// odd), then load, evaluate with explanations, render.
pub fn facts_json(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let (policy, prepared) = &policies()[usize::from(selector % 3)];
    let (name, format) = if (selector / 3) % 2 == 0 {
        ("facts.json", Format::Json)
    } else {
        ("facts.yaml", Format::Yaml)
    };
    load_and_evaluate(policy, prepared, &SourceFile::new(name, text), format);
}

/// Loads facts for `policy`, then evaluates every decision with
/// explanations (as of the file's `as_of`, else 2026-03-01) and renders the
/// outcome; a failure must come with at least one diagnostic.
pub fn load_and_evaluate(
    policy: &Policy,
    prepared: &Prepared,
    source: &SourceFile,
    format: Format,
) {
    let facts = match policy.facts(source, format) {
        Ok(facts) => facts,
        Err(errors) => {
            assert!(!errors.is_empty(), "a load failure without errors");
            for style in STYLES {
                let _ = errors.render(style);
            }
            return;
        }
    };
    for style in STYLES {
        let _ = diagnostic::render_all(facts.warnings(), Some(source), style);
    }
    let as_of = facts
        .as_of()
        .unwrap_or_else(|| syntax::parse_date("2026-03-01").expect("a fixed date"));
    evaluate_and_render(prepared, &facts, as_of);
}

/// Evaluates, then renders the determination (human, with and without
/// colour, and JSON) or the error's diagnostics, of which there must be one.
pub fn evaluate_and_render(prepared: &Prepared, facts: &Facts, as_of: Date) {
    match prepared.evaluate(facts, as_of, None) {
        Ok(determination) => {
            for color in [false, true] {
                let _ = prepared.human(&determination, color);
            }
            let _ = prepared.json(&determination).to_string();
        }
        Err(error) => {
            let diagnostics = error.diagnostics();
            assert!(
                !diagnostics.is_empty(),
                "an evaluation failure without errors"
            );
            for style in STYLES {
                let _ = diagnostics.render(style);
            }
        }
    }
}
