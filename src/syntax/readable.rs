//! Turns pest's failures into plain-words `SyntaxError`s: grammar rule names
//! become phrases an analyst understands, and common slips get a hint.

use super::error::SyntaxError;
use super::grammar::Rule as G;
use crate::source::{SourceFile, Span};

/// Converts a pest error on `source` into a readable syntax error.
pub(crate) fn from_pest(source: &SourceFile, error: &pest::error::Error<G>) -> SyntaxError {
    let offset = match error.location {
        pest::error::InputLocation::Pos(pos) => pos,
        pest::error::InputLocation::Span((start, _)) => start,
    };
    let (positives, negatives) = match &error.variant {
        pest::error::ErrorVariant::ParsingError {
            positives,
            negatives,
        } => (positives.clone(), negatives.clone()),
        pest::error::ErrorVariant::CustomError { .. } => (Vec::new(), Vec::new()),
    };
    if let Some(error) = not_ascii(&source.text, offset) {
        return error;
    }
    let found = describe_found(&source.text, offset);
    let mut phrases: Vec<&'static str> = positives.iter().filter_map(|r| phrase(*r)).collect();
    if negatives.contains(&G::keyword) {
        phrases.push("a name that is not a reserved word");
    }
    phrases.sort_unstable();
    phrases.dedup();
    let expected = join_phrases(&phrases);
    let help = hint(&source.text, offset, &phrases);
    SyntaxError::Unexpected {
        span: token_span(&source.text, offset),
        expected,
        found,
        help,
    }
}

/// The phrase for a grammar rule, or `None` for rules that only repeat what
/// another phrase says.
fn phrase(rule: G) -> Option<&'static str> {
    Some(match rule {
        G::EOI => "the end of the file",
        G::string | G::text | G::label => "text in double quotes",
        G::string_inner => "the rest of the text and a closing `\"`",
        G::date => "a date (YYYY-MM-DD)",
        G::decimal | G::integer => "a number",
        G::unit => "a unit (days, weeks, months or years)",
        G::duration => "a length of time such as `15 days`",
        G::boolean => "`true` or `false`",
        G::name | G::type_name => "a name",
        G::keyword => "a reserved word",
        G::list_type => "`list of`",
        G::record_type | G::record_literal => "`{`",
        G::field_decl => "a field such as `birth_date: date`",
        G::expr
        | G::or_expr
        | G::and_expr
        | G::not_expr
        | G::cmp_expr
        | G::sum_expr
        | G::product_expr
        | G::unary_expr
        | G::postfix_expr => "an expression",
        G::compare_tail | G::compare_op => "a comparison such as `>=`",
        G::within_tail => "`within`",
        G::past_tail => "`in the past`",
        G::member_tail => "`in [`",
        G::op_or | G::op_and => "`and` / `or`",
        G::op_not => "`not`",
        G::op_neg => "`-`",
        G::add_op | G::mul_op => "an arithmetic operator",
        G::direction => "`before`, `after` or `of`",
        G::as_of => "`as_of`",
        G::aggregate | G::aggregate_kind => "an aggregate such as `count(`",
        G::aggregate_list | G::filter => "an expression",
        G::call => "a function call",
        G::episode => "`episode(`",
        G::table => "`table`",
        G::hit_policy => "`unique` or `first`",
        G::table_row => "a row starting with `|`",
        G::cell | G::any_cell => "a cell (a value, a list of values, or `any`)",
        G::episode_start | G::episode_end => "an expression",
        G::conditional => "`if`",
        G::field_value => "a field such as `days: 90`",
        G::list_literal => "`[`",
        G::criteria | G::quantifier => "`all of`, `any of`, `none of` or `at least N of`",
        G::all_of | G::any_of | G::none_of | G::at_least_of => {
            "`all of`, `any of`, `none of` or `at least N of`"
        }
        G::criterion => "a criterion",
        G::equals => "`=` before the body",
        G::comma => "`,`",
        G::close_brace => "`}`",
        G::citation => "`cite \"…\"`",
        G::header => "the `policy` header",
        G::header_field => "a header line such as `title \"…\"`",
        G::enum_def => "`enum`",
        G::enum_variant => "an enumeration value",
        G::record_def => "`record`",
        G::facts_def => "`facts`",
        G::rule_def => "`rule`",
        G::decision_def => "`decision`",
        G::version_def => "`version`",
        G::import_def => "`import`",
        _ => return None,
    })
}

/// Joins phrases as "a, b or c".
fn join_phrases(phrases: &[&str]) -> String {
    match phrases {
        [] => "something else".to_owned(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// A character that is not ASCII in the word at `offset` (or right after
/// it): names are ASCII, and an invisible character such as a no-break
/// space is named by its code point, since it cannot be seen.
fn not_ascii(text: &str, offset: usize) -> Option<SyntaxError> {
    let in_word = |c: char| c.is_alphanumeric() || c == '_' || !c.is_ascii();
    let before = text.get(..offset)?;
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| in_word(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    let rest = text.get(start..)?;
    let (at, c) = rest
        .char_indices()
        .take_while(|(_, c)| in_word(*c) || c.is_whitespace() && !c.is_ascii())
        .find(|(_, c)| !c.is_ascii())?;
    let at = start + at;
    let code = format!("U+{:04X}", u32::from(c));
    let (found, what) = match invisible(c) {
        Some(name) => (
            format!("an invisible {name} ({code})"),
            format!("a {name} ({code})"),
        ),
        None => (format!("`{c}` ({code})"), format!("`{c}` ({code})")),
    };
    Some(SyntaxError::Unexpected {
        span: Span::new(at, at + c.len_utf8()),
        expected: "a name or a symbol of the language".to_owned(),
        found,
        help: format!(
            "names are ASCII letters, digits and `_`, and spaces are ordinary spaces; remove or replace {what}"
        ),
    })
}

/// The name of a character that shows as nothing or as a plain space.
fn invisible(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{00A0}' => "no-break space",
        '\u{00AD}' => "soft hyphen",
        '\u{200B}' => "zero-width space",
        '\u{200C}' => "zero-width non-joiner",
        '\u{200D}' => "zero-width joiner",
        '\u{2060}' => "word joiner",
        '\u{202F}' => "narrow no-break space",
        '\u{2007}' => "figure space",
        '\u{3000}' => "ideographic space",
        '\u{FEFF}' => "zero-width no-break space (byte-order mark)",
        '\u{2028}' => "line separator",
        '\u{2029}' => "paragraph separator",
        c if c.is_whitespace() => "space",
        _ => return None,
    })
}

/// Describes what stands at `offset`: a word, a symbol or the end.
fn describe_found(text: &str, offset: usize) -> String {
    let rest = text.get(offset..).unwrap_or("");
    let Some(first) = rest.chars().next() else {
        return "end of file".to_owned();
    };
    if first == '\n' || first == '\r' {
        return "end of line".to_owned();
    }
    if first.is_alphanumeric() || first == '_' {
        let word: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
            .take(40)
            .collect();
        return format!("`{word}`");
    }
    format!("`{first}`")
}

/// A span over the token at `offset` (at least one character, when there is one).
fn token_span(text: &str, offset: usize) -> Span {
    let rest = text.get(offset..).unwrap_or("");
    let len = match rest.chars().next() {
        None => 0,
        Some(c) if c.is_alphanumeric() || c == '_' => rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .map(char::len_utf8)
            .sum(),
        Some(c) => c.len_utf8(),
    };
    Span::new(offset, offset + len)
}

/// The reserved word at the start of `rest`, if there is one.
fn reserved_word(rest: &str) -> Option<&str> {
    const RESERVED: [&str; 28] = [
        "policy", "enum", "record", "facts", "rule", "decision", "cite", "and", "or", "not",
        "true", "false", "all", "any", "none", "at", "of", "where", "in", "if", "then", "else",
        "within", "before", "after", "as_of", "list", "unless",
    ];
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let word = rest.get(..end)?;
    RESERVED.contains(&word).then_some(word)
}

/// Hints for lengths and times written as people write them: `2hrs`,
/// `2days`, `4pm`, `16:00`, `2 hours`.
fn time_hint(before: &str, rest: &str) -> Option<String> {
    const NO_CLOCK: &str = "times of day and lengths in hours or minutes are not part of the language yet; give them as whole numbers (for example `minutes: integer \"Length of the visit in minutes\"`) and compare the numbers";
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    let word: String = rest
        .get(digits..)
        .unwrap_or("")
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .collect::<String>()
        .to_ascii_lowercase();
    let clock = [
        "am", "pm", "h", "hr", "hrs", "hour", "hours", "min", "mins", "minute", "minutes",
    ];
    if digits > 0 && !word.is_empty() {
        if clock.contains(&word.as_str()) {
            return Some(NO_CLOCK.to_owned());
        }
        let units = [
            ("d", "days"),
            ("day", "days"),
            ("days", "days"),
            ("wk", "weeks"),
            ("week", "weeks"),
            ("weeks", "weeks"),
            ("mo", "months"),
            ("month", "months"),
            ("months", "months"),
            ("y", "years"),
            ("yr", "years"),
            ("yrs", "years"),
            ("year", "years"),
            ("years", "years"),
        ];
        if let Some((_, unit)) = units.iter().find(|(w, _)| *w == word) {
            let number = rest.get(..digits).unwrap_or("");
            return Some(format!(
                "write a length of time as a number, a space and the unit: `{number} {unit}`"
            ));
        }
    }
    let after_number = before.ends_with(|c: char| c.is_ascii_digit());
    if after_number && clock.contains(&word.as_str()) && digits == 0 {
        return Some(NO_CLOCK.to_owned());
    }
    if after_number
        && rest.starts_with(':')
        && rest
            .get(1..3)
            .is_some_and(|m| m.chars().all(|c| c.is_ascii_digit()))
    {
        return Some(NO_CLOCK.to_owned());
    }
    None
}

/// Hints for the header of a rule with parameters written another way.
fn parameters_hint(text: &str, offset: usize) -> Option<String> {
    let line_start = text.get(..offset)?.rfind('\n').map_or(0, |n| n + 1);
    let line_end = text
        .get(offset..)?
        .find('\n')
        .map_or(text.len(), |n| offset + n);
    let line = text.get(line_start..line_end)?.trim_start();
    let upto = text.get(line_start..offset)?.trim_start();
    let name_then_paren = |keyword: &str| {
        line.strip_prefix(keyword).is_some_and(|rest| {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            !name.is_empty() && rest.get(name.len()..).is_some_and(|r| r.starts_with('('))
        })
    };
    if name_then_paren("decision ") {
        return Some("only rules take parameters: write the test as a rule, `rule name(p: Type): boolean = …`, and call it from the decision".to_owned());
    }
    if !name_then_paren("rule ") {
        return None;
    }
    if upto.contains('(') && !upto.contains(')') {
        return Some("write each parameter as `name: Type`, separated by commas: `rule licensed(l: Licence, on: date): boolean = …`".to_owned());
    }
    if upto.trim_end().ends_with(')') {
        return Some("after the parameters, write `: Type` for the rule's type, then its words, citation and `= …`: `rule licensed(l: Licence): boolean = …`".to_owned());
    }
    None
}

/// A hint for the most common slips, else a general one.
fn hint(text: &str, offset: usize, expected: &[&str]) -> String {
    let before = text.get(..offset).unwrap_or("").trim_end();
    let rest = text.get(offset..).unwrap_or("");
    let line_rest = rest.split('\n').next().unwrap_or("");
    if line_rest.starts_with('"') && line_rest.matches('"').count() % 2 == 1 {
        return "this text is not closed: add `\"` before the end of the line; join long text as \"part one \" \"part two\"".to_owned();
    }
    if rest.starts_with("==") || (rest.starts_with('=') && before.ends_with('=')) {
        return "equality is written with a single `=`".to_owned();
    }
    if let Some(help) = time_hint(before, rest) {
        return help;
    }
    if let Some(help) = parameters_hint(text, offset) {
        return help;
    }
    let after_a_test = before.ends_with(|c: char| c.is_alphanumeric() || c == ')' || c == '_');
    if reserved_word(rest) == Some("unless") && after_a_test {
        return "`unless` gives a criterion of a criteria list its exception; write it inside the list: `all of { \"words\": test unless \"exception\": other_test }`".to_owned();
    }
    if let Some(word) = reserved_word(rest) {
        return format!(
            "`{word}` is a reserved word of the language; choose another name, e.g. `{word}_flag`"
        );
    }
    if rest.starts_with('"') && before.ends_with(|c: char| c == '"' || c.is_alphanumeric()) {
        return "separate criteria with commas, and put a `:` between a criterion's words and its test".to_owned();
    }
    if expected.contains(&"a name that is not a reserved word") {
        return "this word is reserved by the language; choose another name, e.g. add a suffix"
            .to_owned();
    }
    if rest.is_empty() {
        return "the file ends too early: check for an unclosed `{`, `(` or `[`".to_owned();
    }
    "see docs/language.md for the form of each construct".to_owned()
}
