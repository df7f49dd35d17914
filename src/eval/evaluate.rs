//! Scores a labelled set with a model and computes every metric per head, pooled and per
//! target.

use super::curves::{head_curves, head_reliability, Curves, Reliability};
use super::metrics::*;
use crate::error::{Error, Result};
use crate::explain::{explain, HeadExplanation};
use crate::model::{LabelSpec, Labels, Model, TrainingData};
use crate::numeric::argmax;
use rayon::prelude::*;
use serde::Serialize;

/// Metrics of one head (a class column, or one multi-label column).
#[derive(Clone, Debug, Serialize)]
pub struct HeadReport {
    /// the label column
    pub name: String,
    /// "binary" or "multiclass"
    pub kind: String,
    pub classes: Vec<String>,
    /// the positive class of a binary head (the thresholds' class)
    pub positive: Option<String>,
    pub rows: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub weighted_f1: f64,
    /// binary: of the positive class; multiclass: mean one-vs-rest
    pub roc_auc: Option<f64>,
    pub pr_auc: Option<f64>,
    pub log_loss: f64,
    /// mean squared error of the probability vector
    pub brier: f64,
    /// SemEval-2016's F_avg = (F1(FAVOR) + F1(AGAINST)) / 2, when those classes exist
    pub f_avg: Option<f64>,
    pub per_class: Vec<ClassScores>,
    /// `confusion[true][predicted]`, in `classes` order
    pub confusion: Vec<Vec<usize>>,
    /// binary heads: precision/recall by threshold of the positive class
    pub thresholds: Vec<ThresholdRow>,
    pub precision_targets: Vec<PrecisionTarget>,
    /// per target value (per-target models only)
    pub by_target: Vec<TargetSummary>,
    /// ROC, precision–recall, reliability and histogram data
    pub curves: Curves,
    /// the same scores before calibration, for a calibrated model
    pub calibration: Option<CalibrationCheck>,
    /// the worst errors with the n-grams that drove them (empty for cross-validation folds)
    pub errors: Vec<ErrorCase>,
}

impl HeadReport {
    /// The headline metrics, by name, as the JSON and cross-validation use them.
    pub fn headline(&self) -> Vec<(&'static str, Option<f64>)> {
        vec![
            ("accuracy", Some(self.accuracy)),
            ("macro_f1", Some(self.macro_f1)),
            ("weighted_f1", Some(self.weighted_f1)),
            ("roc_auc", self.roc_auc),
            ("pr_auc", self.pr_auc),
            ("log_loss", Some(self.log_loss)),
            ("brier", Some(self.brier)),
            ("f_avg", self.f_avg),
        ]
    }
}

/// How well the scores were calibrated before the model's calibration (after it:
/// `curves.reliability`, `log_loss`, `brier`).
#[derive(Clone, Debug, Serialize)]
pub struct CalibrationCheck {
    pub before: Reliability,
    pub log_loss_before: f64,
    pub brier_before: f64,
}

/// A misclassified row, with what pushed the model there.
#[derive(Clone, Debug, Serialize)]
pub struct ErrorCase {
    /// "false positive", "false negative" (binary heads) or "confident error" (multiclass)
    pub kind: String,
    /// the row's line in the data file
    pub line: u64,
    pub text: String,
    pub truth: String,
    pub predicted: String,
    /// binary: P(positive class); multiclass: the probability of the predicted class
    pub score: f64,
    /// strongest n-gram columns towards the wrong answer: `(n-grams, contribution to the logit)`
    pub drivers: Vec<(String, f64)>,
}

/// Rows per error kind in a report.
pub const ERRORS_SHOWN: usize = 10;
/// Drivers per error.
pub const DRIVERS_SHOWN: usize = 5;
/// Longest text kept in an error case, in chars.
const ERROR_TEXT_CHARS: usize = 600;

/// The headline figures of one target's rows.
#[derive(Clone, Debug, Serialize)]
pub struct TargetSummary {
    pub target: String,
    pub rows: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub f_avg: Option<f64>,
}

/// A whole evaluation.
#[derive(Clone, Debug, Serialize)]
pub struct EvalReport {
    /// [`SCHEMA`]: the name and version of this JSON layout (README, "Report JSON")
    pub schema: &'static str,
    pub data_file: String,
    pub rows: usize,
    pub heads: Vec<HeadReport>,
}

/// The head group of every row (see [`Model::target_index`]).
pub fn row_targets(model: &Model, data: &TrainingData) -> Result<Vec<usize>> {
    match &data.targets {
        Some((col, vals)) => vals
            .iter()
            .enumerate()
            .map(|(i, v)| {
                model
                    .target_index(Some(v))
                    .map_err(|m| Error::input(&data.source.0, data.lines[i], Some(col), m))
            })
            .collect(),
        None => {
            model
                .target_index(None)
                .map_err(|m| Error::Data(format!("{}: {m}", data.source.0)))?;
            Ok(vec![0; data.texts.len()])
        }
    }
}

/// A model's outputs on the rows of a labelled set, in row order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Predicted {
    /// rows × outputs: the probabilities the model writes (calibrated when its heads are)
    pub probs: Vec<Vec<f64>>,
    /// rows × outputs: the same before calibration
    pub raw: Vec<Vec<f64>>,
    /// rows × heads of the row's group: each one-output head's decision threshold
    /// ([`crate::model::Head::threshold`])
    pub cuts: Vec<Vec<f64>>,
    /// whether some head was calibrated
    pub calibrated: bool,
}

impl Predicted {
    /// Room for `n` rows, to be filled by [`Predicted::put`].
    pub fn with_rows(n: usize) -> Predicted {
        Predicted {
            probs: vec![vec![]; n],
            raw: vec![vec![]; n],
            cuts: vec![vec![]; n],
            calibrated: false,
        }
    }

    /// Puts row `j` of `part` at row `rows[j]` (pooling cross-validation folds).
    pub fn put(&mut self, rows: &[usize], part: Predicted) {
        self.calibrated |= part.calibrated;
        let parts = part.probs.into_iter().zip(part.raw).zip(part.cuts);
        for (&i, ((p, r), c)) in rows.iter().zip(parts) {
            (self.probs[i], self.raw[i], self.cuts[i]) = (p, r, c);
        }
    }
}

/// Outputs of every row, in row order.
pub fn predict(model: &Model, data: &TrainingData) -> Result<Predicted> {
    Ok(predict_for(model, data, &row_targets(model, data)?))
}

/// [`predict`] with the rows' head groups already known (from [`row_targets`]).
pub fn predict_for(model: &Model, data: &TrainingData, targets: &[usize]) -> Predicted {
    let x = model.vectorizer.transform_batch(&data.texts);
    let per = model.spec.heads_per_target();
    let k = model.spec.link().k();
    let rows: Vec<(Vec<f64>, Vec<f64>, Vec<f64>)> = (0..x.n_rows())
        .into_par_iter()
        .map(|i| {
            let r = x.row(i);
            let (mut p, mut raw, mut cut) = (vec![0.0; per * k], vec![0.0; per * k], vec![]);
            let mut z = vec![0.0; k];
            for g in 0..per {
                let h = &model.heads[targets[i] * per + g];
                h.logits_into(r.indices, r.values, &mut z);
                h.link_into(&z, &mut p[g * k..g * k + k]);
                h.raw_link_into(&z, &mut raw[g * k..g * k + k]);
                cut.push(h.threshold());
            }
            (p, raw, cut)
        })
        .collect();
    let mut out = Predicted {
        calibrated: model.heads.iter().any(|h| h.calibration.is_some()),
        ..Predicted::default()
    };
    for (p, r, c) in rows {
        out.probs.push(p);
        out.raw.push(r);
        out.cuts.push(c);
    }
    out
}

/// One head's true classes and per-class probabilities, before any metric.
#[derive(Clone, Debug)]
pub struct HeadScores {
    pub name: String,
    pub classes: Vec<String>,
    pub truth: Vec<usize>,
    /// `probs[row][class]`
    pub probs: Vec<Vec<f64>>,
    /// the same before calibration, when the model is calibrated
    pub raw: Option<Vec<Vec<f64>>>,
    /// per row, the decision threshold of P(positive) (binary heads; 0.5 uncalibrated)
    pub cut: Vec<f64>,
    /// the positive class of a binary head
    pub positive: Option<usize>,
    /// this head's place in an explanation (see [`crate::explain::explain`])
    pub explained: usize,
}

/// Splits model outputs (from [`predict`]) into per-head class probabilities and checks
/// every true label against the model's classes.
pub fn head_scores(
    spec: &crate::model::Spec,
    data: &TrainingData,
    pred: &Predicted,
) -> Result<Vec<HeadScores>> {
    let raw = |v: Vec<Vec<f64>>| pred.calibrated.then_some(v);
    let cut = |g: usize| pred.cuts.iter().map(|c| c[g]).collect::<Vec<f64>>();
    match (&spec.labels, &data.labels) {
        (
            LabelSpec::Classes {
                column,
                classes,
                positive,
            },
            Labels::Classes { values, .. },
        ) => {
            let truth: Vec<usize> = values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    classes.iter().position(|c| c == v).ok_or_else(|| {
                        Error::input(
                            &data.source.0,
                            data.lines[i],
                            Some(column),
                            format!(
                                "unknown label '{}' (the model knows: {})",
                                crate::error::excerpt(v, 60),
                                classes.join(", ")
                            ),
                        )
                    })
                })
                .collect::<Result<_>>()?;
            let pos_index = positive
                .as_ref()
                .and_then(|p| classes.iter().position(|c| c == p));
            // probability of each class per row
            let class_probs = |probs: &[Vec<f64>]| -> Vec<Vec<f64>> {
                match pos_index {
                    Some(pi) => probs
                        .iter()
                        .map(|p| {
                            let mut v = vec![1.0 - p[0]; 2];
                            v[pi] = p[0];
                            v
                        })
                        .collect(),
                    None => probs.to_vec(),
                }
            };
            Ok(vec![HeadScores {
                name: column.clone(),
                classes: classes.clone(),
                truth,
                probs: class_probs(&pred.probs),
                raw: raw(class_probs(&pred.raw)),
                cut: cut(0),
                positive: pos_index,
                explained: 0,
            }])
        }
        (LabelSpec::MultiLabel { columns }, Labels::Multi { values, .. }) => Ok(columns
            .iter()
            .enumerate()
            .map(|(l, c)| HeadScores {
                name: c.clone(),
                classes: vec!["0".into(), "1".into()],
                truth: values.iter().map(|r| r[l] as usize).collect(),
                probs: pred.probs.iter().map(|p| vec![1.0 - p[l], p[l]]).collect(),
                raw: raw(pred.raw.iter().map(|p| vec![1.0 - p[l], p[l]]).collect()),
                cut: cut(l),
                positive: Some(1),
                explained: l,
            })
            .collect()),
        _ => Err(Error::Data(
            "the data's label columns do not match the model's".into(),
        )),
    }
}

/// For a model whose first head has one output (no per-target heads): every row's
/// probability of the positive class, whether the row is positive, and the output's name.
pub fn binary_scores(model: &Model, data: &TrainingData) -> Result<(Vec<f64>, Vec<bool>, String)> {
    if model.spec.link().k() != 1 || model.spec.target.is_some() {
        return Err(Error::Data(
            "this needs a model with one-output (binary) heads and no per-target heads".into(),
        ));
    }
    let pred = predict_for(model, data, &vec![0; data.texts.len()]);
    let heads = head_scores(&model.spec, data, &pred)?;
    let h = &heads[0];
    let pi = h.positive.unwrap_or(1);
    Ok((
        h.probs.iter().map(|p| p[pi]).collect(),
        h.truth.iter().map(|&y| y == pi).collect(),
        model.output_names()[h.explained].clone(),
    ))
}

/// Explains row `i` of the evaluated data, for the error cases.
pub type Explainer<'a> = &'a (dyn Fn(usize) -> Vec<HeadExplanation> + Sync);

/// Evaluates `model` on labelled `data` (its label columns must be the model's), with the
/// worst errors explained.
pub fn evaluate(model: &Model, data: &TrainingData) -> Result<EvalReport> {
    let targets = row_targets(model, data)?;
    let pred = predict_for(model, data, &targets);
    let explain_row = |i: usize| explain(model, &data.texts[i], targets[i]);
    report(&model.spec, data, &pred, Some(&explain_row))
}

/// The report of `data` scored as `pred`, with the worst errors when there is an explainer
/// (cross-validation folds have none).
pub fn report(
    spec: &crate::model::Spec,
    data: &TrainingData,
    pred: &Predicted,
    explain_row: Option<Explainer>,
) -> Result<EvalReport> {
    Ok(report_heads(
        &head_scores(spec, data, pred)?,
        data,
        explain_row,
    ))
}

/// [`report`] of heads already split by [`head_scores`].
pub fn report_heads(
    heads: &[HeadScores],
    data: &TrainingData,
    explain_row: Option<Explainer>,
) -> EvalReport {
    let targets = data.targets.as_ref().map(|t| &t.1);
    let heads = heads
        .iter()
        .map(|h| {
            let mut r = head_report(h, targets);
            if let Some(e) = explain_row {
                r.errors = error_cases(h, data, e);
            }
            r
        })
        .collect();
    EvalReport {
        schema: SCHEMA,
        data_file: data.source.0.clone(),
        rows: data.texts.len(),
        heads,
    }
}

/// The JSON layout's name and version (README, "Report JSON").
pub const SCHEMA: &str = "gavel.eval/3";

/// The worst errors of a head: binary, the [`ERRORS_SHOWN`] highest-scored negatives and
/// lowest-scored positives; multiclass, the most confident wrong predictions.
fn error_cases(h: &HeadScores, data: &TrainingData, explain_row: Explainer) -> Vec<ErrorCase> {
    let pred = predictions(&h.probs, h.positive, &h.cut);
    let n = h.truth.len();
    let wrong = |i: &usize| pred[*i] != h.truth[*i];
    // the rows shown: (kind, row, score, output explained, drivers towards that output?)
    let mut picked: Vec<(&str, usize, f64, usize, bool)> = vec![];
    // the `ERRORS_SHOWN` rows with the highest `key`
    let top = |mut rows: Vec<usize>, key: &dyn Fn(usize) -> f64| {
        rows.sort_by(|&a, &b| key(b).total_cmp(&key(a)).then(a.cmp(&b)));
        rows.truncate(ERRORS_SHOWN);
        rows
    };
    match h.positive {
        Some(pi) => {
            let out = 0; // a binary head's one output: P(positive)
            let p = |i: usize| h.probs[i][pi];
            let fp = (0..n).filter(wrong).filter(|&i| pred[i] == pi).collect();
            for i in top(fp, &p) {
                picked.push(("false positive", i, p(i), out, true));
            }
            let fneg = (0..n).filter(wrong).filter(|&i| pred[i] != pi).collect();
            for i in top(fneg, &|i| -p(i)) {
                picked.push(("false negative", i, p(i), out, false));
            }
        }
        None => {
            let conf = |i: usize| h.probs[i][pred[i]];
            for i in top((0..n).filter(wrong).collect(), &conf) {
                picked.push(("confident error", i, conf(i), pred[i], true));
            }
        }
    }
    picked
        .into_par_iter()
        .map(|(kind, i, score, o, up)| {
            let e = explain_row(i);
            let drivers = e
                .get(h.explained)
                .map(|he| {
                    he.top(o, DRIVERS_SHOWN, up)
                        .into_iter()
                        .map(|d| (d.grams.join(" | "), d.contribution[o]))
                        .collect()
                })
                .unwrap_or_default();
            let text = &data.texts[i];
            ErrorCase {
                kind: kind.to_string(),
                line: data.lines[i],
                text: match text.char_indices().nth(ERROR_TEXT_CHARS) {
                    Some((cut, _)) => format!("{}…", &text[..cut]),
                    None => text.clone(),
                },
                truth: h.classes[h.truth[i]].clone(),
                predicted: h.classes[pred[i]].clone(),
                score,
                drivers,
            }
        })
        .collect()
}

/// The predicted class of every row: for binary heads the positive class at P ≥ the row's
/// threshold `cut[i]`, else the most probable class (the first on ties).
pub fn predictions(probs: &[Vec<f64>], positive: Option<usize>, cut: &[f64]) -> Vec<usize> {
    probs
        .iter()
        .enumerate()
        .map(|(i, p)| match positive {
            Some(pi) => {
                if p[pi] >= cut.get(i).copied().unwrap_or(0.5) {
                    pi
                } else {
                    1 - pi
                }
            }
            None => argmax(p),
        })
        .collect()
}

/// All metrics of one head from its scores.
pub fn head_report(h: &HeadScores, targets: Option<&Vec<String>>) -> HeadReport {
    let (name, classes, truth, probs, positive) =
        (&h.name, &h.classes, &h.truth, &h.probs, h.positive);
    let k = classes.len();
    let pred = predictions(probs, positive, &h.cut);
    let conf = confusion(truth, &pred, k);
    let n = truth.len();
    let mut per_class = Vec::new();
    for c in 0..k {
        let (p, r, f) = prf(&conf, c);
        let s: Vec<f64> = probs.iter().map(|v| v[c]).collect();
        let t: Vec<bool> = truth.iter().map(|&y| y == c).collect();
        per_class.push(ClassScores {
            class: classes[c].clone(),
            precision: p,
            recall: r,
            f1: f,
            support: conf[c].iter().sum(),
            roc_auc: roc_auc(&s, &t),
            pr_auc: average_precision(&s, &t),
        });
    }
    let macro_f1 = per_class.iter().map(|c| c.f1).sum::<f64>() / k as f64;
    let weighted_f1 = per_class
        .iter()
        .map(|c| c.f1 * c.support as f64)
        .sum::<f64>()
        / n.max(1) as f64;
    let accuracy = (0..k).map(|c| conf[c][c]).sum::<usize>() as f64 / n.max(1) as f64;
    let (roc, pr) = match positive {
        Some(pi) => (per_class[pi].roc_auc, per_class[pi].pr_auc),
        None => (
            mean_some(per_class.iter().map(|c| c.roc_auc)),
            mean_some(per_class.iter().map(|c| c.pr_auc)),
        ),
    };
    let brier = brier_score(probs, truth, positive.is_some());
    let (thresholds, precision_targets_) = match positive {
        Some(pi) => {
            let s: Vec<f64> = probs.iter().map(|v| v[pi]).collect();
            let t: Vec<bool> = truth.iter().map(|&y| y == pi).collect();
            (
                threshold_table(&s, &t),
                precision_targets(&s, &t, &[0.9, 0.95]),
            )
        }
        None => (vec![], vec![]),
    };
    let by_target = match targets {
        Some(tv) => {
            let mut names: Vec<&String> = tv.iter().collect();
            names.sort();
            names.dedup();
            names
                .into_iter()
                .map(|tn| {
                    let rows: Vec<usize> = (0..n).filter(|&i| &tv[i] == tn).collect();
                    let tt: Vec<usize> = rows.iter().map(|&i| truth[i]).collect();
                    let tp: Vec<usize> = rows.iter().map(|&i| pred[i]).collect();
                    let c = confusion(&tt, &tp, k);
                    let f1s: Vec<f64> = (0..k).map(|x| prf(&c, x).2).collect();
                    TargetSummary {
                        target: tn.clone(),
                        rows: rows.len(),
                        accuracy: (0..k).map(|x| c[x][x]).sum::<usize>() as f64
                            / rows.len().max(1) as f64,
                        macro_f1: f1s.iter().sum::<f64>() / k as f64,
                        f_avg: f_avg(classes, &f1s),
                    }
                })
                .collect()
        }
        None => vec![],
    };
    let f1s: Vec<f64> = per_class.iter().map(|c| c.f1).collect();
    HeadReport {
        name: name.to_string(),
        kind: if positive.is_some() {
            "binary"
        } else {
            "multiclass"
        }
        .into(),
        classes: classes.to_vec(),
        positive: positive.map(|p| classes[p].clone()),
        rows: n,
        accuracy,
        macro_f1,
        weighted_f1,
        roc_auc: roc,
        pr_auc: pr,
        log_loss: log_loss(probs.iter().zip(truth).map(|(p, &y)| p[y])),
        brier,
        f_avg: f_avg(classes, &f1s),
        per_class,
        confusion: conf,
        thresholds,
        precision_targets: precision_targets_,
        by_target,
        curves: head_curves(name, classes, truth, probs, positive),
        calibration: h.raw.as_ref().map(|raw| CalibrationCheck {
            before: head_reliability(name, classes, truth, raw, positive),
            log_loss_before: log_loss(raw.iter().zip(truth).map(|(p, &y)| p[y])),
            brier_before: brier_score(raw, truth, positive.is_some()),
        }),
        errors: vec![],
    }
}

/// Mean squared error of the probability vector (of P(positive) alone for a binary head).
fn brier_score(probs: &[Vec<f64>], truth: &[usize], binary: bool) -> f64 {
    probs
        .iter()
        .zip(truth)
        .map(|(p, &y)| {
            p.iter()
                .enumerate()
                .map(|(c, &v)| (v - (c == y) as u8 as f64).powi(2))
                .sum::<f64>()
        })
        .sum::<f64>()
        / truth.len().max(1) as f64
        / if binary { 2.0 } else { 1.0 }
}

/// SemEval's F_avg when the classes include FAVOR and AGAINST (any case).
fn f_avg(classes: &[String], f1: &[f64]) -> Option<f64> {
    let find = |n: &str| classes.iter().position(|c| c.eq_ignore_ascii_case(n));
    Some((f1[find("FAVOR")?] + f1[find("AGAINST")?]) / 2.0)
}

fn mean_some(v: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let xs: Vec<f64> = v.flatten().collect();
    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
}
