//! The province a bloc belongs to.
//!
//! Null when the bloc spans provinces or is national (`province.regional` rules on the bloc
//! name: "các tỉnh …", "Trung ương", "Quân khu"). Otherwise the province mentioned most, by
//! weight: a provincial site tag or domain, strong mentions from `province.mention` rules
//! ("tỉnh Quảng Nam", weight in the rule's value), bare names (weight 1). The winner must
//! weigh at least twice the runner-up.

use super::Ctx;
use super::bloc::BlocInfo;
use super::text::Span;
use super::units::unit_key;
use crate::normalize::chars;
use crate::record::{DocInfo, Unit};
use std::collections::HashMap;

/// Weight of a site tag or domain that belongs to a provincial publisher.
const SITE_WEIGHT: i64 = 5;

/// The strongest mention of a province: its weight, span, sentence and rule.
type Strongest = (i64, Span, Span, String);

/// Decides the province, recording the strongest mention as evidence.
pub fn decide(ctx: &mut Ctx, bloc: &BlocInfo, doc: &DocInfo, members: &[Unit]) -> Option<String> {
    // The province named as the bloc's owner ("Khối thi đua số 10 của UBND tỉnh Đồng Nai").
    let owners = ctx.hits("province.owner");
    if let Some(hit) = owners.first()
        && let Some(slot) = hit.slot("p")
        && let Some(idx) = province_index(ctx, ctx.s(slot))
    {
        ctx.evidence(
            "bloc.province",
            slot,
            ctx.sentences[hit.sentence],
            &hit.rule.id,
        );
        return Some(ctx.gaz.provinces[idx].name.clone());
    }
    let mut score: HashMap<usize, (i64, Strongest)> = HashMap::new();
    let mut add = |p: usize, w: i64, span: Span, sentence: Span, rule: &str| {
        let e = score
            .entry(p)
            .or_insert((0, (i64::MIN, span, sentence, rule.to_string())));
        e.0 += w;
        if w > e.1.0 {
            e.1 = (w, span, sentence, rule.to_string());
        }
    };
    if let Some((p, span, sentence, rule)) = site_province(ctx, doc) {
        add(p, SITE_WEIGHT, span, sentence, &rule);
    }
    let mut strong_spans: Vec<Span> = Vec::new();
    for hit in ctx.hits("province.mention").iter() {
        let Some(slot) = hit.slot("p") else { continue };
        let Some(idx) = province_index(ctx, ctx.s(slot)) else {
            continue;
        };
        let w = hit.rule.value_int().unwrap_or(2);
        strong_spans.push(slot);
        add(idx, w, slot, ctx.sentences[hit.sentence], &hit.rule.id);
    }
    for (fs, fe, idx) in ctx.gaz.find_provinces(&ctx.folded.text) {
        let span = Span::new(ctx.folded.to_original(fs), ctx.folded.to_original(fe));
        if strong_spans.iter().any(|s| s.contains(span)) {
            continue;
        }
        // "ĐH Thái Bình Dương": a longer capitalized name, not the province.
        let next = ctx.text[span.end..]
            .strip_prefix(' ')
            .and_then(|r| r.chars().next());
        if next.is_some_and(char::is_uppercase) {
            continue;
        }
        // Names are capitalized; "bình định" in lower case is not a place.
        if !ctx.s(span).chars().next().is_some_and(char::is_uppercase) {
            continue;
        }
        if ctx.gaz.is_not_bare(&ctx.folded.text[fs..fe]) {
            continue;
        }
        // Found without marks, the name must also have the province's marks: "Thạnh Hóa" (a
        // district of Long An) is not "Thanh Hóa". A text written without marks has none.
        let written = ctx.s(span);
        let p = &ctx.gaz.provinces[idx];
        if !written.is_ascii() && !spelled_as(written, p) {
            continue;
        }
        let sentence = ctx.sentence_span(span.start);
        add(idx, 1, span, sentence, "province.bare_name");
    }
    let mut ranked: Vec<(usize, i64)> = score.iter().map(|(&p, &(w, _))| (p, w)).collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let (winner, w) = *ranked.first()?;
    let runner_up = ranked.get(1).map_or(0, |r| r.1);
    if (w < 2 * runner_up.max(1) && runner_up > 0) || spans_provinces(ctx, bloc, members) {
        return None;
    }
    let (_, (_, span, sentence, rule)) = score.remove(&winner)?;
    ctx.evidence("bloc.province", span, sentence, &rule);
    Some(ctx.gaz.provinces[winner].name.clone())
}

/// True when the bloc spans provinces or is national, whatever province the text names most:
/// the text says its units are provinces ("các tỉnh trong cụm"), most members are named in two
/// or more provinces, or a bloc mention carries a regional or national marker and no province
/// of its own ("Cụm thi đua các tỉnh Tây Nam Bộ", "Cụm thi đua số 4 Kho bạc Nhà nước") or two
/// provinces ("… Long An – Vĩnh Long"). Asked only when a province would be chosen.
fn spans_provinces(ctx: &Ctx, bloc: &BlocInfo, members: &[Unit]) -> bool {
    // The text says the bloc's units are provinces ("các tỉnh trong cụm").
    if !ctx.hits("province.spans").is_empty() {
        return true;
    }
    // Members in two or more provinces ("VKSND các tỉnh: Nghệ An, Quảng Trị …", "Liên hiệp
    // hội 6 tỉnh"), most of them named with their province: the bloc spans provinces.
    let located: Vec<&str> = members.iter().filter_map(|u| province_of(ctx, u)).collect();
    let distinct: std::collections::BTreeSet<&str> = located.iter().copied().collect();
    if distinct.len() >= 2 && 2 * located.len() >= members.len() {
        return true;
    }
    // Members that are ministries ("gồm Bộ Tư pháp, Bộ Nội vụ, Bộ Ngoại giao"): a national
    // bloc, wherever it meets.
    let ministries = members.iter().filter(|u| is_ministry(&u.canonical)).count();
    if ministries >= 2 && 2 * ministries >= members.len() {
        return true;
    }
    if bloc.chosen().is_some() {
        // Markers in any of the bloc's named mentions ("Cụm thi đua số 3" here, "Cụm thi đua số
        // 3, Bộ đội Biên phòng" there).
        let within = |field: &str| {
            ctx.hits(field)
                .iter()
                .any(|h| bloc.named().any(|m| m.span.contains(h.span())))
        };
        // "Cụm thi đua các huyện miền núi tỉnh Phú Yên", "Cụm thi đua miền núi Quảng Nam" name
        // their province: a region word in the name then describes places inside it.
        // (One province only: "… Long An – Vĩnh Long" spans two.)
        let ends_with_province = bloc.chosen().is_some_and(|m| {
            let name = ctx.s(m.span);
            let words: Vec<&str> = name.split_whitespace().collect();
            let named = ctx
                .gaz
                .find_provinces(&crate::normalize::fold_str(name))
                .len();
            named == 1
                && (1..=3.min(words.len())).any(|k| {
                    let tail = words[words.len() - k..].join(" ");
                    tail.chars().next().is_some_and(char::is_uppercase)
                        && ctx.gaz.province(&tail).is_some()
                })
        });
        let local = within("province.local") || within("province.mention") || ends_with_province;
        // "Khối thi đua các Chi cục Thi hành án dân sự Long An – Vĩnh Long": two provinces.
        let two_provinces = bloc.named().any(|m| {
            let mut named: Vec<usize> = ctx
                .gaz
                .find_provinces(&crate::normalize::fold_str(ctx.s(m.span)))
                .into_iter()
                .map(|(_, _, p)| p)
                .collect();
            named.sort_unstable();
            named.dedup();
            named.len() >= 2
        });
        // "Cụm thi đua số 5 thuộc Bộ Tư pháp": a bloc of a national agency's branches.
        let national_owner = ctx
            .hits("province.national_owner")
            .iter()
            .any(|h| bloc.named().any(|m| m.span.start == h.m.start));
        if ((within("province.regional") || national_owner) && !local) || two_provinces {
            return true;
        }
    }
    false
}

/// True when `written` is the province's name or one of its aliases, letter for letter in
/// lower case (with its marks).
fn spelled_as(written: &str, p: &crate::patterns::Province) -> bool {
    let lower = chars::to_lowercase(written);
    std::iter::once(&p.name)
        .chain(&p.aliases)
        .any(|n| chars::to_lowercase(n) == lower)
}

fn province_index(ctx: &Ctx, name: &str) -> Option<usize> {
    let p = ctx.gaz.province(name)?;
    ctx.gaz.provinces.iter().position(|x| x.name == p.name)
}

/// The province of the publisher, from the site tag or a source line in the text, or the
/// URL's host.
fn site_province(ctx: &Ctx, doc: &DocInfo) -> Option<(usize, Span, Span, String)> {
    for hit in ctx.hits("meta.site_tag").iter() {
        let Some(tag) = hit.slot("tag") else { continue };
        if let Some(site) = ctx.gaz.site(ctx.s(tag))
            && let Some(p) = &site.province
            && let Some(idx) = province_index(ctx, p)
        {
            return Some((idx, tag, ctx.sentences[hit.sentence], hit.rule.id.clone()));
        }
    }
    // A source line printed in the text: "Nguồn: baobinhdinh.vn".
    for hit in ctx.hits("meta.site_source").iter() {
        let Some(host) = hit.slot("host") else {
            continue;
        };
        if let Some(idx) = host_province(ctx, ctx.s(host)) {
            return Some((idx, host, ctx.sentences[hit.sentence], hit.rule.id.clone()));
        }
    }
    let host = doc.url.as_deref().and_then(super::meta::host_of)?;
    let idx = host_province(ctx, &host)?;
    // The URL is not in the text: point at the first sentence.
    let first = *ctx.sentences.first()?;
    Some((
        idx,
        Span::new(first.start, first.start),
        first,
        "province.site_domain".to_string(),
    ))
}

/// The province of a provincial publisher's host: listed in `sites.tsv`, or named in a label.
fn host_province(ctx: &Ctx, host: &str) -> Option<usize> {
    let province = match ctx.gaz.site(host) {
        Some(site) => site.province.as_deref()?,
        None => &ctx.gaz.province_of_host(host)?.name,
    };
    province_index(ctx, province)
}

/// The province a member belongs to: one its name ends with ("Sở Tài chính tỉnh Yên Bái",
/// "LĐLĐ tỉnh Nghệ An") or that it is ("Hà Tĩnh").
fn province_of<'g>(ctx: &'g Ctx, u: &Unit) -> Option<&'g str> {
    let (_, tail) = unit_key(ctx, u);
    let name = tail.unwrap_or_else(|| crate::normalize::fold_str(&u.canonical));
    let name = name
        .trim_start_matches("tinh ")
        .trim_start_matches("thanh pho ");
    ctx.gaz.province(name).map(|p| p.name.as_str())
}

/// A ministry's name: "Bộ" then a capitalized word, not a provincial command ("Bộ Chỉ huy
/// Quân sự tỉnh", "Bộ CHQS", "Bộ đội Biên phòng tỉnh").
fn is_ministry(name: &str) -> bool {
    let mut words = name.split_whitespace();
    words.next() == Some("Bộ")
        && words.next().is_some_and(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && !matches!(w, "Chỉ" | "CHQS" | "CHBĐBP" | "Tư lệnh")
        })
}
