//! Problems with FHIR input: a QuestionnaireResponse, a Bundle or a mapping
//! file, each pointing at the place in the file and naming the linkId or
//! fact.

use crate::source::Span;

/// One problem with a FHIR resource or a mapping file.
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
pub enum FhirError {
    /// Text that is not a JSON object of the expected resource type.
    #[error("{message}")]
    #[diagnostic(code(policyc::fhir::resource), help("{help}"))]
    Resource {
        /// Where.
        #[label("here")]
        span: Span,
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: String,
    },
    /// An answer whose linkId names no fact of the policy.
    #[error("linkId `{link_id}` names no fact of this policy")]
    #[diagnostic(code(policyc::fhir::unknown_link_id), help("{help}"))]
    UnknownLinkId {
        /// The item.
        #[label("this item")]
        span: Span,
        /// Its linkId.
        link_id: String,
        /// The nearest fact, or where the item belongs.
        help: String,
    },
    /// An answer of the wrong type for its item.
    #[error("linkId `{link_id}`: expected {expected}, found {found}")]
    #[diagnostic(
        code(policyc::fhir::answer_type),
        help("answer `{link_id}` with {expected}")
    )]
    AnswerType {
        /// The item.
        #[label("this item")]
        span: Span,
        /// Its linkId.
        link_id: String,
        /// The answer the item takes, e.g. `valueBoolean`.
        expected: String,
        /// What the answer holds.
        found: String,
    },
    /// A mapping file entry that cannot be used.
    #[error("{message}")]
    #[diagnostic(code(policyc::fhir::mapping), help("{help}"))]
    Mapping {
        /// The entry.
        #[label("here")]
        span: Span,
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: String,
    },
}
