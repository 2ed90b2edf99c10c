//! Vietnamese normalization on arbitrary input: bytes as the CLI reads them, and the text in
//! every mode. It must not panic, must keep the number of lines, must be idempotent in the
//! automatic and Unicode modes, and its folded key must map back onto character boundaries.

#![no_main]

use libfuzzer_sys::fuzz_target;
use thidua::ToneStyle;
use thidua::normalize::{Folded, LegacyFrom, Normalizer};

fuzz_target!(|data: &[u8]| {
    let traditional = Normalizer::new(ToneStyle::Traditional);
    let from_bytes = traditional.normalize_bytes(data);
    check_folded(&from_bytes.text);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lines = text.split('\n').count();
    for n in [
        traditional.clone(),
        Normalizer::new(ToneStyle::Modern),
        traditional.clone().with_legacy(LegacyFrom::Unicode),
    ] {
        let once = n.normalize(text);
        assert_eq!(once.text.split('\n').count(), lines, "line count");
        let twice = n.normalize(&once.text);
        assert_eq!(twice.text, once.text, "not idempotent");
        check_folded(&once.text);
        let _ = n.normalize_str(text);
    }
    for from in [
        LegacyFrom::Tcvn3,
        LegacyFrom::Vni,
        LegacyFrom::Viqr,
        LegacyFrom::Cp1258,
    ] {
        let out = traditional.clone().with_legacy(from).normalize(text);
        assert_eq!(out.text.split('\n').count(), lines, "line count ({from:?})");
    }
});

fn check_folded(text: &str) {
    let folded = Folded::new(text);
    assert_eq!(folded.text.chars().count(), text.chars().count());
    let mut last = 0;
    for (i, _) in folded.text.char_indices() {
        let o = folded.to_original(i);
        assert!(o >= last && text.is_char_boundary(o));
        last = o;
    }
    assert_eq!(folded.to_original(folded.text.len()), text.len());
}
