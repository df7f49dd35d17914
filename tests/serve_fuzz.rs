//! Property tests of the request handlers, in process: whatever bytes or JSON a client sends
//! to the Perspective route, the batch route or the feedback route, the answer is a 2xx or a
//! 4xx with a Google-style JSON error whose code is the HTTP status, never a 5xx or a panic.

use axum::body::Body;
use axum::http::Request;
use gavel::serve::config::{ModelEntry, ServeConfig};
use gavel::serve::{router, AppState};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::sync::{Arc, OnceLock};
use tower::ServiceExt;

fn app() -> &'static (tokio::runtime::Runtime, axum::Router, tempfile::TempDir) {
    static APP: OnceLock<(tokio::runtime::Runtime, axum::Router, tempfile::TempDir)> =
        OnceLock::new();
    APP.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let models = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
        let cfg = ServeConfig {
            models: vec![
                ModelEntry {
                    name: "abuse".into(),
                    path: models.join("abuse.gavel"),
                    version: None,
                    languages: None,
                },
                ModelEntry {
                    name: "stance".into(),
                    path: models.join("stance-semeval.gavel"),
                    version: None,
                    languages: None,
                },
            ],
            policy: Some(models.join("policy.toml")),
            db: Some(dir.path().join("fuzz.db")),
            max_body_bytes: 64 * 1024,
            max_text_bytes: 4096,
            ..ServeConfig::default()
        };
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let state = rt.block_on(async { Arc::new(AppState::new(cfg).unwrap()) });
        (rt, router(state), dir)
    })
}

/// Sends one request and checks the answer's shape; returns its status.
fn send(path: &str, content_type: &str, body: Vec<u8>) -> u16 {
    let (rt, router, _) = app();
    let req = Request::builder()
        .method("POST")
        .uri(path)
        .header("content-type", content_type)
        .body(Body::from(body))
        .unwrap();
    let resp = rt.block_on(router.clone().oneshot(req)).unwrap();
    let status = resp.status().as_u16();
    let bytes = rt
        .block_on(axum::body::to_bytes(resp.into_body(), usize::MAX))
        .unwrap();
    assert!(
        status < 500,
        "{status}: {}",
        String::from_utf8_lossy(&bytes)
    );
    let v: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        if path.starts_with("/v1/score") && status == 200 && content_type != "application/json" {
            return Value::Null; // JSON lines
        }
        panic!(
            "{status}: not JSON ({e}): {}",
            String::from_utf8_lossy(&bytes)
        )
    });
    if status != 200 {
        assert_eq!(v["error"]["code"], status, "{v}");
        assert!(v["error"]["message"].is_string(), "{v}");
    }
    status
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        ".{0,30}".prop_map(Value::String),
        Just(json!("TOXICITY")),
        Just(json!("STANCE_AGAINST@nope")),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z]{1,16}", inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A valid request with one field replaced by anything.
fn near_valid() -> impl Strategy<Value = Value> {
    let fields = [
        "comment",
        "requestedAttributes",
        "languages",
        "doNotStore",
        "spanAnnotations",
        "clientToken",
        "context",
        "sessionId",
        "communityId",
        "target",
    ];
    (0..fields.len(), any_json(), ".{0,200}").prop_map(move |(i, v, text)| {
        let mut r = json!({
            "comment": {"text": text},
            "requestedAttributes": {"TOXICITY": {"scoreThreshold": 0.1}, "STANCE_AGAINST": {}},
            "languages": ["en"],
            "spanAnnotations": true,
            "target": "Atheism",
        });
        r[fields[i]] = v;
        r
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_get_an_error_not_a_crash(body in prop::collection::vec(any::<u8>(), 0..300)) {
        for path in ["/v1alpha1/comments:analyze", "/v1/feedback", "/v1/score"] {
            let s = send(path, "application/json", body.clone());
            prop_assert!(s == 400 || s == 413 || s == 200, "{path}: {s}");
        }
        send("/v1/score", "application/x-ndjson", body);
    }

    #[test]
    fn near_valid_requests_get_an_answer(req in near_valid()) {
        send("/v1alpha1/comments:analyze", "application/json", req.to_string().into_bytes());
    }

    #[test]
    fn arbitrary_feedback_and_batches(v in any_json(), text in ".{0,100}") {
        send("/v1/feedback", "application/json", v.to_string().into_bytes());
        send("/v1/feedback", "application/json", json!({"text": text, "decision": "reject", "labels": v}).to_string().into_bytes());
        send("/v1/score", "application/json", json!([{"text": text, "target": v}]).to_string().into_bytes());
        send("/v1/score?model=stance&explain=3", "application/json", json!([v]).to_string().into_bytes());
    }
}
