//! Byte offsets in a spec and LSP positions (lines, and columns in UTF-16 code units).

use crate::diagnostic::Span;
use lsp_types::{Position, Range};

/// The position of byte `offset` of `text`.
pub fn position(text: &str, offset: usize) -> Position {
    let offset = floor_char(text, offset.min(text.len()));
    let before = &text[..offset];
    let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    // `\r\n` is one line break.
    let lines = before.matches('\n').count() + before.matches('\r').count()
        - before.matches("\r\n").count();
    let character = before[line_start..]
        .chars()
        .map(char::len_utf16)
        .sum::<usize>();
    Position::new(lines as u32, character as u32)
}

/// The byte offset of `pos` in `text` (the end of its line when the column is beyond it).
pub fn offset(text: &str, pos: Position) -> usize {
    let mut line = 0;
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while line < pos.line && i < bytes.len() {
        if bytes[i] == b'\n' || bytes[i] == b'\r' {
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
            line += 1;
            start = i + 1;
        }
        i += 1;
    }
    if line < pos.line {
        return text.len();
    }
    let mut units = 0;
    for (j, c) in text[start..].char_indices() {
        if units >= pos.character as usize || c == '\n' || c == '\r' {
            return start + j;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// The range a span covers.
pub fn range(text: &str, span: Span) -> Range {
    Range::new(
        position(text, span.offset),
        position(text, span.offset + span.len),
    )
}

fn floor_char(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_and_every_line_break() {
        let text = "a\r\nb 😀x\nc\rd";
        let x = text.find('x').unwrap();
        assert_eq!(position(text, x), Position::new(1, 4));
        assert_eq!(offset(text, Position::new(1, 4)), x);
        let d = text.find('d').unwrap();
        assert_eq!(position(text, d), Position::new(3, 0));
        assert_eq!(offset(text, Position::new(3, 0)), d);
        assert_eq!(offset(text, Position::new(0, 99)), 1);
        assert_eq!(offset(text, Position::new(9, 0)), text.len());
        for i in 0..=text.len() {
            // Not inside `\r\n`, which is one line break.
            if text.is_char_boundary(i)
                && !(text[..i].ends_with('\r') && text[i..].starts_with('\n'))
            {
                assert_eq!(offset(text, position(text, i)), i, "{i}");
            }
        }
    }
}
