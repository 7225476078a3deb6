//! The subcommands: `check` and `eval`.

use super::load::{self, Failure};
use super::{CliError, EvalArgs, Outcome, Output, OutputFormat};
use crate::check::{Checked, DefId};
use crate::diagnostic::{self, Style};
use crate::{eval, explain, facts, suggest};
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
            Ok((checked, _)) => {
                let decisions = checked.decisions().count();
                let rules = checked.definitions().len() - decisions;
                output.stdout.push_str(&format!(
                    "ok: {} ({decisions} decisions, {rules} rules)\n",
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
    let (checked, policy_source) =
        load::policy(&args.file, settings, stderr).map_err(|f| f.outcome())?;
    let cli_as_of = parse_as_of(args.as_of.as_deref()).map_err(|e| {
        stderr.push_str(&diagnostic::render(&e, None, style));
        Outcome::Usage
    })?;
    let decisions = decision_ids(&checked, &args.decisions).map_err(|e| {
        stderr.push_str(&diagnostic::render(&e, None, style));
        Outcome::Usage
    })?;
    let source = load::read(&args.facts, settings, stderr).map_err(|f| f.outcome())?;
    let format = facts::Format::from_name(&source.name);
    let loaded = facts::load(&source, format, checked.schema()).map_err(|errors| {
        stderr.push_str(&diagnostic::render_all(&errors, Some(&source), style));
        Outcome::InputErrors
    })?;
    stderr.push_str(&diagnostic::render_all(
        &loaded.warnings,
        Some(&source),
        style,
    ));
    let Some(as_of) = cli_as_of.or(loaded.as_of) else {
        stderr.push_str(&diagnostic::render(&CliError::NoAsOf, None, style));
        return Err(Outcome::Usage);
    };
    let options = eval::Options {
        explain: args.explain,
    };
    let determination = eval::evaluate(&checked, &loaded.root, as_of, &decisions, options)
        .map_err(|e| {
            stderr.push_str(&diagnostic::render(&e, Some(&policy_source), style));
            Outcome::InputErrors
        })?;
    output.stdout = match args.format {
        OutputFormat::Human => {
            explain::human(&checked, &determination, settings.color, args.explain)
        }
        OutputFormat::Json => {
            let json = explain::to_json(&checked, &determination);
            let mut text = serde_json::to_string_pretty(&json).unwrap_or_default();
            text.push('\n');
            text
        }
    };
    Ok(())
}

/// The `--as-of` date, if given: a date or `today` (the local calendar date).
fn parse_as_of(given: Option<&str>) -> Result<Option<jiff::civil::Date>, CliError> {
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

fn decision_ids(checked: &Checked, names: &[String]) -> Result<Vec<DefId>, CliError> {
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
