//! The hashing TF-IDF vectorizer: n-grams → signed buckets → term counts → sublinear TF ×
//! IDF (learned at training) → L2 per n-gram family → a compact sparse row.
//!
//! Only buckets seen in training (document frequency ≥ `min_df`) are kept; they are numbered
//! `0..n_features()` (see [`Vectorizer`] for the order), and those numbers are the model's
//! weight columns.

use super::counts::{keyed_counts, next_id, Keys};
use super::hashing::bucket;
use super::sparse::Csr;
use crate::error::{Error, Result};
use crate::text::{Analyzer, Family, Scratch, TextConfig};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

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

type KeptGrams = Vec<(u32, Box<str>)>;

/// What [`Vectorizer::count_kept_grams`] keeps between texts: per distinct token, its stem,
/// its kept char n-grams and how often it occurred since the last
/// [`GramMemo::drain_char_grams`]; and its per-text buffers.
#[derive(Default)]
pub struct GramMemo {
    map: rustc_hash::FxHashMap<Box<str>, u32>,
    /// per token: its stem, and its char n-grams in kept columns as `(column, n-gram)`
    entries: Vec<(Box<str>, KeptGrams)>,
    /// per token: occurrences since the last drain
    uses: Vec<u32>,
    /// the tokens with `uses > 0`, in order of first occurrence
    used: Vec<u32>,
    stems: String,
    ends: Vec<usize>,
    gram: String,
    bounds: Vec<usize>,
}

impl GramMemo {
    /// Calls `visit(column, n-gram, count)` once per kept char n-gram of every token counted
    /// since the last drain (tokens in order of first occurrence, `count` their occurrences),
    /// and starts the counts afresh.
    pub fn drain_char_grams(&mut self, mut visit: impl FnMut(u32, &str, u32)) {
        for &i in &self.used {
            let n = std::mem::take(&mut self.uses[i as usize]);
            for (c, g) in &self.entries[i as usize].1 {
                visit(*c, g, n);
            }
        }
        self.used.clear();
    }
}

/// One feature of an explained row: its column, family, value, and the n-grams behind it.
#[derive(Clone, Debug, PartialEq)]
pub struct ExplainedFeature {
    pub column: u32,
    pub family: Family,
    /// the TF-IDF value in the row
    pub value: f32,
    /// the text's n-grams in this column, in order of appearance (word n-grams are of stems)
    pub grams: Vec<String>,
}

/// A fitted vectorizer: text and feature config, the kept buckets and their IDF.
///
/// Feature columns are numbered word family first, then char family, each by falling
/// document frequency in training (ties in bucket order). Frequent features thus sit together
/// at the start of each family: the per-column arrays that training and scoring touch for
/// every n-gram (weights, IDF, counts) stay within a few cache-sized blocks instead of striding
/// over the whole hash-ordered range.
pub struct Vectorizer {
    analyzer: Analyzer,
    config: FeatureConfig,
    buckets: Vec<u32>,
    idf: Vec<f32>,
    lookup: Vec<u32>,
    /// first char-family column (word-family columns come first)
    first_char: u32,
    /// ties per-thread word memos to this vectorizer
    id: u64,
}

const ABSENT: u32 = u32::MAX;

impl Vectorizer {
    /// Learns the kept buckets and IDF from `texts` and returns the vectorizer with the
    /// training matrix (one row per text, same order). Deterministic for the same input,
    /// whatever the number of threads.
    pub fn fit<T: AsRef<str> + Sync>(
        text: TextConfig,
        config: FeatureConfig,
        texts: &[T],
    ) -> Result<(Vectorizer, Csr)> {
        config.check()?;
        let analyzer = Analyzer::new(text)?;
        let bits = config.bits;
        let keys = Keys {
            owner: next_id(),
            n_keys: 1 << bits,
            sorted: false, // rows need no column order
            key: Some,
        };
        // pass 1: raw signed counts per document, in parallel. A few large parts (rather than
        // many small ones) are allocated and freed whole, so copying them into one matrix at
        // the end gives their memory back as it goes instead of doubling the peak.
        let chunk = texts
            .len()
            .div_ceil(4 * rayon::current_num_threads())
            .max(1024);
        let mut parts: Vec<Csr> = texts
            .par_chunks(chunk)
            .map(|chunk| {
                // raw rows, buckets in order of first occurrence (not a valid `Csr` row order,
                // hence the direct pushes)
                let mut m = Csr::new(1 << bits);
                VecScratch::with(|sc| {
                    for t in chunk {
                        let g = keyed_counts(&analyzer, bits, &keys, t.as_ref(), sc);
                        m.indices.extend(g.iter().map(|x| x.0));
                        m.values.extend(g.iter().map(|x| x.1));
                        m.indptr.push(m.indices.len());
                    }
                });
                m
            })
            .collect();
        // document frequencies, each thread counting one range of buckets over every part
        // (its counters stay in its own cache)
        let mut df = vec![0u32; 1 << bits];
        let span = (1usize << bits)
            .div_ceil(rayon::current_num_threads())
            .max(1);
        df.par_chunks_mut(span).enumerate().for_each(|(t, d)| {
            let lo = (t * span) as u32;
            for p in &parts {
                for &b in &p.indices {
                    if let Some(c) = d.get_mut(b.wrapping_sub(lo) as usize) {
                        *c += 1;
                    }
                }
            }
        });
        // kept buckets in column order: word family first, each by falling frequency
        let mut kept: Vec<u32> = (0..1u32 << bits)
            .filter(|&b| df[b as usize] >= config.min_df)
            .collect();
        let half = 1u32 << (bits - 1);
        kept.sort_by_key(|&b| (b >= half, std::cmp::Reverse(df[b as usize]), b));
        let n = texts.len() as f64;
        let idf = kept
            .iter()
            .map(|&b| ((1.0 + n) / (1.0 + df[b as usize] as f64)).ln() as f32 + 1.0)
            .collect();
        drop(df);
        let v = Vectorizer::from_parts(analyzer.config().clone(), config, kept, idf)?;
        // pass 2, in parallel and in place: weigh each part's rows
        parts.par_iter_mut().for_each(|p| v.weigh_part(p));
        let m = Csr::concat(parts, v.n_features());
        Ok((v, m))
    }

    /// Turns every raw row of `m` (bucket, signed count) into TF-IDF weights over feature
    /// columns, in place and in the row's order of first occurrence (the solver needs no column
    /// order, and sorting cost half of this pass); rows close up over the dropped buckets.
    fn weigh_part(&self, m: &mut Csr) {
        let (mut w, mut s) = (0, 0);
        for i in 0..m.n_rows() {
            // the raw row is s..e; kept buckets go to their columns, moved down over the
            // dropped ones (w ≤ s), and the row's end is rewritten once it is read
            let e = m.indptr[i + 1];
            let start = w;
            for k in s..e {
                let col = self.lookup[m.indices[k] as usize];
                m.indices[w] = col;
                m.values[w] = m.values[k];
                w += (col != ABSENT) as usize;
            }
            self.weigh(&m.indices[start..w], &mut m.values[start..w]);
            m.indptr[i + 1] = w;
            s = e;
        }
        m.indices.truncate(w);
        m.values.truncate(w);
        m.n_cols = self.n_features();
    }

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
        let mut lookup = vec![ABSENT; 1 << config.bits];
        for (col, &b) in buckets.iter().enumerate() {
            let slot = lookup.get_mut(b as usize).ok_or_else(|| {
                Error::Data(format!("bucket {b} is outside 2^{} buckets", config.bits))
            })?;
            if *slot != ABSENT {
                return Err(Error::Data(format!("bucket {b} is listed twice")));
            }
            if (b >= half) != (col as u32 >= first_char) {
                return Err(Error::Data(
                    "bucket list does not put the word family before the char family".into(),
                ));
            }
            *slot = col as u32;
        }
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
        self.lookup
            .get(bucket as usize)
            .copied()
            .filter(|&c| c != ABSENT)
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
        let lookup = &self.lookup;
        let keys = Keys {
            owner: self.id,
            n_keys: self.n_features(),
            sorted,
            key: |b: u32| Some(lookup[b as usize]).filter(|&c| c != ABSENT),
        };
        keyed_counts(&self.analyzer, self.config.bits, &keys, text, sc)
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
        let mut sq = [0.0f64; 2];
        for &(col, c) in self.counts(text, sc) {
            let (fam, v) = (self.family_index(col), self.tfidf(col, c));
            sq[fam] += (v as f64) * (v as f64);
            visit(col, fam, v);
        }
        sq.map(f64::sqrt)
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

    /// The TF-IDF weight of a signed count of column `col`, before normalisation.
    #[inline]
    fn tfidf(&self, col: u32, c: f32) -> f32 {
        self.tf(c) * self.idf[col as usize]
    }

    /// The term-frequency weight of a signed count: `1 + ln |c|` with its sign when sublinear,
    /// else the count.
    #[inline]
    pub fn tf(&self, c: f32) -> f32 {
        if self.config.sublinear_tf && c.abs() != 1.0 {
            c.signum() * (1.0 + c.abs().ln())
        } else {
            c // 1 + ln 1 = 1: most counts skip the logarithm
        }
    }

    /// The n-gram family of feature column `col`.
    pub fn family_of(&self, col: u32) -> Family {
        [Family::Word, Family::Char][self.family_index(col)]
    }

    /// Calls `visit(family, bucket, sign)` for every n-gram of `text`, kept at training or not.
    pub fn visit_buckets(
        &self,
        text: &str,
        sc: &mut Scratch,
        mut visit: impl FnMut(Family, u32, f32),
    ) {
        self.analyzer.analyze(text, sc, |family, g| {
            let (b, sign) = bucket(g.as_bytes(), family == Family::Char, self.config.bits);
            visit(family, b, sign);
        });
    }

    /// Counts the n-grams of `text` whose bucket was kept at training and whose column `keep`
    /// accepts: word n-grams (of stems) are visited now, `visit(column, n-gram)` in the
    /// analyzer's order; char n-grams are counted per token in `memo`, to be visited once per
    /// distinct token by [`GramMemo::drain_char_grams`]. Each distinct token's stem and kept
    /// char n-grams are worked out once and held in `memo`, which may serve many texts (and
    /// must always be given the same `keep`).
    pub fn count_kept_grams(
        &self,
        text: &str,
        sc: &mut Scratch,
        memo: &mut GramMemo,
        keep: impl Fn(u32) -> bool,
        mut visit: impl FnMut(u32, &str),
    ) {
        let bits = self.config.bits;
        let toks = self.analyzer.tokenize(text, sc);
        let GramMemo {
            map,
            entries,
            uses,
            used,
            stems,
            ends,
            gram,
            bounds,
        } = memo;
        stems.clear();
        ends.clear();
        for (kind, tok) in toks.iter() {
            // a token's text determines its kind (placeholders hold `<`, hashtags `#`)
            let i = match map.get(tok) {
                Some(&i) => i,
                None => {
                    let mut stem = String::new();
                    self.analyzer.stem_token(kind, tok, &mut stem);
                    let mut kept = Vec::new();
                    self.analyzer.char_grams(kind, tok, gram, bounds, |g| {
                        let (b, _) = bucket(g.as_bytes(), true, bits);
                        if let Some(c) = self.column_of(b).filter(|&c| keep(c)) {
                            kept.push((c, Box::from(g)));
                        }
                    });
                    entries.push((stem.into_boxed_str(), kept));
                    uses.push(0);
                    let i = entries.len() as u32 - 1;
                    map.insert(tok.into(), i);
                    i
                }
            };
            let n = &mut uses[i as usize];
            if *n == 0 {
                used.push(i);
            }
            *n += 1;
            stems.push_str(&entries[i as usize].0);
            ends.push(stems.len());
        }
        self.analyzer.word_grams(stems, ends, 1, gram, |g| {
            let (b, _) = bucket(g.as_bytes(), false, bits);
            if let Some(c) = self.column_of(b).filter(|&c| keep(c)) {
                visit(c, g);
            }
        });
    }

    /// Calls `visit(column, n-gram)` for every n-gram of `text` whose bucket was kept at
    /// training (word n-grams are of stems; char n-grams carry `<` `>` at word edges): the
    /// plain form of [`Vectorizer::visit_kept_grams`], which the tests hold it to.
    #[cfg(test)]
    pub fn visit_grams(&self, text: &str, sc: &mut Scratch, mut visit: impl FnMut(u32, &str)) {
        self.analyzer.analyze(text, sc, |family, g| {
            let (b, _) = bucket(g.as_bytes(), family == Family::Char, self.config.bits);
            if let Some(column) = self.column_of(b) {
                visit(column, g);
            }
        });
    }

    /// Vectorizes `text` and says which of its n-grams make each feature, in one pass of the
    /// analyzer: one entry per column of the row of [`Vectorizer::transform_into`], in order of
    /// first occurrence, with the same values (up to rounding of the norms). Several n-grams in
    /// one column are a hash collision, or one n-gram repeated in another form.
    pub fn explain_row(&self, text: &str) -> Vec<ExplainedFeature> {
        let mut feats: Vec<ExplainedFeature> = Vec::new();
        let mut counts: Vec<f32> = Vec::new();
        let mut at: rustc_hash::FxHashMap<u32, usize> = Default::default();
        let mut sc = Scratch::default();
        self.analyzer.analyze(text, &mut sc, |family, g| {
            let (b, sign) = bucket(g.as_bytes(), family == Family::Char, self.config.bits);
            let Some(column) = self.column_of(b) else {
                return;
            };
            let i = *at.entry(column).or_insert_with(|| {
                feats.push(ExplainedFeature {
                    column,
                    family,
                    value: 0.0,
                    grams: Vec::new(),
                });
                counts.push(0.0);
                feats.len() - 1
            });
            counts[i] += sign;
            if !feats[i].grams.iter().any(|x| x == g) {
                feats[i].grams.push(g.to_string());
            }
        });
        // a column whose signed count came to zero is not in the row
        let kept: Vec<(ExplainedFeature, f32)> = feats
            .into_iter()
            .zip(counts)
            .filter(|(_, c)| *c != 0.0)
            .collect();
        let idx: Vec<u32> = kept.iter().map(|(f, _)| f.column).collect();
        let mut val: Vec<f32> = kept.iter().map(|(_, c)| *c).collect();
        self.weigh(&idx, &mut val);
        kept.into_iter()
            .zip(val)
            .map(|((f, _), value)| ExplainedFeature { value, ..f })
            .collect()
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
    fn weigh(&self, idx: &[u32], val: &mut [f32]) {
        // squared norms of the word part and the char part, each summed in entry order (adding
        // 0.0 to the other leaves it as it was, and keeps the loop free of branches)
        let (mut word, mut char) = (0.0f64, 0.0f64);
        for (&col, v) in idx.iter().zip(val.iter_mut()) {
            *v = self.tfidf(col, *v);
            let sq = (*v as f64) * (*v as f64);
            let is_char = self.family_index(col) == 1;
            word += if is_char { 0.0 } else { sq };
            char += if is_char { sq } else { 0.0 };
        }
        let norm = [word.sqrt(), char.sqrt()];
        for (&col, v) in idx.iter().zip(val.iter_mut()) {
            let n = norm[self.family_index(col)];
            if n > 0.0 {
                *v = (*v as f64 / n) as f32;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::Row;

    fn fit(texts: &[&str]) -> (Vectorizer, Csr) {
        Vectorizer::fit(TextConfig::default(), FeatureConfig::default(), texts).unwrap()
    }

    /// Every row of `a` has the columns of the same row of `b`, in any order, with the same
    /// values up to rounding.
    fn assert_same_rows(a: &Csr, b: &Csr) {
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

    /// With 2^8 buckets nearly every bucket holds several n-grams, some with opposite signs:
    /// the merged counts equal a plain per-column sum of every n-gram's sign, list each column
    /// once, and drop the columns whose signs cancel, whatever the scratch held before.
    #[test]
    fn merged_counts_equal_a_plain_sum_under_collisions() {
        let texts = [
            "you are an idiot, a total idiot #idiot",
            "what a lovely day in Lahore :) 2024 http://x.y",
            "the talks in Doha went on and on and on",
            "IDIOT idiot idiots... f*ck off",
        ];
        let cfg = FeatureConfig {
            bits: 8,
            ..FeatureConfig::default()
        };
        let (v, _) = Vectorizer::fit(TextConfig::default(), cfg, &texts).unwrap();
        let mut sc = VecScratch::default();
        let mut cancelled = 0;
        for _ in 0..2 {
            for t in texts {
                let mut plain: std::collections::BTreeMap<u32, f32> = Default::default();
                let mut ts = Scratch::default();
                v.visit_buckets(t, &mut ts, |_, b, sign| {
                    if let Some(c) = v.column_of(b) {
                        *plain.entry(c).or_default() += sign;
                    }
                });
                cancelled += plain.values().filter(|&&c| c == 0.0).count();
                plain.retain(|_, c| *c != 0.0);
                let mut got = v.counts(t, &mut sc).to_vec();
                assert!(got.iter().all(|&(_, c)| c != 0.0), "{got:?}");
                got.sort_unstable_by_key(|g| g.0);
                assert!(got.windows(2).all(|w| w[0].0 < w[1].0), "each column once");
                assert_eq!(got, plain.into_iter().collect::<Vec<_>>(), "{t}");
            }
        }
        assert!(cancelled > 0, "the texts should make some counts cancel");
    }

    #[test]
    fn explained_row_is_the_transformed_row_with_its_grams() {
        let texts = ["you are an idiot", "idiot idiot, what a day"];
        let (v, _) = fit(&texts);
        let (mut sc, mut idx, mut val) = (VecScratch::default(), vec![], vec![]);
        v.transform_into(texts[1], &mut sc, &mut idx, &mut val);
        let mut want: Vec<(u32, f32)> = idx.into_iter().zip(val).collect();
        want.sort_by_key(|x| x.0);
        let e = v.explain_row(texts[1]);
        let mut got: Vec<(u32, f32)> = e.iter().map(|f| (f.column, f.value)).collect();
        got.sort_by_key(|x| x.0);
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g.0, w.0);
            assert!((g.1 - w.1).abs() < 1e-6);
        }
        assert!(e.iter().all(|f| !f.grams.is_empty()));
        assert!(e
            .iter()
            .any(|f| f.family == Family::Word && f.grams.iter().any(|g| g == "idiot")));
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

    #[test]
    fn columns_fall_in_document_frequency_within_each_family() {
        let texts = [
            "you idiot",
            "idiot",
            "what an idiot you are",
            "lovely day",
            "idiot day",
        ];
        let (v, x) = fit(&texts);
        let mut count = vec![0usize; x.n_cols];
        for i in 0..x.n_rows() {
            x.row(i)
                .indices
                .iter()
                .for_each(|&c| count[c as usize] += 1);
        }
        let fc = v.first_char as usize;
        assert!(fc > 0 && fc < count.len());
        for family in [&count[..fc], &count[fc..]] {
            assert!(family.windows(2).all(|w| w[0] >= w[1]), "{family:?}");
        }
        // the model file's bucket list round-trips, and a bad one is refused
        let again = Vectorizer::from_parts(
            v.text_config().clone(),
            v.feature_config().clone(),
            v.buckets().to_vec(),
            v.idf().to_vec(),
        )
        .unwrap();
        assert_eq!(again.transform_batch(&texts), v.transform_batch(&texts));
        let mut swapped = v.buckets().to_vec();
        swapped.swap(0, fc);
        let idf = v.idf().to_vec();
        assert!(Vectorizer::from_parts(
            TextConfig::default(),
            FeatureConfig::default(),
            swapped,
            idf.clone()
        )
        .is_err());
        let mut twice = v.buckets().to_vec();
        twice[1] = twice[0];
        assert!(Vectorizer::from_parts(
            TextConfig::default(),
            FeatureConfig::default(),
            twice,
            idf
        )
        .is_err());
    }

    #[test]
    fn min_df_drops_rare_buckets() {
        let texts = ["idiot", "idiot", "lovely"];
        let cfg = FeatureConfig {
            min_df: 2,
            ..FeatureConfig::default()
        };
        let (v, _) = Vectorizer::fit(TextConfig::default(), cfg, &texts).unwrap();
        let r = v.transform_batch(&["lovely"]);
        assert_eq!(r.nnz(), 0);
        assert!(v.transform_batch(&["idiot"]).nnz() > 0);
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
