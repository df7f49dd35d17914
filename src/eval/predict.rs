//! A model's outputs on a labelled set, row by row, and the same split per head with each
//! row's true class.

use crate::error::{Error, Location, Result};
use crate::model::{LabelSpec, Labels, Model, TrainingData};
use rayon::prelude::*;

/// The head group of every row (see [`Model::target_index`]).
pub fn row_targets(model: &Model, data: &TrainingData) -> Result<Vec<usize>> {
    match &data.targets {
        Some((col, vals)) => vals
            .iter()
            .enumerate()
            .map(|(i, v)| {
                model
                    .target_index(Some(v))
                    .map_err(|problem| Error::Target {
                        at: Location::new(&data.source.0, data.lines[i], Some(col)),
                        problem,
                    })
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
    let targets_of = data.targets.as_ref().map(|(_, v)| v.as_slice());
    let texts = crate::model::general::texts_for(&model.spec, &data.texts, targets_of);
    let x = model.vectorizer.transform_batch(&texts);
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
    /// when only some rows are labelled for this head (a multi-label file with empty cells),
    /// the data row of each entry above; `None`: every row, in order
    pub rows: Option<Vec<usize>>,
}

impl HeadScores {
    /// The entries `idx` (positions in this head's rows), as a head of their own.
    pub fn subset(&self, idx: &[usize]) -> HeadScores {
        let pick = |v: &[Vec<f64>]| idx.iter().map(|&i| v[i].clone()).collect::<Vec<_>>();
        HeadScores {
            name: self.name.clone(),
            classes: self.classes.clone(),
            truth: idx.iter().map(|&i| self.truth[i]).collect(),
            probs: pick(&self.probs),
            raw: self.raw.as_ref().map(|r| pick(r)),
            cut: idx.iter().map(|&i| self.cut[i]).collect(),
            positive: self.positive,
            explained: self.explained,
            rows: Some(
                idx.iter()
                    .map(|&i| self.rows.as_ref().map_or(i, |r| r[i]))
                    .collect(),
            ),
        }
    }
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
                    classes
                        .iter()
                        .position(|c| c == v)
                        .ok_or_else(|| Error::UnknownLabel {
                            at: Location::new(&data.source.0, data.lines[i], Some(column)),
                            value: v.clone(),
                            known: classes.clone(),
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
                rows: None,
            }])
        }
        (LabelSpec::MultiLabel { columns }, Labels::Multi { values, .. }) => Ok(columns
            .iter()
            .enumerate()
            .map(|(l, c)| {
                // the rows labelled for this column; an empty cell is not a 0
                let all: Vec<usize> = (0..values.len()).collect();
                let rows = data.labels.labelled(&all, l);
                let pick = |v: &[Vec<f64>]| -> Vec<Vec<f64>> {
                    rows.iter().map(|&i| vec![1.0 - v[i][l], v[i][l]]).collect()
                };
                let cuts = cut(l);
                HeadScores {
                    name: c.clone(),
                    classes: vec!["0".into(), "1".into()],
                    truth: rows
                        .iter()
                        .map(|&i| values[i][l] == Some(true))
                        .map(usize::from)
                        .collect(),
                    probs: pick(&pred.probs),
                    raw: raw(pick(&pred.raw)),
                    cut: rows.iter().map(|&i| cuts[i]).collect(),
                    positive: Some(1),
                    explained: l,
                    rows: (rows.len() < values.len()).then_some(rows),
                }
            })
            // a head the data labels nowhere (its column absent) has nothing to evaluate
            .filter(|h| !h.truth.is_empty())
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
