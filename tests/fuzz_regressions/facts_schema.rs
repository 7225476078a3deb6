//! The `facts_schema` target's logic: facts JSON generated from a shipped
//! policy's schema, then loaded, evaluated and rendered as `facts_json` does.
//!
//! Input: one selector byte (the policy, `byte % 3`), then the bytes the
//! generator draws its choices from. Most documents follow the schema —
//! the declared keys, values of the declared kinds near their edges, enum
//! values, lists from empty to thousands of entries, nested records — with
//! occasional deviations: a key left out or unknown or repeated, a value of
//! the wrong kind, very long text, deep nesting.

use crate::targets::{load_and_evaluate, policies};
use arbitrary::{Result, Unstructured};
use policyc::Format;
use policyc::check::{FieldInfo, Schema, Type};
use policyc::source::SourceFile;

/// The `facts_schema` target.
pub fn facts_schema(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (policy, prepared) = &policies()[usize::from(selector % 3)];
    let mut writer = Writer {
        u: Unstructured::new(rest),
        schema: policy.schema(),
        out: String::new(),
        values: 0,
    };
    // Running out of input is not an error: the generator then picks the
    // first choice everywhere, and stops at the budget.
    let _ = writer.document();
    let source = SourceFile::new("facts.json", writer.out);
    load_and_evaluate(policy, prepared, &source, Format::Json);
}

/// At most this many values in one document, so that runs stay fast.
const MAX_VALUES: usize = 200_000;
/// At most this many bytes of JSON in one document.
const MAX_BYTES: usize = 4 << 20;

struct Writer<'a, 's> {
    u: Unstructured<'a>,
    schema: &'s Schema,
    out: String,
    values: usize,
}

impl Writer<'_, '_> {
    /// True once in `n` times; false when the input has run out, so that a
    /// short input follows the schema.
    fn one_in(&mut self, n: u8) -> Result<bool> {
        Ok(self.u.int_in_range(1..=n)? == n)
    }

    fn full(&self) -> bool {
        self.values >= MAX_VALUES || self.out.len() >= MAX_BYTES
    }

    /// The whole document: usually an object with the facts and an `as_of`.
    fn document(&mut self) -> Result<()> {
        if self.one_in(64)? {
            return self.wrong(0);
        }
        let fields = self.schema.fact_fields();
        self.out.push('{');
        let mut first = true;
        if self.one_in(2)? {
            self.key("as_of", &mut first);
            if !self.one_in(8)? {
                self.date()?;
            } else {
                self.wrong(1)?;
            }
        }
        self.fields(fields, &mut first, 1)?;
        self.out.push('}');
        Ok(())
    }

    /// The fields of a record, then perhaps an unknown or repeated key.
    fn fields(&mut self, fields: &[FieldInfo], first: &mut bool, depth: usize) -> Result<()> {
        for field in fields {
            if self.full() {
                break;
            }
            // A field left out (as an unknown fact is).
            if self.one_in(8)? {
                continue;
            }
            if self.one_in(64)? {
                let misspelt = format!("{}_", field.name);
                self.key(&misspelt, first);
            } else {
                self.key(&field.name, first);
            }
            self.value(&field.ty, depth)?;
        }
        if self.one_in(32)? {
            self.key("unknown_key", first);
            self.wrong(depth)?;
        }
        if self.one_in(64)?
            && let Some(field) = fields.first()
        {
            self.key(&field.name, first);
            self.value(&field.ty, depth)?;
        }
        Ok(())
    }

    fn key(&mut self, key: &str, first: &mut bool) {
        if !*first {
            self.out.push(',');
        }
        *first = false;
        string(key, &mut self.out);
        self.out.push(':');
    }

    /// A value of type `ty`, or now and then of the wrong kind.
    fn value(&mut self, ty: &Type, depth: usize) -> Result<()> {
        self.values += 1;
        if self.one_in(48)? {
            return self.wrong(depth);
        }
        if self.one_in(64)? {
            self.out.push_str("null");
            return Ok(());
        }
        match ty {
            Type::Bool => {
                let b = self.u.arbitrary::<bool>()?;
                self.out.push_str(if b { "true" } else { "false" });
            }
            Type::Integer => self.integer()?,
            Type::Decimal => self.decimal()?,
            Type::Text => self.text()?,
            Type::Date => self.date()?,
            // A duration is never a fact: only null or nothing is accepted.
            Type::Duration(_) => self.out.push_str("null"),
            Type::Enum(id) => {
                let variants = self
                    .schema
                    .enumeration(*id)
                    .map(|e| e.variants.as_slice())
                    .unwrap_or_default();
                match self.u.int_in_range(0u8..=31)? {
                    0 => string("not_a_value", &mut self.out),
                    1 => {
                        let v = self.u.choose(variants).map(String::as_str).unwrap_or("");
                        string(&v.to_uppercase(), &mut self.out);
                    }
                    _ => {
                        let v = self.u.choose(variants).map(String::as_str).unwrap_or("");
                        string(v, &mut self.out);
                    }
                }
            }
            Type::Record(id) => {
                let fields = self
                    .schema
                    .record(*id)
                    .map(|r| r.fields.as_slice())
                    .unwrap_or_default();
                self.out.push('{');
                let mut first = true;
                self.fields(fields, &mut first, depth + 1)?;
                self.out.push('}');
            }
            Type::List(inner) => {
                let length = match self.u.int_in_range(0u8..=15)? {
                    0..=3 => 0,
                    4..=12 => self.u.int_in_range(1usize..=5)?,
                    13 | 14 => self.u.int_in_range(6usize..=100)?,
                    _ => self.u.int_in_range(100usize..=5_000)?,
                };
                self.out.push('[');
                for index in 0..length {
                    if self.full() {
                        break;
                    }
                    if index > 0 {
                        self.out.push(',');
                    }
                    self.value(inner, depth + 1)?;
                }
                self.out.push(']');
            }
        }
        Ok(())
    }

    /// Integers near zero and the edges of `i64`, and just past them.
    fn integer(&mut self) -> Result<()> {
        const EDGES: &[&str] = &[
            "0",
            "-0",
            "1",
            "-1",
            "9223372036854775807",
            "-9223372036854775808",
            "9223372036854775808",
            "-9223372036854775809",
            "18446744073709551616",
            "2147483648",
            "1.0",
            "1e3",
            "170141183460469231731687303715884105728",
        ];
        match self.u.int_in_range(0u8..=7)? {
            0..=3 => {
                let n = self.u.int_in_range(0u16..=400)?;
                self.out.push_str(&n.to_string());
            }
            4 | 5 => {
                let edge = *self.u.choose(EDGES)?;
                self.out.push_str(edge);
            }
            _ => {
                let n = self.u.arbitrary::<i64>()?;
                self.out.push_str(&n.to_string());
            }
        }
        Ok(())
    }

    /// Decimals with few or many digits, exponents, and edges.
    fn decimal(&mut self) -> Result<()> {
        const EDGES: &[&str] = &[
            "0",
            "0.0",
            "-0.0",
            "1e-30",
            "2.5E+3",
            "1e400",
            "-1e-400",
            "99999999999999999999999999999999999999",
            "999999999999999999999999999999999999999",
            "0.00000000000000000000000000000000000001",
            "340282366920938463463374607431768211456",
            "1e32767",
        ];
        match self.u.int_in_range(0u8..=7)? {
            0..=2 => {
                let whole = self.u.int_in_range(0u16..=2_000)?;
                let cents = self.u.int_in_range(0u8..=99)?;
                self.out.push_str(&format!("{whole}.{cents:02}"));
            }
            3 | 4 => {
                let edge = *self.u.choose(EDGES)?;
                self.out.push_str(edge);
            }
            _ => {
                if self.u.arbitrary::<bool>()? {
                    self.out.push('-');
                }
                let whole = self.u.int_in_range(1usize..=60)?;
                let fraction = self.u.int_in_range(0usize..=60)?;
                self.digits(whole)?;
                if fraction > 0 {
                    self.out.push('.');
                    self.digits(fraction)?;
                }
                if self.one_in(4)? {
                    let exponent = self.u.int_in_range(-40_000i32..=40_000)?;
                    self.out.push_str(&format!("e{exponent}"));
                }
            }
        }
        Ok(())
    }

    fn digits(&mut self, count: usize) -> Result<()> {
        for _ in 0..count {
            let digit = self.u.int_in_range(0u8..=9)?;
            self.out.push(char::from(b'0' + digit));
        }
        Ok(())
    }

    /// Short words mostly, sometimes any characters or a very long line.
    fn text(&mut self) -> Result<()> {
        match self.u.int_in_range(0u8..=15)? {
            0..=9 => {
                let word = *self
                    .u
                    .choose(&["", "a", "27053", "Hennepin", "é 中文 🙂", "\"\\"])?;
                string(word, &mut self.out);
            }
            10..=13 => {
                let any = self.u.arbitrary::<String>()?;
                string(&any, &mut self.out);
            }
            14 => self.out.push_str("\"\\ud800\""),
            _ => {
                let times = self.u.int_in_range(1usize..=100_000)?;
                string(&"x".repeat(times), &mut self.out);
            }
        }
        Ok(())
    }

    /// Dates near month ends, leap days and the ends of the calendar, and
    /// now and then one that does not exist or is not a date.
    fn date(&mut self) -> Result<()> {
        const EDGES: &[&str] = &[
            "0001-01-01",
            "9999-12-31",
            "0000-01-01",
            "2024-02-29",
            "2025-02-29",
            "1900-02-29",
            "2000-02-29",
            "2026-03-01",
            "2026-04-31",
            "2026-13-01",
            "2026-3-1",
            "2026-03-01T00:00:00",
            "+2026-03-01",
            "",
        ];
        if self.one_in(4)? {
            let edge = *self.u.choose(EDGES)?;
            string(edge, &mut self.out);
            return Ok(());
        }
        let year = *self
            .u
            .choose(&[1u16, 4, 1900, 2000, 2020, 2024, 2025, 2026, 2027, 9999])?;
        let month = self.u.int_in_range(1u8..=12)?;
        let day = *self.u.choose(&[1u8, 2, 15, 28, 29, 30, 31])?;
        string(&format!("{year:04}-{month:02}-{day:02}"), &mut self.out);
        Ok(())
    }

    /// A value of some other kind than the schema asks for.
    fn wrong(&mut self, depth: usize) -> Result<()> {
        match self.u.int_in_range(0u8..=9)? {
            0 => self.out.push_str("null"),
            1 => self.out.push_str("true"),
            2 => self.out.push_str("12"),
            3 => self.out.push_str("-3.25"),
            4 => string("2026-03-01", &mut self.out),
            5 => self.out.push_str("{}"),
            6 => self.out.push_str("[]"),
            7 => self.text()?,
            8 => {
                // Deep nesting, past what any reader should recurse into.
                let levels = self.u.int_in_range(1usize..=5_000)?;
                let open = if self.u.arbitrary::<bool>()? {
                    "["
                } else {
                    "{\"a\":"
                };
                let close = if open == "[" { "]" } else { "}" };
                self.out.push_str(&open.repeat(levels));
                self.out.push('0');
                self.out.push_str(&close.repeat(levels));
            }
            _ => {
                if depth < 8 {
                    self.out.push('[');
                    self.wrong(depth + 1)?;
                    self.out.push(']');
                } else {
                    self.out.push_str("[]");
                }
            }
        }
        Ok(())
    }
}

/// `value` as a JSON string.
fn string(value: &str, out: &mut String) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}
