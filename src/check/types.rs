//! Types and the input schema: enumerations, records and the facts root.

use std::fmt::Write;

/// An enumeration's index in the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EnumId(pub u32);

/// A record type's index in the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RecordId(pub u32);

/// The type of an expression, a fact or a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    /// `boolean`.
    Bool,
    /// `integer`.
    Integer,
    /// `decimal`.
    Decimal,
    /// `text`.
    Text,
    /// `date`.
    Date,
    /// A length of time, such as `15 days`, in days (and weeks) or in
    /// months (and years): the two do not compare.
    Duration(crate::ast::Calendar),
    /// A declared enumeration.
    Enum(EnumId),
    /// A record type.
    Record(RecordId),
    /// `list of T`.
    List(Box<Type>),
}

impl Type {
    /// Whether it is `integer` or `decimal`.
    pub fn is_number(&self) -> bool {
        matches!(self, Type::Integer | Type::Decimal)
    }
}

/// An enumeration: its name and values.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumInfo {
    /// The name.
    pub name: String,
    /// The values, in declared order.
    pub variants: Vec<String>,
    /// Each value's description, beside `variants`.
    pub descriptions: Vec<Option<String>>,
    /// The description.
    pub doc: Option<String>,
}

impl EnumInfo {
    /// The description of the value `variant`, if it has one.
    pub fn description(&self, variant: &str) -> Option<&str> {
        let index = self.variants.iter().position(|v| v == variant)?;
        self.descriptions.get(index)?.as_deref()
    }
}

/// A record type: its fields in declared order.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordInfo {
    /// The name, for named records.
    pub name: Option<String>,
    /// The fields.
    pub fields: Vec<FieldInfo>,
}

/// One field of a record.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldInfo {
    /// The name.
    pub name: String,
    /// The type.
    pub ty: Type,
    /// The description.
    pub doc: Option<String>,
}

/// Every type a policy declares, and the record type of its facts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schema {
    /// Enumerations by `EnumId`.
    pub enums: Vec<EnumInfo>,
    /// Records by `RecordId`.
    pub records: Vec<RecordInfo>,
    /// The facts root, once declared.
    pub facts: Option<RecordId>,
    /// The values of absent facts, built once the schema is complete.
    pub absent: Option<std::sync::Arc<super::absent::Absent>>,
}

impl Schema {
    /// An enumeration by id.
    pub fn enumeration(&self, id: EnumId) -> Option<&EnumInfo> {
        self.enums.get(id.0 as usize)
    }

    /// A record by id.
    pub fn record(&self, id: RecordId) -> Option<&RecordInfo> {
        self.records.get(id.0 as usize)
    }

    /// The field of a record by position.
    pub fn field(&self, id: RecordId, slot: usize) -> Option<&FieldInfo> {
        self.record(id).and_then(|r| r.fields.get(slot))
    }

    /// The facts root's fields (none before a `facts` block is seen).
    pub fn fact_fields(&self) -> &[FieldInfo] {
        self.facts
            .and_then(|id| self.record(id))
            .map_or(&[], |r| r.fields.as_slice())
    }

    /// Whether two types are the same, comparing records by shape.
    pub fn same(&self, a: &Type, b: &Type) -> bool {
        match (a, b) {
            (Type::Record(x), Type::Record(y)) => x == y || self.same_record(*x, *y),
            (Type::List(x), Type::List(y)) => self.same(x, y),
            _ => a == b,
        }
    }

    fn same_record(&self, x: RecordId, y: RecordId) -> bool {
        let (Some(x), Some(y)) = (self.record(x), self.record(y)) else {
            return false;
        };
        x.fields.len() == y.fields.len()
            && x.fields
                .iter()
                .zip(&y.fields)
                .all(|(f, g)| f.name == g.name && self.same(&f.ty, &g.ty))
    }

    /// Whether a value of type `found` may stand where `wanted` is expected
    /// (the same type, or an integer where a decimal is wanted).
    pub fn fits(&self, found: &Type, wanted: &Type) -> bool {
        self.same(found, wanted) || (*found == Type::Integer && *wanted == Type::Decimal)
    }

    /// A type as a noun for messages: `a date`, `an integer`, `text`,
    /// `a list of Stay`, `a Level value`.
    pub fn describe(&self, ty: &Type) -> String {
        let noun = self.display(ty);
        match ty {
            Type::Text => noun,
            Type::Enum(_) => format!("a {noun} value"),
            Type::Integer => format!("an {noun}"),
            Type::Record(_) if noun.starts_with('{') => format!("a record {noun}"),
            Type::Record(_) => format!("a {noun} record"),
            _ => format!("a {noun}"),
        }
    }

    /// A type as an analyst would write it: `list of Stay`, `{ days: integer }`.
    pub fn display(&self, ty: &Type) -> String {
        let mut out = String::new();
        self.write_type(ty, &mut out, 0);
        out
    }

    fn write_type(&self, ty: &Type, out: &mut String, depth: usize) {
        let _ = match ty {
            Type::Bool => write!(out, "boolean"),
            Type::Integer => write!(out, "integer"),
            Type::Decimal => write!(out, "decimal"),
            Type::Text => write!(out, "text"),
            Type::Date => write!(out, "date"),
            Type::Duration(crate::ast::Calendar::Days) => write!(out, "length of time in days"),
            Type::Duration(crate::ast::Calendar::Months) => {
                write!(out, "length of time in months")
            }
            Type::Enum(id) => write!(
                out,
                "{}",
                self.enumeration(*id).map_or("?", |e| e.name.as_str())
            ),
            Type::List(element) => {
                out.push_str("list of ");
                self.write_type(element, out, depth);
                Ok(())
            }
            Type::Record(id) => {
                self.write_record(*id, out, depth);
                Ok(())
            }
        };
    }

    fn write_record(&self, id: RecordId, out: &mut String, depth: usize) {
        let Some(record) = self.record(id) else {
            out.push_str("record");
            return;
        };
        if let Some(name) = &record.name {
            out.push_str(name);
            return;
        }
        if depth > 2 {
            out.push_str("{ … }");
            return;
        }
        out.push_str("{ ");
        for (index, field) in record.fields.iter().enumerate() {
            if index > 0 {
                out.push_str(", ");
            }
            out.push_str(&field.name);
            out.push_str(": ");
            self.write_type(&field.ty, out, depth + 1);
        }
        out.push_str(" }");
    }
}
