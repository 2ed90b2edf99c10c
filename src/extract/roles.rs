//! Head and deputy units of the bloc, and the units elected to lead it next.
//!
//! Rules feed `role.head`, `role.deputy`, `role.elected_head`, `role.elected_deputy`. A slot
//! named `unit` holds text that ends with the unit ("Sở TT&TT là trưởng cụm"); `unit_r` holds
//! text that starts with it ("suy tôn Thanh tra tỉnh làm Trưởng khối"). A `year` slot dates
//! the role: a head "năm 2024" at a meeting that plans 2024 after reviewing 2023 is the newly
//! elected head.

use super::members::Listed;
use super::text::{Span, words};
use super::units::{UnitOpts, UnitSpan, make_unit, note_role, unit_ending_in, unit_starting_in};
use super::{Ctx, Found, Hit, best};
use crate::record::{Meeting, MeetingType, Record};
use std::cmp::Ordering;

/// Units found for each role.
#[derive(Debug, Default)]
pub struct Roles {
    pub head: Option<Found<UnitSpan>>,
    pub deputy: Option<Found<UnitSpan>>,
    pub elected_head: Option<Found<UnitSpan>>,
    pub elected_deputy: Option<Found<UnitSpan>>,
    /// The year the elected units are for, where the text says it ("năm 2024").
    pub elected_year: Option<Found<i32>>,
}

/// Reads the unit a role hit names.
pub fn unit_of(ctx: &Ctx, hit: &Hit) -> Option<UnitSpan> {
    let opts = UnitOpts {
        stop_at_person: true,
    };
    if let Some(slot) = hit.slot("unit_r") {
        return unit_starting_in(ctx, slot, opts);
    }
    let slot = hit.slot("unit")?;
    // "… cho Sở X, cụm phó là Sở Y": the role names its holder after it.
    if ctx.text[hit.m.end..].trim_start().starts_with("là ") {
        return None;
    }
    unit_ending_in(ctx, slot, opts)
        .or_else(|| province_ending(ctx, slot))
        .filter(|u| next_to_role(ctx, u, slot))
        .filter(|u| !is_venue(ctx, u, hit))
        .or_else(|| subject_of_both(ctx, slot, opts))
}

/// The subject of two joined predicates, the second the role's: "Văn phòng HĐND thành phố ký
/// kết giao ước thi đua … và nhận bàn giao nhiệm vụ Khối trưởng". The slot starts with the
/// unit, a lower-case verb follows it, and the slot ends with "và".
fn subject_of_both(ctx: &Ctx, slot: Span, opts: UnitOpts) -> Option<UnitSpan> {
    let text = ctx.s(slot).trim();
    let before_va = text.strip_suffix(" và")?;
    if before_va.contains([';', ':']) {
        return None;
    }
    let u = unit_starting_in(ctx, slot, opts)?;
    let lead = ctx.text[slot.start..u.span.start].trim();
    let next = ctx.text[u.span.end..slot.end].split_whitespace().next()?;
    (lead.is_empty()
        && next.chars().next().is_some_and(char::is_lowercase)
        && ctx
            .gaz
            .match_stop(&[&crate::normalize::chars::to_lowercase(next)])
            .is_some_and(|(_, kind)| kind == "verb"))
    .then_some(u)
}

/// A province named alone right before a role ("Năm 2014, Bạc Liêu được chọn làm Cụm
/// trưởng"): in a cluster of provinces the province is the unit.
fn province_ending(ctx: &Ctx, slot: Span) -> Option<UnitSpan> {
    let ws = words(ctx.text, slot.start, slot.end);
    (1..=3.min(ws.len())).rev().find_map(|k| {
        let run = &ws[ws.len() - k..];
        let span = Span::new(run[0].start, run[k - 1].end);
        (run.iter().all(|w| w.is_capitalized()) && ctx.gaz.province(ctx.s(span)).is_some()).then(
            || UnitSpan {
                span,
                expanded: None,
                kind: "bare_place".to_string(),
                note: None,
            },
        )
    })
}

/// The unit ends where the role phrase begins, or only a person's name comes between ("Trưởng
/// Ban Dân vận Tỉnh ủy Lê Thị Lan Hương, trưởng khối"); not "Sở X là Cụm trưởng, Cụm phó …",
/// where the deputy is someone else.
fn next_to_role(ctx: &Ctx, u: &UnitSpan, slot: Span) -> bool {
    ctx.text[u.span.end..slot.end.max(u.span.end)]
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .all(|w| w.chars().next().is_some_and(char::is_uppercase))
}

/// "tại TP Hà Tĩnh, Cụm trưởng – Sở X chủ trì": a unit after "tại" and before a comma is
/// where the meeting was held when the role after the comma names its own holder ("–
/// Sở X"); "tại Sở Y tế (Trưởng khối)" and "tại UBND huyện Y, đơn vị Cụm trưởng" name both.
fn is_venue(ctx: &Ctx, u: &UnitSpan, hit: &Hit) -> bool {
    if !ctx.text[u.span.end..].trim_start().starts_with(',') {
        return false;
    }
    let holder_follows = ctx.text[hit.m.end..]
        .trim_start()
        .starts_with(['-', '–', ':']);
    let before = ctx.text[..u.span.start].trim_end();
    holder_follows
        && before
            .rsplit(|c: char| c.is_whitespace())
            .next()
            .is_some_and(|w| crate::normalize::fold_str(w) == "tai")
}

/// A role's year from the hit's `year` slot: the phrase "năm 2024" (the digits alone when
/// "năm" is not right before them).
fn year_slot(ctx: &Ctx, hit: &Hit, sentence: Span) -> Option<Found<i32>> {
    let digits = hit.slot("year")?;
    Some(year_found(
        ctx,
        digits,
        ctx.s(digits).parse().ok()?,
        sentence,
        hit,
    ))
}

fn year_found(ctx: &Ctx, digits: Span, value: i32, sentence: Span, hit: &Hit) -> Found<i32> {
    let before = ctx.text[..digits.start].trim_end();
    let start = before
        .char_indices()
        .rev()
        .nth(2)
        .map(|(i, _)| i)
        .filter(|&i| {
            crate::normalize::fold_str(&before[i..]) == "nam"
                && !before[..i].ends_with(char::is_alphanumeric)
        })
        .unwrap_or(digits.start);
    Found {
        value,
        span: Span::new(start, digits.end),
        sentence,
        rule: hit.rule.id.clone(),
        priority: hit.rule.priority,
    }
}

/// The units a field's rules name, with the year each is for. A unit that a list read too
/// is taken as the list read it ("Yên Bái (Cụm trưởng)" in "Sở Tài chính các tỉnh: …" is
/// Sở Tài chính tỉnh Yên Bái).
fn found(ctx: &Ctx, field: &str, listed: &[Listed]) -> Vec<(Found<UnitSpan>, Option<Found<i32>>)> {
    ctx.hits(field)
        .iter()
        .filter_map(|h| {
            let u = unit_of(ctx, h)?;
            let u = listed
                .iter()
                .find(|l| l.unit.span == u.span)
                .map_or(u, |l| l.unit.clone());
            let sentence = ctx.sentences[h.sentence];
            // The clause the unit is in: after the last semicolon before it ("Năm 2023, A là
            // Khối trưởng; năm 2024, B là Khối trưởng").
            let clause_start = ctx.text[sentence.start..u.span.start.max(sentence.start)]
                .rfind(';')
                .map_or(sentence.start, |p| sentence.start + p + 1);
            let clause = Span::new(clause_start, sentence.end);
            let year = year_slot(ctx, h, sentence).or_else(|| {
                let (value, digits) = opening_year(ctx, clause)?;
                Some(year_found(ctx, digits, value, sentence, h))
            });
            Some((
                Found {
                    span: u.span,
                    value: u,
                    sentence: ctx.sentences[h.sentence],
                    rule: h.rule.id.clone(),
                    priority: h.rule.priority,
                },
                year,
            ))
        })
        .collect()
}

/// Priority of a role written as a note after a listed unit ("Sở X (Cụm trưởng)"): below a
/// role written out in running text ("Sở X là trưởng cụm"), which names the same unit.
const NOTE_PRIORITY: i32 = 48;

/// Roles written as notes after listed units: (is head, unit, year).
fn from_notes(ctx: &Ctx, listed: &[Listed]) -> Vec<(bool, Found<UnitSpan>, Option<Found<i32>>)> {
    let mut out = Vec::new();
    for l in listed {
        let Some(hit) = l.unit.note.and_then(|n| note_role(ctx, n)) else {
            continue;
        };
        let head = match hit.rule.value_str() {
            Some("head") => true,
            Some("deputy") => false,
            _ => continue,
        };
        let year = year_slot(ctx, &hit, ctx.sentences[l.sentence]);
        out.push((
            head,
            Found {
                span: l.unit.span,
                value: l.unit.clone(),
                sentence: ctx.sentences[l.sentence],
                rule: hit.rule.id.clone(),
                priority: NOTE_PRIORITY,
            },
            year,
        ));
    }
    out
}

/// The year a sentence or clause opens with ("Năm 2023, Liên minh HTX làm Khối trưởng …",
/// "Theo đó, năm 2023, …", "Luân phiên, năm 2024 Sở Tư pháp …", "…; năm 2024, Sở Y tế …"),
/// and where its digits are: it dates what the clause says.
fn opening_year(ctx: &Ctx, sentence: Span) -> Option<(i32, Span)> {
    let head = ctx.text[sentence.start..sentence.end].trim_start();
    let sentence = Span::new(sentence.end - head.len(), sentence.end);
    // (An opening adverbial may come first: "Theo quy chế luân phiên, năm 2024 …".)
    let cut = head.char_indices().nth(40).map_or(head.len(), |(i, _)| i);
    let folded = crate::normalize::fold_str(&head[..cut]);
    let at = folded.find("nam ")?;
    if at > 0 && !folded[..at].trim_end().ends_with(',') {
        return None;
    }
    let rest = &folded[at + 4..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() != 4 {
        return None;
    }
    let at = sentence.start + head[..cut].find(digits.as_str())?;
    // "Năm 2023, …", or "năm 2024 Sở Tư pháp sẽ …": a comma or the capital of the subject.
    let after = ctx.text[at + digits.len()..sentence.end].trim_start();
    if !after.starts_with(',') && !after.chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    Some((digits.parse().ok()?, Span::new(at, at + digits.len())))
}

/// Reads all roles; `meeting` (years) tells current heads from newly elected ones.
pub fn read(ctx: &mut Ctx, meeting: &Meeting, listed: &[Listed]) -> Roles {
    // A role "năm Y" is for the next period when Y comes after the reviewed year, a past
    // period's when it comes before ("Năm 2022, Sở X là Khối trưởng" in a review of 2023: no
    // role of this meeting's period); at a meeting that reviews nothing (a covenant signed for
    // the year) it is the role of the year.
    let period = |year: &Option<Found<i32>>| {
        year.as_ref()
            .zip(meeting.review_year)
            .map_or(Ordering::Equal, |(y, r)| y.value.cmp(&r))
    };
    // Heads and deputies written in the text or as notes in a list; a year after the
    // reviewed one makes them newly elected.
    let mut written: Vec<(bool, Found<UnitSpan>, Option<Found<i32>>)> = Vec::new();
    written.extend(
        found(ctx, "role.head", listed)
            .into_iter()
            .map(|(f, y)| (true, f, y)),
    );
    written.extend(
        found(ctx, "role.deputy", listed)
            .into_iter()
            .map(|(f, y)| (false, f, y)),
    );
    written.extend(from_notes(ctx, listed));
    // "Khối trưởng năm 2024 là Sở Tư pháp, Khối phó là Sở Nội vụ": a deputy named without a
    // year in the sentence that dates the head is for the head's year.
    let head_years: Vec<(Span, Found<i32>)> = written
        .iter()
        .filter_map(|(head, f, y)| Some((f.sentence, y.clone().filter(|_| *head)?)))
        .collect();
    for (head, f, year) in &mut written {
        if !*head && year.is_none() {
            *year = head_years
                .iter()
                .find(|(s, _)| *s == f.sentence)
                .map(|(_, y)| y.clone());
        }
    }
    let (mut heads, mut deputies) = (Vec::new(), Vec::new());
    let (mut elected_heads, mut elected_deputies) = (Vec::new(), Vec::new());
    for (head, f, year) in written {
        match (head, period(&year)) {
            (_, Ordering::Less) => {}
            (true, Ordering::Greater) => elected_heads.push((f, year)),
            (true, Ordering::Equal) => heads.push(f),
            (false, Ordering::Greater) => elected_deputies.push((f, year)),
            (false, Ordering::Equal) => deputies.push(f),
        }
    }
    // An election or handover dated to the reviewed year or before is no choice for the next
    // period: "Năm 2024, Sở Y tế nhận nhiệm vụ Khối trưởng" at a review of 2024 names this
    // year's head; one for an earlier year names none.
    for (head, f, year) in found(ctx, "role.elected_head", listed)
        .into_iter()
        .map(|(f, y)| (true, f, y))
        .chain(
            found(ctx, "role.elected_deputy", listed)
                .into_iter()
                .map(|(f, y)| (false, f, y)),
        )
    {
        let dated = year.as_ref().zip(meeting.review_year);
        match (head, dated.map(|(y, r)| y.value.cmp(&r))) {
            (_, Some(Ordering::Less)) => {}
            (true, Some(Ordering::Equal)) => heads.push(f),
            (false, Some(Ordering::Equal)) => deputies.push(f),
            (true, _) => elected_heads.push((f, year)),
            (false, _) => elected_deputies.push((f, year)),
        }
    }
    let pick = |v: &[(Found<UnitSpan>, Option<Found<i32>>)]| {
        let only: Vec<Found<UnitSpan>> = v.iter().map(|(f, _)| f.clone()).collect();
        let b = best(&only)?;
        let year = v
            .iter()
            .find(|(f, _)| f.span == b.span)
            .and_then(|(_, y)| y.clone());
        Some((b, year))
    };
    let eh = pick(&elected_heads);
    let ed = pick(&elected_deputies);
    let elected_year = eh
        .as_ref()
        .and_then(|(_, y)| y.clone())
        .or(ed.as_ref().and_then(|(_, y)| y.clone()));
    Roles {
        head: best(&heads),
        deputy: best(&deputies),
        elected_head: eh.map(|(f, _)| f),
        elected_deputy: ed.map(|(f, _)| f),
        elected_year,
    }
}

/// Writes the roles into the record, with evidence.
pub fn fill(ctx: &mut Ctx, roles: &Roles, record: &mut Record) {
    if let Some(f) = &roles.head {
        record.head_unit = Some(make_unit(ctx, &f.value));
        ctx.evidence_for("head_unit", f);
    }
    if let Some(f) = &roles.deputy {
        record.deputy_head_unit = Some(make_unit(ctx, &f.value));
        ctx.evidence_for("deputy_head_unit", f);
    }
    if let Some(f) = &roles.elected_head {
        record.elected.head = Some(make_unit(ctx, &f.value));
        ctx.evidence_for("elected.head", f);
    }
    if let Some(f) = &roles.elected_deputy {
        record.elected.deputy = Some(make_unit(ctx, &f.value));
        ctx.evidence_for("elected.deputy", f);
    }
    if let Some(f) = roles
        .elected_head
        .as_ref()
        .or(roles.elected_deputy.as_ref())
    {
        // Choosing or handing over the next head or deputy is an election (GOLD_FORMAT:
        // bau_khoi whenever the meeting chose the next period's head or deputy).
        if !record.meeting.types.contains(&MeetingType::BauKhoi) {
            record.meeting.types.push(MeetingType::BauKhoi);
            record.meeting.types.sort();
            ctx.evidence(
                "meeting.types[bau_khoi]",
                f.span,
                f.sentence,
                "infer.bau_khoi.elected",
            );
        }
        // The year where the text says it ("năm 2024"), else the year the meeting plans,
        // where that is said.
        if let Some(year) = &roles.elected_year {
            record.elected.year = Some(year.value);
            ctx.evidence_for("elected.year", year);
        } else if let Some(plan) = record.meeting.plan_year {
            record.elected.year = Some(plan);
            match ctx.find_evidence("meeting.plan_year") {
                Some((span, sentence, rule)) => ctx.evidence("elected.year", span, sentence, &rule),
                None => ctx.evidence_for("elected.year", f),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// What `elected.year`'s evidence quotes, and its rule.
    fn year_evidence(text: &str) -> (Option<i32>, String, String) {
        let pipeline = crate::Pipeline::builder()
            .include_text(true)
            .build()
            .unwrap();
        let record = pipeline.extract_text("t", text);
        let doc = record.doc.text.as_deref().unwrap();
        let ev = record
            .evidence
            .iter()
            .find(|e| e.field == "elected.year")
            .expect("elected.year has evidence");
        let quoted: String = doc.chars().skip(ev.start).take(ev.end - ev.start).collect();
        (record.elected.year, quoted, ev.rule.clone())
    }

    const MEETING: &str = "Chiều 28/12/2023, Khối thi đua các cơ quan nội chính tỉnh tổ chức \
        hội nghị tổng kết công tác thi đua, khen thưởng năm 2023";

    #[test]
    fn elected_year_evidence_quotes_the_year() {
        // It quoted the unit ("Sở Tư pháp"), not "năm 2024".
        let text =
            format!("{MEETING}.\nHội nghị đã bầu Sở Tư pháp là đơn vị Khối trưởng năm 2024.");
        let (year, quoted, rule) = year_evidence(&text);
        assert_eq!((year, quoted.as_str()), (Some(2024), "năm 2024"));
        assert_eq!(rule, "elected.head.vote");
        // The year a sentence opens with.
        let text = format!("{MEETING}.\nNăm 2024, Sở Tư pháp làm Khối trưởng Khối thi đua.");
        let (year, quoted, _) = year_evidence(&text);
        assert_eq!((year, quoted.as_str()), (Some(2024), "Năm 2024"));
        // No year with the role: the year the meeting plans, where that is said.
        let text = format!(
            "{MEETING} và triển khai nhiệm vụ năm 2024.\nHội nghị đã bầu Sở Tư pháp làm Khối trưởng."
        );
        let (year, quoted, rule) = year_evidence(&text);
        assert_eq!((year, quoted.as_str()), (Some(2024), "2024"));
        assert!(rule.starts_with("year.plan."), "{rule}");
    }
}
