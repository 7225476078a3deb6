//! Fuzzes facts files through load, evaluation, explanation and rendering.
//!
//! Input: one selector byte, then the facts text. The selector picks the
//! shipped policy (`byte % 3`: IRTS, IMR, recovery services) and the format
//! (`byte / 3` even: JSON, odd: YAML), so a JSON example prefixed with 0, 1
//! or 2 is a seed. Besides "no panic", a load failure must come with at
//! least one diagnostic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use policyc::check::Checked;
use policyc::diagnostic::{self, Style};
use policyc::source::SourceFile;
use policyc::{check, eval, explain, facts, syntax};
use std::sync::OnceLock;

const POLICIES: [(&str, &str); 3] = [
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
];

const STYLES: [Style; 2] = [Style::Human { color: false }, Style::Json];

/// The shipped policies, checked once, with their sources.
fn policies() -> &'static [(SourceFile, Checked)] {
    static CHECKED: OnceLock<Vec<(SourceFile, Checked)>> = OnceLock::new();
    CHECKED.get_or_init(|| {
        POLICIES
            .iter()
            .map(|(name, text)| {
                let source = SourceFile::new(*name, *text);
                let file = syntax::parse(&source).expect("a shipped policy parses");
                let checked = check::check(&file)
                    .checked
                    .expect("a shipped policy checks");
                (source, checked)
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let Some((policy_source, checked)) = policies().get(usize::from(selector % 3)) else {
        return;
    };
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
    let as_of = match loaded.as_of {
        Some(date) => date,
        None => syntax::parse_date("2026-03-01").expect("a fixed date"),
    };
    let options = eval::Options { explain: true };
    match eval::evaluate(checked, &loaded.root, as_of, &[], options) {
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
});
