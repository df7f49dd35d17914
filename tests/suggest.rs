//! Labelling a new story's comments: `gavel suggest` picks the comments worth a label, a
//! moderator fills the label column in, and `gavel train --init` folds them into the model
//! in seconds.

mod util;

use std::path::Path;
use util::{csv_maps, gavel};

fn general_model(dir: &std::path::Path) -> std::path::PathBuf {
    util::general_model(dir, "text")
}

/// `gavel train --init base --data data -o out`, with a fixed training time.
fn fold_in(base: &Path, data: &Path, out: &Path) {
    gavel()
        .args(["-q", "train", "--init"])
        .arg(base)
        .arg("--data")
        .arg(data)
        .arg("-o")
        .arg(out)
        .env("SOURCE_DATE_EPOCH", "0")
        .assert()
        .success();
}

/// Unlabelled comments on a new story: varied ones, one comment pasted five times, and one
/// row a moderator has labelled already.
fn pool(dir: &std::path::Path) -> std::path::PathBuf {
    let mut s = String::from("id,text,stance\n");
    let said = [
        "the metro line will help everyone get to work",
        "the metro line is too expensive for this city",
        "I am not sure what to think about the metro line",
        "who is paying for the metro line anyway",
        "the metro line plan was announced on Monday",
        "good luck finding a seat on the metro line",
        "the council voted on the metro line yesterday",
        "traffic is terrible, we need the metro line",
    ];
    for (i, t) in said.iter().enumerate() {
        s += &format!("{i},\"{t}\",\n");
    }
    for i in 0..5 {
        s += &format!("p{i},the metro line might be good or might be bad,\n");
    }
    s += "done,the metro line is a great plan,FAVOR\n";
    // said the way the training rows were: the model is sure of these
    s += "c0,\"I fully support metro line, good plan\",\n";
    s += "c1,metro line is a disaster and a waste,\n";
    s += "c2,what time is the match tonight,\n";
    let p = dir.join("pool.csv");
    std::fs::write(&p, s).unwrap();
    p
}

#[test]
fn suggest_picks_uncertain_comments_once_each_with_an_empty_label_to_fill() {
    let dir = tempfile::tempdir().unwrap();
    let m = general_model(dir.path());
    let out = gavel()
        .args(["-q", "suggest", "--model"])
        .arg(&m)
        .arg("--data")
        .arg(pool(dir.path()))
        .args(["--target", "the metro line", "-n", "5"])
        .assert()
        .success();
    let rows = csv_maps(&out.get_output().stdout);
    assert_eq!(rows.len(), 5);
    let pasted = rows.iter().filter(|r| r["id"].starts_with('p')).count();
    assert!(pasted <= 1, "the pasted comment was picked {pasted} times");
    assert!(rows.iter().all(|r| r["id"] != "done"), "a labelled row");
    for r in &rows {
        assert_eq!(r["stance"], "", "the label is left to the moderator");
        assert_eq!(r["target"], "the metro line");
        // `row` is the input row, counted from 1 after the header
        let n: usize = r["row"].parse().unwrap();
        let id = &r["id"];
        let want = match id.strip_prefix('p') {
            Some(p) => 9 + p.parse::<usize>().unwrap(),
            None => 1 + id.parse::<usize>().unwrap(),
        };
        assert_eq!(n, want, "{r:?}");
    }
    let u: Vec<f64> = rows
        .iter()
        .map(|r| r["uncertainty"].parse().unwrap())
        .collect();
    assert!(u.iter().all(|&x| (0.0..=1.0).contains(&x)), "{u:?}");
    assert!(
        rows.iter().all(|r| !r["id"].starts_with('c')),
        "a comment the model is sure of: {rows:?}"
    );
}

#[test]
fn labelled_suggestions_fold_into_the_model_and_move_its_new_target() {
    let dir = tempfile::tempdir().unwrap();
    let m = general_model(dir.path());
    let labelled = dir.path().join("labelled.csv");
    let mut s = String::from("text,target,stance\n");
    for i in 0..6 {
        s += &format!("the metro line is ruinous {i},the metro line,AGAINST\n");
        s += &format!("the metro line is splendid {i},the metro line,FAVOR\n");
    }
    std::fs::write(&labelled, s).unwrap();
    let score = |model: &std::path::Path| {
        let out = gavel()
            .args(["-q", "score", "--model"])
            .arg(model)
            .write_stdin("text,target\nthe metro line is ruinous,the metro line\nthe new bridge is a disaster and a waste,the new bridge\n")
            .assert()
            .success();
        csv_maps(&out.get_output().stdout)
    };
    let adapted = dir.path().join("adapted.gavel");
    fold_in(&m, &labelled, &adapted);
    let (before, after) = (score(&m), score(&adapted));
    let p = |rows: &Vec<std::collections::HashMap<String, String>>, i: usize| -> f64 {
        rows[i]["p_AGAINST"].parse().unwrap()
    };
    assert!(p(&after, 0) > p(&before, 0) + 0.1, "{before:?} → {after:?}");
    assert_eq!(after[0]["pred_stance"], "AGAINST");
    assert_eq!(
        before[1], after[1],
        "a target without new rows keeps its scores"
    );

    // the record says where it came from; the same rows give the same bytes
    let out = gavel().arg("inspect").arg(&adapted).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.contains("adapted from"), "{text}");
    assert!(text.contains("the metro line"), "{text}");
    let again = dir.path().join("again.gavel");
    fold_in(&m, &labelled, &again);
    let third = dir.path().join("third.gavel");
    fold_in(&m, &labelled, &third);
    assert_eq!(
        std::fs::read(&again).unwrap(),
        std::fs::read(&third).unwrap()
    );
}

#[test]
fn folding_in_refuses_what_the_model_cannot_learn_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let m = general_model(dir.path());
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "text,target,stance\nfine words,the metro line,FAVOR\nodd words,the metro line,MAYBE\n",
    )
    .unwrap();
    let out = gavel()
        .args(["train", "--init"])
        .arg(&m)
        .arg("--data")
        .arg(&bad)
        .args(["-o"])
        .arg(dir.path().join("x.gavel"))
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("line 3") && err.contains("MAYBE"), "{err}");
    assert!(!dir.path().join("x.gavel").exists());

    // the model's settings are the model's: --init with a feature setting is refused
    gavel()
        .args(["train", "--init"])
        .arg(&m)
        .arg("--data")
        .arg(&bad)
        .args(["--bits", "18", "-o"])
        .arg(dir.path().join("x.gavel"))
        .assert()
        .failure();

    // suggest with --target over a file that names its own targets
    let own = dir.path().join("own.csv");
    std::fs::write(&own, "text,target\nsome words,the metro line\n").unwrap();
    let out = gavel()
        .args(["suggest", "--model"])
        .arg(&m)
        .arg("--data")
        .arg(&own)
        .args(["--target", "x"])
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("own target column 'target'"), "{err}");

    // an empty comment is named by line and column
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "text,target\nsome words,a\n\"  \",a\n").unwrap();
    let out = gavel()
        .args(["suggest", "--model"])
        .arg(&m)
        .arg("--data")
        .arg(&empty)
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("line 3") && err.contains("'text'"), "{err}");
}
