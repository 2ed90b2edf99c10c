//! HTML reading on arbitrary bytes: charset detection, the depth guard, html5ever, the main
//! text and the metadata. It must not panic, and the depth guard must keep the text.

#![no_main]

use libfuzzer_sys::fuzz_target;
use thidua::{ContentKind, RawDocument};

fuzz_target!(|data: &[u8]| {
    for kind in [ContentKind::Html, ContentKind::Unknown] {
        let raw = RawDocument {
            id: "fuzz".into(),
            input: "fuzz".into(),
            url: Some("https://baoquangtri.vn/fuzz.html".into()),
            bytes: data.to_vec(),
            kind,
            charset_hint: None,
        };
        let _ = thidua::html::read(&raw);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let page = thidua::html::Reader::embedded().read_html(text, None);
        assert!(page.title.as_deref().is_none_or(|t| !t.contains('\n')));
        let _ = thidua::html::depth::limit_nesting(text);
    }
});
