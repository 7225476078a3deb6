//! The decision log for audit: one JSON line per determination, appended
//! and flushed to disk (`fdatasync`) before the response is sent, so a
//! response a caller has seen always has its line.
//!
//! One writer thread owns the file. Lines that arrive while it is writing
//! wait and go together in the next write and sync (group commit), so many
//! requests share one disk flush; each request is answered only once the
//! flush that holds its line has returned.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use tokio::sync::oneshot;

/// Lines written by one write and one sync, at most.
const GROUP: usize = 512;

/// A line to write, and where to say it is on disk.
type Pending = (String, oneshot::Sender<io::Result<()>>);

/// An append-only, durable log file shared by the request handlers.
#[derive(Debug, Clone)]
pub(crate) struct DecisionLog {
    lines: mpsc::Sender<Pending>,
    path: PathBuf,
}

impl DecisionLog {
    /// Opens (or creates) `path` for appending and starts its writer; fails
    /// if it cannot be written, so the server does not start without it.
    pub(crate) fn open(path: &Path) -> io::Result<DecisionLog> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        let (lines, pending) = mpsc::channel::<Pending>();
        std::thread::Builder::new()
            .name("decision-log".to_owned())
            .spawn(move || write_groups(file, &pending))?;
        Ok(DecisionLog {
            lines,
            path: path.to_owned(),
        })
    }

    /// Where the log is.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one line (a newline is added); resolves once it is on disk.
    pub(crate) async fn append(&self, line: String) -> io::Result<()> {
        self.append_all(vec![line]).await
    }

    /// Appends several lines, in order; resolves once all are on disk. They
    /// are handed to the writer together, so they share its flushes.
    pub(crate) async fn append_all(&self, lines: Vec<String>) -> io::Result<()> {
        let stopped = || io::Error::other("the decision log's writer has stopped");
        let mut waiting = Vec::with_capacity(lines.len());
        for line in lines {
            let (done, on_disk) = oneshot::channel();
            self.lines.send((line, done)).map_err(|_| stopped())?;
            waiting.push(on_disk);
        }
        for on_disk in waiting {
            on_disk.await.map_err(|_| stopped())??;
        }
        Ok(())
    }
}

/// The writer: waits for a line, takes whatever else is waiting (up to
/// [`GROUP`]), writes them in one go, syncs, and tells each sender.
fn write_groups(mut file: File, pending: &mpsc::Receiver<Pending>) {
    let mut buffer = String::new();
    let mut waiting = Vec::with_capacity(GROUP);
    while let Ok(first) = pending.recv() {
        waiting.push(first);
        while waiting.len() < GROUP {
            match pending.try_recv() {
                Ok(next) => waiting.push(next),
                Err(_) => break,
            }
        }
        buffer.clear();
        for (line, _) in &waiting {
            buffer.push_str(line);
            buffer.push('\n');
        }
        let result = file
            .write_all(buffer.as_bytes())
            .and_then(|()| file.sync_data());
        for (_, done) in waiting.drain(..) {
            let outcome = match &result {
                Ok(()) => Ok(()),
                Err(e) => Err(io::Error::new(e.kind(), e.to_string())),
            };
            // A caller that has gone away no longer waits: nothing to tell.
            let _ = done.send(outcome);
        }
    }
}
