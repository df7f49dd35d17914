//! The heads' weights in the model file. Every head is written whole (f32 LE × n_features·K
//! weights, feature-major, then K intercepts), except in a general stance model (format 5):
//! there the general head group comes first, whole; then (when there are targets' heads),
//! whole, a base group holding per
//! column the weights most of the targets' heads share (in a joint fit, a target's head
//! differs from the shared weights only in the features seen under that target); then each
//! target's head as the columns where it differs from its base, `u32 count`, then per column
//! `u32 column, f32 × K weights`, then its K intercepts. A model of many targets so costs
//! little more than one of few.

use super::{Head, Link, Model};

/// Appends the heads of `m` as the format of the file wants them.
pub(super) fn write(m: &Model, out: &mut Vec<u8>) {
    let put = |out: &mut Vec<u8>, v: &[f32]| {
        for x in v {
            out.extend_from_slice(&x.to_le_bytes());
        }
    };
    if !m.spec.is_general() {
        for h in &m.heads {
            put(out, &h.weights);
            put(out, &h.bias);
        }
        return;
    }
    let per = m.spec.heads_per_target();
    let own = m.spec.n_targets() * per;
    let general = &m.heads[own..];
    // no own targets (every target rarer than the line): no bases
    let bases: Vec<Vec<f32>> = match own {
        0 => Vec::new(),
        _ => (0..per).map(|g| base(&m.heads[..own], g, per)).collect(),
    };
    for h in general {
        put(out, &h.weights);
        put(out, &h.bias);
    }
    for b in &bases {
        put(out, b);
    }
    for (i, h) in m.heads[..own].iter().enumerate() {
        let base = &bases[i % per];
        let k = h.k();
        let differs: Vec<usize> = (0..h.n_features)
            .filter(|&j| !same(&h.weights[j * k..j * k + k], &base[j * k..j * k + k]))
            .collect();
        out.extend_from_slice(&(differs.len() as u32).to_le_bytes());
        for j in differs {
            out.extend_from_slice(&(j as u32).to_le_bytes());
            put(out, &h.weights[j * k..j * k + k]);
        }
        put(out, &h.bias);
    }
}

/// Bitwise equality (a weight is stored as its bits, and -0.0 is not 0.0 there).
fn same(a: &[f32], b: &[f32]) -> bool {
    a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

/// Per column, the weights of head `g` that most targets share: Boyer and Moore's majority
/// vote over the targets, in one pass (a column without a majority gets one target's weights,
/// which only costs bytes).
fn base(own: &[Head], g: usize, per: usize) -> Vec<f32> {
    let heads: Vec<&Head> = own.iter().skip(g).step_by(per).collect();
    let first = heads[0];
    let k = first.k();
    let mut out = first.weights.clone();
    for j in 0..first.n_features {
        let (mut pick, mut count) = (&first.weights[j * k..j * k + k], 0usize);
        for h in &heads {
            let w = &h.weights[j * k..j * k + k];
            if count == 0 {
                pick = w;
            }
            count = if same(w, pick) { count + 1 } else { count - 1 };
        }
        out[j * k..j * k + k].copy_from_slice(pick);
    }
    out
}

/// Reads the heads written by [`write`]: `outputs` per head (from the header), `own` of them
/// target heads written as differences when the model is general.
pub(super) fn read(
    r: &mut Reader,
    outputs: &[usize],
    link: Link,
    nf: usize,
    general: Option<usize>,
) -> Result<Vec<Head>, String> {
    let dense = |r: &mut Reader, k: usize| -> Result<Head, String> {
        let weights = r.f32s(nf.checked_mul(k).ok_or("size overflow")?)?;
        Ok(Head {
            link,
            n_features: nf,
            weights,
            bias: r.f32s(k)?,
            calibration: None,
        })
    };
    let Some(own) = general else {
        return outputs.iter().map(|&k| dense(r, k)).collect();
    };
    if own >= outputs.len() {
        return Err("a general model without its general heads".into());
    }
    let tail: Vec<Head> = outputs[own..]
        .iter()
        .map(|&k| dense(r, k))
        .collect::<Result<_, _>>()?;
    // the bases, one per head of a group, as long as the general heads' weights (written
    // only when there are targets' heads)
    let bases: Vec<Vec<f32>> = match own {
        0 => Vec::new(),
        _ => tail
            .iter()
            .map(|h| r.f32s(h.weights.len()))
            .collect::<Result<_, _>>()?,
    };
    let mut heads = Vec::with_capacity(outputs.len());
    for (i, &k) in outputs[..own].iter().enumerate() {
        let g = i % tail.len();
        if tail[g].k() != k {
            return Err("a target head's output count differs from the general head's".into());
        }
        let mut h = tail[g].clone();
        h.weights.copy_from_slice(&bases[g]);
        let count = r.u32s(1)?[0] as usize;
        if count > nf {
            return Err("a target head lists more columns than the model has".into());
        }
        for _ in 0..count {
            let j = r.u32s(1)?[0] as usize;
            let w = r.f32s(k)?;
            h.weights
                .get_mut(j * k..j * k + k)
                .ok_or("a target head's column is past the model's features")?
                .copy_from_slice(&w);
        }
        h.bias = r.f32s(k)?;
        heads.push(h);
    }
    heads.extend(tail);
    Ok(heads)
}

pub(super) struct Reader<'a> {
    pub(super) b: &'a [u8],
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let bytes = n.checked_mul(4).ok_or("size overflow")?;
        if self.b.len() < bytes {
            return Err("the file ends before its weights do".into());
        }
        let (a, rest) = self.b.split_at(bytes);
        self.b = rest;
        Ok(a)
    }
    pub(super) fn u32s(&mut self, n: usize) -> Result<Vec<u32>, String> {
        Ok(self
            .take(n)?
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }
    pub(super) fn f32s(&mut self, n: usize) -> Result<Vec<f32>, String> {
        Ok(self
            .take(n)?
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }
}
