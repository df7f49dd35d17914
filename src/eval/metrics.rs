//! Classification metrics as pure functions of scores and truth: ROC-AUC, average precision
//! (PR-AUC), log-loss, Brier, precision/recall/F1, confusion matrices, threshold tables.

use serde::Serialize;

/// ROC-AUC of `scores` for binary `truth` (Mann–Whitney, ties count half). `None` when one
/// class is absent.
pub fn roc_auc(scores: &[f64], truth: &[bool]) -> Option<f64> {
    let n_pos = truth.iter().filter(|&&t| t).count();
    let n_neg = truth.len() - n_pos;
    if n_pos == 0 || n_neg == 0 {
        return None;
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let mut rank_sum_pos = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        let avg_rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            if truth[k] {
                rank_sum_pos += avg_rank;
            }
        }
        i = j + 1;
    }
    let u = rank_sum_pos - (n_pos * (n_pos + 1)) as f64 / 2.0;
    Some(u / (n_pos as f64 * n_neg as f64))
}

/// Cumulative counts at every distinct score, highest first: `(score, true positives, false
/// positives)` among the rows scored at least `score`.
pub fn cumulative_counts(scores: &[f64], truth: &[bool]) -> Vec<(f64, f64, f64)> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let (mut tp, mut fp) = (0.0, 0.0);
    let mut out = Vec::new();
    let mut i = 0;
    while i < order.len() {
        let s = scores[order[i]];
        while i < order.len() && scores[order[i]] == s {
            if truth[order[i]] {
                tp += 1.0
            } else {
                fp += 1.0
            }
            i += 1;
        }
        out.push((s, tp, fp));
    }
    out
}

/// Points of the precision–recall curve at every distinct score, highest first:
/// `(threshold, precision, recall)`.
pub fn pr_curve(scores: &[f64], truth: &[bool]) -> Vec<(f64, f64, f64)> {
    let n_pos = truth.iter().filter(|&&t| t).count() as f64;
    cumulative_counts(scores, truth)
        .into_iter()
        .map(|(s, tp, fp)| {
            let recall = if n_pos > 0.0 { tp / n_pos } else { 0.0 };
            (s, tp / (tp + fp), recall)
        })
        .collect()
}

/// Average precision (scikit-learn's step-wise PR-AUC). `None` without positives.
pub fn average_precision(scores: &[f64], truth: &[bool]) -> Option<f64> {
    if !truth.iter().any(|&t| t) {
        return None;
    }
    let mut ap = 0.0;
    let mut prev_r = 0.0;
    for (_, p, r) in pr_curve(scores, truth) {
        ap += (r - prev_r) * p;
        prev_r = r;
    }
    Some(ap)
}

/// Mean negative log-likelihood of the true class; probabilities clamped to [1e-15, 1].
pub fn log_loss(p_true: impl Iterator<Item = f64>) -> f64 {
    let (mut s, mut n) = (0.0, 0usize);
    for p in p_true {
        s -= p.clamp(1e-15, 1.0).ln();
        n += 1;
    }
    s / n.max(1) as f64
}

/// Precision, recall, F1 and support of one class.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ClassScores {
    pub class: String,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
    /// one-vs-rest ROC-AUC of this class's probability
    pub roc_auc: Option<f64>,
    /// one-vs-rest average precision
    pub pr_auc: Option<f64>,
}

/// `confusion[t][p]`: rows of true class `t` predicted as `p`.
pub fn confusion(truth: &[usize], pred: &[usize], k: usize) -> Vec<Vec<usize>> {
    let mut m = vec![vec![0; k]; k];
    for (&t, &p) in truth.iter().zip(pred) {
        m[t][p] += 1;
    }
    m
}

/// Precision, recall and F1 of class `c` from a confusion matrix (0 where undefined).
pub fn prf(conf: &[Vec<usize>], c: usize) -> (f64, f64, f64) {
    let tp = conf[c][c] as f64;
    let predicted: usize = conf.iter().map(|r| r[c]).sum();
    let actual: usize = conf[c].iter().sum();
    let p = if predicted > 0 {
        tp / predicted as f64
    } else {
        0.0
    };
    let r = if actual > 0 { tp / actual as f64 } else { 0.0 };
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f)
}

/// One row of a threshold table.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ThresholdRow {
    pub threshold: f64,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// comments at or above the threshold per 1,000
    pub flagged_per_1000: f64,
}

/// The threshold at which precision first reaches a target, scanning from the top score.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PrecisionTarget {
    pub target_precision: f64,
    /// lowest threshold whose precision is at least the target (maximising recall); `None`
    /// when no threshold reaches it
    pub threshold: Option<f64>,
    pub recall: Option<f64>,
}

/// Precision, recall, F1 and flag rate at thresholds 0.05, 0.10, …, 0.95.
pub fn threshold_table(scores: &[f64], truth: &[bool]) -> Vec<ThresholdRow> {
    let n_pos = truth.iter().filter(|&&t| t).count() as f64;
    (1..20)
        .map(|i| {
            let t = i as f64 / 20.0;
            let (mut tp, mut fp) = (0.0, 0.0);
            for (&s, &y) in scores.iter().zip(truth) {
                if s >= t {
                    if y {
                        tp += 1.0
                    } else {
                        fp += 1.0
                    }
                }
            }
            let p = if tp + fp > 0.0 { tp / (tp + fp) } else { 1.0 };
            let r = if n_pos > 0.0 { tp / n_pos } else { 0.0 };
            let f = if p + r > 0.0 {
                2.0 * p * r / (p + r)
            } else {
                0.0
            };
            ThresholdRow {
                threshold: t,
                precision: p,
                recall: r,
                f1: f,
                flagged_per_1000: 1000.0 * (tp + fp) / scores.len().max(1) as f64,
            }
        })
        .collect()
}

/// For each target precision, the lowest threshold that reaches it and the recall there.
pub fn precision_targets(scores: &[f64], truth: &[bool], targets: &[f64]) -> Vec<PrecisionTarget> {
    let curve = pr_curve(scores, truth);
    targets
        .iter()
        .map(|&tp| {
            let best = curve.iter().rev().find(|&&(_, p, _)| p >= tp);
            PrecisionTarget {
                target_precision: tp,
                threshold: best.map(|b| b.0),
                recall: best.map(|b| b.2),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_matches_hand_computation() {
        // sklearn: roc_auc_score([0,0,1,1],[0.1,0.4,0.35,0.8]) == 0.75
        let s = [0.1, 0.4, 0.35, 0.8];
        let t = [false, false, true, true];
        assert!((roc_auc(&s, &t).unwrap() - 0.75).abs() < 1e-12);
        // sklearn: average_precision_score(...) == 0.8333...
        assert!((average_precision(&s, &t).unwrap() - 5.0 / 6.0).abs() < 1e-12);
        assert_eq!(roc_auc(&s, &[true; 4]), None);
        // ties count half
        assert!((roc_auc(&[0.5, 0.5], &[false, true]).unwrap() - 0.5).abs() < 1e-12);
    }

    #[test]
    fn prf_and_confusion() {
        let c = confusion(&[0, 0, 1, 1, 1], &[0, 1, 1, 1, 0], 2);
        assert_eq!(c, vec![vec![1, 1], vec![1, 2]]);
        let (p, r, f) = prf(&c, 1);
        assert!((p - 2.0 / 3.0).abs() < 1e-12 && (r - 2.0 / 3.0).abs() < 1e-12);
        assert!((f - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn precision_target_picks_lowest_threshold() {
        let s = [0.9, 0.8, 0.7, 0.6, 0.5];
        let t = [true, true, false, true, false];
        let r = precision_targets(&s, &t, &[0.75, 1.0]);
        assert_eq!(r[0].threshold, Some(0.6));
        assert_eq!(r[0].recall, Some(1.0));
        assert_eq!(r[1].threshold, Some(0.8));
        assert!((log_loss([1.0, 0.5].into_iter()) - 0.5f64.ln().abs() / 2.0).abs() < 1e-12);
    }
}
