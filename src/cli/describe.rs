//! `policyc describe FILE [--json-schema] [--format human|json]`: the
//! decisions, the facts each reads, and a JSON Schema of the facts input.

use super::load;
use super::run::Settings;
use super::{Outcome, Output, OutputFormat};
use crate::describe;
use std::path::Path;

/// Loads and checks the policy (diagnostics as for `check`), then writes its
/// listing in `format`, or with `json_schema` the schema of its facts.
pub(crate) fn describe(
    path: &Path,
    json_schema: bool,
    format: OutputFormat,
    settings: &Settings,
    output: &mut Output,
) -> Outcome {
    if format == OutputFormat::Fhir && !json_schema {
        let error = super::CliError::NoFhirDescribe;
        output.stderr.push_str(&crate::diagnostic::render(
            &error,
            None,
            settings.diagnostics,
        ));
        return Outcome::Usage;
    }
    let checked = match load::policy(path, settings, &mut output.stderr) {
        Ok((policy, _)) => policy,
        Err(failure) => return failure.outcome(),
    };
    // Describe the latest version: the rules in force today and after.
    let checked = checked.latest();
    output.stdout = if json_schema {
        pretty(&describe::json_schema(checked))
    } else {
        match format {
            OutputFormat::Human => describe::describe_text(checked),
            OutputFormat::Json | OutputFormat::Fhir => pretty(&describe::describe_json(checked)),
        }
    };
    Outcome::Success
}

fn pretty(json: &crate::json::Json) -> String {
    let mut text = serde_json::to_string_pretty(json).unwrap_or_default();
    text.push('\n');
    text
}
