//! Vietnamese letters and syllables: which characters are Vietnamese letters, how a syllable
//! splits into onset, vowel cluster and final consonant, whether it is a well-formed
//! syllable, and on which vowel its tone mark belongs.
//!
//! This is the shared ground of tone repair (tone.rs) and legacy-encoding detection
//! (legacy.rs): a word that parses here is treated as Vietnamese, anything else is left alone.

use std::sync::LazyLock;
use unicode_normalization::char::{compose, decompose_canonical};

/// The vowel-shape mark of a letter (or the bar of đ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Shape {
    #[default]
    None,
    /// ă
    Breve,
    /// â ê ô
    Circumflex,
    /// ơ ư
    Horn,
    /// đ
    Bar,
}

/// The tone mark of a letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tone {
    #[default]
    None,
    Grave,
    Acute,
    Hook,
    Tilde,
    Dot,
}

impl Tone {
    fn mark(self) -> Option<char> {
        match self {
            Tone::None => None,
            Tone::Grave => Some('\u{300}'),
            Tone::Acute => Some('\u{301}'),
            Tone::Hook => Some('\u{309}'),
            Tone::Tilde => Some('\u{303}'),
            Tone::Dot => Some('\u{323}'),
        }
    }
}

/// One Vietnamese letter: an ASCII base letter (lower case), its shape and tone, its case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Letter {
    pub base: u8,
    pub shape: Shape,
    pub tone: Tone,
    pub upper: bool,
    /// Written as the Icelandic eth (ð, Ð) instead of đ.
    pub eth: bool,
}

impl Letter {
    /// The letter as one precomposed character (đ for an eth).
    pub fn to_char(self) -> char {
        let base = if self.shape == Shape::Bar {
            'đ'
        } else {
            let b = self.base as char;
            let shape = match self.shape {
                Shape::Breve => Some('\u{306}'),
                Shape::Circumflex => Some('\u{302}'),
                Shape::Horn => Some('\u{31b}'),
                _ => None,
            };
            let add = |c: char, m: Option<char>| m.map_or(Some(c), |m| compose(c, m));
            // Composition follows canonical order: ậ is ạ + circumflex, ợ is ơ + dot.
            add(b, shape)
                .and_then(|c| add(c, self.tone.mark()))
                .or_else(|| add(b, self.tone.mark()).and_then(|c| add(c, shape)))
                .unwrap_or(b)
        };
        if self.upper {
            base.to_uppercase().next().unwrap_or(base)
        } else {
            base
        }
    }

    /// Whether the letter is a vowel (đ is not).
    pub fn is_vowel(self) -> bool {
        self.shape != Shape::Bar && is_vowel(self.base)
    }

    /// A one-byte code for the letter without tone: a–z, and 1–6 for ă â ê ô ơ ư, D for đ.
    fn code(self) -> u8 {
        match (self.base, self.shape) {
            (_, Shape::Bar) => b'D',
            (b'a', Shape::Breve) => b'1',
            (b'a', Shape::Circumflex) => b'2',
            (b'e', Shape::Circumflex) => b'3',
            (b'o', Shape::Circumflex) => b'4',
            (b'o', Shape::Horn) => b'5',
            (b'u', Shape::Horn) => b'6',
            (b, _) => b,
        }
    }
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

const LATIN_START: u32 = 0xC0;
const LATIN_END: u32 = 0x1B0;
const EXT_START: u32 = 0x1EA0;
const EXT_END: u32 = 0x1EF9;

/// Letters of U+00C0–U+01B0 and U+1EA0–U+1EF9 that are Vietnamese, computed once from the
/// Unicode decompositions.
static TABLE: LazyLock<Vec<Option<Letter>>> = LazyLock::new(|| {
    let mut t = Vec::new();
    for cp in (LATIN_START..=LATIN_END).chain(EXT_START..=EXT_END) {
        t.push(char::from_u32(cp).and_then(decompose_letter));
    }
    t
});

fn decompose_letter(c: char) -> Option<Letter> {
    match c {
        'đ' | 'Đ' => {
            return Some(Letter {
                base: b'd',
                shape: Shape::Bar,
                upper: c == 'Đ',
                ..Letter::default()
            });
        }
        'ð' | 'Ð' => {
            return Some(Letter {
                base: b'd',
                shape: Shape::Bar,
                upper: c == 'Ð',
                eth: true,
                ..Letter::default()
            });
        }
        _ => {}
    }
    let upper = c.is_uppercase();
    let lower = c.to_lowercase().next()?;
    let mut parts = [None; 4];
    let mut n = 0;
    let mut ok = true;
    decompose_canonical(lower, |d| {
        if n < parts.len() {
            parts[n] = Some(d);
            n += 1;
        } else {
            ok = false;
        }
    });
    let base = parts[0]?;
    if !ok || !base.is_ascii_lowercase() || n < 2 {
        return None;
    }
    let mut letter = Letter {
        base: base as u8,
        upper,
        ..Letter::default()
    };
    for m in parts[1..n].iter().flatten() {
        match m {
            '\u{306}' if letter.shape == Shape::None => letter.shape = Shape::Breve,
            '\u{302}' if letter.shape == Shape::None => letter.shape = Shape::Circumflex,
            '\u{31b}' if letter.shape == Shape::None => letter.shape = Shape::Horn,
            '\u{300}' if letter.tone == Tone::None => letter.tone = Tone::Grave,
            '\u{301}' if letter.tone == Tone::None => letter.tone = Tone::Acute,
            '\u{309}' if letter.tone == Tone::None => letter.tone = Tone::Hook,
            '\u{303}' if letter.tone == Tone::None => letter.tone = Tone::Tilde,
            '\u{323}' if letter.tone == Tone::None => letter.tone = Tone::Dot,
            _ => return None,
        }
    }
    let shape_ok = match letter.shape {
        Shape::None => true,
        Shape::Breve => letter.base == b'a',
        Shape::Circumflex => matches!(letter.base, b'a' | b'e' | b'o'),
        Shape::Horn => matches!(letter.base, b'o' | b'u'),
        Shape::Bar => false,
    };
    (shape_ok && is_vowel(letter.base)).then_some(letter)
}

/// The Vietnamese letter a character stands for (ASCII letters included; ð counts as đ).
#[inline]
pub fn analyze(c: char) -> Option<Letter> {
    let cp = c as u32;
    if cp < 0x80 {
        let b = cp as u8;
        return b.is_ascii_alphabetic().then(|| Letter {
            base: b.to_ascii_lowercase(),
            upper: b.is_ascii_uppercase(),
            ..Letter::default()
        });
    }
    if (LATIN_START..=LATIN_END).contains(&cp) {
        TABLE[(cp - LATIN_START) as usize]
    } else if (EXT_START..=EXT_END).contains(&cp) {
        TABLE[(LATIN_END - LATIN_START + 1 + cp - EXT_START) as usize]
    } else {
        None
    }
}

/// Vowel clusters with their final consonants (without tone) that Vietnamese syllables use.
const RHYMES: &[&str] = &[
    "a", "ai", "ao", "au", "ay", "ac", "ach", "am", "an", "ang", "anh", "ap", "at", //
    "ăc", "ăm", "ăn", "ăng", "ăp", "ăt", //
    "âu", "ây", "âc", "âm", "ân", "âng", "âp", "ât", //
    "e", "eo", "ec", "em", "en", "eng", "ep", "et", //
    "ê", "êu", "êch", "êm", "ên", "ênh", "êp", "êt", //
    "i", "ia", "iu", "ich", "im", "in", "inh", "ip", "it", //
    "iêu", "iêc", "iêm", "iên", "iêng", "iêp", "iêt", //
    "yêu", "yêm", "yên", "yêt", "y", "ynh", "yt", "ych", //
    "o", "oi", "oc", "om", "on", "ong", "op", "ot", "ooc", "oong", //
    "oa", "oai", "oay", "oac", "oach", "oam", "oan", "oang", "oanh", "oap", "oat", //
    "oăc", "oăm", "oăn", "oăng", "oăt", //
    "oe", "oeo", "oen", "oet", "oem", //
    "ô", "ôi", "ôc", "ôm", "ôn", "ông", "ôp", "ôt", //
    "ơ", "ơi", "ơm", "ơn", "ơp", "ơt", //
    "u", "ua", "ui", "uc", "um", "un", "ung", "up", "ut", //
    "uôi", "uôc", "uôm", "uôn", "uông", "uôt", //
    "uân", "uâng", "uât", "uây", //
    "uê", "uêch", "uênh", //
    "uy", "uya", "uyu", "uych", "uynh", "uyt", "uyp", "uyn", "uyên", "uyêt", //
    "uơ", "ươ", //
    "ư", "ưa", "ưi", "ưu", "ưc", "ưm", "ưn", "ưng", "ưt", //
    "ươi", "ươu", "ươc", "ươm", "ươn", "ương", "ươp", "ươt",
];

/// Packs up to 8 letter codes into a key.
fn pack(codes: impl Iterator<Item = u8>) -> Option<u64> {
    let mut key = 0u64;
    for (i, c) in codes.enumerate() {
        if i == 8 {
            return None;
        }
        key = key << 8 | c as u64;
    }
    Some(key)
}

/// The packed rhymes, sorted for binary search.
static RHYME_KEYS: LazyLock<Vec<u64>> = LazyLock::new(|| {
    let mut keys: Vec<u64> = RHYMES
        .iter()
        .filter_map(|r| {
            let codes: Vec<u8> = r.chars().filter_map(analyze).map(Letter::code).collect();
            pack(codes.into_iter())
        })
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
});

fn is_rhyme(letters: &[Letter]) -> bool {
    !letters.is_empty()
        && pack(letters.iter().map(|l| l.code()))
            .is_some_and(|k| RHYME_KEYS.binary_search(&k).is_ok())
}

/// Whether a character is a letter, quickly for Vietnamese ones.
#[inline]
pub fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        analyze(c).is_some() || c.is_alphabetic()
    }
}

fn is_onset(codes: &[u8]) -> bool {
    // Bare "p" is left out: it begins only loanwords in Vietnamese but many words of the
    // languages whose pages get mixed in ("più", "põe").
    matches!(
        codes,
        b"" | b"b"
            | b"c"
            | b"ch"
            | b"d"
            | b"D"
            | b"g"
            | b"gh"
            | b"gi"
            | b"h"
            | b"k"
            | b"kh"
            | b"l"
            | b"m"
            | b"n"
            | b"ng"
            | b"ngh"
            | b"nh"
            | b"ph"
            | b"qu"
            | b"r"
            | b"s"
            | b"t"
            | b"th"
            | b"tr"
            | b"v"
            | b"x"
    )
}

fn is_coda(codes: &[u8]) -> bool {
    matches!(
        codes,
        b"" | b"c" | b"ch" | b"m" | b"n" | b"ng" | b"nh" | b"p" | b"t"
    )
}

/// Most letters in a word this module looks at.
pub const MAX_LETTERS: usize = 8;

/// A syllable split into its parts (indices into the letters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Syllable {
    /// The first vowel of the cluster (after the onset, "qu" and "gi" included).
    pub vowels_start: usize,
    /// One past the last vowel of the cluster.
    pub vowels_end: usize,
    /// Number of letters.
    pub len: usize,
    /// "ngh"/"gh" written before a back vowel ("nghành"): the h at this index is a typo.
    pub drop_h: Option<usize>,
    /// "uơ"/"ưo" before a final consonant ("đuợc", "bưóc"): both letters take the horn.
    pub horn_pair: Option<usize>,
}

impl Syllable {
    /// Whether the syllable ends in a consonant.
    pub fn has_coda(&self) -> bool {
        self.vowels_end < self.len
    }
}

/// Splits letters into a Vietnamese syllable, or `None` when they are not one. Tone marks
/// are ignored here (they may be misplaced or doubled).
pub fn parse(letters: &[Letter]) -> Option<Syllable> {
    let n = letters.len();
    if n == 0 || n > MAX_LETTERS {
        return None;
    }
    let mut codes = [0u8; MAX_LETTERS];
    for (i, l) in letters.iter().enumerate() {
        codes[i] = l.code();
    }
    let first_vowel = letters.iter().position(|l| l.is_vowel())?;
    let mut v = first_vowel;
    let onset = &codes[..v];
    let next_is_vowel = |i: usize| letters.get(i).is_some_and(|l| l.is_vowel());
    if onset == b"q" && letters[v].base == b'u' && letters[v].shape == Shape::None {
        if !next_is_vowel(v + 1) {
            return None;
        }
        v += 1;
    } else if onset == b"g"
        && letters[v].base == b'i'
        && letters[v].shape == Shape::None
        && next_is_vowel(v + 1)
    {
        v += 1;
    }
    let onset = &codes[..v];
    if !is_onset(onset) {
        return None;
    }
    let end = v + letters[v..].iter().take_while(|l| l.is_vowel()).count();
    if end - v > 3 || !is_coda(&codes[end..n]) {
        return None;
    }
    let mut fixed = [Letter::default(); MAX_LETTERS];
    fixed[..n].copy_from_slice(letters);
    let mut syl = Syllable {
        vowels_start: v,
        vowels_end: end,
        len: n,
        drop_h: None,
        horn_pair: None,
    };
    // ngh/gh stand only before e, ê, i, y (and oe: "nghoèo" is written both ways).
    let front = matches!(letters[v].base, b'e' | b'i' | b'y')
        || (letters[v].base == b'o' && letters.get(v + 1).is_some_and(|l| l.base == b'e'));
    if (onset == b"ngh" || onset == b"gh") && !front {
        syl.drop_h = Some(v - 1);
    }
    // "uơ" and "ưo" with something after them are "ươ" missing a horn.
    if end - v >= 2 {
        for j in v..end - 1 {
            let (a, b) = (letters[j], letters[j + 1]);
            let pair = (a.base, a.shape, b.base, b.shape);
            let half = matches!(
                pair,
                (b'u', Shape::None, b'o', Shape::Horn) | (b'u', Shape::Horn, b'o', Shape::None)
            );
            if half && (end < n || j + 2 < end) {
                fixed[j].shape = Shape::Horn;
                fixed[j + 1].shape = Shape::Horn;
                syl.horn_pair = Some(j);
            }
        }
    }
    let rhyme = &fixed[v..n];
    let ok = is_rhyme(rhyme)
        || (onset == b"gi" && {
            // "giêng", "giếc": the i of gi doubles as the i of iê.
            let mut with_i = [Letter::default(); MAX_LETTERS + 1];
            with_i[0] = letters[v - 1];
            with_i[1..=rhyme.len()].copy_from_slice(rhyme);
            is_rhyme(&with_i[..=rhyme.len()])
        });
    ok.then_some(syl)
}

/// The index of the letter that carries the tone in a parsed syllable (letters after the
/// typo fixes of [`parse`], which do not move vowels).
pub fn tone_position(letters: &[Letter], syl: &Syllable, modern: bool) -> usize {
    let (v, e) = (syl.vowels_start, syl.vowels_end);
    let shaped = |l: &Letter| l.shape != Shape::None;
    let horn_fixed = |i: usize| syl.horn_pair.is_some_and(|j| i == j || i == j + 1);
    if let Some(i) = (v..e).rev().find(|&i| shaped(&letters[i]) || horn_fixed(i)) {
        return i;
    }
    if syl.has_coda() {
        return e - 1;
    }
    match e - v {
        1 => v,
        2 => {
            let pair = (letters[v].base, letters[v + 1].base);
            let medial = matches!(pair, (b'o', b'a') | (b'o', b'e') | (b'u', b'y'));
            if medial && modern { v + 1 } else { v }
        }
        _ => v + 1,
    }
}

/// Whether the tone at `pos` is where one of the two styles puts it (hòa / hoà).
pub fn is_style_position(letters: &[Letter], syl: &Syllable, pos: usize) -> bool {
    pos == tone_position(letters, syl, false) || pos == tone_position(letters, syl, true)
}

/// Splits a word into letters; `None` if a character is not a Vietnamese letter or the word
/// is too long to be a syllable.
pub fn letters_of(word: &str, buf: &mut [Letter; MAX_LETTERS]) -> Option<usize> {
    let mut n = 0;
    for c in word.chars() {
        if n == MAX_LETTERS {
            return None;
        }
        buf[n] = analyze(c)?;
        n += 1;
    }
    Some(n)
}

/// Whether a word is a Vietnamese syllable as far as its letters go, its tone marks aside
/// (misplaced, doubled or in either style) and typos that tone repair fixes included.
pub fn parses(word: &str) -> bool {
    let mut buf = [Letter::default(); MAX_LETTERS];
    letters_of(word, &mut buf).is_some_and(|n| parse(&buf[..n]).is_some())
}

/// Whether a word is one well-formed Vietnamese syllable: known onset and rhyme, at most one
/// tone mark, and only the sharp or heavy tone before a final p, t, c or ch.
pub fn is_valid(word: &str) -> bool {
    let mut buf = [Letter::default(); MAX_LETTERS];
    let Some(n) = letters_of(word, &mut buf) else {
        return false;
    };
    let letters = &buf[..n];
    let Some(syl) = parse(letters) else {
        return false;
    };
    if syl.drop_h.is_some() || syl.horn_pair.is_some() {
        return false;
    }
    let mut tones = letters.iter().filter(|l| l.tone != Tone::None);
    let tone = match (tones.next(), tones.next()) {
        (None, _) => Tone::None,
        (Some(l), None) => l.tone,
        _ => return false,
    };
    let stop = match &letters[syl.vowels_end..] {
        [c] => matches!(c.base, b'c' | b'p' | b't'),
        [c, h] => c.base == b'c' && h.base == b'h',
        _ => false,
    };
    !stop || matches!(tone, Tone::Acute | Tone::Dot)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letters(w: &str) -> Vec<Letter> {
        w.chars().map(|c| analyze(c).unwrap()).collect()
    }

    #[test]
    fn analyzes_letters() {
        let l = analyze('Ự').unwrap();
        assert_eq!(
            (l.base, l.shape, l.tone, l.upper),
            (b'u', Shape::Horn, Tone::Dot, true)
        );
        assert_eq!(analyze('ð').unwrap().to_char(), 'đ');
        assert_eq!(analyze('ậ').unwrap().to_char(), 'ậ');
        assert!(analyze('ü').is_none());
        assert!(analyze('ç').is_none());
        assert!(analyze('ñ').is_none());
        assert!(analyze('1').is_none());
        for c in "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ".chars()
        {
            let l = analyze(c).unwrap();
            assert_eq!(l.to_char(), c);
            let u = c.to_uppercase().next().unwrap();
            assert_eq!(analyze(u).unwrap().to_char(), u);
        }
    }

    #[test]
    fn valid_syllables() {
        for w in [
            "hòa", "hoà", "khỏe", "thủy", "quý", "giữ", "gìn", "giếng", "nghiêng", "người",
            "khuỷu", "Nguyễn", "ĐẠI", "của", "ươm", "thuở", "xoong", "a", "ở", "yêu", "quốc",
        ] {
            assert!(is_valid(w), "{w}");
        }
        for w in [
            "chµo", "café", "più", "où", "Müller", "nghành", "đuợc", "hòà", "hoc", "mét1", "Đắk",
            "bát́", "bàt", "",
        ] {
            assert!(!is_valid(w), "{w}");
        }
    }

    #[test]
    fn tone_positions() {
        let pos = |w: &str, modern: bool| {
            let l = letters(w);
            let s = parse(&l).unwrap();
            tone_position(&l, &s, modern)
        };
        assert_eq!(pos("hoa", false), 1);
        assert_eq!(pos("hoa", true), 2);
        assert_eq!(pos("hoan", true), 2);
        assert_eq!(pos("thuy", false), 2);
        assert_eq!(pos("quy", false), 2);
        assert_eq!(pos("người", false), 3);
        assert_eq!(pos("khuya", false), 3);
        assert_eq!(pos("gia", false), 2);
        assert_eq!(pos("bai", false), 1);
        assert_eq!(pos("tiêng", false), 2);
        assert_eq!(pos("đuơc", false), 2);
    }
}
