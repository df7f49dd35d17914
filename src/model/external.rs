//! Models whose heads another engine fitted: gavel's vectorizer (built from document
//! frequencies counted in parts, see [`Vectorizer::from_document_frequencies`]), the engine's
//! weights, and gavel's own calibration fitted on the engine's out-of-fold logits, assembled
//! into a standard model file. This is how Spark MLlib's distributed logistic regression
//! trains a `.gavel` model on data that does not fit one machine (the Python package's
//! `gavel.spark.train`).

use super::calibrate;
use super::meta::{trained_at, MatrixSize, TrainingMeta};
use super::solver::Convergence;
use super::spec::{LabelSpec, Spec};
use super::train::{class_spec, TrainConfig};
use super::{Head, Model};
use crate::error::{Error, Result};
use crate::features::{Vectorizer, Vocab};

/// What the label columns are, as the engine's driver found them.
pub enum LabelsSeen<'a> {
    /// one class column and its distinct values
    Classes {
        column: &'a str,
        values: &'a [String],
    },
    /// 0/1 columns, one head each
    Multi { columns: &'a [String] },
}

/// The label spec of a model without targets: the classes in gavel's order (sorted, numeric
/// when every value is a number) and the positive class of two, as `gavel train` sets them;
/// the engine maps each row's label to its class index with it.
pub fn label_spec(
    text_column: &str,
    labels: LabelsSeen<'_>,
    positive: Option<&str>,
) -> Result<Spec> {
    let labels = match labels {
        LabelsSeen::Classes { column, values } => class_spec(column, values, positive)?,
        LabelsSeen::Multi { columns } => {
            if columns.is_empty() {
                return Err(Error::Param("no label column".into()));
            }
            LabelSpec::MultiLabel {
                columns: columns.to_vec(),
            }
        }
    };
    Ok(Spec {
        text_column: text_column.to_string(),
        labels,
        target: None,
    })
}

/// One head as the engine fitted it.
#[derive(Clone, Debug, Default)]
pub struct FittedHead {
    /// `n_features × K` weights, feature-major (`weights[j*K + k]`), then `K` intercepts
    pub weights: Vec<f32>,
    pub bias: Vec<f32>,
    /// raw out-of-fold logits (`K` per row) of the rows each calibration fold's fit did not
    /// see, and their classes (0/1 for a sigmoid head); empty without calibration
    pub oof_logits: Vec<f64>,
    pub oof_classes: Vec<u32>,
    pub convergence: Convergence,
}

/// What the model file records of the run.
#[derive(Clone, Debug, Default)]
pub struct Record {
    /// how the user names the training data
    pub data_name: String,
    pub rows: usize,
    /// rows per class (or per positive label), in label order
    pub class_counts: Vec<(String, usize)>,
    pub skipped_rows: usize,
    /// per label column of a partly labelled multi-label set, the rows it was trained on
    pub head_rows: Vec<(String, usize)>,
    /// the engine and its settings
    pub trainer: String,
    pub matrix: MatrixSize,
}

/// Assembles the model: the heads with their weights, each calibrated on its out-of-fold
/// logits when `cfg.calibration_folds` ≥ 2, and the reverse n-gram dictionary of
/// `cfg.vocab_columns` columns read from `vocab_texts` (a sample of the training texts).
/// Returns the model and what a user should know (heads left uncalibrated, and why).
pub fn assemble<T: AsRef<str> + Sync>(
    vectorizer: Vectorizer,
    spec: Spec,
    cfg: &TrainConfig,
    heads: Vec<FittedHead>,
    record: Record,
    vocab_texts: &[T],
) -> Result<(Model, Vec<String>)> {
    let link = spec.link();
    let k = link.k();
    let mut warnings = Vec::new();
    let mut built = Vec::with_capacity(heads.len());
    let mut convergence = Vec::with_capacity(heads.len());
    for (h, f) in heads.into_iter().enumerate() {
        if f.oof_logits.len() != f.oof_classes.len() * k {
            return Err(Error::Data(format!(
                "head {h}: {} out-of-fold logits for {} rows of {k} output(s)",
                f.oof_logits.len(),
                f.oof_classes.len()
            )));
        }
        if let Some(c) = f.oof_classes.iter().find(|&&c| c as usize >= k.max(2)) {
            return Err(Error::Data(format!(
                "head {h}: out-of-fold class {c} is not below {}",
                k.max(2)
            )));
        }
        let calibration = match cfg.calibration_folds >= 2 {
            true => match calibrate::fit(link, &f.oof_logits, &f.oof_classes) {
                Ok(c) => Some(c),
                Err(why) => {
                    warnings.push(format!("head {h} is not calibrated: {why}"));
                    None
                }
            },
            false => None,
        };
        let head = Head {
            link,
            n_features: vectorizer.n_features(),
            weights: f.weights,
            bias: f.bias,
            calibration,
        };
        if !head.is_finite() {
            return Err(Error::Data(format!(
                "head {h} holds a weight that is not a finite number: the engine's fit diverged"
            )));
        }
        built.push(head);
        convergence.push(f.convergence);
    }
    let meta = TrainingMeta {
        gavel_version: env!("CARGO_PKG_VERSION").to_string(),
        data_file: record.data_name,
        data_sha256: String::new(),
        rows: record.rows,
        trained_at: trained_at(),
        params: cfg.params.clone(),
        class_counts: record.class_counts,
        convergence,
        matrix: record.matrix,
        calibration_folds: cfg.calibration_folds,
        skipped_rows: record.skipped_rows,
        head_rows: record.head_rows,
        trainer: record.trainer,
        augment: None,
        adapted_from: None,
        joint_by: None,
        sources: None,
    };
    let mut model = Model::new(vectorizer, spec, built, meta)?;
    if cfg.vocab_columns > 0 {
        let cols = model.strongest_columns(cfg.vocab_columns);
        model.vocab = Vocab::build(&model.vectorizer, vocab_texts, &cols);
    }
    Ok((model, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::{document_frequencies, FeatureConfig};
    use crate::model::data::toy_insults;
    use crate::model::file;
    use crate::model::{train, ScoreScratch};
    use crate::text::TextConfig;

    /// Gavel's own heads, handed over as an engine would hand them, give back gavel's model:
    /// the same features, weights and calibration, so the same scores.
    #[test]
    fn heads_fitted_elsewhere_assemble_into_the_same_model() {
        let d = toy_insults(30);
        let cfg = TrainConfig {
            features: FeatureConfig {
                bits: 16,
                ..FeatureConfig::default()
            },
            calibration_folds: 0,
            vocab_columns: 50,
            ..TrainConfig::default()
        };
        let m = train(&d, &cfg).unwrap();
        let df = document_frequencies(TextConfig::default(), &cfg.features, &d.texts).unwrap();
        let v = Vectorizer::from_document_frequencies(
            TextConfig::default(),
            cfg.features.clone(),
            &df,
            d.texts.len(),
        )
        .unwrap();
        let values = vec!["0".to_string(), "1".to_string()];
        let spec = label_spec(
            "text",
            LabelsSeen::Classes {
                column: "insult",
                values: &values,
            },
            None,
        )
        .unwrap();
        assert_eq!(spec.labels, m.spec.labels);
        let head = FittedHead {
            weights: m.heads[0].weights.clone(),
            bias: m.heads[0].bias.clone(),
            convergence: m.meta.convergence[0],
            ..FittedHead::default()
        };
        let record = Record {
            rows: d.texts.len(),
            trainer: "a test".into(),
            ..Record::default()
        };
        let (a, warnings) = assemble(v, spec, &cfg, vec![head], record, &d.texts).unwrap();
        assert!(warnings.is_empty());
        assert_eq!(a.vocab, m.vocab);
        let back = file::from_bytes(&file::to_bytes(&a).unwrap()).unwrap();
        assert_eq!(back.meta.trainer, "a test");
        for t in ["you idiot", "lovely day", "stupid"] {
            let (mut p, mut q) = ([0.0], [0.0]);
            m.score_into(t, 0, &mut ScoreScratch::default(), &mut p);
            back.score_into(t, 0, &mut ScoreScratch::default(), &mut q);
            assert_eq!(p, q, "{t}");
        }
    }

    /// Out-of-fold logits calibrate the head as gavel's cross-fitting does; logits that do
    /// not match their rows, or a class out of range, are refused; a head whose held-out
    /// logits rank nothing is left uncalibrated with a warning.
    #[test]
    fn out_of_fold_logits_calibrate_or_are_refused() {
        let d = toy_insults(30);
        let cfg = TrainConfig {
            features: FeatureConfig {
                bits: 14,
                ..FeatureConfig::default()
            },
            calibration_folds: 3,
            ..TrainConfig::default()
        };
        let df = document_frequencies(TextConfig::default(), &cfg.features, &d.texts).unwrap();
        let v = || {
            Vectorizer::from_document_frequencies(
                TextConfig::default(),
                cfg.features.clone(),
                &df,
                60,
            )
            .unwrap()
        };
        let values = vec!["0".to_string(), "1".to_string()];
        let spec = || {
            let seen = LabelsSeen::Classes {
                column: "insult",
                values: &values,
            };
            label_spec("text", seen, None).unwrap()
        };
        let n = v().n_features();
        let head = |z: Vec<f64>, y: Vec<u32>| FittedHead {
            weights: vec![0.0; n],
            bias: vec![0.0],
            oof_logits: z,
            oof_classes: y,
            ..FittedHead::default()
        };
        let y: Vec<u32> = (0..40).map(|i| i % 2).collect();
        let z: Vec<f64> = y.iter().map(|&c| c as f64 * 2.0 - 1.0 + 0.3).collect();
        let (m, w) = assemble(
            v(),
            spec(),
            &cfg,
            vec![head(z, y.clone())],
            Record::default(),
            &d.texts,
        )
        .unwrap();
        assert!(w.is_empty() && m.heads[0].calibration.is_some());
        let backwards: Vec<f64> = y.iter().map(|&c| 1.0 - 2.0 * c as f64).collect();
        let (m, w) = assemble(
            v(),
            spec(),
            &cfg,
            vec![head(backwards, y.clone())],
            Record::default(),
            &d.texts,
        )
        .unwrap();
        assert!(m.heads[0].calibration.is_none());
        assert!(w[0].contains("head 0 is not calibrated"), "{w:?}");
        let short = head(vec![0.0; 39], y.clone());
        assert!(assemble(v(), spec(), &cfg, vec![short], Record::default(), &d.texts).is_err());
        let bad_class = head(vec![0.0; 40], vec![2; 40]);
        assert!(assemble(
            v(),
            spec(),
            &cfg,
            vec![bad_class],
            Record::default(),
            &d.texts
        )
        .is_err());
        let mut nan = head(Vec::new(), Vec::new());
        nan.weights[0] = f32::NAN;
        let nocal = TrainConfig {
            calibration_folds: 0,
            ..cfg.clone()
        };
        assert!(assemble(v(), spec(), &nocal, vec![nan], Record::default(), &d.texts).is_err());
    }
}
