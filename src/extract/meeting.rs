//! What the meeting did (types), which year it reviewed and which it planned, where it was
//! held, and the emulation movements it talked about.

use super::text::Span;
use super::units::{UnitOpts, unit_starting_in};
use super::{Ctx, Found, best, trim_span};
use crate::record::{Meeting, MeetingType};

/// Fills types, years and location.
pub fn fill(ctx: &mut Ctx, meeting: &mut Meeting) {
    let elsewhere: Vec<usize> = ctx
        .hits("meeting.elsewhere")
        .iter()
        .map(|h| h.sentence)
        .collect();
    for hit in ctx.hits("meeting.type").iter() {
        let Some(t) = hit.rule.value_str().and_then(MeetingType::parse) else {
            continue;
        };
        // What another or a later meeting will do; plans are this meeting's still.
        if t != MeetingType::TrienKhai && elsewhere.contains(&hit.sentence) {
            continue;
        }
        let (span, sentence) = (
            hit.slot("kw").unwrap_or(hit.span()),
            ctx.sentences[hit.sentence],
        );
        add_type(ctx, meeting, t, span, sentence, &hit.rule.id);
    }
    let review = year(ctx, "meeting.review_year", None, None, &elsewhere, false);
    // A covenant meeting that names no review recalls last year's results ("Năm 2023, các
    // đơn vị đã …") without reviewing them.
    let covenant_only = meeting.types.contains(&MeetingType::KyKet)
        && !meeting.types.contains(&MeetingType::TongKet)
        && !meeting.types.contains(&MeetingType::SoKet);
    let review = review.filter(|r| {
        !covenant_only
            || ctx
                .patterns
                .rule(&r.rule)
                .is_none_or(|rule| rule.value_str() != Some("weak"))
    });
    // A review of the first months ("6 tháng đầu năm 2017") is interim.
    let first_months = review.as_ref().is_some_and(|r| {
        ctx.patterns
            .rule(&r.rule)
            .is_some_and(|rule| rule.value_str() == Some("interim"))
    });
    let interim = first_months || meeting.types.contains(&MeetingType::SoKet);
    // A meeting that signs a covenant or launches tasks and reviews no year: the year of the
    // tasks it names is the one it plans ("quyết tâm hoàn thành nhiệm vụ năm 2013").
    let launches = review.is_none()
        && (meeting.types.contains(&MeetingType::KyKet)
            || meeting.types.contains(&MeetingType::TrienKhai));
    let plan = year(
        ctx,
        "meeting.plan_year",
        review.as_ref().map(|r| r.value),
        interim.then(|| review.as_ref().map(|r| r.value)).flatten(),
        &elsewhere,
        launches,
    );
    // An interim review reviews the year it plans the rest of ("Từ đầu năm đến nay …; 6 tháng
    // cuối năm 2024, …").
    let review = match (review, &plan) {
        (None, Some(p)) if interim => Some(Found {
            rule: "infer.review_year.interim".to_string(),
            ..p.clone()
        }),
        (review, _) => review,
    };
    if let Some(r) = &review {
        meeting.review_year = Some(r.value);
        ctx.evidence_for("meeting.review_year", r);
    }
    if let Some(p) = &plan
        && review.as_ref().is_none_or(|r| p.value >= r.value)
    {
        meeting.plan_year = Some(p.value);
        ctx.evidence_for("meeting.plan_year", p);
        // A year whose tasks, plans or direction the meeting set out is a launch of that
        // period's work; a covenant's year alone is not ("ký kết giao ước thi đua năm 2024").
        let launched = p.rule.starts_with("infer.")
            || ctx.hits("meeting.plan_year").iter().any(|h| {
                h.rule
                    .value_str()
                    .is_none_or(|v| v != "covenant" && v != "relative")
                    // (A task's year read only because the meeting signs or launches
                    // something does not make it launch tasks.)
                    && !(launches
                        && h.rule.value_str() == Some("after_review")
                        && ctx.patterns.rule(&p.rule).and_then(|r| r.value_str())
                            == Some("after_review"))
                    && !elsewhere.contains(&h.sentence)
                    && h.slot("y")
                        .or_else(|| h.slot("y2"))
                        .is_none_or(|y| ctx.s(y).parse() == Ok(p.value))
            });
        if launched {
            add_type(
                ctx,
                meeting,
                MeetingType::TrienKhai,
                p.span,
                p.sentence,
                "infer.trien_khai.plan_year",
            );
        }
    }
    // A meeting that reviews a year's results is a year-end review unless it is interim.
    if let Some(r) = &review
        && !meeting.types.contains(&MeetingType::TongKet)
        && !meeting.types.contains(&MeetingType::SoKet)
    {
        if first_months {
            add_type(
                ctx,
                meeting,
                MeetingType::SoKet,
                r.span,
                r.sentence,
                "infer.so_ket.first_months",
            );
        } else {
            add_type(
                ctx,
                meeting,
                MeetingType::TongKet,
                r.span,
                r.sentence,
                "infer.tong_ket.review_year",
            );
        }
    }
    meeting.types.sort();
    meeting.location = location(ctx);
}

/// A review of "the past year" ("Trong năm qua, các đơn vị đã …"), or a conference named for
/// a year's work ("Hội nghị công tác thi đua, khen thưởng năm 2023", `year_turn`) of that
/// year, held in the last months of a year reviews that year, held in its first months the
/// year before; the meeting reviews a whole year, so it is a year-end review. ("Năm qua" at
/// a covenant meeting that reviews nothing recalls the year without reviewing it.) Then an
/// interim review whose year the text does not write ("sơ kết … 6 tháng đầu năm") reviews the
/// year it is held in.
pub fn review_year_from_date(ctx: &mut Ctx, meeting: &mut Meeting) {
    if meeting.review_year.is_none()
        && !meeting.types.contains(&MeetingType::SoKet)
        && let Some((year, month)) = year_month(meeting)
        && let Some(past) = match month {
            10..=12 => Some(year),
            1..=3 => Some(year - 1),
            _ => None,
        }
        && meeting.plan_year.is_none_or(|p| p >= past)
    {
        let covenant_only = meeting.types.contains(&MeetingType::KyKet)
            && !meeting.types.contains(&MeetingType::TongKet);
        let hits = ctx.hits("meeting.review_year");
        let past_year = hits
            .iter()
            .find(|h| !covenant_only && h.rule.value_str() == Some("past_year"))
            .map(|h| (h, "past_year"));
        let named = || {
            hits.iter()
                .find(|h| {
                    h.rule.value_str() == Some("year_turn")
                        && h.slot("yt").and_then(|y| ctx.s(y).parse().ok()) == Some(past)
                })
                .map(|h| (h, "year_turn"))
        };
        if let Some((h, what)) = past_year.or_else(named) {
            let (span, sentence) = (h.slot("kw").unwrap_or(h.span()), ctx.sentences[h.sentence]);
            meeting.review_year = Some(past);
            ctx.evidence(
                "meeting.review_year",
                span,
                sentence,
                &format!("infer.review_year.{what}"),
            );
            add_type(
                ctx,
                meeting,
                MeetingType::TongKet,
                span,
                sentence,
                &format!("infer.tong_ket.{what}"),
            );
            meeting.types.sort();
        }
    }
    if meeting.review_year.is_some() || !meeting.types.contains(&MeetingType::SoKet) {
        return;
    }
    let Some((year, _)) = year_month(meeting) else {
        return;
    };
    if let Some((span, sentence, _)) = ctx.find_evidence("meeting.date") {
        meeting.review_year = Some(year);
        ctx.evidence(
            "meeting.review_year",
            span,
            sentence,
            "infer.review_year.interim_date",
        );
    }
}

/// A plan for the year named relative to the meeting (`value = "relative"`, slot `rel`):
/// "triển khai nhiệm vụ năm nay" at a meeting in a year's first half plans that year;
/// "phương hướng, nhiệm vụ năm tới / năm sau" at one in its last three months plans the next.
/// Elsewhere in the year the words are left unread; a plan is never for the reviewed year or
/// an earlier one.
pub fn plan_year_from_date(ctx: &mut Ctx, meeting: &mut Meeting) {
    if meeting.plan_year.is_some() {
        return;
    }
    let Some((year, month)) = year_month(meeting) else {
        return;
    };
    let elsewhere: Vec<usize> = ctx
        .hits("meeting.elsewhere")
        .iter()
        .map(|h| h.sentence)
        .collect();
    let found = ctx
        .hits("meeting.plan_year")
        .iter()
        .filter(|h| h.rule.value_str() == Some("relative") && !elsewhere.contains(&h.sentence))
        .find_map(|h| {
            let rel = crate::normalize::fold_str(ctx.s(h.slot("rel")?));
            let y = match (rel.as_str(), month) {
                ("nay", 1..=6) => year,
                ("toi" | "sau", 10..=12) => year + 1,
                _ => return None,
            };
            let span = h.slot("kw").unwrap_or(h.span());
            Some((span, ctx.sentences[h.sentence], y, h.rule.id.clone()))
        });
    if let Some((span, sentence, y, rule)) = found
        && meeting.review_year.is_none_or(|r| y > r)
    {
        meeting.plan_year = Some(y);
        ctx.evidence("meeting.plan_year", span, sentence, &rule);
    }
}

/// The year and month of the meeting date ("2024-01-12" → (2024, 1)).
fn year_month(meeting: &Meeting) -> Option<(i32, u32)> {
    let d = meeting.date.as_deref()?;
    Some((d.get(..4)?.parse().ok()?, d.get(5..7)?.parse().ok()?))
}

/// Adds a meeting type once, with its evidence.
fn add_type(
    ctx: &mut Ctx,
    meeting: &mut Meeting,
    t: MeetingType,
    span: Span,
    sentence: Span,
    rule: &str,
) {
    if !meeting.types.contains(&t) {
        meeting.types.push(t);
        ctx.evidence(
            format!("meeting.types[{}]", t.as_str()),
            span,
            sentence,
            rule,
        );
    }
}

/// Units ranked at the meeting mean it evaluated them (binh_xet), whatever the verb.
pub fn infer_binh_xet(ctx: &mut Ctx, record: &mut crate::record::Record) {
    let types = &mut record.meeting.types;
    if !record.rankings.is_empty() && !types.contains(&MeetingType::BinhXet) {
        types.push(MeetingType::BinhXet);
        types.sort();
        if let Some((span, sentence, _)) = ctx.find_evidence("rankings[0].rank") {
            ctx.evidence(
                "meeting.types[binh_xet]",
                span,
                sentence,
                "infer.binh_xet.ranking",
            );
        }
    }
}

/// The best year from a field's rules. A rule valued "after_review" only counts for a year
/// after `review` (a paragraph on "năm 2023" is about the plan only when 2022 was reviewed);
/// one valued "unless_reviewed" counts unless its year is the reviewed one or earlier (a plan
/// for a year).
/// A hit without a year ("6 tháng cuối năm") stands for `same_year`, the year an interim
/// review is held in, when there is one.
fn year(
    ctx: &Ctx,
    field: &str,
    review: Option<i32>,
    same_year: Option<i32>,
    elsewhere: &[usize],
    launches: bool,
) -> Option<Found<i32>> {
    let found: Vec<Found<i32>> = ctx
        .hits(field)
        .iter()
        // Years of another or a later meeting are not this one's.
        .filter(|h| !elsewhere.contains(&h.sentence))
        // "tổng kết và xây dựng kế hoạch thi đua năm 2024": a year that a review phrase and a
        // plan phrase both reach belongs to the nearer one.
        .filter(|h| !nearer_rival_claims(ctx, field, h))
        // "năm nay", "năm tới": resolved against the meeting's date (`plan_year_from_date`).
        .filter(|h| h.rule.value_str() != Some("relative"))
        .filter_map(|h| {
            let (span, y) = match h.slot("y").or_else(|| h.slot("y2")) {
                Some(span) => (span, ctx.s(span).parse().ok()?),
                None => (h.slot("kw").unwrap_or(h.span()), same_year?),
            };
            if h.slot("y").or_else(|| h.slot("y2")).is_some() && in_period(ctx, span) {
                return None;
            }
            // "after_review": only a year after the reviewed one; "unless_reviewed": any year
            // but the reviewed one or an earlier one.
            match h.rule.value_str() {
                Some("after_review") if review.map_or(!launches, |r| y <= r) => return None,
                Some("unless_reviewed") if review.is_some_and(|r| y <= r) => return None,
                _ => {}
            }
            (1945..=2100).contains(&y).then(|| Found {
                value: y,
                span,
                sentence: ctx.sentences[h.sentence],
                rule: h.rule.id.clone(),
                priority: h.rule.priority,
            })
        })
        .collect();
    best(&found)
}

/// True when a year is part of a school year or a multi-year period ("năm học 2023 - 2024",
/// "giai đoạn 2021-2025", "2016 – 2020"): neither is a reviewed or planned year.
fn in_period(ctx: &Ctx, year: Span) -> bool {
    let after = ctx.text[year.end..].trim_start();
    let dash = after
        .strip_prefix(['-', '–', '—', '/'])
        .or_else(|| after.strip_prefix("đến"));
    if let Some(rest) = dash {
        let rest = rest.trim_start();
        if rest.len() >= 4 && rest.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
            return true;
        }
    }
    let before = ctx.text[..year.start].trim_end();
    let tail = before.char_indices().rev().nth(11).map_or(0, |(i, _)| i);
    let tail = before[tail..].to_lowercase();
    tail.ends_with("năm học") || tail.ends_with("niên khóa")
}

/// True when a hit of the other year field (plan for review, review for plan) reads the same
/// year from a phrase that starts after this hit's phrase, nearer to the year.
fn nearer_rival_claims(ctx: &Ctx, field: &str, hit: &super::Hit) -> bool {
    let rival = match field {
        "meeting.review_year" => "meeting.plan_year",
        "meeting.plan_year" => "meeting.review_year",
        _ => return false,
    };
    let Some(y) = hit.slot("y").or_else(|| hit.slot("y2")) else {
        return false;
    };
    ctx.hits(rival).iter().any(|r| {
        r.sentence == hit.sentence
            && r.slot("y").or_else(|| r.slot("y2")) == Some(y)
            && r.span().start > hit.span().start
    })
}

/// The place named by a `meeting.location` rule (slot `place`): a unit or a place.
fn location(ctx: &mut Ctx) -> Option<String> {
    let hits = ctx.hits("meeting.location");
    let hit = hits
        .iter()
        .min_by_key(|h| (std::cmp::Reverse(h.rule.priority), h.m.start))?;
    let slot = hit.slot("place")?;
    let span = match unit_starting_in(ctx, slot, UnitOpts::default()) {
        Some(u) => u.span,
        None => {
            let t = trim_span(ctx.text, slot, &[',', '.', ';', ':']);
            let words = ctx.s(t).split_whitespace().count();
            if !(1..=8).contains(&words) {
                return None;
            }
            t
        }
    };
    let (sentence, rule) = (ctx.sentences[hit.sentence], hit.rule.id.clone());
    ctx.evidence("meeting.location", span, sentence, &rule);
    Some(ctx.s(span).to_string())
}

/// Names of emulation movements: quoted names after "phong trào" (slot `list` holds one or
/// more quoted names) or a name slot.
pub fn movements(ctx: &mut Ctx) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut ev = Vec::new();
    for hit in ctx.hits("movement").iter() {
        let sentence = ctx.sentences[hit.sentence];
        if let Some(list) = hit.slot("list") {
            let t = ctx.s(list);
            let mut pos = 0;
            while let Some(open) = t[pos..].find('"') {
                let s = pos + open + 1;
                let Some(close) = t[s..].find('"') else { break };
                let e = s + close;
                let raw = &t[s..e];
                let lead = raw.len() - raw.trim_start().len();
                let name = raw.trim().trim_end_matches(['.', ',', '…']);
                if !name.is_empty() && !out.iter().any(|n| n == name) {
                    out.push(name.to_string());
                    let from = list.start + s + lead;
                    let span = super::text::Span::new(from, from + name.len());
                    ev.push((span, sentence, hit.rule.id.clone()));
                }
                pos = e + 1;
            }
        } else if let Some(name) = hit.slot("name") {
            let n = ctx.s(name).trim().to_string();
            if !n.is_empty() && !out.contains(&n) {
                out.push(n);
                ev.push((name, sentence, hit.rule.id.clone()));
            }
        }
    }
    for (i, (span, sentence, rule)) in ev.into_iter().enumerate() {
        ctx.evidence(format!("movements[{i}]"), span, sentence, &rule);
    }
    out
}
