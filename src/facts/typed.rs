//! Reads a facts document straight into typed values, guided by the schema.
//!
//! The parser hands each token to the visitor of the type declared at that
//! place, so there is no intermediate document tree: a boolean fact becomes
//! `Value::Bool` as it is read. Type mismatches are collected (all of a file's
//! errors are reported together) and the offending value is skipped; syntax
//! errors and a key given twice stop the read at their position.

use super::error::{FactsError, FactsWarning};
use crate::check::{Absent, FieldInfo, RecordId, Schema, Type};
use crate::decimal::{Decimal, DecimalError};
use crate::suggest;
use crate::value::{Missing, Value};
use jiff::civil::Date;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt::{self, Write};
use std::sync::Arc;
use top::{AsOfSeed, Key, KeySeed, RootSeed};

mod top;

/// One step of the path to the value being read.
#[derive(Clone, Copy)]
enum Step<'s> {
    /// A record field, by its declared name, with its shared absent value
    /// when its path holds no list index.
    Field(&'s str, Option<&'s Absent>),
    /// A list element, by its position.
    Index(usize),
}

/// The state of one read: where it is, and what it found wrong.
pub(super) struct Reader<'s> {
    schema: &'s Schema,
    /// The values of absent facts at paths without list indices.
    absent: Option<&'s Absent>,
    path: Vec<Step<'s>>,
    /// Values of the wrong type, in document order.
    pub errors: Vec<FactsError>,
    /// Keys the policy does not declare.
    pub warnings: Vec<FactsWarning>,
    /// The top-level `as_of`, when given as a date.
    pub as_of: Option<Date>,
    /// Whether the document is YAML: the key `<<` is then a merge key,
    /// which is refused, and a number with a leading zero arrives as text.
    yaml: bool,
    /// The fields of the records being read, innermost last: each record
    /// uses the slots above where it started, so nested records share one
    /// buffer and a record costs one allocation, its own.
    fields: Vec<Option<Value>>,
    /// The elements of the lists being read, the same way.
    elements: Vec<Value>,
}

thread_local! {
    /// Each thread's reading buffers, kept between documents.
    static BUFFERS: std::cell::Cell<(Vec<Option<Value>>, Vec<Value>)> =
        const { std::cell::Cell::new((Vec::new(), Vec::new())) };
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        // Hand the (emptied) buffers back for the thread's next document.
        let mut fields = std::mem::take(&mut self.fields);
        let mut elements = std::mem::take(&mut self.elements);
        fields.clear();
        elements.clear();
        BUFFERS.with(|b| b.set((fields, elements)));
    }
}

/// What the top level of the document held.
pub(super) enum Root {
    /// An object: the facts record.
    Facts(Value),
    /// Something else, described for the message.
    NotAnObject(String),
}

impl<'s> Reader<'s> {
    pub fn new(schema: &'s Schema, absent: Option<&'s Absent>, yaml: bool) -> Self {
        let (fields, elements) = BUFFERS.with(|b| b.take());
        Self {
            yaml,
            schema,
            absent,
            path: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            as_of: None,
            fields,
            elements,
        }
    }

    /// Reads the whole document.
    pub fn root<'de, D: Deserializer<'de>>(&mut self, deserializer: D) -> Result<Root, D::Error> {
        deserializer.deserialize_any(RootSeed { reader: self })
    }

    /// The current path as text, e.g. `recipient.stays[2].admitted`.
    fn path_text(&self) -> String {
        let mut text = String::new();
        for step in &self.path {
            match step {
                Step::Field(name, _) => {
                    if !text.is_empty() {
                        text.push('.');
                    }
                    text.push_str(name);
                }
                Step::Index(index) => {
                    let _ = write!(text, "[{index}]");
                }
            }
        }
        text
    }

    /// The path of `key` inside the current record.
    fn path_with(&self, key: &str) -> String {
        let mut text = self.path_text();
        if !text.is_empty() {
            text.push('.');
        }
        text.push_str(key);
        text
    }

    /// The shared absent values at the current path, if it has them.
    fn here(&self) -> Option<&'s Absent> {
        match self.path.last() {
            None => self.absent,
            Some(Step::Field(_, absent)) => *absent,
            Some(Step::Index(_)) => None,
        }
    }

    /// Enters field `slot` of the record at the current path.
    fn enter(&mut self, field: &'s FieldInfo, slot: usize) {
        let absent = self.here().and_then(|a| a.fields.get(slot));
        self.path.push(Step::Field(&field.name, absent));
    }

    /// An absent or null fact: unknown, naming its path. An absent record is
    /// a record of absent fields, so each field names its own path.
    fn absent(&mut self, ty: &'s Type) -> Value {
        if let Some(absent) = self.here() {
            return absent.value.clone();
        }
        if let Type::Record(id) = ty
            && let Some(record) = self.schema.record(*id)
        {
            let mut values = Vec::with_capacity(record.fields.len());
            for field in &record.fields {
                self.path.push(Step::Field(&field.name, None));
                values.push(self.absent(&field.ty));
                self.path.pop();
            }
            return Value::Record(Arc::from(values));
        }
        Value::Unknown(Missing::one(Arc::from(self.path_text())))
    }

    /// Records a value of the wrong type and reads it as unknown.
    fn wrong(&mut self, ty: &Type, found: String, help: Option<String>) -> Value {
        let expected = match ty {
            Type::Date => "a date YYYY-MM-DD".to_owned(),
            Type::Enum(id) => match self.schema.enumeration(*id) {
                Some(info) => format!("one of {}", info.variants.join(", ")),
                None => "one of the enumeration's values".to_owned(),
            },
            other => self.schema.describe(other),
        };
        let path = self.path_text();
        let help = help.unwrap_or_else(|| self.how_to_write(ty, &found));
        self.errors.push(FactsError::WrongType {
            path: if path.is_empty() {
                "(top level)".to_owned()
            } else {
                path
            },
            expected,
            found,
            help,
        });
        Value::Unknown(Missing::none())
    }

    /// How to write a value of a type, for a value that is not one.
    fn how_to_write(&self, ty: &Type, found: &str) -> String {
        match ty {
            // Only a quoted number needs telling to lose its quotes.
            Type::Integer | Type::Decimal if !found.starts_with('"') => {
                "write the number itself, e.g. 5 or 2.5".to_owned()
            }
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
            Type::Duration(_) => {
                "use null or leave the key out if the fact is not known".to_owned()
            }
        }
    }

    fn integer(&mut self, ty: &'s Type, value: i128, found: impl FnOnce() -> String) -> Value {
        match ty {
            Type::Integer => match i64::try_from(value) {
                Ok(i) => Value::Integer(i),
                Err(_) => {
                    let found = found();
                    let help = format!("{found} is beyond the integer range ({INTEGER_RANGE})");
                    self.wrong(ty, found, Some(help))
                }
            },
            Type::Decimal => match Decimal::from_i128(value) {
                Some(d) => Value::Decimal(d),
                None => self.wrong(ty, found(), Some(DECIMAL_DIGITS.to_owned())),
            },
            _ => self.wrong(ty, found(), None),
        }
    }

    fn float(&mut self, ty: &'s Type, value: f64) -> Value {
        if !value.is_finite() && matches!(ty, Type::Integer | Type::Decimal) {
            let found = if value.is_nan() {
                "not-a-number (.nan)"
            } else if value > 0.0 {
                "infinity (.inf)"
            } else {
                "minus infinity (-.inf)"
            };
            return self.wrong(ty, found.to_owned(), Some(NOT_FINITE.to_owned()));
        }
        // JSON `-0` arrives as the float -0.0: it is the whole number 0.
        if *ty == Type::Integer && value.to_bits() == (-0.0_f64).to_bits() {
            return Value::Integer(0);
        }
        let text = describe_float(value);
        match ty {
            Type::Integer => self.wrong(ty, text, Some(WHOLE_NUMBERS.to_owned())),
            // The parsers hand over such numbers as doubles, which keep 15
            // significant digits for certain: with more, digits the file
            // held may be gone already, so the number is refused, not
            // silently changed.
            Type::Decimal if significant_digits(&text) > DOUBLE_DIGITS => {
                let help = format!(
                    "a number with more than {DOUBLE_DIGITS} significant digits loses digits \
                     when read; write it as text in quotes (\"…\") to keep up to 38"
                );
                self.wrong(ty, format!("a number read as {text}"), Some(help))
            }
            Type::Decimal => self.decimal_text(ty, &text, text.clone()),
            _ => self.wrong(ty, text, None),
        }
    }

    /// A decimal read exactly from its digits; `found` names it in a
    /// message.
    fn decimal_text(&mut self, ty: &'s Type, text: &str, found: String) -> Value {
        match Decimal::parse(text) {
            Ok(d) => Value::Decimal(d),
            Err(DecimalError::OutOfRange) => self.wrong(ty, found, Some(DECIMAL_RANGE.to_owned())),
            Err(DecimalError::TooManyDigits) => {
                self.wrong(ty, found, Some(DECIMAL_DIGITS.to_owned()))
            }
            Err(DecimalError::Invalid) => {
                let help = "write a decimal as a number, e.g. 1500.25, or as text holding one, \
                            e.g. \"1500.25\"";
                self.wrong(ty, found, Some(help.to_owned()))
            }
        }
    }

    fn text(&mut self, ty: &'s Type, text: &str) -> Value {
        match ty {
            Type::Text => Value::Text(Arc::from(text)),
            Type::Date => match crate::syntax::parse_date(text) {
                Ok(date) => Value::Date(date),
                Err(reason) => {
                    let write = "write dates as \"YYYY-MM-DD\", e.g. \"2026-03-01\"";
                    let help = if reason.starts_with("expected") {
                        write.to_owned()
                    } else {
                        format!("{reason}; {write}")
                    };
                    self.wrong(ty, describe_text(text), Some(help))
                }
            },
            Type::Enum(id) => self.enum_value(ty, *id, text),
            Type::Integer | Type::Decimal if self.yaml => match leading_zero(text) {
                Some(written) => {
                    let help = format!(
                        "a leading zero makes YAML read {text} as text, not as a number: write {written}"
                    );
                    self.wrong(ty, format!("{text} (text to YAML)"), Some(help))
                }
                None if *ty == Type::Decimal => self.decimal_text(ty, text, describe_text(text)),
                None => self.wrong(ty, describe_text(text), None),
            },
            Type::Decimal => self.decimal_text(ty, text, describe_text(text)),
            _ => self.wrong(ty, describe_text(text), None),
        }
    }

    fn enum_value(&mut self, ty: &'s Type, id: crate::check::EnumId, text: &str) -> Value {
        let Some(info) = self.schema.enumeration(id) else {
            return Value::Unknown(Missing::none());
        };
        if let Some(index) = info.variants.iter().position(|v| v == text) {
            return Value::Enum(u32::try_from(index).unwrap_or(u32::MAX));
        }
        let help = match suggest::closest(text, info.variants.iter().map(String::as_str)) {
            Some(best) => format!(
                "did you mean \"{best}\"? The values are {}",
                info.variants.join(", ")
            ),
            None => format!("the values are {}", info.variants.join(", ")),
        };
        self.wrong(ty, describe_text(text), Some(help))
    }

    /// Reads an object's entries into the fields of record `id`. At the top
    /// level (`root`), the key `as_of` is the evaluation date, not a fact.
    fn record<'de, A: MapAccess<'de>>(
        &mut self,
        id: Option<RecordId>,
        root: bool,
        mut map: A,
    ) -> Result<Value, A::Error> {
        let schema = self.schema;
        let fields: &'s [FieldInfo] = id
            .and_then(|id| schema.record(id))
            .map_or(&[], |r| r.fields.as_slice());
        let base = self.fields.len();
        self.fields.resize(base + fields.len(), None);
        let result = self.record_entries(fields, root, &mut map, base);
        let record = match result {
            Ok(()) => Ok(self.finish_record(fields, base)),
            Err(e) => Err(e),
        };
        self.fields.truncate(base);
        record
    }

    /// Reads the entries of a record whose fields are at `base` on.
    fn record_entries<'de, A: MapAccess<'de>>(
        &mut self,
        fields: &'s [FieldInfo],
        root: bool,
        map: &mut A,
        base: usize,
    ) -> Result<(), A::Error> {
        let mut others: Vec<String> = Vec::new();
        let yaml = self.yaml;
        let mut from = 0;
        while let Some(key) = map.next_key_seed(KeySeed {
            fields,
            root,
            yaml,
            from,
        })? {
            match key {
                Key::Field(slot) => {
                    from = slot + 1;
                    let Some(field) = fields.get(slot) else {
                        map.next_value::<IgnoredAny>()?;
                        continue;
                    };
                    if self.fields.get(base + slot).is_some_and(Option::is_some) {
                        return Err(self.twice(&field.name));
                    }
                    self.enter(field, slot);
                    let value = map.next_value_seed(ValueSeed {
                        reader: &mut *self,
                        ty: &field.ty,
                    })?;
                    self.path.pop();
                    if let Some(place) = self.fields.get_mut(base + slot) {
                        *place = Some(value);
                    }
                }
                Key::AsOf => {
                    if others.iter().any(|k| k == "as_of") {
                        return Err(self.twice("as_of"));
                    }
                    others.push("as_of".to_owned());
                    if let Some(found) = map.next_value_seed(AsOfSeed)? {
                        match found {
                            Ok(date) => self.as_of = Some(date),
                            Err(found) => self.errors.push(FactsError::AsOf { found }),
                        }
                    }
                }
                Key::Other(key) => {
                    if others.contains(&key) {
                        return Err(self.twice(&key));
                    }
                    map.next_value::<IgnoredAny>()?;
                    self.unknown_key(fields, &key);
                    others.push(key);
                }
            }
        }
        Ok(())
    }

    /// The record from the fields read; a field left out takes its shared
    /// absent value when the record's path has one.
    fn finish_record(&mut self, fields: &'s [FieldInfo], base: usize) -> Value {
        let template: &[Value] = match self.here().map(|a| &a.value) {
            Some(Value::Record(items)) => items,
            _ => &[],
        };
        let mut values = std::mem::take(&mut self.fields);
        // Collected straight into the shared slice: one allocation.
        let record: Arc<[Value]> = fields
            .iter()
            .zip(values.get_mut(base..).unwrap_or_default().iter_mut())
            .enumerate()
            .map(
                |(slot, (field, value))| match (value.take(), template.get(slot)) {
                    (Some(value), _) => value,
                    (None, Some(absent)) => absent.clone(),
                    (None, None) => {
                        self.enter(field, slot);
                        let value = self.absent(&field.ty);
                        self.path.pop();
                        value
                    }
                },
            )
            .collect();
        self.fields = values;
        Value::Record(record)
    }

    fn list<'de, A: SeqAccess<'de>>(
        &mut self,
        element: &'s Type,
        mut seq: A,
    ) -> Result<Value, A::Error> {
        let base = self.elements.len();
        let result = self.list_elements(element, &mut seq, base);
        let list = result.map(|()| Value::List(self.elements.drain(base..).collect()));
        self.elements.truncate(base);
        list
    }

    /// Reads a list's elements onto the buffer, from `base` on.
    fn list_elements<'de, A: SeqAccess<'de>>(
        &mut self,
        element: &'s Type,
        seq: &mut A,
        base: usize,
    ) -> Result<(), A::Error> {
        loop {
            self.path.push(Step::Index(self.elements.len() - base));
            let next = seq.next_element_seed(ValueSeed {
                reader: &mut *self,
                ty: element,
            })?;
            self.path.pop();
            match next {
                Some(value) => self.elements.push(value),
                None => return Ok(()),
            }
        }
    }

    fn twice<E: de::Error>(&self, key: &str) -> E {
        E::custom(format_args!(
            "the key `{}` is given twice; keep only one",
            self.path_with(key)
        ))
    }

    fn unknown_key(&mut self, fields: &[FieldInfo], key: &str) {
        let declared = fields.iter().map(|f| f.name.as_str());
        let help = match suggest::closest(key, declared.clone()) {
            Some(best) => format!("did you mean `{best}`?"),
            None if fields.is_empty() => "this record declares no fields".to_owned(),
            None => format!(
                "the declared keys here are {}",
                declared.collect::<Vec<_>>().join(", ")
            ),
        };
        self.warnings.push(FactsWarning::UnknownKey {
            path: self.path_with(key),
            help,
        });
    }
}

/// The range of an integer fact, for messages.
const INTEGER_RANGE: &str = "-9223372036854775808..9223372036854775807";
/// The message for YAML's `.nan` and `.inf` given for a number fact.
const NOT_FINITE: &str = "a number fact holds a finite number: write the number itself, or null (or leave the key out) when it is not known";
/// The message for a YAML merge key, in facts and cases files alike.
pub(crate) const MERGE_KEY: &str = "YAML merge keys (`<<`) are not supported: write the fields out, or reuse the whole value with an alias (`*base`)";

/// `010` → `10`, `-007.5` → `-7.5`: a number written with leading zeros,
/// which YAML reads as text, as it should be written; `None` for anything
/// else.
fn leading_zero(text: &str) -> Option<String> {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let numeric = |part: &str| part.chars().all(|c| c.is_ascii_digit());
    if whole.len() < 2 || !whole.starts_with('0') || !numeric(whole) || !numeric(fraction) {
        return None;
    }
    let trimmed = whole.trim_start_matches('0');
    let whole = if trimmed.is_empty() { "0" } else { trimmed };
    Some(if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    })
}

const WHOLE_NUMBERS: &str =
    "whole numbers lie between -9223372036854775808 and 9223372036854775807 and have no fraction";
const DECIMAL_DIGITS: &str = "decimals have at most 38 significant digits";
/// The significant digits a double keeps for certain.
const DOUBLE_DIGITS: usize = 15;

/// The significant digits of a number as JSON writes it (`1.25e-7`: 3).
fn significant_digits(text: &str) -> usize {
    let mantissa = text.split(['e', 'E']).next().unwrap_or(text);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    digits.trim_start_matches('0').trim_end_matches('0').len()
}

const DECIMAL_RANGE: &str = "decimals lie between 1e-32000 and 1e32000 in size";

/// A number read as a float, written as JSON writes it: `1e20`, `2.5`.
fn describe_float(value: f64) -> String {
    serde_json::Number::from_f64(value).map_or_else(|| value.to_string(), |n| n.to_string())
}

/// A string value, shortened for a message: `"03/01/2026"`.
fn describe_text(text: &str) -> String {
    let short: String = text.chars().take(40).collect();
    if short.len() < text.len() {
        format!("\"{short}…\"")
    } else {
        format!("{text:?}")
    }
}

/// Reads the value of one declared type.
struct ValueSeed<'r, 's> {
    reader: &'r mut Reader<'s>,
    ty: &'s Type,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_, '_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a fact")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(match self.ty {
            Type::Bool => Value::Bool(v),
            ty => self.reader.wrong(ty, v.to_string(), None),
        })
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(self
            .reader
            .integer(self.ty, i128::from(v), || v.to_string()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(self
            .reader
            .integer(self.ty, i128::from(v), || v.to_string()))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(self.reader.integer(self.ty, v, || v.to_string()))
    }

    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        // Beyond i128 it is beyond every range anyway: clamp, keep the text.
        let clamped = i128::try_from(v).unwrap_or(i128::MAX);
        Ok(self.reader.integer(self.ty, clamped, || v.to_string()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(self.reader.float(self.ty, v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(self.reader.text(self.ty, v))
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(self.reader.absent(self.ty))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(self.reader.absent(self.ty))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        if let Type::List(element) = self.ty {
            return self.reader.list(element, seq);
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(self.reader.wrong(self.ty, "a list".to_owned(), None))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        if let Type::Record(id) = self.ty {
            return self.reader.record(Some(*id), false, map);
        }
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(self.reader.wrong(self.ty, "an object".to_owned(), None))
    }
}
