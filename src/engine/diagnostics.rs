//! Diagnostics as data: what the facade hands back for every problem, with
//! its message, code, help and place, and rendering in one call.

use crate::diagnostic::{self, Style};
use crate::source::SourceFile;
use std::fmt;
use std::sync::Arc;

/// Whether a diagnostic stops the work or only warns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The policy or facts cannot be used.
    Error,
    /// Worth fixing; the work went on.
    Warning,
}

/// Where a diagnostic points: a file, and a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file's name as given (a path, or the name passed with the text).
    pub file: String,
    /// The 1-based line.
    pub line: usize,
    /// The 1-based column, in characters.
    pub column: usize,
}

/// One problem found in a policy or a facts file.
#[derive(Clone)]
pub struct Diagnostic {
    inner: Arc<dyn miette::Diagnostic + Send + Sync>,
    source: Option<SourceFile>,
    severity: Severity,
}

impl Diagnostic {
    /// Wraps a phase's error or warning with the file it points into.
    pub(crate) fn new(
        inner: impl miette::Diagnostic + Send + Sync + 'static,
        source: Option<&SourceFile>,
        severity: Severity,
    ) -> Diagnostic {
        Diagnostic {
            inner: Arc::new(inner),
            source: source.cloned(),
            severity,
        }
    }

    /// Error or warning.
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// The message, e.g. "unknown fact `recipient.age`".
    pub fn message(&self) -> String {
        self.inner.to_string()
    }

    /// The stable code, e.g. `policyc::check::unknown_name`.
    pub fn code(&self) -> Option<String> {
        self.inner.code().map(|c| c.to_string())
    }

    /// What to do about it.
    pub fn help(&self) -> Option<String> {
        self.inner.help().map(|h| h.to_string())
    }

    /// The place of its first label, when it points into a file.
    pub fn location(&self) -> Option<Location> {
        let source = self.source.as_ref()?;
        let offset = self.inner.labels()?.next()?.offset();
        let (file, local) = source.locate(offset);
        let line = file.line_of(local);
        let line_start = file
            .text
            .get(..local.min(file.text.len()))
            .and_then(|before| before.rfind('\n'))
            .map_or(0, |i| i + 1);
        let column = file
            .text
            .get(line_start..local.min(file.text.len()))
            .map_or(0, |s| s.chars().count())
            + 1;
        Some(Location {
            file: file.name.to_string(),
            line,
            column,
        })
    }

    /// The diagnostic for people (graphical, with the source shown) or as
    /// one JSON object.
    pub fn render(&self, style: Style) -> String {
        diagnostic::render(self.inner.as_ref(), self.source.as_ref(), style)
    }
}

impl fmt::Debug for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Diagnostic")
            .field("severity", &self.severity)
            .field("code", &self.code())
            .field("message", &self.message())
            .field("location", &self.location())
            .finish()
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.location() {
            Some(at) => write!(
                f,
                "{}:{}:{}: {}",
                at.file,
                at.line,
                at.column,
                self.message()
            ),
            None => f.write_str(&self.message()),
        }
    }
}

/// Every problem that stopped a policy or facts file from being used, in
/// the order found, with any warnings beside them.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub(crate) fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Adds each of `items` about `source` with `severity`.
    pub(crate) fn extend<D>(
        &mut self,
        items: impl IntoIterator<Item = D>,
        source: Option<&SourceFile>,
        severity: Severity,
    ) where
        D: miette::Diagnostic + Send + Sync + 'static,
    {
        self.0.extend(
            items
                .into_iter()
                .map(|d| Diagnostic::new(d, source, severity)),
        );
    }

    /// Every diagnostic, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether any is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// All of them rendered in `style`, one after another.
    pub fn render(&self, style: Style) -> String {
        self.0.iter().map(|d| d.render(style)).collect()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}
