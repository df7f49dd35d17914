//! `gavel serve`: the models behind an HTTP service. Perspective's `comments:analyze` and its
//! discovery document ([`perspective`], [`discovery`]) so that a site's Perspective client
//! works unchanged; gavel's own batch scoring, models, feedback and health routes
//! ([`native`]); Prometheus metrics; API keys; reload on SIGHUP or `POST /v1/admin/reload`
//! without a failed request; graceful shutdown on SIGINT/SIGTERM. Every error is a
//! Google-style JSON error ([`errors`]).

pub mod auth;
pub mod config;
pub mod discovery;
pub mod errors;
pub mod metrics;
pub mod native;
pub mod perspective;
pub mod registry;
pub mod stream;

use crate::error::{Error, Result};
use crate::feedback::store::Store;
use arc_swap::ArcSwap;
use auth::Keys;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use config::ServeConfig;
use errors::{json_body, ApiError};
use metrics::Metrics;
use registry::Registry;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A line on stderr for the operator.
pub fn log(msg: &str) {
    crate::feedback::log(msg)
}

/// What every request shares.
pub struct AppState {
    pub registry: ArcSwap<Registry>,
    pub config: ServeConfig,
    pub metrics: Arc<Metrics>,
    pub keys: Keys,
    pub store: Option<Store>,
    in_flight: AtomicUsize,
}

/// Who made a request: the name of its API key, when keys are in use.
#[derive(Clone, Debug)]
pub struct Caller(pub Option<String>);

impl AppState {
    /// Loads the models, policy, keys and database of `config`.
    pub fn new(config: ServeConfig) -> Result<AppState> {
        config.check()?;
        let registry = Registry::load(&config)?;
        let keys = match &config.api_key_file {
            Some(p) => Keys::load(p)?,
            None => Keys::default(),
        };
        let store = config.db.as_deref().map(Store::open).transpose()?;
        Ok(AppState {
            registry: ArcSwap::from_pointee(registry),
            config,
            metrics: Arc::default(),
            keys,
            store,
            in_flight: AtomicUsize::new(0),
        })
    }

    /// Loads the models and policy again and swaps them in whole; requests in flight finish
    /// on the ones they started with. On failure the old ones stay.
    pub fn reload(&self) -> Result<usize> {
        match Registry::load(&self.config) {
            Ok(r) => {
                let n = r.models.len();
                self.registry.store(Arc::new(r));
                self.metrics.reloads.fetch_add(1, Ordering::Relaxed);
                Ok(n)
            }
            Err(e) => {
                self.metrics.reload_failures.fetch_add(1, Ordering::Relaxed);
                Err(e)
            }
        }
    }
}

/// The routes, with every guard.
pub fn router(state: Arc<AppState>) -> Router {
    let limit = state.config.max_body_bytes;
    Router::new()
        .route("/v1alpha1/comments:analyze", post(analyze))
        .route("/$discovery/rest", get(discovery))
        .route("/v1/score", post(score))
        .route("/v1/feedback", post(feedback))
        .route("/v1/models", get(models))
        .route("/v1/admin/reload", post(reload))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .fallback(|| async { ApiError::not_found("no such route") })
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
}

/// The routes metrics name; anything else is `other`, so a scan cannot grow the labels.
const ROUTES: [&str; 8] = [
    "/v1alpha1/comments:analyze",
    "/$discovery/rest",
    "/v1/score",
    "/v1/feedback",
    "/v1/models",
    "/v1/admin/reload",
    "/healthz",
    "/metrics",
];

/// Routes open without a key.
const OPEN: [&str; 2] = ["/healthz", "/$discovery/rest"];

/// Decrements the in-flight count when a request ends, however it ends.
struct InFlight<'a>(&'a AtomicUsize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Concurrency limit, API keys, the time limit and the metrics, around every request.
async fn guard(State(s): State<Arc<AppState>>, mut req: Request, next: Next) -> Response {
    let start = Instant::now();
    let path = req.uri().path();
    let route = ROUTES
        .iter()
        .find(|r| **r == path)
        .copied()
        .unwrap_or("other");
    let n = s.in_flight.fetch_add(1, Ordering::Relaxed);
    let _slot = InFlight(&s.in_flight);
    let resp = if n >= s.config.concurrency {
        ApiError::exhausted().into_response()
    } else {
        match authorize(&s, route, &req) {
            Err(e) => e.into_response(),
            Ok(caller) => {
                req.extensions_mut().insert(caller);
                let ms = s.config.timeout_ms;
                match tokio::time::timeout(Duration::from_millis(ms), next.run(req)).await {
                    Ok(r) => r,
                    Err(_) => ApiError::deadline(ms).into_response(),
                }
            }
        }
    };
    s.metrics
        .request(route, resp.status().as_u16(), start.elapsed().as_secs_f64());
    resp
}

/// The request's API key, from `?key=`, `x-goog-api-key` or `Authorization: Bearer`.
fn given_key(req: &Request) -> Option<&[u8]> {
    let q = req.uri().query().unwrap_or("");
    let from_query = q
        .split('&')
        .find_map(|kv| kv.strip_prefix("key="))
        .map(str::as_bytes);
    let h = req.headers();
    from_query
        .or_else(|| h.get("x-goog-api-key").map(|v| v.as_bytes()))
        .or_else(|| {
            h.get(header::AUTHORIZATION)
                .and_then(|v| v.as_bytes().strip_prefix(b"Bearer "))
        })
}

fn authorize(s: &AppState, route: &str, req: &Request) -> std::result::Result<Caller, ApiError> {
    let admin = route == "/v1/admin/reload";
    if !s.keys.required {
        return match admin {
            true => Err(ApiError::permission_denied(
                "admin routes need an admin key: start the service with --api-key-file",
            )),
            false => Ok(Caller(None)),
        };
    }
    if OPEN.contains(&route) {
        return Ok(Caller(None));
    }
    let key = given_key(req)
        .and_then(|k| s.keys.check(k))
        .ok_or_else(ApiError::unauthenticated)?;
    if admin && !key.admin {
        return Err(ApiError::permission_denied("this route needs an admin key"));
    }
    Ok(Caller(Some(key.name.clone())))
}

async fn analyze(
    State(s): State<Arc<AppState>>,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> std::result::Result<Json<perspective::AnalyzeResponse>, ApiError> {
    let req: perspective::AnalyzeRequest = json_body(&headers, body, s.config.max_body_bytes)?;
    let reg = s.registry.load();
    let (resp, stored) = perspective::analyze(&reg, req, s.config.max_text_bytes)?;
    if let (Some(store), Some(row)) = (&s.store, stored) {
        if s.config.store_by_default {
            store.analyzed(row);
        }
    }
    Ok(Json(resp))
}

async fn discovery(headers: HeaderMap) -> Json<serde_json::Value> {
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
    Json(discovery::document(&format!("{scheme}://{host}/")))
}

/// `POST /v1/score`: a JSON array is read whole (up to the body limit and `max_batch`
/// comments) and answered as an array; JSON lines stream both ways, a batch at a time, with
/// no bound on their number. A stream that goes wrong after rows were sent ends with an
/// error line.
async fn score(
    State(s): State<Arc<AppState>>,
    req: Request,
) -> std::result::Result<Response, ApiError> {
    let q: native::ScoreQuery = axum::extract::Query::try_from_uri(req.uri())
        .map_err(|e| ApiError::invalid(e.body_text()))?
        .0;
    let lines = errors::is_jsonl(req.headers())?;
    let reg = s.registry.load_full();
    reg.model(q.model.as_deref()).map_err(ApiError::invalid)?;
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
            Ok::<_, ApiError>(native::lines_to_array(&lines))
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

async fn feedback(
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

async fn models(State(s): State<Arc<AppState>>) -> Json<serde_json::Value> {
    Json(native::models(&s.registry.load()))
}

async fn reload(
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

async fn healthz(State(s): State<Arc<AppState>>) -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok", "models": s.registry.load().models.len()}))
}

async fn metrics(State(s): State<Arc<AppState>>) -> Response {
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

/// Runs the service until SIGINT or SIGTERM; requests in flight then finish. SIGHUP
/// reloads. `ready` is called with the bound address once it accepts connections.
pub fn run(
    config: ServeConfig,
    threads: usize,
    ready: impl FnOnce(std::net::SocketAddr),
) -> Result<()> {
    let state = Arc::new(AppState::new(config)?);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads.max(1))
        .enable_all()
        .build()
        .map_err(|e| Error::Data(format!("starting the runtime: {e}")))?;
    rt.block_on(async move {
        let addr = &state.config.addr;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| Error::Param(format!("cannot listen on {addr}: {e}")))?;
        let bound = listener
            .local_addr()
            .map_err(|e| Error::Data(e.to_string()))?;
        use tokio::signal::unix::{signal, SignalKind};
        let sig = |k| signal(k).map_err(|e| Error::Data(format!("signal handler: {e}")));
        let mut hup = sig(SignalKind::hangup())?;
        let mut term = sig(SignalKind::terminate())?;
        let mut int = sig(SignalKind::interrupt())?;
        let s2 = state.clone();
        tokio::spawn(async move {
            while hup.recv().await.is_some() {
                let s3 = s2.clone();
                match tokio::task::spawn_blocking(move || s3.reload()).await {
                    Ok(Ok(n)) => log(&format!("SIGHUP: reloaded {n} models")),
                    Ok(Err(e)) => log(&format!("SIGHUP: reload failed, the old models stay: {e}")),
                    Err(e) => log(&format!("SIGHUP: reload failed: {e}")),
                }
            }
        });
        ready(bound);
        axum::serve(listener, router(state))
            .with_graceful_shutdown(async move {
                tokio::select! {
                    _ = term.recv() => {},
                    _ = int.recv() => {},
                }
                log("shutting down: finishing the requests in flight");
            })
            .await
            .map_err(|e| Error::Data(format!("serving: {e}")))
    })
}
