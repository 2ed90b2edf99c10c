//! One walk over the parsed page. It yields a flat arena of elements (parent links, a coarse
//! tag class, class/id hints, text statistics) and the page text as lines, each line owned by
//! its innermost block element. Everything after the walk (scoring, metadata) works on these
//! arrays, never on the DOM recursively, so deeply nested pages cannot overflow the stack.

use super::profiles::{Profiles, hint};
use ego_tree::{NodeId, NodeRef};
use scraper::{Html, Node};
use std::collections::HashMap;

/// Links with these flags get lines of their own.
const LINK_BLOCK: u16 =
    hint::NEGATIVE | hint::DATE | hint::AUTHOR | flag::REMOVE | flag::DATE | flag::AUTHOR;

/// "No element" in parent links and line owners.
pub const NONE: u32 = u32::MAX;

/// Element flags beyond the hint flags of [`hint`].
pub mod flag {
    /// `hidden`, `display:none`, `visibility:hidden`.
    pub const HIDDEN: u16 = 1 << 8;
    /// `text-align: right` or `align=right` (bylines at the end of Vietnamese articles).
    pub const RIGHT: u16 = 1 << 9;
    /// Matched the site profile's `content` selector.
    pub const CONTENT: u16 = 1 << 10;
    /// Matched one of the site profile's `remove` selectors.
    pub const REMOVE: u16 = 1 << 11;
    /// `itemprop="articleBody"` or a similar strong body marker.
    pub const BODY_PROP: u16 = 1 << 12;
    /// Matched the site profile's `title` selector, or `itemprop="headline"`.
    pub const TITLE: u16 = 1 << 13;
    /// Matched the site profile's `date` selector.
    pub const DATE: u16 = 1 << 14;
    /// Matched the site profile's `author` selector.
    pub const AUTHOR: u16 = 1 << 15;
}

/// A coarse element class: what matters for lines and scoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    Html,
    Body,
    /// div, section, center, figure …: may hold paragraphs.
    Container,
    Article,
    Main,
    Header,
    Footer,
    Nav,
    Aside,
    Form,
    /// p, li, dt, dd, blockquote, figcaption, address, caption …: a paragraph.
    Para,
    Heading(u8),
    /// ul, ol, dl, menu.
    List,
    Table,
    /// thead, tbody, tfoot.
    TableSection,
    Row,
    Cell,
    Pre,
    Br,
    Hr,
    /// `<a>`.
    Link,
    /// b, strong, em, i: emphasis (bylines are often bold).
    Emph,
    /// Any other element: inline.
    Inline,
    /// input, textarea, select, button: counted, never read.
    Field,
    /// script, style, template, iframe, svg …: never read.
    Skip,
}

impl Tag {
    fn of(name: &str) -> Tag {
        match name {
            "div" | "section" | "center" | "figure" | "fieldset" | "details" | "dialog"
            | "hgroup" | "search" | "noindex" => Tag::Container,
            "article" => Tag::Article,
            "main" => Tag::Main,
            "header" => Tag::Header,
            "footer" => Tag::Footer,
            "nav" => Tag::Nav,
            "aside" => Tag::Aside,
            "form" => Tag::Form,
            "p" | "li" | "dt" | "dd" | "blockquote" | "figcaption" | "address" | "caption"
            | "summary" | "legend" => Tag::Para,
            "h1" => Tag::Heading(1),
            "h2" => Tag::Heading(2),
            "h3" => Tag::Heading(3),
            "h4" => Tag::Heading(4),
            "h5" => Tag::Heading(5),
            "h6" => Tag::Heading(6),
            "ul" | "ol" | "dl" | "menu" => Tag::List,
            "table" => Tag::Table,
            "thead" | "tbody" | "tfoot" => Tag::TableSection,
            "tr" => Tag::Row,
            "td" | "th" => Tag::Cell,
            "pre" | "listing" | "plaintext" | "xmp" => Tag::Pre,
            "br" => Tag::Br,
            "hr" => Tag::Hr,
            "a" => Tag::Link,
            "b" | "strong" | "em" | "i" => Tag::Emph,
            "input" | "textarea" | "select" | "button" => Tag::Field,
            "script" | "style" | "noscript" | "template" | "iframe" | "svg" | "math" | "canvas"
            | "object" | "embed" | "map" | "video" | "audio" | "option" | "datalist" | "head"
            | "meta" | "link" | "title" | "base" | "img" | "picture" | "source" | "noembed"
            | "noframes" | "frameset" | "label" => Tag::Skip,
            "html" => Tag::Html,
            "body" => Tag::Body,
            _ => Tag::Inline,
        }
    }

    /// Ends the current line when it starts and when it ends.
    pub fn is_block(self) -> bool {
        !matches!(
            self,
            Tag::Link | Tag::Emph | Tag::Inline | Tag::Field | Tag::Skip | Tag::Br
        )
    }

    /// A paragraph: its text scores its parent (readability's convention).
    pub fn is_para(self) -> bool {
        matches!(self, Tag::Para | Tag::Heading(_) | Tag::Row | Tag::Pre)
    }
}

/// One element of the page.
#[derive(Debug, Clone)]
pub struct El<'a> {
    pub node: NodeRef<'a, Node>,
    pub parent: u32,
    pub tag: Tag,
    /// [`hint`] and [`flag`] bits.
    pub flags: u16,
    /// Lines `line_start..line_end` started inside this element.
    pub line_start: u32,
    pub line_end: u32,
    /// Subtree statistics (filled by [`Dom::aggregate`]).
    pub stats: Stats,
}

/// Text statistics of a line or subtree.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stats {
    /// Characters other than white space.
    pub chars: u32,
    /// Of which inside links.
    pub link_chars: u32,
    /// Commas (, ， 、).
    pub commas: u32,
    /// Paragraph elements (p).
    pub paras: u32,
    /// List items.
    pub items: u32,
    /// Form fields.
    pub fields: u32,
    /// Tables (including the element itself).
    pub tables: u32,
    /// Headings h1–h3.
    pub headings: u32,
}

impl Stats {
    fn add(&mut self, o: &Stats) {
        self.chars += o.chars;
        self.link_chars += o.link_chars;
        self.commas += o.commas;
        self.paras += o.paras;
        self.items += o.items;
        self.fields += o.fields;
        self.tables += o.tables;
        self.headings += o.headings;
    }

    /// Share of characters inside links.
    pub fn link_density(&self) -> f32 {
        if self.chars == 0 {
            0.0
        } else {
            self.link_chars as f32 / self.chars as f32
        }
    }
}

/// A line of text: a paragraph, a heading, a table cell, the text between two `<br>`.
#[derive(Debug, Clone, Copy)]
pub struct Line {
    /// Byte range in [`Dom::buf`].
    pub start: u32,
    pub end: u32,
    /// The innermost block element around the line.
    pub owner: u32,
    /// The innermost table cell around the line, or [`NONE`].
    pub cell: u32,
    pub chars: u32,
    pub link_chars: u32,
    /// Characters inside b/strong/em/i.
    pub emph_chars: u32,
    pub commas: u32,
}

/// What the head and the walk found besides text.
#[derive(Debug, Default)]
pub struct Found<'a> {
    /// `<meta>` elements: (key lower-cased: property, name, itemprop or http-equiv; content).
    pub metas: Vec<(String, &'a str)>,
    pub title: Option<String>,
    pub canonical: Option<&'a str>,
    /// JSON-LD scripts.
    pub ld_json: Vec<String>,
    /// `<time datetime>` and elements with `itemprop=datePublished` and a `datetime` or
    /// `content` attribute: (element, value).
    pub times: Vec<(u32, &'a str)>,
}

impl<'a> Found<'a> {
    /// The first meta content for any of the keys (in key order).
    pub fn meta(&self, keys: &[&str]) -> Option<&'a str> {
        keys.iter().find_map(|k| {
            self.metas
                .iter()
                .find(|(key, c)| key == k && !c.trim().is_empty())
                .map(|(_, c)| c.trim())
        })
    }
}

/// The walked page.
#[derive(Debug)]
pub struct Dom<'a> {
    pub els: Vec<El<'a>>,
    pub lines: Vec<Line>,
    pub buf: String,
    pub found: Found<'a>,
}

impl<'a> Dom<'a> {
    /// The text of a line.
    pub fn line_text(&self, i: usize) -> &str {
        let l = &self.lines[i];
        &self.buf[l.start as usize..l.end as usize]
    }

    /// Sums line statistics into owners and owners into ancestors, skipping lines and
    /// subtrees for which `dead` is true (elements in pre-order: parents before children).
    pub fn aggregate(&mut self, dead: &[bool]) {
        for (i, el) in self.els.iter_mut().enumerate() {
            let mut s = Stats::default();
            match el.tag {
                Tag::Para
                    if el
                        .node
                        .value()
                        .as_element()
                        .is_some_and(|e| e.name() == "p") =>
                {
                    s.paras = 1
                }
                Tag::Para
                    if el
                        .node
                        .value()
                        .as_element()
                        .is_some_and(|e| e.name() == "li") =>
                {
                    s.items = 1
                }
                Tag::Field => s.fields = 1,
                Tag::Table => s.tables = 1,
                Tag::Heading(n) if n <= 3 => s.headings = 1,
                _ => {}
            }
            if dead[i] {
                s = Stats::default();
            }
            el.stats = s;
        }
        for l in &self.lines {
            let o = l.owner as usize;
            if o < self.els.len() && !dead[o] {
                let s = &mut self.els[o].stats;
                s.chars += l.chars;
                s.link_chars += l.link_chars;
                s.commas += l.commas;
            }
        }
        for i in (1..self.els.len()).rev() {
            let p = self.els[i].parent;
            if p != NONE && !dead[i] {
                let child = self.els[i].stats;
                self.els[p as usize].stats.add(&child);
            }
        }
    }
}

/// Walks a parsed page. `marks` adds flags to elements picked by a site profile.
pub fn walk<'a>(html: &'a Html, profiles: &Profiles, marks: &HashMap<NodeId, u16>) -> Dom<'a> {
    let mut w = Walker {
        profiles,
        marks,
        dom: Dom {
            els: Vec::with_capacity(512),
            lines: Vec::with_capacity(256),
            buf: String::with_capacity(8192),
            found: Found::default(),
        },
        open: Vec::with_capacity(64),
        blocks: Vec::with_capacity(64),
        cells: Vec::new(),
        links: 0,
        emph: 0,
        pre: 0,
        head: 0,
        line: None,
        space: false,
    };
    let root = html.tree.root();
    let mut node = root;
    'walk: loop {
        let descend = w.enter(node);
        if descend && let Some(child) = node.first_child() {
            node = child;
            continue;
        }
        loop {
            w.leave(node);
            if node.id() == root.id() {
                break 'walk;
            }
            if let Some(next) = node.next_sibling() {
                node = next;
                break;
            }
            match node.parent() {
                Some(p) => node = p,
                None => break 'walk,
            }
        }
    }
    w.end_line();
    w.dom
}

struct OpenLine {
    start: u32,
    owner: u32,
    cell: u32,
    chars: u32,
    link_chars: u32,
    emph_chars: u32,
    commas: u32,
}

struct Walker<'a, 'p> {
    profiles: &'p Profiles,
    marks: &'p HashMap<NodeId, u16>,
    dom: Dom<'a>,
    /// Arena indices of the open elements.
    open: Vec<u32>,
    /// Arena indices of the open block elements.
    blocks: Vec<u32>,
    /// Arena indices of the open table cells.
    cells: Vec<u32>,
    links: u32,
    emph: u32,
    pre: u32,
    head: u32,
    line: Option<OpenLine>,
    space: bool,
}

impl<'a> Walker<'a, '_> {
    /// Enters a node; returns whether to walk its children.
    fn enter(&mut self, node: NodeRef<'a, Node>) -> bool {
        match node.value() {
            Node::Text(t) => {
                if self.head == 0 {
                    self.text(t);
                }
                false
            }
            Node::Element(e) => {
                let name = e.name();
                let mut tag = Tag::of(name);
                let idx = self.dom.els.len() as u32;
                let parent = self.open.last().copied().unwrap_or(NONE);
                let mut flags = 0u16;
                for (key, value) in e.attrs() {
                    match key {
                        "class" | "id" => flags |= self.profiles.hints(value),
                        "hidden" => flags |= flag::HIDDEN,
                        "style" => flags |= style_flags(value),
                        "align" if value.eq_ignore_ascii_case("right") => flags |= flag::RIGHT,
                        "rel" if value.eq_ignore_ascii_case("author") => flags |= hint::AUTHOR,
                        "itemprop" => match value {
                            "articleBody" | "text" | "reviewBody" => flags |= flag::BODY_PROP,
                            "author" | "creator" => flags |= hint::AUTHOR,
                            "datePublished" | "dateCreated" => flags |= hint::DATE,
                            "headline" => flags |= flag::TITLE,
                            _ => {}
                        },
                        _ => {}
                    }
                }
                if !self.marks.is_empty()
                    && let Some(m) = self.marks.get(&node.id())
                {
                    flags |= m;
                }
                match tag {
                    Tag::Nav | Tag::Aside | Tag::Footer => flags |= hint::NEGATIVE,
                    Tag::Inline | Tag::Emph | Tag::Link
                        if flags
                            & (hint::NEGATIVE
                                | hint::DATE
                                | hint::AUTHOR
                                | flag::REMOVE
                                | flag::DATE
                                | flag::AUTHOR)
                            != 0 =>
                    {
                        // Bylines, dates and furniture get lines of their own.
                        tag = if tag == Tag::Link {
                            Tag::Link
                        } else {
                            Tag::Container
                        };
                    }
                    _ => {}
                }
                let line_start = self.dom.lines.len() as u32;
                self.dom.els.push(El {
                    node,
                    parent,
                    tag,
                    flags,
                    line_start,
                    line_end: line_start,
                    stats: Stats::default(),
                });
                self.open.push(idx);
                self.found_element(name, e, idx);
                if name == "head" {
                    self.head += 1;
                    return true;
                }
                if tag == Tag::Skip || tag == Tag::Field {
                    return false;
                }
                let block = tag.is_block() || (tag == Tag::Link && flags & LINK_BLOCK != 0);
                if tag == Tag::Br {
                    self.end_line();
                    return false;
                }
                if block {
                    self.end_line();
                    self.blocks.push(idx);
                    // Lines start after the boundary was drawn.
                    self.dom.els[idx as usize].line_start = self.dom.lines.len() as u32;
                }
                match tag {
                    Tag::Cell => self.cells.push(idx),
                    Tag::Link => self.links += 1,
                    Tag::Emph => self.emph += 1,
                    Tag::Pre => self.pre += 1,
                    _ => {}
                }
                flags & flag::HIDDEN == 0
            }
            Node::Document | Node::Fragment => true,
            _ => false,
        }
    }

    fn leave(&mut self, node: NodeRef<'a, Node>) {
        let Node::Element(e) = node.value() else {
            return;
        };
        let Some(idx) = self.open.pop() else { return };
        let el = &self.dom.els[idx as usize];
        let tag = el.tag;
        if e.name() == "head" {
            self.head = self.head.saturating_sub(1);
        }
        if matches!(tag, Tag::Skip | Tag::Field | Tag::Br) {
            let n = self.dom.lines.len() as u32;
            let el = &mut self.dom.els[idx as usize];
            el.line_start = n.min(el.line_start);
            el.line_end = el.line_start;
            return;
        }
        let block = tag.is_block() || (tag == Tag::Link && el.flags & LINK_BLOCK != 0);
        if block {
            self.end_line();
            if self.blocks.last() == Some(&idx) {
                self.blocks.pop();
            }
        }
        match tag {
            Tag::Cell if self.cells.last() == Some(&idx) => {
                self.cells.pop();
            }
            Tag::Link => self.links = self.links.saturating_sub(1),
            Tag::Emph => self.emph = self.emph.saturating_sub(1),
            Tag::Pre => self.pre = self.pre.saturating_sub(1),
            _ => {}
        }
        self.dom.els[idx as usize].line_end = self.dom.lines.len() as u32;
    }

    /// Collects metadata elements (meta, title, canonical link, JSON-LD, time).
    fn found_element(&mut self, name: &str, e: &'a scraper::node::Element, idx: u32) {
        let found = &mut self.dom.found;
        match name {
            "meta" => {
                let key = attr(e, "property")
                    .or_else(|| attr(e, "name"))
                    .or_else(|| attr(e, "itemprop"))
                    .or_else(|| attr(e, "http-equiv"));
                if let (Some(key), Some(content)) = (key, attr(e, "content")) {
                    found.metas.push((key.trim().to_ascii_lowercase(), content));
                    if matches!(key, "datePublished" | "dateCreated") {
                        found.times.push((idx, content));
                    }
                }
            }
            "title" if found.title.is_none() && self.head > 0 => {
                let node = self.dom.els[idx as usize].node;
                let mut t = String::new();
                for d in node.descendants() {
                    if let Node::Text(x) = d.value() {
                        t.push_str(x);
                    }
                }
                found.title = Some(t);
            }
            "link" if found.canonical.is_none() => {
                if attr(e, "rel").is_some_and(|r| r.eq_ignore_ascii_case("canonical")) {
                    found.canonical = attr(e, "href").map(str::trim).filter(|h| !h.is_empty());
                }
            }
            "script"
                if attr(e, "type")
                    .is_some_and(|t| t.eq_ignore_ascii_case("application/ld+json")) =>
            {
                let node = self.dom.els[idx as usize].node;
                let mut t = String::new();
                for c in node.children() {
                    if let Node::Text(x) = c.value() {
                        t.push_str(x);
                    }
                }
                found.ld_json.push(t);
            }
            "time" => {
                if let Some(dt) = attr(e, "datetime") {
                    found.times.push((idx, dt));
                }
            }
            _ => {
                if attr(e, "itemprop").is_some_and(|p| p == "datePublished" || p == "dateCreated")
                    && let Some(v) = attr(e, "datetime").or_else(|| attr(e, "content"))
                {
                    found.times.push((idx, v));
                }
            }
        }
    }

    fn text(&mut self, t: &str) {
        if self.pre > 0 {
            for (i, part) in t.split('\n').enumerate() {
                if i > 0 {
                    self.end_line();
                }
                self.words(part);
            }
        } else {
            self.words(t);
        }
    }

    /// Splits `t` at white space into words, counting each word's characters and commas in
    /// the same pass over its bytes (a second and third pass per word cost more than the
    /// split itself).
    fn words(&mut self, t: &str) {
        let bytes = t.as_bytes();
        let (mut start, mut i) = (0, 0);
        let (mut chars, mut commas) = (0u32, 0u32);
        while i < bytes.len() {
            let b = bytes[i];
            let n = if b.is_ascii() {
                if is_ascii_space(b) {
                    1
                } else {
                    chars += 1;
                    commas += u32::from(b == b',');
                    i += 1;
                    continue;
                }
            } else {
                whitespace_len(bytes, i)
            };
            if n == 0 {
                // A character's first byte (continuation bytes are 0x80..=0xBF); the commas
                // '，' (EF BC 8C), '、' (E3 80 81) and '،' (D8 8C).
                if b & 0xC0 != 0x80 {
                    chars += 1;
                    let at = |k: usize| bytes.get(i + k).copied().unwrap_or(0);
                    commas += u32::from(match b {
                        0xEF => at(1) == 0xBC && at(2) == 0x8C,
                        0xE3 => at(1) == 0x80 && at(2) == 0x81,
                        0xD8 => at(1) == 0x8C,
                        _ => false,
                    });
                }
                i += 1;
                continue;
            }
            if start < i {
                self.word(&t[start..i], chars, commas);
            }
            (chars, commas) = (0, 0);
            self.space = true;
            i += n;
            start = i;
        }
        if start < bytes.len() {
            self.word(&t[start..], chars, commas);
        }
    }

    /// Adds a word of `n` characters, `commas` of them commas, to the open line.
    fn word(&mut self, word: &str, n: u32, commas: u32) {
        let buf = &mut self.dom.buf;
        let line = match &mut self.line {
            Some(l) => {
                if self.space {
                    buf.push(' ');
                }
                l
            }
            None => {
                let owner = self
                    .blocks
                    .last()
                    .or(self.open.last())
                    .copied()
                    .unwrap_or(NONE);
                self.line.insert(OpenLine {
                    start: buf.len() as u32,
                    owner,
                    cell: self.cells.last().copied().unwrap_or(NONE),
                    chars: 0,
                    link_chars: 0,
                    emph_chars: 0,
                    commas: 0,
                })
            }
        };
        self.space = false;
        buf.push_str(word);
        line.chars += n;
        line.commas += commas;
        if self.links > 0 {
            line.link_chars += n;
        }
        if self.emph > 0 {
            line.emph_chars += n;
        }
    }

    fn end_line(&mut self) {
        self.space = false;
        if let Some(l) = self.line.take() {
            self.dom.lines.push(Line {
                start: l.start,
                end: self.dom.buf.len() as u32,
                owner: l.owner,
                cell: l.cell,
                chars: l.chars,
                link_chars: l.link_chars,
                emph_chars: l.emph_chars,
                commas: l.commas,
            });
        }
    }
}

/// Flags from an inline `style` attribute.
fn style_flags(style: &str) -> u16 {
    let mut flags = 0;
    for decl in style.split(';') {
        let Some((prop, value)) = decl.split_once(':') else {
            continue;
        };
        let (prop, value) = (prop.trim(), value.trim());
        if prop.eq_ignore_ascii_case("display") && value.eq_ignore_ascii_case("none")
            || prop.eq_ignore_ascii_case("visibility") && value.eq_ignore_ascii_case("hidden")
        {
            flags |= flag::HIDDEN;
        } else if prop.eq_ignore_ascii_case("text-align") && value.eq_ignore_ascii_case("right") {
            flags |= flag::RIGHT;
        }
    }
    flags
}

/// The length in bytes of the whitespace character (`char::is_whitespace`) that starts at
/// byte `i` of UTF-8 text, or 0: a byte test instead of decoding every character.
/// The value of an element's attribute `name` (one without a namespace): what scraper's
/// `Element::attr` gives, found by comparing names. That one interns the name first, which
/// hashes it at every call, and most elements hold no more than a few attributes.
pub(crate) fn attr<'e>(e: &'e scraper::node::Element, name: &str) -> Option<&'e str> {
    e.attrs
        .iter()
        .find(|(k, _)| k.prefix.is_none() && k.ns.is_empty() && &*k.local == name)
        .map(|(_, v)| &**v)
}

/// An ASCII byte the walk treats as white space: space, tab, line feed, vertical tab, form
/// feed, carriage return.
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t'..=b'\r')
}

fn whitespace_len(bytes: &[u8], i: usize) -> usize {
    let at = |k: usize| bytes.get(i + k).copied().unwrap_or(0);
    match bytes[i] {
        b if is_ascii_space(b) => 1,
        0xC2 if matches!(at(1), 0x85 | 0xA0) => 2,
        0xE1 if at(1) == 0x9A && at(2) == 0x80 => 3,
        0xE2 if at(1) == 0x80 && matches!(at(2), 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF) => 3,
        0xE2 if at(1) == 0x81 && at(2) == 0x9F => 3,
        0xE3 if at(1) == 0x80 && at(2) == 0x80 => 3,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_read_as_scraper_reads_them() {
        // Every element of a page with namespaced (SVG, xlink, xml) and duplicate attributes,
        // and names that are and are not set.
        let src = r##"<html lang="vi"><head><meta property="og:title" content="T">
            <meta name="x" NAME="y" content="c"><link rel="canonical" href="/a"></head>
            <body class="b" id="i"><svg xmlns:xlink="http://www.w3.org/1999/xlink">
            <a xlink:href="#h" href="/h" xml:lang="en"></a></svg>
            <time datetime="2024-01-02" itemprop="datePublished">x</time>
            <p data-x="1" class="c d">t</p></body></html>"##;
        let names = [
            "lang",
            "property",
            "content",
            "name",
            "rel",
            "href",
            "class",
            "id",
            "datetime",
            "itemprop",
            "data-x",
            "xlink:href",
            "lang",
            "type",
            "",
        ];
        let html = Html::parse_document(src);
        let mut seen = 0;
        for node in html.tree.nodes() {
            if let Some(e) = node.value().as_element() {
                for n in names {
                    assert_eq!(attr(e, n), e.attr(n), "{n} of {}", e.name());
                    seen += usize::from(e.attr(n).is_some());
                }
            }
        }
        assert!(seen >= 12, "{seen}");
    }

    fn dom_lines(src: &str) -> Vec<String> {
        let html = Html::parse_document(src);
        let p = Profiles::parse("t", super::super::profiles::Profiles::embedded_text()).unwrap();
        let dom = walk(&html, &p, &HashMap::new());
        (0..dom.lines.len())
            .map(|i| dom.line_text(i).to_string())
            .collect()
    }

    #[test]
    fn whitespace_bytes_are_the_whitespace_characters() {
        // Every character, alone and between letters: the byte test agrees with
        // `char::is_whitespace`.
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let s = format!("a{c}ế");
            let i = 1;
            let want = if c.is_whitespace() { c.len_utf8() } else { 0 };
            assert_eq!(whitespace_len(s.as_bytes(), i), want, "{c:?}");
        }
    }

    #[test]
    fn blocks_make_lines_and_spaces_collapse() {
        let lines = dom_lines(
            "<html><head><title>T</title></head><body><p>Khối  thi\n đua <b>các</b> cơ quan</p>\
             <div>Một<br>Hai</div><script>x</script><p style='display:none'>ẩn</p></body></html>",
        );
        assert_eq!(lines, ["Khối thi đua các cơ quan", "Một", "Hai"]);
    }

    #[test]
    fn inline_boundaries_do_not_add_spaces() {
        assert_eq!(
            dom_lines("<p><b>Kh</b>ối <i>thi</i> đua</p>"),
            ["Khối thi đua"]
        );
    }
}
