//! File formats gavel reads and writes, chosen from the file name or forced by the user.

use crate::error::{Error, Result};
use std::path::Path;

/// A tabular text format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// RFC 4180 CSV: header row, `"` quoting, multi-line fields, BOM and CRLF accepted
    Csv,
    /// tab-separated, header row, no quoting by default (tabs and newlines inside a field are
    /// written as `\t` and `\n`)
    Tsv,
    /// one JSON object per line
    Jsonl,
}

impl Format {
    /// From a name given on the command line: `csv`, `tsv`, `jsonl` (or `ndjson`, `json`).
    pub fn parse(name: &str) -> Result<Format> {
        match name.to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "tsv" | "tab" => Ok(Format::Tsv),
            "jsonl" | "ndjson" | "json" => Ok(Format::Jsonl),
            other => Err(Error::Param(format!(
                "unknown format '{other}' (csv, tsv or jsonl)"
            ))),
        }
    }

    /// From a path's extension (`.csv`, `.tsv`/`.tab`/`.txt`, `.jsonl`/`.ndjson`/`.json`).
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "tsv" | "tab" | "txt" => Some(Format::Tsv),
            "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
            _ => None,
        }
    }

    /// The forced format if any, else the path's, else CSV.
    pub fn resolve(forced: Option<&str>, path: Option<&Path>) -> Result<Format> {
        match forced {
            Some(f) => Format::parse(f),
            None => Ok(path.and_then(Format::from_path).unwrap_or(Format::Csv)),
        }
    }
}
