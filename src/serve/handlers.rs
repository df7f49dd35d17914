//! The route handlers: each parses its request, calls the library and answers.

use super::errors::{self, json_body, ApiError};
use super::{log, native, perspective, review, stream, AppState, Caller};
use crate::feedback::queue::{self, NewItem};
use crate::feedback::store::Store;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use std::sync::atomic::Ordering;
use std::sync::Arc;

pub async fn analyze(
    State(s): State<Arc<AppState>>,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> std::result::Result<Json<perspective::AnalyzeResponse>, ApiError> {
    let req: perspective::AnalyzeRequest = json_body(&headers, body, s.config.max_body_bytes)?;
    let reg = s.registry.load();
    let text = s
        .config
        .log_text
        .then(|| req.comment.as_ref().and_then(|c| c.text.clone()));
    let (resp, stored) = perspective::analyze(&reg, req, s.config.max_text_bytes)?;
    if let Some(t) = text {
        // only when the operator asked for comment text in the log
        let scores: Vec<String> = resp
            .attribute_scores
            .iter()
            .map(|(k, v)| format!("{k} {:.3}", v.summary_score.value))
            .collect();
        log(&format!(
            "analyze {:?}: {}",
            t.unwrap_or_default(),
            scores.join(", ")
        ));
    }
    if let (Some(store), Some(row)) = (&s.store, stored) {
        if s.config.store_by_default {
            if s.config.ui {
                // a comment the first model's policy sends to review joins the queue
                if let Some(first) = reg.models.first() {
                    if let Some(item) = review::from_api(first, &row.text, row.target.as_deref()) {
                        queue_detached(store, &first.model, vec![item]);
                    }
                }
            }
            store.analyzed(row);
        }
    }
    Ok(Json(resp))
}

pub async fn discovery(headers: HeaderMap) -> Json<serde_json::Value> {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_graphic()))
        .unwrap_or("localhost");
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
    {
        Some("https") => "https",
        _ => "http",
    };
    Json(super::discovery::document(&format!("{scheme}://{host}/")))
}

/// `POST /v1/score`: a JSON array is read whole (up to the body limit and `max_batch`
/// comments) and answered as an array; JSON lines stream both ways, a batch at a time, with
/// no bound on their number. A stream that goes wrong after rows were sent ends with an
/// error line.
pub async fn score(
    State(s): State<Arc<AppState>>,
    req: Request,
) -> std::result::Result<Response, ApiError> {
    let q: native::ScoreQuery = axum::extract::Query::try_from_uri(req.uri())
        .map_err(|e| ApiError::invalid(e.body_text()))?
        .0;
    let lines = errors::is_jsonl(req.headers())?;
    let reg = s.registry.load_full();
    reg.model(q.model.as_deref()).map_err(ApiError::invalid)?;
    let store = match q.store {
        Some(true) if lines => {
            return Err(ApiError::invalid(
                "store=true takes a JSON array of comments, not JSON lines",
            ))
        }
        Some(true) => Some(s.store.clone().ok_or_else(|| {
            ApiError::unavailable("store=true needs a database: start the service with --db PATH")
        })?),
        _ => None,
    };
    let (max_batch, max_text, max_line) = (
        s.config.max_batch,
        s.config.max_text_bytes,
        s.config.max_body_bytes,
    );
    let metrics = s.metrics.clone();
    if !lines {
        let body = Bytes::from_request(req, &()).await;
        let bytes = errors::body_bytes(body, s.config.max_body_bytes)?;
        let answer = tokio::task::spawn_blocking(move || {
            let served = reg.model(q.model.as_deref()).map_err(ApiError::invalid)?;
            let (jsonl, articles) = native::array_to_lines(served, &bytes, max_batch)?;
            let buf = Arc::new(std::sync::Mutex::new(Vec::new()));
            let out = stream::Lines::new(stream::LineSink::Buffer(buf.clone()), metrics);
            let src = Box::new(std::io::Cursor::new(jsonl));
            native::score_lines(served, &q, src, Box::new(out), articles, max_text, max_line)
                .map_err(|e| ApiError::invalid(e.to_string()))?;
            let lines = buf.lock().map_err(|_| ApiError::internal("output lost"))?;
            let answer = native::lines_to_array(&lines);
            if let Some(store) = &store {
                let items = review::from_rows(served, &answer);
                queue_detached(store, &served.model, items);
            }
            Ok::<_, ApiError>(answer)
        })
        .await
        .map_err(|e| ApiError::internal(format!("scoring failed: {e}")))??;
        return Ok(([(header::CONTENT_TYPE, "application/json")], answer).into_response());
    }
    let (tx_in, rx_in) = tokio::sync::mpsc::channel::<Bytes>(8);
    let mut body = req.into_body().into_data_stream();
    tokio::spawn(async move {
        use futures_util::StreamExt;
        while let Some(Ok(chunk)) = body.next().await {
            if tx_in.send(chunk).await.is_err() {
                break;
            }
        }
    });
    let (tx_out, mut rx_out) = tokio::sync::mpsc::channel::<Bytes>(8);
    let sent = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let task = {
        let sent = sent.clone();
        tokio::task::spawn_blocking(move || {
            let served = reg.model(q.model.as_deref()).map_err(ApiError::invalid)?;
            let err_tx = tx_out.clone();
            let out =
                stream::Lines::new(stream::LineSink::Channel(tx_out), metrics).noting(sent.clone());
            let src = Box::new(stream::ChannelReader::new(rx_in));
            let res = native::score_lines(served, &q, src, Box::new(out), None, max_text, max_line);
            match res {
                Err(e) if sent.load(Ordering::Relaxed) => {
                    // rows went out already: the stream ends with the error
                    let line = serde_json::json!({"error": {"code": 400, "message": e.to_string(), "status": "INVALID_ARGUMENT"}});
                    let _ = err_tx.blocking_send(Bytes::from(format!("{line}\n")));
                    Ok(())
                }
                Err(e) => Err(ApiError::invalid(e.to_string())),
                Ok(()) => Ok(()),
            }
        })
    };
    let first = match rx_out.recv().await {
        Some(b) => b,
        None => {
            task.await
                .map_err(|e| ApiError::internal(format!("scoring failed: {e}")))??;
            Bytes::new()
        }
    };
    let rest = futures_util::stream::unfold(rx_out, |mut rx| async move {
        rx.recv()
            .await
            .map(|b| (Ok::<_, std::convert::Infallible>(b), rx))
    });
    let chunks = futures_util::StreamExt::chain(
        futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(first) }),
        rest,
    );
    Ok((
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        axum::body::Body::from_stream(chunks),
    )
        .into_response())
}

/// Adds `items` to the review queue through the database's writer, not waited for; their
/// margins are taken from `model`'s thresholds.
fn queue_detached(store: &Store, model: &crate::model::Model, items: Vec<NewItem>) {
    if items.is_empty() {
        return;
    }
    let th = review::thresholds(model);
    store.call_detached(Box::new(move |c| {
        queue::add_in(c, &items, &th).map(|ids| Ok(ids.len() as i64))
    }));
}

pub async fn feedback(
    State(s): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> std::result::Result<Json<serde_json::Value>, ApiError> {
    let Some(store) = &s.store else {
        return Err(ApiError::unavailable(
            "no feedback database: start the service with --db PATH",
        ));
    };
    let req: native::FeedbackRequest = json_body(&headers, body, s.config.max_body_bytes)?;
    let d = native::decision(req, caller.0, s.config.max_text_bytes)?;
    let id = store.decision(d).await.map_err(ApiError::internal)?;
    Ok(Json(serde_json::json!({ "stored": true, "row": id })))
}

pub async fn models(State(s): State<Arc<AppState>>) -> Json<serde_json::Value> {
    Json(native::models(&s.registry.load()))
}

pub async fn reload(
    State(s): State<Arc<AppState>>,
) -> std::result::Result<Json<serde_json::Value>, ApiError> {
    let s2 = s.clone();
    let n = tokio::task::spawn_blocking(move || s2.reload())
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
        .map_err(|e| ApiError::invalid(format!("reload failed, the old models stay: {e}")))?;
    log(&format!("reloaded {n} models"));
    Ok(Json(native::models(&s.registry.load())))
}

pub async fn healthz(State(s): State<Arc<AppState>>) -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok", "models": s.registry.load().models.len()}))
}

pub async fn metrics(State(s): State<Arc<AppState>>) -> Response {
    let reg = s.registry.load();
    let models: Vec<(String, String, String)> = reg
        .models
        .iter()
        .map(|m| (m.name.clone(), m.version.clone(), m.sha256.clone()))
        .collect();
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        s.metrics.render(&models),
    )
        .into_response()
}
