//! Facts files (JSON or YAML) → typed values, validated against the policy's
//! declared facts.
//!
//! Every error names the fact by path (`recipient.stays[2].admitted`), and all
//! errors of a file are reported together. `null` and an absent key both mean
//! unknown: the value becomes `Value::Unknown` carrying its path, so the path
//! reaches any determination it leaves open. Keys the policy does not declare
//! are warnings. The key `as_of` at the top level is the evaluation date.

mod convert;
mod error;
mod strict;

pub use error::{FactsError, FactsWarning};

use crate::check::Schema;
use crate::source::{SourceFile, Span};
use crate::value::Value;
use jiff::civil::Date;

/// The format of a facts file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON.
    Json,
    /// YAML.
    Yaml,
}

impl Format {
    /// The format a file name implies: YAML for `.yaml`/`.yml`, else JSON.
    pub fn from_name(name: &str) -> Format {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            Format::Yaml
        } else {
            Format::Json
        }
    }
}

/// Facts ready for evaluation.
#[derive(Debug, Clone)]
pub struct Facts {
    /// The facts record, shaped as the schema's facts type.
    pub root: Value,
    /// The `as_of` date given in the file, if any.
    pub as_of: Option<Date>,
    /// Problems worth a warning.
    pub warnings: Vec<FactsWarning>,
}

/// Reads and validates a facts file against a policy's schema.
pub fn load(
    source: &SourceFile,
    format: Format,
    schema: &Schema,
) -> Result<Facts, Vec<FactsError>> {
    let document = parse_document(source, format).map_err(|e| vec![e])?;
    let serde_json::Value::Object(mut object) = document else {
        return Err(vec![FactsError::NotAnObject {
            span: Span::new(0, source.text.len()),
            found: convert::describe(&document),
        }]);
    };
    let mut errors = Vec::new();
    let as_of = match object.shift_remove("as_of") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(text)) => match crate::syntax::parse_date(&text) {
            Ok(date) => Some(date),
            Err(_) => {
                errors.push(FactsError::AsOf {
                    found: format!("{text:?}"),
                });
                None
            }
        },
        Some(other) => {
            errors.push(FactsError::AsOf {
                found: convert::describe(&other),
            });
            None
        }
    };
    let mut converter = convert::Converter::new(schema);
    let root = converter.root(&object);
    errors.extend(converter.errors);
    if errors.is_empty() {
        Ok(Facts {
            root,
            as_of,
            warnings: converter.warnings,
        })
    } else {
        Err(errors)
    }
}

fn parse_document(source: &SourceFile, format: Format) -> Result<serde_json::Value, FactsError> {
    match format {
        // A byte-order mark is not JSON: read it as three spaces, which keeps
        // every offset in the file the same.
        Format::Json => match source.text.strip_prefix('\u{feff}') {
            Some(rest) => json_document(&format!("   {rest}")),
            None => json_document(&source.text),
        }
        .map_err(|e| {
            let offset = source.offset_of(e.line(), e.column());
            FactsError::Syntax {
                span: Span::new(offset, offset),
                format: "JSON".to_owned(),
                message: strip_position(&e.to_string()),
            }
        }),
        Format::Yaml => yaml_document(&source.text).map_err(|e| {
            let offset = e.location().map_or(0, |l| l.index());
            let mut message = strip_position(&e.to_string());
            if source
                .text
                .get(offset..)
                .is_some_and(|t| t.starts_with('\t'))
            {
                message.push_str(" (a tab: indent YAML with spaces only)");
            }
            FactsError::Syntax {
                span: Span::new(offset, offset),
                format: "YAML".to_owned(),
                message,
            }
        }),
    }
}

/// A JSON document, rejecting a key given twice in one object.
fn json_document(text: &str) -> Result<serde_json::Value, serde_json::Error> {
    use serde::de::DeserializeSeed;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = strict::Strict { path: "" }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// A YAML document, rejecting a key given twice in one mapping.
fn yaml_document(text: &str) -> Result<serde_json::Value, serde_yaml_ng::Error> {
    use serde::de::DeserializeSeed;
    strict::Strict { path: "" }.deserialize(serde_yaml_ng::Deserializer::from_str(text))
}

/// Drops the " at line L column C" tail a parser adds; the label shows it.
fn strip_position(message: &str) -> String {
    let message = match message.find(" at line ") {
        Some(index) => message.get(..index).unwrap_or(message),
        None => message,
    };
    if message.ends_with("recursion limit exceeded") {
        return format!("{message}: lists and objects are nested more than 128 deep");
    }
    message.to_owned()
}
