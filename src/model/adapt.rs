//! `gavel train --init MODEL`: newly labelled rows folded into a trained model, in seconds.
//! The model's vectorizer is kept as it is (its columns, IDF and text settings), and each
//! head that has new rows is refitted on them alone, penalised by its distance to the head
//! it starts from rather than to zero ([`fit_head_from`]): the prior model stands in for
//! the rows it was trained on, and a few new labels move it only as far as they give
//! evidence to. A general stance model learns a target it has no head for as a new head
//! group that starts from its general head. Calibrations are kept (a handful of rows cannot
//! refit one); heads without new rows are kept as they are.

use super::data::{Labels, TrainingData};
use super::fit::{head_targets, target_groups};
use super::head::{fit_head_from, Head};
use super::meta::{trained_at, MatrixSize, TrainingMeta};
use super::params::TrainParams;
use super::spec::{LabelSpec, Spec};
use super::train::{class_counts, head_rows};
use super::{general, Model};
use crate::error::{excerpt, Error, Result};
use rayon::prelude::*;

/// With `train --init`, C is this multiple of the prior model's unless given. Chosen on
/// leave-one-target-out runs of the stance sets (bench/stance_suggest.py's protocol, C from
/// 1 to 1,024 on the general model's C of 4): at 4 the new rows barely move the heads (a
/// few points of F_avg short at 200 rows); past 64 ten rows overfit.
pub const INIT_C_FACTOR: f64 = 16.0;

/// An adapted model and what became of its heads.
pub struct Adapted {
    pub model: Model,
    /// the heads refitted on the new rows, in head order
    pub refitted: Vec<usize>,
    /// targets the model had no head for, each given one (general models only)
    pub new_targets: Vec<String>,
}

/// Folds the labelled rows `data` into `base`. Deterministic. `data`'s label columns must be
/// the model's, with the model's classes; its targets the model's, or, for a general model,
/// any.
pub fn adapt(base: Model, data: &TrainingData, params: &TrainParams) -> Result<Adapted> {
    params.check()?;
    if data.texts.is_empty() {
        return Err(Error::Data("no training rows".into()));
    }
    check_labels(&base.spec, data)?;
    let (spec, new_targets) = with_targets(&base.spec, data)?;
    let per = spec.heads_per_target();
    // the new targets' groups go after the model's own, before its general group
    let own = base.spec.n_targets() * per;
    let general_heads = &base.heads[own..];
    let mut heads: Vec<Head> = base.heads[..own].to_vec();
    let mut convergence = base.meta.convergence.clone();
    for _ in &new_targets {
        heads.extend(general_heads.iter().cloned());
        let from = convergence[own..].to_vec();
        convergence.splice(own..own, from);
    }
    heads.extend(general_heads.iter().cloned());

    let targets = data.targets.as_ref().map(|(_, v)| v.as_slice());
    let texts = general::texts_for(&spec, &data.texts, targets);
    let x = base.vectorizer.transform_batch(&texts);
    drop(texts);
    let all: Vec<usize> = (0..data.texts.len()).collect();
    let groups = target_groups(&spec, data, &all);
    let link = spec.link();
    let jobs: Vec<(usize, Vec<usize>)> = groups
        .iter()
        .enumerate()
        .flat_map(|(t, rows)| (0..per).map(move |g| (t * per + g, data.labels.labelled(rows, g))))
        .filter(|(_, rows)| !rows.is_empty())
        .collect();
    let fitted: Vec<_> = jobs
        .par_iter()
        .map(|(h, rows)| {
            let y = head_targets(&spec, &data.labels, rows, h % per, link);
            fit_head_from(&x.select(rows), &y, params, &heads[*h])
        })
        .collect();
    let mut refitted = Vec::with_capacity(jobs.len());
    for ((h, _), (head, conv)) in jobs.iter().zip(fitted) {
        if !head.is_finite() {
            return Err(Error::Data(format!(
                "the fit diverged: some weights are not finite numbers at C = {}; lower --c",
                params.c
            )));
        }
        heads[*h] = head;
        convergence[*h] = conv;
        refitted.push(*h);
    }
    let meta = TrainingMeta {
        gavel_version: env!("CARGO_PKG_VERSION").to_string(),
        data_file: data.source.0.clone(),
        data_sha256: data.source.1.clone(),
        rows: data.texts.len(),
        trained_at: trained_at(),
        // the new rows are fitted without sources (train --init refuses --sources), and their
        // change from the prior is penalised plainly, never NB-scaled
        params: TrainParams {
            sources: None,
            nb: None,
            part_c: Vec::new(),
            ..params.clone()
        },
        class_counts: class_counts(&spec, &data.labels),
        convergence,
        matrix: MatrixSize {
            nnz: x.nnz(),
            bytes: x.heap_bytes(),
        },
        calibration_folds: base.meta.calibration_folds,
        skipped_rows: data.skipped.len(),
        head_rows: head_rows(&data.labels),
        trainer: String::new(),
        augment: None,
        adapted_from: Some(Box::new(base.meta.clone())),
        joint_by: None,
        sources: None,
    };
    let mut model = Model::new(base.vectorizer, spec, heads, meta)?;
    model.vocab = base.vocab;
    Ok(Adapted {
        model,
        refitted,
        new_targets,
    })
}

/// Refuses labels the model does not have: another label column, or a class it never saw
/// (named with its line).
fn check_labels(spec: &Spec, data: &TrainingData) -> Result<()> {
    match (&spec.labels, &data.labels) {
        (
            LabelSpec::Classes {
                column, classes, ..
            },
            Labels::Classes { values, .. },
        ) => {
            for (v, line) in values.iter().zip(&data.lines) {
                if !classes.contains(v) {
                    return Err(Error::Data(format!(
                        "{}: line {line}, column '{column}': '{}' is not one of the model's classes ({}); \
                         a new class needs a new model",
                        data.source.0,
                        excerpt(v, 60),
                        classes.join(", ")
                    )));
                }
            }
            Ok(())
        }
        (LabelSpec::MultiLabel { columns }, Labels::Multi { columns: got, .. })
            if columns == got =>
        {
            Ok(())
        }
        _ => Err(Error::Data(format!(
            "{}: the labels are not the model's ({})",
            data.source.0,
            spec.label_columns().join(", ")
        ))),
    }
}

/// The model's spec with the targets of `data` it has no head for added after its own (a
/// general model), and those targets; any other model refuses a target it does not know.
fn with_targets(spec: &Spec, data: &TrainingData) -> Result<(Spec, Vec<String>)> {
    let (Some(ts), Some((_, values))) = (&spec.target, &data.targets) else {
        return Ok((spec.clone(), Vec::new()));
    };
    let known: std::collections::HashSet<&str> = ts.values.iter().map(|s| s.as_str()).collect();
    let mut new = std::collections::BTreeSet::new();
    for (v, line) in values.iter().zip(&data.lines) {
        if known.contains(v.as_str()) {
            continue;
        }
        if !ts.general {
            return Err(Error::Data(format!(
                "{}: line {line}, column '{}': the model has no head for target '{}' (it knows {}); \
                 a general stance model (train --targets general) learns new targets",
                data.source.0,
                ts.column,
                excerpt(v, 60),
                ts.values.join(", ")
            )));
        }
        new.insert(v.clone());
    }
    let new: Vec<String> = new.into_iter().collect();
    let mut spec = spec.clone();
    if let Some(t) = spec.target.as_mut() {
        t.values.extend(new.iter().cloned());
    }
    super::limits::check_targets(&ts.column, spec.n_targets())?;
    Ok((spec, new))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::data::toy_insults;
    use crate::model::{train, ScoreScratch, TrainConfig};

    fn p(m: &Model, text: &str) -> f64 {
        let mut out = [0.0];
        m.score_into(text, 0, &mut ScoreScratch::default(), &mut out);
        out[0]
    }

    fn rows(texts: &[&str], y: &[&str]) -> TrainingData {
        let mut d = toy_insults(1).subset(&[]);
        d.texts = texts.iter().map(|s| s.to_string()).collect();
        d.lines = (2..2 + texts.len() as u64).collect();
        d.labels = Labels::Classes {
            column: "insult".into(),
            values: y.iter().map(|s| s.to_string()).collect(),
        };
        d
    }

    #[test]
    fn new_labels_move_the_model_their_way_and_no_further_than_they_say() {
        let base = train(&toy_insults(30), &TrainConfig::default()).unwrap();
        let params = TrainParams {
            c: 64.0,
            ..TrainParams::default()
        };
        // a site where "report" comments were abusive after all
        let new = rows(
            &[
                "thank you for the report",
                "thank you for the report",
                "you stupid idiot",
            ],
            &["1", "1", "1"],
        );
        let before = p(&base, "thank you for the report");
        let bases = base.heads.clone();
        let a = adapt(base, &new, &params).unwrap();
        assert_eq!(a.refitted, [0]);
        let after = p(&a.model, "thank you for the report");
        assert!(after > before + 0.2, "{before} → {after}");
        // the prior still speaks where the new rows say nothing
        assert!(p(&a.model, "you stupid idiot") > 0.5);
        assert!(a.model.heads[0].calibration == bases[0].calibration);
        assert_eq!(a.model.meta.rows, 3);
        assert!(a.model.meta.adapted_from.is_some());

        // the same rows give the same weights
        let again = adapt(
            train(&toy_insults(30), &TrainConfig::default()).unwrap(),
            &new,
            &params,
        )
        .unwrap();
        assert_eq!(again.model.heads, a.model.heads);
    }

    #[test]
    fn a_class_the_model_never_had_is_refused_with_its_line() {
        let base = train(&toy_insults(10), &TrainConfig::default()).unwrap();
        let new = rows(&["fine", "odd"], &["0", "2"]);
        let e = adapt(base, &new, &TrainParams::default()).err().unwrap();
        assert!(e.to_string().contains("line 3"), "{e}");
    }
}
