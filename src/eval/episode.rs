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

/// The latest episode's elements (a suffix of `dated`), or the missing end
/// date that leaves its first element open.
fn latest_episode(
    dated: &[Dated],
    gap: Duration,
    span: Span,
) -> Result<Result<&[Dated], Missing>, EvalError> {
    let mut first = dated.len().saturating_sub(1);
    while first > 0 {
        let (Some(previous), Some(next)) = (dated.get(first - 1), dated.get(first)) else {
            break;
        };
        let end = match &previous.end {
            Value::Date(end) => *end,
            other => return Ok(Err(other.deep_missing())),
        };
        if next.start > ops::shift(end, gap, false, span)? {
            break;
        }
        first -= 1;
    }
    Ok(Ok(dated.get(first..).unwrap_or(&[])))
}
