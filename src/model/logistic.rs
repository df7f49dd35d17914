//! The L2-regularised logistic loss on sparse rows, for sigmoid (one output) and softmax
//! (K outputs) heads: value, gradient and Hessian-vector product, as a trust-region Newton
//! solver needs them.
//!
//! `f(W) = ½‖W‖² + Σᵢ cᵢ · loss(xᵢW + b, yᵢ)`, intercept `b` unpenalised. Parameters are laid
//! out feature-major: `W[j*K + k]`, then the K intercepts.

use super::intercepts::{intercept_shift, log_sum_exp_without};
use super::kernels::{gather, log1pexp, scatter, sigmoid, softmax_into};
use super::objective::{Link, Objective};
use super::vecops::{axpy, copy, dot, zero};
use crate::features::Csr;
use rayon::prelude::*;

/// Rows are split into this many parts for the parallel `Xᵀr` product, whatever the number
/// of threads, and the parts are summed in order: the result does not depend on threads.
const PARTS: usize = 2;

/// Logistic loss over a CSR matrix with per-row costs.
pub struct Logistic<'a> {
    x: &'a Csr,
    y: &'a [u32],
    cost: Vec<f64>,
    link: Link,
    /// per row × K: probabilities at the w of the last `gradient` (the Hessian's point)
    p: Vec<f64>,
    /// per row × K: probabilities at the w of the last `value` (a trial point)
    trial: Vec<f64>,
    /// per row × K: logits at the w of the last `value`
    z: Vec<f64>,
    /// per row × K: logits at the w of the last `gradient` (the Hessian's point)
    z_at: Vec<f64>,
    /// per row × K: `x̃ᵢ · v` for the `v` of the last `hess_vec` (x̃ᵢ: the row with a 1 for
    /// the intercept)
    xv: Vec<f64>,
    /// per row × K: `x̃ᵢ · s` for the trial step `s`, built from the `xv` of its directions
    xs: Vec<f64>,
    /// per row × K: scratch for `X v`
    u: Vec<f64>,
    /// one partial `Xᵀr` per part after the first
    partial: Vec<Vec<f64>>,
    /// per row × K: a fixed logit added to every row's (a warm start's prior model, see
    /// [`Logistic::with_offset`]); empty for none
    offset: Vec<f64>,
    /// whether the intercepts are penalised as the weights are (a warm start's, whose
    /// intercepts are changes to the prior's)
    penalise_intercepts: bool,
}

impl<'a> Logistic<'a> {
    /// `y[i]` is the class of row `i` (0/1 for sigmoid); `cost[i]` its weight `C · wᵢ`.
    pub fn new(x: &'a Csr, y: &'a [u32], cost: Vec<f64>, link: Link) -> Self {
        let k = link.k();
        let n = x.n_rows();
        let d = x.n_cols * k;
        Logistic {
            x,
            y,
            cost,
            link,
            p: vec![0.0; n * k],
            trial: vec![0.0; n * k],
            z: vec![0.0; n * k],
            z_at: vec![0.0; n * k],
            xv: vec![0.0; n * k],
            xs: vec![0.0; n * k],
            u: vec![0.0; n * k],
            partial: (1..PARTS).map(|_| vec![0.0; d]).collect(),
            offset: Vec::new(),
            penalise_intercepts: false,
        }
    }

    /// Adds the fixed logits `offset` (per row × K) to every row's: the fit then finds the
    /// change `Δ` (weights and intercepts) to a prior model whose logits they are, penalised
    /// by `½‖Δ‖²`, so that `f = ½‖Δ‖² + Σᵢ cᵢ · loss(x̃ᵢ(W₀ + Δ), yᵢ)` (a warm start that
    /// stays near `W₀`, Chelba & Acero 2006). The intercepts are penalised too: ten rows
    /// would otherwise reset a head's class balance to theirs.
    pub fn with_offset(mut self, offset: Vec<f64>) -> Self {
        debug_assert_eq!(offset.len(), self.z.len(), "one offset per row and output");
        self.offset = offset;
        self.penalise_intercepts = true;
        self
    }

    /// The end of the penalised coordinates: the weights', and the intercepts' too when they
    /// are penalised.
    fn penalised(&self) -> usize {
        let d = self.x.n_cols * self.k();
        if self.penalise_intercepts {
            d + self.k()
        } else {
            d
        }
    }

    fn k(&self) -> usize {
        self.link.k()
    }

    /// `out[i*K + k] = xᵢ · W[:, k] + b[k]` for every row, in parallel.
    fn forward(x: &Csr, k: usize, w: &[f64], out: &mut [f64]) {
        let bias = &w[x.n_cols * k..];
        out.par_chunks_mut(k * 256)
            .enumerate()
            .for_each(|(c, chunk)| {
                for (r, z) in chunk.chunks_mut(k).enumerate() {
                    gather(x.row(c * 256 + r), w, bias, z);
                }
            });
    }

    /// `out[..d*K] += Xᵀ r` and `out[d*K..] += Σᵢ rᵢ`, rows split in [`PARTS`] fixed parts.
    fn backward(&mut self, r: &[f64], out: &mut [f64]) {
        let x = self.x;
        let k = self.k();
        let n = x.n_rows();
        let per = n.div_ceil(PARTS).max(1);
        let (weights, intercepts) = out.split_at_mut(x.n_cols * k);
        add_intercepts(r, intercepts);
        let mut sinks = sinks(weights, &mut self.partial);
        sinks.par_iter_mut().enumerate().for_each(|(part, sink)| {
            let lo = (part * per).min(n);
            let hi = ((part + 1) * per).min(n);
            for i in lo..hi {
                scatter(x.row(i), &r[i * k..i * k + k], sink);
            }
        });
        drop(sinks);
        add_partials(&self.partial, weights);
    }
}

/// One sink per part for the parallel `Xᵀr`: the output's weights for the first part, the
/// zeroed partial vectors for the others.
fn sinks<'s>(first: &'s mut [f64], partial: &'s mut [Vec<f64>]) -> Vec<&'s mut [f64]> {
    let mut sinks: Vec<&mut [f64]> = Vec::with_capacity(PARTS);
    sinks.push(first);
    for p in partial.iter_mut() {
        zero(p);
        sinks.push(p);
    }
    sinks
}

/// Adds the partial `Xᵀr` of every part after the first, in order.
fn add_partials(partial: &[Vec<f64>], weights: &mut [f64]) {
    for p in partial {
        super::vecops::axpy(1.0, p, weights);
    }
}

/// `intercepts[k] += Σᵢ r[i*K + k]`.
fn add_intercepts(r: &[f64], intercepts: &mut [f64]) {
    let k = intercepts.len();
    for (kk, b) in intercepts.iter_mut().enumerate() {
        *b += r.iter().skip(kk).step_by(k).sum::<f64>();
    }
}

impl Logistic<'_> {
    /// `f` at `w` whose logits are in `z`: the penalty plus [`Logistic::loss_at_logits`].
    fn value_at_logits(&mut self, w: &[f64]) -> f64 {
        let d = self.penalised();
        let reg = 0.5 * dot(&w[..d], &w[..d]);
        reg + self.loss_at_logits()
    }

    /// The loss at the logits `z`, leaving the probabilities in `trial`.
    fn loss_at_logits(&mut self) -> f64 {
        let k = self.k();
        let mut loss = 0.0;
        match self.link {
            Link::Sigmoid => {
                for i in 0..self.y.len() {
                    let z = self.z[i];
                    let yz = if self.y[i] == 1 { z } else { -z };
                    loss += self.cost[i] * log1pexp(-yz);
                    self.trial[i] = sigmoid(z);
                }
            }
            Link::Softmax(_) => {
                for i in 0..self.y.len() {
                    let z = &self.z[i * k..i * k + k];
                    let lse = softmax_into(z, &mut self.trial[i * k..i * k + k]);
                    loss += self.cost[i] * (lse - z[self.y[i] as usize]);
                }
            }
        }
        loss
    }
}

impl Objective for Logistic<'_> {
    fn dim(&self) -> usize {
        (self.x.n_cols + 1) * self.k()
    }

    fn value(&mut self, w: &[f64]) -> f64 {
        let k = self.k();
        let d = self.x.n_cols * k;
        if w[..d].iter().all(|&v| v == 0.0) {
            // the solver's starting point: every row's logits are the intercepts
            for z in self.z.chunks_exact_mut(k) {
                z.copy_from_slice(&w[d..]);
            }
        } else {
            Self::forward(self.x, k, w, &mut self.z);
        }
        if !self.offset.is_empty() {
            axpy(1.0, &self.offset, &mut self.z);
        }
        self.value_at_logits(w)
    }

    fn gradient(&mut self, w: &[f64], g: &mut [f64]) {
        let k = self.k();
        let d = self.x.n_cols * k;
        std::mem::swap(&mut self.p, &mut self.trial);
        let mut r = std::mem::take(&mut self.u);
        for i in 0..self.y.len() {
            for kk in 0..k {
                let target = match self.link {
                    Link::Sigmoid => (self.y[i] == 1) as u8 as f64,
                    Link::Softmax(_) => (self.y[i] as usize == kk) as u8 as f64,
                };
                r[i * k + kk] = self.cost[i] * (self.p[i * k + kk] - target);
            }
        }
        copy(&w[..d], &mut g[..d]);
        g[d..].iter_mut().for_each(|v| *v = 0.0);
        if self.penalise_intercepts {
            copy(&w[d..], &mut g[d..]);
        }
        self.backward(&r, g);
        self.u = r;
        copy(&self.z, &mut self.z_at);
    }

    fn start_step(&mut self) {
        zero(&mut self.xs);
    }

    fn extend_step(&mut self, alpha: f64) {
        axpy(alpha, &self.xv, &mut self.xs);
    }

    /// The trial logits are the Hessian point's plus `X̃s`, which the CG passes that built `s`
    /// already computed row by row: no pass over the matrix.
    fn value_of_step(&mut self, w: &[f64]) -> f64 {
        copy(&self.z_at, &mut self.z);
        axpy(1.0, &self.xs, &mut self.z);
        self.value_at_logits(w)
    }

    /// One pass over the rows: each row's `xᵢ·v` is scaled by the Hessian's row block and
    /// scattered back while the row is in cache (rows split as in [`Logistic::backward`], so
    /// the sums, and the result, are the same as a forward pass followed by a backward one).
    fn hess_vec(&mut self, v: &[f64], out: &mut [f64]) {
        let x = self.x;
        let k = self.k();
        let n = x.n_rows();
        let d = x.n_cols * k;
        let per = n.div_ceil(PARTS).max(1);
        let (cost, p, link) = (&self.cost, &self.p, self.link);
        let bias = &v[d..];
        let mut u = std::mem::take(&mut self.u);
        let (weights, intercepts) = out.split_at_mut(d);
        copy(&v[..d], weights);
        intercepts.iter_mut().for_each(|x| *x = 0.0);
        let mut sinks = sinks(weights, &mut self.partial);
        let mut blocks: Vec<(&mut [f64], &mut [f64])> = u
            .chunks_mut(per * k)
            .zip(self.xv.chunks_mut(per * k))
            .collect();
        blocks.resize_with(PARTS, Default::default);
        sinks
            .par_iter_mut()
            .zip(blocks.par_iter_mut())
            .enumerate()
            .for_each(|(part, (sink, (ub, xvb)))| {
                let lo = (part * per).min(n);
                for (r, (ui, xvi)) in ub.chunks_mut(k).zip(xvb.chunks_mut(k)).enumerate() {
                    let i = lo + r;
                    let row = x.row(i);
                    gather(row, v, bias, ui);
                    xvi.copy_from_slice(ui);
                    let c = cost[i];
                    let pi = &p[i * k..i * k + k];
                    match link {
                        Link::Sigmoid => ui[0] *= c * pi[0] * (1.0 - pi[0]),
                        Link::Softmax(_) => {
                            let pu: f64 = pi.iter().zip(ui.iter()).map(|(a, b)| a * b).sum();
                            for (uk, &pk) in ui.iter_mut().zip(pi) {
                                *uk = c * pk * (*uk - pu);
                            }
                        }
                    }
                    scatter(row, ui, sink);
                }
            });
        drop(sinks);
        add_partials(&self.partial, weights);
        add_intercepts(&u, intercepts);
        if self.penalise_intercepts {
            axpy(1.0, &v[d..], intercepts);
        }
        self.u = u;
    }

    fn refine_intercepts(&mut self, w: &mut [f64], tol: f64) -> Option<f64> {
        if self.penalise_intercepts {
            return None;
        }
        let k = self.k();
        let d = self.x.n_cols * k;
        let (y, cost) = (self.y, &self.cost);
        let z = &mut self.z;
        match self.link {
            Link::Sigmoid => {
                let delta = intercept_shift(z, |i| y[i] == 1, cost, tol);
                w[d] += delta;
                z.iter_mut().for_each(|zi| *zi += delta);
            }
            Link::Softmax(_) => {
                // one class at a time: with the others' logits held, class c's probability is
                // σ(z_c − log Σ_{j≠c} e^{z_j}), the sigmoid case; sweeps until none moves
                let ktol = tol / (k as f64).sqrt();
                let mut a = vec![0.0; y.len()];
                for _ in 0..20 {
                    let mut moved = false;
                    for c in 0..k {
                        for (ai, zi) in a.iter_mut().zip(z.chunks_exact(k)) {
                            *ai = zi[c] - log_sum_exp_without(zi, c);
                        }
                        let delta = intercept_shift(&a, |i| y[i] as usize == c, cost, ktol);
                        if delta != 0.0 {
                            moved = true;
                            w[d + c] += delta;
                            z.iter_mut().skip(c).step_by(k).for_each(|zi| *zi += delta);
                        }
                    }
                    if !moved {
                        break;
                    }
                }
            }
        }
        Some(self.value_at_logits(w))
    }
}

#[cfg(test)]
#[path = "logistic_tests.rs"]
mod tests;
