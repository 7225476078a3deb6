//! Decision tables: typing the columns, cells and results, then the static
//! checks: overlapping rows (hit policy `unique`), rows that can never be
//! chosen (`first`), and input combinations no row covers, over columns whose
//! values are finite (booleans and enumerations).

use super::error::CheckError;
use super::expr::{ExprChecker, node};
use super::ir::{Node, NodeKind, RowNode};
use super::types::{Schema, Type};
use crate::ast::{Cell, Expr, HitPolicy, TableRow};
use crate::source::Span;
use crate::value::Value;

/// The most input combinations enumerated when looking for gaps.
const MAX_COMBINATIONS: usize = 100_000;

/// What a cell can match, when it is known from the text alone.
#[derive(Debug, Clone, PartialEq)]
enum Match {
    /// `any`.
    All,
    /// These constant values.
    Values(Vec<Value>),
    /// Something computed from facts: not known before evaluation.
    Opaque,
}

impl ExprChecker<'_> {
    pub(super) fn check_table(
        &mut self,
        hit: HitPolicy,
        inputs: &[Expr],
        rows: &[TableRow],
        hint: Option<&Type>,
        span: Span,
    ) -> Option<Node> {
        let inputs: Vec<Node> = inputs
            .iter()
            .map(|i| self.check(i, None))
            .collect::<Option<_>>()?;
        let mut checked_rows = Vec::with_capacity(rows.len());
        let mut ty: Option<Type> = hint.cloned();
        for row in rows {
            let cells = self.check_cells(&inputs, row)?;
            let output = self.check(&row.output, ty.as_ref())?;
            ty = Some(self.unify(ty, &output)?);
            checked_rows.push(RowNode {
                cells,
                output,
                span: row.span,
            });
        }
        let matches: Vec<Vec<Match>> = checked_rows.iter().map(row_matches).collect();
        let columns: Vec<Option<Vec<Value>>> = inputs
            .iter()
            .map(|i| domain(&i.ty, &self.decl.schema))
            .collect();
        self.check_rows(hit, &checked_rows, &matches, &columns);
        self.check_gaps(span, &matches, &columns);
        let kind = NodeKind::Table {
            hit,
            inputs,
            rows: checked_rows,
        };
        Some(node(kind, ty?, span))
    }

    /// Types each cell against its column.
    fn check_cells(&mut self, inputs: &[Node], row: &TableRow) -> Option<Vec<Option<Vec<Node>>>> {
        let mut cells = Vec::with_capacity(inputs.len());
        for (input, cell) in inputs.iter().zip(&row.cells) {
            let values = match cell {
                Cell::Any(_) => None,
                Cell::Value(expr) => Some(vec![self.check_cell_value(expr, &input.ty)?]),
                Cell::List(items, _) => Some(
                    items
                        .iter()
                        .map(|item| self.check_cell_value(item, &input.ty))
                        .collect::<Option<Vec<_>>>()?,
                ),
            };
            cells.push(values);
        }
        Some(cells)
    }

    fn check_cell_value(&mut self, expr: &Expr, column: &Type) -> Option<Node> {
        let value = self.check(expr, Some(column))?;
        let comparable = self.decl.schema.same(&value.ty, column)
            || (value.ty.is_number() && column.is_number());
        if comparable {
            return Some(value);
        }
        let wanted = self.decl.schema.describe(column);
        self.mismatch(expr.span, "a cell of this column", &wanted, &value.ty)
    }

    /// Overlapping rows (unique) or rows earlier rows always hide (first).
    fn check_rows(
        &mut self,
        hit: HitPolicy,
        rows: &[RowNode],
        matches: &[Vec<Match>],
        columns: &[Option<Vec<Value>>],
    ) {
        for (later, row) in rows.iter().enumerate() {
            let earlier = matches.get(..later).unwrap_or(&[]);
            let Some(this) = matches.get(later) else {
                continue;
            };
            match hit {
                HitPolicy::Unique => {
                    let clash = earlier.iter().position(|other| overlap(this, other));
                    if let Some(first) = clash.and_then(|i| rows.get(i)) {
                        self.errors.push(CheckError::Table {
                            span: row.span,
                            what: "overlaps the earlier row".to_owned(),
                            other: Some(first.span),
                            message: "two rows of a `unique` table match the same inputs".to_owned(),
                            help: "narrow one row's cells so they do not overlap, or make the table `first` so the earlier row wins".to_owned(),
                        });
                    }
                }
                HitPolicy::First => {
                    if hidden(this, earlier, columns) {
                        self.errors.push(CheckError::Table {
                            span: row.span,
                            what: "never chosen".to_owned(),
                            other: None,
                            message: "this row can never be chosen: earlier rows match every input it matches".to_owned(),
                            help: "remove the row, or move it above the rows that hide it".to_owned(),
                        });
                    }
                }
            }
        }
    }

    /// Input combinations that no row matches, over finite columns.
    fn check_gaps(&mut self, span: Span, matches: &[Vec<Match>], columns: &[Option<Vec<Value>>]) {
        let Some(domains) = columns.iter().cloned().collect::<Option<Vec<Vec<Value>>>>() else {
            return;
        };
        if matches.iter().flatten().any(|m| *m == Match::Opaque) {
            return;
        }
        let total = domains
            .iter()
            .try_fold(1usize, |acc, d| acc.checked_mul(d.len()));
        if total.is_none_or(|t| t > MAX_COMBINATIONS) {
            return;
        }
        if let Some(gap) = first_gap(&domains, matches) {
            let shown: Vec<String> = gap
                .iter()
                .map(|v| value_word(v, &self.decl.schema, &domains))
                .collect();
            self.errors.push(CheckError::Table {
                span,
                what: "this table".to_owned(),
                other: None,
                message: format!(
                    "no row of this table covers the inputs ({})",
                    shown.join(", ")
                ),
                help: "add a row for them, or end the table with a row of `any` cells".to_owned(),
            });
        }
    }
}

fn row_matches(row: &RowNode) -> Vec<Match> {
    row.cells
        .iter()
        .map(|cell| match cell {
            None => Match::All,
            Some(values) => {
                let constants: Option<Vec<Value>> = values
                    .iter()
                    .map(|v| match &v.kind {
                        NodeKind::Literal(value) => Some(value.clone()),
                        _ => None,
                    })
                    .collect();
                constants.map_or(Match::Opaque, Match::Values)
            }
        })
        .collect()
}

/// The values a column can take, when finite.
fn domain(ty: &Type, schema: &Schema) -> Option<Vec<Value>> {
    match ty {
        Type::Bool => Some(vec![Value::Bool(false), Value::Bool(true)]),
        Type::Enum(id) => schema
            .enumeration(*id)
            .map(|e| (0..e.variants.len() as u32).map(Value::Enum).collect()),
        _ => None,
    }
}

/// Whether two rows can match the same inputs (opaque cells are assumed not to).
fn overlap(a: &[Match], b: &[Match]) -> bool {
    a.iter().zip(b).all(|pair| match pair {
        (Match::Opaque, _) | (_, Match::Opaque) => false,
        (Match::All, _) | (_, Match::All) => true,
        (Match::Values(x), Match::Values(y)) => x.iter().any(|v| y.contains(v)),
    })
}

/// Whether every input a row matches is matched by some earlier row.
fn hidden(row: &[Match], earlier: &[Vec<Match>], columns: &[Option<Vec<Value>>]) -> bool {
    // Replace `any` by the column's values where finite; otherwise only an
    // earlier all-`any` column can hide it.
    let mut cells: Vec<Vec<Option<Value>>> = Vec::with_capacity(row.len());
    for (cell, column) in row.iter().zip(columns) {
        cells.push(match (cell, column) {
            (Match::Values(values), _) => values.iter().cloned().map(Some).collect(),
            (Match::All, Some(values)) => values.iter().cloned().map(Some).collect(),
            (Match::All, None) => vec![None],
            (Match::Opaque, _) => return false,
        });
    }
    let total = cells
        .iter()
        .try_fold(1usize, |acc, c| acc.checked_mul(c.len()));
    if total.is_none_or(|t| t > MAX_COMBINATIONS) {
        return false;
    }
    combinations(&cells).iter().all(|combo| {
        earlier.iter().any(|other| {
            other.iter().zip(combo).all(|(m, v)| match (m, v) {
                (Match::All, _) => true,
                (Match::Values(values), Some(v)) => values.contains(v),
                _ => false,
            })
        })
    })
}

/// The first combination of finite column values no row matches.
fn first_gap(domains: &[Vec<Value>], matches: &[Vec<Match>]) -> Option<Vec<Value>> {
    let cells: Vec<Vec<Option<Value>>> = domains
        .iter()
        .map(|d| d.iter().cloned().map(Some).collect())
        .collect();
    combinations(&cells)
        .into_iter()
        .find(|combo| {
            !matches.iter().any(|row| {
                row.iter().zip(combo).all(|(m, v)| match (m, v) {
                    (Match::All, _) => true,
                    (Match::Values(values), Some(v)) => values.contains(v),
                    _ => false,
                })
            })
        })
        .map(|combo| combo.into_iter().flatten().collect())
}

/// Every choice of one value per column.
fn combinations(cells: &[Vec<Option<Value>>]) -> Vec<Vec<Option<Value>>> {
    let mut out: Vec<Vec<Option<Value>>> = vec![Vec::new()];
    for column in cells {
        out = out
            .iter()
            .flat_map(|prefix| {
                column.iter().map(move |v| {
                    let mut next = prefix.clone();
                    next.push(v.clone());
                    next
                })
            })
            .collect();
    }
    out
}

/// A value as written in a policy, for messages.
fn value_word(value: &Value, schema: &Schema, _domains: &[Vec<Value>]) -> String {
    match value {
        Value::Bool(b) => b.to_string(),
        Value::Enum(i) => schema
            .enums
            .iter()
            .find_map(|e| e.variants.get(*i as usize).cloned())
            .unwrap_or_else(|| i.to_string()),
        _ => "?".to_owned(),
    }
}
