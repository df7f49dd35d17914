//! The binary as users drive it: train, score, eval, cv, split, and bad input.

mod util;
use predicates::prelude::*;
use util::*;

#[test]
fn train_then_score_keeps_every_row_in_order() {
    let d = tempfile::tempdir().unwrap();
    let m = trained(d.path());
    let input = d.path().join("in.csv");
    std::fs::write(
        &input,
        "id,comment\n1,you idiot\n2,thank you for the report\n3,\"multi\nline moron\"\n",
    )
    .unwrap();
    let out = gavel()
        .args(["score", "--model"])
        .arg(&m)
        .arg(&input)
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        r.headers().unwrap(),
        vec!["id", "comment", "p_insult", "pred_insult"]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(
        rows.iter().map(|r| r[0].to_string()).collect::<Vec<_>>(),
        ["1", "2", "3"]
    );
    let p: Vec<f64> = rows.iter().map(|r| r[2].parse().unwrap()).collect();
    assert!(p[0] > 0.5 && p[1] < 0.5 && p[2] > 0.5, "{p:?}");
    assert_eq!(&rows[2][1], "multi\nline moron");
}

#[test]
fn jsonl_in_jsonl_out_keeps_fields() {
    let d = tempfile::tempdir().unwrap();
    let m = trained(d.path());
    let input = d.path().join("in.jsonl");
    std::fs::write(&input, "{\"comment\":\"you idiot\",\"meta\":{\"a\":1}}\n").unwrap();
    gavel()
        .args(["score", "--model"])
        .arg(&m)
        .arg(&input)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("\"meta\":{\"a\":1}")
                .and(predicate::str::contains("\"p_insult\":")),
        );
}

#[test]
fn bad_row_stops_with_location_or_is_kept_with_skip() {
    let d = tempfile::tempdir().unwrap();
    let m = trained(d.path());
    let input = d.path().join("in.csv");
    std::fs::write(&input, "id,comment\n1,you idiot\n2,\n3,fine talks\n").unwrap();
    gavel()
        .args(["score", "--model"])
        .arg(&m)
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "in.csv:3, column 'comment': empty text",
        ));
    let out = d.path().join("out.csv");
    gavel()
        .args(["score", "--on-error", "skip", "--model"])
        .arg(&m)
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("1 row(s) could not be scored"));
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[2], "2,,,,\"line 3, column 'comment': empty text\"");
}

#[test]
fn invalid_utf8_and_missing_columns_are_named() {
    let d = tempfile::tempdir().unwrap();
    let m = trained(d.path());
    let input = d.path().join("bad.csv");
    std::fs::write(&input, b"id,comment\n1,ok\n2,caf\xe9\n").unwrap();
    gavel()
        .args(["score", "--model"])
        .arg(&m)
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.csv:3, column 'comment': invalid UTF-8",
        ));
    gavel()
        .args(["score", "--text", "body", "--model"])
        .arg(&m)
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing column 'body'"));
    // a missing file is named once, with its cause once
    let out = gavel()
        .args(["score", "--model"])
        .arg(&m)
        .arg(d.path().join("nowhere.csv"))
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("nowhere.csv"), "{err}");
    assert_eq!(err.matches("os error 2").count(), 1, "{err}");
}

#[test]
fn corrupt_or_foreign_model_is_rejected() {
    let d = tempfile::tempdir().unwrap();
    let m = trained(d.path());
    let mut bytes = std::fs::read(&m).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    let bad = d.path().join("flipped.gavel");
    std::fs::write(&bad, &bytes).unwrap();
    let input = toy_csv(d.path());
    gavel()
        .args(["score", "--model"])
        .arg(&bad)
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("checksum mismatch"));
    gavel()
        .args(["score", "--model"])
        .arg(&input)
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a gavel model"));
    let cut = d.path().join("cut.gavel");
    std::fs::write(&cut, &std::fs::read(&m).unwrap()[..100]).unwrap();
    gavel()
        .args(["score", "--model"])
        .arg(&cut)
        .arg(&input)
        .assert()
        .code(2);
}

#[test]
fn same_data_same_seed_same_bytes() {
    let d = tempfile::tempdir().unwrap();
    let data = toy_csv(d.path());
    let train = |name: &str, epoch: Option<&str>| {
        let m = d.path().join(name);
        let mut cmd = gavel();
        cmd.env_remove("SOURCE_DATE_EPOCH");
        if let Some(e) = epoch {
            cmd.env("SOURCE_DATE_EPOCH", e);
        }
        cmd.args(["train", "--text", "comment", "--label", "insult", "--data"])
            .arg(&data)
            .arg("-o")
            .arg(&m)
            .assert()
            .success();
        (m.clone(), std::fs::read(&m).unwrap())
    };
    // trained at different times of the clock, without SOURCE_DATE_EPOCH: the same bytes
    let (_, a) = train("a.gavel", None);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let (undated, b) = train("b.gavel", None);
    assert_eq!(a, b);
    // SOURCE_DATE_EPOCH stamps a date, which inspect shows
    let (dated, c) = train("c.gavel", Some("1700000000"));
    assert_eq!(c, train("d.gavel", Some("1700000000")).1);
    let shown = |m: &std::path::Path| {
        let out = gavel().args(["inspect"]).arg(m).output().unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(shown(&dated).contains("trained    2023-11-14T22:13:20Z by gavel"));
    assert!(shown(&undated).contains("trained    by gavel"));
}

#[test]
fn unknown_label_in_eval_is_named() {
    let d = tempfile::tempdir().unwrap();
    let m = trained(d.path());
    let t = d.path().join("test.csv");
    std::fs::write(&t, "comment,insult\nyou idiot,1\nhello,maybe\n").unwrap();
    gavel()
        .args(["eval", "--model"])
        .arg(&m)
        .arg("--data")
        .arg(&t)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "test.csv:3, column 'insult': unknown label 'maybe'",
        ));
}

#[test]
fn eval_cv_and_split_write_reports() {
    let d = tempfile::tempdir().unwrap();
    let m = trained(d.path());
    let data = toy_csv(d.path());
    let out = d.path().join("rep");
    let j = eval_report(&m, &data, &out);
    assert!(j["heads"][0]["roc_auc"].as_f64().unwrap() > 0.9);
    // the documented layout (docs/formats.md, "Report JSON") that programs read
    assert_eq!(j["schema"], "gavel.eval/3");
    let head = j["heads"][0].as_object().unwrap();
    for key in [
        "name",
        "kind",
        "classes",
        "accuracy",
        "macro_f1",
        "weighted_f1",
        "roc_auc",
        "pr_auc",
        "log_loss",
        "brier",
        "f_avg",
        "per_class",
        "confusion",
        "thresholds",
        "precision_targets",
        "by_target",
        "curves",
        "calibration",
        "errors",
    ] {
        assert!(head.contains_key(key), "report.json head lacks '{key}'");
    }
    assert_eq!(head["thresholds"].as_array().unwrap().len(), 19);
    assert!(std::fs::read_to_string(out.join("report.md"))
        .unwrap()
        .contains("| roc_auc |"));
    gavel()
        .args([
            "cv", "--folds", "3", "--text", "comment", "--label", "insult", "--data",
        ])
        .arg(&data)
        .assert()
        .success()
        .stdout(predicate::str::contains("3-fold cross-validation"));
    let (tr, te) = (d.path().join("tr.csv"), d.path().join("te.csv"));
    gavel()
        .args(["split", "--stratify", "insult", "--data"])
        .arg(&data)
        .arg("--train-out")
        .arg(&tr)
        .arg("--test-out")
        .arg(&te)
        .assert()
        .success();
    let n = |p: &std::path::Path| std::fs::read_to_string(p).unwrap().lines().count() - 1;
    assert_eq!((n(&tr), n(&te)), (64, 16));
}

#[test]
fn quick_start_scores_the_sample_with_the_shipped_model() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = gavel()
        .current_dir(root)
        .args([
            "score",
            "--model",
            "models/abuse.gavel",
            "--text",
            "comment",
            "data/sample_comments.csv",
        ])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), 30);
    let p = |id: &str| {
        rows.iter().find(|r| &r[0] == id).unwrap()[3]
            .parse::<f64>()
            .unwrap()
    };
    assert!(p("4") > 0.9, "an insult is flagged");
    assert!(p("6") < 0.2, "a polite disagreement is not");
}
