//! Expected-outcome cases written by analysts (`*.cases.yaml` beside a
//! policy) and the runner behind `policyc test`.
//!
//! A cases file names its policy and lists cases. Each case gives facts (a
//! file, inline, or a file with changes), optionally an as-of date, the value
//! it expects for one or more decisions and, optionally, the missing facts it
//! expects. Running a case evaluates the decisions it names with explanations
//! and compares; the outcome keeps the trace so a failure can show the
//! criteria and citations behind the actual value.

mod coverage;
mod error;
mod file;
mod report;
mod strict;

pub use coverage::{ConditionCoverage, Coverage, CriterionCoverage, coverage};
pub use error::CasesError;
pub use file::{Case, CasesFile, load_cases};
pub use report::{render_coverage, render_results};

use crate::check::Checked;
use crate::engine::{DecisionResult, Facts, Format, Options, Policy, Prepared};
use crate::explain;
use crate::json::Json;
use crate::source::SourceFile;
use jiff::civil::Date;

/// The outcome of one decision in one case.
#[derive(Debug, Clone)]
pub struct DecisionOutcome {
    /// The decision's name.
    pub name: String,
    /// The value the case expects, as written.
    pub expected: Json,
    /// The value computed, in the JSON output's form.
    pub actual: Json,
    /// The missing facts the case expects, if it states them.
    pub expected_missing: Option<Vec<String>>,
    /// The missing facts computed.
    pub actual_missing: Vec<String>,
    /// The full result, with its explanation.
    pub result: DecisionResult,
}

impl DecisionOutcome {
    /// Whether the computed value (and missing list, when stated) match.
    pub fn passed(&self) -> bool {
        self.value_matches()
            && self
                .expected_missing
                .as_ref()
                .is_none_or(|m| *m == self.actual_missing)
    }
}

impl DecisionOutcome {
    /// Whether the computed value is the one expected (objects compared
    /// whatever their key order).
    pub fn value_matches(&self) -> bool {
        self.expected.to_value() == self.actual.to_value()
    }
}

/// The outcome of one case.
#[derive(Debug, Clone)]
pub struct CaseOutcome {
    /// The case's name.
    pub name: String,
    /// Each decision it checks; empty when the case could not run.
    pub decisions: Vec<DecisionOutcome>,
    /// Why the case could not run, if it could not.
    pub error: Option<String>,
}

impl CaseOutcome {
    /// Whether every decision matched.
    pub fn passed(&self) -> bool {
        self.error.is_none() && self.decisions.iter().all(DecisionOutcome::passed)
    }
}

/// The facts, dates and version a case evaluates, ready for the evaluator.
pub struct Inputs<'p> {
    /// The facts, read for the policy.
    pub facts: Facts,
    /// The as-of date.
    pub as_of: Date,
    /// The date of service, when the case gives one.
    pub date_of_service: Option<Date>,
    /// The version of the policy in force on the case's date of service.
    pub checked: &'p Checked,
}

/// Builds a case's facts, dates and version; the error says what is wrong.
pub fn inputs<'p>(policy: &'p Policy, case: &Case) -> Result<Inputs<'p>, String> {
    let json = case.facts_json()?;
    let source = SourceFile::new(case.name.clone(), json.to_string());
    let facts = policy.facts(&source, Format::Json).map_err(|errors| {
        let messages: Vec<String> = errors.iter().map(|d| d.message()).collect();
        format!("the facts are not valid: {}", messages.join("; "))
    })?;
    let as_of = case
        .as_of
        .or(facts.as_of())
        .ok_or_else(|| "no as-of date: give `as_of` in the case or in its facts".to_owned())?;
    let date = case.date_of_service.unwrap_or(as_of);
    let checked = policy
        .in_force(date)
        .map_err(|_| format!("no version of the policy is in force on {date}"))?;
    Ok(Inputs {
        facts,
        as_of,
        date_of_service: case.date_of_service,
        checked,
    })
}

/// The decisions a case names, planned with explanations; the error names
/// a decision the version in force lacks.
fn planned(
    policy: &Policy,
    case: &Case,
    checked: &Checked,
    explain: bool,
) -> Result<Prepared, String> {
    let names: Vec<&str> = case.expect.keys().map(String::as_str).collect();
    if let Some(name) = names.iter().find(|n| checked.decision(n).is_none()) {
        return Err(no_decision(checked, name));
    }
    policy
        .prepare(&names, Options { explain })
        .map_err(|e| e.to_string())
}

/// Runs one case against a checked policy.
pub fn run_case(policy: &Policy, case: &Case) -> CaseOutcome {
    match run_decisions(policy, case) {
        Ok(decisions) => CaseOutcome {
            name: case.name.clone(),
            decisions,
            error: None,
        },
        Err(error) => CaseOutcome {
            name: case.name.clone(),
            decisions: Vec::new(),
            error: Some(error),
        },
    }
}

fn run_decisions(policy: &Policy, case: &Case) -> Result<Vec<DecisionOutcome>, String> {
    let inputs = inputs(policy, case)?;
    let checked = inputs.checked;
    let prepared = planned(policy, case, checked, true)?;
    let determination = prepared
        .evaluate(&inputs.facts, inputs.as_of, inputs.date_of_service)
        .map_err(|e| format!("evaluation failed: {e}"))?;
    Ok(determination
        .decisions
        .into_iter()
        .map(|result| outcome(checked, case, result))
        .collect())
}

fn no_decision(checked: &Checked, name: &str) -> String {
    let names: Vec<&str> = checked.decisions().map(|(_, d)| d.name.as_str()).collect();
    let listed = names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match crate::suggest::closest(name, names.iter().copied()) {
        Some(best) => format!(
            "`expect` names `{name}`, but the policy has no decision `{name}`; did you mean `{best}`? Its decisions are {listed}"
        ),
        None => format!(
            "`expect` names `{name}`, but the policy has no decision `{name}`; its decisions are {listed}"
        ),
    }
}

fn outcome(checked: &Checked, case: &Case, result: DecisionResult) -> DecisionOutcome {
    let actual = explain::value_json(&result.value, result.ty(), checked.schema());
    DecisionOutcome {
        name: result.name().to_owned(),
        expected: case
            .expect
            .get(result.name())
            .cloned()
            .unwrap_or(Json::Null),
        actual,
        expected_missing: case.missing.get(result.name()).cloned(),
        actual_missing: result.missing.iter().map(ToString::to_string).collect(),
        result,
    }
}
