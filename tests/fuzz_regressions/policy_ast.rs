//! The `policy_ast` target's logic: a random syntax tree, printed by the
//! formatter, then parsed, checked, rendered, formatted twice and evaluated.
//!
//! Input: one shape byte, then the bytes the tree is drawn from (through the
//! `Arbitrary` implementations of `policyc::ast`, feature `arbitrary`). The
//! shape byte bounds how deep expressions and types nest: below 224, at most
//! 2 to 21 levels, which stays under the parser's nesting limit of
//! `syntax::MAX_NESTING` brackets most of the time; from 224, 24 to 86
//! levels, which often goes past it.

use crate::targets::{STYLES, evaluate_and_render, parses_and_checks};
use arbitrary::Unstructured;
use policyc::ast::{Item, generate};
use policyc::source::SourceFile;
use policyc::{Options, Policy, pretty, syntax};

/// How deep the tree for `shape` may nest.
pub fn max_depth(shape: u8) -> usize {
    match shape.checked_sub(224) {
        None => 2 + usize::from(shape % 20),
        Some(over) => 24 + 2 * usize::from(over),
    }
}

/// The `policy_ast` target.
pub fn policy_ast(data: &[u8]) {
    let Some((&shape, rest)) = data.split_first() else {
        return;
    };
    let mut u = Unstructured::new(rest);
    let Ok(tree) = generate::policy_file(&mut u, max_depth(shape)) else {
        return;
    };
    let printed = pretty::print(&tree);
    let source = SourceFile::new("fuzz.policy", printed.as_str());
    if !parses_and_checks(&source) {
        return;
    }

    // A checked policy formats, and formatting the result changes nothing.
    let once = match pretty::format(&source) {
        Ok(text) => text,
        Err(error) => panic!("the formatter failed on a checked policy: {error:?}"),
    };
    let twice = match pretty::format(&SourceFile::new("fuzz.policy", once.as_str())) {
        Ok(text) => text,
        Err(error) => panic!("the formatter failed on its own output: {error:?}"),
    };
    assert_eq!(once, twice, "formatting is not idempotent");

    // Every decision, against empty facts. Imports would be read from the
    // file system, so a policy with any is not evaluated.
    if tree
        .items
        .iter()
        .any(|item| matches!(item, Item::Import(_)))
    {
        return;
    }
    let policy = match Policy::from_text("fuzz.policy", &printed) {
        Ok(policy) => policy,
        Err(diagnostics) => {
            assert!(
                !diagnostics.is_empty(),
                "a checked policy that does not load"
            );
            for style in STYLES {
                let _ = diagnostics.render(style);
            }
            return;
        }
    };
    let prepared = match policy.prepare(&[], Options { explain: true }) {
        Ok(prepared) => prepared,
        Err(error) => {
            let diagnostics = error.diagnostics();
            assert!(!diagnostics.is_empty(), "a prepare failure without errors");
            for style in STYLES {
                let _ = diagnostics.render(style);
            }
            return;
        }
    };
    let facts = match policy.facts_from_json("{}") {
        Ok(facts) => facts,
        Err(diagnostics) => {
            assert!(
                !diagnostics.is_empty(),
                "empty facts refused without errors"
            );
            return;
        }
    };
    let as_of = syntax::parse_date("2026-03-01").expect("a fixed date");
    evaluate_and_render(&prepared, &facts, as_of);
}
