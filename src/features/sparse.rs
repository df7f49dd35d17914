//! Compressed sparse rows: the only matrix gavel builds. `f32` values, `u32` column indices.

use rayon::prelude::*;

/// A CSR matrix. Row `i` is `indices[indptr[i]..indptr[i+1]]` with the matching `values`;
/// column indices within a row are distinct, in any order (the training matrix keeps each
/// row's order of first occurrence; [`crate::features::Vectorizer::transform_batch`] rows are
/// increasing).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Csr {
    pub indptr: Vec<usize>,
    pub indices: Vec<u32>,
    pub values: Vec<f32>,
    pub n_cols: usize,
}

/// One sparse row, borrowed.
#[derive(Clone, Copy, Debug)]
pub struct Row<'a> {
    pub indices: &'a [u32],
    pub values: &'a [f32],
}

impl Row<'_> {
    /// `w · x` for a dense `w` indexed by column.
    #[inline]
    pub fn dot(&self, w: &[f64]) -> f64 {
        let mut s = 0.0;
        for (&j, &v) in self.indices.iter().zip(self.values) {
            s += w[j as usize] * v as f64;
        }
        s
    }
}

impl Csr {
    pub fn new(n_cols: usize) -> Self {
        Csr {
            indptr: vec![0],
            indices: vec![],
            values: vec![],
            n_cols,
        }
    }

    pub fn n_rows(&self) -> usize {
        self.indptr.len() - 1
    }

    pub fn nnz(&self) -> usize {
        self.indices.len()
    }

    pub fn row(&self, i: usize) -> Row<'_> {
        let (s, e) = (self.indptr[i], self.indptr[i + 1]);
        Row {
            indices: &self.indices[s..e],
            values: &self.values[s..e],
        }
    }

    /// Appends a row; `indices` must be distinct and below `n_cols`.
    pub fn push_row(&mut self, indices: &[u32], values: &[f32]) {
        debug_assert_eq!(indices.len(), values.len());
        debug_assert!(indices.iter().all(|&j| (j as usize) < self.n_cols));
        self.indices.extend_from_slice(indices);
        self.values.extend_from_slice(values);
        self.indptr.push(self.indices.len());
    }

    /// The rows of `parts` (all over `n_cols` columns), in order, as one matrix. Each part is
    /// copied into its own range by its own task and freed as soon as it is copied, so the
    /// copies run on every core and the memory peak stays near one matrix (the zeroed arrays
    /// take pages only as they are filled).
    pub fn concat(parts: Vec<Csr>, n_cols: usize) -> Csr {
        let nnz = parts.iter().map(Csr::nnz).sum::<usize>();
        let mut m = Csr::new(n_cols);
        m.indptr
            .reserve_exact(parts.iter().map(Csr::n_rows).sum::<usize>());
        for p in &parts {
            let base = m.indptr[m.indptr.len() - 1];
            m.indptr.extend(p.indptr[1..].iter().map(|&q| q + base));
        }
        m.indices = vec![0; nnz];
        m.values = vec![0.0; nnz];
        let mut jobs = Vec::with_capacity(parts.len());
        let (mut idx, mut val) = (&mut m.indices[..], &mut m.values[..]);
        for p in parts {
            let (pi, ri) = std::mem::take(&mut idx).split_at_mut(p.nnz());
            let (pv, rv) = std::mem::take(&mut val).split_at_mut(p.nnz());
            jobs.push((p, pi, pv));
            (idx, val) = (ri, rv);
        }
        jobs.into_par_iter().for_each(|(p, pi, pv)| {
            pi.copy_from_slice(&p.indices);
            pv.copy_from_slice(&p.values);
        });
        m
    }

    /// The rows `rows`, in that order, as a new matrix.
    pub fn select(&self, rows: &[usize]) -> Csr {
        let mut out = Csr::new(self.n_cols);
        for &i in rows {
            let r = self.row(i);
            out.push_row(r.indices, r.values);
        }
        out
    }

    /// Bytes held by the three arrays.
    pub fn heap_bytes(&self) -> usize {
        self.indptr.len() * 8 + self.indices.len() * 4 + self.values.len() * 4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_select_concat() {
        let mut m = Csr::new(5);
        m.push_row(&[0, 3], &[1.0, 2.0]);
        m.push_row(&[], &[]);
        m.push_row(&[4], &[3.0]);
        assert_eq!(m.n_rows(), 3);
        assert_eq!(m.row(0).dot(&[1.0, 0.0, 0.0, 10.0, 0.0]), 21.0);
        let s = m.select(&[2, 0]);
        assert_eq!(s.row(0).indices, &[4]);
        assert_eq!(s.row(1).values, &[1.0, 2.0]);
        let a = Csr::concat(vec![s.clone(), m.clone()], 5);
        assert_eq!(a.n_rows(), 5);
        assert_eq!(a.row(4).indices, &[4]);
    }
}
