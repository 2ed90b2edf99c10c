//! Member units and their stated number.
//!
//! `members.list` rules capture a composition ("gồm: A, B và C", "các đơn vị trong cụm (A, B)")
//! in slot `units`, optionally with the collective noun in slot `kind` ("các huyện: …").
//! Head, deputy, elected and ranked units are members too. `member_count` rules capture the
//! stated number in slot `n` (digits or a number word); a rule whose value is `"if_list"` only
//! counts when the number equals the listed members.

use super::bloc::BlocInfo;
use super::text::Span;
use super::units::{Shared, UnitSpan, make_unit, same_unit, unit_list};
use super::{Ctx, Found, best};
use crate::record::{Record, Unit};

/// Fills `members` and `member_count`.
pub fn fill(ctx: &mut Ctx, _bloc: &BlocInfo, record: &mut Record) {
    let mut members: Vec<(Unit, Span, Span, String)> = Vec::new();
    let mut listed = 0usize;
    for hit in ctx.hits("members.list").iter() {
        let Some(slot) = hit.slot("units") else {
            continue;
        };
        // "gồm LĐLĐ 6 tỉnh: …": the head and the place noun are shared by the items.
        let shared = Shared {
            prefix: hit.slot("prefix").map(|p| ctx.s(p).to_string()),
            kind: hit.slot("kind").map(|k| ctx.s(k).to_string()),
        };
        let items: Vec<UnitSpan> = unit_list(ctx, slot, shared);
        let sentence = ctx.sentences[hit.sentence];
        let mut added = 0;
        for u in items {
            if u.kind == "venue" {
                continue;
            }
            let unit = make_unit(ctx, &u);
            if !members.iter().any(|(m, ..)| same_unit(ctx, m, &unit)) {
                members.push((unit, u.span, sentence, hit.rule.id.clone()));
                added += 1;
            }
        }
        listed += added;
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
    for (i, (unit, span, sentence, rule)) in members.into_iter().enumerate() {
        ctx.evidence(format!("members[{i}]"), span, sentence, &rule);
        record.members.push(unit);
    }
    record.member_count = count(ctx, listed);
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
