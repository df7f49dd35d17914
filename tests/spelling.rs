//! Spelling correction (`train --spell`): a word the training comments never used is read as
//! the commonest training word one typo away, so a typo scores as its word; the training words
//! travel in the model file; on real comments with every long word misspelled, the model keeps
//! its ROC-AUC. The last case needs the labelled data and runs under the skip-aware harness.

mod util;

use std::path::{Path, PathBuf};
use util::{csv_maps, data_dir, gavel, run_cases, toy_csv, Skip};

fn train(dir: &Path, data: &Path, name: &str, flags: &[&str]) -> PathBuf {
    let m = dir.join(name);
    gavel()
        .env("SOURCE_DATE_EPOCH", "0")
        .args(["-q", "train", "--text", "comment", "--label", "insult"])
        .args(flags)
        .arg("--data")
        .arg(data)
        .arg("-o")
        .arg(&m)
        .assert()
        .success();
    m
}

fn scores(model: &Path, comments: &[&str]) -> Vec<String> {
    let mut input = String::from("comment\n");
    for c in comments {
        input += &format!("\"{c}\"\n");
    }
    let out = gavel()
        .args(["-q", "score", "--model"])
        .arg(model)
        .write_stdin(input)
        .assert()
        .success();
    let rows = csv_maps(&out.get_output().stdout);
    rows.iter().map(|r| r["p_insult"].clone()).collect()
}

fn a_typo_scores_as_its_word() -> Result<(), Skip> {
    let dir = tempfile::tempdir().unwrap();
    let data = toy_csv(dir.path());
    let plain = train(dir.path(), &data, "plain.gavel", &[]);
    let spell = train(dir.path(), &data, "spell.gavel", &["--spell"]);
    let clean = "what a pathetic fool";
    let typos = [
        "waht a pahtetic fool",
        "what a pathtic fool",
        "what a patheitc fool",
    ];
    let s = scores(&spell, &[&[clean][..], &typos[..]].concat());
    assert!(s[1..].iter().all(|x| *x == s[0]), "{s:?}");
    // without it, the typos are other words
    let p = scores(&plain, &[&[clean][..], &typos[..]].concat());
    assert!(p[1..].iter().all(|x| *x != p[0]), "{p:?}");
    // a respelling two edits away that sounds the same is read as the word too
    let sound = scores(&spell, &[clean, "what a pathettik fool"]);
    assert_eq!(sound[0], sound[1]);
    // a three-letter word may have lost a letter of a longer one
    let short = scores(&spell, &["what a fool", "what a fol", "what a folo"]);
    assert!(short.iter().all(|x| *x == short[0]), "{short:?}");
    // the explanation tells the moderator how a typo was read
    let out = gavel()
        .args(["explain", "--json", "--model"])
        .arg(&spell)
        .arg("what a pahtetic fool")
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let spans = json[0]["spans"].as_array().unwrap();
    let read = |w: &str| spans.iter().find(|s| s["text"] == w).unwrap()["read_as"].clone();
    assert_eq!(read("pahtetic"), "pathetic");
    assert!(read("fool").is_null());
    // the same rows give the same bytes, and the model says what it does
    let again = train(dir.path(), &data, "again.gavel", &["--spell"]);
    assert_eq!(
        std::fs::read(&spell).unwrap(),
        std::fs::read(&again).unwrap()
    );
    let out = gavel().arg("inspect").arg(&spell).assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("one typo away"), "{text}");
    assert!(text.contains("sounds the same"), "{text}");
    assert!(text.contains("split by a space"), "{text}");
    assert!(text.contains("at most 1/2 as often as the word"), "{text}");
    assert!(text.contains("two-letter words counted too"), "{text}");
    let out = gavel().arg("inspect").arg(&plain).assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(!text.contains("one typo away"), "{text}");
    Ok(())
}

/// The number of training words a spelling-correcting model keeps, as `inspect` says it.
fn training_words(model: &Path) -> String {
    let out = gavel().arg("inspect").arg(model).assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let at = text.find("of their ").expect("a spelling line") + "of their ".len();
    text[at..].split(' ').next().unwrap().to_string()
}

/// With typo'd copies of the rows (`--augment`), the model learns its words from the rows as
/// written: the same words as without the copies, so a typo still reads as its word.
fn typo_d_copies_teach_no_words() -> Result<(), Skip> {
    let dir = tempfile::tempdir().unwrap();
    let data = toy_csv(dir.path());
    let spell = train(dir.path(), &data, "spell.gavel", &["--spell"]);
    let both = train(
        dir.path(),
        &data,
        "both.gavel",
        &["--spell", "--augment", "2"],
    );
    assert_eq!(training_words(&both), training_words(&spell));
    let s = scores(&both, &["what a pathetic fool", "waht a pahtetic fool"]);
    assert_eq!(s[0], s[1]);
    let out = gavel().arg("inspect").arg(&both).assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("augment"), "{text}");
    Ok(())
}

fn folding_labels_in_keeps_the_training_words() -> Result<(), Skip> {
    let dir = tempfile::tempdir().unwrap();
    let data = toy_csv(dir.path());
    let spell = train(dir.path(), &data, "spell.gavel", &["--spell"]);
    let out = dir.path().join("folded.gavel");
    gavel()
        .args(["-q", "train", "--init"])
        .arg(&spell)
        .arg("--data")
        .arg(&data)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let s = scores(&out, &["what a pathetic fool", "waht a pahtetic fool"]);
    assert_eq!(s[0], s[1]);
    // the settings a model fixes are refused beside --init
    gavel()
        .args(["-q", "train", "--spell", "--init"])
        .arg(&spell)
        .arg("--data")
        .arg(&data)
        .arg("-o")
        .arg(dir.path().join("x.gavel"))
        .assert()
        .failure();
    Ok(())
}

/// OLID's training tweets, a fixed 80/20 split: with every word of 4+ letters of every row
/// given a typo, the `--spell` model loses little ROC-AUC to any typo family, and nothing clean.
fn olid_typos_cost_little() -> Result<(), Skip> {
    let d = data_dir()?;
    let dir = tempfile::tempdir().unwrap();
    let (tr, te) = (dir.path().join("tr.tsv"), dir.path().join("te.tsv"));
    let olid = d.join("olid/olid-training-v1.0.tsv");
    util::split(&olid, "subtask_a", 7, &tr, &te);
    let mut drops = Vec::new();
    for flags in [&[][..], &["--spell"][..]] {
        let m = dir.path().join("m.gavel");
        gavel()
            .args(["-q", "train", "--text", "tweet", "--label", "subtask_a"])
            .args(["--positive", "OFF", "--min-df", "2"])
            .args(flags)
            .arg("--data")
            .arg(&tr)
            .arg("-o")
            .arg(&m)
            .assert()
            .success();
        let rep = dir.path().join("rep");
        gavel()
            .args(["-q", "attack", "--all-words", "--protocol", "all-rows"])
            .args(["--max-drop", "1", "--format", "json", "--model"])
            .arg(&m)
            .arg("--data")
            .arg(&te)
            .arg("--out")
            .arg(&rep)
            .assert()
            .success();
        let r: serde_json::Value =
            serde_json::from_slice(&std::fs::read(rep.join("report.json")).unwrap()).unwrap();
        let fam = |f: &str| {
            r["families"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["family"] == f)
                .map(|x| -x["auc_drop"].as_f64().unwrap())
                .unwrap()
        };
        let clean = r["clean_roc_auc"].as_f64().unwrap();
        drops.push((clean, fam("swap"), fam("double"), fam("keyboard")));
    }
    let ((c0, s0, d0, k0), (c1, s1, d1, k1)) = (drops[0], drops[1]);
    eprintln!("clean {c0:.4} -> {c1:.4}; swap {s0:.4} -> {s1:.4}, double {d0:.4} -> {d1:.4}, keyboard {k0:.4} -> {k1:.4}");
    assert!(c1 >= c0 - 0.002, "clean {c0} -> {c1}");
    assert!(s1 < 0.03 && s0 > 0.1, "swap {s0} -> {s1}");
    assert!(d1 < 0.03 && k1 < 0.05, "double {d1}, keyboard {k1}");
    Ok(())
}

fn main() {
    run_cases(&[
        ("a_typo_scores_as_its_word", a_typo_scores_as_its_word),
        ("typo_d_copies_teach_no_words", typo_d_copies_teach_no_words),
        (
            "folding_labels_in_keeps_the_training_words",
            folding_labels_in_keeps_the_training_words,
        ),
        ("olid_typos_cost_little", olid_typos_cost_little),
        (
            "training_words_that_do_not_fit_the_revision_are_refused",
            training_words_that_do_not_fit_the_revision_are_refused,
        ),
    ]);
}

/// A model file whose header claims older spelling rules than its training words were
/// counted by (two-letter words under revision 6) is refused with an error that says so,
/// not read under rules its words do not fit.
fn training_words_that_do_not_fit_the_revision_are_refused() -> Result<(), Skip> {
    let dir = tempfile::tempdir().unwrap();
    let data = toy_csv(dir.path());
    let spell = train(dir.path(), &data, "spell.gavel", &["--spell"]);
    let mut bytes = std::fs::read(&spell).unwrap();
    let (from, to) = (&b"\"spell_revision\":7"[..], &b"\"spell_revision\":6"[..]);
    let at = bytes
        .windows(from.len())
        .position(|w| w == from)
        .expect("the header names revision 7");
    bytes[at..at + to.len()].copy_from_slice(to);
    let body = bytes.len() - 4;
    let crc = crc32fast::hash(&bytes[..body]);
    bytes[body..].copy_from_slice(&crc.to_le_bytes());
    let forged = dir.path().join("forged.gavel");
    std::fs::write(&forged, &bytes).unwrap();
    let out = gavel().arg("inspect").arg(&forged).assert().failure();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("spelling revision 6 counts"), "{err}");
    Ok(())
}
