//! Record and list literals: fields checked against a declared record type
//! when one is expected, element types unified otherwise.

use super::error::CheckError;
use super::expr::{ExprChecker, node};
use super::ir::{Node, NodeKind};
use super::types::{FieldInfo, RecordId, RecordInfo, Type};
use crate::ast::{Expr, Name};
use crate::source::Span;

impl ExprChecker<'_> {
    pub(super) fn check_record(
        &mut self,
        fields: &[(Name, Expr)],
        hint: Option<&Type>,
        span: Span,
    ) -> Option<Node> {
        if let Some(Type::Record(id)) = hint {
            return self.check_record_as(*id, fields, span);
        }
        let mut infos = Vec::with_capacity(fields.len());
        let mut values = Vec::with_capacity(fields.len());
        for (name, value) in fields {
            let value = self.check(value, None)?;
            infos.push(FieldInfo {
                name: name.text.clone(),
                ty: value.ty.clone(),
                doc: None,
            });
            values.push(value);
        }
        let id = RecordId(self.decl.schema.records.len() as u32);
        self.decl.schema.records.push(RecordInfo {
            name: None,
            fields: infos,
        });
        Some(node(NodeKind::Record(values), Type::Record(id), span))
    }

    fn check_record_as(
        &mut self,
        id: RecordId,
        fields: &[(Name, Expr)],
        span: Span,
    ) -> Option<Node> {
        let wanted: Vec<FieldInfo> = self.decl.schema.record(id)?.fields.clone();
        let mut values = Vec::with_capacity(wanted.len());
        let mut failed = false;
        for (name, _) in fields {
            if !wanted.iter().any(|f| f.name == name.text) {
                let names: Vec<&str> = wanted.iter().map(|f| f.name.as_str()).collect();
                self.errors.push(CheckError::RecordFields {
                    span: name.span,
                    message: format!("the record has no field `{}`", name.text),
                    help: format!("its fields are {}", names.join(", ")),
                });
                failed = true;
            }
        }
        for field in &wanted {
            let Some((_, value)) = fields.iter().find(|(n, _)| n.text == field.name) else {
                self.errors.push(CheckError::RecordFields {
                    span,
                    message: format!("field `{}` is not given", field.name),
                    help: format!("add `{}: …` to the record", field.name),
                });
                failed = true;
                continue;
            };
            let context = format!("field `{}`", field.name);
            match self.expect(value, &field.ty, &context) {
                Some(v) => values.push(v),
                None => failed = true,
            }
        }
        (!failed).then(|| node(NodeKind::Record(values), Type::Record(id), span))
    }

    pub(super) fn check_list(
        &mut self,
        items: &[Expr],
        hint: Option<&Type>,
        span: Span,
    ) -> Option<Node> {
        let mut element = match hint {
            Some(Type::List(e)) => Some((**e).clone()),
            _ => None,
        };
        let mut values = Vec::with_capacity(items.len());
        for item in items {
            let value = self.check(item, element.as_ref())?;
            element = Some(self.unify(element, &value)?);
            values.push(value);
        }
        let Some(element) = element else {
            return self.mismatch(
                span,
                "an empty list",
                "a list whose element type is known",
                &Type::List(Box::new(Type::Bool)),
            );
        };
        Some(node(
            NodeKind::List(values),
            Type::List(Box::new(element)),
            span,
        ))
    }
}
