//! policyc: Medicaid provider-manual sections as checked, explainable policy.
//!
//! A `.policy` file goes through three stages, each with its own type:
//!
//! | stage | function | produces |
//! |---|---|---|
//! | text → syntax tree | [`syntax::parse`] | [`ast::PolicyFile`] |
//! | syntax tree → checked | [`check::check`] | [`check::Checked`] |
//! | checked + facts + date → determination | [`eval::evaluate`] | [`eval::Determination`] |
//!
//! ```
//! use policyc::{check, eval, facts, source::SourceFile, syntax};
//!
//! let policy = SourceFile::new("adult.policy", r#"
//!     policy adult
//!       title "Adults" jurisdiction "Example" source "Example manual" effective 2020-01-01
//!     facts { birth_date: date }
//!     decision adult: boolean "Is age 18 years or older" cite "Eligibility, bullet 1" =
//!       age(birth_date) >= 18
//! "#);
//! let ast = syntax::parse(&policy).map_err(|e| format!("{e:?}"))?;
//! let checked = check::check(&ast).checked.ok_or("check failed")?;
//! let input = SourceFile::new("facts.json", r#"{"birth_date": "2000-05-01"}"#);
//! let facts = facts::load(&input, facts::Format::Json, checked.schema()).map_err(|e| format!("{e:?}"))?;
//! let as_of = syntax::parse_date("2026-03-01")?;
//! let result = eval::evaluate(&checked, &facts.root, as_of, &[], eval::Options { explain: false })
//!     .map_err(|e| e.to_string())?;
//! assert_eq!(result.decisions[0].value, policyc::value::Value::Bool(true));
//!
//! // Missing is not false: without a birth date the decision is unknown,
//! // and it names the fact to go and document.
//! let input = SourceFile::new("facts.json", "{}");
//! let facts = facts::load(&input, facts::Format::Json, checked.schema()).map_err(|e| format!("{e:?}"))?;
//! let result = eval::evaluate(&checked, &facts.root, as_of, &[], eval::Options { explain: false })
//!     .map_err(|e| e.to_string())?;
//! assert_eq!(result.decisions[0].missing, vec!["birth_date".into()]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod ast;
pub mod atomic;
pub mod batch;
pub mod cases;
pub mod check;
pub mod cli;
pub mod decimal;
pub mod describe;
pub mod diagnostic;
pub mod eval;
pub mod explain;
pub mod facts;
pub mod imports;
pub mod pretty;
pub mod source;
pub mod suggest;
pub mod syntax;
pub mod truth;
pub mod value;
