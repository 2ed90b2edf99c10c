//! Rule files: parsing with line numbers, macro expansion, compilation, example checks.

use super::literals::{Literal, LiteralCache};
use super::{Gazetteers, PatternFiles};
use crate::error::PatternError;
use crate::normalize::{Folded, Normalizer, fold_char};
use regex::{Regex, RegexBuilder};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError, TryLockError};
use toml::Spanned;

/// Which text a rule's regex runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchOn {
    /// The folded key (lower case, no marks, đ → d): tolerant of missing diacritics, but
    /// words that differ only by marks collide ("hội"/"hỏi", "năm"/"nam"), so rules opt in.
    Folded,
    /// The normalized text itself, case-insensitive unless the rule says otherwise (default).
    Text,
}

/// One compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Unique id, cited in evidence.
    pub id: String,
    /// The field or decision the rule feeds (e.g. `head_unit`, `meeting.type`).
    pub field: String,
    /// Higher wins when rules disagree.
    pub priority: i32,
    /// Which text the regex runs on.
    pub on: MatchOn,
    /// The pattern, compiled when first used (see [`Lazy`]).
    regex: Lazy<Compiled>,
    /// A folded, ASCII-boundary version of the pattern that runs on the folded text to find
    /// the sentences worth trying (a superset of the real matches). Unicode word boundaries
    /// make the regex engine fall back to its slowest engine on non-ASCII text, so whole
    /// documents are scanned only by this prefilter and the real pattern runs on candidate
    /// sentences. With it: whether every match starts a line (`(?m)^…`), so that a whole
    /// text is scanned by trying it only at line starts (see [`Rule::prefilter_scan`]).
    prefilter: Lazy<(Shared, bool)>,
    /// Whether every match of the prefilter starts a line, read from its source without
    /// compiling it: a rule with literals needs only this of its prefilter in most sentences.
    line_rule: Lazy<bool>,
    /// The pattern's word boundaries are left out of `regex` (a text rule; see
    /// `without_unicode_boundaries`) and only the prefilter checks them: a sentence where
    /// the regex matches must also pass the prefilter.
    pub boundaries_in_prefilter: bool,
    /// Sets of literals: every match contains one literal of each set. Empty when the
    /// pattern has none and the prefilter must scan the text.
    pub required: Vec<Vec<Literal>>,
    /// Position in the loaded rule set.
    pub index: usize,
    /// The sentence must also match this (same text form as `on`).
    context: Option<Lazy<Compiled>>,
    /// The sentence must not match this.
    not_context: Option<Lazy<Compiled>>,
    /// The text just before the match must not match this (anchored at its end with `$`):
    /// a look-behind, e.g. "đăng\s+$" so that "ký giao ước" does not fire inside "đăng ký".
    not_after: Option<Lazy<Compiled>>,
    /// A slot where the search for the next match resumes, instead of the match's end: a
    /// slot that may hold a list ("hạng Nhất gồm A, B, hạng Nhì gồm C") does not hide a
    /// second phrase written inside it.
    resume_at: Option<String>,
    /// A constant the rule contributes (a meeting type, a rank, a weight …).
    pub value: Option<toml::Value>,
    /// Sentences the rule must match.
    pub examples: Vec<String>,
    /// For each example (when given): the text of the rule's first slot.
    pub expect: Vec<String>,
    /// Sentences the rule must not match.
    pub counter: Vec<String>,
    /// What the rule is for.
    pub note: Option<String>,
    /// Where it is written.
    pub file: String,
    pub line: usize,
}

/// A regex compiled when first used. Compiling every rule's automata was most of the
/// start-up time (parsing and NFA construction), and a document needs only the rules whose
/// literals it holds: the embedded rules, whose every pattern the test suite compiles and
/// checks, start without compiling any; rules read from a directory are compiled (and their
/// examples run) while loading, so their errors still name file and line at once.
///
/// It compiles once per process: a thread that asks while another compiles waits for it
/// (the threads of `extract -j N` start on the same rules at the same time, and each
/// compiled its own copy of every rule's automata before).
#[derive(Debug, Clone)]
struct Lazy<T> {
    source: Arc<str>,
    options: u8,
    compile: fn(&str, u8) -> Result<T, String>,
    cell: OnceLock<Result<T, String>>,
}

impl<T> Lazy<T> {
    fn new(source: String, options: u8, compile: fn(&str, u8) -> Result<T, String>) -> Lazy<T> {
        Lazy::shared(source.into(), options, compile)
    }

    fn shared(
        source: Arc<str>,
        options: u8,
        compile: fn(&str, u8) -> Result<T, String>,
    ) -> Lazy<T> {
        Lazy {
            source,
            options,
            compile,
            cell: OnceLock::new(),
        }
    }

    /// The compiled value, compiling it now when needed.
    fn try_get(&self) -> Result<&T, String> {
        self.cell
            .get_or_init(|| (self.compile)(&self.source, self.options))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The compiled value. Only sources that compiled once (the embedded rules, compiled
    /// by the test suite) are ever left to compile here.
    fn get(&self) -> &T {
        match self.try_get() {
            Ok(v) => v,
            Err(e) => panic!("a rule pattern that compiled before does not: {e}"),
        }
    }
}

/// A compiled pattern and the names of its capture groups, by group index (read once, not at
/// every match).
#[derive(Debug, Clone)]
struct Compiled {
    regex: Shared,
    slot_names: Vec<Option<Arc<str>>>,
}

fn compile_lazy(source: &str, case_insensitive: u8) -> Result<Compiled, String> {
    let regex = compile(source, case_insensitive != 0)?;
    let slot_names = regex
        .group_info()
        .pattern_names(regex_automata::PatternID::ZERO)
        .map(|n| n.map(Arc::from))
        .collect();
    Ok(Compiled {
        regex: Shared::new(regex),
        slot_names,
    })
}

/// A regex with search caches that every thread takes from and gives back: a cache holds the
/// states its lazy DFAs have built, so that a rule's automaton warms up once for all the
/// threads of `extract -j N` instead of once per thread (as the regex crate's own pool of
/// caches, one per thread, did: on distinct pages, building DFA states was most of the extra
/// work of two threads over one).
#[derive(Debug)]
struct Shared {
    regex: ByteRegex,
    /// The cache a search uses when no other thread holds it; held for the search (one
    /// atomic operation to take it, one to give it back).
    first: Mutex<Searcher>,
    /// More caches, for a thread that finds `first` in use. Boxed: a cache is large, and
    /// moving it in and out of the list by value cost more than the allocation.
    #[allow(clippy::vec_box)]
    spare: Mutex<Vec<Box<Searcher>>>,
}

/// What one search needs besides the regex: its cache, and the capture slots it fills
/// (kept with the cache, not allocated for every sentence a rule is tried on).
#[derive(Debug)]
struct Searcher {
    cache: regex_automata::meta::Cache,
    caps: regex_automata::util::captures::Captures,
}

impl Searcher {
    fn new(regex: &ByteRegex) -> Searcher {
        Searcher {
            cache: regex.create_cache(),
            caps: regex.create_captures(),
        }
    }
}

impl Clone for Shared {
    fn clone(&self) -> Shared {
        Shared::new(self.regex.clone())
    }
}

impl Shared {
    fn new(regex: ByteRegex) -> Shared {
        Shared {
            first: Mutex::new(Searcher::new(&regex)),
            spare: Mutex::new(Vec::new()),
            regex,
        }
    }

    /// A cache of this regex (a new one when all are in use), given back when dropped.
    fn cache(&self) -> Taken<'_> {
        match self.first.try_lock() {
            Ok(first) => Taken::First(first),
            Err(TryLockError::Poisoned(first)) => Taken::First(first.into_inner()),
            Err(TryLockError::WouldBlock) => {
                let spare = self
                    .spare
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .pop();
                let spare = spare.unwrap_or_else(|| Box::new(Searcher::new(&self.regex)));
                Taken::Spare(Some(spare), self)
            }
        }
    }

    fn is_match(&self, hay: &[u8]) -> bool {
        self.regex
            .is_match_with(&mut self.cache().cache, &regex_automata::Input::new(hay))
    }
}

/// A cache taken from a [`Shared`] regex.
enum Taken<'a> {
    First(MutexGuard<'a, Searcher>),
    Spare(Option<Box<Searcher>>, &'a Shared),
}

impl std::ops::Deref for Taken<'_> {
    type Target = Searcher;
    fn deref(&self) -> &Self::Target {
        match self {
            Taken::First(first) => first,
            Taken::Spare(spare, _) => spare.as_ref().expect("held until dropped"),
        }
    }
}

impl std::ops::DerefMut for Taken<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        match self {
            Taken::First(first) => &mut *first,
            Taken::Spare(spare, _) => spare.as_mut().expect("held until dropped"),
        }
    }
}

impl Drop for Taken<'_> {
    fn drop(&mut self) {
        if let Taken::Spare(spare, from) = self
            && let Some(cache) = spare.take()
        {
            from.spare
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(cache);
        }
    }
}

fn compile_prefilter_lazy(source: &str, sentences_only: u8) -> Result<(Shared, bool), String> {
    compile_prefilter(source, sentences_only != 0).map(|(r, line)| (Shared::new(r), line))
}

/// Whether every match of a prefilter starts a line, as [`compile_prefilter`] says it, from
/// its source parsed without case folding (most of the time of parsing): folding changes its
/// letters, never where a line must start (checked for every embedded rule by the tests;
/// rules read from a directory compile their prefilter at load, which tells it).
fn line_rule_lazy(source: &str, _: u8) -> Result<bool, String> {
    // Without `^` (other than negating a class) or `\A`, nothing can anchor at a line start.
    if !source.contains("\\A") && !source.replace("[^", "[").contains('^') {
        return Ok(false);
    }
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(source)
        .map_err(|e| one_line(&e.to_string()))?;
    Ok(starts_lines(&hir))
}

/// Whether `(?m)^` (or `\A`) must hold before any byte of a match.
fn starts_lines(hir: &regex_syntax::hir::Hir) -> bool {
    use regex_syntax::hir::Look;
    let prefix = hir.properties().look_set_prefix();
    prefix.contains(Look::StartLF) || prefix.contains(Look::Start)
}

/// How far back (bytes) `not_after` looks.
const LOOK_BEHIND: usize = 48;

/// A match of a rule, with byte offsets into the normalized text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMatch {
    pub start: usize,
    pub end: usize,
    /// Named capture groups that matched: (name, start, end).
    pub slots: Vec<(Arc<str>, usize, usize)>,
}

impl RuleMatch {
    /// The span of a slot.
    pub fn slot(&self, name: &str) -> Option<(usize, usize)> {
        self.slots
            .iter()
            .find(|(n, _, _)| &**n == name)
            .map(|&(_, s, e)| (s, e))
    }
}

impl Rule {
    /// The pattern as compiled (macros expanded, normalized, without Unicode word boundaries).
    pub fn pattern(&self) -> &str {
        &self.regex.source
    }

    /// The compiled prefilter (see [`Rule::prefilter_scan`]).
    pub fn prefilter(&self) -> &ByteRegex {
        &self.prefilter.get().0.regex
    }

    /// Every match of the prefilter starts a line (`(?m)^…`).
    pub fn prefilter_at_line_starts(&self) -> bool {
        match self.prefilter.cell.get() {
            Some(Ok((_, at_line_starts))) => *at_line_starts,
            _ => *self.line_rule.get(),
        }
    }

    /// Compiles every regex of the rule now (a test compiles the embedded rules this way,
    /// since they otherwise compile when first used).
    pub fn compile_all(&self) -> Result<(), String> {
        self.regex.try_get()?;
        self.prefilter.try_get()?;
        self.line_rule.try_get()?;
        for r in [&self.context, &self.not_context, &self.not_after]
            .into_iter()
            .flatten()
        {
            r.try_get()?;
        }
        Ok(())
    }

    /// The rule's value as a string.
    pub fn value_str(&self) -> Option<&str> {
        self.value.as_ref().and_then(|v| v.as_str())
    }

    /// The rule's value as an integer.
    pub fn value_int(&self) -> Option<i64> {
        self.value.as_ref().and_then(|v| v.as_integer())
    }

    /// Finds all matches in the whole `text` (with its folded form), offsets into `text`.
    /// Context conditions are not checked here (they need the sentence).
    pub fn find_all(&self, text: &str, folded: &Folded) -> Vec<RuleMatch> {
        self.find_in(text, folded, 0, text.len())
    }

    /// Finds the matches inside `text[start..end]` (a sentence), offsets into `text`.
    pub fn find_in(&self, text: &str, folded: &Folded, start: usize, end: usize) -> Vec<RuleMatch> {
        let (hay, from, to, map): (&str, usize, usize, Option<&Folded>) = match self.on {
            MatchOn::Folded => (
                &folded.text,
                folded.from_original(start),
                folded.from_original(end),
                Some(folded),
            ),
            MatchOn::Text => (text, start, end, None),
        };
        let to_text = |i: usize| map.map_or(i, |f| f.to_original(i));
        let mut out = Vec::new();
        let Compiled { regex, slot_names } = self.regex.get();
        let sentence = &hay[from..to];
        let resume = self
            .resume_at
            .as_deref()
            .and_then(|n| slot_names.iter().position(|s| s.as_deref() == Some(n)));
        let mut searcher = regex.cache();
        let Searcher { cache, caps } = &mut *searcher;
        let mut at = 0;
        while at <= sentence.len() {
            let input = regex_automata::Input::new(sentence).span(at..sentence.len());
            regex.regex.search_captures_with(cache, &input, caps);
            let Some(whole) = caps.get_match() else {
                break;
            };
            at = match resume.and_then(|i| caps.get_group(i)) {
                Some(m) if m.start > whole.start() => m.start,
                _ if whole.is_empty() => {
                    whole.end()
                        + sentence[whole.end()..]
                            .chars()
                            .next()
                            .map_or(1, char::len_utf8)
                }
                _ => whole.end(),
            };
            let (ws, we) = (from + whole.start(), from + whole.end());
            // A line rule ("(?m)^…") matches where a line starts, not where a sentence starts
            // inside a line: the same matches its line-start scan finds.
            if self.prefilter_at_line_starts() {
                let before = hay[..ws].trim_end_matches([' ', '\t']);
                if !(before.is_empty() || before.ends_with('\n')) {
                    continue;
                }
            }
            if let Some(not_after) = self.not_after.as_ref().map(|c| &c.get().regex) {
                let mut back = ws.saturating_sub(LOOK_BEHIND);
                while !hay.is_char_boundary(back) {
                    back += 1;
                }
                if not_after.is_match(&hay.as_bytes()[back..ws]) {
                    continue;
                }
            }
            let mut slots = Vec::new();
            for (i, name) in slot_names.iter().enumerate() {
                if let (Some(name), Some(m)) = (name, caps.get_group(i)) {
                    slots.push((name.clone(), to_text(from + m.start), to_text(from + m.end)));
                }
            }
            out.push(RuleMatch {
                start: to_text(ws),
                end: to_text(we),
                slots,
            });
        }
        out
    }

    /// Whether the rule has sentence conditions (`context`, `not_context`).
    pub fn has_conditions(&self) -> bool {
        self.context.is_some() || self.not_context.is_some()
    }

    /// Whether the pattern matches anywhere in the sentence `span` of `text`: false exactly
    /// when [`Rule::find_in`] finds nothing there (the same haystack, without captures).
    pub fn matches_in(
        &self,
        text: &str,
        folded: &Folded,
        span: crate::extract::text::Span,
    ) -> bool {
        let hay = self.haystack(text, folded, span.start, span.end);
        self.regex.get().regex.is_match(hay.as_bytes())
    }

    /// True when the prefilter matches the folded form of `text[start..end]` (cheap: the
    /// folded text is ASCII, so the fast engines run).
    pub fn prefilter_matches(&self, folded: &Folded, start: usize, end: usize) -> bool {
        let (fs, fe) = (folded.from_original(start), folded.from_original(end));
        self.prefilter
            .get()
            .0
            .is_match(&folded.text.as_bytes()[fs..fe])
    }

    /// Byte ranges of the text (offsets into `text`) where the prefilter matches: only the
    /// sentences they touch can hold a real match.
    pub fn candidates<'s>(
        &'s self,
        folded: &'s Folded,
    ) -> impl Iterator<Item = (usize, usize)> + 's {
        let text = &folded.text;
        self.prefilter_scan(text.as_bytes()).map(move |m| {
            // The byte prefilter may end a match inside a character: widen to boundaries.
            let (mut s, mut e) = (m.start(), m.end());
            while !text.is_char_boundary(s) {
                s -= 1;
            }
            while !text.is_char_boundary(e) {
                e += 1;
            }
            (folded.to_original(s), folded.to_original(e))
        })
    }

    /// The prefilter's matches in a whole folded text, the same as its `find_iter` gives. A
    /// prefilter whose every match starts a line is tried anchored at each line start instead
    /// of scanning every byte: most lines fail within a few bytes (a ninth of the time on
    /// news text for the line rules: dates, bylines, page leftovers).
    pub fn prefilter_scan<'h>(
        &'h self,
        hay: &'h [u8],
    ) -> impl Iterator<Item = regex_automata::Match> + 'h {
        use regex_automata::{Anchored, Input};
        let (
            Shared {
                regex: prefilter, ..
            },
            at_line_starts,
        ) = self.prefilter.get();
        let mut every = (!*at_line_starts).then(|| prefilter.find_iter(hay));
        let mut line = Some(0);
        // Where the next match may start, and where the last one ended: an empty match
        // there is skipped, as `find_iter` does.
        let (mut from, mut last_end) = (0, None);
        std::iter::from_fn(move || {
            if let Some(every) = every.as_mut() {
                return every.next();
            }
            while let Some(start) = line {
                line = memchr::memchr(b'\n', &hay[start..]).map(|i| start + i + 1);
                if start < from {
                    continue;
                }
                let input = Input::new(hay).range(start..).anchored(Anchored::Yes);
                let Some(m) = prefilter.search(&input) else {
                    continue;
                };
                if m.is_empty() && last_end == Some(m.end()) {
                    continue;
                }
                from = m.end().max(start + 1);
                last_end = Some(m.end());
                return Some(m);
            }
            None
        })
    }

    /// What the rule's regexes search for the span `[start, end)` of `text`: the span itself,
    /// or its folded form for a rule on the folded text.
    fn haystack<'t>(&self, text: &'t str, folded: &'t Folded, start: usize, end: usize) -> &'t str {
        match self.on {
            MatchOn::Text => &text[start..end],
            MatchOn::Folded => &folded.text[folded.from_original(start)..folded.from_original(end)],
        }
    }

    /// True when the sentence `[start, end)` of `text` satisfies the context conditions.
    pub fn context_ok(&self, text: &str, folded: &Folded, start: usize, end: usize) -> bool {
        if self.context.is_none() && self.not_context.is_none() {
            return true;
        }
        let hay = self.haystack(text, folded, start, end);
        self.context
            .as_ref()
            .is_none_or(|c| c.get().regex.is_match(hay.as_bytes()))
            && !self
                .not_context
                .as_ref()
                .is_some_and(|c| c.get().regex.is_match(hay.as_bytes()))
    }

    /// Runs the rule on one example sentence (normalized first): the matches that satisfy
    /// the context conditions, and the text of the first slot of the first match.
    pub fn try_example(&self, normalizer: &Normalizer, example: &str) -> (bool, Option<String>) {
        let text = normalizer.normalize(example).text;
        let folded = Folded::new(&text);
        if !self.context_ok(&text, &folded, 0, text.len()) {
            return (false, None);
        }
        let found = self.find_all(&text, &folded);
        let first_slot = found
            .first()
            .and_then(|m| m.slots.first())
            .map(|&(_, s, e)| text[s..e].to_string());
        (!found.is_empty(), first_slot)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    field: String,
    #[serde(default)]
    priority: i32,
    pattern: Spanned<String>,
    #[serde(default)]
    on: Option<String>,
    #[serde(default)]
    case: Option<String>,
    #[serde(default)]
    value: Option<toml::Value>,
    #[serde(default)]
    context: Option<Spanned<String>>,
    #[serde(default)]
    not_context: Option<Spanned<String>>,
    #[serde(default)]
    not_after: Option<Spanned<String>>,
    #[serde(default)]
    resume_at: Option<String>,
    #[serde(default)]
    examples: Vec<String>,
    #[serde(default)]
    expect: Vec<String>,
    #[serde(default)]
    counter: Vec<String>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
}

/// Macro bodies by name, in text form (normalized), with where they were defined.
pub struct Macros {
    bodies: HashMap<String, (String, String, usize)>,
    /// Gazetteer macros too large to hold a required literal (see [`Macros::expand_for_literals`]).
    opaque: std::collections::HashSet<String>,
}

fn line_of(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].matches('\n').count() + 1
}

/// Loads `macros.toml` and the gazetteer-derived macros.
pub fn load_macros(
    files: &PatternFiles,
    gaz: &Gazetteers,
    errors: &mut Vec<PatternError>,
) -> Macros {
    let mut bodies = HashMap::new();
    let mut opaque = std::collections::HashSet::new();
    for (name, body) in gaz.macros() {
        // Alternatives are joined by `|`; an item's own `|` would be escaped.
        let alternatives = 1 + body
            .char_indices()
            .filter(|&(i, c)| c == '|' && !body[..i].ends_with('\\'))
            .count();
        if alternatives > super::literals::MAX_SET {
            opaque.insert(name.clone());
        }
        bodies.insert(name, (body, "gazetteers".to_string(), 0));
    }
    const FILE: &str = "macros.toml";
    if let Some(text) = files.get(FILE) {
        match toml::from_str::<HashMap<String, HashMap<String, Spanned<String>>>>(text) {
            Ok(tables) => {
                for (table, entries) in tables {
                    if table != "macros" {
                        errors.push(PatternError {
                            file: FILE.into(),
                            line: 1,
                            message: format!("unknown table [{table}], expected [macros]"),
                        });
                        continue;
                    }
                    for (name, body) in entries {
                        let line = line_of(text, body.span().start);
                        if !is_macro_name(&name) {
                            errors.push(PatternError {
                                file: FILE.into(),
                                line,
                                message: format!(
                                    "macro name {name:?} must be UPPER_CASE letters, digits and _"
                                ),
                            });
                        }
                        if bodies.contains_key(&name) {
                            errors.push(PatternError {
                                file: FILE.into(),
                                line,
                                message: format!("macro {name} is already defined"),
                            });
                        }
                        bodies.insert(name, (body.into_inner(), FILE.to_string(), line));
                    }
                }
            }
            Err(e) => errors.push(toml_error(FILE, text, &e)),
        }
    }
    Macros { bodies, opaque }
}

fn is_macro_name(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

fn toml_error(file: &str, text: &str, e: &toml::de::Error) -> PatternError {
    let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
    PatternError {
        file: file.to_string(),
        line,
        message: e.message().trim().to_string(),
    }
}

impl Macros {
    /// Replaces every `{NAME}` with `(?:body)`, recursively. Errors name the unknown macro or
    /// the cycle.
    pub fn expand(&self, pattern: &str) -> Result<String, String> {
        self.expand_depth(pattern, 0, false)
    }

    /// [`Macros::expand`] for reading required literals: a gazetteer macro with more
    /// alternatives than a literal set may hold contributes no literal, so it becomes a
    /// two-character class (no literal either) instead of thousands of alternatives that
    /// would only be parsed to be thrown away.
    pub fn expand_for_literals(&self, pattern: &str) -> Result<String, String> {
        self.expand_depth(pattern, 0, true)
    }

    fn expand_depth(&self, pattern: &str, depth: usize, opaque: bool) -> Result<String, String> {
        if depth > 16 {
            return Err("macros nest more than 16 deep (a cycle?)".to_string());
        }
        let mut out = String::with_capacity(pattern.len());
        let mut rest = pattern;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let close = after.find('}');
            let name = close.map(|c| &after[..c]);
            // `\p{Lu}` and `\P{N}` are Unicode classes, not macros.
            let unicode_class = rest[..open].ends_with("\\p") || rest[..open].ends_with("\\P");
            match name {
                Some(name) if is_macro_name(name) && !unicode_class => {
                    out.push_str(&rest[..open]);
                    let (body, _, _) = self
                        .bodies
                        .get(name)
                        .ok_or_else(|| format!("unknown macro {{{name}}}"))?;
                    if opaque && self.opaque.contains(name) {
                        out.push_str("[\\x{E000}\\x{E001}]");
                    } else {
                        out.push_str("(?:");
                        out.push_str(&self.expand_depth(body, depth + 1, opaque)?);
                        out.push(')');
                    }
                    rest = &after[name.len() + 1..];
                }
                _ => {
                    out.push_str(&rest[..open + 1]);
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// The prefilter form of a folded pattern: case-insensitive everywhere, letter classes
/// without case, ASCII word boundaries (the folded text is ASCII for Vietnamese, and the
/// fast engines support only ASCII boundaries).
fn prefilter_source(folded_pattern: &str) -> String {
    let s = folded_pattern
        .replace("(?-i:", "(?:")
        .replace("\\p{Lu}", "\\p{L}")
        .replace("\\p{Ll}", "\\p{L}")
        .replace("\\b", "(?-u:\\b)");
    // Upper bounds on repetitions only shorten matches; without them the automaton stays small.
    static BOUNDED: std::sync::LazyLock<Regex> =
        std::sync::LazyLock::new(|| Regex::new(r"\{(\d+),\d+\}").expect("valid"));
    BOUNDED.replace_all(&s, "{$1,}").into_owned()
}

/// A compiled prefilter: a byte regex over the folded text.
pub type ByteRegex = regex_automata::meta::Regex;

/// Compiles a prefilter source (see [`prefilter_source`]) into a byte regex that matches a
/// superset of what the Unicode pattern matches: every class keeps its ASCII part exactly and
/// stands for any run of non-ASCII bytes when it holds non-ASCII characters. The folded text
/// is ASCII for Vietnamese, so this loses nothing there, and the automaton is a fraction of
/// the Unicode one (compiling the prefilters was a third of the start-up time).
///
/// A prefilter that only checks single sentences (`sentences_only`) runs its lazy DFA
/// forward without literal optimizations: on a short haystack, the reverse-inner literal
/// strategy gains nothing and often falls back to the slow NFA simulation.
///
/// Also says whether every match starts a line: whether `(?m)^` (or `\A`) must hold before
/// any byte of a match.
fn compile_prefilter(source: &str, sentences_only: bool) -> Result<(ByteRegex, bool), String> {
    let (hir, at_line_starts) = prefilter_hir(source)?;
    let config = regex_automata::meta::Regex::config()
        .utf8_empty(false)
        .which_captures(regex_automata::nfa::thompson::WhichCaptures::Implicit)
        .nfa_size_limit(Some(64 * 1024 * 1024))
        .hybrid_cache_capacity(4 * 1024 * 1024)
        .auto_prefilter(!sentences_only);
    regex_automata::meta::Regex::builder()
        .configure(config)
        .build_from_hir(&hir)
        .map(|r| (r, at_line_starts))
        .map_err(|e| one_line(&e.to_string()))
}

/// A prefilter source parsed into its byte-level superset (see [`compile_prefilter`]), and
/// whether every match starts a line.
fn prefilter_hir(source: &str) -> Result<(regex_syntax::hir::Hir, bool), String> {
    let hir = regex_syntax::ParserBuilder::new()
        .case_insensitive(true)
        .build()
        .parse(source)
        .map_err(|e| one_line(&e.to_string()))?;
    let hir = bytes_superset(&hir);
    let at_line_starts = starts_lines(&hir);
    Ok((hir, at_line_starts))
}

/// The byte-level superset of a Unicode pattern (see [`compile_prefilter`]).
fn bytes_superset(hir: &regex_syntax::hir::Hir) -> regex_syntax::hir::Hir {
    use regex_syntax::hir::{
        Capture, Class, ClassBytes, ClassBytesRange, Hir, HirKind, Look, Repetition,
    };
    let non_ascii = || {
        Hir::repetition(Repetition {
            min: 1,
            max: None,
            greedy: true,
            sub: Box::new(Hir::class(Class::Bytes(ClassBytes::new([
                ClassBytesRange::new(0x80, 0xFF),
            ])))),
        })
    };
    match hir.kind() {
        HirKind::Class(Class::Unicode(c)) => {
            // The folded text has no upper-case ASCII letters (see `fold_char`): leaving them
            // out turns the case-insensitive [Pp] into the literal p, which makes a smaller
            // automaton that compiles faster.
            let mut ascii: Vec<ClassBytesRange> = Vec::new();
            for r in c.ranges().iter().take_while(|r| r.start() <= '\x7F') {
                let (start, end) = (r.start() as u8, r.end().min('\x7F') as u8);
                if start < b'A' {
                    ascii.push(ClassBytesRange::new(start, end.min(b'@')));
                }
                if end > b'Z' {
                    ascii.push(ClassBytesRange::new(start.max(b'['), end));
                }
            }
            let wide = c.ranges().iter().any(|r| r.end() > '\x7F');
            let ascii =
                (!ascii.is_empty()).then(|| Hir::class(Class::Bytes(ClassBytes::new(ascii))));
            match (ascii, wide) {
                (Some(a), true) => Hir::alternation(vec![a, non_ascii()]),
                (Some(a), false) => a,
                (None, _) => non_ascii(),
            }
        }
        HirKind::Look(look) => Hir::look(match look {
            Look::WordUnicode => Look::WordAscii,
            Look::WordUnicodeNegate => Look::WordAsciiNegate,
            Look::WordStartUnicode => Look::WordStartAscii,
            Look::WordEndUnicode => Look::WordEndAscii,
            Look::WordStartHalfUnicode => Look::WordStartHalfAscii,
            Look::WordEndHalfUnicode => Look::WordEndHalfAscii,
            other => *other,
        }),
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            min: r.min,
            max: r.max,
            greedy: r.greedy,
            sub: Box::new(bytes_superset(&r.sub)),
        }),
        HirKind::Capture(c) => Hir::capture(Capture {
            index: c.index,
            name: c.name.clone(),
            sub: Box::new(bytes_superset(&c.sub)),
        }),
        HirKind::Concat(parts) => Hir::concat(parts.iter().map(bytes_superset).collect()),
        HirKind::Alternation(alts) => Hir::alternation(alts.iter().map(bytes_superset).collect()),
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(Class::Bytes(_)) => hir.clone(),
    }
}

/// Largest upper bound a counted repetition may have in a rule.
const MAX_COUNT: u32 = 50;

/// Rejects counted repetitions with large upper bounds (`[^.]{3,900}`): each allowed copy
/// of a Unicode class multiplies the automaton, and the regex engine falls back to its
/// slowest matcher on them (measured: ten times slower per sentence). Rules run inside one
/// sentence, which already bounds them, so `{3,}` says the same.
fn check_counted_repetitions(pattern: &str) -> Result<(), String> {
    static COUNTED: std::sync::LazyLock<Regex> =
        std::sync::LazyLock::new(|| Regex::new(r"\{(\d+),(\d+)\}").expect("valid"));
    for c in COUNTED.captures_iter(pattern) {
        if c[2].parse::<u32>().map_or(true, |max| max > MAX_COUNT) {
            return Err(format!(
                "counted repetition {}: upper bounds above {MAX_COUNT} make the automaton large \
                 and slow; rules run inside one sentence, so write {{{},}}",
                &c[0], &c[1]
            ));
        }
    }
    Ok(())
}

/// Unicode word boundaries make the regex engine give up its fast automata on non-ASCII
/// text. On the real text they are dropped: the folded prefilter, which every sentence where
/// the regex matches must also pass, checks them with ASCII boundaries that are exact on the
/// folded (ASCII) text. On the folded text they become ASCII boundaries.
fn without_unicode_boundaries(pattern: &str, on: MatchOn) -> String {
    match on {
        MatchOn::Text => pattern.replace("\\b", ""),
        MatchOn::Folded => pattern.replace("\\b", "(?-u:\\b)"),
    }
}

/// Prepares an expanded pattern for the text it runs on.
fn prepare(pattern: &str, on: MatchOn, normalizer: &Normalizer) -> String {
    let normalized = normalizer.normalize_str(pattern);
    match on {
        MatchOn::Text => normalized,
        MatchOn::Folded => normalized
            .chars()
            .map(|c| if c.is_ascii() { c } else { fold_char(c) })
            .collect(),
    }
}

/// Compiles a rule pattern into the regex that `regex::RegexBuilder` would make of it (the
/// same configuration of the same engine), with its search caches in our hands (see
/// [`Shared`]); errors read as the regex crate words them.
fn compile(pattern: &str, case_insensitive: bool) -> Result<ByteRegex, String> {
    let config = regex_automata::meta::Config::new()
        .nfa_size_limit(Some(64 * 1024 * 1024))
        .hybrid_cache_capacity(16 * 1024 * 1024)
        .match_kind(regex_automata::MatchKind::LeftmostFirst)
        .utf8_empty(true);
    let syntax = regex_automata::util::syntax::Config::new()
        .case_insensitive(case_insensitive)
        .utf8(true);
    regex_automata::meta::Builder::new()
        .configure(config)
        .syntax(syntax)
        .build(pattern)
        .map_err(|e| {
            let told = RegexBuilder::new(pattern)
                .case_insensitive(case_insensitive)
                .size_limit(64 * 1024 * 1024)
                .dfa_size_limit(16 * 1024 * 1024)
                .build()
                .err()
                .map_or_else(|| e.to_string(), |e| e.to_string());
            one_line(&told)
        })
}

/// The regex crate's multi-line error (pattern, caret, message) as one line, so every
/// problem reads `file:line: message`.
fn one_line(message: &str) -> String {
    let lines: Vec<&str> = message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let what = lines
        .iter()
        .filter_map(|l| l.strip_prefix("error:"))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("; ");
    let snippet = lines
        .iter()
        .skip(1)
        .find(|l| !l.starts_with("error:") && !l.chars().all(|c| c == '^' || c == ' '));
    match (what.is_empty(), snippet) {
        (false, Some(s)) => format!("{what} in `{s}`"),
        (false, None) => what,
        (true, _) => lines.join(" "),
    }
}

/// Parses and compiles the rule files, checking each rule's examples when asked.
pub fn load_rule_files<'a>(
    files: impl Iterator<Item = (&'a str, &'a str)>,
    macros: &Macros,
    normalizer: &Normalizer,
    check_examples: bool,
    literal_cache: &LiteralCache,
    errors: &mut Vec<PatternError>,
) -> Vec<Rule> {
    let mut spanned: Vec<(String, &str, usize, Spanned<RawRule>)> = Vec::new();
    for (path, text) in files {
        let file = format!("rules/{}", path.trim_start_matches("rules/"));
        match toml::from_str::<RuleFile>(text) {
            Ok(parsed) => spanned.extend(
                parsed
                    .rule
                    .into_iter()
                    .map(|r| (file.clone(), text, line_of(text, r.span().start), r)),
            ),
            Err(e) => errors.push(toml_error(&file, text, &e)),
        }
    }
    // All the rules compile in parallel (regex compilation is most of the start-up time);
    // results and errors keep the files' order.
    use rayon::prelude::*;
    let built: Vec<Result<Rule, Vec<PatternError>>> = spanned
        .into_par_iter()
        .map(|(file, text, line, raw)| {
            let with = With {
                macros,
                normalizer,
                check_examples,
                literal_cache,
            };
            build_rule(&file, text, line, raw, &with)
        })
        .collect();
    let mut rules = Vec::new();
    for b in built {
        match b {
            Ok(rule) => rules.push(rule),
            Err(e) => errors.extend(e),
        }
    }
    rules
}

/// What every rule is built with.
struct With<'a> {
    macros: &'a Macros,
    normalizer: &'a Normalizer,
    check_examples: bool,
    literal_cache: &'a LiteralCache,
}

/// Compiles one rule (and checks its examples when asked); the errors name the file and line.
fn build_rule(
    file: &str,
    text: &str,
    line: usize,
    spanned: Spanned<RawRule>,
    with: &With,
) -> Result<Rule, Vec<PatternError>> {
    let With {
        macros,
        normalizer,
        check_examples,
        literal_cache,
    } = *with;
    let mut errors: Vec<PatternError> = Vec::new();
    let raw = spanned.into_inner();
    let pattern_line = line_of(text, raw.pattern.span().start);
    let mut err = |line: usize, message: String| {
        errors.push(PatternError {
            file: file.to_string(),
            line,
            message: format!("rule {}: {message}", raw.id),
        })
    };
    let on = match raw.on.as_deref() {
        Some("folded") => MatchOn::Folded,
        None | Some("text") => MatchOn::Text,
        Some(other) => {
            err(
                line,
                format!("on = {other:?}: expected \"folded\" or \"text\""),
            );
            return Err(errors);
        }
    };
    let case_insensitive = match raw.case.as_deref() {
        None | Some("insensitive") => true,
        Some("sensitive") => false,
        Some(other) => {
            err(
                line,
                format!("case = {other:?}: expected \"sensitive\" or \"insensitive\""),
            );
            return Err(errors);
        }
    };
    // Patterns are expanded and checked now; they compile when first used, or now when the
    // rules come from a directory (`check_examples`: their errors are reported at load).
    let build = |src: &str| -> Result<Lazy<Compiled>, String> {
        let expanded = macros.expand(src)?;
        check_counted_repetitions(&expanded)?;
        let lazy = Lazy::new(
            without_unicode_boundaries(&prepare(&expanded, on, normalizer), on),
            u8::from(case_insensitive),
            compile_lazy,
        );
        if check_examples {
            lazy.try_get()?;
        }
        Ok(lazy)
    };
    let regex = match build(raw.pattern.get_ref()) {
        Ok(r) => r,
        Err(e) => {
            err(pattern_line, format!("pattern: {e}"));
            return Err(errors);
        }
    };
    let expanded = macros.expand(raw.pattern.get_ref());
    let boundaries_in_prefilter =
        on == MatchOn::Text && expanded.as_ref().is_ok_and(|p| p.contains("\\b"));
    let prefilter_src = expanded
        .as_deref()
        .map(|p| prefilter_source(&prepare(p, MatchOn::Folded, normalizer)))
        .map_err(Clone::clone);
    let for_literals = macros
        .expand_for_literals(raw.pattern.get_ref())
        .unwrap_or_default();
    let folded_source = prefilter_source(&prepare(&for_literals, MatchOn::Folded, normalizer));
    let (folded_sets, mut folded_second) = literal_cache.sets(&folded_source);
    // Only rules that have folded sets get marked ones: the others scan the folded text with
    // their prefilter, which selects better than short literals would.
    let (marked_sets, marked_second) = match on {
        MatchOn::Text if !folded_sets.is_empty() => {
            literal_cache.sets(&prepare(&for_literals, MatchOn::Text, normalizer))
        }
        _ => (Vec::new(), Vec::new()),
    };
    // A rule without literal sets scans with its prefilter: second sets do not change that.
    if folded_sets.is_empty() {
        folded_second.clear();
    }
    let required = super::literals::combine_with_second(
        marked_sets,
        folded_sets,
        marked_second,
        folded_second,
    );
    // A rule with required literals finds its candidate sentences through them, so its
    // prefilter only ever checks one sentence.
    let prefilter_src = prefilter_src.map(Arc::<str>::from);
    let line_rule = match &prefilter_src {
        Ok(src) => Lazy::shared(src.clone(), 0, line_rule_lazy),
        Err(_) => Lazy::new(String::new(), 0, line_rule_lazy),
    };
    let prefilter = match prefilter_src
        .map(|src| Lazy::shared(src, u8::from(!required.is_empty()), compile_prefilter_lazy))
    {
        Ok(lazy) if !check_examples => lazy,
        Ok(lazy) => match lazy.try_get() {
            Ok(_) => lazy,
            Err(e) => {
                err(pattern_line, format!("pattern (folded prefilter): {e}"));
                return Err(errors);
            }
        },
        Err(e) => {
            err(pattern_line, format!("pattern (folded prefilter): {e}"));
            return Err(errors);
        }
    };
    let mut compile_opt = |field: &Option<Spanned<String>>, what: &str| match field {
        None => Ok(None),
        Some(s) => build(s.get_ref()).map(Some).map_err(|e| {
            errors.push(PatternError {
                file: file.to_string(),
                line: line_of(text, s.span().start),
                message: format!("rule {}: {what}: {e}", raw.id),
            })
        }),
    };
    let Ok(context) = compile_opt(&raw.context, "context") else {
        return Err(errors);
    };
    let Ok(not_context) = compile_opt(&raw.not_context, "not_context") else {
        return Err(errors);
    };
    let Ok(not_after) = compile_opt(&raw.not_after, "not_after") else {
        return Err(errors);
    };
    if let Some(slot) = &raw.resume_at
        && !raw.pattern.get_ref().contains(&format!("(?P<{slot}>"))
    {
        errors.push(PatternError {
            file: file.to_string(),
            line: pattern_line,
            message: format!(
                "rule {}: resume_at: no slot named {slot} in the pattern",
                raw.id
            ),
        });
        return Err(errors);
    }
    let rule = Rule {
        id: raw.id.clone(),
        field: raw.field.clone(),
        priority: raw.priority,
        on,
        regex,
        prefilter,
        line_rule,
        boundaries_in_prefilter,
        required,
        index: 0,
        context,
        not_context,
        not_after,
        resume_at: raw.resume_at.clone(),
        value: raw.value.clone(),
        examples: raw.examples.clone(),
        expect: raw.expect.clone(),
        counter: raw.counter.clone(),
        note: raw.note.clone(),
        file: file.to_string(),
        line,
    };
    let problems = if check_examples {
        check_rule(&rule, normalizer)
    } else {
        Vec::new()
    };
    if problems.is_empty() {
        return Ok(rule);
    }
    for p in problems {
        errors.push(PatternError {
            file: file.to_string(),
            line,
            message: format!("rule {}: {p}", rule.id),
        });
    }
    Err(errors)
}

/// Checks a rule's own contract: it has examples of both kinds, every positive example
/// matches (with the expected first slot when given), no negative example matches.
pub fn check_rule(rule: &Rule, normalizer: &Normalizer) -> Vec<String> {
    let mut problems = Vec::new();
    if rule.id.trim().is_empty() {
        problems.push("empty id".to_string());
    }
    if rule.examples.is_empty() {
        problems.push("needs at least one example sentence (examples = [...])".to_string());
    }
    if rule.counter.is_empty() {
        problems.push("needs at least one negative example (counter = [...])".to_string());
    }
    if !rule.expect.is_empty() && rule.expect.len() != rule.examples.len() {
        problems.push(format!(
            "expect has {} entries but examples has {}",
            rule.expect.len(),
            rule.examples.len()
        ));
    }
    for (i, ex) in rule.examples.iter().enumerate() {
        let (matched, slot) = rule.try_example(normalizer, ex);
        if !matched {
            problems.push(format!("example does not match: {ex:?}"));
        } else if let Some(want) = rule.expect.get(i) {
            let want = normalizer.normalize_str(want);
            if slot.as_deref().map(str::trim) != Some(want.trim()) {
                problems.push(format!(
                    "example {ex:?}: first slot is {slot:?}, expected {want:?}"
                ));
            }
        }
    }
    for ex in &rule.counter {
        if rule.try_example(normalizer, ex).0 {
            problems.push(format!("negative example matches: {ex:?}"));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patterns::literals::required_literals;

    #[test]
    fn large_gazetteer_macros_hold_no_literal() {
        // Reading literals with the big gazetteer alternations left out gives the same sets,
        // in both forms a rule's literals are read from.
        let normalizer = Normalizer::default();
        let files = PatternFiles::embedded();
        let mut errors = Vec::new();
        let gaz = Gazetteers::load(&files, &normalizer, &mut errors);
        let macros = load_macros(&files, &gaz, &mut errors);
        assert!(errors.is_empty());
        let mut lighter = 0;
        for (_, text) in files.under("rules/", ".toml") {
            let raw: RuleFile = toml::from_str(text).expect("rule file");
            for rule in raw.rule {
                let pattern = rule.get_ref().pattern.get_ref();
                let full = macros.expand(pattern).expect("expands");
                let light = macros.expand_for_literals(pattern).expect("expands");
                lighter += (full != light) as usize;
                // As `build_rule` reads them: the text form, and the folded prefilter.
                let text = |p: &str| required_literals(&prepare(p, MatchOn::Text, &normalizer));
                let folded = |p: &str| {
                    required_literals(&prefilter_source(&prepare(p, MatchOn::Folded, &normalizer)))
                };
                assert_eq!(text(&full), text(&light), "{pattern}");
                assert_eq!(folded(&full), folded(&light), "{pattern}");
            }
        }
        assert!(lighter >= 5, "{lighter}");
    }
}

#[cfg(test)]
mod lazy_tests {
    use crate::normalize::Normalizer;
    use crate::patterns::{PatternFiles, Patterns};

    #[test]
    fn embedded_rules_compile_when_first_used_and_directories_at_once() {
        let normalizer = Normalizer::default();
        let embedded = Patterns::embedded(&normalizer).expect("patterns load");
        let rule = &embedded.rules()[0];
        assert!(rule.regex.cell.get().is_none() && rule.prefilter.cell.get().is_none());
        assert!(rule.compile_all().is_ok());
        assert!(rule.regex.cell.get().is_some() && rule.prefilter.cell.get().is_some());
        // Files read from a directory (here: the embedded ones, checked) compile at load,
        // so that a broken pattern is reported with its file and line before any text.
        let checked = PatternFiles::embedded().with_example_checks(true);
        let loaded = Patterns::load(&checked, &normalizer).expect("patterns load");
        assert!(loaded.rules().iter().all(|r| r.regex.cell.get().is_some()
            && r.prefilter.cell.get().is_some()
            && r.context.as_ref().is_none_or(|c| c.cell.get().is_some())));
    }

    #[test]
    fn line_rules_are_told_without_compiling_the_prefilter() {
        let normalizer = Normalizer::default();
        let embedded = Patterns::embedded(&normalizer).expect("patterns load");
        for rule in embedded.rules() {
            let told = rule.prefilter_at_line_starts();
            assert!(rule.prefilter.cell.get().is_none(), "{}", rule.id);
            assert_eq!(told, rule.prefilter.get().1, "{}", rule.id);
        }
    }
}

#[cfg(test)]
mod line_start_tests {
    use crate::normalize::{Folded, Normalizer};
    use crate::patterns::Patterns;

    #[test]
    fn line_rules_are_scanned_at_line_starts_with_the_same_matches() {
        let normalizer = Normalizer::default();
        let patterns = Patterns::embedded(&normalizer).expect("patterns load");
        // Every rule written `(?m)^…` is recognized as one.
        let line_rules: Vec<_> = patterns
            .rules()
            .iter()
            .filter(|r| r.pattern().starts_with("(?m)^"))
            .collect();
        assert!(line_rules.len() >= 10, "the page leftovers and bylines");
        for r in &line_rules {
            assert!(r.prefilter_at_line_starts(), "{} starts a line", r.id);
        }
        assert!(
            patterns
                .rules()
                .iter()
                .any(|r| !r.prefilter_at_line_starts()),
            "other rules scan every byte"
        );
        // Line starts give the matches `find_iter` gives: on every example, on lines that
        // match one after another, blank lines, a last line with and without its newline,
        // and the corpus.
        let mut texts: Vec<String> = Vec::new();
        for r in &line_rules {
            let all: Vec<&String> = r.examples.iter().chain(&r.counter).collect();
            for (i, s) in all.iter().enumerate() {
                texts.push(s.to_string());
                let next = all[(i + 1) % all.len()];
                texts.push(format!("{s}\n{s}\n\n  {next}\n{s}"));
                texts.push(format!("Một câu mở đầu.\n{s}\n{next}\n"));
            }
        }
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        for entry in std::fs::read_dir(corpus).expect("corpus") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "txt") {
                texts.push(std::fs::read_to_string(&path).expect("corpus text"));
            }
        }
        let mut matched = 0;
        for text in &texts {
            let folded = Folded::new(&normalizer.normalize(text).text);
            let hay = folded.text.as_bytes();
            for r in &line_rules {
                let scanned: Vec<_> = r.prefilter_scan(hay).collect();
                let every: Vec<_> = r.prefilter().find_iter(hay).collect();
                assert_eq!(scanned, every, "{} on {text:?}", r.id);
                matched += every.len();
            }
        }
        assert!(
            matched > 100,
            "the texts exercise the rules ({matched} matches)"
        );
    }
}

#[cfg(test)]
mod resume_tests {
    use crate::normalize::{Folded, Normalizer};
    use crate::patterns::{PatternFiles, Patterns};

    fn load(rule: &str) -> crate::error::Result<Patterns> {
        let mut files: Vec<(String, String)> = PatternFiles::embedded()
            .under("", "")
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .filter(|(n, _)| !n.starts_with("rules/"))
            .collect();
        files.push(("rules/t.toml".to_string(), rule.to_string()));
        Patterns::load(&PatternFiles::from_files(files), &Normalizer::default())
    }

    #[test]
    fn a_rule_resumes_inside_its_list_slot() {
        let rule = |resume: &str| {
            format!(
                r#"[[rule]]
id = "r"
field = "ranking"
{resume}
pattern = '''\bhạng\s+(?P<rank>nhất|nhì)\s+gồm\s+(?P<units_r>[^;.]+)'''
examples = ["hạng nhất gồm Sở A"]
counter = ["hạng A"]
"#
            )
        };
        let text = "Hạng nhất gồm Sở A, Sở B, hạng nhì gồm Sở C.";
        let folded = Folded::new(text);
        let found = |p: &Patterns| p.rules()[0].find_all(text, &folded).len();
        // Without it the first list swallows the second phrase; with it both are found.
        assert_eq!(found(&load(&rule("")).expect("loads")), 1);
        assert_eq!(
            found(&load(&rule(r#"resume_at = "units_r""#)).expect("loads")),
            2
        );
        let Err(err) = load(&rule(r#"resume_at = "units""#)) else {
            panic!("a slot the pattern lacks is refused");
        };
        assert!(err.to_string().contains("no slot named units"), "{err}");
    }
}
