//! No lost file and no silent write failure: every file policyc writes is
//! replaced whole or not at all, and every failed write of its output is
//! reported; each test runs the real binary as a user would.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail by panicking"
)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const POLICY: &str = "policies/mn_irts.policy";

fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_policyc")
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A scratch folder of its own for each test.
fn scratch(name: &str) -> PathBuf {
    common::scratch("writes", name)
}

fn run(args: &[&str]) -> Output {
    Command::new(binary())
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// `lines` generated members as NDJSON, each with its own as-of date.
fn members(dir: &Path, lines: usize) -> PathBuf {
    let mut text = String::new();
    for i in 0..lines {
        text.push_str(&format!(
            "{{\"as_of\":\"2026-03-01\",\"recipient\":{{\"homeless\":{}}}}}\n",
            i % 2 == 0
        ));
    }
    let path = dir.join("members.ndjson");
    std::fs::write(&path, text).unwrap();
    path
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn fmt_under_a_file_size_limit_keeps_the_original_and_says_so() {
    let dir = scratch("fmt_limit");
    let original = std::fs::read_to_string(root().join(POLICY)).unwrap();
    // Out of the canonical layout, so fmt must rewrite all 43 KB of it.
    let messy = original.replacen("  title", "       title", 1);
    let path = dir.join("a.policy");
    std::fs::write(&path, &messy).unwrap();
    // 8 blocks of 1 KiB: far less than the file.
    let script = format!("ulimit -f 8; exec {} fmt {}", binary(), path.display());
    let out = Command::new("sh").args(["-c", &script]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let words = stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("the file was left as it was"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), messy);
    assert_eq!(files_in(&dir), ["a.policy"], "no temporary file is left");
}

#[test]
fn batch_refuses_to_write_over_its_input_by_any_name() {
    let dir = scratch("same_file");
    let input = members(&dir, 10);
    let before = std::fs::read(&input).unwrap();
    let link = dir.join("link.ndjson");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&input, &link).unwrap();
    let (input, link) = (input.to_str().unwrap(), link.to_str().unwrap());
    for (batch, output) in [(input, input), (link, input), (input, link)] {
        let out = run(&["eval", POLICY, "--batch", batch, "--output", output]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("is the input file"), "{stderr}");
    }
    // The input given on standard input, redirected from the same file.
    let out = Command::new(binary())
        .args(["eval", POLICY, "--batch", "-", "--output", input])
        .current_dir(root())
        .stdin(std::fs::File::open(input).unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(input).unwrap(), before);
}

#[test]
fn a_killed_batch_leaves_no_output_file_and_keeps_an_old_one() {
    let dir = scratch("killed");
    let output = dir.join("results.ndjson");
    for old in [None, Some("old results\n")] {
        if let Some(text) = old {
            std::fs::write(&output, text).unwrap();
        }
        let mut child = Command::new(binary())
            .args(["eval", POLICY, "--batch", "-", "--output"])
            .arg(&output)
            .current_dir(root())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        for _ in 0..10_000 {
            stdin
                .write_all(b"{\"as_of\":\"2026-03-01\",\"recipient\":{}}\n")
                .unwrap();
        }
        stdin.flush().unwrap();
        // The run waits for more input; it is killed before it can finish.
        std::thread::sleep(Duration::from_millis(300));
        child.kill().unwrap();
        child.wait().unwrap();
        match old {
            None => assert!(!output.exists(), "a killed run left {output:?}"),
            Some(text) => assert_eq!(std::fs::read_to_string(&output).unwrap(), text),
        }
    }
}

#[test]
fn failed_writes_to_standard_output_are_errors() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    let facts = "examples/irts/admission/admitted.json";
    let commands: [&[&str]; 5] = [
        &["eval", POLICY, "--facts", facts, "--format", "json"],
        &["describe", "--json-schema", POLICY],
        &["check", POLICY],
        &["test", "policies/mt_imr.cases.yaml"],
        &["eval", POLICY, "--batch", "tests/bad_inputs/valid.json"],
    ];
    for args in commands {
        let out = Command::new(binary())
            .args(args)
            .current_dir(root())
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("No space left on device"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn a_closed_pipe_ends_quietly_with_the_sigpipe_status() {
    let dir = scratch("pipe");
    let input = members(&dir, 50_000);
    let mut child = Command::new(binary())
        .args(["eval", POLICY, "--batch"])
        .arg(&input)
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader is dropped here, as `| head -1` does.
    let out = child.wait_with_output().unwrap();
    assert!(first.starts_with("{\"line\":1,"), "{first}");
    assert_eq!(out.status.code(), Some(141));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn an_over_long_line_is_an_error_line_and_the_run_goes_on() {
    let dir = scratch("long_line");
    let long = format!(
        "{{\"as_of\":\"2026-03-01\",\"recipient\":{{\"county\":\"{}\"}}}}",
        "x".repeat(5000)
    );
    let ok = "{\"as_of\":\"2026-03-01\",\"recipient\":{}}";
    let input = dir.join("in.ndjson");
    std::fs::write(&input, format!("{ok}\n{long}\n{ok}\n")).unwrap();
    let output = dir.join("out.ndjson");
    let out = run(&[
        "eval",
        POLICY,
        "--batch",
        input.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
        "--max-line-bytes",
        "1000",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let results = std::fs::read_to_string(&output).unwrap();
    let lines: Vec<&str> = results.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(
        lines[0].starts_with("{\"line\":1,\"policy\""),
        "{}",
        lines[0]
    );
    assert_eq!(
        lines[1],
        "{\"line\":2,\"error\":\"the line is longer than 1000 bytes, the most a line may hold; \
         raise the limit with --max-line-bytes\"}"
    );
    assert!(
        lines[2].starts_with("{\"line\":3,\"policy\""),
        "{}",
        lines[2]
    );
}

#[test]
fn too_many_threads_are_cut_back_with_a_warning() {
    let out = run(&[
        "eval",
        POLICY,
        "--batch",
        "tests/bad_inputs/valid.json",
        "--as-of",
        "2026-03-01",
        "--threads",
        "18446744073709551615",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let cores = std::thread::available_parallelism().unwrap().get();
    assert!(
        stderr.starts_with(&format!(
            "warning: --threads 18446744073709551615 is more than this machine can use; using {} ",
            cores * 4
        )),
        "{stderr}"
    );
}
