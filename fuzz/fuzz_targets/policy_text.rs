//! Fuzzes policy text through parse, check, diagnostic rendering and `fmt`.
//!
//! Input: the bytes of a policy file; bytes that are not UTF-8 are skipped
//! (the CLI rejects them before parsing). Besides "no panic", every failure
//! must come with at least one diagnostic, and a policy that checks must
//! format without a formatter fault.

#![no_main]

use libfuzzer_sys::fuzz_target;
use policyc::diagnostic::{self, Style};
use policyc::source::SourceFile;
use policyc::{check, pretty, syntax};

const STYLES: [Style; 2] = [Style::Human { color: false }, Style::Json];

fuzz_target!(|data: &[u8]| {
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
});
