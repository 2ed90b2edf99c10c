//! Extraction: rules from `patterns/` find the phrases, field readers in this module turn them
//! into record values, each with evidence (offsets, sentence, rule id).
//!
//! One file per field family; `Ctx` holds the per-document state shared by all of them (the
//! text, its folded key, sentences, rule hits) and collects the evidence.

mod bloc;
mod dates;
mod meeting;
mod members;
mod meta;
mod people;
mod province;
mod rankings;
mod report;
mod roles;
pub mod text;
pub mod units;

pub use dates::Ymd;

use crate::document::Document;
use crate::normalize::{Folded, Normalizer, chars};
use crate::patterns::{Gazetteers, Patterns, Rule, RuleMatch};
use crate::record::{DocInfo, Evidence, Record};
use std::sync::Arc;
use text::Span;

/// Turns documents into records. Build once (it holds the compiled patterns), share freely.
#[derive(Debug, Clone)]
pub struct Extractor {
    patterns: Arc<Patterns>,
    normalizer: Normalizer,
}

/// A rule match located in the text: which rule, where, in which sentence.
#[derive(Debug, Clone)]
pub struct Hit<'p> {
    pub rule: &'p Rule,
    pub m: RuleMatch,
    /// Index of the sentence containing the match.
    pub sentence: usize,
}

impl Hit<'_> {
    /// The span of a slot, or `None` when the slot did not take part in the match.
    pub fn slot(&self, name: &str) -> Option<Span> {
        self.m.slot(name).map(|(s, e)| Span::new(s, e))
    }

    /// The whole match.
    pub fn span(&self) -> Span {
        Span::new(self.m.start, self.m.end)
    }
}

/// A value found in the text, with what is needed for its evidence.
#[derive(Debug, Clone)]
pub struct Found<T> {
    pub value: T,
    /// Where the value is written (byte offsets).
    pub span: Span,
    /// The sentence or clause it was read from.
    pub sentence: Span,
    pub rule: String,
    pub priority: i32,
}

/// Per-document state shared by the field readers.
pub struct Ctx<'a> {
    pub text: &'a str,
    pub folded: Folded,
    pub sentences: Vec<Span>,
    pub patterns: &'a Patterns,
    pub gaz: &'a Gazetteers,
    pub normalizer: &'a Normalizer,
    /// Publication date when the page or text states one.
    pub published: Option<Ymd>,
    evidence: Vec<(String, Span, Span, String)>,
    hit_cache: std::cell::RefCell<rustc_hash::FxHashMap<String, std::rc::Rc<[Hit<'a>]>>>,
    /// For each rule (by index), the sentences holding its required literals.
    literal_sentences: std::cell::OnceCell<crate::patterns::LiteralSentences>,
    /// Comparison keys of units by canonical name (see `units::same_unit`).
    unit_keys: std::cell::RefCell<UnitKeys>,
    /// Hits found ahead, by rule index (see [`Extractor::extract_many`]); taken when asked.
    precomputed: std::cell::RefCell<Vec<Option<Vec<Hit<'a>>>>>,
}

type UnitKeys = rustc_hash::FxHashMap<String, std::rc::Rc<(String, Option<String>)>>;

impl<'a> Ctx<'a> {
    fn new(text: &'a str, patterns: &'a Patterns, normalizer: &'a Normalizer) -> Ctx<'a> {
        Ctx::with_folded(text, None, patterns, normalizer)
    }

    /// [`Ctx::new`] with the folded text when the reader made it already.
    fn with_folded(
        text: &'a str,
        folded: Option<Folded>,
        patterns: &'a Patterns,
        normalizer: &'a Normalizer,
    ) -> Ctx<'a> {
        let folded = folded.unwrap_or_else(|| Folded::new(text));
        debug_assert_eq!(folded.to_original(folded.text.len()), text.len());
        Ctx {
            text,
            folded,
            sentences: text::sentences(text),
            patterns,
            gaz: &patterns.gaz,
            normalizer,
            published: None,
            evidence: Vec::new(),
            hit_cache: Default::default(),
            literal_sentences: Default::default(),
            unit_keys: Default::default(),
            precomputed: Default::default(),
        }
    }

    /// Index of the sentence containing a byte offset (the nearest one before it otherwise).
    pub fn sentence_of(&self, byte: usize) -> usize {
        match self.sentences.binary_search_by(|s| {
            if s.end <= byte {
                std::cmp::Ordering::Less
            } else if s.start > byte {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        }) {
            Ok(i) => i,
            Err(i) => i
                .saturating_sub(1)
                .min(self.sentences.len().saturating_sub(1)),
        }
    }

    /// The sentence span containing a byte offset.
    pub fn sentence_span(&self, byte: usize) -> Span {
        self.sentences
            .get(self.sentence_of(byte))
            .copied()
            .unwrap_or(Span::new(0, self.text.len()))
    }

    /// Text of a span.
    pub fn s(&self, span: Span) -> &'a str {
        &self.text[span.start..span.end]
    }

    /// True when sentence `si` is a headline in capitals in a text that is not in capitals: a
    /// line of its own without a full stop, three capital letters or more and no small one
    /// ("10 HUYỆN, THÀNH PHỐ CỦA HƯNG YÊN KÝ GIAO ƯỚC THI ĐUA"), where capitals no longer tell
    /// a unit's name from the words around it. A sentence in capitals inside a paragraph
    /// ("… KHỐI GỒM 3 ĐƠN VỊ: SỞ Y TẾ, …") is not one.
    pub fn headline_in_capitals(&self, si: usize) -> bool {
        let span = self.sentences[si];
        let line_start = self.text[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = self.text[span.end..]
            .find('\n')
            .map_or(self.text.len(), |i| span.end + i);
        let line = self.text[line_start..line_end].trim();
        if line != self.s(span).trim() || line.ends_with('.') {
            return false;
        }
        let counts = |s: &str| {
            s.chars().fold((0usize, 0usize), |(up, low), c| {
                (
                    up + usize::from(c.is_uppercase()),
                    low + usize::from(c.is_lowercase()),
                )
            })
        };
        let (up, low) = counts(line);
        if up < 3 || low > 0 {
            return false;
        }
        let (up, low) = counts(self.text);
        low > up
    }

    /// All hits of the rules feeding `field`, highest priority first, each within one sentence
    /// and satisfying its rule's context conditions. Computed once per field and document.
    /// Shared, not copied: a field asked for again gets the same list.
    pub fn hits(&self, field: &str) -> std::rc::Rc<[Hit<'a>]> {
        if let Some(h) = self.hit_cache.borrow().get(field) {
            return h.clone();
        }
        let mut out = Vec::new();
        for rule in self.patterns.rules_for(field) {
            self.rule_hits(rule, &mut out);
        }
        let out: std::rc::Rc<[Hit<'a>]> = out.into();
        self.hit_cache
            .borrow_mut()
            .insert(field.to_string(), out.clone());
        out
    }

    /// The sentences where a rule can match: those holding a literal of each of its required
    /// sets (found for all rules in one pass), or those its prefilter touches.
    fn candidate_sentences(&self, rule: &Rule) -> std::borrow::Cow<'_, [u32]> {
        if !rule.required.is_empty() {
            let index = self.literal_sentences.get_or_init(|| {
                // The literals come nearly in text order: the sentence of the last one, or
                // the next, holds most of them, without a binary search.
                let last = std::cell::Cell::new(0);
                self.patterns
                    .literal_sentences(&self.folded, self.text, |offset| {
                        let byte = self.folded.to_original(offset);
                        let si = last.get();
                        let holds = |i: usize| {
                            self.sentences
                                .get(i)
                                .is_some_and(|s| s.start <= byte && byte < s.end)
                        };
                        let si = if holds(si) {
                            si
                        } else if holds(si + 1) {
                            si + 1
                        } else {
                            self.sentence_of_byte_at_or_after(byte)
                        };
                        last.set(si);
                        si
                    })
            });
            return std::borrow::Cow::Borrowed(index.of(rule.index));
        }
        let mut candidates: Vec<u32> = Vec::new();
        for (start, end) in rule.candidates(&self.folded) {
            let first = self.sentence_of_byte_at_or_after(start);
            let last = self.sentence_of(end.saturating_sub(1).max(start));
            for si in first..=last.max(first) {
                if candidates.last().is_none_or(|&l| (l as usize) < si) {
                    candidates.push(si as u32);
                }
            }
        }
        std::borrow::Cow::Owned(candidates)
    }

    fn rule_hits(&self, rule: &'a Rule, out: &mut Vec<Hit<'a>>) {
        let ahead = self
            .precomputed
            .borrow_mut()
            .get_mut(rule.index)
            .and_then(Option::take);
        match ahead {
            Some(hits) => out.extend(hits),
            None => self.find_hits(rule, out),
        }
    }

    /// Finds a rule's hits now and keeps them for when they are asked for.
    fn precompute(&self, rule: &'a Rule) {
        let mut hits = Vec::new();
        self.find_hits(rule, &mut hits);
        let mut ahead = self.precomputed.borrow_mut();
        if ahead.is_empty() {
            ahead.resize_with(self.patterns.rules().len(), || None);
        }
        ahead[rule.index] = Some(hits);
    }

    fn find_hits(&self, rule: &'a Rule, out: &mut Vec<Hit<'a>>) {
        if self.sentences.is_empty() {
            return;
        }
        for &si in self.candidate_sentences(rule).iter() {
            let si = si as usize;
            // A line rule ("(?m)^…") can only match in a sentence that starts a line or holds
            // a line break.
            if rule.prefilter_at_line_starts() && !self.holds_line_start(si) {
                continue;
            }
            out.extend(self.sentence_matches(rule, si).into_iter().map(|m| Hit {
                rule,
                m,
                sentence: si,
            }));
        }
    }

    /// True when a sentence starts a line (after spaces and tabs) or holds a line break.
    fn holds_line_start(&self, si: usize) -> bool {
        let sentence = self.sentences[si];
        self.text[..sentence.start]
            .trim_end_matches([' ', '\t'])
            .chars()
            .next_back()
            .is_none_or(|c| c == '\n')
            || self.text[sentence.start..sentence.end].contains('\n')
    }

    /// The matches of a rule in one sentence that satisfy its conditions.
    fn sentence_matches(&self, rule: &Rule, si: usize) -> Vec<RuleMatch> {
        let sentence = self.sentences[si];
        // Most candidate sentences hold no match: for a rule with conditions, whether its
        // pattern matches at all is asked first (an early-stopping scan), and the conditions
        // only where it does.
        if rule.has_conditions() && !rule.matches_in(self.text, &self.folded, sentence) {
            return Vec::new();
        }
        if !rule.context_ok(self.text, &self.folded, sentence.start, sentence.end) {
            return Vec::new();
        }
        self.span_matches(rule, sentence)
    }

    /// The matches of a rule inside a span (a sentence, or a short phrase such as a note
    /// after a listed unit), without its sentence conditions.
    fn span_matches(&self, rule: &Rule, span: Span) -> Vec<RuleMatch> {
        let found = rule.find_in(self.text, &self.folded, span.start, span.end);
        // The word boundaries a text rule's regex leaves out are checked by its prefilter,
        // only where the regex found something: most candidate sentences hold no match, and
        // scanning them twice (prefilter, then regex) cost more than it spared.
        if found.is_empty()
            || (rule.boundaries_in_prefilter
                && !rule.prefilter_matches(&self.folded, span.start, span.end))
        {
            return Vec::new();
        }
        found
    }

    /// Hits of a field's rules inside a short span only (a field read in a few places, such
    /// as the notes after listed units, is not searched for in the whole text).
    pub fn hits_in(&self, field: &str, span: Span) -> Vec<Hit<'a>> {
        let sentence = self.sentence_of(span.start);
        self.patterns
            .rules_for(field)
            .flat_map(|rule| {
                self.span_matches(rule, span)
                    .into_iter()
                    .map(move |m| Hit { rule, m, sentence })
            })
            .collect()
    }

    /// The sentence holding a byte offset, or the next one when the offset falls between
    /// sentences.
    fn sentence_of_byte_at_or_after(&self, byte: usize) -> usize {
        let si = self.sentence_of(byte);
        if byte >= self.sentences[si].end && si + 1 < self.sentences.len() {
            si + 1
        } else {
            si
        }
    }

    /// Hits of one rule by id (for rules used in code by name).
    pub fn hits_of(&self, id: &str) -> Vec<Hit<'a>> {
        let mut out = Vec::new();
        if let Some(rule) = self.patterns.rule(id) {
            self.rule_hits(rule, &mut out);
        }
        out
    }

    /// Records evidence for a value.
    pub fn evidence(&mut self, field: impl Into<String>, span: Span, sentence: Span, rule: &str) {
        self.evidence
            .push((field.into(), span, sentence, rule.to_string()));
    }

    /// The evidence recorded for a field: (value span, sentence, rule).
    pub fn find_evidence(&self, field: &str) -> Option<(Span, Span, String)> {
        self.evidence
            .iter()
            .find(|(f, ..)| f == field)
            .map(|(_, s, sentence, r)| (*s, *sentence, r.clone()))
    }

    /// Records evidence for a `Found` value.
    pub fn evidence_for<T>(&mut self, field: impl Into<String>, f: &Found<T>) {
        self.evidence(field, f.span, f.sentence, &f.rule);
    }

    fn take_evidence(&mut self) -> Vec<Evidence> {
        let text = self.text;
        let mut items = std::mem::take(&mut self.evidence);
        items.sort_by(|a, b| a.1.start.cmp(&b.1.start).then(a.0.cmp(&b.0)));
        // One pass converts byte offsets to character offsets.
        let mut points: Vec<usize> = items
            .iter()
            .flat_map(|(_, s, _, _)| [s.start, s.end])
            .collect();
        points.sort_unstable();
        points.dedup();
        let mut char_at =
            rustc_hash::FxHashMap::with_capacity_and_hasher(points.len(), Default::default());
        let (mut byte, mut chars) = (0usize, 0usize);
        for p in points {
            chars += text[byte..p].chars().count();
            byte = p;
            char_at.insert(p, chars);
        }
        items
            .into_iter()
            .map(|(field, span, sentence, rule)| Evidence {
                field,
                start: char_at[&span.start],
                end: char_at[&span.end],
                text: text[sentence.start..sentence.end].to_string(),
                rule,
            })
            .collect()
    }
}

impl Extractor {
    /// An extractor over compiled patterns; `normalizer` must be the one the patterns were
    /// loaded with.
    pub fn new(patterns: Arc<Patterns>, normalizer: Normalizer) -> Extractor {
        Extractor {
            patterns,
            normalizer,
        }
    }

    /// The patterns in use.
    pub fn patterns(&self) -> &Patterns {
        &self.patterns
    }

    /// The patterns for a text: those without marks for a text written without them (see
    /// [`written_without_marks`]).
    fn patterns_for(&self, text: &str) -> &Patterns {
        if written_without_marks(text) {
            self.patterns
                .without_marks(&self.normalizer)
                .unwrap_or(&self.patterns)
        } else {
            &self.patterns
        }
    }

    /// Extracts a record from a document whose `text` is normalized main text.
    pub fn extract(&self, doc: &Document) -> Record {
        let mut ctx = Ctx::new(&doc.text, self.patterns_for(&doc.text), &self.normalizer);
        let begun = self.begin(&mut ctx, doc);
        self.finish(&mut ctx, begun)
    }

    /// [`Extractor::extract`] for several documents, the same records faster: the rules run
    /// one after the other over all the documents (each rule's automata stay in the CPU
    /// caches from one document to the next) before the fields are read document by
    /// document — first the rules every text needs before the report decision, then, for the
    /// reports only, the others. Best with a hundred or so documents (see
    /// [`crate::EXTRACT_TOGETHER`]).
    pub fn extract_many(&self, docs: &[&Document]) -> Vec<Record> {
        self.extract_many_folded(docs, Vec::new())
    }

    /// [`Extractor::extract_many`] with the folded texts the reader made (`folded[i]` is that
    /// of `docs[i]`; missing ones are folded here).
    pub(crate) fn extract_many_folded(
        &self,
        docs: &[&Document],
        folded: Vec<Option<Folded>>,
    ) -> Vec<Record> {
        // Texts written without marks go through the rules without marks, apart.
        let unmarked: Vec<bool> = docs
            .iter()
            .map(|d| written_without_marks(&d.text))
            .collect();
        let stripped = unmarked
            .contains(&true)
            .then(|| self.patterns.without_marks(&self.normalizer))
            .flatten();
        let Some(stripped) = stripped else {
            return self.extract_many_with(&self.patterns, docs, folded);
        };
        let mut groups: [(Vec<&Document>, Vec<Option<Folded>>); 2] = Default::default();
        let mut folded = folded.into_iter();
        for (doc, &u) in docs.iter().zip(&unmarked) {
            groups[usize::from(u)].0.push(doc);
            groups[usize::from(u)].1.push(folded.next().flatten());
        }
        let [
            (marked_docs, marked_folded),
            (unmarked_docs, unmarked_folded),
        ] = groups;
        let mut marked = self
            .extract_many_with(&self.patterns, &marked_docs, marked_folded)
            .into_iter();
        let mut without = self
            .extract_many_with(stripped, &unmarked_docs, unmarked_folded)
            .into_iter();
        unmarked
            .iter()
            .filter_map(|&u| if u { without.next() } else { marked.next() })
            .collect()
    }

    /// [`Extractor::extract_many_folded`] with one set of patterns for all the documents.
    fn extract_many_with(
        &self,
        patterns: &Patterns,
        docs: &[&Document],
        folded: Vec<Option<Folded>>,
    ) -> Vec<Record> {
        let mut folded = folded.into_iter();
        let mut ctxs: Vec<Ctx> = docs
            .iter()
            .map(|d| {
                let f = folded.next().flatten();
                Ctx::with_folded(&d.text, f, patterns, &self.normalizer)
            })
            .collect();
        let field = |r: &Rule, fields: &[&str]| fields.contains(&r.field.as_str());
        for rule in staggered(patterns.rules(), |r| field(r, FIRST_FIELDS)) {
            for ctx in &ctxs {
                ctx.precompute(rule);
            }
        }
        let begun: Vec<Begun> = ctxs
            .iter_mut()
            .zip(docs)
            .map(|(ctx, doc)| self.begin(ctx, doc))
            .collect();
        let later = |r: &Rule| {
            !field(r, FIRST_FIELDS)
                && !field(r, ON_DEMAND_FIELDS)
                && !r.field.starts_with("leftover.")
        };
        for rule in staggered(patterns.rules(), later) {
            for (ctx, b) in ctxs.iter().zip(&begun) {
                if b.record.is_report {
                    ctx.precompute(rule);
                }
            }
        }
        ctxs.iter_mut()
            .zip(begun)
            .map(|(ctx, b)| self.finish(ctx, b))
            .collect()
    }

    /// The first stage: page metadata, the bloc and the report decision.
    fn begin(&self, ctx: &mut Ctx, doc: &Document) -> Begun {
        panic_drill(&doc.input);
        let mut record = Record::empty(DocInfo {
            id: doc.id.clone(),
            input: doc.input.clone(),
            url: doc.url.clone(),
            title: doc.title.clone(),
            published: doc.published.clone(),
            author: doc.author.clone(),
            site: doc.site.clone(),
            text: None,
        });
        record.warnings = doc.warnings.clone();

        let stamps = meta::read(ctx, &mut record.doc);
        ctx.published = record
            .doc
            .published
            .as_deref()
            .and_then(Ymd::parse_iso_prefix);

        let bloc = bloc::read(ctx);
        record.is_report = report::decide(ctx, &bloc);
        Begun {
            record,
            stamps,
            bloc,
        }
    }

    /// The second stage: the fields of a report (nothing more for other texts).
    fn finish(&self, ctx: &mut Ctx, begun: Begun) -> Record {
        let Begun {
            mut record,
            stamps,
            bloc,
        } = begun;
        if !record.is_report {
            record.evidence = ctx.take_evidence();
            return record;
        }
        bloc::fill(ctx, &bloc, &mut record.bloc);
        meeting::fill(ctx, &mut record.meeting);
        record.meeting.date = dates::meeting_date(ctx, &record.meeting, &stamps);
        meeting::review_year_from_date(ctx, &mut record.meeting);
        meeting::plan_year_from_date(ctx, &mut record.meeting);
        record.chairs = people::chairs(ctx);
        let listed = members::lists(ctx, &bloc);
        let roles = roles::read(ctx, &record.meeting, &listed);
        roles::fill(ctx, &roles, &mut record);
        rankings::fill(ctx, &mut record);
        meeting::infer_binh_xet(ctx, &mut record);
        members::fill(ctx, &bloc, &listed, &mut record);
        record.bloc.province = province::decide(ctx, &bloc, &record.doc, &record.members);
        record.movements = meeting::movements(ctx);
        record.evidence = ctx.take_evidence();
        record
    }
}

/// True for a text written without diacritics ("Khoi thi dua so 3 to chuc hoi nghi …"): few
/// bytes outside ASCII (fewer than one for every 40 ASCII bytes; a text with its marks has
/// about one for every two or three), and its common words written without their marks ("va",
/// "cua", "duoc", "khoi") at least four times as often as with them ("và", "của" …). (The
/// second test also keeps a marked article inside a page of ASCII filler a marked text.)
pub fn written_without_marks(text: &str) -> bool {
    let other = text.bytes().filter(|b| !b.is_ascii()).count();
    let ascii = text.len() - other;
    if ascii < 60 || other * 40 >= ascii {
        return false;
    }
    const COMMON: [(&str, &str); 14] = [
        ("va", "và"),
        ("cua", "của"),
        ("cac", "các"),
        ("duoc", "được"),
        ("nam", "năm"),
        ("don", "đơn"),
        ("cong", "công"),
        ("tac", "tác"),
        ("dua", "đua"),
        ("khoi", "khối"),
        ("cum", "cụm"),
        ("hoi", "hội"),
        ("nghi", "nghị"),
        ("chuc", "chức"),
    ];
    let (mut without, mut with) = (0usize, 0usize);
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() || word.len() > 6 {
            continue;
        }
        let lower = chars::to_lowercase(word);
        for (plain, marked) in COMMON {
            without += usize::from(lower == plain);
            with += usize::from(lower == marked);
        }
    }
    without >= 3 && with * 4 < without
}

/// Fields read for every text before the report decision: found ahead for all the documents
/// extracted together (see [`Extractor::extract_many`]).
const FIRST_FIELDS: &[&str] = &[
    "meta.published",
    "meta.site_tag",
    "bloc.mention",
    "report.reject",
];

/// The rules that `keep` keeps, starting at a different one on each worker thread: a rule
/// compiles when first used, and threads that start on the same rules wait for each other's
/// compiling (the order does not change what is found).
fn staggered(rules: &[Rule], keep: impl Fn(&Rule) -> bool) -> Vec<&Rule> {
    let mut kept: Vec<&Rule> = rules.iter().filter(|r| keep(r)).collect();
    let threads = rayon::current_num_threads().max(1);
    let thread = rayon::current_thread_index().unwrap_or(0) % threads;
    let at = kept.len() * thread / threads;
    kept.rotate_left(at);
    kept
}

/// Fields read before the report decision for some texts only, found when asked: the byline
/// when the page names no author; events, bloc references and dates once a bloc is named;
/// the notes after listed units, read in those notes only (`Ctx::hits_in`); the markers of a
/// bloc that spans provinces, asked only when a province would be chosen. Finding them ahead
/// for every text would cost more than it saves.
const ON_DEMAND_FIELDS: &[&str] = &[
    "meta.author",
    "meta.not_headline",
    "report.event",
    "report.bloc",
    "meeting.date",
    "role.note",
    "province.spans",
    "province.regional",
    "province.national_owner",
    "province.local",
    "ranking.contest",
];

/// Crash drill for the tests: `THIDUA_TEST_PANIC_INPUT=NAME` makes the extraction of the
/// input NAME panic, to show that one bad input fails alone.
fn panic_drill(input: &str) {
    static NAME: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let name = NAME.get_or_init(|| std::env::var("THIDUA_TEST_PANIC_INPUT").ok());
    if name.as_deref() == Some(input) {
        panic!("panic drill on {input}");
    }
}

/// A record after the first stage of extraction.
struct Begun {
    record: Record,
    stamps: Vec<Span>,
    bloc: bloc::BlocInfo,
}

/// Trims a span of spaces and the given punctuation on both sides.
pub fn trim_span(text: &str, mut span: Span, punct: &[char]) -> Span {
    while span.start < span.end {
        let c = text[span.start..].chars().next().unwrap();
        if c.is_whitespace() || punct.contains(&c) {
            span.start += c.len_utf8();
        } else {
            break;
        }
    }
    while span.end > span.start {
        let c = text[..span.end].chars().next_back().unwrap();
        if c.is_whitespace() || punct.contains(&c) {
            span.end -= c.len_utf8();
        } else {
            break;
        }
    }
    span
}

/// Picks the best of several found values: highest priority, then earliest in the text.
pub fn best<T: Clone>(found: &[Found<T>]) -> Option<Found<T>> {
    found
        .iter()
        .max_by(|a, b| {
            a.priority
                .cmp(&b.priority)
                .then(b.span.start.cmp(&a.span.start))
        })
        .cloned()
}

/// One rule hit, for `thidua explain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explained {
    pub field: String,
    pub rule: String,
    pub priority: i32,
    /// Line and column (1-based, in characters) of the match.
    pub line: usize,
    pub column: usize,
    pub matched: String,
    pub slots: Vec<(String, String)>,
}

/// What one rule costs over a set of documents (see [`Extractor::rule_costs`]).
#[derive(Debug, Clone, PartialEq)]
pub struct RuleCost {
    pub rule: String,
    pub field: String,
    /// Seconds spent finding the rule's hits in every document (fastest of the repeats).
    pub seconds: f64,
    /// Candidate sentences: those holding the rule's required literals or touched by its
    /// prefilter.
    pub candidates: usize,
    /// Hits found.
    pub hits: usize,
}

impl Extractor {
    /// The time each rule takes to find its hits in the given texts (normalized), rule by
    /// rule over all texts, as if every rule ran on every document (extraction stops after
    /// the report decision for texts that are not reports). The per-document set-up (folded
    /// text, sentences, literal index) is done before timing. Costliest first.
    pub fn rule_costs(&self, texts: &[&str], repeat: usize) -> Vec<RuleCost> {
        let ctxs: Vec<Ctx> = texts
            .iter()
            .map(|t| Ctx::new(t, &self.patterns, &self.normalizer))
            .collect();
        let mut out: Vec<RuleCost> = self
            .patterns
            .rules()
            .iter()
            .map(|rule| {
                let candidates = ctxs.iter().map(|c| c.candidate_sentences(rule).len()).sum();
                let mut hits = 0;
                let mut seconds = f64::INFINITY;
                for _ in 0..repeat.max(1) {
                    let start = std::time::Instant::now();
                    let mut found = Vec::new();
                    for ctx in &ctxs {
                        ctx.rule_hits(rule, &mut found);
                    }
                    seconds = seconds.min(start.elapsed().as_secs_f64());
                    hits = found.len();
                }
                RuleCost {
                    rule: rule.id.clone(),
                    field: rule.field.clone(),
                    seconds,
                    candidates,
                    hits,
                }
            })
            .collect();
        out.sort_by(|a, b| b.seconds.total_cmp(&a.seconds));
        out
    }

    /// Every rule hit in a document, in text order, for explaining a record.
    pub fn explain(&self, doc: &Document) -> Vec<Explained> {
        let patterns = self.patterns_for(&doc.text);
        let ctx = Ctx::new(&doc.text, patterns, &self.normalizer);
        let mut out = Vec::new();
        for rule in patterns.rules() {
            let mut hits = Vec::new();
            ctx.rule_hits(rule, &mut hits);
            for h in hits {
                let before = &doc.text[..h.m.start];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                out.push(Explained {
                    field: rule.field.clone(),
                    rule: rule.id.clone(),
                    priority: rule.priority,
                    line,
                    column,
                    matched: doc.text[h.m.start..h.m.end].to_string(),
                    slots: h
                        .m
                        .slots
                        .iter()
                        .map(|(n, s, e)| (n.to_string(), doc.text[*s..*e].to_string()))
                        .collect(),
                });
            }
        }
        out.sort_by(|a, b| (a.line, a.column, &a.field).cmp(&(b.line, b.column, &b.field)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_without_marks_are_told_from_texts_with_them() {
        let unmarked = "Sang 12/1, Khoi thi dua so 5 tinh Nam Dinh to chuc hoi nghi tong ket cong tac thi dua nam 2023.";
        let marked = "Sáng 12/1, Khối thi đua số 5 tỉnh Nam Định tổ chức hội nghị tổng kết công tác thi đua năm 2023.";
        assert!(written_without_marks(unmarked));
        assert!(!written_without_marks(marked));
        // A few marked words or quotes in an unmarked text, and too short a text.
        assert!(written_without_marks(&format!(
            "{} “Sở Y tế”",
            unmarked.repeat(8)
        )));
        assert!(!written_without_marks("Khoi thi dua so 5"));
        // A marked article in a page of ASCII filler is still marked.
        let filler = "<x> menu item link ".repeat(400);
        assert!(!written_without_marks(&format!("{filler}{marked}{filler}")));
    }

    /// The hits of a rule when every sentence is tried (no literal index, no prefilter scan
    /// of the whole text).
    fn hits_everywhere(ctx: &Ctx, rule: &Rule) -> Vec<(usize, usize, usize)> {
        (0..ctx.sentences.len())
            .flat_map(|si| {
                ctx.sentence_matches(rule, si)
                    .into_iter()
                    .map(move |m| (si, m.start, m.end))
            })
            .collect()
    }

    #[test]
    fn candidate_sentences_never_lose_a_hit() {
        // The literal index (folded literals, checked with their marks in the text) and the
        // prefilter scan only skip sentences where the rule cannot match: the hits are those
        // of trying every sentence. Texts: every rule's examples and counter-examples, in
        // upper case too, and the shipped corpus.
        let normalizer = Normalizer::default();
        let patterns = Patterns::embedded(&normalizer).expect("patterns load");
        let mut texts: Vec<String> = Vec::new();
        for r in patterns.rules() {
            for s in r.examples.iter().chain(&r.counter) {
                texts.push(normalizer.normalize(s).text);
                texts.push(normalizer.normalize(&s.to_uppercase()).text);
            }
        }
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        for entry in std::fs::read_dir(corpus).expect("corpus") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "txt") {
                let text = std::fs::read_to_string(&path).expect("corpus text");
                texts.push(normalizer.normalize(&text).text);
            }
        }
        let mut checked = 0;
        for text in &texts {
            let ctx = Ctx::new(text, &patterns, &normalizer);
            for rule in patterns.rules() {
                let mut indexed = Vec::new();
                ctx.find_hits(rule, &mut indexed);
                let indexed: Vec<(usize, usize, usize)> = indexed
                    .iter()
                    .map(|h| (h.sentence, h.m.start, h.m.end))
                    .collect();
                let all = hits_everywhere(&ctx, rule);
                assert_eq!(
                    indexed,
                    all,
                    "rule {} in {:?}",
                    rule.id,
                    &text[..text.len().min(80)]
                );
                checked += all.len();
            }
        }
        assert!(checked > 1000, "only {checked} hits checked");
    }
}
