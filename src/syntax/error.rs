//! Errors found while reading the text of a policy: pest failures made
//! readable, and the specific mistakes lowering detects.

use crate::source::Span;
use miette::Diagnostic;
use thiserror::Error;

/// A mistake in the text of a policy file.
#[derive(Debug, Clone, PartialEq, Eq, Error, Diagnostic)]
#[non_exhaustive]
pub enum SyntaxError {
    /// The text does not follow the grammar, e.g. `rule a = = 1`.
    #[error("unexpected {found}; expected {expected}")]
    #[diagnostic(code(policyc::syntax::unexpected), help("{help}"))]
    Unexpected {
        /// Where the parser stopped.
        #[label("{found} here")]
        span: Span,
        /// A readable list of what could have come next.
        expected: String,
        /// What was found instead.
        found: String,
        /// A hint fitted to the situation.
        help: String,
    },
    /// Nesting deeper than the limit, e.g. 100 `(` in a row, `if` inside
    /// `if` 100 times, or `list of` 100 times.
    #[error("this is nested more than {limit} deep")]
    #[diagnostic(
        code(policyc::syntax::too_deep),
        help(
            "brackets, `if … else` and `list of` count together; split the expression into named rules (or the type into named records) and refer to them by name"
        )
    )]
    TooDeep {
        /// The bracket or word that went past the limit.
        #[label("nesting limit passed here")]
        span: Span,
        /// The limit.
        limit: usize,
    },
    /// An expression whose tree is deeper than the limit, e.g. a chain of
    /// thousands of `+`.
    #[error("this expression is more than {limit} levels deep")]
    #[diagnostic(
        code(policyc::syntax::expression_too_deep),
        help("split the expression into named rules and refer to them by name")
    )]
    ExpressionTooDeep {
        /// The expression.
        #[label("too deep")]
        span: Span,
        /// The limit.
        limit: usize,
    },
    /// A date literal that is not a real calendar day, e.g. `2023-02-29`.
    #[error("`{text}` is not a valid date: {reason}")]
    #[diagnostic(
        code(policyc::syntax::invalid_date),
        help("write dates as YYYY-MM-DD with a real month and day, e.g. 2026-03-01")
    )]
    InvalidDate {
        /// The literal.
        #[label("not a calendar date")]
        span: Span,
        /// The literal's text.
        text: String,
        /// Why it is invalid.
        reason: String,
    },
    /// A decimal with more digits than policyc keeps exactly.
    #[error("the decimal `{text}` has more than 38 significant digits")]
    #[diagnostic(
        code(policyc::syntax::decimal_too_precise),
        help("decimals are exact to 38 significant digits: round the number to at most 38")
    )]
    DecimalTooPrecise {
        /// The literal.
        #[label("too many digits")]
        span: Span,
        /// The literal's text.
        text: String,
    },
    /// A whole number too large to represent, e.g. `99999999999999999999`.
    #[error("the number `{text}` is too large")]
    #[diagnostic(
        code(policyc::syntax::number_out_of_range),
        help("whole numbers must lie between -9223372036854775808 and 9223372036854775807")
    )]
    NumberOutOfRange {
        /// The literal.
        #[label("out of range")]
        span: Span,
        /// The literal's text.
        text: String,
    },
    /// An unknown escape in text, e.g. `"\q"`.
    #[error("unknown escape `{text}` in text")]
    #[diagnostic(
        code(policyc::syntax::invalid_escape),
        help(
            "the escapes are \\\" (a quote), \\\\ (a backslash), \\n (a new line) and \\t (a tab)"
        )
    )]
    InvalidEscape {
        /// The escape.
        #[label("unknown escape")]
        span: Span,
        /// The escape's text.
        text: String,
    },
    /// A header line the language does not know, e.g. `titel "…"`.
    #[error("unknown header field `{field}`")]
    #[diagnostic(code(policyc::syntax::unknown_header_field), help("{help}"))]
    UnknownHeaderField {
        /// The field name.
        #[label("not a header field")]
        span: Span,
        /// The field name's text.
        field: String,
        /// A suggestion.
        help: String,
    },
    /// A header field given twice.
    #[error("header field `{field}` is given twice")]
    #[diagnostic(
        code(policyc::syntax::duplicate_header_field),
        help("keep one `{field}` line")
    )]
    DuplicateHeaderField {
        /// The second occurrence.
        #[label("given again here")]
        span: Span,
        /// The first occurrence.
        #[label("first given here")]
        first: Span,
        /// The field name.
        field: String,
    },
    /// A header field with the wrong kind of value, e.g. `effective "2020"`.
    #[error("header field `{field}` takes {expected}")]
    #[diagnostic(code(policyc::syntax::header_value), help("for example: {example}"))]
    HeaderValue {
        /// The value.
        #[label("wrong kind of value")]
        span: Span,
        /// The field name.
        field: String,
        /// What the field takes.
        expected: String,
        /// An example line.
        example: String,
    },
    /// A required header field is absent.
    #[error("the policy header has no `{field}`")]
    #[diagnostic(
        code(policyc::syntax::missing_header_field),
        help("add a line such as {example}")
    )]
    MissingHeaderField {
        /// The header.
        #[label("header without `{field}`")]
        span: Span,
        /// The missing field.
        field: String,
        /// An example line.
        example: String,
    },
    /// A criteria list with no items, e.g. `all of { }`.
    #[error("`{quantifier}` needs at least one criterion")]
    #[diagnostic(
        code(policyc::syntax::empty_criteria),
        help("list the criteria between the braces, separated by commas")
    )]
    EmptyCriteria {
        /// The list.
        #[label("empty list")]
        span: Span,
        /// The quantifier as written.
        quantifier: String,
    },
    /// `at least N of` where N cannot be met or is zero, e.g. `at least 3 of { a, b }`.
    #[error("`at least {needed} of` has {available} criteria")]
    #[diagnostic(code(policyc::syntax::at_least_count), help("{help}"))]
    AtLeastCount {
        /// The list.
        #[label("at least {needed} of {available}")]
        span: Span,
        /// N.
        needed: u64,
        /// The number of items.
        available: usize,
        /// A suggestion.
        help: String,
    },
    /// An aggregate written with the wrong parts, e.g. `count(x of list)`.
    #[error("{message}")]
    #[diagnostic(code(policyc::syntax::aggregate_shape), help("{help}"))]
    AggregateShape {
        /// The aggregate.
        #[label("written here")]
        span: Span,
        /// What is wrong.
        message: String,
        /// How it should be written.
        help: String,
    },
    /// A field given twice in a record literal or record type.
    #[error("field `{field}` is given twice")]
    #[diagnostic(code(policyc::syntax::duplicate_field), help("keep one `{field}`"))]
    DuplicateField {
        /// The second occurrence.
        #[label("given again here")]
        span: Span,
        /// The first occurrence.
        #[label("first given here")]
        first: Span,
        /// The field name.
        field: String,
    },
    /// The grammar produced a shape lowering did not expect: a bug in policyc.
    #[error("internal error while reading the policy: {what}")]
    #[diagnostic(
        code(policyc::syntax::internal),
        help("this is a bug in policyc, not in your policy; please report it with the file")
    )]
    Internal {
        /// Where.
        #[label("here")]
        span: Span,
        /// What went wrong.
        what: String,
    },
}
