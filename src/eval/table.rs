//! Decision tables: the first row whose every cell matches its input gives
//! the value; a row that might match (an input is unknown) leaves the result
//! unknown, naming the missing inputs.

use super::Evaluator;
use super::error::EvalError;
use super::ops;
use super::trace::{Trace, TraceKind};
use crate::check::{Compare, Node, RowNode, Type};
use crate::source::Span;
use crate::truth::{Tally, Truth};
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
        // The inputs wait on the shared stack, above whatever an enclosing
        // table left there; they are taken off however the table ends.
        let base = self.stack.len();
        let result = self.table_rows(base, inputs, rows, span);
        self.stack.truncate(base);
        result
    }

    fn table_rows(
        &mut self,
        base: usize,
        inputs: &[Node],
        rows: &[RowNode],
        span: Span,
    ) -> Result<Value, EvalError> {
        for input in inputs {
            let value = self.eval(input)?;
            self.stack.push(value);
        }
        for (index, row) in rows.iter().enumerate() {
            match self.row_matches(base, row, span)? {
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

    /// Whether every cell of a row matches its input (the inputs are on
    /// the stack from `base`).
    fn row_matches(&mut self, base: usize, row: &RowNode, span: Span) -> Result<Truth, EvalError> {
        let mut cells = Tally::default();
        for (column, cell) in row.cells.iter().enumerate() {
            let Some(options) = cell else {
                cells.add(Truth::True);
                continue;
            };
            let mut equal = Tally::default();
            for option in options {
                let option = self.eval(option)?;
                let input = self
                    .stack
                    .get(base + column)
                    .ok_or_else(|| EvalError::Internal {
                        span,
                        what: "a table cell without its input".to_owned(),
                    })?;
                equal.add(ops::compare(Compare::Eq, input, &option, span)?);
            }
            cells.add(equal.any());
        }
        Ok(cells.all())
    }

    /// Records which row gave the value, when explaining.
    fn trace_row(&mut self, index: usize, row: &RowNode, value: &Value) {
        if !self.explain {
            return;
        }
        let trace = Trace {
            kind: TraceKind::Criterion,
            label: Arc::from(format!("table row {}", index + 1)),
            citation: None,
            value: value.clone(),
            ty: row_type(row),
            reads: Vec::new(),
            children: Vec::new(),
            span: None,
            error: None,
        };
        if let Some(frame) = self.frames.last_mut() {
            frame.children.push(Arc::new(trace));
        }
    }
}

fn row_type(row: &RowNode) -> Type {
    row.output.ty.clone()
}
