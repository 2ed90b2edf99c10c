//! The folded matching key: lower case, marks removed, đ → d. Each character of the text
//! folds to exactly one character, so offsets map back through a table.

use unicode_normalization::char::decompose_canonical;

/// Characters below this fold through a table built once.
const TABLE_END: u32 = 0x2000;

static TABLE: std::sync::LazyLock<Vec<char>> = std::sync::LazyLock::new(|| {
    (0..TABLE_END)
        .map(|u| char::from_u32(u).map_or('\u{fffd}', fold_slow))
        .collect()
});

/// Folds one character: lower case, base letter without marks, đ → d.
pub fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if (c as u32) < TABLE_END {
        return TABLE[c as usize];
    }
    fold_slow(c)
}

fn fold_slow(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let lower = c.to_lowercase().next().unwrap_or(c);
    match lower {
        'đ' | 'ð' => 'd',
        _ => {
            let mut base = lower;
            decompose_canonical(lower, |d| {
                if base == lower {
                    base = d;
                }
            });
            // Folded text never holds an upper-case ASCII letter (the rule prefilters rely
            // on it).
            base.to_ascii_lowercase()
        }
    }
}

/// Folds a string (for keys and comparisons).
pub fn fold_str(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

/// Folded text with a map from folded byte offsets back to offsets in the original text.
#[derive(Debug, Clone, Default)]
pub struct Folded {
    /// The folded text.
    pub text: String,
    /// For every byte of `text` (and one past the end): the byte offset in the original.
    to_original: Vec<u32>,
}

impl Folded {
    /// Folds `original`.
    pub fn new(original: &str) -> Folded {
        if original.is_ascii() {
            return Folded {
                text: original.to_ascii_lowercase(),
                to_original: (0..=original.len() as u32).collect(),
            };
        }
        // Byte by byte: ASCII (most bytes of Vietnamese text) folds without decoding.
        let bytes = original.as_bytes();
        let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
        let mut to_original = Vec::with_capacity(bytes.len() + 1);
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii() {
                out.push(b.to_ascii_lowercase());
                to_original.push(i as u32);
                i += 1;
                continue;
            }
            let c = original[i..]
                .chars()
                .next()
                .expect("a character starts here");
            let mut buf = [0u8; 4];
            let f = fold_char(c).encode_utf8(&mut buf);
            out.extend_from_slice(f.as_bytes());
            to_original.extend(std::iter::repeat_n(i as u32, f.len()));
            i += c.len_utf8();
        }
        to_original.push(original.len() as u32);
        let text = String::from_utf8(out).expect("folded characters are UTF-8");
        Folded { text, to_original }
    }

    /// The original byte offset of a folded byte offset.
    pub fn to_original(&self, folded: usize) -> usize {
        self.to_original[folded] as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese() {
        assert_eq!(fold_str("Khối Thi Đua Quảng Trị"), "khoi thi dua quang tri");
    }

    #[test]
    fn table_agrees_with_decomposition() {
        // The fast path for Vietnamese letters must give what the general rule gives.
        for cp in (0xC0..=0x1B0).chain(0x1EA0..=0x1EF9) {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let lower = c.to_lowercase().next().unwrap_or(c);
            let mut base = lower;
            decompose_canonical(lower, |d| {
                if base == lower {
                    base = d;
                }
            });
            let expected = if matches!(lower, 'đ' | 'ð') {
                'd'
            } else {
                base
            };
            assert_eq!(fold_char(c), expected, "{c}");
        }
    }

    #[test]
    fn folding_never_gives_upper_case_ascii() {
        // Rule prefilters leave A-Z out of their classes: the folded text must not hold them.
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert!(
                !fold_char(c).is_ascii_uppercase(),
                "{c:?} folds to upper case"
            );
        }
    }

    #[test]
    fn offsets_map_back() {
        let original = "Sở Y tế";
        let f = Folded::new(original);
        assert_eq!(f.text, "so y te");
        let start = f.text.find("te").unwrap();
        assert_eq!(
            &original[f.to_original(start)..f.to_original(f.text.len())],
            "tế"
        );
    }
}
