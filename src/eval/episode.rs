//! `episode(list from start to end within gap)`: the elements of the latest
//! episode of care, where each readmission within the gap after the previous
//! end continues the episode.

use super::Evaluator;
use super::error::EvalError;
use super::ops;
use crate::ast::Duration;
use crate::check::Node;
use crate::source::Span;
use crate::value::{Missing, Value};
use jiff::civil::Date;

/// One element's dates.
struct Dated {
    index: usize,
    start: Date,
    end: Value,
}

impl Evaluator<'_> {
    /// Evaluates an episode node.
    pub(super) fn eval_episode(
        &mut self,
        list: &Node,
        start: &Node,
        end: &Node,
        gap: Duration,
        span: Span,
    ) -> Result<Value, EvalError> {
        let elements = match self.eval(list)? {
            Value::List(elements) => elements,
            other if !other.is_known() => return Ok(other),
            _ => {
                return Err(EvalError::Internal {
                    span,
                    what: "episode of a value that is not a list".to_owned(),
                });
            }
        };
        let mut dated = Vec::with_capacity(elements.len());
        let mut missing = Missing::none();
        for (index, element) in elements.iter().enumerate() {
            self.elements.push(element.clone());
            let dates = self.eval(start).and_then(|s| Ok((s, self.eval(end)?)));
            self.elements.pop();
            let (start_value, end_value) = dates?;
            match start_value {
                Value::Date(start) => dated.push(Dated {
                    index,
                    start,
                    end: end_value,
                }),
                other => missing = missing.union(&other.deep_missing()),
            }
        }
        // Without every start date the order, and so the latest episode, is open.
        if !missing.is_empty() {
            return Ok(Value::Unknown(missing));
        }
        dated.sort_by_key(|d| (d.start, d.index));
        let chosen = latest_episode(&dated, gap, span)?;
        Ok(match chosen {
            Ok(range) => Value::List(
                range
                    .iter()
                    .filter_map(|d| elements.get(d.index).cloned())
                    .collect::<Vec<_>>()
                    .into(),
            ),
            Err(missing) => Value::Unknown(missing),
        })
    }
}

/// The latest episode's elements (a suffix of `dated`, which is in order of
/// start), or the missing end dates that leave its first element open.
///
/// A stay starts a new episode when it starts more than `gap` after the
/// latest discharge of every stay before it, not only of the one just
/// before: a short stay nested inside a long one does not end the episode.
fn latest_episode(
    dated: &[Dated],
    gap: Duration,
    span: Span,
) -> Result<Result<&[Dated], Missing>, EvalError> {
    // For each stay, the latest known end and the missing ends before it.
    let mut before = Vec::with_capacity(dated.len());
    let mut latest: Option<Date> = None;
    let mut open = Missing::none();
    for stay in dated {
        before.push((latest, open.clone()));
        match &stay.end {
            Value::Date(end) => latest = Some(latest.map_or(*end, |l| l.max(*end))),
            other => open = open.union(&other.deep_missing()),
        }
    }
    for (first, (stay, (latest, open))) in dated.iter().zip(&before).enumerate().skip(1).rev() {
        let continues = match latest {
            Some(end) => stay.start <= ops::shift(*end, gap, false, span)?,
            None => false,
        };
        if continues {
            continue;
        }
        if !open.is_empty() {
            // An earlier stay of unknown end may still reach this one.
            return Ok(Err(open.clone()));
        }
        return Ok(Ok(dated.get(first..).unwrap_or(&[])));
    }
    Ok(Ok(dated))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        crate::syntax::parse_date(text).unwrap_or_default()
    }

    /// Stays as (start, end) pairs, in order of start.
    fn stays(pairs: &[(&str, &str)]) -> Vec<Dated> {
        pairs
            .iter()
            .enumerate()
            .map(|(index, (s, e))| Dated {
                index,
                start: date(s),
                end: Value::Date(date(e)),
            })
            .collect()
    }

    fn latest(stays: &[Dated]) -> Vec<usize> {
        let gap = Duration {
            amount: 15,
            unit: crate::ast::TimeUnit::Day,
        };
        match latest_episode(stays, gap, Span::default()) {
            Ok(Ok(episode)) => episode.iter().map(|d| d.index).collect(),
            other => vec![usize::MAX; usize::from(other.is_err()) + 1],
        }
    }

    #[test]
    fn a_stay_nested_in_a_long_one_does_not_break_the_episode() {
        // A 2025-01-01..2025-12-31, B nested inside A, C readmitted
        // before A's discharge: one episode of all three.
        let nested = stays(&[
            ("2025-01-01", "2025-12-31"),
            ("2025-03-01", "2025-03-10"),
            ("2025-12-20", "2026-01-05"),
        ]);
        assert_eq!(latest(&nested), [0, 1, 2]);
        let without = stays(&[("2025-01-01", "2025-12-31"), ("2025-12-20", "2026-01-05")]);
        assert_eq!(latest(&without), [0, 1]);
    }

    /// Brute force: stays linked when their windows [start, end + gap]
    /// meet, episodes the connected groups, the latest the group of the
    /// last stay to start.
    fn brute_force(stays: &[Dated], gap_days: i64) -> Vec<usize> {
        let reach = |d: &Dated| match d.end {
            Value::Date(end) => end
                .checked_add(jiff::Span::new().days(gap_days))
                .unwrap_or(end),
            _ => d.start,
        };
        let n = stays.len();
        let mut group: Vec<usize> = (0..n).collect();
        let mut changed = true;
        while changed {
            changed = false;
            for (i, a) in stays.iter().enumerate() {
                for (j, b) in stays.iter().enumerate() {
                    let meet = a.start <= reach(b) && b.start <= reach(a);
                    let (gi, gj) = (group.get(i).copied(), group.get(j).copied());
                    if let (true, Some(gi), Some(gj)) = (meet, gi, gj)
                        && gi != gj
                    {
                        let low = gi.min(gj);
                        for g in group.iter_mut().filter(|g| **g == gi || **g == gj) {
                            *g = low;
                        }
                        changed = true;
                    }
                }
            }
        }
        let last = group.last().copied();
        (0..n).filter(|i| group.get(*i).copied() == last).collect()
    }

    #[test]
    fn generated_stay_sets_agree_with_the_brute_force_definition() {
        // A small deterministic generator: starts and lengths spread so that
        // gaps around 15 days, nesting and overlaps all occur.
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |bound: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % bound
        };
        let origin = date("2024-01-01");
        for _ in 0..2000 {
            let count = 1 + next(7) as usize;
            let mut set: Vec<(Date, Date)> = (0..count)
                .map(|_| {
                    let start = origin
                        .checked_add(jiff::Span::new().days(next(200) as i64))
                        .unwrap_or(origin);
                    let end = start
                        .checked_add(jiff::Span::new().days(next(60) as i64))
                        .unwrap_or(start);
                    (start, end)
                })
                .collect();
            set.sort();
            let dated: Vec<Dated> = set
                .iter()
                .enumerate()
                .map(|(index, (start, end))| Dated {
                    index,
                    start: *start,
                    end: Value::Date(*end),
                })
                .collect();
            assert_eq!(latest(&dated), brute_force(&dated, 15), "{set:?}");
        }
    }
}
