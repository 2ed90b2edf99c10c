//! The 8-bit code pages of legacy Vietnamese text (TCVN3, VNI-Windows, Windows-1258) as they
//! reach us: decoded as Windows-1252. Which byte each character came from, and which
//! letter or mark each byte stands for in each code page. Detection and conversion are in
//! legacy.rs; tone.rs asks only whether a character is such a byte ([`is_mapped`]).

use std::sync::LazyLock;

/// The byte a character came from when 8-bit text was decoded as Windows-1252.
#[inline]
pub fn cp1252_byte(c: char) -> Option<u8> {
    let cp = c as u32;
    if cp < 0x100 {
        // 0x80–0x9F: bytes that Windows-1252 leaves undefined decode to C1 controls.
        return Some(cp as u8);
    }
    Some(match c {
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '\u{2018}' => 0x91,
        '\u{2019}' => 0x92,
        '\u{201C}' => 0x93,
        '\u{201D}' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => return None,
    })
}

/// TCVN3 (TCVN 5712:1993, the ABC fonts): bytes 0xA1–0xFF. The ABC fonts have no upper-case
/// letters with tone marks (they print capitals from the lower-case codes in a separate
/// ".VnTimeH" font); the standard's VN1 table puts sixteen of them in the gaps of this range
/// (0xAF, 0xBA, 0xBF, 0xC0–0xC5, 0xCD, 0xD9–0xDB, 0xE0, 0xF0, 0xFF), which ABC text never uses,
/// so they are mapped too. 0xB0–0xB4 are the tone marks as combining characters.
const TCVN3: &[(u8, &str)] = &[
    (0xAF, "Ằ"),
    (0xBA, "Ẳ"),
    (0xBF, "Ẵ"),
    (0xC0, "Ắ"),
    (0xC1, "Ầ"),
    (0xC2, "Ẩ"),
    (0xC3, "Ẫ"),
    (0xC4, "Ấ"),
    (0xC5, "Ề"),
    (0xCD, "Ể"),
    (0xD9, "Ễ"),
    (0xDA, "Ế"),
    (0xDB, "Ồ"),
    (0xE0, "Ổ"),
    (0xF0, "Ỗ"),
    (0xFF, "Ố"),
    (0xA1, "Ă"),
    (0xA2, "Â"),
    (0xA3, "Ê"),
    (0xA4, "Ô"),
    (0xA5, "Ơ"),
    (0xA6, "Ư"),
    (0xA7, "Đ"),
    (0xA8, "ă"),
    (0xA9, "â"),
    (0xAA, "ê"),
    (0xAB, "ô"),
    (0xAC, "ơ"),
    (0xAD, "ư"),
    (0xAE, "đ"),
    (0xB0, "\u{300}"),
    (0xB1, "\u{309}"),
    (0xB2, "\u{303}"),
    (0xB3, "\u{301}"),
    (0xB4, "\u{323}"),
    (0xB5, "à"),
    (0xB6, "ả"),
    (0xB7, "ã"),
    (0xB8, "á"),
    (0xB9, "ạ"),
    (0xBB, "ằ"),
    (0xBC, "ẳ"),
    (0xBD, "ẵ"),
    (0xBE, "ắ"),
    (0xC6, "ặ"),
    (0xC7, "ầ"),
    (0xC8, "ẩ"),
    (0xC9, "ẫ"),
    (0xCA, "ấ"),
    (0xCB, "ậ"),
    (0xCC, "è"),
    (0xCE, "ẻ"),
    (0xCF, "ẽ"),
    (0xD0, "é"),
    (0xD1, "ẹ"),
    (0xD2, "ề"),
    (0xD3, "ể"),
    (0xD4, "ễ"),
    (0xD5, "ế"),
    (0xD6, "ệ"),
    (0xD7, "ì"),
    (0xD8, "ỉ"),
    (0xDC, "ĩ"),
    (0xDD, "í"),
    (0xDE, "ị"),
    (0xDF, "ò"),
    (0xE1, "ỏ"),
    (0xE2, "õ"),
    (0xE3, "ó"),
    (0xE4, "ọ"),
    (0xE5, "ồ"),
    (0xE6, "ổ"),
    (0xE7, "ỗ"),
    (0xE8, "ố"),
    (0xE9, "ộ"),
    (0xEA, "ờ"),
    (0xEB, "ở"),
    (0xEC, "ỡ"),
    (0xED, "ớ"),
    (0xEE, "ợ"),
    (0xEF, "ù"),
    (0xF1, "ủ"),
    (0xF2, "ũ"),
    (0xF3, "ú"),
    (0xF4, "ụ"),
    (0xF5, "ừ"),
    (0xF6, "ử"),
    (0xF7, "ữ"),
    (0xF8, "ứ"),
    (0xF9, "ự"),
    (0xFA, "ỳ"),
    (0xFB, "ỷ"),
    (0xFC, "ỹ"),
    (0xFD, "ý"),
    (0xFE, "ỵ"),
];

/// VNI-Windows: a base letter followed by mark bytes (lower- and upper-case forms), plus
/// single bytes for ơ ư đ ỉ ĩ ị ỵ (í and ì are their Windows-1252 selves).
const VNI: &[(u8, &str)] = &[
    // Tone marks.
    (0xF8, "\u{300}"),
    (0xD8, "\u{300}"),
    (0xF9, "\u{301}"),
    (0xD9, "\u{301}"),
    (0xFB, "\u{309}"),
    (0xDB, "\u{309}"),
    (0xF5, "\u{303}"),
    (0xD5, "\u{303}"),
    (0xEF, "\u{323}"),
    (0xCF, "\u{323}"),
    // Circumflex, alone and with a tone.
    (0xE2, "\u{302}"),
    (0xC2, "\u{302}"),
    (0xE0, "\u{302}\u{300}"),
    (0xC0, "\u{302}\u{300}"),
    (0xE1, "\u{302}\u{301}"),
    (0xC1, "\u{302}\u{301}"),
    (0xE5, "\u{302}\u{309}"),
    (0xC5, "\u{302}\u{309}"),
    (0xE3, "\u{302}\u{303}"),
    (0xC3, "\u{302}\u{303}"),
    (0xE4, "\u{302}\u{323}"),
    (0xC4, "\u{302}\u{323}"),
    // Breve, alone and with a tone.
    (0xEA, "\u{306}"),
    (0xCA, "\u{306}"),
    (0xE8, "\u{306}\u{300}"),
    (0xC8, "\u{306}\u{300}"),
    (0xE9, "\u{306}\u{301}"),
    (0xC9, "\u{306}\u{301}"),
    (0xFA, "\u{306}\u{309}"),
    (0xDA, "\u{306}\u{309}"),
    (0xFC, "\u{306}\u{303}"),
    (0xDC, "\u{306}\u{303}"),
    (0xEB, "\u{306}\u{323}"),
    (0xCB, "\u{306}\u{323}"),
    // Letters of their own.
    (0xF4, "ơ"),
    (0xD4, "Ơ"),
    (0xF6, "ư"),
    (0xD6, "Ư"),
    (0xF1, "đ"),
    (0xD1, "Đ"),
    (0xE6, "ỉ"),
    (0xC6, "Ỉ"),
    (0xF3, "ĩ"),
    (0xD3, "Ĩ"),
    (0xF2, "ị"),
    (0xD2, "Ị"),
    (0xEE, "ỵ"),
    (0xCE, "Ỵ"),
];

pub type Table = [Option<&'static str>; 128];

fn table(pairs: &[(u8, &'static str)]) -> Table {
    let mut t = [None; 128];
    for &(b, s) in pairs {
        t[(b - 0x80) as usize] = Some(s);
    }
    t
}

pub static TCVN3_TABLE: LazyLock<Table> = LazyLock::new(|| table(TCVN3));
pub static VNI_TABLE: LazyLock<Table> = LazyLock::new(|| table(VNI));
/// Windows-1258 bytes 0x80–0xFF where they differ from Windows-1252 (from encoding_rs).
pub static CP1258_TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut t = [None; 128];
    for b in 0x80u8..=0xFF {
        let byte = [b];
        let (s, _, bad) = encoding_rs::WINDOWS_1258.decode(&byte);
        let (w, _, _) = encoding_rs::WINDOWS_1252.decode(&byte);
        if !bad && s != w && !s.chars().any(char::is_control) {
            t[(b - 0x80) as usize] = Some(&*Box::leak(s.into_owned().into_boxed_str()));
        }
    }
    t
});

/// Whether any legacy encoding maps this character (seen as Windows-1252) to a letter or mark.
pub fn is_mapped(c: char) -> bool {
    !c.is_ascii()
        && [&*TCVN3_TABLE, &*VNI_TABLE, &*CP1258_TABLE]
            .iter()
            .any(|t| mapped(c, t).is_some())
}

#[inline]
pub fn mapped(c: char, t: &Table) -> Option<&'static str> {
    let b = cp1252_byte(c)?;
    if b < 0x80 {
        None
    } else {
        t[(b - 0x80) as usize]
    }
}
