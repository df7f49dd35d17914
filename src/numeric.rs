//! Small numeric helpers that fitting, scoring and evaluation all use.

/// Index of the largest value (the first on ties; 0 when empty).
pub fn argmax(p: &[f64]) -> usize {
    (0..p.len())
        .max_by(|&a, &b| p[a].total_cmp(&p[b]).then(b.cmp(&a)))
        .unwrap_or(0)
}
