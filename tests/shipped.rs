//! The shipped models (models/*.gavel) on the project's own demo set and on comments whose
//! answer is plain: what a new user gets on day one, without labelling anything.

mod util;
use util::{csv_maps, gavel};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn model(name: &str) -> String {
    format!("{ROOT}/models/{name}")
}

fn demo() -> String {
    format!("{ROOT}/data/demo_comments.csv")
}

/// `gavel score` of a CSV given as text, parsed.
fn score(args: &[&str], csv: &str) -> Vec<std::collections::HashMap<String, String>> {
    let out = gavel()
        .arg("score")
        .args(args)
        .write_stdin(csv.to_string())
        .assert()
        .success();
    csv_maps(&out.get_output().stdout)
}

fn p(row: &std::collections::HashMap<String, String>, col: &str) -> f64 {
    row[col].parse().unwrap()
}

#[test]
fn every_shipped_model_scores_the_whole_demo_set_in_order() {
    let runs: [(&str, &[&str]); 3] = [
        ("abuse.gavel", &["--policy", "POLICY"]),
        ("sentiment.gavel", &[]),
        ("stance-semeval.gavel", &["--any-target"]),
    ];
    let policy = model("policy.toml");
    for (m, extra) in runs {
        let extra: Vec<&str> = extra
            .iter()
            .map(|a| if *a == "POLICY" { policy.as_str() } else { a })
            .collect();
        let out = gavel()
            .args([
                "score",
                "--model",
                &model(m),
                "--text",
                "comment",
                "--keep",
                "id",
            ])
            .args(&extra)
            .arg(demo())
            .assert()
            .success();
        let rows = csv_maps(&out.get_output().stdout);
        let ids: Vec<String> = rows.iter().map(|r| r["id"].clone()).collect();
        let want: Vec<String> = (1..=300).map(|i| i.to_string()).collect();
        assert_eq!(ids, want, "{m}: every row, in order");
    }
}

#[test]
fn the_abuse_model_separates_the_demo_sets_abuse() {
    // the demo set was written for this project, not drawn from the training sources
    let dir = tempfile::tempdir().unwrap();
    gavel()
        .args([
            "-q",
            "eval",
            "--model",
            &model("abuse.gavel"),
            "--data",
            &demo(),
        ])
        .args(["--text", "comment", "--format", "json", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let rep: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    let auc = rep["heads"][0]["roc_auc"].as_f64().unwrap();
    assert!(auc >= 0.9, "ROC-AUC on the demo set {auc}");
}

/// Praise and complaint in English and in Roman Urdu, and a plain statement of fact.
#[test]
fn sentiment_reads_plain_praise_and_complaint() {
    let rows = score(
        &["--model", &model("sentiment.gavel")],
        "text\n\"a wonderful, moving film with a brilliant cast\"\n\"a dull, lifeless and boring mess\"\n\
         \"bohat acha kaam kiya, shukriya\"\n\"bilkul bekar cheez hai, paise zaya ho gaye\"\n\
         \"the meeting is on tuesday at the ministry\"\n",
    );
    assert!(p(&rows[0], "p_positive") > 0.9, "{rows:?}");
    assert!(p(&rows[1], "p_negative") > 0.9, "{rows:?}");
    let pred: Vec<&str> = rows.iter().map(|r| &*r["pred_sentiment"]).collect();
    assert_eq!(
        pred,
        ["positive", "negative", "positive", "negative", "neutral"],
        "{rows:?}"
    );
    for r in &rows {
        let sum: f64 = ["p_negative", "p_neutral", "p_positive"]
            .iter()
            .map(|o| p(r, o))
            .sum();
        assert!((sum - 1.0).abs() < 1e-5, "{r:?}");
    }
}

#[test]
fn stance_follows_the_target_and_unknown_targets_need_any_target() {
    let m = model("stance-semeval.gavel");
    let rows = score(
        &["--model", &m],
        "text,target\n\"I will proudly vote for Hillary, she is the best choice\",Hillary Clinton\n\
         \"Hillary is a liar and belongs in jail\",Hillary Clinton\n",
    );
    assert_eq!(rows[0]["pred_stance"], "FAVOR", "{rows:?}");
    assert_eq!(rows[1]["pred_stance"], "AGAINST", "{rows:?}");
    // a site's own target is refused with the way out named ...
    gavel()
        .args(["score", "--model", &m, "--text", "comment", &demo()])
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "demo_comments.csv:2, column 'target': unknown target 'US-Pakistan talks'",
        ))
        .stderr(predicates::str::contains("--any-target"));
    // ... and scored with the mean of the target heads when asked, with or without a column
    let rows = score(
        &["--model", &m, "--any-target"],
        "text\nI support the talks\n",
    );
    let total: f64 = ["p_AGAINST", "p_FAVOR", "p_NONE"]
        .iter()
        .map(|c| p(&rows[0], c))
        .sum();
    assert!((total - 1.0).abs() < 1e-5);
}
