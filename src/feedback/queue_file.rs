//! A scored file (what `gavel score --policy` or `gavel suggest` writes) read into review-queue
//! items: the rows the policy sent to review (`decision` = `review`), or every row. Score
//! columns are the `p_…` columns; `id`, `target`, `story` (or `article`), `lang` and `reason`
//! are taken when present. A bad row is an error naming its file, line and column; nothing is
//! queued from a file with one.

use super::queue::NewItem;
use crate::error::{Error, Result};
use crate::io::{ReadOptions, RecordReader};
use std::path::Path;

/// What to take from a scored file.
#[derive(Clone, Debug)]
pub struct QueueColumns {
    /// column with the comment text
    pub text: String,
    /// every row, not only those the policy sent to review
    pub all: bool,
}

/// The file's rows to queue, in file order.
pub fn read_scored(path: &Path, opts: ReadOptions, cols: &QueueColumns) -> Result<Vec<NewItem>> {
    let mut r = RecordReader::open(Some(path), opts)?;
    let name = r.name().to_string();
    // the queue names a row by its file's name and line
    let file = path
        .file_name()
        .map_or(name.clone(), |f| f.to_string_lossy().into_owned());
    let text = r.column(&cols.text)?;
    let find = |c: &str| r.headers().iter().position(|h| h == c);
    let (id, target, lang, reason) = (find("id"), find("target"), find("lang"), find("reason"));
    let story = find("story").or_else(|| find("article"));
    let decision = find("decision");
    if decision.is_none() && !cols.all {
        return Err(Error::Data(format!(
            "{name}: no 'decision' column: score it with --policy to queue the comments sent \
             to review, or queue every row with --all"
        )));
    }
    let scores: Vec<(usize, String)> = r
        .headers()
        .iter()
        .enumerate()
        .filter(|(_, h)| h.starts_with("p_"))
        .map(|(i, h)| (i, h.clone()))
        .collect();
    if scores.is_empty() {
        return Err(Error::Data(format!(
            "{name}: no score columns (p_…): give a file that gavel score or gavel suggest wrote"
        )));
    }
    let mut out = Vec::new();
    while let Some(rec) = r.next_record()? {
        let cell = |i: Option<usize>| {
            i.map(|i| rec.fields[i].trim())
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        if !cols.all && cell(decision).as_deref() != Some("review") {
            continue;
        }
        let t = rec
            .text(text)
            .map_err(|m| Error::input(&name, rec.line, Some(&cols.text), m))?;
        if t.trim().is_empty() {
            return Err(Error::input(
                &name,
                rec.line,
                Some(&cols.text),
                "empty comment",
            ));
        }
        let mut ps = Vec::with_capacity(scores.len());
        for (i, o) in &scores {
            let v = rec.fields[*i].trim();
            if v.is_empty() {
                continue; // an output this row has no score for (a row scored with an error)
            }
            match v.parse::<f64>() {
                Ok(p) if (0.0..=1.0).contains(&p) => ps.push((o.clone(), p)),
                _ => {
                    return Err(Error::input(
                        &name,
                        rec.line,
                        Some(o),
                        format!(
                            "'{}' is not a probability between 0 and 1",
                            crate::error::excerpt(v, 40)
                        ),
                    ))
                }
            }
        }
        if ps.is_empty() {
            return Err(Error::input(
                &name,
                rec.line,
                None,
                "no scores in this row (was it scored with an error?)",
            ));
        }
        out.push(NewItem {
            source: format!("{file}:{}", rec.line),
            comment_id: cell(id),
            text: t.to_string(),
            target: cell(target),
            story: cell(story),
            lang: cell(lang),
            scores: ps,
            reason: cell(reason),
        });
    }
    Ok(out)
}
