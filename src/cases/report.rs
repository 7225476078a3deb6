//! How `policyc test` prints results: pass or fail per case and, for a
//! failure, expected against actual with the criteria and citations behind
//! the actual value.

use super::{CaseOutcome, Coverage, DecisionOutcome};
use crate::check::{Schema, Type};
use crate::eval::Trace;
use crate::explain::value_text;
use crate::source::SourceFile;
use crate::truth::Truth;
use std::fmt::Write;

/// Renders the outcomes of one cases file.
pub fn render_results(file: &str, outcomes: &[CaseOutcome], schema: &Schema) -> String {
    let mut out = format!("{file}\n");
    for case in outcomes {
        if case.passed() {
            let _ = writeln!(out, "  pass  {}", case.name);
            continue;
        }
        let _ = writeln!(out, "  FAIL  {}", case.name);
        if let Some(error) = &case.error {
            let _ = writeln!(out, "        {error}");
        }
        for decision in case.decisions.iter().filter(|d| !d.passed()) {
            write_failure(&mut out, decision, schema);
        }
    }
    out
}

fn write_failure(out: &mut String, decision: &DecisionOutcome, schema: &Schema) {
    if !decision.value_matches() {
        let _ = writeln!(
            out,
            "        {}: expected {}, got {}",
            decision.name, decision.expected, decision.actual
        );
    }
    if let Some(expected) = &decision.expected_missing
        && *expected != decision.actual_missing
    {
        let _ = writeln!(
            out,
            "        {}: {}",
            decision.name,
            missing_difference(expected, &decision.actual_missing)
        );
    }
    let Some(trace) = &decision.result.trace else {
        return;
    };
    let _ = writeln!(out, "        because:");
    let mut causes = Vec::new();
    causes_of(trace, &Truth::of(&trace.value), &mut causes);
    for cause in causes {
        let citation = cause
            .citation
            .as_deref()
            .map(|c| format!("  [{c}]"))
            .unwrap_or_default();
        let value = value_text(&cause.value, &cause.ty, schema);
        let _ = writeln!(out, "          {} → {value}{citation}", cause.label);
        for read in &cause.reads {
            let _ = writeln!(
                out,
                "            · {} = {}",
                read.path,
                value_text(&read.value, &read.ty, schema)
            );
        }
    }
}

/// How the missing facts differ: `missing facts differ: expected but not
/// missing: a.b; missing but not expected: c`, or the order when only that
/// differs.
fn missing_difference(expected: &[String], actual: &[String]) -> String {
    let only = |these: &[String], those: &[String]| -> Vec<String> {
        these
            .iter()
            .filter(|fact| !those.contains(fact))
            .cloned()
            .collect()
    };
    let not_missing = only(expected, actual);
    let not_expected = only(actual, expected);
    let mut parts = Vec::new();
    if !not_missing.is_empty() {
        parts.push(format!(
            "expected but not missing: {}",
            not_missing.join(", ")
        ));
    }
    if !not_expected.is_empty() {
        parts.push(format!(
            "missing but not expected: {}",
            not_expected.join(", ")
        ));
    }
    if parts.is_empty() {
        parts.push(format!(
            "the same facts listed differently (order or repeats): expected [{}], got [{}]",
            expected.join(", "),
            actual.join(", ")
        ));
    }
    format!("missing facts differ: {}", parts.join("; "))
}

/// The criteria behind a value: for false or unknown, the deepest criteria
/// that are false or unknown; for anything else, the direct criteria.
fn causes_of<'a>(trace: &'a Trace, value: &Truth, out: &mut Vec<&'a Trace>) {
    let wanted = |t: &Trace| t.ty == Type::Bool && !matches!(Truth::of(&t.value), Truth::True);
    if trace.ty != Type::Bool || matches!(value, Truth::True) {
        out.extend(trace.children.iter().map(|c| &**c));
        return;
    }
    for child in trace.children.iter().filter(|c| wanted(c)) {
        let deeper = child.children.iter().any(|g| wanted(g));
        if deeper {
            causes_of(child, value, out);
        } else {
            out.push(child);
        }
    }
}

/// Renders coverage: a table of criteria, then those never exercised.
pub fn render_coverage(coverage: &Coverage, source: &SourceFile) -> String {
    let mut out = String::from(
        "coverage (T = seen true, F = seen false, ? = seen unknown, D = decided an outcome)\n",
    );
    let mark = |on: bool, c: char| if on { c } else { '.' };
    for c in &coverage.criteria {
        let line = source.line_of(c.span.start);
        let _ = writeln!(
            out,
            "  {}{}{}{}  line {line:>4}  {}",
            mark(c.seen_true, 'T'),
            mark(c.seen_false, 'F'),
            mark(c.seen_unknown, '?'),
            mark(c.deciding, 'D'),
            shorten(&c.label)
        );
    }
    let unexercised: Vec<_> = coverage
        .criteria
        .iter()
        .filter(|c| !(c.seen_true || c.seen_false || c.seen_unknown))
        .collect();
    let undecided = coverage.criteria.iter().filter(|c| !c.deciding).count();
    let _ = writeln!(
        out,
        "{} criteria; {} never exercised; {} never shown deciding an outcome",
        coverage.criteria.len(),
        unexercised.len(),
        undecided
    );
    for c in unexercised {
        let _ = writeln!(
            out,
            "  not exercised: line {}: {}",
            source.line_of(c.span.start),
            shorten(&c.label)
        );
    }
    render_conditions(coverage, source, &mut out);
    out
}

/// Each condition (operand of `and` / `or` / `not`, `if` condition,
/// `unless` exception) and whether some case showed it deciding.
fn render_conditions(coverage: &Coverage, source: &SourceFile, out: &mut String) {
    if coverage.conditions.is_empty() {
        return;
    }
    out.push_str("conditions (D = shown deciding: negating it alone changed a decision)\n");
    for c in &coverage.conditions {
        let text: String = source
            .slice(c.span)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let _ = writeln!(
            out,
            "  {}  line {:>4}  {:<6} {}",
            if c.deciding { 'D' } else { '.' },
            source.line_of(c.span.start),
            c.kind,
            shorten(&text)
        );
    }
    let undecided = coverage.conditions.iter().filter(|c| !c.deciding).count();
    let _ = writeln!(
        out,
        "{} conditions; {} never shown deciding an outcome",
        coverage.conditions.len(),
        undecided
    );
}

fn shorten(text: &str) -> String {
    let short: String = text.chars().take(90).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}
