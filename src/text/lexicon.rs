//! The abuse lexicon (`abuse_lexicon.txt`, with common endings) and how a candidate
//! spelling is resolved against it: by skeleton (letters with runs collapsed) or, with masks
//! and ambiguous leetspeak, by pattern, and only when exactly one word fits.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Endings a lexicon word may carry.
const ENDINGS: [&str; 8] = ["", "s", "es", "ed", "er", "ers", "ing", "y"];

/// The lexicon: every word with every ending, and the same by "skeleton" (letters with runs
/// collapsed to one) for repeat-tolerant lookup.
struct Lexicon {
    forms: Vec<Vec<char>>,
    /// the most characters of any form
    longest: usize,
    by_skeleton: HashMap<String, String>,
    /// the forms of four ASCII letters that `resolve` reads as themselves, sorted (what two
    /// two-letter pieces may make)
    four: Vec<[u8; 4]>,
}

fn lexicon() -> &'static Lexicon {
    static L: OnceLock<Lexicon> = OnceLock::new();
    L.get_or_init(|| {
        let mut lex = Lexicon {
            forms: Vec::new(),
            longest: 0,
            by_skeleton: HashMap::new(),
            four: Vec::new(),
        };
        let words = include_str!("abuse_lexicon.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'));
        for w in words {
            for e in ENDINGS {
                let full = format!("{w}{e}");
                lex.by_skeleton
                    .entry(skeleton(&full))
                    .or_insert_with(|| full.clone());
                lex.forms.push(full.chars().collect());
            }
        }
        lex.longest = lex.forms.iter().map(Vec::len).max().unwrap_or(0);
        // the forms `resolve` gives back as written: each skeleton's first form
        lex.four = lex
            .by_skeleton
            .values()
            .filter_map(|f| <[u8; 4]>::try_from(f.as_bytes()).ok())
            .collect();
        lex.four.sort_unstable();
        lex.four.dedup();
        lex
    })
}

/// Whether [`resolve`] reads `w`, four ASCII letters, as itself: a look-up without
/// allocating, for the walk to ask of pairs of two-letter words.
pub(super) fn is_four_letter_form(w: &str) -> bool {
    <[u8; 4]>::try_from(w.as_bytes()).is_ok_and(|k| lexicon().four.binary_search(&k).is_ok())
}

/// Letters with every run of one letter collapsed (`stuuupid` → `stupid`, `ass` → `as`).
pub(super) fn skeleton(w: &str) -> String {
    let mut s = String::with_capacity(w.len());
    let mut last = None;
    for c in w.chars() {
        if Some(c) != last {
            s.push(c);
        }
        last = Some(c);
    }
    s
}

/// Stands for `i` or `l` in a candidate (`1` and `|` are written for both).
pub(super) const I_OR_L: char = '\u{1}';

/// What a leetspeak character may stand for (`?` is a mask: any letter; [`I_OR_L`]).
pub(super) fn leet(c: char) -> Option<char> {
    Some(match c {
        '0' => 'o',
        '1' | '|' => I_OR_L,
        '!' => 'i',
        '3' => 'e',
        '4' | '@' => 'a',
        '5' | '$' => 's',
        '7' | '+' => 't',
        '8' => 'b',
        '9' => 'g',
        '*' | '#' => '?',
        _ => return None,
    })
}

/// The lexicon word (with its ending) that `cand` spells, if exactly one does: `cand` may hold
/// `?` masks, [`I_OR_L`] and repeated letters (repeats only without masks).
pub(super) fn resolve(cand: &str) -> Option<String> {
    let lex = lexicon();
    if !cand.contains(['?', I_OR_L]) {
        return lex.by_skeleton.get(&skeleton(cand)).cloned();
    }
    // no form is longer than the longest: a longer candidate spells none (and is not copied)
    if cand.chars().nth(lex.longest).is_some() {
        return None;
    }
    let pattern: Vec<char> = cand.chars().collect();
    let mut found: Option<&Vec<char>> = None;
    for f in &lex.forms {
        let hit = f.len() == pattern.len()
            && f.iter().zip(&pattern).all(|(a, p)| match *p {
                '?' => true,
                I_OR_L => matches!(a, 'i' | 'l'),
                _ => a == p,
            });
        if hit {
            if found.is_some_and(|x| x != f) {
                return None; // ambiguous: leave it
            }
            found = Some(f);
        }
    }
    found.map(|f| f.iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The allocation-free check agrees with `resolve` on every word of four letters.
    #[test]
    fn four_letter_forms_are_what_resolve_reads_as_themselves() {
        let mut found = 0;
        let mut w = String::with_capacity(4);
        for n in 0..26u32.pow(4) {
            w.clear();
            w.extend((0..4).map(|i| (b'a' + (n / 26u32.pow(i) % 26) as u8) as char));
            let same = resolve(&w).is_some_and(|r| r == w);
            assert_eq!(is_four_letter_form(&w), same, "{w}");
            found += same as usize;
        }
        assert!(found > 20, "{found}");
        assert!(is_four_letter_form("fuck") && !is_four_letter_form("into"));
    }
}
