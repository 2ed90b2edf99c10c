//! Unit identity across articles and the award taxonomy.
//!
//! A unit's identity starts from its canonical form (abbreviations expanded, "&" → "và",
//! modern tone marks), then `gazetteers/aliases.tsv` rewrites other names of the same unit
//! ("Tỉnh Đoàn thanh niên" → "Tỉnh Đoàn"), and a name without a province is qualified with the
//! province of the bloc ("Sở Y tế" in a Quảng Nam bloc is "Sở Y tế tỉnh Quảng Nam": every
//! province has one). The identity key is the folded name without punctuation and without a
//! trailing "tỉnh", then ` | ` and the folded province when there is one:
//! `so y te | quang nam`.

use crate::ToneStyle;
use crate::error::{Error, PatternError, PatternErrors, Result};
use crate::normalize::{Normalizer, fold_str, is_vietnamese_syllable, to_style};
use crate::patterns::{Gazetteers, PatternFiles};
use crate::record::Unit;
use std::collections::HashMap;
use std::path::Path;

/// The alias table's path inside a patterns directory.
pub const ALIASES_FILE: &str = "gazetteers/aliases.tsv";

/// Head words a unit's name may leave out before a kind of `unit_types.tsv` ("Trường" in
/// "Trường Đại học Nha Trang"): the identity key leaves them out.
pub const OPTIONAL_HEADS_FILE: &str = "gazetteers/optional_heads.tsv";

/// Unit-head kinds whose names are not qualified with the bloc's province: companies and
/// banks have their own names, ministries are national.
const UNQUALIFIED_KINDS: [&str; 2] = ["company", "ministry"];

/// Centrally-run cities: a unit there is "… thành phố Hà Nội", not "… tỉnh Hà Nội".
const CITIES: [&str; 5] = ["ha noi", "ho chi minh", "hai phong", "da nang", "can tho"];

/// The tables the dataset layer needs: gazetteers (abbreviations, provinces, unit heads,
/// awards) and unit aliases. Built once per run from the same pattern files as the pipeline.
#[derive(Debug)]
pub struct Lexicon {
    gaz: Gazetteers,
    /// Folded words of an alias or a canonical name → the canonical name as the table writes
    /// it (so "Sở Lao động, Thương binh và Xã hội" is also written the canonical way).
    phrases: HashMap<Vec<String>, String>,
    longest_phrase: usize,
    /// Changes when any table the keys depend on changes (stored with each document in SQLite,
    /// so a re-run with new aliases recomputes the keys).
    version: String,
    /// The tone-mark style of the names it writes (the run's `--style`); keys are folded and
    /// do not depend on it, so a query in either style finds the same units.
    style: ToneStyle,
    /// Folded words of the head words a name may leave out before a unit kind
    /// (`optional_heads.tsv`).
    optional_heads: Vec<Vec<String>>,
    /// Folded words of the unit kinds of `unit_types.tsv` ("dai hoc", "mam non").
    unit_kinds: Vec<Vec<String>>,
    /// The 2025 province of each of the 63 (`provinces_2025.tsv`), in `style`.
    merger: super::merger::Merger2025,
    /// A hash of every pattern file (rules and gazetteers): which patterns a dataset was
    /// built with.
    patterns_digest: String,
}

/// A unit's identity in the dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitId {
    /// As written in the article.
    pub name: String,
    /// The record's canonical form.
    pub canonical: String,
    /// Canonical after aliases, with the province added when the name lacks one and the bloc's
    /// province is known.
    pub qualified: String,
    /// Folded identity key: `base` or `base | province`.
    pub key: String,
    /// The key without the province (what a query without `--province` matches).
    pub base: String,
    /// The province the unit belongs to (from its name, or else the bloc's).
    pub province: Option<String>,
    /// `province` folded (`quang nam`): what SQL matches in either tone-mark style.
    pub province_key: Option<String>,
    /// The province `province` belongs to since the 2025 merger (`Đà Nẵng` for Quảng Nam).
    pub province_2025: Option<String>,
}

/// An award normalized to the taxonomy of `gazetteers/awards.tsv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwardClass {
    /// Canonical award ("Cờ thi đua của Chính phủ").
    pub canonical: String,
    /// national, provincial or other.
    pub level: String,
}

impl Lexicon {
    /// Loads from the embedded patterns or from a patterns directory (`--patterns DIR`).
    pub fn load(patterns_dir: Option<&Path>) -> Result<Lexicon> {
        let files = match patterns_dir {
            Some(dir) => PatternFiles::from_dir(dir)?,
            None => PatternFiles::embedded(),
        };
        Lexicon::from_files(&files)
    }

    /// Loads from pattern files; every problem is reported as `file:line: …`.
    pub fn from_files(files: &PatternFiles) -> Result<Lexicon> {
        let normalizer = Normalizer::new(ToneStyle::Traditional);
        let mut errors = Vec::new();
        let gaz = Gazetteers::load(files, &normalizer, &mut errors);
        let mut lex = Lexicon {
            gaz,
            phrases: HashMap::new(),
            longest_phrase: 0,
            version: String::new(),
            style: ToneStyle::default(),
            optional_heads: Vec::new(),
            unit_kinds: Vec::new(),
            merger: super::merger::Merger2025::default(),
            patterns_digest: String::new(),
        };
        let aliases = files.get(ALIASES_FILE).unwrap_or("");
        lex.load_aliases(aliases, &normalizer, &mut errors);
        let phrases = |file: &str| -> Vec<Vec<String>> {
            files
                .get(file)
                .unwrap_or("")
                .lines()
                .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
                .map(|l| sig_words(l.split('\t').next().unwrap_or("")))
                .filter(|w| !w.is_empty())
                .collect()
        };
        lex.optional_heads = phrases(OPTIONAL_HEADS_FILE);
        lex.unit_kinds = phrases("gazetteers/unit_types.tsv");
        match super::merger::Merger2025::from_files(files) {
            Ok(m) => lex.merger = m,
            Err(Error::Patterns(PatternErrors(e))) => errors.extend(e),
            Err(e) => return Err(e),
        }
        if !errors.is_empty() {
            return Err(Error::Patterns(PatternErrors(errors)));
        }
        let mut h = Fnv::new();
        for name in [
            ALIASES_FILE,
            "gazetteers/abbreviations.tsv",
            "gazetteers/provinces.tsv",
            "gazetteers/awards.tsv",
            "gazetteers/unit_heads.tsv",
            "gazetteers/unit_types.tsv",
            OPTIONAL_HEADS_FILE,
            super::merger::MERGER_FILE,
        ] {
            h.write(files.get(name).unwrap_or("").as_bytes());
            h.write(&[0]);
        }
        lex.version = format!("{:016x}", h.finish());
        let mut all = Fnv::new();
        for (name, text) in files.under("", "") {
            all.write(name.as_bytes());
            all.write(&[0]);
            all.write(text.as_bytes());
            all.write(&[0]);
        }
        lex.patterns_digest = format!("{:016x}", all.finish());
        Ok(lex)
    }

    fn load_aliases(
        &mut self,
        text: &str,
        normalizer: &Normalizer,
        errors: &mut Vec<PatternError>,
    ) {
        let mut err = |line: usize, message: String| {
            errors.push(PatternError {
                file: ALIASES_FILE.to_string(),
                line,
                message,
            })
        };
        let mut rows = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line_no = i + 1;
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.trim_end().split('\t').map(str::trim).collect();
            if cols.len() != 2 || cols[0].is_empty() || cols[1].is_empty() {
                err(
                    line_no,
                    format!("expected 2 TAB-separated columns, found {}", cols.len()),
                );
                continue;
            }
            let alias = self.expand(&normalizer.normalize_str(cols[0]));
            let canonical = self.expand(&normalizer.normalize_str(cols[1]));
            rows.push((line_no, alias, canonical));
        }
        // Canonical names first: a name already canonical is matched as a whole, so that a
        // shorter alias inside it is not rewritten.
        let mut canonicals = std::collections::HashSet::new();
        for (_, _, canonical) in &rows {
            let words = sig_words(canonical);
            canonicals.insert(words.clone());
            if !words.is_empty() && !self.phrases.contains_key(&words) {
                self.longest_phrase = self.longest_phrase.max(words.len());
                self.phrases.insert(words, canonical.clone());
            }
        }
        let mut seen: HashMap<Vec<String>, (usize, String)> = HashMap::new();
        for (line, alias, canonical) in rows {
            let words = sig_words(&alias);
            if words.is_empty() {
                err(line, "the alias has no letters".to_string());
                continue;
            }
            if words == sig_words(&canonical) {
                // Only punctuation or case differ: the canonical row above covers it.
                continue;
            }
            if let Some((first, other)) = seen.get(&words) {
                if sig_words(other) != sig_words(&canonical) {
                    err(
                        line,
                        format!("{alias:?} is already an alias of {other:?} (line {first})"),
                    );
                }
                continue;
            }
            if canonicals.contains(&words) {
                err(
                    line,
                    format!("{alias:?} is the canonical name of another row"),
                );
                continue;
            }
            seen.insert(words.clone(), (line, canonical.clone()));
            self.longest_phrase = self.longest_phrase.max(words.len());
            self.phrases.insert(words, canonical);
        }
    }

    /// The gazetteers.
    pub fn gazetteers(&self) -> &Gazetteers {
        &self.gaz
    }

    /// Writes names in `style` (default: the traditional style, as the pipeline's default).
    pub fn with_style(mut self, style: ToneStyle) -> Lexicon {
        self.style = style;
        self.merger = self.merger.with_style(style);
        self
    }

    /// The 2025 province of a province (any marks), in the lexicon's style.
    pub fn province_2025(&self, province: &str) -> Option<String> {
        self.merger.merged(province).map(str::to_string)
    }

    /// The tone-mark style of the names it writes.
    pub fn style(&self) -> ToneStyle {
        self.style
    }

    fn styled(&self, s: &str) -> String {
        to_style(s, self.style)
    }

    /// A hash of every pattern file, rules and gazetteers (`dataset_info.patterns_digest`).
    pub fn patterns_digest(&self) -> &str {
        &self.patterns_digest
    }

    /// A hash of the tables identity keys depend on.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Expands abbreviations token by token (`abbreviations.tsv`): exact tokens always, and a
    /// token that is not a Vietnamese syllable also case- and mark-insensitively ("htx",
    /// "gd&dt" as typed in a query; "Tư" in "Sở Tư pháp" is a word, never "TƯ"); "&" → "và";
    /// single spaces; the lexicon's tone-mark style.
    pub fn expand(&self, name: &str) -> String {
        let mut out: Vec<String> = Vec::new();
        for token in name.split_whitespace() {
            let (core, tail) = split_trailing_punct(token);
            let exact = self.gaz.abbreviations.iter().find(|(a, _)| a == core);
            let loose = || {
                if core.is_empty() || is_vietnamese_syllable(core) {
                    return None;
                }
                let f = fold_str(core);
                self.gaz
                    .abbreviations
                    .iter()
                    .find(|(a, _)| fold_str(a) == f)
            };
            match exact.or_else(loose) {
                Some((_, expansion)) => out.push(format!("{expansion}{tail}")),
                None => out.push(format!("{}{tail}", core.replace('&', " và "))),
            }
        }
        let joined = out.join(" ");
        self.styled(&joined.split_whitespace().collect::<Vec<_>>().join(" "))
    }

    /// Rewrites aliases in a name (whole words, longest first); a canonical name found whole
    /// is kept (and written as the table writes it).
    pub fn apply_aliases(&self, name: &str) -> String {
        let tokens: Vec<&str> = name.split_whitespace().collect();
        // Significant words: (token index, folded word without punctuation).
        let sig: Vec<(usize, String)> = tokens
            .iter()
            .enumerate()
            .filter_map(|(i, t)| Some(i).zip(Some(sig_word(t)).filter(|w| !w.is_empty())))
            .collect();
        let mut out: Vec<String> = Vec::new();
        let mut t = 0;
        let mut k = 0;
        while t < tokens.len() {
            if k >= sig.len() || sig[k].0 != t {
                out.push(tokens[t].to_string());
                t += 1;
                continue;
            }
            let longest = self.longest_phrase.min(sig.len() - k);
            let found = (1..=longest).rev().find_map(|len| {
                let words: Vec<String> = sig[k..k + len].iter().map(|(_, w)| w.clone()).collect();
                self.phrases.get(&words).map(|p| (len, p))
            });
            match found {
                Some((len, canonical)) => {
                    let last_token = sig[k + len - 1].0;
                    // Keep punctuation that ended the last replaced token.
                    let (_, tail) = split_trailing_punct(tokens[last_token]);
                    out.push(format!("{canonical}{tail}"));
                    t = last_token + 1;
                    k += len;
                }
                None => {
                    out.push(tokens[t].to_string());
                    t += 1;
                    k += 1;
                }
            }
        }
        out.join(" ")
    }

    /// The identity of a record's unit in a bloc of `bloc_province`.
    pub fn unit(&self, unit: &Unit, bloc_province: Option<&str>) -> UnitId {
        let name = self.apply_aliases(&self.expand(&unit.canonical));
        let (base, own_province) = self.split_province(self.without_optional_head(&name));
        let bloc_province = bloc_province
            .and_then(|p| self.gaz.province(p))
            .map(|p| p.name.clone());
        let (qualified, province) = match (own_province, bloc_province) {
            (Some(p), _) => (name.clone(), Some(p)),
            (None, Some(p)) if self.qualifies(&name) => (qualify(&name, &p), Some(p)),
            (None, _) => (name.clone(), None),
        };
        UnitId {
            name: unit.name.clone(),
            canonical: unit.canonical.clone(),
            qualified: self.styled(&qualified),
            key: key_of(&base, province.as_deref()),
            base,
            province_key: province.as_deref().map(|p| sig_words(p).join(" ")),
            province_2025: province.as_deref().and_then(|p| self.province_2025(p)),
            province: province.map(|p| self.styled(&p)),
        }
    }

    /// A unit as a user types it (any marks, abbreviations, aliases): its base key and the
    /// province its name ends with, if any.
    pub fn query(&self, text: &str) -> (String, Option<String>) {
        let normalizer = Normalizer::new(ToneStyle::Traditional);
        let name = self.apply_aliases(&self.expand(&normalizer.normalize_str(text)));
        let (base, province) = self.split_province(self.without_optional_head(&name));
        (base, province.map(|p| self.styled(&p)))
    }

    /// A base key (folded words, as in a URL) with the optional head word left out as unit
    /// keys leave it out: "truong dai hoc nha trang" → "dai hoc nha trang".
    pub fn base_key(&self, base: &str) -> String {
        sig_words(self.without_optional_head(base)).join(" ")
    }

    /// A province as a user types it, by its name or an alias ("Quang Nam", "TP.HCM").
    pub fn province(&self, text: &str) -> Option<String> {
        self.gaz.province(text).map(|p| self.styled(&p.name))
    }

    /// The award's place in the taxonomy, when the text names a known award.
    pub fn award(&self, text: &str) -> Option<AwardClass> {
        self.gaz.award(text).map(|a| AwardClass {
            canonical: self.styled(&a.canonical),
            level: a.level.clone(),
        })
    }

    /// Folded key of a bloc name (abbreviations expanded, punctuation ignored).
    pub fn bloc_key(&self, bloc: &str) -> String {
        sig_words(&self.expand(bloc)).join(" ")
    }

    /// The name without a leading head word of `optional_heads.tsv` when a unit kind of
    /// `unit_types.tsv` follows it as whole words: "Trường Đại học Nha Trang" → "Đại học Nha
    /// Trang", "Trường THPT Lê Lợi" → "THPT Lê Lợi"; "Trường Sa" (no kind after the head) is
    /// kept whole.
    fn without_optional_head<'n>(&self, name: &'n str) -> &'n str {
        // (byte offset of the token, folded token)
        let mut tokens: Vec<(usize, String)> = Vec::new();
        let mut at = 0;
        for t in name.split_whitespace() {
            let start = at + name[at..].find(t).unwrap_or(0);
            at = start + t.len();
            tokens.push((start, sig_word(t)));
        }
        for head in &self.optional_heads {
            let n = head.len();
            if tokens.len() <= n || tokens[..n].iter().map(|(_, w)| w).ne(head.iter()) {
                continue;
            }
            let rest = &tokens[n..];
            let kind = self.unit_kinds.iter().any(|k| {
                k.len() <= rest.len() && rest[..k.len()].iter().map(|(_, w)| w).eq(k.iter())
            });
            // As in unit_types.tsv, a word in capitals counts as a kind too ("THPT").
            let text = &name[rest[0].0..];
            let first = text.split_whitespace().next().unwrap_or("");
            let capitals = first.chars().count() >= 2
                && first
                    .chars()
                    .all(|c| c.is_uppercase() || c.is_ascii_digit());
            if kind || capitals {
                return text;
            }
        }
        name
    }

    /// The base key of a name and the province it ends with: "Sở Y tế tỉnh Quảng Nam" →
    /// ("so y te", Quảng Nam); "Thanh tra tỉnh" → ("thanh tra", none); "tỉnh Hậu Giang" →
    /// ("tinh", Hậu Giang): the province itself.
    fn split_province(&self, name: &str) -> (String, Option<String>) {
        let mut words = sig_words(name);
        let mut province = None;
        for k in (1..=4).rev() {
            if words.len() < k {
                continue;
            }
            let tail = words[words.len() - k..].join(" ");
            if let Some(p) = self.gaz.province(&tail) {
                province = Some(p.name.clone());
                words.truncate(words.len() - k);
                break;
            }
        }
        // "… tỉnh", "… thành phố", "… TP" before the province or at the end.
        loop {
            let n = words.len();
            if n >= 1 && matches!(words[n - 1].as_str(), "tinh" | "tp") {
                words.truncate(n - 1);
            } else if n >= 2 && words[n - 2] == "thanh" && words[n - 1] == "pho" {
                words.truncate(n - 2);
            } else {
                break;
            }
        }
        if words.is_empty() {
            // The name is a province ("tỉnh Hậu Giang") or only "tỉnh".
            return ("tinh".to_string(), province);
        }
        (words.join(" "), province)
    }

    /// Whether a name without a province is qualified with the bloc's.
    fn qualifies(&self, name: &str) -> bool {
        let lower: Vec<String> = name.split_whitespace().map(str::to_lowercase).collect();
        let refs: Vec<&str> = lower.iter().map(String::as_str).collect();
        !self
            .gaz
            .match_head(&refs)
            .is_some_and(|(_, kind)| UNQUALIFIED_KINDS.contains(&kind))
    }
}

/// "Sở Y tế" + Quảng Nam → "Sở Y tế tỉnh Quảng Nam"; "Thanh tra tỉnh" → "Thanh tra tỉnh
/// Quảng Nam", "Ban Dân vận Tỉnh ủy" → "Ban Dân vận Tỉnh ủy Quảng Nam"; in a centrally-run
/// city, "thành phố".
fn qualify(name: &str, province: &str) -> String {
    let folded = sig_words(name).join(" ");
    let ends_with_level = [" tinh", " thanh pho", " tinh uy", " thanh uy"]
        .iter()
        .any(|end| folded.ends_with(end));
    if ends_with_level || folded == "tinh" {
        return format!("{name} {province}");
    }
    let level = if CITIES.contains(&fold_str(province).as_str()) {
        "thành phố"
    } else {
        "tỉnh"
    };
    format!("{name} {level} {province}")
}

/// `base` or `base | province` (folded).
pub fn key_of(base: &str, province: Option<&str>) -> String {
    match province {
        Some(p) => format!("{base} | {}", sig_words(p).join(" ")),
        None => base.to_string(),
    }
}

/// A token folded, with everything but letters and digits removed.
fn sig_word(token: &str) -> String {
    fold_str(token)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// The folded words of a name, punctuation removed ("Lao động - Thương binh" → lao dong
/// thuong binh).
pub fn sig_words(name: &str) -> Vec<String> {
    name.split_whitespace()
        .map(sig_word)
        .filter(|w| !w.is_empty())
        .collect()
}

fn split_trailing_punct(token: &str) -> (&str, &str) {
    let cut = token
        .char_indices()
        .rev()
        .take_while(|&(_, c)| matches!(c, ',' | ';' | ':' | ')' | '(' | '.'))
        .last()
        .map_or(token.len(), |(i, _)| i);
    (&token[..cut], &token[cut..])
}

/// 64-bit FNV-1a: a stable hash (the same in every build), for fingerprints stored on disk.
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Fnv {
    /// A fresh hasher.
    pub fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    /// Adds bytes.
    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= b as u64;
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    /// The hash.
    pub fn finish(&self) -> u64 {
        self.0
    }
}

impl Default for Fnv {
    fn default() -> Self {
        Fnv::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex() -> Lexicon {
        Lexicon::load(None).expect("embedded patterns")
    }

    fn unit(name: &str) -> Unit {
        Unit {
            name: name.to_string(),
            canonical: name.to_string(),
        }
    }

    #[test]
    fn abbreviations_and_aliases_meet() {
        let l = lex();
        let a = l.unit(&unit("Liên minh HTX tỉnh"), None);
        let b = l.unit(&unit("Liên minh Hợp tác xã tỉnh"), None);
        assert_eq!(a.key, b.key);
        assert_eq!(a.key, "lien minh hop tac xa");
        let a = l.unit(&unit("Ủy ban MTTQ tỉnh Quảng Nam"), None);
        let b = l.unit(
            &unit("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Quảng Nam"),
            None,
        );
        assert_eq!(a.key, b.key);
        // Names are written in the lexicon's style (the run's --style; traditional default).
        assert_eq!(
            b.qualified,
            "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Quảng Nam"
        );
        let modern = lex().with_style(crate::ToneStyle::Modern);
        assert_eq!(
            modern
                .unit(&unit("Ủy ban MTTQ tỉnh Quảng Nam"), None)
                .qualified,
            "Uỷ ban Mặt trận Tổ quốc Việt Nam tỉnh Quảng Nam"
        );
        let a = l.unit(&unit("Sở Lao động, Thương binh và Xã hội"), None);
        assert_eq!(a.qualified, "Sở Lao động - Thương binh và Xã hội");
    }

    #[test]
    fn province_qualification() {
        let l = lex();
        let a = l.unit(&unit("Sở Y tế"), Some("Quảng Nam"));
        assert_eq!(a.qualified, "Sở Y tế tỉnh Quảng Nam");
        assert_eq!(a.key, "so y te | quang nam");
        assert_eq!(a.base, "so y te");
        let b = l.unit(&unit("Sở Y tế tỉnh Quảng Nam"), None);
        assert_eq!(b.key, a.key);
        let c = l.unit(&unit("Sở Y tế"), Some("Đà Nẵng"));
        assert_eq!(c.qualified, "Sở Y tế thành phố Đà Nẵng");
        let d = l.unit(&unit("Thanh tra tỉnh"), Some("Quảng Trị"));
        assert_eq!(d.qualified, "Thanh tra tỉnh Quảng Trị");
        assert_eq!(d.key, "thanh tra | quang tri");
        // Nationwide or unknown: unqualified.
        assert_eq!(l.unit(&unit("Sở Y tế"), None).key, "so y te");
        // Companies keep their own name.
        let e = l.unit(&unit("Công ty cổ phần Thống Nhất"), Some("Đồng Nai"));
        assert_eq!(e.qualified, "Công ty cổ phần Thống Nhất");
        // A province as a unit.
        let f = l.unit(&unit("tỉnh Hậu Giang"), None);
        assert_eq!(f.key, "tinh | hau giang");
    }

    #[test]
    fn an_optional_head_word_before_a_unit_kind_is_one_unit() {
        let l = lex();
        // Issue #19: b016 lists "ĐH Nha Trang" as a member and ranks "Trường ĐH Nha Trang".
        let member = l.unit(&unit("Đại học Nha Trang"), Some("Khánh Hòa"));
        let ranked = l.unit(&unit("Trường Đại học Nha Trang"), Some("Khánh Hòa"));
        assert_eq!(member.key, ranked.key);
        assert_eq!(member.key, "dai hoc nha trang | khanh hoa");
        // The names keep their form.
        assert!(ranked.qualified.starts_with("Trường Đại học Nha Trang"));
        assert!(member.qualified.starts_with("Đại học Nha Trang"));
        // Abbreviated, lower case, other kinds of unit_types.tsv.
        assert_eq!(
            l.unit(&unit("trường ĐH Nha Trang"), Some("Khánh Hòa")).key,
            member.key
        );
        assert_eq!(
            l.unit(&unit("Trường THPT Lê Lợi"), None).key,
            l.unit(&unit("THPT Lê Lợi"), None).key
        );
        assert_eq!(
            l.unit(&unit("Trường Cao đẳng Y tế"), None).key,
            l.unit(&unit("Cao đẳng Y tế"), None).key
        );
        // Only before a unit kind, as whole words.
        assert_eq!(l.unit(&unit("Trường Sa"), None).key, "truong sa");
        assert_eq!(
            l.unit(&unit("Trường Đạihọc X"), None).key,
            "truong daihoc x"
        );
        // A query reads it the same way.
        assert_eq!(l.query("Truong Dai hoc Nha Trang").0, "dai hoc nha trang");
    }

    #[test]
    fn units_carry_the_folded_and_the_2025_province() {
        let l = lex();
        let a = l.unit(&unit("Sở Y tế"), Some("Quảng Nam"));
        assert_eq!(a.province_key.as_deref(), Some("quang nam"));
        assert_eq!(a.province_2025.as_deref(), Some("Đà Nẵng"));
        let t = lex().unit(&unit("Sở Y tế"), Some("Khánh Hòa"));
        let m = lex()
            .with_style(crate::ToneStyle::Modern)
            .unit(&unit("Sở Y tế"), Some("Khánh Hòa"));
        assert_eq!(t.province.as_deref(), Some("Khánh Hòa"));
        assert_eq!(m.province.as_deref(), Some("Khánh Hoà"));
        assert_eq!(t.province_key, m.province_key);
        assert_eq!(m.province_2025.as_deref(), Some("Khánh Hoà"));
        assert_eq!(l.unit(&unit("Sở Y tế"), None).province_2025, None);
    }

    #[test]
    fn queries_fold_and_expand() {
        let l = lex();
        assert_eq!(
            l.query("Lien minh HTX tinh"),
            ("lien minh hop tac xa".into(), None)
        );
        assert_eq!(
            l.query("lien minh htx"),
            ("lien minh hop tac xa".into(), None)
        );
        assert_eq!(
            l.query("So TT&TT tinh Quang Nam"),
            (
                "so thong tin va truyen thong".into(),
                Some("Quảng Nam".into())
            )
        );
        // "Tư" is a word, not the abbreviation TƯ.
        assert_eq!(l.query("Sở Tư pháp").0, "so tu phap");
    }

    #[test]
    fn awards_classified() {
        let l = lex();
        let a = l.award("đề nghị tặng Cờ thi đua của tỉnh").unwrap();
        assert_eq!(a.canonical, "Cờ thi đua của UBND tỉnh");
        assert_eq!(a.level, "provincial");
        assert_eq!(
            l.award("Cờ thi đua của Chính phủ").unwrap().level,
            "national"
        );
        assert!(l.award("không có").is_none());
    }

    #[test]
    fn broken_alias_rows_are_reported() {
        let mut files: Vec<(String, String)> = Vec::new();
        let emb = PatternFiles::embedded();
        for name in [
            "gazetteers/abbreviations.tsv",
            "gazetteers/provinces.tsv",
            "gazetteers/awards.tsv",
            "gazetteers/unit_heads.tsv",
            "gazetteers/sites.tsv",
            "gazetteers/titles.tsv",
            "gazetteers/surnames.tsv",
            "gazetteers/numbers.tsv",
            "gazetteers/stops.tsv",
            "gazetteers/name_phrases.tsv",
        ] {
            files.push((name.into(), emb.get(name).unwrap().into()));
        }
        files.push((
            ALIASES_FILE.into(),
            "# x\nSở A\tSở B\nonly one column\n".into(),
        ));
        let err = Lexicon::from_files(&PatternFiles::from_files(files)).unwrap_err();
        assert!(
            err.to_string().contains("gazetteers/aliases.tsv:3:"),
            "{err}"
        );
    }
}
