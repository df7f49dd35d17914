//! `gavel train`: labelled file → model file.

use super::args::{model_columns, refuse_overwrite, ColumnArgs, DataArgs, TrainArgs};
use super::Ui;
use crate::model::adapt::{adapt, INIT_C_FACTOR};
use crate::model::{file, train_timed};
use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Args, Debug)]
pub struct Cmd {
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub columns: ColumnArgs,
    #[command(flatten)]
    pub train: TrainArgs,
    /// Start from this model and fold the new rows in: its columns, text and feature
    /// settings are kept, each head with new rows moves from where it was as far as they
    /// give evidence to (C defaults to 16 times the model's), and a general stance model
    /// learns new targets
    #[arg(long, value_name = "MODEL", conflicts_with_all = INIT_KEEPS)]
    pub init: Option<PathBuf>,
    /// Model file to write
    #[arg(short, long)]
    pub output: PathBuf,
}

/// Options that --init takes from the model it starts from.
const INIT_KEEPS: [&str; 22] = [
    "text",
    "label",
    "labels",
    "target",
    "targets",
    "positive",
    "bits",
    "word_ngrams",
    "char_ngrams",
    "lang",
    "min_df",
    "no_sublinear_tf",
    "no_squash",
    "no_deobfuscate",
    "no_script_fold",
    "stem_all",
    "scramble_key",
    "sound_key",
    "spell",
    "augment",
    "calibration_folds",
    "vocab",
];

pub fn run(cmd: &Cmd, ui: &Ui) -> Result<()> {
    refuse_overwrite([&cmd.data.data], &cmd.output)?;
    if let Some(init) = &cmd.init {
        if cmd.train.joint_by.is_some() || cmd.train.sources.is_some() {
            anyhow::bail!("--joint-by and --sources are for training from scratch: --init keeps the model's heads and fits only the new rows");
        }
        if cmd.train.nb_power.is_some() {
            anyhow::bail!("--nb-power is for training from scratch: --init penalises the change from the model plainly");
        }
        return run_init(cmd, init, ui);
    }
    let cfg = cmd.train.config()?;
    let t0 = Instant::now();
    let spin = ui.spinner(&format!("reading {}", cmd.data.data.display()));
    let mut columns = cmd.columns.columns()?;
    columns.joint = cmd.train.joint_column(&columns.target)?;
    columns.sources = cmd.train.sources.clone();
    let data = cmd.data.load(&columns, ui)?;
    spin.finish_and_clear();
    ui.info(&format!(
        "read {} rows from {}",
        data.texts.len(),
        cmd.data.data.display()
    ));
    let spin = ui.spinner(&format!(
        "vectorizing {} rows and fitting the heads",
        data.texts.len()
    ));
    let read = t0.elapsed().as_secs_f64();
    let (model, run) = train_timed(&data, &cfg)?;
    let times = run.times;
    let t_save = Instant::now();
    file::save(&model, &cmd.output)?;
    let save = t_save.elapsed().as_secs_f64();
    spin.finish_and_clear();
    let conv = &model.meta.convergence;
    let not_conv = conv.iter().filter(|c| !c.converged).count();
    ui.info(&format!(
        "trained {} head(s) on {} features in {:.2}s ({} Newton iterations max) -> {}",
        model.heads.len(),
        model.vectorizer.n_features(),
        t0.elapsed().as_secs_f64(),
        conv.iter().map(|c| c.iterations).max().unwrap_or(0),
        cmd.output.display()
    ));
    ui.detail(&format!(
        "stages: read {read:.2}s, vectorize {:.2}s, fit {:.2}s, calibrate {:.2}s, dictionary {:.2}s, write {save:.2}s",
        times.vectorize, times.fit, times.calibrate, times.vocab
    ));
    ui.detail(&format!(
        "matrix: {} entries, {} bytes",
        model.meta.matrix.nnz, model.meta.matrix.bytes
    ));
    for (i, c) in conv.iter().enumerate() {
        ui.detail(&format!(
            "head {i}: {} Newton / {} CG iterations, loss {:.4}, |g|/|g0| {:.2e}",
            c.iterations,
            c.cg_iterations,
            c.loss,
            c.relative_gradient.unwrap_or(f64::NAN)
        ));
    }
    for (i, h) in model.heads.iter().enumerate() {
        if let Some(c) = h.calibration {
            ui.detail(&format!(
                "head {i}: calibration a = {:.4}, b = {:.4}",
                c.a, c.b
            ));
        }
    }
    for w in &run.warnings {
        ui.warn(w);
    }
    if not_conv > 0 {
        ui.warn(&format!(
            "{not_conv} head(s) stopped at --max-iter {} before reaching --tol; raise --max-iter",
            cmd.train.max_iter
        ));
    }
    Ok(())
}

/// `train --init MODEL`: the model with the new rows folded in.
fn run_init(cmd: &Cmd, init: &PathBuf, ui: &Ui) -> Result<()> {
    refuse_overwrite([init], &cmd.output)?;
    let t0 = Instant::now();
    let base = file::load(init)?;
    let mut params = cmd.train.config()?.params;
    let (lo, hi) = crate::model::C_RANGE;
    params.c = cmd
        .train
        .c
        .unwrap_or((base.meta.params.c * INIT_C_FACTOR).clamp(lo, hi));
    let cols = model_columns(&base, &None);
    let data = cmd.data.load(&cols, ui)?;
    let heads_before = base.heads.len();
    let adapted = adapt(base, &data, &params).with_context(|| {
        format!(
            "folding {} into {}",
            cmd.data.data.display(),
            init.display()
        )
    })?;
    file::save(&adapted.model, &cmd.output)?;
    ui.info(&format!(
        "refitted {} of {} head(s) on {} new rows in {:.2}s -> {}",
        adapted.refitted.len(),
        heads_before,
        data.texts.len(),
        t0.elapsed().as_secs_f64(),
        cmd.output.display()
    ));
    for t in &adapted.new_targets {
        ui.info(&format!(
            "new target '{t}': its heads start from the general head"
        ));
    }
    Ok(())
}
