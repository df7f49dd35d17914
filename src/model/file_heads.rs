//! The heads' weights in the model file. Every head is written whole (f32 LE × n_features·K
//! weights, feature-major, then K intercepts), except in a general stance model (format 5):
//! there the general head group comes first, whole; then (when there are targets' heads),
//! whole, a base group holding per column the weights most of the targets' heads share (in a
//! joint fit, a target's head differs from the shared weights only in the features seen under
//! that target); then each target's head as the columns where it differs from what it is
//! stored against, `u32 count`, then per column `u32 column, f32 × K weights`, then its K
//! intercepts. From format 8 each target's head starts with `u32 from`: 0 for the base, `1 +
//! i` for the `i`-th target head before it at the same place in its group, whichever it
//! differs from least (targets fitted in different joint parts, `train --joint-by`, share
//! their own part's weights, not the base's); before format 8 every head is stored against
//! the base. A model of many targets so costs little more than one of few.

use super::{Head, Link, Model};
use crate::huge;

/// Appends the heads of `m` as the format of the file wants them.
pub(super) fn write(m: &Model, out: &mut Vec<u8>) {
    write_heads(m, out, true)
}

/// [`write`]; without `from`, each target's head against the base, as before format 8.
fn write_heads(m: &Model, out: &mut Vec<u8>, from: bool) {
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
    let heads = &m.heads[..own];
    for (i, h) in heads.iter().enumerate() {
        let k = h.k();
        // the base, or the earlier head at the same place in its group it differs from least
        // (the first of equals)
        let earlier = if from { i % per..i } else { 0..0 };
        let candidates = std::iter::once((0, &bases[i % per][..])).chain(
            earlier
                .step_by(per)
                .map(|e| (1 + e as u32, &heads[e].weights[..])),
        );
        let (against, stored_against) = candidates
            .min_by_key(|(_, w)| differing(&h.weights, w, k).count())
            .unwrap_or((0, &bases[i % per]));
        let differs: Vec<usize> = differing(&h.weights, stored_against, k).collect();
        if from {
            out.extend_from_slice(&against.to_le_bytes());
        }
        out.extend_from_slice(&(differs.len() as u32).to_le_bytes());
        for j in differs {
            out.extend_from_slice(&(j as u32).to_le_bytes());
            put(out, &h.weights[j * k..j * k + k]);
        }
        put(out, &h.bias);
    }
}

/// The columns (of `k` weights each) where `w` differs from `from`, bitwise.
fn differing<'a>(w: &'a [f32], from: &'a [f32], k: usize) -> impl Iterator<Item = usize> + 'a {
    (0..w.len() / k).filter(move |&j| !same(&w[j * k..j * k + k], &from[j * k..j * k + k]))
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
/// target heads written as differences when the model is general, each naming what it
/// differs from when `from` (format 8), else the base.
pub(super) fn read(
    r: &mut Reader,
    outputs: &[usize],
    link: Link,
    nf: usize,
    general: Option<usize>,
    from: bool,
) -> Result<Vec<Head>, String> {
    let dense = |r: &mut Reader, k: usize| -> Result<Head, String> {
        let weights = r.f32s(nf.checked_mul(k).ok_or("size overflow")?)?;
        let bias = r.f32s(k)?;
        finite(&weights)?;
        finite(&bias)?;
        Ok(Head {
            link,
            n_features: nf,
            weights,
            bias,
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
            .map(|h| {
                let b = r.f32s(h.weights.len())?;
                finite(&b)?;
                Ok(b)
            })
            .collect::<Result<_, String>>()?,
    };
    let mut heads = Vec::with_capacity(outputs.len());
    for (i, &k) in outputs[..own].iter().enumerate() {
        let g = i % tail.len();
        if tail[g].k() != k {
            return Err("a target head's output count differs from the general head's".into());
        }
        let f = if from { r.u32()? as usize } else { 0 };
        // the weights it is stored against, copied once
        let weights = match f {
            0 => huge::copy_of(&bases[g]),
            _ => {
                let e: &Head = heads
                    .get(f - 1)
                    .filter(|_| (f - 1) % tail.len() == g)
                    .ok_or(
                    "a target head is stored against one that is not an earlier head of its place",
                )?;
                huge::copy_of(&e.weights)
            }
        };
        let mut h = Head {
            link,
            n_features: nf,
            weights,
            bias: Vec::new(),
            calibration: None,
        };
        let count = r.u32()? as usize;
        if count > nf {
            return Err("a target head lists more columns than the model has".into());
        }
        for _ in 0..count {
            let j = r.u32()? as usize;
            let w = h
                .weights
                .get_mut(j * k..j * k + k)
                .ok_or("a target head's column is past the model's features")?;
            r.f32s_into(w)?;
            finite(w)?;
        }
        h.bias = r.f32s(k)?;
        finite(&h.bias)?;
        heads.push(h);
    }
    heads.extend(tail);
    Ok(heads)
}

/// What a head holds that may not be anything but a finite number.
pub(super) const WEIGHTS: &str = "a weight, intercept or calibration value";

/// The error of a model file holding `what` that is not a finite number.
pub(super) fn not_finite(what: &str) -> String {
    format!(
        "it holds {what} that is not a finite number; such a model would score nothing \
         reliably (retrain it)"
    )
}

/// An error unless every value of `v` is a finite number (each weight is checked as it is
/// read, once: a target head's weights are copies of ones read before, but for its own
/// columns).
fn finite(v: &[f32]) -> Result<(), String> {
    match crate::numeric::all_finite(v) {
        true => Ok(()),
        false => Err(not_finite(WEIGHTS)),
    }
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
    /// One `u32`, without a vector (a target head reads one per column it differs in).
    pub(super) fn u32(&mut self) -> Result<u32, String> {
        let c = self.take(1)?;
        Ok(u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
    }
    /// `n` floats, decoded as they are taken.
    fn floats(&mut self, n: usize) -> Result<impl Iterator<Item = f32> + '_, String> {
        Ok(self
            .take(n)?
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])))
    }
    /// `out.len()` floats into `out`, without a vector.
    fn f32s_into(&mut self, out: &mut [f32]) -> Result<(), String> {
        let n = out.len();
        for (o, x) in out.iter_mut().zip(self.floats(n)?) {
            *o = x;
        }
        Ok(())
    }
    pub(super) fn f32s(&mut self, n: usize) -> Result<Vec<f32>, String> {
        let mut v = Vec::with_capacity(n);
        huge::advise(&mut v);
        v.extend(self.floats(n)?);
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::{read, same, write_heads, Reader};
    use crate::model::{train, TargetSharing, TrainConfig, TrainingData};

    /// Targets fitted in two joint parts (`train --joint-by`) come back bit for bit, each
    /// stored against what it differs from least, in fewer bytes than against the base alone;
    /// a file written as before format 8 (every head against the base) still reads.
    #[test]
    fn heads_of_joint_parts_come_back_and_cost_less() {
        let data = TrainingData::two_sources(120);
        let mut cfg = TrainConfig::default();
        cfg.params.targets = TargetSharing::General;
        let m = train(&data, &cfg).unwrap();
        let (mut now, mut before) = (Vec::new(), Vec::new());
        write_heads(&m, &mut now, true);
        write_heads(&m, &mut before, false);
        assert!(
            now.len() < before.len(),
            "{} >= {}",
            now.len(),
            before.len()
        );
        let outputs: Vec<usize> = m.heads.iter().map(|h| h.k()).collect();
        let own = m.spec.n_targets() * m.spec.heads_per_target();
        let nf = m.vectorizer.n_features();
        for (bytes, from) in [(&now, true), (&before, false)] {
            let mut r = Reader { b: bytes };
            let heads = read(&mut r, &outputs, m.spec.link(), nf, Some(own), from).unwrap();
            assert!(r.b.is_empty());
            for (a, b) in heads.iter().zip(&m.heads) {
                assert!(same(&a.weights, &b.weights) && same(&a.bias, &b.bias));
            }
        }
        // a head said to be stored against a head after it is refused, not read
        let first = 4 * ((nf * 3 + 3) + nf * 3); // past the general head and the base
        let mut bad = now.clone();
        bad[first..first + 4].copy_from_slice(&2u32.to_le_bytes());
        let link = m.spec.link();
        match read(&mut Reader { b: &bad }, &outputs, link, nf, Some(own), true) {
            Err(e) => assert!(e.contains("earlier head"), "{e}"),
            Ok(_) => panic!("a head stored against a later one was read"),
        }
        // a target head's own weight that is not a number is refused as it is read (the
        // load checks the weights it reads, not the copies made of them)
        let word = |at: usize| u32::from_le_bytes(now[at..at + 4].try_into().unwrap()) as usize;
        let (mut at, mut i) = (first, 0);
        while word(at + 4) == 0 {
            // `from`, a count of 0, the intercepts: the next head
            (at, i) = (at + 8 + 4 * outputs[i], i + 1);
            assert!(
                i < own,
                "some target head should differ from what it is stored against"
            );
        }
        let mut bad = now.clone();
        bad[at + 12..at + 16].copy_from_slice(&f32::NAN.to_le_bytes());
        match read(&mut Reader { b: &bad }, &outputs, link, nf, Some(own), true) {
            Err(e) => assert!(e.contains("not a finite number"), "{e}"),
            Ok(_) => panic!("a target head's NaN weight was read"),
        }
    }
}
