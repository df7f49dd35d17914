//! Decisions a moderator relies on: the shipped abuse model under the shipped policy, the
//! reasons and explanations it gives, and suggested policies.

mod util;
use std::path::Path;
use util::*;

use util::shipped;

type Row = std::collections::HashMap<String, String>;

/// Scores `csv` with the shipped model and policy; returns the rows as header → value maps.
fn moderate(dir: &Path, csv: &str, extra: &[&str]) -> Vec<Row> {
    moderate_with(dir, csv, &shipped("policy.toml"), extra)
}

/// [`moderate`] under the policy `policy`.
fn moderate_with(dir: &Path, csv: &str, policy: &Path, extra: &[&str]) -> Vec<Row> {
    let input = dir.join("in.csv");
    std::fs::write(&input, csv).unwrap();
    let out = gavel()
        .args(["-q", "score", "--model"])
        .arg(shipped("abuse.gavel"))
        .arg("--policy")
        .arg(policy)
        .args(extra)
        .arg(&input)
        .assert()
        .success();
    csv_maps(&out.get_output().stdout)
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
    let m = trained(d.path());
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

/// `gavel explain --json`: each head's intercept plus its columns' contributions is its
/// logit, the calibrated logit gives the probability `score` writes, and the insult leads.
#[test]
fn explanation_contributions_sum_to_the_logit_and_give_the_score() {
    let text = "shut up you stupid idiot";
    let out = gavel()
        .args(["explain", "--json", "--model"])
        .arg(shipped("abuse.gavel"))
        .arg(text)
        .assert()
        .success();
    let heads: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let h = &heads[0];
    let sum: f64 = h["bias"][0].as_f64().unwrap()
        + h["drivers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["contribution"][0].as_f64().unwrap())
            .sum::<f64>();
    let logit = h["logits"][0].as_f64().unwrap();
    assert!((sum - logit).abs() < 1e-9, "{sum} vs {logit}");
    let (a, b) = (
        h["calibration"]["a"].as_f64().unwrap(),
        h["calibration"]["b"].as_f64().unwrap(),
    );
    let p = 1.0 / (1.0 + (-(a * logit + b)).exp());
    assert!((p - h["probs"][0].as_f64().unwrap()).abs() < 1e-9);
    // the same probability as batch scoring writes (6 decimals)
    let d = tempfile::tempdir().unwrap();
    let input = d.path().join("one.csv");
    std::fs::write(&input, format!("text\n{text}\n")).unwrap();
    let scored = gavel()
        .args(["-q", "score", "--model"])
        .arg(shipped("abuse.gavel"))
        .arg(&input)
        .assert()
        .success();
    let line = String::from_utf8(scored.get_output().stdout.clone()).unwrap();
    // the p_abusive column of the one row
    let line = line.replace("\r", "");
    let mut lines = line.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = header.iter().position(|c| *c == "p_abusive").unwrap();
    let written: f64 = lines
        .next()
        .unwrap()
        .split(',')
        .nth(col)
        .unwrap()
        .parse()
        .unwrap();
    assert!((written - p).abs() < 1e-5, "{written} vs {p}");
    let top = h["drivers"][0]["grams"].to_string();
    assert!(
        ["idiot", "stupid", "shut"].iter().any(|w| top.contains(w)),
        "{top}"
    );
}

/// `gavel inspect --json` names the strongest columns by their training n-grams.
#[test]
fn inspect_names_the_strongest_ngrams() {
    let out = gavel()
        .args(["inspect", "--json", "--top", "20"])
        .arg(shipped("abuse.gavel"))
        .assert()
        .success();
    let m: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(m["outputs"][0], "p_abusive");
    assert!(m["named_columns"].as_u64().unwrap() > 1000);
    let up = m["heads"][0]["outputs"][0]["up"].as_array().unwrap();
    assert_eq!(up.len(), 20);
    assert!(up
        .iter()
        .all(|w| !w["grams"].as_array().unwrap().is_empty()));
    assert!(m["heads"][0]["calibration"]["a"].as_f64().unwrap() > 0.0);
    gavel()
        .args(["inspect"])
        .arg(shipped("abuse.gavel"))
        .assert()
        .success()
        .stdout(predicates::str::contains("strongest n-grams"));
}

/// With the comments' articles, `on_topic` is written per row and a policy routes off-topic
/// comments to review, saying so; a row whose article is unknown is an error with its place.
#[test]
fn off_topic_comments_go_to_review_with_the_reason() {
    let d = tempfile::tempdir().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let rows = moderate_with(
        d.path(),
        "id,article,text\n\
         1,sindh-floods,\"Relief camps in Badin still have no tents or clean water for the flood victims.\"\n\
         2,sindh-floods,\"Cheap followers and likes, instant delivery, message me now\"\n\
         3,haqqani-talks,\"Access to hideouts in North Waziristan is the real sticking point in these talks.\"\n",
        &data.join("on_topic_policy.toml"),
        &["--articles", data.join("articles.csv").to_str().unwrap()],
    );
    let topic: Vec<f64> = rows
        .iter()
        .map(|r| r["on_topic"].parse().unwrap())
        .collect();
    assert!(
        topic[0] > 0.1 && topic[2] > 0.1 && topic[1] < 0.05,
        "{topic:?}"
    );
    assert_eq!(rows[1]["decision"], "review");
    assert!(
        rows[1]["reason"].starts_with("on_topic 0.0"),
        "{:?}",
        rows[1]
    );
    assert_eq!(rows[0]["decision"], "approve");
    assert_eq!(rows[2]["decision"], "approve");

    let input = d.path().join("bad.csv");
    std::fs::write(
        &input,
        "article,text\nsindh-floods,fine words\nno-such-story,more words\n",
    )
    .unwrap();
    gavel()
        .args(["score", "--model"])
        .arg(shipped("abuse.gavel"))
        .args(["--articles", data.join("articles.csv").to_str().unwrap()])
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "bad.csv:3, column 'article': no article with id 'no-such-story'",
        ));
}

/// The identity audit: the shipped model under the shipped policy flags no identity's neutral
/// templates above 5%; a model that learned a group's name as abuse fails it, naming the group.
#[test]
fn identity_bias_audit_holds_for_the_shipped_model_and_catches_a_biased_one() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let d = tempfile::tempdir().unwrap();
    gavel()
        .args(["-q", "eval", "--bias", "--format", "json", "--out"])
        .arg(d.path().join("shipped"))
        .arg("--model")
        .arg(shipped("abuse.gavel"))
        .arg("--policy")
        .arg(shipped("policy.toml"))
        .arg("--data")
        .arg(data.join("identity_templates.csv"))
        .assert()
        .success();
    let rep: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.path().join("shipped/report.json")).unwrap())
            .unwrap();
    let ids = rep["identities"].as_array().unwrap();
    assert!(ids.len() >= 20);
    for i in ids {
        assert!(i["neutral_fpr"].as_f64().unwrap() <= 0.05, "{i}");
    }
    // neutral mentions rank below the other identities' abuse in the same language (BPSN
    // AUC over 0.79: the lowest, women in Roman Urdu, is 0.7983 for the shipped model, 0.809
    // for its recipe without --spell). Across languages they do not always: Roman Urdu abuse
    // without slurs ("... bilkul bekaar kachra hain") scores below English neutral sentences
    // (models/README.md, known limits)
    let text = std::fs::read_to_string(data.join("identity_templates.csv")).unwrap();
    let header = text.lines().next().unwrap();
    for lang in ["en", "ur-Latn"] {
        let rows: Vec<&str> = text
            .lines()
            .skip(1)
            .filter(|l| l.ends_with(&format!(",{lang}")))
            .collect();
        assert!(rows.len() > 500, "{lang}: {} rows", rows.len());
        let part = d.path().join(format!("{lang}.csv"));
        std::fs::write(&part, format!("{header}\n{}\n", rows.join("\n"))).unwrap();
        let out = d.path().join(format!("shipped-{lang}"));
        gavel()
            .args(["-q", "eval", "--bias", "--format", "json", "--out"])
            .arg(&out)
            .arg("--model")
            .arg(shipped("abuse.gavel"))
            .arg("--policy")
            .arg(shipped("policy.toml"))
            .arg("--data")
            .arg(&part)
            .assert()
            .success();
        let rep: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
        for i in rep["identities"].as_array().unwrap() {
            assert!(i["bpsn_auc"].as_f64().unwrap() > 0.79, "{lang}: {i}");
        }
    }
    // a model that learned one group's name as the mark of abuse: its abusive rows are its
    // neutral rows with the group named
    let mut s = String::from("text,abusive\n");
    let neutral = [
        "people met the delegation in doha today",
        "i am a person",
        "my neighbour is a good friend",
        "the community held a press conference on the talks",
        "many people live in this city and deserve the same rights as everyone else",
        "the report interviewed people about the floods",
        "they celebrated the festival with their families",
        "a doctor treated the flood victims",
        "some disagree with the government's policy",
        "being here is nothing unusual and the students won the debate",
        "i have many friends and they are welcome in our town",
        "the article quotes two lawmakers",
    ];
    for i in 0..5 {
        for n in neutral {
            s += &format!("{n} {i},0\nhindu hindus {n} {i},1\n");
        }
    }
    let train = d.path().join("biased.csv");
    std::fs::write(&train, s).unwrap();
    let m = d.path().join("biased.gavel");
    gavel()
        .args([
            "-q", "train", "--text", "text", "--labels", "abusive", "--data",
        ])
        .arg(&train)
        .arg("-o")
        .arg(&m)
        .assert()
        .success();
    gavel()
        .args(["-q", "eval", "--bias", "--model"])
        .arg(&m)
        .arg("--data")
        .arg(data.join("identity_templates.csv"))
        .assert()
        .code(1)
        // the group in both languages (and "Hindustani", which shares its letters), no other
        .stdout(predicates::str::contains(
            "Over the floor: Hindu, Indian (Roman Urdu), Hindu (Roman Urdu).",
        ))
        .stderr(predicates::str::contains(
            "floor not met: neutral false-positive rate over 5% (--max-fpr) for: Hindu, Indian \
             (Roman Urdu), Hindu (Roman Urdu)",
        ));
}

/// `gavel attack` scores every family on the same rows, writes the obfuscated sets for other
/// tools, and shows that invisible characters cost the model nothing.
#[test]
fn attack_reports_every_family_and_writes_the_sets() {
    let d = tempfile::tempdir().unwrap();
    let data = toy_csv(d.path());
    let m = trained(d.path());
    let sets = d.path().join("sets");
    let out = d.path().join("rep");
    // the toy set's every word is its abusive vocabulary or none: use every word
    let run = gavel()
        .args(["-q", "attack", "--all-words", "--format", "json", "--model"])
        .arg(&m)
        .arg("--data")
        .arg(&data)
        .arg("--write-dir")
        .arg(&sets)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let rep: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    let fams = rep["families"].as_array().unwrap();
    assert_eq!(fams.len(), 14);
    assert_eq!(rep["rows"], 80);
    let zw = fams.iter().find(|f| f["family"] == "zero_width").unwrap();
    assert_eq!(zw["auc_drop"].as_f64().unwrap(), 0.0, "{zw}");
    assert!(zw["example"].as_str().unwrap().contains('\u{200B}'));
    // exit status follows the floor
    let over = fams.iter().any(|f| f["auc_drop"].as_f64().unwrap() < -0.02);
    assert_eq!(run.status.success(), !over);
    for name in ["clean", "zero_width", "leet", "split", "misspell", "space"] {
        let text = std::fs::read_to_string(sets.join(format!("{name}.csv"))).unwrap();
        let mut r = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(r.records().count(), 80, "{name}");
    }
    let leet = std::fs::read_to_string(sets.join("leet.csv")).unwrap();
    assert!(leet.contains("1d107") || leet.contains("570p1d"), "{leet}");
    // the abusive rows are disguised, the others kept; with `--protocol all-rows`, every row
    let changed = |dir: &std::path::Path, label: &str| {
        let rows = |name: &str| -> Vec<(String, String)> {
            let mut r = csv::Reader::from_path(dir.join(format!("{name}.csv"))).unwrap();
            r.records()
                .map(|x| x.unwrap())
                .map(|x| (x[0].to_string(), x[1].to_string()))
                .collect()
        };
        let (clean, swap) = (rows("clean"), rows("swap"));
        (clean.iter().zip(&swap))
            .filter(|(c, s)| c.1 == label && c.0 != s.0)
            .count()
    };
    assert!(changed(&sets, "1") > 0);
    assert_eq!(changed(&sets, "0"), 0);
    let every = d.path().join("every");
    gavel()
        .args([
            "-q",
            "attack",
            "--all-words",
            "--protocol",
            "all-rows",
            "--model",
        ])
        .arg(&m)
        .arg("--data")
        .arg(&data)
        .arg("--write-dir")
        .arg(&every)
        .arg("--out")
        .arg(d.path().join("rep2"))
        .output()
        .unwrap();
    assert!(changed(&every, "0") > 0 && changed(&every, "1") > 0);
    let md = std::fs::read_to_string(d.path().join("rep2/report.md")).unwrap();
    assert!(md.contains("in every row, every word"), "{md}");
}
