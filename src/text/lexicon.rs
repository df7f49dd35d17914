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
}

fn lexicon() -> &'static Lexicon {
    static L: OnceLock<Lexicon> = OnceLock::new();
    L.get_or_init(|| {
        let mut lex = Lexicon {
            forms: Vec::new(),
            longest: 0,
            by_skeleton: HashMap::new(),
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
        lex
    })
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
