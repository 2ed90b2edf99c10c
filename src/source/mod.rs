//! Sources turn what the user named (files, directories, stdin, WARC archives, URLs) into raw
//! documents.
//!
//! Inputs are expanded lazily: a directory is walked in sorted order as the batch proceeds, a
//! WARC file is streamed record by record, and each input is read (or fetched) only when its
//! turn comes, so memory does not grow with the batch.

pub mod archive;
pub mod fetch;
mod files;
pub mod http;
pub mod shard;
pub mod warc;

pub use archive::{ArchiveIndex, WarcWriter};
pub use fetch::{FetchConfig, Fetched, Fetcher};
pub use files::{Limits, doc_id_from_path, read_file, read_stdin};
pub use warc::{WarcReader, WarcRecord};

use crate::document::RawDocument;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// One input as named on the command line (or found by walking a directory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputSpec {
    /// Standard input (`-`).
    Stdin,
    /// A file on disk.
    File(PathBuf),
    /// A WARC file (`.warc`, `.warc.gz`): many documents.
    Warc(PathBuf),
    /// An `http(s)://` URL to fetch.
    Url(String),
}

impl InputSpec {
    /// How the input is named in records and error messages.
    pub fn name(&self) -> String {
        match self {
            InputSpec::Stdin => "-".to_string(),
            InputSpec::File(p) | InputSpec::Warc(p) => p.display().to_string(),
            InputSpec::Url(u) => u.clone(),
        }
    }
}

/// File extensions read when walking a directory (each may also end in `.gz`); see also
/// [`PAGE_EXTENSIONS`]. Other files are read when their content is HTML or WARC.
pub const DIR_EXTENSIONS: [&str; 4] = ["txt", "html", "htm", "warc"];

/// Extensions of saved web pages read when walking a directory (server-side page names:
/// mirrors keep them, and the corpus's own sources are `.aspx`, `.bld`, `.epi` …).
pub const PAGE_EXTENSIONS: [&str; 13] = [
    "xhtml", "shtml", "shtm", "aspx", "asp", "php", "jsp", "jspx", "cfm", "bld", "epi", "antd",
    "do",
];

/// True for an argument written as a URL (`scheme://…`); only http and https are fetched,
/// other schemes are reported.
pub fn is_url(arg: &str) -> bool {
    arg.split_once("://").is_some_and(|(scheme, _)| {
        scheme.len() > 1
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

fn url_spec(arg: &str) -> Result<InputSpec> {
    fetch::parse_url(arg)
        .map(|_| InputSpec::Url(arg.trim().to_string()))
        .map_err(|reason| Error::input(arg, reason))
}

/// Expands command-line arguments into inputs: `-` is stdin, `http(s)://…` a URL, a
/// directory is walked recursively (sorted by name, symlinks followed, loops reported), a
/// `.warc`/`.warc.gz` file (or a file that starts like one) is a WARC archive, anything else
/// is a file. Problems (missing path, unreadable directory entry, symlink loop, unsupported
/// URL scheme) come out as errors in the stream so the batch can report them and go on.
pub fn expand(args: &[String]) -> impl Iterator<Item = Result<InputSpec>> + '_ {
    args.iter().flat_map(|arg| expand_arg(arg))
}

/// Expands one argument (or one line of an input list): see [`expand`].
pub fn expand_arg(arg: &str) -> Box<dyn Iterator<Item = Result<InputSpec>>> {
    if arg == "-" {
        return Box::new(std::iter::once(Ok(InputSpec::Stdin)));
    }
    if is_url(arg) {
        return Box::new(std::iter::once(url_spec(arg)));
    }
    let path = PathBuf::from(arg);
    match std::fs::metadata(&path) {
        Ok(m) if m.is_dir() => Box::new(walk_dir(path)),
        Ok(_) if warc::is_warc_name(&path) || warc::sniff(&path) => {
            Box::new(std::iter::once(Ok(InputSpec::Warc(path))))
        }
        Ok(_) => Box::new(std::iter::once(Ok(InputSpec::File(path)))),
        Err(e) => Box::new(std::iter::once(Err(Error::io(arg, e)))),
    }
}

/// The URLs of a list file (`--urls`), one a line; blank lines and lines starting with `#`
/// are skipped. `-` reads standard input. Read lazily, line by line.
pub fn url_list(path: &Path) -> impl Iterator<Item = Result<InputSpec>> + use<> {
    use std::io::BufRead;
    let name = path.display().to_string();
    let reader: Result<Box<dyn BufRead>> = if name == "-" {
        Ok(Box::new(std::io::BufReader::new(std::io::stdin())))
    } else {
        std::fs::File::open(path)
            .map(|f| Box::new(std::io::BufReader::new(f)) as Box<dyn BufRead>)
            .map_err(|e| Error::io(&name, e))
    };
    let (lines, error) = match reader {
        Ok(r) => (Some(r.lines().enumerate()), None),
        Err(e) => (None, Some(Err(e))),
    };
    let lines = lines
        .into_iter()
        .flatten()
        .filter_map(move |(n, line)| match line {
            Err(e) => Some(Err(Error::io(format!("{name}:{}", n + 1), e))),
            Ok(line) => {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    None
                } else {
                    Some(url_spec(line))
                }
            }
        });
    error.into_iter().chain(lines)
}

/// What the batch gets from its inputs: something to read or fetch, a document already read
/// (a WARC record), or a failure to report.
#[derive(Debug)]
pub enum Item {
    /// A file or stdin to read, or a URL to fetch.
    Spec(InputSpec),
    /// A document already read (from a WARC file).
    Raw(RawDocument),
    /// An input that failed.
    Failed(Error),
}

/// Turns inputs into items, streaming WARC files into their documents as they are pulled.
pub fn items(
    inputs: impl Iterator<Item = Result<InputSpec>>,
    limits: Limits,
) -> impl Iterator<Item = Item> {
    inputs.flat_map(move |input| -> Box<dyn Iterator<Item = Item>> {
        match input {
            Ok(InputSpec::Warc(path)) => {
                match WarcReader::open(&path, warc::Bodies::Documents, limits.max_bytes) {
                    Ok(reader) => Box::new(reader.documents().map(|d| match d {
                        Ok(raw) => Item::Raw(raw),
                        Err(e) => Item::Failed(e),
                    })),
                    Err(e) => Box::new(std::iter::once(Item::Failed(e))),
                }
            }
            Ok(InputSpec::Stdin) => stdin_items(limits),
            Ok(spec) => Box::new(std::iter::once(Item::Spec(spec))),
            Err(e) => Box::new(std::iter::once(Item::Failed(e))),
        }
    })
}

/// Standard input: a WARC archive (plain or gzipped, as `zcat crawl.warc.gz | thidua
/// extract -` or `cat crawl.warc.gz | …` give it) is spooled to an anonymous temporary file
/// and read record by record, with locators `-#offset`; anything else is one document.
fn stdin_items(limits: Limits) -> Box<dyn Iterator<Item = Item>> {
    use std::io::{Read, Seek};
    let mut stdin = std::io::stdin().lock();
    // Enough of the start to see a gzip header and the first line inside it.
    let mut head = Vec::with_capacity(4096);
    let looked = (&mut stdin).take(4096).read_to_end(&mut head);
    if let Err(e) = looked {
        return Box::new(std::iter::once(Item::Failed(Error::io("-", e))));
    }
    let rest = std::io::Cursor::new(head.clone()).chain(stdin);
    if !warc::looks_like_warc(&head) {
        return Box::new(std::iter::once(
            match files::read_stdin_from(rest, &limits) {
                Ok(raw) => Item::Raw(raw),
                Err(e) => Item::Failed(e),
            },
        ));
    }
    let spooled = tempfile::tempfile().and_then(|mut file| {
        std::io::copy(&mut { rest }, &mut file)?;
        file.rewind()?;
        Ok(file)
    });
    let reader = spooled.map_err(|e| Error::io("-", e)).and_then(|file| {
        WarcReader::from_file(
            file,
            "-".to_string(),
            0,
            warc::Bodies::Documents,
            limits.max_bytes,
        )
    });
    match reader {
        Ok(reader) => Box::new(reader.documents().map(|d| match d {
            Ok(raw) => Item::Raw(raw),
            Err(e) => Item::Failed(e),
        })),
        Err(e) => Box::new(std::iter::once(Item::Failed(e))),
    }
}

fn walk_dir(dir: PathBuf) -> impl Iterator<Item = Result<InputSpec>> {
    walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|entry| match entry {
            Ok(e) if e.file_type().is_file() => Some(classify_walked(e.into_path())),
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

/// What a directory walk makes of a file: a WARC archive or a document by its name, else by
/// its content (HTML or WARC, plain or gzipped); anything else is [`Error::Skipped`], so the
/// run reports and counts it instead of leaving it out without a word.
fn classify_walked(path: PathBuf) -> Result<InputSpec> {
    if warc::is_warc_name(&path) {
        return Ok(InputSpec::Warc(path));
    }
    if wanted_in_dir(&path) {
        return Ok(InputSpec::File(path));
    }
    let name = path.display().to_string();
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    let read = std::fs::File::open(&path).and_then(|f| {
        use std::io::Read;
        f.take(SNIFF_BYTES as u64).read_to_end(&mut head)
    });
    if let Err(e) = read {
        return Err(Error::io(name, e));
    }
    match sniff_content(&head) {
        Sniffed::Warc => Ok(InputSpec::Warc(path)),
        Sniffed::Html => Ok(InputSpec::File(path)),
        Sniffed::Other(what) => Err(Error::Skipped {
            input: name,
            reason: format!(
                "{what}, not an article by name (.txt, .html, .aspx …) or content (HTML, WARC); \
                 name the file as an input to read it anyway"
            ),
        }),
    }
}

/// Bytes looked at to tell what a file of unknown name holds.
const SNIFF_BYTES: usize = 4096;

/// What the start of a file looks like.
#[derive(Debug, PartialEq, Eq)]
enum Sniffed {
    Warc,
    Html,
    /// Something else: a few words saying what.
    Other(&'static str),
}

fn sniff_content(head: &[u8]) -> Sniffed {
    if warc::looks_like_warc(head) {
        return Sniffed::Warc;
    }
    if head.starts_with(&[0x1f, 0x8b]) {
        use std::io::Read;
        let mut inner = Vec::new();
        let _ = flate2::read::GzDecoder::new(head)
            .take(SNIFF_BYTES as u64)
            .read_to_end(&mut inner);
        return match sniff_content(&inner) {
            Sniffed::Other(_) => Sniffed::Other("gzip data"),
            found => found,
        };
    }
    if head.is_empty() {
        return Sniffed::Other("an empty file");
    }
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let text = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let markup = [
        "<!doctype html",
        "<html",
        "<head",
        "<body",
        "<?xml",
        "<meta",
        "<title",
        "<!--",
    ];
    if markup.iter().any(|m| text.starts_with(m))
        || (text.starts_with('<') && (text.contains("<html") || text.contains("<body")))
    {
        return Sniffed::Html;
    }
    if head.contains(&0) {
        Sniffed::Other("binary data")
    } else {
        Sniffed::Other("text")
    }
}

/// True for the files a directory walk reads by their name: text (`.txt`), saved pages
/// ([`PAGE_EXTENSIONS`]), WARC (`.warc`), and the same with `.gz`. Names that are not UTF-8
/// are judged by their extension too.
pub fn wanted_in_dir(path: &std::path::Path) -> bool {
    let name = match path.file_name() {
        Some(n) => n.to_string_lossy().to_ascii_lowercase(),
        None => return false,
    };
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    DIR_EXTENSIONS
        .iter()
        .chain(PAGE_EXTENSIONS.iter())
        .any(|ext| name.len() > ext.len() + 1 && name.ends_with(&format!(".{ext}")))
}

/// Reads one input into a raw document. A URL is fetched with the default settings (no
/// archive); a WARC file gives its first document (use [`WarcReader`] for all of them).
pub fn read(spec: &InputSpec, limits: &Limits) -> Result<RawDocument> {
    match spec {
        InputSpec::Stdin => read_stdin(limits),
        InputSpec::File(p) => read_file(p, limits),
        InputSpec::Warc(p) => WarcReader::open(p, warc::Bodies::Documents, limits.max_bytes)?
            .documents()
            .next()
            .unwrap_or_else(|| {
                Err(Error::input(
                    spec.name(),
                    "no HTML or text response in the WARC file",
                ))
            }),
        InputSpec::Url(u) => {
            let config = FetchConfig {
                max_bytes: limits.max_bytes,
                ..FetchConfig::default()
            };
            Fetcher::new(config)?.fetch(u).result
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_filter() {
        for yes in [
            "a.txt",
            "b.HTML",
            "c.htm.gz",
            "d.txt.gz",
            "e.warc",
            "f.warc.gz",
        ] {
            assert!(wanted_in_dir(std::path::Path::new(yes)), "{yes}");
        }
        for no in ["gold.jsonl", "SOURCES", ".txt", "x.gz", "y.pdf"] {
            assert!(!wanted_in_dir(std::path::Path::new(no)), "{no}");
        }
        for yes in ["p.aspx", "q.SHTML", "r.php.gz", "s.bld", "t.xhtml"] {
            assert!(wanted_in_dir(std::path::Path::new(yes)), "{yes}");
        }
    }

    #[test]
    fn content_sniffing() {
        assert_eq!(sniff_content(b"<!DOCTYPE html><p>x"), Sniffed::Html);
        assert_eq!(sniff_content(b"\n  <html lang=vi>"), Sniffed::Html);
        assert_eq!(sniff_content(b"WARC/1.1\r\n"), Sniffed::Warc);
        assert!(matches!(sniff_content(b"# a list\n"), Sniffed::Other(_)));
        assert!(matches!(sniff_content(b"{\"id\": 1}"), Sniffed::Other(_)));
        assert!(matches!(sniff_content(b""), Sniffed::Other(_)));
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, b"<html><body>x").unwrap();
        assert_eq!(sniff_content(&gz.finish().unwrap()), Sniffed::Html);
    }

    #[test]
    fn urls_and_schemes() {
        assert!(is_url("https://baoquangtri.vn/a.html"));
        assert!(is_url("ftp://x.org/a"));
        assert!(!is_url("corpus/a001.txt"));
        assert!(!is_url("C://x"));
        let specs: Vec<_> =
            expand(&["http://x.org/a".to_string(), "ftp://x.org/b".to_string()]).collect();
        assert_eq!(
            specs[0].as_ref().unwrap(),
            &InputSpec::Url("http://x.org/a".into())
        );
        assert!(
            specs[1]
                .as_ref()
                .unwrap_err()
                .to_string()
                .contains("unsupported URL scheme")
        );
    }

    #[test]
    fn url_lists_skip_blanks_and_comments() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("urls.txt");
        std::fs::write(
            &list,
            "# seeds\nhttp://x.org/a\n\n  https://x.org/b  \nmailto:me\n",
        )
        .unwrap();
        let specs: Vec<_> = url_list(&list).collect();
        assert_eq!(specs.len(), 3);
        assert_eq!(
            specs[1].as_ref().unwrap(),
            &InputSpec::Url("https://x.org/b".into())
        );
        assert!(specs[2].is_err());
        let missing: Vec<_> = url_list(&dir.path().join("nope")).collect();
        assert!(missing[0].is_err());
    }
}
