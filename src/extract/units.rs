//! Units (organisations and places): where a unit name starts and ends, lists of units, and
//! the canonical form that makes the same unit comparable across articles.
//!
//! A unit starts with a head from `gazetteers/unit_heads.tsv` ("Sở", "UBND", "huyện" …) and
//! runs rightwards until a stop word in lower case (`stops.tsv`), punctuation, or a "và" that
//! begins another unit. Names with inner commas come from `name_phrases.tsv`.

use super::Ctx;
use super::text::{Span, Word, words};
use crate::normalize::chars;
use crate::normalize::{fold_char, fold_str};
use crate::patterns::Gazetteers;
use crate::record::Unit;

/// Words skipped before a unit in a list or slot ("các đơn vị thành viên là …"). They count
/// only in lower case ("Như Thanh" is a district), except at the start of a list item.
const FILLERS: [&str; 17] = [
    "các",
    "đơn vị",
    "tập thể",
    "cho",
    "là",
    "của",
    "và",
    "thuộc về",
    "đối với",
    "lãnh đạo",
    "đại diện",
    "thành viên",
    "gồm",
    "gồm có",
    "như",
    "với",
    "cùng",
];

/// Fillers that may be capitalized at the start of an item ("Các đơn vị …", "Lãnh đạo …").
const CAPITAL_FILLERS: [&str; 4] = ["các", "lãnh đạo", "đại diện", "đơn vị"];

/// Head kinds that are never units ("Hội nghị" is an event).
const NOT_UNITS: [&str; 1] = ["event"];

/// Abbreviated place words written with a dot before a name ("TP.Biên Hòa", "TX. Kiến
/// Tường", "H.Trảng Bom", "Q.1").
const PLACE_ABBREVIATIONS: [&str; 8] = ["TP", "Tp", "TX", "Tx", "H", "X", "Q", "P"];

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
    /// A note written after the item in a list: "(Cụm trưởng)", "- đơn vị Cụm phó",
    /// "là trưởng khối", "(khách mời)" (see [`note_role`]).
    pub note: Option<Span>,
}

/// The words of a span with their folded and lower-case forms (see [`Cursor`]).
pub(crate) struct Tokens<'t> {
    words: Vec<Word<'t>>,
    folded: Vec<String>,
    lower: Vec<String>,
    /// Where the span starts.
    from: usize,
}

impl<'t> Tokens<'t> {
    pub fn new(text: &'t str, from: usize, limit: usize) -> Tokens<'t> {
        let words = words(text, from, limit);
        let folded = words.iter().map(|w| fold_str(w.text)).collect();
        let lower = words.iter().map(|w| chars::to_lowercase(w.text)).collect();
        Tokens {
            words,
            folded,
            lower,
            from,
        }
    }

    /// All the words.
    pub fn cursor(&self) -> Cursor<'t, '_> {
        Cursor {
            words: &self.words,
            folded: &self.folded,
            lower: &self.lower,
            from: self.from,
        }
    }
}

/// Words of a span with their folded and lower-case forms. Gazetteer words (heads, stops)
/// compare in lower case with diacritics ("sở" ≠ "số"); simple connectors compare folded.
pub(crate) struct Cursor<'t, 'c> {
    pub words: &'c [Word<'t>],
    pub folded: &'c [String],
    pub lower: &'c [String],
    /// Where the span starts.
    from: usize,
}

impl<'t, 'c> Cursor<'t, 'c> {
    /// The index of the first word at or after `from` when the words from there are exactly
    /// what tokenizing from `from` (to the same limit) gives: `from` is not inside a word
    /// nor past where tokenizing stopped (the end of the last word).
    fn tail_index(&self, from: usize) -> Option<usize> {
        let stop = self.words.last().map_or(self.from, |w| w.end);
        if from < self.from || from > stop {
            return None;
        }
        let k = self.words.partition_point(|w| w.start < from);
        if k > 0 && self.words[k - 1].end > from {
            return None;
        }
        Some(k)
    }

    /// The words from byte offset `from` on (see [`Cursor::tail_index`]).
    pub fn tail_from(&self, from: usize) -> Option<Cursor<'t, 'c>> {
        let k = self.tail_index(from)?;
        Some(Cursor {
            words: &self.words[k..],
            folded: &self.folded[k..],
            lower: &self.lower[k..],
            from,
        })
    }
}

impl Cursor<'_, '_> {
    /// Lower-case words from index `i` on (for gazetteer lookups).
    pub fn lower_from(&self, i: usize) -> Vec<&str> {
        self.lower[i..].iter().take(6).map(String::as_str).collect()
    }

    /// [`Gazetteers::match_head`] on the words from `i` (most words start no head: they
    /// are ruled out before collecting the words).
    pub fn match_head<'g>(&self, gaz: &'g Gazetteers, i: usize) -> Option<(usize, &'g str)> {
        if !gaz.may_start_head(self.lower[i..].first()?) {
            return None;
        }
        gaz.match_head(&self.lower_from(i))
    }

    /// [`Gazetteers::match_stop`] on the words from `i`.
    pub fn match_stop<'g>(&self, gaz: &'g Gazetteers, i: usize) -> Option<(usize, &'g str)> {
        if !gaz.may_start_stop(self.lower[i..].first()?) {
            return None;
        }
        gaz.match_stop(&self.lower_from(i))
    }
}

fn is_lower(w: &Word) -> bool {
    w.text.chars().next().is_some_and(chars::is_lowercase)
}

/// The word (or phrase, in lower case) is `marked`, or is it written without marks ("va" for
/// "và", "don vi" for "đơn vị"): an ASCII word equal to it folded. In a text with its marks an
/// ASCII "va" does not occur; in one written without them it is all there is.
pub(crate) fn word_is(lower: &str, marked: &str) -> bool {
    lower == marked
        || lower.is_ascii()
            && lower.len() <= marked.len()
            && lower.chars().eq(marked.chars().map(fold_char))
}

fn filler_len(c: &Cursor, i: usize) -> usize {
    let capital_ok = |phrase: &str| CAPITAL_FILLERS.iter().any(|f| word_is(phrase, f));
    let ok = |phrase: &str, first: &Word| {
        // (In a list written in capitals, "VÀ", "CÁC ĐƠN VỊ" are fillers too.)
        FILLERS.iter().any(|f| word_is(phrase, f))
            && (is_lower(first)
                || capital_ok(phrase)
                || first.is_all_caps() && first.text.chars().count() >= 2)
    };
    if let Some(next) = c.lower.get(i + 1) {
        let two = format!("{} {}", c.lower[i], next);
        if ok(&two, &c.words[i]) {
            return 2;
        }
    }
    if ok(&c.lower[i], &c.words[i]) { 1 } else { 0 }
}

/// Reads the unit that starts at or after `from` (skipping filler words) and ends before
/// `limit`.
pub fn unit_at(ctx: &Ctx, from: usize, limit: usize, opts: UnitOpts) -> Option<UnitSpan> {
    let tokens = Tokens::new(ctx.text, from, limit);
    let c = tokens.cursor();
    let mut i = 0;
    while i < c.words.len() {
        // Fillers ("các đơn vị"), and a person's title before the unit they lead ("Tổng
        // Biên tập Báo Hà Tĩnh", "Hiệu trưởng trường Mầm non Hoa Sen").
        let n = filler_len(&c, i).max(title_len(ctx, &c, i));
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
    // "Ban Thường trực Ủy ban MTTQ Việt Nam huyện …": the standing body of an organisation
    // stands for the organisation.
    if c.lower.get(i).is_some_and(|w| w == "ban")
        && c.lower.get(i + 1).is_some_and(|w| word_is(w, "thường"))
        && c.lower.get(i + 2).is_some_and(|w| word_is(w, "trực"))
        && c.words
            .get(i + 3)
            .is_some_and(|w| w.is_capitalized() || w.is_all_caps())
        && c.match_head(ctx.gaz, i + 3).is_some()
    {
        return unit_from_word(ctx, c, i + 3, opts);
    }
    // "Agribank chi nhánh Cần Thơ": a brand before a lower-case "chi nhánh".
    if c.match_head(ctx.gaz, i).is_none()
        && c.words
            .get(i)
            .is_some_and(|w| w.is_capitalized() || w.is_all_caps())
        && c.lower.get(i + 1).is_some_and(|w| w == "chi")
        && c.lower.get(i + 2).is_some_and(|w| word_is(w, "nhánh"))
        && ctx.text[c.words[i].end..c.words[i + 1].start]
            .trim()
            .is_empty()
        && let Some((mut u, next)) = unit_from_word(ctx, c, i + 1, opts)
    {
        u.span.start = c.words[i].start;
        return Some((u, next));
    }
    let text = ctx.text;
    let first = c.words.get(i)?;
    let (head_len, kind) = c.match_head(ctx.gaz, i)?;
    if NOT_UNITS.contains(&kind) {
        return None;
    }
    let place = kind == "place";
    // "Cục trưởng Cục Thi hành án", "Chi cục trưởng Chi cục Quan Sơn", "Viện trưởng VKSND":
    // a head followed by "trưởng" or "phó" is a person's title, not a unit.
    if c.lower
        .get(i + head_len)
        .is_some_and(|w| word_is(w, "trưởng") || word_is(w, "phó"))
        && !c.words[i + head_len].is_capitalized()
    {
        return None;
    }
    // "Sở Nội vụ Phan Lương", "Chi cục Quan Sơn": a lower-case head word right after a
    // capitalized word is inside a name, not the start of another unit.
    if !place
        && !first.is_capitalized()
        && c.lower[i] != "chi"
        && i > 0
        && (c.words[i - 1].is_capitalized() || c.words[i - 1].is_all_caps())
        && ctx.text[c.words[i - 1].end..first.start].trim().is_empty()
    {
        return None;
    }
    // "tỉnh Trần Thị Hoài Trâm": a place word before a person's full name is the end of the
    // unit before it.
    if place && opts.stop_at_person && person_run_at(ctx, c, i + head_len).is_some() {
        return None;
    }
    // "ngân hàng Eximbank": a head in lower case still starts a unit when a name follows.
    if !place
        && !first.is_capitalized()
        && !c
            .words
            .get(i + head_len)
            .is_some_and(|w| w.is_capitalized() || w.is_all_caps())
    {
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
            // "Sở Lao động - Thương binh và Xã hội"; not a role after a dash ("LĐLĐ quận Tây
            // Hồ - Cụm trưởng", "Sở Y tế - Phó Trưởng khối").
            "-" if (w.is_capitalized() || w.is_all_caps())
                && !matches!(c.folded[j].as_str(), "khoi" | "cum" | "truong" | "pho")
                && !unit_after_dash(ctx, c, i, j) => {}
            // "TP.Biên Hòa", "H. Trảng Bom": an abbreviated place word before a name.
            "." if PLACE_ABBREVIATIONS.contains(&c.words[j - 1].text)
                && (w.is_capitalized() || w.is_number()) => {}
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
        // "Hội Nông dân Việt Nam và Phó khối là …", "Sở Y tế Cụm trưởng": a role ends the name.
        if role_at(c, j) {
            break;
        }
        // "TAND TỈNH VÀ CỤC THADS TỈNH": in capitals, "VÀ" before another unit ends this one.
        if w.is_all_caps()
            && c.lower[j] == "và"
            && unit_from_word(ctx, c, j + 1, UnitOpts::default()).is_some()
        {
            break;
        }
        if is_lower(w) {
            if let Some((n, _)) = c.match_stop(ctx.gaz, j) {
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
                // "và" before another unit ends this one ("Cục Thuế tỉnh và Kho bạc …", "… và
                // đơn vị khách mời là …", "… và các đơn vị …"); inside a name it stays ("Sở Lao động - Thương binh
                // và Xã hội").
                if j + 1 >= c.words.len()
                    || (c.folded[j + 1] == "don" && c.folded.get(j + 2).is_some_and(|w| w == "vi"))
                    // "Sở Xây dựng và các đơn vị khách mời": a plural after "và" is another
                    // group of units, never inside a unit's name.
                    || (matches!(c.folded[j + 1].as_str(), "cac" | "nhung")
                        && is_lower(&c.words[j + 1]))
                    || unit_from_word(ctx, c, j + 1, UnitOpts::default()).is_some()
                    || ctx.gaz.province(&place_run(ctx, c, j + 1)).is_some()
                {
                    break;
                }
            }
            if c.folded[j] == "cac"
                && c.folded.get(j + 1).is_some_and(|w| w == "don")
                && c.folded.get(j + 2).is_some_and(|w| w == "vi")
            {
                // "Thanh tra các đơn vị: Sở A, Sở B": a head over units named next is no
                // unit of its own.
                return None;
            }
            if c.folded[j] == "cac"
                && c.lower_from(j + 1)
                    .first()
                    .is_some_and(|w| ctx.gaz.match_head(&[w]).is_some_and(|(_, k)| k == "place"))
            {
                // "UBMTTQVN các tỉnh Quảng Nam, …": the places share this head.
                break;
            }
        } else if (opts.stop_at_person
            && !place
            && name_words >= 2
            && (title_before(ctx, c, i) || !matches!(kind, "school" | "hospital"))
            // Right after the head a short run is the unit's own name ("Chi cục Quan Sơn");
            // a full name of three words is a person ("Tỉnh ủy Nguyễn Văn Hải").
            && person_run_at(ctx, c, j).is_some_and(|k| j > i + head_len || k - j >= 3))
            || (place && !w.is_capitalized() && !w.is_number())
        {
            break;
        }
        end = w.end;
        j += 1;
        name_words += 1;
    }
    // Drop trailing connectors.
    while j > i + head_len {
        let last = j - 1;
        if matches!(c.folded[last].as_str(), "va" | "cac" | "cua" | "-") && is_lower(&c.words[last])
        {
            j -= 1;
            end = c.words[j - 1].end;
        } else {
            break;
        }
    }
    let span = Span::new(first.start, end);
    let words_in = j - i;
    if words_in < 2 && head_len < 2 {
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
            note: None,
        },
        j,
    ))
}

/// True when the word after a dash starts another unit of its own ("Viện KSND tỉnh - Tòa án
/// nhân dân tỉnh - Sở Tư pháp"): a list written with dashes. A part of the same organisation
/// ("… - Chi nhánh tỉnh", "… - Trung tâm …", "… - Phòng …"), a head word the name already
/// holds ("Ban Quản lý các Khu Chế xuất - Khu Công nghiệp") and a place continue the name.
fn unit_after_dash(ctx: &Ctx, c: &Cursor, i: usize, j: usize) -> bool {
    const PARTS: [&str; 5] = ["chi", "trung", "phong", "van", "ban"];
    !PARTS.contains(&c.folded[j].as_str())
        && !c.folded[i..j].contains(&c.folded[j])
        && c.match_head(ctx.gaz, j)
            .is_some_and(|(_, kind)| !matches!(kind, "place" | "event" | "venue"))
}

/// The number of words of a person's title at word `i` ("Giám đốc", "Phó Chủ tịch", "Tổng
/// Biên tập"; `titles.tsv`, compared in lower case), 0 when there is none.
fn title_len(ctx: &Ctx, c: &Cursor, i: usize) -> usize {
    let pho = usize::from(c.lower.get(i).is_some_and(|w| w == "phó"));
    let words = &c.lower[(i + pho).min(c.lower.len())..];
    ctx.gaz
        .titles_lower
        .iter()
        .filter(|t| words.len() >= t.len() && words[..t.len()] == t[..])
        .map(Vec::len)
        .max()
        .map_or(0, |n| n + pho)
}

/// True when the word before `i` ends a position title ("Giám đốc", "Trưởng", "Tổng"): the
/// unit then names where a person works, and a person's name may follow it ("Trưởng Ban
/// Dân vận Tỉnh ủy Lê Thị Lan Hương"). Schools and hospitals are often named after people
/// ("Trường Chính trị Tôn Đức Thắng"), so there a name ends the unit only after a title.
fn title_before(ctx: &Ctx, c: &Cursor, i: usize) -> bool {
    let Some(prev) = i.checked_sub(1).map(|k| c.lower[k].as_str()) else {
        return false;
    };
    // The titles' last words, from their lower-case words read once (lower-casing every
    // title at every call cost more than the rest of reading a list).
    ctx.gaz
        .titles_lower
        .iter()
        .any(|t| t.last().map(String::as_str) == Some(prev))
        || matches!(prev, "trực" | "phó")
}

/// The capitalized words from `j` (up to four), as one string: a candidate place name.
fn place_run(ctx: &Ctx, c: &Cursor, j: usize) -> String {
    let mut end = j;
    while end < c.words.len() && end - j < 4 && c.words[end].is_capitalized() {
        end += 1;
    }
    if end == j {
        return String::new();
    }
    ctx.text[c.words[j].start..c.words[end - 1].end].to_string()
}

/// A bloc role at word `j` ("Trưởng khối", "Cụm phó", "phó cụm"), or "và" before one.
fn role_at(c: &Cursor, j: usize) -> bool {
    let at = |k: usize| c.folded.get(k).map(String::as_str);
    let j = if at(j) == Some("va") { j + 1 } else { j };
    matches!(
        (at(j), at(j + 1)),
        (Some("truong" | "pho"), Some("khoi" | "cum"))
            | (Some("khoi" | "cum"), Some("truong" | "pho"))
    )
}

/// True when the word after `j` is "Văn" or "Thị", the middle names that mark a person's full
/// name: word `j` is then a family name even when `surnames.tsv` lacks it ("Khuất Văn An",
/// "Lã Thị Bình"). The caller asks for three words at least.
pub(crate) fn before_middle_name(words: &[Word], j: usize) -> bool {
    words
        .get(j + 1)
        .is_some_and(|n| matches!(n.text, "Văn" | "Thị"))
}

/// A person's name starting at word `j`: a family name and 1–3 more capitalized words,
/// not a province name. Returns the index after it.
fn person_run_at(ctx: &Ctx, c: &Cursor, j: usize) -> Option<usize> {
    let w = c.words.get(j)?;
    let known = ctx.gaz.is_surname(w.text);
    if !w.is_capitalized() || !(known || before_middle_name(c.words, j)) {
        return None;
    }
    // "quận Lê Chân": after a place word the words are the place's name, unless they run
    // to a full name of three or more words ("Văn phòng UBND tỉnh Trần Thị Hoài Trâm").
    let after_place = j > 0
        && ctx
            .gaz
            .match_head(&[c.lower[j - 1].as_str()])
            .is_some_and(|(_, k)| k == "place");
    let mut k = j + 1;
    while k < c.words.len()
        && k - j < 4
        && c.words[k].is_capitalized()
        && ctx.text[c.words[k - 1].end..c.words[k].start]
            .trim()
            .is_empty()
    {
        k += 1;
    }
    if k - j < 2 || ((after_place || !known) && k - j < 3) {
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
    ctx.gaz.name_phrase_len(&ctx.text[pos..])
}

/// A place name without a head: 1–5 capitalized words joined by spaces or " - "
/// ("Quan Sơn", "Bà Rịa - Vũng Tàu", "M'Drắk").
fn bare_place_at(ctx: &Ctx, c: &Cursor, i: usize) -> Option<(Span, usize)> {
    let first = c.words.get(i)?;
    if !first.is_capitalized()
        || c.match_head(ctx.gaz, i).is_some()
        || matches!(c.folded[i].as_str(), "khoi" | "cum")
    {
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
    let slot = over_place_abbreviations(ctx.text, slot);
    // No unit name runs longer than this many words: only the end of a long slot (a whole
    // clause before "là trưởng khối") can hold the unit, and trying every word of the clause
    // as a start was most of the cost of reading roles.
    const MAX_UNIT_WORDS: usize = 24;
    let text = &ctx.text[slot.start..slot.end];
    let from = text
        .char_indices()
        .rev()
        .filter(|&(i, c)| c == ' ' && i > 0)
        .nth(MAX_UNIT_WORDS)
        .map_or(slot.start, |(i, _)| slot.start + i + 1);
    let tokens = Tokens::new(ctx.text, from, slot.end);
    let c = tokens.cursor();
    let found: Vec<(UnitSpan, usize)> = (0..c.words.len())
        .filter_map(|i| unit_from_word(ctx, &c, i, opts))
        .collect();
    let best = found.iter().map(|(u, _)| u).max_by(|a, b| {
        a.span
            .end
            .cmp(&b.span.end)
            .then(b.span.start.cmp(&a.span.start))
    })?;
    // "Chủ tịch Ủy ban MTTQ phường Hạc Thành Mai Văn Xuân, cụm trưởng": read from the place
    // word, the place's name runs into the person's name; the unit read from the title's end
    // stops at the name, and the name is no unit's.
    let person_after = found.iter().find(|(v, next)| {
        v.span.start < best.span.start
            && best.span.start < v.span.end
            && v.span.end < best.span.end
            && person_run_at(ctx, &c, *next).is_some_and(|k| c.words[k - 1].end == best.span.end)
    });
    Some(person_after.map_or(best, |(v, _)| v).clone())
}

/// The first unit in `slot` (for slots that follow a verb: "suy tôn Thanh tra tỉnh làm …").
pub fn unit_starting_in(ctx: &Ctx, slot: Span, opts: UnitOpts) -> Option<UnitSpan> {
    unit_at(ctx, slot.start, slot.end, opts)
}

/// Reads a list of units in `slot`: "A, B và C", "A; B; C", items with role notes
/// ("Sở X là trưởng cụm, …"), place lists ("các huyện: Quan Sơn, Như Thanh …") and lists
/// sharing a prefix ("Sở VH,TT&DL tỉnh Nam Định, Hà Nam", "các sở Xây dựng, Tài chính",
/// "UBMTTQVN các tỉnh Quảng Nam, Quảng Ngãi"). `place_kind` is the collective noun when the
/// list is introduced as places ("huyện").
pub fn unit_list(ctx: &Ctx, slot: Span, shared: Shared) -> Vec<UnitSpan> {
    let tokens = Tokens::new(ctx.text, slot.start, slot.end);
    unit_list_in(ctx, &tokens.cursor(), slot, shared)
}

/// [`unit_list`] over the words of `slot`, already tokenized.
fn unit_list_in(ctx: &Ctx, c: &Cursor, slot: Span, shared: Shared) -> Vec<UnitSpan> {
    let text = ctx.text;
    let mut items: Vec<UnitSpan> = Vec::new();
    let semicolons = text[slot.start..slot.end].contains(';');
    let mut i = 0;
    let mut shared = shared;
    while i < c.words.len() {
        // "gồm: (1) Sở Y tế; (2) Sở Tư pháp", "1. Sở Y tế, 2. …", "a) …": an item's number.
        if enumerator_at(ctx, c, i, slot.start) {
            i += 1;
            continue;
        }
        // "UBMTTQVN các tỉnh Quảng Nam, …", "UBMTTQ Việt Nam các huyện A, B": a unit
        // distributed over the places that follow ("các"/a number and a place word).
        if let Some((after, distributed)) = distributed_head(ctx, c, i) {
            shared = distributed;
            i = after;
            continue;
        }
        // "Agribank (các chi nhánh: …)": a name in capitals alone, then its branches.
        if (c.words[i].is_capitalized() || c.words[i].is_all_caps())
            && let Some(j) = (i + 1..c.words.len().min(i + 5))
                .find(|&j| ctx.text[c.words[j - 1].end..c.words[j].start].trim() == "(")
            && c.words[i..j]
                .iter()
                .all(|w| w.is_capitalized() || w.is_all_caps())
            && let Some((branches, after)) =
                branches_in_brackets(ctx, c, &ctx.text[c.words[i].start..c.words[j - 1].end], j)
        {
            items.extend(branches);
            i = after;
            continue;
        }
        let n = filler_len(c, i);
        if n > 0 {
            // "các sở Xây dựng, …", "các huyện Yên Sơn, …": a lower-case head after "các" is
            // shared by the items that follow.
            if c.folded[i] == "cac"
                && let Some(next) = c.words.get(i + 1)
                && is_lower(next)
                && let Some((hl, _)) = c.match_head(ctx.gaz, i + 1)
            {
                shared.kind = Some(text[next.start..c.words[i + hl].end].to_string());
                i += 1 + hl;
                continue;
            }
            i += n;
            continue;
        }
        // "Cục trưởng Cục Thi hành án dân sự tỉnh, Chánh án TAND tỉnh": a person's title
        // before the unit they lead.
        if c.words[i].is_capitalized()
            && let t = title_len(ctx, c, i)
            && t > 0
            && unit_from_word(ctx, c, i + t, UnitOpts::default()).is_some()
        {
            i += t;
            continue;
        }
        if let Some((mut u, next)) = unit_from_word(ctx, c, i, UnitOpts::default()) {
            // "Ngân hàng X (các chi nhánh: Đồng Nai, Bắc Đồng Nai)": the unit's branches.
            let owner = u
                .expanded
                .clone()
                .unwrap_or_else(|| ctx.s(u.span).to_string());
            if let Some((branches, after)) = branches_in_brackets(ctx, c, &owner, next) {
                items.extend(branches);
                i = after;
                continue;
            }
            // "Thanh tra 6 tỉnh, thành phố: …, Thành phố Hồ Chí Minh": the shared head applies
            // to a place written with its own place word.
            if u.kind == "place"
                && let Some(prefix) = &shared.prefix
            {
                u.expanded = Some(format!("{prefix} {}", ctx.s(u.span)));
            }
            let (after, note) = skip_note(ctx, c, next, semicolons);
            u.note = note;
            items.push(u);
            i = after;
            continue;
        }
        // "các sở Xây dựng, Giao thông vận tải": names after a shared head that is not a place.
        if shared.prefix.is_none()
            && let Some(head) = shared.kind.as_deref()
            // ("trường THPT" after "các trường THPT Lê Lợi, …": the head is its first words.)
            && leading_head_kind(ctx.gaz, head).is_some_and(|k| k != "place")
            && let Some((span, next)) = shared_name_at(ctx, c, i)
        {
            let (after, note) = skip_note(ctx, c, next, semicolons);
            let expanded = format!("{} {}", capitalize_head(head), ctx.s(span));
            // "các trường THPT Lê Lợi, Nguyễn Du": the kind written before the first name
            // ("THPT", "Mầm non": capitals or `unit_types.tsv`) is shared too.
            let unit_type = match ctx.gaz.unit_type_len(ctx.s(span)) {
                Some(len) => Some(len),
                None => c.words[i]
                    .is_all_caps()
                    .then(|| c.words[i].end - c.words[i].start),
            };
            if let Some(len) = unit_type
                && len < span.len()
            {
                let unit_type = ctx.s(span)[..len].to_string();
                shared.kind = Some(format!("{head} {unit_type}"));
            }
            items.push(UnitSpan {
                span,
                expanded: Some(expanded),
                kind: "shared".to_string(),
                note,
            });
            i = after;
            continue;
        }
        // "Hải đoàn 18, 28 và 48", "Quận ủy 1, 3, 5": numbers after a unit named by its
        // number share its head.
        if c.words[i].is_number()
            && let Some(prev) = items.last()
            && prev.kind != "bare_place"
            && let Some(head) = numbered_head(prev.expanded.as_deref().unwrap_or(ctx.s(prev.span)))
        {
            let head = head.to_string();
            let span = Span::new(c.words[i].start, c.words[i].end);
            let (after, note) = skip_note(ctx, c, i + 1, semicolons);
            items.push(UnitSpan {
                span,
                expanded: Some(format!("{head} {}", ctx.s(span))),
                kind: "shared".to_string(),
                note,
            });
            // "Quận ủy 1, 3, Tân Bình": names after the numbers share the head too.
            if shared.prefix.is_none() && shared.kind.is_none() {
                shared.prefix = Some(head);
            }
            i = after;
            continue;
        }
        // "Hội Khuyến học các quận 4, 6, Bình Thạnh": numbered districts and wards.
        let numbered = c.words[i].is_number()
            && shared
                .kind
                .as_deref()
                .is_some_and(|k| matches!(fold_str(k).as_str(), "quan" | "phuong"));
        let bare = if numbered {
            Some((Span::new(c.words[i].start, c.words[i].end), i + 1))
        } else {
            bare_place_at(ctx, c, i)
        };
        if let Some((span, next)) = bare
            && bare_place_ok(ctx, &items, &shared, span)
        {
            let expanded = expand_shared(ctx, &items, &shared, span);
            let (after, note) = skip_note(ctx, c, next, semicolons);
            items.push(UnitSpan {
                span,
                expanded,
                kind: "bare_place".to_string(),
                note,
            });
            i = after;
            continue;
        }
        // "Sở Y tế, Nhà xuất bản Tư pháp, Viettel Nam Định, …": inside a list that has begun
        // with known units, an item whose head word the gazetteer lacks is still an item when
        // it is a capitalized name running to the next separator.
        if !items.is_empty()
            && let Some((span, next)) = named_item_at(ctx, c, i, semicolons)
        {
            let (after, note) = skip_note(ctx, c, next, semicolons);
            items.push(UnitSpan {
                span,
                expanded: None,
                kind: "named".to_string(),
                note,
            });
            i = after;
            continue;
        }
        // "Khối gồm: Nhà hát Ca múa nhạc tỉnh, Sở Y tế, …": the first item, whose head the
        // gazetteer lacks, is an item when a known unit follows it after a separator. It
        // opens on an abbreviation in capitals or two capitalized words ("Theo đó, Sở Y tế
        // …" is no item).
        if items.is_empty()
            && (c.words[i].is_all_caps() && c.words[i].text.chars().count() >= 2
                || c.words
                    .get(i + 1)
                    .is_some_and(|n| n.is_capitalized() || n.is_all_caps()))
            && let Some((span, next)) = named_run(ctx, c, i)
            && next < c.words.len()
            && ctx.text[c.words[next - 1].end..c.words[next].start]
                .trim()
                .starts_with([',', ';'])
            && unit_from_word(ctx, c, next, UnitOpts::default()).is_some()
        {
            items.push(UnitSpan {
                span,
                expanded: None,
                kind: "named".to_string(),
                note: None,
            });
            i = next;
            continue;
        }
        match continuation(ctx, c, i, semicolons) {
            Some(end_word) if !items.is_empty() => {
                let last = items.last_mut().expect("not empty");
                last.span.end = c.words[end_word - 1].end;
                i = end_word;
            }
            _ => break,
        }
    }
    items
}

/// The list read from word `i` of `c` to `end` when that word begins a capitalized run and
/// heads a unit; `None` otherwise.
fn list_from_head(ctx: &Ctx, c: &Cursor, i: usize, end: usize) -> Option<Vec<UnitSpan>> {
    let w = c.words.get(i)?;
    let capital = |w: &Word| w.is_capitalized() || w.is_all_caps();
    if i > 0 && capital(&c.words[i - 1]) || !capital(w) {
        return None;
    }
    unit_from_word(ctx, c, i, UnitOpts::default())?;
    let rest = Cursor {
        words: &c.words[i..],
        folded: &c.folded[i..],
        lower: &c.lower[i..],
        from: w.start,
    };
    Some(unit_list_in(
        ctx,
        &rest,
        Span::new(w.start, end),
        Shared::none(),
    ))
}

/// A list of exactly `n` units in `span` that starts at a unit head and runs to the end of
/// the span or of the list ("Tham dự có lãnh đạo Sở A, Sở B và Thanh tra tỉnh."): the first
/// start, trying each word that begins a capitalized run, whose list has `n` items.
pub fn list_of_len(ctx: &Ctx, span: Span, n: usize) -> Option<Vec<UnitSpan>> {
    let tokens = Tokens::new(ctx.text, span.start, span.end);
    let c = tokens.cursor();
    for i in 0..c.words.len() {
        let Some(items) = list_from_head(ctx, &c, i, span.end) else {
            continue;
        };
        if items.len() >= n {
            return (items.len() == n).then_some(items);
        }
    }
    None
}

/// The lists of at least `min` units in `span`, each read from a unit head that begins a
/// capitalized run, in order and not overlapping.
pub fn lists_in(ctx: &Ctx, span: Span, min: usize) -> Vec<Vec<UnitSpan>> {
    let tokens = Tokens::new(ctx.text, span.start, span.end);
    let c = tokens.cursor();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.words.len() {
        let Some(items) = list_from_head(ctx, &c, i, span.end) else {
            i += 1;
            continue;
        };
        // Units after a person's title ("Phó Giám đốc Sở Nội vụ, Phó Chủ tịch Hội đồng …")
        // are where people work, not a list of units.
        let titled = items.iter().any(|u| {
            let at = c.words.partition_point(|w| w.start < u.span.start);
            at < c.words.len() && title_before(ctx, &c, at)
        });
        if items.len() >= min && !titled {
            let end = items.last().map_or(c.words[i].end, |u| u.span.end);
            out.push(items);
            while i < c.words.len() && c.words[i].start < end {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    out
}

/// The kind of the unit head that starts `words` ("trường THPT" → the kind of "trường").
fn leading_head_kind<'g>(gaz: &'g Gazetteers, words: &str) -> Option<&'g str> {
    let lower: Vec<String> = words.split(' ').map(chars::to_lowercase).collect();
    let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
    gaz.match_head(&lower).map(|(_, kind)| kind)
}

/// Longest name read as a list item without a known head.
const MAX_NAMED_ITEM_WORDS: usize = 8;

/// A list item whose head the gazetteer does not know ("Nhà xuất bản Tư pháp", "Viettel Nam
/// Định"): after a separator (a comma, a semicolon, "và"), a capitalized word that is not a
/// person's name or an honorific, then words up to the next separator or the end, none of
/// them a stop word, at most [`MAX_NAMED_ITEM_WORDS`]. Returns the name and the word after
/// it.
fn named_item_at(ctx: &Ctx, c: &Cursor, i: usize, semicolons: bool) -> Option<(Span, usize)> {
    let w = c.words.get(i)?;
    if i == 0 || !(w.is_capitalized() || w.is_all_caps()) || w.is_number() {
        return None;
    }
    let gap = ctx.text[c.words[i - 1].end..w.start].trim();
    let sep = if semicolons { ";" } else { "," };
    if !(gap == sep || gap.is_empty() && word_is(&c.lower[i - 1], "và")) {
        return None;
    }
    named_run(ctx, c, i)
}

/// A capitalized name from word `i` to the next separator, "và" before a capital, bracket
/// or dash: no person, honorific, title or stop word, at most `MAX_NAMED_ITEM_WORDS` words.
fn named_run(ctx: &Ctx, c: &Cursor, i: usize) -> Option<(Span, usize)> {
    let w = c.words.get(i)?;
    if !(w.is_capitalized() || w.is_all_caps()) || w.is_number() {
        return None;
    }
    if person_run_at(ctx, c, i).is_some()
        || HONORIFIC_WORDS.contains(&c.lower[i].as_str())
        || c.match_stop(ctx.gaz, i).is_some()
        || title_len(ctx, c, i) > 0
    {
        return None;
    }
    let mut j = i + 1;
    while j < c.words.len() {
        let g = ctx.text[c.words[j - 1].end..c.words[j].start].trim();
        if !g.is_empty() {
            break;
        }
        // "… và Sở Y tế": "và" before a capitalized word ends the item.
        if word_is(&c.lower[j], "và")
            && c.words
                .get(j + 1)
                .is_some_and(|n| n.is_capitalized() || n.is_all_caps())
        {
            break;
        }
        if is_lower(&c.words[j]) && c.match_stop(ctx.gaz, j).is_some() {
            return None;
        }
        j += 1;
    }
    if j - i > MAX_NAMED_ITEM_WORDS {
        return None;
    }
    // The item must end at a separator, a "và", a bracket or the end of the list.
    if let Some(n) = c.words.get(j) {
        let g = ctx.text[c.words[j - 1].end..n.start].trim();
        let ok = g.starts_with([',', ';', '(', '-']) || g.is_empty() && word_is(&c.lower[j], "và");
        if !ok {
            return None;
        }
    }
    Some((Span::new(w.start, c.words[j - 1].end), j))
}

/// Words that introduce a person, never a unit.
const HONORIFIC_WORDS: [&str; 5] = ["ông", "bà", "đồng", "đ/c", "anh"];

/// What the items of a list share: a head ("UBMTTQVN", "Công an", "Thanh tra") and a kind
/// ("tỉnh", "huyện", or a lower-case head such as "sở").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shared {
    pub prefix: Option<String>,
    pub kind: Option<String>,
}

impl Shared {
    /// Nothing shared.
    pub fn none() -> Shared {
        Shared::default()
    }

    fn is_some(&self) -> bool {
        self.prefix.is_some() || self.kind.is_some()
    }
}

/// A unit head at word `i` followed, within the same clause, by "các" or a number and a
/// place word: the head and its name are shared by the places that follow ("UBMTTQ Việt Nam
/// các huyện Tuy Phong, Bắc Bình", "Công an 5 thành phố: Hà Nội, Hải Phòng"). Returns the
/// index after the place word and what is shared.
fn distributed_head(ctx: &Ctx, c: &Cursor, i: usize) -> Option<(usize, Shared)> {
    const MAX_NAME_WORDS: usize = 6;
    let (hl, kind) = c.match_head(ctx.gaz, i)?;
    if matches!(kind, "place" | "event" | "venue")
        || !(c.words[i].is_capitalized() || c.words[i].is_all_caps())
    {
        return None;
    }
    let text = ctx.text;
    let mut k = i + hl;
    while k < c.words.len() && k - i <= MAX_NAME_WORDS {
        if !text[c.words[k - 1].end..c.words[k].start].trim().is_empty() {
            return None;
        }
        let quantifier = c.folded[k] == "cac" || c.words[k].is_number();
        if quantifier && let Some((kl, "place")) = c.match_head(ctx.gaz, k + 1) {
            let kind_words = &c.words[k + 1..k + 1 + kl];
            return Some((
                k + 1 + kl,
                Shared {
                    prefix: Some(text[c.words[i].start..c.words[k - 1].end].to_string()),
                    kind: Some(text[kind_words[0].start..kind_words[kl - 1].end].to_string()),
                },
            ));
        }
        // A name part in capitals or a lower-case word that is not a stop word.
        if is_lower(&c.words[k]) && c.match_stop(ctx.gaz, k).is_some() {
            return None;
        }
        k += 1;
    }
    None
}

/// True when word `i` numbers a list item written inline: a number (up to three digits) or a
/// lower-case letter that starts an item (after the list's start, a comma, a semicolon or a
/// colon, maybe in an opening bracket), closed by ")", "." or "/" and a space, then a
/// capitalized word: "(1) Sở Y tế; (2) …", "1. Sở Y tế, 2. …", "a) …". Not a unit's number
/// ("Quận ủy 1, 3, 5").
fn enumerator_at(ctx: &Ctx, c: &Cursor, i: usize, start: usize) -> bool {
    let text = ctx.text;
    let w = &c.words[i];
    let short = w.text.len() <= 3
        && (w.text.bytes().all(|b| b.is_ascii_digit())
            || (w.text.len() == 1 && w.text.bytes().all(|b| b.is_ascii_lowercase())));
    if !short {
        return false;
    }
    let before_from = if i == 0 { start } else { c.words[i - 1].end };
    let before = text[before_from..w.start].trim();
    let before = before.strip_suffix('(').unwrap_or(before).trim_end();
    if !(i == 0 && before.is_empty() || before.ends_with([',', ';', ':'])) {
        return false;
    }
    let Some(next) = c.words.get(i + 1) else {
        return false;
    };
    let gap = &text[w.end..next.start];
    let closer = gap.trim_start().chars().next();
    matches!(closer, Some(')' | '.' | '/'))
        && gap.len() > 1
        && gap.ends_with(char::is_whitespace)
        && (next.is_capitalized() || next.is_all_caps())
}

/// A unit, then its own units named in brackets after "các" and their head, a colon, then
/// their names: "Agribank (các chi nhánh: Đồng Nai, Bắc Đồng Nai và Bình Phước)" is
/// "Agribank chi nhánh Đồng Nai", … The unit itself only names them. Returns the items and
/// the word after the closing bracket.
fn branches_in_brackets(
    ctx: &Ctx,
    c: &Cursor,
    owner: &str,
    next: usize,
) -> Option<(Vec<UnitSpan>, usize)> {
    let text = ctx.text;
    let gap = |k: usize| text[c.words[k - 1].end..c.words[k].start].trim();
    if next + 2 >= c.words.len() || gap(next) != "(" || c.folded[next] != "cac" {
        return None;
    }
    let (hl, _) = c.match_head(ctx.gaz, next + 1)?;
    let first = next + 1 + hl;
    if first >= c.words.len() || gap(first) != ":" {
        return None;
    }
    let head = &text[c.words[next + 1].start..c.words[first - 1].end];
    let mut items = Vec::new();
    let mut start = first;
    let mut k = first;
    loop {
        let closes = text[c.words[k].end..].trim_start().starts_with(')');
        let ends_item = closes
            || k + 1 >= c.words.len()
            || gap(k + 1).contains(',')
            || word_is(&c.lower[k + 1], "và");
        if ends_item {
            let word = &c.words[start];
            if !(word.is_capitalized() || word.is_all_caps() || word.is_number()) {
                return None;
            }
            let span = Span::new(word.start, c.words[k].end);
            items.push(UnitSpan {
                span,
                expanded: Some(format!("{owner} {head} {}", ctx.s(span))),
                kind: "shared".to_string(),
                note: None,
            });
            if closes {
                return Some((items, k + 1));
            }
            if k + 1 >= c.words.len() {
                return None;
            }
            start = if word_is(&c.lower[k + 1], "và") {
                k + 2
            } else {
                k + 1
            };
            k = start;
            if k >= c.words.len() {
                return None;
            }
            continue;
        }
        k += 1;
    }
}

/// The head of a unit named by its number ("Hải đoàn 18" → "Hải đoàn", "Quận ủy 1" →
/// "Quận ủy").
fn numbered_head(name: &str) -> Option<&str> {
    let (head, number) = name.rsplit_once(' ')?;
    (!head.is_empty() && !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
        .then_some(head)
}

/// What the introduction of a list says its items share: the last quantifier ("các", a
/// number) followed by a head, and the unit written before it. "Sở Tài chính các tỉnh" →
/// prefix "Sở Tài chính", kind "tỉnh"; "Liên hiệp các Hội KH-KT 6 tỉnh" → prefix "Liên hiệp
/// các Hội KH-KT", kind "tỉnh"; "các Chi cục" → kind "Chi cục" (items are names after it).
pub fn shared_of_intro(ctx: &Ctx, intro: Span) -> Shared {
    let tokens = Tokens::new(ctx.text, intro.start, intro.end);
    let c = tokens.cursor();
    let text = ctx.text;
    let quantifier = |k: usize| {
        c.folded[k] == "cac" || c.words[k].is_number() || ctx.gaz.number(c.words[k].text).is_some()
    };
    let Some((k, hl, kind)) = (0..c.words.len())
        .filter(|&k| quantifier(k))
        .filter_map(|k| {
            let (hl, kind) = c.match_head(ctx.gaz, k + 1)?;
            Some((k, hl, kind))
        })
        .rfind(|&(_, _, kind)| kind != "event" && kind != "venue")
    else {
        return Shared::none();
    };
    let kind_text = text[c.words[k + 1].start..c.words[k + hl].end].to_string();
    // The unit the items share: from the first capitalized head with no separator between it
    // and the quantifier.
    let prefix = (0..k)
        .filter(|&i| {
            (c.words[i].is_capitalized() || c.words[i].is_all_caps())
                && c.match_head(ctx.gaz, i)
                    .is_some_and(|(_, kd)| !matches!(kd, "place" | "event" | "venue"))
                && !text[c.words[i].end..c.words[k].start].contains([',', ';', ':'])
                // "Bí thư Đảng ủy xã và đại diện 05 xã": a "và" or the people sent
                // ("đại diện", "lãnh đạo") end the unit before the places.
                && !(i + 1..k).any(|j| {
                    let w = c.folded[j].as_str();
                    w == "va" || (matches!(w, "dai" | "lanh") && matches!(c.folded.get(j + 1).map(String::as_str), Some("dien" | "dao")))
                })
        })
        .map(|i| text[c.words[i].start..c.words[k - 1].end].to_string())
        .next();
    match (kind, prefix) {
        ("place", prefix) => Shared {
            prefix,
            kind: Some(kind_text),
        },
        (_, None) => Shared {
            prefix: None,
            kind: Some(kind_text),
        },
        _ => Shared::none(),
    }
}

/// A capitalized word run is taken as a place only where places are expected: after a
/// collective noun ("các huyện: …"), in a list of places, after an item that ends with a
/// place (a shared prefix), or when it is a province ("Kết quả, …" is not a place).
fn bare_place_ok(ctx: &Ctx, items: &[UnitSpan], shared: &Shared, span: Span) -> bool {
    shared.is_some()
        || ctx.gaz.province(ctx.s(span)).is_some()
        || items
            .iter()
            .any(|u| matches!(u.kind.as_str(), "place" | "bare_place"))
        || items
            .iter()
            .rev()
            .find(|u| u.kind != "bare_place")
            .is_some_and(|u| trailing_place(ctx, ctx.s(u.span)).is_some())
}

/// A slot that a rule's pattern began after the dot of an abbreviated place word ("Sở Tư
/// pháp TP. Hồ Chí Minh xếp thứ nhất": the slot holds "Hồ Chí Minh") widened back over it,
/// to the start of its clause (after `;`, `:`, a sentence's dot or a line break).
fn over_place_abbreviations(text: &str, slot: Span) -> Span {
    let mut start = slot.start;
    loop {
        let before = text[..start].trim_end_matches([' ', '\u{a0}']);
        let Some(word) = before.strip_suffix('.').map(|b| {
            let from = b
                .rfind(|c: char| !c.is_alphabetic())
                .map_or(0, |i| i + b[i..].chars().next().map_or(1, char::len_utf8));
            &b[from..]
        }) else {
            break;
        };
        if !PLACE_ABBREVIATIONS.contains(&word) {
            break;
        }
        let abbr_start = before.len() - 1 - word.len();
        start = text[..abbr_start]
            .rfind([';', ':', '.', '\n'])
            .map_or(0, |i| i + 1);
    }
    Span::new(start, slot.end)
}

/// The list of units that ends where `region` ends (for units written before a phrase:
/// "Qua bình xét, Sở Y tế, Sở Tư pháp xếp thứ nhất"): the longest list starting after some
/// separator that reads to the end of the region.
pub fn unit_list_ending(ctx: &Ctx, region: Span) -> Vec<UnitSpan> {
    let region = over_place_abbreviations(ctx.text, region);
    let mut region = super::trim_span(ctx.text, region, &[',', ';', ':']);
    // "… chi nhánh Cần Thơ (Vietcombank Cần Thơ)": a note in brackets after the last unit.
    if ctx.s(region).ends_with(')')
        && let Some(open) = ctx.s(region).rfind('(')
    {
        region.end = region.start + ctx.s(region)[..open].trim_end().len();
    }
    if region.is_empty() {
        return Vec::new();
    }
    let tokens = Tokens::new(ctx.text, region.start, region.end);
    let all = tokens.cursor();
    // "Sở Y tế vinh dự | được xếp thứ nhất", "Sở A đã | được …": lower-case aspect words and
    // adverbs between the units and the verb are not part of the last unit.
    let n = adverbs_at_end(ctx, &all);
    if n < all.words.len() {
        region.end = all.words[n - 1].end;
    }
    let c = Cursor {
        words: &all.words[..n],
        folded: &all.folded[..n],
        lower: &all.lower[..n],
        from: all.from,
    };
    let text = &ctx.text[region.start..region.end];
    // Where a list can start: the region start, after a separator, or at a unit head.
    let mut starts: Vec<usize> = std::iter::once(0)
        .chain(
            text.char_indices()
                .filter(|&(_, c)| matches!(c, ',' | ';' | ':' | '(' | ')'))
                .map(|(i, c)| i + c.len_utf8()),
        )
        .collect();
    for (i, w) in c.words.iter().enumerate() {
        if c.match_head(ctx.gaz, i).is_some() {
            starts.push(w.start - region.start);
        }
    }
    starts.sort_unstable();
    starts.dedup();
    for off in starts {
        let from = region.start + off;
        let slot = Span::new(from, region.end);
        // The words from a start are a tail of the region's words: tokenized once.
        let items = match c.tail_from(from) {
            Some(tail) => unit_list_in(ctx, &tail, slot, Shared::none()),
            None => unit_list(ctx, slot, Shared::none()),
        };
        if items.last().is_some_and(|u| u.span.end >= region.end) {
            return items;
        }
    }
    Vec::new()
}

/// How many words are left once the lower-case aspect words and adverbs that end them are
/// cut (stops of kind "aspect" or "adverb": "đã", "vinh dự", "cũng", "tiếp tục" …); at least one.
fn adverbs_at_end(ctx: &Ctx, c: &Cursor) -> usize {
    let mut end = c.words.len();
    while end > 1 {
        let first = end.saturating_sub(ctx.gaz.stop_max_words()).max(1);
        let cut = (first..end).find(|&i| {
            is_lower(&c.words[i])
                && c.match_stop(ctx.gaz, i)
                    .is_some_and(|(n, kind)| i + n == end && matches!(kind, "aspect" | "adverb"))
        });
        match cut {
            Some(i) => end = i,
            None => break,
        }
    }
    end
}

/// A lower-case phrase right after a comma that continues the previous item up to the next
/// separator ("Phòng Phòng, chống ma túy và tội phạm"): no stop words, no new unit inside.
/// Returns the index after it.
fn continuation(ctx: &Ctx, c: &Cursor, i: usize, semicolons: bool) -> Option<usize> {
    let w = &c.words[i];
    let gap = if i > 0 {
        ctx.text[c.words[i - 1].end..w.start].trim()
    } else {
        ""
    };
    if !is_lower(w) || gap != "," || semicolons {
        return None;
    }
    let mut j = i;
    while j < c.words.len() {
        if j > i
            && !ctx.text[c.words[j - 1].end..c.words[j].start]
                .trim()
                .is_empty()
        {
            break;
        }
        if c.folded[j] == "va" && unit_from_word(ctx, c, j + 1, UnitOpts::default()).is_some() {
            break;
        }
        if is_lower(&c.words[j]) && c.match_stop(ctx.gaz, j).is_some() {
            return None;
        }
        j += 1;
    }
    Some(j)
}

/// After an item: skip a note up to the next separator ("Sở X là trưởng cụm, …", "Sở X
/// (Cụm trưởng), …", "Sở X - đơn vị Cụm phó, …"), or stop the list (the end) when the text
/// goes on with something else. Returns where the list goes on and the note.
fn skip_note(ctx: &Ctx, c: &Cursor, next: usize, semicolons: bool) -> (usize, Option<Span>) {
    let Some(w) = c.words.get(next) else {
        return (next, None);
    };
    let prev_end = c.words[next - 1].end;
    let gap = ctx.text[prev_end..w.start].trim();
    let sep = if semicolons { ";" } else { "," };
    if gap.starts_with(',')
        || gap.starts_with(';')
        || gap.is_empty() && (word_is(&c.lower[next], "và") || word_is(&c.lower[next], "cùng"))
    {
        return (next, None);
    }
    // The words from `next` to the next separator (or the end).
    let to_separator = || {
        let mut j = next;
        while j + 1 < c.words.len() {
            let g = &ctx.text[c.words[j].end..c.words[j + 1].start];
            j += 1;
            if g.contains(sep) || g.contains(',') {
                return j;
            }
        }
        c.words.len()
    };
    if gap.is_empty() && matches!(c.lower[next].as_str(), "là" | "làm" | "của") {
        let j = to_separator();
        return (j, Some(Span::new(w.start, c.words[j - 1].end)));
    }
    if gap == "(" || gap.starts_with('(') {
        let mut j = next;
        while j < c.words.len() && !ctx.text[c.words[j].end..].trim_start().starts_with(')') {
            j += 1;
        }
        let last = j.min(c.words.len() - 1);
        return (j + 1, Some(Span::new(w.start, c.words[last].end)));
    }
    if gap == "-" {
        // "LĐLĐ quận Ba Đình - Cụm trưởng, …": a role after a dash.
        let j = to_separator();
        let note = Span::new(w.start, c.words[j - 1].end);
        if note_role(ctx, note).is_some() {
            return (j, Some(note));
        }
        // "Viện KSND tỉnh - Tòa án nhân dân tỉnh - Sở Tư pháp": a dash between units.
        if unit_from_word(ctx, c, next, UnitOpts::default()).is_some() {
            return (next, None);
        }
    }
    (c.words.len(), None)
}

/// The role a list note gives its unit ("(đơn vị Cụm trưởng năm 2023)", "- Cụm phó",
/// "(khách mời)"), from the `role.note` rules: the rule's value ("head", "deputy", "guest")
/// and the hit.
pub fn note_role<'p>(ctx: &Ctx<'p>, note: Span) -> Option<super::Hit<'p>> {
    ctx.hits_in("role.note", note)
        .into_iter()
        .max_by_key(|h| h.rule.priority)
}

/// A name after a shared head ("Xây dựng", "Giao thông vận tải", "Tài nguyên và Môi
/// trường"): a known name phrase (`name_phrases.tsv`), or a capitalized word and the words
/// after it up to a separator, a stop word or "và".
fn shared_name_at(ctx: &Ctx, c: &Cursor, i: usize) -> Option<(Span, usize)> {
    let first = c.words.get(i)?;
    if !first.is_capitalized() {
        return None;
    }
    if let Some(len) = name_phrase_at(ctx, first.start) {
        let end = first.start + len;
        let next = (i..c.words.len())
            .find(|&k| c.words[k].start >= end)
            .unwrap_or(c.words.len());
        return Some((Span::new(first.start, end), next));
    }
    let mut j = i + 1;
    while j < c.words.len() && j - i < 8 {
        let w = &c.words[j];
        if !ctx.text[c.words[j - 1].end..w.start].trim().is_empty() || c.folded[j] == "va" {
            break;
        }
        if is_lower(w) && c.match_stop(ctx.gaz, j).is_some() {
            break;
        }
        j += 1;
    }
    Some((Span::new(first.start, c.words[j - 1].end), j))
}

/// For a bare place in a list: the full name it stands for when the list shares a prefix.
fn expand_shared(ctx: &Ctx, items: &[UnitSpan], shared: &Shared, place: Span) -> Option<String> {
    let place_text = ctx.s(place);
    // "các địa phương: Đức Trọng, Di Linh": a noun that is no unit head names no unit.
    if shared.prefix.is_none()
        && shared
            .kind
            .as_deref()
            .is_some_and(|k| ctx.gaz.unit_head_kind(k).is_none())
    {
        return None;
    }
    if shared.is_some() {
        let parts: Vec<String> = [
            shared.prefix.clone(),
            shared.kind.as_deref().map(capitalize_head),
        ]
        .into_iter()
        .flatten()
        .collect();
        return Some(format!("{} {place_text}", parts.join(" ")));
    }
    // "Sở … tỉnh Nam Định, Hà Nam": the previous full item ends with a place; swap it.
    let prev = items.iter().rev().find(|u| u.kind != "bare_place")?;
    let prev_text = ctx.s(prev.span);
    let prev_place = trailing_place(ctx, prev_text)?;
    let prefix = &prev_text[..prev_text.len() - prev_place.len()];
    // "Agribank Nam Định, Vietcombank Nam Định": an item that ends with the same place is a
    // name of its own, not a place to put in the previous one.
    if prefix.trim().is_empty()
        || place_text.len() > prev_place.len() && place_text.ends_with(prev_place)
    {
        return None;
    }
    Some(format!("{prefix}{place_text}"))
}

/// The place at the end of a unit name ("… tỉnh Nam Định" → "Nam Định").
fn trailing_place<'t>(ctx: &Ctx, name: &'t str) -> Option<&'t str> {
    for marker in ["tỉnh ", "huyện ", "thành phố ", "thị xã ", "quận "] {
        if let Some(pos) = name.rfind(marker) {
            let place = &name[pos + marker.len()..];
            if !place.is_empty()
                && place
                    .split(' ')
                    .all(|w| w.chars().next().is_some_and(chars::is_uppercase))
            {
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
        h if matches!(
            fold_str(h).as_str(),
            "huyen" | "tinh" | "thanh pho" | "thi xa" | "quan" | "xa" | "phuong"
        ) =>
        {
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
/// "&" → "và", the run's tone-mark style (`--style`: every output of a run writes names one
/// way), single spaces.
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
    crate::normalize::to_style(&spaced, ctx.normalizer.style())
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

/// Two mentions of the same unit in one article: equal keys, or equal once a trailing
/// province is set aside when only one of them names it ("Ngân hàng Sacombank" and "Ngân hàng
/// Sacombank Đồng Nai"; but "Bộ CHQS tỉnh Bến Tre" and "Bộ CHQS tỉnh Cà Mau" differ).
pub fn same_unit(ctx: &Ctx, a: &Unit, b: &Unit) -> bool {
    let ka = cached_key(ctx, a);
    let kb = cached_key(ctx, b);
    let ((ka, pa), (kb, pb)) = (&*ka, &*kb);
    ka == kb && (pa == pb || pa.is_none() || pb.is_none())
}

/// [`unit_key`], computed once per canonical name and document (lists are compared pairwise).
fn cached_key(ctx: &Ctx, unit: &Unit) -> std::rc::Rc<(String, Option<String>)> {
    if let Some(k) = ctx.unit_keys.borrow().get(unit.canonical.as_str()) {
        return k.clone();
    }
    let key = std::rc::Rc::new(unit_key(ctx, unit));
    ctx.unit_keys
        .borrow_mut()
        .insert(unit.canonical.clone(), key.clone());
    key
}

/// The comparison key of a unit and the province its name ends with, if any: the folded
/// canonical form without the word "tỉnh" or a leading "Trường" before a school type; places
/// and their party or people's committees reduce to the place ("Huyện ủy Lắk", "huyện Lắk"
/// and "Lắk" share "lak").
pub fn unit_key(ctx: &Ctx, unit: &Unit) -> (String, Option<String>) {
    let f = fold_str(&unit.canonical);
    let f = f.replace(['.', ',', '(', ')', '-', '\''], " ");
    let mut words: Vec<&str> = f.split_whitespace().collect();
    let committee = [
        "uy ban nhan dan",
        "huyen uy",
        "thanh uy",
        "tinh uy",
        "thi uy",
        "quan uy",
    ];
    let joined = words.join(" ");
    let placeish = words.first().is_some_and(|w| {
        matches!(
            *w,
            "tinh" | "huyen" | "thanh" | "thi" | "quan" | "xa" | "phuong"
        )
    }) || committee
        .iter()
        .any(|c| joined.starts_with(&format!("{c} ")));
    if placeish {
        let skip = [
            "tinh", "huyen", "thanh", "pho", "thi", "xa", "quan", "uy", "ban", "nhan", "dan",
        ];
        let key = words
            .iter()
            .filter(|w| !skip.contains(w))
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        return (key, None);
    }
    if words.len() > 2 && words[0] == "truong" && matches!(words[1], "dai" | "cao" | "trung") {
        words.remove(0);
    }
    words.retain(|w| *w != "tinh");
    let mut province = None;
    for k in (1..=3).rev() {
        if words.len() > k + 1 {
            let tail = words[words.len() - k..].join(" ");
            if ctx.gaz.province(&tail).is_some() {
                province = Some(tail);
                words.truncate(words.len() - k);
                break;
            }
        }
    }
    (words.join(" "), province)
}
