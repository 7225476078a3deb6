//! The visitors for the top level of a facts document, its keys, and the
//! top-level `as_of`.

use super::{Reader, Root, describe_float, describe_text};
use crate::check::FieldInfo;
use jiff::civil::Date;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// Reads the top level: an object of facts, or something to complain about.
pub(super) struct RootSeed<'r, 's> {
    pub(super) reader: &'r mut Reader<'s>,
}

impl<'de> Visitor<'de> for RootSeed<'_, '_> {
    type Value = Root;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of facts")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Root, A::Error> {
        let facts = self.reader.schema.facts;
        self.reader.record(facts, true, map).map(Root::Facts)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Root, E> {
        Ok(Root::NotAnObject(v.to_string()))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Root, E> {
        Ok(Root::NotAnObject(v.to_string()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Root, E> {
        Ok(Root::NotAnObject(v.to_string()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Root, E> {
        Ok(Root::NotAnObject(describe_float(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Root, E> {
        Ok(Root::NotAnObject(describe_text(v)))
    }

    fn visit_none<E>(self) -> Result<Root, E> {
        Ok(Root::NotAnObject("null".to_owned()))
    }

    fn visit_unit<E>(self) -> Result<Root, E> {
        Ok(Root::NotAnObject("null".to_owned()))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Root, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Root, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Root::NotAnObject("a list".to_owned()))
    }
}

/// A key of an object being read as a record.
pub(super) enum Key {
    /// A declared field, by position.
    Field(usize),
    /// `as_of` at the top level.
    AsOf,
    /// Any other key.
    Other(String),
}

/// Reads a key, matching it to the record's fields without allocating.
pub(super) struct KeySeed<'f> {
    pub(super) fields: &'f [FieldInfo],
    pub(super) root: bool,
    /// A YAML document, where `<<` is a merge key.
    pub(super) yaml: bool,
    /// Where to start looking: the slot after the previous key's, so keys
    /// written in declared order are each found at the first try.
    pub(super) from: usize,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key, E> {
        if self.yaml && v == "<<" {
            return Err(E::custom(super::MERGE_KEY));
        }
        let from = self.from.min(self.fields.len());
        let (before, after) = self.fields.split_at(from);
        let found = after
            .iter()
            .position(|f| f.name == v)
            .map(|i| i + from)
            .or_else(|| before.iter().position(|f| f.name == v));
        if let Some(slot) = found {
            return Ok(Key::Field(slot));
        }
        if self.root && v == "as_of" {
            return Ok(Key::AsOf);
        }
        Ok(Key::Other(v.to_owned()))
    }
}

/// Reads the top-level `as_of`: `None` for null, else a date or what was
/// found instead.
pub(super) struct AsOfSeed;

impl<'de> DeserializeSeed<'de> for AsOfSeed {
    type Value = Option<Result<Date, String>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for AsOfSeed {
    type Value = Option<Result<Date, String>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date YYYY-MM-DD")
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(
            crate::syntax::parse_date(v).map_err(|_| format!("{v:?}")),
        ))
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(Err(v.to_string())))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(Err(v.to_string())))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(Err(v.to_string())))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(Err(describe_float(v))))
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Some(Err("a list".to_owned())))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Some(Err("an object".to_owned())))
    }
}
