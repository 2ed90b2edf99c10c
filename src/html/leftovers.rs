//! Page leftovers in text: related-news lists, comment forms, calendars, view counters,
//! share bars. `leftover.cut` rules match a line after which nothing is article text
//! ("Các tin khác", "Tin cùng chuyên mục"); `leftover.drop` rules match single lines to drop
//! ("Lượt xem: 668", "Bản in | Quay lại"). Both run on whole lines.

use crate::normalize::Folded;
use crate::patterns::Patterns;

/// Removes leftovers from normalized text, and collapses runs of blank lines.
pub fn trim(text: &str, patterns: &Patterns) -> String {
    trim_folded(text, patterns).0
}

/// [`trim`], and the folded form of the result when trimming only cut the end of the text
/// (three texts in four: nothing, or a last newline, or the lines after a cut marker), so
/// that extraction need not fold it again.
pub fn trim_folded(text: &str, patterns: &Patterns) -> (String, Option<Folded>) {
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
    let folded = text
        .starts_with(out.as_str())
        .then(|| folded.truncated(out.len()));
    (out, folded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::Normalizer;

    #[test]
    fn the_folded_result_is_that_of_the_trimmed_text() {
        let patterns = Patterns::embedded(&Normalizer::default()).expect("patterns load");
        let body = "Hội nghị tổng kết công tác thi đua năm 2024 của Khối thi đua các sở, ban, \
                    ngành tỉnh diễn ra sáng nay với sự tham dự của đông đủ các đơn vị thành viên.";
        let cases = [
            (format!("{body}\n"), true),
            (
                format!("{body}\nCÁC TIN KHÁC\nKhối thi đua số 2 ký kết giao ước"),
                true,
            ),
            (
                format!("{body}\nLượt xem: 668\nĐồng chí Giám đốc phát biểu."),
                false,
            ),
        ];
        for (text, prefix) in cases {
            let (out, folded) = trim_folded(&text, &patterns);
            assert_eq!(folded.is_some(), prefix, "{text:?} → {out:?}");
            assert_eq!(out, trim(&text, &patterns));
            if let Some(folded) = folded {
                let fresh = Folded::new(&out);
                assert_eq!(folded.text, fresh.text);
                for f in 0..=fresh.text.len() {
                    assert_eq!(folded.to_original(f), fresh.to_original(f));
                }
            }
        }
    }
}
