//! The curves of a report, as data: ROC and precision–recall points, reliability bins with the
//! expected calibration error, and score histograms by true class. Plots and notebooks read
//! them from the JSON.

use super::metrics::{cumulative_counts, pr_curve};
use crate::numeric::argmax;
use serde::Serialize;

/// Most points kept per curve: enough to draw it, small enough for the JSON.
pub const MAX_POINTS: usize = 200;

/// A named line of `[x, y]` points.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Series {
    pub label: String,
    pub points: Vec<[f64; 2]>,
}

/// ROC curve `[false positive rate, true positive rate]` from (0,0) to (1,1), one point per
/// distinct score (thinned to [`MAX_POINTS`]). Empty when a class is absent.
pub fn roc_points(scores: &[f64], truth: &[bool]) -> Vec<[f64; 2]> {
    let n_pos = truth.iter().filter(|&&t| t).count() as f64;
    let n_neg = truth.len() as f64 - n_pos;
    if n_pos == 0.0 || n_neg == 0.0 {
        return vec![];
    }
    let mut pts = vec![[0.0, 0.0]];
    pts.extend(
        cumulative_counts(scores, truth)
            .into_iter()
            .map(|(_, tp, fp)| [fp / n_neg, tp / n_pos]),
    );
    thin(pts)
}

/// Precision–recall curve `[recall, precision]`, highest threshold first (thinned).
pub fn pr_points(scores: &[f64], truth: &[bool]) -> Vec<[f64; 2]> {
    if !truth.iter().any(|&t| t) {
        return vec![];
    }
    thin(
        pr_curve(scores, truth)
            .into_iter()
            .map(|(_, p, r)| [r, p])
            .collect(),
    )
}

/// Keeps at most [`MAX_POINTS`] evenly spaced points, always the first and the last.
fn thin(pts: Vec<[f64; 2]>) -> Vec<[f64; 2]> {
    if pts.len() <= MAX_POINTS {
        return pts;
    }
    let last = pts.len() - 1;
    (0..MAX_POINTS)
        .map(|i| pts[i * last / (MAX_POINTS - 1)])
        .collect()
}

/// One bin of a reliability diagram.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Bin {
    pub lo: f64,
    pub hi: f64,
    pub count: usize,
    /// mean predicted probability in the bin
    pub mean_score: f64,
    /// fraction of the bin's rows where the event happened
    pub observed: f64,
}

/// A reliability diagram: how often the event happens at each predicted probability.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Reliability {
    /// what the probability is of, e.g. "P(insult = 1)" or "confidence of the predicted class"
    pub of: String,
    /// non-empty bins only
    pub bins: Vec<Bin>,
    /// expected calibration error: Σ (count/n) · |observed − mean score| over equal-width bins
    pub ece: f64,
}

/// Reliability over `n_bins` equal-width bins of `[0, 1]`; `event[i]` says whether row `i`'s
/// event happened.
pub fn reliability(of: &str, scores: &[f64], event: &[bool], n_bins: usize) -> Reliability {
    let mut count = vec![0usize; n_bins];
    let mut sum = vec![0.0; n_bins];
    let mut hits = vec![0usize; n_bins];
    for (&s, &e) in scores.iter().zip(event) {
        let b = ((s * n_bins as f64) as usize).min(n_bins - 1);
        count[b] += 1;
        sum[b] += s;
        hits[b] += e as usize;
    }
    let n = scores.len().max(1) as f64;
    let mut ece = 0.0;
    let mut bins = Vec::new();
    for b in 0..n_bins {
        if count[b] == 0 {
            continue;
        }
        let c = count[b] as f64;
        let (mean_score, observed) = (sum[b] / c, hits[b] as f64 / c);
        ece += c / n * (observed - mean_score).abs();
        bins.push(Bin {
            lo: b as f64 / n_bins as f64,
            hi: (b + 1) as f64 / n_bins as f64,
            count: count[b],
            mean_score,
            observed,
        });
    }
    Reliability {
        of: of.to_string(),
        bins,
        ece,
    }
}

/// Score histograms over equal-width bins of `[0, 1]`, one count vector per group.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Histogram {
    /// what is counted, e.g. "P(insult = 1)"
    pub of: String,
    /// `n_bins + 1` bin edges
    pub edges: Vec<f64>,
    /// one per true class: `(class, counts per bin)`
    pub groups: Vec<(String, Vec<usize>)>,
}

/// Histogram of `scores` split by `group[i]` (an index into `names`).
pub fn histogram(
    of: &str,
    scores: &[f64],
    group: &[usize],
    names: &[String],
    n_bins: usize,
) -> Histogram {
    let mut counts = vec![vec![0usize; n_bins]; names.len()];
    for (&s, &g) in scores.iter().zip(group) {
        let b = ((s * n_bins as f64) as usize).min(n_bins - 1);
        counts[g][b] += 1;
    }
    Histogram {
        of: of.to_string(),
        edges: (0..=n_bins).map(|i| i as f64 / n_bins as f64).collect(),
        groups: names.iter().cloned().zip(counts).collect(),
    }
}

/// Every curve of one head.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Curves {
    /// the positive class's for a binary head, one per class (one-vs-rest) otherwise
    pub roc: Vec<Series>,
    pub pr: Vec<Series>,
    pub reliability: Reliability,
    pub histogram: Histogram,
}

/// The reliability of a head: of P(positive) for a binary head; for a multiclass head, the
/// confidence of the predicted class against how often it is right.
pub fn head_reliability(
    name: &str,
    classes: &[String],
    truth: &[usize],
    probs: &[Vec<f64>],
    positive: Option<usize>,
) -> Reliability {
    match positive {
        Some(p) => {
            let s: Vec<f64> = probs.iter().map(|v| v[p]).collect();
            let e: Vec<bool> = truth.iter().map(|&y| y == p).collect();
            reliability(&format!("P({name} = {})", classes[p]), &s, &e, 10)
        }
        None => {
            let (mut conf, mut right) = (vec![], vec![]);
            for (p, &y) in probs.iter().zip(truth) {
                let am = argmax(p);
                conf.push(p[am]);
                right.push(am == y);
            }
            reliability("confidence of the predicted class", &conf, &right, 10)
        }
    }
}

/// The curves of a head from per-class probabilities and true classes.
pub fn head_curves(
    name: &str,
    classes: &[String],
    truth: &[usize],
    probs: &[Vec<f64>],
    positive: Option<usize>,
) -> Curves {
    let shown: Vec<usize> = match positive {
        Some(p) => vec![p],
        None => (0..classes.len()).collect(),
    };
    let (mut roc, mut pr) = (vec![], vec![]);
    for &c in &shown {
        let s: Vec<f64> = probs.iter().map(|p| p[c]).collect();
        let t: Vec<bool> = truth.iter().map(|&y| y == c).collect();
        let label = format!("{name} = {}", classes[c]);
        roc.push(Series {
            label: label.clone(),
            points: roc_points(&s, &t),
        });
        pr.push(Series {
            label,
            points: pr_points(&s, &t),
        });
    }
    let (reliability, histogram) = match positive {
        Some(p) => {
            let s: Vec<f64> = probs.iter().map(|v| v[p]).collect();
            let of = format!("P({name} = {})", classes[p]);
            (
                head_reliability(name, classes, truth, probs, positive),
                histogram(&of, &s, truth, classes, 20),
            )
        }
        None => {
            // the probability each row gives its true class
            let p_true: Vec<f64> = probs.iter().zip(truth).map(|(p, &y)| p[y]).collect();
            (
                head_reliability(name, classes, truth, probs, positive),
                histogram("probability of the true class", &p_true, truth, classes, 20),
            )
        }
    };
    Curves {
        roc,
        pr,
        reliability,
        histogram,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roc_runs_from_origin_to_corner_and_area_matches_auc() {
        let s = [0.1, 0.4, 0.35, 0.8];
        let t = [false, false, true, true];
        let pts = roc_points(&s, &t);
        assert_eq!(pts.first(), Some(&[0.0, 0.0]));
        assert_eq!(pts.last(), Some(&[1.0, 1.0]));
        let area: f64 = pts
            .windows(2)
            .map(|w| (w[1][0] - w[0][0]) * (w[1][1] + w[0][1]) / 2.0)
            .sum();
        let auc = super::super::metrics::roc_auc(&s, &t).unwrap();
        assert!((area - auc).abs() < 1e-12, "{area} {auc}");
    }

    #[test]
    fn ece_is_zero_when_calibrated_and_large_when_not() {
        // in bin [0.2, 0.3): 4 rows at 0.25, one event → observed 0.25
        let s = [0.25; 4];
        let r = reliability("p", &s, &[true, false, false, false], 10);
        assert!(r.ece.abs() < 1e-12);
        assert_eq!(r.bins.len(), 1);
        let r = reliability("p", &[0.95; 4], &[false; 4], 10);
        assert!((r.ece - 0.95).abs() < 1e-12);
    }

    #[test]
    fn histogram_counts_every_row_once() {
        let names = vec!["0".to_string(), "1".to_string()];
        let h = histogram("p", &[0.0, 0.5, 1.0, 0.99], &[0, 0, 1, 1], &names, 20);
        assert_eq!(h.edges.len(), 21);
        assert_eq!(h.groups[0].1.iter().sum::<usize>(), 2);
        assert_eq!(h.groups[1].1[19], 2); // 1.0 falls in the last bin
    }

    #[test]
    fn thinning_keeps_ends() {
        let pts: Vec<[f64; 2]> = (0..1000).map(|i| [i as f64, 0.0]).collect();
        let t = thin(pts);
        assert_eq!(t.len(), MAX_POINTS);
        assert_eq!(t[0][0], 0.0);
        assert_eq!(t[MAX_POINTS - 1][0], 999.0);
    }
}
