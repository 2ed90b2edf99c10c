//! People: who chaired the meeting, with their titles.
//!
//! A `chair` rule captures the phrase naming the chairs (slot `who`: "Đồng chí Phạm Hồng Quảng-
//! Giám đốc Sở TT&TT"). Names in it are capitalized runs that start with a family name
//! (`surnames.tsv`) or follow an honorific ("ông", "bà", "đồng chí"); the title is the phrase
//! next to the name.

use super::members::bulleted_lines;
use super::text::{Span, Word, words};
use super::{Ctx, trim_span};
use crate::normalize::chars;
use crate::normalize::fold_str;
use crate::record::Chair;

const HONORIFICS: [&str; 5] = ["ông", "bà", "đồng chí", "đ/c", "đc"];

/// A person's name (and title) found in a phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Person {
    pub name: Span,
    pub title: Option<Span>,
}

fn honorific_before(ws: &[Word], i: usize) -> bool {
    let lower = |k: usize| chars::to_lowercase(ws[k].text);
    let one = i >= 1 && HONORIFICS.contains(&lower(i - 1).as_str());
    let two = i >= 2 && HONORIFICS.contains(&format!("{} {}", lower(i - 2), lower(i - 1)).as_str());
    one || two
}

/// Whether a unit's head starts at the first word, read over the next words whatever their
/// case: "Đoàn Luật sư tỉnh" is a unit ("Đoàn Luật" is not a person), "Đoàn Thanh Hải" is not.
fn starts_unit_head(ctx: &Ctx, ws: &[Word]) -> bool {
    let lower: Vec<String> = ws
        .iter()
        .take(4)
        .map(|w| chars::to_lowercase(w.text))
        .collect();
    let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
    ctx.gaz.match_head(&lower).is_some()
}

/// People named in `span`, in order.
pub fn persons_in(ctx: &Ctx, span: Span) -> Vec<Person> {
    let text = ctx.text;
    let ws = words(text, span.start, span.end);
    let mut names: Vec<(usize, usize)> = Vec::new(); // word index ranges
    let mut i = 0;
    while i < ws.len() {
        // A capitalized run of words separated by single spaces.
        if !ws[i].is_capitalized() {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < ws.len() && ws[j].is_capitalized() && text[ws[j - 1].end..ws[j].start] == *" " {
            j += 1;
        }
        // "Ông Hầu A Lềnh": a capitalized honorific opens the run but is not part of the name.
        if matches!(ws[i].text, "Ông" | "Bà") && j - i >= 3 {
            i += 1;
        }
        // After a place word the run starts with the place: "quận Lê Chân" is a place;
        // "huyện Trần Đề Thạch Sô Phol" is a place and a person; "Cục Hải quan tỉnh Nguyễn
        // Văn Hải" has a person (three words from a family name) right after "tỉnh".
        // Likewise right after a unit head ("Chi cục Quan Sơn", "Sở Tư pháp"), not after a
        // lower-case word that only looks like one ("Sở Nội vụ Phan Lương").
        let after_place = (1..=3.min(i)).any(|n| {
            let lower: Vec<String> = ws[i - n..i]
                .iter()
                .map(|w| chars::to_lowercase(w.text))
                .collect();
            let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
            ctx.gaz.match_head(&lower).is_some_and(|(len, k)| {
                len == n && k != "event" && (k == "place" || ws[i - n].is_capitalized())
            })
        });
        let from = if after_place {
            let whole = &text[ws[i].start..ws[j - 1].end];
            let person_first =
                j - i >= 3 && ctx.gaz.is_surname(ws[i].text) && ctx.gaz.province(whole).is_none();
            if person_first { i } else { i + 1 }
        } else {
            i
        };
        if after_place && from > i && j - i < 4 {
            i = j;
            continue;
        }
        // Inside the run, a name starts at an honorific boundary or at a family name, and
        // takes 2–4 words up to the end of the run.
        let start = if honorific_before(&ws, i) && j - i >= 2 {
            Some(i)
        } else {
            (from..j).find(|&k| {
                let len = j - k;
                (2..=4).contains(&len)
                    && (ctx.gaz.is_surname(ws[k].text)
                        || len >= 3 && super::units::before_middle_name(&ws, k))
                    && ctx
                        .gaz
                        .province(&text[ws[k].start..ws[j - 1].end])
                        .is_none()
                    && !starts_unit_head(ctx, &ws[k..])
            })
        };
        if let Some(k) = start {
            let len = j - k;
            let all_caps = ws[k..j].iter().all(|w| w.is_all_caps());
            if (2..=5).contains(&len)
                && !all_caps
                && ws[k..j].iter().all(|w| w.text.chars().count() <= 7)
            {
                names.push((k, j));
            }
        }
        i = j;
    }
    let mut out = Vec::new();
    for (n, &(k, j)) in names.iter().enumerate() {
        let name = Span::new(ws[k].start, ws[j - 1].end);
        let seg_start = if n == 0 {
            span.start
        } else {
            ws[names[n - 1].1 - 1].end
        };
        let seg_end = names.get(n + 1).map_or(span.end, |&(nk, _)| ws[nk].start);
        // Title after the name ("X - Giám đốc Sở Y", "X, Chủ tịch UBND huyện Z") when the
        // name came after an honorific; otherwise the title before it.
        let after = trim_span(text, Span::new(name.end, seg_end), &['-', ',', ';', ':']);
        let before = trim_span(
            text,
            Span::new(seg_start, name.start),
            &['-', ',', ';', ':'],
        );
        let before = strip_honorific(ctx, before);
        let title = if honorific_before(&ws, k) || before.is_empty() {
            first_clause(ctx, after)
        } else {
            Some(last_clause(ctx, before))
        };
        out.push(Person {
            name,
            title: title.filter(|t| !t.is_empty()),
        });
    }
    out
}

fn strip_honorific(ctx: &Ctx, span: Span) -> Span {
    let t = ctx.s(span);
    let f = fold_str(t);
    for h in ["dong chi ", "ong ", "ba ", "d/c ", "dc "] {
        if f.ends_with(h.trim_end()) && f.len() <= h.len() + 1 {
            return Span::new(span.end, span.end);
        }
    }
    span
}

/// The title phrase after a name: up to the end, without a trailing role such as
/// "trưởng khối thi đua".
fn first_clause(ctx: &Ctx, span: Span) -> Option<Span> {
    if span.is_empty() {
        return None;
    }
    Some(trim_span(ctx.text, span, &['-', ',', ';', ':', '(', ')']))
}

/// The last comma-separated part before a name ("…, Trưởng Ban Dân vận Tỉnh ủy").
fn last_clause(ctx: &Ctx, span: Span) -> Span {
    let t = ctx.s(span);
    let cut = t.rfind([',', ';']).map_or(0, |p| p + 1);
    trim_span(
        ctx.text,
        Span::new(span.start + cut, span.end),
        &['-', ',', ';', ':', '(', ')'],
    )
}

/// The chairs of the meeting, from `chair` rules.
pub fn chairs(ctx: &mut Ctx) -> Vec<Chair> {
    let mut out: Vec<Chair> = Vec::new();
    let mut ev = Vec::new();
    // The sentence of the highest-priority rule that names someone decides; every rule that
    // names chairs in that sentence adds them ("Các đồng chí: A, …; B, …; C, … chủ trì": one
    // rule reads the whole list, another only the last name before the verb).
    let mut decided: Option<usize> = None;
    for hit in ctx.hits("chair").iter() {
        if decided.is_some_and(|s| s != hit.sentence) {
            continue;
        }
        // A chair's person is read from the hit, or from the bulleted lines after it, one
        // region each.
        let regions: Vec<Span> = match hit.slot("lines") {
            Some(at) => bulleted_lines(ctx.text, at.end),
            None => {
                let who = hit
                    .slot("who")
                    .or_else(|| hit.slot("who2"))
                    .or_else(|| hit.slot("who3"));
                // "… có đồng chí A, Khối trưởng;" / "- đồng chí B, Khối phó.": a list whose
                // line ends with a semicolon goes on in the bulleted lines after it.
                let goes_on = who.is_some_and(|w| {
                    let rest = &ctx.text[w.end..];
                    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
                    matches!(line.trim(), ";")
                        || (line.trim().is_empty() && ctx.s(w).trim_end().ends_with(';'))
                });
                let mut regions: Vec<Span> = who.into_iter().collect();
                if let Some(w) = who.filter(|_| goes_on) {
                    regions.extend(bulleted_lines(ctx.text, w.end.saturating_sub(1)));
                }
                regions
            }
        };
        for p in regions.into_iter().flat_map(|who| persons_in(ctx, who)) {
            let sentence = ctx.sentence_span(p.name.start);
            let name = ctx.s(p.name).to_string();
            if out.iter().any(|c| fold_str(&c.name) == fold_str(&name)) {
                continue;
            }
            out.push(Chair {
                name,
                title: p.title.map(|t| ctx.s(t).to_string()),
            });
            ev.push((p.name, sentence, hit.rule.id.clone()));
        }
        if !out.is_empty() {
            decided = Some(hit.sentence);
        }
    }
    // In the order the text names them.
    let mut both: Vec<(Chair, (Span, Span, String))> = out.into_iter().zip(ev).collect();
    both.sort_by_key(|(_, (span, ..))| span.start);
    let mut out = Vec::with_capacity(both.len());
    for (i, (chair, (span, sentence, rule))) in both.into_iter().enumerate() {
        ctx.evidence(format!("chairs[{i}]"), span, sentence, &rule);
        out.push(chair);
    }
    out
}
