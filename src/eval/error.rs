//! Errors that stop an evaluation. A missing fact is never one of them: it
//! makes a value unknown instead.

use crate::source::Span;
use miette::Diagnostic;
use thiserror::Error;

/// A computation that cannot produce a value, e.g. a division by zero.
#[derive(Debug, Clone, PartialEq, Eq, Error, Diagnostic)]
#[non_exhaustive]
pub enum EvalError {
    /// `x / y` where `y` is zero in the facts given.
    #[error("division by zero")]
    #[diagnostic(
        code(policyc::eval::division_by_zero),
        help("the divisor is zero for these facts; guard it with `if … = 0 then … else …`")
    )]
    DivisionByZero {
        /// The division.
        #[label("divides by zero")]
        span: Span,
    },
    /// A number too large for the arithmetic.
    #[error("{what} is too large for a number")]
    #[diagnostic(
        code(policyc::eval::overflow),
        help(
            "whole numbers lie between -9223372036854775808 and 9223372036854775807, and decimals lie within 10^±32000; check the facts for an implausibly large number"
        )
    )]
    Overflow {
        /// The computation.
        #[label("overflows")]
        span: Span,
        /// What was being computed.
        what: String,
    },
    /// Date arithmetic outside the supported calendar range.
    #[error("the date computed here is out of range")]
    #[diagnostic(
        code(policyc::eval::date_range),
        help("dates must lie between the years -9999 and 9999; check the facts' dates")
    )]
    DateOutOfRange {
        /// The computation.
        #[label("out of range")]
        span: Span,
    },
    /// A decision table none of whose rows matches these facts.
    #[error("no row of this table applies to these facts")]
    #[diagnostic(
        code(policyc::eval::no_row),
        help("add a row for these inputs, or end the table with a row of `any` cells")
    )]
    NoRow {
        /// The table.
        #[label("no row matched")]
        span: Span,
    },
    /// A value whose shape does not match its checked type: a bug in policyc.
    #[error("internal error during evaluation: {what}")]
    #[diagnostic(
        code(policyc::eval::internal),
        help(
            "this is a bug in policyc, not in your policy or facts; please report it with both files"
        )
    )]
    Internal {
        /// Where.
        #[label("here")]
        span: Span,
        /// What went wrong.
        what: String,
    },
}
