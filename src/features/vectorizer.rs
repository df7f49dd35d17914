//! The hashing TF-IDF vectorizer: n-grams → signed buckets → term counts → sublinear TF ×
//! IDF (learned at training) → L2 per n-gram family → a compact sparse row.
//!
//! Only buckets seen in training (document frequency ≥ `min_df`) are kept; they are numbered
//! `0..n_features()` in bucket order, and those numbers are the model's weight columns.

use super::hashing::bucket;
use super::sparse::Csr;
use crate::error::{Error, Result};
use crate::text::{Analyzer, Family, Scratch, TextConfig};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

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

/// Per-thread buffers for vectorizing.
#[derive(Default)]
pub struct VecScratch {
    text: Scratch,
    grams: Vec<(u32, f32)>,
}

/// Hashes every n-gram of `text` and returns the sorted, merged `(bucket, signed count)` list
/// (buckets whose signed count cancels to zero are dropped).
fn hashed_counts<'s>(
    analyzer: &Analyzer,
    bits: u32,
    text: &str,
    sc: &'s mut VecScratch,
) -> &'s [(u32, f32)] {
    let VecScratch { text: ts, grams } = sc;
    grams.clear();
    analyzer.analyze(text, ts, |fam, g| {
        grams.push(bucket(g.as_bytes(), fam == Family::Char, bits));
    });
    grams.sort_unstable_by_key(|&(b, _)| b);
    let mut w = 0;
    for r in 0..grams.len() {
        if w > 0 && grams[w - 1].0 == grams[r].0 {
            grams[w - 1].1 += grams[r].1;
        } else {
            grams[w] = grams[r];
            w += 1;
        }
    }
    grams.truncate(w);
    grams.retain(|&(_, v)| v != 0.0);
    grams
}

/// A fitted vectorizer: text and feature config, the kept buckets and their IDF.
pub struct Vectorizer {
    analyzer: Analyzer,
    config: FeatureConfig,
    buckets: Vec<u32>,
    idf: Vec<f32>,
    lookup: Vec<u32>,
}

const ABSENT: u32 = u32::MAX;

impl Vectorizer {
    /// Learns the kept buckets and IDF from `texts` and returns the vectorizer with the
    /// training matrix (one row per text, same order). Deterministic for the same input.
    pub fn fit<T: AsRef<str> + Sync>(
        text: TextConfig,
        config: FeatureConfig,
        texts: &[T],
    ) -> Result<(Vectorizer, Csr)> {
        config.check()?;
        let analyzer = Analyzer::new(text)?;
        let bits = config.bits;
        // pass 1: raw signed counts per document, in parallel, concatenated in order
        let parts: Vec<Csr> = texts
            .par_chunks(1024)
            .map_init(VecScratch::default, |sc, chunk| {
                let mut m = Csr::new(1 << bits);
                let mut idx = Vec::new();
                let mut val = Vec::new();
                for t in chunk {
                    let g = hashed_counts(&analyzer, bits, t.as_ref(), sc);
                    idx.clear();
                    val.clear();
                    idx.extend(g.iter().map(|x| x.0));
                    val.extend(g.iter().map(|x| x.1));
                    m.push_row(&idx, &val);
                }
                m
            })
            .collect();
        let mut raw = Csr::new(1 << bits);
        raw.indices
            .reserve(parts.iter().map(|p| p.nnz()).sum::<usize>());
        raw.values.reserve(raw.indices.capacity());
        for p in &parts {
            raw.append(p);
        }
        drop(parts);
        // document frequencies and the kept buckets
        let mut df = vec![0u32; 1 << bits];
        for &b in &raw.indices {
            df[b as usize] += 1;
        }
        let n = texts.len() as f64;
        let mut buckets = Vec::new();
        let mut idf = Vec::new();
        for (b, &d) in df.iter().enumerate() {
            if d >= config.min_df {
                buckets.push(b as u32);
                idf.push(((1.0 + n) / (1.0 + d as f64)).ln() as f32 + 1.0);
            }
        }
        drop(df);
        let v = Vectorizer::from_parts(analyzer.config().clone(), config, buckets, idf)?;
        // pass 2: weigh rows in place (a weighed row is never longer than its raw row)
        let mut out_idx = Vec::new();
        let mut out_val = Vec::new();
        let mut w = 0;
        for i in 0..raw.n_rows() {
            let (s, e) = (raw.indptr[i], raw.indptr[i + 1]);
            v.weigh(
                raw.indices[s..e]
                    .iter()
                    .copied()
                    .zip(raw.values[s..e].iter().copied()),
                &mut out_idx,
                &mut out_val,
            );
            raw.indices[w..w + out_idx.len()].copy_from_slice(&out_idx);
            raw.values[w..w + out_val.len()].copy_from_slice(&out_val);
            raw.indptr[i] = w;
            w += out_idx.len();
        }
        let last = raw.n_rows();
        raw.indptr[last] = w;
        raw.indices.truncate(w);
        raw.values.truncate(w);
        raw.indices.shrink_to_fit();
        raw.values.shrink_to_fit();
        raw.n_cols = v.n_features();
        Ok((v, raw))
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
        let mut lookup = vec![ABSENT; 1 << config.bits];
        let mut prev = None;
        for (col, &b) in buckets.iter().enumerate() {
            if b as usize >= lookup.len() || prev.is_some_and(|p| p >= b) {
                return Err(Error::Data(format!(
                    "bucket list is not increasing within 2^{}",
                    config.bits
                )));
            }
            prev = Some(b);
            lookup[b as usize] = col as u32;
        }
        Ok(Vectorizer {
            analyzer,
            config,
            buckets,
            idf,
            lookup,
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

    /// Vectorizes one text into `(idx, val)` (cleared first): increasing columns, TF-IDF,
    /// each family L2-normalised.
    pub fn transform_into(
        &self,
        text: &str,
        sc: &mut VecScratch,
        idx: &mut Vec<u32>,
        val: &mut Vec<f32>,
    ) {
        let g = hashed_counts(&self.analyzer, self.config.bits, text, sc);
        self.weigh(g.iter().copied(), idx, val);
    }

    /// Vectorizes many texts in parallel; rows keep the input order.
    pub fn transform_batch<T: AsRef<str> + Sync>(&self, texts: &[T]) -> Csr {
        let parts: Vec<Csr> = texts
            .par_chunks(512)
            .map_init(VecScratch::default, |sc, chunk| {
                let mut m = Csr::new(self.n_features());
                let (mut idx, mut val) = (Vec::new(), Vec::new());
                for t in chunk {
                    self.transform_into(t.as_ref(), sc, &mut idx, &mut val);
                    m.push_row(&idx, &val);
                }
                m
            })
            .collect();
        let mut out = Csr::new(self.n_features());
        for p in &parts {
            out.append(p);
        }
        out
    }

    /// Maps sorted `(bucket, signed count)` pairs to kept columns with TF-IDF weights and
    /// normalises the word part and the char part of the row to unit length each.
    fn weigh(&self, raw: impl Iterator<Item = (u32, f32)>, idx: &mut Vec<u32>, val: &mut Vec<f32>) {
        idx.clear();
        val.clear();
        let half = 1u32 << (self.config.bits - 1);
        let mut split = 0; // first char-family entry
        for (b, c) in raw {
            let col = self.lookup[b as usize];
            if col == ABSENT {
                continue;
            }
            let tf = if self.config.sublinear_tf {
                c.signum() * (1.0 + c.abs().ln())
            } else {
                c
            };
            if b < half {
                split += 1;
            }
            idx.push(col);
            val.push(tf * self.idf[col as usize]);
        }
        let (word, chars) = val.split_at_mut(split);
        for part in [word, chars] {
            let norm = part
                .iter()
                .map(|&v| (v as f64) * (v as f64))
                .sum::<f64>()
                .sqrt();
            if norm > 0.0 {
                for v in part.iter_mut() {
                    *v = (*v as f64 / norm) as f32;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fit(texts: &[&str]) -> (Vectorizer, Csr) {
        Vectorizer::fit(TextConfig::default(), FeatureConfig::default(), texts).unwrap()
    }

    #[test]
    fn rows_are_unit_per_family_and_increasing() {
        let (v, m) = fit(&["you are an idiot", "what a lovely day", "idiot idiot"]);
        assert_eq!(m.n_rows(), 3);
        for i in 0..3 {
            let r = m.row(i);
            assert!(r.indices.windows(2).all(|w| w[0] < w[1]));
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
        let texts = ["you are an idiot", "what a lovely day"];
        let (v, m) = fit(&texts);
        let t = v.transform_batch(&texts);
        assert_eq!(t, m);
        let unseen = v.transform_batch(&["qqqq zzzz"]);
        assert_eq!(unseen.nnz(), 0);
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
}
