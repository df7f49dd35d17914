//! `gavel suggest`: which unlabelled comments are most worth a moderator's label. The ones
//! the model is least sure of (uncertainty sampling, Lewis & Gale 1994) among the comments
//! typical of the pool (a density bound after Settles & Craven 2008: the most uncertain
//! comments alone are mostly outliers, which teach a model little), taken greedily from the
//! most uncertain down and skipping any that reads like one already picked (cosine of their
//! TF-IDF vectors at or above a bound), so that a batch of labels is not spent on one comment
//! pasted ten times or a thread quoting itself.

use crate::model::{LabelSpec, Model};
use rayon::prelude::*;

/// How unsure the model is of one comment scored `p` by head group `group`: 1 on a decision
/// boundary, 0 when certain. For a class model the margin between its two likeliest classes
/// (`1 − (p₁ − p₂)`); for a one-output head the distance of `p` from its threshold `t`
/// relative to the room on that side (`1 − |p − t| / t` below it, `/ (1 − t)` above); for a
/// multi-label model the most unsure of its heads.
pub fn uncertainty(model: &Model, group: usize, p: &[f64]) -> f64 {
    let per = model.spec.heads_per_target();
    let heads = &model.heads[group * per..group * per + per];
    match (&model.spec.labels, p.len()) {
        (LabelSpec::Classes { .. }, n) if n > 1 => {
            let (mut first, mut second) = (0.0f64, 0.0f64);
            for &v in p {
                if v > first {
                    second = first;
                    first = v;
                } else if v > second {
                    second = v;
                }
            }
            1.0 - (first - second)
        }
        _ => heads
            .iter()
            .zip(p)
            .map(|(h, &v)| {
                let t = h.threshold();
                let room = if v < t { t } else { 1.0 - t };
                if room <= 0.0 {
                    0.0
                } else {
                    (1.0 - (v - t).abs() / room).clamp(0.0, 1.0)
                }
            })
            .fold(0.0, f64::max),
    }
}

/// A sparse vector with increasing indices.
pub type Sparse = (Vec<u32>, Vec<f32>);

/// Up to `n` of `order` (candidates, most worth labelling first), skipping each whose cosine
/// similarity to one already taken is at least `max_similarity`; `vector(i)` is candidate
/// `i`'s TF-IDF vector. Looks at no more candidates than it needs; each against at most `n`.
pub fn pick(
    order: &[usize],
    mut vector: impl FnMut(usize) -> Sparse,
    n: usize,
    max_similarity: f64,
) -> Vec<usize> {
    let mut taken: Vec<(usize, Sparse, f64)> = Vec::with_capacity(n);
    for &i in order {
        if taken.len() >= n {
            break;
        }
        let v = vector(i);
        let norm = dot(&v, &v).sqrt();
        let near = taken.iter().any(|(_, u, un)| {
            let denom = norm * un;
            // an empty vector (no known n-gram) is like nothing and nothing like it
            denom > 0.0 && dot(&v, u) / denom >= max_similarity
        });
        if !near {
            taken.push((i, v, norm));
        }
    }
    taken.into_iter().map(|(i, _, _)| i).collect()
}

/// The dot product of two sparse vectors with increasing indices.
fn dot(a: &Sparse, b: &Sparse) -> f64 {
    let (mut i, mut j, mut s) = (0, 0, 0.0f64);
    while i < a.0.len() && j < b.0.len() {
        match a.0[i].cmp(&b.0[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a.1[i] as f64 * b.1[j] as f64;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

/// How typical each of `n` comments is of them all: the cosine of its vector with the mean
/// of their unit vectors, which is its mean cosine with every comment (0 for a comment
/// without a known n-gram). Two passes over the vectors (`vector(i)`, built twice, never
/// all held); the sum is taken in fixed point, so that the result does not depend on how
/// the threads split the rows.
pub fn densities(n: usize, n_features: usize, vector: impl Fn(usize) -> Sparse + Sync) -> Vec<f64> {
    const SCALE: f64 = (1u64 << 32) as f64;
    let unit = |v: &Sparse| {
        let norm = dot(v, v).sqrt();
        (norm > 0.0).then_some(norm)
    };
    let sum = (0..n)
        .into_par_iter()
        .fold(
            || vec![0i64; n_features],
            |mut acc, i| {
                let v = vector(i);
                if let Some(norm) = unit(&v) {
                    for (&j, &x) in v.0.iter().zip(&v.1) {
                        acc[j as usize] += (x as f64 / norm * SCALE).round() as i64;
                    }
                }
                acc
            },
        )
        .reduce(
            || vec![0i64; n_features],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                a
            },
        );
    let mean: Vec<f64> = sum
        .iter()
        .map(|&s| s as f64 / SCALE / n.max(1) as f64)
        .collect();
    (0..n)
        .into_par_iter()
        .map(|i| {
            let v = vector(i);
            match unit(&v) {
                Some(norm) => {
                    let d: f64 =
                        v.0.iter()
                            .zip(&v.1)
                            .map(|(&j, &x)| mean[j as usize] * x as f64)
                            .sum();
                    d / norm
                }
                None => 0.0,
            }
        })
        .collect()
}

/// The median of `values` (the upper one of an even count); 0 for none.
pub fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut v = values.to_vec();
    let mid = v.len() / 2;
    let (_, m, _) = v.select_nth_unstable_by(mid, |a, b| a.total_cmp(b));
    *m
}

/// The candidates in order of falling uncertainty, ties in input order.
pub fn by_uncertainty(scores: &[(usize, f64)]) -> Vec<usize> {
    let mut s = scores.to_vec();
    s.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    s.into_iter().map(|(i, _)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(pairs: &[(u32, f32)]) -> Sparse {
        (
            pairs.iter().map(|p| p.0).collect(),
            pairs.iter().map(|p| p.1).collect(),
        )
    }

    #[test]
    fn near_duplicates_are_skipped_and_order_kept() {
        let vecs = [
            v(&[(1, 1.0), (2, 1.0)]),
            v(&[(1, 1.0), (2, 0.9)]), // the first again, nearly
            v(&[(3, 1.0)]),
            v(&[(4, 1.0), (5, 1.0)]),
        ];
        let order = [0, 1, 2, 3];
        assert_eq!(pick(&order, |i| vecs[i].clone(), 3, 0.8), [0, 2, 3]);
        assert_eq!(pick(&order, |i| vecs[i].clone(), 2, 0.8), [0, 2]);
        // a bound of 1 or more skips nothing
        assert_eq!(pick(&order, |i| vecs[i].clone(), 4, 1.01), [0, 1, 2, 3]);
    }

    #[test]
    fn a_comment_like_the_others_is_denser_than_an_outlier() {
        let vecs = [
            v(&[(0, 1.0), (1, 1.0)]),
            v(&[(0, 1.0), (1, 0.8)]),
            v(&[(0, 0.9), (1, 1.0), (2, 0.1)]),
            v(&[(5, 1.0)]),
            v(&[]),
        ];
        let d = densities(vecs.len(), 6, |i| vecs[i].clone());
        assert!(d[0] > d[3] && d[1] > d[3] && d[2] > d[3], "{d:?}");
        assert_eq!(d[4], 0.0);
        // the mean cosine with every vector, itself included
        let cos = |a: &Sparse, b: &Sparse| {
            let n = (dot(a, a) * dot(b, b)).sqrt();
            if n > 0.0 {
                dot(a, b) / n
            } else {
                0.0
            }
        };
        let want: f64 = vecs.iter().map(|u| cos(&vecs[0], u)).sum::<f64>() / 5.0;
        assert!((d[0] - want).abs() < 1e-6, "{} vs {want}", d[0]);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 3.0);
        assert_eq!(median(&[]), 0.0);
    }

    #[test]
    fn most_uncertain_first_ties_in_input_order() {
        let s = [(0, 0.2), (1, 0.9), (2, 0.5), (3, 0.9)];
        assert_eq!(by_uncertainty(&s), [1, 3, 2, 0]);
    }
}
