//! Unit tests of the typed facts reader: paths, duplicates and numbers.

use super::{Format, load_str};
use crate::check::{self, Checked};
use crate::decimal::Decimal;
use crate::source::SourceFile;
use crate::value::Value;

const POLICY: &str = r#"
policy p
  title "t" jurisdiction "j" source "s" effective 2020-01-01
record Stay { admitted: date, days: integer }
facts {
  income: decimal,
  person: { name: text, stays: list of Stay },
}
decision d: boolean "d" cite "c" = count(person.stays) > 0
"#;

fn checked() -> Checked {
    let source = SourceFile::new("p.policy", POLICY);
    let file = crate::syntax::parse(&source).ok();
    file.and_then(|f| check::check(&f).checked)
        .unwrap_or_else(|| panic!("the test policy does not check"))
}

fn fields(value: &Value) -> Vec<Value> {
    match value {
        Value::Record(items) => items.to_vec(),
        other => panic!("not a record: {other:?}"),
    }
}

fn missing(value: &Value) -> Vec<String> {
    value
        .deep_missing()
        .paths()
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn a_null_record_names_each_of_its_fields() {
    let checked = checked();
    let facts = load_str(r#"{"person": null}"#, Format::Json, checked.schema())
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        missing(&facts.root),
        ["income", "person.name", "person.stays"]
    );
}

#[test]
fn a_missing_field_inside_a_list_element_names_its_index() {
    let checked = checked();
    let text = r#"{"income": 1, "person": {"name": "A", "stays": [
        {"admitted": "2025-01-01", "days": 3}, {"admitted": "2025-02-01"}]}}"#;
    let facts = load_str(text, Format::Json, checked.schema()).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(missing(&facts.root), ["person.stays[1].days"]);
}

#[test]
fn an_integer_is_an_exact_decimal() {
    let checked = checked();
    let text = r#"{"income": 18446744073709551615}"#;
    let facts = load_str(text, Format::Json, checked.schema()).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        fields(&facts.root).first(),
        Some(&Value::Decimal(
            Decimal::from_i128(i128::from(u64::MAX)).unwrap()
        ))
    );
}

#[test]
fn an_undeclared_key_given_twice_is_an_error_too() {
    let checked = checked();
    let text = r#"{"person": {"nickname": "a", "nickname": "b"}}"#;
    let errors = load_str(text, Format::Json, checked.schema())
        .err()
        .unwrap_or_default();
    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 1);
    assert!(
        messages
            .iter()
            .all(|m| m.contains("`person.nickname` is given twice")),
        "{messages:?}"
    );
}

#[test]
fn wrong_types_are_all_reported_in_document_order() {
    let checked = checked();
    let text = r#"{"person": {"stays": [{"days": "3"}, {"admitted": 5}]}, "income": true}"#;
    let errors = load_str(text, Format::Json, checked.schema())
        .err()
        .unwrap_or_default();
    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "person.stays[0].days: expected an integer, found \"3\"",
            "person.stays[1].admitted: expected a date YYYY-MM-DD, found 5",
            "income: expected a decimal, found true",
        ]
    );
}

#[test]
fn yaml_reads_into_the_same_values_as_json() {
    let checked = checked();
    let json = r#"{"income": 2.5, "person": {"name": "A", "stays": [{"admitted": "2025-01-01", "days": 3}]}}"#;
    let yaml =
        "income: 2.5\nperson:\n  name: A\n  stays:\n    - admitted: 2025-01-01\n      days: 3\n";
    let a = load_str(json, Format::Json, checked.schema()).unwrap_or_else(|e| panic!("{e:?}"));
    let b = load_str(yaml, Format::Yaml, checked.schema()).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(a.root, b.root);
}

#[test]
fn each_thread_reads_with_its_own_copy_of_the_absent_values() {
    use std::sync::Arc;
    let checked = checked();
    let shared = checked
        .schema()
        .absent
        .clone()
        .unwrap_or_else(|| panic!("no absent values"));
    let here =
        crate::check::absent_for_this_thread(checked.schema()).unwrap_or_else(|| panic!("none"));
    let again =
        crate::check::absent_for_this_thread(checked.schema()).unwrap_or_else(|| panic!("none"));
    assert!(Arc::ptr_eq(&here, &again), "one copy per thread");
    assert!(
        !Arc::ptr_eq(&here, &shared),
        "the copy is not the shared tree"
    );
    assert_eq!(here.value, shared.value, "the copy holds the same values");
    let there = std::thread::scope(|s| {
        s.spawn(|| crate::check::absent_for_this_thread(checked.schema()))
            .join()
            .ok()
            .flatten()
    })
    .unwrap_or_else(|| panic!("none"));
    assert!(
        !Arc::ptr_eq(&here, &there),
        "another thread has its own copy"
    );
}

const NUMBERS: &str = r#"
policy p
  title "t" jurisdiction "j" source "s" effective 2020-01-01
enum Level { mild, moderate, significant }
facts { n: integer, x: decimal, level: Level }
decision d: boolean "d" cite "c" = n > 0
"#;

fn numbers() -> Checked {
    let source = SourceFile::new("p.policy", NUMBERS);
    let file = crate::syntax::parse(&source).ok();
    file.and_then(|f| check::check(&f).checked)
        .unwrap_or_else(|| panic!("the test policy does not check"))
}

/// The messages of the errors `text` gives, with their help.
fn messages(text: &str, format: Format) -> Vec<String> {
    use miette::Diagnostic;
    let checked = numbers();
    let errors = load_str(text, format, checked.schema())
        .err()
        .unwrap_or_else(|| panic!("{text} loads"));
    errors
        .iter()
        .map(|e| {
            let help = e.help().map(|h| h.to_string()).unwrap_or_default();
            format!("{e} | {help}")
        })
        .collect()
}

#[test]
fn json_minus_zero_is_the_integer_zero() {
    let checked = numbers();
    let facts = load_str(r#"{"n": -0}"#, Format::Json, checked.schema())
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(fields(&facts.root).first(), Some(&Value::Integer(0)));
    // Any other fraction is still refused.
    assert_eq!(messages(r#"{"n": -0.5}"#, Format::Json).len(), 1);
}

#[test]
fn yaml_numbers_get_messages_that_say_the_fix() {
    let nan = messages("n: .nan\nx: .inf\n", Format::Yaml);
    assert!(nan.iter().all(|m| m.contains("finite number")), "{nan:?}");
    assert!(nan.iter().all(|m| !m.contains("38 significant")), "{nan:?}");
    let zero = messages("n: 010\n", Format::Yaml);
    assert!(
        zero.iter()
            .any(|m| m.contains("leading zero") && m.ends_with("write 10")),
        "{zero:?}"
    );
    let big = messages("n: 12345678901234567890123456789\n", Format::Yaml);
    assert!(
        big.iter()
            .any(|m| m
                .contains("beyond the integer range (-9223372036854775808..9223372036854775807)")),
        "{big:?}"
    );
    let shaped = messages("n: [1]\nx: {a: 1}\n", Format::Yaml);
    assert!(
        shaped.iter().all(|m| !m.contains("without quotes")),
        "{shaped:?}"
    );
    assert!(
        shaped.iter().all(|m| m.contains("the number itself")),
        "{shaped:?}"
    );
}

#[test]
fn an_enum_error_lists_the_values_in_its_message() {
    let found = messages(r#"{"level": "severe"}"#, Format::Json);
    assert_eq!(
        found
            .first()
            .map(|m| m.split(" | ").next().unwrap_or_default()),
        Some(r#"level: expected one of mild, moderate, significant, found "severe""#)
    );
}

#[test]
fn a_yaml_merge_key_is_refused_where_it_is() {
    let text = "base: &b {n: 1}\nx: 2\n<<: *b\n";
    let checked = numbers();
    let errors = load_str(text, Format::Yaml, checked.schema())
        .err()
        .unwrap_or_else(|| panic!("a merge key loads"));
    match errors.as_slice() {
        [super::FactsError::MergeKey { span }] => assert_eq!(span.start, text.find("<<").unwrap()),
        other => panic!("{other:?}"),
    }
    // In JSON, `<<` is only a key the policy does not declare.
    let facts = load_str(r#"{"<<": 1}"#, Format::Json, checked.schema())
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(facts.warnings.len(), 1);
}
