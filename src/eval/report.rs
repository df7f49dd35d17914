//! What an evaluation reports, per head: metrics, confusion, thresholds, per-target figures,
//! curves, calibration and the worst errors. Data only; the renderers are `markdown`, `html`
//! and serde's JSON.

use super::curves::{Curves, Reliability};
use super::metrics::{ClassScores, PrecisionTarget, ThresholdRow};
use serde::Serialize;

/// The JSON layout's name and version (docs/formats.md, "Report JSON").
pub const SCHEMA: &str = "gavel.eval/3";

/// Metrics of one head (a class column, or one multi-label column).
#[derive(Clone, Debug, Serialize)]
pub struct HeadReport {
    /// the label column
    pub name: String,
    /// "binary" or "multiclass"
    pub kind: String,
    pub classes: Vec<String>,
    /// the positive class of a binary head (the thresholds' class)
    pub positive: Option<String>,
    pub rows: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub weighted_f1: f64,
    /// binary: of the positive class; multiclass: mean one-vs-rest
    pub roc_auc: Option<f64>,
    pub pr_auc: Option<f64>,
    pub log_loss: f64,
    /// mean squared error of the probability vector
    pub brier: f64,
    /// SemEval-2016's F_avg = (F1(FAVOR) + F1(AGAINST)) / 2, when those classes exist
    pub f_avg: Option<f64>,
    pub per_class: Vec<ClassScores>,
    /// `confusion[true][predicted]`, in `classes` order
    pub confusion: Vec<Vec<usize>>,
    /// binary heads: precision/recall by threshold of the positive class
    pub thresholds: Vec<ThresholdRow>,
    pub precision_targets: Vec<PrecisionTarget>,
    /// per target value (per-target models only)
    pub by_target: Vec<TargetSummary>,
    /// every headline metric per value of a column (`eval --by`, `cv --group`)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_group: Option<GroupTable>,
    /// ROC, precision–recall, reliability and histogram data
    pub curves: Curves,
    /// the same scores before calibration, for a calibrated model
    pub calibration: Option<CalibrationCheck>,
    /// the worst errors with the n-grams that drove them (empty for cross-validation folds)
    pub errors: Vec<ErrorCase>,
}

impl HeadReport {
    /// The headline metrics, by name, as the JSON and cross-validation use them.
    pub fn headline(&self) -> Vec<(&'static str, Option<f64>)> {
        vec![
            ("accuracy", Some(self.accuracy)),
            ("macro_f1", Some(self.macro_f1)),
            ("weighted_f1", Some(self.weighted_f1)),
            ("roc_auc", self.roc_auc),
            ("pr_auc", self.pr_auc),
            ("log_loss", Some(self.log_loss)),
            ("brier", Some(self.brier)),
            ("f_avg", self.f_avg),
        ]
    }
}

/// How well the scores were calibrated before the model's calibration (after it:
/// `curves.reliability`, `log_loss`, `brier`).
#[derive(Clone, Debug, Serialize)]
pub struct CalibrationCheck {
    pub before: Reliability,
    pub log_loss_before: f64,
    pub brier_before: f64,
}

/// A misclassified row, with what pushed the model there.
#[derive(Clone, Debug, Serialize)]
pub struct ErrorCase {
    /// "false positive", "false negative" (binary heads) or "confident error" (multiclass)
    pub kind: String,
    /// the row's line in the data file
    pub line: u64,
    pub text: String,
    pub truth: String,
    pub predicted: String,
    /// binary: P(positive class); multiclass: the probability of the predicted class
    pub score: f64,
    /// strongest n-gram columns towards the wrong answer: `(n-grams, contribution to the logit)`
    pub drivers: Vec<(String, f64)>,
}

/// Rows per error kind in a report.
pub const ERRORS_SHOWN: usize = 10;
/// Drivers per error.
pub const DRIVERS_SHOWN: usize = 5;
/// Longest text kept in an error case, in chars.
pub(super) const ERROR_TEXT_CHARS: usize = 600;

/// The headline figures of one target's rows.
#[derive(Clone, Debug, Serialize)]
pub struct TargetSummary {
    pub target: String,
    pub rows: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub f_avg: Option<f64>,
}

/// The headline metrics of each value of a column.
#[derive(Clone, Debug, Serialize)]
pub struct GroupTable {
    pub column: String,
    pub groups: Vec<GroupSummary>,
}

/// One value's rows and headline metrics (as [`HeadReport::headline`] names them).
#[derive(Clone, Debug, Serialize)]
pub struct GroupSummary {
    pub value: String,
    pub rows: usize,
    /// of the positive class (binary heads), per class otherwise
    pub positives: Vec<usize>,
    pub metrics: Vec<(String, Option<f64>)>,
}

/// A whole evaluation.
#[derive(Clone, Debug, Serialize)]
pub struct EvalReport {
    /// [`SCHEMA`]: the name and version of this JSON layout (docs/formats.md, "Report JSON")
    pub schema: &'static str,
    pub data_file: String,
    pub rows: usize,
    pub heads: Vec<HeadReport>,
}
