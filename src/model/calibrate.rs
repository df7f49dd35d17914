//! Calibration: maps a head's logits to probabilities that match observed frequencies.
//!
//! A one-output head gets Platt scaling, `p = σ(a·z + b)` (Platt 1999, with his smoothed
//! targets). A softmax head gets temperature scaling, `p = softmax(a·z)` (Guo et al. 2017): one
//! scale, no per-class offsets, so the most probable class never changes. Both are fitted on
//! out-of-fold logits (cross-fitting at training, see [`super::train`]).

use super::kernels::{log1pexp, sigmoid, softmax_into};
use super::objective::Link;
use serde::{Deserialize, Serialize};

/// Fitted calibration of one head: `z ↦ a·z + b` before the link (`b = 0` for softmax).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    pub a: f64,
    pub b: f64,
}

impl Calibration {
    /// Calibrated logits of raw logits `z`, in place.
    #[inline]
    pub fn apply(&self, z: &mut [f64]) {
        for v in z.iter_mut() {
            *v = self.a * *v + self.b;
        }
    }
}

/// Fewest out-of-fold rows a head needs to be calibrated.
pub const MIN_ROWS: usize = 20;

/// Why a head was left uncalibrated (its scores are then the model's raw probabilities).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotCalibrated {
    /// fewer than [`MIN_ROWS`] out-of-fold rows
    TooFewRows(usize),
    /// every out-of-fold row of one class
    OneClass,
    /// the out-of-fold scores do not rank the classes: the fitted scale is not positive, so
    /// the held-out rows show no signal the model could be calibrated on
    NoSignal,
}

impl std::fmt::Display for NotCalibrated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotCalibrated::TooFewRows(n) => write!(
                f,
                "only {n} out-of-fold rows, fewer than the {MIN_ROWS} calibration needs"
            ),
            NotCalibrated::OneClass => f.write_str("its out-of-fold rows are all of one class"),
            NotCalibrated::NoSignal => f.write_str(
                "its held-out scores do not separate the classes (no signal to calibrate on: \
                 are the labels related to the text?)",
            ),
        }
    }
}

/// Fits the calibration of a head from raw out-of-fold logits (`z[i*K..i*K+K]`) and classes
/// (0/1 for sigmoid), or says why it cannot.
pub fn fit(link: Link, z: &[f64], y: &[u32]) -> Result<Calibration, NotCalibrated> {
    let k = link.k();
    let n = y.len();
    if n < MIN_ROWS || z.len() != n * k {
        return Err(NotCalibrated::TooFewRows(n));
    }
    if !y.iter().any(|&c| c != y[0]) {
        return Err(NotCalibrated::OneClass);
    }
    let c = match link {
        Link::Sigmoid => platt(z, y),
        Link::Softmax(_) => Calibration {
            a: temperature(z, y, k),
            b: 0.0,
        },
    };
    if c.a.is_finite() && c.b.is_finite() && c.a > 0.0 {
        Ok(c)
    } else {
        Err(NotCalibrated::NoSignal)
    }
}

/// Newton's method with backtracking on a small convex problem: `eval(θ)` gives the loss,
/// gradient and Hessian; stops when the step is tiny.
fn newton<const P: usize>(
    mut theta: [f64; P],
    eval: impl Fn(&[f64; P]) -> (f64, [f64; P], [[f64; P]; P]),
) -> [f64; P] {
    for _ in 0..100 {
        let (f, g, mut h) = eval(&theta);
        for (i, row) in h.iter_mut().enumerate() {
            row[i] += 1e-9 * (1.0 + row[i].abs());
        }
        let step = solve(h, g);
        let mut t = 1.0;
        let mut moved = false;
        while t > 1e-10 {
            let mut cand = theta;
            for i in 0..P {
                cand[i] -= t * step[i];
            }
            if eval(&cand).0 <= f {
                theta = cand;
                moved = true;
                break;
            }
            t *= 0.5;
        }
        let size = step.iter().map(|s| (t * s).abs()).fold(0.0, f64::max);
        if !moved || size < 1e-10 {
            break;
        }
    }
    theta
}

/// Solves the small positive definite system `h x = g` (Gaussian elimination with pivoting).
fn solve<const P: usize>(mut h: [[f64; P]; P], mut g: [f64; P]) -> [f64; P] {
    for c in 0..P {
        let p = (c..P)
            .max_by(|&a, &b| h[a][c].abs().total_cmp(&h[b][c].abs()))
            .unwrap_or(c);
        h.swap(c, p);
        g.swap(c, p);
        if h[c][c].abs() < 1e-300 {
            return [0.0; P];
        }
        let (pivot, gc) = (h[c], g[c]);
        for (hr, gr) in h.iter_mut().zip(g.iter_mut()).skip(c + 1) {
            let m = hr[c] / pivot[c];
            for (a, b) in hr.iter_mut().zip(&pivot).skip(c) {
                *a -= m * b;
            }
            *gr -= m * gc;
        }
    }
    let mut x = [0.0; P];
    for c in (0..P).rev() {
        let s: f64 = (c + 1..P).map(|j| h[c][j] * x[j]).sum();
        x[c] = (g[c] - s) / h[c][c];
    }
    x
}

/// Platt scaling with Platt's targets: `(N₊+1)/(N₊+2)` for positives, `1/(N₋+2)` for
/// negatives, which keeps a separable fold from driving the scale to infinity.
fn platt(z: &[f64], y: &[u32]) -> Calibration {
    let pos = y.iter().filter(|&&c| c == 1).count() as f64;
    let neg = y.len() as f64 - pos;
    let (hi, lo) = ((pos + 1.0) / (pos + 2.0), 1.0 / (neg + 2.0));
    let eval = |t: &[f64; 2]| {
        let (mut f, mut g, mut h) = (0.0, [0.0; 2], [[0.0; 2]; 2]);
        for (&zi, &yi) in z.iter().zip(y) {
            let target = if yi == 1 { hi } else { lo };
            let s = t[0] * zi + t[1];
            // −[t log σ(s) + (1−t) log(1−σ(s))]
            f += target * log1pexp(-s) + (1.0 - target) * log1pexp(s);
            let p = sigmoid(s);
            let (r, w) = (p - target, p * (1.0 - p));
            g[0] += r * zi;
            g[1] += r;
            h[0][0] += w * zi * zi;
            h[0][1] += w * zi;
            h[1][1] += w;
        }
        h[1][0] = h[0][1];
        (f, g, h)
    };
    let [a, b] = newton([1.0, 0.0], eval);
    Calibration { a, b }
}

/// Temperature scaling: the scale `a > 0` of the logits that minimises the log loss.
fn temperature(z: &[f64], y: &[u32], k: usize) -> f64 {
    let eval = |t: &[f64; 1]| {
        let a = t[0];
        let (mut f, mut g, mut h) = (0.0, 0.0, 0.0);
        let mut p = vec![0.0; k];
        let mut s = vec![0.0; k];
        for (zi, &yi) in z.chunks(k).zip(y) {
            for (sk, &zk) in s.iter_mut().zip(zi) {
                *sk = a * zk;
            }
            let lse = softmax_into(&s, &mut p);
            f += lse - s[yi as usize];
            let mean: f64 = p.iter().zip(zi).map(|(pk, zk)| pk * zk).sum();
            let var: f64 = p
                .iter()
                .zip(zi)
                .map(|(pk, zk)| pk * (zk - mean).powi(2))
                .sum();
            g += mean - zi[yi as usize];
            h += var;
        }
        (f, [g], [[h]])
    };
    newton([1.0], eval)[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows whose true log-odds are `0.5·z − 1`: Platt recovers the scale and offset.
    #[test]
    fn platt_recovers_a_known_distortion() {
        let (mut z, mut y) = (vec![], vec![]);
        // 200 logits, 40 rows each, of which round(40·p) are positive
        for v in 0..200 {
            let zi = v as f64 / 20.0 - 5.0;
            let positives = (40.0 * sigmoid(0.5 * zi - 1.0)).round() as usize;
            for r in 0..40 {
                z.push(zi);
                y.push((r < positives) as u32);
            }
        }
        let c = fit(Link::Sigmoid, &z, &y).unwrap();
        assert!((c.a - 0.5).abs() < 0.05 && (c.b + 1.0).abs() < 0.1, "{c:?}");
    }

    /// Overconfident softmax logits (twice the true ones) get a scale near ½, and the most
    /// probable class of every row is kept.
    #[test]
    fn temperature_undoes_overconfidence() {
        let (mut z, mut y) = (vec![], vec![]);
        for i in 0..3000 {
            let base = [(i % 7) as f64 * 0.3, (i % 5) as f64 * 0.4, 0.5];
            let mut p = [0.0; 3];
            softmax_into(&base, &mut p);
            // class by deterministic inverse CDF over a low-discrepancy sequence
            let u = (i as f64 * 0.618_033_988_749_895).fract();
            let c = if u < p[0] {
                0
            } else if u < p[0] + p[1] {
                1
            } else {
                2
            };
            z.extend(base.iter().map(|v| 2.0 * v));
            y.push(c);
        }
        let c = fit(Link::Softmax(3), &z, &y).unwrap();
        assert!((c.a - 0.5).abs() < 0.08 && c.b == 0.0, "{c:?}");
    }

    #[test]
    fn too_few_rows_or_one_class_is_left_uncalibrated() {
        assert_eq!(
            fit(Link::Sigmoid, &[1.0; 10], &[1; 10]),
            Err(NotCalibrated::TooFewRows(10))
        );
        assert_eq!(
            fit(Link::Sigmoid, &[1.0; 50], &[0; 50]),
            Err(NotCalibrated::OneClass)
        );
        // scores that rank the classes backwards are left alone
        let z: Vec<f64> = (0..60)
            .map(|i| if i % 2 == 0 { 2.0 } else { -2.0 })
            .collect();
        let y: Vec<u32> = (0..60).map(|i| (i % 2 == 1) as u32).collect();
        assert_eq!(fit(Link::Sigmoid, &z, &y), Err(NotCalibrated::NoSignal));
    }
}
