//! Training on typo'd copies of every row (`gavel train --augment N`): each copy keeps its
//! row's labels and target and gives a share of its long words one random typo (two adjacent
//! inner letters swapped, an inner letter dropped, doubled, struck as its keyboard neighbour,
//! or a vowel changed). Rows of every class are copied alike, so that the model learns that a
//! misspelling changes nothing, not that odd spelling means abuse; the copies teach it to
//! weigh what a typo leaves (char n-grams, the word keys) over what it breaks.
//! Deterministic: the same data and settings give the same copies.

use super::data::TrainingData;
use crate::error::{Error, Result};
use crate::text::tokenize::rewrite_letter_runs;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// How many copies, how many of their words are changed, and the seed. Recorded in the model.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Augment {
    /// typo'd copies of every row (0: none)
    pub copies: usize,
    /// the share of each copy's words of 4+ ASCII letters given a typo
    pub rate: f64,
    pub seed: u64,
}

impl Default for Augment {
    fn default() -> Self {
        Augment {
            copies: 0,
            rate: 0.5,
            seed: 1,
        }
    }
}

/// Most copies a run may ask for (each adds the data's size to training's memory).
pub const MAX_COPIES: usize = 10;
/// Shortest word given a typo.
const MIN_LETTERS: usize = 4;

impl Augment {
    pub fn check(&self) -> Result<()> {
        if self.copies > MAX_COPIES {
            return Err(Error::Param(format!(
                "augment = {} copies; at most {MAX_COPIES}",
                self.copies
            )));
        }
        if !(self.rate > 0.0 && self.rate <= 1.0) {
            return Err(Error::Param(format!(
                "augment rate = {} must be above 0 and at most 1",
                self.rate
            )));
        }
        Ok(())
    }
}

/// `data` followed by `a.copies` typo'd copies of its rows (copy `c` of row `i` is row
/// `(c + 1) · n + i`), each with row `i`'s labels, target, group and line.
pub fn with_copies(data: &TrainingData, a: &Augment) -> TrainingData {
    let n = data.texts.len();
    let mut rng = ChaCha8Rng::seed_from_u64(a.seed);
    let all: Vec<usize> = (0..(a.copies + 1) * n).map(|i| i % n).collect();
    let mut out = data.subset(&all);
    out.skipped = data.skipped.clone();
    for t in &mut out.texts[n..] {
        *t = typos(t, a.rate, &mut rng);
    }
    out
}

/// `text` with each maximal run of 4+ ASCII letters given one typo with probability `rate`.
pub fn typos(text: &str, rate: f64, rng: &mut impl Rng) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    rewrite_letter_runs(text, &mut out, |word, out| {
        if word.len() >= MIN_LETTERS && rng.gen_bool(rate) {
            let mut w = word.to_string();
            typo(&mut w, rng);
            out.push_str(&w);
        } else {
            out.push_str(word);
        }
    });
    out
}

/// One random typo at a random inner letter of `w` (ASCII letters, 4 or more).
fn typo(w: &mut String, rng: &mut dyn rand::RngCore) {
    let mut b = std::mem::take(w).into_bytes();
    let i = rng.gen_range(1..b.len() - 1);
    match rng.gen_range(0..5) {
        0 => {
            let j = rng.gen_range(1..b.len() - 2);
            b.swap(j, j + 1);
        }
        1 => {
            b.remove(i);
        }
        2 => b.insert(i, b[i]),
        3 => b[i] = qwerty_neighbour(b[i], rng.gen_bool(0.5)),
        _ => {
            const VOWELS: &[u8] = b"aeiou";
            if VOWELS.contains(&b[i].to_ascii_lowercase()) {
                b[i] = VOWELS[rng.gen_range(0..VOWELS.len())];
            }
        }
    }
    *w = String::from_utf8(b).unwrap_or_default();
}

/// A key beside letter `c` on a QWERTY keyboard, lower case: the one to its right when `right`
/// (to its left at a row's end), else the one to its left (to its right at a row's start);
/// `c` itself when it is not a letter. The attack suite's keyboard family uses it too.
pub fn qwerty_neighbour(c: u8, right: bool) -> u8 {
    const ROWS: [&[u8]; 3] = [b"qwertyuiop", b"asdfghjkl", b"zxcvbnm"];
    let l = c.to_ascii_lowercase();
    for row in ROWS {
        if let Some(i) = row.iter().position(|&k| k == l) {
            let j = match (right, i) {
                (true, i) if i + 1 < row.len() => i + 1,
                (_, 0) => 1,
                (_, i) => i - 1,
            };
            return row[j];
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::data::{toy_insults, Labels};

    #[test]
    fn copies_keep_labels_and_only_misspell_long_words() {
        let data = toy_insults(20);
        let a = Augment {
            copies: 2,
            rate: 1.0,
            seed: 3,
        };
        let out = with_copies(&data, &a);
        assert_eq!(out.texts.len(), 120);
        assert_eq!(out.texts[..40], data.texts[..]);
        let (Labels::Classes { values: y, .. }, Labels::Classes { values: y0, .. }) =
            (&out.labels, &data.labels)
        else {
            panic!("class labels");
        };
        for i in 0..120 {
            assert_eq!(y[i], y0[i % 40]);
        }
        let mut changed = 0;
        for i in 40..120 {
            let (orig, copy) = (&data.texts[i % 40], &out.texts[i]);
            let (ow, cw): (Vec<&str>, Vec<&str>) =
                (orig.split(' ').collect(), copy.split(' ').collect());
            assert_eq!(ow.len(), cw.len(), "{orig} / {copy}");
            for (o, c) in ow.iter().zip(&cw) {
                if o.len() < 4 || !o.bytes().all(|b| b.is_ascii_alphabetic()) {
                    assert_eq!(o, c);
                } else {
                    assert_eq!(o.as_bytes()[0], c.as_bytes()[0], "first letter kept");
                    changed += usize::from(o != c);
                }
            }
        }
        assert!(changed > 60, "{changed}");
        assert_eq!(with_copies(&data, &a).texts, out.texts, "deterministic");
        let other = Augment { seed: 4, ..a };
        assert_ne!(with_copies(&data, &other).texts, out.texts);
        assert!(Augment { copies: 11, ..a }.check().is_err());
        assert!(Augment { rate: 0.0, ..a }.check().is_err());
    }
}
