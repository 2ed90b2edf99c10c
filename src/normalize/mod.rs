//! Normalize Vietnamese text: NFC, one tone-mark style, spaces, dashes and quotes; and a
//! folded matching key with an offset map back to the normalized text.
//!
//! Normalization is lossless in meaning (diacritics are kept); folding is lossy and used for
//! matching only.

mod fold;
mod tone;
mod unicode;

pub use fold::{Folded, fold_char, fold_str};

/// Where to put the tone mark in oa/oe/uy-type syllables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ToneStyle {
    /// hòa, thủy, khỏe (the most common style in news).
    #[default]
    Traditional,
    /// hoà, thuỷ, khoẻ.
    Modern,
}

/// Normalized text and what was repaired on the way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalized {
    pub text: String,
    pub warnings: Vec<String>,
}

/// Normalizes text: build once, use for every document.
#[derive(Debug, Clone, Default)]
pub struct Normalizer {
    style: ToneStyle,
}

impl Normalizer {
    /// A normalizer writing the given tone style.
    pub fn new(style: ToneStyle) -> Normalizer {
        Normalizer { style }
    }

    /// The tone style this normalizer writes.
    pub fn style(&self) -> ToneStyle {
        self.style
    }

    /// Normalizes a whole document, keeping its line structure (same number of lines).
    pub fn normalize(&self, text: &str) -> Normalized {
        Normalized {
            text: tone::apply(&unicode::clean(text), self.style),
            warnings: Vec::new(),
        }
    }

    /// Normalizes a short string (a pattern literal, a gazetteer entry) the same way as text.
    pub fn normalize_str(&self, s: &str) -> String {
        tone::apply(&unicode::clean(s), self.style)
    }
}

/// Rewrites tone marks in the modern style (the style of units' canonical forms).
pub fn to_modern_style(s: &str) -> String {
    tone::apply(s, ToneStyle::Modern)
}
