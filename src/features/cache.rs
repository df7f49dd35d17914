//! A per-thread memo of per-word work. Comments reuse a small vocabulary, and a word's stem and
//! char n-grams depend on the word alone, so each distinct word is stemmed, cut into char
//! n-grams and hashed once, not at every occurrence. Bounded: when it holds [`CAPACITY`] words
//! it starts over. It only memoises, so results are the same with it or without it.

use crate::text::Reading;
use rustc_hash::FxHashMap;

/// Most distinct words held before the memo is cleared (a few MB per thread).
pub const CAPACITY: usize = 1 << 16;

/// What a word contributes: its form for word n-grams, and its char n-gram features as
/// `(key, signed count)`, where the key is a hash bucket or a feature column.
#[derive(Default)]
pub struct WordCache {
    /// per reading of a comment (a word's stem and n-grams depend on it): word → entry
    map: [FxHashMap<Box<str>, u32>; 2],
    entries: Vec<Entry>,
    stems: String,
    feats: Vec<(u32, f32)>,
}

#[derive(Clone, Copy)]
struct Entry {
    stem: (u32, u32),
    feats: (u32, u32),
}

impl WordCache {
    /// The `(stem, char features)` of `word` in a comment read as `reading`, computed by
    /// `fill(stem_out, feats_out)` the first time (it appends to both).
    pub fn get(
        &mut self,
        word: &str,
        reading: Reading,
        fill: impl FnOnce(&mut String, &mut Vec<(u32, f32)>),
    ) -> (&str, &[(u32, f32)]) {
        let r = reading as usize;
        let e = match self.map[r].get(word) {
            Some(&i) => self.entries[i as usize],
            None => {
                if self.entries.len() >= CAPACITY {
                    self.map.iter_mut().for_each(|m| m.clear());
                    self.entries.clear();
                    self.stems.clear();
                    self.feats.clear();
                }
                let (s0, f0) = (self.stems.len(), self.feats.len());
                fill(&mut self.stems, &mut self.feats);
                let e = Entry {
                    stem: (s0 as u32, self.stems.len() as u32),
                    feats: (f0 as u32, self.feats.len() as u32),
                };
                self.map[r].insert(word.into(), self.entries.len() as u32);
                self.entries.push(e);
                e
            }
        };
        (
            &self.stems[e.stem.0 as usize..e.stem.1 as usize],
            &self.feats[e.feats.0 as usize..e.feats.1 as usize],
        )
    }

    /// Number of words held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_once_and_returns_the_same_entry() {
        let mut c = WordCache::default();
        let mut calls = 0;
        for _ in 0..3 {
            let (s, f) = c.get("running", Reading::Stemmed, |s, f| {
                calls += 1;
                s.push_str("run");
                f.push((7, 1.0));
            });
            assert_eq!((s, f), ("run", &[(7, 1.0)][..]));
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
}
