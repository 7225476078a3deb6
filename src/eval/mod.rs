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
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Whether to build explanations.
    pub explain: bool,
}

/// What a decision is, apart from its value: shared by every result for it,
/// so a result copies no string.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionInfo {
    /// The decision's name.
    pub name: String,
    /// The manual's words for it.
    pub label: Option<String>,
    /// Its citation.
    pub citation: Option<String>,
    /// Its type.
    pub ty: Type,
}

/// The result of one decision.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionResult {
    /// The decision's name, words, citation and type.
    pub info: Arc<DecisionInfo>,
    /// Its value (unknown if the facts do not decide it).
    pub value: Value,
    /// The facts that could change an unknown value, sorted; empty when known.
    pub missing: Vec<Arc<str>>,
    /// The explanation, when asked for.
    pub trace: Option<Arc<Trace>>,
}

impl DecisionResult {
    /// The decision's name.
    pub fn name(&self) -> &str {
        &self.info.name
    }

    /// The manual's words for the decision.
    pub fn label(&self) -> Option<&str> {
        self.info.label.as_deref()
    }

    /// Where in the manual the decision comes from.
    pub fn citation(&self) -> Option<&str> {
        self.info.citation.as_deref()
    }

    /// The decision's type.
    pub fn ty(&self) -> &Type {
        &self.info.ty
    }
}

/// The decisions evaluated for one set of facts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Determination {
    /// The date the evaluation was made as of.
    pub as_of: Date,
    /// The date that chose the version: the date of service, or the as-of
    /// date when none was given.
    pub in_force_on: Date,
    /// The name of the version in force on that date, for a policy with
    /// versions.
    pub version: Option<Arc<str>>,
    /// Each decision asked for: in the order asked, or in file order when all.
    pub decisions: Vec<DecisionResult>,
    /// Which of the policy's versions (earliest first) was used.
    pub(crate) version_index: usize,
}

/// The definitions one set of decisions needs, in the order to evaluate
/// them, worked out once for any number of evaluations.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// The decisions asked for, each once, with what they are.
    roots: Vec<(DefId, Arc<DecisionInfo>)>,
    /// Every definition they depend on, dependencies first; no other.
    order: Vec<DefId>,
    /// How many definition slots an evaluation needs.
    slots: usize,
}

impl Plan {
    /// The plan for `decisions` of `checked` (all of them when empty).
    pub(crate) fn new(checked: &Checked, decisions: &[DefId]) -> Plan {
        let mut ids: Vec<DefId> = Vec::with_capacity(decisions.len());
        if decisions.is_empty() {
            ids.extend(checked.decisions().map(|(id, _)| id));
        } else {
            for id in decisions {
                if !ids.contains(id) {
                    ids.push(*id);
                }
            }
        }
        let roots = ids
            .iter()
            .filter_map(|id| {
                let def = checked.definition(*id)?;
                let info = DecisionInfo {
                    name: def.name.clone(),
                    label: def.label.clone(),
                    citation: def.citation.clone(),
                    ty: def.ty.clone(),
                };
                Some((*id, Arc::new(info)))
            })
            .collect();
        // A rule with parameters is evaluated where it is applied, once per
        // distinct arguments, not ahead.
        let order = checked
            .plan(&ids)
            .into_iter()
            .filter(|id| checked.definition(*id).is_some_and(|d| d.params.is_empty()))
            .collect();
        Plan {
            roots,
            order,
            slots: checked.definitions().len(),
        }
    }

    /// How many definitions an evaluation runs (the asked decisions and the
    /// rules they use).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.order.len()
    }
}

/// Working memory for evaluations, kept between them so that a warm
/// evaluation allocates nothing of its own.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    results: Vec<Option<Evaluated>>,
    elements: Vec<Value>,
    stack: Vec<Value>,
    params: Vec<Value>,
    calls: Calls,
}

/// The results of rules with parameters, once per distinct arguments: each
/// call's rule, where its arguments are in `args`, and its result.
#[derive(Debug, Default)]
pub(crate) struct Calls {
    done: Vec<(DefId, std::ops::Range<usize>, Evaluated)>,
    args: Vec<Value>,
}

impl Calls {
    fn clear(&mut self) {
        self.done.clear();
        self.args.clear();
    }
}

/// Runs `plan` for the facts record `facts`, writing one result per asked
/// decision into `out` (cleared first). When `flip` is given, the criterion
/// written there takes the negation of its value (unknown stays unknown):
/// comparing with a plain run shows whether that criterion decides the
/// outcome.
#[allow(
    clippy::too_many_arguments,
    reason = "the one internal entry point; the facade wraps it"
)]
pub(crate) fn run(
    checked: &Checked,
    plan: &Plan,
    facts: &Value,
    as_of: Date,
    options: Options,
    flip: Option<crate::source::Span>,
    scratch: &mut Scratch,
    out: &mut Vec<DecisionResult>,
) -> Result<(), EvalError> {
    out.clear();
    scratch.results.clear();
    scratch.results.resize(plan.slots, None);
    scratch.elements.clear();
    scratch.stack.clear();
    scratch.params.clear();
    scratch.calls.clear();
    let mut evaluator = Evaluator {
        checked,
        facts,
        as_of,
        explain: options.explain,
        results: &mut scratch.results,
        elements: &mut scratch.elements,
        stack: &mut scratch.stack,
        params: &mut scratch.params,
        calls: &mut scratch.calls,
        bases: (0, 0),
        param_paths: Vec::new(),
        frames: Vec::new(),
        flip,
    };
    for id in &plan.order {
        evaluator.evaluate_definition(*id)?;
    }
    for (id, info) in &plan.roots {
        let Some(Some(done)) = evaluator.results.get(id.0 as usize) else {
            continue;
        };
        let missing = if done.value.is_known() && !done.value.is_compound() {
            Vec::new()
        } else {
            done.value.deep_missing().paths().to_vec()
        };
        out.push(DecisionResult {
            info: Arc::clone(info),
            missing,
            value: done.value.clone(),
            trace: done.trace.clone(),
        });
    }
    // Drop this run's values now, not at the next run.
    scratch.results.clear();
    scratch.calls.clear();
    Ok(())
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
    results: &'a mut Vec<Option<Evaluated>>,
    /// The elements bound by the enclosing aggregates, outermost first.
    elements: &'a mut Vec<Value>,
    /// Values held for a moment, such as a table's inputs.
    stack: &'a mut Vec<Value>,
    /// The arguments of the rules with parameters being evaluated,
    /// innermost last.
    params: &'a mut Vec<Value>,
    /// The results of rules with parameters, by arguments.
    calls: &'a mut Calls,
    /// Where the innermost rule with parameters starts in `params` and in
    /// `elements`: its parameters and aggregates count from there.
    bases: (usize, usize),
    /// When explaining: beside `params`, the fact path each argument is,
    /// so the rule's reads of its fields are shown as reads of the facts.
    param_paths: Vec<Option<Arc<str>>>,
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
        label: Arc::clone(&def.shown.0),
        citation: def.shown.1.clone(),
        value: value.clone(),
        ty: def.ty.clone(),
        reads: frame.reads,
        children: frame.children,
        span: None,
        error: None,
    }
}

/// An unknown value with no listed fact, for values left open by something
/// other than a missing fact (e.g. the least of an empty list).
fn open_value() -> Value {
    Value::Unknown(Missing::none())
}
