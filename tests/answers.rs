//! Answers an outside adversarial test found wrong, each checked through the
//! binary as a user would run it: ranges through arithmetic, sums that fit,
//! decimals that keep their significant digits, lengths of time compared by
//! length, `it` reserved, versions that could
//! never apply, and `--as-of today` in the machine's time zone.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail by panicking"
)]

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

const HEADER: &str = "policy t title \"T\" jurisdiction \"J\" source \"S\" effective 2000-01-01\n";

/// A scratch folder of its own for each test.
fn scratch(name: &str) -> PathBuf {
    common::scratch("answers", name)
}

/// Writes the policy (after the header) and facts, and runs `eval` as of
/// 2026-01-01 with JSON output.
fn eval(name: &str, policy: &str, facts: &str) -> serde_json::Value {
    let dir = scratch(name);
    std::fs::write(dir.join("p.policy"), format!("{HEADER}{policy}")).unwrap();
    std::fs::write(dir.join("f.json"), facts).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_policyc"))
        .args([
            "eval",
            "p.policy",
            "--facts",
            "f.json",
            "--as-of",
            "2026-01-01",
        ])
        .args(["--format", "json"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Runs `check` on a policy that must fail; its stderr, words joined by single spaces.
fn check_fails(name: &str, policy: &str) -> String {
    let dir = scratch(name);
    std::fs::write(dir.join("p.policy"), format!("{HEADER}{policy}")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_policyc"))
        .args(["check", "p.policy"])
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // Help text is wrapped to the terminal width: compare words.
    let stderr = String::from_utf8_lossy(&out.stderr);
    stderr.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn value<'a>(result: &'a serde_json::Value, decision: &str) -> &'a serde_json::Value {
    &result["decisions"][decision]["value"]
}

#[test]
fn arithmetic_carries_the_range_of_a_count() {
    // The count is 2 or 3 (the second entry's `ok` is missing).
    let result = eval(
        "ranges",
        "record S { ok: boolean }\nfacts { xs: list of S }\n\
         decision negated: boolean cite \"x\" = -count(xs where ok) >= 1\n\
         decision negated_low: boolean cite \"x\" = -count(xs where ok) <= -2\n\
         decision doubled: boolean cite \"x\" = count(xs where ok) * 2 - 1 >= 3\n\
         decision open: boolean cite \"x\" = count(xs where ok) + 1 >= 4\n\
         decision times_minus: boolean cite \"x\" = count(xs where ok) * -1 > -2\n\
         decision difference: boolean cite \"x\" = count(xs where ok) - count(xs where ok) <= 1\n\
         decision zero: boolean cite \"x\" = count(xs where ok) * 0 = 0\n",
        r#"{"xs":[{"ok":true},{},{"ok":true}]}"#,
    );
    assert_eq!(value(&result, "negated"), false);
    assert_eq!(value(&result, "negated_low"), true);
    assert_eq!(value(&result, "doubled"), true);
    assert_eq!(value(&result, "open"), "unknown");
    assert_eq!(
        result["decisions"]["open"]["missing"],
        serde_json::json!(["xs[1].ok"])
    );
    assert_eq!(value(&result, "times_minus"), false);
    // [2, 3] - [2, 3] is [-1, 1]: each count is open on its own.
    assert_eq!(value(&result, "difference"), true);
    assert_eq!(value(&result, "zero"), true);
}

#[test]
fn a_sum_that_fits_is_not_an_overflow_whatever_the_order() {
    let result = eval(
        "sum",
        "facts { ns: list of integer }\n\
         decision total: integer cite \"x\" = sum(it of ns)\n",
        r#"{"ns":[9223372036854775807, 1, -5]}"#,
    );
    assert_eq!(value(&result, "total"), 9223372036854775803i64);
}

#[test]
fn decimals_keep_significant_digits_however_small() {
    let result = eval(
        "decimal",
        "facts { m: decimal, n: decimal }\n\
         decision tiny_is_positive: boolean cite \"x\" = m / n > 0\n\
         decision more_than_28_places: boolean cite \"x\" =\n\
           1 / 30000000000 > 0.0000000000333333333333333333\n\
         decision round_trip: boolean cite \"x\" =\n\
           (1 / 30000000000) * 30000000000 > 0.99999999999999999999999999999\n",
        r#"{"m": 0.000001, "n": 1e24}"#,
    );
    assert_eq!(value(&result, "tiny_is_positive"), true);
    assert_eq!(value(&result, "more_than_28_places"), true);
    assert_eq!(value(&result, "round_trip"), true);
    let message = check_fails(
        "decimal_literal",
        "decision d: boolean cite \"x\" = 1.234567890123456789012345678901234567890 > 1\n",
    );
    assert!(
        message.contains("more than 38 significant digits"),
        "{message}"
    );
}

#[test]
fn lengths_of_time_compare_by_length() {
    let result = eval(
        "lengths",
        "facts { x: boolean }\n\
         decision week: boolean cite \"x\" = 1 week = 7 days\n\
         decision year: boolean cite \"x\" = 1 year = 12 months\n\
         decision shorter: boolean cite \"x\" = 2 weeks < 15 days\n\
         decision longer: boolean cite \"x\" = 1 year > 13 months\n",
        "{}",
    );
    assert_eq!(value(&result, "week"), true);
    assert_eq!(value(&result, "year"), true);
    assert_eq!(value(&result, "shorter"), true);
    assert_eq!(value(&result, "longer"), false);
    let stderr = check_fails(
        "days_vs_months",
        "facts { x: boolean }\ndecision d: boolean cite \"x\" = 30 days = 1 month\n",
    );
    assert!(
        stderr.contains("a month has no fixed number of days"),
        "{stderr}"
    );
}

#[test]
fn it_cannot_name_anything_declared() {
    for (name, policy, what) in [
        (
            "field",
            "record R { it: integer, n: integer }\nfacts { rs: list of R }\n",
            "a record field",
        ),
        ("fact", "facts { it: integer }\n", "a fact"),
        (
            "rule",
            "facts { x: integer }\nrule it = x\n",
            "a rule or decision",
        ),
        (
            "enum",
            "enum E { a, it }\nfacts { x: E }\n",
            "an enum value",
        ),
    ] {
        let stderr = check_fails(&format!("it_{name}"), policy);
        assert!(
            stderr.contains(&format!("`it` cannot be the name of {what}")),
            "{name}: {stderr}"
        );
    }
}

#[test]
fn versions_that_can_never_apply_are_errors() {
    let stderr = check_fails(
        "version_at_the_end_of_time",
        "facts { x: boolean }\n\
         version \"a\" effective 2000-01-01 until 9999-12-31 { decision d: boolean cite \"x\" = x }\n\
         version \"b\" effective 9999-12-31 { decision d: boolean cite \"x\" = x }\n",
    );
    assert!(
        stderr.contains("versions \"a\" and \"b\" overlap from 9999-12-31 to 9999-12-31"),
        "{stderr}"
    );
    let stderr = check_fails(
        "version_names",
        "facts { x: boolean }\n\
         version \"a\" effective 2000-01-01 until 2009-12-31 { decision d: boolean cite \"x\" = x }\n\
         version \"a\" effective 2010-01-01 { decision d: boolean cite \"x\" = x }\n",
    );
    assert!(stderr.contains("two versions are named \"a\""), "{stderr}");
}

#[test]
fn today_is_the_local_date_of_the_time_zone() {
    // UTC+14 and UTC-12 are 26 hours apart: their dates always differ.
    let dir = scratch("today");
    std::fs::write(
        dir.join("p.policy"),
        format!("{HEADER}facts {{ x: boolean }}\ndecision d: boolean cite \"x\" = x\n"),
    )
    .unwrap();
    std::fs::write(dir.join("f.json"), "{}").unwrap();
    let today = |tz: &str| {
        let out: Output = Command::new(env!("CARGO_BIN_EXE_policyc"))
            .args(["eval", "p.policy", "--facts", "f.json", "--as-of", "today"])
            .args(["--format", "json"])
            .current_dir(&dir)
            .env("TZ", tz)
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        jiff::civil::Date::strptime("%Y-%m-%d", json["as_of"].as_str().unwrap()).unwrap()
    };
    for _attempt in 0..3 {
        let now = jiff::Timestamp::now();
        let east = now
            .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(14)))
            .date();
        let west = now
            .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(-12)))
            .date();
        // Named, named with a colon, and POSIX forms of TZ.
        let got = [
            today("Pacific/Kiritimati"),
            today(":Pacific/Kiritimati"),
            today("XXX-14"),
            today("Etc/GMT+12"),
        ];
        if got == [east, east, east, west] {
            assert_ne!(east, west);
            return;
        }
        // A date may have turned over between the two readings; try again.
    }
    panic!("--as-of today did not follow TZ");
}

#[test]
fn diagnostics_far_along_one_long_line_show_a_window_of_it() {
    let dir = scratch("long_lines");
    let entries = vec!["{\"ok\":true}"; 8000].join(",");
    let facts = format!("{{\"as_of\":\"2026-03-01\",\"xs\":[{entries}], \"z\": 1, \"z\": 2}}");
    let column = facts.rfind("\"z\"").unwrap() + 1;
    std::fs::write(dir.join("f.json"), &facts).unwrap();
    let policy = format!(
        "{HEADER}record S {{ ok: boolean }}\nfacts {{ xs: list of S }}\n\
         decision d: boolean \"{}\" cite \"x\" = exists(xs where ok) and nope\n",
        "words of the manual ".repeat(4000)
    );
    std::fs::write(dir.join("p.policy"), &policy).unwrap();
    let valid = format!(
        "{HEADER}record S {{ ok: boolean }}\nfacts {{ xs: list of S }}\ndecision d: boolean cite \"x\" = exists(xs where ok)\n"
    );
    std::fs::write(dir.join("valid.policy"), valid).unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_policyc"))
            .args(args)
            .current_dir(&dir)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.len() < 2000, "{} bytes of diagnostic", stderr.len());
        stderr
    };
    let stderr = run(&["eval", "valid.policy", "--facts", "f.json"]);
    let shown: usize = stderr
        .split("[f.json:1:")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    // Where the reader stopped: just past the second `"z"`.
    assert!(
        (column..column + 8).contains(&shown),
        "{shown} {column}: {stderr}"
    );
    assert!(stderr.contains("the key `z` is given twice"), "{stderr}");
    // The policy's unknown name sits past column 70,000 of its line.
    let stderr = run(&["check", "p.policy"]);
    let column = policy.lines().nth(3).unwrap().rfind("nope").unwrap() + 1;
    assert!(
        stderr.contains(&format!("[p.policy:4:{column}]")),
        "{stderr}"
    );
}

#[test]
fn a_name_with_a_character_that_is_not_ascii_is_named_by_its_code_point() {
    for (name, word, found) in [
        ("accent", "café", "unexpected `é` (U+00E9)"),
        (
            "no_break",
            "ca\u{a0}fe",
            "unexpected an invisible no-break space (U+00A0)",
        ),
        (
            "zero_width",
            "ca\u{200b}fe",
            "unexpected an invisible zero-width space (U+200B)",
        ),
    ] {
        let stderr = check_fails(
            &format!("name_{name}"),
            &format!("facts {{ {word}: boolean }}\ndecision d: boolean cite \"x\" = true\n"),
        );
        assert!(stderr.contains(found), "{name}: {stderr}");
        assert!(
            stderr.contains("names are ASCII letters, digits and `_`"),
            "{name}: {stderr}"
        );
    }
}
