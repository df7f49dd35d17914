//! Cross-validation's report: each head's metrics as mean and spread over the folds, with
//! the report of the pooled out-of-fold predictions.

use super::report::EvalReport;
use serde::Serialize;

/// The JSON layout's name and version (docs/formats.md, "Report JSON").
pub const SCHEMA: &str = "gavel.cv/2";

/// Mean and spread of one metric over folds.
#[derive(Clone, Debug, Serialize)]
pub struct Spread {
    pub metric: String,
    pub mean: f64,
    pub std: f64,
    pub folds: Vec<f64>,
}

/// Cross-validated figures of one head.
#[derive(Clone, Debug, Serialize)]
pub struct CvHead {
    pub name: String,
    pub metrics: Vec<Spread>,
}

/// Cross-validated figures per head.
#[derive(Clone, Debug, Serialize)]
pub struct CvReport {
    /// [`SCHEMA`]
    pub schema: &'static str,
    pub data_file: String,
    pub folds: usize,
    pub seed: u64,
    /// each metric's spread over the folds
    pub heads: Vec<CvHead>,
    /// the report of every row's out-of-fold prediction: curves, thresholds, worst errors
    pub pooled: EvalReport,
}

/// Aggregates per-fold evaluations (same heads in each) into mean ± std (sample std), with
/// the pooled out-of-fold report.
pub fn cv_report(data_file: &str, seed: u64, folds: &[EvalReport], pooled: EvalReport) -> CvReport {
    let mut heads = Vec::new();
    if let Some(first) = folds.first() {
        for (hi, h) in first.heads.iter().enumerate() {
            let mut spreads = Vec::new();
            for (mi, (name, _)) in h.headline().into_iter().enumerate() {
                let vals: Vec<f64> = folds
                    .iter()
                    .filter_map(|f| f.heads[hi].headline()[mi].1)
                    .collect();
                if vals.is_empty() {
                    continue;
                }
                let mean = vals.iter().sum::<f64>() / vals.len() as f64;
                let var = if vals.len() > 1 {
                    vals.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (vals.len() - 1) as f64
                } else {
                    0.0
                };
                spreads.push(Spread {
                    metric: name.to_string(),
                    mean,
                    std: var.sqrt(),
                    folds: vals,
                });
            }
            heads.push(CvHead {
                name: h.name.clone(),
                metrics: spreads,
            });
        }
    }
    CvReport {
        schema: SCHEMA,
        data_file: data_file.to_string(),
        folds: folds.len(),
        seed,
        heads,
        pooled,
    }
}
