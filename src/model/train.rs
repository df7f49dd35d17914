//! Training: labelled texts → vectorizer + one head per (target, label group) → [`Model`].

use super::augment::{with_copies, Augment};
use super::crossfit::calibrate_heads;
use super::data::{Labels, TrainingData};
use super::fit::{fit_heads, head_targets, target_groups};
use super::general::{self, own_targets};
use super::limits;
use super::meta::{trained_at, TrainingMeta};
use super::params::{TargetSharing, TrainParams};
use super::spec::{LabelSpec, Spec, TargetSpec};
use super::Model;
use crate::error::{Error, Result};
use crate::features::{Csr, FeatureConfig, Vectorizer, Vocab};
use crate::text::TextConfig;
use std::time::Instant;

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
    /// typo'd copies of every row trained on beside it (`augment.rs`; none by default)
    pub augment: Augment,
    /// a general model's own target heads read the comments plain, not marked
    /// ([`super::spec::TargetSpec::plain`]; `train --plain-own-heads`)
    pub plain_own_heads: bool,
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
pub(crate) fn class_spec(
    column: &str,
    values: &[String],
    positive: Option<&str>,
) -> Result<LabelSpec> {
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
    cfg.augment.check()?;
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
                let known = values.iter().filter(|r| r[l].is_some()).count();
                let pos = values.iter().filter(|r| r[l] == Some(true)).count();
                if known == 0 {
                    return Err(Error::Data(format!(
                        "label column '{c}' is empty in every row: no row is labelled for it"
                    )));
                }
                if pos == 0 || pos == known {
                    return Err(Error::Data(format!(
                        "label column '{c}' is {} in every labelled row; it needs both 0 and 1",
                        (pos > 0) as u8
                    )));
                }
            }
            LabelSpec::MultiLabel {
                columns: columns.clone(),
            }
        }
    };
    let general = cfg.params.targets == TargetSharing::General;
    let target = match &data.targets {
        Some((col, vals)) => {
            let values = match general {
                true => own_targets(vals),
                false => sorted_distinct(vals),
            };
            limits::check_targets(col, values.len())?;
            Some(TargetSpec {
                column: col.clone(),
                plain: match general && cfg.plain_own_heads {
                    true => values.clone(),
                    false => Vec::new(),
                },
                values,
                general,
            })
        }
        None if general => {
            return Err(Error::Param(
                "a general stance model (--targets general) needs a target column".into(),
            ))
        }
        None => None,
    };
    match (&cfg.params.sources, &data.sources, &target) {
        (Some(_), None, _) => {
            return Err(Error::Param(
                "fitting by source needs the rows' sources (a --sources column)".into(),
            ))
        }
        (Some(_), Some(_), Some(_)) => {
            return Err(Error::Param(
                "--sources is for models without a target column: a stance model's sets get \
                 joint fits of their own with --joint-by"
                    .into(),
            ))
        }
        (Some(fit), Some(_), None) => fit.check_heads(&labels)?,
        _ => {}
    }
    if let Some(nb) = &cfg.params.nb {
        nb.check_heads(&labels)?;
    }
    super::joint::check_part_c(&cfg.params.part_c, data.joint.as_ref())?;
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
    // with augmentation, what follows trains on the rows and their copies; the record keeps
    // the rows' own counts
    let original = data;
    let copied;
    let data = match cfg.augment.copies {
        0 => data,
        _ => {
            copied = with_copies(data, &cfg.augment);
            &copied
        }
    };
    // a general model reads each text with its target's mentions marked; with plain own
    // heads, the n-grams are those of every comment marked (the general head's reading,
    // fitted on every row), and the own heads read their rows plain through them
    let targets = data.targets.as_ref().map(|(_, v)| v.as_slice());
    let plain = spec.target.as_ref().is_some_and(|t| !t.plain.is_empty());
    // a spelling-correcting model learns its words from the rows as written, not their copies
    let (text, features, words) = (cfg.text.clone(), cfg.features.clone(), original.texts.len());
    let (vectorizer, x, pooled) = match (plain, targets) {
        (true, Some(t)) => {
            let marked = general::all_marked(&data.texts, t);
            let (v, pooled) = Vectorizer::fit_words(text, features, &marked, words)?;
            drop(marked);
            let x = general::with_plain_rows(&spec, &v, &pooled, &data.texts, t);
            (v, x, Some(pooled))
        }
        _ => {
            let texts = general::texts_for(&spec, &data.texts, targets);
            let (v, x) = Vectorizer::fit_words(text, features, &texts, words)?;
            (v, x, None)
        }
    };
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
    let (mut heads, convergence, matrix) =
        fit_heads(&spec, data, &x, pooled.as_ref(), &all, &cfg.params);
    if heads.iter().any(|h| !h.is_finite()) {
        return Err(Error::Data(format!(
            "the fit diverged: some weights are not finite numbers at C = {}; lower --c",
            cfg.params.c
        )));
    }
    lap(&mut times.fit);
    let mut warnings = small_data_warnings(&spec, data);
    if cfg.calibration_folds >= 2 {
        for (h, why) in calibrate_heads(&spec, data, &x, pooled.as_ref(), cfg, &mut heads) {
            warnings.push(format!("{} is not calibrated: {why}", head_name(&spec, h)));
        }
    }
    drop((x, pooled));
    lap(&mut times.calibrate);

    let class_counts = class_counts(&spec, &original.labels);
    let meta = TrainingMeta {
        gavel_version: env!("CARGO_PKG_VERSION").to_string(),
        data_file: data.source.0.clone(),
        data_sha256: data.source.1.clone(),
        rows: original.texts.len(),
        trained_at: trained_at(),
        params: cfg.params.clone(),
        class_counts,
        convergence,
        matrix,
        calibration_folds: cfg.calibration_folds,
        skipped_rows: data.skipped.len(),
        head_rows: head_rows(&original.labels),
        trainer: String::new(),
        augment: (cfg.augment.copies > 0).then_some(cfg.augment),
        adapted_from: None,
        joint_by: original.joint.as_ref().map(|(c, _)| c.clone()),
        sources: cfg
            .params
            .sources
            .as_ref()
            .and(original.sources.as_ref().map(|(c, _)| c.clone())),
    };
    let mut model = Model::new(vectorizer, spec, heads, meta)?;
    if cfg.vocab_columns > 0 {
        let cols = model.strongest_columns(cfg.vocab_columns);
        let targets = original.targets.as_ref().map(|(_, v)| v.as_slice());
        let texts = general::texts_for(&model.spec, &original.texts, targets);
        model.vocab = Vocab::build(&model.vectorizer, &texts, &cols);
    }
    lap(&mut times.vocab);
    Ok((model, TrainRun { times, warnings }))
}

/// Refuses a fit that cannot fit in memory (see [`limits::check_fit_memory`]).
fn check_memory(spec: &Spec, x: &Csr, params: &TrainParams) -> Result<()> {
    let per = spec.heads_per_target();
    let targets = spec.n_targets();
    let threads = rayon::current_num_threads();
    let (cols, parallel) =
        if spec.is_general() || (targets > 1 && params.targets == TargetSharing::Shared) {
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
        Some(ts) => match ts.values.get(t) {
            Some(v) => format!("head {h} ('{label}', target '{v}')"),
            None => format!("head {h} ('{label}', any other target)"),
        },
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
            let y = head_targets(spec, &data.labels, &data.labels.labelled(rows, g), g, link);
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

/// Per label column, the rows labelled for it; empty when every row is labelled for every
/// column (so that such models keep their bytes).
pub(super) fn head_rows(labels: &Labels) -> Vec<(String, usize)> {
    match labels {
        Labels::Multi { columns, values } if labels.masked() => columns
            .iter()
            .enumerate()
            .map(|(l, c)| (c.clone(), values.iter().filter(|r| r[l].is_some()).count()))
            .collect(),
        _ => Vec::new(),
    }
}

pub(super) fn class_counts(spec: &Spec, labels: &Labels) -> Vec<(String, usize)> {
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
            .map(|(l, c)| {
                (
                    c.clone(),
                    values.iter().filter(|r| r[l] == Some(true)).count(),
                )
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ScoreScratch;

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
        TrainingData::stance_rows(texts, stance, target)
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
