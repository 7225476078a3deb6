#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail loudly on purpose"
)]

//! The command line end to end: output and exit codes.

mod common;

const POLICY: &str = "policies/mn_irts.policy";
const ADMITTED: &str = "examples/irts/admission/admitted.json";

#[test]
fn check_accepts_shipped_policies() {
    let (code, stdout, stderr) = common::policyc(&["check", POLICY]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    insta::assert_snapshot!(stdout, @"ok: policies/mn_irts.policy (13 decisions, 6 rules)");
}

#[test]
fn check_reports_every_mistake_and_exits_1() {
    let (code, _, stderr) =
        common::policyc(&["check", "tests/fixtures/check/three_mistakes.policy"]);
    assert_eq!(code, 1);
    assert_eq!(stderr.matches("policyc::check::").count(), 3, "{stderr}");
}

#[test]
fn eval_json_has_the_documented_shape() {
    let (code, stdout, _) =
        common::policyc(&["eval", POLICY, "--facts", ADMITTED, "--format", "json"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(json["policy"], "mn_irts");
    assert_eq!(json["as_of"], "2026-03-01");
    assert_eq!(json["decisions"]["admission"]["value"], true);
    assert_eq!(
        json["decisions"]["admission"]["missing"],
        serde_json::json!([])
    );
    assert!(json["decisions"]["admission"].get("trace").is_none());
}

#[test]
fn as_of_flag_overrides_the_facts_file() {
    // A year later, both hospitalizations are more than a year old.
    let (code, stdout, _) = common::policyc(&[
        "eval",
        POLICY,
        "--facts",
        ADMITTED,
        "--as-of",
        "2027-03-01",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(json["as_of"], "2027-03-01");
    assert_eq!(json["decisions"]["admission"]["value"], false);
}

#[test]
fn missing_as_of_is_a_usage_error() {
    let dir = std::env::temp_dir().join(format!("policyc-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let facts = dir.join("no_as_of.json");
    std::fs::write(&facts, r#"{"recipient": {"homeless": true}}"#).expect("write");
    let (code, stdout, stderr) =
        common::policyc(&["eval", POLICY, "--facts", facts.to_str().expect("utf-8")]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    insta::assert_snapshot!(stderr);
}

#[test]
fn usage_errors_exit_2() {
    let bad_date = common::policyc(&["eval", POLICY, "--facts", ADMITTED, "--as-of", "03/01/2026"]);
    assert_eq!(bad_date.0, 2, "{}", bad_date.2);
    insta::assert_snapshot!("bad_as_of", bad_date.2);
    let unknown = common::policyc(&[
        "eval",
        POLICY,
        "--facts",
        ADMITTED,
        "--decision",
        "admision",
    ]);
    assert_eq!(unknown.0, 2);
    insta::assert_snapshot!("unknown_decision", unknown.2);
    let no_file = common::policyc(&["check", "policies/does_not_exist.policy"]);
    assert_eq!(no_file.0, 2);
    let no_args = common::policyc(&["eval", POLICY]);
    assert_eq!(no_args.0, 2);
}

#[test]
fn decision_flag_selects_decisions() {
    let (code, stdout, _) = common::policyc(&[
        "eval",
        POLICY,
        "--facts",
        ADMITTED,
        "--decision",
        "admission",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let names: Vec<&String> = json["decisions"]
        .as_object()
        .expect("object")
        .keys()
        .collect();
    assert_eq!(names, ["admission"]);
}

#[test]
fn invalid_utf8_policy_is_an_input_error() {
    let dir = std::env::temp_dir().join(format!("policyc-utf8-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("latin1.policy");
    std::fs::write(&path, b"policy caf\xe9\n").expect("write");
    let (code, _, stderr) = common::policyc(&["check", path.to_str().expect("utf-8")]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("is not UTF-8 text"), "{stderr}");
}

#[test]
fn a_date_no_version_covers_is_an_input_error() {
    let dir = std::env::temp_dir().join(format!("policyc-versions-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let facts = dir.join("member.json");
    std::fs::write(&facts, r#"{"member": {"age": 19}}"#).expect("write");
    let facts = facts.to_str().expect("utf-8");
    let policy = "tests/fixtures/versions/amended.policy";
    let before = common::policyc(&["eval", policy, "--facts", facts, "--as-of", "2019-12-31"]);
    assert_eq!(before.0, 1, "{}", before.2);
    insta::assert_snapshot!("not_in_force", before.2);
    // The date of service picks the version; the as-of date stays for ages and windows.
    let adopted = common::policyc(&[
        "eval",
        policy,
        "--facts",
        facts,
        "--as-of",
        "2026-03-01",
        "--date-of-service",
        "2021-08-09",
    ]);
    assert_eq!(adopted.0, 0);
    assert!(
        adopted
            .1
            .contains("version \"as adopted\", effective 2020-01-01 until 2021-08-09")
    );
    assert!(adopted.1.contains("eligible: false"), "{}", adopted.1);
    // An unversioned policy is in force from its effective date only.
    let early = common::policyc(&["eval", POLICY, "--facts", ADMITTED, "--as-of", "2012-02-06"]);
    assert_eq!(early.0, 1, "{}", early.2);
}
