//! `gavel eval`: a model on a labelled file → metrics report (Markdown + JSON).

use super::args::{emit_report, DataArgs};
use super::Ui;
use anyhow::Result;
use clap::Args;
use gavel::dataset::{Columns, LabelColumns};
use gavel::eval::{evaluate, report};
use gavel::model::{file, LabelSpec};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct Cmd {
    /// Model file
    #[arg(long)]
    pub model: PathBuf,
    #[command(flatten)]
    pub data: DataArgs,
    /// Text column (default: the model's)
    #[arg(long)]
    pub text: Option<String>,
    /// Folder for report.md and report.json; without it the Markdown goes to stdout
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn run(cmd: &Cmd, ui: &Ui) -> Result<()> {
    let model = file::load(&cmd.model)?;
    let spec = &model.spec;
    let cols = Columns {
        text: cmd.text.clone().unwrap_or_else(|| spec.text_column.clone()),
        labels: match &spec.labels {
            LabelSpec::Classes { column, .. } => LabelColumns::Single(column.clone()),
            LabelSpec::MultiLabel { columns } => LabelColumns::Multi(columns.clone()),
        },
        target: spec.target.as_ref().map(|t| t.column.clone()),
    };
    let data = gavel::dataset::load(&cmd.data.data, cmd.data.read_options()?, &cols)?;
    let rep = evaluate(&model, &data)?;
    let md = report::eval_markdown(&rep, &cmd.model.display().to_string());
    emit_report(cmd.out.as_deref(), &md, &rep, ui)
}
