//! Batch scoring: records stream in, are scored in parallel in bounded batches, and are
//! written out in input order with one probability column per output. No row is dropped:
//! a bad row either stops the run with its location or is written with empty scores and an
//! `error` cell.

mod row;

pub use row::{added_columns, Asked, Field, Kind, RowOut, RowScorer};

use crate::error::{Error, Result};
use crate::io::{Cell, Record, RecordReader, RecordWriter};
use crate::model::Model;
use crate::policy::BoundPolicy;
use crate::topic::TopicVec;
use std::collections::HashMap;

/// The articles comments are scored against for the `on_topic` column.
#[derive(Clone, Debug)]
pub enum Articles {
    /// every row is about this article
    One(TopicVec),
    /// row's article id in `column` → its article
    ById {
        column: String,
        by_id: HashMap<String, TopicVec>,
    },
}
use rayon::prelude::*;

/// What to do with a row that cannot be scored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnError {
    /// stop with an error naming file, line and column (default)
    Stop,
    /// write the row with empty scores and the reason in an `error` column
    Skip,
}

/// Options of a scoring run.
#[derive(Clone, Debug)]
pub struct ScoreOptions {
    /// text column; default the model's
    pub text_column: Option<String>,
    /// target column of per-target models; default the model's
    pub target_column: Option<String>,
    /// input columns to keep in the output; default all
    pub keep: Option<Vec<String>>,
    pub on_error: OnError,
    /// rows per parallel batch (memory is bounded by this). Default 8192.
    pub batch: usize,
    /// adds `decision` and `reason` columns
    pub policy: Option<BoundPolicy>,
    /// adds an `explain` column with this many words per flagged output (0: none)
    pub explain: usize,
    /// adds an `on_topic` column: the comment's similarity to its article
    pub articles: Option<Articles>,
    /// adds a `lang` column: the comment's language (en, ur-Latn, ur-Arab, hi-Deva, other)
    pub lang_id: Option<std::sync::Arc<crate::langid::LangId>>,
    /// a row whose text is longer, in bytes, is not scored (an error of that row)
    pub max_text_bytes: Option<usize>,
}

impl Default for ScoreOptions {
    fn default() -> Self {
        ScoreOptions {
            text_column: None,
            target_column: None,
            keep: None,
            on_error: OnError::Stop,
            batch: 8192,
            policy: None,
            explain: 0,
            articles: None,
            lang_id: None,
            max_text_bytes: None,
        }
    }
}

/// Counts of a finished run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScoreSummary {
    pub rows: u64,
    pub errors: u64,
}

/// Scores every record of `reader` into `writer` (header included). Does not call
/// `writer.finish()`.
pub fn score_stream(
    model: &Model,
    reader: &mut RecordReader,
    writer: &mut RecordWriter,
    opts: &ScoreOptions,
) -> Result<ScoreSummary> {
    score_stream_with(model, reader, writer, opts, &mut |_, _| {})
}

/// [`score_stream`], calling `progress(rows written so far, input bytes read)` after every
/// batch.
pub fn score_stream_with(
    model: &Model,
    reader: &mut RecordReader,
    writer: &mut RecordWriter,
    opts: &ScoreOptions,
    progress: &mut dyn FnMut(&ScoreSummary, u64),
) -> Result<ScoreSummary> {
    let text_col = opts
        .text_column
        .clone()
        .unwrap_or_else(|| model.spec.text_column.clone());
    let ti = reader.column(&text_col)?;
    let target = match (&model.spec.target, &opts.target_column) {
        // a model with the any-target group scores input without a target column with it
        (Some(t), None) if model.has_any_target() && reader.column(&t.column).is_err() => None,
        (Some(t), over) => {
            let col = over.clone().unwrap_or_else(|| t.column.clone());
            Some((reader.column(&col)?, col))
        }
        (None, _) => None,
    };
    let kept: Vec<usize> = match &opts.keep {
        Some(cols) => cols
            .iter()
            .map(|c| reader.column(c))
            .collect::<Result<_>>()?,
        None => (0..reader.headers().len()).collect(),
    };
    let scorer = RowScorer::new(model, opts);
    let added = scorer.added_columns();
    let mut header: Vec<String> = kept.iter().map(|&i| reader.headers()[i].clone()).collect();
    for a in &added {
        if header.contains(a) {
            return Err(Error::Data(format!(
                "{}: the input already has a column '{a}'; drop it with --keep",
                reader.name()
            )));
        }
    }
    header.extend(added.iter().cloned());
    writer.write_header(&header)?;
    // a comment that reads as a number ("1947") stays text in JSONL output
    writer.mark_text(&text_col);
    let kept_names: Option<Vec<String>> = opts
        .keep
        .as_ref()
        .map(|_| kept.iter().map(|&i| reader.headers()[i].clone()).collect());

    let article_col = match &opts.articles {
        Some(Articles::ById { column, .. }) => Some(reader.column(column)?),
        _ => None,
    };
    // the article of a record, or the column and reason it has none
    let article_of = |rec: &Record| -> std::result::Result<Option<&TopicVec>, (String, String)> {
        match (&opts.articles, article_col) {
            (Some(Articles::One(a)), _) => Ok(Some(a)),
            (Some(Articles::ById { column, by_id }), Some(i)) => {
                let id = rec.fields[i].trim();
                by_id.get(id).map(Some).ok_or_else(|| {
                    (
                        column.clone(),
                        format!(
                            "no article with id '{}' in the articles file",
                            crate::error::excerpt(id, 60)
                        ),
                    )
                })
            }
            _ => Ok(None),
        }
    };
    let name = reader.name().to_string();
    let n_out = model.n_outputs();
    let size = opts.batch.max(1);
    // each row's scores go to its slice of one flat buffer per batch (no allocation per row)
    let score_one = |rec: &Record, out: &mut [f64]| -> Status {
        let text = rec.text(ti).map_err(|m| (text_col.clone(), m))?;
        let t = target.as_ref().map(|(i, _)| rec.fields[*i].as_str());
        let article = article_of(rec)?;
        scorer.score(text, t, article, out).map_err(|(field, m)| {
            let col = match (field, &target) {
                (Field::Target, Some((_, col))) => col.clone(),
                _ => text_col.clone(),
            };
            (col, m)
        })
    };
    let score_batch = |batch: &[Record]| -> Scored {
        let mut flat = vec![0.0; batch.len() * n_out];
        let status = batch
            .par_iter()
            .zip(flat.par_chunks_mut(n_out))
            .map(|(rec, out)| score_one(rec, out))
            .collect();
        Scored { flat, status }
    };
    // Reading and writing overlap scoring without threads of their own: the pool scores batch
    // k while one of its workers writes batch k-1 and reads batch k+1, then joins the scoring.
    // Rows are written in input order; a bad record stops the run after the rows before it.
    let mut out = Output {
        writer,
        kept: &kept,
        added: &added,
        n_out,
        scorer: &scorer,
        opts,
        name: &name,
        kept_names: kept_names.as_deref(),
        summary: ScoreSummary::default(),
    };
    let (mut cur, mut fail) = read_batch(reader, size);
    let mut done: Option<(Vec<Record>, Scored)> = None;
    loop {
        let last = fail.is_some() || cur.len() < size;
        let ((wrote, next), scored) = rayon::join(
            || {
                let wrote = done.take().map_or(Ok(()), |d| out.write_batch(d));
                let next = match last || wrote.is_err() {
                    true => (Vec::new(), None),
                    false => read_batch(reader, size),
                };
                (wrote, next)
            },
            || score_batch(&cur),
        );
        wrote?;
        progress(&out.summary, reader.bytes_read());
        done = Some((cur, scored));
        if last {
            break;
        }
        (cur, fail) = next;
    }
    if let Some(d) = done {
        out.write_batch(d)?;
    }
    match fail {
        Some(e) => Err(e),
        None => Ok(out.summary),
    }
}

/// Up to `size` records, and the error that cut the batch short, if any.
fn read_batch(reader: &mut RecordReader, size: usize) -> (Vec<Record>, Option<Error>) {
    let mut batch = Vec::with_capacity(size);
    while batch.len() < size {
        match reader.next_record() {
            Ok(Some(r)) => batch.push(r),
            Ok(None) => break,
            Err(e) => return (batch, Some(e)),
        }
    }
    (batch, None)
}

/// A scored row, or the column and reason it could not be scored.
type Status = std::result::Result<RowOut, (String, String)>;

/// A batch's scores: row `i`'s outputs at `flat[i * n_out..]`, if `status[i]` is `Ok`.
struct Scored {
    flat: Vec<f64>,
    status: Vec<Status>,
}

/// Where scored rows go, and what writing them needs.
struct Output<'a> {
    writer: &'a mut RecordWriter,
    kept: &'a [usize],
    added: &'a [String],
    n_out: usize,
    scorer: &'a RowScorer<'a>,
    opts: &'a ScoreOptions,
    name: &'a str,
    /// with `--keep`, the JSONL keys kept
    kept_names: Option<&'a [String]>,
    summary: ScoreSummary,
}

/// A row's buffers, reused across a batch: its kept fields (borrowed from the batch), its
/// added cells, and the cells with their column names (borrowed from the run).
struct RowBufs<'r, 'a> {
    fields: Vec<&'r str>,
    cells: Vec<Cell>,
    extra: Vec<(&'a str, Cell)>,
}

impl<'a> Output<'a> {
    /// Writes a batch of input rows with their scores, in order.
    fn write_batch(&mut self, (batch, scored): (Vec<Record>, Scored)) -> Result<()> {
        let n = self.n_out;
        // one set of buffers for the batch's rows
        let mut row = RowBufs {
            fields: Vec::with_capacity(self.kept.len()),
            cells: Vec::with_capacity(self.added.len()),
            extra: Vec::with_capacity(self.added.len()),
        };
        for ((rec, status), p) in batch.iter().zip(scored.status).zip(scored.flat.chunks(n)) {
            self.write_row(rec, status.map(|r| (p, r)), &mut row)?;
        }
        Ok(())
    }

    /// Writes one input row with its scores (or its error cell).
    fn write_row<'r>(
        &mut self,
        rec: &'r Record,
        res: std::result::Result<(&[f64], RowOut), (String, String)>,
        bufs: &mut RowBufs<'r, 'a>,
    ) -> Result<()> {
        let RowBufs {
            fields,
            cells,
            extra,
        } = bufs;
        fields.clear();
        fields.extend(self.kept.iter().map(|&i| rec.fields[i].as_str()));
        extra.clear();
        let added = self.added;
        match res {
            Ok((p, row)) => {
                self.scorer.cells_into(p, row, cells);
                extra.extend(added.iter().map(String::as_str).zip(cells.drain(..)));
                if self.opts.on_error == OnError::Skip {
                    extra.push(("error", Cell::Empty));
                }
            }
            Err((col, msg)) => {
                if self.opts.on_error == OnError::Stop {
                    return Err(Error::input(self.name, rec.line, Some(&col), msg));
                }
                self.summary.errors += 1;
                for a in &added[..added.len() - 1] {
                    extra.push((a, Cell::Empty));
                }
                extra.push((
                    "error",
                    Cell::Text(format!("line {}, column '{col}': {msg}", rec.line)),
                ));
            }
        }
        let kept_json = match (&rec.json, self.kept_names) {
            (Some(obj), Some(keys)) => Some(std::borrow::Cow::Owned(obj.select(keys))),
            (Some(obj), None) => Some(std::borrow::Cow::Borrowed(obj)),
            (None, _) => None,
        };
        self.writer.write_row(fields, kept_json.as_deref(), extra)?;
        self.summary.rows += 1;
        Ok(())
    }
}
