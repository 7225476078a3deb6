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

/// Rejects nesting deeper than `MAX_NESTING`, before the grammar (which
/// recurses once per level) sees the text. Every construct the grammar
/// nests counts, together: brackets `(`, `[` and `{`; `if`, from the `if` to
/// its final `else` (an `else if` stays at the same level); and each
/// `list of` in a run such as `list of list of integer`. Text and comments
/// are skipped. Operator chains (`a and b and …`, `not not …`, `- - x`) do
/// not nest in the grammar; lowering bounds the depth of the trees they make.
fn check_nesting(text: &str) -> Result<(), SyntaxError> {
    let mut depth = 0usize;
    // `list of` levels in the current run of them.
    let mut lists = 0usize;
    let mut in_text = false;
    let mut in_comment = false;
    let mut escaped = false;
    let mut word_start: Option<usize> = None;
    let too_deep = |offset: usize, length: usize| SyntaxError::TooDeep {
        span: Span::new(offset, offset + length),
        limit: MAX_NESTING,
    };
    for (offset, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        let word_char = c.is_ascii_alphanumeric() || c == '_';
        if !in_text && !in_comment {
            if word_char {
                word_start.get_or_insert(offset);
                continue;
            }
            if let Some(start) = word_start.take() {
                let word = text.get(start..offset).unwrap_or("");
                match word {
                    // After `else`, the `else` closed a level and this `if`
                    // reopens it: `else if` stays at the same level.
                    "if" => depth += 1,
                    "else" => depth = depth.saturating_sub(1),
                    "list" => lists += 1,
                    "of" => {}
                    _ => lists = 0,
                }
                if depth + lists > MAX_NESTING {
                    return Err(too_deep(start, word.len()));
                }
            }
        }
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
                    lists = 0;
                    depth += 1;
                    if depth > MAX_NESTING {
                        return Err(too_deep(offset, 1));
                    }
                }
                ')' | ']' | '}' => {
                    lists = 0;
                    depth = depth.saturating_sub(1);
                }
                _ => {}
            }
        }
    }
    Ok(())
}
