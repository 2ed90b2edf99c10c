//! `thidua bench`: each stage timed in memory, and the costliest rules.

use std::path::PathBuf;
use std::process::ExitCode;
use thidua::{Pipeline, source};

pub(crate) fn bench(
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
pub(crate) fn rule_costs(
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
