//! Value formats Kubernetes insists on: names, quantities, cron schedules, percentages.

use crate::diagnostic::show_char as shown;

/// DNS-1123 label: lower-case alphanumerics and '-', starting and ending alphanumeric, <= 63.
pub fn dns_label(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("it is empty".into());
    }
    if s.len() > 63 {
        return Err(format!(
            "it is {} characters long; the limit is 63",
            s.len()
        ));
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(format!(
            "it contains {}; only lower-case letters, digits and '-' are allowed",
            shown(c)
        ));
    }
    if s.starts_with('-') || s.ends_with('-') {
        return Err("it must start and end with a letter or digit".into());
    }
    Ok(())
}

/// DNS-1035 label (Service names): a DNS-1123 label that starts with a letter.
pub fn dns1035_label(s: &str) -> Result<(), String> {
    dns_label(s)?;
    if !s.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err("it must start with a letter".into());
    }
    Ok(())
}

/// DNS-1123 subdomain: dot-separated labels, <= 253 characters.
pub fn dns_subdomain(s: &str) -> Result<(), String> {
    if s.len() > 253 {
        return Err(format!(
            "it is {} characters long; the limit is 253",
            s.len()
        ));
    }
    for part in s.split('.') {
        dns_label(part)?;
    }
    Ok(())
}

/// IANA service name (container port names): <= 15 chars, lower-case alphanumerics and '-',
/// at least one letter, no leading, trailing or double '-'.
pub fn port_name(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("it is empty".into());
    }
    if s.len() > 15 {
        return Err(format!(
            "it is {} characters long; the limit is 15",
            s.len()
        ));
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(format!(
            "it contains {}; only lower-case letters, digits and '-' are allowed",
            shown(c)
        ));
    }
    if s.starts_with('-') || s.ends_with('-') || s.contains("--") {
        return Err("'-' may not start or end it, nor appear twice in a row".into());
    }
    if !s.chars().any(|c| c.is_ascii_lowercase()) {
        return Err("it needs at least one letter".into());
    }
    Ok(())
}

/// Environment variable names Kubernetes accepts (C identifiers plus '.' and '-').
pub fn env_name(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("it is empty".into());
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        return Err("it may not start with a digit".into());
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
    {
        return Err(format!("it contains {}", shown(c)));
    }
    Ok(())
}

/// Label or annotation key: optional DNS subdomain prefix and '/', then a name of <= 63
/// alphanumerics, '-', '_' or '.', starting and ending alphanumeric.
pub fn qualified_name(s: &str) -> Result<(), String> {
    let name = match s.rsplit_once('/') {
        Some((prefix, name)) => {
            dns_subdomain(prefix).map_err(|e| format!("its prefix is not a DNS subdomain: {e}"))?;
            name
        }
        None => s,
    };
    label_value(name)?;
    if name.is_empty() {
        return Err("its name part is empty".into());
    }
    Ok(())
}

/// Label value: <= 63 characters, alphanumerics, '-', '_', '.', starting and ending
/// alphanumeric (or empty).
/// Whether a plain YAML scalar `s` would be read as something other than a string by Go's YAML
/// libraries (kustomize's among them): null, a boolean, a number in any of YAML 1.1's and 1.2's
/// forms (`12`, `0755`, `0x1F`, `0b101`, `1_000`, `1e3`, `.5`, `.inf`), or a date.
pub fn yaml_reads_as_non_string(s: &str) -> bool {
    if matches!(
        s,
        "" | "~"
            | "null"
            | "Null"
            | "NULL"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
    ) {
        return true;
    }
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let lower = unsigned.to_ascii_lowercase();
    if matches!(lower.as_str(), ".inf" | ".nan") {
        return true;
    }
    let digits =
        |t: &str, ok: fn(char) -> bool| !t.is_empty() && t.chars().all(|c| ok(c) || c == '_');
    if let Some(h) = lower.strip_prefix("0x") {
        return digits(h, |c| c.is_ascii_hexdigit());
    }
    if let Some(b) = lower.strip_prefix("0b") {
        return digits(b, |c| c == '0' || c == '1');
    }
    if let Some(o) = lower.strip_prefix("0o") {
        return digits(o, |c| ('0'..='7').contains(&c));
    }
    // A date: YYYY-MM-DD...
    let b = s.as_bytes();
    if b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' {
        return true;
    }
    // Decimal integers and floats: digits, one `.`, an exponent.
    let (mantissa, exponent) = match lower.split_once('e') {
        Some((m, e)) => (m, Some(e)),
        None => (lower.as_str(), None),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let int_ok = int.chars().all(|c| c.is_ascii_digit() || c == '_');
    let frac_ok = frac.is_none_or(|f| f.chars().all(|c| c.is_ascii_digit() || c == '_'));
    let some_digit = int
        .chars()
        .chain(frac.unwrap_or("").chars())
        .any(|c| c.is_ascii_digit());
    int_ok && frac_ok && exponent_ok && some_digit
}

pub fn label_value(s: &str) -> Result<(), String> {
    if s.len() > 63 {
        return Err(format!(
            "it is {} characters long; the limit is 63",
            s.len()
        ));
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(format!("it contains {}", shown(c)));
    }
    if !s.is_empty()
        && (!s.starts_with(|c: char| c.is_ascii_alphanumeric())
            || !s.ends_with(|c: char| c.is_ascii_alphanumeric()))
    {
        return Err("it must start and end with a letter or digit".into());
    }
    Ok(())
}

/// What a resource quantity measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantityKind {
    Cpu,
    Bytes,
}

/// Check a Kubernetes quantity, with a suggestion for the usual mistakes (`500mi`, `512m` of
/// memory, `1Gi` of CPU).
pub fn quantity(s: &str, kind: QuantityKind) -> Result<(), (String, Option<String>)> {
    let digits_end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, suffix) = s.split_at(digits_end);
    if number.is_empty() || number.matches('.').count() > 1 || number == "." {
        return Err((
            format!("`{s}` is not a quantity: it must start with a number"),
            None,
        ));
    }
    const DECIMAL: &[&str] = &["", "m", "k", "M", "G", "T", "P", "E"];
    const BINARY: &[&str] = &["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
    let exponent = suffix.starts_with(['e', 'E'])
        && suffix[1..]
            .trim_start_matches(['+', '-'])
            .parse::<u32>()
            .is_ok();
    if !(DECIMAL.contains(&suffix) || BINARY.contains(&suffix) || exponent) {
        let fixed = BINARY
            .iter()
            .chain(DECIMAL.iter())
            .find(|b| !b.is_empty() && b.eq_ignore_ascii_case(suffix))
            .map(|b| format!("{number}{b}"));
        return Err((
            format!("`{s}` is not a quantity: unknown suffix `{suffix}`"),
            fixed,
        ));
    }
    match kind {
        QuantityKind::Bytes if suffix == "m" => Err((
            format!("`{s}` of memory means {number} thousandths of a byte"),
            Some(format!("{number}Mi")),
        )),
        // No guess: `1Gi` may mean one core, or a memory value put under cpu=.
        QuantityKind::Cpu if BINARY.contains(&suffix) => {
            Err((format!("`{s}` is a byte size, not an amount of CPU"), None))
        }
        _ => Ok(()),
    }
}

/// Value of a quantity in base units (cores or bytes), for comparisons.
pub fn quantity_value(s: &str) -> Option<f64> {
    let digits_end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, suffix) = s.split_at(digits_end);
    let n: f64 = number.parse().ok()?;
    let mult = match suffix {
        "" => 1.0,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        e if e.starts_with(['e', 'E']) => 10f64.powi(e[1..].parse().ok()?),
        _ => return None,
    };
    Some(n * mult)
}

/// Check a five-field cron schedule (or one of the @macros Kubernetes accepts).
pub fn cron(s: &str) -> Result<(), String> {
    const MACROS: &[&str] = &[
        "@yearly",
        "@annually",
        "@monthly",
        "@weekly",
        "@daily",
        "@midnight",
        "@hourly",
    ];
    if s.starts_with('@') {
        return if MACROS.contains(&s) {
            Ok(())
        } else {
            Err(format!("`{s}` is not a schedule macro"))
        };
    }
    let fields: Vec<&str> = s.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "a schedule has 5 fields (minute hour day-of-month month day-of-week), this one has {}",
            fields.len()
        ));
    }
    const NAMES: [&str; 5] = ["minute", "hour", "day of month", "month", "day of week"];
    const RANGES: [(u32, u32); 5] = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)];
    const MONTHS: &[&str] = &[
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ];
    const DAYS: &[&str] = &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    for (i, field) in fields.iter().enumerate() {
        let (lo, hi) = RANGES[i];
        for part in field.split(',') {
            let (range, step) = match part.split_once('/') {
                Some((r, s)) => (r, Some(s)),
                None => (part, None),
            };
            if let Some(step) = step
                && step.parse::<u32>().map(|n| n == 0).unwrap_or(true)
            {
                return Err(format!("the {} field has a bad step `{step}`", NAMES[i]));
            }
            if range == "*" || (range == "?" && (i == 2 || i == 4)) {
                continue;
            }
            for bound in range.split('-') {
                let ok = match bound.parse::<u32>() {
                    Ok(n) => n >= lo && n <= hi,
                    Err(_) => {
                        let up = bound.to_ascii_uppercase();
                        (i == 3 && MONTHS.contains(&up.as_str()))
                            || (i == 4 && DAYS.contains(&up.as_str()))
                    }
                };
                if !ok {
                    return Err(format!("`{bound}` is not a valid {} ({lo}-{hi})", NAMES[i]));
                }
            }
        }
    }
    Ok(())
}

/// Names of environment variables that hold secrets when given a literal value.
pub fn looks_secret_name(name: &str) -> bool {
    let up = name.to_ascii_uppercase();
    [
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "TOKEN",
        "API_KEY",
        "APIKEY",
        "PRIVATE_KEY",
        "ACCESS_KEY",
        "CREDENTIAL",
    ]
    .iter()
    .any(|w| up.contains(w))
}

/// A duration as rollouts and deploys take it: a whole number and `s`, `m` or `h` (`5m`).
pub fn duration(s: &str) -> bool {
    crate::duration::seconds(s).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert!(quantity("500m", QuantityKind::Cpu).is_ok());
        assert!(quantity("2", QuantityKind::Cpu).is_ok());
        assert!(quantity("512Mi", QuantityKind::Bytes).is_ok());
        assert_eq!(
            quantity("500mi", QuantityKind::Bytes)
                .unwrap_err()
                .1
                .as_deref(),
            Some("500Mi")
        );
        assert_eq!(
            quantity("512m", QuantityKind::Bytes)
                .unwrap_err()
                .1
                .as_deref(),
            Some("512Mi")
        );
        assert!(quantity("1Gi", QuantityKind::Cpu).is_err());
        assert!(quantity("abc", QuantityKind::Cpu).is_err());
        assert_eq!(quantity_value("1Gi"), Some(1073741824.0));
        assert_eq!(quantity_value("250m"), Some(0.25));
    }

    #[test]
    fn cron_schedules() {
        assert!(cron("0 2 * * *").is_ok());
        assert!(cron("*/15 0-6 1,15 JAN-JUN MON-FRI").is_ok());
        assert!(cron("@daily").is_ok());
        assert!(cron("0 2 * *").is_err());
        assert!(cron("61 * * * *").is_err());
        assert!(cron("*/0 * * * *").is_err());
    }

    #[test]
    fn what_yaml_reads_as_a_number_boolean_or_null() {
        // Measured against kustomize 5.5's labels transformer (tests/ci and the generator).
        for non in [
            "12",
            "0755",
            "0x1F",
            "0b101",
            "0o17",
            "1_000",
            "1e3",
            "1.",
            ".5",
            "1_0.5",
            "null",
            "Null",
            "TRUE",
            "true",
            "~",
            ".inf",
            "2001-12-14",
            "1.0",
        ] {
            assert!(yaml_reads_as_non_string(non), "{non}");
        }
        for s in [
            "yes", "on", "off", "y", "1e", "0x", "1:20", "0.1.2", "1-2", "v1", "team", "a1",
        ] {
            assert!(!yaml_reads_as_non_string(s), "{s}");
        }
    }

    #[test]
    fn names() {
        assert!(dns_label("api").is_ok());
        assert!(dns_label("Api").is_err());
        assert!(dns_label("-api").is_err());
        assert!(dns_label(&"a".repeat(64)).is_err());
        assert!(port_name("http-metrics").is_ok());
        assert!(port_name("very-long-port-name").is_err());
        assert!(port_name("8080").is_err());
        assert!(env_name("NODE_ENV").is_ok());
        assert!(env_name("1X").is_err());
        assert!(qualified_name("app.kubernetes.io/name").is_ok());
        assert!(qualified_name("bad key").is_err());
    }

    #[test]
    fn secrets_in_values() {
        assert!(looks_secret_name("JWT_SECRET"));
        assert!(looks_secret_name("database_password"));
        assert!(!looks_secret_name("NODE_ENV"));
    }
}
