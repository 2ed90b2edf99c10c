//! Page leftovers in text: related-news lists, comment forms, calendars, view counters,
//! share bars. `leftover.cut` rules match a line after which nothing is article text
//! ("Các tin khác", "Tin cùng chuyên mục"); `leftover.drop` rules match single lines to drop
//! ("Lượt xem: 668", "Bản in | Quay lại"). Both run on whole lines.

use crate::normalize::Folded;
use crate::patterns::Patterns;

/// Removes leftovers from normalized text, and collapses runs of blank lines.
pub fn trim(text: &str, patterns: &Patterns) -> String {
    let folded = Folded::new(text);
    // One pass finds the rules whose required literals all occur, and only those (or those
    // without literals whose prefilter matches) run on the whole text.
    let present = patterns.leftover_literal_sentences(&folded, text, |_| 0);
    let may_match = |rule: &crate::patterns::Rule| {
        if rule.required.is_empty() {
            rule.prefilter_scan(folded.text.as_bytes()).next().is_some()
        } else {
            !present.of(rule.index).is_empty()
        }
    };
    let mut cut_at = text.len();
    for rule in patterns.rules_for("leftover.cut").filter(|r| may_match(r)) {
        if let Some(m) = rule.find_all(text, &folded).first() {
            let line_start = text[..m.start].rfind('\n').map_or(0, |p| p + 1);
            // A cut marker in the first lines is a menu, not the end of the article.
            if text[..line_start].trim().len() > 80 {
                cut_at = cut_at.min(line_start);
            }
        }
    }
    let mut dropped: Vec<(usize, usize)> = Vec::new();
    for rule in patterns.rules_for("leftover.drop").filter(|r| may_match(r)) {
        for m in rule.find_all(text, &folded) {
            if m.start < cut_at {
                dropped.push((m.start, m.end));
            }
        }
    }
    let mut out = String::with_capacity(cut_at);
    let mut blank = 0;
    let mut offset = 0;
    for line in text[..cut_at].split('\n') {
        let (start, end) = (offset, offset + line.len());
        offset = end + 1;
        let is_dropped = dropped.iter().any(|&(s, e)| s <= start && e >= end);
        if is_dropped {
            continue;
        }
        if line.trim().is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line.trim_end());
    }
    out
}
