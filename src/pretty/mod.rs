//! `policyc fmt`: prints a policy file in its one canonical layout, keeping
//! its comments, and refuses any output that would not parse back to the
//! same syntax tree.
//!
//! The layout follows `policies/mn_irts.policy`: 2-space indentation, one
//! blank line between top-level items, `facts` and criteria lists one entry
//! per line, a labelled criterion as its words, its citation and its test on
//! lines of their own. Shorter constructs (records, enums, record literals,
//! `if` chains, aggregates, `and`/`or` chains) stay on one line when it is at
//! most [`WIDTH`] columns wide and break otherwise. Text is never split.

mod comments;
mod doc;
mod error;
mod expr;
mod layout;
mod normalize;

pub use error::FormatError;
pub use normalize::{same_meaning, without_spans};

use crate::ast::PolicyFile;
use crate::source::SourceFile;
use crate::syntax;

/// The width lines are broken to fit, where they can be.
pub const WIDTH: usize = 100;

/// Formats a policy file: the canonical text, checked to parse back to the
/// same syntax tree (spans aside) with the same comments.
pub fn format(source: &SourceFile) -> Result<String, FormatError> {
    let original = syntax::parse(source).map_err(FormatError::Syntax)?;
    let formatted = print_with_comments(&original, &source.text);
    verify(source, &original, &formatted)?;
    Ok(formatted)
}

/// Prints a syntax tree in the canonical layout, without comments.
pub fn print(file: &PolicyFile) -> String {
    print_with_comments(file, "")
}

/// An expression on one line, as the formatter writes it: how explanations
/// show a rule's arguments.
pub fn expr_text(expr: &crate::ast::Expr) -> String {
    let mut printer = Printer {
        source: "",
        queue: comments::Queue::new(""),
    };
    let doc = printer.expr(expr, 0);
    doc::render(&doc, usize::MAX)
}

/// Prints `file`, whose text is `text`, with the comments of `text`.
fn print_with_comments(file: &PolicyFile, text: &str) -> String {
    let mut printer = Printer {
        source: text,
        queue: comments::Queue::new(text),
    };
    let doc = printer.file(file);
    let mut out = doc::render(&doc, WIDTH);
    out.push('\n');
    out
}

/// Parses the output again and compares it with the input.
fn verify(source: &SourceFile, original: &PolicyFile, formatted: &str) -> Result<(), FormatError> {
    let output = SourceFile::new(source.name.clone(), formatted);
    let file = source.name.to_string();
    let reparsed = syntax::parse(&output).map_err(|errors| FormatError::Unparsable {
        file: file.clone(),
        first: errors.first().map(ToString::to_string).unwrap_or_default(),
    })?;
    if let Some(place) = normalize::first_difference(original, &reparsed) {
        return Err(FormatError::ChangedMeaning { file, place });
    }
    let mut before: Vec<String> = comments::scan(&source.text)
        .into_iter()
        .map(|c| c.text)
        .collect();
    let mut after: Vec<String> = comments::scan(formatted)
        .into_iter()
        .map(|c| c.text)
        .collect();
    before.sort_unstable();
    after.sort_unstable();
    if before != after {
        return Err(FormatError::LostComments { file });
    }
    Ok(())
}

/// Turns a syntax tree into a layout document, taking comments from the
/// queue as it reaches each node.
struct Printer<'s> {
    /// The source text, to find where blocks end; empty when printing a tree
    /// without source.
    source: &'s str,
    /// The comments not yet printed.
    queue: comments::Queue,
}
