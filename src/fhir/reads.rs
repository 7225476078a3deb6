//! Which facts a set of decisions reads, and the citations of the criteria
//! that read each: what the Questionnaire asks and how it cites the manual.

use crate::check::{Checked, DefId, FieldInfo, Node, NodeKind, RecordId, Schema, Type};
use std::collections::{BTreeMap, BTreeSet};

/// The facts the chosen decisions read, by dotted path, each with the
/// citations (in first-seen order) of the criteria that read it.
#[derive(Debug, Default)]
pub(crate) struct Reads {
    cited: BTreeMap<String, Vec<String>>,
}

impl Reads {
    /// What `decisions` read, through every rule they use; every decision
    /// when `decisions` is empty. Unknown names are left out (the caller
    /// checks names first).
    pub(crate) fn of(checked: &Checked, decisions: &[&str]) -> Reads {
        let roots: Vec<DefId> = checked
            .decisions()
            .filter(|(_, d)| decisions.is_empty() || decisions.contains(&d.name.as_str()))
            .map(|(id, _)| id)
            .collect();
        let mut reads = Reads::default();
        let mut visited = vec![false; checked.definitions().len()];
        let mut pending = roots;
        while let Some(id) = pending.pop() {
            let Some(seen) = visited.get_mut(id.0 as usize) else {
                continue;
            };
            if std::mem::replace(seen, true) {
                continue;
            }
            let Some(definition) = checked.definition(id) else {
                continue;
            };
            pending.extend(definition.dependencies.iter().copied());
            reads.walk(&definition.body, definition.citation.as_deref());
        }
        reads
    }

    /// Records the facts under `body`, each cited by the nearest enclosing
    /// criterion that has a citation (else `citation`). An explicit stack
    /// bounds the walk whatever the nesting.
    fn walk(&mut self, body: &Node, citation: Option<&str>) {
        let mut nodes: Vec<(&Node, Option<&str>)> = vec![(body, citation)];
        while let Some((node, cite)) = nodes.pop() {
            match &node.kind {
                NodeKind::Fact(fact) => {
                    let entry = self.cited.entry(fact.path.to_string()).or_default();
                    if let Some(cite) = cite
                        && !entry.iter().any(|c| c == cite)
                    {
                        entry.push(cite.to_owned());
                    }
                }
                NodeKind::Criteria { items, .. } => {
                    // Pushed last first, so they are read in written order.
                    for item in items.iter().rev() {
                        if let Some(exception) = &item.exception {
                            let cited = exception.shown.1.as_deref().or(cite);
                            nodes.push((&exception.node, cited));
                        }
                        nodes.push((&item.node, item.citation.as_deref().or(cite)));
                    }
                    continue;
                }
                _ => {}
            }
            nodes.extend(node.children().into_iter().rev().map(|child| (child, cite)));
        }
    }

    /// Whether the item at `path` is asked: read itself, or holding a fact
    /// that is read.
    pub(crate) fn asks(&self, path: &str) -> bool {
        self.cited.contains_key(path)
            || self
                .cited
                .range(format!("{path}.")..)
                .next()
                .is_some_and(|(p, _)| p.starts_with(&format!("{path}.")))
    }

    /// Whether the fact at `path` is read as a whole (so every field under
    /// it is asked).
    pub(crate) fn reads_whole(&self, path: &str) -> bool {
        self.cited.contains_key(path)
    }

    /// The citations of the criteria that read `path`.
    pub(crate) fn citations(&self, path: &str) -> &[String] {
        self.cited.get(path).map(Vec::as_slice).unwrap_or_default()
    }
}

/// One declared field on the way down the schema, with its dotted path.
pub(crate) struct Field<'a> {
    /// `recipient.locus.level`.
    pub path: String,
    /// The declaration.
    pub info: &'a FieldInfo,
}

/// The fields of record `id`, with paths under `prefix`.
pub(crate) fn fields<'a>(schema: &'a Schema, id: RecordId, prefix: &str) -> Vec<Field<'a>> {
    let Some(record) = schema.records.get(id.0 as usize) else {
        return Vec::new();
    };
    record
        .fields
        .iter()
        .map(|info| Field {
            path: if prefix.is_empty() {
                info.name.clone()
            } else {
                format!("{prefix}.{}", info.name)
            },
            info,
        })
        .collect()
}

/// The facts root's record.
pub(crate) fn root(schema: &Schema) -> Option<RecordId> {
    schema.facts
}

/// A list's element type, or the type itself.
pub(crate) fn element(ty: &Type) -> (&Type, bool) {
    match ty {
        Type::List(inner) => (inner, true),
        other => (other, false),
    }
}

/// The path of every declared fact, records' and lists' fields included.
pub(crate) fn all_paths(schema: &Schema) -> BTreeSet<String> {
    let everything = Reads {
        cited: BTreeMap::new(),
    };
    asked(schema, &everything, true)
}

/// The paths `reads` asks for (every path when `all`).
fn asked(schema: &Schema, reads: &Reads, all: bool) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let Some(root) = root(schema) else { return out };
    // Each entry carries the records it is inside: a record that lists
    // itself is expanded once, as the Questionnaire asks it.
    let mut pending: Vec<(RecordId, String, bool, Vec<RecordId>)> =
        vec![(root, String::new(), all, Vec::new())];
    while let Some((id, prefix, whole, mut within)) = pending.pop() {
        if within.contains(&id) {
            continue;
        }
        within.push(id);
        for field in fields(schema, id, &prefix) {
            if !(whole || reads.asks(&field.path)) {
                continue;
            }
            let whole_here = whole || reads.reads_whole(&field.path);
            if let (Type::Record(inner), _) = element(&field.info.ty) {
                pending.push((*inner, field.path.clone(), whole_here, within.clone()));
            }
            out.insert(field.path);
        }
    }
    out
}
