//! Evaluation: metrics, seeded splits, scoring a labelled set, and reports.

pub mod evaluate;
pub mod metrics;
pub mod report;
pub mod split;

pub use evaluate::{evaluate, predict, EvalReport, HeadReport};
