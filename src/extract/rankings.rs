//! Rankings: which unit came first, second … and the award proposed for it.
//!
//! A `ranking` rule marks a rank phrase ("xếp thứ nhì", "hạng Nhất thuộc về", "dẫn đầu") with
//! slots `rank` (an ordinal, or the rule's `value`), `award`, and either `units` (the units
//! come before the phrase) or `units_r` (they come after it). Units between two rank phrases
//! are shared out: a phrase looking right takes the first unit, one looking left the rest.
//! `ranking.award` rules attach awards given in another clause ("tặng cờ … cho Trường X").

use super::members::bulleted_lines;
use super::text::Span;
use super::units::{
    Shared, UnitOpts, UnitSpan, make_unit, same_unit, unit_at, unit_list, unit_list_ending,
};
use super::{Ctx, Hit, trim_span};
use crate::record::{Ranking, Record};

#[derive(Debug, Clone)]
struct Anchor<'p> {
    hit: Hit<'p>,
    rank: u32,
    rank_span: Span,
    /// The phrase itself, without the unit slot.
    core: Span,
    /// Where the units are (before it for `units`, after it for `units_r`).
    region: Span,
    looks_right: bool,
    award: Option<Span>,
    /// One unit only, at the region's start (a numbered line of a ranking).
    single: bool,
}

fn rank_of(ctx: &Ctx, hit: &Hit) -> Option<(u32, Span)> {
    if let Some(s) = hit.slot("rank") {
        let t = ctx.s(s).trim();
        return ctx.gaz.ordinal(t).filter(|&r| r >= 1).map(|r| (r, s));
    }
    let v = hit.rule.value_int()?;
    u32::try_from(v)
        .ok()
        .filter(|&r| r >= 1)
        .map(|r| (r, hit.slot("kw").unwrap_or(hit.span())))
}

/// True when sentence `i`, or the sentence before it in the same paragraph, tells of a
/// contest held beside the meeting (`ranking.contest`: "hội thi văn nghệ", "xếp hạng nhất toàn
/// đoàn"): a rank there is the contest's, not the bloc's.
fn about_contest(ctx: &Ctx, i: usize) -> bool {
    let contest = ctx.hits("ranking.contest");
    let told = |j: usize| contest.iter().any(|h| h.sentence == j);
    told(i)
        || (i > 0 && {
            let (prev, cur) = (ctx.sentences[i - 1], ctx.sentences[i]);
            !ctx.text[prev.end.min(cur.start)..cur.start].contains('\n') && told(i - 1)
        })
}

fn anchors<'p>(ctx: &Ctx<'p>) -> Vec<Anchor<'p>> {
    let mut out: Vec<Anchor> = Vec::new();
    for hit in ctx.hits("ranking").iter() {
        if about_contest(ctx, hit.sentence) {
            continue;
        }
        if let Some(at) = hit.slot("lines") {
            for (rank, number, region) in numbered_lines(ctx, at.end) {
                out.push(Anchor {
                    hit: hit.clone(),
                    rank,
                    rank_span: number,
                    core: number,
                    region,
                    looks_right: true,
                    award: None,
                    single: true,
                });
            }
            continue;
        }
        let Some((rank, rank_span)) = rank_of(ctx, hit) else {
            continue;
        };
        let whole = hit.span();
        let (core, region, looks_right) = if let Some(u) = hit.slot("units_r") {
            (Span::new(whole.start, u.start), u, true)
        } else if let Some(u) = hit.slot("units") {
            (Span::new(u.end, whole.end), u, false)
        } else {
            continue;
        };
        // A phrase whose unit slot holds no unit ("bình chọn là đơn vị … dẫn đầu", read
        // from the verb on) does not keep its place from an overlapping phrase that has one.
        let units = if looks_right {
            unit_list(ctx, region, Shared::none()).len()
        } else {
            unit_list_ending(ctx, region).len()
        };
        if units == 0 {
            continue;
        }
        // Nor does a "lần lượt" phrase whose units and ranks are not as many ("Sở C xếp hạng
        // Ba và hạng Tư là Sở D": two clauses, not one unit with two ranks).
        if hit
            .slot("ranks")
            .is_some_and(|s| respective_ranks(ctx, s).len() != units)
        {
            continue;
        }
        let award = hit.slot("award");
        // Overlapping phrases: the higher-priority rule (first in `hits`) keeps its place.
        if out
            .iter()
            .any(|a| a.core.start < core.end && core.start < a.core.end)
        {
            continue;
        }
        out.push(Anchor {
            hit: hit.clone(),
            rank,
            rank_span,
            core,
            region,
            looks_right,
            award,
            single: false,
        });
    }
    out.sort_by_key(|a| a.core.start);
    // Bound each region by its neighbours in the same sentence.
    for i in 0..out.len() {
        let (prev_end, next_start) = {
            let same = |j: usize| out[j].hit.sentence == out[i].hit.sentence;
            let prev_end =
                (i > 0 && same(i - 1)).then(|| out[i - 1].core.end.max(award_end(&out[i - 1])));
            let next_start = (i + 1 < out.len() && same(i + 1)).then(|| out[i + 1].core.start);
            (prev_end, next_start)
        };
        let a = &mut out[i];
        if let Some(p) = prev_end
            && !a.looks_right
        {
            a.region.start = a.region.start.max(p).min(a.region.end);
        }
        if let Some(n) = next_start
            && a.looks_right
        {
            a.region.end = a.region.end.min(n).max(a.region.start);
        }
    }
    out
}

/// The lines after a ranking's introduction (ending at `after`), numbered 1, 2, 3 … in
/// order ("1. Sở Y tế: 98,5 điểm", "2) …", "(3) …": the bulleted lines of
/// [`bulleted_lines`] whose bullet is that number), each starting with a unit: their
/// numbers, number spans and the rest of each line. Fewer than two such lines read nothing.
fn numbered_lines(ctx: &Ctx, after: usize) -> Vec<(u32, Span, Span)> {
    let text = ctx.text;
    let mut out = Vec::new();
    for region in bulleted_lines(text, after) {
        // The bullet before the region: "1. ", "2) ", "(3) ".
        let line_start = text[..region.start].rfind('\n').map_or(0, |i| i + 1);
        let bullet = &text[line_start..region.start];
        let digits = bullet.trim_start().trim_start_matches('(');
        let digits = &digits[..digits.bytes().take_while(u8::is_ascii_digit).count()];
        let want = out.len() as u32 + 1;
        if digits.parse() != Ok(want) {
            break;
        }
        let at = line_start + bullet.find(digits).unwrap_or(0);
        let number = Span::new(at, at + digits.len());
        let starts_with_unit = unit_list(ctx, region, Shared::none())
            .first()
            .is_some_and(|u| u.span.start == region.start);
        if !starts_with_unit {
            break;
        }
        out.push((want, number, region));
    }
    if out.len() < 2 {
        out.clear();
    }
    out
}

/// The ordinals of a "lần lượt" phrase ("thứ nhất, nhì và ba"), in order, with their spans.
fn respective_ranks(ctx: &Ctx, slot: Span) -> Vec<(u32, Span)> {
    super::text::words(ctx.text, slot.start, slot.end)
        .iter()
        .filter_map(|w| {
            let r = ctx.gaz.ordinal(w.text).filter(|&r| r >= 1)?;
            Some((r, Span::new(w.start, w.end)))
        })
        .collect()
}

/// An award with its giver as written: the gazetteer knows "Cờ thi đua của Bộ" and "Bằng khen
/// của Bộ trưởng", the text goes on "… của Bộ Tài chính", "… của Bộ trưởng Bộ Tư pháp"; an
/// award the gazetteer knows without its giver ("Cờ thi đua", "Cờ thi đua xuất sắc") takes the
/// giver written after it ("… của UBND tỉnh Nam Định"). The giver is read as a unit (after a
/// person's title); when none is read the award stays as found.
fn as_written(ctx: &Ctx, award: Span) -> Span {
    let text = ctx.s(award);
    let giver = match text.find(" của ") {
        Some(i) => award.start + i + " của ".len(),
        None if ctx.text[award.end..].starts_with(" của ") => award.end + " của ".len(),
        None => return award,
    };
    let limit = ctx.sentence_span(award.start).end;
    match unit_at(ctx, giver, limit, UnitOpts::default()) {
        Some(u) if u.span.end > award.end => Span::new(award.start, u.span.end),
        _ => award,
    }
}

/// "Sở Y tế dẫn đầu Khối thi đua năm 2023, được đề nghị tặng Cờ thi đua": an award clause
/// whose subject is left out (a `ranking.award` hit with no unit and no rank slot) goes to the
/// rank phrase just before it in the sentence, when nothing but words lies between them (no
/// comma, semicolon or colon: another clause may have its own subject) and the award is not
/// given on to someone else ("… tặng Cờ thi đua cho …").
fn clause_awards(
    ctx: &Ctx,
    anchors: &[Anchor],
    units_for: &[Vec<UnitSpan>],
    awards: &mut [Option<Span>],
) {
    for hit in ctx.hits("ranking.award").iter() {
        if ["units", "units_r", "rank"]
            .iter()
            .any(|n| hit.slot(n).is_some())
        {
            continue;
        }
        let Some(award) = hit.slot("award") else {
            continue;
        };
        let at = hit.span().start;
        let Some(i) = anchors
            .iter()
            .rposition(|a| a.hit.sentence == hit.sentence && a.core.start < at)
        else {
            continue;
        };
        let a = &anchors[i];
        let end = if a.looks_right {
            units_for[i].last().map_or(a.region.end, |u| u.span.end)
        } else {
            a.core.end
        };
        let between = &ctx.text[end.min(at)..at];
        let sentence_end = ctx.sentences[hit.sentence].end;
        let rest = &ctx.text[award.end..sentence_end];
        let clause = &rest[..rest.find([';', ',', ':']).unwrap_or(rest.len())];
        if awards[i].is_some()
            || units_for[i].is_empty()
            || between.contains([',', ';', ':'])
            || clause.split_whitespace().any(|w| w == "cho")
        {
            continue;
        }
        awards[i] = Some(award);
    }
}

fn award_end(a: &Anchor) -> usize {
    a.award.map_or(0, |s| s.end)
}

/// Fills `record.rankings` (and nothing else).
pub fn fill(ctx: &mut Ctx, record: &mut Record) {
    let anchors = anchors(ctx);
    let mut units_for: Vec<Vec<UnitSpan>> = anchors
        .iter()
        .map(|a| {
            if a.single {
                let mut units = unit_list(ctx, a.region, Shared::none());
                units.truncate(1);
                units
            } else if a.looks_right {
                unit_list(ctx, a.region, Shared::none())
            } else {
                unit_list_ending(ctx, a.region)
            }
        })
        .collect();
    // A right-looking phrase followed by a left-looking one over the same units: the first
    // unit belongs to the first phrase, the rest to the second.
    for i in 0..anchors.len().saturating_sub(1) {
        let (a, b) = (&anchors[i], &anchors[i + 1]);
        if a.looks_right
            && !b.looks_right
            && a.hit.sentence == b.hit.sentence
            && a.region.end >= b.core.start.min(a.region.end)
        {
            let overlap =
                units_for[i].len() > 1 && units_for[i + 1].iter().any(|u| units_for[i].contains(u));
            // (The first phrase may have found no unit at all.)
            if (overlap || b.region.start <= a.region.start)
                && let Some(first) = units_for[i].first().cloned()
            {
                units_for[i].truncate(1);
                units_for[i + 1].retain(|u| *u != first);
            }
        }
    }
    // "B xếp thứ hai và C xếp thứ ba, cùng được đề nghị tặng …": an award after a chain of rank
    // phrases (no ";" between them) goes to each phrase of the chain that has none.
    let mut awards: Vec<Option<Span>> = anchors.iter().map(|a| a.award).collect();
    for i in 0..anchors.len() {
        let Some(award) = anchors[i].award else {
            continue;
        };
        let mut j = i;
        while j > 0 {
            j -= 1;
            let (prev, cur) = (&anchors[j], &anchors[j + 1]);
            let between = &ctx.text[prev.core.end.min(cur.core.start)..cur.core.start];
            if prev.hit.sentence != cur.hit.sentence || awards[j].is_some() || between.contains(';')
            {
                break;
            }
            awards[j] = Some(award);
        }
    }
    clause_awards(ctx, &anchors, &units_for, &mut awards);
    let mut ranked: Vec<(Ranking, Span, Span, Option<Span>, String, Span)> = Vec::new();
    for ((a, units), award) in anchors.iter().zip(&units_for).zip(&awards) {
        let sentence = ctx.sentences[a.hit.sentence];
        let award_span =
            award.map(|s| as_written(ctx, trim_span(ctx.text, s, &[',', '.', ';', ':'])));
        // "A, B, C lần lượt xếp thứ nhất, nhì, ba": each unit its own rank, in order; when the
        // units and the ranks are not as many, the sentence is not read.
        let respective = a.hit.slot("ranks").map(|s| respective_ranks(ctx, s));
        if respective.as_ref().is_some_and(|r| r.len() != units.len()) {
            continue;
        }
        for (k, u) in units.iter().enumerate() {
            let (rank, rank_span) = match &respective {
                Some(r) => r[k],
                None => (a.rank, a.rank_span),
            };
            let unit = make_unit(ctx, u);
            // The same unit ranked again (headline and body): keep the first, take an award
            // the first lacked.
            if let Some(prev) = ranked
                .iter_mut()
                .find(|(r, ..)| same_unit(ctx, &r.unit, &unit))
            {
                if prev.0.rank == rank && prev.0.award.is_none() && award_span.is_some() {
                    prev.0.award = award_span.map(|s| ctx.s(s).to_string());
                    prev.3 = award_span;
                }
                continue;
            }
            ranked.push((
                Ranking {
                    rank,
                    unit,
                    award: award_span.map(|s| ctx.s(s).to_string()),
                },
                u.span,
                rank_span,
                award_span,
                a.hit.rule.id.clone(),
                sentence,
            ));
        }
    }
    // Awards given in other clauses to units already ranked.
    for hit in ctx.hits("ranking.award").iter() {
        let Some(award) = hit.slot("award") else {
            continue;
        };
        let award = as_written(ctx, trim_span(ctx.text, award, &[',', '.', ';', ':']));
        let give = |r: &mut (Ranking, Span, Span, Option<Span>, String, Span)| {
            if r.0.award.is_none() {
                r.0.award = Some(ctx.s(award).to_string());
                r.3 = Some(award);
            }
        };
        // "Các đơn vị xếp hạng nhì, hạng ba được đề nghị tặng …": by rank.
        let ranks: Vec<u32> = ["rank", "rank2", "rank3"]
            .iter()
            .filter_map(|n| hit.slot(n))
            .filter_map(|s| ctx.gaz.ordinal(ctx.s(s)))
            .collect();
        if !ranks.is_empty() {
            for r in ranked.iter_mut().filter(|r| ranks.contains(&r.0.rank)) {
                give(r);
            }
            continue;
        }
        let units = match (hit.slot("units_r"), hit.slot("units")) {
            (Some(region), _) => unit_list(ctx, region, Shared::none()),
            (None, Some(region)) => unit_list_ending(ctx, region),
            // An award clause without units: read by `clause_awards`.
            (None, None) => continue,
        };
        for u in units {
            let unit = make_unit(ctx, &u);
            if let Some(r) = ranked.iter_mut().find(|r| same_unit(ctx, &r.0.unit, &unit)) {
                give(r);
            }
        }
    }
    for (i, (r, unit_span, rank_span, award_span, rule, sentence)) in ranked.into_iter().enumerate()
    {
        ctx.evidence(format!("rankings[{i}].unit"), unit_span, sentence, &rule);
        ctx.evidence(format!("rankings[{i}].rank"), rank_span, sentence, &rule);
        if let Some(a) = award_span {
            let s = ctx.sentence_span(a.start);
            ctx.evidence(format!("rankings[{i}].award"), a, s, &rule);
        }
        record.rankings.push(r);
    }
}
