//! Types one expression and builds its checked node; each family of
//! expression kinds has its own small method.

use super::declare::Declarations;
use super::error::CheckError;
use super::ir::{Arith, Compare, CriterionNode, DefId, Node, NodeKind};
use super::types::Type;
use crate::ast::{AggregateKind, BinaryOp, Criterion, Expr, ExprKind, Name, UnaryOp};
use crate::source::Span;
use crate::value::Value;
use std::sync::Arc;

/// Checks the expressions of one definition.
pub(crate) struct ExprChecker<'a> {
    pub(super) decl: &'a mut Declarations,
    pub(super) types: &'a [Option<Type>],
    pub(super) errors: &'a mut Vec<CheckError>,
    /// The element types of the enclosing aggregates, outermost first.
    pub(super) scopes: Vec<Type>,
    pub(super) dependencies: Vec<DefId>,
    /// The citation criteria inherit when they give none of their own.
    pub(super) citation: Option<String>,
    /// Every rule's parameters, by definition index.
    pub(super) signatures: &'a [Option<Vec<(String, Type)>>],
    /// The parameters of the rule being checked.
    pub(super) params: Vec<(String, Type)>,
}

impl<'a> ExprChecker<'a> {
    pub(crate) fn new(
        decl: &'a mut Declarations,
        types: &'a [Option<Type>],
        errors: &'a mut Vec<CheckError>,
        citation: Option<String>,
    ) -> Self {
        Self {
            decl,
            types,
            errors,
            scopes: Vec::new(),
            dependencies: Vec::new(),
            citation,
            signatures: &[],
            params: Vec::new(),
        }
    }

    /// The definitions referred to, sorted.
    pub(crate) fn into_dependencies(mut self) -> Vec<DefId> {
        self.dependencies.sort_unstable();
        self.dependencies.dedup();
        self.dependencies
    }

    /// Checks `expr`; `hint` is the type the context expects, if any.
    pub(crate) fn check(&mut self, expr: &Expr, hint: Option<&Type>) -> Option<Node> {
        let span = expr.span;
        let literal = |value: Value, ty: Type| Some(node(NodeKind::Literal(value), ty, span));
        match &expr.kind {
            ExprKind::Bool(b) => literal(Value::Bool(*b), Type::Bool),
            ExprKind::Integer(i) => literal(Value::Integer(*i), Type::Integer),
            ExprKind::Decimal(d) => literal(Value::Decimal(d.clone()), Type::Decimal),
            ExprKind::Text(t) => literal(Value::Text(Arc::from(t.as_str())), Type::Text),
            ExprKind::Date(d) => literal(Value::Date(*d), Type::Date),
            ExprKind::Duration(d) => literal(Value::Duration(*d), Type::Duration(d.length().0)),
            ExprKind::AsOf => Some(node(NodeKind::AsOf, Type::Date, span)),
            ExprKind::Path(names) => self.resolve_path(names, hint),
            ExprKind::Field(inner, name) => self.check_field(inner, name),
            ExprKind::Unary(op, operand) => self.check_unary(*op, operand, span),
            ExprKind::Binary(op, left, right) => self.check_binary(*op, left, right, span),
            ExprKind::Within {
                subject,
                window,
                direction,
                anchor,
            } => {
                let subject = self.expect(subject, &Type::Date, "the date tested by `within`")?;
                let anchor = self.expect(anchor, &Type::Date, "the date `within` measures from")?;
                let kind = NodeKind::Within {
                    subject: Box::new(subject),
                    window: *window,
                    direction: *direction,
                    anchor: Box::new(anchor),
                };
                Some(node(kind, Type::Bool, span))
            }
            ExprKind::Member {
                subject,
                negated,
                set,
            } => self.check_member(subject, *negated, set, span),
            ExprKind::Criteria { quantifier, items } => {
                let items = self.check_criteria(items)?;
                let kind = NodeKind::Criteria {
                    quantifier: *quantifier,
                    items,
                };
                Some(node(kind, Type::Bool, span))
            }
            ExprKind::Aggregate {
                kind,
                projection,
                list,
                filter,
            } => self.check_aggregate(*kind, projection.as_deref(), list, filter.as_deref(), span),
            ExprKind::Episode {
                list,
                start,
                end,
                gap,
            } => self.check_episode(list, start, end, *gap, span),
            ExprKind::Table { hit, inputs, rows } => {
                self.check_table(*hit, inputs, rows, hint, span)
            }
            ExprKind::Call(name, args) => self.check_call(name, args, span),
            ExprKind::If {
                branches,
                otherwise,
            } => self.check_if(branches, otherwise, hint, span),
            ExprKind::Record(fields) => self.check_record(fields, hint, span),
            ExprKind::List(items) => self.check_list(items, hint, span),
        }
    }

    /// Checks `expr` and requires its type to fit `wanted`.
    pub(super) fn expect(&mut self, expr: &Expr, wanted: &Type, context: &str) -> Option<Node> {
        let checked = self.check(expr, Some(wanted))?;
        if self.decl.schema.fits(&checked.ty, wanted) {
            return Some(checked);
        }
        let wanted_text = self.decl.schema.describe(wanted);
        let found = self.decl.schema.describe(&checked.ty);
        let help = match (wanted, &checked.ty) {
            (Type::Bool, Type::List(_)) => {
                "to test a list, use `exists(LIST where …)` or compare `count(LIST) >= N`"
                    .to_owned()
            }
            (Type::Bool, Type::Date) => {
                "compare the date with another, e.g. `… <= as_of`, or use `age(…) >= 18`".to_owned()
            }
            (Type::Bool, Type::Integer | Type::Decimal) => {
                "compare the number with something, e.g. `… >= 3`".to_owned()
            }
            (Type::Bool, _) => "compare it with a value, e.g. `… = value`".to_owned(),
            (Type::Date, Type::Integer) => {
                "dates are written YYYY-MM-DD; for an age use `age(birth_date)`".to_owned()
            }
            _ => format!("make {context} {wanted_text}"),
        };
        self.errors.push(CheckError::TypeMismatch {
            span: expr.span,
            context: context.to_owned(),
            expected: wanted_text,
            found,
            help,
        });
        None
    }

    fn check_field(&mut self, inner: &Expr, name: &Name) -> Option<Node> {
        let base = self.check(inner, None)?;
        self.fields_of(base, "this value", std::slice::from_ref(name))
    }

    fn check_unary(&mut self, op: UnaryOp, operand: &Expr, span: Span) -> Option<Node> {
        match op {
            UnaryOp::Not => {
                let inner = self.expect(operand, &Type::Bool, "the operand of `not`")?;
                Some(node(NodeKind::Not(Box::new(inner)), Type::Bool, span))
            }
            UnaryOp::Negate => {
                let inner = self.check(operand, None)?;
                if !inner.ty.is_number() {
                    return self.mismatch(
                        operand.span,
                        "the operand of `-`",
                        "a number",
                        &inner.ty,
                    );
                }
                let ty = inner.ty.clone();
                Some(node(NodeKind::Negate(Box::new(inner)), ty, span))
            }
        }
    }

    fn check_binary(
        &mut self,
        op: BinaryOp,
        left: &Expr,
        right: &Expr,
        span: Span,
    ) -> Option<Node> {
        match op {
            BinaryOp::And | BinaryOp::Or => {
                let context = format!("each side of `{}`", op.symbol());
                let l = self.expect(left, &Type::Bool, &context);
                let r = self.expect(right, &Type::Bool, &context);
                let (l, r) = (Box::new(l?), Box::new(r?));
                let kind = if op == BinaryOp::And {
                    NodeKind::And(l, r)
                } else {
                    NodeKind::Or(l, r)
                };
                Some(node(kind, Type::Bool, span))
            }
            BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge => self.check_comparison(op, left, right, span),
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => {
                self.check_arithmetic(op, left, right, span)
            }
        }
    }

    /// Checks two operands, resolving a bare enumeration value on either side
    /// from the type of the other.
    fn check_pair(&mut self, left: &Expr, right: &Expr) -> Option<(Node, Node)> {
        let bare = |e: &Expr, this: &Self| match &e.kind {
            ExprKind::Path(names) => !this.resolves_alone(names),
            _ => false,
        };
        if bare(left, self) && !bare(right, self) {
            let r = self.check(right, None)?;
            let l = self.check(left, Some(&r.ty))?;
            return Some((l, r));
        }
        let l = self.check(left, None);
        let r = self.check(right, l.as_ref().map(|l| &l.ty));
        Some((l?, r?))
    }

    fn check_comparison(
        &mut self,
        op: BinaryOp,
        left: &Expr,
        right: &Expr,
        span: Span,
    ) -> Option<Node> {
        let (l, r) = self.check_pair(left, right)?;
        let schema = &self.decl.schema;
        let ordered = op != BinaryOp::Eq && op != BinaryOp::Ne;
        let lengths = matches!((&l.ty, &r.ty), (Type::Duration(a), Type::Duration(b)) if a == b);
        let comparable = if ordered {
            (l.ty.is_number() && r.ty.is_number())
                || (l.ty == Type::Date && r.ty == Type::Date)
                || lengths
        } else {
            (l.ty.is_number() && r.ty.is_number()) || schema.same(&l.ty, &r.ty)
        };
        if !comparable {
            let help = if ordered && l.ty == r.ty {
                format!(
                    "`{}` orders numbers and dates only; use `=` or `!=` here",
                    op.symbol()
                )
            } else {
                comparison_help(&l.ty, &r.ty)
            };
            return self.operands(op, &l.ty, &r.ty, span, help);
        }
        let compare = match op {
            BinaryOp::Eq => Compare::Eq,
            BinaryOp::Ne => Compare::Ne,
            BinaryOp::Lt => Compare::Lt,
            BinaryOp::Le => Compare::Le,
            BinaryOp::Gt => Compare::Gt,
            _ => Compare::Ge,
        };
        Some(node(
            NodeKind::Compare(compare, Box::new(l), Box::new(r)),
            Type::Bool,
            span,
        ))
    }

    fn check_arithmetic(
        &mut self,
        op: BinaryOp,
        left: &Expr,
        right: &Expr,
        span: Span,
    ) -> Option<Node> {
        let l = self.check(left, None);
        let r = self.check(right, None);
        let (l, r) = (l?, r?);
        let ty = match (op, &l.ty, &r.ty) {
            (BinaryOp::Div, a, b) if a.is_number() && b.is_number() => Type::Decimal,
            (_, Type::Integer, Type::Integer) => Type::Integer,
            (_, a, b) if a.is_number() && b.is_number() => Type::Decimal,
            (BinaryOp::Add | BinaryOp::Sub, Type::Date, Type::Duration(_)) => Type::Date,
            (BinaryOp::Add, Type::Duration(_), Type::Date) => Type::Date,
            (_, a, b) => {
                let help = match (a, b) {
                    (Type::Date, Type::Date) => {
                        "to count the days from one date to another use `days_between(a, b)`"
                            .to_owned()
                    }
                    (Type::Date, Type::Integer) | (Type::Integer, Type::Date) => {
                        "add a length of time to a date, e.g. `discharged + 15 days`".to_owned()
                    }
                    _ => "arithmetic works on numbers, and a date plus or minus a length of time"
                        .to_owned(),
                };
                return self.operands(op, a, b, span, help);
            }
        };
        let arith = match op {
            BinaryOp::Add => Arith::Add,
            BinaryOp::Sub => Arith::Sub,
            BinaryOp::Mul => Arith::Mul,
            _ => Arith::Div,
        };
        Some(node(
            NodeKind::Arith(arith, Box::new(l), Box::new(r)),
            ty,
            span,
        ))
    }

    fn check_member(
        &mut self,
        subject: &Expr,
        negated: bool,
        set: &[Expr],
        span: Span,
    ) -> Option<Node> {
        let first = set.first();
        let (subject, mut items) = match first {
            Some(first) => {
                let (s, f) = self.check_pair(subject, first)?;
                (s, vec![f])
            }
            None => (self.check(subject, None)?, Vec::new()),
        };
        let mut failed = false;
        for item in set.iter().skip(1) {
            match self.check(item, Some(&subject.ty)) {
                Some(n) => items.push(n),
                None => failed = true,
            }
        }
        for item in &items {
            let fits = self.decl.schema.fits(&item.ty, &subject.ty)
                || (item.ty.is_number() && subject.ty.is_number());
            if !fits {
                self.mismatch::<()>(
                    item.span,
                    "each value of the set",
                    &self.decl.schema.display(&subject.ty),
                    &item.ty,
                );
                failed = true;
            }
        }
        if failed {
            return None;
        }
        let kind = NodeKind::Member {
            subject: Box::new(subject),
            negated,
            set: items,
        };
        Some(node(kind, Type::Bool, span))
    }

    fn check_criteria(&mut self, items: &[Criterion]) -> Option<Vec<CriterionNode>> {
        let mut checked = Vec::with_capacity(items.len());
        let mut failed = false;
        for item in items {
            // A bullet without a citation of its own is cited as its parent.
            let citation = item
                .citation
                .as_ref()
                .map(|c| c.text.clone())
                .or_else(|| self.citation.clone());
            let inherited = std::mem::replace(&mut self.citation, citation.clone());
            let node = self.expect(&item.expr, &Type::Bool, "a criterion");
            let exception = match &item.exception {
                Some(e) => match self.check_exception(e, citation.as_deref()) {
                    Some(checked) => Some(Box::new(checked)),
                    None => {
                        failed = true;
                        None
                    }
                },
                None => None,
            };
            self.citation = inherited;
            match node {
                Some(node) => checked.push(CriterionNode {
                    shown: (
                        std::sync::Arc::from(item.label.as_deref().unwrap_or(&item.written)),
                        citation.as_deref().map(std::sync::Arc::from),
                    ),
                    label: item.label.clone(),
                    written: item.written.clone(),
                    citation,
                    node,
                    exception,
                    span: item.span,
                }),
                None => failed = true,
            }
        }
        (!failed).then_some(checked)
    }

    /// An exception: a true-or-false test, cited as written or as its
    /// criterion.
    fn check_exception(
        &mut self,
        exception: &crate::ast::Exception,
        criterion_citation: Option<&str>,
    ) -> Option<super::ir::ExceptionNode> {
        let citation = exception
            .citation
            .as_ref()
            .map(|c| c.text.as_str())
            .or(criterion_citation)
            .map(str::to_owned);
        let inherited = std::mem::replace(&mut self.citation, citation.clone());
        let node = self.expect(&exception.expr, &Type::Bool, "an exception");
        self.citation = inherited;
        Some(super::ir::ExceptionNode {
            shown: (
                std::sync::Arc::from(exception.label.as_deref().unwrap_or(&exception.written)),
                citation.as_deref().map(std::sync::Arc::from),
            ),
            node: node?,
            span: exception.span,
        })
    }

    fn check_aggregate(
        &mut self,
        kind: AggregateKind,
        projection: Option<&Expr>,
        list: &Expr,
        filter: Option<&Expr>,
        span: Span,
    ) -> Option<Node> {
        let list = self.check(list, None)?;
        let Type::List(element) = &list.ty else {
            self.errors.push(CheckError::NotAList {
                span: list.span,
                aggregate: kind.name().to_owned(),
                found: self.decl.schema.describe(&list.ty),
            });
            return None;
        };
        self.scopes.push((**element).clone());
        let filter = filter.map(|f| self.expect(f, &Type::Bool, "the `where` condition"));
        let projection = projection.map(|p| self.check(p, None));
        self.scopes.pop();
        let filter = checked_part(filter)?;
        let projection = checked_part(projection)?;
        let ty = match (kind, &projection) {
            (AggregateKind::Count, _) => Type::Integer,
            (AggregateKind::Exists | AggregateKind::Every, _) => Type::Bool,
            (AggregateKind::Sum, Some(p)) if p.ty.is_number() => p.ty.clone(),
            (AggregateKind::Min | AggregateKind::Max, Some(p))
                if p.ty.is_number() || p.ty == Type::Date =>
            {
                p.ty.clone()
            }
            (_, Some(p)) => {
                let wanted = if kind == AggregateKind::Sum {
                    "a number"
                } else {
                    "a number or a date"
                };
                let context = format!("the values `{}` combines", kind.name());
                return self.mismatch(p.span, &context, wanted, &p.ty);
            }
            (_, None) => return None,
        };
        let kind = NodeKind::Aggregate {
            kind,
            list: Box::new(list),
            projection,
            filter,
        };
        Some(node(kind, ty, span))
    }

    fn check_episode(
        &mut self,
        list: &Expr,
        start: &Expr,
        end: &Expr,
        gap: crate::ast::Duration,
        span: Span,
    ) -> Option<Node> {
        let list = self.check(list, None)?;
        let Type::List(element) = &list.ty else {
            self.errors.push(CheckError::NotAList {
                span: list.span,
                aggregate: "episode".to_owned(),
                found: self.decl.schema.describe(&list.ty),
            });
            return None;
        };
        self.scopes.push((**element).clone());
        let start = self.expect(
            start,
            &Type::Date,
            "the start of each element of an episode",
        );
        let end = self.expect(end, &Type::Date, "the end of each element of an episode");
        self.scopes.pop();
        let ty = list.ty.clone();
        let kind = NodeKind::Episode {
            list: Box::new(list),
            start: Box::new(start?),
            end: Box::new(end?),
            gap,
        };
        Some(node(kind, ty, span))
    }

    fn check_if(
        &mut self,
        branches: &[(Expr, Expr)],
        otherwise: &Expr,
        hint: Option<&Type>,
        span: Span,
    ) -> Option<Node> {
        let mut checked = Vec::with_capacity(branches.len());
        let mut ty: Option<Type> = hint.cloned();
        let mut failed = false;
        for (condition, value) in branches {
            let c = self.expect(condition, &Type::Bool, "an `if` condition");
            let v = self.check(value, ty.as_ref());
            match (c, v) {
                (Some(c), Some(v)) => {
                    ty = Some(self.unify(ty, &v)?);
                    checked.push((c, v));
                }
                _ => failed = true,
            }
        }
        let other = self.check(otherwise, ty.as_ref())?;
        let ty = self.unify(ty, &other)?;
        if failed {
            return None;
        }
        let kind = NodeKind::If {
            branches: checked,
            otherwise: Box::new(other),
        };
        Some(node(kind, ty, span))
    }

    /// The common type of the branches so far and one more branch.
    pub(super) fn unify(&mut self, so_far: Option<Type>, next: &Node) -> Option<Type> {
        let Some(so_far) = so_far else {
            return Some(next.ty.clone());
        };
        if self.decl.schema.fits(&next.ty, &so_far) {
            return Some(so_far);
        }
        if so_far == Type::Integer && next.ty == Type::Decimal {
            return Some(Type::Decimal);
        }
        let wanted = self.decl.schema.describe(&so_far);
        self.mismatch(next.span, "every branch of `if`", &wanted, &next.ty)
    }

    /// Reports a type mismatch and returns `None`.
    pub(super) fn mismatch<T>(
        &mut self,
        span: Span,
        context: &str,
        expected: &str,
        found: &Type,
    ) -> Option<T> {
        let found = self.decl.schema.describe(found);
        self.errors.push(CheckError::TypeMismatch {
            span,
            context: context.to_owned(),
            expected: expected.to_owned(),
            help: format!("make {context} {expected}"),
            found,
        });
        None
    }

    fn operands<T>(
        &mut self,
        op: BinaryOp,
        left: &Type,
        right: &Type,
        span: Span,
        help: String,
    ) -> Option<T> {
        self.errors.push(CheckError::OperandTypes {
            span,
            op: op.symbol().to_owned(),
            left: self.decl.schema.describe(left),
            right: self.decl.schema.describe(right),
            help,
        });
        None
    }
}

/// An optional part of an expression: `None` if it was given but failed.
fn checked_part(part: Option<Option<Node>>) -> Option<Option<Box<Node>>> {
    match part {
        Some(None) => None,
        Some(Some(node)) => Some(Some(Box::new(node))),
        None => Some(None),
    }
}

/// Builds a node.
pub(super) fn node(kind: NodeKind, ty: Type, span: Span) -> Node {
    Node { kind, ty, span }
}

fn comparison_help(left: &Type, right: &Type) -> String {
    match (left, right) {
        (Type::Duration(_), Type::Duration(_)) => "a length in days or weeks cannot be compared with one in months or years: a month has no fixed number of days; write both in the same kind of unit".to_owned(),
        (Type::Date, Type::Integer) | (Type::Integer, Type::Date) => {
            "a date can only be compared with a date; for an age in years use `age(birth_date) >= 18`".to_owned()
        }
        (Type::Bool, _) | (_, Type::Bool) => "compare a boolean with `true` or `false`, or use it directly as a criterion".to_owned(),
        _ => "both sides of a comparison must have the same type".to_owned(),
    }
}
