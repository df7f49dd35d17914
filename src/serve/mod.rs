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
pub mod guard;
pub mod handlers;
pub mod metrics;
pub mod native;
pub mod perspective;
pub mod registry;
pub mod review;
pub mod stream;

use crate::error::{Error, Result};
use crate::feedback::store::Store;
use arc_swap::ArcSwap;
use auth::Keys;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use config::ServeConfig;
use errors::ApiError;
use metrics::Metrics;
use registry::Registry;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

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
    pub(crate) in_flight: AtomicUsize,
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
    let mut routes = Router::new();
    if state.config.ui {
        routes = routes
            .route("/review", get(review::list))
            .route("/review/agreement", get(review::agreement))
            .route("/review/decide", post(review::decide))
            .route("/review/undo", post(review::undo))
            .route("/review/report", get(review::report))
            .route("/review/review.js", get(review::script))
            .route("/review/review.css", get(review::style));
    }
    routes
        .route("/v1alpha1/comments:analyze", post(handlers::analyze))
        .route("/$discovery/rest", get(handlers::discovery))
        .route("/v1/score", post(handlers::score))
        .route("/v1/feedback", post(handlers::feedback))
        .route("/v1/models", get(handlers::models))
        .route("/v1/admin/reload", post(handlers::reload))
        .route("/healthz", get(handlers::healthz))
        .route("/metrics", get(handlers::metrics))
        .fallback(|| async { ApiError::not_found("no such route") })
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::guard,
        ))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
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
