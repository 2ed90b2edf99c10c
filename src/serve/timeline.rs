//! A unit's rows grouped into timeline entries: one entry per meeting and kind of value, with
//! every article that reports it; articles that disagree, or say nothing, are kept visible.

use super::data::{Article, UnitRow, kind_order};
use std::collections::HashMap;

/// One value of a unit at one meeting.
#[derive(Debug, Clone)]
pub struct Entry {
    pub kind: String,
    pub year: Option<i64>,
    pub meeting_id: i64,
    /// One row per article that reports it, the meeting's primary report first.
    pub reports: Vec<UnitRow>,
    /// Articles of the same meeting that do not report it.
    pub silent: Vec<Article>,
}

impl Entry {
    /// The row shown first.
    pub fn first(&self) -> &UnitRow {
        &self.reports[0]
    }

    /// Whether the reports give different ranks or awards.
    pub fn disagrees(&self) -> bool {
        let first = self.first();
        self.reports.iter().any(|r| {
            r.rank != first.rank
                || r.award_canonical.as_ref().or(r.award.as_ref())
                    != first.award_canonical.as_ref().or(first.award.as_ref())
        })
    }
}

/// Groups rows (ordered by year, meeting) into entries; a plain membership is left out when
/// the same meeting ranks the unit or gives it a role. `articles` lists a meeting's articles.
pub fn entries(rows: Vec<UnitRow>, mut articles: impl FnMut(i64) -> Vec<Article>) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    let mut at: HashMap<(i64, String), usize> = HashMap::new();
    for row in rows {
        let key = (row.meeting_id, row.kind.clone());
        match at.get(&key) {
            Some(&i) => {
                let e = &mut out[i];
                if !e
                    .reports
                    .iter()
                    .any(|r| r.article.doc_id == row.article.doc_id)
                {
                    e.reports.push(row);
                }
            }
            None => {
                at.insert(key, out.len());
                out.push(Entry {
                    kind: row.kind.clone(),
                    year: row.year,
                    meeting_id: row.meeting_id,
                    reports: vec![row],
                    silent: Vec::new(),
                });
            }
        }
    }
    let has_other: std::collections::HashSet<i64> = out
        .iter()
        .filter(|e| e.kind != "member")
        .map(|e| e.meeting_id)
        .collect();
    out.retain(|e| e.kind != "member" || !has_other.contains(&e.meeting_id));
    let mut cache: HashMap<i64, Vec<Article>> = HashMap::new();
    for e in &mut out {
        e.reports
            .sort_by_key(|r| (!r.article.is_primary, r.article.doc_id.clone()));
        let all = cache
            .entry(e.meeting_id)
            .or_insert_with(|| articles(e.meeting_id));
        e.silent = all
            .iter()
            .filter(|a| !e.reports.iter().any(|r| r.article.doc_id == a.doc_id))
            .cloned()
            .collect();
    }
    out.sort_by(|a, b| {
        let ka = (
            a.year.is_none(),
            a.year,
            a.first().meeting_date.clone(),
            a.meeting_id,
            kind_order(&a.kind),
        );
        let kb = (
            b.year.is_none(),
            b.year,
            b.first().meeting_date.clone(),
            b.meeting_id,
            kind_order(&b.kind),
        );
        ka.cmp(&kb)
    });
    out
}

/// Entries by year, oldest first (entries without a year last).
pub fn by_year(entries: &[Entry]) -> Vec<(Option<i64>, Vec<&Entry>)> {
    let mut out: Vec<(Option<i64>, Vec<&Entry>)> = Vec::new();
    for e in entries {
        match out.last_mut() {
            Some((y, list)) if *y == e.year => list.push(e),
            _ => out.push((e.year, vec![e])),
        }
    }
    out
}
