//! Required literals: strings one of which every match of a pattern must contain. One
//! Aho-Corasick pass over the folded text finds them for all rules at once, so a rule's regex
//! only runs on the sentences that can hold a match.

use regex_syntax::hir::{Class, Hir, HirKind};

/// Literals shorter than this are not selective enough to be worth indexing.
const MIN_LEN: usize = 3;
/// Alternation sets larger than this are not indexed (the rule falls back to its prefilter).
const MAX_SET: usize = 64;

/// The lower-case literals, one of which occurs in every match of `pattern` (a folded
/// prefilter pattern), or `None` when no such set can be read off the pattern.
pub fn required_literals(pattern: &str) -> Option<Vec<String>> {
    let hir = regex_syntax::ParserBuilder::new()
        .case_insensitive(false)
        .build()
        .parse(pattern)
        .ok()?;
    let set = required(&hir)?;
    let mut out: Vec<String> = set
        .into_iter()
        .map(|b| String::from_utf8_lossy(&b).to_lowercase())
        .collect();
    out.sort();
    out.dedup();
    Some(out)
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

fn better(a: Option<Vec<Vec<u8>>>, b: Vec<Vec<u8>>) -> Option<Vec<Vec<u8>>> {
    if min_len(&b) < MIN_LEN {
        return a;
    }
    match a {
        Some(a)
            if (min_len(&a), std::cmp::Reverse(a.len()))
                >= (min_len(&b), std::cmp::Reverse(b.len())) =>
        {
            Some(a)
        }
        _ => Some(b),
    }
}

fn required(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    match hir.kind() {
        HirKind::Literal(lit) => Some(vec![lit.0.to_vec()]),
        HirKind::Capture(c) => required(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => required(&r.sub),
        HirKind::Concat(parts) => {
            // Runs of literal-like parts ("tong", \s+, "ket") join into longer literals; the
            // most selective run or part wins.
            let mut best: Option<Vec<Vec<u8>>> = None;
            let mut run: Option<Vec<Vec<u8>>> = None;
            for p in parts {
                match (literal_set(p), run.take()) {
                    (Some(set), Some(r)) => match cross(&r, &set) {
                        Some(joined) => run = Some(joined),
                        None => {
                            best = better(best, r);
                            run = Some(set);
                        }
                    },
                    (Some(set), None) => run = Some(set),
                    (None, r) => {
                        if let Some(r) = r {
                            best = better(best, r);
                        }
                        if let Some(inner) = required(p) {
                            best = better(best, inner);
                        }
                    }
                }
            }
            if let Some(r) = run {
                best = better(best, r);
            }
            // Literals never start or end with the joining space.
            best.map(|set| set.into_iter().map(|l| l.trim_ascii().to_vec()).collect())
        }
        HirKind::Alternation(alts) => {
            let mut all = Vec::new();
            for a in alts {
                let s = required(a)?;
                if min_len(&s) < MIN_LEN {
                    return None;
                }
                all.extend(s);
            }
            (all.len() <= MAX_SET).then_some(all)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::required_literals;

    #[test]
    fn reads_required_words() {
        assert_eq!(
            required_literals(r"\btong\s+ket\b"),
            Some(vec!["tong ket".into()])
        );
        assert_eq!(
            required_literals(
                r"(?P<u>[^.]{3,}?)\s+la\s+(?:truong\s+(?:khoi|cum)|(?:khoi|cum)\s+truong)"
            ),
            Some(vec![
                "la cum truong".to_string(),
                "la khoi truong".to_string(),
                "la truong cum".to_string(),
                "la truong khoi".to_string()
            ])
        );
        assert_eq!(
            required_literals(r"(?:sang|chieu)\s+\d+"),
            Some(vec!["chieu".into(), "sang".into()])
        );
        assert_eq!(required_literals(r"\d+/\d+"), None);
        assert_eq!(
            required_literals(r"(?:ab|xyz)"),
            None,
            "too short to be selective"
        );
    }
}
