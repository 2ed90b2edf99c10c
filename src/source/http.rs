//! HTTP response messages as fetched or as stored in WARC records: the status line and
//! headers, the payload's transfer and content codings, and the document a response gives.

use crate::document::{ContentKind, RawDocument};
use sha2::Digest;
use std::io::{BufRead, Read};

/// Longest header line accepted (bytes); longer lines mean the data is not HTTP.
const MAX_LINE: usize = 64 * 1024;
/// Largest header section accepted (bytes).
const MAX_HEAD: usize = 256 * 1024;

/// The head of an HTTP response: status line and header fields (values read as Latin-1, so
/// that any byte survives a round trip into an archive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpHead {
    /// `HTTP/1.1`, `HTTP/1.0`, `HTTP/2.0` …
    pub version: String,
    /// The status code.
    pub status: u16,
    /// The reason phrase (may be empty).
    pub reason: String,
    /// Header fields in the order received.
    pub headers: Vec<(String, String)>,
}

impl HttpHead {
    /// An `HTTP/1.1` head with the status's standard reason phrase.
    pub fn new(status: u16, headers: &[(&str, &str)]) -> HttpHead {
        HttpHead {
            version: "HTTP/1.1".to_string(),
            status,
            reason: reqwest::StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("")
                .to_string(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        }
    }

    /// The first value of a header (name compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }

    /// True for 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// True for the redirect statuses that carry a `Location` (301, 302, 303, 307, 308).
    pub fn is_redirect(&self) -> bool {
        matches!(self.status, 301 | 302 | 303 | 307 | 308)
    }

    /// `HTTP 404 Not Found`: how a failed status is reported.
    pub fn status_text(&self) -> String {
        let reason = if self.reason.is_empty() {
            reqwest::StatusCode::from_u16(self.status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("")
        } else {
            &self.reason
        };
        format!("HTTP {} {}", self.status, reason)
            .trim_end()
            .to_string()
    }

    /// The media type of `Content-Type` in lower case, without parameters ("" when absent).
    pub fn media_type(&self) -> String {
        self.header("content-type")
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    }

    /// The `charset` parameter of `Content-Type`, if any.
    pub fn charset(&self) -> Option<String> {
        let ct = self.header("content-type")?;
        ct.split(';').skip(1).find_map(|param| {
            let (name, value) = param.split_once('=')?;
            name.trim()
                .eq_ignore_ascii_case("charset")
                .then(|| value.trim().trim_matches(['"', '\'']).to_string())
                .filter(|v| !v.is_empty())
        })
    }

    /// What kind of document the payload is, or `None` when it is not a document at all
    /// (images, scripts, style sheets, PDF …). A missing `Content-Type` is sniffed later.
    pub fn document_kind(&self) -> Option<ContentKind> {
        match self.media_type().as_str() {
            "text/html" | "application/xhtml+xml" => Some(ContentKind::Html),
            "text/plain" => Some(ContentKind::Text),
            "" => Some(ContentKind::Unknown),
            _ => None,
        }
    }

    /// Parses the lines of a head (status line first, no line ends).
    ///
    /// Hand-written rather than `httparse` (which reqwest uses for live responses): these
    /// heads come from archives, written by many crawlers and sometimes damaged, and one odd
    /// line must not cost the page. httparse refuses a head whole for a version other than
    /// `HTTP/1.0` or `HTTP/1.1` ("HTTP/2 200" as browser-based crawlers store it), and by
    /// default for folded lines and lines without a colon, which this reading keeps or skips.
    pub fn parse(lines: &[String]) -> Result<HttpHead, String> {
        let status_line = lines.first().ok_or("empty HTTP message")?;
        let mut parts = status_line.splitn(3, ' ');
        let version = parts.next().unwrap_or("");
        if !version.starts_with("HTTP/") {
            return Err(format!("not an HTTP response: {:?}", clip(status_line)));
        }
        let status = parts
            .next()
            .and_then(|s| s.trim().parse::<u16>().ok())
            .filter(|s| (100..1000).contains(s))
            .ok_or_else(|| format!("bad HTTP status line {:?}", clip(status_line)))?;
        let reason = parts.next().unwrap_or("").trim().to_string();
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in &lines[1..] {
            if line.starts_with([' ', '\t']) {
                // An obsolete folded continuation line.
                if let Some((_, v)) = headers.last_mut() {
                    v.push(' ');
                    v.push_str(line.trim());
                }
                continue;
            }
            if let Some((name, value)) = line.split_once(':') {
                headers.push((name.trim().to_string(), value.trim().to_string()));
            }
        }
        Ok(HttpHead {
            version: version.to_string(),
            status,
            reason,
            headers,
        })
    }

    /// The head as bytes: status line, headers, empty line.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = latin1_bytes(&format!("{} {} {}", self.version, self.status, self.reason));
        out.extend_from_slice(b"\r\n");
        for (name, value) in &self.headers {
            out.extend(latin1_bytes(&format!("{name}: {value}")));
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
        out
    }
}

fn clip(s: &str) -> String {
    s.chars().take(60).collect()
}

/// Bytes read as Latin-1: every byte becomes the char of the same number.
pub fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| b as char).collect()
}

/// The inverse of [`latin1`] (chars above U+00FF become `?`).
pub fn latin1_bytes(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect()
}

/// True for the error of [`read_line`] or [`read_head_lines`] on an overlong line or head
/// (the data is not a message of the expected kind).
pub fn is_overlong(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::InvalidData && e.to_string().contains(" longer than ")
}

/// Reads header lines up to and including the empty line that ends them. `Ok(None)` when the
/// stream ends before the empty line (a truncated head).
pub fn read_head_lines(r: &mut impl BufRead) -> std::io::Result<Option<Vec<String>>> {
    let mut lines = Vec::new();
    let mut total = 0;
    loop {
        let Some(line) = read_line(r, MAX_LINE)? else {
            return Ok(None);
        };
        total += line.len() + 2;
        if total > MAX_HEAD {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("header section longer than {} KiB", MAX_HEAD / 1024),
            ));
        }
        if line.is_empty() {
            return Ok(Some(lines));
        }
        lines.push(line);
    }
}

/// Reads one line (CRLF or LF ended, line end removed) of at most `max` bytes, as Latin-1.
/// `Ok(None)` at the end of the stream (also when it ends inside the line).
pub fn read_line(r: &mut impl BufRead, max: usize) -> std::io::Result<Option<String>> {
    let mut line = Vec::new();
    let n = r.take(max as u64 + 1).read_until(b'\n', &mut line)?;
    if n == 0 || line.last() != Some(&b'\n') {
        if line.len() > max {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("line longer than {} KiB", max / 1024),
            ));
        }
        return Ok(None);
    }
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(Some(latin1(&line)))
}

/// Undoes the transfer and content codings of a stored or fetched payload: `chunked`, then
/// `gzip`/`deflate`. The result is capped at `max` bytes. A payload labelled gzip that is not
/// (a tool decoded it but kept the header) is taken as it is.
pub fn decode_payload(head: &HttpHead, body: Vec<u8>, max: u64) -> Result<Vec<u8>, String> {
    let chunked = head
        .header("transfer-encoding")
        .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"));
    let body = if chunked && !body.is_empty() {
        dechunk(&body)?
    } else {
        body
    };
    let coding = head
        .header("content-encoding")
        .unwrap_or("")
        .to_ascii_lowercase();
    let cap = |out: Vec<u8>| {
        if out.len() as u64 > max {
            Err(format!("payload larger than the {} limit", size(max)))
        } else {
            Ok(out)
        }
    };
    match coding.as_str() {
        "" | "identity" | "none" => cap(body),
        "gzip" | "x-gzip" if !body.starts_with(&[0x1f, 0x8b]) => cap(body),
        "gzip" | "x-gzip" => inflate(flate2::read::MultiGzDecoder::new(&body[..]), max, "gzip"),
        "deflate" => {
            let zlib = inflate(flate2::read::ZlibDecoder::new(&body[..]), max, "deflate");
            zlib.or_else(|_| inflate(flate2::read::DeflateDecoder::new(&body[..]), max, "deflate"))
        }
        other => Err(format!("unsupported Content-Encoding {other:?}")),
    }
}

fn inflate(decoder: impl Read, max: u64, what: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    match decoder.take(max + 1).read_to_end(&mut out) {
        Ok(_) if out.len() as u64 > max => Err(format!(
            "{what}-encoded payload larger than the {} limit",
            size(max)
        )),
        Ok(_) => Ok(out),
        Err(e) => Err(format!("corrupt {what}-encoded payload: {e}")),
    }
}

/// Removes chunked transfer coding.
fn dechunk(body: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(body.len());
    let mut rest = body;
    loop {
        let end = rest
            .iter()
            .position(|&b| b == b'\n')
            .ok_or("malformed chunked body: no chunk size line")?;
        let line = String::from_utf8_lossy(&rest[..end]);
        let hex = line.split(';').next().unwrap_or("").trim();
        let len = usize::from_str_radix(hex, 16)
            .map_err(|_| format!("malformed chunked body: chunk size {hex:?}"))?;
        rest = &rest[end + 1..];
        if len == 0 {
            return Ok(out);
        }
        if rest.len() < len {
            return Err("malformed chunked body: chunk cut short".to_string());
        }
        out.extend_from_slice(&rest[..len]);
        rest = &rest[len..];
        rest = rest
            .strip_prefix(b"\r\n")
            .or_else(|| rest.strip_prefix(b"\n"))
            .unwrap_or(rest);
        if rest.is_empty() {
            return Ok(out);
        }
    }
}

/// The document id of a URL: the first 16 hex digits of its SHA-256.
pub fn url_id(url: &str) -> String {
    let digest = sha2::Sha256::digest(url.as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// The document of a successful response: payload decoded, kind and charset from the
/// headers, id from the URL. `Ok(None)` when the payload is not a document (an image …).
pub fn to_document(
    url: &str,
    input: &str,
    head: &HttpHead,
    body: Vec<u8>,
    max: u64,
) -> Result<Option<RawDocument>, String> {
    let Some(kind) = head.document_kind() else {
        return Ok(None);
    };
    let bytes = decode_payload(head, body, max)?;
    Ok(Some(RawDocument {
        id: url_id(url),
        input: input.to_string(),
        url: Some(url.to_string()),
        bytes,
        kind,
        charset_hint: head.charset(),
    }))
}

/// A size for messages, in binary units: `64 MiB`, `1.5 MiB`, `2 KiB` or `900 B` (a whole
/// number of units without its `.0`: "the 64 MiB limit").
pub fn size(bytes: u64) -> String {
    bytesize::ByteSize(bytes)
        .display()
        .iec()
        .to_string()
        .replacen(".0 ", " ", 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(lines: &[&str]) -> HttpHead {
        let lines: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        HttpHead::parse(&lines).unwrap()
    }

    #[test]
    fn status_headers_and_charset() {
        let h = head(&[
            "HTTP/1.1 200 OK",
            "Content-Type: text/HTML; Charset=\"windows-1258\"",
            "X-Long: a",
            "  b",
        ]);
        assert_eq!(h.status, 200);
        assert_eq!(h.media_type(), "text/html");
        assert_eq!(h.charset().as_deref(), Some("windows-1258"));
        assert_eq!(h.header("x-long"), Some("a b"));
        assert_eq!(h.document_kind(), Some(ContentKind::Html));
        assert_eq!(head(&["HTTP/1.0 404"]).status_text(), "HTTP 404 Not Found");
        assert!(HttpHead::parse(&["WARC/1.1".to_string()]).is_err());
        assert!(HttpHead::parse(&["HTTP/1.1 abc".to_string()]).is_err());
        let img = head(&["HTTP/1.1 200 OK", "Content-Type: image/png"]);
        assert_eq!(img.document_kind(), None);
    }

    #[test]
    fn head_round_trips_through_bytes() {
        let h = head(&[
            "HTTP/1.1 301 Moved Permanently",
            "Location: /x",
            "X-Byte: caf\u{e9}",
        ]);
        let bytes = h.to_bytes();
        let mut r = &bytes[..];
        let lines = read_head_lines(&mut r).unwrap().unwrap();
        assert_eq!(HttpHead::parse(&lines).unwrap(), h);
        assert!(r.is_empty());
    }

    #[test]
    fn chunked_and_gzip_payloads() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"hello world").unwrap();
        let gz = gz.finish().unwrap();
        let mut chunked = format!("{:x}\r\n", 5).into_bytes();
        chunked.extend_from_slice(&gz[..5]);
        chunked.extend_from_slice(format!("\r\n{:x};ext=1\r\n", gz.len() - 5).as_bytes());
        chunked.extend_from_slice(&gz[5..]);
        chunked.extend_from_slice(b"\r\n0\r\n\r\n");
        let h = head(&[
            "HTTP/1.1 200 OK",
            "Transfer-Encoding: chunked",
            "Content-Encoding: gzip",
        ]);
        assert_eq!(decode_payload(&h, chunked, 100).unwrap(), b"hello world");
        assert!(decode_payload(&h, b"zz\r\n".to_vec(), 100).is_err());
        let h = head(&["HTTP/1.1 200 OK", "Content-Encoding: gzip"]);
        assert!(
            decode_payload(&h, gz.clone(), 5)
                .unwrap_err()
                .contains("larger")
        );
        assert_eq!(
            decode_payload(&h, b"plain".to_vec(), 100).unwrap(),
            b"plain"
        );
        let h = head(&["HTTP/1.1 200 OK", "Content-Encoding: br"]);
        assert!(decode_payload(&h, gz, 100).is_err());
    }

    #[test]
    fn ids_and_sizes() {
        assert_eq!(url_id("https://example.org/a").len(), 16);
        assert_ne!(
            url_id("https://example.org/a"),
            url_id("https://example.org/b")
        );
        assert_eq!(size(64 * 1024 * 1024), "64 MiB");
        assert_eq!(size(2048), "2 KiB");
        assert_eq!(size(1000), "1000 B");
        assert_eq!(size(3 * 512 * 1024), "1.5 MiB");
        assert_eq!(size(10 * 1024 * 1024 * 1024), "10 GiB");
    }

    #[test]
    fn long_lines_are_errors() {
        let long = vec![b'a'; MAX_LINE + 10];
        assert!(read_line(&mut &long[..], MAX_LINE).is_err());
        assert_eq!(read_line(&mut &b"ab"[..], 10).unwrap(), None);
        assert_eq!(
            read_line(&mut &b"ab\r\ncd"[..], 10).unwrap().as_deref(),
            Some("ab")
        );
    }
}
