//! A guard against pathological nesting, run before parsing.
//!
//! html5ever checks element scopes by scanning its stack of open elements, so a page of
//! 100,000 nested `<div>`s takes tens of seconds to parse (quadratic), although nothing
//! recurses. Real pages nest a few dozen levels. This pass estimates the nesting depth from
//! the tags (void elements, raw-text elements, comments and implied end tags of p/li/td …
//! accounted for) and, when it goes past [`MAX_DEPTH`], drops the start tags beyond it (and
//! as many end tags), keeping all text. Ordinary pages are returned unchanged.

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

/// The source, with start tags beyond [`MAX_DEPTH`] levels removed when there are any.
pub fn limit_nesting(source: &str) -> Cow<'_, str> {
    let opens = source.bytes().filter(|&b| b == b'<').count();
    if opens <= MAX_DEPTH {
        return Cow::Borrowed(source);
    }
    if scan(source, None) <= MAX_DEPTH {
        return Cow::Borrowed(source);
    }
    let mut out = String::with_capacity(source.len());
    scan(source, Some(&mut out));
    Cow::Owned(out)
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

/// Walks the tags; returns the deepest nesting seen. With `out`, copies the source there
/// without the start tags beyond [`MAX_DEPTH`] and as many end tags.
fn scan(source: &str, mut out: Option<&mut String>) -> usize {
    let b = source.as_bytes();
    let mut stack: Vec<&[u8]> = Vec::with_capacity(64);
    let mut max = 0;
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
            continue;
        }
        if next == b'!' || next == b'?' {
            i = tag_end(b, lt + 1);
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
                stack.truncate(top + pos);
            }
            continue;
        }
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
        if is(&SELF_CLOSING_SIBLINGS, name) {
            let top = stack.len().saturating_sub(4);
            if let Some(pos) = stack[top..]
                .iter()
                .rposition(|n| n.eq_ignore_ascii_case(name))
            {
                stack.truncate(top + pos);
            }
        }
        if is(&CLOSES_P, name) && stack.last().is_some_and(|n| n.eq_ignore_ascii_case(b"p")) {
            stack.pop();
        }
        if stack.len() >= MAX_DEPTH && out.is_some() {
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
    max
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
        assert!(scan(&out, None) <= MAX_DEPTH);
        assert_eq!(out.matches("<div>").count(), MAX_DEPTH);
    }
}
