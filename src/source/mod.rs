//! Sources turn what the user named (files, directories, stdin) into raw documents.
//!
//! Inputs are expanded lazily: a directory is walked in sorted order as the batch proceeds, and
//! each input is read only when its turn comes, so memory does not grow with the batch.

mod files;

pub use files::{Limits, doc_id_from_path, read_file, read_stdin};

use crate::document::RawDocument;
use crate::error::{Error, Result};
use std::path::PathBuf;

/// One input as named on the command line (or found by walking a directory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputSpec {
    /// Standard input (`-`).
    Stdin,
    /// A file on disk.
    File(PathBuf),
}

impl InputSpec {
    /// How the input is named in records and error messages.
    pub fn name(&self) -> String {
        match self {
            InputSpec::Stdin => "-".to_string(),
            InputSpec::File(p) => p.display().to_string(),
        }
    }
}

/// File extensions read when walking a directory (each may also end in `.gz`).
pub const DIR_EXTENSIONS: [&str; 3] = ["txt", "html", "htm"];

/// Expands command-line arguments into inputs: `-` is stdin, a directory is walked recursively
/// (sorted by name, symlinks followed, loops reported), anything else is a file. Problems
/// (missing path, unreadable directory entry, symlink loop) come out as errors in the stream so
/// the batch can report them and go on.
pub fn expand(args: &[String]) -> impl Iterator<Item = Result<InputSpec>> + '_ {
    args.iter()
        .flat_map(|arg| -> Box<dyn Iterator<Item = Result<InputSpec>>> {
            if arg == "-" {
                return Box::new(std::iter::once(Ok(InputSpec::Stdin)));
            }
            let path = PathBuf::from(arg);
            match std::fs::metadata(&path) {
                Ok(m) if m.is_dir() => Box::new(walk_dir(path)),
                Ok(_) => Box::new(std::iter::once(Ok(InputSpec::File(path)))),
                Err(e) => Box::new(std::iter::once(Err(Error::io(arg.clone(), e)))),
            }
        })
}

fn walk_dir(dir: PathBuf) -> impl Iterator<Item = Result<InputSpec>> {
    walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|entry| match entry {
            Ok(e) if e.file_type().is_file() && wanted_in_dir(e.path()) => {
                Some(Ok(InputSpec::File(e.into_path())))
            }
            Ok(_) => None,
            Err(e) => {
                let name = e
                    .path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| "directory".to_string());
                let reason = if e.loop_ancestor().is_some() {
                    "symbolic link loop".to_string()
                } else {
                    e.io_error()
                        .map(|io| io.to_string())
                        .unwrap_or_else(|| e.to_string())
                };
                Some(Err(Error::input(name, reason)))
            }
        })
}

/// True for the files a directory walk reads: .txt, .html, .htm and the same with .gz.
pub fn wanted_in_dir(path: &std::path::Path) -> bool {
    let name = match path.file_name().and_then(|n| n.to_str()) {
        Some(n) => n.to_ascii_lowercase(),
        None => return false,
    };
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    DIR_EXTENSIONS
        .iter()
        .any(|ext| name.len() > ext.len() + 1 && name.ends_with(&format!(".{ext}")))
}

/// Reads one input into a raw document.
pub fn read(spec: &InputSpec, limits: &Limits) -> Result<RawDocument> {
    match spec {
        InputSpec::Stdin => read_stdin(limits),
        InputSpec::File(p) => read_file(p, limits),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_filter() {
        for yes in ["a.txt", "b.HTML", "c.htm.gz", "d.txt.gz"] {
            assert!(wanted_in_dir(std::path::Path::new(yes)), "{yes}");
        }
        for no in ["gold.jsonl", "SOURCES", ".txt", "x.gz", "y.pdf"] {
            assert!(!wanted_in_dir(std::path::Path::new(no)), "{no}");
        }
    }
}
