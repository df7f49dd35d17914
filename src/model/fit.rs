//! Fitting the heads: one per (target, label group), separately or jointly across targets,
//! each on the rows of its target.

use super::data::{Labels, TrainingData};
use super::head::{fit_head, Head};
use super::joint::{fold, joint_parts, Joint, SHARED_SCALE};
use super::meta::MatrixSize;
use super::objective::Link;
use super::params::{TargetSharing, TrainParams};
use super::solver::Convergence;
use super::sources;
use super::spec::{LabelSpec, Spec};
use crate::features::Csr;
use rayon::prelude::*;

/// One head per (target, label group), in model order, fitted on the rows `rows` of `data`,
/// whose matrix is `x` (row `l` of `x` is row `rows[l]` of `data`). Also returns the size of
/// the matrix the solver read. `pooled`: a general model's matrix for its general head,
/// the same rows read with every target marked, when the own heads read theirs plain
/// (`None`: `x` for every head).
pub(super) fn fit_heads(
    spec: &Spec,
    data: &TrainingData,
    x: &Csr,
    pooled: Option<&Csr>,
    rows: &[usize],
    params: &TrainParams,
) -> (Vec<Head>, Vec<Convergence>, MatrixSize) {
    let groups = target_groups(spec, data, rows);
    let global = |local: &[usize]| local.iter().map(|&l| rows[l]).collect::<Vec<usize>>();
    let all: Vec<usize> = (0..rows.len()).collect();
    let per = spec.heads_per_target();
    let link = spec.link();
    let is_general = spec.is_general();
    let shared = is_general || (groups.len() > 1 && params.targets == TargetSharing::Shared);
    // a general model's last group holds the rows of targets without a copy of their own
    let n_own = spec.n_targets();
    let mut matrix = MatrixSize {
        nnz: x.nnz(),
        bytes: x.heap_bytes(),
    };
    let (heads, convergence) = if shared {
        // joint fits over [shared copy | one copy per target], one per part of the targets
        // (every target in one part unless the data says which targets share a fit), each
        // folded back into one head per (target, group); for a general model, also the
        // pooled fit of every row on the plain features, the head of every other target
        let target_of = row_targets(&groups, x.n_rows());
        let parts = joint_parts(data, rows, &target_of, n_own);
        let joints: Vec<Joint> = parts
            .iter()
            .map(|p| Joint::new(x, &target_of, n_own, p, is_general))
            .collect();
        matrix = MatrixSize {
            nnz: joints.iter().map(|j| j.x.nnz()).sum(),
            bytes: joints.iter().map(|j| j.x.heap_bytes()).sum(),
        };
        let fits = joints.len() + is_general as usize;
        let jobs: Vec<(usize, usize)> = (0..fits)
            .flat_map(|m| (0..per).map(move |g| (m, g)))
            .collect();
        let fitted: Vec<_> = jobs
            .par_iter()
            .map(|&(m, g)| {
                // the fit's matrix and its rows, as positions in `rows`
                let (xm, positions) = match joints.get(m) {
                    Some(j) => (&j.x, j.rows.as_deref()),
                    None => (pooled.unwrap_or(x), None),
                };
                let mine: Vec<usize> = positions.map_or_else(|| all.clone(), <[usize]>::to_vec);
                let local = known_rows(
                    data,
                    &global(&mine),
                    &(0..mine.len()).collect::<Vec<_>>(),
                    g,
                );
                let sub = local.as_ref().map(|l| xm.select(l));
                let labelled: Vec<usize> = match &local {
                    Some(l) => l.iter().map(|&i| mine[i]).collect(),
                    None => mine,
                };
                let y = head_targets(spec, &data.labels, &global(&labelled), g, link);
                let part = parts.get(m).and_then(|p| p.name.as_deref());
                let params = params.for_part(part).for_head(spec.label_column(g));
                fit_head(sub.as_ref().unwrap_or(xm), &y, link, &params)
            })
            .collect();
        (0..groups.len())
            .flat_map(|t| (0..per).map(move |g| (t, g)))
            .map(|(t, g)| match t < n_own {
                true => {
                    let (m, j) = joints
                        .iter()
                        .enumerate()
                        .find(|(_, j)| j.index.contains_key(&t))
                        .expect("every own target is in a part");
                    let (own, bias) = j.own_of(t);
                    let (fit, conv) = &fitted[m * per + g];
                    (fold(fit, own, bias, SHARED_SCALE), *conv)
                }
                false => fitted[joints.len() * per + g].clone(),
            })
            .unzip()
    } else {
        let jobs: Vec<(usize, usize)> = (0..groups.len())
            .flat_map(|t| (0..per).map(move |g| (t, g)))
            .collect();
        jobs.par_iter()
            .map(|&(t, g)| {
                // the target's rows, less those without a label for this head
                let masked = known_rows(data, rows, &groups[t], g);
                let local = masked.as_ref().unwrap_or(&groups[t]);
                let whole = groups.len() == 1 && masked.is_none();
                let y = head_targets(spec, &data.labels, &global(local), g, link);
                let params = &params.for_head(spec.label_column(g));
                if let (Some(fit), Some((_, of))) = (&params.sources, &data.sources) {
                    let from: Vec<&str> = local.iter().map(|&l| of[rows[l]].as_str()).collect();
                    let picked = (!whole).then_some(local.as_slice());
                    return sources::fit_head(x, picked, &y, &from, link, params, fit);
                }
                let sub: Option<Csr> = (!whole).then(|| x.select(local));
                let xs = sub.as_ref().unwrap_or(x);
                fit_head(xs, &y, link, params)
            })
            .collect::<Vec<_>>()
            .into_iter()
            .unzip()
    };
    (heads, convergence, matrix)
}

/// Of the positions `local` in `rows`, those whose row is labelled for head `g`; `None` when
/// that is all of them (nothing to select).
fn known_rows(
    data: &TrainingData,
    rows: &[usize],
    local: &[usize],
    g: usize,
) -> Option<Vec<usize>> {
    if !data.labels.masked() {
        return None;
    }
    let kept: Vec<usize> = local
        .iter()
        .copied()
        .filter(|&l| data.labels.known(rows[l], g))
        .collect();
    (kept.len() < local.len()).then_some(kept)
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
            // a general model's rows of other targets make a last group
            let mut groups = vec![Vec::new(); spec.n_groups()];
            for (l, &r) in rows.iter().enumerate() {
                match index.get(vals[r].as_str()) {
                    Some(&g) => groups[g].push(l),
                    None if t.general => groups[t.values.len()].push(l),
                    None => {}
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
        (_, Labels::Multi { values, .. }) => rows
            .iter()
            .map(|&i| values[i][g].unwrap_or(false) as u32)
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::{FeatureConfig, Vectorizer};
    use crate::text::TextConfig;

    /// Two label columns; `insult` is labelled on every row, `threat` only on some (the others
    /// come from a source that does not label threats).
    fn partly_labelled() -> TrainingData {
        let mut texts = vec![];
        let mut values = vec![];
        for i in 0..60 {
            let (t, insult, threat) = match i % 4 {
                0 => ("you idiot, i will hurt you", true, Some(true)),
                1 => ("you idiot, what a fool", true, Some(false)),
                2 => ("i will find you and hurt you", false, Some(true)),
                _ => ("thanks for the report", false, Some(false)),
            };
            // every third row comes from a source without threat labels
            let threat = if i % 3 == 0 { None } else { threat };
            texts.push(format!("{t} {i}"));
            values.push(vec![Some(insult), threat]);
        }
        TrainingData {
            text_column: "text".into(),
            lines: (2..2 + texts.len() as u64).collect(),
            texts,
            labels: Labels::Multi {
                columns: vec!["insult".into(), "threat".into()],
                values,
            },
            targets: None,
            source: ("mem".into(), String::new()),
            skipped: Vec::new(),
            groups: None,
            joint: None,
            sources: None,
        }
    }

    /// Four targets from two sources, each target with its own way of speaking.
    fn two_sources() -> (Spec, TrainingData) {
        let data = TrainingData::two_sources(30);
        let spec = Spec {
            text_column: "text".into(),
            labels: LabelSpec::Classes {
                column: "stance".into(),
                classes: vec!["AGAINST".into(), "FAVOR".into(), "NONE".into()],
                positive: None,
            },
            target: Some(super::super::spec::TargetSpec {
                column: "target".into(),
                values: ["apples", "bananas", "cherries", "plums"]
                    .map(String::from)
                    .to_vec(),
                general: false,
                plain: Vec::new(),
            }),
        };
        (spec, data)
    }

    /// With a joint-by column, a source's targets get exactly the heads of a joint fit on
    /// that source's rows alone: another source's rows change nothing in them. Without one,
    /// every target shares one fit, and they do.
    #[test]
    fn each_joint_by_value_gets_a_joint_fit_of_its_own() {
        let (spec, data) = two_sources();
        let (_, x) =
            Vectorizer::fit(TextConfig::default(), FeatureConfig::default(), &data.texts).unwrap();
        let params = TrainParams::default();
        let all: Vec<usize> = (0..data.texts.len()).collect();
        let (by_source, _, _) = fit_heads(&spec, &data, &x, None, &all, &params);
        let mut one = data.clone();
        one.joint = None;
        let (pooled, _, _) = fit_heads(&spec, &one, &x, None, &all, &params);
        let a: Vec<usize> = (0..60).collect();
        let mut spec_a = spec.clone();
        spec_a.target.as_mut().unwrap().values.truncate(2);
        let (alone, _, _) = fit_heads(&spec_a, &one, &x.select(&a), None, &a, &params);
        for t in 0..2 {
            assert_eq!(by_source[t].weights, alone[t].weights, "target {t}");
            assert_eq!(by_source[t].bias, alone[t].bias, "target {t}");
            assert_ne!(pooled[t].weights, alone[t].weights, "target {t}");
        }
    }

    /// `--joint-c b=0.5`: part `b`'s targets get the heads of its joint fit at C 0.5, as if
    /// the whole model were trained at 0.5; part `a`'s are those of the default C.
    #[test]
    fn a_part_with_a_c_of_its_own_is_fitted_at_it_and_only_it() {
        let (spec, data) = two_sources();
        let (_, x) =
            Vectorizer::fit(TextConfig::default(), FeatureConfig::default(), &data.texts).unwrap();
        let all: Vec<usize> = (0..data.texts.len()).collect();
        let fit = |params: &TrainParams| fit_heads(&spec, &data, &x, None, &all, params).0;
        let plain = fit(&TrainParams::default());
        let half = fit(&TrainParams {
            c: 0.5,
            ..TrainParams::default()
        });
        let own = fit(&TrainParams {
            part_c: vec![("b".into(), 0.5)],
            ..TrainParams::default()
        });
        for t in 0..4 {
            let want = if t < 2 { &plain[t] } else { &half[t] };
            assert_eq!(own[t].weights, want.weights, "target {t}");
            assert_eq!(own[t].bias, want.bias, "target {t}");
        }
        assert_ne!(plain[2].weights, half[2].weights);
    }

    fn spec() -> Spec {
        Spec {
            text_column: "text".into(),
            labels: LabelSpec::MultiLabel {
                columns: vec!["insult".into(), "threat".into()],
            },
            target: None,
        }
    }

    /// On one feature matrix: the head of a partly labelled column is exactly the head fitted
    /// on its labelled rows alone, and a row without its label changes nothing in it, while
    /// the fully labelled column still learns from every row.
    #[test]
    fn unlabelled_rows_take_no_part_in_a_heads_fit() {
        let data = partly_labelled();
        let (_, x) =
            Vectorizer::fit(TextConfig::default(), FeatureConfig::default(), &data.texts).unwrap();
        let params = TrainParams::default();
        let all: Vec<usize> = (0..data.texts.len()).collect();
        let (union, _, _) = fit_heads(&spec(), &data, &x, None, &all, &params);
        let labelled = data.labels.labelled(&all, 1);
        assert_eq!(labelled.len(), 40);
        let (alone, _, _) = fit_heads(
            &spec(),
            &data,
            &x.select(&labelled),
            None,
            &labelled,
            &params,
        );
        assert_eq!(union[1].weights, alone[1].weights);
        assert_eq!(union[1].bias, alone[1].bias);
        // dropping a row that has no threat label: the threat head is unchanged, the insult
        // head (which used that row) is not
        let without: Vec<usize> = all.iter().copied().filter(|&i| i != 3).collect();
        assert!(!data.labels.known(3, 1) && data.labels.known(3, 0));
        let (less, _, _) = fit_heads(&spec(), &data, &x.select(&without), None, &without, &params);
        assert_eq!(less[1].weights, union[1].weights);
        assert_ne!(less[0].weights, union[0].weights);
        // an empty cell is not a 0: treating it as one gives another head
        let mut zeros = data.clone();
        if let Labels::Multi { values, .. } = &mut zeros.labels {
            values
                .iter_mut()
                .for_each(|r| r[1] = Some(r[1].unwrap_or(false)));
        }
        let (filled, _, _) = fit_heads(&spec(), &zeros, &x, None, &all, &params);
        assert_ne!(filled[1].weights, union[1].weights);
    }
}
