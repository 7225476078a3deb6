//! Lowers expression pairs: operator layers, criteria lists, aggregates,
//! calls and literals.

use super::error::SyntaxError;
use super::grammar::Rule as G;
use super::literal;
use super::lower::MAX_EXPRESSION_DEPTH;
use super::lower::{Children, inner, internal, lower_name, lower_text, span_of};
use crate::ast::*;
use pest::iterators::Pair;

type Result<T> = std::result::Result<T, SyntaxError>;

/// Lowers an `expr` (or any layer below it).
pub(crate) fn lower_expr(pair: Pair<'_, G>) -> Result<Expr> {
    match pair.as_rule() {
        G::expr | G::aggregate_list | G::filter | G::episode_start | G::episode_end => {
            lower_expr(Children::of(pair).any()?)
        }
        G::or_expr | G::and_expr | G::sum_expr | G::product_expr => lower_chain(pair),
        G::not_expr => lower_prefixed(pair, G::op_not, UnaryOp::Not),
        G::unary_expr => lower_prefixed(pair, G::op_neg, UnaryOp::Negate),
        G::cmp_expr => lower_comparison(pair),
        G::postfix_expr => lower_postfix(pair),
        _ => lower_primary(pair),
    }
}

/// `a op b op c`, folded to the left.
fn lower_chain(pair: Pair<'_, G>) -> Result<Expr> {
    too_long(&pair)?;
    let mut children = Children::of(pair).rest();
    let first = children
        .next()
        .ok_or_else(|| internal(crate::source::Span::default(), "empty chain".to_owned()))?;
    let mut left = lower_expr(first)?;
    while let Some(op) = children.next() {
        let op_span = span_of(&op);
        let op = binary_op(op.as_str())
            .ok_or_else(|| internal(op_span, format!("unknown operator {}", op.as_str())))?;
        let right_pair = children
            .next()
            .ok_or_else(|| internal(op_span, "operator without right side".to_owned()))?;
        let right = lower_expr(right_pair)?;
        let span = left.span.to(right.span);
        left = Expr {
            kind: ExprKind::Binary(op, Box::new(left), Box::new(right)),
            span,
        };
    }
    Ok(left)
}

fn binary_op(symbol: &str) -> Option<BinaryOp> {
    Some(match symbol {
        "or" => BinaryOp::Or,
        "and" => BinaryOp::And,
        "=" => BinaryOp::Eq,
        "!=" => BinaryOp::Ne,
        "<" => BinaryOp::Lt,
        "<=" => BinaryOp::Le,
        ">" => BinaryOp::Gt,
        ">=" => BinaryOp::Ge,
        "+" => BinaryOp::Add,
        "-" => BinaryOp::Sub,
        "*" => BinaryOp::Mul,
        "/" => BinaryOp::Div,
        _ => return None,
    })
}

/// Rejects a chain of operators longer than the depth limit before building
/// it, so that no tree is ever deeper than the limit (not even while dropped).
fn too_long(pair: &Pair<'_, G>) -> Result<()> {
    if pair.clone().into_inner().count() > 2 * MAX_EXPRESSION_DEPTH {
        return Err(SyntaxError::ExpressionTooDeep {
            span: span_of(pair),
            limit: MAX_EXPRESSION_DEPTH,
        });
    }
    Ok(())
}

/// `not not x`, `- x`: prefix operators applied right to left.
fn lower_prefixed(pair: Pair<'_, G>, prefix: G, op: UnaryOp) -> Result<Expr> {
    too_long(&pair)?;
    let mut prefixes = Vec::new();
    let mut operand = None;
    for child in inner(pair) {
        if child.as_rule() == prefix {
            prefixes.push(span_of(&child));
        } else {
            operand = Some(lower_expr(child)?);
        }
    }
    let mut expr =
        operand.ok_or_else(|| internal(crate::source::Span::default(), "no operand".to_owned()))?;
    for start in prefixes.into_iter().rev() {
        let span = start.to(expr.span);
        expr = Expr {
            kind: ExprKind::Unary(op, Box::new(expr)),
            span,
        };
    }
    Ok(expr)
}

/// `a <= b`, `a within 15 days after b`, `a in the past year`, `a in [x, y]`.
fn lower_comparison(pair: Pair<'_, G>) -> Result<Expr> {
    let span = span_of(&pair);
    let mut children = Children::of(pair);
    let left = lower_expr(children.expect(G::sum_expr)?)?;
    let Some(tail) = children.rest().next() else {
        return Ok(left);
    };
    let kind = match tail.as_rule() {
        G::compare_tail => {
            let mut parts = Children::of(tail);
            let op_pair = parts.expect(G::compare_op)?;
            let op = binary_op(op_pair.as_str())
                .ok_or_else(|| internal(span_of(&op_pair), "unknown comparison".to_owned()))?;
            let right = lower_expr(parts.expect(G::sum_expr)?)?;
            ExprKind::Binary(op, Box::new(left), Box::new(right))
        }
        G::within_tail => lower_within(left, tail)?,
        G::past_tail => lower_past(left, tail)?,
        G::member_tail => {
            let mut parts = Children::of(tail);
            let negated = parts.optional(G::op_not).is_some();
            let set = parts.rest().map(lower_expr).collect::<Result<Vec<_>>>()?;
            ExprKind::Member {
                subject: Box::new(left),
                negated,
                set,
            }
        }
        other => return Err(internal(span, format!("unexpected comparison {other:?}"))),
    };
    Ok(Expr { kind, span })
}

fn lower_within(subject: Expr, tail: Pair<'_, G>) -> Result<ExprKind> {
    let mut parts = Children::of(tail);
    let window = literal::duration(parts.expect(G::duration)?)?;
    let direction = match parts.expect(G::direction)?.as_str() {
        "before" => Direction::Before,
        "after" => Direction::After,
        _ => Direction::Around,
    };
    let anchor = lower_expr(parts.expect(G::sum_expr)?)?;
    Ok(ExprKind::Within {
        subject: Box::new(subject),
        window,
        direction,
        anchor: Box::new(anchor),
    })
}

/// `x in the past year` is `x within 1 year before as_of`.
fn lower_past(subject: Expr, tail: Pair<'_, G>) -> Result<ExprKind> {
    let span = span_of(&tail);
    let part = Children::of(tail).any()?;
    let window = match part.as_rule() {
        G::duration => literal::duration(part)?,
        _ => Duration {
            amount: 1,
            unit: literal::unit(&part)?,
        },
    };
    Ok(ExprKind::Within {
        subject: Box::new(subject),
        window,
        direction: Direction::Before,
        anchor: Box::new(Expr {
            kind: ExprKind::AsOf,
            span,
        }),
    })
}

/// `primary.field.field`.
fn lower_postfix(pair: Pair<'_, G>) -> Result<Expr> {
    let mut children = Children::of(pair).rest();
    let first = children
        .next()
        .ok_or_else(|| internal(crate::source::Span::default(), "empty postfix".to_owned()))?;
    let mut expr = lower_expr(first)?;
    for field in children {
        let name = lower_name(field);
        let span = expr.span.to(name.span);
        expr = match expr.kind {
            // A dotted name stays one path, resolved by the checker.
            ExprKind::Path(mut names) => {
                names.push(name);
                Expr {
                    kind: ExprKind::Path(names),
                    span,
                }
            }
            kind => Expr {
                kind: ExprKind::Field(
                    Box::new(Expr {
                        kind,
                        span: expr.span,
                    }),
                    name,
                ),
                span,
            },
        };
    }
    Ok(expr)
}

fn lower_primary(pair: Pair<'_, G>) -> Result<Expr> {
    let span = span_of(&pair);
    let kind = match pair.as_rule() {
        G::boolean => ExprKind::Bool(pair.as_str() == "true"),
        G::integer => ExprKind::Integer(literal::integer(&pair)?),
        G::decimal => ExprKind::Decimal(literal::decimal(&pair)?),
        G::date => ExprKind::Date(literal::date(&pair)?),
        G::duration => ExprKind::Duration(literal::duration(pair)?),
        G::text => ExprKind::Text(lower_text(pair)?),
        G::as_of => ExprKind::AsOf,
        G::name => ExprKind::Path(vec![lower_name(pair)]),
        G::criteria => lower_criteria(pair)?,
        G::aggregate => lower_aggregate(pair)?,
        G::call => lower_call(pair)?,
        G::episode => lower_episode(pair)?,
        G::table => lower_table(pair)?,
        G::conditional => lower_conditional(pair)?,
        G::record_literal => lower_record_literal(pair)?,
        G::list_literal => ExprKind::List(inner(pair).map(lower_expr).collect::<Result<Vec<_>>>()?),
        G::expr => return lower_expr(pair),
        other => return Err(internal(span, format!("unexpected expression {other:?}"))),
    };
    Ok(Expr { kind, span })
}

// ------------------------------------------------------------------ criteria lists

fn lower_criteria(pair: Pair<'_, G>) -> Result<ExprKind> {
    let span = span_of(&pair);
    let mut children = Children::of(pair);
    let quantifier_pair = children.expect(G::quantifier)?;
    let written = quantifier_pair
        .as_str()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let quantifier = lower_quantifier(quantifier_pair)?;
    let items = children
        .rest()
        .map(lower_criterion)
        .collect::<Result<Vec<_>>>()?;
    if items.is_empty() {
        return Err(SyntaxError::EmptyCriteria {
            span,
            quantifier: written,
        });
    }
    if let Quantifier::AtLeast(needed) = quantifier {
        check_at_least(span, u64::from(needed), items.len())?;
    }
    Ok(ExprKind::Criteria { quantifier, items })
}

fn check_at_least(span: crate::source::Span, needed: u64, available: usize) -> Result<()> {
    let help = if needed == 0 {
        "`at least 0 of` always holds; remove it or give a positive number".to_owned()
    } else if needed > available as u64 {
        format!("list at least {needed} criteria, or lower the number to at most {available}")
    } else {
        return Ok(());
    };
    Err(SyntaxError::AtLeastCount {
        span,
        needed,
        available,
        help,
    })
}

fn lower_quantifier(pair: Pair<'_, G>) -> Result<Quantifier> {
    let inner = Children::of(pair).any()?;
    Ok(match inner.as_rule() {
        G::all_of => Quantifier::All,
        G::any_of => Quantifier::Any,
        G::none_of => Quantifier::None,
        G::at_least_of => {
            let number = Children::of(inner).expect(G::integer)?;
            let value = literal::integer(&number)?;
            let needed = u32::try_from(value).map_err(|_| SyntaxError::NumberOutOfRange {
                span: span_of(&number),
                text: number.as_str().to_owned(),
            })?;
            Quantifier::AtLeast(needed)
        }
        other => return Err(internal(span_of(&inner), format!("quantifier {other:?}"))),
    })
}

fn lower_criterion(pair: Pair<'_, G>) -> Result<Criterion> {
    let span = span_of(&pair);
    let mut exception = None;
    let mut parts = Vec::new();
    for part in inner(pair) {
        if part.as_rule() == G::exception {
            exception = Some(Box::new(lower_exception(part)?));
        } else {
            parts.push(part);
        }
    }
    let (label, citation, expr, written) = lower_worded_test(parts, span)?;
    Ok(Criterion {
        label,
        citation,
        expr,
        written,
        exception,
        span,
    })
}

/// `unless "words" cite "…": test`.
fn lower_exception(pair: Pair<'_, G>) -> Result<Exception> {
    let span = span_of(&pair);
    let parts: Vec<Pair<'_, G>> = inner(pair)
        .filter(|p| p.as_rule() != G::kw_unless)
        .collect();
    let (label, citation, expr, written) = lower_worded_test(parts, span)?;
    Ok(Exception {
        label,
        citation,
        expr,
        written,
        span,
    })
}

/// The optional words and citation, and the test, of a criterion or an
/// exception; with the test as written, on one line.
fn lower_worded_test(
    parts: Vec<Pair<'_, G>>,
    span: crate::source::Span,
) -> Result<(Option<String>, Option<Citation>, Expr, String)> {
    let mut label = None;
    let mut citation = None;
    let mut expr = None;
    let mut written = String::new();
    for part in parts {
        match part.as_rule() {
            G::label => label = Some(lower_text(Children::of(part).expect(G::text)?)?),
            G::citation => {
                let text = Children::of(part).expect(G::text)?;
                let text_span = span_of(&text);
                citation = Some(Citation {
                    text: lower_text(text)?,
                    span: text_span,
                });
            }
            _ => {
                written = part
                    .as_str()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                expr = Some(lower_expr(part)?);
            }
        }
    }
    let expr = expr.ok_or_else(|| internal(span, "criterion without a test".to_owned()))?;
    Ok((label, citation, expr, written))
}

// ------------------------------------------------------------------ aggregates, calls

fn lower_aggregate(pair: Pair<'_, G>) -> Result<ExprKind> {
    let span = span_of(&pair);
    let mut children = Children::of(pair);
    let kind_pair = children.expect(G::aggregate_kind)?;
    let kind = match kind_pair.as_str() {
        "count" => AggregateKind::Count,
        "exists" => AggregateKind::Exists,
        "every" => AggregateKind::Every,
        "sum" => AggregateKind::Sum,
        "min" => AggregateKind::Min,
        _ => AggregateKind::Max,
    };
    let first = lower_expr(children.expect(G::expr)?)?;
    let (projection, list) = match children.optional(G::aggregate_list) {
        Some(list) => (Some(first), lower_expr(list)?),
        None => (None, first),
    };
    let filter = children.optional(G::filter).map(lower_expr).transpose()?;
    match (kind.takes_projection(), &projection) {
        (true, None) => {
            return Err(SyntaxError::AggregateShape {
                span,
                message: format!("`{}` needs the values to combine", kind.name()),
                help: format!(
                    "write `{}(VALUE of LIST)`, e.g. `{}(units of claims where paid)`",
                    kind.name(),
                    kind.name()
                ),
            });
        }
        (false, Some(_)) => {
            return Err(SyntaxError::AggregateShape {
                span,
                message: format!("`{}` takes a list, not `… of …`", kind.name()),
                help: format!(
                    "write `{}(LIST where CONDITION)`, e.g. `{}(stays where admitted in the past year)`",
                    kind.name(),
                    kind.name()
                ),
            });
        }
        _ => {}
    }
    Ok(ExprKind::Aggregate {
        kind,
        projection: projection.map(Box::new),
        list: Box::new(list),
        filter: filter.map(Box::new),
    })
}

fn lower_table(pair: Pair<'_, G>) -> Result<ExprKind> {
    let span = span_of(&pair);
    let mut children = Children::of(pair);
    let hit = match children.expect(G::hit_policy)?.as_str() {
        "unique" => HitPolicy::Unique,
        _ => HitPolicy::First,
    };
    let mut inputs = Vec::new();
    let mut rows = Vec::new();
    for part in children.rest() {
        match part.as_rule() {
            G::table_row => rows.push(lower_row(part)?),
            _ => inputs.push(lower_expr(part)?),
        }
    }
    if rows.is_empty() {
        return Err(SyntaxError::EmptyCriteria {
            span,
            quantifier: "table".to_owned(),
        });
    }
    for row in &rows {
        if row.cells.len() != inputs.len() {
            return Err(SyntaxError::AggregateShape {
                span: row.span,
                message: format!(
                    "this row has {} cells, but the table has {} inputs",
                    row.cells.len(),
                    inputs.len()
                ),
                help:
                    "give one cell per input, in the order of the inputs; `any` matches every value"
                        .to_owned(),
            });
        }
    }
    Ok(ExprKind::Table { hit, inputs, rows })
}

fn lower_row(pair: Pair<'_, G>) -> Result<TableRow> {
    let span = span_of(&pair);
    let mut parts: Vec<Pair<'_, G>> = inner(pair).collect();
    let output = parts
        .pop()
        .ok_or_else(|| internal(span, "row without a result".to_owned()))?;
    let cells = parts
        .into_iter()
        .map(lower_cell)
        .collect::<Result<Vec<_>>>()?;
    Ok(TableRow {
        cells,
        output: lower_expr(output)?,
        span,
    })
}

fn lower_cell(pair: Pair<'_, G>) -> Result<Cell> {
    let span = span_of(&pair);
    let inner_pair = Children::of(pair).any()?;
    Ok(match inner_pair.as_rule() {
        G::any_cell => Cell::Any(span),
        G::list_literal => Cell::List(
            inner(inner_pair)
                .map(lower_expr)
                .collect::<Result<Vec<_>>>()?,
            span,
        ),
        _ => Cell::Value(lower_expr(inner_pair)?),
    })
}

fn lower_episode(pair: Pair<'_, G>) -> Result<ExprKind> {
    let mut children = Children::of(pair);
    let list = lower_expr(children.expect(G::expr)?)?;
    let start = lower_expr(children.expect(G::episode_start)?)?;
    let end = lower_expr(children.expect(G::episode_end)?)?;
    let gap = literal::duration(children.expect(G::duration)?)?;
    Ok(ExprKind::Episode {
        list: Box::new(list),
        start: Box::new(start),
        end: Box::new(end),
        gap,
    })
}

fn lower_call(pair: Pair<'_, G>) -> Result<ExprKind> {
    let mut children = Children::of(pair);
    let name = lower_name(children.expect(G::name)?);
    let args = children
        .rest()
        .map(lower_expr)
        .collect::<Result<Vec<_>>>()?;
    Ok(ExprKind::Call(name, args))
}

fn lower_conditional(pair: Pair<'_, G>) -> Result<ExprKind> {
    let span = span_of(&pair);
    let parts = inner(pair).map(lower_expr).collect::<Result<Vec<_>>>()?;
    let mut parts = parts.into_iter();
    let mut branches = Vec::new();
    let mut otherwise = None;
    while let Some(first) = parts.next() {
        match parts.next() {
            Some(value) => branches.push((first, value)),
            None => otherwise = Some(first),
        }
    }
    let otherwise = otherwise.ok_or_else(|| internal(span, "if without else".to_owned()))?;
    Ok(ExprKind::If {
        branches,
        otherwise: Box::new(otherwise),
    })
}

fn lower_record_literal(pair: Pair<'_, G>) -> Result<ExprKind> {
    let mut fields: Vec<(Name, Expr)> = Vec::new();
    for field in inner(pair) {
        let mut parts = Children::of(field);
        let name = lower_name(parts.expect(G::name)?);
        let value = lower_expr(parts.expect(G::expr)?)?;
        if let Some((first, _)) = fields.iter().find(|(n, _)| n.text == name.text) {
            return Err(SyntaxError::DuplicateField {
                span: name.span,
                first: first.span,
                field: name.text,
            });
        }
        fields.push((name, value));
    }
    Ok(ExprKind::Record(fields))
}
