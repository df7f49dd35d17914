//! `gavel cv`: k-fold cross-validated figures for a training file (stratified, seeded).

use super::args::{emit_report, ColumnArgs, DataArgs, TrainArgs};
use super::Ui;
use anyhow::{bail, Result};
use clap::Args;
use gavel::eval::{evaluate, report, split};
use gavel::model::train;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct Cmd {
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub columns: ColumnArgs,
    #[command(flatten)]
    pub train: TrainArgs,
    /// Number of folds
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    /// Seed of the fold assignment
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Folder for report.md and report.json; without it the Markdown goes to stdout
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn run(cmd: &Cmd, ui: &Ui) -> Result<()> {
    if cmd.folds < 2 {
        bail!("--folds must be at least 2");
    }
    let cfg = cmd.train.config()?;
    let data = gavel::dataset::load(
        &cmd.data.data,
        cmd.data.read_options()?,
        &cmd.columns.columns()?,
    )?;
    let folds = split::k_fold(&data.strata(), cmd.folds, cmd.seed);
    let mut reports = Vec::new();
    for k in 0..cmd.folds {
        let tr: Vec<usize> = (0..folds.len()).filter(|&i| folds[i] != k).collect();
        let te: Vec<usize> = (0..folds.len()).filter(|&i| folds[i] == k).collect();
        let model = train(&data.subset(&tr), &cfg)?;
        reports.push(evaluate(&model, &data.subset(&te))?);
        ui.info(&format!("fold {}/{} done", k + 1, cmd.folds));
    }
    let rep = report::cv_report(&cmd.data.data.display().to_string(), cmd.seed, &reports);
    let md = report::cv_markdown(&rep);
    emit_report(cmd.out.as_deref(), &md, &rep, ui)
}
