//! The human form of a determination: one line per decision and, when
//! explaining, an indented tree of criteria with facts read and citations.

use super::value_text;
use crate::check::{Checked, Schema};
use crate::eval::{DecisionResult, Determination, Trace, TraceKind};
use crate::value::Value;
use owo_colors::{OwoColorize, Style};
use std::fmt::Write;

/// Renders a determination for a terminal or a log.
pub fn human(
    checked: &Checked,
    determination: &Determination,
    color: bool,
    explain: bool,
) -> String {
    let header = checked.header();
    let mut out = String::new();
    let title = format!("{} ({})", header.title, header.name.text);
    let _ = writeln!(out, "{}", paint(&title, Style::new().bold(), color));
    let _ = writeln!(
        out,
        "{} · {} · effective {}",
        header.jurisdiction, header.source, header.effective
    );
    if let Some(version) = checked.version() {
        let until = version
            .until
            .map(|u| format!(" until {u}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "version \"{}\", effective {}{until}",
            version.name, version.effective
        );
    }
    let _ = writeln!(out, "as of {}", determination.as_of);
    for decision in &determination.decisions {
        out.push('\n');
        write_decision(&mut out, decision, checked.schema(), color, explain);
    }
    out
}

fn write_decision(
    out: &mut String,
    decision: &DecisionResult,
    schema: &Schema,
    color: bool,
    explain: bool,
) {
    let value = value_text(&decision.value, decision.ty(), schema);
    let _ = writeln!(
        out,
        "{}: {}",
        paint(decision.name(), Style::new().bold(), color),
        paint(&value, value_style(&decision.value), color)
    );
    if let Some(label) = &decision.label() {
        let _ = writeln!(out, "  {label}{}", cite_text(decision.citation()));
    }
    if !decision.missing.is_empty() {
        let _ = writeln!(
            out,
            "  {}",
            paint(
                "missing facts that would decide it:",
                Style::new().yellow(),
                color
            )
        );
        for path in &decision.missing {
            let _ = writeln!(out, "    - {path}");
        }
    }
    if explain && let Some(trace) = &decision.trace {
        for child in &trace.children {
            write_trace(out, child, schema, color, 1);
        }
        write_reads(out, trace, schema, 1);
    }
}

fn write_trace(out: &mut String, trace: &Trace, schema: &Schema, color: bool, depth: usize) {
    let indent = "  ".repeat(depth);
    let mark = match trace.value {
        _ if trace.error.is_some() => "[–]",
        // An exception says whether it applies, never ✓ or ✗.
        _ if trace.kind == TraceKind::Exception => "unless",
        Value::Bool(true) => "[✓]",
        Value::Bool(false) => "[✗]",
        Value::Unknown(_) | Value::Range(_) => "[?]",
        _ => "[=]",
    };
    let value = match (&trace.error, &trace.kind, &trace.value) {
        // The others decided without it (an error that mattered would have
        // stopped the evaluation).
        (Some(error), _, _) => format!("not computed ({error}); the other criteria decide"),
        (None, TraceKind::Exception, Value::Bool(true)) => "exception applies".to_owned(),
        (None, TraceKind::Exception, Value::Bool(false)) => "exception does not apply".to_owned(),
        (None, TraceKind::Exception, _) => "not known whether the exception applies".to_owned(),
        (None, _, value) => value_text(value, &trace.ty, schema),
    };
    let name = match &trace.kind {
        TraceKind::Rule(name) | TraceKind::Decision(name) => format!("{name}: "),
        TraceKind::Criterion | TraceKind::Exception => String::new(),
    };
    let _ = writeln!(
        out,
        "{indent}{} {name}{}{}  → {}",
        paint(mark, value_style(&trace.value), color),
        trace.label,
        cite_text(trace.citation.as_deref()),
        paint(&value, value_style(&trace.value), color),
    );
    write_reads(out, trace, schema, depth + 1);
    let missing = trace.value.deep_missing();
    if !missing.is_empty() {
        let paths: Vec<&str> = missing.paths().iter().map(AsRef::as_ref).collect();
        let _ = writeln!(out, "{indent}    missing: {}", paths.join(", "));
    }
    for child in &trace.children {
        write_trace(out, child, schema, color, depth + 1);
    }
}

fn write_reads(out: &mut String, trace: &Trace, schema: &Schema, depth: usize) {
    let indent = "  ".repeat(depth);
    for read in &trace.reads {
        let _ = writeln!(
            out,
            "{indent}  · {} = {}",
            read.path,
            super::value_text_described(&read.value, &read.ty, schema)
        );
    }
}

fn cite_text(citation: Option<&str>) -> String {
    citation.map(|c| format!("  [{c}]")).unwrap_or_default()
}

fn value_style(value: &Value) -> Style {
    match value {
        Value::Bool(true) => Style::new().green(),
        Value::Bool(false) => Style::new().red(),
        Value::Unknown(_) | Value::Range(_) => Style::new().yellow(),
        _ => Style::new().cyan(),
    }
}

fn paint(text: &str, style: Style, color: bool) -> String {
    if color {
        text.style(style).to_string()
    } else {
        text.to_owned()
    }
}
