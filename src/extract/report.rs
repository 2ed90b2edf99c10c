//! Is the document a report of one bloc's meeting? Near-misses are rejected: general articles
//! on emulation, tag pages listing several meetings, lists assigning heads to many clusters,
//! decisions awarding several blocs, sports days, legal Q&A, one agency's own review.
//!
//! A report needs a meeting event (`report.event`) and a reference to ONE bloc (a named
//! mention, or "trong cụm", "Cụm trưởng" … not "các khối, cụm") in the headline and lead or in
//! the event's own sentence; no near-miss rule (`report.reject`) may fire; and the page must
//! not list several meetings or several blocs.

use super::Ctx;
use super::bloc::BlocInfo;
use super::dates;
use crate::normalize::fold_str;
use crate::record::Meeting;
use std::collections::BTreeSet;

/// Sentences counted as headline and lead (see [`lead_end`]).
const LEAD_SENTENCES: usize = 4;

/// Priority of the `report.event` rules that name a conference ("hội nghị tổng kết").
const CONFERENCE_PRIORITY: i32 = 30;

/// Words before a bloc word that make it plural ("các khối", "8 khối thi đua").
const PLURAL: [&str; 5] = ["cac", "nhung", "nhieu", "so", "moi"];

/// Decides `is_report`, recording the deciding sentence as evidence.
pub fn decide(ctx: &mut Ctx, bloc: &BlocInfo) -> bool {
    // Near-misses: "lead" rules count in the headline and lead only, "anywhere" rules anywhere.
    // A lead that names a review conference beside the sports day ("Hội nghị sơ kết, Hội
    // diễn văn nghệ, Hội thao Cụm thi đua số 9") reports the conference.
    let lead = lead_end(ctx);
    let events = ctx.hits("report.event");
    let conference_in = |sentence: usize| {
        events
            .iter()
            .any(|e| e.sentence == sentence && e.rule.priority >= CONFERENCE_PRIORITY)
    };
    let rejected = ctx
        .hits("report.reject")
        .iter()
        .any(|h| match h.rule.value_str() {
            Some("lead") => h.sentence < lead && !conference_in(h.sentence),
            _ => true,
        });
    if rejected {
        return false;
    }
    let bloc_sentences = singular_bloc_sentences(ctx, bloc);
    if bloc_sentences.is_empty() || is_listing(ctx, bloc) {
        return false;
    }
    let lead_bloc = bloc_sentences.iter().any(|&s| s < lead);
    let Some(event) = events
        .iter()
        .filter(|e| lead_bloc || bloc_sentences.contains(&e.sentence))
        .max_by(|a, b| {
            a.rule
                .priority
                .cmp(&b.rule.priority)
                .then(b.m.start.cmp(&a.m.start))
        })
    else {
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

/// Where the headline and lead end: [`LEAD_SENTENCES`] sentences after the first sentence of
/// prose. Page furniture before it does not count ("Trang chủ | Tin tức | Thời sự", "Đăng
/// nhập", "07:00:42 20/03/2019", "Email: toasoan@…"): a text taken from a page opens with
/// more or less of it, and its headline is no less its headline.
fn lead_end(ctx: &Ctx) -> usize {
    let start = ctx
        .sentences
        .iter()
        .position(|s| {
            let sentence = ctx.s(*s);
            let words = sentence
                .split_whitespace()
                .filter(|w| w.chars().any(char::is_alphabetic))
                .count();
            words >= 3 && !sentence.contains(['|', '@'])
        })
        .unwrap_or(0);
    start + LEAD_SENTENCES
}

/// Sentences that refer to one bloc: a named mention, or a reference such as "trong cụm",
/// "Cụm trưởng" not preceded by a plural word.
fn singular_bloc_sentences(ctx: &Ctx, bloc: &BlocInfo) -> BTreeSet<usize> {
    let mut out: BTreeSet<usize> = bloc.named().map(|m| m.sentence).collect();
    for hit in ctx.hits("report.bloc").iter() {
        let before = ctx.text[ctx.sentences[hit.sentence].start..hit.m.start].trim_end();
        let prev = before
            .rsplit([' ', ','])
            .find(|w| !w.is_empty())
            .map(fold_str);
        let plural = prev.as_deref().is_some_and(|w| {
            PLURAL.contains(&w) || super::bloc::is_count(w) || w == "khoi" || w == "cum"
        });
        if !plural {
            out.insert(hit.sentence);
        }
    }
    out
}

/// A page that lists several meetings or several blocs rather than reporting one: leads with
/// dates in different years, or three or more distinct blocs named (numbered clusters, or
/// names that share no distinctive word).
fn is_listing(ctx: &Ctx, bloc: &BlocInfo) -> bool {
    let mut lead_years = BTreeSet::new();
    for hit in ctx.hits("meeting.date").iter() {
        let sentence = ctx.sentences[hit.sentence];
        let before = ctx.text[sentence.start..hit.m.start].trim();
        if before.len() > 12 {
            continue;
        }
        if let Some(e) = dates::expr_of(ctx, hit)
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
        .filter(|m| !is_guest(ctx, m))
        .filter_map(|m| super::bloc::bloc_number(ctx.s(m.span)))
        .collect();
    numbered.len() >= 3 || distinct_blocs(ctx, bloc) >= 3
}

/// How many different blocs the named mentions stand for: mentions sharing a distinctive word
/// ("Kinh tế - Kỹ thuật" and "các cơ quan, đơn vị Kinh tế - Kỹ thuật") are one bloc.
fn distinct_blocs(ctx: &Ctx, bloc: &BlocInfo) -> usize {
    const COMMON: [&str; 14] = [
        "khoi", "cum", "thi", "dua", "cac", "co", "quan", "so", "nganh", "don", "vi", "va", "tinh",
        "-",
    ];
    let mut groups: Vec<BTreeSet<String>> = Vec::new();
    for m in bloc.named().filter(|m| !is_guest(ctx, m)) {
        let words: BTreeSet<String> = fold_str(ctx.s(m.span))
            .split([' ', ','])
            .filter(|w| !w.is_empty() && !COMMON.contains(w))
            .map(String::from)
            .collect();
        if words.is_empty() {
            continue;
        }
        match groups.iter_mut().find(|g| !g.is_disjoint(&words)) {
            Some(g) => g.extend(words),
            None => groups.push(words),
        }
    }
    groups.len()
}

/// Words that, just before a bloc's name, make it a guest or a party to the reported bloc's
/// meeting rather than a bloc reporting one of its own: "Dự hội nghị có đại diện Cụm thi đua
/// số 1 và Cụm thi đua số 2", "lãnh đạo Khối thi đua Văn hóa - Xã hội".
/// (Compared folded: "mời" alone would also be "mới", "mỗi".)
const GUEST_WORDS: [&str; 7] = [
    "dai dien",
    "lanh dao",
    "dai bieu",
    "thanh vien",
    "khach moi",
    "cung",
    "voi",
];

/// True when a named mention is a guest of the meeting (`GUEST_WORDS` within the three words
/// before it, or a list of such mentions after them): it names another bloc, not a second
/// meeting of the page.
fn is_guest(ctx: &Ctx, m: &super::bloc::Mention) -> bool {
    let sentence = ctx.sentences[m.sentence];
    let before = fold_str(&ctx.text[sentence.start..m.span.start]);
    let words: Vec<&str> = before.split_whitespace().collect();
    // Skip back over the other mentions of the same list ("Cụm thi đua số 1 và Cụm …").
    let mut end = words.len();
    while end > 0 && matches!(words[end - 1], "va" | ",") {
        end -= 1;
    }
    let tail = words[end.saturating_sub(3)..end].join(" ");
    if GUEST_WORDS.iter().any(|g| tail.ends_with(g)) {
        return true;
    }
    // "… đại diện Cụm thi đua số 1 và Cụm thi đua số 2": the list's first mention is a guest.
    words[..end]
        .iter()
        .rposition(|w| matches!(*w, "khoi" | "cum"))
        .is_some_and(|k| {
            let head = words[k.saturating_sub(3)..k].join(" ");
            GUEST_WORDS.iter().any(|g| head.ends_with(g))
                && !words[k..end].iter().any(|w| w.ends_with('.'))
        })
}
