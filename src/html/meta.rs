//! Page metadata: title, publication date, author, site and canonical URL, each from the
//! most reliable source the page has.
//!
//! * title: site profile → `og:title`/`twitter:title` → JSON-LD headline → the headline
//!   element → `<title>`; a site suffix (" - Báo Quảng Trị", " | baoquangtri.vn") is removed.
//! * published: site profile → `<meta>` (article:published_time, itemprop datePublished …) →
//!   JSON-LD → `<time datetime>` → a visible stamp near the headline ("Ngày cập nhật:
//!   06/12/2021 15:57:15") or in a date-marked element.
//! * author: site profile → byline elements (rel/itemprop author, class "author", "tacgia")
//!   → `<meta name=author>` → JSON-LD → a bold or right-aligned name line ending the article.
//! * site: `og:site_name` → `application-name` → JSON-LD publisher → title suffix.
//! * url: canonical link → `og:url` (made absolute against the known URL).

use super::Page;
use super::content::Extraction;
use super::dates;
use super::dom::{Dom, NONE, attr, flag};
use super::profiles::hint;
use crate::normalize::fold_str;
use serde_json::Value;

/// What JSON-LD says about the article.
#[derive(Debug, Default)]
struct LinkedData {
    headline: Option<String>,
    published: Option<String>,
    authors: Vec<String>,
    publisher: Option<String>,
}

/// Fills the page's metadata.
pub fn fill(dom: &Dom, ex: &Extraction, known_url: Option<&str>, page: &mut Page) {
    let found = &dom.found;
    let ld = linked_data(&found.ld_json);
    page.url = found
        .canonical
        .or_else(|| found.meta(&["og:url"]))
        .and_then(|u| absolute(u, known_url.or_else(|| found.meta(&["og:url"]))))
        .or_else(|| known_url.map(str::to_string));

    let title_tag = found
        .title
        .as_deref()
        .map(collapse)
        .filter(|t| !t.is_empty());
    let headline_text = ex
        .headline
        .map(|h| element_text(dom, h))
        .filter(|t| !t.is_empty());
    let mut site = found
        .meta(&["og:site_name", "application-name"])
        .map(collapse)
        .or(ld.publisher.clone());
    if site.is_none()
        && let (Some(t), Some(h)) = (&title_tag, &headline_text)
        && let Some(rest) = t.strip_prefix(h.as_str())
    {
        let rest = rest.trim_start_matches([' ', '-', '|', '–', '—', ':', '»', '·', '_']);
        if !rest.is_empty() && rest.chars().count() <= 60 {
            site = Some(rest.to_string());
        }
    }
    let host = page.url.as_deref().and_then(host_of);
    let names: Vec<&str> = site
        .iter()
        .map(String::as_str)
        .chain(host.as_deref())
        .collect();

    let profile_title = (0..dom.els.len())
        .find(|&i| {
            dom.els[i].flags & flag::TITLE != 0 && dom.els[i].line_start < dom.els[i].line_end
        })
        .map(|i| element_text(dom, i as u32));
    // The headline element wins over og:title when og:title only adds to it.
    let og_title = found
        .meta(&["og:title", "twitter:title"])
        .map(|t| strip_site(&collapse(t), &names))
        .filter(|t| !t.is_empty());
    let og_title = match (og_title, &headline_text) {
        (Some(og), Some(h)) if fold_str(&og).contains(&fold_str(h)) => Some(h.clone()),
        (og, _) => og,
    };
    page.title = profile_title
        .or(og_title)
        .or_else(|| {
            ld.headline
                .as_deref()
                .map(|t| strip_site(&collapse(t), &names))
        })
        .or(headline_text)
        .or_else(|| title_tag.map(|t| strip_site(&t, &names)))
        .filter(|t| !t.is_empty());

    page.published = published(dom, ex, &ld);
    page.author = author(dom, ex, &ld, &names);
    page.site = site;
}

/// Collapses white space.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn element_text(dom: &Dom, el: u32) -> String {
    let e = &dom.els[el as usize];
    (e.line_start as usize..e.line_end as usize)
        .map(|i| dom.line_text(i))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The host of a URL, lower case, without `www.`.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    (!host.is_empty()).then(|| host.trim_start_matches("www.").to_ascii_lowercase())
}

/// Makes a link absolute against a base URL; `None` when that is impossible.
fn absolute(href: &str, base: Option<&str>) -> Option<String> {
    let href = href.trim();
    if href.starts_with("http://") || href.starts_with("https://") {
        return Some(href.to_string());
    }
    let base = base?;
    let (scheme, rest) = base.split_once("://")?;
    if let Some(h) = href.strip_prefix("//") {
        return Some(format!("{scheme}://{h}"));
    }
    let host = rest.split(['/', '?', '#']).next()?;
    if href.starts_with('/') {
        return Some(format!("{scheme}://{host}{href}"));
    }
    None
}

/// Removes a site name before or after a separator: "Headline - Báo Quảng Trị" → "Headline".
/// A part counts as the site when it names the site or host, or reads like a portal name;
/// other separated parts stay ("Khối thi đua Văn hóa - Xã hội …").
pub fn strip_site(title: &str, names: &[&str]) -> String {
    const SEPS: [&str; 9] = [" | ", " - ", " – ", " — ", " :: ", " » ", " · ", " _", "｜"];
    let mut t = title.trim().to_string();
    for _ in 0..2 {
        let mut changed = false;
        for sep in SEPS {
            if let Some((head, tail)) = t.rsplit_once(sep)
                && is_site(tail, names)
                && !head.trim().is_empty()
            {
                t = head.trim().to_string();
                changed = true;
                break;
            }
            if let Some((head, tail)) = t.split_once(sep)
                && is_site(head, names)
                && !tail.trim().is_empty()
            {
                t = tail.trim().to_string();
                changed = true;
                break;
            }
        }
        if !changed {
            break;
        }
    }
    t
}

fn is_site(part: &str, names: &[&str]) -> bool {
    let p = part.trim();
    if p.is_empty() || p.chars().count() > 80 {
        return false;
    }
    let f = fold_str(p);
    if names.iter().any(|n| {
        let n = fold_str(n.trim());
        !n.is_empty() && (n == f || n.contains(&f) && f.len() >= 4 || f.contains(&n))
    }) {
        return true;
    }
    // A domain name.
    if !p.contains(' ') && p.contains('.') && p.chars().any(|c| c.is_ascii_alphabetic()) {
        return true;
    }
    const PORTALS: [&str; 12] = [
        "bao ",
        "cong thong tin",
        "trang thong tin",
        "trang tin",
        "website",
        "tap chi",
        "dai phat thanh",
        "dai truyen hinh",
        "truyen hinh",
        "portal",
        "ban tin",
        "thong tan xa",
    ];
    PORTALS.iter().any(|w| f.starts_with(w)) && p.split_whitespace().count() <= 10
}

fn linked_data(scripts: &[String]) -> LinkedData {
    let mut out = LinkedData::default();
    for script in scripts {
        // Some CMSs wrap JSON-LD in CDATA markers.
        let json = script
            .trim()
            .trim_start_matches("<![CDATA[")
            .trim_end_matches("]]>")
            .trim();
        let Ok(value) = serde_json::from_str::<Value>(json) else {
            continue;
        };
        let mut stack = vec![&value];
        let mut visited = 0;
        while let Some(v) = stack.pop() {
            visited += 1;
            if visited > 2000 {
                break;
            }
            match v {
                Value::Array(items) => stack.extend(items.iter().rev()),
                Value::Object(map) => {
                    let types = type_names(map.get("@type"));
                    let article = types.iter().any(|t| {
                        t.contains("Article")
                            || t.contains("Posting")
                            || t == "Report"
                            || t == "WebPage"
                    });
                    if article {
                        if out.published.is_none() {
                            out.published = map
                                .get("datePublished")
                                .or_else(|| map.get("dateCreated"))
                                .and_then(Value::as_str)
                                .and_then(dates::from_machine);
                        }
                        if out.headline.is_none() && !types.iter().any(|t| t == "WebPage") {
                            out.headline = map
                                .get("headline")
                                .and_then(Value::as_str)
                                .map(str::to_string);
                        }
                        if out.authors.is_empty() {
                            out.authors = person_names(map.get("author"));
                        }
                        if out.publisher.is_none() {
                            out.publisher = map
                                .get("publisher")
                                .and_then(|p| p.get("name"))
                                .and_then(Value::as_str)
                                .map(collapse);
                        }
                    }
                    if let Some(g) = map.get("@graph") {
                        stack.push(g);
                    }
                    if let Some(m) = map.get("mainEntity") {
                        stack.push(m);
                    }
                }
                _ => {}
            }
        }
    }
    out
}

fn type_names(t: Option<&Value>) -> Vec<String> {
    match t {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => vec![],
    }
}

fn person_names(v: Option<&Value>) -> Vec<String> {
    let items: Vec<&Value> = match v {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(x) => vec![x],
        None => vec![],
    };
    items
        .into_iter()
        .filter_map(|a| match a {
            Value::String(s) => Some(s.clone()),
            Value::Object(m) => {
                let org = type_names(m.get("@type"))
                    .iter()
                    .any(|t| t == "Organization");
                (!org)
                    .then(|| m.get("name").and_then(Value::as_str).map(str::to_string))
                    .flatten()
            }
            _ => None,
        })
        .map(|s| collapse(&s))
        .filter(|s| !s.is_empty())
        .collect()
}

const PUBLISHED_KEYS: [&str; 23] = [
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "published_time",
    "article:published",
    "datepublished",
    "article.published",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "dc.date",
    "dcterms.date",
    "date",
    "sailthru.date",
    "parsely-pub-date",
    "datecreated",
    "citation_publication_date",
    "cxenseparse:recs:publishtime",
];

fn published(dom: &Dom, ex: &Extraction, ld: &LinkedData) -> Option<String> {
    let els = &dom.els;
    // The site profile's date element.
    for (i, e) in els.iter().enumerate() {
        if e.flags & flag::DATE != 0 {
            if let Some(d) = dates::from_text(&element_text(dom, i as u32)) {
                return Some(d);
            }
            if let Some(d) = e
                .node
                .value()
                .as_element()
                .and_then(|x| attr(x, "datetime").or_else(|| attr(x, "content")))
                .and_then(dates::from_machine)
            {
                return Some(d);
            }
        }
    }
    for key in PUBLISHED_KEYS {
        if let Some(v) = dom.found.meta(&[key])
            && let Some(d) = dates::from_machine(v)
        {
            return Some(d);
        }
    }
    if let Some(d) = &ld.published {
        return Some(d.clone());
    }
    let region_start = ex
        .region
        .first()
        .map_or(0, |&r| els[r as usize].line_start as usize);
    let anchor = ex
        .headline
        .map_or(region_start, |h| els[h as usize].line_start as usize);
    // <time datetime>: inside the article or between the headline and the article.
    let in_region = |el: u32| {
        ex.region.iter().any(|&r| {
            let re = &els[r as usize];
            el >= r && els[el as usize].line_start <= re.line_end && el_in(dom, r, el)
        })
    };
    for &(el, value) in &dom.found.times {
        let ls = els[el as usize].line_start as usize;
        let near = ls >= anchor.saturating_sub(2) && ls <= region_start.max(anchor) + 3;
        if (in_region(el) || near || els[el as usize].flags & hint::DATE != 0)
            && !ex.gone.get(el as usize).copied().unwrap_or(false)
            && let Some(d) = dates::from_machine(value)
        {
            return Some(d);
        }
    }
    // Visible stamps: lines after the headline first, then before it, then the article's end.
    let n = dom.lines.len();
    if n == 0 {
        return None;
    }
    let mut order: Vec<usize> = (anchor..(anchor + 15).min(n)).collect();
    order.extend((anchor.saturating_sub(4)..anchor).rev());
    if let Some(&last) = ex.sources.last() {
        order.extend(last.saturating_sub(3)..(last + 4).min(n));
    }
    for i in order {
        let l = &dom.lines[i];
        if l.link_chars * 2 > l.chars || (l.owner != NONE && ex.gone[l.owner as usize]) {
            continue;
        }
        let text = dom.line_text(i);
        if let Some(d) = dates::from_stamp_line(text) {
            return Some(d);
        }
        if l.owner != NONE
            && els[l.owner as usize].flags & hint::DATE != 0
            && text.chars().count() <= 160
            && let Some(d) = dates::from_text(text)
        {
            return Some(d);
        }
    }
    // Any short date-marked element up to the article's end, outside page furniture.
    let region_end = ex
        .region
        .iter()
        .map(|&r| els[r as usize].line_end)
        .max()
        .unwrap_or(0);
    for (i, e) in els.iter().enumerate() {
        if e.flags & hint::DATE != 0
            && e.flags & hint::NEGATIVE == 0
            && !ex.gone.get(i).copied().unwrap_or(false)
            && e.line_start < e.line_end
            && e.line_start <= region_end
        {
            let text = element_text(dom, i as u32);
            if text.chars().count() <= 80
                && let Some(d) = dates::from_text(&text)
            {
                return Some(d);
            }
        }
    }
    None
}

fn el_in(dom: &Dom, ancestor: u32, el: u32) -> bool {
    let mut e = el;
    for _ in 0..10_000 {
        if e == ancestor {
            return true;
        }
        if e == NONE || e < ancestor {
            return false;
        }
        e = dom.els[e as usize].parent;
    }
    false
}

fn author(dom: &Dom, ex: &Extraction, ld: &LinkedData, names: &[&str]) -> Option<String> {
    let els = &dom.els;
    let gone = |i: usize| ex.gone.get(i).copied().unwrap_or(false);
    for (i, e) in els.iter().enumerate() {
        if e.flags & flag::AUTHOR != 0
            && let Some(a) = clean_author(&element_text(dom, i as u32), names)
        {
            return Some(a);
        }
    }
    // Byline elements (not inside comments or other furniture); of nested ones the
    // innermost ("author__name" inside "author").
    let bylines: Vec<usize> = (0..els.len())
        .filter(|&i| {
            let e = &els[i];
            e.flags & hint::AUTHOR != 0
                && e.flags & hint::NEGATIVE == 0
                && !gone(i)
                && e.line_start < e.line_end
        })
        .collect();
    let byline = |i: usize| {
        let text = element_text(dom, i as u32);
        if text.chars().any(|c| c.is_ascii_digit()) {
            return None;
        }
        clean_author(&text, names)
    };
    for (k, &i) in bylines.iter().enumerate() {
        let inner_ok = bylines[k + 1..]
            .iter()
            .take(4)
            .any(|&j| el_in(dom, i as u32, j as u32) && byline(j).is_some());
        if inner_ok {
            continue;
        }
        if let Some(a) = byline(i) {
            return Some(a);
        }
    }
    for key in [
        "author",
        "article:author",
        "dc.creator",
        "dcterms.creator",
        "byl",
        "sailthru.author",
        "parsely-author",
    ] {
        if let Some(v) = dom.found.meta(&[key])
            && let Some(a) = clean_author(v, names)
        {
            return Some(a);
        }
    }
    let ld_authors: Vec<String> = ld
        .authors
        .iter()
        .filter_map(|a| clean_author(a, names))
        .collect();
    if !ld_authors.is_empty() {
        return Some(ld_authors.join("; "));
    }
    // A name alone on one of the last lines, set apart in bold, italics or to the right.
    for (k, &src) in ex.sources.iter().enumerate().rev().take(3) {
        let l = &dom.lines[src];
        let text = &ex.lines[k];
        let owner = l.owner;
        let styled = l.emph_chars == l.chars
            || (owner != NONE && {
                let o = &els[owner as usize];
                o.flags & flag::RIGHT != 0
                    || (o.parent != NONE && els[o.parent as usize].flags & flag::RIGHT != 0)
            });
        if styled && looks_like_name(text) {
            return Some(text.trim().to_string());
        }
    }
    None
}

/// A personal name: 2–5 capitalized words, no digits or sentence punctuation.
fn looks_like_name(s: &str) -> bool {
    let s = s.trim();
    let words: Vec<&str> = s.split_whitespace().collect();
    (2..=5).contains(&words.len())
        && s.chars().count() <= 40
        && !s.chars().any(|c| {
            c.is_ascii_digit() || matches!(c, ':' | ',' | ';' | '.' | '!' | '?' | '|' | '(' | ')')
        })
        && words
            .iter()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase))
}

/// Cleans a byline: drops "Tác giả:", "Bài và ảnh:", "By " …; refuses site names, URLs,
/// "admin", sources ("Theo …", "Nguồn: …") and anything too long to be names.
fn clean_author(raw: &str, names: &[&str]) -> Option<String> {
    let mut s = collapse(raw)
        .trim_matches(|c: char| matches!(c, '\'' | '"' | '“' | '”' | ' '))
        .to_string();
    const PREFIXES: [&str; 22] = [
        "tac gia",
        "bai va anh",
        "bai, anh",
        "bai anh",
        "tin va anh",
        "tin, anh",
        "tin anh",
        "phong vien",
        "nguoi viet",
        "but danh",
        "by",
        "bai",
        "tin",
        "pv",
        "auteur",
        "autor",
        "par",
        "por",
        "von",
        "written by",
        "作者",
        "记者",
    ];
    loop {
        let f = fold_str(&s);
        let Some(p) = PREFIXES.iter().find(|p| {
            f.starts_with(*p)
                && f[p.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| matches!(c, ':' | ' ' | '-' | '：'))
        }) else {
            break;
        };
        // Folding keeps one character per character, so char counts match.
        let n = p.chars().count();
        let rest: String = s.chars().skip(n).collect();
        let rest = rest.trim_start_matches([':', ' ', '-', '：']).to_string();
        if rest.is_empty() {
            return None;
        }
        s = rest;
    }
    let f = fold_str(&s);
    let count = s.chars().count();
    if !(3..=80).contains(&count)
        || s.split_whitespace().count() > 10
        || s.contains("://")
        || s.starts_with("www.")
        || f.starts_with("theo ")
        || f.starts_with("nguon")
        || matches!(
            f.as_str(),
            "admin" | "administrator" | "quan tri" | "quan tri vien"
        )
        || !s.chars().any(char::is_alphabetic)
        || dates::from_text(&s).is_some()
        || is_site(&s, names)
    {
        return None;
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_suffixes_go() {
        let names = ["Báo Quảng Trị", "baoquangtri.vn"];
        assert_eq!(
            strip_site("Khối thi đua các cơ quan đảng - Báo Quảng Trị", &names),
            "Khối thi đua các cơ quan đảng"
        );
        assert_eq!(
            strip_site("Khối thi đua Văn hóa - Xã hội triển khai nhiệm vụ", &[]),
            "Khối thi đua Văn hóa - Xã hội triển khai nhiệm vụ"
        );
        assert_eq!(
            strip_site(
                "Tổng kết khối thi đua | Cổng thông tin điện tử tỉnh Bắc Kạn",
                &[]
            ),
            "Tổng kết khối thi đua"
        );
        assert_eq!(strip_site("Tin tức - vhttdl.gov.vn", &[]), "Tin tức");
    }

    #[test]
    fn authors_are_cleaned() {
        assert_eq!(
            clean_author("Bài, ảnh: Trần Tuyền", &[]).as_deref(),
            Some("Trần Tuyền")
        );
        assert_eq!(
            clean_author("Tác giả: Phương Thuận", &[]).as_deref(),
            Some("Phương Thuận")
        );
        assert_eq!(clean_author("Báo Quảng Trị", &["Báo Quảng Trị"]), None);
        assert_eq!(clean_author("Theo Báo Quảng Nam", &[]), None);
        assert_eq!(clean_author("https://facebook.com/x", &[]), None);
        assert!(looks_like_name("Bùi Xuân Thế"));
        assert!(!looks_like_name("Ban Thi đua, Khen thưởng - Sở Nội vụ"));
    }

    #[test]
    fn urls_become_absolute() {
        assert_eq!(
            absolute("/tin/1.html", Some("https://baoquangtri.vn/x")).as_deref(),
            Some("https://baoquangtri.vn/tin/1.html")
        );
        assert_eq!(absolute("tin/1.html", None), None);
    }
}
