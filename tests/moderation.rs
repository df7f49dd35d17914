//! Decisions a moderator relies on: the shipped abuse model under the shipped policy, the
//! reasons and explanations it gives, and suggested policies.

mod util;
use std::path::Path;
use util::*;

fn shipped(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("models")
        .join(name)
}

/// Scores `csv` with the shipped model and policy; returns the rows as header → value maps.
fn moderate(
    dir: &Path,
    csv: &str,
    extra: &[&str],
) -> Vec<std::collections::HashMap<String, String>> {
    let input = dir.join("in.csv");
    std::fs::write(&input, csv).unwrap();
    let out = gavel()
        .args(["-q", "score", "--model"])
        .arg(shipped("abuse.gavel"))
        .arg("--policy")
        .arg(shipped("policy.toml"))
        .args(extra)
        .arg(&input)
        .assert()
        .success();
    let mut r = csv::Reader::from_reader(&out.get_output().stdout[..]);
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

#[test]
fn shipped_policy_rejects_abuse_and_approves_polite_disagreement() {
    let d = tempfile::tempdir().unwrap();
    let rows = moderate(
        d.path(),
        "id,text\n\
         1,\"You are a stupid idiot, shut up you moron.\"\n\
         2,\"I respectfully disagree with the article: the talks deserve more time.\"\n\
         3,\"Pakistani and American officials met again in Doha today.\"\n",
        &["--explain", "3"],
    );
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["decision"], "reject", "{:?}", rows[0]);
    assert!(rows[0]["reason"].starts_with("p_abusive "), "{:?}", rows[0]);
    // the explanation names the words that drove the score
    let why = &rows[0]["explain"];
    assert!(
        why.starts_with("p_abusive: ")
            && ["idiot", "stupid", "moron"].iter().any(|w| why.contains(w)),
        "{why}"
    );
    for r in &rows[1..] {
        assert_eq!(r["decision"], "approve", "{r:?}");
        assert_eq!(r["reason"], "");
        assert_eq!(r["explain"], "", "approved rows are not explained");
    }
    assert_eq!(
        rows.iter().map(|r| r["id"].as_str()).collect::<Vec<_>>(),
        ["1", "2", "3"]
    );
}

#[test]
fn a_policy_naming_an_unknown_output_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("p.toml");
    std::fs::write(
        &p,
        "[[rule]]\noutput = \"p_toxic\"\nat_least = 0.5\naction = \"reject\"\n",
    )
    .unwrap();
    gavel()
        .args(["score", "--model"])
        .arg(shipped("abuse.gavel"))
        .arg("--policy")
        .arg(&p)
        .arg(shipped("../data/sample_comments.csv"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "rule 1: the model has no output 'p_toxic'",
        ));
}

/// `eval --suggest-policy` writes a policy that `score --policy` reads, and on the evaluated
/// rows the rejected ones reach the asked precision.
#[test]
fn suggested_policy_reaches_its_precision_on_the_data() {
    let d = tempfile::tempdir().unwrap();
    let data = toy_csv(d.path());
    let m = d.path().join("toy.gavel");
    gavel()
        .args([
            "-q", "train", "--text", "comment", "--label", "insult", "--data",
        ])
        .arg(&data)
        .arg("-o")
        .arg(&m)
        .assert()
        .success();
    let pol = d.path().join("policy.toml");
    gavel()
        .args(["-q", "eval", "--model"])
        .arg(&m)
        .arg("--data")
        .arg(&data)
        .arg("--suggest-policy")
        .arg(&pol)
        .args(["--reject-precision", "0.95", "--format", "json", "--out"])
        .arg(d.path().join("rep"))
        .assert()
        .success();
    let text = std::fs::read_to_string(&pol).unwrap();
    assert!(text.contains("action = \"reject\""), "{text}");
    let out = gavel()
        .args(["-q", "score", "--model"])
        .arg(&m)
        .arg("--policy")
        .arg(&pol)
        .arg(&data)
        .assert()
        .success();
    let mut r = csv::Reader::from_reader(&out.get_output().stdout[..]);
    let (mut rejected, mut right) = (0, 0);
    for rec in r.records() {
        let rec = rec.unwrap();
        if &rec[5] == "reject" {
            rejected += 1;
            right += (&rec[2] == "1") as usize;
        }
    }
    assert!(
        rejected > 0 && right as f64 >= 0.95 * rejected as f64,
        "{right}/{rejected}"
    );
}
