//! HTML to main text with scraper (html5ever): block elements become lines, navigation and
//! other page furniture are skipped, metadata comes from `<meta>`, `<title>` and `<h1>`.

use super::Page;
use scraper::{ElementRef, Html, Node, Selector};
use std::sync::LazyLock;

static META: LazyLock<Selector> = LazyLock::new(|| Selector::parse("meta").unwrap());
static TITLE: LazyLock<Selector> = LazyLock::new(|| Selector::parse("title").unwrap());
static H1: LazyLock<Selector> = LazyLock::new(|| Selector::parse("h1").unwrap());
static CANONICAL: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("link[rel=canonical]").unwrap());
static BODY: LazyLock<Selector> = LazyLock::new(|| Selector::parse("body").unwrap());

/// Elements whose content is never article text.
const SKIP: [&str; 14] = [
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "iframe", "svg", "button", "select", "head",
];

/// Elements that end a line of text.
const BLOCK: [&str; 26] = [
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "section",
    "article",
    "blockquote",
    "figure",
    "figcaption",
    "dd",
    "dt",
    "dl",
    "pre",
    "hr",
    "main",
    "address",
];

/// Reads an HTML page into its text and metadata.
pub fn read_html(source: &str) -> Page {
    let html = Html::parse_document(source);
    let mut page = Page::default();
    for meta in html.select(&META) {
        let key = meta
            .attr("property")
            .or_else(|| meta.attr("name"))
            .or_else(|| meta.attr("itemprop"))
            .unwrap_or("")
            .to_ascii_lowercase();
        let Some(content) = meta
            .attr("content")
            .map(str::trim)
            .filter(|c| !c.is_empty())
        else {
            continue;
        };
        match key.as_str() {
            "og:title" | "twitter:title" if page.title.is_none() => {
                page.title = Some(content.into())
            }
            "article:published_time" | "datepublished" | "pubdate" | "dc.date.issued" | "date"
                if page.published.is_none() =>
            {
                page.published = Some(content.into())
            }
            "author" | "article:author" | "dc.creator" if page.author.is_none() => {
                page.author = Some(content.into())
            }
            "og:site_name" if page.site.is_none() => page.site = Some(content.into()),
            "og:url" if page.url.is_none() => page.url = Some(content.into()),
            _ => {}
        }
    }
    if page.title.is_none() {
        page.title = html
            .select(&H1)
            .next()
            .or_else(|| html.select(&TITLE).next())
            .map(|e| e.text().collect::<String>().trim().to_string())
            .filter(|t| !t.is_empty());
    }
    if let Some(link) = html.select(&CANONICAL).next().and_then(|l| l.attr("href")) {
        page.url = Some(link.trim().to_string());
    }
    let mut text = String::new();
    if let Some(body) = html.select(&BODY).next() {
        collect_text(body, &mut text);
    } else {
        collect_text(html.root_element(), &mut text);
    }
    page.text = text;
    page
}

fn collect_text(element: ElementRef, out: &mut String) {
    // Iterative walk: deeply nested pages must not overflow the stack.
    enum Step<'a> {
        Enter(ego_tree::NodeRef<'a, Node>),
        Leave(bool),
    }
    let mut stack = vec![Step::Enter(*element)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Leave(block) => {
                if block {
                    end_line(out);
                }
            }
            Step::Enter(node) => match node.value() {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => {
                    let name = e.name();
                    if SKIP.contains(&name) {
                        continue;
                    }
                    let block = BLOCK.contains(&name);
                    if block {
                        end_line(out);
                    } else if matches!(name, "td" | "th") {
                        out.push_str(" | ");
                    }
                    stack.push(Step::Leave(block));
                    let children: Vec<_> = node.children().collect();
                    for child in children.into_iter().rev() {
                        stack.push(Step::Enter(child));
                    }
                }
                _ => {}
            },
        }
    }
}

fn end_line(out: &mut String) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}
