//! Every row of the truth tables of the Kleene combinators.

use super::*;
use std::sync::Arc;

fn unknown(path: &str) -> Truth {
    Truth::Unknown(Missing::one(Arc::from(path)))
}

fn missing(paths: &[&str]) -> Truth {
    let mut all = Missing::none();
    for p in paths {
        all = all.union(&Missing::one(Arc::from(*p)));
    }
    Truth::Unknown(all)
}

const T: Truth = Truth::True;
const F: Truth = Truth::False;

#[test]
fn not_table() {
    assert_eq!(!T, F);
    assert_eq!(!F, T);
    assert_eq!(!unknown("a"), unknown("a"));
}

#[test]
fn all_of_table() {
    // Two items: all nine rows.
    assert_eq!(all_of([T, T]), T);
    assert_eq!(all_of([T, F]), F);
    assert_eq!(all_of([T, unknown("b")]), unknown("b"));
    assert_eq!(all_of([F, T]), F);
    assert_eq!(all_of([F, F]), F);
    assert_eq!(all_of([F, unknown("b")]), F);
    assert_eq!(all_of([unknown("a"), T]), unknown("a"));
    assert_eq!(all_of([unknown("a"), F]), F);
    assert_eq!(all_of([unknown("a"), unknown("b")]), missing(&["a", "b"]));
}

#[test]
fn any_of_table() {
    assert_eq!(any_of([T, T]), T);
    assert_eq!(any_of([T, F]), T);
    assert_eq!(any_of([T, unknown("b")]), T);
    assert_eq!(any_of([F, T]), T);
    assert_eq!(any_of([F, F]), F);
    assert_eq!(any_of([F, unknown("b")]), unknown("b"));
    assert_eq!(any_of([unknown("a"), T]), T);
    assert_eq!(any_of([unknown("a"), F]), unknown("a"));
    assert_eq!(any_of([unknown("a"), unknown("b")]), missing(&["a", "b"]));
}

#[test]
fn none_of_table() {
    assert_eq!(none_of([T, T]), F);
    assert_eq!(none_of([T, F]), F);
    assert_eq!(none_of([T, unknown("b")]), F);
    assert_eq!(none_of([F, T]), F);
    assert_eq!(none_of([F, F]), T);
    assert_eq!(none_of([F, unknown("b")]), unknown("b"));
    assert_eq!(none_of([unknown("a"), T]), F);
    assert_eq!(none_of([unknown("a"), F]), unknown("a"));
    assert_eq!(none_of([unknown("a"), unknown("b")]), missing(&["a", "b"]));
}

#[test]
fn at_least_decides_as_soon_as_known_items_allow() {
    // Two of three: true as soon as two are true, whatever the third.
    assert_eq!(at_least(2, [T, T, unknown("c")]), T);
    assert_eq!(at_least(2, [T, T, F]), T);
    // False as soon as fewer than two can still become true.
    assert_eq!(at_least(2, [F, F, unknown("c")]), F);
    assert_eq!(at_least(2, [T, F, F]), F);
    // Otherwise unknown, naming only the unknown items' facts.
    assert_eq!(at_least(2, [T, F, unknown("c")]), unknown("c"));
    assert_eq!(
        at_least(2, [T, unknown("b"), unknown("c")]),
        missing(&["b", "c"])
    );
    assert_eq!(
        at_least(2, [unknown("a"), unknown("b"), unknown("c")]),
        missing(&["a", "b", "c"])
    );
    assert_eq!(
        at_least(2, [F, unknown("b"), unknown("c")]),
        missing(&["b", "c"])
    );
}

#[test]
fn at_least_one_is_any_and_at_least_all_is_all() {
    let rows = [T, F, unknown("x")];
    for a in &rows {
        for b in &rows {
            let pair = || [a.clone(), b.clone()];
            assert_eq!(at_least(1, pair()), any_of(pair()), "{a:?} {b:?}");
            assert_eq!(at_least(2, pair()), all_of(pair()), "{a:?} {b:?}");
        }
    }
}

#[test]
fn reading_values() {
    assert_eq!(Truth::of(&Value::Bool(true)), T);
    assert_eq!(Truth::of(&Value::Bool(false)), F);
    assert_eq!(
        Truth::of(&Value::Unknown(Missing::one(Arc::from("a")))),
        unknown("a")
    );
    assert_eq!(
        unknown("a").into_value(),
        Value::Unknown(Missing::one(Arc::from("a")))
    );
}
