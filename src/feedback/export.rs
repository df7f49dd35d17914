//! Decisions → a training file that `gavel train` reads. A comment decided more than once
//! (same id, or same text when it has no id) counts with its latest decision. `reject` is
//! label 1 and `approve` 0 in the `abusive` column; every label a moderator gave gets a column
//! of its own.

use crate::error::Result;
use crate::io::{Cell, Format, RecordWriter};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// What an export wrote and left out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Exported {
    pub rows: usize,
    /// earlier decisions on a comment decided again later
    pub superseded: usize,
    /// decisions with neither approve/reject nor a label (`review`), which teach nothing
    pub unlabelled: usize,
}

struct Row {
    id: Option<String>,
    text: String,
    target: Option<String>,
    decision: Option<String>,
    labels: serde_json::Map<String, serde_json::Value>,
    decided_by: Option<String>,
    decided_at: String,
}

/// Writes the database's decisions to `out` (CSV, TSV or JSONL by its extension; `None` is
/// CSV on standard output).
pub fn export(db: &Path, out: Option<&Path>) -> Result<Exported> {
    let conn = super::open(db, false)?;
    let err = |e: rusqlite::Error| super::db_error(db, e);
    let mut stmt = conn
        .prepare(
            "SELECT comment_id, text, target, decision, labels, decided_by, decided_at \
             FROM feedback ORDER BY rowid",
        )
        .map_err(err)?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Row {
                id: r.get(0)?,
                text: r.get(1)?,
                target: r.get(2)?,
                decision: r.get(3)?,
                labels: r
                    .get::<_, Option<String>>(4)?
                    .and_then(|s| serde_json::from_str(&s).ok())
                    .unwrap_or_default(),
                decided_by: r.get(5)?,
                decided_at: r.get(6)?,
            })
        })
        .map_err(err)?
        .collect::<rusqlite::Result<Vec<Row>>>()
        .map_err(err)?;
    // the latest decision per comment, in the order of those latest decisions
    let mut latest: HashMap<String, usize> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        let key = match &r.id {
            Some(id) if !id.is_empty() => format!("id:{id}"),
            _ => format!("text:{}", r.text),
        };
        latest.insert(key, i);
    }
    let mut keep: Vec<usize> = latest.into_values().collect();
    keep.sort_unstable();
    let mut done = Exported {
        superseded: rows.len() - keep.len(),
        ..Exported::default()
    };
    let label_of = |r: &Row| match r.decision.as_deref() {
        Some("reject") => Some(1),
        Some("approve") => Some(0),
        _ => None,
    };
    keep.retain(|&i| {
        let useful = label_of(&rows[i]).is_some() || !rows[i].labels.is_empty();
        done.unlabelled += !useful as usize;
        useful
    });
    let label_cols: BTreeSet<String> = keep
        .iter()
        .flat_map(|&i| rows[i].labels.keys().cloned())
        .filter(|k| !FIXED.contains(&k.as_str()))
        .collect();
    let format = Format::resolve(None, out)?;
    let mut w = RecordWriter::create(out, format)?;
    let mut header: Vec<String> = FIXED.iter().map(|s| s.to_string()).collect();
    header.extend(label_cols.iter().cloned());
    w.write_header(&header)?;
    w.mark_text("text");
    w.mark_text("id");
    for &i in &keep {
        let r = &rows[i];
        let opt = |s: &Option<String>| s.clone().map_or(Cell::Empty, Cell::Text);
        let mut cells: Vec<(&str, Cell)> = vec![
            ("id", opt(&r.id)),
            ("text", Cell::Text(r.text.clone())),
            ("target", opt(&r.target)),
            ("decision", opt(&r.decision)),
            ("abusive", label_of(r).map_or(Cell::Empty, Cell::Int)),
            ("decided_by", opt(&r.decided_by)),
            ("decided_at", Cell::Text(r.decided_at.clone())),
        ];
        for c in &label_cols {
            let cell = match r.labels.get(c) {
                None | Some(serde_json::Value::Null) => Cell::Empty,
                Some(serde_json::Value::String(s)) => Cell::Text(s.clone()),
                Some(serde_json::Value::Bool(b)) => Cell::Int(*b as i64),
                Some(v) => Cell::Text(v.to_string()),
            };
            cells.push((c, cell));
        }
        w.write_row(&[], None, &cells)?;
        done.rows += 1;
    }
    w.finish()?;
    Ok(done)
}

/// The columns every export has, before the labels' own.
const FIXED: [&str; 7] = [
    "id",
    "text",
    "target",
    "decision",
    "abusive",
    "decided_by",
    "decided_at",
];
