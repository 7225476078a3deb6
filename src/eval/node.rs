//! Evaluation of each kind of checked node.

use super::error::EvalError;
use super::ops;
use super::trace::{Frame, Read, Trace, TraceKind};
use super::{Evaluator, open_value};
use crate::ast::{AggregateKind, Quantifier};
use crate::check::{CriterionNode, FactRef, Node, NodeKind};
use crate::decimal::Decimal;
use crate::source::Span;
use crate::truth::{Tally, Truth};
use crate::value::{Missing, Value};
use std::sync::Arc;

type Result<T> = std::result::Result<T, EvalError>;

impl Evaluator<'_> {
    /// Evaluates one node.
    pub(super) fn eval(&mut self, node: &Node) -> Result<Value> {
        let span = node.span;
        match &node.kind {
            NodeKind::Literal(value) => Ok(value.clone()),
            NodeKind::AsOf => Ok(Value::Date(self.as_of)),
            NodeKind::Fact(fact) => Ok(self.read_fact(fact, node)),
            NodeKind::Element { level, slots } => {
                let base = self
                    .elements
                    .get(self.bases.1 + *level as usize)
                    .ok_or_else(|| internal(span, "no element in scope"))?;
                Ok(follow(base, slots))
            }
            NodeKind::Field(inner, slot) => {
                let base = self.eval(inner)?;
                let value = follow(&base, &[*slot]);
                if self.explain
                    && let NodeKind::Param(index) = inner.kind
                {
                    self.read_param_field(index, &inner.ty, *slot, &value, &node.ty);
                }
                Ok(value)
            }
            NodeKind::Definition(id) => self.definition_value(*id, span),
            NodeKind::Param(index) => self
                .params
                .get(self.bases.0 + *index as usize)
                .cloned()
                .ok_or_else(|| internal(span, "a parameter outside its rule")),
            NodeKind::Apply { def, args, written } => self.apply(*def, args, written),
            NodeKind::Not(inner) => Ok((!self.condition(inner)?).into_value()),
            NodeKind::Negate(inner) => ops::negate(&self.eval(inner)?, span),
            NodeKind::And(l, r) => {
                let results = [self.condition(l), self.condition(r)];
                Ok(settle(results, Quantifier::All)?.into_value())
            }
            NodeKind::Or(l, r) => {
                let results = [self.condition(l), self.condition(r)];
                Ok(settle(results, Quantifier::Any)?.into_value())
            }
            NodeKind::Compare(op, l, r) => {
                let (l, r) = (self.eval(l)?, self.eval(r)?);
                Ok(ops::compare(*op, &l, &r, span)?.into_value())
            }
            NodeKind::Arith(op, l, r) => {
                let (l, r) = (self.eval(l)?, self.eval(r)?);
                ops::arith(*op, &l, &r, span)
            }
            NodeKind::Within {
                subject,
                window,
                direction,
                anchor,
            } => {
                let (s, a) = (self.eval(subject)?, self.eval(anchor)?);
                match (&s, &a) {
                    (Value::Date(s), Value::Date(a)) => {
                        Ok(Value::Bool(ops::within(*s, *window, *direction, *a, span)?))
                    }
                    _ => Ok(Value::unknown_from([&s, &a])),
                }
            }
            NodeKind::Member {
                subject,
                negated,
                set,
            } => self.eval_member(subject, *negated, set, span),
            NodeKind::Criteria { quantifier, items } => self.eval_criteria(*quantifier, items),
            NodeKind::Aggregate {
                kind,
                list,
                projection,
                filter,
            } => self.eval_aggregate(*kind, list, projection.as_deref(), filter.as_deref(), span),
            NodeKind::Episode {
                list,
                start,
                end,
                gap,
            } => self.eval_episode(list, start, end, *gap, span),
            NodeKind::Table { inputs, rows, .. } => self.eval_table(inputs, rows, span),
            NodeKind::Age(birth, on) => {
                let birth = self.eval(birth)?;
                let on = match on {
                    Some(on) => self.eval(on)?,
                    None => Value::Date(self.as_of),
                };
                match (&birth, &on) {
                    (Value::Date(b), Value::Date(o)) => Ok(Value::Integer(ops::age(*b, *o, span)?)),
                    _ => Ok(Value::unknown_from([&birth, &on])),
                }
            }
            NodeKind::DaysBetween(from, to) => {
                let (from, to) = (self.eval(from)?, self.eval(to)?);
                match (&from, &to) {
                    (Value::Date(f), Value::Date(t)) => {
                        Ok(Value::Integer(ops::days_between(*f, *t, span)?))
                    }
                    _ => Ok(Value::unknown_from([&from, &to])),
                }
            }
            NodeKind::If {
                branches,
                otherwise,
            } => self.eval_if(branches, otherwise),
            NodeKind::Record(fields) => Ok(Value::Record(self.eval_all(fields)?.into())),
            NodeKind::List(items) => Ok(Value::List(self.eval_all(items)?.into())),
        }
    }

    fn eval_all(&mut self, nodes: &[Node]) -> Result<Vec<Value>> {
        nodes.iter().map(|n| self.eval(n)).collect()
    }

    fn truth(&mut self, node: &Node) -> Result<Truth> {
        Ok(Truth::of(&self.eval(node)?))
    }

    /// The truth of a condition — an operand of `and`, `or` or `not`, an
    /// `if` condition or an exception — negated when it is the one being
    /// flipped to measure whether it decides the outcome. A condition's span
    /// lies strictly inside its parent's, so it is never a criterion's.
    fn condition(&mut self, node: &Node) -> Result<Truth> {
        let truth = self.truth(node)?;
        Ok(if self.flip == Some(node.span) {
            !truth
        } else {
            truth
        })
    }

    fn read_fact(&mut self, fact: &FactRef, node: &Node) -> Value {
        let value = follow(self.facts, &fact.slots);
        if self.explain
            && let Some(frame) = self.frames.last_mut()
        {
            frame.read(Read {
                path: Arc::clone(&fact.path),
                value: value.clone(),
                ty: node.ty.clone(),
            });
        }
        value
    }

    fn definition_value(&mut self, id: crate::check::DefId, span: Span) -> Result<Value> {
        let done = self
            .results
            .get(id.0 as usize)
            .and_then(Option::as_ref)
            .ok_or_else(|| internal(span, "rule used before it was evaluated"))?;
        if let (Some(trace), Some(frame)) = (&done.trace, self.frames.last_mut()) {
            frame.child(trace);
        }
        Ok(done.value.clone())
    }

    /// Records `param.field` as a read of the fact the argument is, when it
    /// is one: `license.held` in `drivers_license(staff.license)` is shown as
    /// `staff.license.held`.
    fn read_param_field(
        &mut self,
        index: u32,
        record: &crate::check::Type,
        slot: u32,
        value: &Value,
        ty: &crate::check::Type,
    ) {
        let crate::check::Type::Record(id) = record else {
            return;
        };
        let Some(Some(path)) = self.param_paths.get(self.bases.0 + index as usize) else {
            return;
        };
        let Some(field) = self.checked.schema().field(*id, slot as usize) else {
            return;
        };
        let path: Arc<str> = Arc::from(format!("{path}.{}", field.name));
        if let Some(frame) = self.frames.last_mut() {
            frame.read(Read {
                path,
                value: value.clone(),
                ty: ty.clone(),
            });
        }
    }

    /// A rule with parameters applied to `args`: its result for these
    /// arguments, evaluated the first time they are seen.
    fn apply(
        &mut self,
        id: crate::check::DefId,
        args: &[Node],
        written: &Arc<str>,
    ) -> Result<Value> {
        let start = self.params.len();
        for arg in args {
            match self.eval(arg) {
                Ok(value) => self.params.push(value),
                Err(e) => {
                    self.params.truncate(start);
                    self.param_paths.truncate(start);
                    return Err(e);
                }
            }
            if self.explain {
                let path = match &arg.kind {
                    NodeKind::Fact(fact) => Some(Arc::clone(&fact.path)),
                    _ => None,
                };
                self.param_paths.push(path);
            }
        }
        let given = self.params.get(start..).unwrap_or_default();
        let seen = self.calls.done.iter().find(|(def, range, _)| {
            *def == id && self.calls.args.get(range.clone()) == Some(given)
        });
        if let Some((_, _, done)) = seen {
            let done = done.clone();
            self.params.truncate(start);
            self.param_paths.truncate(start);
            if let (Some(trace), Some(frame)) = (&done.trace, self.frames.last_mut()) {
                frame.child(trace);
            }
            return Ok(done.value);
        }
        let def = self
            .checked
            .definition(id)
            .ok_or_else(|| internal(Span::default(), "a call of an unknown rule"))?;
        let saved = self.bases;
        self.bases = (start, self.elements.len());
        if self.explain {
            self.frames.push(Frame::default());
        }
        let value = self.eval(&def.body);
        let frame = if self.explain {
            self.frames.pop()
        } else {
            None
        };
        self.bases = saved;
        self.param_paths.truncate(start);
        let value = match value {
            Ok(value) => value,
            Err(e) => {
                self.params.truncate(start);
                return Err(e);
            }
        };
        let trace = frame.map(|frame| {
            let mut trace = super::definition_trace(def, &value, frame);
            trace.kind = TraceKind::Rule(written.to_string());
            Arc::new(trace)
        });
        let from = self.calls.args.len();
        self.calls.args.extend(self.params.drain(start..));
        let done = super::Evaluated { value, trace };
        if let (Some(trace), Some(frame)) = (&done.trace, self.frames.last_mut()) {
            frame.child(trace);
        }
        let value = done.value.clone();
        self.calls
            .done
            .push((id, from..self.calls.args.len(), done));
        Ok(value)
    }

    fn eval_member(
        &mut self,
        subject: &Node,
        negated: bool,
        set: &[Node],
        span: Span,
    ) -> Result<Value> {
        let subject = self.eval(subject)?;
        let mut tally = Tally::default();
        for item in set {
            let item = self.eval(item)?;
            tally.add(ops::compare(
                crate::check::Compare::Eq,
                &subject,
                &item,
                span,
            )?);
        }
        let found = tally.any();
        Ok(if negated { !found } else { found }.into_value())
    }

    fn eval_criteria(&mut self, quantifier: Quantifier, items: &[CriterionNode]) -> Result<Value> {
        // Every item is evaluated, even once the outcome is settled, so the
        // explanation, and whether an evaluation error counts, do not depend
        // on item order.
        let mut settled = Settle::default();
        for item in items {
            settled.add(self.eval_criterion(item));
        }
        Ok(settled.finish(quantifier)?.into_value())
    }

    fn eval_criterion(&mut self, item: &CriterionNode) -> Result<Truth> {
        if !self.explain {
            let test = self.truth(&item.node);
            let truth = match &item.exception {
                None => test?,
                // The criterion holds when its test holds or its exception
                // applies: `or`, errors settled as there.
                Some(exception) => {
                    settle([test, self.condition(&exception.node)], Quantifier::Any)?
                }
            };
            return Ok(self.flipped(item, truth));
        }
        self.frames.push(Frame::default());
        let test = self.eval(&item.node).map(|v| Truth::of(&v));
        let combined = match &item.exception {
            None => test,
            Some(exception) => {
                let applies = self.eval_exception(exception);
                settle([test, applies], Quantifier::Any)
            }
        };
        let (value, error) = match combined {
            Ok(truth) => (self.flipped(item, truth).into_value(), None),
            // Shown in the explanation in case the other criteria decide
            // without it; otherwise the error stops the evaluation.
            Err(e) => (open_value(), Some(e)),
        };
        let frame = self.frames.pop().unwrap_or_default();
        let trace = Trace {
            kind: TraceKind::Criterion,
            label: Arc::clone(&item.shown.0),
            citation: item.shown.1.clone(),
            value: value.clone(),
            ty: item.node.ty.clone(),
            reads: frame.reads,
            children: frame.children,
            span: Some(item.span),
            error: error.as_ref().map(|e| Arc::from(e.to_string())),
        };
        if let Some(parent) = self.frames.last_mut() {
            parent.children.push(Arc::new(trace));
        }
        match error {
            Some(e) => Err(e),
            None => Ok(Truth::of(&value)),
        }
    }

    /// Whether an exception applies, traced as the last child of its
    /// criterion.
    fn eval_exception(&mut self, exception: &crate::check::ExceptionNode) -> Result<Truth> {
        self.frames.push(Frame::default());
        let applies = self.condition(&exception.node);
        let frame = self.frames.pop().unwrap_or_default();
        let trace = Trace {
            kind: TraceKind::Exception,
            label: Arc::clone(&exception.shown.0),
            citation: exception.shown.1.clone(),
            value: match &applies {
                Ok(truth) => truth.clone().into_value(),
                Err(_) => open_value(),
            },
            ty: exception.node.ty.clone(),
            reads: frame.reads,
            children: frame.children,
            span: Some(exception.span),
            error: applies.as_ref().err().map(|e| Arc::from(e.to_string())),
        };
        if let Some(parent) = self.frames.last_mut() {
            parent.children.push(Arc::new(trace));
        }
        applies
    }

    /// The criterion's truth, negated if it is the one being flipped (to
    /// measure whether it decides the outcome).
    fn flipped(&self, item: &CriterionNode, truth: Truth) -> Truth {
        if self.flip == Some(item.span) {
            !truth
        } else {
            truth
        }
    }

    fn eval_if(&mut self, branches: &[(Node, Node)], otherwise: &Node) -> Result<Value> {
        for (condition, value) in branches {
            match self.condition(condition)? {
                Truth::True => return self.eval(value),
                Truth::False => {}
                Truth::Unknown(missing) => return Ok(Value::Unknown(missing)),
            }
        }
        self.eval(otherwise)
    }

    fn eval_aggregate(
        &mut self,
        kind: AggregateKind,
        list: &Node,
        projection: Option<&Node>,
        filter: Option<&Node>,
        span: Span,
    ) -> Result<Value> {
        let list_value = self.eval(list)?;
        let elements = match &list_value {
            Value::List(elements) => Arc::clone(elements),
            other if !other.is_known() => return Ok(other.clone()),
            _ => return Err(internal(span, "aggregate over a value that is not a list")),
        };
        // Each element's verdict (does the filter keep it, and its
        // projection) goes straight into the aggregate: no list is built.
        let mut total = Accumulator::new(kind);
        for (index, element) in elements.iter().enumerate() {
            self.elements.push(element.clone());
            if self.explain {
                self.frames.push(Frame::default());
            }
            let result = self.element_result(projection, filter);
            self.elements.pop();
            let (keep, value) = result?;
            if self.explain {
                self.element_trace(list, index, &keep);
            }
            total.add(keep, value, span)?;
        }
        total.finish(list, span)
    }

    /// Groups the criteria evaluated for one element under a node naming the
    /// element, so an explanation says which list entry each result is for.
    fn element_trace(&mut self, list: &Node, index: usize, kept: &Truth) {
        let frame = self.frames.pop().unwrap_or_default();
        if frame.children.is_empty() {
            // Nothing to group: keep any facts read for the enclosing node.
            if let Some(parent) = self.frames.last_mut() {
                frame.reads.into_iter().for_each(|r| parent.read(r));
            }
            return;
        }
        let label = match &list.kind {
            NodeKind::Fact(fact) => format!("{}[{index}]", fact.path),
            _ => format!("entry {index}"),
        };
        let trace = Trace {
            kind: TraceKind::Criterion,
            label: Arc::from(label),
            citation: None,
            value: kept.clone().into_value(),
            ty: crate::check::Type::Bool,
            reads: frame.reads,
            children: frame.children,
            span: None,
            error: None,
        };
        if let Some(parent) = self.frames.last_mut() {
            parent.children.push(Arc::new(trace));
        }
    }

    fn element_result(
        &mut self,
        projection: Option<&Node>,
        filter: Option<&Node>,
    ) -> Result<(Truth, Option<Value>)> {
        let keep = match filter {
            Some(f) => self.truth(f)?,
            None => Truth::True,
        };
        let value = match (projection, &keep) {
            (Some(p), Truth::True | Truth::Unknown(_)) => Some(self.eval(p)?),
            _ => None,
        };
        Ok((keep, value))
    }
}

/// An aggregate's running total, fed one element at a time.
enum Accumulator {
    /// How many elements pass: exact, or a range when some filters are
    /// unknown.
    Count {
        low: i64,
        open: i64,
        missing: Missing,
    },
    /// `exists` and `every`.
    Truths { every: bool, tally: Tally },
    /// The total of the projections of the kept elements; unknown if any
    /// kept element or its filter is unknown. Whole numbers are added in 128
    /// bits and checked once at the end, so a total that fits is never an
    /// overflow because of the order of its terms.
    Sum {
        whole: i128,
        decimal: Option<Decimal>,
        missing: Missing,
    },
    /// The least or greatest projection of the kept elements.
    Extreme {
        least: bool,
        best: Option<Value>,
        missing: Missing,
    },
}

impl Accumulator {
    fn new(kind: AggregateKind) -> Accumulator {
        match kind {
            AggregateKind::Count => Accumulator::Count {
                low: 0,
                open: 0,
                missing: Missing::none(),
            },
            AggregateKind::Exists | AggregateKind::Every => Accumulator::Truths {
                every: kind == AggregateKind::Every,
                tally: Tally::default(),
            },
            AggregateKind::Sum => Accumulator::Sum {
                whole: 0,
                decimal: None,
                missing: Missing::none(),
            },
            AggregateKind::Min | AggregateKind::Max => Accumulator::Extreme {
                least: kind == AggregateKind::Min,
                best: None,
                missing: Missing::none(),
            },
        }
    }

    /// One element: whether the filter keeps it, and its projection.
    fn add(&mut self, keep: Truth, value: Option<Value>, span: Span) -> Result<()> {
        match self {
            Accumulator::Count { low, open, missing } => match keep {
                Truth::True => *low += 1,
                Truth::False => {}
                Truth::Unknown(m) => {
                    *open += 1;
                    *missing = missing.union(&m);
                }
            },
            Accumulator::Truths { tally, .. } => tally.add(keep),
            Accumulator::Sum {
                whole,
                decimal,
                missing,
            } => {
                if let Truth::Unknown(m) = &keep {
                    *missing = missing.union(m);
                }
                let (Truth::True | Truth::Unknown(_), Some(value)) = (&keep, value) else {
                    return Ok(());
                };
                match value {
                    Value::Integer(i) => *whole += i128::from(i),
                    Value::Decimal(d) => {
                        let total = decimal.take().unwrap_or(Decimal::ZERO);
                        *decimal = Some(total.checked_add(&d).ok_or_else(|| sum_overflow(span))?);
                    }
                    other => *missing = missing.union(&other.deep_missing()),
                }
            }
            Accumulator::Extreme {
                least,
                best,
                missing,
            } => {
                if let Truth::Unknown(m) = &keep {
                    *missing = missing.union(m);
                }
                let Some(value) = value else { return Ok(()) };
                if !value.is_known() {
                    *missing = missing.union(&value.deep_missing());
                    return Ok(());
                }
                let wanted = if *least {
                    std::cmp::Ordering::Less
                } else {
                    std::cmp::Ordering::Greater
                };
                let better = match best {
                    None => true,
                    Some(current) => ops::order(&value, current) == Some(wanted),
                };
                if better && matches!(keep, Truth::True) {
                    *best = Some(value);
                }
            }
        }
        Ok(())
    }

    /// The aggregate's value over `list`.
    fn finish(self, list: &Node, span: Span) -> Result<Value> {
        Ok(match self {
            Accumulator::Count { low, open, missing } => {
                if open == 0 {
                    Value::Integer(low)
                } else {
                    Value::Range(Arc::new(crate::value::Range {
                        low,
                        high: low + open,
                        missing,
                    }))
                }
            }
            Accumulator::Truths { every: true, tally } => tally.all().into_value(),
            Accumulator::Truths {
                every: false,
                tally,
            } => tally.any().into_value(),
            Accumulator::Sum { missing, .. } if !missing.is_empty() => Value::Unknown(missing),
            Accumulator::Sum {
                whole,
                decimal: None,
                ..
            } => Value::Integer(i64::try_from(whole).map_err(|_| sum_overflow(span))?),
            Accumulator::Sum {
                whole,
                decimal: Some(total),
                ..
            } => Value::Decimal(
                Decimal::from_i128(whole)
                    .and_then(|w| total.checked_add(&w))
                    .ok_or_else(|| sum_overflow(span))?,
            ),
            Accumulator::Extreme { best, missing, .. } => match best {
                _ if !missing.is_empty() => Value::Unknown(missing),
                Some(value) => value,
                // No element to take the least or greatest of: unknown until
                // the list has one; name the list when it is a fact.
                None => match &list.kind {
                    NodeKind::Fact(fact) => Value::Unknown(Missing::one(Arc::clone(&fact.path))),
                    _ => open_value(),
                },
            },
        })
    }
}

fn sum_overflow(span: Span) -> EvalError {
    EvalError::Overflow {
        span,
        what: "the sum".to_owned(),
    }
}

/// Follows field slots from a record value; unknown stays unknown.
fn follow(base: &Value, slots: &[u32]) -> Value {
    let mut current = base;
    for slot in slots {
        match current {
            Value::Record(fields) => match fields.get(*slot as usize) {
                Some(field) => current = field,
                None => return open_value(),
            },
            other => return other.clone(),
        }
    }
    current.clone()
}

fn internal(span: Span, what: &str) -> EvalError {
    EvalError::Internal {
        span,
        what: what.to_owned(),
    }
}

/// Combines the operands of `and`, `or` and a criteria list. An operand's
/// evaluation error is discarded when the operands that were computed
/// already decide the result — a known false for `all of` / `and`, a known
/// true for `any of` / `or` and `none of`, enough known trues, or too many
/// known falses, for `at least N of` — so a guard (`n > 0 and x / n < 1`)
/// works whatever the order of its operands. Otherwise the first error, in
/// written order, stops the evaluation.
fn settle<const N: usize>(results: [Result<Truth>; N], quantifier: Quantifier) -> Result<Truth> {
    let mut settled = Settle::default();
    for result in results {
        settled.add(result);
    }
    settled.finish(quantifier)
}

/// The operands seen so far, without allocating: their tally, the first
/// error, and the counts that say whether the errors matter.
#[derive(Default)]
struct Settle {
    tally: Tally,
    first_error: Option<EvalError>,
    count: usize,
    trues: usize,
    falses: usize,
}

impl Settle {
    fn add(&mut self, result: Result<Truth>) {
        self.count += 1;
        match result {
            Ok(truth) => {
                self.trues += usize::from(truth == Truth::True);
                self.falses += usize::from(truth == Truth::False);
                self.tally.add(truth);
            }
            Err(e) => {
                self.first_error.get_or_insert(e);
            }
        }
    }

    fn finish(self, quantifier: Quantifier) -> Result<Truth> {
        if let Some(error) = self.first_error {
            let decided = match quantifier {
                Quantifier::All => self.falses > 0,
                Quantifier::Any | Quantifier::None => self.trues > 0,
                Quantifier::AtLeast(n) => {
                    self.trues >= n as usize || self.count - self.falses < n as usize
                }
            };
            if !decided {
                return Err(error);
            }
        }
        let tally = self.tally;
        Ok(match quantifier {
            Quantifier::All => tally.all(),
            Quantifier::Any => tally.any(),
            Quantifier::None => !tally.any(),
            Quantifier::AtLeast(n) => tally.at_least(n as usize),
        })
    }
}
