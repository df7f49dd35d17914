//! `gavel attack`: the model on a labelled set whose abusive comments are obfuscated, one
//! family of tricks at a time, against the clean set.

use super::args::{
    emit_report, flag_threshold, fraction, json, model_columns, refuse_overwrite, DataArgs,
    Renderings, ReportArgs,
};
use super::{FloorFailed, Ui};
use anyhow::{bail, Result};
use clap::Args;
use gavel::eval::attack::{
    abusive_vocabulary, markdown, perturb, AttackReport, FamilyResult, FAMILIES, MIN_LETTERS,
};
use gavel::eval::metrics::roc_auc;
use gavel::eval::predict::binary_scores;
use gavel::io::{Cell, Format, RecordWriter};
use gavel::model::file;
use std::path::PathBuf;

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
    /// Also write each family's perturbed set as DIR/<family>.csv (text and label), for
    /// other tools to score
    #[arg(long, value_name = "DIR")]
    pub write_dir: Option<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// Writes a set as CSV `text,label` (label 1 for abusive), atomically.
fn write_set(path: &std::path::Path, texts: &[String], truth: &[bool]) -> Result<()> {
    let mut w = RecordWriter::create(Some(path), Format::Csv)?;
    w.write_header(&["text".to_string(), "label".to_string()])?;
    for (t, &y) in texts.iter().zip(truth) {
        w.write_row(
            &[],
            None,
            &[
                ("text", Cell::Text(t.clone())),
                ("label", Cell::Text((y as u8).to_string())),
            ],
        )?;
    }
    w.finish()?;
    Ok(())
}

pub fn run(cmd: &Cmd, ui: &Ui) -> Result<()> {
    if let Some(dir) = &cmd.write_dir {
        for f in std::iter::once("clean").chain(FAMILIES.iter().map(|f| f.name())) {
            refuse_overwrite([&cmd.model, &cmd.data.data], &dir.join(format!("{f}.csv")))?;
        }
    }
    let model = file::load(&cmd.model)?;
    let data = cmd.data.load(&model_columns(&model, &cmd.text), ui)?;
    let (clean, truth, output) = binary_scores(&model, &data)?;
    let (threshold, from) = flag_threshold(&model, &output, cmd.policy.as_deref())?;
    let recall = |s: &[f64]| {
        let pos = truth.iter().filter(|&&t| t).count().max(1);
        (0..s.len())
            .filter(|&i| truth[i] && s[i] >= threshold)
            .count() as f64
            / pos as f64
    };
    let clean_auc = roc_auc(&clean, &truth);
    if clean_auc.is_none() {
        bail!(
            "{}: the set needs abusive and non-abusive rows to measure ROC-AUC",
            cmd.data.data.display()
        );
    }
    if let Some(dir) = &cmd.write_dir {
        std::fs::create_dir_all(dir)?;
        write_set(&dir.join("clean.csv"), &data.texts, &truth)?;
    }
    let vocab = abusive_vocabulary(&data.texts, &truth, 5);
    if vocab.is_empty() && !cmd.all_words {
        bail!(
            "{}: no word is abusive vocabulary here (4+ letters, in 5 or more abusive rows, at \
             least e times likelier there), so nothing would be attacked; use --all-words or a \
             larger set",
            cmd.data.data.display()
        );
    }
    let targets = (!cmd.all_words).then_some(&vocab);
    let first_abusive = (0..truth.len()).find(|&i| {
        truth[i]
            && data.texts[i]
                .split(|c: char| !c.is_ascii_alphabetic())
                .any(|w| {
                    targets.is_none_or(|t| t.contains(&w.to_ascii_lowercase()))
                        && w.len() >= MIN_LETTERS
                })
    });
    let mut families = Vec::new();
    for f in FAMILIES {
        let mut attacked = data.clone();
        let mut changed = 0;
        for (t, &y) in attacked.texts.iter_mut().zip(&truth) {
            if y {
                let p = perturb(t, f, targets);
                changed += (p != *t) as usize;
                *t = p;
            }
        }
        if changed == 0 {
            bail!(
                "the {} family changed no comment (no abusive row has a word it can disguise): \
                 the floor cannot be tested on this set",
                f.name()
            );
        }
        let (s, _, _) = binary_scores(&model, &attacked)?;
        let auc = roc_auc(&s, &truth);
        let example = first_abusive
            .and_then(|i| {
                data.texts[i]
                    .split(|c: char| !c.is_ascii_alphabetic())
                    .find(|w| {
                        w.len() >= MIN_LETTERS
                            && targets.is_none_or(|t| t.contains(&w.to_ascii_lowercase()))
                    })
            })
            .map(|w| perturb(w, f, None))
            .unwrap_or_default();
        families.push(FamilyResult {
            family: f.name(),
            example,
            roc_auc: auc,
            auc_drop: auc.zip(clean_auc).map(|(a, c)| a - c),
            recall: recall(&s),
        });
        if let Some(dir) = &cmd.write_dir {
            write_set(
                &dir.join(format!("{}.csv", f.name())),
                &attacked.texts,
                &truth,
            )?;
        }
    }
    let rep = AttackReport {
        schema: "gavel.attack/1",
        data_file: data.source.0.clone(),
        output,
        threshold,
        threshold_from: from,
        rows: truth.len(),
        abusive_rows: truth.iter().filter(|&&t| t).count(),
        clean_roc_auc: clean_auc,
        clean_recall: recall(&clean),
        words: match targets {
            Some(t) => format!("the set's abusive vocabulary ({} words)", t.len()),
            None => "every word".into(),
        },
        max_drop: cmd.max_drop,
        families,
    };
    emit_report(
        &cmd.report,
        &Renderings {
            md: &|| markdown(&rep),
            json: &|| json(&rep),
            html: &|| Ok(gavel::eval::html::attack_html(&rep)),
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
