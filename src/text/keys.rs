//! Per-word keys that a disguise does not move, emitted among a word's char n-grams when the
//! text config asks for them, so that a model learns the word, not its spelling:
//!
//! - the **scramble key** (`^` mark): first letter, the inner letters sorted, last letter.
//!   People read a word whose inner letters are out of order ("stpuid") as the word, and so
//!   does this key: `stupid` and `stpuid` both give `^siptud`.
//! - the **sound key** (`=` mark): a consonant skeleton after Metaphone-like rewrites
//!   (`ph` → `f`, `ck`/`ch`/`c`/`q` → `k`, `x` → `ks`, `z` → `s`), vowels after the first letter
//!   dropped, letter runs collapsed. Vowel typos, doubled letters and sound-alike spellings
//!   meet: `stupid`, `stuppid`, `stoopid` → `=stpd`; `loser`, `looser` → `=lsr`; `phuck`,
//!   `fuk` → `=fk`.
//!
//! Both are computed from the word as the analyzer reads it (normalised, deobfuscated), for
//! words of [`MIN_KEY_LETTERS`] or more ASCII letters.

/// Shortest word given keys: shorter words have too few inner letters for a key to differ
/// from the word, and collide across unrelated words.
pub const MIN_KEY_LETTERS: usize = 4;

pub const SCRAMBLE_MARK: char = '^';
pub const SOUND_MARK: char = '=';

fn keyable(word: &str) -> bool {
    word.len() >= MIN_KEY_LETTERS && word.bytes().all(|b| b.is_ascii_alphabetic())
}

/// Appends `^`, the first letter, the inner letters in sorted order and the last letter of
/// `word` to `out`; nothing for a word that is too short or not all ASCII letters.
pub fn scramble_key(word: &str, out: &mut String) {
    if !keyable(word) {
        return;
    }
    let w = word.as_bytes();
    let mut inner: Vec<u8> = w[1..w.len() - 1]
        .iter()
        .map(u8::to_ascii_lowercase)
        .collect();
    inner.sort_unstable();
    out.push(SCRAMBLE_MARK);
    out.push(w[0].to_ascii_lowercase() as char);
    out.extend(inner.iter().map(|&b| b as char));
    out.push(w[w.len() - 1].to_ascii_lowercase() as char);
}

/// Appends `=` and the sound key of `word` to `out` (see the module's description); nothing
/// for a word that is too short or not all ASCII letters.
pub fn sound_key(word: &str, out: &mut String) {
    if !keyable(word) {
        return;
    }
    let w: Vec<u8> = word.bytes().map(|b| b.to_ascii_lowercase()).collect();
    let mut sounds: Vec<u8> = Vec::with_capacity(w.len() + 1);
    let mut i = 0;
    while i < w.len() {
        let next = w.get(i + 1).copied();
        let (s, step): (&[u8], usize) = match (w[i], next) {
            (b'p', Some(b'h')) => (b"f", 2),
            (b'c', Some(b'k' | b'h')) => (b"k", 2),
            (b'q', Some(b'u')) => (b"k", 2),
            (b'c' | b'q', _) => (b"k", 1),
            (b'x', _) => (b"ks", 1),
            (b'z', _) => (b"s", 1),
            (b'a' | b'e' | b'i' | b'o' | b'u' | b'y', _) if i > 0 => (b"", 1),
            _ => (&w[i..i + 1], 1),
        };
        for &b in s {
            if sounds.last() != Some(&b) {
                sounds.push(b);
            }
        }
        i += step;
    }
    out.push(SOUND_MARK);
    out.extend(sounds.iter().map(|&b| b as char));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{Analyzer, Scratch, TextConfig};

    fn key(f: fn(&str, &mut String), w: &str) -> String {
        let mut s = String::new();
        f(w, &mut s);
        s
    }

    #[test]
    fn a_words_inner_letters_in_any_order_share_its_scramble_key() {
        let k = |w| key(scramble_key, w);
        assert_eq!(k("stupid"), "^siptud");
        assert_eq!(k("stpuid"), k("stupid"));
        assert_eq!(k("Idoit"), k("idiot"));
        assert_ne!(k("stupid"), k("stupor"));
        assert_eq!(k("you"), "", "too short");
        assert_eq!(k("naïve"), "", "not ASCII letters");
        assert_eq!(k("b1tch"), "");
    }

    #[test]
    fn sound_alike_spellings_share_a_sound_key() {
        let k = |w| key(sound_key, w);
        assert_eq!(k("stupid"), "=stpd");
        for w in ["stuppid", "stoopid", "stpuid", "STUPID"] {
            assert_eq!(k(w), "=stpd", "{w}");
        }
        assert_eq!(k("loser"), k("looser"));
        assert_eq!(k("phuck"), k("fukk"));
        assert_eq!(k("idiot"), "=idt");
        assert_eq!(k("quick"), "=k");
        assert_ne!(k("stupid"), k("stand"));
        assert_eq!(k("abc"), "");
    }

    /// The keys are n-grams only when switched on, and a config without them is written as
    /// before (so models without them keep their bytes).
    #[test]
    fn word_keys_are_grams_only_when_asked_for() {
        let grams = |cfg: &TextConfig, text: &str| {
            let a = Analyzer::new(cfg.clone()).unwrap();
            let mut out = Vec::new();
            a.analyze(text, &mut Scratch::default(), |_, g| {
                out.push(g.to_string())
            });
            out
        };
        let plain = TextConfig::default();
        assert!(!grams(&plain, "stupid")
            .iter()
            .any(|g| g.starts_with(['^', '='])));
        assert!(!serde_json::to_string(&plain).unwrap().contains("key"));
        let keyed = TextConfig {
            scramble_key: true,
            sound_key: true,
            ..plain
        };
        let (a, b) = (grams(&keyed, "you stupid"), grams(&keyed, "you stpuid"));
        for k in ["^siptud", "=stpd"] {
            assert!(a.iter().any(|g| g == k) && b.iter().any(|g| g == k), "{k}");
        }
        assert!(!a
            .iter()
            .any(|g| g.starts_with(['^', '=']) && g.contains("yo")));
        let back: TextConfig =
            serde_json::from_str(&serde_json::to_string(&keyed).unwrap()).unwrap();
        assert_eq!(back, keyed);
    }
}
