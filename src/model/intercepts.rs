//! The unpenalised intercepts moved to their optimum with the weights held: a
//! one-dimensional safeguarded Newton on the per-row logits, no pass over the matrix.

use super::kernels::sigmoid;

/// `log Σ_{j≠c} e^{z_j}`, shifted by the largest of those logits so no term overflows.
pub(super) fn log_sum_exp_without(z: &[f64], c: usize) -> f64 {
    let rest = || {
        z.iter()
            .enumerate()
            .filter(move |&(j, _)| j != c)
            .map(|(_, &v)| v)
    };
    let top = rest().fold(f64::NEG_INFINITY, f64::max);
    top + rest().map(|v| (v - top).exp()).sum::<f64>().ln()
}

/// The shift `δ` of the logits `a` that minimises `Σᵢ cᵢ · log(1 + e^{−sᵢ(aᵢ + δ)})`, with
/// `sᵢ = +1` where `positive(i)`, else −1: Newton's method on the increasing derivative,
/// kept inside a bracket of its root (bisection when a step leaves it), until
/// `|f'(δ)| ≤ tol`. O(rows) per step, no pass over the matrix.
pub(super) fn intercept_shift(
    a: &[f64],
    positive: impl Fn(usize) -> bool,
    cost: &[f64],
    tol: f64,
) -> f64 {
    let slope = |delta: f64| {
        let (mut g, mut h) = (0.0, 0.0);
        for (i, (&ai, &c)) in a.iter().zip(cost).enumerate() {
            let p = sigmoid(ai + delta);
            g += c * (p - positive(i) as u8 as f64);
            h += c * p * (1.0 - p);
        }
        (g, h)
    };
    let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
    let mut delta = 0.0;
    for _ in 0..60 {
        let (g, h) = slope(delta);
        if g.abs() <= tol {
            break;
        }
        if g > 0.0 {
            hi = delta;
        } else {
            lo = delta;
        }
        let mut next = delta - g / h.max(f64::MIN_POSITIVE);
        if !(next > lo && next < hi) {
            next = if lo.is_finite() && hi.is_finite() {
                0.5 * (lo + hi)
            } else if g > 0.0 {
                delta - 1.0 // no bracket yet: a unit step toward the root
            } else {
                delta + 1.0
            };
        }
        delta = next;
    }
    delta
}

#[cfg(test)]
mod tests {
    use crate::features::Csr;
    use crate::model::logistic::Logistic;
    use crate::model::objective::{Link, Objective};

    /// After `refine_intercepts` the intercepts' gradient is within the tolerance asked, the
    /// other coordinates are untouched, the returned value is `f` at the new point, and `f`
    /// did not rise. Labels lean heavily one way, so the intercepts start far from optimal.
    #[test]
    fn refined_intercepts_are_optimal_and_lower_the_loss() {
        let mut x = Csr::new(5);
        for i in 0..60u32 {
            let cols: Vec<u32> = (0..5).filter(|c| (i + c * 3) % 3 != 0).collect();
            let vals: Vec<f32> = cols
                .iter()
                .map(|&c| ((i * 7 + c) % 5) as f32 * 0.2)
                .collect();
            x.push_row(&cols, &vals);
        }
        for (link, y) in [
            (
                Link::Sigmoid,
                (0..60).map(|i| (i % 7 == 0) as u32).collect::<Vec<_>>(),
            ),
            (
                Link::Softmax(3),
                (0..60).map(|i| [0, 0, 0, 0, 1, 2][i % 6]).collect(),
            ),
        ] {
            let k = link.k();
            let mut f = Logistic::new(&x, &y, vec![2.0; 60], link);
            let n = f.dim();
            let w0: Vec<f64> = (0..n).map(|i| (i % 4) as f64 * 0.1 - 0.1).collect();
            let mut w = w0.clone();
            let before = f.value(&w);
            let tol = 1e-8;
            let after = f
                .refine_intercepts(&mut w, tol)
                .expect("logistic heads refine");
            assert!(after <= before, "{link:?}: {after} > {before}");
            assert_eq!(&w[..5 * k], &w0[..5 * k], "{link:?}: weights moved");
            assert!(
                w[5 * k..] != w0[5 * k..],
                "{link:?}: intercepts did not move"
            );
            let at = f.value(&w);
            assert!(
                (at - after).abs() <= 1e-9 * at.abs(),
                "{link:?}: {after} vs {at}"
            );
            let mut g = vec![0.0; n];
            f.gradient(&w, &mut g);
            let gb: f64 = g[5 * k..].iter().map(|v| v * v).sum::<f64>().sqrt();
            assert!(gb <= tol * 10.0, "{link:?}: intercept gradient {gb}");
        }
    }
}
