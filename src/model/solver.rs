//! Trust-region Newton with conjugate gradients (Lin, Weng & Keerthi 2008, the method of
//! liblinear's `tron`), generic over any [`Objective`].

use super::objective::Objective;
use super::vecops::{axpy, copy, dot, norm, update, zero};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// Stopping rules of the solver.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SolverConfig {
    /// Stop when `‖∇f‖ ≤ tol · ‖∇f(w₀)‖`. Default 2e-2, the loosest setting that moved no
    /// labelled set's quality beyond noise (docs/design.md, solver settings).
    pub tol: f64,
    /// Most Newton iterations. Default 100.
    pub max_iter: usize,
}

impl Default for SolverConfig {
    fn default() -> Self {
        SolverConfig {
            tol: 2e-2,
            max_iter: 100,
        }
    }
}

impl SolverConfig {
    pub fn check(&self) -> Result<()> {
        if !(self.tol > 0.0 && self.tol < 1.0) {
            return Err(Error::Param(format!(
                "tol = {} must be in (0, 1)",
                self.tol
            )));
        }
        if self.max_iter == 0 {
            return Err(Error::Param("max_iter must be at least 1".into()));
        }
        Ok(())
    }
}

/// How a fit ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Convergence {
    pub iterations: usize,
    pub cg_iterations: usize,
    pub loss: f64,
    /// `‖∇f‖ / ‖∇f(w₀)‖` at the end; `None` for a fit by another engine, which does not
    /// report it (see [`super::meta::TrainingMeta::trainer`])
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relative_gradient: Option<f64>,
    pub converged: bool,
}

/// Largest forcing term of the CG's stopping rule (docs/design.md, solver settings).
const ETA_MAX: f64 = 0.3;

/// Largest forcing term Kelley's safeguard may ask for (Kelley 1995, eq. 6.20), above
/// [`ETA_MAX`] when the stopping rule needs little more than the last step.
const ETA_SAFEGUARD_MAX: f64 = 0.9;

/// The intercepts are refined until their gradient is this fraction of the stopping rule's.
const REFINE: f64 = 0.1;

/// Minimises `f` from `w` (updated in place).
pub fn minimize(f: &mut dyn Objective, w: &mut [f64], cfg: &SolverConfig) -> Convergence {
    const ETA0: f64 = 1e-4;
    const ETA1: f64 = 0.25;
    const ETA2: f64 = 0.75;
    const SIGMA1: f64 = 0.25;
    const SIGMA2: f64 = 0.5;
    const SIGMA3: f64 = 4.0;
    let n = f.dim();
    let mut g = vec![0.0; n];
    let mut s = vec![0.0; n];
    let mut r = vec![0.0; n];
    let mut d = vec![0.0; n];
    let mut hd = vec![0.0; n];
    let mut w_new = vec![0.0; n];

    let mut fval = f.value(w);
    f.gradient(w, &mut g);
    let gnorm0 = norm(&g);
    let mut gnorm = gnorm0;
    let mut delta = gnorm0;
    let mut iter = 0;
    let mut cg_total = 0;
    let done = |gn: f64| gn <= cfg.tol * gnorm0 || gn == 0.0;
    while iter < cfg.max_iter && !done(gnorm) {
        // forcing term of the inexact Newton step (Eisenstat & Walker 1996): loose while far
        // from the optimum, tighter as the gradient shrinks, but never asking for much more
        // than the stopping rule needs (Kelley 1995, eq. 6.20: at least half of it)
        let eta = (gnorm / gnorm0)
            .sqrt()
            .min(ETA_MAX)
            .max((0.5 * cfg.tol * gnorm0 / gnorm).min(ETA_SAFEGUARD_MAX));
        let (cg, boundary) = trcg(f, delta, eta, &g, &mut s, &mut r, &mut d, &mut hd);
        cg_total += cg;
        copy(w, &mut w_new);
        axpy(1.0, &s, &mut w_new);
        let gs = dot(&g, &s);
        let prered = -0.5 * (gs - dot(&s, &r));
        let fnew = f.value_of_step(&w_new);
        let actred = fval - fnew;
        let snorm = norm(&s);
        if iter == 0 {
            delta = delta.min(snorm);
        }
        let alpha = if fnew - fval - gs <= 0.0 {
            SIGMA3
        } else {
            SIGMA1.max(-0.5 * (gs / (fnew - fval - gs)))
        };
        if actred < ETA0 * prered {
            delta = (alpha.max(SIGMA1) * snorm).min(SIGMA2 * delta);
        } else if actred < ETA1 * prered {
            delta = (SIGMA1 * delta).max((alpha * snorm).min(SIGMA2 * delta));
        } else if actred < ETA2 * prered {
            delta = (SIGMA1 * delta).max((alpha * snorm).min(SIGMA3 * delta));
        } else if boundary {
            // a very good step stopped by the region: grow it (liblinear ≥ 2.11, after Hsia,
            // Zhu & Lin 2017), else a well-modelled problem creeps at ~1.2× per step
            delta *= SIGMA3;
        } else {
            delta = delta.max((alpha * snorm).min(SIGMA3 * delta));
        }
        if actred > ETA0 * prered {
            iter += 1;
            w.copy_from_slice(&w_new);
            // the unpenalised intercepts, whose curvature grows with the rows, set to their
            // optimum without a pass over the matrix: else the gradient after a long step is
            // mostly theirs, and the next Newton step is spent on them
            fval = f
                .refine_intercepts(w, REFINE * cfg.tol * gnorm0)
                .unwrap_or(fnew);
            f.gradient(w, &mut g);
            gnorm = norm(&g);
        }
        if actred.abs() <= 0.0 && prered <= 0.0 {
            break;
        }
        if actred.abs() <= 1e-12 * fval.abs() && prered.abs() <= 1e-12 * fval.abs() {
            break;
        }
        if delta < 1e-300 {
            break;
        }
    }
    Convergence {
        iterations: iter,
        cg_iterations: cg_total,
        loss: fval,
        relative_gradient: Some(if gnorm0 > 0.0 { gnorm / gnorm0 } else { 0.0 }),
        converged: done(gnorm),
    }
}

/// Approximately solves `H s = -g` within `‖s‖ ≤ delta`, to `‖H s + g‖ ≤ eta ‖g‖`; leaves the
/// residual in `r`. Returns the CG iterations and whether `s` stopped at the region's edge.
#[allow(clippy::too_many_arguments)]
fn trcg(
    f: &mut dyn Objective,
    delta: f64,
    eta: f64,
    g: &[f64],
    s: &mut [f64],
    r: &mut [f64],
    d: &mut [f64],
    hd: &mut [f64],
) -> (usize, bool) {
    zero(s);
    f.start_step();
    let mut rtr = update(r, g, |_, gi| -gi);
    copy(r, d);
    let cgtol = eta * norm(g);
    let mut it = 0;
    loop {
        if rtr.sqrt() <= cgtol || it >= 10_000 {
            break;
        }
        it += 1;
        f.hess_vec(d, hd);
        let dhd = dot(d, hd);
        if dhd <= 0.0 {
            break;
        }
        let alpha = rtr / dhd;
        // s += αd, with ‖s‖² in the same pass
        let sts = update(s, d, |si, di| si + alpha * di);
        if sts.sqrt() > delta {
            axpy(-alpha, d, s);
            let std = dot(s, d);
            let sts = dot(s, s);
            let dtd = dot(d, d);
            let dsq = delta * delta;
            let rad = (std * std + dtd * (dsq - sts)).max(0.0).sqrt();
            let a = if std >= 0.0 {
                (dsq - sts) / (std + rad)
            } else {
                (rad - std) / dtd
            };
            axpy(a, d, s);
            f.extend_step(a);
            axpy(-a, hd, r);
            return (it, true);
        }
        f.extend_step(alpha);
        // r -= αHd, with rᵀr in the same pass
        let rnew = update(r, hd, |ri, hi| ri - alpha * hi);
        let beta = rnew / rtr;
        update(d, r, |di, ri| ri + beta * di);
        rtr = rnew;
    }
    (it, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// f(w) = ½ wᵀAw - bᵀw with A = diag(1..n): minimum at b/A.
    struct Quad(Vec<f64>, Vec<f64>);
    impl Objective for Quad {
        fn dim(&self) -> usize {
            self.0.len()
        }
        fn value(&mut self, w: &[f64]) -> f64 {
            (0..w.len())
                .map(|i| 0.5 * self.0[i] * w[i] * w[i] - self.1[i] * w[i])
                .sum()
        }
        fn gradient(&mut self, w: &[f64], g: &mut [f64]) {
            for i in 0..w.len() {
                g[i] = self.0[i] * w[i] - self.1[i];
            }
        }
        fn hess_vec(&mut self, v: &[f64], out: &mut [f64]) {
            for i in 0..v.len() {
                out[i] = self.0[i] * v[i];
            }
        }
    }

    #[test]
    fn solves_a_quadratic() {
        let mut q = Quad(vec![1.0, 2.0, 3.0, 4.0], vec![1.0, 1.0, 1.0, 1.0]);
        let mut w = vec![0.0; 4];
        let cfg = SolverConfig {
            tol: 1e-7,
            ..SolverConfig::default()
        };
        let c = minimize(&mut q, &mut w, &cfg);
        assert!(
            c.converged && c.relative_gradient.is_some_and(|g| g <= 1e-7),
            "{c:?}"
        );
        for (i, wi) in w.iter().enumerate() {
            assert!((wi - 1.0 / (i as f64 + 1.0)).abs() < 1e-6);
        }
    }
}
