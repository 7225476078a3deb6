//! The service's errors: each a status and a JSON body
//! `{"error": {"code", "message", "details": [...]}}`, never a 5xx for
//! anything a caller sent.

use crate::diagnostic::Style;
use crate::engine::{Diagnostics, Error as EngineError};
use crate::json::Json;
use crate::object;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// An error response.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    details: Vec<Json>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            details: Vec::new(),
        }
    }

    /// 404 for a policy the service does not have.
    pub(crate) fn no_policy(name: &str, served: &[String]) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_policy",
            format!(
                "no policy `{name}` is served; the policies are {}",
                served.join(", ")
            ),
        )
    }

    /// 400 for facts that cannot be used, each problem located as the
    /// command line's `--error-format json` writes it.
    pub(crate) fn facts(diagnostics: &Diagnostics) -> Self {
        let details = diagnostics
            .iter()
            .map(|d| {
                let rendered = d.render(Style::Json);
                serde_json::from_str::<Json>(&rendered).unwrap_or_else(|_| Json::from(d.message()))
            })
            .collect();
        let first = diagnostics
            .iter()
            .next()
            .map(|d| d.message())
            .unwrap_or_else(|| "the facts cannot be used".to_owned());
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_facts",
            message: first,
            details,
        }
    }

    /// The status for each way an evaluation can be refused.
    pub(crate) fn engine(error: &EngineError) -> Self {
        match error {
            EngineError::Facts(diagnostics) => ApiError::facts(diagnostics),
            EngineError::NoAsOf => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "no_as_of",
                "no as-of date: give \"as_of\": \"YYYY-MM-DD\"",
            ),
            EngineError::UnknownDecision { name, decisions } => ApiError::new(
                StatusCode::NOT_FOUND,
                "unknown_decision",
                format!(
                    "the policy has no decision `{name}`; its decisions are {}",
                    decisions.join(", ")
                ),
            ),
            EngineError::NotInForce { .. } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "not_in_force",
                error.to_string(),
            ),
            EngineError::NotInVersion { .. } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "not_in_version",
                error.to_string(),
            ),
            // A computation the facts made impossible (an overflow, a
            // division by zero): the caller's input, so not a 5xx.
            EngineError::Evaluation(_) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "evaluation_failed",
                error.to_string(),
            ),
            other => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "not_evaluated",
                other.to_string(),
            ),
        }
    }

    /// The JSON body.
    pub(crate) fn body(&self) -> Json {
        object! {
            "error" => object! {
                "code" => self.code,
                "message" => self.message.as_str(),
                "details" => Json::Array(self.details.clone()),
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut text = serde_json::to_string_pretty(&self.body()).unwrap_or_default();
        text.push('\n');
        (
            self.status,
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            text,
        )
            .into_response()
    }
}
