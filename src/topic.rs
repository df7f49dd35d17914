//! On-topic score: how close a comment is to the article it sits under, as the cosine of
//! their vectors in the model's TF-IDF space (the model's own text pipeline, its kept columns
//! and their training IDF). Each n-gram family is normalised apart and the score is the mean
//! of the two families' cosines, in [0, 1] for these non-negative vectors.
//! [`Topic::with_idf`] takes another weighting of the buckets, for comparing spans
//! (docs/design.md, on-topic).

use crate::features::Vectorizer;
use crate::text::{Family, Scratch};
use rustc_hash::FxHashMap;

/// A text's TF-IDF vector per family (word, char), each L2-normalised.
#[derive(Clone, Debug, Default)]
pub struct TopicVec {
    fams: [FxHashMap<u32, f32>; 2],
}

/// The IDF of a hash bucket in a topic vector, or `None` to leave the bucket out.
pub type BucketIdf<'a> = Box<dyn Fn(u32) -> Option<f32> + Send + Sync + 'a>;

/// Builds topic vectors with a model's vectorizer.
pub struct Topic<'a> {
    v: &'a Vectorizer,
    idf: BucketIdf<'a>,
}

impl<'a> Topic<'a> {
    /// Topic vectors in the model's space: the columns kept at training, at their IDF.
    pub fn new(v: &'a Vectorizer) -> Topic<'a> {
        let idf = |b: u32| v.column_of(b).map(|col| v.idf()[col as usize]);
        Topic {
            v,
            idf: Box::new(idf),
        }
    }

    /// Topic vectors over the buckets `idf` weighs (with the model's TF weighting).
    pub fn with_idf(v: &'a Vectorizer, idf: BucketIdf<'a>) -> Topic<'a> {
        Topic { v, idf }
    }

    /// The topic vector of `text`: TF × IDF per bucket, L2 per family.
    pub fn vector(&self, text: &str) -> TopicVec {
        let mut counts: [FxHashMap<u32, f32>; 2] = Default::default();
        let mut sc = Scratch::default();
        self.v.visit_buckets(text, &mut sc, |fam, b, _| {
            let f = (fam == Family::Char) as usize;
            *counts[f].entry(b).or_default() += 1.0;
        });
        let mut out = TopicVec::default();
        for (f, c) in counts.into_iter().enumerate() {
            let mut m: FxHashMap<u32, f32> = FxHashMap::default();
            for (b, n) in c {
                if let Some(idf) = (self.idf)(b) {
                    m.insert(b, self.v.tf(n) * idf);
                }
            }
            let norm = m.values().map(|x| x * x).sum::<f32>().sqrt();
            if norm > 0.0 {
                m.values_mut().for_each(|x| *x /= norm);
            }
            out.fams[f] = m;
        }
        out
    }
}

impl TopicVec {
    /// Mean over the two families of the cosine with `other` (a family empty in either text
    /// counts 0).
    pub fn similarity(&self, other: &TopicVec) -> f64 {
        let [w, c] = self.cosines(other);
        (w + c) / 2.0
    }

    /// The cosine with `other` per family: word, char.
    pub fn cosines(&self, other: &TopicVec) -> [f64; 2] {
        let cos = |a: &FxHashMap<u32, f32>, b: &FxHashMap<u32, f32>| -> f64 {
            let (small, big) = if a.len() <= b.len() { (a, b) } else { (b, a) };
            small
                .iter()
                .filter_map(|(k, x)| big.get(k).map(|y| (*x as f64) * (*y as f64)))
                .sum()
        };
        [
            cos(&self.fams[0], &other.fams[0]),
            cos(&self.fams[1], &other.fams[1]),
        ]
    }
}
