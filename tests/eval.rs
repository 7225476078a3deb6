#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail loudly on purpose"
)]

//! Snapshots of every example's determination, human and JSON, with
//! explanations; plus the outcomes the examples are named for.

mod common;

use std::path::Path;

#[test]
fn irts_examples() {
    let policy = common::policy(Path::new("policies/mn_irts.policy"));
    // Examples live in a folder named after the decision they exercise.
    insta::glob!("../examples/irts", "*/*.{json,yaml}", |path| {
        let evaluated = common::evaluate_folder_decision(&policy, path);
        let (human, json) = common::render(&evaluated);
        let facts = std::fs::read_to_string(path).expect("facts");
        insta::assert_snapshot!(format!(
            "{facts}\n----- HUMAN\n{human}\n----- JSON\n{json}\n"
        ));
    });
}

#[test]
fn imr_examples() {
    let policy = common::policy(Path::new("policies/mt_imr.policy"));
    // Examples live in a folder named after the decision they exercise.
    insta::glob!("../examples/imr", "*/*.{json,yaml}", |path| {
        let evaluated = common::evaluate_folder_decision(&policy, path);
        let (human, json) = common::render(&evaluated);
        let facts = std::fs::read_to_string(path).expect("facts");
        insta::assert_snapshot!(format!(
            "{facts}\n----- HUMAN\n{human}\n----- JSON\n{json}\n"
        ));
    });
}

/// The value of the admission decision for an example, as JSON text.
fn admission(name: &str) -> (String, Vec<String>) {
    let policy = common::policy(Path::new("policies/mn_irts.policy"));
    let evaluated = common::evaluate(&policy, &Path::new("examples/irts/admission").join(name));
    let json = evaluated.prepared.json(&evaluated.determination).to_value();
    let decision = &json["decisions"]["admission"];
    let missing = decision["missing"]
        .as_array()
        .expect("missing list")
        .iter()
        .map(|m| m.as_str().expect("path").to_owned())
        .collect();
    (decision["value"].to_string(), missing)
}

#[test]
fn examples_decide_as_their_names_say() {
    let cases = [
        ("admitted.json", "true"),
        ("admitted_homeless_despite_unknown_stay_dates.json", "true"),
        ("boundary_exactly_three_impaired_domains.json", "true"),
        ("boundary_hospitalization_365_days_before.json", "true"),
        ("boundary_hospitalization_366_days_before.json", "false"),
        (
            "not_admitted_known_failure_outweighs_missing_fact.json",
            "false",
        ),
        ("not_admitted_locus_level_4.json", "false"),
        ("not_admitted_one_hospitalization.json", "false"),
        ("not_admitted_two_impaired_domains.json", "false"),
    ];
    for (name, expected) in cases {
        let (value, missing) = admission(name);
        assert_eq!(value, expected, "{name}");
        assert!(
            missing.is_empty(),
            "{name}: a known value lists no missing facts"
        );
    }
}

#[test]
fn unknown_lists_exactly_the_missing_facts() {
    assert_eq!(
        admission("undetermined_missing_locus_level.json"),
        (
            "\"unknown\"".to_owned(),
            vec!["recipient.locus.level".to_owned()]
        )
    );
    assert_eq!(
        admission("ongoing_stay.yaml"),
        (
            "\"unknown\"".to_owned(),
            vec!["recipient.inpatient_hospitalizations[1].discharged".to_owned()]
        )
    );
}

#[test]
fn recovery_examples() {
    let policy = common::policy(Path::new("policies/nm_recovery_services.policy"));
    // Examples live in a folder named after the decision they exercise.
    insta::glob!("../examples/recovery", "*/*.{json,yaml}", |path| {
        let evaluated = common::evaluate_folder_decision(&policy, path);
        let (human, json) = common::render(&evaluated);
        let facts = std::fs::read_to_string(path).expect("facts");
        insta::assert_snapshot!(format!(
            "{facts}\n----- HUMAN\n{human}\n----- JSON\n{json}\n"
        ));
    });
}
