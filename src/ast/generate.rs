//! Random syntax trees for structure-aware fuzzing (feature `arbitrary`).
//!
//! Every type of [`crate::ast`] derives [`Arbitrary`] except the two that
//! recurse, [`Expr`] and [`TypeExpr`], which are implemented here with a
//! depth counter: past the limit given to [`policy_file`], they are leaves.
//! The `with` helpers below make values a parser would accept most of the
//! time (identifiers from a small pool, so that names resolve; printable
//! text; dates near the ends of months and of the calendar), with rare raw
//! values that no parser would produce.

use super::{Duration, Expr, ExprKind, PolicyFile, TypeExpr};
use crate::decimal::Decimal;
use crate::source::Span;
use arbitrary::{Arbitrary, Result, Unstructured};
use jiff::civil::Date;
use std::cell::Cell;

thread_local! {
    /// How deep the expression or type being generated is.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
    /// The depth past which only leaves are generated.
    static LIMIT: Cell<usize> = const { Cell::new(16) };
}

/// A random policy file whose expressions and types nest at most
/// `max_depth` levels (each level may print as more than one bracket).
pub fn policy_file(u: &mut Unstructured<'_>, max_depth: usize) -> Result<PolicyFile> {
    LIMIT.set(max_depth);
    DEPTH.set(0);
    PolicyFile::arbitrary(u)
}

/// True once in `n` times; false when the input has run out.
fn one_in(u: &mut Unstructured<'_>, n: u8) -> Result<bool> {
    Ok(u.int_in_range(1..=n)? == n)
}

/// One level of nesting, left when dropped (also on an early `?` return).
struct Level {
    /// Whether this level is past the limit.
    too_deep: bool,
}

impl Level {
    fn enter() -> Level {
        let depth = DEPTH.get().saturating_add(1);
        DEPTH.set(depth);
        Level {
            too_deep: depth > LIMIT.get(),
        }
    }
}

impl Drop for Level {
    fn drop(&mut self) {
        DEPTH.set(DEPTH.get().saturating_sub(1));
    }
}

impl<'a> Arbitrary<'a> for Expr {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let level = Level::enter();
        let kind = if level.too_deep || u.is_empty() {
            leaf(u)?
        } else {
            ExprKind::arbitrary(u)?
        };
        Ok(Expr {
            kind,
            span: Span::default(),
        })
    }
}

/// An expression without sub-expressions.
fn leaf(u: &mut Unstructured<'_>) -> Result<ExprKind> {
    Ok(match u.int_in_range(0u8..=7)? {
        0 => ExprKind::Bool(bool::arbitrary(u)?),
        1 => ExprKind::Integer(integer(u)?),
        2 => ExprKind::Decimal(decimal(u)?),
        3 => ExprKind::Text(text(u)?),
        4 => ExprKind::Date(date(u)?),
        5 => ExprKind::Duration(Duration::arbitrary(u)?),
        6 => ExprKind::AsOf,
        _ => ExprKind::Path(path(u)?),
    })
}

impl<'a> Arbitrary<'a> for TypeExpr {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let level = Level::enter();
        if level.too_deep || u.is_empty() {
            return Ok(TypeExpr::Named(super::Name::arbitrary(u)?));
        }
        Ok(match u.int_in_range(0u8..=5)? {
            0..=2 => TypeExpr::Named(super::Name::arbitrary(u)?),
            3 | 4 => TypeExpr::List(Box::new(TypeExpr::arbitrary(u)?), Span::default()),
            _ => TypeExpr::Record(Vec::arbitrary(u)?, Span::default()),
        })
    }
}

impl<'a> Arbitrary<'a> for Span {
    /// Spans take no input: the printer ignores them when there is no
    /// source text, and the target parses the printed text again.
    fn arbitrary(_: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Span::default())
    }

    fn size_hint(_: usize) -> (usize, Option<usize>) {
        (0, Some(0))
    }
}

/// Names that resolve to one another, built-in types and functions, and
/// words the grammar treats specially in some places.
const NAMES: &[&str] = &[
    "a",
    "b",
    "c",
    "x",
    "y",
    "flag",
    "level",
    "kind",
    "amount",
    "stays",
    "admitted",
    "discharged",
    "birth_date",
    "member",
    "Level",
    "Stay",
    "boolean",
    "integer",
    "decimal",
    "text",
    "date",
    "age",
    "days_between",
    "count",
    "episode",
    "table",
    "unique",
    "first",
    "from",
    "to",
    "version",
    "effective",
    "until",
    "import",
    "the",
    "past",
    "least",
    "_",
];

/// An identifier: usually from [`NAMES`], sometimes made up (now and then
/// very long), rarely any text at all.
pub fn name(u: &mut Unstructured<'_>) -> Result<String> {
    match u.int_in_range(0u8..=63)? {
        0..=51 => Ok((*u.choose(NAMES)?).to_owned()),
        52..=61 => {
            let length = if one_in(u, 32)? {
                u.int_in_range(1usize..=4_000)?
            } else {
                u.int_in_range(1usize..=12)?
            };
            let first = *u.choose(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")?;
            let mut out = String::with_capacity(length);
            out.push(char::from(first));
            let tail = b"abcdefghijklmnopqrstuvwxyz0123456789_";
            while out.len() < length {
                if u.is_empty() {
                    // Out of input: repeat what there is.
                    out.push(char::from(
                        *tail.get(out.len() % tail.len()).unwrap_or(&b'a'),
                    ));
                } else {
                    out.push(char::from(*u.choose(tail)?));
                }
            }
            Ok(out)
        }
        _ => String::arbitrary(u),
    }
}

/// A path of one to three names (empty rarely).
pub fn path(u: &mut Unstructured<'_>) -> Result<Vec<super::Name>> {
    let length = if one_in(u, 64)? {
        0
    } else {
        u.int_in_range(1usize..=3)?
    };
    (0..length).map(|_| super::Name::arbitrary(u)).collect()
}

/// Text to quote: short words mostly, sometimes any characters, sometimes
/// one piece repeated into a very long line.
pub fn text(u: &mut Unstructured<'_>) -> Result<String> {
    const WORDS: &[&str] = &[
        "",
        "T",
        "Eligibility",
        "Section 9505.0372, subp. 1",
        "a \"quoted\" word",
        "back\\slash",
        "tab\tand\nnew line",
        "é ü 中文 🙂",
    ];
    // Long lines are rare and mostly a few thousand characters: a policy
    // holds many texts, and megabytes of them make every run slow.
    match u.int_in_range(0u8..=63)? {
        0..=55 => Ok((*u.choose(WORDS)?).to_owned()),
        56..=61 => String::arbitrary(u),
        _ => {
            let piece = *u.choose(WORDS)?;
            let most = if one_in(u, 8)? { 20_000 } else { 400 };
            let times = u.int_in_range(1usize..=most)?;
            Ok(format!("{piece} ").repeat(times))
        }
    }
}

/// Optional [`text`].
pub fn option_text(u: &mut Unstructured<'_>) -> Result<Option<String>> {
    if bool::arbitrary(u)? {
        Ok(Some(text(u)?))
    } else {
        Ok(None)
    }
}

/// The reading of a criterion as written: the parser fills it in again.
pub fn written(_: &mut Unstructured<'_>) -> Result<String> {
    Ok(String::new())
}

/// An import path that names no file, so no target reads the file system.
pub fn import_path(u: &mut Unstructured<'_>) -> Result<String> {
    const PATHS: &[&str] = &["missing.policy", "", "nested/missing.policy"];
    Ok((*u.choose(PATHS)?).to_owned())
}

/// Mostly small non-negative numbers, with the edges of `i64`.
pub fn integer(u: &mut Unstructured<'_>) -> Result<i64> {
    const EDGES: &[i64] = &[
        0,
        1,
        2,
        -1,
        i64::MAX,
        i64::MAX - 1,
        i64::MIN,
        i64::MIN + 1,
        2_147_483_647,
        1 << 32,
        1_000_000_000_000_000_000,
    ];
    match u.int_in_range(0u8..=7)? {
        0..=4 => Ok(i64::from(u8::arbitrary(u)?)),
        5 | 6 => Ok(*u.choose(EDGES)?),
        _ => i64::arbitrary(u),
    }
}

/// A duration's amount: small and non-negative mostly.
pub fn amount(u: &mut Unstructured<'_>) -> Result<i64> {
    match u.int_in_range(0u8..=7)? {
        0..=5 => Ok(i64::from(u8::arbitrary(u)?)),
        _ => integer(u),
    }
}

/// A decimal of up to 38 significant digits (or, when the digits drawn do
/// not fit, a small one).
pub fn decimal(u: &mut Unstructured<'_>) -> Result<Decimal> {
    let whole = u.int_in_range(1usize..=40)?;
    let fraction = u.int_in_range(1usize..=40)?;
    let whole_digits = if one_in(u, 4)? { whole } else { 1 };
    let fraction_digits = if one_in(u, 2)? { 1 } else { fraction };
    let mut written = String::new();
    for index in 0..whole_digits + fraction_digits {
        if index == whole_digits {
            written.push('.');
        }
        let digit = if u.is_empty() {
            9
        } else {
            u.int_in_range(0u8..=9)?
        };
        written.push(char::from(b'0' + digit));
    }
    Ok(Decimal::parse(&written).unwrap_or_else(|_| Decimal::from_i64(15)))
}

/// A date near the end of a month, a leap day, or an end of the calendar.
pub fn date(u: &mut Unstructured<'_>) -> Result<Date> {
    const YEARS: &[i16] = &[
        1, 4, 100, 1900, 2000, 2020, 2024, 2025, 2026, 2027, 2100, 9999,
    ];
    const DAYS: &[i8] = &[1, 2, 15, 27, 28, 29, 30, 31];
    // A year before 1 prints as no date the grammar reads: rarely.
    let year = match u.int_in_range(0u8..=63)? {
        0..=47 => *u.choose(YEARS)?,
        48..=62 => u.int_in_range(1i16..=9999)?,
        _ => u.int_in_range(-9999i16..=9999)?,
    };
    let month = u.int_in_range(1i8..=12)?;
    let day = *u.choose(DAYS)?;
    // A day past the month's end falls back to the month's last day.
    let first = Date::new(year, month, 1).unwrap_or(Date::MIN);
    Ok(Date::new(year, month, day).unwrap_or_else(|_| first.last_of_month()))
}

/// Optional [`date`].
pub fn option_date(u: &mut Unstructured<'_>) -> Result<Option<Date>> {
    if bool::arbitrary(u)? {
        Ok(Some(date(u)?))
    } else {
        Ok(None)
    }
}

/// One or more items (the grammar has no empty `if` chain or table row).
pub fn non_empty<'a, T: Arbitrary<'a>>(u: &mut Unstructured<'a>) -> Result<Vec<T>> {
    let mut items = vec![T::arbitrary(u)?];
    let more = u.int_in_range(0usize..=3)?;
    for _ in 0..more {
        if u.is_empty() {
            break;
        }
        items.push(T::arbitrary(u)?);
    }
    Ok(items)
}
