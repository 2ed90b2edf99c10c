//! Golden cases as data (tests/cases/*.toml): a text in, the fields expected out. One test
//! walks them all and prints every difference, expected beside actual.
//!
//! A case:
//! ```toml
//! [[case]]
//! name = "head and deputy in one sentence"
//! text = """…"""
//! [case.expect]
//! head_unit = "Sở Thông tin và Truyền thông"
//! deputy_head_unit = "null"          # "null" expects no value
//! members = ["Sở Y tế", "Sở Tư pháp"] # sets compare without order
//! rankings = ["1 Sở Y tế | Cờ thi đua của Chính phủ", "2 Sở Tư pháp"]
//! ```
//! Names compare like the scorer does (case, dashes, spaces and surrounding punctuation
//! folded; a unit matches by its name or its canonical form); `a | b` lists accepted variants.

use crate::util;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use thidua::eval::{bare, fold};
use thidua::record::Record;

#[derive(Deserialize)]
struct CaseFile {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    text: String,
    expect: BTreeMap<String, toml::Value>,
}

fn same(pred: &str, gold: &str) -> bool {
    gold.split(" | ")
        .any(|g| fold(pred) == fold(g) || bare(pred) == bare(g))
}

fn unit_names(v: &Value) -> Vec<String> {
    ["name", "canonical"]
        .iter()
        .filter_map(|k| v.get(*k).and_then(Value::as_str).map(String::from))
        .collect()
}

/// The record's value for a gold-vocabulary field, as strings (one per element for sets).
fn actual(record: &Record, field: &str) -> Option<Vec<Vec<String>>> {
    let r = serde_json::to_value(record).expect("record serializes");
    let s = |v: &Value| match v {
        Value::Null => vec![],
        Value::String(s) => vec![vec![s.clone()]],
        other => vec![vec![other.to_string()]],
    };
    let unit = |v: &Value| {
        if v.is_null() {
            vec![]
        } else {
            vec![unit_names(v)]
        }
    };
    Some(match field {
        "is_report" => s(&r["is_report"]),
        "bloc_name" => s(&r["bloc"]["name"]),
        "bloc_kind" => s(&r["bloc"]["kind"]),
        "province" => s(&r["bloc"]["province"]),
        "meeting_date" => s(&r["meeting"]["date"]),
        "review_year" => s(&r["meeting"]["review_year"]),
        "plan_year" => s(&r["meeting"]["plan_year"]),
        "member_count" => s(&r["member_count"]),
        "author" => s(&r["doc"]["author"]),
        "title" => s(&r["doc"]["title"]),
        "published" => s(&r["doc"]["published"]),
        "site" => s(&r["doc"]["site"]),
        "head_unit" => unit(&r["head_unit"]),
        "deputy_head_unit" => unit(&r["deputy_head_unit"]),
        "elected_head" => unit(&r["elected"]["head"]),
        "elected_deputy" => unit(&r["elected"]["deputy"]),
        "elected_year" => s(&r["elected"]["year"]),
        "meeting_types" => r["meeting"]["types"]
            .as_array()?
            .iter()
            .map(|t| vec![t.as_str().unwrap_or_default().to_string()])
            .collect(),
        "chairs" => record.chairs.iter().map(|c| vec![c.name.clone()]).collect(),
        "members" => record
            .members
            .iter()
            .map(|u| vec![u.name.clone(), u.canonical.clone()])
            .collect(),
        "movements" => record.movements.iter().map(|m| vec![m.clone()]).collect(),
        "rankings" => record
            .rankings
            .iter()
            .map(|rk| {
                // "rank unit | award" in every combination of the unit's names.
                [rk.unit.name.clone(), rk.unit.canonical.clone()]
                    .into_iter()
                    .map(|u| match &rk.award {
                        Some(a) => format!("{} {u} | {a}", rk.rank),
                        None => format!("{} {u}", rk.rank),
                    })
                    .collect()
            })
            .collect(),
        _ => return None,
    })
}

/// Compares one field; returns a description of the difference.
fn check(record: &Record, field: &str, want: &toml::Value) -> Option<String> {
    let Some(got) = actual(record, field) else {
        return Some(format!("unknown field {field:?} in the case"));
    };
    let got_text = format!("{got:?}");
    match want {
        toml::Value::String(w) if w == "null" => {
            (!got.is_empty()).then(|| format!("expected no value, got {got_text}"))
        }
        toml::Value::String(w) => {
            let ok = got.len() == 1 && got[0].iter().any(|g| same(g, w));
            (!ok).then(|| format!("expected {w:?}, got {got_text}"))
        }
        toml::Value::Integer(i) => {
            let ok = got.len() == 1 && got[0].iter().any(|g| g == &i.to_string());
            (!ok).then(|| format!("expected {i}, got {got_text}"))
        }
        toml::Value::Boolean(b) => {
            let ok = got.len() == 1 && got[0].iter().any(|g| g == &b.to_string());
            (!ok).then(|| format!("expected {b}, got {got_text}"))
        }
        toml::Value::Array(items) => {
            let wants: Vec<String> = items
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect();
            if field == "rankings" {
                // "1 unit | award": the award part is compared when given.
                let matched = |w: &String, g: &Vec<String>| {
                    g.iter().any(|gs| {
                        let (grank_unit, gaward) = gs
                            .split_once(" | ")
                            .map_or((gs.as_str(), None), |(a, b)| (a, Some(b)));
                        let (wrank_unit, waward) = w
                            .split_once(" | ")
                            .map_or((w.as_str(), None), |(a, b)| (a, Some(b)));
                        let (gr, gu) = grank_unit.split_once(' ').unwrap_or((grank_unit, ""));
                        let (wr, wu) = wrank_unit.split_once(' ').unwrap_or((wrank_unit, ""));
                        gr == wr
                            && same(gu, wu)
                            && waward.is_none_or(|wa| gaward.is_some_and(|ga| same(ga, wa)))
                    })
                };
                let ok = got.len() == wants.len()
                    && wants.iter().all(|w| got.iter().any(|g| matched(w, g)));
                return (!ok).then(|| format!("expected {wants:?}, got {got_text}"));
            }
            let mut used = vec![false; got.len()];
            let mut missing = Vec::new();
            for w in &wants {
                match (0..got.len()).find(|&i| !used[i] && got[i].iter().any(|g| same(g, w))) {
                    Some(i) => used[i] = true,
                    None => missing.push(w.clone()),
                }
            }
            let extra: Vec<_> = got
                .iter()
                .zip(&used)
                .filter(|(_, u)| !**u)
                .map(|(g, _)| g.clone())
                .collect();
            (!missing.is_empty() || !extra.is_empty())
                .then(|| format!("missing {missing:?}, unexpected {extra:?}"))
        }
        other => Some(format!("unsupported expectation {other:?}")),
    }
}

#[test]
fn golden_cases() {
    let dir = util::path("tests/cases");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/cases exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let pipeline = util::pipeline();
    let mut failures = Vec::new();
    let mut count = 0;
    for file in &files {
        let parsed: CaseFile =
            toml::from_str(&util::read(file)).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for case in parsed.case {
            count += 1;
            let record = pipeline.extract_text("case", &case.text);
            for (field, want) in &case.expect {
                if let Some(diff) = check(&record, field, want) {
                    failures.push(format!(
                        "{} / {}: {field}: {diff}",
                        file.file_name().unwrap().to_string_lossy(),
                        case.name
                    ));
                }
            }
        }
    }
    assert!(count >= 40, "expected many golden cases, found {count}");
    assert!(
        failures.is_empty(),
        "{} of the golden expectations failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
