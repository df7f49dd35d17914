//! gavel's sparse heads behind linfa's traits, for code that speaks linfa: a [`Csr`] matrix is
//! a linfa `Records` set, [`TrainParams`] fit a [`Head`] on a `DatasetBase<Csr, Array1<usize>>`,
//! and a head predicts class probabilities (`PredictInplace<Csr, Array2<f64>>`, so
//! `head.predict(&dataset)`).
//!
//! ```
//! use gavel::features::Csr;
//! use gavel::model::TrainParams;
//! use linfa::prelude::*;
//! use ndarray::Array2;
//!
//! let mut x = Csr::new(2);
//! for i in 0..20 {
//!     x.push_row(&[(i % 2) as u32], &[1.0]);
//! }
//! let y = ndarray::Array1::from_iter((0..20).map(|i| i % 2));
//! let data = DatasetBase::new(x, y);
//! let head = TrainParams::default().fit(&data).unwrap();
//! let p: Array2<f64> = head.predict(&data);
//! assert!(p[[1, 1]] > 0.9 && p[[0, 0]] > 0.9);
//! ```

use super::head::{fit_head, Head};
use super::objective::Link;
use super::params::TrainParams;
use crate::error::Error;
use crate::features::Csr;
use linfa::dataset::{DatasetBase, Records};
use linfa::traits::{Fit, PredictInplace};
use ndarray::{Array1, Array2};

impl Records for Csr {
    type Elem = f32;

    fn nsamples(&self) -> usize {
        self.n_rows()
    }

    fn nfeatures(&self) -> usize {
        self.n_cols
    }
}

/// Why a fit through linfa's [`Fit`] failed: gavel's own error, or linfa's (which its trait
/// requires the error to hold). Kept apart so that linfa's error type is not part of
/// [`crate::Error`].
#[derive(Debug, thiserror::Error)]
pub enum FitError {
    #[error(transparent)]
    Gavel(#[from] Error),
    #[error(transparent)]
    Linfa(#[from] linfa::Error),
}

/// Classes `0..K`: K = 2 fits a sigmoid head, more a softmax head.
impl Fit<Csr, Array1<usize>, FitError> for TrainParams {
    type Object = Head;

    fn fit(&self, data: &DatasetBase<Csr, Array1<usize>>) -> Result<Head, FitError> {
        self.check()?;
        let (x, y) = (&data.records, &data.targets);
        if y.len() != x.n_rows() || y.is_empty() {
            return Err(Error::Data(format!("{} rows but {} targets", x.n_rows(), y.len())).into());
        }
        let k = y.iter().max().map_or(0, |&m| m + 1);
        if k < 2 {
            return Err(Error::Data("targets need at least 2 classes".into()).into());
        }
        let link = if k == 2 {
            Link::Sigmoid
        } else {
            Link::Softmax(k)
        };
        let y: Vec<u32> = y.iter().map(|&c| c as u32).collect();
        Ok(fit_head(x, &y, link, self).0)
    }
}

/// One row of class probabilities per sample (two columns for a sigmoid head).
impl PredictInplace<Csr, Array2<f64>> for Head {
    fn predict_inplace(&self, x: &Csr, y: &mut Array2<f64>) {
        let mut p = vec![0.0; self.k()];
        for (i, mut out) in y.rows_mut().into_iter().enumerate().take(x.n_rows()) {
            let r = x.row(i);
            self.probs_into(r.indices, r.values, &mut p);
            match self.link {
                Link::Sigmoid => {
                    out[0] = 1.0 - p[0];
                    out[1] = p[0];
                }
                Link::Softmax(_) => out.iter_mut().zip(&p).for_each(|(o, v)| *o = *v),
            }
        }
    }

    fn default_target(&self, x: &Csr) -> Array2<f64> {
        Array2::zeros((x.n_rows(), self.k().max(2)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use linfa::prelude::*;

    #[test]
    fn linfa_fit_and_predict_match_the_native_head() {
        let mut x = Csr::new(3);
        let mut y = vec![];
        for i in 0..30usize {
            x.push_row(&[(i % 3) as u32], &[1.0]);
            y.push(i % 3);
        }
        let params = TrainParams::default();
        let ds = DatasetBase::new(x.clone(), Array1::from(y.clone()));
        let head = params.fit(&ds).unwrap();
        let native = fit_head(
            &x,
            &y.iter().map(|&c| c as u32).collect::<Vec<_>>(),
            Link::Softmax(3),
            &params,
        )
        .0;
        assert_eq!(head, native);
        let p: Array2<f64> = head.predict(&ds);
        assert_eq!(p.dim(), (30, 3));
        for (i, row) in p.rows().into_iter().enumerate() {
            let best = (0..3).max_by(|&a, &b| row[a].total_cmp(&row[b])).unwrap();
            assert_eq!(best, i % 3);
        }
    }

    #[test]
    fn linfa_fit_rejects_mismatched_or_one_class_targets() {
        let mut x = Csr::new(1);
        x.push_row(&[0], &[1.0]);
        x.push_row(&[0], &[1.0]);
        let p = TrainParams::default();
        assert!(p
            .fit(&DatasetBase::new(x.clone(), Array1::from(vec![0])))
            .is_err());
        assert!(p
            .fit(&DatasetBase::new(x, Array1::from(vec![0, 0])))
            .is_err());
    }
}
