//! gavel: offline, trainable, explainable moderation of reader comments.
//!
//! The data flow, one module each: [`text`] (normalise, tokenize, stem, n-grams) →
//! [`features`] (hashing, TF-IDF, sparse rows) → [`model`] (logistic heads, solver, file) →
//! [`explain`] (each score split into n-gram contributions) → [`policy`] (scores to
//! approve / review / reject, with the reason) → [`eval`] (metrics, curves, splits, reports);
//! [`langid`] names each comment's language (`lang`); [`io`] reads and writes CSV/TSV/JSONL; [`serve`] puts the models behind HTTP (a
//! Perspective-compatible API and gavel's own), with moderators' decisions kept by
//! [`feedback`]. [`cli`] is the command line over all of it (the `gavel` binary, and the
//! Python package's training and evaluation, which run the same commands in process).

pub mod cli;
pub mod dataset;
pub mod error;
pub mod eval;
pub mod explain;
pub mod extract;
pub mod features;
pub mod feedback;
pub mod huge;
pub mod inspect;
pub mod io;
pub mod langid;
pub mod model;
pub mod numeric;
pub mod pick;
pub mod policy;
pub mod score;
pub mod serve;
pub mod split;
pub mod text;
pub mod topic;

pub use error::{Error, Result};
