//! Runtime values, including the unknown value that carries the facts whose
//! absence made it unknown.

use crate::ast::Duration;
use jiff::civil::Date;
use rust_decimal::Decimal;
use std::sync::Arc;

/// A value during evaluation. Built only from checked facts and literals, so
/// its shape always matches the type the checker gave its expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `true` / `false`.
    Bool(bool),
    /// A whole number.
    Integer(i64),
    /// An exact decimal number.
    Decimal(Decimal),
    /// Text.
    Text(Arc<str>),
    /// A calendar date.
    Date(Date),
    /// A length of time.
    Duration(Duration),
    /// An enumeration value, by its index in the enumeration.
    Enum(u32),
    /// A record's fields, in the order of its type's fields.
    Record(Arc<[Value]>),
    /// A list's elements.
    List(Arc<[Value]>),
    /// A whole number known only to lie between two bounds, e.g. a count
    /// whose filter is unknown for some elements. Comparisons use the bounds.
    Range {
        /// The least it can be.
        low: i64,
        /// The most it can be.
        high: i64,
        /// The facts whose absence leaves it open.
        missing: Missing,
    },
    /// Not known, because the listed facts are missing.
    Unknown(Missing),
}

impl Value {
    /// The missing facts behind an unknown or open value; empty when known.
    pub fn missing(&self) -> Option<&Missing> {
        match self {
            Value::Unknown(missing) | Value::Range { missing, .. } => Some(missing),
            _ => None,
        }
    }

    /// Whether the value is fully known.
    pub fn is_known(&self) -> bool {
        self.missing().is_none()
    }

    /// An unknown value made from the missing facts of several values.
    pub fn unknown_from<'a>(values: impl IntoIterator<Item = &'a Value>) -> Value {
        let mut missing = Missing::none();
        for value in values {
            if let Some(m) = value.missing() {
                missing = missing.union(m);
            }
        }
        Value::Unknown(missing)
    }
}

/// The facts (as display paths such as `recipient.stays[2].admitted`) whose
/// absence leaves a value unknown. Sorted and without repeats.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Missing(Arc<[Arc<str>]>);

impl Missing {
    /// No missing facts.
    pub fn none() -> Self {
        Self(Arc::from(Vec::new()))
    }

    /// One missing fact.
    pub fn one(path: Arc<str>) -> Self {
        Self(Arc::from(vec![path]))
    }

    /// The paths, sorted.
    pub fn paths(&self) -> &[Arc<str>] {
        &self.0
    }

    /// Whether no fact is listed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The facts missing from either.
    pub fn union(&self, other: &Missing) -> Missing {
        if other.0.is_empty() || Arc::ptr_eq(&self.0, &other.0) {
            return self.clone();
        }
        if self.0.is_empty() {
            return other.clone();
        }
        let mut all: Vec<Arc<str>> = self.0.iter().chain(other.0.iter()).cloned().collect();
        all.sort_unstable();
        all.dedup();
        Missing(Arc::from(all))
    }
}

impl Value {
    /// The missing facts anywhere inside the value, records and lists included.
    pub fn deep_missing(&self) -> Missing {
        match self {
            Value::Record(items) | Value::List(items) => items
                .iter()
                .fold(Missing::none(), |acc, item| acc.union(&item.deep_missing())),
            other => other.missing().cloned().unwrap_or_default(),
        }
    }
}
