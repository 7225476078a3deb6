//! Batch evaluation: one member's facts per line of NDJSON in, one JSON
//! result per line out, in input order.
//!
//! Lines are read in bounded chunks; each chunk is evaluated in parallel on a
//! rayon thread pool while the calling thread writes the previous chunk in
//! order and reads the next, so memory stays flat whatever the size of the
//! input. A line that cannot be
//! evaluated (invalid JSON, a fact of the wrong type, no as-of date, a date no
//! version covers, an evaluation error, a blank line) gives an error line and
//! the run goes on: input lines and output lines always match one to one.

#[cfg(feature = "parallel")]
mod runner;
#[cfg(feature = "parallel")]
mod summary;

#[cfg(feature = "parallel")]
pub use runner::{Progress, RunError, Runner};
#[cfg(feature = "parallel")]
pub use summary::{DecisionCounts, Summary};

use crate::engine::{self, Policy, Prepared};
use crate::facts;
use crate::json::{Json, Map};
use jiff::civil::Date;
use thiserror::Error;

/// How many lines are read, evaluated and written at a time by default.
pub const CHUNK_LINES: usize = 4096;

/// The longest line read by default (8 MiB): a longer line becomes an error
/// line, skipped without being held in memory, and the run goes on.
pub const MAX_LINE_BYTES: usize = 8 << 20;

/// What every line is evaluated with.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The as-of date for every line; each line's own `as_of` when absent.
    pub as_of: Option<Date>,
    /// The date that picks the version in force; the as-of date when absent.
    pub date_of_service: Option<Date>,
    /// Only these decisions, in this order; all decisions when empty.
    pub decisions: Vec<String>,
    /// Whether each result carries its trace.
    pub explain: bool,
}

/// A `--decision` name that no version of the policy has.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("the policy has no decision `{name}`")]
pub struct UnknownDecision {
    /// The name given.
    pub name: String,
}

/// Why one line gives no determination: one message per problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    first: String,
    rest: Vec<String>,
}

impl LineError {
    /// An error with a single message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            first: message.into(),
            rest: Vec::new(),
        }
    }

    /// An error listing several problems, or `None` when there are none.
    pub fn from_messages(messages: impl IntoIterator<Item = String>) -> Option<Self> {
        let mut messages = messages.into_iter();
        let first = messages.next()?;
        Some(Self {
            first,
            rest: messages.collect(),
        })
    }

    /// The first (usually the only) problem.
    pub fn message(&self) -> &str {
        &self.first
    }

    /// Every problem, in the order found.
    pub fn messages(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.first.as_str()).chain(self.rest.iter().map(String::as_str))
    }

    /// The error line: `{"line", "error", "details"?}`, with `details`
    /// listing every message when there are several.
    pub fn to_json(&self, line: u64) -> Json {
        let mut out = Map::new();
        out.insert("line", Json::from(line));
        out.insert("error", Json::from(self.first.as_str()));
        if !self.rest.is_empty() {
            out.insert("details", self.messages().map(Json::from).collect::<Json>());
        }
        Json::Object(out)
    }
}

/// A policy's decisions prepared with the run's options, ready to evaluate
/// lines; shareable across threads.
#[derive(Debug)]
pub struct Batch {
    prepared: Prepared,
    options: Options,
}

impl Batch {
    /// Prepares the decisions `options` names (all when none) of `policy`;
    /// a name that no version of the policy has is an error.
    pub fn new(policy: &Policy, options: Options) -> Result<Self, UnknownDecision> {
        let names: Vec<&str> = options.decisions.iter().map(String::as_str).collect();
        let engine_options = engine::Options {
            explain: options.explain,
        };
        let prepared = policy
            .prepare(&names, engine_options)
            .map_err(|e| match e {
                engine::Error::UnknownDecision { name, .. } => UnknownDecision { name },
                other => UnknownDecision {
                    name: other.to_string(),
                },
            })?;
        Ok(Self { prepared, options })
    }

    /// Evaluates one line of facts to its JSON result.
    pub fn evaluate_line(&self, text: &str) -> Result<Json, LineError> {
        if text.trim().is_empty() {
            return Err(LineError::new(
                "blank line: expected one JSON object of facts",
            ));
        }
        let facts = self.prepared.policy().facts_from_json(text).map_err(|e| {
            // The loader speaks of a facts file; here the facts are a line.
            let message =
                |d: &engine::Diagnostic| d.message().replace("the facts file", "the line");
            LineError::from_messages(e.iter().map(message))
                .unwrap_or_else(|| LineError::new("the facts could not be read"))
        })?;
        let as_of = self.options.as_of.or(facts.as_of()).ok_or_else(|| {
            LineError::new(
                "no as-of date: give the line an \"as_of\": \"YYYY-MM-DD\", or pass --as-of",
            )
        })?;
        let determination = self
            .prepared
            .evaluate(&facts, as_of, self.options.date_of_service)
            .map_err(|e| LineError::new(e.to_string()))?;
        let mut json = self.prepared.json(&determination);
        add_warnings(&mut json, facts.warnings());
        Ok(json)
    }
}

/// Adds `"warnings": [...]` (each warning's message) when there are any.
fn add_warnings(json: &mut Json, warnings: &[facts::FactsWarning]) {
    if let (false, Json::Object(map)) = (warnings.is_empty(), json) {
        let messages = warnings.iter().map(|w| Json::from(w.to_string()));
        map.insert("warnings", messages.collect::<Json>());
    }
}

/// The output line for input line `line` (1-based): the result with
/// `"line"` as its first key, or the error line.
pub fn result_line(line: u64, result: Result<Json, LineError>) -> String {
    match result {
        Ok(json) => with_line(line, json).to_string(),
        Err(error) => error.to_json(line).to_string(),
    }
}

/// The document with `"line"` as its first key.
fn with_line(line: u64, json: Json) -> Json {
    let mut out = Map::new();
    out.insert("line", Json::from(line));
    if let Json::Object(map) = json {
        out.extend(map);
    }
    Json::Object(out)
}

#[cfg(all(test, feature = "parallel"))]
mod tests;
