//! Errors of the command line itself: files that cannot be read, and
//! arguments that do not fit the policy.

use miette::Diagnostic;
use thiserror::Error;

/// A problem with how the command was used or with reading its files.
#[derive(Debug, Clone, PartialEq, Eq, Error, Diagnostic)]
#[non_exhaustive]
pub enum CliError {
    /// `describe --format fhir`: the FHIR form of a policy is its
    /// Questionnaire.
    #[error("describe has no FHIR format")]
    #[diagnostic(
        code(policyc::cli::describe_fhir),
        help("write the policy's FHIR Questionnaire with `policyc questionnaire FILE`")
    )]
    NoFhirDescribe,
    /// A path that does not exist or cannot be opened.
    #[error("cannot read `{path}`: {reason}")]
    #[diagnostic(
        code(policyc::cli::read),
        help("check the path and that the file is readable")
    )]
    Read {
        /// The path.
        path: String,
        /// Why.
        reason: String,
    },
    /// A file that is not UTF-8 text.
    #[error("`{path}` is not UTF-8 text")]
    #[diagnostic(
        code(policyc::cli::encoding),
        help("save the file as UTF-8; policy and facts files are text")
    )]
    NotText {
        /// The path.
        path: String,
    },
    /// `--as-of` that is neither a date nor `today`.
    #[error("--as-of `{given}` is not a date: {reason}")]
    #[diagnostic(
        code(policyc::cli::as_of),
        help("write --as-of YYYY-MM-DD, e.g. --as-of 2026-03-01, or --as-of today")
    )]
    BadAsOf {
        /// What was given.
        given: String,
        /// Why it is not a date.
        reason: String,
    },
    /// A date option that is not a date.
    #[error("{option} `{given}` is not a date: {reason}")]
    #[diagnostic(
        code(policyc::cli::date),
        help("write {option} YYYY-MM-DD, e.g. {option} 2026-03-01")
    )]
    BadDate {
        /// The option.
        option: String,
        /// What was given.
        given: String,
        /// Why it is not a date.
        reason: String,
    },
    /// No version of the policy covers the date.
    #[error("no version of the policy is in force on {date}")]
    #[diagnostic(code(policyc::cli::not_in_force), help("{help}"))]
    NotInForce {
        /// The date.
        date: String,
        /// The dates the policy covers.
        help: String,
    },
    /// No as-of date from either source.
    #[error("no as-of date: evaluation needs the date it is made as of")]
    #[diagnostic(
        code(policyc::cli::no_as_of),
        help(
            "pass --as-of YYYY-MM-DD (or --as-of today), or put \"as_of\": \"YYYY-MM-DD\" in the facts file"
        )
    )]
    NoAsOf,
    /// `--decision` naming no decision of the policy.
    #[error("the policy has no decision `{name}`")]
    #[diagnostic(code(policyc::cli::unknown_decision), help("{help}"))]
    UnknownDecision {
        /// The name given.
        name: String,
        /// "did you mean" and the decisions there are.
        help: String,
    },
}
