//! Required literals: sets of strings such that every match of a pattern contains one string
//! of each set. One Aho-Corasick pass over the folded text finds them for all rules at once,
//! so a rule's regex only runs on the sentences that hold a literal of every set.

use crate::normalize::fold_str;
use regex_syntax::hir::{Class, Hir, HirKind};

/// Literals shorter than this are not selective enough to be worth indexing.
const MIN_LEN: usize = 3;
/// Alternation sets larger than this are not indexed (the rule falls back to its prefilter).
pub(super) const MAX_SET: usize = 64;
/// At most this many sets per rule (the most selective ones).
const MAX_SETS: usize = 3;

/// A literal that every match of a pattern contains (one of a required set).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Literal {
    /// Folded (lower case, no marks): what is looked for in the folded text.
    pub folded: String,
    /// For a text rule: the literal with its marks, lower case. Where the folded text shows
    /// `folded`, the text itself must show this, or the rule cannot match there: "phó"
    /// (deputy) and "phố" (street) fold alike, and only the first makes a candidate.
    pub marked: Option<String>,
}

impl Literal {
    /// True when `text` (the original of a place where the folded text shows this literal)
    /// shows it: each character equals the marked one or is its upper case. Characters whose
    /// case is not that simple (outside the Latin blocks, long s) are let through: the regex
    /// decides there.
    pub fn shows_in(&self, text: &str) -> bool {
        let Some(marked) = &self.marked else {
            return true;
        };
        if text.as_bytes() == marked.as_bytes() {
            return true;
        }
        let mut chars = text.chars();
        for want in marked.chars() {
            let Some(c) = chars.next() else {
                return false;
            };
            if c == want {
                continue;
            }
            if crate::normalize::chars::lower_char(c) == Some(want) {
                continue;
            }
            let u = c as u32;
            let simple_case = u < 0x250 || (0x1E00..0x1F00).contains(&u);
            if simple_case && c != 'ſ' {
                return false;
            }
        }
        chars.next().is_none()
    }
}

/// [`combine`], then the sets of [`second_literals`] (`marked_second` with their marks)
/// that are neither short words nor implied by a set already there.
pub fn combine_with_second(
    marked: Vec<Vec<String>>,
    folded: Vec<Vec<String>>,
    marked_second: Vec<Vec<String>>,
    folded_second: Vec<Vec<String>>,
) -> Vec<Vec<Literal>> {
    let mut out = combine(marked, folded);
    let second = marked_sets(marked_second).chain(folded_second.into_iter().map(folded_set));
    for set in second {
        if weak(&set) || out.iter().any(|kept| implies(kept, &set)) {
            continue;
        }
        // A set with marks makes a folded set it implies useless ("phó" and "pho").
        out.retain(|kept| !implies(&set, kept));
        if out.len() < 8 {
            out.push(set);
        }
    }
    out
}

/// Literal sets read with their marks, each literal long enough to be selective ("sở" is long
/// enough with its marks, but "so" is not in the folded text).
fn marked_sets(sets: Vec<Vec<String>>) -> impl Iterator<Item = Vec<Literal>> {
    sets.into_iter()
        .filter(|set| set.iter().all(|m| m.chars().count() >= MIN_LEN))
        .map(|set| {
            set.into_iter()
                .map(|m| Literal {
                    folded: fold_str(&m),
                    marked: Some(m),
                })
                .collect()
        })
}

/// A literal set read off a folded pattern.
fn folded_set(set: Vec<String>) -> Vec<Literal> {
    set.into_iter()
        .map(|folded| Literal {
            folded,
            marked: None,
        })
        .collect()
}

/// True when every place that shows a literal of `a` shows one of `b`: each literal of `a`
/// contains one of `b`, with its marks when that one has marks.
fn implies(a: &[Literal], b: &[Literal]) -> bool {
    a.iter().all(|x| {
        b.iter().any(|y| match (&x.marked, &y.marked) {
            (_, None) => x.folded.contains(y.folded.as_str()),
            (Some(xm), Some(ym)) => xm.contains(ym.as_str()),
            (None, Some(_)) => false,
        })
    })
}

/// A set of short single words ("của", "họp", "kiêm"): found all over a text.
fn weak(set: &[Literal]) -> bool {
    set.iter()
        .all(|l| l.folded.len() <= WEAK_LEN && !l.folded.contains(' '))
}

/// The sets a rule indexes: the literal sets read off its real pattern (`marked`, with their
/// marks, for a text rule) and those read off its folded prefilter (`folded`), less any
/// folded set that a marked one implies. Both kinds are required, so a sentence must hold
/// them all; the marked ones are the more selective, as folding makes distinct words collide.
pub fn combine(marked: Vec<Vec<String>>, folded: Vec<Vec<String>>) -> Vec<Vec<Literal>> {
    let mut out: Vec<Vec<Literal>> = marked_sets(marked).collect();
    for set in folded {
        let implied = out.iter().any(|m| {
            m.iter()
                .all(|ml| set.iter().any(|lit| ml.folded.contains(lit.as_str())))
        });
        if !implied {
            out.push(folded_set(set));
        }
    }
    // A set of short single words ("của", "họp", "kiêm") is found all over a text and adds
    // little to a rule that has a longer literal to require: leave it to the regex.
    if out.iter().any(|set| !weak(set)) {
        out.retain(|set| !weak(set));
    }
    // The index tracks the sets of a rule in eight bits.
    out.truncate(8);
    out
}

/// Single words up to this many bytes (folded) are weak literals.
const WEAK_LEN: usize = 5;

/// The required literal sets of `pattern` (a folded prefilter pattern or a rule's pattern
/// with its marks), lower case, most
/// selective first: every match contains one literal of each set. Empty when none can be
/// read off the pattern.
#[cfg(test)]
pub fn required_literals(pattern: &str) -> Vec<Vec<String>> {
    required_and_second(pattern).0
}

/// The literal sets read off one pattern: its required sets and its second ones (see
/// [`required_and_second`]).
pub type Sets = (Vec<Vec<String>>, Vec<Vec<String>>);

/// The literal sets of the shipped rules' patterns (and of their forms without marks), read
/// ahead of time: parsing some 500 patterns to read them was half of the start-up. One JSON
/// array a line, `[pattern, required sets, second sets]`, sorted by pattern. The key is the
/// pattern itself, so a rule changed, or read from `--patterns`, misses and is read at load
/// as before; the test `shipped_literal_sets_are_current` fails when the file is not exactly
/// what the shipped rules give, and `UPDATE_LITERAL_SETS=1 cargo test --release --lib
/// literal_sets` writes it anew.
const SHIPPED: &str = include_str!("literal_sets.jsonl");

/// Where rule loading takes the literal sets of a pattern from.
pub struct LiteralCache {
    shipped: &'static rustc_hash::FxHashMap<String, Sets>,
    /// When recording (tests): every pattern asked for, with its sets read afresh.
    recorded: Option<std::sync::Mutex<std::collections::BTreeMap<String, Sets>>>,
}

impl LiteralCache {
    /// The shipped table, falling back to reading a pattern not in it.
    pub fn shipped() -> LiteralCache {
        LiteralCache {
            shipped: shipped_table(),
            recorded: None,
        }
    }

    /// Reads every pattern afresh and records it with its sets ([`LiteralCache::recorded`]).
    #[cfg(test)]
    pub fn recording() -> LiteralCache {
        LiteralCache {
            shipped: shipped_table(),
            recorded: Some(Default::default()),
        }
    }

    /// The literal sets of `pattern`, as [`required_and_second`] reads them.
    pub fn sets(&self, pattern: &str) -> Sets {
        if let Some(recorded) = &self.recorded {
            let sets = required_and_second(pattern);
            recorded
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(pattern.to_string(), sets.clone());
            return sets;
        }
        match self.shipped.get(pattern) {
            Some(sets) => sets.clone(),
            None => required_and_second(pattern),
        }
    }

    /// What a recording cache saw, written as the shipped file is.
    #[cfg(test)]
    pub fn recorded(self) -> String {
        let recorded = self
            .recorded
            .map(|m| {
                m.into_inner()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
            })
            .unwrap_or_default();
        let mut out = String::new();
        for (pattern, (first, second)) in recorded {
            out.push_str(&serde_json::to_string(&(pattern, first, second)).expect("strings"));
            out.push('\n');
        }
        out
    }
}

/// The shipped table, parsed once. A line that does not parse is skipped (its pattern is read
/// at load); the test above keeps every line well formed.
fn shipped_table() -> &'static rustc_hash::FxHashMap<String, Sets> {
    static TABLE: std::sync::LazyLock<rustc_hash::FxHashMap<String, Sets>> =
        std::sync::LazyLock::new(|| {
            SHIPPED
                .lines()
                .filter_map(|line| {
                    serde_json::from_str::<(String, Vec<Vec<String>>, Vec<Vec<String>>)>(line).ok()
                })
                .map(|(pattern, first, second)| (pattern, (first, second)))
                .collect()
        });
    &TABLE
}

/// [`required_literals`], and more required sets beyond them: those that take the
/// second-best set of every alternative of an alternation (see `required`). Less selective
/// as a rule, they are added to a rule's sets only where they are not short words (see
/// [`combine_with_second`]). The pattern is parsed once for both.
pub fn required_and_second(pattern: &str) -> Sets {
    let Ok(hir) = regex_syntax::ParserBuilder::new()
        .case_insensitive(false)
        .build()
        .parse(pattern)
    else {
        return (Vec::new(), Vec::new());
    };
    let first = literal_sets(&hir, false);
    let second = literal_sets(&hir, true)
        .into_iter()
        .filter(|set| !first.contains(set))
        .collect();
    (first, second)
}

#[cfg(test)]
fn second_literals(pattern: &str) -> Vec<Vec<String>> {
    required_and_second(pattern).1
}

fn literal_sets(hir: &Hir, second: bool) -> Vec<Vec<String>> {
    let mut sets: Vec<Vec<String>> = Vec::new();
    for set in required(hir, second) {
        let mut out: Vec<String> = set
            .into_iter()
            .map(|b| String::from_utf8_lossy(&b).to_lowercase())
            .collect();
        out.sort();
        out.dedup();
        if !sets.contains(&out) {
            sets.push(out);
        }
    }
    sets.sort_by_key(|s| rank(s));
    // A set is implied by a kept set whose every literal contains one of its literals.
    let mut kept: Vec<Vec<String>> = Vec::new();
    for set in sets {
        let implied = kept.iter().any(|k| {
            k.iter()
                .all(|kl| set.iter().any(|lit| kl.contains(lit.as_str())))
        });
        if !implied && kept.len() < MAX_SETS {
            kept.push(set);
        }
    }
    kept
}

/// Sort key: longer shortest literal first, then fewer alternatives.
fn rank(set: &[String]) -> (std::cmp::Reverse<usize>, usize) {
    (
        std::cmp::Reverse(set.iter().map(String::len).min().unwrap_or(0)),
        set.len(),
    )
}

fn min_len(set: &[Vec<u8>]) -> usize {
    set.iter().map(Vec::len).min().unwrap_or(0)
}

/// True for `\s+`: within one sentence of normalized text it is exactly one space.
fn is_spaces(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Repetition(r) if r.min == 1 && r.max.is_none() => match r.sub.kind() {
            HirKind::Class(Class::Unicode(c)) => {
                let has = |ch: char| c.ranges().iter().any(|r| r.start() <= ch && ch <= r.end());
                has(' ') && has('\t') && has('\n') && !has('a')
            }
            _ => false,
        },
        _ => false,
    }
}

/// The strings a node matches when it is a literal, `\s+`, or an alternation of those.
fn literal_set(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    match hir.kind() {
        HirKind::Literal(lit) => Some(vec![lit.0.to_vec()]),
        _ if is_spaces(hir) => Some(vec![b" ".to_vec()]),
        HirKind::Capture(c) => literal_set(&c.sub),
        HirKind::Concat(parts) => {
            let mut acc: Vec<Vec<u8>> = vec![Vec::new()];
            for p in parts {
                acc = cross(&acc, &literal_set(p)?)?;
            }
            Some(acc)
        }
        HirKind::Alternation(alts) => {
            let mut all = Vec::new();
            for a in alts {
                all.extend(literal_set(a)?);
            }
            (all.len() <= MAX_SET).then_some(all)
        }
        _ => None,
    }
}

fn cross(a: &[Vec<u8>], b: &[Vec<u8>]) -> Option<Vec<Vec<u8>>> {
    if a.len() * b.len() > MAX_SET {
        return None;
    }
    Some(
        a.iter()
            .flat_map(|x| b.iter().map(move |y| [x.as_slice(), y.as_slice()].concat()))
            .collect(),
    )
}

fn keep(sets: &mut Vec<Vec<Vec<u8>>>, set: Vec<Vec<u8>>) {
    // Literals never start or end with the joining space.
    let set: Vec<Vec<u8>> = set.into_iter().map(|l| l.trim_ascii().to_vec()).collect();
    if min_len(&set) >= MIN_LEN {
        sets.push(set);
    }
}

/// Every set of literals such that each match of `hir` contains one of its literals.
fn required(hir: &Hir, second: bool) -> Vec<Vec<Vec<u8>>> {
    match hir.kind() {
        HirKind::Literal(lit) => {
            let mut sets = Vec::new();
            keep(&mut sets, vec![lit.0.to_vec()]);
            sets
        }
        HirKind::Capture(c) => required(&c.sub, second),
        HirKind::Repetition(r) if r.min >= 1 => required(&r.sub, second),
        HirKind::Concat(parts) => {
            // Runs of literal-like parts ("tong", \s+, "ket") join into longer literals; each
            // run and each required set inside the other parts is required.
            let mut sets = Vec::new();
            let mut run: Option<Vec<Vec<u8>>> = None;
            for p in parts {
                match (literal_set(p), run.take()) {
                    (Some(set), Some(r)) => match cross(&r, &set) {
                        Some(joined) => run = Some(joined),
                        None => {
                            keep(&mut sets, r);
                            run = Some(set);
                        }
                    },
                    (Some(set), None) => run = Some(set),
                    (None, r) => {
                        if let Some(r) = r {
                            keep(&mut sets, r);
                        }
                        sets.extend(required(p, second));
                    }
                }
            }
            if let Some(r) = run {
                keep(&mut sets, r);
            }
            sets
        }
        HirKind::Alternation(alts) => {
            // Every match matches one alternative and so holds a literal of each of that
            // alternative's sets: a set taken from every alternative, joined, is required.
            // The alternatives' best sets, and with `second` also their second best (the
            // best where there is no other): "phó trưởng khối | khối phó" requires "khối"
            // or "khối phó", and also "phó" or "khối phó" (which keeps "thành phố" out).
            let mut per_alt = Vec::with_capacity(alts.len());
            for a in alts {
                let mut sets = required(a, second);
                if sets.is_empty() {
                    return Vec::new();
                }
                sets.sort_by_key(|s| (std::cmp::Reverse(min_len(s)), s.len()));
                per_alt.push(sets);
            }
            let mut out: Vec<Vec<Vec<u8>>> = Vec::new();
            for k in 0..1 + usize::from(second) {
                let all: Vec<Vec<u8>> = per_alt
                    .iter()
                    .flat_map(|sets| sets[k.min(sets.len() - 1)].iter().cloned())
                    .collect();
                if all.len() <= MAX_SET && !out.contains(&all) {
                    out.push(all);
                }
            }
            out
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::{Literal, combine, combine_with_second, required_literals, second_literals};

    fn lit(marked: &str) -> Literal {
        Literal {
            folded: crate::normalize::fold_str(marked),
            marked: Some(marked.to_string()),
        }
    }

    #[test]
    fn a_pattern_not_shipped_is_read_at_load() {
        let pattern = r"\bxyzzy\s+tong\s+ket\s+(?:thu|hai)\b";
        let sets = super::LiteralCache::shipped().sets(pattern);
        assert_eq!(sets, super::required_and_second(pattern));
        assert_eq!(
            sets.0,
            self::sets(&[&["xyzzy tong ket hai", "xyzzy tong ket thu"]])
        );
    }

    #[test]
    fn marked_literals_tell_words_that_fold_alike() {
        let pho = lit("phó");
        assert!(pho.shows_in("phó") && pho.shows_in("Phó") && pho.shows_in("PHÓ"));
        assert!(!pho.shows_in("phố") && !pho.shows_in("Phở") && !pho.shows_in("pho"));
        let khoi = lit("khối thi đua");
        assert!(khoi.shows_in("Khối Thi Đua") && !khoi.shows_in("khởi thi đua"));
        // Case pairs outside the Latin blocks are left to the regex.
        assert!(lit("kho").shows_in("\u{212A}ho"));
        let plain = Literal {
            folded: "pho".into(),
            marked: None,
        };
        assert!(plain.shows_in("phố"));
    }

    #[test]
    fn marked_sets_come_first_and_imply_folded_ones() {
        let sets = combine(
            vec![vec!["cụm phó".into(), "khối phó".into()], vec!["sở".into()]],
            vec![vec!["pho".into()], vec!["thi dua".into()]],
        );
        // "sở" folds to two letters: too short. "pho" is implied by the marked set.
        assert_eq!(
            sets,
            vec![
                vec![lit("cụm phó"), lit("khối phó")],
                vec![Literal {
                    folded: "thi dua".into(),
                    marked: None
                }]
            ]
        );
    }

    fn sets(v: &[&[&str]]) -> Vec<Vec<String>> {
        v.iter()
            .map(|s| s.iter().map(|l| l.to_string()).collect())
            .collect()
    }

    #[test]
    fn reads_required_words() {
        assert_eq!(required_literals(r"\btong\s+ket\b"), sets(&[&["tong ket"]]));
        assert_eq!(
            required_literals(
                r"(?P<u>[^.]{3,}?)\s+la\s+(?:truong\s+(?:khoi|cum)|(?:khoi|cum)\s+truong)"
            ),
            sets(&[&[
                "la cum truong",
                "la khoi truong",
                "la truong cum",
                "la truong khoi"
            ]])
        );
        assert_eq!(
            required_literals(r"(?:sang|chieu)\s+\d+"),
            sets(&[&["chieu", "sang"]])
        );
        assert!(required_literals(r"\d+/\d+").is_empty());
        assert!(
            required_literals(r"(?:ab|xyz)").is_empty(),
            "too short to be selective"
        );
    }

    #[test]
    fn every_separated_word_is_required_too() {
        // "(co|gom) 8 (cum|khoi) thi dua": both the bloc word and "thi dua" must be there;
        // "co" is too short to index.
        assert_eq!(
            required_literals(r"\b(?:co|gom)\s+\d+\s+(?:cum|khoi)\s+thi\s+dua"),
            sets(&[&["cum thi dua", "khoi thi dua"]])
        );
        assert_eq!(
            required_literals(r"\bkhoi\b[^.]{0,30}?\bgom\s+\d+\s+don\s+vi"),
            sets(&[&["don vi"], &["khoi"], &["gom"]])
        );
        // A set implied by a kept one ("khoi thi dua" contains "khoi") is dropped.
        assert_eq!(
            required_literals(r"khoi\s+thi\s+dua[^.]*khoi"),
            sets(&[&["khoi thi dua"]])
        );
    }

    #[test]
    fn second_best_sets_of_alternations_are_required_too() {
        // "phó (trưởng) khối | khối phó": the best sets give "khối", the second best "phó".
        let pattern = r"(?:phó\s+(?:trưởng\s+)?(?:khối|cụm)|(?:khối|cụm)\s+phó)";
        assert_eq!(
            required_literals(pattern),
            sets(&[&["cụm", "cụm phó", "khối", "khối phó"]])
        );
        assert_eq!(
            second_literals(pattern),
            sets(&[&["cụm phó", "khối phó", "phó"]])
        );
        // With its marks, the second set replaces the folded one that "thành phố" holds too.
        let folded = vec![vec!["cum pho".into(), "khoi pho".into(), "pho".into()]];
        let indexed = combine_with_second(
            required_literals(pattern),
            folded,
            second_literals(pattern),
            Vec::new(),
        );
        let marked = |set: &[&str]| set.iter().map(|m| lit(m)).collect::<Vec<_>>();
        assert_eq!(
            indexed,
            vec![
                marked(&["cụm", "cụm phó", "khối", "khối phó"]),
                marked(&["cụm phó", "khối phó", "phó"])
            ]
        );
        // Short single words are not worth a second set.
        assert_eq!(
            combine_with_second(
                vec![vec!["tổng kết".into()]],
                Vec::new(),
                vec![vec!["của".into(), "họp".into()]],
                Vec::new()
            ),
            vec![marked(&["tổng kết"])]
        );
    }
}
