//! The tidy tables CSV and SQLite share, and the rows one record gives.
//!
//! Per-document tables (one row per record or per array item, so their row counts equal the
//! JSON Lines'): `documents` (one per record), `members`, `rankings`, `roles` (head, deputy,
//! elected head, elected deputy: one per non-null value), `chairs`, `movements`, `evidence`.
//! Deduplicated: `meetings` (one per distinct meeting among the reports) and `sources` (one per
//! report: which meeting it reports, and where it was published).

use super::dedup::{Fingerprint, MeetingKey};
use super::identity::{Lexicon, UnitId};
use crate::record::{Record, Unit};

/// A cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl Value {
    /// The cell as CSV writes it (empty for null).
    pub fn to_field(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Int(i) => i.to_string(),
            Value::Real(r) => format!("{r:.3}"),
            Value::Text(s) => s.clone(),
        }
    }

    /// The cell as a CSV file for spreadsheets holds it: text starting with `=`, `+`, `-`,
    /// `@`, a tab or a carriage return (which a spreadsheet would run as a formula) gets a
    /// leading `'`, as OWASP recommends against CSV injection; numbers and other text are
    /// [`Value::to_field`].
    pub fn to_csv_field(&self) -> String {
        match self {
            Value::Text(s) if s.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{s}"),
            _ => self.to_field(),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Text(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Text(s)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}

/// Integers (and booleans, as 0/1) are SQLite INTEGERs.
macro_rules! int_value {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Value {
                Value::Int(v as i64)
            }
        }
    )*};
}
int_value!(i32, u32, usize, bool);

impl From<f64> for Value {
    fn from(v: f64) -> Value {
        Value::Real(v)
    }
}

/// A column: name, SQLite type (with constraints) and what it holds (for the datasette
/// `metadata.json` and the README).
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub sql: &'static str,
    pub doc: &'static str,
}

const fn col(name: &'static str, sql: &'static str, doc: &'static str) -> Column {
    Column { name, sql, doc }
}

/// A table: its columns, primary key and the indexes SQLite builds.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    pub name: &'static str,
    /// What one row is.
    pub doc: &'static str,
    pub columns: &'static [Column],
    pub primary_key: &'static [&'static str],
    /// Whether rows belong to a document (`doc_id` references `documents`, deleted with it).
    pub per_document: bool,
    pub indexes: &'static [&'static [&'static str]],
}

impl Table {
    /// Column names (the CSV header).
    pub fn header(&self) -> Vec<&'static str> {
        self.columns.iter().map(|c| c.name).collect()
    }
}

/// Unit columns shared by members, rankings and roles.
macro_rules! unit_columns {
    () => {
        [
            col("name", "TEXT NOT NULL", "The unit as the article writes it"),
            col(
                "canonical",
                "TEXT NOT NULL",
                "The record's canonical form (abbreviations expanded)",
            ),
            col(
                "qualified",
                "TEXT NOT NULL",
                "The unit's name in the dataset: canonical after aliases, with the bloc's \
                 province when the name lacks one, in the run's tone-mark style",
            ),
            col(
                "unit_key",
                "TEXT NOT NULL",
                "Folded identity key ('so y te | quang nam'): one unit, one key, whatever the \
                 spelling, marks, abbreviations or optional head word ('Trường')",
            ),
            col(
                "unit_base",
                "TEXT NOT NULL",
                "unit_key without the province ('so y te')",
            ),
            col(
                "unit_province",
                "TEXT",
                "The unit's province (from its name, else the bloc's)",
            ),
            col(
                "unit_province_key",
                "TEXT",
                "unit_province folded ('quang nam'): matches either tone-mark style",
            ),
            col(
                "unit_province_2025",
                "TEXT",
                "The province unit_province belongs to since the 2025 merger",
            ),
        ]
    };
}

const UNIT: [Column; 8] = unit_columns!();

const fn concat<const A: usize, const B: usize, const C: usize, const N: usize>(
    a: [Column; A],
    b: [Column; B],
    c: [Column; C],
) -> [Column; N] {
    let mut out = [col("", "", ""); N];
    let mut i = 0;
    while i < A {
        out[i] = a[i];
        i += 1;
    }
    while i < A + B {
        out[i] = b[i - A];
        i += 1;
    }
    while i < A + B + C {
        out[i] = c[i - A - B];
        i += 1;
    }
    out
}

const DOC_ID: Column = col(
    "doc_id",
    "TEXT NOT NULL",
    "The document (documents.doc_id, the record's doc.id)",
);
const IDX: Column = col(
    "idx",
    "INTEGER NOT NULL",
    "Position in the record's array (0-based)",
);
const SENTENCE: Column = col(
    "sentence",
    "TEXT",
    "The evidence sentence the value was read from",
);
const BLOC_NAME: Column = col(
    "bloc_name",
    "TEXT",
    "The bloc (Khối / Cụm thi đua) as written",
);
const BLOC_KEY: Column = col(
    "bloc_key",
    "TEXT",
    "The bloc's folded key (abbreviations expanded, marks, case and punctuation removed)",
);
const BLOC_KIND: Column = col("bloc_kind", "TEXT", "khoi or cum");
const PROVINCE: Column = col(
    "province",
    "TEXT",
    "The bloc's province, in the run's tone-mark style",
);
const PROVINCE_KEY: Column = col(
    "province_key",
    "TEXT",
    "province folded ('khanh hoa'): matches either tone-mark style",
);
const PROVINCE_2025: Column = col(
    "province_2025",
    "TEXT",
    "The province `province` belongs to since the 2025 merger (63 → 34 provinces)",
);
const MEETING_DATE: Column = col("meeting_date", "TEXT", "The meeting's date (YYYY-MM-DD)");
const MEETING_TYPES: Column = col(
    "meeting_types",
    "TEXT NOT NULL",
    "The meeting's types (review, plan, signing, …): a JSON array",
);
const REVIEW_YEAR: Column = col("review_year", "INTEGER", "The year the meeting reviews");
const PLAN_YEAR: Column = col("plan_year", "INTEGER", "The year the meeting plans for");
const YEAR: Column = col(
    "year",
    "INTEGER",
    "The meeting's year: review year, else the date's year, else the plan year",
);
const LOCATION: Column = col("location", "TEXT", "Where the meeting was held");
const TITLE: Column = col("title", "TEXT", "The article's title");

const DOCUMENT_COLUMNS: [Column; 25] = [
    col(
        "doc_id",
        "TEXT NOT NULL",
        "Document id (the record's doc.id)",
    ),
    col(
        "input",
        "TEXT NOT NULL",
        "What the document was read from: path, URL or archive member",
    ),
    col("url", "TEXT", "The article's URL, when known"),
    TITLE,
    col("published", "TEXT", "Publication date as the page gives it"),
    col("author", "TEXT", "The article's author"),
    col("site", "TEXT", "The publishing site"),
    col(
        "is_report",
        "INTEGER NOT NULL",
        "1 when the document reports a bloc meeting",
    ),
    BLOC_NAME,
    BLOC_KEY,
    BLOC_KIND,
    PROVINCE,
    PROVINCE_KEY,
    PROVINCE_2025,
    MEETING_DATE,
    MEETING_TYPES,
    REVIEW_YEAR,
    PLAN_YEAR,
    YEAR,
    LOCATION,
    col(
        "member_count",
        "INTEGER",
        "Number of members the article states",
    ),
    col(
        "elected_year",
        "INTEGER",
        "The year the elected head and deputy serve",
    ),
    col(
        "warnings",
        "TEXT NOT NULL",
        "The record's warnings: a JSON array",
    ),
    col(
        "evidence_count",
        "INTEGER NOT NULL",
        "Number of evidence rows",
    ),
    col(
        "text",
        "TEXT",
        "The normalized text (only with --include-text)",
    ),
];

/// One row per record.
pub const DOCUMENTS: Table = Table {
    name: "documents",
    doc: "One row per record (document read)",
    columns: &DOCUMENT_COLUMNS,
    primary_key: &["doc_id"],
    per_document: false,
    indexes: &[&["bloc_key"], &["year"], &["province"], &["province_key"]],
};

const MEETING_COLUMNS: [Column; 16] = [
    col(
        "meeting_id",
        "INTEGER NOT NULL",
        "The meeting; kept when the database is updated by a later run",
    ),
    col(
        "primary_doc_id",
        "TEXT NOT NULL",
        "The report whose values the meeting row holds",
    ),
    BLOC_NAME,
    BLOC_KEY,
    BLOC_KIND,
    PROVINCE,
    PROVINCE_KEY,
    PROVINCE_2025,
    MEETING_DATE,
    MEETING_TYPES,
    REVIEW_YEAR,
    PLAN_YEAR,
    YEAR,
    LOCATION,
    TITLE,
    col(
        "source_count",
        "INTEGER NOT NULL",
        "Number of reports (sources) of the meeting",
    ),
];

/// One row per distinct meeting (reports only); its values are those of the primary document.
pub const MEETINGS: Table = Table {
    name: "meetings",
    doc: "One row per distinct meeting: reposts of one article are one meeting",
    columns: &MEETING_COLUMNS,
    primary_key: &["meeting_id"],
    per_document: false,
    indexes: &[
        &["bloc_key"],
        &["year"],
        &["primary_doc_id"],
        &["province_key"],
    ],
};

const SOURCE_COLUMNS: [Column; 8] = [
    DOC_ID,
    col(
        "meeting_id",
        "INTEGER NOT NULL",
        "The meeting the report reports",
    ),
    col(
        "is_primary",
        "INTEGER NOT NULL",
        "1 for the report the meeting row is read from",
    ),
    col(
        "similarity",
        "REAL NOT NULL",
        "Text containment with the report it matched (1 for the primary)",
    ),
    col("url", "TEXT", "The report's URL"),
    col("input", "TEXT NOT NULL", "What the report was read from"),
    col("site", "TEXT", "The publishing site"),
    col("published", "TEXT", "Publication date as the page gives it"),
];

/// One row per report: the meeting it reports and where it was published.
pub const SOURCES: Table = Table {
    name: "sources",
    doc: "One row per report: the meeting it reports and where it was published",
    columns: &SOURCE_COLUMNS,
    primary_key: &["doc_id"],
    per_document: true,
    indexes: &[&["meeting_id"]],
};

const MEMBER_COLUMNS: [Column; 11] = concat([DOC_ID, IDX], UNIT, [SENTENCE]);

/// `members[]`, one row per item.
pub const MEMBERS: Table = Table {
    name: "members",
    doc: "One row per item of a record's members",
    columns: &MEMBER_COLUMNS,
    primary_key: &["doc_id", "idx"],
    per_document: true,
    indexes: &[&["unit_key"], &["unit_base"]],
};

const RANKING_COLUMNS: [Column; 17] = concat(
    [
        DOC_ID,
        IDX,
        col("rank", "INTEGER NOT NULL", "The rank (1 = first)"),
    ],
    UNIT,
    [
        col("award", "TEXT", "The award as written"),
        col(
            "award_canonical",
            "TEXT",
            "The award in the taxonomy of gazetteers/awards.tsv",
        ),
        col("award_level", "TEXT", "national, provincial or other"),
        col("year", "INTEGER", "The year ranked (the meeting's year)"),
        col("sentence", "TEXT", "The evidence sentence of the ranking"),
        col(
            "award_sentence",
            "TEXT",
            "The evidence sentence of the award",
        ),
    ],
);

/// `rankings[]`, one row per item, with the award in the taxonomy and the year ranked.
pub const RANKINGS: Table = Table {
    name: "rankings",
    doc: "One row per item of a record's rankings",
    columns: &RANKING_COLUMNS,
    primary_key: &["doc_id", "idx"],
    per_document: true,
    indexes: &[&["unit_key"], &["unit_base"], &["year"]],
};

const ROLE_COLUMNS: [Column; 12] = concat(
    [
        DOC_ID,
        col(
            "role",
            "TEXT NOT NULL",
            "head, deputy, elected_head or elected_deputy",
        ),
        col(
            "year",
            "INTEGER",
            "The year led (head, deputy) or elected for",
        ),
    ],
    UNIT,
    [SENTENCE],
);

/// `head_unit`, `deputy_head_unit`, `elected.head`, `elected.deputy` (roles `head`, `deputy`,
/// `elected_head`, `elected_deputy`), one row per non-null value.
pub const ROLES: Table = Table {
    name: "roles",
    doc: "One row per non-null head_unit, deputy_head_unit, elected.head, elected.deputy",
    columns: &ROLE_COLUMNS,
    primary_key: &["doc_id", "role"],
    per_document: true,
    indexes: &[&["unit_key"], &["unit_base"], &["year"]],
};

/// `chairs[]`.
pub const CHAIRS: Table = Table {
    name: "chairs",
    doc: "One row per person who chaired the meeting",
    columns: &[
        DOC_ID,
        IDX,
        col("name", "TEXT NOT NULL", "The person's name"),
        col("title", "TEXT", "Their title"),
        SENTENCE,
    ],
    primary_key: &["doc_id", "idx"],
    per_document: true,
    indexes: &[],
};

/// `movements[]`.
pub const MOVEMENTS: Table = Table {
    name: "movements",
    doc: "One row per emulation movement named",
    columns: &[
        DOC_ID,
        IDX,
        col("name", "TEXT NOT NULL", "The movement as written"),
    ],
    primary_key: &["doc_id", "idx"],
    per_document: true,
    indexes: &[],
};

/// `evidence[]`: where each value was read.
pub const EVIDENCE: Table = Table {
    name: "evidence",
    doc: "One row per evidence item: where each value of a record was read",
    columns: &[
        DOC_ID,
        IDX,
        col(
            "field",
            "TEXT NOT NULL",
            "The record field ('rankings[0].unit')",
        ),
        col(
            "start_char",
            "INTEGER NOT NULL",
            "Start of the value in the text (characters)",
        ),
        col(
            "end_char",
            "INTEGER NOT NULL",
            "End of the value in the text (characters)",
        ),
        col("rule", "TEXT NOT NULL", "The pattern rule that read it"),
        col("text", "TEXT NOT NULL", "The evidence sentence"),
    ],
    primary_key: &["doc_id", "idx"],
    per_document: true,
    indexes: &[&["field"]],
};

/// Every table, in the order files are listed and tables created.
pub const TABLES: [Table; 9] = [
    DOCUMENTS, MEETINGS, SOURCES, MEMBERS, RANKINGS, ROLES, CHAIRS, MOVEMENTS, EVIDENCE,
];

/// What one record gives to the per-document tables, plus what dedup needs.
#[derive(Debug, Clone)]
pub struct DocRows {
    pub doc_id: String,
    pub is_report: bool,
    pub documents: Vec<Value>,
    pub members: Vec<Vec<Value>>,
    pub rankings: Vec<Vec<Value>>,
    pub roles: Vec<Vec<Value>>,
    pub chairs: Vec<Vec<Value>>,
    pub movements: Vec<Vec<Value>>,
    pub evidence: Vec<Vec<Value>>,
    /// The meeting's values (for a `meetings` row when this document is primary).
    pub meeting: MeetingInfo,
    pub key: MeetingKey,
    pub fingerprint: Fingerprint,
}

impl DocRows {
    /// Per-document tables with their rows (not `sources`, which needs the meeting).
    pub fn tables(&self) -> [(&'static Table, &[Vec<Value>]); 7] {
        [
            (&DOCUMENTS, std::slice::from_ref(&self.documents)),
            (&MEMBERS, &self.members),
            (&RANKINGS, &self.rankings),
            (&ROLES, &self.roles),
            (&CHAIRS, &self.chairs),
            (&MOVEMENTS, &self.movements),
            (&EVIDENCE, &self.evidence),
        ]
    }

    /// The `sources` row of this document in a meeting.
    pub fn source_row(&self, meeting_id: i64, is_primary: bool, similarity: f64) -> Vec<Value> {
        let m = &self.meeting;
        vec![
            self.doc_id.clone().into(),
            meeting_id.into(),
            is_primary.into(),
            similarity.into(),
            m.url.clone().into(),
            m.input.clone().into(),
            m.site.clone().into(),
            m.published.clone().into(),
        ]
    }
}

/// The meeting as one document reports it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MeetingInfo {
    pub bloc_name: Option<String>,
    pub bloc_key: Option<String>,
    pub bloc_kind: Option<String>,
    pub province: Option<String>,
    pub province_key: Option<String>,
    pub province_2025: Option<String>,
    pub date: Option<String>,
    /// JSON array.
    pub types: String,
    pub review_year: Option<i32>,
    pub plan_year: Option<i32>,
    pub year: Option<i32>,
    pub location: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub input: String,
    pub site: Option<String>,
    pub published: Option<String>,
}

impl MeetingInfo {
    /// The `meetings` row.
    pub fn row(&self, meeting_id: i64, primary_doc_id: &str, source_count: usize) -> Vec<Value> {
        vec![
            meeting_id.into(),
            primary_doc_id.into(),
            self.bloc_name.clone().into(),
            self.bloc_key.clone().into(),
            self.bloc_kind.clone().into(),
            self.province.clone().into(),
            self.province_key.clone().into(),
            self.province_2025.clone().into(),
            self.date.clone().into(),
            self.types.clone().into(),
            self.review_year.into(),
            self.plan_year.into(),
            self.year.into(),
            self.location.clone().into(),
            self.title.clone().into(),
            source_count.into(),
        ]
    }
}

fn year_of(date: Option<&str>) -> Option<i32> {
    date.and_then(|d| d.get(..4)).and_then(|y| y.parse().ok())
}

/// Builds every row of one record. `store_text` keeps `doc.text` in `documents.text`.
pub fn rows_of(record: &Record, lex: &Lexicon, store_text: bool) -> DocRows {
    let doc = &record.doc;
    let province = record
        .bloc
        .province
        .as_deref()
        .map(|p| lex.province(p).unwrap_or_else(|| p.to_string()));
    let sentence = |field: &str| -> Value {
        record
            .evidence
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.text.clone())
            .into()
    };
    let first_sentence = |fields: &[String]| -> Value {
        fields
            .iter()
            .find_map(|f| record.evidence.iter().find(|e| &e.field == f))
            .map(|e| e.text.clone())
            .into()
    };
    let unit_cells = |u: &Unit| -> Vec<Value> {
        let id: UnitId = lex.unit(u, province.as_deref());
        vec![
            id.name.into(),
            id.canonical.into(),
            id.qualified.into(),
            id.key.into(),
            id.base.into(),
            id.province.into(),
            id.province_key.into(),
            id.province_2025.into(),
        ]
    };
    let meeting = &record.meeting;
    let year = meeting
        .review_year
        .or_else(|| year_of(meeting.date.as_deref()))
        .or(meeting.plan_year);
    let types: Vec<&str> = meeting.types.iter().map(|t| t.as_str()).collect();
    let bloc_key = record.bloc.name.as_deref().map(|b| lex.bloc_key(b));
    let info = MeetingInfo {
        bloc_name: record.bloc.name.clone(),
        bloc_key: bloc_key.clone(),
        bloc_kind: record.bloc.kind.map(|k| {
            match k {
                crate::record::BlocKind::Khoi => "khoi",
                crate::record::BlocKind::Cum => "cum",
            }
            .to_string()
        }),
        province: province.clone(),
        province_key: province
            .as_deref()
            .map(|p| super::identity::sig_words(p).join(" ")),
        province_2025: province.as_deref().and_then(|p| lex.province_2025(p)),
        date: meeting.date.clone(),
        types: serde_json::to_string(&types).unwrap_or_default(),
        review_year: meeting.review_year,
        plan_year: meeting.plan_year,
        year,
        location: meeting.location.clone(),
        title: doc.title.clone(),
        url: doc.url.clone(),
        input: doc.input.clone(),
        site: doc.site.clone(),
        published: doc.published.clone(),
    };
    let documents = vec![
        doc.id.clone().into(),
        doc.input.clone().into(),
        doc.url.clone().into(),
        doc.title.clone().into(),
        doc.published.clone().into(),
        doc.author.clone().into(),
        doc.site.clone().into(),
        record.is_report.into(),
        info.bloc_name.clone().into(),
        info.bloc_key.clone().into(),
        info.bloc_kind.clone().into(),
        info.province.clone().into(),
        info.province_key.clone().into(),
        info.province_2025.clone().into(),
        info.date.clone().into(),
        info.types.clone().into(),
        meeting.review_year.into(),
        meeting.plan_year.into(),
        year.into(),
        meeting.location.clone().into(),
        record.member_count.into(),
        record.elected.year.into(),
        serde_json::to_string(&record.warnings)
            .unwrap_or_default()
            .into(),
        record.evidence.len().into(),
        doc.text.clone().filter(|_| store_text).into(),
    ];
    let id = || Value::Text(doc.id.clone());
    let members = record
        .members
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let mut row = vec![id(), i.into()];
            row.extend(unit_cells(u));
            row.push(sentence(&format!("members[{i}]")));
            row
        })
        .collect();
    let rankings = record
        .rankings
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let award = r.award.as_deref().and_then(|a| lex.award(a));
            let mut row = vec![id(), i.into(), r.rank.into()];
            row.extend(unit_cells(&r.unit));
            row.push(r.award.clone().into());
            row.push(award.as_ref().map(|a| a.canonical.clone()).into());
            row.push(award.as_ref().map(|a| a.level.clone()).into());
            row.push(year.into());
            row.push(first_sentence(&[
                format!("rankings[{i}].unit"),
                format!("rankings[{i}].rank"),
                format!("rankings[{i}].award"),
            ]));
            row.push(sentence(&format!("rankings[{i}].award")));
            row
        })
        .collect();
    let elected_year = record
        .elected
        .year
        .or(meeting.plan_year)
        .or(meeting.review_year.map(|y| y + 1));
    let role_list = [
        ("head", record.head_unit.as_ref(), year, "head_unit"),
        (
            "deputy",
            record.deputy_head_unit.as_ref(),
            year,
            "deputy_head_unit",
        ),
        (
            "elected_head",
            record.elected.head.as_ref(),
            elected_year,
            "elected.head",
        ),
        (
            "elected_deputy",
            record.elected.deputy.as_ref(),
            elected_year,
            "elected.deputy",
        ),
    ];
    let roles = role_list
        .iter()
        .filter_map(|(role, unit, y, field)| {
            let unit = (*unit)?;
            let mut row = vec![id(), (*role).into(), (*y).into()];
            row.extend(unit_cells(unit));
            row.push(sentence(field));
            Some(row)
        })
        .collect();
    let chairs = record
        .chairs
        .iter()
        .enumerate()
        .map(|(i, c)| {
            vec![
                id(),
                i.into(),
                c.name.clone().into(),
                c.title.clone().into(),
                sentence(&format!("chairs[{i}]")),
            ]
        })
        .collect();
    let movements = record
        .movements
        .iter()
        .enumerate()
        .map(|(i, m)| vec![id(), i.into(), m.clone().into()])
        .collect();
    let evidence = record
        .evidence
        .iter()
        .enumerate()
        .map(|(i, e)| {
            vec![
                id(),
                i.into(),
                e.field.clone().into(),
                e.start.into(),
                e.end.into(),
                e.rule.clone().into(),
                e.text.clone().into(),
            ]
        })
        .collect();
    let key = MeetingKey {
        bloc_key,
        date: meeting.date.clone(),
        review_year: meeting.review_year,
        plan_year: meeting.plan_year,
        province: province.clone(),
    };
    DocRows {
        doc_id: doc.id.clone(),
        is_report: record.is_report,
        documents,
        members,
        rankings,
        roles,
        chairs,
        movements,
        evidence,
        meeting: info,
        key,
        fingerprint: Fingerprint::of_record(record),
    }
}
