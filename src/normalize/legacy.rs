//! Legacy Vietnamese encodings: TCVN3 (ABC), VNI-Windows, Windows-1258 and VIQR.
//!
//! Old provincial portals served text in 8-bit font encodings that reach us decoded as
//! Windows-1252 ("Xin chµo" for TCVN3, "Xin chaøo" for VNI). Each such character is mapped
//! back to its byte and from the byte to Unicode; VIQR is plain ASCII with marks after the
//! vowels (see viqr.rs).
//!
//! Detection is conservative. Only lines made entirely of Windows-1252 characters are
//! candidates (a letter such as ạ or ư proves the line is already Unicode). A word counts for
//! an encoding when it is not a Vietnamese syllable as it stands but becomes one after
//! conversion (syllable.rs), and against it when it is one but would stop being one; an
//! encoding wins when the words for it are several, varied and at least half of the candidate
//! words, and outnumber those against it three to one. Then only the lines that show the
//! encoding by themselves are converted, word by word (a Unicode word in such a line stays).
//! VIQR is judged the same way on its ASCII words.

use super::ToneStyle;
use super::codepages::{
    CP1258_TABLE, TCVN3_TABLE, Table, VNI_TABLE, cp1252_byte, is_mapped, mapped,
};
use super::syllable;
use super::tone;
use super::viqr;
use std::borrow::Cow;
use std::collections::HashSet;
use unicode_normalization::UnicodeNormalization;

/// Which encoding the text is in (for `--from`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum LegacyFrom {
    /// Detect TCVN3, VNI, Windows-1258 or VIQR text per document and convert it.
    #[default]
    Auto,
    /// The text is Unicode: no detection, no conversion.
    Unicode,
    /// TCVN3 (ABC, TCVN 5712 VN3) read as Windows-1252.
    Tcvn3,
    /// VNI-Windows read as Windows-1252.
    Vni,
    /// VIQR (RFC 1456) in ASCII.
    Viqr,
    /// Windows-1258 read as Windows-1252.
    Cp1258,
}

impl LegacyFrom {
    /// The name used on the command line and in warnings.
    pub fn name(self) -> &'static str {
        match self {
            LegacyFrom::Auto => "auto",
            LegacyFrom::Unicode => "unicode",
            LegacyFrom::Tcvn3 => "TCVN3",
            LegacyFrom::Vni => "VNI",
            LegacyFrom::Viqr => "VIQR",
            LegacyFrom::Cp1258 => "Windows-1258",
        }
    }
}

impl std::fmt::Display for LegacyFrom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for LegacyFrom {
    type Err = String;

    fn from_str(s: &str) -> Result<LegacyFrom, String> {
        match s.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
            "auto" => Ok(LegacyFrom::Auto),
            "unicode" | "utf8" => Ok(LegacyFrom::Unicode),
            "tcvn3" | "tcvn" | "abc" => Ok(LegacyFrom::Tcvn3),
            "vni" | "vniwindows" => Ok(LegacyFrom::Vni),
            "viqr" => Ok(LegacyFrom::Viqr),
            "cp1258" | "windows1258" => Ok(LegacyFrom::Cp1258),
            _ => Err(format!(
                "unknown encoding {s:?} (expected auto, unicode, tcvn3, vni, viqr or cp1258)"
            )),
        }
    }
}

/// The byte encodings, in the order detection tries them.
const BYTE_ENCODINGS: [LegacyFrom; 3] = [LegacyFrom::Tcvn3, LegacyFrom::Vni, LegacyFrom::Cp1258];

fn table_of(enc: LegacyFrom) -> &'static Table {
    match enc {
        LegacyFrom::Vni => &VNI_TABLE,
        LegacyFrom::Cp1258 => &CP1258_TABLE,
        _ => &TCVN3_TABLE,
    }
}

/// Converts 8-bit text seen as Windows-1252 (NFC-composed).
fn convert_bytes(s: &str, enc: LegacyFrom) -> String {
    let t = table_of(enc);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match mapped(c, t) {
            Some(m) => out.push_str(m),
            None => out.push(c),
        }
    }
    out.nfc().collect()
}

/// Whether a line could be 8-bit text decoded as Windows-1252 (and is not pure ASCII).
fn is_cp1252_line(line: &str) -> (bool, bool) {
    let mut high = false;
    for c in line.chars() {
        // đ counts as ð: tone repair writes it for an eth and must not change which lines
        // are candidates or which words are counted.
        if !c.is_ascii() {
            if cp1252_byte(c).is_none() && !matches!(c, 'đ' | 'Đ') {
                return (false, false);
            }
            high = true;
        }
    }
    (true, high)
}

/// Whether a line of `a` and the same line of `b` (texts with the same lines, before and
/// after tone repair) differ in being candidates for detection. Repair can move a mark onto a
/// letter outside Windows-1252 ("Tôì" → "Tồi"), which takes the line, and the evidence it
/// held, away from detection (found by the property tests).
pub fn candidates_differ(a: &str, b: &str) -> bool {
    // Most often repair changed nothing.
    a != b
        && a.split('\n')
            .zip(b.split('\n'))
            .any(|(x, y)| x != y && is_cp1252_line(x) != is_cp1252_line(y))
}

/// A detected or requested conversion.
#[derive(Debug, Clone)]
pub struct Conversion {
    pub text: String,
    pub encoding: LegacyFrom,
    /// Lines changed.
    pub lines: usize,
}

/// Converts text in a legacy encoding. A requested encoding (`detected` false) converts every
/// line that could be in it; a detected one only the lines that show it. `None` when nothing
/// changes (and for `Auto`/`Unicode`). Line breaks are kept.
pub fn convert(text: &str, enc: LegacyFrom, detected: bool) -> Option<Conversion> {
    let mut changed = 0;
    let out = match enc {
        LegacyFrom::Auto | LegacyFrom::Unicode => return None,
        LegacyFrom::Viqr => {
            // A VIQR writer who escapes literal marks (`ba\.`) follows RFC 1456 throughout;
            // otherwise a final "vu." is read with the words the document spells clearly.
            let strict = !detected || escapes_marks(text);
            let mut known = HashSet::new();
            if !strict {
                for line in text.split('\n').filter(|l| is_cp1252_line(l).0) {
                    viqr::learn_words(line, &mut known);
                }
            }
            let reading = viqr::Reading {
                strict,
                known: Some(&known),
            };
            map_lines(text, |_, line| {
                if !is_cp1252_line(line).0 {
                    return Cow::Borrowed(line);
                }
                let mut out = String::with_capacity(line.len() + 8);
                viqr::convert_line(line, reading, Some(&mut out), &mut viqr::Stats::default());
                changed += usize::from(out != line);
                Cow::Owned(out)
            })
        }
        _ if !detected => map_lines(text, |_, line| {
            if !is_cp1252_line(line).0 {
                return Cow::Borrowed(line);
            }
            let converted = convert_line(line, enc);
            changed += usize::from(converted != line);
            converted
        }),
        _ => {
            let k = BYTE_ENCODINGS.iter().position(|&e| e == enc)?;
            let doc = score_doc(text, false)?;
            let pure = doc.unicode_lines == 0;
            let mut chosen = doc
                .lines
                .iter()
                .filter(|l| shows(l.bytes[k]) || (pure && l.bytes[k].loss == 0))
                .map(|l| l.index)
                .peekable();
            map_lines(text, |index, line| {
                if chosen.peek() != Some(&index) {
                    return Cow::Borrowed(line);
                }
                chosen.next();
                let converted = convert_words(line, enc);
                changed += usize::from(converted != line);
                converted
            })
        }
    };
    (changed > 0).then_some(Conversion {
        text: out,
        encoding: enc,
        lines: changed,
    })
}

/// Whether a vowel or a mark is followed by an escaped VIQR mark (`ba\.`, `vie^.t\.`).
fn escapes_marks(text: &str) -> bool {
    let mark = |b: &u8| b"'`?~.^(+*".contains(b);
    text.as_bytes()
        .windows(3)
        .any(|w| (b"aeiouyAEIOUY".contains(&w[0]) || mark(&w[0])) && w[1] == b'\\' && mark(&w[2]))
}

fn convert_line(line: &str, enc: LegacyFrom) -> Cow<'_, str> {
    if line.is_ascii() {
        Cow::Borrowed(line)
    } else {
        Cow::Owned(convert_bytes(line, enc))
    }
}

fn map_lines<'a>(text: &'a str, mut f: impl FnMut(usize, &'a str) -> Cow<'a, str>) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&f(i, line));
    }
    out
}

/// Evidence for one byte encoding.
#[derive(Debug, Clone, Copy, Default)]
struct Score {
    gain: u32,
    loss: u32,
}

/// Evidence in one candidate line.
struct LineScore {
    index: usize,
    bytes: [Score; 3],
}

#[derive(Default)]
struct DocScore {
    /// Words with a non-ASCII character in candidate lines.
    words: u32,
    bytes: [Score; 3],
    /// First two distinct gained words per encoding.
    distinct: [Vec<String>; 3],
    lines: Vec<LineScore>,
    /// Lines that are not candidates because they contain characters outside Windows-1252.
    unicode_lines: usize,
}

/// A word character for the byte encodings: a letter, or anything one of them maps.
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    syllable::is_letter(c) || is_mapped(c)
}

/// The words of a line (runs of word characters) with a non-ASCII character, as byte ranges.
fn legacy_words(line: &str) -> Vec<(usize, usize)> {
    let mut words = Vec::new();
    let mut start = None;
    let mut non_ascii = false;
    for (i, c) in line
        .char_indices()
        .chain(std::iter::once((line.len(), ' ')))
    {
        if i < line.len() && is_word_char(c) {
            if start.is_none() {
                start = Some(i);
                non_ascii = false;
            }
            non_ascii |= !c.is_ascii();
        } else if let Some(s) = start.take()
            && non_ascii
        {
            words.push((s, i));
        }
    }
    words
}

/// Converts the words of a line that do not turn from a valid syllable into an invalid one
/// (a Unicode word in a legacy line stays as it is).
fn convert_words(line: &str, enc: LegacyFrom) -> Cow<'_, str> {
    let mut out = String::with_capacity(line.len() + 8);
    let mut copied = 0;
    for (s, e) in legacy_words(line) {
        let word = &line[s..e];
        if judge(word, syllable::parses(word), enc) == Some(false) {
            continue;
        }
        let converted = convert_bytes(word, enc);
        out.push_str(&line[copied..s]);
        out.push_str(&converted);
        copied = e;
    }
    if copied == 0 {
        return Cow::Borrowed(line);
    }
    out.push_str(&line[copied..]);
    Cow::Owned(out)
}

fn score_line(line: &str, doc: &mut DocScore) -> [Score; 3] {
    let mut scores = [Score::default(); 3];
    let words = legacy_words(line).into_iter().map(|(s, e)| &line[s..e]);
    for word in words {
        doc.words += 1;
        let parses = syllable::parses(word);
        for (k, &enc) in BYTE_ENCODINGS.iter().enumerate() {
            match judge(word, parses, enc) {
                Some(true) => {
                    scores[k].gain += 1;
                    let lower = word.to_lowercase();
                    if doc.distinct[k].len() < 2 && !doc.distinct[k].contains(&lower) {
                        doc.distinct[k].push(lower);
                    }
                }
                Some(false) => scores[k].loss += 1,
                None => {}
            }
        }
    }
    scores
}

/// What a word says about an encoding: `Some(true)` (gain) when it is not a Vietnamese
/// syllable but becomes one, `Some(false)` (loss) when it is one but neither it nor its
/// tone-repaired forms (either style) convert to one. Tone repair leaves gains alone and can
/// only add losses, so normalized text never shows more evidence than its source did: what
/// was not detected the first time is not detected when normalizing again.
fn judge(word: &str, parses: bool, enc: LegacyFrom) -> Option<bool> {
    let converts = |w: &str| syllable::is_valid(&convert_bytes(w, enc));
    if !parses {
        return converts(word).then_some(true);
    }
    if converts(word) {
        return None;
    }
    let repaired_fails = |style| tone::fix_word(word, style).is_none_or(|w| !converts(&w));
    (repaired_fails(ToneStyle::Traditional) && repaired_fails(ToneStyle::Modern)).then_some(false)
}

/// Whether a line shows an encoding by itself.
fn shows(s: Score) -> bool {
    s.gain >= 1 && s.loss <= s.gain
}

/// Whether the evidence is enough to call the text `enc`.
fn decisive(gain: u32, loss: u32, words: u32, distinct: usize, min_gain: u32) -> bool {
    gain >= min_gain && distinct >= min_gain as usize && gain >= 3 * loss && 2 * gain >= words
}

/// The legacy encoding a document is in, if the evidence is clear (see the module docs).
pub fn detect(text: &str) -> Option<LegacyFrom> {
    if !text.is_ascii()
        && let Some(doc) = score_doc(text, true)
    {
        // Among the encodings with decisive evidence, the one with the most. Some line must
        // show the encoding by itself (see `convert`), so that a detected encoding always
        // converts something. Choosing among decisive ones only (not the top gain, then
        // testing it) keeps detection stable when normalizing takes evidence away from a
        // rival: "ð" counts for TCVN3 but becomes "đ", which counts for nothing.
        let best = (0..3)
            .filter(|&k| {
                let Score { gain, loss } = doc.bytes[k];
                doc.lines.iter().any(|l| shows(l.bytes[k]))
                    && decisive(gain, loss, doc.words, doc.distinct[k].len(), 2)
            })
            .max_by_key(|&k| {
                let s = doc.bytes[k];
                (s.gain, std::cmp::Reverse(s.loss), std::cmp::Reverse(k))
            });
        if let Some(k) = best {
            return Some(BYTE_ENCODINGS[k]);
        }
    }
    detect_viqr(text).then_some(LegacyFrom::Viqr)
}

/// Scores the candidate lines of a document for the byte encodings; `None` when stopped
/// early for lack of evidence.
fn score_doc(text: &str, stop_early: bool) -> Option<DocScore> {
    let mut doc = DocScore::default();
    for (index, line) in text.split('\n').enumerate() {
        let (candidate, high) = is_cp1252_line(line);
        if !candidate {
            doc.unicode_lines += 1;
            continue;
        }
        if !high {
            continue;
        }
        let bytes = score_line(line, &mut doc);
        for (total, line) in doc.bytes.iter_mut().zip(&bytes) {
            total.gain += line.gain;
            total.loss += line.loss;
        }
        doc.lines.push(LineScore { index, bytes });
        // Plenty of words and little evidence: stop early (other-language pages).
        if stop_early && doc.words >= 400 && doc.bytes.iter().all(|s| 4 * s.gain < doc.words) {
            return None;
        }
    }
    Some(doc)
}

/// The bytes VIQR writes marks with: `` ` ' ? ~ . ^ ( + * `` (a table: a search of the
/// list for every byte of the text cost more than the rest of detection).
static VIQR_MARK: [bool; 256] = {
    let mut t = [false; 256];
    let marks = b"`'?~.^(+*";
    let mut i = 0;
    while i < marks.len() {
        t[marks[i] as usize] = true;
        i += 1;
    }
    t
};

fn detect_viqr(text: &str) -> bool {
    if !text.as_bytes().iter().any(|&b| VIQR_MARK[usize::from(b)]) {
        return false;
    }
    let mut total = viqr::Stats::default();
    for line in text.split('\n') {
        if !is_cp1252_line(line).0 {
            continue;
        }
        let mut stats = viqr::Stats::default();
        viqr::convert_line(line, viqr::Reading::default(), None, &mut stats);
        total.add(&stats);
        if total.words >= 2000 && 10 * (total.gain + total.weak) < total.words {
            return false;
        }
    }
    total.gain >= 3
        && total.distinct.len() >= 3
        && total.gain >= 3 * total.loss
        && 100 * (total.gain + total.weak) >= 15 * total.words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auto(s: &str) -> Option<(String, LegacyFrom)> {
        let enc = detect(s)?;
        convert(s, enc, true).map(|c| (c.text, c.encoding))
    }

    #[test]
    fn detects_tcvn3() {
        let (text, enc) = auto("Xin chµo c¸c b¹n\nT«i ®i häc, n\u{ad}íc").unwrap();
        assert_eq!(enc, LegacyFrom::Tcvn3);
        assert_eq!(text, "Xin chào các bạn\nTôi đi học, nước");
    }

    #[test]
    fn an_eth_for_a_rival_encoding_does_not_hide_vni() {
        // "ð" is evidence for TCVN3 (Ỗ) and ties its gain with VNI's; normalizing turns it
        // into "đ", so detection must give VNI both times (idempotence).
        for s in ["ñi HOÀ ð chaøo", "ñi HOÀ đ chaøo"] {
            assert_eq!(detect(s), Some(LegacyFrom::Vni), "{s}");
        }
    }

    #[test]
    fn detects_vni() {
        let (text, enc) = auto("Xin chaøo caùc baïn. Toâi ñi hoïc.").unwrap();
        assert_eq!(enc, LegacyFrom::Vni);
        assert_eq!(text, "Xin chào các bạn. Tôi đi học.");
    }

    #[test]
    fn detects_cp1258() {
        let (text, enc) = auto("Vietnamese (Tiêìng Viêòt), Chào baòn").unwrap();
        assert_eq!(enc, LegacyFrom::Cp1258);
        assert_eq!(text, "Vietnamese (Tiếng Việt), Chào bạn");
    }

    #[test]
    fn detects_viqr() {
        let (text, enc) = auto("To^i ddi ho.c. Xin cha`o ca'c ba.n!").unwrap();
        assert_eq!(enc, LegacyFrom::Viqr);
        assert_eq!(text, "Tôi đi học. Xin chào các bạn!");
    }

    #[test]
    fn leaves_unicode_and_other_languages() {
        for s in [
            "Khối thi đua Văn hóa - Xã hội tổ chức hội nghị",
            "Tôi là ai",
            "Où est-il? Là-bas, à côté du café. Il a dû partir très tôt.",
            "El niño está aquí; ¿qué más? Sí, señor, aún.",
            "Über die Brücke gehen wir schön früh, Straße.",
            "Não há mãe, são irmãos; você é só.",
            "I'm at 9 a.m. You're right, e.g. it's fine.",
            "C++ and a^b, f(x) = x.y?",
        ] {
            assert_eq!(auto(s), None, "{s}");
        }
    }

    #[test]
    fn forced_conversion() {
        let c = convert("Xin chµo", LegacyFrom::Tcvn3, false).unwrap();
        assert_eq!(c.text, "Xin chào");
        assert_eq!(convert("a?", LegacyFrom::Viqr, false).unwrap().text, "ả");
        assert_eq!("vni".parse::<LegacyFrom>(), Ok(LegacyFrom::Vni));
        assert!("koi8".parse::<LegacyFrom>().is_err());
    }
}
