//! The one place that decides how errors and warnings look: any phase's
//! diagnostic plus its source → text, graphical or JSON.

use crate::source::SourceFile;
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, JSONReportHandler};
use std::fmt;

/// How diagnostics are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Graphical, coloured when `color` is set.
    Human {
        /// Whether to use colour.
        color: bool,
    },
    /// One JSON object per diagnostic (miette's JSON shape).
    Json,
}

/// A diagnostic paired with the source it points into.
struct WithSource<'a> {
    inner: &'a dyn Diagnostic,
    source: Option<Routed>,
}

/// A policy's sources for miette: a span is read from the file (main or
/// imported) its offset falls in, under that file's name.
struct Routed(SourceFile);

impl miette::SourceCode for Routed {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let (file, local) = self.0.locate(span.offset());
        let base = span.offset() - local;
        let text: &'a str = &file.text;
        if let Some(window) = long_line_window(text, local, span.len()) {
            return Ok(Box::new(window.contents(file.name.to_string(), text, base)));
        }
        let local_span = miette::SourceSpan::new(local.into(), span.len());
        let mut contents =
            text.read_span(&local_span, context_lines_before, context_lines_after)?;
        let long = |data: &[u8]| data.split(|b| *b == b'\n').any(|l| l.len() > LONG_LINE);
        if long(contents.data()) {
            // A long line among the context lines: show the labelled lines only.
            contents = text.read_span(&local_span, 0, 0)?;
        }
        Ok(Box::new(miette::MietteSpanContents::new_named(
            file.name.to_string(),
            contents.data(),
            miette::SourceSpan::new(
                (contents.span().offset() + base).into(),
                contents.span().len(),
            ),
            contents.line(),
            contents.column(),
            contents.line_count(),
        )))
    }
}

/// Lines longer than this are shown as a window around the place a label
/// points at (a minified JSON file is one line of many megabytes).
const LONG_LINE: usize = 400;
/// How much of a long line is shown before the labelled place.
const BEFORE: usize = 60;
/// A label on a long line is cut to this many bytes.
const LABEL: usize = 80;

/// The part of a long line shown for a label at `offset`.
struct Window {
    start: usize,
    end: usize,
    line: usize,
    column: usize,
}

impl Window {
    fn contents<'a>(
        &self,
        name: String,
        text: &'a str,
        base: usize,
    ) -> miette::MietteSpanContents<'a> {
        let data = text.get(self.start..self.end).unwrap_or("").as_bytes();
        miette::MietteSpanContents::new_named(
            name,
            data,
            miette::SourceSpan::new((self.start + base).into(), self.end - self.start),
            self.line,
            self.column,
            1,
        )
    }
}

/// The line around `offset`, when it is longer than [`LONG_LINE`]: a window
/// of it holding the label (cut to [`LABEL`] bytes, see `labels`), with its
/// real line and column so the location shown stays true.
fn long_line_window(text: &str, offset: usize, length: usize) -> Option<Window> {
    let offset = offset.min(text.len());
    let head = text.get(..offset)?;
    let line_start = head.rfind('\n').map_or(0, |i| i + 1);
    let line_end = text
        .get(offset..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |i| offset + i);
    if line_end - line_start <= LONG_LINE {
        return None;
    }
    let start = floor(text, offset.saturating_sub(BEFORE).max(line_start));
    let end = ceil(text, (offset + length.min(LABEL) + BEFORE).min(line_end));
    Some(Window {
        start,
        end,
        line: head.bytes().filter(|b| *b == b'\n').count(),
        // miette shows the contents' column as the place of the label.
        column: text
            .get(line_start..offset)
            .map_or(0, |t| t.chars().count()),
    })
}

/// The nearest character boundary at or before `at`.
fn floor(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The nearest character boundary at or after `at`.
fn ceil(text: &str, mut at: usize) -> usize {
    while at < text.len() && !text.is_char_boundary(at) {
        at += 1;
    }
    at.min(text.len())
}

impl fmt::Debug for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner.to_string(), f)
    }
}

impl fmt::Display for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.inner, f)
    }
}

impl std::error::Error for WithSource<'_> {}

impl Diagnostic for WithSource<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.inner.code()
    }
    fn severity(&self) -> Option<miette::Severity> {
        self.inner.severity()
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.inner.help()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        // Labels need source text to point into; without it they are dropped.
        let source = self.source.as_ref()?;
        let labels = self.inner.labels()?;
        // A label on a long line is cut short, so that the window shown of
        // that line holds it whole.
        Some(Box::new(labels.map(move |label| {
            let (file, local) = source.0.locate(label.offset());
            if label.len() <= LABEL || long_line_window(&file.text, local, 0).is_none() {
                return label;
            }
            let end = ceil(&file.text, local + LABEL) - local;
            miette::LabeledSpan::new(label.label().map(str::to_owned), label.offset(), end)
        })))
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
}

/// Renders one diagnostic about `source` (or about no file) in `style`.
pub fn render(diagnostic: &dyn Diagnostic, source: Option<&SourceFile>, style: Style) -> String {
    let wrapped = WithSource {
        inner: diagnostic,
        source: source.map(|s| Routed(s.clone())),
    };
    let mut out = String::new();
    let result = match style {
        Style::Human { color } => {
            let theme = if color {
                GraphicalTheme::unicode()
            } else {
                GraphicalTheme::unicode_nocolor()
            };
            GraphicalReportHandler::new_themed(theme)
                .with_width(100)
                .with_links(false)
                .render_report(&mut out, &wrapped)
        }
        Style::Json => JSONReportHandler::new().render_report(&mut out, &wrapped),
    };
    if result.is_err() {
        // Rendering into a String cannot fail; keep the plain message if it does.
        out = diagnostic.to_string();
    }
    if style == Style::Json {
        out.push('\n');
    }
    out
}

/// Renders several diagnostics about one source, in order.
pub fn render_all<'a, D: Diagnostic + 'a>(
    diagnostics: impl IntoIterator<Item = &'a D>,
    source: Option<&SourceFile>,
    style: Style,
) -> String {
    diagnostics
        .into_iter()
        .map(|d| render(d, source, style))
        .collect()
}
