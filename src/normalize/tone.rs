//! Tone marks: one placement style for oa/oe/uy syllables without a final consonant —
//! traditional (hòa, khỏe, thủy) or modern (hoà, khoẻ, thuỷ) — and repair of tone marks typed
//! on the wrong vowel ("baì" → "bài") or twice ("dạị" → "dại"), of "ươ" missing a horn
//! ("đuợc" → "được") and of "ngh"/"gh" before a back vowel ("nghành" → "ngành").
//!
//! Only words that parse as one Vietnamese syllable and contain a non-ASCII letter are
//! touched; other words (foreign words, ethnic-minority names such as "Đắk", ASCII text) pass
//! through unchanged. Capitals-only words are repaired but never restyled ("HOÀ" stays).

use super::ToneStyle;
use super::codepages;
use super::syllable::{self, Letter, MAX_LETTERS, Tone};
use unicode_normalization::char::is_combining_mark;

/// Rewrites every Vietnamese word of `text` in the given style, repairing misplaced and
/// doubled tone marks; everything else is left as it is.
pub fn apply(text: &str, style: ToneStyle) -> String {
    // The word cache is borrowed once for the whole text, not once a word.
    WORDS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let words = &mut cache[usize::from(style == ToneStyle::Modern)];
        apply_with(text, style, words)
    })
}

fn apply_with(text: &str, style: ToneStyle, words: &mut WordCache) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut word_start = None;
    let mut non_ascii = false;
    let mut letters = 0;
    let mut before = None;
    let mut i = 0;
    // Characters are read one at a time, ASCII ones straight from the bytes, and a space
    // past the end closes the last word (`char_indices` chained to that space cost more).
    loop {
        let (c, len) = match bytes.get(i) {
            None => (' ', 0),
            Some(&b) if b.is_ascii() => (char::from(b), 1),
            Some(_) => {
                let c = text[i..].chars().next().expect("at a character boundary");
                (c, c.len_utf8())
            }
        };
        if len > 0 && syllable::is_letter(c) {
            if word_start.is_none() {
                word_start = Some(i);
                non_ascii = false;
                letters = 0;
            }
            non_ascii |= !c.is_ascii();
            letters += 1;
            i += len;
            continue;
        }
        if let Some(start) = word_start.take()
            && non_ascii
            && letters <= MAX_LETTERS
            && clean_edge(before)
            && clean_edge(Some(c))
            && let Some(fixed) = fix_word_in(words, &text[start..i], style)
        {
            out.push_str(&text[copied..start]);
            out.push_str(fixed);
            copied = i;
        }
        if len == 0 {
            break;
        }
        before = Some(c);
        i += len;
    }
    out.push_str(&text[copied..]);
    out
}

/// Words already looked at on this thread, by style: Vietnamese text repeats a few thousand
/// syllables, so most words are looked up instead of parsed again.
type WordCache = hashbrown::HashMap<String, Option<Box<str>>, rustc_hash::FxBuildHasher>;

thread_local! {
    static WORDS: std::cell::RefCell<[WordCache; 2]> = Default::default();
}

/// Entries kept per style before the cache starts over (a few MB at most).
const WORD_CACHE_MAX: usize = 1 << 16;

/// [`fix_word`], remembered per thread.
#[cfg(test)]
fn fix_word_cached(word: &str, style: ToneStyle) -> Option<std::rc::Rc<str>> {
    WORDS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let words = &mut cache[usize::from(style == ToneStyle::Modern)];
        fix_word_in(words, word, style).map(Into::into)
    })
}

/// [`fix_word`], remembered in `words` (the cache of `style`).
fn fix_word_in<'c>(words: &'c mut WordCache, word: &str, style: ToneStyle) -> Option<&'c str> {
    if words.len() >= WORD_CACHE_MAX && !words.contains_key(word) {
        words.clear();
    }
    // One lookup for a word seen before.
    words
        .entry_ref(word)
        .or_insert_with(|| fix_word(word, style).map(Into::into))
        .as_deref()
}

/// Whether a word next to this character may be rewritten. Not next to a combining mark
/// (moving a tone would let the mark compose with another letter: unstable output), nor
/// next to a symbol a legacy encoding uses for a letter ("Ð¸" may be TCVN3 text, and legacy
/// detection must see the same words before and after tone repair).
fn clean_edge(c: Option<char>) -> bool {
    c.is_none_or(|c| c.is_ascii() || !(is_combining_mark(c) || codepages::is_mapped(c)))
}

/// The word rewritten, or `None` when it stays as it is.
pub fn fix_word(word: &str, style: ToneStyle) -> Option<String> {
    // A lone eth is đ too (the currency sign written "500.000 ð", "Ð/c").
    match word {
        "ð" => return Some("đ".to_string()),
        "Ð" => return Some("Đ".to_string()),
        _ => {}
    }
    let mut buf = [Letter::default(); MAX_LETTERS];
    let n = syllable::letters_of(word, &mut buf)?;
    let letters = &mut buf[..n];
    // Fast path: most words need nothing — one vowel and at most one tone, or the tone on
    // the last vowel with a shape mark ("người", "tiếng"), where every style puts it.
    let (mut vowels, mut tones, mut eth, mut horn, mut plain_u) = (0, 0, false, false, false);
    let (mut last_shaped, mut toned_at) = (None, None);
    for (i, l) in letters.iter().enumerate() {
        vowels += usize::from(l.is_vowel());
        if l.tone != Tone::None {
            tones += 1;
            toned_at = Some(i);
        }
        if l.is_vowel() && l.shape != syllable::Shape::None {
            last_shaped = Some(i);
        }
        eth |= l.eth;
        horn |= l.shape == syllable::Shape::Horn;
        plain_u |= l.base == b'u' && l.shape == syllable::Shape::None;
    }
    let base = |i: usize| letters.get(i).map(|l| l.base);
    let gh = (base(0), base(1)) == (Some(b'g'), Some(b'h'))
        || (base(0), base(1), base(2)) == (Some(b'n'), Some(b'g'), Some(b'h'));
    let half_horn = horn
        && (plain_u
            || letters
                .iter()
                .any(|l| l.base == b'o' && l.shape == syllable::Shape::None));
    if !eth
        && !gh
        && (tones == 0 && !horn
            || vowels == 1 && tones == 1
            || tones == 1 && toned_at == last_shaped && !half_horn)
    {
        return None;
    }
    let syl = syllable::parse(letters)?;
    let typo = syl.drop_h.is_some() || syl.horn_pair.is_some();

    let mut toned = letters
        .iter()
        .enumerate()
        .filter(|(_, l)| l.tone != Tone::None);
    let first = toned.next();
    let doubled = toned.next().is_some();
    let target = syllable::tone_position(letters, &syl, style == ToneStyle::Modern);
    let tone = match first {
        None => None,
        Some((at, l)) if !doubled => {
            let all_caps = n >= 2 && letters.iter().all(|l| l.upper);
            let placed =
                at == target || (all_caps && syllable::is_style_position(letters, &syl, at));
            if placed && !typo && !eth {
                return None;
            }
            Some(l.tone)
        }
        // Doubled: keep the tone written on the right vowel, else the last one typed.
        Some(_) => Some(if letters[target].tone != Tone::None {
            letters[target].tone
        } else {
            letters.iter().rev().find(|l| l.tone != Tone::None)?.tone
        }),
    };
    if tone.is_none() && !typo && !eth {
        return None;
    }
    if let Some(j) = syl.horn_pair {
        letters[j].shape = syllable::Shape::Horn;
        letters[j + 1].shape = syllable::Shape::Horn;
    }
    if let Some(tone) = tone {
        for l in letters.iter_mut() {
            l.tone = Tone::None;
        }
        letters[target].tone = tone;
    }
    let mut out = String::with_capacity(word.len() + 2);
    for (i, l) in letters.iter().enumerate() {
        if syl.drop_h != Some(i) {
            out.push(l.to_char());
        }
    }
    (out != word).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_words_answer_as_parsed_ones_per_style() {
        let words = [
            "hoà", "hòa", "thuỷ", "baì", "đuợc", "nghành", "người", "HOÀ", "ð",
        ];
        for _ in 0..2 {
            for style in [ToneStyle::Traditional, ToneStyle::Modern] {
                for w in words {
                    assert_eq!(
                        fix_word_cached(w, style).as_deref(),
                        fix_word(w, style).as_deref(),
                        "{w} {style:?}"
                    );
                }
            }
        }
        // The same text gives the same result in both styles, one after the other.
        for _ in 0..2 {
            assert_eq!(apply("hoà thuỷ", ToneStyle::Traditional), "hòa thủy");
            assert_eq!(apply("hòa thủy", ToneStyle::Modern), "hoà thuỷ");
        }
    }

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
        assert_eq!(apply("HÒA", ToneStyle::Modern), "HÒA");
    }

    #[test]
    fn repairs_misplaced_and_doubled_marks() {
        let t = |s: &str| apply(s, ToneStyle::Traditional);
        assert_eq!(t("baì đaị"), "bài đại");
        assert_eq!(t("dạị gíá thíết ngườì"), "dại giá thiết người");
        assert_eq!(t("BAÌ ĐAỊ"), "BÀI ĐẠI");
        assert_eq!(
            t("Ðảm baỏ chất lựơng phòng thí nghịêm hoá học"),
            "Đảm bảo chất lượng phòng thí nghiệm hóa học"
        );
        assert_eq!(t("đuợc nghành bưóc"), "được ngành bước");
        assert_eq!(apply("ngụỵ", ToneStyle::Modern), "nguỵ");
        assert_eq!(t("500.000 ð, Ð/c Ðà"), "500.000 đ, Đ/c Đà");
        assert_eq!(t("Aì\u{300}"), "Aì\u{300}");
        assert_eq!(t("nghoèo thửơ"), "nghoèo thưở");
    }

    #[test]
    fn leaves_foreign_words() {
        for s in [
            "più",
            "où",
            "café",
            "Müller",
            "Đắk Lắk",
            "M'Drắk",
            "UBND",
            "naïve",
            "José",
            "São",
            "Međa",
            "Iceland: Ísland, með",
        ] {
            assert_eq!(apply(s, ToneStyle::Modern), s);
            assert_eq!(apply(s, ToneStyle::Traditional), s);
        }
    }
}
