//! Look-alike letters (Cyrillic and Greek) and accents inside Latin words, folded to the
//! plain Latin letters they stand for.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// The Latin letter a Cyrillic or Greek look-alike (lower case) stands for.
pub(super) fn homoglyph(c: char) -> Option<char> {
    Some(match c {
        'а' | 'α' => 'a',
        'в' | 'β' => 'b',
        'с' | 'ς' => 'c',
        'ԁ' => 'd',
        'е' | 'ё' | 'ε' => 'e',
        'һ' => 'h',
        'і' | 'ї' | 'ι' => 'i',
        'ј' => 'j',
        'к' | 'κ' => 'k',
        'м' => 'm',
        'п' | 'η' => 'n',
        'о' | 'ο' | 'σ' => 'o',
        'р' | 'ρ' => 'p',
        'ԛ' => 'q',
        'ѕ' => 's',
        'т' | 'τ' => 't',
        'υ' => 'u',
        'ν' => 'v',
        'ш' | 'ω' => 'w',
        'х' | 'χ' => 'x',
        'у' | 'γ' => 'y',
        'ø' => 'o',
        'ł' => 'l',
        'đ' => 'd',
        _ => return None,
    })
}

/// Folds look-alikes and accents in a word that has at least one ASCII letter (a word wholly
/// in Cyrillic, Greek or another script is left as it is).
pub(super) fn fold_latin(word: &str, out: &mut String) {
    if !word.chars().any(|c| c.is_ascii_alphabetic()) {
        out.push_str(word);
        return;
    }
    for c in word.chars() {
        if let Some(l) = homoglyph(c) {
            out.push(l);
        } else if c.is_ascii() {
            out.push(c);
        } else {
            // an accented Latin letter: its base letter without the marks
            let mut base = None;
            decompose_canonical(c, |d| {
                if base.is_none() && !is_combining_mark(d) {
                    base = Some(d);
                }
            });
            match base {
                Some(b) if b.is_ascii_alphabetic() => out.push(b),
                _ if is_combining_mark(c) => {}
                _ => out.push(c),
            }
        }
    }
}
