//! policyc: Medicaid provider-manual sections as checked, explainable policy.
//!
//! The way in is [`engine`]: load a `.policy` file into a [`Policy`] (every
//! effective-dated version, checked), [`Policy::prepare`] the decisions you
//! want once, then evaluate members' facts with [`Prepared::evaluate`]. The
//! version is chosen from the date of service inside the evaluation, so a
//! versioned policy cannot be evaluated under the wrong one. `Policy` and
//! `Prepared` are `Send + Sync` and cheap to clone.
//!
//! ```
//! use policyc::{Date, Options, Policy};
//!
//! let policy = Policy::from_text("adult.policy", r#"
//!     policy adult
//!       title "Adults" jurisdiction "Example" source "Example manual" effective 2020-01-01
//!     facts { birth_date: date }
//!     decision adult: boolean "Is age 18 years or older" cite "Eligibility, bullet 1" =
//!       age(birth_date) >= 18
//! "#)?;
//! let prepared = policy.prepare(&["adult"], Options::default())?;
//! let as_of: Date = "2026-03-01".parse()?;
//!
//! let facts = policy.facts_from_json(r#"{"birth_date": "2000-05-01"}"#)?;
//! let result = prepared.evaluate(&facts, as_of, None)?;
//! assert_eq!(result.decisions[0].value.as_bool(), Some(true));
//!
//! // Missing is not false: without a birth date the decision is unknown,
//! // and it names the fact to go and document.
//! let facts = policy.facts_from_json("{}")?;
//! let result = prepared.evaluate(&facts, as_of, None)?;
//! assert_eq!(result.decisions[0].value.as_bool(), None);
//! assert_eq!(result.decisions[0].missing, vec!["birth_date".into()]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Underneath, a `.policy` file goes through three stages, each with its
//! own type and module: text → [`ast::PolicyFile`] ([`syntax`]), syntax tree
//! → [`check::Checked`] per version ([`check`]), and checked + facts + dates
//! → [`Determination`] ([`eval`], reached only through the engine).

pub mod ast;
#[cfg(feature = "cli")]
pub mod atomic;
pub mod batch;
#[cfg(feature = "yaml")]
pub mod cases;
pub mod check;
#[cfg(feature = "cli")]
pub mod cli;
pub mod decimal;
pub mod describe;
pub mod diagnostic;
pub mod engine;
pub mod eval;
pub mod explain;
pub mod facts;
#[cfg(feature = "fhir")]
pub mod fhir;
pub mod imports;
pub mod json;
pub mod pretty;
#[cfg(feature = "server")]
pub mod server;
pub mod source;
pub mod suggest;
pub mod syntax;
pub mod truth;
pub mod value;

/// The README's Rust example, compiled and run as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExample;

pub use engine::{
    DecisionResult, Determination, Diagnostic, Diagnostics, Error, Facts, Format, Options, Policy,
    Prepared,
};
/// The calendar date policyc takes: `"2026-03-01".parse::<policyc::Date>()`.
pub use jiff::civil::Date;
