//! Labelled files → [`TrainingData`]: picks the text, label and target columns by name and
//! checks every row (empty text, unparseable flags) with its file, line and column.

use crate::error::{Error, Result};
use crate::io::{ReadOptions, RecordReader};
use crate::model::spec::parse_flag;
use crate::model::{Labels, TrainingData};
use sha2::{Digest, Sha256};
use std::path::Path;

/// Which columns hold what.
#[derive(Clone, Debug)]
pub struct Columns {
    pub text: String,
    pub labels: LabelColumns,
    pub target: Option<String>,
}

/// One column of classes, or several 0/1 columns.
#[derive(Clone, Debug)]
pub enum LabelColumns {
    Single(String),
    Multi(Vec<String>),
}

/// SHA-256 of a file's bytes, hex.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut h = Sha256::new();
    std::io::copy(&mut f, &mut h).map_err(|e| Error::io(path, e))?;
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Reads every row of a labelled file. Rows keep their order; the first bad row stops the
/// read with an error naming file, line and column.
pub fn load(path: &Path, opts: ReadOptions, cols: &Columns) -> Result<TrainingData> {
    let mut rdr = RecordReader::open(Some(path), opts)?;
    let ti = rdr.column(&cols.text)?;
    let target_i = cols.target.as_deref().map(|t| rdr.column(t)).transpose()?;
    let label_names: Vec<String> = match &cols.labels {
        LabelColumns::Single(c) => vec![c.clone()],
        LabelColumns::Multi(cs) => cs.clone(),
    };
    let li: Vec<usize> = label_names
        .iter()
        .map(|c| rdr.column(c))
        .collect::<Result<_>>()?;
    let name = rdr.name().to_string();
    let mut texts = Vec::new();
    let mut lines = Vec::new();
    let mut classes = Vec::new();
    let mut flags = Vec::new();
    let mut targets = Vec::new();
    while let Some(rec) = rdr.next_record()? {
        let text = &rec.fields[ti];
        if text.trim().is_empty() {
            return Err(Error::input(
                &name,
                rec.line,
                Some(&cols.text),
                "empty text; remove the row or give it text",
            ));
        }
        match &cols.labels {
            LabelColumns::Single(c) => {
                let v = rec.fields[li[0]].trim();
                if v.is_empty() {
                    return Err(Error::input(&name, rec.line, Some(c), "empty label"));
                }
                classes.push(v.to_string());
            }
            LabelColumns::Multi(cs) => {
                let mut row = Vec::with_capacity(cs.len());
                for (k, &i) in li.iter().enumerate() {
                    let v = &rec.fields[i];
                    row.push(parse_flag(v).ok_or_else(|| {
                        Error::input(
                            &name,
                            rec.line,
                            Some(&cs[k]),
                            format!("label '{v}' is not 0/1, true/false or yes/no"),
                        )
                    })?);
                }
                flags.push(row);
            }
        }
        if let (Some(i), Some(tc)) = (target_i, &cols.target) {
            let t = rec.fields[i].trim();
            if t.is_empty() {
                return Err(Error::input(&name, rec.line, Some(tc), "empty target"));
            }
            targets.push(t.to_string());
        }
        texts.push(rec.fields[ti].clone());
        lines.push(rec.line);
    }
    if texts.is_empty() {
        return Err(Error::Data(format!("{name}: no data rows")));
    }
    let labels = match &cols.labels {
        LabelColumns::Single(c) => Labels::Classes {
            column: c.clone(),
            values: classes,
        },
        LabelColumns::Multi(cs) => Labels::Multi {
            columns: cs.clone(),
            values: flags,
        },
    };
    Ok(TrainingData {
        text_column: cols.text.clone(),
        texts,
        lines,
        labels,
        targets: cols.target.clone().map(|c| (c, targets)),
        source: (path.display().to_string(), sha256_file(path)?),
    })
}
