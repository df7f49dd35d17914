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

/// A word of 1 to 7 bytes as one number: its bytes, low first, and its length in the top
/// byte; 0 for any other length (no marker is). `bytes` holds the word's bytes from `start`
/// on; the 8 bytes from there are read at once when they are all in `bytes`.
#[inline(always)]
fn packed(bytes: &[u8], start: usize, len: usize) -> u64 {
    let eight = bytes
        .get(start..start + 8)
        .and_then(|b| <[u8; 8]>::try_from(b).ok());
    let word = match eight {
        Some(b) => u64::from_le_bytes(b),
        None => {
            let mut k = 0u64;
            for (i, &c) in bytes[start..].iter().take(8).enumerate() {
                k |= (c as u64) << (8 * i);
            }
            k
        }
    };
    let fits = (len.wrapping_sub(1) < 7) as u64;
    let mask = (1u64 << (8 * (len & 7))) - 1;
    ((word & mask) | ((len as u64) << 56)) * fits
}

/// Slots of the marker table, a power of two: 16 KB.
const SLOTS: usize = 2048;
/// A table entry's vote bits: Urdu/Hindi marker, English marker. Keys use bits 0..59.
const URDU_BIT: u64 = 1 << 62;
const ENGLISH_BIT: u64 = 1 << 63;
const KEY_BITS: u64 = (1 << 59) - 1;

/// The marker table: every marker's packed key and vote bit in a slot of its own (no two
/// share one), empty slots 0. A word's vote is one multiply, one load and no branch: the
/// vote costs about 1% of scoring English comments, where a probed table's unpredictable
/// branches cost 3%.
struct Markers {
    mul: u64,
    slots: Vec<u64>,
}

impl Markers {
    #[inline]
    fn slot(&self, k: u64) -> usize {
        (k.wrapping_mul(self.mul) >> (64 - SLOTS.trailing_zeros())) as usize
    }

    /// +1 for an Urdu/Hindi marker, -1 for an English one, 0 for any other packed word.
    #[inline]
    fn vote(&self, k: u64) -> i32 {
        let e = self.slots[self.slot(k)];
        let hit = ((e & KEY_BITS) == k) as i32;
        hit * (((e & URDU_BIT) != 0) as i32 - ((e & ENGLISH_BIT) != 0) as i32)
    }
}

/// Builds the table with the first multiplier (odd constants of a fixed sequence) under
/// which no two markers share a slot.
fn markers() -> &'static Markers {
    static M: OnceLock<Markers> = OnceLock::new();
    M.get_or_init(|| {
        let words: Vec<(u64, u64)> = URDU
            .iter()
            .map(|w| (w, URDU_BIT))
            .chain(ENGLISH.iter().map(|w| (w, ENGLISH_BIT)))
            .map(|(w, bit)| (packed(w.as_bytes(), 0, w.len()), bit))
            .collect();
        let mut mul = 0x9E37_79B9_7F4A_7C15u64;
        loop {
            let mut m = Markers {
                mul,
                slots: vec![0; SLOTS],
            };
            let placed = words.iter().all(|&(k, bit)| {
                let i = m.slot(k);
                let free = m.slots[i] == 0;
                m.slots[i] = k | bit;
                free
            });
            if placed {
                return m;
            }
            mul = mul.wrapping_add(0x9E37_79B9_7F4A_7C16) | 1;
        }
    })
}

/// Whether a tokenized comment is in Roman Urdu/Hindi rather than English (or another
/// language): more of its words are Urdu/Hindi function words than English ones. Linear.
pub fn is_roman_urdu(tokens: &Tokens) -> bool {
    let m = markers();
    let (bytes, spans) = tokens.raw();
    let mut sum = 0;
    for &(kind, s, e) in spans {
        let k = packed(bytes, s as usize, (e - s) as usize);
        sum += m.vote(k) * (kind == TokenKind::Word) as i32;
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

    fn vote(w: &str) -> i32 {
        markers().vote(packed(w.as_bytes(), 0, w.len()))
    }

    #[test]
    fn every_marker_is_short_enough_to_pack_and_in_one_list() {
        for w in URDU {
            assert_eq!(vote(w), 1, "{w}");
        }
        for w in ENGLISH {
            assert_eq!(vote(w), -1, "{w}");
        }
        let m = markers();
        assert_eq!(
            m.slots.iter().filter(|&&e| e != 0).count(),
            URDU.len() + ENGLISH.len()
        );
        for w in ["", "th", "thee", "kutta", "nahiiii", "people's", "hai hai"] {
            assert_eq!(vote(w), 0, "{w}");
        }
        // a word read 8 bytes at a time out of a longer buffer, or near its end, packs alike
        let buf = b"xx hai hainnnn hai";
        assert_eq!(packed(buf, 3, 3), packed(b"hai", 0, 3));
        assert_eq!(packed(buf, 15, 3), packed(b"hai", 0, 3));
        assert_eq!(packed(buf, 7, 7), packed(b"hainnnn", 0, 7));
        assert_eq!(packed(buf, 7, 8), 0);
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
