//! Reading a raw document: charset decoding, HTML main-content extraction and page metadata,
//! and the removal of page leftovers (menus, related-news lists, comment forms) from text.
//!
//! For an HTML page: the bytes are decoded ([`decode`]), nesting deeper than
//! [`depth::MAX_DEPTH`] is flattened (and markup past [`depth::MAX_NODES`] elements dropped),
//! html5ever parses once, one iterative walk turns the DOM into a flat arena of elements and
//! lines (`dom`), the article is chosen by scoring blocks (`content`) or by a site profile
//! from `patterns/html/sites.toml` (`profiles`), and the metadata comes from `<meta>`,
//! JSON-LD, `<time>` and visible stamps (`meta`).

mod content;
mod dates;
mod decode;
pub mod depth;
mod dom;
pub mod leftovers;
mod meta;
mod profiles;

pub use decode::{Decoded, decode};
pub use profiles::FILE as PROFILE_FILE;

use crate::document::{ContentKind, RawDocument};
use crate::error::{Error, PatternErrors, Result};
use crate::patterns::PatternFiles;
use profiles::Profiles;
use scraper::Html;
use std::collections::HashMap;
use std::sync::LazyLock;

/// What a page yields before normalization: its main text and metadata.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// Main text, one block (paragraph, heading, table row) per line.
    pub text: String,
    /// Headline without the site suffix.
    pub title: Option<String>,
    /// ISO 8601 date or date-time of publication, as precise as the page says.
    pub published: Option<String>,
    /// Byline.
    pub author: Option<String>,
    /// Publisher name (`og:site_name` …).
    pub site: Option<String>,
    /// Canonical URL, else `og:url`, else the URL the page came from.
    pub url: Option<String>,
    /// What had to be guessed (charset …).
    pub warnings: Vec<String>,
}

/// Reads pages with a set of site profiles. Build once, share across threads.
#[derive(Debug)]
pub struct Reader {
    profiles: Profiles,
}

static EMBEDDED: LazyLock<Reader> = LazyLock::new(|| Reader {
    profiles: Profiles::parse(profiles::FILE, Profiles::embedded_text())
        .expect("the embedded patterns/html/sites.toml is valid"),
});

impl Reader {
    /// The reader with the profiles embedded in the binary.
    pub fn embedded() -> &'static Reader {
        &EMBEDDED
    }

    /// A reader with the profiles of a pattern set (`html/sites.toml`; the embedded copy when
    /// the set has none). Problems come back as `file:line: what is wrong`.
    pub fn from_files(files: &PatternFiles) -> Result<Reader> {
        let text = files
            .get(profiles::FILE)
            .unwrap_or_else(|| Profiles::embedded_text());
        Profiles::parse(profiles::FILE, text)
            .map(|profiles| Reader { profiles })
            .map_err(|e| Error::Patterns(PatternErrors(e)))
    }

    /// Reads a raw document: decodes its bytes and, for HTML, extracts the article and
    /// metadata.
    pub fn read(&self, raw: &RawDocument) -> Result<Page> {
        let decoded = decode(raw)?;
        let is_html = match raw.kind {
            ContentKind::Html => true,
            ContentKind::Text => false,
            ContentKind::Unknown => looks_like_html(&decoded.text),
        };
        let mut page = if is_html {
            self.read_html(&decoded.text, raw.url.as_deref())
        } else {
            Page {
                text: decoded.text.into_owned(),
                ..Page::default()
            }
        };
        page.warnings.extend(decoded.warnings);
        if page.url.is_none() {
            page.url = raw.url.clone();
        }
        Ok(page)
    }

    /// Reads decoded HTML; `url` is where the page came from, when known.
    pub fn read_html(&self, source: &str, url: Option<&str>) -> Page {
        let (source, limited) = depth::limit(source);
        let mut page = Page::default();
        if limited.too_deep {
            page.warnings.push(format!(
                "HTML nested deeper than {} levels; deeper tags ignored",
                depth::MAX_DEPTH
            ));
        }
        if limited.too_many {
            page.warnings.push(format!(
                "HTML with more than {} elements; the markup after them ignored, its text kept",
                depth::MAX_NODES
            ));
        }
        let html = Html::parse_document(&source);
        let (head_url, generator) = head_hints(&html);
        let host = url.or(head_url.as_deref()).and_then(meta::host_of);
        let site = self
            .profiles
            .site_for(host.as_deref(), generator.as_deref());
        let marks = site.map(|s| marks(&html, s)).unwrap_or_default();
        let mut dom = dom::walk(&html, &self.profiles, &marks);
        let ex = content::extract(&mut dom, &self.profiles);
        if let Some(s) = site
            && s.content.is_some()
            && !dom.els.iter().any(|e| e.flags & dom::flag::CONTENT != 0)
        {
            page.warnings.push(format!(
                "site profile {:?}: content selector matched nothing; generic extraction used",
                s.name
            ));
        }
        page.text = ex.text();
        meta::fill(&dom, &ex, url, &mut page);
        page
    }
}

/// Reads a raw document with the embedded site profiles (see [`Reader::read`]).
pub fn read(raw: &RawDocument) -> Result<Page> {
    Reader::embedded().read(raw)
}

/// The canonical or og:url and the generator, from the children of `<head>` only.
fn head_hints(html: &Html) -> (Option<String>, Option<String>) {
    let mut url = None;
    let mut generator = None;
    let root = html.root_element();
    let Some(head) = root
        .children()
        .find(|c| c.value().as_element().is_some_and(|e| e.name() == "head"))
    else {
        return (None, None);
    };
    for child in head.children() {
        let Some(e) = child.value().as_element() else {
            continue;
        };
        match e.name() {
            "link" if dom::attr(e, "rel").is_some_and(|r| r.eq_ignore_ascii_case("canonical")) => {
                url = url.or(dom::attr(e, "href").map(str::to_string));
            }
            "meta" => {
                let key = dom::attr(e, "property")
                    .or_else(|| dom::attr(e, "name"))
                    .unwrap_or("");
                if key.eq_ignore_ascii_case("og:url") {
                    url = url.or(dom::attr(e, "content").map(str::to_string));
                } else if key.eq_ignore_ascii_case("generator") {
                    generator = dom::attr(e, "content").map(str::to_string);
                }
            }
            _ => {}
        }
    }
    (url.filter(|u| u.contains("://")), generator)
}

/// Flags for the elements a site profile picks.
fn marks(html: &Html, site: &profiles::Site) -> HashMap<ego_tree::NodeId, u16> {
    use dom::flag;
    let mut marks: HashMap<ego_tree::NodeId, u16> = HashMap::new();
    let mut mark = |sel: &scraper::Selector, f: u16| {
        for e in html.select(sel) {
            *marks.entry(e.id()).or_default() |= f;
        }
    };
    if let Some(s) = &site.content {
        mark(s, flag::CONTENT);
    }
    if let Some(s) = &site.title {
        mark(s, flag::TITLE);
    }
    if let Some(s) = &site.date {
        mark(s, flag::DATE);
    }
    if let Some(s) = &site.author {
        mark(s, flag::AUTHOR);
    }
    for s in &site.remove {
        mark(s, flag::REMOVE);
    }
    marks
}

/// Sniffs HTML: the first non-blank characters open a tag, or an `<html`/`<body` tag appears
/// early.
pub fn looks_like_html(text: &str) -> bool {
    let mut end = text.len().min(2048);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = text[..end].to_ascii_lowercase();
    let trimmed = head.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    trimmed.starts_with("<!doctype html")
        || trimmed.starts_with("<html")
        || head.contains("<html")
        || head.contains("<body")
        || (trimmed.starts_with('<') && head.contains("</"))
}
