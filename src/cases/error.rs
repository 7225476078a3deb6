//! Problems reading a cases file.

use crate::source::Span;
use miette::Diagnostic;
use thiserror::Error;

/// A cases file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error, Diagnostic)]
#[non_exhaustive]
pub enum CasesError {
    /// Not valid YAML, or not of the cases shape.
    #[error("`{path}` is not a valid cases file: {message}")]
    #[diagnostic(
        code(policyc::cases::format),
        help(
            "a cases file has `policy: FILE.policy` and `cases:`, a list of cases each with `name`, `facts` and `expect`; see docs/testing.md"
        )
    )]
    Format {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
        /// Where the reader stopped, when it says.
        #[label("here")]
        span: Option<Span>,
    },
}
