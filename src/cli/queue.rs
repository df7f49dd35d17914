//! `gavel queue add`: comments from a scored file into the review queue of a feedback
//! database, for `gavel serve --ui`.

use super::args::{int_in, read_options};
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct Cmd {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Subcommand, Debug)]
pub enum Action {
    /// Queue the comments a scored file's policy sent to review (or every row, with --all)
    Add {
        /// The database `gavel serve --db` uses (created if missing)
        #[arg(long)]
        db: PathBuf,
        /// What `gavel score --policy` (or `gavel suggest`) wrote: CSV, TSV or JSONL
        file: PathBuf,
        /// Column with the comment text
        #[arg(long, default_value = "text")]
        text: String,
        /// Queue every row, not only those whose decision is review
        #[arg(long)]
        all: bool,
        /// The model that scored the file: its thresholds order the queue (default 0.5)
        #[arg(long)]
        model: Option<PathBuf>,
        /// Force the file's format: csv, tsv or jsonl (default: from the extension)
        #[arg(long)]
        format: Option<String>,
        /// Longest field in bytes
        #[arg(long, default_value_t = crate::io::DEFAULT_MAX_FIELD_BYTES, value_parser = int_in::<1, { super::args::MAX_FIELD_BYTES_LIMIT }>)]
        max_field_bytes: usize,
    },
}

pub fn run(cmd: &Cmd, ui: &super::Ui) -> Result<()> {
    match &cmd.action {
        Action::Add {
            db,
            file,
            text,
            all,
            model,
            format,
            max_field_bytes,
        } => {
            let opts = read_options(format.as_deref(), Some(file), false, *max_field_bytes)?;
            let cols = crate::feedback::queue_file::QueueColumns {
                text: text.clone(),
                all: *all,
            };
            let items = crate::feedback::queue_file::read_scored(file, opts, &cols)?;
            let model = model.as_deref().map(crate::model::file::load).transpose()?;
            let bound = model.as_ref().map(crate::feedback::queue::thresholds);
            let th = |o: &str| bound.as_ref().map_or(0.5, |t| t(o));
            let mut conn = crate::feedback::open(db, true)?;
            let ids = crate::feedback::queue::add(&mut conn, &items, &th)
                .with_context(|| format!("{}: adding to the queue", db.display()))?;
            let (waiting, decided) = crate::feedback::queue::counts(&conn)
                .with_context(|| format!("{}: reading the queue", db.display()))?;
            ui.info(&format!(
                "queued {} comments from {}; {waiting} wait for a decision, {decided} decided",
                ids.len(),
                file.display()
            ));
            Ok(())
        }
    }
}
