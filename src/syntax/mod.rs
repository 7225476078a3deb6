//! Text → AST: the only module that knows pest exists.
//!
//! `parse` first bounds bracket nesting (so no input can exhaust the stack),
//! then runs the pest grammar, then lowers pairs into `crate::ast`. A grammar
//! failure stops at its first error (pest cannot resume); lowering errors are
//! collected item by item so one run reports as many as it can.

mod error;
mod expr;
mod grammar;
mod literal;
mod lower;
mod readable;
#[cfg(test)]
mod tests;

pub use error::SyntaxError;
pub use literal::parse_date;
pub use lower::MAX_EXPRESSION_DEPTH;

use crate::ast::PolicyFile;
use crate::source::{SourceFile, Span};
use grammar::{PolicyParser, Rule as G};
use pest::Parser;

/// The deepest bracket nesting accepted.
pub const MAX_NESTING: usize = 48;

/// Parses and lowers a policy file, or returns every syntax error found.
pub fn parse(source: &SourceFile) -> Result<PolicyFile, Vec<SyntaxError>> {
    check_nesting(&source.text).map_err(|e| vec![e])?;
    let mut pairs = PolicyParser::parse(G::file, &source.text)
        .map_err(|e| vec![readable::from_pest(source, &e)])?;
    let file = pairs.next().ok_or_else(|| {
        vec![SyntaxError::Internal {
            span: Span::default(),
            what: "the grammar produced nothing".to_owned(),
        }]
    })?;
    lower::lower_file(file)
}

/// Rejects bracket nesting deeper than `MAX_NESTING`, skipping text and comments.
fn check_nesting(text: &str) -> Result<(), SyntaxError> {
    let mut depth = 0usize;
    let mut in_text = false;
    let mut in_comment = false;
    let mut escaped = false;
    for (offset, c) in text.char_indices() {
        if in_comment {
            in_comment = c != '\n';
        } else if in_text {
            in_text = escaped || (c != '"' && c != '\n');
            escaped = !escaped && c == '\\';
        } else {
            match c {
                '#' => in_comment = true,
                '"' => in_text = true,
                '(' | '[' | '{' => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        return Err(SyntaxError::TooDeep {
                            span: Span::new(offset, offset + 1),
                            limit: MAX_NESTING,
                        });
                    }
                }
                ')' | ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    Ok(())
}
