//! Errors as Google's APIs give them, `{"error":{"code":400,"message":"…","status":
//! "INVALID_ARGUMENT"}}`, for every failure a client can cause, axum's own rejections
//! included (they answer in plain text otherwise).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

/// A failed request: HTTP status, Google's status name and a message for the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub code: StatusCode,
    pub status: &'static str,
    pub message: String,
    /// seconds, for `Retry-After`
    pub retry_after: Option<u64>,
}

impl ApiError {
    fn new(code: StatusCode, status: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            status,
            message: message.into(),
            retry_after: None,
        }
    }
    pub fn invalid(message: impl Into<String>) -> ApiError {
        Self::new(StatusCode::BAD_REQUEST, "INVALID_ARGUMENT", message)
    }
    pub fn not_found(message: impl Into<String>) -> ApiError {
        Self::new(StatusCode::NOT_FOUND, "NOT_FOUND", message)
    }
    pub fn method_not_allowed() -> ApiError {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "INVALID_ARGUMENT",
            "this method is not allowed on this path",
        )
    }
    pub fn too_large(limit: usize) -> ApiError {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "INVALID_ARGUMENT",
            format!("Request payload size exceeds the limit: {limit} bytes."),
        )
    }
    pub fn exhausted() -> ApiError {
        ApiError {
            retry_after: Some(1),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "RESOURCE_EXHAUSTED",
                "too many requests in flight; retry after a second",
            )
        }
    }
    pub fn deadline(ms: u64) -> ApiError {
        Self::new(
            StatusCode::GATEWAY_TIMEOUT,
            "DEADLINE_EXCEEDED",
            format!("the request took longer than {ms} ms"),
        )
    }
    pub fn unauthenticated() -> ApiError {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
            "a valid API key is needed (?key=, x-goog-api-key or Authorization: Bearer)",
        )
    }
    pub fn permission_denied(message: impl Into<String>) -> ApiError {
        Self::new(StatusCode::FORBIDDEN, "PERMISSION_DENIED", message)
    }
    pub fn unavailable(message: impl Into<String>) -> ApiError {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "UNAVAILABLE", message)
    }
    pub fn internal(message: impl Into<String>) -> ApiError {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "error": {"code": self.code.as_u16(), "message": self.message, "status": self.status}
        });
        let mut r = (self.code, axum::Json(body)).into_response();
        if let Some(s) = self.retry_after {
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        r
    }
}

/// Whether the request says its body is JSON (`application/json`, any parameters).
fn is_json(headers: &HeaderMap, also: &[&str]) -> bool {
    let Some(ct) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let mime = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    mime == "application/json" || also.contains(&mime.as_str())
}

/// The body's bytes, or the error for a body that was too large or could not be read.
pub fn body_bytes(body: Result<Bytes, BytesRejection>, limit: usize) -> Result<Bytes, ApiError> {
    body.map_err(|r| match r.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::too_large(limit),
        _ => ApiError::invalid(format!(
            "the request body could not be read: {}",
            r.body_text()
        )),
    })
}

/// The request's JSON body as a `T`, or a Google-style error naming what is wrong and where.
pub fn json_body<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
    limit: usize,
) -> Result<T, ApiError> {
    if !is_json(headers, &[]) {
        return Err(ApiError::invalid("Content-Type must be application/json"));
    }
    let bytes = body_bytes(body, limit)?;
    parse_json(&bytes)
}

/// `bytes` as JSON of a `T` (which may borrow from them), with UTF-8 and syntax errors
/// located.
pub fn parse_json<'a, T: serde::Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, ApiError> {
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err(ApiError::invalid(format!(
            "Invalid JSON payload received. The body is not valid UTF-8 at byte {}.",
            e.valid_up_to()
        )));
    }
    serde_json::from_slice(bytes)
        .map_err(|e| ApiError::invalid(format!("Invalid JSON payload received. {e}.")))
}

/// Whether the body is JSON lines (`application/x-ndjson` or `application/jsonl`) rather than
/// one JSON document; an error for any other content type.
pub fn is_jsonl(headers: &HeaderMap) -> Result<bool, ApiError> {
    const LINES: [&str; 3] = [
        "application/x-ndjson",
        "application/jsonl",
        "application/jsonlines",
    ];
    if is_json(headers, &[]) {
        return Ok(false);
    }
    if is_json(headers, &LINES) {
        return Ok(true);
    }
    Err(ApiError::invalid(
        "Content-Type must be application/json (an array of comments) or application/x-ndjson",
    ))
}
