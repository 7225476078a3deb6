//! The JSON form of a determination.

use crate::check::{Checked, Schema, Type};
use crate::eval::{DecisionResult, Determination, Trace, TraceKind};
use crate::json::{Json, Map};
use crate::object;
use crate::value::Value;

/// The determination as JSON: `{"policy", "title", "as_of", "decisions": {name:
/// {"value", "missing", "label", "citation", "trace"?}}}`.
pub fn to_json(checked: &Checked, determination: &Determination) -> Json {
    let header = checked.header();
    let schema = checked.schema();
    let mut decisions = Map::new();
    for decision in &determination.decisions {
        decisions.insert(decision.name().to_owned(), decision_json(decision, schema));
    }
    let mut out = object! {
        "policy" => &header.name.text,
        "title" => &header.title,
        "jurisdiction" => &header.jurisdiction,
        "source" => &header.source,
        "effective" => header.effective.to_string(),
        "as_of" => determination.as_of.to_string(),
    };
    if let (Some(version), Json::Object(map)) = (checked.version(), &mut out) {
        map.insert(
            "version",
            object! {
                "name" => &version.name,
                "effective" => version.effective.to_string(),
                "until" => version.until.map(|d| d.to_string()),
            },
        );
    }
    if let Json::Object(map) = &mut out {
        map.insert("decisions", Json::Object(decisions));
    }
    out
}

fn decision_json(decision: &DecisionResult, schema: &Schema) -> Json {
    let mut out = Map::new();
    out.insert("value", value_json(&decision.value, decision.ty(), schema));
    out.insert(
        "missing",
        decision
            .missing
            .iter()
            .map(|p| Json::from(p.as_ref()))
            .collect::<Json>(),
    );
    out.insert("label", decision.label());
    out.insert("citation", decision.citation());
    if let Some(trace) = &decision.trace {
        out.insert("trace", trace_json(trace, schema));
    }
    Json::Object(out)
}

fn trace_json(trace: &Trace, schema: &Schema) -> Json {
    let (kind, name) = match &trace.kind {
        TraceKind::Decision(name) => ("decision", Some(name)),
        TraceKind::Rule(name) => ("rule", Some(name)),
        TraceKind::Criterion => ("criterion", None),
        TraceKind::Exception => ("exception", None),
    };
    let mut out = Map::new();
    out.insert("kind", kind);
    if let Some(name) = name {
        out.insert("name", name);
    }
    out.insert("label", &*trace.label);
    out.insert("citation", trace.citation.as_deref());
    out.insert("value", value_json(&trace.value, &trace.ty, schema));
    if let Some(error) = &trace.error {
        out.insert("error", error.as_ref());
    }
    let missing: Vec<Json> = trace
        .value
        .deep_missing()
        .paths()
        .iter()
        .map(|p| Json::from(p.as_ref()))
        .collect();
    out.insert("missing", Json::Array(missing));
    let reads: Vec<Json> = trace
        .reads
        .iter()
        .map(
            |r| object! {"fact" => r.path.as_ref(), "value" => value_json(&r.value, &r.ty, schema)},
        )
        .collect();
    out.insert("reads", Json::Array(reads));
    let children: Vec<Json> = trace
        .children
        .iter()
        .map(|c| trace_json(c, schema))
        .collect();
    out.insert("children", Json::Array(children));
    Json::Object(out)
}

/// A value as JSON; unknown is the string `"unknown"`.
pub fn value_json(value: &Value, ty: &Type, schema: &Schema) -> Json {
    match (value, ty) {
        (Value::Bool(b), _) => Json::Bool(*b),
        (Value::Integer(i), _) => Json::from(*i),
        (Value::Decimal(d), _) => d
            .to_string()
            .parse::<serde_json::Number>()
            .map_or_else(|_| Json::String(d.to_string()), Json::Number),
        (Value::Record(fields), Type::Record(id)) => {
            let names = schema
                .record(*id)
                .map(|r| r.fields.as_slice())
                .unwrap_or(&[]);
            let object: Map = names
                .iter()
                .zip(fields.iter())
                .map(|(f, v)| (f.name.clone(), value_json(v, &f.ty, schema)))
                .collect();
            Json::Object(object)
        }
        (Value::List(items), Type::List(element)) => items
            .iter()
            .map(|v| value_json(v, element, schema))
            .collect(),
        (Value::Text(t), _) => Json::String(t.to_string()),
        (Value::Unknown(_) | Value::Range(_), _) => Json::String("unknown".to_owned()),
        (other, ty) => Json::String(super::value_text(other, ty, schema)),
    }
}
