//! A JSON Schema (draft 2020-12) of a policy's facts input.
//!
//! It accepts what `facts::load` accepts, as far as JSON Schema can say it:
//! every key is optional and every value may be `null` (both mean unknown),
//! and keys the policy does not declare are allowed (the loader only warns).
//! Named records and enumerations are `$defs`, so records may hold lists of
//! themselves.

use crate::check::Checked;
use crate::check::{EnumId, FieldInfo, RecordId, Schema, Type};
use crate::json::{Json, Map};

const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// `YYYY-MM-DD` with ASCII digits, as the loader requires; `format: date`
/// adds the calendar check for validators that assert formats.
const DATE_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

/// The JSON Schema (draft 2020-12) of a facts file for this policy: every
/// declared fact, optional and nullable, plus the top-level `as_of` date.
pub fn json_schema(checked: &Checked) -> Json {
    let header = checked.header();
    let schema = checked.schema();
    let mut properties = Map::new();
    let mut as_of = object([(
        "description",
        Json::from("The date to evaluate as of; the command line's --as-of overrides it"),
    )]);
    as_of.extend(date_schema());
    properties.insert("as_of".to_owned(), Json::Object(as_of));
    for field in schema.fact_fields() {
        properties.insert(field.name.clone(), property(schema, field));
    }
    let mut out = Map::new();
    out.insert("$schema".to_owned(), Json::from(DRAFT));
    out.insert("title".to_owned(), Json::from(&header.title));
    let description = format!(
        "The facts policy {} reads ({}). A key left out or null means the fact is unknown; \
         keys the policy does not declare are allowed (policyc warns about them).",
        header.name.text, header.source
    );
    out.insert("description".to_owned(), Json::from(description));
    out.insert("type".to_owned(), Json::from("object"));
    out.insert("properties".to_owned(), Json::Object(properties));
    out.insert("additionalProperties".to_owned(), Json::from(true));
    let defs = definitions(schema);
    if !defs.is_empty() {
        out.insert("$defs".to_owned(), Json::Object(defs));
    }
    Json::Object(out)
}

/// A field's schema with its description.
fn property(schema: &Schema, field: &FieldInfo) -> Json {
    let mut out = Map::new();
    if let Some(doc) = &field.doc {
        out.insert("description".to_owned(), Json::from(doc));
    }
    out.extend(type_schema(schema, &field.ty));
    Json::Object(out)
}

/// The schema of a value of type `ty`, `null` included.
fn type_schema(schema: &Schema, ty: &Type) -> Map {
    match ty {
        Type::Bool => nullable("boolean"),
        Type::Integer => nullable("integer"),
        // A number, or text for more digits than a JSON number keeps.
        Type::Decimal => object([
            ("type", Json::from(vec!["number", "string", "null"])),
            ("pattern", Json::from(DECIMAL_PATTERN)),
        ]),
        Type::Text => nullable("string"),
        Type::Date => date_schema(),
        // Facts cannot be declared as lengths of time; only unknown fits.
        Type::Duration(_) => object([("type", Json::from("null"))]),
        Type::Enum(id) => match schema.enumeration(*id) {
            Some(info) => reference(&info.name),
            None => Map::new(),
        },
        Type::Record(id) => match schema.record(*id) {
            Some(record) => match &record.name {
                Some(name) => reference(name),
                None => record_schema(schema, &record.fields),
            },
            None => Map::new(),
        },
        Type::List(element) => object([
            ("type", Json::from(vec!["array", "null"])),
            ("items", Json::Object(type_schema(schema, element))),
        ]),
    }
}

/// A decimal written as text: `"1500.25"`, `"-2.5e-3"`.
const DECIMAL_PATTERN: &str = "^[+-]?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?$";

fn nullable(json_type: &str) -> Map {
    object([("type", Json::from(vec![json_type, "null"]))])
}

fn date_schema() -> Map {
    object([
        ("type", Json::from(vec!["string", "null"])),
        ("format", Json::from("date")),
        ("pattern", Json::from(DATE_PATTERN)),
    ])
}

fn reference(name: &str) -> Map {
    object([("$ref", Json::from(format!("#/$defs/{name}")))])
}

/// An object with these fields; unknown keys are allowed, as in the loader.
fn record_schema(schema: &Schema, fields: &[FieldInfo]) -> Map {
    let properties: Map = fields
        .iter()
        .map(|field| (field.name.clone(), property(schema, field)))
        .collect();
    object([
        ("type", Json::from(vec!["object", "null"])),
        ("properties", Json::Object(properties)),
        ("additionalProperties", Json::from(true)),
    ])
}

/// The values as `enum`; when any value has a description, also as
/// `oneOf` of `const` and `description`, so editors and form builders can
/// show what each value means.
fn enum_schema(info: &crate::check::EnumInfo) -> Map {
    let mut allowed: Vec<Json> = info.variants.iter().map(Json::from).collect();
    // `enum` is checked apart from `type`, so null must be listed here too.
    allowed.push(Json::Null);
    let mut out = object([
        ("type", Json::from(vec!["string", "null"])),
        ("enum", Json::Array(allowed)),
    ]);
    if info.descriptions.iter().any(Option::is_some) {
        let mut options: Vec<Json> = info
            .variants
            .iter()
            .map(|v| {
                let mut option = object([("const", Json::from(v.as_str()))]);
                if let Some(text) = info.description(v) {
                    option.insert("description", text);
                }
                Json::Object(option)
            })
            .collect();
        options.push(Json::Object(object([("type", Json::from("null"))])));
        out.insert("oneOf", Json::Array(options));
    }
    out
}

fn object<const N: usize>(entries: [(&str, Json); N]) -> Map {
    entries
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect()
}

/// `$defs`: the named records, then the enumerations, that the facts use,
/// each in declared order.
fn definitions(schema: &Schema) -> Map {
    let (records, enums) = reachable(schema);
    let mut defs = Map::new();
    for (index, record) in schema.records.iter().enumerate() {
        let used = records.get(index).copied().unwrap_or(false);
        if let (true, Some(name)) = (used, &record.name) {
            let body = record_schema(schema, &record.fields);
            defs.insert(name.clone(), Json::Object(body));
        }
    }
    for (index, info) in schema.enums.iter().enumerate() {
        if enums.get(index).copied().unwrap_or(false) {
            let mut body = Map::new();
            if let Some(doc) = &info.doc {
                body.insert("description".to_owned(), Json::from(doc));
            }
            body.extend(enum_schema(info));
            defs.insert(info.name.clone(), Json::Object(body));
        }
    }
    defs
}

/// Which records and enumerations the facts use, found with a work list so
/// that records holding lists of themselves end.
fn reachable(schema: &Schema) -> (Vec<bool>, Vec<bool>) {
    let mut records = vec![false; schema.records.len()];
    let mut enums = vec![false; schema.enums.len()];
    let mut pending: Vec<&Type> = schema.fact_fields().iter().map(|f| &f.ty).collect();
    while let Some(ty) = pending.pop() {
        match ty {
            Type::List(element) => pending.push(element),
            Type::Enum(EnumId(index)) => {
                if let Some(seen) = enums.get_mut(*index as usize) {
                    *seen = true;
                }
            }
            Type::Record(id) if mark(&mut records, *id) => {
                let fields = schema.record(*id).map_or(&[][..], |r| &r.fields);
                pending.extend(fields.iter().map(|f| &f.ty));
            }
            _ => {}
        }
    }
    (records, enums)
}

/// Marks a record seen; whether it was new.
fn mark(records: &mut [bool], RecordId(index): RecordId) -> bool {
    match records.get_mut(index as usize) {
        Some(seen) if !*seen => {
            *seen = true;
            true
        }
        _ => false,
    }
}
