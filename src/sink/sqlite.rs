//! SQLite: the same tables as CSV with primary keys, foreign keys on `doc_id` (rows go with
//! their document), indexes on unit keys, years and blocs, full-text search (FTS5) over
//! titles (`documents_fts`) and evidence sentences (`evidence_fts`), and views:
//!
//! * `award_history`: one row per ranking of a meeting (counted once however many sites
//!   published it): unit, year, bloc, rank, award as written, canonical award and level,
//!   article URL, evidence sentence.
//! * `unit_history`: rankings, head/deputy roles, elected head/deputy and plain membership,
//!   what `thidua history` reads.
//! * `unit_forms` and `units`: the names each unit key merged, with their mentions.
//!
//! `dataset_info` holds the format, tone-mark style, tool version, patterns digest, inputs and
//! run times; internal tables start with `_` (`_doc_state`, `_dedup_refs`, `_runs`). Beside the
//! database, `FILE.metadata.json` describes every table and column for datasette
//! (`datasette FILE -m FILE.metadata.json`).
//!
//! Re-running into the same file adds new documents, skips unchanged ones and replaces changed
//! ones (by doc id), all in one transaction: a failed run leaves the database as it was. A new
//! file is written under a temporary name and renamed when complete.

use super::RecordSink;
use crate::dataset::dedup::{Candidate, Fingerprint, MeetingKey, becomes_reference, best_match};
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
/// (2: list columns as JSON arrays, internal tables named `_…`, FTS5, 2025 provinces and
/// folded province keys.)
pub const DATASET_FORMAT: &str = "thidua.dataset/2";

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
    /// The run's inputs as given (for `dataset_info` and `_runs`).
    inputs: Vec<String>,
    /// This run's row in `_runs`.
    run_id: i64,
    started: std::time::Instant,
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
    sql.push_str(INTERNAL_AND_SEARCH);
    sql.push_str(VIEWS);
    sql
}

/// Internal tables (named `_…`: datasette and `.tables` readers know them as internal) and the
/// full-text indexes, kept in step with their tables by triggers.
const INTERNAL_AND_SEARCH: &str = r#"CREATE TABLE IF NOT EXISTS _doc_state (
  doc_id TEXT PRIMARY KEY REFERENCES documents(doc_id) ON DELETE CASCADE,
  record_hash TEXT NOT NULL,
  fingerprint BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS _dedup_refs (
  doc_id TEXT PRIMARY KEY REFERENCES documents(doc_id) ON DELETE CASCADE,
  meeting_id INTEGER NOT NULL REFERENCES meetings(meeting_id) ON DELETE CASCADE,
  bloc_key TEXT,
  meeting_date TEXT,
  review_year INTEGER,
  plan_year INTEGER,
  province TEXT,
  fingerprint BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS _dedup_refs_bloc_key ON _dedup_refs (bloc_key);
CREATE INDEX IF NOT EXISTS _dedup_refs_meeting_id ON _dedup_refs (meeting_id);
CREATE TABLE IF NOT EXISTS _runs (
  run_id INTEGER PRIMARY KEY,
  started TEXT NOT NULL,
  finished TEXT,
  seconds REAL,
  tool_version TEXT NOT NULL,
  patterns_digest TEXT NOT NULL,
  style TEXT NOT NULL,
  inputs TEXT NOT NULL,
  documents INTEGER,
  replaced INTEGER,
  unchanged INTEGER,
  duplicates INTEGER
);
CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5(
  title, content="documents", tokenize="unicode61 remove_diacritics 2"
);
CREATE VIRTUAL TABLE IF NOT EXISTS evidence_fts USING fts5(
  text, content="evidence", tokenize="unicode61 remove_diacritics 2"
);
CREATE TRIGGER IF NOT EXISTS documents_fts_insert AFTER INSERT ON documents BEGIN
  INSERT INTO documents_fts (rowid, title) VALUES (new.rowid, new.title);
END;
CREATE TRIGGER IF NOT EXISTS documents_fts_delete AFTER DELETE ON documents BEGIN
  INSERT INTO documents_fts (documents_fts, rowid, title) VALUES ('delete', old.rowid, old.title);
END;
CREATE TRIGGER IF NOT EXISTS evidence_fts_insert AFTER INSERT ON evidence BEGIN
  INSERT INTO evidence_fts (rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER IF NOT EXISTS evidence_fts_delete AFTER DELETE ON evidence BEGIN
  INSERT INTO evidence_fts (evidence_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
"#;

/// The documented views (re-created by every run, so a database follows the tool's).
const VIEWS: &str = r#"DROP VIEW IF EXISTS award_history;
CREATE VIEW award_history AS
SELECT r.qualified AS unit, r.canonical AS unit_canonical, r.name AS unit_as_written,
       r.unit_key, r.unit_province, r.unit_province_key, r.unit_province_2025, r.year,
       m.bloc_name AS bloc, m.bloc_key, m.province AS bloc_province,
       m.province_key AS bloc_province_key, m.province_2025 AS bloc_province_2025,
       r.rank, r.award, r.award_canonical, r.award_level, m.meeting_date,
       COALESCE(d.url, d.input) AS article_url, r.sentence AS evidence,
       r.award_sentence AS award_evidence, r.doc_id, m.meeting_id, m.source_count
FROM rankings r
JOIN meetings m ON m.primary_doc_id = r.doc_id
JOIN documents d ON d.doc_id = r.doc_id;
DROP VIEW IF EXISTS unit_history;
CREATE VIEW unit_history AS
SELECT e.*, m.meeting_id, m.bloc_name AS bloc, m.bloc_key, m.province AS bloc_province,
       m.province_key AS bloc_province_key, m.province_2025 AS bloc_province_2025,
       m.meeting_date, COALESCE(d.url, d.input) AS article_url, m.source_count
FROM (
  SELECT 'rank' AS kind, 0 AS kind_order, qualified AS unit, canonical AS unit_canonical,
         name AS unit_as_written, unit_key, unit_base, unit_province, unit_province_key,
         unit_province_2025, year, rank, award, award_canonical, award_level,
         sentence AS evidence, award_sentence AS award_evidence, doc_id
  FROM rankings
  UNION ALL
  SELECT role, CASE role WHEN 'head' THEN 1 WHEN 'deputy' THEN 2 WHEN 'elected_head' THEN 3
                         ELSE 4 END,
         qualified, canonical, name, unit_key, unit_base, unit_province, unit_province_key,
         unit_province_2025, year, NULL, NULL, NULL, NULL, sentence, NULL, doc_id
  FROM roles
  UNION ALL
  SELECT 'member', 5, mb.qualified, mb.canonical, mb.name, mb.unit_key, mb.unit_base,
         mb.unit_province, mb.unit_province_key, mb.unit_province_2025, d.year, NULL, NULL,
         NULL, NULL, mb.sentence, NULL, mb.doc_id
  FROM members mb JOIN documents d ON d.doc_id = mb.doc_id
  WHERE NOT EXISTS (SELECT 1 FROM rankings r WHERE r.doc_id = mb.doc_id AND r.unit_key = mb.unit_key)
    AND NOT EXISTS (SELECT 1 FROM roles o WHERE o.doc_id = mb.doc_id AND o.unit_key = mb.unit_key)
) e
JOIN meetings m ON m.primary_doc_id = e.doc_id
JOIN documents d ON d.doc_id = e.doc_id;
DROP VIEW IF EXISTS unit_forms;
CREATE VIEW unit_forms AS
SELECT unit_key, unit_base, unit_province, unit_province_key, unit_province_2025,
       qualified AS form, COUNT(*) AS mentions, COUNT(DISTINCT doc_id) AS documents
FROM (
  SELECT unit_key, unit_base, unit_province, unit_province_key, unit_province_2025, qualified,
         doc_id FROM members
  UNION ALL
  SELECT unit_key, unit_base, unit_province, unit_province_key, unit_province_2025, qualified,
         doc_id FROM rankings
  UNION ALL
  SELECT unit_key, unit_base, unit_province, unit_province_key, unit_province_2025, qualified,
         doc_id FROM roles
)
GROUP BY unit_key, qualified;
DROP VIEW IF EXISTS units;
CREATE VIEW units AS
SELECT unit_key, unit_base, unit_province, unit_province_key, unit_province_2025,
       form AS unit, MAX(mentions) AS top_mentions, SUM(mentions) AS mentions,
       COUNT(*) AS form_count, json_group_array(form) AS forms
FROM unit_forms
GROUP BY unit_key;
"#;

/// What the views hold, for `metadata.json`: (view, description, [(column, description)]).
/// (column, description) pairs.
type ColumnDocs = &'static [(&'static str, &'static str)];

const VIEW_DOCS: &[(&str, &str, ColumnDocs)] = &[
    (
        "award_history",
        "One row per ranking of a meeting (counted once however many sites published it)",
        &[
            ("unit", "The unit's name in the dataset (qualified)"),
            (
                "unit_key",
                "Folded identity key: match this, not unit, to find every spelling",
            ),
            (
                "unit_province_key",
                "The unit's province folded: matches either tone-mark style",
            ),
            (
                "unit_province_2025",
                "The unit's province after the 2025 merger",
            ),
            ("bloc_key", "The bloc's folded key"),
            ("bloc_province_key", "The bloc's province folded"),
            (
                "bloc_province_2025",
                "The bloc's province after the 2025 merger",
            ),
            (
                "article_url",
                "The article's URL, or the input path when it has none",
            ),
            ("evidence", "The sentence the ranking was read from"),
            ("award_evidence", "The sentence the award was read from"),
        ],
    ),
    (
        "unit_history",
        "Rankings, head/deputy roles, elected head/deputy and plain membership of units: what \
         thidua history reads",
        &[
            (
                "kind",
                "rank, head, deputy, elected_head, elected_deputy or member",
            ),
            ("unit_key", "Folded identity key"),
            ("unit_base", "unit_key without the province"),
            ("unit_province_key", "The unit's province folded"),
            ("bloc_province_key", "The bloc's province folded"),
        ],
    ),
    (
        "unit_forms",
        "Each name a unit key merged (as written in the dataset), with its mentions",
        &[
            ("form", "One name of the unit"),
            ("mentions", "Rows (members, rankings, roles) with this name"),
            ("documents", "Documents with this name"),
        ],
    ),
    (
        "units",
        "One row per unit key: its most used name and every name it merged",
        &[
            ("unit", "The most used name"),
            ("forms", "Every name merged under the key: a JSON array"),
            ("form_count", "Number of names merged"),
        ],
    ),
];

/// Internal tables, hidden in datasette.
const INTERNAL_TABLES: [&str; 3] = ["_doc_state", "_dedup_refs", "_runs"];

/// Where the datasette metadata of the database at `db` is written: `FILE.metadata.json`.
pub fn metadata_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".metadata.json");
    PathBuf::from(name)
}

/// The datasette `metadata.json` of a database named `name` (its file stem).
pub fn metadata_json(name: &str) -> serde_json::Value {
    use serde_json::{Map, Value as J, json};
    let mut tables = Map::new();
    for t in &TABLES {
        let columns: Map<String, J> = t
            .columns
            .iter()
            .map(|c| (c.name.to_string(), J::from(c.doc)))
            .collect();
        let mut entry = json!({ "description": t.doc, "columns": columns });
        if t.name == DOCUMENTS.name {
            entry["fts_table"] = J::from("documents_fts");
        }
        if t.name == "evidence" {
            entry["fts_table"] = J::from("evidence_fts");
        }
        tables.insert(t.name.to_string(), entry);
    }
    for (view, doc, columns) in VIEW_DOCS {
        let columns: Map<String, J> = columns
            .iter()
            .map(|(c, d)| (c.to_string(), J::from(*d)))
            .collect();
        tables.insert(
            view.to_string(),
            json!({ "description": doc, "columns": columns }),
        );
    }
    tables.insert(
        "dataset_info".to_string(),
        json!({
            "description": "The dataset: format, tone-mark style, tool version, patterns digest, \
                            inputs (JSON array) and run times",
        }),
    );
    for t in INTERNAL_TABLES {
        tables.insert(t.to_string(), json!({ "hidden": true }));
    }
    json!({
        "title": "thidua: emulation-bloc meetings",
        "description": "Vietnamese news reports of emulation-bloc meetings (Khối / Cụm thi đua) as \
                        tables: units, rankings, awards, roles, with the evidence sentence of \
                        every value. Names are in one tone-mark style (dataset_info.style); the \
                        *_key columns are folded, so they match either spelling.",
        "source": format!("thidua {}", env!("CARGO_PKG_VERSION")),
        "databases": { name: { "tables": tables } },
    })
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
        let mut sink = SqliteSink {
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
            inputs: Vec::new(),
            run_id: 0,
            started: std::time::Instant::now(),
        };
        sink.check_format()?;
        sink.init().map_err(|e| db_err(path, e))?;
        sink.check_style()?;
        Ok(sink)
    }

    /// Records the run's inputs as given on the command line (`dataset_info.inputs`, `_runs`).
    pub fn with_inputs(mut self, inputs: &[String]) -> Result<SqliteSink> {
        self.inputs = inputs.to_vec();
        let json = serde_json::to_string(&self.inputs).unwrap_or_default();
        let c = self.conn();
        c.execute(
            "UPDATE _runs SET inputs = ?1 WHERE run_id = ?2",
            params![json, self.run_id],
        )
        .map_err(|e| db_err(&self.path, e))?;
        // The dataset's inputs: every run's, first seen first.
        let known: Option<String> = c
            .query_row(
                "SELECT value FROM dataset_info WHERE key = 'inputs'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| db_err(&self.path, e))?;
        let mut all: Vec<String> = known
            .and_then(|k| serde_json::from_str(&k).ok())
            .unwrap_or_default();
        for i in &self.inputs {
            if !all.contains(i) {
                all.push(i.clone());
            }
        }
        c.execute(
            "INSERT OR REPLACE INTO dataset_info (key, value) VALUES ('inputs', ?1)",
            params![serde_json::to_string(&all).unwrap_or_default()],
        )
        .map_err(|e| db_err(&self.path, e))?;
        Ok(self)
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

    fn init(&mut self) -> rusqlite::Result<()> {
        let style = style_name(self.lex.style());
        let digest = self.lex.patterns_digest().to_string();
        let c = self.conn();
        // A cache of 64 MiB keeps the indexes of a large build in memory: with the default 2 MiB,
        // inserts into the unit and search indexes of a 20,000-page build read pages back
        // again and again, and the build grew faster than its input.
        c.execute_batch("PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536; BEGIN IMMEDIATE;")?;
        c.execute_batch(&schema_sql())?;
        let set = |key: &str, value: &str, replace: bool| {
            c.execute(
                &format!(
                    "INSERT OR {} INTO dataset_info (key, value) VALUES (?1, ?2)",
                    if replace { "REPLACE" } else { "IGNORE" }
                ),
                params![key, value],
            )
        };
        set("format", DATASET_FORMAT, false)?;
        set("style", style, false)?;
        set("tool_version", env!("CARGO_PKG_VERSION"), true)?;
        set("patterns_digest", &digest, true)?;
        set("inputs", "[]", false)?;
        c.execute(
            "INSERT OR IGNORE INTO dataset_info (key, value)
             VALUES ('created', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
            [],
        )?;
        c.execute(
            "INSERT INTO _runs (started, tool_version, patterns_digest, style, inputs)
             VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?1, ?2, ?3, '[]')",
            params![env!("CARGO_PKG_VERSION"), digest, style],
        )?;
        let run_id = c.last_insert_rowid();
        self.run_id = run_id;
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

    /// An existing database must be of this format (checked before the schema is touched).
    fn check_format(&self) -> Result<()> {
        let c = self.conn();
        c.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(|e| db_err(&self.path, e))?;
        let tables: i64 = c
            .query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(|e| db_err(&self.path, e))?;
        if tables == 0 {
            return Ok(());
        }
        let found: Option<String> = c
            .query_row(
                "SELECT value FROM dataset_info WHERE key = 'format'",
                [],
                |r| r.get(0),
            )
            .optional()
            .unwrap_or(None);
        match found {
            Some(f) if f == DATASET_FORMAT => Ok(()),
            Some(f) => Err(Error::Usage(format!(
                "{}: a {f} database, not {DATASET_FORMAT}: write into a new file (the schema \
                 changed: JSON list columns, 2025 provinces, full-text search)",
                self.path.display()
            ))),
            None => Err(Error::Usage(format!(
                "{}: not a database written by thidua extract --format sqlite",
                self.path.display()
            ))),
        }
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
                "SELECT st.record_hash, d.input FROM _doc_state st \
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
        let mut previous_meeting = None;
        if old.is_some() {
            previous_meeting = self.remove_document(&record.doc.id).map_err(io)?;
            self.summary.replaced += 1;
        }
        let rows = rows_of(record, &self.lex, self.store_text);
        self.insert_document(&rows, &hash, previous_meeting)
            .map_err(io)?;
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

    /// Inserts a document's rows and files it under a meeting: the best-matching one, or a new
    /// one, numbered `previous_meeting` (the meeting the document's earlier version was in)
    /// when that number is free, so that a repeated run keeps meeting ids.
    fn insert_document(
        &mut self,
        rows: &DocRows,
        hash: &str,
        previous_meeting: Option<i64>,
    ) -> rusqlite::Result<()> {
        let c = self.conn();
        for (table, table_rows) in rows.tables() {
            let mut stmt = c.prepare_cached(&insert_sql(table))?;
            for row in table_rows {
                stmt.execute(rusqlite::params_from_iter(row.iter()))?;
            }
        }
        let fingerprint = rows.fingerprint.to_bytes();
        c.prepare_cached(
            "INSERT INTO _doc_state (doc_id, record_hash, fingerprint) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![rows.doc_id, hash, fingerprint])?;
        if !rows.is_report {
            return Ok(());
        }
        let candidates = self.candidates(rows)?;
        let found = best_match(&rows.key, &rows.fingerprint, candidates.iter());
        let c = self.conn();
        let (source, reference) = match found {
            Some((cand, similarity)) => {
                c.prepare_cached(
                    "UPDATE meetings SET source_count = source_count + 1 WHERE meeting_id = ?1",
                )?
                .execute(params![cand.meeting])?;
                let references: i64 = c
                    .prepare_cached("SELECT COUNT(*) FROM _dedup_refs WHERE meeting_id = ?1")?
                    .query_row(params![cand.meeting], |r| r.get(0))?;
                (
                    rows.source_row(cand.meeting, false, similarity),
                    becomes_reference(similarity, references as usize).then_some(cand.meeting),
                )
            }
            None => {
                let free = |id: i64| -> rusqlite::Result<bool> {
                    c.prepare_cached("SELECT 1 FROM meetings WHERE meeting_id = ?1")?
                        .query_row(params![id], |_| Ok(()))
                        .optional()
                        .map(|found| found.is_none())
                };
                let id = match previous_meeting {
                    Some(id) if free(id)? => id,
                    _ => c
                        .prepare_cached("SELECT IFNULL(MAX(meeting_id), 0) + 1 FROM meetings")?
                        .query_row([], |r| r.get(0))?,
                };
                let row = rows.meeting.row(id, &rows.doc_id, 1);
                c.prepare_cached(&insert_sql(&MEETINGS))?
                    .execute(rusqlite::params_from_iter(row.iter()))?;
                (rows.source_row(id, true, 1.0), Some(id))
            }
        };
        if let Some(meeting) = reference {
            let k = &rows.key;
            c.prepare_cached(
                "INSERT INTO _dedup_refs (doc_id, meeting_id, bloc_key, meeting_date, review_year,
                                          plan_year, province, fingerprint)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                rows.doc_id,
                meeting,
                k.bloc_key,
                k.date,
                k.review_year,
                k.plan_year,
                k.province,
                fingerprint
            ])?;
        }
        c.prepare_cached(&insert_sql(&SOURCES))?
            .execute(rusqlite::params_from_iter(source.iter()))?;
        if found.is_some() {
            self.summary.duplicates += 1;
        }
        Ok(())
    }

    /// The reference reports (see [`crate::dataset::dedup::MAX_REFERENCES`]) of the meetings
    /// with the same bloc key: a bounded number per meeting, so each insert costs the same
    /// however many copies the database holds.
    fn candidates(&self, rows: &DocRows) -> rusqlite::Result<Vec<Candidate<i64>>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT meeting_id, bloc_key, meeting_date, review_year, plan_year, province,
                    fingerprint
             FROM _dedup_refs
             WHERE bloc_key IS ?1 AND doc_id <> ?2
               AND (?1 IS NOT NULL OR (meeting_date IS ?3 AND review_year IS ?4))",
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
    /// source when it was the primary one, and disappears when none is left. Returns the
    /// meeting the document was in.
    fn remove_document(&self, doc_id: &str) -> rusqlite::Result<Option<i64>> {
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
            return Ok(None);
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
            return Ok(Some(meeting));
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
            // The new primary report is compared with from now on.
            c.execute(
                "INSERT OR IGNORE INTO _dedup_refs (doc_id, meeting_id, bloc_key, meeting_date,
                     review_year, plan_year, province, fingerprint)
                 SELECT d.doc_id, ?2, d.bloc_key, d.meeting_date, d.review_year, d.plan_year,
                        d.province, st.fingerprint
                 FROM documents d JOIN _doc_state st ON st.doc_id = d.doc_id
                 WHERE d.doc_id = ?1",
                params![next, meeting],
            )?;
        }
        Ok(Some(meeting))
    }

    /// Commits and, for a new file, renames it into place.
    pub fn finish(mut self) -> Result<DatasetSummary> {
        let conn = self.conn.take().expect("finished once");
        let s = &self.summary;
        let seconds = self.started.elapsed().as_secs_f64();
        conn.execute(
            "UPDATE _runs SET finished = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), seconds = ?2,
                 documents = ?3, replaced = ?4, unchanged = ?5, duplicates = ?6
             WHERE run_id = ?1",
            params![
                self.run_id,
                (seconds * 1000.0).round() / 1000.0,
                s.documents as i64,
                s.replaced as i64,
                s.unchanged as i64,
                s.duplicates as i64
            ],
        )
        .and_then(|_| {
            conn.execute(
                "INSERT OR REPLACE INTO dataset_info (key, value)
                 SELECT 'last_run_started', started FROM _runs WHERE run_id = ?1
                 UNION ALL SELECT 'last_run_finished', finished FROM _runs WHERE run_id = ?1
                 UNION ALL SELECT 'updated', finished FROM _runs WHERE run_id = ?1
                 UNION ALL SELECT 'last_run_seconds', printf('%.3f', seconds) FROM _runs
                           WHERE run_id = ?1
                 UNION ALL SELECT 'runs', COUNT(*) FROM _runs WHERE finished IS NOT NULL",
                params![self.run_id],
            )?;
            conn.execute_batch("COMMIT")
        })
        .map_err(|e| db_err(&self.path, e))?;
        self.summary.meetings = conn
            .query_row("SELECT COUNT(*) FROM meetings", [], |r| r.get::<_, i64>(0))
            .map_err(|e| db_err(&self.path, e))? as usize;
        conn.close().map_err(|(_, e)| db_err(&self.path, e))?;
        if let Some(tmp) = self.tmp.take() {
            std::fs::rename(&tmp, &self.path)
                .map_err(|e| Error::io(self.path.display().to_string(), e))?;
        }
        let name = self
            .path
            .file_stem()
            .map_or("thidua".into(), |s| s.to_string_lossy());
        let meta = metadata_path(&self.path);
        let mut file = super::AtomicFile::create(&meta)?;
        let text = serde_json::to_string_pretty(&metadata_json(&name)).unwrap_or_default() + "\n";
        std::io::Write::write_all(&mut file, text.as_bytes())
            .map_err(|e| Error::io(meta.display().to_string(), e))?;
        file.commit()?;
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
