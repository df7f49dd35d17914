//! Joint training of per-target heads (Daumé's feature augmentation): every feature has a
//! copy shared by all targets and a copy per target; the joint fit is folded back into one
//! head per target.

use super::data::TrainingData;
use super::head::Head;
use crate::error::{Error, Result};
use crate::features::Csr;

/// Scale of the shared copy in joint target training, chosen by repeated 5-fold CV on the
/// SemEval-2016 training split (docs/design.md, per-target stance heads).
pub(super) const SHARED_SCALE: f32 = 0.5;

/// Marks a feature that never occurs under a target (its own copy would stay 0).
const UNUSED: u32 = u32::MAX;

/// The feature-augmented matrix of joint target training: row `i` of target `t` holds its
/// features twice, scaled by `scale` ([`SHARED_SCALE`]) at column `j` (shared by all targets) and as they
/// are at `own[t][j]` (its target's own copy). Own copies exist only for the features that occur
/// under that target, which keeps the solver's vectors short.
/// A row whose target is `n_targets` or more (a general model's rows of targets without a
/// copy of their own) has the shared copy only. With `own_bias`, each target also gets a
/// penalised intercept column of its own (value 1 in its rows), so that a target whose source
/// labels fewer classes (P-Stance has no NONE) moves its own intercepts, not the shared words.
/// Returns the matrix, the own column of every feature per target, and each target's
/// intercept column.
pub(super) fn augment(
    x: &Csr,
    target_of: &[usize],
    n_targets: usize,
    own_bias: bool,
    scale: f32,
) -> (Csr, Vec<Vec<u32>>, Vec<Option<u32>>) {
    let n = x.n_cols;
    let mut own = vec![vec![UNUSED; n]; n_targets];
    let mut present = vec![false; n_targets];
    for (i, &t) in target_of.iter().enumerate().filter(|(_, &t)| t < n_targets) {
        present[t] = true;
        for &j in x.row(i).indices {
            own[t][j as usize] = 0;
        }
    }
    let mut next = n as u32;
    for col in own.iter_mut().flatten().filter(|c| **c != UNUSED) {
        *col = next;
        next += 1;
    }
    let bias: Vec<Option<u32>> = present
        .iter()
        .map(|&p| {
            (own_bias && p).then(|| {
                next += 1;
                next - 1
            })
        })
        .collect();
    let mut out = Csr::new(next as usize);
    let (mut idx, mut val) = (Vec::new(), Vec::new());
    for (i, &t) in target_of.iter().enumerate() {
        let r = x.row(i);
        idx.clear();
        val.clear();
        idx.extend_from_slice(r.indices);
        val.extend(r.values.iter().map(|v| v * scale));
        if t < n_targets {
            idx.extend(r.indices.iter().map(|&j| own[t][j as usize]));
            val.extend_from_slice(r.values);
            if let Some(b) = bias[t] {
                idx.push(b);
                val.push(1.0);
            }
        }
        out.push_row(&idx, &val);
    }
    (out, own, bias)
}

/// Target `t`'s head from a joint fit on [`augment`]ed features: the scaled shared weights
/// plus the target's own, its intercept column (if any) added to the intercepts. Its scores
/// equal the joint model's on target `t`'s rows.
pub(super) fn fold(joint: &Head, own: &[u32], own_bias: Option<u32>, scale: f32) -> Head {
    let (k, n) = (joint.k(), own.len());
    let mut weights: Vec<f32> = joint.weights[..n * k].iter().map(|s| s * scale).collect();
    for (j, &c) in own.iter().enumerate().filter(|(_, &c)| c != UNUSED) {
        let c = c as usize;
        for (w, o) in weights[j * k..j * k + k]
            .iter_mut()
            .zip(&joint.weights[c * k..c * k + k])
        {
            *w += o;
        }
    }
    let mut bias = joint.bias.clone();
    if let Some(c) = own_bias {
        let c = c as usize;
        for (b, o) in bias.iter_mut().zip(&joint.weights[c * k..c * k + k]) {
            *b += o;
        }
    }
    Head {
        link: joint.link,
        n_features: n,
        weights,
        bias,
        calibration: None,
    }
}

/// One joint fit's matrix: the rows of a part of the targets ([`joint_parts`]), augmented.
pub(super) struct Joint {
    /// the part's rows as positions in the fitted rows (`None`: all of them)
    pub rows: Option<Vec<usize>>,
    /// the part's own targets, model index → index within the part
    pub index: std::collections::HashMap<usize, usize>,
    pub x: Csr,
    own: Vec<Vec<u32>>,
    bias: Vec<Option<u32>>,
}

impl Joint {
    pub fn new(x: &Csr, target_of: &[usize], n_own: usize, part: &Part, own_bias: bool) -> Joint {
        let index: std::collections::HashMap<usize, usize> = part
            .targets
            .iter()
            .enumerate()
            .map(|(i, &t)| (t, i))
            .collect();
        let n = part.targets.len();
        let (sub, local_of): (Option<Csr>, Vec<usize>) = match &part.rows {
            None => (
                None,
                target_of
                    .iter()
                    .map(|t| *index.get(t).unwrap_or(&n))
                    .collect(),
            ),
            Some(r) => (
                Some(x.select(r)),
                r.iter()
                    .map(|&i| *index.get(&target_of[i]).unwrap_or(&n))
                    .collect(),
            ),
        };
        debug_assert!(part.targets.iter().all(|&t| t < n_own));
        let (xa, own, bias) = augment(
            sub.as_ref().unwrap_or(x),
            &local_of,
            n,
            own_bias,
            SHARED_SCALE,
        );
        Joint {
            rows: part.rows.clone(),
            index,
            x: xa,
            own,
            bias,
        }
    }

    /// Model target `t`'s own columns and intercept column in this fit.
    pub fn own_of(&self, t: usize) -> (&[u32], Option<u32>) {
        let i = self.index[&t];
        (&self.own[i], self.bias[i])
    }
}

/// A part of the targets fitted jointly: its own targets (model indices) and its rows.
pub(super) struct Part {
    /// the value of the `--joint-by` column (`None`: no such column, one part)
    pub name: Option<String>,
    targets: Vec<usize>,
    /// positions in the fitted rows (`None`: all of them)
    rows: Option<Vec<usize>>,
}

/// The parts of the joint fit. Without a `--joint-by` column, one part: every own target,
/// every row (rows of other targets give the shared copy only). With one, a part per value
/// of it that has own targets: the rows of that value; an own target belongs to the value
/// of its first row.
pub(super) fn joint_parts(
    data: &TrainingData,
    rows: &[usize],
    target_of: &[usize],
    n_own: usize,
) -> Vec<Part> {
    let Some((_, by)) = &data.joint else {
        return vec![Part {
            name: None,
            targets: (0..n_own).collect(),
            rows: None,
        }];
    };
    let mut part_of_target: Vec<Option<&str>> = vec![None; n_own];
    for (l, &t) in target_of.iter().enumerate() {
        if t < n_own && part_of_target[t].is_none() {
            part_of_target[t] = Some(by[rows[l]].as_str());
        }
    }
    let mut names: Vec<&str> = part_of_target.iter().flatten().copied().collect();
    names.sort_unstable();
    names.dedup();
    names
        .iter()
        .map(|&name| Part {
            name: Some(name.to_string()),
            targets: (0..n_own)
                .filter(|&t| part_of_target[t] == Some(name))
                .collect(),
            rows: Some(
                (0..target_of.len())
                    .filter(|&l| match target_of[l] < n_own {
                        true => part_of_target[target_of[l]] == Some(name),
                        false => by[rows[l]] == name,
                    })
                    .collect(),
            ),
        })
        .collect()
}

/// `--joint-c` names values of the `--joint-by` column `joint` (its name and per-row values),
/// each once.
pub(super) fn check_part_c(
    part_c: &[(String, f64)],
    joint: Option<&(String, Vec<String>)>,
) -> Result<()> {
    if part_c.is_empty() {
        return Ok(());
    }
    let Some((column, values)) = joint else {
        return Err(Error::Param(
            "--joint-c sets the C of --joint-by parts: give --joint-by".into(),
        ));
    };
    for (i, (part, _)) in part_c.iter().enumerate() {
        if !values.contains(part) {
            return Err(Error::Param(format!(
                "--joint-c names '{part}', which is no value of the --joint-by column '{column}'"
            )));
        }
        if part_c[..i].iter().any(|(p, _)| p == part) {
            return Err(Error::Param(format!("--joint-c names '{part}' twice")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::objective::Link;

    #[test]
    fn folded_heads_score_like_the_joint_model() {
        let mut x = Csr::new(4);
        x.push_row(&[0, 2], &[0.6, 0.8]);
        x.push_row(&[1, 3], &[1.0, 0.5]);
        x.push_row(&[0, 1, 3], &[0.3, 0.4, 0.5]);
        let target_of = [0, 1, 1];
        let (xa, own, bias) = augment(&x, &target_of, 2, false, SHARED_SCALE);
        assert_eq!(
            xa.n_cols,
            4 + 2 + 3,
            "own copies only for features seen under a target"
        );
        assert_eq!(bias, [None, None]);
        let joint = Head {
            link: Link::Softmax(3),
            n_features: xa.n_cols,
            weights: (0..xa.n_cols * 3)
                .map(|i| ((i * 7919) % 13) as f32 / 5.0 - 1.2)
                .collect(),
            bias: vec![0.1, -0.2, 0.3],
            calibration: None,
        };
        for (i, &t) in target_of.iter().enumerate() {
            let (ra, r) = (xa.row(i), x.row(i));
            let (mut pa, mut p) = ([0.0; 3], [0.0; 3]);
            joint.probs_into(ra.indices, ra.values, &mut pa);
            fold(&joint, &own[t], bias[t], SHARED_SCALE).probs_into(r.indices, r.values, &mut p);
            for k in 0..3 {
                assert!((pa[k] - p[k]).abs() < 1e-6, "row {i}: {pa:?} vs {p:?}");
            }
        }
    }
}
