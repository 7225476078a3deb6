//! What a policy decides and asks for: the facts each decision reads, and a JSON Schema of its facts.

mod json_schema;

pub use json_schema::json_schema;

use crate::check::{Checked, CheckedDefinition, DefId, FieldInfo, Node, NodeKind, Schema, Type};
use crate::json::{Json, Map};
use crate::object;
use std::collections::BTreeMap;
use std::fmt::Write;

/// One fact a decision reads: the path as written and its declaration.
#[derive(Debug, Clone, Copy)]
pub struct FactRead<'a> {
    /// The path from the facts root, such as `recipient.locus.level`. A fact
    /// read inside an aggregate is the list's path.
    pub path: &'a str,
    /// The declared field: its name, type and description.
    pub field: &'a FieldInfo,
}

/// The facts a rule or decision reads, directly or through the rules and
/// decisions it depends on, each once, in the order they are declared.
pub fn facts_read(checked: &Checked, root: DefId) -> Vec<FactRead<'_>> {
    let mut found: BTreeMap<&[u32], &str> = BTreeMap::new();
    let mut visited = vec![false; checked.definitions().len()];
    let mut pending = vec![root];
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
        collect_facts(&definition.body, &mut found, &mut pending);
    }
    found
        .into_iter()
        .filter_map(|(slots, path)| {
            let field = fact_field(checked.schema(), slots)?;
            Some(FactRead { path, field })
        })
        .collect()
}

/// The declaration of the fact at `slots` (field indexes from the facts root).
pub fn fact_field<'a>(schema: &'a Schema, slots: &[u32]) -> Option<&'a FieldInfo> {
    let (first, rest) = slots.split_first()?;
    let mut field = schema.field(schema.facts?, *first as usize)?;
    for slot in rest {
        let Type::Record(id) = field.ty else {
            return None;
        };
        field = schema.field(id, *slot as usize)?;
    }
    Some(field)
}

/// The description of the fact at a dotted path as a determination lists it
/// (`member.itps[1].imr_chosen`: list positions are skipped).
pub fn fact_description<'a>(schema: &'a Schema, path: &str) -> Option<&'a str> {
    let mut record = schema.facts?;
    let mut found: Option<&FieldInfo> = None;
    for part in path.split('.') {
        let name = part.split('[').next().unwrap_or(part);
        if let Some(previous) = found {
            let inner = match &previous.ty {
                Type::List(inner) => inner.as_ref(),
                other => other,
            };
            let Type::Record(id) = inner else {
                return None;
            };
            record = *id;
        }
        let fields = &schema.records.get(record.0 as usize)?.fields;
        found = Some(fields.iter().find(|f| f.name == name)?);
    }
    found?.doc.as_deref()
}

/// Adds the facts a body reads to `found` and the definitions it refers to
/// to `pending`, walking the nodes with an explicit stack.
fn collect_facts<'a>(
    body: &'a Node,
    found: &mut BTreeMap<&'a [u32], &'a str>,
    pending: &mut Vec<DefId>,
) {
    let mut nodes = vec![body];
    while let Some(node) = nodes.pop() {
        match &node.kind {
            NodeKind::Fact(fact) => {
                found.insert(&fact.slots, &fact.path);
            }
            NodeKind::Definition(id) => pending.push(*id),
            _ => {}
        }
        nodes.extend(node.children());
    }
}

/// The policy for people: its header; each decision with its type, words,
/// citation and the facts it reads; then the named records and the
/// enumerations. Written in the language's own notation.
pub fn describe_text(checked: &Checked) -> String {
    let header = checked.header();
    let mut out = String::new();
    let _ = writeln!(out, "policy {}", header.name.text);
    let _ = writeln!(out, "  title {}", quoted(&header.title));
    let _ = writeln!(out, "  jurisdiction {}", quoted(&header.jurisdiction));
    let _ = writeln!(out, "  source {}", quoted(&header.source));
    let _ = writeln!(out, "  effective {}", header.effective);
    for (id, definition) in checked.decisions() {
        out.push('\n');
        write_decision(checked, id, definition, &mut out);
    }
    let schema = checked.schema();
    for (name, record) in named_records(schema) {
        let _ = writeln!(out, "\nrecord {name} {{");
        for field in &record.fields {
            let _ = writeln!(out, "  {}", field_text(schema, &field.name, field));
        }
        out.push_str("}\n");
    }
    for info in &schema.enums {
        let doc = info.doc.as_deref().map(quoted).unwrap_or_default();
        let space = if doc.is_empty() { "" } else { " " };
        let values: Vec<String> = info
            .variants
            .iter()
            .map(|v| match info.description(v) {
                Some(text) => format!("{v} {}", quoted(text)),
                None => v.clone(),
            })
            .collect();
        let values = values.join(", ");
        let _ = writeln!(out, "\nenum {}{space}{doc} {{ {values} }}", info.name);
    }
    out
}

fn write_decision(checked: &Checked, id: DefId, definition: &CheckedDefinition, out: &mut String) {
    let schema = checked.schema();
    let ty = schema.display(&definition.ty);
    let _ = writeln!(out, "decision {}: {ty}", definition.name);
    if let Some(label) = &definition.label {
        let _ = writeln!(out, "  {}", quoted(label));
    }
    match &definition.citation {
        Some(citation) => {
            let _ = writeln!(out, "  cite {}", quoted(citation));
        }
        None => out.push_str("  not cited\n"),
    }
    let reads = facts_read(checked, id);
    if reads.is_empty() {
        out.push_str("  facts read: none\n");
        return;
    }
    out.push_str("  facts read:\n");
    for read in reads {
        let _ = writeln!(out, "    {}", field_text(schema, read.path, read.field));
    }
}

/// `name: type "description"`, as in a `facts` block.
fn field_text(schema: &Schema, name: &str, field: &FieldInfo) -> String {
    let ty = schema.display(&field.ty);
    match &field.doc {
        Some(doc) => format!("{name}: {ty} {}", quoted(doc)),
        None => format!("{name}: {ty}"),
    }
}

/// Text in double quotes with the language's escapes.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            other => out.push(other),
        }
    }
    out.push('"');
    out
}

/// The records declared with `record Name { … }`, in declared order.
fn named_records(schema: &Schema) -> impl Iterator<Item = (&str, &crate::check::RecordInfo)> {
    schema
        .records
        .iter()
        .filter_map(|record| Some((record.name.as_deref()?, record)))
}

/// The same content as [`describe_text`] as JSON: `{"policy", "title",
/// "jurisdiction", "source", "effective", "decisions": {name: {"type",
/// "label", "citation", "facts": [{"path", "type", "description"}]}},
/// "records": {name: {"fields": [{"name", "type", "description"}]}},
/// "enums": {name: {"description", "values", "value_descriptions": {value:
/// text}}}}`, keys in this order.
pub fn describe_json(checked: &Checked) -> Json {
    let header = checked.header();
    let schema = checked.schema();
    let mut decisions = Map::new();
    for (id, definition) in checked.decisions() {
        let facts: Vec<Json> = facts_read(checked, id)
            .into_iter()
            .map(|read| field_json(schema, "path", read.path, read.field))
            .collect();
        let entry = object! {
            "type" => schema.display(&definition.ty),
            "label" => &definition.label,
            "citation" => &definition.citation,
            "facts" => facts,
        };
        decisions.insert(definition.name.clone(), entry);
    }
    let mut records = Map::new();
    for (name, record) in named_records(schema) {
        let fields: Vec<Json> = record
            .fields
            .iter()
            .map(|field| field_json(schema, "name", &field.name, field))
            .collect();
        records.insert(name, object! { "fields" => fields });
    }
    let mut enums = Map::new();
    for info in &schema.enums {
        let mut described = Map::new();
        for variant in &info.variants {
            if let Some(text) = info.description(variant) {
                described.insert(variant.clone(), text);
            }
        }
        let entry = object! {
            "description" => &info.doc,
            "values" => &info.variants,
            "value_descriptions" => described,
        };
        enums.insert(info.name.clone(), entry);
    }
    object! {
        "policy" => &header.name.text,
        "title" => &header.title,
        "jurisdiction" => &header.jurisdiction,
        "source" => &header.source,
        "effective" => header.effective.to_string(),
        "decisions" => decisions,
        "records" => records,
        "enums" => enums,
    }
}

/// `{key: name, "type", "description"}` for a field or a fact read.
fn field_json(schema: &Schema, key: &str, name: &str, field: &FieldInfo) -> Json {
    let mut out = Map::new();
    out.insert(key, name);
    out.insert("type", schema.display(&field.ty));
    out.insert("description", &field.doc);
    Json::Object(out)
}
