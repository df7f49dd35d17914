//! Two models on the same labelled rows: every metric side by side, and paired bootstrap
//! intervals for the differences in ROC-AUC and macro-F1 (both models scored on the same
//! resampled rows).

use super::evaluate::{predictions, report_heads};
use super::metrics::prf;
use super::predict::{head_scores, predict_for, row_targets, HeadScores};
use super::report::HeadReport;
use crate::error::{Error, Result};
use crate::explain::explain;
use crate::model::{Model, TrainingData};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

/// The JSON layout's name and version (docs/formats.md, "Report JSON").
pub const SCHEMA: &str = "gavel.compare/1";

/// How the intervals are drawn.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Bootstrap {
    pub resamples: usize,
    pub seed: u64,
    /// e.g. 0.95 for the 2.5th to 97.5th percentile
    pub confidence: f64,
}

impl Default for Bootstrap {
    fn default() -> Self {
        Bootstrap {
            resamples: 1000,
            seed: 42,
            confidence: 0.95,
        }
    }
}

/// One metric of both models.
#[derive(Clone, Debug, Serialize)]
pub struct MetricDiff {
    pub metric: String,
    pub a: Option<f64>,
    pub b: Option<f64>,
    /// `b − a`
    pub diff: Option<f64>,
    /// paired bootstrap interval of `b − a` (ROC-AUC and macro-F1)
    pub interval: Option<(f64, f64)>,
}

/// One head of both models.
#[derive(Clone, Debug, Serialize)]
pub struct CompareHead {
    pub name: String,
    pub metrics: Vec<MetricDiff>,
    pub a: HeadReport,
    pub b: HeadReport,
}

/// A whole comparison.
#[derive(Clone, Debug, Serialize)]
pub struct CompareReport {
    /// [`SCHEMA`]
    pub schema: &'static str,
    pub data_file: String,
    pub rows: usize,
    /// the two models' names, A then B
    pub models: [String; 2],
    pub bootstrap: Bootstrap,
    pub heads: Vec<CompareHead>,
}

/// Compares models `a` and `b` (named `names`) on `data`; their heads and classes must match.
pub fn compare(
    names: [&str; 2],
    a: &Model,
    b: &Model,
    data: &TrainingData,
    boot: Bootstrap,
) -> Result<CompareReport> {
    if boot.resamples < 10 || !(boot.confidence > 0.0 && boot.confidence < 1.0) {
        return Err(Error::Param(
            "the bootstrap needs at least 10 resamples and a confidence in (0, 1)".into(),
        ));
    }
    // each model scores the rows once; its report and the bootstrap share the scores
    let (ta, tb) = (row_targets(a, data)?, row_targets(b, data)?);
    let sa = head_scores(&a.spec, data, &predict_for(a, data, &ta))?;
    let sb = head_scores(&b.spec, data, &predict_for(b, data, &tb))?;
    let same = sa.len() == sb.len()
        && sa
            .iter()
            .zip(&sb)
            .all(|(x, y)| x.name == y.name && x.classes == y.classes && x.positive == y.positive);
    if !same {
        return Err(Error::Data(format!(
            "{} and {} have different heads or classes; only models of the same labels compare",
            names[0], names[1]
        )));
    }
    let explain_a = |i: usize| explain(a, &data.texts[i], ta[i]);
    let explain_b = |i: usize| explain(b, &data.texts[i], tb[i]);
    let ra = report_heads(&sa, data, Some(&explain_a));
    let rb = report_heads(&sb, data, Some(&explain_b));
    let heads = sa
        .iter()
        .zip(&sb)
        .zip(ra.heads.into_iter().zip(rb.heads))
        .enumerate()
        .map(|(hi, ((x, y), (ha, hb)))| {
            let draws = paired_bootstrap(x, y, boot, hi as u64);
            let interval = |k: usize| percentile_interval(&draws[k], boot.confidence);
            let metrics = ha
                .headline()
                .into_iter()
                .zip(hb.headline())
                .map(|((m, va), (_, vb))| MetricDiff {
                    metric: m.to_string(),
                    a: va,
                    b: vb,
                    diff: va.zip(vb).map(|(p, q)| q - p),
                    interval: match m {
                        "roc_auc" => interval(0),
                        "macro_f1" => interval(1),
                        _ => None,
                    },
                })
                .collect();
            CompareHead {
                name: x.name.clone(),
                metrics,
                a: ha,
                b: hb,
            }
        })
        .collect();
    Ok(CompareReport {
        schema: SCHEMA,
        data_file: data.source.0.clone(),
        rows: data.texts.len(),
        models: [names[0].to_string(), names[1].to_string()],
        bootstrap: boot,
        heads,
    })
}

/// Per resample, `b − a` of ROC-AUC (index 0; resamples where it is undefined are left out)
/// and of macro-F1 (index 1). Resample `r` draws its rows from its own seeded stream, so the
/// result does not depend on the number of threads.
fn paired_bootstrap(a: &HeadScores, b: &HeadScores, boot: Bootstrap, head: u64) -> [Vec<f64>; 2] {
    let n = a.truth.len();
    let k = a.classes.len();
    let shown: Vec<usize> = match a.positive {
        Some(p) => vec![p],
        None => (0..k).collect(),
    };
    // per model and class: rows in increasing score order
    let orders = |h: &HeadScores| -> Vec<Vec<usize>> {
        shown
            .iter()
            .map(|&c| {
                let mut o: Vec<usize> = (0..n).collect();
                o.sort_by(|&i, &j| h.probs[i][c].total_cmp(&h.probs[j][c]));
                o
            })
            .collect()
    };
    let (oa, ob) = (orders(a), orders(b));
    let (pa, pb) = (
        predictions(&a.probs, a.positive, &a.cut),
        predictions(&b.probs, b.positive, &b.cut),
    );
    let draws: Vec<(Option<f64>, f64)> = (0..boot.resamples)
        .into_par_iter()
        .map(|r| {
            let mut rng = ChaCha8Rng::seed_from_u64(boot.seed ^ (head << 32) ^ r as u64);
            let mut w = vec![0u32; n];
            for _ in 0..n {
                w[rng.gen_range(0..n)] += 1;
            }
            let auc = |h: &HeadScores, orders: &[Vec<usize>]| -> Option<f64> {
                let v: Vec<f64> = shown
                    .iter()
                    .zip(orders)
                    .filter_map(|(&c, o)| weighted_auc(o, &h.probs, c, &h.truth, &w))
                    .collect();
                (v.len() == shown.len()).then(|| v.iter().sum::<f64>() / v.len() as f64)
            };
            let f1 = |pred: &[usize]| {
                let mut m = vec![vec![0usize; k]; k];
                for i in 0..n {
                    m[a.truth[i]][pred[i]] += w[i] as usize;
                }
                (0..k).map(|c| prf(&m, c).2).sum::<f64>() / k as f64
            };
            let d_auc = auc(b, &ob).zip(auc(a, &oa)).map(|(x, y)| x - y);
            (d_auc, f1(&pb) - f1(&pa))
        })
        .collect();
    [
        draws.iter().filter_map(|d| d.0).collect(),
        draws.iter().map(|d| d.1).collect(),
    ]
}

/// ROC-AUC of class `c` with row weights `w`, rows given in increasing score order (ties
/// count half).
fn weighted_auc(
    order: &[usize],
    probs: &[Vec<f64>],
    c: usize,
    truth: &[usize],
    w: &[u32],
) -> Option<f64> {
    let (mut neg_below, mut num) = (0.0, 0.0);
    let (mut pos_total, mut neg_total) = (0.0, 0.0);
    let mut i = 0;
    while i < order.len() {
        let s = probs[order[i]][c];
        let (mut pos, mut neg) = (0.0, 0.0);
        while i < order.len() && probs[order[i]][c] == s {
            let r = order[i];
            if truth[r] == c {
                pos += w[r] as f64
            } else {
                neg += w[r] as f64
            }
            i += 1;
        }
        num += pos * (neg_below + neg / 2.0);
        neg_below += neg;
        pos_total += pos;
        neg_total += neg;
    }
    (pos_total > 0.0 && neg_total > 0.0).then(|| num / (pos_total * neg_total))
}

/// The central `confidence` interval of `draws` (percentile method).
fn percentile_interval(draws: &[f64], confidence: f64) -> Option<(f64, f64)> {
    if draws.is_empty() {
        return None;
    }
    let mut d = draws.to_vec();
    d.sort_by(f64::total_cmp);
    let q = |p: f64| d[((p * (d.len() - 1) as f64).round() as usize).min(d.len() - 1)];
    let tail = (1.0 - confidence) / 2.0;
    Some((q(tail), q(1.0 - tail)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighted_auc_equals_auc_of_repeated_rows() {
        let probs: Vec<Vec<f64>> = [0.1, 0.4, 0.35, 0.8, 0.4]
            .iter()
            .map(|&p| vec![1.0 - p, p])
            .collect();
        let truth = [0, 0, 1, 1, 1];
        let w = [2, 1, 0, 3, 1];
        let mut order: Vec<usize> = (0..5).collect();
        order.sort_by(|&i, &j| probs[i][1].total_cmp(&probs[j][1]));
        // the same rows written out: scores 0.1 ×2 (neg), 0.4 (neg), 0.8 ×3 (pos), 0.4 (pos)
        let s = [0.1, 0.1, 0.4, 0.8, 0.8, 0.8, 0.4];
        let t = [false, false, false, true, true, true, true];
        let want = super::super::metrics::roc_auc(&s, &t).unwrap();
        let got = weighted_auc(&order, &probs, 1, &truth, &w).unwrap();
        assert!((got - want).abs() < 1e-12, "{got} {want}");
    }

    #[test]
    fn interval_brackets_the_middle() {
        let d: Vec<f64> = (0..=100).map(|i| i as f64).collect();
        assert_eq!(percentile_interval(&d, 0.9), Some((5.0, 95.0)));
    }
}
