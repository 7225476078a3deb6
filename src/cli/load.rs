//! Reading files and taking a policy through parse and check, rendering the
//! diagnostics of each stage.

use super::CliError;
use super::run::Settings;
use crate::diagnostic;
use crate::engine::Policy;
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
    match Policy::from_source(source, path) {
        Ok(policy) => {
            stderr.push_str(&policy.warnings().render(style));
            let source = policy.source().clone();
            Ok((policy, source))
        }
        Err(diagnostics) => {
            stderr.push_str(&diagnostics.render(style));
            Err(Failure::Input)
        }
    }
}
