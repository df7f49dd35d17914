//! `gavel serve` as a site's comment platform calls it: Perspective's request shapes and
//! errors, gavel's batch route, keys, limits, reloads and shutdown, over real HTTP.

mod server;
mod util;

use serde_json::{json, Value};
use server::{shipped, Server};

fn abuse() -> String {
    format!("abuse={}", shipped("abuse.gavel").display())
}

/// `gavel score`'s probabilities for `texts`, for comparison with the service.
fn cli_scores(texts: &[&str]) -> Vec<f64> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("in.csv");
    let mut w = csv::Writer::from_path(&p).unwrap();
    w.write_record(["text"]).unwrap();
    for t in texts {
        w.write_record([t]).unwrap();
    }
    w.flush().unwrap();
    let out = util::gavel()
        .args(["-q", "score", "--model"])
        .arg(shipped("abuse.gavel"))
        .arg(&p)
        .output()
        .unwrap();
    assert!(out.status.success());
    util::csv_maps(&out.stdout)
        .iter()
        .map(|r| r["p_abusive"].parse().unwrap())
        .collect()
}

/// The request Coral Talk sends, answered with the score `gavel score` gives the comment.
#[test]
fn coral_talk_request_gets_perspectives_answer() {
    let s = Server::start(&["--model", &abuse()]);
    let texts = [
        "You are a complete idiot and a liar",
        "Thank you for the balanced report on the talks",
    ];
    let want = cli_scores(&texts);
    for (t, w) in texts.iter().zip(want) {
        let body = json!({
            "comment": {"text": t},
            "doNotStore": true,
            "requestedAttributes": {"TOXICITY": {}},
            "languages": ["en"],
        });
        let r = s.post_json("/v1alpha1/comments:analyze?key=anything", &body.to_string());
        assert_eq!(r.status, 200);
        let v = r.json();
        let got = v["attributeScores"]["TOXICITY"]["summaryScore"]["value"]
            .as_f64()
            .unwrap();
        assert!((got - w).abs() < 1e-6, "{t}: {got} vs {w}");
        assert_eq!(
            v["attributeScores"]["TOXICITY"]["summaryScore"]["type"],
            "PROBABILITY"
        );
        assert_eq!(v["languages"], json!(["en"]));
        // without span annotations, one span: the whole comment, in UTF-16 units
        let spans = &v["attributeScores"]["TOXICITY"]["spanScores"];
        assert_eq!(spans[0]["begin"], 0);
        assert_eq!(spans[0]["end"], t.encode_utf16().count());
    }
}

#[test]
fn thresholds_spans_and_tokens_follow_perspective() {
    let s = Server::start(&["--model", &abuse()]);
    let text = "😀 you are an i.d.i.o.t";
    let body = json!({
        "comment": {"text": text, "type": "PLAIN_TEXT"},
        "requestedAttributes": {"TOXICITY": {"scoreType": "PROBABILITY"}},
        "spanAnnotations": true,
        "clientToken": "abc-123",
        "sessionId": "s", "communityId": "c", "context": {"entries": [{"text": "a story"}]},
    });
    let v = s
        .post_json("/v1alpha1/comments:analyze", &body.to_string())
        .json();
    assert_eq!(v["clientToken"], "abc-123");
    let spans = v["attributeScores"]["TOXICITY"]["spanScores"]
        .as_array()
        .unwrap()
        .clone();
    let units: Vec<u16> = text.encode_utf16().collect();
    // the strongest word is the disguised insult, at its UTF-16 offsets (the emoji is two)
    let top = spans
        .iter()
        .max_by(|a, b| {
            a["contribution"]
                .as_f64()
                .unwrap()
                .total_cmp(&b["contribution"].as_f64().unwrap())
        })
        .unwrap();
    let (b, e) = (
        top["begin"].as_u64().unwrap() as usize,
        top["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(String::from_utf16(&units[b..e]).unwrap(), "i.d.i.o.t");
    // a summary under the threshold is left out
    let body = json!({
        "comment": {"text": "Thank you for the balanced report"},
        "requestedAttributes": {"TOXICITY": {"scoreThreshold": 0.9}},
    });
    let v = s
        .post_json("/v1alpha1/comments:analyze", &body.to_string())
        .json();
    assert_eq!(v["attributeScores"], json!({}), "{v}");
}

/// Every malformed request gets a Google-style JSON error, and the server stays up.
#[test]
fn bad_requests_get_google_errors() {
    let s = Server::start(&[
        "--model",
        &abuse(),
        "--max-text-bytes",
        "1000",
        "--max-body-bytes",
        "65536",
    ]);
    let path = "/v1alpha1/comments:analyze";
    let ok_attr = json!({"TOXICITY": {}});
    let m = s
        .post_json(
            path,
            &json!({"comment": {"text": "  "}, "requestedAttributes": ok_attr}).to_string(),
        )
        .google_error(400, "INVALID_ARGUMENT");
    assert!(m.contains("non-empty"), "{m}");
    let long = "word ".repeat(300);
    let m = s
        .post_json(
            path,
            &json!({"comment": {"text": long}, "requestedAttributes": ok_attr}).to_string(),
        )
        .google_error(400, "INVALID_ARGUMENT");
    assert!(m.contains("too long"), "{m}");
    let m = s
        .post_json(
            path,
            &json!({"comment": {"text": "hi"}, "requestedAttributes": {"SPAM": {}}}).to_string(),
        )
        .google_error(400, "INVALID_ARGUMENT");
    assert_eq!(m, "Unknown requested attribute: SPAM");
    let m = s
        .post_json(path, "{\"comment\": {\"text\": \"hi\"")
        .google_error(400, "INVALID_ARGUMENT");
    assert!(m.starts_with("Invalid JSON payload received."), "{m}");
    let m = s
        .raw("POST", path, &[("Content-Type", "text/plain")], b"{}")
        .google_error(400, "INVALID_ARGUMENT");
    assert!(m.contains("Content-Type"), "{m}");
    let m = s
        .raw(
            "POST",
            path,
            &[("Content-Type", "application/json")],
            b"{\"comment\":{\"text\":\"\xff\xfe\"}}",
        )
        .google_error(400, "INVALID_ARGUMENT");
    assert!(m.contains("UTF-8"), "{m}");
    let big = vec![b'a'; 10 << 20];
    s.raw("POST", path, &[("Content-Type", "application/json")], &big)
        .google_error(413, "INVALID_ARGUMENT");
    let m = s
        .post_json(path, &json!({"comment": {"text": "hi"}, "requestedAttributes": ok_attr, "languages": ["de"]}).to_string())
        .google_error(400, "INVALID_ARGUMENT");
    assert!(m.contains("languages"), "{m}");
    s.post_json(path, "[1,2]")
        .google_error(400, "INVALID_ARGUMENT");
    s.post_json(path, "{\"comment\": 7}")
        .google_error(400, "INVALID_ARGUMENT");
    s.get("/nowhere").google_error(404, "NOT_FOUND");
    s.get(path).google_error(405, "INVALID_ARGUMENT");
    s.post_json("/v1/feedback", "{\"text\":\"x\",\"decision\":\"reject\"}")
        .google_error(503, "UNAVAILABLE");
    assert_eq!(s.get("/healthz").json()["status"], "ok");
}

/// The discovery document points the client library at this server.
#[test]
fn discovery_document_roots_at_the_server() {
    let s = Server::start(&["--model", &abuse()]);
    let v = s.get("/$discovery/rest?version=v1alpha1").json();
    assert_eq!(v["rootUrl"], format!("http://{}/", s.addr));
    assert_eq!(v["name"], "commentanalyzer");
    assert_eq!(
        v["resources"]["comments"]["methods"]["analyze"]["path"],
        "v1alpha1/comments:analyze"
    );
}

/// `/v1/score` writes the columns `gavel score` writes, every row in order; `/v1/models`
/// names the model's file by its hash; `/metrics` counts requests and decisions.
#[test]
fn batch_scoring_models_and_metrics() {
    let policy = shipped("policy.toml");
    let s = Server::start(&["--model", &abuse(), "--policy", policy.to_str().unwrap()]);
    let rows = json!([
        {"id": "a", "text": "You are a complete idiot and a liar"},
        {"id": "b", "text": ""},
        {"id": "c", "text": "Thank you for the balanced report on the talks"},
    ]);
    let r = s.post_json("/v1/score?explain=2", &rows.to_string());
    assert_eq!(r.status, 200);
    let v = r.json();
    let out = v.as_array().unwrap();
    assert_eq!(
        out.iter().map(|r| r["id"].clone()).collect::<Vec<_>>(),
        [json!("a"), json!("b"), json!("c")]
    );
    let want = cli_scores(&[
        "You are a complete idiot and a liar",
        "Thank you for the balanced report on the talks",
    ]);
    assert!((out[0]["p_abusive"].as_f64().unwrap() - want[0]).abs() < 1e-6);
    assert_eq!(out[0]["decision"], "reject");
    assert!(
        out[0]["explain"].as_str().unwrap().contains("idiot"),
        "{}",
        out[0]
    );
    assert!(out[1]["error"].as_str().unwrap().contains("empty text"));
    assert_eq!(out[2]["decision"], "approve");
    // JSON lines in, JSON lines out
    let r = s.raw(
        "POST",
        "/v1/score",
        &[("Content-Type", "application/x-ndjson")],
        b"{\"text\":\"idiot\"}\n{\"text\":\"good talks\"}\n",
    );
    assert_eq!(r.status, 200);
    assert_eq!(String::from_utf8(r.body).unwrap().lines().count(), 2);
    // a stream of more rows than a JSON array may hold, answered in order
    let many: String = (0..25_000)
        .map(|i| format!("{{\"id\":{i},\"text\":\"comment {i} on the talks\"}}\n"))
        .collect();
    let r = s.raw(
        "POST",
        "/v1/score",
        &[("Content-Type", "application/x-ndjson")],
        many.as_bytes(),
    );
    assert_eq!(r.status, 200);
    let ids: Vec<u64> = String::from_utf8(r.body)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(ids, (0..25_000).collect::<Vec<u64>>());
    // a broken line after good ones: the good rows, then the error, as the last line
    let r = s.raw(
        "POST",
        "/v1/score",
        &[("Content-Type", "application/x-ndjson")],
        b"{\"text\":\"idiot\"}\n{oops\n",
    );
    assert_eq!(r.status, 200);
    let text = String::from_utf8(r.body).unwrap();
    let last: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(
        last["error"]["message"]
            .as_str()
            .unwrap()
            .contains("request:2"),
        "{last}"
    );
    // broken from the first line: an error status
    s.raw(
        "POST",
        "/v1/score",
        &[("Content-Type", "application/x-ndjson")],
        b"{oops\n",
    )
    .google_error(400, "INVALID_ARGUMENT");
    s.post_json(
        "/v1/score",
        &json!([{"text": "a", "article": "x"}, {"text": "b"}]).to_string(),
    )
    .google_error(400, "INVALID_ARGUMENT");
    s.post_json("/v1/score?model=nope", "[]")
        .google_error(400, "INVALID_ARGUMENT");
    let m = s.get("/v1/models").json();
    let sha = format!(
        "{:x}",
        <sha2::Sha256 as sha2::Digest>::digest(std::fs::read(shipped("abuse.gavel")).unwrap())
    );
    assert_eq!(m["models"][0]["sha256"], sha);
    assert_eq!(
        m["models"][0]["outputs"],
        json!(["p_abusive", "p_hate", "p_aggressive"])
    );
    let text = String::from_utf8(s.get("/metrics").body).unwrap();
    assert!(
        text.contains("gavel_requests_total{route=\"/v1/score\",status=\"200\"} 4"),
        "{text}"
    );
    assert!(
        text.contains("gavel_decisions_total{action=\"reject\"} 3"),
        "{text}"
    );
    assert!(text.contains(&format!("sha256=\"{sha}\"")), "{text}");
}

/// Keys: none is refused, a site key reads, only an admin key reloads.
#[test]
fn api_keys_guard_the_routes() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    std::fs::write(
        &keys,
        "site aaaaaaaaaaaaaaaaaaaa\nops bbbbbbbbbbbbbbbbbbbb admin\n",
    )
    .unwrap();
    let s = Server::start(&[
        "--model",
        &abuse(),
        "--api-key-file",
        keys.to_str().unwrap(),
    ]);
    let body =
        json!({"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}}}).to_string();
    s.post_json("/v1alpha1/comments:analyze", &body)
        .google_error(401, "UNAUTHENTICATED");
    s.post_json("/v1alpha1/comments:analyze?key=wrongwrongwrongwrong", &body)
        .google_error(401, "UNAUTHENTICATED");
    assert_eq!(
        s.post_json("/v1alpha1/comments:analyze?key=aaaaaaaaaaaaaaaaaaaa", &body)
            .status,
        200
    );
    let r = s.raw(
        "POST",
        "/v1alpha1/comments:analyze",
        &[
            ("Content-Type", "application/json"),
            ("x-goog-api-key", "aaaaaaaaaaaaaaaaaaaa"),
        ],
        body.as_bytes(),
    );
    assert_eq!(r.status, 200);
    s.raw(
        "POST",
        "/v1/admin/reload",
        &[("Authorization", "Bearer aaaaaaaaaaaaaaaaaaaa")],
        b"",
    )
    .google_error(403, "PERMISSION_DENIED");
    let r = s.raw(
        "POST",
        "/v1/admin/reload",
        &[("Authorization", "Bearer bbbbbbbbbbbbbbbbbbbb")],
        b"",
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(s.get("/healthz").status, 200, "health needs no key");
}

/// Past the concurrency limit a request is answered 429 with Retry-After.
#[test]
fn past_the_concurrency_limit_is_429() {
    let s = Server::start(&["--model", &abuse(), "--concurrency", "1"]);
    let rows: Vec<Value> = (0..9_000)
        .map(
            |i| json!({"text": format!("comment number {i} about the talks in Doha and the army")}),
        )
        .collect();
    let body = Value::Array(rows).to_string();
    let addr = s.addr.clone();
    // the batch is sent again while a probe holds the one slot
    let slow = std::thread::spawn(move || {
        let s2 = Server::connect(&addr);
        (0..1000)
            .map(|_| s2.post_json("/v1/score", &body).status)
            .find(|&st| st != 429)
    });
    let mut saw = None;
    for _ in 0..2000 {
        let r = s.get("/healthz");
        if r.status == 429 {
            saw = Some(r);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    assert_eq!(slow.join().unwrap(), Some(200));
    let r = saw.expect("a request past the limit is refused");
    assert_eq!(r.header("retry-after"), Some("1"));
    r.google_error(429, "RESOURCE_EXHAUSTED");
}

/// SIGHUP and /v1/admin/reload swap the models while requests keep coming, none failing;
/// SIGTERM lets the request in flight finish.
#[test]
fn reloads_fail_no_request_and_shutdown_drains() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    std::fs::write(&keys, "ops bbbbbbbbbbbbbbbbbbbb admin\n").unwrap();
    let s = Server::start(&[
        "--model",
        &abuse(),
        "--api-key-file",
        keys.to_str().unwrap(),
    ]);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let (addr, stop) = (s.addr.clone(), stop.clone());
            std::thread::spawn(move || {
                let c = Server::connect(&addr);
                let body = json!({"comment": {"text": "you idiot"}, "requestedAttributes": {"TOXICITY": {}}}).to_string();
                let (mut ok, mut bad) = (0, 0);
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    match c.post_json("/v1alpha1/comments:analyze?key=bbbbbbbbbbbbbbbbbbbb", &body).status {
                        200 => ok += 1,
                        _ => bad += 1,
                    }
                }
                (ok, bad)
            })
        })
        .collect();
    for i in 0..6 {
        if i % 2 == 0 {
            s.signal("HUP");
        } else {
            let r = s.raw(
                "POST",
                "/v1/admin/reload",
                &[("x-goog-api-key", "bbbbbbbbbbbbbbbbbbbb")],
                b"",
            );
            assert_eq!(r.status, 200);
        }
        std::thread::sleep(std::time::Duration::from_millis(150));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (mut ok, mut bad) = (0, 0);
    for w in workers {
        let (o, b) = w.join().unwrap();
        ok += o;
        bad += b;
    }
    assert!(ok > 100, "{ok} requests");
    assert_eq!(
        bad,
        0,
        "{bad} of {} requests failed during reloads",
        ok + bad
    );
    let metrics = String::from_utf8(s.get("/metrics?key=bbbbbbbbbbbbbbbbbbbb").body).unwrap();
    assert!(
        metrics.contains("gavel_reloads_total{outcome=\"ok\"} 6"),
        "{metrics}"
    );
    // a batch in flight when SIGTERM comes is answered
    let rows: Vec<Value> = (0..9_000)
        .map(|i| json!({"text": format!("comment {i} on the talks")}))
        .collect();
    let body = Value::Array(rows).to_string();
    let addr = s.addr.clone();
    let inflight = std::thread::spawn(move || {
        Server::connect(&addr).post_json("/v1/score?key=bbbbbbbbbbbbbbbbbbbb", &body)
    });
    std::thread::sleep(std::time::Duration::from_millis(30));
    s.signal("TERM");
    let r = inflight.join().unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.json().as_array().unwrap().len(), 9_000);
    assert!(s.wait().success());
}

/// Several versions of one model: `NAME@VERSION` picks one, plain `NAME` the first; stance and
/// sentiment outputs are attributes too, the stance one toward the request's `target`.
#[test]
fn versions_and_stance_attributes() {
    let dir = tempfile::tempdir().unwrap();
    let toy = util::trained(dir.path());
    let v2 = format!("abuse@2={}", toy.display());
    let v1 = format!("abuse@1={}", shipped("abuse.gavel").display());
    let stance = format!("stance={}", shipped("stance-semeval.gavel").display());
    let s = Server::start(&["--model", &v1, "--model", &v2, "--model", &stance]);
    let text = "You are a complete idiot and a liar";
    let ask = |attr: &str, target: Option<&str>| {
        let mut body = json!({"comment": {"text": text}, "requestedAttributes": {attr: {}}});
        if let Some(t) = target {
            body["target"] = json!(t);
        }
        let v = s
            .post_json("/v1alpha1/comments:analyze", &body.to_string())
            .json();
        v["attributeScores"][attr]["summaryScore"]["value"]
            .as_f64()
            .unwrap_or_else(|| panic!("{v}"))
    };
    let first = ask("TOXICITY", None);
    assert!((first - cli_scores(&[text])[0]).abs() < 1e-6);
    assert_eq!(ask("TOXICITY@1", None), first);
    assert_ne!(ask("TOXICITY@2", None), first, "version 2 is the toy model");
    let m = s
        .post_json(
            "/v1alpha1/comments:analyze",
            &json!({"comment": {"text": text}, "requestedAttributes": {"TOXICITY@3": {}}})
                .to_string(),
        )
        .google_error(400, "INVALID_ARGUMENT");
    assert!(m.contains("TOXICITY@3"), "{m}");
    // stance toward a trained target and an unseen one; the three classes sum to one
    for target in ["Hillary Clinton", "US-Pakistan talks"] {
        let p: f64 = ["STANCE_AGAINST", "STANCE_FAVOR", "STANCE_NONE"]
            .iter()
            .map(|a| ask(a, Some(target)))
            .sum();
        assert!((p - 1.0).abs() < 1e-9, "{target}: {p}");
    }
    assert_ne!(
        ask("STANCE_AGAINST", Some("Hillary Clinton")),
        ask("STANCE_AGAINST", Some("Atheism"))
    );
}
