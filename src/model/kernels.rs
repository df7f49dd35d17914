//! The per-row arithmetic of logistic heads: the links' stable functions (`log(1 + e^x)`,
//! sigmoid, softmax) and the sparse row products `z = b + x·W` (gather) and `sink += x ⊗ r`
//! (scatter), with kernels unrolled for small output counts.

use crate::features::Row;

/// `log(1 + e^x)` without overflow.
#[inline]
pub fn log1pexp(x: f64) -> f64 {
    if x > 35.0 {
        x
    } else if x < -35.0 {
        x.exp()
    } else {
        x.exp().ln_1p()
    }
}

/// The logistic function, clamped away from exactly 0 and 1.
#[inline]
pub fn sigmoid(z: f64) -> f64 {
    let p = if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    };
    p.clamp(1e-15, 1.0 - 1e-15)
}

/// Softmax of `z` into `p`; returns `log Σ exp z` for the loss.
pub fn softmax_into(z: &[f64], p: &mut [f64]) -> f64 {
    let m = z.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let mut s = 0.0;
    for (pk, &zk) in p.iter_mut().zip(z) {
        *pk = (zk - m).exp();
        s += *pk;
    }
    for pk in p.iter_mut() {
        *pk /= s;
    }
    m + s.ln()
}

/// `z = b + x · W` for one row, `W` feature-major with `z.len()` outputs. One output, the
/// common case, sums in four independent lanes so the adds do not wait on each other; small
/// class counts get a loop the compiler unrolls.
#[inline]
pub fn gather(x: Row, w: &[f64], b: &[f64], z: &mut [f64]) {
    match z.len() {
        1 => {
            let mut acc = [0.0f64; 4];
            let (ic, vc) = (x.indices.chunks_exact(4), x.values.chunks_exact(4));
            let (ir, vr) = (ic.remainder(), vc.remainder());
            for (i4, v4) in ic.zip(vc) {
                for t in 0..4 {
                    acc[t] += v4[t] as f64 * w[i4[t] as usize];
                }
            }
            for (t, (&j, &v)) in ir.iter().zip(vr).enumerate() {
                acc[t] += v as f64 * w[j as usize];
            }
            z[0] = b[0] + ((acc[0] + acc[1]) + (acc[2] + acc[3]));
        }
        2 => gather_k::<2>(x, w, b, z),
        3 => gather_k::<3>(x, w, b, z),
        4 => gather_k::<4>(x, w, b, z),
        k => {
            z.copy_from_slice(b);
            for (&j, &v) in x.indices.iter().zip(x.values) {
                let wj = &w[j as usize * k..j as usize * k + k];
                for (a, &wk) in z.iter_mut().zip(wj) {
                    *a += v as f64 * wk;
                }
            }
        }
    }
}

#[inline]
fn gather_k<const K: usize>(x: Row, w: &[f64], b: &[f64], z: &mut [f64]) {
    let mut acc = [0.0f64; K];
    acc.copy_from_slice(b);
    for (&j, &v) in x.indices.iter().zip(x.values) {
        let wj = &w[j as usize * K..j as usize * K + K];
        for t in 0..K {
            acc[t] += v as f64 * wj[t];
        }
    }
    z.copy_from_slice(&acc);
}

/// `sink[j*K..j*K+K] += x_j · r` for every entry of one row, `K = r.len()`.
#[inline]
pub fn scatter(x: Row, r: &[f64], sink: &mut [f64]) {
    match r.len() {
        1 => {
            let r0 = r[0];
            for (&j, &v) in x.indices.iter().zip(x.values) {
                sink[j as usize] += v as f64 * r0;
            }
        }
        2 => scatter_k::<2>(x, r, sink),
        3 => scatter_k::<3>(x, r, sink),
        4 => scatter_k::<4>(x, r, sink),
        k => {
            for (&j, &v) in x.indices.iter().zip(x.values) {
                let s = &mut sink[j as usize * k..j as usize * k + k];
                for (sk, &rk) in s.iter_mut().zip(r) {
                    *sk += v as f64 * rk;
                }
            }
        }
    }
}

#[inline]
fn scatter_k<const K: usize>(x: Row, r: &[f64], sink: &mut [f64]) {
    let mut rr = [0.0f64; K];
    rr.copy_from_slice(r);
    for (&j, &v) in x.indices.iter().zip(x.values) {
        let s = &mut sink[j as usize * K..j as usize * K + K];
        for t in 0..K {
            s[t] += v as f64 * rr[t];
        }
    }
}
