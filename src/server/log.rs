//! The decision log for audit: one JSON line per determination, appended
//! and flushed to disk (`fdatasync`) before the response is sent, so a
//! response a caller has seen always has its line.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// An append-only, durable log file shared by the request handlers.
#[derive(Debug, Clone)]
pub(crate) struct DecisionLog {
    inner: Arc<Mutex<File>>,
    path: PathBuf,
}

impl DecisionLog {
    /// Opens (or creates) `path` for appending; fails if it cannot be
    /// written, so the server does not start without its log.
    pub(crate) fn open(path: &Path) -> io::Result<DecisionLog> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(DecisionLog {
            inner: Arc::new(Mutex::new(file)),
            path: path.to_owned(),
        })
    }

    /// Where the log is.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one line (a newline is added) and waits until it is on
    /// disk. One line per write under the lock keeps lines whole however
    /// many requests write at once.
    pub(crate) fn append(&self, line: &str) -> io::Result<()> {
        let mut record = String::with_capacity(line.len() + 1);
        record.push_str(line);
        record.push('\n');
        let mut file = self
            .inner
            .lock()
            .map_err(|_| io::Error::other("the decision log's lock was poisoned"))?;
        file.write_all(record.as_bytes())?;
        file.sync_data()
    }
}
