//! `gavel explain`: one comment's scores, split into the exact contribution of each word of
//! the comment as written, or (`--columns`) of each n-gram column, with collisions shown.

use super::args::{int_in, json, print_stdout, MAX_FIELD_BYTES_LIMIT};
use crate::explain::{explain_for, Driver, HeadExplanation};
use crate::model::{file, Model};
use anyhow::{bail, Result};
use clap::Args;
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct Cmd {
    /// Model file
    #[arg(long)]
    pub model: PathBuf,
    /// The comment to explain
    #[arg(required_unless_present = "file", conflicts_with = "file")]
    pub text: Option<String>,
    /// Read the comment from this file (all of it is one comment; '-' reads standard input)
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// Longest comment read with --file, in bytes
    #[arg(long, default_value_t = crate::io::DEFAULT_MAX_FIELD_BYTES, value_parser = int_in::<1, MAX_FIELD_BYTES_LIMIT>)]
    pub max_field_bytes: usize,
    /// Target of per-target models (the value of the model's target column)
    #[arg(long)]
    pub target: Option<String>,
    /// Per-target models: explain a target the model was not trained on (or none) with the
    /// mean of its target heads, as `score --any-target` scores it
    #[arg(long)]
    pub any_target: bool,
    /// Words (or n-gram columns) shown per direction
    #[arg(long, default_value_t = 10, value_parser = int_in::<0, 100_000>)]
    pub top: usize,
    /// Show the n-gram feature columns behind the score instead of the words
    #[arg(long)]
    pub columns: bool,
    /// Print JSON (every column, exact contributions) instead of text
    #[arg(long)]
    pub json: bool,
}

pub fn run(cmd: &Cmd) -> Result<()> {
    let mut model = file::load(&cmd.model)?;
    if cmd.any_target {
        model = model.with_any_target();
    }
    let text = match (&cmd.text, &cmd.file) {
        (Some(t), _) => t.clone(),
        (None, Some(f)) => crate::io::text::read_text(Some(f), "one comment", cmd.max_field_bytes)?,
        (None, None) => bail!("give the comment, or --file FILE"),
    };
    if text.trim().is_empty() {
        bail!("the comment is empty");
    }
    let target = model
        .target_index(cmd.target.as_deref())
        .map_err(|m| match &cmd.target {
            Some(_) => anyhow::anyhow!("{m}"),
            None => anyhow::anyhow!("{m}: give it with --target"),
        })?;
    let heads = explain_for(&model, &text, cmd.target.as_deref(), target);
    let out = if cmd.json {
        String::from_utf8(json(&heads)?)?
    } else {
        render(&model, &heads, target, cmd.top, cmd.columns)
    };
    print_stdout(out.as_bytes())
}

/// The explanation as text: per head the scores, the logit's parts, and the words (or
/// columns) that pushed the shown output up and down.
fn render(
    model: &Model,
    heads: &[HeadExplanation],
    target: usize,
    top: usize,
    columns: bool,
) -> String {
    let mut s = String::new();
    let per = model.spec.heads_per_target();
    for (g, h) in heads.iter().enumerate() {
        let scores: Vec<String> = h
            .outputs
            .iter()
            .zip(&h.probs)
            .map(|(o, p)| format!("{o} = {p:.3}"))
            .collect();
        let _ = writeln!(s, "{}", scores.join(", "));
        // the output explained: a one-output head's, else the most probable class
        let o = crate::numeric::argmax(&h.probs);
        let from: f64 = h.drivers.iter().map(|d| d.contribution[o]).sum();
        let (n, what) = match columns {
            true => (h.drivers.len(), "n-gram columns"),
            false => (h.spans.len(), "words"),
        };
        let _ = writeln!(
            s,
            "  {}: logit {:.3} = intercept {:.3} + {:.3} from {n} {what}",
            h.outputs[o], h.logits[o], h.bias[o], from,
        );
        if let Some(c) = h.calibration {
            let _ = writeln!(
                s,
                "  calibrated: {}({:.3} × logit{})",
                if h.probs.len() == 1 { "σ" } else { "softmax" },
                c.a,
                if c.b != 0.0 {
                    format!(" {:+.3}", c.b)
                } else {
                    String::new()
                }
            );
        }
        if h.probs.len() == 1 {
            let _ = writeln!(
                s,
                "  decision threshold: {:.3}",
                model.heads[target * per + g].threshold()
            );
        }
        for (up, title) in [(true, "pushed up"), (false, "pushed down")] {
            let lines: Vec<String> = match columns {
                true => h
                    .top(o, top, up)
                    .iter()
                    .map(|x| driver_line(x, o))
                    .collect(),
                false => h
                    .top_spans(o, top, up)
                    .iter()
                    .map(|w| {
                        let read = match &w.read_as {
                            Some(r) => format!(" (read as {r})"),
                            None => String::new(),
                        };
                        format!(
                            "{:+.3}  {}{read}  [{}..{}]",
                            w.contribution[o], w.text, w.begin, w.end
                        )
                    })
                    .collect(),
            };
            if lines.is_empty() {
                continue;
            }
            let _ = writeln!(s, "  {title}:");
            for line in lines {
                let _ = writeln!(s, "    {line}");
            }
        }
    }
    s
}

/// `+0.550  word  you are | yo   (column also holds: …)`
fn driver_line(d: &Driver, o: usize) -> String {
    let mut line = format!(
        "{:+.3}  {:4}  {}",
        d.contribution[o],
        d.family,
        d.grams.join(" | ")
    );
    if d.grams.len() > 1 {
        line += "   (hash collision in the comment)";
    }
    if !d.shared_with.is_empty() {
        line += &format!("   (column also holds: {})", d.shared_with.join(", "));
    }
    line
}
