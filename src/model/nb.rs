//! The naive-Bayes-scaled prior (`train --nb-power`): each feature column scaled, before the
//! fit, by how well it tells the classes apart on its own, `|r_j|^power` with `r_j` the
//! column's log-count ratio (NBSVM, Wang & Manning 2012). The weights are unscaled after the
//! fit, so scoring is unchanged; in the original columns the fit is the L2 fit with penalty
//! `½ Σ_j (w_j / s_j)²`: columns that separate the classes in the counts are cheap to use,
//! columns that do not (rare n-grams, hash collisions of unrelated n-grams) dear.

use super::head_pick;
use super::spec::LabelSpec;
use crate::error::{Error, Result};
use crate::features::Csr;
use serde::{Deserialize, Serialize};

/// How the columns are scaled for the fit (`train --nb-power`, `--nb-heads`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NbFit {
    /// a column's scale is `|r|^power`, `r` its log-count ratio
    pub power: f64,
    /// the label columns (`--labels`) whose heads are fitted so (`--nb-heads`); `None`: every
    /// head. The others are fitted on the plain columns
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heads: Option<Vec<String>>,
    /// heads with a power of their own in place of `power` (`--nb-heads HEAD=POWER`)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub powers: Vec<(String, f64)>,
}

/// The largest `--nb-power`: past it the scales' spread (a column's ratio runs to about ±10)
/// makes the fit's problem badly conditioned for no gain.
pub const MAX_POWER: f64 = 2.0;

impl NbFit {
    /// The power of the head of label column `column`: its own, or `power`.
    pub fn power_of(&self, column: Option<&str>) -> f64 {
        self.powers
            .iter()
            .find(|(h, _)| Some(h.as_str()) == column)
            .map_or(self.power, |&(_, p)| p)
    }

    /// These settings for the head of label column `column`: its power as `power`.
    pub fn for_head(&self, column: Option<&str>) -> NbFit {
        NbFit {
            power: self.power_of(column),
            heads: self.heads.clone(),
            powers: Vec::new(),
        }
    }

    /// Whether the head of label column `column` (`None`: a class column) is fitted so.
    pub fn fits(&self, column: Option<&str>) -> bool {
        head_pick::picks(self.heads.as_deref(), column)
    }

    /// `--nb-heads` names label columns of `--labels`, each once.
    pub fn check_heads(&self, labels: &LabelSpec) -> Result<()> {
        head_pick::check(self.heads.as_deref(), labels, "--nb-heads")
    }

    pub fn check(&self) -> Result<()> {
        let ok = |p: f64| p > 0.0 && p <= MAX_POWER;
        if !ok(self.power) {
            return Err(Error::Param(format!(
                "--nb-power {} must be above 0 and at most {MAX_POWER}",
                self.power
            )));
        }
        match self.powers.iter().find(|(_, p)| !ok(*p)) {
            Some((h, p)) => Err(Error::Param(format!(
                "--nb-heads {h}={p}: the power must be above 0 and at most {MAX_POWER}"
            ))),
            None => Ok(()),
        }
    }
}

/// Added to every class's summed column values: a column seen in no row has ratio
/// `ln(Q / P)` of the class totals, and a rare one stays near it.
const ALPHA: f64 = 1.0;

/// The scale of each of `x`'s columns for classes `y` (0/1 when `k` is 2, class indices up to
/// `k`), rows weighted by `cost` (the loss's per-row weight): `|r_j|^power`, with
/// `r_j = ln((p_j / P) / (q_j / Q))`, `p_j = α + Σ_{y=1} w_i |x_ij|` and `q_j` the same over
/// the other rows, `P`, `Q` their sums over columns; for more than two classes the largest
/// over the classes present of each class against the rest. Columns from `own_cols` on (intercept
/// columns added for the fit) keep scale 1.
pub fn column_scale(
    x: &Csr,
    y: &[u32],
    k: usize,
    cost: &[f64],
    own_cols: usize,
    power: f64,
) -> Vec<f64> {
    let n = x.n_cols;
    let mean = cost.iter().sum::<f64>() / cost.len().max(1) as f64;
    // per class, the weighted sum of |x| in each column
    let mut sums = vec![vec![0.0f64; n]; k];
    let mut present = vec![false; k];
    for (i, &c) in y.iter().enumerate() {
        present[c as usize] = true;
        let w = if mean > 0.0 { cost[i] / mean } else { 1.0 };
        let row = x.row(i);
        let s = &mut sums[c as usize];
        for (&j, &v) in row.indices.iter().zip(row.values) {
            s[j as usize] += w * (v as f64).abs();
        }
    }
    let all: Vec<f64> = (0..n).map(|j| sums.iter().map(|s| s[j]).sum()).collect();
    let total_all: f64 = all.iter().sum::<f64>() + 2.0 * ALPHA * n as f64;
    let classes = if k == 2 { 1..2 } else { 0..k };
    let mut scale = vec![0.0f64; n];
    // a class without rows says nothing about any column
    for c in classes.filter(|&c| present[c]) {
        let p: f64 = sums[c].iter().sum::<f64>() + ALPHA * n as f64;
        let q = total_all - p;
        for (j, s) in scale.iter_mut().enumerate() {
            let pj = ALPHA + sums[c][j];
            let qj = ALPHA + all[j] - sums[c][j];
            let r = ((pj / p) / (qj / q)).ln().abs();
            *s = s.max(r);
        }
    }
    for (j, s) in scale.iter_mut().enumerate() {
        *s = if j >= own_cols { 1.0 } else { s.powf(power) };
    }
    scale
}

/// `x` with column `j` multiplied by `scale[j]`.
pub fn scaled(x: &Csr, scale: &[f64]) -> Csr {
    let mut out = x.clone();
    for (v, &j) in out.values.iter_mut().zip(&x.indices) {
        *v = (*v as f64 * scale[j as usize]) as f32;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> (Csr, Vec<u32>) {
        // column 0 only in positives, 1 in both alike, 2 only in negatives, 3 never
        let mut x = Csr::new(4);
        let mut y = Vec::new();
        for i in 0..40 {
            let pos = i % 2 == 0;
            let first = if pos { 0 } else { 2 };
            x.push_row(&[first, 1], &[0.5, -0.5]);
            y.push(pos as u32);
        }
        (x, y)
    }

    #[test]
    fn separating_columns_are_scaled_up_and_shared_ones_down() {
        let (x, y) = toy();
        let s = column_scale(&x, &y, 2, &vec![1.0; y.len()], 4, 1.0);
        assert!(s[0] > 1.0 && s[2] > 1.0, "{s:?}");
        assert!((s[0] - s[2]).abs() < 1e-12, "the two classes alike: {s:?}");
        assert!(s[1] < 1e-12 && s[3] < 1e-12, "{s:?}");
        // a power of 0 scales nothing, and intercept columns are left alone
        let flat = column_scale(&x, &y, 2, &vec![1.0; y.len()], 4, 0.0);
        assert!(flat.iter().all(|&v| v == 1.0), "{flat:?}");
        let own = column_scale(&x, &y, 2, &vec![1.0; y.len()], 1, 1.0);
        assert_eq!(own[1..], [1.0, 1.0, 1.0]);
    }

    #[test]
    fn softmax_takes_each_class_against_the_rest() {
        let (x, y) = toy();
        // the same rows as three classes, class 2 never present: columns 0 and 2 still
        // separate classes 0 and 1, column 1 does not
        let s = column_scale(&x, &y, 3, &vec![1.0; y.len()], 4, 1.0);
        assert!(s[0] > 1.0 && s[2] > 1.0 && s[1] < 0.1, "{s:?}");
    }

    #[test]
    fn scaling_multiplies_each_entry_by_its_columns_scale() {
        let (x, _) = toy();
        let xs = scaled(&x, &[2.0, 0.0, 3.0, 1.0]);
        assert_eq!(xs.row(0).values, &[1.0, 0.0]);
        assert_eq!(xs.row(1).values, &[1.5, 0.0]);
        assert_eq!(xs.indices, x.indices);
    }
}
