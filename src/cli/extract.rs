//! `gavel extract`: the comments of news pages saved as text, as a CSV that `gavel score` reads.

use super::args::{int_in, refuse_overwrite, MAX_FIELD_BYTES_LIMIT};
use super::Ui;
use crate::extract::{extract, Shape};
use crate::io::{Format, RecordWriter};
use anyhow::Result;
use clap::Args;
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
    /// Largest page read, in bytes
    #[arg(long, default_value_t = 64 << 20, value_parser = int_in::<1, MAX_FIELD_BYTES_LIMIT>)]
    pub max_page_bytes: usize,
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
    if let Some(out) = &cmd.output {
        refuse_overwrite(&cmd.pages, out)?;
    }
    let format = Format::resolve(cmd.output_format.as_deref(), cmd.output.as_deref())?;
    // every page is read before a row is written: a missing or bad page writes nothing
    let pages = pages
        .into_iter()
        .map(|path| {
            let name = path.map_or("<stdin>".to_string(), |p| p.display().to_string());
            let text = crate::io::text::read_text(
                path.map(|p| p.as_path()),
                "a page",
                cmd.max_page_bytes,
            )?;
            let page = extract(&text);
            Ok((name, page))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut w = RecordWriter::create(cmd.output.as_deref(), format)?;
    w.write_header(&HEADER.map(String::from))?;
    for c in ["page", "title", "author", "text"] {
        w.mark_text(c);
    }
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

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}
