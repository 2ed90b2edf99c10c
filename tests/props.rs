//! Property tests of the whole pipeline (issue #9): arbitrary strings, Vietnamese-heavy
//! fragment soups and HTML made of them go through text → record, HTML → record and bytes →
//! record. Nothing may panic; every record must satisfy the schema; every evidence entry must
//! point inside the normalized text, at the value when the value is written verbatim, inside
//! the sentence it quotes, which must be the text around it. (Normalization alone is
//! property-tested in `tests/normalize.rs`.)

use crate::{cli, util};
use proptest::prelude::*;
use serde_json::Value;
use std::sync::OnceLock;
use thidua::{ContentKind, RawDocument};

/// The record schema, compiled once.
fn validator() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| {
        let schema: Value =
            serde_json::from_str(&util::read(&util::path("schema/record.schema.json"))).unwrap();
        jsonschema::validator_for(&schema).expect("schema compiles")
    })
}

/// Why a record breaks the contract, if it does: schema errors, then the evidence invariants
/// when the record carries its text (`--include-text`).
pub fn record_problems(r: &Value) -> Vec<String> {
    let mut problems: Vec<String> = validator()
        .iter_errors(r)
        .map(|e| format!("schema: {e} at {}", e.instance_path()))
        .collect();
    let Some(text) = r["doc"]["text"].as_str() else {
        return problems;
    };
    // Byte offset of each character offset (and of the end).
    let bytes: Vec<usize> = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .collect();
    for ev in r["evidence"].as_array().into_iter().flatten() {
        let field = ev["field"].as_str().unwrap_or("?");
        let (start, end) = (
            ev["start"].as_u64().unwrap_or(u64::MAX) as usize,
            ev["end"].as_u64().unwrap_or(u64::MAX) as usize,
        );
        if start > end || end >= bytes.len() {
            problems.push(format!(
                "{field}: offsets {start}..{end} outside the text ({} chars)",
                bytes.len() - 1
            ));
            continue;
        }
        let (s, e) = (bytes[start], bytes[end]);
        let quoted = &text[s..e];
        let sentence = ev["text"].as_str().unwrap_or("");
        // The sentence is the text around the span: it occurs at a place that covers it.
        let around = text
            .match_indices(sentence)
            .any(|(at, _)| at <= s && e <= at + sentence.len());
        if !around {
            problems.push(format!(
                "{field}: {quoted:?} ({start}..{end}) is not inside its sentence {sentence:?}"
            ));
        }
        if let Some(value) = cli::verbatim_value(r, field)
            && quoted != value
        {
            problems.push(format!(
                "{field}: offsets point at {quoted:?}, not {value:?}"
            ));
        }
        if ev["rule"].as_str().is_none_or(str::is_empty) {
            problems.push(format!("{field}: no rule"));
        }
    }
    problems
}

/// Panics with the problems of a record that breaks the contract.
pub fn assert_valid_record(r: &Value) {
    let problems = record_problems(r);
    assert!(
        problems.is_empty(),
        "{}: {problems:#?}\nrecord: {r}",
        r["doc"]["input"]
    );
}

fn check(raw: &RawDocument) -> Result<(), TestCaseError> {
    match util::pipeline().process(raw) {
        Ok(record) => {
            let value = serde_json::to_value(&record).unwrap();
            let problems = record_problems(&value);
            prop_assert!(problems.is_empty(), "{:#?}", problems);
        }
        // Bytes may be refused (binary content), with a reason naming the input.
        Err(e) => prop_assert!(e.to_string().starts_with("prop: "), "{}", e),
    }
    Ok(())
}

fn raw(bytes: Vec<u8>, kind: ContentKind) -> RawDocument {
    RawDocument {
        id: "prop".into(),
        input: "prop".into(),
        url: None,
        bytes,
        kind,
        charset_hint: None,
    }
}

/// Pieces of bloc reports, with the marks, punctuation and spacing that trip readers.
const FRAGMENTS: &[&str] = &[
    "Khối thi đua",
    "Cụm thi đua",
    "khối thi đua",
    "KHỐI THI ĐUA",
    "các cơ quan Nội chính tỉnh",
    "Văn hóa - Xã hội",
    "năm 2023",
    "năm 2024",
    "Sở Tư pháp",
    "Sở Y tế",
    "Sở TT&TT",
    "UBND tỉnh",
    "Ủy ban MTTQ",
    "huyện Cẩm Thủy",
    "Thanh tra tỉnh",
    "Cờ thi đua",
    "của Chính phủ",
    "Bằng khen",
    "xếp thứ nhất",
    "xếp thứ hai",
    "dẫn đầu",
    "Trưởng khối",
    "Phó Trưởng khối",
    "Cụm trưởng",
    "bầu",
    "suy tôn",
    "làm",
    "là",
    "gồm",
    "gồm:",
    "và",
    "tổ chức",
    "Hội nghị",
    "tổng kết",
    "sơ kết",
    "bình xét",
    "ký kết giao ước thi đua",
    "phong trào",
    "\"Cả nước chung tay vì người nghèo\"",
    "Sáng 25/11",
    "Chiều 28/8/2019",
    "ngày 12 tháng 3 năm 2022",
    "6 tháng đầu năm",
    "Đồng chí Nguyễn Văn A",
    "Giám đốc",
    "chủ trì",
    "TP.",
    "Hồ Chí Minh",
    "(BTV)",
    "Đức Minh",
    "Theo",
    "2023",
    "11",
    "I",
    "ố",
    "ư",
    "ơ",
    "Đ",
    "đ",
    "hoà",
    "thuỷ",
    "\u{301}",
    "\u{323}",
    "\u{300}",
    "\u{200b}",
    "\u{a0}",
    "\u{feff}",
    "“",
    "”",
    "…",
    "–",
    "-",
    "&",
    ",",
    ".",
    ";",
    ":",
    "!",
    "?",
    "(",
    ")",
    "/",
    "\t",
    "\r\n",
    "\n",
    "\n\n",
];

/// HTML pieces for the HTML path.
const TAGS: &[&str] = &[
    "<p>",
    "</p>",
    "<div class=\"content\">",
    "<div class=\"sidebar\">",
    "</div>",
    "<br>",
    "<b>",
    "</b>",
    "<h1>",
    "</h1>",
    "<table><tr><td>",
    "</td><td>",
    "</td></tr></table>",
    "<ul><li>",
    "</li></ul>",
    "<a href=\"/x\">",
    "</a>",
    "<script>var a = '<p>';</script>",
    "<!-- x -->",
    "<meta charset=\"windows-1258\">",
    "<meta property=\"og:title\" content=\"Khối thi đua\">",
    "<time datetime=\"2023-11-25\">",
    "&amp;",
    "&nbsp;",
    "&#7889;",
    "<",
    ">",
];

/// Text made of report fragments, joined by spaces or nothing.
fn vietnamese_heavy() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        (
            proptest::sample::select(FRAGMENTS),
            proptest::sample::select(&[" ", " ", " ", "", ", "][..]),
        ),
        0..60,
    )
    .prop_map(|parts| parts.into_iter().flat_map(|(a, b)| [a, b]).collect())
}

/// HTML made of report fragments and tags.
fn html_soup() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            3 => proptest::sample::select(FRAGMENTS),
            2 => proptest::sample::select(TAGS),
            1 => Just(" "),
        ],
        0..80,
    )
    .prop_map(|parts| {
        let body: String = parts.concat();
        if body.len().is_multiple_of(2) {
            format!("<html><head><title>Tin</title></head><body>{body}</body></html>")
        } else {
            body
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        // PROPTEST_CASES=N runs more (the suite keeps it quick).
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(128),
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions"),
        )),
        ..ProptestConfig::default()
    })]

    #[test]
    fn prop_any_text_gives_a_valid_record(s in any::<String>()) {
        check(&raw(s.into_bytes(), ContentKind::Text))?;
    }

    #[test]
    fn prop_report_soup_gives_a_valid_record(s in vietnamese_heavy()) {
        check(&raw(s.into_bytes(), ContentKind::Text))?;
    }

    #[test]
    fn prop_html_soup_gives_a_valid_record(s in html_soup()) {
        check(&raw(s.clone().into_bytes(), ContentKind::Html))?;
        check(&raw(s.into_bytes(), ContentKind::Unknown))?;
    }

    #[test]
    fn prop_any_bytes_give_a_valid_record_or_a_reason(
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
        html in any::<bool>(),
    ) {
        let kind = if html { ContentKind::Html } else { ContentKind::Unknown };
        check(&raw(bytes, kind))?;
    }

    #[test]
    fn prop_report_soup_in_legacy_bytes(s in vietnamese_heavy()) {
        // The same soup as windows-1258 bytes (what an old portal serves), undeclared.
        let (bytes, _, _) = encoding_rs::WINDOWS_1258.encode(&s);
        check(&raw(bytes.into_owned(), ContentKind::Unknown))?;
    }
}

/// Inputs that once panicked, found by these properties and by the fuzz targets (`fuzz/`).
#[test]
fn regressions_give_valid_records() {
    for text in [
        // rankings: a rank phrase that found no unit, followed by one looking left.
        "Khối thi đua xếp thứ nhất là Cờ thi đua tổng kết Khối thi đua xếp thứ nhất ",
    ] {
        for kind in [ContentKind::Text, ContentKind::Html] {
            check(&raw(text.as_bytes().to_vec(), kind)).unwrap();
        }
    }
    // Crashes found by the fuzz targets, minimized (see the README there).
    let mut files = 0;
    for entry in std::fs::read_dir(util::path("tests/fuzz-regressions")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "bin") {
            let bytes = std::fs::read(&path).unwrap();
            for kind in [ContentKind::Text, ContentKind::Html, ContentKind::Unknown] {
                check(&raw(bytes.clone(), kind))
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            }
            files += 1;
        }
    }
    assert!(files >= 1);
}

/// The corpus records satisfy the same contract (the checker itself is checked).
#[test]
fn corpus_records_satisfy_the_contract() {
    for entry in std::fs::read_dir(util::path("corpus")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            let raw = thidua::source::read_file(&path, &thidua::Limits::default()).unwrap();
            let record = util::pipeline().process(&raw).unwrap();
            assert_valid_record(&serde_json::to_value(&record).unwrap());
        }
    }
    // And the checker catches a broken record.
    let mut bad = serde_json::to_value(util::pipeline().extract_text(
        "bad",
        "Chiều 28/8/2019, Khối thi đua Văn hóa - Xã hội tổ chức hội nghị sơ kết.",
    ))
    .unwrap();
    let i = bad["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .position(|e| e["field"] == "bloc.name")
        .unwrap();
    bad["evidence"][i]["start"] = Value::from(3);
    assert!(!record_problems(&bad).is_empty());
    bad["evidence"][i]["end"] = Value::from(100_000);
    assert!(!record_problems(&bad).is_empty());
}
