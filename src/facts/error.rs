//! Problems with a facts file, each naming the fact by its path.

use crate::source::Span;
use miette::Diagnostic;
use thiserror::Error;

/// A facts file that cannot be used as it is.
#[derive(Debug, Clone, PartialEq, Eq, Error, Diagnostic)]
#[non_exhaustive]
pub enum FactsError {
    /// Text that is not valid JSON or YAML.
    #[error("the facts file is not valid {format}: {message}")]
    #[diagnostic(
        code(policyc::facts::syntax),
        help("fix the {format} syntax at the marked place")
    )]
    Syntax {
        /// Where the parser stopped.
        #[label("here")]
        span: Span,
        /// JSON or YAML.
        format: String,
        /// The parser's message.
        message: String,
    },
    /// A YAML merge key (`<<: *base`), which would otherwise be silently
    /// dropped.
    #[error("YAML merge keys (`<<`) are not supported")]
    #[diagnostic(
        code(policyc::facts::merge_key),
        help("write the fields out, or reuse the whole value with an alias (`*base`)")
    )]
    MergeKey {
        /// The merge key.
        #[label("merge key")]
        span: Span,
    },
    /// YAML facts given to a library built without the `yaml` feature.
    #[error("this build of policyc reads JSON facts only")]
    #[diagnostic(
        code(policyc::facts::no_yaml),
        help("give the facts as JSON, or build policyc with the `yaml` feature")
    )]
    NoYaml {
        /// The whole file.
        #[label("YAML facts")]
        span: Span,
    },
    /// A file with nothing in it but white space.
    #[error("the facts file is empty")]
    #[diagnostic(
        code(policyc::facts::empty),
        help(
            "write the facts as an object, e.g. {{\"as_of\": \"2026-03-01\", \"recipient\": {{…}}}}; write {{}} when no fact is known"
        )
    )]
    Empty {
        /// The whole file.
        #[label("empty")]
        span: Span,
    },
    /// The top level is not an object, e.g. `[1, 2]`.
    #[error("the facts file must hold an object of facts, but it holds {found}")]
    #[diagnostic(
        code(policyc::facts::not_an_object),
        help(
            "write the facts as an object, e.g. {{\"as_of\": \"2026-03-01\", \"recipient\": {{…}}}}"
        )
    )]
    NotAnObject {
        /// The whole file.
        #[label("not an object")]
        span: Span,
        /// What it holds.
        found: String,
    },
    /// A fact of the wrong type, e.g. `"yes"` for a boolean.
    #[error("{path}: expected {expected}, found {found}")]
    #[diagnostic(code(policyc::facts::wrong_type), help("{help}"))]
    WrongType {
        /// The fact's path, e.g. `recipient.stays[2].admitted`.
        path: String,
        /// The declared type.
        expected: String,
        /// The value found, shortened.
        found: String,
        /// How to fix it.
        help: String,
    },
    /// `as_of` is not a date.
    #[error("as_of: expected a date YYYY-MM-DD, found {found}")]
    #[diagnostic(
        code(policyc::facts::as_of),
        help("write the evaluation date as \"as_of\": \"2026-03-01\", or pass --as-of")
    )]
    AsOf {
        /// The value found.
        found: String,
    },
}

/// Something in a facts file that is probably a mistake.
#[derive(Debug, Clone, PartialEq, Eq, Error, Diagnostic)]
#[non_exhaustive]
pub enum FactsWarning {
    /// A key the policy does not declare; it is ignored.
    #[error("{path}: not a fact this policy declares; it is ignored")]
    #[diagnostic(code(policyc::facts::unknown_key), severity(Warning), help("{help}"))]
    UnknownKey {
        /// The key's path.
        path: String,
        /// "did you mean", or the declared keys.
        help: String,
    },
}
