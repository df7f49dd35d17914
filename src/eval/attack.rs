//! The attack suite: how much a model's separation of abusive from other comments survives
//! when the abusive comments are obfuscated. Each family rewrites every word of at least
//! [`MIN_LETTERS`] letters of an abusive comment the way people dodge filters; the other rows
//! stay as they are. Deterministic: no randomness, so every tool can score the same files.

use crate::model::augment::qwerty_neighbour;
use crate::text::tokenize::rewrite_letter_runs;
use serde::Serialize;
use std::collections::HashSet;

/// Words shorter than this are left alone (articles, pronouns).
pub const MIN_LETTERS: usize = 4;

/// One way of obfuscating a word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// a zero-width space between letters: `i​d​i​o​t`
    ZeroWidth,
    /// Cyrillic look-alikes for a, c, e, i, o, p, x, y
    Homoglyph,
    /// accented vowels: `ídíót`
    Accents,
    /// digits for letters: `1d10t`
    Leet,
    /// the first inner vowel masked: `id*ot`
    Mask,
    /// letters split by spaces: `i d i o t`
    Split,
    /// the first vowel repeated: `iiiidiot`
    Repeat,
    /// a dot inside the word, as in Hosseini et al. 2017 ("Deceiving Google's Perspective
    /// API"): `idi.ot`
    Misspell,
    /// two adjacent inner letters swapped, the commonest typo: `stpuid`
    Swap,
    /// an inner letter dropped: `stuid`
    Drop,
    /// an inner letter doubled: `stuppid`
    Double,
    /// an inner letter struck as its neighbour on a QWERTY keyboard: `stuoid`
    Keyboard,
    /// sound-alike spellings: `fuka`, `losa`, `fone`
    Phonetic,
    /// a space at the middle, the word broken in two: `stu pid`, `id iot`
    Space,
}

/// Every family, in report order.
pub const FAMILIES: [Family; 14] = [
    Family::ZeroWidth,
    Family::Homoglyph,
    Family::Accents,
    Family::Leet,
    Family::Mask,
    Family::Split,
    Family::Repeat,
    Family::Misspell,
    Family::Swap,
    Family::Drop,
    Family::Double,
    Family::Keyboard,
    Family::Phonetic,
    Family::Space,
];

impl Family {
    pub fn name(self) -> &'static str {
        match self {
            Family::ZeroWidth => "zero_width",
            Family::Homoglyph => "homoglyph",
            Family::Accents => "accents",
            Family::Leet => "leet",
            Family::Mask => "mask",
            Family::Split => "split",
            Family::Repeat => "repeat",
            Family::Misspell => "misspell",
            Family::Swap => "swap",
            Family::Drop => "drop",
            Family::Double => "double",
            Family::Keyboard => "keyboard",
            Family::Phonetic => "phonetic",
            Family::Space => "space",
        }
    }

    /// The obfuscated form of one word of ASCII letters.
    fn word(self, w: &str) -> String {
        let vowel = |c: char| "aeiouAEIOU".contains(c);
        match self {
            Family::ZeroWidth => join(w, "\u{200B}"),
            Family::Split => join(w, " "),
            Family::Homoglyph => w.chars().map(|c| cyrillic(c).unwrap_or(c)).collect(),
            Family::Accents => w.chars().map(|c| accented(c).unwrap_or(c)).collect(),
            Family::Leet => w.chars().map(|c| digit(c).unwrap_or(c)).collect(),
            Family::Mask => {
                let at = w
                    .char_indices()
                    .skip(1)
                    .find(|(_, c)| vowel(*c))
                    .map_or(1, |(i, _)| i);
                format!("{}*{}", &w[..at], &w[at + 1..])
            }
            Family::Repeat => match w.char_indices().find(|(_, c)| vowel(*c)) {
                Some((i, c)) => format!("{}{}{}", &w[..i], c.to_string().repeat(4), &w[i + 1..]),
                None => w.to_string(),
            },
            Family::Misspell | Family::Space => {
                let mid = w.len() / 2;
                let mark = if self == Family::Space { ' ' } else { '.' };
                format!("{}{mark}{}", &w[..mid], &w[mid..])
            }
            // words are ASCII letters (see `perturb`), so byte positions are letters; the
            // changed letter is an inner one (not the first or last) at the middle
            Family::Swap => {
                let i = w.len() / 2 - 1;
                let b = w.as_bytes();
                format!(
                    "{}{}{}{}",
                    &w[..i],
                    b[i + 1] as char,
                    b[i] as char,
                    &w[i + 2..]
                )
            }
            Family::Drop => {
                let i = w.len() / 2;
                format!("{}{}", &w[..i], &w[i + 1..])
            }
            Family::Double => {
                let i = w.len() / 2;
                format!("{}{}", &w[..=i], &w[i..])
            }
            Family::Keyboard => {
                let i = w.len() / 2;
                let c = w.as_bytes()[i] as char;
                format!("{}{}{}", &w[..i], neighbour(c), &w[i + 1..])
            }
            Family::Phonetic => phonetic(w),
        }
    }
}

/// The key to the right of `c` on a QWERTY keyboard (to its left at a row's end), in `c`'s
/// case.
fn neighbour(c: char) -> char {
    let n = qwerty_neighbour(c as u8, true) as char;
    if c.is_ascii_uppercase() {
        n.to_ascii_uppercase()
    } else {
        n
    }
}

/// A sound-alike respelling of `w`: `ck`/`ch` → `k`, `ph` → `f`, `qu` → `kw`, `x` → `ks`,
/// `c` before a, o or u → `k`, `oo`/`ou` → `u`, `ee`/`ea` → `i`, a final `er` → `a`, a final
/// `s` → `z`, a final silent `e` dropped; a word none of these fit gets its first vowel
/// doubled (`stuupid`), as respellings stretch sounds. Lower case out.
fn phonetic(w: &str) -> String {
    let l = w.to_ascii_lowercase();
    let mut s = l.clone();
    for (from, to) in [
        ("ck", "k"),
        ("ch", "k"),
        ("ph", "f"),
        ("qu", "kw"),
        ("x", "ks"),
        ("ca", "ka"),
        ("co", "ko"),
        ("cu", "ku"),
        ("oo", "u"),
        ("ou", "u"),
        ("ee", "i"),
        ("ea", "i"),
    ] {
        s = s.replace(from, to);
    }
    if let Some(stem) = s.strip_suffix("er") {
        s = format!("{stem}a");
    } else if let Some(stem) = s.strip_suffix('s') {
        s = format!("{stem}z");
    } else if s.len() > 4 && s.ends_with('e') {
        s.pop();
    }
    if s == l {
        if let Some(i) = s.find(['a', 'e', 'i', 'o', 'u']) {
            s.insert(i, s.as_bytes()[i] as char);
        }
    }
    s
}

fn join(w: &str, sep: &str) -> String {
    w.chars().map(String::from).collect::<Vec<_>>().join(sep)
}

fn cyrillic(c: char) -> Option<char> {
    Some(match c {
        'a' => 'а',
        'c' => 'с',
        'e' => 'е',
        'i' => 'і',
        'o' => 'о',
        'p' => 'р',
        'x' => 'х',
        'y' => 'у',
        _ => return None,
    })
}

fn accented(c: char) -> Option<char> {
    Some(match c {
        'a' => 'á',
        'e' => 'é',
        'i' => 'í',
        'o' => 'ó',
        'u' => 'ú',
        _ => return None,
    })
}

fn digit(c: char) -> Option<char> {
    Some(match c.to_ascii_lowercase() {
        'a' => '4',
        'e' => '3',
        'i' => '1',
        'o' => '0',
        's' => '5',
        't' => '7',
        _ => return None,
    })
}

/// `text` with its words of at least [`MIN_LETTERS`] ASCII letters obfuscated by `family`:
/// every such word, or with `targets` only those (lower-cased) in it. Mentions, hashtags and
/// URLs, punctuation around words and everything else are kept.
pub fn perturb(text: &str, family: Family, targets: Option<&HashSet<String>>) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for (k, tok) in text.split(' ').enumerate() {
        if k > 0 {
            out.push(' ');
        }
        if tok.starts_with(['@', '#']) || tok.contains("://") || tok.starts_with("www.") {
            out.push_str(tok);
            continue;
        }
        rewrite_letter_runs(tok, &mut out, |word, out| {
            let hit = word.len() >= MIN_LETTERS
                && targets.is_none_or(|t| t.contains(&word.to_ascii_lowercase()));
            match hit {
                true => out.push_str(&family.word(word)),
                false => out.push_str(word),
            }
        });
    }
    out
}

/// The words an evader would disguise: those of at least [`MIN_LETTERS`] letters in at least
/// `min_rows` abusive rows whose share of abusive rows is at least e times their share of the
/// other rows (log-odds ≥ 1, add-one smoothed), lower-cased. Taken from the labelled set
/// itself, so every model under test faces the same words.
pub fn abusive_vocabulary(texts: &[String], abusive: &[bool], min_rows: usize) -> HashSet<String> {
    let mut df: std::collections::HashMap<String, (usize, usize)> = Default::default();
    for (t, &y) in texts.iter().zip(abusive) {
        let words: HashSet<String> = t
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() >= MIN_LETTERS)
            .map(|w| w.to_ascii_lowercase())
            .collect();
        for w in words {
            let e = df.entry(w).or_default();
            if y {
                e.0 += 1;
            } else {
                e.1 += 1;
            }
        }
    }
    let a = abusive.iter().filter(|&&y| y).count() as f64;
    let n = abusive.len() as f64 - a;
    df.into_iter()
        .filter(|(_, (ca, cn))| {
            *ca >= min_rows
                && ((*ca as f64 + 1.0) / (a + 2.0)).ln() - ((*cn as f64 + 1.0) / (n + 2.0)).ln()
                    >= 1.0
        })
        .map(|(w, _)| w)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_family_rewrites_long_words_only() {
        let t = "You are an idiot, Sir!";
        let p = |f| perturb(t, f, None);
        assert_eq!(p(Family::Leet), "You are an 1d107, Sir!");
        assert_eq!(p(Family::Mask), "You are an id*ot, Sir!");
        assert_eq!(p(Family::Split), "You are an i d i o t, Sir!");
        assert_eq!(p(Family::Repeat), "You are an iiiidiot, Sir!");
        assert_eq!(p(Family::Misspell), "You are an id.iot, Sir!");
        assert_eq!(p(Family::Space), "You are an id iot, Sir!");
        assert_eq!(
            p(Family::Homoglyph),
            "You are an \u{456}d\u{456}\u{43e}t, Sir!"
        );
        assert_eq!(p(Family::Accents), "You are an ídíót, Sir!");
        let w = |f| perturb("stupid loser", f, None);
        assert_eq!(w(Family::Swap), "stpuid lsoer");
        assert_eq!(w(Family::Drop), "stuid loer");
        assert_eq!(w(Family::Double), "stuppid losser");
        assert_eq!(w(Family::Keyboard), "stuoid loder");
        assert_eq!(w(Family::Phonetic), "stuupid losa");
        assert_eq!(perturb("Fucker Phone", Family::Phonetic, None), "fuka fone");
        assert_eq!(perturb("QUIZ", Family::Keyboard, None), "QUOZ");
        assert_eq!(
            p(Family::ZeroWidth),
            "You are an i\u{200B}d\u{200B}i\u{200B}o\u{200B}t, Sir!"
        );
        // mentions, hashtags and links stay; with targets, only those words change
        let only: HashSet<String> = ["idiot".to_string()].into();
        assert_eq!(
            perturb(
                "@USER #MAGA http://x.co/abcd what an Idiot, truly",
                Family::Leet,
                Some(&only)
            ),
            "@USER #MAGA http://x.co/abcd what an 1d107, truly"
        );
    }

    #[test]
    fn the_abusive_vocabulary_is_what_abuse_says_more() {
        let texts: Vec<String> = [
            "you idiot",
            "stupid idiot",
            "idiot again",
            "idiot idiot",
            "idiot here",
            "nice weather today",
            "weather again",
            "lovely weather",
            "today is fine",
            "fine",
        ]
        .map(String::from)
        .to_vec();
        let y = [
            true, true, true, true, true, false, false, false, false, false,
        ];
        let v = abusive_vocabulary(&texts, &y, 3);
        assert!(v.contains("idiot"));
        assert!(!v.contains("weather") && !v.contains("again"));
    }
}
