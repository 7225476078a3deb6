//! The FHIR R4 `Questionnaire` for the facts a policy's decisions read: one
//! item per fact, records as groups, lists as repeating items, enumerations
//! as choices, each item citing the criteria that read it.

use super::reads::{self, Reads};
use crate::check::{Checked, RecordId, Schema, Type};
use crate::engine::Policy;
use crate::json::{Json, Map};
use crate::object;

/// The Questionnaire for `decisions` (every decision when empty) of the
/// version `checked` of `policy`, published under `base`.
pub fn questionnaire(policy: &Policy, checked: &Checked, decisions: &[&str], base: &str) -> Json {
    let header = checked.header();
    let name = &header.name.text;
    let reads = Reads::of(checked, decisions);
    let schema = checked.schema();
    let items = match reads::root(schema) {
        Some(root) => Items {
            schema,
            reads: &reads,
            extension: super::citation_extension(base),
        }
        .of(root, "", false, &mut Vec::new()),
        None => Vec::new(),
    };
    let asked: Vec<&str> = checked
        .decisions()
        .filter(|(_, d)| decisions.is_empty() || decisions.contains(&d.name.as_str()))
        .map(|(_, d)| d.name.as_str())
        .collect();
    let mut period = Map::new();
    let (start, end) = match checked.version() {
        Some(v) => (v.effective, v.until),
        None => (header.effective, None),
    };
    period.insert("start", start.to_string());
    if let Some(end) = end {
        period.insert("end", end.to_string());
    }
    object! {
        "resourceType" => "Questionnaire",
        "id" => super::resource_id(name),
        "url" => super::questionnaire_url(base, name),
        "version" => version(policy, checked),
        "name" => computable_name(name),
        "title" => &header.title,
        "status" => "active",
        "subjectType" => vec![Json::from("Patient")],
        "publisher" => &header.jurisdiction,
        "description" => format!(
            "The documentation read by the decisions {} of {} ({}).",
            asked.join(", "),
            header.title,
            header.source
        ),
        "effectivePeriod" => period,
        "item" => items,
    }
}

/// The version name of a versioned policy, else `sha256:` and the content
/// hash: what a QuestionnaireResponse names with `questionnaire`.
pub(crate) fn version(policy: &Policy, checked: &Checked) -> String {
    match checked.version() {
        Some(v) => v.name.clone(),
        None => format!("sha256:{}", policy.content_hash()),
    }
}

/// `mn_irts` → `MnIrts`: FHIR asks a computer-friendly name to start with a
/// capital and hold letters, digits and `_` only.
fn computable_name(policy: &str) -> String {
    let mut out = String::new();
    for part in policy.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    match out.chars().next() {
        Some(c) if c.is_ascii_uppercase() => out,
        _ => format!("P{out}"),
    }
}

/// Builds items from the schema.
struct Items<'a> {
    schema: &'a Schema,
    reads: &'a Reads,
    extension: String,
}

impl Items<'_> {
    /// The items for the fields of record `id` under `prefix`; `whole` when
    /// the record is read as a whole, so every field is asked. `within` holds
    /// the records being expanded: a record that lists itself (`record Step
    /// { next: list of Step }`) is asked one level deep, its inner list a
    /// group with no items, so the nesting is bounded by the schema.
    fn of(&self, id: RecordId, prefix: &str, whole: bool, within: &mut Vec<RecordId>) -> Vec<Json> {
        if within.contains(&id) {
            return Vec::new();
        }
        within.push(id);
        let items = self.fields_of(id, prefix, whole, within);
        within.pop();
        items
    }

    fn fields_of(
        &self,
        id: RecordId,
        prefix: &str,
        whole: bool,
        within: &mut Vec<RecordId>,
    ) -> Vec<Json> {
        let mut out = Vec::new();
        for field in reads::fields(self.schema, id, prefix) {
            if !(whole || self.reads.asks(&field.path)) {
                continue;
            }
            let whole_here = whole || self.reads.reads_whole(&field.path);
            let text = field
                .info
                .doc
                .clone()
                .unwrap_or_else(|| field.info.name.replace('_', " "));
            let (ty, repeats) = reads::element(&field.info.ty);
            if repeats {
                out.push(object! {
                    "linkId" => format!("{}{}", field.path, super::NONE_SUFFIX),
                    "text" => format!("None to report: {text}"),
                    "type" => "boolean",
                });
            }
            if let Type::Record(inner) = ty
                && within.contains(inner)
            {
                // A record inside itself: only whether there are any.
                continue;
            }
            let mut item = Map::new();
            item.insert("linkId", field.path.as_str());
            let citations = self.reads.citations(&field.path);
            if !citations.is_empty() {
                let extensions: Vec<Json> = citations
                    .iter()
                    .map(|c| object! { "url" => self.extension.as_str(), "valueString" => c })
                    .collect();
                item.insert("extension", extensions);
            }
            item.insert("text", text);
            match ty {
                Type::Record(inner) => {
                    item.insert("type", "group");
                    if repeats {
                        item.insert("repeats", true);
                    }
                    item.insert("item", self.of(*inner, &field.path, whole_here, within));
                }
                scalar => {
                    item.insert("type", answer_type(scalar));
                    if repeats {
                        item.insert("repeats", true);
                    }
                    if let Type::Enum(id) = scalar
                        && let Some(info) = self.schema.enumeration(*id)
                    {
                        let options: Vec<Json> = info
                            .variants
                            .iter()
                            .map(|v| {
                                let display = info
                                    .description(v)
                                    .map(str::to_owned)
                                    .unwrap_or_else(|| v.replace('_', " "));
                                object! {
                                    "valueCoding" => object! { "code" => v, "display" => display },
                                }
                            })
                            .collect();
                        item.insert("answerOption", options);
                    }
                }
            }
            out.push(Json::Object(item));
        }
        out
    }
}

/// The Questionnaire item type for a fact's (element) type.
pub(crate) fn answer_type(ty: &Type) -> &'static str {
    match ty {
        Type::Bool => "boolean",
        Type::Integer => "integer",
        Type::Decimal => "decimal",
        Type::Date => "date",
        Type::Enum(_) => "choice",
        Type::Record(_) => "group",
        // A length of time is written as in a facts file ("15 days").
        Type::Text | Type::Duration(_) | Type::List(_) => "string",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn computable_names_start_with_a_capital() {
        assert_eq!(super::computable_name("mn_irts"), "MnIrts");
        assert_eq!(
            super::computable_name("nm_recovery_services"),
            "NmRecoveryServices"
        );
        assert_eq!(super::computable_name("_9x"), "P9x");
    }
}
