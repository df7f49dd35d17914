//! Hostile and careless input (issue 18's repro commands, as tests): a stray quote never
//! swallows rows, no comment shape costs more than linear time, a comment's memory stays a
//! small multiple of its size, fields and lines are bounded, and JSONL, CSV and TSV keep
//! every value as written.

mod util;
use predicates::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use util::gavel;

fn abuse() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models/abuse.gavel")
}

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_gavel"))
}

/// `printf 'id,text\n1,a\n2,"b\n3,c\n4,d\n' | gavel score --on-error skip` exited 0 with two
/// rows, rows 3 and 4 inside row 2's text.
#[test]
fn a_stray_quote_is_an_error_where_it_opens() {
    gavel()
        .args(["score", "--on-error", "skip", "--model"])
        .arg(abuse())
        .write_stdin("id,text\n1,a\n2,\"b\n3,c\n4,d\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "<stdin>:3, column 'text': a quoted field opens here and is never closed",
        ));
    // in a big file, a quote at row 11 is found where it is (it gave "scored 11 rows"), and a
    // quote in the middle runs into the field bound, not to the end of the file
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("big.csv");
    let mut s = String::from("id,text\n");
    for i in 0..200_000 {
        let q = if i == 10 { "\"" } else { "" };
        s += &format!("{i},{q}comment {i}\n");
    }
    std::fs::write(&p, &s).unwrap();
    gavel()
        .args(["score", "--model"])
        .arg(abuse())
        .arg(&p)
        .assert()
        .code(2)
        .stdout(predicate::str::contains("\n9,comment 9,"))
        .stderr(predicate::str::contains("big.csv:12, column 'text'"));
    gavel()
        .args(["score", "--max-field-bytes", "10000", "--model"])
        .arg(abuse())
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "big.csv:12, column 'text': a quoted field opens here and runs past 10000 bytes",
        ));
}

/// Wall time and peak resident memory (kB) of `gavel -q score` on `input`.
fn score_cost(input: &Path) -> (f64, u64) {
    let t0 = Instant::now();
    let mut child = Command::new(bin())
        .args(["-q", "score", "--model"])
        .arg(abuse())
        .arg(input)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(s) = std::fs::read_to_string(&status) {
            let hwm = s.lines().find_map(|l| l.strip_prefix("VmHWM:"));
            if let Some(kb) = hwm.and_then(|v| v.trim().trim_end_matches(" kB").parse().ok()) {
                peak = peak.max(kb);
            }
        }
        if let Some(st) = child.try_wait().unwrap() {
            assert!(st.success(), "{}", input.display());
            return (t0.elapsed().as_secs_f64(), peak);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A 10 MB comment without a space scored in time quadratic in its length (1 MB 2.3 s, 4 MB
/// 62 s, 10 MB unfinished after 15 minutes): Snowball stemming of one huge token. Every shape
/// now costs about what 10 MB of ordinary text costs, in time and in memory.
#[test]
fn ten_megabytes_of_any_shape_cost_what_ordinary_text_costs() {
    let d = tempfile::tempdir().unwrap();
    const N: usize = 10_000_000;
    // a deterministic stream of letters (no letter three times in a row matters not)
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |alphabet: &[u8]| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        alphabet[(x % alphabet.len() as u64) as usize]
    };
    let unit = "the talks in Doha went on for hours and nobody agreed on anything ";
    let shapes: Vec<(&str, Vec<u8>)> = vec![
        ("ordinary", unit.repeat(N / unit.len()).into_bytes()),
        (
            "letters",
            (0..N)
                .map(|_| next(b"abcdefghijklmnopqrstuvwxyz"))
                .collect(),
        ),
        ("y-heavy", (0..N).map(|_| next(b"ay")).collect()),
        ("leet", (0..N).map(|_| next(b"a1b2c3$@*")).collect()),
        (
            "dotted",
            (0..N)
                .map(|i| if i % 2 == 1 { b'.' } else { next(b"xyz") })
                .collect(),
        ),
    ];
    let mut costs = vec![];
    for (name, text) in &shapes {
        let p = d.path().join(format!("{name}.csv"));
        let mut f = std::fs::File::create(&p).unwrap();
        f.write_all(b"id,text\n1,").unwrap();
        f.write_all(text).unwrap();
        f.write_all(b"\n2,you idiot\n").unwrap();
        drop(f);
        costs.push((name, score_cost(&p)));
    }
    let (t0, m0) = costs[0].1;
    for (name, (t, m)) in &costs {
        assert!(
            *t < 5.0 * t0 + 2.0,
            "{name}: {t:.2} s against {t0:.2} s for ordinary text"
        );
        // the model and runtime take ~20 MB; a 10 MB comment at most ~20 times its size more
        assert!(
            *m < 20_000 + 20 * 10_000,
            "{name}: {m} kB at peak (ordinary: {m0} kB)"
        );
    }
}

/// An endless field, quoted or not, and an endless JSONL line grew without bound (to 24 GB
/// and the OOM killer): each now stops at --max-field-bytes with the line where it starts.
#[test]
fn endless_fields_stop_at_the_bound() {
    for (format, start, want) in [
        (
            "csv",
            &b"id,text\n1,\""[..],
            "<stdin>:2, column 'text': a quoted field",
        ),
        (
            "csv",
            &b"id,text\n1,"[..],
            "<stdin>:2, column 'text': a field longer than",
        ),
        (
            "jsonl",
            &b"{\"text\":\""[..],
            "<stdin>:1: a line longer than",
        ),
        (
            "csv",
            &b"id,"[..],
            "<stdin>:1: the header has more than 100000 columns",
        ),
    ] {
        let mut child = Command::new(bin())
            .args(["score", "--input-format", format, "--model"])
            .arg(abuse())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let start = start.to_vec();
        let feeder = std::thread::spawn(move || {
            let fill = if start == b"id," { b',' } else { b'a' };
            let chunk = vec![fill; 1 << 16];
            let _ = stdin.write_all(&start);
            // until gavel stops reading (a broken pipe), at most 1 GB
            for _ in 0..(1 << 14) {
                if stdin.write_all(&chunk).is_err() {
                    return;
                }
            }
        });
        let out = child.wait_with_output().unwrap();
        feeder.join().unwrap();
        assert_eq!(out.status.code(), Some(2), "{want}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(want), "{err}");
    }
}

/// JSONL to JSONL ignored --keep and rewrote values (a 30-digit id became
/// 1.2345678901234568e+29, `1e2` became `100.0`); a number in the text column was scored as
/// text; CSV to JSONL made a numeric id a string. Now --keep keeps, values pass through as
/// written, the number is refused with its line, and CSV numbers stay numbers.
#[test]
fn jsonl_values_pass_through_as_written() {
    let input = "{\"id\":123456789012345678901234567890,\"x\":1e2,\"text\":\"you idiot\"}\n\
                 {\"id\":2,\"x\":0,\"text\":3}\n";
    let out = gavel()
        .args([
            "-q",
            "score",
            "--input-format",
            "jsonl",
            "--keep",
            "id",
            "--on-error",
            "skip",
        ])
        .arg("--model")
        .arg(abuse())
        .write_stdin(input)
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("{\"id\":123456789012345678901234567890,\"p_abusive\":"),
        "{text}"
    );
    assert!(lines[0].contains(",\"pred_abusive\":1,"), "{text}");
    assert!(lines[0].ends_with(",\"error\":null}"), "{text}");
    assert!(
        !lines[0].contains("\"x\""),
        "--keep id keeps only id: {text}"
    );
    assert!(lines[1].contains("line 2, column 'text': expected text, found the JSON value '3'"));
    let all = gavel()
        .args([
            "-q",
            "score",
            "--input-format",
            "jsonl",
            "--on-error",
            "skip",
            "--model",
        ])
        .arg(abuse())
        .write_stdin(input)
        .assert()
        .success();
    let all = String::from_utf8(all.get_output().stdout.clone()).unwrap();
    assert!(
        all.starts_with("{\"id\":123456789012345678901234567890,\"x\":1e2,\"text\":\"you idiot\",")
    );
    // CSV to JSONL: a numeric id stays a number, a comment that reads as a number stays text
    let out = gavel()
        .args(["-q", "score", "--output-format", "jsonl", "--model"])
        .arg(abuse())
        .write_stdin("id,text\n12,1947\n007,hello\n")
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.starts_with("{\"id\":12,\"text\":\"1947\","), "{text}");
    assert!(
        text.contains("\n{\"id\":\"007\",\"text\":\"hello\","),
        "{text}"
    );
}

/// TSV output wrote a literal `\n` and a line break alike; CR-only files put every error on
/// line 1; a header naming a column twice was used silently.
#[test]
fn tsv_cr_and_header_surprises() {
    let out = gavel()
        .args(["-q", "score", "--output-format", "tsv", "--model"])
        .arg(abuse())
        .write_stdin("id,text\n1,\"a \\n b\nc\"\n")
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("\n1\ta \\\\n b\\nc\t"), "{text}");
    gavel()
        .args(["score", "--model"])
        .arg(abuse())
        .write_stdin("id,text\r1,fine\r2,ok\r3,\r")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "<stdin>:4, column 'text': empty text",
        ));
    gavel()
        .args(["score", "--model"])
        .arg(abuse())
        .write_stdin("id,text,text\n1,a,b\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the header names this column twice (fields 2 and 3)",
        ));
    gavel()
        .args(["score", "--keep", "text", "--model"])
        .arg(abuse())
        .write_stdin("id,text,id\n1,a,2\n")
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "the header names 'id' more than once",
        ));
}

/// Error messages cut what they quote: a 200 KB policy line or a 1 MB label is located, not
/// echoed.
#[test]
fn messages_quote_little() {
    let d = tempfile::tempdir().unwrap();
    let policy = d.path().join("p.toml");
    std::fs::write(
        &policy,
        format!("[[rule]]\noutput = \"{}", "x".repeat(200_000)),
    )
    .unwrap();
    let out = gavel()
        .args(["score", "--policy"])
        .arg(&policy)
        .arg("--model")
        .arg(abuse())
        .write_stdin("id,text\n1,a\n")
        .assert()
        .code(2);
    let err = out.get_output().stderr.clone();
    assert!(
        err.len() < 500,
        "{}",
        String::from_utf8_lossy(&err[..500.min(err.len())])
    );
    assert!(String::from_utf8_lossy(&err).contains("p.toml:2:"));
    let data = d.path().join("l.csv");
    std::fs::write(
        &data,
        format!("text,abusive\nhello,{}\n", "9".repeat(1 << 20)),
    )
    .unwrap();
    let out = gavel()
        .args(["eval", "--model"])
        .arg(abuse())
        .arg("--data")
        .arg(&data)
        .assert()
        .code(2);
    let err = out.get_output().stderr.clone();
    assert!(err.len() < 500, "{} bytes of error", err.len());
}
