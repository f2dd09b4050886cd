//! Dates: when waivers end. Today is the UTC date, or `STOWAGE_TODAY` (`YYYY-MM-DD`) so that a
//! pipeline or a test can fix it; [`fix_today`] does the same for code that calls the library.

use jiff::civil::Date;
use std::sync::RwLock;

/// Days before its end date from which a waiver is reported as ending.
pub const WARNING_DAYS: i32 = 14;

static FIXED: RwLock<Option<Date>> = RwLock::new(None);

/// Take `date` as today from now on (in this process).
pub fn fix_today(date: Date) {
    *FIXED.write().unwrap_or_else(|e| e.into_inner()) = Some(date);
}

/// A `YYYY-MM-DD` date that exists.
pub fn parse(text: &str) -> Option<Date> {
    let shaped = text.len() == 10
        && text.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    shaped.then(|| text.parse().ok()).flatten()
}

/// Today: fixed, else `STOWAGE_TODAY`, else the UTC date of the clock.
pub fn today() -> Date {
    if let Some(d) = *FIXED.read().unwrap_or_else(|e| e.into_inner()) {
        return d;
    }
    if let Some(d) = std::env::var("STOWAGE_TODAY")
        .ok()
        .as_deref()
        .and_then(parse)
    {
        return d;
    }
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

/// Days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i32 {
    (to - from).get_days()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_strictly() {
        assert_eq!(parse("2027-03-01"), Some(jiff::civil::date(2027, 3, 1)));
        for bad in [
            "2027-02-30",
            "2027-3-1",
            "27-03-01",
            "2027/03/01",
            "2027-03-01T00:00",
            "",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        let (a, b) = (
            jiff::civil::date(2026, 12, 31),
            jiff::civil::date(2027, 3, 1),
        );
        assert_eq!(days_between(a, b), 60);
        assert_eq!(days_between(b, a), -60);
    }
}
