//! Finding units and blocs as a journalist types them: marks and case optional, abbreviations
//! expanded ("so tt&tt"), initials ("STTTT"), and near matches for misspellings.

use super::data::{BlocInfo, Index, UnitInfo};
use crate::dataset::Lexicon;
use crate::dataset::identity::sig_words;

/// How a unit or bloc matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Match {
    /// The same identity key.
    Exact,
    /// The initials of the name ("STTTT").
    Initials,
    /// The name contains the query (whole words, the last one possibly unfinished).
    Contains,
    /// A few letters differ.
    Near,
}

/// A query read once: its identity key, province and folded forms.
#[derive(Debug, Clone)]
pub struct Query {
    /// The identity key (abbreviations expanded, aliases applied, folded).
    pub key: String,
    /// A province the query ends with.
    pub province: Option<String>,
    /// The query folded word by word, without expansion.
    pub folded: String,
}

impl Query {
    /// Reads what was typed.
    pub fn new(lex: &Lexicon, text: &str) -> Query {
        let (key, province) = lex.query(text);
        Query {
            key: if key == "tinh" && province.is_some() {
                String::new()
            } else {
                key
            },
            province,
            folded: sig_words(text).join(" "),
        }
    }

    /// Nothing to look for.
    pub fn is_empty(&self) -> bool {
        self.key.is_empty() && self.folded.is_empty() && self.province.is_none()
    }
}

/// Initials of a name's words, with and without "và" ("so thong tin va truyen thong" →
/// "stttt", "sttvtt").
fn initials(base: &str) -> [String; 2] {
    let words: Vec<&str> = base.split(' ').filter(|w| !w.is_empty()).collect();
    let all: String = words.iter().filter_map(|w| w.chars().next()).collect();
    let without: String = words
        .iter()
        .filter(|w| **w != "va")
        .filter_map(|w| w.chars().next())
        .collect();
    [without, all]
}

/// Whether `hay` contains `needle` as whole words; the needle's last word may be unfinished.
fn contains_words(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    format!(" {hay}").contains(&format!(" {needle}"))
}

/// The smallest edit distance between `needle` and a run of as many words of `hay`.
fn window_distance(hay: &str, needle: &str) -> usize {
    let hay_words: Vec<&str> = hay.split(' ').collect();
    let n = needle.split(' ').count().min(hay_words.len()).max(1);
    (0..=hay_words.len().saturating_sub(n))
        .map(|i| strsim::levenshtein(&hay_words[i..i + n].join(" "), needle))
        .min()
        .unwrap_or(usize::MAX)
}

/// Edits allowed for a near match of a query of this many letters.
fn allowed_edits(needle: &str) -> usize {
    match needle.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        8..=15 => 2,
        n => n / 6,
    }
}

fn match_name(key: &str, q: &Query) -> Option<(Match, usize)> {
    if !q.key.is_empty() && (key == q.key || key == q.folded) {
        return Some((Match::Exact, 0));
    }
    let compact: String = q.folded.chars().filter(|c| *c != ' ').collect();
    if !q.folded.contains(' ') && compact.len() >= 3 && initials(key).contains(&compact) {
        return Some((Match::Initials, 0));
    }
    if contains_words(key, &q.key) || contains_words(key, &q.folded) {
        return Some((Match::Contains, key.len()));
    }
    let needle = if q.key.is_empty() { &q.folded } else { &q.key };
    let allowed = allowed_edits(needle);
    if allowed == 0 {
        return None;
    }
    let d = window_distance(key, needle).min(window_distance(key, &q.folded));
    (d <= allowed).then_some((Match::Near, d))
}

/// Near matches only when nothing matched better (the list is sorted best first).
fn without_near_if_better<T>(mut found: Vec<(Match, usize, T)>) -> Vec<(Match, usize, T)> {
    if found.first().is_some_and(|f| f.0 != Match::Near) {
        found.retain(|f| f.0 != Match::Near);
    }
    found
}

/// Units matching the query, best first: exact, initials, containing, then near matches.
pub fn units<'a>(
    index: &'a Index,
    q: &Query,
    keep: impl Fn(&UnitInfo) -> bool,
) -> Vec<(Match, &'a UnitInfo)> {
    let mut found: Vec<(Match, usize, &UnitInfo)> = index
        .units
        .iter()
        .filter(|u| q.province.is_none() || u.province == q.province)
        .filter(|u| keep(u))
        .filter_map(|u| {
            if q.key.is_empty() && q.folded.is_empty() {
                return Some((Match::Exact, 0, u));
            }
            match_name(&u.base, q).map(|(m, d)| (m, d, u))
        })
        .collect();
    found.sort_by(|a, b| {
        (a.0, a.1, -a.2.mentions, &a.2.name).cmp(&(b.0, b.1, -b.2.mentions, &b.2.name))
    });
    without_near_if_better(found)
        .into_iter()
        .map(|(m, _, u)| (m, u))
        .collect()
}

/// Blocs whose name matches the query.
pub fn blocs<'a>(
    index: &'a Index,
    lex: &Lexicon,
    text: &str,
    keep: impl Fn(&BlocInfo) -> bool,
) -> Vec<(Match, &'a BlocInfo)> {
    let key = lex.bloc_key(text);
    let q = Query {
        key: key.clone(),
        province: None,
        folded: sig_words(text).join(" "),
    };
    let mut found: Vec<(Match, usize, &BlocInfo)> = index
        .blocs
        .iter()
        .filter(|b| keep(b))
        .filter_map(|b| {
            if key.is_empty() {
                return Some((Match::Exact, 0, b));
            }
            match match_name(&b.key, &q) {
                Some((Match::Initials, _)) | None => None,
                Some((m, d)) => Some((m, d, b)),
            }
        })
        .collect();
    found.sort_by_key(|a| (a.0, a.1, -a.2.meetings));
    without_near_if_better(found)
        .into_iter()
        .map(|(m, _, b)| (m, b))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(base: &str, province: Option<&str>) -> UnitInfo {
        UnitInfo {
            base: base.to_string(),
            province: province.map(str::to_string),
            name: base.to_string(),
            mentions: 1,
            first_year: None,
            last_year: None,
        }
    }

    #[test]
    fn one_unit_found_however_it_is_typed() {
        let lex = Lexicon::load(None).unwrap();
        let index = Index {
            units: vec![
                unit("so thong tin va truyen thong", Some("Quảng Nam")),
                unit("so tu phap", Some("Quảng Nam")),
            ],
            blocs: vec![],
        };
        for typed in [
            "so tt&tt",
            "Sở Thông tin và Truyền thông",
            "STTTT",
            "so thong tin truyen thong",
            "So Thong tin va Truyen thon",
            "Sở Thôg tin và Truyền thông",
        ] {
            let q = Query::new(&lex, typed);
            let found = units(&index, &q, |_| true);
            assert_eq!(
                found.first().map(|(_, u)| u.base.as_str()),
                Some("so thong tin va truyen thong"),
                "{typed}: {found:?}"
            );
        }
        let q = Query::new(&lex, "Sở Tư pháp tỉnh Quảng Nam");
        assert_eq!(units(&index, &q, |_| true)[0].0, Match::Exact);
        let q = Query::new(&lex, "Sở Tư pháp Bình Định");
        assert!(units(&index, &q, |_| true).is_empty());
    }

    #[test]
    fn words_match_whole_and_the_last_one_as_typed_so_far() {
        assert!(contains_words("so thong tin va truyen thong", "thong tin"));
        assert!(contains_words("so thong tin va truyen thong", "truyen th"));
        assert!(!contains_words("so thong tin va truyen thong", "hong tin"));
        assert_eq!(initials("so thong tin va truyen thong")[0], "stttt");
    }
}
