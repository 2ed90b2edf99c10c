//! Rules and gazetteers kept as data in `patterns/`.
//!
//! * `patterns/rules/*.toml`: rules, each with an id, the field it feeds, a priority, a regex
//!   (with `{MACRO}` references), and positive (`examples`) and negative (`counter`) example
//!   sentences that the test suite runs.
//! * `patterns/macros.toml`: named regex fragments shared by rules.
//! * `patterns/gazetteers/*.tsv`: provinces, unit types, abbreviations, titles, surnames,
//!   number words, awards, stop words, site tags. Several also become macros
//!   (`{PROVINCE}`, `{UNIT_HEAD}` …).
//!
//! A copy of `patterns/` is embedded in the binary; `--patterns DIR` reads another one.
//! Every problem in the files is reported as `file:line: what is wrong`, all at once.

mod gazetteer;
mod literals;
mod rule;

pub use gazetteer::{Award, Gazetteers, Province, Site, roman};
pub use literals::Literal;
use literals::LiteralCache;
pub use rule::{MatchOn, Rule, RuleMatch, check_rule};

use crate::error::{Error, PatternError, PatternErrors, Result};
use crate::normalize::{Folded, Normalizer};
use include_dir::{Dir, include_dir};
use std::collections::HashMap;
use std::path::Path;

static EMBEDDED: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/patterns");

/// The loaded, compiled rule set and gazetteers. Build once, share across threads.
#[derive(Debug)]
pub struct Patterns {
    rules: Vec<Rule>,
    /// The required literals of every rule.
    literals: LiteralIndex,
    /// The required literals of the page-leftover rules only (trimming runs before
    /// extraction and needs no others).
    leftover_literals: LiteralIndex,
    by_field: HashMap<String, Vec<usize>>,
    /// The data tables.
    pub gaz: Gazetteers,
    /// Where the patterns came from ("embedded" or a directory).
    pub origin: String,
    /// The files they were loaded from, to build [`Patterns::without_marks`] when first asked.
    files: PatternFiles,
    without_marks: std::sync::OnceLock<Option<Box<Patterns>>>,
}

/// The sentences where each rule's required literals all occur (see
/// [`Patterns::literal_sentences`]).
#[derive(Debug, Clone, Default)]
pub struct LiteralSentences {
    sentences: Vec<u32>,
    ranges: Vec<(u32, u32)>,
}

impl LiteralSentences {
    /// The candidate sentences of a rule (by its index), in order.
    pub fn of(&self, rule: usize) -> &[u32] {
        let (s, e) = self.ranges.get(rule).copied().unwrap_or((0, 0));
        &self.sentences[s as usize..e as usize]
    }
}

/// One automaton over the distinct required literals of a set of rules (folded).
#[derive(Debug)]
struct LiteralIndex {
    automaton: Option<aho_corasick::AhoCorasick>,
    /// For each automaton pattern, its owners grouped by the marked form the text must show
    /// there (none for literals of folded rules).
    owners: Vec<Vec<Owners>>,
}

/// The (rule, set) pairs that own a literal, and the marked form that the text must show
/// where the folded literal is found (none when any form will do).
type Owners = (Option<Literal>, Vec<(u32, u8)>);

impl LiteralIndex {
    /// The index of the required literals of the rules that `keep` keeps.
    fn new(rules: &[Rule], keep: impl Fn(&Rule) -> bool) -> LiteralIndex {
        let mut literals: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<Owners>> = Vec::new();
        let mut literal_id: HashMap<String, usize> = HashMap::new();
        for r in rules.iter().filter(|r| keep(r)) {
            for (set, lits) in r.required.iter().enumerate() {
                for lit in lits {
                    let id = *literal_id.entry(lit.folded.clone()).or_insert_with(|| {
                        literals.push(lit.folded.clone());
                        owners.push(Vec::new());
                        literals.len() - 1
                    });
                    let check = lit.marked.is_some().then(|| lit.clone());
                    let groups = &mut owners[id];
                    let group = match groups.iter().position(|(c, _)| *c == check) {
                        Some(g) => g,
                        None => {
                            groups.push((check, Vec::new()));
                            groups.len() - 1
                        }
                    };
                    let pairs = &mut groups[group].1;
                    if !pairs.contains(&(r.index as u32, set as u8)) {
                        pairs.push((r.index as u32, set as u8));
                    }
                }
            }
        }
        // A full DFA: a few hundred short literals make a small one, and it is the fastest
        // kind for the overlapping search over every document.
        let automaton = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::Standard)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&literals)
            .ok();
        LiteralIndex { automaton, owners }
    }

    /// For every rule of the index, the sentences holding a literal of each of its sets.
    /// `original` is the text `folded` was folded from (the marked literals are checked
    /// there).
    fn sentences(
        &self,
        rules: &[Rule],
        folded: &Folded,
        original: &str,
        sentence_of: impl Fn(usize) -> usize,
    ) -> LiteralSentences {
        let mut out = LiteralSentences {
            sentences: Vec::new(),
            ranges: vec![(0, 0); rules.len()],
        };
        let Some(ac) = &self.automaton else {
            return out;
        };
        // (rule, sentence, sets found there), in text order; for each rule, one past the
        // position of its last entry (0: none yet). One list for all rules, not a list per
        // rule: a hundred rules have literals in a page, and growing a list for each was a
        // tenth of the index's time.
        let mut entries: Vec<(u32, u32, u8)> = Vec::new();
        let mut last: Vec<u32> = vec![0; rules.len()];
        // A literal seen again in the same sentence adds nothing: per literal, the sentence
        // it was last counted in and which of its owner groups were counted there ("khối",
        // "năm" come several times a sentence and belong to a dozen rules each).
        let mut counted: Vec<(u32, u64)> = vec![(u32::MAX, 0); self.owners.len()];
        for m in ac.find_overlapping_iter(folded.text.as_str()) {
            let si = sentence_of(m.start()) as u32;
            let pattern = m.pattern().as_usize();
            let groups = &self.owners[pattern];
            let seen = &mut counted[pattern];
            if seen.0 != si {
                *seen = (si, 0);
            }
            let all_groups = if groups.len() >= 64 {
                u64::MAX
            } else {
                (1u64 << groups.len()) - 1
            };
            if seen.1 == all_groups {
                continue;
            }
            let shown = &original[folded.to_original(m.start())..folded.to_original(m.end())];
            for (g, (check, pairs)) in groups.iter().enumerate() {
                let bit = 1u64 << g.min(63);
                if seen.1 & bit != 0 {
                    continue;
                }
                if check.as_ref().is_some_and(|lit| !lit.shows_in(shown)) {
                    continue;
                }
                seen.1 |= bit;
                for &(rule, set) in pairs {
                    let at = &mut last[rule as usize];
                    match (*at as usize).checked_sub(1).map(|i| &mut entries[i]) {
                        Some((_, last_si, sets)) if *last_si == si => *sets |= 1 << set,
                        _ => {
                            entries.push((rule, si, 1 << set));
                            *at = entries.len() as u32;
                        }
                    }
                }
            }
        }
        // The entries grouped by rule, each rule's in text order (a counting sort, stable).
        let mut next = last;
        next.fill(0);
        for &(rule, _, _) in &entries {
            next[rule as usize] += 1;
        }
        let mut total = 0;
        for n in next.iter_mut() {
            let count = *n;
            *n = total;
            total += count;
        }
        let bounds = next.clone();
        let mut grouped = vec![(0u32, 0u8); entries.len()];
        for &(rule, si, sets) in &entries {
            let at = &mut next[rule as usize];
            grouped[*at as usize] = (si, sets);
            *at += 1;
        }
        for (rule, (&from, &to)) in bounds.iter().zip(&next).enumerate() {
            let row = &mut grouped[from as usize..to as usize];
            if row.is_empty() {
                continue;
            }
            // Overlapping literals may come slightly out of order.
            if !row.is_sorted_by_key(|&(si, _)| si) {
                row.sort_unstable_by_key(|&(si, _)| si);
            }
            let all = ((1u16 << rules[rule].required.len()) - 1) as u8;
            let start = out.sentences.len() as u32;
            let mut i = 0;
            while i < row.len() {
                let si = row[i].0;
                let mut sets = 0u8;
                while i < row.len() && row[i].0 == si {
                    sets |= row[i].1;
                    i += 1;
                }
                if sets == all {
                    out.sentences.push(si);
                }
            }
            out.ranges[rule] = (start, out.sentences.len() as u32);
        }
        out
    }
}

/// The text of every pattern file, keyed by its path relative to the patterns directory.
#[derive(Debug, Clone, Default)]
pub struct PatternFiles {
    files: Vec<(String, String)>,
    origin: String,
    /// Run every rule's examples while loading. The embedded copy was checked by the test
    /// suite when the binary was built, so it skips them (startup time); files from a
    /// directory are checked.
    check_examples: bool,
}

impl PatternFiles {
    /// The same files with every diacritic removed (see [`Patterns::without_marks`]).
    fn without_marks(&self) -> PatternFiles {
        PatternFiles {
            files: self
                .files
                .iter()
                .map(|(name, text)| (name.clone(), crate::normalize::strip_marks(text)))
                .collect(),
            origin: format!("{} (without marks)", self.origin),
            check_examples: false,
        }
    }

    /// The copy embedded in the binary at build time.
    pub fn embedded() -> PatternFiles {
        let mut files = Vec::new();
        collect_embedded(&EMBEDDED, &mut files);
        files.sort();
        PatternFiles {
            files,
            origin: "embedded".to_string(),
            check_examples: false,
        }
    }

    /// Reads every `.toml` and `.tsv` file under `dir`.
    pub fn from_dir(dir: &Path) -> Result<PatternFiles> {
        let mut files = Vec::new();
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.map_err(|e| {
                Error::Usage(format!("{}: cannot read patterns: {e}", dir.display()))
            })?;
            let path = entry.path();
            let wanted = matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("toml") | Some("tsv")
            );
            if !entry.file_type().is_file() || !wanted {
                continue;
            }
            let rel = path
                .strip_prefix(dir)
                .unwrap_or(path)
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(path)
                .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
            files.push((rel, text));
        }
        if files.is_empty() {
            return Err(Error::Usage(format!(
                "{}: no pattern files (.toml, .tsv) found",
                dir.display()
            )));
        }
        Ok(PatternFiles {
            files,
            origin: dir.display().to_string(),
            check_examples: true,
        })
    }

    /// Builds from in-memory files (tests).
    pub fn from_files(files: Vec<(String, String)>) -> PatternFiles {
        PatternFiles {
            files,
            origin: "memory".to_string(),
            check_examples: true,
        }
    }

    /// Whether loading also runs every rule's examples.
    pub fn with_example_checks(mut self, yes: bool) -> PatternFiles {
        self.check_examples = yes;
        self
    }

    /// The file with this relative path.
    pub fn get(&self, rel: &str) -> Option<&str> {
        self.files
            .iter()
            .find(|(p, _)| p == rel)
            .map(|(_, t)| t.as_str())
    }

    /// Files under a relative directory with an extension.
    pub fn under<'a>(
        &'a self,
        dir: &'a str,
        ext: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.files
            .iter()
            .filter(move |(p, _)| p.starts_with(dir) && p.ends_with(ext))
            .map(|(p, t)| (p.as_str(), t.as_str()))
    }
}

fn collect_embedded(dir: &Dir<'_>, out: &mut Vec<(String, String)>) {
    for file in dir.files() {
        let path = file.path().to_string_lossy().replace('\\', "/");
        if (path.ends_with(".toml") || path.ends_with(".tsv"))
            && let Some(text) = file.contents_utf8()
        {
            out.push((path, text.to_string()));
        }
    }
    for sub in dir.dirs() {
        collect_embedded(sub, out);
    }
}

impl Patterns {
    /// The patterns embedded in the binary.
    pub fn embedded(normalizer: &Normalizer) -> Result<Patterns> {
        Patterns::load(&PatternFiles::embedded(), normalizer)
    }

    /// Loads and compiles pattern files; all problems are reported together.
    pub fn load(files: &PatternFiles, normalizer: &Normalizer) -> Result<Patterns> {
        Patterns::load_with(files, normalizer, &LiteralCache::shipped())
    }

    /// [`Patterns::load`], taking the rules' literal sets from `literal_cache`.
    pub(crate) fn load_with(
        files: &PatternFiles,
        normalizer: &Normalizer,
        literal_cache: &LiteralCache,
    ) -> Result<Patterns> {
        let mut errors = Vec::new();
        let gaz = Gazetteers::load(files, normalizer, &mut errors);
        let macros = rule::load_macros(files, &gaz, &mut errors);
        let mut rules = rule::load_rule_files(
            files.under("rules/", ".toml"),
            &macros,
            normalizer,
            files.check_examples,
            literal_cache,
            &mut errors,
        );
        let mut seen: HashMap<&str, (&str, usize)> = HashMap::new();
        for r in &rules {
            if let Some((file, line)) = seen.insert(&r.id, (&r.file, r.line)) {
                errors.push(PatternError {
                    file: r.file.clone(),
                    line: r.line,
                    message: format!("duplicate rule id {:?} (first at {file}:{line})", r.id),
                });
            }
        }
        if !errors.is_empty() {
            return Err(Error::Patterns(PatternErrors(errors)));
        }
        // Highest priority first; file order breaks ties.
        rules.sort_by_key(|r| std::cmp::Reverse(r.priority));
        for (i, r) in rules.iter_mut().enumerate() {
            r.index = i;
        }
        let literals = LiteralIndex::new(&rules, |_| true);
        let leftover_literals = LiteralIndex::new(&rules, |r| r.field.starts_with("leftover."));
        let mut by_field: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, r) in rules.iter().enumerate() {
            by_field.entry(r.field.clone()).or_default().push(i);
        }
        Ok(Patterns {
            rules,
            literals,
            leftover_literals,
            by_field,
            gaz,
            origin: files.origin.clone(),
            files: files.clone(),
            without_marks: std::sync::OnceLock::new(),
        })
    }

    /// The same rules and tables with every diacritic removed (letter case kept), for texts
    /// written without marks ("Khoi thi dua so 3 gom So Y te, So Tu phap"): there "gồm", "Sở"
    /// and "Trưởng khối" are written "gom", "So" and "Truong khoi". Built once, when the first
    /// such text comes; `None` if the stripped files do not load.
    pub fn without_marks(&self, normalizer: &Normalizer) -> Option<&Patterns> {
        self.without_marks
            .get_or_init(|| {
                let files = self.files.without_marks();
                let mut stripped = Patterns::load(&files, normalizer).ok()?;
                // Values the schema names (a province's name, an award's canonical name)
                // keep their marks: the tables are the same, row for row.
                for (p, original) in stripped.gaz.provinces.iter_mut().zip(&self.gaz.provinces) {
                    p.name.clone_from(&original.name);
                }
                for (a, original) in stripped.gaz.awards.iter_mut().zip(&self.gaz.awards) {
                    a.canonical.clone_from(&original.canonical);
                }
                Some(Box::new(stripped))
            })
            .as_deref()
    }

    /// Rules feeding a field, highest priority first.
    pub fn rules_for<'a>(&'a self, field: &str) -> impl Iterator<Item = &'a Rule> + 'a {
        self.by_field
            .get(field)
            .map(|v| v.as_slice())
            .unwrap_or(&[])
            .iter()
            .map(move |&i| &self.rules[i])
    }

    /// Every rule.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// For every rule with required literals, the sentences holding a literal of each of its
    /// sets, from one pass over the folded text (marked literals checked in `original`, the
    /// text it was folded from). `sentence_of` maps a folded byte offset to the index of its
    /// sentence.
    pub fn literal_sentences(
        &self,
        folded: &Folded,
        original: &str,
        sentence_of: impl Fn(usize) -> usize,
    ) -> LiteralSentences {
        self.literals
            .sentences(&self.rules, folded, original, sentence_of)
    }

    /// [`Patterns::literal_sentences`] for the page-leftover rules only (the others get no
    /// sentences): a smaller automaton, for trimming.
    pub fn leftover_literal_sentences(
        &self,
        folded: &Folded,
        original: &str,
        sentence_of: impl Fn(usize) -> usize,
    ) -> LiteralSentences {
        self.leftover_literals
            .sentences(&self.rules, folded, original, sentence_of)
    }

    /// A rule by id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped table of literal sets (`src/patterns/literal_sets.jsonl`) is exactly what
    /// the shipped rules, with and without marks, read off their patterns: no pattern missing,
    /// none stale, every set as `required_and_second` reads it today. Write it anew with
    /// `UPDATE_LITERAL_SETS=1 cargo test --release --lib literal_sets`.
    #[test]
    fn shipped_literal_sets_are_current() {
        let normalizer = Normalizer::default();
        let files = PatternFiles::embedded();
        let cache = LiteralCache::recording();
        Patterns::load_with(&files, &normalizer, &cache).expect("shipped patterns load");
        Patterns::load_with(&files.without_marks(), &normalizer, &cache)
            .expect("shipped patterns load without marks");
        let table = cache.recorded();
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/patterns/literal_sets.jsonl"
        );
        if std::env::var_os("UPDATE_LITERAL_SETS").is_some() {
            std::fs::write(path, &table).expect("write the table");
            return;
        }
        let shipped = include_str!("literal_sets.jsonl");
        assert!(
            table == shipped,
            "{path} is out of date ({} lines, the rules give {}): run \
             UPDATE_LITERAL_SETS=1 cargo test --release --lib literal_sets",
            shipped.lines().count(),
            table.lines().count()
        );
    }
}
