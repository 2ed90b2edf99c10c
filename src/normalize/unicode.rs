//! NFC, spaces, dashes, quotes and invisible characters.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// NFC-composes and folds spaces, dashes and quotes to one form each, drops control and
/// zero-width characters, collapses runs of spaces, drops a space before a comma, semicolon
/// or colon and trims every line. Line breaks are kept.
pub fn clean(text: &str) -> String {
    clean_with(text, false)
}

/// What [`clean`] does to a text that [`clean_with`] kept characters in: folds those
/// characters (and nothing else changes unless soft hyphens leave spaces to collapse).
pub fn fold_kept(text: &str) -> Option<String> {
    let kept = |c: char| matches!(c, '\u{ad}' | '«' | '»' | '\u{2018}'..='\u{201b}');
    if !holds_kept(text.as_bytes()) {
        return None;
    }
    if text.contains('\u{ad}') {
        return Some(clean(text));
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (i, m) in text.match_indices(kept) {
        out.push_str(&text[last..i]);
        out.push(if matches!(m, "«" | "»") { '"' } else { '\'' });
        last = i + m.len();
    }
    out.push_str(&text[last..]);
    Some(out)
}

/// Whether the text holds a character that [`clean_with`] keeps for detection: soft hyphen
/// (C2 AD), « (C2 AB), » (C2 BB), or a single quote U+2018–U+201B (E2 80 98–9B). Looked for
/// byte by byte: most texts hold none, and decoding every character to learn it cost more.
fn holds_kept(bytes: &[u8]) -> bool {
    memchr::memchr2_iter(0xC2, 0xE2, bytes).any(|i| match bytes[i] {
        0xC2 => matches!(bytes.get(i + 1), Some(0xAD | 0xAB | 0xBB)),
        _ => bytes.get(i + 1) == Some(&0x80) && matches!(bytes.get(i + 2), Some(0x98..=0x9B)),
    })
}

/// The end of the run of plain characters that starts at `start`, with the single spaces
/// between them. Plain characters are copied as they are and cannot make a text non-NFC:
/// printable ASCII, U+00C0–U+02FF (Latin letters, precomposed Vietnamese ones included) and
/// U+1E00–U+1EFF (most Vietnamese letters with tones). [`clean_into`] copies such a run as
/// it is (a space between two plain characters stays). Read on the bytes, without decoding:
/// most of a page's text is such runs, and finding their ends character by character cost
/// more than copying them.
fn plain_run(bytes: &[u8], start: usize) -> usize {
    let width = |i: usize| match bytes.get(i) {
        Some(b'!'..=b'~') => 1,
        // U+00C0–U+02FF: lead bytes C3–CB.
        Some(0xC3..=0xCB) => 2,
        // U+1E00–U+1EFF: E1 B8–BB xx.
        Some(0xE1) if matches!(bytes.get(i + 1), Some(0xB8..=0xBB)) => 3,
        _ => 0,
    };
    let (mut i, mut end) = (start, start);
    loop {
        let w = width(i);
        if w > 0 {
            i += w;
            end = i;
        } else if i > start
            && i == end
            && bytes.get(i) == Some(&b' ')
            && width(i + 1) > 0
            && !(closes_clause(bytes[i + 1]) && ends_word(bytes[i - 1]))
        {
            i += 1;
        } else {
            return end;
        }
    }
}

/// A comma, semicolon or colon: the space typed between a word and one is dropped ("Sở Văn
/// hóa , Thể thao và Du lịch" is "Sở Văn hóa, Thể thao và Du lịch"; lists and names are read
/// on commas). After a symbol it stays ("• :").
fn closes_clause(b: u8) -> bool {
    matches!(b, b',' | b';' | b':')
}

/// Inside a plain run (see [`plain_run`]), the last byte of a word: an ASCII letter or digit,
/// or the last byte of a letter written in two or three bytes (a run's only other characters).
fn ends_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

/// Outside a plain run, whether the last character written ends a word: a letter or digit,
/// or a combining mark (its letter is composed after cleaning, and cleaning the composed text
/// again must not drop a space this pass kept: "n\u{300} ," is "ǹ,").
fn ends_a_word(c: char) -> bool {
    c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c)
}

/// [`clean`], optionally keeping what legacy-encoding detection needs to see: soft hyphens
/// and « » (TCVN3 ư, ô and ằ read as Windows-1252) and single quotes (only ' is a VIQR mark).
/// `clean` of the result is `clean` of the input.
pub fn clean_with(text: &str, keep_legacy: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let maybe_decomposed = clean_into(text, keep_legacy, &mut out);
    // Composed after cleaning: a dropped zero-width space may have kept a mark from its letter.
    if !maybe_decomposed || is_nfc_quick(out.chars()) == IsNormalized::Yes {
        out
    } else {
        out.nfc().collect()
    }
}

/// Cleans into `out`; returns whether the output may need NFC composition.
fn clean_into(text: &str, keep_legacy: bool, out: &mut String) -> bool {
    let mut maybe_decomposed = false;
    let mut pending_space = false;
    let mut line_start = true;
    let mut i = 0;
    while i < text.len() {
        // Runs of plain characters are copied as they are.
        let rest = &text[i..];
        let run = plain_run(text.as_bytes(), i) - i;
        if run > 0 {
            if pending_space
                && !(closes_clause(text.as_bytes()[i])
                    && out.chars().next_back().is_some_and(ends_a_word))
            {
                out.push(' ');
            }
            pending_space = false;
            line_start = false;
            out.push_str(&rest[..run]);
            i += run;
            continue;
        }
        let Some(c) = rest.chars().next() else {
            break;
        };
        i += c.len_utf8();
        let c = match c {
            '\u{ad}' | '«' | '»' | '\u{2018}'..='\u{201b}' if keep_legacy => c,
            '\r' => continue,
            '\n' => {
                out.push('\n');
                pending_space = false;
                line_start = true;
                continue;
            }
            ' '
            | '\t'
            | '\u{a0}'
            | '\u{2000}'..='\u{200a}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}' => {
                pending_space |= !line_start;
                continue;
            }
            '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}' => continue,
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{ab}' | '\u{bb}' => '"',
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' => '\'',
            c if c.is_control() => continue,
            c => c,
        };
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        line_start = false;
        maybe_decomposed |=
            !c.is_ascii() && !matches!(c, '\u{a0}'..='\u{2ff}' | '\u{2016}'..='\u{205e}');
        out.push(c);
    }
    maybe_decomposed
}

#[cfg(test)]
mod tests {
    use super::{clean, clean_with, fold_kept, holds_kept, plain_run};

    #[test]
    fn plain_runs_keep_single_spaces_between_plain_characters() {
        fn run(t: &str, from: usize) -> &str {
            &t[from..plain_run(t.as_bytes(), from)]
        }
        assert_eq!(run("Sở Văn hóa, Thể thao\nx", 0), "Sở Văn hóa, Thể thao");
        assert_eq!(run("a  b", 0), "a");
        assert_eq!(run("a \nb", 0), "a");
        assert_eq!(run("a b ", 0), "a b");
        assert_eq!(run(" a", 0), "");
        assert_eq!(run("Ủy ×÷ ǅ ʯ Ἀ", 0), "Ủy ×÷ ǅ ʯ");
        assert_eq!(run("x “y”", 0), "x");
        assert_eq!(run("ab\u{a0}c", 1), "b");
        // Cleaning with runs: spaces, lines, kept characters.
        for (text, want) in [
            ("Sở Văn hóa  và\u{a0}Thể thao ", "Sở Văn hóa và Thể thao"),
            ("  a b \n \n c  d", "a b\n\nc d"),
            ("x “y” – z", "x \"y\" - z"),
            ("a\u{200b} b", "a b"),
            (
                "Sở Văn hóa , Thể thao ; Sở Y tế  : 14 :30",
                "Sở Văn hóa, Thể thao; Sở Y tế: 14:30",
            ),
            ("Đài PT-TH\u{a0}, Sở Y tế", "Đài PT-TH, Sở Y tế"),
            ("a ,\n , b", "a,\n, b"),
            ("• : | ; Sở ,", "• : | ; Sở,"),
        ] {
            assert_eq!(clean(text), want, "{text:?}");
        }
        for text in ["", "\n", "a b\nc", "Ủy ban ×÷ ẠỹỸ ǅ ʯ"] {
            assert_eq!(clean(text), text);
            assert_eq!(clean_with(text, true), text);
        }
        let kept = |c: char| matches!(c, '\u{ad}' | '«' | '»' | '\u{2018}'..='\u{201b}');
        for text in ["a\u{ad}b", "«x»", "‘y’", "‚z‛", "plain ‐ “text”", "Ủy"] {
            assert_eq!(
                holds_kept(text.as_bytes()),
                text.chars().any(kept),
                "{text:?}"
            );
        }
    }

    #[test]
    fn folds_spaces_and_keeps_lines() {
        assert_eq!(clean("  a\u{a0}\u{a0}b \r\n\tc\u{200b}d  \n"), "a b\ncd\n");
    }

    #[test]
    fn keeps_legacy_characters_on_request() {
        let text = " T«i  n\u{ad}íc \u{ad} ‘a’ “b”–c ";
        assert_eq!(clean(text), "T\"i níc 'a' \"b\"-c");
        assert_eq!(clean_with(text, true), "T«i n\u{ad}íc \u{ad} ‘a’ \"b\"-c");
        assert_eq!(clean(&clean_with(text, true)), clean(text));
        let kept = clean_with("“T«i” ‘a’ b", true);
        assert_eq!(fold_kept(&kept).unwrap(), clean("“T«i” ‘a’ b"));
        assert_eq!(fold_kept("plain “text”"), None);
    }

    #[test]
    fn cleaning_twice_changes_nothing() {
        // The normalizer relies on it to skip a second pass.
        for text in [
            "  a\u{a0}\u{a0}b \r\n\tc\u{200b}d  \n",
            "Ho\u{0300}a \u{200b}\u{300} x \u{2013} y\u{feff} \u{3000} z",
            " T«i  n\u{ad}íc \u{ad} ‘a’ “b”–c ",
            "a\u{301}\u{323} \u{1ea0}\u{300}\n\n  \u{7}q  ",
            // A mark composed with its letter only after the space before "," was judged.
            "ba\u{ef}n\u{300} , ",
            "=\u{338} ; x",
        ] {
            let once = clean(text);
            assert_eq!(clean(&once), once, "{text:?}");
            let kept = clean_with(text, true);
            if fold_kept(&kept).is_none() {
                assert_eq!(clean(&kept), kept, "{text:?}");
            }
        }
    }

    #[test]
    fn composes_nfc() {
        assert_eq!(clean("Ho\u{0300}a"), "Hòa");
        assert_eq!(clean("a\u{200b}\u{300}"), "à");
    }

    #[test]
    fn folds_dashes_and_quotes() {
        assert_eq!(
            clean("2016 – 2020 “Cả nước” M’Drắk"),
            "2016 - 2020 \"Cả nước\" M'Drắk"
        );
    }
}
