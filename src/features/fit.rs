//! Fitting the vectorizer: the training texts' n-grams counted per bucket, in parallel, the
//! kept buckets (document frequency at least `min_df`) numbered into columns, their IDF, and
//! the training matrix weighed with them.

use super::counts::{keyed_counts, next_id, Keys, VecScratch};
use super::lookup::ABSENT;
use super::sparse::Csr;
use super::vectorizer::{FeatureConfig, Vectorizer};
use crate::error::{Error, Result};
use crate::text::{Analyzer, TextConfig};
use rayon::prelude::*;
use std::sync::Arc;

impl Vectorizer {
    /// Learns the kept buckets and IDF from `texts` and returns the vectorizer with the
    /// training matrix (one row per text, same order). Deterministic for the same input,
    /// whatever the number of threads.
    pub fn fit<T: AsRef<str> + Sync>(
        text: TextConfig,
        config: FeatureConfig,
        texts: &[T],
    ) -> Result<(Vectorizer, Csr)> {
        Vectorizer::fit_words(text, config, texts, texts.len())
    }

    /// [`Vectorizer::fit`], a spelling-correcting analyzer learning its words from the first
    /// `words` texts only: the rows as written, when typo'd copies of them follow (`train
    /// --augment`), whose typos would otherwise be words it never corrects.
    pub fn fit_words<T: AsRef<str> + Sync>(
        text: TextConfig,
        config: FeatureConfig,
        texts: &[T],
        words: usize,
    ) -> Result<(Vectorizer, Csr)> {
        config.check()?;
        let mut analyzer = Analyzer::new(text)?;
        // a spelling-correcting analyzer learns its words first (pass 0), then counts n-grams
        // of the corrected words
        let speller = analyzer
            .config()
            .spell
            .then(|| Arc::new(analyzer.word_counts(&texts[..words.min(texts.len())])));
        if let Some(s) = &speller {
            analyzer.set_speller(s.clone());
        }
        let bits = config.bits;
        let keys = bucket_keys(bits);
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
        let mut v = Vectorizer::from_document_frequencies(
            analyzer.config().clone(),
            config,
            &df,
            texts.len(),
        )?;
        if let Some(s) = speller {
            v.analyzer.set_speller(s);
        }
        drop(df);
        // pass 2, in parallel and in place: weigh each part's rows
        parts.par_iter_mut().for_each(|p| v.weigh_part(p));
        let m = Csr::concat(parts, v.n_features());
        Ok((v, m))
    }

    /// The vectorizer of a fit on `n_docs` texts whose document frequency per hash bucket is
    /// `df` (`2^bits` counts, as [`document_frequencies`] gives and as sums of them over parts
    /// of the texts give): the buckets seen in at least `min_df` texts, numbered word family
    /// first, each by falling frequency (ties in bucket order), with their IDF
    /// `ln((1 + n) / (1 + df)) + 1`. [`Vectorizer::fit`] is this on its own counts, so an
    /// engine that counts in parts (Spark's executors) gets the same vectorizer.
    pub fn from_document_frequencies(
        text: TextConfig,
        config: FeatureConfig,
        df: &[u32],
        n_docs: usize,
    ) -> Result<Vectorizer> {
        config.check()?;
        if df.len() != 1 << config.bits {
            return Err(Error::Data(format!(
                "{} document frequencies for 2^{} buckets",
                df.len(),
                config.bits
            )));
        }
        if let Some(b) = df.iter().position(|&d| d as usize > n_docs) {
            return Err(Error::Data(format!(
                "bucket {b} is in {} documents, more than the {n_docs} there are",
                df[b]
            )));
        }
        let bits = config.bits;
        let mut kept: Vec<u32> = (0..1u32 << bits)
            .filter(|&b| df[b as usize] >= config.min_df)
            .collect();
        let half = 1u32 << (bits - 1);
        kept.sort_by_key(|&b| (b >= half, std::cmp::Reverse(df[b as usize]), b));
        let n = n_docs as f64;
        let idf = kept
            .iter()
            .map(|&b| ((1.0 + n) / (1.0 + df[b as usize] as f64)).ln() as f32 + 1.0)
            .collect();
        Vectorizer::from_parts(text, config, kept, idf)
    }

    /// Turns every raw row of `m` (bucket, signed count) into TF-IDF weights over feature
    /// columns, in place and in the row's order of first occurrence (the solver needs no column
    /// order); rows close up over the dropped buckets.
    fn weigh_part(&self, m: &mut Csr) {
        let (mut w, mut s) = (0, 0);
        for i in 0..m.n_rows() {
            // the raw row is s..e; kept buckets go to their columns, moved down over the
            // dropped ones (w ≤ s), and the row's end is rewritten once it is read
            let e = m.indptr[i + 1];
            let start = w;
            for k in s..e {
                let col = self.lookup.get(m.indices[k]);
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
}

/// Counting by hash bucket (the key of a bucket is itself), in any order: rows being
/// counted for a fit need no column order.
fn bucket_keys(bits: u32) -> Keys<fn(u32) -> Option<u32>> {
    Keys {
        owner: next_id(),
        n_keys: 1 << bits,
        sorted: false,
        key: Some,
    }
}

/// How many of `texts` hold an n-gram of each hash bucket (`2^bits` counts): one part's
/// share of the document frequencies that [`Vectorizer::from_document_frequencies`] reads.
pub fn document_frequencies<T: AsRef<str>>(
    text: TextConfig,
    config: &FeatureConfig,
    texts: &[T],
) -> Result<Vec<u32>> {
    config.check()?;
    let analyzer = Analyzer::new(text)?;
    let keys = bucket_keys(config.bits);
    let mut df = vec![0u32; 1 << config.bits];
    VecScratch::with(|sc| {
        for t in texts {
            for &(b, _) in keyed_counts(&analyzer, config.bits, &keys, t.as_ref(), sc) {
                df[b as usize] += 1;
            }
        }
    });
    Ok(df)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::vectorizer::tests::fit;

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

    /// Counted in parts and summed, the document frequencies give the vectorizer of the fit
    /// on every text, column for column and IDF for IDF.
    #[test]
    fn document_frequencies_summed_over_parts_give_the_fit() {
        let texts = [
            "you idiot",
            "idiot",
            "what an idiot you are",
            "lovely day",
            "idiot day",
            "aap bohat achay ho",
        ];
        let cfg = FeatureConfig {
            bits: 16,
            min_df: 2,
            ..FeatureConfig::default()
        };
        let text = TextConfig::default();
        let (v, _) = Vectorizer::fit(text.clone(), cfg.clone(), &texts).unwrap();
        let mut df = vec![0u32; 1 << 16];
        for part in texts.chunks(4) {
            let d = document_frequencies(text.clone(), &cfg, part).unwrap();
            df.iter_mut().zip(d).for_each(|(a, b)| *a += b);
        }
        let w = Vectorizer::from_document_frequencies(text.clone(), cfg.clone(), &df, texts.len())
            .unwrap();
        assert_eq!(w.buckets(), v.buckets());
        assert_eq!(w.idf(), v.idf());
        assert_eq!(w.transform_batch(&texts), v.transform_batch(&texts));
        // counts that cannot be refused
        assert!(
            Vectorizer::from_document_frequencies(text.clone(), cfg.clone(), &df[1..], 6).is_err()
        );
        assert!(Vectorizer::from_document_frequencies(text, cfg, &df, 2).is_err());
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
