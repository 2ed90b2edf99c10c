//! The `thidua` command line: arguments, error printing, exit codes.
//! Exit code 0: all inputs gave records; 1: some inputs failed (each reported on stderr);
//! 2: usage or configuration error (bad option, broken pattern file, an output that would be
//! destroyed); 3: the output could not be written (nothing replaced; the summary line says
//! how far the run got). Every message has its control characters escaped.

use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use thidua::sink::{AtomicFile, CsvSink, JsonlSink, RecordSink, SqliteSink, Target};
use thidua::{Pipeline, ToneStyle, eval, source};

/// Exit code of a run whose output could not be written (a full disk, a lost device):
/// nothing was replaced, what the output held before is intact.
const EXIT_OUTPUT: u8 = 3;

/// Writes one line to stderr with its control characters escaped (see [`escape_controls`]);
/// a closed or full stderr is not an error worth dying for: the output still gets written.
fn say_line(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{}", escape_controls(line));
}

/// `say!("…", args)`: [`say_line`] with `format!` arguments.
macro_rules! say {
    ($($arg:tt)*) => {
        say_line(&format!($($arg)*))
    };
}

/// A message with control characters (newlines, escape sequences, bidirectional overrides)
/// written as escapes (`\n`, `\u{1b}`), so that a file name or URL cannot forge a line of
/// output or repaint the terminal.
fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    let bad =
        |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !text.chars().any(bad) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if bad(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// Prints an error: a broken pattern set one problem a line (`file:line: problem`), anything
/// else on one line.
fn say_error(e: &thidua::Error) {
    match e {
        thidua::Error::Patterns(errors) => {
            for line in errors.to_string().lines() {
                say!("thidua: {line}");
            }
        }
        _ => say!("thidua: {e}"),
    }
}

/// `--timeout-secs`: a positive number of seconds, at most a day.
fn parse_timeout(s: &str) -> Result<f64, String> {
    let secs: f64 = s.parse().map_err(|e| format!("{e}"))?;
    if secs.is_finite() && secs > 0.0 && secs <= 86_400.0 {
        Ok(secs)
    } else {
        Err("must be a number of seconds above 0 and at most 86400 (a day)".to_string())
    }
}

/// Largest `--max-bytes`: 1 TiB (a cap, not a buffer size; far above any page).
const MAX_BYTES_LIMIT: u64 = 1 << 40;

#[derive(Parser)]
#[command(
    name = "thidua",
    version,
    about = "Vietnamese emulation-bloc meeting reports → verifiable JSON records"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Style {
    Traditional,
    Modern,
}

impl From<Style> for ToneStyle {
    fn from(s: Style) -> ToneStyle {
        match s {
            Style::Traditional => ToneStyle::Traditional,
            Style::Modern => ToneStyle::Modern,
        }
    }
}

/// Fetching URLs and archives (`thidua extract`).
#[derive(clap::Args)]
struct FetchArgs {
    /// Fetch the URLs listed in FILE, one a line (# comments and blank lines skipped).
    #[arg(long, value_name = "FILE")]
    urls: Option<PathBuf>,
    /// Write every HTTP exchange to FILE as WARC/1.1 (gzip per record if it ends in .gz);
    /// with --offline, answer URLs from FILE instead.
    #[arg(long, value_name = "FILE")]
    archive: Option<PathBuf>,
    /// Never touch the network: URLs are answered from the --archive file.
    #[arg(long, requires = "archive")]
    offline: bool,
    /// Pause between two requests to the same host (milliseconds, at most a day).
    #[arg(long, value_name = "MS", default_value_t = 1000,
          value_parser = clap::value_parser!(u64).range(0..=86_400_000))]
    delay_ms: u64,
    /// Concurrent fetches at most (one at a time per host).
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..))]
    fetch_jobs: u16,
    /// Connect and read timeout of a request (seconds, above 0, at most 86400).
    #[arg(long, value_name = "SECS", default_value_t = 30.0, value_parser = parse_timeout)]
    timeout_secs: f64,
    /// Retries after a 429 or 5xx answer or a timeout (with exponential backoff; 0 to 100).
    #[arg(long, value_name = "N", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(0..=100))]
    retries: u32,
    /// Largest input, WARC record or HTTP response accepted (bytes, 1 to 2^40).
    #[arg(long, value_name = "BYTES",
          value_parser = clap::value_parser!(u64).range(1..=MAX_BYTES_LIMIT))]
    max_bytes: Option<u64>,
    /// Follow redirects from a public address into loopback, private or link-local ones
    /// (refused by default: a public page must not steer the crawler into the local network).
    #[arg(long)]
    allow_private_redirects: bool,
}

impl FetchArgs {
    /// The fetcher the options ask for, if any input needs one.
    fn fetcher(
        &self,
        inputs: &[String],
        listed: bool,
        limits: thidua::Limits,
    ) -> thidua::Result<Option<source::Fetcher>> {
        // A list of inputs (--inputs-from) may name URLs too.
        let wanted = listed
            || self.urls.is_some()
            || self.archive.is_some()
            || inputs.iter().any(|a| source::is_url(a));
        if !wanted {
            return Ok(None);
        }
        if !(self.timeout_secs.is_finite() && self.timeout_secs > 0.0) {
            return Err(thidua::Error::Usage(
                "--timeout-secs must be a positive number".into(),
            ));
        }
        let config = source::FetchConfig {
            delay: std::time::Duration::from_millis(self.delay_ms),
            jobs: usize::from(self.fetch_jobs),
            timeout: std::time::Duration::from_secs_f64(self.timeout_secs),
            retries: self.retries,
            max_bytes: limits.max_bytes,
            allow_private_redirects: self.allow_private_redirects,
            ..Default::default()
        };
        let fetcher = match (&self.archive, self.offline) {
            (Some(archive), true) => source::Fetcher::offline(config, archive)?,
            (Some(archive), false) => source::Fetcher::new(config)?.archive_to(archive)?,
            (None, _) => source::Fetcher::new(config)?,
        };
        Ok(Some(fetcher))
    }
}

/// Shard mode (`thidua extract`): inputs listed in a file or on stdin, one shard of them.
#[derive(clap::Args)]
struct ShardArgs {
    /// Read more inputs from FILE, one a line (files, directories, URLs, WARC files; blank
    /// lines and # comments skipped); - reads the list from stdin, line by line as it comes.
    #[arg(long, value_name = "FILE|-")]
    inputs_from: Option<PathBuf>,
    /// Keep only shard K of N (0 <= K < N): the inputs whose name (as given; a directory's
    /// files one by one) has a SHA-256 whose first 8 bytes, big-endian, are K modulo N.
    #[arg(long, value_name = "K/N")]
    shard: Option<source::shard::Shard>,
}

/// What `thidua extract` writes.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// JSON Lines, one record a line (stdout or -o FILE).
    Jsonl,
    /// Tidy tables as CSV files in the directory -o DIR.
    Csv,
    /// A SQLite database -o FILE (re-runs add and replace documents by doc id).
    Sqlite,
}

#[derive(Subcommand)]
enum Command {
    /// Extract one thidua.record/1 JSON record per document (JSON Lines).
    Extract {
        /// Files, directories (walked recursively: .txt .html .htm .warc and .gz), WARC files,
        /// http(s) URLs, or - for stdin.
        #[arg(required_unless_present_any = ["urls", "inputs_from"])]
        inputs: Vec<String>,
        /// Write records to FILE (atomically) instead of stdout.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Add doc.text, the normalized text that evidence offsets point into.
        #[arg(long)]
        include_text: bool,
        /// Read rules and gazetteers from DIR instead of the embedded copy.
        #[arg(long, value_name = "DIR")]
        patterns: Option<PathBuf>,
        /// Tone-mark style of the normalized text.
        #[arg(long, value_enum, default_value = "traditional")]
        style: Style,
        #[command(flatten)]
        fetch: FetchArgs,
        #[command(flatten)]
        shard: ShardArgs,
        /// Output format: jsonl (records), csv (tables in -o DIR), sqlite (database -o FILE).
        /// Default: from -o's name (.db, .sqlite, .sqlite3: sqlite; a directory or a name
        /// ending in /: csv; anything else, and stdout: jsonl, gzipped when it ends in .gz).
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Worker threads for extraction (default: one per core). Records come out in input
        /// order whatever the number.
        #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        jobs: Option<u16>,
        /// No progress bar (it is drawn on stderr only when stderr is a terminal).
        #[arg(long)]
        no_progress: bool,
        /// Continue a killed or interrupted run: keep the records the output (-o, jsonl or
        /// sqlite) already holds and skip their inputs; a finished output gets the new
        /// inputs' records added.
        #[arg(long, requires = "output")]
        resume: bool,
    },
    /// A unit's rankings, awards, head/deputy years and blocs, oldest first, each with the
    /// meeting date, article URL and evidence sentence, from `extract --format sqlite` output.
    History {
        /// The unit; diacritics optional, abbreviations accepted ("Lien minh HTX tinh").
        unit: String,
        /// The database written by `thidua extract --format sqlite -o FILE`.
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
        /// Only the unit in this province (by default every province's, each labelled).
        #[arg(long)]
        province: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Read gazetteers (abbreviations, aliases) from DIR instead of the embedded copy.
        #[arg(long, value_name = "DIR")]
        patterns: Option<PathBuf>,
    },
    /// A local web site over `extract --format sqlite` output: units' award histories with
    /// the evidence sentence of every entry, blocs, search, CSV downloads.
    Serve {
        /// The database written by `thidua extract --format sqlite -o FILE`.
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
        /// Port to listen on (0: any free port; the URL is printed on stdout).
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Address to listen on; only this machine by default.
        #[arg(long, default_value = "127.0.0.1")]
        host: std::net::IpAddr,
        /// Read gazetteers (abbreviations, aliases, provinces) from DIR instead of the embedded copy.
        #[arg(long, value_name = "DIR")]
        patterns: Option<PathBuf>,
    },
    /// Show which rules fired where, and the record that came out.
    Explain {
        /// A file (text or HTML) or - for stdin.
        input: String,
        /// Read rules and gazetteers from DIR instead of the embedded copy.
        #[arg(long, value_name = "DIR")]
        patterns: Option<PathBuf>,
        /// Only rules feeding fields that start with this (e.g. "role", "meeting.date").
        #[arg(long)]
        field: Option<String>,
    },
    /// Score predicted records against gold annotations (same numbers as score.py).
    Eval {
        /// Gold annotations (JSON Lines).
        gold: PathBuf,
        /// Predicted records (JSON Lines).
        pred: PathBuf,
        /// List every disagreement.
        #[arg(long)]
        show_errors: bool,
        /// Print the numbers as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write synthetic news-portal pages for benchmarks: each wraps one article (a .txt file
    /// of --from) in the HTML of a provincial portal; the same inputs and seed give the same
    /// pages.
    GenPages {
        /// Directory (or files) of plain-text articles.
        #[arg(long, value_name = "DIR", default_value = "corpus")]
        from: Vec<PathBuf>,
        /// Number of pages.
        #[arg(long, default_value_t = 2000)]
        pages: usize,
        /// Seed of the generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Directory to write page-000001.html … into (created).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Measure each stage on the documents of DIR, in memory (no process start, no file
    /// reading): bare HTML parsing, reading (HTML, normalization), the whole pipeline on one
    /// thread and on --jobs threads.
    Bench {
        /// Files or directories (as for extract).
        inputs: Vec<String>,
        /// Threads for the parallel run (default: one per core).
        #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        jobs: Option<u16>,
        /// Repeat each measurement this many times and keep the fastest.
        #[arg(long, default_value_t = 3)]
        repeat: usize,
        /// Also list the N costliest rules: time to find each rule's hits in every document
        /// (as if every rule ran on every document), candidate sentences, hits.
        #[arg(long, value_name = "N")]
        rules: Option<usize>,
        /// Read the rules and gazetteers from DIR instead of the built-in copy (to measure a
        /// rule change without rebuilding).
        #[arg(long, value_name = "DIR")]
        patterns: Option<PathBuf>,
    },
    /// Normalize text from stdin to stdout, line by line (same number of lines): legacy
    /// encodings to Unicode, NFC, spaces, dashes, quotes, tone marks. Warnings go to stderr.
    Normalize {
        /// Tone-mark style of the output.
        #[arg(long, value_enum, default_value = "traditional")]
        style: Style,
        /// Encoding of the input: auto, unicode, tcvn3, vni, viqr or cp1258 (8-bit encodings as
        /// read as Windows-1252; input that is not UTF-8 is read as Windows-1252).
        #[arg(long, default_value = "auto")]
        from: thidua::normalize::LegacyFrom,
    },
}

/// Bytes of output buffered before a write (a few dozen records).
const OUTPUT_BUFFER: usize = 256 * 1024;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Extract {
            inputs,
            output,
            include_text,
            patterns,
            style,
            fetch,
            shard,
            format,
            jobs,
            no_progress,
            resume,
        } => extract(
            inputs,
            output,
            include_text,
            patterns,
            style.into(),
            fetch,
            shard,
            format,
            Run {
                jobs: jobs.map(usize::from),
                progress: !no_progress && std::io::stderr().is_terminal(),
                resume,
            },
        ),
        Command::History {
            unit,
            db,
            province,
            json,
            patterns,
        } => history(&unit, &db, province.as_deref(), json, patterns.as_deref()),
        Command::Serve {
            db,
            port,
            host,
            patterns,
        } => serve(db, (host, port).into(), patterns.as_deref()),
        Command::Explain {
            input,
            patterns,
            field,
        } => explain(&input, patterns, field.as_deref()),
        Command::Eval {
            gold,
            pred,
            show_errors,
            json,
        } => evaluate(&gold, &pred, show_errors, json),
        Command::Normalize { style, from } => normalize(style.into(), from),
        Command::GenPages {
            from,
            pages,
            seed,
            out,
        } => gen_pages(&from, pages, seed, &out),
        Command::Bench {
            inputs,
            jobs,
            repeat,
            rules,
            patterns,
        } => bench(
            &inputs,
            jobs.map(usize::from),
            repeat.max(1),
            rules,
            patterns,
        ),
    }
}

fn gen_pages(from: &[PathBuf], pages: usize, seed: u64, out: &std::path::Path) -> ExitCode {
    let inputs: Vec<String> = from.iter().map(|p| p.display().to_string()).collect();
    let mut articles = Vec::new();
    for spec in source::expand(&inputs) {
        let read = spec.and_then(|spec| source::read(&spec, &thidua::Limits::default()));
        match read {
            Ok(raw) if raw.kind == thidua::ContentKind::Text => {
                let text = String::from_utf8_lossy(&raw.bytes);
                articles.push(thidua::pagegen::Article::from_text(&raw.id, &text));
            }
            Ok(_) => {}
            // Files that are not articles (gold.jsonl, SOURCES): not wanted here either.
            Err(e) if e.is_skipped() => {}
            Err(e) => {
                say!("thidua: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if articles.is_empty() {
        say!("thidua: no .txt articles in {}", inputs.join(", "));
        return ExitCode::from(2);
    }
    if let Err(e) = std::fs::create_dir_all(out) {
        say!("thidua: {}: {e}", out.display());
        return ExitCode::from(2);
    }
    let mut bytes = 0;
    for page in thidua::pagegen::Generator::new(&articles, seed).take(pages) {
        let path = out.join(format!("{}.html", page.name));
        if let Err(e) = std::fs::write(&path, &page.html) {
            say!("thidua: {}: {e}", path.display());
            return ExitCode::from(1);
        }
        bytes += page.html.len();
    }
    say!(
        "thidua: {pages} pages from {} articles (seed {seed}) in {}: {:.1} MB, {:.1} KB a page",
        articles.len(),
        out.display(),
        bytes as f64 / 1e6,
        bytes as f64 / 1e3 / pages.max(1) as f64
    );
    ExitCode::SUCCESS
}

fn bench(
    inputs: &[String],
    jobs: Option<usize>,
    repeat: usize,
    rules: Option<usize>,
    patterns: Option<PathBuf>,
) -> ExitCode {
    use rayon::prelude::*;
    let mut builder = Pipeline::builder();
    if let Some(dir) = patterns {
        builder = builder.patterns_dir(dir);
    }
    let pipeline = match builder.build() {
        Ok(p) => p,
        Err(e) => {
            say!("thidua: {e}");
            return ExitCode::from(2);
        }
    };
    let mut docs = Vec::new();
    for spec in source::expand(inputs) {
        match spec.and_then(|spec| source::read(&spec, pipeline.limits())) {
            Ok(raw) => docs.push(raw),
            Err(e) => say!("thidua: {e}"),
        }
    }
    if docs.is_empty() {
        say!("thidua: nothing to measure");
        return ExitCode::from(2);
    }
    let bytes: usize = docs.iter().map(|d| d.bytes.len()).sum();
    let html: Vec<&thidua::RawDocument> = docs
        .iter()
        .filter(|d| d.kind == thidua::ContentKind::Html)
        .collect();
    let fastest = |f: &dyn Fn()| {
        (0..repeat)
            .map(|_| {
                let t = std::time::Instant::now();
                f();
                t.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min)
    };
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.unwrap_or(0))
        .build()
    {
        Ok(p) => p,
        Err(e) => {
            say!("thidua: {e}");
            return ExitCode::from(2);
        }
    };
    let threads = pool.current_num_threads();
    let n = docs.len() as f64;
    let mut rows: Vec<(String, f64, f64)> = Vec::new();
    if !html.is_empty() {
        let t = fastest(&|| {
            for d in &html {
                let page = scraper::Html::parse_document(&String::from_utf8_lossy(&d.bytes));
                std::hint::black_box(page);
            }
        });
        let html_bytes: usize = html.iter().map(|d| d.bytes.len()).sum();
        rows.push((
            format!("bare HTML parse (scraper), 1 thread, {} pages", html.len()),
            html.len() as f64 / t,
            html_bytes as f64 / 1e6 / t,
        ));
    }
    let t = fastest(&|| {
        for d in &docs {
            let _ = std::hint::black_box(pipeline.read(d));
        }
    });
    rows.push((
        "read (HTML, normalize), 1 thread".into(),
        n / t,
        bytes as f64 / 1e6 / t,
    ));
    // As `thidua extract` runs it: a few documents extracted together.
    let one = fastest(&|| {
        for chunk in docs.chunks(thidua::EXTRACT_TOGETHER) {
            let _ = std::hint::black_box(pipeline.process_many(chunk));
        }
    });
    rows.push((
        "whole pipeline, 1 thread".into(),
        n / one,
        bytes as f64 / 1e6 / one,
    ));
    let par = fastest(&|| {
        pool.install(|| {
            docs.par_chunks(thidua::EXTRACT_TOGETHER).for_each(|chunk| {
                let _ = std::hint::black_box(pipeline.process_many(chunk));
            })
        })
    });
    rows.push((
        format!("whole pipeline, {threads} threads"),
        n / par,
        bytes as f64 / 1e6 / par,
    ));
    println!(
        "{} documents, {:.1} MB, in memory; fastest of {repeat} runs",
        docs.len(),
        bytes as f64 / 1e6
    );
    println!(
        "{:<52} {:>10} {:>8} {:>10}",
        "stage", "docs/s", "MB/s", "µs/doc"
    );
    for (name, rate, mbs) in &rows {
        println!("{name:<52} {rate:>10.0} {mbs:>8.2} {:>10.1}", 1e6 / rate);
    }
    if !html.is_empty() && html.len() == docs.len() {
        println!(
            "whole pipeline (1 thread) / bare parse: {:.2}x the time",
            rows[0].1 / rows[2].1
        );
    }
    println!("speedup {threads} threads / 1 thread: {:.2}x", one / par);
    if let Some(top) = rules {
        rule_costs(&pipeline, &docs, repeat, top, one);
    }
    ExitCode::SUCCESS
}

/// Prints the `top` costliest rules over the documents, against the whole pipeline's time.
fn rule_costs(
    pipeline: &Pipeline,
    docs: &[thidua::RawDocument],
    repeat: usize,
    top: usize,
    pipeline_seconds: f64,
) {
    let read: Vec<thidua::Document> = docs.iter().filter_map(|d| pipeline.read(d).ok()).collect();
    let costs = pipeline.rule_costs(&read, repeat);
    let total: f64 = costs.iter().map(|c| c.seconds).sum();
    println!(
        "rules, each run on every document: {:.1} ms in all ({:.0}% of the whole pipeline's \
         time); the {} costliest:",
        total * 1e3,
        100.0 * total / pipeline_seconds,
        top.min(costs.len())
    );
    println!(
        "{:<40} {:>9} {:>7} {:>11} {:>7}",
        "rule", "ms", "share", "candidates", "hits"
    );
    for c in costs.iter().take(top) {
        println!(
            "{:<40} {:>9.2} {:>6.1}% {:>11} {:>7}",
            c.rule,
            c.seconds * 1e3,
            100.0 * c.seconds / total,
            c.candidates,
            c.hits
        );
    }
}

fn normalize(style: ToneStyle, from: thidua::normalize::LegacyFrom) -> ExitCode {
    use std::io::Read;
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().lock().read_to_end(&mut input) {
        say!("thidua: reading stdin: {e}");
        return ExitCode::from(1);
    }
    let normalizer = thidua::Normalizer::new(style).with_legacy(from);
    let out = normalizer.normalize_bytes(&input);
    for w in &out.warnings {
        say!("thidua: {w}");
    }
    match std::io::stdout().lock().write_all(out.text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            say!("thidua: writing output: {e}");
            ExitCode::from(1)
        }
        _ => ExitCode::SUCCESS,
    }
}

/// How `thidua extract` runs: worker threads, progress bar.
struct Run {
    jobs: Option<usize>,
    progress: bool,
    /// Keep what the output holds and skip those inputs.
    resume: bool,
}

/// The progress bar of `thidua extract` (drawn on stderr when it is a terminal): documents,
/// megabytes, documents per second, failures. Messages go above it.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    last: std::time::Instant,
}

impl Progress {
    fn new(show: bool) -> Progress {
        let bar = show.then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
            bar
        });
        Progress {
            bar,
            last: std::time::Instant::now(),
        }
    }

    fn update(&mut self, s: &thidua::Summary) {
        let Some(bar) = &self.bar else { return };
        if self.last.elapsed() < std::time::Duration::from_millis(100) {
            return;
        }
        self.last = std::time::Instant::now();
        let secs = s.seconds.max(1e-9);
        bar.set_message(format!(
            "{} documents, {:.1} MB, {:.0} docs/s, {} failed",
            s.documents(),
            s.bytes as f64 / 1e6,
            s.documents() as f64 / secs,
            s.failures.len()
        ));
    }

    fn println(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| say!("{line}")),
            None => say!("{line}"),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn extract(
    inputs: Vec<String>,
    output: Option<PathBuf>,
    include_text: bool,
    patterns: Option<PathBuf>,
    style: ToneStyle,
    fetch: FetchArgs,
    shard: ShardArgs,
    format: Option<Format>,
    run: Run,
) -> ExitCode {
    let out = match plan_output(output.as_deref(), format, run.resume) {
        Ok(out) => out,
        Err(e) => {
            say_error(&e);
            return ExitCode::from(2);
        }
    };
    let format = out.format;
    let mut limits = thidua::Limits::default();
    if let Some(max) = fetch.max_bytes {
        limits.max_bytes = max;
    }
    let mut builder = Pipeline::builder()
        // The dataset formats fingerprint the text to merge reposts of one article.
        .include_text(include_text || format != Format::Jsonl)
        .tone_style(style)
        .limits(limits);
    if let Some(dir) = &patterns {
        builder = builder.patterns_dir(dir.clone());
    }
    let pipeline = match builder.build() {
        // Kept to the end of the process: freeing the compiled automata one by one cost 2% of
        // a short run's time, and the process exits right after.
        Ok(p) => &*Box::leak(Box::new(p)),
        Err(e) => {
            say_error(&e);
            return ExitCode::from(2);
        }
    };
    let listed = shard.inputs_from.as_deref();
    let specs = match source::shard::inputs(&inputs, listed, fetch.urls.as_deref(), shard.shard) {
        Ok(specs) => specs,
        Err(e) => {
            say_error(&e);
            return ExitCode::from(2);
        }
    };
    // The output is opened (and, resuming, read) before the archive: a resumed run keeps the
    // archive's records of the pages it does not fetch again.
    let mut done = thidua::ids::Done::default();
    let mut ids = thidua::ids::DocIds::new();
    let opened = open_output(
        &out,
        &inputs,
        patterns.as_deref(),
        style,
        include_text,
        run.resume,
        &mut done,
        &mut ids,
    );
    let mut sink = match opened {
        Ok(sink) => sink,
        Err(e) => {
            say_error(&e);
            return ExitCode::from(2);
        }
    };
    let fetcher = match fetch.fetcher(&inputs, shard.inputs_from.is_some(), limits) {
        Ok(f) => f,
        Err(e) => {
            say_error(&e);
            return ExitCode::from(2);
        }
    };
    let mut progress = Progress::new(run.progress);
    // What was done before an output error, for the summary line.
    let (mut records, mut reports, mut failed) = (0usize, 0usize, 0usize);
    let result = {
        let progress = std::cell::RefCell::new(&mut progress);
        let mut on_progress = |s: &thidua::Summary| progress.borrow_mut().update(s);
        let skip = |input: &str| done.contains(input);
        // Crash drill for the resume tests: die like a killed process (no flushing, no
        // clean-up) after writing this many records.
        let abort_after: Option<usize> = std::env::var("THIDUA_TEST_ABORT_AFTER")
            .ok()
            .and_then(|n| n.parse().ok());
        let mut emit = |r: &thidua::Record| {
            if abort_after == Some(records) {
                std::process::abort();
            }
            sink.write(r)?;
            records += 1;
            reports += r.is_report as usize;
            Ok(())
        };
        let options = thidua::BatchOptions {
            fetcher: fetcher.as_ref(),
            jobs: run.jobs,
            progress: Some(&mut on_progress),
            skip: (!done.is_empty()).then_some(&skip as &dyn Fn(&str) -> bool),
            ids: Some(&mut ids),
        };
        thidua::run_batch_opts(pipeline, specs, options, &mut emit, |e| {
            failed += usize::from(!e.is_skipped());
            progress.borrow().println(&format!("thidua: {e}"))
        })
    };
    progress.finish();
    let result = result.and_then(|summary| {
        let what = sink.finish().map_err(std::io::Error::other)?;
        if let (Some(what), Some(path)) = (what, &output) {
            say!("thidua: {}: {what}", path.display());
        }
        Ok(summary)
    });
    let archived = fetcher.map_or(Ok(()), |f| f.finish());
    if let Err(e) = &archived {
        say!("thidua: writing the archive: {e}");
    }
    match result {
        Ok(summary) => {
            say!("thidua: {}", summary.line());
            if archived.is_err() {
                ExitCode::from(EXIT_OUTPUT)
            } else if summary.failures.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            say!("thidua: writing output: {e}");
            let kept = match &out.target {
                Some(Target::Special(_)) | None => String::new(),
                Some(_) if run.resume && format == Format::Jsonl => {
                    "; the records written so far stay for --resume".to_string()
                }
                Some(Target::File(p) | Target::Dir(p)) => {
                    format!("; {} is as it was before the run", p.display())
                }
            };
            say!(
                "thidua: output not written: {records} records ({reports} reports), {failed} \
                 failed before the error{kept}"
            );
            ExitCode::from(EXIT_OUTPUT)
        }
    }
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Jsonl => "jsonl",
        Format::Csv => "csv",
        Format::Sqlite => "sqlite",
    }
}

/// What `-o` (or stdout) will be written as.
struct OutputPlan {
    /// `None`: standard output.
    target: Option<Target>,
    format: Format,
    /// JSON Lines gzipped (`-o NAME.gz`).
    gzip: bool,
}

/// What an existing file holds, from its first bytes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Content {
    Empty,
    Sqlite,
    Gzip,
    Jsonl,
    Other,
}

impl Content {
    fn of(path: &std::path::Path) -> std::io::Result<Content> {
        use std::io::Read;
        let mut head = Vec::with_capacity(16);
        std::fs::File::open(path)?.take(16).read_to_end(&mut head)?;
        let text = head.trim_ascii_start();
        Ok(if head.is_empty() {
            Content::Empty
        } else if head.starts_with(b"SQLite format 3\0") {
            Content::Sqlite
        } else if head.starts_with(&[0x1f, 0x8b]) {
            Content::Gzip
        } else if text.starts_with(b"{") || text.is_empty() {
            Content::Jsonl
        } else {
            Content::Other
        })
    }

    fn describe(self) -> &'static str {
        match self {
            Content::Empty => "nothing",
            Content::Sqlite => "a SQLite database",
            Content::Gzip => "gzip data",
            Content::Jsonl => "JSON Lines",
            Content::Other => "data of another kind (not JSON Lines, gzip or SQLite)",
        }
    }
}

/// Decides where and how `extract` writes: `-o` resolved (symbolic links followed to their
/// target; devices, FIFOs and standard streams written through), the format from
/// `--format` or `-o`'s name, and a refusal (usage error) to overwrite a file that holds
/// another format than the one about to be written.
fn plan_output(
    output: Option<&std::path::Path>,
    format: Option<Format>,
    resume: bool,
) -> thidua::Result<OutputPlan> {
    use thidua::Error::Usage;
    let Some(path) = output else {
        let format = format.unwrap_or(Format::Jsonl);
        if format != Format::Jsonl {
            let what = if format == Format::Csv {
                "-o DIR (the directory for the tables)"
            } else {
                "-o FILE (the database)"
            };
            return Err(Usage(format!(
                "--format {} needs {what}",
                format_name(format)
            )));
        }
        return Ok(OutputPlan {
            target: None,
            format,
            gzip: false,
        });
    };
    let target = thidua::sink::resolve_output(path)?;
    let name = path.to_string_lossy().to_ascii_lowercase();
    let gzip = name.ends_with(".gz");
    let inferred = match &target {
        Target::Dir(_) => Format::Csv,
        _ if name.ends_with('/') => Format::Csv,
        _ if [".db", ".sqlite", ".sqlite3"]
            .iter()
            .any(|ext| name.ends_with(ext)) =>
        {
            Format::Sqlite
        }
        _ => Format::Jsonl,
    };
    let format = format.unwrap_or(inferred);
    let shown = path.display();
    match (&target, format) {
        (Target::Dir(_), Format::Jsonl | Format::Sqlite) => {
            return Err(Usage(format!(
                "{shown}: a directory (give a file name, or --format csv for tables in it)"
            )));
        }
        (Target::Special(_), Format::Csv | Format::Sqlite) => {
            return Err(Usage(format!(
                "{shown}: not a regular file; --format {} needs a {}",
                format_name(format),
                if format == Format::Csv {
                    "directory"
                } else {
                    "file"
                }
            )));
        }
        (Target::Special(_), _) if resume => {
            return Err(Usage(format!(
                "{shown}: not a regular file: --resume needs a file to read back"
            )));
        }
        (Target::File(p), Format::Csv) if p.exists() => {
            return Err(Usage(format!(
                "{shown}: not a directory (--format csv writes one file per table into -o DIR)"
            )));
        }
        _ => {}
    }
    if resume && format == Format::Csv {
        return Err(Usage(
            "--resume works with --format jsonl or sqlite (CSV tables are written whole at the \
             end; use sqlite for a resumable dataset run)"
                .into(),
        ));
    }
    if resume && format == Format::Jsonl && gzip {
        return Err(Usage(format!(
            "{shown}: --resume cannot continue a gzipped output (a killed run leaves a cut \
             gzip stream); write JSON Lines and gzip them when complete"
        )));
    }
    if let Target::File(p) = &target
        && p.exists()
    {
        let found = Content::of(p).map_err(|e| thidua::Error::io(shown.to_string(), e))?;
        let expected = match format {
            Format::Sqlite => Content::Sqlite,
            Format::Jsonl if gzip => Content::Gzip,
            _ => Content::Jsonl,
        };
        if found != expected && found != Content::Empty {
            let writing = match format {
                Format::Sqlite => "a SQLite database",
                Format::Jsonl if gzip => "gzipped JSON Lines",
                _ => "JSON Lines",
            };
            let hint = match found {
                Content::Sqlite => " (give --format sqlite to update the database)",
                Content::Jsonl => " (give --format jsonl, or a name ending in .jsonl)",
                _ => "",
            };
            return Err(Usage(format!(
                "{shown}: holds {}; not overwritten with {writing}{hint}; remove it or choose \
                 another -o",
                found.describe()
            )));
        }
    }
    Ok(OutputPlan {
        target: Some(target),
        format,
        gzip,
    })
}

/// Where the records of `extract` go.
enum Sink {
    Stdout(JsonlSink<std::io::BufWriter<std::io::StdoutLock<'static>>>),
    /// Straight to a device or FIFO.
    Through(JsonlSink<std::io::BufWriter<std::fs::File>>),
    File(JsonlSink<AtomicFile>),
    Gzip(JsonlSink<flate2::write::GzEncoder<AtomicFile>>),
    Dataset(Box<dyn RecordSink>),
}

impl Sink {
    fn write(&mut self, r: &thidua::Record) -> std::io::Result<()> {
        match self {
            Sink::Stdout(s) => s.write(r),
            Sink::Through(s) => s.write(r),
            Sink::File(s) => s.write(r),
            Sink::Gzip(s) => s.write(r),
            Sink::Dataset(s) => s.write(r),
        }
    }

    /// Completes the output; says what was written for the dataset formats.
    fn finish(self) -> thidua::Result<Option<String>> {
        let io = |e| thidua::Error::io("output", e);
        match self {
            Sink::Stdout(s) => s.finish().map(|_| None).map_err(io),
            Sink::Through(s) => s.finish().map(|_| None).map_err(io),
            Sink::File(s) => s.finish().map_err(io)?.commit().map(|()| None),
            Sink::Gzip(s) => s
                .finish()
                .and_then(|gz| gz.finish())
                .map_err(io)?
                .commit()
                .map(|()| None),
            Sink::Dataset(s) => s.finish().map(|summary| Some(summary.to_string())),
        }
    }
}

/// Opens the output the plan describes; resuming, notes the inputs it already holds in
/// `done`, and in every case the document ids it holds in `ids`.
#[allow(clippy::too_many_arguments)]
fn open_output(
    out: &OutputPlan,
    inputs: &[String],
    patterns: Option<&std::path::Path>,
    style: ToneStyle,
    include_text: bool,
    resume: bool,
    done: &mut thidua::ids::Done,
    ids: &mut thidua::ids::DocIds,
) -> thidua::Result<Sink> {
    let path = match &out.target {
        None => {
            let stdout = std::io::stdout().lock();
            // Records are several kilobytes: a small buffer made one system call per record
            // or two on the thread that also reads the inputs.
            return Ok(Sink::Stdout(JsonlSink::new(
                std::io::BufWriter::with_capacity(OUTPUT_BUFFER, stdout),
            )));
        }
        Some(Target::Special(p)) => {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(p)
                .map_err(|e| thidua::Error::io(p.display().to_string(), e))?;
            return Ok(Sink::Through(JsonlSink::new(
                std::io::BufWriter::with_capacity(OUTPUT_BUFFER, file),
            )));
        }
        Some(Target::File(p) | Target::Dir(p)) => p,
    };
    match out.format {
        Format::Jsonl if out.gzip => {
            let file = AtomicFile::create(path)?;
            let gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
            Ok(Sink::Gzip(JsonlSink::new(gz)))
        }
        Format::Jsonl if resume => {
            let file = AtomicFile::resume(path, |line| match thidua::sink::record_input(line) {
                Some((input, id)) => {
                    done.insert(&input);
                    ids.seed_run(&id);
                    true
                }
                None => false,
            })?;
            Ok(Sink::File(JsonlSink::new(file)))
        }
        Format::Jsonl => Ok(Sink::File(JsonlSink::new(AtomicFile::create(path)?))),
        Format::Csv => {
            let lex = thidua::dataset::Lexicon::load(patterns)?.with_style(style);
            Ok(Sink::Dataset(Box::new(CsvSink::create(
                path,
                lex,
                include_text,
            )?)))
        }
        Format::Sqlite => {
            let lex = thidua::dataset::Lexicon::load(patterns)?.with_style(style);
            let sink =
                SqliteSink::open_with(path, lex, include_text, resume)?.with_inputs(inputs)?;
            sink.documents(|id, input| {
                ids.seed(id, input);
                if resume {
                    done.insert(input);
                }
            })?;
            Ok(Sink::Dataset(Box::new(sink)))
        }
    }
}

fn history(
    unit: &str,
    db: &std::path::Path,
    province: Option<&str>,
    json: bool,
    patterns: Option<&std::path::Path>,
) -> ExitCode {
    let found = thidua::dataset::Lexicon::load(patterns)
        .and_then(|lex| thidua::dataset::history::history(db, &lex, unit, province));
    let history = match found {
        Ok(h) => h,
        Err(e) => {
            say!("thidua: {e}");
            return ExitCode::from(if e.is_usage() { 2 } else { 1 });
        }
    };
    let out = if json {
        serde_json::to_string_pretty(&history).unwrap_or_default() + "\n"
    } else {
        history.to_text()
    };
    let _ = std::io::stdout().write_all(out.as_bytes());
    ExitCode::SUCCESS
}

fn serve(db: PathBuf, addr: std::net::SocketAddr, patterns: Option<&std::path::Path>) -> ExitCode {
    use thidua::serve::data::DbProblem;
    let files = match patterns {
        Some(dir) => thidua::PatternFiles::from_dir(dir),
        None => Ok(thidua::PatternFiles::embedded()),
    };
    let loaded = files.and_then(|f| {
        Ok((
            thidua::dataset::Lexicon::from_files(&f)?,
            thidua::dataset::Merger2025::from_files(&f)?
                .with_style(thidua::dataset::history::style_of(&db)),
        ))
    });
    let (lex, merger) = match loaded {
        Ok(l) => l,
        Err(e) => {
            eprintln!("thidua: {e}");
            return ExitCode::from(2);
        }
    };
    let app = thidua::serve::App::new(db.clone(), lex, merger);
    match app.check() {
        Ok(()) => app.warm_up(),
        Err(DbProblem::Missing) => {
            eprintln!("thidua: {}: no such database", db.display());
            return ExitCode::from(2);
        }
        // Served as an error page until the database can be read.
        Err(p) => eprintln!("thidua: {}: {p}", db.display()),
    }
    let listener = match std::net::TcpListener::bind(addr) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("thidua: cannot listen on {addr}: {e}");
            return ExitCode::from(2);
        }
    };
    let url = match listener.local_addr() {
        Ok(a) => format!("http://{a}/"),
        Err(e) => {
            eprintln!("thidua: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{url}");
    let _ = std::io::stdout().flush();
    match thidua::serve::run(listener, app) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("thidua: {e}");
            ExitCode::FAILURE
        }
    }
}

fn evaluate(
    gold: &std::path::Path,
    pred: &std::path::Path,
    show_errors: bool,
    json: bool,
) -> ExitCode {
    let (gold_rows, preds) = match (eval::read_jsonl(gold), eval::read_jsonl(pred)) {
        (Ok(g), Ok(p)) => (g, p),
        (Err(e), _) | (_, Err(e)) => {
            say!("thidua: {e}");
            return ExitCode::from(2);
        }
    };
    let score = eval::score(&gold_rows, &preds);
    let out = if json {
        serde_json::to_string_pretty(&score.to_json()).unwrap_or_default() + "\n"
    } else {
        score.report(show_errors)
    };
    let _ = std::io::stdout().write_all(out.as_bytes());
    ExitCode::SUCCESS
}

fn explain(input: &str, patterns: Option<PathBuf>, field: Option<&str>) -> ExitCode {
    let mut builder = Pipeline::builder();
    if let Some(dir) = patterns {
        builder = builder.patterns_dir(dir);
    }
    let pipeline = match builder.build() {
        Ok(p) => p,
        Err(e) => {
            say!("thidua: {e}");
            return ExitCode::from(2);
        }
    };
    let spec = if input == "-" {
        source::InputSpec::Stdin
    } else {
        source::InputSpec::File(PathBuf::from(input))
    };
    let doc = match source::read(&spec, pipeline.limits()).and_then(|raw| pipeline.read(&raw)) {
        Ok(d) => d,
        Err(e) => {
            say!("thidua: {e}");
            return ExitCode::from(1);
        }
    };
    let mut out = String::new();
    out.push_str(&format!(
        "# {} ({} characters of normalized text)\n\n## Rule hits\n",
        doc.input,
        doc.text.chars().count()
    ));
    for e in pipeline.explain(&doc) {
        if field.is_some_and(|f| !e.field.starts_with(f)) {
            continue;
        }
        out.push_str(&format!(
            "{}:{} {} [{} p{}] {:?}\n",
            e.line, e.column, e.field, e.rule, e.priority, e.matched
        ));
        for (name, value) in &e.slots {
            out.push_str(&format!("      {name} = {value:?}\n"));
        }
    }
    let record = pipeline.extract(&doc);
    out.push_str("\n## Values and the rules that won\n");
    for ev in &record.evidence {
        if field.is_some_and(|f| !ev.field.starts_with(f) && !ev.rule.starts_with(f)) {
            continue;
        }
        let value: String = doc
            .text
            .chars()
            .skip(ev.start)
            .take(ev.end - ev.start)
            .collect();
        out.push_str(&format!(
            "{:28} {:?}  <- {} @{}..{}\n",
            ev.field, value, ev.rule, ev.start, ev.end
        ));
    }
    out.push_str("\n## Record\n");
    out.push_str(&serde_json::to_string_pretty(&record).unwrap_or_default());
    out.push('\n');
    let _ = std::io::stdout().write_all(out.as_bytes());
    ExitCode::SUCCESS
}

/// mimalloc: regex compilation at start-up and the per-document strings are allocation-heavy,
/// and glibc's allocator was a quarter of the instructions of a run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
