//! Converts a parsed document into typed values, one declared type at a time.

use super::error::{FactsError, FactsWarning};
use crate::check::{RecordId, Schema, Type};
use crate::suggest;
use crate::value::{Missing, Value};
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::Arc;

type Object = serde_json::Map<String, serde_json::Value>;

/// Walks a document against the schema, collecting errors and warnings.
pub(crate) struct Converter<'a> {
    schema: &'a Schema,
    path: String,
    pub errors: Vec<FactsError>,
    pub warnings: Vec<FactsWarning>,
}

impl<'a> Converter<'a> {
    pub fn new(schema: &'a Schema) -> Self {
        Self {
            schema,
            path: String::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The facts record from the top-level object.
    pub fn root(&mut self, object: &Object) -> Value {
        match self.schema.facts {
            Some(id) => self.record(id, object),
            None => {
                self.unknown_keys(&[], object);
                Value::Record(Arc::from(Vec::new()))
            }
        }
    }

    fn value(&mut self, ty: &Type, json: &serde_json::Value) -> Value {
        use serde_json::Value as J;
        match (ty, json) {
            (_, J::Null) => self.absent(ty),
            (Type::Bool, J::Bool(b)) => Value::Bool(*b),
            (Type::Integer, J::Number(n)) => match n.as_i64() {
                Some(i) => Value::Integer(i),
                None => self.wrong(ty, json, "whole numbers lie between -9223372036854775808 and 9223372036854775807 and have no fraction"),
            },
            (Type::Decimal, J::Number(n)) => {
                let text = n.to_string();
                match Decimal::from_str(&text).or_else(|_| Decimal::from_scientific(&text)) {
                    Ok(d) => Value::Decimal(d),
                    Err(_) => self.wrong(ty, json, "decimals have at most 28 significant digits"),
                }
            }
            (Type::Text, J::String(s)) => Value::Text(Arc::from(s.as_str())),
            (Type::Date, J::String(s)) => match crate::syntax::parse_date(s) {
                Ok(date) => Value::Date(date),
                Err(reason) => {
                    let write = "write dates as \"YYYY-MM-DD\", e.g. \"2026-03-01\"";
                    let help = if reason.starts_with("expected") {
                        write.to_owned()
                    } else {
                        format!("{reason}; {write}")
                    };
                    self.wrong(ty, json, &help)
                }
            },
            (Type::Enum(id), J::String(s)) => self.enum_value(*id, s, json),
            (Type::Record(id), J::Object(object)) => self.record(*id, object),
            (Type::List(element), J::Array(items)) => self.list(element, items),
            _ => {
                let help = match ty {
                    Type::Date => "write dates as text \"YYYY-MM-DD\", e.g. \"2026-03-01\"".to_owned(),
                    Type::Bool => "write true or false without quotes".to_owned(),
                    Type::Integer | Type::Decimal => "write numbers without quotes".to_owned(),
                    Type::List(_) => "write a list as [ … ]".to_owned(),
                    Type::Record(_) => "write a record as { … }".to_owned(),
                    Type::Text => "write text in quotes, e.g. \"27053\"".to_owned(),
                    Type::Enum(id) => match self.schema.enumeration(*id) {
                        Some(info) => format!(
                            "write one of the values as text in quotes: {}",
                            info.variants.join(", ")
                        ),
                        None => "write the value as text in quotes".to_owned(),
                    },
                    _ => "use null or leave the key out if the fact is not known".to_owned(),
                };
                self.wrong(ty, json, &help)
            }
        }
    }

    fn record(&mut self, id: RecordId, object: &Object) -> Value {
        let Some(record) = self.schema.record(id) else {
            return Value::Unknown(Missing::none());
        };
        let mut values = Vec::with_capacity(record.fields.len());
        for field in &record.fields {
            let mark = self.enter_field(&field.name);
            let value = match object.get(&field.name) {
                Some(json) => self.value(&field.ty, json),
                None => self.absent(&field.ty),
            };
            self.path.truncate(mark);
            values.push(value);
        }
        let declared: Vec<&str> = record.fields.iter().map(|f| f.name.as_str()).collect();
        self.unknown_keys(&declared, object);
        Value::Record(Arc::from(values))
    }

    fn list(&mut self, element: &Type, items: &[serde_json::Value]) -> Value {
        let mut values = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let mark = self.path.len();
            self.path.push_str(&format!("[{index}]"));
            values.push(self.value(element, item));
            self.path.truncate(mark);
        }
        Value::List(Arc::from(values))
    }

    fn enum_value(
        &mut self,
        id: crate::check::EnumId,
        text: &str,
        json: &serde_json::Value,
    ) -> Value {
        let Some(info) = self.schema.enumeration(id) else {
            return Value::Unknown(Missing::none());
        };
        if let Some(index) = info.variants.iter().position(|v| v == text) {
            return Value::Enum(index as u32);
        }
        let help = match suggest::closest(text, info.variants.iter().map(String::as_str)) {
            Some(best) => format!(
                "did you mean \"{best}\"? The values are {}",
                info.variants.join(", ")
            ),
            None => format!("the values are {}", info.variants.join(", ")),
        };
        self.wrong(&Type::Enum(id), json, &help)
    }

    /// An absent or null fact: unknown, naming its path. An absent record is
    /// a record of absent fields, so each field names its own path.
    fn absent(&mut self, ty: &Type) -> Value {
        if let Type::Record(id) = ty
            && let Some(record) = self.schema.record(*id)
        {
            let mut values = Vec::with_capacity(record.fields.len());
            for field in &record.fields {
                let mark = self.enter_field(&field.name);
                values.push(self.absent(&field.ty));
                self.path.truncate(mark);
            }
            return Value::Record(Arc::from(values));
        }
        Value::Unknown(Missing::one(Arc::from(self.path.as_str())))
    }

    fn enter_field(&mut self, name: &str) -> usize {
        let mark = self.path.len();
        if !self.path.is_empty() {
            self.path.push('.');
        }
        self.path.push_str(name);
        mark
    }

    fn unknown_keys(&mut self, declared: &[&str], object: &Object) {
        for key in object.keys() {
            if declared.contains(&key.as_str()) {
                continue;
            }
            let mark = self.enter_field(key);
            let help = match suggest::closest(key, declared.iter().copied()) {
                Some(best) => format!("did you mean `{best}`?"),
                None if declared.is_empty() => "this record declares no fields".to_owned(),
                None => format!("the declared keys here are {}", declared.join(", ")),
            };
            self.warnings.push(FactsWarning::UnknownKey {
                path: self.path.clone(),
                help,
            });
            self.path.truncate(mark);
        }
    }

    fn wrong(&mut self, ty: &Type, json: &serde_json::Value, help: &str) -> Value {
        let expected = match ty {
            Type::Date => "a date YYYY-MM-DD".to_owned(),
            Type::Enum(id) => format!(
                "one of the values of {}",
                self.schema
                    .enumeration(*id)
                    .map_or("?", |e| e.name.as_str())
            ),
            other => self.schema.describe(other),
        };
        self.errors.push(FactsError::WrongType {
            path: if self.path.is_empty() {
                "(top level)".to_owned()
            } else {
                self.path.clone()
            },
            expected,
            found: describe(json),
            help: help.to_owned(),
        });
        Value::Unknown(Missing::none())
    }
}

/// A short description of a JSON value for messages: `"03/01/2026"`, `42`,
/// `an object`.
pub(crate) fn describe(json: &serde_json::Value) -> String {
    use serde_json::Value as J;
    match json {
        J::Null => "null".to_owned(),
        J::Bool(b) => b.to_string(),
        J::Number(n) => n.to_string(),
        J::String(s) => {
            let short: String = s.chars().take(40).collect();
            if short.len() < s.len() {
                format!("\"{short}…\"")
            } else {
                format!("{s:?}")
            }
        }
        J::Array(_) => "a list".to_owned(),
        J::Object(_) => "an object".to_owned(),
    }
}
