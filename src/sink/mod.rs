//! Sinks write records: JSON Lines to a stream or to a file written atomically; tidy CSV
//! tables into a directory; a SQLite database (see [`crate::dataset`]).

mod csv;
mod jsonl;
mod sqlite;

pub use csv::CsvSink;
pub use jsonl::JsonlSink;
pub use sqlite::{DATASET_FORMAT, SqliteSink};

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

/// A file written under a temporary name and renamed into place when finished, so a killed
/// run never leaves a half-written output under the real name.
pub struct AtomicFile {
    tmp: PathBuf,
    dest: PathBuf,
    file: Option<std::io::BufWriter<std::fs::File>>,
}

impl AtomicFile {
    /// Starts writing `dest` (as `dest.tmp-PID`).
    pub fn create(dest: &Path) -> Result<AtomicFile> {
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".to_string());
        let tmp = dest.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
        let file =
            std::fs::File::create(&tmp).map_err(|e| Error::io(tmp.display().to_string(), e))?;
        Ok(AtomicFile {
            tmp,
            dest: dest.to_path_buf(),
            file: Some(std::io::BufWriter::new(file)),
        })
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
        if self.file.is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}
