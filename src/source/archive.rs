//! The archive of fetched responses: WARC/1.1 written while fetching (`--archive`), and read
//! back to answer URLs without the network (`--offline`).

use super::http::{self, HttpHead};
use super::warc::{Bodies, WarcReader};
use crate::error::{Error, Result};
use sha1::Digest;
use std::collections::HashMap;
use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// One HTTP request and its response, as archived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// The URL requested (the WARC-Target-URI).
    pub url: String,
    /// The request head as sent (empty when the answer came from an archive).
    pub request: Vec<u8>,
    /// The response head as stored: a transfer coding removed from the body is renamed
    /// `X-Crawler-Transfer-Encoding` and `Content-Length` added when missing (as Common Crawl
    /// does), so the stored message is consistent.
    pub head: HttpHead,
    /// The body as received (content coding such as gzip kept).
    pub body: Vec<u8>,
    /// The server's address.
    pub ip: Option<IpAddr>,
    /// When the response was received.
    pub date: SystemTime,
}

/// Writes WARC/1.1 records: a `warcinfo` record first, then a `request` and a `response`
/// record per exchange, each record its own gzip member when compressing (as Common Crawl
/// writes them, so that any record can be read from its offset).
pub struct WarcWriter<W: Write> {
    out: W,
    gzip: bool,
    info_id: String,
}

impl<W: Write> WarcWriter<W> {
    /// Starts a WARC file: writes the `warcinfo` record with the given fields
    /// (`software`, `format` … as `name: value` lines).
    pub fn new(out: W, gzip: bool, info: &[(&str, &str)]) -> std::io::Result<WarcWriter<W>> {
        let mut writer = WarcWriter {
            out,
            gzip,
            info_id: Self::record_id(),
        };
        let mut block = String::new();
        for (name, value) in info {
            block.push_str(&format!("{name}: {value}\r\n"));
        }
        let id = writer.info_id.clone();
        writer.write_record(
            &[
                ("WARC-Type", "warcinfo".to_string()),
                ("WARC-Record-ID", id),
                ("WARC-Date", warc_date(SystemTime::now())),
                ("Content-Type", "application/warc-fields".to_string()),
            ],
            block.as_bytes(),
        )?;
        Ok(writer)
    }

    /// Writes one exchange: its `request` record (when the request is known) and its
    /// `response` record, with SHA-1 block and payload digests (base32, as Common Crawl).
    pub fn write_exchange(&mut self, ex: &Exchange) -> std::io::Result<()> {
        let date = warc_date(ex.date);
        let response_id = Self::record_id();
        if !ex.request.is_empty() {
            let request_id = Self::record_id();
            self.write_record(
                &[
                    ("WARC-Type", "request".to_string()),
                    ("WARC-Record-ID", request_id),
                    ("WARC-Date", date.clone()),
                    ("WARC-Target-URI", ex.url.clone()),
                    ("WARC-Warcinfo-ID", self.info_id.clone()),
                    ("WARC-Concurrent-To", response_id.clone()),
                    ("WARC-Block-Digest", sha1_base32(&ex.request)),
                    (
                        "Content-Type",
                        "application/http; msgtype=request".to_string(),
                    ),
                ],
                &ex.request,
            )?;
        }
        let mut block = ex.head.to_bytes();
        block.extend_from_slice(&ex.body);
        let mut headers = vec![
            ("WARC-Type", "response".to_string()),
            ("WARC-Record-ID", response_id),
            ("WARC-Date", date),
            ("WARC-Target-URI", ex.url.clone()),
            ("WARC-Warcinfo-ID", self.info_id.clone()),
        ];
        if let Some(ip) = ex.ip {
            headers.push(("WARC-IP-Address", ip.to_string()));
        }
        headers.push(("WARC-Block-Digest", sha1_base32(&block)));
        headers.push(("WARC-Payload-Digest", sha1_base32(&ex.body)));
        headers.push((
            "Content-Type",
            "application/http; msgtype=response".to_string(),
        ));
        self.write_record(&headers, &block)
    }

    /// Hands what was written to the operating system (so a killed run's partial archive
    /// holds every exchange of the records it wrote).
    pub fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }

    /// The underlying writer.
    pub fn into_inner(self) -> W {
        self.out
    }

    /// A new record's `WARC-Record-ID`: a random (version 4) UUID as a URN.
    fn record_id() -> String {
        format!("<{}>", uuid::Uuid::new_v4().urn())
    }

    fn write_record(&mut self, headers: &[(&str, String)], block: &[u8]) -> std::io::Result<()> {
        let mut head = b"WARC/1.1\r\n".to_vec();
        for (name, value) in headers {
            head.extend(http::latin1_bytes(&format!("{name}: {value}\r\n")));
        }
        head.extend_from_slice(format!("Content-Length: {}\r\n\r\n", block.len()).as_bytes());
        if self.gzip {
            let mut gz =
                flate2::write::GzEncoder::new(&mut self.out, flate2::Compression::default());
            gz.write_all(&head)?;
            gz.write_all(block)?;
            gz.write_all(b"\r\n\r\n")?;
            gz.finish()?;
        } else {
            self.out.write_all(&head)?;
            self.out.write_all(block)?;
            self.out.write_all(b"\r\n\r\n")?;
        }
        Ok(())
    }
}

/// `sha1:` and the base32 digest (RFC 4648 alphabet), as in WARC digests.
pub fn sha1_base32(bytes: &[u8]) -> String {
    format!(
        "sha1:{}",
        data_encoding::BASE32.encode(&sha1::Sha1::digest(bytes))
    )
}

/// A time as WARC-Date: `2024-05-01T08:30:00Z` (UTC, whole seconds).
pub fn warc_date(t: SystemTime) -> String {
    jiff::Timestamp::try_from(t)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// The key URLs are looked up by: parsed and re-serialized, without a fragment.
pub fn url_key(url: &str) -> String {
    match reqwest::Url::parse(url.trim()) {
        Ok(mut u) => {
            u.set_fragment(None);
            u.to_string()
        }
        Err(_) => url.trim().to_string(),
    }
}

/// The response records of an archive by target URI (the last response for a URI wins: a
/// retry that succeeded comes after the failures it replaced).
#[derive(Debug, Clone)]
pub struct ArchiveIndex {
    path: PathBuf,
    by_uri: HashMap<String, u64>,
    max_bytes: u64,
}

/// Why an archive could not answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// The URL was never archived.
    Missing,
    /// The record is there but unusable (corrupt, too large).
    Bad(String),
}

impl ArchiveIndex {
    /// Reads an archive's record heads (payloads are skipped). Damaged records are left out.
    pub fn open(path: &Path, max_bytes: u64) -> Result<ArchiveIndex> {
        if let Err(e) = std::fs::metadata(path) {
            return Err(Error::io(path.display().to_string(), e));
        }
        let mut by_uri = HashMap::new();
        for record in WarcReader::open(path, Bodies::None, max_bytes)?.flatten() {
            if record.warc_type() == "response"
                && record.http.is_some()
                && let Some(uri) = record.target_uri()
            {
                by_uri.insert(url_key(uri), record.offset);
            }
        }
        Ok(ArchiveIndex {
            path: path.to_path_buf(),
            by_uri,
            max_bytes,
        })
    }

    /// Number of URLs with a response.
    pub fn len(&self) -> usize {
        self.by_uri.len()
    }

    /// True when the archive holds no response.
    pub fn is_empty(&self) -> bool {
        self.by_uri.is_empty()
    }

    /// The archived exchange of a URL.
    pub fn get(&self, url: &str) -> std::result::Result<Exchange, Lookup> {
        let key = url_key(url);
        let offset = *self.by_uri.get(&key).ok_or(Lookup::Missing)?;
        let reader = WarcReader::open_at(&self.path, offset, Bodies::All, self.max_bytes)
            .map_err(|e| Lookup::Bad(e.to_string()))?;
        // The offset is that of the member holding the record: usually the record itself,
        // several records in a file gzipped whole.
        for record in reader.take(10_000) {
            let record = record.map_err(|e| Lookup::Bad(e.to_string()))?;
            if record.warc_type() != "response"
                || record.target_uri().map(url_key).as_deref() != Some(&key)
            {
                continue;
            }
            let (Some(head), Some(body)) = (record.http.clone(), record.payload.clone()) else {
                continue;
            };
            let ip = record
                .header("warc-ip-address")
                .and_then(|ip| ip.parse().ok());
            let date = record
                .header("warc-date")
                .and_then(|d| d.parse::<jiff::Timestamp>().ok())
                .and_then(|d| SystemTime::try_from(d).ok())
                .unwrap_or_else(SystemTime::now);
            return Ok(Exchange {
                url: key,
                request: Vec::new(),
                head,
                body,
                ip,
                date,
            });
        }
        Err(Lookup::Missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::source::warc::WarcRecord;
    use std::time::UNIX_EPOCH;

    #[test]
    fn digests_and_dates() {
        // sha1("") = da39a3ee5e6b4b0d3255bfef95601890afd80709
        assert_eq!(sha1_base32(b""), "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
        assert_eq!(warc_date(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let t = UNIX_EPOCH + std::time::Duration::from_secs(1_709_251_199);
        assert_eq!(warc_date(t), "2024-02-29T23:59:59Z");
        let t = t + std::time::Duration::from_millis(999);
        assert_eq!(warc_date(t), "2024-02-29T23:59:59Z");
        assert_eq!(sha1_base32(b"abc"), "sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5");
        assert_eq!(url_key("HTTP://Example.org/a#x"), "http://example.org/a");
    }

    #[test]
    fn written_exchanges_read_back() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a.warc.gz", "a.warc"] {
            let path = dir.path().join(name);
            let file = std::fs::File::create(&path).unwrap();
            let mut w = WarcWriter::new(file, name.ends_with(".gz"), &[("software", "t")]).unwrap();
            for (status, body) in [(500, "oops"), (200, "<p>ok</p>")] {
                let ex = Exchange {
                    url: "http://example.org/a".to_string(),
                    request: b"GET /a HTTP/1.1\r\nHost: example.org\r\n\r\n".to_vec(),
                    head: HttpHead::new(status, &[("Content-Type", "text/html")]),
                    body: body.as_bytes().to_vec(),
                    ip: Some("127.0.0.1".parse().unwrap()),
                    date: UNIX_EPOCH + std::time::Duration::from_millis(1_709_251_199_500),
                };
                w.write_exchange(&ex).unwrap();
            }
            drop(w.into_inner());
            // warcinfo, then a request and a response per exchange: each its own id.
            let heads: Vec<WarcRecord> = WarcReader::open(&path, Bodies::None, 1000)
                .unwrap()
                .map(Result::unwrap)
                .collect();
            let ids: std::collections::HashSet<&str> = heads
                .iter()
                .map(|r| r.header("warc-record-id").unwrap())
                .collect();
            assert_eq!((heads.len(), ids.len()), (5, 5));
            for id in ids {
                let urn = id.strip_prefix('<').and_then(|id| id.strip_suffix('>'));
                let uuid = uuid::Uuid::parse_str(urn.unwrap()).unwrap();
                assert_eq!(uuid.get_version_num(), 4, "{id}");
            }
            let index = ArchiveIndex::open(&path, 1000).unwrap();
            assert_eq!(index.len(), 1);
            let ex = index.get("http://example.org/a#frag").unwrap();
            assert_eq!(ex.head.status, 200);
            assert_eq!(ex.body, b"<p>ok</p>");
            assert_eq!(ex.ip, Some("127.0.0.1".parse().unwrap()));
            // When it was received: the record's WARC-Date, to the second.
            assert_eq!(
                ex.date,
                UNIX_EPOCH + std::time::Duration::from_secs(1_709_251_199)
            );
            assert_eq!(index.get("http://example.org/b"), Err(Lookup::Missing));
            let docs: Vec<_> = WarcReader::open(&path, Bodies::Documents, 1000)
                .unwrap()
                .documents()
                .collect();
            assert_eq!(docs.len(), 1);
        }
    }
}
