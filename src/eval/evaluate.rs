//! Scores a labelled set with a model and computes every metric per head, pooled and per
//! target.

use super::curves::{head_curves, head_reliability};
use super::metrics::*;
use super::predict::{head_scores, predict_for, row_targets, HeadScores, Predicted};
use super::report::*;
use crate::error::Result;
use crate::explain::{explain, HeadExplanation};
use crate::model::{Model, TrainingData};
use crate::numeric::argmax;
use rayon::prelude::*;

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
    let heads = heads
        .iter()
        .map(|h| {
            // a head labelled on some rows only is reported on those rows
            let sub = h.rows.as_ref().map(|r| data.subset(r));
            let d = sub.as_ref().unwrap_or(data);
            let mut r = head_report(h, d.targets.as_ref().map(|t| &t.1));
            r.by_group = d.groups.as_ref().map(|(column, values)| GroupTable {
                column: column.clone(),
                groups: by_group(h, values),
            });
            if let Some(e) = explain_row {
                let rows = h.rows.as_deref();
                let mapped = |i: usize| e(rows.map_or(i, |r| r[i]));
                r.errors = error_cases(h, d, &mapped);
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

/// Every headline metric per group value (sorted), each on that group's rows alone.
fn by_group(h: &HeadScores, values: &[String]) -> Vec<GroupSummary> {
    let mut names: Vec<&String> = values.iter().collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .map(|v| {
            let rows: Vec<usize> = (0..values.len()).filter(|&i| &values[i] == v).collect();
            let sub = h.subset(&rows);
            let r = head_report(&sub, None);
            GroupSummary {
                value: v.clone(),
                rows: rows.len(),
                positives: match h.positive {
                    Some(pi) => vec![sub.truth.iter().filter(|&&y| y == pi).count()],
                    None => (0..h.classes.len())
                        .map(|c| sub.truth.iter().filter(|&&y| y == c).count())
                        .collect(),
                },
                metrics: r
                    .headline()
                    .into_iter()
                    .map(|(m, x)| (m.to_string(), x.filter(|v| v.is_finite())))
                    .collect(),
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
        by_group: None,
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
