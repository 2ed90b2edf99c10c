//! NFC, spaces, dashes, quotes and invisible characters.

use unicode_normalization::UnicodeNormalization;

/// NFC-composes and folds spaces, dashes and quotes to one form each, drops control and
/// zero-width characters, collapses runs of spaces and trims every line. Line breaks are kept.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    let mut line_start = true;
    for c in text.nfc() {
        let c = match c {
            '\r' => continue,
            '\n' => {
                out.push('\n');
                pending_space = false;
                line_start = true;
                continue;
            }
            '\t' | '\u{a0}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}' => ' ',
            '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}' => continue,
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{ab}' | '\u{bb}' => '"',
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' => '\'',
            c if c.is_control() => continue,
            c => c,
        };
        if c == ' ' {
            if !line_start {
                pending_space = true;
            }
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        line_start = false;
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn folds_spaces_and_keeps_lines() {
        assert_eq!(clean("  a\u{a0}\u{a0}b \r\n\tc\u{200b}d  \n"), "a b\ncd\n");
    }

    #[test]
    fn composes_nfc() {
        assert_eq!(clean("Ho\u{0300}a"), "Hòa");
    }

    #[test]
    fn folds_dashes_and_quotes() {
        assert_eq!(
            clean("2016 – 2020 “Cả nước” M’Drắk"),
            "2016 - 2020 \"Cả nước\" M'Drắk"
        );
    }
}
