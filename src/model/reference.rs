//! linfa-logistic as the reference solver: the same L2 logistic problem solved densely, to
//! check the sparse trust-region solver on small problems (and for small dense models).

use crate::features::Csr;
use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2};

/// Dense copy of a CSR matrix (small problems only).
pub fn to_dense(x: &Csr) -> Array2<f64> {
    let mut d = Array2::zeros((x.n_rows(), x.n_cols));
    for i in 0..x.n_rows() {
        let r = x.row(i);
        for (&j, &v) in r.indices.iter().zip(r.values) {
            d[[i, j as usize]] = v as f64;
        }
    }
    d
}

/// Fits linfa-logistic's binary model on `x`, `y ∈ {0,1}` with gavel's `C` (linfa's
/// `alpha = 1/C` on the same sum-of-losses objective); returns (weights, intercept).
pub fn fit_linfa_binary(
    x: &Csr,
    y: &[u32],
    c: f64,
    max_iter: u64,
) -> Result<(Array1<f64>, f64), linfa_logistic::error::Error> {
    let ds = Dataset::new(to_dense(x), Array1::from_iter(y.iter().map(|&v| v == 1)));
    let fitted = LogisticRegression::default()
        .alpha(1.0 / c)
        .max_iterations(max_iter)
        .gradient_tolerance(1e-10)
        .fit(&ds)?;
    Ok((fitted.params().clone(), fitted.intercept()))
}

/// gavel's objective `½‖w‖² + C Σ log(1 + exp(-yᵢ zᵢ))` at `(w, b)`.
pub fn binary_objective(x: &Csr, y: &[u32], c: f64, w: &[f64], b: f64) -> f64 {
    let mut loss = 0.0;
    for (i, &yi) in y.iter().enumerate().take(x.n_rows()) {
        let z = x.row(i).dot(w) + b;
        let yz = if yi == 1 { z } else { -z };
        loss += super::kernels::log1pexp(-yz);
    }
    0.5 * w.iter().map(|v| v * v).sum::<f64>() + c * loss
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::head::fit_head;
    use crate::model::{Link, SolverConfig, TrainParams};
    use rand::{Rng, SeedableRng};

    #[test]
    fn sparse_solver_reaches_linfa_optimum() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let (n, d) = (200, 30);
        let truth: Vec<f64> = (0..d).map(|_| rng.gen_range(-2.0..2.0)).collect();
        let mut x = Csr::new(d);
        let mut y = Vec::new();
        for _ in 0..n {
            let mut idx: Vec<u32> = (0..d as u32).filter(|_| rng.gen_bool(0.2)).collect();
            idx.dedup();
            let val: Vec<f32> = idx.iter().map(|_| rng.gen_range(-1.0..1.0)).collect();
            x.push_row(&idx, &val);
            let z = x.row(x.n_rows() - 1).dot(&truth) + 0.3;
            y.push(rng.gen_bool(1.0 / (1.0 + (-z).exp())) as u32);
        }
        let c = 2.0;
        let params = TrainParams {
            c,
            class_weight: crate::model::ClassWeight::None,
            solver: SolverConfig {
                tol: 1e-8,
                max_iter: 200,
            },
            ..TrainParams::default()
        };
        let (head, conv) = fit_head(&x, &y, Link::Sigmoid, &params);
        assert!(conv.converged);
        let ours: Vec<f64> = head.weights.iter().map(|&v| v as f64).collect();
        let f_ours = binary_objective(&x, &y, c, &ours, head.bias[0] as f64);
        let (w, b) = fit_linfa_binary(&x, &y, c, 1000).unwrap();
        let f_linfa = binary_objective(&x, &y, c, w.as_slice().unwrap(), b);
        assert!(
            (f_ours - f_linfa).abs() < 1e-4,
            "gavel {f_ours} vs linfa {f_linfa}"
        );
    }
}
