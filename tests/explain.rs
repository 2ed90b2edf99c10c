//! `thidua explain` takes what records carry in `doc.input`: files, WARC record locators
//! (`archive.warc.gz#offset`), URLs answered from an archive; a WARC file given whole is
//! read as its records; an unknown `--field` is an error.

use crate::util;
use crate::warc::{members, request, response};
use serde_json::Value;

/// A WARC file of three corpus articles (one gzip member per record), and their URLs.
fn archive(dir: &std::path::Path, gzipped: bool) -> (std::path::PathBuf, Vec<String>) {
    let mut records = Vec::new();
    let mut urls = Vec::new();
    for name in ["s001", "s004", "a012"] {
        let url = format!("https://example.org/tin/{name}.txt");
        let body = std::fs::read(util::path(&format!("corpus/{name}.txt"))).unwrap();
        records.push(request(&url));
        records.push(response(
            &url,
            "200 OK",
            &[("Content-Type", "text/plain; charset=utf-8")],
            &body,
        ));
        urls.push(url);
    }
    let path = dir.join(if gzipped {
        "crawl.warc.gz"
    } else {
        "crawl.warc"
    });
    let bytes = if gzipped {
        members(&records)
    } else {
        records.concat()
    };
    std::fs::write(&path, bytes).unwrap();
    (path, urls)
}

/// The records `extract` gives for the arguments.
fn extracted(args: &[&str]) -> Vec<Value> {
    let out = util::thidua(&[&["extract"], args].concat(), None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    util::jsonl(&out.stdout)
}

/// The records at the end of each `## Record` section of explain's output.
fn explained_records(stdout: &[u8]) -> Vec<Value> {
    let text = String::from_utf8_lossy(stdout);
    text.split("\n## Record\n")
        .skip(1)
        .map(|part| {
            let json = match part.find("\n\n# ") {
                Some(end) => &part[..end],
                None => part,
            };
            serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"))
        })
        .collect()
}

fn headers(stdout: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter(|l| l.starts_with("# "))
        .map(|l| l[2..].split(" (").next().unwrap().to_string())
        .collect()
}

#[test]
fn a_warc_file_is_explained_record_by_record() {
    let dir = util::tempdir();
    for gzipped in [true, false] {
        let (path, _) = archive(dir.path(), gzipped);
        let p = path.to_str().unwrap();
        let want = extracted(&[p]);
        assert_eq!(want.len(), 3);
        let out = util::thidua(&["explain", p], None);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let inputs: Vec<String> = want
            .iter()
            .map(|r| r["doc"]["input"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            headers(&out.stdout),
            inputs,
            "one section per record, by locator"
        );
        let got = explained_records(&out.stdout);
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g["bloc"], w["bloc"]);
            assert_eq!(g["doc"]["input"], w["doc"]["input"]);
        }
    }
}

#[test]
fn a_warc_locator_explains_that_record() {
    let dir = util::tempdir();
    let (path, _) = archive(dir.path(), true);
    let want = extracted(&[path.to_str().unwrap()]);
    for w in &want {
        let input = w["doc"]["input"].as_str().unwrap();
        assert!(input.contains(".warc.gz#"), "{input}");
        let out = util::thidua(&["explain", input], None);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(headers(&out.stdout), vec![input.to_string()]);
        let got = &explained_records(&out.stdout)[0];
        assert_eq!(got["bloc"], w["bloc"]);
        assert_eq!(got["evidence"], w["evidence"]);
    }
    // An offset where no record starts: an error naming the locator.
    let bad = format!("{}#5", path.display());
    let out = util::thidua(&["explain", &bad], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&bad));
}

#[test]
fn a_url_is_explained_from_the_archive_offline() {
    let dir = util::tempdir();
    let (path, urls) = archive(dir.path(), true);
    let p = path.to_str().unwrap();
    let list = dir.path().join("urls.txt");
    std::fs::write(&list, urls.join("\n")).unwrap();
    let want = extracted(&[
        "--urls",
        list.to_str().unwrap(),
        "--archive",
        p,
        "--offline",
    ]);
    assert_eq!(want.len(), 3);
    let out = util::thidua(&["explain", &urls[1], "--archive", p, "--offline"], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = &explained_records(&out.stdout)[0];
    assert_eq!(got["doc"]["input"], Value::String(urls[1].clone()));
    assert_eq!(got["bloc"], want[1]["bloc"]);
    assert_eq!(got["evidence"], want[1]["evidence"]);
    // Without an archive explain does not go to the network: a usage error.
    let out = util::thidua(&["explain", &urls[1]], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--archive FILE --offline"));
    // A URL the archive does not hold fails.
    let out = util::thidua(
        &[
            "explain",
            "https://example.org/tin/none.txt",
            "--archive",
            p,
            "--offline",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn an_unknown_field_is_an_error() {
    let out = util::thidua(&["explain", "--field", "membres", "corpus/s004.txt"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("\"membres\"") && err.contains("members"),
        "{err}"
    );
    // Fields, record paths and rule ids are all accepted as prefixes.
    for field in ["members", "meeting.date", "doc.author", "date.time", "bloc"] {
        let out = util::thidua(&["explain", "--field", field, "corpus/s004.txt"], None);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{field}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
