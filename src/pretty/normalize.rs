//! Span-insensitive comparison of syntax trees: a copy of the tree with every
//! span zeroed and every criterion's `written` text cleared, since both only
//! record how the text was laid out.

use crate::ast::*;
use crate::source::Span;

/// A copy of `file` with every span set to `0..0` and every criterion's
/// `written` text emptied.
pub fn without_spans(file: &PolicyFile) -> PolicyFile {
    let mut copy = file.clone();
    header(&mut copy.header);
    copy.items.iter_mut().for_each(item);
    copy
}

/// Whether two trees are the same apart from spans and `written` texts.
pub fn same_meaning(a: &PolicyFile, b: &PolicyFile) -> bool {
    without_spans(a) == without_spans(b)
}

/// Where two trees first differ, in words, or `None` if they do not.
pub(crate) fn first_difference(a: &PolicyFile, b: &PolicyFile) -> Option<String> {
    let (a, b) = (without_spans(a), without_spans(b));
    if a.header != b.header {
        return Some("the `policy` header".to_owned());
    }
    if a.items.len() != b.items.len() {
        return Some("the number of items".to_owned());
    }
    a.items
        .iter()
        .zip(&b.items)
        .position(|(x, y)| x != y)
        .map(|index| match a.items.get(index) {
            Some(Item::Definition(d)) => format!("`{}`", d.name.text),
            Some(Item::Enum(e)) => format!("enum `{}`", e.name.text),
            Some(Item::Record(r)) => format!("record `{}`", r.name.text),
            _ => format!("item {}", index + 1),
        })
}

fn name(name: &mut Name) {
    name.span = Span::default();
}

fn header(header: &mut Header) {
    name(&mut header.name);
    header.span = Span::default();
}

fn item(item: &mut Item) {
    match item {
        Item::Enum(def) => {
            name(&mut def.name);
            def.variants.iter_mut().for_each(|v| name(&mut v.name));
        }
        Item::Record(def) => {
            name(&mut def.name);
            def.fields.iter_mut().for_each(field);
        }
        Item::Facts(def) => {
            def.span = Span::default();
            def.fields.iter_mut().for_each(field);
        }
        Item::Definition(def) => definition(def),
        Item::Import(import) => import.span = Span::default(),
        Item::Version(version) => {
            version.name_span = Span::default();
            version.span = Span::default();
            version.definitions.iter_mut().for_each(definition);
        }
    }
}

fn definition(def: &mut Definition) {
    name(&mut def.name);
    for param in &mut def.params {
        name(&mut param.name);
        type_expr(&mut param.ty);
    }
    if let Some(ty) = &mut def.ty {
        type_expr(ty);
    }
    if let Some(citation) = &mut def.citation {
        citation.span = Span::default();
    }
    expr(&mut def.body);
    def.span = Span::default();
}

fn field(field: &mut FieldDecl) {
    name(&mut field.name);
    type_expr(&mut field.ty);
}

fn type_expr(ty: &mut TypeExpr) {
    match ty {
        TypeExpr::Named(n) => name(n),
        TypeExpr::List(inner, span) => {
            type_expr(inner);
            *span = Span::default();
        }
        TypeExpr::Record(fields, span) => {
            fields.iter_mut().for_each(field);
            *span = Span::default();
        }
    }
}

fn expr(e: &mut Expr) {
    e.span = Span::default();
    match &mut e.kind {
        ExprKind::Bool(_)
        | ExprKind::Integer(_)
        | ExprKind::Decimal(_)
        | ExprKind::Text(_)
        | ExprKind::Date(_)
        | ExprKind::Duration(_)
        | ExprKind::AsOf => {}
        ExprKind::Path(names) => names.iter_mut().for_each(name),
        ExprKind::Field(inner, n) => {
            expr(inner);
            name(n);
        }
        ExprKind::Unary(_, inner) => expr(inner),
        ExprKind::Binary(_, left, right) => {
            expr(left);
            expr(right);
        }
        ExprKind::Within {
            subject, anchor, ..
        } => {
            expr(subject);
            expr(anchor);
        }
        ExprKind::Member { subject, set, .. } => {
            expr(subject);
            set.iter_mut().for_each(expr);
        }
        ExprKind::Call(n, args) => {
            name(n);
            args.iter_mut().for_each(expr);
        }
        ExprKind::List(items) => items.iter_mut().for_each(expr),
        other => compound(other),
    }
}

/// The kinds of expression that hold criteria, lists or branches.
fn compound(kind: &mut ExprKind) {
    match kind {
        ExprKind::Criteria { items, .. } => items.iter_mut().for_each(criterion),
        ExprKind::Aggregate {
            projection,
            list,
            filter,
            ..
        } => {
            projection.iter_mut().for_each(|p| expr(p));
            expr(list);
            filter.iter_mut().for_each(|f| expr(f));
        }
        ExprKind::Episode {
            list, start, end, ..
        } => {
            expr(list);
            expr(start);
            expr(end);
        }
        ExprKind::If {
            branches,
            otherwise,
        } => {
            for (condition, value) in branches {
                expr(condition);
                expr(value);
            }
            expr(otherwise);
        }
        ExprKind::Record(fields) => {
            for (n, value) in fields {
                name(n);
                expr(value);
            }
        }
        ExprKind::Table { inputs, rows, .. } => {
            inputs.iter_mut().for_each(expr);
            rows.iter_mut().for_each(row);
        }
        // Handled by `expr` itself; listed so a new kind cannot be missed.
        ExprKind::Bool(_)
        | ExprKind::Integer(_)
        | ExprKind::Decimal(_)
        | ExprKind::Text(_)
        | ExprKind::Date(_)
        | ExprKind::Duration(_)
        | ExprKind::AsOf
        | ExprKind::Path(_)
        | ExprKind::Field(..)
        | ExprKind::Unary(..)
        | ExprKind::Binary(..)
        | ExprKind::Within { .. }
        | ExprKind::Member { .. }
        | ExprKind::Call(..)
        | ExprKind::List(_) => {}
    }
}

fn row(row: &mut TableRow) {
    row.span = Span::default();
    for c in &mut row.cells {
        match c {
            Cell::Any(span) => *span = Span::default(),
            Cell::Value(value) => expr(value),
            Cell::List(items, span) => {
                items.iter_mut().for_each(expr);
                *span = Span::default();
            }
        }
    }
    expr(&mut row.output);
}

fn criterion(item: &mut Criterion) {
    if let Some(citation) = &mut item.citation {
        citation.span = Span::default();
    }
    expr(&mut item.expr);
    item.written.clear();
    item.span = Span::default();
    if let Some(exception) = &mut item.exception {
        if let Some(citation) = &mut exception.citation {
            citation.span = Span::default();
        }
        expr(&mut exception.expr);
        exception.written.clear();
        exception.span = Span::default();
    }
}
