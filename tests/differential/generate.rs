//! Seeded random well-typed policies over a fixed facts schema, and facts files for them.

use serde_json::{Map, Value as Json, json};

/// Range arithmetic (`count(…) + 1`, `-count(…)`) keeps the range.
pub const RANGE_ARITHMETIC_FIXED: bool = true;
/// A range compared with another range is decided bound by bound
/// (production already does so).
pub const RANGE_VS_RANGE_FIXED: bool = true;
/// `episode` follows the rule of "max end over all earlier entries" with
/// unknown ends handled entry by entry.
pub const EPISODE_FIXED: bool = true;
/// `sum` of integers accumulates exactly; only the final total may overflow.
pub const SUM_EXACT_FIXED: bool = true;
/// Lengths of time compare by length (`1 week = 7 days`).
pub const DURATION_COMPARE_FIXED: bool = true;

/// `age` of any two dates, including a date before the birth date (the
/// document says such an age is negative; production gives 0 for less than a
/// year before). Off: only `age(birth)`, with `birth` never after `as_of`.
pub const AGE_ANY_DATES: bool = true;

/// A rule is evaluated only where it is used, so one that would fail (an
/// overflow) does not fail an evaluation that never takes it. Production
/// evaluates rules even on branches not taken; off: rule bodies hold no
/// arithmetic and no `sum`, so they cannot fail.
pub const RULES_EVALUATED_ONLY_WHEN_USED: bool = false;

/// The policy's fixed header, types and facts.
pub const PRELUDE: &str = "policy diff
  title \"Differential\"
  jurisdiction \"Test\"
  source \"Generated\"
  effective 2000-01-01

enum Setting { home, clinic, hospital }

record Stay {
  admitted: date
  discharged: date
  units: integer
  paid: boolean
}

facts {
  a: boolean
  b: boolean
  c: boolean
  n: integer
  m: integer
  income: decimal
  birth: date
  d1: date
  d2: date
  setting: Setting
  stays: list of Stay
  nums: list of integer
}
";

/// The as-of dates cases are evaluated on: leap days, month ends.
const AS_OF: &[&str] = &[
    "2026-03-01",
    "2024-02-29",
    "2024-03-01",
    "2025-02-28",
    "2026-08-31",
    "2023-12-31",
];

/// What a generated expression is inside: the entry scopes around it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// A `stays` entry: its fields are in scope.
    Stay,
    /// A `nums` entry: `it` is an integer.
    Num,
}

/// A small deterministic random source (splitmix64).
pub struct Gen {
    state: u64,
    scopes: Vec<Scope>,
    rules: Vec<String>,
    /// Set while generating a rule body that must not fail (see
    /// [`RULES_EVALUATED_ONLY_WHEN_USED`]).
    no_failure: bool,
}

impl Gen {
    /// A generator for one seed.
    pub fn new(seed: u64) -> Self {
        Gen {
            state: seed,
            scopes: Vec::new(),
            rules: Vec::new(),
            no_failure: false,
        }
    }

    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    fn int_in(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    fn in_stay(&self) -> bool {
        self.scopes.contains(&Scope::Stay)
    }

    fn in_num(&self) -> bool {
        self.scopes.last() == Some(&Scope::Num)
    }

    /// A filter inside a new entry scope.
    fn scoped<T>(&mut self, scope: Scope, f: impl FnOnce(&mut Self) -> T) -> T {
        self.scopes.push(scope);
        let out = f(self);
        self.scopes.pop();
        out
    }

    fn duration(&mut self, days_only: bool) -> String {
        let n = self.int_in(0, 20);
        let unit = if days_only {
            self.pick(&["days", "weeks"])
        } else {
            self.pick(&["days", "weeks", "months", "years"])
        };
        let n = if unit == "years" { n % 3 } else { n };
        format!("{n} {unit}")
    }

    fn date_literal(&mut self) -> String {
        self.pick(&[
            "2024-02-29",
            "2025-03-01",
            "2025-02-28",
            "2026-01-31",
            "2025-08-31",
            "2023-03-01",
        ])
        .to_owned()
    }

    /// A date expression.
    pub fn date(&mut self, depth: u32) -> String {
        let leaf = depth == 0 || self.chance(35);
        if leaf {
            let mut options = vec!["d1", "d2", "birth", "as_of", "lit"];
            if self.in_stay() {
                options.extend(["admitted", "discharged", "admitted"]);
            }
            let choice = self.pick(&options);
            return if choice == "lit" {
                self.date_literal()
            } else {
                choice.to_owned()
            };
        }
        match self.below(5) {
            0 | 1 => {
                let d = self.date(depth - 1);
                let sign = self.pick(&["+", "-"]);
                let dur = self.duration(false);
                format!("({d} {sign} {dur})")
            }
            2 => {
                let c = self.boolean(depth - 1);
                let x = self.date(depth - 1);
                let y = self.date(depth - 1);
                format!("(if {c} then {x} else {y})")
            }
            3 if self.scopes.is_empty() => {
                let kind = self.pick(&["min", "max"]);
                let field = self.pick(&["admitted", "discharged"]);
                let filter = self.scoped(Scope::Stay, |g| g.filter(depth - 1));
                format!("{kind}({field} of stays{filter})")
            }
            _ => self.date(0),
        }
    }

    /// An optional `where` part inside the current entry scope.
    fn filter(&mut self, depth: u32) -> String {
        if self.chance(20) {
            String::new()
        } else {
            format!(" where {}", self.boolean(depth))
        }
    }

    fn episode(&mut self) -> String {
        let gap = self.duration(true);
        format!("episode(stays from admitted to discharged within {gap})")
    }

    /// An integer expression; the flag says whether it may be a range.
    pub fn integer(&mut self, depth: u32) -> (String, bool) {
        let leaf = depth == 0 || self.chance(25);
        if leaf {
            let mut options = vec!["n", "m", "lit", "neg"];
            if self.in_stay() {
                options.extend(["units", "units"]);
            }
            if self.in_num() {
                options.extend(["it", "it"]);
            }
            let choice = self.pick(&options);
            let text = match choice {
                "lit" => self.int_in(0, 12).to_string(),
                "neg" => format!("-{}", self.int_in(1, 5)),
                other => other.to_owned(),
            };
            return (text, false);
        }
        let d = depth - 1;
        match self.below(14) {
            0..=2 | 5 if self.no_failure => self.integer(0),
            0 | 1 => {
                let op = self.pick(&["+", "-", "*"]);
                let (x, rx) = self.integer(d);
                let (y, ry) = self.integer(d);
                if (rx || ry) && !RANGE_ARITHMETIC_FIXED {
                    return self.integer(0);
                }
                (format!("({x} {op} {y})"), rx || ry)
            }
            2 => {
                let (x, r) = self.integer(d);
                if r && !RANGE_ARITHMETIC_FIXED {
                    return (format!("-({})", self.integer(0).0), false);
                }
                (format!("-({x})"), r)
            }
            3 | 4 => {
                let (list, scope) = self.list_source();
                let filter = match scope {
                    Some(s) => self.scoped(s, |g| g.filter(d)),
                    None => String::new(),
                };
                (format!("count({list}{filter})"), !filter.is_empty())
            }
            5 => {
                let on_nums = self.chance(50);
                let kind = self.pick(&["sum", "min", "max"]);
                if on_nums {
                    let (value, filter) = self.scoped(Scope::Num, |g| {
                        let v = g.integer(d).0;
                        (v, g.filter(d))
                    });
                    (format!("{kind}({value} of nums{filter})"), false)
                } else {
                    let (value, filter) = self.scoped(Scope::Stay, |g| {
                        let v = if g.chance(50) {
                            "units".to_owned()
                        } else {
                            g.integer(d).0
                        };
                        (v, g.filter(d))
                    });
                    (format!("{kind}({value} of stays{filter})"), false)
                }
            }
            6 if EPISODE_FIXED => {
                let ep = self.episode();
                if self.chance(50) {
                    (
                        format!("sum(days_between(admitted, discharged) of {ep})"),
                        false,
                    )
                } else {
                    (format!("sum(units of {ep})"), false)
                }
            }
            7 if !AGE_ANY_DATES => {
                // The birth fact always lies on or before the as-of date.
                if self.chance(50) {
                    ("age(birth)".to_owned(), false)
                } else {
                    ("age(birth, as_of)".to_owned(), false)
                }
            }
            7 => {
                let x = self.date(d);
                if self.chance(50) {
                    (format!("age({x})"), false)
                } else {
                    let y = self.date(d);
                    (format!("age({x}, {y})"), false)
                }
            }
            8 => {
                let x = self.date(d);
                let y = self.date(d);
                (format!("days_between({x}, {y})"), false)
            }
            9 | 10 => {
                let c = self.boolean(d);
                let (x, rx) = self.integer(d);
                let (y, ry) = self.integer(d);
                (format!("(if {c} then {x} else {y})"), rx || ry)
            }
            11 => {
                let (text, r) = self.table(d, |g, depth| g.integer(depth));
                (text, r)
            }
            _ => self.integer(0),
        }
    }

    /// A list to aggregate over, with the scope of its entries.
    fn list_source(&mut self) -> (String, Option<Scope>) {
        match self.below(5) {
            0 | 1 => ("stays".to_owned(), Some(Scope::Stay)),
            2 | 3 => ("nums".to_owned(), Some(Scope::Num)),
            _ if EPISODE_FIXED => (self.episode(), Some(Scope::Stay)),
            _ => ("stays".to_owned(), Some(Scope::Stay)),
        }
    }

    /// A `table first` over one or two inputs, ending with an all-`any` row.
    fn table(
        &mut self,
        depth: u32,
        mut output: impl FnMut(&mut Self, u32) -> (String, bool),
    ) -> (String, bool) {
        let columns = self.int_in(1, 2) as usize;
        let mut kinds = Vec::new();
        let mut inputs = Vec::new();
        for _ in 0..columns {
            match self.below(3) {
                0 => {
                    kinds.push(0);
                    inputs.push("setting".to_owned());
                }
                1 => {
                    kinds.push(1);
                    inputs.push(self.boolean(depth));
                }
                _ => {
                    kinds.push(2);
                    inputs.push(self.integer(depth).0);
                }
            }
        }
        let mut ranged = false;
        let mut rows = Vec::new();
        for _ in 0..self.int_in(0, 3) {
            let cells: Vec<String> = kinds
                .iter()
                .map(|k| {
                    if self.chance(30) {
                        return "any".to_owned();
                    }
                    match k {
                        0 => {
                            if self.chance(30) {
                                "[home, hospital]".to_owned()
                            } else {
                                self.pick(&["home", "clinic", "hospital"]).to_owned()
                            }
                        }
                        1 => self.pick(&["true", "false"]).to_owned(),
                        _ => {
                            if self.chance(30) {
                                format!("[{}, {}]", self.int_in(0, 3), self.int_in(4, 6))
                            } else {
                                self.int_in(0, 4).to_string()
                            }
                        }
                    }
                })
                .collect();
            let (out, r) = output(self, depth);
            ranged |= r;
            rows.push(format!("| {} => {out}", cells.join(", ")));
        }
        let (out, r) = output(self, depth);
        ranged |= r;
        let anys = vec!["any"; columns].join(", ");
        rows.push(format!("| {anys} => {out}"));
        (
            format!(
                "(table first ({}) {{ {} }})",
                inputs.join(", "),
                rows.join(", ")
            ),
            ranged,
        )
    }

    /// A boolean expression.
    pub fn boolean(&mut self, depth: u32) -> String {
        let leaf = depth == 0 || self.chance(20);
        if leaf {
            let mut options = vec!["a", "b", "c", "true", "false"];
            if self.in_stay() {
                options.extend(["paid", "paid"]);
            }
            let rules: Vec<String> = self.rules.clone();
            let mut all: Vec<&str> = options;
            all.extend(rules.iter().map(String::as_str));
            return self.pick(&all).to_owned();
        }
        let d = depth - 1;
        match self.below(20) {
            0 => format!("not ({})", self.boolean(d)),
            1 | 2 => {
                let op = self.pick(&["and", "or"]);
                let x = self.boolean(d);
                let y = self.boolean(d);
                format!("({x} {op} {y})")
            }
            3 => {
                let count = self.int_in(1, 3);
                let items: Vec<String> = (0..count).map(|_| self.boolean(d)).collect();
                let q = match self.below(4) {
                    0 => "all of".to_owned(),
                    1 => "any of".to_owned(),
                    2 => "none of".to_owned(),
                    _ => format!("at least {} of", self.int_in(1, count)),
                };
                format!("{q} {{ {} }}", items.join(", "))
            }
            4..=6 => {
                let op = self.pick(&["=", "!=", "<", "<=", ">", ">="]);
                let (x, rx) = self.integer(d);
                let (mut y, ry) = self.integer(d);
                if rx && ry && !RANGE_VS_RANGE_FIXED {
                    y = self.integer(0).0;
                }
                format!("({x} {op} {y})")
            }
            7 => {
                let op = self.pick(&["<", "<=", ">", ">=", "="]);
                let (x, _) = self.integer(d);
                let lit = self.pick(&["2.5", "0.0", "3.0", "1000.50", "income"]);
                if self.chance(50) {
                    format!("(income {op} {x})")
                } else {
                    format!("({x} {op} {lit})")
                }
            }
            8 => {
                let op = self.pick(&["=", "!=", "<", "<=", ">", ">="]);
                let x = self.date(d);
                let y = self.date(d);
                format!("({x} {op} {y})")
            }
            9 => {
                let op = self.pick(&["=", "!="]);
                let v = self.pick(&["home", "clinic", "Setting.hospital"]);
                format!("(setting {op} {v})")
            }
            10 => {
                let neg = if self.chance(30) { " not" } else { "" };
                if self.chance(50) {
                    format!("(setting{neg} in [home, clinic])")
                } else {
                    let (x, _) = self.integer(d);
                    let count = self.int_in(0, 3);
                    let items: Vec<String> = (0..count).map(|_| self.integer(0).0).collect();
                    format!("(({x}){neg} in [{}])", items.join(", "))
                }
            }
            11 => {
                let x = self.date(d);
                let dur = self.duration(false);
                let dir = self.pick(&["before", "after", "of"]);
                let y = self.date(d);
                format!("({x} within {dur} {dir} {y})")
            }
            12 => {
                let x = self.date(d);
                let window = self.pick(&[
                    "year", "month", "week", "6 months", "30 days", "2 years", "365 days",
                ]);
                format!("({x} in the past {window})")
            }
            13 | 14 => {
                let kind = self.pick(&["exists", "every"]);
                let (list, scope) = self.list_source();
                let filter = match scope {
                    Some(s) => self.scoped(s, |g| g.filter(d)),
                    None => String::new(),
                };
                format!("{kind}({list}{filter})")
            }
            15 => {
                let c = self.boolean(d);
                let x = self.boolean(d);
                let y = self.boolean(d);
                format!("(if {c} then {x} else {y})")
            }
            16 => self.table(d, |g, depth| (g.boolean(depth), false)).0,
            17 if DURATION_COMPARE_FIXED => {
                let op = self.pick(&["=", "!=", "<", ">="]);
                let days = self.pick(&["7 days", "1 week", "14 days", "2 weeks", "3 days"]);
                let other = self.pick(&["7 days", "1 week", "2 weeks"]);
                if self.chance(50) {
                    format!("({days} {op} {other})")
                } else {
                    let months = self.pick(&["12 months", "1 year", "6 months", "2 years"]);
                    format!("({months} {op} 1 year)")
                }
            }
            18 if EPISODE_FIXED => {
                let ep = self.episode();
                let filter = self.scoped(Scope::Stay, |g| g.filter(d));
                format!("exists({ep}{filter})")
            }
            _ => self.boolean(0),
        }
    }

    /// A policy text: a few boolean rules, then decisions of several types.
    pub fn policy(&mut self) -> String {
        let mut text = PRELUDE.to_owned();
        self.rules.clear();
        for i in 0..self.below(3) {
            self.no_failure = !RULES_EVALUATED_ONLY_WHEN_USED;
            let body = self.boolean(2);
            self.no_failure = false;
            text.push_str(&format!("\nrule r{i} = {body}\n"));
            self.rules.push(format!("r{i}"));
        }
        for i in 0..self.int_in(1, 4) {
            let (ty, body) = match self.below(4) {
                0 | 1 => ("boolean", self.boolean(3)),
                2 => ("integer", self.integer(3).0),
                _ => ("date", self.date(3)),
            };
            text.push_str(&format!("\ndecision out{i}: {ty} cite \"x\" = {body}\n"));
        }
        text
    }

    fn maybe(&mut self, value: Json) -> Option<Json> {
        match self.below(10) {
            0 => None,
            1 => Some(Json::Null),
            _ => Some(value),
        }
    }

    fn int_value(&mut self, small: bool) -> Json {
        if !small && self.chance(10) {
            json!(
                *[i64::MAX, i64::MIN, i64::MAX - 1, 4_611_686_018_427_387_904]
                    .get(self.below(4) as usize)
                    .unwrap_or(&0)
            )
        } else {
            json!(self.int_in(-3, 12))
        }
    }

    /// A date near the as-of date, or on a boundary of it.
    fn date_near(&mut self, as_of: i64) -> i64 {
        use super::reference::shift;
        use policyc::ast::{Duration, TimeUnit};
        let back = |amount, unit| shift(as_of, Duration { amount, unit }, -1);
        match self.below(8) {
            0 => back(1, TimeUnit::Year),
            1 => back(1, TimeUnit::Year) - 1,
            2 => back(6, TimeUnit::Month),
            3 => back(1, TimeUnit::Month) + self.int_in(-1, 1),
            4 => super::reference::parse_date("2024-02-29").unwrap_or(0),
            5 => as_of - self.int_in(360, 370),
            _ => as_of - self.int_in(-5, 400),
        }
    }

    /// A facts file for the fixed schema.
    pub fn facts(&mut self) -> (String, i64) {
        use super::reference::{format_date, parse_date};
        let as_of_text = self.pick(AS_OF);
        let as_of = parse_date(as_of_text).unwrap_or(0);
        let mut root = Map::new();
        root.insert("as_of".into(), json!(as_of_text));
        let mut put = |g: &mut Self, key: &str, v: Json| {
            if let Some(v) = g.maybe(v) {
                root.insert(key.to_owned(), v);
            }
        };
        for key in ["a", "b", "c"] {
            let v = json!(self.chance(50));
            put(self, key, v);
        }
        for key in ["n", "m"] {
            let v = self.int_value(false);
            put(self, key, v);
        }
        let cents = self.int_in(-1000, 200_000);
        let income: Json = serde_json::from_str(&format!(
            "{}.{:02}",
            cents / 100,
            cents.unsigned_abs() % 100
        ))
        .unwrap_or(Json::Null);
        put(self, "income", income);
        let birth = if self.chance(30) {
            parse_date(self.pick(&["2008-02-29", "2000-03-01", "2006-02-28"])).unwrap_or(0)
        } else {
            as_of - self.int_in(0, 30_000)
        };
        put(self, "birth", json!(format_date(birth)));
        for key in ["d1", "d2"] {
            let d = self.date_near(as_of);
            put(self, key, json!(format_date(d)));
        }
        let s = self.pick(&["home", "clinic", "hospital"]);
        put(self, "setting", json!(s));
        let stays: Vec<Json> = (0..self.below(6))
            .map(|_| {
                if self.chance(5) {
                    return Json::Null;
                }
                let mut entry = Map::new();
                let admitted = self.date_near(as_of);
                let discharged = admitted + self.int_in(-2, 30);
                let fields = [
                    ("admitted", json!(format_date(admitted))),
                    ("discharged", json!(format_date(discharged))),
                    ("units", self.int_value(!SUM_EXACT_FIXED)),
                    ("paid", json!(self.chance(50))),
                ];
                for (k, v) in fields {
                    if let Some(v) = self.maybe(v) {
                        entry.insert(k.to_owned(), v);
                    }
                }
                Json::Object(entry)
            })
            .collect();
        put(self, "stays", Json::Array(stays));
        let nums: Vec<Json> = (0..self.below(5))
            .map(|_| {
                let v = self.int_value(!SUM_EXACT_FIXED);
                self.maybe(v).unwrap_or(Json::Null)
            })
            .collect();
        put(self, "nums", Json::Array(nums));
        (Json::Object(root).to_string(), as_of)
    }
}
