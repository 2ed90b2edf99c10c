//! Character classes and lower case of the characters Vietnamese text is written in, from one
//! table instead of the standard library's binary searches over Unicode's tables: word
//! splitting, capitalization tests and lower-casing ask for every character of a text, and
//! for the letters with marks (U+00C0–U+1EF9) each of those searches took a few dozen steps.
//! The answers are the standard library's, for every character (tested).

/// Characters below this come from the table; the others from the standard library.
const TABLE_END: u32 = 0x2000;

const ALPHABETIC: u8 = 1;
const NUMERIC: u8 = 2;
const LOWERCASE: u8 = 4;
const UPPERCASE: u8 = 8;
/// Its lower case is more than one character.
const LOWER_MULTI: u8 = 16;

struct Entry {
    lower: char,
    flags: u8,
}

static TABLE: std::sync::LazyLock<Vec<Entry>> = std::sync::LazyLock::new(|| {
    (0..TABLE_END)
        .map(|u| {
            let Some(c) = char::from_u32(u) else {
                return Entry {
                    lower: '\0',
                    flags: 0,
                };
            };
            let mut lower = c.to_lowercase();
            let first = lower.next().unwrap_or(c);
            let multi = lower.next().is_some();
            let flags = [
                (c.is_alphabetic(), ALPHABETIC),
                (c.is_numeric(), NUMERIC),
                (c.is_lowercase(), LOWERCASE),
                (c.is_uppercase(), UPPERCASE),
                (multi, LOWER_MULTI),
            ]
            .into_iter()
            .filter(|&(yes, _)| yes)
            .fold(0, |acc, (_, flag)| acc | flag);
            Entry {
                lower: first,
                flags,
            }
        })
        .collect()
});

/// Whether `c` has one of `flags`: ASCII by `ascii`, the table below its end, the standard
/// library (`wide`) above.
#[inline]
fn has(c: char, flags: u8, ascii: fn(&char) -> bool, wide: fn(char) -> bool) -> bool {
    if c.is_ascii() {
        ascii(&c)
    } else if (c as u32) < TABLE_END {
        TABLE[c as usize].flags & flags != 0
    } else {
        wide(c)
    }
}

/// [`char::is_alphanumeric`].
#[inline]
pub fn is_alphanumeric(c: char) -> bool {
    has(
        c,
        ALPHABETIC | NUMERIC,
        char::is_ascii_alphanumeric,
        char::is_alphanumeric,
    )
}

/// [`char::is_alphabetic`].
#[inline]
pub fn is_alphabetic(c: char) -> bool {
    has(
        c,
        ALPHABETIC,
        char::is_ascii_alphabetic,
        char::is_alphabetic,
    )
}

/// [`char::is_lowercase`].
#[inline]
pub fn is_lowercase(c: char) -> bool {
    has(c, LOWERCASE, char::is_ascii_lowercase, char::is_lowercase)
}

/// [`char::is_uppercase`].
#[inline]
pub fn is_uppercase(c: char) -> bool {
    has(c, UPPERCASE, char::is_ascii_uppercase, char::is_uppercase)
}

/// The lower case of `c` when it is one character (what [`char::to_lowercase`] gives).
#[inline]
pub fn lower_char(c: char) -> Option<char> {
    if c.is_ascii() {
        return Some(c.to_ascii_lowercase());
    }
    if (c as u32) < TABLE_END {
        let e = &TABLE[c as usize];
        return (e.flags & LOWER_MULTI == 0).then_some(e.lower);
    }
    let mut lower = c.to_lowercase();
    let first = lower.next();
    if lower.next().is_some() { None } else { first }
}

/// [`str::to_lowercase`].
pub fn to_lowercase(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        if (c as u32) >= TABLE_END {
            out.extend(c.to_lowercase());
            continue;
        }
        let e = &TABLE[c as usize];
        if e.flags & LOWER_MULTI != 0 || c == 'Σ' {
            // Final sigma and the characters whose lower case is longer: the standard way.
            return s.to_lowercase();
        }
        out.push(e.lower);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_character_is_classed_as_the_standard_library_does() {
        for u in 0..0x11_0000 {
            let Some(c) = char::from_u32(u) else { continue };
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{u:#x}");
            assert_eq!(is_alphabetic(c), c.is_alphabetic(), "{u:#x}");
            assert_eq!(is_lowercase(c), c.is_lowercase(), "{u:#x}");
            assert_eq!(is_uppercase(c), c.is_uppercase(), "{u:#x}");
            let s = c.to_string();
            assert_eq!(to_lowercase(&s), s.to_lowercase(), "{u:#x}");
            let mut lower = c.to_lowercase();
            let single = lower.next().filter(|_| lower.len() == 0);
            assert_eq!(lower_char(c), single, "{u:#x}");
        }
    }

    #[test]
    fn strings_lower_as_the_standard_library_does() {
        for s in [
            "KHỐI THI ĐUA CÁC SỞ, BAN, NGÀNH",
            "Cụm Thi Đua Số 3 Tỉnh Quảng Trị",
            "ΟΔΟΣ ΟΔΟΣ.",
            "İstanbul ǅ ß ẞ",
            "",
            "ascii only",
        ] {
            assert_eq!(to_lowercase(s), s.to_lowercase(), "{s}");
        }
    }
}
