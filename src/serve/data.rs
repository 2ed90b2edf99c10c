//! Read-only access to a database written by `thidua extract --format sqlite`: every query
//! binds its values, nothing is ever written.

use crate::sink::DATASET_FORMAT;
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, params};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Why the database cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbProblem {
    /// No file, and no run is building one.
    Missing,
    /// A run of `thidua extract` is creating it or committing into it.
    BeingWritten,
    /// The file is not a database `thidua extract --format sqlite` wrote.
    NotThidua(String),
    /// Any other SQLite failure.
    Failed(String),
}

impl std::fmt::Display for DbProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbProblem::Missing => write!(f, "there is no database at this path"),
            DbProblem::BeingWritten => write!(
                f,
                "the database is being written by thidua extract; reload when the run has finished"
            ),
            DbProblem::NotThidua(why) => write!(
                f,
                "not a database written by thidua extract --format sqlite ({why})"
            ),
            DbProblem::Failed(why) => write!(f, "the database cannot be read: {why}"),
        }
    }
}

fn classify(e: rusqlite::Error) -> DbProblem {
    match &e {
        rusqlite::Error::SqliteFailure(f, msg) => match f.code {
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => DbProblem::BeingWritten,
            ErrorCode::NotADatabase => DbProblem::NotThidua("not a SQLite file".to_string()),
            _ if msg.as_deref().is_some_and(|m| m.contains("no such")) => {
                DbProblem::NotThidua(msg.clone().unwrap_or_default())
            }
            _ => DbProblem::Failed(e.to_string()),
        },
        rusqlite::Error::SqlInputError { msg, .. } if msg.contains("no such") => {
            DbProblem::NotThidua(msg.clone())
        }
        _ => DbProblem::Failed(e.to_string()),
    }
}

/// A database error as a page-level problem.
pub fn problem(e: rusqlite::Error) -> DbProblem {
    classify(e)
}

/// The temporary name a run builds a new database under (`.NAME.partial`).
pub fn partial_path(db: &Path) -> PathBuf {
    let name = db
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    db.with_file_name(format!(".{name}.partial"))
}

/// Opens the database read-only and checks that thidua wrote it.
pub fn open(db: &Path) -> Result<Connection, DbProblem> {
    if !db.is_file() {
        return Err(if partial_path(db).exists() {
            DbProblem::BeingWritten
        } else {
            DbProblem::Missing
        });
    }
    let conn = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(classify)?;
    conn.busy_timeout(Duration::from_millis(500))
        .map_err(classify)?;
    let format: Option<String> = conn
        .query_row(
            "SELECT value FROM dataset_info WHERE key = 'format'",
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(classify)?;
    match format {
        Some(f) if f == DATASET_FORMAT => Ok(conn),
        Some(f) => Err(DbProblem::NotThidua(format!("a {f} database"))),
        None => Err(DbProblem::NotThidua("no dataset format".to_string())),
    }
}

/// A unit that appears in at least one report.
#[derive(Debug, Clone)]
pub struct UnitInfo {
    /// Identity key without province (`so y te`).
    pub base: String,
    /// The unit's province, when known.
    pub province: Option<String>,
    /// The qualified name most articles give it.
    pub name: String,
    /// Rows that mention it (memberships, ranks, roles).
    pub mentions: i64,
    pub first_year: Option<i64>,
    pub last_year: Option<i64>,
}

/// A bloc (bloc key and province) with its meetings.
#[derive(Debug, Clone)]
pub struct BlocInfo {
    pub key: String,
    pub province: Option<String>,
    /// The name most meetings give it.
    pub name: String,
    pub meetings: i64,
    pub first_year: Option<i64>,
    pub last_year: Option<i64>,
}

/// Every unit and bloc, for search and suggestions.
#[derive(Debug, Clone, Default)]
pub struct Index {
    pub units: Vec<UnitInfo>,
    pub blocs: Vec<BlocInfo>,
}

/// A name with its row count and year range, under a key.
type Named<K> = (K, String, i64, Option<i64>, Option<i64>);
/// A key and the province it is in.
type KeyIn = (String, Option<String>);

/// Name, total rows, rows of that name, first and last year.
type Tally = (String, i64, i64, Option<i64>, Option<i64>);

/// Keeps, for each key, the name with the most rows, and sums counts and year ranges.
fn merge_names<K: std::hash::Hash + Eq + Clone + Ord>(rows: Vec<Named<K>>) -> Vec<Named<K>> {
    let mut by_key: HashMap<K, Tally> = HashMap::new();
    for (key, name, n, lo, hi) in rows {
        let e = by_key
            .entry(key)
            .or_insert_with(|| (name.clone(), 0, 0, lo, hi));
        if n > e.2 {
            e.0 = name;
            e.2 = n;
        }
        e.1 += n;
        e.3 = min_opt(e.3, lo);
        e.4 = max_opt(e.4, hi);
    }
    let mut out: Vec<_> = by_key
        .into_iter()
        .map(|(k, (name, n, _, lo, hi))| (k, name, n, lo, hi))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn min_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}

fn max_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    a.max(b)
}

/// Rows of (key, province, name, count, first year, last year), each key under its most
/// frequent name ([`merge_names`]).
fn named_rows(stmt: &mut rusqlite::Statement) -> rusqlite::Result<Vec<Named<KeyIn>>> {
    let rows = stmt
        .query_map([], |r| {
            Ok((
                (r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?),
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(merge_names(rows))
}

/// Reads every unit and bloc of the reports.
pub fn index(conn: &Connection) -> rusqlite::Result<Index> {
    let mut stmt = conn.prepare(
        "SELECT x.unit_base, x.unit_province, x.qualified, COUNT(*), MIN(x.year), MAX(x.year)
         FROM (SELECT mb.doc_id, mb.unit_base, mb.unit_province, mb.qualified, d.year
               FROM members mb JOIN documents d ON d.doc_id = mb.doc_id
               UNION ALL SELECT doc_id, unit_base, unit_province, qualified, year FROM rankings
               UNION ALL SELECT doc_id, unit_base, unit_province, qualified, year FROM roles) x
         JOIN sources s ON s.doc_id = x.doc_id
         GROUP BY x.unit_base, x.unit_province, x.qualified",
    )?;
    let units = named_rows(&mut stmt)?
        .into_iter()
        .map(|((base, province), name, mentions, lo, hi)| UnitInfo {
            base,
            province,
            name,
            mentions,
            first_year: lo,
            last_year: hi,
        })
        .collect();
    let mut stmt = conn.prepare(
        "SELECT bloc_key, province, bloc_name, COUNT(*), MIN(year), MAX(year) FROM meetings
         WHERE bloc_key IS NOT NULL AND bloc_name IS NOT NULL
         GROUP BY bloc_key, province, bloc_name",
    )?;
    let blocs = named_rows(&mut stmt)?
        .into_iter()
        .map(|((key, province), name, meetings, lo, hi)| BlocInfo {
            key,
            province,
            name,
            meetings,
            first_year: lo,
            last_year: hi,
        })
        .collect();
    Ok(Index { units, blocs })
}

/// One article (a source of a meeting).
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub doc_id: String,
    pub is_primary: bool,
    pub title: Option<String>,
    pub site: Option<String>,
    pub published: Option<String>,
    pub url: Option<String>,
    /// The input path, or the WARC locator `archive.warc.gz#offset`.
    pub input: String,
}

/// One value about a unit as one article reports it.
#[derive(Debug, Clone)]
pub struct UnitRow {
    /// rank, head, deputy, elected_head, elected_deputy or member.
    pub kind: String,
    pub year: Option<i64>,
    pub meeting_id: i64,
    pub unit: String,
    pub unit_as_written: String,
    pub rank: Option<i64>,
    pub award: Option<String>,
    pub award_canonical: Option<String>,
    pub award_level: Option<String>,
    pub sentence: Option<String>,
    pub award_sentence: Option<String>,
    /// The rule that read the unit (and the award, when another rule read it).
    pub rule: Option<String>,
    pub award_rule: Option<String>,
    pub bloc_name: Option<String>,
    pub bloc_key: Option<String>,
    pub bloc_province: Option<String>,
    pub meeting_date: Option<String>,
    pub article: Article,
}

/// Order of kinds within a meeting.
pub fn kind_order(kind: &str) -> u8 {
    match kind {
        "rank" => 0,
        "head" => 1,
        "deputy" => 2,
        "elected_head" => 3,
        "elected_deputy" => 4,
        _ => 5,
    }
}

const UNIT_ROWS: &str = "
SELECT x.kind, x.year, s.meeting_id, x.qualified, x.name, x.rank, x.award, x.award_canonical,
       x.award_level, x.sentence, x.award_sentence,
       (SELECT rule FROM evidence e WHERE e.doc_id = x.doc_id AND +e.field = x.field),
       (SELECT rule FROM evidence e WHERE e.doc_id = x.doc_id AND +e.field = x.award_field),
       m.bloc_name, m.bloc_key, m.province, m.meeting_date,
       d.doc_id, s.is_primary, d.title, d.site, d.published, d.url, d.input
FROM (
  SELECT 'rank' AS kind, r.doc_id, r.year, r.qualified, r.name, r.rank, r.award,
         r.award_canonical, r.award_level, r.sentence, r.award_sentence,
         'rankings[' || r.idx || '].unit' AS field, 'rankings[' || r.idx || '].award' AS award_field
  FROM rankings r WHERE r.unit_base = ?1 AND r.unit_province IS ?2
  UNION ALL
  SELECT o.role, o.doc_id, o.year, o.qualified, o.name, NULL, NULL, NULL, NULL, o.sentence, NULL,
         CASE o.role WHEN 'head' THEN 'head_unit' WHEN 'deputy' THEN 'deputy_head_unit'
                     WHEN 'elected_head' THEN 'elected.head' ELSE 'elected.deputy' END, NULL
  FROM roles o WHERE o.unit_base = ?1 AND o.unit_province IS ?2
  UNION ALL
  SELECT 'member', mb.doc_id, dm.year, mb.qualified, mb.name, NULL, NULL, NULL, NULL, mb.sentence,
         NULL, 'members[' || mb.idx || ']', NULL
  FROM members mb JOIN documents dm ON dm.doc_id = mb.doc_id
  WHERE mb.unit_base = ?1 AND mb.unit_province IS ?2
) x
JOIN sources s ON s.doc_id = x.doc_id
JOIN meetings m ON m.meeting_id = s.meeting_id
JOIN documents d ON d.doc_id = x.doc_id
ORDER BY x.year IS NULL, x.year, m.meeting_date, s.meeting_id, s.is_primary DESC, d.doc_id";

/// Everything the reports say about one unit (every source, not only primary ones).
pub fn unit_rows(
    conn: &Connection,
    base: &str,
    province: Option<&str>,
) -> rusqlite::Result<Vec<UnitRow>> {
    let mut stmt = conn.prepare_cached(UNIT_ROWS)?;
    stmt.query_map(params![base, province], |r| {
        Ok(UnitRow {
            kind: r.get(0)?,
            year: r.get(1)?,
            meeting_id: r.get(2)?,
            unit: r.get(3)?,
            unit_as_written: r.get(4)?,
            rank: r.get(5)?,
            award: r.get(6)?,
            award_canonical: r.get(7)?,
            award_level: r.get(8)?,
            sentence: r.get(9)?,
            award_sentence: r.get(10)?,
            rule: r.get(11)?,
            award_rule: r.get(12)?,
            bloc_name: r.get(13)?,
            bloc_key: r.get(14)?,
            bloc_province: r.get(15)?,
            meeting_date: r.get(16)?,
            article: Article {
                doc_id: r.get(17)?,
                is_primary: r.get(18)?,
                title: r.get(19)?,
                site: r.get(20)?,
                published: r.get(21)?,
                url: r.get(22)?,
                input: r.get(23)?,
            },
        })
    })?
    .collect()
}

/// The articles that report a meeting, primary first.
pub fn meeting_articles(conn: &Connection, meeting_id: i64) -> rusqlite::Result<Vec<Article>> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.doc_id, s.is_primary, d.title, d.site, d.published, d.url, d.input
         FROM sources s JOIN documents d ON d.doc_id = s.doc_id
         WHERE s.meeting_id = ?1 ORDER BY s.is_primary DESC, s.rowid",
    )?;
    stmt.query_map(params![meeting_id], |r| {
        Ok(Article {
            doc_id: r.get(0)?,
            is_primary: r.get(1)?,
            title: r.get(2)?,
            site: r.get(3)?,
            published: r.get(4)?,
            url: r.get(5)?,
            input: r.get(6)?,
        })
    })?
    .collect()
}

/// One meeting of a bloc.
#[derive(Debug, Clone)]
pub struct Meeting {
    pub meeting_id: i64,
    pub bloc_name: Option<String>,
    pub date: Option<String>,
    /// Meeting types, comma-separated ("review, plan").
    pub types: String,
    pub year: Option<i64>,
    pub source_count: i64,
    pub article: Article,
}

/// A bloc's meetings, oldest first.
pub fn bloc_meetings(
    conn: &Connection,
    key: &str,
    province: Option<&str>,
) -> rusqlite::Result<Vec<Meeting>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.meeting_id, m.bloc_name, m.meeting_date, m.meeting_types, m.year,
                m.source_count, d.doc_id, d.title, d.site, d.published, d.url, d.input
         FROM meetings m JOIN documents d ON d.doc_id = m.primary_doc_id
         WHERE m.bloc_key = ?1 AND m.province IS ?2
         ORDER BY m.year IS NULL, m.year, m.meeting_date, m.meeting_id",
    )?;
    stmt.query_map(params![key, province], |r| {
        Ok(Meeting {
            meeting_id: r.get(0)?,
            bloc_name: r.get(1)?,
            date: r.get(2)?,
            // A JSON array in the database; shown "review, plan".
            types: serde_json::from_str::<Vec<String>>(&r.get::<_, String>(3)?)
                .unwrap_or_default()
                .join(", "),
            year: r.get(4)?,
            source_count: r.get(5)?,
            article: Article {
                doc_id: r.get(6)?,
                is_primary: true,
                title: r.get(7)?,
                site: r.get(8)?,
                published: r.get(9)?,
                url: r.get(10)?,
                input: r.get(11)?,
            },
        })
    })?
    .collect()
}

/// A unit in one of a bloc's meetings (from the meeting's primary report).
#[derive(Debug, Clone)]
pub struct BlocRow {
    pub kind: String,
    pub year: Option<i64>,
    pub meeting_id: i64,
    pub base: String,
    pub province: Option<String>,
    pub unit: String,
    pub unit_as_written: String,
    pub rank: Option<i64>,
    pub award: Option<String>,
    pub award_canonical: Option<String>,
    pub award_level: Option<String>,
    pub sentence: Option<String>,
}

/// Members, roles and rankings of a bloc's meetings.
pub fn bloc_rows(
    conn: &Connection,
    key: &str,
    province: Option<&str>,
) -> rusqlite::Result<Vec<BlocRow>> {
    let mut stmt = conn.prepare_cached(
        "WITH bm AS (SELECT meeting_id, primary_doc_id, meeting_date FROM meetings
                    WHERE bloc_key = ?1 AND province IS ?2)
         SELECT x.kind, x.year, bm.meeting_id, x.unit_base, x.unit_province, x.qualified,
                x.name, x.rank, x.award, x.award_canonical, x.award_level, x.sentence
         FROM (SELECT 'rank' AS kind, doc_id, year, unit_base, unit_province, qualified, name,
                      rank, award, award_canonical, award_level, sentence, idx AS ord
               FROM rankings WHERE doc_id IN (SELECT primary_doc_id FROM bm)
               UNION ALL
               SELECT role, doc_id, year, unit_base, unit_province, qualified, name, NULL, NULL,
                      NULL, NULL, sentence, 0
               FROM roles WHERE doc_id IN (SELECT primary_doc_id FROM bm)
               UNION ALL
               SELECT 'member', mb.doc_id, d.year, mb.unit_base, mb.unit_province, mb.qualified,
                      mb.name, NULL, NULL, NULL, NULL, mb.sentence, mb.idx
               FROM members mb JOIN documents d ON d.doc_id = mb.doc_id
               WHERE mb.doc_id IN (SELECT primary_doc_id FROM bm)) x
         JOIN bm ON bm.primary_doc_id = x.doc_id
         ORDER BY x.year IS NULL, x.year, bm.meeting_date, bm.meeting_id, x.kind, x.rank, x.ord",
    )?;
    stmt.query_map(params![key, province], |r| {
        Ok(BlocRow {
            kind: r.get(0)?,
            year: r.get(1)?,
            meeting_id: r.get(2)?,
            base: r.get(3)?,
            province: r.get(4)?,
            unit: r.get(5)?,
            unit_as_written: r.get(6)?,
            rank: r.get(7)?,
            award: r.get(8)?,
            award_canonical: r.get(9)?,
            award_level: r.get(10)?,
            sentence: r.get(11)?,
        })
    })?
    .collect()
}
