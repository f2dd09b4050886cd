//! Characters: those KDL forbids in a document, those a spec's strings may not hold (the YAML
//! tools the output goes through would change them), and how messages show a character.

/// Characters KDL forbids in a document (bidirectional controls, control characters, a byte
/// order mark after the start), with their names.
pub fn forbidden_in_kdl(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{200E}' => "LEFT-TO-RIGHT MARK, a bidirectional control character",
        '\u{200F}' => "RIGHT-TO-LEFT MARK, a bidirectional control character",
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING, a bidirectional control character",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING, a bidirectional control character",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING, a bidirectional control character",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE, a bidirectional control character",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE, a bidirectional control character",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE, a bidirectional control character",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE, a bidirectional control character",
        '\u{2068}' => "FIRST STRONG ISOLATE, a bidirectional control character",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE, a bidirectional control character",
        '\u{FEFF}' => "ZERO WIDTH NO-BREAK SPACE (a byte order mark, allowed only first)",
        '\u{0}'..='\u{8}' | '\u{E}'..='\u{1F}' | '\u{7F}' => "a control character",
        // C1 controls (U+0085 is a KDL newline): terminals act on some of them.
        '\u{80}'..='\u{84}' | '\u{86}'..='\u{9F}' => "a control character",
        _ => return None,
    })
}

/// Whether `c` is a character KDL forbids (the diagnostic renderer hides them, too).
pub fn is_forbidden_in_kdl(c: char) -> bool {
    forbidden_in_kdl(c).is_some()
}

/// The character's name, when a string of a spec may not hold it: the YAML tools every output
/// goes through turn it into a line break or a space, or refuse it.
pub fn unsupported_in_yaml(c: char) -> Option<&'static str> {
    match c {
        '\u{85}' => Some("NEXT LINE (U+0085)"),
        '\u{2028}' => Some("LINE SEPARATOR (U+2028)"),
        '\u{2029}' => Some("PARAGRAPH SEPARATOR (U+2029)"),
        '\u{feff}' => Some("ZERO WIDTH NO-BREAK SPACE (U+FEFF)"),
        '\u{fffe}' | '\u{ffff}' => Some("a noncharacter (U+FFFE, U+FFFF)"),
        '\t' | '\n' | '\r' => None,
        c if c.is_control() => Some("a control character"),
        _ => None,
    }
}

/// A character as shown in a message: `a space` rather than a blank between backticks, escapes
/// for what cannot be seen.
pub fn show(c: char) -> String {
    match c {
        ' ' => "a space".to_string(),
        '\t' => "a tab".to_string(),
        '\'' | '"' => format!("`{c}`"),
        c => format!("`{}`", c.escape_debug()),
    }
}

/// `s` as one POSIX shell word (quoted unless it is plainly one).
pub fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/-+:@%".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}
