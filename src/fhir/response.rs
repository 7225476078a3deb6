//! A FHIR R4 `QuestionnaireResponse` read as facts, and facts written as
//! one: answers map to facts by linkId, repeating groups to lists, and an
//! unanswered item is a missing fact — never `false`.

use super::reads::{self, Reads};
use super::{DATA_ABSENT_REASON, FhirError, NONE_SUFFIX};
use crate::check::{Checked, RecordId, Schema, Type};
use crate::engine::{Diagnostic, Diagnostics, Facts, Policy, Severity};
use crate::json::{Json, Map};
use crate::object;
use crate::source::{SourceFile, Span};
use serde_json::Value;
use std::collections::HashMap;

/// Reads a QuestionnaireResponse to `policy`'s Questionnaire as facts. Its
/// `authored` date is the facts' `as_of`. An unanswered item is a missing
/// fact; an unknown linkId or an answer of the wrong type is an error at
/// the item, naming its linkId.
pub fn facts_from_response(policy: &Policy, source: &SourceFile) -> Result<Facts, Diagnostics> {
    let fail = |error: FhirError| {
        let mut all = Diagnostics::default();
        all.push(Diagnostic::new(error, Some(source), Severity::Error));
        all
    };
    let resource: Value = serde_json::from_str(&source.text).map_err(|e| {
        fail(FhirError::Resource {
            span: {
                let at = crate::source::offset_in(&source.text, e.line(), e.column());
                Span::new(at, at)
            },
            message: format!("the QuestionnaireResponse is not valid JSON: {e}"),
            help: "fix the JSON syntax at the marked place".to_owned(),
        })
    })?;
    if resource.get("resourceType").and_then(Value::as_str) != Some("QuestionnaireResponse") {
        return Err(fail(FhirError::Resource {
            span: Span::new(0, 0),
            message: "not a QuestionnaireResponse".to_owned(),
            help: "give a resource with \"resourceType\": \"QuestionnaireResponse\"".to_owned(),
        }));
    }
    let schema = policy.schema();
    let mut reader = Reader {
        schema,
        text: &source.text,
        seen: HashMap::new(),
        errors: Vec::new(),
    };
    let mut facts = Map::new();
    if let Some(date) = resource
        .get("authored")
        .and_then(Value::as_str)
        .and_then(|a| a.get(..10))
    {
        facts.insert("as_of", date);
    }
    if let (Some(root), Some(items)) = (reads::root(schema), resource.get("item")) {
        reader.record(items, root, "", &mut facts);
    }
    if !reader.errors.is_empty() {
        let mut all = Diagnostics::default();
        all.extend(reader.errors, Some(source), Severity::Error);
        return Err(all);
    }
    let text = Json::Object(facts).to_string();
    let name = format!("{} (its answers as facts)", source.name);
    policy.facts(&SourceFile::new(name, text), crate::facts::Format::Json)
}

/// Reads items against the schema, collecting every error.
struct Reader<'a> {
    schema: &'a Schema,
    text: &'a str,
    /// How many items with each linkId have been read, to find the next.
    seen: HashMap<String, usize>,
    errors: Vec<FhirError>,
}

impl Reader<'_> {
    /// Fills `out` with the fields of record `id` answered by `items`.
    fn record(&mut self, items: &Value, id: RecordId, prefix: &str, out: &mut Map) {
        let Some(items) = items.as_array() else {
            self.errors.push(FhirError::Resource {
                span: Span::new(0, 0),
                message: format!("`item` under `{prefix}` is not a list of items"),
                help: "write `item` as a JSON array of items".to_owned(),
            });
            return;
        };
        for item in items {
            let Some(link_id) = item.get("linkId").and_then(Value::as_str) else {
                self.errors.push(FhirError::Resource {
                    span: Span::new(0, 0),
                    message: format!("an item under `{}` has no linkId", display(prefix)),
                    help: "every item names its question with `linkId`".to_owned(),
                });
                continue;
            };
            let span = self.locate(link_id);
            let (name, none) = match link_id.strip_suffix(NONE_SUFFIX) {
                Some(list) => (list, true),
                None => (link_id, false),
            };
            let field = reads::fields(self.schema, id, prefix)
                .into_iter()
                .find(|f| f.path == name);
            let Some(field) = field else {
                self.errors.push(FhirError::UnknownLinkId {
                    span,
                    link_id: link_id.to_owned(),
                    help: self.belongs(link_id, prefix),
                });
                continue;
            };
            self.field(item, link_id, span, &field, none, out);
        }
    }

    /// Fills `out` with the answer of one item to the fact `field`; `none`
    /// when the item is the list's `:none` item.
    fn field(
        &mut self,
        item: &Value,
        link_id: &str,
        span: Span,
        field: &reads::Field<'_>,
        none: bool,
        out: &mut Map,
    ) {
        let key = field.info.name.clone();
        let (ty, is_list) = reads::element(&field.info.ty);
        if none {
            self.none_item(item, link_id, span, field, is_list, out);
            return;
        }
        if matches!(ty, Type::Record(_)) && item.get("answer").is_some() {
            self.errors.push(FhirError::AnswerType {
                span,
                link_id: link_id.to_owned(),
                expected: "nested items (it is a group)".to_owned(),
                found: "answers".to_owned(),
            });
            return;
        }
        match (ty, is_list) {
            (Type::Record(inner), false) => {
                let mut sub = Map::new();
                if let Some(children) = item.get("item") {
                    self.record(children, *inner, &field.path, &mut sub);
                }
                out.insert(key, sub);
            }
            (Type::Record(inner), true) => {
                let entry = if absent(item) && item.get("item").is_none() {
                    Json::Null
                } else {
                    let mut sub = Map::new();
                    if let Some(children) = item.get("item") {
                        self.record(children, *inner, &field.path, &mut sub);
                    }
                    Json::Object(sub)
                };
                push(out, key, entry);
            }
            (scalar, true) => {
                for answer in answers(item) {
                    let value = if absent(answer) && value_key(answer).is_none() {
                        Json::Null
                    } else {
                        self.value(answer, link_id, span, scalar)
                            .unwrap_or_default()
                    };
                    push(out, key.clone(), value);
                }
            }
            (scalar, false) => {
                if let Some(value) = self.single(item, link_id, span, scalar) {
                    out.insert(key, value);
                }
            }
        }
    }

    /// The `{list}:none` item: `true` makes the list empty.
    fn none_item(
        &mut self,
        item: &Value,
        link_id: &str,
        span: Span,
        field: &reads::Field<'_>,
        is_list: bool,
        out: &mut Map,
    ) {
        let key = field.info.name.clone();
        if !is_list {
            self.errors.push(FhirError::UnknownLinkId {
                span,
                link_id: link_id.to_owned(),
                help: format!(
                    "`{}` is not a list; only a list has a `{NONE_SUFFIX}` item",
                    field.path
                ),
            });
        } else if self.single(item, link_id, span, &Type::Bool) == Some(Json::Bool(true)) {
            if out
                .get(&key)
                .and_then(Json::as_array)
                .is_some_and(|l| !l.is_empty())
            {
                self.errors.push(FhirError::AnswerType {
                    span,
                    link_id: link_id.to_owned(),
                    expected: "no `:none` answer when entries are given".to_owned(),
                    found: "true, with entries".to_owned(),
                });
            } else {
                out.insert(key, Json::Array(Vec::new()));
            }
        }
    }

    /// The one answer of a non-repeating item, if answered.
    fn single(&mut self, item: &Value, link_id: &str, span: Span, ty: &Type) -> Option<Json> {
        let given = answers(item);
        match given.as_slice() {
            [] => None,
            [answer] => self.value(answer, link_id, span, ty),
            _ => {
                self.errors.push(FhirError::AnswerType {
                    span,
                    link_id: link_id.to_owned(),
                    expected: "one answer".to_owned(),
                    found: format!("{} answers", given.len()),
                });
                None
            }
        }
    }

    /// An answer's value as a facts value of type `ty`.
    fn value(&mut self, answer: &Value, link_id: &str, span: Span, ty: &Type) -> Option<Json> {
        let expected = value_name(ty);
        let found = value_key(answer);
        let wrong = |found: String| FhirError::AnswerType {
            span,
            link_id: link_id.to_owned(),
            expected: format!("`{expected}`"),
            found,
        };
        let Some((key, given)) = found else {
            self.errors
                .push(wrong("an answer with no value".to_owned()));
            return None;
        };
        let converted = match (ty, given) {
            (Type::Bool, Value::Bool(b)) if key == "valueBoolean" => Some(Json::Bool(*b)),
            (Type::Integer, Value::Number(n)) if key == "valueInteger" && n.is_i64() => {
                Some(Json::Number(n.clone()))
            }
            (Type::Decimal, Value::Number(n)) if key == "valueDecimal" => {
                Some(Json::Number(n.clone()))
            }
            (Type::Text | Type::Duration(_), Value::String(s)) if key == "valueString" => {
                Some(Json::String(s.clone()))
            }
            (Type::Date, Value::String(s)) if key == "valueDate" => Some(Json::String(s.clone())),
            (Type::Enum(id), Value::Object(coding)) if key == "valueCoding" => {
                let code = coding.get("code").and_then(Value::as_str);
                let info = self.schema.enumeration(*id);
                match (code, info) {
                    (Some(code), Some(info)) if info.variants.iter().any(|v| v == code) => {
                        Some(Json::String(code.to_owned()))
                    }
                    (code, Some(info)) => {
                        self.errors.push(FhirError::AnswerType {
                            span,
                            link_id: link_id.to_owned(),
                            expected: format!(
                                "a code of {}: {}",
                                info.name,
                                info.variants.join(", ")
                            ),
                            found: match code {
                                Some(code) => format!("code `{code}`"),
                                None => "a coding without a code".to_owned(),
                            },
                        });
                        return None;
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        if converted.is_none() {
            self.errors.push(wrong(format!("`{key}` {given}")));
        }
        converted
    }

    /// Where the next item with this linkId is in the text.
    fn locate(&mut self, link_id: &str) -> Span {
        let count = self.seen.entry(link_id.to_owned()).or_insert(0);
        let span = nth_link_id(self.text, link_id, *count).unwrap_or(Span::new(0, 0));
        *count += 1;
        span
    }

    /// Help for a linkId that is not a field here: where it belongs, if it
    /// is a fact at all.
    fn belongs(&self, link_id: &str, prefix: &str) -> String {
        let known = reads::all_paths(self.schema);
        let path = link_id.strip_suffix(NONE_SUFFIX).unwrap_or(link_id);
        if known.contains(path) {
            let parent = path.rsplit_once('.').map(|(p, _)| p).unwrap_or("");
            format!(
                "`{path}` is a fact, but it belongs {} and this item is {}",
                place(parent),
                place(prefix)
            )
        } else {
            let suggestion = crate::suggest::closest(path, known.iter().map(String::as_str));
            match suggestion {
                Some(s) => format!(
                    "did you mean `{s}`? linkIds are the dotted fact paths of the Questionnaire"
                ),
                None => {
                    "linkIds are the dotted fact paths of the policy's Questionnaire".to_owned()
                }
            }
        }
    }
}

fn place(prefix: &str) -> String {
    if prefix.is_empty() {
        "at the top level".to_owned()
    } else {
        format!("inside the group `{prefix}`")
    }
}

fn display(prefix: &str) -> &str {
    if prefix.is_empty() {
        "the response"
    } else {
        prefix
    }
}

/// Appends `entry` to the list at `key`.
fn push(out: &mut Map, key: String, entry: Json) {
    match out.get_mut(&key).and_then(Json::as_array_mut) {
        Some(list) => list.push(entry),
        None => {
            out.insert(key, Json::Array(vec![entry]));
        }
    }
}

/// An item's answers.
fn answers(item: &Value) -> Vec<&Value> {
    item.get("answer")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

/// Whether an element carries the data-absent-reason extension.
fn absent(element: &Value) -> bool {
    element
        .get("extension")
        .and_then(Value::as_array)
        .is_some_and(|e| {
            e.iter()
                .any(|x| x.get("url").and_then(Value::as_str) == Some(DATA_ABSENT_REASON))
        })
}

/// The `value[x]` key of an answer and its value.
fn value_key(answer: &Value) -> Option<(&str, &Value)> {
    answer
        .as_object()?
        .iter()
        .find(|(k, _)| k.starts_with("value"))
        .map(|(k, v)| (k.as_str(), v))
}

/// The `value[x]` an answer of type `ty` takes.
fn value_name(ty: &Type) -> &'static str {
    match ty {
        Type::Bool => "valueBoolean",
        Type::Integer => "valueInteger",
        Type::Decimal => "valueDecimal",
        Type::Date => "valueDate",
        Type::Enum(_) => "valueCoding",
        _ => "valueString",
    }
}

/// The span of the `n`th (from 0) `"linkId": "<link_id>"` in `text`.
fn nth_link_id(text: &str, link_id: &str, n: usize) -> Option<Span> {
    let quoted = serde_json::to_string(link_id).ok()?;
    let mut found = 0;
    let mut from = 0;
    while let Some(at) = text.get(from..)?.find("\"linkId\"") {
        let key = from + at;
        let rest = text.get(key + 8..)?;
        let after_colon = rest.trim_start().strip_prefix(':')?.trim_start();
        let value_at = text.len() - after_colon.len();
        if after_colon.starts_with(&quoted) {
            if found == n {
                return Some(Span::new(key, value_at + quoted.len()));
            }
            found += 1;
        }
        from = key + 8;
    }
    None
}

/// The QuestionnaireResponse that answers `policy`'s Questionnaire (for
/// `decisions` of the version `checked`) with the facts in `facts` (a facts
/// file read as JSON): the inverse of [`facts_from_response`]. Facts the
/// decisions do not read are left out.
pub fn response_from_facts(
    policy: &Policy,
    checked: &Checked,
    decisions: &[&str],
    facts: &Value,
    base: &str,
) -> Json {
    let reads = Reads::of(checked, decisions);
    let schema = checked.schema();
    let name = &checked.header().name.text;
    let mut out = Map::new();
    out.insert("resourceType", "QuestionnaireResponse");
    out.insert(
        "questionnaire",
        format!(
            "{}|{}",
            super::questionnaire_url(base, name),
            super::questionnaire::version(policy, checked)
        ),
    );
    out.insert("status", "completed");
    if let Some(as_of) = facts.get("as_of").and_then(Value::as_str) {
        out.insert("authored", as_of);
    }
    let writer = Writer {
        schema,
        reads: &reads,
    };
    if let Some(root) = reads::root(schema) {
        out.insert("item", writer.record(root, "", facts, false));
    }
    Json::Object(out)
}

/// Writes facts as answers.
struct Writer<'a> {
    schema: &'a Schema,
    reads: &'a Reads,
}

impl Writer<'_> {
    fn record(&self, id: RecordId, prefix: &str, facts: &Value, whole: bool) -> Vec<Json> {
        let mut out = Vec::new();
        for field in reads::fields(self.schema, id, prefix) {
            if !(whole || self.reads.asks(&field.path)) {
                continue;
            }
            let whole_here = whole || self.reads.reads_whole(&field.path);
            let Some(given) = facts.get(&field.info.name).filter(|v| !v.is_null()) else {
                continue;
            };
            let (ty, is_list) = reads::element(&field.info.ty);
            match (ty, is_list, given) {
                (_, true, Value::Array(entries)) if entries.is_empty() => {
                    out.push(object! {
                        "linkId" => format!("{}{NONE_SUFFIX}", field.path),
                        "answer" => vec![object! { "valueBoolean" => true }],
                    });
                }
                (Type::Record(inner), false, _) => {
                    let items = self.record(*inner, &field.path, given, whole_here);
                    if !items.is_empty() {
                        out.push(object! { "linkId" => field.path.as_str(), "item" => items });
                    }
                }
                (Type::Record(inner), true, Value::Array(entries)) => {
                    for entry in entries {
                        let items = self.record(*inner, &field.path, entry, true);
                        out.push(if items.is_empty() {
                            object! { "linkId" => field.path.as_str(), "extension" => vec![unknown()] }
                        } else {
                            object! { "linkId" => field.path.as_str(), "item" => items }
                        });
                    }
                }
                (scalar, true, Value::Array(entries)) => {
                    let answers: Vec<Json> = entries
                        .iter()
                        .map(|e| match self.answer(scalar, e) {
                            Some(answer) => answer,
                            None => object! { "extension" => vec![unknown()] },
                        })
                        .collect();
                    out.push(object! { "linkId" => field.path.as_str(), "answer" => answers });
                }
                (scalar, false, value) => {
                    if let Some(answer) = self.answer(scalar, value) {
                        out.push(object! {
                            "linkId" => field.path.as_str(),
                            "answer" => vec![answer],
                        });
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// One answer for a facts value, if it is one of type `ty`.
    fn answer(&self, ty: &Type, value: &Value) -> Option<Json> {
        let key = value_name(ty);
        let converted = match (ty, value) {
            (Type::Bool, Value::Bool(b)) => Json::Bool(*b),
            (Type::Integer, Value::Number(n)) => Json::Number(n.clone()),
            (Type::Decimal, Value::Number(n)) => Json::Number(n.clone()),
            (Type::Decimal, Value::String(s)) => {
                Json::Number(serde_json::from_str::<serde_json::Number>(s).ok()?)
            }
            (Type::Enum(id), Value::String(code)) => {
                let mut coding = Map::new();
                coding.insert("code", code.as_str());
                if let Some(text) = self
                    .schema
                    .enumeration(*id)
                    .and_then(|info| info.description(code))
                {
                    coding.insert("display", text);
                }
                Json::Object(coding)
            }
            (_, Value::String(s)) => Json::String(s.clone()),
            _ => return None,
        };
        Some(object! { key => converted })
    }
}

/// The data-absent-reason extension saying "unknown".
fn unknown() -> Json {
    object! { "url" => DATA_ABSENT_REASON, "valueCode" => "unknown" }
}
