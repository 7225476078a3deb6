//! Unit tests of the typed facts reader: paths, duplicates and numbers.

use super::{Format, load_str};
use crate::check::{self, Checked};
use crate::source::SourceFile;
use crate::value::Value;
use rust_decimal::Decimal;

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
        Some(&Value::Decimal(Decimal::from(u64::MAX)))
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
