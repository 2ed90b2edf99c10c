//! Main-content extraction: block segmentation and scoring in the manner of Mozilla's
//! Readability, on the flat arena of [`super::dom`].
//!
//! 1. Page furniture goes first: site-profile `remove` elements, hidden elements, small forms
//!    (comments, search), and — in the first attempt — elements whose class/id says "menu",
//!    "sidebar", "related", "comment", "footer", "tin-khac" … (`negative` hints) unless they
//!    also say "content", "detail", "article" … (`positive` hints).
//! 2. Every paragraph (a line, or a whole row of a data table) of at least 25 characters with
//!    few links scores `1 + commas + min(chars / 100, 3)`; the score goes to its container
//!    and, divided, to four more ancestors. Containers start from a tag bonus and ±25 for their
//!    hints, and end multiplied by `1 − link density`.
//! 3. The best container wins (moved up when its ancestors gather the other good candidates),
//!    with the siblings that score close to it.
//! 4. Inside it, link lists, small forms and blocks headed "Các tin khác", "Tin liên quan" …
//!    are dropped; tables whose cells are short become one line per row, cells joined by " | ".
//! 5. The headline (h1) and a lead (sapo) that sit outside the container are put in front.
//!
//! When the first attempt yields under 300 characters, a second one runs without the hint
//! removals and the longer result wins.

use super::dom::{Dom, El, NONE, Tag, attr, flag};
use super::profiles::{Profiles, hint};
use crate::normalize::fold_str;

/// The article as lines, and where it came from.
#[derive(Debug, Default)]
pub struct Extraction {
    /// One output line per paragraph or table row.
    pub lines: Vec<String>,
    /// For each output line, the index of its first line in [`Dom::lines`].
    pub sources: Vec<usize>,
    /// The headline element, if any.
    pub headline: Option<u32>,
    /// The chosen containers, in document order.
    pub region: Vec<u32>,
    /// Elements dropped as page furniture (closed under descent).
    pub gone: Vec<bool>,
}

impl Extraction {
    /// The text, one line per paragraph.
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    fn chars(&self) -> usize {
        self.lines.iter().map(|l| l.chars().count()).sum()
    }
}

/// Extracts the article from a walked page.
pub fn extract(dom: &mut Dom, profiles: &Profiles) -> Extraction {
    let first = attempt(dom, profiles, true);
    if first.chars() >= 300 {
        return first;
    }
    let second = attempt(dom, profiles, false);
    if second.chars() > first.chars() {
        second
    } else {
        first
    }
}

struct Tree {
    /// Subtree end (exclusive) of each element.
    end: Vec<u32>,
}

impl Tree {
    fn new(els: &[El]) -> Tree {
        let mut end: Vec<u32> = (1..=els.len() as u32).collect();
        for i in (1..els.len()).rev() {
            let p = els[i].parent;
            if p != NONE {
                end[p as usize] = end[p as usize].max(end[i]);
            }
        }
        Tree { end }
    }

    fn contains(&self, ancestor: u32, el: u32) -> bool {
        ancestor <= el && el < self.end[ancestor as usize]
    }

    fn children(&self, p: u32) -> impl Iterator<Item = u32> + '_ {
        let end = self.end[p as usize];
        let mut c = p + 1;
        std::iter::from_fn(move || {
            if c >= end {
                return None;
            }
            let out = c;
            c = self.end[c as usize];
            Some(out)
        })
    }
}

fn class_weight(flags: u16) -> f32 {
    let mut w = 0.0;
    if flags & hint::POSITIVE != 0 {
        w += 25.0;
    }
    if flags & hint::NEGATIVE != 0 {
        w -= 25.0;
    }
    if flags & flag::BODY_PROP != 0 {
        w += 50.0;
    }
    w
}

fn tag_base(tag: Tag) -> f32 {
    match tag {
        Tag::Container | Tag::Article | Tag::Main => 5.0,
        Tag::Pre | Tag::Cell => 3.0,
        Tag::Para | Tag::List | Tag::Form => -3.0,
        Tag::Heading(_) => -5.0,
        _ => 0.0,
    }
}

/// Removed before scoring: profile removals, small forms, furniture hints (first attempt),
/// page headers without a heading. Closed under descent.
fn removals(dom: &Dom, unlikely: bool) -> Vec<bool> {
    let els = &dom.els;
    let mut dead = vec![false; els.len()];
    for (i, el) in els.iter().enumerate() {
        let f = el.flags;
        let s = &el.stats;
        let mut gone = f & (flag::REMOVE | flag::HIDDEN) != 0
            || (el.tag == Tag::Form && s.fields > 0 && s.chars < 400)
            || (el.tag == Tag::Header && s.headings == 0 && f & flag::CONTENT == 0);
        if unlikely
            && f & hint::NEGATIVE != 0
            && f & (hint::POSITIVE | flag::CONTENT | flag::BODY_PROP) == 0
            && !matches!(el.tag, Tag::Html | Tag::Body | Tag::Article | Tag::Main)
        {
            gone = true;
        }
        let p = el.parent;
        dead[i] = gone || (p != NONE && dead[p as usize]);
    }
    dead
}

/// A paragraph: one line, or the lines of one data-table row.
struct Unit {
    lines: (usize, usize),
    owner: u32,
    chars: u32,
    link_chars: u32,
    commas: u32,
}

/// The row element of each line that sits in a data table (short cells, no nested table).
fn data_rows(dom: &Dom) -> Vec<u32> {
    let els = &dom.els;
    let table_of = |cell: u32| -> u32 {
        let mut e = cell;
        for _ in 0..4 {
            e = els[e as usize].parent;
            if e == NONE {
                return NONE;
            }
            if els[e as usize].tag == Tag::Table {
                return e;
            }
        }
        NONE
    };
    let mut max_cell = vec![0u32; els.len()];
    for (i, el) in els.iter().enumerate() {
        if el.tag == Tag::Cell {
            let t = table_of(i as u32);
            if t != NONE {
                max_cell[t as usize] = max_cell[t as usize].max(el.stats.chars);
            }
        }
    }
    dom.lines
        .iter()
        .map(|l| {
            if l.cell == NONE {
                return NONE;
            }
            let t = table_of(l.cell);
            let row = els[l.cell as usize].parent;
            let data = t != NONE
                && els[t as usize].stats.tables <= 1
                && max_cell[t as usize] <= 300
                && row != NONE
                && els[row as usize].tag == Tag::Row;
            if data { row } else { NONE }
        })
        .collect()
}

fn units(dom: &Dom, dead: &[bool], rows: &[u32]) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::with_capacity(dom.lines.len());
    let mut last_row = NONE;
    for (i, l) in dom.lines.iter().enumerate() {
        if l.owner == NONE || dead[l.owner as usize] {
            last_row = NONE;
            continue;
        }
        let row = rows[i];
        if row != NONE
            && row == last_row
            && let Some(u) = out.last_mut()
        {
            u.lines.1 = i + 1;
            u.chars += l.chars;
            u.link_chars += l.link_chars;
            u.commas += l.commas;
            continue;
        }
        last_row = row;
        out.push(Unit {
            lines: (i, i + 1),
            owner: if row != NONE { row } else { l.owner },
            chars: l.chars,
            link_chars: l.link_chars,
            commas: l.commas,
        });
    }
    out
}

fn attempt(dom: &mut Dom, profiles: &Profiles, unlikely: bool) -> Extraction {
    let no_dead = vec![false; dom.els.len()];
    dom.aggregate(&no_dead);
    let dead = removals(dom, unlikely);
    dom.aggregate(&dead);
    let tree = Tree::new(&dom.els);
    let rows = data_rows(dom);
    let units = units(dom, &dead, &rows);
    let els = &dom.els;

    let profiled: Vec<u32> = {
        let mut v: Vec<u32> = Vec::new();
        for (i, el) in els.iter().enumerate() {
            if el.flags & flag::CONTENT != 0
                && !dead[i]
                && !v.last().is_some_and(|&l| tree.contains(l, i as u32))
            {
                v.push(i as u32);
            }
        }
        v
    };

    let mut scores = vec![0f32; els.len()];
    let mut scored = vec![false; els.len()];
    let region: Vec<u32> = if !profiled.is_empty() {
        profiled
    } else {
        for u in &units {
            if u.chars < 25 || u.link_chars * 2 > u.chars {
                continue;
            }
            let content = 1.0 + u.commas as f32 + (u.chars as f32 / 100.0).min(3.0);
            let owner = &els[u.owner as usize];
            let mut e = if owner.tag.is_para() {
                owner.parent
            } else {
                u.owner
            };
            for level in 0..5 {
                if e == NONE || els[e as usize].tag == Tag::Html {
                    break;
                }
                let ei = e as usize;
                if !scored[ei] {
                    scored[ei] = true;
                    scores[ei] = tag_base(els[ei].tag) + class_weight(els[ei].flags);
                }
                let divider = match level {
                    0 => 1.0,
                    1 => 2.0,
                    l => l as f32 * 3.0,
                };
                scores[ei] += content / divider;
                e = els[ei].parent;
            }
        }
        for i in 0..els.len() {
            if scored[i] {
                scores[i] *= 1.0 - els[i].stats.link_density();
            }
        }
        choose(els, &tree, &scores, &scored, &dead)
    };

    let gone = clean(dom, profiles, &tree, &region, &dead, &scores, &scored);
    assemble(dom, profiles, &tree, region, &gone, &rows)
}

/// Picks the top candidate and the siblings that go with it.
fn choose(els: &[El], tree: &Tree, scores: &[f32], scored: &[bool], dead: &[bool]) -> Vec<u32> {
    let body = els
        .iter()
        .position(|e| e.tag == Tag::Body)
        .map_or(0, |b| b as u32);
    let mut ranked: Vec<u32> = (0..els.len() as u32)
        .filter(|&i| scored[i as usize] && !dead[i as usize])
        .collect();
    ranked.sort_by(|&a, &b| scores[b as usize].total_cmp(&scores[a as usize]));
    ranked.truncate(5);
    let Some(&best) = ranked.first() else {
        return if els.is_empty() { vec![] } else { vec![body] };
    };
    let mut top = best;
    let top_score = scores[best as usize];
    // Several strong candidates under one ancestor: take the ancestor.
    let close: Vec<u32> = ranked[1..]
        .iter()
        .copied()
        .filter(|&c| scores[c as usize] >= top_score * 0.75)
        .collect();
    if close.len() >= 3 {
        let mut a = els[top as usize].parent;
        while a != NONE && a != body && els[a as usize].tag != Tag::Html {
            let n = close
                .iter()
                .filter(|&&c| c != a && tree.contains(a, c))
                .count();
            if n >= 3 {
                top = a;
                break;
            }
            a = els[a as usize].parent;
        }
    }
    // Scores rising on the way up: more content is lurking beside the candidate.
    let mut last = scores[top as usize];
    let threshold = last / 3.0;
    let mut p = els[top as usize].parent;
    while p != NONE && p != body && els[p as usize].tag != Tag::Html {
        let pi = p as usize;
        if !scored[pi] {
            p = els[pi].parent;
            continue;
        }
        if scores[pi] < threshold {
            break;
        }
        if scores[pi] > last {
            top = p;
            break;
        }
        last = scores[pi];
        p = els[pi].parent;
    }
    // An only child: its parent is the container.
    loop {
        let p = els[top as usize].parent;
        if p == NONE || p == body || els[p as usize].tag == Tag::Html {
            break;
        }
        let live_children = tree.children(p).filter(|&c| !dead[c as usize]).count();
        if live_children != 1 {
            break;
        }
        top = p;
    }
    let parent = els[top as usize].parent;
    if parent == NONE {
        return vec![top];
    }
    let top_score = if scored[top as usize] {
        scores[top as usize]
    } else {
        top_score
    };
    let threshold = (top_score * 0.2).max(10.0);
    let top_class = els[top as usize]
        .node
        .value()
        .as_element()
        .and_then(|e| attr(e, "class"))
        .unwrap_or("");
    let mut out = Vec::new();
    for s in tree.children(parent) {
        let si = s as usize;
        if s == top {
            out.push(s);
            continue;
        }
        if dead[si] || els[si].stats.chars == 0 {
            continue;
        }
        let class = els[si]
            .node
            .value()
            .as_element()
            .and_then(|e| attr(e, "class"))
            .unwrap_or("");
        let bonus = if !top_class.is_empty() && class == top_class {
            top_score * 0.2
        } else {
            0.0
        };
        let st = &els[si].stats;
        let keep = (scored[si] && scores[si] + bonus >= threshold)
            || (els[si].tag == Tag::Para
                && st.paras > 0
                && st.chars > 80
                && st.link_density() < 0.25);
        if keep {
            out.push(s);
        }
    }
    out
}

/// Elements dropped inside the region: link lists, forms, furniture blocks (closed under
/// descent; the region's own elements are never dropped).
fn clean(
    dom: &Dom,
    profiles: &Profiles,
    tree: &Tree,
    region: &[u32],
    dead: &[bool],
    scores: &[f32],
    scored: &[bool],
) -> Vec<bool> {
    let els = &dom.els;
    let mut gone = dead.to_vec();
    for &r in region {
        gone[r as usize] = false;
        let end = tree.end[r as usize];
        for i in (r + 1)..end {
            let ii = i as usize;
            let el = &els[ii];
            let p = el.parent as usize;
            if gone[p] || dead[ii] {
                gone[ii] = true;
                continue;
            }
            let s = &el.stats;
            if s.chars == 0 {
                continue;
            }
            let weight = class_weight(el.flags);
            let ld = s.link_density();
            let score = if scored[ii] { scores[ii] } else { 0.0 };
            let drop = match el.tag {
                Tag::Container
                | Tag::Table
                | Tag::Form
                | Tag::Header
                | Tag::Footer
                | Tag::Aside
                | Tag::Nav => {
                    weight + score < 0.0
                        || (s.commas < 10
                            && ((s.fields > 0 && s.fields > s.paras / 3)
                                || (s.chars < 25 && ld > 0.0)
                                || (weight < 25.0 && ld > 0.2)
                                || (weight >= 25.0 && ld > 0.5)))
                        || headed_by_furniture(dom, profiles, el, 0.3)
                }
                Tag::List => {
                    weight < 0.0 || ld > 0.5 || headed_by_furniture(dom, profiles, el, 0.3)
                }
                Tag::Heading(_) => weight < 0.0 || ld > 0.5,
                Tag::Para => ld > 0.6,
                _ => false,
            };
            gone[ii] = drop;
        }
    }
    gone
}

/// True when the element's first line is a furniture heading ("Tin liên quan") and it holds
/// more links than `min_link_density`.
fn headed_by_furniture(dom: &Dom, profiles: &Profiles, el: &El, min_link_density: f32) -> bool {
    if el.line_start >= el.line_end || el.stats.link_density() <= min_link_density {
        return false;
    }
    profiles.is_boilerplate_heading(dom.line_text(el.line_start as usize))
}

fn assemble(
    dom: &Dom,
    profiles: &Profiles,
    tree: &Tree,
    region: Vec<u32>,
    gone: &[bool],
    rows: &[u32],
) -> Extraction {
    let els = &dom.els;
    let mut out = Extraction {
        region: region.clone(),
        gone: gone.to_vec(),
        ..Extraction::default()
    };
    let mut in_output = vec![false; dom.lines.len()];
    for &r in &region {
        let el = &els[r as usize];
        let mut last_row = NONE;
        let mut last_cell = NONE;
        for i in el.line_start as usize..el.line_end as usize {
            let l = &dom.lines[i];
            if l.owner == NONE || gone[l.owner as usize] || !tree.contains(r, l.owner) {
                continue;
            }
            let text = dom.line_text(i);
            let owner_tag = els[l.owner as usize].tag;
            let whole_block = els[l.owner as usize].stats.chars == l.chars;
            if whole_block
                && (owner_tag.is_para() || owner_tag == Tag::Container)
                && profiles.is_boilerplate_heading(text)
            {
                continue;
            }
            in_output[i] = true;
            let row = rows[i];
            if row != NONE
                && row == last_row
                && let Some(line) = out.lines.last_mut()
            {
                line.push_str(if l.cell == last_cell { " " } else { " | " });
                line.push_str(text);
                last_cell = l.cell;
                continue;
            }
            last_row = row;
            last_cell = l.cell;
            out.lines.push(text.to_string());
            out.sources.push(i);
        }
    }
    let region_start = region
        .first()
        .map_or(0, |&r| els[r as usize].line_start as usize);

    // Headline and lead outside the region go in front.
    out.headline = headline(dom, tree, &region, gone);
    let mut front: Vec<(String, usize)> = Vec::new();
    if let Some(h) = out.headline {
        let el = &els[h as usize];
        let range = el.line_start as usize..el.line_end as usize;
        if !range.clone().any(|i| in_output[i]) && !range.is_empty() {
            let text = range
                .clone()
                .map(|i| dom.line_text(i))
                .collect::<Vec<_>>()
                .join(" ");
            front.push((text, range.start));
        }
        let after = el.line_end;
        if let Some(lead) = els.iter().enumerate().find(|(i, e)| {
            e.flags & hint::LEAD != 0
                && e.flags & flag::REMOVE == 0
                && e.line_start >= after
                && (e.line_start as usize) <= region_start.max(after as usize)
                && e.stats.chars >= 30
                && e.stats.link_density() < 0.3
                && !region.iter().any(|&r| tree.contains(r, *i as u32))
        }) {
            let e = lead.1;
            let range = e.line_start as usize..e.line_end as usize;
            if !range.clone().any(|i| in_output[i]) {
                let text = range
                    .clone()
                    .map(|i| dom.line_text(i))
                    .collect::<Vec<_>>()
                    .join(" ");
                front.push((text, range.start));
            }
        }
    }
    if !front.is_empty() {
        let (texts, sources): (Vec<String>, Vec<usize>) = front.into_iter().unzip();
        out.lines.splice(0..0, texts);
        out.sources.splice(0..0, sources);
    }
    out
}

/// The headline: the profile's title element or an `itemprop=headline`; else a heading
/// (h1–h3, or a "title"-classed element) whose text `<title>`/og:title contains, nearest to
/// the article; else the h1 inside or last before the article; else a heading or
/// "title"-classed element just before the article.
fn headline(dom: &Dom, tree: &Tree, region: &[u32], gone: &[bool]) -> Option<u32> {
    let els = &dom.els;
    let text_of = |i: usize| {
        let e = &els[i];
        (e.line_start as usize..e.line_end as usize)
            .map(|l| dom.line_text(l))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let usable = |i: usize| {
        let e = &els[i];
        e.line_start < e.line_end && e.flags & (flag::REMOVE | flag::HIDDEN) == 0
    };
    if let Some(i) = (0..els.len()).find(|&i| els[i].flags & flag::TITLE != 0 && usable(i)) {
        return Some(i as u32);
    }
    let start = region.first().copied().unwrap_or(0);
    let start_line = els.get(start as usize).map_or(0, |e| e.line_start as i64);
    let in_region = |i: usize| region.iter().any(|&r| tree.contains(r, i as u32));
    let candidate = |i: usize| {
        let e = &els[i];
        let heading = matches!(e.tag, Tag::Heading(1..=3));
        (heading || e.flags & hint::TITLE != 0)
            && usable(i)
            && !(gone[i] && in_region(i))
            && e.stats.link_density() <= 0.5
            && e.line_end - e.line_start <= 3
    };
    let key = dom
        .found
        .meta(&["og:title", "twitter:title"])
        .map(str::to_string)
        .or_else(|| dom.found.title.clone())
        .map(|t| fold_str(&t.split_whitespace().collect::<Vec<_>>().join(" ")));
    if let Some(key) = key.filter(|k| !k.is_empty()) {
        let mut best: Option<(i64, u32)> = None;
        for (i, e) in els.iter().enumerate() {
            if !candidate(i) {
                continue;
            }
            let t = text_of(i);
            if t.chars().count() < 15 || !key.contains(&fold_str(&t)) {
                continue;
            }
            let d = (e.line_start as i64 - start_line).abs();
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, i as u32));
            }
        }
        if let Some((_, i)) = best {
            return Some(i);
        }
    }
    let mut before = None;
    let mut inside = None;
    for (i, e) in els.iter().enumerate() {
        if e.tag != Tag::Heading(1) || !usable(i) {
            continue;
        }
        // A logo in an h1 is a link.
        if e.stats.link_density() > 0.5 && e.stats.chars < 40 {
            continue;
        }
        if in_region(i) {
            if inside.is_none() && !gone[i] {
                inside = Some(i as u32);
            }
        } else if (i as u32) < start {
            before = Some(i as u32);
        }
    }
    if let Some(h) = inside.or(before) {
        return Some(h);
    }
    (0..start as usize)
        .rev()
        .filter(|&i| !in_region(i))
        .take_while(|&i| start_line - (els[i].line_end as i64) <= 12)
        .find(|&i| candidate(i) && els[i].stats.chars >= 20 && !gone[i])
        .map(|i| i as u32)
}
