//! The comment side table: every `#` comment of the source with its place,
//! handed out to the printer in source order as it reaches each node.
//!
//! The grammar drops comments, so they are found by a scan that skips text
//! in double quotes. A comment is given to the first node (item, field,
//! variant, criterion, record field) that starts after it, or to the end of
//! the enclosing block; a comment on the last line of a node, after its code,
//! stays at the end of that line; a comment inside a node that no inner node
//! takes is moved above the node.

use super::doc::{Doc, text};

/// One `#` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Comment {
    /// The byte offset of its `#`.
    pub offset: usize,
    /// Its text from `#`, without trailing spaces.
    pub text: String,
    /// Whether code stands before it on its line.
    pub trailing: bool,
    /// Whether a blank line follows it.
    pub blank_after: bool,
}

/// Every comment of `source`, in order.
pub(crate) fn scan(source: &str) -> Vec<Comment> {
    let mut comments = Vec::new();
    let mut line_has_code = false;
    let mut chars = source.char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        match c {
            '\n' => line_has_code = false,
            '"' => {
                line_has_code = true;
                let mut escaped = false;
                while let Some((_, c)) = chars.next_if(|&(_, c)| c != '\n') {
                    if c == '"' && !escaped {
                        break;
                    }
                    escaped = !escaped && c == '\\';
                }
            }
            '#' => {
                let rest = source.get(offset..).unwrap_or("");
                let line = rest.split('\n').next().unwrap_or("");
                let after = rest.get(line.len()..).unwrap_or("");
                comments.push(Comment {
                    offset,
                    text: line.trim_end().to_owned(),
                    trailing: line_has_code,
                    blank_after: blank_line_follows(after),
                });
                while chars.next_if(|&(_, c)| c != '\n').is_some() {}
            }
            c if c.is_whitespace() || c == '\u{FEFF}' => {}
            _ => line_has_code = true,
        }
    }
    comments
}

/// Whether `after` (starting at a line's `\n`) begins with a blank line that
/// is followed by more text.
fn blank_line_follows(after: &str) -> bool {
    let mut lines = after.split('\n').skip(1);
    let blank = lines.next().is_some_and(|l| l.trim().is_empty());
    blank && lines.any(|l| !l.trim().is_empty())
}

/// The comments not yet printed, and line lookups into the source.
#[derive(Debug, Default)]
pub(crate) struct Queue {
    pending: std::collections::VecDeque<Comment>,
    line_starts: Vec<usize>,
}

/// The comments that belong around one child of a block.
#[derive(Debug, Default)]
pub(crate) struct Around {
    /// Printed on their own lines before the child.
    pub before: Vec<Comment>,
    /// Printed at the end of the child's last line.
    pub after: Option<Comment>,
}

impl Queue {
    /// The queue of every comment of `source`.
    pub fn new(source: &str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self {
            pending: scan(source).into(),
            line_starts,
        }
    }

    /// Takes the comments that start before `offset`.
    pub fn before(&mut self, offset: usize) -> Vec<Comment> {
        let mut taken = Vec::new();
        while let Some(c) = self.pending.pop_front() {
            if c.offset < offset {
                taken.push(c);
            } else {
                self.pending.push_front(c);
                break;
            }
        }
        taken
    }

    /// Takes the comments left inside a child spanning up to `end` once its
    /// inner nodes took theirs, and a comment closing its last line, if any
    /// (looking no further than `limit`).
    pub fn after_child(&mut self, end: usize, limit: usize) -> Around {
        let last_line = self.line_of(end.saturating_sub(1));
        let mut inside = self.before(end);
        let closes_line = |c: &Comment| c.trailing && self.line_of(c.offset) == last_line;
        let mut after = match inside.last() {
            Some(c) if closes_line(c) => inside.pop(),
            _ => None,
        };
        if after.is_none() {
            let next = self.pending.front().filter(|c| c.offset < limit);
            if next.is_some_and(closes_line) {
                after = self.pending.pop_front();
            }
        }
        Around {
            before: inside,
            after,
        }
    }

    /// Takes every comment left.
    pub fn rest(&mut self) -> Vec<Comment> {
        self.pending.drain(..).collect()
    }

    fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset)
    }
}

/// Comments on their own lines, each followed by a line break (and a blank
/// line where the source had one, unless `last_blank` is false for the last).
pub(crate) fn own_lines(comments: &[Comment], last_blank: bool, soft: bool) -> Vec<Doc> {
    let mut docs = Vec::new();
    let count = comments.len();
    for (index, comment) in comments.iter().enumerate() {
        docs.push(text(comment.text.clone()));
        docs.push(Doc::HardLine);
        if comment.blank_after && (last_blank || index + 1 < count) {
            docs.push(Doc::HardLine);
        }
        if soft {
            docs.push(Doc::ForceBreak);
        }
    }
    docs
}

/// A comment at the end of a line.
pub(crate) fn end_of_line(comment: &Comment, soft: bool) -> Doc {
    let mut parts = vec![text(format!("  {}", comment.text))];
    if soft {
        parts.push(Doc::ForceBreak);
    }
    Doc::Concat(parts)
}

/// Skips spaces, comments and text pieces from `from`; the offset just past
/// the last text piece, or `from` if none follows.
pub(crate) fn past_text(source: &str, from: usize) -> usize {
    let mut end = from;
    let mut at = skip_trivia(source, from);
    while source.get(at..).is_some_and(|rest| rest.starts_with('"')) {
        end = past_string(source, at);
        at = skip_trivia(source, end);
    }
    end
}

/// The offset just past the `}` that closes the first `{` at or after
/// `from`, skipping text and comments; `None` if there is none.
pub(crate) fn block_end(source: &str, from: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut at = from;
    while let Some(c) = source.get(at..).and_then(|rest| rest.chars().next()) {
        match c {
            '"' => {
                at = past_string(source, at);
                continue;
            }
            '#' => at = line_end(source, at),
            '{' => depth += 1,
            '}' if depth == 1 => return Some(at + 1),
            '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        at += c.len_utf8();
    }
    None
}

fn skip_trivia(source: &str, mut at: usize) -> usize {
    while let Some(c) = source.get(at..).and_then(|rest| rest.chars().next()) {
        if c == '#' {
            at = line_end(source, at);
        } else if c.is_whitespace() || c == '\u{FEFF}' {
            at += c.len_utf8();
        } else {
            break;
        }
    }
    at
}

/// The offset of the `\n` ending the line at `at`, or the end of the source.
fn line_end(source: &str, at: usize) -> usize {
    source
        .get(at..)
        .and_then(|rest| rest.find('\n'))
        .map_or(source.len(), |i| at + i)
}

/// The offset just past the string starting with `"` at `at`.
fn past_string(source: &str, at: usize) -> usize {
    let mut escaped = false;
    for (i, c) in source.get(at + 1..).unwrap_or("").char_indices() {
        if c == '\n' {
            return at + 1 + i;
        }
        if c == '"' && !escaped {
            return at + 1 + i + 1;
        }
        escaped = !escaped && c == '\\';
    }
    source.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_inside_text_are_not_comments() {
        let found = scan("rule a = \"# not\" # yes\n# own\n\nrule b = 1\n");
        let texts: Vec<_> = found.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["# yes", "# own"]);
        assert!(found.first().is_some_and(|c| c.trailing && !c.blank_after));
        assert!(found.get(1).is_some_and(|c| !c.trailing && c.blank_after));
    }

    #[test]
    fn escaped_quotes_do_not_end_text() {
        let found = scan("rule a = \"say \\\"#\\\" \\\\\" # c\n");
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn block_end_skips_text_and_comments() {
        let source = "enum E \"{\" { a # }\n b }";
        assert_eq!(block_end(source, 0), Some(source.len()));
    }

    #[test]
    fn past_text_takes_every_piece() {
        let source = "x \"a\" \"b\" # c\n y";
        assert_eq!(past_text(source, 1), 9);
        assert_eq!(past_text(source, 9), 9);
    }
}
