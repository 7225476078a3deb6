//! Decision tables: the first row whose every cell matches its input gives
//! the value; a row that might match (an input is unknown) leaves the result
//! unknown, naming the missing inputs.

use super::Evaluator;
use super::error::EvalError;
use super::ops;
use super::trace::{Trace, TraceKind};
use crate::check::{Compare, Node, RowNode, Type};
use crate::source::Span;
use crate::truth::{self, Truth};
use crate::value::Value;
use std::sync::Arc;

impl Evaluator<'_> {
    /// Evaluates a table node.
    pub(super) fn eval_table(
        &mut self,
        inputs: &[Node],
        rows: &[RowNode],
        span: Span,
    ) -> Result<Value, EvalError> {
        let values = inputs
            .iter()
            .map(|i| self.eval(i))
            .collect::<Result<Vec<_>, _>>()?;
        for (index, row) in rows.iter().enumerate() {
            match self.row_matches(&values, row, span)? {
                Truth::True => {
                    let value = self.eval(&row.output)?;
                    self.trace_row(index, row, &value);
                    return Ok(value);
                }
                Truth::False => {}
                Truth::Unknown(missing) => return Ok(Value::Unknown(missing)),
            }
        }
        Err(EvalError::NoRow { span })
    }

    /// Whether every cell of a row matches its input.
    fn row_matches(
        &mut self,
        values: &[Value],
        row: &RowNode,
        span: Span,
    ) -> Result<Truth, EvalError> {
        let mut cells = Vec::with_capacity(row.cells.len());
        for (input, cell) in values.iter().zip(&row.cells) {
            let Some(options) = cell else {
                cells.push(Truth::True);
                continue;
            };
            let mut equal = Vec::with_capacity(options.len());
            for option in options {
                let option = self.eval(option)?;
                equal.push(ops::compare(Compare::Eq, input, &option, span)?);
            }
            cells.push(truth::any_of(equal));
        }
        Ok(truth::all_of(cells))
    }

    /// Records which row gave the value, when explaining.
    fn trace_row(&mut self, index: usize, row: &RowNode, value: &Value) {
        if !self.explain {
            return;
        }
        let trace = Trace {
            kind: TraceKind::Criterion,
            label: format!("table row {}", index + 1),
            citation: None,
            value: value.clone(),
            ty: row_type(row),
            reads: Vec::new(),
            children: Vec::new(),
            span: None,
        };
        if let Some(frame) = self.frames.last_mut() {
            frame.children.push(Arc::new(trace));
        }
    }
}

fn row_type(row: &RowNode) -> Type {
    row.output.ty.clone()
}
