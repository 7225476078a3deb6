//! Calls: the built-in functions `age` and `days_between`, and rules with
//! parameters.

use super::error::CheckError;
use super::expr::{ExprChecker, node};
use super::ir::{Node, NodeKind};
use super::types::Type;
use crate::ast::{Expr, Name};
use crate::source::Span;
use crate::suggest;

/// The built-in functions and their forms.
const FUNCTIONS: [(&str, &str); 2] = [
    ("age", "age(BIRTH_DATE) or age(BIRTH_DATE, ON_DATE)"),
    ("days_between", "days_between(FROM_DATE, TO_DATE)"),
];

impl ExprChecker<'_> {
    pub(super) fn check_call(&mut self, name: &Name, args: &[Expr], span: Span) -> Option<Node> {
        if let Some((index, _)) = self.decl.definitions.get(&name.text) {
            return self.check_apply(*index, name, args, span);
        }
        let Some((_, usage)) = FUNCTIONS.iter().find(|(n, _)| *n == name.text) else {
            let names = FUNCTIONS.iter().map(|(n, _)| *n);
            let help = match suggest::closest(&name.text, names) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!(
                    "the functions are {}; for lists use count, exists, every, sum, min and max",
                    FUNCTIONS
                        .iter()
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            self.errors.push(CheckError::UnknownFunction {
                span: name.span,
                name: name.text.clone(),
                help,
            });
            return None;
        };
        let dates: Vec<Option<Node>> = args
            .iter()
            .enumerate()
            .map(|(i, a)| {
                self.expect(
                    a,
                    &Type::Date,
                    &format!("argument {} of `{}`", i + 1, name.text),
                )
            })
            .collect();
        let arity_ok = match name.text.as_str() {
            "age" => (1..=2).contains(&args.len()),
            _ => args.len() == 2,
        };
        if !arity_ok {
            self.errors.push(CheckError::Arity {
                span,
                name: name.text.clone(),
                expected: if name.text == "age" {
                    "one or two dates"
                } else {
                    "two dates"
                }
                .to_owned(),
                found: match args.len() {
                    1 => "1 was".to_owned(),
                    n => format!("{n} were"),
                },
                usage: (*usage).to_owned(),
            });
            return None;
        }
        let mut dates = dates
            .into_iter()
            .collect::<Option<Vec<Node>>>()?
            .into_iter();
        let first = Box::new(dates.next()?);
        let second = dates.next().map(Box::new);
        let kind = match (name.text.as_str(), second) {
            ("age", on) => NodeKind::Age(first, on),
            (_, Some(to)) => NodeKind::DaysBetween(first, to),
            (_, None) => return None,
        };
        Some(node(kind, Type::Integer, span))
    }
}

impl ExprChecker<'_> {
    /// `rule_name(arguments)`: each argument checked against its parameter's
    /// type; the result is the rule's type.
    fn check_apply(
        &mut self,
        index: usize,
        name: &Name,
        written: &[Expr],
        span: Span,
    ) -> Option<Node> {
        let args = written;
        let params = self.signatures.get(index).cloned().flatten()?;
        if params.is_empty() {
            self.errors.push(CheckError::RuleArguments {
                span,
                message: format!("`{}` is a rule without parameters", name.text),
                help: format!("use it by its name alone: `{}`", name.text),
            });
            return None;
        }
        if params.len() != args.len() {
            let list: Vec<String> = params
                .iter()
                .map(|(p, ty)| format!("{p}: {}", self.decl.schema.display(ty)))
                .collect();
            self.errors.push(CheckError::Arity {
                span,
                name: name.text.clone(),
                expected: match params.len() {
                    1 => "1 argument".to_owned(),
                    n => format!("{n} arguments"),
                },
                found: match args.len() {
                    1 => "1 was".to_owned(),
                    n => format!("{n} were"),
                },
                usage: format!("{}({})", name.text, list.join(", ")),
            });
            return None;
        }
        let checked: Vec<Option<Node>> = args
            .iter()
            .zip(&params)
            .map(|(arg, (param, ty))| {
                self.expect(arg, ty, &format!("argument `{param}` of `{}`", name.text))
            })
            .collect();
        let args = checked.into_iter().collect::<Option<Vec<Node>>>()?;
        // A rule whose own check failed has no type; its error is reported.
        let ty = self.types.get(index).cloned().flatten()?;
        let id = super::ir::DefId(index as u32);
        self.dependencies.push(id);
        let shown: Vec<String> = written.iter().map(crate::pretty::expr_text).collect();
        let written = format!("{}({})", name.text, shown.join(", "));
        Some(node(
            NodeKind::Apply {
                def: id,
                args,
                written: std::sync::Arc::from(written),
            },
            ty,
            span,
        ))
    }
}
