//! Publication dates on pages, normalized to ISO 8601 (`2021-12-06`, `2021-12-06T15:57:15`,
//! `2021-11-01T10:52:50+01:00`), as precise as the page says.
//!
//! Two kinds of sources: machine dates (`<meta content>`, JSON-LD, `<time datetime>`) and
//! visible stamps ("Thứ 6, ngày 17/07/2020 | 03:44 PM (GMT +7)", "Ngày cập nhật: 06/12/2021
//! 15:57:15", "29/08/2019").

use crate::normalize::fold_str;
use jiff::fmt::rfc2822::DateTimeParser;
use regex::Regex;
use std::sync::LazyLock;

static MACHINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ]\s*(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?\s*(Z|[+-]\d{2}:?\d{2})?)?",
    )
    .unwrap()
});

static RFC2822: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(\d{1,2})\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?",
    )
    .unwrap()
});

/// Day, month, year as shown in Vietnamese pages: 17/07/2020, 31-12-2019, 12.05.2025,
/// "ngày 17 tháng 7 năm 2020", or year first (2020-07-17, 2018/6/19).
static VISIBLE_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:^|[^\d])(?:(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*[/.-]\s*(\d{4})|(\d{1,2})\s+tháng\s+(\d{1,2})\s*(?:năm|,)?\s*(\d{4})|(\d{4})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{1,2}))(?:[^\d]|$)",
    )
    .unwrap()
});

static VISIBLE_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:^|[^\d])(\d{1,2})\s*[:hg]\s*(\d{2})(?:\s*:\s*(\d{2}))?(?:\s*(am|pm|sa|ch)\b)?",
    )
    .unwrap()
});

/// Words that may stand on a stamp line beside the date and time (folded).
static STAMP_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:thu\s*(?:hai|ba|tu|nam|sau|bay|[2-7])|chu\s*nhat|cn|ngay\s*dang|ngay\s*cap\s*nhat|cap\s*nhat(?:\s*luc|\s*ngay)?|dang\s*luc|dang\s*ngay|dang\s*tai|xuat\s*ban|thoi\s*gian|luc|ngay|gio|gmt\s*[+-]?\s*\d*|utc\s*[+-]?\s*\d*|posted(?:\s*on)?|published(?:\s*on)?|updated(?:\s*on)?|last\s*updated|date|am|pm|sa|ch)\b",
    )
    .unwrap()
});

/// A calendar date with an optional time of day and UTC offset.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    y: i32,
    m: u32,
    d: u32,
    time: Option<(u32, u32, Option<u32>)>,
    offset: Option<String>,
}

impl Stamp {
    fn new(y: i32, m: u32, d: u32) -> Option<Stamp> {
        crate::calendar::date(y, m, d)?;
        Some(Stamp {
            y,
            m,
            d,
            time: None,
            offset: None,
        })
    }

    fn with_time(mut self, h: u32, mi: u32, s: Option<u32>) -> Stamp {
        let part = |n: u32| i8::try_from(n).unwrap_or(i8::MAX);
        if jiff::civil::Time::new(part(h), part(mi), part(s.unwrap_or(0)), 0).is_ok() {
            self.time = Some((h, mi, s));
        }
        self
    }

    fn iso(&self) -> String {
        let mut out = format!("{:04}-{:02}-{:02}", self.y, self.m, self.d);
        if let Some((h, mi, s)) = self.time {
            out.push_str(&format!("T{h:02}:{mi:02}"));
            if let Some(s) = s {
                out.push_str(&format!(":{s:02}"));
            }
            if let Some(o) = &self.offset {
                out.push_str(o);
            }
        }
        out
    }
}

fn num<T: std::str::FromStr>(m: Option<regex::Match>) -> Option<T> {
    m.and_then(|m| m.as_str().parse().ok())
}

/// A machine-readable date (`<meta content>`, JSON-LD, `<time datetime>`) in ISO 8601, or
/// `None` when it is not a date. Day-first forms ("06/12/2021 15:57") are read as shown on
/// Vietnamese pages.
pub fn from_machine(value: &str) -> Option<String> {
    if let Some(c) = MACHINE.captures(value) {
        let mut stamp = Stamp::new(num(c.get(1))?, num(c.get(2))?, num(c.get(3))?)?;
        if let (Some(h), Some(mi)) = (num(c.get(4)), num(c.get(5))) {
            stamp = stamp.with_time(h, mi, num(c.get(6)));
            if stamp.time.is_some() {
                stamp.offset = c.get(7).map(|o| offset(o.as_str()));
            }
        }
        return Some(stamp.iso());
    }
    if let Some(stamp) = rfc2822(value) {
        return Some(stamp.iso());
    }
    // Not a whole RFC 2822 date (no time, a month written out, other words around it):
    // read the date and time, without a zone.
    if let Some(c) = RFC2822.captures(value) {
        let month = [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ]
        .iter()
        .position(|m| c[2].eq_ignore_ascii_case(m))? as u32
            + 1;
        let mut stamp = Stamp::new(num(c.get(3))?, month, num(c.get(1))?)?;
        if let (Some(h), Some(mi)) = (num(c.get(4)), num(c.get(5))) {
            stamp = stamp.with_time(h, mi, num(c.get(6)));
        }
        return Some(stamp.iso());
    }
    visible(value).map(|(s, _)| s.iso())
}

/// A whole RFC 2822 date ("Thu, 02 Nov 2023 19:20:00 +0700", as in `<pubDate>` and some
/// `<meta>`), with its zone, read by jiff. A zone that RFC 2822 says tells nothing ("-0000",
/// military letters, unknown names, which jiff reads as UTC) is left out.
fn rfc2822(value: &str) -> Option<Stamp> {
    static PARSER: DateTimeParser = DateTimeParser::new().relaxed_weekday(true);
    static UTC: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)(?:\+0000|\b(?:gmt|utc?|z))\s*(?:\(.*\))?$").unwrap());
    let value = value.trim();
    let zoned = PARSER.parse_zoned_datetime(value).ok()?;
    let mut stamp = Stamp::new(
        zoned.year().into(),
        zoned.month().unsigned_abs().into(),
        zoned.day().unsigned_abs().into(),
    )?;
    let part = |n: i8| u32::from(n.unsigned_abs());
    stamp.time = Some((
        part(zoned.hour()),
        part(zoned.minute()),
        Some(part(zoned.second())),
    ));
    if zoned.offset() != jiff::tz::Offset::UTC || UTC.is_match(value) {
        stamp.offset = Some(zoned.strftime("%:z").to_string());
    }
    Some(stamp)
}

fn offset(o: &str) -> String {
    if o == "Z" {
        return "Z".into();
    }
    let digits: String = o[1..].chars().filter(|c| c.is_ascii_digit()).collect();
    format!("{}{}:{}", &o[..1], &digits[..2], &digits[2..])
}

/// The first date (with the nearest time on the same line) in visible text, and the byte
/// spans it used.
fn visible(text: &str) -> Option<(Stamp, Vec<(usize, usize)>)> {
    for c in VISIBLE_DATE.captures_iter(text) {
        let stamp = if c.get(1).is_some() {
            // A '.' separator with a 2-digit first part could be a time ("10.55"): the year
            // group makes this a date anyway.
            Stamp::new(num(c.get(4))?, num(c.get(3))?, num(c.get(1))?)
        } else if c.get(5).is_some() {
            Stamp::new(num(c.get(7))?, num(c.get(6))?, num(c.get(5))?)
        } else {
            Stamp::new(num(c.get(8))?, num(c.get(9))?, num(c.get(10))?)
        };
        let Some(mut stamp) = stamp else { continue };
        let whole = c.get(0).unwrap();
        let mut spans = vec![(whole.start(), whole.end())];
        let time = VISIBLE_TIME.captures_iter(text).find(|t| {
            let m = t.get(0).unwrap();
            m.end() <= whole.start() + 1 || m.start() + 1 >= whole.end()
        });
        if let Some(t) = time {
            let (h, mi): (u32, u32) = (num(t.get(1))?, num(t.get(2))?);
            let ampm = t.get(4).map(|a| a.as_str().to_ascii_lowercase());
            let h = match (ampm.as_deref(), h) {
                (Some("pm" | "ch"), h) if h < 12 => h + 12,
                (Some("am" | "sa"), 12) => 0,
                (_, h) => h,
            };
            stamp = stamp.with_time(h, mi, num(t.get(3)));
            if stamp.time.is_some() {
                let m = t.get(0).unwrap();
                spans.push((m.start(), m.end()));
            }
        }
        return Some((stamp, spans));
    }
    None
}

/// A publication stamp on a short visible line: the line must hold little besides the date,
/// the time and stamp words ("Ngày cập nhật:", "Thứ 6,", "(GMT +7)"), so that a sentence such
/// as "Ngày 26/12/2019, Khối thi đua …" (a meeting date) is not taken for one.
pub fn from_stamp_line(line: &str) -> Option<String> {
    let line = line.trim();
    if line.is_empty() || line.chars().count() > 100 {
        return None;
    }
    let (stamp, spans) = visible(line)?;
    let mut rest = String::with_capacity(line.len());
    let mut last = 0;
    let mut spans = spans;
    spans.sort();
    for (s, e) in spans {
        if s >= last {
            rest.push_str(&line[last..s]);
            rest.push(' ');
            last = e;
        }
    }
    rest.push_str(&line[last.min(line.len())..]);
    let folded = fold_str(&rest);
    let stripped = STAMP_WORDS.replace_all(&folded, " ");
    let letters = stripped.chars().filter(|c| c.is_alphanumeric()).count();
    (letters <= 24).then(|| stamp.iso())
}

/// Any date in the text of an element marked as a date holder (class "date", `itemprop`).
pub fn from_text(text: &str) -> Option<String> {
    visible(text).map(|(s, _)| s.iso())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machine_dates() {
        assert_eq!(
            from_machine("2021-11-01T10:52:50+0100").as_deref(),
            Some("2021-11-01T10:52:50+01:00")
        );
        assert_eq!(
            from_machine("2018-12-21T12:55:00Z").as_deref(),
            Some("2018-12-21T12:55:00Z")
        );
        assert_eq!(from_machine("2020-05-07").as_deref(), Some("2020-05-07"));
        assert_eq!(
            from_machine("2023-11-02T19:20:00.000+07:00").as_deref(),
            Some("2023-11-02T19:20:00+07:00")
        );
        assert_eq!(
            from_machine("Thu, 02 Nov 2023 19:20:00 +0700").as_deref(),
            Some("2023-11-02T19:20:00+07:00")
        );
        assert_eq!(from_machine("2021-11-01T24:00"), Some("2021-11-01".into()));
        assert_eq!(
            from_machine("06/12/2021 15:57:15").as_deref(),
            Some("2021-12-06T15:57:15")
        );
        assert_eq!(from_machine("2021-13-01"), None);
        assert_eq!(from_machine("hôm nay"), None);
    }

    #[test]
    fn rfc2822_dates_keep_their_zone() {
        let cases = [
            // The zone was dropped before jiff read these.
            (
                "Thu, 02 Nov 2023 19:20:00 +0700",
                "2023-11-02T19:20:00+07:00",
            ),
            ("Thu, 29 Feb 2024 05:34 -0500", "2024-02-29T05:34:00-05:00"),
            ("Mon, 06 Dec 2021 08:57:15 GMT", "2021-12-06T08:57:15+00:00"),
            (
                "Mon, 06 Dec 2021 08:57:15 +0000 (UTC)",
                "2021-12-06T08:57:15+00:00",
            ),
            ("6 Dec 2021 15:57:15 EST", "2021-12-06T15:57:15-05:00"),
            // A weekday that does not fit the date: the date still reads.
            (
                "Fri, 02 Nov 2023 19:20:00 +0700",
                "2023-11-02T19:20:00+07:00",
            ),
            // Zones that tell nothing (RFC 2822 section 4.3).
            ("Thu, 02 Nov 2023 19:20:00 -0000", "2023-11-02T19:20:00"),
            ("Thu, 02 Nov 2023 19:20:00 ICT", "2023-11-02T19:20:00"),
            // Not whole RFC 2822 dates: read as before, without a zone.
            ("5 March 2021", "2021-03-05"),
            ("Posted 02 Nov 2023 19:20", "2023-11-02T19:20"),
        ];
        for (value, want) in cases {
            assert_eq!(from_machine(value).as_deref(), Some(want), "{value}");
        }
        assert_eq!(from_machine("Thu, 30 Apr 1975 11:30:00 +0700"), None);
        assert_eq!(from_machine("Thu, 30 Feb 2023 11:30:00 +0700"), None);
    }

    #[test]
    fn stamp_lines() {
        let cases = [
            (
                "Thứ 6, ngày 17/07/2020 | 03:44 PM (GMT +7)",
                "2020-07-17T15:44",
            ),
            ("Ngày cập nhật: 06/12/2021 15:57:15", "2021-12-06T15:57:15"),
            ("29/08/2019", "2019-08-29"),
            ("11:20, Thứ Ba, 31-12-2019", "2019-12-31T11:20"),
            ("23:07 - 26/01/2024", "2024-01-26T23:07"),
            ("( Cập nhật lúc: 11/01/2021  )", "2021-01-11"),
            ("Cập nhật lúc: 20:11 23/11/2017", "2017-11-23T20:11"),
            ("20/11/2019 - 12:58", "2019-11-20T12:58"),
            ("Thứ năm, 2/11/2023, 19:20 (GMT+7)", "2023-11-02T19:20"),
            ("12.05.2025 | 11:26 AM", "2025-05-12T11:26"),
            ("Thứ Hai, ngày 17 tháng 7 năm 2020", "2020-07-17"),
            ("Phương Thuận | 17/07/2020 15h30", "2020-07-17T15:30"),
            ("2018/6/19 5:50", "2018-06-19T05:50"),
        ];
        for (line, want) in cases {
            assert_eq!(from_stamp_line(line).as_deref(), Some(want), "{line}");
        }
    }

    #[test]
    fn sentences_are_not_stamps() {
        for line in [
            "Ngày 26/12/2019, Khối thi đua các Ban, Chi cục thuộc Sở gồm 13 đơn vị tổ chức hội nghị.",
            "Đối thoại giữa người lao động với lãnh đạo Công ty (27/5/2022)",
            "Khối thi đua các cơ quan đảng triển khai nhiệm vụ năm 2022",
        ] {
            assert_eq!(from_stamp_line(line), None, "{line}");
        }
    }
}
