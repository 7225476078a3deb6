//! The `policyc` command: parse arguments, run, write output, exit.

use clap::Parser;
use policyc::cli::{Cli, Outcome};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

// Evaluation allocates many small values, and batch runs allocate on worker
// threads and free on the writing thread: mimalloc handles both far better
// than the system allocator (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // clap prints help and version to stdout (exit 0), misuse to stderr (exit 2).
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() {
                Outcome::Usage.code()
            } else {
                0
            });
        }
    };
    let (outcome, output) = policyc::cli::run(
        &cli,
        std::io::stdout().is_terminal(),
        std::io::stderr().is_terminal(),
    );
    let _ = std::io::stderr().write_all(output.stderr.as_bytes());
    let _ = std::io::stdout().write_all(output.stdout.as_bytes());
    ExitCode::from(outcome.code())
}
