//! VIQR (RFC 1456, "Vietnamese Quoted-Readable"): Vietnamese in ASCII, each mark typed after
//! its vowel — `(` breve, `^` circumflex, `+` or `*` horn, then `'` acute, `` ` `` grave,
//! `?` hook, `~` tilde, `.` dot below; `dd` is đ; a backslash makes the next mark literal.
//!
//! Strict mode follows the RFC: every mark after a vowel is a mark. It reads text converted
//! on request, and detected text whose writer escapes literal marks. Heuristic mode reads
//! other detected text, where nobody escaped their full stops: a word-final `.` or `?` is a
//! tone before a lower-case word or other punctuation, after a shape mark ("Bo^. Y te^'") or
//! when the document spells the toned word elsewhere and never the plain one; otherwise it is
//! punctuation. A word is converted only when it becomes a Vietnamese syllable or carries
//! marks no English word has, so "You're", "e.g." and "site.com" stay.

use super::syllable;
use std::collections::HashSet;
use unicode_normalization::UnicodeNormalization;

/// What a scan found: words, and words that converted to valid syllables.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// ASCII words seen.
    pub words: usize,
    /// Words with an unambiguous mark (a shape mark, a tone inside the word, dd) that
    /// convert to a valid syllable.
    pub gain: usize,
    /// Words whose only mark is a word-final tone and that convert to a valid syllable.
    pub weak: usize,
    /// Words with marks that do not convert to a valid syllable.
    pub loss: usize,
    /// Up to three distinct gained words (lower case).
    pub distinct: Vec<String>,
}

impl Stats {
    /// Adds another scan's numbers.
    pub fn add(&mut self, other: &Stats) {
        self.words += other.words;
        self.gain += other.gain;
        self.weak += other.weak;
        self.loss += other.loss;
        for d in &other.distinct {
            if self.distinct.len() < 3 && !self.distinct.contains(d) {
                self.distinct.push(d.clone());
            }
        }
    }
}

/// How to read marks.
#[derive(Debug, Clone, Copy, Default)]
pub struct Reading<'a> {
    /// RFC 1456: every mark after a vowel is a mark, every word is converted.
    pub strict: bool,
    /// Words (lower case) the document spells without ambiguity: a word-final "vu." before a
    /// capital is vụ when the document has vụ elsewhere but never vu.
    pub known: Option<&'a HashSet<String>>,
}

/// Collects the words a document spells without ambiguity (for [`Reading::known`]).
pub fn learn_words(line: &str, known: &mut HashSet<String>) {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !starts_word(b, i) {
            i += 1;
            continue;
        }
        let (end, word) = token(b, i, Reading::default(), false);
        if !word.ambiguous {
            let text = word.text.unwrap_or_else(|| line[i..end].to_string());
            known.insert(text.to_lowercase());
        }
        i = end;
    }
}

fn is_vowel(b: u8) -> bool {
    matches!(
        b.to_ascii_lowercase(),
        b'a' | b'e' | b'i' | b'o' | b'u' | b'y'
    )
}

fn tone_mark(b: u8) -> Option<char> {
    match b {
        b'\'' => Some('\u{301}'),
        b'`' => Some('\u{300}'),
        b'?' => Some('\u{309}'),
        b'~' => Some('\u{303}'),
        b'.' => Some('\u{323}'),
        _ => None,
    }
}

fn shape_mark(vowel: u8, b: u8) -> Option<char> {
    match (vowel.to_ascii_lowercase(), b) {
        (b'a', b'(') => Some('\u{306}'),
        (b'a' | b'e' | b'o', b'^') => Some('\u{302}'),
        (b'o' | b'u', b'+' | b'*') => Some('\u{31b}'),
        _ => None,
    }
}

fn is_mark(b: u8) -> bool {
    matches!(
        b,
        b'\'' | b'`' | b'?' | b'~' | b'.' | b'(' | b'^' | b'+' | b'*' | b'\\'
    )
}

/// A word starts at a letter that no letter precedes ("2.407vie^.c": a word glued to a
/// number starts after its digits).
fn starts_word(b: &[u8], i: usize) -> bool {
    b[i].is_ascii_alphabetic() && (i == 0 || !(b[i - 1].is_ascii_alphabetic() || b[i - 1] >= 0x80))
}

/// Converts one line (no newline inside), appending to `out` when given, counting into
/// `stats`. In heuristic reading a word is converted only when it becomes a valid syllable or
/// carries marks English never has in a word (a shape mark, dd, an inner ? ~ or `).
pub fn convert_line(line: &str, reading: Reading, mut out: Option<&mut String>, stats: &mut Stats) {
    let b = line.as_bytes();
    let n = b.len();
    let single_token = !line.trim().contains([' ', '\t']);
    let mut i = 0;
    let mut copied = 0;
    while i < n {
        let c = b[i];
        if c == b'\\' && i + 1 < n && is_mark(b[i + 1]) {
            // An escaped mark is the literal character.
            if let Some(out) = out.as_deref_mut() {
                out.push_str(&line[copied..i]);
                copied = i + 1;
            }
            i += 2;
            continue;
        }
        if !starts_word(b, i) {
            i += 1;
            continue;
        }
        let (end, word) = token(b, i, reading, single_token);
        stats.words += 1;
        if let Some(text) = word.text {
            // "Đ/c" (đồng chí) is the one place đ stands alone.
            let keep = reading.strict
                || word.specific
                || syllable::is_valid(&text)
                || matches!(&*text, "đ" | "Đ");
            if keep {
                if let Some(out) = out.as_deref_mut() {
                    out.push_str(&line[copied..i]);
                    out.push_str(&text);
                    copied = end;
                }
                if word.strong {
                    stats.gain += 1;
                    let lower = text.to_lowercase();
                    if stats.distinct.len() < 3 && !stats.distinct.contains(&lower) {
                        stats.distinct.push(lower);
                    }
                } else {
                    stats.weak += 1;
                }
            } else {
                stats.loss += 1;
            }
        }
        i = end;
    }
    if let Some(out) = out {
        out.push_str(&line[copied..]);
    }
}

#[derive(Default)]
struct Word {
    /// The converted word, if it had marks.
    text: Option<String>,
    /// Has an unambiguous mark (not only a word-final tone).
    strong: bool,
    /// Has a mark no English word has: a shape mark, dd, or ? ~ ` inside the word.
    specific: bool,
    /// Ends in a . or ? that could be punctuation.
    ambiguous: bool,
}

/// Reads the word starting at `start`; returns its end and the word.
fn token(b: &[u8], start: usize, reading: Reading, single_token: bool) -> (usize, Word) {
    let n = b.len();
    let strict = reading.strict;
    let letters = b[start..]
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    let capitals = letters >= 2 && b[start..start + letters].iter().all(u8::is_ascii_uppercase);
    let mut j = start;
    let mut s = String::new();
    let mut word = Word::default();
    let (mut marks, mut toned) = (false, false);
    while j < n && b[j].is_ascii_alphabetic() {
        let c = b[j];
        // đ is dd: at the start of a word (before a letter, or in "DD/c"), in a capitals
        // abbreviation ("HDDND"), or anywhere in strict mode.
        if c.eq_ignore_ascii_case(&b'd')
            && b.get(j + 1).is_some_and(|d| d.eq_ignore_ascii_case(&b'd'))
        {
            let next = b.get(j + 2).copied();
            let ok = strict
                || (j == start && next.is_some_and(|x| x.is_ascii_alphabetic() || x == b'/'))
                || (capitals && c == b'D' && b[j + 1] == b'D');
            if ok {
                s.push(if c == b'D' { 'Đ' } else { 'đ' });
                j += 2;
                marks = true;
                word.strong = true;
                word.specific = true;
                continue;
            }
        }
        s.push(c as char);
        j += 1;
        if !is_vowel(c) {
            continue;
        }
        if let Some(m) = b.get(j).and_then(|&m| shape_mark(c, m)) {
            s.push(m);
            j += 1;
            marks = true;
            word.strong = true;
            word.specific = true;
        }
        let Some(m) = b.get(j).copied() else { break };
        let Some(tone) = tone_mark(m).filter(|_| !toned) else {
            continue;
        };
        // A mark followed by a letter, or by an escaped literal ("nghi.\\."), is a mark.
        let in_word = b
            .get(j + 1)
            .is_some_and(|&c| c.is_ascii_alphabetic() || c == b'\\');
        let accept = strict
            || in_word
            || match m {
                b'.' | b'?' if word.specific || sentence_continues(b, j + 1, single_token) => true,
                b'.' | b'?' => {
                    word.ambiguous = true;
                    reading.known.is_some_and(|known| {
                        let plain: String = s.nfc().collect::<String>().to_lowercase();
                        let mut toned = s.clone();
                        toned.push(tone);
                        let toned: String = toned.nfc().collect::<String>().to_lowercase();
                        known.contains(&toned) && !known.contains(&plain)
                    })
                }
                _ => true,
            };
        if accept {
            s.push(tone);
            j += 1;
            toned = true;
            marks = true;
            word.strong |= in_word || matches!(m, b'`' | b'~');
            word.specific |= in_word && matches!(m, b'`' | b'~' | b'?');
        }
    }
    // Letters running into a non-ASCII letter belong to a Unicode word ("nghành"), which
    // tone repair may change: not VIQR.
    if b.get(j).is_some_and(|&c| c >= 0x80) {
        return (j, Word::default());
    }
    if marks {
        word.text = Some(s.nfc().collect());
    }
    (j, word)
}

/// After a word-final `.` or `?`: a mark if a lower-case word or other punctuation follows
/// ("nghi.," is nghị, "gio+`?" has its tone already), or if the line is this one word;
/// punctuation at the end of a line, before a capital or a digit, and in "...".
fn sentence_continues(b: &[u8], k: usize, single_token: bool) -> bool {
    let Some(&next) = b.get(k) else {
        return single_token;
    };
    match next {
        b',' | b';' | b':' | b')' | b'!' | b'"' | b'\'' => true,
        b'.' => b.get(k + 1) != Some(&b'.'),
        b' ' | b'\t' => {
            let rest = &b[k..];
            let skip = rest
                .iter()
                .take_while(|c| matches!(c, b' ' | b'\t'))
                .count();
            rest.get(skip).is_some_and(u8::is_ascii_lowercase)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(s: &str, strict: bool) -> (String, Stats) {
        let mut out = String::new();
        let mut stats = Stats::default();
        let reading = Reading {
            strict,
            known: None,
        };
        convert_line(s, reading, Some(&mut out), &mut stats);
        (out, stats)
    }

    #[test]
    fn learns_from_the_document() {
        let text = "Bo^. tru+o+?ng vu. vie^.c. Vu. Ho^`ng, Bo^. Y te^'. Ha vi. Thi";
        let mut known = HashSet::new();
        learn_words(text, &mut known);
        let reading = Reading {
            strict: false,
            known: Some(&known),
        };
        let mut out = String::new();
        convert_line(text, reading, Some(&mut out), &mut Stats::default());
        assert_eq!(out, "Bộ trưởng vụ việc. Vụ Hồng, Bộ Y tế. Ha vi. Thi");
    }

    #[test]
    fn converts_sentences() {
        assert_eq!(conv("Xin cha`o ca'c ba.n", false).0, "Xin chào các bạn");
        // RFC 1456: u+ is ư, so "du+." is dự (the source of this sentence expects dụ).
        assert_eq!(
            conv(
                "DDa^y la` mo^.t vi' du. ve^` VIQR, du+. ve^` no' ra.",
                false
            )
            .0,
            "Đây là một ví dụ về VIQR, dự về nó ra."
        );
        assert_eq!(
            conv("Ngu+o+`i o+i, Tie^'ng Vie^.t co`n, nu+o+'c ta co`n!", false).0,
            "Người ơi, Tiếng Việt còn, nước ta còn!"
        );
        assert_eq!(
            conv("Anh ddi ddu+o+.c kho^ng?", false).0,
            "Anh đi được không?"
        );
        assert_eq!(
            conv("Ho^m nay la` thu+' ba. Mai", false).0,
            "Hôm nay là thứ ba. Mai"
        );
        assert_eq!(
            conv("Ho^.i nghi., ddi ra... Xong", false).0,
            "Hội nghị, đi ra... Xong"
        );
        assert_eq!(conv("ba\\. xong", true).0, "ba. xong");
        assert_eq!(conv("DD/c nghi.\\. Xong", false).0, "Đ/c nghị. Xong");
        assert_eq!(
            conv("HDDND, LDDLDD, add middle", false).0,
            "HĐND, LĐLĐ, add middle"
        );
        assert_eq!(
            conv("So+? Vu+o+`n, DDa('k La('k, DDa. Te?h", false).0,
            "Sở Vườn, Đắk Lắk, Đạ Tẻh"
        );
    }

    #[test]
    fn strict_single_letters() {
        assert_eq!(conv("a?", true).0, "ả");
        assert_eq!(conv("A(.", true).0, "Ặ");
        assert_eq!(conv("DD", true).0, "Đ");
        assert_eq!(conv("u+~", false).0, "ữ");
    }

    #[test]
    fn english_is_left_alone() {
        let (out, stats) = conv("You're right, e.g. it's 5 o'clock. Is it? site.com", false);
        assert_eq!(out, "You're right, e.g. it's 5 o'clock. Is it? site.com");
        assert_eq!(stats.gain, 0);
    }
}
