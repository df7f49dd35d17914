//! `gavel feedback export`: moderators' decisions from the service's database as a training
//! file.

use anyhow::Result;
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct Cmd {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Subcommand, Debug)]
pub enum Action {
    /// Write the decisions as a CSV/TSV/JSONL that `gavel train --label abusive` reads
    Export {
        /// The database `gavel serve --db` wrote
        #[arg(long)]
        db: PathBuf,
        /// Output file (format by extension; default CSV on standard output)
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

pub fn run(cmd: &Cmd, ui: &super::Ui) -> Result<()> {
    match &cmd.action {
        Action::Export { db, output } => {
            let e = crate::feedback::export::export(db, output.as_deref())?;
            ui.info(&format!(
                "exported {} decisions; left out {} superseded by a later decision on the same \
                 comment and {} without a label (review)",
                e.rows, e.superseded, e.unlabelled
            ));
            Ok(())
        }
    }
}
