//! The model file: one self-describing, versioned, checksummed file.
//!
//! ```text
//! magic      8 bytes  "GAVELMDL"
//! version    u32 LE   FORMAT_VERSION
//! header_len u32 LE   then that many bytes of JSON: text and feature config, label spec,
//!                     heads (link, outputs, calibration from format 3), feature count,
//!                     training metadata
//! buckets    u32 LE × n_features      the hash bucket of each feature column: word family
//!                                     first, each by falling training frequency (format 1:
//!                                     increasing, which format 2 readers also accept)
//! idf        f32 LE × n_features
//! per head:  f32 LE × n_features·K    weights, feature-major; then f32 LE × K intercepts
//!                                     (a general stance model: see [`super::file_heads`])
//! vocab      (format 4) the reverse n-gram dictionary, see [`crate::features::Vocab::write`]
//! words      (format 6, a spelling-correcting model only) its `spelling_words` training
//!            words in order: u8 length, that many bytes, u32 LE count
//! crc32      u32 LE   CRC-32 (IEEE) of every byte before it
//! ```
//! Little-endian raw arrays load with one copy; the JSON header can be read by any tool.

use super::calibrate::Calibration;
use super::file_heads::{self, not_finite, Reader, WEIGHTS};
use super::{Head, Link, Model, Spec, TrainingMeta};
use crate::error::{Error, Result};
use crate::features::{FeatureConfig, Vectorizer, Vocab};
use crate::huge;
use crate::text::spelling::Speller;
use crate::text::TextConfig;
use serde::{Deserialize, Serialize};
use std::path::Path;

pub const MAGIC: &[u8; 8] = b"GAVELMDL";
/// 3 added each head's calibration (an older gavel must refuse such a file rather than
/// ignore the field and write uncalibrated scores); 4 the reverse n-gram dictionary; 5 the
/// general stance model's target heads as differences ([`super::file_heads`]), written only
/// for such models; 6 the training words of a spelling-correcting model, written only for
/// such models; 7 a general model's list of targets whose own heads read comments plain
/// ([`super::spec::TargetSpec::plain`]), written only for such models, so that an older
/// gavel refuses them instead of marking what they read plain; 8 a general model's target
/// heads each stored against the base or an earlier target's head
/// ([`super::file_heads`]), written for every general model.
pub const FORMAT_VERSION: u32 = 8;
/// Oldest format this gavel reads.
pub const OLDEST_FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
struct HeadMeta {
    /// "sigmoid" or "softmax"
    link: String,
    outputs: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    calibration: Option<Calibration>,
}

#[derive(Serialize, Deserialize)]
struct Header {
    text: TextConfig,
    features: FeatureConfig,
    spec: Spec,
    n_features: usize,
    heads: Vec<HeadMeta>,
    meta: TrainingMeta,
    /// how many training words follow the vocabulary (a spelling-correcting model)
    #[serde(default, skip_serializing_if = "is_zero")]
    spelling_words: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Serialises a model to bytes. A model holding a value that is not a finite number is
/// refused: gavel never writes a file it would refuse to load.
pub fn to_bytes(m: &Model) -> Result<Vec<u8>> {
    if let Some(what) = non_finite(m.vectorizer.idf(), &m.heads) {
        return Err(Error::Data(format!(
            "the model holds {what} that is not a finite number; it is not written"
        )));
    }
    let header = Header {
        text: m.vectorizer.text_config().clone(),
        features: m.vectorizer.feature_config().clone(),
        spec: m.spec.clone(),
        n_features: m.vectorizer.n_features(),
        heads: m
            .heads
            .iter()
            .map(|h| HeadMeta {
                link: match h.link {
                    Link::Sigmoid => "sigmoid".into(),
                    Link::Softmax(_) => "softmax".into(),
                },
                outputs: h.k(),
                calibration: h.calibration,
            })
            .collect(),
        meta: m.meta.clone(),
        spelling_words: m.vectorizer.speller().map_or(0, |s| s.len()),
    };
    let json = serde_json::to_vec(&header).map_err(|e| Error::Data(e.to_string()))?;
    let nf = m.vectorizer.n_features();
    let floats: usize = m.heads.iter().map(|h| h.weights.len() + h.bias.len()).sum();
    let mut out = Vec::with_capacity(20 + json.len() + nf * 8 + floats * 4);
    out.extend_from_slice(MAGIC);
    // only a general model needs format 8 (5 and 7 before it): other models keep the bytes
    // older gavels read, and only a spelling-correcting one format 6
    let version = match (m.spec.is_general(), header.spelling_words > 0) {
        (true, _) => 8,
        (false, true) => 6,
        (false, false) => 4,
    };
    out.extend_from_slice(&u32::to_le_bytes(version));
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out.extend_from_slice(&json);
    for &b in m.vectorizer.buckets() {
        out.extend_from_slice(&b.to_le_bytes());
    }
    for &v in m.vectorizer.idf() {
        out.extend_from_slice(&v.to_le_bytes());
    }
    file_heads::write(m, &mut out);
    m.vocab.write(&mut out);
    if let Some(s) = m.vectorizer.speller() {
        for (w, c) in s.words() {
            out.push(w.len() as u8);
            out.extend_from_slice(w.as_bytes());
            out.extend_from_slice(&c.to_le_bytes());
        }
    }
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    Ok(out)
}

/// Writes a model atomically: a temporary file beside `path`, then a rename (see
/// [`crate::io::output`]).
pub fn save(m: &Model, path: &Path) -> Result<()> {
    let bytes = to_bytes(m)?;
    crate::io::output::write_atomic(path, &bytes)
}

/// Most bytes of a model file's JSON header (a header is a few kilobytes).
const MAX_HEADER: usize = 64 << 20;

/// Largest model file read whole before its checksum is checked; a larger one is streamed
/// through the checksum first, so that a large file that is not a model costs no memory.
const READ_WHOLE: u64 = 256 << 20;

/// Reads a model file. The magic bytes and version are checked first; a file of up to
/// [`READ_WHOLE`] bytes is then mapped (or, where it cannot be, read) once and its checksum
/// checked in memory, a larger one has its checksum streamed before it is read, so that it
/// costs no memory if it is not a model.
pub fn load(path: &Path) -> Result<Model> {
    let bad = |msg: String| Error::BadModel {
        path: path.display().to_string(),
        msg,
    };
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let size = f.metadata().map_err(|e| Error::io(path, e))?.len();
    if !f.metadata().map_err(|e| Error::io(path, e))?.is_file() {
        return Err(bad("it is not a regular file".into()));
    }
    let mut head = [0u8; 16];
    let n = read_up_to(&mut f, &mut head).map_err(|e| Error::io(path, e))?;
    check_start(&head[..n], size).map_err(bad)?;
    use std::io::{Read, Seek};
    f.rewind().map_err(|e| Error::io(path, e))?;
    if size <= READ_WHOLE {
        // mapped (or else read) once; `from_bytes` checks the checksum in memory
        if let Some(m) = super::mapped::Mapped::new(&f, size as usize) {
            return from_bytes(m.bytes()).map_err(bad);
        }
        let mut bytes = Vec::with_capacity(size as usize);
        huge::advise(&mut bytes);
        f.read_to_end(&mut bytes).map_err(|e| Error::io(path, e))?;
        return from_bytes(&bytes).map_err(bad);
    }
    // the checksum over everything before the last 4 bytes, streamed
    let mut h = crc32fast::Hasher::new();
    let mut left = size - 4;
    let mut buf = vec![0u8; 1 << 16];
    while left > 0 {
        let want = buf.len().min(left as usize);
        f.read_exact(&mut buf[..want])
            .map_err(|e| Error::io(path, e))?;
        h.update(&buf[..want]);
        left -= want as u64;
    }
    let mut tail = [0u8; 4];
    f.read_exact(&mut tail).map_err(|e| Error::io(path, e))?;
    if h.finalize() != u32::from_le_bytes(tail) {
        return Err(bad(
            "checksum mismatch: the file is corrupt or truncated".into()
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    from_bytes(&bytes).map_err(bad)
}

/// Reads into `buf` until it is full or the source ends; returns the bytes read.
fn read_up_to(r: &mut impl std::io::Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Checks the magic bytes, the format version and the header length of a file of `size`
/// bytes that starts with `head` (its first 16 bytes, or fewer if it is that short).
fn check_start(head: &[u8], size: u64) -> Result<(), String> {
    if head.len() < 16 || size < 20 || &head[..8] != MAGIC {
        return Err("it does not start with the gavel magic bytes (wrong file?)".into());
    }
    let version = u32::from_le_bytes([head[8], head[9], head[10], head[11]]);
    if !(OLDEST_FORMAT..=FORMAT_VERSION).contains(&version) {
        return Err(format!(
            "format version {version}, this gavel reads versions {OLDEST_FORMAT} to \
             {FORMAT_VERSION}; retrain the model or use a matching gavel"
        ));
    }
    let hlen = u32::from_le_bytes([head[12], head[13], head[14], head[15]]) as u64;
    if hlen > MAX_HEADER as u64 || 20 + hlen > size {
        return Err("header length runs past the end of the file".into());
    }
    Ok(())
}

/// What in a model is not a finite number, if anything: IDF, weights, intercepts or
/// calibration.
fn non_finite(idf: &[f32], heads: &[Head]) -> Option<&'static str> {
    non_finite_idf(idf).or_else(|| heads.iter().any(|h| !h.is_finite()).then_some(WEIGHTS))
}

/// Whether an IDF value is not a finite, non-negative number.
fn non_finite_idf(idf: &[f32]) -> Option<&'static str> {
    (!crate::numeric::all_finite(idf) || idf.iter().fold(false, |neg, &v| neg | (v < 0.0)))
        .then_some("an IDF value")
}

/// Parses model bytes; the error says what is wrong with them.
pub fn from_bytes(bytes: &[u8]) -> Result<Model, String> {
    check_start(&bytes[..bytes.len().min(16)], bytes.len() as u64)?;
    let version = u32::from_le_bytes(bytes[8..12].try_into().unwrap_or_default());
    let (body, tail) = bytes.split_at(bytes.len() - 4);
    let stored = u32::from_le_bytes(tail.try_into().unwrap_or_default());
    if crc32fast::hash(body) != stored {
        return Err("checksum mismatch: the file is corrupt or truncated".into());
    }
    let hlen = u32::from_le_bytes(body[12..16].try_into().unwrap_or_default()) as usize;
    let json = body
        .get(16..16 + hlen)
        .ok_or("header length runs past the end of the file")?;
    let h: Header = serde_json::from_slice(json).map_err(|e| format!("bad header: {e}"))?;
    let mut r = Reader {
        b: &body[16 + hlen..],
    };
    let nf = h.n_features;
    let buckets = r.u32s(nf)?;
    let idf = r.f32s(nf)?;
    if let Some(t) = &h.spec.target {
        let sorted = t.plain.windows(2).all(|w| w[0] < w[1]);
        if !sorted
            || t.plain.iter().any(|p| !t.values.contains(p))
            || (!t.general && !t.plain.is_empty())
        {
            return Err("the targets read plain are not sorted targets of a general model".into());
        }
    }
    let link = h.spec.link();
    if h.heads.iter().any(|hm| hm.outputs != link.k()) {
        return Err("a head's output count does not match its labels".into());
    }
    let outputs: Vec<usize> = h.heads.iter().map(|hm| hm.outputs).collect();
    let own = h.spec.n_targets() * h.spec.heads_per_target();
    let general = (version >= 5 && h.spec.is_general()).then_some(own);
    let mut heads = file_heads::read(&mut r, &outputs, link, nf, general, version >= 8)?;
    for (head, hm) in heads.iter_mut().zip(&h.heads) {
        head.calibration = hm.calibration;
    }
    let vocab = if version >= 4 {
        let (vocab, rest) = Vocab::read(r.b, nf)?;
        r.b = rest;
        vocab
    } else {
        Vocab::default()
    };
    let words = match h.spelling_words {
        0 => None,
        _ if version < 6 => return Err("training words in a file older than format 6".into()),
        n => Some(read_words(&mut r, n)?),
    };
    if !r.b.is_empty() {
        return Err(format!("{} unexpected bytes after the weights", r.b.len()));
    }
    if h.text.spell != words.is_some() {
        return Err("the text config and the training words disagree on spelling".into());
    }
    // the heads' weights were checked as they were read
    let bad_calibration = heads.iter().any(|h| !h.calibration_is_finite());
    if let Some(what) = non_finite_idf(&idf).or(bad_calibration.then_some(WEIGHTS)) {
        return Err(not_finite(what));
    }
    // the speller's indexes are built while the scoring tables are
    let revision = h.text.spell_revision;
    let (speller, model) = rayon::join(
        || words.map(|w| speller_of(w, revision)).transpose(),
        || {
            let v = Vectorizer::from_parts(h.text, h.features, buckets, idf)
                .map_err(|e| e.to_string())?;
            Model::new(v, h.spec, heads, h.meta).map_err(|e| e.to_string())
        },
    );
    let (speller, mut m) = (speller?, model?);
    if let Some(s) = speller {
        m.vectorizer.set_speller(s).map_err(|e| e.to_string())?;
    }
    m.vocab = vocab;
    Ok(m)
}

/// The training words of a spelling-correcting model, indexed under the rules of `revision`.
fn speller_of(words: Vec<(&str, u32)>, revision: u8) -> Result<Speller, String> {
    Speller::from_sorted(words, revision).ok_or_else(|| {
        format!(
            "the training words are not distinct words in order, each one that spelling \
             revision {revision} counts"
        )
    })
}

/// `n` training words of a spelling-correcting model with their counts, each well formed.
fn read_words<'a>(r: &mut Reader<'a>, n: usize) -> Result<Vec<(&'a str, u32)>, String> {
    let mut words = Vec::with_capacity(n.min(r.b.len()));
    for _ in 0..n {
        let len = *r.b.first().ok_or("the training words run past the end")? as usize;
        let w =
            r.b.get(1..1 + len)
                .and_then(|b| std::str::from_utf8(b).ok())
                .ok_or("a training word runs past the end or is not UTF-8")?;
        r.b = &r.b[1 + len..];
        let c = r.u32()?;
        words.push((w, c));
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::train::{train, TrainConfig};
    use crate::model::ScoreScratch;
    use crate::model::{Labels, TrainingData};

    fn small_model() -> Model {
        let texts: Vec<String> = (0..30)
            .map(|i| match i % 3 {
                0 => format!("you are an idiot {i}"),
                1 => format!("what a lovely day {i}"),
                _ => format!("idiots everywhere, shut up {i}"),
            })
            .collect();
        let values: Vec<bool> = (0..30).map(|i| i % 3 != 1).collect();
        let data = TrainingData {
            text_column: "text".into(),
            lines: (2..32).collect(),
            texts,
            labels: Labels::Multi {
                columns: vec!["abusive".into()],
                values: values.into_iter().map(|v| vec![Some(v)]).collect(),
            },
            targets: None,
            source: ("mem".into(), String::new()),
            skipped: Vec::new(),
            groups: None,
            joint: None,
            sources: None,
        };
        let cfg = TrainConfig {
            calibration_folds: 3,
            ..TrainConfig::default()
        };
        train(&data, &cfg).unwrap()
    }

    /// A calibrated model comes back with the same heads, calibration included, and the same
    /// bytes when written again.
    #[test]
    fn calibrated_models_round_trip() {
        let m = small_model();
        assert!(m.heads[0].calibration.is_some());
        let bytes = to_bytes(&m).unwrap();
        let back = from_bytes(&bytes).unwrap();
        assert_eq!(back.heads, m.heads);
        assert_eq!(to_bytes(&back).unwrap(), bytes);
    }

    fn score(m: &Model, text: &str) -> f64 {
        let mut out = vec![0.0];
        m.score_into(text, 0, &mut ScoreScratch::default(), &mut out);
        out[0]
    }

    /// Format 1 stored the columns in increasing bucket order; such files still load and score
    /// as the same model does in the current format.
    #[test]
    fn format_1_files_still_load() {
        let m = small_model();
        let v = &m.vectorizer;
        let mut cols: Vec<usize> = (0..v.n_features()).collect();
        cols.sort_by_key(|&c| v.buckets()[c]);
        let pick = |x: &[f32]| cols.iter().map(|&c| x[c]).collect::<Vec<f32>>();
        let buckets = cols.iter().map(|&c| v.buckets()[c]).collect();
        let v1 = Vectorizer::from_parts(
            v.text_config().clone(),
            v.feature_config().clone(),
            buckets,
            pick(v.idf()),
        )
        .unwrap();
        let heads = m
            .heads
            .iter()
            .map(|h| Head {
                weights: pick(&h.weights),
                ..h.clone()
            })
            .collect();
        let old = Model::new(v1, m.spec.clone(), heads, m.meta.clone()).unwrap();
        let mut bytes = to_bytes(&old).unwrap();
        bytes[8..12].copy_from_slice(&1u32.to_le_bytes());
        // format 1 had no dictionary: drop the empty one's count before the checksum
        assert!(old.vocab.is_empty());
        bytes.drain(bytes.len() - 8..bytes.len() - 4);
        let n = bytes.len() - 4;
        let crc = crc32fast::hash(&bytes[..n]);
        bytes[n..].copy_from_slice(&crc.to_le_bytes());
        let loaded = from_bytes(&bytes).unwrap();
        for t in ["you idiot", "lovely day", "shut up, idiots"] {
            assert!((score(&loaded, t) - score(&m, t)).abs() < 1e-9, "{t}");
        }
        let future = FORMAT_VERSION + 1;
        bytes[8..12].copy_from_slice(&future.to_le_bytes());
        match from_bytes(&bytes) {
            Err(e) => assert!(e.contains(&format!("format version {future}")), "{e}"),
            Ok(_) => panic!("a format from the future was read"),
        }
    }
}
