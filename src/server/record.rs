//! What a decision-log line holds: who decided what, on which policy and
//! version, as of when, and a digest of the facts (the facts themselves
//! only when asked, since they hold member health data).

use super::{Served, hex};
use crate::engine::{Determination, Prepared};
use crate::json::{Json, Map};
use crate::object;
use sha2::{Digest, Sha256};

/// One decision-log line: who decided what, on which policy and version,
/// as of when, and a digest of the facts (the facts themselves only when
/// asked, since they hold member health data).
pub(crate) fn log_line(
    decision_id: &str,
    served: &Served,
    (date_of_service, asked): (Option<&str>, &[String]),
    determination: &Determination,
    prepared: &Prepared,
    facts: &str,
    with_facts: bool,
) -> String {
    let canonical = serde_json::from_str::<serde_json::Value>(facts)
        .map(|v| canonical(&v))
        .unwrap_or_else(|_| facts.to_owned());
    let digest = hex(&Sha256::digest(canonical.as_bytes()));
    let checked = prepared.checked(determination);
    let results: Map = determination
        .decisions
        .iter()
        .map(|d| {
            let value = crate::explain::value_json(&d.value, d.ty(), checked.schema());
            let missing: Vec<Json> = d.missing.iter().map(|m| Json::from(m.as_ref())).collect();
            (
                d.name().to_owned(),
                object! { "value" => value, "missing" => missing },
            )
        })
        .collect();
    let mut line = Map::new();
    line.insert("decision_id", decision_id);
    line.insert("time", jiff::Timestamp::now().to_string());
    line.insert("policy", served.name.as_str());
    line.insert("policy_sha256", served.hash.as_str());
    line.insert("version", determination.version.as_deref());
    line.insert("as_of", determination.as_of.to_string());
    line.insert("date_of_service", date_of_service);
    line.insert("decisions_asked", Json::from(asked.to_vec()));
    line.insert("results", results);
    line.insert("facts_sha256", digest);
    if with_facts {
        let facts = serde_json::from_str::<Json>(facts).unwrap_or(Json::Null);
        line.insert("facts", facts);
    }
    Json::Object(line).to_string()
}

/// One decision-log line for a batch line's result document: the same
/// fields as for one evaluation, with the batch's id and the line number.
pub(crate) fn batch_log_line(
    batch_id: &str,
    number: u64,
    served: &Served,
    (date_of_service, decisions): &(Option<String>, Option<String>),
    result: &Json,
    facts: &str,
    with_facts: bool,
) -> String {
    // The facts without the line's own `as_of`, so a member's digest is the
    // same as for a single evaluation of the same facts.
    let mut parsed = serde_json::from_str::<serde_json::Value>(facts).ok();
    if let Some(object) = parsed.as_mut().and_then(serde_json::Value::as_object_mut) {
        object.remove("as_of");
    }
    let canonical = parsed.as_ref().map_or_else(|| facts.to_owned(), canonical);
    let results: Map = result
        .get("decisions")
        .and_then(Json::as_object)
        .map(|decisions| {
            decisions
                .iter()
                .map(|(name, d)| {
                    (
                        name.to_owned(),
                        object! {
                            "value" => d.get("value").cloned().unwrap_or_default(),
                            "missing" => d.get("missing").cloned().unwrap_or_default(),
                        },
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let asked: Vec<Json> = decisions
        .as_deref()
        .map(|d| d.split(',').map(|n| Json::from(n.trim())).collect())
        .unwrap_or_default();
    let mut line = Map::new();
    line.insert("decision_id", uuid::Uuid::now_v7().to_string());
    line.insert("batch_id", batch_id);
    line.insert("line", number);
    line.insert("time", jiff::Timestamp::now().to_string());
    line.insert("policy", served.name.as_str());
    line.insert("policy_sha256", served.hash.as_str());
    line.insert(
        "version",
        result
            .get("version")
            .and_then(|v| v.get("name"))
            .cloned()
            .unwrap_or_default(),
    );
    line.insert("as_of", result.get("as_of").cloned().unwrap_or_default());
    line.insert("date_of_service", date_of_service.as_deref());
    line.insert("decisions_asked", asked);
    line.insert("results", results);
    line.insert("facts_sha256", hex(&Sha256::digest(canonical.as_bytes())));
    if with_facts {
        // In the order written, without the line's own `as_of`.
        let mut logged = serde_json::from_str::<Json>(facts).unwrap_or(Json::Null);
        if let Some(object) = logged.as_object_mut() {
            object.remove("as_of");
        }
        line.insert("facts", logged);
    }
    Json::Object(line).to_string()
}

/// Canonical JSON text: object keys sorted at every level, no white space,
/// whatever order serde_json's maps keep (another crate in the build may
/// turn on its `preserve_order`).
/// Its depth is bounded by serde_json's parser, which stops at 128 levels.
fn canonical(value: &serde_json::Value) -> String {
    fn sorted(value: &serde_json::Value) -> serde_json::Value {
        match value {
            serde_json::Value::Object(map) => {
                let mut entries: Vec<(&String, &serde_json::Value)> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                serde_json::Value::Object(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k.clone(), sorted(v)))
                        .collect(),
                )
            }
            serde_json::Value::Array(items) => {
                serde_json::Value::Array(items.iter().map(sorted).collect())
            }
            other => other.clone(),
        }
    }
    sorted(value).to_string()
}
