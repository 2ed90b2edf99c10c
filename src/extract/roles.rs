//! Head and deputy units of the bloc, and the units elected to lead it next.
//!
//! Rules feed `role.head`, `role.deputy`, `role.elected_head`, `role.elected_deputy`. A slot
//! named `unit` holds text that ends with the unit ("Sở TT&TT là trưởng cụm"); `unit_r` holds
//! text that starts with it ("suy tôn Thanh tra tỉnh làm Trưởng khối"). A `year` slot dates
//! the role: a head "năm 2024" at a meeting that plans 2024 after reviewing 2023 is the newly
//! elected head.

use super::members::Listed;
use super::units::{UnitOpts, UnitSpan, make_unit, note_role, unit_ending_in, unit_starting_in};
use super::{Ctx, Found, Hit, best};
use crate::record::{Meeting, Record};

/// Units found for each role.
#[derive(Debug, Default)]
pub struct Roles {
    pub head: Option<Found<UnitSpan>>,
    pub deputy: Option<Found<UnitSpan>>,
    pub elected_head: Option<Found<UnitSpan>>,
    pub elected_deputy: Option<Found<UnitSpan>>,
    pub elected_year: Option<i32>,
}

/// Reads the unit a role hit names.
pub fn unit_of(ctx: &Ctx, hit: &Hit) -> Option<UnitSpan> {
    let opts = UnitOpts {
        stop_at_person: true,
    };
    if let Some(slot) = hit.slot("unit_r") {
        return unit_starting_in(ctx, slot, opts);
    }
    hit.slot("unit")
        .and_then(|slot| unit_ending_in(ctx, slot, opts))
        .filter(|u| !is_venue(ctx, u))
}

/// "tại TP Hà Tĩnh, Cụm trưởng – Sở X chủ trì": a unit after "tại" and before a comma is
/// where the meeting was held, not the holder of the role after the comma ("tại Sở Y tế
/// (Trưởng khối)" names both).
fn is_venue(ctx: &Ctx, u: &UnitSpan) -> bool {
    if !ctx.text[u.span.end..].trim_start().starts_with(',') {
        return false;
    }
    let before = ctx.text[..u.span.start].trim_end();
    before
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .is_some_and(|w| crate::normalize::fold_str(w) == "tai")
}

fn found(ctx: &Ctx, field: &str) -> Vec<(Found<UnitSpan>, Option<i32>)> {
    ctx.hits(field)
        .iter()
        .filter_map(|h| {
            let u = unit_of(ctx, h)?;
            let year = h.slot("year").and_then(|y| ctx.s(y).parse().ok());
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
fn from_notes(ctx: &Ctx, listed: &[Listed]) -> Vec<(bool, Found<UnitSpan>, Option<i32>)> {
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
        let year = hit.slot("year").and_then(|y| ctx.s(y).parse().ok());
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

/// Reads all roles; `meeting` (years) tells current heads from newly elected ones.
pub fn read(ctx: &mut Ctx, meeting: &Meeting, listed: &[Listed]) -> Roles {
    // A role "năm Y" is for the next period when Y comes after the reviewed year (or is the
    // planned year of a meeting that reviews nothing).
    let is_next = |year: Option<i32>| match (year, meeting.review_year, meeting.plan_year) {
        (Some(y), Some(r), _) => y > r,
        (Some(y), None, Some(p)) => y == p,
        _ => false,
    };
    // Heads and deputies written in the text or as notes in a list; a year after the
    // reviewed one makes them newly elected.
    let mut written: Vec<(bool, Found<UnitSpan>, Option<i32>)> = Vec::new();
    written.extend(
        found(ctx, "role.head")
            .into_iter()
            .map(|(f, y)| (true, f, y)),
    );
    written.extend(
        found(ctx, "role.deputy")
            .into_iter()
            .map(|(f, y)| (false, f, y)),
    );
    written.extend(from_notes(ctx, listed));
    let (mut heads, mut deputies) = (Vec::new(), Vec::new());
    let (mut elected_heads, mut elected_deputies) = (Vec::new(), Vec::new());
    for (head, f, year) in written {
        match (head, is_next(year)) {
            (true, true) => elected_heads.push((f, year)),
            (true, false) => heads.push(f),
            (false, true) => elected_deputies.push((f, year)),
            (false, false) => deputies.push(f),
        }
    }
    elected_heads.extend(found(ctx, "role.elected_head"));
    elected_deputies.extend(found(ctx, "role.elected_deputy"));
    let pick = |v: &[(Found<UnitSpan>, Option<i32>)]| {
        let only: Vec<Found<UnitSpan>> = v.iter().map(|(f, _)| f.clone()).collect();
        let b = best(&only)?;
        let year = v
            .iter()
            .find(|(f, _)| f.span == b.span)
            .and_then(|(_, y)| *y);
        Some((b, year))
    };
    let eh = pick(&elected_heads);
    let ed = pick(&elected_deputies);
    let elected_year = eh
        .as_ref()
        .and_then(|(_, y)| *y)
        .or(ed.as_ref().and_then(|(_, y)| *y));
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
        record.elected.year = roles.elected_year.or(record.meeting.plan_year);
        if record.elected.year.is_some() {
            ctx.evidence_for("elected.year", f);
        }
    }
}
