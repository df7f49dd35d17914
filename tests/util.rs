//! Shared helpers of the integration tests: a temp dir, the binary, a small labelled set.
#![allow(dead_code)] // each test binary uses part of the helpers

use assert_cmd::Command;
use std::path::{Path, PathBuf};

pub fn gavel() -> Command {
    assert_cmd::cargo::cargo_bin_cmd!("gavel")
}

/// A labelled CSV written for the tests: insults and polite comments, enough to learn from.
pub fn toy_csv(dir: &Path) -> PathBuf {
    let mut s = String::from("id,comment,insult\n");
    let bad = [
        "you are an idiot",
        "shut up moron",
        "what a stupid fool",
        "pathetic loser idiot",
    ];
    let good = [
        "thank you for the report",
        "peace talks are welcome",
        "i disagree politely",
        "good analysis of the talks",
    ];
    for i in 0..40 {
        s += &format!("{},\"{} {}\",1\n", 2 * i, bad[i % 4], i);
        s += &format!("{},\"{} {}\",0\n", 2 * i + 1, good[i % 4], i);
    }
    let p = dir.join("toy.csv");
    std::fs::write(&p, s).unwrap();
    p
}

/// Trains a model on [`toy_csv`] in `dir` (insult, class column) and returns its path.
pub fn trained(dir: &Path) -> PathBuf {
    let data = toy_csv(dir);
    let m = dir.join("toy.gavel");
    gavel()
        .args([
            "-q", "train", "--text", "comment", "--label", "insult", "--data",
        ])
        .arg(&data)
        .arg("-o")
        .arg(&m)
        .assert()
        .success();
    m
}

/// The rows of CSV `bytes`, each as header → value.
pub fn csv_maps(bytes: &[u8]) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_reader(bytes);
    let h = r.headers().unwrap().clone();
    r.records()
        .map(|x| {
            let x = x.unwrap();
            h.iter()
                .map(String::from)
                .zip(x.iter().map(String::from))
                .collect()
        })
        .collect()
}

/// Runs `gavel eval` of `model` on `data` into `out` and returns the parsed report.json.
pub fn eval_report(model: &Path, data: &Path, out: &Path) -> serde_json::Value {
    gavel()
        .args(["-q", "eval", "--model"])
        .arg(model)
        .arg("--data")
        .arg(data)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
    serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap()
}

pub fn data_dir() -> Option<PathBuf> {
    let d = std::env::var("GAVEL_DATA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    if d.is_dir() {
        Some(d)
    } else if std::env::var("CI").as_deref() == Ok("true") {
        panic!("no data at {} (CI always has it)", d.display());
    } else {
        println!("skipped: no data at {}", d.display());
        None
    }
}
