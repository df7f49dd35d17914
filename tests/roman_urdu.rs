//! The analyzer on real Roman Urdu/Hindi comments (GAVEL_DATA_DIR): deobfuscation does not
//! rewrite them, and they are told from English ones (not stemmed, given spelling keys).
//! Run by the skip-aware harness (`util::run_cases`): without the data each case says
//! `skipped`.

mod util;
use gavel::text::deobfuscate::deobfuscate_into;
use gavel::text::normalize::normalize_into;
use gavel::text::{Analyzer, Reading, Scratch, TextConfig};
use std::path::Path;
use util::*;

/// RUHSOLD's training tweets: `text<TAB>label`, no header, CRLF, no quoting.
fn ruhsold(d: &Path) -> Vec<String> {
    let s = std::fs::read_to_string(d.join("ruhsold/task_1_train.tsv")).unwrap();
    s.lines()
        .filter_map(|l| l.trim_end_matches('\r').rsplit_once('\t'))
        .map(|(t, _)| t.to_string())
        .collect()
}

/// The UCI Roman Urdu sentiment rows (80% part): CSV without a header, text first.
fn uci(d: &Path) -> Vec<String> {
    let p = d.join("roman_urdu_sentiment_uci/roman_urdu_dataset_train80.csv");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(p)
        .unwrap()
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect()
}

/// One column of a CSV or TSV file with a header.
fn column(path: &Path, name: &str, tab: bool) -> Vec<String> {
    let mut r = csv::ReaderBuilder::new()
        .delimiter(if tab { b'\t' } else { b',' })
        .quoting(!tab)
        .from_path(path)
        .unwrap();
    let i = r.headers().unwrap().iter().position(|h| h == name).unwrap();
    r.records().map(|x| x.unwrap()[i].to_string()).collect()
}

/// A word deobfuscation may read differently: one holding a mask, digit, dot or other mark,
/// a letter three times in a row, or a letter outside ASCII (accents fold).
fn disguisable(w: &str) -> bool {
    let b = w.as_bytes();
    !w.chars().all(|c| c.is_ascii_lowercase() || c == '\'')
        || b.windows(3).any(|x| x[0] == x[1] && x[1] == x[2])
}

/// Every plain word of real Roman Urdu rows is kept, in order (deobfuscation only adds a
/// plain spelling beside a disguised word); the words it reads differently are a small share,
/// each with a mark of disguise.
fn deobfuscation_keeps_roman_urdu_words() -> Result<(), Skip> {
    let d = data_dir()?;
    for (name, rows) in [("ruhsold", ruhsold(&d)), ("uci", uci(&d))] {
        assert!(rows.len() > 7000, "{name}: {} rows", rows.len());
        let (mut n, mut out) = (String::new(), String::new());
        let mut rewritten = 0;
        for t in &rows {
            normalize_into(t, &mut n);
            deobfuscate_into(&n, &mut out, &|_| false);
            let mut rest = out.split_whitespace();
            let mut changed = false;
            for w in n.split_whitespace() {
                if !rest.clone().any(|x| x == w) {
                    assert!(
                        disguisable(w),
                        "{name}: plain '{w}' rewritten in '{t}' -> '{out}'"
                    );
                    changed = true;
                    continue;
                }
                // advance past the kept word
                rest.any(|x| x == w);
            }
            rewritten += changed as usize;
        }
        let share = rewritten as f64 / rows.len() as f64;
        eprintln!(
            "{name}: {rewritten} of {} rows have a word read differently",
            rows.len()
        );
        assert!(share < 0.01, "{name}: {share:.4} of rows rewritten");
    }
    Ok(())
}

/// Share of `rows` the analyzer reads as Roman Urdu/Hindi.
fn roman_share(a: &Analyzer, rows: &[String]) -> f64 {
    let mut sc = Scratch::default();
    let roman = rows
        .iter()
        .filter(|t| {
            let toks = a.tokenize(t, &mut sc);
            a.reading(toks) == Reading::Roman
        })
        .count();
    roman as f64 / rows.len() as f64
}

/// Most Roman Urdu rows are read as Roman Urdu (the rest have no function word to tell by, or
/// are English), and almost no English tweet is.
fn roman_urdu_comments_are_told_from_english() -> Result<(), Skip> {
    let d = data_dir()?;
    let a = Analyzer::new(TextConfig::default()).unwrap();
    let ru = roman_share(&a, &ruhsold(&d));
    let uc = roman_share(&a, &uci(&d));
    let olid = roman_share(
        &a,
        &column(&d.join("olid/olid-training-v1.0.tsv"), "tweet", true),
    );
    let davidson = roman_share(
        &a,
        &column(&d.join("davidson2017/labeled_data.csv"), "tweet", false),
    );
    eprintln!(
        "read as Roman Urdu: ruhsold {ru:.3}, uci {uc:.3}, olid {olid:.4}, davidson {davidson:.4}"
    );
    assert!(ru > 0.75 && uc > 0.7, "ruhsold {ru}, uci {uc}");
    assert!(
        olid < 0.01 && davidson < 0.01,
        "olid {olid}, davidson {davidson}"
    );
    // a model that asks for it stems everything
    let stem_all = Analyzer::new(TextConfig {
        roman_urdu: false,
        ..TextConfig::default()
    })
    .unwrap();
    assert_eq!(roman_share(&stem_all, &ruhsold(&d)), 0.0);
    Ok(())
}

fn main() {
    run_cases(&[
        (
            "deobfuscation_keeps_roman_urdu_words",
            deobfuscation_keeps_roman_urdu_words,
        ),
        (
            "roman_urdu_comments_are_told_from_english",
            roman_urdu_comments_are_told_from_english,
        ),
    ]);
}
