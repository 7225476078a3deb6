//! Facts from FHIR data: a mapping file beside a policy (`NAME.fhir.yaml`)
//! names, for each fact, the FHIRPath expression that finds it in a FHIR
//! `Bundle` (`Patient.birthDate` reads the bundle's Patient resources). A fact the bundle cannot supply stays missing — exactly what
//! the Questionnaire then asks for.
//!
//! ```yaml
//! facts:
//!   recipient.locus.level: "Observation.where(code.text = 'LOCUS').value"
//!   recipient.inpatient_hospitalizations:
//!     each: "Encounter.where(class.code = 'IMP')"
//!     fields:
//!       admitted: "period.start"
//!       discharged: "period.end"
//! ```

use super::FhirError;
use super::reads;
use crate::check::{RecordId, Schema, Type};
use crate::engine::{Diagnostic, Diagnostics, Policy, Severity};
use crate::source::{SourceFile, Span};
use serde_json::Value;
use std::sync::Arc;
use tlq_fhirpath::{Context, Engine};

/// A checked mapping file: every key a declared fact, every expression
/// compiled.
pub struct Mapping {
    engine: Engine,
    entries: Vec<Entry>,
    prior_authorization: Vec<String>,
    source: SourceFile,
}

impl std::fmt::Debug for Mapping {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mapping")
            .field("file", &self.source.name)
            .field("entries", &self.entries.len())
            .finish()
    }
}

/// One fact and how to find it.
struct Entry {
    /// The fact's path, split at the dots.
    path: Vec<String>,
    /// Its type.
    ty: Type,
    /// Where the key is written.
    span: Span,
    /// The expression, evaluated on the bundle.
    find: Compiled,
    /// For a list of records: each field's expression, on each element.
    fields: Vec<(String, Type, Compiled)>,
}

/// An expression and its compiled plan.
struct Compiled {
    text: String,
    plan: Arc<tlq_fhirpath::vm::Plan>,
}

impl Mapping {
    /// The mapping file beside the policy file `policy_path`
    /// (`policies/mn_irts.policy` → `policies/mn_irts.fhir.yaml`), if there
    /// is one.
    pub fn path_beside(policy_path: &std::path::Path) -> std::path::PathBuf {
        policy_path.with_extension("fhir.yaml")
    }

    /// The resource types the expressions read (`Patient`, `Encounter`, …),
    /// sorted: what a CDS service asks the EHR to prefetch.
    pub fn resource_types(&self) -> Vec<String> {
        let mut kinds: Vec<String> = self
            .entries
            .iter()
            .filter_map(|e| leading_type(&e.find.text).map(str::to_owned))
            .collect();
        kinds.sort();
        kinds.dedup();
        kinds
    }

    /// Reads and checks a mapping file against `policy`'s facts.
    pub fn from_source(policy: &Policy, source: SourceFile) -> Result<Mapping, Diagnostics> {
        let context: Arc<dyn tlq_fhir_context::FhirContext> = Arc::new(
            tlq_fhir_context::DefaultFhirContext::from_packages(Vec::new()),
        );
        let engine = Engine::new(context, None);
        let mut errors = Vec::new();
        let (entries, prior_authorization) = read_file(policy, &engine, &source.text, &mut errors);
        if !errors.is_empty() {
            let mut all = Diagnostics::default();
            all.extend(errors, Some(&source), Severity::Error);
            return Err(all);
        }
        Ok(Mapping {
            engine,
            entries,
            prior_authorization,
            source,
        })
    }

    /// Whether the file lists `decision` under `prior_authorization:`: its
    /// determination says whether a prior authorization is in order, and a
    /// CDS card says "prior authorization needed" until it is true.
    pub fn is_prior_authorization(&self, decision: &str) -> bool {
        self.prior_authorization.iter().any(|d| d == decision)
    }

    /// The facts (as a facts-file JSON object) the bundle supplies. A fact
    /// no resource supplies is left out, so it is missing; a value of the
    /// wrong type is an error naming the fact and the expression.
    pub fn facts(&self, bundle: &SourceFile) -> Result<Value, Diagnostics> {
        let fail = |error: FhirError, source: &SourceFile| {
            let mut all = Diagnostics::default();
            all.push(Diagnostic::new(error, Some(source), Severity::Error));
            all
        };
        let parsed: Value = serde_json::from_str(&bundle.text).map_err(|e| {
            let at = crate::source::offset_in(&bundle.text, e.line(), e.column());
            fail(
                FhirError::Resource {
                    span: Span::new(at, at),
                    message: format!("the bundle is not valid JSON: {e}"),
                    help: "fix the JSON syntax at the marked place".to_owned(),
                },
                bundle,
            )
        })?;
        let root = as_bundle(parsed).ok_or_else(|| {
            fail(
                FhirError::Resource {
                    span: Span::new(0, 0),
                    message: "not a FHIR Bundle (or a resource)".to_owned(),
                    help: "give a JSON object with a \"resourceType\"; a Bundle's resources are in entry[].resource".to_owned(),
                },
                bundle,
            )
        })?;
        let mut facts = Value::Object(serde_json::Map::new());
        let root = &root;
        let mut errors = Vec::new();
        for entry in &self.entries {
            match self.entry_value(entry, root) {
                Ok(Some(value)) => insert(&mut facts, &entry.path, value),
                Ok(None) => {}
                Err(message) => errors.push(FhirError::Mapping {
                    span: entry.span,
                    message: format!("{}: {message}", entry.path.join(".")),
                    help: "narrow the expression (e.g. with `where(…)`, `first()` or `last()`), or fix the bundle".to_owned(),
                }),
            }
        }
        if errors.is_empty() {
            Ok(facts)
        } else {
            let mut all = Diagnostics::default();
            all.extend(errors, Some(&self.source), Severity::Error);
            Err(all)
        }
    }

    /// The value of one fact, `None` when the bundle does not supply it.
    fn entry_value(&self, entry: &Entry, root: &Arc<Value>) -> Result<Option<Value>, String> {
        let found = self.run(&entry.find, root)?;
        let (element, is_list) = reads::element(&entry.ty);
        if !is_list {
            return match found.as_slice() {
                [] => Ok(None),
                [one] => convert(element, one).map(Some),
                many => Err(format!(
                    "`{}` finds {} values for one fact",
                    entry.find.text,
                    many.len()
                )),
            };
        }
        if found.is_empty() {
            // No resource says anything: unknown, not an empty list.
            return Ok(None);
        }
        let mut list = Vec::with_capacity(found.len());
        for item in &found {
            if entry.fields.is_empty() {
                list.push(convert(element, item)?);
                continue;
            }
            let item = Arc::new(item.clone());
            let mut record = serde_json::Map::new();
            for (name, ty, expression) in &entry.fields {
                match self.run(expression, &item)?.as_slice() {
                    [] => {}
                    [one] => {
                        record.insert(name.clone(), convert(ty, one)?);
                    }
                    many => {
                        return Err(format!(
                            "field `{name}`: `{}` finds {} values",
                            expression.text,
                            many.len()
                        ));
                    }
                }
            }
            list.push(Value::Object(record));
        }
        Ok(Some(Value::Array(list)))
    }

    /// Runs one compiled expression with `root` as its context, as JSON.
    fn run(&self, expression: &Compiled, root: &Arc<Value>) -> Result<Vec<Value>, String> {
        // A third-party engine on caller-sent data: a panic inside it is an
        // error for this request, never a crash.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let context = Context::new(tlq_fhirpath::Value::from_json_root(Arc::clone(root)));
            self.engine
                .evaluate(&expression.plan, &context)
                .map(|collection| {
                    collection
                        .iter()
                        .filter_map(tlq_fhirpath::tlq_fhirpath_value_to_json)
                        .collect::<Vec<Value>>()
                })
        }));
        match outcome {
            Ok(Ok(values)) => Ok(values),
            Ok(Err(e)) => Err(format!("`{}` failed: {e}", expression.text)),
            Err(_) => Err(format!(
                "`{}` failed inside the FHIRPath engine",
                expression.text
            )),
        }
    }
}

/// The Bundle, or a single resource wrapped in one.
fn as_bundle(parsed: Value) -> Option<Arc<Value>> {
    let kind = parsed.get("resourceType")?.as_str()?;
    if kind == "Bundle" {
        return Some(Arc::new(parsed));
    }
    Some(Arc::new(serde_json::json!({
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{ "resource": parsed }],
    })))
}

/// An expression that starts with a resource type (`Patient.birthDate`)
/// reads every resource of that type in the bundle, as FHIRPath reads a
/// collection of resources: `entry.resource.where(resourceType =
/// 'Patient').birthDate`. The engine is run without the FHIR type
/// definitions, so the type is matched by name. Anything else is evaluated
/// on the Bundle itself.
fn over_resources(expression: &str) -> String {
    match leading_type(expression) {
        Some(name) => {
            let rest = expression
                .trim_start()
                .get(name.len()..)
                .unwrap_or_default();
            format!("entry.resource.where(resourceType = '{name}'){rest}")
        }
        None => expression.to_owned(),
    }
}

/// The resource type an expression starts with, if it starts with one.
fn leading_type(expression: &str) -> Option<&str> {
    let trimmed = expression.trim_start();
    let name_end = trimmed
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(trimmed.len());
    let (name, rest) = trimmed.split_at(name_end);
    let is_type = name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && name != "Bundle"
        && (rest.is_empty() || rest.starts_with('.'));
    is_type.then_some(name)
}

/// A FHIRPath result as a facts value of type `ty`.
fn convert(ty: &Type, value: &Value) -> Result<Value, String> {
    let ok = match (ty, value) {
        (Type::Bool, Value::Bool(_)) => true,
        (Type::Integer, Value::Number(n)) => n.is_i64(),
        (Type::Decimal, Value::Number(_)) => true,
        (Type::Text | Type::Duration(_) | Type::Enum(_), Value::String(_)) => true,
        (Type::Date, Value::String(s)) => {
            // A dateTime's day: the facts are dates.
            return Ok(Value::String(s.get(..10).unwrap_or(s).to_owned()));
        }
        _ => false,
    };
    if ok {
        Ok(value.clone())
    } else {
        Err(format!(
            "the bundle gives {value}, which is not a {}",
            super::questionnaire::answer_type(ty)
        ))
    }
}

/// Sets the value at `path` in a facts object, making records on the way.
fn insert(facts: &mut Value, path: &[String], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut at = facts;
    for parent in parents {
        let Value::Object(map) = at else { return };
        at = map
            .entry(parent.clone())
            .or_insert_with(|| Value::Object(serde_json::Map::new()));
    }
    if let Value::Object(map) = at {
        map.insert(last.clone(), value);
    }
}

/// A mapping problem at `span`.
fn problem(span: Span, message: String, help: &str) -> FhirError {
    FhirError::Mapping {
        span,
        message,
        help: help.to_owned(),
    }
}

/// Reads the file: its entries, each key checked against the schema and
/// each expression compiled, and its prior-authorization decisions; every
/// problem is added to `errors`.
fn read_file(
    policy: &Policy,
    engine: &Engine,
    text: &str,
    errors: &mut Vec<FhirError>,
) -> (Vec<Entry>, Vec<String>) {
    let schema = policy.schema();
    let parsed: serde_yaml_ng::Value = match serde_yaml_ng::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let at = e.location().map(|l| l.index()).unwrap_or_default();
            errors.push(problem(
                Span::new(at, at),
                format!("the mapping file is not valid YAML: {e}"),
                "fix the YAML at the marked place",
            ));
            return (Vec::new(), Vec::new());
        }
    };
    for key in parsed.as_mapping().into_iter().flat_map(|m| m.keys()) {
        let name = key.as_str().unwrap_or("");
        if name != "facts" && name != "prior_authorization" {
            errors.push(problem(
                key_span(text, name),
                format!("`{name}` is not a part of a mapping file"),
                "a mapping file has `facts:` and, optionally, `prior_authorization:`",
            ));
        }
    }
    let prior_authorization = prior_authorization(policy, &parsed, text, errors);
    let Some(facts) = parsed
        .get("facts")
        .and_then(serde_yaml_ng::Value::as_mapping)
    else {
        errors.push(problem(
            Span::new(0, 0),
            "the mapping file has no `facts:` mapping".to_owned(),
            "write `facts:` and under it one `fact.path: FHIRPath` per line",
        ));
        return (Vec::new(), prior_authorization);
    };
    let reader = EntryReader {
        schema,
        engine,
        known: reads::all_paths(schema),
    };
    let entries = facts
        .iter()
        .filter_map(|(key, value)| {
            let key = key.as_str()?;
            reader.entry(key, key_span(text, key), value, errors)
        })
        .collect();
    (entries, prior_authorization)
}

/// The `prior_authorization:` list: boolean decisions of the policy.
fn prior_authorization(
    policy: &Policy,
    parsed: &serde_yaml_ng::Value,
    text: &str,
    errors: &mut Vec<FhirError>,
) -> Vec<String> {
    let Some(listed) = parsed.get("prior_authorization") else {
        return Vec::new();
    };
    let span = key_span(text, "prior_authorization");
    let Some(listed) = listed.as_sequence() else {
        errors.push(problem(
            span,
            "`prior_authorization` is not a list".to_owned(),
            "list decision names: `prior_authorization: [authorization_request_complete]`",
        ));
        return Vec::new();
    };
    let checked = policy.latest();
    let booleans: Vec<&str> = checked
        .decisions()
        .filter(|(_, d)| d.ty == Type::Bool)
        .map(|(_, d)| d.name.as_str())
        .collect();
    let mut out = Vec::new();
    for name in listed {
        let name = name.as_str().unwrap_or("");
        if booleans.contains(&name) {
            out.push(name.to_owned());
        } else {
            errors.push(problem(
                span,
                format!("`{name}` is not a boolean decision of this policy"),
                &format!("the boolean decisions are {}", booleans.join(", ")),
            ));
        }
    }
    out
}

/// Checks and compiles entries.
struct EntryReader<'a> {
    schema: &'a Schema,
    engine: &'a Engine,
    known: std::collections::BTreeSet<String>,
}

impl EntryReader<'_> {
    /// One entry: `key: expression`, or `key: {each, fields}` for a list of
    /// records.
    fn entry(
        &self,
        key: &str,
        span: Span,
        value: &serde_yaml_ng::Value,
        errors: &mut Vec<FhirError>,
    ) -> Option<Entry> {
        let Some(ty) = fact_type(self.schema, key) else {
            let hint = crate::suggest::closest(key, self.known.iter().map(String::as_str))
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| "keys are the dotted paths of declared facts".to_owned());
            errors.push(problem(
                span,
                format!("`{key}` is not a fact of this policy"),
                &hint,
            ));
            return None;
        };
        let (element, is_list) = reads::element(&ty);
        let (find, fields) = match value {
            serde_yaml_ng::Value::String(expression) => (expression.as_str(), None),
            serde_yaml_ng::Value::Mapping(m) => match m.get("each").and_then(|e| e.as_str()) {
                Some(each) => (each, m.get("fields").and_then(|f| f.as_mapping())),
                None => {
                    errors.push(problem(
                        span,
                        format!("`{key}` has no `each:` expression"),
                        "give `each:` (the list's elements) and `fields:` (each field's expression on an element)",
                    ));
                    return None;
                }
            },
            _ => {
                errors.push(problem(
                    span,
                    format!("`{key}` is not given an expression"),
                    "write the FHIRPath expression as text",
                ));
                return None;
            }
        };
        let record = match element {
            Type::Record(id) if is_list => Some(*id),
            Type::Record(_) => {
                errors.push(problem(
                    span,
                    format!("`{key}` is a record"),
                    "map its fields one by one (`record.field: …`)",
                ));
                return None;
            }
            _ => None,
        };
        let find = self.compile(find, span, errors, true)?;
        let mut compiled_fields = Vec::new();
        if let Some(record) = record {
            let Some(fields) = fields else {
                errors.push(problem(
                    span,
                    format!("`{key}` is a list of records but has no `fields:`"),
                    "give each field's expression, evaluated on one element",
                ));
                return None;
            };
            compiled_fields = self.fields(record, key, fields, span, errors);
        }
        Some(Entry {
            path: key.split('.').map(str::to_owned).collect(),
            ty,
            span,
            find,
            fields: compiled_fields,
        })
    }

    /// Compiles an expression; `rooted` ones read the bundle's resources.
    fn compile(
        &self,
        expression: &str,
        span: Span,
        errors: &mut Vec<FhirError>,
        rooted: bool,
    ) -> Option<Compiled> {
        let rewritten = if rooted {
            over_resources(expression)
        } else {
            expression.to_owned()
        };
        match self.engine.compile(&rewritten, None) {
            Ok(plan) => Some(Compiled {
                text: expression.to_owned(),
                plan,
            }),
            Err(e) => {
                errors.push(problem(
                    span,
                    format!("`{expression}` is not a FHIRPath expression: {e}"),
                    "see the FHIRPath specification (hl7.org/fhirpath)",
                ));
                None
            }
        }
    }

    /// The compiled field expressions of a list-of-records entry.
    fn fields(
        &self,
        record: RecordId,
        key: &str,
        fields: &serde_yaml_ng::Mapping,
        span: Span,
        errors: &mut Vec<FhirError>,
    ) -> Vec<(String, Type, Compiled)> {
        let declared = reads::fields(self.schema, record, key);
        let mut out = Vec::new();
        for (name, expression) in fields {
            let (Some(name), Some(expression)) = (name.as_str(), expression.as_str()) else {
                continue;
            };
            let Some(field) = declared.iter().find(|f| f.info.name == name) else {
                let names: Vec<&str> = declared.iter().map(|f| f.info.name.as_str()).collect();
                errors.push(problem(
                    span,
                    format!("`{name}` is not a field of `{key}`"),
                    &format!("its fields are {}", names.join(", ")),
                ));
                continue;
            };
            if let Some(compiled) = self.compile(expression, span, errors, false) {
                out.push((name.to_owned(), field.info.ty.clone(), compiled));
            }
        }
        out
    }
}

/// The type of the fact at a dotted path.
fn fact_type(schema: &Schema, path: &str) -> Option<Type> {
    let mut record = reads::root(schema)?;
    let mut prefix = String::new();
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        let field = reads::fields(schema, record, &prefix)
            .into_iter()
            .find(|f| f.info.name == part)?;
        if parts.peek().is_none() {
            return Some(field.info.ty.clone());
        }
        let Type::Record(next) = field.info.ty else {
            return None;
        };
        record = next;
        prefix = field.path;
    }
    None
}

/// Where `key` is written in the file (its first occurrence as a key).
fn key_span(text: &str, key: &str) -> Span {
    let mut from = 0;
    while let Some(at) = text.get(from..).and_then(|t| t.find(key)) {
        let start = from + at;
        let end = start + key.len();
        let line_start = text
            .get(..start)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |n| n + 1);
        let before = text.get(line_start..start).unwrap_or("");
        let after = text.get(end..).unwrap_or("");
        if before.trim().is_empty() && after.trim_start().starts_with(':') {
            return Span::new(start, end);
        }
        from = end;
    }
    Span::new(0, 0)
}
