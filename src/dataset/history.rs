//! `thidua history UNIT --db FILE`: a unit's rankings, awards, head/deputy years and blocs,
//! oldest first, each with the meeting date, the article's URL and the evidence sentence.
//!
//! The query is read like a unit in a record (abbreviations expanded, aliases applied, marks
//! and case ignored): "Lien minh HTX tinh" finds "Liên minh Hợp tác xã tỉnh". A query without
//! a province matches the unit in every province (each row says which); `--province` or a
//! province at the end of the query narrows it. When nothing matches exactly, units whose key
//! contains the query are listed instead. A meeting published on several sites counts once.

use super::identity::Lexicon;
use crate::error::{Error, Result};
use rusqlite::{Connection, OpenFlags, params};
use serde::Serialize;
use std::path::Path;

/// One entry of a unit's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryEvent {
    /// rank, head, deputy, elected_head, elected_deputy or member.
    pub kind: String,
    /// The year ranked, led, or elected for.
    pub year: Option<i64>,
    /// The unit as identified (qualified canonical name).
    pub unit: String,
    /// The unit as the article wrote it.
    pub unit_as_written: String,
    pub unit_key: String,
    pub unit_province: Option<String>,
    pub rank: Option<i64>,
    /// The award as written.
    pub award: Option<String>,
    pub award_canonical: Option<String>,
    /// national, provincial or other.
    pub award_level: Option<String>,
    pub bloc: Option<String>,
    pub bloc_province: Option<String>,
    pub meeting_date: Option<String>,
    pub meeting_id: i64,
    pub doc_id: String,
    /// The article's URL, or the input path when it has none.
    pub article_url: String,
    /// Other places the same article was published.
    pub also_published_at: Vec<String>,
    /// The sentence the value was read from.
    pub evidence: Option<String>,
    /// The sentence the award was read from, when it is another one.
    pub award_evidence: Option<String>,
    /// Whether the unit only contains the query (no unit matched it exactly).
    pub partial: bool,
}

/// The names one unit key merged, across the dataset.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MergedForms {
    pub unit_key: String,
    /// Each name, most mentioned first.
    pub forms: Vec<String>,
}

/// A unit near a query that matched nothing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    /// Its name (the most mentioned form).
    pub unit: String,
    pub unit_base: String,
    /// Edits between the folded query and `unit_base`.
    pub distance: usize,
}

/// A unit's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct History {
    /// The query as typed.
    pub query: String,
    /// The identity key the query was read as (without province).
    pub key: String,
    pub province: Option<String>,
    /// "exact", or "contains" when nothing matched exactly.
    pub matched: String,
    pub events: Vec<HistoryEvent>,
    /// The units found that merged several names, with the names.
    pub merged_forms: Vec<MergedForms>,
    /// When nothing matched: units a few edits away, nearest first.
    pub suggestions: Vec<Suggestion>,
}

/// Most suggestions listed.
const MAX_SUGGESTIONS: usize = 5;

/// Whether `candidate` is near enough to `query` (folded) to suggest: at most a quarter of
/// the query's letters edited, at least one, at most three.
fn near(query: &str, candidate: &str) -> Option<usize> {
    let limit = (query.chars().count() / 4).clamp(1, 3);
    let d = strsim::levenshtein(query, candidate);
    (d <= limit).then_some(d)
}

const EVENT_COLUMNS: &str = "kind, year, unit, unit_as_written, unit_key, unit_province, rank, \
     award, award_canonical, award_level, bloc, bloc_province, meeting_date, meeting_id, doc_id, \
     article_url, evidence, award_evidence";

const ORDER: &str = "ORDER BY year IS NULL, year, meeting_date IS NULL, meeting_date, \
     meeting_id, kind_order, rank, unit_key";

/// Looks a unit up in a database written by `thidua extract --format sqlite`.
/// The tone-mark style a database writes its names in (`dataset_info`; databases from
/// before the style was recorded hold modern marks).
pub fn style_in(conn: &Connection) -> crate::ToneStyle {
    conn.query_row(
        "SELECT value FROM dataset_info WHERE key = 'style'",
        [],
        |r| r.get::<_, String>(0),
    )
    .ok()
    .and_then(|s| s.parse().ok())
    .unwrap_or(crate::ToneStyle::Modern)
}

/// [`style_in`] of the database at `db` (the default style when it cannot be read).
pub fn style_of(db: &Path) -> crate::ToneStyle {
    Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map(|c| style_in(&c))
        .unwrap_or_default()
}

pub fn history(db: &Path, lex: &Lexicon, unit: &str, province: Option<&str>) -> Result<History> {
    if !db.is_file() {
        return Err(Error::Usage(format!("{}: no such database", db.display())));
    }
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| db_error(db, e))?;
    // Names in the database are in the style of the run that wrote it; the query may be
    // typed in either.
    let style = style_in(&conn);
    if !unit.chars().any(char::is_alphanumeric) {
        return Err(Error::Usage(format!(
            "give a unit's name to look up (not {unit:?}: no letters; wildcards are not needed, \
             a query matches names that contain it)"
        )));
    }
    let (key, own_province) = lex.query(unit);
    let province = match province {
        Some(p) => Some(
            lex.province(p)
                .ok_or_else(|| Error::Usage(format!("unknown province {p:?}")))?,
        ),
        None => own_province,
    }
    .map(|p| crate::normalize::to_style(&p, style));
    let mut out = History {
        query: unit.to_string(),
        key: key.clone(),
        province: province.clone(),
        matched: "exact".to_string(),
        events: Vec::new(),
        merged_forms: Vec::new(),
        suggestions: Vec::new(),
    };
    out.events =
        events(&conn, "unit_base = ?1", &key, province.as_deref()).map_err(|e| db_error(db, e))?;
    if out.events.is_empty() && key != "tinh" {
        out.matched = "contains".to_string();
        out.events = events(&conn, "instr(unit_base, ?1) > 0", &key, province.as_deref())
            .map_err(|e| db_error(db, e))?;
        for e in &mut out.events {
            e.partial = true;
        }
    }
    out.merged_forms = merged_forms(&conn, &out.events).map_err(|e| db_error(db, e))?;
    if out.events.is_empty() {
        out.suggestions =
            suggestions(&conn, &key, province.as_deref()).map_err(|e| db_error(db, e))?;
    }
    Ok(out)
}

/// The names each unit key of `events` merged, when it merged more than one.
fn merged_forms(conn: &Connection, events: &[HistoryEvent]) -> rusqlite::Result<Vec<MergedForms>> {
    let mut keys: Vec<&str> = events.iter().map(|e| e.unit_key.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    let mut stmt = conn
        .prepare("SELECT form FROM unit_forms WHERE unit_key = ?1 ORDER BY mentions DESC, form")?;
    let mut out = Vec::new();
    for key in keys {
        let forms = stmt
            .query_map(params![key], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        if forms.len() > 1 {
            out.push(MergedForms {
                unit_key: key.to_string(),
                forms,
            });
        }
    }
    Ok(out)
}

/// Units whose folded name (`unit_base`) is a few edits from the query's, nearest first.
fn suggestions(
    conn: &Connection,
    key: &str,
    province: Option<&str>,
) -> rusqlite::Result<Vec<Suggestion>> {
    let mut stmt = conn.prepare(
        "SELECT unit_base, form, SUM(mentions) AS n FROM unit_forms
         WHERE ?1 IS NULL OR unit_province = ?1
         GROUP BY unit_base, form ORDER BY unit_base, n DESC, form",
    )?;
    let mut rows = stmt.query(params![province])?;
    let mut found: Vec<Suggestion> = Vec::new();
    while let Some(row) = rows.next()? {
        let base: String = row.get(0)?;
        if found.last().is_some_and(|s| s.unit_base == base) {
            continue; // the most mentioned form of this base is already in
        }
        if let Some(distance) = near(key, &base) {
            found.push(Suggestion {
                unit: row.get(1)?,
                unit_base: base,
                distance,
            });
        }
    }
    found.sort_by(|a, b| {
        a.distance
            .cmp(&b.distance)
            .then(a.unit_base.cmp(&b.unit_base))
    });
    found.truncate(MAX_SUGGESTIONS);
    Ok(found)
}

fn db_error(db: &Path, e: rusqlite::Error) -> Error {
    let hint = match &e {
        rusqlite::Error::SqliteFailure(_, Some(m)) if m.contains("no such table") => {
            " (not a database written by thidua extract --format sqlite)"
        }
        _ => "",
    };
    Error::Usage(format!("{}: {e}{hint}", db.display()))
}

fn events(
    conn: &Connection,
    condition: &str,
    key: &str,
    province: Option<&str>,
) -> rusqlite::Result<Vec<HistoryEvent>> {
    let sql = format!(
        "SELECT {EVENT_COLUMNS} FROM unit_history WHERE {condition} \
         AND (?2 IS NULL OR unit_province = ?2) {ORDER}"
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut events = stmt
        .query_map(params![key, province], |r| {
            Ok(HistoryEvent {
                kind: r.get(0)?,
                year: r.get(1)?,
                unit: r.get(2)?,
                unit_as_written: r.get(3)?,
                unit_key: r.get(4)?,
                unit_province: r.get(5)?,
                rank: r.get(6)?,
                award: r.get(7)?,
                award_canonical: r.get(8)?,
                award_level: r.get(9)?,
                bloc: r.get(10)?,
                bloc_province: r.get(11)?,
                meeting_date: r.get(12)?,
                meeting_id: r.get(13)?,
                doc_id: r.get(14)?,
                article_url: r.get(15)?,
                also_published_at: Vec::new(),
                evidence: r.get(16)?,
                award_evidence: r.get(17)?,
                partial: false,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut others = conn.prepare(
        "SELECT COALESCE(url, input) FROM sources WHERE meeting_id = ?1 AND is_primary = 0 \
         ORDER BY rowid",
    )?;
    for e in &mut events {
        e.also_published_at = others
            .query_map(params![e.meeting_id], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        if e.award_evidence == e.evidence {
            e.award_evidence = None;
        }
    }
    Ok(events)
}

impl History {
    /// The history as JSON (`--json`).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// The history for people: one block per entry, oldest first.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let scope = self
            .province
            .as_deref()
            .map(|p| format!(" in {p}"))
            .unwrap_or_default();
        if self.events.is_empty() {
            out.push_str(&format!(
                "No history for {:?}{scope} (read as \"{}\").\n",
                self.query, self.key
            ));
            if !self.suggestions.is_empty() {
                out.push_str("Did you mean:\n");
                for s in &self.suggestions {
                    out.push_str(&format!("  {}  ({})\n", s.unit, s.unit_base));
                }
            }
            return out;
        }
        let mut units: Vec<&str> = self.events.iter().map(|e| e.unit.as_str()).collect();
        units.sort_unstable();
        units.dedup();
        let how = if self.matched == "contains" {
            " (no exact match: units whose name contains the query, marked [partial match])"
        } else {
            ""
        };
        let n = self.events.len();
        out.push_str(&format!(
            "{:?}{scope}: {n} {} for {}{how}\n",
            self.query,
            if n == 1 { "entry" } else { "entries" },
            units.join("; ")
        ));
        for m in &self.merged_forms {
            out.push_str(&format!(
                "  one unit under \"{}\", written: {}\n",
                m.unit_key,
                m.forms.join("; ")
            ));
        }
        let mut undated_heading = false;
        for e in &self.events {
            out.push('\n');
            // Entries without a year come last (see ORDER), under their own heading.
            if e.year.is_none() && !undated_heading {
                undated_heading = true;
                out.push_str("Without a year (the article gives no meeting date or year):\n\n");
            }
            let year = e.year.map_or("    ".to_string(), |y| y.to_string());
            let what = match e.kind.as_str() {
                "rank" => {
                    let mut s = format!("rank {}", e.rank.unwrap_or_default());
                    if let Some(a) = &e.award {
                        match (&e.award_canonical, &e.award_level) {
                            (Some(c), Some(l)) => {
                                s.push_str(&format!(", {c} [{l}]"));
                                if c != a {
                                    s.push_str(&format!(" (written \"{a}\")"));
                                }
                            }
                            _ => s.push_str(&format!(", \"{a}\"")),
                        }
                    }
                    s
                }
                "head" => "head of the bloc".to_string(),
                "deputy" => "deputy head of the bloc".to_string(),
                "elected_head" => "elected head for the year".to_string(),
                "elected_deputy" => "elected deputy head for the year".to_string(),
                _ => "member".to_string(),
            };
            let partial = if e.partial { "  [partial match]" } else { "" };
            out.push_str(&format!("{year}  {what} — {}{partial}\n", e.unit));
            out.push_str(&format!(
                "      bloc: {}{}\n",
                e.bloc.as_deref().unwrap_or("(bloc not named)"),
                e.bloc_province
                    .as_deref()
                    .map(|p| format!(" ({p})"))
                    .unwrap_or_default()
            ));
            out.push_str(&format!(
                "      meeting: {} · {}\n",
                e.meeting_date.as_deref().unwrap_or("date not stated"),
                e.article_url
            ));
            for other in &e.also_published_at {
                out.push_str(&format!("      also published: {other}\n"));
            }
            if let Some(s) = &e.evidence {
                out.push_str(&format!("      \"{s}\"\n"));
            }
            if let Some(s) = &e.award_evidence {
                out.push_str(&format!("      award: \"{s}\"\n"));
            }
        }
        out
    }
}
