//! Reports as users read them: formats, worst errors with their n-grams, model comparison
//! with bootstrap intervals, and cross-validation with the pooled report.

mod util;
use predicates::prelude::*;
use std::path::{Path, PathBuf};
use util::*;

fn train(dir: &Path, data: &Path, extra: &[&str], name: &str) -> PathBuf {
    let m = dir.join(name);
    gavel()
        .args([
            "-q", "train", "--text", "comment", "--label", "insult", "--data",
        ])
        .arg(data)
        .args(extra)
        .arg("-o")
        .arg(&m)
        .assert()
        .success();
    m
}

/// A test set with two rows labelled against the model's lesson: one false positive and one
/// false negative.
fn test_set(dir: &Path) -> PathBuf {
    let p = dir.join("test.csv");
    std::fs::write(
        &p,
        "comment,insult\n\
         you are an idiot,1\n\
         thank you for the report,0\n\
         what an idiot moron,0\n\
         peace talks are welcome,1\n\
         shut up loser,1\n\
         good analysis,0\n",
    )
    .unwrap();
    p
}

#[test]
fn eval_writes_every_format_and_explains_its_worst_errors() {
    let d = tempfile::tempdir().unwrap();
    let m = train(d.path(), &toy_csv(d.path()), &[], "m.gavel");
    let t = test_set(d.path());
    let out = d.path().join("rep");
    let j = eval_report(&m, &t, &out);
    for f in ["report.md", "report.json", "report.html"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let head = &j["heads"][0];
    let errors = head["errors"].as_array().unwrap();
    let fp = errors
        .iter()
        .find(|e| e["kind"] == "false positive")
        .expect("a false positive");
    assert_eq!(fp["line"], 4);
    assert_eq!(fp["text"], "what an idiot moron");
    // its drivers push the score up and name the insult
    let drivers = fp["drivers"].as_array().unwrap();
    assert!(!drivers.is_empty());
    assert!(drivers.iter().all(|d| d[1].as_f64().unwrap() > 0.0));
    assert!(drivers
        .iter()
        .any(|d| d[0].as_str().unwrap().contains("idiot")
            || d[0].as_str().unwrap().contains("moron")));
    let fneg = errors
        .iter()
        .find(|e| e["kind"] == "false negative")
        .unwrap();
    assert_eq!(fneg["line"], 5);
    // curves are there for notebooks and charts
    let c = &head["curves"];
    assert_eq!(c["roc"][0]["points"][0], serde_json::json!([0.0, 0.0]));
    assert!(c["reliability"]["ece"].as_f64().unwrap() >= 0.0);
    assert_eq!(c["histogram"]["edges"].as_array().unwrap().len(), 21);
    // the HTML is self-contained: inline SVG, nothing fetched, text escaped
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert_eq!(html.matches("<figure class=\"chart\"").count(), 5);
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"));
    assert!(html.contains("what an idiot moron"));
}

#[test]
fn formats_go_to_stdout_one_at_a_time() {
    let d = tempfile::tempdir().unwrap();
    let m = train(d.path(), &toy_csv(d.path()), &[], "m.gavel");
    let t = test_set(d.path());
    let run = |fmt: &str| {
        let mut c = gavel();
        c.args(["eval", "--format", fmt, "--model"])
            .arg(&m)
            .arg("--data")
            .arg(&t);
        c
    };
    run("html")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("<!DOCTYPE html>"));
    let out = run("json").assert().success();
    let j: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(j["rows"], 6);
    run("md,html")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("need --out"));
    run("pdf").assert().code(2).stderr(
        predicate::str::contains("invalid value 'pdf' for '--format")
            .and(predicate::str::contains("md, json, html")),
    );
}

#[test]
fn compare_gives_differences_with_paired_intervals() {
    let d = tempfile::tempdir().unwrap();
    let data = toy_csv(d.path());
    let a = train(d.path(), &data, &[], "a.gavel");
    let b = train(
        d.path(),
        &data,
        &["--char-ngrams", "0,0", "--c", "0.01"],
        "b.gavel",
    );
    let t = test_set(d.path());
    let out = d.path().join("cmp");
    let compare = |x: &Path, y: &Path, out: &Path| {
        gavel()
            .args(["-q", "eval", "--bootstrap", "200", "--compare"])
            .arg(x)
            .arg(y)
            .arg("--data")
            .arg(&t)
            .arg("--out")
            .arg(out)
            .assert()
            .success();
        let j: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
        j
    };
    let j = compare(&a, &b, &out);
    assert_eq!(j["schema"], "gavel.compare/1");
    let metrics = j["heads"][0]["metrics"].as_array().unwrap();
    let get = |name: &str| {
        metrics
            .iter()
            .find(|m| m["metric"] == name)
            .unwrap()
            .clone()
    };
    for name in ["roc_auc", "macro_f1"] {
        let m = get(name);
        let (a, b) = (m["a"].as_f64().unwrap(), m["b"].as_f64().unwrap());
        assert!((m["diff"].as_f64().unwrap() - (b - a)).abs() < 1e-12);
        let (lo, hi) = (
            m["interval"][0].as_f64().unwrap(),
            m["interval"][1].as_f64().unwrap(),
        );
        assert!(lo <= hi, "{m}");
    }
    assert!(get("accuracy")["interval"].is_null());
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("data-chart=\"roc\""));
    // a model against itself: no difference, and an interval of exactly zero
    let j = compare(&a, &a, &d.path().join("same"));
    let m = &j["heads"][0]["metrics"][3];
    assert_eq!(m["metric"], "roc_auc");
    assert_eq!(m["diff"], 0.0);
    assert_eq!(m["interval"], serde_json::json!([0.0, 0.0]));
    // models of other labels do not compare
    let other = d.path().join("other.csv");
    std::fs::write(
        &other,
        std::fs::read_to_string(&data)
            .unwrap()
            .replace("id,comment,insult", "id,comment,rude"),
    )
    .unwrap();
    let c = d.path().join("c.gavel");
    gavel()
        .args([
            "-q", "train", "--text", "comment", "--label", "rude", "--data",
        ])
        .arg(&other)
        .arg("-o")
        .arg(&c)
        .assert()
        .success();
    gavel()
        .args(["eval", "--compare"])
        .arg(&a)
        .arg(&c)
        .arg("--data")
        .arg(&t)
        .assert()
        .code(2);
}

#[test]
fn cv_reports_fold_spread_and_the_pooled_report() {
    let d = tempfile::tempdir().unwrap();
    let data = toy_csv(d.path());
    let out = d.path().join("cv");
    gavel()
        .args([
            "-q", "cv", "--folds", "4", "--text", "comment", "--label", "insult", "--data",
        ])
        .arg(&data)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let j: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(j["schema"], "gavel.cv/2");
    let acc = j["heads"][0]["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["metric"] == "accuracy")
        .unwrap()
        .clone();
    assert_eq!(acc["folds"].as_array().unwrap().len(), 4);
    assert!(acc["std"].as_f64().unwrap() >= 0.0);
    // every row is in the pooled report exactly once
    assert_eq!(j["pooled"]["rows"], 80);
    let conf = &j["pooled"]["heads"][0]["confusion"];
    let total: u64 = conf
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_array().unwrap().iter().map(|v| v.as_u64().unwrap()))
        .sum();
    assert_eq!(total, 80);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("mean ± std") && html.contains("data-chart=\"reliability\""));
}
