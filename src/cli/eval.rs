//! `gavel eval`: a model on a labelled file → report (Markdown, JSON, HTML); or two models
//! side by side with `--compare A B`.

use super::args::{
    emit_report, flag_threshold, fraction, int_in, json, model_columns, refuse_overwrite, DataArgs,
    Renderings, ReportArgs,
};
use super::{FloorFailed, Ui};
use crate::eval::bias::{audit, BiasReport};
use crate::eval::compare::{compare, Bootstrap};
use crate::eval::predict::{binary_scores, head_scores, predict_for, row_targets};
use crate::eval::suggest::{suggest, Targets};
use crate::eval::{html, markdown};
use crate::explain::explain_for;
use crate::model::{file, Model};
use anyhow::{bail, Result};
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct Cmd {
    /// Model file
    #[arg(long, required_unless_present = "compare", conflicts_with = "compare")]
    pub model: Option<PathBuf>,
    /// Compare two models on the same data: A B
    #[arg(long, num_args = 2, value_names = ["A", "B"])]
    pub compare: Option<Vec<PathBuf>>,
    #[command(flatten)]
    pub data: DataArgs,
    /// Text column (default: the model's)
    #[arg(long)]
    pub text: Option<String>,
    /// Also report every metric per value of this column (source, language, story)
    #[arg(long, value_name = "COLUMN")]
    pub by: Option<String>,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Bootstrap resamples for the intervals of --compare
    #[arg(long, default_value_t = 1000, value_parser = int_in::<1, 100_000>)]
    pub bootstrap: usize,
    /// Seed of the bootstrap
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Also write a moderation policy (TOML) for the binary heads to this file: reject where
    /// the rejected rows reach --reject-precision, review where the flagged rows reach
    /// --review-recall
    #[arg(long, value_name = "FILE")]
    pub suggest_policy: Option<PathBuf>,
    /// Precision the suggested 'reject' rules reach on the data
    #[arg(long, default_value_t = 0.9, value_parser = fraction)]
    pub reject_precision: f64,
    /// Recall the suggested 'review' rules (with 'reject') reach on the data
    #[arg(long, default_value_t = 0.9, value_parser = fraction)]
    pub review_recall: f64,
    /// Suggest rules for these outputs only, comma-separated (default: every binary head)
    #[arg(long, requires = "suggest_policy", value_delimiter = ',')]
    pub suggest_outputs: Option<Vec<String>>,
    /// Identity bias audit instead of the report: per value of --identity-column, subgroup,
    /// BPSN and BNSP AUC and the false-positive rate on neutral rows
    #[arg(long)]
    pub bias: bool,
    /// Column naming each row's identity (with --bias)
    #[arg(long, default_value = "identity")]
    pub identity_column: String,
    /// Flag at this policy's lowest threshold on the audited output (with --bias; default:
    /// the head's own decision threshold)
    #[arg(long, requires = "bias")]
    pub policy: Option<PathBuf>,
    /// Largest neutral false-positive rate allowed per identity (with --bias); exit 1 above it
    #[arg(long, default_value_t = 0.05, value_parser = fraction)]
    pub max_fpr: f64,
    /// Leave the worst-error comments out of the report (for data whose terms forbid
    /// redistributing its text, such as the reports committed with the shipped models)
    #[arg(long)]
    pub no_examples: bool,
    /// Per-target models: evaluate rows of targets the model was not trained on with the mean
    /// of its target heads (as `score --any-target` does)
    #[arg(long)]
    pub any_target: bool,
}

pub fn run(cmd: &Cmd, ui: &Ui) -> Result<()> {
    let models: Vec<&PathBuf> = cmd
        .model
        .iter()
        .chain(cmd.compare.iter().flatten())
        .collect();
    let inputs = || models.iter().copied().chain([&cmd.data.data]);
    if let Some(out) = &cmd.suggest_policy {
        refuse_overwrite(inputs().chain(cmd.policy.iter()), out)?;
    }
    cmd.report.refuse_overwrite(inputs())?;
    if let Some(pair) = &cmd.compare {
        return run_compare(cmd, &pair[0], &pair[1], ui);
    }
    let Some(path) = &cmd.model else {
        bail!("name a model: --model FILE, or --compare A B");
    };
    let mut model = file::load(path)?;
    if cmd.any_target {
        model = model.with_any_target();
    }
    if cmd.bias {
        return run_bias(cmd, &model, ui);
    }
    let mut cols = model_columns(&model, &cmd.text);
    cols.group = cmd.by.clone();
    let data = cmd.data.load(&cols, ui)?;
    let name = path.display().to_string();
    let targets = row_targets(&model, &data)?;
    let pred = predict_for(&model, &data, &targets);
    if let Some(out) = &cmd.suggest_policy {
        let t = Targets {
            reject_precision: cmd.reject_precision,
            review_recall: cmd.review_recall,
        };
        if t.reject_precision == 0.0 || t.review_recall == 0.0 {
            bail!("--reject-precision and --review-recall must be above 0");
        }
        let heads = head_scores(&model.spec, &data, &pred)?;
        let only = cmd.suggest_outputs.as_deref();
        let sg = suggest(&heads, &model.output_names(), &pred.probs, only, t)?;
        let toml = sg.to_toml(&data.source.0, &name);
        crate::io::output::write_atomic(out, toml.as_bytes())?;
        ui.info(&format!(
            "wrote {}: per 1,000 comments approve {:.0}, review {:.0}, reject {:.0}",
            out.display(),
            sg.per_1000[0],
            sg.per_1000[1],
            sg.per_1000[2]
        ));
    }
    let explain_row = |i: usize| {
        let target = data.targets.as_ref().map(|(_, v)| v[i].as_str());
        explain_for(&model, &data.texts[i], target, targets[i])
    };
    let explainer = (!cmd.no_examples).then_some(&explain_row as crate::eval::evaluate::Explainer);
    let rep = crate::eval::report(&model.spec, &data, &pred, explainer)?;
    emit_report(
        &cmd.report,
        &Renderings {
            md: &|| markdown::eval_markdown(&rep, &name),
            json: &|| json(&rep),
            html: &|| Ok(html::eval_html(&rep, &name)?),
        },
        ui,
    )
}

fn run_compare(cmd: &Cmd, a: &Path, b: &Path, ui: &Ui) -> Result<()> {
    let (ma, mb) = (file::load(a)?, file::load(b)?);
    let mut cols = model_columns(&ma, &cmd.text);
    cols.group = cmd.by.clone();
    let data = cmd.data.load(&cols, ui)?;
    let names = [a.display().to_string(), b.display().to_string()];
    let boot = Bootstrap {
        resamples: cmd.bootstrap,
        seed: cmd.seed,
        ..Bootstrap::default()
    };
    let rep = compare([&names[0], &names[1]], &ma, &mb, &data, boot)?;
    emit_report(
        &cmd.report,
        &Renderings {
            md: &|| markdown::compare_markdown(&rep),
            json: &|| json(&rep),
            html: &|| Ok(html::compare_html(&rep)?),
        },
        ui,
    )
}

/// `eval --bias`: the identity audit of the model's first one-output head.
fn run_bias(cmd: &Cmd, model: &Model, ui: &Ui) -> Result<()> {
    // the identity column is read as the rows' target column
    let mut cols = model_columns(model, &cmd.text);
    cols.target = Some(cmd.identity_column.clone());
    let data = cmd.data.load(&cols, ui)?;
    let identities = data
        .targets
        .as_ref()
        .map(|t| t.1.clone())
        .unwrap_or_default();
    let (scores, abusive, output) = binary_scores(model, &data)?;
    if !abusive.iter().any(|&a| !a) {
        bail!(
            "{}: no neutral row, so no false-positive rate can be measured",
            cmd.data.data.display()
        );
    }
    let (threshold, from) = flag_threshold(model, &output, cmd.policy.as_deref())?;
    let rep = BiasReport {
        schema: crate::eval::bias::SCHEMA,
        data_file: data.source.0.clone(),
        output,
        threshold,
        threshold_from: from,
        max_fpr: cmd.max_fpr,
        identities: audit(&scores, &abusive, &identities, threshold),
    };
    emit_report(
        &cmd.report,
        &Renderings {
            md: &|| crate::eval::bias::markdown(&rep),
            json: &|| json(&rep),
            html: &|| Ok(html::bias_html(&rep)),
        },
        ui,
    )?;
    let failing = rep.failing();
    if !failing.is_empty() {
        return Err(FloorFailed(format!(
            "floor not met: neutral false-positive rate over {}% (--max-fpr) for: {}",
            100.0 * cmd.max_fpr,
            failing
                .iter()
                .map(|i| i.identity.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .into());
    }
    Ok(())
}
