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
        let d = self.x.n_cols * self.k();
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
        self.u = u;
    }

    fn refine_intercepts(&mut self, w: &mut [f64], tol: f64) -> Option<f64> {
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
mod tests {
    use super::*;

    fn data() -> (Csr, Vec<u32>) {
        let mut x = Csr::new(3);
        x.push_row(&[0, 2], &[1.0, 0.5]);
        x.push_row(&[1], &[2.0]);
        x.push_row(&[0, 1], &[-1.0, 1.0]);
        x.push_row(&[2], &[-0.5]);
        (x, vec![1, 0, 2, 1])
    }

    /// Gradient and Hessian-vector product agree with finite differences.
    fn check(link: Link, y: &[u32]) {
        let (x, _) = data();
        let mut f = Logistic::new(&x, y, vec![1.0, 2.0, 0.5, 1.0], link);
        let n = f.dim();
        let w: Vec<f64> = (0..n).map(|i| 0.1 * i as f64 - 0.3).collect();
        let v: Vec<f64> = (0..n).map(|i| ((i * 7) % 5) as f64 * 0.2 - 0.4).collect();
        f.value(&w);
        let mut g = vec![0.0; n];
        f.gradient(&w, &mut g);
        let mut hv = vec![0.0; n];
        f.hess_vec(&v, &mut hv);
        let eps = 1e-6;
        for i in 0..n {
            let mut wp = w.clone();
            wp[i] += eps;
            let mut wm = w.clone();
            wm[i] -= eps;
            let num = (f.value(&wp) - f.value(&wm)) / (2.0 * eps);
            assert!((num - g[i]).abs() < 1e-5, "grad {i}: {num} vs {}", g[i]);
        }
        let wp: Vec<f64> = w.iter().zip(&v).map(|(a, b)| a + eps * b).collect();
        let wm: Vec<f64> = w.iter().zip(&v).map(|(a, b)| a - eps * b).collect();
        let (mut gp, mut gm) = (vec![0.0; n], vec![0.0; n]);
        f.value(&wp);
        f.gradient(&wp, &mut gp);
        f.value(&wm);
        f.gradient(&wm, &mut gm);
        for i in 0..n {
            let num = (gp[i] - gm[i]) / (2.0 * eps);
            assert!((num - hv[i]).abs() < 1e-5, "hv {i}: {num} vs {}", hv[i]);
        }
    }

    #[test]
    fn sigmoid_derivatives() {
        check(Link::Sigmoid, &[1, 0, 0, 1]);
    }

    #[test]
    fn softmax_derivatives() {
        check(Link::Softmax(3), &data().1);
    }

    /// Two and four classes take unrolled kernels, five the general loop.
    #[test]
    fn softmax_derivatives_for_every_kernel() {
        check(Link::Softmax(2), &[1, 0, 0, 1]);
        check(Link::Softmax(4), &[3, 0, 2, 1]);
        check(Link::Softmax(5), &[4, 0, 2, 1]);
    }

    /// The fused Hessian pass equals a forward pass, the Hessian's row blocks and a backward
    /// pass done one after the other.
    #[test]
    fn fused_hessian_pass_matches_two_passes() {
        let mut x = Csr::new(7);
        for i in 0..40u32 {
            let cols: Vec<u32> = (0..7).filter(|c| (i * 3 + c * 5) % 4 != 0).collect();
            let vals: Vec<f32> = cols
                .iter()
                .map(|&c| ((i + c) % 5) as f32 * 0.3 - 0.5)
                .collect();
            x.push_row(&cols, &vals);
        }
        let y: Vec<u32> = (0..40).map(|i| i % 3).collect();
        for link in [Link::Sigmoid, Link::Softmax(3)] {
            let y: Vec<u32> = y.iter().map(|&c| c % link.k().max(2) as u32).collect();
            let k = link.k();
            let mut f = Logistic::new(&x, &y, vec![1.5; 40], link);
            let n = f.dim();
            let w: Vec<f64> = (0..n).map(|i| (i % 7) as f64 * 0.1 - 0.3).collect();
            let v: Vec<f64> = (0..n).map(|i| (i % 5) as f64 * 0.2 - 0.4).collect();
            f.value(&w);
            let mut g = vec![0.0; n];
            f.gradient(&w, &mut g);
            let mut fused = vec![0.0; n];
            f.hess_vec(&v, &mut fused);
            let mut u = vec![0.0; 40 * k];
            Logistic::forward(&x, k, &v, &mut u);
            for i in 0..40 {
                let p = &f.p[i * k..i * k + k];
                let ui = &mut u[i * k..i * k + k];
                let pu: f64 = p.iter().zip(ui.iter()).map(|(a, b)| a * b).sum();
                for (uk, &pk) in ui.iter_mut().zip(p) {
                    *uk = if k == 1 {
                        1.5 * pk * (1.0 - pk) * *uk
                    } else {
                        1.5 * pk * (*uk - pu)
                    };
                }
            }
            let mut two = v.clone();
            two[7 * k..].iter_mut().for_each(|b| *b = 0.0);
            f.backward(&u, &mut two);
            for (a, b) in fused.iter().zip(&two) {
                assert!((a - b).abs() < 1e-12, "{link:?}: {a} vs {b}");
            }
        }
    }

    /// The value of a trial step built from the CG's own products equals the value computed
    /// afresh at `w + s`, for a step that also moves the intercepts, after a rejected trial
    /// point in between; and at weights all zero the logits are the intercepts.
    #[test]
    fn value_of_a_step_equals_the_value_at_its_point() {
        let (x, y3) = data();
        for (link, y) in [(Link::Sigmoid, vec![1, 0, 0, 1]), (Link::Softmax(3), y3)] {
            let k = link.k();
            let mut f = Logistic::new(&x, &y, vec![1.0, 2.0, 0.5, 1.0], link);
            let n = f.dim();
            let mut w = vec![0.0; n];
            w[3 * k..]
                .iter_mut()
                .enumerate()
                .for_each(|(c, b)| *b = 0.4 - 0.3 * c as f64);
            let at_zero = f.value(&w);
            let mut fresh = Logistic::new(&x, &y, vec![1.0, 2.0, 0.5, 1.0], link);
            let mut z = vec![0.0; 4 * k];
            Logistic::forward(&x, k, &w, &mut z);
            fresh.z = z;
            assert_eq!(at_zero, fresh.loss_at_logits(), "{link:?}: zero weights");
            let w: Vec<f64> = (0..n).map(|i| 0.1 * i as f64 - 0.3).collect();
            f.value(&w);
            let mut g = vec![0.0; n];
            f.gradient(&w, &mut g);
            let d1: Vec<f64> = (0..n).map(|i| ((i * 7) % 5) as f64 * 0.2 - 0.4).collect();
            let d2: Vec<f64> = (0..n).map(|i| ((i * 3) % 4) as f64 * 0.3 - 0.5).collect();
            let (a1, a2) = (0.7, -1.3);
            let mut hd = vec![0.0; n];
            f.start_step();
            f.hess_vec(&d1, &mut hd);
            f.extend_step(a1);
            f.hess_vec(&d2, &mut hd);
            f.extend_step(a2);
            let w_new: Vec<f64> = (0..n).map(|i| w[i] + a1 * d1[i] + a2 * d2[i]).collect();
            let tracked = f.value_of_step(&w_new);
            let direct = f.value(&w_new);
            assert!(
                (tracked - direct).abs() <= 1e-12 * direct.abs(),
                "{link:?}: {tracked} vs {direct}"
            );
            // a rejected trial leaves the Hessian point's logits for the next step
            f.start_step();
            f.hess_vec(&d2, &mut hd);
            f.extend_step(0.5);
            let w_half: Vec<f64> = (0..n).map(|i| w[i] + 0.5 * d2[i]).collect();
            let tracked = f.value_of_step(&w_half);
            let direct = f.value(&w_half);
            assert!(
                (tracked - direct).abs() <= 1e-12 * direct.abs(),
                "{link:?}: {tracked} vs {direct}"
            );
        }
    }
}
