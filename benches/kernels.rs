//! What one pass of the solver costs per matrix entry, and what bounds it (issue 3, "distance
//! to the limit"): the solver's own `gather` (`xᵢ · w`) and `scatter` (`s += r · xᵢ`) kernels
//! on one thread, on the real training matrix and on a copy whose column indices are masked
//! into 4,096 columns (both vectors then stay in L1: wrong sums, timing only), against
//! streaming the same entries; then the fused Hessian-vector pass on every core. Medians of
//! `RUNS` passes:
//!
//! ```text
//! cargo bench --bench kernels -- <train.csv> [text column] [label column]
//! ```

use gavel::features::{Csr, FeatureConfig, Vectorizer};
use gavel::model::kernels::{gather, scatter};
use gavel::model::logistic::Logistic;
use gavel::model::objective::{Link, Objective};
use gavel::text::TextConfig;
use std::hint::black_box;
use std::time::Instant;

const RUNS: usize = 7;

/// Median seconds of `RUNS` calls of `f`.
fn median(mut f: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..RUNS)
        .map(|_| {
            let a = Instant::now();
            f();
            a.elapsed().as_secs_f64()
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[RUNS / 2]
}

/// Sums every entry's value and index in four lanes: reads what the kernels read, in order.
fn stream(x: &Csr) -> f64 {
    let mut acc = [0.0f64; 4];
    for (i4, v4) in x.indices.chunks_exact(4).zip(x.values.chunks_exact(4)) {
        for t in 0..4 {
            acc[t] += v4[t] as f64 + i4[t] as f64;
        }
    }
    acc.iter().sum()
}

fn gather_all(x: &Csr, w: &[f64]) -> f64 {
    let mut z = [0.0];
    let mut t = 0.0;
    for i in 0..x.n_rows() {
        gather(x.row(i), w, &[0.0], &mut z);
        t += z[0];
    }
    t
}

fn scatter_all(x: &Csr, sink: &mut [f64]) {
    for i in 0..x.n_rows() {
        scatter(x.row(i), &[(i % 7) as f64 * 0.1], sink);
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let Some(path) = args.first() else {
        eprintln!("usage: cargo bench --bench kernels -- <train.csv> [text column] [label column]");
        return Ok(());
    };
    let text = args.get(1).map(String::as_str).unwrap_or("text");
    let label = args.get(2).map(String::as_str).unwrap_or("abusive");
    let mut reader = csv::Reader::from_path(path)?;
    let header = reader.headers()?.clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or(format!("{path}: no column '{name}'"))
    };
    let (ti, li) = (col(text)?, col(label)?);
    let (mut texts, mut y) = (Vec::new(), Vec::new());
    for r in reader.records() {
        let r = r?;
        texts.push(r[ti].to_string());
        y.push((&r[li] != "0") as u32);
    }
    let features = FeatureConfig {
        min_df: 2,
        ..FeatureConfig::default()
    };
    let (_, x) = Vectorizer::fit(TextConfig::default(), features, &texts)?;
    let mut masked = x.clone();
    masked.indices.iter_mut().for_each(|j| *j &= 4095);
    masked.n_cols = 4096;
    let nnz = x.nnz() as f64;
    println!(
        "{} rows, {} columns, {} entries ({:.0} MB); one thread unless said, medians of {RUNS}",
        x.n_rows(),
        x.n_cols,
        x.nnz(),
        x.heap_bytes() as f64 / 1e6
    );
    let show = |name: &str, secs: f64| {
        println!(
            "{name:48} {:8.1} ms {:6.2} ns/entry",
            secs * 1e3,
            secs * 1e9 / nnz
        );
    };
    let w: Vec<f64> = (0..x.n_cols).map(|j| (j % 11) as f64 * 0.01).collect();
    let mut sink = vec![0.0; x.n_cols];
    show(
        "stream indices and values",
        median(|| {
            black_box(stream(&x));
        }),
    );
    show(
        "gather",
        median(|| {
            black_box(gather_all(&x, &w));
        }),
    );
    show(
        "gather, columns masked into 4,096",
        median(|| {
            black_box(gather_all(&masked, &w));
        }),
    );
    show("scatter", median(|| scatter_all(&x, &mut sink)));
    show(
        "scatter, columns masked into 4,096",
        median(|| scatter_all(&masked, &mut sink)),
    );
    black_box(&sink);
    let cost = vec![1.0; y.len()];
    let mut f = Logistic::new(&x, &y, cost, Link::Sigmoid);
    let n = f.dim();
    let w: Vec<f64> = (0..n)
        .map(|i| ((i * 7) % 11) as f64 * 0.01 - 0.05)
        .collect();
    let v: Vec<f64> = (0..n)
        .map(|i| ((i * 5) % 13) as f64 * 0.01 - 0.06)
        .collect();
    let mut out = vec![0.0; n];
    f.value(&w);
    f.gradient(&w, &mut out);
    let threads = rayon::current_num_threads();
    show(
        &format!("fused Hessian-vector pass, {threads} threads (wall)"),
        median(|| f.hess_vec(&v, &mut out)),
    );
    Ok(())
}
