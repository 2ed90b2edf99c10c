//! Member units and their stated number.
//!
//! `members.list` rules capture a composition ("gồm: A, B và C", "các đơn vị trong cụm (A, B)")
//! in slot `units`, optionally with the collective noun in slot `kind` ("các huyện: …").
//! Head, deputy, elected and ranked units are members too. `member_count` rules capture the
//! stated number in slot `n` (digits or a number word); a rule whose value is `"if_list"` only
//! counts when the number equals the listed members.

use super::bloc::BlocInfo;
use super::text::Span;
use super::units::{Shared, UnitSpan, make_unit, note_role, same_unit, shared_of_intro, unit_list};
use super::{Ctx, Found, best};
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
pub fn lists(ctx: &Ctx) -> Vec<Listed> {
    let mut out = Vec::new();
    for hit in ctx.hits("members.list").iter() {
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
        for u in unit_list(ctx, slot, shared) {
            let guest = u
                .note
                .and_then(|n| note_role(ctx, n))
                .is_some_and(|h| h.rule.value_str() == Some("guest"));
            // Two rules reading the same words: the first (higher priority) reading stands.
            let read_before = out
                .iter()
                .any(|l: &Listed| l.unit.span.start < u.span.end && u.span.start < l.unit.span.end);
            if u.kind == "venue" || guest || read_before {
                continue;
            }
            out.push(Listed {
                unit: u,
                sentence: hit.sentence,
                rule: hit.rule.id.clone(),
            });
        }
    }
    out
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
pub fn fill(ctx: &mut Ctx, _bloc: &BlocInfo, listed: &[Listed], record: &mut Record) {
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
