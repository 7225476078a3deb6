//! The checked form of a policy: every name resolved to a slot or id and
//! every node typed, so evaluation does no lookups by name.

use super::types::{Schema, Type};
use crate::ast::{AggregateKind, DefinitionKind, Direction, Duration, Header, Quantifier};
use crate::source::Span;
use crate::value::Value;
use std::sync::Arc;

/// A rule's or decision's index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DefId(pub u32);

/// A policy that passed every check; only `check` can build one.
#[derive(Debug, Clone)]
pub struct Checked {
    pub(crate) header: Header,
    /// The version these definitions belong to, for a versioned policy.
    pub(crate) version: Option<super::VersionInfo>,
    pub(crate) schema: Schema,
    pub(crate) definitions: Vec<CheckedDefinition>,
    /// Every definition, dependencies before dependents.
    pub(crate) order: Vec<DefId>,
}

impl Checked {
    /// The header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The version, for a policy with versions.
    pub fn version(&self) -> Option<&super::VersionInfo> {
        self.version.as_ref()
    }

    /// The types and the facts schema.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Every rule and decision, in file order.
    pub fn definitions(&self) -> &[CheckedDefinition] {
        &self.definitions
    }

    /// A definition by id.
    pub fn definition(&self, id: DefId) -> Option<&CheckedDefinition> {
        self.definitions.get(id.0 as usize)
    }

    /// The decisions, in file order.
    pub fn decisions(&self) -> impl Iterator<Item = (DefId, &CheckedDefinition)> {
        self.definitions
            .iter()
            .enumerate()
            .filter(|(_, d)| d.kind == DefinitionKind::Decision)
            .map(|(i, d)| (DefId(i as u32), d))
    }

    /// A decision by name.
    pub fn decision(&self, name: &str) -> Option<DefId> {
        self.decisions()
            .find(|(_, d)| d.name == name)
            .map(|(id, _)| id)
    }

    /// The definitions needed to evaluate `roots`, dependencies first.
    pub fn plan(&self, roots: &[DefId]) -> Vec<DefId> {
        let mut needed = vec![false; self.definitions.len()];
        let mut stack: Vec<DefId> = roots.to_vec();
        while let Some(id) = stack.pop() {
            let Some(slot) = needed.get_mut(id.0 as usize) else {
                continue;
            };
            if !*slot {
                *slot = true;
                if let Some(def) = self.definition(id) {
                    stack.extend(def.dependencies.iter().copied());
                }
            }
        }
        self.order
            .iter()
            .copied()
            .filter(|id| needed.get(id.0 as usize).copied().unwrap_or(false))
            .collect()
    }
}

/// A checked rule or decision.
#[derive(Debug, Clone)]
pub struct CheckedDefinition {
    /// Rule or decision.
    pub kind: DefinitionKind,
    /// Its name.
    pub name: String,
    /// Its type.
    pub ty: Type,
    /// The manual's words.
    pub label: Option<String>,
    /// The citation.
    pub citation: Option<String>,
    /// What explanations show for it (its words, else its name) and its
    /// citation, shared by every trace of it.
    pub shown: (Arc<str>, Option<Arc<str>>),
    /// The body.
    pub body: Node,
    /// The rules and decisions the body refers to.
    pub dependencies: Vec<DefId>,
    /// A rule's parameters, by name and type; none for most rules and every
    /// decision.
    pub params: Vec<(String, Type)>,
    /// Where it was declared.
    pub span: Span,
}

/// A typed expression node.
#[derive(Debug, Clone)]
pub struct Node {
    /// What it computes.
    pub kind: NodeKind,
    /// Its type.
    pub ty: Type,
    /// Where it was written.
    pub span: Span,
}

/// A fact path resolved to field slots from the facts root.
#[derive(Debug, Clone)]
pub struct FactRef {
    /// The field index at each step.
    pub slots: Box<[u32]>,
    /// The path as written, for explanations.
    pub path: Arc<str>,
}

/// Operators after type checking; the operand types are fixed by the checker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
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
}

/// Arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arith {
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/` (always decimal).
    Div,
}

/// The kinds of checked node.
#[derive(Debug, Clone)]
pub enum NodeKind {
    /// A constant.
    Literal(Value),
    /// The as-of date.
    AsOf,
    /// A declared fact.
    Fact(FactRef),
    /// A field path inside the list element bound at `level` (0 = outermost
    /// aggregate); empty `slots` is the element itself.
    Element {
        /// Which enclosing aggregate's element.
        level: u32,
        /// Field indexes from the element.
        slots: Box<[u32]>,
    },
    /// A field of a record value.
    Field(Box<Node>, u32),
    /// Another rule or decision.
    Definition(DefId),
    /// The parameter at this index of the rule being evaluated.
    Param(u32),
    /// A rule with parameters applied to arguments.
    Apply {
        /// The rule.
        def: DefId,
        /// The arguments, in parameter order.
        args: Vec<Node>,
        /// The call as written, `during_program(day_treatment)`, for
        /// explanations.
        written: Arc<str>,
    },
    /// `not`.
    Not(Box<Node>),
    /// `-`.
    Negate(Box<Node>),
    /// `and`.
    And(Box<Node>, Box<Node>),
    /// `or`.
    Or(Box<Node>, Box<Node>),
    /// A comparison.
    Compare(Compare, Box<Node>, Box<Node>),
    /// Arithmetic on numbers, or a date plus or minus a length of time.
    Arith(Arith, Box<Node>, Box<Node>),
    /// `x within D before|after|of y`.
    Within {
        /// The date tested.
        subject: Box<Node>,
        /// The window.
        window: Duration,
        /// Its side.
        direction: Direction,
        /// The anchor date.
        anchor: Box<Node>,
    },
    /// `x in [..]`.
    Member {
        /// The value tested.
        subject: Box<Node>,
        /// `not in`.
        negated: bool,
        /// The set.
        set: Vec<Node>,
    },
    /// A criteria list.
    Criteria {
        /// How items combine.
        quantifier: Quantifier,
        /// The items.
        items: Vec<CriterionNode>,
    },
    /// An aggregate over a list.
    Aggregate {
        /// Which.
        kind: AggregateKind,
        /// The list.
        list: Box<Node>,
        /// The value per element (sum, min, max).
        projection: Option<Box<Node>>,
        /// The filter.
        filter: Option<Box<Node>>,
    },
    /// The latest episode of a list of dated elements.
    Episode {
        /// The list.
        list: Box<Node>,
        /// Each element's start.
        start: Box<Node>,
        /// Each element's end.
        end: Box<Node>,
        /// The longest gap that continues an episode.
        gap: Duration,
    },
    /// A decision table.
    Table {
        /// How rows are chosen.
        hit: crate::ast::HitPolicy,
        /// The input columns.
        inputs: Vec<Node>,
        /// The rows, in order.
        rows: Vec<RowNode>,
    },
    /// `age(birth)` or `age(birth, on)`: whole years.
    Age(Box<Node>, Option<Box<Node>>),
    /// `days_between(a, b)`: days from a to b.
    DaysBetween(Box<Node>, Box<Node>),
    /// `if … then … else …`.
    If {
        /// Conditions and values.
        branches: Vec<(Node, Node)>,
        /// The `else` value.
        otherwise: Box<Node>,
    },
    /// A record literal, fields in type order.
    Record(Vec<Node>),
    /// A list literal.
    List(Vec<Node>),
}

/// A checked bullet of a criteria list.
#[derive(Debug, Clone)]
pub struct CriterionNode {
    /// The manual's words.
    pub label: Option<String>,
    /// The test as written, for criteria without words.
    pub written: String,
    /// The citation.
    pub citation: Option<String>,
    /// What explanations show for it (its words, else the test as written)
    /// and its citation, shared by every trace of it.
    pub shown: (Arc<str>, Option<Arc<str>>),
    /// The test.
    pub node: Node,
    /// `unless …`: the criterion also holds when this applies.
    pub exception: Option<Box<ExceptionNode>>,
    /// Where.
    pub span: Span,
}

/// A checked exception of a criterion.
#[derive(Debug, Clone)]
pub struct ExceptionNode {
    /// What explanations show for it (its words, else the test as written)
    /// and its citation (its own, else the criterion's).
    pub shown: (Arc<str>, Option<Arc<str>>),
    /// The test.
    pub node: Node,
    /// Where.
    pub span: Span,
}

/// A checked row of a decision table.
#[derive(Debug, Clone)]
pub struct RowNode {
    /// Per input: the values it may equal, or `None` for `any`.
    pub cells: Vec<Option<Vec<Node>>>,
    /// The row's result.
    pub output: Node,
    /// Where the row is written.
    pub span: Span,
}

impl Node {
    /// The direct sub-nodes, for passes that walk the checked tree.
    pub fn children(&self) -> Vec<&Node> {
        let mut out = Vec::new();
        match &self.kind {
            NodeKind::Literal(_)
            | NodeKind::AsOf
            | NodeKind::Fact(_)
            | NodeKind::Element { .. }
            | NodeKind::Param(_)
            | NodeKind::Definition(_) => {}
            NodeKind::Apply { args, .. } => out.extend(args),
            NodeKind::Field(inner, _) | NodeKind::Not(inner) | NodeKind::Negate(inner) => {
                out.push(&**inner)
            }
            NodeKind::And(a, b)
            | NodeKind::Or(a, b)
            | NodeKind::Compare(_, a, b)
            | NodeKind::Arith(_, a, b)
            | NodeKind::DaysBetween(a, b) => out.extend([&**a, &**b]),
            NodeKind::Within {
                subject, anchor, ..
            } => out.extend([&**subject, &**anchor]),
            NodeKind::Member { subject, set, .. } => {
                out.push(&**subject);
                out.extend(set);
            }
            NodeKind::Criteria { items, .. } => {
                for item in items {
                    out.push(&item.node);
                    out.extend(item.exception.as_deref().map(|e| &e.node));
                }
            }
            NodeKind::Aggregate {
                list,
                projection,
                filter,
                ..
            } => {
                out.push(&**list);
                out.extend(projection.as_deref());
                out.extend(filter.as_deref());
            }
            NodeKind::Episode {
                list, start, end, ..
            } => out.extend([&**list, &**start, &**end]),
            NodeKind::Age(birth, on) => {
                out.push(&**birth);
                out.extend(on.as_deref());
            }
            NodeKind::If {
                branches,
                otherwise,
            } => {
                out.extend(branches.iter().flat_map(|(c, v)| [c, v]));
                out.push(&**otherwise);
            }
            NodeKind::Table { inputs, rows, .. } => {
                out.extend(inputs);
                for row in rows {
                    out.extend(row.cells.iter().flatten().flatten());
                    out.push(&row.output);
                }
            }
            NodeKind::Record(items) | NodeKind::List(items) => out.extend(items),
        }
        out
    }
}
