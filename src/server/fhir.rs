//! The service's FHIR surfaces: each policy's Questionnaire, and CDS Hooks
//! (Da Vinci CRD) services — discovery, and `order-sign` / `order-select`
//! answered with coverage cards built from the determination.

use super::error::ApiError;
use super::{Served, State, record};
use crate::engine::{Determination, Options, Prepared};
use crate::fhir::{self, Mapping};
use crate::json::{Json, Map};
use crate::object;
use crate::source::SourceFile;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, RawQuery, State as Shared};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;
use std::sync::Arc;

type Shared_ = Shared<Arc<State>>;

/// The hooks each decision is offered on.
const HOOKS: [(&str, &str); 2] = [("order-sign", ""), ("order-select", "-select")];

/// `GET /fhir/Questionnaire/{policy}`: the Questionnaire for the facts the
/// named decisions (all by default) read, in the version in force today.
pub(crate) async fn questionnaire(
    Shared(state): Shared_,
    Path(name): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let result = (|| {
        // The Questionnaire's id (`mn-irts`) or the policy's name.
        let catalogue = state.catalogue();
        let found = catalogue
            .values()
            .find(|s| fhir::resource_id(&s.name) == name)
            .cloned();
        let served = match found {
            Some(served) => served,
            None => state.policy(&name)?,
        };
        let checked = served.policy.latest();
        // `?decision=a&decision=b`: decision names need no decoding.
        let names: Vec<&str> = query
            .as_deref()
            .unwrap_or("")
            .split('&')
            .filter_map(|pair| pair.strip_prefix("decision="))
            .collect();
        for decision in &names {
            if checked.decision(decision).is_none() {
                return Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    "unknown_decision",
                    format!("`{name}` has no decision `{decision}`"),
                ));
            }
        }
        Ok(fhir::questionnaire(
            &served.policy,
            checked,
            &names,
            &state.fhir_base(),
        ))
    })();
    match result {
        Ok(json) => fhir_response(StatusCode::OK, &json),
        Err(e) => e.into_response(),
    }
}

/// A FHIR JSON response.
fn fhir_response(status: StatusCode, json: &Json) -> Response {
    let mut text = serde_json::to_string_pretty(json).unwrap_or_default();
    text.push('\n');
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/fhir+json")],
        text,
    )
        .into_response()
}

/// One CDS service: a boolean decision of a policy with a mapping file, on
/// one hook.
struct Service<'a> {
    id: String,
    hook: &'static str,
    served: &'a Served,
    mapping: &'a Mapping,
    decision: &'a crate::check::CheckedDefinition,
}

/// Every CDS service the catalogue offers.
fn services(catalogue: &super::Catalogue) -> Vec<Service<'_>> {
    let mut out = Vec::new();
    for served in catalogue.values() {
        let Some(mapping) = served.mapping.as_deref() else {
            continue;
        };
        let checked = served.policy.latest();
        for (_, decision) in checked.decisions() {
            if decision.ty != crate::check::Type::Bool {
                continue;
            }
            for (hook, suffix) in HOOKS {
                out.push(Service {
                    id: format!("{}-{}{suffix}", served.name, decision.name).replace('_', "-"),
                    hook,
                    served,
                    mapping,
                    decision,
                });
            }
        }
    }
    out
}

/// `GET /cds-services`: CDS Hooks discovery.
pub(crate) async fn discovery(Shared(state): Shared_) -> Response {
    let catalogue = state.catalogue();
    let services: Vec<Json> = services(&catalogue)
        .iter()
        .map(|s| {
            let mut prefetch = Map::new();
            for kind in s.mapping.resource_types() {
                let query = if kind == "Patient" {
                    "Patient/{{context.patientId}}".to_owned()
                } else {
                    format!("{kind}?patient={{{{context.patientId}}}}")
                };
                prefetch.insert(kind.to_ascii_lowercase(), query);
            }
            let title = s.served.policy.latest().header().title.clone();
            object! {
                "hook" => s.hook,
                "title" => format!("{title}: {}", s.decision.name),
                "description" => format!(
                    "Coverage requirements for {} ({}): {}",
                    title,
                    s.decision.name,
                    s.decision.label.as_deref().unwrap_or(&s.decision.name)
                ),
                "id" => s.id.as_str(),
                "prefetch" => prefetch,
            }
        })
        .collect();
    super::api::json_response(StatusCode::OK, &object! { "services" => services })
}

/// `POST /cds-services/{id}`: the determination for the patient in the
/// hook's context and prefetch, as CRD coverage cards.
pub(crate) async fn service(
    Shared(state): Shared_,
    Path(id): Path<String>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Response {
    match service_inner(&state, &id, &headers, raw).await {
        Ok(json) => super::api::json_response(StatusCode::OK, &json),
        Err(e) => e.into_response(),
    }
}

async fn service_inner(
    state: &Arc<State>,
    id: &str,
    headers: &HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Json, ApiError> {
    let catalogue = state.catalogue();
    let all = services(&catalogue);
    let Some(service) = all.iter().find(|s| s.id == id) else {
        let ids: Vec<&str> = all.iter().map(|s| s.id.as_str()).collect();
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_service",
            format!(
                "no CDS service `{id}`; GET /cds-services lists them: {}",
                ids.join(", ")
            ),
        ));
    };
    super::api::content_type(headers, &["application/json"])?;
    let bytes = super::api::body(raw, "see --max-body")?;
    let request: HookRequest = serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_hook_request",
            format!("the body is not a CDS Hooks request: {e}"),
        )
    })?;
    if request.hook != service.hook {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "wrong_hook",
            format!(
                "service `{id}` answers `{}`, not `{}`",
                service.hook, request.hook
            ),
        ));
    }
    let (prepared, determination, facts_text) = determine(service, &request)?;
    let decision_id = uuid::Uuid::now_v7().to_string();
    if let Some(log) = &state.log {
        let asked = [service.decision.name.clone()];
        let line = record::log_line(
            &decision_id,
            service.served,
            (None, &asked),
            &determination,
            &prepared,
            &facts_text,
            state.log_facts,
        );
        if log.append(line).await.is_err() {
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "decision_log_unavailable",
                "the decision could not be written to the audit log; try again",
            ));
        }
    }
    Ok(cards(
        state,
        service,
        &prepared,
        &determination,
        &decision_id,
    ))
}

/// Fills the facts from the hook's resources through the mapping and
/// evaluates the service's decision, explained; with the facts as JSON
/// text, for the log.
fn determine(
    service: &Service,
    request: &HookRequest,
) -> Result<(Prepared, Determination, String), ApiError> {
    let bundle = request.bundle();
    let source = SourceFile::new("the hook's prefetch and context", bundle.to_string());
    let facts_json = service
        .mapping
        .facts(&source)
        .map_err(|d| ApiError::facts(&d))?;
    let facts_text = facts_json.to_string();
    let facts = service
        .served
        .policy
        .facts(
            &SourceFile::new("facts from the hook", facts_text.clone()),
            crate::engine::Format::Json,
        )
        .map_err(|d| ApiError::facts(&d))?;
    // A hook is called as the clinician orders: the determination is made
    // as of today, in the server's time zone.
    let as_of = jiff::Zoned::now().date();
    let prepared = service
        .served
        .policy
        .prepare(&[service.decision.name.as_str()], Options { explain: true })
        .map_err(|e| ApiError::engine(&e))?;
    let determination = prepared
        .evaluate(&facts, as_of, None)
        .map_err(|e| ApiError::engine(&e))?;
    Ok((prepared, determination, facts_text))
}

/// The body of a CDS Hooks call: the parts this service reads.
#[derive(Debug, Deserialize)]
struct HookRequest {
    hook: String,
    #[serde(rename = "hookInstance")]
    #[allow(dead_code, reason = "required by CDS Hooks; checked by deserializing")]
    hook_instance: String,
    #[serde(default)]
    context: Value,
    #[serde(default)]
    prefetch: serde_json::Map<String, Value>,
}

impl HookRequest {
    /// The prefetched resources (a Bundle's entries, or a resource) and the
    /// context's draft orders, as one Bundle.
    fn bundle(&self) -> Value {
        let mut entries = Vec::new();
        let mut add = |resource: &Value| {
            if resource.get("resourceType").and_then(Value::as_str) == Some("Bundle") {
                for entry in resource
                    .get("entry")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(r) = entry.get("resource") {
                        entries.push(serde_json::json!({ "resource": r }));
                    }
                }
            } else if resource.get("resourceType").is_some() {
                entries.push(serde_json::json!({ "resource": resource }));
            }
        };
        for value in self.prefetch.values() {
            add(value);
        }
        for key in ["draftOrders", "selections"] {
            if let Some(orders) = self.context.get(key) {
                add(orders);
            }
        }
        serde_json::json!({ "resourceType": "Bundle", "type": "collection", "entry": entries })
    }
}

/// The CRD coverage card for the determination.
fn cards(
    state: &State,
    service: &Service,
    prepared: &Prepared,
    determination: &Determination,
    decision_id: &str,
) -> Json {
    let json = prepared.json(determination);
    let name = &service.decision.name;
    let empty = Json::Null;
    let decision = json
        .get("decisions")
        .and_then(|d| d.get(name))
        .unwrap_or(&empty);
    let label = service.decision.label.as_deref().unwrap_or(name);
    let citation = service.decision.citation.as_deref().unwrap_or("");
    let reasons = fhir::reasons(decision);
    let bullets: Vec<String> = reasons.iter().map(|r| format!("- {}", r.text())).collect();
    let missing: Vec<String> = match decision.get("missing") {
        Some(Json::Array(items)) => items
            .iter()
            .filter_map(|m| match m {
                Json::String(s) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let (summary, indicator, detail) =
        card_text(service, decision, label, citation, &bullets, &missing);
    let mut card = Map::new();
    card.insert("uuid", decision_id);
    card.insert("summary", truncate(&summary, 140));
    card.insert("detail", detail);
    card.insert("indicator", indicator);
    card.insert(
        "source",
        object! { "label" => format!("{} ({})", service.served.policy.latest().header().title, citation) },
    );
    if !missing.is_empty() {
        let url = format!(
            "{}?decision={name}",
            fhir::questionnaire_url(&state.fhir_base(), &service.served.name)
        );
        card.insert(
            "links",
            vec![object! {
                "label" => "Documentation questionnaire (FHIR Questionnaire)",
                "url" => url,
                "type" => "absolute",
            }],
        );
    }
    object! { "cards" => vec![Json::Object(card)] }
}

/// A card's summary, indicator and detail for the decision's value.
fn card_text(
    service: &Service,
    decision: &Json,
    label: &str,
    citation: &str,
    bullets: &[String],
    missing: &[String],
) -> (String, &'static str, String) {
    let schema = service.served.policy.schema();
    // A decision the mapping lists as a prior authorization's says whether
    // the request is in order, not whether the service is covered.
    let (met, not_met, unknown) = if service
        .mapping
        .is_prior_authorization(&service.decision.name)
    {
        (
            "Prior authorization request complete",
            "Prior authorization request incomplete",
            "Documentation needed for prior authorization",
        )
    } else {
        ("Covered", "Not covered", "Documentation needed")
    };
    match decision.get("value") {
        Some(Json::Bool(true)) => (
            format!("{met}: {label}"),
            "info",
            format!(
                "Every criterion is met ({citation}):\n\n{}",
                bullets.join("\n")
            ),
        ),
        Some(Json::Bool(false)) => (
            format!("{not_met}: {label}"),
            "warning",
            format!("Criteria not met:\n\n{}", bullets.join("\n")),
        ),
        _ => {
            let facts: Vec<String> = missing
                .iter()
                .map(
                    |path| match crate::describe::fact_description(schema, path) {
                        Some(text) => format!("- `{path}`: {text}"),
                        None => format!("- `{path}`"),
                    },
                )
                .collect();
            (
                format!("{unknown}: {label}"),
                "warning",
                format!(
                    "Not yet known:\n\n{}\n\nDocument these facts:\n\n{}",
                    bullets.join("\n"),
                    facts.join("\n")
                ),
            )
        }
    }
}

/// At most `max` characters (CDS Hooks limits a card's summary to 140).
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}
