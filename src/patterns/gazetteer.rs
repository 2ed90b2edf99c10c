//! Gazetteers: data tables in `patterns/gazetteers/*.tsv` (TAB-separated, `#` comments).

use super::PatternFiles;
use crate::error::PatternError;
use crate::normalize::{Normalizer, fold_char, fold_str};
use aho_corasick::{AhoCorasick, MatchKind};
// Fast hashing for the lookup tables (their keys are the gazetteers' own entries).
use rustc_hash::FxHashMap as HashMap;

/// A province or centrally-run city.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Province {
    /// Bare name as the schema wants it ("Quảng Nam", "Hồ Chí Minh").
    pub name: String,
    /// Other ways texts write it ("TP.HCM", "Sài Gòn", "Thừa Thiên - Huế").
    pub aliases: Vec<String>,
}

/// A publisher known by a site tag or domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// "(QTO)", "baoquangtri.vn" …, folded for lookup.
    pub key: String,
    /// Publisher name.
    pub name: String,
    /// Province the publisher covers, when it is a provincial outlet.
    pub province: Option<String>,
}

/// An award form, normalized to a small taxonomy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Award {
    /// How texts write it (a phrase; matched folded).
    pub phrase: String,
    /// Canonical award name.
    pub canonical: String,
    /// national / provincial / other.
    pub level: String,
}

/// All gazetteers, with folded indexes for lookup.
#[derive(Debug)]
pub struct Gazetteers {
    pub provinces: Vec<Province>,
    /// Folded name or alias → index into `provinces`.
    province_index: HashMap<String, usize>,
    /// Folded names and aliases written as in a host name ("namdinh", "tphcm") → index.
    host_index: HashMap<String, usize>,
    /// Folded names that do not count when they stand alone ("Hồ Chí Minh" is also a person).
    not_bare: Vec<String>,
    /// Finds province names and aliases in folded text.
    province_finder: Option<AhoCorasick>,
    province_patterns: Vec<usize>,
    pub sites: Vec<Site>,
    /// Unit head words or phrases ("Sở", "Ủy ban nhân dân", "Trường") with a kind.
    pub unit_heads: Vec<(String, String)>,
    unit_head_index: HashMap<String, String>,
    /// First words of the unit heads (most words start none: one lookup rules them out).
    head_starts: rustc_hash::FxHashSet<String>,
    /// Abbreviation → expansion ("TT&TT" → "Thông tin và Truyền thông").
    pub abbreviations: Vec<(String, String)>,
    /// Position titles ("Giám đốc", "Phó Chủ tịch").
    pub titles: Vec<String>,
    /// The same titles in lower case, word by word.
    pub titles_lower: Vec<Vec<String>>,
    /// Vietnamese family names, in lower case.
    surnames: HashMap<String, ()>,
    /// Number and ordinal words, folded → value.
    numbers: HashMap<String, u32>,
    /// Ordinal words only (after "thứ", "hạng"), folded → value.
    ordinals: HashMap<String, u32>,
    pub awards: Vec<Award>,
    /// Number words, ordinal words and surnames as written (for macros).
    number_words: Vec<String>,
    ordinal_words: Vec<String>,
    surname_words: Vec<String>,
    /// Words and phrases that end a unit or bloc-name span, in lower case, with their kind.
    stops: HashMap<String, String>,
    /// First words of the stop phrases.
    stop_starts: rustc_hash::FxHashSet<String>,
    /// The stop phrases folded (no marks), for text written without marks.
    stops_folded: HashMap<String, String>,
    /// Longest stop phrase, in words.
    stop_max_words: usize,
    /// Names that contain commas or "và" and must not be split ("Văn hóa, Thể thao và Du lịch").
    pub name_phrases: Vec<String>,
    /// For each name phrase: its first character in lower case and its folded characters
    /// (see [`Gazetteers::name_phrase_len`]).
    name_phrase_keys: Vec<(Option<char>, Vec<char>)>,
    /// Kinds of a unit written after its head and shared by a list ("các trường THPT A, B",
    /// "các trường Mầm non A, B"), keyed like the name phrases.
    unit_type_keys: Vec<(Option<char>, Vec<char>)>,
    /// Words that let a bloc's name go on (`bloc_words.tsv`), folded, by role.
    pub bloc_words: BlocWords,
}

/// The words of `bloc_words.tsv`, folded (no marks, lower case), by the role they play in a
/// bloc's name.
#[derive(Debug, Default)]
pub struct BlocWords {
    /// Lower-case nouns that continue a name after a comma or "và".
    pub after_comma: Vec<String>,
    /// Capitalized sectors that continue a name after a comma ("các cơ quan Khoa giáo, Văn
    /// hóa - Xã hội").
    pub sector: Vec<String>,
    /// Lower-case words that start a name right after "Khối/Cụm thi đua".
    pub name_start: Vec<String>,
    /// Lower-case words that go on after the bloc's number.
    pub after_number: Vec<String>,
    /// Nouns a count in the name counts.
    pub counted: Vec<String>,
    /// Nouns whose first syllable without marks reads as a stop word.
    pub unmarked: Vec<String>,
}

struct Table<'a> {
    file: String,
    rows: Vec<(usize, Vec<&'a str>)>,
}

fn read_table<'a>(
    files: &'a PatternFiles,
    name: &str,
    min_cols: usize,
    max_cols: usize,
    errors: &mut Vec<PatternError>,
) -> Table<'a> {
    let file = format!("gazetteers/{name}");
    let mut rows = Vec::new();
    let Some(text) = files.get(&file) else {
        errors.push(PatternError {
            file: file.clone(),
            line: 1,
            message: "gazetteer file is missing".to_string(),
        });
        return Table { file, rows };
    };
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_end();
        if trimmed.trim().is_empty() || trimmed.trim_start().starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = trimmed.split('\t').map(str::trim).collect();
        if cols.len() < min_cols || cols.len() > max_cols || cols[0].is_empty() {
            errors.push(PatternError {
                file: file.clone(),
                line: i + 1,
                message: if min_cols == max_cols {
                    format!(
                        "expected {min_cols} TAB-separated columns, found {}",
                        cols.len()
                    )
                } else {
                    format!(
                        "expected {min_cols} to {max_cols} TAB-separated columns, found {}",
                        cols.len()
                    )
                },
            });
            continue;
        }
        rows.push((i + 1, cols));
    }
    Table { file, rows }
}

impl Gazetteers {
    /// Loads every gazetteer, collecting problems into `errors`.
    pub fn load(
        files: &PatternFiles,
        normalizer: &Normalizer,
        errors: &mut Vec<PatternError>,
    ) -> Gazetteers {
        let n = |s: &str| normalizer.normalize_str(s);
        let mut problems: Vec<PatternError> = Vec::new();
        let mut err = |file: &str, line: usize, message: String| {
            problems.push(PatternError {
                file: file.to_string(),
                line,
                message,
            })
        };

        let mut provinces = Vec::new();
        let mut province_index = HashMap::default();
        let mut not_bare = Vec::new();
        let t = read_table(files, "provinces.tsv", 1, 2, errors);
        for (line, cols) in &t.rows {
            let (marked, raw_name) = match cols[0].strip_prefix('!') {
                Some(rest) => (true, rest),
                None => (false, cols[0]),
            };
            let name = n(raw_name);
            if marked {
                not_bare.push(fold_str(&name));
            }
            let aliases: Vec<String> = cols
                .get(1)
                .map(|a| {
                    a.split('|')
                        .map(|x| n(x.trim()))
                        .filter(|x| !x.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            let idx = provinces.len();
            for key in std::iter::once(&name).chain(aliases.iter()) {
                if let Some(prev) = province_index.insert(fold_str(key), idx)
                    && prev != idx
                {
                    err(&t.file, *line, format!("{key:?} names two provinces"));
                }
            }
            provinces.push(Province { name, aliases });
        }
        let mut keys: Vec<(String, usize)> = province_index
            .iter()
            .map(|(k, &v)| (k.clone(), v))
            .collect();
        keys.sort();
        let province_finder = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(keys.iter().map(|(k, _)| k.as_str()))
            .ok();
        let province_patterns = keys.iter().map(|(_, v)| *v).collect();
        let host_index: HashMap<String, usize> = keys
            .iter()
            .map(|(k, v)| (k.chars().filter(char::is_ascii_alphanumeric).collect(), *v))
            .collect();

        let mut sites = Vec::new();
        let t = read_table(files, "sites.tsv", 2, 3, errors);
        for (line, cols) in &t.rows {
            let province = cols.get(2).filter(|p| !p.is_empty()).map(|p| n(p));
            if let Some(p) = &province
                && !province_index.contains_key(&fold_str(p))
            {
                err(&t.file, *line, format!("unknown province {p:?}"));
            }
            sites.push(Site {
                key: fold_str(&n(cols[0])),
                name: n(cols[1]),
                province,
            });
        }

        let mut unit_heads = Vec::new();
        let mut unit_head_index = HashMap::default();
        let t = read_table(files, "unit_heads.tsv", 2, 2, errors);
        for (_, cols) in &t.rows {
            let head = n(cols[0]);
            unit_head_index.insert(head.to_lowercase(), cols[1].to_string());
            unit_heads.push((head, cols[1].to_string()));
        }

        let t = read_table(files, "abbreviations.tsv", 2, 2, errors);
        let abbreviations = t.rows.iter().map(|(_, c)| (n(c[0]), n(c[1]))).collect();

        let t = read_table(files, "titles.tsv", 1, 1, errors);
        let titles: Vec<String> = t.rows.iter().map(|(_, c)| n(c[0])).collect();
        let titles_lower = titles
            .iter()
            .map(|t| {
                crate::normalize::chars::to_lowercase(t)
                    .split(' ')
                    .map(str::to_string)
                    .collect()
            })
            .collect();

        let t = read_table(files, "surnames.tsv", 1, 1, errors);
        let surnames = t
            .rows
            .iter()
            .map(|(_, c)| (n(c[0]).to_lowercase(), ()))
            .collect();
        let surname_words: Vec<String> = t.rows.iter().map(|(_, c)| n(c[0])).collect();
        let mut number_words = Vec::new();
        let mut ordinal_words = Vec::new();

        let mut numbers = HashMap::default();
        let mut ordinals = HashMap::default();
        let t = read_table(files, "numbers.tsv", 3, 3, errors);
        for (line, cols) in &t.rows {
            let Ok(value) = cols[1].parse::<u32>() else {
                err(
                    &t.file,
                    *line,
                    format!("value {:?} is not a number", cols[1]),
                );
                continue;
            };
            let word = n(cols[0]);
            let key = fold_str(&word);
            match cols[2] {
                "cardinal" => {
                    numbers.insert(key, value);
                    number_words.push(word);
                }
                "ordinal" => {
                    ordinals.insert(key, value);
                    ordinal_words.push(word);
                }
                "both" => {
                    numbers.insert(key.clone(), value);
                    ordinals.insert(key, value);
                    number_words.push(word.clone());
                    ordinal_words.push(word);
                }
                other => err(
                    &t.file,
                    *line,
                    format!("kind {other:?}: expected cardinal, ordinal or both"),
                ),
            }
        }

        let mut awards = Vec::new();
        let t = read_table(files, "awards.tsv", 3, 3, errors);
        for (line, cols) in &t.rows {
            if !matches!(cols[2], "national" | "provincial" | "other") {
                err(
                    &t.file,
                    *line,
                    format!(
                        "level {:?}: expected national, provincial or other",
                        cols[2]
                    ),
                );
            }
            awards.push(Award {
                phrase: n(cols[0]),
                canonical: n(cols[1]),
                level: cols[2].to_string(),
            });
        }
        // "của" before the giver may be left out: "Cờ thi đua tỉnh" is "Cờ thi đua của tỉnh",
        // "Bằng khen Bộ trưởng" is "Bằng khen của Bộ trưởng".
        let without_cua: Vec<Award> = awards
            .iter()
            .filter_map(|a| {
                let phrase = a.phrase.replacen(" của ", " ", 1);
                let listed = awards
                    .iter()
                    .any(|b| b.phrase.to_lowercase() == phrase.to_lowercase());
                (phrase != a.phrase && !listed).then(|| Award {
                    phrase,
                    ..a.clone()
                })
            })
            .collect();
        awards.extend(without_cua);

        let mut stops = HashMap::default();
        let t = read_table(files, "stops.tsv", 2, 2, errors);
        for (_, cols) in &t.rows {
            stops.insert(n(cols[0]).to_lowercase(), cols[1].to_string());
        }
        let first_words = |keys: std::collections::hash_map::Keys<'_, String, String>| {
            keys.map(|k| k.split(' ').next().unwrap_or("").to_string())
                .collect::<rustc_hash::FxHashSet<String>>()
        };
        let head_starts = first_words(unit_head_index.keys());
        let stop_starts = first_words(stops.keys());
        let stops_folded: HashMap<String, String> = stops
            .iter()
            .map(|(k, v)| (fold_str(k), v.clone()))
            .collect();
        let stop_max_words = stops
            .keys()
            .map(|k| k.split(' ').count())
            .max()
            .unwrap_or(1);

        let t = read_table(files, "name_phrases.tsv", 1, 1, errors);
        let name_phrases: Vec<String> = t.rows.iter().map(|(_, c)| n(c[0])).collect();
        let phrase_keys = |phrases: &[String]| -> Vec<(Option<char>, Vec<char>)> {
            phrases
                .iter()
                .map(|p| {
                    let first = p.chars().next().and_then(|c| c.to_lowercase().next());
                    (first, p.chars().map(fold_char).collect())
                })
                .collect()
        };
        let name_phrase_keys = phrase_keys(&name_phrases);
        let t = read_table(files, "unit_types.tsv", 1, 1, errors);
        let unit_types: Vec<String> = t.rows.iter().map(|(_, c)| n(c[0])).collect();
        let unit_type_keys = phrase_keys(&unit_types);
        let mut bloc_words = BlocWords::default();
        let t = read_table(files, "bloc_words.tsv", 2, 2, errors);
        for (line, cols) in &t.rows {
            let list = match cols[1] {
                "after_comma" => &mut bloc_words.after_comma,
                "sector" => &mut bloc_words.sector,
                "name_start" => &mut bloc_words.name_start,
                "after_number" => &mut bloc_words.after_number,
                "counted" => &mut bloc_words.counted,
                "unmarked" => &mut bloc_words.unmarked,
                other => {
                    err(
                        &t.file,
                        *line,
                        format!(
                            "role {other:?}: expected after_comma, sector, name_start, \
                             after_number, counted or unmarked"
                        ),
                    );
                    continue;
                }
            };
            list.push(fold_str(&n(cols[0])));
        }
        errors.extend(problems);

        Gazetteers {
            provinces,
            province_index,
            host_index,
            not_bare,
            province_finder,
            province_patterns,
            sites,
            unit_heads,
            unit_head_index,
            head_starts,
            abbreviations,
            titles,
            titles_lower,
            surnames,
            numbers,
            ordinals,
            number_words,
            ordinal_words,
            surname_words,
            awards,
            stops,
            stop_starts,
            stops_folded,
            stop_max_words,
            name_phrases,
            name_phrase_keys,
            unit_type_keys,
            bloc_words,
        }
    }

    /// Regex macros derived from the tables: `{PROVINCE}`, `{UNIT_HEAD}`, `{TITLE}`,
    /// `{SURNAME}`, `{NUMBER_WORD}`, `{ORDINAL_WORD}`, `{AWARD}`.
    pub fn macros(&self) -> Vec<(String, String)> {
        let alt = |items: Vec<String>| -> String {
            let mut items: Vec<String> = items.into_iter().filter(|s| !s.is_empty()).collect();
            items.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
            items.dedup();
            items
                .iter()
                .map(|s| regex::escape(s).replace(' ', r"\s+"))
                .collect::<Vec<_>>()
                .join("|")
        };
        vec![
            (
                "PROVINCE".into(),
                alt(self
                    .provinces
                    .iter()
                    .flat_map(|p| std::iter::once(p.name.clone()).chain(p.aliases.clone()))
                    .collect()),
            ),
            (
                "UNIT_HEAD".into(),
                alt(self.unit_heads.iter().map(|(h, _)| h.clone()).collect()),
            ),
            ("TITLE".into(), alt(self.titles.clone())),
            ("SURNAME".into(), alt(self.surname_words.clone())),
            ("NUMBER_WORD".into(), alt(self.number_words.clone())),
            ("ORDINAL_WORD".into(), alt(self.ordinal_words.clone())),
            (
                "AWARD".into(),
                alt(self.awards.iter().map(|a| a.phrase.clone()).collect()),
            ),
        ]
    }

    /// The province a name or alias stands for.
    pub fn province(&self, name: &str) -> Option<&Province> {
        self.province_index
            .get(&fold_str(name.trim()))
            .map(|&i| &self.provinces[i])
    }

    /// True when a folded province name must not count standing alone.
    pub fn is_not_bare(&self, folded_name: &str) -> bool {
        self.not_bare.iter().any(|n| n == folded_name)
    }

    /// Province names and aliases found in folded text, as (start, end, province index),
    /// byte offsets into the folded text, whole words only.
    pub fn find_provinces(&self, folded: &str) -> Vec<(usize, usize, usize)> {
        let Some(finder) = &self.province_finder else {
            return Vec::new();
        };
        let bytes = folded.as_bytes();
        let is_word = |b: u8| b.is_ascii_alphanumeric() || b >= 0x80;
        finder
            .find_iter(folded)
            .filter(|m| {
                (m.start() == 0 || !is_word(bytes[m.start() - 1]))
                    && (m.end() == bytes.len() || !is_word(bytes[m.end()]))
            })
            .map(|m| {
                (
                    m.start(),
                    m.end(),
                    self.province_patterns[m.pattern().as_usize()],
                )
            })
            .collect()
    }

    /// The kind of a unit head ("Sở" → "agency"), looked up in lower case.
    pub fn unit_head_kind(&self, head: &str) -> Option<&str> {
        self.unit_head_index
            .get(&crate::normalize::chars::to_lowercase(head))
            .map(String::as_str)
    }

    /// The longest unit head made of the first words (in lower case, with diacritics: "sở" is
    /// a head, "số" is not): (word count, kind).
    pub fn match_head(&self, lower_words: &[&str]) -> Option<(usize, &str)> {
        if !self.may_start_head(lower_words.first()?) {
            return None;
        }
        longest_phrase(lower_words, 4, |k| {
            self.unit_head_index.get(k).map(String::as_str)
        })
    }

    /// The longest stop phrase made of the first words (in lower case, with diacritics:
    /// "có" stops a name, "cơ" does not): (word count, kind).
    pub fn match_stop(&self, lower_words: &[&str]) -> Option<(usize, &str)> {
        if !self.may_start_stop(lower_words.first()?) {
            return None;
        }
        longest_phrase(lower_words, self.stop_max_words, |k| {
            self.stops.get(k).map(String::as_str)
        })
    }

    /// [`Gazetteers::match_stop`] for text written without marks: the first words folded
    /// ("to chuc" stops a name written "Cum thi dua so 3 to chuc …").
    pub fn match_stop_folded(&self, folded_words: &[&str]) -> Option<(usize, &str)> {
        longest_phrase(folded_words, self.stop_max_words, |k| {
            self.stops_folded.get(k).map(String::as_str)
        })
    }

    /// Whether a unit head starts with this word (in lower case).
    pub fn may_start_head(&self, lower_word: &str) -> bool {
        self.head_starts.contains(lower_word)
    }

    /// Whether a stop phrase starts with this word (in lower case).
    pub fn may_start_stop(&self, lower_word: &str) -> bool {
        self.stop_starts.contains(lower_word)
    }

    /// True when the word is a family name (compared in lower case with diacritics: "Trương"
    /// is a family name, "Trưởng" is a title).
    pub fn is_surname(&self, word: &str) -> bool {
        self.surnames
            .contains_key(&crate::normalize::chars::to_lowercase(word))
    }

    /// Value of a number word or digits ("bốn" → 4, "04" → 4).
    pub fn number(&self, word: &str) -> Option<u32> {
        let w = word.trim();
        if let Ok(v) = w.parse::<u32>() {
            return Some(v);
        }
        self.numbers.get(&fold_str(w)).copied()
    }

    /// Value of an ordinal word, number or Roman numeral after "thứ"/"hạng" ("nhì" → 2).
    pub fn ordinal(&self, word: &str) -> Option<u32> {
        let w = word.trim();
        if let Ok(v) = w.parse::<u32>() {
            return Some(v);
        }
        let f = fold_str(w);
        self.ordinals
            .get(&f)
            .or_else(|| self.numbers.get(&f))
            .copied()
            .or_else(|| roman(w))
    }

    /// Byte length of the longest name phrase (`name_phrases.tsv`) that `rest` starts with:
    /// the same first letter in lower case, and the same characters once folded.
    pub fn name_phrase_len(&self, rest: &str) -> Option<usize> {
        phrase_len(&self.name_phrase_keys, rest)
    }

    /// Byte length of the longest unit kind (`unit_types.tsv`: "THPT", "Mầm non") that `rest`
    /// starts with, compared like [`Gazetteers::name_phrase_len`].
    pub fn unit_type_len(&self, rest: &str) -> Option<usize> {
        phrase_len(&self.unit_type_keys, rest)
    }

    /// The stop kind of a folded phrase, if it ends name spans.
    pub fn stop_kind(&self, folded_phrase: &str) -> Option<&str> {
        self.stops.get(folded_phrase).map(String::as_str)
    }

    /// Longest stop phrase in words.
    pub fn stop_max_words(&self) -> usize {
        self.stop_max_words
    }

    /// A site by tag or domain (folded lookup, `www.` ignored).
    pub fn site(&self, key: &str) -> Option<&Site> {
        let k = fold_str(key.trim());
        let k = k.trim_start_matches("www.");
        self.sites.iter().find(|s| s.key == k)
    }

    /// The province a host name names, for publishers `sites.tsv` does not list: a label that
    /// is a province's name or alias written as hosts write it, alone or after "bao" or before
    /// "tv" ("baonamdinh.vn", "sotuphap.namdinh.gov.vn", "namdinhtv.vn").
    pub fn province_of_host(&self, host: &str) -> Option<&Province> {
        let host = fold_str(host.trim());
        host.split('.')
            .filter(|l| !matches!(*l, "www" | "vn" | "com" | "gov" | "org" | "net" | "edu"))
            .find_map(|label| {
                [
                    Some(label),
                    label.strip_prefix("bao"),
                    label.strip_suffix("tv"),
                ]
                .into_iter()
                .flatten()
                .find_map(|l| self.host_index.get(l))
            })
            .map(|&i| &self.provinces[i])
    }

    /// The award whose phrase the text contains (folded), longest phrase first.
    pub fn award(&self, text: &str) -> Option<&Award> {
        let f = fold_str(text);
        self.awards
            .iter()
            .filter(|a| f.contains(&fold_str(&a.phrase)))
            .max_by_key(|a| a.phrase.chars().count())
    }
}

fn longest_phrase<'g>(
    words: &[&str],
    max_words: usize,
    lookup: impl Fn(&str) -> Option<&'g str>,
) -> Option<(usize, &'g str)> {
    let mut key = String::new();
    let mut best = None;
    for (i, w) in words.iter().take(max_words).enumerate() {
        if i > 0 {
            key.push(' ');
        }
        key.push_str(w);
        if let Some(kind) = lookup(&key) {
            best = Some((i + 1, kind));
        }
    }
    best
}

/// Value of a Roman numeral (I … XXXIX).
pub fn roman(s: &str) -> Option<u32> {
    if s.is_empty() || !s.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L')) {
        return None;
    }
    let val = |c| match c {
        'I' => 1,
        'V' => 5,
        'X' => 10,
        _ => 50,
    };
    let chars: Vec<u32> = s.chars().map(val).collect();
    let mut total = 0;
    for (i, &v) in chars.iter().enumerate() {
        if chars.get(i + 1).is_some_and(|&next| next > v) {
            total -= v as i64;
        } else {
            total += v as i64;
        }
    }
    u32::try_from(total).ok().filter(|&t| t > 0)
}

/// Byte length of the longest phrase of `keys` (first character in lower case, folded
/// characters) that `rest` starts with.
fn phrase_len(keys: &[(Option<char>, Vec<char>)], rest: &str) -> Option<usize> {
    let first = rest.chars().next()?.to_lowercase().next()?;
    let mut best = None;
    for (phrase_first, folded) in keys {
        if *phrase_first != Some(first) {
            continue;
        }
        let mut chars = rest.char_indices();
        if folded
            .iter()
            .all(|&f| chars.next().is_some_and(|(_, c)| fold_char(c) == f))
        {
            let end = chars.next().map_or(rest.len(), |(i, _)| i);
            best = best.max(Some(end));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use crate::normalize::Normalizer;
    use crate::patterns::Patterns;

    #[test]
    fn a_host_names_its_province() {
        let patterns = Patterns::embedded(&Normalizer::default()).expect("patterns load");
        let of = |host: &str| patterns.gaz.province_of_host(host).map(|p| p.name.as_str());
        assert_eq!(of("baonamdinh.vn"), Some("Nam Định"));
        assert_eq!(of("sotuphap.namdinh.gov.vn"), Some("Nam Định"));
        assert_eq!(of("www.thanhhoatv.vn"), Some("Thanh Hóa"));
        assert_eq!(of("hanoi.gov.vn"), Some("Hà Nội"));
        // National outlets name none.
        for host in [
            "thanhnien.vn",
            "nhandan.vn",
            "baochinhphu.vn",
            "dantri.com.vn",
        ] {
            assert_eq!(of(host), None, "{host}");
        }
    }
}
