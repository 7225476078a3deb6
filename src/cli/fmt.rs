//! `policyc fmt [--check] PATH...`: rewrites policy files in the canonical
//! layout, or with `--check` lists the files that are not in it.

use super::load::{self, Failure};
use super::run::Settings;
use super::{CliError, Outcome, Output};
use crate::diagnostic;
use crate::pretty::{self, FormatError};
use crate::source::SourceFile;
use miette::Diagnostic;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// A formatted file that could not be written back.
#[derive(Debug, Error, Diagnostic)]
#[error("cannot write `{path}`: {reason}")]
#[diagnostic(
    code(policyc::fmt::write),
    help(
        "check that the file and its folder are writable and the disk has room; the file was left as it was"
    )
)]
struct WriteError {
    path: String,
    reason: String,
}

/// Formats every `.policy` file named or found below the folders named.
pub(crate) fn fmt(
    paths: &[PathBuf],
    check: bool,
    settings: &Settings,
    output: &mut Output,
) -> Outcome {
    let mut worst = Outcome::Success;
    let mut files = Vec::new();
    for path in paths {
        if let Err(outcome) = collect(path, settings, output, &mut files) {
            worst = worse(worst, outcome);
        }
    }
    for file in &files {
        let outcome = match fmt_file(file, check, settings, output) {
            Ok(false) => Outcome::Success,
            Ok(true) if check => Outcome::InputErrors,
            Ok(true) => Outcome::Success,
            Err(outcome) => outcome,
        };
        worst = worse(worst, outcome);
    }
    worst
}

/// The worse of two outcomes (the higher exit code).
fn worse(a: Outcome, b: Outcome) -> Outcome {
    if b.code() > a.code() { b } else { a }
}

/// Adds `path`, or every `.policy` file below it if it is a folder, in
/// name order.
fn collect(
    path: &Path,
    settings: &Settings,
    output: &mut Output,
    files: &mut Vec<PathBuf>,
) -> Result<(), Outcome> {
    if !path.is_dir() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    let entries = std::fs::read_dir(path).map_err(|e| {
        let error = CliError::Read {
            path: path.display().to_string(),
            reason: e.to_string(),
        };
        let rendered = diagnostic::render(&error, None, settings.diagnostics);
        output.stderr.push_str(&rendered);
        Outcome::Usage
    })?;
    let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    children.sort();
    let mut result = Ok(());
    for child in children {
        if child.is_dir() {
            if let Err(outcome) = collect(&child, settings, output, files) {
                result = Err(outcome);
            }
        } else if child.extension().is_some_and(|ext| ext == "policy") {
            files.push(child);
        }
    }
    result
}

/// Formats one file; whether it was (or, with `check`, would be) changed.
fn fmt_file(
    path: &Path,
    check: bool,
    settings: &Settings,
    output: &mut Output,
) -> Result<bool, Outcome> {
    let source = load::read(path, settings, &mut output.stderr).map_err(|f| match f {
        Failure::Usage => Outcome::Usage,
        Failure::Input => Outcome::InputErrors,
    })?;
    let formatted = pretty::format(&source).map_err(|e| {
        output.stderr.push_str(&render(&e, &source, settings));
        Outcome::InputErrors
    })?;
    if formatted == *source.text {
        return Ok(false);
    }
    let name = path.display();
    if check {
        output.stdout.push_str(&format!("would reformat: {name}\n"));
        return Ok(true);
    }
    crate::atomic::write(path, formatted.as_bytes()).map_err(|e| {
        let error = WriteError {
            path: name.to_string(),
            reason: e.to_string(),
        };
        let rendered = diagnostic::render(&error, None, settings.diagnostics);
        output.stderr.push_str(&rendered);
        Outcome::Usage
    })?;
    output.stdout.push_str(&format!("reformatted: {name}\n"));
    Ok(true)
}

/// Syntax errors as `policyc check` shows them; formatter faults as one
/// diagnostic.
fn render(error: &FormatError, source: &SourceFile, settings: &Settings) -> String {
    match error {
        FormatError::Syntax(errors) => {
            diagnostic::render_all(errors, Some(source), settings.diagnostics)
        }
        other => diagnostic::render(other, None, settings.diagnostics),
    }
}
