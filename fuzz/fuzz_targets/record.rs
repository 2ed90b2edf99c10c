//! Full record extraction on arbitrary bytes, read as text and as HTML: it must not panic,
//! and every evidence entry must point inside the normalized text, inside the sentence it
//! quotes; the record must serialize.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use thidua::{ContentKind, Pipeline, RawDocument, Record};

static PIPELINE: LazyLock<Pipeline> = LazyLock::new(|| {
    Pipeline::builder()
        .include_text(true)
        .build()
        .expect("embedded patterns load")
});

fuzz_target!(|data: &[u8]| {
    for kind in [ContentKind::Text, ContentKind::Html] {
        let raw = RawDocument {
            id: "fuzz".into(),
            input: "fuzz".into(),
            url: None,
            bytes: data.to_vec(),
            kind,
            charset_hint: None,
        };
        if let Ok(record) = PIPELINE.process(&raw) {
            check(&record);
        }
    }
});

fn check(record: &Record) {
    let text = record.doc.text.as_deref().expect("include_text");
    let offsets: Vec<usize> = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .collect();
    for ev in &record.evidence {
        assert!(
            ev.start <= ev.end && ev.end < offsets.len(),
            "{}: {}..{} outside the text",
            ev.field,
            ev.start,
            ev.end
        );
        let (s, e) = (offsets[ev.start], offsets[ev.end]);
        assert!(
            text.match_indices(ev.text.as_str())
                .any(|(at, _)| at <= s && e <= at + ev.text.len()),
            "{}: {:?} not inside its sentence {:?}",
            ev.field,
            &text[s..e],
            ev.text
        );
        assert!(!ev.rule.is_empty());
    }
    serde_json::to_string(record).expect("record serializes");
}
