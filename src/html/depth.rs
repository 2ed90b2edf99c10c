//! A guard against pathological nesting, run before parsing.
//!
//! html5ever checks element scopes by scanning its stack of open elements, so a page of
//! 100,000 nested `<div>`s takes tens of seconds to parse (quadratic), although nothing
//! recurses. Real pages nest a few dozen levels. This pass estimates the nesting depth from
//! the tags (void elements, raw-text elements, comments and implied end tags of p/li/td …
//! accounted for) and, when it goes past [`MAX_DEPTH`], drops the start tags beyond it (and
//! as many end tags), keeping all text. Ordinary pages are returned unchanged.
//!
//! The same pass bounds the size of the tree: each node costs a few hundred bytes once
//! parsed, so a 64 MiB page of `<b>x</b>` would take gigabytes. Past [`MAX_NODES`] elements
//! and comments, the remaining markup is dropped (script and style contents with it) and only
//! the text is kept.

use std::borrow::Cow;

/// Deepest nesting kept.
pub const MAX_DEPTH: usize = 512;

const VOID: [&[u8]; 16] = [
    b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta", b"param",
    b"source", b"track", b"wbr", b"keygen", b"frame",
];
const RAW: [&[u8]; 10] = [
    b"script",
    b"style",
    b"textarea",
    b"title",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
    b"noscript",
    b"plaintext",
];
/// Start tags that close an open element of the same name.
const SELF_CLOSING_SIBLINGS: [&[u8]; 8] =
    [b"p", b"li", b"dt", b"dd", b"option", b"tr", b"td", b"th"];
/// Elements that keep an `<li>`, `<dd>` or `<dt>` from closing one further out: the HTML
/// parser's "special" elements but address, div and p (so `<ul><li><ul><li>` nests).
const LIST_SCOPE: [&[u8]; 48] = [
    b"applet",
    b"article",
    b"aside",
    b"blockquote",
    b"body",
    b"button",
    b"caption",
    b"center",
    b"colgroup",
    b"dd",
    b"details",
    b"dir",
    b"dl",
    b"dt",
    b"fieldset",
    b"figcaption",
    b"figure",
    b"footer",
    b"form",
    b"frameset",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"header",
    b"hgroup",
    b"html",
    b"iframe",
    b"li",
    b"listing",
    b"main",
    b"marquee",
    b"menu",
    b"nav",
    b"object",
    b"ol",
    b"pre",
    b"section",
    b"select",
    b"summary",
    b"table",
    b"tbody",
    b"td",
    b"template",
    b"th",
    b"ul",
];
/// Elements that keep a `<tr>`, `<td>` or `<th>` from closing one further out.
const TABLE_SCOPE: [&[u8]; 3] = [b"table", b"template", b"html"];
/// Elements that keep a `<p>` from closing one further out ("button scope").
const BUTTON_SCOPE: [&[u8]; 10] = [
    b"applet",
    b"button",
    b"caption",
    b"html",
    b"marquee",
    b"object",
    b"table",
    b"td",
    b"template",
    b"th",
];
const P: [&[u8]; 1] = [b"p"];
/// Formatting elements: closed across a block, the parser reopens them inside it.
const FORMATTING: [&[u8]; 14] = [
    b"a", b"b", b"big", b"code", b"em", b"font", b"i", b"nobr", b"s", b"small", b"strike",
    b"strong", b"tt", b"u",
];

/// A block ("special") element, which a misnested formatting end tag leaves open.
fn is_block(name: &[u8]) -> bool {
    is(&LIST_SCOPE, name) || is(&[b"address", b"div", b"p"], name)
}
const LI: [&[u8]; 1] = [b"li"];
const DD_DT: [&[u8]; 2] = [b"dd", b"dt"];
const TR: [&[u8]; 1] = [b"tr"];
const TD_TH: [&[u8]; 2] = [b"td", b"th"];
/// Start tags that close an open `<p>`.
const CLOSES_P: [&[u8]; 16] = [
    b"div",
    b"p",
    b"ul",
    b"ol",
    b"dl",
    b"table",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"section",
    b"article",
    b"blockquote",
    b"pre",
];

/// Most elements and comments kept (real pages have a few thousand).
pub const MAX_NODES: usize = 200_000;

/// What [`limit`] had to cut.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limited {
    /// Nesting went deeper than [`MAX_DEPTH`].
    pub too_deep: bool,
    /// More than [`MAX_NODES`] elements and comments.
    pub too_many: bool,
}

/// The source, with start tags beyond [`MAX_DEPTH`] levels removed when there are any (and
/// the markup after [`MAX_NODES`] nodes).
pub fn limit_nesting(source: &str) -> Cow<'_, str> {
    limit(source).0
}

/// [`limit_nesting`], saying what was cut.
pub fn limit(source: &str) -> (Cow<'_, str>, Limited) {
    // At most MAX_DEPTH tags cannot nest deeper: counted up to one past it, with memchr
    // (counting every byte one at a time was a pass over the page costing as much).
    let opens = memchr::memchr_iter(b'<', source.as_bytes())
        .take(MAX_DEPTH + 1)
        .count();
    if opens <= MAX_DEPTH {
        return (Cow::Borrowed(source), Limited::default());
    }
    let seen = scan(source, None);
    let limited = Limited {
        too_deep: seen.depth > MAX_DEPTH,
        too_many: seen.nodes > MAX_NODES,
    };
    if limited == Limited::default() {
        return (Cow::Borrowed(source), limited);
    }
    let mut out = String::with_capacity(source.len());
    scan(source, Some(&mut out));
    (Cow::Owned(out), limited)
}

fn is(list: &[&[u8]], name: &[u8]) -> bool {
    list.iter().any(|n| n.eq_ignore_ascii_case(name))
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
}

/// End of a tag starting at `from` (index after its `>`), honouring quoted attribute values.
fn tag_end(b: &[u8], from: usize) -> usize {
    let mut i = from;
    let mut quote = 0u8;
    while i < b.len() {
        let c = b[i];
        if quote != 0 {
            if c == quote {
                quote = 0;
            }
        } else if c == b'"' || c == b'\'' {
            quote = c;
        } else if c == b'>' {
            return i + 1;
        }
        i += 1;
    }
    b.len()
}

/// Where in the stack is the open element that a start tag `name` (p, li, dd, dt, option, tr,
/// td, th) closes implicitly, as the HTML parser does: li closes an li and dd or dt a dd or dt
/// unless a [`LIST_SCOPE`] element lies in between; tr, td and th close theirs within the
/// enclosing table; p closes a p within its button scope; option closes an option that is the
/// current node. Only the 16 innermost
/// elements are looked at, so the scan stays linear.
fn open_sibling(stack: &[&[u8]], name: &[u8]) -> Option<usize> {
    let (targets, stops): (&[&[u8]], &[&[u8]]) = if is(&P, name) {
        (&P, &BUTTON_SCOPE)
    } else if is(&LI, name) {
        (&LI, &LIST_SCOPE)
    } else if is(&DD_DT, name) {
        (&DD_DT, &LIST_SCOPE)
    } else if is(&TR, name) {
        (&TR, &TABLE_SCOPE)
    } else if is(&TD_TH, name) {
        (&TD_TH, &TABLE_SCOPE)
    } else {
        let top = stack.len().checked_sub(1)?;
        return stack[top].eq_ignore_ascii_case(name).then_some(top);
    };
    let floor = stack.len().saturating_sub(16);
    for pos in (floor..stack.len()).rev() {
        if is(targets, stack[pos]) {
            return Some(pos);
        }
        if is(stops, stack[pos]) {
            return None;
        }
    }
    None
}

/// What [`scan`] saw.
struct Seen {
    /// Deepest nesting.
    depth: usize,
    /// Elements and comments.
    nodes: usize,
}

/// Walks the tags; returns the deepest nesting and the number of nodes seen. With `out`,
/// copies the source there without the start tags beyond [`MAX_DEPTH`] and as many end tags,
/// and without any markup after [`MAX_NODES`] nodes.
fn scan(source: &str, mut out: Option<&mut String>) -> Seen {
    let b = source.as_bytes();
    let mut stack: Vec<&[u8]> = Vec::with_capacity(64);
    let mut max = 0;
    let mut nodes = 0usize;
    // Past the node cap (when copying), markup is dropped.
    let full = |nodes: usize, out: &Option<&mut String>| out.is_some() && nodes >= MAX_NODES;
    let mut dropped = 0usize;
    let mut copied = 0usize;
    let mut i = 0;
    let skip = |out: &mut Option<&mut String>, copied: &mut usize, from: usize, to: usize| {
        if let Some(o) = out.as_deref_mut() {
            o.push_str(&source[*copied..from]);
            *copied = to;
        }
    };
    while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
        let lt = i + off;
        let next = b.get(lt + 1).copied().unwrap_or(0);
        if b[lt + 1..].starts_with(b"!--") {
            i = find(b, lt + 4, b"-->").map_or(b.len(), |p| p + 3);
            if full(nodes, &out) {
                skip(&mut out, &mut copied, lt, i);
            }
            nodes += 1;
            continue;
        }
        if next == b'!' || next == b'?' {
            i = tag_end(b, lt + 1);
            if full(nodes, &out) {
                skip(&mut out, &mut copied, lt, i);
            }
            nodes += 1;
            continue;
        }
        let end_tag = next == b'/';
        let name_start = if end_tag { lt + 2 } else { lt + 1 };
        if !b.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            i = lt + 1;
            continue;
        }
        let mut name_end = name_start;
        while name_end < b.len()
            && !matches!(
                b[name_end],
                b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/' | b'>'
            )
        {
            name_end += 1;
        }
        let name = &b[name_start..name_end];
        let end = tag_end(b, name_end);
        i = end;
        if full(nodes, &out) {
            if !end_tag && is(&RAW, name) {
                // The script or style text goes too, up to and with its end tag.
                let close = [&b"</"[..], name].concat();
                i = find(b, end, &close).map_or(b.len(), |p| tag_end(b, p + 2));
            }
            skip(&mut out, &mut copied, lt, i);
            continue;
        }
        if end_tag {
            if dropped > 0 {
                dropped -= 1;
                skip(&mut out, &mut copied, lt, end);
                continue;
            }
            let top = stack.len().saturating_sub(16);
            if let Some(pos) = stack[top..]
                .iter()
                .rposition(|n| n.eq_ignore_ascii_case(name))
            {
                let pos = top + pos;
                if is(&FORMATTING, name) && stack[pos + 1..].iter().any(|n| is_block(n)) {
                    // The adoption agency (`<b><div></b>`): the block stays open, moved out
                    // of the formatting element, and a copy of that element opens inside it.
                    let element = stack.remove(pos);
                    stack.push(element);
                } else {
                    stack.truncate(pos);
                }
            }
            continue;
        }
        nodes += 1;
        if is(&RAW, name) {
            let mut close = Vec::with_capacity(name.len() + 2);
            close.extend_from_slice(b"</");
            close.extend_from_slice(name);
            i = find(b, end, &close).unwrap_or(b.len());
            continue;
        }
        if is(&VOID, name) {
            continue;
        }
        if is(&SELF_CLOSING_SIBLINGS, name)
            && let Some(pos) = open_sibling(&stack, name)
        {
            stack.truncate(pos);
        }
        if is(&CLOSES_P, name) && stack.last().is_some_and(|n| n.eq_ignore_ascii_case(b"p")) {
            stack.pop();
        }
        if stack.len() >= MAX_DEPTH && out.is_some() {
            nodes -= 1;
            dropped += 1;
            skip(&mut out, &mut copied, lt, end);
            continue;
        }
        stack.push(name);
        max = max.max(stack.len());
    }
    if let Some(o) = out {
        o.push_str(&source[copied..]);
    }
    Seen { depth: max, nodes }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_pages_pass_unchanged() {
        let page = format!(
            "<html><body>{}<script>if (a<b) {{}}</script></body></html>",
            "<p>x<br><img src=a>".repeat(2000)
        );
        assert!(matches!(limit_nesting(&page), Cow::Borrowed(_)));
    }

    #[test]
    fn deep_nesting_is_cut_and_text_kept() {
        let n = 100_000;
        let page = format!("{}deep text{}", "<div>".repeat(n), "</div>".repeat(n));
        let out = limit_nesting(&page);
        assert!(out.contains("deep text"));
        assert!(scan(&out, None).depth <= MAX_DEPTH);
        assert_eq!(out.matches("<div>").count(), MAX_DEPTH);
    }

    #[test]
    fn markup_past_the_node_cap_is_dropped_and_text_kept() {
        let page = format!(
            "<html><body><div>{}<!-- c --><script>var secret;</script><p>tail</div>",
            "<b>x</b>".repeat(MAX_NODES + 10)
        );
        let (out, limited) = limit(&page);
        assert!(limited.too_many && !limited.too_deep);
        assert!(out.matches("<b>").count() < MAX_NODES);
        assert!(out.ends_with("xxxtail"), "{}", &out[out.len() - 40..]);
        assert!(!out.contains("secret") && !out.contains("<!--"));
        assert!(scan(&out, None).nodes <= MAX_NODES);
    }

    #[test]
    fn nested_lists_and_tables_count_as_deep() {
        // An <li> does not close the <li> of an outer list: html5ever nests these, and a
        // page of 100,000 of them stalled it (found by the hostile-input zoo).
        for open in ["<ul><li>", "<dl><dd>", "<ol><li><b>", "<table><tr><td>"] {
            let page = format!("{}text", open.repeat(5000));
            assert!(scan(&page, None).depth > MAX_DEPTH, "{open}");
            assert!(
                scan(&limit_nesting(&page), None).depth <= MAX_DEPTH,
                "{open}"
            );
        }
        // Siblings left open close each other, through inline and div wrappers.
        // Formatting elements closed across a block nest the block deeper each time.
        let page = "<b><div></b>".repeat(5000);
        assert!(scan(&page, None).depth > MAX_DEPTH);
        assert!(scan(&limit_nesting(&page), None).depth <= MAX_DEPTH);
        for (parent, sibling) in [
            ("<div>", "<font><p>a</font></p>"),
            ("<div>", "<b><div>a</div></b>"),
            ("<ul>", "<li>a<b>b"),
            ("<ol>", "<li><div>a"),
            ("<dl>", "<dt>a<dd>b"),
            ("<table>", "<tr><td>a<td><ul><li>b</ul>"),
            ("<div>", "<p><i>a"),
            ("<select>", "<option>a"),
        ] {
            let page = format!("<body>{parent}{}", sibling.repeat(5000));
            assert!(scan(&page, None).depth < 16, "{sibling}");
        }
    }
}
