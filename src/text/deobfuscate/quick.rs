//! The quick check that lets most comments through deobfuscation as they are.

use super::lookalike::homoglyph;
use unicode_normalization::char::is_combining_mark;

/// Whether `text` may hold anything to undo. It may not when it is made only of ASCII
/// letters, spaces, plain punctuation (`.` and `!` only before a space or another mark),
/// numbers standing alone, @mentions, #hashtags and non-letter symbols such as emoji, with no
/// letter three times in a row and no three one-letter words in a row. One pass; most
/// comments pass and are copied as they are.
pub(super) fn needs_work(text: &str) -> bool {
    let lower = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase());
    let mut singles = 0;
    // the two characters before the current one, and the ones after it
    let (mut prev2, mut prev): (Option<char>, Option<char>) = (None, None);
    let mut rest = text.chars().peekable();
    while let Some(c) = rest.next() {
        let next = rest.peek().copied();
        if (c == '@' || c == '#') && prev.is_none_or(|p| p == ' ') {
            // a mention or hashtag: never rewritten
            while rest.next_if(|&x| x != ' ').is_some() {}
            (prev2, prev) = (None, None);
            singles = 0;
            continue;
        }
        let plain = match c {
            'a'..='z' | ' ' | ',' | ';' | ':' | '?' | '"' | '\'' | '(' | ')' => true,
            '.' | '!' => next.is_none_or(|n| matches!(n, ' ' | '.' | '!' | '?' | '"' | ')')),
            '0'..='9' => {
                !prev.is_some_and(|p| p.is_alphabetic()) && !next.is_some_and(|n| n.is_alphabetic())
            }
            _ if !c.is_ascii() => {
                !c.is_alphabetic() && !is_combining_mark(c) && homoglyph(c).is_none()
            }
            _ => false,
        };
        if !plain {
            return true;
        }
        if c.is_ascii_lowercase() && prev == Some(c) && prev2 == Some(c) {
            return true;
        }
        if c.is_ascii_lowercase() {
            if !lower(prev) && !lower(next) {
                singles += 1;
                if singles >= 3 {
                    return true;
                }
            } else {
                singles = 0;
            }
        }
        (prev2, prev) = (prev, Some(c));
    }
    false
}
