//! Fitting the heads: one per (target, label group), separately or jointly across targets,
//! each on the rows of its target.

use super::data::{Labels, TrainingData};
use super::head::{fit_head, Head};
use super::joint::{augment, fold};
use super::meta::MatrixSize;
use super::objective::Link;
use super::params::{TargetSharing, TrainParams};
use super::solver::Convergence;
use super::spec::{LabelSpec, Spec};
use crate::features::Csr;
use rayon::prelude::*;

/// One head per (target, label group), in model order, fitted on the rows `rows` of `data`,
/// whose matrix is `x` (row `l` of `x` is row `rows[l]` of `data`). Also returns the size of
/// the matrix the solver read.
pub(super) fn fit_heads(
    spec: &Spec,
    data: &TrainingData,
    x: &Csr,
    rows: &[usize],
    params: &TrainParams,
) -> (Vec<Head>, Vec<Convergence>, MatrixSize) {
    let groups = target_groups(spec, data, rows);
    let global = |local: &[usize]| local.iter().map(|&l| rows[l]).collect::<Vec<usize>>();
    let per = spec.heads_per_target();
    let link = spec.link();
    let shared = groups.len() > 1 && params.targets == TargetSharing::Shared;
    let mut matrix = MatrixSize {
        nnz: x.nnz(),
        bytes: x.heap_bytes(),
    };
    let (heads, convergence) = if shared {
        // one joint fit per label group over [shared copy | one copy per target], folded back
        // into one head per (target, group)
        let target_of = row_targets(&groups, x.n_rows());
        let (xa, own) = augment(x, &target_of, groups.len());
        matrix = MatrixSize {
            nnz: xa.nnz(),
            bytes: xa.heap_bytes(),
        };
        let fitted: Vec<_> = (0..per)
            .into_par_iter()
            .map(|g| {
                let y = head_targets(spec, &data.labels, rows, g, link);
                fit_head(&xa, &y, link, params)
            })
            .collect();
        (0..groups.len())
            .flat_map(|t| (0..per).map(move |g| (t, g)))
            .map(|(t, g)| (fold(&fitted[g].0, &own[t]), fitted[g].1))
            .unzip()
    } else {
        let jobs: Vec<(usize, usize)> = (0..groups.len())
            .flat_map(|t| (0..per).map(move |g| (t, g)))
            .collect();
        jobs.par_iter()
            .map(|&(t, g)| {
                let local = &groups[t];
                let sub: Option<Csr> = (groups.len() > 1).then(|| x.select(local));
                let xs = sub.as_ref().unwrap_or(x);
                let y = head_targets(spec, &data.labels, &global(local), g, link);
                fit_head(xs, &y, link, params)
            })
            .collect::<Vec<_>>()
            .into_iter()
            .unzip()
    };
    (heads, convergence, matrix)
}

/// The rows of each target group (one group without targets), as positions in `rows`.
pub(super) fn target_groups(spec: &Spec, data: &TrainingData, rows: &[usize]) -> Vec<Vec<usize>> {
    match (&spec.target, &data.targets) {
        (Some(t), Some((_, vals))) => {
            let index: std::collections::HashMap<&str, usize> = t
                .values
                .iter()
                .enumerate()
                .map(|(i, v)| (v.as_str(), i))
                .collect();
            let mut groups = vec![Vec::new(); t.values.len()];
            for (l, &r) in rows.iter().enumerate() {
                if let Some(&g) = index.get(vals[r].as_str()) {
                    groups[g].push(l);
                }
            }
            groups
        }
        _ => vec![(0..rows.len()).collect()],
    }
}

/// The target group of every row.
pub(super) fn row_targets(groups: &[Vec<usize>], n_rows: usize) -> Vec<usize> {
    let mut t = vec![0; n_rows];
    for (g, rows) in groups.iter().enumerate() {
        for &i in rows {
            t[i] = g;
        }
    }
    t
}

/// The 0/1 or class-index target of head `g` for the given rows.
pub(super) fn head_targets(
    spec: &Spec,
    labels: &Labels,
    rows: &[usize],
    g: usize,
    link: Link,
) -> Vec<u32> {
    match (&spec.labels, labels) {
        (
            LabelSpec::Classes {
                classes, positive, ..
            },
            Labels::Classes { values, .. },
        ) => {
            let index: std::collections::HashMap<&str, u32> = classes
                .iter()
                .enumerate()
                .map(|(i, c)| (c.as_str(), i as u32))
                .collect();
            rows.iter()
                .map(|&i| match (link, positive) {
                    (Link::Sigmoid, Some(p)) => (&values[i] == p) as u32,
                    _ => index.get(values[i].as_str()).copied().unwrap_or(0),
                })
                .collect()
        }
        (_, Labels::Multi { values, .. }) => rows.iter().map(|&i| values[i][g] as u32).collect(),
        _ => Vec::new(),
    }
}
