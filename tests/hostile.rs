//! Hostile input: fuzzed readers, text pipeline and model loader never panic; huge comments,
//! floods of empty rows and garbage get a correct result or a clear error; scoring to a path
//! is atomic and loses no row.

mod util;
use gavel::io::{Format, ReadOptions, RecordReader};
use gavel::model::{file, Model, ScoreScratch};
use predicates::prelude::*;
use proptest::prelude::*;
use std::path::Path;
use std::sync::OnceLock;
use util::*;

fn shipped() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models/abuse.gavel")
}

/// A small trained model's bytes (calibrated, with a dictionary), built once.
fn small_model_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        let data = toy_csv(d.path());
        let m = d.path().join("m.gavel");
        gavel()
            .args([
                "-q", "train", "--text", "comment", "--label", "insult", "--vocab", "100",
            ])
            .arg("--data")
            .arg(&data)
            .arg("-o")
            .arg(&m)
            .assert()
            .success();
        std::fs::read(&m).unwrap()
    })
}

/// Reads every record of `bytes` as `format`; returns the rows read before the first error.
fn read_all(bytes: Vec<u8>, format: Format) -> usize {
    let opts = ReadOptions::new(format);
    let Ok(mut r) =
        RecordReader::from_reader("fuzz".into(), Box::new(std::io::Cursor::new(bytes)), opts)
    else {
        return 0;
    };
    let mut n = 0;
    while let Ok(Some(_)) = r.next_record() {
        n += 1;
    }
    n
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Any bytes as CSV, TSV or JSONL: records or an error, never a panic.
    #[test]
    fn readers_take_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        for f in [Format::Csv, Format::Tsv, Format::Jsonl] {
            read_all(bytes.clone(), f);
        }
    }

    /// Header plus arbitrary lines of mostly structural characters, to reach quoting and
    /// escaping paths.
    #[test]
    fn readers_take_any_structure(body in "[a-z0-9,\"\t\\\\{}:\\[\\]\n\r ]{0,300}") {
        read_all(format!("id,text\n{body}").into_bytes(), Format::Csv);
        read_all(format!("id\ttext\n{body}").into_bytes(), Format::Tsv);
        read_all(body.clone().into_bytes(), Format::Jsonl);
    }

    /// Any text through normalisation, tokenizing, stemming, n-grams and scoring.
    #[test]
    fn any_text_scores_to_a_probability(text in "\\PC{0,200}") {
        let m = model();
        let mut out = vec![0.0; m.output_names().len()];
        m.score_into(&text, 0, &mut ScoreScratch::default(), &mut out);
        prop_assert!(out.iter().all(|p| (0.0..=1.0).contains(p)), "{:?}", out);
    }

    /// A model file with a byte changed, or cut anywhere, is refused, never a panic. The
    /// checksum is recomputed after the change too, so the parser itself sees the damage.
    #[test]
    fn damaged_model_files_are_refused(pos in any::<prop::sample::Index>(), xor in 1u8..=255, cut in any::<prop::sample::Index>()) {
        let good = small_model_bytes();
        let mut b = good.to_vec();
        let i = pos.index(b.len());
        b[i] ^= xor;
        prop_assert!(file::from_bytes(&b).is_err(), "a flipped byte at {} passed", i);
        let n = b.len() - 4;
        let crc = crc32fast::hash(&b[..n]);
        b[n..].copy_from_slice(&crc.to_le_bytes());
        let _ = file::from_bytes(&b); // may parse (a changed weight), must not panic
        let c = cut.index(good.len());
        prop_assert!(file::from_bytes(&good[..c]).is_err());
    }
}

fn model() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| file::load(&shipped()).unwrap())
}

/// A 10 MB comment is scored like any other, within a time limit, and the row after it too.
#[test]
fn a_ten_megabyte_comment_is_scored() {
    let d = tempfile::tempdir().unwrap();
    let unit = "the talks in Doha went on for hours and nobody agreed on anything ";
    let big: String = unit.repeat(10_000_000 / unit.len() + 1);
    let input = d.path().join("big.csv");
    std::fs::write(&input, format!("id,text\n1,\"{big}\"\n2,you idiot\n")).unwrap();
    let out = gavel()
        .args(["-q", "score", "--model"])
        .arg(shipped())
        .args(["--keep", "id"])
        .arg(&input)
        .timeout(std::time::Duration::from_secs(120))
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 3, "{text}");
    let p: f64 = rows[1].split(',').nth(1).unwrap().parse().unwrap();
    assert!((0.0..=1.0).contains(&p));
    assert!(rows[2].starts_with("2,"));
}

/// A million empty comments: each is an error row with `--on-error skip`, all written, in
/// order; without it, the first stops the run with its line.
#[test]
fn a_million_empty_rows_are_all_accounted_for() {
    let d = tempfile::tempdir().unwrap();
    let input = d.path().join("empty.csv");
    let mut s = String::with_capacity(12_000_000);
    s.push_str("id,text\n");
    for i in 0..1_000_000 {
        s.push_str(&format!("{i},\n"));
    }
    std::fs::write(&input, s).unwrap();
    let out = d.path().join("out.csv");
    gavel()
        .args(["-q", "score", "--on-error", "skip", "--model"])
        .arg(shipped())
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .timeout(std::time::Duration::from_secs(300))
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("id,text,p_abusive,p_hate,p_aggressive,pred_abusive,pred_hate,pred_aggressive,error")
    );
    let mut n = 0;
    for (i, l) in lines.enumerate() {
        assert!(
            l.starts_with(&format!("{i},,,,,,,,\"line {},", i + 2)),
            "{l}"
        );
        n += 1;
    }
    assert_eq!(n, 1_000_000);
    gavel()
        .args(["score", "--model"])
        .arg(shipped())
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "empty.csv:2, column 'text': empty text",
        ));
}

/// Binary garbage where a CSV should be: a clear error naming the file and line.
#[test]
fn binary_garbage_is_a_clear_error() {
    let d = tempfile::tempdir().unwrap();
    let input = d.path().join("garbage.csv");
    let mut bytes = b"id,text\n1,fine\n2,".to_vec();
    // bytes with the high bit set and no newline: not UTF-8
    bytes.extend((0..2000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8 | 0x80));
    std::fs::write(&input, bytes).unwrap();
    gavel()
        .args(["score", "--model"])
        .arg(shipped())
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("garbage.csv:3").and(predicate::str::contains("UTF-8")));
}

/// Scoring to a path writes a temporary file beside it and renames it at the end: a run that
/// stops on a bad row leaves the old output untouched and no temporary file behind; a run
/// that succeeds replaces it with every row.
#[test]
fn scoring_to_a_path_is_atomic() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("scored.csv");
    std::fs::write(&out, "previous results\n").unwrap();
    let bad = d.path().join("bad.csv");
    let mut s = String::from("id,text\n");
    for i in 0..20_000 {
        s += &format!("{i},comment number {i}\n");
    }
    s += "20000,\n";
    std::fs::write(&bad, &s).unwrap();
    gavel()
        .args(["score", "--batch", "1000", "--model"])
        .arg(shipped())
        .arg(&bad)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.csv:20002"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous results\n");
    let names: Vec<String> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "a temporary file was left: {names:?}");
    let good = d.path().join("good.csv");
    std::fs::write(&good, &s[..s.len() - "20000,\n".len()]).unwrap();
    gavel()
        .args(["-q", "score", "--batch", "1000", "--model"])
        .arg(shipped())
        .arg(&good)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), 20_001);
    assert!(text.lines().last().unwrap().starts_with("19999,"));
}
