//! "Did you mean" at scale: a policy with thousands of distinct unknown names
//! checks with one correct diagnostic per name, typos still suggested.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use policyc::check::{self, CheckError};
use policyc::source::SourceFile;

/// A policy of `count` rules, each using a name nobody declares; every
/// hundredth is instead a typo of a declared rule's name.
fn policy(count: usize) -> String {
    let mut text = String::from(
        "policy p\n  title \"t\" jurisdiction \"j\" source \"s\" effective 2020-01-01\nfacts { a: boolean }\n",
    );
    for i in 0..count {
        let used = if i % 100 == 0 {
            // `rule_number_00000` misspelt as `rule_nubmer_00000`
            format!("rule_nubmer_{:05}", i + 1)
        } else {
            format!("unknown_name_{i:05}")
        };
        text.push_str(&format!("rule rule_number_{i:05}: boolean = {used}\n"));
    }
    text.push_str("decision d: boolean \"d\" cite \"c\" = a\n");
    text
}

fn unknown_names(count: usize) -> Vec<(String, String)> {
    let source = SourceFile::new("p.policy", policy(count));
    let file = policyc::syntax::parse(&source).unwrap();
    let outcome = check::check(&file);
    outcome
        .errors
        .iter()
        .map(|e| match e {
            CheckError::UnknownName { name, help, .. } => (name.clone(), help.clone()),
            other => panic!("{other:?}"),
        })
        .collect()
}

#[test]
fn two_thousand_unknown_names_each_get_the_right_help() {
    let count = 2_000;
    let found = unknown_names(count);
    assert_eq!(found.len(), count);
    for (i, (name, help)) in found.iter().enumerate() {
        if i % 100 == 0 {
            assert_eq!(name, &format!("rule_nubmer_{:05}", i + 1));
            assert_eq!(help, &format!("did you mean `rule_number_{:05}`?", i + 1));
        } else {
            assert_eq!(name, &format!("unknown_name_{i:05}"));
            assert_eq!(
                help,
                "declare it as a fact in the `facts` block, or as a `rule`"
            );
        }
    }
}
