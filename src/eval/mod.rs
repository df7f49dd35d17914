//! Evaluation: metrics, scoring a labelled set, and reports (data, then renderers).

pub mod attack;
pub mod attack_suite;
pub mod bias;
pub mod compare;
pub mod curves;
pub mod cv;
pub mod evaluate;
pub mod html;
pub mod markdown;
pub mod metrics;
pub mod plots;
pub mod predict;
pub mod report;
pub mod suggest;
pub mod tables;

pub use evaluate::{evaluate, report};
pub use predict::{predict, HeadScores, Predicted};
pub use report::{EvalReport, HeadReport};
