//! The parallel runner behind `--batch`: bounded chunks of lines read,
//! evaluated on a rayon pool and written in order, overlapping.

use super::{Batch, CHUNK_LINES, LineError, MAX_LINE_BYTES, Summary};
use crate::json::Json;
use rayon::prelude::*;
use std::io::{self, BufRead, Write};
use thiserror::Error;

/// A chunk is cut short once its lines hold this many bytes (or one line
/// does), so three chunks in memory stay within a few hundred MiB.
const CHUNK_BYTES: usize = 64 << 20;

/// A line as read: its text, or why it is not text.
type RawLine = Result<String, LineError>;

/// One line's output, rendered on a worker thread.
struct Rendered {
    /// The compact JSON line, without its line break.
    text: String,
    /// Each decision's name and value, for the summary; `None` for an error.
    values: Option<Vec<(String, Json)>>,
}

/// How far a run has got, reported after each chunk is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Lines read and written so far.
    pub lines: u64,
    /// Bytes of input read so far.
    pub bytes: u64,
}

/// Why a run stopped before the end of its input.
#[derive(Debug, Error)]
pub enum RunError {
    /// The input could not be read.
    #[error("cannot read the input: {0}")]
    Read(io::Error),
    /// The output could not be written.
    #[error("cannot write the output: {0}")]
    Write(io::Error),
}

/// Evaluates every line of an input in order, in parallel, chunk by chunk.
#[derive(Debug)]
pub struct Runner<'a> {
    batch: &'a Batch,
    pool: &'a rayon::ThreadPool,
    chunk_lines: usize,
    max_line_bytes: usize,
}

impl<'a> Runner<'a> {
    /// A runner evaluating on `pool`, [`CHUNK_LINES`] lines at a time.
    pub fn new(batch: &'a Batch, pool: &'a rayon::ThreadPool) -> Self {
        Self {
            batch,
            pool,
            chunk_lines: CHUNK_LINES,
            max_line_bytes: MAX_LINE_BYTES,
        }
    }

    /// Lines longer than `bytes` become error lines (at least 1 byte).
    pub fn max_line_bytes(mut self, bytes: usize) -> Self {
        self.max_line_bytes = bytes.max(1);
        self
    }

    /// Reads, evaluates and writes `lines` lines at a time (at least one).
    pub fn chunk_lines(mut self, lines: usize) -> Self {
        self.chunk_lines = lines.max(1);
        self
    }

    /// Reads `input` to its end and writes one result line per input line to
    /// `output`, in input order; `progress` is called after each chunk.
    ///
    /// While the pool evaluates one chunk, this thread writes the chunk
    /// before it and reads the chunk after it, so reading and writing do not
    /// leave the evaluation threads waiting. At most three chunks are held.
    pub fn run(
        &self,
        mut input: impl BufRead,
        mut output: impl Write,
        mut progress: impl FnMut(Progress),
    ) -> Result<Summary, RunError> {
        let mut summary = Summary::default();
        let mut read = Progress::default();
        let mut written = Progress::default();
        let mut chunk = self.read_chunk(&mut input, &mut read.bytes)?;
        let mut pending: Vec<Rendered> = Vec::new();
        while !chunk.is_empty() {
            let before = read.lines;
            read.lines += chunk.len() as u64;
            let mut rendered = Vec::new();
            let mut next = Ok(Vec::new());
            self.pool.in_place_scope(|scope| {
                scope.spawn(|_| rendered = self.evaluate_chunk(before, &chunk));
                next = write_chunk(&mut output, &pending, &mut summary)
                    .and_then(|()| self.read_chunk(&mut input, &mut read.bytes));
            });
            if !pending.is_empty() {
                written.lines += pending.len() as u64;
                progress(written);
            }
            // The bytes of the chunk now in evaluation are read.
            written.bytes = read.bytes;
            pending = rendered;
            chunk = next?;
        }
        write_chunk(&mut output, &pending, &mut summary)?;
        if !pending.is_empty() {
            written.lines += pending.len() as u64;
            progress(written);
        }
        output.flush().map_err(RunError::Write)?;
        Ok(summary)
    }

    /// Evaluates a chunk in parallel on the pool; `before` lines came
    /// before it.
    fn evaluate_chunk(&self, before: u64, chunk: &[RawLine]) -> Vec<Rendered> {
        chunk
            .par_iter()
            .enumerate()
            .map(|(index, raw)| render(self.batch, before + index as u64 + 1, raw))
            .collect()
    }
}

impl Runner<'_> {
    /// Reads up to `chunk_lines` lines (fewer once they hold [`CHUNK_BYTES`]),
    /// counting the bytes read into `bytes`.
    fn read_chunk(
        &self,
        input: &mut impl BufRead,
        bytes: &mut u64,
    ) -> Result<Vec<RawLine>, RunError> {
        let mut chunk = Vec::with_capacity(self.chunk_lines.min(CHUNK_LINES));
        let mut held = 0usize;
        let budget = CHUNK_BYTES.max(self.max_line_bytes);
        while chunk.len() < self.chunk_lines && held < budget {
            let mut buffer = Vec::new();
            let line =
                read_line(input, &mut buffer, self.max_line_bytes).map_err(RunError::Read)?;
            let first = *bytes == 0;
            match line {
                Line::End => break,
                Line::Read(read) => {
                    *bytes += read as u64;
                    held += buffer.len();
                    chunk.push(line_text(buffer, first));
                }
                Line::TooLong(read) => {
                    *bytes += read as u64;
                    chunk.push(Err(LineError::new(format!(
                        "the line is longer than {} bytes, the most a line may hold; \
                         raise the limit with --max-line-bytes",
                        self.max_line_bytes
                    ))));
                }
            }
        }
        Ok(chunk)
    }
}

/// What reading one line gave.
enum Line {
    /// The input has ended.
    End,
    /// A line, of this many bytes with its line break, is in the buffer.
    Read(usize),
    /// A line of this many bytes was longer than the limit: it was skipped,
    /// and the buffer holds none of it.
    TooLong(usize),
}

/// Reads one line into `buffer`, holding at most `limit` bytes of it: the
/// rest of a longer line is read past without being kept.
fn read_line(input: &mut impl BufRead, buffer: &mut Vec<u8>, limit: usize) -> io::Result<Line> {
    let mut read = 0usize;
    let mut too_long = false;
    loop {
        let available = match input.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        let (piece, done) = match available.iter().position(|b| *b == b'\n') {
            Some(end) => (available.get(..=end).unwrap_or(available), true),
            None => (available, false),
        };
        let length = piece.len();
        // The line break does not count towards the limit.
        let content = length - usize::from(done);
        if !too_long && buffer.len() + content > limit {
            too_long = true;
            *buffer = Vec::new();
        }
        if !too_long {
            buffer.extend_from_slice(piece);
        }
        read += length;
        input.consume(length);
        if done {
            break;
        }
    }
    Ok(match (read, too_long) {
        (0, _) => Line::End,
        (read, true) => Line::TooLong(read),
        (read, false) => Line::Read(read),
    })
}

/// A line's text without its line break (and, on the first line, without a
/// byte-order mark); an error when it is not UTF-8.
fn line_text(mut bytes: Vec<u8>, first: bool) -> RawLine {
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
    }
    if bytes.last() == Some(&b'\r') {
        bytes.pop();
    }
    if first && bytes.starts_with("\u{feff}".as_bytes()) {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|_| LineError::new("the line is not UTF-8 text"))
}

/// Evaluates and renders one line as compact JSON.
fn render(batch: &Batch, line: u64, raw: &RawLine) -> Rendered {
    let result = raw
        .as_ref()
        .map_err(Clone::clone)
        .and_then(|text| batch.evaluate_line(text));
    let values = result.as_ref().ok().map(decision_values);
    Rendered {
        text: super::result_line(line, result),
        values,
    }
}

/// Each decision's name and value in a result document.
fn decision_values(json: &Json) -> Vec<(String, Json)> {
    let Some(Json::Object(decisions)) = json.get("decisions") else {
        return Vec::new();
    };
    decisions
        .iter()
        .map(|(name, decision)| {
            let value = decision.get("value").cloned().unwrap_or(Json::Null);
            (name.to_owned(), value)
        })
        .collect()
}

/// Writes a chunk's lines in order and counts them into the summary.
fn write_chunk(
    output: &mut impl Write,
    rendered: &[Rendered],
    summary: &mut Summary,
) -> Result<(), RunError> {
    for line in rendered {
        output
            .write_all(line.text.as_bytes())
            .and_then(|()| output.write_all(b"\n"))
            .map_err(RunError::Write)?;
        summary.count(line.values.as_deref());
    }
    Ok(())
}
