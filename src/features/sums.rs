//! A text's TF-IDF dot products with a scoring table, summed word by word.
//!
//! Scoring needs, per n-gram family, `Σ v·w` for each head and `Σ v²` (the norm), where `v`
//! is a feature's `tf(count)·idf` and `w` its weights: one row of the table, `[idf, w_1, …]`,
//! per feature. In a comment nearly every feature occurs once, when `v` is its signed IDF,
//! and a word's features are the same wherever it stands, so a word's share of the sums is
//! worked out once from its table rows and held in the word memo ([`WordSums`]): scoring a
//! comment adds a few numbers per word instead of reading a row per n-gram. The features
//! that occur more than once (a word repeated, char n-grams shared by two words) are then
//! put right one key at a time: their occurrences were summed one by one, `c` of them with
//! their signs, where the merged feature counts `tf(c)`.
//!
//! The sums are those of the merged row up to the order of additions (a few units in the
//! last place of an `f64`).

use super::cache::WordSums;
use super::counts::{flush, gather, next_id, Keys, Summed, VecScratch, CHUNK};
use super::hashing::{key_of, sign_of, Signed};
use super::vectorizer::Vectorizer;
use crate::text::Analyzer;

/// A fresh id for a scoring table, naming it to the word memo ([`Vectorizer::table_sums`]).
pub fn new_owner_id() -> u64 {
    next_id()
}

impl Vectorizer {
    /// The per-family sums of `text` against a scoring table whose row of column `col` is
    /// `row(col)`, `[idf, w_1, …]` (see the module's notes): `sums[f][0]` is family `f`'s squared
    /// norm, `sums[f][i]` its dot product with weights `i` before normalisation. `owner`, a
    /// [`new_owner_id`] of the table, tells the word memo whose sums it holds. `None` for a
    /// text too long to sum this way (then [`Vectorizer::visit_weights`]).
    pub fn table_sums<const W: usize>(
        &self,
        text: &str,
        sc: &mut VecScratch,
        owner: u64,
        row: impl Fn(u32) -> [f32; W],
    ) -> Option<[[f64; W]; 2]> {
        let rd = Reader {
            row,
            first_char: self.first_char,
            tf: |c| self.tf(c),
        };
        keyed_sums(
            &self.analyzer,
            self.config.bits,
            &self.keys(false),
            &rd,
            owner,
            text,
            sc,
        )
    }
}

/// A table row of `W` values, `[idf, w_1, …]` (`W` at most 4: three heads).
pub type Row<const W: usize> = [f32; W];

/// How [`keyed_sums`] reads a key: its table row and its family (0 word, 1 char), and its
/// count's term-frequency weight.
pub(super) struct Reader<R, T> {
    pub row: R,
    pub first_char: u32,
    pub tf: T,
}

/// The per-family sums of `text` against the table of `owner` (a non-zero id naming the
/// rows `row` reads): `sums[f][0]` is family `f`'s squared norm, `sums[f][i]` its dot product
/// with head `i`'s weights; a family none of whose features survived merging has norm
/// exactly 0. `None` for a text of more than [`CHUNK`] n-grams: those are counted
/// ([`super::counts::keyed_counts`]).
pub(super) fn keyed_sums<const W: usize, K, R, T>(
    analyzer: &Analyzer,
    bits: u32,
    keys: &Keys<K>,
    rd: &Reader<R, T>,
    owner: u64,
    text: &str,
    sc: &mut VecScratch,
) -> Option<[[f64; W]; 2]>
where
    K: Fn(u32) -> Option<u32>,
    R: Fn(u32) -> Row<W>,
    T: Fn(f32) -> f32,
{
    let of = |feats: &[Signed]| {
        let mut s = WordSums::default();
        add_occurrences(rd, feats, &mut s);
        s
    };
    let mut summed = Summed {
        owner,
        of: &of,
        total: WordSums::default(),
        overflow: false,
    };
    gather(analyzer, bits, keys, text, sc, Some(&mut summed));
    if summed.overflow {
        return None;
    }
    let VecScratch {
        feats: all,
        buckets,
        filter,
        repeated,
        tally,
        ..
    } = sc;
    // the n-grams that are not a held word's: looked up, then summed one by one
    let words = all.len();
    flush(buckets, all, &keys.key);
    if all.len() >= CHUNK {
        return None;
    }
    let mut total = summed.total;
    add_occurrences(rd, &all[words..], &mut total);
    // the keys that may occur more than once: those whose filter bit another occurrence set
    // (repeated keys and a few collisions), found in two passes over a filter that stays in
    // the first-level cache, with no branch; then each such key's occurrences together
    filter.resize(2 * FILTER_WORDS, 0);
    let (once, twice) = filter.split_at_mut(FILTER_WORDS);
    let mut occurrences = [0usize; 2];
    for &s in all.iter() {
        let (w, bit) = filter_bit(key_of(s));
        twice[w] |= once[w] & bit;
        once[w] |= bit;
        occurrences[(key_of(s) >= rd.first_char) as usize] += 1;
    }
    // written whatever the bit, kept when it is set: no branch to mispredict
    repeated.resize(all.len(), 0);
    let mut n = 0;
    for &s in all.iter() {
        let (w, bit) = filter_bit(key_of(s));
        if let Some(r) = repeated.get_mut(n) {
            *r = s;
        }
        n += (twice[w] & bit != 0) as usize;
    }
    repeated.truncate(n);
    filter.fill(0);
    // their occurrences and signed sums, `2^16·m + c` (m < CHUNK: no overflow); repeated keys
    // are mostly common n-grams, whose entries are at the start of the tally and in cache
    if tally.len() < keys.n_keys {
        tally.resize(keys.n_keys, 0);
    }
    for &s in repeated.iter() {
        tally[key_of(s) as usize] += (1 << 16) + sign_of(s) as i32;
    }
    // per family, the occurrences of keys whose signs cancelled: no feature
    let mut cancelled = [0usize; 2];
    for &s in repeated.iter() {
        let k = key_of(s);
        let t = std::mem::take(&mut tally[k as usize]);
        let m = (t + (1 << 15)) >> 16;
        if m <= 1 {
            continue; // seen already, or a collision in the filter
        }
        let c = t - (m << 16);
        let fam = (k >= rd.first_char) as usize;
        let r = (rd.row)(k);
        let idf = r[0] as f64;
        let v = if c == 0 {
            cancelled[fam] += m as usize;
            0.0 // and has no `tf`
        } else {
            ((rd.tf)(c as f32) * r[0]) as f64
        };
        // the m occurrences were summed one by one with their signs: c of them, net
        let sum = &mut total[fam];
        sum[0] += v * v - m as f64 * idf * idf;
        let dv = v - c as f64 * idf;
        for i in 1..W {
            sum[i] += dv * r[i] as f64;
        }
    }
    let live = [0, 1].map(|f| occurrences[f] > cancelled[f]);
    Some(std::array::from_fn(|f| {
        let mut out = [0.0; W];
        out.copy_from_slice(&total[f][..W]);
        // a family whose features all cancelled has no norm, not a rounding residue
        out[0] = if live[f] { out[0].max(0.0) } else { 0.0 };
        out
    }))
}

/// Words of the filter that finds repeated keys: 2^15 bits, so that a comment's few hundred
/// keys rarely collide.
const FILTER_WORDS: usize = 512;

/// The word and bit of key `k` in the filter: a multiplicative hash, so that neighbouring
/// columns spread.
#[inline(always)]
fn filter_bit(k: u32) -> (usize, u64) {
    let h = k.wrapping_mul(0x9e37_79b1) >> 17;
    ((h >> 6) as usize, 1 << (h & 63))
}

/// Adds each occurrence in `feats` (count ±1: `v` is its signed IDF) to `sums`.
#[inline]
fn add_occurrences<const W: usize, R, T>(rd: &Reader<R, T>, feats: &[Signed], sums: &mut WordSums)
where
    R: Fn(u32) -> Row<W>,
{
    for &s in feats {
        let k = key_of(s);
        let r = (rd.row)(k);
        let v = (sign_of(s) as f32 * r[0]) as f64;
        let sum = &mut sums[(k >= rd.first_char) as usize];
        sum[0] += v * v;
        for i in 1..W {
            sum[i] += v * r[i] as f64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::counts::{every_bucket, keyed_counts, next_id};
    use super::*;
    use crate::text::TextConfig;

    /// The sums of the merged counts, feature by feature, as scoring took them before.
    fn counted<const W: usize>(
        a: &Analyzer,
        keys: &Keys<impl Fn(u32) -> Option<u32>>,
        rd: &Reader<impl Fn(u32) -> Row<W>, impl Fn(f32) -> f32>,
        text: &str,
    ) -> [[f64; W]; 2] {
        let mut out = [[0.0; W]; 2];
        for &(k, c) in keyed_counts(a, 12, keys, text, &mut VecScratch::default()) {
            let r = (rd.row)(k);
            let v = ((rd.tf)(c) * r[0]) as f64;
            let sum = &mut out[(k >= rd.first_char) as usize];
            sum[0] += v * v;
            for i in 1..W {
                sum[i] += v * r[i] as f64;
            }
        }
        out
    }

    /// Summed word by word, with repeated keys put right, a text's sums are those of its
    /// merged counts: with few keys (so that n-grams share keys, with both signs, and some
    /// cancel), words too long to hold, and a warm memo or a cold one, bit for bit alike.
    #[test]
    fn word_sums_equal_the_merged_counts() {
        let a = Analyzer::new(TextConfig::default()).unwrap();
        for n_keys in [7u32, 64, 4096] {
            let keys = Keys {
                owner: next_id(),
                n_keys: n_keys as usize,
                sorted: false,
                key: move |b: u32| (!b.is_multiple_of(5)).then_some(b % n_keys),
            };
            let rd = Reader {
                row: |k: u32| [1.0 + k as f32 / 3.0, (k % 5) as f32 - 2.0, 0.5, -(k as f32)],
                first_char: n_keys / 2,
                tf: |c: f32| c.signum() * (1.0 + c.abs().ln()),
            };
            let owner = next_id();
            let long = "x".repeat(40);
            let texts = [
                "the talks, the talks and the talks",
                "idiot idiot IDIOT stupid stpuid",
                &format!("{long} {long} banana #banana @user 42 42"),
                "a",
                "",
            ];
            let mut warm = VecScratch::default();
            for t in texts.iter().chain(&texts) {
                let want = counted(&a, &keys, &rd, t);
                let got = keyed_sums(&a, 12, &keys, &rd, owner, t, &mut warm).unwrap();
                let cold =
                    keyed_sums(&a, 12, &keys, &rd, owner, t, &mut VecScratch::default()).unwrap();
                assert_eq!(got, cold, "{n_keys} {t}");
                for (g, w) in got.iter().flatten().zip(want.iter().flatten()) {
                    assert!(
                        (g - w).abs() <= 1e-9 * (1.0 + w.abs()),
                        "{n_keys} {t}: {got:?} {want:?}"
                    );
                }
            }
        }
    }

    /// A text past [`CHUNK`] n-grams is left to counting.
    #[test]
    fn a_text_too_long_to_sum_is_left_to_counting() {
        let a = Analyzer::new(TextConfig::default()).unwrap();
        let keys = every_bucket();
        let rd = Reader {
            row: |_: u32| [1.0f32, 1.0],
            first_char: 1 << 11,
            tf: |c: f32| c,
        };
        let mut sc = VecScratch::default();
        let text = "ha ".repeat(CHUNK);
        assert!(keyed_sums(&a, 12, &keys, &rd, next_id(), &text, &mut sc).is_none());
        assert!(keyed_sums(&a, 12, &keys, &rd, next_id(), "ha ha", &mut sc).is_some());
    }
}
