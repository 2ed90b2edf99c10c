//! `thidua explain`: the rule hits, winning values and record of what a record's
//! `doc.input` names.

use crate::{EXIT_OUTPUT, say_error};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use thidua::{Pipeline, source};

/// The documents `explain` reads from its input: a file, stdin, a WARC file (each of its
/// documents), one WARC record by its locator (`archive.warc.gz#offset`, as records carry it
/// in `doc.input`), or a URL answered from `--archive` (never fetched).
pub(crate) fn explain_documents(
    input: &str,
    archive: Option<&std::path::Path>,
    limits: &thidua::Limits,
) -> thidua::Result<Vec<thidua::Result<thidua::RawDocument>>> {
    use thidua::Error;
    if source::is_url(input) {
        let Some(archive) = archive else {
            return Err(Error::Usage(format!(
                "{input}: explain does not fetch; give the archive the page was fetched into \
                 (--archive FILE --offline)"
            )));
        };
        let config = source::FetchConfig {
            max_bytes: limits.max_bytes,
            ..Default::default()
        };
        let fetcher = source::Fetcher::offline(config, archive)?;
        return Ok(vec![fetcher.fetch(input).result]);
    }
    if input == "-" {
        return Ok(vec![source::read(&source::InputSpec::Stdin, limits)]);
    }
    let path = std::path::Path::new(input);
    if !path.exists()
        && let Some((file, at)) = input.rsplit_once('#')
        && let Some(offset) = warc_offset(at)
    {
        // A record's locator: `FILE#OFFSET`, or `FILE#OFFSET+WITHIN` for a record after the
        // first in one gzip member; read from the member's start up to that record.
        let reader = source::WarcReader::open_at(
            std::path::Path::new(file),
            offset,
            source::warc::Bodies::Documents,
            limits.max_bytes,
        )?;
        let wanted = |raw: &thidua::Result<thidua::RawDocument>| match raw {
            Ok(raw) => raw.input == input,
            Err(_) => true,
        };
        return match reader.documents().find(wanted) {
            Some(found) => Ok(vec![found]),
            None => Err(Error::input(input, "no document record at this offset")),
        };
    }
    if path.is_file() && (source::warc::is_warc_name(path) || source::warc::sniff(path)) {
        let reader =
            source::WarcReader::open(path, source::warc::Bodies::Documents, limits.max_bytes)?;
        let docs: Vec<_> = reader.documents().collect();
        if docs.is_empty() {
            return Err(Error::input(input, "a WARC file without document records"));
        }
        return Ok(docs);
    }
    Ok(vec![source::read(
        &source::InputSpec::File(path.to_path_buf()),
        limits,
    )])
}

/// The offset part of a WARC locator: `1234` or `1234+567`.
pub(crate) fn warc_offset(at: &str) -> Option<u64> {
    let member = at.split_once('+').map_or(at, |(member, within)| {
        if within.bytes().all(|b| b.is_ascii_digit()) && !within.is_empty() {
            member
        } else {
            ""
        }
    });
    if member.is_empty() || !member.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    member.parse().ok()
}

/// Checks `--field`: a prefix of some rule's field or id, or of a record field.
pub(crate) fn check_field(pipeline: &Pipeline, field: &str) -> thidua::Result<()> {
    let mut known: std::collections::BTreeSet<String> = pipeline
        .patterns()
        .rules()
        .iter()
        .flat_map(|r| [r.field.clone(), r.id.clone()])
        .collect();
    let record = serde_json::to_value(pipeline.extract_text("field-names", "")).unwrap_or_default();
    if let serde_json::Value::Object(map) = &record {
        for (key, value) in map {
            known.insert(key.clone());
            if let serde_json::Value::Object(inner) = value {
                known.extend(inner.keys().map(|k| format!("{key}.{k}")));
            }
        }
    }
    if known.iter().any(|k| k.starts_with(field)) {
        return Ok(());
    }
    let tops: std::collections::BTreeSet<&str> = pipeline
        .patterns()
        .rules()
        .iter()
        .map(|r| r.field.split(['.', '[']).next().unwrap_or(&r.field))
        .collect();
    Err(thidua::Error::Usage(format!(
        "--field {field:?}: no rule or record field starts with it (fields: {}; or a rule id \
         such as \"date.time_of_day\")",
        tops.into_iter().collect::<Vec<_>>().join(", ")
    )))
}

pub(crate) fn explain(
    input: &str,
    patterns: Option<PathBuf>,
    field: Option<&str>,
    archive: Option<&std::path::Path>,
) -> ExitCode {
    let mut builder = Pipeline::builder();
    if let Some(dir) = patterns {
        builder = builder.patterns_dir(dir);
    }
    let pipeline = match builder.build() {
        Ok(p) => p,
        Err(e) => {
            say_error(&e);
            return ExitCode::from(2);
        }
    };
    if let Some(field) = field
        && let Err(e) = check_field(&pipeline, field)
    {
        say_error(&e);
        return ExitCode::from(2);
    }
    let docs = match explain_documents(input, archive, pipeline.limits()) {
        Ok(docs) => docs,
        Err(e) => {
            say_error(&e);
            return ExitCode::from(if e.is_usage() { 2 } else { 1 });
        }
    };
    let mut failed = false;
    let mut out = String::new();
    for (i, raw) in docs.into_iter().enumerate() {
        let doc = match raw.and_then(|raw| pipeline.read(&raw)) {
            Ok(d) => d,
            Err(e) => {
                say_error(&e);
                failed = true;
                continue;
            }
        };
        if i > 0 {
            out.push('\n');
        }
        explain_one(&pipeline, &doc, field, &mut out);
    }
    if let Err(e) = std::io::stdout().write_all(out.as_bytes())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        say!("thidua: writing output: {e}");
        return ExitCode::from(EXIT_OUTPUT);
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The explanation of one read document: rule hits, winning values, record.
pub(crate) fn explain_one(
    pipeline: &Pipeline,
    doc: &thidua::Document,
    field: Option<&str>,
    out: &mut String,
) {
    out.push_str(&format!(
        "# {} ({} characters of normalized text)\n\n## Rule hits\n",
        doc.input,
        doc.text.chars().count()
    ));
    for e in pipeline.explain(doc) {
        if field.is_some_and(|f| !e.field.starts_with(f) && !e.rule.starts_with(f)) {
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
    let record = pipeline.extract(doc);
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
}
