//! Units (organisations and places): where a unit name starts and ends, lists of units, and
//! the canonical form that makes the same unit comparable across articles.
//!
//! A unit starts with a head from `gazetteers/unit_heads.tsv` ("Sở", "UBND", "huyện" …) and
//! runs rightwards until a stop word in lower case (`stops.tsv`), punctuation, or a "và" that
//! begins another unit. Names with inner commas come from `name_phrases.tsv`.

use super::text::{Span, Word, words};
use super::Ctx;
use crate::normalize::fold_str;
use crate::record::Unit;

/// Words skipped before a unit in a list or slot ("các đơn vị thành viên là …").
const FILLERS: [&str; 17] = [
    "cac", "don vi", "tap the", "cho", "la", "cua", "va", "thuoc ve", "doi voi", "lanh dao",
    "dai dien", "thanh vien", "gom", "gom co", "nhu", "voi", "cung",
];

/// Largest number of words in a unit name.
const MAX_UNIT_WORDS: usize = 18;

/// Options for reading one unit.
#[derive(Debug, Clone, Copy, Default)]
pub struct UnitOpts {
    /// End the unit before a person's name ("Ban Dân vận Tỉnh ủy Lê Thị Lan Hương").
    pub stop_at_person: bool,
}

/// A unit read from the text: where it is written, and an optional canonical override for
/// list items that share a prefix ("Sở Văn hóa … tỉnh Nam Định, Hà Nam" → "Hà Nam" stands for
/// "Sở Văn hóa … tỉnh Hà Nam").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitSpan {
    pub span: Span,
    pub expanded: Option<String>,
    /// Kind of the head ("agency", "place" …; "bare_place" for a place name without head).
    pub kind: String,
}

struct Cursor<'t> {
    words: Vec<Word<'t>>,
    folded: Vec<String>,
}

impl<'t> Cursor<'t> {
    fn new(text: &'t str, from: usize, limit: usize) -> Cursor<'t> {
        let words = words(text, from, limit);
        let folded = words.iter().map(|w| fold_str(w.text)).collect();
        Cursor { words, folded }
    }

    fn folded_from(&self, i: usize) -> Vec<&str> {
        self.folded[i..].iter().map(String::as_str).collect()
    }
}

fn is_lower(w: &Word) -> bool {
    w.text.chars().next().is_some_and(|c| c.is_lowercase())
}

fn filler_len(c: &Cursor, i: usize) -> usize {
    let two = c
        .folded
        .get(i + 1)
        .map(|n| format!("{} {}", c.folded[i], n));
    if let Some(t) = two
        && FILLERS.contains(&t.as_str())
    {
        return 2;
    }
    if FILLERS.contains(&c.folded[i].as_str()) {
        1
    } else {
        0
    }
}

/// Reads the unit that starts at or after `from` (skipping filler words) and ends before
/// `limit`.
pub fn unit_at(ctx: &Ctx, from: usize, limit: usize, opts: UnitOpts) -> Option<UnitSpan> {
    let c = Cursor::new(ctx.text, from, limit);
    let mut i = 0;
    while i < c.words.len() {
        let n = filler_len(&c, i);
        if n == 0 {
            break;
        }
        i += n;
    }
    unit_from_word(ctx, &c, i, opts).map(|(u, _)| u)
}

/// Reads a unit whose head is word `i` of the cursor; returns it and the index of the word
/// after it.
fn unit_from_word(ctx: &Ctx, c: &Cursor, i: usize, opts: UnitOpts) -> Option<(UnitSpan, usize)> {
    let text = ctx.text;
    let first = c.words.get(i)?;
    let (head_len, kind) = ctx.gaz.match_head(&c.folded_from(i))?;
    let place = kind == "place";
    if !place && !first.is_capitalized() {
        return None;
    }
    let mut end = c.words[i + head_len - 1].end;
    let mut j = i + head_len;
    let mut name_words = head_len;
    while j < c.words.len() && name_words < MAX_UNIT_WORDS {
        let w = &c.words[j];
        let gap = &text[end..w.start];
        let gap_t = gap.trim();
        // A name part with an inner comma ("Văn hóa, Thể thao và Du lịch") is taken whole.
        if gap_t.is_empty()
            && let Some(len) = name_phrase_at(ctx, w.start)
        {
            let phrase_end = w.start + len;
            end = phrase_end;
            while j < c.words.len() && c.words[j].start < phrase_end {
                j += 1;
            }
            name_words += 3;
            continue;
        }
        match gap_t {
            "" => {}
            "-" if w.is_capitalized() || w.is_all_caps() => {}
            "(" => {
                // "(BĐBP)", "(TC)": an abbreviation in brackets stays in the name.
                let close = text[w.end..].trim_start();
                if w.is_all_caps() && close.starts_with(')') && w.text.chars().count() <= 8 {
                    end = w.end + (text[w.end..].len() - close.len()) + 1;
                    j += 1;
                    continue;
                }
                break;
            }
            _ => break,
        }
        if is_lower(w) {
            if let Some((n, _)) = ctx.gaz.match_stop(&c.folded_from(j)) {
                let noun_use = c.folded[j] == "to" && j > 0 && c.folded[j - 1] == "cac";
                if !noun_use {
                    let _ = n;
                    break;
                }
            }
            if place {
                break;
            }
            if c.folded[j] == "va" {
                // "và" before another unit ends this one; inside a name it stays.
                if let Some(next) = c.words.get(j + 1) {
                    let next_head = ctx.gaz.match_head(&c.folded_from(j + 1));
                    let starts_unit = match next_head {
                        Some((_, k)) => k == "place" || next.is_capitalized(),
                        None => false,
                    };
                    if starts_unit || ctx.gaz.province(next.text).is_some() {
                        break;
                    }
                } else {
                    break;
                }
            }
            if c.folded[j] == "cac" {
                break;
            }
        } else if opts.stop_at_person && name_words >= 2 && person_run_at(ctx, c, j).is_some() {
            break;
        } else if place && !w.is_capitalized() && !w.is_number() {
            break;
        }
        end = w.end;
        j += 1;
        name_words += 1;
    }
    // Drop trailing connectors.
    while j > i + head_len {
        let last = j - 1;
        if matches!(c.folded[last].as_str(), "va" | "cac" | "cua" | "-") && is_lower(&c.words[last]) {
            j -= 1;
            end = c.words[j - 1].end;
        } else {
            break;
        }
    }
    let span = Span::new(first.start, end);
    let words_in = j - i;
    if words_in < 2 && !(head_len >= 2) {
        return None;
    }
    if place && words_in == head_len {
        return None;
    }
    Some((
        UnitSpan {
            span,
            expanded: None,
            kind: kind.to_string(),
        },
        j,
    ))
}

/// A person's name starting at word `j`: a family name and 1–3 more capitalized words,
/// not a province name. Returns the index after it.
fn person_run_at(ctx: &Ctx, c: &Cursor, j: usize) -> Option<usize> {
    if !c.words[j].is_capitalized() || !ctx.gaz.is_surname(c.words[j].text) {
        return None;
    }
    let mut k = j + 1;
    while k < c.words.len()
        && k - j < 4
        && c.words[k].is_capitalized()
        && ctx.text[c.words[k - 1].end..c.words[k].start].trim().is_empty()
    {
        k += 1;
    }
    if k - j < 2 {
        return None;
    }
    let run = &ctx.text[c.words[j].start..c.words[k - 1].end];
    if ctx.gaz.province(run).is_some() {
        return None;
    }
    Some(k)
}

/// Byte length of a name phrase (`name_phrases.tsv`) starting at `pos`.
pub fn name_phrase_at(ctx: &Ctx, pos: usize) -> Option<usize> {
    let rest = &ctx.text[pos..];
    ctx.gaz
        .name_phrases
        .iter()
        .filter_map(|p| {
            let n = p.chars().count();
            let (end, _) = rest.char_indices().nth(n).unwrap_or((rest.len(), ' '));
            if rest.chars().count() >= n && fold_str(&rest[..end]) == fold_str(p) {
                Some(end)
            } else {
                None
            }
        })
        .max()
}

/// A place name without a head: 1–5 capitalized words joined by spaces or " - "
/// ("Quan Sơn", "Bà Rịa - Vũng Tàu", "M'Drắk").
fn bare_place_at(ctx: &Ctx, c: &Cursor, i: usize) -> Option<(Span, usize)> {
    let first = c.words.get(i)?;
    if !first.is_capitalized() || ctx.gaz.match_head(&c.folded_from(i)).is_some() {
        return None;
    }
    let mut j = i + 1;
    let mut end = first.end;
    while j < c.words.len() && j - i < 5 {
        let w = &c.words[j];
        let gap = ctx.text[end..w.start].trim();
        if (gap.is_empty() || gap == "-") && w.is_capitalized() {
            end = w.end;
            j += 1;
        } else {
            break;
        }
    }
    Some((Span::new(first.start, end), j))
}

/// The unit that ends closest to the end of `slot` (for slots that precede a role phrase:
/// "…, Sở Y tế là trưởng khối").
pub fn unit_ending_in(ctx: &Ctx, slot: Span, opts: UnitOpts) -> Option<UnitSpan> {
    let c = Cursor::new(ctx.text, slot.start, slot.end);
    let mut best: Option<UnitSpan> = None;
    for i in 0..c.words.len() {
        if let Some((u, _)) = unit_from_word(ctx, &c, i, opts) {
            let better = match &best {
                None => true,
                Some(b) => u.span.end > b.span.end || (u.span.end == b.span.end && u.span.start < b.span.start),
            };
            if better {
                best = Some(u);
            }
        }
    }
    best
}

/// The first unit in `slot` (for slots that follow a verb: "suy tôn Thanh tra tỉnh làm …").
pub fn unit_starting_in(ctx: &Ctx, slot: Span, opts: UnitOpts) -> Option<UnitSpan> {
    unit_at(ctx, slot.start, slot.end, opts)
}

/// Reads a list of units in `slot`: "A, B và C", "A; B; C", items with role notes
/// ("Sở X là trưởng cụm, …"), place lists ("các huyện: Quan Sơn, Như Thanh …") and lists
/// sharing a prefix ("Sở VH,TT&DL tỉnh Nam Định, Hà Nam" or "các sở Xây dựng, Tài chính").
/// `place_kind` is the collective noun when the list is introduced as places ("huyện").
pub fn unit_list(ctx: &Ctx, slot: Span, place_kind: Option<&str>) -> Vec<UnitSpan> {
    let text = ctx.text;
    let c = Cursor::new(text, slot.start, slot.end);
    let mut items: Vec<UnitSpan> = Vec::new();
    let semicolons = text[slot.start..slot.end].contains(';');
    let mut i = 0;
    let mut shared_head: Option<String> = place_kind.map(str::to_string);
    while i < c.words.len() {
        // Separators and fillers between items.
        let n = filler_len(&c, i);
        if n > 0 {
            // "các sở Xây dựng, …": a lower-case head after "các" is shared by the items.
            if c.folded[i] == "cac"
                && let Some(next) = c.words.get(i + 1)
                && is_lower(next)
                && let Some((hl, _)) = ctx.gaz.match_head(&c.folded_from(i + 1))
            {
                shared_head = Some(text[next.start..c.words[i + hl].end].to_string());
                i += 1 + hl;
                continue;
            }
            i += n;
            continue;
        }
        let w = &c.words[i];
        if let Some((mut u, next)) = unit_from_word(ctx, &c, i, UnitOpts::default()) {
            if let Some(head) = &shared_head
                && u.kind == "place"
                && fold_str(head).split(' ').count() > 0
            {
                // keep as written
            }
            u = split_distributive(ctx, u);
            items.push(u);
            i = skip_note(ctx, &c, next, semicolons);
            continue;
        }
        if let Some((span, next)) = bare_place_at(ctx, &c, i) {
            let expanded = expand_shared(ctx, &items, shared_head.as_deref(), span);
            items.push(UnitSpan {
                span,
                expanded,
                kind: "bare_place".to_string(),
            });
            i = skip_note(ctx, &c, next, semicolons);
            continue;
        }
        // A lower-case word right after a comma continues the previous item
        // ("Phòng Phòng, chống ma túy và tội phạm").
        let gap = if i > 0 { text[c.words[i - 1].end..w.start].trim() } else { "" };
        if is_lower(w) && gap == "," && !semicolons && let Some(last) = items.last_mut() {
            let mut j = i;
            while j < c.words.len() {
                let g = text[c.words[j - 1].end..c.words[j].start].trim();
                if j > i && !g.is_empty() {
                    break;
                }
                if c.folded[j] == "va" && c.words.get(j + 1).is_some_and(|n| n.is_capitalized()) {
                    break;
                }
                j += 1;
            }
            last.span.end = c.words[j - 1].end;
            i = j;
            continue;
        }
        break;
    }
    items
}

/// After an item: skip a role note up to the next separator ("Sở X là trưởng cụm, …"), or
/// stop the list (return the end) when the text goes on with something else.
fn skip_note(ctx: &Ctx, c: &Cursor, next: usize, semicolons: bool) -> usize {
    let Some(w) = c.words.get(next) else {
        return next;
    };
    let prev_end = c.words[next - 1].end;
    let gap = ctx.text[prev_end..w.start].trim();
    let sep = if semicolons { ";" } else { "," };
    if gap.starts_with(',') || gap.starts_with(';') || gap.is_empty() && c.folded[next] == "va" {
        return next;
    }
    if gap.is_empty() && matches!(c.folded[next].as_str(), "la" | "lam") {
        // Skip the note to the next separator.
        let mut j = next;
        while j + 1 < c.words.len() {
            let g = &ctx.text[c.words[j].end..c.words[j + 1].start];
            j += 1;
            if g.contains(sep) || g.contains(',') {
                return j;
            }
        }
        return c.words.len();
    }
    if gap == "(" || gap.starts_with('(') {
        let mut j = next;
        while j < c.words.len() && !ctx.text[c.words[j].end..].trim_start().starts_with(')') {
            j += 1;
        }
        return j + 1;
    }
    c.words.len()
}

/// "UBMTTQVN các tỉnh Quảng Nam" → the unit stops before "các"; callers read the rest as
/// places sharing the prefix.
fn split_distributive(_ctx: &Ctx, u: UnitSpan) -> UnitSpan {
    u
}

/// For a bare place in a list: the full name it stands for when the list shares a prefix.
fn expand_shared(ctx: &Ctx, items: &[UnitSpan], shared_head: Option<&str>, place: Span) -> Option<String> {
    let place_text = ctx.s(place);
    if let Some(head) = shared_head {
        return Some(format!("{} {}", capitalize_head(head), place_text));
    }
    // "Sở … tỉnh Nam Định, Hà Nam": the previous full item ends with a place; swap it.
    let prev = items.iter().rev().find(|u| u.kind != "bare_place")?;
    let prev_text = ctx.s(prev.span);
    let prev_place = trailing_place(ctx, prev_text)?;
    let prefix = &prev_text[..prev_text.len() - prev_place.len()];
    if prefix.trim().is_empty() {
        return None;
    }
    Some(format!("{prefix}{place_text}"))
}

/// The place at the end of a unit name ("… tỉnh Nam Định" → "Nam Định").
fn trailing_place<'t>(ctx: &Ctx, name: &'t str) -> Option<&'t str> {
    for marker in ["tỉnh ", "huyện ", "thành phố ", "thị xã ", "quận "] {
        if let Some(pos) = name.rfind(marker) {
            let place = &name[pos + marker.len()..];
            if !place.is_empty() && place.split(' ').all(|w| w.chars().next().is_some_and(char::is_uppercase)) {
                return Some(place);
            }
        }
    }
    let words: Vec<&str> = name.split(' ').collect();
    for k in (1..=3.min(words.len().saturating_sub(1))).rev() {
        let tail = words[words.len() - k..].join(" ");
        if ctx.gaz.province(&tail).is_some() {
            let start = name.len() - tail.len();
            return Some(&name[start..]);
        }
    }
    None
}

fn capitalize_head(head: &str) -> String {
    match head {
        h if matches!(fold_str(h).as_str(), "huyen" | "tinh" | "thanh pho" | "thi xa" | "quan" | "xa" | "phuong") => {
            h.to_lowercase()
        }
        h => {
            let mut cs = h.chars();
            match cs.next() {
                Some(f) => f.to_uppercase().collect::<String>() + cs.as_str(),
                None => String::new(),
            }
        }
    }
}

/// The canonical form of a unit name: abbreviations expanded (`abbreviations.tsv`),
/// "&" → "và", modern tone-mark placement, single spaces.
pub fn canonical(ctx: &Ctx, name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 16);
    let mut rest = name;
    // Token-wise: a token is a maximal run without spaces.
    let mut first = true;
    while !rest.is_empty() {
        let t = rest.trim_start();
        if t.is_empty() {
            break;
        }
        let end = t.find(' ').unwrap_or(t.len());
        let token = &t[..end];
        rest = &t[end..];
        if !first {
            out.push(' ');
        }
        first = false;
        let (core, tail) = split_trailing_punct(token);
        match ctx.gaz.abbreviations.iter().find(|(a, _)| a == core) {
            Some((_, exp)) => out.push_str(exp),
            None => out.push_str(&core.replace('&', " và ")),
        }
        out.push_str(tail);
    }
    let spaced: String = out.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::normalize::to_modern_style(&spaced)
}

fn split_trailing_punct(token: &str) -> (&str, &str) {
    let cut = token
        .char_indices()
        .rev()
        .take_while(|&(_, c)| matches!(c, ',' | ';' | ':' | ')' | '('))
        .last()
        .map_or(token.len(), |(i, _)| i);
    (&token[..cut], &token[cut..])
}

/// Makes a record unit from a span read in the text.
pub fn make_unit(ctx: &Ctx, u: &UnitSpan) -> Unit {
    let name = ctx.s(u.span).to_string();
    let canonical = match &u.expanded {
        Some(full) => canonical(ctx, full),
        None => canonical(ctx, &name),
    };
    Unit { name, canonical }
}

/// A key under which two mentions of the same unit in one article compare equal: folded
/// canonical form without place words ("Huyện ủy Lắk", "huyện Lắk" and "Lắk" share "lak").
pub fn unit_key(unit: &Unit) -> String {
    let f = fold_str(&unit.canonical);
    let f = f.replace(['.', ',', '(', ')', '-', '\''], " ");
    let skip = ["tinh", "huyen", "thanh", "pho", "thi", "xa", "quan", "uy", "ban", "nhan", "dan", "uy ban"];
    let words: Vec<&str> = f.split_whitespace().collect();
    // Units that are places or a place's party/people's committee reduce to the place name.
    let placeish = words
        .first()
        .is_some_and(|w| matches!(*w, "tinh" | "huyen" | "thanh" | "thi" | "quan" | "xa" | "phuong"))
        || f.starts_with("uy ban nhan dan ")
        || f.starts_with("huyen uy ")
        || f.starts_with("thanh uy ")
        || f.starts_with("tinh uy ")
        || f.starts_with("thi uy ");
    if placeish {
        words
            .iter()
            .filter(|w| !skip.contains(w))
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        words.join(" ")
    }
}
