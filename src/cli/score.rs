//! `gavel score`: comments in (CSV/TSV/JSONL, file or stdin), every row out with scores.

use super::args::{int_in, read_options, refuse_overwrite, OnErrorArg, MAX_FIELD_BYTES_LIMIT};
use super::Ui;
use crate::io::{Format, RecordReader, RecordWriter};
use crate::langid::LangId;
use crate::model::file;
use crate::model::Model;
use crate::policy::{Policy, ON_TOPIC};
use crate::score::{score_stream_with, Articles, OnError, ScoreOptions};
use crate::topic::Topic;
use anyhow::{bail, Result};
use clap::Args;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Args, Debug)]
pub struct Cmd {
    /// Model file
    #[arg(long)]
    pub model: PathBuf,
    /// Input file; standard input when absent or '-'
    pub input: Option<PathBuf>,
    /// Output file (written atomically); standard output when absent or '-'
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Force the input format: csv, tsv or jsonl (default: from the extension; csv on stdin)
    #[arg(long)]
    pub input_format: Option<String>,
    /// Output format (default: from --output's extension, else the input's)
    #[arg(long)]
    pub output_format: Option<String>,
    /// Honour "quotes" in TSV input
    #[arg(long)]
    pub tsv_quoting: bool,
    /// Text column (default: the one the model was trained on)
    #[arg(long)]
    pub text: Option<String>,
    /// Target column for per-target models (default: the one the model was trained on)
    #[arg(long)]
    pub target: Option<String>,
    /// Per-target models: score targets the model was not trained on (and input without a
    /// target column) with the mean of its target heads, instead of stopping
    #[arg(long)]
    pub any_target: bool,
    /// Input columns to keep, comma-separated (default: all)
    #[arg(long, value_delimiter = ',')]
    pub keep: Option<Vec<String>>,
    /// On a row that cannot be scored: stop (default) or skip (write it with empty scores
    /// and the reason in an 'error' column)
    #[arg(long, value_enum, default_value_t = OnErrorArg::Stop)]
    pub on_error: OnErrorArg,
    /// Rows per parallel batch (memory grows with it)
    #[arg(long, default_value_t = 8192, value_parser = int_in::<1, 1_000_000>)]
    pub batch: usize,
    /// Longest field (CSV/TSV) or line (JSONL) in bytes; a longer one (often a stray quote
    /// running on) is an error naming where it starts
    #[arg(long, default_value_t = crate::io::DEFAULT_MAX_FIELD_BYTES, value_parser = int_in::<1, MAX_FIELD_BYTES_LIMIT>)]
    pub max_field_bytes: usize,
    /// Moderation policy (TOML): adds 'decision' (approve, review, reject) and 'reason'
    #[arg(long)]
    pub policy: Option<PathBuf>,
    /// Add an 'explain' column: the N words of the comment that pushed each flagged score up (flagged: by
    /// the policy's deciding rules, else by the model's own decision)
    #[arg(long, default_value_t = 0, value_name = "N", value_parser = int_in::<0, 1000>)]
    pub explain: usize,
    /// Add an 'on_topic' column: each comment's similarity to this article (a text file)
    #[arg(long, conflicts_with = "articles")]
    pub article: Option<PathBuf>,
    /// Add an 'on_topic' column against each row's article: a CSV/TSV/JSONL file with 'id'
    /// and 'text' columns (and 'title', if present), joined on --article-id
    #[arg(long)]
    pub articles: Option<PathBuf>,
    /// The input column holding each comment's article id (with --articles)
    #[arg(long, default_value = "article")]
    pub article_id: String,
    /// Add a 'lang' column (en, ur-Latn, ur-Arab, hi-Deva, other): the script of the comment's
    /// letters, and for Latin script this language-identifier model (models/lang.gavel)
    #[arg(long, value_name = "MODEL")]
    pub lang_id: Option<PathBuf>,
}

pub fn run(cmd: &Cmd, ui: &Ui) -> Result<()> {
    let on_error = match cmd.on_error {
        OnErrorArg::Skip => OnError::Skip,
        OnErrorArg::Stop => OnError::Stop,
    };
    if let Some(out) = &cmd.output {
        let inputs = [Some(&cmd.model), cmd.input.as_ref(), cmd.policy.as_ref()];
        let inputs = inputs.into_iter().flatten();
        let inputs = inputs.chain(cmd.article.iter()).chain(cmd.articles.iter());
        let inputs = inputs.chain(cmd.lang_id.iter());
        refuse_overwrite(inputs, out)?;
    }
    let mut model = file::load(&cmd.model)?;
    if cmd.any_target {
        model = model.with_any_target();
    }
    let policy = match &cmd.policy {
        Some(p) => {
            let pol = Policy::load(p)?;
            if let (Some(n), None) = (pol.first_lang_rule(), &cmd.lang_id) {
                bail!(
                    "{}: rule {n} applies to some languages only: pass --lang-id models/lang.gavel so that each comment has one",
                    p.display()
                );
            }
            if pol.uses_on_topic() && cmd.article.is_none() && cmd.articles.is_none() {
                ui.warn(&format!(
                    "{}: rules on '{ON_TOPIC}' never fire without the comments' article (--article FILE or --articles FILE)",
                    p.display()
                ));
            }
            Some(pol.bind(&model.output_names(), &p.display().to_string())?)
        }
        None => None,
    };
    let ropts = read_options(
        cmd.input_format.as_deref(),
        cmd.input.as_deref(),
        cmd.tsv_quoting,
        cmd.max_field_bytes,
    )?;
    let mut reader = RecordReader::open(cmd.input.as_deref(), ropts)?;
    warn_duplicates(&reader, ui);
    let out_format = match (&cmd.output_format, &cmd.output) {
        (Some(f), _) => Format::parse(f)?,
        (None, Some(p)) => Format::from_path(p).unwrap_or(ropts.format),
        (None, None) => ropts.format,
    };
    let mut writer = RecordWriter::create(cmd.output.as_deref(), out_format)?;
    let opts = ScoreOptions {
        text_column: cmd.text.clone(),
        target_column: cmd.target.clone(),
        keep: cmd.keep.clone(),
        on_error,
        batch: cmd.batch,
        policy,
        explain: cmd.explain,
        articles: articles(cmd, &model, ui)?,
        lang_id: match &cmd.lang_id {
            Some(p) => Some(Arc::new(LangId::new(
                file::load(p)?,
                &p.display().to_string(),
            )?)),
            None => None,
        },
        max_text_bytes: None,
    };
    let t0 = std::time::Instant::now();
    // a bar over the input file's bytes (standard input has no known length)
    let size = cmd
        .input
        .as_deref()
        .filter(|p| p.as_os_str() != "-")
        .and_then(|p| std::fs::metadata(p).ok())
        .map(|m| m.len());
    let bar = match size {
        Some(n) => ui.bytes_bar(n),
        None => ui.spinner("scoring"),
    };
    let summary = score_stream_with(&model, &mut reader, &mut writer, &opts, &mut |s, bytes| {
        bar.set_position(bytes);
        bar.set_message(format!("{} rows", s.rows));
    })?;
    bar.finish_and_clear();
    writer.finish()?;
    let secs = t0.elapsed().as_secs_f64();
    ui.info(&format!(
        "scored {} rows in {:.2}s ({:.0} rows/s)",
        summary.rows,
        secs,
        summary.rows as f64 / secs.max(1e-9)
    ));
    if summary.errors > 0 {
        ui.warn(&format!(
            "{} row(s) could not be scored; they are written with empty scores and an 'error' cell",
            summary.errors
        ));
    }
    Ok(())
}

/// The articles of `--article` or `--articles`, as topic vectors in the model's space.
fn articles(cmd: &Cmd, model: &Model, ui: &Ui) -> Result<Option<Articles>> {
    let topic = Topic::new(&model.vectorizer);
    if let Some(p) = &cmd.article {
        let text = crate::io::text::read_text(Some(p), "article", cmd.max_field_bytes)?;
        if text.trim().is_empty() {
            bail!("{}: the article is empty", p.display());
        }
        return Ok(Some(Articles::One(topic.vector(&text))));
    }
    let Some(p) = &cmd.articles else {
        return Ok(None);
    };
    let ropts = read_options(None, Some(p), false, cmd.max_field_bytes)?;
    let mut r = RecordReader::open(Some(p), ropts)?;
    warn_duplicates(&r, ui);
    let (id, text) = (r.column("id")?, r.column("text")?);
    let title = r.column("title").ok();
    let mut by_id = HashMap::new();
    while let Some(rec) = r.next_record()? {
        let key = rec.fields[id].trim().to_string();
        let body = match title {
            Some(t) => format!("{}\n{}", rec.fields[t], rec.fields[text]),
            None => rec.fields[text].clone(),
        };
        if by_id.insert(key.clone(), topic.vector(&body)).is_some() {
            bail!(
                "{}:{}: article id '{}' appears twice",
                p.display(),
                rec.line,
                crate::error::excerpt(&key, 60)
            );
        }
    }
    Ok(Some(Articles::ById {
        column: cmd.article_id.clone(),
        by_id,
    }))
}

/// Warns of header names given twice (using one of them as a column is an error).
pub fn warn_duplicates(r: &RecordReader, ui: &Ui) {
    let dup = r.duplicate_headers();
    if !dup.is_empty() {
        ui.warn(&format!(
            "{}: the header names {} more than once",
            r.name(),
            dup.iter()
                .map(|d| format!("'{d}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
}
