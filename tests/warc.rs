//! WARC input (issue #6): `thidua extract crawl.warc.gz` streams records; only HTML and text
//! responses become documents; damaged records are reported with `path#offset` and the rest of
//! the file is still read. The WARC files are generated here: one gzip member per record (as
//! Common Crawl writes them), a plain file, a file gzipped whole, and damaged variants.

use crate::util;
use serde_json::Value;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// An article as a page: where it is on disk, the payload a server sends, its media type.
pub struct Article {
    pub file: PathBuf,
    pub name: String,
    /// The bytes served (the file's bytes, un-gzipped).
    pub body: Vec<u8>,
    pub content_type: &'static str,
}

/// The corpus texts (text/plain) and the HTML fixture pages around corpus articles.
pub fn articles() -> Vec<Article> {
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in ["corpus", "tests/fixtures/html"] {
        for entry in std::fs::read_dir(util::path(dir)).unwrap() {
            let p = entry.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if name.ends_with(".txt") || name.ends_with(".html") || name.ends_with(".html.gz") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let name = file.file_name().unwrap().to_string_lossy().to_string();
            let mut body = std::fs::read(&file).unwrap();
            if name.ends_with(".gz") {
                body = gunzip(&body);
            }
            let content_type = if name.ends_with(".txt") {
                "text/plain; charset=utf-8"
            } else {
                "text/html"
            };
            Article {
                file,
                name,
                body,
                content_type,
            }
        })
        .collect()
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

pub fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// One WARC record (headers, block, trailer).
pub fn record(warc_type: &str, uri: &str, content_type: &str, block: &[u8]) -> Vec<u8> {
    let id = thidua::source::http::url_id(&format!("{warc_type}{uri}{}", block.len()));
    let mut out = format!(
        "WARC/1.1\r\nWARC-Type: {warc_type}\r\nWARC-Record-ID: <urn:uuid:{}-0000-4000-8000-{}>\r\n\
         WARC-Date: 2024-05-01T08:00:00Z\r\nWARC-Target-URI: {uri}\r\n\
         Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        &id[..8],
        &id[4..16],
        block.len()
    )
    .into_bytes();
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

/// A `response` record with an HTTP message.
pub fn response(uri: &str, status: &str, headers: &[(&str, &str)], payload: &[u8]) -> Vec<u8> {
    let mut block = format!("HTTP/1.1 {status}\r\n").into_bytes();
    for (n, v) in headers {
        block.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
    }
    block.extend_from_slice(b"\r\n");
    block.extend_from_slice(payload);
    record(
        "response",
        uri,
        "application/http; msgtype=response",
        &block,
    )
}

/// A request record for a URI.
pub fn request(uri: &str) -> Vec<u8> {
    let block = format!("GET {uri} HTTP/1.1\r\nUser-Agent: test\r\n\r\n");
    record(
        "request",
        uri,
        "application/http; msgtype=request",
        block.as_bytes(),
    )
}

/// The address a page gives for itself (an absolute canonical link or og:url), if any.
pub fn own_url(a: &Article) -> Option<String> {
    let html = String::from_utf8_lossy(&a.body);
    ["rel=\"canonical\" href=\"", "og:url\" content=\""]
        .iter()
        .find_map(|attr| {
            let at = html.find(attr)? + attr.len();
            let url = html[at..].split('"').next()?;
            url.starts_with("http").then(|| url.to_string())
        })
}

/// The URI an article is archived under: the page's own address, else one on example.org.
/// (The host chooses the HTML site profile, so a page is archived where it was published.)
pub fn uri(a: &Article) -> String {
    own_url(a).unwrap_or_else(|| format!("https://example.org/tin/{}", a.name))
}

/// Records of a crawl of the articles, in order, with records that are not documents mixed
/// in (warcinfo, requests, metadata, an image, a 404, a redirect, robots.txt, a revisit).
/// Every third article is stored with its transfer coding (chunked) or content coding (gzip)
/// still in place, as some crawlers write them.
pub fn crawl_records(articles: &[Article]) -> Vec<Vec<u8>> {
    let mut records = vec![record(
        "warcinfo",
        "",
        "application/warc-fields",
        b"software: thidua tests\r\nformat: WARC File Format 1.1\r\n",
    )];
    records.push(response(
        "https://example.org/robots.txt",
        "200 OK",
        &[("Content-Type", "text/plain")],
        b"User-agent: *\nDisallow:\n",
    ));
    for (i, a) in articles.iter().enumerate() {
        let uri = uri(a);
        records.push(request(&uri));
        let answer = match i % 3 {
            1 => {
                let mut chunked = Vec::new();
                for chunk in a.body.chunks(1000) {
                    chunked.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                    chunked.extend_from_slice(chunk);
                    chunked.extend_from_slice(b"\r\n");
                }
                chunked.extend_from_slice(b"0\r\n\r\n");
                response(
                    &uri,
                    "200 OK",
                    &[
                        ("Content-Type", a.content_type),
                        ("Transfer-Encoding", "chunked"),
                    ],
                    &chunked,
                )
            }
            2 => response(
                &uri,
                "200 OK",
                &[
                    ("Content-Type", a.content_type),
                    ("Content-Encoding", "gzip"),
                ],
                &gzip(&a.body),
            ),
            _ => response(
                &uri,
                "200 OK",
                &[
                    ("Content-Type", a.content_type),
                    ("Content-Length", &a.body.len().to_string()),
                ],
                &a.body,
            ),
        };
        records.push(answer);
        if i % 5 == 0 {
            records.push(record(
                "metadata",
                &uri,
                "application/warc-fields",
                b"fetchTimeMs: 12\r\n",
            ));
            records.push(response(
                &format!("{uri}/logo.png"),
                "200 OK",
                &[("Content-Type", "image/png")],
                b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
            ));
            records.push(response(
                &format!("{uri}/missing"),
                "404 Not Found",
                &[("Content-Type", "text/html")],
                b"<h1>Not found</h1>",
            ));
            records.push(response(
                &format!("{uri}/old"),
                "301 Moved Permanently",
                &[("Location", uri.as_str()), ("Content-Type", "text/html")],
                b"<a href=x>moved</a>",
            ));
            records.push(record(
                "revisit",
                &uri,
                "application/http; msgtype=response",
                b"HTTP/1.1 200 OK\r\n\r\n",
            ));
        }
    }
    records
}

/// One gzip member per record.
pub fn members(records: &[Vec<u8>]) -> Vec<u8> {
    records.iter().flat_map(|r| gzip(r)).collect()
}

/// A record without what only says where it came from: doc.id, doc.input, doc.url, and
/// doc.site when it is only the host of doc.url (the fallback for pages that name no site).
pub fn fields(record: &Value) -> Value {
    let mut r = record.clone();
    let host = r["doc"]["url"].as_str().and_then(|u| {
        let rest = u.split_once("://")?.1;
        let host = rest.split(['/', ':']).next()?;
        Some(host.trim_start_matches("www.").to_string())
    });
    if host.is_some() && r["doc"]["site"].as_str() == host.as_deref() {
        r["doc"]["site"] = Value::Null;
    }
    for key in ["id", "input", "url"] {
        r["doc"].as_object_mut().unwrap().remove(key);
    }
    r
}

/// The top-level keys (and doc keys) on which two records differ, with both values.
fn differences(want: &Value, got: &Value) -> String {
    let mut out = String::new();
    for (key, w) in want.as_object().unwrap() {
        let g = &got[key];
        if key == "doc" {
            for (k, wv) in w.as_object().unwrap() {
                if &g[k] != wv {
                    out.push_str(&format!("  doc.{k}: want {wv} got {}\n", g[k]));
                }
            }
        } else if g != w {
            let clip = |v: &Value| v.to_string().chars().take(300).collect::<String>();
            out.push_str(&format!("  {key}: want {} got {}\n", clip(w), clip(g)));
        }
    }
    out
}

/// Runs `thidua extract` and returns (records, stderr, exit code).
pub fn extract(args: &[&str]) -> (Vec<Value>, String, i32) {
    let mut all = vec!["extract"];
    all.extend_from_slice(args);
    let out = util::thidua(&all, None);
    (
        util::jsonl(&out.stdout),
        String::from_utf8_lossy(&out.stderr).to_string(),
        out.status.code().unwrap_or(-1),
    )
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Records from the article files themselves.
pub fn file_records(articles: &[Article]) -> Vec<Value> {
    let files: Vec<&str> = articles.iter().map(|a| s(&a.file)).collect();
    let (records, stderr, code) = extract(&files);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(records.len(), articles.len());
    records
}

/// Asserts two record lists have the same fields, naming the first article that differs.
pub fn assert_same_fields(articles: &[Article], want: &[Value], got: &[Value], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: number of records");
    let mut report = String::new();
    for ((a, w), g) in articles.iter().zip(want).zip(got) {
        let (w, g) = (fields(w), fields(g));
        if w != g {
            report.push_str(&format!("{} differs:\n{}", a.name, differences(&w, &g)));
        }
    }
    assert!(report.is_empty(), "{what}:\n{report}");
}

#[test]
fn warc_gives_the_same_records_as_the_files() {
    let articles = articles();
    assert!(articles.len() > 30);
    let want = file_records(&articles);
    let dir = util::tempdir();
    let records = crawl_records(&articles);
    let per_record = dir.path().join("crawl.warc.gz");
    std::fs::write(&per_record, members(&records)).unwrap();
    let plain = dir.path().join("crawl.warc");
    std::fs::write(&plain, records.concat()).unwrap();
    let whole = dir.path().join("whole.warc.gz");
    std::fs::write(&whole, gzip(&records.concat())).unwrap();
    for path in [&per_record, &plain, &whole] {
        let (got, stderr, code) = extract(&[s(path)]);
        assert_eq!(code, 0, "{}: {stderr}", path.display());
        assert_same_fields(&articles, &want, &got, &path.display().to_string());
        assert!(
            stderr.contains(&format!("{} records", articles.len())),
            "{stderr}"
        );
    }
    // A directory walk picks the archive up too (and only once: .warc.gz is one input).
    let walk = dir.path().join("walk");
    std::fs::create_dir(&walk).unwrap();
    std::fs::copy(&per_record, walk.join("a.warc.gz")).unwrap();
    let (got, _, code) = extract(&[s(&walk)]);
    assert_eq!(code, 0);
    assert_same_fields(&articles, &want, &got, "directory walk");
}

#[test]
fn a_warc_archive_on_standard_input_is_read_record_by_record() {
    // `cat crawl.warc.gz | thidua extract -` gives the records of `thidua extract
    // crawl.warc.gz`, with the locators naming standard input ("-#offset").
    let articles = articles();
    let records = crawl_records(&articles);
    let dir = util::tempdir();
    for (name, bytes) in [
        ("crawl.warc.gz", members(&records)),
        ("crawl.warc", records.concat()),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, &bytes).unwrap();
        let (from_file, _, code) = extract(&[s(&file)]);
        assert_eq!(code, 0);
        assert!(from_file.len() > 30, "{name}");
        let out = util::thidua(&["extract", "-"], Some(&bytes));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{name}: {err}");
        let from_stdin = util::jsonl(&out.stdout);
        assert_eq!(from_stdin.len(), from_file.len(), "{name}");
        for (got, want) in from_stdin.iter().zip(&from_file) {
            let mut want = want.clone();
            let input = want["doc"]["input"]
                .as_str()
                .unwrap()
                .replacen(s(&file), "-", 1);
            assert!(input.starts_with("-#"), "{input}");
            want["doc"]["input"] = Value::String(input);
            assert_eq!(got, &want, "{name}");
        }
    }
    // Anything else on standard input is still one document.
    let text = std::fs::read(util::path("corpus/s001.txt")).unwrap();
    let out = util::thidua(&["extract", "-"], Some(&text));
    let one = util::jsonl(&out.stdout);
    assert_eq!(one.len(), 1);
    assert_eq!(one[0]["doc"]["input"], "-");
    assert_eq!(one[0]["is_report"], true);
}

#[test]
fn warc_records_can_be_found_again_by_their_locator() {
    use sha2::Digest;
    let articles = articles();
    let dir = util::tempdir();
    let path = dir.path().join("crawl.warc.gz");
    let bytes = members(&crawl_records(&articles));
    std::fs::write(&path, &bytes).unwrap();
    let (got, stderr, code) = extract(&[s(&path)]);
    assert_eq!(code, 0, "{stderr}");
    for (a, r) in articles.iter().zip(&got) {
        let uri = uri(a);
        let digest = sha2::Sha256::digest(uri.as_bytes());
        let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(r["doc"]["id"], Value::String(hex), "{}", a.name);
        let input = r["doc"]["input"].as_str().unwrap();
        let (file, offset) = input.rsplit_once('#').unwrap();
        assert_eq!(file, path.display().to_string());
        // The member at the offset holds the response record of the article's URI.
        let offset: usize = offset.parse().unwrap();
        let mut member = Vec::new();
        let _ = flate2::read::GzDecoder::new(&bytes[offset..]).read_to_end(&mut member);
        let head = String::from_utf8_lossy(&member[..600.min(member.len())]).to_string();
        assert!(
            head.starts_with("WARC/1.1\r\nWARC-Type: response\r\n"),
            "{head}"
        );
        assert!(
            head.contains(&format!("WARC-Target-URI: {uri}\r\n")),
            "{head}"
        );
        // Pages without a canonical link keep the archived URI as doc.url.
        if a.name.ends_with(".txt") {
            assert_eq!(r["doc"]["url"], Value::String(uri.clone()));
        }
    }
}

/// The articles' members, then damage: a corrupt member in the middle, a record whose
/// Content-Length is wrong, a record above the size cap, and a truncated tail.
#[test]
fn damaged_records_are_reported_and_the_rest_is_read() {
    let articles: Vec<Article> = articles()
        .into_iter()
        .filter(|a| a.name.ends_with(".txt"))
        .take(6)
        .collect();
    let want = file_records(&articles);
    let one = |a: &Article| {
        response(
            &uri(a),
            "200 OK",
            &[("Content-Type", a.content_type)],
            &a.body,
        )
    };
    let dir = util::tempdir();

    // gzip, one member per record: [0] [1] [corrupt] [2] [3] [huge] [4] [5 truncated]
    let mut members: Vec<Vec<u8>> = Vec::new();
    members.push(gzip(&one(&articles[0])));
    members.push(gzip(&one(&articles[1])));
    let mut corrupt = gzip(&one(&articles[2]));
    let mid = corrupt.len() / 2;
    for b in &mut corrupt[mid..mid + 16] {
        *b = !*b;
    }
    members.push(corrupt);
    members.push(gzip(&one(&articles[3])));
    let huge = format!("<p>{}</p>", "Khối thi đua ".repeat(20_000));
    members.push(gzip(&response(
        "https://example.org/huge",
        "200 OK",
        &[("Content-Type", "text/html")],
        huge.as_bytes(),
    )));
    members.push(gzip(&one(&articles[4])));
    let last = gzip(&one(&articles[5]));
    members.push(last[..last.len() * 2 / 3].to_vec());
    let offsets: Vec<usize> = members
        .iter()
        .scan(0, |at, m| {
            let o = *at;
            *at += m.len();
            Some(o)
        })
        .collect();
    let path = dir.path().join("damaged.warc.gz");
    std::fs::write(&path, members.concat()).unwrap();
    let (got, stderr, code) = extract(&[s(&path), "--max-bytes", "100000"]);
    assert_eq!(code, 1, "{stderr}");
    let kept: Vec<&Article> = [0, 1, 3, 4].iter().map(|&i| &articles[i]).collect();
    assert_eq!(got.len(), 4, "{stderr}");
    for ((a, g), i) in kept.iter().zip(&got).zip([0, 1, 3, 4]) {
        assert_eq!(fields(g), fields(&want[i]), "{}", a.name);
    }
    let p = path.display();
    for (offset, reason) in [
        (offsets[2], "corrupt gzip member"),
        (offsets[4], "larger than"),
        (offsets[6], "truncated record"),
    ] {
        let line = format!("thidua: {p}#{offset}: ");
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with(&line) && l.contains(reason)),
            "no {line:?} with {reason:?} in:\n{stderr}"
        );
    }
    assert!(
        stderr.contains("4 records") && stderr.contains("3 failed"),
        "{stderr}"
    );

    // A plain WARC: a record, garbage, a record that says it is longer than it is, a record.
    let mut plain = one(&articles[0]);
    let garbage_at = plain.len();
    plain.extend_from_slice(b"this is not a WARC record\r\n\r\n");
    let wrong_at = plain.len();
    let wrong = String::from_utf8(one(&articles[1])).unwrap();
    let len = wrong
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .unwrap()
        .trim()
        .to_string();
    let wrong = wrong.replacen(
        &format!("Content-Length: {len}"),
        &format!("Content-Length: {}", len.parse::<usize>().unwrap() + 4000),
        1,
    );
    plain.extend_from_slice(wrong.as_bytes());
    plain.extend(one(&articles[2]));
    let path = dir.path().join("damaged.warc");
    std::fs::write(&path, &plain).unwrap();
    let (got, stderr, code) = extract(&[s(&path)]);
    assert_eq!(code, 1);
    assert_eq!(got.len(), 2, "{stderr}");
    assert_eq!(fields(&got[0]), fields(&want[0]));
    assert_eq!(fields(&got[1]), fields(&want[2]));
    let p = path.display();
    for line in [
        format!("thidua: {p}#{garbage_at}: not a WARC record"),
        format!("thidua: {p}#{wrong_at}: truncated record"),
    ] {
        assert!(stderr.contains(&line), "no {line:?} in:\n{stderr}");
    }
}

#[test]
fn an_empty_or_missing_warc_is_reported() {
    let dir = util::tempdir();
    let empty = dir.path().join("empty.warc.gz");
    std::fs::write(&empty, b"").unwrap();
    let (got, stderr, code) = extract(&[s(&empty)]);
    assert_eq!((got.len(), code), (0, 0), "{stderr}");
    let (_, stderr, code) = extract(&[s(&dir.path().join("nope.warc.gz"))]);
    assert_eq!(code, 1);
    assert!(stderr.contains("nope.warc.gz"), "{stderr}");
}
