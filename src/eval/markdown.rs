//! The Markdown rendering of the reports (evaluation, comparison, cross-validation), from
//! their data and the shared tables.

use super::cv::CvReport;
use super::report::{EvalReport, HeadReport};
use super::tables::{self, Table};
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
    let confusion = Table::new(
        header,
        h.classes
            .iter()
            .zip(&h.confusion)
            .map(|(c, row)| {
                std::iter::once(c.clone())
                    .chain(row.iter().map(|v| v.to_string()))
                    .collect()
            })
            .collect(),
        1,
    );
    let _ = write!(s, "{}", confusion.markdown());
    if let Some(t) = tables::by_target(h) {
        let _ = write!(s, "\nBy target:\n\n{}", t.markdown());
    }
    if let Some((column, t)) = tables::by_group(h) {
        let _ = write!(s, "\nBy {column}:\n\n{}", t.markdown());
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
    if let Some(t) = tables::errors(h) {
        let _ = write!(
            s,
            "\nWorst errors (n-gram columns and their contributions to the logit):\n\n{}",
            t.markdown()
        );
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
