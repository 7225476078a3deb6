//! `Checked` + facts + as-of date → a determination: a tree-walking,
//! three-valued interpreter with explanations.
//!
//! Every name was resolved by the checker, so this module reads slots, never
//! strings. Definitions are evaluated once each, dependencies first, so rule
//! chains never deepen the stack; expression depth is bounded by the parser.
//! A missing fact is never an error: it becomes an unknown value that carries
//! its path to the determination. Errors are only computations that cannot be
//! done (division by zero, overflow).

mod episode;
mod error;
mod node;
mod ops;
mod table;
mod trace;

pub use error::EvalError;
pub use trace::{Read, Trace, TraceKind};

use crate::ast::DefinitionKind;
use crate::check::{Checked, CheckedDefinition, DefId, Type};
use crate::value::{Missing, Value};
use jiff::civil::Date;
use std::sync::Arc;
use trace::Frame;

/// What evaluation needs besides the policy.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Whether to build explanations.
    pub explain: bool,
}

/// The result of one decision.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionResult {
    /// The decision's name.
    pub name: String,
    /// The manual's words for it.
    pub label: Option<String>,
    /// Its citation.
    pub citation: Option<String>,
    /// Its type.
    pub ty: Type,
    /// Its value (unknown if the facts do not decide it).
    pub value: Value,
    /// The facts that could change an unknown value, sorted; empty when known.
    pub missing: Vec<Arc<str>>,
    /// The explanation, when asked for.
    pub trace: Option<Arc<Trace>>,
}

/// The decisions evaluated for one set of facts.
#[derive(Debug, Clone, PartialEq)]
pub struct Determination {
    /// The date the evaluation was made as of.
    pub as_of: Date,
    /// Each decision asked for: in the order asked, or in file order when all.
    pub decisions: Vec<DecisionResult>,
}

/// Evaluates `decisions` (all when empty) for the facts record `facts`.
pub fn evaluate(
    checked: &Checked,
    facts: &Value,
    as_of: Date,
    decisions: &[DefId],
    options: Options,
) -> Result<Determination, EvalError> {
    evaluate_flipping(checked, facts, as_of, decisions, options, None)
}

/// Like `evaluate`, but the criterion written at `flip` takes the negation
/// of its value (unknown stays unknown): comparing with `evaluate` shows
/// whether that criterion decides the outcome.
pub fn evaluate_flipping(
    checked: &Checked,
    facts: &Value,
    as_of: Date,
    decisions: &[DefId],
    options: Options,
    flip: Option<crate::source::Span>,
) -> Result<Determination, EvalError> {
    let roots: Vec<DefId> = if decisions.is_empty() {
        checked.decisions().map(|(id, _)| id).collect()
    } else {
        let mut asked: Vec<DefId> = Vec::with_capacity(decisions.len());
        for id in decisions {
            if !asked.contains(id) {
                asked.push(*id);
            }
        }
        asked
    };
    let mut evaluator = Evaluator {
        checked,
        facts,
        as_of,
        explain: options.explain,
        results: vec![None; checked.definitions().len()],
        elements: Vec::new(),
        frames: Vec::new(),
        flip,
    };
    for id in checked.plan(&roots) {
        evaluator.evaluate_definition(id)?;
    }
    let mut results = Vec::with_capacity(roots.len());
    for id in roots {
        let (Some(def), Some(Some(done))) =
            (checked.definition(id), evaluator.results.get(id.0 as usize))
        else {
            continue;
        };
        results.push(DecisionResult {
            name: def.name.clone(),
            label: def.label.clone(),
            citation: def.citation.clone(),
            ty: def.ty.clone(),
            missing: done.value.deep_missing().paths().to_vec(),
            value: done.value.clone(),
            trace: done.trace.clone(),
        });
    }
    Ok(Determination {
        as_of,
        decisions: results,
    })
}

/// A definition's value and, when explaining, its trace.
#[derive(Debug, Clone)]
struct Evaluated {
    value: Value,
    trace: Option<Arc<Trace>>,
}

/// The state of one evaluation.
struct Evaluator<'a> {
    checked: &'a Checked,
    facts: &'a Value,
    as_of: Date,
    explain: bool,
    /// Each definition's result once evaluated.
    results: Vec<Option<Evaluated>>,
    /// The elements bound by the enclosing aggregates, outermost first.
    elements: Vec<Value>,
    /// The trace nodes under construction, innermost last.
    frames: Vec<Frame>,
    /// The criterion whose value is negated, if any.
    flip: Option<crate::source::Span>,
}

impl Evaluator<'_> {
    fn evaluate_definition(&mut self, id: DefId) -> Result<(), EvalError> {
        let Some(def) = self.checked.definition(id) else {
            return Ok(());
        };
        if self.explain {
            self.frames.push(Frame::default());
        }
        let value = self.eval(&def.body)?;
        let trace = self
            .frames
            .pop()
            .filter(|_| self.explain)
            .map(|frame| Arc::new(definition_trace(def, &value, frame)));
        if let Some(slot) = self.results.get_mut(id.0 as usize) {
            *slot = Some(Evaluated { value, trace });
        }
        Ok(())
    }
}

fn definition_trace(def: &CheckedDefinition, value: &Value, frame: Frame) -> Trace {
    let kind = match def.kind {
        DefinitionKind::Rule => trace::TraceKind::Rule(def.name.clone()),
        DefinitionKind::Decision => trace::TraceKind::Decision(def.name.clone()),
    };
    Trace {
        kind,
        label: def.label.clone().unwrap_or_else(|| def.name.clone()),
        citation: def.citation.clone(),
        value: value.clone(),
        ty: def.ty.clone(),
        reads: frame.reads,
        children: frame.children,
        span: None,
    }
}

/// An unknown value with no listed fact, for values left open by something
/// other than a missing fact (e.g. the least of an empty list).
fn open_value() -> Value {
    Value::Unknown(Missing::none())
}
