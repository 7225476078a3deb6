//! Rule-level grammar tests: each construct parses whole, keywords do not
//! swallow names, and nesting limits hold.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail loudly on purpose"
)]

use super::grammar::{PolicyParser, Rule as G};
use super::*;
use crate::ast::{AggregateKind, BinaryOp, Direction, ExprKind, Quantifier, TimeUnit};
use pest::Parser;

/// Whether `rule` matches all of `input`.
fn whole(rule: G, input: &str) -> bool {
    match PolicyParser::parse(rule, input) {
        Ok(mut pairs) => pairs.next().is_some_and(|p| p.as_str() == input),
        Err(_) => false,
    }
}

/// Lowers one expression.
fn expr(input: &str) -> crate::ast::Expr {
    let pair = PolicyParser::parse(G::expr, input).unwrap().next().unwrap();
    lower::lower_expr(pair).unwrap()
}

#[test]
fn literals() {
    assert!(whole(G::date, "2026-03-01"));
    assert!(!whole(G::date, "2026-3-1"));
    assert!(whole(G::duration, "15 days"));
    assert!(whole(G::duration, "1 year"));
    assert!(whole(G::text, r#""one " "two""#));
    assert!(!whole(G::integer, "12abc"));
}

#[test]
fn names_are_not_keywords_but_may_start_with_one() {
    assert!(whole(G::name, "inpatient"));
    assert!(whole(G::name, "allowed"));
    assert!(whole(G::name, "notes"));
    assert!(!whole(G::name, "all"));
    assert!(!whole(G::name, "where"));
}

#[test]
fn precedence_of_and_or_comparison_arithmetic() {
    let e = expr("a or b and c = 1 + 2 * 3");
    let ExprKind::Binary(BinaryOp::Or, _, right) = e.kind else {
        panic!("{e:?}")
    };
    let ExprKind::Binary(BinaryOp::And, _, cmp) = right.kind else {
        panic!()
    };
    let ExprKind::Binary(BinaryOp::Eq, _, sum) = cmp.kind else {
        panic!()
    };
    let ExprKind::Binary(BinaryOp::Add, _, product) = sum.kind else {
        panic!()
    };
    assert!(matches!(
        product.kind,
        ExprKind::Binary(BinaryOp::Mul, _, _)
    ));
}

#[test]
fn date_windows() {
    let e = expr("admitted within 15 days after discharged");
    let ExprKind::Within {
        window, direction, ..
    } = e.kind
    else {
        panic!()
    };
    assert_eq!(
        (window.amount, window.unit, direction),
        (15, TimeUnit::Day, Direction::After)
    );
    let past = expr("admitted in the past year");
    let ExprKind::Within { window, anchor, .. } = past.kind else {
        panic!()
    };
    assert_eq!((window.amount, window.unit), (1, TimeUnit::Year));
    assert_eq!(anchor.kind, ExprKind::AsOf);
}

#[test]
fn criteria_lists_nest_with_labels() {
    let e = expr(r#"at least 2 of { "one" cite "b1": a, b, "three": any of { c, d } }"#);
    let ExprKind::Criteria { quantifier, items } = e.kind else {
        panic!()
    };
    assert_eq!(quantifier, Quantifier::AtLeast(2));
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].label.as_deref(), Some("one"));
    assert_eq!(
        items[0].citation.as_ref().map(|c| c.text.as_str()),
        Some("b1")
    );
    assert_eq!(items[1].label, None);
    assert!(matches!(
        items[2].expr.kind,
        ExprKind::Criteria {
            quantifier: Quantifier::Any,
            ..
        }
    ));
}

#[test]
fn aggregates() {
    let e = expr("sum(units of claims where paid)");
    let ExprKind::Aggregate {
        kind,
        projection,
        filter,
        ..
    } = e.kind
    else {
        panic!()
    };
    assert_eq!(kind, AggregateKind::Sum);
    assert!(projection.is_some() && filter.is_some());
    let c = expr("count(stays)");
    assert!(matches!(
        c.kind,
        ExprKind::Aggregate {
            kind: AggregateKind::Count,
            projection: None,
            filter: None,
            ..
        }
    ));
}

#[test]
fn nesting_limit_is_an_error_not_an_overflow() {
    let text = format!("{}x{}", "(".repeat(10_000), ")".repeat(10_000));
    assert!(matches!(
        check_nesting(&text),
        Err(SyntaxError::TooDeep { .. })
    ));
    // Brackets inside text and comments do not count.
    let quoted = format!("\"{}\" # {}", "(".repeat(100), "[".repeat(100));
    assert!(check_nesting(&quoted).is_ok());
}
