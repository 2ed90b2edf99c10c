//! The `thidua` command line: arguments, error printing, exit codes.
//! Exit code 0: all inputs gave records; 1: some inputs failed (each reported on stderr);
//! 2: usage or configuration error (bad option, broken pattern file, an output that would be
//! destroyed); 3: the output could not be written (nothing replaced; the summary line says
//! how far the run got). Every message has its control characters escaped.

use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use thidua::{ToneStyle, source};

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
        $crate::say_line(&format!($($arg)*))
    };
}

mod cli;

use cli::{
    bench::bench, eval::evaluate, explain::explain, extract::Run, extract::extract,
    gen_pages::gen_pages, history::history, normalize::normalize, serve::serve,
};

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

/// `--max-bytes`: a size, `10MiB`, `64 MB`, `1GiB` or bytes, from 1 byte to 1 TiB.
fn parse_size(s: &str) -> Result<u64, String> {
    let bytes = match s.trim().parse::<u64>() {
        Ok(n) => n,
        Err(_) => s
            .trim()
            .parse::<bytesize::ByteSize>()
            .map_err(|_| "not a size (write it as 10MiB, 64MB, 1GiB or a number of bytes)")?
            .as_u64(),
    };
    if (1..=MAX_BYTES_LIMIT).contains(&bytes) {
        Ok(bytes)
    } else {
        Err("must be between 1 byte and 1TiB".to_string())
    }
}

/// `--user-agent`: one header line's worth of visible text.
fn parse_user_agent(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s.is_empty() || s.chars().any(|c| c.is_control()) {
        Err("must be non-empty text on one line".to_string())
    } else {
        Ok(s.to_string())
    }
}

/// Fetching URLs and archives (`thidua extract`).
#[derive(clap::Args)]
#[command(next_help_heading = "Fetching and archives")]
struct FetchArgs {
    /// Fetch the URLs listed in FILE, one a line (# comments and blank lines skipped).
    #[arg(long, value_name = "FILE", help_heading = "Inputs")]
    urls: Option<PathBuf>,
    /// Write every HTTP exchange to FILE as WARC/1.1 (gzip per record if it ends in .gz);
    /// with --offline, answer URLs from FILE instead. Without URL inputs nothing is written.
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
    /// Largest input, WARC record or HTTP response accepted (10MiB, 64MB, 1GiB or bytes; 1
    /// byte to 1TiB).
    #[arg(long, value_name = "SIZE", default_value = "64MiB", value_parser = parse_size,
          help_heading = "Extraction")]
    max_bytes: u64,
    /// The User-Agent header of every request, whole (the default names thidua, its version
    /// and --contact).
    #[arg(long, value_name = "TEXT", value_parser = parse_user_agent)]
    user_agent: Option<String>,
    /// How site operators reach whoever runs the crawl (an e-mail address or URL), put in the
    /// default User-Agent: "thidua/VERSION (research crawler; +CONTACT)".
    #[arg(long, value_name = "EMAIL|URL", value_parser = parse_user_agent,
          conflicts_with = "user_agent")]
    contact: Option<String>,
    /// Follow redirects from a public address into loopback, private or link-local ones
    /// (refused by default: a public page must not steer the crawler into the local network).
    #[arg(long)]
    allow_private_redirects: bool,
}

/// Shard mode (`thidua extract`): inputs listed in a file or on stdin, one shard of them.
#[derive(clap::Args)]
#[command(next_help_heading = "Inputs")]
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
    /// Extract one record per document: JSON Lines, CSV tables or a SQLite database.
    Extract {
        /// Files, directories (walked recursively: .txt .html .htm .warc and .gz), WARC files,
        /// http(s) URLs, or - for stdin.
        #[arg(required_unless_present_any = ["urls", "inputs_from"], help_heading = "Inputs")]
        inputs: Vec<String>,
        /// Write records to FILE (atomically) instead of stdout.
        #[arg(short, long, value_name = "FILE", help_heading = "Output")]
        output: Option<PathBuf>,
        /// Output format [default: from -o's name: .db, .sqlite, .sqlite3: sqlite; a
        /// directory or a name ending in /: csv; anything else, and stdout: jsonl, gzipped when
        /// it ends in .gz].
        #[arg(long, value_enum, help_heading = "Output")]
        format: Option<Format>,
        /// Add doc.text, the normalized text that evidence offsets point into.
        #[arg(long, help_heading = "Output")]
        include_text: bool,
        /// Keep the records of reports only (is_report true); the others are counted in the
        /// summary, not written.
        #[arg(long, help_heading = "Output")]
        reports_only: bool,
        /// Continue a killed or interrupted run: keep the records the output (-o, jsonl or
        /// sqlite) already holds and skip their inputs; a finished output gets the new
        /// inputs' records added.
        #[arg(long, requires = "output", help_heading = "Output")]
        resume: bool,
        /// Read rules and gazetteers from DIR instead of the embedded copy.
        #[arg(long, value_name = "DIR", help_heading = "Extraction")]
        patterns: Option<PathBuf>,
        /// Tone-mark style of the normalized text.
        #[arg(
            long,
            value_enum,
            default_value = "traditional",
            help_heading = "Extraction"
        )]
        style: Style,
        /// Worker threads for extraction [default: one per core]. Records come out in input
        /// order whatever the number.
        #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..),
              help_heading = "Extraction")]
        jobs: Option<u16>,
        /// No progress bar (it is drawn on stderr only when stderr is a terminal).
        #[arg(long, help_heading = "Extraction")]
        no_progress: bool,
        #[command(flatten)]
        shard: ShardArgs,
        #[command(flatten)]
        fetch: FetchArgs,
    },
    /// A unit's rankings, awards and roles year by year, from an `extract --format sqlite` database.
    ///
    /// Rankings, awards, head/deputy years and blocs, oldest first, each with the meeting
    /// date, article URL and evidence sentence.
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
    /// Serve a local web site over an `extract --format sqlite` database.
    ///
    /// Units' award histories with the evidence sentence of every entry, blocs, search, CSV
    /// downloads.
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
    /// Show which rules fired where, which value won, and the record that came out.
    Explain {
        /// What a record's doc.input names: a file (text or HTML), - for stdin, a WARC file
        /// (each of its documents), one WARC record (archive.warc.gz#offset), or a URL
        /// answered from --archive.
        input: String,
        /// Read rules and gazetteers from DIR instead of the embedded copy.
        #[arg(long, value_name = "DIR")]
        patterns: Option<PathBuf>,
        /// Only rules and values whose field or rule id starts with this (e.g. "members",
        /// "meeting.date", "date."); an unknown one is an error.
        #[arg(long, value_name = "PREFIX")]
        field: Option<String>,
        /// The WARC archive a URL input was fetched into (`extract --archive FILE`); explain
        /// reads the page from it and never touches the network.
        #[arg(long, value_name = "FILE")]
        archive: Option<PathBuf>,
        /// Accepted for the command lines of extract: explain is always offline.
        #[arg(long, requires = "archive")]
        offline: bool,
    },
    /// Score predicted records against gold annotations: per-field precision, recall, F1.
    ///
    /// Records join gold rows by doc.id. A gold row without a record counts as missed; when
    /// no record has a gold id (arguments swapped, records of fetched pages) eval says so and
    /// exits with 1. Names match as the project's scorer matches them (NFC, case, dashes,
    /// spaces, surrounding punctuation; or without diacritics; gold variants split by " | ").
    Eval {
        /// Gold annotations (JSON Lines, schema/GOLD_FORMAT.md), e.g. corpus/gold.jsonl.
        gold: PathBuf,
        /// Predicted records (JSON Lines written by `thidua extract`).
        pred: PathBuf,
        /// List every disagreement: `ERR ID FIELD: predicted VALUE; gold VALUE`.
        #[arg(long)]
        show_errors: bool,
        /// Print the numbers as JSON (with --show-errors, the disagreements under "errors").
        #[arg(long)]
        json: bool,
    },
    /// Write synthetic news-portal pages for benchmarks.
    ///
    /// Each wraps one article (a .txt file of --from) in the HTML of a provincial portal; the
    /// same inputs and seed give the same pages.
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
    /// Time each stage on documents in memory, and the costliest rules.
    ///
    /// No process start, no file reading: bare HTML parsing, reading (HTML, normalization),
    /// the whole pipeline on one thread and on --jobs threads.
    Bench {
        /// Files or directories (as for extract).
        inputs: Vec<String>,
        /// Threads for the parallel run [default: one per core].
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
    /// Normalize text from stdin to stdout, line by line.
    ///
    /// The same number of lines: legacy encodings to Unicode, NFC, spaces, dashes, quotes,
    /// tone marks. Warnings go to stderr.
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
            shard,
            format,
            jobs,
            no_progress,
            resume,
            reports_only,
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
                reports_only,
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
            archive,
            offline: _,
        } => explain(&input, patterns, field.as_deref(), archive.as_deref()),
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

/// mimalloc: regex compilation at start-up and the per-document strings are allocation-heavy,
/// and glibc's allocator was a quarter of the instructions of a run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
