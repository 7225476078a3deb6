//! `policyc test --coverage`: for each criterion of a policy, whether the
//! cases saw it true, false and unknown, and whether some case showed it
//! deciding the outcome (negating it alone changes a decision's value).

use super::{Case, prepare};
use crate::check::{Checked, CriterionNode, Node, NodeKind, Policy};
use crate::eval::{self, Trace};
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

/// Coverage of every criterion of a policy, in file order.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    /// One entry per criterion.
    pub criteria: Vec<CriterionCoverage>,
}

/// Measures how a set of cases exercises a policy's criteria (of every
/// version).
pub fn coverage(policy: &Policy, cases: &[Case]) -> Coverage {
    let mut by_span: BTreeMap<usize, CriterionCoverage> = BTreeMap::new();
    for definition in policy.versions().iter().flat_map(Checked::definitions) {
        collect(&definition.body, &mut by_span);
    }
    for case in cases {
        measure_case(policy, case, &mut by_span);
    }
    Coverage {
        criteria: by_span.into_values().collect(),
    }
}

/// Every criterion written in a node, keyed by where it starts.
fn collect(node: &Node, out: &mut BTreeMap<usize, CriterionCoverage>) {
    if let NodeKind::Criteria { items, .. } = &node.kind {
        for item in items {
            out.entry(item.span.start).or_insert_with(|| entry(item));
        }
    }
    for child in node.children() {
        collect(child, out);
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
fn measure_case(policy: &Policy, case: &Case, out: &mut BTreeMap<usize, CriterionCoverage>) {
    let Ok(prepared) = prepare(policy, case) else {
        return;
    };
    let checked = prepared.checked;
    let ids: Vec<_> = case
        .expect
        .keys()
        .filter_map(|name| checked.decision(name))
        .collect();
    let options = eval::Options { explain: true };
    let Ok(base) = eval::evaluate(checked, &prepared.root, prepared.as_of, &ids, options) else {
        return;
    };
    let mut seen: BTreeMap<usize, Span> = BTreeMap::new();
    for decision in &base.decisions {
        if let Some(trace) = &decision.trace {
            record_values(trace, out, &mut seen);
        }
    }
    let values = |d: &eval::Determination| -> Vec<serde_json::Value> {
        d.decisions
            .iter()
            .map(|r| explain::value_json(&r.value, &r.ty, checked.schema()))
            .collect()
    };
    let expected = values(&base);
    let quiet = eval::Options { explain: false };
    for (start, span) in seen {
        let flipped = eval::evaluate_flipping(
            checked,
            &prepared.root,
            prepared.as_of,
            &ids,
            quiet,
            Some(span),
        );
        if flipped.is_ok_and(|f| values(&f) != expected)
            && let Some(entry) = out.get_mut(&start)
        {
            entry.deciding = true;
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
