//! The bad-inputs catalogue: every file in `tests/bad_inputs/` (and a few
//! generated here: invalid UTF-8, very deep nesting, a 100 MB facts file) run
//! through the real `policyc` binary with the command a user would type.
//!
//! Each case snapshots the command, the exit code, stdout and stderr, and
//! asserts that the binary never panics, never hangs (60 s deadline) and
//! exits with the expected code: 1 for a bad policy or facts file, 2 for a
//! usage error, 0 for the inputs that must work (CRLF, a BOM, 100 MB).
//! `tests/bad_inputs/README.md` lists every case.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(60);
const POLICY: &str = "tests/bad_inputs/policy.policy";
const VALID: &str = "tests/bad_inputs/valid.json";

/// What one run of the binary gave.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `policyc args` from the crate root without colour, killing it after
/// `DEADLINE`.
fn policyc(args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_policyc"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("policyc starts");
    // Read both pipes on their own threads so a full pipe cannot stall the child.
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let stdout = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        out.read_to_end(&mut bytes).map(|_| bytes)
    });
    let stderr = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        err.read_to_end(&mut bytes).map(|_| bytes)
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("policyc {args:?} did not finish within {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    Run {
        code: status.code().unwrap_or(-1),
        stdout: text(stdout.join().expect("stdout thread").expect("stdout")),
        stderr: text(stderr.join().expect("stderr thread").expect("stderr")),
    }
}

/// A folder of generated inputs for one case, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(case: &str) -> Scratch {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("bad_inputs")
            .join(case);
        std::fs::create_dir_all(&dir).expect("scratch folder");
        Scratch(dir)
    }

    /// Writes `bytes` to `name` in the folder; returns its path.
    fn file(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).expect("write generated input");
        // Relative to the package when it can be, so that a message naming
        // the file wraps at the same place on every machine.
        let here = Path::new(env!("CARGO_MANIFEST_DIR"));
        let path = path.strip_prefix(here).unwrap_or(&path);
        path.to_str().expect("UTF-8 path").to_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs one case, checks it, and snapshots what it printed. Generated files
/// are named `[tmp]/…` in the snapshot.
fn case(name: &str, args: &[&str], expected: i32) {
    let run = policyc(args);
    assert!(
        !run.stderr.contains("panicked") && !run.stdout.contains("panicked"),
        "{name}: policyc panicked:\n{}",
        run.stderr
    );
    assert_eq!(
        run.code, expected,
        "{name}: exit code\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    if expected != 0 {
        assert!(
            !run.stderr.trim().is_empty() || run.stdout.contains("FAIL"),
            "{name}: a failure must explain itself"
        );
    }
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bad_inputs");
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let short = tmp.strip_prefix(here).unwrap_or(&tmp).to_owned();
    let redact = |text: &str| {
        text.replace(tmp.to_str().expect("UTF-8 path"), "[tmp]")
            .replace(short.to_str().expect("UTF-8 path"), "[tmp]")
    };
    let snapshot = format!(
        "command: policyc {}\nexit: {}\n----- stdout\n{}----- stderr\n{}",
        redact(&args.join(" ")),
        run.code,
        redact(&run.stdout),
        redact(&run.stderr),
    );
    insta::assert_snapshot!(name, snapshot);
}

/// `policyc eval POLICY --facts FILE` for a facts file in the catalogue.
fn eval(name: &str, facts: &str, expected: i32) {
    let facts = format!("tests/bad_inputs/{facts}");
    case(name, &["eval", POLICY, "--facts", &facts], expected);
}

/// `policyc check FILE` for a policy in the catalogue.
fn check(name: &str, policy: &str, expected: i32) {
    let policy = format!("tests/bad_inputs/{policy}");
    case(name, &["check", &policy], expected);
}

/// `policyc test FILE` for a cases file in the catalogue.
fn test_cases(name: &str, cases: &str, expected: i32) {
    let cases = format!("tests/bad_inputs/{cases}");
    case(name, &["test", &cases], expected);
}

// ----- encodings and line endings

#[test]
fn invalid_utf8_policy() {
    let scratch = Scratch::new("invalid_utf8_policy");
    let mut bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(POLICY)).unwrap();
    bytes.extend_from_slice(b"\n# caf\xe9 \xff\xfe\n");
    let path = scratch.file("latin1.policy", &bytes);
    case("invalid_utf8_policy", &["check", &path], 1);
}

#[test]
fn invalid_utf8_facts() {
    let scratch = Scratch::new("invalid_utf8_facts");
    let path = scratch.file(
        "latin1.json",
        b"{ \"as_of\": \"2026-03-01\", \"recipient\": { \"county\": \"Ram\xe9e\" } }\n",
    );
    case("invalid_utf8_facts", &["eval", POLICY, "--facts", &path], 1);
}

#[test]
fn bom_policy() {
    check("bom_policy", "bom_policy.policy", 0);
}

#[test]
fn bom_facts() {
    eval("bom_facts", "bom_facts.json", 0);
}

#[test]
fn crlf_policy() {
    case(
        "crlf_policy",
        &[
            "eval",
            "tests/bad_inputs/crlf_policy.policy",
            "--facts",
            VALID,
        ],
        0,
    );
}

#[test]
fn crlf_facts() {
    eval("crlf_facts", "crlf_facts.json", 0);
}

// ----- empty and mistaken files

#[test]
fn empty_policy() {
    check("empty_policy", "empty_policy.policy", 1);
}

#[test]
fn empty_facts() {
    eval("empty_facts", "empty_facts.json", 1);
}

#[test]
fn facts_empty_object_no_as_of() {
    eval(
        "facts_empty_object_no_as_of",
        "facts_empty_object_no_as_of.json",
        2,
    );
}

#[test]
fn facts_file_is_a_policy() {
    eval("facts_file_is_a_policy", "policy.policy", 1);
}

#[test]
fn policy_file_is_facts() {
    check("policy_file_is_facts", "valid.json", 1);
}

#[test]
fn directory_as_policy() {
    case("directory_as_policy", &["check", "tests/bad_inputs"], 2);
}

#[test]
fn directory_as_facts() {
    case(
        "directory_as_facts",
        &["eval", POLICY, "--facts", "tests/bad_inputs"],
        2,
    );
}

#[test]
fn missing_policy_file() {
    check("missing_policy_file", "no_such.policy", 2);
}

#[test]
fn missing_facts_file() {
    eval("missing_facts_file", "no_such_facts.json", 2);
}

#[test]
fn imports_itself() {
    check("imports_itself", "imports_itself.policy", 1);
}

// ----- nesting and size

#[test]
fn deep_brackets_policy() {
    let scratch = Scratch::new("deep_brackets_policy");
    let mut text = String::from(
        "policy deep\n  title \"Deep\" jurisdiction \"Example\" source \"Example\" effective 2020-01-01\n\
         facts { n: integer }\ndecision d: boolean \"Deep\" cite \"Deep\" =\n",
    );
    text.push_str(&"(\n".repeat(10_000));
    text.push_str("n = 1\n");
    text.push_str(&")\n".repeat(10_000));
    let path = scratch.file("deep.policy", text.as_bytes());
    case("deep_brackets_policy", &["check", &path], 1);
}

#[test]
fn deep_json_arrays() {
    let scratch = Scratch::new("deep_json_arrays");
    let text = format!(
        "{{ \"as_of\": \"2026-03-01\", \"recipient\": {{ \"stays\":\n{}\n{}\n}} }}\n",
        "[\n".repeat(10_000),
        "]\n".repeat(10_000)
    );
    let path = scratch.file("deep.json", text.as_bytes());
    case("deep_json_arrays", &["eval", POLICY, "--facts", &path], 1);
}

#[test]
fn deep_json_objects() {
    let scratch = Scratch::new("deep_json_objects");
    let text = format!(
        "{{ \"as_of\": \"2026-03-01\", \"recipient\":\n{}\n{}\n}}\n",
        "{\"a\":\n".repeat(10_000),
        "}\n".repeat(10_000)
    );
    let path = scratch.file("deep.json", text.as_bytes());
    case("deep_json_objects", &["eval", POLICY, "--facts", &path], 1);
}

#[test]
fn deep_yaml_sequences() {
    let scratch = Scratch::new("deep_yaml_sequences");
    let text = format!(
        "as_of: \"2026-03-01\"\nrecipient:\n  stays:\n{}{}",
        "    [\n".repeat(10_000),
        "    ]\n".repeat(10_000)
    );
    let path = scratch.file("deep.yaml", text.as_bytes());
    case(
        "deep_yaml_sequences",
        &["eval", POLICY, "--facts", &path],
        1,
    );
}

/// A facts file of about 100 MB: a list of 1.2 million stays, each on its
/// own line, closed properly or (`broken`) missing its last `}`.
fn big_facts(broken: bool) -> Vec<u8> {
    let stay = "    { \"admitted\": \"2025-06-02\", \"discharged\": \"2025-06-20\", \"setting\": \"outpatient\" },\n";
    let count = 100 * 1024 * 1024 / stay.len() + 1;
    let mut text = String::with_capacity(count * stay.len() + 1024);
    text.push_str(
        "{\n  \"as_of\": \"2026-03-01\",\n  \"recipient\": {\n    \"homeless\": false, \"locus_level\": 5, \
         \"monthly_income\": 1200.50, \"county\": \"Hennepin\", \"birth_date\": \"1990-01-01\", \
         \"current_setting\": \"outpatient\",\n    \"stays\": [\n",
    );
    for _ in 1..count {
        text.push_str(stay);
    }
    text.push_str(stay.trim_end().trim_end_matches(','));
    text.push_str("\n    ]\n  }\n");
    if !broken {
        text.push_str("}\n");
    }
    text.into_bytes()
}

#[test]
fn facts_100_mb_valid() {
    let scratch = Scratch::new("facts_100_mb_valid");
    let path = scratch.file("big.json", &big_facts(false));
    case("facts_100_mb_valid", &["eval", POLICY, "--facts", &path], 0);
}

#[test]
fn facts_100_mb_error_at_end() {
    let scratch = Scratch::new("facts_100_mb_error_at_end");
    let path = scratch.file("big.json", &big_facts(true));
    case(
        "facts_100_mb_error_at_end",
        &["eval", POLICY, "--facts", &path],
        1,
    );
}

// ----- facts syntax

#[test]
fn unclosed_facts_object() {
    eval("unclosed_facts_object", "unclosed_facts_object.json", 1);
}

#[test]
fn trailing_comma() {
    eval("trailing_comma", "trailing_comma.json", 1);
}

#[test]
fn facts_duplicate_key() {
    eval("facts_duplicate_key", "facts_duplicate_key.json", 1);
}

#[test]
fn facts_duplicate_key_yaml() {
    eval("facts_duplicate_key_yaml", "facts_duplicate_key.yaml", 1);
}

#[test]
fn facts_duplicate_top_level_as_of() {
    eval(
        "facts_duplicate_top_level_as_of",
        "facts_duplicate_top_level_as_of.json",
        1,
    );
}

#[test]
fn yaml_syntax_error() {
    eval("yaml_syntax_error", "yaml_syntax_error.yaml", 1);
}

#[test]
fn yaml_tab_indent() {
    eval("yaml_tab_indent", "yaml_tab_indent.yaml", 1);
}

// ----- numbers

#[test]
fn integer_1e20() {
    eval("integer_1e20", "integer_1e20.json", 1);
}

#[test]
fn integer_100000000000000000000() {
    eval(
        "integer_100000000000000000000",
        "integer_100000000000000000000.json",
        1,
    );
}

#[test]
fn integer_below_i64_min() {
    eval("integer_below_i64_min", "integer_below_i64_min.json", 1);
}

#[test]
fn decimal_1e400() {
    eval("decimal_1e400", "decimal_1e400.json", 1);
}

#[test]
fn decimal_too_many_digits() {
    eval("decimal_too_many_digits", "decimal_too_many_digits.json", 1);
}

#[test]
fn decimal_text_too_many_digits() {
    eval(
        "decimal_text_too_many_digits",
        "decimal_text_too_many_digits.json",
        1,
    );
}

// ----- dates

#[test]
fn date_feb_29_non_leap() {
    eval("date_feb_29_non_leap", "date_feb_29_non_leap.json", 1);
}

#[test]
fn date_month_13() {
    eval("date_month_13", "date_month_13.json", 1);
}

#[test]
fn date_unpadded() {
    eval("date_unpadded", "date_unpadded.json", 1);
}

#[test]
fn date_us_format() {
    eval("date_us_format", "date_us_format.json", 1);
}

#[test]
fn as_of_feb_29_non_leap() {
    eval("as_of_feb_29_non_leap", "as_of_feb_29_non_leap.json", 1);
}

// ----- wrong types at every level

#[test]
fn top_level_array() {
    eval("top_level_array", "top_level_array.json", 1);
}

#[test]
fn top_level_string() {
    eval("top_level_string", "top_level_string.json", 1);
}

#[test]
fn top_level_number() {
    eval("top_level_number", "top_level_number.json", 1);
}

#[test]
fn record_given_as_list() {
    eval("record_given_as_list", "record_given_as_list.json", 1);
}

#[test]
fn list_given_as_record() {
    eval("list_given_as_record", "list_given_as_record.json", 1);
}

#[test]
fn list_element_wrong_type() {
    eval("list_element_wrong_type", "list_element_wrong_type.json", 1);
}

#[test]
fn enum_given_as_number() {
    eval("enum_given_as_number", "enum_given_as_number.json", 1);
}

#[test]
fn boolean_as_string_yaml() {
    eval("boolean_as_string_yaml", "boolean_as_string.yaml", 1);
}

#[test]
fn enum_unknown_value() {
    eval("enum_unknown_value", "enum_unknown_value.json", 1);
}

#[test]
fn enum_unknown_value_in_list() {
    eval(
        "enum_unknown_value_in_list",
        "enum_unknown_value_in_list.json",
        1,
    );
}

// ----- numbers YAML reads otherwise, merge keys, and shapes for numbers

#[test]
fn facts_yaml_merge_key() {
    eval("facts_yaml_merge_key", "facts_yaml_merge_key.yaml", 1);
}

#[test]
fn number_nan_inf_yaml() {
    eval("number_nan_inf_yaml", "number_nan_inf.yaml", 1);
}

#[test]
fn number_leading_zero_yaml() {
    eval("number_leading_zero_yaml", "number_leading_zero.yaml", 1);
}

#[test]
fn integer_29_digits_yaml() {
    eval("integer_29_digits_yaml", "integer_29_digits.yaml", 1);
}

#[test]
fn number_given_as_object() {
    eval("number_given_as_object", "number_given_as_object.json", 1);
}

#[test]
fn integer_minus_zero() {
    eval("integer_minus_zero", "integer_minus_zero.json", 0);
}

// ----- command-line arguments

#[test]
fn unknown_decision() {
    case(
        "unknown_decision",
        &["eval", POLICY, "--facts", VALID, "--decision", "eligble"],
        2,
    );
}

#[test]
fn as_of_before_effective() {
    case(
        "as_of_before_effective",
        &["eval", POLICY, "--facts", VALID, "--as-of", "2019-12-31"],
        1,
    );
}

#[test]
fn as_of_garbage() {
    case(
        "as_of_garbage",
        &["eval", POLICY, "--facts", VALID, "--as-of", "yesterday"],
        2,
    );
}

#[test]
fn as_of_impossible_date() {
    case(
        "as_of_impossible_date",
        &["eval", POLICY, "--facts", VALID, "--as-of", "2026-02-30"],
        2,
    );
}

#[test]
fn date_of_service_garbage() {
    case(
        "date_of_service_garbage",
        &[
            "eval",
            POLICY,
            "--facts",
            VALID,
            "--date-of-service",
            "03/01/2026",
        ],
        2,
    );
}

#[test]
fn eval_without_facts_option() {
    case("eval_without_facts_option", &["eval", POLICY], 2);
}

#[test]
fn unknown_subcommand() {
    case("unknown_subcommand", &["evaluate", POLICY], 2);
}

// ----- fmt and test

#[test]
fn fmt_syntax_error() {
    case(
        "fmt_syntax_error",
        &["fmt", "tests/bad_inputs/syntax_error.policy"],
        1,
    );
}

#[test]
fn fmt_check_empty_policy() {
    case(
        "fmt_check_empty_policy",
        &["fmt", "--check", "tests/bad_inputs/empty_policy.policy"],
        1,
    );
}

#[test]
fn check_syntax_error() {
    check("check_syntax_error", "syntax_error.policy", 1);
}

#[test]
fn cases_not_a_mapping() {
    test_cases("cases_not_a_mapping", "cases_not_a_mapping.cases.yaml", 1);
}

#[test]
fn cases_missing_policy() {
    test_cases("cases_missing_policy", "cases_missing_policy.cases.yaml", 1);
}

#[test]
fn cases_expect_wrong_shape() {
    test_cases(
        "cases_expect_wrong_shape",
        "cases_expect_wrong_shape.cases.yaml",
        1,
    );
}

#[test]
fn cases_unknown_decision() {
    test_cases(
        "cases_unknown_decision",
        "cases_unknown_decision.cases.yaml",
        1,
    );
}

#[test]
fn cases_missing_facts_file() {
    test_cases(
        "cases_missing_facts_file",
        "cases_missing_facts_file.cases.yaml",
        1,
    );
}

#[test]
fn cases_duplicate_key() {
    test_cases("cases_duplicate_key", "cases_duplicate_key.cases.yaml", 1);
}

#[test]
fn cases_duplicate_inline_fact() {
    test_cases(
        "cases_duplicate_inline_fact",
        "cases_duplicate_inline_fact.cases.yaml",
        1,
    );
}

#[test]
fn cases_merge_key() {
    test_cases("cases_merge_key", "cases_merge_key.cases.yaml", 1);
}

#[test]
fn cases_missing_not_expected() {
    test_cases(
        "cases_missing_not_expected",
        "cases_missing_not_expected.cases.yaml",
        1,
    );
}

#[test]
fn cases_expect_empty() {
    test_cases("cases_expect_empty", "cases_expect_empty.cases.yaml", 1);
}

#[test]
fn cases_only_missing_differs() {
    test_cases(
        "cases_only_missing_differs",
        "cases_only_missing_differs.cases.yaml",
        1,
    );
}

#[test]
fn test_no_cases_found() {
    case(
        "test_no_cases_found",
        &["test", "tests/bad_inputs/empty_policy.policy.d"],
        2,
    );
}

#[test]
fn it_as_field_name() {
    case(
        "it_as_field_name",
        &["check", "tests/bad_inputs/it_as_field_name.policy"],
        1,
    );
}

#[test]
fn version_at_end_of_time() {
    case(
        "version_at_end_of_time",
        &["check", "tests/bad_inputs/version_at_end_of_time.policy"],
        1,
    );
}

#[test]
fn version_same_name() {
    case(
        "version_same_name",
        &["check", "tests/bad_inputs/version_same_name.policy"],
        1,
    );
}

#[test]
fn length_days_vs_months() {
    case(
        "length_days_vs_months",
        &["check", "tests/bad_inputs/length_days_vs_months.policy"],
        1,
    );
}

#[test]
fn name_not_ascii() {
    case(
        "name_not_ascii",
        &["check", "tests/bad_inputs/name_not_ascii.policy"],
        1,
    );
}

#[test]
fn name_no_break_space() {
    case(
        "name_no_break_space",
        &["check", "tests/bad_inputs/name_no_break_space.policy"],
        1,
    );
}

/// A policy generated with `if` nested 5,000 deep, no brackets.
#[test]
fn deep_if_policy() {
    let scratch = Scratch::new("deep_if_policy");
    let text = format!(
        "policy deep title \"Deep\" jurisdiction \"Example\" source \"Example\" effective 2020-01-01\n\
         facts {{ x: boolean }}\ndecision d: boolean \"Deep\" cite \"Deep\" =\n{}true{}\n",
        "if x then\n".repeat(5000),
        "\nelse false".repeat(5000)
    );
    let path = scratch.file("deep.policy", text.as_bytes());
    case("deep_if_policy", &["check", &path], 1);
}

/// A fact of type `list of` nested 80,000 deep.
#[test]
fn deep_list_of_policy() {
    let scratch = Scratch::new("deep_list_of_policy");
    let text = format!(
        "policy deep title \"Deep\" jurisdiction \"Example\" source \"Example\" effective 2020-01-01\n\
         facts {{\n  x: {}integer\n}}\n",
        "list of ".repeat(80_000)
    );
    let path = scratch.file("deep.policy", text.as_bytes());
    case("deep_list_of_policy", &["check", &path], 1);
}

/// 3,000 rules, each using the one before, explained as JSON.
#[test]
fn rule_chain_policy() {
    let scratch = Scratch::new("rule_chain_policy");
    let mut text = String::from(
        "policy chain title \"Chain\" jurisdiction \"Example\" source \"Example\" effective 2020-01-01\n\
         facts { x: boolean }\nrule r0: boolean = all of { x }\n",
    );
    for i in 1..3000 {
        text.push_str(&format!("rule r{i}: boolean = all of {{ r{} }}\n", i - 1));
    }
    text.push_str("decision d: boolean cite \"Chain\" = r2999\n");
    let policy = scratch.file("chain.policy", text.as_bytes());
    let facts = scratch.file("facts.json", b"{\"x\": true}");
    case(
        "rule_chain_policy",
        &[
            "eval",
            &policy,
            "--facts",
            &facts,
            "--as-of",
            "2026-03-01",
            "--explain",
            "--format",
            "json",
        ],
        1,
    );
}

/// A 150 KB one-line facts file whose error is past column 65,535.
#[test]
fn long_line_facts() {
    let scratch = Scratch::new("long_line_facts");
    let text = format!(
        "{{\"as_of\":\"2026-03-01\",\"recipient\":{{\"stays\":[{}]}}, \"x\": 1, \"x\": 2}}",
        vec!["{\"admitted\":\"2025-06-01\"}"; 6000].join(",")
    );
    let facts = scratch.file("long.json", text.as_bytes());
    case("long_line_facts", &["eval", POLICY, "--facts", &facts], 1);
}

/// `--output` naming the input file.
#[test]
fn batch_output_is_input() {
    let scratch = Scratch::new("batch_output_is_input");
    let input = scratch.file("members.ndjson", b"{\"as_of\":\"2026-03-01\"}\n");
    case(
        "batch_output_is_input",
        &["eval", POLICY, "--batch", &input, "--output", &input],
        2,
    );
}
