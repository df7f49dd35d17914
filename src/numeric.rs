//! Small numeric helpers that fitting, scoring and evaluation all use.

/// Index of the largest value (the first on ties; 0 when empty).
pub fn argmax(p: &[f64]) -> usize {
    (0..p.len())
        .max_by(|&a, &b| p[a].total_cmp(&p[b]).then(b.cmp(&a)))
        .unwrap_or(0)
}

/// Whether every value is finite. Reads them all, without a branch per value, so that it
/// runs at memory speed over a model's millions of weights.
pub fn all_finite(v: &[f32]) -> bool {
    v.iter().fold(true, |ok, x| ok & x.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_finite_finds_any_nan_or_infinity() {
        assert!(all_finite(&[]));
        assert!(all_finite(&[0.0, -1.5, f32::MAX, f32::MIN_POSITIVE]));
        for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
            let mut v = vec![1.0f32; 100];
            v[63] = bad;
            assert!(!all_finite(&v), "{bad}");
        }
    }
}
