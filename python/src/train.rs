//! The pieces another engine (Spark) needs to train a gavel model: the training settings as
//! `gavel train` parses them, document frequencies counted per part of the data, the
//! vectorizer built from their sum and shipped to the workers, and the assembly of the
//! engine's heads into a model.

use crate::{err, gerr, Model};
use ::gavel::cli::args::TrainArgs;
use ::gavel::features::{document_frequencies, FeatureConfig, Vectorizer};
use ::gavel::model::external::{assemble, label_spec, FittedHead, LabelsSeen, Record};
use ::gavel::model::meta::MatrixSize;
use ::gavel::model::{Convergence, LabelSpec, TrainConfig};
use ::gavel::text::TextConfig;
use clap::Parser;
use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};
use pyo3::types::PyBytes;
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "train")]
struct Flags {
    #[command(flatten)]
    train: TrainArgs,
}

/// The settings of a training run, from `gavel train`'s flags (`["--c=2", "--bits=18"]`),
/// with its defaults.
#[pyclass(frozen, module = "gavel._gavel")]
pub struct Recipe {
    cfg: TrainConfig,
}

#[pymethods]
impl Recipe {
    #[new]
    fn new(args: Vec<String>) -> PyResult<Recipe> {
        let argv = std::iter::once("train".to_string()).chain(args);
        let flags = Flags::try_parse_from(argv).map_err(|e| err(e.render()))?;
        if flags.train.joint_by.is_some() {
            return Err(err(
                "joint_by groups per-target heads, and per-target (stance) training is not offered with Spark",
            ));
        }
        if flags.train.sources.is_some() {
            return Err(err(
                "sources (an intercept per source in the fit) is not offered with Spark: train with gavel.train or the CLI",
            ));
        }
        let cfg = flags.train.config().map_err(|e| err(format!("{e:#}")))?;
        Ok(Recipe { cfg })
    }

    /// The text and feature settings as JSON, for the workers' [`doc_freq`] and
    /// `Features.from_parts`.
    fn features_json(&self) -> PyResult<String> {
        let v = serde_json::json!({"text": self.cfg.text, "features": self.cfg.features});
        serde_json::to_string(&v).map_err(err)
    }

    /// C, the class weights ("balanced" or "none"), the calibration folds and the vocabulary
    /// columns.
    #[getter]
    fn c(&self) -> f64 {
        self.cfg.params.c
    }
    #[getter]
    fn class_weight(&self) -> String {
        serde_json::to_value(self.cfg.params.class_weight)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }
    #[getter]
    fn calibration_folds(&self) -> usize {
        self.cfg.calibration_folds
    }

    /// The label classes in gavel's order and the positive class of two, for a class
    /// column with these distinct values; raises as `gavel train` does (one class, too many).
    fn classes(
        &self,
        column: &str,
        values: Vec<String>,
    ) -> PyResult<(Vec<String>, Option<String>)> {
        let seen = LabelsSeen::Classes {
            column,
            values: &values,
        };
        let spec = label_spec("text", seen, self.cfg.positive.as_deref()).map_err(gerr)?;
        match spec.labels {
            LabelSpec::Classes {
                classes, positive, ..
            } => Ok((classes, positive)),
            LabelSpec::MultiLabel { .. } => Err(err("not a class column")),
        }
    }
}

fn configs(features_json: &str) -> PyResult<(TextConfig, FeatureConfig)> {
    let v: serde_json::Value = serde_json::from_str(features_json).map_err(err)?;
    let text: TextConfig = serde_json::from_value(v["text"].clone()).map_err(err)?;
    let features = serde_json::from_value(v["features"].clone()).map_err(err)?;
    if text.spell {
        // its training words would have to be counted over every partition first
        return Err(err(
            "spelling correction (spell) is not available to Spark training",
        ));
    }
    Ok((text, features))
}

/// Little-endian values of `N` bytes each, read from `b` with `from`.
fn le_values<T, const N: usize>(b: &[u8], what: &str, from: fn([u8; N]) -> T) -> PyResult<Vec<T>> {
    if !b.len().is_multiple_of(N) {
        return Err(err(format!(
            "{what}: {} bytes is not a whole number of {N}-byte values",
            b.len()
        )));
    }
    Ok(b.chunks_exact(N)
        .map(|c| from(c.try_into().unwrap_or([0; N])))
        .collect())
}

fn u32s(b: &[u8], what: &str) -> PyResult<Vec<u32>> {
    le_values(b, what, u32::from_le_bytes)
}

fn f32s(b: &[u8], what: &str) -> PyResult<Vec<f32>> {
    le_values(b, what, f32::from_le_bytes)
}

fn f64s(b: &[u8], what: &str) -> PyResult<Vec<f64>> {
    le_values(b, what, f64::from_le_bytes)
}

fn le_bytes<'py, const N: usize>(
    py: Python<'py>,
    v: impl Iterator<Item = [u8; N]>,
) -> Bound<'py, PyBytes> {
    let b: Vec<u8> = v.flatten().collect();
    PyBytes::new(py, &b)
}

/// How many of `texts` hold an n-gram of each hash bucket, as the buckets and counts
/// (little-endian u32 bytes) of the buckets that occur.
#[pyfunction]
pub fn doc_freq<'py>(
    py: Python<'py>,
    features_json: &str,
    texts: Vec<PyBackedStr>,
) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
    let (text, features) = configs(features_json)?;
    let df = py
        .detach(|| document_frequencies(text, &features, &texts))
        .map_err(gerr)?;
    let seen = || df.iter().enumerate().filter(|(_, &d)| d > 0);
    Ok((
        le_bytes(py, seen().map(|(b, _)| (b as u32).to_le_bytes())),
        le_bytes(py, seen().map(|(_, d)| d.to_le_bytes())),
    ))
}

/// A fitted vectorizer without a model: built from summed document frequencies on the
/// driver, rebuilt from its parts in the workers.
#[pyclass(frozen, module = "gavel._gavel")]
pub struct Features {
    pub(crate) v: Arc<Vectorizer>,
    json: String,
}

#[pymethods]
impl Features {
    /// From the document frequencies of `n_docs` texts: the buckets that occur and their
    /// counts (little-endian u32 bytes, summed over every part).
    #[staticmethod]
    fn from_doc_freq(
        features_json: String,
        buckets: &[u8],
        counts: &[u8],
        n_docs: usize,
    ) -> PyResult<Features> {
        let (text, features) = configs(&features_json)?;
        let mut df = vec![0u32; 1usize << features.bits.min(26)];
        let (b, c) = (u32s(buckets, "buckets")?, u32s(counts, "counts")?);
        if b.len() != c.len() {
            return Err(err(format!("{} buckets, {} counts", b.len(), c.len())));
        }
        for (b, c) in b.into_iter().zip(c) {
            let slot = df
                .get_mut(b as usize)
                .ok_or_else(|| err(format!("bucket {b} is outside 2^{}", features.bits)))?;
            *slot = slot.saturating_add(c);
        }
        let v = Vectorizer::from_document_frequencies(text, features, &df, n_docs).map_err(gerr)?;
        Ok(Features {
            v: Arc::new(v),
            json: features_json,
        })
    }

    /// From the settings and the `parts()` of a fitted one.
    #[staticmethod]
    fn from_parts(features_json: String, buckets: &[u8], idf: &[u8]) -> PyResult<Features> {
        let (text, features) = configs(&features_json)?;
        let v =
            Vectorizer::from_parts(text, features, u32s(buckets, "buckets")?, f32s(idf, "idf")?)
                .map_err(gerr)?;
        Ok(Features {
            v: Arc::new(v),
            json: features_json,
        })
    }

    /// `(features_json, buckets, idf)`: what `from_parts` reads.
    fn parts<'py>(&self, py: Python<'py>) -> (String, Bound<'py, PyBytes>, Bound<'py, PyBytes>) {
        (
            self.json.clone(),
            le_bytes(py, self.v.buckets().iter().map(|b| b.to_le_bytes())),
            le_bytes(py, self.v.idf().iter().map(|b| b.to_le_bytes())),
        )
    }

    #[getter]
    fn n_features(&self) -> usize {
        self.v.n_features()
    }

    /// gavel's TF-IDF rows of `texts`, as `Model.transform` gives them.
    #[pyo3(signature = (texts, threads=None))]
    fn transform<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<PyBackedStr>,
        threads: Option<usize>,
    ) -> PyResult<crate::CsrBytes<'py>> {
        crate::transform(py, &self.v, texts, threads)
    }
}

/// One head as the engine fitted it: weights (`n_features × K`, feature-major, f32 bytes),
/// intercepts, out-of-fold raw logits (f64 bytes) and classes (u32 bytes), and the fit's
/// iterations, final loss (on gavel's scale) and whether it converged.
type HeadIn = (
    PyBackedBytes,
    Vec<f32>,
    PyBackedBytes,
    PyBackedBytes,
    usize,
    f64,
    bool,
);

/// The model of heads fitted by another engine on `features`: class column `label` with
/// the classes `classes` gave (or 0/1 columns `labels`), heads in label order, calibrated on
/// their out-of-fold logits as `recipe` asks. `record`: `(data_name, rows, skipped_rows,
/// trainer, nnz)`, `class_counts` and `head_rows` as the model file records them;
/// `vocab_texts`: a sample of the training texts for the reverse n-gram dictionary.
/// Returns the model and its warnings.
#[pyfunction]
#[pyo3(signature = (features, recipe, text_column, heads, record, class_counts, head_rows,
    vocab_texts, label=None, classes=None, labels=None))]
#[allow(clippy::too_many_arguments)]
pub fn assemble_model(
    py: Python<'_>,
    features: &Features,
    recipe: &Recipe,
    text_column: &str,
    heads: Vec<HeadIn>,
    record: (String, usize, usize, String, usize, usize),
    class_counts: Vec<(String, usize)>,
    head_rows: Vec<(String, usize)>,
    vocab_texts: Vec<PyBackedStr>,
    label: Option<String>,
    classes: Option<Vec<String>>,
    labels: Option<Vec<String>>,
) -> PyResult<(Model, Vec<String>)> {
    let seen = match (&label, &classes, &labels) {
        (Some(column), Some(values), None) => LabelsSeen::Classes { column, values },
        (None, None, Some(columns)) => LabelsSeen::Multi { columns },
        _ => return Err(err("give label and classes, or labels")),
    };
    let spec = label_spec(text_column, seen, recipe.cfg.positive.as_deref()).map_err(gerr)?;
    let mut fitted = Vec::with_capacity(heads.len());
    for (w, bias, z, y, iterations, loss, converged) in heads {
        fitted.push(FittedHead {
            weights: f32s(&w, "weights")?,
            bias,
            oof_logits: f64s(&z, "logits")?,
            oof_classes: u32s(&y, "classes")?,
            convergence: Convergence {
                iterations,
                cg_iterations: 0,
                loss,
                relative_gradient: None,
                converged,
            },
        });
    }
    let (data_name, rows, skipped_rows, trainer, nnz, bytes) = record;
    let record = Record {
        data_name,
        rows,
        class_counts,
        skipped_rows,
        head_rows,
        trainer,
        matrix: MatrixSize { nnz, bytes },
    };
    let v = Vectorizer::from_parts(
        features.v.text_config().clone(),
        features.v.feature_config().clone(),
        features.v.buckets().to_vec(),
        features.v.idf().to_vec(),
    )
    .map_err(gerr)?;
    let cfg = &recipe.cfg;
    let (m, warnings) = py
        .detach(|| assemble(v, spec, cfg, fitted, record, &vocab_texts))
        .map_err(gerr)?;
    Ok((Model { inner: Arc::new(m) }, warnings))
}
