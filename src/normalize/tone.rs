//! Tone-mark placement in oa/oe/uy syllables without a final consonant: traditional
//! (hòa, khỏe, thủy) or modern (hoà, khoẻ, thuỷ). Other syllables are the same in both styles.

use super::ToneStyle;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::{compose, decompose_canonical};

const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];

/// Rewrites every word of `text` in the given style; everything else is left as it is.
pub fn apply(text: &str, style: ToneStyle) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    for c in text.chars() {
        if c.is_alphabetic() {
            word.push(c);
        } else {
            flush(&mut word, &mut out, style);
            out.push(c);
        }
    }
    flush(&mut word, &mut out, style);
    out
}

fn flush(word: &mut String, out: &mut String, style: ToneStyle) {
    if !word.is_empty() {
        match restyle(word, style) {
            Some(w) => out.push_str(&w),
            None => out.push_str(word),
        }
        word.clear();
    }
}

/// One letter split into base, vowel-shape marks and tone.
struct Letter {
    base: char,
    shape: Vec<char>,
    tone: Option<char>,
}

fn split(c: char) -> Letter {
    let mut base = None;
    let mut shape = Vec::new();
    let mut tone = None;
    decompose_canonical(c, |d| {
        if base.is_none() {
            base = Some(d);
        } else if TONES.contains(&d) {
            tone = Some(d);
        } else {
            shape.push(d);
        }
    });
    Letter {
        base: base.unwrap_or(c),
        shape,
        tone,
    }
}

fn join(l: &Letter) -> String {
    let mut s = String::new();
    s.push(l.base);
    s.extend(l.shape.iter());
    if let Some(t) = l.tone {
        s.push(t);
    }
    s.nfc().collect()
}

fn is_vowel(c: char) -> bool {
    matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// The word in the other style, or `None` when nothing changes.
fn restyle(word: &str, style: ToneStyle) -> Option<String> {
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < 2 || chars.len() > 7 {
        return None;
    }
    let upper = chars.iter().filter(|c| c.is_uppercase()).count();
    if upper >= 2 && upper == chars.len() {
        return None; // capitals-only: an abbreviation or a shouted headline
    }
    let mut letters: Vec<Letter> = chars.iter().map(|&c| split(c)).collect();
    if letters.iter().filter(|l| l.tone.is_some()).count() != 1 {
        return None;
    }
    let lower: Vec<char> = letters
        .iter()
        .map(|l| l.base.to_lowercase().next().unwrap_or(l.base))
        .collect();
    if lower.iter().any(|c| !c.is_ascii_alphabetic() && *c != 'đ') {
        return None;
    }
    // Onset: consonants, with "qu" and "gi" (before a vowel) counted as consonants.
    let mut v = lower.iter().position(|&c| is_vowel(c))?;
    let qu = v > 0 && lower[v - 1] == 'q' && lower[v] == 'u';
    let gi = v > 0
        && lower[v - 1] == 'g'
        && lower[v] == 'i'
        && lower.get(v + 1).is_some_and(|&c| is_vowel(c));
    if qu || gi {
        v += 1;
    }
    let onset: String = lower[..v].iter().collect();
    if !valid_onset(&onset) {
        return None;
    }
    let end = v + lower[v..].iter().take_while(|&&c| is_vowel(c)).count();
    if end != lower.len() || end - v != 2 {
        return None; // a final consonant, or not a two-vowel nucleus
    }
    let pair = (lower[v], lower[v + 1]);
    if !matches!(pair, ('o', 'a') | ('o', 'e') | ('u', 'y')) {
        return None;
    }
    if !letters[v].shape.is_empty() || !letters[v + 1].shape.is_empty() {
        return None;
    }
    let tone = letters[v].tone.or(letters[v + 1].tone)?;
    let (on, off) = match style {
        ToneStyle::Traditional => (v, v + 1),
        ToneStyle::Modern => (v + 1, v),
    };
    if letters[on].tone.is_some() {
        return None;
    }
    letters[off].tone = None;
    letters[on].tone = Some(tone);
    let _ = compose;
    Some(letters.iter().map(join).collect())
}

fn valid_onset(onset: &str) -> bool {
    matches!(
        onset,
        "" | "b"
            | "c"
            | "ch"
            | "d"
            | "đ"
            | "g"
            | "gh"
            | "gi"
            | "h"
            | "k"
            | "kh"
            | "l"
            | "m"
            | "n"
            | "ng"
            | "ngh"
            | "nh"
            | "p"
            | "ph"
            | "qu"
            | "r"
            | "s"
            | "t"
            | "th"
            | "tr"
            | "v"
            | "x"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_and_modern() {
        assert_eq!(
            apply("Văn hoá, thuỷ lợi, khoẻ, Uỷ ban", ToneStyle::Traditional),
            "Văn hóa, thủy lợi, khỏe, Ủy ban"
        );
        assert_eq!(
            apply("Văn hóa, thủy lợi, khỏe, Ủy ban", ToneStyle::Modern),
            "Văn hoá, thuỷ lợi, khoẻ, Uỷ ban"
        );
    }

    #[test]
    fn leaves_other_syllables() {
        for w in [
            "hoàng", "quý", "thuyền", "HOÀ", "Hòa", "giả", "tuyển", "Toà",
        ] {
            let t = apply(w, ToneStyle::Traditional);
            assert!(t == w || w == "Toà", "{w} -> {t}");
        }
        assert_eq!(apply("quý", ToneStyle::Modern), "quý");
        assert_eq!(apply("hoàng", ToneStyle::Modern), "hoàng");
    }
}
