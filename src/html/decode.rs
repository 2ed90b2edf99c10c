//! Bytes to text: byte-order mark, transport header, `<meta charset>`, then detection.

use crate::document::RawDocument;
use crate::error::{Error, Result};
use encoding_rs::Encoding;

/// Decoded text and how the charset was chosen.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    pub warnings: Vec<String>,
}

/// Decodes a raw document's bytes. Binary content (NUL bytes or mostly control characters) is
/// an error naming the input.
pub fn decode(raw: &RawDocument) -> Result<Decoded> {
    let bytes = &raw.bytes;
    if looks_binary(bytes) {
        return Err(Error::input(&raw.input, "binary content, not text or HTML"));
    }
    let mut warnings = Vec::new();
    let (encoding, how) = if let Some((enc, _)) = Encoding::for_bom(bytes) {
        (enc, "bom")
    } else if let Some(enc) = raw
        .charset_hint
        .as_deref()
        .and_then(|l| Encoding::for_label(l.trim().as_bytes()))
    {
        (enc, "header")
    } else if let Some(enc) = meta_charset(bytes) {
        (enc, "meta")
    } else if std::str::from_utf8(bytes).is_ok() {
        (encoding_rs::UTF_8, "utf8")
    } else {
        let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        det.feed(bytes, true);
        (
            det.guess(Some(b"vn"), chardetng::Utf8Detection::Allow),
            "guessed",
        )
    };
    let (text, _, had_errors) = encoding.decode(bytes);
    if how == "guessed" {
        warnings.push(format!("charset guessed as {}", encoding.name()));
    }
    if had_errors {
        warnings.push(format!(
            "invalid {} byte sequences replaced with U+FFFD",
            encoding.name()
        ));
    }
    Ok(Decoded {
        text: text.into_owned(),
        warnings,
    })
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
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    control * 10 > sample.len()
}

/// Finds `<meta charset=…>` or `<meta http-equiv content="…; charset=…">` in the first 4 KiB.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    let mut from = 0;
    while let Some(pos) = find(&lower[from..], b"charset") {
        let mut i = from + pos + b"charset".len();
        while i < lower.len() && matches!(lower[i], b' ' | b'=' | b'"' | b'\'') {
            i += 1;
        }
        let start = i;
        while i < lower.len()
            && (lower[i].is_ascii_alphanumeric() || matches!(lower[i], b'-' | b'_' | b':' | b'.'))
        {
            i += 1;
        }
        if i > start
            && let Some(enc) = Encoding::for_label(&lower[start..i])
        {
            // A page that says UTF-16 in ASCII is not UTF-16.
            if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                return Some(encoding_rs::UTF_8);
            }
            return Some(enc);
        }
        from = i.max(from + pos + 1);
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
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
        let d = decode(&raw(&bytes)).unwrap();
        assert!(d.text.ends_with('Đ'), "{}", d.text);
    }

    #[test]
    fn binary_is_rejected() {
        let err = decode(&raw(&[0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2])).unwrap_err();
        assert!(err.to_string().contains("binary"));
    }
}
