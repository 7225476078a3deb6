//! A small Wadler-style layout engine: documents of text and line breaks, and
//! groups that print on one line when their first line fits the width.
//!
//! Departures from the textbook algorithm, chosen for policy files:
//! - a group is judged by its first line only, so a criteria list (hard line
//!   breaks) inside `every(team where any of {` does not break the call open;
//! - every group is judged on its own, even inside a flat group, because text
//!   after a hard line break starts a fresh line;
//! - `Align` indents to the current column only when its group is broken;
//! - `ForceBreak` anywhere inside a group (a comment) breaks it.

/// A document to lay out.
#[derive(Debug, Clone)]
pub(crate) enum Doc {
    /// Literal text without line breaks.
    Text(String),
    /// A space when flat, a line break when broken.
    Line,
    /// Always a line break.
    HardLine,
    /// Text that depends on whether the enclosing group is broken.
    IfBreak {
        /// Printed when broken.
        broken: &'static str,
        /// Printed when flat.
        flat: &'static str,
    },
    /// Makes every group around it break.
    ForceBreak,
    /// Indents the line breaks inside by this many more spaces.
    Nest(usize, Box<Doc>),
    /// Indents the line breaks inside to the current column (when broken).
    Align(Box<Doc>),
    /// Printed flat if its first line fits, else broken.
    Group(Box<Doc>),
    /// One after another.
    Concat(Vec<Doc>),
}

/// Text.
pub(crate) fn text(s: impl Into<String>) -> Doc {
    Doc::Text(s.into())
}

/// Documents one after another.
pub(crate) fn concat(parts: Vec<Doc>) -> Doc {
    Doc::Concat(parts)
}

/// `doc` with its line breaks indented `by` more.
pub(crate) fn nest(by: usize, doc: Doc) -> Doc {
    Doc::Nest(by, Box::new(doc))
}

/// `doc` with its line breaks aligned to the current column.
pub(crate) fn align(doc: Doc) -> Doc {
    Doc::Align(Box::new(doc))
}

/// `doc` as a group.
pub(crate) fn group(doc: Doc) -> Doc {
    Doc::Group(Box::new(doc))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Flat,
    Break,
}

type Command<'d> = (usize, Mode, &'d Doc);

/// Lays `doc` out within `width` columns (text wider than that overflows).
pub(crate) fn render(doc: &Doc, width: usize) -> String {
    let mut out = Output::default();
    let mut stack: Vec<Command<'_>> = vec![(0, Mode::Break, doc)];
    while let Some((indent, mode, doc)) = stack.pop() {
        match doc {
            Doc::Text(s) => out.text(s),
            Doc::Line if mode == Mode::Flat => out.text(" "),
            Doc::Line | Doc::HardLine => out.newline(indent),
            Doc::IfBreak { broken, flat } => {
                out.text(if mode == Mode::Break { broken } else { flat });
            }
            Doc::ForceBreak => {}
            Doc::Nest(by, inner) => stack.push((indent + by, mode, inner)),
            Doc::Align(inner) => {
                let at = if mode == Mode::Break {
                    out.column()
                } else {
                    indent
                };
                stack.push((at, mode, inner));
            }
            Doc::Group(inner) => {
                let room = width.saturating_sub(out.column());
                let mode = if fits(room, inner, &stack) {
                    Mode::Flat
                } else {
                    Mode::Break
                };
                stack.push((indent, mode, inner));
            }
            Doc::Concat(parts) => stack.extend(parts.iter().rev().map(|p| (indent, mode, p))),
        }
    }
    out.finish()
}

/// Whether `doc`, printed flat, keeps its first line within `room` columns
/// (counting what follows it up to the next line break) and holds no
/// `ForceBreak`.
fn fits(room: usize, doc: &Doc, rest: &[Command<'_>]) -> bool {
    let mut left = room as isize;
    let mut measuring = true;
    let mut pending = vec![doc];
    while let Some(doc) = pending.pop() {
        match doc {
            Doc::Text(s) if measuring => left -= s.chars().count() as isize,
            Doc::Line if measuring => left -= 1,
            Doc::IfBreak { flat, .. } if measuring => left -= flat.chars().count() as isize,
            Doc::HardLine => measuring = false,
            Doc::ForceBreak => return false,
            Doc::Nest(_, inner) | Doc::Align(inner) | Doc::Group(inner) => pending.push(inner),
            Doc::Concat(parts) => pending.extend(parts.iter().rev()),
            Doc::Text(_) | Doc::Line | Doc::IfBreak { .. } => {}
        }
        if left < 0 {
            return false;
        }
    }
    !measuring || rest_fits(left, rest)
}

/// Whether the text after a group, up to the next line break, fits in `left`.
fn rest_fits(mut left: isize, rest: &[Command<'_>]) -> bool {
    let mut pending: Vec<(Mode, &Doc)> = Vec::new();
    let mut stack = rest.iter().map(|(_, mode, doc)| (*mode, *doc));
    loop {
        let (mode, doc) = match pending.pop() {
            Some(next) => next,
            None => match stack.next_back() {
                Some(next) => next,
                None => return true,
            },
        };
        match doc {
            Doc::Text(s) => left -= s.chars().count() as isize,
            Doc::Line if mode == Mode::Flat => left -= 1,
            Doc::Line | Doc::HardLine => return true,
            Doc::IfBreak { broken, flat } => {
                let s = if mode == Mode::Break { broken } else { flat };
                left -= s.chars().count() as isize;
            }
            Doc::ForceBreak => {}
            Doc::Nest(_, inner) | Doc::Align(inner) => pending.push((mode, inner)),
            Doc::Group(inner) => pending.push((Mode::Flat, inner)),
            Doc::Concat(parts) => pending.extend(parts.iter().rev().map(|p| (mode, p))),
        }
        if left < 0 {
            return false;
        }
    }
}

/// The text being produced; indentation is written lazily so that blank
/// lines carry no trailing spaces.
#[derive(Default)]
struct Output {
    text: String,
    column: usize,
    pending_indent: Option<usize>,
}

impl Output {
    fn text(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if let Some(indent) = self.pending_indent.take() {
            self.text.extend(std::iter::repeat_n(' ', indent));
            self.column = indent;
        }
        self.text.push_str(s);
        self.column += s.chars().count();
    }

    fn newline(&mut self, indent: usize) {
        self.text.push('\n');
        self.column = 0;
        self.pending_indent = Some(indent);
    }

    fn column(&self) -> usize {
        self.pending_indent.unwrap_or(self.column)
    }

    fn finish(self) -> String {
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(n: usize) -> Doc {
        let mut parts = vec![text("start")];
        for i in 0..n {
            parts.push(Doc::Line);
            parts.push(text(format!("w{i}")));
        }
        group(align(concat(parts)))
    }

    #[test]
    fn a_group_that_fits_stays_on_one_line() {
        assert_eq!(render(&words(3), 80), "start w0 w1 w2");
    }

    #[test]
    fn a_group_too_wide_breaks_at_every_line() {
        assert_eq!(render(&words(3), 10), "start\nw0\nw1\nw2");
    }

    #[test]
    fn align_indents_to_the_column_when_broken() {
        let doc = concat(vec![text("= "), words(2)]);
        assert_eq!(render(&doc, 8), "= start\n  w0\n  w1");
    }

    #[test]
    fn a_hard_line_ends_the_measured_first_line() {
        let doc = group(concat(vec![
            text("f(x"),
            Doc::Line,
            text("where {"),
            nest(2, concat(vec![Doc::HardLine, text("item")])),
            Doc::HardLine,
            text("})"),
        ]));
        assert_eq!(render(&doc, 20), "f(x where {\n  item\n})");
    }

    #[test]
    fn force_break_breaks_the_group() {
        let doc = group(concat(vec![
            text("a"),
            Doc::Line,
            text("b"),
            Doc::ForceBreak,
        ]));
        assert_eq!(render(&doc, 80), "a\nb");
    }

    #[test]
    fn blank_lines_have_no_trailing_spaces() {
        let doc = nest(
            4,
            concat(vec![text("a"), Doc::HardLine, Doc::HardLine, text("b")]),
        );
        assert_eq!(render(&doc, 80), "a\n\n    b");
    }
}
