//! The FHIR side of the command line: `policyc questionnaire`, facts from a
//! QuestionnaireResponse or a Bundle for `eval`, and `eval --format fhir`.

use super::load;
use super::run::{Settings, decision_ids, parse_as_of};
use super::{CliError, EvalArgs, Outcome, Output, QuestionnaireArgs};
use crate::diagnostic;
use crate::engine::{Determination, Facts, Policy, Prepared};
use crate::fhir::{self, Mapping};
use crate::json::Json;
use crate::source::SourceFile;
use std::path::Path;

/// `policyc questionnaire POLICY`.
pub(crate) fn questionnaire(
    args: &QuestionnaireArgs,
    settings: &Settings,
    output: &mut Output,
) -> Outcome {
    match questionnaire_inner(args, settings, output) {
        Ok(json) => {
            output.stdout = pretty(&json);
            Outcome::Success
        }
        Err(outcome) => outcome,
    }
}

fn questionnaire_inner(
    args: &QuestionnaireArgs,
    settings: &Settings,
    output: &mut Output,
) -> Result<Json, Outcome> {
    let style = settings.diagnostics;
    let stderr = &mut output.stderr;
    let (policy, _) = load::policy(&args.file, settings, stderr).map_err(|f| f.outcome())?;
    let usage = |stderr: &mut String, e: CliError| {
        stderr.push_str(&diagnostic::render(&e, None, style));
        Outcome::Usage
    };
    let as_of = parse_as_of(args.as_of.as_deref()).map_err(|e| usage(stderr, e))?;
    let checked = match as_of {
        Some(date) => policy.in_force(date).map_err(|e| {
            stderr.push_str(&e.diagnostics().render(style));
            Outcome::InputErrors
        })?,
        None => policy.latest(),
    };
    decision_ids(checked, &args.decisions).map_err(|e| usage(stderr, e))?;
    let names: Vec<&str> = args.decisions.iter().map(String::as_str).collect();
    let base = &args.base_url;
    if let Some(path) = &args.response_from {
        let facts = raw_facts(&policy, path, settings, stderr)?;
        return Ok(fhir::response_from_facts(
            &policy, checked, &names, &facts, base,
        ));
    }
    if let Some(bundle) = &args.fhir {
        let mapping = mapping(
            &policy,
            &args.file,
            args.mapping.as_deref(),
            settings,
            stderr,
        )?;
        let facts = bundle_facts(&mapping, bundle, settings, stderr)?;
        let mut response = fhir::response_from_facts(&policy, checked, &names, &facts, base);
        if let Some(map) = response.as_object_mut() {
            // Pre-filled from the record: the provider completes the rest.
            map.insert("status", "in-progress");
            if let Some(date) = as_of {
                map.insert("authored", date.to_string());
            }
        }
        return Ok(response);
    }
    Ok(fhir::questionnaire(&policy, checked, &names, base))
}

/// A facts file read as JSON (YAML too), after checking it against the
/// policy so that its problems are reported as for `eval`.
fn raw_facts(
    policy: &Policy,
    path: &Path,
    settings: &Settings,
    stderr: &mut String,
) -> Result<serde_json::Value, Outcome> {
    let source = load::read(path, settings, stderr).map_err(|f| f.outcome())?;
    let format = crate::facts::Format::from_name(&source.name);
    policy.facts(&source, format).map_err(|errors| {
        stderr.push_str(&errors.render(settings.diagnostics));
        Outcome::InputErrors
    })?;
    let parsed = match format {
        crate::facts::Format::Json => serde_json::from_str(&source.text).ok(),
        crate::facts::Format::Yaml => serde_yaml_ng::from_str(&source.text).ok(),
    };
    // The check above read the same text, so it parses.
    parsed.ok_or(Outcome::InputErrors)
}

/// The mapping file given, or the one beside the policy.
fn mapping(
    policy: &Policy,
    policy_path: &Path,
    given: Option<&Path>,
    settings: &Settings,
    stderr: &mut String,
) -> Result<Mapping, Outcome> {
    let path = given
        .map(Path::to_path_buf)
        .unwrap_or_else(|| Mapping::path_beside(policy_path));
    let source = load::read(&path, settings, stderr).map_err(|f| f.outcome())?;
    Mapping::from_source(policy, source).map_err(|errors| {
        stderr.push_str(&errors.render(settings.diagnostics));
        Outcome::InputErrors
    })
}

/// The facts a bundle supplies, as a facts-file JSON object.
fn bundle_facts(
    mapping: &Mapping,
    bundle: &Path,
    settings: &Settings,
    stderr: &mut String,
) -> Result<serde_json::Value, Outcome> {
    let source = load::read(bundle, settings, stderr).map_err(|f| f.outcome())?;
    mapping.facts(&source).map_err(|errors| {
        stderr.push_str(&errors.render(settings.diagnostics));
        Outcome::InputErrors
    })
}

/// The facts for `eval`: from `--fhir` through the mapping, from a
/// QuestionnaireResponse, or `None` for an ordinary facts file.
pub(crate) fn eval_facts(
    args: &EvalArgs,
    policy: &Policy,
    source: Option<&SourceFile>,
    settings: &Settings,
    stderr: &mut String,
) -> Result<Option<Facts>, Outcome> {
    let rendered = |stderr: &mut String, errors: crate::engine::Diagnostics| {
        stderr.push_str(&errors.render(settings.diagnostics));
        Outcome::InputErrors
    };
    if let Some(bundle) = &args.fhir {
        let mapping = mapping(
            policy,
            &args.file,
            args.mapping.as_deref(),
            settings,
            stderr,
        )?;
        let facts = bundle_facts(&mapping, bundle, settings, stderr)?;
        let name = format!("{} (through the mapping)", bundle.display());
        let source = SourceFile::new(name, facts.to_string());
        return policy
            .facts(&source, crate::facts::Format::Json)
            .map(Some)
            .map_err(|e| rendered(stderr, e));
    }
    match source {
        Some(source) if fhir::is_resource(&source.text, "QuestionnaireResponse") => {
            fhir::facts_from_response(policy, source)
                .map(Some)
                .map_err(|e| rendered(stderr, e))
        }
        _ => Ok(None),
    }
}

/// `eval --format fhir`: the determination as a ClaimResponse.
pub(crate) fn claim_response(
    prepared: &Prepared,
    determination: &Determination,
    identity: &str,
) -> String {
    use sha2::{Digest, Sha256};
    let json = prepared.json(determination);
    let digest = Sha256::digest(identity.as_bytes());
    let reference: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    let options = fhir::ClaimOptions {
        patient: None,
        created: jiff::Timestamp::now()
            .round(jiff::Unit::Second)
            .map_or_else(|_| jiff::Timestamp::now().to_string(), |t| t.to_string()),
        pre_auth_ref: format!("policyc-{reference}"),
    };
    pretty(&fhir::claim_response(&json, &options))
}

fn pretty(json: &Json) -> String {
    let mut text = serde_json::to_string_pretty(json).unwrap_or_default();
    text.push('\n');
    text
}
