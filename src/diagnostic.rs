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
        let local_span = miette::SourceSpan::new(local.into(), span.len());
        let text: &'a str = &file.text;
        let contents = text.read_span(&local_span, context_lines_before, context_lines_after)?;
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
        self.source.as_ref()?;
        self.inner.labels()
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
