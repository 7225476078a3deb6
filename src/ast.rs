//! The typed syntax tree of a `.policy` file, as lowered from the grammar.
//!
//! Plain data with spans: nothing here checks or evaluates. Names stay names
//! (the checker resolves them); literals are already parsed into their values.

use crate::decimal::Decimal;
use crate::source::Span;
use jiff::civil::Date;

#[cfg(feature = "arbitrary")]
pub mod generate;

/// An identifier as written, with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Name {
    /// The identifier.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = generate::name))]
    pub text: String,
    /// Where it was written.
    pub span: Span,
}

/// A whole `.policy` file.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct PolicyFile {
    /// The `policy` header.
    pub header: Header,
    /// Enumerations, records, facts, rules and decisions, in file order.
    pub items: Vec<Item>,
}

/// The `policy` header: what manual section the file encodes.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Header {
    /// The policy's short name.
    pub name: Name,
    /// `title "..."`.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = generate::text))]
    pub title: String,
    /// `jurisdiction "..."`.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = generate::text))]
    pub jurisdiction: String,
    /// `source "..."`: the document the file encodes.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = generate::text))]
    pub source: String,
    /// `effective YYYY-MM-DD`: when the source took effect.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = generate::date))]
    pub effective: Date,
    /// The span of the whole header.
    pub span: Span,
}

/// One top-level declaration.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Item {
    /// `enum Name { a, b }`
    Enum(EnumDef),
    /// `record Name { field: type }`
    Record(RecordDef),
    /// `facts { field: type }`: the input schema.
    Facts(FactsDef),
    /// `rule name = expr` or `decision name: type = expr`.
    Definition(Definition),
    /// `version "name" effective DATE until DATE { … }`.
    Version(VersionDef),
    /// `import "file.policy"`.
    Import(Import),
}

/// `import "file.policy"`: use another file's enums, records, facts and rules.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Import {
    /// The path, relative to the importing file.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = generate::import_path))]
    pub path: String,
    /// The whole import line.
    pub span: Span,
}

/// Rules and decisions in force for a range of dates.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct VersionDef {
    /// What the version is called, e.g. "as amended effective 2021-08-10".
    #[cfg_attr(feature = "arbitrary", arbitrary(with = generate::text))]
    pub name: String,
    /// Where the name is written.
    pub name_span: Span,
    /// The first day in force.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = generate::date))]
    pub effective: Date,
    /// The last day in force; open-ended when absent.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = generate::option_date))]
    pub until: Option<Date>,
    /// The version's rules and decisions.
    pub definitions: Vec<Definition>,
    /// The whole version block.
    pub span: Span,
}

/// An enumeration type.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct EnumDef {
    /// Its name.
    pub name: Name,
    /// An optional description.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = generate::option_text))]
    pub doc: Option<String>,
    /// Its values, in order.
    pub variants: Vec<Variant>,
}

/// One value of an enumeration.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Variant {
    /// Its name.
    pub name: Name,
    /// An optional description.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = generate::option_text))]
    pub doc: Option<String>,
}

/// A named record type.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct RecordDef {
    /// Its name.
    pub name: Name,
    /// Its fields.
    pub fields: Vec<FieldDecl>,
}

/// A `facts` block.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct FactsDef {
    /// The declared facts.
    pub fields: Vec<FieldDecl>,
    /// The `facts` keyword's place.
    pub span: Span,
}

/// `name: type "description"`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct FieldDecl {
    /// The field's name.
    pub name: Name,
    /// Its type.
    pub ty: TypeExpr,
    /// An optional description.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = generate::option_text))]
    pub doc: Option<String>,
}

/// A type as written.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeExpr {
    /// A built-in type (`boolean`, `date`, …) or a declared enum or record.
    Named(Name),
    /// `list of T`.
    List(Box<TypeExpr>, Span),
    /// `{ field: type, … }`.
    Record(Vec<FieldDecl>, Span),
}

impl TypeExpr {
    /// Where the type was written.
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Named(name) => name.span,
            TypeExpr::List(_, span) | TypeExpr::Record(_, span) => *span,
        }
    }
}

/// Whether a definition is a helper rule or an output decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum DefinitionKind {
    /// `rule`: referenced by other rules and decisions.
    Rule,
    /// `decision`: an output of the policy.
    Decision,
}

/// A named rule or decision.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Definition {
    /// Rule or decision.
    pub kind: DefinitionKind,
    /// Its name.
    pub name: Name,
    /// A rule's parameters, `rule name(p: Type, …)`; none for a decision.
    #[cfg_attr(feature = "arbitrary", arbitrary(default))]
    pub params: Vec<Param>,
    /// The declared type (required for decisions).
    pub ty: Option<TypeExpr>,
    /// The manual's words for it.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = generate::option_text))]
    pub label: Option<String>,
    /// Where in the manual it comes from.
    pub citation: Option<Citation>,
    /// Its body.
    pub body: Expr,
    /// The whole definition.
    pub span: Span,
}

/// One parameter of a rule: `name: Type`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Param {
    /// Its name, used in the rule's body.
    pub name: Name,
    /// Its type.
    pub ty: TypeExpr,
}

/// `cite "section, bullet"`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Citation {
    /// The reference text.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = generate::text))]
    pub text: String,
    /// Where it was written.
    pub span: Span,
}

/// An expression with its place.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it was written.
    pub span: Span,
}

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum ExprKind {
    /// `true` / `false`.
    Bool(bool),
    /// `42`.
    Integer(#[cfg_attr(feature = "arbitrary", arbitrary(with = generate::integer))] i64),
    /// `1.5`.
    Decimal(#[cfg_attr(feature = "arbitrary", arbitrary(with = generate::decimal))] Decimal),
    /// `"text"`.
    Text(#[cfg_attr(feature = "arbitrary", arbitrary(with = generate::text))] String),
    /// `2026-03-01`.
    Date(#[cfg_attr(feature = "arbitrary", arbitrary(with = generate::date))] Date),
    /// `90 days`.
    Duration(Duration),
    /// `as_of`: the evaluation date.
    AsOf,
    /// `a.b.c`: a fact, rule, decision, enum value or element field.
    Path(#[cfg_attr(feature = "arbitrary", arbitrary(with = generate::path))] Vec<Name>),
    /// `(expr).field`.
    Field(Box<Expr>, Name),
    /// `not x`, `-x`.
    Unary(UnaryOp, Box<Expr>),
    /// `a + b`, `a and b`, `a <= b`, ….
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `x within 15 days after y`; `x in the past year` is `x within 1 year before as_of`.
    Within {
        /// The date tested.
        subject: Box<Expr>,
        /// The window's length.
        window: Duration,
        /// Which side of the anchor the window lies.
        direction: Direction,
        /// The date the window is measured from.
        anchor: Box<Expr>,
    },
    /// `x in [a, b]` / `x not in [a, b]`.
    Member {
        /// The value tested.
        subject: Box<Expr>,
        /// True for `not in`.
        negated: bool,
        /// The set.
        set: Vec<Expr>,
    },
    /// `all of { … }` and its siblings.
    Criteria {
        /// How the items combine.
        quantifier: Quantifier,
        /// The items.
        items: Vec<Criterion>,
    },
    /// `count(list where filter)`, `sum(x of list)`, ….
    Aggregate {
        /// Which aggregate.
        kind: AggregateKind,
        /// The `x of` part, for sum, min and max.
        projection: Option<Box<Expr>>,
        /// The list.
        list: Box<Expr>,
        /// The `where` part.
        filter: Option<Box<Expr>>,
    },
    /// `episode(stays from admitted to discharged within 15 days)`: the
    /// elements of the latest episode, in order of start.
    Episode {
        /// The list of stays.
        list: Box<Expr>,
        /// Each element's start date (element fields in scope).
        start: Box<Expr>,
        /// Each element's end date (element fields in scope).
        end: Box<Expr>,
        /// How long after one end the next start may come and still continue
        /// the episode.
        gap: Duration,
    },
    /// `table unique (a, b) { | x, any => value, … }`.
    Table {
        /// How rows are chosen.
        hit: HitPolicy,
        /// The columns' input values.
        #[cfg_attr(feature = "arbitrary", arbitrary(with = generate::non_empty))]
        inputs: Vec<Expr>,
        /// The rows, in order.
        rows: Vec<TableRow>,
    },
    /// `age(date)`, `days_between(a, b)`, ….
    Call(Name, Vec<Expr>),
    /// `if c then a else if d then b else e`.
    If {
        /// Each `if c then a`, in order.
        #[cfg_attr(feature = "arbitrary", arbitrary(with = generate::non_empty))]
        branches: Vec<(Expr, Expr)>,
        /// The final `else`.
        otherwise: Box<Expr>,
    },
    /// `{ field: expr, … }`.
    Record(Vec<(Name, Expr)>),
    /// `[a, b]`.
    List(Vec<Expr>),
}

/// How a decision table chooses its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum HitPolicy {
    /// At most one row may match any input; the checker proves it.
    Unique,
    /// The first matching row wins; the checker rejects rows that can never win.
    First,
}

/// One row of a decision table.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct TableRow {
    /// One cell per input column.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = generate::non_empty))]
    pub cells: Vec<Cell>,
    /// The row's result.
    pub output: Expr,
    /// The whole row.
    pub span: Span,
}

/// One cell of a decision table row.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Cell {
    /// `any`: matches every input.
    Any(Span),
    /// A value the input must equal.
    Value(Expr),
    /// `[a, b]`: the input must equal one of them.
    List(Vec<Expr>, Span),
}

/// A length of time as written: `15 days`, `1 year`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Duration {
    /// How many units.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = generate::amount))]
    pub amount: i64,
    /// Which unit.
    pub unit: TimeUnit,
}

impl Duration {
    /// The length counted in its calendar's base unit: days for days and
    /// weeks, months for months and years, so `1 week` and `7 days` (or
    /// `1 year` and `12 months`) are the same length.
    pub fn length(&self) -> (Calendar, i128) {
        let amount = i128::from(self.amount);
        match self.unit {
            TimeUnit::Day => (Calendar::Days, amount),
            TimeUnit::Week => (Calendar::Days, amount * 7),
            TimeUnit::Month => (Calendar::Months, amount),
            TimeUnit::Year => (Calendar::Months, amount * 12),
        }
    }
}

/// Which lengths of time convert exactly into one another: days and weeks,
/// or months and years (a month has no fixed number of days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Calendar {
    /// Days and weeks.
    Days,
    /// Months and years.
    Months,
}

/// A calendar unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum TimeUnit {
    /// Days.
    Day,
    /// Weeks of seven days.
    Week,
    /// Calendar months.
    Month,
    /// Calendar years.
    Year,
}

/// The side of an anchor date a `within` window lies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Direction {
    /// `within D before y`: from `y - D` to `y`.
    Before,
    /// `within D after y`: from `y` to `y + D`.
    After,
    /// `within D of y`: from `y - D` to `y + D`.
    Around,
}

/// A prefix operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum UnaryOp {
    /// `not`.
    Not,
    /// `-`.
    Negate,
}

/// An infix operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum BinaryOp {
    /// `or`.
    Or,
    /// `and`.
    And,
    /// `=`.
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "=",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
        }
    }
}

/// How the items of a criteria list combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Quantifier {
    /// Every item holds.
    All,
    /// One or more items hold.
    Any,
    /// No item holds.
    None,
    /// At least this many items hold.
    AtLeast(u32),
}

/// One bullet of a criteria list.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Criterion {
    /// The manual's words.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = generate::option_text))]
    pub label: Option<String>,
    /// Where in the manual.
    pub citation: Option<Citation>,
    /// The test.
    pub expr: Expr,
    /// The test as written, shown for criteria without words of their own.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = generate::written))]
    pub written: String,
    /// `unless …`: when it applies, the criterion holds whatever its test.
    pub exception: Option<Box<Exception>>,
    /// The whole bullet.
    pub span: Span,
}

/// A criterion's exception: `unless "words" cite "…": test`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Exception {
    /// The manual's words.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = generate::option_text))]
    pub label: Option<String>,
    /// Where in the manual.
    pub citation: Option<Citation>,
    /// The test.
    pub expr: Expr,
    /// The test as written, shown when the exception has no words.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = generate::written))]
    pub written: String,
    /// From `unless` to the end of its test.
    pub span: Span,
}

/// The aggregates over lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum AggregateKind {
    /// How many elements pass the filter.
    Count,
    /// Whether some element passes.
    Exists,
    /// Whether every element passes.
    Every,
    /// The total of a projection.
    Sum,
    /// The least value of a projection.
    Min,
    /// The greatest value of a projection.
    Max,
}

impl AggregateKind {
    /// The aggregate's name as written.
    pub fn name(self) -> &'static str {
        match self {
            AggregateKind::Count => "count",
            AggregateKind::Exists => "exists",
            AggregateKind::Every => "every",
            AggregateKind::Sum => "sum",
            AggregateKind::Min => "min",
            AggregateKind::Max => "max",
        }
    }

    /// Whether it takes a `x of` projection.
    pub fn takes_projection(self) -> bool {
        matches!(
            self,
            AggregateKind::Sum | AggregateKind::Min | AggregateKind::Max
        )
    }
}

impl Expr {
    /// The direct sub-expressions, for passes that walk the tree.
    pub fn children(&self) -> Vec<&Expr> {
        match &self.kind {
            ExprKind::Bool(_)
            | ExprKind::Integer(_)
            | ExprKind::Decimal(_)
            | ExprKind::Text(_)
            | ExprKind::Date(_)
            | ExprKind::Duration(_)
            | ExprKind::AsOf
            | ExprKind::Path(_) => Vec::new(),
            ExprKind::Field(inner, _) | ExprKind::Unary(_, inner) => vec![inner],
            ExprKind::Binary(_, left, right) => vec![left, right],
            ExprKind::Within {
                subject, anchor, ..
            } => vec![subject, anchor],
            ExprKind::Member { subject, set, .. } => {
                std::iter::once(&**subject).chain(set.iter()).collect()
            }
            ExprKind::Criteria { items, .. } => items
                .iter()
                .flat_map(|item| {
                    std::iter::once(&item.expr).chain(item.exception.as_ref().map(|e| &e.expr))
                })
                .collect(),
            ExprKind::Aggregate {
                projection,
                list,
                filter,
                ..
            } => projection
                .iter()
                .map(|p| &**p)
                .chain(std::iter::once(&**list))
                .chain(filter.iter().map(|f| &**f))
                .collect(),
            ExprKind::Episode {
                list, start, end, ..
            } => vec![list, start, end],
            ExprKind::Table { inputs, rows, .. } => inputs
                .iter()
                .chain(rows.iter().flat_map(|row| {
                    row.cells
                        .iter()
                        .flat_map(|cell| match cell {
                            Cell::Any(_) => Vec::new(),
                            Cell::Value(e) => vec![e],
                            Cell::List(items, _) => items.iter().collect(),
                        })
                        .chain(std::iter::once(&row.output))
                }))
                .collect(),
            ExprKind::Call(_, args) | ExprKind::List(args) => args.iter().collect(),
            ExprKind::If {
                branches,
                otherwise,
            } => branches
                .iter()
                .flat_map(|(c, v)| [c, v])
                .chain(std::iter::once(&**otherwise))
                .collect(),
            ExprKind::Record(fields) => fields.iter().map(|(_, e)| e).collect(),
        }
    }

    /// How deep the tree goes, counted without recursion so that any tree,
    /// however deep, can be measured.
    pub fn depth(&self) -> usize {
        let mut deepest = 0;
        let mut stack = vec![(self, 1usize)];
        while let Some((expr, depth)) = stack.pop() {
            deepest = deepest.max(depth);
            stack.extend(expr.children().into_iter().map(|c| (c, depth + 1)));
        }
        deepest
    }
}
