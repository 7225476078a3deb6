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
    #[diagnostic(code(policyc::cases::format), help("{help}"))]
    Format {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: String,
        /// Where the reader stopped, when it says.
        #[label("here")]
        span: Option<Span>,
    },
}
