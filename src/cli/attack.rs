//! `gavel attack`: the attack suite (`crate::eval::attack_suite`) on a labelled set, its
//! report, and optionally the disguised sets written out for other tools.

use super::args::{
    emit_report, flag_threshold, fraction, json, model_columns, refuse_overwrite, DataArgs,
    Renderings, ReportArgs,
};
use super::{FloorFailed, Ui};
use crate::eval::attack::FAMILIES;
use crate::eval::attack_suite::{markdown, run as run_suite, AttackOptions};
use crate::io::{Cell, Format, RecordWriter};
use crate::model::file;
use anyhow::Result;
use clap::Args;
use std::path::PathBuf;

/// Which rows an attack disguises.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    AbusiveRows,
    AllRows,
}

#[derive(Args, Debug)]
pub struct Cmd {
    /// Model file (one binary head)
    #[arg(long)]
    pub model: PathBuf,
    #[command(flatten)]
    pub data: DataArgs,
    /// Text column (default: the model's)
    #[arg(long)]
    pub text: Option<String>,
    /// Count recall at this policy's lowest review/reject threshold (default: the head's own)
    #[arg(long)]
    pub policy: Option<PathBuf>,
    /// Largest ROC-AUC drop allowed per family; exit 1 above it
    #[arg(long, default_value_t = 0.02, value_parser = fraction)]
    pub max_drop: f64,
    /// Obfuscate every word of 4+ letters of the abusive rows, not only the set's abusive
    /// vocabulary (words at least e times likelier in its abusive rows, in 5 or more of them)
    #[arg(long)]
    pub all_words: bool,
    /// Which rows are disguised: the abusive ones (the evader's move), or every row alike
    /// (as when ordinary readers misspell too)
    #[arg(long, value_enum, default_value_t = Protocol::AbusiveRows)]
    pub protocol: Protocol,
    /// Also write each family's perturbed set as DIR/<family>.csv (text and label), for
    /// other tools to score
    #[arg(long, value_name = "DIR")]
    pub write_dir: Option<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// Writes a set as CSV `text,label` (label 1 for abusive), atomically.
fn write_set(path: &std::path::Path, texts: &[String], truth: &[bool]) -> crate::Result<()> {
    let mut w = RecordWriter::create(Some(path), Format::Csv)?;
    w.write_header(&["text".to_string(), "label".to_string()])?;
    for (t, &y) in texts.iter().zip(truth) {
        let row = [
            ("text", Cell::Text(t.clone())),
            ("label", Cell::Int(y as i64)),
        ];
        w.write_row(&[], None, &row)?;
    }
    w.finish()
}

pub fn run(cmd: &Cmd, ui: &Ui) -> Result<()> {
    if let Some(dir) = &cmd.write_dir {
        for f in std::iter::once("clean").chain(FAMILIES.iter().map(|f| f.name())) {
            refuse_overwrite([&cmd.model, &cmd.data.data], &dir.join(format!("{f}.csv")))?;
        }
        std::fs::create_dir_all(dir)?;
    }
    let model = file::load(&cmd.model)?;
    let data = cmd.data.load(&model_columns(&model, &cmd.text), ui)?;
    let output = model.output_names().into_iter().next().unwrap_or_default();
    let (threshold, threshold_from) = flag_threshold(&model, &output, cmd.policy.as_deref())?;
    let opts = AttackOptions {
        threshold,
        threshold_from,
        all_words: cmd.all_words,
        all_rows: cmd.protocol == Protocol::AllRows,
        max_drop: cmd.max_drop,
    };
    let mut on_set = |name: &str, texts: &[String], truth: &[bool]| match &cmd.write_dir {
        Some(dir) => write_set(&dir.join(format!("{name}.csv")), texts, truth),
        None => Ok(()),
    };
    let rep = run_suite(&model, &data, &opts, &mut on_set)?;
    emit_report(
        &cmd.report,
        &Renderings {
            md: &|| markdown(&rep),
            json: &|| json(&rep),
            html: &|| Ok(crate::eval::html::attack_html(&rep)),
        },
        ui,
    )?;
    let bad = rep.failing();
    if !bad.is_empty() {
        return Err(FloorFailed(format!(
            "floor not met: ROC-AUC dropped more than {} (--max-drop) under: {}",
            cmd.max_drop,
            bad.iter().map(|f| f.family).collect::<Vec<_>>().join(", ")
        ))
        .into());
    }
    Ok(())
}
