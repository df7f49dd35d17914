//! The general stance model from the command line: trained with `--targets general`, it scores
//! targets it never saw, explains them in the comment's own words, and is measured leave one
//! target out with `cv --group`.

mod util;

use util::{csv_maps, gavel, shipped};

fn train_general(dir: &std::path::Path) -> std::path::PathBuf {
    util::general_model(dir, "comment")
}

/// The words `gavel explain --json` gives for `text` on `target`, as the comment spells them.
fn explained_words(model: &std::path::Path, target: &str, text: &str) -> Vec<String> {
    let out = gavel()
        .args(["explain", "--model"])
        .arg(model)
        .args(["--target", target, "--json"])
        .arg(text)
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    json[0]["spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["text"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_story_published_this_morning_gets_a_stance() {
    let dir = tempfile::tempdir().unwrap();
    let m = train_general(dir.path());
    let input = "comment,target\n\
        \"I fully support the metro line, good plan\",the metro line\n\
        \"the metro line is a disaster and a waste\",the metro line\n\
        \"what time is the match tonight\",the metro line\n";
    let out = gavel()
        .args(["-q", "score", "--model"])
        .arg(&m)
        .write_stdin(input)
        .assert()
        .success();
    let rows = csv_maps(&out.get_output().stdout);
    let preds: Vec<&str> = rows.iter().map(|r| r["pred_stance"].as_str()).collect();
    assert_eq!(preds, ["FAVOR", "AGAINST", "NONE"]);
}

#[test]
fn explanations_name_the_words_of_the_comment_not_the_marker() {
    let dir = tempfile::tempdir().unwrap();
    let m = train_general(dir.path());
    let words = explained_words(&m, "the metro line", "the metro line is a disaster");
    assert!(words.iter().any(|w| w == "metro line"), "{words:?}");
    assert!(words.iter().any(|w| w == "disaster"), "{words:?}");
    assert!(!words.iter().any(|w| w.contains("xtargetx")), "{words:?}");
}

#[test]
fn leave_one_target_out_scores_the_left_out_target_with_the_general_head() {
    let dir = tempfile::tempdir().unwrap();
    let data = util::stories(dir.path(), "comment");
    let out = dir.path().join("cv");
    gavel()
        .args([
            "-q", "cv", "--text", "comment", "--target", "target", "--label", "stance",
        ])
        .args([
            "--targets",
            "general",
            "--group",
            "target",
            "--format",
            "json",
            "--data",
        ])
        .arg(&data)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let rep: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    let by_target = rep["pooled"]["heads"][0]["by_target"].as_array().unwrap();
    assert_eq!(by_target.len(), 2);
    for t in by_target {
        assert!(t["f_avg"].as_f64().unwrap() > 0.9, "{t}");
    }
}

#[test]
fn the_shipped_general_model_scores_the_demo_targets_it_never_saw() {
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo_comments.csv");
    let out = gavel()
        .args(["-q", "score", "--model"])
        .arg(shipped("stance.gavel"))
        .args(["--text", "comment", "--keep", "id,target"])
        .arg(&demo)
        .assert()
        .success();
    let rows = csv_maps(&out.get_output().stdout);
    assert_eq!(
        rows.len(),
        300,
        "every row, none refused as an unknown target"
    );
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r["id"], (i + 1).to_string(), "rows in order");
        assert!(["FAVOR", "AGAINST", "NONE"].contains(&r["pred_stance"].as_str()));
    }
}

/// The shipped model is the README's recipe: each set's targets fitted jointly by the
/// `joint` column, the targets with heads of their own reading comments plain.
#[test]
fn the_shipped_general_model_is_the_readmes_recipe() {
    let out = gavel()
        .args(["inspect", "--json"])
        .arg(shipped("stance.gavel"))
        .assert()
        .success();
    let info: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(info["training"]["params"]["targets"], "general");
    assert_eq!(info["training"]["joint_by"], "joint");
    let target = &info["spec"]["target"];
    let plain = target["plain"].as_array().unwrap();
    assert_eq!(
        plain.len(),
        13,
        "SemEval's 5, P-Stance's 3, COVID-19's 4, VAST's 1"
    );
    assert!(plain.contains(&serde_json::json!("Donald Trump")));
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(readme.contains("--plain-own-heads --joint-by joint"));
}

/// `--joint-by COLUMN`: each value's targets get a joint fit of their own, recorded in the
/// model; a column that is not there, or a flag that would change nothing, is refused.
#[test]
fn joint_by_fits_each_sources_targets_together_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let data = util::stories(dir.path(), "comment");
    let train = |extra: &[&str]| {
        let mut c = gavel();
        c.args([
            "-q", "train", "--text", "comment", "--label", "stance", "--data",
        ])
        .arg(&data)
        .args(extra)
        .arg("-o")
        .arg(dir.path().join("m.gavel"));
        c.assert()
    };
    let general = [
        "--target",
        "target",
        "--targets",
        "general",
        "--joint-by",
        "target",
    ];
    train(&general).success();
    let inspect = |m: &std::path::Path| -> serde_json::Value {
        let out = gavel()
            .args(["inspect", "--json"])
            .arg(m)
            .assert()
            .success();
        serde_json::from_slice(&out.get_output().stdout).unwrap()
    };
    let info = inspect(&dir.path().join("m.gavel"));
    assert_eq!(info["training"]["joint_by"], "target");
    assert!(info["training"]["params"].get("part_c").is_none());
    std::fs::remove_file(dir.path().join("m.gavel")).unwrap();
    // a part's own C is recorded; one that names no part, or is no C, is refused
    train(&[&general[..], &["--joint-c", "the dam project=1"]].concat()).success();
    let info = inspect(&dir.path().join("m.gavel"));
    assert_eq!(
        info["training"]["params"]["part_c"],
        serde_json::json!([["the dam project", 1.0]])
    );
    std::fs::remove_file(dir.path().join("m.gavel")).unwrap();
    let err = |a: assert_cmd::assert::Assert| {
        String::from_utf8_lossy(&a.failure().get_output().stderr).to_string()
    };
    let e = err(train(&["--target", "target", "--joint-by", "source"]));
    assert!(e.contains("source"), "{e}");
    let e = err(train(&["--joint-by", "target"]));
    assert!(e.contains("needs --target"), "{e}");
    let e = err(train(&[
        "--target",
        "target",
        "--targets",
        "separate",
        "--joint-by",
        "target",
    ]));
    assert!(e.contains("--targets separate"), "{e}");
    for (bad, says) in [
        ("the pier=1", "no value of the --joint-by column"),
        ("the dam project", "expected PART=C"),
        ("the dam project=0", "C must be from"),
    ] {
        let e = err(train(&[&general[..], &["--joint-c", bad]].concat()));
        assert!(e.contains(says), "{bad}: {e}");
    }
    assert!(
        !dir.path().join("m.gavel").exists(),
        "a refused run writes no model"
    );
}

/// `--plain-own-heads`: explanations of a target with its own head show the comment's words
/// as written (no mark, no "target not named"); the flag needs `--targets general`.
#[test]
fn plain_own_heads_explain_the_comment_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let data = util::stories(dir.path(), "comment");
    let m = dir.path().join("plain.gavel");
    gavel()
        .args([
            "-q", "train", "--text", "comment", "--label", "stance", "--target", "target",
        ])
        .args(["--targets", "general", "--plain-own-heads", "--data"])
        .arg(&data)
        .arg("-o")
        .arg(&m)
        .assert()
        .success();
    let words = explained_words(&m, "the dam project", "what a disaster");
    assert!(words.iter().any(|w| w == "disaster"), "{words:?}");
    assert!(!words.iter().any(|w| w.contains("target")), "{words:?}");
    let refused = gavel()
        .args([
            "-q", "train", "--text", "comment", "--label", "stance", "--target", "target",
        ])
        .args(["--plain-own-heads", "--data"])
        .arg(&data)
        .arg("-o")
        .arg(dir.path().join("x.gavel"))
        .assert()
        .failure();
    let e = String::from_utf8_lossy(&refused.get_output().stderr).to_string();
    assert!(e.contains("--targets general"), "{e}");
}
