//! Reading files and taking a policy through parse and check, rendering the
//! diagnostics of each stage.

use super::CliError;
use super::run::Settings;
use crate::check::{self, Policy};
use crate::diagnostic;
use crate::imports;
use crate::source::SourceFile;
use std::path::Path;

/// Why a file could not be used.
pub(crate) enum Failure {
    /// The file could not be read: a usage problem.
    Usage,
    /// The file has errors, already rendered.
    Input,
}

/// Reads a file as UTF-8 text, rendering the problem if it cannot.
pub(crate) fn read(
    path: &Path,
    settings: &Settings,
    stderr: &mut String,
) -> Result<SourceFile, Failure> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        let error = CliError::Read {
            path: name.clone(),
            reason: e.to_string(),
        };
        stderr.push_str(&diagnostic::render(&error, None, settings.diagnostics));
        Failure::Usage
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        let error = CliError::NotText { path: name.clone() };
        stderr.push_str(&diagnostic::render(&error, None, settings.diagnostics));
        Failure::Input
    })?;
    Ok(SourceFile::new(name, text))
}

/// Reads, parses and checks a policy; renders errors and warnings to `stderr`.
pub(crate) fn policy(
    path: &Path,
    settings: &Settings,
    stderr: &mut String,
) -> Result<(Policy, SourceFile), Failure> {
    let source = read(path, settings, stderr)?;
    let style = settings.diagnostics;
    let loaded = imports::load(source, path).map_err(|failure| {
        let source = Some(&failure.source);
        stderr.push_str(&diagnostic::render_all(&failure.syntax, source, style));
        stderr.push_str(&diagnostic::render_all(&failure.imports, source, style));
        Failure::Input
    })?;
    let (file, source) = (loaded.file, loaded.source);
    let outcome = check::check(&file);
    stderr.push_str(&diagnostic::render_all(
        &outcome.errors,
        Some(&source),
        style,
    ));
    stderr.push_str(&diagnostic::render_all(
        &outcome.warnings,
        Some(&source),
        style,
    ));
    outcome.policy.map(|p| (p, source)).ok_or(Failure::Input)
}
