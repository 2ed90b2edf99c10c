//! The `thidua.record/1` output contract (see `schema/record.schema.json` in the docs).
//!
//! Every required key of the schema is always serialized; optional additions (such as
//! `doc.text`) are skipped when absent. Field names must never be renamed or dropped.

use serde::{Deserialize, Serialize};

/// The schema identifier written into every record.
pub const SCHEMA_ID: &str = "thidua.record/1";

/// One structured record per input document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub schema: String,
    pub doc: DocInfo,
    pub is_report: bool,
    pub bloc: Bloc,
    pub meeting: Meeting,
    pub chairs: Vec<Chair>,
    pub head_unit: Option<Unit>,
    pub deputy_head_unit: Option<Unit>,
    pub members: Vec<Unit>,
    pub member_count: Option<u32>,
    pub rankings: Vec<Ranking>,
    pub elected: Elected,
    pub movements: Vec<String>,
    pub evidence: Vec<Evidence>,
    pub warnings: Vec<String>,
}

/// Where the document came from and what the page says about itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DocInfo {
    pub id: String,
    pub input: String,
    pub url: Option<String>,
    pub title: Option<String>,
    pub published: Option<String>,
    pub author: Option<String>,
    pub site: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub text: Option<String>,
}

/// The emulation bloc (`khoi`) or cluster (`cum`) the meeting belongs to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Bloc {
    pub name: Option<String>,
    pub kind: Option<BlocKind>,
    pub province: Option<String>,
}

/// Khối thi đua or Cụm thi đua.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlocKind {
    Khoi,
    Cum,
}

/// The meeting itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Meeting {
    pub date: Option<String>,
    pub types: Vec<MeetingType>,
    pub review_year: Option<i32>,
    pub plan_year: Option<i32>,
    pub location: Option<String>,
}

/// What the meeting did (a set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingType {
    TongKet,
    SoKet,
    TrienKhai,
    KyKet,
    BinhXet,
    BauKhoi,
}

impl MeetingType {
    /// All meeting types, in schema order.
    pub const ALL: [MeetingType; 6] = [
        MeetingType::TongKet,
        MeetingType::SoKet,
        MeetingType::TrienKhai,
        MeetingType::KyKet,
        MeetingType::BinhXet,
        MeetingType::BauKhoi,
    ];

    /// The schema's name for this type.
    pub fn as_str(self) -> &'static str {
        match self {
            MeetingType::TongKet => "tong_ket",
            MeetingType::SoKet => "so_ket",
            MeetingType::TrienKhai => "trien_khai",
            MeetingType::KyKet => "ky_ket",
            MeetingType::BinhXet => "binh_xet",
            MeetingType::BauKhoi => "bau_khoi",
        }
    }

    /// Parses the schema's name.
    pub fn parse(s: &str) -> Option<MeetingType> {
        MeetingType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// A person who chaired the meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chair {
    pub name: String,
    pub title: Option<String>,
}

/// An organisation: as written, and in a canonical form stable across articles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub name: String,
    pub canonical: String,
}

/// One unit's place in the bloc's ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranking {
    pub rank: u32,
    pub unit: Unit,
    pub award: Option<String>,
}

/// Units elected to lead the bloc in the next period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Elected {
    pub year: Option<i32>,
    pub head: Option<Unit>,
    pub deputy: Option<Unit>,
}

/// Where a value was read: a JSON path, character offsets into `doc.text`, the sentence and
/// the rule that matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub field: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub rule: String,
}

impl Record {
    /// An empty record for a document: every field present, nothing found.
    pub fn empty(doc: DocInfo) -> Record {
        Record {
            schema: SCHEMA_ID.to_string(),
            doc,
            is_report: false,
            bloc: Bloc::default(),
            meeting: Meeting::default(),
            chairs: Vec::new(),
            head_unit: None,
            deputy_head_unit: None,
            members: Vec::new(),
            member_count: None,
            rankings: Vec::new(),
            elected: Elected::default(),
            movements: Vec::new(),
            evidence: Vec::new(),
            warnings: Vec::new(),
        }
    }
}
