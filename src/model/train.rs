//! Training: labelled texts → vectorizer + one head per (target, label group) → [`Model`].

use super::head::fit_head;
use super::meta::{build_time, rfc3339, TrainingMeta};
use super::objective::Link;
use super::params::TrainParams;
use super::spec::{LabelSpec, Spec, TargetSpec};
use super::Model;
use crate::error::{Error, Result};
use crate::features::{Csr, FeatureConfig, Vectorizer};
use crate::text::TextConfig;
use rayon::prelude::*;

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
}

/// All settings of a training run.
#[derive(Clone, Debug, Default)]
pub struct TrainConfig {
    pub text: TextConfig,
    pub features: FeatureConfig,
    pub params: TrainParams,
    /// the positive class of a two-class column; default: the second in sorted order
    pub positive: Option<String>,
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
    if classes.len() < 2 {
        return Err(Error::Data(format!(
            "label column '{column}' has {} distinct value(s) ({}); at least 2 are needed",
            classes.len(),
            classes.join(", ")
        )));
    }
    let positive = match (classes.len(), positive) {
        (2, Some(p)) if classes.iter().any(|c| c == p) => Some(p.to_string()),
        (2, Some(p)) => {
            return Err(Error::Param(format!(
                "positive class '{p}' is not one of {}",
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

/// Trains a model. Deterministic: the same data and config give the same weights.
pub fn train(data: &TrainingData, cfg: &TrainConfig) -> Result<Model> {
    cfg.params.check()?;
    cfg.text.check()?;
    cfg.features.check()?;
    if data.texts.is_empty() {
        return Err(Error::Data("no training rows".into()));
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
    let target = data.targets.as_ref().map(|(col, vals)| TargetSpec {
        column: col.clone(),
        values: sorted_distinct(vals),
    });
    let spec = Spec {
        text_column: data.text_column.clone(),
        labels,
        target,
    };

    let (vectorizer, x) = Vectorizer::fit(cfg.text.clone(), cfg.features.clone(), &data.texts)?;

    // rows of each target group
    let groups: Vec<Vec<usize>> = match (&spec.target, &data.targets) {
        (Some(t), Some((_, vals))) => t
            .values
            .iter()
            .map(|v| (0..vals.len()).filter(|&i| &vals[i] == v).collect())
            .collect(),
        _ => vec![(0..data.texts.len()).collect()],
    };
    let per = spec.heads_per_target();
    let link = spec.link();
    let jobs: Vec<(usize, usize)> = (0..groups.len())
        .flat_map(|t| (0..per).map(move |g| (t, g)))
        .collect();
    let fitted: Vec<_> = jobs
        .par_iter()
        .map(|&(t, g)| {
            let rows = &groups[t];
            let sub: Option<Csr> = (groups.len() > 1).then(|| x.select(rows));
            let xs = sub.as_ref().unwrap_or(&x);
            let y = head_targets(&spec, &data.labels, rows, g, link);
            fit_head(xs, &y, link, &cfg.params)
        })
        .collect();

    let class_counts = class_counts(&spec, &data.labels);
    let (heads, convergence): (Vec<_>, Vec<_>) = fitted.into_iter().unzip();
    let meta = TrainingMeta {
        gavel_version: env!("CARGO_PKG_VERSION").to_string(),
        data_file: data.source.0.clone(),
        data_sha256: data.source.1.clone(),
        rows: data.texts.len(),
        trained_at: rfc3339(build_time()),
        params: cfg.params,
        class_counts,
        convergence,
    };
    Model::new(vectorizer, spec, heads, meta)
}

/// The 0/1 or class-index target of head `g` for the given rows.
fn head_targets(spec: &Spec, labels: &Labels, rows: &[usize], g: usize, link: Link) -> Vec<u32> {
    match (&spec.labels, labels) {
        (
            LabelSpec::Classes {
                classes, positive, ..
            },
            Labels::Classes { values, .. },
        ) => rows
            .iter()
            .map(|&i| match (link, positive) {
                (Link::Sigmoid, Some(p)) => (&values[i] == p) as u32,
                _ => classes.iter().position(|c| c == &values[i]).unwrap_or(0) as u32,
            })
            .collect(),
        (_, Labels::Multi { values, .. }) => rows.iter().map(|&i| values[i][g] as u32).collect(),
        _ => Vec::new(),
    }
}

fn class_counts(spec: &Spec, labels: &Labels) -> Vec<(String, usize)> {
    match (&spec.labels, labels) {
        (LabelSpec::Classes { classes, .. }, Labels::Classes { values, .. }) => classes
            .iter()
            .map(|c| (c.clone(), values.iter().filter(|v| *v == c).count()))
            .collect(),
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
