//! Files, gzip and stdin.

use crate::document::{ContentKind, RawDocument};
use crate::error::{Error, Result};
use std::io::Read;
use std::path::Path;

/// Size caps that guard against huge inputs and decompression bombs.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest payload read from one input, after decompression (bytes).
    pub max_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_bytes: 64 * 1024 * 1024,
        }
    }
}

/// The document id of a path: its file name without known extensions
/// (`corpus/a001.txt` → `a001`, `page.html.gz` → `page`).
pub fn doc_id_from_path(path: &Path) -> String {
    let mut name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    loop {
        let lower = name.to_ascii_lowercase();
        let ext = ["gz", "txt", "html", "htm", "warc"]
            .iter()
            .chain(super::PAGE_EXTENSIONS.iter())
            .find(|e| lower.ends_with(&format!(".{e}")) && lower.len() > e.len() + 1);
        match ext {
            Some(e) => name.truncate(name.len() - e.len() - 1),
            None => break,
        }
    }
    name
}

fn kind_from_name(name: &str) -> ContentKind {
    let lower = name.to_ascii_lowercase();
    let lower = lower.strip_suffix(".gz").unwrap_or(&lower);
    if lower.ends_with(".html") || lower.ends_with(".htm") || lower.ends_with(".xhtml") {
        ContentKind::Html
    } else if lower.ends_with(".txt") {
        ContentKind::Text
    } else {
        ContentKind::Unknown
    }
}

/// Reads a file (transparently un-gzipping `.gz` or gzip-magic content).
pub fn read_file(path: &Path, limits: &Limits) -> Result<RawDocument> {
    let input = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| Error::io(&input, e))?;
    // The file's size plus one: the whole file and the end-of-file in one buffer.
    let hint = file.metadata().map_or(0, |m| {
        usize::try_from(m.len())
            .unwrap_or(usize::MAX)
            .saturating_add(1)
    });
    let bytes = read_capped(file, limits.max_bytes, hint, &input)?;
    let bytes = gunzip_if_needed(bytes, limits, &input)?;
    Ok(RawDocument {
        id: doc_id_from_path(path),
        kind: kind_from_name(&input),
        input,
        url: None,
        bytes,
        charset_hint: None,
    })
}

/// Reads standard input.
pub fn read_stdin(limits: &Limits) -> Result<RawDocument> {
    read_stdin_from(std::io::stdin().lock(), limits)
}

/// Reads standard input (or what is left of it after a look at its start, `reader`) as one
/// document.
pub fn read_stdin_from(reader: impl Read, limits: &Limits) -> Result<RawDocument> {
    let bytes = read_capped(reader, limits.max_bytes, 0, "-")?;
    let bytes = gunzip_if_needed(bytes, limits, "-")?;
    Ok(RawDocument {
        id: stdin_id(&bytes),
        input: "-".to_string(),
        url: None,
        bytes,
        kind: ContentKind::Unknown,
        charset_hint: None,
    })
}

/// The document id of standard input: `stdin-` and the first 16 hex digits of the SHA-256
/// of its bytes, so that two documents piped in by two runs into one database do not share an
/// id, and the same document piped twice keeps its id.
pub fn stdin_id(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("stdin-{hex}")
}

fn read_capped(reader: impl Read, max: u64, hint: usize, input: &str) -> Result<Vec<u8>> {
    let bytes = read_up_to(reader, max, hint).map_err(|e| Error::io(input, e))?;
    if bytes.len() as u64 > max {
        return Err(Error::input(
            input,
            format!("larger than the {} input limit", size(max)),
        ));
    }
    Ok(bytes)
}

/// Un-gzips bytes that start with the gzip magic (all members), capped at `limits.max_bytes`.
pub fn gunzip_if_needed(bytes: Vec<u8>, limits: &Limits, input: &str) -> Result<Vec<u8>> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(bytes);
    }
    let decoder = flate2::read::MultiGzDecoder::new(&bytes[..]);
    // Text compresses about fourfold.
    match read_up_to(decoder, limits.max_bytes, bytes.len().saturating_mul(4)) {
        Ok(out) if out.len() as u64 > limits.max_bytes => Err(Error::input(
            input,
            format!(
                "gzip content larger than the {} input limit",
                size(limits.max_bytes)
            ),
        )),
        Ok(out) => Ok(out),
        Err(e) => Err(Error::input(input, format!("corrupt gzip data: {e}"))),
    }
}

/// A size cap as said in messages: `64 MiB`, or bytes when it is not a whole number of MiB.
fn size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes}-byte")
    }
}

/// Reads at most `max + 1` bytes (one more than allowed tells an oversized input), straight
/// into the returned buffer. The buffer starts at `hint` bytes (a file's size plus one reads
/// it in one go) and grows by doubling, but never past `max + 1` bytes, so an input at the
/// cap (or a decompression bomb stopped at the cap) costs the cap, not the next power of two.
fn read_up_to(mut reader: impl Read, max: u64, hint: usize) -> std::io::Result<Vec<u8>> {
    let limit = usize::try_from(max.saturating_add(1)).unwrap_or(usize::MAX);
    let mut out: Vec<u8> = Vec::new();
    let mut filled = 0;
    loop {
        if filled == out.len() {
            let grown = (out.len() * 2).max(hint).max(8 * 1024).min(limit);
            if grown == out.len() {
                break;
            }
            out.reserve_exact(grown - out.len());
            out.resize(grown, 0);
        }
        match reader.read(&mut out[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    out.truncate(filled);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_drop_known_extensions() {
        assert_eq!(doc_id_from_path(Path::new("corpus/a001.txt")), "a001");
        assert_eq!(doc_id_from_path(Path::new("x/page.html.gz")), "page");
        assert_eq!(doc_id_from_path(Path::new("000_fb09.txt")), "000_fb09");
        assert_eq!(doc_id_from_path(Path::new("v1.2.notes")), "v1.2.notes");
    }

    #[test]
    fn capped_reads_never_allocate_past_the_cap() {
        let big = vec![7u8; 300_000];
        for hint in [0, 1000, 300_001, usize::MAX] {
            let out = read_up_to(&big[..], 200_000, hint).unwrap();
            assert_eq!(out.len(), 200_001);
            assert!(out.capacity() <= 200_001, "{}", out.capacity());
            let small = read_up_to(&big[..1000], 200_000, hint).unwrap();
            assert_eq!(small, &big[..1000]);
            assert!(small.capacity() <= 200_001, "{}", small.capacity());
        }
        let limits = Limits { max_bytes: 100_000 };
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &big).unwrap();
        let bomb = gz.finish().unwrap();
        let err = gunzip_if_needed(bomb, &limits, "bomb.gz").unwrap_err();
        assert!(
            err.to_string()
                .ends_with("gzip content larger than the 100000-byte input limit"),
            "{err}"
        );
        assert_eq!(size(64 * 1024 * 1024), "64 MiB");
    }
}
