//! The dataset layer: records as tidy tables for researchers (CSV, SQLite) and the award
//! history of a unit for journalists.
//!
//! * [`identity`]: one identity per unit across articles — canonical form, aliases from
//!   `patterns/gazetteers/aliases.tsv`, the bloc's province when the name lacks one — and the
//!   award taxonomy of `patterns/gazetteers/awards.tsv`.
//! * [`dedup`]: the same article published on several sites becomes one meeting with several
//!   sources.
//! * [`tables`]: the tables shared by the CSV and SQLite sinks ([`crate::sink::CsvSink`],
//!   [`crate::sink::SqliteSink`]) and the rows of one record.
//! * [`history`]: `thidua history UNIT --db FILE`.
//!
//! ```
//! use thidua::dataset::Lexicon;
//! use thidua::record::Unit;
//!
//! let lex = Lexicon::load(None).unwrap();
//! let unit = Unit { name: "Sở Y tế".into(), canonical: "Sở Y tế".into() };
//! let id = lex.unit(&unit, Some("Quảng Nam"));
//! assert_eq!(id.qualified, "Sở Y tế tỉnh Quảng Nam");
//! assert_eq!(id.key, "so y te | quang nam");
//! assert_eq!(lex.query("So Y te tinh Quang Nam"), ("so y te".to_string(), Some("Quảng Nam".to_string())));
//! ```

pub mod dedup;
pub mod history;
pub mod identity;
pub mod merger;
pub mod tables;

pub use dedup::{Fingerprint, MeetingKey};
pub use history::{History, HistoryEvent, MergedForms, Suggestion};
pub use identity::{AwardClass, Lexicon, UnitId};
pub use merger::Merger2025;
pub use tables::{DocRows, TABLES, Table, Value, rows_of};

/// What a dataset sink did, for the summary line on stderr.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DatasetSummary {
    /// Documents written (new or replaced).
    pub documents: usize,
    /// Distinct meetings in the output (in SQLite: in the whole database).
    pub meetings: usize,
    /// Documents that joined a meeting another document already reported.
    pub duplicates: usize,
    /// Documents already in the database that changed and were replaced.
    pub replaced: usize,
    /// Documents already in the database unchanged (skipped).
    pub unchanged: usize,
}

impl std::fmt::Display for DatasetSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} documents written ({} replaced, {} unchanged), {} duplicate sources merged, {} meetings",
            self.documents, self.replaced, self.unchanged, self.duplicates, self.meetings
        )
    }
}
