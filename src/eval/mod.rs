//! Evaluation: metrics, seeded splits, scoring a labelled set, and reports.

pub mod attack;
pub mod bias;
pub mod compare;
pub mod curves;
pub mod evaluate;
pub mod html;
pub mod metrics;
pub mod plots;
pub mod report;
pub mod split;
pub mod suggest;
pub mod tables;

pub use evaluate::{evaluate, predict, report, EvalReport, HeadReport, HeadScores, Predicted};
