//! The bloc or cluster: its mentions ("Khối thi đua …", "Cụm thi đua …"), the fullest name,
//! and its kind.
//!
//! A `bloc.mention` rule finds where a mention starts (slot `kind` holds "khối"/"cụm"); the name
//! runs on while words can belong to a name: "các …", numbers, capitalized words and
//! abbreviations, lower-case words that are not stop words (`stops.tsv`); after a comma only
//! a collective noun ("ngành", "thị xã" …), a sector after a sector ("Khoa giáo, Văn hóa - Xã
//! hội") or another unit name continues it.

use super::Ctx;
use super::text::{Span, Word, first_words};
use super::units::name_phrase_at;
use crate::normalize::chars;
use crate::normalize::{fold_char, fold_str};
use crate::record::{Bloc, BlocKind};

/// Largest number of words in a bloc name.
const MAX_NAME_WORDS: usize = 20;

/// One mention of a bloc in the text.
#[derive(Debug, Clone)]
pub struct Mention {
    /// The name as written (from "Khối"/"Cụm" to its last word).
    pub span: Span,
    pub kind: BlocKind,
    pub rule: String,
    pub priority: i32,
    pub sentence: usize,
    /// Only "khối thi đua" with no name of its own ("các đơn vị trong khối thi đua").
    pub generic: bool,
    /// The bloc a named bloc belongs to ("Cụm thi đua số 5 thuộc Khối thi đua …") or another
    /// name for it in brackets ("Khối thi đua III (Khối Văn hóa - Xã hội)"): not the name
    /// chosen, though what it says of provinces still holds.
    pub secondary: bool,
}

/// All mentions, and the one chosen as the bloc's name.
#[derive(Debug, Clone, Default)]
pub struct BlocInfo {
    pub mentions: Vec<Mention>,
    pub chosen: Option<usize>,
}

impl BlocInfo {
    /// The chosen mention.
    pub fn chosen(&self) -> Option<&Mention> {
        self.chosen.map(|i| &self.mentions[i])
    }

    /// True when sentence `i` names another bloc, by a number other than the chosen bloc's
    /// ("Khối thi đua số 6 gồm …" in a report on Khối thi đua số 5), and not the chosen one.
    pub fn other_bloc_in(&self, ctx: &Ctx, i: usize) -> bool {
        let Some(chosen) = self.chosen() else {
            return false;
        };
        let Some(own) = bloc_number(ctx.s(chosen.span)) else {
            return false;
        };
        let in_sentence = || self.named().filter(|m| m.sentence == i);
        in_sentence().all(|m| bloc_number(ctx.s(m.span)) != Some(own))
            && in_sentence().any(|m| bloc_number(ctx.s(m.span)).is_some())
    }

    /// Named (not generic) mentions.
    pub fn named(&self) -> impl Iterator<Item = &Mention> {
        self.mentions.iter().filter(|m| !m.generic)
    }
}

/// Finds the mentions and chooses the fullest name.
pub fn read(ctx: &mut Ctx) -> BlocInfo {
    let mut mentions: Vec<Mention> = Vec::new();
    let mut starts = std::collections::HashSet::new();
    for hit in ctx.hits("bloc.mention").iter() {
        let Some(kind_span) = hit.slot("kind") else {
            continue;
        };
        let kind = if fold_str(ctx.s(kind_span)).starts_with("cum") {
            BlocKind::Cum
        } else {
            BlocKind::Khoi
        };
        let sentence = ctx.sentences[hit.sentence];
        // "các khối thi đua", "5 Khối thi đua Doanh nghiệp": several blocs, none named.
        let plural = ctx.text[sentence.start..kind_span.start]
            .trim_end()
            .rsplit(' ')
            .next()
            .is_some_and(|w| {
                let w = fold_str(w);
                matches!(w.as_str(), "cac" | "nhung" | "nhieu" | "moi") || is_count(&w)
            });
        let (span, named) = extend_name(ctx, kind_span.start, hit.m.end, sentence.end);
        if !starts.insert(span.start) {
            continue;
        }
        // "Thực hiện Công văn số 02/BTC-TCCB … về việc hướng dẫn tổ chức hoạt động Cụm thi đua
        // …": a bloc named in the subject of a cited document (the clause from "về việc") is a
        // kind of bloc, not the one that meets.
        let before = &ctx.text[sentence.start..kind_span.start];
        let clause = &before[before.rfind([';', ',']).map_or(0, |i| i + 1)..];
        let cited = document_number(before) && fold_str(clause).contains("ve viec");
        mentions.push(Mention {
            span,
            kind,
            rule: hit.rule.id.clone(),
            priority: hit.rule.priority,
            sentence: hit.sentence,
            generic: !named || plural,
            secondary: cited,
        });
    }
    mentions.sort_by_key(|m| m.span.start);
    // "Cụm thi đua số 5 thuộc Khối thi đua …": the bloc a named bloc belongs to is not the one
    // that meets; "Khối thi đua III (Khối Văn hóa - Xã hội)": the name in brackets is another
    // name for it.
    for i in 1..mentions.len() {
        let (prev, cur) = (&mentions[i - 1], &mentions[i]);
        if prev.sentence == cur.sentence
            && !prev.generic
            && prev.span.end <= cur.span.start
            && matches!(
                fold_str(ctx.text[prev.span.end..cur.span.start].trim()).as_str(),
                "thuoc" | "truc thuoc" | "("
            )
        {
            mentions[i].secondary = true;
        }
    }
    let chosen = choose(ctx, &mentions);
    BlocInfo { mentions, chosen }
}

/// The number a bloc's name gives it: "Khối thi đua số 5" and "… số 05" → 5, "Cụm thi đua số
/// IV" → 4, "Khối 9" → 9; none for a name without one.
pub(crate) fn bloc_number(name: &str) -> Option<u32> {
    let words: Vec<String> = name.split_whitespace().map(fold_str).collect();
    let at = |k: usize| words.get(k).map(String::as_str);
    let k = if at(1) == Some("thi") && at(2) == Some("dua") {
        3
    } else {
        1
    };
    let k = if at(k) == Some("so") { k + 1 } else { k };
    let w = at(k)?;
    if !w.is_empty() && w.len() <= 3 && w.bytes().all(|b| b.is_ascii_digit()) {
        return w.parse().ok();
    }
    crate::patterns::roman(&w.to_ascii_uppercase()).filter(|_| w.len() <= 5)
}

/// True when the text cites a document by its number ("số 02/BTC-TCCB", "số 123/QĐ-UBND").
fn document_number(text: &str) -> bool {
    text.match_indices("số ").any(|(i, m)| {
        let rest = &text[i + m.len()..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        digits > 0 && rest[digits..].starts_with('/')
    })
}

/// The fullest name: the most words, then the highest priority, then the earliest. A name
/// that only adds lower-case words to a shorter name written more often ("… tham mưu III
/// không" beside three "… tham mưu III") ran into the verb phrase: the shorter one wins.
fn choose(ctx: &Ctx, mentions: &[Mention]) -> Option<usize> {
    let named: Vec<(usize, String, usize)> = mentions
        .iter()
        .enumerate()
        .filter(|(_, m)| !m.generic && !m.secondary)
        .map(|(i, m)| {
            (
                i,
                fold_str(ctx.s(m.span)),
                ctx.s(m.span).split_whitespace().count(),
            )
        })
        .collect();
    // Counted once: a page can have many thousands of mentions.
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (_, n, _) in &named {
        *counts.entry(n.as_str()).or_default() += 1;
    }
    let count = |name: &str| counts.get(name).copied().unwrap_or(0);
    let mut best = named.iter().max_by(|a, b| {
        let (ma, mb) = (&mentions[a.0], &mentions[b.0]);
        a.2.cmp(&b.2)
            .then(ma.priority.cmp(&mb.priority))
            .then(mb.span.start.cmp(&ma.span.start))
    })?;
    loop {
        let longer = &best.1;
        let longer_text = ctx.s(mentions[best.0].span);
        let shorter = named.iter().filter(|(_, n, _)| {
            n.len() < longer.len()
                && longer.starts_with(n.as_str())
                && longer.as_bytes().get(n.len()) == Some(&b' ')
                && count(n) > count(longer)
        });
        let Some(s) = shorter.max_by_key(|(_, n, _)| n.len()) else {
            break;
        };
        // The names agree folded, one character for one: the shorter may be written with
        // other marks ("Xa" beside "Xã"), so cut by characters, not bytes.
        let extra = longer_text
            .char_indices()
            .nth(s.1.chars().count())
            .map_or("", |(at, _)| &longer_text[at..]);
        if extra
            .split_whitespace()
            .all(|w| w.chars().next().is_some_and(chars::is_lowercase))
        {
            best = s;
        } else {
            break;
        }
    }
    Some(best.0)
}

/// Writes the chosen name and kind into the record, with evidence.
pub fn fill(ctx: &mut Ctx, info: &BlocInfo, bloc: &mut Bloc) {
    if let Some(m) = info.chosen() {
        bloc.name = Some(ctx.s(m.span).to_string());
        bloc.kind = Some(m.kind);
        let sentence = ctx.sentences[m.sentence];
        ctx.evidence("bloc.name", m.span, sentence, &m.rule);
        ctx.evidence("bloc.kind", m.span, sentence, &m.rule);
    } else if let Some(m) = info.mentions.first() {
        // Only generic mentions: the kind is still known.
        bloc.kind = Some(m.kind);
        let sentence = ctx.sentences[m.sentence];
        ctx.evidence("bloc.kind", m.span, sentence, &m.rule);
    }
}

fn is_lower(w: &Word) -> bool {
    w.text.chars().next().is_some_and(chars::is_lowercase)
}

/// Extends a mention from `start` (the "Khối"/"Cụm" word) past the keyword ending at
/// `after` to the end of the name. Returns the span and whether it has a name of its own.
fn extend_name(ctx: &Ctx, start: usize, after: usize, limit: usize) -> (Span, bool) {
    let text = ctx.text;
    // The loop reads at most MAX_NAME_WORDS words and looks six ahead.
    let ws = first_words(text, after, limit, MAX_NAME_WORDS + 8);
    // The words folded into one buffer (not a string each).
    let mut folded_buf = String::with_capacity(limit.saturating_sub(after));
    let mut ends = Vec::with_capacity(ws.len());
    for w in &ws {
        folded_buf.extend(w.text.chars().map(fold_char));
        ends.push(folded_buf.len());
    }
    let folded: Vec<&str> = ends
        .iter()
        .scan(0, |start, &end| {
            let word = &folded_buf[*start..end];
            *start = end;
            Some(word)
        })
        .collect();
    let lower: Vec<String> = ws.iter().map(|w| chars::to_lowercase(w.text)).collect();
    let lower_from =
        |i: usize| -> Vec<&str> { lower[i..].iter().take(6).map(String::as_str).collect() };
    // A mention written in capitals ("CỤM THI ĐUA SỐ 2 TỔ CHỨC …") or without marks ("Cum thi
    // dua so 3 to chuc …"): words in capitals can be stop words, and stop words are compared
    // without marks.
    let keyword = &text[start..after];
    let words = &ctx.gaz.bloc_words;
    let in_capitals = keyword
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(char::is_uppercase);
    let unmarked = keyword.is_ascii();
    let is_stop = |i: usize| -> bool {
        if unmarked {
            let f: Vec<&str> = folded[i..].iter().take(6).copied().collect();
            // "co quan" is "cơ quan", not the verb "có"; "tai chinh" is "tài chính".
            let compound = f.len() > 1
                && words
                    .unmarked
                    .iter()
                    .any(|n| n.split_once(' ') == Some((f[0], f[1])));
            !compound && ctx.gaz.match_stop_folded(&f).is_some()
        } else {
            ctx.gaz.match_stop(&lower_from(i)).is_some()
        }
    };
    let lowerish = |w: &Word| is_lower(w) || (in_capitals && w.is_all_caps());
    let mut end = after;
    // What may start a name: "các", "số", a number or Roman numeral, a capitalized word.
    // A rule that already matched into the name ("Khối các trường …", "Cụm 7 tỉnh", "Khối
    // 9") has started it.
    let started = fold_str(&text[start..after])
        .split(' ')
        .skip(1)
        .any(|w| !w.is_empty() && w != "thi" && w != "dua");
    // (A name that ends its sentence, "… thi đua Khối số 02.", is whole.)
    let Some(first) = ws.first() else {
        return (Span::new(start, after), started);
    };
    let gap0 = text[after..first.start].trim();
    // A name in quotes: 'Khối thi đua “Văn hóa - Xã hội”', 'Khối thi đua "Các cơ quan Đảng"'.
    if let Some(close) = match gap0 {
        "“" => Some('”'),
        "\"" => Some('"'),
        _ => None,
    } && first.is_capitalized()
        && let Some(len) = text[first.start..limit].find([close, '\n'])
        && len <= 120
        && text[first.start + len..].starts_with(close)
    {
        return (Span::new(start, first.start + len + close.len_utf8()), true);
    }
    let phrase_at = |i: usize, list: &[String]| phrase_in(&folded, i, list);
    // A capitalized verb or time word in a headline ("… các sở, ngành kinh tế Phát động và ký
    // kết …", "Cụm thi đua Chủ trì Hội nghị", "… - Năm học 2017 - 2018") ends the name.
    let title_verb = |i: usize| {
        let w = &ws[i];
        w.is_capitalized()
            && !w.is_all_caps()
            // (Inside a run of capitalized words it is a name's: "… tinh Quang Nam tong ket",
            // where "Nam" written without marks reads as "năm".)
            && (i == 0
                || !(ws[i - 1].is_capitalized()
                    && !ws[i - 1].is_all_caps()
                    && text[ws[i - 1].end..w.start].trim().is_empty()))
            && ctx.gaz.match_stop(&lower_from(i)).is_some_and(|(n, kind)| {
                matches!(kind, "verb" | "aspect" | "time")
                    && (i == 0 || ws.get(i + n).is_none_or(is_lower))
            })
    };
    let starts_name = started
        || gap0.is_empty()
            && (matches!(folded[0], "cac" | "so")
                || first.is_number()
                // "Cụm thi đua bảy tỉnh miền núi …": a count in words, then what it counts.
                || (ctx.gaz.number(first.text).is_some()
                    && (phrase_at(1, &words.counted) || phrase_at(1, &words.after_number)))
                || first.is_capitalized()
                || first.is_all_caps()
                // "Cụm thi đua phía Nam …", "Cụm thi đua miền núi …", "Cụm thi đua quận, huyện"
                || phrase_at(0, &words.name_start)
                // "Khối thi đua ngành Tư pháp": a sector, then its name.
                || (folded[0] == "nganh"
                    && ws.get(1).is_some_and(|n| {
                        (n.is_capitalized() || n.is_all_caps())
                            && text[ws[0].end..n.start].trim().is_empty()
                    }))
                || (phrase_at(0, &words.after_comma)
                    && ws.get(1).is_some_and(|_| {
                        text[ws[0].end..ws[1].start].trim() == ","
                            || folded.get(1).is_some_and(|w| *w == "va")
                    })))
            && !(folded[0] == "khen" && folded.get(1).is_some_and(|w| *w == "thuong"))
            && !title_verb(0);
    if !starts_name {
        return (Span::new(start, after), false);
    }
    let mut i = 0;
    while i < ws.len() && i < MAX_NAME_WORDS {
        let w = &ws[i];
        let gap = text[end..w.start].trim();
        if gap.is_empty()
            && let Some(len) = name_phrase_at(ctx, w.start)
        {
            end = w.start + len;
            while i < ws.len() && ws[i].start < end {
                i += 1;
            }
            continue;
        }
        if title_verb(i) {
            break;
        }
        // After the bloc's number ("Cụm thi đua số 6", "Khối thi đua VII") only a capitalized
        // word or a place goes on ("… số 6 khu vực Tây Nguyên", "… số I tỉnh Long An"); a verb
        // phrase does not ("… số I đẩy mạnh …").
        if is_lower(w)
            && i > 0
            && (ws[i - 1].is_number() || crate::patterns::roman(ws[i - 1].text).is_some())
            && !phrase_at(i, &words.after_number)
            && !(phrase_at(i, &words.counted) && (i < 2 || folded[i - 2] != "so"))
        {
            break;
        }
        match gap {
            "" => {}
            "," => {
                // "MTTQ, các đoàn thể chính trị - xã hội", "…, các tổ chức chính trị - xã hội".
                let after_comma = phrase_at(i, &words.after_comma)
                    || folded[i] == "cac"
                        && (phrase_in(&folded, i + 1, &["doan the"])
                            || phrase_in(&folded, i + 1, &["to chuc chinh tri", "to chuc xa hoi"]));
                // "Văn phòng, các Ban Đảng Tỉnh ủy": "các" and a capitalized unit head.
                let unit_head = w.is_capitalized() && ctx.gaz.match_head(&lower_from(i)).is_some()
                    || folded[i] == "cac"
                        && i > 0
                        && !ws[i - 1].is_number()
                        && crate::patterns::roman(ws[i - 1].text).is_none()
                        && ws.get(i + 1).is_some_and(|n| {
                            n.is_capitalized()
                                && text[w.end..n.start].trim().is_empty()
                                && ctx.gaz.match_head(&lower_from(i + 1)).is_some()
                        });
                let abbr_list = w.is_all_caps() && i > 0 && ws[i - 1].is_all_caps();
                // "các cơ quan Khoa giáo, Văn hóa - Xã hội": the sectors of a collective ("các
                // …"), not a list of blocs ("Khối thi đua Nội chính, Kinh tế …").
                let sector = w.is_capitalized()
                    && folded[..i].contains(&"cac")
                    && phrase_at(i, &words.sector);
                if !(after_comma && is_lower(w) || unit_head || abbr_list || sector) {
                    break;
                }
            }
            "-" => {
                let prev_lower = i > 0 && is_lower(&ws[i - 1]);
                let stop = is_lower(w) && ctx.gaz.match_stop(&lower_from(i)).is_some();
                if stop || !(w.is_capitalized() || w.is_all_caps() || w.is_number() || prev_lower) {
                    break;
                }
            }
            "(" => {
                let rest = text[w.end..].trim_start();
                if w.is_all_caps() && rest.starts_with(')') {
                    end = w.end + (text[w.end..].len() - rest.len()) + 1;
                    i += 1;
                    continue;
                }
                break;
            }
            _ => break,
        }
        if lowerish(w) {
            if folded[i] == "nam" && ws.get(i + 1).is_some_and(|n| n.is_number()) {
                break;
            }
            if folded[i] == "va" {
                // "và" joins name parts ("MTTQ và các tổ chức …"), not a new clause.
                let next_ok = ws.get(i + 1).is_some_and(|n| {
                    n.is_capitalized() || n.is_all_caps() || fold_str(n.text) == "cac"
                }) || words.after_comma.iter().any(|n| {
                    let n_words = n.split(' ').count();
                    let next = &folded[i + 1..];
                    joined_eq(&next[..n_words.min(next.len())], n)
                });
                if !next_ok {
                    break;
                }
            }
            // "tổ chức" is a noun after "các" and before "xã hội" / "chính trị" ("các tổ chức xã
            // hội, tổ chức xã hội nghề nghiệp"), not the verb "organize".
            let noun_use = folded[i] == "to"
                && (i > 0 && folded[i - 1] == "cac"
                    || folded.get(i + 1).is_some_and(|w| *w == "chuc")
                        && folded
                            .get(i + 2)
                            .is_some_and(|w| *w == "xa" || *w == "chinh"));
            if !noun_use && is_stop(i) {
                break;
            }
        }
        end = w.end;
        i += 1;
    }
    // Trailing connectors are not part of the name.
    let mut span = Span::new(start, end);
    loop {
        let t = &text[span.start..span.end];
        let Some(last_space) = t.rfind(' ') else {
            break;
        };
        let last = fold_str(&t[last_space + 1..]);
        // ("trực thuộc" is an adjective: "các đơn vị trường học trực thuộc".)
        let adjective = last == "thuoc"
            && t[..last_space]
                .rsplit(' ')
                .next()
                .is_some_and(|w| fold_str(w) == "truc");
        // "tại" (at) ends a name, "tải" (of "vận tải") does not.
        let at = last == "tai" && {
            let written = &t[last_space + 1..];
            written.is_ascii() || chars::to_lowercase(written) == "tại"
        };
        if (matches!(last.as_str(), "va" | "cac" | "cua" | "-" | "thuoc") || at) && !adjective {
            span.end = span.start + t[..last_space].trim_end().len();
        } else {
            break;
        }
    }
    let named = span.end > after || started;
    (span, named)
}

/// True when the folded words from `i` read one of the phrases of `list`.
fn phrase_in<S: AsRef<str>>(folded: &[&str], i: usize, list: &[S]) -> bool {
    list.iter().any(|n| {
        let n = n.as_ref();
        let n_words = n.split(' ').count();
        folded.len() >= i + n_words && joined_eq(&folded[i..i + n_words], n)
    })
}

/// True when `words` joined by single spaces read `phrase` (without joining them).
fn joined_eq(words: &[&str], phrase: &str) -> bool {
    let mut rest = phrase;
    for (k, w) in words.iter().enumerate() {
        if k > 0 {
            let Some(r) = rest.strip_prefix(' ') else {
                return false;
            };
            rest = r;
        }
        let Some(r) = rest.strip_prefix(w) else {
            return false;
        };
        rest = r;
    }
    rest.is_empty()
}

/// A number that counts blocs ("5 Khối thi đua"), not a year before a bloc's name ("… năm
/// 2023 Cụm thi đua số 3 …"): one to three digits.
pub fn is_count(word: &str) -> bool {
    (1..=3).contains(&word.len()) && word.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use crate::Pipeline;

    #[test]
    fn words_are_compared_as_joined() {
        use super::joined_eq;
        assert!(joined_eq(&["khu", "vuc"], "khu vuc"));
        assert!(joined_eq(&["vung"], "vung"));
        assert!(joined_eq(&[], ""));
        assert!(!joined_eq(&["khu"], "khu vuc"));
        assert!(!joined_eq(&["khu", "vuc"], "khu"));
        assert!(!joined_eq(&["khu", "vuc"], "khuvuc"));
        assert!(!joined_eq(&["khu", ""], "khu"));
        assert!(joined_eq(&["khu", ""], "khu "));
    }

    #[test]
    fn debug_name() {
        let p = Pipeline::builder().build().unwrap();
        let r = p.extract_text("t", "Khối thi đua các cơ quan đảng triển khai nhiệm vụ năm 2022\n\nChiều nay 6/12, Khối thi đua các cơ quan đảng tổ chức hội nghị tổng kết.");
        assert_eq!(
            r.bloc.name.as_deref(),
            Some("Khối thi đua các cơ quan đảng")
        );
    }
}
