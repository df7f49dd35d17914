//! Text normalisation: literal escapes and HTML entities decoded, Unicode NFKC, case folding,
//! invisible characters removed. Pure string → string; the first stage of every analyzer.

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Normalises `input` into `out` (cleared first). Idempotent: `normalize(normalize(x)) ==
/// normalize(x)`.
///
/// Steps, in order:
/// 1. literal escape sequences that scraped comments carry (`\n`, `\t`, `\xNN` runs decoded as
///    UTF-8 bytes, `\uNNNN`) and common HTML entities (`&amp;`, `&#39;`, …) are decoded;
/// 2. Unicode NFKC (full-width letters, ligatures, compatibility forms fold to plain ones);
/// 3. lower-casing (Unicode case folding of the common scripts);
/// 4. zero-width and other invisible format characters are dropped, every other control or
///    separator becomes a plain space;
/// 5. NFKC again when steps 3 and 4 left the text out of it (marks an invisible had kept
///    apart, now out of canonical order).
pub fn normalize_into(input: &str, out: &mut String) {
    out.clear();
    let mut decoded = String::new();
    let text: &str = if needs_decoding(input) {
        decode_escapes(input, &mut decoded);
        &decoded
    } else {
        input
    };
    if text.is_ascii() {
        // ASCII is already NFKC; only case and controls remain.
        if text.bytes().any(|b| b.is_ascii_control()) {
            text.chars().for_each(|c| {
                fold_char(c, out);
            });
        } else {
            out.push_str(text);
            out.make_ascii_lowercase();
        }
        return;
    }
    out.reserve(text.len());
    // most non-ASCII comments (emoji, accents, other scripts) are already NFKC: the quick
    // check says so without decomposing and recomposing every character
    let mut moved = false;
    if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        text.chars().for_each(|c| moved |= fold_char(c, out));
    } else {
        text.nfkc().for_each(|c| moved |= fold_char(c, out));
    }
    // dropping an invisible character (or lower-casing) can bring combining marks together
    // out of canonical order ("¸\u{200B}\u{1BAA}"); normalising again puts them in order, so
    // that a second `normalize` changes nothing
    for _ in 0..3 {
        if !moved || is_nfkc_quick(out.chars()) == IsNormalized::Yes {
            break;
        }
        let folded = std::mem::take(out);
        moved = false;
        folded.nfkc().for_each(|c| moved |= fold_char(c, out));
    }
}

/// Steps 3 and 4 for one NFKC character; true when the text may have left NFKC (a character
/// dropped or lower-cased outside ASCII).
#[inline]
fn fold_char(c: char, out: &mut String) -> bool {
    if c.is_ascii() {
        out.push(if c.is_ascii_control() {
            ' '
        } else {
            c.to_ascii_lowercase()
        });
        false
    } else if is_invisible(c) {
        true // dropped
    } else if c.is_control() || c.is_whitespace() {
        out.push(' ');
        false
    } else if c.is_lowercase() || !c.is_alphabetic() {
        out.push(c);
        false
    } else {
        out.extend(c.to_lowercase());
        true
    }
}

/// Convenience wrapper of [`normalize_into`].
pub fn normalize(input: &str) -> String {
    let mut out = String::new();
    normalize_into(input, &mut out);
    out
}

/// Zero-width and format characters that render as nothing and are used to split words.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

fn needs_decoding(s: &str) -> bool {
    s.as_bytes().iter().any(|&b| b == b'\\' || b == b'&')
}

/// Decodes literal backslash escapes and HTML entities. Unknown sequences are kept verbatim.
fn decode_escapes(s: &str, out: &mut String) {
    let b = s.as_bytes();
    let mut i = 0;
    let mut pending: Vec<u8> = Vec::new();
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            // a `\xNN` run is collected as bytes, then decoded as UTF-8 (Latin-1 as fallback)
            if b[i + 1] == b'x' && i + 4 <= b.len() {
                if let Some(v) = hex(&b[i + 2..i + 4]) {
                    pending.push(v as u8);
                    i += 4;
                    continue;
                }
            }
            flush_bytes(&mut pending, out);
            match b[i + 1] {
                b'n' | b'r' | b't' => {
                    out.push(' ');
                    i += 2;
                    continue;
                }
                b'\\' => {
                    // `\\n` in the Kaggle files is an escaped escape: decode one level at a time
                    i += 1;
                    continue;
                }
                b'\'' | b'"' => {
                    out.push(b[i + 1] as char);
                    i += 2;
                    continue;
                }
                b'u' if i + 6 <= b.len() => {
                    if let Some(c) = hex(&b[i + 2..i + 6]).and_then(char::from_u32) {
                        out.push(c);
                        i += 6;
                        continue;
                    }
                }
                _ => {}
            }
        } else if b[i] == b'&' {
            flush_bytes(&mut pending, out);
            if let Some((c, len)) = entity(&s[i..]) {
                out.push(c);
                i += len;
                continue;
            }
        } else {
            flush_bytes(&mut pending, out);
        }
        // copy one whole UTF-8 character
        let ch_len = utf8_len(b[i]);
        out.push_str(&s[i..i + ch_len]);
        i += ch_len;
    }
    flush_bytes(&mut pending, out);
}

fn utf8_len(first: u8) -> usize {
    match first {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

fn flush_bytes(pending: &mut Vec<u8>, out: &mut String) {
    if pending.is_empty() {
        return;
    }
    match std::str::from_utf8(pending) {
        Ok(s) => out.push_str(s),
        Err(_) => out.extend(pending.iter().map(|&b| b as char)),
    }
    pending.clear();
}

fn hex(b: &[u8]) -> Option<u32> {
    if b.is_empty() {
        return None;
    }
    let s = std::str::from_utf8(b).ok()?;
    if !s.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(s, 16).ok()
}

/// Decodes one HTML entity at the start of `s`; returns the character and the bytes consumed.
fn entity(s: &str) -> Option<(char, usize)> {
    let end = s.as_bytes().iter().take(10).position(|&c| c == b';')?;
    let name = &s[1..end];
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        _ => {
            let num = name.strip_prefix('#')?;
            let v = if let Some(h) = num.strip_prefix('x').or_else(|| num.strip_prefix('X')) {
                u32::from_str_radix(h, 16).ok()?
            } else {
                num.parse().ok()?
            };
            char::from_u32(v)?
        }
    };
    Some((c, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn marks_an_invisible_kept_apart_end_in_canonical_order() {
        let once = normalize("\u{00B8}\u{200B}\u{1BAA}");
        assert_eq!(once, " \u{1BAA}\u{0327}");
        assert_eq!(normalize(&once), once);
    }

    #[test]
    fn folds_case_width_and_invisibles() {
        assert_eq!(normalize("HeLLo"), "hello");
        assert_eq!(normalize("ＩＤＩＯＴ"), "idiot");
        assert_eq!(normalize("id\u{200B}iot"), "idiot");
        assert_eq!(normalize("ﬁne"), "fine");
        assert_eq!(normalize("a\tb\nc"), "a b c");
    }

    #[test]
    fn decodes_escapes_and_entities() {
        assert_eq!(normalize(r"you\nidiot"), "you idiot");
        assert_eq!(normalize(r"you\\nidiot"), "you idiot");
        assert_eq!(normalize(r"caf\xc3\xa9"), "café");
        assert_eq!(normalize(r"a\xa0b"), "a b");
        assert_eq!(normalize("rock &amp; roll &#39;n&#x27;"), "rock & roll 'n'");
        assert_eq!(normalize(r"it\'s"), "it's");
        assert_eq!(normalize("AT&T & co"), "at&t & co");
    }

    proptest! {
        #[test]
        // escapes and entities decode one level, so they are left out of this property
        fn idempotent(s in "[^\\\\&＆＼﹠﹨]{0,40}") {
            let once = normalize(&s);
            prop_assert_eq!(normalize(&once), once.clone());
        }

        #[test]
        // the quick-check and ASCII shortcuts give exactly what full NFKC and folding give
        fn shortcuts_match_full_nfkc(s in "[^\\\\&]{0,40}") {
            // NFKC and folding, repeated until the text is NFKC, with no shortcut
            let mut full = String::new();
            s.nfkc().for_each(|c| {
                fold_char(c, &mut full);
            });
            for _ in 0..3 {
                if unicode_normalization::is_nfkc(&full) {
                    break;
                }
                let folded = std::mem::take(&mut full);
                folded.nfkc().for_each(|c| {
                    fold_char(c, &mut full);
                });
            }
            prop_assert_eq!(normalize(&s), full);
        }
    }
}
