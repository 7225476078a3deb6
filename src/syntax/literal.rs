//! Parses literal tokens (dates, numbers, lengths of time, text escapes) into
//! values, with a located error for each way they can be wrong.

use super::error::SyntaxError;
use super::grammar::Rule as G;
use super::lower::{Children, internal, span_of};
use crate::ast::{Duration, TimeUnit};
use crate::decimal::Decimal;
use crate::source::Span;
use pest::iterators::Pair;

type Result<T> = std::result::Result<T, SyntaxError>;

/// A `date` token as a calendar date.
pub(crate) fn date(pair: &Pair<'_, G>) -> Result<jiff::civil::Date> {
    let text = pair.as_str();
    parse_date(text).map_err(|reason| SyntaxError::InvalidDate {
        span: span_of(pair),
        text: text.to_owned(),
        reason,
    })
}

/// Parses `YYYY-MM-DD` strictly; the error says why a date is not real.
pub fn parse_date(text: &str) -> std::result::Result<jiff::civil::Date, String> {
    let mut parts = text.splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return Err("expected YYYY-MM-DD".to_owned());
    };
    let shape_ok = y.len() == 4
        && m.len() == 2
        && d.len() == 2
        && [y, m, d]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if !shape_ok {
        return Err("expected YYYY-MM-DD".to_owned());
    }
    let year: i16 = y
        .parse()
        .map_err(|_| "the year is out of range".to_owned())?;
    let month: i8 = m
        .parse()
        .map_err(|_| "the month is out of range".to_owned())?;
    let day: i8 = d
        .parse()
        .map_err(|_| "the day is out of range".to_owned())?;
    if !(1..=12).contains(&month) {
        return Err(format!("there is no month {month}"));
    }
    jiff::civil::Date::new(year, month, day).map_err(|_| {
        let days = jiff::civil::Date::new(year, month, 1)
            .map(|first| first.days_in_month())
            .unwrap_or(31);
        format!("month {month} of {year} has {days} days")
    })
}

/// An `integer` token.
pub(crate) fn integer(pair: &Pair<'_, G>) -> Result<i64> {
    pair.as_str()
        .parse()
        .map_err(|_| SyntaxError::NumberOutOfRange {
            span: span_of(pair),
            text: pair.as_str().to_owned(),
        })
}

/// A `decimal` token.
pub(crate) fn decimal(pair: &Pair<'_, G>) -> Result<Decimal> {
    // The grammar lets only digits, a point and digits through, so the one
    // way to fail is precision.
    Decimal::parse(pair.as_str()).map_err(|_| SyntaxError::DecimalTooPrecise {
        span: span_of(pair),
        text: pair.as_str().to_owned(),
    })
}

/// A `duration` pair (`15 days`).
pub(crate) fn duration(pair: Pair<'_, G>) -> Result<Duration> {
    let mut children = Children::of(pair);
    let amount = integer(&children.expect(G::integer)?)?;
    let unit = unit(&children.expect(G::unit)?)?;
    Ok(Duration { amount, unit })
}

/// A `unit` token.
pub(crate) fn unit(pair: &Pair<'_, G>) -> Result<TimeUnit> {
    Ok(match pair.as_str().trim_end_matches('s') {
        "day" => TimeUnit::Day,
        "week" => TimeUnit::Week,
        "month" => TimeUnit::Month,
        "year" => TimeUnit::Year,
        other => return Err(internal(span_of(pair), format!("unknown unit {other}"))),
    })
}

/// Appends `raw` with its escapes resolved; `start` is its offset in the file.
pub(crate) fn unescape(raw: &str, start: usize, out: &mut String) -> Result<()> {
    let mut chars = raw.char_indices();
    while let Some((index, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let next = chars.next().map(|(_, n)| n);
        match next {
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            other => {
                let len = 1 + other.map_or(0, char::len_utf8);
                return Err(SyntaxError::InvalidEscape {
                    span: Span::new(start + index, start + index + len),
                    text: format!("\\{}", other.map(String::from).unwrap_or_default()),
                });
            }
        }
    }
    Ok(())
}
