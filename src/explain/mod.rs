//! Determinations for people and programs: an indented, optionally coloured
//! tree, or JSON of a documented, stable shape (see docs/output.md).

mod human;
mod json;

pub use human::human;
pub use json::{to_json, value_json};

use crate::check::{Schema, Type};
use crate::value::Value;

/// A value as text for people: `true`, `2026-03-01`, `significant`, `unknown`.
pub fn value_text(value: &Value, ty: &Type, schema: &Schema) -> String {
    match (value, ty) {
        (Value::Bool(b), _) => b.to_string(),
        (Value::Integer(i), _) => i.to_string(),
        (Value::Decimal(d), _) => d.to_string(),
        (Value::Text(t), _) => format!("{t:?}"),
        (Value::Date(d), _) => d.to_string(),
        (Value::Duration(d), _) => duration_text(d),
        (Value::Enum(i), Type::Enum(id)) => schema
            .enumeration(*id)
            .and_then(|e| e.variants.get(*i as usize))
            .cloned()
            .unwrap_or_else(|| "?".to_owned()),
        (Value::Range(range), _) => {
            format!("unknown (between {} and {})", range.low, range.high)
        }
        (Value::Unknown(_), _) => "unknown".to_owned(),
        (Value::List(items), Type::List(element)) => {
            let shown: Vec<String> = items
                .iter()
                .take(5)
                .map(|v| value_text(v, element, schema))
                .collect();
            let more = if items.len() > 5 {
                format!(", … ({} in all)", items.len())
            } else {
                String::new()
            };
            format!("[{}{more}]", shown.join(", "))
        }
        (Value::Record(fields), Type::Record(id)) => {
            let names = schema
                .record(*id)
                .map(|r| r.fields.as_slice())
                .unwrap_or(&[]);
            let parts: Vec<String> = names
                .iter()
                .zip(fields.iter())
                .map(|(f, v)| format!("{}: {}", f.name, value_text(v, &f.ty, schema)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        _ => "?".to_owned(),
    }
}

/// A value as text for people with, for an enumeration value that has a
/// description, the description after it: `other (Anyone not listed above)`.
pub fn value_text_described(value: &Value, ty: &Type, schema: &Schema) -> String {
    let text = value_text(value, ty, schema);
    let description = match (value, ty) {
        (Value::Enum(i), Type::Enum(id)) => schema
            .enumeration(*id)
            .and_then(|e| e.descriptions.get(*i as usize))
            .and_then(Option::as_deref),
        _ => None,
    };
    match description {
        Some(d) => format!("{text} ({d})"),
        None => text,
    }
}

fn duration_text(d: &crate::ast::Duration) -> String {
    use crate::ast::TimeUnit;
    let unit = match d.unit {
        TimeUnit::Day => "day",
        TimeUnit::Week => "week",
        TimeUnit::Month => "month",
        TimeUnit::Year => "year",
    };
    let plural = if d.amount == 1 { "" } else { "s" };
    format!("{} {unit}{plural}", d.amount)
}
