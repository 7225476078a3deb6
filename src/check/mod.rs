//! AST → `Checked`: resolves every name to a slot or id, types every
//! expression, orders rules by dependency and rejects cycles.
//!
//! The checker never stops at the first mistake: it reports every error it
//! can find in one run, and avoids cascades by dropping an expression once an
//! error inside it has been reported. Only a policy with no error becomes a
//! `Checked`, the type evaluation requires.

mod absent;
mod calls;
mod declare;
mod error;
mod expr;
mod ir;
mod literals;
mod names;
mod order;
mod table;
mod types;
mod versions;

pub use absent::{Absent, for_this_thread as absent_for_this_thread};
pub use error::{CheckError, CheckWarning};
pub use ir::*;
pub use types::*;
pub use versions::{Policy, VersionInfo};

use crate::ast::{self, DefinitionKind};
use declare::Declarations;
use std::sync::Arc;

/// The outcome of checking one file.
#[derive(Debug)]
pub struct CheckOutcome {
    /// The checked version, when there was no error; only for assembling
    /// `policy`, so that no caller can evaluate a version by mistake.
    pub(crate) checked: Option<Checked>,
    /// Every version of the checked policy, when there was no error.
    pub policy: Option<Policy>,
    /// Every error found.
    pub errors: Vec<CheckError>,
    /// Every warning found.
    pub warnings: Vec<CheckWarning>,
}

/// Checks a parsed policy: each version on its own (with the definitions
/// common to all versions), and the versions' date ranges against each other.
pub fn check(file: &ast::PolicyFile) -> CheckOutcome {
    versions::check_versions(file)
}

/// Checks one set of items: a policy without versions, or one version.
fn check_items(file: &ast::PolicyFile, version: Option<VersionInfo>) -> CheckOutcome {
    let mut errors = Vec::new();
    let mut decl = Declarations::collect(file, &mut errors);
    let defs: Vec<&ast::Definition> = declare::definitions(file).collect();
    let dependencies = order::dependencies(&defs, &decl);
    let order = order::topological(&defs, &dependencies, &mut errors);
    order::bound_depth(&defs, &dependencies, &order, &mut errors);
    let mut types: Vec<Option<Type>> = vec![None; defs.len()];
    let mut bodies: Vec<Option<(Node, Vec<DefId>)>> = vec![None; defs.len()];
    // Every rule's parameter types, known before any body is checked.
    let signatures: Vec<Option<Vec<(String, Type)>>> = defs
        .iter()
        .map(|def| parameters(def, &mut decl, &mut errors))
        .collect();
    for id in &order {
        let Some(def) = defs.get(id.0 as usize) else {
            continue;
        };
        let checked = check_definition(def, &mut decl, (&types, &signatures), &mut errors);
        if let Some((ty, node, deps)) = checked {
            if let Some(slot) = types.get_mut(id.0 as usize) {
                *slot = Some(ty);
            }
            if let Some(slot) = bodies.get_mut(id.0 as usize) {
                *slot = Some((node, deps));
            }
        }
    }
    // Report in file order, whatever order the checks ran in.
    errors.sort_by_key(first_offset);
    let warnings = uncited(&defs);
    let mut definitions = Vec::with_capacity(defs.len());
    for (((def, ty), body), params) in defs.iter().zip(types).zip(bodies).zip(&signatures) {
        if let (Some(ty), Some((body, dependencies)), Some(params)) = (ty, body, params) {
            definitions.push(CheckedDefinition {
                kind: def.kind,
                name: def.name.text.clone(),
                ty,
                label: def.label.clone(),
                citation: def.citation.as_ref().map(|c| c.text.clone()),
                shown: (
                    Arc::from(def.label.as_deref().unwrap_or(&def.name.text)),
                    def.citation.as_ref().map(|c| Arc::from(c.text.as_str())),
                ),
                body,
                dependencies,
                params: params.clone(),
                span: def.span,
            });
        }
    }
    let mut schema = decl.schema;
    schema.absent = absent::build(&schema);
    let checked = (errors.is_empty() && definitions.len() == defs.len()).then(|| Checked {
        header: file.header.clone(),
        version,
        schema,
        definitions,
        order,
    });
    CheckOutcome {
        policy: None,
        checked,
        errors,
        warnings,
    }
}

/// A rule's parameters with their types (`None` when a type does not
/// resolve or a name repeats, reported).
fn parameters(
    def: &ast::Definition,
    decl: &mut Declarations,
    errors: &mut Vec<CheckError>,
) -> Option<Vec<(String, Type)>> {
    let mut out: Vec<(String, Type)> = Vec::with_capacity(def.params.len());
    let mut failed = false;
    for param in &def.params {
        if out.iter().any(|(name, _)| *name == param.name.text) {
            errors.push(CheckError::RuleArguments {
                span: param.name.span,
                message: format!(
                    "`{}` names two parameters of `{}`",
                    param.name.text, def.name.text
                ),
                help: "give each parameter its own name".to_owned(),
            });
            failed = true;
            continue;
        }
        match decl.resolve_type(&param.ty, errors) {
            Some(ty) => out.push((param.name.text.clone(), ty)),
            None => failed = true,
        }
    }
    (!failed).then_some(out)
}

/// The types of every definition checked so far, and every rule's
/// parameters.
type Known<'a> = (&'a [Option<Type>], &'a [Option<Vec<(String, Type)>>]);

/// Checks one definition's declared type and body.
fn check_definition(
    def: &ast::Definition,
    decl: &mut Declarations,
    (types, signatures): Known<'_>,
    errors: &mut Vec<CheckError>,
) -> Option<(Type, Node, Vec<DefId>)> {
    let declared = match &def.ty {
        Some(ty) => Some(decl.resolve_type(ty, errors)?),
        None => None,
    };
    let own = decl
        .definitions
        .get(&def.name.text)
        .and_then(|(index, _)| signatures.get(*index))
        .cloned()
        .flatten()?;
    let citation = def.citation.as_ref().map(|c| c.text.clone());
    let mut checker = expr::ExprChecker::new(decl, types, errors, citation);
    checker.signatures = signatures;
    checker.params = own;
    let body = checker.check(&def.body, declared.as_ref())?;
    let deps = checker.into_dependencies();
    let ty = match declared {
        Some(wanted) => {
            if !decl.schema.fits(&body.ty, &wanted) {
                let what = match def.kind {
                    DefinitionKind::Rule => "rule",
                    DefinitionKind::Decision => "decision",
                };
                errors.push(CheckError::TypeMismatch {
                    span: def.body.span,
                    context: format!("the body of {what} `{}`", def.name.text),
                    expected: decl.schema.describe(&wanted),
                    found: decl.schema.describe(&body.ty),
                    help: format!(
                        "change the declared type to `{}` or the body to give {}",
                        decl.schema.display(&body.ty),
                        decl.schema.describe(&wanted)
                    ),
                });
                return None;
            }
            wanted
        }
        None => body.ty.clone(),
    };
    Some((ty, body, deps))
}

/// Where an error's first label starts.
fn first_offset(error: &CheckError) -> usize {
    use miette::Diagnostic;
    error
        .labels()
        .and_then(|mut labels| labels.next())
        .map_or(0, |label| label.offset())
}

fn uncited(defs: &[&ast::Definition]) -> Vec<CheckWarning> {
    defs.iter()
        .filter(|d| d.kind == DefinitionKind::Decision && d.citation.is_none())
        .map(|d| CheckWarning::UncitedDecision {
            span: d.name.span,
            name: d.name.text.clone(),
        })
        .collect()
}
