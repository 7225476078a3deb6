//! The subcommands: `check` and `eval`.

use super::load::{self, Failure};
use super::{CliError, EvalArgs, Outcome, Output, OutputFormat};
use crate::check::{Checked, DefId};
use crate::diagnostic::{self, Style};
use crate::engine::{self, Policy};
use crate::{facts, suggest};
use std::path::PathBuf;

/// Output settings shared by the subcommands.
pub(crate) struct Settings {
    /// How diagnostics look.
    pub diagnostics: Style,
    /// Whether results are coloured.
    pub color: bool,
}

impl Failure {
    pub(crate) fn outcome(&self) -> Outcome {
        match self {
            Failure::Usage => Outcome::Usage,
            Failure::Input => Outcome::InputErrors,
        }
    }
}

/// `policyc check FILE...`: every file is checked, whatever the others hold.
pub(crate) fn check(files: &[PathBuf], settings: &Settings, output: &mut Output) -> Outcome {
    let mut worst = Outcome::Success;
    for path in files {
        match load::policy(path, settings, &mut output.stderr) {
            Ok((policy, _)) => {
                let checked = policy.latest();
                let decisions = checked.decisions().count();
                let rules = checked.definitions().len() - decisions;
                let versions = match policy.versions().len() {
                    1 => String::new(),
                    n => format!(" in each of {n} versions"),
                };
                output.stdout.push_str(&format!(
                    "ok: {} ({decisions} decisions, {rules} rules{versions})\n",
                    path.display()
                ));
            }
            Err(failure) => worst = worst.max_with(failure.outcome()),
        }
    }
    worst
}

impl Outcome {
    fn max_with(self, other: Outcome) -> Outcome {
        if other.code() > self.code() {
            other
        } else {
            self
        }
    }
}

/// `policyc eval FILE --facts F ...`.
pub(crate) fn eval(args: &EvalArgs, settings: &Settings, output: &mut Output) -> Outcome {
    match eval_inner(args, settings, output) {
        Ok(()) => Outcome::Success,
        Err(outcome) => outcome,
    }
}

fn eval_inner(args: &EvalArgs, settings: &Settings, output: &mut Output) -> Result<(), Outcome> {
    let style = settings.diagnostics;
    let stderr = &mut output.stderr;
    let (policy, _) = load::policy(&args.file, settings, stderr).map_err(|f| f.outcome())?;
    let usage = |stderr: &mut String, e: CliError| {
        stderr.push_str(&diagnostic::render(&e, None, style));
        Outcome::Usage
    };
    let cli_as_of = parse_as_of(args.as_of.as_deref()).map_err(|e| usage(stderr, e))?;
    let date_of_service =
        parse_date_of_service(args.date_of_service.as_deref()).map_err(|e| usage(stderr, e))?;
    let (facts, identity) = load_facts(args, &policy, settings, stderr)?;
    let Some(as_of) = cli_as_of.or(facts.as_of()) else {
        return Err(usage(stderr, CliError::NoAsOf));
    };
    let in_force_on = date_of_service.unwrap_or(as_of);
    let checked = policy.in_force(in_force_on).map_err(|_| {
        let error = not_in_force(&policy, in_force_on);
        stderr.push_str(&diagnostic::render(&error, None, style));
        Outcome::InputErrors
    })?;
    // Names are checked against the version in force, for its suggestions.
    decision_ids(checked, &args.decisions).map_err(|e| usage(stderr, e))?;
    let names: Vec<&str> = args.decisions.iter().map(String::as_str).collect();
    let options = engine::Options {
        // A ClaimResponse gives the reasons, which come from the trace.
        explain: args.explain || args.format == OutputFormat::Fhir,
    };
    let evaluated = policy
        .prepare(&names, options)
        .and_then(|prepared| {
            let determination = prepared.evaluate(&facts, as_of, date_of_service)?;
            Ok((prepared, determination))
        })
        .map_err(|e| {
            stderr.push_str(&e.diagnostics().render(style));
            Outcome::InputErrors
        })?;
    let (prepared, determination) = evaluated;
    output.stdout = match args.format {
        OutputFormat::Human => prepared.human(&determination, settings.color),
        OutputFormat::Json => {
            let json = prepared.json(&determination);
            let mut text = serde_json::to_string_pretty(&json).unwrap_or_default();
            text.push('\n');
            text
        }
        OutputFormat::Fhir => {
            let identity = format!("{}\n{as_of}\n{identity}", policy.content_hash());
            super::fhir::claim_response(&prepared, &determination, &identity)
        }
    };
    Ok(())
}

/// Reads and validates the facts (a facts file, a QuestionnaireResponse,
/// or a FHIR Bundle through its mapping), rendering their problems; with
/// the text they came from, which names the input.
fn load_facts(
    args: &EvalArgs,
    policy: &Policy,
    settings: &Settings,
    stderr: &mut String,
) -> Result<(engine::Facts, String), Outcome> {
    let style = settings.diagnostics;
    if let Some(bundle) = &args.fhir {
        let facts =
            super::fhir::eval_facts(args, policy, None, settings, stderr)?.ok_or(Outcome::Usage)?;
        return Ok((facts, bundle.display().to_string()));
    }
    // clap requires --facts whenever --batch and --fhir are absent.
    let path = args.facts.as_deref().ok_or(Outcome::Usage)?;
    let source = load::read(path, settings, stderr).map_err(|f| f.outcome())?;
    if let Some(facts) = super::fhir::eval_facts(args, policy, Some(&source), settings, stderr)? {
        return Ok((facts, source.text.to_string()));
    }
    let format = facts::Format::from_name(&source.name);
    let loaded = policy.facts(&source, format).map_err(|errors| {
        stderr.push_str(&errors.render(style));
        Outcome::InputErrors
    })?;
    stderr.push_str(&diagnostic::render_all(
        loaded.warnings(),
        Some(&source),
        style,
    ));
    Ok((loaded, source.text.to_string()))
}

/// The error for a date no version covers, listing the versions' dates.
fn not_in_force(policy: &Policy, date: jiff::civil::Date) -> CliError {
    let range = |from: jiff::civil::Date, until: Option<jiff::civil::Date>| match until {
        Some(until) => format!("from {from} to {until}"),
        None => format!("from {from} on"),
    };
    let versions: Vec<String> = policy
        .versions()
        .iter()
        .map(|c| match c.version() {
            Some(v) => format!(
                "version \"{}\" is in force {}",
                v.name,
                range(v.effective, v.until)
            ),
            None => format!(
                "the policy is in force {}",
                range(c.header().effective, None)
            ),
        })
        .collect();
    CliError::NotInForce {
        date: date.to_string(),
        help: format!(
            "{}; choose a date in force with --as-of or --date-of-service",
            versions.join("; ")
        ),
    }
}

/// The `--date-of-service` date, if given.
pub(super) fn parse_date_of_service(
    given: Option<&str>,
) -> Result<Option<jiff::civil::Date>, CliError> {
    let Some(given) = given else { return Ok(None) };
    crate::syntax::parse_date(given)
        .map(Some)
        .map_err(|reason| CliError::BadDate {
            option: "--date-of-service".to_owned(),
            given: given.to_owned(),
            reason,
        })
}

/// The `--as-of` date, if given: a date or `today` (the local calendar date).
pub(super) fn parse_as_of(given: Option<&str>) -> Result<Option<jiff::civil::Date>, CliError> {
    let Some(given) = given else { return Ok(None) };
    if given == "today" {
        return Ok(Some(jiff::Zoned::now().date()));
    }
    crate::syntax::parse_date(given)
        .map(Some)
        .map_err(|reason| CliError::BadAsOf {
            given: given.to_owned(),
            reason,
        })
}

pub(super) fn decision_ids(checked: &Checked, names: &[String]) -> Result<Vec<DefId>, CliError> {
    names
        .iter()
        .map(|name| {
            checked.decision(name).ok_or_else(|| {
                let all: Vec<&str> = checked.decisions().map(|(_, d)| d.name.as_str()).collect();
                let help = match suggest::closest(name, all.iter().copied()) {
                    Some(best) => format!(
                        "did you mean `{best}`? The decisions are {}",
                        all.join(", ")
                    ),
                    None => format!("the decisions are {}", all.join(", ")),
                };
                CliError::UnknownDecision {
                    name: name.clone(),
                    help,
                }
            })
        })
        .collect()
}
