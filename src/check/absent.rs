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

/// How many policies' absent values each thread keeps.
const PER_THREAD: usize = 4;

thread_local! {
    /// This thread's own copies, each with the shared values it copies.
    static COPIES: std::cell::RefCell<Vec<(Arc<Absent>, Arc<Absent>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The schema's absent values, as this thread's own copy.
///
/// Shared values are counted references: when several threads load facts
/// at once, every clone of a shared value would update the same counter
/// from all of them and the threads would wait on each other. A copy per
/// thread keeps each thread's counting to itself.
pub fn for_this_thread(schema: &Schema) -> Option<Arc<Absent>> {
    let shared = schema.absent.as_ref()?;
    COPIES.with(|copies| {
        let Ok(mut copies) = copies.try_borrow_mut() else {
            return Some(Arc::clone(shared));
        };
        // Holding `shared` in the list keeps its address from being reused
        // by another schema while the entry lives.
        if let Some((_, copy)) = copies.iter().find(|(key, _)| Arc::ptr_eq(key, shared)) {
            return Some(Arc::clone(copy));
        }
        let copy = Arc::new(shared.copy());
        if copies.len() >= PER_THREAD {
            copies.remove(0);
        }
        copies.push((Arc::clone(shared), Arc::clone(&copy)));
        Some(copy)
    })
}

impl Absent {
    /// A deep copy sharing nothing with the original.
    fn copy(&self) -> Absent {
        let fields: Vec<Absent> = self.fields.iter().map(Absent::copy).collect();
        let value = match &self.value {
            Value::Record(_) => Value::Record(fields.iter().map(|f| f.value.clone()).collect()),
            Value::Unknown(missing) => Value::Unknown(
                missing
                    .paths()
                    .iter()
                    .map(|p| Missing::one(Arc::from(p.as_ref())))
                    .fold(Missing::none(), |acc, m| acc.union(&m)),
            ),
            other => other.clone(),
        };
        Absent { value, fields }
    }
}
