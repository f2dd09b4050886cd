//! Durations as the spec writes them for deploys, rollouts and jobs: a whole number and `s`,
//! `m` or `h` (`90s`, `10m`, `1h`).

/// The duration in seconds, or None when `s` is not one.
pub fn seconds(s: &str) -> Option<u64> {
    let unit = s.chars().last()?;
    let factor = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        _ => return None,
    };
    let digits = &s[..s.len() - 1];
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u64>().ok()?.checked_mul(factor)
}

#[cfg(test)]
mod tests {
    use super::seconds;

    #[test]
    fn durations() {
        assert_eq!(seconds("90s"), Some(90));
        assert_eq!(seconds("10m"), Some(600));
        assert_eq!(seconds("2h"), Some(7200));
        for bad in [
            "",
            "m",
            "10",
            "1.5m",
            "-1m",
            "10 m",
            "5d",
            "99999999999999999999s",
        ] {
            assert_eq!(seconds(bad), None, "{bad}");
        }
    }
}
