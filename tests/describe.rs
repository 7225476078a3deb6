#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail loudly on purpose"
)]

//! `policyc describe`: snapshots of the listing and of the facts schema of
//! every policy; every example facts file validated against its policy's
//! schema with a JSON Schema validator; the schema and the facts loader
//! agreeing on payloads they must both reject or both accept; the facts a
//! decision is said to read covering every fact its evaluation names.

mod common;

use policyc::describe::{self, describe_json, describe_text, facts_read, json_schema};
use policyc::source::SourceFile;
use policyc::{Determination, facts};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// The policy each examples folder belongs to.
const EXAMPLES: [(&str, &str); 3] = [
    ("examples/irts", "policies/mn_irts.policy"),
    ("examples/imr", "policies/mt_imr.policy"),
    ("examples/recovery", "policies/nm_recovery_services.policy"),
];

#[test]
fn describe_text_of_each_policy() {
    insta::glob!("../policies", "*.policy", |path| {
        insta::assert_snapshot!(describe_text(&common::checked(path)));
    });
}

#[test]
fn json_schema_of_each_policy() {
    insta::glob!("../policies", "*.policy", |path| {
        let schema = json_schema(&common::checked(path));
        insta::assert_snapshot!(serde_json::to_string_pretty(&schema).expect("json"));
    });
}

/// A draft 2020-12 validator that also asserts `format` (so `2026-02-30`
/// is rejected as the loader rejects it), after checking the schema itself
/// against the draft's meta-schema.
fn validator(schema: &Value) -> jsonschema::Validator {
    if let Err(error) = jsonschema::draft202012::meta::validate(schema) {
        panic!("the exported schema is not a valid draft 2020-12 schema: {error}");
    }
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("schema compiles")
}

/// The validation errors of `instance`, as `path: message` lines.
fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// Every facts file under a folder (one folder per decision), sorted.
fn facts_files(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![folder.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("read examples") {
            let path = entry.expect("entry").path();
            let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if path.is_dir() {
                pending.push(path);
            } else if ["json", "yaml", "yml"].contains(&extension) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// A facts file as a JSON value, YAML included.
fn document(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("read facts");
    match facts::Format::from_name(&path.display().to_string()) {
        facts::Format::Json => serde_json::from_str(&text).expect("JSON facts"),
        facts::Format::Yaml => serde_yaml_ng::from_str(&text).expect("YAML facts"),
    }
}

#[test]
fn every_example_is_valid_against_its_policy_schema() {
    let mut checked_files = 0;
    let mut yaml_files = 0;
    let mut failures = Vec::new();
    for (folder, policy) in EXAMPLES {
        let validator = validator(&json_schema(&common::checked(Path::new(policy))).to_value());
        for path in facts_files(Path::new(folder)) {
            checked_files += 1;
            if path.extension().is_some_and(|e| e != "json") {
                yaml_files += 1;
            }
            for error in errors(&validator, &document(&path)) {
                failures.push(format!("{}: {error}", path.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        checked_files > 50,
        "only {checked_files} example files found"
    );
    assert!(yaml_files > 0, "no YAML example was validated");
}

/// Whether the IRTS schema accepts a payload, and whether the loader does.
fn irts_verdicts(payload: &Value) -> (bool, bool) {
    let checked = common::checked(Path::new("policies/mn_irts.policy"));
    let validator = validator(&json_schema(&checked).to_value());
    let schema_accepts = errors(&validator, payload).is_empty();
    let source = SourceFile::new("payload.json", payload.to_string());
    let loader_accepts = facts::load(&source, facts::Format::Json, checked.schema()).is_ok();
    (schema_accepts, loader_accepts)
}

#[test]
fn schema_rejects_what_the_loader_rejects() {
    let wrong = [
        json!({"recipient": {"birth_date": "03/01/2026"}}),
        json!({"recipient": {"birth_date": "2026-02-30"}}),
        json!({"as_of": "2026-3-1"}),
        json!({"as_of": 20260301}),
        json!({"team": [{"qualification": "psychiatrist"}]}),
        json!({"concurrent": {"service": "Day treatment"}}),
        json!({"recipient": {"homeless": "yes"}}),
        json!({"facility": {"beds": "16"}}),
        json!({"facility": {"beds": 16.5}}),
        json!({"recipient": {"inpatient_hospitalizations": {"admitted": "2026-01-01"}}}),
        json!({"recipient": {"irts_stays": [{"inpatient_hospital_dates": ["2026-01-01", 5]}]}}),
        json!({"program": "all of them"}),
    ];
    for payload in wrong {
        assert_eq!(irts_verdicts(&payload), (false, false), "{payload}");
    }
}

#[test]
fn schema_accepts_what_the_loader_accepts() {
    let right = [
        json!({}),
        json!({"as_of": null, "recipient": null, "team": null}),
        json!({"recipient": {"locus": {"completed": true, "level": null}}}),
        json!({"team": [null, {"qualification": null}, {"qualification": "other"}]}),
        json!({"recipient": {"irts_stays": [{"admitted": "2024-02-29", "inpatient_hospital_dates": [null]}]}}),
        // Undeclared keys are only a warning for the loader.
        json!({"notes": "x", "recipient": {"nickname": "Sam"}}),
    ];
    for payload in right {
        assert_eq!(irts_verdicts(&payload), (true, true), "{payload}");
    }
}

/// The loader's limits JSON Schema cannot say, as docs/output.md lists them.
#[test]
fn schema_gaps_are_the_documented_ones() {
    let gaps = [
        json!({"facility": {"beds": 16.0}}),
        json!({"facility": {"beds": 9223372036854775808_u64}}),
    ];
    for payload in gaps {
        assert_eq!(irts_verdicts(&payload), (true, false), "{payload}");
    }
}

#[test]
fn records_holding_lists_of_themselves_are_referenced() {
    let source = SourceFile::new(
        "family.policy",
        r#"policy family
             title "Families" jurisdiction "Example" source "Example manual" effective 2020-01-01
           record Person { name: text "The person's name", children: list of Person }
           facts { head: Person "The head of the household" }
           decision large: boolean "Has three or more children" cite "Example, 1" =
             count(head.children) >= 3
        "#,
    );
    let policy = policyc::Policy::from_source(source, Path::new("family.policy")).expect("checks");
    let schema = json_schema(policy.latest()).to_value();
    assert_eq!(schema["properties"]["head"]["$ref"], "#/$defs/Person");
    assert_eq!(
        schema["$defs"]["Person"]["properties"]["children"]["items"]["$ref"],
        "#/$defs/Person"
    );
    let validator = validator(&schema);
    let family =
        json!({"head": {"name": "A", "children": [{"name": "B", "children": [{"name": 3}]}]}});
    let found = errors(&validator, &family);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("/head/children/0/children/0/name"),
        "{found:?}"
    );
}

/// Whether `missing` names the fact `read` or a part of it.
fn within(missing: &str, read: &str) -> bool {
    missing
        .strip_prefix(read)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

/// The facts every decision reads cover every fact its evaluation names as
/// missing, for every example and for an empty facts file.
#[test]
fn facts_read_cover_every_missing_fact() {
    for (folder, policy) in EXAMPLES {
        let loaded = common::policy(Path::new(policy));
        let checked = loaded.latest();
        let mut determinations: Vec<Determination> = facts_files(Path::new(folder))
            .iter()
            .map(|path| common::evaluate(&loaded, path).determination)
            .collect();
        determinations.push(evaluate_empty(&loaded));
        for determination in &determinations {
            for decision in &determination.decisions {
                let id = checked.decision(decision.name()).expect("decision");
                let reads = facts_read(checked, id);
                for missing in &decision.missing {
                    assert!(
                        reads.iter().any(|read| within(missing, read.path)),
                        "{policy}: `{}` names `{missing}`, which it is not said to read",
                        decision.name()
                    );
                }
            }
        }
    }
}

fn evaluate_empty(policy: &policyc::Policy) -> Determination {
    let facts = policy.facts_from_json("{}").expect("loads");
    let as_of = policyc::syntax::parse_date("2026-03-01").expect("date");
    let prepared = policy
        .prepare(&[], policyc::Options::default())
        .expect("prepares");
    prepared.evaluate(&facts, as_of, None).expect("evaluates")
}

#[test]
fn facts_read_follow_rules_and_stay_in_declared_order() {
    let checked = common::checked(Path::new("policies/mt_imr.policy"));
    let id = checked.decision("medical_necessity").expect("decision");
    let paths: Vec<&str> = facts_read(&checked, id).iter().map(|r| r.path).collect();
    // `member.itps` is read only through the rule imr_chosen_in_most_current_itp.
    assert_eq!(paths, ["member.meets_sdmi_criteria", "member.itps"]);
    let field = describe::fact_field(checked.schema(), &[1, 0]).expect("provider.kind");
    assert_eq!(field.name, "kind");
}

#[test]
fn describe_json_has_the_documented_shape() {
    let checked = common::checked(Path::new("policies/mn_irts.policy"));
    let ordered = describe_json(&checked);
    let keys: Vec<&str> = ordered
        .as_object()
        .expect("object")
        .iter()
        .map(|(k, _)| k)
        .collect();
    let json = ordered.to_value();
    assert_eq!(
        keys,
        [
            "policy",
            "title",
            "jurisdiction",
            "source",
            "effective",
            "decisions",
            "records",
            "enums"
        ]
    );
    let names: Vec<&str> = ordered
        .get("decisions")
        .and_then(|d| d.as_object())
        .expect("decisions")
        .iter()
        .map(|(k, _)| k)
        .collect();
    let expected: Vec<&str> = checked.decisions().map(|(_, d)| d.name.as_str()).collect();
    assert_eq!(names, expected);
    let billing = &json["decisions"]["billing"];
    assert_eq!(billing["citation"], "Billing; H0019 code table");
    assert_eq!(
        billing["facts"],
        json!([{"path": "recipient.irts_stays", "type": "list of IrtsStay", "description": "IRTS stays, past and current"}])
    );
    assert_eq!(
        json["enums"]["Shift"],
        json!({"description": null, "values": ["day", "evening", "night"], "value_descriptions": {}})
    );
    // A value's description survives checking.
    assert_eq!(
        json["enums"]["TeamQualification"]["value_descriptions"],
        json!({"other": "None of the listed qualifications"})
    );
    assert_eq!(
        json["records"]["HospitalStay"]["fields"][0]["name"],
        "admitted"
    );
}

#[test]
fn command_writes_each_form_and_exits_as_elsewhere() {
    let policy = "policies/nm_recovery_services.policy";
    let checked = common::checked(Path::new(policy));
    let (code, stdout, stderr) = common::policyc(&["describe", policy]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(stdout, describe_text(&checked));
    let (code, stdout, _) = common::policyc(&["describe", policy, "--format", "json"]);
    assert_eq!(code, 0);
    assert_eq!(
        serde_json::from_str::<Value>(&stdout).expect("json"),
        describe_json(&checked).to_value()
    );
    let (code, stdout, _) = common::policyc(&["describe", policy, "--json-schema"]);
    assert_eq!(code, 0);
    assert_eq!(
        serde_json::from_str::<Value>(&stdout).expect("json"),
        json_schema(&checked).to_value()
    );

    let (code, stdout, stderr) =
        common::policyc(&["describe", "tests/fixtures/check/three_mistakes.policy"]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert_eq!(stderr.matches("policyc::check::").count(), 3, "{stderr}");
    let (code, _, _) = common::policyc(&["describe", "policies/no_such.policy"]);
    assert_eq!(code, 2);
    let (code, _, _) = common::policyc(&["describe", policy, "--json-schema", "--format", "json"]);
    assert_eq!(code, 2);
}
