//! Why a file could not be formatted: its own syntax errors, or a formatter
//! fault caught by the re-parse check (the file is then left untouched).

use crate::syntax::SyntaxError;
use miette::Diagnostic;
use thiserror::Error;

/// A file that `policyc fmt` cannot format.
#[derive(Debug, Clone, PartialEq, Eq, Error, Diagnostic)]
#[non_exhaustive]
pub enum FormatError {
    /// The file does not parse; each error is reported as `policyc check` does.
    #[error("the file has {} syntax error(s)", .0.len())]
    #[diagnostic(code(policyc::fmt::syntax))]
    Syntax(Vec<SyntaxError>),
    /// The formatted text parses to a different syntax tree: a formatter bug.
    #[error("formatting would change the meaning of this file; please report it")]
    #[diagnostic(
        code(policyc::fmt::changed_meaning),
        help("`{file}` was left unchanged; the first difference is in {place}")
    )]
    ChangedMeaning {
        /// The file's name.
        file: String,
        /// Where the trees first differ, in words.
        place: String,
    },
    /// The formatted text does not parse: a formatter bug.
    #[error("formatting would change the meaning of this file; please report it")]
    #[diagnostic(
        code(policyc::fmt::unparsable),
        help("`{file}` was left unchanged; the formatted text does not parse: {first}")
    )]
    Unparsable {
        /// The file's name.
        file: String,
        /// The first syntax error in the formatted text.
        first: String,
    },
    /// The formatted text lacks a comment of the file: a formatter bug.
    #[error("formatting would lose a comment of this file; please report it")]
    #[diagnostic(code(policyc::fmt::lost_comments), help("`{file}` was left unchanged"))]
    LostComments {
        /// The file's name.
        file: String,
    },
}
