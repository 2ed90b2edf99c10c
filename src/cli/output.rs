//! Where `thidua extract` writes: `-o` resolved, the format decided, a file of another
//! format refused, and the sink opened (resuming: what the output already holds read back).

use crate::Format;
use thidua::ToneStyle;
use thidua::sink::{AtomicFile, CsvSink, JsonlSink, RecordSink, SqliteSink, Target};

/// Bytes of output buffered before a write (a few dozen records).
pub(crate) const OUTPUT_BUFFER: usize = 256 * 1024;

pub(crate) fn format_name(format: Format) -> &'static str {
    match format {
        Format::Jsonl => "jsonl",
        Format::Csv => "csv",
        Format::Sqlite => "sqlite",
    }
}

/// What `-o` (or stdout) will be written as.
pub(crate) struct OutputPlan {
    /// `None`: standard output.
    pub(crate) target: Option<Target>,
    pub(crate) format: Format,
    /// JSON Lines gzipped (`-o NAME.gz`).
    pub(crate) gzip: bool,
}

/// What an existing file holds, from its first bytes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Content {
    Empty,
    Sqlite,
    Gzip,
    Jsonl,
    Other,
}

impl Content {
    pub(crate) fn of(path: &std::path::Path) -> std::io::Result<Content> {
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
pub(crate) fn plan_output(
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
pub(crate) enum Sink {
    Stdout(JsonlSink<std::io::BufWriter<std::io::StdoutLock<'static>>>),
    /// Straight to a device or FIFO.
    Through(JsonlSink<std::io::BufWriter<std::fs::File>>),
    File(JsonlSink<AtomicFile>),
    Gzip(JsonlSink<flate2::write::GzEncoder<AtomicFile>>),
    Dataset(Box<dyn RecordSink>),
}

impl Sink {
    pub(crate) fn write(&mut self, r: &thidua::Record) -> std::io::Result<()> {
        match self {
            Sink::Stdout(s) => s.write(r),
            Sink::Through(s) => s.write(r),
            Sink::File(s) => s.write(r),
            Sink::Gzip(s) => s.write(r),
            Sink::Dataset(s) => s.write(r),
        }
    }

    /// Completes the output; says what was written for the dataset formats.
    pub(crate) fn finish(self) -> thidua::Result<Option<String>> {
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
pub(crate) fn open_output(
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
