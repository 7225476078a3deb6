//! Exact decimal numbers with 38 significant digits, whatever their size.
//!
//! A decimal is a coefficient of up to 128 bits and a power of ten
//! (fastnum's `D128`, in the style of IEEE 754 decimal128). Unlike a type with
//! a fixed number of decimal places, a very small quotient keeps its digits:
//! `1 / 30000000000` is `3.33…e-11` to 38 digits, and `0.000001 / 1e24` is
//! `1e-30`, not zero.
//!
//! Literals and facts are exact or refused: at most [`SIGNIFICANT_DIGITS`]
//! digits once trailing zeros are dropped. Every arithmetic result is rounded,
//! half to even, to the nearest number whose coefficient fits in 128 bits
//! (below 2^128, about 3.4 × 10^38): so a result carries 38 significant
//! digits, or 39 when its leading digits are small enough. A result whose
//! power of ten leaves the type's range (about 10^±32000) is an overflow,
//! never infinity or a silent zero.

use fastnum::decimal::{Context, RoundingMode, Sign};
use fastnum::{D128, U128};
use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

/// How many significant digits a literal or a fact may have.
pub const SIGNIFICANT_DIGITS: usize = 38;

/// Half to even, and no traps: fastnum panics on a trapped signal in debug
/// builds, while policyc checks every result itself.
const CONTEXT: Context = Context::default()
    .without_traps()
    .with_rounding_mode(RoundingMode::HalfEven);

/// An exact decimal number. Equal values compare equal however they are
/// written (`1.0` is `1`).
///
/// Sixteen bytes: a number whose digits fit in 63 bits (nearly every amount
/// a policy meets) is held in place; a longer one is shared on the heap, so
/// a value holding a decimal stays small.
#[derive(Clone)]
pub struct Decimal(Repr);

#[derive(Clone)]
enum Repr {
    /// `coefficient × 10^exponent`.
    Small { coefficient: i64, exponent: i16 },
    /// Anything else.
    Wide(Arc<D128>),
}

// A decimal is two words, so a value holding one is three.
const _: () = assert!(std::mem::size_of::<Decimal>() <= 16);

/// Why a text is not a decimal policyc accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecimalError {
    /// Not a finite decimal number at all.
    Invalid,
    /// More than [`SIGNIFICANT_DIGITS`] significant digits.
    TooManyDigits,
    /// Too large or too small for the type's power of ten.
    OutOfRange,
}

impl Decimal {
    /// Zero.
    pub const ZERO: Decimal = Decimal(Repr::Small {
        coefficient: 0,
        exponent: 0,
    });

    /// Reads `12`, `-0.25`, `1e-30` or `2.5E+3`, exactly.
    pub fn parse(text: &str) -> Result<Decimal, DecimalError> {
        let (negative, plain) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (mantissa, exponent) = match plain.split_once(['e', 'E']) {
            Some((m, e)) => (m, Some(e)),
            None => (plain, None),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let is_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.len() + fraction.len() == 0 || !is_digits(whole) || !is_digits(fraction) {
            return Err(DecimalError::Invalid);
        }
        // The power of ten, from the exponent and the digits after the point.
        let power = match exponent {
            None => 0,
            Some(e) => {
                let unsigned = e.strip_prefix(['-', '+']).unwrap_or(e);
                if unsigned.is_empty() || !is_digits(unsigned) {
                    return Err(DecimalError::Invalid);
                }
                // Digits only, so the only failure is size.
                e.parse::<i64>().map_err(|_| DecimalError::OutOfRange)?
            }
        };
        let digits = format!("{whole}{fraction}");
        let digits = digits.trim_start_matches('0');
        let significant = digits.trim_end_matches('0');
        if significant.len() > SIGNIFICANT_DIGITS {
            return Err(DecimalError::TooManyDigits);
        }
        if significant.is_empty() {
            return Ok(Decimal::ZERO);
        }
        // Keep the zeros as written (`1000.50`) while they fit: the
        // formatter prints a literal the way it was written.
        let kept = if digits.len() <= SIGNIFICANT_DIGITS {
            digits
        } else {
            significant
        };
        let dropped = i64::try_from(digits.len() - kept.len()).unwrap_or(i64::MAX);
        let shift = i64::try_from(fraction.len()).unwrap_or(i64::MAX);
        let power = power.saturating_add(dropped).saturating_sub(shift);
        let sign = if negative { "-" } else { "" };
        // At most 38 digits: fastnum reads them exactly, or the power is out
        // of its range.
        match D128::from_str(&format!("{sign}{kept}e{power}"), CONTEXT) {
            Ok(d) if d.is_finite() && d.is_op_ok() => Ok(Decimal::narrow(d)),
            _ => Err(DecimalError::OutOfRange),
        }
    }

    /// A whole number, exactly.
    pub fn from_i64(n: i64) -> Decimal {
        Decimal(Repr::Small {
            coefficient: n,
            exponent: 0,
        })
    }

    /// A whole number of up to 39 digits, exactly (every `i128` fits).
    pub fn from_i128(n: i128) -> Option<Decimal> {
        D128::from_i128(n)
            .ok()
            .and_then(|d| Decimal::settle(d.with_ctx(CONTEXT)))
    }

    /// `self + other`, or `None` when the result is out of range.
    pub fn checked_add(&self, other: &Decimal) -> Option<Decimal> {
        Decimal::settle(self.wide() + other.wide())
    }

    /// `self - other`, or `None` when the result is out of range.
    pub fn checked_sub(&self, other: &Decimal) -> Option<Decimal> {
        Decimal::settle(self.wide() - other.wide())
    }

    /// `self × other`, or `None` when the result is out of range.
    pub fn checked_mul(&self, other: &Decimal) -> Option<Decimal> {
        Decimal::settle(self.wide() * other.wide())
    }

    /// `self ÷ other`, or `None` when `other` is zero or the result is out
    /// of range.
    pub fn checked_div(&self, other: &Decimal) -> Option<Decimal> {
        if other.is_zero() {
            return None;
        }
        Decimal::settle(self.wide() / other.wide())
    }

    /// Whether this is zero.
    pub fn is_zero(&self) -> bool {
        match &self.0 {
            Repr::Small { coefficient, .. } => *coefficient == 0,
            Repr::Wide(d) => d.is_zero(),
        }
    }

    /// Whether this is below zero.
    fn is_negative(&self) -> bool {
        match &self.0 {
            Repr::Small { coefficient, .. } => *coefficient < 0,
            Repr::Wide(d) => d.is_negative() && !d.is_zero(),
        }
    }

    /// The number as fastnum's type, for arithmetic and comparison.
    fn wide(&self) -> D128 {
        match &self.0 {
            Repr::Small {
                coefficient,
                exponent,
            } => {
                let sign = if *coefficient < 0 {
                    Sign::Minus
                } else {
                    Sign::Plus
                };
                let digits = U128::from_u64(coefficient.unsigned_abs());
                D128::from_parts(digits, i32::from(*exponent), sign, CONTEXT)
            }
            Repr::Wide(d) => **d,
        }
    }

    /// The compact form of a finite number when it has one.
    fn narrow(d: D128) -> Decimal {
        let digits = d.digits();
        let [low, high] = *digits.digits();
        let exponent = d.fractional_digits_count().checked_neg();
        match (high, i64::try_from(low), exponent) {
            (0, Ok(magnitude), Some(exponent)) => Decimal(Repr::Small {
                coefficient: if d.is_negative() {
                    -magnitude
                } else {
                    magnitude
                },
                exponent,
            }),
            _ => Decimal(Repr::Wide(Arc::new(d))),
        }
    }

    /// A result, kept only when finite and not flushed towards zero.
    fn settle(d: D128) -> Option<Decimal> {
        let lost = d.is_op_overflow() || d.is_op_underflow() || d.is_op_invalid();
        match d.is_finite() && !lost {
            // One zero: fastnum orders -0 below 0.
            true if d.is_zero() => Some(Decimal::ZERO),
            true => Some(Decimal::narrow(d.reduce())),
            false => None,
        }
    }
}

impl std::ops::Neg for Decimal {
    type Output = Decimal;

    fn neg(self) -> Decimal {
        match self.0 {
            _ if self.is_zero() => self,
            // Every i64 but the least has a negation.
            Repr::Small {
                coefficient,
                exponent,
            } if coefficient != i64::MIN => Decimal(Repr::Small {
                coefficient: -coefficient,
                exponent,
            }),
            _ => Decimal::narrow(-self.wide()),
        }
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Decimal) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Decimal {}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Decimal) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Decimal) -> Ordering {
        match (&self.0, &other.0) {
            // The common case, without widening: the same power of ten.
            (
                Repr::Small {
                    coefficient: a,
                    exponent: x,
                },
                Repr::Small {
                    coefficient: b,
                    exponent: y,
                },
            ) if x == y => a.cmp(b),
            _ => self.wide().cmp(&other.wide()),
        }
    }
}

impl Decimal {
    /// The digits, without sign or trailing zeros, and the power of ten they
    /// are scaled by: `-0.025` is `("25", -3)`.
    fn parts(&self, reduce: bool) -> (String, i64) {
        let d = if reduce {
            self.wide().reduce()
        } else {
            self.wide()
        };
        (
            d.digits().to_string(),
            -i64::from(d.fractional_digits_count()),
        )
    }

    /// Always in positional notation (`0.000025`, `1200`, `1000.50`), with
    /// the trailing zeros a literal was written with; long for numbers far
    /// from 1.
    pub fn positional(&self) -> String {
        self.positional_of(self.parts(false))
    }

    fn positional_of(&self, (digits, power): (String, i64)) -> String {
        let sign = if self.is_negative() { "-" } else { "" };
        let count = i64::try_from(digits.len()).unwrap_or(i64::MAX);
        let zeros = |n: i64| "0".repeat(usize::try_from(n).unwrap_or(0));
        if power >= 0 {
            format!("{sign}{digits}{}", zeros(power))
        } else if -power >= count {
            format!("{sign}0.{}{digits}", zeros(-power - count))
        } else {
            let point = usize::try_from(count + power).unwrap_or(0);
            let (whole, fraction) = digits.split_at(point.min(digits.len()));
            format!("{sign}{whole}.{fraction}")
        }
    }
}

/// Without trailing zeros; positional notation (`0.000025`, `1200`) while it needs at most 40 zeros
/// beside the digits; beyond, scientific (`2.5e-45`), as JSON writes it.
impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const ZEROS: i64 = 40;
        let (digits, power) = self.parts(true);
        let count = i64::try_from(digits.len()).unwrap_or(i64::MAX);
        let leading = -power - count;
        if power <= ZEROS && leading <= ZEROS {
            return f.write_str(&self.positional_of((digits, power)));
        }
        if self.is_negative() {
            f.write_str("-")?;
        }
        let (first, rest) = digits.split_at(1.min(digits.len()));
        let exponent = count - 1 + power;
        if rest.is_empty() {
            write!(f, "{first}e{exponent}")
        } else {
            write!(f, "{first}.{rest}e{exponent}")
        }
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
#[allow(
    clippy::panic,
    clippy::expect_used,
    clippy::string_slice,
    clippy::indexing_slicing,
    reason = "tests fail by panicking"
)]
mod tests;
