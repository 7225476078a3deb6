//! The mistakes the checker finds, as data with spans; wording lives in the
//! `#[error]` and `help` attributes, rendering in `crate::diagnostic`.

use crate::source::Span;
use miette::Diagnostic;
use thiserror::Error;

/// A static error in a policy that parsed.
#[derive(Debug, Clone, PartialEq, Eq, Error, Diagnostic)]
#[non_exhaustive]
pub enum CheckError {
    /// A name that is not a fact, rule, decision or enumeration value, e.g.
    /// `recipient.homles` for `recipient.homeless`.
    #[error("unknown name `{name}`")]
    #[diagnostic(code(policyc::check::unknown_name), help("{help}"))]
    UnknownName {
        /// The name.
        #[label("not declared")]
        span: Span,
        /// The name as written.
        name: String,
        /// "did you mean" or what is available.
        help: String,
    },
    /// A bare name that is both a fact (or rule) and a value of the enum
    /// expected here, where the fact was taken and does not fit.
    #[error("`{name}` here is the {taken}, not the value `{enumeration}.{name}`")]
    #[diagnostic(
        code(policyc::check::shadowed_value),
        help(
            "a fact, rule or decision hides an enum value of the same name; for the value, write `{enumeration}.{name}`"
        )
    )]
    ShadowedValue {
        /// The name.
        #[label("the {taken}")]
        span: Span,
        /// The name as written.
        name: String,
        /// What it was taken as: "fact `youth` (a boolean)".
        taken: String,
        /// The enumeration whose value it also is.
        enumeration: String,
    },
    /// A field a record does not have, e.g. `stay.admited`.
    #[error("`{record}` has no field `{field}`")]
    #[diagnostic(code(policyc::check::unknown_field), help("{help}"))]
    UnknownField {
        /// The field name.
        #[label("no such field")]
        span: Span,
        /// The record type.
        record: String,
        /// The field.
        field: String,
        /// "did you mean" or the fields there are.
        help: String,
    },
    /// A type name that is neither built in nor declared, e.g. `list of Sty`.
    #[error("unknown type `{name}`")]
    #[diagnostic(code(policyc::check::unknown_type), help("{help}"))]
    UnknownType {
        /// The name.
        #[label("not a type")]
        span: Span,
        /// The name as written.
        name: String,
        /// "did you mean" or the types there are.
        help: String,
    },
    /// A value of the wrong type, e.g. `birth_date > 18`.
    #[error("{context} must be {expected}, but this is {found}")]
    #[diagnostic(code(policyc::check::type_mismatch), help("{help}"))]
    TypeMismatch {
        /// The offending expression.
        #[label("{found}")]
        span: Span,
        /// What the place requires.
        context: String,
        /// The type wanted.
        expected: String,
        /// The type found.
        found: String,
        /// How to fix it.
        help: String,
    },
    /// Two sides that cannot be compared or combined, e.g. a date and an integer.
    #[error("cannot use `{op}` between {left} and {right}")]
    #[diagnostic(code(policyc::check::operand_types), help("{help}"))]
    OperandTypes {
        /// The whole expression.
        #[label("{left} {op} {right}")]
        span: Span,
        /// The operator.
        op: String,
        /// The left type.
        left: String,
        /// The right type.
        right: String,
        /// How to fix it.
        help: String,
    },
    /// An aggregate over something that is not a list, e.g. `count(recipient.age)`.
    #[error("`{aggregate}` needs a list, but this is {found}")]
    #[diagnostic(
        code(policyc::check::not_a_list),
        help("aggregates run over facts declared as `list of …`")
    )]
    NotAList {
        /// The operand.
        #[label("{found}, not a list")]
        span: Span,
        /// The aggregate.
        aggregate: String,
        /// The type found.
        found: String,
    },
    /// A name declared twice, e.g. two rules called `eligible`.
    #[error("`{name}` is declared more than once")]
    #[diagnostic(
        code(policyc::check::duplicate),
        help(
            "rename one of them; facts, rules and decisions share one set of names, and so do enums and records"
        )
    )]
    Duplicate {
        /// The later declaration.
        #[label("declared again here")]
        span: Span,
        /// The first declaration.
        #[label("first declared here")]
        first: Span,
        /// The name.
        name: String,
    },
    /// Rules that depend on themselves, e.g. `rule a = b` and `rule b = a`.
    #[error("rules refer to each other in a cycle: {cycle}")]
    #[diagnostic(
        code(policyc::check::cycle),
        help(
            "a rule cannot depend on itself, directly or through others; break the cycle by restating one rule from facts"
        )
    )]
    Cycle {
        /// The first rule of the cycle.
        #[label("this rule depends on itself")]
        span: Span,
        /// `a → b → a`.
        cycle: String,
    },
    /// A function that does not exist, e.g. `ages(birth_date)`.
    #[error("unknown function `{name}`")]
    #[diagnostic(code(policyc::check::unknown_function), help("{help}"))]
    UnknownFunction {
        /// The name.
        #[label("no such function")]
        span: Span,
        /// The name as written.
        name: String,
        /// "did you mean" and the functions there are.
        help: String,
    },
    /// A call with the wrong number of arguments, e.g. `days_between(a)`.
    #[error("`{name}` takes {expected}, but {found} given")]
    #[diagnostic(code(policyc::check::arity), help("write it as `{usage}`"))]
    Arity {
        /// The call.
        #[label("wrong number of arguments")]
        span: Span,
        /// The function.
        name: String,
        /// What it takes.
        expected: String,
        /// How many were given, as words: "1 was", "3 were".
        found: String,
        /// Its form.
        usage: String,
    },
    /// A rule with parameters used without them, or a call of a rule that
    /// has none.
    #[error("{message}")]
    #[diagnostic(code(policyc::check::rule_arguments), help("{help}"))]
    RuleArguments {
        /// The use.
        #[label("here")]
        span: Span,
        /// What is wrong.
        message: String,
        /// How to write it.
        help: String,
    },
    /// A record literal whose fields do not match its type.
    #[error("{message}")]
    #[diagnostic(code(policyc::check::record_fields), help("{help}"))]
    RecordFields {
        /// The record literal or field.
        #[label("here")]
        span: Span,
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: String,
    },
    /// Versions whose dates overlap, leave a gap, or do not start on the
    /// policy's effective date.
    #[error("{message}")]
    #[diagnostic(code(policyc::check::version_ranges), help("{help}"))]
    VersionRanges {
        /// The version at fault.
        #[label("this version")]
        span: Span,
        /// The other version (or the header) involved.
        #[label("the version before it")]
        other: Option<Span>,
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: String,
    },
    /// A decision table whose rows overlap, leave inputs uncovered, or can
    /// never be chosen.
    #[error("{message}")]
    #[diagnostic(code(policyc::check::table), help("{help}"))]
    Table {
        /// The row at fault (or the table).
        #[label("{what}")]
        span: Span,
        /// What the span is: "this row" or "this table".
        what: String,
        /// The earlier row involved, if any.
        #[label("the earlier row")]
        other: Option<Span>,
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: String,
    },
    /// A built-in type name used for an enum or record, e.g. `enum date { … }`.
    #[error("`{name}` is a built-in type and cannot be redeclared")]
    #[diagnostic(code(policyc::check::reserved_type), help("choose another name"))]
    ReservedType {
        /// The name.
        #[label("built-in type")]
        span: Span,
        /// The name.
        name: String,
    },
    /// A rule or decision that, with the rules it uses inside it, is deeper
    /// than the limit, e.g. a chain of thousands of rules each using the
    /// one before.
    #[error("`{name}` is more than {limit} levels deep, counting the rules it uses")]
    #[diagnostic(
        code(policyc::check::too_deep),
        help(
            "each rule used counts with its own depth; use fewer levels of rules within rules, or combine some of them"
        )
    )]
    TooDeep {
        /// The definition's name.
        #[label("too deep")]
        span: Span,
        /// Its name.
        name: String,
        /// The limit.
        limit: usize,
    },
    /// `it` declared as a field, fact, rule, decision, enum value or type,
    /// e.g. `record R { it: integer }`: inside an aggregate `it` is always
    /// the list entry, so such a name could not be told apart from it.
    #[error("`it` cannot be the name of {what}")]
    #[diagnostic(
        code(policyc::check::reserved_it),
        help(
            "inside `count`, `exists`, `every`, `sum`, `min` and `max`, `it` is the list entry itself; choose another name, e.g. `item`"
        )
    )]
    ReservedIt {
        /// The name.
        #[label("reserved for the list entry")]
        span: Span,
        /// What it names, e.g. "a record field".
        what: String,
    },
}

/// Something legal but likely wrong.
#[derive(Debug, Clone, PartialEq, Eq, Error, Diagnostic)]
#[non_exhaustive]
pub enum CheckWarning {
    /// A decision with no `cite`: its determinations could not be traced to the manual.
    #[error("decision `{name}` has no citation")]
    #[diagnostic(
        code(policyc::check::uncited_decision),
        severity(Warning),
        help(
            "add `cite \"section, bullet\"` after the decision's type and words, so every determination points to the manual"
        )
    )]
    UncitedDecision {
        /// The decision's name.
        #[label("no `cite`")]
        span: Span,
        /// Its name.
        name: String,
    },
}
