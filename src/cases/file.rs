//! The cases file format: YAML, read into typed cases.

use super::error::CasesError;
use crate::source::Span;
use jiff::civil::Date;
use serde::Deserialize;
// Read in the order written: the facts are written out again for the
// reader, and values are shown as the file gives them.
use crate::json::Json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A cases file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CasesFile {
    /// The policy, relative to the cases file.
    pub policy: PathBuf,
    /// The cases.
    pub cases: Vec<Case>,
}

/// One case.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// What the case shows, in words.
    pub name: String,
    /// A facts file (relative to the cases file) or the facts written inline.
    pub facts: FactsSource,
    /// Facts to change before evaluating: `path: value`, with paths such as
    /// `recipient.stays[1].admitted`.
    #[serde(default)]
    pub change: BTreeMap<String, Json>,
    /// Facts to leave out (make unknown).
    #[serde(default)]
    pub remove: Vec<String>,
    /// The as-of date; the facts' `as_of` when left out.
    #[serde(default, with = "optional_date")]
    pub as_of: Option<Date>,
    /// The date of service that picks the version in force; the as-of date
    /// when left out.
    #[serde(default, with = "optional_date")]
    pub date_of_service: Option<Date>,
    /// The value expected for each decision named.
    pub expect: BTreeMap<String, Json>,
    /// The missing facts expected for some decisions.
    #[serde(default)]
    pub missing: BTreeMap<String, Vec<String>>,
    /// Where relative paths start: the cases file's folder (set on load).
    #[serde(skip)]
    pub base: PathBuf,
}

/// Where a case's facts come from.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum FactsSource {
    /// A JSON or YAML file.
    File(PathBuf),
    /// The facts themselves.
    Inline(Json),
}

mod optional_date {
    use jiff::civil::Date;
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        let text: Option<String> = Option::deserialize(d)?;
        text.map(|t| crate::syntax::parse_date(&t).map_err(serde::de::Error::custom))
            .transpose()
    }
}

/// The YAML reader's message in the words of a cases file: without the
/// position (the label shows it) and without serde's type jargon.
fn plain(message: &str) -> String {
    let message = message
        .find(" at line ")
        .and_then(|i| message.get(..i))
        .unwrap_or(message);
    message
        .replace("invalid type: ", "found ")
        .replace("found sequence,", "found a list,")
        .replace("found map,", "found `key: value` entries,")
        .replace("struct CasesFile", "`policy:` and `cases:` entries")
        .replace(
            "struct Case",
            "a case's `name:`, `facts:` and `expect:` entries",
        )
        .replace("expected a map", "expected `key: value` entries")
        .replace("expected a sequence", "expected a list (one `- ` per item)")
        .replace("unknown field", "unknown key")
        .replace("missing field", "missing key")
}

/// When a YAML error falls inside a `{ … }` mapping whose key holds `[` or
/// `.` unquoted (`{recipient.stays[0].admitted: …}`): how to write it.
fn flow_key_hint(text: &str, at: usize) -> Option<String> {
    let line_start = text.get(..at)?.rfind('\n').map_or(0, |n| n + 1);
    let before = text.get(line_start..at)?;
    let open = before.rfind('{')?;
    let key = before.get(open + 1..)?.trim_start();
    let unquoted = !key.starts_with('"') && !key.starts_with('\'');
    (unquoted && (key.contains('[') || key.contains('.'))).then(|| {
        // The whole key, up to its `: ` on the line.
        let line_end = text.get(at..).and_then(|t| t.find('\n')).map_or(text.len(), |n| at + n);
        let rest = text.get(line_start + open + 1..line_end).unwrap_or(key).trim_start();
        let key = rest.split(": ").next().unwrap_or(rest).trim();
        format!(
            "in a `{{ … }}` mapping, quote a key that holds `[` or `.`: `{{ \"{key}\": value }}`, or write the changes one per line under `change:`"
        )
    })
}

/// Reads a cases file.
pub fn load_cases(path: &Path, text: &str) -> Result<CasesFile, CasesError> {
    let format = |e: serde_yaml_ng::Error| {
        CasesError::Format {
        path: path.display().to_string(),
        message: plain(&e.to_string()),
        help: e
            .location()
            .and_then(|l| flow_key_hint(text, l.index()))
            .unwrap_or_else(|| "a cases file has `policy: FILE.policy` and `cases:`, a list of cases each with `name`, `facts` and `expect`; see docs/testing.md".to_owned()),
        span: e.location().map(|l| Span::new(l.index(), l.index())),
    }
    };
    super::strict::check(serde_yaml_ng::Deserializer::from_str(text), true, true)
        .map_err(format)?;
    let mut file: CasesFile = serde_yaml_ng::from_str(text).map_err(format)?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    file.policy = base.join(&file.policy);
    for case in &mut file.cases {
        case.base = base.clone();
    }
    Ok(file)
}

impl Case {
    /// The case's facts as JSON, with its changes applied.
    pub fn facts_json(&self) -> Result<Json, String> {
        let mut facts = match &self.facts {
            FactsSource::Inline(json) => json.clone(),
            FactsSource::File(path) => read_facts(&self.base.join(path))?,
        };
        for (path, value) in &self.change {
            *slot(&mut facts, path, true)? = value.clone();
        }
        for path in &self.remove {
            let (parent, key) = match path.rsplit_once('.') {
                Some((parent, key)) => (slot(&mut facts, parent, false)?, key),
                None => (&mut facts, path.as_str()),
            };
            parent
                .as_object_mut()
                .and_then(|o| o.remove(key))
                .ok_or_else(|| format!("`remove`: the facts have no `{path}`"))?;
        }
        Ok(facts)
    }
}

fn read_facts(path: &Path) -> Result<Json, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let name = path.display().to_string();
    match crate::facts::Format::from_name(&name) {
        crate::facts::Format::Json => {
            let mut strict = serde_json::Deserializer::from_str(&text);
            super::strict::check(&mut strict, false, false)
                .map_err(|e| format!("`{name}`: {e}"))?;
            serde_json::from_str(&text).map_err(|e| format!("`{name}`: {e}"))
        }
        crate::facts::Format::Yaml => {
            super::strict::check(serde_yaml_ng::Deserializer::from_str(&text), true, false)
                .map_err(|e| format!("`{name}`: {e}"))?;
            serde_yaml_ng::from_str(&text).map_err(|e| format!("`{name}`: {e}"))
        }
    }
}

/// The value at a dotted path such as `recipient.stays[1].admitted`; with
/// `create`, a missing last key is added.
fn slot<'a>(facts: &'a mut Json, path: &str, create: bool) -> Result<&'a mut Json, String> {
    let mut current = facts;
    let parts: Vec<&str> = path.split('.').collect();
    for (position, part) in parts.iter().enumerate() {
        let last = position + 1 == parts.len();
        let (key, indexes) = split_indexes(part)?;
        let object = current
            .as_object_mut()
            .ok_or_else(|| format!("`{path}`: `{key}` is not inside a record"))?;
        if create && last && indexes.is_empty() && !object.contains_key(key) {
            object.insert(key.to_owned(), Json::Null);
        }
        current = object
            .get_mut(key)
            .ok_or_else(|| format!("`{path}`: the facts have no `{key}`"))?;
        for index in indexes {
            let length = current.as_array().map(Vec::len);
            current = current
                .as_array_mut()
                .and_then(|a| a.get_mut(index))
                .ok_or_else(|| match length {
                    Some(length) => format!(
                        "`{path}`: no entry [{index}] in `{key}`, which has {length}; `change:` changes entries that exist and cannot add one: to add entries, change the whole list (`{key}: [ … ]`)"
                    ),
                    None => format!("`{path}`: `{key}` is not a list"),
                })?;
        }
    }
    Ok(current)
}

/// `stays[1][0]` → (`stays`, [1, 0]).
fn split_indexes(part: &str) -> Result<(&str, Vec<usize>), String> {
    let (key, rest) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
    let mut indexes = Vec::new();
    for piece in rest.split('[').filter(|p| !p.is_empty()) {
        let number = piece.trim_end_matches(']');
        indexes.push(
            number
                .parse()
                .map_err(|_| format!("`{part}`: `[{number}]` is not an index"))?,
        );
    }
    Ok((key, indexes))
}
