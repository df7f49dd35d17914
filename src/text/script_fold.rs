//! Spelling folds of the Arabic and Devanagari scripts, on normalised text: the forms one
//! letter is typed in on different keyboards become one, and marks that most writers leave
//! out are dropped, so that `كيا` and `کیا`, or `ज़िंदगी` and `जिंदगी`, give the same n-grams.
//! Latin text is left as it is (its folds are the deobfuscator's).
//!
//! Arabic script (Urdu):
//! - Arabic kaf `ك`, yeh `ي` and alef maksura `ى`, heh `ه` → the Urdu `ک`, `ی`, `ہ`;
//! - alef with hamza above or below, and alef wasla (`أ إ ٱ`) → `ا` (alef madda `آ` stays:
//!   it is a letter of its own in Urdu);
//! - the vowel marks (harakat, `U+064B`–`U+065F`), superscript alef `U+0670` and the tatweel
//!   `ـ` are dropped;
//! - Arabic-Indic and Extended Arabic-Indic digits → ASCII digits.
//!
//! Devanagari (Hindi):
//! - the nukta `U+093C` is dropped (`ज़` → `ज`; NFKC has already split the precomposed nukta
//!   letters `क़`…`य़` into letter + nukta);
//! - candrabindu `U+0901` → anusvara `U+0902` (`हैँ`/`हैं`);
//! - Devanagari digits → ASCII digits.

/// Whether `c` is in a block this module folds (Arabic, its presentation forms, Devanagari).
#[inline]
fn in_scope(c: char) -> bool {
    matches!(c as u32, 0x0600..=0x06FF | 0x0750..=0x077F | 0x0900..=0x097F)
}

/// The folded form of one character: `Some(c)` to write, `None` to drop.
#[inline]
fn fold(c: char) -> Option<char> {
    Some(match c {
        'ك' => 'ک',
        'ي' | 'ى' => 'ی',
        'ه' => 'ہ',
        'أ' | 'إ' | 'ٱ' => 'ا',
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => return None,
        '\u{0660}'..='\u{0669}' => digit(c as u32 - 0x0660),
        '\u{06F0}'..='\u{06F9}' => digit(c as u32 - 0x06F0),
        '\u{093C}' => return None,
        '\u{0901}' => '\u{0902}',
        '\u{0966}'..='\u{096F}' => digit(c as u32 - 0x0966),
        _ => c,
    })
}

fn digit(d: u32) -> char {
    char::from_digit(d, 10).unwrap_or('0')
}

/// Whether [`fold_scripts_into`] would change `text`: false at once for ASCII text, and,
/// without decoding it, for text with none of the blocks' UTF-8 lead bytes (`D8`–`DD` for
/// U+0600–U+077F, `E0` for U+0800–U+0FFF), as most non-ASCII comments (emoji, quotes).
pub fn needs_fold(text: &str) -> bool {
    !text.is_ascii()
        && text.bytes().any(|b| b.wrapping_sub(0xD8) < 6 || b == 0xE0)
        && text.chars().any(|c| in_scope(c) && fold(c) != Some(c))
}

/// Writes `text` with the folds above into `out` (cleared first). Linear; idempotent.
pub fn fold_scripts_into(text: &str, out: &mut String) {
    out.clear();
    out.reserve(text.len());
    for c in text.chars() {
        if !in_scope(c) {
            out.push(c);
        } else if let Some(f) = fold(c) {
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::normalize::normalize;

    fn folded(s: &str) -> String {
        let n = normalize(s);
        let mut out = String::new();
        fold_scripts_into(&n, &mut out);
        out
    }

    #[test]
    fn arabic_keyboard_letters_become_urdu_ones() {
        // "what is this" typed on an Arabic keyboard and on an Urdu one
        assert_eq!(folded("يه كيا هے"), folded("یہ کیا ہے"));
        assert_eq!(folded("یہ کیا ہے"), "یہ کیا ہے");
        assert_eq!(folded("أمن"), "امن");
        // alef madda is a letter of its own
        assert_eq!(folded("آپ"), "آپ");
    }

    #[test]
    fn arabic_marks_tatweel_and_digits() {
        // zabar, pesh, shadda and a tatweel: the bare letters remain
        assert_eq!(folded("مُحَمَّد"), "محمد");
        assert_eq!(folded("پاکـــستان"), "پاکستان");
        assert_eq!(folded("۲۰۲۶ ٣"), "2026 3");
    }

    #[test]
    fn devanagari_nukta_candrabindu_and_digits() {
        // precomposed and combining nukta, and none: one spelling
        assert_eq!(folded("ज़िंदगी"), "जिंदगी");
        assert_eq!(folded("\u{095B}िंदगी"), "जिंदगी");
        assert_eq!(folded("हैँ"), "हैं");
        assert_eq!(folded("२०२६"), "2026");
    }

    #[test]
    fn other_text_is_untouched_and_folding_is_idempotent() {
        for s in [
            "plain english",
            "café naïve",
            "это всё",
            "😂 ok",
            "یہ کیا ہے",
            "नमस्ते",
        ] {
            let once = folded(s);
            let mut twice = String::new();
            fold_scripts_into(&once, &mut twice);
            assert_eq!(once, twice, "{s}");
            assert!(!needs_fold(&once), "{s}");
        }
        assert_eq!(folded("café naïve"), normalize("café naïve"));
        assert!(needs_fold("كيا"));
        assert!(needs_fold("so ज़िंदगी"));
        assert!(!needs_fold("plain"));
        // other non-ASCII text, and the blocks' letters that need no fold
        assert!(!needs_fold("nice 😀 \u{2019}quoted\u{2019} café"));
        assert!(!needs_fold("کیا जिंदगी"));
    }
}
