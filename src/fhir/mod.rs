//! FHIR R4 from a policy: the documentation template (`Questionnaire`), its
//! answers read as facts (`QuestionnaireResponse`), facts filled from a FHIR
//! `Bundle` through a mapping file, and the decision as a `ClaimResponse`.
//!
//! Everything here is built from what the facade exposes: the checked
//! version's schema and definitions, and the documented JSON of a
//! determination (docs/output.md). Nothing reaches into the evaluator.

mod claim;
mod error;
mod mapping;
mod questionnaire;
mod reads;
mod response;

pub use claim::{ClaimOptions, Reason, claim_response, reasons};
pub use error::FhirError;
pub use mapping::Mapping;
pub use questionnaire::questionnaire;
pub use response::{facts_from_response, response_from_facts};

/// Where the generated resources say they live: the canonical base of the
/// payer's FHIR server, such as `https://fhir.example-plan.org/fhir`. The
/// Questionnaire is `{base}/Questionnaire/{id}`, the citation extension
/// `{base}/StructureDefinition/policyc-citation`.
pub const DEFAULT_BASE: &str = "http://127.0.0.1:8080/fhir";

/// The suffix of the linkId of the item that says a list is empty: a
/// repeating group with no answers is unanswered (unknown), so "there are
/// none" needs its own answer.
pub const NONE_SUFFIX: &str = ":none";

/// The FHIR core extension for a value that is absent for a stated reason:
/// an entry of a list that is there but unknown.
pub const DATA_ABSENT_REASON: &str = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";

/// The resource id for a policy name: FHIR ids allow letters, digits, `-`
/// and `.`.
pub fn resource_id(policy: &str) -> String {
    policy
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .take(64)
        .collect()
}

/// The canonical URL of a policy's Questionnaire under `base`.
pub fn questionnaire_url(base: &str, policy: &str) -> String {
    format!(
        "{}/Questionnaire/{}",
        base.trim_end_matches('/'),
        resource_id(policy)
    )
}

/// The URL of the extension that carries a criterion's citation on an item.
pub fn citation_extension(base: &str) -> String {
    format!(
        "{}/StructureDefinition/policyc-citation",
        base.trim_end_matches('/')
    )
}

/// Whether `text` is a JSON object whose `resourceType` is `kind`, judged
/// cheaply: facts files have no `resourceType` key.
pub fn is_resource(text: &str, kind: &str) -> bool {
    if !text.contains("\"resourceType\"") {
        return false;
    }
    #[derive(serde::Deserialize)]
    struct Probe {
        #[serde(rename = "resourceType")]
        resource_type: Option<String>,
    }
    serde_json::from_str::<Probe>(text)
        .ok()
        .and_then(|p| p.resource_type)
        .is_some_and(|t| t == kind)
}
