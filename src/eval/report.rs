//! Reports for people (Markdown) and programs (JSON) from an evaluation or a cross-validation.

use super::evaluate::{EvalReport, HeadReport};
use serde::Serialize;
use std::fmt::Write;

fn opt(v: Option<f64>) -> String {
    v.map_or("–".into(), |x| format!("{x:.4}"))
}

/// The headline metrics of a head, by name, as the JSON and cross-validation use them.
pub fn headline(h: &HeadReport) -> Vec<(&'static str, Option<f64>)> {
    vec![
        ("accuracy", Some(h.accuracy)),
        ("macro_f1", Some(h.macro_f1)),
        ("weighted_f1", Some(h.weighted_f1)),
        ("roc_auc", h.roc_auc),
        ("pr_auc", h.pr_auc),
        ("log_loss", Some(h.log_loss)),
        ("brier", Some(h.brier)),
        ("f_avg", h.f_avg),
    ]
}

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
    let _ = writeln!(s, "| metric | value |\n|---|---|");
    for (k, v) in headline(h) {
        if v.is_some() {
            let _ = writeln!(s, "| {k} | {} |", opt(v));
        }
    }
    let _ = writeln!(
        s,
        "| expected calibration error ({}) | {:.4} |",
        h.curves.reliability.of, h.curves.reliability.ece
    );
    let _ = writeln!(
        s,
        "\n| class | precision | recall | F1 | support | ROC-AUC | PR-AUC |\n|---|---|---|---|---|---|---|"
    );
    for c in &h.per_class {
        let _ = writeln!(
            s,
            "| {} | {:.4} | {:.4} | {:.4} | {} | {} | {} |",
            c.class,
            c.precision,
            c.recall,
            c.f1,
            c.support,
            opt(c.roc_auc),
            opt(c.pr_auc)
        );
    }
    let _ = writeln!(
        s,
        "\nConfusion matrix (rows: true class, columns: predicted):\n"
    );
    let _ = write!(s, "| true \\ predicted |");
    for c in &h.classes {
        let _ = write!(s, " {c} |");
    }
    let _ = write!(s, "\n|---|");
    for _ in &h.classes {
        let _ = write!(s, "---|");
    }
    let _ = writeln!(s);
    for (c, row) in h.classes.iter().zip(&h.confusion) {
        let _ = write!(s, "| {c} |");
        for v in row {
            let _ = write!(s, " {v} |");
        }
        let _ = writeln!(s);
    }
    if !h.by_target.is_empty() {
        let _ = writeln!(
            s,
            "\nBy target:\n\n| target | rows | accuracy | macro-F1 | F_avg |\n|---|---|---|---|---|"
        );
        for t in &h.by_target {
            let _ = writeln!(
                s,
                "| {} | {} | {:.4} | {:.4} | {} |",
                t.target,
                t.rows,
                t.accuracy,
                t.macro_f1,
                opt(t.f_avg)
            );
        }
    }
    if !h.thresholds.is_empty() {
        let _ = writeln!(
            s,
            "\nThresholds (positive class `{}`):\n\n| threshold | precision | recall | F1 | flagged per 1,000 |\n|---|---|---|---|---|",
            h.classes.get(1).map_or("", |c| c.as_str())
        );
        for t in &h.thresholds {
            let _ = writeln!(
                s,
                "| {:.2} | {:.4} | {:.4} | {:.4} | {:.1} |",
                t.threshold, t.precision, t.recall, t.f1, t.flagged_per_1000
            );
        }
        for p in &h.precision_targets {
            let _ = writeln!(
                s,
                "\nPrecision ≥ {:.0}%: threshold {}, recall {}.",
                p.target_precision * 100.0,
                opt(p.threshold),
                opt(p.recall)
            );
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

/// Text made safe for one Markdown table cell.
fn md_cell(t: &str) -> String {
    t.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
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
            "## {}\n\n| metric | A | B | B − A | interval of B − A |\n|---|---|---|---|---|",
            h.name
        );
        for m in &h.metrics {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                m.metric,
                opt(m.a),
                opt(m.b),
                m.diff.map_or("–".into(), |d| format!("{d:+.4}")),
                m.interval
                    .map_or(String::new(), |(lo, hi)| format!("[{lo:+.4}, {hi:+.4}]"))
            );
        }
        let _ = writeln!(s);
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
            "## {}\n\n| metric | mean ± std | folds |\n|---|---|---|",
            h.name
        );
        for sp in &h.metrics {
            let folds: Vec<String> = sp.folds.iter().map(|v| format!("{v:.4}")).collect();
            let _ = writeln!(
                s,
                "| {} | {:.4} ± {:.4} | {} |",
                sp.metric,
                sp.mean,
                sp.std,
                folds.join(", ")
            );
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(s, "# Pooled out-of-fold predictions\n");
    for h in &r.pooled.heads {
        head_markdown(&mut s, h);
    }
    s
}
