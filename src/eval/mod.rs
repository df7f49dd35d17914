//! Evaluation: metrics, scoring a labelled set, and reports (data, then renderers).

pub mod attack;
pub mod bias;
pub mod compare;
pub mod curves;
pub mod cv;
pub mod evaluate;
pub mod html;
pub mod markdown;
pub mod metrics;
pub mod plots;
pub mod suggest;
pub mod tables;

pub use evaluate::{evaluate, predict, report, EvalReport, HeadReport, HeadScores, Predicted};
