//! Runtime values, including the unknown value that carries the facts whose
//! absence made it unknown.

use crate::ast::Duration;
use crate::decimal::Decimal;
use jiff::civil::Date;
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
    /// Shared, as it is rare, so that every other value stays small.
    Range(Arc<Range>),
    /// Not known, because the listed facts are missing.
    Unknown(Missing),
}

// Values are moved and copied on every step of evaluation and loading:
// keep them at four words (a decimal is three: a 128-bit coefficient and
// its power of ten with flags).
const _: () = assert!(std::mem::size_of::<Value>() <= 24);

impl Value {
    /// The missing facts behind an unknown or open value; empty when known.
    pub fn missing(&self) -> Option<&Missing> {
        match self {
            Value::Unknown(missing) => Some(missing),
            Value::Range(range) => Some(&range.missing),
            _ => None,
        }
    }

    /// The boolean, when the value is a known `true` or `false`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The whole number, when the value is a known integer.
    pub fn as_integer(&self) -> Option<i64> {
        match self {
            Value::Integer(i) => Some(*i),
            _ => None,
        }
    }

    /// The decimal, when the value is a known decimal.
    pub fn as_decimal(&self) -> Option<Decimal> {
        match self {
            Value::Decimal(d) => Some(d.clone()),
            _ => None,
        }
    }

    /// The text, when the value is known text.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }

    /// The date, when the value is a known date.
    pub fn as_date(&self) -> Option<Date> {
        match self {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }

    /// The bounds of a whole number known only to lie between two values
    /// (a count whose filter is unknown for some elements); a known integer
    /// is its own bounds.
    pub fn bounds(&self) -> Option<(i64, i64)> {
        match self {
            Value::Integer(i) => Some((*i, *i)),
            Value::Range(r) => Some((r.low, r.high)),
            _ => None,
        }
    }

    /// Whether the value is fully known.
    pub fn is_known(&self) -> bool {
        self.missing().is_none()
    }

    /// Whether the value is a record or a list, whose parts may be unknown
    /// even when it is not.
    pub fn is_compound(&self) -> bool {
        matches!(self, Value::Record(_) | Value::List(_))
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

/// The bounds of a whole number not fully known.
#[derive(Debug, Clone, PartialEq)]
pub struct Range {
    /// The least it can be.
    pub low: i64,
    /// The most it can be.
    pub high: i64,
    /// The facts whose absence leaves it open.
    pub missing: Missing,
}

/// The facts (as display paths such as `recipient.stays[2].admitted`) whose
/// absence leaves a value unknown. Sorted and without repeats. The empty set
/// holds no allocation, so known values and fresh unknowns cost nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Missing(Option<Arc<[Arc<str>]>>);

impl Missing {
    /// No missing facts.
    pub fn none() -> Self {
        Self(None)
    }

    /// One missing fact.
    pub fn one(path: Arc<str>) -> Self {
        Self(Some(Arc::from([path])))
    }

    /// The paths, sorted.
    pub fn paths(&self) -> &[Arc<str>] {
        self.0.as_deref().unwrap_or(&[])
    }

    /// Whether no fact is listed.
    pub fn is_empty(&self) -> bool {
        self.paths().is_empty()
    }

    /// The facts missing from either.
    pub fn union(&self, other: &Missing) -> Missing {
        let (Some(mine), Some(theirs)) = (&self.0, &other.0) else {
            return if other.is_empty() {
                self.clone()
            } else {
                other.clone()
            };
        };
        if Arc::ptr_eq(mine, theirs) || theirs.is_empty() {
            return self.clone();
        }
        if mine.is_empty() {
            return other.clone();
        }
        // Both are sorted: merge them, and share one of them when it already
        // holds every path of the other.
        let size = merge(mine, theirs, |_| {});
        if size == mine.len() {
            return self.clone();
        }
        if size == theirs.len() {
            return other.clone();
        }
        let mut merged = Vec::with_capacity(size);
        merge(mine, theirs, |path| merged.push(Arc::clone(path)));
        Missing(Some(Arc::from(merged)))
    }
}

/// Walks the sorted union of two sorted lists without repeats, giving each
/// path to `emit`; returns how many there are.
fn merge(a: &[Arc<str>], b: &[Arc<str>], mut emit: impl FnMut(&Arc<str>)) -> usize {
    let mut size = 0;
    let (mut a, mut b) = (a.iter().peekable(), b.iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => match x.cmp(y) {
                std::cmp::Ordering::Less => a.next(),
                std::cmp::Ordering::Greater => b.next(),
                std::cmp::Ordering::Equal => {
                    b.next();
                    a.next()
                }
            },
            (Some(_), None) => a.next(),
            (None, Some(_)) => b.next(),
            (None, None) => return size,
        };
        if let Some(path) = next {
            size += 1;
            emit(path);
        }
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

#[cfg(test)]
mod tests {
    use super::Missing;
    use std::sync::Arc;

    fn set(paths: &[&str]) -> Missing {
        paths.iter().fold(Missing::none(), |acc, p| {
            acc.union(&Missing::one(Arc::from(*p)))
        })
    }

    fn names(missing: &Missing) -> Vec<&str> {
        missing.paths().iter().map(AsRef::as_ref).collect()
    }

    #[test]
    fn union_is_sorted_without_repeats() {
        let a = set(&["c", "a", "e"]);
        let b = set(&["d", "a", "b"]);
        assert_eq!(names(&a.union(&b)), ["a", "b", "c", "d", "e"]);
        assert_eq!(names(&b.union(&a)), ["a", "b", "c", "d", "e"]);
    }

    #[test]
    fn union_with_a_subset_or_nothing_is_the_larger_set() {
        let a = set(&["a", "b", "c"]);
        assert_eq!(names(&a.union(&set(&["b"]))), ["a", "b", "c"]);
        assert_eq!(names(&set(&["c"]).union(&a)), ["a", "b", "c"]);
        assert_eq!(names(&a.union(&Missing::none())), ["a", "b", "c"]);
        assert_eq!(names(&Missing::none().union(&a)), ["a", "b", "c"]);
        assert!(Missing::none().union(&Missing::none()).is_empty());
    }
}
