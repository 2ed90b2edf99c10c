//! Per-stage benchmarks on a short and a long article, as text and as a generated portal
//! page: `cargo bench --bench stages` (one group: `cargo bench --bench stages -- extract`).
//!
//! - `parse`: bare HTML parsing with scraper/html5ever (the floor for any HTML pipeline);
//! - `html`: thidua's HTML reader (charset, main content, metadata);
//! - `normalize`: Vietnamese normalization of the article text;
//! - `read`: HTML reader + normalization + page leftovers (`Pipeline::read`);
//! - `extract`: the rules on an already read document (`Pipeline::extract`);
//! - `pipeline`: raw bytes to record (`Pipeline::process`), text and HTML.
//!
//! The whole run over many pages, with process start and file reading, is measured by
//! `thidua bench DIR` and `bench/pipeline.sh`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use thidua::pagegen::{Article, Generator};
use thidua::{ContentKind, Pipeline, RawDocument};

const SHORT: (&str, &str) = ("short", include_str!("../corpus/c022.txt"));
const LONG: (&str, &str) = ("long", include_str!("../corpus/s004.txt"));

fn raw(id: &str, bytes: &[u8], kind: ContentKind) -> RawDocument {
    RawDocument {
        id: id.to_string(),
        input: id.to_string(),
        url: None,
        bytes: bytes.to_vec(),
        kind,
        charset_hint: None,
    }
}

fn page(id: &str, text: &str) -> String {
    let articles = [Article::from_text(id, text)];
    Generator::new(&articles, 1).next().expect("one page").html
}

fn stages(c: &mut Criterion) {
    let pipeline = Pipeline::builder().build().expect("embedded patterns load");
    let normalizer = pipeline.normalizer().clone();
    for (size, text) in [SHORT, LONG] {
        let html = page(size, text);
        let text_raw = raw(size, text.as_bytes(), ContentKind::Text);
        let html_raw = raw(size, html.as_bytes(), ContentKind::Html);
        let doc = pipeline.read(&text_raw).expect("text reads");

        let mut g = c.benchmark_group(format!("text/{size}"));
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function("normalize", |b| {
            b.iter(|| normalizer.normalize(black_box(text)))
        });
        g.bench_function("read", |b| b.iter(|| pipeline.read(black_box(&text_raw))));
        g.bench_function("extract", |b| b.iter(|| pipeline.extract(black_box(&doc))));
        g.bench_function("pipeline", |b| {
            b.iter(|| pipeline.process(black_box(&text_raw)))
        });
        g.finish();

        let mut g = c.benchmark_group(format!("html/{size}"));
        g.throughput(Throughput::Bytes(html.len() as u64));
        g.bench_function("parse", |b| {
            b.iter(|| scraper::Html::parse_document(black_box(&html)))
        });
        g.bench_function("html", |b| {
            b.iter(|| thidua::html::read(black_box(&html_raw)))
        });
        g.bench_function("read", |b| b.iter(|| pipeline.read(black_box(&html_raw))));
        g.bench_function("pipeline", |b| {
            b.iter(|| pipeline.process(black_box(&html_raw)))
        });
        g.finish();
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);
