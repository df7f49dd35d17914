//! gavel's own routes: `/v1/score` (a batch, with the columns `gavel score` writes),
//! `/v1/models`, `/v1/feedback` and `/healthz`.

use super::errors::{parse_json, ApiError};
use super::registry::{Registry, Served};
use crate::feedback::store::Decision;
use crate::io::{Format, ReadOptions, RecordReader, RecordWriter};
use crate::score::{score_stream, Articles, OnError, ScoreOptions};
use crate::topic::Topic;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// Options of a `/v1/score` request, from its query string.
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct ScoreQuery {
    /// `NAME` or `NAME@VERSION`; default the first model
    pub model: Option<String>,
    /// words shown per flagged output in an `explain` column
    pub explain: Option<usize>,
    /// accepted and ignored, as Google's APIs accept it
    pub key: Option<String>,
}

/// A byte sink the scorer writes into and the handler reads back.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.0.lock() {
            Ok(mut v) => {
                v.extend_from_slice(buf);
                Ok(buf.len())
            }
            Err(_) => Err(std::io::Error::other("output buffer poisoned")),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Scores a batch: `body` is a JSON array of comment objects, or JSON lines when `lines`.
/// Every row comes back, in order, as the object `gavel score` writes for it (a row that
/// cannot be scored has an `error`); the answer is a JSON array, or JSON lines when `lines`.
/// Returns the answer and the decisions made, for the metrics.
pub fn score_batch(
    reg: &Registry,
    q: &ScoreQuery,
    body: &[u8],
    lines: bool,
    max_batch: usize,
    max_text: usize,
) -> Result<(Vec<u8>, Vec<String>), ApiError> {
    let served: &Served = reg.model(q.model.as_deref()).map_err(ApiError::invalid)?;
    let explain = q.explain.unwrap_or(0);
    if explain > 100 {
        return Err(ApiError::invalid("explain must be at most 100"));
    }
    // the rows, as JSON objects, checked before anything is scored
    let rows: Vec<serde_json::Map<String, Value>> = match lines {
        false => parse_json::<Vec<Value>>(body)?
            .into_iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::Object(o) => Ok(o),
                _ => Err(ApiError::invalid(format!("comment {i}: not a JSON object"))),
            })
            .collect::<Result<_, _>>()?,
        true => {
            let text = std::str::from_utf8(body).map_err(|e| {
                ApiError::invalid(format!("the body is not valid UTF-8 at byte {}", e.valid_up_to()))
            })?;
            text.lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(i, l)| match serde_json::from_str::<Value>(l) {
                    Ok(Value::Object(o)) => Ok(o),
                    Ok(_) => Err(ApiError::invalid(format!("line {}: not a JSON object", i + 1))),
                    Err(e) => Err(ApiError::invalid(format!("line {}: {e}", i + 1))),
                })
                .collect::<Result<_, _>>()?
        }
    };
    if rows.is_empty() {
        return Err(ApiError::invalid("no comments in the request"));
    }
    if rows.len() > max_batch {
        return Err(ApiError::invalid(format!(
            "{} comments in one request, the limit is {max_batch}",
            rows.len()
        )));
    }
    let text_col = served.model.spec.text_column.clone();
    for (i, r) in rows.iter().enumerate() {
        match r.get(&text_col) {
            Some(Value::String(t)) if t.len() > max_text => {
                return Err(ApiError::invalid(format!(
                    "comment {i}: text too long: {} bytes, the limit is {max_text}",
                    t.len()
                )))
            }
            Some(Value::String(_)) => {}
            _ => {
                return Err(ApiError::invalid(format!(
                    "comment {i}: '{text_col}' must be a string"
                )))
            }
        }
    }
    // an `article` field scores each comment's `on_topic` against its own article
    let with_article = rows.iter().filter(|r| r.contains_key("article")).count();
    let articles = match with_article {
        0 => None,
        n if n == rows.len() => {
            let topic = Topic::new(&served.model.vectorizer);
            let mut by_id = HashMap::new();
            for r in &rows {
                let Some(Value::String(a)) = r.get("article") else {
                    return Err(ApiError::invalid("'article' must be a string"));
                };
                if !by_id.contains_key(a.trim()) {
                    by_id.insert(a.trim().to_string(), topic.vector(a));
                }
            }
            Some(Articles::ById {
                column: "article".into(),
                by_id,
            })
        }
        _ => return Err(ApiError::invalid("give every comment an 'article', or none")),
    };
    let mut jsonl = Vec::with_capacity(body.len() + rows.len());
    for r in &rows {
        serde_json::to_writer(&mut jsonl, r).map_err(|e| ApiError::internal(e.to_string()))?;
        jsonl.push(b'\n');
    }
    let opts = ScoreOptions {
        on_error: OnError::Skip,
        batch: 1024,
        policy: served.policy.clone(),
        explain,
        articles,
        ..ScoreOptions::default()
    };
    let mut reader = RecordReader::from_reader(
        "request".into(),
        Box::new(std::io::Cursor::new(jsonl)),
        ReadOptions::new(Format::Jsonl),
    )
    .map_err(|e| ApiError::invalid(e.to_string()))?;
    let out = Shared::default();
    let mut writer = RecordWriter::to_writer(Box::new(out.clone()), Format::Jsonl);
    score_stream(&served.model, &mut reader, &mut writer, &opts)
        .map_err(|e| ApiError::invalid(e.to_string()))?;
    writer
        .finish()
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let bytes = std::mem::take(&mut *out.0.lock().map_err(|_| ApiError::internal("poisoned"))?);
    let mut decisions = Vec::new();
    if served.policy.is_some() {
        for line in bytes.split(|&b| b == b'\n') {
            if let Ok(v) = serde_json::from_slice::<Value>(line) {
                if let Some(Value::String(d)) = v.get("decision") {
                    decisions.push(d.clone());
                }
            }
        }
    }
    let answer = match lines {
        true => bytes,
        false => {
            let mut a = Vec::with_capacity(bytes.len() + 2);
            a.push(b'[');
            for (i, line) in bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()).enumerate() {
                if i > 0 {
                    a.push(b',');
                }
                a.extend_from_slice(line);
            }
            a.push(b']');
            a
        }
    };
    Ok((answer, decisions))
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
                "trained_at": m.model.meta.trained_at,
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
pub fn decision(req: FeedbackRequest, by: Option<String>, max_text: usize) -> Result<Decision, ApiError> {
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
