//! Normalize Vietnamese text: legacy encodings (TCVN3, VNI, Windows-1258, VIQR) to Unicode,
//! NFC, spaces, dashes and quotes, one tone-mark style with misplaced and doubled marks
//! repaired; and a folded matching key with an offset map back to the normalized text.
//!
//! Normalization is lossless in meaning (diacritics are kept); folding is lossy and used for
//! matching only.
//!
//! ```
//! use thidua::normalize::{LegacyFrom, Normalizer};
//! use thidua::ToneStyle;
//!
//! let n = Normalizer::new(ToneStyle::Traditional);
//! assert_eq!(n.normalize_str("Sở Văn hoá,\u{a0}Thể thao – Du lịch"), "Sở Văn hóa, Thể thao - Du lịch");
//! assert_eq!(n.normalize_str("baì đaị gíá"), "bài đại giá");
//!
//! // TCVN3 text read as Windows-1252 is detected and converted.
//! let out = n.normalize("Xin chµo c¸c b¹n\nT«i ®i häc");
//! assert_eq!(out.text, "Xin chào các bạn\nTôi đi học");
//! assert!(out.warnings[0].contains("TCVN3"));
//!
//! let modern = Normalizer::new(ToneStyle::Modern).with_legacy(LegacyFrom::Unicode);
//! assert_eq!(modern.normalize("Ủy ban, thủy lợi").text, "Uỷ ban, thuỷ lợi");
//! ```

pub mod chars;
mod codepages;
mod fold;
mod legacy;
mod reflow;
mod syllable;
mod tone;
mod unicode;
mod viqr;

pub use reflow::join_broken_lines;

pub use fold::{Folded, fold_char, fold_str, strip_marks};
pub use legacy::LegacyFrom;

/// Where to put the tone mark in oa/oe/uy-type syllables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ToneStyle {
    /// hòa, thủy, khỏe (the most common style in news).
    #[default]
    Traditional,
    /// hoà, thuỷ, khoẻ.
    Modern,
}

impl std::str::FromStr for ToneStyle {
    type Err = String;

    fn from_str(s: &str) -> Result<ToneStyle, String> {
        match s.to_ascii_lowercase().as_str() {
            "traditional" | "old" => Ok(ToneStyle::Traditional),
            "modern" | "new" => Ok(ToneStyle::Modern),
            _ => Err(format!(
                "unknown tone style {s:?} (expected traditional or modern)"
            )),
        }
    }
}

/// Normalized text and what was repaired on the way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalized {
    /// The normalized text: as many lines as the input, NFC, one tone style.
    pub text: String,
    /// What was converted (a detected legacy encoding, a non-UTF-8 input).
    pub warnings: Vec<String>,
    /// The legacy encodings detected and converted, in order (empty for Unicode text). The
    /// page's title or byline can be read with `Normalizer::with_legacy` and the same one.
    pub detected: Vec<LegacyFrom>,
}

/// Normalizes text: build once, use for every document.
#[derive(Debug, Clone, Default)]
pub struct Normalizer {
    style: ToneStyle,
    legacy: LegacyFrom,
}

impl Normalizer {
    /// A normalizer writing the given tone style (legacy encodings detected automatically).
    pub fn new(style: ToneStyle) -> Normalizer {
        Normalizer {
            style,
            legacy: LegacyFrom::Auto,
        }
    }

    /// The same normalizer reading text in the given encoding: `Auto` (the default) detects
    /// legacy text per document, `Unicode` never converts, the others always convert.
    pub fn with_legacy(mut self, from: LegacyFrom) -> Normalizer {
        self.legacy = from;
        self
    }

    /// The tone style this normalizer writes.
    pub fn style(&self) -> ToneStyle {
        self.style
    }

    /// The encoding this normalizer reads.
    pub fn legacy(&self) -> LegacyFrom {
        self.legacy
    }

    /// Normalizes a whole document, keeping its line structure (same number of lines).
    /// Deterministic and, with `Auto` or `Unicode`, idempotent.
    pub fn normalize(&self, text: &str) -> Normalized {
        let clean = match self.legacy {
            LegacyFrom::Unicode => unicode::clean(text),
            LegacyFrom::Auto => return self.normalize_auto(text),
            enc => {
                let full = unicode::clean_with(text, true);
                match legacy::convert(&full, enc, false) {
                    Some(conv) => unicode::clean(&conv.text),
                    None => unicode::clean(&full),
                }
            }
        };
        Normalized {
            text: tone::apply(&clean, self.style),
            warnings: Vec::new(),
            detected: Vec::new(),
        }
    }

    /// [`Normalizer::normalize`] with legacy-encoding detection. Detection looks at the
    /// text with the characters that cleaning folds away (TCVN3's ư is a soft hyphen, its ô
    /// a «), then as cleaned; a page can mix encodings, so conversion repeats until detection
    /// finds nothing more. Detection judges words in their tone-repaired form, so the result
    /// (what detection ended on, repaired) gives nothing to detect again: idempotence. Where
    /// repair changes which lines detection looks at, it looks again at the repaired text.
    fn normalize_auto(&self, text: &str) -> Normalized {
        let mut warnings = Vec::new();
        let mut detected = Vec::new();
        let mut full = unicode::clean_with(text, true);
        let mut output = None;
        for _ in 0..8 {
            let folded = unicode::fold_kept(&full);
            let conv = legacy::detect(&full)
                .and_then(|enc| legacy::convert(&full, enc, true))
                .or_else(|| {
                    let f = folded.as_deref()?;
                    legacy::detect(f).and_then(|enc| legacy::convert(f, enc, true))
                });
            let Some(conv) = conv else {
                // `full` came out of `clean_with(…, true)`; when it kept nothing for
                // detection it is already what `clean` makes of it (cleaning is idempotent).
                let cleaned = match folded {
                    None => None,
                    Some(f) => {
                        full = f;
                        Some(unicode::clean(&full))
                    }
                };
                // Tone repair may take a line away from detection or give it one ("Tôì" →
                // "Tồi"): then detection looks again at the repaired text, so that the
                // output has nothing left to detect.
                let repaired = tone::apply(cleaned.as_deref().unwrap_or(&full), self.style);
                if legacy::candidates_differ(&full, &repaired) {
                    full = unicode::clean_with(&repaired, true);
                    continue;
                }
                output = Some(repaired);
                break;
            };
            warnings.push(format!(
                "legacy encoding {} detected and converted to Unicode ({} of {} lines)",
                conv.encoding,
                conv.lines,
                full.lines().count()
            ));
            detected.push(conv.encoding);
            full = unicode::clean_with(&conv.text, true);
        }
        Normalized {
            text: output.unwrap_or_else(|| tone::apply(&unicode::clean(&full), self.style)),
            warnings,
            detected,
        }
    }

    /// Normalizes raw bytes: UTF-8 (a byte-order mark is dropped), or Windows-1252 when the
    /// bytes are not UTF-8 (how legacy 8-bit files read), then [`Normalizer::normalize`].
    pub fn normalize_bytes(&self, bytes: &[u8]) -> Normalized {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match std::str::from_utf8(bytes) {
            Ok(text) => self.normalize(text),
            Err(_) => {
                let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
                let mut out = self.normalize(&text);
                out.warnings
                    .insert(0, "input is not UTF-8: read as Windows-1252".to_string());
                out
            }
        }
    }

    /// Normalizes a short string (a pattern literal, a gazetteer entry) the same way as text,
    /// without legacy-encoding detection.
    pub fn normalize_str(&self, s: &str) -> String {
        tone::apply(&unicode::clean(s), self.style)
    }
}

/// Rewrites tone marks in the modern style.
pub fn to_modern_style(s: &str) -> String {
    tone::apply(s, ToneStyle::Modern)
}

/// Rewrites tone marks in `style` (a run's canonical names follow its `--style`).
pub fn to_style(s: &str, style: ToneStyle) -> String {
    tone::apply(s, style)
}

/// Whether a word is one well-formed Vietnamese syllable (known onset and rhyme, at most one
/// tone mark, only the sharp or heavy tone before p, t, c, ch). Case and tone-mark style do
/// not matter: "Hòa", "HOÀ" and "hoà" are syllables, "Đắk" and "café" are not.
pub fn is_vietnamese_syllable(word: &str) -> bool {
    syllable::is_valid(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_lines_and_is_idempotent() {
        let n = Normalizer::default();
        for text in [
            "a\r\nb\n\n c \n",
            "Xin chµo c¸c b¹n\n\nT«i ®i häc\n",
            "Văn hoá\u{a0}–\u{200b}“Thuỷ”\nUỷ ban\n",
            "To^i ddi ho.c. Xin cha`o ca'c ba.n!\nxx",
            // Tone repair turns a Windows-1252 line ("Tôì") into a Unicode one ("Tồi").
            "chaøo caùc\nTôi\u{300}\\.chµo Tiêìngchµo",
        ] {
            let once = n.normalize(text).text;
            assert_eq!(
                once.split('\n').count(),
                text.split('\n').count(),
                "{text:?}"
            );
            assert_eq!(n.normalize(&once).text, once, "{text:?}");
        }
    }

    #[test]
    fn soft_hyphen_dropped_when_not_tcvn3() {
        let n = Normalizer::default();
        let out = n.normalize("Khối thi\u{ad} đua");
        assert_eq!(out.text, "Khối thi đua");
        assert!(out.warnings.is_empty());
    }

    #[test]
    fn bytes_fall_back_to_windows_1252() {
        let n = Normalizer::default();
        let out = n.normalize_bytes(b"Xin ch\xB5o c\xB8c b\xB9n, T\xABi \xAEi h\xE4c");
        assert_eq!(out.text, "Xin chào các bạn, Tôi đi học");
        assert_eq!(out.warnings.len(), 2);
        assert_eq!(out.detected, [LegacyFrom::Tcvn3]);
        assert_eq!(n.normalize_bytes("\u{feff}Hoà".as_bytes()).text, "Hòa");
    }

    #[test]
    fn forced_unicode_never_converts() {
        let n = Normalizer::default().with_legacy(LegacyFrom::Unicode);
        assert_eq!(n.normalize("Xin chµo c¸c b¹n").text, "Xin chµo c¸c b¹n");
    }
}
