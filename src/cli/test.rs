//! `policyc test`: runs every cases file found, prints pass or fail per case
//! and a closing count, and exits 1 on any failure.

use super::load;
use super::run::Settings;
use super::{Outcome, Output};
use crate::cases;
use crate::diagnostic;
use std::path::{Path, PathBuf};

/// Runs the cases files under `paths` (default `policies`).
pub(crate) fn run(
    paths: &[PathBuf],
    coverage: bool,
    settings: &Settings,
    output: &mut Output,
) -> Outcome {
    let defaults = [PathBuf::from("policies")];
    let roots = if paths.is_empty() {
        &defaults[..]
    } else {
        paths
    };
    let mut files = Vec::new();
    for root in roots {
        find_cases(root, &mut files);
    }
    files.sort();
    if files.is_empty() {
        output
            .stderr
            .push_str("no cases files (*.cases.yaml) found\n");
        return Outcome::Usage;
    }
    let (mut passed, mut failed, mut unread, mut worst) =
        (0usize, 0usize, 0usize, Outcome::Success);
    for file in &files {
        match run_file(file, coverage, settings, output) {
            Ok((p, f)) => {
                passed += p;
                failed += f;
            }
            Err(outcome) => {
                unread += 1;
                worst = outcome;
            }
        }
    }
    let mut summary = format!("{passed} passed, {failed} failed");
    if unread > 0 {
        let files = if unread == 1 { "file" } else { "files" };
        summary.push_str(&format!(
            "; {unread} cases {files} could not be run (see the errors above)"
        ));
    }
    output.stdout.push_str(&summary);
    output.stdout.push('\n');
    if failed > 0 && worst == Outcome::Success {
        worst = Outcome::InputErrors;
    }
    worst
}

/// Runs one cases file; returns (passed, failed) or how loading failed.
fn run_file(
    file: &Path,
    coverage: bool,
    settings: &Settings,
    output: &mut Output,
) -> Result<(usize, usize), Outcome> {
    let source = load::read(file, settings, &mut output.stderr).map_err(|f| f.outcome())?;
    let cases_file = cases::load_cases(file, &source.text).map_err(|e| {
        output
            .stderr
            .push_str(&diagnostic::render(&e, Some(&source), settings.diagnostics));
        Outcome::InputErrors
    })?;
    let (policy, policy_source) =
        load::policy(&cases_file.policy, settings, &mut output.stderr).map_err(|f| f.outcome())?;
    let outcomes: Vec<_> = cases_file
        .cases
        .iter()
        .map(|c| cases::run_case(&policy, c))
        .collect();
    let name = file.display().to_string();
    output
        .stdout
        .push_str(&cases::render_results(&name, &outcomes, policy.schema()));
    if coverage {
        let measured = cases::coverage(&policy, &cases_file.cases);
        output
            .stdout
            .push_str(&cases::render_coverage(&measured, &policy_source));
    }
    let failed = outcomes.iter().filter(|o| !o.passed()).count();
    Ok((outcomes.len() - failed, failed))
}

/// Every `*.cases.yaml` at or below `path`.
fn find_cases(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_file() {
        out.push(path.to_path_buf());
        return;
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    for entry in entries.flatten() {
        let child = entry.path();
        if child.is_dir() {
            find_cases(&child, out);
        } else if child.to_string_lossy().ends_with(".cases.yaml") {
            out.push(child);
        }
    }
}
