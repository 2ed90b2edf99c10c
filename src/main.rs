//! The `thidua` command line: arguments, error printing, exit codes.
//! Exit code 0: all inputs gave records; 1: some inputs failed (each reported on stderr);
//! 2: usage or configuration error (bad option, broken pattern file).

use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use thidua::sink::{AtomicFile, JsonlSink};
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

#[derive(Subcommand)]
enum Command {
    /// Extract one thidua.record/1 JSON record per document (JSON Lines).
    Extract {
        /// Files, directories (walked recursively: .txt .html .htm and .gz), or - for stdin.
        #[arg(required = true)]
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
        } => extract(inputs, output, include_text, patterns, style.into()),
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
) -> ExitCode {
    let mut builder = Pipeline::builder()
        .include_text(include_text)
        .tone_style(style);
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
    let specs = source::expand(&inputs);
    let report = |e: &thidua::Error| eprintln!("thidua: {e}");
    let result = match &output {
        Some(path) => {
            let file = match AtomicFile::create(path) {
                Ok(f) => f,
                Err(e) => {
                    eprintln!("thidua: {e}");
                    return ExitCode::from(2);
                }
            };
            let mut sink = JsonlSink::new(file);
            let summary = thidua::run_batch(&pipeline, specs, |r| sink.write(r), report);
            summary.and_then(|s| {
                let file = sink.finish()?;
                file.commit().map_err(std::io::Error::other)?;
                Ok(s)
            })
        }
        None => {
            let stdout = std::io::stdout().lock();
            let mut sink = JsonlSink::new(std::io::BufWriter::new(stdout));
            let summary = thidua::run_batch(&pipeline, specs, |r| sink.write(r), report);
            summary.and_then(|s| sink.finish().map(|_| s))
        }
    };
    match result {
        Ok(summary) => {
            eprintln!(
                "thidua: {} records ({} reports), {} failed",
                summary.records,
                summary.reports,
                summary.failures.len()
            );
            if summary.failures.is_empty() {
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
