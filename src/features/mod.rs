//! N-grams → numbers: the specified hash, sparse rows, and the TF-IDF vectorizer.

pub mod cache;
pub mod counts;
pub mod hashing;
pub mod sparse;
pub mod vectorizer;
pub mod vocab;

pub use sparse::{Csr, Row};
pub use vectorizer::{ExplainedFeature, FeatureConfig, VecScratch, Vectorizer};
pub use vocab::Vocab;
