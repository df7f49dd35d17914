//! gavel's own routes: `/v1/score` (a batch, with the columns `gavel score` writes),
//! `/v1/models`, `/v1/feedback` and `/healthz`.

use super::errors::{parse_json, ApiError};
use super::registry::{Registry, Served};
use crate::feedback::store::Decision;
use crate::io::{Format, ReadOptions, RecordReader, RecordWriter};
use crate::score::{score_stream, Articles, OnError, ScoreOptions};
use crate::topic::Topic;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{Read, Write};

/// Options of a `/v1/score` request, from its query string.
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct ScoreQuery {
    /// `NAME` or `NAME@VERSION`; default the first model
    pub model: Option<String>,
    /// words shown per flagged output in an `explain` column (at most 100)
    #[serde(default, deserialize_with = "at_most_100")]
    pub explain: Option<usize>,
    /// accepted and ignored, as Google's APIs accept it
    pub key: Option<String>,
    /// put the comments the policy sends to review in the review queue (JSON array
    /// requests; needs the database)
    #[serde(default)]
    pub store: Option<bool>,
}

/// Checks a JSON array of comment objects (`max_batch` at most) and turns it into JSON lines;
/// with the `article` each comment gives, the articles to score `on_topic` against.
pub fn array_to_lines(
    served: &Served,
    body: &[u8],
    max_batch: usize,
) -> Result<(Vec<u8>, Option<Articles>), ApiError> {
    let rows: Vec<&RawValue> = parse_json(body)?;
    if rows.is_empty() {
        return Err(ApiError::invalid("no comments in the request"));
    }
    if rows.len() > max_batch {
        return Err(ApiError::invalid(format!(
            "{} comments in one request, the limit is {max_batch}",
            rows.len()
        )));
    }
    #[derive(Deserialize)]
    struct Probe<'a> {
        #[serde(borrow, default)]
        article: Option<std::borrow::Cow<'a, str>>,
    }
    let mut lines = Vec::with_capacity(body.len() + rows.len());
    let mut articles: Vec<Option<std::borrow::Cow<str>>> = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let raw = r.get();
        if !raw.starts_with('{') {
            return Err(ApiError::invalid(format!("comment {i}: not a JSON object")));
        }
        let p: Probe = serde_json::from_str(raw).map_err(|e| {
            ApiError::invalid(format!("comment {i}: 'article' must be a string: {e}"))
        })?;
        articles.push(p.article);
        // a line break outside a JSON string is white space
        lines.extend(
            raw.bytes()
                .map(|b| if b == b'\n' || b == b'\r' { b' ' } else { b }),
        );
        lines.push(b'\n');
    }
    let with = articles.iter().filter(|a| a.is_some()).count();
    let articles = match with {
        0 => None,
        n if n == rows.len() => {
            let topic = Topic::new(&served.model.vectorizer);
            let mut by_id = HashMap::new();
            for a in articles.into_iter().flatten() {
                if !by_id.contains_key(a.trim()) {
                    by_id.insert(a.trim().to_string(), topic.vector(&a));
                }
            }
            Some(Articles::ById {
                column: "article".into(),
                by_id,
            })
        }
        _ => {
            return Err(ApiError::invalid(
                "give every comment an 'article', or none",
            ))
        }
    };
    Ok((lines, articles))
}

/// Scores JSON lines from `src` into `out` as `gavel score` would (every row out, in order, a
/// row that cannot be scored with its `error`); a line that is not a JSON object, or longer
/// than `max_line` bytes, stops the run with its line number.
pub fn score_lines(
    served: &Served,
    q: &ScoreQuery,
    src: Box<dyn Read + Send>,
    out: Box<dyn Write + Send>,
    articles: Option<Articles>,
    max_text: usize,
    max_line: usize,
) -> crate::Result<()> {
    let opts = ScoreOptions {
        on_error: OnError::Skip,
        batch: 1024,
        policy: served.policy.clone(),
        explain: q.explain.unwrap_or(0),
        articles,
        max_text_bytes: Some(max_text),
        ..ScoreOptions::default()
    };
    let mut read = ReadOptions::new(Format::Jsonl);
    read.max_field_bytes = max_line;
    let mut reader = RecordReader::from_reader("request".into(), src, read)?;
    let mut writer = RecordWriter::to_writer(out, Format::Jsonl);
    score_stream(&served.model, &mut reader, &mut writer, &opts)?;
    writer.finish()
}

/// JSON lines as a JSON array.
pub fn lines_to_array(lines: &[u8]) -> Vec<u8> {
    let mut a = Vec::with_capacity(lines.len() + 2);
    a.push(b'[');
    for (i, line) in lines
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        if i > 0 {
            a.push(b',');
        }
        a.extend_from_slice(line);
    }
    a.push(b']');
    a
}

fn at_most_100<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    let n = Option::<usize>::deserialize(d)?;
    match n {
        Some(n) if n > 100 => Err(serde::de::Error::custom("explain must be at most 100")),
        n => Ok(n),
    }
}

/// `GET /v1/models`: each model's name, version, file, SHA-256, training date and outputs,
/// and the attributes that read it.
pub fn models(reg: &Registry) -> Value {
    let list: Vec<Value> = reg
        .models
        .iter()
        .map(|m| {
            let attributes: Vec<&String> = reg
                .attributes
                .iter()
                .filter(|(_, a)| a.model == m.name)
                .map(|(n, _)| n)
                .collect();
            json!({
                "name": m.name,
                "version": m.version,
                "path": m.path,
                "sha256": m.sha256,
                "trained_at": Some(&m.model.meta.trained_at).filter(|d| !d.is_empty()),
                "outputs": m.model.output_names(),
                "targets": m.model.spec.target.as_ref().map(|t| t.values.clone()),
                "languages": m.languages,
                "attributes": attributes,
                "policy": m.policy.is_some(),
            })
        })
        .collect();
    json!({ "models": list })
}

/// The body of `POST /v1/feedback`.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct FeedbackRequest {
    pub id: Option<String>,
    pub text: String,
    pub target: Option<String>,
    pub decision: Option<String>,
    pub labels: Option<serde_json::Map<String, Value>>,
}

/// Checks a decision and turns it into the row stored, recorded as `by`.
pub fn decision(
    req: FeedbackRequest,
    by: Option<String>,
    max_text: usize,
) -> Result<Decision, ApiError> {
    if req.text.trim().is_empty() {
        return Err(ApiError::invalid("text must be non-empty"));
    }
    if req.text.len() > max_text {
        return Err(ApiError::invalid(format!(
            "text too long: {} bytes, the limit is {max_text}",
            req.text.len()
        )));
    }
    if let Some(d) = &req.decision {
        if !["approve", "review", "reject"].contains(&d.as_str()) {
            return Err(ApiError::invalid(format!(
                "decision '{}' must be approve, review or reject",
                crate::error::excerpt(d, 40)
            )));
        }
    }
    let labels = req.labels.filter(|l| !l.is_empty());
    if let Some(l) = &labels {
        for (k, v) in l {
            if k.trim().is_empty() || matches!(v, Value::Array(_) | Value::Object(_)) {
                return Err(ApiError::invalid(format!(
                    "label '{}' must have a name and a string, number, true/false or null value",
                    crate::error::excerpt(k, 40)
                )));
            }
        }
    }
    if req.decision.is_none() && labels.is_none() {
        return Err(ApiError::invalid("give a decision, labels, or both"));
    }
    Ok(Decision {
        comment_id: req.id,
        text: req.text,
        target: req.target,
        decision: req.decision,
        labels: labels.map(|l| Value::Object(l).to_string()),
        decided_by: by,
    })
}
