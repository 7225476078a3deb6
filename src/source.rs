//! Source files and the byte spans that every AST node and diagnostic carries.

use std::sync::Arc;

/// A named piece of text: a `.policy` file or a facts file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name shown in diagnostics, usually the path as the user typed it.
    pub name: Arc<str>,
    /// The whole text.
    pub text: Arc<str>,
    /// Files this one imports, each with the offset its spans start at:
    /// spans of imported definitions are offsets past the end of this text,
    /// so one span type can point into any file of a policy.
    pub imported: Arc<[(usize, SourceFile)]>,
}

impl SourceFile {
    /// Makes a source file from a name and its text.
    pub fn new(name: impl Into<Arc<str>>, text: impl Into<Arc<str>>) -> Self {
        Self {
            name: name.into(),
            text: text.into(),
            imported: Arc::from(Vec::new()),
        }
    }

    /// The file a global offset falls in, and the offset within it.
    pub fn locate(&self, offset: usize) -> (&SourceFile, usize) {
        self.imported
            .iter()
            .rev()
            .find(|(base, _)| offset >= *base)
            .map_or((self, offset), |(base, file)| (file, offset - base))
    }

    /// The text a span covers, or `""` when the span does not fit the text.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    /// The 1-based line number of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text
            .as_bytes()
            .iter()
            .take(end)
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }

    /// The byte offset of a 1-based line and column, clamped to the text.
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        offset_in(&self.text, line, column)
    }
}

/// The byte offset of a 1-based line and column in `text`, clamped to it.
pub fn offset_in(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (index, text_line) in text.split_inclusive('\n').enumerate() {
        if index + 1 == line {
            return (offset + column.saturating_sub(1)).min(text.len());
        }
        offset += text_line.len();
    }
    text.len()
}

/// A half-open byte range `start..end` in one source file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// The first byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// Makes a span; `end` is raised to `start` if it is smaller.
    pub fn new(start: usize, end: usize) -> Self {
        Self {
            start,
            end: end.max(start),
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        miette::SourceSpan::new(span.start.into(), span.end.saturating_sub(span.start))
    }
}
