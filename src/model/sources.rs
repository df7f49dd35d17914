//! Rows pooled from sources that label differently (`train --sources COLUMN`): labelled sets,
//! sites, moderation teams. Two things go wrong when such rows are fitted as one:
//! - each source has its own base rate (one set is 83% abusive, another 27%), and with one
//!   intercept the weights learn to tell the sources apart (their slang, their topics) to fit
//!   those rates, which says nothing about which comment of a source is abusive;
//! - the largest sources outvote the rest, whose idea of the label is then barely heard.
//!
//! So each source with rows of more than one class gets an intercept of its own in the fit,
//! and every row is weighted by the number of rows of its (source, class) to the power
//! `-power`. The intercepts are effect-coded: extra columns of value [`OFFSET_VALUE`], one per
//! such source but the smallest, whose rows carry `-OFFSET_VALUE` in all of them, so that they
//! sum to zero and the shared intercept is the sources' average. They are dropped from the
//! fitted head: scoring, which does not know a comment's source, uses that average. A source
//! of one class (neutral sentences, a set of ordinary comments) gets no intercept: it is there
//! to teach the weights what that class looks like, which an intercept of its own would
//! absorb; and since the shared intercept is held at the other sources' average, its rows
//! are read as a typical source would read them. Choices and figures: docs/design.md,
//! models/README.md.

use super::head::{fit_head_weighted, Head};
use super::head_pick;
use super::objective::Link;
use super::params::TrainParams;
use super::solver::Convergence;
use super::spec::LabelSpec;
use crate::error::{Error, Result};
use crate::features::Csr;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How rows of several sources are fitted together.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceFit {
    /// a row weighs `n^-power`, `n` the rows of its (source, class): 0 leaves every row's
    /// weight 1, 1 makes every (source, class) weigh the same in total
    pub power: f64,
    /// the label columns (`--labels`) fitted by source (`--source-heads`); `None`: every head.
    /// The others are fitted as without `--sources`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heads: Option<Vec<String>>,
}

/// `--source-power` when not given: chosen by 3-fold CV by source on the pooled abuse rows
/// (docs/design.md, "Rows from several sources"): of 0, 0.25, 0.5 and 1, 0.5 lost least on
/// the worst source.
pub const DEFAULT_POWER: f64 = 0.5;

/// The value of a source's intercept column. The solver stops at a gradient relative to the
/// first; a larger value puts more of that first gradient on these columns, and at 1 the
/// fit stopped before the sources' intercepts had settled (docs/design.md).
pub const OFFSET_VALUE: f32 = 0.5;

impl SourceFit {
    /// Whether the head of label column `column` (`None`: a class column) is fitted by
    /// source.
    pub fn fits(&self, column: Option<&str>) -> bool {
        head_pick::picks(self.heads.as_deref(), column)
    }

    /// `--source-heads` names label columns of `--labels`, each once.
    pub fn check_heads(&self, labels: &LabelSpec) -> Result<()> {
        head_pick::check(self.heads.as_deref(), labels, "--source-heads")
    }

    pub fn check(&self) -> Result<()> {
        match (0.0..=1.0).contains(&self.power) {
            true => Ok(()),
            false => Err(Error::Param(format!(
                "--source-power {} must be from 0 to 1",
                self.power
            ))),
        }
    }
}

/// A row's source intercept.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Offset {
    None,
    Column(u32),
    Reference,
}

/// The sources of a head's rows, and what each row gets from its source.
struct Terms {
    /// per row, its weight (mean 1)
    weights: Vec<f64>,
    /// per row, its source's intercept: a column past the features', every such column
    /// negated (the reference source), or none
    offsets: Vec<Offset>,
    /// the intercept columns
    n_offsets: usize,
}

impl Terms {
    /// `sources[i]` and `y[i]`: row `i`'s source and class; `n_cols`: the feature columns.
    fn new(sources: &[&str], y: &[u32], power: f64, n_cols: usize) -> Terms {
        // per source, its index in order of first occurrence; per (source, class), its rows
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut cells: HashMap<(usize, u32), usize> = HashMap::new();
        let of: Vec<usize> = sources
            .iter()
            .zip(y)
            .map(|(&s, &c)| {
                let next = index.len();
                let i = *index.entry(s).or_insert(next);
                *cells.entry((i, c)).or_default() += 1;
                i
            })
            .collect();
        let raw: Vec<f64> = of
            .iter()
            .zip(y)
            .map(|(&i, &c)| (cells[&(i, c)] as f64).powf(-power))
            .collect();
        let mean = raw.iter().sum::<f64>() / raw.len().max(1) as f64;
        // per source, its classes and rows
        let (mut n_classes, mut rows_of) = (vec![0usize; index.len()], vec![0usize; index.len()]);
        for (&(i, _), &n) in &cells {
            n_classes[i] += 1;
            rows_of[i] += n;
        }
        // a source of one class gets no intercept; of the others, the smallest (the first
        // of equals) is the reference, and with fewer than two there is none
        let two: Vec<usize> = (0..index.len()).filter(|&i| n_classes[i] > 1).collect();
        let mut offset = vec![Offset::None; index.len()];
        let mut n_offsets = 0;
        if let (true, Some(&reference)) =
            (two.len() > 1, two.iter().min_by_key(|&&i| (rows_of[i], i)))
        {
            for &i in &two {
                offset[i] = if i == reference {
                    Offset::Reference
                } else {
                    n_offsets += 1;
                    Offset::Column((n_cols + n_offsets - 1) as u32)
                };
            }
        }
        Terms {
            weights: raw.iter().map(|w| w / mean).collect(),
            offsets: of.iter().map(|&i| offset[i]).collect(),
            n_offsets,
        }
    }
}

/// Fits one head on the rows `rows` of `x` (all of them when `None`) with classes `y`,
/// row `l` of the fit coming from source `sources[l]`: the sources' intercepts fitted with
/// the weights and dropped from the head, which has `x`'s columns.
pub fn fit_head(
    x: &Csr,
    rows: Option<&[usize]>,
    y: &[u32],
    sources: &[&str],
    link: Link,
    params: &TrainParams,
    fit: &SourceFit,
) -> (Head, Convergence) {
    let terms = Terms::new(sources, y, fit.power, x.n_cols);
    let xo = with_offsets(x, rows, &terms);
    let (mut head, conv) = fit_head_weighted(&xo, y, link, params, &terms.weights, x.n_cols);
    drop(xo);
    head.weights.truncate(x.n_cols * link.k());
    head.n_features = x.n_cols;
    (head, conv)
}

/// The rows `rows` of `x` (all when `None`), each with its source's intercept column, over
/// `x`'s columns and the intercepts'.
fn with_offsets(x: &Csr, rows: Option<&[usize]>, terms: &Terms) -> Csr {
    let n = rows.map_or(x.n_rows(), <[usize]>::len);
    let all = x.n_cols as u32..(x.n_cols + terms.n_offsets) as u32;
    let mut out = Csr::new(x.n_cols + terms.n_offsets);
    out.indptr.reserve_exact(n);
    for l in 0..n {
        let r = x.row(rows.map_or(l, |rs| rs[l]));
        out.indices.extend_from_slice(r.indices);
        out.values.extend_from_slice(r.values);
        match terms.offsets[l] {
            Offset::None => {}
            Offset::Column(c) => {
                out.indices.push(c);
                out.values.push(OFFSET_VALUE);
            }
            Offset::Reference => {
                out.indices.extend(all.clone());
                out.values.extend(all.clone().map(|_| -OFFSET_VALUE));
            }
        }
        out.indptr.push(out.indices.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::head::fit_head as plain_fit;

    #[test]
    fn source_heads_pick_label_columns_and_nothing_else() {
        let multi = LabelSpec::MultiLabel {
            columns: vec!["abusive".into(), "hate".into()],
        };
        let fit = |heads: Option<&[&str]>| SourceFit {
            power: 0.5,
            heads: heads.map(|h| h.iter().map(|s| s.to_string()).collect()),
        };
        let hate = fit(Some(&["hate"]));
        assert!(hate.check_heads(&multi).is_ok());
        assert!(hate.fits(Some("hate")) && !hate.fits(Some("abusive")));
        assert!(fit(None).fits(Some("abusive")) && fit(None).fits(None));
        let err = |f: SourceFit, labels: &LabelSpec| f.check_heads(labels).unwrap_err().to_string();
        assert!(
            err(fit(Some(&["aggressive"])), &multi).contains("not one of --labels (abusive, hate)")
        );
        assert!(err(fit(Some(&["hate", "hate"])), &multi).contains("twice"));
        let classes = LabelSpec::Classes {
            column: "stance".into(),
            classes: vec!["a".into(), "b".into()],
            positive: None,
        };
        assert!(err(fit(Some(&["stance"])), &classes).contains("one --label column"));
        assert!(fit(None).check_heads(&classes).is_ok());
    }

    #[test]
    fn weights_follow_the_cells_and_one_class_sources_get_no_intercept() {
        let sources = ["a", "a", "a", "a", "b", "b", "n", "n"];
        let y = [1, 1, 1, 0, 1, 0, 0, 0];
        let t = Terms::new(&sources, &y, 1.0, 10);
        let mean = t.weights.iter().sum::<f64>() / 8.0;
        assert!((mean - 1.0).abs() < 1e-12);
        // at power 1 every (source, class) weighs the same in total
        let cell = |rows: &[usize]| rows.iter().map(|&i| t.weights[i]).sum::<f64>();
        for rows in [&[0usize, 1, 2][..], &[3], &[4], &[5], &[6, 7]] {
            assert!((cell(rows) - cell(&[3])).abs() < 1e-12, "{rows:?}");
        }
        // b, the smaller source of two classes, is the reference; n has one class
        let a = Offset::Column(10);
        let (b, n) = (Offset::Reference, Offset::None);
        assert_eq!(t.offsets, [a, a, a, a, b, b, n, n]);
        assert_eq!(t.n_offsets, 1);
        // power 0: every row weighs 1
        assert!(Terms::new(&sources, &y, 0.0, 10)
            .weights
            .iter()
            .all(|&w| w == 1.0));
        // one source holding every row: no intercept of its own
        assert_eq!(Terms::new(&["a"; 4], &[0, 1, 0, 1], 0.5, 3).n_offsets, 0);
    }

    /// Two sources with opposite base rates, told apart by a word ("zz" in a third of the
    /// rows of the mostly abusive one) that says nothing about which of a source's rows are
    /// abusive.
    fn two_sources() -> (Csr, Vec<u32>, Vec<&'static str>) {
        // columns: 0 "idiot" (abusive within either source), 1 "zz" (source a), 2 "thanks"
        let mut x = Csr::new(3);
        let (mut y, mut s) = (vec![], vec![]);
        for i in 0..2000 {
            let a = i % 2 == 0;
            // source a: 80% abusive; source b: 20%
            let abusive = if a { i % 10 != 0 } else { i % 10 == 1 };
            let noisy = i % 7 == 0; // some rows of each class without their word
            let mut cols = vec![];
            match (abusive, noisy) {
                (true, false) => cols.push(0),
                (false, false) => cols.push(2),
                _ => {}
            }
            if a && i % 3 == 0 {
                cols.push(1);
            }
            let vals = vec![1.0; cols.len()];
            x.push_row(&cols, &vals);
            y.push(abusive as u32);
            s.push(if a { "a" } else { "b" });
        }
        (x, y, s)
    }

    #[test]
    fn a_word_that_only_names_a_source_learns_its_base_rate_only_without_sources() {
        let (x, y, s) = two_sources();
        let mut params = TrainParams::default();
        params.solver.tol = 1e-6;
        let (plain, _) = plain_fit(&x, &y, Link::Sigmoid, &params);
        let (by_source, conv) = fit_head(
            &x,
            None,
            &y,
            &s,
            Link::Sigmoid,
            &params,
            &SourceFit {
                power: 0.0,
                heads: None,
            },
        );
        assert!(conv.converged, "{conv:?}");
        assert_eq!(by_source.weights.len(), 3);
        // pooled, "zz" carries source a's base rate; with each source's intercept, it has
        // next to nothing left to say, while "idiot" keeps its weight
        assert!(plain.weights[1] > 1.0, "{:?}", plain.weights);
        assert!(
            by_source.weights[1].abs() < 0.25 * plain.weights[1],
            "{:?} vs {:?}",
            by_source.weights,
            plain.weights
        );
        assert!(by_source.weights[0] > 1.0, "{:?}", by_source.weights);
    }

    #[test]
    fn a_source_of_one_class_still_teaches_the_weights() {
        // beside the two sources, neutral sentences naming one of 50 groups (columns 3..53),
        // all class 0: read at the sources' average intercept, they teach that naming a group
        // is not abuse (were the shared intercept free, it alone would explain them)
        let (x2, mut y, mut s) = two_sources();
        let mut x = Csr::new(53);
        for i in 0..x2.n_rows() {
            let r = x2.row(i);
            x.push_row(r.indices, r.values);
        }
        for i in 0..300 {
            x.push_row(&[3 + i % 50], &[1.0]);
            y.push(0);
            s.push("neutral");
        }
        let mut params = TrainParams::default();
        params.solver.tol = 1e-6;
        let fit = SourceFit {
            power: 0.0,
            heads: None,
        };
        let (h, _) = fit_head(&x, None, &y, &s, Link::Sigmoid, &params, &fit);
        let mean = h.weights[3..].iter().sum::<f32>() / 50.0;
        assert!(mean < -1.0, "{:?}", &h.weights[3..]);
        let mut p = [0.0];
        h.probs_into(&[3], &[1.0], &mut p);
        assert!(p[0] < 0.3, "{p:?}");
    }

    #[test]
    fn selected_rows_are_the_rows_fitted() {
        let (x, y, s) = two_sources();
        let rows: Vec<usize> = (0..x.n_rows()).filter(|i| i % 3 != 0).collect();
        let ys: Vec<u32> = rows.iter().map(|&i| y[i]).collect();
        let ss: Vec<&str> = rows.iter().map(|&i| s[i]).collect();
        let fit = SourceFit {
            power: 0.25,
            heads: None,
        };
        let p = TrainParams::default();
        let (a, _) = fit_head(&x, Some(&rows), &ys, &ss, Link::Sigmoid, &p, &fit);
        let (b, _) = fit_head(&x.select(&rows), None, &ys, &ss, Link::Sigmoid, &p, &fit);
        assert_eq!(a, b);
    }
}
