//! The layout of expressions, with the fewest parentheses that keep the tree
//! (plus, for readability, parentheses around an `and` inside an `or`).

use super::Printer;
use super::doc::{Doc, align, concat, group, nest, text};
use super::layout::Block;
use crate::ast::*;

/// Binding levels, loosest first: an operand needs parentheses when its
/// level is below the least its position accepts.
const IF: u8 = 0;
const OR: u8 = 1;
const AND: u8 = 2;
const NOT: u8 = 3;
const COMPARE: u8 = 4;
const SUM: u8 = 5;
const PRODUCT: u8 = 6;
const NEGATE: u8 = 7;
const POSTFIX: u8 = 8;
const ATOM: u8 = 9;

/// Text in double quotes, with `"`, `\`, new lines and tabs escaped.
pub(super) fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `15 days`, `1 year`.
fn duration(d: &Duration) -> String {
    format!("{} {}", d.amount, unit(d.unit, d.amount != 1))
}

fn unit(unit: TimeUnit, plural: bool) -> &'static str {
    match (unit, plural) {
        (TimeUnit::Day, false) => "day",
        (TimeUnit::Day, true) => "days",
        (TimeUnit::Week, false) => "week",
        (TimeUnit::Week, true) => "weeks",
        (TimeUnit::Month, false) => "month",
        (TimeUnit::Month, true) => "months",
        (TimeUnit::Year, false) => "year",
        (TimeUnit::Year, true) => "years",
    }
}

fn binary_level(op: BinaryOp) -> u8 {
    match op {
        BinaryOp::Or => OR,
        BinaryOp::And => AND,
        BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
            COMPARE
        }
        BinaryOp::Add | BinaryOp::Sub => SUM,
        BinaryOp::Mul | BinaryOp::Div => PRODUCT,
    }
}

/// How tightly an expression binds.
fn level(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Binary(op, _, _) => binary_level(*op),
        ExprKind::Unary(UnaryOp::Not, _) => NOT,
        ExprKind::Unary(UnaryOp::Negate, _) => NEGATE,
        ExprKind::Within { .. } | ExprKind::Member { .. } => COMPARE,
        ExprKind::Field(..) => POSTFIX,
        // Its last `else` takes everything after it.
        ExprKind::If { .. } => IF,
        _ => ATOM,
    }
}

/// A literal or path as written; empty for any other expression.
fn literal(kind: &ExprKind) -> String {
    match kind {
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Integer(i) => i.to_string(),
        ExprKind::Decimal(d) => {
            let mut written = d.positional();
            if !written.contains('.') {
                written.push_str(".0");
            }
            written
        }
        ExprKind::Text(s) => quoted(s),
        ExprKind::Date(d) => d.to_string(),
        ExprKind::Duration(d) => duration(d),
        ExprKind::AsOf => "as_of".to_owned(),
        ExprKind::Path(names) => names
            .iter()
            .map(|n| n.text.as_str())
            .collect::<Vec<_>>()
            .join("."),
        _ => String::new(),
    }
}

impl Printer<'_> {
    /// `e`, in parentheses if it binds more loosely than `min`.
    pub(super) fn expr(&mut self, e: &Expr, min: u8) -> Doc {
        let doc = self.bare(e);
        if level(e) < min {
            concat(vec![text("("), doc, text(")")])
        } else {
            doc
        }
    }

    fn bare(&mut self, e: &Expr) -> Doc {
        match &e.kind {
            ExprKind::Bool(_)
            | ExprKind::Integer(_)
            | ExprKind::Decimal(_)
            | ExprKind::Text(_)
            | ExprKind::Date(_)
            | ExprKind::Duration(_)
            | ExprKind::AsOf
            | ExprKind::Path(_) => text(literal(&e.kind)),
            ExprKind::Field(inner, name) => concat(vec![
                self.expr(inner, POSTFIX),
                text(format!(".{}", name.text)),
            ]),
            ExprKind::Unary(UnaryOp::Not, inner) => {
                concat(vec![text("not "), self.expr(inner, NOT)])
            }
            ExprKind::Unary(UnaryOp::Negate, inner) => {
                let sign = match inner.kind {
                    ExprKind::Unary(UnaryOp::Negate, _) => "- ",
                    _ => "-",
                };
                concat(vec![text(sign), self.expr(inner, NEGATE)])
            }
            ExprKind::Binary(op, left, right) => self.binary(e, *op, left, right),
            ExprKind::Within {
                subject,
                window,
                direction,
                anchor,
            } => self.within(subject, window, *direction, anchor),
            ExprKind::Member {
                subject,
                negated,
                set,
            } => {
                let subject = self.expr(subject, SUM);
                let keyword = if *negated { " not in [" } else { " in [" };
                concat(vec![subject, text(keyword), self.list(set), text("]")])
            }
            ExprKind::Criteria { quantifier, items } => {
                self.criteria(*quantifier, items, e.span.end)
            }
            ExprKind::Aggregate {
                kind,
                projection,
                list,
                filter,
            } => self.aggregate(*kind, projection.as_deref(), list, filter.as_deref()),
            ExprKind::Episode {
                list,
                start,
                end,
                gap,
            } => concat(vec![
                text("episode("),
                self.expr(list, IF),
                text(" from "),
                self.expr(start, IF),
                text(" to "),
                self.expr(end, IF),
                text(format!(" within {})", duration(gap))),
            ]),
            ExprKind::Table { hit, inputs, rows } => self.table(*hit, inputs, rows, e.span.end),
            ExprKind::Call(name, args) => concat(vec![
                text(format!("{}(", name.text)),
                self.list(args),
                text(")"),
            ]),
            ExprKind::If {
                branches,
                otherwise,
            } => self.if_chain(branches, otherwise),
            ExprKind::Record(fields) => self.record(fields, e.span.end),
            ExprKind::List(items) => concat(vec![text("["), self.list(items), text("]")]),
        }
    }

    /// Items separated by `, `, each a complete expression.
    fn list(&mut self, items: &[Expr]) -> Doc {
        let mut parts = Vec::new();
        for (index, item) in items.iter().enumerate() {
            if index > 0 {
                parts.push(text(", "));
            }
            parts.push(self.expr(item, IF));
        }
        concat(parts)
    }

    /// A binary operation; `and`, `or`, `+` and `-` chains break before
    /// each operator, aligned with the first operand, when too long.
    fn binary(&mut self, e: &Expr, op: BinaryOp, left: &Expr, right: &Expr) -> Doc {
        let level = binary_level(op);
        if level == COMPARE || level == PRODUCT {
            // Comparisons do not chain; `*` and `/` group to the left.
            let (left_min, right_min) = if level == COMPARE {
                (SUM, SUM)
            } else {
                (PRODUCT, NEGATE)
            };
            return concat(vec![
                self.expr(left, left_min),
                text(format!(" {} ", op.symbol())),
                self.expr(right, right_min),
            ]);
        }
        // Walk down the left spine of the chain, then print it in order.
        let mut rights = Vec::new();
        let mut first = e;
        while let ExprKind::Binary(op, l, r) = &first.kind {
            if binary_level(*op) != level {
                break;
            }
            rights.push((*op, &**r));
            first = l;
        }
        let operand = match level {
            OR => NOT,
            AND => NOT,
            _ => PRODUCT,
        };
        let mut parts = vec![self.expr(first, operand)];
        for (op, right) in rights.into_iter().rev() {
            parts.push(Doc::Line);
            parts.push(text(format!("{} ", op.symbol())));
            parts.push(self.expr(right, operand));
        }
        group(align(concat(parts)))
    }

    /// `x within 15 days after y`; `x in the past year` for a window ending
    /// on the as-of date.
    fn within(
        &mut self,
        subject: &Expr,
        window: &Duration,
        direction: Direction,
        anchor: &Expr,
    ) -> Doc {
        let subject = self.expr(subject, SUM);
        if direction == Direction::Before && anchor.kind == ExprKind::AsOf {
            let length = if window.amount == 1 {
                unit(window.unit, false).to_owned()
            } else {
                duration(window)
            };
            return concat(vec![subject, text(format!(" in the past {length}"))]);
        }
        let direction = match direction {
            Direction::Before => "before",
            Direction::After => "after",
            Direction::Around => "of",
        };
        concat(vec![
            subject,
            text(format!(" within {} {direction} ", duration(window))),
            self.expr(anchor, SUM),
        ])
    }

    /// `all of {` with one criterion per line.
    fn criteria(&mut self, quantifier: Quantifier, items: &[Criterion], end: usize) -> Doc {
        let head = match quantifier {
            Quantifier::All => "all of ".to_owned(),
            Quantifier::Any => "any of ".to_owned(),
            Quantifier::None => "none of ".to_owned(),
            Quantifier::AtLeast(n) => format!("at least {n} of "),
        };
        let place = |_: &Printer<'_>, c: &Criterion| (c.span.start, c.span.end);
        let block = self.block(items, end, Block::HardCommas, place, Printer::criterion);
        concat(vec![text(head), block])
    }

    /// `table HIT (inputs) {`, one row per line, `}`.
    fn table(&mut self, hit: HitPolicy, inputs: &[Expr], rows: &[TableRow], end: usize) -> Doc {
        let hit = match hit {
            HitPolicy::Unique => "unique",
            HitPolicy::First => "first",
        };
        let head = concat(vec![
            text(format!("table {hit} (")),
            self.list(inputs),
            text(") "),
        ]);
        let place = |_: &Printer<'_>, r: &TableRow| (r.span.start, r.span.end);
        let block = self.block(rows, end, Block::HardCommas, place, Printer::row);
        concat(vec![head, block])
    }

    /// `| cell, cell => result`.
    fn row(&mut self, row: &TableRow) -> Doc {
        let mut parts = vec![text("| ")];
        for (index, cell) in row.cells.iter().enumerate() {
            if index > 0 {
                parts.push(text(", "));
            }
            parts.push(match cell {
                Cell::Any(_) => text("any"),
                Cell::Value(value) => self.expr(value, SUM),
                Cell::List(items, _) => concat(vec![text("["), self.list(items), text("]")]),
            });
        }
        parts.push(text(" => "));
        parts.push(self.expr(&row.output, IF));
        concat(parts)
    }

    /// A criterion: its test, or its words, citation and test on three lines;
    /// then its exception, if any, on the next line, indented as the test.
    fn criterion(&mut self, item: &Criterion) -> Doc {
        let main = self.worded(item.label.as_deref(), item.citation.as_ref(), &item.expr);
        let Some(exception) = &item.exception else {
            return main;
        };
        let unless = self.worded(
            exception.label.as_deref(),
            exception.citation.as_ref(),
            &exception.expr,
        );
        let indent = if item.label.is_some() { 2 } else { 0 };
        concat(vec![
            main,
            nest(indent, concat(vec![Doc::HardLine, text("unless "), unless])),
        ])
    }

    /// A test, or the words, citation and test on three lines.
    fn worded(&mut self, label: Option<&str>, citation: Option<&Citation>, test: &Expr) -> Doc {
        let Some(label) = label else {
            return self.expr(test, IF);
        };
        let mut parts = vec![text(quoted(label))];
        match citation {
            Some(citation) => parts.push(nest(
                2,
                concat(vec![
                    Doc::HardLine,
                    text(format!("cite {}:", quoted(&citation.text))),
                ]),
            )),
            None => parts.push(text(":")),
        }
        parts.push(nest(2, concat(vec![Doc::HardLine, self.expr(test, IF)])));
        concat(parts)
    }

    /// `count(list where test)`, `sum(value of list where test)`: breaks
    /// before `of` and `where`, aligned after the `(`, when too long.
    fn aggregate(
        &mut self,
        kind: AggregateKind,
        projection: Option<&Expr>,
        list: &Expr,
        filter: Option<&Expr>,
    ) -> Doc {
        let mut parts = Vec::new();
        if let Some(projection) = projection {
            parts.extend([self.expr(projection, IF), Doc::Line, text("of ")]);
        }
        parts.push(self.expr(list, IF));
        if let Some(filter) = filter {
            parts.extend([Doc::Line, text("where "), self.expr(filter, IF)]);
        }
        group(concat(vec![
            text(format!("{}(", kind.name())),
            align(concat(parts)),
            text(")"),
        ]))
    }

    /// `if … then … else if … then … else …`, one branch per line when too
    /// long. An `if` inside a branch or condition is put in parentheses, so
    /// that a nested `if` in the last `else` is not read as `else if`.
    fn if_chain(&mut self, branches: &[(Expr, Expr)], otherwise: &Expr) -> Doc {
        let mut parts = Vec::new();
        for (index, (condition, value)) in branches.iter().enumerate() {
            if index > 0 {
                parts.extend([Doc::Line, text("else ")]);
            }
            parts.extend([
                text("if "),
                self.expr(condition, OR),
                text(" then "),
                self.expr(value, OR),
            ]);
        }
        parts.extend([Doc::Line, text("else "), self.expr(otherwise, OR)]);
        group(align(concat(parts)))
    }

    /// `{ field: value, … }`, one field per line when too long.
    fn record(&mut self, fields: &[(Name, Expr)], end: usize) -> Doc {
        let place =
            |_: &Printer<'_>, (name, value): &(Name, Expr)| (name.span.start, value.span.end);
        let build = |p: &mut Printer<'_>, (name, value): &(Name, Expr)| {
            concat(vec![text(format!("{}: ", name.text)), p.expr(value, IF)])
        };
        self.block(fields, end, Block::Soft { commas: true }, place, build)
    }
}
