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
    Tally::of(items).all()
}

/// Kleene `any of`.
pub fn any_of(items: impl IntoIterator<Item = Truth>) -> Truth {
    Tally::of(items).any()
}

/// Kleene `none of`: `not (any of)`.
pub fn none_of(items: impl IntoIterator<Item = Truth>) -> Truth {
    !any_of(items)
}

/// `at least N of`: true once N are true; false once fewer than N can still
/// become true; otherwise unknown.
pub fn at_least(needed: usize, items: impl IntoIterator<Item = Truth>) -> Truth {
    Tally::of(items).at_least(needed)
}

/// A running count of truths, so a list of criteria can be decided as its
/// items are evaluated, without collecting them first.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    yes: usize,
    open: usize,
    total: usize,
    missing: Missing,
}

impl Tally {
    /// The tally of several truths.
    pub fn of(items: impl IntoIterator<Item = Truth>) -> Tally {
        let mut tally = Tally::default();
        items.into_iter().for_each(|item| tally.add(item));
        tally
    }

    /// Counts one more truth.
    pub fn add(&mut self, item: Truth) {
        self.total += 1;
        match item {
            Truth::True => self.yes += 1,
            Truth::False => {}
            Truth::Unknown(m) => {
                self.open += 1;
                self.missing = self.missing.union(&m);
            }
        }
    }

    /// `all of` the truths counted.
    pub fn all(self) -> Truth {
        let total = self.total;
        self.at_least(total)
    }

    /// `any of` the truths counted: true if one is, else unknown if one is.
    pub fn any(self) -> Truth {
        if self.yes > 0 {
            Truth::True
        } else if self.open > 0 {
            Truth::Unknown(self.missing)
        } else {
            Truth::False
        }
    }

    /// `at least needed of` the truths counted.
    pub fn at_least(self, needed: usize) -> Truth {
        if self.yes >= needed {
            Truth::True
        } else if self.yes + self.open < needed {
            Truth::False
        } else {
            Truth::Unknown(self.missing)
        }
    }
}

#[cfg(test)]
mod tests;
