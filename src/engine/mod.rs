//! The library's one way in: load a policy, prepare the decisions wanted
//! once, then evaluate any number of members' facts against it.
//!
//! [`Policy`] holds every effective-dated version of a checked policy;
//! [`Prepared`] is a set of its decisions planned for evaluation. The version
//! is chosen inside [`Prepared::evaluate`] from the date of service (or the
//! as-of date), so a versioned policy cannot be evaluated under the wrong
//! version. Both types are `Send + Sync` and cheap to clone (shared), so one
//! prepared set can serve every thread of a server.

mod diagnostics;
mod error;

pub use diagnostics::{Diagnostic, Diagnostics, Location, Severity};
pub use error::Error;

use crate::check::{self, Checked, DefId, Schema};
use crate::eval::{self, Plan, Scratch};
use crate::source::{SourceFile, Span};
use crate::{explain, facts, imports};
use jiff::civil::Date;
use std::cell::RefCell;
use std::path::Path;
use std::sync::Arc;

pub use crate::eval::{DecisionInfo, DecisionResult, Determination, Options};
pub use crate::facts::Format;

/// A checked policy: every version, the source it was read from and the
/// warnings the check gave.
#[derive(Debug, Clone)]
pub struct Policy {
    inner: Arc<Loaded>,
}

#[derive(Debug)]
struct Loaded {
    versions: check::Policy,
    source: SourceFile,
    warnings: Diagnostics,
}

impl Policy {
    /// Reads, parses and checks the policy file at `path`, with its imports
    /// (relative to its folder).
    pub fn from_path(path: impl AsRef<Path>) -> Result<Policy, Diagnostics> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let mut diagnostics = Diagnostics::default();
        let text = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) => {
                diagnostics.extend(
                    [error::FileError::Read {
                        path: name,
                        reason: e.to_string(),
                    }],
                    None,
                    Severity::Error,
                );
                return Err(diagnostics);
            }
        };
        match String::from_utf8(text) {
            Ok(text) => Policy::from_source(SourceFile::new(name, text), path),
            Err(_) => {
                diagnostics.extend(
                    [error::FileError::NotText { path: name }],
                    None,
                    Severity::Error,
                );
                Err(diagnostics)
            }
        }
    }

    /// Parses and checks policy text; `name` names it in diagnostics, and
    /// imports are read relative to `name`'s folder.
    pub fn from_text(name: &str, text: &str) -> Result<Policy, Diagnostics> {
        Policy::from_source(SourceFile::new(name, text), Path::new(name))
    }

    /// Parses and checks a source read from `path`.
    pub fn from_source(source: SourceFile, path: &Path) -> Result<Policy, Diagnostics> {
        let mut diagnostics = Diagnostics::default();
        let loaded = match imports::load(source, path) {
            Ok(loaded) => loaded,
            Err(failure) => {
                let source = Some(&failure.source);
                diagnostics.extend(failure.syntax, source, Severity::Error);
                diagnostics.extend(failure.imports, source, Severity::Error);
                return Err(diagnostics);
            }
        };
        let outcome = check::check(&loaded.file);
        let source = loaded.source;
        diagnostics.extend(outcome.errors, Some(&source), Severity::Error);
        let mut warnings = Diagnostics::default();
        warnings.extend(outcome.warnings, Some(&source), Severity::Warning);
        match outcome.policy {
            Some(versions) if !diagnostics.has_errors() && !versions.versions().is_empty() => {
                Ok(Policy {
                    inner: Arc::new(Loaded {
                        versions,
                        source,
                        warnings,
                    }),
                })
            }
            _ => {
                // Errors first, then the warnings, as the check found them.
                warnings.iter().for_each(|w| diagnostics.push(w.clone()));
                Err(diagnostics)
            }
        }
    }

    /// The warnings the check gave (an uncited decision, say).
    pub fn warnings(&self) -> &Diagnostics {
        &self.inner.warnings
    }

    /// The policy's source, imports included, for rendering diagnostics.
    pub fn source(&self) -> &SourceFile {
        &self.inner.source
    }

    /// The SHA-256 of the policy's text and the texts it imports, in hex:
    /// what a decision log or a FHIR resource names as the policy's content.
    #[cfg(feature = "fhir")]
    pub fn content_hash(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        hasher.update(self.source().text.as_bytes());
        for (_, imported) in self.source().imported.iter() {
            hasher.update(imported.text.as_bytes());
        }
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Every version, earliest first (one for a policy without versions).
    pub fn versions(&self) -> &[Checked] {
        self.inner.versions.versions()
    }

    /// The version in force on `date`, for describing it.
    pub fn in_force(&self, date: Date) -> Result<&Checked, Error> {
        self.version_index(date)
            .and_then(|i| self.versions().get(i))
            .ok_or_else(|| self.not_in_force(date))
    }

    /// The latest version, for describing the policy: its header, facts and
    /// decisions. Evaluation always goes through [`Policy::prepare`], which
    /// picks the version by date.
    #[allow(
        clippy::expect_used,
        reason = "`from_source` builds a `Policy` only with at least one version"
    )]
    pub fn latest(&self) -> &Checked {
        self.inner
            .versions
            .latest()
            .expect("a policy has at least one version")
    }

    /// The facts schema, shared by every version.
    pub fn schema(&self) -> &Schema {
        self.latest().schema()
    }

    /// Reads and validates facts for this policy; `source` names the text in
    /// diagnostics.
    pub fn facts(&self, source: &SourceFile, format: Format) -> Result<Facts, Diagnostics> {
        match facts::load(source, format, self.schema()) {
            Ok(inner) => Ok(Facts {
                inner,
                policy: self.id(),
            }),
            Err(errors) => {
                let mut diagnostics = Diagnostics::default();
                diagnostics.extend(errors, Some(source), Severity::Error);
                Err(diagnostics)
            }
        }
    }

    /// Reads and validates facts given as JSON text.
    pub fn facts_from_json(&self, text: &str) -> Result<Facts, Diagnostics> {
        self.facts(&SourceFile::new("facts.json", text), Format::Json)
    }

    /// Plans `decisions` (every decision when empty) for evaluation. A name
    /// that no version has is an error; a decision that only some versions
    /// have is an error when evaluated under another.
    pub fn prepare(&self, decisions: &[&str], options: Options) -> Result<Prepared, Error> {
        for name in decisions {
            if self.versions().iter().all(|v| v.decision(name).is_none()) {
                let all = self.latest().decisions().map(|(_, d)| d.name.clone());
                return Err(Error::UnknownDecision {
                    name: (*name).to_owned(),
                    decisions: all.collect(),
                });
            }
        }
        let versions = self
            .versions()
            .iter()
            .map(|checked| {
                let ids: Result<Vec<DefId>, String> = decisions
                    .iter()
                    .map(|name| checked.decision(name).ok_or_else(|| (*name).to_owned()))
                    .collect();
                PreparedVersion {
                    plan: ids.map(|ids| Plan::new(checked, &ids)),
                    name: checked.version().map(|v| Arc::from(v.name.as_str())),
                }
            })
            .collect();
        Ok(Prepared {
            policy: self.clone(),
            versions: Arc::new(versions),
            options,
        })
    }

    fn version_index(&self, date: Date) -> Option<usize> {
        self.inner.versions.in_force_index(date)
    }

    fn not_in_force(&self, date: Date) -> Error {
        let versions = self
            .versions()
            .iter()
            .map(|c| match c.version() {
                Some(v) => (Some(v.name.clone()), v.effective, v.until),
                None => (None, c.header().effective, None),
            })
            .collect();
        Error::NotInForce { date, versions }
    }

    /// An identity for telling this policy's facts from another's.
    fn id(&self) -> usize {
        Arc::as_ptr(&self.inner) as usize
    }
}

/// Facts read and validated for one policy.
#[derive(Debug, Clone)]
pub struct Facts {
    inner: facts::Facts,
    policy: usize,
}

impl Facts {
    /// The `as_of` date the file gave, if any.
    pub fn as_of(&self) -> Option<Date> {
        self.inner.as_of
    }

    /// Problems worth a warning (a key the policy does not declare, say).
    pub fn warnings(&self) -> &[facts::FactsWarning] {
        &self.inner.warnings
    }

    /// The facts as one record value.
    pub fn root(&self) -> &crate::value::Value {
        &self.inner.root
    }
}

/// One version's plan, or the asked decision it lacks.
#[derive(Debug)]
struct PreparedVersion {
    plan: Result<Plan, String>,
    name: Option<Arc<str>>,
}

/// Decisions of a policy planned once for any number of evaluations: only
/// the definitions they need, in order, with their names shared. Cheap to
/// clone and to share across threads.
#[derive(Debug, Clone)]
pub struct Prepared {
    policy: Policy,
    versions: Arc<Vec<PreparedVersion>>,
    options: Options,
}

thread_local! {
    /// Each thread's working memory for evaluations, kept warm between them.
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl Prepared {
    /// The policy the decisions belong to.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Evaluates the decisions for `facts` as of `as_of`, under the version
    /// in force on `date_of_service` (on `as_of` when not given).
    pub fn evaluate(
        &self,
        facts: &Facts,
        as_of: Date,
        date_of_service: Option<Date>,
    ) -> Result<Determination, Error> {
        let mut out = Determination::default();
        self.evaluate_into(facts, as_of, date_of_service, &mut out)?;
        Ok(out)
    }

    /// Like [`Prepared::evaluate`], but into `out`, reusing its memory: once
    /// warm, an evaluation whose values are all known allocates nothing
    /// when explanations are off.
    pub fn evaluate_into(
        &self,
        facts: &Facts,
        as_of: Date,
        date_of_service: Option<Date>,
        out: &mut Determination,
    ) -> Result<(), Error> {
        self.run(facts, as_of, date_of_service, None, out)
    }

    /// Reads JSON facts and evaluates them; the facts' own `as_of` is used
    /// when `as_of` is not given.
    pub fn evaluate_json(
        &self,
        text: &str,
        as_of: Option<Date>,
        date_of_service: Option<Date>,
    ) -> Result<Determination, Error> {
        let facts = self.policy.facts_from_json(text).map_err(Error::Facts)?;
        let as_of = as_of.or(facts.as_of()).ok_or(Error::NoAsOf)?;
        self.evaluate(&facts, as_of, date_of_service)
    }

    /// Evaluates with the criterion written at `flip` negated, to measure
    /// whether it decides the outcome (for the cases runner's coverage).
    #[cfg(feature = "yaml")]
    pub(crate) fn evaluate_flipping(
        &self,
        facts: &Facts,
        as_of: Date,
        date_of_service: Option<Date>,
        flip: Span,
    ) -> Result<Determination, Error> {
        let mut out = Determination::default();
        self.run(facts, as_of, date_of_service, Some(flip), &mut out)?;
        Ok(out)
    }

    /// The version a determination was made under.
    pub fn checked(&self, determination: &Determination) -> &Checked {
        self.policy
            .versions()
            .get(determination.version_index)
            .unwrap_or_else(|| self.policy.latest())
    }

    /// The determination for people: each decision, and its explanation
    /// when it was evaluated with one.
    pub fn human(&self, determination: &Determination, color: bool) -> String {
        let checked = self.checked(determination);
        explain::human(checked, determination, color, self.options.explain)
    }

    /// The determination as JSON (see the output reference).
    pub fn json(&self, determination: &Determination) -> crate::json::Json {
        explain::to_json(self.checked(determination), determination)
    }

    fn run(
        &self,
        facts: &Facts,
        as_of: Date,
        date_of_service: Option<Date>,
        flip: Option<Span>,
        out: &mut Determination,
    ) -> Result<(), Error> {
        if facts.policy != self.policy.id() {
            return Err(Error::ForeignFacts);
        }
        let on = date_of_service.unwrap_or(as_of);
        let index = self
            .policy
            .version_index(on)
            .ok_or_else(|| self.policy.not_in_force(on))?;
        let (Some(version), Some(checked)) =
            (self.versions.get(index), self.policy.versions().get(index))
        else {
            return Err(self.policy.not_in_force(on));
        };
        let plan = version.plan.as_ref().map_err(|name| Error::NotInVersion {
            name: name.clone(),
            version: version.name.as_deref().unwrap_or_default().to_owned(),
        })?;
        let root = &facts.inner.root;
        let options = self.options;
        let decisions = &mut out.decisions;
        let mut run = |scratch: &mut Scratch| {
            eval::run(
                checked, plan, root, as_of, options, flip, scratch, decisions,
            )
        };
        let result = SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => run(&mut scratch),
            // Only if an evaluation ran inside another on this thread.
            Err(_) => run(&mut Scratch::default()),
        });
        result.map_err(|e| {
            Error::Evaluation(Diagnostic::new(
                e,
                Some(self.policy.source()),
                Severity::Error,
            ))
        })?;
        out.as_of = as_of;
        out.in_force_on = on;
        out.version = version.name.clone();
        out.version_index = index;
        Ok(())
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "tests fail by panicking"
)]
mod tests;
