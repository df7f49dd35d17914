//! What every request passes through: the concurrency limit (429 past it), API keys, the
//! time limit (504 past it) and the metrics.

use super::errors::ApiError;
use super::{AppState, Caller};
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The routes metrics name; anything else is `other`, so a scan cannot grow the labels.
const ROUTES: [&str; 15] = [
    "/v1alpha1/comments:analyze",
    "/$discovery/rest",
    "/v1/score",
    "/v1/feedback",
    "/v1/models",
    "/v1/admin/reload",
    "/healthz",
    "/metrics",
    "/review",
    "/review/agreement",
    "/review/decide",
    "/review/undo",
    "/review/report",
    "/review/review.js",
    "/review/review.css",
];

/// Routes open without a key (the review page's script and style hold no data).
const OPEN: [&str; 4] = [
    "/healthz",
    "/$discovery/rest",
    "/review/review.js",
    "/review/review.css",
];

/// Decrements the in-flight count when a request ends, however it ends.
struct InFlight<'a>(&'a AtomicUsize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Concurrency limit, API keys, the time limit and the metrics, around every request.
pub async fn guard(State(s): State<Arc<AppState>>, mut req: Request, next: Next) -> Response {
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
    // the review queue is guarded as the admin routes are, with review keys let in too
    let review = route.starts_with("/review") && !OPEN.contains(&route);
    if !s.keys.required {
        return match (admin, review) {
            (true, _) => Err(ApiError::permission_denied(
                "admin routes need an admin key: start the service with --api-key-file",
            )),
            (_, true) => Err(ApiError::permission_denied(
                "the review queue needs a review or admin key: start the service with \
                 --api-key-file",
            )),
            _ => Ok(Caller(None)),
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
    if review && !key.review {
        return Err(ApiError::permission_denied(
            "the review queue needs a review or admin key",
        ));
    }
    Ok(Caller(Some(key.name.clone())))
}
