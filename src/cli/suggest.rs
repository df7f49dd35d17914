//! `gavel suggest`: the unlabelled comments most worth a moderator's label, as a file to fill
//! in and give to `gavel train --init`.

use super::args::{fraction, int_in, refuse_overwrite, DataArgs, OnErrorArg};
use super::score::warn_duplicates;
use super::Ui;
use crate::features::VecScratch;
use crate::io::{Cell, Format, Record, RecordReader, RecordWriter};
use crate::model::{file, Model};
use crate::pick::{by_uncertainty, densities, median, pick, uncertainty};
use crate::score::{RowScorer, ScoreOptions};
use anyhow::{bail, Result};
use clap::Args;
use rayon::prelude::*;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct Cmd {
    /// Model file
    #[arg(long)]
    pub model: PathBuf,
    #[command(flatten)]
    pub data: DataArgs,
    /// How many comments to suggest
    #[arg(short, default_value_t = 50, value_parser = int_in::<1, 1_000_000>)]
    pub n: usize,
    /// The target every comment is read against (a story's subject), for a stance model;
    /// default: each row's own, in the model's target column
    #[arg(long)]
    pub target: Option<String>,
    /// Text column (default: the one the model was trained on)
    #[arg(long)]
    pub text: Option<String>,
    /// Skip a comment whose TF-IDF cosine similarity to one already suggested is at least
    /// this: 1 keeps out repeats only, lower values near-repeats too
    #[arg(long, default_value_t = 0.8, value_parser = fraction)]
    pub max_similarity: f64,
    /// Output file (written atomically); standard output when absent or '-'
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

/// Columns the output adds after the input's.
const ROW: &str = "row";
const UNCERTAINTY: &str = "uncertainty";

pub fn run(cmd: &Cmd, ui: &Ui) -> Result<()> {
    if let Some(out) = &cmd.output {
        refuse_overwrite([&cmd.model, &cmd.data.data], out)?;
    }
    let model = file::load(&cmd.model)?;
    let mut reader = RecordReader::open(Some(&cmd.data.data), cmd.data.read_options()?)?;
    warn_duplicates(&reader, ui);
    let name = reader.name().to_string();
    let text_col = cmd.text.clone().unwrap_or(model.spec.text_column.clone());
    let ti = reader.column(&text_col)?;
    let target = target_of_rows(&model, &reader, cmd.target.as_deref())?;
    // a row already labelled (any label cell filled) is no candidate
    let labels: Vec<String> = model
        .spec
        .label_columns()
        .iter()
        .map(|s| s.to_string())
        .collect();
    let label_at: Vec<usize> = labels
        .iter()
        .filter_map(|l| reader.column(l).ok())
        .collect();
    let mut records: Vec<Record> = Vec::new();
    while let Some(rec) = reader.next_record()? {
        records.push(rec);
    }
    let outputs = model.output_names();
    let opts = ScoreOptions::default();
    let scorer = RowScorer::new(&model, &opts);
    let n_out = outputs.len();
    let mut probs = vec![0.0; records.len() * n_out];
    // per row: its uncertainty, or why it cannot be scored (column, message)
    let scored: Vec<std::result::Result<Option<f64>, (String, String)>> = records
        .par_iter()
        .zip(probs.par_chunks_mut(n_out))
        .map(|(rec, p)| {
            if label_at.iter().any(|&i| !rec.fields[i].trim().is_empty()) {
                return Ok(None);
            }
            let text = rec.text(ti).map_err(|m| (text_col.clone(), m))?;
            let t = target.value(rec);
            match scorer.score(text, t, None, p) {
                Ok(out) => Ok(Some(uncertainty(&model, out.target, p))),
                Err((crate::score::Field::Target, m)) => Err((target.column(), m)),
                Err((_, m)) => Err((text_col.clone(), m)),
            }
        })
        .collect();
    let mut candidates = Vec::with_capacity(records.len());
    let (mut labelled, mut skipped) = (0usize, 0usize);
    for (i, s) in scored.into_iter().enumerate() {
        match s {
            Ok(Some(u)) => candidates.push((i, u)),
            Ok(None) => labelled += 1,
            Err((col, m)) if cmd.data.on_error == OnErrorArg::Stop => {
                bail!("{name}: line {}, column '{col}': {m}", records[i].line)
            }
            Err(_) => skipped += 1,
        }
    }
    // the comments at least as typical of the pool as its median one come first
    let vector_of = |i: usize| {
        let text = records[i].fields[ti].as_str();
        let read = model.text_for(text, target.value(&records[i]));
        let (mut idx, mut val) = (Vec::new(), Vec::new());
        VecScratch::with(|sc| {
            model
                .vectorizer
                .transform_sorted_into(&read, sc, &mut idx, &mut val)
        });
        (idx, val)
    };
    let density = densities(candidates.len(), model.vectorizer.n_features(), |c| {
        vector_of(candidates[c].0)
    });
    let typical_from = median(&density);
    let (typical, rest): (Vec<_>, Vec<_>) = candidates
        .iter()
        .zip(&density)
        .partition(|(_, &d)| d >= typical_from);
    let strip = |v: Vec<(&(usize, f64), &f64)>| v.into_iter().map(|(&c, _)| c).collect::<Vec<_>>();
    // the typical comments first, most uncertain first; the others after them, for when
    // near-repeats leave too few
    let mut order = by_uncertainty(&strip(typical));
    order.extend(by_uncertainty(&strip(rest)));
    let picked = pick(&order, vector_of, cmd.n, cmd.max_similarity);
    let unc: std::collections::HashMap<usize, f64> = candidates.iter().copied().collect();

    let out_format = match &cmd.output {
        Some(p) => Format::from_path(p).unwrap_or(reader.format()),
        None => reader.format(),
    };
    let mut header: Vec<String> = reader.headers().to_vec();
    let add_target = target.added();
    let add_labels: Vec<&String> = labels.iter().filter(|l| !header.contains(l)).collect();
    let mut added: Vec<String> = add_target.iter().map(|(c, _)| c.clone()).collect();
    added.push(ROW.into());
    added.extend(outputs.iter().cloned());
    added.push(UNCERTAINTY.into());
    added.extend(add_labels.iter().map(|s| s.to_string()));
    for a in &added {
        if header.contains(a) {
            bail!("{name}: the input already has a column '{a}', which suggest writes");
        }
    }
    header.extend(added.iter().cloned());
    let mut writer = RecordWriter::create(cmd.output.as_deref(), out_format)?;
    writer.write_header(&header)?;
    writer.mark_text(&text_col);
    for &i in &picked {
        let rec = &records[i];
        let fields: Vec<&str> = rec.fields.iter().map(|s| s.as_str()).collect();
        let mut extra: Vec<(&str, Cell)> = Vec::new();
        if let Some((c, v)) = &add_target {
            extra.push((c, Cell::Text(v.clone())));
        }
        extra.push((ROW, Cell::Int(i as i64 + 1)));
        for (o, &p) in outputs.iter().zip(&probs[i * n_out..(i + 1) * n_out]) {
            extra.push((o, Cell::Num(p)));
        }
        extra.push((UNCERTAINTY, Cell::Num(unc[&i])));
        for l in &add_labels {
            extra.push((l, Cell::Text(String::new())));
        }
        writer.write_row(&fields, rec.json.as_ref(), &extra)?;
    }
    writer.finish()?;
    ui.info(&format!(
        "suggested {} of {} unlabelled comments ({} already labelled, {} unscorable skipped); fill in {} and run: gavel train --init {} --data FILE -o NEW",
        picked.len(),
        candidates.len(),
        labelled,
        skipped,
        labels.join(", "),
        cmd.model.display()
    ));
    Ok(())
}

/// Where each row's target comes from.
enum Targets {
    /// a model without targets
    None,
    /// the row's cell in this column (index, name)
    Column(usize, String),
    /// this value for every row, written to the output in the model's target column
    Every(String, String),
}

impl Targets {
    fn value<'r>(&'r self, rec: &'r Record) -> Option<&'r str> {
        match self {
            Targets::None => None,
            Targets::Column(i, _) => Some(rec.fields[*i].as_str()),
            Targets::Every(_, v) => Some(v),
        }
    }

    fn column(&self) -> String {
        match self {
            Targets::None => String::new(),
            Targets::Column(_, c) | Targets::Every(c, _) => c.clone(),
        }
    }

    /// The target column the output adds, with its value.
    fn added(&self) -> Option<(String, String)> {
        match self {
            Targets::Every(c, v) => Some((c.clone(), v.clone())),
            _ => None,
        }
    }
}

fn target_of_rows(model: &Model, reader: &RecordReader, every: Option<&str>) -> Result<Targets> {
    let Some(ts) = &model.spec.target else {
        if every.is_some() {
            bail!("--target: the model has no targets");
        }
        return Ok(Targets::None);
    };
    match (every, reader.column(&ts.column)) {
        (Some(_), Ok(_)) => bail!(
            "{}: the data has its own target column '{}'; leave out --target, or the column",
            reader.name(),
            ts.column
        ),
        (Some(v), Err(_)) => {
            if v.trim().is_empty() {
                bail!("--target: the target is empty");
            }
            Ok(Targets::Every(ts.column.clone(), v.to_string()))
        }
        (None, Ok(i)) => Ok(Targets::Column(i, ts.column.clone())),
        (None, Err(e)) => bail!("{e}; or name every comment's target with --target"),
    }
}
