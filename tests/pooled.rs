//! Training from sources that label different things, and measuring by source: a multi-label
//! file whose empty cells mean "not labelled", `eval --by COLUMN` and `cv --group COLUMN`.

mod util;

use serde_json::Value;
use std::path::{Path, PathBuf};

/// Two sources: `en` labels `abusive` only, `ur` labels `aggressive` only (its `abusive`
/// cells are empty), and `both` labels both.
fn pooled(dir: &Path) -> PathBuf {
    let mut s = String::from("text,source,abusive,aggressive\n");
    let en_bad = ["you are an idiot", "shut up moron", "what a stupid fool"];
    let en_ok = [
        "thank you for the report",
        "good analysis of the talks",
        "i disagree politely",
    ];
    let ur_bad = [
        "tum ko maar dunga",
        "chup kar warna dekh lena",
        "tera sar phod dunga",
    ];
    let ur_ok = [
        "bohat acha tajzia hai",
        "shukriya is khabar ka",
        "main mutafiq nahi hoon",
    ];
    for i in 0..30 {
        s += &format!("\"{} {i}\",en,1,\n", en_bad[i % 3]);
        s += &format!("\"{} {i}\",en,0,\n", en_ok[i % 3]);
        s += &format!("\"{} {i}\",ur,,1\n", ur_bad[i % 3]);
        s += &format!("\"{} {i}\",ur,,0\n", ur_ok[i % 3]);
    }
    for i in 0..10 {
        s += &format!("\"idiot, i will hurt you {i}\",both,1,1\n");
        s += &format!("\"lovely day in lahore {i}\",both,0,0\n");
    }
    let p = dir.join("pooled.csv");
    std::fs::write(&p, s).unwrap();
    p
}

/// The pooled file and a model of its two heads trained on it.
fn trained(dir: &Path) -> (PathBuf, PathBuf) {
    let data = pooled(dir);
    let model = dir.join("m.gavel");
    util::gavel()
        .args(["-q", "train", "--labels", "abusive,aggressive", "--data"])
        .arg(&data)
        .arg("-o")
        .arg(&model)
        .assert()
        .success();
    (data, model)
}

fn json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

#[test]
fn empty_cells_are_unlabelled_rows_of_that_head() {
    let dir = tempfile::tempdir().unwrap();
    let (data, model) = trained(dir.path());
    // the model records how many rows each head learned from
    let out = util::gavel()
        .args(["inspect", "--json"])
        .arg(&model)
        .output()
        .unwrap();
    let info: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        info["training"]["head_rows"],
        serde_json::json!([["abusive", 80], ["aggressive", 80]])
    );
    // each head is evaluated on its labelled rows only, and per source
    let rep = dir.path().join("rep");
    util::gavel()
        .args(["-q", "eval", "--by", "source", "--model"])
        .arg(&model)
        .arg("--data")
        .arg(&data)
        .arg("--out")
        .arg(&rep)
        .assert()
        .success();
    let r = json(&rep.join("report.json"));
    assert_eq!(r["rows"], 140);
    let abusive = &r["heads"][0];
    assert_eq!(abusive["rows"], 80);
    let groups: Vec<(String, u64)> = abusive["by_group"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["value"].as_str().unwrap().to_string(),
                g["rows"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(groups, [("both".to_string(), 20), ("en".to_string(), 60)]);
    assert_eq!(r["heads"][1]["by_group"]["groups"][1]["value"], "ur");
    let md = std::fs::read_to_string(rep.join("report.md")).unwrap();
    assert!(md.contains("By source:"), "{md}");
    // a row without any label is an error at its line, or left out and counted
    std::fs::write(
        dir.path().join("bad.csv"),
        "text,abusive,aggressive\nyou idiot,1,0\nhello,,\n",
    )
    .unwrap();
    util::gavel()
        .args(["-q", "train", "--labels", "abusive,aggressive", "--data"])
        .arg(dir.path().join("bad.csv"))
        .arg("-o")
        .arg(dir.path().join("bad.gavel"))
        .assert()
        .failure()
        .stderr(
            predicates::str::contains("bad.csv:3")
                .and(predicates::str::contains("every label cell is empty")),
        );
    // a head with no labelled row at all cannot be trained
    let none: String = (0..10)
        .map(|i| format!("you idiot {i},1,\nhello {i},0,\n"))
        .collect();
    std::fs::write(
        dir.path().join("none.csv"),
        format!("text,abusive,aggressive\n{none}"),
    )
    .unwrap();
    util::gavel()
        .args(["-q", "train", "--labels", "abusive,aggressive", "--data"])
        .arg(dir.path().join("none.csv"))
        .arg("-o")
        .arg(dir.path().join("none.gavel"))
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "'aggressive' is empty in every row",
        ));
}

use predicates::prelude::*;

/// Leave one source out: each source is tested by a model that never saw it.
#[test]
fn cv_leaves_one_group_out() {
    let dir = tempfile::tempdir().unwrap();
    let data = pooled(dir.path());
    let rep = dir.path().join("cv");
    util::gavel()
        .args([
            "-q",
            "cv",
            "--labels",
            "abusive",
            "--group",
            "source",
            "--on-error",
            "skip",
            "--data",
        ])
        .arg(&data)
        .arg("--out")
        .arg(&rep)
        .assert()
        .success();
    let r = json(&rep.join("report.json"));
    assert_eq!(
        r["folds"], 2,
        "the two sources with abusive labels: both, en"
    );
    let g = &r["pooled"]["heads"][0]["by_group"];
    assert_eq!(g["column"], "source");
    let values: Vec<&str> = g["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["value"].as_str().unwrap())
        .collect();
    assert_eq!(values, ["both", "en"]);
    // k folds, reported per source as well
    let by = dir.path().join("cvby");
    util::gavel()
        .args([
            "-q",
            "cv",
            "--labels",
            "abusive,aggressive",
            "--folds",
            "2",
            "--by",
            "source",
            "--data",
        ])
        .arg(&data)
        .arg("--out")
        .arg(&by)
        .assert()
        .success();
    let r = json(&by.join("report.json"));
    assert_eq!(r["folds"], 2);
    let values = |h: usize| -> Vec<String> {
        r["pooled"]["heads"][h]["by_group"]["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["value"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(values(0), ["both", "en"]);
    assert_eq!(values(1), ["both", "ur"]);
    // one group only: nothing to train on when it is left out
    std::fs::write(
        dir.path().join("one.csv"),
        "text,source,y\na b,s,1\nc d,s,0\n",
    )
    .unwrap();
    util::gavel()
        .args(["-q", "cv", "--label", "y", "--group", "source", "--data"])
        .arg(dir.path().join("one.csv"))
        .arg("--out")
        .arg(dir.path().join("cv1"))
        .assert()
        .failure()
        .stderr(predicates::str::contains("one value only"));
}

/// A multi-label model is evaluated on the label columns a file has (a set labelled for one
/// output); a file with none of them is refused naming the column; a policy can be suggested
/// for some outputs only, its effect counted over every row.
#[test]
fn eval_reads_the_label_columns_a_file_has() {
    let dir = tempfile::tempdir().unwrap();
    let (data, model) = trained(dir.path());
    let only = dir.path().join("only.csv");
    std::fs::write(
        &only,
        "text,abusive\nyou are an idiot,1\nthank you for the report,0\nshut up moron,1\n\
         good analysis,0\n",
    )
    .unwrap();
    let rep = dir.path().join("rep");
    util::gavel()
        .args(["-q", "eval", "--format", "json", "--model"])
        .arg(&model)
        .arg("--data")
        .arg(&only)
        .arg("--out")
        .arg(&rep)
        .assert()
        .success();
    let r = json(&rep.join("report.json"));
    let heads = r["heads"].as_array().unwrap();
    assert_eq!(heads.len(), 1, "{r}");
    assert_eq!(heads[0]["name"], "abusive");
    assert_eq!(heads[0]["rows"], 4);
    // neither column: the error names the first
    let neither = dir.path().join("neither.csv");
    std::fs::write(&neither, "text,label\nhello,1\n").unwrap();
    util::gavel()
        .args(["-q", "eval", "--model"])
        .arg(&model)
        .arg("--data")
        .arg(&neither)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("missing column 'abusive'"));
    // a policy on p_abusive alone, counted over all 140 rows of the pooled file
    let policy = dir.path().join("p.toml");
    util::gavel()
        .args(["-q", "eval", "--suggest-outputs", "p_abusive", "--model"])
        .arg(&model)
        .arg("--data")
        .arg(&data)
        .arg("--suggest-policy")
        .arg(&policy)
        .arg("--out")
        .arg(dir.path().join("rep2"))
        .assert()
        .success();
    let toml = std::fs::read_to_string(&policy).unwrap();
    assert!(toml.contains("(140 rows)"), "{toml}");
    assert!(!toml.contains("output = \"p_aggressive\""), "{toml}");
    assert!(toml.contains("output = \"p_abusive\""), "{toml}");
    util::gavel()
        .args(["-q", "eval", "--suggest-outputs", "p_nope", "--model"])
        .arg(&model)
        .arg("--data")
        .arg(&data)
        .arg("--suggest-policy")
        .arg(dir.path().join("q.toml"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no binary head writes 'p_nope'"));
}

/// `--sources COLUMN`: the model records the column and the power, and scores as a model
/// without intercepts of its own (the same columns, probabilities for any comment); a source
/// column that is not there, a target column beside it, --source-power without it and a
/// power outside 0..1 are refused and write no model.
#[test]
fn sources_fit_and_record_their_column_and_refuse_what_they_cannot_do() {
    let dir = tempfile::tempdir().unwrap();
    let data = pooled(dir.path());
    let model = dir.path().join("s.gavel");
    let train = |extra: &[&str]| train_pooled(&data, extra, &model);
    train(&["--sources", "source", "--source-power", "0.5"]).success();
    let out = util::gavel()
        .args(["inspect", "--json"])
        .arg(&model)
        .assert()
        .success();
    let info: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(info["training"]["sources"], "source");
    assert_eq!(info["training"]["params"]["sources"]["power"], 0.5);
    let rows = score(&model, &data, &dir.path().join("scored.csv"));
    assert_eq!(
        rows.lines().count(),
        std::fs::read_to_string(&data).unwrap().lines().count()
    );
    let first = rows.lines().nth(1).unwrap();
    assert!(first.starts_with("you are an idiot 0,"), "{first}");
    std::fs::remove_file(&model).unwrap();
    let err = |a: assert_cmd::assert::Assert| {
        String::from_utf8_lossy(&a.failure().get_output().stderr).to_string()
    };
    let e = err(train(&["--sources", "site"]));
    assert!(e.contains("site"), "{e}");
    let e = err(train(&["--source-power", "0.5"]));
    assert!(e.contains("--sources"), "{e}");
    let e = err(train(&["--sources", "source", "--source-power", "2"]));
    assert!(e.contains("from 0 to 1"), "{e}");
    let e = err(train(&["--sources", "source", "--target", "source"]));
    assert!(e.contains("without a target"), "{e}");
    assert!(!model.exists(), "a refused run writes no model");
}

/// `gavel train --labels abusive,aggressive` on `data` with `extra`, into `model`.
fn train_pooled(data: &Path, extra: &[&str], model: &Path) -> assert_cmd::assert::Assert {
    util::gavel()
        .args(["-q", "train", "--labels", "abusive,aggressive", "--data"])
        .arg(data)
        .args(extra)
        .arg("-o")
        .arg(model)
        .assert()
}

/// `gavel score` of `data` by `model` into `out`, and what it wrote.
fn score(model: &Path, data: &Path, out: &Path) -> String {
    util::gavel()
        .args(["-q", "score", "--model"])
        .arg(model)
        .arg(data)
        .arg("-o")
        .arg(out)
        .assert()
        .success();
    std::fs::read_to_string(out).unwrap()
}

/// The scored column `col` of a model `name` trained on `data` with `extra`.
fn scored_column(dir: &Path, data: &Path, name: &str, extra: &[&str], col: &str) -> Vec<String> {
    let model = dir.join(format!("{name}.gavel"));
    let scored = dir.join(format!("{name}.csv"));
    train_pooled(data, extra, &model).success();
    let text = score(&model, data, &scored);
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let i = header.iter().position(|h| *h == col).unwrap();
    // the texts hold no commas past the first column's quotes: take fields from the right
    lines
        .map(|l| {
            let f: Vec<&str> = l.rsplitn(header.len(), ',').collect();
            f[header.len() - 1 - i].to_string()
        })
        .collect()
}

/// What `inspect --json` says of `model`.
fn inspect_json(model: &Path) -> Value {
    let info = util::gavel()
        .args(["inspect", "--json"])
        .arg(model)
        .assert()
        .success();
    serde_json::from_slice(&info.get_output().stdout).unwrap()
}

/// `train` with `extra` fails saying `says`, and writes no model.
fn refused(dir: &Path, data: &Path, extra: &[&str], says: &str) {
    let model = dir.join("refused.gavel");
    let out = train_pooled(data, extra, &model).failure();
    let e = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(e.contains(says), "{extra:?}: {e}");
    assert!(!model.exists());
}

#[test]
fn source_heads_fit_by_source_only_the_heads_named() {
    let dir = tempfile::tempdir().unwrap();
    let data = pooled(dir.path());
    let scores =
        |name: &str, extra: &[&str], col: &str| scored_column(dir.path(), &data, name, extra, col);
    let partial = ["--sources", "source", "--source-heads", "aggressive"];
    let by_source = ["--sources", "source"];
    let plain_aggr = scores("plain", &[], "p_aggressive");
    let all_aggr = scores("all", &by_source, "p_aggressive");
    assert_ne!(
        plain_aggr, all_aggr,
        "--sources changes the aggressive head"
    );
    assert_eq!(scores("part", &partial, "p_aggressive"), all_aggr);
    assert_eq!(
        scores("part", &partial, "p_abusive"),
        scores("plain", &[], "p_abusive"),
        "a head not named is fitted as without --sources"
    );
    let info = inspect_json(&dir.path().join("part.gavel"));
    assert_eq!(
        info["training"]["params"]["sources"]["heads"],
        serde_json::json!(["aggressive"])
    );
    for (heads, says) in [
        ("hate", "not one of --labels"),
        ("aggressive,aggressive", "twice"),
    ] {
        refused(
            dir.path(),
            &data,
            &["--sources", "source", "--source-heads", heads],
            says,
        );
    }
}

#[test]
fn nb_scaling_changes_the_heads_named_and_only_those() {
    let dir = tempfile::tempdir().unwrap();
    let data = pooled(dir.path());
    let scores =
        |name: &str, extra: &[&str], col: &str| scored_column(dir.path(), &data, name, extra, col);
    let all = ["--nb-power", "0.5"];
    let part = ["--nb-power", "0.5", "--nb-heads", "aggressive"];
    let plain_aggr = scores("plain", &[], "p_aggressive");
    let all_aggr = scores("all", &all, "p_aggressive");
    assert_ne!(
        plain_aggr, all_aggr,
        "--nb-power changes the aggressive head"
    );
    assert_ne!(
        scores("all", &all, "p_abusive"),
        scores("plain", &[], "p_abusive"),
        "and, without --nb-heads, the abusive head"
    );
    assert_eq!(scores("part", &part, "p_aggressive"), all_aggr);
    assert_eq!(
        scores("part", &part, "p_abusive"),
        scores("plain", &[], "p_abusive"),
        "a head not named is fitted on the plain columns"
    );
    let info = inspect_json(&dir.path().join("part.gavel"));
    assert_eq!(
        info["training"]["params"]["nb"],
        serde_json::json!({"power": 0.5, "heads": ["aggressive"]})
    );
    assert!(
        inspect_json(&dir.path().join("plain.gavel"))["training"]["params"]
            .get("nb")
            .is_none()
    );
    // a head with its own power is fitted as with that --nb-power, the others at --nb-power
    let own = ["--nb-power", "0.5", "--nb-heads", "abusive=0.25,aggressive"];
    let quarter = ["--nb-power", "0.25", "--nb-heads", "abusive"];
    assert_eq!(
        scores("own", &own, "p_abusive"),
        scores("quarter", &quarter, "p_abusive")
    );
    assert_ne!(
        scores("own", &own, "p_abusive"),
        scores("all", &all, "p_abusive"),
        "the head's own power, not --nb-power"
    );
    assert_eq!(scores("own", &own, "p_aggressive"), all_aggr);
    assert_eq!(
        inspect_json(&dir.path().join("own.gavel"))["training"]["params"]["nb"],
        serde_json::json!({"power": 0.5, "heads": ["abusive", "aggressive"],
            "powers": [["abusive", 0.25]]})
    );
    for (extra, says) in [
        (
            &["--nb-power", "0.5", "--nb-heads", "abusive=x"][..],
            "not a number",
        ),
        (
            &["--nb-power", "0.5", "--nb-heads", "abusive=3"],
            "at most 2",
        ),
        (
            &["--nb-power", "0.5", "--nb-heads", "hate=0.5"],
            "not one of --labels",
        ),
        (&["--nb-power", "0"], "above 0"),
        (&["--nb-power", "2.5"], "at most 2"),
        (
            &["--nb-power", "0.5", "--nb-heads", "hate"],
            "not one of --labels",
        ),
        (&["--nb-heads", "aggressive"], "--nb-power"),
    ] {
        refused(dir.path(), &data, extra, says);
    }
}
