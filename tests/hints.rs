//! Hints that tell the fix: a bare name that is both a fact and an enum
//! value, lengths and times written as people write them, a rule's
//! parameters written another way, and two cases-file slips.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail loudly on purpose"
)]

mod common;

use policyc::Policy;

fn policy_errors(body: &str) -> String {
    let text = format!(
        "policy h\n  title \"t\"\n  jurisdiction \"j\"\n  source \"s\"\n  effective 2020-01-01\n\nenum Contact {{ youth, family }}\n\nrecord Licence {{ held: boolean }}\n\nfacts {{\n  youth: boolean \"The member is a youth\"\n  service: {{ contact: Contact, minutes: integer, day: date }}\n  licence: Licence\n}}\n\n{body}\n"
    );
    Policy::from_text("h.policy", &text)
        .unwrap_err()
        .render(policyc::diagnostic::Style::Human { color: false })
}

#[test]
fn a_fact_that_hides_an_enum_value() {
    insta::assert_snapshot!(policy_errors(
        "decision d: boolean cite \"s\" = service.contact = youth"
    ));
}

#[test]
fn lengths_and_times_as_people_write_them() {
    let mut all = String::new();
    for test in [
        "service.minutes > 2hrs",
        "service.minutes <= 2 hours",
        "service.minutes < 4pm",
        "service.minutes < 16:00",
        "service.day within 3mo before as_of",
    ] {
        let errors = policy_errors(&format!("decision d: boolean cite \"s\" = {test}"));
        let help: Vec<&str> = errors
            .lines()
            .skip_while(|l| !l.trim_start().starts_with("help:"))
            .collect();
        all.push_str(&format!("{test}\n{}\n\n", help.join("\n")));
    }
    insta::assert_snapshot!(all);
}

#[test]
fn a_rules_parameters_written_another_way() {
    let mut all = String::new();
    for header in [
        "rule held(l Licence): boolean = l.held",
        "rule held(l: Licence) boolean = l.held",
        "decision held(l: Licence): boolean = l.held",
    ] {
        all.push_str(&format!("--- {header}\n{}\n", policy_errors(header)));
    }
    insta::assert_snapshot!(all);
}

/// Runs `policyc test` on a cases file for the IRTS policy.
fn run_cases(name: &str, case: &str) -> String {
    let dir = common::scratch("hints", name);
    let policy = std::fs::canonicalize("policies/mn_irts.policy").unwrap();
    let facts = std::fs::canonicalize("examples/irts/admission/admitted.json").unwrap();
    let text = format!(
        "policy: {}\ncases:\n  - name: {name}\n    facts: {}\n{case}    expect:\n      admission: true\n",
        policy.display(),
        facts.display()
    );
    let file = dir.join("h.cases.yaml");
    std::fs::write(&file, text).unwrap();
    let (_, stdout, stderr) = common::policyc(&["test", file.to_str().unwrap()]);
    let all = format!("{stdout}{stderr}");
    all.replace(&dir.display().to_string(), "DIR")
}

#[test]
fn a_change_cannot_add_a_list_entry() {
    let out = run_cases(
        "add",
        "    change:\n      recipient.inpatient_hospitalizations[2].admitted: 2025-06-03\n",
    );
    assert!(
        out.contains("no entry [2] in `inpatient_hospitalizations`, which has 2; `change:` changes entries that exist and cannot add one: to add entries, change the whole list (`inpatient_hospitalizations: [ … ]`)"),
        "{out}"
    );
}

#[test]
fn an_unquoted_key_in_a_flow_mapping() {
    let out = run_cases(
        "flow",
        "    change: {recipient.inpatient_hospitalizations[0].admitted: 2025-06-03}\n",
    );
    let help: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("help:"))
        .take(3)
        .collect();
    insta::assert_snapshot!(help.join("\n"));
}
