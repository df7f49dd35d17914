//! Scoring a list of comments in process: the cells `gavel score` writes for each row, as
//! columns, computed by the same [`RowScorer`] as the CLI's, with the GIL released.

use crate::{err, gerr, Model};
use ::gavel::io::Cell;
use ::gavel::langid::LangId;
use ::gavel::model::file;
use ::gavel::policy::Policy;
use ::gavel::score::{Articles, Field, OnError, RowOut, RowScorer, ScoreOptions};
use ::gavel::topic::{Topic, TopicVec};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyBytes, PyList, PyString};
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

/// A pool of `threads` threads, or `None` for rayon's global pool (every core).
pub fn pool(threads: Option<usize>) -> PyResult<Option<rayon::ThreadPool>> {
    match threads {
        None => Ok(None),
        Some(0) => Err(err("threads must be at least 1")),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map(Some)
            .map_err(err),
    }
}

/// Runs `f` on `pool`, or on rayon's global pool.
pub fn on_pool<T: Send>(pool: &Option<rayon::ThreadPool>, f: impl FnOnce() -> T + Send) -> T {
    match pool {
        Some(p) => p.install(f),
        None => f(),
    }
}

/// Rows scored at a time: each chunk's comments are borrowed (or, under Python 3.9's
/// limited API, copied) as UTF-8 and its scores turned into cells before the next, so that
/// what scoring adds to memory beyond its result stays small whatever the number of rows.
const CHUNK: usize = 16_384;

/// A column of the result: numbers (NaN where a row has none) as little-endian f64 bytes,
/// or text (None where a row has none).
enum Column {
    Num(Vec<u8>),
    Text(Vec<Option<String>>),
}

/// What one row came to.
type Status = Result<RowOut, (Field, String)>;

/// Scores `texts` as `gavel score` scores a file's rows: returns `(name, "f64", bytes)` and
/// `(name, "str", list)` columns, in the CLI's column order. `articles` are the distinct
/// article texts, `article_index` each row's (all rows the first when it is `None`).
/// `text_name` and `target_name` name the columns in error messages; a bad row raises
/// `GavelError` (`on_error="stop"`) or is given NaN scores and an `error` cell (`"skip"`).
#[pyfunction]
#[pyo3(signature = (model, texts, targets=None, articles=None, article_index=None, policy=None,
    lang_id=None, explain=0, on_error="stop", threads=None, max_text_bytes=None,
    text_name="text", target_name="target"))]
#[allow(clippy::too_many_arguments)]
pub fn score<'py>(
    py: Python<'py>,
    model: &Model,
    texts: Vec<Bound<'py, PyString>>,
    targets: Option<Vec<Option<Bound<'py, PyString>>>>,
    articles: Option<Vec<PyBackedStr>>,
    article_index: Option<Vec<i64>>,
    policy: Option<PathBuf>,
    lang_id: Option<PathBuf>,
    explain: usize,
    on_error: &str,
    threads: Option<usize>,
    max_text_bytes: Option<usize>,
    text_name: &str,
    target_name: &str,
) -> PyResult<Vec<(String, &'static str, Py<PyAny>)>> {
    let m = &*model.inner;
    let on_error = match on_error {
        "stop" => OnError::Stop,
        "skip" => OnError::Skip,
        other => {
            return Err(err(format!(
                "on_error must be 'stop' or 'skip', not '{other}'"
            )))
        }
    };
    if let Some(t) = &targets {
        if t.len() != texts.len() {
            return Err(err(format!(
                "{} targets for {} texts",
                t.len(),
                texts.len()
            )));
        }
    }
    let policy = match &policy {
        Some(p) => {
            let pol = Policy::load(p).map_err(gerr)?;
            if let (Some(n), None) = (pol.first_lang_rule(), &lang_id) {
                return Err(err(format!(
                    "{}: rule {n} applies to some languages only: pass lang_id='models/lang.gavel' so that each comment has one",
                    p.display()
                )));
            }
            Some(
                pol.bind(&m.output_names(), &p.display().to_string())
                    .map_err(gerr)?,
            )
        }
        None => None,
    };
    let lang_id = match &lang_id {
        Some(p) => {
            let lm = file::load(p).map_err(gerr)?;
            Some(Arc::new(
                LangId::new(lm, &p.display().to_string()).map_err(gerr)?,
            ))
        }
        None => None,
    };
    let topic = Topic::new(&m.vectorizer);
    let vecs: Vec<TopicVec> = articles.iter().flatten().map(|a| topic.vector(a)).collect();
    if articles.is_some() && vecs.is_empty() {
        return Err(err("articles is empty"));
    }
    if let Some(ix) = &article_index {
        if ix.len() != texts.len() {
            return Err(err(format!(
                "{} article indices for {} texts",
                ix.len(),
                texts.len()
            )));
        }
        if let Some(bad) = ix.iter().find(|&&i| i < 0 || i as usize >= vecs.len()) {
            return Err(err(format!(
                "article index {bad} is not one of the {} articles",
                vecs.len()
            )));
        }
    }
    let opts = ScoreOptions {
        on_error,
        policy,
        explain,
        articles: vecs.first().cloned().map(Articles::One),
        lang_id,
        max_text_bytes,
        ..ScoreOptions::default()
    };
    let scorer = RowScorer::new(m, &opts);
    let n_out = m.n_outputs();
    let n = texts.len();
    let pool = pool(threads)?;
    let added = scorer.added_columns();
    let mut cols: Vec<Option<Column>> = (0..added.len()).map(|_| None).collect();
    // one row's cells at a time
    let mut cells: Vec<Cell> = Vec::with_capacity(added.len());
    for start in (0..n).step_by(CHUNK) {
        let end = (start + CHUNK).min(n);
        let tx: Vec<PyBackedStr> = backed(texts[start..end].iter().map(Some))?
            .into_iter()
            .flatten()
            .collect();
        let tg = match &targets {
            Some(t) => Some(backed(t[start..end].iter().map(Option::as_ref))?),
            None => None,
        };
        let (flat, status) = py.detach(|| {
            on_pool(&pool, || {
                let mut flat = vec![f64::NAN; tx.len() * n_out];
                let status: Vec<Status> = (0..tx.len())
                    .into_par_iter()
                    .zip(flat.par_chunks_mut(n_out.max(1)))
                    .map(|(i, out)| {
                        let target = tg.as_ref().and_then(|t| t[i].as_deref());
                        let article = match (&article_index, vecs.is_empty()) {
                            (_, true) => None,
                            (Some(ix), false) => Some(&vecs[ix[start + i] as usize]),
                            (None, false) => Some(&vecs[0]),
                        };
                        scorer.score(&tx[i], target, article, out)
                    })
                    .collect();
                (flat, status)
            })
        });
        for (j, (st, p)) in status
            .into_iter()
            .zip(flat.chunks(n_out.max(1)))
            .enumerate()
        {
            let i = start + j;
            cells.clear();
            match st {
                Ok(row) => {
                    scorer.cells_into(p, row, &mut cells);
                    if on_error == OnError::Skip {
                        cells.push(Cell::Empty);
                    }
                }
                Err((field, msg)) => {
                    let col = match field {
                        Field::Text => text_name,
                        Field::Target => target_name,
                    };
                    let msg = format!("row {i}, column '{col}': {msg}");
                    if on_error == OnError::Stop {
                        return Err(err(msg));
                    }
                    cells.resize(added.len() - 1, Cell::Empty);
                    cells.push(Cell::Text(msg));
                }
            };
            for (slot, cell) in cols.iter_mut().zip(cells.drain(..)) {
                push(slot, cell, i, n);
            }
        }
    }
    let mut result = Vec::with_capacity(added.len());
    for (name, col) in added.into_iter().zip(cols) {
        let (kind, obj) = match col.unwrap_or(Column::Text(Vec::new())) {
            Column::Text(mut t) => {
                t.resize(n, None);
                ("str", PyList::new(py, t)?.into_any().unbind())
            }
            Column::Num(b) => ("f64", PyBytes::new(py, &b).into_any().unbind()),
        };
        result.push((name, kind, obj));
    }
    Ok(result)
}

/// Python strings as UTF-8 that outlives the GIL (borrowed, or copied under Python 3.9's
/// limited API).
fn backed<'a, 'py: 'a>(
    strings: impl Iterator<Item = Option<&'a Bound<'py, PyString>>>,
) -> PyResult<Vec<Option<PyBackedStr>>> {
    strings
        .map(|o| o.map(|s| s.clone().try_into()).transpose())
        .collect()
}

/// Appends row `i`'s cell to its column, which takes its kind from its first non-empty cell
/// (earlier rows filled in as missing).
fn push(slot: &mut Option<Column>, cell: Cell, i: usize, n: usize) {
    let num = match &cell {
        Cell::Num(v) => Some(*v),
        Cell::Int(v) => Some(*v as f64),
        _ => None,
    };
    if slot.is_none() && cell == Cell::Empty {
        return;
    }
    let col = slot.get_or_insert_with(|| match (&cell, num) {
        (_, Some(_)) => {
            let mut b = Vec::with_capacity(n * 8);
            b.extend(std::iter::repeat_n(f64::NAN.to_le_bytes(), i).flatten());
            Column::Num(b)
        }
        _ => Column::Text(Vec::with_capacity(n)),
    });
    match col {
        Column::Num(b) => b.extend(num.unwrap_or(f64::NAN).to_le_bytes()),
        Column::Text(t) => {
            t.resize(i, None);
            t.push(match cell {
                Cell::Text(s) => Some(s),
                _ => None,
            })
        }
    }
}
