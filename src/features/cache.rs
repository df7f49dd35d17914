//! A per-thread memo of per-word work. Comments reuse a small vocabulary, and a word's stem and
//! char n-grams depend on the word alone, so each distinct word is stemmed, cut into char
//! n-grams and hashed once, not at every occurrence. Bounded: when it holds [`CAPACITY`] words
//! it starts over. It only memoises, so results are the same with it or without it.
//!
//! A look-up is a few cache misses at most, as it runs for every word of every comment: the
//! word is held inside the hash table's slot (words of up to [`SHORT`] bytes; longer ones, and
//! words whose stems are longer, are worked out at each occurrence), its stem and char
//! n-grams in two arenas that are cleared with the table. A stem is read back as a slice of
//! a `String`, with no UTF-8 check.
//!
//! Scoring also asks for a word's [`WordSums`] (its features' contributions to a model's dot
//! products, see `features::sums`): worked out from the held features the first time one
//! table asks, and held beside the entry, tagged with that table's owner id.

use super::hashing::Signed;
use crate::text::Reading;
use rustc_hash::FxHashMap;

/// Most distinct words held before the memo is cleared (a few MB per thread).
pub const CAPACITY: usize = 1 << 16;

/// Longest word, and longest stem, held in the memo, in bytes.
pub const SHORT: usize = 22;

/// Up to [`SHORT`] bytes of a word, held in place, with a tag (its reading).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Short {
    bytes: [u8; SHORT],
    len: u8,
    tag: u8,
}

impl Short {
    fn new(s: &str, tag: u8) -> Option<Short> {
        let b = s.as_bytes();
        (b.len() <= SHORT).then(|| {
            let mut bytes = [0; SHORT];
            bytes[..b.len()].copy_from_slice(b);
            Short {
                bytes,
                len: b.len() as u8,
                tag,
            }
        })
    }
}

/// What a word contributes: its form for word n-grams, and its char n-gram features as
/// [`Signed`] keys, where the key is a hash bucket or a feature column.
#[derive(Default)]
pub struct WordCache {
    /// (word, reading of its comment: a word's stem and n-grams depend on it) → entry
    map: FxHashMap<Short, Entry>,
    /// the held words' stems, end to end
    stems: String,
    feats: Vec<Signed>,
    /// per entry (by its ordinal), the owner id of the table whose sums are held (0: none),
    /// and the sums; grown only when scoring asks, so counting alone never allocates it
    sums: Vec<(u64, WordSums)>,
    /// a word not held: its stem and features, worked out afresh
    stem: String,
    spill: Vec<Signed>,
}

/// A word's features' contributions to a scoring table's dot products, per family (word,
/// char): `[Σ v², Σ v·w_1, Σ v·w_2, Σ v·w_3]`, `v` each feature's signed IDF (see
/// `features::sums`).
pub type WordSums = [[f64; 4]; 2];

#[derive(Clone, Copy)]
struct Entry {
    /// its ranges in `stems` (bytes) and in `feats`
    stem: (u32, u32),
    feats: (u32, u32),
    /// the entry's number, in order of insertion: its place in `sums`
    ordinal: u32,
}

impl WordCache {
    /// The `(stem, char features)` of `word` in a comment read as `reading`, computed by
    /// `fill(stem_out, feats_out)` the first time (it appends to both).
    pub fn get(
        &mut self,
        word: &str,
        reading: Reading,
        fill: impl FnOnce(&mut String, &mut Vec<Signed>),
    ) -> (&str, &[Signed]) {
        match self.find(word, reading, fill) {
            Some(e) => self.held(e),
            None => (&self.stem, &self.spill),
        }
    }

    /// As [`WordCache::get`], with the word's sums for the table of `owner` (a non-zero id):
    /// `sums_of(features)`, worked out the first time that table asks.
    pub fn get_summed(
        &mut self,
        word: &str,
        reading: Reading,
        fill: impl FnOnce(&mut String, &mut Vec<Signed>),
        owner: u64,
        sums_of: impl FnOnce(&[Signed]) -> WordSums,
    ) -> (&str, &[Signed], WordSums) {
        let Some(e) = self.find(word, reading, fill) else {
            return (&self.stem, &self.spill, sums_of(&self.spill));
        };
        let i = e.ordinal as usize;
        if self.sums.len() <= i {
            self.sums.resize(i + 1, (0, WordSums::default()));
        }
        if self.sums[i].0 != owner {
            let (f0, f1) = e.feats;
            self.sums[i] = (owner, sums_of(&self.feats[f0 as usize..f1 as usize]));
        }
        let sums = self.sums[i].1;
        let (stem, feats) = self.held(e);
        (stem, feats, sums)
    }

    /// The entry of `word`, filled the first time; `None` for a word not held, whose stem
    /// and features are then in `stem` and `spill`.
    fn find(
        &mut self,
        word: &str,
        reading: Reading,
        fill: impl FnOnce(&mut String, &mut Vec<Signed>),
    ) -> Option<Entry> {
        let Some(key) = Short::new(word, reading as u8) else {
            self.stem.clear();
            self.spill.clear();
            fill(&mut self.stem, &mut self.spill);
            return None;
        };
        if self.map.len() >= CAPACITY && !self.map.contains_key(&key) {
            self.map.clear();
            self.stems.clear();
            self.feats.clear();
            // ordinals start again: no held sums may outlive their entry
            self.sums.clear();
        }
        let n = self.map.len() as u32;
        let Self {
            map,
            stems,
            feats,
            stem,
            spill,
            ..
        } = self;
        Some(match map.entry(key) {
            std::collections::hash_map::Entry::Occupied(o) => *o.get(),
            std::collections::hash_map::Entry::Vacant(v) => {
                let (s0, f0) = (stems.len(), feats.len());
                fill(stems, feats);
                if stems.len() - s0 > SHORT {
                    // a stem longer than any held word: not held
                    stem.clear();
                    stem.push_str(&stems[s0..]);
                    stems.truncate(s0);
                    spill.clear();
                    spill.extend(feats.drain(f0..));
                    return None;
                }
                *v.insert(Entry {
                    stem: (s0 as u32, stems.len() as u32),
                    feats: (f0 as u32, feats.len() as u32),
                    ordinal: n,
                })
            }
        })
    }

    /// The held stem and features of entry `e`.
    fn held(&self, e: Entry) -> (&str, &[Signed]) {
        let ((s0, s1), (f0, f1)) = (e.stem, e.feats);
        (
            &self.stems[s0 as usize..s1 as usize],
            &self.feats[f0 as usize..f1 as usize],
        )
    }

    /// Number of words held.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::super::hashing::NEG;
    use super::*;

    #[test]
    fn fills_once_and_returns_the_same_entry() {
        let mut c = WordCache::default();
        let mut calls = 0;
        for _ in 0..3 {
            let (s, f) = c.get("running", Reading::Stemmed, |s, f| {
                calls += 1;
                s.push_str("run");
                f.push(7);
            });
            assert_eq!((s, f), ("run", &[7][..]));
        }
        assert_eq!(calls, 1);
        // the same word in a comment read another way is another entry
        let (s, _) = c.get("running", Reading::Roman, |s, _| s.push_str("running"));
        assert_eq!(s, "running");
        assert_eq!(c.len(), 2);
    }

    #[test]
    fn stays_bounded() {
        let mut c = WordCache::default();
        for i in 0..CAPACITY + 10 {
            let w = format!("w{i}");
            let (s, _) = c.get(&w, Reading::Stemmed, |s, _| s.push_str(&w));
            assert_eq!(s, w);
        }
        assert!(c.len() <= CAPACITY);
    }

    /// Words, or stems, too long to hold are worked out at every occurrence, and the held
    /// entries around them stay right.
    #[test]
    fn long_words_and_stems_are_worked_out_each_time() {
        let mut c = WordCache::default();
        let long = "a".repeat(SHORT + 1);
        let mut calls = 0;
        for _ in 0..2 {
            let (s, f) = c.get(&long, Reading::Stemmed, |s, f| {
                calls += 1;
                s.push_str("long");
                f.push(1);
            });
            assert_eq!((s, f), ("long", &[1][..]));
            // a short word whose stem is long
            let (s, f) = c.get("w", Reading::Stemmed, |s, f| {
                calls += 1;
                s.push_str(&long);
                f.push(2 | NEG);
            });
            assert_eq!((s, f), (long.as_str(), &[2 | NEG][..]));
            let (s, f) = c.get("ok", Reading::Stemmed, |s, f| {
                s.push_str("ok");
                f.push(3);
            });
            assert_eq!((s, f), ("ok", &[3][..]));
        }
        assert_eq!((calls, c.len()), (4, 1));
    }
}
