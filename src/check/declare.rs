//! Builds the schema (enums, records, facts) and the table of definitions
//! from the declarations, reporting duplicates and unknown types.

use super::error::CheckError;
use super::types::{EnumId, EnumInfo, FieldInfo, RecordId, RecordInfo, Schema, Type};
use crate::ast::{self, FieldDecl, Item, Name, TypeExpr};
use crate::source::Span;
use crate::suggest;
use std::collections::HashMap;

/// The built-in type names.
pub const BUILTIN_TYPES: [&str; 5] = ["boolean", "integer", "decimal", "text", "date"];

/// The names a policy declares, by namespace.
#[derive(Default)]
pub(crate) struct Declarations {
    pub schema: Schema,
    /// Enum and record names → their type.
    pub types: HashMap<String, (Type, Span)>,
    /// Fact names (top level) → slot in the facts record.
    pub facts: HashMap<String, (usize, Span)>,
    /// Rule and decision names → index in the file's definitions.
    pub definitions: HashMap<String, (usize, Span)>,
}

impl Declarations {
    /// Reads every declaration of `file`, pushing errors as found.
    pub fn collect(file: &ast::PolicyFile, errors: &mut Vec<CheckError>) -> Self {
        let mut decl = Declarations::default();
        decl.declare_type_names(file, errors);
        decl.fill_types(file, errors);
        decl.declare_facts(file, errors);
        decl.declare_definitions(file, errors);
        decl
    }

    fn declare_type_names(&mut self, file: &ast::PolicyFile, errors: &mut Vec<CheckError>) {
        for item in &file.items {
            let (name, ty) = match item {
                Item::Enum(e) => {
                    let id = EnumId(self.schema.enums.len() as u32);
                    self.schema.enums.push(EnumInfo {
                        name: e.name.text.clone(),
                        variants: Vec::new(),
                        descriptions: Vec::new(),
                        doc: e.doc.clone(),
                    });
                    (&e.name, Type::Enum(id))
                }
                Item::Record(r) => {
                    let id = RecordId(self.schema.records.len() as u32);
                    self.schema.records.push(RecordInfo {
                        name: Some(r.name.text.clone()),
                        fields: Vec::new(),
                    });
                    (&r.name, Type::Record(id))
                }
                _ => continue,
            };
            if name.text == "it" {
                errors.push(reserved_it(name, "a type"));
            } else if BUILTIN_TYPES.contains(&name.text.as_str()) {
                errors.push(CheckError::ReservedType {
                    span: name.span,
                    name: name.text.clone(),
                });
            } else if let Some((_, first)) = self.types.get(&name.text) {
                errors.push(duplicate(name, *first));
            } else {
                self.types.insert(name.text.clone(), (ty, name.span));
            }
        }
    }

    fn fill_types(&mut self, file: &ast::PolicyFile, errors: &mut Vec<CheckError>) {
        let (mut enum_index, mut record_index) = (0usize, 0usize);
        for item in &file.items {
            match item {
                Item::Enum(e) => {
                    let (variants, descriptions) = enum_variants(e, errors);
                    if let Some(info) = self.schema.enums.get_mut(enum_index) {
                        info.variants = variants;
                        info.descriptions = descriptions;
                    }
                    enum_index += 1;
                }
                Item::Record(r) => {
                    let fields = self.field_infos(&r.fields, errors);
                    if let Some(info) = self.schema.records.get_mut(record_index) {
                        info.fields = fields;
                    }
                    record_index += 1;
                }
                _ => {}
            }
        }
        self.reject_self_containing_records(file, errors);
    }

    /// A record that contains itself other than through a list could never
    /// be written down; reject it (it would also make absent facts endless).
    fn reject_self_containing_records(&self, file: &ast::PolicyFile, errors: &mut Vec<CheckError>) {
        let named = file.items.iter().filter_map(|item| match item {
            Item::Record(r) => Some(r),
            _ => None,
        });
        for (index, record) in named.enumerate() {
            let start = RecordId(index as u32);
            let mut stack = vec![start];
            let mut seen = vec![false; self.schema.records.len()];
            let mut cyclic = false;
            while let Some(id) = stack.pop() {
                for field in self.schema.record(id).map_or(&[][..], |r| &r.fields) {
                    if let Type::Record(next) = field.ty {
                        cyclic |= next == start;
                        if let Some(flag) = seen.get_mut(next.0 as usize).filter(|f| !**f) {
                            *flag = true;
                            stack.push(next);
                        }
                    }
                }
            }
            if cyclic {
                errors.push(CheckError::RecordFields {
                    span: record.name.span,
                    message: format!("record `{}` contains itself", record.name.text),
                    help: "a record may hold a `list of` itself, but not itself directly"
                        .to_owned(),
                });
            }
        }
    }

    fn declare_facts(&mut self, file: &ast::PolicyFile, errors: &mut Vec<CheckError>) {
        let mut fields = Vec::new();
        let mut declared_any = false;
        for item in &file.items {
            let Item::Facts(facts) = item else { continue };
            declared_any = true;
            for decl in &facts.fields {
                if decl.name.text == "it" {
                    errors.push(reserved_it(&decl.name, "a fact"));
                    continue;
                }
                if let Some((_, first)) = self.facts.get(&decl.name.text) {
                    errors.push(duplicate(&decl.name, *first));
                    continue;
                }
                self.facts
                    .insert(decl.name.text.clone(), (fields.len(), decl.name.span));
                fields.push(decl.clone());
            }
        }
        if declared_any {
            let infos = self.field_infos(&fields, errors);
            let id = RecordId(self.schema.records.len() as u32);
            self.schema.records.push(RecordInfo {
                name: None,
                fields: infos,
            });
            self.schema.facts = Some(id);
        }
    }

    fn declare_definitions(&mut self, file: &ast::PolicyFile, errors: &mut Vec<CheckError>) {
        for (index, def) in definitions(file).enumerate() {
            let name = &def.name;
            if name.text == "it" {
                errors.push(reserved_it(name, "a rule or decision"));
                continue;
            }
            let clash = self
                .definitions
                .get(&name.text)
                .or_else(|| self.facts.get(&name.text))
                .map(|(_, span)| *span);
            match clash {
                Some(first) => errors.push(duplicate(name, first)),
                None => {
                    self.definitions
                        .insert(name.text.clone(), (index, name.span));
                }
            }
        }
    }

    fn field_infos(&mut self, decls: &[FieldDecl], errors: &mut Vec<CheckError>) -> Vec<FieldInfo> {
        decls
            .iter()
            .filter_map(|decl| {
                if decl.name.text == "it" {
                    errors.push(reserved_it(&decl.name, "a record field"));
                    return None;
                }
                let ty = self.resolve_type(&decl.ty, errors)?;
                Some(FieldInfo {
                    name: decl.name.text.clone(),
                    ty,
                    doc: decl.doc.clone(),
                })
            })
            .collect()
    }

    /// The type a type expression names, or `None` after reporting why not.
    pub fn resolve_type(&mut self, ty: &TypeExpr, errors: &mut Vec<CheckError>) -> Option<Type> {
        match ty {
            TypeExpr::Named(name) => self.named_type(name, errors),
            TypeExpr::List(element, _) => {
                Some(Type::List(Box::new(self.resolve_type(element, errors)?)))
            }
            TypeExpr::Record(fields, _) => {
                let infos = self.field_infos(fields, errors);
                if infos.len() != fields.len() {
                    return None;
                }
                let id = RecordId(self.schema.records.len() as u32);
                self.schema.records.push(RecordInfo {
                    name: None,
                    fields: infos,
                });
                Some(Type::Record(id))
            }
        }
    }

    fn named_type(&self, name: &Name, errors: &mut Vec<CheckError>) -> Option<Type> {
        let builtin = match name.text.as_str() {
            "boolean" => Some(Type::Bool),
            "integer" => Some(Type::Integer),
            "decimal" => Some(Type::Decimal),
            "text" => Some(Type::Text),
            "date" => Some(Type::Date),
            _ => None,
        };
        if let Some(ty) = builtin.or_else(|| self.types.get(&name.text).map(|(t, _)| t.clone())) {
            return Some(ty);
        }
        let candidates = BUILTIN_TYPES
            .iter()
            .copied()
            .chain(self.types.keys().map(String::as_str));
        let help = match suggest::closest(&name.text, candidates) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!(
                "the built-in types are {}; declare others with `enum` or `record`",
                BUILTIN_TYPES.join(", ")
            ),
        };
        errors.push(CheckError::UnknownType {
            span: name.span,
            name: name.text.clone(),
            help,
        });
        None
    }
}

/// The rules and decisions of a file, in order.
pub(crate) fn definitions(file: &ast::PolicyFile) -> impl Iterator<Item = &ast::Definition> {
    file.items.iter().filter_map(|item| match item {
        Item::Definition(def) => Some(def),
        _ => None,
    })
}

/// An enumeration's distinct values and, beside them, their descriptions.
fn enum_variants(
    e: &ast::EnumDef,
    errors: &mut Vec<CheckError>,
) -> (Vec<String>, Vec<Option<String>>) {
    let mut variants: Vec<&ast::Variant> = Vec::new();
    for variant in &e.variants {
        if variant.name.text == "it" {
            errors.push(reserved_it(&variant.name, "an enum value"));
            continue;
        }
        match variants.iter().find(|v| v.name.text == variant.name.text) {
            Some(first) => errors.push(duplicate(&variant.name, first.name.span)),
            None => variants.push(variant),
        }
    }
    if variants.is_empty() {
        errors.push(CheckError::RecordFields {
            span: e.name.span,
            message: format!("enum `{}` has no values", e.name.text),
            help: "list its values between the braces, e.g. `{ mild, moderate, significant }`"
                .to_owned(),
        });
    }
    variants
        .into_iter()
        .map(|v| (v.name.text.clone(), v.doc.clone()))
        .unzip()
}

fn reserved_it(name: &Name, what: &str) -> CheckError {
    CheckError::ReservedIt {
        span: name.span,
        what: what.to_owned(),
    }
}

fn duplicate(name: &Name, first: Span) -> CheckError {
    CheckError::Duplicate {
        span: name.span,
        first,
        name: name.text.clone(),
    }
}
