//! Facts files (JSON or YAML) → typed values, validated against the policy's
//! declared facts.
//!
//! Every error names the fact by path (`recipient.stays[2].admitted`), and all
//! errors of a file are reported together. `null` and an absent key both mean
//! unknown: the value becomes `Value::Unknown` carrying its path, so the path
//! reaches any determination it leaves open. Keys the policy does not declare
//! are warnings. The key `as_of` at the top level is the evaluation date.

mod error;
mod typed;

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
    load_str(&source.text, format, schema)
}

/// Reads and validates facts text against a policy's schema, straight into
/// typed values: the text is parsed once, with no document tree between.
pub fn load_str(text: &str, format: Format, schema: &Schema) -> Result<Facts, Vec<FactsError>> {
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        return Err(vec![FactsError::Empty {
            span: Span::new(0, text.len()),
        }]);
    }
    let absent = crate::check::absent_for_this_thread(schema);
    let mut reader = typed::Reader::new(schema, absent.as_deref(), format == Format::Yaml);
    let root = read(text, format, &mut reader).map_err(|e| vec![e])?;
    let root = match root {
        typed::Root::Facts(root) => root,
        typed::Root::NotAnObject(found) => {
            return Err(vec![FactsError::NotAnObject {
                span: Span::new(0, text.len()),
                found,
            }]);
        }
    };
    if reader.errors.is_empty() {
        Ok(Facts {
            root,
            as_of: reader.as_of,
            warnings: std::mem::take(&mut reader.warnings),
        })
    } else {
        Err(std::mem::take(&mut reader.errors))
    }
}

/// Runs the reader over the text in its format; a syntax error (or a key
/// given twice) stops it, located in the text.
fn read(text: &str, format: Format, reader: &mut typed::Reader) -> Result<typed::Root, FactsError> {
    match format {
        // A byte-order mark is not JSON: read it as three spaces, which keeps
        // every offset in the file the same.
        Format::Json => match text.strip_prefix('\u{feff}') {
            Some(rest) => read_json(&format!("   {rest}"), reader),
            None => read_json(text, reader),
        }
        .map_err(|e| {
            let offset = crate::source::offset_in(text, e.line(), e.column());
            FactsError::Syntax {
                span: Span::new(offset, offset),
                format: "JSON".to_owned(),
                message: strip_position(&e.to_string()),
            }
        }),
        #[cfg(not(feature = "yaml"))]
        Format::Yaml => Err(FactsError::NoYaml {
            span: Span::new(0, text.len()),
        }),
        #[cfg(feature = "yaml")]
        Format::Yaml => reader
            .root(serde_yaml_ng::Deserializer::from_str(text))
            .map_err(|e| {
                let offset = e.location().map_or(0, |l| l.index());
                let mut message = strip_position(&e.to_string());
                if message.ends_with(typed::MERGE_KEY) {
                    return FactsError::MergeKey {
                        span: Span::new(offset, offset),
                    };
                }
                if text.get(offset..).is_some_and(|t| t.starts_with('\t')) {
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

fn read_json(text: &str, reader: &mut typed::Reader) -> Result<typed::Root, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let root = reader.root(&mut deserializer)?;
    deserializer.end()?;
    Ok(root)
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

#[cfg(test)]
#[allow(clippy::panic, clippy::unwrap_used, reason = "tests fail by panicking")]
mod tests;
