//! `score --lang-id`: a `lang` column per comment, from the script of its letters and, for
//! Latin script, the shipped language identifier (models/lang.gavel).

mod util;

use util::shipped;

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
    let out = util::gavel()
        .args(["-q", "score", "--keep", "id", "--model"])
        .arg(shipped("abuse.gavel"))
        .arg("--lang-id")
        .arg(shipped("lang.gavel"))
        .arg(&input)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let header = rows.headers().unwrap().clone();
    let lang = header.iter().position(|h| h == "lang").unwrap();
    let got: Vec<(String, String)> = rows
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[lang].to_string())
        })
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
