//! Lowers pest pairs into the typed AST, one `lower_*` function per grammar
//! rule. An unexpected shape becomes a located internal error, never a panic.

use super::error::SyntaxError;
use super::grammar::Rule as G;
use super::literal;
use crate::ast::*;
use crate::source::Span;
use pest::iterators::{Pair, Pairs};
use std::iter::Peekable;

type Result<T> = std::result::Result<T, SyntaxError>;

/// The deepest expression tree accepted.
pub const MAX_EXPRESSION_DEPTH: usize = 200;

/// The span of a pair, without the spaces and comments the grammar skipped
/// after its last token.
pub(crate) fn span_of(pair: &Pair<'_, G>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), s.start() + trimmed_len(pair.as_str()))
}

/// The length of `text` without trailing whitespace and whole trailing
/// comment lines.
fn trimmed_len(text: &str) -> usize {
    let mut end = text.trim_end().len();
    loop {
        let body = text.get(..end).unwrap_or("");
        let line_start = body.rfind('\n').map_or(0, |i| i + 1);
        let last_line = body.get(line_start..).unwrap_or("");
        if line_start > 0 && last_line.trim_start().starts_with('#') {
            end = body.get(..line_start).unwrap_or("").trim_end().len();
        } else {
            return end;
        }
    }
}

/// The children of a pair that carry meaning: keyword tokens are left out.
pub(crate) type Inner<'i> = std::iter::Filter<Pairs<'i, G>, fn(&Pair<'i, G>) -> bool>;

/// The meaningful children of a pair.
pub(crate) fn inner(pair: Pair<'_, G>) -> Inner<'_> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule()))
}

/// Whether a rule is a keyword or punctuation token, which only guides the parse.
fn is_keyword(rule: G) -> bool {
    matches!(
        rule,
        G::equals
            | G::comma
            | G::close_brace
            | G::kw_policy
            | G::kw_enum
            | G::kw_record
            | G::kw_facts
            | G::kw_rule
            | G::kw_decision
            | G::kw_cite
            | G::kw_list
            | G::kw_of
            | G::kw_where
            | G::kw_if
            | G::kw_then
            | G::kw_else
            | G::kw_in
            | G::kw_the
            | G::kw_past
            | G::kw_least
            | G::kw_within
            | G::kw_all
            | G::kw_episode
            | G::kw_version
            | G::kw_table
            | G::kw_import
            | G::kw_effective
            | G::kw_until
            | G::kw_from
            | G::kw_to
            | G::kw_any
            | G::kw_none
            | G::kw_at
    )
}

/// The children of one pair, taken in order.
pub(crate) struct Children<'i> {
    inner: Peekable<Inner<'i>>,
    parent: Span,
}

impl<'i> Children<'i> {
    pub(crate) fn of(pair: Pair<'i, G>) -> Self {
        let parent = span_of(&pair);
        Self {
            inner: inner(pair).peekable(),
            parent,
        }
    }

    /// The next child, which must be of rule `rule`.
    pub(crate) fn expect(&mut self, rule: G) -> Result<Pair<'i, G>> {
        match self.inner.next() {
            Some(pair) if pair.as_rule() == rule => Ok(pair),
            Some(pair) => Err(internal(
                span_of(&pair),
                format!("expected {rule:?}, found {:?}", pair.as_rule()),
            )),
            None => Err(internal(self.parent, format!("expected {rule:?}"))),
        }
    }

    /// The next child if it is of rule `rule`.
    pub(crate) fn optional(&mut self, rule: G) -> Option<Pair<'i, G>> {
        match self.inner.peek() {
            Some(pair) if pair.as_rule() == rule => self.inner.next(),
            _ => None,
        }
    }

    /// The next child, whatever its rule.
    pub(crate) fn any(&mut self) -> Result<Pair<'i, G>> {
        self.inner
            .next()
            .ok_or_else(|| internal(self.parent, "expected more".to_owned()))
    }

    /// The remaining children.
    pub(crate) fn rest(self) -> Peekable<Inner<'i>> {
        self.inner
    }
}

/// A located "this is a bug" error.
pub(crate) fn internal(span: Span, what: String) -> SyntaxError {
    SyntaxError::Internal { span, what }
}

/// Lowers a `file` pair; collects every lowering error of every item.
pub(crate) fn lower_file(pair: Pair<'_, G>) -> std::result::Result<PolicyFile, Vec<SyntaxError>> {
    let mut children = Children::of(pair);
    let mut errors = Vec::new();
    let header = children
        .expect(G::header)
        .and_then(lower_header)
        .map_err(|e| errors.push(e))
        .ok();
    let mut items = Vec::new();
    for pair in children.rest() {
        if pair.as_rule() == G::EOI {
            continue;
        }
        match lower_item(pair) {
            Ok(item) => items.push(item),
            Err(error) => errors.push(error),
        }
    }
    match header {
        Some(header) if errors.is_empty() => Ok(PolicyFile { header, items }),
        _ => Err(errors),
    }
}

fn lower_item(pair: Pair<'_, G>) -> Result<Item> {
    let item = match pair.as_rule() {
        G::enum_def => Item::Enum(lower_enum(pair)?),
        G::record_def => Item::Record(lower_record_def(pair)?),
        G::facts_def => Item::Facts(lower_facts(pair)?),
        G::rule_def => Item::Definition(lower_definition(pair, DefinitionKind::Rule)?),
        G::decision_def => Item::Definition(lower_definition(pair, DefinitionKind::Decision)?),
        G::version_def => Item::Version(lower_version(pair)?),
        G::import_def => {
            let span = span_of(&pair);
            let path = lower_text(Children::of(pair).expect(G::text)?)?;
            Item::Import(Import { path, span })
        }
        other => {
            return Err(internal(
                span_of(&pair),
                format!("unexpected item {other:?}"),
            ));
        }
    };
    Ok(item)
}

// ------------------------------------------------------------------ header

const HEADER_FIELDS: [(&str, &str); 4] = [
    (
        "title",
        "title \"Intensive Residential Treatment Services (IRTS)\"",
    ),
    (
        "jurisdiction",
        "jurisdiction \"Minnesota Health Care Programs (MHCP)\"",
    ),
    ("source", "source \"MHCP Provider Manual, IRTS section\""),
    ("effective", "effective 2012-02-07"),
];

fn lower_header(pair: Pair<'_, G>) -> Result<Header> {
    let span = span_of(&pair);
    let mut children = Children::of(pair);
    let name = lower_name(children.expect(G::name)?);
    let mut seen: Vec<(String, Span, Pair<'_, G>)> = Vec::new();
    for field in children.rest() {
        let mut parts = Children::of(field);
        let key = lower_name(parts.expect(G::name)?);
        let value = parts.any()?;
        if !HEADER_FIELDS.iter().any(|(k, _)| *k == key.text) {
            return Err(unknown_header_field(&key));
        }
        if let Some((_, first, _)) = seen.iter().find(|(k, _, _)| *k == key.text) {
            return Err(SyntaxError::DuplicateHeaderField {
                span: key.span,
                first: *first,
                field: key.text,
            });
        }
        seen.push((key.text, key.span, value));
    }
    let get = |field: &str| -> Result<Pair<'_, G>> {
        seen.iter()
            .find(|(k, _, _)| k == field)
            .map(|(_, _, v)| v.clone())
            .ok_or_else(|| SyntaxError::MissingHeaderField {
                span,
                field: field.to_owned(),
                example: example_for(field),
            })
    };
    Ok(Header {
        name,
        title: header_text("title", get("title")?)?,
        jurisdiction: header_text("jurisdiction", get("jurisdiction")?)?,
        source: header_text("source", get("source")?)?,
        effective: header_date("effective", get("effective")?)?,
        span,
    })
}

fn example_for(field: &str) -> String {
    HEADER_FIELDS
        .iter()
        .find(|(k, _)| *k == field)
        .map(|(_, example)| format!("`{example}`"))
        .unwrap_or_default()
}

fn unknown_header_field(key: &Name) -> SyntaxError {
    let names: Vec<&str> = HEADER_FIELDS.iter().map(|(k, _)| *k).collect();
    let help = match crate::suggest::closest(&key.text, names.iter().copied()) {
        Some(best) => format!(
            "did you mean `{best}`? The header fields are {}",
            names.join(", ")
        ),
        None => format!("the header fields are {}", names.join(", ")),
    };
    SyntaxError::UnknownHeaderField {
        span: key.span,
        field: key.text.clone(),
        help,
    }
}

fn header_text(field: &str, pair: Pair<'_, G>) -> Result<String> {
    if pair.as_rule() == G::text {
        return lower_text(pair);
    }
    Err(SyntaxError::HeaderValue {
        span: span_of(&pair),
        field: field.to_owned(),
        expected: "text in double quotes".to_owned(),
        example: example_for(field),
    })
}

fn header_date(field: &str, pair: Pair<'_, G>) -> Result<jiff::civil::Date> {
    if pair.as_rule() == G::date {
        return literal::date(&pair);
    }
    Err(SyntaxError::HeaderValue {
        span: span_of(&pair),
        field: field.to_owned(),
        expected: "a date written YYYY-MM-DD".to_owned(),
        example: example_for(field),
    })
}

// ------------------------------------------------------------------ declarations

fn lower_enum(pair: Pair<'_, G>) -> Result<EnumDef> {
    let mut children = Children::of(pair);
    let name = lower_name(children.expect(G::name)?);
    let doc = children.optional(G::text).map(lower_text).transpose()?;
    let mut variants = Vec::new();
    for variant in children.rest() {
        let mut parts = Children::of(variant);
        let name = lower_name(parts.expect(G::name)?);
        let doc = parts.optional(G::text).map(lower_text).transpose()?;
        variants.push(Variant { name, doc });
    }
    Ok(EnumDef {
        name,
        doc,
        variants,
    })
}

fn lower_record_def(pair: Pair<'_, G>) -> Result<RecordDef> {
    let mut children = Children::of(pair);
    let name = lower_name(children.expect(G::name)?);
    let fields = lower_fields(children.expect(G::record_type)?)?;
    Ok(RecordDef { name, fields })
}

fn lower_facts(pair: Pair<'_, G>) -> Result<FactsDef> {
    let span = span_of(&pair);
    let mut children = Children::of(pair);
    let fields = lower_fields(children.expect(G::record_type)?)?;
    Ok(FactsDef {
        fields,
        span: Span::new(span.start, span.start + "facts".len()),
    })
}

fn lower_fields(pair: Pair<'_, G>) -> Result<Vec<FieldDecl>> {
    let mut fields: Vec<FieldDecl> = Vec::new();
    for field in inner(pair) {
        let mut parts = Children::of(field);
        let name = lower_name(parts.expect(G::name)?);
        let ty = lower_type(parts.any()?)?;
        let doc = parts.optional(G::text).map(lower_text).transpose()?;
        if let Some(first) = fields.iter().find(|f| f.name.text == name.text) {
            return Err(SyntaxError::DuplicateField {
                span: name.span,
                first: first.name.span,
                field: name.text,
            });
        }
        fields.push(FieldDecl { name, ty, doc });
    }
    Ok(fields)
}

fn lower_type(pair: Pair<'_, G>) -> Result<TypeExpr> {
    let span = span_of(&pair);
    match pair.as_rule() {
        G::type_name => Ok(TypeExpr::Named(lower_name(
            Children::of(pair).expect(G::name)?,
        ))),
        G::list_type => {
            let element = lower_type(Children::of(pair).any()?)?;
            Ok(TypeExpr::List(Box::new(element), span))
        }
        G::record_type => Ok(TypeExpr::Record(lower_fields(pair)?, span)),
        other => Err(internal(span, format!("unexpected type {other:?}"))),
    }
}

fn lower_definition(pair: Pair<'_, G>, kind: DefinitionKind) -> Result<Definition> {
    let span = span_of(&pair);
    let mut children = Children::of(pair);
    let name = lower_name(children.expect(G::name)?);
    let mut ty = None;
    let mut label = None;
    let mut citation = None;
    let mut body = None;
    let mut params = Vec::new();
    for part in children.rest() {
        match part.as_rule() {
            G::params => {
                for param in part.into_inner() {
                    let mut parts = Children::of(param);
                    let name = lower_name(parts.expect(G::name)?);
                    let ty = lower_type(parts.any()?)?;
                    params.push(Param { name, ty });
                }
            }
            G::label => label = Some(lower_text(Children::of(part).expect(G::text)?)?),
            G::citation => citation = Some(lower_citation(part)?),
            G::expr => body = Some(lower_expr(part)?),
            _ => ty = Some(lower_type(part)?),
        }
    }
    let body = body.ok_or_else(|| internal(span, "definition without a body".to_owned()))?;
    check_depth(&body)?;
    Ok(Definition {
        kind,
        name,
        params,
        ty,
        label,
        citation,
        body,
        span,
    })
}

fn lower_version(pair: Pair<'_, G>) -> Result<VersionDef> {
    let span = span_of(&pair);
    let mut children = Children::of(pair);
    let name_pair = children.expect(G::text)?;
    let name_span = span_of(&name_pair);
    let name = lower_text(name_pair)?;
    let effective = literal::date(&children.expect(G::date)?)?;
    let until = children
        .optional(G::date)
        .map(|d| literal::date(&d))
        .transpose()?;
    let mut definitions = Vec::new();
    for part in children.rest() {
        let kind = match part.as_rule() {
            G::decision_def => DefinitionKind::Decision,
            _ => DefinitionKind::Rule,
        };
        definitions.push(lower_definition(part, kind)?);
    }
    Ok(VersionDef {
        name,
        name_span,
        effective,
        until,
        definitions,
        span,
    })
}

fn check_depth(expr: &Expr) -> Result<()> {
    if expr.depth() > MAX_EXPRESSION_DEPTH {
        return Err(SyntaxError::ExpressionTooDeep {
            span: expr.span,
            limit: MAX_EXPRESSION_DEPTH,
        });
    }
    Ok(())
}

fn lower_citation(pair: Pair<'_, G>) -> Result<Citation> {
    let text_pair = Children::of(pair).expect(G::text)?;
    let span = span_of(&text_pair);
    Ok(Citation {
        text: lower_text(text_pair)?,
        span,
    })
}

// ------------------------------------------------------------------ leaves

pub(crate) fn lower_name(pair: Pair<'_, G>) -> Name {
    Name {
        text: pair.as_str().to_owned(),
        span: span_of(&pair),
    }
}

/// Joins the pieces of a `text` and resolves escapes.
pub(crate) fn lower_text(pair: Pair<'_, G>) -> Result<String> {
    let mut out = String::new();
    for piece in inner(pair) {
        let inner = Children::of(piece).expect(G::string_inner)?;
        literal::unescape(inner.as_str(), span_of(&inner).start, &mut out)?;
    }
    Ok(out)
}

pub(crate) use super::expr::lower_expr;
