//! Reports for people (Markdown) and programs (JSON) from an evaluation or a cross-validation.

use super::evaluate::{EvalReport, HeadReport};
use super::tables::{self, headline, md_cell, Table};
use serde::Serialize;
use std::fmt::Write;

/// Markdown for one evaluation.
pub fn eval_markdown(r: &EvalReport, model_name: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Evaluation of `{model_name}`\n");
    let _ = writeln!(s, "Data: `{}`, {} rows.\n", r.data_file, r.rows);
    for h in &r.heads {
        head_markdown(&mut s, h);
    }
    s
}

fn head_markdown(s: &mut String, h: &HeadReport) {
    let _ = writeln!(s, "## {} ({}, {} rows)\n", h.name, h.kind, h.rows);
    let _ = writeln!(s, "{}", tables::metrics(h).markdown());
    let _ = writeln!(s, "{}", tables::per_class(h).markdown());
    let _ = writeln!(
        s,
        "Confusion matrix (rows: true class, columns: predicted):\n"
    );
    let mut header = vec!["true \\ predicted".to_string()];
    header.extend(h.classes.iter().cloned());
    let confusion = Table {
        header,
        rows: h
            .classes
            .iter()
            .zip(&h.confusion)
            .map(|(c, row)| {
                std::iter::once(c.clone())
                    .chain(row.iter().map(|v| v.to_string()))
                    .collect()
            })
            .collect(),
        text_cols: 1,
    };
    let _ = write!(s, "{}", confusion.markdown());
    if let Some(t) = tables::by_target(h) {
        let _ = write!(s, "\nBy target:\n\n{}", t.markdown());
    }
    if let Some(t) = tables::thresholds(h) {
        let _ = write!(
            s,
            "\nThresholds (positive class `{}`):\n\n{}",
            h.positive.as_deref().unwrap_or(""),
            t.markdown()
        );
        for line in tables::precision_targets(h) {
            let _ = writeln!(s, "\n{line}");
        }
    }
    if !h.errors.is_empty() {
        let _ = writeln!(
            s,
            "\nWorst errors (n-gram columns and their contributions to the logit):\n\n| kind | line | truth | predicted | score | comment | driven by |\n|---|---|---|---|---|---|---|"
        );
        for e in &h.errors {
            let drivers: Vec<String> = e
                .drivers
                .iter()
                .map(|(g, c)| format!("`{}` {c:+.3}", g.replace('`', "'")))
                .collect();
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {:.3} | {} | {} |",
                e.kind,
                e.line,
                e.truth,
                e.predicted,
                e.score,
                md_cell(&e.text),
                md_cell(&drivers.join(", "))
            );
        }
    }
    let _ = writeln!(s);
}

/// Markdown of a comparison.
pub fn compare_markdown(r: &super::compare::CompareReport) -> String {
    let mut s = format!(
        "# Comparison: `{}` (A) against `{}` (B)\n\nData: `{}`, {} rows. Intervals: paired bootstrap, {} resamples, seed {}, {:.0}%.\n\n",
        r.models[0],
        r.models[1],
        r.data_file,
        r.rows,
        r.bootstrap.resamples,
        r.bootstrap.seed,
        r.bootstrap.confidence * 100.0
    );
    for h in &r.heads {
        let _ = writeln!(
            s,
            "## {}\n\n{}",
            h.name,
            tables::differences(&h.metrics).markdown()
        );
    }
    s
}

/// Mean and spread of one metric over folds.
#[derive(Clone, Debug, Serialize)]
pub struct Spread {
    pub metric: String,
    pub mean: f64,
    pub std: f64,
    pub folds: Vec<f64>,
}

/// Cross-validated figures of one head.
#[derive(Clone, Debug, Serialize)]
pub struct CvHead {
    pub name: String,
    pub metrics: Vec<Spread>,
}

/// Cross-validated figures per head.
#[derive(Clone, Debug, Serialize)]
pub struct CvReport {
    /// "gavel.cv/2": the name and version of this JSON layout (README, "Report JSON")
    pub schema: &'static str,
    pub data_file: String,
    pub folds: usize,
    pub seed: u64,
    /// each metric's spread over the folds
    pub heads: Vec<CvHead>,
    /// the report of every row's out-of-fold prediction: curves, thresholds, worst errors
    pub pooled: EvalReport,
}

/// Aggregates per-fold evaluations (same heads in each) into mean ± std (sample std), with
/// the pooled out-of-fold report.
pub fn cv_report(data_file: &str, seed: u64, folds: &[EvalReport], pooled: EvalReport) -> CvReport {
    let mut heads = Vec::new();
    if let Some(first) = folds.first() {
        for (hi, h) in first.heads.iter().enumerate() {
            let mut spreads = Vec::new();
            for (mi, (name, _)) in headline(h).into_iter().enumerate() {
                let vals: Vec<f64> = folds
                    .iter()
                    .filter_map(|f| headline(&f.heads[hi])[mi].1)
                    .collect();
                if vals.is_empty() {
                    continue;
                }
                let mean = vals.iter().sum::<f64>() / vals.len() as f64;
                let var = if vals.len() > 1 {
                    vals.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (vals.len() - 1) as f64
                } else {
                    0.0
                };
                spreads.push(Spread {
                    metric: name.to_string(),
                    mean,
                    std: var.sqrt(),
                    folds: vals,
                });
            }
            heads.push(CvHead {
                name: h.name.clone(),
                metrics: spreads,
            });
        }
    }
    CvReport {
        schema: "gavel.cv/2",
        data_file: data_file.to_string(),
        folds: folds.len(),
        seed,
        heads,
        pooled,
    }
}

/// Markdown for a cross-validation.
pub fn cv_markdown(r: &CvReport) -> String {
    let mut s = format!(
        "# {}-fold cross-validation\n\nData: `{}`, seed {}.\n\n",
        r.folds, r.data_file, r.seed
    );
    for h in &r.heads {
        let _ = writeln!(
            s,
            "## {}\n\n{}",
            h.name,
            tables::spread(&h.metrics).markdown()
        );
    }
    let _ = writeln!(s, "# Pooled out-of-fold predictions\n");
    for h in &r.pooled.heads {
        head_markdown(&mut s, h);
    }
    s
}
