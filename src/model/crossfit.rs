//! Calibration by cross-fitting: out-of-fold logits from heads fitted on the other folds,
//! then each head's calibration fitted on them.

use super::calibrate::NotCalibrated;
use super::data::TrainingData;
use super::fit::{fit_heads, head_targets, row_targets, target_groups};
use super::head::Head;
use super::spec::Spec;
use super::train::TrainConfig;
use crate::features::Csr;

/// Seed of the calibration folds (fixed: the same data gives the same model bytes).
const CALIBRATION_SEED: u64 = 0x0067_6176_656c;

/// Cross-fitting: splits the rows into `cfg.calibration_folds` stratified folds, fits the
/// heads on all folds but one and takes the raw logits of the held-out fold, then fits each
/// head's calibration on its out-of-fold logits. The heads' weights are those of the fit on
/// every row; only their calibration comes from the folds. `pooled`: a general model's
/// matrix of its general head, when that differs from `x` ([`fit_heads`]).
pub(super) fn calibrate_heads(
    spec: &Spec,
    data: &TrainingData,
    x: &Csr,
    pooled: Option<&Csr>,
    cfg: &TrainConfig,
    heads: &mut [Head],
) -> Vec<(usize, NotCalibrated)> {
    let n = data.texts.len();
    // a row's typo'd copies (rows i + n₀, i + 2n₀, … after the n₀ rows) share its fold, so
    // that no held-out row has a near-twin in the fit that scores it
    let n0 = n / (1 + cfg.augment.copies);
    let strata = data.strata();
    let base = crate::split::k_fold(&strata[..n0], cfg.calibration_folds, CALIBRATION_SEED);
    let folds: Vec<usize> = (0..n).map(|i| base[i % n0]).collect();
    let per = spec.heads_per_target();
    let link = spec.link();
    let k = link.k();
    let all: Vec<usize> = (0..n).collect();
    let y: Vec<Vec<u32>> = (0..per)
        .map(|g| head_targets(spec, &data.labels, &all, g, link))
        .collect();
    let target_of = row_targets(&target_groups(spec, data, &all), n);
    // per head: out-of-fold logits (K per row) and classes
    let mut z: Vec<Vec<f64>> = vec![Vec::new(); heads.len()];
    let mut yh: Vec<Vec<u32>> = vec![Vec::new(); heads.len()];
    for f in 0..cfg.calibration_folds {
        let tr: Vec<usize> = (0..n).filter(|&i| folds[i] != f).collect();
        let pooled_tr = pooled.map(|p| p.select(&tr));
        let (fh, _, _) = fit_heads(
            spec,
            data,
            &x.select(&tr),
            pooled_tr.as_ref(),
            &tr,
            &cfg.params,
        );
        let mut zi = vec![0.0; k];
        for i in (0..n).filter(|&i| folds[i] == f) {
            let r = x.row(i);
            for (g, yg) in y.iter().enumerate() {
                // a row without this head's label takes no part in its calibration
                if !data.labels.known(i, g) {
                    continue;
                }
                let h = target_of[i] * per + g;
                fh[h].logits_into(r.indices, r.values, &mut zi);
                z[h].extend_from_slice(&zi);
                yh[h].push(yg[i]);
            }
        }
    }
    let mut skipped = Vec::new();
    for (h, head) in heads.iter_mut().enumerate() {
        match super::calibrate::fit(link, &z[h], &yh[h]) {
            Ok(c) => head.calibration = Some(c),
            Err(why) => skipped.push((h, why)),
        }
    }
    skipped
}
