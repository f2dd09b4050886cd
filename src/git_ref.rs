//! Branch and tag names, and patterns of them, as a pipeline's triggers use them.
//!
//! A [`RefPattern`] is a name that git accepts (`git check-ref-format`), from a safe alphabet
//! (letters, digits, `.`, `_`, `-`, `+`, `/`), in which `*` stands for any run of characters,
//! `/` included. Its meaning is [`RefPattern::matches`]; every CI condition stowage writes is
//! derived from the parsed pattern (a GitLab regular expression, GitHub filters and
//! conditions), never from the text as written, so no quote or expression in a spec can reach
//! a pipeline's logic.

/// A validated branch or tag name, possibly with `*`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RefPattern(String);

impl std::fmt::Display for RefPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl RefPattern {
    /// Parse a branch or tag name or pattern. The error says what is wrong with it.
    pub fn parse(s: &str) -> Result<RefPattern, String> {
        if s.is_empty() {
            return Err("the name is empty".into());
        }
        if let Some(c) = s
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || "._-+/*".contains(*c)))
        {
            return Err(format!(
                "{} cannot be part of a branch or tag name here (use letters, digits, `.`, `_`, `-`, `+`, `/`, and `*` for any characters)",
                crate::diagnostic::show_char(c)
            ));
        }
        if s.contains("**") {
            return Err("write one `*`: it matches any characters, `/` included".into());
        }
        if s.starts_with('/') || s.ends_with('/') || s.contains("//") {
            return Err("a name cannot start or end with `/` or hold `//`".into());
        }
        if s.starts_with('-') {
            return Err("a name cannot start with `-`".into());
        }
        for part in s.split('/') {
            if part.starts_with('.') {
                return Err("no part of a name (between `/`) may start with `.`".into());
            }
            if part.ends_with(".lock") {
                return Err("no part of a name may end with `.lock`".into());
            }
        }
        if s.contains("..") {
            return Err("a name cannot hold `..`".into());
        }
        if s.ends_with('.') {
            return Err("a name cannot end with `.`".into());
        }
        Ok(RefPattern(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the pattern has no `*`.
    pub fn is_literal(&self) -> bool {
        !self.0.contains('*')
    }

    /// The literal start of a pattern whose only `*` is its last character.
    pub fn prefix(&self) -> Option<&str> {
        let p = self.0.strip_suffix('*')?;
        (!p.contains('*')).then_some(p)
    }

    /// Whether `name` (a branch or tag name, without `refs/heads/` or `refs/tags/`) matches.
    pub fn matches(&self, name: &str) -> bool {
        glob_match(self.0.as_bytes(), name.as_bytes())
    }

    /// An anchored regular expression (RE2, POSIX ERE and JavaScript agree on it) for the
    /// pattern, with `prefix` (`refs/tags/`, or empty) before it. `/` is escaped so that it
    /// can stand between GitLab's `/.../` delimiters.
    pub fn regex(&self, prefix: &str) -> String {
        let mut out = String::from("^");
        for c in prefix.chars().chain(self.0.chars()) {
            match c {
                '*' => out.push_str(".*"),
                c if c.is_ascii_alphanumeric() || c == '_' || c == '-' => out.push(c),
                c => {
                    out.push('\\');
                    out.push(c);
                }
            }
        }
        out.push('$');
        out
    }

    /// The pattern as a GitHub Actions branch or tag filter (where `**` is any characters and
    /// `*` any but `/`).
    pub fn github_filter(&self) -> String {
        self.0.replace('*', "**")
    }
}

/// `*` matches any run of bytes; everything else itself.
fn glob_match(p: &[u8], s: &[u8]) -> bool {
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, si));
            pi += 1;
        } else if pi < p.len() && p[pi] == s[si] {
            pi += 1;
            si += 1;
        } else if let Some((sp, ss)) = star {
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&b| b == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_ref_rules() {
        for ok in [
            "main",
            "release/1.x",
            "v*",
            "v*.*.*",
            "feature/*",
            "a+b",
            "v1.2.3-rc.1",
        ] {
            assert!(RefPattern::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "v')||(github.event_name!='x",
            "a b",
            "a..b",
            ".hidden",
            "a/.b",
            "a/",
            "/a",
            "a//b",
            "x.lock",
            "a.",
            "-a",
            "a**",
            "${{ x }}",
            "a\"b",
            "a:b",
            "a~1",
            "a^",
            "a?",
            "a[1]",
            "a\\b",
            "é",
        ] {
            assert!(RefPattern::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn matching() {
        let p = |s: &str| RefPattern::parse(s).unwrap();
        assert!(p("v*.*.*").matches("v1.2.3"));
        assert!(!p("v*.*.*").matches("v1.2"));
        assert!(p("v*").matches("v1/x"));
        assert!(p("main").matches("main"));
        assert!(!p("main").matches("main2"));
        assert!(p("release/*").matches("release/1.2"));
        assert!(!p("release/*").matches("release"));
        assert_eq!(
            p("v*.*.*").regex("refs/tags/"),
            "^refs\\/tags\\/v.*\\..*\\..*$"
        );
        assert_eq!(p("v*").prefix(), Some("v"));
        assert_eq!(p("v*.*").prefix(), None);
        assert_eq!(p("release/*").github_filter(), "release/**");
    }
}
