//! Shared helpers of the integration tests: a temp dir, the binary, a small labelled set.
#![allow(dead_code)] // each test binary uses part of the helpers

use assert_cmd::Command;
use std::path::{Path, PathBuf};

pub fn gavel() -> Command {
    assert_cmd::cargo::cargo_bin_cmd!("gavel")
}

/// A shipped file of `models/`.
pub fn shipped(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("models")
        .join(name)
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

/// Comments on two story subjects, 120 rows each, in the same three ways of speaking (FAVOR,
/// AGAINST, NONE), with the text in column `text_col`; written to `dir/stories.csv`.
pub fn stories(dir: &Path, text_col: &str) -> PathBuf {
    let mut s = format!("{text_col},target,stance\n");
    for target in ["the dam project", "the new bridge"] {
        let name = target.trim_start_matches("the ");
        for i in 0..120 {
            let (text, stance) = match i % 3 {
                0 => (format!("I fully support {name}, good plan {i}"), "FAVOR"),
                1 => (format!("{name} is a disaster and a waste {i}"), "AGAINST"),
                _ => (format!("what time is the match tonight {i}"), "NONE"),
            };
            s += &format!("\"{text}\",{target},{stance}\n");
        }
    }
    let p = dir.join("stories.csv");
    std::fs::write(&p, s).unwrap();
    p
}

/// A general stance model (`--targets general`) trained on [`stories`] in `dir`.
pub fn general_model(dir: &Path, text_col: &str) -> PathBuf {
    let m = dir.join("general.gavel");
    gavel()
        .args(["-q", "train", "--text", text_col, "--target", "target"])
        .args(["--label", "stance", "--targets", "general", "--data"])
        .arg(stories(dir, text_col))
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

/// `gavel split` of `src` into `tr` and `te`: 20% held out, stratified by column `stratify`.
pub fn split(src: &Path, stratify: &str, seed: u64, tr: &Path, te: &Path) {
    gavel()
        .args(["-q", "split", "--test", "0.2", "--seed", &seed.to_string()])
        .args(["--stratify", stratify, "--data"])
        .arg(src)
        .arg("--train-out")
        .arg(tr)
        .arg("--test-out")
        .arg(te)
        .assert()
        .success();
}

/// The labelled data (`GAVEL_DATA_DIR`, default `../shared/data`), or why a test skips:
/// outside CI a missing folder skips the test; under `CI=true` it fails it.
pub fn data_dir() -> Result<PathBuf, Skip> {
    let d = std::env::var("GAVEL_DATA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    if d.is_dir() {
        Ok(d)
    } else if std::env::var("CI").as_deref() == Ok("true") {
        panic!("no data at {} (CI always has it)", d.display());
    } else {
        Err(Skip(format!("no data at {}", d.display())))
    }
}

/// Why a test did not run: what the machine lacks.
pub struct Skip(pub String);

/// A test of a binary built with `harness = false`: it passes, skips with a reason, or panics.
pub type Case = (&'static str, fn() -> Result<(), Skip>);

/// The harness of the tests that need what a machine may lack (the labelled data, Chromium):
/// runs each case (or those whose name contains a filter given on the command line), prints a
/// line per case as libtest does, and a summary that counts the skipped ones and says why, so
/// a run without the data does not read as a run that checked it. Exits 101 when one fails.
pub fn run_cases(cases: &[Case]) {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let (mut passed, mut failed, mut skipped) = (0, 0, Vec::new());
    for (name, case) in cases {
        if !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        match std::panic::catch_unwind(case) {
            Ok(Ok(())) => {
                println!("test {name} ... ok");
                passed += 1;
            }
            Ok(Err(Skip(why))) => {
                println!("test {name} ... skipped: {why}");
                skipped.push(why);
            }
            Err(_) => {
                println!("test {name} ... FAILED");
                failed += 1;
            }
        }
    }
    let n_skipped = skipped.len();
    skipped.dedup();
    let why = match skipped.is_empty() {
        true => String::new(),
        false => format!(" ({})", skipped.join("; ")),
    };
    println!(
        "\ntest result: {}. {passed} passed; {failed} failed; {n_skipped} skipped{why}\n",
        if failed == 0 { "ok" } else { "FAILED" },
    );
    if failed > 0 {
        std::process::exit(101);
    }
}
