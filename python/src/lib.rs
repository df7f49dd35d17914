//! `gavel._gavel`: the Rust side of the Python package. It holds loaded models and scores,
//! explains and vectorizes lists of comments in process, with the GIL released; training and
//! evaluation run gavel's own command line in process ([`run_cli`]), so that their defaults,
//! checks and files are the CLI's. The Python package (`python/gavel/`) turns what this returns
//! into numpy arrays, pandas frames and scipy matrices.

mod score;
mod train;

use ::gavel::cli::{self, Cli};
use ::gavel::features::Vectorizer;
use ::gavel::inspect::inspect;
use ::gavel::model::{file, Model as Inner};
use ::gavel::score::{added_columns, Asked};
use clap::Parser;
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::PyBytes;
use std::path::PathBuf;
use std::sync::Arc;

create_exception!(
    _gavel,
    GavelError,
    PyException,
    "An error gavel reports: bad input (with its file, line and column), a corrupt or foreign model file, an argument out of range."
);

/// A message as a Python exception.
pub(crate) fn err(e: impl std::fmt::Display) -> PyErr {
    GavelError::new_err(e.to_string())
}

/// A gavel error as a Python exception, with its causes, as the CLI prints it.
pub(crate) fn gerr(e: ::gavel::Error) -> PyErr {
    let mut msg = e.to_string();
    let mut cause = std::error::Error::source(&e);
    while let Some(c) = cause {
        let t = c.to_string();
        if !msg.contains(&t) {
            msg = format!("{msg}: {t}");
        }
        cause = c.source();
    }
    GavelError::new_err(msg)
}

/// A sparse matrix's `indptr`, `indices` and `values` bytes and its column count.
pub(crate) type CsrBytes<'py> = (
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
    usize,
);

/// A loaded model. Scoring releases the GIL and runs on gavel's threads.
#[pyclass(frozen, module = "gavel._gavel")]
pub struct Model {
    pub(crate) inner: Arc<Inner>,
}

#[pymethods]
impl Model {
    /// The probability columns `score` writes, in order (`p_abusive`, …).
    #[getter]
    fn outputs(&self) -> Vec<String> {
        self.inner.output_names()
    }

    /// The prediction columns `score` writes after the probabilities.
    #[getter]
    fn predictions(&self) -> Vec<String> {
        self.inner.spec.prediction_names()
    }

    /// The columns `score` adds with these options, in order, each with what it holds
    /// (`"num"`, `"flag"` for 0/1, `"str"`).
    #[pyo3(signature = (articles=false, lang_id=false, policy=false, explain=false, skip=false))]
    fn added_columns(
        &self,
        articles: bool,
        lang_id: bool,
        policy: bool,
        explain: bool,
        skip: bool,
    ) -> Vec<(String, &'static str)> {
        let asked = Asked {
            on_topic: articles,
            lang: lang_id,
            decision: policy,
            explain,
            error: skip,
        };
        added_columns(&self.inner, &asked)
            .into_iter()
            .map(|(name, kind)| (name, kind.as_str()))
            .collect()
    }

    /// The model's text column, and its target column for a per-target model.
    #[getter]
    fn text_column(&self) -> String {
        self.inner.spec.text_column.clone()
    }
    #[getter]
    fn target_column(&self) -> Option<String> {
        self.inner.spec.target.as_ref().map(|t| t.column.clone())
    }

    /// What `gavel inspect --json --top TOP` prints, as JSON text.
    fn info_json(&self, top: usize) -> PyResult<String> {
        serde_json::to_string(&inspect(&self.inner, top)).map_err(err)
    }

    /// What `gavel explain --json` prints for one comment, as JSON text.
    #[pyo3(signature = (text, target=None))]
    fn explain_json(&self, text: &str, target: Option<&str>) -> PyResult<String> {
        if text.trim().is_empty() {
            return Err(err("the comment is empty"));
        }
        let t = self.inner.target_index(target).map_err(err)?;
        let e = ::gavel::explain::explain_for(&self.inner, text, target, t);
        serde_json::to_string(&e).map_err(err)
    }

    /// The model file's bytes (what `save` writes).
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let b = file::to_bytes(&self.inner).map_err(gerr)?;
        Ok(PyBytes::new(py, &b))
    }

    /// Writes the model file atomically.
    fn save(&self, path: PathBuf) -> PyResult<()> {
        file::save(&self.inner, &path).map_err(gerr)
    }

    /// gavel's TF-IDF rows of `texts` (see [`transform`]).
    #[pyo3(signature = (texts, threads=None))]
    fn transform<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<PyBackedStr>,
        threads: Option<usize>,
    ) -> PyResult<CsrBytes<'py>> {
        transform(py, &self.inner.vectorizer, texts, threads)
    }
}

/// `v`'s TF-IDF rows of `texts`: `(indptr, indices, values, n_columns)`, the first three as
/// little-endian i64, i32 and f32 bytes, columns increasing within a row.
pub(crate) fn transform<'py>(
    py: Python<'py>,
    v: &Vectorizer,
    texts: Vec<PyBackedStr>,
    threads: Option<usize>,
) -> PyResult<CsrBytes<'py>> {
    let pool = score::pool(threads)?;
    let m = py.detach(|| {
        score::on_pool(&pool, || {
            let t: Vec<&str> = texts.iter().map(|s| &**s).collect();
            v.transform_batch(&t)
        })
    });
    let indptr: Vec<u8> = m
        .indptr
        .iter()
        .flat_map(|&i| (i as i64).to_le_bytes())
        .collect();
    let indices: Vec<u8> = m
        .indices
        .iter()
        .flat_map(|&i| (i as i32).to_le_bytes())
        .collect();
    let values: Vec<u8> = m.values.iter().flat_map(|v| v.to_le_bytes()).collect();
    Ok((
        PyBytes::new(py, &indptr),
        PyBytes::new(py, &indices),
        PyBytes::new(py, &values),
        m.n_cols,
    ))
}

/// Loads a model file; with `any_target`, a per-target model also scores targets it was not
/// trained on (and rows without one) with the mean of its targets' heads (`--any-target`).
#[pyfunction]
#[pyo3(signature = (path, any_target=false))]
fn load(py: Python<'_>, path: PathBuf, any_target: bool) -> PyResult<Model> {
    let m = py.detach(|| file::load(&path)).map_err(gerr)?;
    let m = if any_target { m.with_any_target() } else { m };
    Ok(Model { inner: Arc::new(m) })
}

/// Reads a model from a model file's bytes (as `Model.to_bytes` gives).
#[pyfunction]
fn from_bytes(bytes: &[u8]) -> PyResult<Model> {
    let m = file::from_bytes(bytes).map_err(err)?;
    Ok(Model { inner: Arc::new(m) })
}

/// Runs a gavel command line in this process (`["train", "--data", …]`), quietly unless
/// `-v` is among the arguments; raises `GavelError` with the CLI's message when it fails.
#[pyfunction]
fn run_cli(py: Python<'_>, args: Vec<String>) -> PyResult<()> {
    let argv = std::iter::once("gavel".to_string()).chain(args);
    let parsed = Cli::try_parse_from(argv).map_err(|e| err(e.render()))?;
    py.detach(|| cli::run(parsed))
        .map_err(|e| err(format!("{e:#}")))
}

/// Gives the memory the C allocator holds free back to the operating system. Scoring many
/// rows frees large buffers (per-chunk strings, columns copied into Python objects) that
/// glibc otherwise keeps in its heaps, so that the process would stay as large as its peak.
#[pyfunction]
fn release_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns unused pages of the allocator's own heaps; it has no
    // preconditions and touches no memory in use.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[pymodule]
fn _gavel(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Model>()?;
    m.add_function(wrap_pyfunction!(load, m)?)?;
    m.add_function(wrap_pyfunction!(from_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(run_cli, m)?)?;
    m.add_function(wrap_pyfunction!(release_memory, m)?)?;
    m.add_function(wrap_pyfunction!(score::score, m)?)?;
    m.add_class::<train::Recipe>()?;
    m.add_class::<train::Features>()?;
    m.add_function(wrap_pyfunction!(train::doc_freq, m)?)?;
    m.add_function(wrap_pyfunction!(train::assemble_model, m)?)?;
    m.add("GavelError", m.py().get_type::<GavelError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
