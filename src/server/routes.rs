//! Every endpoint, once: the router is built from this table, and so is the
//! OpenAPI 3.1 document at `GET /openapi.json`, so the two cannot drift.

use super::{State, api, fhir, ui};
use crate::json::{Json, Map};
use crate::object;
use axum::routing::{MethodRouter, get, post};
use std::sync::Arc;

/// What a request carries.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Body {
    None,
    /// `application/json`: an evaluation request.
    Evaluate,
    /// `application/x-ndjson`: facts, one object per line.
    Ndjson,
    /// `application/x-www-form-urlencoded`: the reviewers' form.
    Form,
    /// `application/json`: a CDS Hooks request.
    Hook,
}

/// What a successful answer is.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Answer {
    Json,
    Text,
    Html,
    Ndjson,
    Metrics,
}

/// One endpoint.
#[derive(Debug)]
pub(crate) struct Endpoint {
    pub post: bool,
    pub path: &'static str,
    pub summary: &'static str,
    pub body: Body,
    pub answer: Answer,
    /// The error statuses it can answer with (besides 401 with a token).
    pub errors: &'static [u16],
    handler: fn() -> MethodRouter<Arc<State>>,
}

const fn endpoint(
    post: bool,
    path: &'static str,
    summary: &'static str,
    body: Body,
    answer: Answer,
    errors: &'static [u16],
    handler: fn() -> MethodRouter<Arc<State>>,
) -> Endpoint {
    Endpoint {
        post,
        path,
        summary,
        body,
        answer,
        errors,
        handler,
    }
}

/// Every endpoint the service has.
pub(crate) const ENDPOINTS: &[Endpoint] = &[
    endpoint(
        false,
        "/healthz",
        "The process is up",
        Body::None,
        Answer::Text,
        &[],
        || get(api::healthz),
    ),
    endpoint(
        false,
        "/readyz",
        "The policies are loaded",
        Body::None,
        Answer::Json,
        &[],
        || get(api::readyz),
    ),
    endpoint(
        false,
        "/metrics",
        "Prometheus metrics",
        Body::None,
        Answer::Metrics,
        &[],
        || get(api::metrics),
    ),
    endpoint(
        false,
        "/openapi.json",
        "This document",
        Body::None,
        Answer::Json,
        &[],
        || get(api::openapi),
    ),
    endpoint(
        false,
        "/v1/policies",
        "Each policy served: name, title, versions, decisions, content hash, reload error",
        Body::None,
        Answer::Json,
        &[],
        || get(api::list),
    ),
    endpoint(
        false,
        "/v1/policies/{policy}",
        "What `policyc describe --format json` prints",
        Body::None,
        Answer::Json,
        &[404],
        || get(api::describe),
    ),
    endpoint(
        false,
        "/v1/policies/{policy}/schema",
        "The JSON Schema of the policy's facts",
        Body::None,
        Answer::Json,
        &[404],
        || get(api::schema),
    ),
    endpoint(
        true,
        "/v1/policies/{policy}/evaluate",
        "A determination: the JSON `policyc eval --format json` prints, with a decision_id first",
        Body::Evaluate,
        Answer::Json,
        &[400, 404, 413, 415, 422, 503],
        || post(api::evaluate),
    ),
    endpoint(
        true,
        "/v1/policies/{policy}/evaluate/batch",
        "NDJSON facts in, one result line per line out, as `policyc eval --batch` writes",
        Body::Ndjson,
        Answer::Ndjson,
        &[400, 404, 413, 415, 503],
        || post(api::batch),
    ),
    endpoint(
        true,
        "/v1/admin/reload",
        "Read the policies again (with --admin)",
        Body::None,
        Answer::Json,
        &[404, 409],
        || post(api::reload),
    ),
    endpoint(
        false,
        "/fhir/Questionnaire/{policy}",
        "The FHIR R4 Questionnaire for the facts the decisions read (`?decision=` names them; all by default)",
        Body::None,
        Answer::Json,
        &[404],
        || get(fhir::questionnaire),
    ),
    endpoint(
        false,
        "/cds-services",
        "CDS Hooks discovery: one order-sign and one order-select service per boolean decision of a policy with a FHIR mapping",
        Body::None,
        Answer::Json,
        &[],
        || get(fhir::discovery),
    ),
    endpoint(
        true,
        "/cds-services/{id}",
        "A CDS Hooks call: the determination from the hook's prefetch and context, as Da Vinci CRD coverage cards",
        Body::Hook,
        Answer::Json,
        &[400, 404, 413, 415, 422, 503],
        || post(fhir::service),
    ),
    endpoint(
        false,
        "/ui",
        "The reviewers' page: the policies",
        Body::None,
        Answer::Html,
        &[],
        || get(ui::index),
    ),
    endpoint(
        false,
        "/ui/{policy}",
        "The reviewers' page: a policy's decisions and the facts form",
        Body::None,
        Answer::Html,
        &[404],
        || get(ui::policy),
    ),
    endpoint(
        true,
        "/ui/{policy}",
        "The reviewers' page: a determination, explained",
        Body::Form,
        Answer::Html,
        &[404, 413, 415],
        || post(ui::determine),
    ),
];

/// The routes of the table.
pub(crate) fn router() -> axum::Router<Arc<State>> {
    ENDPOINTS.iter().fold(axum::Router::new(), |router, e| {
        router.route(e.path, (e.handler)())
    })
}

fn content(kind: &str, schema: Json) -> Json {
    object! { kind => object! { "schema" => schema } }
}

fn reference(name: &str) -> Json {
    object! { "$ref" => format!("#/components/schemas/{name}") }
}

/// The OpenAPI 3.1 document of the table.
pub(crate) fn openapi() -> Json {
    let mut paths = Map::new();
    for e in ENDPOINTS {
        let mut operation = Map::new();
        operation.insert("summary", e.summary);
        let id: String = format!("{} {}", if e.post { "post" } else { "get" }, e.path)
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        operation.insert("operationId", id);
        if e.path.contains("{id}") {
            operation.insert(
                "parameters",
                vec![object! {
                    "name" => "id",
                    "in" => "path",
                    "required" => true,
                    "description" => "A service id from GET /cds-services",
                    "schema" => object! { "type" => "string" },
                }],
            );
        }
        if e.path.contains("{policy}") {
            operation.insert(
                "parameters",
                vec![object! {
                    "name" => "policy",
                    "in" => "path",
                    "required" => true,
                    "description" => "The name in the policy's header, e.g. mn_irts",
                    "schema" => object! { "type" => "string" },
                }],
            );
        }
        let request = match e.body {
            Body::None => None,
            Body::Evaluate => Some(content("application/json", reference("EvaluateRequest"))),
            Body::Ndjson => Some(content(
                "application/x-ndjson",
                object! { "type" => "string" },
            )),
            Body::Form => Some(content(
                "application/x-www-form-urlencoded",
                reference("ReviewForm"),
            )),
            Body::Hook => Some(content("application/json", reference("HookRequest"))),
        };
        if let Some(request) = request {
            operation.insert(
                "requestBody",
                object! { "required" => true, "content" => request },
            );
        }
        let ok = match e.answer {
            Answer::Json => content("application/json", object! { "type" => "object" }),
            Answer::Text => content("text/plain", object! { "type" => "string" }),
            Answer::Html => content("text/html", object! { "type" => "string" }),
            Answer::Ndjson => content("application/x-ndjson", object! { "type" => "string" }),
            Answer::Metrics => content(
                "application/openmetrics-text",
                object! { "type" => "string" },
            ),
        };
        let mut responses = Map::new();
        responses.insert("200", object! { "description" => "OK", "content" => ok });
        for status in e.errors {
            responses.insert(
                status.to_string(),
                object! {
                    "description" => error_description(*status),
                    "content" => content("application/json", reference("Error")),
                },
            );
        }
        operation.insert("responses", responses);
        let method = if e.post { "post" } else { "get" };
        let mut item = match paths.get(e.path) {
            Some(Json::Object(item)) => item.clone(),
            _ => Map::new(),
        };
        item.insert(method, operation);
        paths.insert(e.path, item);
    }
    object! {
        "openapi" => "3.1.0",
        "info" => object! {
            "title" => "policyc decision service",
            "version" => env!("CARGO_PKG_VERSION"),
            "description" => "Determinations of Medicaid policy, explained criterion by criterion, for the policies under --policies. See docs/serve.md.",
        },
        "paths" => paths,
        "components" => object! { "schemas" => schemas() },
    }
}

fn error_description(status: u16) -> &'static str {
    match status {
        400 => "The body, the facts or a date cannot be used",
        404 => "No such policy, decision or endpoint",
        409 => "The reload could not read the policies; nothing changed",
        413 => "The body is over --max-body",
        415 => "The Content-Type is not the one the endpoint takes",
        422 => "No as-of date, no version in force, or a computation the facts make impossible",
        503 => "The decision log could not be written; the determination is not given out",
        _ => "An error",
    }
}

fn schemas() -> Map {
    let date = object! { "type" => "string", "pattern" => "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" };
    let mut schemas = Map::new();
    schemas.insert(
        "EvaluateRequest",
        object! {
            "type" => "object",
            "required" => vec!["facts", "as_of"],
            "additionalProperties" => false,
            "properties" => object! {
                "facts" => object! {
                    "type" => "object",
                    "description" => "The member's facts, as in a facts file; GET /v1/policies/{policy}/schema gives their JSON Schema",
                },
                "as_of" => date.clone(),
                "date_of_service" => date.clone(),
                "decisions" => object! { "type" => "array", "items" => object! { "type" => "string" } },
                "explain" => object! { "type" => "boolean" },
            },
        },
    );
    schemas.insert(
        "HookRequest",
        object! {
            "type" => "object",
            "required" => vec!["hook", "hookInstance", "context"],
            "properties" => object! {
                "hook" => object! { "type" => "string" },
                "hookInstance" => object! { "type" => "string" },
                "context" => object! { "type" => "object" },
                "prefetch" => object! { "type" => "object" },
            },
        },
    );
    schemas.insert(
        "ReviewForm",
        object! {
            "type" => "object",
            "required" => vec!["facts", "as_of"],
            "properties" => object! {
                "facts" => object! { "type" => "string", "description" => "The facts, as JSON text" },
                "as_of" => date.clone(),
                "date_of_service" => object! { "type" => "string" },
            },
        },
    );
    schemas.insert(
        "Error",
        object! {
            "type" => "object",
            "required" => vec!["error"],
            "properties" => object! {
                "error" => object! {
                    "type" => "object",
                    "required" => vec!["code", "message", "details"],
                    "properties" => object! {
                        "code" => object! { "type" => "string" },
                        "message" => object! { "type" => "string" },
                        "details" => object! { "type" => "array" },
                    },
                },
            },
        },
    );
    schemas
}
