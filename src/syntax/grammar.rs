//! The pest parser generated from `grammar/policy.pest`.

/// The generated parser; `Rule` names its grammar rules.
#[derive(pest_derive::Parser)]
#[grammar = "grammar/policy.pest"]
pub(crate) struct PolicyParser;
