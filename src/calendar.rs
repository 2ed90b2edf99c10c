//! The calendar check every date goes through: publication dates read from pages
//! ([`html`](crate::html)) and from the text, and meeting dates ([`extract`](crate::extract)).
//! The calendar is jiff's; how Vietnamese pages write dates ("ngày 17 tháng 7 năm 2020",
//! "17/07/2020", "chiều nay") stays in the rules and regexes that read them.

use jiff::civil::Date;
use std::ops::RangeInclusive;

/// The years a date in a report can fall in. News sites and the archives of them start in
/// the 1990s: an earlier date in a report is history ("30/4/1975"), neither when the page
/// was published nor when the meeting was held. Past 2100 is a typo ("2202").
pub const YEARS: RangeInclusive<i32> = 1990..=2100;

/// The day `d` of month `m` of year `y`, when the calendar has it and `y` is in [`YEARS`]
/// (not 29/2/2023, 31/4, 0/13).
pub fn date(y: i32, m: u32, d: u32) -> Option<Date> {
    if !YEARS.contains(&y) {
        return None;
    }
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_check_for_every_date() {
        assert!(date(2024, 2, 29).is_some());
        assert!(date(2000, 2, 29).is_some());
        assert_eq!(date(2023, 2, 29), None);
        assert_eq!(date(2100, 2, 29), None);
        assert_eq!(date(2023, 4, 31), None);
        assert_eq!(date(2023, 13, 1), None);
        assert_eq!(date(2023, 0, 1), None);
        assert_eq!(date(2023, 1, 0), None);
        assert_eq!(date(2023, 300, 1), None);
        // History in a report, not a date of the report.
        assert_eq!(date(1975, 4, 30), None);
        assert!(date(1990, 1, 1).is_some());
        assert!(date(2100, 12, 31).is_some());
        assert_eq!(date(2101, 1, 1), None);
    }
}
