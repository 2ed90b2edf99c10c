//! WARC files (ISO 28500: WARC/1.0 and 1.1, plain or gzipped) read record by record.
//!
//! The file is streamed: one record is in memory at a time, and a record's block is read only
//! when it is wanted (an HTTP response with an HTML or text payload) and not larger than the
//! size cap; everything else is skipped as it streams past. Common Crawl style files (one
//! gzip member per record) and files gzipped whole are both read.
//!
//! A record is found again by its locator `path#offset`: the byte offset, in the file as it is
//! on disk, of the gzip member that holds the record (of the record itself in a plain file).
//! A record that is not the first of its member (a file gzipped whole) is `path#M+N`: N
//! bytes into the decompressed member that starts at M.
//!
//! A truncated or corrupt record is reported with its locator and reading resynchronizes: it
//! goes back to just after the start of the bad member (or record) and looks for the next
//! gzip member header (or `WARC/` version line), so that a damaged record loses only itself.
//! Candidates found while resynchronizing that do not decode are skipped silently.

use super::http::{self, HttpHead};
use crate::document::RawDocument;
use crate::error::{Error, Result};
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// Which HTTP payloads the reader keeps in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bodies {
    /// Only documents: 2xx responses whose type is HTML or text (or not given).
    Documents,
    /// Every HTTP response payload (up to the size cap).
    All,
    /// None: heads only (for indexing).
    None,
}

/// One WARC record as read: its headers and, for HTTP responses, the parsed head and
/// (when wanted) payload.
#[derive(Debug, Clone)]
pub struct WarcRecord {
    /// `path#offset`, or `path#member+offset` inside a member holding several records.
    pub locator: String,
    /// Offset of the member (gzip) or the record (plain file) in the file on disk.
    pub offset: u64,
    /// WARC header fields (names as written).
    pub headers: Vec<(String, String)>,
    /// The HTTP head of a `response` record whose block is `application/http`.
    pub http: Option<HttpHead>,
    /// The HTTP payload as stored (transfer and content codings not yet undone), when kept.
    pub payload: Option<Vec<u8>>,
}

impl WarcRecord {
    /// The first value of a WARC header (name compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `WARC-Type` in lower case.
    pub fn warc_type(&self) -> String {
        self.header("warc-type").unwrap_or("").to_ascii_lowercase()
    }

    /// `WARC-Target-URI` (angle brackets of WARC/1.0 drafts removed).
    pub fn target_uri(&self) -> Option<&str> {
        self.header("warc-target-uri")
            .map(|u| u.trim().trim_start_matches('<').trim_end_matches('>'))
    }

    /// The document this record gives: `Ok(None)` for records that are not documents
    /// (requests, metadata, non-2xx responses, images, robots.txt …).
    /// A 2xx response that would be a document but has no `WARC-Target-URI` is an error
    /// (reported with its locator), not left out without a word.
    pub fn into_document(mut self, max: u64) -> Result<Option<RawDocument>> {
        let (Some(head), Some(payload)) = (&self.http, self.payload.take()) else {
            return Ok(None);
        };
        let Some(uri) = self.target_uri() else {
            if head.is_success() && self.warc_type() == "response" {
                return Err(Error::input(
                    &self.locator,
                    "response record without WARC-Target-URI (the page's URL): not read",
                ));
            }
            return Ok(None);
        };
        if !head.is_success() || is_robots_txt(uri) {
            return Ok(None);
        }
        http::to_document(uri, &self.locator, head, payload, max)
            .map_err(|reason| Error::input(&self.locator, reason))
    }
}

/// True for a site's `/robots.txt`, which an archive holds but which is not an article.
pub fn is_robots_txt(uri: &str) -> bool {
    reqwest::Url::parse(uri).is_ok_and(|u| u.path() == "/robots.txt")
}

/// True for file names read as WARC: `.warc` and `.warc.gz` (any case).
pub fn is_warc_name(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    name.len() > 5 && name.ends_with(".warc")
}

/// True when a file's content starts like a WARC file (a `WARC/` version line, possibly
/// inside a gzip member).
pub fn sniff(path: &Path) -> bool {
    let Ok(file) = File::open(path) else {
        return false;
    };
    let mut reader = BufReader::new(file);
    reader.fill_buf().is_ok_and(looks_like_warc)
}

/// True when `head`, the first bytes of a file or stream, start a WARC archive: a `WARC/`
/// version line, possibly inside a gzip member.
pub fn looks_like_warc(head: &[u8]) -> bool {
    if head.starts_with(&[0x1f, 0x8b]) {
        let mut start = [0u8; 5];
        flate2::read::GzDecoder::new(head)
            .read_exact(&mut start)
            .is_ok()
            && start == *VERSION_LINE
    } else {
        head.starts_with(VERSION_LINE)
    }
}

/// A byte stream that counts what was consumed, so that records know their offsets.
struct Counting<R> {
    inner: R,
    pos: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        self.inner.consume(n);
        self.pos += n as u64;
    }
}

type Raw = Counting<BufReader<File>>;
type MemberStream = Counting<BufReader<flate2::bufread::GzDecoder<Raw>>>;

/// The gzip member being read.
struct Member {
    stream: MemberStream,
    offset: u64,
    records: usize,
}

impl Member {
    fn into_raw(self) -> Raw {
        self.stream.inner.into_inner().into_inner()
    }
}

/// Why a record could not be read.
enum Bad {
    /// No WARC record starts here (not a version line, no valid header, corrupt gzip
    /// before the header was read): resynchronize. Not reported while resynchronizing,
    /// where such failures are expected of the candidates tried.
    Framing(String),
    /// A record whose header was read is broken (truncated, corrupt gzip, wrong
    /// Content-Length): reported, then resynchronize.
    Broken(String),
    /// The record was read to its end but cannot be used (bad HTTP head, too large).
    Payload(String),
}

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b, 0x08];
const VERSION_LINE: &[u8] = b"WARC/";

/// Streams the records of a WARC file.
pub struct WarcReader {
    name: String,
    raw: Option<Raw>,
    member: Option<Member>,
    gzip: bool,
    bodies: Bodies,
    max_bytes: u64,
    resyncing: bool,
    done: bool,
}

impl WarcReader {
    /// Opens a WARC file; `max_bytes` caps the payload of one record.
    pub fn open(path: &Path, bodies: Bodies, max_bytes: u64) -> Result<WarcReader> {
        WarcReader::open_at(path, 0, bodies, max_bytes)
    }

    /// Opens a WARC file at a record's offset (from a locator or an index).
    pub fn open_at(path: &Path, offset: u64, bodies: Bodies, max_bytes: u64) -> Result<WarcReader> {
        let name = path.display().to_string();
        let file = File::open(path).map_err(|e| Error::io(&name, e))?;
        WarcReader::from_file(file, name, offset, bodies, max_bytes)
    }

    /// Reads an open WARC file from `offset`; `name` starts the records' locators
    /// (`name#offset`).
    pub fn from_file(
        mut file: File,
        name: String,
        offset: u64,
        bodies: Bodies,
        max_bytes: u64,
    ) -> Result<WarcReader> {
        file.seek(SeekFrom::Start(offset))
            .map_err(|e| Error::io(&name, e))?;
        let mut raw = Counting {
            inner: BufReader::with_capacity(256 * 1024, file),
            pos: offset,
        };
        let gzip = raw
            .fill_buf()
            .map_err(|e| Error::io(&name, e))?
            .starts_with(&[0x1f, 0x8b]);
        Ok(WarcReader {
            name,
            raw: Some(raw),
            member: None,
            gzip,
            bodies,
            max_bytes,
            resyncing: false,
            done: false,
        })
    }

    /// The documents of the file (see [`WarcRecord::into_document`]), and its failures.
    pub fn documents(self) -> impl Iterator<Item = Result<RawDocument>> {
        let max = self.max_bytes;
        self.filter_map(move |record| match record {
            Ok(r) => r.into_document(max).transpose(),
            Err(e) => Some(Err(e)),
        })
    }

    fn locator(&self, offset: u64) -> String {
        format!("{}#{offset}", self.name)
    }

    /// Reports a framing problem (unless already resynchronizing and the record never
    /// started) and resynchronizes from just after `offset`.
    fn fail_and_resync(&mut self, offset: u64, reason: String) -> Option<Result<WarcRecord>> {
        self.resync(offset, reason, false)
    }

    fn resync(&mut self, offset: u64, reason: String, always: bool) -> Option<Result<WarcRecord>> {
        let report = always || !self.resyncing;
        self.resyncing = true;
        let raw = match (self.member.take(), self.raw.take()) {
            (Some(m), _) => Some(m.into_raw()),
            (None, raw) => raw,
        };
        let Some(mut raw) = raw else {
            self.done = true;
            return None;
        };
        let needle = if self.gzip { GZIP_MAGIC } else { VERSION_LINE };
        let found = raw.inner.seek(SeekFrom::Start(offset + 1)).and_then(|p| {
            raw.pos = p;
            scan_to(&mut raw, needle)
        });
        match found {
            Ok(true) => self.raw = Some(raw),
            Ok(false) => self.done = true,
            Err(e) => {
                self.done = true;
                if report {
                    return Some(Err(Error::io(self.locator(offset), e)));
                }
            }
        }
        report.then(|| Err(Error::input(self.locator(offset), reason)))
    }

    fn next_in_member(&mut self) -> Option<Result<WarcRecord>> {
        let member = self.member.as_mut()?;
        match skip_line_ends(&mut member.stream) {
            Ok(true) => {}
            Ok(false) => {
                // The member is finished; carry on with the raw file after it.
                let member = self.member.take()?;
                if member.records == 0 {
                    let offset = member.offset;
                    self.raw = Some(member.into_raw());
                    return self.fail_and_resync(offset, "empty gzip member".to_string());
                }
                self.raw = Some(member.into_raw());
                return None;
            }
            Err(e) => {
                let offset = member.offset;
                return self.fail_and_resync(offset, framing_io(&e));
            }
        }
        let within = member.stream.pos;
        let locator = if member.records == 0 {
            format!("{}#{}", self.name, member.offset)
        } else {
            format!("{}#{}+{within}", self.name, member.offset)
        };
        member.records += 1;
        let offset = member.offset;
        let mut result = read_record(&mut member.stream, self.bodies, self.max_bytes);
        if !matches!(result, Err(Bad::Framing(_) | Bad::Broken(_))) {
            // Read on to the end of the member (when the record is its last) so that its
            // checksum is verified before the record is given out.
            match skip_line_ends(&mut member.stream) {
                Ok(true) => {}
                Ok(false) => {
                    let member = self.member.take()?;
                    self.raw = Some(member.into_raw());
                }
                Err(e) => result = Err(Bad::Broken(framing_io(&e))),
            }
        }
        self.finish_record(result, offset, locator)
    }

    fn finish_record(
        &mut self,
        result: std::result::Result<WarcRecord, Bad>,
        offset: u64,
        locator: String,
    ) -> Option<Result<WarcRecord>> {
        match result {
            Ok(mut record) => {
                self.resyncing = false;
                record.offset = offset;
                record.locator = locator;
                Some(Ok(record))
            }
            Err(Bad::Payload(reason)) => {
                self.resyncing = false;
                Some(Err(Error::input(locator, reason)))
            }
            Err(Bad::Framing(reason)) => self.fail_and_resync(offset, reason),
            Err(Bad::Broken(reason)) => self.resync(offset, reason, true),
        }
    }
}

impl Iterator for WarcReader {
    type Item = Result<WarcRecord>;

    fn next(&mut self) -> Option<Result<WarcRecord>> {
        loop {
            if self.done {
                return None;
            }
            if self.member.is_some() {
                match self.next_in_member() {
                    Some(item) => return Some(item),
                    None => continue,
                }
            }
            let Some(mut raw) = self.raw.take() else {
                self.done = true;
                return None;
            };
            let offset = raw.pos;
            if self.gzip {
                let start = match raw.fill_buf() {
                    Ok(buf) => buf.to_vec(),
                    Err(e) => return self.fail_io(raw, offset, e),
                };
                if start.iter().all(|&b| b == 0) {
                    // The end, or zero padding after the last member.
                    self.done = true;
                    return None;
                }
                if !start.starts_with(&[0x1f, 0x8b]) {
                    self.raw = Some(raw);
                    let reason = "not a gzip member where a record should start".to_string();
                    match self.fail_and_resync(offset, reason) {
                        Some(item) => return Some(item),
                        None => continue,
                    }
                }
                let decoder = flate2::bufread::GzDecoder::new(raw);
                self.member = Some(Member {
                    stream: Counting {
                        inner: BufReader::with_capacity(64 * 1024, decoder),
                        pos: 0,
                    },
                    offset,
                    records: 0,
                });
                continue;
            }
            match skip_line_ends(&mut raw) {
                Ok(true) => {}
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Err(e) => return self.fail_io(raw, offset, e),
            }
            let offset = raw.pos;
            let result = read_record(&mut raw, self.bodies, self.max_bytes);
            self.raw = Some(raw);
            let locator = self.locator(offset);
            match self.finish_record(result, offset, locator) {
                Some(item) => return Some(item),
                None => continue,
            }
        }
    }
}

impl WarcReader {
    fn fail_io(&mut self, raw: Raw, offset: u64, e: std::io::Error) -> Option<Result<WarcRecord>> {
        self.raw = Some(raw);
        let reason = framing_io(&e);
        self.fail_and_resync(offset, reason)
    }
}

/// The reason for a framing failure from an I/O error (gzip errors surface as I/O errors).
fn framing_io(e: &std::io::Error) -> String {
    if http::is_overlong(e) {
        return format!("not a WARC record ({e})");
    }
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof => "truncated record: the file ends inside it".into(),
        std::io::ErrorKind::InvalidInput | std::io::ErrorKind::InvalidData => {
            format!("corrupt gzip member: {e}")
        }
        _ => format!("read error: {e}"),
    }
}

/// Skips CR and LF bytes; false at the end of the stream.
fn skip_line_ends(r: &mut impl BufRead) -> std::io::Result<bool> {
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(false);
        }
        let n = buf
            .iter()
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .count();
        let all = n == buf.len();
        r.consume(n);
        if !all {
            return Ok(true);
        }
    }
}

/// Moves the stream to the next occurrence of `needle` (which must not start with a repeat
/// of its own first byte); false when there is none.
fn scan_to(raw: &mut Raw, needle: &[u8]) -> std::io::Result<bool> {
    let mut matched = 0;
    loop {
        let buf = raw.fill_buf()?;
        if buf.is_empty() {
            return Ok(false);
        }
        let mut consumed = 0;
        let mut found = false;
        for &b in buf {
            consumed += 1;
            if b == needle[matched] {
                matched += 1;
            } else {
                matched = usize::from(b == needle[0]);
            }
            if matched == needle.len() {
                found = true;
                break;
            }
        }
        raw.consume(consumed);
        if found {
            let back = needle.len() as u64;
            let p = raw.inner.seek(SeekFrom::Current(-(back as i64)))?;
            raw.pos = p;
            return Ok(true);
        }
    }
}

/// Reads one record from its version line to the end of its block and the blank lines after.
fn read_record(
    r: &mut impl BufRead,
    bodies: Bodies,
    max: u64,
) -> std::result::Result<WarcRecord, Bad> {
    let io = |e: std::io::Error| Bad::Framing(framing_io(&e));
    let version = http::read_line(r, 64)
        .map_err(io)?
        .ok_or_else(|| Bad::Framing("truncated record: the file ends inside it".into()))?;
    if !version.starts_with("WARC/") {
        return Err(Bad::Framing(format!(
            "not a WARC record (starts with {:?})",
            version.chars().take(20).collect::<String>()
        )));
    }
    let lines = http::read_head_lines(r)
        .map_err(io)?
        .ok_or_else(|| Bad::Framing("truncated record: the file ends in its header".into()))?;
    // Named fields as in HTTP, read by hand like HTTP heads in archives (see
    // `HttpHead::parse`): WARC/1.0 allows folded lines, and a damaged field line is skipped
    // instead of losing the record.
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = headers.last_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
        } else if let Some((n, v)) = line.split_once(':') {
            headers.push((n.trim().to_string(), v.trim().to_string()));
        }
    }
    let mut record = WarcRecord {
        locator: String::new(),
        offset: 0,
        headers,
        http: None,
        payload: None,
    };
    let length: u64 = record
        .header("content-length")
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| Bad::Framing("WARC record without a valid Content-Length".into()))?;
    let io = |e: std::io::Error| Bad::Broken(framing_io(&e));
    let mut block = Read::take(&mut *r, length);
    let mut payload_problem = None;
    let content_type = record
        .header("content-type")
        .unwrap_or("")
        .to_ascii_lowercase();
    let is_http_response = record.warc_type() == "response"
        && (content_type.starts_with("application/http") || content_type.is_empty());
    if is_http_response && length > 0 {
        match http::read_head_lines(&mut block).map_err(io)? {
            None if block.limit() > 0 => {
                return Err(Bad::Broken(
                    "truncated record: the file ends inside it".into(),
                ));
            }
            None => payload_problem = Some("HTTP response head incomplete".to_string()),
            Some(lines) => match HttpHead::parse(&lines) {
                Err(reason) => payload_problem = Some(reason),
                Ok(head) => {
                    let wanted = match bodies {
                        Bodies::All => true,
                        Bodies::None => false,
                        Bodies::Documents => {
                            head.is_success()
                                && head.document_kind().is_some()
                                && !record.target_uri().is_some_and(is_robots_txt)
                        }
                    };
                    if wanted && block.limit() > max {
                        payload_problem = Some(format!(
                            "record payload of {} larger than the {} limit",
                            http::size(block.limit()),
                            http::size(max)
                        ));
                    } else if wanted {
                        let mut payload = Vec::with_capacity(block.limit() as usize);
                        block.read_to_end(&mut payload).map_err(io)?;
                        record.payload = Some(payload);
                    }
                    record.http = Some(head);
                }
            },
        }
    }
    std::io::copy(&mut block, &mut std::io::sink()).map_err(io)?;
    if block.limit() > 0 {
        return Err(Bad::Broken(format!(
            "truncated record: {} of {length} bytes",
            length - block.limit()
        )));
    }
    // The block is followed by CRLF CRLF; anything else means Content-Length is wrong.
    let after = r.fill_buf().map_err(io)?;
    let line_ends = after
        .iter()
        .take(4)
        .take_while(|&&b| b == b'\r' || b == b'\n')
        .count();
    if !after.is_empty() && line_ends == 0 {
        return Err(Bad::Broken(
            "record does not end where its Content-Length says".into(),
        ));
    }
    match payload_problem {
        Some(reason) => Err(Bad::Payload(reason)),
        None => Ok(record),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn record(uri: &str, ctype: &str, body: &str) -> Vec<u8> {
        let block = format!("HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\n\r\n{body}");
        let mut out = format!(
            "WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\n\
             Content-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        out.extend_from_slice(block.as_bytes());
        out.extend_from_slice(b"\r\n\r\n");
        out
    }

    fn gz(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    fn docs(bytes: &[u8]) -> Vec<std::result::Result<(String, String), String>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.warc");
        std::fs::write(&path, bytes).unwrap();
        WarcReader::open(&path, Bodies::Documents, 1000)
            .unwrap()
            .documents()
            .map(|d| {
                d.map(|d| {
                    let at = d.input.rsplit('#').next().unwrap().to_string();
                    (at, String::from_utf8(d.bytes).unwrap())
                })
                .map_err(|e| {
                    let s = e.to_string();
                    s[s.find('#').unwrap() + 1..].to_string()
                })
            })
            .collect()
    }

    #[test]
    fn plain_and_gzip_members_with_offsets() {
        let a = record("http://x/a", "text/html", "<p>A</p>");
        let b = record("http://x/b", "image/png", "PNG");
        let c = record("http://x/c", "text/plain", "C");
        let plain = [a.clone(), b.clone(), c.clone()].concat();
        let want = vec![
            Ok(("0".to_string(), "<p>A</p>".to_string())),
            Ok((format!("{}", a.len() + b.len()), "C".to_string())),
        ];
        assert_eq!(docs(&plain), want);
        let (ga, gb, gc) = (gz(&a), gz(&b), gz(&c));
        let members = [ga.clone(), gb.clone(), gc].concat();
        let want = vec![
            Ok(("0".to_string(), "<p>A</p>".to_string())),
            Ok((format!("{}", ga.len() + gb.len()), "C".to_string())),
        ];
        assert_eq!(docs(&members), want);
        // Gzipped whole: later records are located inside the member.
        let whole = gz(&plain);
        let got = docs(&whole);
        assert_eq!(got[0], Ok(("0".to_string(), "<p>A</p>".to_string())));
        assert_eq!(
            got[1],
            Ok((format!("0+{}", a.len() + b.len()), "C".to_string()))
        );
    }

    #[test]
    fn corrupt_member_is_reported_and_reading_resyncs() {
        let a = gz(&record("http://x/a", "text/html", "A"));
        let mut b = gz(&record("http://x/b", "text/html", &"B".repeat(200)));
        let c = gz(&record("http://x/c", "text/html", "C"));
        let mid = b.len() / 2;
        for byte in &mut b[mid..mid + 8] {
            *byte ^= 0x5a;
        }
        let got = docs(&[a.clone(), b.clone(), c.clone()].concat());
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0].as_ref().unwrap().1, "A");
        assert!(
            got[1]
                .as_ref()
                .unwrap_err()
                .starts_with(&format!("{}:", a.len()))
        );
        assert_eq!(got[2].as_ref().unwrap().1, "C");
        // A truncated tail.
        let cut = &c[..c.len() / 2];
        let got = docs(&[a.clone(), cut.to_vec()].concat());
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(
            got[1].as_ref().unwrap_err().contains("truncated"),
            "{got:?}"
        );
    }

    #[test]
    fn wrong_content_length_in_plain_file_resyncs() {
        let a = record("http://x/a", "text/html", "A");
        let b = record("http://x/b", "text/html", "B");
        let text = String::from_utf8(a.clone()).unwrap();
        let long = text.replace("Content-Length: ", "Content-Length: 1");
        let got = docs(&[long.into_bytes(), b].concat());
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].is_err());
        assert_eq!(got[1].as_ref().unwrap().1, "B");
        let garbage = [b"garbage\r\n".to_vec(), a.clone()].concat();
        let got = docs(&garbage);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].as_ref().unwrap_err().contains("not a WARC record"));
        assert_eq!(got[1].as_ref().unwrap().1, "A");
    }

    #[test]
    fn oversized_payload_is_reported() {
        let a = record("http://x/a", "text/html", &"A".repeat(2000));
        let b = record("http://x/b", "text/html", "B");
        let got = docs(&[gz(&a), gz(&b)].concat());
        assert!(
            got[0].as_ref().unwrap_err().contains("larger than"),
            "{got:?}"
        );
        assert_eq!(got[1].as_ref().unwrap().1, "B");
    }

    #[test]
    fn names() {
        assert!(is_warc_name(Path::new("x/CC-1.warc.gz")));
        assert!(is_warc_name(Path::new("a.WARC")));
        assert!(!is_warc_name(Path::new(".warc")));
        assert!(!is_warc_name(Path::new("a.html.gz")));
        assert!(is_robots_txt("http://x.org/robots.txt"));
        assert!(!is_robots_txt("http://x.org/a/robots.txt"));
    }
}
