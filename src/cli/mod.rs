//! The command line: argument parsing, loading files, and mapping outcomes to
//! exit codes (0 success, 1 policy or facts errors, 2 usage errors).

mod batch;
mod describe;
mod error;
mod fhir;
mod fmt;
mod load;
mod run;
#[cfg(feature = "server")]
mod serve;
mod test;

pub use error::CliError;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Check Medicaid policy files and evaluate member facts against them.
#[derive(Debug, Parser)]
#[command(name = "policyc", version, about, propagate_version = true)]
pub struct Cli {
    /// How to write errors and warnings.
    #[arg(long, value_enum, default_value_t = ErrorFormat::Human, global = true)]
    pub error_format: ErrorFormat,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse and check policy files, reporting every error with its place.
    Check {
        /// The `.policy` files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Evaluate a member's facts against a policy.
    Eval(EvalArgs),
    /// List the decisions, the facts each one reads, their types and
    /// citations; or write a JSON Schema of the facts input.
    Describe {
        /// The `.policy` file.
        file: PathBuf,
        /// Write a JSON Schema (draft 2020-12) of the facts input instead.
        #[arg(long, conflicts_with = "format")]
        json_schema: bool,
        /// Output format of the listing.
        #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
        format: OutputFormat,
    },
    /// Rewrite policy files in the canonical layout, keeping comments.
    Fmt {
        /// `.policy` files, or folders to format every `.policy` file below.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Change nothing; list the files that would change and exit 1 if any.
        #[arg(long)]
        check: bool,
    },
    /// Serve every policy under a folder over HTTP: the JSON API of
    /// docs/serve.md, with an optional decision log for audit.
    #[cfg(feature = "server")]
    Serve(ServeArgs),
    /// Write the FHIR R4 Questionnaire for the facts a policy's decisions
    /// read; or, with --response-from or --fhir, a QuestionnaireResponse
    /// answering it.
    Questionnaire(QuestionnaireArgs),
    /// Run the expected-outcome cases (`*.cases.yaml`) kept beside policies.
    Test {
        /// Cases files, or folders to search for them (default: `policies`).
        paths: Vec<PathBuf>,
        /// Also report, per criterion, whether the cases exercised it.
        #[arg(long)]
        coverage: bool,
    },
}

/// Arguments of `policyc questionnaire`.
#[derive(Debug, clap::Args)]
pub struct QuestionnaireArgs {
    /// The `.policy` file.
    pub file: PathBuf,
    /// Only the facts these decisions read (repeatable); all decisions by
    /// default.
    #[arg(long = "decision")]
    pub decisions: Vec<String>,
    /// The canonical base URL the Questionnaire is published under.
    #[arg(long, value_name = "URL", default_value = crate::fhir::DEFAULT_BASE)]
    pub base_url: String,
    /// The version in force on this date (default: the latest).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
    /// Write the QuestionnaireResponse that answers it with this facts file.
    #[arg(long, value_name = "FACTS", conflicts_with = "fhir")]
    pub response_from: Option<PathBuf>,
    /// Write the QuestionnaireResponse pre-filled from this FHIR Bundle
    /// through the mapping file beside the policy (`NAME.fhir.yaml`).
    #[arg(long, value_name = "BUNDLE")]
    pub fhir: Option<PathBuf>,
    /// The mapping file, instead of the one beside the policy.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
}

/// Arguments of `policyc serve`.
#[cfg(feature = "server")]
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The folder whose `.policy` files (at any depth) are served.
    #[arg(long, value_name = "DIR")]
    pub policies: PathBuf,
    /// The address to listen on. Keep 127.0.0.1 unless a gateway in front
    /// authenticates callers.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Append one JSON line per determination to this file, on disk before
    /// the response is sent; the server does not start if it cannot write it.
    #[arg(long, value_name = "FILE")]
    pub decision_log: Option<PathBuf>,
    /// Put the facts themselves in the decision log, not only their SHA-256
    /// (they hold member health data).
    #[arg(long, requires = "decision_log")]
    pub log_facts: bool,
    /// The largest request body accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 20)]
    pub max_body: usize,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub workers: Option<std::num::NonZeroUsize>,
    /// The longest an evaluation (one member or one batch request) may take,
    /// in milliseconds; past it the caller gets 422.
    #[arg(long, value_name = "MS", default_value_t = 10_000)]
    pub timeout_ms: u64,
    /// Requests handled at once; more wait their turn (default: 64).
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub max_concurrent: usize,
    /// Open `POST /v1/admin/reload` (SIGHUP reloads either way).
    #[arg(long)]
    pub admin: bool,
    /// Require `Authorization: Bearer <token>` on every `/v1/` request, the
    /// token being this file's first line. For the simplest deployments;
    /// otherwise authenticate at the gateway.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
}

/// Arguments of `policyc eval`.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// The `.policy` file.
    pub file: PathBuf,
    /// The facts file (JSON, or YAML when named .yaml/.yml).
    #[arg(long, required_unless_present_any = ["batch", "fhir"], conflicts_with_all = ["batch", "fhir"])]
    pub facts: Option<PathBuf>,
    /// Fill the facts from this FHIR Bundle through the mapping file beside
    /// the policy (`NAME.fhir.yaml`); facts it cannot supply are missing.
    #[arg(long, value_name = "BUNDLE", conflicts_with = "batch")]
    pub fhir: Option<PathBuf>,
    /// With --fhir: the mapping file, instead of the one beside the policy.
    #[arg(long, value_name = "FILE", requires = "fhir")]
    pub mapping: Option<PathBuf>,
    /// Evaluate many members: one JSON facts object per line of this file
    /// (`-` for standard input); writes one JSON result per line, in order.
    #[arg(long, value_name = "INPUT.ndjson", conflicts_with = "format")]
    pub batch: Option<PathBuf>,
    /// With --batch: write the results to this file instead of standard output.
    #[arg(long, value_name = "OUT", requires = "batch", conflicts_with = "facts")]
    pub output: Option<PathBuf>,
    /// With --batch: evaluate on this many threads (default: one per core;
    /// at most four per core).
    #[arg(long, value_name = "N", requires = "batch", conflicts_with = "facts")]
    pub threads: Option<std::num::NonZeroUsize>,
    /// With --batch: the longest line read, in bytes; a longer line gives an
    /// error line and the run goes on.
    #[arg(
        long,
        value_name = "BYTES",
        requires = "batch",
        default_value_t = crate::batch::MAX_LINE_BYTES
    )]
    pub max_line_bytes: usize,
    /// The date to evaluate as of: YYYY-MM-DD or `today`. Overrides the facts
    /// file's `as_of`; one of the two is required.
    #[arg(long)]
    pub as_of: Option<String>,
    /// The date of service that picks the version of the policy in force;
    /// the as-of date when left out.
    #[arg(long)]
    pub date_of_service: Option<String>,
    /// Only these decisions (repeatable); all decisions by default.
    #[arg(long = "decision")]
    pub decisions: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Explain each decision criterion by criterion.
    #[arg(long)]
    pub explain: bool,
}

/// How diagnostics are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ErrorFormat {
    /// Source excerpts with labels and help.
    Human,
    /// One JSON object per diagnostic.
    Json,
}

/// How results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// An indented tree for people.
    Human,
    /// JSON (see docs/output.md).
    Json,
    /// A FHIR R4 ClaimResponse (see docs/fhir.md).
    Fhir,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When writing to a terminal and NO_COLOR is unset.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything succeeded.
    Success,
    /// A policy or facts file has errors.
    InputErrors,
    /// The command was used wrongly, or its output could not be written.
    Usage,
    /// Standard output was closed by its reader (`| head -1`): stop quietly.
    Closed,
}

impl Outcome {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::InputErrors => 1,
            Outcome::Usage => 2,
            // What a shell reports for a process ended by SIGPIPE (128 + 13).
            Outcome::Closed => 141,
        }
    }
}

/// What a command printed and how it ended; `main` writes and exits.
#[derive(Debug, Default)]
pub struct Output {
    /// For standard output.
    pub stdout: String,
    /// For standard error.
    pub stderr: String,
}

/// Runs a parsed command line.
pub fn run(cli: &Cli, stdout_is_terminal: bool, stderr_is_terminal: bool) -> (Outcome, Output) {
    let color_for = |terminal: bool| match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && std::env::var_os("NO_COLOR").is_none(),
    };
    let settings = run::Settings {
        diagnostics: match cli.error_format {
            ErrorFormat::Human => crate::diagnostic::Style::Human {
                color: color_for(stderr_is_terminal),
            },
            ErrorFormat::Json => crate::diagnostic::Style::Json,
        },
        color: color_for(stdout_is_terminal),
    };
    let mut output = Output::default();
    let outcome = match &cli.command {
        Command::Check { files } => run::check(files, &settings, &mut output),
        Command::Eval(args) if args.batch.is_some() => {
            let progress = stderr_is_terminal && cli.error_format == ErrorFormat::Human;
            batch::eval(args, &settings, progress, &mut output)
        }
        Command::Eval(args) => run::eval(args, &settings, &mut output),
        Command::Describe {
            file,
            json_schema,
            format,
        } => describe::describe(file, *json_schema, *format, &settings, &mut output),
        Command::Fmt { paths, check } => fmt::fmt(paths, *check, &settings, &mut output),
        Command::Questionnaire(args) => fhir::questionnaire(args, &settings, &mut output),
        Command::Test { paths, coverage } => test::run(paths, *coverage, &settings, &mut output),
        #[cfg(feature = "server")]
        Command::Serve(args) => serve::serve(args, &mut output),
    };
    (outcome, output)
}
