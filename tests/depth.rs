//! No input exhausts the stack: every construct that nests is bounded (the
//! parser's nesting scan, the expression depth, the depth of rules within
//! rules), each tried far past its limit through the binary, and the
//! deepest accepted policies evaluate and explain on batch threads.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail by panicking"
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

const HEADER: &str = "policy t title \"T\" jurisdiction \"J\" source \"S\" effective 2000-01-01\n";

/// A scratch folder of its own for each test.
fn scratch(name: &str) -> PathBuf {
    common::scratch("depth", name)
}

/// Runs `policyc args` in `dir`: exit code and stderr.
fn policyc(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_policyc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Checks a policy that must be rejected with `message`, not crash.
fn rejected(name: &str, body: &str, message: &str) {
    let dir = scratch(name);
    std::fs::write(dir.join("p.policy"), format!("{HEADER}{body}")).unwrap();
    let (code, _, stderr) = policyc(&dir, &["check", "p.policy"]);
    assert_eq!(code, Some(1), "{name}: {stderr}");
    assert!(stderr.contains(message), "{name}: {stderr}");
}

const NESTED: &str = "this is nested more than 48 deep";
const DEEP: &str = "this expression is more than 200 levels deep";

#[test]
fn every_nesting_construct_is_bounded() {
    let n = 5000;
    let facts = "facts { x: boolean, n: integer, xs: list of { ok: boolean } }\n";
    let decide = |expr: String| format!("{facts}decision d: boolean cite \"c\" = {expr}\n");
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "if_in_then",
            decide(format!(
                "{}true{}",
                "if x then ".repeat(n),
                " else false".repeat(n)
            )),
            NESTED,
        ),
        (
            "if_in_condition",
            decide(format!(
                "{}x{}",
                "if ".repeat(n),
                " then true else false".repeat(n)
            )),
            NESTED,
        ),
        (
            "list_of_list",
            format!("facts {{ x: {}integer }}\n", "list of ".repeat(80_000)),
            NESTED,
        ),
        (
            "brackets",
            decide(format!("{}x{}", "(".repeat(n), ")".repeat(n))),
            NESTED,
        ),
        ("not", decide(format!("{}x", "not ".repeat(100_000))), DEEP),
        (
            "unary_minus",
            decide(format!("{}n > 0", "- ".repeat(100_000))),
            DEEP,
        ),
        (
            "and_chain",
            decide(format!("{}x", "x and ".repeat(100_000))),
            DEEP,
        ),
        (
            "aggregates",
            decide(format!(
                "{}xs where ok{}",
                "exists(".repeat(n),
                ")".repeat(n)
            )),
            NESTED,
        ),
        (
            "criteria_lists",
            decide(format!("{}x{}", "all of { ".repeat(n), " }".repeat(n))),
            NESTED,
        ),
        (
            "records_in_records",
            format!(
                "facts {{ x: {}boolean{} }}\n",
                "{ a: ".repeat(n),
                " }".repeat(n)
            ),
            NESTED,
        ),
        (
            "tables",
            decide(format!(
                "{}true{}",
                "table first (x) { | any => ".repeat(n),
                " }".repeat(n)
            )),
            NESTED,
        ),
        (
            "in_sets",
            decide(format!("{}x{}", "x in [".repeat(n), "]".repeat(n))),
            NESTED,
        ),
        (
            "rules_within_rules",
            format!(
                "{facts}{}decision d: boolean cite \"c\" = r2999\n",
                (0..3000)
                    .map(|i| format!(
                        "rule r{i}: boolean = all of {{ {} }}\n",
                        if i == 0 {
                            "x".to_owned()
                        } else {
                            format!("r{}", i - 1)
                        }
                    ))
                    .collect::<String>()
            ),
            "more than 200 levels deep, counting the rules it uses",
        ),
    ];
    for (name, body, message) in cases {
        rejected(name, &body, message);
    }
}

#[test]
fn the_deepest_accepted_policies_evaluate_and_explain_on_batch_threads() {
    let rules: String = (0..60)
        .map(|i| {
            let used = if i == 0 {
                "x".to_owned()
            } else {
                format!("r{}", i - 1)
            };
            format!("rule r{i}: boolean \"rule {i}\" = all of {{ {used} }}\n")
        })
        .collect();
    let body = format!(
        "facts {{ x: boolean }}\n{rules}\
         decision chain: boolean cite \"c\" = {}r59\n\
         decision brackets: boolean cite \"c\" = {}x{}\n",
        "not ".repeat(70),
        "(".repeat(47),
        " and x)".repeat(47)
    );
    let dir = scratch("deepest");
    std::fs::write(dir.join("p.policy"), format!("{HEADER}{body}")).unwrap();
    std::fs::write(dir.join("f.json"), "{\"x\": true}").unwrap();
    let line = "{\"as_of\":\"2026-01-01\",\"x\":true}\n";
    std::fs::write(dir.join("b.ndjson"), line.repeat(64)).unwrap();
    for args in [
        &[
            "eval",
            "p.policy",
            "--facts",
            "f.json",
            "--as-of",
            "2026-01-01",
            "--explain",
        ][..],
        &[
            "eval",
            "p.policy",
            "--facts",
            "f.json",
            "--as-of",
            "2026-01-01",
            "--explain",
            "--format",
            "json",
        ],
        &[
            "eval",
            "p.policy",
            "--batch",
            "b.ndjson",
            "--explain",
            "--threads",
            "2",
        ],
    ] {
        let (code, stdout, stderr) = policyc(&dir, args);
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        assert!(
            stdout.contains("chain") && stdout.contains("brackets"),
            "{args:?}"
        );
    }
}

/// Nested aggregates and episodes at the nesting limit parse in one pass:
/// the grammar once read each failed `count(`/`episode(` again as a call,
/// doubling the work per level (40 levels: longer than anyone waits). The
/// bound here is a hang detector, not a speed target.
#[test]
fn nested_aggregates_and_episodes_are_read_once() {
    let facts = "record S { a: date, b: date }\nfacts { xs: list of integer, ss: list of S }\n";
    let cases = [
        (
            "count",
            format!("{}xs{}", "count(".repeat(45), ")".repeat(45)),
        ),
        (
            "count_unfinished",
            format!("{}xs where{}", "count(".repeat(45), ")".repeat(45)),
        ),
        (
            "episode_unfinished",
            format!("{}ss{}", "episode(".repeat(45), ")".repeat(45)),
        ),
        (
            "sum_of",
            format!("{}it{}", "sum(".repeat(45), " of xs)".repeat(45)),
        ),
    ];
    for (name, expr) in cases {
        let dir = scratch(&format!("read_once_{name}"));
        let text = format!("{HEADER}{facts}decision d: integer cite \"c\" = {expr}\n");
        std::fs::write(dir.join("p.policy"), text).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_policyc"))
            .args(["check", "p.policy"])
            .current_dir(&dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > std::time::Duration::from_secs(30) {
                let _ = child.kill();
                panic!("{name}: `policyc check` still parsing after 30 s");
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        };
        // Each is an error (types or syntax) or fine; what matters is that
        // it ends, with a code, not a signal.
        assert!(status.code().is_some(), "{name}: {status:?}");
    }
}
