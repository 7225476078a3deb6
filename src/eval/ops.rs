//! Operators on values: comparisons (three-valued, with ranges), arithmetic
//! and date arithmetic.

use super::error::EvalError;
use crate::ast::{Direction, Duration, TimeUnit};
use crate::check::{Arith, Compare};
use crate::decimal::Decimal;
use crate::source::Span;
use crate::truth::Truth;
use crate::value::Value;
use jiff::civil::Date;
use std::cmp::Ordering;

/// Compares two values of comparable types.
pub(crate) fn compare(
    op: Compare,
    left: &Value,
    right: &Value,
    span: Span,
) -> Result<Truth, EvalError> {
    if let Some((low_l, high_l)) = bounds(left)
        && let Some((low_r, high_r)) = bounds(right)
        && !(left.is_known() && right.is_known())
    {
        return Ok(compare_ranges(
            op,
            (low_l, high_l),
            (low_r, high_r),
            left,
            right,
        ));
    }
    let missing = left.deep_missing().union(&right.deep_missing());
    if !missing.is_empty() {
        return Ok(Truth::Unknown(missing));
    }
    let ordering = order(left, right).ok_or_else(|| EvalError::Internal {
        span,
        what: "compared values of different kinds".to_owned(),
    })?;
    let holds = match op {
        Compare::Eq => ordering == Ordering::Equal,
        Compare::Ne => ordering != Ordering::Equal,
        Compare::Lt => ordering == Ordering::Less,
        Compare::Le => ordering != Ordering::Greater,
        Compare::Gt => ordering == Ordering::Greater,
        Compare::Ge => ordering != Ordering::Less,
    };
    Ok(if holds { Truth::True } else { Truth::False })
}

/// The bounds of a whole number that is known or known to lie in a range.
fn bounds(value: &Value) -> Option<(i64, i64)> {
    match value {
        Value::Integer(i) => Some((*i, *i)),
        Value::Range(range) => Some((range.low, range.high)),
        _ => None,
    }
}

/// Compares ranges: true if the comparison holds for every pair of values in
/// them, false if for none, otherwise unknown.
fn compare_ranges(op: Compare, left: (i64, i64), right: (i64, i64), l: &Value, r: &Value) -> Truth {
    let (always, never) = match op {
        Compare::Lt => (left.1 < right.0, left.0 >= right.1),
        Compare::Le => (left.1 <= right.0, left.0 > right.1),
        Compare::Gt => (left.0 > right.1, left.1 <= right.0),
        Compare::Ge => (left.0 >= right.1, left.1 < right.0),
        Compare::Eq => (
            left.0 == left.1 && right.0 == right.1 && left.0 == right.0,
            left.1 < right.0 || left.0 > right.1,
        ),
        Compare::Ne => (
            left.1 < right.0 || left.0 > right.1,
            left.0 == left.1 && right.0 == right.1 && left.0 == right.0,
        ),
    };
    if always {
        Truth::True
    } else if never {
        Truth::False
    } else {
        Truth::Unknown(
            Value::unknown_from([l, r])
                .missing()
                .cloned()
                .unwrap_or_default(),
        )
    }
}

/// The order of two known values of comparable types.
pub(crate) fn order(left: &Value, right: &Value) -> Option<Ordering> {
    Some(match (left, right) {
        (Value::Integer(a), Value::Integer(b)) => a.cmp(b),
        (Value::Integer(a), Value::Decimal(b)) => Decimal::from_i64(*a).cmp(b),
        (Value::Decimal(a), Value::Integer(b)) => a.cmp(&Decimal::from_i64(*b)),
        (Value::Decimal(a), Value::Decimal(b)) => a.cmp(b),
        (Value::Date(a), Value::Date(b)) => a.cmp(b),
        (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
        (Value::Text(a), Value::Text(b)) => a.cmp(b),
        (Value::Enum(a), Value::Enum(b)) => a.cmp(b),
        // By length: `1 week` is `7 days`. The checker only lets lengths
        // of the same calendar meet, so days never meet months here.
        (Value::Duration(a), Value::Duration(b)) => {
            let ((ca, la), (cb, lb)) = (a.length(), b.length());
            if ca != cb {
                return None;
            }
            la.cmp(&lb)
        }
        (Value::Record(a), Value::Record(b)) | (Value::List(a), Value::List(b)) => {
            if a.len() != b.len() {
                return Some(Ordering::Less);
            }
            for (x, y) in a.iter().zip(b.iter()) {
                match order(x, y)? {
                    Ordering::Equal => {}
                    _ => return Some(Ordering::Less),
                }
            }
            Ordering::Equal
        }
        _ => return None,
    })
}

/// Arithmetic on known values.
pub(crate) fn arith(
    op: Arith,
    left: &Value,
    right: &Value,
    span: Span,
) -> Result<Value, EvalError> {
    let overflow = || EvalError::Overflow {
        span,
        what: match op {
            Arith::Add => "the sum",
            Arith::Sub => "the difference",
            Arith::Mul => "the product",
            Arith::Div => "the quotient",
        }
        .to_owned(),
    };
    if !left.is_known() || !right.is_known() {
        return Ok(
            range_arith(op, left, right).unwrap_or_else(|| Value::unknown_from([left, right]))
        );
    }
    match (op, left, right) {
        (Arith::Div, _, _) => {
            let (a, b) = (decimal(left, span)?, decimal(right, span)?);
            if b.is_zero() {
                return Err(EvalError::DivisionByZero { span });
            }
            a.checked_div(&b).map(Value::Decimal).ok_or_else(overflow)
        }
        (_, Value::Integer(a), Value::Integer(b)) => match op {
            Arith::Add => a.checked_add(*b),
            Arith::Sub => a.checked_sub(*b),
            _ => a.checked_mul(*b),
        }
        .map(Value::Integer)
        .ok_or_else(overflow),
        (_, Value::Date(d), Value::Duration(n)) => {
            shift(*d, *n, op == Arith::Sub, span).map(Value::Date)
        }
        (_, Value::Duration(n), Value::Date(d)) => shift(*d, *n, false, span).map(Value::Date),
        _ => {
            let (a, b) = (decimal(left, span)?, decimal(right, span)?);
            match op {
                Arith::Add => a.checked_add(&b),
                Arith::Sub => a.checked_sub(&b),
                _ => a.checked_mul(&b),
            }
            .map(Value::Decimal)
            .ok_or_else(overflow)
        }
    }
}

fn decimal(value: &Value, span: Span) -> Result<Decimal, EvalError> {
    match value {
        Value::Integer(i) => Ok(Decimal::from_i64(*i)),
        Value::Decimal(d) => Ok(d.clone()),
        _ => Err(EvalError::Internal {
            span,
            what: "arithmetic on a value that is not a number".to_owned(),
        }),
    }
}

/// A date moved by a length of time; months and years clamp to the month's
/// last day (2024-02-29 plus 1 year is 2025-02-28).
pub(crate) fn shift(
    date: Date,
    by: Duration,
    backwards: bool,
    span: Span,
) -> Result<Date, EvalError> {
    let amount = if backwards {
        by.amount.checked_neg()
    } else {
        Some(by.amount)
    };
    let out_of_range = || EvalError::DateOutOfRange { span };
    let amount = amount.ok_or_else(out_of_range)?;
    let span_of = match by.unit {
        TimeUnit::Day => jiff::Span::new().try_days(amount),
        TimeUnit::Week => jiff::Span::new().try_weeks(amount),
        TimeUnit::Month => jiff::Span::new().try_months(amount),
        TimeUnit::Year => jiff::Span::new().try_years(amount),
    }
    .map_err(|_| out_of_range())?;
    date.checked_add(span_of).map_err(|_| out_of_range())
}

/// Whether `subject` lies in the window of `window` on `direction` of `anchor`,
/// both ends included.
pub(crate) fn within(
    subject: Date,
    window: Duration,
    direction: Direction,
    anchor: Date,
    span: Span,
) -> Result<bool, EvalError> {
    let (from, to) = match direction {
        Direction::Before => (shift(anchor, window, true, span)?, anchor),
        Direction::After => (anchor, shift(anchor, window, false, span)?),
        Direction::Around => (
            shift(anchor, window, true, span)?,
            shift(anchor, window, false, span)?,
        ),
    };
    Ok(from <= subject && subject <= to)
}

/// Whole years from `birth` to `on` (negative if `on` is earlier).
pub(crate) fn age(birth: Date, on: Date, span: Span) -> Result<i64, EvalError> {
    let out_of_range = || EvalError::DateOutOfRange { span };
    let years = i64::from(
        birth
            .until((jiff::Unit::Year, on))
            .map_err(|_| out_of_range())?
            .get_years(),
    );
    // Counted towards zero; before the birth date a year not yet gone back
    // whole counts as one more (born 2026-05-01: -1 on 2026-03-01).
    if on < birth {
        let back = jiff::Span::new()
            .try_years(years)
            .map_err(|_| out_of_range())?;
        let mut anniversary = birth.checked_add(back).map_err(|_| out_of_range())?;
        // Born on 29 February: in other years the birthday is 1 March.
        if birth.month() == 2 && birth.day() == 29 && anniversary.day() == 28 {
            anniversary = anniversary.tomorrow().map_err(|_| out_of_range())?;
        }
        if anniversary > on {
            return Ok(years - 1);
        }
    }
    Ok(years)
}

/// Days from `from` to `to` (negative if `to` is earlier).
pub(crate) fn days_between(from: Date, to: Date, span: Span) -> Result<i64, EvalError> {
    let days = from
        .until((jiff::Unit::Day, to))
        .map_err(|_| EvalError::DateOutOfRange { span })?;
    Ok(i64::from(days.get_days()))
}

/// Arithmetic on whole numbers of which one at least lies only in a range:
/// the range of every result the operands' values can give (interval
/// arithmetic). `None` when an operand is not a whole number or range (a
/// decimal or plain unknown), or when a bound would overflow: the result
/// is then a plain unknown.
fn range_arith(op: Arith, left: &Value, right: &Value) -> Option<Value> {
    let ((a, b), (c, d)) = (bounds(left)?, bounds(right)?);
    let (low, high) = match op {
        Arith::Add => (a.checked_add(c)?, b.checked_add(d)?),
        Arith::Sub => (a.checked_sub(d)?, b.checked_sub(c)?),
        Arith::Mul => {
            let products = [
                a.checked_mul(c)?,
                a.checked_mul(d)?,
                b.checked_mul(c)?,
                b.checked_mul(d)?,
            ];
            (
                products.iter().copied().min()?,
                products.iter().copied().max()?,
            )
        }
        Arith::Div => return None,
    };
    Some(ranged(low, high, Value::unknown_from([left, right])))
}

/// A whole number between `low` and `high`, open because of `open`'s
/// missing facts; a range of one value is still open (its facts are
/// missing), so it stays a range.
fn ranged(low: i64, high: i64, open: Value) -> Value {
    Value::Range(std::sync::Arc::new(crate::value::Range {
        low,
        high,
        missing: open.missing().cloned().unwrap_or_default(),
    }))
}

/// `-x`.
pub(crate) fn negate(value: &Value, span: Span) -> Result<Value, EvalError> {
    match value {
        // -[low, high] is [-high, -low]; a bound that cannot be negated
        // leaves a plain unknown.
        Value::Range(range) => Ok(match (range.high.checked_neg(), range.low.checked_neg()) {
            (Some(low), Some(high)) => ranged(low, high, value.clone()),
            _ => Value::Unknown(range.missing.clone()),
        }),
        Value::Integer(i) => i
            .checked_neg()
            .map(Value::Integer)
            .ok_or(EvalError::Overflow {
                span,
                what: "the negation".to_owned(),
            }),
        Value::Decimal(d) => Ok(Value::Decimal(-d.clone())),
        other if !other.is_known() => Ok(other.clone()),
        _ => Err(EvalError::Internal {
            span,
            what: "negation of a value that is not a number".to_owned(),
        }),
    }
}
