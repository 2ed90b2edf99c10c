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
///
/// Opening and locking are two steps: between them another run may finish and rename the
/// file it had locked (the one just opened) into place. So once locked, the file must still
/// be the one the partial name points at; if not, it is someone's finished output, left
/// alone, and the partial name is opened again.
pub fn lock_partial(dest: &Path) -> Result<(PathBuf, std::fs::File)> {
    let tmp = partial_path(dest);
    for _ in 0..100 {
        let file = open_partial(&tmp)?;
        if let Some(file) = lock_opened(dest, &tmp, file)? {
            return Ok((tmp, file));
        }
    }
    Err(Error::Usage(format!(
        "{}: its partial file {} keeps being replaced by another run",
        dest.display(),
        tmp.display()
    )))
}

fn open_partial(tmp: &Path) -> Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(tmp)
        .map_err(|e| Error::io(tmp.display().to_string(), e))
}

/// Locks `file`, opened as `tmp`; `None` when `tmp` no longer names it (see [`lock_partial`]).
fn lock_opened(dest: &Path, tmp: &Path, file: std::fs::File) -> Result<Option<std::fs::File>> {
    use std::os::unix::fs::MetadataExt;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(Error::Usage(format!(
                "{}: another run is writing this output (its partial file {} is locked)",
                dest.display(),
                tmp.display()
            )));
        }
        Err(std::fs::TryLockError::Error(e)) => {
            return Err(Error::io(tmp.display().to_string(), e));
        }
    }
    let opened = file
        .metadata()
        .map_err(|e| Error::io(tmp.display().to_string(), e))?;
    let same = std::fs::symlink_metadata(tmp)
        .is_ok_and(|now| now.dev() == opened.dev() && now.ino() == opened.ino());
    Ok(same.then_some(file))
}

/// Where `-o` writes, once symbolic links are followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A regular file (existing or not): written as `.NAME.partial` and renamed into place.
    File(PathBuf),
    /// A device, FIFO, socket or standard stream (`/dev/null`, `/dev/stdout`, a named pipe):
    /// written straight through, never replaced.
    Special(PathBuf),
    /// An existing directory.
    Dir(PathBuf),
}

/// Resolves `-o PATH`: a symbolic link is followed to its target (the target is written,
/// the link stays a link, even when the target does not exist yet), and anything but a
/// regular file or a directory is written through.
pub fn resolve_output(path: &Path) -> Result<Target> {
    let err = |p: &Path, e| Error::io(p.display().to_string(), e);
    let mut path = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {
                // /dev/stdout → /proc/self/fd/1 → "pipe:[…]": a stream, not a path.
                if let Ok(target) = std::fs::metadata(&path)
                    && !target.is_file()
                    && !target.is_dir()
                {
                    return Ok(Target::Special(path));
                }
                let link = std::fs::read_link(&path).map_err(|e| err(&path, e))?;
                path = match path.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            Ok(m) if m.is_file() => return Ok(Target::File(path)),
            Ok(m) if m.is_dir() => return Ok(Target::Dir(path)),
            Ok(_) => return Ok(Target::Special(path)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Target::File(path)),
            Err(e) => return Err(err(&path, e)),
        }
    }
    Err(Error::Usage(format!(
        "{}: too many levels of symbolic links",
        path.display()
    )))
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
        if let Err(e) = file.set_len(0) {
            let _ = std::fs::remove_file(&tmp);
            return Err(Error::io(tmp.display().to_string(), e));
        }
        Ok(AtomicFile {
            tmp,
            dest: dest.to_path_buf(),
            file: Some(std::io::BufWriter::new(file)),
            keep: false,
        })
    }

    /// Continues writing `dest` as a line-oriented journal: takes up the partial file a killed
    /// run left (or, when there is none, a copy of a finished `dest`), keeps its complete lines
    /// from the start up to the first one `keep` rejects or the first unfinished one, cuts off
    /// the rest, and appends after them. `keep` sees each line once, in order; the file is
    /// read a line at a time, so memory stays that of the longest line and what `keep`
    /// remembers. The partial file stays if the run stops unfinished, so it can be resumed
    /// again.
    pub fn resume(dest: &Path, mut keep: impl FnMut(&[u8]) -> bool) -> Result<AtomicFile> {
        use std::io::{BufRead, Seek};
        let fresh = !partial_path(dest).exists();
        let (tmp, mut file) = lock_partial(dest)?;
        let err = |e| Error::io(tmp.display().to_string(), e);
        if fresh && dest.exists() {
            let mut finished = std::fs::File::open(dest).map_err(err)?;
            std::io::copy(&mut finished, &mut file).map_err(err)?;
            file.seek(std::io::SeekFrom::Start(0)).map_err(err)?;
        }
        let mut kept = 0u64;
        {
            let mut reader = std::io::BufReader::with_capacity(1 << 16, &file);
            let mut line = Vec::new();
            loop {
                line.clear();
                let n = reader.read_until(b'\n', &mut line).map_err(err)?;
                if n == 0 || line.last() != Some(&b'\n') || !keep(&line[..n - 1]) {
                    break;
                }
                kept += n as u64;
            }
        }
        file.set_len(kept).map_err(err)?;
        file.seek(std::io::SeekFrom::End(0)).map_err(err)?;
        Ok(AtomicFile {
            tmp: tmp.clone(),
            dest: dest.to_path_buf(),
            file: Some(std::io::BufWriter::new(file)),
            keep: true,
        })
    }

    /// Starts writing `dest` with what it holds kept: the partial file a killed run left, cut
    /// to the length `good` finds undamaged (and then kept if this run stops unfinished, as
    /// it holds what `dest` does not); else a copy of `dest` if it exists; new content goes
    /// after it. For append-only formats such as WARC.
    pub fn append(dest: &Path, good: impl FnOnce(&Path) -> u64) -> Result<AtomicFile> {
        use std::io::Seek;
        let tmp = partial_path(dest);
        let took_up = std::fs::metadata(&tmp).is_ok_and(|m| m.len() > 0);
        let (tmp, mut file) = lock_partial(dest)?;
        let err = |e| Error::io(tmp.display().to_string(), e);
        if took_up {
            file.set_len(good(&tmp)).map_err(err)?;
        } else {
            file.set_len(0).map_err(err)?;
            if let Ok(mut finished) = std::fs::File::open(dest) {
                std::io::copy(&mut finished, &mut file).map_err(err)?;
            }
        }
        file.seek(std::io::SeekFrom::End(0)).map_err(err)?;
        Ok(AtomicFile {
            tmp: tmp.clone(),
            dest: dest.to_path_buf(),
            file: Some(std::io::BufWriter::new(file)),
            keep: took_up,
        })
    }

    /// Flushes and syncs what was written, without renaming it into place yet.
    pub fn sync(&mut self) -> Result<()> {
        let w = self.file.as_mut().expect("open");
        w.flush()
            .and_then(|()| w.get_ref().sync_all())
            .map_err(|e| Error::io(self.tmp.display().to_string(), e))
    }

    /// Flushes, syncs and renames into place. On failure the partial file is removed (kept
    /// for a resumable journal) and `dest` is left as it was.
    pub fn commit(mut self) -> Result<()> {
        let mut w = self.file.take().expect("not committed twice");
        let tmp = self.tmp.clone();
        let done = (|| {
            w.flush()
                .map_err(|e| Error::io(tmp.display().to_string(), e))?;
            let f = w
                .into_inner()
                .map_err(|e| Error::io(tmp.display().to_string(), e.into_error()))?;
            f.sync_all()
                .map_err(|e| Error::io(tmp.display().to_string(), e))?;
            std::fs::rename(&tmp, &self.dest)
                .map_err(|e| Error::io(self.dest.display().to_string(), e))
        })();
        if done.is_err() && !self.keep {
            let _ = std::fs::remove_file(&self.tmp);
        }
        done
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A run that opened the partial file just before another finished (renamed it into
    /// place) must not lock and truncate what is now the finished output.
    #[test]
    fn a_partial_file_renamed_into_place_is_not_taken() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.jsonl");
        let mut first = AtomicFile::create(&dest).unwrap();
        first.write_all(b"{\"done\": true}\n").unwrap();
        // The second run opens the partial name while the first still writes it …
        let tmp = partial_path(&dest);
        let opened = open_partial(&tmp).unwrap();
        // … the first finishes (rename, unlock) …
        first.commit().unwrap();
        // … and the second's lock must see that its file is no longer the partial file.
        assert!(lock_opened(&dest, &tmp, opened).unwrap().is_none());
        let second = AtomicFile::create(&dest).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"{\"done\": true}\n");
        drop(second);
        assert!(!tmp.exists());
    }

    #[test]
    fn links_devices_and_new_files() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.jsonl");
        std::fs::write(&real, "").unwrap();
        let link = dir.path().join("link.jsonl");
        symlink("real.jsonl", &link).unwrap();
        assert_eq!(resolve_output(&link).unwrap(), Target::File(real.clone()));
        let dangling = dir.path().join("dangling.jsonl");
        symlink("sub/new.jsonl", &dangling).unwrap();
        assert_eq!(
            resolve_output(&dangling).unwrap(),
            Target::File(dir.path().join("sub/new.jsonl"))
        );
        assert!(matches!(
            resolve_output(Path::new("/dev/null")).unwrap(),
            Target::Special(_)
        ));
        assert_eq!(
            resolve_output(dir.path()).unwrap(),
            Target::Dir(dir.path().to_path_buf())
        );
    }
}
