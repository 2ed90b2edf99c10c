//! Tests: HTML pages (issue #5) — charset, main text without page furniture, page metadata.
//!
//! Data-driven: `tests/fixtures/html/*.expected.json` (portal layouts built around corpus
//! articles) and `tests/fixtures/peer/*.expected.json` (real pages from other projects).

use crate::util;
use serde_json::Value;
use std::path::{Path, PathBuf};
use thidua::{ContentKind, RawDocument};

/// Fixture pages with their expectations, sorted by name.
fn cases(dir: &str) -> Vec<(String, PathBuf, Value)> {
    let dir = util::path(dir);
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("fixture dir") {
        let path = entry.expect("entry").path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let Some(stem) = name.strip_suffix(".expected.json") else {
            continue;
        };
        let page = [".html", ".html.gz"]
            .iter()
            .map(|ext| dir.join(format!("{stem}{ext}")))
            .find(|p| p.exists())
            .unwrap_or_else(|| panic!("no page for {name}"));
        let expected: Value = serde_json::from_str(&util::read(&path)).expect("valid JSON");
        out.push((stem.to_string(), page, expected));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn record_of(page: &Path) -> thidua::Record {
    let p = util::pipeline();
    let raw = thidua::source::read_file(page, p.limits()).expect("page reads");
    p.process(&raw).expect("page processes")
}

/// Whitespace-collapsed, normalized like the pipeline's text.
fn norm(s: &str) -> String {
    let n = util::pipeline().normalizer().normalize_str(s);
    n.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn fixture_pages_give_expected_text_and_metadata() {
    let mut failures = Vec::new();
    let cases = cases("tests/fixtures/html");
    assert!(cases.len() >= 7, "fixtures missing");
    for (name, page, exp) in &cases {
        let record = record_of(page);
        let doc = &record.doc;
        let text = norm(doc.text.as_deref().unwrap_or(""));
        let got = [
            ("title", doc.title.clone()),
            ("published", doc.published.clone()),
            ("author", doc.author.clone()),
            ("site", doc.site.clone()),
            ("url", doc.url.clone()),
        ];
        for (key, value) in got {
            let Some(want) = exp.get(key) else { continue };
            let want = want.as_str().map(norm);
            if value.as_deref().map(norm) != want {
                failures.push(format!(
                    "{name}: {key}\n   expected {want:?}\n   actual   {value:?}"
                ));
            }
        }
        for s in exp["must_contain"].as_array().into_iter().flatten() {
            let s = norm(s.as_str().unwrap());
            if !text.contains(&s) {
                failures.push(format!("{name}: text lacks {s:?}"));
            }
        }
        let mut without_text = record.clone();
        without_text.doc.text = None;
        let json = norm(&serde_json::to_string(&without_text).unwrap());
        for s in exp["must_not_contain"].as_array().into_iter().flatten() {
            let s = norm(s.as_str().unwrap());
            if text.contains(&s) {
                failures.push(format!("{name}: text has furniture {s:?}"));
            }
            if json.contains(&s) {
                failures.push(format!("{name}: record has furniture {s:?}"));
            }
        }
        let expected_warnings = exp["warnings"].as_array().map_or(0, |w| w.len());
        if record.warnings.len() != expected_warnings {
            failures.push(format!("{name}: warnings {:?}", record.warnings));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The record fields a page and its corpus text must share.
fn fields(record: &Value) -> Value {
    let mut r = record.clone();
    let obj = r.as_object_mut().unwrap();
    let doc = obj.remove("doc").unwrap();
    obj.remove("evidence");
    obj.remove("warnings");
    obj.insert("doc.title".into(), doc["title"].clone());
    obj.insert("doc.author".into(), doc["author"].clone());
    let published = doc["published"].as_str().map(|p| p[..10].to_string());
    obj.insert("doc.published (date)".into(), published.into());
    r
}

#[test]
fn html_page_and_corpus_text_give_the_same_record() {
    let mut checked = 0;
    for (name, page, exp) in cases("tests/fixtures/html") {
        let Some(id) = exp["corpus"].as_str() else {
            continue;
        };
        let page_arg = page.to_string_lossy().to_string();
        let text_arg = format!("corpus/{id}.txt");
        let out = util::thidua(&["extract", &page_arg, &text_arg], None);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let records = util::jsonl(&out.stdout);
        assert_eq!(records.len(), 2);
        let (from_html, from_text) = (fields(&records[0]), fields(&records[1]));
        assert!(
            from_text["is_report"] == true,
            "{id}: the corpus text is a report"
        );
        for (key, want) in from_text.as_object().unwrap() {
            let got = &from_html[key];
            assert_eq!(
                got, want,
                "{name} vs corpus/{id}.txt: field {key}\n html: {got}\n text: {want}"
            );
        }
        checked += 1;
    }
    assert!(checked >= 6, "only {checked} corpus fixtures");
}

#[test]
fn generic_extraction_matches_the_site_profile() {
    // The same Báo Quảng Trị page saved without its URL: no profile applies.
    let path = util::path("tests/fixtures/html/s001_baoquangtri.html");
    let source = util::read(&path);
    let start = source.find("<link rel=\"canonical\"").unwrap();
    let end = start + source[start..].find('>').unwrap() + 1;
    let unprofiled = format!("{}{}", &source[..start], &source[end..]);
    let p = util::pipeline();
    let raw = |bytes: &str| RawDocument {
        id: "s001".into(),
        input: "s001".into(),
        url: None,
        bytes: bytes.as_bytes().to_vec(),
        kind: ContentKind::Html,
        charset_hint: None,
    };
    let with = p.read(&raw(&source)).unwrap();
    let without = p.read(&raw(&unprofiled)).unwrap();
    assert!(with.url.is_some() && without.url.is_none());
    // The generic container also holds the stamp line under the headline; nothing else differs.
    let extra: Vec<&str> = without
        .text
        .lines()
        .filter(|l| !with.text.lines().any(|w| w == *l))
        .collect();
    assert_eq!(
        extra,
        ["Ngày cập nhật: 06/12/2021 15:57:15"],
        "{}",
        without.text
    );
    assert!(
        with.text
            .lines()
            .all(|l| without.text.lines().any(|w| w == l))
    );
    assert_eq!(with.published, without.published);
    assert_eq!(with.author, without.author);
}

#[test]
fn html_on_stdin_is_sniffed() {
    let page = std::fs::read(util::path("tests/fixtures/html/s004_sharepoint.html")).unwrap();
    let out = util::thidua(&["extract", "-"], Some(&page));
    assert!(out.status.success());
    let r = &util::jsonl(&out.stdout)[0];
    assert_eq!(r["doc"]["author"], "Phương Thuận");
    assert_eq!(r["doc"]["published"], "2020-07-17T15:44");
    assert_eq!(r["bloc"]["name"], "Khối thi đua các cơ quan tham mưu III");
}

#[test]
fn broken_site_profile_is_reported_with_file_and_line() {
    let dir = util::tempdir();
    let src = util::path("patterns");
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(&src).unwrap();
        let dest = dir.path().join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
    let profile = dir.path().join("html/sites.toml");
    let mut text = std::fs::read_to_string(&profile).unwrap();
    text.push_str("\n[[site]]\nname = \"broken\"\nhosts = [\"x.vn\"]\ncontent = \"div[[\"\n");
    let line = text.lines().count();
    std::fs::write(&profile, text).unwrap();
    let patterns = dir.path().to_string_lossy().to_string();
    let out = util::thidua(
        &["extract", "--patterns", &patterns, "corpus/s001.txt"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("html/sites.toml:{line}: bad CSS selector")),
        "{err}"
    );
}

#[test]
fn deep_nesting_neither_overflows_nor_stalls() {
    let n = 100_000;
    let page = format!(
        "<html><body>{}<p>Khối thi đua các cơ quan đảng tổ chức hội nghị.</p>{}</body></html>",
        "<div>".repeat(n),
        "</div>".repeat(n)
    );
    let raw = RawDocument {
        id: "deep".into(),
        input: "deep".into(),
        url: None,
        bytes: page.into_bytes(),
        kind: ContentKind::Html,
        charset_hint: None,
    };
    // Run on a small stack: nothing may recurse with the depth.
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || util::pipeline().read(&raw).unwrap())
        .unwrap();
    let doc = handle.join().expect("no stack overflow");
    assert!(
        doc.text.contains("Khối thi đua các cơ quan đảng"),
        "{}",
        doc.text
    );
    assert!(doc.warnings.iter().any(|w| w.contains("nested")));
}

#[test]
fn garbage_and_odd_markup_never_panic() {
    let p = util::pipeline();
    let inputs: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"<".to_vec(),
        b"<html><body></body></html>".to_vec(),
        b"<table><tr><td><table><tr><td>x</td></tr></table></td></tr></table>".to_vec(),
        b"<p>a<td>b</td><li>c</table></p><script>if(a<b){}</script><!-- x".to_vec(),
        "<h1>Tiêu đề</h1><div class=\"date\">32/13/2020</div><time datetime=\"bad\">x</time>\
         <script type=\"application/ld+json\">{\"@type\": [1, {\"a\": null}], \"author\": 5}</script>"
            .as_bytes()
            .to_vec(),
        "<meta charset=\"utf-8\"><p>\u{feff}Khối<br><br><br>thi đua</p>".as_bytes().to_vec(),
        b"<svg><svg><svg><math><mi>x</mi></math></svg></svg></svg><select><option>z".to_vec(),
    ];
    for bytes in inputs {
        let raw = RawDocument {
            id: "x".into(),
            input: "x".into(),
            url: Some("not a url".into()),
            bytes,
            kind: ContentKind::Html,
            charset_hint: Some("no-such-charset".into()),
        };
        let _ = p.process(&raw).unwrap();
    }
}

/// Bag-of-tokens precision and recall (CJK and Thai characters are tokens of their own).
fn token_pr(pred: &str, gold: &str) -> (f64, f64) {
    fn tokens(s: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = String::new();
        for c in s.chars() {
            let cjk = matches!(c as u32, 0x0e00..=0x0e7f | 0x3040..=0x30ff | 0x3400..=0x9fff | 0xac00..=0xd7af | 0xff00..=0xffef);
            if c.is_alphanumeric() && !cjk {
                cur.extend(c.to_lowercase());
                continue;
            }
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            if cjk && c.is_alphanumeric() {
                out.push(c.to_string());
            }
        }
        if !cur.is_empty() {
            out.push(cur);
        }
        out
    }
    let (p, g) = (tokens(pred), tokens(gold));
    let mut left: std::collections::HashMap<&str, i32> = std::collections::HashMap::new();
    for t in &g {
        *left.entry(t).or_default() += 1;
    }
    let mut hit = 0;
    for t in &p {
        if let Some(n) = left.get_mut(t.as_str())
            && *n > 0
        {
            *n -= 1;
            hit += 1;
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    (ratio(hit, p.len()), ratio(hit, g.len()))
}

fn html_to_text(fragment: &str) -> String {
    scraper::Html::parse_fragment(fragment)
        .root_element()
        .text()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Measures the reader on the real pages and holds the numbers above a floor, so that a
/// change that makes extraction worse fails. Run with `--nocapture` to see the numbers.
#[test]
fn peer_pages_quality_floor() {
    let (mut title, mut date, mut author) = ((0, 0), (0, 0), (0, 0));
    let (mut must, mut must_not) = ((0, 0), (0, 0));
    let (mut p_sum, mut r_sum, mut n_text) = (0.0, 0.0, 0);
    let mut report = Vec::new();
    for (name, page, exp) in cases("tests/fixtures/peer") {
        let raw = RawDocument {
            id: name.clone(),
            input: name.clone(),
            url: exp["url"].as_str().map(str::to_string),
            bytes: std::fs::read(&page).unwrap(),
            kind: ContentKind::Html,
            charset_hint: None,
        };
        let got = thidua::html::read(&raw).unwrap();
        let same = |a: Option<&str>, b: &str| {
            a.map(|a| a.split_whitespace().collect::<Vec<_>>().join(" "))
                == Some(b.split_whitespace().collect::<Vec<_>>().join(" "))
        };
        if let Some(t) = exp["title"].as_str() {
            title.1 += 1;
            title.0 += same(got.title.as_deref(), t) as u32;
        }
        if let Some(d) = exp["date"].as_str() {
            date.1 += 1;
            date.0 += (got.published.as_deref().map(|p| &p[..10]) == Some(&d[..10])) as u32;
        }
        let want_author = match &exp["author"] {
            Value::String(a) => Some(a.clone()),
            Value::Array(a) if !a.is_empty() => Some(
                a.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            _ => None,
        };
        if let Some(a) = want_author {
            author.1 += 1;
            author.0 += same(got.author.as_deref(), &a) as u32;
        }
        let gold = exp["text"]
            .as_str()
            .map(str::to_string)
            .or_else(|| exp["content_html"].as_str().map(html_to_text));
        if let Some(gold) = gold {
            let (p, r) = token_pr(&got.text, &gold);
            report.push(format!("{name}: P {p:.2} R {r:.2}"));
            p_sum += p;
            r_sum += r;
            n_text += 1;
        }
        let text = got.text.split_whitespace().collect::<Vec<_>>().join(" ");
        for s in exp["must_contain"].as_array().into_iter().flatten() {
            must.1 += 1;
            must.0 += text.contains(s.as_str().unwrap()) as u32;
        }
        for s in exp["must_not_contain"].as_array().into_iter().flatten() {
            must_not.1 += 1;
            must_not.0 += !text.contains(s.as_str().unwrap()) as u32;
        }
    }
    let (p, r) = (p_sum / n_text as f64, r_sum / n_text as f64);
    let f1 = 2.0 * p * r / (p + r);
    println!("{}", report.join("\n"));
    println!(
        "peer pages: title {}/{} date {}/{} author {}/{} | main text on {n_text} pages: token P {p:.3} R {r:.3} F1 {f1:.3} | must_contain {}/{} must_not_contain {}/{}",
        title.0,
        title.1,
        date.0,
        date.1,
        author.0,
        author.1,
        must.0,
        must.1,
        must_not.0,
        must_not.1
    );
    assert!(title.0 >= 18, "title {title:?}");
    assert!(date.0 >= 13, "date {date:?}");
    assert!(author.0 >= 5, "author {author:?}");
    assert!(p >= 0.93 && r >= 0.97, "P {p:.3} R {r:.3}");
    assert!(must.0 == must.1, "must_contain {must:?}");
    assert!(must_not.0 >= 15, "must_not_contain {must_not:?}");
}
