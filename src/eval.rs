//! Scoring records against gold annotations: per-field precision, recall and F1, macro and
//! micro averages. The matching rules are those of the shared `score.py` (names equal after
//! NFC, case folding, dash and space folding and dropping surrounding punctuation, or equal
//! with all diacritics removed; gold may list variants separated by " | "), so the numbers
//! are the same.

use serde_json::Value;
use std::collections::HashMap;
use std::fmt::Write as _;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::canonical_combining_class;

/// Scalar fields, in report order.
pub const SCALARS: [&str; 11] = [
    "bloc_name",
    "province",
    "meeting_date",
    "review_year",
    "plan_year",
    "member_count",
    "head_unit",
    "deputy_head_unit",
    "elected_head",
    "elected_deputy",
    "author",
];

/// Set-valued fields, in report order.
pub const SETS: [&str; 5] = [
    "meeting_types",
    "chairs",
    "members",
    "rankings",
    "ranking_awards",
];

/// True positives, false positives, false negatives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tp: u64,
    pub fp: u64,
    pub fn_: u64,
}

impl Counts {
    /// Precision, recall, F1 (1.0 when there is nothing to count, as score.py does).
    pub fn prf(&self) -> (f64, f64, f64) {
        let (tp, fp, fn_) = (self.tp as f64, self.fp as f64, self.fn_ as f64);
        let p = if self.tp + self.fp > 0 {
            tp / (tp + fp)
        } else {
            1.0
        };
        let r = if self.tp + self.fn_ > 0 {
            tp / (tp + fn_)
        } else {
            1.0
        };
        let f = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        (p, r, f)
    }
}

/// One disagreement: document, field, predicted, gold.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    pub id: String,
    pub field: String,
    pub pred: Value,
    pub gold: Value,
}

impl Mismatch {
    /// The `ERR` line of the report: `ERR a012 bloc_name: predicted "Khối …"; gold null`
    /// (values as JSON; null where one side has none).
    pub fn line(&self) -> String {
        format!(
            "ERR {} {}: predicted {}; gold {}",
            self.id,
            self.field,
            python_json(&self.pred),
            python_json(&self.gold)
        )
    }

    /// The mismatch as JSON (`eval --json --show-errors`).
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "id": self.id,
            "field": self.field,
            "predicted": self.pred,
            "gold": self.gold,
        })
    }
}

/// The result of scoring.
#[derive(Debug, Clone, Default)]
pub struct Score {
    pub fields: Vec<(String, Counts)>,
    pub errors: Vec<Mismatch>,
    pub docs: usize,
    pub predicted_docs: usize,
}

impl Score {
    /// Counts summed over all fields.
    pub fn micro(&self) -> Counts {
        self.fields
            .iter()
            .fold(Counts::default(), |a, (_, c)| Counts {
                tp: a.tp + c.tp,
                fp: a.fp + c.fp,
                fn_: a.fn_ + c.fn_,
            })
    }

    /// Mean F1 over fields that have gold values, and how many there are.
    pub fn macro_f1(&self) -> (f64, usize) {
        let supported: Vec<f64> = self
            .fields
            .iter()
            .filter(|(_, c)| c.tp + c.fn_ > 0)
            .map(|(_, c)| c.prf().2)
            .collect();
        let n = supported.len();
        (supported.iter().sum::<f64>() / n.max(1) as f64, n)
    }

    /// Counts of one field.
    pub fn field(&self, name: &str) -> Counts {
        self.fields
            .iter()
            .find(|(f, _)| f == name)
            .map(|(_, c)| *c)
            .unwrap_or_default()
    }

    /// The report `score.py` prints.
    pub fn report(&self, show_errors: bool) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:18} {:>4} {:>4} {:>4} {:>6} {:>6} {:>6}",
            "field", "tp", "fp", "fn", "P", "R", "F1"
        );
        for (f, c) in &self.fields {
            let (p, r, f1) = c.prf();
            let _ = writeln!(
                out,
                "{f:18} {:4} {:4} {:4} {p:6.3} {r:6.3} {f1:6.3}",
                c.tp, c.fp, c.fn_
            );
        }
        if show_errors {
            for e in &self.errors {
                let _ = writeln!(out, "{}", e.line());
            }
        }
        let _ = writeln!(out, "docs {}, predicted {}", self.docs, self.predicted_docs);
        let (macro_f1, n) = self.macro_f1();
        let _ = writeln!(
            out,
            "macro F1 {macro_f1:.3} over {n} fields with gold values"
        );
        let (p, r, f) = self.micro().prf();
        let _ = writeln!(out, "micro P {p:.3} R {r:.3} F1 {f:.3}");
        out
    }

    /// The numbers as JSON (the shape of `score.py --json`), with the disagreements under
    /// `"errors"` when `show_errors` (each `{"id", "field", "predicted", "gold"}`).
    pub fn to_json_with(&self, show_errors: bool) -> Value {
        let mut json = self.to_json();
        if show_errors && let Value::Object(map) = &mut json {
            let errors = self.errors.iter().map(Mismatch::to_json).collect();
            map.insert("errors".into(), Value::Array(errors));
        }
        json
    }

    /// The numbers as JSON (the shape of `score.py --json`).
    pub fn to_json(&self) -> Value {
        let mut map = serde_json::Map::new();
        let entry = |c: &Counts| {
            let (p, r, f) = c.prf();
            serde_json::json!({"tp": c.tp, "fp": c.fp, "fn": c.fn_, "p": p, "r": r, "f1": f})
        };
        for (f, c) in &self.fields {
            map.insert(f.clone(), entry(c));
        }
        map.insert("macro_f1".into(), self.macro_f1().0.into());
        map.insert("micro".into(), entry(&self.micro()));
        map.insert("docs".into(), self.docs.into());
        map.insert("predicted_docs".into(), self.predicted_docs.into());
        Value::Object(map)
    }
}

/// JSON the way Python's `json.dumps(..., ensure_ascii=False)` writes it (", " and ": ").
fn python_json(v: &Value) -> String {
    match v {
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(python_json).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{}: {}", Value::String(k.clone()), python_json(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

/// Case folding as Python's `str.casefold` does it for the letters that occur here.
fn casefold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            'ß' | 'ẞ' => out.push_str("ss"),
            'ς' => out.push('σ'),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// score.py's `fold`.
pub fn fold(s: &str) -> String {
    let s: String = s.nfc().collect();
    let s = casefold(&s);
    let mut t = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{2010}'..='\u{2015}' | '\u{2212}' => t.push('-'),
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{ab}' | '\u{bb}' | '"' | '\'' => {}
            c => t.push(c),
        }
    }
    // \s*-\s* → " - ", then \s+ → " ".
    let mut u = String::with_capacity(t.len() + 8);
    let chars: Vec<char> = t.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '-' {
            while u.ends_with(char::is_whitespace) {
                u.pop();
            }
            u.push_str(" - ");
            i += 1;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            continue;
        }
        u.push(chars[i]);
        i += 1;
    }
    let collapsed = u
        .split(char::is_whitespace)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    // Python's split on \s+ keeps leading/trailing handling via strip below.
    let lead = if u.starts_with(char::is_whitespace) {
        " "
    } else {
        ""
    };
    let trail = if u.ends_with(char::is_whitespace) && !collapsed.is_empty() {
        " "
    } else {
        ""
    };
    let v = format!("{lead}{collapsed}{trail}");
    v.trim_matches(|c| " .,;:()[]".contains(c)).to_string()
}

/// score.py's `bare`: `fold` without any diacritics, đ → d.
pub fn bare(s: &str) -> String {
    let f: String = fold(s).nfd().collect();
    f.replace('đ', "d")
        .chars()
        .filter(|&c| canonical_combining_class(c) == 0)
        .collect()
}

fn variants(g: &Value) -> Vec<String> {
    match g {
        Value::Null => Vec::new(),
        Value::Number(n) => vec![n.to_string()],
        Value::String(s) => s
            .split(" | ")
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(String::from)
            .collect(),
        Value::Bool(b) => vec![if *b { "True".into() } else { "False".into() }],
        other => other
            .to_string()
            .split(" | ")
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(String::from)
            .collect(),
    }
}

/// Python's `str()` of a JSON scalar.
fn py_str(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "True".into() } else { "False".into() }),
        other => Some(other.to_string()),
    }
}

/// score.py's `same`: `pred` is a value or a list of alternatives.
fn same(pred: &Value, gold: &Value) -> bool {
    let preds: Vec<&Value> = match pred {
        Value::Array(a) => a.iter().collect(),
        v => vec![v],
    };
    let golds = variants(gold);
    for p in preds {
        let Some(p) = py_str(p) else { continue };
        let (fp, bp) = (fold(&p), bare(&p));
        for g in &golds {
            if fp == fold(g) || bp == bare(g) {
                return true;
            }
        }
    }
    false
}

fn unit_names(u: &Value) -> Value {
    match u {
        Value::Null => Value::Null,
        Value::String(s) => Value::Array(vec![Value::String(s.clone())]),
        Value::Object(o) => Value::Array(
            ["name", "canonical"]
                .iter()
                .filter_map(|k| o.get(*k))
                .filter(|v| truthy(v))
                .cloned()
                .collect(),
        ),
        _ => Value::Null,
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

fn get<'v>(v: &'v Value, k: &str) -> &'v Value {
    static NULL: Value = Value::Null;
    v.get(k).unwrap_or(&NULL)
}

fn obj(v: &Value) -> Value {
    if truthy(v) {
        v.clone()
    } else {
        Value::Object(Default::default())
    }
}

fn list(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a.clone(),
        _ => Vec::new(),
    }
}

/// score.py's `flatten`: a record in the gold vocabulary.
fn flatten(rec: &Value) -> HashMap<&'static str, Value> {
    let bloc = obj(get(rec, "bloc"));
    let meeting = obj(get(rec, "meeting"));
    let elected = obj(get(rec, "elected"));
    let doc = obj(get(rec, "doc"));
    let mut m = HashMap::new();
    m.insert("is_report", Value::Bool(truthy(get(rec, "is_report"))));
    m.insert("bloc_name", get(&bloc, "name").clone());
    m.insert("province", get(&bloc, "province").clone());
    m.insert("meeting_date", get(&meeting, "date").clone());
    m.insert("review_year", get(&meeting, "review_year").clone());
    m.insert("plan_year", get(&meeting, "plan_year").clone());
    m.insert("member_count", get(rec, "member_count").clone());
    m.insert("head_unit", unit_names(get(rec, "head_unit")));
    m.insert("deputy_head_unit", unit_names(get(rec, "deputy_head_unit")));
    m.insert("elected_head", unit_names(get(&elected, "head")));
    m.insert("elected_deputy", unit_names(get(&elected, "deputy")));
    m.insert("author", get(&doc, "author").clone());
    m.insert("meeting_types", Value::Array(list(get(&meeting, "types"))));
    m.insert(
        "chairs",
        Value::Array(
            list(get(rec, "chairs"))
                .iter()
                .map(|c| get(c, "name").clone())
                .filter(truthy)
                .collect(),
        ),
    );
    m.insert(
        "members",
        Value::Array(list(get(rec, "members")).iter().map(unit_names).collect()),
    );
    let rankings = list(get(rec, "rankings"));
    m.insert(
        "rankings",
        Value::Array(
            rankings
                .iter()
                .map(|r| Value::Array(vec![get(r, "rank").clone(), unit_names(get(r, "unit"))]))
                .collect(),
        ),
    );
    m.insert(
        "ranking_awards",
        Value::Array(
            rankings
                .iter()
                .filter(|r| truthy(get(r, "award")))
                .map(|r| Value::Array(vec![unit_names(get(r, "unit")), get(r, "award").clone()]))
                .collect(),
        ),
    );
    m
}

fn gold_sets(g: &Value) -> HashMap<&'static str, Vec<Value>> {
    let rankings = list(get(g, "rankings"));
    let mut m = HashMap::new();
    m.insert("meeting_types", list(get(g, "meeting_types")));
    m.insert("chairs", list(get(g, "chairs")));
    m.insert("members", list(get(g, "members")));
    m.insert(
        "rankings",
        rankings
            .iter()
            .map(|r| Value::Array(vec![get(r, "rank").clone(), get(r, "unit").clone()]))
            .collect(),
    );
    m.insert(
        "ranking_awards",
        rankings
            .iter()
            .filter(|r| truthy(get(r, "award")))
            .map(|r| Value::Array(vec![get(r, "unit").clone(), get(r, "award").clone()]))
            .collect(),
    );
    m
}

fn element_match(field: &str, p: &Value, g: &Value) -> bool {
    match field {
        "rankings" => p.get(0) == g.get(0) && same(get_idx(p, 1), get_idx(g, 1)),
        "ranking_awards" => {
            same(get_idx(p, 0), get_idx(g, 0)) && same(get_idx(p, 1), get_idx(g, 1))
        }
        _ => same(p, g),
    }
}

fn get_idx(v: &Value, i: usize) -> &Value {
    static NULL: Value = Value::Null;
    v.get(i).unwrap_or(&NULL)
}

/// Scores predicted records against gold rows (both as parsed JSON).
pub fn score(gold_rows: &[Value], preds: &[Value]) -> Score {
    let mut by_id: HashMap<String, &Value> = HashMap::new();
    for rec in preds {
        if let Some(id) = rec.get("doc").and_then(|d| d.get("id"))
            && !id.is_null()
        {
            let key = py_str(id).unwrap_or_default();
            by_id.insert(key, rec);
        }
    }
    let mut fields: Vec<(String, Counts)> = std::iter::once("is_report")
        .chain(SCALARS)
        .chain(SETS)
        .map(|f| (f.to_string(), Counts::default()))
        .collect();
    let names: Vec<String> = fields.iter().map(|(n, _)| n.clone()).collect();
    let idx = |f: &str| names.iter().position(|n| n == f).expect("known field");
    let mut errors = Vec::new();
    let mut err = |id: &str, field: &str, p: Value, g: Value| {
        errors.push(Mismatch {
            id: id.to_string(),
            field: field.to_string(),
            pred: p,
            gold: g,
        })
    };
    for g in gold_rows {
        let id = py_str(get(g, "id")).unwrap_or_default();
        let p = by_id.get(&id).copied();
        let flat = p.map(flatten);
        let pr = flat.as_ref().is_some_and(|f| truthy(&f["is_report"]));
        let gr = truthy(get(g, "is_report"));
        let c = &mut fields[idx("is_report")].1;
        if pr && gr {
            c.tp += 1;
        } else if pr {
            c.fp += 1;
            err(&id, "is_report", Value::Bool(pr), Value::Bool(gr));
        } else if gr {
            c.fn_ += 1;
            err(&id, "is_report", Value::Bool(pr), Value::Bool(gr));
        }
        if !gr {
            continue;
        }
        for f in SCALARS {
            let pv = flat.as_ref().map_or(Value::Null, |fl| fl[f].clone());
            let gv = get(g, f).clone();
            let has_p = !(pv.is_null()
                || pv.as_array().is_some_and(|a| a.is_empty())
                || pv.as_str() == Some(""));
            let c = &mut fields[idx(f)].1;
            if gv.is_null() && !has_p {
                continue;
            }
            if gv.is_null() {
                c.fp += 1;
            } else if !has_p {
                c.fn_ += 1;
            } else {
                let pv_cmp = if pv.is_array() {
                    pv.clone()
                } else {
                    Value::String(py_str(&pv).unwrap_or_default())
                };
                if same(&pv_cmp, &gv) {
                    c.tp += 1;
                    continue;
                }
                c.fp += 1;
                c.fn_ += 1;
            }
            err(&id, f, pv, gv);
        }
        let gs = gold_sets(g);
        for f in SETS {
            let pl = flat.as_ref().map_or(Vec::new(), |fl| list(&fl[f]));
            let gl = &gs[f];
            let mut used = vec![false; gl.len()];
            let c_idx = idx(f);
            for pe in pl {
                let hit = (0..gl.len()).find(|&i| !used[i] && element_match(f, &pe, &gl[i]));
                match hit {
                    Some(i) => {
                        used[i] = true;
                        fields[c_idx].1.tp += 1;
                    }
                    None => {
                        fields[c_idx].1.fp += 1;
                        err(&id, f, pe, Value::Null);
                    }
                }
            }
            for (i, ge) in gl.iter().enumerate() {
                if !used[i] {
                    fields[c_idx].1.fn_ += 1;
                    err(&id, f, Value::Null, ge.clone());
                }
            }
        }
    }
    let predicted_docs = gold_rows
        .iter()
        .filter(|g| by_id.contains_key(&py_str(get(g, "id")).unwrap_or_default()))
        .count();
    Score {
        fields,
        errors,
        docs: gold_rows.len(),
        predicted_docs,
    }
}

/// How predictions join gold by id: what `thidua eval` checks before the numbers are
/// trusted (ids that do not match score every gold document as missed, silently).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Join {
    /// Gold rows.
    pub gold: usize,
    /// Predicted records.
    pub predicted: usize,
    /// Gold rows with a predicted record of their id.
    pub matched: usize,
    /// Gold ids without a predicted record, in gold order.
    pub missing: Vec<String>,
    /// Predicted ids that no gold row has, in prediction order.
    pub unknown: Vec<String>,
    /// Gold rows without a prediction by id that one has by URL (predictions from fetched
    /// pages, whose ids are hashes of the URL).
    pub by_url: usize,
    /// The gold file's rows are `thidua.record/1` records (`doc`, `schema`), not gold rows.
    pub gold_are_records: bool,
    /// The prediction file's rows are gold rows (top-level `id`, no `doc`), not records.
    pub preds_are_gold: bool,
}

/// A thidua record (not a gold row).
fn is_record(v: &Value) -> bool {
    v.get("doc").is_some() || v.get("schema").is_some()
}

/// A gold row (not a record).
fn is_gold_row(v: &Value) -> bool {
    v.get("id").is_some() && v.get("doc").is_none()
}

/// Joins predictions to gold as [`score`] does, and says how well they meet.
pub fn join(gold_rows: &[Value], preds: &[Value]) -> Join {
    let pred_id = |rec: &Value| {
        rec.get("doc")
            .and_then(|d| d.get("id"))
            .filter(|id| !id.is_null())
            .and_then(py_str)
    };
    let pred_ids: std::collections::HashSet<String> = preds.iter().filter_map(pred_id).collect();
    let gold_ids: std::collections::HashSet<String> = gold_rows
        .iter()
        .filter_map(|g| py_str(get(g, "id")))
        .collect();
    let pred_urls: std::collections::HashSet<&str> = preds
        .iter()
        .filter_map(|r| r.get("doc")?.get("url")?.as_str())
        .collect();
    let mut join = Join {
        gold: gold_rows.len(),
        predicted: preds.len(),
        gold_are_records: !gold_rows.is_empty() && gold_rows.iter().all(is_record),
        preds_are_gold: !preds.is_empty() && preds.iter().all(is_gold_row),
        ..Join::default()
    };
    for g in gold_rows {
        let id = py_str(get(g, "id")).unwrap_or_default();
        if pred_ids.contains(&id) {
            join.matched += 1;
        } else {
            join.missing.push(id);
            if get(g, "url")
                .as_str()
                .is_some_and(|u| pred_urls.contains(u))
            {
                join.by_url += 1;
            }
        }
    }
    join.unknown = preds
        .iter()
        .filter_map(pred_id)
        .filter(|id| !gold_ids.contains(id))
        .collect();
    join
}

impl Join {
    /// A usage error when the files are not what their places say (swapped arguments, or
    /// records given as gold): the numbers would mean nothing.
    pub fn usage_error(&self, gold: &str, pred: &str) -> Option<String> {
        if self.gold_are_records && self.preds_are_gold {
            Some(format!(
                "{gold} holds predicted records and {pred} gold annotations: the arguments are \
                 swapped (thidua eval GOLD PRED)"
            ))
        } else if self.gold_are_records {
            Some(format!(
                "{gold}: thidua records, not gold annotations (thidua eval GOLD PRED: the gold \
                 file comes first; its format is schema/GOLD_FORMAT.md)"
            ))
        } else if self.preds_are_gold {
            Some(format!(
                "{pred}: gold annotations, not predicted records (thidua eval GOLD PRED: the \
                 records of `thidua extract` come second)"
            ))
        } else {
            None
        }
    }

    /// No gold document has a prediction although both files have rows: every number would
    /// count misses only.
    pub fn nothing_matched(&self) -> bool {
        self.gold > 0 && self.matched == 0
    }

    /// What the join leaves out, one warning a line (empty when every gold document has a
    /// prediction and every prediction a gold row).
    pub fn warnings(&self, gold: &str, pred: &str) -> Vec<String> {
        let sample = |ids: &[String]| {
            let shown: Vec<&str> = ids.iter().take(3).map(String::as_str).collect();
            let more = if ids.len() > 3 { ", …" } else { "" };
            format!("{}{more}", shown.join(", "))
        };
        let mut out = Vec::new();
        if self.nothing_matched() {
            let pred_side = if self.unknown.is_empty() {
                "it has no doc.id".to_string()
            } else {
                format!("its ids: {}", sample(&self.unknown))
            };
            out.push(format!(
                "no predicted record in {pred} has the id of a gold document in {gold} (gold \
                 ids: {}; {pred_side}): eval joins on doc.id, and every gold document counts \
                 as missed",
                sample(&self.missing)
            ));
        } else if !self.missing.is_empty() {
            out.push(format!(
                "{} of {} gold documents have no predicted record (counted as missed): {}",
                self.missing.len(),
                self.gold,
                sample(&self.missing)
            ));
        }
        if self.by_url > 0 {
            out.push(format!(
                "{} gold documents have a predicted record of their URL under another id: \
                 records of fetched pages take a hash of the URL as id; extract the gold's \
                 texts (files named by the gold ids) to score them",
                self.by_url
            ));
        }
        if !self.nothing_matched() && !self.unknown.is_empty() {
            out.push(format!(
                "{} predicted records have an id no gold document has (not scored): {}",
                self.unknown.len(),
                sample(&self.unknown)
            ));
        }
        out
    }
}

/// Reads a JSON Lines file (blank lines skipped); errors name the file and line.
pub fn read_jsonl(path: &std::path::Path) -> Result<Vec<Value>, String> {
    read_jsonl_capped(path, MAX_EVAL_FILE, MAX_EVAL_LINE)
}

/// Largest gold or prediction file `eval` reads (a record is a few KB: a million of them).
pub const MAX_EVAL_FILE: u64 = 4 << 30;
/// Longest line `eval` reads (a record with `--include-text` of a 64 MiB input, and more).
pub const MAX_EVAL_LINE: u64 = 256 << 20;

/// [`read_jsonl`] with caps: reading stops with an error past `max_file` bytes in all or
/// `max_line` bytes in one line (`eval GOLD /dev/zero` ends at once instead of growing).
pub fn read_jsonl_capped(
    path: &std::path::Path,
    max_file: u64,
    max_line: u64,
) -> Result<Vec<Value>, String> {
    use std::io::{BufRead, Read};
    let name = path.display();
    let file = std::fs::File::open(path).map_err(|e| format!("{name}: {e}"))?;
    let mut reader = std::io::BufReader::new(file.take(max_file.saturating_add(1)));
    let (mut out, mut line, mut total, mut n) = (Vec::new(), Vec::new(), 0u64, 0usize);
    loop {
        line.clear();
        let got = (&mut reader)
            .take(max_line.saturating_add(1))
            .read_until(b'\n', &mut line)
            .map_err(|e| format!("{name}: {e}"))?;
        if got == 0 {
            return Ok(out);
        }
        n += 1;
        total += got as u64;
        if total > max_file {
            return Err(format!(
                "{name}: larger than the {max_file}-byte limit of eval"
            ));
        }
        if got as u64 > max_line {
            return Err(format!(
                "{name}:{n}: line longer than the {max_line}-byte limit of eval"
            ));
        }
        let text = std::str::from_utf8(&line).map_err(|e| format!("{name}:{n}: {e}"))?;
        if text.trim().is_empty() {
            continue;
        }
        out.push(serde_json::from_str(text).map_err(|e| format!("{name}:{n}: {e}"))?);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_is_capped() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.jsonl");
        std::fs::write(&p, "{\"a\": 1}\n\n{\"b\": 2}\n").unwrap();
        assert_eq!(read_jsonl(&p).unwrap().len(), 2);
        assert!(
            read_jsonl_capped(&p, 1 << 20, 5)
                .unwrap_err()
                .contains(":1: line longer")
        );
        assert!(
            read_jsonl_capped(&p, 12, 100)
                .unwrap_err()
                .contains("larger than")
        );
        // An endless input without a line end stops at the cap.
        let err = read_jsonl_capped(std::path::Path::new("/dev/zero"), 1 << 20, 1 << 16);
        assert!(err.unwrap_err().contains("line longer"));
    }

    #[test]
    fn folding_matches_score_py() {
        assert_eq!(fold("  Sở Giáo dục – Đào tạo. "), "sở giáo dục - đào tạo");
        assert_eq!(bare("Huyện ủy Lắk"), "huyen uy lak");
        assert_eq!(fold("“Khối”  thi-đua"), "khối thi - đua");
    }

    #[test]
    fn variants_and_units() {
        let gold = Value::String("Sở Thông tin và Truyền thông | Sở TT&TT".into());
        assert!(same(&Value::String("Sở TT&TT".into()), &gold));
        assert!(same(
            &serde_json::json!(["x", "So Thong tin va Truyen thong"]),
            &gold
        ));
        assert!(!same(&Value::String("Sở Y tế".into()), &gold));
    }
}
