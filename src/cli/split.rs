//! `gavel split`: a seeded, stratified train/test split of any data file, written in the
//! same format with every column and the original row order.

use super::args::{refuse_overwrite, DataArgs};
use super::Ui;
use crate::io::{RecordReader, RecordWriter};
use crate::split::train_test;
use anyhow::{bail, Result};
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct Cmd {
    #[command(flatten)]
    pub data: DataArgs,
    /// Columns whose combined value is the stratum, comma-separated (e.g. Target,Stance)
    #[arg(long, value_delimiter = ',')]
    pub stratify: Vec<String>,
    /// Fraction of each stratum that goes to the test file
    #[arg(long, default_value_t = 0.2)]
    pub test: f64,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Where the training rows go
    #[arg(long)]
    pub train_out: PathBuf,
    /// Where the test rows go
    #[arg(long)]
    pub test_out: PathBuf,
}

pub fn run(cmd: &Cmd, ui: &Ui) -> Result<()> {
    if !(cmd.test > 0.0 && cmd.test < 1.0) {
        bail!("--test must be a fraction between 0 and 1");
    }
    if crate::io::output::same_file(&cmd.train_out, &cmd.test_out) {
        bail!(
            "--train-out and --test-out name the same file ({}): one split would overwrite the other",
            cmd.test_out.display()
        );
    }
    refuse_overwrite([&cmd.data.data], &cmd.train_out)?;
    refuse_overwrite([&cmd.data.data], &cmd.test_out)?;
    let opts = cmd.data.read_options()?;
    let mut rdr = RecordReader::open(Some(&cmd.data.data), opts)?;
    super::score::warn_duplicates(&rdr, ui);
    let cols: Vec<usize> = cmd
        .stratify
        .iter()
        .map(|c| rdr.column(c))
        .collect::<Result<_, _>>()?;
    let headers = rdr.headers().to_vec();
    let mut records = Vec::new();
    while let Some(r) = rdr.next_record()? {
        records.push(r);
    }
    let keys: Vec<String> = records
        .iter()
        .map(|r| {
            cols.iter()
                .map(|&c| r.fields[c].as_str())
                .collect::<Vec<_>>()
                .join("\u{1f}")
        })
        .collect();
    let (train, test) = train_test(&keys, cmd.test, cmd.seed);
    for (rows, path) in [(&train, &cmd.train_out), (&test, &cmd.test_out)] {
        let mut w = RecordWriter::create(Some(path), opts.format)?;
        w.write_header(&headers)?;
        for &i in rows {
            let f: Vec<&str> = records[i].fields.iter().map(|s| s.as_str()).collect();
            w.write_row(&f, records[i].json.as_ref(), &[])?;
        }
        w.finish()?;
    }
    ui.info(&format!(
        "{} train rows -> {}, {} test rows -> {} (seed {})",
        train.len(),
        cmd.train_out.display(),
        test.len(),
        cmd.test_out.display(),
        cmd.seed
    ));
    Ok(())
}
