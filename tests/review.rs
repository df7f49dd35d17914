//! The review queue without a browser: what `gavel queue add` takes and refuses, hostile
//! comments rendered harmless, the keys that open the queue, the API routes that fill it, and
//! deciding and undoing over HTTP.

mod server;
use server::{shipped, Server};
use std::path::{Path, PathBuf};

const KEY: &str = "0123456789abcdef-moderator";
const SITE: &str = "0123456789abcdef-site-only";

fn gavel() -> assert_cmd::Command {
    assert_cmd::Command::new(assert_cmd::cargo::cargo_bin!("gavel"))
}

fn keys(dir: &Path) -> PathBuf {
    let p = dir.join("keys");
    std::fs::write(&p, format!("amna {KEY} review\nsite {SITE}\n")).unwrap();
    p
}

fn start(dir: &Path, db: &Path) -> Server {
    server::review_server(db, &keys(dir), &[])
}

#[test]
fn queue_add_takes_the_review_band_and_refuses_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("q.db");
    let f = dir.path().join("scored.csv");
    std::fs::write(
        &f,
        "id,text,p_abusive,decision,reason\n1,fine,0.1,approve,\n2,hmm maybe,0.4,review,p_abusive 0.40 >= 0.31\n3,\"quoted, with comma\",0.35,review,p_abusive 0.35 >= 0.31\n",
    )
    .unwrap();
    let out = gavel()
        .args(["queue", "add", "--db"])
        .arg(&db)
        .arg(&f)
        .assert()
        .success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("queued 2 comments"), "{err}");
    // every row with --all
    gavel()
        .args(["queue", "add", "--all", "--db"])
        .arg(&db)
        .arg(&f)
        .assert()
        .success();
    let c = rusqlite::Connection::open(&db).unwrap();
    let n: i64 = c
        .query_row("SELECT count(*) FROM queue", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 5);
    // refused, naming file, line and column; nothing from a refused file is queued
    for (body, want) in [
        ("id,text,p_abusive\n1,x,0.2\n", "no 'decision' column"),
        ("id,text,decision\n1,x,review\n", "no score columns"),
        (
            "id,text,p_abusive,decision\n1,x,0.2,review\n2,y,high,review\n",
            "scored.csv:3, column 'p_abusive'",
        ),
        (
            "id,text,p_abusive,decision\n1,x,1.7,review\n",
            "between 0 and 1",
        ),
        (
            "id,text,p_abusive,decision\n1, ,0.5,review\n",
            "empty comment",
        ),
        ("id,comment,p_abusive,decision\n1,x,0.5,review\n", "text"),
    ] {
        std::fs::write(&f, body).unwrap();
        let out = gavel()
            .args(["queue", "add", "--db"])
            .arg(&db)
            .arg(&f)
            .assert()
            .failure();
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(err.contains(want), "{body:?}: {err}");
    }
    let n: i64 = c
        .query_row("SELECT count(*) FROM queue", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 5);
    // a file that is not a gavel database is refused
    let foreign = dir.path().join("foreign.db");
    std::fs::write(&foreign, vec![b'x'; 200]).unwrap();
    std::fs::write(&f, "id,text,p_abusive,decision\n1,x,0.5,review\n").unwrap();
    gavel()
        .args(["queue", "add", "--db"])
        .arg(&foreign)
        .arg(&f)
        .assert()
        .failure();
}

#[test]
fn hostile_comments_are_shown_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("q.db");
    let f = dir.path().join("hostile.jsonl");
    let huge = format!("you idiot {}", "blah ".repeat(20_000));
    let hostile = [
        "<script>alert('x')</script> you idiot",
        "\" onmouseover=\"alert(1)\" x='",
        "nice \u{202E}txt.exe idiot",
        "</bdi></p><img src=x onerror=alert(1)>",
        huge.as_str(),
    ];
    let mut lines = String::new();
    for (i, t) in hostile.iter().enumerate() {
        let row = serde_json::json!({"id": i, "text": t, "p_abusive": 0.4, "decision": "review",
            "story": "<b>story</b>", "reason": "p_abusive 0.40 >= 0.31 <i>"});
        lines.push_str(&format!("{row}\n"));
    }
    std::fs::write(&f, lines).unwrap();
    gavel()
        .args(["queue", "add", "--db"])
        .arg(&db)
        .arg(&f)
        .assert()
        .success();
    let srv = start(dir.path(), &db);
    let r = srv.get(&format!("/review?key={KEY}&limit=10"));
    assert_eq!(r.status, 200);
    let csp = r.header("content-security-policy").unwrap_or("");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    let page = String::from_utf8(r.body.clone()).unwrap();
    for bad in [
        "<script>alert",
        "onmouseover=\"alert",
        "<img",
        "<b>story",
        "<i>",
        "\u{202E}",
    ] {
        assert!(!page.contains(bad), "{bad:?} reached the page");
    }
    assert!(page.contains("&lt;script&gt;") && page.contains("[U+202E]"));
    assert_eq!(page.matches("<li class=\"item\"").count(), hostile.len());
    // the 100 KB comment is cut, and says so
    assert!(
        page.contains("more bytes not shown") && page.len() < 60_000,
        "{}",
        page.len()
    );
}

#[test]
fn keys_open_the_queue_and_decisions_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("q.db");
    let srv = start(dir.path(), &db);
    // no key, a key without the review role
    assert_eq!(srv.get("/review").status, 401);
    assert_eq!(srv.get(&format!("/review?key={SITE}")).status, 403);
    assert_eq!(srv.get("/review/review.js").status, 200);
    // /v1/score?store=true queues what the policy sends to review
    let r = srv.raw(
        "POST",
        &format!("/v1/score?store=true&key={SITE}"),
        &[("content-type", "application/json")],
        br#"[{"id":"a","text":"These talks are a waste of time. Nothing will change on the ground."},{"id":"b","text":"thank you for the report"}]"#,
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let decided = r.json();
    assert_eq!(decided[0]["decision"], "review", "{decided}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let page = loop {
        let p = String::from_utf8(srv.get(&format!("/review?key={KEY}")).body).unwrap();
        if p.contains("1 waiting") || std::time::Instant::now() > deadline {
            break p;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let text = strip_tags(&page);
    assert!(
        text.contains("waste of time") && !text.contains("thank you"),
        "{text}"
    );
    let id: i64 = page
        .split("data-id=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .parse()
        .unwrap();
    let post = |path: &str, key: &str, body: &str| {
        srv.raw(
            "POST",
            path,
            &[
                ("content-type", "application/json"),
                ("x-goog-api-key", key),
            ],
            body.as_bytes(),
        )
    };
    let body = format!(r#"{{"id":{id},"decision":"reject","labels":{{"hate":0}}}}"#);
    assert_eq!(post("/review/decide", SITE, &body).status, 403);
    assert_eq!(post("/review/decide", KEY, &body).status, 200);
    // twice, unknown ids, bad decisions and bodies are refused
    assert_eq!(post("/review/decide", KEY, &body).status, 400);
    assert_eq!(
        post("/review/decide", KEY, r#"{"id":999,"decision":"reject"}"#).status,
        400
    );
    assert_eq!(
        post(
            "/review/decide",
            KEY,
            &format!(r#"{{"id":{id},"decision":"maybe"}}"#)
        )
        .status,
        400
    );
    assert_eq!(post("/review/decide", KEY, "{not json").status, 400);
    let r = srv.get(&format!("/review/agreement?key={KEY}"));
    let agree = strip_tags(&String::from_utf8(r.body).unwrap());
    // scored 0.43, under the model's threshold, and rejected: a disagreement, listed
    assert!(agree.contains("agrees with 0 of 1 decisions"), "{agree}");
    assert!(agree.contains("most disagreed") && agree.contains("waste of time"));
    assert!(agree.contains("gavel feedback export --db"));
    assert_eq!(
        post("/review/undo", KEY, &format!(r#"{{"id":{id}}}"#)).status,
        200
    );
    assert_eq!(
        post("/review/undo", KEY, &format!(r#"{{"id":{id}}}"#)).status,
        400
    );
    let c = rusqlite::Connection::open(&db).unwrap();
    let n: i64 = c
        .query_row("SELECT count(*) FROM feedback", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
    // Perspective's analyze, allowed to store, queues a comment the policy sends to review
    let body = r#"{"comment":{"text":"get out of here you filthy animal"},"requestedAttributes":{"TOXICITY":{}},"doNotStore":false}"#;
    let r = srv.raw(
        "POST",
        &format!("/v1alpha1/comments:analyze?key={SITE}"),
        &[("content-type", "application/json")],
        body.as_bytes(),
    );
    assert_eq!(r.status, 200);
    let waiting = || -> i64 {
        c.query_row(
            "SELECT count(*) FROM queue WHERE decision_row IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while waiting() < 2 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(waiting(), 2);
}

/// The page's text without its markup.
fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn the_comparison_report_is_linked_once_written() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("compare/report.html");
    let r = report.display().to_string();
    let srv = server::review_server(
        &dir.path().join("q.db"),
        &keys(dir.path()),
        &["--compare-report", &r],
    );
    let page = |path: &str| srv.get(&format!("{path}?key={KEY}"));
    let a = String::from_utf8(page("/review/agreement").body).unwrap();
    assert!(
        a.contains("No comparison report at") && !a.contains("/review/report?"),
        "{a}"
    );
    assert_eq!(page("/review/report").status, 404);
    std::fs::create_dir_all(report.parent().unwrap()).unwrap();
    std::fs::write(&report, "<html><style>p{}</style><p>compared</p></html>").unwrap();
    let a = String::from_utf8(page("/review/agreement").body).unwrap();
    assert!(a.contains("/review/report?key="), "{a}");
    let got = page("/review/report");
    assert_eq!(got.status, 200);
    assert!(String::from_utf8(got.body.clone())
        .unwrap()
        .contains("compared"));
    let csp = got.header("content-security-policy").unwrap();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script"),
        "{csp}"
    );
    assert_eq!(srv.get("/review/report").status, 401);
}

#[test]
fn the_queue_needs_a_database_and_keys() {
    let m = format!("abuse={}", shipped("abuse.gavel").display());
    let out = gavel()
        .args(["serve", "--model", &m, "--ui", "--addr", "127.0.0.1:0"])
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains("--db") && err.contains("--api-key-file"),
        "{err}"
    );
}
