//! Text → n-grams: normalisation, tokenization, stemming, and the analyzer that chains them.

pub mod analyzer;
pub mod config;
pub mod deobfuscate;
pub mod keys;
pub mod lexicon;
pub mod mention;
pub mod normalize;
pub mod roman;
pub mod script;
pub mod script_fold;
pub mod spelling;
pub mod stem;
pub mod tokenize;

pub use analyzer::{Analyzer, Family, GramBufs, GramSink, Reading, Scratch, TextConfig};
