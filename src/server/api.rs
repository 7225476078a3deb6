//! The JSON API's handlers: policies, their descriptions and schemas, and
//! evaluation, one member or NDJSON lines.

use super::error::ApiError;
use super::record;
use super::{Served, State};
use crate::batch::{self, Batch};
use crate::engine::{Format, Options, Prepared};
use crate::json::{Json, Map};
use crate::object;
use crate::source::SourceFile;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State as Shared};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::sync::Arc;

type Shared_ = Shared<Arc<State>>;

/// A JSON response, pretty-printed as the command line prints.
pub(crate) fn json_response(status: StatusCode, json: &Json) -> Response {
    let mut text = serde_json::to_string_pretty(json).unwrap_or_default();
    text.push('\n');
    (status, [(header::CONTENT_TYPE, "application/json")], text).into_response()
}

/// With `--token-file`, every `/v1/` request must carry
/// `Authorization: Bearer <token>`; the health checks stay open.
pub(crate) async fn authorize(
    Shared(state): Shared_,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let Some(token) = &state.token else {
        return next.run(request).await;
    };
    if !request.uri().path().starts_with("/v1/") {
        return next.run(request).await;
    }
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if same(given.as_bytes(), token.as_bytes()) {
        next.run(request).await
    } else {
        let mut response = ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send the service's token as `Authorization: Bearer <token>`",
        )
        .into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            axum::http::HeaderValue::from_static("Bearer"),
        );
        response
    }
}

/// Whether two byte strings are equal, in a time that depends on their
/// lengths only, so a token cannot be guessed byte by byte from timings.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Counts each answered request by its route (the pattern, not the path,
/// so a caller cannot grow the label set) and status, and times it.
pub(crate) async fn measure(
    Shared(state): Shared_,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_owned();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    state.metrics.request(
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// `GET /metrics`: Prometheus text.
pub(crate) async fn metrics(Shared(state): Shared_) -> Response {
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.text(),
    )
        .into_response()
}

/// `GET /openapi.json`: the OpenAPI 3.1 document, built from the same
/// table as the routes.
pub(crate) async fn openapi() -> Response {
    json_response(StatusCode::OK, &super::routes::openapi())
}

/// `GET /healthz`: the process is up.
pub(crate) async fn healthz() -> &'static str {
    "ok\n"
}

/// `GET /readyz`: policies are loaded (the server starts only with some).
pub(crate) async fn readyz(Shared(state): Shared_) -> Response {
    json_response(
        StatusCode::OK,
        &object! { "ready" => true, "policies" => state.catalogue().len() },
    )
}

/// Any other path.
pub(crate) async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such endpoint; see GET /v1/policies",
    )
}

/// `GET /v1/policies`: what each served policy is, and its content hash.
pub(crate) async fn list(Shared(state): Shared_) -> Response {
    let policies: Vec<Json> = state.catalogue().values().map(|s| summary(s)).collect();
    json_response(StatusCode::OK, &object! { "policies" => policies })
}

fn summary(served: &Served) -> Json {
    let latest = served.policy.latest();
    let header = latest.header();
    let versions: Vec<Json> = served
        .policy
        .versions()
        .iter()
        .filter_map(|c| c.version())
        .map(|v| {
            object! {
                "name" => &v.name,
                "effective" => v.effective.to_string(),
                "until" => v.until.map(|d| d.to_string()),
            }
        })
        .collect();
    let decisions: Vec<Json> = latest
        .decisions()
        .map(|(_, d)| Json::from(&d.name))
        .collect();
    object! {
        "name" => &served.name,
        "title" => &header.title,
        "jurisdiction" => &header.jurisdiction,
        "source" => &header.source,
        "effective" => header.effective.to_string(),
        "versions" => versions,
        "decisions" => decisions,
        "sha256" => &served.hash,
        "reload_error" => served.reload_error.as_deref(),
    }
}

/// `POST /v1/admin/reload` (with `--admin`): reads the policies again, as
/// SIGHUP does, and says what failed.
pub(crate) async fn reload(Shared(state): Shared_) -> Response {
    if !state.admin {
        return ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such endpoint; start the server with --admin to open /v1/admin/reload",
        )
        .into_response();
    }
    let shared = Arc::clone(&state);
    match tokio::task::spawn_blocking(move || shared.reload()).await {
        Ok(Ok(failures)) => json_response(
            StatusCode::OK,
            &object! {
                "reloaded" => true,
                "policies" => state.catalogue().len(),
                "failures" => failures,
            },
        ),
        Ok(Err(e)) => {
            ApiError::new(StatusCode::CONFLICT, "reload_failed", e.to_string()).into_response()
        }
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "reload_failed",
            "the reload did not finish; the policies are unchanged",
        )
        .into_response(),
    }
}

/// `GET /v1/policies/{policy}`: what `describe --format json` prints.
pub(crate) async fn describe(Shared(state): Shared_, Path(name): Path<String>) -> Response {
    match state.policy(&name) {
        Ok(served) => json_response(
            StatusCode::OK,
            &crate::describe::describe_json(served.policy.latest()),
        ),
        Err(e) => e.into_response(),
    }
}

/// `GET /v1/policies/{policy}/schema`: the JSON Schema of its facts.
pub(crate) async fn schema(Shared(state): Shared_, Path(name): Path<String>) -> Response {
    match state.policy(&name) {
        Ok(served) => json_response(
            StatusCode::OK,
            &crate::describe::json_schema(served.policy.latest()),
        ),
        Err(e) => e.into_response(),
    }
}

/// The body of `POST …/evaluate`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EvaluateRequest<'a> {
    #[serde(borrow)]
    facts: Option<&'a RawValue>,
    as_of: Option<String>,
    date_of_service: Option<String>,
    #[serde(default)]
    decisions: Vec<String>,
    #[serde(default)]
    explain: bool,
}

/// Refuses a body that is not of `wanted` content type.
pub(crate) fn content_type(headers: &HeaderMap, wanted: &[&str]) -> Result<(), ApiError> {
    let given = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = given.split(';').next().unwrap_or("").trim();
    if wanted.iter().any(|w| essence.eq_ignore_ascii_case(w)) {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!(
                "the body must be sent as {} (Content-Type was {})",
                wanted.join(" or "),
                if given.is_empty() { "not given" } else { given }
            ),
        ))
    }
}

/// The body, or 413 past the size limit, 400 when it cannot be read.
pub(crate) fn body(body: Result<Bytes, BytesRejection>, max: &str) -> Result<Bytes, ApiError> {
    body.map_err(|rejection| {
        let status = rejection.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                status,
                "body_too_large",
                format!("the body is larger than the server accepts ({max})"),
            )
        } else {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "unreadable_body",
                rejection.body_text(),
            )
        }
    })
}

fn date(field: &str, text: &str) -> Result<Date, ApiError> {
    crate::syntax::parse_date(text).map_err(|reason| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_date",
            format!("`{field}` is not a date YYYY-MM-DD: {text:?} ({reason})"),
        )
    })
}

/// The prepared decisions a request asks for: every decision (prepared at
/// start) or the ones named.
fn prepared(served: &Served, names: &[String], explain: bool) -> Result<Prepared, ApiError> {
    if names.is_empty() {
        let [quiet, explained] = &served.all;
        return Ok(if explain { explained } else { quiet }.clone());
    }
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    served
        .policy
        .prepare(&names, Options { explain })
        .map_err(|e| ApiError::engine(&e))
}

/// `POST /v1/policies/{policy}/evaluate`: the JSON `policyc eval --format
/// json` prints, with a `decision_id` first.
pub(crate) async fn evaluate(
    Shared(state): Shared_,
    Path(name): Path<String>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Response {
    let fhir = match query.as_deref() {
        None | Some("") | Some("format=json") => false,
        Some("format=fhir") => true,
        Some(other) => {
            return ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_query",
                format!("unknown query `{other}`: the one query taken is ?format=fhir (a FHIR ClaimResponse)"),
            )
            .into_response();
        }
    };
    match evaluate_inner(&state, &name, &headers, raw, fhir).await {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

async fn evaluate_inner(
    state: &Arc<State>,
    name: &str,
    headers: &HeaderMap,
    raw: Result<Bytes, BytesRejection>,
    fhir: bool,
) -> Result<Response, ApiError> {
    let served = state.policy(name)?;
    content_type(headers, &["application/json"])?;
    let bytes = body(raw, "see --max-body")?;
    let request: EvaluateRequest = serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            format!(
                "the body is not an evaluation request: {e}; send {{\"facts\": {{…}}, \"as_of\": \"YYYY-MM-DD\"}}"
            ),
        )
    })?;
    let facts_text = request.facts.map(RawValue::get).ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "no_facts",
            "the body has no \"facts\": send the member's facts as an object",
        )
    })?;
    let (as_of, date_of_service) = dates(&request)?;
    // A ClaimResponse gives the reasons, which come from the trace.
    let prepared = prepared(&served, &request.decisions, request.explain || fhir)?;
    // Reading and evaluating run off the async workers, within the
    // evaluation time limit.
    let (job_served, job_prepared) = (Arc::clone(&served), prepared.clone());
    let text = facts_text.to_owned();
    let determination = within_limit(state, bytes.len(), move || {
        let source = SourceFile::new("facts", text);
        // The facts may be a QuestionnaireResponse to the policy's
        // Questionnaire (GET /fhir/Questionnaire/{policy}).
        let facts = if crate::fhir::is_resource(&source.text, "QuestionnaireResponse") {
            crate::fhir::facts_from_response(&job_served.policy, &source)
        } else {
            job_served.policy.facts(&source, Format::Json)
        }
        .map_err(|d| ApiError::facts(&d))?;
        job_prepared
            .evaluate(&facts, as_of, date_of_service)
            .map_err(|e| ApiError::engine(&e))
    })
    .await?;
    let decision_id = uuid::Uuid::now_v7().to_string();
    if let Some(log) = &state.log {
        let line = record::log_line(
            &decision_id,
            &served,
            (request.date_of_service.as_deref(), &request.decisions),
            &determination,
            &prepared,
            facts_text,
            state.log_facts,
        );
        if log.append(line).await.is_err() {
            // The determination is not given out unlogged.
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "decision_log_unavailable",
                "the decision could not be written to the audit log; try again",
            ));
        }
    }
    count_determinations(state, &served, &prepared, &determination);
    if fhir {
        let options = crate::fhir::ClaimOptions {
            patient: None,
            created: jiff::Timestamp::now().to_string(),
            pre_auth_ref: decision_id,
        };
        let claim = crate::fhir::claim_response(&prepared.json(&determination), &options);
        let mut text = serde_json::to_string_pretty(&claim).unwrap_or_default();
        text.push('\n');
        return Ok((
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/fhir+json")],
            text,
        )
            .into_response());
    }
    let mut response = Map::new();
    response.insert("decision_id", decision_id);
    if let Json::Object(map) = prepared.json(&determination) {
        response.extend(map);
    }
    Ok(json_response(StatusCode::OK, &Json::Object(response)))
}

/// Bodies up to this size are evaluated in place: they take microseconds,
/// and handing them to another thread would cost more than they do.
const INLINE_BODY: usize = 64 << 10;

/// Runs `work` for a body of `size` bytes: in place when small, else on the
/// blocking pool within the service's evaluation time limit, past which the
/// caller gets 422 (the work runs to its end, bounded by the body size, and
/// its result is dropped).
async fn within_limit<T: Send + 'static>(
    state: &State,
    size: usize,
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    if size <= INLINE_BODY {
        return work();
    }
    let job = tokio::task::spawn_blocking(work);
    match tokio::time::timeout(state.timeout, job).await {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "evaluation_failed",
            "the evaluation stopped before its end",
        )),
        Err(_) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "evaluation_timeout",
            format!(
                "the evaluation took longer than the server allows ({} ms); send fewer facts or lines",
                state.timeout.as_millis()
            ),
        )),
    }
}

/// The as-of date (required: 422 without it) and the date of service.
fn dates(request: &EvaluateRequest) -> Result<(Date, Option<Date>), ApiError> {
    let as_of = match &request.as_of {
        Some(text) => date("as_of", text)?,
        None => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "no_as_of",
                "no as-of date: give \"as_of\": \"YYYY-MM-DD\"; evaluation needs the date it is made as of",
            ));
        }
    };
    let date_of_service = request
        .date_of_service
        .as_deref()
        .map(|t| date("date_of_service", t))
        .transpose()?;
    Ok((as_of, date_of_service))
}

/// Counts each decision's value for `/metrics`.
fn count_determinations(
    state: &State,
    served: &Served,
    prepared: &Prepared,
    determination: &crate::engine::Determination,
) {
    let checked = prepared.checked(determination);
    for decision in &determination.decisions {
        // Only the few values of booleans and enums become labels; a count,
        // a date or a record would make a label set without end.
        let value = match decision.ty() {
            _ if !decision.value.is_known() => "unknown".to_owned(),
            crate::check::Type::Bool | crate::check::Type::Enum(_) => {
                crate::explain::value_text(&decision.value, decision.ty(), checked.schema())
            }
            _ => "known".to_owned(),
        };
        state
            .metrics
            .determination(&served.name, decision.name(), &value);
    }
}

/// The query of `POST …/evaluate/batch`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BatchQuery {
    as_of: Option<String>,
    date_of_service: Option<String>,
    /// Comma-separated decision names.
    decisions: Option<String>,
    #[serde(default)]
    explain: bool,
}

/// `POST /v1/policies/{policy}/evaluate/batch`: NDJSON in, NDJSON out, one
/// line per line in order, as `policyc eval --batch` writes them.
pub(crate) async fn batch(
    Shared(state): Shared_,
    Path(name): Path<String>,
    query: Result<Query<BatchQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Response {
    match batch_inner(&state, &name, query, &headers, raw).await {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

/// The batch options a query asks for.
fn batch_options(query: BatchQuery) -> Result<batch::Options, ApiError> {
    Ok(batch::Options {
        as_of: query
            .as_of
            .as_deref()
            .map(|t| date("as_of", t))
            .transpose()?,
        date_of_service: query
            .date_of_service
            .as_deref()
            .map(|t| date("date_of_service", t))
            .transpose()?,
        decisions: query
            .decisions
            .map(|d| d.split(',').map(|n| n.trim().to_owned()).collect())
            .unwrap_or_default(),
        explain: query.explain,
    })
}

async fn batch_inner(
    state: &Arc<State>,
    name: &str,
    query: Result<Query<BatchQuery>, axum::extract::rejection::QueryRejection>,
    headers: &HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let served = state.policy(name)?;
    let Query(query) = query
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", e.body_text()))?;
    content_type(headers, &["application/x-ndjson", "application/jsonl"])?;
    let bytes = body(raw, "see --max-body")?;
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "not_text",
            "the body is not UTF-8 text",
        )
    })?;
    let query_echo = (query.date_of_service.clone(), query.decisions.clone());
    let options = batch_options(query)?;
    let runner = Batch::new(&served.policy, options)
        .map_err(|e| ApiError::new(StatusCode::NOT_FOUND, "unknown_decision", e.to_string()))?;
    let batch_id = uuid::Uuid::now_v7().to_string();
    let text = text.to_owned();
    let (id, logging, with_facts) = (batch_id.clone(), state.log.is_some(), state.log_facts);
    let (out, log_lines) = within_limit(state, bytes.len(), move || {
        let mut out = String::new();
        let mut log_lines = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let number = u64::try_from(index).unwrap_or(u64::MAX).saturating_add(1);
            let result = runner.evaluate_line(line);
            if let (true, Ok(json)) = (logging, &result) {
                log_lines.push(record::batch_log_line(
                    &id,
                    number,
                    &served,
                    &query_echo,
                    json,
                    line,
                    with_facts,
                ));
            }
            out.push_str(&batch::result_line(number, result));
            out.push('\n');
        }
        Ok((out, log_lines))
    })
    .await?;
    if let Some(log) = &state.log
        && log.append_all(log_lines).await.is_err()
    {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "decision_log_unavailable",
            "the decisions could not be written to the audit log; try again",
        ));
    }
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/x-ndjson".to_owned()),
            (header::HeaderName::from_static("x-batch-id"), batch_id),
        ],
        out,
    )
        .into_response())
}
