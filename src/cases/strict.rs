//! A first pass over a cases file (or a case's facts file) that refuses what serde would silently accept: duplicate keys, YAML merge keys, and a case's `missing` or `expect` that cannot mean anything.

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::collections::HashSet;
use std::fmt;

/// The message for a YAML merge key.
const MERGE_KEY: &str = "YAML merge keys (`<<`) are not supported: write the fields out, or reuse the whole value with an alias (`*base`)";

/// Walks a whole document: every key of every mapping is checked. With
/// `cases`, the document is a cases file and each case's `expect` and
/// `missing` are checked too. Errors are raised inside the visitors, so the
/// YAML reader attaches the position of the offending key or mapping.
pub(super) fn check<'de, D: Deserializer<'de>>(
    deserializer: D,
    yaml: bool,
    cases: bool,
) -> Result<(), D::Error> {
    let mut walker = Walker {
        yaml,
        cases,
        path: Vec::new(),
        expect: None,
        missing: Vec::new(),
    };
    Node {
        walker: &mut walker,
    }
    .deserialize(deserializer)
}

/// One step of the path to the value being walked.
#[derive(PartialEq, Eq)]
enum Seg {
    Key(String),
    Index(usize),
}

/// What the mapping being walked is, in a cases file.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Case,
    Expect,
    Missing,
    Other,
}

struct Walker {
    yaml: bool,
    cases: bool,
    path: Vec<Seg>,
    /// The decisions the current case's `expect` names, once read.
    expect: Option<Vec<String>>,
    /// The decisions the current case's `missing` names, when read before
    /// its `expect`.
    missing: Vec<String>,
}

impl Walker {
    fn role(&self) -> Role {
        if !self.cases {
            return Role::Other;
        }
        match self.path.as_slice() {
            [Seg::Key(cases), Seg::Index(_)] if cases == "cases" => Role::Case,
            [Seg::Key(cases), Seg::Index(_), Seg::Key(key)] if cases == "cases" => {
                match key.as_str() {
                    "expect" => Role::Expect,
                    "missing" => Role::Missing,
                    _ => Role::Other,
                }
            }
            _ => Role::Other,
        }
    }
}

/// A value anywhere in the document.
struct Node<'w> {
    walker: &'w mut Walker,
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_i128<E>(self, _: i128) -> Result<(), E> {
        Ok(())
    }

    fn visit_u128<E>(self, _: u128) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        loop {
            self.walker.path.push(Seg::Index(index));
            let next = seq.next_element_seed(Node {
                walker: &mut *self.walker,
            });
            self.walker.path.pop();
            if next?.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let role = self.walker.role();
        if role == Role::Case {
            self.walker.expect = None;
            self.walker.missing.clear();
        }
        let mut seen: HashSet<String> = HashSet::new();
        // The keys in document order, for `expect` and `missing`.
        let mut keys: Vec<String> = Vec::new();
        loop {
            let allowed = match role {
                Role::Missing => self.walker.expect.as_deref(),
                _ => None,
            };
            let key = map.next_key_seed(KeySeed {
                seen: &seen,
                yaml: self.walker.yaml,
                allowed,
            })?;
            let Some(key) = key else { break };
            match key {
                Some(key) => {
                    self.walker.path.push(Seg::Key(key.clone()));
                    if role != Role::Other {
                        keys.push(key.clone());
                    }
                    seen.insert(key);
                }
                None => self.walker.path.push(Seg::Key(String::new())),
            }
            let value = map.next_value_seed(Node {
                walker: &mut *self.walker,
            });
            self.walker.path.pop();
            value?;
        }
        match role {
            Role::Expect if seen.is_empty() => Err(de::Error::custom(
                "a case must expect at least one decision: write `expect:` with `decision: value` entries",
            )),
            Role::Expect => {
                self.walker.expect = Some(keys);
                Ok(())
            }
            Role::Missing => {
                self.walker.missing = keys;
                Ok(())
            }
            Role::Case => match (&self.walker.expect, self.walker.missing.as_slice()) {
                (Some(expect), missing) => match missing.iter().find(|m| !expect.contains(m)) {
                    Some(name) => Err(de::Error::custom(not_expected(name, expect))),
                    None => Ok(()),
                },
                (None, _) => Ok(()),
            },
            Role::Other => Ok(()),
        }
    }
}

/// The message for a `missing` entry naming a decision `expect` does not.
fn not_expected(name: &str, expect: &[String]) -> String {
    format!(
        "`missing` gives the facts missing for `{name}`, but this case's `expect` does not name `{name}` (it names {}): add `{name}` to `expect`, or remove it from `missing`",
        expect
            .iter()
            .map(|e| format!("`{e}`"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// Reads a key: its text for a scalar, `None` for a list or mapping used as
/// a key. Refuses a merge key, a key given twice, and (in a case's
/// `missing`, once its `expect` is read) a decision `expect` does not name.
struct KeySeed<'k> {
    seen: &'k HashSet<String>,
    yaml: bool,
    allowed: Option<&'k [String]>,
}

impl KeySeed<'_> {
    fn key<E: de::Error>(self, key: String) -> Result<Option<String>, E> {
        if self.yaml && key == "<<" {
            return Err(E::custom(MERGE_KEY));
        }
        if self.seen.contains(&key) {
            return Err(E::custom(format_args!(
                "the key `{key}` is given twice; keep only one"
            )));
        }
        if let Some(expect) = self.allowed
            && !expect.contains(&key)
        {
            return Err(E::custom(not_expected(&key, expect)));
        }
        Ok(Some(key))
    }
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        self.key(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.key(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.key(v.to_string())
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        self.key(v.to_string())
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        self.key(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        self.key(v.to_string())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        self.key(v.to_owned())
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.key("null".to_owned())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.key("null".to_owned())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}
