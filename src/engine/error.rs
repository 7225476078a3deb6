//! What can stop an evaluation through the facade, as data with a message
//! and a fix.

use super::diagnostics::{Diagnostic, Diagnostics};
use jiff::civil::Date;
use miette::Diagnostic as MietteDiagnostic;
use thiserror::Error as ThisError;

/// Why the facade could not give a determination.
#[derive(Debug, Clone, ThisError)]
#[non_exhaustive]
pub enum Error {
    /// The facts could not be read or do not fit the policy.
    #[error("the facts cannot be used: {0}")]
    Facts(Diagnostics),
    /// No as-of date was given, and the facts carry none.
    #[error("no as-of date: evaluation needs the date it is made as of")]
    NoAsOf,
    /// No version of the policy is in force on the date that picks one.
    #[error("no version of the policy is in force on {date}")]
    NotInForce {
        /// The date of service, or the as-of date.
        date: Date,
        /// Each version: its name (none for a policy without versions), its
        /// first day and its last day (none when open-ended).
        versions: Vec<(Option<String>, Date, Option<Date>)>,
    },
    /// A decision asked for is not in any version.
    #[error("the policy has no decision `{name}`")]
    UnknownDecision {
        /// The name asked for.
        name: String,
        /// The decisions there are.
        decisions: Vec<String>,
    },
    /// A decision asked for is not in the version in force.
    #[error("the version \"{version}\" of the policy in force has no decision `{name}`")]
    NotInVersion {
        /// The decision.
        name: String,
        /// The version in force.
        version: String,
    },
    /// The facts were read for another policy.
    #[error("the facts were read for another policy: read them with this policy's `facts`")]
    ForeignFacts,
    /// A computation could not be done (division by zero, overflow).
    #[error("{}", .0.message())]
    Evaluation(Diagnostic),
}

impl Error {
    /// The error as diagnostics, ready to render: the facts' own problems,
    /// the evaluation error at its place in the policy, or this message.
    pub fn diagnostics(&self) -> Diagnostics {
        match self {
            Error::Facts(diagnostics) => diagnostics.clone(),
            Error::Evaluation(diagnostic) => {
                let mut out = Diagnostics::default();
                out.push(diagnostic.clone());
                out
            }
            other => {
                let mut out = Diagnostics::default();
                out.push(Diagnostic::new(
                    Plain {
                        message: other.to_string(),
                    },
                    None,
                    super::Severity::Error,
                ));
                out
            }
        }
    }
}

/// An error whose message is all there is to say.
#[derive(Debug, ThisError, MietteDiagnostic)]
#[error("{message}")]
#[diagnostic(code(policyc::engine))]
struct Plain {
    message: String,
}

/// A policy file that could not be read.
#[derive(Debug, Clone, ThisError, MietteDiagnostic)]
pub(crate) enum FileError {
    /// The file could not be opened or read.
    #[error("cannot read `{path}`: {reason}")]
    #[diagnostic(
        code(policyc::read),
        help("check the path and that the file is readable")
    )]
    Read { path: String, reason: String },
    /// The file is not UTF-8 text.
    #[error("`{path}` is not UTF-8 text")]
    #[diagnostic(code(policyc::not_text), help("save the file as UTF-8"))]
    NotText { path: String },
}
