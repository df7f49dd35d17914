//! One linear head: weights over the feature columns, intercepts, and a link (sigmoid or
//! softmax) that turns a sparse row into probabilities; and its fit.

use super::calibrate::Calibration;
use super::kernels::{sigmoid, softmax_into};
use super::logistic::Logistic;
use super::nb;
use super::objective::Link;
use super::params::{ClassWeight, TrainParams};
use super::solver::{minimize, Convergence};
use crate::features::Csr;

/// A fitted head. `weights[j*K + k]` is feature column `j`'s weight for output `k`.
#[derive(Clone, Debug, PartialEq)]
pub struct Head {
    pub link: Link,
    pub n_features: usize,
    pub weights: Vec<f32>,
    pub bias: Vec<f32>,
    /// applied to the logits before the link; `None` leaves the raw probabilities
    pub calibration: Option<Calibration>,
}

impl Head {
    /// Whether every weight, intercept and calibration value is a finite number. A model
    /// holding anything else would score NaN, which no threshold catches.
    pub fn is_finite(&self) -> bool {
        crate::numeric::all_finite(&self.weights)
            && crate::numeric::all_finite(&self.bias)
            && self.calibration_is_finite()
    }

    /// Whether its calibration, if any, is finite numbers.
    pub fn calibration_is_finite(&self) -> bool {
        self.calibration
            .is_none_or(|c| c.a.is_finite() && c.b.is_finite())
    }

    /// Number of outputs (1 for sigmoid).
    pub fn k(&self) -> usize {
        self.link.k()
    }

    /// Raw scores `x · W + b` into `z` (length K).
    pub fn logits_into(&self, idx: &[u32], val: &[f32], z: &mut [f64]) {
        let k = self.k();
        for (zk, &b) in z.iter_mut().zip(&self.bias) {
            *zk = b as f64;
        }
        for (&j, &v) in idx.iter().zip(val) {
            let w = &self.weights[j as usize * k..j as usize * k + k];
            for (zk, &wk) in z.iter_mut().zip(w) {
                *zk += v as f64 * wk as f64;
            }
        }
    }

    /// Probabilities into `p` (length K): P(positive) for sigmoid, the class
    /// distribution for softmax.
    pub fn probs_into(&self, idx: &[u32], val: &[f32], p: &mut [f64]) {
        let mut z = [0.0f64; 64];
        let k = self.k();
        if k <= z.len() {
            self.logits_into(idx, val, &mut z[..k]);
            self.link_into(&z[..k], p);
        } else {
            let mut z = vec![0.0; k];
            self.logits_into(idx, val, &mut z);
            self.link_into(&z, p);
        }
    }

    /// Probabilities from raw logits `z` (length K) into `p`, calibrated when the head is.
    pub fn link_into(&self, z: &[f64], p: &mut [f64]) {
        match self.calibration {
            Some(c) => {
                let mut zc = [0.0f64; 64];
                if z.len() <= zc.len() {
                    let zc = &mut zc[..z.len()];
                    zc.copy_from_slice(z);
                    c.apply(zc);
                    self.raw_link_into(zc, p);
                } else {
                    let mut zc = z.to_vec();
                    c.apply(&mut zc);
                    self.raw_link_into(&zc, p);
                }
            }
            None => self.raw_link_into(z, p),
        }
    }

    /// Probabilities from logits `z` without calibration.
    pub fn raw_link_into(&self, z: &[f64], p: &mut [f64]) {
        match self.link {
            Link::Sigmoid => p[0] = sigmoid(z[0]),
            Link::Softmax(_) => {
                softmax_into(z, p);
            }
        }
    }

    /// The probability at which a one-output head calls the positive class: where its raw
    /// logit is 0, the boundary training drew (0.5 uncalibrated; `σ(b)` after Platt scaling,
    /// so that calibration changes the scores, never the decisions).
    pub fn threshold(&self) -> f64 {
        match self.calibration {
            Some(c) => sigmoid(c.b),
            None => 0.5,
        }
    }
}

/// Per-row costs `C · w(yᵢ) · rᵢ`, where `rᵢ` is row `i`'s weight (1 without `weights`) and
/// balanced class weights are worked out from the classes' summed row weights, so that every
/// class still weighs the same in total.
pub fn row_costs(
    y: &[u32],
    n_classes: usize,
    params: &TrainParams,
    weights: Option<&[f64]>,
) -> Vec<f64> {
    let r = |i: usize| weights.map_or(1.0, |w| w[i]);
    match params.class_weight {
        ClassWeight::None => (0..y.len()).map(|i| params.c * r(i)).collect(),
        ClassWeight::Balanced => {
            let mut totals = vec![0.0f64; n_classes];
            for (i, &c) in y.iter().enumerate() {
                totals[c as usize] += r(i);
            }
            let present = totals.iter().filter(|&&t| t > 0.0).count().max(1);
            let n: f64 = totals.iter().sum();
            y.iter()
                .enumerate()
                .map(|(i, &c)| params.c * r(i) * n / (present as f64 * totals[c as usize]))
                .collect()
        }
    }
}

/// Fits one head on `x` with classes `y` (0/1 for sigmoid). `params` must be checked.
pub fn fit_head(x: &Csr, y: &[u32], link: Link, params: &TrainParams) -> (Head, Convergence) {
    fit(x, y, link, params, None, None, x.n_cols)
}

/// [`fit_head`] with a weight per row (the rows of `x` in order) multiplying its cost.
/// Columns from `own_cols` on (intercepts added for the fit) are never NB-scaled.
pub fn fit_head_weighted(
    x: &Csr,
    y: &[u32],
    link: Link,
    params: &TrainParams,
    weights: &[f64],
    own_cols: usize,
) -> (Head, Convergence) {
    fit(x, y, link, params, None, Some(weights), own_cols)
}

/// Fits one head on `x` with classes `y` starting from `prior` and penalised by its distance
/// to it, `½‖W − W_prior‖²` (intercepts included) instead of `½‖W‖²`: a few new rows move the
/// head as far as they give evidence to, and no further. Keeps the prior's calibration.
/// `params` must be checked and `prior` have `x`'s columns.
pub fn fit_head_from(
    x: &Csr,
    y: &[u32],
    params: &TrainParams,
    prior: &Head,
) -> (Head, Convergence) {
    fit(x, y, prior.link, params, Some(prior), None, x.n_cols)
}

/// The fit of a head from zero, or of its change from a prior head (whose logits are then
/// every row's offsets). With `params.nb` (and no prior, whose change is penalised
/// plainly), the columns before `own_cols` are NB-scaled for the fit and the weights
/// unscaled after it ([`super::nb`]).
fn fit(
    x: &Csr,
    y: &[u32],
    link: Link,
    params: &TrainParams,
    prior: Option<&Head>,
    weights: Option<&[f64]>,
    own_cols: usize,
) -> (Head, Convergence) {
    let k = link.k();
    let cost = row_costs(y, k.max(2), params, weights);
    let scale = params
        .nb
        .as_ref()
        .filter(|_| prior.is_none())
        .map(|nb| nb::column_scale(x, y, k.max(2), &cost, own_cols, nb.power));
    let xs = scale.as_ref().map(|s| nb::scaled(x, s));
    let x = xs.as_ref().unwrap_or(x);
    let mut obj = Logistic::new(x, y, cost, link);
    if let Some(prior) = prior {
        let mut offset = vec![0.0f64; x.n_rows() * k];
        for (i, z) in offset.chunks_exact_mut(k).enumerate() {
            let row = x.row(i);
            prior.logits_into(row.indices, row.values, z);
        }
        obj = obj.with_offset(offset);
    }
    let mut w = vec![0.0f64; (x.n_cols + 1) * k];
    let conv = minimize(&mut obj, &mut w, &params.solver);
    let d = x.n_cols * k;
    if let Some(scale) = &scale {
        for (wj, s) in w[..d].chunks_mut(k).zip(scale) {
            wj.iter_mut().for_each(|v| *v *= s);
        }
    }
    let plus = |from: Option<&[f32]>, delta: &[f64]| -> Vec<f32> {
        match from {
            Some(p) => p
                .iter()
                .zip(delta)
                .map(|(&a, &b)| (a as f64 + b) as f32)
                .collect(),
            None => delta.iter().map(|&v| v as f32).collect(),
        }
    };
    let head = Head {
        link,
        n_features: x.n_cols,
        weights: plus(prior.map(|p| p.weights.as_slice()), &w[..d]),
        bias: plus(prior.map(|p| p.bias.as_slice()), &w[d..]),
        calibration: prior.and_then(|p| p.calibration),
    };
    (head, conv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separable_data_is_learned_and_probs_sum_to_one() {
        let mut x = Csr::new(3);
        let mut y = vec![];
        for i in 0..30 {
            let c = i % 3;
            x.push_row(&[c as u32], &[1.0]);
            y.push(c as u32);
        }
        let (h, conv) = fit_head(&x, &y, Link::Softmax(3), &TrainParams::default());
        assert!(conv.converged, "{conv:?}");
        for c in 0..3u32 {
            let mut p = [0.0; 3];
            h.probs_into(&[c], &[1.0], &mut p);
            assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-9);
            assert!(p[c as usize] > 0.8, "{p:?}");
        }
    }

    #[test]
    fn nb_scaled_weights_score_the_plain_columns() {
        // column 0 tells the classes apart, 1 is in every row, 2 is noise
        let mut x = Csr::new(3);
        let mut y = vec![];
        for i in 0..60u32 {
            let pos = i % 3 != 0;
            let v0 = if pos { 0.8 } else { 0.1 };
            x.push_row(&[0, 1, 2], &[v0, 0.5, (i % 7) as f32 / 7.0]);
            y.push(pos as u32);
        }
        let params = TrainParams {
            nb: Some(nb::NbFit {
                power: 1.0,
                heads: None,
                powers: Vec::new(),
            }),
            ..TrainParams::default()
        };
        let (h, _) = fit_head(&x, &y, Link::Sigmoid, &params);
        // the same fit by hand: scaled columns, then the weights brought back
        let cost = row_costs(&y, 2, &params, None);
        let s = nb::column_scale(&x, &y, 2, &cost, 3, 1.0);
        let plain = TrainParams {
            nb: None,
            ..params.clone()
        };
        let (hs, _) = fit_head(&nb::scaled(&x, &s), &y, Link::Sigmoid, &plain);
        for ((&w, &ws), &sj) in h.weights.iter().zip(&hs.weights).zip(&s) {
            assert!(
                (w as f64 - ws as f64 * sj).abs() < 1e-5,
                "{h:?} {hs:?} {s:?}"
            );
        }
        assert_eq!(h.bias, hs.bias);
        // the columns alike in both classes cost more than the one that tells them apart
        assert!(s[0] > 2.0 * s[1].max(s[2]), "{s:?}");
    }

    #[test]
    fn balanced_costs_equalise_classes() {
        let y = [0, 0, 0, 1];
        let p = TrainParams {
            class_weight: ClassWeight::Balanced,
            ..TrainParams::default()
        };
        let c = row_costs(&y, 2, &p, None);
        assert!((c[0] * 3.0 - c[3]).abs() < 1e-12);
        // row weights: each class's rows still weigh the same in total, and a weight of 1
        // everywhere changes nothing
        let w = [1.0, 1.0, 4.0, 2.0];
        let cw = row_costs(&y, 2, &p, Some(&w));
        assert!((cw[0] + cw[1] + cw[2] - cw[3]).abs() < 1e-9, "{cw:?}");
        assert!((cw[2] - 4.0 * cw[0]).abs() < 1e-9);
        assert_eq!(row_costs(&y, 2, &p, Some(&[1.0; 4])), c);
    }
}
