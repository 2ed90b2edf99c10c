//! Sinks write records: JSON Lines to a stream or to a file written atomically; tidy CSV
//! tables into a directory; a SQLite database (see [`crate::dataset`]).

mod csv;
mod jsonl;
mod sqlite;

pub use csv::CsvSink;
pub use jsonl::{JsonlSink, record_input};
pub use sqlite::{DATASET_FORMAT, RESUME_COMMIT_EVERY, SqliteSink};

use crate::dataset::DatasetSummary;
use crate::error::{Error, Result};
use crate::record::Record;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A destination for a batch's records, one at a time, then finished once (the dataset sinks:
/// [`CsvSink`], [`SqliteSink`]).
pub trait RecordSink {
    /// Writes one record.
    fn write(&mut self, record: &Record) -> std::io::Result<()>;
    /// Completes the output (renames files into place, commits) and says what was written.
    fn finish(self: Box<Self>) -> Result<DatasetSummary>;
}

/// The name a file is written under until it is complete: `.NAME.partial` beside `dest`.
/// Stable across runs, so `--resume` finds what a killed run left.
pub fn partial_path(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".to_string());
    dest.with_file_name(format!(".{name}.partial"))
}

/// Opens (creating it if needed, never truncating) the partial file of `dest` and takes an
/// exclusive lock on it, held while the returned handle is open: a second run writing the
/// same output fails at once instead of truncating or deleting the first run's file.
pub fn lock_partial(dest: &Path) -> Result<(PathBuf, std::fs::File)> {
    let tmp = partial_path(dest);
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&tmp)
        .map_err(|e| Error::io(tmp.display().to_string(), e))?;
    match file.try_lock() {
        Ok(()) => Ok((tmp, file)),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::Usage(format!(
            "{}: another run is writing this output (its partial file {} is locked)",
            dest.display(),
            tmp.display()
        ))),
        Err(std::fs::TryLockError::Error(e)) => Err(Error::io(tmp.display().to_string(), e)),
    }
}

/// A file written under a temporary name ([`partial_path`]) and renamed into place when
/// finished, so a killed run never leaves a half-written output under the real name. The
/// partial file is locked while it is written (see [`lock_partial`]).
pub struct AtomicFile {
    tmp: PathBuf,
    dest: PathBuf,
    file: Option<std::io::BufWriter<std::fs::File>>,
    /// Keep the partial file when dropped unfinished (a resumable journal).
    keep: bool,
}

impl AtomicFile {
    /// Starts writing `dest` afresh (as `.dest.partial`, removed if dropped unfinished).
    pub fn create(dest: &Path) -> Result<AtomicFile> {
        let (tmp, file) = lock_partial(dest)?;
        file.set_len(0)
            .map_err(|e| Error::io(tmp.display().to_string(), e))?;
        Ok(AtomicFile {
            tmp,
            dest: dest.to_path_buf(),
            file: Some(std::io::BufWriter::new(file)),
            keep: false,
        })
    }

    /// Continues writing `dest` as a line-oriented journal: takes up the partial file a killed
    /// run left (or, when there is none, a copy of a finished `dest`), keeps its complete lines
    /// from the start up to the first one `key` rejects or the first unfinished one, cuts off
    /// the rest, and appends after them. Returns the file and the keys of the kept lines. The
    /// partial file stays if the run stops unfinished, so it can be resumed again.
    pub fn resume(
        dest: &Path,
        key: impl Fn(&[u8]) -> Option<String>,
    ) -> Result<(AtomicFile, std::collections::HashSet<String>)> {
        use std::io::{Read, Seek};
        let fresh = !partial_path(dest).exists();
        let (tmp, mut file) = lock_partial(dest)?;
        let err = |e| Error::io(tmp.display().to_string(), e);
        if fresh && dest.exists() {
            let mut finished = std::fs::File::open(dest).map_err(err)?;
            std::io::copy(&mut finished, &mut file).map_err(err)?;
            file.seek(std::io::SeekFrom::Start(0)).map_err(err)?;
        }
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(err)?;
        let mut keys = std::collections::HashSet::new();
        let mut kept = 0;
        while let Some(len) = bytes[kept..].iter().position(|&b| b == b'\n') {
            match key(&bytes[kept..kept + len]) {
                Some(k) => {
                    keys.insert(k);
                    kept += len + 1;
                }
                None => break,
            }
        }
        file.set_len(kept as u64).map_err(err)?;
        file.seek(std::io::SeekFrom::End(0)).map_err(err)?;
        Ok((
            AtomicFile {
                tmp: tmp.clone(),
                dest: dest.to_path_buf(),
                file: Some(std::io::BufWriter::new(file)),
                keep: true,
            },
            keys,
        ))
    }

    /// Flushes, syncs and renames into place.
    pub fn commit(mut self) -> Result<()> {
        let mut w = self.file.take().expect("not committed twice");
        w.flush()
            .map_err(|e| Error::io(self.tmp.display().to_string(), e))?;
        let f = w
            .into_inner()
            .map_err(|e| Error::io(self.tmp.display().to_string(), e.into_error()))?;
        f.sync_all()
            .map_err(|e| Error::io(self.tmp.display().to_string(), e))?;
        std::fs::rename(&self.tmp, &self.dest)
            .map_err(|e| Error::io(self.dest.display().to_string(), e))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.as_mut().expect("open").write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.as_mut().expect("open").flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let Some(mut file) = self.file.take() {
            if self.keep {
                // A resumable journal: what was written stays for the next --resume.
                let _ = file.flush();
                return;
            }
            drop(file);
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}
