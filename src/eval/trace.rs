//! The explanation of a determination: a tree of criteria, each with its
//! value, the facts it read and its citation.

use crate::check::Type;
use crate::value::Value;
use std::sync::Arc;

/// One node of an explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// What kind of node.
    pub kind: TraceKind,
    /// The manual's words, or the test as written.
    pub label: Arc<str>,
    /// The citation, if any.
    pub citation: Option<Arc<str>>,
    /// The value it took.
    pub value: Value,
    /// Its type, for rendering the value.
    pub ty: Type,
    /// The facts it read directly, in reading order.
    pub reads: Vec<Read>,
    /// Nested criteria and the rules it used.
    pub children: Vec<Arc<Trace>>,
    /// For a criterion, where it is written: it identifies the criterion.
    pub span: Option<crate::source::Span>,
    /// For a criterion whose test could not be computed (a division by
    /// zero, say) while the other criteria decided the result without it:
    /// the evaluation error, and its value is unknown.
    pub error: Option<Arc<str>>,
}

/// What a trace node stands for. New kinds may be added as the language
/// grows.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TraceKind {
    /// A decision, by name.
    Decision(String),
    /// A rule, by name.
    Rule(String),
    /// A bullet of a criteria list.
    Criterion,
    /// A criterion's `unless` exception: its value says whether it applies.
    Exception,
}

/// A fact read while evaluating a criterion.
#[derive(Debug, Clone, PartialEq)]
pub struct Read {
    /// The fact's path.
    pub path: Arc<str>,
    /// Its value (unknown when absent).
    pub value: Value,
    /// Its type.
    pub ty: Type,
}

/// The reads and children collected for one trace node under construction.
#[derive(Debug, Default)]
pub(crate) struct Frame {
    pub reads: Vec<Read>,
    pub children: Vec<Arc<Trace>>,
}

impl Frame {
    /// Records a read once per path.
    pub fn read(&mut self, read: Read) {
        if !self.reads.iter().any(|r| r.path == read.path) {
            self.reads.push(read);
        }
    }

    /// Records a rule used, once.
    pub fn child(&mut self, trace: &Arc<Trace>) {
        if !self.children.iter().any(|c| Arc::ptr_eq(c, trace)) {
            self.children.push(Arc::clone(trace));
        }
    }
}
