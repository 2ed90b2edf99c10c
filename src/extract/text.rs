//! Sentences, words and offsets over the normalized text.

use crate::normalize::chars;

/// A byte range of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start >= self.end
    }
}

/// Words after which a period does not end a sentence ("TP. Hồ Chí Minh", "Đ/c.").
const NO_BREAK_BEFORE_DOT: [&str; 17] = [
    "tp", "tx", "tt", "h", "x", "q", "p", "ts", "ths", "gs", "pgs", "bs", "ks", "ls", "đ/c", "st",
    "mr",
];

/// Longest sentence (bytes). News sentences run to a few hundred characters; a page of one
/// endless line is cut into pieces of at most this size, so that per-sentence work and the
/// sentence quoted in each evidence entry stay small.
pub const MAX_SENTENCE_BYTES: usize = 8192;

/// Splits text into sentences: at line breaks, and after `.`, `!`, `?` or `…` followed by a
/// space and a capital letter, digit, quote or bracket. Spans exclude surrounding spaces. A
/// sentence longer than [`MAX_SENTENCE_BYTES`] is cut at a semicolon, comma or space.
pub fn sentences(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let push = |mut s: usize, e: usize, out: &mut Vec<Span>| {
        while s < e {
            let cut = if e - s > MAX_SENTENCE_BYTES {
                cut_point(text, s)
            } else {
                e
            };
            let seg = &text[s..cut];
            let lead = seg.len() - seg.trim_start().len();
            let trail = seg.len() - seg.trim_end().len();
            if lead + trail < seg.len() {
                out.push(Span::new(s + lead, cut - trail));
            }
            s = cut;
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // Most bytes can end no sentence: one table look-up each.
        if !MAY_END[usize::from(b)] {
            i += 1;
            continue;
        }
        if b == b'\n' {
            push(start, i, &mut out);
            start = i + 1;
        } else if matches!(b, b'.' | b'!' | b'?')
            || (b == 0xE2 && text.is_char_boundary(i) && text[i..].starts_with('…'))
        {
            let end_punct = if b == b'.' || b == b'!' || b == b'?' {
                i + 1
            } else {
                i + '…'.len_utf8()
            };
            // Let runs like "./." or "..." finish.
            let mut j = end_punct;
            while j < bytes.len() && matches!(bytes[j], b'.' | b'/' | b'!' | b'?') {
                j += 1;
            }
            if j < bytes.len()
                && bytes[j] == b' '
                && b == b'.'
                && (is_abbrev_before(text, i) || is_item_number_before(text, i))
            {
                i = j;
                continue;
            }
            if j < bytes.len() && bytes[j] == b' ' {
                let next = text[j + 1..].chars().next();
                if next.is_some_and(|c| {
                    chars::is_uppercase(c)
                        || c.is_ascii_digit()
                        || matches!(c, '"' | '(' | '[' | '-')
                }) {
                    push(start, j, &mut out);
                    start = j + 1;
                    i = j + 1;
                    continue;
                }
            }
            i = j;
            continue;
        }
        i += 1;
    }
    push(start, text.len(), &mut out);
    out
}

/// The bytes [`sentences`] stops at: a line break, `.`, `!`, `?`, and the first byte of `…`.
static MAY_END: [bool; 256] = {
    let mut t = [false; 256];
    t[b'\n' as usize] = true;
    t[b'.' as usize] = true;
    t[b'!' as usize] = true;
    t[b'?' as usize] = true;
    t[0xE2] = true;
    t
};

/// Where to cut an over-long sentence starting at `from`: after the last `;`, else `,`, else
/// space in the second half of the allowed length, else at a character boundary.
fn cut_point(text: &str, from: usize) -> usize {
    let mut end = from + MAX_SENTENCE_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    // The middle of the window may fall inside a multi-byte character too.
    let mut mid = from + MAX_SENTENCE_BYTES / 2;
    while !text.is_char_boundary(mid) {
        mid -= 1;
    }
    let window = &text[mid..end];
    [';', ',', ' ']
        .iter()
        .find_map(|&c| window.rfind(c))
        .map_or(end, |p| mid + p + 1)
}

fn is_abbrev_before(text: &str, dot: usize) -> bool {
    let before = &text[..dot];
    let word_start = before
        .rfind(|c: char| c.is_whitespace() || c == '(')
        .map_or(0, |p| p + 1);
    let word = chars::to_lowercase(&before[word_start..]);
    NO_BREAK_BEFORE_DOT.contains(&word.as_str())
}

/// True when the period at `dot` closes an inline item number: one or two digits after a
/// colon, comma or semicolon ("gồm: 1. Sở Y tế, 2. Sở Tư pháp").
fn is_item_number_before(text: &str, dot: usize) -> bool {
    let before = &text[..dot];
    let digits = before.len() - before.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if !(1..=2).contains(&digits) {
        return false;
    }
    let rest = before[..dot - digits].trim_end_matches(' ');
    rest.len() < dot - digits && rest.ends_with([':', ',', ';'])
}

/// Character offset of a byte offset.
pub fn char_offset(text: &str, byte: usize) -> usize {
    text[..byte].chars().count()
}

/// A word of the text: letters, digits and the joiners `& ' . /` inside a word
/// ("TT&TT", "M'Drắk", "TP.HCM", "Đ/c").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word<'a> {
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
}

impl Word<'_> {
    /// True when the word starts with an upper-case letter.
    pub fn is_capitalized(&self) -> bool {
        self.text.chars().next().is_some_and(chars::is_uppercase)
    }

    /// True when every letter is upper case and there are at least two ("UBND", "TT&TT").
    pub fn is_all_caps(&self) -> bool {
        all_caps_letters(self.text).is_some_and(|n| n >= 2)
    }

    /// True for digits only.
    pub fn is_number(&self) -> bool {
        !self.text.is_empty() && self.text.bytes().all(|b| b.is_ascii_digit())
    }
}

#[inline]
fn is_word_char(c: char) -> bool {
    chars::is_alphanumeric(c) || c == '&' || c == '\''
}

/// The next word at or after `from`, before `limit`.
pub fn next_word(text: &str, from: usize, limit: usize) -> Option<Word<'_>> {
    let hay = &text[from..limit];
    let (rel, _) = hay.char_indices().find(|&(_, c)| is_word_char(c))?;
    let start = from + rel;
    let mut end = start;
    let mut chars = text[start..limit].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_word_char(c) {
            end = start + i + c.len_utf8();
        } else if matches!(c, '.' | '/' | '-' | ',') {
            // Joiner inside a word only when a word character follows directly
            // ("TP.HCM", "Đ/c", "LĐ-TB&XH", "1-5", "VH,TT&DL"), not at a sentence end or
            // before a space.
            // A dot joins capitals to capitals ("TP.HCM"), digits to digits ("25.12") and
            // lower case to lower case ("baomoi.net"); "TP.Biên Hòa" and "H.Trảng Bom" are an
            // abbreviated place word and a name.
            let so_far = &text[start..end];
            let digits = !so_far.is_empty() && so_far.bytes().all(|b| b.is_ascii_digit());
            match chars.peek() {
                Some(&(at, n))
                    if is_word_char(n)
                        && match c {
                            '-' => is_all_caps_word(so_far) || (n.is_ascii_digit() && digits),
                            // "Sở VH,TT&DL": a comma inside a short abbreviation.
                            ',' => {
                                is_all_caps_word(so_far)
                                    && so_far.chars().count() <= 3
                                    && chars::is_uppercase(n)
                            }
                            '.' => {
                                let rest = &text[start + at..limit];
                                let next_len = rest
                                    .char_indices()
                                    .find(|&(_, ch)| !is_word_char(ch))
                                    .map_or(rest.len(), |(k, _)| k);
                                let next = &rest[..next_len];
                                if is_all_caps_word(so_far) {
                                    is_all_caps_word(next)
                                        || next.bytes().all(|b| b.is_ascii_digit())
                                } else {
                                    !chars::is_uppercase(n)
                                }
                            }
                            _ => true,
                        } => {}
                _ => break,
            }
        } else {
            break;
        }
    }
    // Trailing apostrophes are quotes, not part of the word.
    while end > start && text[..end].ends_with('\'') {
        end -= 1;
    }
    if end == start {
        return None;
    }
    Some(Word {
        start,
        end,
        text: &text[start..end],
    })
}

fn is_all_caps_word(s: &str) -> bool {
    all_caps_letters(s).is_some_and(|n| n >= 1)
}

/// The number of letters of `s` when every one is upper case, `None` otherwise.
fn all_caps_letters(s: &str) -> Option<usize> {
    let mut n = 0;
    for c in s.chars().filter(|&c| chars::is_alphabetic(c)) {
        if !chars::is_uppercase(c) {
            return None;
        }
        n += 1;
    }
    Some(n)
}

/// All words in `[from, limit)`.
pub fn words(text: &str, from: usize, limit: usize) -> Vec<Word<'_>> {
    first_words(text, from, limit, usize::MAX)
}

/// The first `max` words in `[from, limit)`. Readers that look at a bounded number of words
/// use it so that a mention in a sentence of a million words costs what it costs in a short
/// one (a page of one huge line has many mentions: tokenizing the whole rest of the
/// sentence for each was quadratic).
pub fn first_words(text: &str, from: usize, limit: usize, max: usize) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut pos = from;
    while out.len() < max
        && let Some(w) = next_word(text, pos, limit)
    {
        pos = w.end;
        out.push(w);
    }
    out
}

/// The text between two byte offsets, trimmed of spaces.
pub fn gap(text: &str, from: usize, to: usize) -> &str {
    if from >= to {
        ""
    } else {
        text[from..to].trim()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(t: &str) -> Vec<&str> {
        sentences(t).iter().map(|s| &t[s.start..s.end]).collect()
    }

    #[test]
    fn splits_sentences() {
        assert_eq!(
            split("Ngày 15/12, Khối họp. Tại hội nghị, các đơn vị bầu.\nTrần Tuyền"),
            vec![
                "Ngày 15/12, Khối họp.",
                "Tại hội nghị, các đơn vị bầu.",
                "Trần Tuyền"
            ]
        );
    }

    #[test]
    fn keeps_abbreviations_and_numbers() {
        assert_eq!(
            split("Tại TP. Hồ Chí Minh thu 46.000 tỷ. Xong."),
            vec!["Tại TP. Hồ Chí Minh thu 46.000 tỷ.", "Xong."]
        );
    }

    #[test]
    fn inline_item_numbers_do_not_end_sentences() {
        assert_eq!(
            split("Khối gồm: 1. Sở Y tế, 2. Sở Tư pháp. Năm 2023. Sở Y tế họp."),
            vec![
                "Khối gồm: 1. Sở Y tế, 2. Sở Tư pháp.",
                "Năm 2023.",
                "Sở Y tế họp."
            ]
        );
    }

    #[test]
    fn endless_sentences_are_cut() {
        let t = "Khối thi đua các cơ quan đảng, ".repeat(2000);
        let spans = sentences(&t);
        assert!(spans.len() > 1);
        for s in &spans {
            assert!(s.len() <= MAX_SENTENCE_BYTES);
            assert!(t[s.start..s.end].ends_with(','), "cut after a comma");
        }
        let one = "x".repeat(3 * MAX_SENTENCE_BYTES + 5);
        let spans = sentences(&one);
        assert_eq!(spans.len(), 4);
        assert_eq!(spans.iter().map(Span::len).sum::<usize>(), one.len());
    }

    #[test]
    fn words_keep_joiners() {
        let t = "Sở TT&TT, TP.HCM và huyện M'Drắk - LĐ-TB&XH.";
        let w: Vec<&str> = words(t, 0, t.len()).iter().map(|w| w.text).collect();
        assert_eq!(
            w,
            vec!["Sở", "TT&TT", "TP.HCM", "và", "huyện", "M'Drắk", "LĐ-TB&XH"]
        );
    }
}
