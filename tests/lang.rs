//! `score --lang-id`: a `lang` column per comment, from the script of its letters and, for
//! Latin script, the shipped language identifier (models/lang.gavel).

mod util;

use std::collections::HashMap;
use std::path::Path;
use util::shipped;

/// `gavel score --keep id` of `input` by the shipped abuse model with `--lang-id` and `extra`
/// options; the rows written.
fn score_with_lang(input: &Path, extra: &[&str]) -> Vec<HashMap<String, String>> {
    let out = util::gavel()
        .args(["-q", "score", "--keep", "id", "--model"])
        .arg(shipped("abuse.gavel"))
        .arg("--lang-id")
        .arg(shipped("lang.gavel"))
        .args(extra)
        .arg(input)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    util::csv_maps(&out.stdout)
}

#[test]
fn every_comment_gets_its_language_in_order() {
    let d = tempfile::tempdir().unwrap();
    let input = d.path().join("c.csv");
    std::fs::write(
        &input,
        "id,text\n\
         1,The talks in Doha resumed today after a long pause\n\
         2,yeh sab jhoot hai aur hum sab jante hain\n\
         3,یہ سب جھوٹ ہے\n\
         4,यह सब झूठ है\n\
         5,Imran Khan ne aaj kaha ke muzakrat jari rahenge\n\
         6,😂😂😂\n\
         7,Это всё ложь\n",
    )
    .unwrap();
    let got: Vec<(String, String)> = score_with_lang(&input, &[])
        .into_iter()
        .map(|r| (r["id"].clone(), r["lang"].clone()))
        .collect();
    let want = [
        ("1", "en"),
        ("2", "ur-Latn"),
        ("3", "ur-Arab"),
        ("4", "hi-Deva"),
        ("5", "ur-Latn"),
        ("6", "other"),
        ("7", "other"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn a_model_that_is_not_a_language_identifier_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let input = d.path().join("c.csv");
    std::fs::write(&input, "text\nhello\n").unwrap();
    util::gavel()
        .args(["-q", "score", "--model"])
        .arg(shipped("abuse.gavel"))
        .arg("--lang-id")
        .arg(shipped("sentiment.gavel"))
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "is not a language identifier: its outputs are p_negative",
        ));
}

/// A policy rule for some languages: comments in scripts no shipped source is written in go to
/// a moderator, others are decided as before; without --lang-id such a policy is refused.
#[test]
fn policy_rules_can_apply_to_some_languages() {
    let d = tempfile::tempdir().unwrap();
    let policy = d.path().join("p.toml");
    std::fs::write(
        &policy,
        format!(
            "{}\n[[rule]]\noutput = \"p_abusive\"\nat_least = 0.0\naction = \"review\"\nlang = [\"ur-Arab\", \"hi-Deva\"]\n",
            std::fs::read_to_string(shipped("policy.toml")).unwrap()
        ),
    )
    .unwrap();
    let input = d.path().join("c.csv");
    std::fs::write(
        &input,
        "id,text\n1,Thank you for the careful report on the talks\n2,یہ سب جھوٹ ہے\n3,यह सब झूठ है\n",
    )
    .unwrap();
    let rows = score_with_lang(&input, &["--policy", policy.to_str().unwrap()]);
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (&*r["decision"], &*r["lang"]))
        .collect();
    assert_eq!(
        got,
        [
            ("approve", "en"),
            ("review", "ur-Arab"),
            ("review", "hi-Deva")
        ]
    );
    assert!(rows[1]["reason"].ends_with("(lang ur-Arab)"), "{rows:?}");
    util::gavel()
        .args(["-q", "score", "--model"])
        .arg(shipped("abuse.gavel"))
        .arg("--policy")
        .arg(&policy)
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "rule 3 applies to some languages only: pass --lang-id",
        ));
}
