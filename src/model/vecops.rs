//! The solver's dense vector operations, split into fixed pieces that run in parallel. A sum
//! adds its pieces' partial sums in order, so the result does not depend on the thread count
//! (and equals the plain loop's when the vector is one piece).

use rayon::prelude::*;

/// Elements per piece.
const PIECE: usize = 1 << 13;

/// `Σ f(i-th piece)` over the pieces of `a` and `b`, in piece order.
fn sum_pieces(a: &[f64], b: &[f64], f: impl Fn(&[f64], &[f64]) -> f64 + Sync) -> f64 {
    if a.len() <= PIECE {
        return f(a, b);
    }
    let parts: Vec<f64> = a
        .par_chunks(PIECE)
        .zip(b.par_chunks(PIECE))
        .map(|(x, y)| f(x, y))
        .collect();
    parts.iter().sum()
}

/// `a · b`.
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    sum_pieces(a, b, |x, y| x.iter().zip(y).map(|(p, q)| p * q).sum())
}

/// `‖a‖`.
pub fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

/// `y[i] = f(y[i], x[i])` for every `i`, in parallel; returns `Σ y[i]²` of the new `y`.
pub fn update(y: &mut [f64], x: &[f64], f: impl Fn(f64, f64) -> f64 + Sync) -> f64 {
    let piece = |y: &mut [f64], x: &[f64]| {
        let mut s = 0.0;
        for (yi, &xi) in y.iter_mut().zip(x) {
            *yi = f(*yi, xi);
            s += *yi * *yi;
        }
        s
    };
    if y.len() <= PIECE {
        return piece(y, x);
    }
    let parts: Vec<f64> = y
        .par_chunks_mut(PIECE)
        .zip(x.par_chunks(PIECE))
        .map(|(y, x)| piece(y, x))
        .collect();
    parts.iter().sum()
}

/// `y += alpha · x`.
pub fn axpy(alpha: f64, x: &[f64], y: &mut [f64]) {
    update(y, x, |yi, xi| yi + alpha * xi);
}

/// `y = x`.
pub fn copy(x: &[f64], y: &mut [f64]) {
    y.par_chunks_mut(PIECE)
        .zip(x.par_chunks(PIECE))
        .for_each(|(y, x)| y.copy_from_slice(x));
}

/// `y = 0`.
pub fn zero(y: &mut [f64]) {
    y.par_chunks_mut(PIECE).for_each(|y| y.fill(0.0));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sums over many pieces equal a plain loop's within rounding, and are the same run to
    /// run; updates touch every element.
    #[test]
    fn pieces_cover_every_element() {
        let n = 3 * PIECE + 17;
        let a: Vec<f64> = (0..n).map(|i| (i % 13) as f64 * 0.25 - 1.0).collect();
        let b: Vec<f64> = (0..n).map(|i| (i % 7) as f64 * 0.5 - 1.5).collect();
        let plain: f64 = a.iter().zip(&b).map(|(p, q)| p * q).sum();
        assert!((dot(&a, &b) - plain).abs() < 1e-9 * plain.abs().max(1.0));
        assert_eq!(dot(&a, &b).to_bits(), dot(&a, &b).to_bits());
        let mut y = b.clone();
        let sq = update(&mut y, &a, |yi, xi| yi + 2.0 * xi);
        for i in 0..n {
            assert_eq!(y[i], b[i] + 2.0 * a[i]);
        }
        assert!((sq - dot(&y, &y)).abs() < 1e-9 * sq);
        let mut z = vec![1.0; n];
        copy(&a, &mut z);
        assert_eq!(z, a);
        zero(&mut z);
        assert!(z.iter().all(|&v| v == 0.0));
    }
}
