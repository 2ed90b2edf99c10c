//! Is the document a report of one bloc's meeting? Near-misses are rejected: general articles
//! on emulation, tag pages listing several meetings, lists assigning heads to many clusters,
//! decisions awarding several blocs, sports days, legal Q&A.

use super::Ctx;
use super::bloc::BlocInfo;
use super::dates;
use crate::normalize::fold_str;
use crate::record::Meeting;
use std::collections::BTreeSet;

/// Sentences counted as headline and lead.
const LEAD_SENTENCES: usize = 3;

/// Decides `is_report`, recording the deciding sentence as evidence.
pub fn decide(ctx: &mut Ctx, bloc: &BlocInfo) -> bool {
    // Near-misses: "lead" rules count in the headline and lead only, "anywhere" rules anywhere.
    let rejected = ctx
        .hits("report.reject")
        .into_iter()
        .any(|h| match h.rule.value_str() {
            Some("lead") => h.sentence < LEAD_SENTENCES,
            _ => true,
        });
    if rejected {
        return false;
    }
    let bloc_refs = ctx.hits("report.bloc");
    if bloc.mentions.is_empty() && bloc_refs.is_empty() {
        return false;
    }
    if is_listing(ctx, bloc) {
        return false;
    }
    let events = ctx.hits("report.event");
    let Some(event) = events.iter().max_by(|a, b| {
        a.rule
            .priority
            .cmp(&b.rule.priority)
            .then(b.m.start.cmp(&a.m.start))
    }) else {
        return false;
    };
    let (span, sentence, rule) = (
        event.span(),
        ctx.sentences[event.sentence],
        event.rule.id.clone(),
    );
    ctx.evidence("is_report", span, sentence, &rule);
    true
}

/// A page that lists several meetings or several blocs rather than reporting one: leads with
/// dates in different years, or three or more distinct numbered blocs with their own roles.
fn is_listing(ctx: &Ctx, bloc: &BlocInfo) -> bool {
    let mut lead_years = BTreeSet::new();
    for hit in ctx.hits("meeting.date") {
        let sentence = ctx.sentences[hit.sentence];
        let before = ctx.text[sentence.start..hit.m.start].trim();
        if before.len() > 12 {
            continue;
        }
        if let Some(e) = dates::expr_of(ctx, &hit)
            && let Some(y) = e.y
            && dates::resolve(&e, None, &Meeting::default()).is_some()
        {
            lead_years.insert(y);
        }
    }
    if lead_years.len() >= 2 {
        return true;
    }
    // "Cụm thi đua số 1", "Cụm thi đua số 01 - …", "Cụm thi đua 2": the number after the keyword.
    let numbered: BTreeSet<u32> = bloc
        .named()
        .filter_map(|m| {
            let f = fold_str(ctx.s(m.span));
            let mut words = f.split(' ').skip(3);
            let w = match words.next()? {
                "so" => words.next()?,
                w => w,
            };
            w.parse::<u32>()
                .ok()
                .or_else(|| crate::patterns::roman(&w.to_uppercase()))
        })
        .collect();
    numbered.len() >= 3
}
