//! The 2025 reorganisation of provinces (63 → 34), from `gazetteers/provinces_2025.tsv`: the
//! province or city each of the 63 belongs to since, so that a unit's series can be read
//! across the merger ("Quảng Nam" → "Đà Nẵng").

use super::identity::sig_words;
use crate::error::{Error, PatternError, PatternErrors, Result};
use crate::normalize::to_modern_style;
use crate::patterns::PatternFiles;
use std::collections::HashMap;

/// The table's path inside a patterns directory.
pub const MERGER_FILE: &str = "gazetteers/provinces_2025.tsv";

/// Province (as the dataset writes it) → its 2025 province.
#[derive(Debug, Clone, Default)]
pub struct Merger2025 {
    /// Folded name → 2025 name (modern tone marks until [`Merger2025::with_style`]).
    by_key: HashMap<String, String>,
}

impl Merger2025 {
    /// Reads the table; every problem is reported as `file:line: …`.
    pub fn from_files(files: &PatternFiles) -> Result<Merger2025> {
        let text = files.get(MERGER_FILE).unwrap_or("");
        let mut by_key = HashMap::new();
        let mut errors = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.trim_end().split('\t').map(str::trim).collect();
            if cols.len() != 2 || cols.iter().any(|c| c.is_empty()) {
                errors.push(PatternError {
                    file: MERGER_FILE.to_string(),
                    line: i + 1,
                    message: format!("expected 2 TAB-separated columns, found {}", cols.len()),
                });
                continue;
            }
            by_key.insert(sig_words(cols[0]).join(" "), to_modern_style(cols[1]));
        }
        if !errors.is_empty() {
            return Err(Error::Patterns(PatternErrors(errors)));
        }
        Ok(Merger2025 { by_key })
    }

    /// Writes the 2025 names in `style` (the style of the database they are shown beside).
    pub fn with_style(mut self, style: crate::ToneStyle) -> Merger2025 {
        for name in self.by_key.values_mut() {
            *name = crate::normalize::to_style(name, style);
        }
        self
    }

    /// The embedded table.
    pub fn embedded() -> Merger2025 {
        Merger2025::from_files(&PatternFiles::embedded()).unwrap_or_default()
    }

    /// The 2025 province of a province written any way the dataset writes it (marks and case
    /// ignored); `None` for a name that is not one of the 63.
    pub fn merged(&self, province: &str) -> Option<&str> {
        self.by_key
            .get(&sig_words(province).join(" "))
            .map(String::as_str)
    }

    /// Number of provinces before the merger.
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixty_three_provinces_become_thirty_four() {
        let m = Merger2025::embedded();
        assert_eq!(m.len(), 63);
        let mut after: Vec<&str> = m.by_key.values().map(String::as_str).collect();
        after.sort_unstable();
        after.dedup();
        assert_eq!(after.len(), 34);
        assert_eq!(m.merged("Quảng Nam"), Some("Đà Nẵng"));
        assert_eq!(m.merged("quang nam"), Some("Đà Nẵng"));
        assert_eq!(m.merged("Thừa Thiên Huế"), Some("Huế"));
        assert_eq!(m.merged("Bà Rịa - Vũng Tàu"), Some("Hồ Chí Minh"));
        assert_eq!(m.merged("Hà Nội"), Some("Hà Nội"));
        assert_eq!(m.merged("Atlantis"), None);
    }

    #[test]
    fn every_province_of_the_gazetteer_has_a_2025_province() {
        let files = PatternFiles::embedded();
        let m = Merger2025::from_files(&files).unwrap();
        for line in files.get("gazetteers/provinces.tsv").unwrap().lines() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let name = line.split('\t').next().unwrap().trim_start_matches('!');
            assert!(m.merged(name).is_some(), "{name} has no 2025 province");
        }
    }
}
