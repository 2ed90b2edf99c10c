//! Dates: the meeting date, with day/month expressions resolved against the publication date
//! or the years the text talks about (never against today's date).

use super::text::Span;
use super::{Ctx, Found, Hit};
use crate::record::{Meeting, MeetingType};

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ymd {
    pub y: i32,
    pub m: u32,
    pub d: u32,
}

impl Ymd {
    /// A valid date or `None` (31/2, 0/13 …, a year out of [`crate::calendar::YEARS`]).
    pub fn new(y: i32, m: u32, d: u32) -> Option<Ymd> {
        crate::calendar::date(y, m, d)?;
        Some(Ymd { y, m, d })
    }

    /// Parses the date at the start of an ISO 8601 string ("2021-12-06T15:57:15").
    pub fn parse_iso_prefix(s: &str) -> Option<Ymd> {
        let date: jiff::civil::Date = s.trim().get(0..10)?.parse().ok()?;
        let part = |n: i8| u32::from(n.unsigned_abs());
        Ymd::new(date.year().into(), part(date.month()), part(date.day()))
    }

    /// The day before ("chiều qua" in a text published on this day).
    pub fn yesterday(&self) -> Option<Ymd> {
        let day = crate::calendar::date(self.y, self.m, self.d)?
            .yesterday()
            .ok()?;
        let part = |n: i8| u32::from(n.unsigned_abs());
        Ymd::new(day.year().into(), part(day.month()), part(day.day()))
    }

    /// ISO 8601 `YYYY-MM-DD`.
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

/// A date expression as written: day and month, maybe a year; `today` for "chiều nay" without
/// numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateExpr {
    pub d: Option<u32>,
    pub m: Option<u32>,
    pub y: Option<i32>,
    /// "nay", "hôm nay": the publication day when no numbers are given.
    pub today: bool,
    /// "hôm qua", "chiều qua": the day before publication when no numbers are given.
    pub yesterday: bool,
}

fn num<T: std::str::FromStr>(ctx: &Ctx, hit: &Hit, slot: &str) -> Option<T> {
    hit.slot(slot).and_then(|s| ctx.s(s).trim().parse().ok())
}

/// Reads a date expression from a rule hit with slots `d`, `m`, `y` and `today`.
pub fn expr_of(ctx: &Ctx, hit: &Hit) -> Option<DateExpr> {
    let e = DateExpr {
        d: num(ctx, hit, "d"),
        m: num(ctx, hit, "m"),
        y: num(ctx, hit, "y"),
        today: hit.slot("today").is_some(),
        yesterday: hit.slot("yesterday").is_some(),
    };
    (e.d.is_some() && e.m.is_some() || e.today || e.yesterday).then_some(e)
}

/// Resolves a date expression. Without a year: the publication date's year (the year before
/// when the day would fall after publication), else the years the meeting is about.
pub fn resolve(e: &DateExpr, published: Option<Ymd>, meeting: &Meeting) -> Option<Ymd> {
    if let (Some(d), Some(m), Some(y)) = (e.d, e.m, e.y) {
        return Ymd::new(y, m, d);
    }
    let (d, m) = match (e.d, e.m) {
        (Some(d), Some(m)) => (d, m),
        _ if e.today => return published,
        _ if e.yesterday => return published?.yesterday(),
        _ => return None,
    };
    let from_meeting = year_from_meeting(m, meeting);
    if let Some(p) = published {
        let same_year = Ymd::new(p.y, m, d)?;
        let by_stamp = if same_year > p {
            Ymd::new(p.y - 1, m, d)?
        } else {
            same_year
        };
        // A stamp two years or more from the years the meeting reviews and plans is not when
        // it was reported (a page updated or moved later: "22/10/2021" over a meeting that
        // reviews 2017 and launches 2018): the meeting's own years date it.
        return match from_meeting {
            Some(y) if (by_stamp.y - y).abs() >= 2 => Ymd::new(y, m, d),
            _ => Some(by_stamp),
        };
    }
    Ymd::new(from_meeting?, m, d)
}

/// The year of a meeting held in month `m`, from the years it reviews and plans: a year-end
/// review of year R is held from October of R to about June of R+1; a launch of year P from
/// about October of P-1 to June of P; an interim review of year R is held in R.
fn year_from_meeting(m: u32, meeting: &Meeting) -> Option<i32> {
    let interim = meeting.types.contains(&MeetingType::SoKet);
    match (meeting.review_year, meeting.plan_year) {
        (Some(r), _) if interim => Some(r),
        (Some(r), Some(p)) if p == r + 1 => Some(if m >= 7 { r } else { p }),
        (Some(r), _) => Some(if m >= 7 { r } else { r + 1 }),
        (None, Some(p)) => Some(if m >= 10 { p - 1 } else { p }),
        (None, None) => None,
    }
}

/// The meeting date: the first date expression found by a `meeting.date` rule outside the
/// publication stamps, resolved.
pub fn meeting_date(ctx: &mut Ctx, meeting: &Meeting, stamps: &[Span]) -> Option<String> {
    let mut found: Vec<Found<Ymd>> = Vec::new();
    for hit in ctx.hits("meeting.date").iter() {
        // (The day decides: "2025-10-22 Ngày 22-10, …" reads a lead date after the stamp.)
        let day = hit.slot("d").unwrap_or(hit.span());
        if stamps.iter().any(|s| s.contains(day) || day.contains(*s)) {
            continue;
        }
        let Some(expr) = expr_of(ctx, hit) else {
            continue;
        };
        let Some(date) = resolve(&expr, ctx.published, meeting) else {
            continue;
        };
        found.push(Found {
            value: date,
            span: hit.span(),
            sentence: ctx.sentences[hit.sentence],
            rule: hit.rule.id.clone(),
            priority: hit.rule.priority,
        });
    }
    // The first date in reading order; priority only breaks ties at the same place.
    let first = found
        .iter()
        .min_by(|a, b| {
            a.span
                .start
                .cmp(&b.span.start)
                .then(b.priority.cmp(&a.priority))
        })?
        .clone();
    ctx.evidence_for("meeting.date", &first);
    Some(first.value.iso())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(types: &[MeetingType], r: Option<i32>, p: Option<i32>) -> Meeting {
        Meeting {
            types: types.to_vec(),
            review_year: r,
            plan_year: p,
            ..Meeting::default()
        }
    }

    fn dm(d: u32, mo: u32) -> DateExpr {
        DateExpr {
            d: Some(d),
            m: Some(mo),
            y: None,
            today: false,
            yesterday: false,
        }
    }

    #[test]
    fn resolves_against_publication() {
        let p = Ymd::new(2021, 1, 11);
        assert_eq!(
            resolve(&dm(8, 1), p, &Meeting::default()),
            Ymd::new(2021, 1, 8)
        );
        assert_eq!(
            resolve(&dm(28, 12), p, &Meeting::default()),
            Ymd::new(2020, 12, 28)
        );
    }

    #[test]
    fn a_stamp_years_away_from_the_meetings_years_yields_to_them() {
        use MeetingType::*;
        let meeting = m(&[TongKet, TrienKhai], Some(2017), Some(2018));
        // A page stamped 22/10/2021 over a review of 2017 and a launch of 2018.
        assert_eq!(
            resolve(&dm(20, 3), Ymd::new(2021, 10, 22), &meeting),
            Ymd::new(2018, 3, 20)
        );
        // A year away: the stamp still dates it.
        assert_eq!(
            resolve(&dm(20, 3), Ymd::new(2019, 4, 2), &meeting),
            Ymd::new(2019, 3, 20)
        );
    }

    #[test]
    fn resolves_against_reviewed_year() {
        use MeetingType::*;
        assert_eq!(
            resolve(&dm(15, 12), None, &m(&[TongKet], Some(2022), Some(2023))),
            Ymd::new(2022, 12, 15)
        );
        assert_eq!(
            resolve(&dm(17, 1), None, &m(&[TongKet], Some(2023), None)),
            Ymd::new(2024, 1, 17)
        );
        assert_eq!(
            resolve(&dm(10, 4), None, &m(&[TongKet], Some(2023), Some(2024))),
            Ymd::new(2024, 4, 10)
        );
        assert_eq!(
            resolve(&dm(11, 4), None, &m(&[KyKet], None, Some(2023))),
            Ymd::new(2023, 4, 11)
        );
        assert_eq!(
            resolve(&dm(28, 8), None, &m(&[SoKet], Some(2019), Some(2019))),
            Ymd::new(2019, 8, 28)
        );
        assert_eq!(resolve(&dm(28, 8), None, &Meeting::default()), None);
    }

    #[test]
    fn rejects_impossible_dates() {
        assert_eq!(Ymd::new(2023, 2, 29), None);
        assert_eq!(Ymd::new(1975, 4, 30), None);
        assert_eq!(
            Ymd::parse_iso_prefix("2021-12-06T15:57:15+07:00"),
            Ymd::new(2021, 12, 6)
        );
        assert_eq!(Ymd::parse_iso_prefix("2021-02-30"), None);
        assert_eq!(Ymd::parse_iso_prefix("2021-12"), None);
        assert_eq!(Ymd::parse_iso_prefix("06/12/2021"), None);
        assert_eq!(
            Ymd::new(2024, 2, 29).map(|d| d.iso()),
            Some("2024-02-29".into())
        );
    }
}
