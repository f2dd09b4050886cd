use super::*;

fn toks(text: &str) -> Vec<Tok> {
    tokens(text).unwrap().into_iter().map(|t| t.tok).collect()
}

fn error(text: &str) -> LexError {
    tokens(text).unwrap_err()
}

#[test]
fn strings_comments_and_continuations() {
    let t = toks("a \"x\\ty\" #\"r\\\"# // c \nb /* x /* y */ */ \\ // more\n  c=#true");
    let s = |raw: &str, value: &str| Tok::Str {
        raw: raw.into(),
        value: value.into(),
        multi: false,
    };
    assert_eq!(
        t,
        vec![
            Tok::Word("a".into()),
            s("\"x\\ty\"", "x\ty"),
            s("#\"r\\\"#", "r\\"),
            Tok::LineComment("// c".into()),
            Tok::Newline,
            Tok::Word("b".into()),
            Tok::BlockComment("/* x /* y */ */".into()),
            Tok::Escline(Some("// more".into())),
            Tok::Word("c".into()),
            Tok::Eq,
            Tok::Keyword("#true".into()),
        ]
    );
}

#[test]
fn spans_and_spacing() {
    let t = tokens("a  \"b\"=1").unwrap();
    let spans: Vec<(usize, usize, bool)> = t
        .iter()
        .map(|t| (t.span.offset, t.span.len, t.spaced))
        .collect();
    assert_eq!(
        spans,
        [(0, 1, false), (3, 3, true), (6, 1, false), (7, 1, false)]
    );
}

#[test]
fn multi_line_strings_are_dedented() {
    let value = |text: &str| match &toks(text)[0] {
        Tok::Str { value, multi, .. } => {
            assert!(multi);
            value.clone()
        }
        t => panic!("{t:?}"),
    };
    assert_eq!(
        value("\"\"\"\n    a\n\n      b\\tc\n    \"\"\""),
        "a\n\n  b\tc"
    );
    assert_eq!(value("#\"\"\"\n  a\\n\r\n  b\n  \"\"\"#"), "a\\n\nb");
    assert_eq!(value("\"\"\"\n  a \\\n     b\n  \"\"\""), "a b");
    assert!(
        error("\"\"\"\n  a\n b\n  \"\"\"")
            .help
            .unwrap()
            .contains("starts with the spaces")
    );
    assert!(
        error("\"\"\"\n  a\n  b \"\"\"")
            .help
            .unwrap()
            .contains("line of their own")
    );
}

#[test]
fn numbers_and_words() {
    let v = |w: &str| word_value(w);
    assert_eq!(v("1_000"), Ok(KdlValue::Integer(1000)));
    assert_eq!(v("-0x1F"), Ok(KdlValue::Integer(-31)));
    assert_eq!(v("0b1010"), Ok(KdlValue::Integer(10)));
    assert_eq!(v("+1.5e3"), Ok(KdlValue::Float(1500.0)));
    assert_eq!(v("-"), Ok(KdlValue::String("-".into())));
    assert_eq!(v(".x"), Ok(KdlValue::String(".x".into())));
    for bad in [
        "1.", "1.x", "0x", "1e", "1__x", ".5", "-.5", "true", "-inf", "2FA",
    ] {
        assert!(v(bad).is_err(), "{bad}");
    }
    assert!(v("1,").unwrap_err().0.contains("commas"));
    assert!(v("true").unwrap_err().1.contains("#true"));
    assert!(v("2FA").unwrap_err().1.contains("\"2FA\""));
}

#[test]
fn errors_say_what_to_write() {
    let e = error("volume \"data\" path=/var/lib/data");
    assert_eq!(e.span, Span::new(19, 1));
    assert!(e.help.unwrap().contains("\"/var/lib/data\""));
    assert!(error("a \"x").message.contains("never closed"));
    assert!(
        error("a \"x\ny\"")
            .message
            .contains("not closed on its line")
    );
    assert!(error("a \"\\q\"").help.unwrap().contains("escapes"));
    assert!(error("a #yes").message.contains("not a KDL keyword"));
    assert!(error("a \\ b").message.contains("must end its line"));
    assert!(error("/* a /* b */").message.contains("never closed"));
    assert!(error("a ##\"x\"#").message.contains("never closed"));
    assert!(error("# note\na 1").message.contains("comment"));
    assert!(error("ports [80, 443]").message.contains("lists"));
}

#[test]
fn quoting_round_trips() {
    for s in [
        "plain",
        "with \"quotes\"",
        "back\\slash",
        "tab\tnew\nline",
        "\u{7f}",
    ] {
        let q = quote(s);
        assert_eq!(unescape(&q[1..q.len() - 1]).as_deref(), Some(s));
    }
    assert!(is_bare_identifier("NODE_ENV"));
    assert!(is_bare_identifier("prometheus.io"));
    assert!(!is_bare_identifier("prometheus.io/scrape"));
    assert!(!is_bare_identifier("2FA"));
    assert!(!is_bare_identifier("-1x"));
    assert!(!is_bare_identifier(".5"));
    assert!(!is_bare_identifier("true"));
    assert!(!is_bare_identifier(""));
}

/// The ASCII shortcuts of `is_space` and `is_ident_char` say what the KDL 2.0 definitions say:
/// a space is in SPACES; an identifier character is no space, newline, disallowed code point
/// or one of `\/(){};[]"#=`.
#[test]
fn ascii_shortcuts_agree_with_the_definitions() {
    for b in 0u8..=0x7f {
        let c = char::from(b);
        assert_eq!(is_space(c), SPACES.contains(&c), "{c:?}");
        let defined = !(SPACES.contains(&c)
            || is_newline(c)
            || is_disallowed(c)
            || "\\/(){};[]\"#=".contains(c));
        assert_eq!(is_ident_char(c), defined, "{c:?}");
    }
}
