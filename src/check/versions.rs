//! Effective-dated versions: each version's rules and decisions are checked
//! with the definitions common to all versions, and the versions' date
//! ranges must follow one another from the policy's effective date, with no
//! overlap and no gap.

use super::error::CheckError;
use super::ir::Checked;
use super::{CheckOutcome, check_items};
use crate::ast::{self, Item, VersionDef};
use crate::source::Span;
use jiff::civil::Date;

/// A version's name and the dates it is in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionInfo {
    /// Its name.
    pub name: String,
    /// The first day in force.
    pub effective: Date,
    /// The last day in force; open-ended when absent.
    pub until: Option<Date>,
}

/// A checked policy: one `Checked` per version, in date order (one in all
/// for a policy without versions).
#[derive(Debug, Clone)]
pub struct Policy {
    versions: Vec<Checked>,
}

impl Policy {
    /// Every version, earliest first.
    pub fn versions(&self) -> &[Checked] {
        &self.versions
    }

    /// The version in force on `date`, if any. A policy without versions is
    /// in force from its header's effective date on.
    pub fn in_force(&self, date: Date) -> Option<&Checked> {
        self.in_force_index(date).and_then(|i| self.versions.get(i))
    }

    /// The position, among [`Policy::versions`], of the version in force on
    /// `date`.
    pub fn in_force_index(&self, date: Date) -> Option<usize> {
        self.versions.iter().position(|checked| {
            let (from, until) = match checked.version() {
                Some(v) => (v.effective, v.until),
                None => (checked.header().effective, None),
            };
            from <= date && until.is_none_or(|u| date <= u)
        })
    }

    /// The latest version.
    pub fn latest(&self) -> Option<&Checked> {
        self.versions.last()
    }
}

/// Checks every version of a file.
pub(super) fn check_versions(file: &ast::PolicyFile) -> CheckOutcome {
    let versions: Vec<&VersionDef> = file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Version(v) => Some(v),
            _ => None,
        })
        .collect();
    if versions.is_empty() {
        let mut outcome = check_items(file, None);
        outcome.policy = outcome
            .checked
            .clone()
            .map(|c| Policy { versions: vec![c] });
        return outcome;
    }
    let mut errors = range_errors(file, &versions);
    let mut warnings = Vec::new();
    let mut checked = Vec::with_capacity(versions.len());
    for version in &versions {
        let outcome = check_items(&with_version(file, version), Some(info(version)));
        merge(&mut errors, outcome.errors);
        merge(&mut warnings, outcome.warnings);
        checked.extend(outcome.checked);
    }
    let complete = errors.is_empty() && checked.len() == versions.len();
    checked.sort_by_key(|c| c.version().map(|v| v.effective));
    let policy = complete.then_some(Policy { versions: checked });
    CheckOutcome {
        checked: policy.as_ref().and_then(Policy::latest).cloned(),
        policy,
        errors,
        warnings,
    }
}

/// Adds the diagnostics of one version that another has not already given
/// (the common definitions are checked once per version).
fn merge<T: PartialEq>(all: &mut Vec<T>, more: Vec<T>) {
    for item in more {
        if !all.contains(&item) {
            all.push(item);
        }
    }
}

fn info(version: &VersionDef) -> VersionInfo {
    VersionInfo {
        name: version.name.clone(),
        effective: version.effective,
        until: version.until,
    }
}

/// The file as this version sees it: the common items, then its definitions.
fn with_version(file: &ast::PolicyFile, version: &VersionDef) -> ast::PolicyFile {
    let mut items: Vec<Item> = file
        .items
        .iter()
        .filter(|item| !matches!(item, Item::Version(_)))
        .cloned()
        .collect();
    items.extend(version.definitions.iter().cloned().map(Item::Definition));
    ast::PolicyFile {
        header: file.header.clone(),
        items,
    }
}

/// The versions must start on the policy's effective date and follow one
/// another day after day, every one but the last with an end.
fn range_errors(file: &ast::PolicyFile, versions: &[&VersionDef]) -> Vec<CheckError> {
    let mut sorted = versions.to_vec();
    sorted.sort_by_key(|v| v.effective);
    let mut errors = Vec::new();
    for (index, version) in versions.iter().enumerate() {
        let earlier = versions.iter().take(index).find(|v| v.name == version.name);
        if let Some(first) = earlier {
            errors.push(range(
                version.name_span,
                Some(first.name_span),
                format!("two versions are named \"{}\"", version.name),
                "give each version its own name, e.g. the date it was amended".to_owned(),
            ));
        }
    }
    for version in &sorted {
        if version.until.is_some_and(|u| u < version.effective) {
            errors.push(range(
                version.name_span,
                None,
                format!("version \"{}\" ends before it starts", version.name),
                "make `until` the same as or later than `effective`".to_owned(),
            ));
        }
    }
    if let Some(first) = sorted.first()
        && first.effective != file.header.effective
    {
        errors.push(range(first.name_span, Some(file.header.span), format!(
                "the first version starts on {}, but the policy is effective from {}", first.effective, file.header.effective),
                "start the first version on the header's effective date, so every date the policy covers has a version".to_owned()));
    }
    for pair in sorted.windows(2) {
        let [earlier, later] = pair else { continue };
        if let Some(error) = between(earlier, later) {
            errors.push(error);
        }
    }
    errors
}

/// An overlap or a gap between two consecutive versions.
fn between(earlier: &VersionDef, later: &VersionDef) -> Option<CheckError> {
    let Some(until) = earlier.until else {
        return Some(range(
            later.name_span,
            Some(earlier.name_span),
            format!(
                "versions \"{}\" and \"{}\" overlap: the first has no end date",
                earlier.name, later.name
            ),
            format!("end the first with `until {}`", day_before(later.effective)),
        ));
    };
    if later.effective <= until {
        return Some(range(
            later.name_span,
            Some(earlier.name_span),
            format!(
                "versions \"{}\" and \"{}\" overlap from {} to {until}",
                earlier.name, later.name, later.effective
            ),
            format!("end the first with `until {}`", day_before(later.effective)),
        ));
    }
    // `until` is before `later.effective`, so it has a next day.
    let next_day = until.tomorrow().ok()?;
    (later.effective > next_day).then(|| {
        range(
            later.name_span,
            Some(earlier.name_span),
            format!(
                "no version is in force from {next_day} to {}",
                day_before(later.effective)
            ),
            format!(
                "start \"{}\" on {next_day}, or end \"{}\" later",
                later.name, earlier.name
            ),
        )
    })
}

fn day_before(date: Date) -> String {
    date.yesterday()
        .map_or_else(|_| date.to_string(), |d| d.to_string())
}

fn range(span: Span, other: Option<Span>, message: String, help: String) -> CheckError {
    CheckError::VersionRanges {
        span,
        other,
        message,
        help,
    }
}
