#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail loudly on purpose"
)]

//! `policyc eval --batch`: one result line per input line, in order, equal to
//! what a single `eval` gives; byte-identical whatever the thread count;
//! standard input; exit codes.

mod common;

use serde_json::Value as Json;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const POLICY: &str = "policies/mn_irts.policy";
const EXAMPLES: &str = "examples/irts/admission";

/// The JSON admission examples, sorted by name.
fn examples() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(EXAMPLES)
        .expect("examples folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
}

/// One example as a compact JSON line.
fn compact(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("example");
    let json: Json = serde_json::from_str(&text).expect("example is JSON");
    json.to_string()
}

/// A batch line: an example (by index), or a corrupted line and the start of
/// the error message it must give.
enum Line {
    Example(usize),
    Bad(String, &'static str),
}

/// About 50 lines: the examples five times over, with corrupted lines mixed in.
fn lines(examples: &[PathBuf]) -> Vec<Line> {
    let no_as_of = {
        let mut json: Json = serde_json::from_str(&compact(&examples[0])).expect("json");
        json.as_object_mut().expect("object").remove("as_of");
        json.to_string()
    };
    let mut lines: Vec<Line> = (0..examples.len() * 5)
        .map(|i| Line::Example(i % examples.len()))
        .collect();
    let bad = [
        (
            3,
            r#"{"as_of": "2026-03-01", "recipient": "#.to_owned(),
            "the line is not valid JSON",
        ),
        (
            11,
            r#"{"as_of": "2026-03-01", "recipient": {"homeless": "yes"}}"#.to_owned(),
            "recipient.homeless: expected a boolean",
        ),
        (20, String::new(), "blank line"),
        (33, no_as_of, "no as-of date"),
    ];
    for (at, text, message) in bad {
        lines.insert(at, Line::Bad(text, message));
    }
    lines
}

/// Writes the batch input to a file of its own and returns its path.
fn input_file(name: &str, lines: &[Line], examples: &[PathBuf]) -> PathBuf {
    let text: String = lines
        .iter()
        .map(|line| match line {
            Line::Example(i) => compact(&examples[*i]) + "\n",
            Line::Bad(text, _) => format!("{text}\n"),
        })
        .collect();
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, text).expect("write batch");
    path
}

/// What a single `eval --format json` gives for a file, as JSON.
fn single(path: &Path, extra: &[&str]) -> Json {
    let path = path.to_str().expect("utf-8 path");
    let mut args = vec!["eval", POLICY, "--facts", path, "--format", "json"];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = common::policyc(&args);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).expect("json")
}

/// Checks every output line against its input line.
fn check_output(stdout: &str, lines: &[Line], singles: &[Json]) {
    let out: Vec<&str> = stdout.lines().collect();
    assert_eq!(out.len(), lines.len(), "one output line per input line");
    for (index, (text, line)) in out.iter().zip(lines).enumerate() {
        let mut json: Json = serde_json::from_str(text).expect("each line is JSON");
        let object = json.as_object_mut().expect("object");
        assert_eq!(object.remove("line"), Some(Json::from(index + 1)), "{text}");
        match line {
            Line::Example(i) => assert_eq!(json, singles[*i], "line {}", index + 1),
            Line::Bad(_, message) => {
                let error = object["error"].as_str().expect("an error line");
                assert!(error.starts_with(message), "line {}: {error}", index + 1);
                assert_eq!(object.len(), 1, "{text}");
            }
        }
    }
}

#[test]
fn results_match_single_evaluation_line_by_line() {
    let examples = examples();
    let lines = lines(&examples);
    let input = input_file("match.ndjson", &lines, &examples);
    for extra in [&[][..], &["--decision", "admission", "--explain"][..]] {
        let singles: Vec<Json> = examples.iter().map(|p| single(p, extra)).collect();
        let mut args = vec!["eval", POLICY, "--batch", input.to_str().expect("path")];
        args.extend_from_slice(extra);
        let (code, stdout, stderr) = common::policyc(&args);
        assert_eq!(code, 0, "{stderr}");
        check_output(&stdout, &lines, &singles);
        assert!(
            stderr.starts_with("54 records: 50 evaluated, 4 errors\n"),
            "{stderr}"
        );
        assert!(stderr.contains("\nadmission: "), "{stderr}");
    }
}

#[test]
fn output_is_byte_identical_whatever_the_thread_count() {
    let examples = examples();
    let lines = lines(&examples);
    let input = input_file("threads.ndjson", &lines, &examples);
    let run = |threads: &str| {
        let input = input.to_str().expect("path");
        let args = ["eval", POLICY, "--batch", input, "--threads", threads];
        let (code, stdout, stderr) = common::policyc(&args);
        assert_eq!(code, 0, "{stderr}");
        stdout
    };
    let one = run("1");
    assert_eq!(one.lines().count(), lines.len());
    assert_eq!(run("2"), one);
    assert_eq!(run("2"), one);
    assert_eq!(run("1"), one);
}

#[test]
fn reads_standard_input_and_writes_an_output_file() {
    let examples = examples();
    let lines = lines(&examples);
    let input = input_file("stdin.ndjson", &lines, &examples);
    let (_, from_file, _) = common::policyc(&["eval", POLICY, "--batch", input.to_str().unwrap()]);
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("stdin.out.ndjson");
    let mut child = Command::new(env!("CARGO_BIN_EXE_policyc"))
        .args([
            "eval",
            POLICY,
            "--batch",
            "-",
            "--output",
            out.to_str().unwrap(),
        ])
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let text = std::fs::read(&input).expect("input");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&text)
        .expect("write stdin");
    let output = child.wait_with_output().expect("finishes");
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty(), "results go to --output");
    assert_eq!(
        std::fs::read_to_string(&out).expect("output file"),
        from_file
    );
}

#[test]
fn summary_is_json_with_error_format_json() {
    let examples = examples();
    let lines = lines(&examples);
    let input = input_file("summary.ndjson", &lines, &examples);
    let args = [
        "--error-format",
        "json",
        "eval",
        POLICY,
        "--batch",
        input.to_str().unwrap(),
        "--decision",
        "admission",
    ];
    let (code, _, stderr) = common::policyc(&args);
    assert_eq!(code, 0);
    let summary: Json = serde_json::from_str(stderr.trim()).expect("one JSON object");
    assert_eq!(summary["records"], 54);
    assert_eq!(summary["errors"], 4);
    let counts = summary["decisions"]["admission"]
        .as_object()
        .expect("counts");
    assert_eq!(
        counts.values().map(|n| n.as_u64().unwrap()).sum::<u64>(),
        50
    );
}

#[test]
fn exit_codes() {
    let examples = examples();
    let input = input_file("codes.ndjson", &lines(&examples), &examples);
    let input = input.to_str().unwrap();
    let facts = examples[0].to_str().unwrap();
    let code = |args: &[&str]| common::policyc(args).0;
    assert_eq!(
        code(&["eval", POLICY, "--batch", input, "--facts", facts]),
        2
    );
    assert_eq!(code(&["eval", POLICY, "--batch", "no/such.ndjson"]), 2);
    assert_eq!(
        code(&["eval", POLICY, "--batch", input, "--decision", "admision"]),
        2
    );
    assert_eq!(
        code(&["eval", POLICY, "--output", "x.ndjson", "--facts", facts]),
        2
    );
    assert_eq!(
        code(&["eval", POLICY, "--batch", input, "--threads", "0"]),
        2
    );
    let bad_policy = "tests/fixtures/check/duplicate_rule.policy";
    assert_eq!(code(&["eval", bad_policy, "--batch", input]), 1);
}
