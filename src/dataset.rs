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
    /// a column to group the rows by (an empty cell is the group `(none)`)
    pub group: Option<String>,
    /// a column whose values each get a joint fit of their own targets (`train --joint-by`;
    /// an empty cell is the value `(none)`)
    pub joint: Option<String>,
    /// the column naming each row's source (`train --sources`; an empty cell is the value
    /// `(none)`)
    pub sources: Option<String>,
}

/// One column of classes, or several 0/1 columns.
#[derive(Clone, Debug)]
pub enum LabelColumns {
    Single(String),
    Multi(Vec<String>),
    /// A multi-label model's columns, for evaluating it on data that labels some of them: a
    /// column missing from the file is unlabelled in every row (at least one must be there).
    MultiPresent(Vec<String>),
}

/// SHA-256 of a file's bytes, hex.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut h = Sha256::new();
    std::io::copy(&mut f, &mut h).map_err(|e| Error::io(path, e))?;
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Reads every row of a labelled file, in order. A row that cannot be used (empty text,
/// text that is not text, an empty or invalid label, an empty target) stops the read with an
/// error naming file, line and column; with `skip_bad` it is left out instead and its
/// message kept in [`TrainingData::skipped`]. Damage to the file's structure always stops.
pub fn load(
    path: &Path,
    opts: ReadOptions,
    cols: &Columns,
    skip_bad: bool,
) -> Result<TrainingData> {
    let mut rdr = RecordReader::open(Some(path), opts)?;
    let ti = rdr.column(&cols.text)?;
    let target_i = cols.target.as_deref().map(|t| rdr.column(t)).transpose()?;
    let group_i = cols.group.as_deref().map(|g| rdr.column(g)).transpose()?;
    let joint_i = cols.joint.as_deref().map(|g| rdr.column(g)).transpose()?;
    let sources_i = cols.sources.as_deref().map(|g| rdr.column(g)).transpose()?;
    let label_names: Vec<String> = match &cols.labels {
        LabelColumns::Single(c) => vec![c.clone()],
        LabelColumns::Multi(cs) | LabelColumns::MultiPresent(cs) => cs.clone(),
    };
    let li: Vec<Option<usize>> = match &cols.labels {
        LabelColumns::MultiPresent(_) => {
            let found: Vec<Option<usize>> =
                label_names.iter().map(|c| rdr.column(c).ok()).collect();
            if found.iter().all(Option::is_none) {
                // none there: the error names the first
                rdr.column(&label_names[0])?;
            }
            found
        }
        _ => label_names
            .iter()
            .map(|c| rdr.column(c).map(Some))
            .collect::<Result<_>>()?,
    };
    let name = rdr.name().to_string();
    let mut texts = Vec::new();
    let mut lines = Vec::new();
    let mut classes = Vec::new();
    let mut flags = Vec::new();
    let mut targets = Vec::new();
    let mut groups = Vec::new();
    let mut joint = Vec::new();
    let mut sources = Vec::new();
    let mut skipped = Vec::new();
    while let Some(rec) = rdr.next_record()? {
        // the row's problem: the column and what is wrong
        let bad = |col: &str, msg: String| Error::input(&name, rec.line, Some(col), msg);
        let row = (|| -> Result<Row> {
            let text = rec.text(ti).map_err(|m| bad(&cols.text, m))?;
            if text.trim().is_empty() {
                return Err(bad(
                    &cols.text,
                    "empty text; remove the row or give it text".into(),
                ));
            }
            let (mut class, mut row_flags) = (None, None);
            match &cols.labels {
                LabelColumns::Single(c) => {
                    let v = li[0].map_or("", |i| rec.fields[i].trim());
                    if v.is_empty() {
                        return Err(bad(c, "empty label".into()));
                    }
                    class = Some(class_value(v));
                }
                LabelColumns::Multi(cs) | LabelColumns::MultiPresent(cs) => {
                    let mut fl = Vec::with_capacity(cs.len());
                    for (k, &i) in li.iter().enumerate() {
                        let v = i.map_or("", |i| rec.fields[i].as_str());
                        // an empty cell: this row is not labelled for this column
                        if v.trim().is_empty() {
                            fl.push(None);
                            continue;
                        }
                        fl.push(Some(parse_flag(v).ok_or_else(|| {
                            bad(
                                &cs[k],
                                format!(
                                    "label '{}' is not 0/1, true/false or yes/no",
                                    crate::error::excerpt(v, 40)
                                ),
                            )
                        })?));
                    }
                    if fl.iter().all(Option::is_none) {
                        return Err(bad(
                            &cs.join(","),
                            "every label cell is empty: the row teaches nothing (with --on-error \
                             skip such rows are left out and counted)"
                                .into(),
                        ));
                    }
                    row_flags = Some(fl);
                }
            }
            let target = match (target_i, &cols.target) {
                (Some(i), Some(tc)) => {
                    let t = rec.fields[i].trim();
                    if t.is_empty() {
                        return Err(bad(tc, "empty target".into()));
                    }
                    Some(t.to_string())
                }
                _ => None,
            };
            Ok(Row {
                text: text.to_string(),
                class,
                flags: row_flags,
                target,
            })
        })();
        match row {
            Ok(r) => {
                texts.push(r.text);
                lines.push(rec.line);
                classes.extend(r.class);
                flags.extend(r.flags);
                targets.extend(r.target);
                for (i, out) in [
                    (group_i, &mut groups),
                    (joint_i, &mut joint),
                    (sources_i, &mut sources),
                ] {
                    if let Some(i) = i {
                        let g = rec.fields[i].trim();
                        out.push(if g.is_empty() { "(none)" } else { g }.to_string());
                    }
                }
            }
            Err(e) if skip_bad => skipped.push(e.to_string()),
            Err(e) => return Err(e),
        }
    }
    if texts.is_empty() {
        return Err(Error::Data(match skipped.len() {
            0 => format!("{name}: no data rows"),
            n => format!("{name}: no usable rows ({n} skipped)"),
        }));
    }
    let labels = match &cols.labels {
        LabelColumns::Single(c) => Labels::Classes {
            column: c.clone(),
            values: classes,
        },
        LabelColumns::Multi(cs) | LabelColumns::MultiPresent(cs) => Labels::Multi {
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
        skipped,
        groups: cols.group.clone().map(|c| (c, groups)),
        joint: cols.joint.clone().map(|c| (c, joint)),
        sources: cols.sources.clone().map(|c| (c, sources)),
    })
}

/// One usable row: its text, and its class or flags, and its target.
struct Row {
    text: String,
    class: Option<String>,
    flags: Option<Vec<Option<bool>>>,
    target: Option<String>,
}

/// A class label as the model keeps it: `1.0` and `1.00` are the class `1`, as `0.0` is `0`,
/// so that a column written by a float-minded tool does not split one class in two.
pub fn class_value(v: &str) -> String {
    let v = v.trim();
    if let Some((int, frac)) = v.split_once('.') {
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let int_ok = digits(int.strip_prefix('-').unwrap_or(int));
        if int_ok && digits(frac) && frac.bytes().all(|b| b == b'0') {
            return int.to_string();
        }
    }
    v.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::Format;

    fn load_str(text: &str, cols: &Columns, skip: bool) -> Result<TrainingData> {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("d.csv");
        std::fs::write(&p, text).unwrap();
        load(&p, ReadOptions::new(Format::Csv), cols, skip)
    }

    fn cols(labels: LabelColumns) -> Columns {
        Columns {
            text: "text".into(),
            labels,
            target: None,
            group: None,
            joint: None,
            sources: None,
        }
    }

    #[test]
    fn skipped_rows_are_counted_and_the_rest_kept_in_order() {
        let c = cols(LabelColumns::Single("y".into()));
        let text = "text,y\na,1\n,0\nb,\nc,0\n";
        let e = load_str(text, &c, false).unwrap_err().to_string();
        assert!(
            e.ends_with("d.csv:3, column 'text': empty text; remove the row or give it text"),
            "{e}"
        );
        let d = load_str(text, &c, true).unwrap();
        assert_eq!(d.texts, ["a", "c"]);
        assert_eq!(d.lines, [2, 5]);
        assert_eq!(d.skipped.len(), 2);
        assert!(
            d.skipped[1].contains(":4, column 'y': empty label"),
            "{:?}",
            d.skipped
        );
    }

    #[test]
    fn labels_outside_the_documented_sets_are_refused() {
        let c = cols(LabelColumns::Multi(vec!["y".into()]));
        for bad in ["2", "0.5", "-1", "maybe"] {
            let e = load_str(&format!("text,y\na,{bad}\n"), &c, false).unwrap_err();
            assert!(e.to_string().contains("is not 0/1"), "{bad}: {e}");
        }
        let d = load_str("text,y\na,1.0\nb,0.00\nc,Yes\n", &c, false).unwrap();
        let Labels::Multi { values, .. } = d.labels else {
            panic!()
        };
        assert_eq!(values, [[Some(true)], [Some(false)], [Some(true)]]);
        // an empty cell is "not labelled" for that column; a row with no label at all is an
        // error at its line
        let c2 = cols(LabelColumns::Multi(vec!["y".into(), "z".into()]));
        let d = load_str(
            "text,y,z
a,1,
b,,0
",
            &c2,
            false,
        )
        .unwrap();
        let Labels::Multi { values, .. } = d.labels else {
            panic!()
        };
        assert_eq!(values, [[Some(true), None], [None, Some(false)]]);
        let e = load_str(
            "text,y,z
a,1,0
b, ,
",
            &c2,
            false,
        )
        .unwrap_err();
        assert!(
            e.to_string().contains(":3") && e.to_string().contains("every label cell is empty"),
            "{e}"
        );
        // one class column: 1 and 1.0 are one class
        let c = cols(LabelColumns::Single("y".into()));
        let d = load_str("text,y\na,1\nb,1.0\nc,0.0\n", &c, false).unwrap();
        let Labels::Classes { values, .. } = d.labels else {
            panic!()
        };
        assert_eq!(values, ["1", "1", "0"]);
        assert_eq!(class_value("1.5"), "1.5");
        assert_eq!(class_value("-2.0"), "-2");
        assert_eq!(class_value("v1.0"), "v1.0");
    }
}
