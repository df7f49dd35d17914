//! Per-core throughput of each stage of the text pipeline against the floor of simply reading
//! the same text line by line (issue 3, "distance to the limit"). One thread, the texts held in
//! memory, medians of `RUNS` passes:
//!
//! ```text
//! cargo bench --bench pipeline -- <corpus.csv> <model.gavel> [text column]
//! ```
//!
//! Stages, each including the ones before it:
//! 1. `read lines`: `BufRead::lines` over the texts written one per line (the I/O floor);
//! 2. `normalize + tokenize`;
//! 3. `+ stem + n-grams + hash`: every word and char n-gram hashed to its bucket, with no memo;
//! 4. `vectorize (model)`: the scoring path: memoised per-word work, bucket → column, TF-IDF;
//! 5. `score (model)`: vectorize and every head's probabilities.

use gavel::features::hashing::bucket;
use gavel::features::VecScratch;
use gavel::model::{file, ScoreScratch};
use gavel::text::Scratch;
use std::hint::black_box;
use std::io::{BufRead, Write};
use std::time::Instant;

const RUNS: usize = 5;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let (Some(corpus), Some(model_path)) = (args.first(), args.get(1)) else {
        eprintln!("usage: cargo bench --bench pipeline -- <corpus.csv> <model.gavel> [column]");
        return Ok(());
    };
    let column = args.get(2).map(String::as_str).unwrap_or("text");
    let mut reader = csv::Reader::from_path(corpus)?;
    let col = reader
        .headers()?
        .iter()
        .position(|h| h == column)
        .ok_or_else(|| format!("{corpus}: no column '{column}'"))?;
    let mut texts = Vec::new();
    for rec in reader.records() {
        texts.push(rec?.get(col).unwrap_or_default().replace(['\n', '\r'], " "));
    }
    let bytes: usize = texts.iter().map(|t| t.len() + 1).sum();
    let lines_file =
        std::env::temp_dir().join(format!("gavel-pipeline-{}.txt", std::process::id()));
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&lines_file)?);
        for t in &texts {
            writeln!(f, "{t}")?;
        }
    }
    let model = file::load(std::path::Path::new(model_path))?;
    let analyzer = model.vectorizer.analyzer();
    let bits = model.vectorizer.feature_config().bits;
    println!(
        "{} texts, {:.1} MB, one thread, median of {RUNS} passes",
        texts.len(),
        bytes as f64 / 1e6
    );

    let report = |name: &str, f: &mut dyn FnMut() -> u64| {
        let mut secs: Vec<f64> = (0..RUNS)
            .map(|_| {
                let t0 = Instant::now();
                black_box(f());
                t0.elapsed().as_secs_f64()
            })
            .collect();
        secs.sort_by(f64::total_cmp);
        let s = secs[RUNS / 2];
        println!(
            "  {name:<28} {:>8.1} MB/s {:>10.0} texts/s",
            bytes as f64 / s / 1e6,
            texts.len() as f64 / s
        );
    };
    report("read lines", &mut || {
        let f = std::io::BufReader::new(std::fs::File::open(&lines_file).expect("lines file"));
        f.lines()
            .map(|l| l.map(|l| l.len() as u64).unwrap_or(0))
            .sum()
    });
    let mut sc = Scratch::default();
    report("normalize + tokenize", &mut || {
        texts
            .iter()
            .map(|t| analyzer.tokenize(t, &mut sc).iter().count() as u64)
            .sum()
    });
    report("+ stem + n-grams + hash", &mut || {
        let mut h = 0u64;
        for t in &texts {
            analyzer.analyze(t, &mut sc, |fam, g| {
                let (b, _) = bucket(g.as_bytes(), fam == gavel::text::Family::Char, bits);
                h = h.wrapping_add(b as u64);
            });
        }
        h
    });
    let (mut idx, mut val) = (Vec::new(), Vec::new());
    let mut vsc = VecScratch::default();
    report("vectorize (model)", &mut || {
        texts
            .iter()
            .map(|t| {
                model
                    .vectorizer
                    .transform_into(t, &mut vsc, &mut idx, &mut val);
                idx.len() as u64
            })
            .sum()
    });
    let mut ssc = ScoreScratch::default();
    let mut out = vec![0.0; model.n_outputs()];
    report("score (model)", &mut || {
        texts
            .iter()
            .map(|t| {
                model.score_into(t, 0, &mut ssc, &mut out);
                (out[0] * 1e6) as u64
            })
            .sum()
    });
    std::fs::remove_file(&lines_file)?;
    Ok(())
}
