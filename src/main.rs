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
    // A file-size limit (`ulimit -f`) would otherwise kill the process in
    // the middle of a write; with the signal caught, the write fails with
    // an error that is reported, and the file being replaced is kept.
    let _ = signal_hook::flag::register(
        signal_hook::consts::SIGXFSZ,
        std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
    );
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
    let written = write_out(&mut std::io::stderr(), &output.stderr)
        .and_then(|()| write_out(&mut std::io::stdout(), &output.stdout));
    let outcome = match written {
        Ok(()) => outcome,
        // The reader of standard output has gone (`| head -1`): end quietly.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Outcome::Closed,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: cannot write the output: {e}");
            Outcome::Usage
        }
    };
    ExitCode::from(outcome.code())
}

/// Writes and flushes `text`; a failure is returned, never ignored.
fn write_out(out: &mut impl Write, text: &str) -> std::io::Result<()> {
    if text.is_empty() {
        return Ok(());
    }
    out.write_all(text.as_bytes())?;
    out.flush()
}
