//! `gavel extract`: the comments of news pages saved as text, as a CSV that `gavel score` reads.

use super::Ui;
use anyhow::{Context, Result};
use clap::Args;
use gavel::extract::{extract, Shape};
use gavel::io::{Format, RecordWriter};
use gavel::Error;
use std::io::Read;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct Cmd {
    /// Pages saved as text (none or '-': standard input)
    pub pages: Vec<PathBuf>,
    /// Output file, written atomically (default: standard output)
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// csv, tsv or jsonl (default: from the output's extension, else csv)
    #[arg(long)]
    pub output_format: Option<String>,
    /// The article title of every page (default: each page's first line that is not a comment)
    #[arg(long)]
    pub title: Option<String>,
}

/// Output columns: `text` is what the shipped models read.
const HEADER: [&str; 6] = ["page", "title", "position", "author", "text", "line"];

pub fn run(cmd: &Cmd, ui: &Ui) -> Result<()> {
    let pages: Vec<Option<&PathBuf>> = if cmd.pages.is_empty() {
        vec![None]
    } else {
        cmd.pages
            .iter()
            .map(|p| (p.as_os_str() != "-").then_some(p))
            .collect()
    };
    let format = Format::resolve(cmd.output_format.as_deref(), cmd.output.as_deref())?;
    // every page is read before a row is written: a missing or bad page writes nothing
    let pages = pages
        .into_iter()
        .map(|path| {
            let name = path.map_or("<stdin>".to_string(), |p| p.display().to_string());
            let page = extract(&read_page(path, &name)?);
            Ok((name, page))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut w = RecordWriter::create(cmd.output.as_deref(), format)?;
    w.write_header(&HEADER.map(String::from))?;
    for (name, page) in &pages {
        let title = cmd.title.as_deref().unwrap_or(&page.title);
        for c in &page.comments {
            let (pos, line) = (c.position.to_string(), c.line.to_string());
            let author = c.author.as_deref().unwrap_or("");
            let row = [name.as_str(), title, &pos, author, &c.text, &line];
            w.write_row(&row, None, &[])?;
        }
        let shapes: Vec<String> = [Shape::Bar, Shape::Numbered, Shape::WordPress]
            .into_iter()
            .map(|s| (s, page.comments.iter().filter(|c| c.shape == s).count()))
            .filter(|&(_, n)| n > 0)
            .map(|(s, n)| format!("{} {n}", s.name()))
            .collect();
        ui.info(&format!(
            "{name}: {} ({}), title '{title}'",
            plural(page.comments.len(), "comment"),
            if shapes.is_empty() {
                "none found".to_string()
            } else {
                shapes.join(", ")
            }
        ));
        if !page.empty.is_empty() {
            let lines: Vec<String> = page.empty.iter().map(|l| l.to_string()).collect();
            ui.warn(&format!(
                "{name}: {} without text left out (line {})",
                plural(page.empty.len(), "comment"),
                lines.join(", ")
            ));
        }
    }
    w.finish()?;
    Ok(())
}

/// A page's text; invalid UTF-8 is an error at its line and column.
fn read_page(path: Option<&PathBuf>, name: &str) -> Result<String> {
    let mut bytes = Vec::new();
    match path {
        Some(p) => bytes = std::fs::read(p).map_err(|e| Error::io(p, e))?,
        None => {
            std::io::stdin()
                .read_to_end(&mut bytes)
                .context("cannot read standard input")?;
        }
    }
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        let col = good.len() - good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) + 1;
        Error::input(
            name,
            line,
            None,
            format!("invalid UTF-8 at byte {col} of the line"),
        )
        .into()
    })
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}
