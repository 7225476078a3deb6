//! FHIR from the one `.policy` file: the Questionnaire asks what the
//! decisions read, a QuestionnaireResponse reads back as the same facts, a
//! Bundle fills facts through the mapping file, the ClaimResponse gives the
//! reasons, CDS Hooks cards ask for exactly what is missing, and every
//! generated document passes an independent validator.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests fail loudly on purpose"
)]

mod common;

use common::Server;
use policyc::fhir::{self, Mapping};
use policyc::source::SourceFile;
use policyc::{Format, Options, Policy};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const POLICIES: [(&str, &str); 3] = [
    ("policies/mn_irts.policy", "examples/irts"),
    ("policies/mt_imr.policy", "examples/imr"),
    ("policies/nm_recovery_services.policy", "examples/recovery"),
];

/// Every example facts file under `folder`.
fn examples(folder: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for decision in std::fs::read_dir(folder).unwrap() {
        for file in std::fs::read_dir(decision.unwrap().path()).unwrap() {
            out.push(file.unwrap().path());
        }
    }
    out.sort();
    out
}

/// A facts file as JSON (YAML read too).
fn raw(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    if path.extension().is_some_and(|e| e == "yaml") {
        serde_yaml_ng::from_str(&text).unwrap()
    } else {
        serde_json::from_str(&text).unwrap()
    }
}

/// Every decision, explained, as the documented JSON.
fn determination(policy: &Policy, facts: &policyc::Facts) -> Value {
    let prepared = policy.prepare(&[], Options { explain: true }).unwrap();
    let det = prepared
        .evaluate(facts, facts.as_of().expect("as_of"), None)
        .unwrap();
    prepared.json(&det).to_value()
}

fn response_for(policy: &Policy, facts: &Value, decisions: &[&str]) -> String {
    let response = fhir::response_from_facts(
        policy,
        policy.latest(),
        decisions,
        facts,
        fhir::DEFAULT_BASE,
    );
    serde_json::to_string_pretty(&response).unwrap()
}

fn read_response(policy: &Policy, text: &str) -> Result<policyc::Facts, String> {
    fhir::facts_from_response(policy, &SourceFile::new("qr.json", text.to_owned()))
        .map_err(|d| d.render(policyc::diagnostic::Style::Human { color: false }))
}

#[test]
fn every_example_round_trips_through_a_questionnaire_response() {
    let mut checked = 0;
    for (policy_path, folder) in POLICIES {
        let policy = common::policy(Path::new(policy_path));
        for example in examples(folder) {
            let source = common::source(&example);
            let direct = policy
                .facts(&source, Format::from_name(&source.name))
                .unwrap();
            let text = response_for(&policy, &raw(&example), &[]);
            let answered = read_response(&policy, &text)
                .unwrap_or_else(|e| panic!("{}: {e}", example.display()));
            assert_eq!(
                determination(&policy, &answered),
                determination(&policy, &direct),
                "{}",
                example.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 100, "{checked} examples");
}

#[test]
fn an_unanswered_item_is_a_missing_fact_never_false() {
    let policy = common::policy(Path::new("policies/mn_irts.policy"));
    let facts = raw(Path::new("examples/irts/admission/admitted.json"));
    let mut response: Value =
        serde_json::from_str(&response_for(&policy, &facts, &["admission"])).unwrap();
    // Drop the answer to recipient.locus.level.
    let recipient = &mut response["item"][0]["item"];
    let locus = recipient
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|i| i["linkId"] == "recipient.locus")
        .unwrap();
    locus["item"]
        .as_array_mut()
        .unwrap()
        .retain(|i| i["linkId"] != "recipient.locus.level");
    let answered = read_response(&policy, &response.to_string()).unwrap();
    let json = determination(&policy, &answered);
    assert_eq!(json["decisions"]["admission"]["value"], "unknown");
    assert_eq!(
        json["decisions"]["admission"]["missing"],
        json!(["recipient.locus.level"])
    );
}

#[test]
fn empty_lists_and_unknown_entries_keep_their_meaning() {
    let policy = common::policy(Path::new("policies/nm_recovery_services.policy"));
    let facts = json!({
        "as_of": "2026-03-01",
        "member": { "concurrent_services": ["act", null] },
    });
    let response: Value = serde_json::from_str(&response_for(&policy, &facts, &[])).unwrap();
    let text = response.to_string();
    assert!(text.contains(fhir::DATA_ABSENT_REASON), "{text}");
    let answered = read_response(&policy, &text).unwrap();
    let empty = json!({ "as_of": "2026-03-01", "member": { "concurrent_services": [] } });
    let none: Value = serde_json::from_str(&response_for(&policy, &empty, &[])).unwrap();
    assert!(none.to_string().contains("member.concurrent_services:none"));
    let answered_empty = read_response(&policy, &none.to_string()).unwrap();
    let (a, b) = (
        determination(&policy, &answered),
        determination(&policy, &answered_empty),
    );
    // With an ACT entry the service is not billable; with none it may be.
    assert_ne!(
        a["decisions"]["billable_with_concurrent_services"],
        b["decisions"]["billable_with_concurrent_services"]
    );
}

#[test]
fn a_wrong_answer_or_an_unknown_link_id_is_an_error_at_the_item() {
    let policy = common::policy(Path::new("policies/mn_irts.policy"));
    let text = r#"{
  "resourceType": "QuestionnaireResponse",
  "status": "completed",
  "authored": "2026-03-01",
  "item": [
    {
      "linkId": "recipient",
      "item": [
        { "linkId": "recipient.homeless", "answer": [{ "valueString": "yes" }] },
        { "linkId": "recipient.locus.level", "answer": [{ "valueInteger": 5 }] },
        { "linkId": "recipient.homles", "answer": [{ "valueBoolean": true }] },
        { "linkId": "recipient.inpatient_hospitalizations", "answer": [{ "valueBoolean": true }, { "valueBoolean": false }] }
      ]
    }
  ]
}"#;
    let errors = read_response(&policy, text).unwrap_err();
    insta::assert_snapshot!(errors);
}

/// The linkIds of items that take answers (not groups).
fn answered_link_ids(items: &Value, out: &mut BTreeSet<String>) {
    for item in items.as_array().into_iter().flatten() {
        if item["type"] != "group" {
            out.insert(item["linkId"].as_str().unwrap().to_owned());
        }
        answered_link_ids(&item["item"], out);
    }
}

#[test]
fn the_questionnaire_asks_exactly_what_each_decision_reads() {
    for (policy_path, _) in POLICIES {
        let policy = common::policy(Path::new(policy_path));
        let checked = policy.latest();
        let described = policyc::describe::describe_json(checked).to_value();
        for (name, decision) in described["decisions"].as_object().unwrap() {
            let reads: Vec<&str> = decision["facts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["path"].as_str().unwrap())
                .collect();
            let q = fhir::questionnaire(&policy, checked, &[name], fhir::DEFAULT_BASE).to_value();
            let mut asked = BTreeSet::new();
            answered_link_ids(&q["item"], &mut asked);
            for path in &reads {
                let covered = asked.contains(*path)
                    || asked.iter().any(|a| a.starts_with(&format!("{path}.")));
                assert!(covered, "{name}: `{path}` is read but not asked");
            }
            for link in &asked {
                let base = link.strip_suffix(fhir::NONE_SUFFIX).unwrap_or(link);
                let read = reads
                    .iter()
                    .any(|p| base == *p || base.starts_with(&format!("{p}.")));
                assert!(read, "{name}: `{link}` is asked but not read");
            }
        }
    }
}

#[test]
fn the_questionnaire_of_a_small_decision() {
    let policy = common::policy(Path::new("policies/mt_imr.policy"));
    let q = fhir::questionnaire(
        &policy,
        policy.latest(),
        &["provider_qualified"],
        fhir::DEFAULT_BASE,
    );
    let mut q = q.to_value();
    // The content hash changes with every edit of the policy.
    assert!(q["version"].as_str().unwrap().starts_with("sha256:"));
    q["version"] = json!("sha256:…");
    insta::assert_snapshot!(serde_json::to_string_pretty(&q).unwrap());
}

fn mapping(policy: &Policy, path: &str) -> Mapping {
    let text = std::fs::read_to_string(path).unwrap();
    Mapping::from_source(policy, SourceFile::new(path, text)).unwrap()
}

#[test]
fn a_bundle_fills_the_facts_its_mapping_names_and_no_others() {
    let policy = common::policy(Path::new("policies/mn_irts.policy"));
    let mapping = mapping(&policy, "policies/mn_irts.fhir.yaml");
    let bundle = common::source(Path::new("examples/fhir/irts_bundle.json"));
    let facts = mapping.facts(&bundle).unwrap();
    assert_eq!(
        facts,
        json!({
            "recipient": {
                "birth_date": "1990-04-12",
                "ma_eligible": true,
                "inpatient_hospitalizations": [
                    { "admitted": "2025-06-02", "discharged": "2025-06-20" },
                    { "admitted": "2025-11-10", "discharged": "2025-12-01" }
                ],
                "locus": { "completed": true, "level": 5 },
                "diagnostic_assessment_shows_mental_illness": true
            }
        })
    );
    // An empty bundle supplies nothing: every fact stays missing.
    let empty = SourceFile::new(
        "empty.json",
        r#"{"resourceType": "Bundle", "type": "collection"}"#,
    );
    assert_eq!(mapping.facts(&empty).unwrap(), json!({}));
    assert_eq!(
        mapping.resource_types(),
        [
            "Condition",
            "Coverage",
            "Encounter",
            "Observation",
            "Patient"
        ]
    );
}

#[test]
fn two_values_for_one_fact_are_an_error_not_a_guess() {
    let policy = common::policy(Path::new("policies/mn_irts.policy"));
    let mapping = mapping(&policy, "policies/mn_irts.fhir.yaml");
    let mut bundle = raw(Path::new("examples/fhir/irts_bundle.json"));
    let mut second = bundle["entry"][5].clone();
    second["resource"]["valueInteger"] = json!(4);
    bundle["entry"].as_array_mut().unwrap().push(second);
    let source = SourceFile::new("two.json", bundle.to_string());
    let errors = mapping
        .facts(&source)
        .unwrap_err()
        .render(policyc::diagnostic::Style::Human { color: false });
    assert!(errors.contains("recipient.locus.level"), "{errors}");
    assert!(errors.contains("finds 2 values for one fact"), "{errors}");
}

#[test]
fn a_bad_mapping_file_is_reported_where_it_is_wrong() {
    let policy = common::policy(Path::new("policies/mn_irts.policy"));
    let text = "facts:\n  recipient.birth_dat: \"Patient.birthDate\"\n  recipient.homeless: \"Condition.where(\"\n  recipient.locus: \"Observation.value\"\n";
    let errors = Mapping::from_source(&policy, SourceFile::new("bad.fhir.yaml", text))
        .unwrap_err()
        .render(policyc::diagnostic::Style::Human { color: false });
    insta::assert_snapshot!(errors);
}

fn claim(policy_path: &str, facts: &str, decisions: &[&str]) -> Value {
    let policy = common::policy(Path::new(policy_path));
    let source = common::source(Path::new(facts));
    let facts = policy
        .facts(&source, Format::from_name(&source.name))
        .unwrap();
    let prepared = policy
        .prepare(decisions, Options { explain: true })
        .unwrap();
    let det = prepared
        .evaluate(&facts, facts.as_of().unwrap(), None)
        .unwrap();
    let options = fhir::ClaimOptions {
        patient: Some("Patient/example".to_owned()),
        created: "2026-03-01T12:00:00Z".to_owned(),
        pre_auth_ref: "AUTH-1".to_owned(),
    };
    fhir::claim_response(&prepared.json(&det), &options).to_value()
}

fn review_code(claim: &Value) -> &str {
    claim["item"][0]["adjudication"][0]["extension"][0]["extension"][0]["valueCodeableConcept"]
        ["coding"][0]["code"]
        .as_str()
        .unwrap()
}

#[test]
fn the_claim_response_approves_denies_and_pends_with_reasons() {
    let irts = "policies/mn_irts.policy";
    let approved = claim(
        irts,
        "examples/irts/admission/admitted.json",
        &["admission"],
    );
    assert_eq!(review_code(&approved), "A1");
    assert_eq!(approved["preAuthRef"], "AUTH-1");
    assert_eq!(approved["outcome"], "complete");

    let denied = claim(
        irts,
        "examples/irts/admission/not_admitted_locus_level_4.json",
        &["admission"],
    );
    assert_eq!(review_code(&denied), "A3");
    assert!(denied.get("preAuthRef").is_none());
    let notes = denied["processNote"].to_string();
    assert!(
        notes.contains("Not met: Has a completed LOCUS assessment where a Level 5 is indicated (IRTS Admission Criteria, bullet 3)"),
        "{notes}"
    );

    let pended = claim(
        irts,
        "examples/irts/admission/undetermined_missing_locus_level.json",
        &["admission"],
    );
    assert_eq!(review_code(&pended), "A4");
    assert_eq!(pended["outcome"], "partial");
    assert!(
        pended["processNote"]
            .to_string()
            .contains("facts needed: recipient.locus.level")
    );
}

/// A CDS Hooks order-sign request with these prefetched resources.
fn hook(prefetch: Value) -> String {
    json!({
        "hook": "order-sign",
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "context": {
            "userId": "Practitioner/example",
            "patientId": "example-irts",
            "draftOrders": { "resourceType": "Bundle", "type": "collection", "entry": [] }
        },
        "prefetch": prefetch,
    })
    .to_string()
}

fn card_facts(detail: &str) -> Vec<String> {
    detail
        .lines()
        .filter_map(|l| l.strip_prefix("- `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_hook_without_prefetch_asks_for_exactly_what_is_still_needed() {
    let server = Server::start(&["--policies", "policies"]);
    let (status, body) = server.post_json("/cds-services/mn-irts-admission", &hook(json!({})));
    assert_eq!(status, 200, "{body}");
    let cards: Value = serde_json::from_str(&body).unwrap();
    let card = &cards["cards"][0];
    assert!(
        card["summary"]
            .as_str()
            .unwrap()
            .starts_with("Documentation needed")
    );
    // Exactly the facts the determination on no facts lists as missing.
    let (_, eval, _) = common::policyc(&[
        "eval",
        "policies/mn_irts.policy",
        "--decision",
        "admission",
        "--facts",
        "tests/fixtures/fhir/no_facts.json",
        "--as-of",
        "2026-03-01",
        "--format",
        "json",
    ]);
    let expected: Value = serde_json::from_str(&eval).unwrap();
    let expected: Vec<String> = expected["decisions"]["admission"]["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(card_facts(card["detail"].as_str().unwrap()), expected);
    let link = card["links"][0]["url"].as_str().unwrap();
    assert!(
        link.ends_with("/fhir/Questionnaire/mn-irts?decision=admission"),
        "{link}"
    );
    // The link is served.
    let path = link.split_once(&server.addr).unwrap().1;
    let (status, q) = server.request("GET", path, None, b"");
    assert_eq!(status, 200);
    assert!(q.contains("\"resourceType\": \"Questionnaire\""));

    // With the record prefetched, the facts it holds are no longer asked.
    let bundle = raw(Path::new("examples/fhir/irts_bundle.json"));
    let (_, body) = server.post_json(
        "/cds-services/mn-irts-admission",
        &hook(json!({ "all": bundle })),
    );
    let cards: Value = serde_json::from_str(&body).unwrap();
    let asked = card_facts(cards["cards"][0]["detail"].as_str().unwrap());
    assert!(
        !asked.contains(&"recipient.locus.level".to_owned()),
        "{asked:?}"
    );
    assert!(asked.contains(&"recipient.functional_assessment.completed".to_owned()));
}

#[test]
fn bad_hook_calls_get_errors_never_a_5xx() {
    let server = Server::start(&["--policies", "policies"]);
    let (status, body) = server.request("GET", "/cds-services", None, b"");
    assert_eq!(status, 200);
    let services: Value = serde_json::from_str(&body).unwrap();
    let ids: Vec<&str> = services["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"mn-irts-admission") && ids.contains(&"mt-imr-medical-necessity-select"));
    let cases: [(&str, &str, u16); 5] = [
        ("/cds-services/mn-irts-admission", "{", 400),
        (
            "/cds-services/mn-irts-admission",
            r#"{"hook": "order-sign"}"#,
            400,
        ),
        (
            "/cds-services/mn-irts-admission-select",
            &hook(json!({})),
            400,
        ),
        ("/cds-services/no-such-service", &hook(json!({})), 404),
        (
            "/cds-services/mn-irts-admission",
            &hook(json!({ "p": { "resourceType": "Patient", "birthDate": 7 } })),
            400,
        ),
    ];
    for (path, body, expected) in cases {
        let (status, text) = server.post_json(path, body);
        assert_eq!(status, expected, "{path} {body}: {text}");
        let error: Value = serde_json::from_str(&text).unwrap();
        assert!(error["error"]["code"].is_string(), "{text}");
    }
}

#[test]
fn the_evaluate_endpoint_takes_answers_and_gives_a_claim_response() {
    let server = Server::start(&["--policies", "policies"]);
    let policy = common::policy(Path::new("policies/mn_irts.policy"));
    let facts = raw(Path::new("examples/irts/admission/admitted.json"));
    let response = response_for(&policy, &facts, &["admission"]);
    let body = |facts: &str| {
        format!(r#"{{"facts": {facts}, "as_of": "2026-03-01", "decisions": ["admission"]}}"#)
    };
    let strip = |text: &str| {
        let mut v: Value = serde_json::from_str(text).unwrap();
        v.as_object_mut().unwrap().remove("decision_id");
        v
    };
    let (s1, from_facts) =
        server.post_json("/v1/policies/mn_irts/evaluate", &body(&facts.to_string()));
    let (s2, from_answers) = server.post_json("/v1/policies/mn_irts/evaluate", &body(&response));
    assert_eq!((s1, s2), (200, 200), "{from_answers}");
    assert_eq!(strip(&from_facts), strip(&from_answers));
    let (status, claim) = server.post_json(
        "/v1/policies/mn_irts/evaluate?format=fhir",
        &body(&facts.to_string()),
    );
    assert_eq!(status, 200);
    let claim: Value = serde_json::from_str(&claim).unwrap();
    assert_eq!(claim["resourceType"], "ClaimResponse");
    assert!(claim["preAuthRef"].is_string());
    let (status, _) = server.post_json(
        "/v1/policies/mn_irts/evaluate?format=xml",
        &body(&facts.to_string()),
    );
    assert_eq!(status, 400);
}

/// Writes every kind of generated document to a folder and runs the
/// independent validator (`tests/fhir/validate.py`: Python `fhir.resources`
/// R4B models and the CDS Hooks 2.0 JSON shapes) over it.
#[test]
fn every_generated_document_passes_an_independent_validator() {
    let dir = common::scratch("fhir", "validate");
    let write = |name: &str, json: &Value| {
        std::fs::write(dir.join(name), serde_json::to_string_pretty(json).unwrap()).unwrap();
    };
    for (policy_path, folder) in POLICIES {
        let policy = common::policy(Path::new(policy_path));
        let name = policy.latest().header().name.text.clone();
        write(
            &format!("q-{name}.json"),
            &fhir::questionnaire(&policy, policy.latest(), &[], fhir::DEFAULT_BASE).to_value(),
        );
        for (i, example) in examples(folder).iter().enumerate() {
            let response: Value =
                serde_json::from_str(&response_for(&policy, &raw(example), &[])).unwrap();
            write(&format!("qr-{name}-{i}.json"), &response);
            let decision = example
                .parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_str()
                .unwrap();
            let claim = claim(policy_path, example.to_str().unwrap(), &[decision]);
            write(&format!("cr-{name}-{i}.json"), &claim);
        }
    }
    let server = Server::start(&["--policies", "policies"]);
    let (_, discovery) = server.request("GET", "/cds-services", None, b"");
    write(
        "cds-discovery.json",
        &serde_json::from_str(&discovery).unwrap(),
    );
    let bundle = raw(Path::new("examples/fhir/irts_bundle.json"));
    for (i, prefetch) in [json!({}), json!({ "all": bundle })]
        .into_iter()
        .enumerate()
    {
        for service in [
            "mn-irts-admission",
            "mn-irts-eligible-recipient",
            "mt-imr-medical-necessity",
        ] {
            let (status, cards) =
                server.post_json(&format!("/cds-services/{service}"), &hook(prefetch.clone()));
            assert_eq!(status, 200, "{cards}");
            write(
                &format!("cds-cards-{service}-{i}.json"),
                &serde_json::from_str(&cards).unwrap(),
            );
        }
    }
    let check = std::process::Command::new("python3")
        .arg("tests/fhir/validate.py")
        .arg(&dir)
        .output();
    let required = std::env::var("POLICYC_FHIR_VALIDATOR").as_deref() == Ok("required");
    match check {
        Ok(out) if out.status.success() => {
            eprintln!("{}", String::from_utf8_lossy(&out.stdout));
        }
        Ok(out) => {
            let stderr = String::from_utf8_lossy(&out.stderr);
            if stderr.contains("No module named") && !required {
                eprintln!("fhir.resources or jsonschema is not installed: not validated");
            } else {
                panic!("generated FHIR does not validate:\n{stderr}");
            }
        }
        Err(e) => assert!(!required, "python3 cannot run: {e}"),
    }
}

#[test]
fn a_record_that_lists_itself_is_asked_to_a_bounded_depth() {
    let text = "policy p\n  title \"t\"\n  jurisdiction \"j\"\n  source \"s\"\n  effective 2020-01-01\n\nrecord Step { next: list of Step, done: boolean }\nfacts { first: Step }\ndecision steps: integer \"d\" cite \"s\" = count(first.next)\n";
    let policy = Policy::from_text("p.policy", text).unwrap();
    let q = fhir::questionnaire(&policy, policy.latest(), &[], fhir::DEFAULT_BASE).to_value();
    let mut asked = BTreeSet::new();
    answered_link_ids(&q["item"], &mut asked);
    // The outer record's fields, and whether its list has entries; not the
    // entries' own lists, without end.
    assert!(asked.contains("first.next:none"), "{asked:?}");
    assert!(
        asked.iter().all(|l| l.matches('.').count() <= 2),
        "{asked:?}"
    );
    // Facts nested deeper still read back from an answer.
    let facts =
        json!({ "as_of": "2026-01-01", "first": { "next": [{ "next": [{ "done": true }] }] } });
    let answered = read_response(&policy, &response_for(&policy, &facts, &[])).unwrap();
    assert_eq!(
        determination(&policy, &answered)["decisions"]["steps"]["value"],
        1
    );
}

#[test]
fn a_mapping_file_names_only_its_parts_and_boolean_decisions() {
    let policy = common::policy(Path::new("policies/mn_irts.policy"));
    let text = "prior_authorization: [admission, billing, no_such]\nfacts: {}\nprefetch: {}\n";
    let errors = Mapping::from_source(&policy, SourceFile::new("bad.fhir.yaml", text))
        .unwrap_err()
        .render(policyc::diagnostic::Style::Human { color: false });
    assert!(
        errors.contains("`billing` is not a boolean decision"),
        "{errors}"
    );
    assert!(
        errors.contains("`no_such` is not a boolean decision"),
        "{errors}"
    );
    assert!(!errors.contains("`admission` is not"), "{errors}");
    assert!(
        errors.contains("`prefetch` is not a part of a mapping file"),
        "{errors}"
    );
    let shipped = mapping(&policy, "policies/mn_irts.fhir.yaml");
    assert!(shipped.is_prior_authorization("authorization_request_complete"));
    assert!(!shipped.is_prior_authorization("admission"));
}
