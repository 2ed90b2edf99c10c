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
//! marks, spaces, folding) → [`extract`] (rules from `patterns/`) → [`sink`] (JSON Lines).
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
pub mod serve;
pub mod sink;
pub mod source;

pub use document::{ContentKind, Document, RawDocument};
pub use error::{Error, Result};
pub use extract::Extractor;
pub use normalize::{Normalizer, ToneStyle};
pub use patterns::{PatternFiles, Patterns};
pub use record::Record;
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
        let lines = page.text.split('\n').count();
        let body_len = page.text.len();
        let mut joined = page.text;
        for f in &fields {
            joined.push('\n');
            joined.push_str(f);
        }
        let normalized = self.normalizer.normalize(&joined);
        let split = normalized
            .text
            .match_indices('\n')
            .nth(lines - 1)
            .map(|(pos, _)| pos)
            .filter(|&pos| normalized.text[pos + 1..].split('\n').count() == fields.len());
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

/// What a batch run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Records written.
    pub records: usize,
    /// Records with `is_report` true.
    pub reports: usize,
    /// Inputs that failed, with the reason (input named in the message).
    pub failures: Vec<String>,
    /// Inputs skipped because the output already holds their record (`--resume`).
    pub skipped: usize,
    /// Files a directory walk left out (not articles by name or content), each reported.
    pub unread: usize,
    /// Bytes of input read (documents as read, before decoding).
    pub bytes: u64,
    /// Wall-clock time of the run, in seconds.
    pub seconds: f64,
}

impl Summary {
    /// Inputs done: records and failures.
    pub fn documents(&self) -> usize {
        self.records + self.failures.len() + self.skipped + self.unread
    }

    /// The one-line summary printed at the end of a run:
    /// `29 records (26 reports), 0 failed in 0.21 s (138 docs/s, 0.3 MB/s)`; `1 record
    /// (1 report)` for one; no rate when nothing was read (an empty run has none).
    pub fn line(&self) -> String {
        let secs = self.seconds.max(1e-9);
        let skipped = if self.skipped > 0 {
            format!(", {} already in the output", self.skipped)
        } else {
            String::new()
        };
        let unread = if self.unread > 0 {
            format!(
                ", {} skipped (not articles)",
                plural(self.unread, "file", "files")
            )
        } else {
            String::new()
        };
        let rate = if self.documents() > 0 && self.seconds > 0.0 {
            format!(
                " ({:.0} docs/s, {:.1} MB/s)",
                self.documents() as f64 / secs,
                self.bytes as f64 / 1e6 / secs
            )
        } else {
            String::new()
        };
        format!(
            "{} ({}){skipped}, {} failed{unread} in {:.2} s{rate}",
            plural(self.records, "record", "records"),
            plural(self.reports, "report", "reports"),
            self.failures.len(),
            self.seconds,
        )
    }
}

/// `1 record`, `2 records`, `0 records`.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// How a batch runs (see [`run_batch_opts`]).
#[derive(Default)]
pub struct BatchOptions<'a> {
    /// Fetches URL inputs: its politeness settings, archive, offline mode. Without one, a
    /// fetcher with the default [`source::FetchConfig`] is made for the first URL.
    pub fetcher: Option<&'a source::Fetcher>,
    /// Worker threads for extraction (default: one per core).
    pub jobs: Option<usize>,
    /// Called on the calling thread after each input is done, with the counts so far
    /// (`seconds` is the time since the start); for progress bars.
    pub progress: Option<&'a mut dyn FnMut(&Summary)>,
    /// Inputs to leave out, by name (a path or URL as given, `archive#offset` for a WARC
    /// record: the `doc.input` of their record); asked before anything is read or fetched.
    /// Standard input is never skipped.
    pub skip: Option<&'a dyn Fn(&str) -> bool>,
    /// The ids the output already holds (see [`ids::DocIds`]); every record's `doc.id` is
    /// made unique against them and the run's earlier records. Without, the run's own ids
    /// only.
    pub ids: Option<&'a mut ids::DocIds>,
}

/// Runs the pipeline over inputs, calling `emit` with each record in input order and
/// `fail` with each failure; inputs are processed in parallel in bounded batches. URLs are
/// fetched with the default [`source::FetchConfig`] (see [`run_batch_opts`]).
pub fn run_batch(
    pipeline: &Pipeline,
    inputs: impl Iterator<Item = Result<InputSpec>>,
    emit: impl FnMut(&Record) -> std::io::Result<()>,
    fail: impl FnMut(&Error),
) -> std::io::Result<Summary> {
    run_batch_opts(pipeline, inputs, BatchOptions::default(), emit, fail)
}

/// [`run_batch`] with a fetcher for URL inputs.
pub fn run_batch_with(
    pipeline: &Pipeline,
    inputs: impl Iterator<Item = Result<InputSpec>>,
    fetcher: Option<&source::Fetcher>,
    emit: impl FnMut(&Record) -> std::io::Result<()>,
    fail: impl FnMut(&Error),
) -> std::io::Result<Summary> {
    let options = BatchOptions {
        fetcher,
        ..Default::default()
    };
    run_batch_opts(pipeline, inputs, options, emit, fail)
}

/// A document as read, with its folded text when reading made it.
struct Read {
    doc: Document,
    folded: Option<Folded>,
}

/// Documents extracted together by `thidua extract` (see [`Pipeline::extract_many`]). Each
/// rule then runs over all of them in a row while its automata are in the CPU caches: 128
/// took a quarter less time than 12 on the generated pages, 256 hardly less than 128.
pub const EXTRACT_TOGETHER: usize = 128;
/// Text (bytes) extracted together at most: long documents go in smaller groups, so that a
/// group's working memory stays small.
const TOGETHER_BYTES: usize = 4 * 1024 * 1024;
/// Items in one batch at least (two groups for each thread when that is more).
const BATCH_ITEMS: usize = 256;
/// Bytes of documents already read (WARC records) in one batch at most.
const BATCH_BYTES: usize = 128 * 1024 * 1024;

/// One input done: its record or failure, and the bytes read.
type Done = (Result<Record>, u64);

/// [`run_batch`] with options: the streaming engine behind `thidua extract`.
///
/// Inputs are pulled lazily (a directory walk, WARC files record by record, URL lists) into
/// batches of two groups of [`EXTRACT_TOGETHER`] items per thread (at least 256) and at most
/// 128 MiB of already-read payload (and eight URLs per fetch job, so that records of a slow
/// crawl come out steadily). Each batch is cut into groups that the worker pool takes as
/// tasks; the calling thread reads (and fetches) the next batch as soon as no more than two
/// groups per thread are outstanding, and writes the groups' records in input order as they
/// come back, so the workers never wait for a whole batch and at most about two batches are
/// alive: memory does not grow with the number of inputs, and records come out in input
/// order whatever the number of jobs. The fetched exchanges are archived in input order.
pub fn run_batch_opts(
    pipeline: &Pipeline,
    inputs: impl Iterator<Item = Result<InputSpec>>,
    options: BatchOptions<'_>,
    mut emit: impl FnMut(&Record) -> std::io::Result<()>,
    mut fail: impl FnMut(&Error),
) -> std::io::Result<Summary> {
    use source::Item;
    let started = std::time::Instant::now();
    let BatchOptions {
        fetcher,
        jobs,
        mut progress,
        skip,
        ids,
    } = options;
    let mut own_ids = ids::DocIds::new();
    let ids = match ids {
        Some(ids) => ids,
        None => &mut own_ids,
    };
    let skipped = std::cell::Cell::new(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.unwrap_or(0))
        .thread_name(|i| format!("thidua-{i}"))
        .build()
        .map_err(std::io::Error::other)?;
    let threads = pool.current_num_threads().max(1);
    let default_fetcher = std::sync::OnceLock::new();
    let max_urls = 8 * fetcher.map_or(4, |f| f.config().jobs.max(1));
    let batch_items = BATCH_ITEMS.max(2 * threads * EXTRACT_TOGETHER);
    let mut items = source::items(inputs, pipeline.limits).peekable();
    // Pulls the next batch and fetches its URLs.
    let mut next_batch = || -> std::io::Result<Vec<Item>> {
        let mut batch: Vec<Item> = Vec::new();
        let (mut bytes, mut urls) = (0, 0);
        while batch.len() < batch_items && bytes < BATCH_BYTES && urls < max_urls {
            let Some(item) = items.next() else { break };
            if let Some(skip) = skip {
                let name = match &item {
                    Item::Spec(spec) if *spec != InputSpec::Stdin => Some(spec.name()),
                    Item::Raw(raw) if raw.input != "-" => Some(raw.input.clone()),
                    _ => None,
                };
                if name.is_some_and(|n| skip(&n)) {
                    skipped.set(skipped.get() + 1);
                    continue;
                }
            }
            match &item {
                Item::Raw(raw) => bytes += raw.bytes.len(),
                Item::Spec(InputSpec::Url(_)) => urls += 1,
                _ => {}
            }
            batch.push(item);
        }
        if urls > 0 {
            let fetcher = match fetcher {
                Some(f) => Ok(f),
                None => default_fetcher
                    .get_or_init(|| {
                        source::Fetcher::new(source::FetchConfig {
                            max_bytes: pipeline.limits.max_bytes,
                            ..Default::default()
                        })
                    })
                    .as_ref()
                    .map_err(|e| e.to_string()),
            };
            fetch_urls(&mut batch, fetcher)?;
        }
        Ok(batch)
    };
    // A group of inputs at a time: each is read on its own, and their extraction runs
    // together (see `Pipeline::extract_many`), in parts of at most TOGETHER_BYTES of text.
    let work = |items: Vec<Item>| -> Vec<Done> {
        let mut out: Vec<Done> = Vec::with_capacity(items.len());
        // (input name, bytes read, document) of the part not yet extracted.
        let mut part: Vec<(String, u64, Result<Read>)> = Vec::new();
        let mut text_bytes = 0;
        let mut flush = |part: &mut Vec<(String, u64, Result<Read>)>| {
            let (names, (sizes, read)): (Vec<String>, (Vec<u64>, Vec<_>)) = part
                .drain(..)
                .map(|(name, bytes, doc)| (name, (bytes, doc)))
                .unzip();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            out.extend(pipeline.extract_read(&names, read).into_iter().zip(sizes));
        };
        for item in items {
            let (name, mut bytes) = match &item {
                Item::Spec(spec) => (spec.name(), 0),
                Item::Raw(raw) => (raw.input.clone(), raw.bytes.len() as u64),
                Item::Failed(_) => (String::new(), 0),
            };
            let doc = match item {
                Item::Spec(spec) => guarded(&name, || {
                    let raw = source::read(&spec, &pipeline.limits)?;
                    bytes = raw.bytes.len() as u64;
                    pipeline.read_folded(&raw)
                }),
                Item::Raw(raw) => guarded(&name, || pipeline.read_folded(&raw)),
                Item::Failed(e) => Err(e),
            };
            text_bytes += doc.as_ref().map_or(0, |d| d.doc.text.len());
            part.push((name, bytes, doc));
            if text_bytes >= TOGETHER_BYTES {
                flush(&mut part);
                text_bytes = 0;
            }
        }
        flush(&mut part);
        out
    };
    let mut summary = Summary::default();
    let mut write = |done: Vec<Done>, summary: &mut Summary| -> std::io::Result<()> {
        summary.skipped = skipped.get();
        for (result, bytes) in done {
            summary.bytes += bytes;
            match result {
                Ok(mut record) => {
                    record.doc.id = ids.assign(&record.doc.id, &record.doc.input);
                    emit(&record)?;
                    summary.records += 1;
                    summary.reports += record.is_report as usize;
                }
                Err(e) if e.is_skipped() => {
                    fail(&e);
                    summary.unread += 1;
                }
                Err(e) => {
                    fail(&e);
                    summary.failures.push(e.to_string());
                }
            }
            if let Some(progress) = progress.as_mut() {
                summary.seconds = started.elapsed().as_secs_f64();
                progress(summary);
            }
        }
        Ok(())
    };
    // Groups go to the pool as tasks, numbered; this thread reads batches while few groups
    // are outstanding and writes the results in their order as they come back, so the
    // workers never wait for a whole batch to finish.
    let (results, returned) = std::sync::mpsc::channel::<(usize, std::thread::Result<Vec<Done>>)>();
    let work = &work;
    // Set when writing fails (a closed pipe, a full disk): groups not yet started are skipped.
    let stopped = std::sync::atomic::AtomicBool::new(false);
    let stopped = &stopped;
    pool.in_place_scope(|scope| -> std::io::Result<()> {
        let (mut spawned, mut written) = (0usize, 0usize);
        let mut ready: std::collections::BTreeMap<usize, Vec<Done>> = Default::default();
        let mut exhausted = false;
        loop {
            while !exhausted && spawned - written <= 2 * threads {
                let batch = next_batch().inspect_err(|_| {
                    stopped.store(true, std::sync::atomic::Ordering::Relaxed);
                })?;
                if batch.is_empty() {
                    exhausted = true;
                    break;
                }
                // Small batches still give every thread work.
                let together = EXTRACT_TOGETHER.min(batch.len().div_ceil(threads)).max(1);
                let mut items = batch.into_iter().peekable();
                while items.peek().is_some() {
                    let group: Vec<Item> = items.by_ref().take(together).collect();
                    let (seq, results) = (spawned, results.clone());
                    spawned += 1;
                    scope.spawn(move |_| {
                        if stopped.load(std::sync::atomic::Ordering::Relaxed) {
                            return;
                        }
                        let done =
                            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(group)));
                        let _ = results.send((seq, done));
                    });
                }
            }
            if written == spawned {
                return Ok(());
            }
            let (seq, done) = returned.recv().expect("every group sends its results");
            // A panic outside the per-document guards goes on as it would have.
            let done = done.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            ready.insert(seq, done);
            while let Some(done) = ready.remove(&written) {
                write(done, &mut summary).inspect_err(|_| {
                    stopped.store(true, std::sync::atomic::Ordering::Relaxed);
                })?;
                written += 1;
            }
        }
    })?;
    summary.skipped = skipped.get();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Fetches the URLs of a batch (replacing them by documents or failures) and archives the
/// exchanges in input order.
fn fetch_urls(
    batch: &mut [source::Item],
    fetcher: std::result::Result<&source::Fetcher, String>,
) -> std::io::Result<()> {
    use source::Item;
    let slots: Vec<usize> = (0..batch.len())
        .filter(|&i| matches!(batch[i], Item::Spec(InputSpec::Url(_))))
        .collect();
    let urls: Vec<String> = slots
        .iter()
        .map(|&i| match &batch[i] {
            Item::Spec(spec) => spec.name(),
            _ => unreachable!("slots hold URLs"),
        })
        .collect();
    let fetcher = match fetcher {
        Ok(f) => f,
        Err(reason) => {
            for (&i, url) in slots.iter().zip(&urls) {
                batch[i] = Item::Failed(Error::input(url, reason.clone()));
            }
            return Ok(());
        }
    };
    for (&i, fetched) in slots.iter().zip(fetcher.fetch_all(&urls)) {
        fetcher.record(&fetched).map_err(std::io::Error::other)?;
        batch[i] = match fetched.result {
            Ok(raw) => Item::Raw(raw),
            Err(e) => Item::Failed(e),
        };
    }
    fetcher.flush_archive().map_err(std::io::Error::other)
}
