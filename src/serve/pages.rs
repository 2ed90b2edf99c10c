//! The HTML pages (maud: checked at compile time, every value escaped). Readable without
//! JavaScript; `suggest.js` only fills the search box's suggestions.

use super::data::{Article, BlocInfo, BlocRow, Meeting, UnitInfo};
use super::search::Match;
use super::timeline::{Entry, by_year};
use super::{Filters, bloc_url, unit_url};
use crate::dataset::Merger2025;
use maud::{DOCTYPE, Markup, html};
use std::collections::{BTreeMap, BTreeSet};

/// The frame of every page: header with the search box, then the content.
pub fn layout(title: &str, q: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="vi" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · thidua" }
                link rel="stylesheet" href="/static/style.css";
                script src="/static/suggest.js" defer {}
            }
            body {
                header {
                    a.home href="/" { "thidua" }
                    form.search action="/search" method="get" role="search" {
                        input #q type="search" name="q" value=(q) list="suggestions"
                            autocomplete="off" placeholder="Unit or bloc: so tt&tt, STTTT, Khối …"
                            aria-label="Search units and blocs";
                        datalist #suggestions {}
                        button type="submit" { "Search" }
                    }
                }
                main { (body) }
                footer { "thidua · every value with the sentence it was read from" }
            }
        }
    }
}

/// A province with its 2025 province beside it when that differs.
pub fn province(merger: &Merger2025, p: Option<&str>) -> Markup {
    html! {
        @if let Some(p) = p {
            span.province { (p) }
            @if let Some(m) = merger.merged(p) {
                @if m != p {
                    " " span.merged title="Province since the 2025 merger" { "→ " (m) " (2025)" }
                } @else {
                    " " span.merged title="Province since the 2025 merger" { "(unchanged in 2025)" }
                }
            }
        } @else {
            span.province.none { "province not stated" }
        }
    }
}

/// The sentence with the values found in it marked.
pub fn highlight(sentence: &str, values: &[&str]) -> Markup {
    let mut spans: Vec<(usize, usize)> = values
        .iter()
        .filter(|v| !v.is_empty())
        .filter_map(|v| sentence.find(v).map(|i| (i, i + v.len())))
        .collect();
    spans.sort_unstable();
    let mut parts: Vec<(bool, &str)> = Vec::new();
    let mut at = 0;
    for (s, e) in spans {
        if s < at {
            continue;
        }
        parts.push((false, &sentence[at..s]));
        parts.push((true, &sentence[s..e]));
        at = e;
    }
    parts.push((false, &sentence[at..]));
    html! {
        @for (marked, text) in parts {
            @if marked { mark { (text) } } @else { (text) }
        }
    }
}

fn is_web(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://")
}

/// An article: title, site, date, and a link to its URL (or its input / WARC locator).
pub fn article(a: &Article) -> Markup {
    let title = a.title.as_deref().unwrap_or("(untitled)");
    let link = a.url.as_deref().unwrap_or(&a.input);
    html! {
        span.article {
            @if is_web(link) {
                a.source href=(link) rel="noreferrer" { (title) }
            } @else {
                span.title { (title) }
            }
            @if let Some(site) = &a.site { " · " span.site { (site) } }
            @if let Some(p) = &a.published { " · " time { (p) } }
            " · " code.locator { (link) }
        }
    }
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "rank" => "ranked",
        "head" => "head of the bloc",
        "deputy" => "deputy head",
        "elected_head" => "elected head for the year",
        "elected_deputy" => "elected deputy for the year",
        _ => "member",
    }
}

fn award_text(
    rank: Option<i64>,
    award: Option<&str>,
    canonical: Option<&str>,
    level: Option<&str>,
) -> String {
    let mut s = rank.map(|r| format!("rank {r}")).unwrap_or_default();
    if let Some(a) = canonical.or(award) {
        if !s.is_empty() {
            s.push_str(", ");
        }
        s.push_str(a);
        if let Some(l) = level {
            s.push_str(&format!(" [{l}]"));
        }
    }
    s
}

fn filters_form(action: &str, f: &Filters, provinces: Option<&[String]>) -> Markup {
    html! {
        form.filters action=(action) method="get" {
            @if !f.q.is_empty() { input type="hidden" name="q" value=(f.q); }
            @if let Some(list) = provinces {
                label { "Province "
                    select name="province" {
                        option value="" { "all" }
                        @for p in list {
                            option value=(p) selected[f.province.as_deref() == Some(p.as_str())] { (p) }
                        }
                    }
                }
            }
            label { "From " input type="number" name="from" min="1945" max="2100" value=[f.from]; }
            label { "to " input type="number" name="to" min="1945" max="2100" value=[f.to]; }
            button type="submit" { "Filter" }
        }
    }
}

fn downloads(csv_url: &str, cite_url: &str) -> Markup {
    html! {
        p.tools {
            a.csv href=(csv_url) download { "Download this view as CSV" }
            " · cite: " a.cite href=(cite_url) { code { (cite_url) } }
        }
    }
}

/// A unit's page: its timeline by year, every entry with its evidence and sources.
pub fn unit_page(
    merger: &Merger2025,
    unit: &UnitInfo,
    entries: &[Entry],
    f: &Filters,
    self_url: &str,
) -> Markup {
    let blocs: BTreeSet<(String, String, Option<String>)> = entries
        .iter()
        .filter_map(|e| {
            let r = e.first();
            Some((
                r.bloc_name.clone()?,
                r.bloc_key.clone()?,
                r.bloc_province.clone(),
            ))
        })
        .collect();
    let csv = f.with_csv(self_url);
    let body = html! {
        h1 { (unit.name) }
        p.meta { (province(merger, unit.province.as_deref())) }
        (downloads(&csv, &f.url(self_url)))
        (filters_form(self_url, f, None))
        @if !blocs.is_empty() {
            section.blocs {
                h2 { "Blocs" }
                ul { @for (name, key, p) in &blocs {
                    li { a href=(bloc_url(key, p.as_deref())) { (name) }
                         @if let Some(p) = p { " (" (p) ")" } }
                } }
            }
        }
        @if entries.is_empty() {
            p.empty { "No entry in these years." }
        }
        ol.timeline {
            @for (year, list) in by_year(entries) {
                li.year id=(year.map(|y| format!("y{y}")).unwrap_or_else(|| "no-year".into())) {
                    h2 { (year.map(|y| y.to_string()).unwrap_or_else(|| "Year not stated".into())) }
                    ul.entries { @for e in list { (entry(e)) } }
                }
            }
        }
    };
    layout(&unit.name, "", body)
}

fn entry(e: &Entry) -> Markup {
    let r = e.first();
    let what = award_text(
        r.rank,
        r.award.as_deref(),
        r.award_canonical.as_deref(),
        r.award_level.as_deref(),
    );
    html! {
        li class={ "entry kind-" (e.kind) } {
            p.what {
                span.kind { (kind_label(&e.kind)) }
                @if !what.is_empty() { " " strong.value { (what) } }
                @if let Some(b) = &r.bloc_name {
                    " · " a.bloc href=(bloc_url(r.bloc_key.as_deref().unwrap_or(""), r.bloc_province.as_deref())) { (b) }
                }
                @if let Some(d) = &r.meeting_date { " · meeting " time { (d) } }
            }
            @if e.disagrees() {
                p.disagree { "The articles disagree: "
                    @for (i, x) in e.reports.iter().enumerate() {
                        @if i > 0 { "; " }
                        (x.article.site.as_deref().unwrap_or(&x.article.doc_id)) ": "
                        (award_text(x.rank, x.award.as_deref(), x.award_canonical.as_deref(), x.award_level.as_deref()))
                    }
                }
            }
            @for (i, x) in e.reports.iter().enumerate() {
                @if i == 0 || x.sentence != r.sentence || e.disagrees() {
                    @if let Some(s) = &x.sentence {
                        blockquote.evidence { (highlight(s, &[&x.unit_as_written, x.award.as_deref().unwrap_or("")])) }
                    }
                }
                @if let Some(s) = &x.award_sentence {
                    @if Some(s) != x.sentence.as_ref() {
                        blockquote.evidence.award { (highlight(s, &[x.award.as_deref().unwrap_or("")])) }
                    }
                }
                p.source {
                    @if x.article.is_primary { span.badge { "report" } } @else { span.badge.also { "also reported" } }
                    " " (article(&x.article))
                    @if let Some(rule) = &x.rule { " · rule " code.rule { (rule) } }
                    @if let Some(rule) = &x.award_rule {
                        @if Some(rule) != x.rule.as_ref() { " · award rule " code.rule { (rule) } }
                    }
                }
            }
            @for a in &e.silent {
                p.source.silent { span.badge.silent { "does not say so" } " " (article(a)) }
            }
        }
    }
}

/// A bloc's page: meetings, heads and deputies by year, rankings, members over the years.
pub fn bloc_page(
    merger: &Merger2025,
    bloc: &BlocInfo,
    meetings: &[Meeting],
    rows: &[BlocRow],
    f: &Filters,
    self_url: &str,
) -> Markup {
    let mut roles: BTreeMap<Option<i64>, [Vec<&BlocRow>; 4]> = BTreeMap::new();
    for r in rows {
        let slot = match r.kind.as_str() {
            "head" => 0,
            "deputy" => 1,
            "elected_head" => 2,
            "elected_deputy" => 3,
            _ => continue,
        };
        roles.entry(r.year).or_default()[slot].push(r);
    }
    let years: BTreeSet<i64> = rows.iter().filter_map(|r| r.year).collect();
    // One row per unit identity, under the name its first mention gives.
    let mut by_unit: BTreeMap<(String, Option<String>), (String, BTreeSet<i64>)> = BTreeMap::new();
    for r in rows
        .iter()
        .filter(|r| r.kind != "elected_head" && r.kind != "elected_deputy")
    {
        let (_, years) = by_unit
            .entry((r.base.clone(), r.province.clone()))
            .or_insert_with(|| (r.unit.clone(), BTreeSet::new()));
        if let Some(y) = r.year {
            years.insert(y);
        }
    }
    let mut members: Vec<(String, String, Option<String>, BTreeSet<i64>)> = by_unit
        .into_iter()
        .map(|((base, p), (name, ys))| (name, base, p, ys))
        .collect();
    members.sort();
    let csv = f.with_csv(self_url);
    let unit_link = |r: &BlocRow| -> Markup {
        html! { a.unit href=(unit_url(&r.base, r.province.as_deref())) { (r.unit) } }
    };
    let body = html! {
        h1 { (bloc.name) }
        p.meta { (province(merger, bloc.province.as_deref())) " · " (meetings.len()) " meetings" }
        (downloads(&csv, &f.url(self_url)))
        (filters_form(self_url, f, None))
        section {
            h2 { "Heads and deputies by year" }
            div.scroll { table.roles {
                thead { tr { th { "Year" } th { "Head" } th { "Deputy" } th { "Elected head" } th { "Elected deputy" } } }
                tbody { @for (year, slots) in &roles {
                    tr {
                        th { (year.map(|y| y.to_string()).unwrap_or_else(|| "—".into())) }
                        @for list in slots { td { @for (i, r) in list.iter().enumerate() { @if i > 0 { ", " } (unit_link(r)) } } }
                    }
                } }
            } }
        }
        section {
            h2 { "Rankings" }
            div.scroll { table.rankings {
                thead { tr { th { "Year" } th { "Rank" } th { "Unit" } th { "Award" } th { "Evidence" } } }
                tbody { @for r in rows.iter().filter(|r| r.kind == "rank") {
                    tr {
                        td { (r.year.map(|y| y.to_string()).unwrap_or_default()) }
                        td { (r.rank.map(|y| y.to_string()).unwrap_or_default()) }
                        td { (unit_link(r)) }
                        td { (award_text(None, r.award.as_deref(), r.award_canonical.as_deref(), r.award_level.as_deref())) }
                        td.evidence { @if let Some(s) = &r.sentence { (highlight(s, &[&r.unit_as_written, r.award.as_deref().unwrap_or("")])) } }
                    }
                } }
            } }
        }
        section {
            h2 { "Members over the years" }
            div.scroll { table.members {
                thead { tr { th { "Unit" } @for y in &years { th { (y) } } } }
                tbody { @for (name, base, p, ys) in &members {
                    tr {
                        th { a href=(unit_url(base, p.as_deref())) { (name) } }
                        @for y in &years { td { @if ys.contains(y) { "✓" } } }
                    }
                } }
            } }
        }
        section {
            h2 { "Meetings" }
            ul.meetings { @for m in meetings {
                li {
                    strong { (m.year.map(|y| y.to_string()).unwrap_or_else(|| "—".into())) }
                    @if let Some(d) = &m.date { " · " time { (d) } }
                    " · " (m.types)
                    " · " (article(&m.article))
                    @if m.source_count > 1 { " · " (m.source_count) " sources" }
                }
            } }
        }
    };
    layout(&bloc.name, "", body)
}

/// Search results (and the home page when the query is empty).
pub fn search_page(
    merger: &Merger2025,
    f: &Filters,
    units: &[(Match, &UnitInfo)],
    blocs: &[(Match, &BlocInfo)],
    provinces: &[String],
) -> Markup {
    let title = if f.q.is_empty() {
        "Award histories with their evidence".to_string()
    } else {
        format!("Search: {}", f.q)
    };
    let near = units.iter().all(|(m, _)| *m == Match::Near) && !units.is_empty();
    let body = html! {
        h1 { (title) }
        (downloads(&f.with_csv("/search"), &f.url("/search")))
        (filters_form("/search", f, Some(provinces)))
        @if !f.q.is_empty() {
            section.units {
                h2 { "Units" }
                @if units.is_empty() { p.empty { "No unit matches." } }
                @if near { p.near { "No exact match; near matches:" } }
                (unit_list(merger, units))
            }
        }
        section.blocs {
            h2 { "Blocs" }
            @if blocs.is_empty() { p.empty { "No bloc matches." } }
            ul.results { @for (_, b) in blocs.iter().take(200) {
                li {
                    a href=(bloc_url(&b.key, b.province.as_deref())) { (b.name) }
                    " · " (province(merger, b.province.as_deref()))
                    " · " (b.meetings) " meetings" (years(b.first_year, b.last_year))
                }
            } }
        }
    };
    layout(&title, &f.q, body)
}

fn years(lo: Option<i64>, hi: Option<i64>) -> String {
    match (lo, hi) {
        (Some(a), Some(b)) if a == b => format!(" · {a}"),
        (Some(a), Some(b)) => format!(" · {a}–{b}"),
        _ => String::new(),
    }
}

/// Units as links.
pub fn unit_list(merger: &Merger2025, units: &[(Match, &UnitInfo)]) -> Markup {
    html! {
        ul.results { @for (m, u) in units.iter().take(200) {
            li {
                a href=(unit_url(&u.base, u.province.as_deref())) { (u.name) }
                " · " (province(merger, u.province.as_deref()))
                (years(u.first_year, u.last_year))
                @if *m == Match::Near { " " span.badge.near { "near match" } }
            }
        } }
    }
}

/// An error page: what went wrong and, for an unknown unit or bloc, what exists.
pub fn error_page(status: u16, heading: &str, detail: &str, suggestions: Markup) -> Markup {
    layout(
        heading,
        "",
        html! {
            h1 { (heading) }
            p.error { (detail) " (HTTP " (status) ")" }
            (suggestions)
            p { a href="/" { "Search all units and blocs" } }
        },
    )
}
