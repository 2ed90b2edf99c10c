//! The streaming batch runner behind `thidua extract`: inputs pulled lazily in bounded
//! batches, read and extracted in groups on a worker pool, records written in input order,
//! URLs fetched (and archived) on the way; and the [`Summary`] of a run.

use crate::{Error, InputSpec, Pipeline, Read, Record, Result, guarded, ids, source};

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
