//! Three-valued (Kleene) logic over values, with the missing facts that keep
//! an unknown result open.
//!
//! `all of` is false if any item is false, unknown if none is false and some
//! is unknown, else true; `any of` is the dual; `at least N of` is true once N
//! items are true, false once fewer than N can still become true, otherwise
//! unknown. An unknown result lists the union of the missing facts of the
//! items that are unknown: exactly the facts that could still change it.

use crate::value::{Missing, Value};

/// A truth value: true, false, or unknown because of the listed facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Truth {
    /// Known to hold.
    True,
    /// Known not to hold.
    False,
    /// Not known until the listed facts are given.
    Unknown(Missing),
}

impl Truth {
    /// Reads a boolean value; anything that is not a known boolean is unknown.
    pub fn of(value: &Value) -> Truth {
        match value {
            Value::Bool(true) => Truth::True,
            Value::Bool(false) => Truth::False,
            other => Truth::Unknown(other.missing().cloned().unwrap_or_default()),
        }
    }

    /// The truth as a value.
    pub fn into_value(self) -> Value {
        match self {
            Truth::True => Value::Bool(true),
            Truth::False => Value::Bool(false),
            Truth::Unknown(missing) => Value::Unknown(missing),
        }
    }
}

impl std::ops::Not for Truth {
    type Output = Truth;

    /// `not`: swaps true and false; unknown stays unknown.
    fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            unknown => unknown,
        }
    }
}

/// Kleene `all of`.
pub fn all_of(items: impl IntoIterator<Item = Truth>) -> Truth {
    at_least_or_all(items, None)
}

/// Kleene `any of`.
pub fn any_of(items: impl IntoIterator<Item = Truth>) -> Truth {
    let mut missing: Option<Missing> = None;
    for item in items {
        match item {
            Truth::True => return Truth::True,
            Truth::False => {}
            Truth::Unknown(m) => missing = Some(missing.map_or(m.clone(), |acc| acc.union(&m))),
        }
    }
    missing.map_or(Truth::False, Truth::Unknown)
}

/// Kleene `none of`: `not (any of)`.
pub fn none_of(items: impl IntoIterator<Item = Truth>) -> Truth {
    !any_of(items)
}

/// `at least N of`: true once N are true; false once fewer than N can still
/// become true; otherwise unknown.
pub fn at_least(needed: usize, items: impl IntoIterator<Item = Truth>) -> Truth {
    at_least_or_all(items, Some(needed))
}

fn at_least_or_all(items: impl IntoIterator<Item = Truth>, needed: Option<usize>) -> Truth {
    let (mut yes, mut open, mut total) = (0usize, 0usize, 0usize);
    let mut missing = Missing::none();
    for item in items {
        total += 1;
        match item {
            Truth::True => yes += 1,
            Truth::False => {}
            Truth::Unknown(m) => {
                open += 1;
                missing = missing.union(&m);
            }
        }
    }
    let needed = needed.unwrap_or(total);
    if yes >= needed {
        Truth::True
    } else if yes + open < needed {
        Truth::False
    } else {
        Truth::Unknown(missing)
    }
}

#[cfg(test)]
mod tests;
