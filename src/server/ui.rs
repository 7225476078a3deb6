//! The reviewers' page: server-rendered HTML with embedded CSS and no
//! script. A policy's decisions with the manual's words, citations and the
//! facts each reads; a form for a member's facts; and the determination as
//! a tree of criteria (✓ ✗ ?), with the facts to go and document when it is
//! unknown. It prints cleanly on paper.

use super::{Served, State};
use crate::check::Schema;
use crate::engine::Format;
use crate::eval::{Trace, TraceKind};
use crate::explain::value_text;
use crate::source::SourceFile;
use crate::truth::Truth;
use crate::value::Value;
use axum::Form;
use axum::extract::{Path, State as Shared};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::fmt::Write as _;
use std::sync::Arc;

/// How deep a trace is drawn; explanations are bounded by the checker's
/// depth limit well below this.
const MAX_DEPTH: usize = 256;

const STYLE: &str = r#"
body { font: 15px/1.45 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
.meta, .cite { color: #555; font-size: .9em; }
.value { font-weight: 600; padding: 0 .35em; border: 1px solid; border-radius: 3px; }
.true { color: #1a6b2c; } .false { color: #9b1c1c; } .unknown { color: #7a5a00; }
ul.tree { list-style: none; padding-left: 1.2rem; border-left: 1px solid #ccc; }
ul.tree li { margin: .35rem 0; }
.mark { display: inline-block; width: 1.2em; font-weight: 700; }
.reads { font-family: ui-monospace, monospace; font-size: .85em; color: #333; }
.checklist li { margin: .2rem 0; }
textarea { width: 100%; min-height: 14rem; font-family: ui-monospace, monospace; }
form label { display: block; margin: .6rem 0 .2rem; }
table { border-collapse: collapse; } td, th { text-align: left; padding: .2rem .6rem .2rem 0; vertical-align: top; }
@media print { form, nav { display: none; } body { margin: 0; max-width: none; } ul.tree { border-left-color: #999; } }
"#;

/// Text made safe inside HTML elements and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

fn page(title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body>\n{body}\n</body></html>\n",
        escape(title)
    );
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response()
}

fn not_found(what: &str) -> Response {
    let mut response = page(
        "Not found",
        &format!(
            "<h1>Not found</h1><p>{}</p><p><a href=\"/ui\">All policies</a></p>",
            escape(what)
        ),
    );
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}

/// `GET /ui`: the policies served.
pub(crate) async fn index(Shared(state): Shared<Arc<State>>) -> Response {
    let mut body = String::from("<h1>Policies</h1><ul>");
    for served in state.catalogue().values() {
        let header = served.policy.latest().header();
        let _ = write!(
            body,
            "<li><a href=\"/ui/{0}\">{1}</a> <span class=\"meta\">{2} · {3}</span></li>",
            escape(&served.name),
            escape(&header.title),
            escape(&header.jurisdiction),
            escape(&header.source)
        );
    }
    body.push_str("</ul>");
    page("Policies", &body)
}

/// `GET /ui/{policy}`: the decisions, and the form.
pub(crate) async fn policy(
    Shared(state): Shared<Arc<State>>,
    Path(name): Path<String>,
) -> Response {
    let Ok(served) = state.policy(&name) else {
        return not_found(&format!("No policy {name} is served."));
    };
    let mut body = heading(&served);
    body.push_str(&form(&served, "", "", ""));
    body.push_str(&decisions(&served));
    page(&served.policy.latest().header().title, &body)
}

fn heading(served: &Served) -> String {
    let header = served.policy.latest().header();
    format!(
        "<nav><a href=\"/ui\">All policies</a></nav><h1>{}</h1>\
         <p class=\"meta\">{} · {} · effective {}</p>",
        escape(&header.title),
        escape(&header.jurisdiction),
        escape(&header.source),
        header.effective
    )
}

fn form(served: &Served, facts: &str, as_of: &str, date_of_service: &str) -> String {
    format!(
        "<form method=\"post\" action=\"/ui/{}\">\
         <label for=\"facts\">Member facts (JSON)</label>\
         <textarea id=\"facts\" name=\"facts\" required>{}</textarea>\
         <label for=\"as_of\">As of</label>\
         <input id=\"as_of\" name=\"as_of\" type=\"date\" required value=\"{}\">\
         <label for=\"date_of_service\">Date of service (optional)</label>\
         <input id=\"date_of_service\" name=\"date_of_service\" type=\"date\" value=\"{}\">\
         <p><button type=\"submit\">Determine</button></p></form>",
        escape(&served.name),
        escape(facts),
        escape(as_of),
        escape(date_of_service)
    )
}

/// Each decision: its words, citation, and the facts it reads.
fn decisions(served: &Served) -> String {
    let checked = served.policy.latest();
    let mut out = String::from("<h2>Decisions</h2>");
    for (id, definition) in checked.decisions() {
        let _ = write!(
            out,
            "<h3>{}</h3><p>{}</p><p class=\"cite\">{}</p><table><tr><th>Fact</th><th>Type</th><th>Description</th></tr>",
            escape(&definition.name),
            escape(definition.label.as_deref().unwrap_or("")),
            escape(definition.citation.as_deref().unwrap_or("")),
        );
        for read in crate::describe::facts_read(checked, id) {
            let _ = write!(
                out,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                escape(read.path),
                escape(&checked.schema().display(&read.field.ty)),
                escape(read.field.doc.as_deref().unwrap_or(""))
            );
        }
        out.push_str("</table>");
    }
    out
}

/// The form's fields.
#[derive(Debug, Deserialize)]
pub(crate) struct Submitted {
    facts: String,
    as_of: String,
    #[serde(default)]
    date_of_service: String,
}

/// `POST /ui/{policy}`: the determination, every decision, explained.
pub(crate) async fn determine(
    Shared(state): Shared<Arc<State>>,
    Path(name): Path<String>,
    Form(submitted): Form<Submitted>,
) -> Response {
    let Ok(served) = state.policy(&name) else {
        return not_found(&format!("No policy {name} is served."));
    };
    let mut body = heading(&served);
    let problem = |body: &mut String, message: &str| {
        let _ = write!(
            body,
            "<p class=\"false\" role=\"alert\">{}</p>",
            escape(message)
        );
    };
    let as_of = crate::syntax::parse_date(submitted.as_of.trim());
    let date_of_service = match submitted.date_of_service.trim() {
        "" => Ok(None),
        text => crate::syntax::parse_date(text).map(Some),
    };
    let source = SourceFile::new("facts", submitted.facts.as_str());
    match (
        as_of,
        date_of_service,
        served.policy.facts(&source, Format::Json),
    ) {
        (Err(reason), _, _) => problem(
            &mut body,
            &format!("The as-of date is not a date: {reason}."),
        ),
        (_, Err(reason), _) => problem(
            &mut body,
            &format!("The date of service is not a date: {reason}."),
        ),
        (_, _, Err(diagnostics)) => {
            for d in &diagnostics {
                problem(&mut body, &d.to_string());
            }
        }
        (Ok(as_of), Ok(date_of_service), Ok(facts)) => {
            let [_, explained] = &served.all;
            match explained.evaluate(&facts, as_of, date_of_service) {
                Ok(determination) => {
                    let schema = explained.checked(&determination).schema();
                    let _ = write!(body, "<h2>Determination as of {as_of}</h2>");
                    if let Some(version) = &determination.version {
                        let _ = write!(
                            body,
                            "<p class=\"meta\">Version in force: {}</p>",
                            escape(version)
                        );
                    }
                    for decision in &determination.decisions {
                        body.push_str(&decision_html(decision, schema));
                    }
                }
                Err(e) => problem(&mut body, &e.to_string()),
            }
        }
    }
    body.push_str(&form(
        &served,
        &submitted.facts,
        &submitted.as_of,
        &submitted.date_of_service,
    ));
    page(&served.policy.latest().header().title, &body)
}

/// `✓`, `✗` or `?`, and its class.
fn mark(value: &crate::value::Value) -> (&'static str, &'static str) {
    match Truth::of(value) {
        Truth::True => ("✓", "true"),
        Truth::False => ("✗", "false"),
        Truth::Unknown(_) => ("?", "unknown"),
    }
}

fn decision_html(decision: &crate::eval::DecisionResult, schema: &Schema) -> String {
    let value = value_text(&decision.value, decision.ty(), schema);
    let class = if decision.value.is_known() {
        mark(&decision.value).1
    } else {
        "unknown"
    };
    let mut out = format!(
        "<section class=\"decision\" id=\"decision-{}\"><h3>{} <span class=\"value {class}\" data-value=\"{}\">{}</span></h3>",
        escape(decision.name()),
        escape(decision.name()),
        escape(&value),
        escape(&value)
    );
    if let Some(label) = decision.label() {
        let _ = write!(out, "<p>{}</p>", escape(label));
    }
    if let Some(citation) = decision.citation() {
        let _ = write!(out, "<p class=\"cite\">{}</p>", escape(citation));
    }
    if !decision.missing.is_empty() {
        out.push_str("<p><strong>Facts to document</strong> before this can be decided:</p><ul class=\"checklist\">");
        for path in &decision.missing {
            let _ = write!(out, "<li>☐ <code>{}</code></li>", escape(path));
        }
        out.push_str("</ul>");
    }
    if let Some(trace) = &decision.trace {
        out.push_str("<ul class=\"tree\">");
        for child in &trace.children {
            tree(&mut out, child, schema, 0);
        }
        out.push_str("</ul>");
    }
    out.push_str("</section>");
    out
}

/// One criterion and, below it, what it is made of.
fn tree(out: &mut String, trace: &Trace, schema: &Schema, depth: usize) {
    if depth > MAX_DEPTH {
        out.push_str("<li>…</li>");
        return;
    }
    let (symbol, class) = match (&trace.kind, &trace.value) {
        // An exception says whether it applies, never ✓ or ✗.
        (TraceKind::Exception, Value::Bool(true)) => ("unless", "exception applies"),
        (TraceKind::Exception, Value::Bool(false)) => ("unless", "exception"),
        (TraceKind::Exception, _) => ("unless", "exception unknown"),
        (_, value) => mark(value),
    };
    let name = match &trace.kind {
        TraceKind::Rule(name) | TraceKind::Decision(name) => {
            format!(" <span class=\"meta\">({})</span>", escape(name))
        }
        TraceKind::Criterion => String::new(),
        TraceKind::Exception => format!(
            " <span class=\"meta\">({})</span>",
            match &trace.value {
                Value::Bool(true) => "exception applies",
                Value::Bool(false) => "exception does not apply",
                _ => "not known whether the exception applies",
            }
        ),
    };
    let _ = write!(
        out,
        "<li class=\"{class}\"><span class=\"mark\">{symbol}</span>{}{name}",
        escape(&trace.label)
    );
    if let Some(citation) = &trace.citation {
        let _ = write!(out, " <span class=\"cite\">— {}</span>", escape(citation));
    }
    if !trace.reads.is_empty() {
        out.push_str("<div class=\"reads\">");
        for read in &trace.reads {
            let _ = write!(
                out,
                "{} = {}<br>",
                escape(&read.path),
                escape(&crate::explain::value_text_described(
                    &read.value,
                    &read.ty,
                    schema
                ))
            );
        }
        out.push_str("</div>");
    }
    if !trace.children.is_empty() {
        out.push_str("<ul class=\"tree\">");
        for child in &trace.children {
            tree(out, child, schema, depth + 1);
        }
        out.push_str("</ul>");
    }
    out.push_str("</li>");
}
