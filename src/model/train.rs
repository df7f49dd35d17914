//! Training: labelled texts → vectorizer + one head per (target, label group) → [`Model`].

use super::calibrate::NotCalibrated;
use super::head::{fit_head, Head};
use super::limits;
use super::meta::{build_time, rfc3339, MatrixSize, TrainingMeta};
use super::objective::Link;
use super::params::{TargetSharing, TrainParams};
use super::solver::Convergence;
use super::spec::{LabelSpec, Spec, TargetSpec};
use super::Model;
use crate::error::{Error, Result};
use crate::features::{Csr, FeatureConfig, Vectorizer, Vocab};
use crate::text::TextConfig;
use rayon::prelude::*;
use std::time::Instant;

/// The labels of the training rows.
#[derive(Clone, Debug)]
pub enum Labels {
    /// one class per row, from the column `column`
    Classes { column: String, values: Vec<String> },
    /// per row, one flag per column of `columns`
    Multi {
        columns: Vec<String>,
        values: Vec<Vec<bool>>,
    },
}

/// Everything training reads, already parsed and checked.
#[derive(Clone, Debug)]
pub struct TrainingData {
    pub text_column: String,
    pub texts: Vec<String>,
    /// the input line of each row, for messages
    pub lines: Vec<u64>,
    pub labels: Labels,
    /// per-row target values and the target column's name
    pub targets: Option<(String, Vec<String>)>,
    /// the data file as named and its SHA-256 (for the model's metadata)
    pub source: (String, String),
    /// the rows of the file left out as unusable (`--on-error skip`), each as its message
    pub skipped: Vec<String>,
}

/// All settings of a training run.
#[derive(Clone, Debug, Default)]
pub struct TrainConfig {
    pub text: TextConfig,
    pub features: FeatureConfig,
    pub params: TrainParams,
    /// the positive class of a two-class column; default: the second in sorted order
    pub positive: Option<String>,
    /// folds of the cross-fitting that calibrates each head (0 or 1: no calibration; the
    /// library's default is 0, `gavel train`'s is 3)
    pub calibration_folds: usize,
    /// columns named in the reverse n-gram dictionary, strongest weights first (0: none; the
    /// library's default is 0, `gavel train`'s 20,000)
    pub vocab_columns: usize,
}

/// Sorted distinct values; numeric order when every value is a number.
pub fn sorted_distinct(values: &[String]) -> Vec<String> {
    let mut v: Vec<String> = values.to_vec();
    v.sort();
    v.dedup();
    if v.iter().all(|s| s.trim().parse::<f64>().is_ok()) {
        v.sort_by(|a, b| {
            let (x, y) = (a.trim().parse::<f64>(), b.trim().parse::<f64>());
            x.unwrap_or(0.0).total_cmp(&y.unwrap_or(0.0)).then(a.cmp(b))
        });
    }
    v
}

/// Builds the label spec and the per-row class index for a class column.
fn class_spec(column: &str, values: &[String], positive: Option<&str>) -> Result<LabelSpec> {
    let classes = sorted_distinct(values);
    limits::check_classes(column, classes.len())?;
    if classes.len() < 2 {
        return Err(Error::Data(format!(
            "label column '{column}' has {} distinct value(s) ({}); at least 2 are needed",
            classes.len(),
            crate::error::excerpt(&classes.join(", "), 60)
        )));
    }
    let positive = match (classes.len(), positive) {
        (2, Some(p)) if classes.iter().any(|c| c == p) => Some(p.to_string()),
        (2, Some(p)) => {
            return Err(Error::Param(format!(
                "positive class '{}' is not one of {}",
                crate::error::excerpt(p, 60),
                classes.join(", ")
            )))
        }
        (2, None) => Some(classes[1].clone()),
        (_, Some(_)) => {
            return Err(Error::Param(format!(
                "--positive applies to two-class columns; '{column}' has {}",
                classes.len()
            )))
        }
        _ => None,
    };
    Ok(LabelSpec::Classes {
        column: column.to_string(),
        classes,
        positive,
    })
}

/// Wall seconds of each stage of one training run (for `gavel train -v`; never stored in
/// the model, whose bytes must not depend on timing).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StageTimes {
    /// text → TF-IDF matrix, including learning the kept columns and IDF
    pub vectorize: f64,
    /// the heads' solver runs on every row
    pub fit: f64,
    /// the calibration folds' fits
    pub calibrate: f64,
    /// the reverse n-gram dictionary
    pub vocab: f64,
}

/// What a training run reports besides the model: how long each stage took, and what a user
/// should know about the result (heads on very few rows, heads left uncalibrated and why).
#[derive(Clone, Debug, Default)]
pub struct TrainRun {
    pub times: StageTimes,
    pub warnings: Vec<String>,
}

/// Trains a model. Deterministic: the same data and config give the same weights.
pub fn train(data: &TrainingData, cfg: &TrainConfig) -> Result<Model> {
    train_timed(data, cfg).map(|(m, _)| m)
}

/// [`train`], also returning the stage times and warnings.
pub fn train_timed(data: &TrainingData, cfg: &TrainConfig) -> Result<(Model, TrainRun)> {
    cfg.params.check()?;
    cfg.text.check()?;
    cfg.features.check()?;
    if data.texts.is_empty() {
        return Err(Error::Data("no training rows".into()));
    }
    if cfg.calibration_folds > data.texts.len() {
        return Err(Error::Param(format!(
            "{} calibration folds for {} rows: every fold needs a row; use fewer folds or 0",
            cfg.calibration_folds,
            data.texts.len()
        )));
    }
    let labels = match &data.labels {
        Labels::Classes { column, values } => class_spec(column, values, cfg.positive.as_deref())?,
        Labels::Multi { columns, values } => {
            for (l, c) in columns.iter().enumerate() {
                let pos = values.iter().filter(|r| r[l]).count();
                if pos == 0 || pos == values.len() {
                    return Err(Error::Data(format!(
                        "label column '{c}' is {} in every row; it needs both 0 and 1",
                        (pos > 0) as u8
                    )));
                }
            }
            LabelSpec::MultiLabel {
                columns: columns.clone(),
            }
        }
    };
    let target = match &data.targets {
        Some((col, vals)) => {
            let values = sorted_distinct(vals);
            limits::check_targets(col, values.len())?;
            Some(TargetSpec {
                column: col.clone(),
                values,
            })
        }
        None => None,
    };
    let spec = Spec {
        text_column: data.text_column.clone(),
        labels,
        target,
    };

    let mut times = StageTimes::default();
    let mut clock = Instant::now();
    let mut lap = |t: &mut f64| {
        *t = clock.elapsed().as_secs_f64();
        clock = Instant::now();
    };
    let (vectorizer, x) = Vectorizer::fit(cfg.text.clone(), cfg.features.clone(), &data.texts)?;
    if vectorizer.n_features() == 0 {
        return Err(Error::Param(format!(
            "no n-gram occurs in {} or more of the {} rows, so there is nothing to learn from; \
             lower --min-df",
            cfg.features.min_df,
            data.texts.len()
        )));
    }
    lap(&mut times.vectorize);
    check_memory(&spec, &x, &cfg.params)?;

    let all: Vec<usize> = (0..data.texts.len()).collect();
    let (mut heads, convergence, matrix) = fit_heads(&spec, data, &x, &all, &cfg.params);
    if heads.iter().any(|h| !h.is_finite()) {
        return Err(Error::Data(format!(
            "the fit diverged: some weights are not finite numbers at C = {}; lower --c",
            cfg.params.c
        )));
    }
    lap(&mut times.fit);
    let mut warnings = small_data_warnings(&spec, data);
    if cfg.calibration_folds >= 2 {
        for (h, why) in calibrate_heads(&spec, data, &x, cfg, &mut heads) {
            warnings.push(format!("{} is not calibrated: {why}", head_name(&spec, h)));
        }
    }
    drop(x);
    lap(&mut times.calibrate);

    let class_counts = class_counts(&spec, &data.labels);
    let meta = TrainingMeta {
        gavel_version: env!("CARGO_PKG_VERSION").to_string(),
        data_file: data.source.0.clone(),
        data_sha256: data.source.1.clone(),
        rows: data.texts.len(),
        trained_at: rfc3339(build_time()),
        params: cfg.params,
        class_counts,
        convergence,
        matrix,
        calibration_folds: cfg.calibration_folds,
        skipped_rows: data.skipped.len(),
    };
    let mut model = Model::new(vectorizer, spec, heads, meta)?;
    if cfg.vocab_columns > 0 {
        let cols = model.strongest_columns(cfg.vocab_columns);
        model.vocab = Vocab::build(&model.vectorizer, &data.texts, &cols);
    }
    lap(&mut times.vocab);
    Ok((model, TrainRun { times, warnings }))
}

/// Refuses a fit that cannot fit in memory (see [`limits::check_fit_memory`]).
fn check_memory(spec: &Spec, x: &Csr, params: &TrainParams) -> Result<()> {
    let per = spec.heads_per_target();
    let targets = spec.n_targets();
    let threads = rayon::current_num_threads();
    let (cols, parallel) = if targets > 1 && params.targets == TargetSharing::Shared {
        // the augmented matrix has a shared copy and at most one own copy per feature
        (x.n_cols * 2, per.min(threads))
    } else {
        (x.n_cols, (per * targets).min(threads))
    };
    limits::check_fit_memory(x.n_rows(), cols, spec.link().k(), parallel)
}

/// How messages name head `h`: its label column (multi-label) and target.
fn head_name(spec: &Spec, h: usize) -> String {
    let per = spec.heads_per_target();
    let (t, g) = (h / per, h % per);
    let label = match &spec.labels {
        LabelSpec::Classes { column, .. } => column,
        LabelSpec::MultiLabel { columns } => &columns[g],
    };
    match &spec.target {
        Some(ts) => format!("head {h} ('{label}', target '{}')", ts.values[t]),
        None => format!("head {h} ('{label}')"),
    }
}

/// One warning per head with a class of fewer than [`limits::MIN_CLASS_ROWS`] training rows.
fn small_data_warnings(spec: &Spec, data: &TrainingData) -> Vec<String> {
    let all: Vec<usize> = (0..data.texts.len()).collect();
    let groups = target_groups(spec, data, &all);
    let link = spec.link();
    let names: Vec<String> = match &spec.labels {
        LabelSpec::Classes {
            classes, positive, ..
        } => match positive {
            Some(p) => vec![
                classes
                    .iter()
                    .find(|c| *c != p)
                    .cloned()
                    .unwrap_or_default(),
                p.clone(),
            ],
            None => classes.clone(),
        },
        LabelSpec::MultiLabel { .. } => vec!["0".into(), "1".into()],
    };
    let mut out = Vec::new();
    for (t, rows) in groups.iter().enumerate() {
        for g in 0..spec.heads_per_target() {
            let y = head_targets(spec, &data.labels, rows, g, link);
            let mut counts = vec![0usize; names.len()];
            for c in y {
                counts[c as usize] += 1;
            }
            if let Some(w) = limits::small_data(
                &head_name(spec, t * spec.heads_per_target() + g),
                &names,
                &counts,
            ) {
                out.push(w);
            }
        }
    }
    out
}

/// One head per (target, label group), in model order, fitted on the rows `rows` of `data`,
/// whose matrix is `x` (row `l` of `x` is row `rows[l]` of `data`). Also returns the size of
/// the matrix the solver read.
fn fit_heads(
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
fn target_groups(spec: &Spec, data: &TrainingData, rows: &[usize]) -> Vec<Vec<usize>> {
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

/// Seed of the calibration folds (fixed: the same data gives the same model bytes).
const CALIBRATION_SEED: u64 = 0x0067_6176_656c;

/// Cross-fitting: splits the rows into `cfg.calibration_folds` stratified folds, fits the
/// heads on all folds but one and takes the raw logits of the held-out fold, then fits each
/// head's calibration on its out-of-fold logits. The heads' weights are those of the fit on
/// every row; only their calibration comes from the folds.
fn calibrate_heads(
    spec: &Spec,
    data: &TrainingData,
    x: &Csr,
    cfg: &TrainConfig,
    heads: &mut [Head],
) -> Vec<(usize, NotCalibrated)> {
    let n = data.texts.len();
    let folds = crate::split::k_fold(&data.strata(), cfg.calibration_folds, CALIBRATION_SEED);
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
        let (fh, _, _) = fit_heads(spec, data, &x.select(&tr), &tr, &cfg.params);
        let mut zi = vec![0.0; k];
        for i in (0..n).filter(|&i| folds[i] == f) {
            let r = x.row(i);
            for (g, yg) in y.iter().enumerate() {
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

/// The target group of every row.
fn row_targets(groups: &[Vec<usize>], n_rows: usize) -> Vec<usize> {
    let mut t = vec![0; n_rows];
    for (g, rows) in groups.iter().enumerate() {
        for &i in rows {
            t[i] = g;
        }
    }
    t
}

/// Scale of the shared copy in joint target training. Chosen by repeated 5-fold CV on the
/// SemEval-2016 training split (README, "Design"): F_avg was flat from 0.35 to 0.7 and 0.01
/// above separate heads; 1.0 and a per-target intercept were both worse.
const SHARED_SCALE: f32 = 0.5;

/// Marks a feature that never occurs under a target (its own copy would stay 0).
const UNUSED: u32 = u32::MAX;

/// The feature-augmented matrix of joint target training: row `i` of target `t` holds its
/// features twice, scaled by [`SHARED_SCALE`] at column `j` (shared by all targets) and as they
/// are at `own[t][j]` (its target's own copy). Own copies exist only for the features that occur
/// under that target, which keeps the solver's vectors short.
fn augment(x: &Csr, target_of: &[usize], n_targets: usize) -> (Csr, Vec<Vec<u32>>) {
    let n = x.n_cols;
    let mut own = vec![vec![UNUSED; n]; n_targets];
    for (i, &t) in target_of.iter().enumerate() {
        for &j in x.row(i).indices {
            own[t][j as usize] = 0;
        }
    }
    let mut next = n as u32;
    for col in own.iter_mut().flatten().filter(|c| **c != UNUSED) {
        *col = next;
        next += 1;
    }
    let mut out = Csr::new(next as usize);
    let (mut idx, mut val) = (Vec::new(), Vec::new());
    for (i, &t) in target_of.iter().enumerate() {
        let r = x.row(i);
        idx.clear();
        val.clear();
        idx.extend_from_slice(r.indices);
        val.extend(r.values.iter().map(|v| v * SHARED_SCALE));
        idx.extend(r.indices.iter().map(|&j| own[t][j as usize]));
        val.extend_from_slice(r.values);
        out.push_row(&idx, &val);
    }
    (out, own)
}

/// Target `t`'s head from a joint fit on [`augment`]ed features: the scaled shared weights
/// plus the target's own. Its scores equal the joint model's on target `t`'s rows.
fn fold(joint: &Head, own: &[u32]) -> Head {
    let (k, n) = (joint.k(), own.len());
    let mut weights: Vec<f32> = joint.weights[..n * k]
        .iter()
        .map(|s| s * SHARED_SCALE)
        .collect();
    for (j, &c) in own.iter().enumerate().filter(|(_, &c)| c != UNUSED) {
        let c = c as usize;
        for (w, o) in weights[j * k..j * k + k]
            .iter_mut()
            .zip(&joint.weights[c * k..c * k + k])
        {
            *w += o;
        }
    }
    Head {
        link: joint.link,
        n_features: n,
        weights,
        bias: joint.bias.clone(),
        calibration: None,
    }
}

/// The 0/1 or class-index target of head `g` for the given rows.
fn head_targets(spec: &Spec, labels: &Labels, rows: &[usize], g: usize, link: Link) -> Vec<u32> {
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

fn class_counts(spec: &Spec, labels: &Labels) -> Vec<(String, usize)> {
    match (&spec.labels, labels) {
        (LabelSpec::Classes { classes, .. }, Labels::Classes { values, .. }) => {
            let mut n: std::collections::HashMap<&str, usize> = Default::default();
            for v in values {
                *n.entry(v.as_str()).or_default() += 1;
            }
            classes
                .iter()
                .map(|c| (c.clone(), n.get(c.as_str()).copied().unwrap_or(0)))
                .collect()
        }
        (_, Labels::Multi { columns, values }) => columns
            .iter()
            .enumerate()
            .map(|(l, c)| (c.clone(), values.iter().filter(|r| r[l]).count()))
            .collect(),
        _ => Vec::new(),
    }
}

impl TrainingData {
    /// The rows `rows`, in that order.
    pub fn subset(&self, rows: &[usize]) -> TrainingData {
        let pick = |v: &Vec<String>| rows.iter().map(|&i| v[i].clone()).collect::<Vec<_>>();
        TrainingData {
            text_column: self.text_column.clone(),
            texts: pick(&self.texts),
            lines: rows.iter().map(|&i| self.lines[i]).collect(),
            labels: match &self.labels {
                Labels::Classes { column, values } => Labels::Classes {
                    column: column.clone(),
                    values: pick(values),
                },
                Labels::Multi { columns, values } => Labels::Multi {
                    columns: columns.clone(),
                    values: rows.iter().map(|&i| values[i].clone()).collect(),
                },
            },
            targets: self.targets.as_ref().map(|(c, v)| (c.clone(), pick(v))),
            source: self.source.clone(),
            skipped: Vec::new(),
        }
    }

    /// A stratum key per row: the label(s) and, for per-target data, the target.
    pub fn strata(&self) -> Vec<String> {
        (0..self.texts.len())
            .map(|i| {
                let mut k = match &self.labels {
                    Labels::Classes { values, .. } => values[i].clone(),
                    Labels::Multi { values, .. } => values[i]
                        .iter()
                        .map(|&b| if b { '1' } else { '0' })
                        .collect(),
                };
                if let Some((_, t)) = &self.targets {
                    k.push('\u{1f}');
                    k.push_str(&t[i]);
                }
                k
            })
            .collect()
    }
}

/// A labelled toy set for unit tests: `pairs` insults ("you stupid idiot i", class "1") and
/// as many polite rows ("thank you for the report i", "0"), interleaved.
#[cfg(test)]
pub(crate) fn toy_insults(pairs: usize) -> TrainingData {
    let mut texts = vec![];
    let mut y = vec![];
    for i in 0..pairs {
        texts.push(format!("you stupid idiot {i}"));
        y.push("1".to_string());
        texts.push(format!("thank you for the report {i}"));
        y.push("0".to_string());
    }
    TrainingData {
        lines: (2..2 + texts.len() as u64).collect(),
        texts,
        labels: Labels::Classes {
            column: "insult".into(),
            values: y,
        },
        targets: None,
        text_column: "text".into(),
        source: ("toy".into(), String::new()),
        skipped: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ScoreScratch;

    #[test]
    fn folded_heads_score_like_the_joint_model() {
        let mut x = Csr::new(4);
        x.push_row(&[0, 2], &[0.6, 0.8]);
        x.push_row(&[1, 3], &[1.0, 0.5]);
        x.push_row(&[0, 1, 3], &[0.3, 0.4, 0.5]);
        let target_of = [0, 1, 1];
        let (xa, own) = augment(&x, &target_of, 2);
        assert_eq!(
            xa.n_cols,
            4 + 2 + 3,
            "own copies only for features seen under a target"
        );
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
            fold(&joint, &own[t]).probs_into(r.indices, r.values, &mut p);
            for k in 0..3 {
                assert!((pa[k] - p[k]).abs() < 1e-6, "row {i}: {pa:?} vs {p:?}");
            }
        }
    }

    /// Rows for two targets where the cue words only ever occur under target "a".
    fn two_targets() -> TrainingData {
        let mut texts = vec![];
        let mut stance = vec![];
        let mut target = vec![];
        for i in 0..40 {
            let (t, s) = if i % 2 == 0 {
                ("wonderful brilliant idea", "FAVOR")
            } else {
                ("awful terrible idea", "AGAINST")
            };
            texts.push(format!("{t} number {i}"));
            stance.push(s.to_string());
            target.push("a".to_string());
        }
        for (i, s) in ["FAVOR", "AGAINST", "FAVOR", "AGAINST"].iter().enumerate() {
            texts.push(format!("plain words here {i}"));
            stance.push(s.to_string());
            target.push("b".to_string());
        }
        TrainingData {
            text_column: "text".into(),
            lines: (2..2 + texts.len() as u64).collect(),
            texts,
            labels: Labels::Classes {
                column: "stance".into(),
                values: stance,
            },
            targets: Some(("target".into(), target)),
            source: ("mem".into(), String::new()),
            skipped: Vec::new(),
        }
    }

    fn favor(m: &Model, text: &str, target: &str) -> f64 {
        let t = m.target_index(Some(target)).unwrap();
        let mut out = vec![0.0; m.n_outputs()];
        m.score_into(text, t, &mut ScoreScratch::default(), &mut out);
        out[0] // two classes: P(FAVOR), the second in sorted order
    }

    #[test]
    fn shared_targets_carry_cues_learned_under_other_targets() {
        let data = two_targets();
        let mut cfg = TrainConfig::default();
        let shared = train(&data, &cfg).unwrap();
        assert!(
            favor(&shared, "wonderful brilliant", "b")
                > favor(&shared, "awful terrible", "b") + 0.2
        );
        cfg.params.targets = TargetSharing::Separate;
        let separate = train(&data, &cfg).unwrap();
        let gap =
            favor(&separate, "wonderful brilliant", "b") - favor(&separate, "awful terrible", "b");
        assert!(
            gap.abs() < 0.05,
            "separate heads saw no cue words under 'b': {gap}"
        );
    }
    #[test]
    fn any_target_head_is_the_mean_of_the_calibrated_target_heads() {
        let cfg = TrainConfig {
            calibration_folds: 3,
            ..TrainConfig::default()
        };
        let m = train(&two_targets(), &cfg).unwrap();
        // without the group an unknown target is refused, with it it maps past the known ones
        assert!(m.target_index(Some("c")).is_err());
        let any = m.with_any_target();
        assert_eq!(any.target_index(Some("c")), Ok(2));
        assert_eq!(any.target_index(None), Ok(2));
        assert_eq!(
            any.target_index(Some("b")),
            Ok(1),
            "known targets keep their heads"
        );
        // its probability is the sigmoid of the mean calibrated logit of the two targets
        let text = "wonderful brilliant idea";
        let logit = |p: f64| (p / (1.0 - p)).ln();
        let want = (logit(favor(&any, text, "a")) + logit(favor(&any, text, "b"))) / 2.0;
        let got = logit(favor(&any, text, "c"));
        assert!((got - want).abs() < 1e-4, "{got} vs {want}");
        assert!(favor(&any, text, "c") > favor(&any, "awful terrible idea", "c"));
    }
}

#[cfg(test)]
mod scoring_tests {
    use super::*;
    use crate::features::VecScratch;
    use crate::model::ScoreScratch;

    /// The scoring path (dot products taken while the features are visited) gives the
    /// probabilities of the vectorized row, for one sigmoid head and for softmax heads.
    #[test]
    fn fused_scoring_matches_the_vectorized_row() {
        let words = [
            "idiot", "lovely", "shut", "up", "great", "day", "awful", "#proud",
        ];
        let texts: Vec<String> = (0..60)
            .map(|i| {
                format!(
                    "{} {} {} you {i}",
                    words[i % 8],
                    words[(i * 3) % 8],
                    words[(i * 5) % 8]
                )
            })
            .collect();
        for classes in [2, 3] {
            let values = (0..60).map(|i| format!("c{}", i % classes)).collect();
            let data = TrainingData {
                text_column: "text".into(),
                lines: (2..62).collect(),
                texts: texts.clone(),
                labels: Labels::Classes {
                    column: "label".into(),
                    values,
                },
                targets: None,
                source: ("mem".into(), String::new()),
                skipped: Vec::new(),
            };
            let m = train(&data, &TrainConfig::default()).unwrap();
            let (mut idx, mut val) = (vec![], vec![]);
            for t in ["you idiot, shut up", "lovely great day #proud", "qqq"] {
                let mut fused = vec![0.0; m.n_outputs()];
                m.score_into(t, 0, &mut ScoreScratch::default(), &mut fused);
                m.vectorizer
                    .transform_into(t, &mut VecScratch::default(), &mut idx, &mut val);
                let mut row = vec![0.0; m.n_outputs()];
                m.score_row(&idx, &val, 0, &mut row);
                for (a, b) in fused.iter().zip(&row) {
                    assert!((a - b).abs() < 1e-6, "{classes} classes, {t}: {a} vs {b}");
                }
            }
        }
    }
}
