//! Roman Urdu and Roman Hindi in the analyzer: which comments are written in them, and a
//! spelling key that brings their many romanisations of one word together.
//!
//! A comment is read as Roman Urdu/Hindi when more of its words are the languages' commonest
//! function words (`hai`, `nahi`, `ka`, `ko`, `mein`, …) than English ones (`the`, `you`,
//! `and`, …). Such a comment is not stemmed with the English stemmer (which cuts `kutte` to
//! `kutt` and `hain` is no English word), and each of its words also gets its [`roman_key`].
//! Words that are common in both languages' spellings (`to`, `do`, `is`, `in`, `me`, `or`,
//! `main`) count for neither.

use super::tokenize::{TokenKind, Tokens};
use std::sync::OnceLock;

/// The commonest Roman Urdu/Hindi function words and their usual spellings.
const URDU: &[&str] = &[
    "hai", "hain", "hy", "hay", "hoon", "hun", "ka", "ki", "ke", "ko", "se", "sy", "mein", "mai",
    "nahi", "nahin", "nai", "nhi", "ni", "aur", "bhi", "bi", "kya", "kia", "kyun", "kyon", "yeh",
    "ye", "wo", "woh", "tum", "tu", "hum", "aap", "ap", "apna", "apni", "apne", "mera", "meri",
    "mere", "tera", "teri", "tere", "ho", "tha", "thi", "thy", "kar", "kr", "karo", "raha", "rahi",
    "rahe", "jo", "sab", "koi", "kuch", "ab", "pe", "par", "bhai", "yar", "yaar", "ji", "bohat",
    "bahut", "lekin", "magar", "agar", "phir", "wala", "wali", "wale", "k", "ny", "ne", "hota",
    "hoga", "gaya", "liye", "sath", "saath",
];

/// The commonest English function words.
const ENGLISH: &[&str] = &[
    "the", "are", "was", "were", "and", "of", "you", "your", "it", "this", "that", "what", "with",
    "for", "not", "have", "has", "be", "they", "she", "we", "his", "her", "them", "an", "a", "on",
    "at", "but", "if", "just", "like", "will", "would", "can", "all", "there", "their", "from",
    "about", "who", "why", "how", "when", "i", "don't", "it's", "i'm", "no", "so", "get", "know",
    "people",
];

/// A word of up to 7 bytes as one number (its bytes and its length), the key of
/// [`markers`]; `None` for longer words, which are no marker. Never 0.
#[inline]
fn packed(w: &[u8]) -> Option<u64> {
    if w.is_empty() || w.len() > 7 {
        return None;
    }
    // a loop, not `copy_from_slice`: a variable-length copy is a call to memcpy
    let mut k = (w.len() as u64) << 56;
    for (i, &c) in w.iter().enumerate() {
        k |= (c as u64) << (8 * i);
    }
    Some(k)
}

/// Slots of the marker table: a power of two, four times the markers or more.
const SLOTS: usize = 1024;

#[inline]
fn slot(k: u64) -> usize {
    (k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - SLOTS.trailing_zeros())) as usize
}

/// Every marker, packed, in an open-addressed table of [`SLOTS`] (16 KB): +1 for an
/// Urdu/Hindi one, -1 for an English one, `(0, 0)` for an empty slot: one multiply and
/// (mostly) one load a word. The vote costs about 3% of scoring English comments, as matching
/// the lists string by string did.
fn markers() -> &'static [(u64, i32)] {
    static M: OnceLock<Vec<(u64, i32)>> = OnceLock::new();
    M.get_or_init(|| {
        let mut t = vec![(0u64, 0i32); SLOTS];
        let ur = URDU.iter().map(|w| (w, 1));
        let en = ENGLISH.iter().map(|w| (w, -1));
        for (w, v) in ur.chain(en) {
            let Some(k) = packed(w.as_bytes()) else {
                continue;
            };
            let mut i = slot(k);
            while t[i].0 != 0 && t[i].0 != k {
                i = (i + 1) % SLOTS;
            }
            t[i] = (k, v);
        }
        t
    })
}

/// The vote of one word: +1 Urdu/Hindi marker, -1 English marker, 0 neither.
#[inline]
fn vote(table: &[(u64, i32)], w: &[u8]) -> i32 {
    let Some(k) = packed(w) else {
        return 0;
    };
    let mut i = slot(k);
    loop {
        let (kk, v) = table[i];
        if kk == k {
            return v;
        }
        if kk == 0 {
            return 0;
        }
        i = (i + 1) % SLOTS;
    }
}

/// Whether a tokenized comment is in Roman Urdu/Hindi rather than English (or another
/// language): more of its words are Urdu/Hindi function words than English ones. Linear.
pub fn is_roman_urdu(tokens: &Tokens) -> bool {
    let m = markers();
    let mut sum = 0;
    for (kind, t) in tokens.iter_bytes() {
        if kind == TokenKind::Word {
            sum += vote(m, t);
        }
    }
    sum > 0
}

/// Marks the key among a token's char n-grams (no char n-gram holds it: `~` is no word
/// character).
pub const KEY_MARK: char = '~';

fn vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// Appends `~` and the spelling key of a Roman Urdu/Hindi word to `out`, or nothing for a
/// word that is not all ASCII letters. The key undoes the commonest differences between
/// romanisations: long vowels written double (`ee` → `i`, `oo` → `u`), `y` for `i` after the
/// first letter, an `h` after a vowel (`nahi`/`nai`, `bohat`/`boat`), a final nasal `n` after
/// a vowel in longer words (`nahin`/`nahi`, `hain`/`hai`), and doubled letters (`achha`/`acha`,
/// `yaar`/`yar`). So `nahi`, `nahin`, `nai` and `nahee` share the key `~nai`.
pub fn roman_key(word: &str, out: &mut String) {
    let w = word.as_bytes();
    if w.is_empty() || !w.iter().all(u8::is_ascii_lowercase) {
        return;
    }
    out.push(KEY_MARK);
    let start = out.len();
    let mut i = 0;
    while i < w.len() {
        let c = match (w[i], w.get(i + 1)) {
            (b'e', Some(b'e')) => {
                i += 1;
                b'i'
            }
            (b'o', Some(b'o')) => {
                i += 1;
                b'u'
            }
            (b'y', _) if i > 0 => b'i',
            (c, _) => c,
        };
        i += 1;
        let last = out.as_bytes()[start..].last().copied();
        if last == Some(c) || (c == b'h' && last.is_some_and(vowel)) {
            continue;
        }
        out.push(c as char);
    }
    let k = &out.as_bytes()[start..];
    if k.len() >= 4 && k[k.len() - 1] == b'n' && vowel(k[k.len() - 2]) {
        out.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize::tokenize_into;

    fn key(w: &str) -> String {
        let mut s = String::new();
        roman_key(w, &mut s);
        s
    }

    #[test]
    fn romanisations_of_one_word_share_a_key() {
        for group in [
            &["nahi", "nahin", "nai", "nahee", "nahiin"][..],
            &["hai", "hain", "hay", "haai"],
            &["acha", "achha", "achaa"],
            &["yar", "yaar", "yaarr"],
            &["kya", "kia"],
        ] {
            let k = key(group[0]);
            for w in group {
                assert_eq!(key(w), k, "{w} and {}", group[0]);
            }
        }
        // different words stay apart
        assert_ne!(key("kutta"), key("kuttay"));
        assert_ne!(key("ka"), key("ki"));
        assert_eq!(key("café"), "");
        assert_eq!(key("c3po"), "");
    }

    fn roman(s: &str) -> bool {
        let mut t = Tokens::default();
        tokenize_into(s, true, &mut t);
        is_roman_urdu(&t)
    }

    #[test]
    fn every_marker_is_short_enough_to_pack_and_in_one_list() {
        let m = markers();
        for w in URDU {
            assert_eq!(vote(m, w.as_bytes()), 1, "{w}");
        }
        for w in ENGLISH {
            assert_eq!(vote(m, w.as_bytes()), -1, "{w}");
        }
        assert_eq!(
            m.iter().filter(|e| e.0 != 0).count(),
            URDU.len() + ENGLISH.len()
        );
        assert!(SLOTS >= 4 * (URDU.len() + ENGLISH.len()));
        for w in ["", "th", "thee", "kutta", "nahiiii", "people's"] {
            assert_eq!(vote(m, w.as_bytes()), 0, "{w}");
        }
    }

    #[test]
    fn tells_roman_urdu_comments_from_english_ones() {
        assert!(roman("yeh sab jhoot hai, tum log kuch nahi jante"));
        assert!(roman("bhai ap ki baat theek hai"));
        assert!(!roman("this is a lie and you know it"));
        assert!(!roman("the talks in doha are welcome"));
        // English with a Roman Urdu word or two stays English
        assert!(!roman("you are such a chutiya and a liar"));
        // no function words: English (stemmed, as before)
        assert!(!roman("idiot"));
    }
}
