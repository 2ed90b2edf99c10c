//! Page metadata read from the text itself: headline, publication stamp, site tag, byline.
//! Values from HTML metadata (set before extraction) are kept; the text fills the gaps.

use super::text::Span;
use super::{Ctx, Hit};
use crate::extract::dates::Ymd;
use crate::record::DocInfo;

/// Lines from the top searched for a headline, stamp or site tag.
const HEAD_LINES: usize = 15;
/// Non-empty lines from the end searched for a byline.
const TAIL_LINES: usize = 6;

/// Fills `doc` from the text; returns the spans of publication stamps (not meeting dates).
pub fn read(ctx: &mut Ctx, doc: &mut DocInfo) -> Vec<Span> {
    let head_end = nth_line_end(ctx.text, HEAD_LINES);
    let mut stamps = Vec::new();
    let mut first_stamp: Option<(String, &Hit)> = None;
    let published = ctx.hits("meta.published");
    for hit in published.iter() {
        if hit.m.start >= head_end {
            continue;
        }
        stamps.push(hit.span());
        if let Some(iso) = stamp_iso(ctx, hit)
            && first_stamp
                .as_ref()
                .is_none_or(|(_, h)| hit.m.start < h.m.start)
        {
            first_stamp = Some((iso, hit));
        }
    }
    if doc.published.is_none()
        && let Some((iso, hit)) = first_stamp
    {
        ctx.evidence(
            "doc.published",
            hit.span(),
            ctx.sentences[hit.sentence],
            &hit.rule.id,
        );
        doc.published = Some(iso);
    }
    if let Some(hit) = ctx
        .hits("meta.site_tag")
        .iter()
        .filter(|h| h.m.start < head_end)
        .min_by_key(|h| h.m.start)
        && let Some(tag) = hit.slot("tag")
    {
        let tag_text = ctx.s(tag).trim();
        let site_name = match ctx.gaz.site(tag_text) {
            Some(site) => Some(site.name.clone()),
            None if tag_text.contains('.') => Some(tag_text.to_string()),
            None => None,
        };
        if doc.site.is_none()
            && let Some(name) = site_name
        {
            doc.site = Some(name);
            ctx.evidence("doc.site", tag, ctx.sentences[hit.sentence], &hit.rule.id);
        }
    }
    if doc.site.is_none()
        && let Some(host) = doc.url.as_deref().and_then(host_of)
    {
        doc.site = Some(host);
    }
    if doc.title.is_none() {
        doc.title = headline(ctx, head_end);
    }
    if doc.author.is_none() {
        byline(ctx, doc);
    }
    stamps
}

/// The host of a URL, without `www.`.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    (!host.is_empty()).then(|| host.trim_start_matches("www.").to_ascii_lowercase())
}

fn nth_line_end(text: &str, n: usize) -> usize {
    text.match_indices('\n')
        .filter(|(i, _)| !text[..*i].ends_with('\n'))
        .nth(n)
        .map_or(text.len(), |(i, _)| i)
}

fn stamp_iso(ctx: &Ctx, hit: &Hit) -> Option<String> {
    let get = |s: &str| hit.slot(s).map(|sp| ctx.s(sp).trim().to_string());
    let d: u32 = get("d")?.parse().ok()?;
    let m: u32 = get("m")?.parse().ok()?;
    let y: i32 = get("y")?.parse().ok()?;
    let date = Ymd::new(y, m, d)?;
    let Some(hh) = get("hh").and_then(|h| h.parse::<u32>().ok()) else {
        return Some(date.iso());
    };
    let mi: u32 = get("mi").and_then(|x| x.parse().ok()).unwrap_or(0);
    let pm =
        get("ampm").is_some_and(|a| a.eq_ignore_ascii_case("pm") || a.eq_ignore_ascii_case("ch"));
    let am =
        get("ampm").is_some_and(|a| a.eq_ignore_ascii_case("am") || a.eq_ignore_ascii_case("sa"));
    let hh = match (pm, am, hh) {
        (true, _, h) if h < 12 => h + 12,
        (_, true, 12) => 0,
        (_, _, h) => h,
    };
    if hh > 23 || mi > 59 {
        return Some(date.iso());
    }
    Some(match get("ss").and_then(|s| s.parse::<u32>().ok()) {
        Some(ss) if ss < 60 => format!("{}T{hh:02}:{mi:02}:{ss:02}", date.iso()),
        _ => format!("{}T{hh:02}:{mi:02}", date.iso()),
    })
}

/// The first short line near the top that reads like a headline (scraped texts often put it
/// after a caption or the lead): not a sentence (two sentences, a closing period, colon or semicolon), not a table
/// row, and none of the lines the `meta.not_headline` rules describe (photo captions,
/// connective openers, datelines, site names, contact lines). No title is better than a
/// caption for one.
fn headline(ctx: &Ctx, head_end: usize) -> Option<String> {
    let mut offset = 0;
    let not_headline = ctx.hits("meta.not_headline");
    for line in ctx.text[..head_end].split('\n') {
        let start = offset;
        offset += line.len() + 1;
        let t = line.trim();
        let words = t.split_whitespace().count();
        if t.is_empty() {
            continue;
        }
        if words < 5 || t.chars().count() > 300 {
            continue;
        }
        if t.ends_with(['.', ':', ';']) || t.starts_with(['(', '-']) {
            continue;
        }
        if t.contains('|') || two_sentences(t) {
            continue;
        }
        if not_headline
            .iter()
            .any(|h| h.m.start >= start && h.m.start < offset)
        {
            continue;
        }
        let lowercase_start = t.chars().next().is_some_and(|c| c.is_lowercase());
        if lowercase_start
            || ctx
                .hits("meta.published")
                .iter()
                .any(|h| h.m.start >= start && h.m.start < offset)
        {
            continue;
        }
        return Some(t.to_string());
    }
    None
}

/// A sentence end inside the line: ". " before a capital, where the word before the period is
/// not an abbreviation ("TP. Hồ Chí Minh", "PGS. TS.").
fn two_sentences(line: &str) -> bool {
    line.match_indices(". ").any(|(i, _)| {
        let next_upper = line[i + 2..].chars().next().is_some_and(char::is_uppercase);
        let word = line[..i].rsplit(' ').next().unwrap_or("");
        let abbreviation = word.chars().count() <= 3 || word.chars().all(|c| !c.is_lowercase());
        next_upper && !abbreviation
    })
}

/// A byline among the last lines: "Trần Tuyền", "Tin, ảnh: Đặng Thạch", "CTV Thu Hằng".
fn byline(ctx: &mut Ctx, doc: &mut DocInfo) {
    let text = ctx.text;
    // Byte offsets of the last non-empty lines.
    let mut tail_start = text.len();
    let mut seen = 0;
    for (i, _) in text.rmatch_indices('\n') {
        if !text[i + 1..tail_start].trim().is_empty() {
            seen += 1;
        }
        if seen >= TAIL_LINES {
            tail_start = i + 1;
            break;
        }
        tail_start = i + 1;
    }
    if seen < TAIL_LINES {
        tail_start = 0;
    }
    // A short text's first line in capitals is its heading ("ĐỜI SỐNG SINH VIÊN"), not a
    // byline, unless it opens on a family name ("TRẦN TUYỀN").
    let lead = text.len() - text.trim_start().len();
    let first_line_end = text[lead..].find('\n').map_or(text.len(), |i| lead + i);
    let authors = ctx.hits("meta.author");
    let best = authors
        .iter()
        .filter(|h| h.m.start >= tail_start)
        .filter_map(|h| {
            let name = h.slot("name")?;
            let s = ctx.s(name);
            let heading = name.end <= first_line_end
                && first_line_end < text.trim_end().len()
                && !s.chars().any(char::is_lowercase)
                && !s
                    .split_whitespace()
                    .next()
                    .is_some_and(|w| ctx.gaz.is_surname(w));
            (!heading && plausible_name(ctx, s)).then_some((h, name))
        })
        .max_by_key(|(h, _)| (h.m.start, h.rule.priority));
    if let Some((hit, name)) = best {
        doc.author = Some(ctx.s(name).to_string());
        ctx.evidence(
            "doc.author",
            name,
            ctx.sentences[hit.sentence],
            &hit.rule.id,
        );
    } else if let Some(name) = after_end_mark(ctx) {
        doc.author = Some(ctx.s(name).to_string());
        ctx.evidence(
            "doc.author",
            name,
            ctx.sentence_span(name.start),
            "infer.author.after_end_mark",
        );
    }
}

/// A name that ends the text right after the closing mark "./." on the same line ("… năm
/// 2021./. Ngọc Pháp"): the byline.
fn after_end_mark(ctx: &Ctx) -> Option<Span> {
    let text = ctx.text.trim_end();
    let line = &text[text.rfind('\n').map_or(0, |i| i + 1)..];
    let at = line.rfind("./.")?;
    let rest = &line[at + 3..];
    let name = rest.trim();
    let start = text.len() - line.len() + at + 3 + (rest.len() - rest.trim_start().len());
    (!name.is_empty() && plausible_name(ctx, name)).then(|| Span::new(start, start + name.len()))
}

/// A person's name or pen name: 2–4 capitalized syllables (or names joined by ", " or a
/// dash), none of them a unit head, the whole not a province nor words the text also writes
/// in lower case ("HOẠT ĐỘNG", "KHEN THUONG" are headings); or initials ("M.T", "P.TRUNG").
fn plausible_name(ctx: &Ctx, s: &str) -> bool {
    if initials(s) {
        return true;
    }
    // "Ông Nông Quang Nhất - Giám đốc …" names a speaker, not the writer.
    if ["Ông ", "Bà ", "Đồng chí ", "Đ/c "]
        .iter()
        .any(|h| s.starts_with(h))
    {
        return false;
    }
    s.split([',', '–', '-']).map(str::trim).all(|part| {
        let words: Vec<&str> = part.split_whitespace().collect();
        (2..=4).contains(&words.len())
            && ctx.gaz.province(part).is_none()
            && !words.iter().any(|w| ctx.gaz.unit_head_kind(w).is_some())
            && words.iter().all(|w| {
                let n = w.chars().count();
                (1..=7).contains(&n)
                    && w.chars().next().is_some_and(char::is_uppercase)
                    && w.chars().all(char::is_alphabetic)
            })
            && !written_in_lower_case(ctx, part)
    })
}

/// Initials with dots: "M.T", "V.Đ", "H.N.", "P.TRUNG" (each part capitalized, at most one
/// longer than two letters).
fn initials(s: &str) -> bool {
    let parts: Vec<&str> = s
        .split('.')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            p.chars().all(char::is_alphabetic) && p.chars().next().is_some_and(char::is_uppercase)
        })
        && parts.iter().filter(|p| p.chars().count() > 2).count() <= 1
}

/// True when the text also writes these words in lower case (so they are words, not a name).
fn written_in_lower_case(ctx: &Ctx, words: &str) -> bool {
    let key = crate::normalize::fold_str(words);
    let folded = &ctx.folded.text;
    folded.match_indices(key.as_str()).any(|(at, _)| {
        let original = ctx.folded.to_original(at);
        ctx.text[original..]
            .chars()
            .next()
            .is_some_and(char::is_lowercase)
    })
}
