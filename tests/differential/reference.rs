//! A deliberately simple reference evaluator, written from docs/language.md sections 8-12.
//!
//! It walks the syntax tree, resolves names itself and shares no code with
//! the production checker or evaluator.

use policyc::ast::{
    AggregateKind, BinaryOp, Cell, Definition, Direction, Duration, Expr, ExprKind, HitPolicy,
    Item, PolicyFile, Quantifier, TimeUnit, TypeExpr, UnaryOp,
};
use rust_decimal::Decimal;
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

/// The facts whose absence leaves a value open.
pub type Missing = BTreeSet<String>;

/// A value as the reference sees it.
#[derive(Clone, Debug)]
pub enum V {
    /// Fully known.
    Known(K),
    /// Unknown, because these facts are missing.
    Unknown(Missing),
    /// A whole number between two bounds (both included).
    Range(i64, i64, Missing),
}

/// A known value.
#[derive(Clone, Debug)]
pub enum K {
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A decimal.
    Dec(Decimal),
    /// Text.
    Text(String),
    /// A date, as days since 1970-01-01.
    Date(i64),
    /// A length of time.
    Dur(i64, TimeUnit),
    /// An enum value, by name.
    Enum(String),
    /// A list.
    List(Vec<V>),
    /// A record's fields by name.
    Rec(Vec<(String, V)>),
}

/// An evaluation failure (overflow, division by zero, no table row).
pub type Fail = String;

/// One decision's outcome: name, value as JSON, sorted missing facts.
pub type Outcome = (String, Json, Vec<String>);

fn unknown(sets: &[&Missing]) -> V {
    let mut all = Missing::new();
    for s in sets {
        all.extend(s.iter().cloned());
    }
    V::Unknown(all)
}

fn missing_of(v: &V) -> Missing {
    match v {
        V::Known(_) => Missing::new(),
        V::Unknown(m) | V::Range(_, _, m) => m.clone(),
    }
}

// ---------- dates, written from scratch ----------

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn month_len(y: i64, m: i64) -> i64 {
    match m {
        2 if leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parses `YYYY-MM-DD` into a day number.
pub fn parse_date(text: &str) -> Option<i64> {
    let parts: Vec<&str> = text.split('-').collect();
    if parts.len() != 3 {
        return None;
    }
    let y: i64 = parts[0].parse().ok()?;
    let m: i64 = parts[1].parse().ok()?;
    let d: i64 = parts[2].parse().ok()?;
    if !(1..=12).contains(&m) || d < 1 || d > month_len(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// Formats a day number as `YYYY-MM-DD`.
pub fn format_date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

fn add_months(days: i64, months: i64) -> i64 {
    let (y, m, d) = civil_from_days(days);
    let total = y * 12 + (m - 1) + months;
    let ny = total.div_euclid(12);
    let nm = total.rem_euclid(12) + 1;
    days_from_civil(ny, nm, d.min(month_len(ny, nm)))
}

/// A date moved by a length of time (`sign` is 1 or -1).
pub fn shift(days: i64, dur: Duration, sign: i64) -> i64 {
    let n = dur.amount * sign;
    match dur.unit {
        TimeUnit::Day => days + n,
        TimeUnit::Week => days + 7 * n,
        TimeUnit::Month => add_months(days, n),
        TimeUnit::Year => add_months(days, 12 * n),
    }
}

fn age(birth: i64, on: i64) -> i64 {
    let (by, bm, bd) = civil_from_days(birth);
    let (oy, om, od) = civil_from_days(on);
    let mut years = oy - by;
    if (om, od) < (bm, bd) {
        years -= 1;
    }
    years
}

// ---------- three-valued logic ----------

/// A truth value of the three-valued logic, with missing facts when unknown.
enum T {
    Yes,
    No,
    Open(Missing),
}

fn truth(v: &V) -> T {
    match v {
        V::Known(K::Bool(true)) => T::Yes,
        V::Known(K::Bool(false)) => T::No,
        other => T::Open(missing_of(other)),
    }
}

fn from_truth(t: T) -> V {
    match t {
        T::Yes => V::Known(K::Bool(true)),
        T::No => V::Known(K::Bool(false)),
        T::Open(m) => V::Unknown(m),
    }
}

/// `at least n of` over the items' truth values: every form of criteria list.
fn at_least(items: &[T], n: usize) -> T {
    let yes = items.iter().filter(|t| matches!(t, T::Yes)).count();
    let open: Vec<&Missing> = items
        .iter()
        .filter_map(|t| match t {
            T::Open(m) => Some(m),
            _ => None,
        })
        .collect();
    if yes >= n {
        T::Yes
    } else if yes + open.len() < n {
        T::No
    } else {
        let mut all = Missing::new();
        for m in open {
            all.extend(m.iter().cloned());
        }
        T::Open(all)
    }
}

fn not(t: T) -> T {
    match t {
        T::Yes => T::No,
        T::No => T::Yes,
        open => open,
    }
}

/// Three-valued combination of operands some of which may have failed: a
/// failure is ignored when the operands that did not fail settle the result
/// (docs/language.md, "Errors that do not matter"), else the first one is
/// the answer.
fn settled(items: Vec<Result<T, Fail>>, q: Quantifier) -> Result<T, Fail> {
    let count = items.len();
    let mut known = Vec::new();
    let mut first = None;
    for item in items {
        match item {
            Ok(t) => known.push(t),
            Err(e) => {
                if first.is_none() {
                    first = Some(e);
                }
            }
        }
    }
    let yes = known.iter().filter(|t| matches!(t, T::Yes)).count();
    let no = known.iter().filter(|t| matches!(t, T::No)).count();
    if let Some(e) = first {
        let settles = match q {
            Quantifier::All => no > 0,
            Quantifier::Any | Quantifier::None => yes > 0,
            Quantifier::AtLeast(n) => yes >= n as usize || count - no < n as usize,
        };
        if !settles {
            return Err(e);
        }
    }
    Ok(match q {
        Quantifier::All => all_of(known),
        Quantifier::Any => any_of(known),
        Quantifier::None => not(any_of(known)),
        Quantifier::AtLeast(n) => at_least(&known, n as usize),
    })
}

fn all_of(items: Vec<T>) -> T {
    let n = items.len();
    at_least(&items, n)
}

fn any_of(items: Vec<T>) -> T {
    if items.is_empty() {
        return T::No;
    }
    at_least(&items, 1)
}

// ---------- the evaluator ----------

/// What the policy declares, looked up by name.
struct Env<'a> {
    defs: BTreeMap<String, &'a Definition>,
    enums: Vec<(String, Vec<String>)>,
    facts: BTreeMap<String, V>,
    as_of: i64,
}

/// Builds a value from the facts file, following the declared type.
fn load(
    ty: &TypeExpr,
    json: Option<&Json>,
    path: &str,
    records: &BTreeMap<String, Vec<(String, TypeExpr)>>,
) -> V {
    let json = json.filter(|j| !j.is_null());
    let fields_of = |fields: &[(String, TypeExpr)]| {
        let obj = json.and_then(Json::as_object);
        V::Known(K::Rec(
            fields
                .iter()
                .map(|(name, t)| {
                    (
                        name.clone(),
                        load(
                            t,
                            obj.and_then(|o| o.get(name)),
                            &format!("{path}.{name}"),
                            records,
                        ),
                    )
                })
                .collect(),
        ))
    };
    match ty {
        TypeExpr::Record(fields, _) => {
            let fields: Vec<(String, TypeExpr)> = fields
                .iter()
                .map(|f| (f.name.text.clone(), f.ty.clone()))
                .collect();
            fields_of(&fields)
        }
        TypeExpr::List(elem, _) => match json.and_then(Json::as_array) {
            None => V::Unknown([path.to_owned()].into()),
            Some(items) => V::Known(K::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, j)| load(elem, Some(j), &format!("{path}[{i}]"), records))
                    .collect(),
            )),
        },
        TypeExpr::Named(name) => {
            if let Some(fields) = records.get(&name.text) {
                return fields_of(fields);
            }
            let open = || V::Unknown([path.to_owned()].into());
            let Some(j) = json else { return open() };
            let k = match name.text.as_str() {
                "boolean" => j.as_bool().map(K::Bool),
                "integer" => j.as_i64().map(K::Int),
                "decimal" => Decimal::from_str(&j.to_string()).ok().map(K::Dec),
                "text" => j.as_str().map(|s| K::Text(s.to_owned())),
                "date" => j.as_str().and_then(parse_date).map(K::Date),
                _ => j.as_str().map(|s| K::Enum(s.to_owned())),
            };
            k.map_or_else(open, V::Known)
        }
    }
}

fn date_of(d: &jiff::civil::Date) -> i64 {
    days_from_civil(
        i64::from(d.year()),
        i64::from(d.month()),
        i64::from(d.day()),
    )
}

/// The text of a list expression written as a path, for `min`/`max` of no entries.
fn path_text(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Path(names) => names
            .iter()
            .map(|n| n.text.as_str())
            .collect::<Vec<_>>()
            .join("."),
        _ => "?".to_owned(),
    }
}

/// Duration lengths, for comparisons: (days, months).
fn dur_len(n: i64, unit: TimeUnit) -> (bool, i64) {
    match unit {
        TimeUnit::Day => (true, n),
        TimeUnit::Week => (true, 7 * n),
        TimeUnit::Month => (false, n),
        TimeUnit::Year => (false, 12 * n),
    }
}

/// Orders two known scalars; `None` when they do not compare.
fn order(a: &K, b: &K) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (K::Int(x), K::Int(y)) => Some(x.cmp(y)),
        (K::Int(x), K::Dec(y)) => Some(Decimal::from(*x).cmp(y)),
        (K::Dec(x), K::Int(y)) => Some(x.cmp(&Decimal::from(*y))),
        (K::Dec(x), K::Dec(y)) => Some(x.cmp(y)),
        (K::Date(x), K::Date(y)) => Some(x.cmp(y)),
        (K::Bool(x), K::Bool(y)) => Some(x.cmp(y)),
        (K::Text(x), K::Text(y)) | (K::Enum(x), K::Enum(y)) => Some(x.cmp(y)),
        (K::Dur(x, u), K::Dur(y, w)) => {
            let (a, b) = (dur_len(*x, *u), dur_len(*y, *w));
            (a.0 == b.0).then(|| a.1.cmp(&b.1))
        }
        _ => None,
    }
}

/// A comparison, three-valued, with ranges compared bound by bound.
fn compare(op: BinaryOp, l: &V, r: &V) -> V {
    use std::cmp::Ordering::{Equal, Greater, Less};
    let holds = |o: std::cmp::Ordering| match op {
        BinaryOp::Eq => o == Equal,
        BinaryOp::Ne => o != Equal,
        BinaryOp::Lt => o == Less,
        BinaryOp::Le => o != Greater,
        BinaryOp::Gt => o == Greater,
        BinaryOp::Ge => o != Less,
        _ => false,
    };
    let bounds = |v: &V| match v {
        V::Known(K::Int(i)) => Some((*i, *i)),
        V::Range(a, b, _) => Some((*a, *b)),
        _ => None,
    };
    match (l, r) {
        (V::Known(a), V::Known(b)) => match order(a, b) {
            Some(o) => V::Known(K::Bool(holds(o))),
            None => V::Unknown(Missing::new()),
        },
        (V::Range(..), _) | (_, V::Range(..)) => {
            let (Some((a1, a2)), Some((b1, b2))) = (bounds(l), bounds(r)) else {
                return unknown(&[&missing_of(l), &missing_of(r)]);
            };
            // Every pair of (x in [a1, a2], y in [b1, b2]).
            let mut all = true;
            let mut none = true;
            for x in [a1, a2] {
                for y in [b1, b2] {
                    let h = holds(x.cmp(&y));
                    all &= h;
                    none &= !h;
                }
            }
            // Equality inside overlapping ranges needs the interior too.
            let overlap = a1 <= b2 && b1 <= a2;
            match op {
                BinaryOp::Eq => {
                    all = a1 == a2 && b1 == b2 && a1 == b1;
                    none = !overlap;
                }
                BinaryOp::Ne => {
                    all = !overlap;
                    none = a1 == a2 && b1 == b2 && a1 == b1;
                }
                _ => {}
            }
            if all {
                V::Known(K::Bool(true))
            } else if none {
                V::Known(K::Bool(false))
            } else {
                unknown(&[&missing_of(l), &missing_of(r)])
            }
        }
        _ => unknown(&[&missing_of(l), &missing_of(r)]),
    }
}

/// Three-valued equality, for `in` and table cells.
fn equals(l: &V, r: &V) -> T {
    truth(&compare(BinaryOp::Eq, l, r))
}

/// Integer bounds of a value that is an integer or a range.
fn int_bounds(v: &V) -> Option<(i64, i64)> {
    match v {
        V::Known(K::Int(i)) => Some((*i, *i)),
        V::Range(a, b, _) => Some((*a, *b)),
        _ => None,
    }
}

fn arith(op: BinaryOp, l: &V, r: &V) -> Result<V, Fail> {
    let overflow = || Err::<V, Fail>("integer overflow".to_owned());
    match (l, r) {
        (V::Known(a), V::Known(b)) => {
            let k = match (op, a, b) {
                (BinaryOp::Add, K::Date(d), K::Dur(n, u))
                | (BinaryOp::Add, K::Dur(n, u), K::Date(d)) => K::Date(shift(
                    *d,
                    Duration {
                        amount: *n,
                        unit: *u,
                    },
                    1,
                )),
                (BinaryOp::Sub, K::Date(d), K::Dur(n, u)) => K::Date(shift(
                    *d,
                    Duration {
                        amount: *n,
                        unit: *u,
                    },
                    -1,
                )),
                (BinaryOp::Div, _, _) => {
                    let x = dec(a).ok_or("bad division")?;
                    let y = dec(b).ok_or("bad division")?;
                    if y.is_zero() {
                        return Err("division by zero".into());
                    }
                    K::Dec(x.checked_div(y).ok_or("decimal overflow")?)
                }
                (_, K::Int(x), K::Int(y)) => {
                    let v = match op {
                        BinaryOp::Add => x.checked_add(*y),
                        BinaryOp::Sub => x.checked_sub(*y),
                        BinaryOp::Mul => x.checked_mul(*y),
                        _ => None,
                    };
                    match v {
                        Some(v) => K::Int(v),
                        None => return overflow(),
                    }
                }
                _ => {
                    let x = dec(a).ok_or("bad arithmetic")?;
                    let y = dec(b).ok_or("bad arithmetic")?;
                    let v = match op {
                        BinaryOp::Add => x.checked_add(y),
                        BinaryOp::Sub => x.checked_sub(y),
                        BinaryOp::Mul => x.checked_mul(y),
                        _ => None,
                    };
                    K::Dec(v.ok_or("decimal overflow")?)
                }
            };
            Ok(V::Known(k))
        }
        _ => {
            let plain = unknown(&[&missing_of(l), &missing_of(r)]);
            let (Some((a1, a2)), Some((b1, b2))) = (int_bounds(l), int_bounds(r)) else {
                return Ok(plain);
            };
            let m = missing_of(&plain);
            let pair = |f: fn(i64, i64) -> Option<i64>| -> Option<(i64, i64)> {
                let vals = [f(a1, b1)?, f(a1, b2)?, f(a2, b1)?, f(a2, b2)?];
                Some((*vals.iter().min()?, *vals.iter().max()?))
            };
            let bounds = match op {
                BinaryOp::Add => pair(i64::checked_add),
                BinaryOp::Sub => pair(i64::checked_sub),
                BinaryOp::Mul => pair(i64::checked_mul),
                _ => None,
            };
            Ok(match bounds {
                Some((lo, hi)) => V::Range(lo, hi, m),
                None => plain,
            })
        }
    }
}

fn dec(k: &K) -> Option<Decimal> {
    match k {
        K::Int(i) => Some(Decimal::from(*i)),
        K::Dec(d) => Some(*d),
        _ => None,
    }
}

impl Env<'_> {
    fn resolve(&self, names: &[policyc::ast::Name], scopes: &[V]) -> Result<V, Fail> {
        let first = names[0].text.as_str();
        let mut rest = &names[1..];
        let mut base = None;
        if first == "it" {
            base = scopes.last().cloned();
        }
        if base.is_none() {
            for scope in scopes.iter().rev() {
                if let V::Known(K::Rec(fields)) = scope
                    && let Some((_, v)) = fields.iter().find(|(n, _)| n == first)
                {
                    base = Some(v.clone());
                    break;
                }
            }
        }
        if base.is_none()
            && let Some(def) = self.defs.get(first)
        {
            base = Some(self.eval(&def.body, &[])?);
        }
        if base.is_none() {
            base = self.facts.get(first).cloned();
        }
        if base.is_none() {
            if let Some((_, variants)) = self.enums.iter().find(|(n, _)| n == first)
                && let Some(v) = rest.first()
                && variants.contains(&v.text)
            {
                base = Some(V::Known(K::Enum(v.text.clone())));
                rest = &rest[1..];
            } else if self
                .enums
                .iter()
                .any(|(_, vs)| vs.iter().any(|v| v == first))
            {
                base = Some(V::Known(K::Enum(first.to_owned())));
            }
        }
        let mut value = base.ok_or_else(|| format!("reference: unknown name {first}"))?;
        for name in rest {
            value = field(&value, &name.text)?;
        }
        Ok(value)
    }

    fn eval(&self, e: &Expr, scopes: &[V]) -> Result<V, Fail> {
        Ok(match &e.kind {
            ExprKind::Bool(b) => V::Known(K::Bool(*b)),
            ExprKind::Integer(i) => V::Known(K::Int(*i)),
            ExprKind::Decimal(d) => V::Known(K::Dec(
                Decimal::from_str(&d.positional()).map_err(|_| "decimal literal")?,
            )),
            ExprKind::Text(t) => V::Known(K::Text(t.clone())),
            ExprKind::Date(d) => V::Known(K::Date(date_of(d))),
            ExprKind::Duration(d) => V::Known(K::Dur(d.amount, d.unit)),
            ExprKind::AsOf => V::Known(K::Date(self.as_of)),
            ExprKind::Path(names) => self.resolve(names, scopes)?,
            ExprKind::Field(inner, name) => field(&self.eval(inner, scopes)?, &name.text)?,
            ExprKind::Unary(UnaryOp::Not, inner) => {
                from_truth(not(truth(&self.eval(inner, scopes)?)))
            }
            ExprKind::Unary(UnaryOp::Negate, inner) => match self.eval(inner, scopes)? {
                V::Known(K::Int(i)) => V::Known(K::Int(i.checked_neg().ok_or("overflow")?)),
                V::Known(K::Dec(d)) => V::Known(K::Dec(-d)),
                V::Range(lo, hi, m) => match (hi.checked_neg(), lo.checked_neg()) {
                    (Some(a), Some(b)) => V::Range(a, b, m),
                    _ => V::Unknown(m),
                },
                other => V::Unknown(missing_of(&other)),
            },
            ExprKind::Binary(op @ (BinaryOp::And | BinaryOp::Or), l, r) => {
                let sides = vec![
                    self.eval(l, scopes).map(|v| truth(&v)),
                    self.eval(r, scopes).map(|v| truth(&v)),
                ];
                let q = if *op == BinaryOp::And {
                    Quantifier::All
                } else {
                    Quantifier::Any
                };
                from_truth(settled(sides, q)?)
            }
            ExprKind::Binary(op, l, r) => {
                let lv = self.eval(l, scopes)?;
                let rv = self.eval(r, scopes)?;
                match op {
                    BinaryOp::And | BinaryOp::Or => panic!("and / or are handled above"),
                    BinaryOp::Eq
                    | BinaryOp::Ne
                    | BinaryOp::Lt
                    | BinaryOp::Le
                    | BinaryOp::Gt
                    | BinaryOp::Ge => compare(*op, &lv, &rv),
                    BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => {
                        arith(*op, &lv, &rv)?
                    }
                }
            }
            ExprKind::Within {
                subject,
                window,
                direction,
                anchor,
            } => {
                let s = self.eval(subject, scopes)?;
                let a = self.eval(anchor, scopes)?;
                match (&s, &a) {
                    (V::Known(K::Date(s)), V::Known(K::Date(a))) => {
                        let (from, to) = match direction {
                            Direction::Before => (shift(*a, *window, -1), *a),
                            Direction::After => (*a, shift(*a, *window, 1)),
                            Direction::Around => (shift(*a, *window, -1), shift(*a, *window, 1)),
                        };
                        V::Known(K::Bool(from <= *s && *s <= to))
                    }
                    _ => unknown(&[&missing_of(&s), &missing_of(&a)]),
                }
            }
            ExprKind::Member {
                subject,
                negated,
                set,
            } => {
                let s = self.eval(subject, scopes)?;
                let mut items = Vec::new();
                for item in set {
                    items.push(equals(&s, &self.eval(item, scopes)?));
                }
                let t = any_of(items);
                from_truth(if *negated { not(t) } else { t })
            }
            ExprKind::Criteria { quantifier, items } => {
                let mut ts = Vec::new();
                for item in items {
                    let test = self.eval(&item.expr, scopes).map(|v| truth(&v));
                    ts.push(match &item.exception {
                        None => test,
                        // `test unless exception` is `test or exception`.
                        Some(e) => {
                            let applies = self.eval(&e.expr, scopes).map(|v| truth(&v));
                            settled(vec![test, applies], Quantifier::Any)
                        }
                    });
                }
                from_truth(settled(ts, *quantifier)?)
            }
            ExprKind::Aggregate {
                kind,
                projection,
                list,
                filter,
            } => self.aggregate(
                *kind,
                projection.as_deref(),
                list,
                filter.as_deref(),
                scopes,
            )?,
            ExprKind::Episode {
                list,
                start,
                end,
                gap,
            } => self.episode(list, start, end, *gap, scopes)?,
            ExprKind::Table { hit, inputs, rows } => {
                debug_assert!(matches!(hit, HitPolicy::First | HitPolicy::Unique));
                let mut ins = Vec::new();
                for input in inputs {
                    ins.push(self.eval(input, scopes)?);
                }
                for row in rows {
                    let mut cells = Vec::new();
                    for (cell, input) in row.cells.iter().zip(&ins) {
                        cells.push(match cell {
                            Cell::Any(_) => T::Yes,
                            Cell::Value(v) => equals(input, &self.eval(v, scopes)?),
                            Cell::List(vs, _) => {
                                let mut each = Vec::new();
                                for v in vs {
                                    each.push(equals(input, &self.eval(v, scopes)?));
                                }
                                any_of(each)
                            }
                        });
                    }
                    match all_of(cells) {
                        T::Yes => return self.eval(&row.output, scopes),
                        T::No => {}
                        T::Open(m) => return Ok(V::Unknown(m)),
                    }
                }
                return Err("no table row matches".into());
            }
            ExprKind::Call(name, args) => {
                let mut vals = Vec::new();
                for a in args {
                    vals.push(self.eval(a, scopes)?);
                }
                let dates: Option<Vec<i64>> = vals
                    .iter()
                    .map(|v| match v {
                        V::Known(K::Date(d)) => Some(*d),
                        _ => None,
                    })
                    .collect();
                let Some(dates) = dates else {
                    let ms: Vec<Missing> = vals.iter().map(missing_of).collect();
                    return Ok(unknown(&ms.iter().collect::<Vec<_>>()));
                };
                match (name.text.as_str(), dates.as_slice()) {
                    ("age", [b]) => V::Known(K::Int(age(*b, self.as_of))),
                    ("age", [b, on]) => V::Known(K::Int(age(*b, *on))),
                    ("days_between", [a, b]) => V::Known(K::Int(b - a)),
                    _ => return Err(format!("reference: no function {}", name.text)),
                }
            }
            ExprKind::If {
                branches,
                otherwise,
            } => {
                for (cond, value) in branches {
                    match truth(&self.eval(cond, scopes)?) {
                        T::Yes => return self.eval(value, scopes),
                        T::No => {}
                        T::Open(m) => return Ok(V::Unknown(m)),
                    }
                }
                self.eval(otherwise, scopes)?
            }
            ExprKind::Record(fields) => {
                let mut out = Vec::new();
                for (n, v) in fields {
                    out.push((n.text.clone(), self.eval(v, scopes)?));
                }
                V::Known(K::Rec(out))
            }
            ExprKind::List(items) => {
                let mut out = Vec::new();
                for v in items {
                    out.push(self.eval(v, scopes)?);
                }
                V::Known(K::List(out))
            }
        })
    }

    fn aggregate(
        &self,
        kind: AggregateKind,
        projection: Option<&Expr>,
        list: &Expr,
        filter: Option<&Expr>,
        scopes: &[V],
    ) -> Result<V, Fail> {
        let items = match self.eval(list, scopes)? {
            V::Known(K::List(items)) => items,
            other => return Ok(V::Unknown(missing_of(&other))),
        };
        // Each entry's test, and its value when it passes.
        let mut tests = Vec::new();
        let mut values = Vec::new();
        let mut doubtful = Missing::new();
        for item in &items {
            let mut inner = scopes.to_vec();
            inner.push(item.clone());
            let t = match filter {
                Some(f) => truth(&self.eval(f, &inner)?),
                None => T::Yes,
            };
            // The value of an entry in doubt is read as well: its missing
            // facts would be needed should the entry pass.
            if let (T::Yes | T::Open(_), Some(p)) = (&t, projection) {
                let v = self.eval(p, &inner)?;
                if matches!(t, T::Yes) {
                    values.push(v);
                } else {
                    doubtful.extend(missing_of(&v));
                }
            }
            tests.push(t);
        }
        let open: Vec<Missing> = tests
            .iter()
            .filter_map(|t| match t {
                T::Open(m) => Some(m.clone()),
                _ => None,
            })
            .collect();
        let mut open_all = Missing::new();
        for m in &open {
            open_all.extend(m.iter().cloned());
        }
        Ok(match kind {
            AggregateKind::Count => {
                let sure = tests.iter().filter(|t| matches!(t, T::Yes)).count() as i64;
                if open.is_empty() {
                    V::Known(K::Int(sure))
                } else {
                    V::Range(sure, sure + open.len() as i64, open_all)
                }
            }
            AggregateKind::Exists => from_truth(any_of(tests)),
            AggregateKind::Every => from_truth(all_of(tests)),
            AggregateKind::Sum | AggregateKind::Min | AggregateKind::Max => {
                if !open_all.is_empty() {
                    open_all.extend(doubtful);
                }
                for v in &values {
                    if !matches!(v, V::Known(_)) {
                        open_all.extend(missing_of(v));
                    }
                }
                if !open_all.is_empty() || values.iter().any(|v| !matches!(v, V::Known(_))) {
                    return Ok(V::Unknown(open_all));
                }
                let ks: Vec<K> = values
                    .into_iter()
                    .filter_map(|v| match v {
                        V::Known(k) => Some(k),
                        _ => None,
                    })
                    .collect();
                if kind == AggregateKind::Sum {
                    if ks.iter().all(|k| matches!(k, K::Int(_))) {
                        let total: i128 = ks
                            .iter()
                            .map(|k| match k {
                                K::Int(i) => i128::from(*i),
                                _ => 0,
                            })
                            .sum();
                        V::Known(K::Int(i64::try_from(total).map_err(|_| "sum overflow")?))
                    } else {
                        let mut total = Decimal::ZERO;
                        for k in &ks {
                            total = total
                                .checked_add(dec(k).ok_or("bad sum")?)
                                .ok_or("decimal overflow")?;
                        }
                        V::Known(K::Dec(total))
                    }
                } else {
                    let mut best: Option<K> = None;
                    for k in ks {
                        let better = match &best {
                            None => true,
                            Some(b) => {
                                let o = order(&k, b).ok_or("bad min/max")?;
                                if kind == AggregateKind::Min {
                                    o == std::cmp::Ordering::Less
                                } else {
                                    o == std::cmp::Ordering::Greater
                                }
                            }
                        };
                        if better {
                            best = Some(k);
                        }
                    }
                    match best {
                        Some(k) => V::Known(k),
                        None => V::Unknown([path_text(list)].into()),
                    }
                }
            }
        })
    }

    fn episode(
        &self,
        list: &Expr,
        start: &Expr,
        end: &Expr,
        gap: Duration,
        scopes: &[V],
    ) -> Result<V, Fail> {
        let items = match self.eval(list, scopes)? {
            V::Known(K::List(items)) => items,
            other => return Ok(V::Unknown(missing_of(&other))),
        };
        let mut starts = Vec::new();
        let mut ends = Vec::new();
        let mut open_starts = Missing::new();
        for item in &items {
            let mut inner = scopes.to_vec();
            inner.push(item.clone());
            let s = self.eval(start, &inner)?;
            let e = self.eval(end, &inner)?;
            match &s {
                V::Known(K::Date(d)) => starts.push(*d),
                other => {
                    open_starts.extend(missing_of(other));
                    starts.push(0);
                }
            }
            ends.push(match e {
                V::Known(K::Date(d)) => Ok(d),
                other => Err(missing_of(&other)),
            });
        }
        if !open_starts.is_empty() {
            return Ok(V::Unknown(open_starts));
        }
        match latest_episode(&starts, &ends, gap) {
            Ok(chosen) => Ok(V::Known(K::List(
                chosen.into_iter().map(|i| items[i].clone()).collect(),
            ))),
            Err(m) => Ok(V::Unknown(m)),
        }
    }
}

/// The latest episode's entries (indices, in order of start), or the facts
/// that leave it open. `ends` holds each entry's end or its missing facts.
pub fn latest_episode(
    starts: &[i64],
    ends: &[Result<i64, Missing>],
    gap: Duration,
) -> Result<Vec<usize>, Missing> {
    let mut order: Vec<usize> = (0..starts.len()).collect();
    order.sort_by_key(|&i| (starts[i], i));
    // For each position in order: does it start a new episode?
    let mut boundary: Vec<T> = Vec::new();
    for (p, &i) in order.iter().enumerate() {
        if p == 0 {
            boundary.push(T::Yes);
            continue;
        }
        let earlier = &order[..p];
        let known_max = earlier
            .iter()
            .filter_map(|&j| ends[j].as_ref().ok().copied())
            .max();
        let mut open = Missing::new();
        for &j in earlier {
            if let Err(m) = &ends[j] {
                open.extend(m.iter().cloned());
            }
        }
        let joined_by_known = known_max.is_some_and(|e| starts[i] <= shift(e, gap, 1));
        boundary.push(if joined_by_known {
            T::No
        } else if !open.is_empty() {
            T::Open(open)
        } else {
            T::Yes
        });
    }
    let mut open = Missing::new();
    for p in (0..order.len()).rev() {
        match &boundary[p] {
            T::Yes => {
                if !open.is_empty() {
                    return Err(open);
                }
                return Ok(order[p..].to_vec());
            }
            T::No => {}
            T::Open(m) => open.extend(m.iter().cloned()),
        }
    }
    Ok(Vec::new())
}

fn field(v: &V, name: &str) -> Result<V, Fail> {
    Ok(match v {
        V::Known(K::Rec(fields)) => fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| format!("reference: no field {name}"))?,
        other => V::Unknown(missing_of(other)),
    })
}

/// A value in the common form both evaluators are compared in.
fn render(v: &V) -> Json {
    match v {
        V::Known(K::Bool(b)) => Json::Bool(*b),
        V::Known(K::Int(i)) => Json::from(*i),
        V::Known(K::Dec(d)) => d
            .normalize()
            .to_string()
            .parse::<serde_json::Number>()
            .map_or_else(|_| Json::String(d.to_string()), Json::Number),
        V::Known(K::Text(t) | K::Enum(t)) => Json::String(t.clone()),
        V::Known(K::Date(d)) => Json::String(format_date(*d)),
        V::Known(K::List(items)) => items.iter().map(render).collect(),
        V::Known(K::Rec(fields)) => {
            Json::Object(fields.iter().map(|(n, v)| (n.clone(), render(v))).collect())
        }
        V::Known(K::Dur(..)) => Json::String("duration".into()),
        V::Unknown(_) | V::Range(..) => Json::String("unknown".into()),
    }
}

/// Every unknown part's missing facts.
fn all_missing(v: &V, out: &mut Missing) {
    match v {
        V::Known(K::List(items)) => items.iter().for_each(|i| all_missing(i, out)),
        V::Known(K::Rec(fields)) => fields.iter().for_each(|(_, f)| all_missing(f, out)),
        V::Known(_) => {}
        V::Unknown(m) | V::Range(_, _, m) => out.extend(m.iter().cloned()),
    }
}

/// Evaluates every decision of a policy without versions, for a JSON facts
/// file; `as_of` is a day number.
pub fn evaluate(file: &PolicyFile, facts: &str, as_of: i64) -> Result<Vec<Outcome>, Fail> {
    let json: Json = serde_json::from_str(facts).map_err(|e| e.to_string())?;
    let mut defs = BTreeMap::new();
    let mut decisions = Vec::new();
    let mut enums = Vec::new();
    let mut records = BTreeMap::new();
    let mut fact_decls = Vec::new();
    for item in &file.items {
        match item {
            Item::Enum(e) => enums.push((
                e.name.text.clone(),
                e.variants.iter().map(|v| v.name.text.clone()).collect(),
            )),
            Item::Record(r) => {
                records.insert(
                    r.name.text.clone(),
                    r.fields
                        .iter()
                        .map(|f| (f.name.text.clone(), f.ty.clone()))
                        .collect::<Vec<_>>(),
                );
            }
            Item::Facts(f) => fact_decls.extend(f.fields.iter()),
            Item::Definition(d) => {
                defs.insert(d.name.text.clone(), d);
                if d.kind == policyc::ast::DefinitionKind::Decision {
                    decisions.push(d);
                }
            }
            Item::Version(_) | Item::Import(_) => return Err("reference: unsupported item".into()),
        }
    }
    let facts = fact_decls
        .iter()
        .map(|f| {
            let name = f.name.text.clone();
            let v = load(&f.ty, json.get(&name), &name, &records);
            (name, v)
        })
        .collect();
    let env = Env {
        defs,
        enums,
        facts,
        as_of,
    };
    let mut out = Vec::new();
    for d in decisions {
        let v = env.eval(&d.body, &[])?;
        let mut missing = Missing::new();
        all_missing(&v, &mut missing);
        out.push((
            d.name.text.clone(),
            render(&v),
            missing.into_iter().collect(),
        ));
    }
    Ok(out)
}
