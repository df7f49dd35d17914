//! The reverse dictionary: for the feature columns that matter most, the n-grams of the
//! training texts that landed in them, most frequent first. Hashing keeps no vocabulary, so
//! without this a column is a number; with it, `inspect` and explanations read as words, and a
//! column holding several frequent n-grams shows its hash collision.
//!
//! Bounded: at most `columns` columns (chosen by the caller, e.g. the largest weights) and
//! [`GRAMS_PER_COLUMN`] n-grams each.

use super::grams::GramMemo;
use super::Vectorizer;
use crate::text::Scratch;
use rayon::prelude::*;

/// N-grams kept per column.
pub const GRAMS_PER_COLUMN: usize = 3;
/// Most training rows read to build the dictionary (an evenly spaced sample beyond that).
pub const SAMPLE_ROWS: usize = 20_000;
/// Distinct n-grams tracked per column and chunk of rows.
const CANDIDATES: usize = 8;
/// Rows per chunk of the parallel count (fixed, so the result does not depend on threads).
const CHUNK_ROWS: usize = 2048;
/// Longest n-gram kept, in bytes (longer ones are cut at a char boundary).
const MAX_GRAM_BYTES: usize = 64;

/// Columns → their most frequent training n-grams, sorted by column.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Vocab {
    entries: Vec<(u32, Vec<String>)>,
}

impl Vocab {
    /// Counts the n-grams of every column in `columns` over an evenly spaced sample of at
    /// most [`SAMPLE_ROWS`] of `texts`, and keeps the [`GRAMS_PER_COLUMN`] most frequent of
    /// each (ties in byte order). Each chunk of rows tracks at most [`CANDIDATES`] distinct
    /// n-grams per column (a column rarely holds more: collisions are few), and chunks are
    /// merged in order, so the result does not depend on the thread count.
    pub fn build<T: AsRef<str> + Sync>(v: &Vectorizer, texts: &[T], columns: &[u32]) -> Vocab {
        const NONE: u32 = u32::MAX;
        let mut slot = vec![NONE; v.n_features()];
        let mut cols: Vec<u32> = columns
            .iter()
            .copied()
            .filter(|&c| (c as usize) < slot.len())
            .collect();
        cols.sort_unstable();
        cols.dedup();
        for (i, &c) in cols.iter().enumerate() {
            slot[c as usize] = i as u32;
        }
        let step = texts.len().div_ceil(SAMPLE_ROWS).max(1);
        let sample: Vec<&str> = texts.iter().step_by(step).map(|t| t.as_ref()).collect();
        type Counts = Vec<Vec<(String, u32)>>;
        let add = |per: &mut Vec<(String, u32)>, g: &str, n: u32| match per
            .iter()
            .position(|(x, _)| x == g)
        {
            Some(i) => per[i].1 += n,
            None if per.len() < CANDIDATES => per.push((g.to_string(), n)),
            None => {}
        };
        let count_chunk = |memo: &mut GramMemo, chunk: &[&str]| {
            let mut m: Counts = vec![Vec::new(); cols.len()];
            let mut sc = Scratch::default();
            let keep = |col: u32| slot[col as usize] != NONE;
            for t in chunk {
                v.count_kept_grams(t, &mut sc, memo, keep, |col, g| {
                    add(&mut m[slot[col as usize] as usize], g, 1);
                });
            }
            // char n-grams once per distinct token of the chunk, weighted by its count
            memo.drain_char_grams(|col, g, n| add(&mut m[slot[col as usize] as usize], g, n));
            m
        };
        // each thread takes a run of chunks with one memo (a chunk's counts do not depend on
        // what the memo held before)
        let chunks: Vec<&[&str]> = sample.chunks(CHUNK_ROWS).collect();
        let run = chunks.len().div_ceil(rayon::current_num_threads()).max(1);
        let parts: Vec<Counts> = chunks
            .par_chunks(run)
            .flat_map_iter(|run| {
                let mut memo = GramMemo::default();
                run.iter()
                    .map(|c| count_chunk(&mut memo, c))
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut total: Counts = vec![Vec::new(); cols.len()];
        for part in parts {
            for (into, per) in total.iter_mut().zip(part) {
                if into.is_empty() {
                    *into = per;
                    continue;
                }
                for (g, n) in per {
                    add(into, &g, n);
                }
            }
        }
        let entries = cols
            .into_iter()
            .zip(total)
            .filter(|(_, per)| !per.is_empty())
            .map(|(col, mut grams)| {
                grams.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                grams.truncate(GRAMS_PER_COLUMN);
                (col, grams.into_iter().map(|(g, _)| cut(g)).collect())
            })
            .collect();
        Vocab { entries }
    }

    /// The training n-grams of `column`, most frequent first, if it is in the dictionary.
    pub fn grams(&self, column: u32) -> Option<&[String]> {
        self.entries
            .binary_search_by_key(&column, |e| e.0)
            .ok()
            .map(|i| self.entries[i].1.as_slice())
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// `u32 count`, then per entry `u32 column`, `u8 grams`, per gram `u8 length` and its
    /// UTF-8 bytes; little-endian.
    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&(self.entries.len() as u32).to_le_bytes());
        for (col, grams) in &self.entries {
            out.extend_from_slice(&col.to_le_bytes());
            out.push(grams.len() as u8);
            for g in grams {
                out.push(g.len() as u8);
                out.extend_from_slice(g.as_bytes());
            }
        }
    }

    /// Reads what [`Vocab::write`] wrote from the front of `b`; returns the dictionary and the
    /// bytes after it. Columns must be increasing and below `n_features`.
    pub fn read(b: &[u8], n_features: usize) -> Result<(Vocab, &[u8]), String> {
        let mut r = b;
        let mut take = |n: usize| -> Result<&[u8], String> {
            if r.len() < n {
                return Err("the n-gram dictionary is cut short".into());
            }
            let (head, tail) = r.split_at(n);
            r = tail;
            Ok(head)
        };
        let u32_of = |s: &[u8]| u32::from_le_bytes([s[0], s[1], s[2], s[3]]);
        let n = u32_of(take(4)?) as usize;
        if n > n_features {
            return Err("the n-gram dictionary has more columns than the model".into());
        }
        let mut entries: Vec<(u32, Vec<String>)> = Vec::with_capacity(n);
        for _ in 0..n {
            let col = u32_of(take(4)?);
            if col as usize >= n_features || entries.last().is_some_and(|e| e.0 >= col) {
                return Err("the n-gram dictionary's columns are out of order".into());
            }
            let k = take(1)?[0] as usize;
            let mut grams = Vec::with_capacity(k);
            for _ in 0..k {
                let len = take(1)?[0] as usize;
                let g = std::str::from_utf8(take(len)?)
                    .map_err(|_| "the n-gram dictionary holds invalid UTF-8".to_string())?;
                grams.push(g.to_string());
            }
            entries.push((col, grams));
        }
        Ok((Vocab { entries }, r))
    }
}

/// Cuts a gram to [`MAX_GRAM_BYTES`] at a char boundary (its length must fit a byte).
fn cut(mut g: String) -> String {
    if g.len() > MAX_GRAM_BYTES {
        let mut end = MAX_GRAM_BYTES;
        while !g.is_char_boundary(end) {
            end -= 1;
        }
        g.truncate(end);
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::FeatureConfig;
    use crate::text::TextConfig;

    /// Word n-grams visited per text plus char n-grams drained per token give every kept
    /// n-gram of the texts as often as `visit_grams` visits it, and `keep` filters both.
    #[test]
    fn the_memo_counts_what_visit_grams_visits() {
        use std::collections::BTreeMap;
        let texts: Vec<String> = [
            "You are an idiot, an IDIOT!",
            "#peace talks @user https://x.co 10,000 😂 résumé",
            "f*ck these talks; idiot talks again",
            "",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let (v, _) =
            Vectorizer::fit(TextConfig::default(), FeatureConfig::default(), &texts).unwrap();
        for keep in [(|_| true) as fn(u32) -> bool, |c| c % 2 == 1] {
            let mut memo = GramMemo::default();
            let mut sc = Scratch::default();
            let (mut want, mut got) = (BTreeMap::new(), BTreeMap::new());
            // twice over, so the second pass reads every token from the memo; drained
            // between, so counts start afresh
            for round in 0..2 {
                for t in &texts {
                    v.visit_grams(t, &mut Scratch::default(), |c, g| {
                        if keep(c) {
                            *want.entry((round, c, g.to_string())).or_insert(0) += 1;
                        }
                    });
                    v.count_kept_grams(t, &mut sc, &mut memo, keep, |c, g| {
                        *got.entry((round, c, g.to_string())).or_insert(0) += 1;
                    });
                }
                memo.drain_char_grams(|c, g, n| {
                    *got.entry((round, c, g.to_string())).or_insert(0) += n;
                });
            }
            assert!(
                want.keys().any(|(_, _, g)| g.starts_with('<')),
                "char grams"
            );
            assert!(want.keys().any(|(_, _, g)| g.contains(' ')), "word bigrams");
            assert_eq!(got, want);
        }
    }

    #[test]
    fn most_frequent_grams_per_column_and_a_byte_round_trip() {
        let texts: Vec<String> = (0..50)
            .map(|i| match i % 5 {
                0..=2 => "idiot idiot moron".to_string(),
                _ => "peace talks résumé".to_string(),
            })
            .collect();
        let (v, _) =
            Vectorizer::fit(TextConfig::default(), FeatureConfig::default(), &texts).unwrap();
        let all: Vec<u32> = (0..v.n_features() as u32).collect();
        let d = Vocab::build(&v, &texts, &all);
        assert_eq!(
            d.len(),
            v.n_features(),
            "every kept column was seen in training"
        );
        let col_of = |g: &str| {
            let mut found = None;
            v.visit_grams(g, &mut Scratch::default(), |c, x| {
                if x == g {
                    found = Some(c)
                }
            });
            found.unwrap()
        };
        assert_eq!(d.grams(col_of("idiot")).unwrap()[0], "idiot");
        let mut bytes = vec![];
        d.write(&mut bytes);
        bytes.extend_from_slice(b"rest");
        let (back, rest) = Vocab::read(&bytes, v.n_features()).unwrap();
        assert_eq!((back, rest), (d, &b"rest"[..]));
        assert!(Vocab::read(&bytes[..bytes.len() - 10], v.n_features()).is_err());
        assert!(Vocab::read(&bytes, 1).is_err());
    }
}
