//! `policyc serve` as a caller meets it: the binary started on a free
//! loopback port, spoken to over plain HTTP/1.1. The evaluate endpoint
//! answers what `policyc eval --format json` prints, every error has its
//! status and a JSON body, the decision log has a line per answer, and no
//! request, however malformed, gets a 5xx.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests fail loudly on purpose"
)]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::Server;

const EVALUATE: &str = "/v1/policies/mn_irts/evaluate";

/// An evaluation request for an example facts file: its facts, its as-of
/// date, and `extra` fields.
fn request_for(example: &str, extra: &str) -> String {
    let text = std::fs::read_to_string(example).unwrap();
    let mut facts: serde_json::Value = serde_json::from_str(&text).unwrap();
    let as_of = facts.as_object_mut().unwrap().remove("as_of").unwrap();
    format!(r#"{{"facts": {facts}, "as_of": {as_of}{extra}}}"#)
}

fn error_code(body: &str) -> String {
    let json: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("{body}"));
    json["error"]["code"].as_str().unwrap().to_owned()
}

/// A scratch folder for this test file.
fn scratch(name: &str) -> PathBuf {
    common::scratch("serve", name)
}

#[test]
fn evaluate_answers_what_eval_prints_byte_for_byte() {
    let server = Server::start(&["--policies", "policies"]);
    for example in [
        "examples/irts/admission/admitted.json",
        "examples/irts/admission/undetermined_missing_locus_level.json",
    ] {
        for (explain, flag) in [("", None), (r#", "explain": true"#, Some("--explain"))] {
            let (status, body) = server.post_json(EVALUATE, &request_for(example, explain));
            assert_eq!(status, 200, "{body}");
            let mut args = vec![
                "eval",
                "policies/mn_irts.policy",
                "--facts",
                example,
                "--format",
                "json",
            ];
            args.extend(flag);
            let (code, printed, _) = common::policyc(&args);
            assert_eq!(code, 0);
            // The one addition is the decision_id, the first key.
            let (first, rest) = body.split_once('\n').unwrap();
            let (id_line, rest) = rest.split_once('\n').unwrap();
            assert!(id_line.starts_with("  \"decision_id\": \""), "{id_line}");
            assert_eq!(format!("{first}\n{rest}"), printed, "{example} {explain}");
        }
    }
    // Some decisions only, as `--decision` does.
    let (status, body) = server.post_json(
        EVALUATE,
        &request_for(
            "examples/irts/admission/admitted.json",
            r#", "decisions": ["admission"]"#,
        ),
    );
    assert_eq!(status, 200);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    let decisions = json["decisions"].as_object().unwrap();
    assert_eq!(decisions.keys().collect::<Vec<_>>(), ["admission"]);
    assert_eq!(decisions["admission"]["value"], true);
}

#[test]
fn every_refusal_has_its_status_and_a_json_error() {
    let server = Server::start(&["--policies", "policies", "--max-body", "600"]);
    let admitted = request_for("examples/irts/admission/admitted.json", "");
    let small = r#"{"facts": {"recipient": {"homeless": true}}, "as_of": "2026-03-01"}"#;
    let cases: Vec<(&str, u16, &str, (u16, String))> = vec![
        (
            "unknown policy",
            404,
            "unknown_policy",
            server.post_json("/v1/policies/nope/evaluate", small),
        ),
        (
            "unknown path",
            404,
            "not_found",
            server.request("GET", "/v2/anything", None, b""),
        ),
        (
            "body over --max-body",
            413,
            "body_too_large",
            server.post_json(EVALUATE, &admitted),
        ),
        (
            "wrong content type",
            415,
            "unsupported_media_type",
            server.request("POST", EVALUATE, Some("text/plain"), small.as_bytes()),
        ),
        (
            "no content type",
            415,
            "unsupported_media_type",
            server.request("POST", EVALUATE, None, small.as_bytes()),
        ),
        (
            "not JSON",
            400,
            "invalid_body",
            server.post_json(EVALUATE, "{\"facts\": "),
        ),
        (
            "unknown field",
            400,
            "invalid_body",
            server.post_json(
                EVALUATE,
                r#"{"facts": {}, "as_of": "2026-03-01", "asof": 1}"#,
            ),
        ),
        (
            "no facts",
            400,
            "no_facts",
            server.post_json(EVALUATE, r#"{"as_of": "2026-03-01"}"#),
        ),
        (
            "a fact of the wrong type",
            400,
            "invalid_facts",
            server.post_json(
                EVALUATE,
                r#"{"facts": {"recipient": {"homeless": "yes"}}, "as_of": "2026-03-01"}"#,
            ),
        ),
        (
            "bad date",
            400,
            "invalid_date",
            server.post_json(EVALUATE, r#"{"facts": {}, "as_of": "03/01/2026"}"#),
        ),
        (
            "no as_of",
            422,
            "no_as_of",
            server.post_json(EVALUATE, r#"{"facts": {}}"#),
        ),
        (
            "before the policy",
            422,
            "not_in_force",
            server.post_json(EVALUATE, r#"{"facts": {}, "as_of": "2001-01-01"}"#),
        ),
    ];
    for (what, status, code, (got, body)) in cases {
        assert_eq!(got, status, "{what}: {body}");
        assert_eq!(error_code(&body), code, "{what}");
    }
    // The wrong-type error carries the located diagnostic, as the CLI's
    // `--error-format json` writes it.
    let (_, body) = server.post_json(
        EVALUATE,
        r#"{"facts": {"recipient": {"homeless": "yes"}}, "as_of": "2026-03-01"}"#,
    );
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        json["error"]["details"][0]["code"],
        "policyc::facts::wrong_type"
    );
    assert!(
        json["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("recipient.homeless")
    );
}

#[test]
fn unknown_decision_is_a_404() {
    let server = Server::start(&["--policies", "policies"]);
    let body = r#"{"facts": {}, "as_of": "2026-03-01", "decisions": ["admision"]}"#;
    let (status, text) = server.post_json(EVALUATE, body);
    assert_eq!(status, 404, "{text}");
    assert_eq!(error_code(&text), "unknown_decision");
    assert!(
        text.contains("admission"),
        "the decisions are listed: {text}"
    );
}

#[test]
fn the_decision_log_has_a_line_for_every_answer_and_no_facts_unless_asked() {
    let dir = scratch("log");
    let log = dir.join("decisions.ndjson");
    let server = Server::start(&[
        "--policies",
        "policies",
        "--decision-log",
        log.to_str().unwrap(),
    ]);
    let mut ids = Vec::new();
    for example in [
        "examples/irts/admission/admitted.json",
        "examples/irts/admission/not_admitted_locus_level_4.json",
    ] {
        let (status, body) = server.post_json(EVALUATE, &request_for(example, ""));
        assert_eq!(status, 200);
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        ids.push(json["decision_id"].as_str().unwrap().to_owned());
    }
    // A refused request is not a determination: no line.
    let (status, _) = server.post_json(EVALUATE, r#"{"facts": {}}"#);
    assert_eq!(status, 422);
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    for (line, id) in lines.iter().zip(&ids) {
        assert_eq!(line["decision_id"], id.as_str());
        assert_eq!(line["policy"], "mn_irts");
        assert_eq!(line["policy_sha256"].as_str().unwrap().len(), 64);
        assert_eq!(line["facts_sha256"].as_str().unwrap().len(), 64);
        assert!(
            line.get("facts").is_none(),
            "facts are not logged unless asked"
        );
    }
    assert_eq!(lines[0]["results"]["admission"]["value"], true);
    assert_eq!(lines[1]["results"]["admission"]["value"], false);
    assert_ne!(lines[0]["facts_sha256"], lines[1]["facts_sha256"]);
    // The digest is of canonical facts: key order and spacing do not count.
    for facts in [
        r#"{"recipient": {"homeless": true, "ma_eligible": false}}"#,
        r#"{ "recipient" : { "ma_eligible" : false ,"homeless":true } }"#,
    ] {
        let body = format!(r#"{{"facts": {facts}, "as_of": "2026-03-01"}}"#);
        assert_eq!(server.post_json(EVALUATE, &body).0, 200);
    }
    let text = std::fs::read_to_string(&log).unwrap();
    let digests: Vec<serde_json::Value> = text
        .lines()
        .skip(2)
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["facts_sha256"].clone())
        .collect();
    assert_eq!(digests.len(), 2);
    assert_eq!(digests[0], digests[1]);
    drop(server);

    // With --log-facts, the facts are there too; the file is appended to.
    let server = Server::start(&[
        "--policies",
        "policies",
        "--decision-log",
        log.to_str().unwrap(),
        "--log-facts",
    ]);
    let (status, _) = server.post_json(
        EVALUATE,
        &request_for("examples/irts/admission/admitted.json", ""),
    );
    assert_eq!(status, 200);
    let text = std::fs::read_to_string(&log).unwrap();
    let last: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(text.lines().count(), 5);
    assert_eq!(last["facts"]["recipient"]["locus"]["level"], 5);
    // Equal facts, equal digest, whatever the key order or spacing.
    assert_eq!(last["facts_sha256"], lines[0]["facts_sha256"]);
}

#[test]
fn a_server_without_a_writable_log_or_a_policy_does_not_start() {
    let (code, _, stderr) = common::policyc(&[
        "serve",
        "--policies",
        "policies",
        "--decision-log",
        "/nonexistent-folder/decisions.ndjson",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot write the decision log"), "{stderr}");
    let dir = scratch("broken");
    std::fs::write(dir.join("broken.policy"), "policy broken title").unwrap();
    let (code, _, stderr) = common::policyc(&["serve", "--policies", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("broken.policy"),
        "the failure is reported: {stderr}"
    );
    assert!(stderr.contains("serves none"), "{stderr}");
}

#[test]
fn a_broken_policy_is_reported_and_the_others_are_served() {
    let dir = scratch("mixed");
    std::fs::copy("policies/mt_imr.policy", dir.join("mt_imr.policy")).unwrap();
    std::fs::write(dir.join("broken.policy"), "policy broken title").unwrap();
    let server = Server::start(&["--policies", dir.to_str().unwrap()]);
    let (status, body) = server.request("GET", "/v1/policies", None, b"");
    assert_eq!(status, 200);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    let names: Vec<&str> = json["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["mt_imr"]);
}

#[test]
fn descriptions_and_schemas_are_those_describe_prints() {
    let server = Server::start(&["--policies", "policies"]);
    for name in ["mn_irts", "mt_imr", "nm_recovery_services"] {
        let path = format!("policies/{name}.policy");
        let (status, body) = server.request("GET", &format!("/v1/policies/{name}"), None, b"");
        assert_eq!(status, 200);
        assert_eq!(
            body,
            common::policyc(&["describe", &path, "--format", "json"]).1
        );
        let (status, body) =
            server.request("GET", &format!("/v1/policies/{name}/schema"), None, b"");
        assert_eq!(status, 200);
        assert_eq!(
            body,
            common::policyc(&["describe", &path, "--json-schema"]).1
        );
    }
    let (status, body) = server.request("GET", "/v1/policies", None, b"");
    assert_eq!(status, 200);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    let irts = &json["policies"][0];
    assert_eq!(irts["name"], "mn_irts");
    assert!(
        irts["decisions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d == "admission")
    );
    assert_eq!(irts["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(
        server.request("GET", "/healthz", None, b""),
        (200, "ok\n".to_owned())
    );
    assert_eq!(server.request("GET", "/readyz", None, b"").0, 200);
}

#[test]
fn batch_answers_what_eval_batch_writes() {
    let dir = scratch("batch");
    let input = dir.join("members.ndjson");
    let lines = [
        std::fs::read_to_string("examples/irts/admission/admitted.json")
            .unwrap()
            .replace('\n', " "),
        "not json".to_owned(),
        r#"{"recipient": {"homeless": true}}"#.to_owned(),
    ];
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let server = Server::start(&["--policies", "policies"]);
    let body = std::fs::read(&input).unwrap();
    let path = "/v1/policies/mn_irts/evaluate/batch?as_of=2026-03-01";
    let (status, answered) = server.request("POST", path, Some("application/x-ndjson"), &body);
    assert_eq!(status, 200);
    let (code, written, _) = common::policyc(&[
        "eval",
        "policies/mn_irts.policy",
        "--batch",
        input.to_str().unwrap(),
        "--as-of",
        "2026-03-01",
    ]);
    assert_eq!(code, 0);
    assert_eq!(answered, written);
    assert_eq!(answered.lines().count(), 3);
    let (status, body) = server.request("POST", path, Some("application/json"), &body);
    assert_eq!(
        (status, error_code(&body).as_str()),
        (415, "unsupported_media_type")
    );
}

#[test]
fn batch_determinations_are_logged_line_by_line() {
    let dir = scratch("batch_log");
    let log = dir.join("decisions.ndjson");
    let _ = std::fs::remove_file(&log);
    let server = Server::start(&[
        "--policies",
        "policies",
        "--decision-log",
        log.to_str().unwrap(),
    ]);
    let admitted = std::fs::read_to_string("examples/irts/admission/admitted.json")
        .unwrap()
        .replace('\n', " ");
    let body = format!("{admitted}\nnot json\n{admitted}\n");
    let path = "/v1/policies/mn_irts/evaluate/batch?decisions=admission";
    let (status, _) = server.request("POST", path, Some("application/x-ndjson"), body.as_bytes());
    assert_eq!(status, 200);
    // The same member through the single endpoint, for its digest.
    let (status, _) = server.post_json(
        EVALUATE,
        &request_for("examples/irts/admission/admitted.json", ""),
    );
    assert_eq!(status, 200);
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Two batch lines evaluated (the line that is not JSON is not a
    // determination), then the single one.
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(lines[0]["line"], 1);
    assert_eq!(lines[1]["line"], 3);
    assert_eq!(lines[0]["batch_id"], lines[1]["batch_id"]);
    assert_ne!(lines[0]["decision_id"], lines[1]["decision_id"]);
    assert_eq!(lines[0]["results"]["admission"]["value"], true);
    assert_eq!(
        lines[0]["decisions_asked"],
        serde_json::json!(["admission"])
    );
    assert_eq!(lines[0]["facts_sha256"], lines[2]["facts_sha256"]);
}

#[test]
fn a_kill_under_load_loses_no_line_whose_answer_was_sent() {
    let dir = scratch("kill");
    let log = dir.join("decisions.ndjson");
    let _ = std::fs::remove_file(&log);
    let mut server = Server::start(&[
        "--policies",
        "policies",
        "--decision-log",
        log.to_str().unwrap(),
    ]);
    let body = request_for("examples/irts/admission/admitted.json", "");
    let answered = std::sync::Mutex::new(Vec::new());
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                // Bounded: at most 200 requests per client.
                for _ in 0..200 {
                    if stop.load(std::sync::atomic::Ordering::SeqCst) {
                        break;
                    }
                    let mut stream = match TcpStream::connect(&server.addr) {
                        Ok(stream) => stream,
                        Err(_) => break,
                    };
                    let request = format!(
                        "POST {EVALUATE} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.write_all(request.as_bytes());
                    let mut response = String::new();
                    let _ = stream.read_to_string(&mut response);
                    if let Some((_, rest)) = response.split_once("\"decision_id\": \"") {
                        let id = rest.split('"').next().unwrap().to_owned();
                        answered.lock().unwrap().push(id);
                    }
                }
            });
        }
        // Kill the server hard once some answers are out, with requests
        // still in flight.
        while answered.lock().unwrap().len() < 40 {
            std::thread::sleep(Duration::from_millis(5));
        }
        server.child.kill().unwrap();
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
    });
    let _ = server.child.wait();
    let text = std::fs::read_to_string(&log).unwrap();
    let logged: std::collections::HashSet<&str> = text
        .lines()
        .filter_map(|l| l.split("\"decision_id\":\"").nth(1))
        .filter_map(|rest| rest.split('"').next())
        .collect();
    let answered = answered.into_inner().unwrap();
    assert!(answered.len() >= 40);
    for id in &answered {
        assert!(
            logged.contains(id.as_str()),
            "answered {id} but it is not in the log"
        );
    }
    // Every line is whole JSON, even the last one written before the kill.
    for line in text.lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap();
    }
}

/// The names served and each one's reload error, from `GET /v1/policies`.
fn served(server: &Server) -> Vec<(String, serde_json::Value)> {
    let (status, body) = server.request("GET", "/v1/policies", None, b"");
    assert_eq!(status, 200);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    json["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_owned(),
                p["reload_error"].clone(),
            )
        })
        .collect()
}

#[test]
fn a_reload_swaps_in_what_checks_and_keeps_the_last_good_version_of_what_does_not() {
    let dir = scratch("reload");
    let imr = dir.join("mt_imr.policy");
    let good = std::fs::read_to_string("policies/mt_imr.policy").unwrap();
    std::fs::write(&imr, &good).unwrap();
    let _ = std::fs::remove_file(dir.join("nm_recovery_services.policy"));
    let server = Server::start(&["--policies", dir.to_str().unwrap(), "--admin"]);
    assert_eq!(
        served(&server),
        [("mt_imr".to_owned(), serde_json::Value::Null)]
    );

    // The file breaks: the old version is still served, marked.
    std::fs::write(&imr, good.replace("decision", "decisoin")).unwrap();
    let (status, body) = server.request("POST", "/v1/admin/reload", None, b"");
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("mt_imr.policy"),
        "the failure is reported: {body}"
    );
    let now = served(&server);
    assert_eq!(now.len(), 1);
    assert!(now[0].1.as_str().is_some_and(|e| !e.is_empty()), "{now:?}");
    let evaluated = server.post_json(
        "/v1/policies/mt_imr/evaluate",
        r#"{"facts": {}, "as_of": "2026-03-01"}"#,
    );
    assert_eq!(evaluated.0, 200, "{}", evaluated.1);

    // Fixed, and a new policy added: both served, no error left. This time
    // by SIGHUP.
    std::fs::write(&imr, &good).unwrap();
    std::fs::copy(
        "policies/nm_recovery_services.policy",
        dir.join("nm_recovery_services.policy"),
    )
    .unwrap();
    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-HUP", &pid])
            .status()
            .unwrap()
            .success()
    );
    let mut now = Vec::new();
    for _ in 0..100 {
        now = served(&server);
        if now.len() == 2 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        now,
        [
            ("mt_imr".to_owned(), serde_json::Value::Null),
            ("nm_recovery_services".to_owned(), serde_json::Value::Null)
        ]
    );

    // Without --admin the endpoint does not exist.
    let closed = Server::start(&["--policies", dir.to_str().unwrap()]);
    let (status, body) = closed.request("POST", "/v1/admin/reload", None, b"");
    assert_eq!((status, error_code(&body).as_str()), (404, "not_found"));
}

#[test]
fn with_a_token_file_every_v1_request_needs_the_token() {
    let dir = scratch("token");
    let token_file = dir.join("token");
    std::fs::write(&token_file, "s3cret-token\n").unwrap();
    let server = Server::start(&[
        "--policies",
        "policies",
        "--token-file",
        token_file.to_str().unwrap(),
    ]);
    let (status, body) = server.request("GET", "/v1/policies", None, b"");
    assert_eq!((status, error_code(&body).as_str()), (401, "unauthorized"));
    let authorized = |path: &str, token: &str| {
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {token}\r\n\r\n"
        );
        server.raw(request.as_bytes()).0
    };
    assert_eq!(authorized("/v1/policies", "s3cret-token"), Some(200));
    assert_eq!(authorized("/v1/policies", "s3cret-tokem"), Some(401));
    assert_eq!(authorized("/v1/policies", "s3cret"), Some(401));
    // Health checks stay open for the orchestrator.
    assert_eq!(server.request("GET", "/healthz", None, b"").0, 200);
    std::fs::write(&token_file, "\n").unwrap();
    let (code, _, stderr) = common::policyc(&[
        "serve",
        "--policies",
        "policies",
        "--token-file",
        token_file.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is empty"), "{stderr}");
}

/// The reviewers' form body for an example: its facts and as-of date.
fn form_for(example: &str) -> String {
    let text = std::fs::read_to_string(example).unwrap();
    let mut facts: serde_json::Value = serde_json::from_str(&text).unwrap();
    let as_of = facts.as_object_mut().unwrap().remove("as_of").unwrap();
    let encode = |text: &str| -> String {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    format!(
        "facts={}&as_of={}",
        encode(&facts.to_string()),
        encode(as_of.as_str().unwrap())
    )
}

#[test]
fn the_reviewers_page_shows_each_determination_as_a_tree_with_a_checklist() {
    let server = Server::start(&["--policies", "policies"]);
    let (status, index) = server.request("GET", "/ui", None, b"");
    assert_eq!(status, 200);
    assert!(index.contains("href=\"/ui/mn_irts\""), "{index}");
    let (status, policy) = server.request("GET", "/ui/mn_irts", None, b"");
    assert_eq!(status, 200);
    assert!(policy.contains("<form method=\"post\" action=\"/ui/mn_irts\">"));
    assert!(
        policy.contains("recipient.locus.level"),
        "the facts each decision reads"
    );
    assert!(!policy.contains("<script"), "no script on the page");

    let form = "application/x-www-form-urlencoded";
    let post = |example: &str| {
        let (status, html) = server.request(
            "POST",
            "/ui/mn_irts",
            Some(form),
            form_for(example).as_bytes(),
        );
        assert_eq!(status, 200, "{html}");
        let start = html
            .find("id=\"decision-admission\"")
            .expect("the admission decision");
        let section = &html[start..];
        section[..section.find("</section>").unwrap()].to_owned()
    };
    let admitted = post("examples/irts/admission/admitted.json");
    assert!(admitted.contains("data-value=\"true\""), "{admitted}");
    assert!(admitted.contains("IRTS Admission Criteria"));
    assert!(admitted.contains("<span class=\"mark\">✓</span>"));
    assert!(!admitted.contains("Facts to document"));
    let missing = post("examples/irts/admission/undetermined_missing_locus_level.json");
    assert!(missing.contains("data-value=\"unknown\""), "{missing}");
    assert!(missing.contains("Facts to document"));
    assert!(
        missing.contains("☐ <code>recipient.locus.level</code>"),
        "{missing}"
    );
    assert!(missing.contains("<span class=\"mark\">?</span>"));
    let rejected = post_text(
        &server,
        "examples/irts/admission/not_admitted_locus_level_4.json",
    );
    assert!(rejected.contains("<span class=\"mark\">✗</span>"));

    // What a caller typed comes back escaped, never as markup.
    let hostile = "facts=%7B%22recipient%22%3A%7B%22homeless%22%3A%22%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%7D%7D&as_of=2026-03-01";
    let (status, html) = server.request("POST", "/ui/mn_irts", Some(form), hostile.as_bytes());
    assert_eq!(status, 200);
    assert!(!html.contains("<script>alert(1)"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)"), "{html}");
    assert!(html.contains("role=\"alert\""), "the facts error is shown");
    let (status, _) = server.request("GET", "/ui/nope", None, b"");
    assert_eq!(status, 404);
}

fn post_text(server: &Server, example: &str) -> String {
    let form = "application/x-www-form-urlencoded";
    server
        .request(
            "POST",
            "/ui/mn_irts",
            Some(form),
            form_for(example).as_bytes(),
        )
        .1
}

#[test]
fn metrics_count_requests_by_route_and_status_and_determinations_by_value() {
    let server = Server::start(&["--policies", "policies"]);
    let body = request_for(
        "examples/irts/admission/admitted.json",
        r#", "decisions": ["admission"]"#,
    );
    for _ in 0..3 {
        assert_eq!(server.post_json(EVALUATE, &body).0, 200);
    }
    assert_eq!(server.post_json(EVALUATE, r#"{"facts": {}}"#).0, 422);
    assert_eq!(server.request("GET", "/v1/policies/nope", None, b"").0, 404);
    let (status, text) = server.request("GET", "/metrics", None, b"");
    assert_eq!(status, 200);
    let has = |line: &str| text.lines().any(|l| l == line);
    assert!(
        has(
            r#"policyc_http_requests_total{route="/v1/policies/{policy}/evaluate",status="200"} 3"#
        ),
        "{text}"
    );
    assert!(
        has(
            r#"policyc_http_requests_total{route="/v1/policies/{policy}/evaluate",status="422"} 1"#
        ),
        "{text}"
    );
    assert!(
        has(
            r#"policyc_determinations_total{policy="mn_irts",decision="admission",value="true"} 3"#
        ),
        "{text}"
    );
    assert!(
        text.contains("policyc_http_request_duration_seconds_bucket"),
        "{text}"
    );
    // A path nobody routes is one label, however many paths are tried.
    assert!(
        text.contains(r#"route="/v1/policies/{policy}",status="404""#),
        "{text}"
    );
}

#[test]
fn requests_past_the_concurrency_limit_wait_their_turn() {
    let server = Server::start(&["--policies", "policies", "--max-concurrent", "1"]);
    let body = r#"{"facts": {}, "as_of": "2026-03-01"}"#;
    // The first caller sends its headers and holds back its body: it holds
    // the one place while its body is awaited.
    let mut slow = TcpStream::connect(&server.addr).unwrap();
    let head = format!(
        "POST {EVALUATE} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    slow.write_all(head.as_bytes()).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let (sender, answered) = std::sync::mpsc::channel();
    let addr = server.addr.clone();
    std::thread::spawn(move || {
        let mut stream = TcpStream::connect(&addr).unwrap();
        let _ =
            stream.write_all(b"GET /v1/policies HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        let mut response = String::new();
        let _ = stream.read_to_string(&mut response);
        let _ = sender.send(response);
    });
    // The second waits while the first holds the place ...
    assert!(answered.recv_timeout(Duration::from_millis(500)).is_err());
    // ... and is answered once the first is done.
    slow.write_all(body.as_bytes()).unwrap();
    let mut first = String::new();
    slow.read_to_string(&mut first).unwrap();
    assert!(first.starts_with("HTTP/1.1 200"), "{first}");
    let second = answered.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(second.starts_with("HTTP/1.1 200"), "{second}");
}

#[test]
fn the_openapi_document_lists_every_endpoint_and_validates() {
    let server = Server::start(&["--policies", "policies", "--admin"]);
    let (status, body) = server.request("GET", "/openapi.json", None, b"");
    assert_eq!(status, 200);
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    // Every documented operation is routed: each answers something other
    // than "no such endpoint" or "method not allowed".
    let mut operations = 0;
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            operations += 1;
            let concrete = path.replace("{policy}", "mn_irts");
            let (status, text) = server.request(&method.to_uppercase(), &concrete, None, b"");
            assert!(status != 405, "{method} {path}: {status}");
            assert!(
                status != 404 || !text.contains("\"not_found\""),
                "{method} {path} is documented but not routed"
            );
        }
    }
    assert_eq!(operations, 16);
    let evaluate = &paths["/v1/policies/{policy}/evaluate"]["post"];
    for status in ["200", "400", "404", "413", "415", "422"] {
        assert!(evaluate["responses"].get(status).is_some(), "{status}");
    }
    // An independent validator, when installed (`.ci/run` installs it):
    // Python's openapi-spec-validator.
    let dir = scratch("openapi");
    let file = dir.join("openapi.json");
    std::fs::write(&file, &body).unwrap();
    let check = Command::new("python3")
        .args([
            "-c",
            "import json, sys\nfrom openapi_spec_validator import validate\nvalidate(json.load(open(sys.argv[1])))",
        ])
        .arg(&file)
        .output();
    match check {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let missing = stderr.contains("No module named");
            if missing && std::env::var("POLICYC_OPENAPI_VALIDATOR").as_deref() != Ok("required") {
                eprintln!(
                    "openapi-spec-validator is not installed: the document was not validated"
                );
            } else {
                panic!("the OpenAPI document does not validate:\n{stderr}");
            }
        }
        Err(e) => {
            assert!(
                std::env::var("POLICYC_OPENAPI_VALIDATOR").as_deref() != Ok("required"),
                "python3 cannot run: {e}"
            );
        }
    }
}

#[test]
fn an_evaluation_past_the_time_limit_is_a_422_and_the_server_goes_on() {
    let server = Server::start(&[
        "--policies",
        "policies",
        "--timeout-ms",
        "1",
        "--max-body",
        "8388608",
    ]);
    let admitted = std::fs::read_to_string("examples/irts/admission/admitted.json")
        .unwrap()
        .replace('\n', " ");
    let body = format!("{admitted}\n").repeat(3000);
    let path = "/v1/policies/mn_irts/evaluate/batch?explain=true";
    let (status, text) =
        server.request("POST", path, Some("application/x-ndjson"), body.as_bytes());
    assert_eq!(
        (status, error_code(&text).as_str()),
        (422, "evaluation_timeout"),
        "{text}"
    );
    // A small request still fits in the limit... or is refused the same
    // way; either way the server answers, and never with a 5xx.
    let (status, _) = server.post_json(EVALUATE, r#"{"facts": {}, "as_of": "2026-03-01"}"#);
    assert!(status == 200 || status == 422, "{status}");
    assert_eq!(server.request("GET", "/healthz", None, b"").0, 200);
}

/// A small deterministic generator, so the run is the same every time.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

#[test]
fn random_requests_never_get_a_5xx() {
    let server = Server::start(&["--policies", "policies", "--max-body", "65536"]);
    let mut rng = Seeded(0x5eed_1234_abcd_0001);
    let methods = [
        "GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "G\u{0}T", "",
    ];
    let paths = [
        "/v1/policies/mn_irts/evaluate",
        "/v1/policies/mn_irts/evaluate/batch?as_of=2026-03-01",
        "/v1/policies/mn_irts/evaluate/batch?as_of=nope&explain=maybe",
        "/v1/policies/%ff%fe/evaluate",
        "/v1/policies/mn_irts/schema",
        "/v1/policies/../../etc/passwd",
        "/v1/policies",
        "/",
        "//",
        "/v1/policies/mn_irts/evaluate?x=1&x=2",
        "*",
        "/v1/policies/mn_irts/evaluate?format=fhir",
        "/cds-services",
        "/cds-services/mn-irts-admission",
        "/cds-services/mt-imr-medical-necessity-select",
        "/fhir/Questionnaire/mn-irts?decision=admission&decision=%00",
    ];
    let types = [
        "application/json",
        "application/x-ndjson",
        "text/plain",
        "application/json; charset=utf-8",
        "",
        "application/json\u{0}",
    ];
    let bodies = [
        "",
        "{",
        "null",
        "[]",
        r#"{"facts": null, "as_of": "2026-03-01"}"#,
        r#"{"facts": [], "as_of": "2026-03-01"}"#,
        r#"{"facts": {"recipient": {"locus": {"level": 1e400}}}, "as_of": "2026-03-01"}"#,
        r#"{"facts": {"recipient": {"birth_date": "2026-02-30"}}, "as_of": "2026-03-01", "explain": true}"#,
        r#"{"facts": {}, "as_of": "2026-03-01", "decisions": [1, 2]}"#,
        r#"{"facts": {}, "as_of": "9999-12-31", "date_of_service": "0000-01-01"}"#,
        "{\"facts\": {\"a\": \"\u{0}\"}, \"as_of\": \"2026-03-01\"}",
        "\u{feff}{}",
        "{\"facts\": {}, \"as_of\": \"2026-03-01\"}\n{}\n\n[]\n",
        r#"{"hook": "order-sign", "hookInstance": "x", "context": {}, "prefetch": {"a": {"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Encounter", "class": {"code": "IMP"}, "status": "finished", "period": {"start": 5}}}]}}}"#,
        r#"{"hook": "order-select", "hookInstance": "x", "context": {"selections": [1, {"resourceType": null}]}, "prefetch": {"p": {"resourceType": "Patient", "birthDate": "2000-13-45"}}}"#,
        r#"{"hook": "order-sign", "hookInstance": "x", "context": [], "prefetch": []}"#,
        r#"{"facts": {"resourceType": "QuestionnaireResponse", "item": [{"linkId": "recipient", "item": [{"linkId": "recipient.inpatient_hospitalizations", "item": {"x": 1}}]}]}, "as_of": "2026-03-01"}"#,
        r#"{"facts": {"resourceType": "QuestionnaireResponse", "item": [{"linkId": "recipient.homeless:none", "answer": [{"valueCoding": {}}]}, {"answer": 1}]}, "as_of": "2026-03-01"}"#,
    ];
    for round in 0..300 {
        let method = rng.pick(&methods);
        let path = rng.pick(&paths);
        let kind = rng.pick(&types);
        let mut body = rng.pick(&bodies).as_bytes().to_vec();
        if round % 7 == 0 {
            // Bytes that are not UTF-8, or a body far over the limit.
            body.extend_from_slice(&[0xff, 0xfe, 0x80]);
        }
        if round % 23 == 0 {
            body = vec![b'['; 70_000];
        }
        let mut request = format!("{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
        if !kind.is_empty() {
            request.push_str(&format!("Content-Type: {kind}\r\n"));
        }
        // Sometimes a wrong or missing length.
        match round % 5 {
            0 => {}
            1 if body.len() >= 5 => request.push_str("Content-Length: 5\r\n"),
            _ => request.push_str(&format!("Content-Length: {}\r\n", body.len())),
        }
        request.push_str("\r\n");
        let mut raw = request.into_bytes();
        raw.extend_from_slice(&body);
        let (status, text) = server.raw(&raw);
        if let Some(status) = status {
            assert!(
                status < 500,
                "round {round}: {status} for {method} {path}: {text}"
            );
        }
    }
    // Still serving.
    let (status, _) = server.post_json(
        EVALUATE,
        &request_for("examples/irts/admission/admitted.json", ""),
    );
    assert_eq!(status, 200);
}

#[test]
fn the_server_binds_to_loopback_by_default() {
    let (code, stdout, _) = common::policyc(&["serve", "--help"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("127.0.0.1:8080"), "{stdout}");
    assert!(Path::new("policies").is_dir());
}
