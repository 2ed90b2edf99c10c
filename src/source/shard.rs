//! Shard mode (issue #10): inputs read from a list, and one shard of them, so that the same
//! command given to N processes (GNU parallel, Hadoop streaming, Spark's `RDD.pipe`) covers
//! every input once.
//!
//! **The hash.** An input belongs to shard `K/N` when the first eight bytes of the SHA-256 of
//! its name (UTF-8), read as a big-endian unsigned 64-bit integer, are K modulo N. SHA-256 is
//! the same on every platform, in every version and in every language, so a shard can be
//! recomputed anywhere (`printf %s NAME | sha256sum`, take 16 hex digits, mod N). (FNV-1a
//! would not do: modulo a power of two it only sees the low bits of each byte.)
//!
//! **The name** is the input exactly as given: the command-line argument, or the line of an
//! input list with surrounding white space removed. A directory is walked first and each file
//! found is sharded on its own, named as in `doc.input` (the directory argument joined with
//! the path below it), so N processes over `corpus/` read each file once. A WARC file, a URL
//! and a plain file are one input each: all records of a WARC file go to one shard. `-` (a
//! document on stdin) is named `-`. The N processes must therefore be given the same
//! arguments, spelled the same way (`corpus/x.txt` and `./corpus/x.txt` are two names).
//!
//! **Failures** follow their input: a missing file or a walk error inside a directory is
//! reported by the shard that owns its name, so that the shards' failures add up to those of
//! a single run. Problems with a list itself (it cannot be read, a line is not UTF-8, a line
//! says `-`) are reported by every shard.

use super::{InputSpec, expand_arg, is_url, url_spec};
use crate::error::{Error, Result};
use std::io::BufRead;
use std::path::Path;

/// One shard of N: `K/N` with 0 ≤ K < N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// K, from 0.
    pub index: u64,
    /// N, at least 1.
    pub count: u64,
}

impl Shard {
    /// True when the input named `name` belongs to this shard.
    pub fn owns(&self, name: &str) -> bool {
        shard_of(name, self.count) == self.index
    }
}

/// The shard (0 to `count - 1`) of the input named `name`: the first eight bytes of its
/// SHA-256, big-endian, modulo `count`.
pub fn shard_of(name: &str, count: u64) -> u64 {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(name.as_bytes());
    let mut prefix = [0u8; 8];
    prefix.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(prefix) % count.max(1)
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Shard, String> {
        let number = |part: &str| -> Option<u64> {
            let digits = !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
            digits.then(|| part.parse().ok()).flatten()
        };
        let (index, count) = s
            .split_once('/')
            .and_then(|(k, n)| Some((number(k)?, number(n)?)))
            .ok_or_else(|| format!("expected K/N, two whole numbers (e.g. 0/4), got {s:?}"))?;
        if count == 0 {
            return Err("N must be at least 1".to_string());
        }
        if index >= count {
            return Err(format!(
                "K must be less than N (shards are numbered 0 to {})",
                count - 1
            ));
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The entries of an input list (`--inputs-from`, `--urls`), read lazily line by line, so
/// that a list piped on stdin is worked on as it comes. Blank lines and lines starting with
/// `#` are skipped; entries are trimmed. A line that is not UTF-8 is an error naming
/// `list:line`; a read error ends the list.
pub struct InputList {
    name: String,
    reader: Box<dyn BufRead>,
    line: usize,
    done: bool,
}

impl InputList {
    /// Opens a list file; `-` is standard input.
    pub fn open(path: &Path) -> Result<InputList> {
        let name = path.display().to_string();
        let reader: Box<dyn BufRead> = if is_stdin(path) {
            Box::new(std::io::stdin().lock())
        } else {
            let file = std::fs::File::open(path).map_err(|e| Error::io(&name, e))?;
            Box::new(std::io::BufReader::new(file))
        };
        Ok(InputList {
            name,
            reader,
            line: 0,
            done: false,
        })
    }
}

impl Iterator for InputList {
    type Item = Result<String>;

    fn next(&mut self) -> Option<Result<String>> {
        let mut bytes = Vec::new();
        while !self.done {
            bytes.clear();
            self.line += 1;
            let at = format!("{}:{}", self.name, self.line);
            match self.reader.read_until(b'\n', &mut bytes) {
                Ok(0) => self.done = true,
                Ok(_) => match std::str::from_utf8(&bytes) {
                    Err(_) => return Some(Err(Error::input(at, "line is not UTF-8"))),
                    Ok(line) => {
                        let line = line.trim();
                        if !(line.is_empty() || line.starts_with('#')) {
                            return Some(Ok(line.to_string()));
                        }
                    }
                },
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => self.line -= 1,
                Err(e) => {
                    self.done = true;
                    return Some(Err(Error::io(at, e)));
                }
            }
        }
        None
    }
}

fn is_stdin(path: &Path) -> bool {
    path == Path::new("-")
}

/// Every input of `thidua extract`, restricted to `shard` when given: the arguments, then
/// the entries of `inputs_from` (files, directories, URLs, WARC files), then the URLs of
/// `urls`. Expanded lazily, like [`super::expand`].
///
/// Fails (a usage error) when two of them would read standard input, and when the
/// `inputs_from` list cannot be opened.
pub fn inputs<'a>(
    args: &'a [String],
    inputs_from: Option<&Path>,
    urls: Option<&Path>,
    shard: Option<Shard>,
) -> Result<impl Iterator<Item = Result<InputSpec>> + use<'a>> {
    check_stdin(args, inputs_from, urls)?;
    let listed = inputs_from.map(InputList::open).transpose()?;
    let from_args = args.iter().flat_map(move |arg| in_shard(arg, shard));
    let from_list = listed.into_iter().flatten().flat_map(move |entry| {
        let one = |r: Result<InputSpec>| -> Box<dyn Iterator<Item = Result<InputSpec>>> {
            Box::new(std::iter::once(r))
        };
        match entry {
            Ok(line) if line == "-" => one(Err(Error::input(
                line,
                "a list names files, directories, URLs or WARC files, not - (stdin)",
            ))),
            Ok(line) => in_shard(&line, shard),
            Err(e) => one(Err(e)),
        }
    });
    let url_lines = urls.map(|path| match InputList::open(path) {
        Ok(list) => Box::new(list) as Box<dyn Iterator<Item = Result<String>>>,
        Err(e) => Box::new(std::iter::once(Err(e))),
    });
    let from_urls = url_lines
        .into_iter()
        .flatten()
        .filter_map(move |entry| match entry {
            Ok(line) => shard.is_none_or(|s| s.owns(&line)).then(|| url_spec(&line)),
            Err(e) => Some(Err(e)),
        });
    Ok(from_args.chain(from_list).chain(from_urls))
}

/// One argument or list entry, expanded, if it (or, for a directory, each file in it)
/// belongs to the shard.
fn in_shard(arg: &str, shard: Option<Shard>) -> Box<dyn Iterator<Item = Result<InputSpec>>> {
    let Some(shard) = shard else {
        return expand_arg(arg);
    };
    if is_directory(arg) {
        Box::new(expand_arg(arg).filter(move |found| match found {
            Ok(spec) => shard.owns(&spec.name()),
            Err(e) => failed_input(e).is_none_or(|name| shard.owns(name)),
        }))
    } else if shard.owns(arg) {
        expand_arg(arg)
    } else {
        Box::new(std::iter::empty())
    }
}

fn is_directory(arg: &str) -> bool {
    arg != "-" && !is_url(arg) && std::fs::metadata(arg).is_ok_and(|m| m.is_dir())
}

/// The input an error is about, if it is about one.
fn failed_input(e: &Error) -> Option<&str> {
    match e {
        Error::Io { input, .. } | Error::Input { input, .. } | Error::Skipped { input, .. } => {
            Some(input)
        }
        _ => None,
    }
}

/// At most one input may read standard input.
fn check_stdin(args: &[String], inputs_from: Option<&Path>, urls: Option<&Path>) -> Result<()> {
    let readers: Vec<&str> = [
        args.iter()
            .any(|a| a == "-")
            .then_some("the input - (a document)"),
        inputs_from
            .is_some_and(is_stdin)
            .then_some("--inputs-from - (a list of inputs)"),
        urls.is_some_and(is_stdin)
            .then_some("--urls - (a list of URLs)"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if readers.len() > 1 {
        return Err(Error::Usage(format!(
            "{} would both read standard input; give only one of them",
            readers.join(" and ")
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_values() {
        assert_eq!("0/1".parse(), Ok(Shard { index: 0, count: 1 }));
        assert_eq!("2/3".parse(), Ok(Shard { index: 2, count: 3 }));
        assert_eq!("2/3".parse::<Shard>().unwrap().to_string(), "2/3");
        for bad in [
            "", "1", "3/3", "4/3", "0/0", "-1/2", "a/2", "1/b", "1/2/3", " 1/2", "+1/2",
        ] {
            assert!(bad.parse::<Shard>().is_err(), "{bad:?}");
        }
        assert!("3/3".parse::<Shard>().unwrap_err().contains("less than N"));
    }

    /// The documented function, pinned: SHA-256, first 8 bytes big-endian, mod N
    /// (`printf %s corpus/a012.txt | sha256sum` starts 1b4ced799493f507).
    #[test]
    fn the_hash_is_a_sha256_prefix() {
        let prefix: u64 = 0x1b4c_ed79_9493_f507;
        for n in 1..10 {
            assert_eq!(shard_of("corpus/a012.txt", n), prefix % n);
        }
        assert_eq!(shard_of("", 1000), 0xe3b0_c442_98fc_1c14 % 1000);
        // Every name is in exactly one shard.
        for n in 1..6 {
            let owners = (0..n)
                .filter(|&k| Shard { index: k, count: n }.owns("corpus/a012.txt"))
                .count();
            assert_eq!(owners, 1);
        }
    }

    #[test]
    fn lists_skip_blanks_and_comments_and_report_bad_lines() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("inputs.txt");
        std::fs::write(
            &list,
            b"# inputs\n corpus/a.txt \r\n\n\xff\xfe\nhttp://x.org/a",
        )
        .unwrap();
        let got: Vec<_> = InputList::open(&list).unwrap().collect();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].as_ref().unwrap(), "corpus/a.txt");
        let bad = got[1].as_ref().unwrap_err().to_string();
        assert!(bad.contains("inputs.txt:4: line is not UTF-8"), "{bad}");
        assert_eq!(got[2].as_ref().unwrap(), "http://x.org/a");
        assert!(InputList::open(&dir.path().join("nope")).is_err());
    }

    #[test]
    fn only_one_input_reads_stdin() {
        let dash = vec!["-".to_string()];
        let stdin = Some(Path::new("-"));
        assert!(inputs(&dash, stdin, None, None).is_err());
        assert!(inputs(&[], stdin, stdin, None).is_err());
        assert!(inputs(&dash, None, stdin, None).is_err());
        assert!(inputs(&dash, None, None, None).is_ok());
    }

    #[test]
    fn url_lists_are_sharded_by_line() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("urls.txt");
        let urls: Vec<String> = (0..30).map(|i| format!("https://x.org/{i}")).collect();
        std::fs::write(&list, format!("# seeds\n{}\n", urls.join("\n  "))).unwrap();
        let mut union = Vec::new();
        for index in 0..2 {
            let shard = Some(Shard { index, count: 2 });
            for spec in inputs(&[], None, Some(&list), shard).unwrap() {
                let name = spec.unwrap().name();
                assert_eq!(shard_of(&name, 2), index);
                union.push(name);
            }
        }
        union.sort();
        let mut want = urls;
        want.sort();
        assert_eq!(union, want);
        // A list that cannot be read is every shard's failure.
        let missing = dir.path().join("nope.txt");
        for index in 0..2 {
            let shard = Some(Shard { index, count: 2 });
            let got: Vec<_> = inputs(&[], None, Some(&missing), shard).unwrap().collect();
            assert!(got.len() == 1 && got[0].is_err());
        }
    }

    #[test]
    fn directories_are_sharded_file_by_file() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..40 {
            std::fs::write(dir.path().join(format!("{i:02}.txt")), "x").unwrap();
        }
        let arg = vec![dir.path().display().to_string()];
        let names = |shard| -> Vec<String> {
            inputs(&arg, None, None, shard)
                .unwrap()
                .map(|s| s.unwrap().name())
                .collect()
        };
        let all = names(None);
        assert_eq!(all.len(), 40);
        let mut union = Vec::new();
        for index in 0..3 {
            let part = names(Some(Shard { index, count: 3 }));
            assert!(!part.is_empty() && part.len() < 40);
            assert!(part.iter().all(|n| shard_of(n, 3) == index));
            union.extend(part);
        }
        union.sort();
        assert_eq!(union, all);
    }
}
