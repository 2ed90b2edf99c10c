//! Reading a raw document: charset decoding, HTML main-content extraction and page metadata,
//! and the removal of page leftovers (menus, related-news lists, comment forms) from text.

mod decode;
mod dom;
pub mod leftovers;

pub use decode::decode;

use crate::document::{ContentKind, RawDocument};
use crate::error::Result;

/// What a page yields before normalization: its main text and metadata.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// Main text, one block (paragraph, heading, table row) per line.
    pub text: String,
    pub title: Option<String>,
    pub published: Option<String>,
    pub author: Option<String>,
    pub site: Option<String>,
    pub url: Option<String>,
    pub warnings: Vec<String>,
}

/// Reads a raw document: decodes its bytes and, for HTML, extracts the article and metadata.
pub fn read(raw: &RawDocument) -> Result<Page> {
    let decoded = decode(raw)?;
    let is_html = match raw.kind {
        ContentKind::Html => true,
        ContentKind::Text => false,
        ContentKind::Unknown => looks_like_html(&decoded.text),
    };
    let mut page = if is_html {
        dom::read_html(&decoded.text)
    } else {
        Page {
            text: decoded.text,
            ..Page::default()
        }
    };
    page.warnings.extend(decoded.warnings);
    if page.url.is_none() {
        page.url = raw.url.clone();
    }
    Ok(page)
}

/// Sniffs HTML: the first non-blank characters open a tag, or an `<html`/`<body` tag appears
/// early.
pub fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .chars()
        .take(2048)
        .collect::<String>()
        .to_ascii_lowercase();
    let trimmed = head.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    trimmed.starts_with("<!doctype html")
        || trimmed.starts_with("<html")
        || head.contains("<html")
        || head.contains("<body")
        || (trimmed.starts_with('<') && head.contains("</"))
}
