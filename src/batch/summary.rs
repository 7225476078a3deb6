//! The end-of-run summary of a batch: records, errors, and how many times
//! each decision came out each way.

use crate::json::{Json, Map};
use std::fmt;

/// At most this many distinct values are counted per decision; the rest are
/// counted together as `other`, so the summary stays small.
pub const MAX_VALUES: usize = 20;

/// How a batch run went.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Input lines read (= output lines written).
    pub records: u64,
    /// Lines that gave an error line.
    pub errors: u64,
    /// Per decision, in the order first seen: its values and their counts.
    pub decisions: Vec<DecisionCounts>,
}

/// How many times one decision came out each way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecisionCounts {
    /// The decision's name.
    pub name: String,
    /// Each value as written in the summary (`true`, `unknown`, `2026-05-30`,
    /// compact JSON for records and lists) with its count, in the order first
    /// seen.
    pub counts: Vec<(String, u64)>,
    /// Results whose value was not among the first distinct ones counted
    /// (`MAX_VALUES` of them).
    pub other: u64,
}

impl Summary {
    /// Counts one line: its decisions' values, or an error when `None`.
    pub(crate) fn count(&mut self, values: Option<&[(String, Json)]>) {
        self.records += 1;
        let Some(values) = values else {
            self.errors += 1;
            return;
        };
        for (name, value) in values {
            if !self.decisions.iter().any(|d| &d.name == name) {
                self.decisions.push(DecisionCounts {
                    name: name.clone(),
                    ..DecisionCounts::default()
                });
            }
            if let Some(decision) = self.decisions.iter_mut().find(|d| &d.name == name) {
                decision.count(&value_text(value));
            }
        }
    }

    /// The summary as one JSON object: `{"records", "errors", "decisions":
    /// {name: {value: count}}}`, values most frequent first.
    pub fn to_json(&self) -> Json {
        let decisions: Map = self
            .decisions
            .iter()
            .map(|d| {
                let counts: Map = d
                    .sorted()
                    .into_iter()
                    .map(|(value, n)| (value.to_owned(), Json::from(n)))
                    .collect();
                (d.name.clone(), Json::Object(counts))
            })
            .collect();
        let mut out = Map::new();
        out.insert("records", Json::from(self.records));
        out.insert("errors", Json::from(self.errors));
        out.insert("decisions", Json::Object(decisions));
        Json::Object(out)
    }
}

impl DecisionCounts {
    fn count(&mut self, value: &str) {
        if let Some((_, n)) = self.counts.iter_mut().find(|(v, _)| v == value) {
            *n += 1;
        } else if self.counts.len() < MAX_VALUES {
            self.counts.push((value.to_owned(), 1));
        } else {
            self.other += 1;
        }
    }

    /// The counts, most frequent first (ties in the order first seen), with
    /// `other` last when any.
    pub fn sorted(&self) -> Vec<(&str, u64)> {
        let mut sorted: Vec<(&str, u64)> =
            self.counts.iter().map(|(v, n)| (v.as_str(), *n)).collect();
        sorted.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        if self.other > 0 {
            sorted.push(("other", self.other));
        }
        sorted
    }
}

/// A value as the summary writes it: strings without quotes.
fn value_text(value: &Json) -> String {
    match value {
        Json::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// `N records, N evaluated, N errors`, then one line per decision:
/// `admission: true 812, false 150, unknown 38`.
impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let evaluated = self.records - self.errors;
        let errors = match self.errors {
            1 => "1 error".to_owned(),
            n => format!("{n} errors"),
        };
        writeln!(
            f,
            "{} records: {evaluated} evaluated, {errors}",
            self.records
        )?;
        for decision in &self.decisions {
            let counts: Vec<String> = decision
                .sorted()
                .iter()
                .map(|(value, n)| format!("{value} {n}"))
                .collect();
            writeln!(f, "{}: {}", decision.name, counts.join(", "))?;
        }
        Ok(())
    }
}
