//! Member units and their stated number.
//!
//! `members.list` rules capture a composition ("gồm: A, B và C", "các đơn vị trong cụm (A, B)")
//! in slot `units`, optionally with the collective noun in slot `kind` ("các huyện: …").
//! Head, deputy, elected and ranked units are members too. `member_count` rules capture the
//! stated number in slot `n` (digits or a number word); a rule whose value is `"if_list"` only
//! counts when the number equals the listed members.

use super::bloc::BlocInfo;
use super::text::Span;
use super::units::{
    Shared, UnitSpan, make_unit, note_role, same_unit, shared_of_intro, unit_list, unit_list_ending,
};
use super::{Ctx, Found, best, units};
use crate::record::{Record, Unit};

/// A unit read from a composition list: the unit, the sentence and the rule that found the
/// list.
#[derive(Debug, Clone)]
pub struct Listed {
    pub unit: UnitSpan,
    pub sentence: usize,
    pub rule: String,
}

/// The units of every composition list (`members.list` rules), guests left out ("(khách
/// mời)"). A list's head and place noun come from the rule's `prefix` and `kind` slots, or
/// are read from its introduction (slot `intro`: "Sở Tài chính các tỉnh", "LĐLĐ 6 tỉnh").
pub fn lists(ctx: &Ctx, bloc: &BlocInfo) -> Vec<Listed> {
    let mut out = Vec::new();
    for hit in ctx.hits("members.list").iter() {
        // "Khối thi đua số 6 gồm …" in a report on Khối thi đua số 5: another bloc's units.
        if bloc.other_bloc_in(ctx, hit.sentence) {
            continue;
        }
        // A headline in capitals names no members ("10 HUYỆN, THÀNH PHỐ … KÝ GIAO ƯỚC").
        if ctx.headline_in_capitals(hit.sentence) {
            continue;
        }
        // Slot `units_l`: a list that ends where the rule's phrase starts ("A, B và C là thành
        // viên Khối"), read back from its end.
        if let Some(region) = hit.slot("units_l") {
            for u in unit_list_ending(ctx, region) {
                push_listed(ctx, &mut out, u, hit);
            }
            continue;
        }
        let Some(slot) = hit.slot("units") else {
            continue;
        };
        let shared = match hit.slot("intro") {
            // "09 Sở, ngành thuộc Khối, gồm: Y tế, …" shares "Sở"; "các tỉnh trong cụm:" is
            // no head to share.
            Some(intro) if hit.rule.value_str() == Some("unit_heads_only") => {
                let s = shared_of_intro(ctx, clause_before(ctx, intro));
                let place = s
                    .kind
                    .as_deref()
                    .and_then(|k| ctx.gaz.unit_head_kind(k))
                    .is_some_and(|k| k == "place");
                if place { Shared::none() } else { s }
            }
            Some(intro) => shared_of_intro(ctx, clause_before(ctx, intro)),
            None => Shared {
                prefix: hit.slot("prefix").map(|p| ctx.s(p).to_string()),
                kind: hit.slot("kind").map(|k| ctx.s(k).to_string()),
            },
        };
        // "Khối gồm các đơn vị:" ending its line: the items are the lines that follow.
        let units = if slot.is_empty() {
            block_items(ctx, slot.end, &shared)
        } else {
            unit_list(ctx, slot, shared)
        };
        for u in units {
            push_listed(ctx, &mut out, u, hit);
        }
    }
    if out.is_empty() {
        out = counted_list(ctx);
    }
    out
}

/// Fewest units a stated number may confirm as a list (see [`counted_list`]).
const MIN_COUNTED: u32 = 3;
/// Most units a stated number may confirm as a list (larger numbers count members of
/// something else: union members, staff).
const MAX_COUNTED: u32 = 40;

/// The bloc's stated number of units ("Khối có 9 đơn vị", "Cụm thi đua 6 tỉnh") confirms a
/// list no rule introduced: the first sentence holding a list of exactly that many units
/// gives the members. Only one number may be stated, and only when no rule read a list.
fn counted_list(ctx: &Ctx) -> Vec<Listed> {
    let hits = ctx.hits("member_count");
    let mut stated = hits.iter().filter_map(|h| {
        if h.rule.value_str() == Some("if_list") || h.slot("n2").is_some() {
            return None;
        }
        ctx.gaz.number(ctx.s(h.slot("n")?))
    });
    let Some(n) = stated.next() else {
        return Vec::new();
    };
    if stated.any(|m| m != n) || !(MIN_COUNTED..=MAX_COUNTED).contains(&n) {
        return Vec::new();
    }
    for sentence in &ctx.sentences {
        let seps =
            ctx.s(*sentence).matches([',', ';']).count() + ctx.s(*sentence).matches(" và ").count();
        if seps + 1 < n as usize {
            continue;
        }
        if let Some(units) = units::list_of_len(ctx, *sentence, n as usize) {
            return counted(ctx, units);
        }
    }
    // The units set out one per line, without an introduction.
    let text = ctx.text;
    for (nl, _) in text.match_indices('\n') {
        // A list's first line, after a line that is not itself an item.
        let line_start = text[..nl].rfind('\n').map_or(0, |i| i + 1);
        let prev_line = &text[line_start..nl];
        if prev_line.trim().is_empty() {
            continue;
        }
        // Only a line that starts with a capital (after its bullet) can start a list.
        let next = &text[nl + 1..];
        let next = next[..next.find('\n').unwrap_or(next.len())].trim_start();
        if next.len() > MAX_ITEM_LINE
            || !next[bullet_len(next)..]
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
        {
            continue;
        }
        let units = block_items(ctx, nl, &Shared::none());
        if units.len() != n as usize {
            continue;
        }
        // Not the tail of a longer list.
        let tail =
            line_start > 0 && block_items(ctx, line_start - 1, &Shared::none()).len() > units.len();
        if !tail {
            return counted(ctx, units);
        }
    }
    Vec::new()
}

/// The units of a counted list, each with its own sentence.
fn counted(ctx: &Ctx, units: Vec<UnitSpan>) -> Vec<Listed> {
    units
        .into_iter()
        .map(|unit| Listed {
            sentence: ctx.sentence_of(unit.span.start),
            unit,
            rule: COUNTED_RULE.to_string(),
        })
        .collect()
}

/// The first list of at least [`MIN_WITH_MEMBER`] units that names one of `known` ("Tham dự
/// có lãnh đạo Sở A, Sở B và Sở C", Sở A the head), with its sentence: only sentences that
/// write a known unit's name are read, and a list inside the bloc's own name ("Khối thi đua
/// Ban Quản lý các KCN, KCX, KKT …") is not its members.
fn list_with_member(
    ctx: &Ctx,
    bloc: &BlocInfo,
    known: &[Unit],
) -> Option<(Vec<(Unit, Span)>, Span)> {
    for sentence in &ctx.sentences {
        let text = ctx.s(*sentence);
        if text.matches([',', ';']).count() < MIN_WITH_MEMBER - 1
            || !known.iter().any(|k| text.contains(k.name.as_str()))
        {
            continue;
        }
        for list in units::lists_in(ctx, *sentence, MIN_WITH_MEMBER) {
            let in_name = bloc.mentions.iter().any(|m| {
                list.iter()
                    .any(|u| m.span.start < u.span.end && u.span.start < m.span.end)
            });
            if in_name {
                continue;
            }
            let units: Vec<(Unit, Span)> =
                list.iter().map(|u| (make_unit(ctx, u), u.span)).collect();
            if units
                .iter()
                .any(|(u, _)| known.iter().any(|k| same_unit(ctx, k, u)))
            {
                return Some((units, *sentence));
            }
        }
    }
    None
}

/// Longest line (in bytes) read as one item of a list set out line by line, when no
/// introduction announced it: a unit's name, a note and punctuation.
const MAX_ITEM_LINE: usize = 200;

/// Fewest units of a list that names a known member, read as the bloc's units.
const MIN_WITH_MEMBER: usize = 3;
/// The rule id of the members read from a list that names a known member.
const WITH_MEMBER_RULE: &str = "infer.members.list_with_member";

/// The rule id of the members [`counted_list`] reads.
const COUNTED_RULE: &str = "infer.members.counted_list";

/// Adds a listed unit unless it is a guest ("(khách mời)"), a venue, or words an earlier
/// (higher-priority) rule already read.
fn push_listed(ctx: &Ctx, out: &mut Vec<Listed>, u: UnitSpan, hit: &super::Hit) {
    let guest = u
        .note
        .and_then(|n| note_role(ctx, n))
        .is_some_and(|h| h.rule.value_str() == Some("guest"));
    let read_before = out
        .iter()
        .any(|l: &Listed| l.unit.span.start < u.span.end && u.span.start < l.unit.span.end);
    if u.kind == "venue" || guest || read_before {
        return;
    }
    // An item set out on its own line after the introduction has its own sentence.
    let inside = ctx
        .sentences
        .get(hit.sentence)
        .is_some_and(|s| s.contains(u.span));
    let sentence = if inside {
        hit.sentence
    } else {
        ctx.sentence_of(u.span.start)
    };
    out.push(Listed {
        unit: u,
        sentence,
        rule: hit.rule.id.clone(),
    });
}

/// How many lines a list set out line by line may take.
const MAX_BLOCK_LINES: usize = 80;

/// The items of a list set out over the lines after its introduction ("Khối gồm các đơn vị:"
/// then "- Sở Nội vụ", "2. Sở Tư pháp;", "+ Sở Y tế (Khối trưởng)"): each line, after its
/// bullet or number, must read whole as units (one, or a few separated by commas) with at
/// most a note and closing punctuation. The first line that does not ends the list; so does a
/// second blank line.
fn block_items(ctx: &Ctx, after: usize, shared: &Shared) -> Vec<UnitSpan> {
    let text = ctx.text;
    let mut out = Vec::new();
    // The introduction must end its line.
    let rest = &text[after..];
    let Some(nl) = rest.find('\n') else {
        return out;
    };
    if !rest[..nl].trim().is_empty() {
        return out;
    }
    let mut pos = after + nl + 1;
    let (mut lines, mut blanks) = (0, 0);
    while pos < text.len() && lines < MAX_BLOCK_LINES {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = &text[pos..line_end];
        let next = line_end + 1;
        let trimmed = line.trim_start();
        if trimmed.trim().is_empty() {
            blanks += 1;
            if blanks > 1 {
                break;
            }
            pos = next;
            continue;
        }
        blanks = 0;
        let body = &trimmed[bullet_len(trimmed)..];
        let start = line_end - body.len() + (body.len() - body.trim_start().len());
        let end = pos + line.trim_end_matches([' ', '\t', ',', ';', '.']).len();
        if start >= end {
            break;
        }
        let items = unit_list(ctx, Span::new(start, end), shared.clone());
        let Some(first) = items.first() else {
            break;
        };
        let covered = items
            .iter()
            .map(|u| u.note.map_or(u.span.end, |n| n.end.max(u.span.end)))
            .max()
            .unwrap_or(start);
        let left = text[covered.min(end)..end]
            .trim_matches(|c: char| c.is_whitespace() || ",;.:)".contains(c));
        if first.span.start != start || !left.is_empty() {
            break;
        }
        out.extend(items);
        lines += 1;
        pos = next;
    }
    out
}

/// The lines after the line that holds `after`, each starting with a bullet or a number (see
/// [`bullet_len`]), up to the first line that does not: the text of each after its bullet,
/// without the punctuation that ends it.
pub(super) fn bulleted_lines(text: &str, after: usize) -> Vec<Span> {
    let mut out = Vec::new();
    let Some(nl) = text[after..].find('\n') else {
        return out;
    };
    let mut pos = after + nl + 1;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = &text[pos..end];
        let body = line.trim_start();
        let bullet = bullet_len(body);
        let start = pos + line.len() - body.len() + bullet;
        let stop = pos + line.trim_end_matches([' ', '\t', ',', ';', '.']).len();
        if bullet == 0 || start >= stop {
            break;
        }
        out.push(Span::new(start, stop));
        pos = end + 1;
    }
    out
}

/// The length of a line's bullet or number ("- ", "+ ", "• ", "1. ", "2) ", "a) ", "(1) "), 0 if
/// none.
pub(super) fn bullet_len(line: &str) -> usize {
    let mut chars = line.char_indices();
    let Some((_, c)) = chars.next() else {
        return 0;
    };
    let after = |i: usize| i + line[i..].len() - line[i..].trim_start().len();
    if matches!(
        c,
        '-' | '+' | '*' | '•' | '–' | '—' | '·' | '○' | '▪' | '■' | '◦' | '>'
    ) {
        return after(c.len_utf8());
    }
    // A number or a letter in brackets, then a space: "(1) ", "(a) ".
    if c == '(' {
        let inner = line[1..]
            .bytes()
            .take_while(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
            .count();
        if (1..=3).contains(&inner)
            && line[1 + inner..].starts_with(')')
            && line[2 + inner..].starts_with([' ', '\t'])
        {
            return after(2 + inner);
        }
    }
    // A number or a letter, then "." or ")" and a space.
    let lead = line
        .bytes()
        .take_while(|b| b.is_ascii_digit())
        .count()
        .clamp(0, 3);
    let lead = if lead == 0 && c.is_ascii_lowercase() {
        1
    } else {
        lead
    };
    if lead > 0
        && let Some(p) = line[lead..].chars().next()
        && matches!(p, '.' | ')' | '/')
        && line[lead + 1..].starts_with([' ', '\t'])
    {
        return after(lead + 1);
    }
    0
}

/// A list's introduction ("6 tỉnh") with the words of its clause before it ("Liên hiệp các
/// Hội KH-KT 6 tỉnh"): where a shared head is written. The clause starts after a separator,
/// "gồm", "có" or a bracket.
fn clause_before(ctx: &Ctx, intro: Span) -> Span {
    let sentence = ctx.sentence_span(intro.start);
    let before = &ctx.text[sentence.start..intro.start];
    let cut = [",", ";", ":", "(", " gồm ", " có ", " Gồm ", " Có "]
        .iter()
        .filter_map(|sep| before.rfind(sep).map(|i| i + sep.len()))
        .max()
        .unwrap_or(0);
    Span::new(sentence.start + cut, intro.end)
}

/// Fills `members` and `member_count` from the lists and the units named in roles and
/// rankings.
pub fn fill(ctx: &mut Ctx, bloc: &BlocInfo, listed: &[Listed], record: &mut Record) {
    let mut members: Vec<(Unit, Span, Span, String)> = Vec::new();
    let mut listed_count = 0usize;
    for l in listed {
        let unit = make_unit(ctx, &l.unit);
        if !members.iter().any(|(m, ..)| same_unit(ctx, m, &unit)) {
            let sentence = ctx.sentences[l.sentence];
            members.push((unit, l.unit.span, sentence, l.rule.clone()));
            listed_count += 1;
        }
    }
    let mut add = |unit: &Option<Unit>, field: &str, ctx: &Ctx| {
        if let Some(u) = unit
            && !members.iter().any(|(m, ..)| same_unit(ctx, m, u))
        {
            // Point at the role's own evidence.
            if let Some((span, sentence, rule)) = ctx.find_evidence(field) {
                members.push((u.clone(), span, sentence, rule));
            }
        }
    };
    add(&record.head_unit, "head_unit", ctx);
    add(&record.deputy_head_unit, "deputy_head_unit", ctx);
    add(&record.elected.head, "elected.head", ctx);
    add(&record.elected.deputy, "elected.deputy", ctx);
    for i in 0..record.rankings.len() {
        let u = Some(record.rankings[i].unit.clone());
        add(&u, &format!("rankings[{i}].unit"), ctx);
    }
    // No list read, but units known to be members (head, deputy, ranked): a list of units
    // that names one of them lists the bloc's units.
    if listed_count == 0 && !members.is_empty() {
        let known: Vec<Unit> = members.iter().map(|(m, ..)| m.clone()).collect();
        if let Some((units, sentence)) = list_with_member(ctx, bloc, &known) {
            for (u, span) in units {
                if !members.iter().any(|(m, ..)| same_unit(ctx, m, &u)) {
                    members.push((u, span, sentence, WITH_MEMBER_RULE.to_string()));
                }
            }
        }
    }
    for (i, (unit, span, sentence, rule)) in members.into_iter().enumerate() {
        ctx.evidence(format!("members[{i}]"), span, sentence, &rule);
        record.members.push(unit);
    }
    record.member_count = count(ctx, listed_count);
}

fn count(ctx: &mut Ctx, listed: usize) -> Option<u32> {
    let found: Vec<Found<u32>> = ctx
        .hits("member_count")
        .iter()
        .filter_map(|h| {
            let span = h.slot("n")?;
            let n = ctx.gaz.number(ctx.s(span))?;
            if !(2..=500).contains(&n) {
                return None;
            }
            if h.rule.value_str() == Some("if_list") && n as usize != listed {
                return None;
            }
            // "6/6 đơn vị": a fraction counts the bloc only when it is the whole.
            if let Some(n2) = h.slot("n2")
                && ctx.gaz.number(ctx.s(n2)) != Some(n)
            {
                return None;
            }
            Some(Found {
                value: n,
                span,
                sentence: ctx.sentences[h.sentence],
                rule: h.rule.id.clone(),
                priority: h.rule.priority,
            })
        })
        .collect();
    let b = best(&found)?;
    ctx.evidence_for("member_count", &b);
    Some(b.value)
}
