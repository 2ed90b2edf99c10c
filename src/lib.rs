//! # thidua
//!
//! Turns Vietnamese news reports of emulation-bloc meetings ("Khối thi đua …", "Cụm thi đua …")
//! into structured, verifiable records (`thidua.record/1`): the bloc, the meeting date and
//! type, the years reviewed and planned, chairs, head and deputy units, members, rankings with
//! awards, units elected for next year, emulation movements — each value with evidence
//! (character offsets into the normalized text, the sentence, and the id of the rule that
//! matched).
//!
//! The data flows through one module per stage:
//! [`source`] (files, directories, gzip, stdin, WARC archives, URLs fetched politely) →
//! [`html`] (charset, main text, page metadata, page leftovers) → [`normalize`] (NFC, tone
//! marks, spaces, folding) → [`extract`] (rules from `patterns/`) → [`sink`] (JSON Lines,
//! CSV, SQLite). [`runner`] runs the pipeline over many inputs in parallel, records in input
//! order ([`run_batch`]); [`dataset`] and [`serve`] turn the records into tables, unit
//! histories and a web site; [`eval`] scores them against gold.
//!
//! ```
//! use thidua::Pipeline;
//!
//! let pipeline = Pipeline::builder().build().unwrap();
//! let record = pipeline.extract_text(
//!     "demo",
//!     "Chiều 28/8/2019, Khối thi đua Văn hóa - Xã hội tổ chức hội nghị sơ kết công tác thi \
//!      đua, khen thưởng 6 tháng đầu năm 2019.",
//! );
//! assert!(record.is_report);
//! assert_eq!(record.bloc.name.as_deref(), Some("Khối thi đua Văn hóa - Xã hội"));
//! assert_eq!(record.meeting.date.as_deref(), Some("2019-08-28"));
//! ```

pub mod calendar;
pub mod dataset;
pub mod document;
pub mod error;
pub mod eval;
pub mod extract;
pub mod html;
pub mod ids;
pub mod normalize;
pub mod pagegen;
pub mod patterns;
pub mod record;
pub mod runner;
pub mod serve;
pub mod sink;
pub mod source;

pub use document::{ContentKind, Document, RawDocument};
pub use error::{Error, Result};
pub use extract::Extractor;
pub use normalize::{Normalizer, ToneStyle};
pub use patterns::{PatternFiles, Patterns};
pub use record::Record;
pub use runner::{
    BatchOptions, EXTRACT_TOGETHER, Summary, run_batch, run_batch_opts, run_batch_with,
};
pub use source::{InputSpec, Limits};

use crate::normalize::Folded;
use std::path::PathBuf;
use std::sync::Arc;

/// The whole pipeline from raw bytes to a record. Build once, use from many threads.
#[derive(Debug, Clone)]
pub struct Pipeline {
    normalizer: Normalizer,
    patterns: Arc<Patterns>,
    html: Arc<html::Reader>,
    extractor: Extractor,
    include_text: bool,
    limits: Limits,
}

/// Configures a [`Pipeline`].
#[derive(Debug, Clone, Default)]
pub struct PipelineBuilder {
    patterns_dir: Option<PathBuf>,
    style: ToneStyle,
    include_text: bool,
    limits: Limits,
}

impl PipelineBuilder {
    /// Reads rules and gazetteers from a directory instead of the embedded copy.
    pub fn patterns_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.patterns_dir = Some(dir.into());
        self
    }

    /// The tone-mark style of the normalized text.
    pub fn tone_style(mut self, style: ToneStyle) -> Self {
        self.style = style;
        self
    }

    /// Adds `doc.text` (the normalized text evidence offsets point into) to records.
    pub fn include_text(mut self, yes: bool) -> Self {
        self.include_text = yes;
        self
    }

    /// Size caps for inputs.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Loads and compiles the patterns.
    pub fn build(self) -> Result<Pipeline> {
        let normalizer = Normalizer::new(self.style);
        let files = match &self.patterns_dir {
            Some(dir) => {
                let files = PatternFiles::from_dir(dir)?;
                // A file left out of the directory would run silently with fewer rules.
                let embedded = PatternFiles::embedded();
                let missing: Vec<&str> = embedded
                    .under("", "")
                    .map(|(name, _)| name)
                    .filter(|name| files.get(name).is_none())
                    .collect();
                if !missing.is_empty() {
                    return Err(Error::Usage(format!(
                        "{}: pattern files missing: {} (a --patterns directory needs every \
                         file of patterns/)",
                        dir.display(),
                        missing.join(", ")
                    )));
                }
                files
            }
            None => PatternFiles::embedded(),
        };
        let patterns = Arc::new(Patterns::load(&files, &normalizer)?);
        let html = Arc::new(html::Reader::from_files(&files)?);
        let extractor = Extractor::new(patterns.clone(), normalizer.clone());
        Ok(Pipeline {
            normalizer,
            patterns,
            html,
            extractor,
            include_text: self.include_text,
            limits: self.limits,
        })
    }
}

impl Pipeline {
    /// A builder with the defaults: embedded patterns, traditional tone style.
    pub fn builder() -> PipelineBuilder {
        PipelineBuilder::default()
    }

    /// The compiled patterns.
    pub fn patterns(&self) -> &Patterns {
        &self.patterns
    }

    /// The normalizer.
    pub fn normalizer(&self) -> &Normalizer {
        &self.normalizer
    }

    /// Input size caps.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Reads a raw document into a normalized document (HTML, charset, leftovers).
    pub fn read(&self, raw: &RawDocument) -> Result<Document> {
        self.read_folded(raw).map(|read| read.doc)
    }

    /// [`Pipeline::read`], with the folded text when reading made it (see
    /// [`html::leftovers::trim_folded`]).
    fn read_folded(&self, raw: &RawDocument) -> Result<Read> {
        let page = self.html.read(raw)?;
        // Title, byline and site name are normalized as three more lines of the text, so that
        // a legacy encoding (TCVN3, VNI) detected in the page converts them too.
        let fields = [&page.title, &page.author, &page.site].map(|f| {
            let words: Vec<&str> = f.as_deref().unwrap_or("").split_whitespace().collect();
            words.join(" ")
        });
        let lines = memchr::memchr_iter(b'\n', page.text.as_bytes()).count() + 1;
        let body_len = page.text.len();
        let mut joined = page.text;
        for f in &fields {
            joined.push('\n');
            joined.push_str(f);
        }
        let normalized = self.normalizer.normalize(&joined);
        let split = memchr::memchr_iter(b'\n', normalized.text.as_bytes())
            .nth(lines - 1)
            .filter(|&pos| {
                memchr::memchr_iter(b'\n', &normalized.text.as_bytes()[pos + 1..]).count() + 1
                    == fields.len()
            });
        let (body, metas): (String, Vec<String>) = match split {
            Some(pos) => {
                let metas = normalized.text[pos + 1..]
                    .split('\n')
                    .map(str::to_string)
                    .collect();
                let mut body = normalized.text;
                body.truncate(pos);
                (body, metas)
            }
            None => (
                self.normalizer.normalize(&joined[..body_len]).text,
                fields
                    .iter()
                    .map(|f| self.normalizer.normalize_str(f))
                    .collect(),
            ),
        };
        let body = normalize::join_broken_lines(body);
        let (text, folded) = html::leftovers::trim_folded(&body, &self.patterns);
        let meta = |i: usize| Some(metas[i].trim().to_string()).filter(|v| !v.is_empty());
        let mut warnings = page.warnings;
        warnings.extend(normalized.warnings);
        let doc = Document {
            id: raw.id.clone(),
            input: raw.input.clone(),
            url: page.url.or_else(|| raw.url.clone()),
            title: meta(0),
            published: page.published,
            author: meta(1),
            site: meta(2),
            text,
            warnings,
        };
        Ok(Read { doc, folded })
    }

    /// Extracts the record of a read document.
    pub fn extract(&self, doc: &Document) -> Record {
        let mut record = self.extractor.extract(doc);
        if self.include_text {
            record.doc.text = Some(doc.text.clone());
        }
        record
    }

    /// [`Pipeline::extract`] for several documents at once: the same records, faster (see
    /// [`Extractor::extract_many`]).
    pub fn extract_many(&self, docs: &[&Document]) -> Vec<Record> {
        self.extract_many_folded(docs, Vec::new())
    }

    /// [`Pipeline::extract_many`] with the folded texts that reading made (`folded[i]` of
    /// `docs[i]`, when there).
    fn extract_many_folded(&self, docs: &[&Document], folded: Vec<Option<Folded>>) -> Vec<Record> {
        let mut records = self.extractor.extract_many_folded(docs, folded);
        if self.include_text {
            for (record, doc) in records.iter_mut().zip(docs) {
                record.doc.text = Some(doc.text.clone());
            }
        }
        records
    }

    /// Reads and extracts several documents: [`Pipeline::process`] for each, in order, with
    /// the extraction done together ([`Pipeline::extract_many`]). A panic inside the pipeline
    /// becomes the failure of the one input that caused it.
    pub fn process_many(&self, raws: &[RawDocument]) -> Vec<Result<Record>> {
        let read: Vec<Result<Read>> = raws
            .iter()
            .map(|raw| guarded(&raw.input, || self.read_folded(raw)))
            .collect();
        let names: Vec<&str> = raws.iter().map(|r| r.input.as_str()).collect();
        self.extract_read(&names, read)
    }

    /// Extracts the documents read without error (`names[i]` names `read[i]`), together;
    /// the failures stay in place.
    fn extract_read(&self, names: &[&str], mut read: Vec<Result<Read>>) -> Vec<Result<Record>> {
        let folded: Vec<Option<Folded>> = read
            .iter_mut()
            .filter_map(|r| r.as_mut().ok())
            .map(|r| r.folded.take())
            .collect();
        let docs: Vec<&Document> = read
            .iter()
            .filter_map(|r| Some(&r.as_ref().ok()?.doc))
            .collect();
        // A panic here is reported once, by the retry of the document that caused it.
        let together = quietly(|| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.extract_many_folded(&docs, folded)
            }))
        });
        let records: Vec<Result<Record>> = match together {
            Ok(records) => records.into_iter().map(Ok).collect(),
            // One of them panics: each on its own, so that only that one fails.
            Err(_) => read
                .iter()
                .zip(names)
                .filter_map(|(r, name)| Some((&r.as_ref().ok()?.doc, name)))
                .map(|(doc, name)| guarded(name, || Ok(self.extract(doc))))
                .collect(),
        };
        let mut records = records.into_iter();
        read.into_iter()
            .map(|r| match r {
                Ok(_) => records.next().expect("one record per document"),
                Err(e) => Err(e),
            })
            .collect()
    }

    /// Every rule hit in a read document (see `thidua explain`).
    pub fn explain(&self, doc: &Document) -> Vec<extract::Explained> {
        self.extractor.explain(doc)
    }

    /// What each rule costs over the given read documents (see
    /// [`Extractor::rule_costs`]), costliest first.
    pub fn rule_costs(&self, docs: &[Document], repeat: usize) -> Vec<extract::RuleCost> {
        let texts: Vec<&str> = docs.iter().map(|d| d.text.as_str()).collect();
        self.extractor.rule_costs(&texts, repeat)
    }

    /// Reads and extracts one raw document.
    pub fn process(&self, raw: &RawDocument) -> Result<Record> {
        Ok(self.extract(&self.read(raw)?))
    }

    /// Extracts from plain text (convenience for tests and examples).
    pub fn extract_text(&self, id: &str, text: &str) -> Record {
        let raw = RawDocument {
            id: id.to_string(),
            input: id.to_string(),
            url: None,
            bytes: text.as_bytes().to_vec(),
            kind: ContentKind::Text,
            charset_hint: None,
        };
        self.process(&raw).expect("plain UTF-8 text always reads")
    }
}

thread_local! {
    /// Set while a panic on this thread is caught and retried (see [`quietly`]).
    static QUIET_PANICS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `work` with the panic message of this thread held back: for work whose panics are
/// caught and retried, so that the message is printed once, by the retry. The first call
/// wraps the panic hook in place (every other panic still goes to it).
fn quietly<T>(work: impl FnOnce() -> T) -> T {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET_PANICS.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    struct Loud;
    impl Drop for Loud {
        fn drop(&mut self) {
            QUIET_PANICS.with(|q| q.set(false));
        }
    }
    QUIET_PANICS.with(|q| q.set(true));
    let _loud = Loud;
    work()
}

/// Runs `work` for one input; a panic inside the pipeline becomes an error naming the input,
/// so one bad page never takes the batch down.
fn guarded<T>(name: &str, work: impl FnOnce() -> Result<T>) -> Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
        Ok(result) => result,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown".to_string());
            Err(Error::input(name, format!("internal error: {what}")))
        }
    }
}

/// A document as read, with its folded text when reading made it.
struct Read {
    doc: Document,
    folded: Option<Folded>,
}
