#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail loudly on purpose"
)]

//! `policyc fmt`: idempotent, meaning-preserving, comment-keeping, on every
//! policy the repository holds and on generated syntax trees.

mod common;

use policyc::ast::*;
use policyc::pretty;
use policyc::source::{SourceFile, Span};
use policyc::syntax;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

/// Every `.policy` file below `dir`, in name order.
fn policy_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            found.extend(policy_files(&path));
        } else if path.extension().is_some_and(|e| e == "policy") {
            found.push(path);
        }
    }
    found
}

fn read(path: &Path) -> SourceFile {
    SourceFile::new(
        path.display().to_string(),
        std::fs::read_to_string(path).unwrap(),
    )
}

#[test]
fn formatting_is_idempotent_and_keeps_the_tree() {
    let mut files = policy_files(Path::new("policies"));
    files.extend(policy_files(Path::new("tests/fixtures")));
    let mut formatted_count = 0;
    for path in files {
        let source = read(&path);
        let Ok(original) = syntax::parse(&source) else {
            continue;
        };
        let once = pretty::format(&source).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        let reparsed = syntax::parse(&SourceFile::new("once", once.clone())).unwrap();
        assert!(
            pretty::same_meaning(&original, &reparsed),
            "{}: the tree changed",
            path.display()
        );
        let twice = pretty::format(&SourceFile::new("once", once.clone())).unwrap();
        assert_eq!(once, twice, "{}: not idempotent", path.display());
        formatted_count += 1;
    }
    assert!(formatted_count >= 15, "only {formatted_count} files parsed");
}

#[test]
fn shipped_policies_are_formatted() {
    for path in policy_files(Path::new("policies")) {
        let source = read(&path);
        let formatted = pretty::format(&source).unwrap();
        assert!(
            formatted == *source.text,
            "{} is not formatted: run `cargo run -- fmt policies`",
            path.display()
        );
    }
}

#[test]
fn messy_policy_formats_to_the_canonical_layout() {
    let formatted = pretty::format(&read(Path::new("tests/fixtures/fmt/messy.policy"))).unwrap();
    insta::assert_snapshot!(formatted);
}

#[test]
fn syntax_errors_are_reported_not_formatted() {
    let source = read(Path::new("tests/fixtures/check/missing_equals.policy"));
    match pretty::format(&source) {
        Err(pretty::FormatError::Syntax(errors)) => assert!(!errors.is_empty()),
        other => panic!("expected syntax errors, got {other:?}"),
    }
}

#[test]
fn fmt_command_rewrites_then_check_passes() {
    let dir = std::env::temp_dir().join(format!("policyc-fmt-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("nested")).unwrap();
    let file = dir.join("nested/messy.policy");
    std::fs::copy("tests/fixtures/fmt/messy.policy", &file).unwrap();
    let dir_arg = dir.display().to_string();
    let file_arg = file.display().to_string();

    let (code, stdout, _) = common::policyc(&["fmt", "--check", &dir_arg]);
    assert_eq!((code, stdout), (1, format!("would reformat: {file_arg}\n")));
    let (code, stdout, _) = common::policyc(&["fmt", &dir_arg]);
    assert_eq!((code, stdout), (0, format!("reformatted: {file_arg}\n")));
    let (code, stdout, _) = common::policyc(&["fmt", "--check", &file_arg]);
    assert_eq!((code, stdout.as_str()), (0, ""));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn fmt_command_renders_syntax_errors_like_check() {
    let path = "tests/fixtures/check/missing_equals.policy";
    let (code, _, stderr) = common::policyc(&["fmt", "--check", path]);
    let (_, _, check_stderr) = common::policyc(&["check", path]);
    assert_eq!((code, stderr), (1, check_stderr));
}

// ------------------------------------------------------------------ generated trees

const RESERVED: [&str; 39] = [
    "policy", "enum", "record", "facts", "rule", "decision", "cite", "and", "or", "not", "true",
    "false", "all", "any", "none", "at", "of", "where", "in", "if", "then", "else", "within",
    "before", "after", "as_of", "list", // reserved words
    "the", "past", "least", "from", "to", "episode", // words with a meaning in context
    "count", "exists", "every", "sum", "min",
    "max", // aggregates, which calls cannot be named
];

fn name_text() -> impl Strategy<Value = String> {
    let first = prop::sample::select(vec!['a', 'b', 'r', 'x', 'A', 'T', '_']);
    let rest = prop::collection::vec(
        prop::sample::select(vec!['a', 'e', 'o', 's', 't', 'n', 'f', '1', '_', 'Z']),
        0..5,
    );
    (first, rest)
        .prop_map(|(f, r)| std::iter::once(f).chain(r).collect::<String>())
        .prop_filter("not a reserved word", |n| !RESERVED.contains(&n.as_str()))
}

fn name() -> impl Strategy<Value = Name> {
    name_text().prop_map(|text| Name {
        text,
        span: Span::default(),
    })
}

/// Text with quotes, backslashes, new lines, tabs and `#`.
fn text_value() -> impl Strategy<Value = String> {
    let chars = vec![
        'a', ' ', '"', '\\', '\n', '\t', '#', 'é', '{', '}', ':', ',',
    ];
    prop::collection::vec(prop::sample::select(chars), 0..8).prop_map(|c| c.into_iter().collect())
}

fn date() -> impl Strategy<Value = jiff::civil::Date> {
    (1900i16..2100, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| jiff::civil::date(y, m, d))
}

fn duration() -> impl Strategy<Value = Duration> {
    let units = vec![
        TimeUnit::Day,
        TimeUnit::Week,
        TimeUnit::Month,
        TimeUnit::Year,
    ];
    (0i64..400, prop::sample::select(units)).prop_map(|(amount, unit)| Duration { amount, unit })
}

fn expr_of(kind: ExprKind) -> Expr {
    Expr {
        kind,
        span: Span::default(),
    }
}

fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        any::<bool>().prop_map(ExprKind::Bool),
        (0i64..1_000_000).prop_map(ExprKind::Integer),
        (0i64..1_000_000, 1u32..4).prop_map(|(m, s)| {
            let text = rust_decimal::Decimal::new(m, s).to_string();
            ExprKind::Decimal(policyc::decimal::Decimal::parse(&text).expect("decimal"))
        }),
        text_value().prop_map(ExprKind::Text),
        date().prop_map(ExprKind::Date),
        duration().prop_map(ExprKind::Duration),
        Just(ExprKind::AsOf),
        prop::collection::vec(name(), 1..3).prop_map(ExprKind::Path),
    ]
    .prop_map(expr_of)
}

/// Operators, the ones whose grouping is easiest to get wrong more often.
fn binary_op() -> impl Strategy<Value = BinaryOp> {
    prop::sample::select(vec![
        BinaryOp::Or,
        BinaryOp::Or,
        BinaryOp::And,
        BinaryOp::And,
        BinaryOp::Eq,
        BinaryOp::Ne,
        BinaryOp::Lt,
        BinaryOp::Le,
        BinaryOp::Gt,
        BinaryOp::Ge,
        BinaryOp::Add,
        BinaryOp::Sub,
        BinaryOp::Sub,
        BinaryOp::Mul,
        BinaryOp::Div,
        BinaryOp::Div,
    ])
}

fn criterion(inner: BoxedStrategy<Expr>) -> impl Strategy<Value = Criterion> {
    let words = || prop::option::of((text_value(), prop::option::of(text_value())));
    let split = |words: Option<(String, Option<String>)>| match words {
        Some((label, cite)) => (
            Some(label),
            cite.map(|text| Citation {
                text,
                span: Span::default(),
            }),
        ),
        None => (None, None),
    };
    // Sometimes an `unless` exception, with or without words of its own.
    let exception = prop::option::of((words(), inner.clone()));
    (words(), inner, exception).prop_map(move |(words, expr, exception)| {
        let (label, citation) = split(words);
        Criterion {
            label,
            citation,
            expr,
            written: String::new(),
            exception: exception.map(|(words, expr)| {
                let (label, citation) = split(words);
                Box::new(Exception {
                    label,
                    citation,
                    expr,
                    written: String::new(),
                    span: Span::default(),
                })
            }),
            span: Span::default(),
        }
    })
}

fn criteria(inner: BoxedStrategy<Expr>) -> impl Strategy<Value = ExprKind> {
    let quantifier = prop::sample::select(vec![0u32, 1, 2, 3]);
    (
        quantifier,
        prop::collection::vec(criterion(inner), 1..4),
        1u32..4,
    )
        .prop_map(|(q, items, n)| {
            let quantifier = match q {
                0 => Quantifier::All,
                1 => Quantifier::Any,
                2 => Quantifier::None,
                _ => Quantifier::AtLeast(n.min(items.len() as u32)),
            };
            ExprKind::Criteria { quantifier, items }
        })
}

fn aggregate(inner: BoxedStrategy<Expr>) -> impl Strategy<Value = ExprKind> {
    let kinds = vec![
        AggregateKind::Count,
        AggregateKind::Exists,
        AggregateKind::Every,
        AggregateKind::Sum,
        AggregateKind::Min,
        AggregateKind::Max,
    ];
    let parts = (inner.clone(), inner.clone(), prop::option::of(inner));
    (prop::sample::select(kinds), parts).prop_map(|(kind, (projection, list, filter))| {
        ExprKind::Aggregate {
            kind,
            projection: kind.takes_projection().then(|| Box::new(projection)),
            list: Box::new(list),
            filter: filter.map(Box::new),
        }
    })
}

fn unique_names<T>(fields: &[(Name, T)]) -> bool {
    let mut names: Vec<&str> = fields.iter().map(|(n, _)| n.text.as_str()).collect();
    names.sort_unstable();
    names.windows(2).all(|w| w[0] != w[1])
}

fn compound(inner: BoxedStrategy<Expr>) -> impl Strategy<Value = Expr> {
    let boxed = inner.clone().prop_map(Box::new);
    let list = prop::collection::vec(inner.clone(), 0..3);
    let direction =
        prop::sample::select(vec![Direction::Before, Direction::After, Direction::Around]);
    prop_oneof![
        // `(a.b).c` is the path `a.b.c`, so a field is never taken of a path.
        1 => (inner.clone().prop_filter("not a path", |e| !matches!(e.kind, ExprKind::Path(_))), name())
            .prop_map(|(e, n)| ExprKind::Field(Box::new(e), n)),
        2 => (any::<bool>(), boxed.clone()).prop_map(|(not, e)| {
            ExprKind::Unary(if not { UnaryOp::Not } else { UnaryOp::Negate }, e)
        }),
        6 => (binary_op(), boxed.clone(), boxed.clone())
            .prop_map(|(op, l, r)| ExprKind::Binary(op, l, r)),
        1 => (boxed.clone(), duration(), direction, boxed.clone()).prop_map(|(s, w, d, a)| {
            ExprKind::Within { subject: s, window: w, direction: d, anchor: a }
        }),
        1 => (boxed.clone(), any::<bool>(), list.clone())
            .prop_map(|(s, negated, set)| ExprKind::Member { subject: s, negated, set }),
        1 => criteria(inner.clone()),
        1 => aggregate(inner.clone()),
        1 => (boxed.clone(), boxed.clone(), boxed.clone(), duration()).prop_map(|(l, s, e, g)| {
            ExprKind::Episode { list: l, start: s, end: e, gap: g }
        }),
        1 => (name(), list.clone()).prop_map(|(n, args)| ExprKind::Call(n, args)),
        1 => (prop::collection::vec((inner.clone(), inner.clone()), 1..3), boxed.clone())
            .prop_map(|(branches, otherwise)| ExprKind::If { branches, otherwise }),
        1 => prop::collection::vec((name(), inner), 0..3)
            .prop_filter("distinct field names", |f| unique_names(f))
            .prop_map(ExprKind::Record),
        1 => list.prop_map(ExprKind::List),
        // Shapes that need parentheses: `a - (b - c)`, `else (if …)`.
        2 => (binary_op(), boxed.clone(), boxed.clone(), boxed.clone()).prop_map(|(op, a, b, c)| {
            ExprKind::Binary(op, a, Box::new(expr_of(ExprKind::Binary(op, b, c))))
        }),
        1 => (boxed.clone(), boxed.clone(), boxed.clone(), boxed.clone(), boxed).prop_map(
            |(a, b, c, d, e)| {
                let inner = expr_of(ExprKind::If { branches: vec![(*c, *d)], otherwise: e });
                ExprKind::If { branches: vec![(*a, *b)], otherwise: Box::new(inner) }
            }
        ),
    ]
    .prop_map(expr_of)
}

fn expression() -> BoxedStrategy<Expr> {
    leaf()
        .prop_recursive(5, 96, 3, |inner| compound(inner.boxed()))
        .boxed()
}

fn type_expr() -> impl Strategy<Value = TypeExpr> {
    name()
        .prop_map(TypeExpr::Named)
        .prop_recursive(2, 6, 3, |inner| {
            prop_oneof![
                inner
                    .clone()
                    .prop_map(|t| TypeExpr::List(Box::new(t), Span::default())),
                fields(inner).prop_map(|f| TypeExpr::Record(f, Span::default())),
            ]
        })
}

fn fields(ty: impl Strategy<Value = TypeExpr>) -> impl Strategy<Value = Vec<FieldDecl>> {
    prop::collection::vec((name(), (ty, prop::option::of(text_value()))), 0..3)
        .prop_filter("distinct field names", |f| unique_names(f))
        .prop_map(|fields| {
            fields
                .into_iter()
                .map(|(name, (ty, doc))| FieldDecl { name, ty, doc })
                .collect()
        })
}

fn definition() -> impl Strategy<Value = Item> {
    let words = (
        prop::option::of(text_value()),
        prop::option::of(text_value()),
    );
    // A rule may have parameters; their names need not be used.
    let params = prop::collection::vec((name(), type_expr()), 0..3);
    (
        any::<bool>(),
        name(),
        prop::option::of(type_expr()),
        words,
        expression(),
        params,
    )
        .prop_map(|(decision, name, ty, (label, cite), body, params)| {
            let kind = if decision || ty.is_some() {
                DefinitionKind::Decision
            } else {
                DefinitionKind::Rule
            };
            let ty = match kind {
                DefinitionKind::Decision => {
                    Some(ty.unwrap_or_else(|| TypeExpr::Named(name.clone())))
                }
                DefinitionKind::Rule => None,
            };
            let params = match kind {
                DefinitionKind::Rule => params
                    .into_iter()
                    .map(|(name, ty)| Param { name, ty })
                    .collect(),
                DefinitionKind::Decision => Vec::new(),
            };
            Item::Definition(Definition {
                kind,
                name,
                params,
                ty,
                label,
                citation: cite.map(|text| Citation {
                    text,
                    span: Span::default(),
                }),
                body,
                span: Span::default(),
            })
        })
}

fn item() -> impl Strategy<Value = Item> {
    let variants = prop::collection::vec((name(), prop::option::of(text_value())), 1..4)
        .prop_filter("distinct variants", |v| unique_names(v));
    prop_oneof![
        1 => (name(), prop::option::of(text_value()), variants).prop_map(|(name, doc, variants)| {
            let variants = variants.into_iter().map(|(name, doc)| Variant { name, doc }).collect();
            Item::Enum(EnumDef { name, doc, variants })
        }),
        1 => (name(), fields(type_expr())).prop_map(|(name, fields)| Item::Record(RecordDef { name, fields })),
        1 => fields(type_expr()).prop_map(|fields| Item::Facts(FactsDef { fields, span: Span::default() })),
        3 => definition(),
    ]
}

fn policy_file() -> impl Strategy<Value = PolicyFile> {
    let header = (name(), text_value(), text_value(), text_value(), date()).prop_map(
        |(name, title, jurisdiction, source, effective)| Header {
            name,
            title,
            jurisdiction,
            source,
            effective,
            span: Span::default(),
        },
    );
    (header, prop::collection::vec(item(), 0..6))
        .prop_map(|(header, items)| PolicyFile { header, items })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn printed_trees_parse_back_to_themselves(file in policy_file()) {
        let printed = pretty::print(&file);
        let reparsed = syntax::parse(&SourceFile::new("generated.policy", printed.clone()))
            .map_err(|e| TestCaseError::fail(format!("{e:?}\n{printed}")))?;
        prop_assert!(
            pretty::same_meaning(&file, &reparsed),
            "the tree changed:\n{}\n{:#?}\n{:#?}",
            printed,
            pretty::without_spans(&file),
            pretty::without_spans(&reparsed)
        );
        let again = pretty::format(&SourceFile::new("generated.policy", printed.clone()))
            .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        prop_assert_eq!(again, printed);
    }
}
