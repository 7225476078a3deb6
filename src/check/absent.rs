//! The unknown values of facts left out, built once per policy for every
//! path that passes through records only, so loading facts shares them
//! instead of building a path string for each fact a member lacks.

use super::types::{Schema, Type};
use crate::value::{Missing, Value};
use std::sync::Arc;

/// Records nested deeper than this (or nested in themselves) are left to be
/// built when needed: the policy then has no shared absent values at all.
const DEPTH: usize = 16;

/// The value a fact takes when it is absent, and the same for its fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Absent {
    /// The whole value when absent: an unknown naming the fact's path, or
    /// for a record, a record of such unknowns.
    pub value: Value,
    /// For a record, one entry per field, in declared order.
    pub fields: Vec<Absent>,
}

/// The absent values of the facts record, or `None` before facts are
/// declared or when records nest too deep.
pub(super) fn build(schema: &Schema) -> Option<Arc<Absent>> {
    let root = schema.facts?;
    node(schema, &Type::Record(root), "", 0).map(Arc::new)
}

fn node(schema: &Schema, ty: &Type, path: &str, depth: usize) -> Option<Absent> {
    let Type::Record(id) = ty else {
        return Some(Absent {
            value: Value::Unknown(Missing::one(Arc::from(path))),
            fields: Vec::new(),
        });
    };
    if depth >= DEPTH {
        return None;
    }
    let record = schema.record(*id)?;
    let fields = record
        .fields
        .iter()
        .map(|field| {
            let path = if path.is_empty() {
                field.name.clone()
            } else {
                format!("{path}.{}", field.name)
            };
            node(schema, &field.ty, &path, depth + 1)
        })
        .collect::<Option<Vec<Absent>>>()?;
    Some(Absent {
        value: Value::Record(fields.iter().map(|f| f.value.clone()).collect()),
        fields,
    })
}
