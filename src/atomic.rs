//! Every file policyc writes goes through here: a temporary file in the
//! target's folder, flushed and synced, then renamed over the target.
//!
//! A write that fails (a full disk, a file-size limit, a closed device)
//! removes the temporary file and leaves the target exactly as it was; a
//! process killed mid-write leaves at most a stray temporary file (named
//! `.NAME.*.policyc-tmp`) beside the target, never a half-written target.
//! An existing target keeps its permissions, and a symbolic link keeps
//! pointing where it did: the file it leads to is the one replaced.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file being written: bytes go to a temporary file until [`commit`]
/// puts it in place. Dropped without `commit`, the target is untouched and
/// the temporary file is removed.
///
/// [`commit`]: Pending::commit
#[derive(Debug)]
pub struct Pending {
    writer: BufWriter<tempfile::NamedTempFile>,
    target: PathBuf,
}

impl Pending {
    /// Starts writing `path`: creates the temporary file beside it.
    pub fn create(path: &Path) -> io::Result<Pending> {
        let target = resolve(path);
        let folder = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
        let existing = fs::metadata(&target).ok().filter(fs::Metadata::is_file);
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".policyc-tmp");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // A new file gets the usual mode (0666 less the umask), not the
            // private 0600 of a temporary file.
            builder.permissions(fs::Permissions::from_mode(0o666));
        }
        let temp = builder.tempfile_in(&folder).map_err(plain)?;
        if let Some(existing) = existing {
            temp.as_file()
                .set_permissions(existing.permissions())
                .map_err(plain)?;
        }
        Ok(Pending {
            writer: BufWriter::with_capacity(1 << 16, temp),
            target,
        })
    }

    /// The file this will replace once committed.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Flushes, syncs and renames the temporary file over the target, then
    /// syncs the folder so the rename itself survives a crash.
    pub fn commit(self) -> io::Result<()> {
        let temp = self
            .writer
            .into_inner()
            .map_err(|e| plain(e.into_error()))?;
        temp.as_file().sync_all().map_err(plain)?;
        temp.persist(&self.target).map_err(|e| plain(e.error))?;
        sync_folder(&self.target);
        Ok(())
    }
}

impl Write for Pending {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.writer.write(bytes).map_err(plain)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush().map_err(plain)
    }
}

/// The error without the temporary file's name, which means nothing to
/// the reader (the target is named by whoever reports the error).
fn plain(error: io::Error) -> io::Error {
    match error.raw_os_error() {
        Some(code) => io::Error::from_raw_os_error(code),
        None => error,
    }
}

/// Writes `bytes` as the whole new content of `path`, atomically.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut pending = Pending::create(path)?;
    pending.write_all(bytes)?;
    pending.commit()
}

/// The file a path leads to: through symbolic links, so that the link is
/// kept and the file it points at is the one replaced.
fn resolve(path: &Path) -> PathBuf {
    match fs::canonicalize(path) {
        Ok(real) => real,
        // A new file: its folder must exist; the name is taken as given.
        Err(_) => path.to_path_buf(),
    }
}

/// Syncs the folder holding `path`, where the platform allows it; a folder
/// that cannot be opened for syncing is not an error (the data is synced).
fn sync_folder(path: &Path) {
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty())
        && let Ok(handle) = File::open(folder)
    {
        let _ = handle.sync_all();
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail by panicking")]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_target_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.policy");
        fs::write(&target, "original").unwrap();
        let mut pending = Pending::create(&target).unwrap();
        pending.write_all(b"half of the new").unwrap();
        drop(pending); // as on any error before commit
        assert_eq!(fs::read_to_string(&target).unwrap(), "original");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn commit_replaces_and_keeps_permissions_and_links() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.policy");
        fs::write(&target, "original").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).unwrap();
            let link = dir.path().join("link.policy");
            std::os::unix::fs::symlink(&target, &link).unwrap();
            write(&link, b"new").unwrap();
            assert!(
                fs::symlink_metadata(&link)
                    .unwrap()
                    .file_type()
                    .is_symlink()
            );
            let mode = fs::metadata(&target).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o640);
        }
        #[cfg(not(unix))]
        write(&target, b"new").unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            if cfg!(unix) { 2 } else { 1 }
        );
    }
}
