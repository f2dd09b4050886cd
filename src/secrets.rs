//! What a credential looks like: the patterns secret scanners know. The checker refuses every
//! string of a spec (and every file its configs read) that matches one, and the tests hold the
//! generated output to the same patterns, so nothing that looks like a credential reaches a
//! generated file.

use regex::{Regex, RegexSet};
use std::sync::LazyLock;

/// (what it is, pattern).
pub const PATTERNS: &[(&str, &str)] = &[
    (
        "an AWS access key",
        r"(?-u:\b)(AKIA|ASIA)[0-9A-Z]{16}(?-u:\b)",
    ),
    ("a private key", r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    (
        "a GitHub token",
        r"(?-u:\b)gh[pousr]_[A-Za-z0-9]{36}(?-u:\b)",
    ),
    ("a GitLab token", r"(?-u:\b)glpat-[A-Za-z0-9_-]{20}(?-u:\b)"),
    ("a Slack webhook", r"hooks\.slack\.com/services/T[A-Z0-9]+/"),
    ("a Slack token", r"(?-u:\b)xox[abpr]-[A-Za-z0-9-]{10,}"),
    (
        "a JSON web token",
        r"(?-u:\b)eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.",
    ),
    (
        "a password in a URL",
        r"[a-z][a-z0-9+.-]*://[^/\s:@$]*:[^/\s@${}]+@",
    ),
    (
        "a literal password",
        r#"(?i-u:password|passwd|secret|token|api[_-]?key)["']?\s*[:=]\s*["']?[A-Za-z0-9+/_-]{8,}"#,
    ),
];

static SET: LazyLock<RegexSet> =
    LazyLock::new(|| RegexSet::new(PATTERNS.iter().map(|p| p.1)).expect("patterns compile"));
static EACH: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    PATTERNS
        .iter()
        .map(|p| Regex::new(p.1).expect("patterns compile"))
        .collect()
});

/// The first credential-like text in `text`: what it looks like and the text itself.
pub fn find(text: &str) -> Option<(&'static str, &str)> {
    let i = SET.matches(text).iter().next()?;
    let m = EACH[i].find(text)?;
    Some((PATTERNS[i].0, m.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_pattern_finds_what_it_is_for() {
        for (text, what) in [
            ("key AKIAIOSFODNN7EXAMPLE", "an AWS access key"),
            ("-----BEGIN RSA PRIVATE KEY-----", "a private key"),
            ("ghp_0123456789abcdefghijABCDEFGHIJ012345", "a GitHub token"),
            ("glpat-0123456789abcdefghij", "a GitLab token"),
            (
                "https://hooks.slack.com/services/T000/B000/XXXX",
                "a Slack webhook",
            ),
            ("xoxb-0123456789-abc", "a Slack token"),
            ("postgres://app:hunter22@db:5432/app", "a password in a URL"),
            ("redis://:hunter22@redis:6379", "a password in a URL"),
            ("--password=s3cr3tpassw0rd", "a literal password"),
        ] {
            assert_eq!(find(text).map(|f| f.0), Some(what), "{text}");
        }
        for clean in [
            "postgres://app@db/app",
            "https://example.com/a:b",
            "redis://redis:6379",
            "--password-file=/run/x",
            "${DB_PASSWORD}",
        ] {
            assert_eq!(find(clean), None, "{clean}");
        }
    }
}
