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

/// The string without its diacritics, letter case kept ("Sở Y tế" → "So Y te", "Đảng" →
/// "Dang"): rules and tables turned into the form of a text written without marks.
pub fn strip_marks(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            _ if c.is_ascii() => c,
            'đ' => 'd',
            'Đ' => 'D',
            _ => {
                let mut base = c;
                decompose_canonical(c, |d| {
                    if base == c {
                        base = d;
                    }
                });
                base
            }
        })
        .collect()
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
    /// The map, for every byte of `text` and one past the end, in blocks of
    /// [`BLOCK`] bytes: the original offset of each block's first byte …
    block_start: Vec<u32>,
    /// … and each byte's original offset less its block's. A folded byte stands for at most
    /// four original bytes, so a block spans at most 4 × 31 bytes of the original and the
    /// difference fits a byte: 1.1 bytes of map per byte of text instead of 4.
    in_block: Vec<u8>,
}

/// Folded bytes per block of the offset map.
const BLOCK: usize = 32;

/// Builds the offset map of a [`Folded`] one folded byte at a time.
struct MapBuilder {
    block_start: Vec<u32>,
    in_block: Vec<u8>,
    /// The last entry of `block_start`, kept at hand.
    open: u32,
}

impl MapBuilder {
    fn with_capacity(n: usize) -> MapBuilder {
        MapBuilder {
            block_start: Vec::with_capacity(n / BLOCK + 1),
            in_block: Vec::with_capacity(n),
            open: 0,
        }
    }

    /// The next folded byte comes from original offset `at`.
    #[inline]
    fn push(&mut self, at: u32) {
        if self.in_block.len().is_multiple_of(BLOCK) {
            self.block_start.push(at);
            self.open = at;
        }
        self.in_block.push((at - self.open) as u8);
    }
}

impl Folded {
    /// Folds `original`.
    pub fn new(original: &str) -> Folded {
        let bytes = original.as_bytes();
        let mut map = MapBuilder::with_capacity(bytes.len() + 1);
        if original.is_ascii() {
            for i in 0..=bytes.len() {
                map.push(i as u32);
            }
            return Folded {
                text: original.to_ascii_lowercase(),
                block_start: map.block_start,
                in_block: map.in_block,
            };
        }
        // Byte by byte: ASCII (most bytes of Vietnamese text) folds without decoding. Built
        // as a string, character by character, so that it need not be checked as UTF-8 after.
        let mut text = String::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii() {
                text.push(char::from(b.to_ascii_lowercase()));
                map.push(i as u32);
                i += 1;
                continue;
            }
            let c = original[i..]
                .chars()
                .next()
                .expect("a character starts here");
            let f = fold_char(c);
            text.push(f);
            for _ in 0..f.len_utf8() {
                map.push(i as u32);
            }
            i += c.len_utf8();
        }
        map.push(original.len() as u32);
        Folded {
            text,
            block_start: map.block_start,
            in_block: map.in_block,
        }
    }

    /// The original byte offset of a folded byte offset (up to one past the end).
    #[inline]
    pub fn to_original(&self, folded: usize) -> usize {
        self.block_start[folded / BLOCK] as usize + self.in_block[folded] as usize
    }

    /// The folded byte offset of an original byte offset: the first folded character at or
    /// after it (the folded text maps 1:1 by character; binary search over the monotone map).
    pub fn from_original(&self, original: usize) -> usize {
        let (mut lo, mut hi) = (0, self.text.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.to_original(mid) < original {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        while lo < self.text.len() && !self.text.is_char_boundary(lo) {
            lo += 1;
        }
        lo
    }

    /// The folded form of the first `original_len` bytes of the original (a character
    /// boundary): what [`Folded::new`] gives for that prefix, without folding it again.
    pub fn truncated(mut self, original_len: usize) -> Folded {
        let end = self.from_original(original_len);
        self.text.truncate(end);
        self.in_block.truncate(end + 1);
        self.block_start.truncate(end / BLOCK + 1);
        if let Some(last) = self.in_block.last_mut() {
            // The end entry: one past the prefix.
            *last = (original_len - self.block_start[end / BLOCK] as usize) as u8;
        }
        self
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
    fn strips_marks_and_keeps_case() {
        assert_eq!(
            strip_marks("Khối Thi Đua Quảng Trị – “gồm”"),
            "Khoi Thi Dua Quang Tri – “gom”"
        );
        assert_eq!(
            strip_marks(r"(?-i:Bộ)\s+(?:tư\s+pháp|đảng)"),
            r"(?-i:Bo)\s+(?:tu\s+phap|dang)"
        );
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
    fn offset_map_holds_every_offset_in_blocks() {
        // Against the plain map (one offset per folded byte), on text mixing ASCII,
        // Vietnamese, 4-byte characters and characters whose fold is longer than they are.
        let pieces = [
            "Khối ",
            "thi đua ",
            "🎉🎉",
            "x",
            "ẞ",
            "İ",
            "中文",
            "\u{212A}",
            "ĐĂNG ",
        ];
        for n in 0..200 {
            let original: String = (0..n).map(|k| pieces[(k * 7 + n) % pieces.len()]).collect();
            let f = Folded::new(&original);
            let mut plain = Vec::new();
            for (i, c) in original.char_indices() {
                plain.extend(std::iter::repeat_n(i, fold_char(c).len_utf8()));
            }
            plain.push(original.len());
            assert_eq!(plain.len(), f.text.len() + 1);
            for (folded, &want) in plain.iter().enumerate() {
                assert_eq!(f.to_original(folded), want, "{original:?} at {folded}");
            }
        }
    }

    #[test]
    fn a_truncated_fold_is_the_fold_of_the_prefix() {
        let original = "Khối thi đua 🎉 ĐĂNG KÝ İ ẞ x\u{212A} các Sở, ban, ngành năm 2024.";
        let ends = original
            .char_indices()
            .map(|(i, _)| i)
            .chain([original.len()]);
        for end in ends {
            let cut = Folded::new(original).truncated(end);
            let fresh = Folded::new(&original[..end]);
            assert_eq!(cut.text, fresh.text, "at {end}");
            for f in 0..=fresh.text.len() {
                assert_eq!(cut.to_original(f), fresh.to_original(f), "at {end}, {f}");
            }
            assert_eq!(cut.in_block.len(), fresh.in_block.len());
            assert_eq!(cut.block_start, fresh.block_start, "at {end}");
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
