//! The review queue in a real browser: the demo set's review band is queued from a scored file,
//! `gavel serve --ui` serves it, and headless Chromium (driven over the DevTools protocol)
//! loads the page, checks the scores and marked words shown, decides three comments with the
//! keyboard and undoes one. Exactly the two remaining decisions must be in the database and in
//! `gavel feedback export`'s CSV, recorded as the key's name. A screenshot is left under
//! `target/tmp/review-browser/` (`docs/review_screenshot.sh` makes the one in the docs).

mod browser;
mod server;
mod util;
use browser::{chromium, Browser};
use serde_json::json;
use std::path::Path;
use util::*;

const KEY: &str = "0123456789abcdef-moderator";

/// Records script errors from the first moment.
const ERRORS: &str = "window.__errors = []; window.addEventListener('error', \
    function (e) { window.__errors.push(String(e.message)); });";

fn decide_three_undo_one() -> Result<(), Skip> {
    let bin = chromium()?;
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("review-browser");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (model, policy) = (shipped("abuse.gavel"), root.join("models/policy.toml"));
    let scored = dir.join("scored.csv");
    gavel()
        .args(["-q", "score", "--model"])
        .arg(&model)
        .arg("--policy")
        .arg(&policy)
        .args(["--text", "comment", "-o"])
        .arg(&scored)
        .arg(root.join("data/demo_comments.csv"))
        .assert()
        .success();
    let db = dir.join("feedback.db");
    gavel()
        .args(["queue", "add", "--text", "comment", "--db"])
        .arg(&db)
        .arg("--model")
        .arg(&model)
        .arg(&scored)
        .assert()
        .success();
    let rows = csv_maps(&std::fs::read(&scored).unwrap());
    let review: Vec<_> = rows.iter().filter(|r| r["decision"] == "review").collect();
    assert!(
        review.len() >= 4,
        "the demo's review band: {}",
        review.len()
    );
    let keys = dir.join("keys");
    std::fs::write(&keys, format!("amna {KEY} review\n")).unwrap();
    let srv = server::review_server(&db, &keys, &[]);
    let url = format!("http://{}/review?key={KEY}", srv.addr);

    let mut b = Browser::launch(&bin, &dir.join("profile"), 1200, 1600);
    b.before_load(ERRORS);
    b.goto(&url);
    // every comment of the review band, each with its scores as the file gave them
    assert_eq!(
        b.eval("document.querySelectorAll('li.item').length"),
        json!(review.len())
    );
    let shown = b.eval(
        "Array.from(document.querySelectorAll('li.item')).map(function (li) { return { \
           text: li.querySelector('.text').textContent, \
           p: li.querySelector('dl.scores dd').textContent, \
           marks: li.querySelectorAll('.text mark').length }; })",
    );
    for s in shown.as_array().unwrap() {
        let text = s["text"].as_str().unwrap();
        let row = review
            .iter()
            .find(|r| r["comment"] == text)
            .unwrap_or_else(|| panic!("shown but not in the review band: {text}"));
        let p: f64 = row["p_abusive"].parse().unwrap();
        assert_eq!(s["p"], json!(format!("{p:.3}")), "{text}");
    }
    let marked = shown
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["marks"].as_u64().unwrap() > 0)
        .count();
    assert!(
        marked * 2 >= review.len(),
        "most comments have words marked: {shown}"
    );
    // the strongest word of a comment with an abusive word is marked red
    assert_eq!(
        b.eval("document.querySelectorAll('.text mark[class^=up]').length > 0"),
        json!(true)
    );
    let texts: Vec<String> = shown
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["text"].as_str().unwrap().to_string())
        .collect();

    // reject the first, approve the second, skip the third, reject the fourth, undo that
    let status = |n: usize| {
        format!("document.querySelectorAll('li.item.decided').length === {n} && !document.getElementById('status').textContent.startsWith('Not')")
    };
    b.key("r");
    b.wait_for(&status(1));
    b.key("a");
    b.wait_for(&status(2));
    b.key("j");
    b.key("r");
    b.wait_for(&status(3));
    b.key("u");
    b.wait_for(&format!(
        "{} && document.getElementById('status').textContent.indexOf('undone') >= 0",
        status(2)
    ));
    assert_eq!(b.eval("window.__errors"), json!([]), "script errors");
    drop(b);

    // exactly two decisions, recorded as the key's name
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mut stmt = conn
        .prepare("SELECT text, decision, decided_by FROM feedback ORDER BY rowid")
        .unwrap();
    let stored: Vec<(String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let want = vec![
        (texts[0].clone(), "reject".to_string(), "amna".to_string()),
        (texts[1].clone(), "approve".to_string(), "amna".to_string()),
    ];
    assert_eq!(stored, want);
    let out = gavel()
        .args(["-q", "feedback", "export", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(out.status.success());
    let exported = csv_maps(&out.stdout);
    assert_eq!(exported.len(), 2, "{exported:?}");
    for (e, (text, decision, _)) in exported.iter().zip(&want) {
        assert_eq!((&e["text"], &e["decision"]), (text, decision));
        assert_eq!(e["abusive"], if decision == "reject" { "1" } else { "0" });
    }

    // on a phone: nothing wider than the screen, buttons big enough for a thumb
    let mut phone = Browser::launch(&bin, &dir.join("profile-phone"), 390, 844);
    phone.goto(&url);
    assert_eq!(
        phone.eval("document.documentElement.scrollWidth <= window.innerWidth"),
        json!(true),
        "the page scrolls sideways on a phone"
    );
    assert_eq!(
        phone.eval(
            "Array.from(document.querySelectorAll('.actions button')).every(function (b) { \
               var r = b.getBoundingClientRect(); return r.height >= 44 && r.width >= 44; })"
        ),
        json!(true)
    );
    drop(phone);

    // the page for a person to look at
    let png = dir.join("review.png");
    browser::run_once(
        &bin,
        &dir.join("profile-shot"),
        &[
            "--virtual-time-budget=3000".into(),
            "--window-size=1100,1500".into(),
            format!("--screenshot={}", png.display()),
            url,
        ],
    );
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 20_000);
    println!("screenshot: {}", png.display());
    Ok(())
}

fn main() {
    run_cases(&[("decide_three_undo_one", decide_three_undo_one)]);
}
