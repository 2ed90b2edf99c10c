//! Bytes to text: byte-order mark, transport header, `<meta charset>`, then detection.

use crate::document::RawDocument;
use crate::error::{Error, Result};
use encoding_rs::Encoding;
use std::borrow::Cow;

/// Decoded text and how the charset was chosen. The text borrows the raw bytes when they are
/// UTF-8 already (most pages), so reading HTML does not copy them.
#[derive(Debug, Clone)]
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub warnings: Vec<String>,
}

/// Decodes a raw document's bytes. Binary content (NUL bytes or mostly control characters) is
/// an error naming the input.
///
/// The charset comes from, in order: a byte-order mark, the transport header, `<meta charset>`
/// or `http-equiv` (or an XML declaration), then detection (chardetng with the `.vn` hint).
/// A declared single-byte charset on bytes that are valid UTF-8 with non-ASCII text is taken
/// as a mislabel and UTF-8 is used; a declared UTF-8 on bytes that are not is re-detected.
/// Whatever was guessed or overridden is said in `warnings`.
pub fn decode(raw: &RawDocument) -> Result<Decoded<'_>> {
    let bytes = &raw.bytes;
    if looks_binary(bytes) {
        return Err(Error::input(&raw.input, "binary content, not text or HTML"));
    }
    let mut warnings = Vec::new();
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            warnings.push(replaced(enc));
        }
        return Ok(Decoded { text, warnings });
    }
    let declared = raw
        .charset_hint
        .as_deref()
        .and_then(|l| Encoding::for_label(l.trim().as_bytes()))
        .map(|e| (e, "header"))
        .or_else(|| meta_charset(bytes).map(|e| (e, "meta")));
    let valid_utf8 = || simdutf8::basic::from_utf8(bytes).is_ok();
    if declared.is_none_or(|(enc, _)| enc == encoding_rs::UTF_8)
        && let Ok(text) = simdutf8::basic::from_utf8(bytes)
    {
        return Ok(Decoded {
            text: Cow::Borrowed(text),
            warnings,
        });
    }
    if declared.is_none_or(|(enc, _)| enc == encoding_rs::UTF_8)
        && let Some((text, legacy_lines, lossy_lines)) = decode_mixed(bytes)
    {
        if legacy_lines > 0 {
            warnings.push(format!(
                "bytes are partly UTF-8: {legacy_lines} lines read as windows-1252 (legacy Vietnamese encodings are converted by the normalizer), the others as UTF-8"
            ));
        }
        if lossy_lines > 0 {
            warnings.push(format!(
                "invalid UTF-8 byte sequences replaced with U+FFFD in {lossy_lines} lines"
            ));
        }
        return Ok(Decoded {
            text: Cow::Owned(text),
            warnings,
        });
    }
    let encoding = match declared {
        Some((enc, _)) if enc == encoding_rs::UTF_8 => {
            let (text, had_errors) = enc.decode_without_bom_handling(bytes);
            if !had_errors || text.matches('\u{fffd}').count() < 3 {
                if had_errors {
                    warnings.push(replaced(enc));
                }
                return Ok(Decoded { text, warnings });
            }
            let guess = detect(bytes);
            if guess != encoding_rs::UTF_8 {
                warnings.push(format!(
                    "charset declared as UTF-8 but the bytes are not UTF-8; guessed {}",
                    guess.name()
                ));
            }
            guess
        }
        Some((enc, how)) => {
            if enc.is_single_byte() && !bytes.is_ascii() && valid_utf8() {
                warnings.push(format!(
                    "charset declared as {} ({how}) but the bytes are UTF-8; read as UTF-8",
                    enc.name()
                ));
                encoding_rs::UTF_8
            } else {
                enc
            }
        }
        None => {
            let guess = detect(bytes);
            if guess.is_single_byte() && guess != encoding_rs::WINDOWS_1252 && latin(guess) {
                // Undeclared 8-bit Vietnamese pages are mostly in legacy font encodings
                // (TCVN3, VNI), which chardetng takes for windows-1258. Read as windows-1252,
                // the normalizer's legacy converter recognizes TCVN3, VNI and windows-1258
                // alike, line by line.
                warnings.push(format!(
                    "charset guessed as windows-1252 (detector said {}); legacy Vietnamese encodings are converted by the normalizer",
                    guess.name()
                ));
                encoding_rs::WINDOWS_1252
            } else {
                warnings.push(format!("charset guessed as {}", guess.name()));
                guess
            }
        }
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        warnings.push(replaced(encoding));
    }
    Ok(Decoded { text, warnings })
}

fn replaced(enc: &'static Encoding) -> String {
    format!("invalid {} byte sequences replaced with U+FFFD", enc.name())
}

/// Latin-script single-byte encodings, where the legacy Vietnamese font encodings hide.
fn latin(enc: &'static Encoding) -> bool {
    [
        encoding_rs::WINDOWS_1258,
        encoding_rs::WINDOWS_1250,
        encoding_rs::WINDOWS_1254,
        encoding_rs::WINDOWS_1257,
        encoding_rs::ISO_8859_2,
        encoding_rs::ISO_8859_3,
        encoding_rs::ISO_8859_4,
        encoding_rs::ISO_8859_10,
        encoding_rs::ISO_8859_13,
        encoding_rs::ISO_8859_14,
        encoding_rs::ISO_8859_15,
        encoding_rs::ISO_8859_16,
    ]
    .contains(&enc)
}

/// Bytes that are UTF-8 only in part: lines pasted together from sources in different
/// encodings (a UTF-8 article with TCVN3 or windows-1258 lines) or a few stray bytes. Each line
/// is read on its own: as UTF-8 when it is valid, or when its multi-byte characters outnumber
/// its invalid bytes (which become U+FFFD); otherwise as windows-1252, which the normalizer's
/// legacy converter reads as TCVN3, VNI or windows-1258 line by line. `None` (decode the
/// whole text in one charset) unless the lines read as UTF-8 hold at least 8 multi-byte
/// characters, and at least a quarter as many as the other lines hold invalid bytes: text in
/// a legacy encoding practically never has any, text in a double-byte one (GBK, Shift_JIS)
/// only by chance. Returns the text and the numbers of lines read as windows-1252 and of lines
/// read as UTF-8 with replacements.
fn decode_mixed(bytes: &[u8]) -> Option<(String, usize, usize)> {
    // Per line: read as UTF-8? how many multi-byte characters? any invalid byte?
    let verdict = |line: &[u8]| {
        let (mut multi, mut invalid) = (0, 0);
        for chunk in line.utf8_chunks() {
            multi += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
            invalid += chunk.invalid().len();
        }
        (invalid == 0 || multi > invalid, multi, invalid)
    };
    let lines = || bytes.split_inclusive(|&b| b == b'\n');
    let (mut utf8_chars, mut other_invalid) = (0, 0);
    for (utf8, multi, invalid) in lines().map(verdict) {
        if utf8 {
            utf8_chars += multi;
        } else {
            other_invalid += invalid;
        }
    }
    if utf8_chars < 8 || 4 * utf8_chars < other_invalid {
        return None;
    }
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 8);
    let (mut legacy_lines, mut lossy_lines) = (0, 0);
    for line in lines() {
        let (utf8, _, invalid) = verdict(line);
        if utf8 {
            lossy_lines += usize::from(invalid > 0);
            text.push_str(&String::from_utf8_lossy(line));
        } else {
            legacy_lines += 1;
            text.push_str(
                &encoding_rs::WINDOWS_1252
                    .decode_without_bom_handling(line)
                    .0,
            );
        }
    }
    Some((text, legacy_lines, lossy_lines))
}

fn detect(bytes: &[u8]) -> &'static Encoding {
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    det.guess(Some(b"vn"), chardetng::Utf8Detection::Allow)
}

fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    if sample.is_empty() {
        return false;
    }
    if sample.contains(&0) {
        // UTF-16 text has NULs too, but it starts with a byte-order mark.
        return Encoding::for_bom(bytes).is_none();
    }
    // Counting every byte below 0x20 first is one vectorized pass (byte-wide counts over
    // chunks short enough not to overflow them); text rarely has even a tenth of those, line
    // breaks included.
    let low: usize = sample
        .chunks(255)
        .map(|c| usize::from(c.iter().map(|&b| u8::from(b < 0x20)).sum::<u8>()))
        .sum();
    if low * 10 <= sample.len() {
        return false;
    }
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    control * 10 > sample.len()
}

/// Finds the charset of `<meta charset=…>`, `<meta http-equiv content="…; charset=…">` or an
/// XML declaration in the first 8 KiB.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(8192)];
    let starts_with = |at: usize, word: &[u8]| {
        head.get(at..at + word.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(word))
    };
    let tag_end =
        |start: usize| memchr::memchr(b'>', &head[start..]).map_or(head.len(), |e| start + e);
    let mut tags: Vec<(usize, usize)> = Vec::new();
    if starts_with(0, b"<?xml") {
        tags.push((0, tag_end(0)));
    }
    // Only the `<meta` tags are lowercased, not the whole head.
    let mut from = 0;
    while let Some(pos) = memchr::memchr(b'<', &head[from..]) {
        let start = from + pos;
        if starts_with(start, b"<meta") {
            let end = tag_end(start);
            tags.push((start, end));
            from = end.max(start + 1);
        } else {
            from = start + 1;
        }
    }
    for (start, end) in tags {
        let tag = head[start..end].to_ascii_lowercase();
        let tag = tag.as_slice();
        for key in [&b"charset"[..], &b"encoding"[..]] {
            let Some(pos) = find(tag, key) else { continue };
            let mut i = pos + key.len();
            while i < tag.len() && matches!(tag[i], b' ' | b'=' | b'"' | b'\'') {
                i += 1;
            }
            let s = i;
            while i < tag.len()
                && (tag[i].is_ascii_alphanumeric() || matches!(tag[i], b'-' | b'_' | b':' | b'.'))
            {
                i += 1;
            }
            if i > s
                && let Some(enc) = Encoding::for_label(&tag[s..i])
            {
                // A page that says UTF-16 in ASCII is not UTF-16.
                if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                    return Some(encoding_rs::UTF_8);
                }
                return Some(enc);
            }
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::ContentKind;

    fn raw(bytes: &[u8]) -> RawDocument {
        RawDocument {
            id: "t".into(),
            input: "t".into(),
            url: None,
            bytes: bytes.to_vec(),
            kind: ContentKind::Unknown,
            charset_hint: None,
        }
    }

    #[test]
    fn utf8_passes() {
        assert_eq!(
            decode(&raw("Khối thi đua".as_bytes())).unwrap().text,
            "Khối thi đua"
        );
    }

    #[test]
    fn meta_charset_wins_over_guess() {
        let mut bytes = b"<meta charset=\"windows-1258\"><p>".to_vec();
        bytes.push(0xD0); // Đ in windows-1258
        let raw = raw(&bytes);
        let d = decode(&raw).unwrap();
        assert!(d.text.ends_with('Đ'), "{}", d.text);
    }

    #[test]
    fn mislabelled_utf8_is_read_as_utf8() {
        let mut page = b"<meta charset=\"iso-8859-1\"><p>".to_vec();
        page.extend_from_slice("Khối thi đua".as_bytes());
        let raw = raw(&page);
        let d = decode(&raw).unwrap();
        assert!(d.text.ends_with("Khối thi đua"), "{}", d.text);
        assert!(d.warnings[0].contains("UTF-8"), "{:?}", d.warnings);
    }

    #[test]
    fn undeclared_legacy_bytes_are_guessed_with_a_warning() {
        // "Khối thi đua các cơ quan đảng. " in windows-1258 (ố = ô + U+0301), several times.
        let sentence: &[u8] = b"Kh\xf4\xeci thi \xf0ua c\xe1c c\xf5 quan \xf0a\xd2ng. ";
        let bytes = sentence.repeat(5);
        let raw = raw(&bytes);
        let d = decode(&raw).unwrap();
        assert!(
            d.warnings
                .iter()
                .any(|w| w.contains("guessed as windows-1252")),
            "{:?}",
            d.warnings
        );
        // Read as windows-1252 for the legacy converter: đ (0xF0) shows as ð.
        assert!(d.text.contains('ð'), "{}", d.text);
    }

    #[test]
    fn charset_in_script_text_is_ignored() {
        let mut page = b"<script>var charset='windows-1252';</script><p>".to_vec();
        page.extend_from_slice("Khối".as_bytes());
        assert_eq!(meta_charset(&page), None);
        assert!(decode(&raw(&page)).unwrap().text.ends_with("Khối"));
    }

    #[test]
    fn mixed_utf8_and_legacy_lines_are_read_line_by_line() {
        let mut bytes = "Khối thi đua các cơ quan Nội chính tỉnh năm 2022.\n"
            .as_bytes()
            .to_vec();
        bytes.extend_from_slice(b"Xin ch\xb5o c\xb8c b\xb9n\n"); // TCVN3
        bytes.extend_from_slice("Sở Tư pháp xếp thứ nhất ".as_bytes());
        bytes.extend_from_slice(b"\xff.\n");
        bytes.push(0xff); // a stray byte in a UTF-8 line
        bytes.extend_from_slice("Sở Y tế được tặng Cờ thi đua.".as_bytes());
        let raw = raw(&bytes);
        let d = decode(&raw).unwrap();
        let lines: Vec<&str> = d.text.lines().collect();
        assert_eq!(
            lines[0],
            "Khối thi đua các cơ quan Nội chính tỉnh năm 2022."
        );
        assert_eq!(
            lines[1], "Xin ch\u{b5}o c\u{b8}c b\u{b9}n",
            "windows-1252 for the converter"
        );
        assert_eq!(lines[2], "Sở Tư pháp xếp thứ nhất \u{fffd}.");
        assert_eq!(lines[3], "\u{fffd}Sở Y tế được tặng Cờ thi đua.");
        assert!(
            d.warnings
                .iter()
                .any(|w| w.contains("1 lines read as windows-1252"))
        );
        // Legacy text alone is not mixed: it goes to the detector as before; nor is text in
        // a double-byte encoding with a few lines that happen to be valid UTF-8.
        let mut chance = encoding_rs::GBK
            .encode(&"中文新闻报道内容。\n".repeat(50))
            .0
            .into_owned();
        chance.extend_from_slice("Khối thi đua các cơ quan Nội chính tỉnh năm 2023\n".as_bytes());
        assert!(decode_mixed(&chance).is_none());
        assert!(decode_mixed(b"Xin ch\xb5o c\xb8c b\xb9n\nT\xabi \xae\xed h\xe4c").is_none());
    }

    #[test]
    fn binary_is_rejected() {
        let err = decode(&raw(&[0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2])).unwrap_err();
        assert!(err.to_string().contains("binary"));
    }
}
