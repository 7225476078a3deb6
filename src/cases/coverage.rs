//! `policyc test --coverage`: for each criterion of a policy, whether the
//! cases saw it true, false and unknown, and whether some case showed it
//! deciding the outcome (negating it alone changes a decision's value).

use super::{Case, inputs, planned};
use crate::check::{Checked, CriterionNode, Node, NodeKind};
use crate::engine::{Determination, Policy};
use crate::eval::Trace;
use crate::explain;
use crate::source::Span;
use crate::truth::Truth;
use std::collections::BTreeMap;

/// What the cases showed of one criterion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriterionCoverage {
    /// Where it is written.
    pub span: Span,
    /// Its words, or its test as written.
    pub label: String,
    /// Its citation.
    pub citation: Option<String>,
    /// Some case saw it true.
    pub seen_true: bool,
    /// Some case saw it false.
    pub seen_false: bool,
    /// Some case saw it unknown.
    pub seen_unknown: bool,
    /// Negating it alone changed a decision's value in some case.
    pub deciding: bool,
}

/// What the cases showed of one condition: an operand of `and`, `or` or
/// `not`, an `if` condition or a criterion's `unless` exception.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionCoverage {
    /// Where it is written.
    pub span: Span,
    /// What kind of condition: "and", "or", "not", "if" or "unless".
    pub kind: &'static str,
    /// Negating it alone changed a decision's value in some case (the MC/DC
    /// "shown deciding").
    pub deciding: bool,
}

/// Coverage of every criterion and condition of a policy, in file order.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    /// One entry per criterion.
    pub criteria: Vec<CriterionCoverage>,
    /// One entry per condition.
    pub conditions: Vec<ConditionCoverage>,
}

/// Measures how a set of cases exercises a policy's criteria (of every
/// version).
pub fn coverage(policy: &Policy, cases: &[Case]) -> Coverage {
    let mut by_span: BTreeMap<usize, CriterionCoverage> = BTreeMap::new();
    let mut conditions: BTreeMap<(usize, usize), ConditionCoverage> = BTreeMap::new();
    for definition in policy.versions().iter().flat_map(Checked::definitions) {
        collect(&definition.body, &mut by_span, &mut conditions);
    }
    for case in cases {
        measure_case(policy, case, &mut by_span, &mut conditions);
    }
    Coverage {
        criteria: by_span.into_values().collect(),
        conditions: conditions.into_values().collect(),
    }
}

/// The conditions a node holds directly, with their kind.
fn conditions_of(node: &Node) -> Vec<(&Node, &'static str)> {
    match &node.kind {
        NodeKind::And(l, r) => vec![(&**l, "and"), (&**r, "and")],
        NodeKind::Or(l, r) => vec![(&**l, "or"), (&**r, "or")],
        NodeKind::Not(inner) => vec![(&**inner, "not")],
        NodeKind::If { branches, .. } => branches.iter().map(|(c, _)| (c, "if")).collect(),
        NodeKind::Criteria { items, .. } => items
            .iter()
            .filter_map(|i| i.exception.as_deref().map(|e| (&e.node, "unless")))
            .collect(),
        _ => Vec::new(),
    }
}

/// Every criterion written in a node, keyed by where it starts, and every
/// condition, keyed by its span. The walk's depth is the policy's nesting,
/// which the checker bounds.
fn collect(
    node: &Node,
    out: &mut BTreeMap<usize, CriterionCoverage>,
    conditions: &mut BTreeMap<(usize, usize), ConditionCoverage>,
) {
    if let NodeKind::Criteria { items, .. } = &node.kind {
        for item in items {
            out.entry(item.span.start).or_insert_with(|| entry(item));
        }
    }
    for (condition, kind) in conditions_of(node) {
        let span = condition.span;
        conditions
            .entry((span.start, span.end))
            .or_insert(ConditionCoverage {
                span,
                kind,
                deciding: false,
            });
    }
    for child in node.children() {
        collect(child, out, conditions);
    }
}

fn entry(item: &CriterionNode) -> CriterionCoverage {
    CriterionCoverage {
        span: item.span,
        label: item.label.clone().unwrap_or_else(|| item.written.clone()),
        citation: item.citation.clone(),
        seen_true: false,
        seen_false: false,
        seen_unknown: false,
        deciding: false,
    }
}

/// Records the values a case gives each criterion, and which ones decide it.
fn measure_case(
    policy: &Policy,
    case: &Case,
    out: &mut BTreeMap<usize, CriterionCoverage>,
    conditions: &mut BTreeMap<(usize, usize), ConditionCoverage>,
) {
    let Ok(inputs) = inputs(policy, case) else {
        return;
    };
    let checked = inputs.checked;
    let (Ok(explained), Ok(quiet)) = (
        planned(policy, case, checked, true),
        planned(policy, case, checked, false),
    ) else {
        return;
    };
    let (facts, as_of, date_of_service) = (&inputs.facts, inputs.as_of, inputs.date_of_service);
    let Ok(base) = explained.evaluate(facts, as_of, date_of_service) else {
        return;
    };
    let mut seen: BTreeMap<usize, Span> = BTreeMap::new();
    for decision in &base.decisions {
        if let Some(trace) = &decision.trace {
            record_values(trace, out, &mut seen);
        }
    }
    let values = |d: &Determination| -> Vec<crate::json::Json> {
        d.decisions
            .iter()
            .map(|r| explain::value_json(&r.value, r.ty(), checked.schema()))
            .collect()
    };
    let expected = values(&base);
    for (start, span) in seen {
        let flipped = quiet.evaluate_flipping(facts, as_of, date_of_service, span);
        if flipped.is_ok_and(|f| values(&f) != expected)
            && let Some(entry) = out.get_mut(&start)
        {
            entry.deciding = true;
        }
    }
    for condition in conditions.values_mut().filter(|c| !c.deciding) {
        let flipped = quiet.evaluate_flipping(facts, as_of, date_of_service, condition.span);
        if flipped.is_ok_and(|f| values(&f) != expected) {
            condition.deciding = true;
        }
    }
}

fn record_values(
    trace: &Trace,
    out: &mut BTreeMap<usize, CriterionCoverage>,
    seen: &mut BTreeMap<usize, Span>,
) {
    if let Some(span) = trace.span
        && let Some(entry) = out.get_mut(&span.start)
    {
        match Truth::of(&trace.value) {
            Truth::True => entry.seen_true = true,
            Truth::False => entry.seen_false = true,
            Truth::Unknown(_) => entry.seen_unknown = true,
        }
        seen.insert(span.start, span);
    }
    for child in &trace.children {
        record_values(child, out, seen);
    }
}
