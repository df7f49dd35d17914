//! Quality floors on the real data (GAVEL_DATA_DIR): gavel against the scikit-learn figures
//! that bench/anchors.py measured on the same fixed-seed splits (bench/anchors.json). Run by
//! the skip-aware harness (`util::run_cases`): without the data each case says `skipped`.

mod util;
use util::*;

fn anchors() -> serde_json::Value {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/anchors.json");
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

/// Splits (like anchors.py), trains with defaults, evaluates; returns the report's head.
fn run(
    data: &std::path::Path,
    name: &str,
    file: &str,
    test: Option<&str>,
    ext: &str,
    args: &[&str],
    stratify: &str,
) -> serde_json::Value {
    let d = tempfile::tempdir().unwrap();
    let src = data.join(file);
    let (tr, te) = match test {
        Some(t) => (src.clone(), data.join(t)),
        None => {
            let (tr, te) = (
                d.path().join(format!("tr.{ext}")),
                d.path().join(format!("te.{ext}")),
            );
            util::split(&src, stratify, 42, &tr, &te);
            (tr, te)
        }
    };
    let a = anchors();
    let want = a[name]["test_sha256"].as_str().unwrap();
    assert_eq!(
        gavel::dataset::sha256_file(&te).unwrap(),
        want,
        "{name}: not the split the anchors used"
    );
    let m = d.path().join("m.gavel");
    gavel()
        .arg("-q")
        .arg("train")
        .args(args)
        .arg("--data")
        .arg(&tr)
        .arg("-o")
        .arg(&m)
        .assert()
        .success();
    eval_report(&m, &te, &d.path().join("rep"))["heads"][0].clone()
}

fn at_least(name: &str, metric: &str, got: &serde_json::Value, slack: f64) {
    let sk = anchors()[name]["sklearn"][metric].as_f64().unwrap();
    let g = got[metric].as_f64().unwrap();
    println!("{name} {metric}: gavel {g:.4}, scikit-learn {sk:.4}");
    assert!(
        g >= sk - slack,
        "{name} {metric}: gavel {g:.4} below scikit-learn {sk:.4}"
    );
}

fn olid_level_a() -> Result<(), Skip> {
    let d = data_dir()?;
    let h = run(
        &d,
        "olid_a",
        "olid/olid-training-v1.0.tsv",
        None,
        "tsv",
        &["--text", "tweet", "--label", "subtask_a"],
        "subtask_a",
    );
    at_least("olid_a", "macro_f1", &h, 0.0);
    at_least("olid_a", "roc_auc", &h, 0.0);
    Ok(())
}

fn kaggle_insults() -> Result<(), Skip> {
    let d = data_dir()?;
    let h = run(
        &d,
        "kaggle_insults",
        "kaggle_insults/train.csv",
        Some("kaggle_insults/test_with_solutions.csv"),
        "csv",
        &["--text", "Comment", "--label", "Insult"],
        "",
    );
    at_least("kaggle_insults", "macro_f1", &h, 0.0);
    at_least("kaggle_insults", "roc_auc", &h, 0.0);
    Ok(())
}

fn davidson() -> Result<(), Skip> {
    let d = data_dir()?;
    let h = run(
        &d,
        "davidson2017",
        "davidson2017/labeled_data.csv",
        None,
        "csv",
        &["--text", "tweet", "--label", "class"],
        "class",
    );
    at_least("davidson2017", "weighted_f1", &h, 0.0);
    Ok(())
}

fn semeval_stance() -> Result<(), Skip> {
    let d = data_dir()?;
    let h = run(
        &d,
        "semeval2016_stance",
        "semeval2016_stance/train.utf8.tsv",
        None,
        "tsv",
        &["--text", "Tweet", "--label", "Stance", "--target", "Target"],
        "Target,Stance",
    );
    // scikit-learn's figure is its best of LogisticRegression and LinearSVC per target
    at_least("semeval2016_stance", "f_avg", &h, 0.0);
    Ok(())
}

fn main() {
    run_cases(&[
        ("olid_level_a", olid_level_a),
        ("kaggle_insults", kaggle_insults),
        ("davidson", davidson),
        ("semeval_stance", semeval_stance),
    ]);
}
