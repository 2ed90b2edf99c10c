//! The `thidua` command line: arguments, error printing, exit codes.
//! Exit code 0: all inputs gave records; 1: some inputs failed (each reported on stderr);
//! 2: usage or configuration error (bad option, broken pattern file).

use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use thidua::sink::{AtomicFile, CsvSink, JsonlSink, RecordSink, SqliteSink};
use thidua::{Pipeline, ToneStyle, eval, source};

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
    /// Pause between two requests to the same host (milliseconds).
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    delay_ms: u64,
    /// Concurrent fetches at most (one at a time per host).
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..))]
    fetch_jobs: u16,
    /// Connect and read timeout of a request (seconds).
    #[arg(long, value_name = "SECS", default_value_t = 30.0)]
    timeout_secs: f64,
    /// Retries after a 5xx answer or a timeout (with exponential backoff).
    #[arg(long, value_name = "N", default_value_t = 3)]
    retries: u32,
    /// Largest input, WARC record or HTTP response accepted (bytes).
    #[arg(long, value_name = "BYTES")]
    max_bytes: Option<u64>,
}

impl FetchArgs {
    /// The fetcher the options ask for, if any input needs one.
    fn fetcher(
        &self,
        inputs: &[String],
        limits: thidua::Limits,
    ) -> thidua::Result<Option<source::Fetcher>> {
        let wanted = self.urls.is_some()
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
        #[arg(required_unless_present = "urls")]
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
        /// Output format: jsonl (records), csv (tables in -o DIR), sqlite (database -o FILE).
        #[arg(long, value_enum, default_value = "jsonl")]
        format: Format,
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
            format,
        } => extract(
            inputs,
            output,
            include_text,
            patterns,
            style.into(),
            fetch,
            format,
        ),
        Command::History {
            unit,
            db,
            province,
            json,
            patterns,
        } => history(&unit, &db, province.as_deref(), json, patterns.as_deref()),
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
    }
}

fn normalize(style: ToneStyle, from: thidua::normalize::LegacyFrom) -> ExitCode {
    use std::io::Read;
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().lock().read_to_end(&mut input) {
        eprintln!("thidua: reading stdin: {e}");
        return ExitCode::from(1);
    }
    let normalizer = thidua::Normalizer::new(style).with_legacy(from);
    let out = normalizer.normalize_bytes(&input);
    for w in &out.warnings {
        eprintln!("thidua: {w}");
    }
    match std::io::stdout().lock().write_all(out.text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("thidua: writing output: {e}");
            ExitCode::from(1)
        }
        _ => ExitCode::SUCCESS,
    }
}

fn extract(
    inputs: Vec<String>,
    output: Option<PathBuf>,
    include_text: bool,
    patterns: Option<PathBuf>,
    style: ToneStyle,
    fetch: FetchArgs,
    format: Format,
) -> ExitCode {
    if format != Format::Jsonl && output.is_none() {
        let what = if format == Format::Csv {
            "-o DIR (the directory for the tables)"
        } else {
            "-o FILE (the database)"
        };
        eprintln!("thidua: --format {} needs {what}", format_name(format));
        return ExitCode::from(2);
    }
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
        Ok(p) => p,
        Err(e) => {
            eprintln!("thidua: {e}");
            return ExitCode::from(2);
        }
    };
    let fetcher = match fetch.fetcher(&inputs, limits) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("thidua: {e}");
            return ExitCode::from(2);
        }
    };
    let url_list = fetch.urls.as_deref().map(source::url_list);
    let specs = source::expand(&inputs).chain(url_list.into_iter().flatten());
    let report = |e: &thidua::Error| eprintln!("thidua: {e}");
    let result = match &output {
        Some(path) if format != Format::Jsonl => {
            let mut sink = match dataset_sink(format, path, patterns.as_deref(), include_text) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("thidua: {e}");
                    return ExitCode::from(2);
                }
            };
            let summary = thidua::run_batch_with(
                &pipeline,
                specs,
                fetcher.as_ref(),
                |r| sink.write(r),
                report,
            );
            summary.and_then(|s| {
                let written = sink.finish().map_err(std::io::Error::other)?;
                eprintln!("thidua: {}: {written}", path.display());
                Ok(s)
            })
        }
        Some(path) => {
            let file = match AtomicFile::create(path) {
                Ok(f) => f,
                Err(e) => {
                    eprintln!("thidua: {e}");
                    return ExitCode::from(2);
                }
            };
            let mut sink = JsonlSink::new(file);
            let summary = thidua::run_batch_with(
                &pipeline,
                specs,
                fetcher.as_ref(),
                |r| sink.write(r),
                report,
            );
            summary.and_then(|s| {
                let file = sink.finish()?;
                file.commit().map_err(std::io::Error::other)?;
                Ok(s)
            })
        }
        None => {
            let stdout = std::io::stdout().lock();
            let mut sink = JsonlSink::new(std::io::BufWriter::new(stdout));
            let summary = thidua::run_batch_with(
                &pipeline,
                specs,
                fetcher.as_ref(),
                |r| sink.write(r),
                report,
            );
            summary.and_then(|s| sink.finish().map(|_| s))
        }
    };
    let archived = fetcher.map_or(Ok(()), |f| f.finish());
    if let Err(e) = &archived {
        eprintln!("thidua: writing the archive: {e}");
    }
    match result {
        Ok(summary) => {
            eprintln!(
                "thidua: {} records ({} reports), {} failed",
                summary.records,
                summary.reports,
                summary.failures.len()
            );
            if summary.failures.is_empty() && archived.is_ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("thidua: writing output: {e}");
            ExitCode::from(1)
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

/// The CSV or SQLite sink for `extract --format`.
fn dataset_sink(
    format: Format,
    path: &std::path::Path,
    patterns: Option<&std::path::Path>,
    include_text: bool,
) -> thidua::Result<Box<dyn RecordSink>> {
    let lex = thidua::dataset::Lexicon::load(patterns)?;
    Ok(match format {
        Format::Csv => Box::new(CsvSink::create(path, lex, include_text)?),
        _ => Box::new(SqliteSink::open(path, lex, include_text)?),
    })
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
            eprintln!("thidua: {e}");
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

fn evaluate(
    gold: &std::path::Path,
    pred: &std::path::Path,
    show_errors: bool,
    json: bool,
) -> ExitCode {
    let (gold_rows, preds) = match (eval::read_jsonl(gold), eval::read_jsonl(pred)) {
        (Ok(g), Ok(p)) => (g, p),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("thidua: {e}");
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
            eprintln!("thidua: {e}");
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
            eprintln!("thidua: {e}");
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
