//! N-grams → numbers: the specified hash, sparse rows, and the TF-IDF vectorizer.

pub mod cache;
pub mod counts;
pub mod fit;
pub mod grams;
pub mod hashing;
pub mod lookup;
pub mod sparse;
pub mod sums;
pub mod vectorizer;
pub mod vocab;

pub use fit::document_frequencies;
pub use grams::{ExplainedFeature, GramMemo};
pub use sparse::{Csr, Row};
pub use sums::new_owner_id;
pub use vectorizer::{FeatureConfig, VecScratch, Vectorizer};
pub use vocab::Vocab;
