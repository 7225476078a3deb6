//! `policyc eval FILE --batch INPUT.ndjson`: many members, one per line,
//! evaluated in parallel; results stream to standard output or `--output`.

use super::load;
use super::run::{self, Settings};
use super::{CliError, EvalArgs, Outcome, Output};
use crate::batch::{self, Batch, Progress, RunError, Runner, Summary};
use crate::diagnostic::{self, Style};
use crate::engine::Policy;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use miette::Diagnostic;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use thiserror::Error;

/// Problems of a batch run that `CliError` does not describe.
#[derive(Debug, Error, Diagnostic)]
enum BatchError {
    /// The output file cannot be created or written.
    #[error("cannot write `{path}`: {reason}")]
    #[diagnostic(
        code(policyc::cli::write),
        help(
            "check the path, that its folder is writable and that the disk has room; a run that does not finish leaves no output file"
        )
    )]
    Write { path: String, reason: String },
    /// The thread pool could not be started.
    #[error("cannot start the evaluation threads: {reason}")]
    #[diagnostic(code(policyc::cli::threads), help("try a smaller --threads"))]
    Threads { reason: String },
    /// `--output` names the input file itself (or a link to it).
    #[error("`{output}` is the input file: writing it would destroy the input before it is read")]
    #[diagnostic(
        code(policyc::cli::same_file),
        help("write the results to another file; the input was left as it was")
    )]
    SameFile { output: String },
}

/// `policyc eval FILE --batch INPUT [...]`; `progress` draws a progress bar.
pub(crate) fn eval(
    args: &EvalArgs,
    settings: &Settings,
    progress: bool,
    output: &mut Output,
) -> Outcome {
    match eval_inner(args, settings, progress, output) {
        Ok(()) => Outcome::Success,
        Err(outcome) => outcome,
    }
}

fn eval_inner(
    args: &EvalArgs,
    settings: &Settings,
    progress: bool,
    output: &mut Output,
) -> Result<(), Outcome> {
    let style = settings.diagnostics;
    let stderr = &mut output.stderr;
    let (policy, _) = load::policy(&args.file, settings, stderr).map_err(|f| f.outcome())?;
    let options = options(args, &policy).map_err(|e| usage(stderr, &e, style))?;
    let batch = Batch::new(&policy, options).map_err(|e| {
        let error = CliError::UnknownDecision {
            name: e.name,
            help: String::new(),
        };
        usage(stderr, &error, style)
    })?;
    let input_path = args.batch.as_deref().unwrap_or(Path::new("-"));
    let (input, length) = open_input(input_path).map_err(|e| usage(stderr, &e, style))?;
    let mut out =
        open_output(input_path, args.output.as_deref()).map_err(|e| usage(stderr, &e, style))?;
    let threads = thread_count(args, stderr);
    let pool = thread_pool(threads).map_err(|e| usage(stderr, &e, style))?;
    let bar = progress.then(|| progress_bar(length));
    let runner = Runner::new(&batch, &pool).max_line_bytes(args.max_line_bytes);
    let result = runner.run(input, &mut out, |done| {
        if let Some(bar) = &bar {
            show(bar, done, length.is_some());
        }
    });
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    // Only a complete run puts the output file in place.
    let result = result.and_then(|summary| out.finish().map(|()| summary).map_err(RunError::Write));
    let summary = result.map_err(|e| run_failed(stderr, e, input_path, args, style))?;
    stderr.push_str(&summary_text(&summary, style));
    Ok(())
}

/// Renders a usage problem and gives its outcome.
fn usage(stderr: &mut String, error: &dyn Diagnostic, style: Style) -> Outcome {
    stderr.push_str(&diagnostic::render(error, None, style));
    Outcome::Usage
}

/// The batch options from the command line, checking dates and decisions.
fn options(args: &EvalArgs, policy: &Policy) -> Result<batch::Options, CliError> {
    let as_of = run::parse_as_of(args.as_of.as_deref())?;
    let date_of_service = run::parse_date_of_service(args.date_of_service.as_deref())?;
    for name in &args.decisions {
        if policy.versions().iter().all(|v| v.decision(name).is_none()) {
            run::decision_ids(policy.latest(), std::slice::from_ref(name))?;
        }
    }
    Ok(batch::Options {
        as_of,
        date_of_service,
        decisions: args.decisions.clone(),
        explain: args.explain,
    })
}

/// The input, buffered, and its length in bytes when it is a file.
fn open_input(path: &Path) -> Result<(Box<dyn BufRead>, Option<u64>), CliError> {
    if path == Path::new("-") {
        return Ok((Box::new(io::stdin().lock()), None));
    }
    let read_error = |e: io::Error| CliError::Read {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let file = File::open(path).map_err(read_error)?;
    let metadata = file.metadata().map_err(read_error)?;
    if metadata.is_dir() {
        return Err(CliError::Read {
            path: path.display().to_string(),
            reason: "it is a folder".to_owned(),
        });
    }
    let reader = BufReader::with_capacity(1 << 16, file);
    Ok((Box::new(reader), Some(metadata.len())))
}

/// Where results go: standard output, or the `--output` file, which only
/// appears (whole) when the run completes.
enum Out {
    Stdout(BufWriter<io::StdoutLock<'static>>),
    File(crate::atomic::Pending),
}

impl Out {
    /// Flushes standard output, or puts the finished file in place.
    fn finish(self) -> io::Result<()> {
        match self {
            Out::Stdout(mut out) => out.flush(),
            Out::File(pending) => pending.commit(),
        }
    }
}

impl Write for Out {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match self {
            Out::Stdout(out) => out.write(bytes),
            Out::File(pending) => pending.write(bytes),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Out::Stdout(out) => out.flush(),
            Out::File(pending) => pending.flush(),
        }
    }
}

/// Standard output, or a temporary file beside `--output`; refuses an
/// output that is the input itself.
fn open_output(input: &Path, output: Option<&Path>) -> Result<Out, BatchError> {
    let Some(path) = output else {
        return Ok(Out::Stdout(BufWriter::with_capacity(
            1 << 16,
            io::stdout().lock(),
        )));
    };
    if same_file(input, path) {
        return Err(BatchError::SameFile {
            output: path.display().to_string(),
        });
    }
    let pending = crate::atomic::Pending::create(path).map_err(|e| BatchError::Write {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    Ok(Out::File(pending))
}

/// Whether `output` already exists as the very file `input` reads (the
/// same device and inode, whatever links or names lead there).
#[cfg(unix)]
fn same_file(input: &Path, output: &Path) -> bool {
    use std::os::fd::AsFd;
    use std::os::unix::fs::MetadataExt;
    let input = if input == Path::new("-") {
        io::stdin()
            .as_fd()
            .try_clone_to_owned()
            .map(File::from)
            .and_then(|f| f.metadata())
    } else {
        std::fs::metadata(input)
    };
    match (input, std::fs::metadata(output)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(input: &Path, output: &Path) -> bool {
    match (std::fs::canonicalize(input), std::fs::canonicalize(output)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// More evaluation threads than this per core only add overhead.
const THREADS_PER_CORE: usize = 4;

/// `--threads`, or one per core; more than [`THREADS_PER_CORE`] per core
/// is cut back, with a warning.
fn thread_count(args: &EvalArgs, stderr: &mut String) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let cap = cores * THREADS_PER_CORE;
    match args.threads.map(std::num::NonZeroUsize::get) {
        None => cores,
        Some(asked) if asked > cap => {
            stderr.push_str(&format!(
                "warning: --threads {asked} is more than this machine can use; using {cap} \
                 ({THREADS_PER_CORE} for each of its {cores} cores)\n"
            ));
            cap
        }
        Some(asked) => asked,
    }
}

/// A pool of `threads` evaluation threads.
fn thread_pool(threads: usize) -> Result<rayon::ThreadPool, BatchError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| BatchError::Threads {
            reason: e.to_string(),
        })
}

/// A bar over the input's bytes when its length is known, else a spinner.
fn progress_bar(length: Option<u64>) -> ProgressBar {
    let (bar, template) = match length {
        Some(length) => (
            ProgressBar::with_draw_target(Some(length), ProgressDrawTarget::stderr()),
            "{bar:40} {percent:>3}% {msg} ({elapsed} elapsed, {eta} left)",
        ),
        None => (
            ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
            "{spinner} {msg} ({elapsed} elapsed)",
        ),
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

/// Moves the bar on after a chunk.
fn show(bar: &ProgressBar, done: Progress, by_bytes: bool) {
    if by_bytes {
        bar.set_position(done.bytes);
    } else {
        bar.tick();
    }
    bar.set_message(format!("{} records", done.lines));
}

/// Renders why a run stopped early; the input or output could not be used.
fn run_failed(
    stderr: &mut String,
    error: RunError,
    input: &Path,
    args: &EvalArgs,
    style: Style,
) -> Outcome {
    match error {
        RunError::Read(e) => {
            let error = CliError::Read {
                path: input.display().to_string(),
                reason: e.to_string(),
            };
            usage(stderr, &error, style)
        }
        RunError::Write(e) if e.kind() == io::ErrorKind::BrokenPipe => Outcome::Closed,
        RunError::Write(e) => {
            let path = args.output.as_deref().unwrap_or(Path::new("<stdout>"));
            let error = BatchError::Write {
                path: path.display().to_string(),
                reason: e.to_string(),
            };
            usage(stderr, &error, style)
        }
    }
}

/// The summary: text for people, or one JSON object with `--error-format json`.
fn summary_text(summary: &Summary, style: Style) -> String {
    match style {
        Style::Human { .. } => summary.to_string(),
        Style::Json => format!("{}\n", summary.to_json()),
    }
}
