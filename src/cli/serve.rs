//! `gavel serve`: the models behind HTTP, as a drop-in for the Perspective API plus gavel's own
//! routes. Flags override `--config`.

use super::args::int_in;
use crate::serve::config::{parse_model_flag, ServeConfig};
use anyhow::Result;
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct Cmd {
    /// serve.toml with the models, attributes and limits (see docs/serve.md)
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// A model to serve, as NAME=PATH or NAME@VERSION=PATH (repeat for several). The first is
    /// the one /v1/score uses unless a request names another
    #[arg(long = "model", value_name = "NAME=PATH")]
    pub models: Vec<String>,
    /// Policy for /v1/score's decision and reason columns
    #[arg(long)]
    pub policy: Option<PathBuf>,
    /// Address to listen on (port 0 picks a free port)
    #[arg(long)]
    pub addr: Option<String>,
    /// Perspective attribute served by a model output, as NAME=MODEL:OUTPUT (repeatable)
    #[arg(long = "attribute", value_name = "NAME=MODEL:OUTPUT")]
    pub attributes: Vec<String>,
    /// SQLite database for moderators' decisions and stored comments
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Do not store analyzed comments even when a request allows it (decisions are still
    /// stored)
    #[arg(long)]
    pub no_store: bool,
    /// File of API keys, one 'name key' (or 'name key admin') per line
    #[arg(long)]
    pub api_key_file: Option<PathBuf>,
    /// Longest comment, in bytes
    #[arg(long, value_parser = int_in::<1, { 1 << 30 }>)]
    pub max_text_bytes: Option<usize>,
    /// Largest request body, in bytes (413 past it)
    #[arg(long, value_parser = int_in::<1024, { 1 << 30 }>)]
    pub max_body_bytes: Option<usize>,
    /// Requests handled at once; more get 429
    #[arg(long, value_parser = int_in::<1, 1_000_000>)]
    pub concurrency: Option<usize>,
    /// Per-request time limit in milliseconds (504 past it)
    #[arg(long, value_parser = int_in::<1, 3_600_000>)]
    pub timeout_ms: Option<usize>,
    /// Worker threads (default: the number of cores)
    #[arg(long, value_parser = int_in::<1, 1024>)]
    pub threads: Option<usize>,
    /// Write comment text into the log (off by default)
    #[arg(long)]
    pub log_text: bool,
    /// Serve the moderators' review queue at /review (needs --db and --api-key-file)
    #[arg(long)]
    pub ui: bool,
    /// An `eval --compare` report (report.html) to link from the review pages
    #[arg(long, requires = "ui")]
    pub compare_report: Option<PathBuf>,
}

/// The config file, with the flags over it.
fn config(cmd: &Cmd) -> Result<ServeConfig> {
    let mut c = match &cmd.config {
        Some(p) => ServeConfig::load(p)?,
        None => ServeConfig::default(),
    };
    if !cmd.models.is_empty() {
        c.models = cmd
            .models
            .iter()
            .map(|m| parse_model_flag(m))
            .collect::<crate::Result<_>>()?;
    }
    for a in &cmd.attributes {
        let (name, target) = a
            .split_once('=')
            .ok_or_else(|| anyhow::anyhow!("--attribute '{a}': give NAME=MODEL:OUTPUT"))?;
        c.attributes.insert(name.to_string(), target.to_string());
    }
    macro_rules! over {
        ($field:ident, $value:expr) => {
            if let Some(v) = $value {
                c.$field = v;
            }
        };
    }
    over!(addr, cmd.addr.clone());
    over!(max_text_bytes, cmd.max_text_bytes);
    over!(max_body_bytes, cmd.max_body_bytes);
    over!(concurrency, cmd.concurrency);
    over!(timeout_ms, cmd.timeout_ms.map(|v| v as u64));
    if cmd.policy.is_some() {
        c.policy = cmd.policy.clone();
    }
    if cmd.db.is_some() {
        c.db = cmd.db.clone();
    }
    if cmd.api_key_file.is_some() {
        c.api_key_file = cmd.api_key_file.clone();
    }
    if cmd.no_store {
        c.store_by_default = false;
    }
    c.log_text |= cmd.log_text;
    c.ui |= cmd.ui;
    if cmd.compare_report.is_some() {
        c.compare_report = cmd.compare_report.clone();
    }
    Ok(c)
}

pub fn run(cmd: &Cmd, ui: &super::Ui) -> Result<()> {
    let c = config(cmd)?;
    let threads = cmd
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let models: Vec<String> = c.models.iter().map(|m| m.name.clone()).collect();
    crate::serve::run(c, threads, |addr| {
        // the address goes to stderr even with --quiet: scripts that asked for port 0 read it
        super::say(&format!(
            "gavel: serving {} on http://{addr}",
            models.join(", ")
        ));
    })?;
    ui.info("stopped");
    Ok(())
}
