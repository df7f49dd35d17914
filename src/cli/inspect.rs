//! `gavel inspect`: what a model file holds, for people (or as JSON).

use super::args::{int_in, json, print_stdout};
use crate::inspect::{inspect, Inspection, Weighted};
use crate::model::{file, LabelSpec};
use crate::text::config::JOIN_REVISION;
use crate::text::spelling::{
    target_count, COMMONER, PIECE_COUNT, PIECE_RATIO, RATIO_REVISION, SHORT_REVISION,
};
use anyhow::Result;
use clap::Args;
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct Cmd {
    /// Model file
    pub model: PathBuf,
    /// N-gram columns shown per output and direction
    #[arg(long, default_value_t = 15, value_parser = int_in::<0, 100_000>)]
    pub top: usize,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

pub fn run(cmd: &Cmd) -> Result<()> {
    let model = file::load(&cmd.model)?;
    let bytes = std::fs::metadata(&cmd.model)?.len();
    let ins = inspect(&model, cmd.top);
    if cmd.json {
        print_stdout(&json(&ins)?)
    } else {
        print_stdout(render(&ins, &cmd.model.display().to_string(), bytes).as_bytes())
    }
}

fn range((a, b): (usize, usize)) -> String {
    if a == 0 && b == 0 {
        "off".into()
    } else {
        format!("{a}–{b}")
    }
}

fn render(m: &Inspection, path: &str, bytes: u64) -> String {
    let mut s = String::new();
    let t = &m.training;
    let _ = writeln!(s, "model      {path} ({bytes} bytes)");
    let skipped = match t.skipped_rows {
        0 => String::new(),
        n => format!(", {n} unusable rows skipped"),
    };
    let sha = match t.data_sha256.as_str() {
        "" => String::new(),
        h => format!(", sha256 {h}"),
    };
    let _ = writeln!(
        s,
        "trained    {}by gavel {} on {} ({} rows{skipped}{sha})",
        dated(&t.trained_at),
        t.gavel_version,
        t.data_file,
        t.rows
    );
    if !t.trainer.is_empty() {
        let _ = writeln!(s, "fitted by  {}", t.trainer);
    }
    // train --init: the models it was folded into, latest first
    let mut from = t.adapted_from.as_deref();
    while let Some(b) = from {
        let _ = writeln!(
            s,
            "adapted from the model trained {}on {} ({} rows)",
            dated(&b.trained_at),
            b.data_file,
            b.rows
        );
        from = b.adapted_from.as_deref();
    }
    let labels = match &m.spec.labels {
        LabelSpec::Classes {
            column,
            classes,
            positive,
        } => format!(
            "column '{column}', classes {}{}",
            classes.join(", "),
            positive
                .as_ref()
                .map(|p| format!(" (positive: {p})"))
                .unwrap_or_default()
        ),
        LabelSpec::MultiLabel { columns } => format!("0/1 columns {}", columns.join(", ")),
    };
    let _ = writeln!(
        s,
        "labels     {labels}; text column '{}'",
        m.spec.text_column
    );
    if let Some(tg) = &m.spec.target {
        let _ = writeln!(
            s,
            "targets    column '{}': {}",
            tg.column,
            tg.values.join(", ")
        );
    }
    let _ = writeln!(s, "outputs    {}", m.outputs.join(", "));
    let counts: Vec<String> = t
        .class_counts
        .iter()
        .map(|(c, n)| format!("{c} {n}"))
        .collect();
    let _ = writeln!(s, "rows       {}", counts.join(", "));
    if !t.head_rows.is_empty() {
        let labelled: Vec<String> = t
            .head_rows
            .iter()
            .map(|(c, n)| format!("{c} {n}"))
            .collect();
        let _ = writeln!(
            s,
            "labelled   {} (rows with a label per column)",
            labelled.join(", ")
        );
    }
    let _ = writeln!(
        s,
        "text       stemming {}, word n-grams {}, char n-grams {}, elongations {}",
        m.text.language,
        range(m.text.word_ngrams),
        range(m.text.char_ngrams),
        if m.text.squash_elongations {
            "squashed"
        } else {
            "kept"
        }
    );
    if let Some(n) = m.spelling_words {
        let rules = match m.text.spell_revision {
            0 => format!("the commonest of their {n} words one typo away"),
            1 => format!(
                "the commonest of their {n} words one typo away, else as the commonest that \
                 sounds the same; a word they used, into one a typo away used {COMMONER} times \
                 as often"
            ),
            2 => format!(
                "the likeliest of their {n} words meant: the commonest one typo away by a slip \
                 of the keyboard, else the commonest that sounds the same, else one any other \
                 typo away; a word they used, into one a typo away or sounding the same used \
                 {COMMONER} times as often"
            ),
            r => format!(
                "the likeliest of their {n} words meant (among those used {} times or more): \
                 the commonest one typo away by a slip of the keyboard, else the commonest that \
                 sounds the same and is near in letters, else one any other typo away; a word \
                 they used, into one a slip away used {COMMONER} times as often{}",
                target_count(r),
                match r {
                    r if r >= SHORT_REVISION => format!(
                        "; a word split by a space (`stu pid`, `th at`) read whole, when a piece \
                         was used less than {PIECE_COUNT} times and at most 1/{PIECE_RATIO} as \
                         often as the word (two-letter words counted too)"
                    ),
                    r if r >= RATIO_REVISION => format!(
                        "; a word split by a space (`stu pid`) read whole, when a piece was used \
                         less than {PIECE_COUNT} times and at most 1/{PIECE_RATIO} as often as \
                         the word"
                    ),
                    r if r >= JOIN_REVISION => {
                        "; a word split by a space (`stu pid`) read whole".to_string()
                    }
                    _ => String::new(),
                }
            ),
        };
        let _ = writeln!(
            s,
            "spelling   words the training comments never used are read as {rules}"
        );
    }
    let _ = writeln!(
        s,
        "features   2^{} buckets, min_df {}, {} tf: {} columns kept, {} named by the n-gram dictionary",
        m.features.bits,
        m.features.min_df,
        if m.features.sublinear_tf { "sublinear" } else { "raw" },
        m.n_features,
        m.named_columns
    );
    let p = &t.params;
    let _ = writeln!(
        s,
        "fit        C {}, class weights {:?}, tolerance {}, calibration folds {}; matrix {} entries",
        p.c, p.class_weight, p.solver.tol, t.calibration_folds, t.matrix.nnz
    );
    if let Some(a) = &t.augment {
        let _ = writeln!(
            s,
            "augment    {} typo'd copies of every row, a typo in {} of a copy's words of 4+ letters, seed {}",
            a.copies, a.rate, a.seed
        );
    }
    for (i, (h, c)) in m.heads.iter().zip(&t.convergence).enumerate() {
        let mut line = format!(
            "head {i}{}: {} Newton / {} CG iterations, {}",
            h.target
                .as_ref()
                .map(|x| format!(" (target {x})"))
                .unwrap_or_default(),
            c.iterations,
            c.cg_iterations,
            if c.converged {
                "converged"
            } else {
                "NOT converged"
            }
        );
        match h.calibration {
            Some(k) => line += &format!("; calibrated a {:.3} b {:.3}", k.a, k.b),
            None => line += "; not calibrated",
        }
        if let Some(th) = h.threshold {
            line += &format!("; threshold {th:.3}");
        }
        let _ = writeln!(s, "{line}");
    }
    let _ = writeln!(
        s,
        "\nstrongest n-grams: family:n-grams of the column in training (several: a hash collision; \
         #N: a column the dictionary does not name) and weight"
    );
    for h in &m.heads {
        for o in &h.outputs {
            let who = match &h.target {
                Some(t) => format!("{} [{t}]", o.output),
                None => o.output.clone(),
            };
            let _ = writeln!(s, "{who}");
            let _ = writeln!(s, "  up:   {}", list(&o.up));
            let _ = writeln!(s, "  down: {}", list(&o.down));
        }
    }
    s
}

fn list(ws: &[Weighted]) -> String {
    ws.iter()
        .map(|w| {
            let name = if w.grams.is_empty() {
                format!("#{}", w.column)
            } else {
                w.grams.join(" | ")
            };
            format!("{}:{name} ({:+.2})", w.family, w.weight)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `"<date> "`, or nothing for a model trained without `SOURCE_DATE_EPOCH` (it records no date).
fn dated(trained_at: &str) -> String {
    match trained_at {
        "" => String::new(),
        d => format!("{d} "),
    }
}
