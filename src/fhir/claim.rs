//! A determination as a FHIR R4 `ClaimResponse` (`use: preauthorization`):
//! the outcome, each boolean decision as an item with its review action,
//! and for a denial or a pend the specific reasons — each criterion not met
//! or not known, in the manual's words, with its citation.
//!
//! Built from the documented JSON of a determination (docs/output.md),
//! evaluated with explanations on.

use crate::json::{Json, Map};
use crate::object;

/// The Da Vinci PAS extension for the review action on an adjudication.
pub const REVIEW_ACTION: &str =
    "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-reviewAction";

/// X12 306 action codes, the code system PAS uses for review actions.
const X12_ACTION: &str = "https://codesystem.x12.org/005010/306";

/// What the ClaimResponse says about the request besides the determination.
#[derive(Debug, Clone)]
pub struct ClaimOptions {
    /// The patient reference, e.g. `Patient/123`; a display-only reference
    /// when absent.
    pub patient: Option<String>,
    /// When the response is created (RFC 3339).
    pub created: String,
    /// The authorization number given when every decision is met.
    pub pre_auth_ref: String,
}

/// One reason for a decision's value: a criterion's words and citation.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    /// The manual's words.
    pub label: String,
    /// The citation, if the criterion has one.
    pub citation: Option<String>,
    /// `true`, `false` or `unknown`.
    pub value: String,
    /// For an unknown criterion, the facts it still needs.
    pub missing: Vec<String>,
}

impl Reason {
    /// "words (citation)".
    pub fn text(&self) -> String {
        match &self.citation {
            Some(c) => format!("{} ({c})", self.label),
            None => self.label.clone(),
        }
    }
}

/// The criteria that make a decision what it is, from its trace: for
/// `false` those not met, for `unknown` those not known, for `true` those
/// met — the decision's own criteria, each with its words and citation.
pub fn reasons(decision: &Json) -> Vec<Reason> {
    let target = match decision.get("value") {
        Some(Json::Bool(true)) => "true",
        Some(Json::Bool(false)) => "false",
        Some(Json::String(s)) if s == "unknown" => "unknown",
        _ => return Vec::new(),
    };
    let Some(trace) = decision.get("trace") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    collect(trace, target, &mut out);
    out
}

fn value_text(node: &Json) -> &str {
    match node.get("value") {
        Some(Json::Bool(true)) => "true",
        Some(Json::Bool(false)) => "false",
        Some(Json::String(s)) => s,
        _ => "",
    }
}

fn strings(node: &Json, key: &str) -> Vec<String> {
    node.get(key)
        .and_then(Json::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|i| match i {
                    Json::String(s) => Some(s.clone()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Adds the children of `node` whose value is `target`.
fn collect(node: &Json, target: &str, out: &mut Vec<Reason>) {
    let Some(children) = node.get("children").and_then(Json::as_array) else {
        return;
    };
    for child in children.iter().filter(|c| value_text(c) == target) {
        let label = match child.get("label") {
            Some(Json::String(s)) => s.clone(),
            _ => String::new(),
        };
        let citation = match child.get("citation") {
            Some(Json::String(s)) => Some(s.clone()),
            _ => None,
        };
        out.push(Reason {
            label,
            citation,
            value: target.to_owned(),
            missing: strings(child, "missing"),
        });
    }
}

/// The ClaimResponse for a determination (its documented JSON, evaluated
/// with explanations on).
pub fn claim_response(determination: &Json, options: &ClaimOptions) -> Json {
    let empty = Map::new();
    let decisions = determination
        .get("decisions")
        .and_then(Json::as_object)
        .unwrap_or(&empty);
    let text = |key: &str| match determination.get(key) {
        Some(Json::String(s)) => s.clone(),
        _ => String::new(),
    };
    let mut items = Vec::new();
    let mut notes = Vec::new();
    let (mut all_met, mut any_unknown, mut any_denied) = (true, false, false);
    for (name, decision) in decisions.iter() {
        let value = value_text(decision).to_owned();
        if !matches!(value.as_str(), "true" | "false" | "unknown") {
            let shown = decision
                .get("value")
                .map(Json::to_string)
                .unwrap_or_default();
            notes.push(note(notes.len() + 1, format!("{name}: {shown}")));
            continue;
        }
        all_met &= value == "true";
        any_unknown |= value == "unknown";
        any_denied |= value == "false";
        items.push(decision_item(
            name,
            decision,
            &value,
            items.len() + 1,
            &mut notes,
        ));
    }
    let disposition = if any_denied {
        "Denied: criteria not met (see the notes)"
    } else if any_unknown {
        "Pended: documentation needed (see the notes)"
    } else {
        "Approved: every criterion met"
    };
    let patient = match &options.patient {
        Some(reference) => object! { "reference" => reference.as_str() },
        None => object! { "display" => "The member named in the request" },
    };
    let mut out = Map::new();
    out.insert("resourceType", "ClaimResponse");
    out.insert("status", "active");
    out.insert("type", object! { "text" => text("title") });
    out.insert("use", "preauthorization");
    out.insert("patient", patient);
    out.insert("created", options.created.as_str());
    out.insert("insurer", object! { "display" => text("jurisdiction") });
    out.insert("outcome", if any_unknown { "partial" } else { "complete" });
    out.insert("disposition", disposition);
    if all_met && !items.is_empty() {
        out.insert("preAuthRef", options.pre_auth_ref.as_str());
    }
    out.insert("item", items);
    if !notes.is_empty() {
        out.insert("processNote", notes);
    }
    Json::Object(out)
}

/// The item for one boolean decision (`value` is `true`, `false` or
/// `unknown`), its reasons added to `notes`.
fn decision_item(
    name: &str,
    decision: &Json,
    value: &str,
    sequence: usize,
    notes: &mut Vec<Json>,
) -> Json {
    let mut numbers = Vec::new();
    for reason in reasons(decision) {
        let mut line = match reason.value.as_str() {
            "true" => format!("Met: {}", reason.text()),
            "false" => format!("Not met: {}", reason.text()),
            _ => format!("Not known: {}", reason.text()),
        };
        if !reason.missing.is_empty() {
            line.push_str(&format!("; facts needed: {}", reason.missing.join(", ")));
        }
        numbers.push(Json::from(notes.len() + 1));
        notes.push(note(notes.len() + 1, line));
    }
    let (code, display) = match value {
        "true" => ("A1", "Certified in total"),
        "false" => ("A3", "Not certified"),
        _ => ("A4", "Pended"),
    };
    let label = match decision.get("label") {
        Some(Json::String(s)) => s.clone(),
        _ => name.to_owned(),
    };
    let review = object! {
        "url" => REVIEW_ACTION,
        "extension" => vec![object! {
            "url" => "code",
            "valueCodeableConcept" => object! {
                "coding" => vec![object! {
                    "system" => X12_ACTION,
                    "code" => code,
                    "display" => display,
                }],
            },
        }],
    };
    let mut item = Map::new();
    item.insert("itemSequence", sequence);
    if !numbers.is_empty() {
        item.insert("noteNumber", numbers);
    }
    item.insert(
        "adjudication",
        vec![object! {
            "extension" => vec![review],
            "category" => object! { "text" => format!("{name}: {label}") },
            "reason" => object! { "text" => format!("{name} is {value}") },
        }],
    );
    Json::Object(item)
}

fn note(number: usize, text: String) -> Json {
    object! { "number" => number, "type" => "display", "text" => text }
}
