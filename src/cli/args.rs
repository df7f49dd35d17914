//! Argument groups shared by several subcommands, and their conversion into library configs.
//! Clap stops here: the library only sees the configs.

use crate::dataset::{Columns, LabelColumns};
use crate::io::{Format, ReadOptions};
use crate::model::{LabelSpec, Model};
use anyhow::{bail, Context, Result};
use clap::Args;

pub use super::train_args::{TrainArgs, DEFAULT_C};
use std::path::{Path, PathBuf};

/// A clap parser of a whole number in `LO..=HI`, whose message names the range.
pub fn int_in<const LO: u64, const HI: u64>(s: &str) -> std::result::Result<usize, String> {
    let v: u64 = s
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a whole number from {LO} to {HI}"))?;
    if !(LO..=HI).contains(&v) {
        return Err(format!("{v} is out of range: use {LO} to {HI}"));
    }
    usize::try_from(v).map_err(|_| format!("{v} does not fit this machine"))
}

/// A number that `ok` accepts (NaN never passes a range test), or a message naming `range`.
pub(super) fn real(
    s: &str,
    ok: impl Fn(f64) -> bool,
    range: &str,
) -> std::result::Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if ok(v) => Ok(v),
        _ => Err(format!("'{s}' is not a number {range}")),
    }
}

/// A clap parser of a finite number in [0, 1].
pub fn fraction(s: &str) -> std::result::Result<f64, String> {
    real(s, |v| (0.0..=1.0).contains(&v), "from 0 to 1")
}

/// Refuses to write `out` when it is one of `inputs` (the same file however spelled, through
/// links too): the run would destroy what it reads.
pub fn refuse_overwrite<'a>(
    inputs: impl IntoIterator<Item = &'a PathBuf>,
    out: &Path,
) -> Result<()> {
    for i in inputs {
        if crate::io::output::same_file(i, out) {
            bail!(
                "{} is also an input ({}); write the output to another file",
                out.display(),
                i.display()
            );
        }
    }
    Ok(())
}

/// What to do with a row that cannot be used.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnErrorArg {
    /// stop with the row's file, line and column
    Stop,
    /// go on without it (score: write it with empty scores and the reason)
    Skip,
}

/// A rendering of a report.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    Md,
    Json,
    Html,
}

impl ReportFormat {
    /// Every format, in the order `--out` writes them.
    pub const ALL: [ReportFormat; 3] = [ReportFormat::Md, ReportFormat::Json, ReportFormat::Html];

    /// The file extension: `md`, `json`, `html`.
    pub fn ext(self) -> &'static str {
        match self {
            ReportFormat::Md => "md",
            ReportFormat::Json => "json",
            ReportFormat::Html => "html",
        }
    }
}

/// Largest --max-field-bytes: 1 GiB (a field's offsets must fit 32 bits with room to spare).
pub const MAX_FIELD_BYTES_LIMIT: u64 = 1 << 30;

/// An input file and how to read it.
#[derive(Args, Debug, Clone)]
pub struct DataArgs {
    /// Labelled data file (.csv, .tsv, .jsonl)
    #[arg(long)]
    pub data: PathBuf,
    /// Force the data file's format: csv, tsv or jsonl (default: from the extension)
    #[arg(long)]
    pub data_format: Option<String>,
    /// Honour "quotes" in TSV files (off by default: TSV fields are taken literally)
    #[arg(long)]
    pub tsv_quoting: bool,
    /// Longest field (CSV/TSV) or line (JSONL) in bytes; a longer one (often a stray quote
    /// running on) is an error naming where it starts
    #[arg(long, default_value_t = crate::io::DEFAULT_MAX_FIELD_BYTES, value_parser = int_in::<1, MAX_FIELD_BYTES_LIMIT>)]
    pub max_field_bytes: usize,
    /// On a row that cannot be used (empty text, missing label): stop (default) or skip it,
    /// counting the skipped rows on stderr (and, for train, in the model's record)
    #[arg(long, value_enum, default_value_t = OnErrorArg::Stop)]
    pub on_error: OnErrorArg,
    /// The data's name in the model's training record and in reports, instead of the path
    /// given to --data (for a temporary copy: the Python package's DataFrames)
    #[arg(long, value_name = "NAME")]
    pub data_name: Option<String>,
}

impl DataArgs {
    pub fn read_options(&self) -> Result<ReadOptions> {
        read_options(
            self.data_format.as_deref(),
            Some(&self.data),
            self.tsv_quoting,
            self.max_field_bytes,
        )
    }

    /// Reads the labelled file; skipped rows (with `--on-error skip`) are reported on stderr.
    pub fn load(&self, cols: &Columns, ui: &super::Ui) -> Result<crate::model::TrainingData> {
        let skip = self.on_error == OnErrorArg::Skip;
        let mut data = crate::dataset::load(&self.data, self.read_options()?, cols, skip)?;
        if let Some(name) = &self.data_name {
            data.source.0 = name.clone();
        }
        if let Some(first) = data.skipped.first() {
            ui.warn(&format!(
                "{}: skipped {} row(s) that cannot be used; the first: {first}",
                self.data.display(),
                data.skipped.len()
            ));
        }
        Ok(data)
    }
}

pub fn read_options(
    format: Option<&str>,
    path: Option<&Path>,
    tsv_quoting: bool,
    max_field_bytes: usize,
) -> Result<ReadOptions> {
    Ok(ReadOptions {
        format: Format::resolve(format, path)?,
        tsv_quoting,
        max_field_bytes,
    })
}

/// Which columns hold the text, labels and targets.
#[derive(Args, Debug, Clone)]
pub struct ColumnArgs {
    /// Column with the comment text
    #[arg(long, default_value = "text")]
    pub text: String,
    /// One column of classes (binary or multiclass)
    #[arg(long, conflicts_with = "labels")]
    pub label: Option<String>,
    /// Several 0/1 columns, comma-separated (multi-label)
    #[arg(long, value_delimiter = ',')]
    pub labels: Option<Vec<String>>,
    /// Column naming the target of each row: one set of heads per target (stance)
    #[arg(long)]
    pub target: Option<String>,
}

impl ColumnArgs {
    pub fn columns(&self) -> Result<Columns> {
        let labels = match (&self.label, &self.labels) {
            (Some(l), None) => LabelColumns::Single(l.clone()),
            (None, Some(ls)) if !ls.is_empty() => LabelColumns::Multi(ls.clone()),
            _ => {
                bail!("name the labels: --label COLUMN (classes) or --labels A,B,... (0/1 columns)")
            }
        };
        Ok(Columns {
            text: self.text.clone(),
            labels,
            target: self.target.clone(),
            group: None,
            joint: None,
            sources: None,
        })
    }
}

/// Where a report goes and in which formats.
#[derive(Args, Debug, Clone)]
pub struct ReportArgs {
    /// Report formats, comma-separated (default: md on stdout; md,json,html with --out)
    #[arg(long, value_enum, value_delimiter = ',')]
    pub format: Vec<ReportFormat>,
    /// Folder for report.md, report.json and report.html; without it the one format goes to
    /// stdout
    #[arg(long)]
    pub out: Option<PathBuf>,
}

impl ReportArgs {
    /// Refuses a run whose `--out DIR` would write a report file over one of `inputs`.
    pub fn refuse_overwrite<'a>(
        &self,
        inputs: impl Iterator<Item = &'a PathBuf> + Clone,
    ) -> Result<()> {
        let Some(dir) = &self.out else {
            return Ok(());
        };
        for f in ReportFormat::ALL {
            refuse_overwrite(inputs.clone(), &dir.join(format!("report.{}", f.ext())))?;
        }
        Ok(())
    }
}

/// A report's renderings; each is only produced when asked for.
pub struct Renderings<'a> {
    pub md: &'a dyn Fn() -> String,
    pub json: &'a dyn Fn() -> Result<Vec<u8>>,
    pub html: &'a dyn Fn() -> Result<String>,
}

/// Writes `report.<format>` for every asked format into `--out` (atomically), or prints the
/// one asked format when there is no `--out`.
pub fn emit_report(args: &ReportArgs, r: &Renderings, ui: &super::Ui) -> Result<()> {
    let mut formats = args.format.clone();
    if formats.is_empty() {
        formats = match args.out {
            Some(_) => ReportFormat::ALL.to_vec(),
            None => vec![ReportFormat::Md],
        };
    }
    formats.dedup();
    let render = |f: ReportFormat| -> Result<Vec<u8>> {
        Ok(match f {
            ReportFormat::Md => (r.md)().into_bytes(),
            ReportFormat::Json => (r.json)()?,
            ReportFormat::Html => (r.html)()?.into_bytes(),
        })
    };
    match &args.out {
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            for &f in &formats {
                let path = dir.join(format!("report.{}", f.ext()));
                crate::io::output::write_atomic(&path, &render(f)?)?;
                ui.info(&format!("wrote {}", path.display()));
            }
        }
        None => {
            if formats.len() > 1 {
                bail!("several report formats need --out DIR");
            }
            print_stdout(&render(formats[0])?)?;
        }
    }
    Ok(())
}

/// Writes `bytes` to standard output; a closed or full standard output is an error (and a
/// closed pipe, as everywhere, ends the run quietly).
pub fn print_stdout(bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut out = crate::io::output::Output::create(None)?;
    out.write_all(bytes)
        .map_err(|e| crate::Error::io("<stdout>", e))?;
    out.finish()?;
    Ok(())
}

/// Pretty JSON of a report.
pub fn json(v: &impl serde::Serialize) -> Result<Vec<u8>> {
    let mut j = serde_json::to_vec_pretty(v)?;
    j.push(b'\n');
    Ok(j)
}

/// The columns a model reads.
pub fn model_columns(model: &Model, text: &Option<String>) -> Columns {
    let spec = &model.spec;
    Columns {
        text: text.clone().unwrap_or_else(|| spec.text_column.clone()),
        labels: match &spec.labels {
            LabelSpec::Classes { column, .. } => LabelColumns::Single(column.clone()),
            LabelSpec::MultiLabel { columns } => LabelColumns::MultiPresent(columns.clone()),
        },
        target: spec.target.as_ref().map(|t| t.column.clone()),
        group: None,
        joint: None,
        sources: None,
    }
}

/// The score at which a binary output counts as flagged: the lowest review/reject threshold a
/// policy sets on it, or the model's first head's own decision threshold; and where it came
/// from, for reports.
pub fn flag_threshold(
    model: &crate::model::Model,
    output: &str,
    policy: Option<&std::path::Path>,
) -> Result<(f64, String)> {
    match policy {
        Some(p) => {
            let Some(t) = crate::policy::Policy::load(p)?.flag_threshold(output) else {
                bail!("{}: no review or reject rule on '{output}'", p.display());
            };
            Ok((
                t,
                format!("the lowest review/reject threshold of {}", p.display()),
            ))
        }
        None => Ok((
            model.heads[0].threshold(),
            "the model's own decision threshold".into(),
        )),
    }
}
