//! Moderators' decisions: stored in SQLite before they are acknowledged, kept through a
//! SIGKILL, exported as a training file that `gavel train` reads.

mod server;
mod util;

use serde_json::json;
use server::{shipped, Server};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

fn start(db: &std::path::Path, keys: &std::path::Path) -> Server {
    let model = format!("abuse={}", shipped("abuse.gavel").display());
    Server::start(&[
        "--model",
        &model,
        "--db",
        db.to_str().unwrap(),
        "--api-key-file",
        keys.to_str().unwrap(),
    ])
}

#[test]
fn acknowledged_decisions_survive_sigkill_and_train_a_model() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("feedback.db");
    let keys = dir.path().join("keys");
    std::fs::write(&keys, "moderator1 cccccccccccccccccccc\n").unwrap();
    let s = start(&db, &keys);
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (c, acked, stop) = (
                server::Server::connect(&s.addr),
                acked.clone(),
                stop.clone(),
            );
            std::thread::spawn(move || {
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    let id = format!("w{w}-{i}");
                    let (text, decision) = match i % 2 {
                        0 => (format!("you are an idiot number {i}"), "reject"),
                        _ => (format!("thanks for the report on the talks {i}"), "approve"),
                    };
                    let body = json!({"id": id, "text": text, "decision": decision});
                    // a request cut by the kill has no answer: it was never acknowledged
                    let r = std::panic::catch_unwind(|| {
                        c.post_json("/v1/feedback?key=cccccccccccccccccccc", &body.to_string())
                    });
                    match r {
                        Ok(r) if r.status == 200 => acked.lock().unwrap().push(id),
                        _ => break,
                    }
                    i += 1;
                }
            })
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(700));
    s.signal("KILL");
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        let _ = w.join();
    }
    drop(s);
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() > 20,
        "only {} decisions acknowledged",
        acked.len()
    );
    // a restarted server opens the same database; every acknowledged decision is in it
    let s = start(&db, &keys);
    let out = dir.path().join("labelled.csv");
    util::gavel()
        .args(["feedback", "export", "--db"])
        .arg(&db)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let rows = util::csv_maps(&std::fs::read(&out).unwrap());
    let ids: std::collections::HashSet<&str> = rows.iter().map(|r| r["id"].as_str()).collect();
    let lost: Vec<&String> = acked.iter().filter(|a| !ids.contains(a.as_str())).collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged decisions lost: {:?}",
        lost.len(),
        &lost[..lost.len().min(5)]
    );
    assert!(rows.iter().all(|r| r["decided_by"] == "moderator1"));
    assert!(rows
        .iter()
        .all(|r| (r["decision"] == "reject") == (r["abusive"] == "1")));
    drop(s);
    // the export trains a model
    let model = dir.path().join("retrained.gavel");
    util::gavel()
        .args(["-q", "train", "--label", "abusive", "--data"])
        .arg(&out)
        .arg("-o")
        .arg(&model)
        .assert()
        .success();
}

/// A later decision on the same comment wins; labels get columns; review teaches nothing and
/// is counted, not hidden.
#[test]
fn export_keeps_the_latest_decision_and_labels() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.db");
    let keys = dir.path().join("keys");
    std::fs::write(&keys, "m dddddddddddddddddddd\n").unwrap();
    let s = start(&db, &keys);
    let post =
        |b: serde_json::Value| s.post_json("/v1/feedback?key=dddddddddddddddddddd", &b.to_string());
    assert_eq!(
        post(json!({"id": "1", "text": "a, \"quoted\"\ncomment", "decision": "approve"})).status,
        200
    );
    assert_eq!(post(json!({"id": "1", "text": "a, \"quoted\"\ncomment", "decision": "reject", "labels": {"insult": 1, "stance": "AGAINST"}})).status, 200);
    assert_eq!(
        post(json!({"id": "2", "text": "unsure", "decision": "review"})).status,
        200
    );
    post(json!({"text": "x", "decision": "maybe"})).google_error(400, "INVALID_ARGUMENT");
    post(json!({"text": "x"})).google_error(400, "INVALID_ARGUMENT");
    post(json!({"text": "x", "decision": "reject", "extra": 1}))
        .google_error(400, "INVALID_ARGUMENT");
    drop(s);
    let out = util::gavel()
        .args(["feedback", "export", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("exported 1 decisions")
            && err.contains("1 superseded")
            && err.contains("1 without a label"),
        "{err}"
    );
    let rows = util::csv_maps(&out.stdout);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["text"], "a, \"quoted\"\ncomment");
    assert_eq!(rows[0]["abusive"], "1");
    assert_eq!(rows[0]["insult"], "1");
    assert_eq!(rows[0]["stance"], "AGAINST");
    // not a database: a clear error
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, "id,text\n1,hello\n".repeat(20)).unwrap();
    util::gavel()
        .args(["feedback", "export", "--db"])
        .arg(&junk)
        .assert()
        .failure()
        .stderr(predicates::str::contains("junk.db"));
}

/// An analyzed comment is stored with its scores unless the request says `doNotStore`, as
/// Perspective's semantics allow; `--no-store` stores none.
#[test]
fn analyzed_comments_are_stored_unless_asked_not_to() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let keys = dir.path().join("keys");
    std::fs::write(&keys, "site eeeeeeeeeeeeeeeeeeee\n").unwrap();
    let s = start(&db, &keys);
    let ask = |text: &str, no_store: Option<bool>| {
        let mut b = json!({"comment": {"text": text}, "requestedAttributes": {"TOXICITY": {}},
                           "clientToken": "tok", "communityId": "lahore-desk"});
        if let Some(n) = no_store {
            b["doNotStore"] = json!(n);
        }
        let r = s.post_json(
            "/v1alpha1/comments:analyze?key=eeeeeeeeeeeeeeeeeeee",
            &b.to_string(),
        );
        assert_eq!(r.status, 200);
    };
    ask("kept by default", None);
    ask("kept when asked", Some(false));
    ask("never kept", Some(true));
    // the writer commits in the background: wait for the two rows
    let rows = || -> Vec<(String, String, String)> {
        let c = rusqlite::Connection::open(&db).unwrap();
        let mut st = c
            .prepare("SELECT text, community_id, scores FROM analyzed ORDER BY rowid")
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    let mut got = rows();
    for _ in 0..100 {
        if got.len() >= 2 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        got = rows();
    }
    let texts: Vec<&str> = got.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(texts, ["kept by default", "kept when asked"]);
    assert_eq!(got[0].1, "lahore-desk");
    assert!(got[0].2.contains("TOXICITY"), "{}", got[0].2);
    drop(s);
    let model = format!("abuse={}", shipped("abuse.gavel").display());
    let db2 = dir.path().join("b.db");
    let s = Server::start(&[
        "--model",
        &model,
        "--db",
        db2.to_str().unwrap(),
        "--no-store",
    ]);
    let b = json!({"comment": {"text": "x"}, "requestedAttributes": {"TOXICITY": {}}});
    assert_eq!(
        s.post_json("/v1alpha1/comments:analyze", &b.to_string())
            .status,
        200
    );
    std::thread::sleep(std::time::Duration::from_millis(100));
    let c = rusqlite::Connection::open(&db2).unwrap();
    let n: i64 = c
        .query_row("SELECT count(*) FROM analyzed", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
}
