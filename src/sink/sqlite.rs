//! SQLite: the same tables as CSV with primary keys, foreign keys on `doc_id` (rows go with
//! their document), indexes on unit keys, years and blocs, and two views:
//!
//! * `award_history`: one row per ranking of a meeting (counted once however many sites
//!   published it): unit, year, bloc, rank, award as written, canonical award and level,
//!   article URL, evidence sentence.
//! * `unit_history`: rankings, head/deputy roles, elected head/deputy and plain membership,
//!   what `thidua history` reads.
//!
//! Re-running into the same file adds new documents, skips unchanged ones and replaces changed
//! ones (by doc id), all in one transaction: a failed run leaves the database as it was. A new
//! file is written under a temporary name and renamed when complete.

use super::RecordSink;
use crate::dataset::dedup::{Candidate, Fingerprint, MeetingKey, best_match};
use crate::dataset::identity::Fnv;
use crate::dataset::tables::{DOCUMENTS, DocRows, MEETINGS, SOURCES, TABLES, Table, Value};
use crate::dataset::{DatasetSummary, Lexicon, rows_of};
use crate::error::{Error, Result};
use crate::record::Record;
use rusqlite::types::{ToSql, ToSqlOutput};
use rusqlite::{Connection, OptionalExtension, params};
use std::path::{Path, PathBuf};

/// Documents per transaction in a resumable run (`--resume`): a killed run loses at most
/// these, and the next run redoes them.
pub const RESUME_COMMIT_EVERY: usize = 256;

/// The dataset format written into `dataset_info`.
pub const DATASET_FORMAT: &str = "thidua.dataset/1";

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::from(rusqlite::types::Null),
            Value::Int(i) => ToSqlOutput::from(*i),
            Value::Real(r) => ToSqlOutput::from(*r),
            Value::Text(s) => ToSqlOutput::from(s.as_str()),
        })
    }
}

/// Writes records into a SQLite database, merging duplicate reports into one meeting.
pub struct SqliteSink {
    conn: Option<Connection>,
    path: PathBuf,
    /// When creating a new file: the temporary name to rename from.
    tmp: Option<PathBuf>,
    /// The lock on the temporary file, held until it is renamed or removed (see
    /// [`super::lock_partial`]).
    lock: Option<std::fs::File>,
    /// Resumable run: commit every [`RESUME_COMMIT_EVERY`] documents and keep a new file's
    /// partial database if the run stops unfinished.
    resumable: bool,
    /// Documents written since the last commit.
    pending: usize,
    lex: Lexicon,
    store_text: bool,
    summary: DatasetSummary,
    /// Digests of the ids written by this run: a second document with one of them is an
    /// error, never a replacement.
    written: std::collections::HashSet<u128>,
}

fn style_name(style: crate::ToneStyle) -> &'static str {
    match style {
        crate::ToneStyle::Traditional => "traditional",
        crate::ToneStyle::Modern => "modern",
    }
}

fn db_err(path: &Path, e: rusqlite::Error) -> Error {
    Error::io(path.display().to_string(), std::io::Error::other(e))
}

fn io(e: rusqlite::Error) -> std::io::Error {
    std::io::Error::other(e)
}

/// The schema: tables, indexes, views (idempotent).
fn schema_sql() -> String {
    let mut sql = String::from(
        "CREATE TABLE IF NOT EXISTS dataset_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n",
    );
    for t in &TABLES {
        let cols: Vec<String> = t
            .columns
            .iter()
            .map(|c| format!("{} {}", c.name, c.sql))
            .collect();
        let mut constraints = vec![format!("PRIMARY KEY ({})", t.primary_key.join(", "))];
        if t.per_document {
            constraints.push(
                "FOREIGN KEY (doc_id) REFERENCES documents(doc_id) ON DELETE CASCADE".to_string(),
            );
        }
        if t.name == SOURCES.name {
            constraints.push(
                "FOREIGN KEY (meeting_id) REFERENCES meetings(meeting_id) ON DELETE CASCADE"
                    .to_string(),
            );
        }
        sql.push_str(&format!(
            "CREATE TABLE IF NOT EXISTS {} (\n  {},\n  {}\n);\n",
            t.name,
            cols.join(",\n  "),
            constraints.join(",\n  ")
        ));
        for idx in t.indexes {
            sql.push_str(&format!(
                "CREATE INDEX IF NOT EXISTS {}_{} ON {} ({});\n",
                t.name,
                idx.join("_"),
                t.name,
                idx.join(", ")
            ));
        }
    }
    sql.push_str(
        "CREATE TABLE IF NOT EXISTS doc_state (
  doc_id TEXT PRIMARY KEY REFERENCES documents(doc_id) ON DELETE CASCADE,
  record_hash TEXT NOT NULL,
  fingerprint BLOB NOT NULL
);
DROP VIEW IF EXISTS award_history;
CREATE VIEW award_history AS
SELECT r.qualified AS unit, r.canonical AS unit_canonical, r.name AS unit_as_written,
       r.unit_key, r.unit_province, r.year, m.bloc_name AS bloc, m.province AS bloc_province,
       r.rank, r.award, r.award_canonical, r.award_level, m.meeting_date,
       COALESCE(d.url, d.input) AS article_url, r.sentence AS evidence,
       r.award_sentence AS award_evidence, r.doc_id, m.meeting_id, m.source_count
FROM rankings r
JOIN meetings m ON m.primary_doc_id = r.doc_id
JOIN documents d ON d.doc_id = r.doc_id;
DROP VIEW IF EXISTS unit_history;
CREATE VIEW unit_history AS
SELECT e.*, m.meeting_id, m.bloc_name AS bloc, m.province AS bloc_province, m.meeting_date,
       COALESCE(d.url, d.input) AS article_url, m.source_count
FROM (
  SELECT 'rank' AS kind, 0 AS kind_order, qualified AS unit, canonical AS unit_canonical,
         name AS unit_as_written, unit_key, unit_base, unit_province, year, rank, award,
         award_canonical, award_level, sentence AS evidence, award_sentence AS award_evidence,
         doc_id
  FROM rankings
  UNION ALL
  SELECT role, CASE role WHEN 'head' THEN 1 WHEN 'deputy' THEN 2 WHEN 'elected_head' THEN 3
                         ELSE 4 END,
         qualified, canonical, name, unit_key, unit_base, unit_province, year, NULL, NULL,
         NULL, NULL, sentence, NULL, doc_id
  FROM roles
  UNION ALL
  SELECT 'member', 5, mb.qualified, mb.canonical, mb.name, mb.unit_key, mb.unit_base,
         mb.unit_province, d.year, NULL, NULL, NULL, NULL, mb.sentence, NULL, mb.doc_id
  FROM members mb JOIN documents d ON d.doc_id = mb.doc_id
  WHERE NOT EXISTS (SELECT 1 FROM rankings r WHERE r.doc_id = mb.doc_id AND r.unit_key = mb.unit_key)
    AND NOT EXISTS (SELECT 1 FROM roles o WHERE o.doc_id = mb.doc_id AND o.unit_key = mb.unit_key)
) e
JOIN meetings m ON m.primary_doc_id = e.doc_id
JOIN documents d ON d.doc_id = e.doc_id;
",
    );
    sql
}

fn insert_sql(t: &Table) -> String {
    let marks: Vec<String> = (1..=t.columns.len()).map(|i| format!("?{i}")).collect();
    format!(
        "INSERT INTO {} ({}) VALUES ({})",
        t.name,
        t.header().join(", "),
        marks.join(", ")
    )
}

impl SqliteSink {
    /// Opens (or creates) the database and starts the run's transaction. `store_text` fills
    /// `documents.text`. A new database is built as `.NAME.partial` and renamed into place
    /// when finished.
    pub fn open(path: &Path, lex: Lexicon, store_text: bool) -> Result<SqliteSink> {
        SqliteSink::open_with(path, lex, store_text, false)
    }

    /// Like [`SqliteSink::open`]; with `resumable`, the run commits every
    /// [`RESUME_COMMIT_EVERY`] documents and a new database's partial file (left by a killed
    /// run) is taken up instead of started afresh: see [`SqliteSink::inputs`].
    pub fn open_with(
        path: &Path,
        lex: Lexicon,
        store_text: bool,
        resumable: bool,
    ) -> Result<SqliteSink> {
        // An existing database is written in place (SQLite locks it); a new one is built
        // under a locked temporary name, emptied first unless a killed run's is resumed.
        let (open_path, tmp, lock) = if path.exists() {
            (path.to_path_buf(), None, None)
        } else {
            let (tmp, lock) = super::lock_partial(path)?;
            if !resumable {
                lock.set_len(0)
                    .map_err(|e| Error::io(tmp.display().to_string(), e))?;
            }
            (tmp.clone(), Some(tmp), Some(lock))
        };
        let conn = Connection::open(&open_path).map_err(|e| db_err(path, e))?;
        let sink = SqliteSink {
            conn: Some(conn),
            path: path.to_path_buf(),
            tmp,
            lock,
            resumable,
            pending: 0,
            lex,
            store_text,
            summary: DatasetSummary::default(),
            written: Default::default(),
        };
        sink.init().map_err(|e| db_err(path, e))?;
        sink.check_format()?;
        sink.check_style()?;
        Ok(sink)
    }

    /// Calls `each(doc_id, input)` for every document already in the database, one row at a
    /// time.
    pub fn documents(&self, mut each: impl FnMut(&str, &str)) -> Result<()> {
        let mut stmt = self
            .conn()
            .prepare("SELECT doc_id, input FROM documents")
            .map_err(|e| db_err(&self.path, e))?;
        let mut rows = stmt.query([]).map_err(|e| db_err(&self.path, e))?;
        while let Some(row) = rows.next().map_err(|e| db_err(&self.path, e))? {
            let id: String = row.get(0).map_err(|e| db_err(&self.path, e))?;
            let input: String = row.get(1).map_err(|e| db_err(&self.path, e))?;
            each(&id, &input);
        }
        Ok(())
    }

    /// The inputs (`doc.input`) of the documents already in the database.
    pub fn inputs(&self) -> Result<std::collections::HashSet<String>> {
        let mut inputs = std::collections::HashSet::new();
        self.documents(|_, input| {
            inputs.insert(input.to_string());
        })?;
        Ok(inputs)
    }

    fn conn(&self) -> &Connection {
        self.conn.as_ref().expect("open until finished")
    }

    fn init(&self) -> rusqlite::Result<()> {
        let c = self.conn();
        c.busy_timeout(std::time::Duration::from_secs(10))?;
        c.execute_batch("PRAGMA foreign_keys = ON; BEGIN IMMEDIATE;")?;
        c.execute_batch(&schema_sql())?;
        c.execute(
            "INSERT OR IGNORE INTO dataset_info (key, value) VALUES ('format', ?1)",
            params![DATASET_FORMAT],
        )?;
        c.execute(
            "INSERT OR IGNORE INTO dataset_info (key, value) VALUES ('style', ?1)",
            params![style_name(self.lex.style())],
        )?;
        Ok(())
    }

    /// A database holds names in one tone-mark style: a run in the other style would mix
    /// "Thanh Hóa" and "Thanh Hoá" rows.
    fn check_style(&self) -> Result<()> {
        let found: String = self
            .conn()
            .query_row(
                "SELECT value FROM dataset_info WHERE key = 'style'",
                [],
                |r| r.get(0),
            )
            .map_err(|e| db_err(&self.path, e))?;
        let want = style_name(self.lex.style());
        if found != want {
            return Err(Error::Usage(format!(
                "{}: its names are written in the {found} tone-mark style; run with --style {found} \
                 (this run writes {want})",
                self.path.display()
            )));
        }
        Ok(())
    }

    fn check_format(&self) -> Result<()> {
        let found: String = self
            .conn()
            .query_row(
                "SELECT value FROM dataset_info WHERE key = 'format'",
                [],
                |r| r.get(0),
            )
            .map_err(|e| db_err(&self.path, e))?;
        if found != DATASET_FORMAT {
            return Err(Error::Usage(format!(
                "{}: a {found} database, not {DATASET_FORMAT}",
                self.path.display()
            )));
        }
        Ok(())
    }

    fn record_hash(&self, record: &Record) -> String {
        let mut h = Fnv::new();
        h.write(DATASET_FORMAT.as_bytes());
        h.write(self.lex.version().as_bytes());
        h.write(&[self.store_text as u8]);
        h.write(&serde_json::to_vec(record).unwrap_or_default());
        format!("{:016x}", h.finish())
    }

    /// Writes one record: new documents are added, changed ones replaced, unchanged skipped.
    ///
    /// A document is replaced only by one read from the same input (any spelling of it, see
    /// [`crate::ids::input_key`]); a different document with the same id, or a second one with
    /// an id this run has written, is an error (`thidua extract` makes ids unique first, see
    /// [`crate::ids::DocIds`]).
    pub fn write(&mut self, record: &Record) -> std::io::Result<()> {
        let id = &record.doc.id;
        if !self.written.insert(crate::ids::digest(id)) {
            return Err(std::io::Error::other(format!(
                "document id {id:?} given to two documents ({} is the second); nothing replaced",
                record.doc.input
            )));
        }
        let hash = self.record_hash(record);
        let old: Option<(String, String)> = self
            .conn()
            .query_row(
                "SELECT st.record_hash, d.input FROM doc_state st \
                 JOIN documents d ON d.doc_id = st.doc_id WHERE st.doc_id = ?1",
                params![id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(io)?;
        if let Some((_, input)) = &old
            && *input != record.doc.input
            && crate::ids::input_key(input) != crate::ids::input_key(&record.doc.input)
        {
            return Err(std::io::Error::other(format!(
                "document id {id:?} already belongs to {input} in {}; not replaced by {}",
                self.path.display(),
                record.doc.input
            )));
        }
        let old = old.map(|(hash, _)| hash);
        if old.as_deref() == Some(hash.as_str()) {
            self.summary.unchanged += 1;
            return Ok(());
        }
        if old.is_some() {
            self.remove_document(&record.doc.id).map_err(io)?;
            self.summary.replaced += 1;
        }
        let rows = rows_of(record, &self.lex, self.store_text);
        self.insert_document(&rows, &hash).map_err(io)?;
        self.summary.documents += 1;
        self.pending += 1;
        if self.resumable && self.pending >= RESUME_COMMIT_EVERY {
            self.conn()
                .execute_batch("COMMIT; BEGIN IMMEDIATE;")
                .map_err(io)?;
            self.pending = 0;
        }
        Ok(())
    }

    fn insert_document(&mut self, rows: &DocRows, hash: &str) -> rusqlite::Result<()> {
        let c = self.conn();
        for (table, table_rows) in rows.tables() {
            let mut stmt = c.prepare_cached(&insert_sql(table))?;
            for row in table_rows {
                stmt.execute(rusqlite::params_from_iter(row.iter()))?;
            }
        }
        c.execute(
            "INSERT INTO doc_state (doc_id, record_hash, fingerprint) VALUES (?1, ?2, ?3)",
            params![rows.doc_id, hash, rows.fingerprint.to_bytes()],
        )?;
        if !rows.is_report {
            return Ok(());
        }
        let candidates = self.candidates(rows)?;
        let found = best_match(&rows.key, &rows.fingerprint, candidates.iter());
        let c = self.conn();
        let source = match found {
            Some((cand, similarity)) => {
                c.execute(
                    "UPDATE meetings SET source_count = source_count + 1 WHERE meeting_id = ?1",
                    params![cand.meeting],
                )?;
                rows.source_row(cand.meeting, false, similarity)
            }
            None => {
                let id: i64 = c.query_row(
                    "SELECT IFNULL(MAX(meeting_id), 0) + 1 FROM meetings",
                    [],
                    |r| r.get(0),
                )?;
                let row = rows.meeting.row(id, &rows.doc_id, 1);
                c.prepare_cached(&insert_sql(&MEETINGS))?
                    .execute(rusqlite::params_from_iter(row.iter()))?;
                rows.source_row(id, true, 1.0)
            }
        };
        c.prepare_cached(&insert_sql(&SOURCES))?
            .execute(rusqlite::params_from_iter(source.iter()))?;
        if found.is_some() {
            self.summary.duplicates += 1;
        }
        Ok(())
    }

    /// Reports already in the database with the same bloc key.
    fn candidates(&self, rows: &DocRows) -> rusqlite::Result<Vec<Candidate<i64>>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT s.meeting_id, d.bloc_key, d.meeting_date, d.review_year, d.plan_year,
                    d.province, st.fingerprint
             FROM documents d
             JOIN sources s ON s.doc_id = d.doc_id
             JOIN doc_state st ON st.doc_id = d.doc_id
             WHERE d.bloc_key IS ?1 AND d.doc_id <> ?2
               AND (?1 IS NOT NULL OR (d.meeting_date IS ?3 AND d.review_year IS ?4))",
        )?;
        let out = stmt
            .query_map(
                params![
                    rows.key.bloc_key,
                    rows.doc_id,
                    rows.key.date,
                    rows.key.review_year
                ],
                |r| {
                    Ok(Candidate {
                        meeting: r.get(0)?,
                        key: MeetingKey {
                            bloc_key: r.get(1)?,
                            date: r.get(2)?,
                            review_year: r.get(3)?,
                            plan_year: r.get(4)?,
                            province: r.get(5)?,
                        },
                        fingerprint: Fingerprint::from_bytes(&r.get::<_, Vec<u8>>(6)?),
                    })
                },
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(out)
    }

    /// Deletes a document with its rows; its meeting loses a source, is re-based on another
    /// source when it was the primary one, and disappears when none is left.
    fn remove_document(&self, doc_id: &str) -> rusqlite::Result<()> {
        let c = self.conn();
        let source: Option<(i64, bool)> = c
            .query_row(
                "SELECT meeting_id, is_primary FROM sources WHERE doc_id = ?1",
                params![doc_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        c.execute("DELETE FROM documents WHERE doc_id = ?1", params![doc_id])?;
        let Some((meeting, was_primary)) = source else {
            return Ok(());
        };
        let next: Option<String> = c
            .query_row(
                "SELECT doc_id FROM sources WHERE meeting_id = ?1 ORDER BY is_primary DESC, rowid LIMIT 1",
                params![meeting],
                |r| r.get(0),
            )
            .optional()?;
        let Some(next) = next else {
            c.execute(
                "DELETE FROM meetings WHERE meeting_id = ?1",
                params![meeting],
            )?;
            return Ok(());
        };
        c.execute(
            "UPDATE meetings SET source_count = (SELECT COUNT(*) FROM sources WHERE meeting_id = ?1)
             WHERE meeting_id = ?1",
            params![meeting],
        )?;
        if was_primary {
            c.execute(
                "UPDATE sources SET is_primary = 1, similarity = 1.0 WHERE doc_id = ?1",
                params![next],
            )?;
            let cols = meeting_columns_from_documents();
            c.execute(
                &format!(
                    "UPDATE meetings SET ({}) = (SELECT {} FROM documents WHERE doc_id = ?1)
                     WHERE meeting_id = ?2",
                    cols.iter().map(|(m, _)| *m).collect::<Vec<_>>().join(", "),
                    cols.iter().map(|(_, d)| *d).collect::<Vec<_>>().join(", "),
                ),
                params![next, meeting],
            )?;
        }
        Ok(())
    }

    /// Commits and, for a new file, renames it into place.
    pub fn finish(mut self) -> Result<DatasetSummary> {
        let conn = self.conn.take().expect("finished once");
        conn.execute_batch("COMMIT")
            .map_err(|e| db_err(&self.path, e))?;
        self.summary.meetings = conn
            .query_row("SELECT COUNT(*) FROM meetings", [], |r| r.get::<_, i64>(0))
            .map_err(|e| db_err(&self.path, e))? as usize;
        conn.close().map_err(|(_, e)| db_err(&self.path, e))?;
        if let Some(tmp) = self.tmp.take() {
            std::fs::rename(&tmp, &self.path)
                .map_err(|e| Error::io(self.path.display().to_string(), e))?;
        }
        Ok(std::mem::take(&mut self.summary))
    }
}

/// Pairs of (meetings column, documents expression) that re-base a meeting on a document.
fn meeting_columns_from_documents() -> Vec<(&'static str, &'static str)> {
    let docs = DOCUMENTS.header();
    MEETINGS
        .header()
        .into_iter()
        .filter_map(|m| match m {
            "meeting_id" | "source_count" => None,
            "primary_doc_id" => Some((m, "doc_id")),
            _ => docs.contains(&m).then_some((m, m)),
        })
        .collect()
}

impl Drop for SqliteSink {
    fn drop(&mut self) {
        // Not finished: the transaction rolls back when the connection closes, and a new file
        // is removed.
        if let Some(conn) = self.conn.take() {
            drop(conn);
            if self.resumable {
                return;
            }
            if let Some(tmp) = self.tmp.take() {
                drop(self.lock.take());
                let _ = std::fs::remove_file(tmp);
            }
        }
    }
}

impl RecordSink for SqliteSink {
    fn write(&mut self, record: &Record) -> std::io::Result<()> {
        SqliteSink::write(self, record)
    }

    fn finish(self: Box<Self>) -> Result<DatasetSummary> {
        SqliteSink::finish(*self)
    }
}
