//! CSV: a directory of tidy tables (`documents.csv`, `meetings.csv`, `sources.csv`,
//! `members.csv`, `rankings.csv`, `roles.csv`, `chairs.csv`, `movements.csv`,
//! `evidence.csv`), UTF-8 without a byte-order mark, a header row, RFC 4180 quoting and CRLF
//! line ends. Each file is written under a temporary name; when the run completes, all of them
//! are written out and synced first, then renamed into place. Text cells that a spreadsheet
//! would run as a formula get a leading `'` ([`Value::to_csv_field`]).

use super::{AtomicFile, RecordSink};
use crate::dataset::dedup::{Candidate, becomes_reference, best_match};
use crate::dataset::tables::{MEETINGS, MeetingInfo, SOURCES, TABLES, Table};
use crate::dataset::{DatasetSummary, Lexicon, Value, rows_of};
use crate::error::{Error, Result};
use crate::record::Record;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

type Writer = ::csv::Writer<AtomicFile>;

/// Writes records as CSV tables into a directory, merging duplicate reports into one meeting.
///
/// Memory holds one fingerprint and key per report (for dedup) and one small row per meeting,
/// never texts.
pub struct CsvSink {
    dir: PathBuf,
    lex: Lexicon,
    store_text: bool,
    writers: HashMap<&'static str, Writer>,
    /// Meetings so far: values of the primary document, its id, number of sources, number of
    /// reference reports.
    meetings: Vec<(MeetingInfo, String, usize, usize)>,
    /// Reference reports (see [`crate::dataset::dedup::MAX_REFERENCES`]), by bloc key.
    candidates: HashMap<Option<String>, Vec<Candidate<usize>>>,
    summary: DatasetSummary,
}

fn io_err(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::io(
        path.display().to_string(),
        std::io::Error::other(e.to_string()),
    )
}

impl CsvSink {
    /// Creates `dir` if needed and starts one file per table. `store_text` fills
    /// `documents.text` (records need `doc.text`: build the pipeline with `include_text`).
    pub fn create(dir: &Path, lex: Lexicon, store_text: bool) -> Result<CsvSink> {
        if dir.exists() && !dir.is_dir() {
            return Err(Error::Usage(format!(
                "{}: not a directory (--format csv writes one file per table into -o DIR)",
                dir.display()
            )));
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.display().to_string(), e))?;
        let mut writers = HashMap::new();
        for table in &TABLES {
            let path = dir.join(format!("{}.csv", table.name));
            let file = AtomicFile::create(&path)?;
            let mut w = ::csv::WriterBuilder::new()
                .terminator(::csv::Terminator::CRLF)
                .from_writer(file);
            w.write_record(table.header())
                .map_err(|e| io_err(&path, e))?;
            writers.insert(table.name, w);
        }
        Ok(CsvSink {
            dir: dir.to_path_buf(),
            lex,
            store_text,
            writers,
            meetings: Vec::new(),
            candidates: HashMap::new(),
            summary: DatasetSummary::default(),
        })
    }

    fn write_rows(&mut self, table: &Table, rows: &[Vec<Value>]) -> std::io::Result<()> {
        let w = self
            .writers
            .get_mut(table.name)
            .expect("a writer per table");
        for row in rows {
            debug_assert_eq!(row.len(), table.columns.len(), "{}", table.name);
            w.write_record(row.iter().map(Value::to_csv_field))
                .map_err(std::io::Error::other)?;
        }
        Ok(())
    }

    /// Writes one record's rows.
    pub fn write(&mut self, record: &Record) -> std::io::Result<()> {
        let rows = rows_of(record, &self.lex, self.store_text);
        for (table, table_rows) in rows.tables() {
            self.write_rows(table, table_rows)?;
        }
        self.summary.documents += 1;
        if !rows.is_report {
            return Ok(());
        }
        let bucket = self
            .candidates
            .entry(rows.key.bloc_key.clone())
            .or_default();
        let (meeting, similarity) = match best_match(&rows.key, &rows.fingerprint, bucket.iter()) {
            Some((c, s)) => (c.meeting, Some(s)),
            None => {
                self.meetings
                    .push((rows.meeting.clone(), rows.doc_id.clone(), 0, 0));
                (self.meetings.len() - 1, None)
            }
        };
        let m = &mut self.meetings[meeting];
        if similarity.is_none_or(|s| becomes_reference(s, m.3)) {
            bucket.push(Candidate {
                meeting,
                key: rows.key.clone(),
                fingerprint: rows.fingerprint.clone(),
            });
            m.3 += 1;
        }
        m.2 += 1;
        if similarity.is_some() {
            self.summary.duplicates += 1;
        }
        let source = rows.source_row(
            meeting as i64 + 1,
            similarity.is_none(),
            similarity.unwrap_or(1.0),
        );
        self.write_rows(&SOURCES, &[source])
    }

    /// Writes the meetings table and renames every file into place.
    pub fn finish(mut self) -> Result<DatasetSummary> {
        let rows: Vec<Vec<Value>> = self
            .meetings
            .iter()
            .enumerate()
            .map(|(i, (info, primary, count, _))| info.row(i as i64 + 1, primary, *count))
            .collect();
        self.write_rows(&MEETINGS, &rows)
            .map_err(|e| Error::io(self.dir.display().to_string(), e))?;
        self.summary.meetings = self.meetings.len();
        // The tables are a set: every one is written out and synced before the first is
        // renamed, so a full disk leaves the earlier set whole (the partial files go when the
        // files are dropped) instead of a mix of old and new tables.
        let mut files = Vec::with_capacity(TABLES.len());
        for table in &TABLES {
            let w = self.writers.remove(table.name).expect("a writer per table");
            let path = self.dir.join(format!("{}.csv", table.name));
            let mut file = w.into_inner().map_err(|e| io_err(&path, e.error()))?;
            file.sync()?;
            files.push(file);
        }
        for file in files {
            file.commit()?;
        }
        Ok(self.summary)
    }
}

impl RecordSink for CsvSink {
    fn write(&mut self, record: &Record) -> std::io::Result<()> {
        CsvSink::write(self, record)
    }

    fn finish(self: Box<Self>) -> Result<DatasetSummary> {
        CsvSink::finish(*self)
    }
}
