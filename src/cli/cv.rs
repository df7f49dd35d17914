//! `gavel cv`: k-fold cross-validation of a training configuration (stratified, seeded): the
//! spread of every metric over the folds, and the report of the pooled out-of-fold
//! predictions.

use super::args::{
    emit_report, int_in, json, ColumnArgs, DataArgs, Renderings, ReportArgs, TrainArgs,
};
use super::Ui;
use crate::eval::{cv, html, markdown, predict, Predicted};
use crate::explain::explain_for;
use crate::model::{train, Spec};
use crate::split;
use anyhow::{bail, Result};
use clap::Args;

#[derive(Args, Debug)]
pub struct Cmd {
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub columns: ColumnArgs,
    #[command(flatten)]
    pub train: TrainArgs,
    /// Number of folds (at most the number of rows)
    #[arg(long, default_value_t = 5, value_parser = int_in::<2, 100>)]
    pub folds: usize,
    /// Leave one group out instead of k folds: each value of this column (a source, a
    /// language, a story) is a fold, tested by a model trained on all the others; the report
    /// has every metric per value
    #[arg(long, value_name = "COLUMN", conflicts_with = "by")]
    pub group: Option<String>,
    /// Keep the k folds, and report every metric of the pooled predictions per value of this
    /// column too
    #[arg(long, value_name = "COLUMN")]
    pub by: Option<String>,
    /// Seed of the fold assignment
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    #[command(flatten)]
    pub report: ReportArgs,
}

pub fn run(cmd: &Cmd, ui: &Ui) -> Result<()> {
    cmd.report.refuse_overwrite([&cmd.data.data].into_iter())?;
    let cfg = cmd.train.config()?;
    let mut columns = cmd.columns.columns()?;
    columns.group = cmd.group.clone().or(cmd.by.clone());
    columns.joint = cmd.train.joint_column(&columns.target)?;
    columns.sources = cmd.train.sources.clone();
    let data = cmd.data.load(&columns, ui)?;
    let (folds, n_folds) = match (&data.groups, &cmd.group) {
        (Some((column, values)), Some(_)) => group_folds(column, values)?,
        _ => {
            if cmd.folds > data.texts.len() {
                bail!(
                    "--folds {} is more than the {} rows: every fold needs a row to test",
                    cmd.folds,
                    data.texts.len()
                );
            }
            (
                split::k_fold(&data.strata(), cmd.folds, cmd.seed),
                cmd.folds,
            )
        }
    };
    let progress = ui.bar(n_folds as u64, "folds");
    let (mut models, mut reports) = (Vec::new(), Vec::new());
    let mut pooled = Predicted::with_rows(data.texts.len());
    for k in 0..n_folds {
        let tr: Vec<usize> = (0..folds.len()).filter(|&i| folds[i] != k).collect();
        let te: Vec<usize> = (0..folds.len()).filter(|&i| folds[i] == k).collect();
        if te.is_empty() {
            bail!("fold {} has no rows to test; use fewer folds", k + 1);
        }
        let model =
            train(&data.subset(&tr), &cfg).map_err(|e| match (&data.groups, &cmd.group) {
                (Some((c, v)), Some(_)) => {
                    anyhow::anyhow!("training without {c} '{}': {e}", v[te[0]])
                }
                _ => e.into(),
            })?;
        if let Some(first) = models.first() {
            let first: &crate::model::Model = first;
            // a general model's own targets may differ by fold: the one left out is scored
            // as any other target
            if !comparable(&first.spec, &model.spec) {
                bail!(
                    "fold {}'s training rows have other classes or targets than fold 1's; use fewer folds",
                    k + 1
                );
            }
        }
        let test = data.subset(&te);
        let pred = predict(&model, &test)?;
        reports.push(crate::eval::report(&model.spec, &test, &pred, None)?);
        pooled.put(&te, pred);
        models.push(model);
        progress.inc(1);
        ui.detail(&format!("fold {}/{n_folds} done", k + 1));
    }
    progress.finish_and_clear();
    // every row explained by the model that did not see it
    // (each row's head group in its fold's model, which scored it without error above)
    let explain_row = |i: usize| {
        let m = &models[folds[i]];
        let target = data.targets.as_ref().map(|(_, v)| v[i].as_str());
        explain_for(
            m,
            &data.texts[i],
            target,
            m.target_index(target).unwrap_or(0),
        )
    };
    let all = crate::eval::report(&models[0].spec, &data, &pooled, Some(&explain_row))?;
    let rep = cv::cv_report(
        &cmd.data.data.display().to_string(),
        cmd.seed,
        &reports,
        all,
    );
    emit_report(
        &cmd.report,
        &Renderings {
            md: &|| markdown::cv_markdown(&rep),
            json: &|| json(&rep),
            html: &|| Ok(html::cv_html(&rep)?),
        },
        ui,
    )
}

/// Whether two folds' models write the same outputs for the same rows: the same spec, or
/// general models of the same labels (whose own targets may differ).
fn comparable(a: &Spec, b: &Spec) -> bool {
    match a.is_general() && b.is_general() {
        true => a.text_column == b.text_column && a.labels == b.labels,
        false => a == b,
    }
}

/// Leave-one-group-out folds: the fold of each row is its value's place among the sorted
/// values. At least two values are needed.
fn group_folds(column: &str, values: &[String]) -> Result<(Vec<usize>, usize)> {
    let mut names: Vec<&String> = values.iter().collect();
    names.sort();
    names.dedup();
    if names.len() < 2 {
        bail!("--group {column}: one value only; leaving it out leaves nothing to train on");
    }
    let index: std::collections::HashMap<&String, usize> =
        names.iter().enumerate().map(|(i, v)| (*v, i)).collect();
    Ok((values.iter().map(|v| index[v]).collect(), names.len()))
}
