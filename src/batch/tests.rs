//! Unit tests of batch evaluation: error lines, order across chunk
//! boundaries, and the summary.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail loudly on purpose"
)]

use super::*;
// Result lines read back as serde_json reads them.
use serde_json::Value as Json;

const POLICY: &str = r#"
policy adult
  title "Adults" jurisdiction "Example" source "Example manual" effective 2020-01-01
facts { birth_date: date }
decision adult: boolean "Is age 18 years or older" cite "Eligibility" =
  age(birth_date) >= 18
"#;

fn policy() -> Policy {
    Policy::from_text("adult.policy", POLICY).expect("checks")
}

fn run(input: &str, chunk_lines: usize, threads: usize) -> (String, Summary) {
    let policy = policy();
    let batch = Batch::new(&policy, Options::default()).expect("batch");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool");
    let mut out = Vec::new();
    let summary = Runner::new(&batch, &pool)
        .chunk_lines(chunk_lines)
        .run(input.as_bytes(), &mut out, |_| {})
        .expect("runs");
    (String::from_utf8(out).expect("utf-8"), summary)
}

fn lines(text: &str) -> Vec<Json> {
    text.lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}

const INPUT: &str = concat!(
    r#"{"as_of": "2026-03-01", "birth_date": "2000-05-01"}"#,
    "\n",
    r#"{"as_of": "2026-03-01", "birth_date": "2015-05-01", "extra": 1}"#,
    "\n",
    "\n",
    r#"{"as_of": "2026-03-01""#,
    "\n",
    r#"{"birth_date": "2000-05-01"}"#,
    "\r\n",
    r#"{"as_of": "2019-03-01", "birth_date": 3}"#,
    "\n",
    r#"{"as_of": "2026-03-01"}"#,
);

#[test]
fn one_result_per_line_in_order() {
    let (text, summary) = run(INPUT, 2, 3);
    let out = lines(&text);
    assert_eq!(out.len(), 7);
    for (index, line) in out.iter().enumerate() {
        assert_eq!(line["line"], index as u64 + 1);
    }
    assert_eq!(out[0]["decisions"]["adult"]["value"], true);
    assert_eq!(out[1]["decisions"]["adult"]["value"], false);
    assert_eq!(out[1]["warnings"].as_array().map(Vec::len), Some(1));
    assert!(out[2]["error"].as_str().unwrap().starts_with("blank line"));
    assert!(out[3]["error"].as_str().unwrap().contains("not valid JSON"));
    assert!(
        out[4]["error"]
            .as_str()
            .unwrap()
            .starts_with("no as-of date")
    );
    assert!(out[5]["error"].as_str().unwrap().contains("birth_date"));
    assert_eq!(out[6]["decisions"]["adult"]["value"], "unknown");
    assert_eq!((summary.records, summary.errors), (7, 4));
    assert_eq!(
        summary.to_string(),
        "7 records: 3 evaluated, 4 errors\nadult: true 1, false 1, unknown 1\n"
    );
}

#[test]
fn chunk_size_and_threads_do_not_change_the_output() {
    let (expected, _) = run(INPUT, CHUNK_LINES, 1);
    for (chunk, threads) in [(1, 2), (3, 4), (7, 2)] {
        assert_eq!(run(INPUT, chunk, threads).0, expected);
    }
}

#[test]
fn a_date_no_version_covers_is_an_error_line() {
    let (text, _) = run(r#"{"as_of": "2019-03-01"}"#, 4, 1);
    assert_eq!(
        text,
        "{\"line\":1,\"error\":\"no version of the policy is in force on 2019-03-01\"}\n"
    );
}

#[test]
fn several_problems_are_listed_in_details() {
    let (text, _) = run(r#"{"as_of": 5, "birth_date": true}"#, 4, 1);
    let out = lines(&text);
    assert_eq!(out[0]["details"].as_array().map(Vec::len), Some(2));
    assert_eq!(out[0]["error"], out[0]["details"][0]);
}

#[test]
fn unknown_decisions_are_refused_up_front() {
    let policy = policy();
    let options = Options {
        decisions: vec!["adlt".into()],
        ..Options::default()
    };
    assert_eq!(
        Batch::new(&policy, options).err(),
        Some(UnknownDecision {
            name: "adlt".into()
        })
    );
}

#[test]
fn invalid_utf8_is_an_error_line() {
    let policy = policy();
    let batch = Batch::new(&policy, Options::default()).expect("batch");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let mut out = Vec::new();
    Runner::new(&batch, &pool)
        .run(&b"\xff\xfe\n"[..], &mut out, |_| {})
        .expect("runs");
    assert_eq!(
        String::from_utf8(out).expect("utf-8"),
        "{\"line\":1,\"error\":\"the line is not UTF-8 text\"}\n"
    );
}
