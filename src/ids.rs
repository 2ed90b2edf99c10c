//! Unique document ids within an output, and the keys that tell whether two spellings of an
//! input name the same document.
//!
//! A record's `doc.id` starts as the reader made it: a file's stem (`corpus/a001.txt` →
//! `a001`), a hash of a URL, `stdin-` and a hash of the bytes piped in. Stems collide
//! (`2023/index.txt` and `2024/index.txt`, `x/a.txt` and `x/a.html`), and so do the URLs of
//! two captures in one WARC file. [`DocIds`] keeps, in input order, every id an output holds:
//! the first document keeps its id; a later one with the same id gets
//! `ID~` and the first 8 hex digits of the SHA-256 of its `doc.input` (the path, URL or
//! `archive#offset` as given), then `~2`, `~3` … if even that is taken. So ids are unique in an
//! output, the same inputs in the same order always get the same ids (a resumed run gives the
//! same bytes as an uninterrupted one), and the dev set, whose stems are unique, keeps its
//! stems (gold joins on them). Ids already in the output (a database written before, the part
//! of a JSON Lines file a resumed run keeps) are taken up first; a document whose input is
//! already there under an id keeps that id, so a re-run updates its row instead of adding a
//! second one.

use sha2::Digest;
use std::collections::{HashMap, HashSet};

/// A 128-bit digest of a string: the keys of ids and inputs kept in memory (16 bytes each,
/// whatever the length of the path).
pub fn digest(s: &str) -> u128 {
    let d = sha2::Sha256::digest(s.as_bytes());
    u128::from_be_bytes(d[..16].try_into().expect("16 bytes"))
}

/// The key of an input name (`doc.input`) that two spellings of the same document share: a
/// file's canonical path (`corpus/a.txt` and `/abs/corpus/a.txt` give the same key), the same
/// with `#offset` for a WARC record, a URL as it is. A name that does not resolve (a file
/// removed since) is its own key.
pub fn input_key(input: &str) -> String {
    if input == "-" || input.starts_with("-#") || crate::source::is_url(input) {
        return input.to_string();
    }
    if let Ok(p) = std::fs::canonicalize(input) {
        return p.to_string_lossy().into_owned();
    }
    if let Some((path, offset)) = input.rsplit_once('#')
        && !offset.is_empty()
        && offset.bytes().all(|b| b.is_ascii_digit())
        && let Ok(p) = std::fs::canonicalize(path)
    {
        return format!("{}#{offset}", p.to_string_lossy());
    }
    input.to_string()
}

/// The digest of [`input_key`]: what `--resume` compares inputs by.
pub fn input_digest(input: &str) -> u128 {
    digest(&input_key(input))
}

/// Who holds an id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holder {
    /// A document of this run.
    Run,
    /// A document already in the output, with the digest of its input key.
    Earlier(u128),
}

/// The ids of one output (see the module documentation).
#[derive(Debug, Default)]
pub struct DocIds {
    /// Id digest → holder.
    taken: HashMap<u128, Holder>,
    /// Input-key digest → id, for the documents already in the output.
    earlier: HashMap<u128, String>,
}

impl DocIds {
    /// No ids taken.
    pub fn new() -> DocIds {
        DocIds::default()
    }

    /// Takes up an id the output already holds, for the document read from `input`.
    pub fn seed(&mut self, id: &str, input: &str) {
        let key = input_digest(input);
        self.taken.insert(digest(id), Holder::Earlier(key));
        self.earlier.insert(key, id.to_string());
    }

    /// Takes up an id this run has already written (the kept part of a resumed output).
    pub fn seed_run(&mut self, id: &str) {
        self.taken.insert(digest(id), Holder::Run);
    }

    /// Ids taken.
    pub fn len(&self) -> usize {
        self.taken.len()
    }

    /// True when no id is taken.
    pub fn is_empty(&self) -> bool {
        self.taken.is_empty()
    }

    /// The id of the next document, read from `input` with the reader's id `id`: `id` itself
    /// when it is free, else the id the output already gives this input, else `id~HASH`
    /// (`~2`, `~3` … after it if need be). The id is taken.
    pub fn assign(&mut self, id: &str, input: &str) -> String {
        match self.taken.get(&digest(id)) {
            None => {
                self.taken.insert(digest(id), Holder::Run);
                return id.to_string();
            }
            Some(Holder::Run) if self.earlier.is_empty() => {}
            Some(_) => {
                // Re-running into an output that holds this input: keep its id (the
                // document is updated, not added twice), when it is this id or one made
                // from it.
                let key = input_digest(input);
                if let Some(old) = self.earlier.get(&key)
                    && (old == id || old.starts_with(&format!("{id}~")))
                    && self.taken.get(&digest(old)) == Some(&Holder::Earlier(key))
                {
                    let old = old.clone();
                    self.taken.insert(digest(&old), Holder::Run);
                    return old;
                }
            }
        }
        let hash = digest(input).to_be_bytes();
        let base = format!(
            "{id}~{}",
            hash[..4]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        );
        let mut candidate = base.clone();
        let mut n = 2;
        while self.taken.contains_key(&digest(&candidate)) {
            candidate = format!("{base}~{n}");
            n += 1;
        }
        self.taken.insert(digest(&candidate), Holder::Run);
        candidate
    }
}

/// The inputs an output already holds (`--resume`), by [`input_digest`].
#[derive(Debug, Default)]
pub struct Done {
    keys: HashSet<u128>,
}

impl Done {
    /// Notes an input as done.
    pub fn insert(&mut self, input: &str) {
        self.keys.insert(input_digest(input));
    }

    /// True when `input` (any spelling of it) is done.
    pub fn contains(&self, input: &str) -> bool {
        !self.keys.is_empty() && self.keys.contains(&input_digest(input))
    }

    /// Inputs done.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when nothing is done.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_keeps_its_id_later_ones_are_told_apart() {
        let mut ids = DocIds::new();
        assert_eq!(ids.assign("index", "2023/index.txt"), "index");
        let second = ids.assign("index", "2024/index.txt");
        assert!(second.starts_with("index~") && second.len() == "index~".len() + 8);
        let third = ids.assign("index", "2024/index.txt");
        assert_eq!(third, format!("{second}~2"));
        // Deterministic: the same inputs in the same order give the same ids.
        let mut again = DocIds::new();
        again.assign("index", "2023/index.txt");
        assert_eq!(again.assign("index", "2024/index.txt"), second);
    }

    #[test]
    fn an_input_already_in_the_output_keeps_its_id() {
        let mut first = DocIds::new();
        let a = first.assign("index", "/nonexistent/2023/index.txt");
        let b = first.assign("index", "/nonexistent/2024/index.txt");
        // A second run over the second input only, into the same database.
        let mut ids = DocIds::new();
        ids.seed(&a, "/nonexistent/2023/index.txt");
        ids.seed(&b, "/nonexistent/2024/index.txt");
        assert_eq!(ids.assign("index", "/nonexistent/2024/index.txt"), b);
        assert_eq!(ids.assign("index", "/nonexistent/2023/index.txt"), a);
        // A new document with the same stem gets a new id.
        let c = ids.assign("index", "/nonexistent/2025/index.txt");
        assert!(c != a && c != b);
    }

    #[test]
    fn spellings_of_one_file_share_a_key() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.txt");
        std::fs::write(&file, "x").unwrap();
        let abs = file.to_string_lossy().into_owned();
        let dotted = dir.path().join(".").join("a.txt");
        assert_eq!(input_key(&abs), input_key(&dotted.to_string_lossy()));
        assert_eq!(
            input_key(&format!("{abs}#123")),
            format!("{}#123", input_key(&abs))
        );
        let mut done = Done::default();
        done.insert(&abs);
        assert!(done.contains(&dotted.to_string_lossy()));
        assert_eq!(input_key("https://x.vn/a"), "https://x.vn/a");
    }
}
