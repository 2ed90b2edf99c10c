//! `thidua extract`: the batch run, its output and summary line, and the fetcher the
//! options ask for.

use super::output::{open_output, plan_output};
use super::progress::{Plan, Progress};
use crate::{EXIT_OUTPUT, FetchArgs, Format, ShardArgs, say_error};
use std::path::PathBuf;
use std::process::ExitCode;
use thidua::sink::Target;
use thidua::{Pipeline, ToneStyle, source};

impl FetchArgs {
    /// The fetcher the options ask for, if any input needs one.
    fn fetcher(
        &self,
        inputs: &[String],
        listed: bool,
        limits: thidua::Limits,
    ) -> thidua::Result<Option<source::Fetcher>> {
        // A list of inputs (--inputs-from) may name URLs too.
        let urls = listed || self.urls.is_some() || inputs.iter().any(|a| source::is_url(a));
        if !urls {
            if self.archive.is_some() && !self.offline {
                say!(
                    "thidua: --archive: no URL among the inputs, nothing to archive (the \
                     archive is written when pages are fetched)"
                );
            }
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
            user_agent: match (&self.user_agent, &self.contact) {
                (Some(agent), _) => agent.clone(),
                (None, contact) => source::fetch::user_agent_with(contact.as_deref()),
            },
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

/// How `thidua extract` runs: worker threads, progress bar.
pub(crate) struct Run {
    pub(crate) jobs: Option<usize>,
    pub(crate) progress: bool,
    /// Keep what the output holds and skip those inputs.
    pub(crate) resume: bool,
    /// Write the records of reports only.
    pub(crate) reports_only: bool,
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn extract(
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
    let limits = thidua::Limits {
        max_bytes: fetch.max_bytes,
    };
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
    // The total for the bar: the inputs counted once more (not from standard input, which
    // can be read only once).
    let from_stdin = inputs.iter().any(|a| a == "-")
        || [listed, fetch.urls.as_deref()]
            .iter()
            .any(|p| p.is_some_and(|p| p == std::path::Path::new("-")));
    let plan = (run.progress && !from_stdin)
        .then(|| source::shard::inputs(&inputs, listed, fetch.urls.as_deref(), shard.shard))
        .and_then(Result::ok)
        .map(Plan::of);
    let mut progress = Progress::new(run.progress, plan);
    // What was done before an output error, for the summary line.
    let (mut records, mut reports, mut failed) = (0usize, 0usize, 0usize);
    // Records of documents that are not reports, not written (--reports-only).
    let mut left_out = 0usize;
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
            progress.borrow_mut().note(&r.doc.input);
            if run.reports_only && !r.is_report {
                left_out += 1;
                return Ok(());
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
            let left_out = if run.reports_only {
                format!("; {left_out} not reports left out (--reports-only)")
            } else {
                String::new()
            };
            say!("thidua: {}{left_out}", summary.line());
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
            let (records, reports) = (
                format!("{records} record{}", if records == 1 { "" } else { "s" }),
                format!("{reports} report{}", if reports == 1 { "" } else { "s" }),
            );
            say!(
                "thidua: output not written: {records} ({reports}), {failed} failed before \
                 the error{kept}"
            );
            ExitCode::from(EXIT_OUTPUT)
        }
    }
}
