//! Absurd settings and broken models (issue 18's repro commands, as tests): every numeric
//! argument has a range, models with non-finite values are refused and never written,
//! quality gates never pass vacuously, and training says what it skipped and what it doubts.

mod util;
use predicates::prelude::*;
use std::path::{Path, PathBuf};
use util::{gavel, toy_csv, trained};

fn abuse() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models/abuse.gavel")
}

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo_comments.csv")
}

/// Runs gavel with `args`; it must exit 2 with `want` on stderr and never panic.
fn refused(args: &[&str], want: &str) {
    gavel()
        .args(args)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(want).and(predicate::str::contains("panicked").not()));
}

/// `--batch 18446744073709551615` and `--bootstrap 18446744073709551615` panicked (capacity
/// overflow), `--batch 99999999999` aborted on a 10 TB allocation, `cv --folds 100000` grew
/// past 3 GB, `--calibration-folds 18446744073709551615` ran forever, `--max-fpr NaN` and
/// `--max-drop NaN` always passed, `train --c 1e200` wrote a model gavel could not load.
#[test]
fn numeric_arguments_have_ranges() {
    let (m, d) = (abuse(), demo());
    let (m, d) = (m.to_str().unwrap(), d.to_str().unwrap());
    let big = "18446744073709551615";
    refused(
        &["score", "--model", m, "--batch", big, d],
        "use 1 to 1000000",
    );
    refused(
        &["score", "--model", m, "--batch", "99999999999", d],
        "use 1 to 1000000",
    );
    refused(
        &["score", "--model", m, "--max-field-bytes", "0", d],
        "use 1 to",
    );
    refused(
        &[
            "eval",
            "--compare",
            m,
            m,
            "--data",
            d,
            "--text",
            "comment",
            "--bootstrap",
            big,
        ],
        "use 1 to 100000",
    );
    let train = [
        "train",
        "--data",
        d,
        "--text",
        "comment",
        "--labels",
        "abusive",
        "-o",
        "/dev/null",
    ];
    refused(
        &[&train[..], &["--calibration-folds", big]].concat(),
        "use 0 to 100",
    );
    refused(
        &[&train[..], &["--c", "1e200"]].concat(),
        "not a number from 1e-6 to 1e6",
    );
    refused(
        &[&train[..], &["--c", "NaN"]].concat(),
        "not a number from 1e-6 to 1e6",
    );
    refused(
        &[&train[..], &["--tol", "NaN"]].concat(),
        "not a number between 0 and 1",
    );
    refused(
        &[
            "cv", "--data", d, "--text", "comment", "--labels", "abusive", "--folds", "100000",
        ],
        "use 2 to 100",
    );
    refused(
        &[
            "eval",
            "--bias",
            "--model",
            m,
            "--data",
            d,
            "--max-fpr",
            "NaN",
        ],
        "not a number from 0 to 1",
    );
    refused(
        &["attack", "--model", m, "--data", d, "--max-drop", "NaN"],
        "not a number from 0 to 1",
    );
    refused(&["inspect", "--top", big, m], "use 0 to 100000");
}

/// Folds above the row count made empty folds counted as accuracy 0; calibration folds above
/// it too; 50,000 distinct labels exhausted 24 GB.
#[test]
fn settings_the_data_cannot_carry_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("small.csv");
    let mut s = String::from("text,y\n");
    for i in 0..12 {
        s += &format!("comment number {i},{}\n", i % 2);
    }
    std::fs::write(&small, &s).unwrap();
    let small = small.to_str().unwrap();
    refused(
        &["cv", "--data", small, "--label", "y", "--folds", "50"],
        "--folds 50 is more than the 12 rows",
    );
    refused(
        &[
            "train",
            "--data",
            small,
            "--label",
            "y",
            "--calibration-folds",
            "20",
            "-o",
            "/dev/null",
        ],
        "20 calibration folds for 12 rows",
    );
    let ids = dir.path().join("ids.csv");
    let mut s = String::from("text,y\n");
    for i in 0..50_000 {
        s += &format!("comment {i},{i}\n");
    }
    std::fs::write(&ids, s).unwrap();
    refused(
        &[
            "train",
            "--data",
            ids.to_str().unwrap(),
            "--label",
            "y",
            "-o",
            "/dev/null",
        ],
        "label column 'y' has 50000 distinct values; gavel fits at most 1000 classes",
    );
    refused(
        &[
            "train",
            "--data",
            small,
            "--label",
            "y",
            "--min-df",
            "100000",
            "-o",
            "/dev/null",
        ],
        "no n-gram occurs in 100000 or more of the 12 rows",
    );
}

/// The model file with its first weight set to NaN (checksum recomputed) loaded and approved
/// everything; a 3 GB file was read whole before its checksum was checked.
#[test]
fn models_with_non_finite_values_or_wrong_bytes_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let mut b = std::fs::read(abuse()).unwrap();
    let hlen = u32::from_le_bytes(b[12..16].try_into().unwrap()) as usize;
    let header: serde_json::Value = serde_json::from_slice(&b[16..16 + hlen]).unwrap();
    let nf = header["n_features"].as_u64().unwrap() as usize;
    for (what, at) in [("weight", 16 + hlen + 8 * nf), ("IDF", 16 + hlen + 4 * nf)] {
        let mut bad = b.clone();
        bad[at..at + 4].copy_from_slice(&f32::NAN.to_le_bytes());
        let n = bad.len() - 4;
        let crc = crc32fast::hash(&bad[..n]);
        bad[n..].copy_from_slice(&crc.to_le_bytes());
        let p = d.path().join(format!("{what}.gavel"));
        std::fs::write(&p, bad).unwrap();
        gavel()
            .args(["score", "--text", "comment", "--model"])
            .arg(&p)
            .arg(demo())
            .assert()
            .code(2)
            .stderr(predicate::str::contains("not a finite number"));
    }
    // a 3 GB file (sparse: it takes no disk) with the right magic: refused by the streamed
    // checksum, in little memory
    let big = d.path().join("big.gavel");
    b.truncate(16);
    std::fs::write(&big, &b).unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&big)
        .unwrap()
        .set_len(3 << 30)
        .unwrap();
    gavel()
        .args(["inspect"])
        .arg(&big)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("checksum mismatch"));
    refused(
        &[
            "score",
            "--model",
            abuse().to_str().unwrap(),
            "--policy",
            "/dev/zero",
        ],
        "too large for a policy",
    );
    refused(&["inspect", "/dev/zero"], "not a regular file");
}

/// `attack` with no abusive vocabulary passed vacuously; a failed floor exited 2 where the
/// README and --help say 1.
#[test]
fn gates_never_pass_vacuously() {
    let d = tempfile::tempdir().unwrap();
    let m = trained(d.path());
    let data = toy_csv(d.path());
    // toy.csv's insults repeat over 40 rows, so they are vocabulary; 8 rows are not enough
    let few = d.path().join("few.csv");
    let text = std::fs::read_to_string(&data).unwrap();
    std::fs::write(&few, text.lines().take(9).collect::<Vec<_>>().join("\n")).unwrap();
    gavel()
        .args(["attack", "--text", "comment", "--model"])
        .arg(&m)
        .arg("--data")
        .arg(&few)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing would be attacked"));
    gavel()
        .args([
            "attack",
            "--text",
            "comment",
            "--max-drop",
            "0",
            "--all-words",
            "--model",
        ])
        .arg(abuse())
        .arg("--data")
        .arg(demo())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "floor not met: ROC-AUC dropped more than 0",
        ));
}

/// `train` stopped at the first empty text; labels 2, 0.5 and -1 were read as flags, 1 and
/// 1.0 as two classes; multi-label outputs had no prediction column; very small classes got
/// no warning, and 300 balanced rows of noise were "too few or of one class".
#[test]
fn training_says_what_it_skipped_and_doubts() {
    let d = tempfile::tempdir().unwrap();
    let data = d.path().join("d.csv");
    let mut s = String::from("text,y\na good day,1\n,0\nbad,\n");
    for i in 0..30 {
        s += &format!("row {i} nice talk,0.0\nrow {i} you idiot,1.0\n");
    }
    for i in 0..5 {
        s += &format!("row {i} you moron,1\n");
    }
    std::fs::write(&data, s).unwrap();
    let m = d.path().join("m.gavel");
    let train = |extra: &[&str]| {
        let mut c = gavel();
        c.args(["train", "--labels", "y", "--data"])
            .arg(&data)
            .arg("-o")
            .arg(&m)
            .args(extra);
        c.assert()
    };
    train(&[]).code(2).stderr(predicate::str::contains(
        "d.csv:3, column 'text': empty text",
    ));
    train(&["--on-error", "skip"])
        .success()
        .stderr(predicate::str::contains(
            "skipped 2 row(s) that cannot be used",
        ));
    gavel()
        .arg("inspect")
        .arg(&m)
        .assert()
        .stdout(predicate::str::contains(
            "(66 rows, 2 unusable rows skipped",
        ));
    let out = gavel()
        .args(["-q", "score", "--model"])
        .arg(&m)
        .write_stdin("text\nyou idiot\nnice talk\n")
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.starts_with("text,p_y,pred_y\nyou idiot,"), "{text}");
    assert!(text.lines().nth(1).unwrap().ends_with(",1"), "{text}");
    std::fs::write(&data, "text,y\na,2\nb,0.5\n").unwrap();
    train(&[])
        .code(2)
        .stderr(predicate::str::contains("label '2' is not 0/1"));
    // one class column: 1.0 and 1 are one class, so this is two classes, not three
    let mut s = String::from("text,y\n");
    for i in 0..40 {
        s += &format!(
            "row {i} fine,0\nrow {i} idiot,{}\n",
            if i % 2 == 0 { "1" } else { "1.0" }
        );
    }
    for i in 0..4 {
        s += &format!("row {i} rare,2\n");
    }
    std::fs::write(&data, s).unwrap();
    gavel()
        .args([
            "train",
            "--label",
            "y",
            "--calibration-folds",
            "0",
            "--data",
        ])
        .arg(&data)
        .arg("-o")
        .arg(&m)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "head 0 ('y') is trained on very few rows of some class ('2' 4; fewer than 10)",
        ));
    gavel()
        .arg("inspect")
        .arg(&m)
        .assert()
        .stdout(predicate::str::contains("classes 0, 1, 2;"));
    // noise: enough rows of both classes, and the reason calibration was left out says so
    let mut s = String::from("text,y\n");
    let words = [
        "alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta",
    ];
    let mut x: u64 = 7;
    for i in 0..300 {
        let mut t = vec![];
        for _ in 0..6 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            t.push(words[(x >> 33) as usize % words.len()]);
        }
        s += &format!("{},{}\n", t.join(" "), i % 2);
    }
    std::fs::write(&data, s).unwrap();
    gavel()
        .args(["train", "--label", "y", "--data"])
        .arg(&data)
        .arg("-o")
        .arg(&m)
        .assert()
        .success()
        .stderr(predicate::str::contains("too few").not());
}
