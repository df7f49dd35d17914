//! `gavel serve --ui`: the moderators' review queue over the feedback database. `/review`
//! lists the comments waiting for a decision with their scores, the policy's reason and the
//! words behind the score; `POST /review/decide` and `/review/undo` write through the
//! database's writer; `/review/agreement` shows how the model agrees with the decisions so far
//! and how to retrain from them. The routes need a review or admin key.

pub mod agreement;
pub mod page;

use super::errors::{json_body, ApiError};
use super::registry::Served;
use super::{AppState, Caller};
pub use crate::feedback::queue::thresholds;
use crate::feedback::queue::{self, Filter, Item, NewItem};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse, Response};
use axum::{Extension, Json};
use page::{Facets, Mark, Shown};
use serde::Deserialize;
use std::sync::Arc;

/// The page's script and style, served by the service itself.
const SCRIPT: &str = include_str!("review.js");
const STYLE: &str = include_str!("review.css");

/// No script, style, image or connection but the service's own; no framing.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
    img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// `/review`'s query: the filters, the order and how many.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub story: Option<String>,
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub lang: Option<String>,
    #[serde(default)]
    pub output: Option<String>,
    #[serde(default)]
    pub order: Option<String>,
    #[serde(default)]
    pub limit: Option<usize>,
}

impl ListQuery {
    fn filter(&self) -> Result<Filter, ApiError> {
        let some = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
        let newest = match self.order.as_deref() {
            None | Some("") | Some("uncertain") => false,
            Some("newest") => true,
            Some(o) => {
                return Err(ApiError::invalid(format!(
                    "order '{}' must be uncertain or newest",
                    crate::error::excerpt(o, 40)
                )))
            }
        };
        let limit = self.limit.unwrap_or(50);
        if !(1..=1000).contains(&limit) {
            return Err(ApiError::invalid(format!("limit {limit} must be 1..=1000")));
        }
        Ok(Filter {
            story: some(&self.story),
            target: some(&self.target),
            lang: some(&self.lang),
            output: some(&self.output),
            newest,
            decided: false,
            limit,
        })
    }
}

/// A read connection to the service's database.
fn reader(s: &AppState) -> Result<rusqlite::Connection, ApiError> {
    let path = s.config.db.as_deref().ok_or_else(|| {
        ApiError::unavailable("no feedback database: start the service with --db PATH")
    })?;
    crate::feedback::open_read(path).map_err(|e| ApiError::internal(e.to_string()))
}

fn db(e: rusqlite::Error) -> ApiError {
    ApiError::internal(format!("reading the feedback database: {e}"))
}

/// The comparison report's policy: its own inline style, no script at all.
const REPORT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
    frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// An HTML page with the review pages' headers.
fn html(body: String) -> Response {
    html_with(body, CSP)
}

fn html_with(body: String, csp: &'static str) -> Response {
    (
        [
            (header::CONTENT_SECURITY_POLICY, csp),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::CACHE_CONTROL, "no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        Html(body),
    )
        .into_response()
}

/// Runs blocking database and model work off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::internal(format!("the page failed: {e}")))?
}

/// `GET /review`: the comments waiting for a decision.
pub async fn list(
    State(s): State<Arc<AppState>>,
    q: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let q = q.map_err(|e| ApiError::invalid(e.body_text()))?.0;
    let filter = q.filter()?;
    let key = q.key.unwrap_or_default();
    let body = blocking(move || {
        let c = reader(&s)?;
        let (waiting, decided) = queue::counts(&c).map_err(db)?;
        let facets = Facets {
            story: queue::values(&c, "story").map_err(db)?,
            target: queue::values(&c, "target").map_err(db)?,
            lang: queue::values(&c, "lang").map_err(db)?,
            output: queue::values(&c, "output").map_err(db)?,
        };
        let items = queue::list(&c, &filter).map_err(db)?;
        let reg = s.registry.load();
        let served = reg.model(None).map_err(ApiError::internal)?;
        let shown: Vec<Shown> = items.iter().map(|it| shown(served, it)).collect();
        let mut h = page::head("Review queue", &key, waiting, decided);
        h.push_str(&page::queue(&key, &filter, &facets, &shown));
        h.push_str(page::FOOT);
        Ok(h)
    })
    .await?;
    Ok(html(body))
}

/// A queued comment with the words behind the score of its doubtful output (by the first
/// model), and the labels a moderator may add.
fn shown<'a>(served: &Served, it: &'a Item) -> Shown<'a> {
    let model = &served.model;
    let names = model.output_names();
    let k = model.spec.link().k();
    let (labels, stances) = match k {
        1 => (
            names
                .iter()
                .skip(1)
                .map(|o| o.trim_start_matches("p_").to_string())
                .collect(),
            Vec::new(),
        ),
        _ => (
            Vec::new(),
            names
                .iter()
                .map(|o| o.trim_start_matches("p_").to_string())
                .collect(),
        ),
    };
    let wanted = it
        .output
        .clone()
        .or_else(|| it.scores.first().map(|s| s.0.clone()));
    let marked = wanted.and_then(|o| {
        let i = names.iter().position(|n| *n == o)?;
        let t = model.target_index(it.target.as_deref()).ok()?;
        let heads = crate::explain::explain_for(model, &it.text, it.target.as_deref(), t);
        let h = heads.get(i / k)?;
        let marks = h
            .spans
            .iter()
            .map(|s| Mark {
                begin: s.begin,
                end: s.end,
                contribution: s.contribution.get(i % k).copied().unwrap_or(0.0),
                read_as: s.read_as.clone(),
            })
            .collect();
        Some((o, marks))
    });
    Shown {
        item: it,
        marked,
        labels,
        stances,
    }
}

/// `POST /review/decide`'s body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecideRequest {
    pub id: i64,
    pub decision: String,
    #[serde(default)]
    pub labels: Option<serde_json::Map<String, serde_json::Value>>,
}

/// `POST /review/undo`'s body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UndoRequest {
    pub id: i64,
}

fn store(s: &AppState) -> Result<&crate::feedback::store::Store, ApiError> {
    s.store.as_ref().ok_or_else(|| {
        ApiError::unavailable("no feedback database: start the service with --db PATH")
    })
}

/// `POST /review/decide`: approve or reject a queued comment, recorded as the key's name.
pub async fn decide(
    State(s): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let req: DecideRequest = json_body(&headers, body, s.config.max_body_bytes)?;
    if !["approve", "reject"].contains(&req.decision.as_str()) {
        return Err(ApiError::invalid(format!(
            "decision '{}' must be approve or reject",
            crate::error::excerpt(&req.decision, 40)
        )));
    }
    let labels = match req.labels.filter(|l| !l.is_empty()) {
        Some(l) => {
            if l.iter()
                .any(|(k, v)| k.trim().is_empty() || k.len() > 100 || v.is_array() || v.is_object())
            {
                return Err(ApiError::invalid(
                    "labels must be named, with a string, number, true/false or null value",
                ));
            }
            Some(serde_json::Value::Object(l).to_string())
        }
        None => None,
    };
    let (id, decision, by) = (req.id, req.decision, caller.0);
    let row = store(&s)?
        .call(Box::new(move |c| {
            queue::decide(c, id, &decision, labels.as_deref(), by.as_deref())
        }))
        .await
        .map_err(ApiError::invalid)?;
    Ok(Json(serde_json::json!({ "id": id, "row": row })))
}

/// `POST /review/undo`: the decision on a queued comment is taken back.
pub async fn undo(
    State(s): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let req: UndoRequest = json_body(&headers, body, s.config.max_body_bytes)?;
    let id = req.id;
    let row = store(&s)?
        .call(Box::new(move |c| queue::undo(c, id)))
        .await
        .map_err(ApiError::invalid)?;
    Ok(Json(serde_json::json!({ "id": id, "undone": row })))
}

/// `GET /review/agreement`: the model against the moderators' decisions so far.
pub async fn agreement(
    State(s): State<Arc<AppState>>,
    q: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let q = q.map_err(|e| ApiError::invalid(e.body_text()))?.0;
    let key = q.key.unwrap_or_default();
    let body = blocking(move || {
        let c = reader(&s)?;
        let (waiting, decided) = queue::counts(&c).map_err(db)?;
        let all = Filter {
            decided: true,
            limit: 100_000,
            ..Filter::default()
        };
        let items = queue::list(&c, &all).map_err(db)?;
        let reg = s.registry.load();
        let served = reg.model(None).map_err(ApiError::internal)?;
        let db_path = s.config.db.clone().unwrap_or_default();
        let report = s.config.compare_report.as_deref().filter(|p| p.is_file());
        let mut h = page::head("Agreement with the model", &key, waiting, decided);
        h.push_str(&agreement::render(served, &items, &db_path));
        h.push_str(&agreement::report_link(
            &key,
            s.config.compare_report.as_deref(),
            report.is_some(),
        ));
        h.push_str(page::FOOT);
        Ok(h)
    })
    .await?;
    Ok(html(body))
}

/// `GET /review/report`: the `eval --compare` report given with `--compare-report`, as it is
/// on disk now. It is gavel's own self-contained HTML, served under the review pages' policy
/// (its charts are inline SVG; it needs no script).
pub async fn report(State(s): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let path = s.config.compare_report.clone().ok_or_else(|| {
        ApiError::not_found("no comparison report: start the service with --compare-report PATH")
    })?;
    let body = blocking(move || {
        crate::io::text::read_text(Some(&path), "a comparison report", 64 << 20).map_err(|e| {
            ApiError::not_found(format!(
                "the comparison report is not there yet (run gavel eval --compare): {e}"
            ))
        })
    })
    .await?;
    Ok(html_with(body, REPORT_CSP))
}

pub async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SCRIPT,
    )
}

pub async fn style() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        STYLE,
    )
}

/// The comment `text` queued from the API when the first model's policy sends it to review.
pub fn from_api(served: &Served, text: &str, target: Option<&str>) -> Option<NewItem> {
    let policy = served.policy.as_ref()?;
    let model = &served.model;
    let t = model.target_index(target).ok()?;
    let n = model.n_outputs();
    let mut p = vec![0.0; n];
    crate::model::ScoreScratch::with(|sc| model.score_into(text, t, sc, &mut p));
    let d = policy.decide(&p, None, None);
    (d.action == crate::policy::Action::Review).then(|| NewItem {
        source: "api".into(),
        comment_id: None,
        text: text.to_string(),
        target: target.map(str::to_string),
        story: None,
        lang: None,
        scores: model.output_names().into_iter().zip(p).collect(),
        reason: Some(d.reason),
    })
}

/// The rows of a `/v1/score` answer (a JSON array) that the policy sent to review, to queue.
pub fn from_rows(served: &Served, answer: &[u8]) -> Vec<NewItem> {
    let Ok(rows) =
        serde_json::from_slice::<Vec<serde_json::Map<String, serde_json::Value>>>(answer)
    else {
        return Vec::new();
    };
    let text_key = &served.model.spec.text_column;
    let names = served.model.output_names();
    let s = |r: &serde_json::Map<String, serde_json::Value>, k: &str| match r.get(k) {
        Some(serde_json::Value::String(v)) => Some(v.clone()),
        Some(v @ serde_json::Value::Number(_)) => Some(v.to_string()),
        _ => None,
    };
    rows.iter()
        .filter(|r| r.get("decision").and_then(|d| d.as_str()) == Some("review"))
        .filter_map(|r| {
            Some(NewItem {
                source: "api".into(),
                comment_id: s(r, "id"),
                text: s(r, text_key).or_else(|| s(r, "text"))?,
                target: s(r, "target"),
                story: s(r, "story").or_else(|| s(r, "article")),
                lang: s(r, "lang"),
                scores: names
                    .iter()
                    .filter_map(|o| Some((o.clone(), r.get(o)?.as_f64()?)))
                    .collect(),
                reason: s(r, "reason"),
            })
        })
        .collect()
}
