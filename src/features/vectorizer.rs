//! The hashing TF-IDF vectorizer: n-grams → signed buckets → term counts → sublinear TF ×
//! IDF (learned at training) → L2 per n-gram family → a compact sparse row.
//!
//! Only buckets seen in training (document frequency ≥ `min_df`) are kept; they are numbered
//! `0..n_features()` (see [`Vectorizer`] for the order), and those numbers are the model's
//! weight columns.

use super::counts::{keyed_counts, next_id, Keys};
use super::lookup::Lookup;
use super::sparse::Csr;
use crate::error::{Error, Result};
use crate::text::spelling::Speller;
use crate::text::{Analyzer, Family, TextConfig};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

pub use super::counts::VecScratch;

/// How n-grams become feature values. Stored in the model file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureConfig {
    /// log2 of the number of hash buckets (half for word, half for char n-grams). Default 20.
    pub bits: u32,
    /// Use `1 + ln(tf)` instead of raw counts. Default true.
    pub sublinear_tf: bool,
    /// Drop buckets seen in fewer than this many training documents. Default 1.
    pub min_df: u32,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        FeatureConfig {
            bits: 20,
            sublinear_tf: true,
            min_df: 1,
        }
    }
}

impl FeatureConfig {
    pub fn check(&self) -> Result<()> {
        if !(8..=26).contains(&self.bits) {
            return Err(Error::Param(format!(
                "bits = {} must be within 8..=26 (2^8 to 2^26 buckets)",
                self.bits
            )));
        }
        if self.min_df == 0 {
            return Err(Error::Param("min_df must be at least 1".into()));
        }
        Ok(())
    }
}

/// A fitted vectorizer: text and feature config, the kept buckets and their IDF.
///
/// Feature columns are numbered word family first, then char family, each by falling
/// document frequency in training (ties in bucket order). Frequent features thus sit together
/// at the start of each family: the per-column arrays that training and scoring touch for
/// every n-gram (weights, IDF, counts) stay within a few cache-sized blocks instead of striding
/// over the whole hash-ordered range.
pub struct Vectorizer {
    pub(super) analyzer: Analyzer,
    pub(super) config: FeatureConfig,
    pub(super) buckets: Vec<u32>,
    pub(super) idf: Vec<f32>,
    /// bucket → column, for the kept buckets
    pub(super) lookup: Lookup,
    /// first char-family column (word-family columns come first)
    pub(super) first_char: u32,
    /// ties per-thread word memos to this vectorizer
    pub(super) id: u64,
}

/// Counts whose sublinear term frequency is looked up, not computed.
const SMALL_COUNTS: usize = 256;

/// `1 + ln k` for the counts `k` below [`SMALL_COUNTS`], as [`Vectorizer::tf`] would compute
/// them: nearly every count of a comment, so scoring takes no logarithm.
static LOG_TF: LazyLock<[f32; SMALL_COUNTS]> =
    LazyLock::new(|| std::array::from_fn(|k| 1.0 + (k as f32).ln()));

impl Vectorizer {
    /// Rebuilds a fitted vectorizer from its stored parts (as read from a model file).
    pub fn from_parts(
        text: TextConfig,
        config: FeatureConfig,
        buckets: Vec<u32>,
        idf: Vec<f32>,
    ) -> Result<Vectorizer> {
        config.check()?;
        let analyzer = Analyzer::new(text)?;
        if buckets.len() != idf.len() {
            return Err(Error::Data("bucket and idf lists differ in length".into()));
        }
        // any order with the word family first; format 1 files had increasing buckets
        let half = 1u32 << (config.bits - 1);
        let first_char = buckets.partition_point(|&b| b < half) as u32;
        let mixed = |(col, &b): (usize, &u32)| (b >= half) != (col as u32 >= first_char);
        if buckets.iter().enumerate().any(mixed) {
            return Err(Error::Data(
                "bucket list does not put the word family before the char family".into(),
            ));
        }
        let lookup = Lookup::new(&buckets, config.bits)?;
        Ok(Vectorizer {
            analyzer,
            config,
            buckets,
            idf,
            lookup,
            first_char,
            id: next_id(),
        })
    }

    /// Gives the vectorizer of a spelling-correcting config its training words (as a model
    /// file stores them).
    pub fn set_speller(&mut self, speller: Speller) -> Result<()> {
        if !self.text_config().spell {
            return Err(Error::Data(
                "training words for a model that corrects no spelling".into(),
            ));
        }
        self.analyzer.set_speller(std::sync::Arc::new(speller));
        Ok(())
    }

    /// The training words of a spelling-correcting vectorizer.
    pub fn speller(&self) -> Option<&Speller> {
        self.analyzer.speller().map(|s| s.as_ref())
    }

    pub fn text_config(&self) -> &TextConfig {
        self.analyzer.config()
    }
    pub fn feature_config(&self) -> &FeatureConfig {
        &self.config
    }
    /// Number of feature columns (kept buckets).
    pub fn n_features(&self) -> usize {
        self.buckets.len()
    }
    /// The hash bucket behind feature column `col`.
    pub fn buckets(&self) -> &[u32] {
        &self.buckets
    }
    pub fn idf(&self) -> &[f32] {
        &self.idf
    }
    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    /// Feature column of a hash bucket, if it was kept at training.
    pub fn column_of(&self, bucket: u32) -> Option<u32> {
        self.lookup.column(bucket)
    }

    /// Vectorizes one text into `(idx, val)` (cleared first): TF-IDF, each family
    /// L2-normalised, columns in order of first occurrence (a dot product needs no order).
    pub fn transform_into(
        &self,
        text: &str,
        sc: &mut VecScratch,
        idx: &mut Vec<u32>,
        val: &mut Vec<f32>,
    ) {
        self.transform_with(text, false, sc, idx, val);
    }

    /// As [`Vectorizer::transform_into`], with increasing columns (a [`Csr`] row).
    pub fn transform_sorted_into(
        &self,
        text: &str,
        sc: &mut VecScratch,
        idx: &mut Vec<u32>,
        val: &mut Vec<f32>,
    ) {
        self.transform_with(text, true, sc, idx, val);
    }

    fn transform_with(
        &self,
        text: &str,
        sorted: bool,
        sc: &mut VecScratch,
        idx: &mut Vec<u32>,
        val: &mut Vec<f32>,
    ) {
        let counts = self.column_counts(text, sorted, sc);
        idx.clear();
        val.clear();
        idx.extend(counts.iter().map(|c| c.0));
        val.extend(counts.iter().map(|c| c.1));
        self.weigh(idx, val);
    }

    /// The merged `(feature column, signed count)` list of `text`, in column order when
    /// `sorted`; n-grams of buckets not kept at training are dropped.
    fn column_counts<'s>(
        &self,
        text: &str,
        sorted: bool,
        sc: &'s mut VecScratch,
    ) -> &'s [(u32, f32)] {
        keyed_counts(
            &self.analyzer,
            self.config.bits,
            &self.keys(sorted),
            text,
            sc,
        )
    }

    /// How this vectorizer names n-grams: a bucket's feature column, if it was kept.
    pub(super) fn keys(&self, sorted: bool) -> Keys<impl Fn(u32) -> Option<u32> + '_> {
        let lookup = &self.lookup;
        Keys {
            owner: self.id,
            n_keys: self.n_features(),
            sorted,
            key: |b: u32| lookup.column(b),
        }
    }

    /// Visits every feature of `text` as `(column, family, TF-IDF weight before
    /// normalisation)`, family 0 for word and 1 for char n-grams, in no particular order, and
    /// returns the two families' L2 norms: the feature's value in the row of
    /// [`Vectorizer::transform_into`] is the weight over its family's norm. Scoring takes its
    /// dot products this way without building the row.
    pub fn visit_weights(
        &self,
        text: &str,
        sc: &mut VecScratch,
        mut visit: impl FnMut(u32, usize, f32),
    ) -> [f64; 2] {
        let idf = &self.idf;
        let entries = self
            .counts(text, sc)
            .iter()
            .map(|&(col, c)| (col, c, idf[col as usize], ()));
        self.weigh_entries(entries, |col, fam, v, ()| visit(col, fam, v))
    }

    /// The TF-IDF weighting, written once for training rows, scoring and explanations: each
    /// entry `(column, signed count, idf, payload)`, in order, weighs `tf(count) · idf` before
    /// normalisation, handed to `visit(column, family, weight, payload)`. Returns the word and
    /// char families' L2 norms, each summed in entry order: in a row, an entry's value is its
    /// weight over its family's norm. (`idf` is the column's IDF; the scoring path reads it
    /// from its own `[IDF, weight]` table, with the weight as payload.)
    #[inline(always)]
    pub fn weigh_entries<T>(
        &self,
        entries: impl Iterator<Item = (u32, f32, f32, T)>,
        mut visit: impl FnMut(u32, usize, f32, T),
    ) -> [f64; 2] {
        // both sums are updated for every entry, the other family's by exactly zero, so they
        // stay in registers and no branch depends on the family
        let (mut word, mut char) = (0.0f64, 0.0f64);
        for (col, c, idf, payload) in entries {
            let v = self.tf(c) * idf;
            let fam = self.family_index(col);
            let (sq, is_char) = ((v as f64) * (v as f64), fam as f64);
            word += sq * (1.0 - is_char);
            char += sq * is_char;
            visit(col, fam, v, payload);
        }
        [word.sqrt(), char.sqrt()]
    }

    /// The merged `(column, signed count)` features of `text`, in order of first occurrence:
    /// what [`Vectorizer::visit_weights`] visits, before [`Vectorizer::tf`] and the IDF.
    #[inline]
    pub fn counts<'s>(&self, text: &str, sc: &'s mut VecScratch) -> &'s [(u32, f32)] {
        self.column_counts(text, false, sc)
    }

    /// The family of column `col` as an index: 0 for word, 1 for char n-grams.
    #[inline]
    pub fn family_index(&self, col: u32) -> usize {
        (col >= self.first_char) as usize
    }

    /// The term-frequency weight of a signed count: `1 + ln |c|` with its sign when sublinear,
    /// else the count.
    #[inline]
    pub fn tf(&self, c: f32) -> f32 {
        let a = c.abs();
        if !self.config.sublinear_tf || a == 1.0 {
            return c; // 1 + ln 1 = 1: most counts need nothing more
        }
        let k = a as usize;
        match LOG_TF.get(k) {
            // a whole count (counts are sums of ±1): the same value, looked up
            Some(&t) if k as f32 == a => c.signum() * t,
            _ => c.signum() * (1.0 + a.ln()),
        }
    }

    /// The n-gram family of feature column `col`.
    pub fn family_of(&self, col: u32) -> Family {
        [Family::Word, Family::Char][self.family_index(col)]
    }

    /// Vectorizes many texts in parallel; rows keep the input order.
    pub fn transform_batch<T: AsRef<str> + Sync>(&self, texts: &[T]) -> Csr {
        let parts: Vec<Csr> = texts
            .par_chunks(512)
            .map(|chunk| {
                let mut m = Csr::new(self.n_features());
                let (mut idx, mut val) = (Vec::new(), Vec::new());
                VecScratch::with(|sc| {
                    for t in chunk {
                        self.transform_sorted_into(t.as_ref(), sc, &mut idx, &mut val);
                        m.push_row(&idx, &val);
                    }
                });
                m
            })
            .collect();
        Csr::concat(parts, self.n_features())
    }

    /// Turns a row's signed counts `val` of the columns `idx` (any order) into TF-IDF weights,
    /// in place, and normalises the word part and the char part to unit length each.
    pub(super) fn weigh(&self, idx: &[u32], val: &mut [f32]) {
        let cells = std::cell::Cell::from_mut(val).as_slice_of_cells();
        let entries = idx
            .iter()
            .zip(cells)
            .map(|(&col, cell)| (col, cell.get(), self.idf[col as usize], cell));
        let norm = self.weigh_entries(entries, |_, _, v, cell| cell.set(v));
        for (&col, v) in idx.iter().zip(val.iter_mut()) {
            let n = norm[self.family_index(col)];
            if n > 0.0 {
                *v = (*v as f64 / n) as f32;
            }
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::features::Row;

    pub(in crate::features) fn fit(texts: &[&str]) -> (Vectorizer, Csr) {
        Vectorizer::fit(TextConfig::default(), FeatureConfig::default(), texts).unwrap()
    }

    /// The looked-up term frequencies are the computed ones, bit for bit, for whole counts of
    /// either sign below and past the table, and for counts that are not whole.
    #[test]
    fn looked_up_term_frequencies_are_the_computed_ones() {
        let (v, _) = fit(&["you idiot", "lovely day"]);
        assert!(v.config.sublinear_tf);
        let computed = |c: f32| {
            if c.abs() != 1.0 {
                c.signum() * (1.0 + c.abs().ln())
            } else {
                c
            }
        };
        let whole = (1..SMALL_COUNTS as i32 + 50).map(|k| k as f32);
        for c in whole.chain([0.5, 2.5, 255.5, 1e6, 40_000.0]) {
            for c in [c, -c] {
                assert_eq!(v.tf(c).to_bits(), computed(c).to_bits(), "{c}");
            }
        }
    }

    /// Every row of `a` has the columns of the same row of `b`, in any order, with the same
    /// values up to rounding.
    pub(in crate::features) fn assert_same_rows(a: &Csr, b: &Csr) {
        assert_eq!(a.n_rows(), b.n_rows());
        let sorted = |r: Row| {
            let mut p: Vec<(u32, f32)> = r
                .indices
                .iter()
                .copied()
                .zip(r.values.iter().copied())
                .collect();
            p.sort_by_key(|x| x.0);
            p
        };
        for i in 0..a.n_rows() {
            let (x, y) = (sorted(a.row(i)), sorted(b.row(i)));
            assert_eq!(x.len(), y.len(), "row {i}");
            for (p, q) in x.iter().zip(&y) {
                assert!(
                    p.0 == q.0 && (p.1 - q.1).abs() < 1e-6,
                    "row {i}: {p:?} vs {q:?}"
                );
            }
        }
    }

    #[test]
    fn rows_are_unit_per_family_with_distinct_columns() {
        let (v, m) = fit(&["you are an idiot", "what a lovely day", "idiot idiot"]);
        assert_eq!(m.n_rows(), 3);
        for i in 0..3 {
            let r = m.row(i);
            let mut cols = r.indices.to_vec();
            cols.sort_unstable();
            assert!(cols.windows(2).all(|w| w[0] < w[1]), "distinct columns");
            let half = 1u32 << 19;
            let (mut wn, mut cn) = (0.0f64, 0.0f64);
            for (&j, &x) in r.indices.iter().zip(r.values) {
                let sq = (x as f64).powi(2);
                if v.buckets()[j as usize] < half {
                    wn += sq
                } else {
                    cn += sq
                }
            }
            assert!(
                (wn - 1.0).abs() < 1e-5 && (cn - 1.0).abs() < 1e-5,
                "{wn} {cn}"
            );
        }
    }

    #[test]
    fn transform_matches_fit_and_ignores_unseen() {
        let texts = [
            "you are an idiot",
            "what a lovely day, you idiot!!",
            "#proud to be here @USER http://x.y 123 idiots",
        ];
        let (v, m) = fit(&texts);
        // the scoring path (unsorted columns), then twice the batch path; the later passes
        // read the warm per-word memo
        let mut scoring = Csr::new(v.n_features());
        let (mut sc, mut idx, mut val) = (VecScratch::default(), vec![], vec![]);
        for t in texts {
            v.transform_into(t, &mut sc, &mut idx, &mut val);
            let mut p: Vec<(u32, f32)> = idx.iter().copied().zip(val.iter().copied()).collect();
            p.sort_by_key(|x| x.0);
            let (i, x): (Vec<u32>, Vec<f32>) = p.into_iter().unzip();
            scoring.push_row(&i, &x);
        }
        for t in [
            scoring,
            v.transform_batch(&texts),
            v.transform_batch(&texts),
        ] {
            assert_same_rows(&t, &m);
        }
        let unseen = v.transform_batch(&["qqqq zzzz"]);
        assert_eq!(unseen.nnz(), 0);
    }

    /// Training rows built in parts (more texts than one part holds) and closed up over the
    /// buckets `min_df` drops are the rows the kept features give the same texts at scoring.
    #[test]
    fn training_rows_equal_scoring_rows_when_buckets_are_dropped() {
        let words = [
            "idiot", "lovely", "day", "talks", "peace", "haqqani", "you", "are",
        ];
        let texts: Vec<String> = (0..2600usize)
            .map(|i| {
                // common words (kept) around a word of this text alone (dropped by min_df 2)
                let a = words[i % words.len()];
                let b = words[(i * 7 + 3) % words.len()];
                format!("{a} zq{i}x {b} {a}")
            })
            .collect();
        let cfg = FeatureConfig {
            min_df: 2,
            ..FeatureConfig::default()
        };
        let (v, m) = Vectorizer::fit(TextConfig::default(), cfg, &texts).unwrap();
        let scored = v.transform_batch(&texts);
        assert_eq!(m.n_rows(), texts.len());
        assert_same_rows(&m, &scored);
    }
}
