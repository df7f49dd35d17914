//! Why a comment got its scores: each head's logit split into its intercept and one exact
//! contribution per feature column (weight × feature value), with the n-grams of the text that
//! landed in that column. Several n-grams in one column are a hash collision, or one n-gram's
//! repeats: all are listed, never hidden. The same contributions summed per word of the
//! comment as written ([`spans`]) are what a moderator reads.

pub mod align;
pub mod spans;

use crate::model::{Calibration, Model};
use rustc_hash::FxHashMap;
use serde::Serialize;
pub use spans::WordSpan;

/// One feature column of the text and what it added to each output's logit.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Driver {
    /// "word" or "char"
    pub family: &'static str,
    /// the text's n-grams in this column (word n-grams are of stems), in order of appearance
    pub grams: Vec<String>,
    /// other frequent training n-grams in this column (from the model's reverse dictionary):
    /// a hash collision the weight also learned from
    pub shared_with: Vec<String>,
    pub column: u32,
    /// the feature's TF-IDF value in the row
    pub value: f64,
    /// `weight × value` per output of the head
    pub contribution: Vec<f64>,
}

/// One head's logits, split exactly: `logit[o] = bias[o] + Σ drivers[·].contribution[o]`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct HeadExplanation {
    /// the head's output names (probability columns)
    pub outputs: Vec<String>,
    pub bias: Vec<f64>,
    pub logits: Vec<f64>,
    /// `probs = link(a · logits + b)` when the head is calibrated, else `link(logits)`
    pub calibration: Option<Calibration>,
    pub probs: Vec<f64>,
    /// every feature of the text, strongest (largest |contribution|, summed over outputs) first
    pub drivers: Vec<Driver>,
    /// the same contributions summed per word span of the comment, in text order:
    /// `logit[o] = bias[o] + Σ spans[·].contribution[o]`
    pub spans: Vec<WordSpan>,
}

impl HeadExplanation {
    /// The `n` drivers that pushed output `o` furthest towards (`up`) or away from it.
    pub fn top(&self, o: usize, n: usize, up: bool) -> Vec<&Driver> {
        strongest(
            &self.drivers,
            |d| (d.contribution[o], d.column as usize),
            n,
            up,
        )
    }

    /// The `n` word spans that pushed output `o` furthest towards (`up`) or away from it.
    pub fn top_spans(&self, o: usize, n: usize, up: bool) -> Vec<&WordSpan> {
        strongest(&self.spans, |s| (s.contribution[o], s.begin), n, up)
    }
}

/// The `n` items whose contribution (the first of `key`) is largest in size with the sign
/// `up` asks for; ties in the order of the second of `key`.
fn strongest<T>(items: &[T], key: impl Fn(&T) -> (f64, usize), n: usize, up: bool) -> Vec<&T> {
    let mut d: Vec<&T> = items
        .iter()
        .filter(|x| {
            let c = key(x).0;
            (c > 0.0) == up && c != 0.0
        })
        .collect();
    d.sort_by(|a, b| {
        let ((x, i), (y, j)) = (key(a), key(b));
        y.abs().total_cmp(&x.abs()).then(i.cmp(&j))
    });
    d.truncate(n);
    d
}

/// Explains the comment `text` of the target named `target` (if any) under head group `t`
/// (`model.target_index(target)`): [`explain`] of the text as the model reads it
/// ([`Model::text_for`]), with the word spans pointing into the comment as written. A general
/// stance model's mark of the target covers the words it replaced, and its mark of a comment
/// that never names the target is the empty span at the comment's end, shown as
/// "(target not named)".
pub fn explain_for(
    model: &Model,
    text: &str,
    target: Option<&str>,
    t: usize,
) -> Vec<HeadExplanation> {
    if !model.spec.marks(target) {
        return explain(model, text, t);
    }
    let marked = crate::text::mention::Marked::new(text, target.unwrap_or(""));
    let mut heads = explain(model, &marked.text, t);
    for h in &mut heads {
        for s in &mut h.spans {
            let (b, e) = marked.span_in_comment(s.begin, s.end);
            (s.begin, s.end) = (b, e);
            s.text = match b == e {
                true => "(target not named)".to_string(),
                false => text[b..e].to_string(),
            };
        }
    }
    heads
}

/// Explains `text` under head group `target` (see [`Model::target_index`]): one entry per
/// head of the group. The text is taken as the model reads it: see [`explain_for`] for a
/// comment as written.
pub fn explain(model: &Model, text: &str, target: usize) -> Vec<HeadExplanation> {
    let row = model.vectorizer.explain_row(text);
    let per = model.spec.heads_per_target();
    let k = model.spec.link().k();
    let names = model.output_names();
    (0..per)
        .map(|g| {
            let h = &model.heads[target * per + g];
            let bias: Vec<f64> = h.bias.iter().map(|&b| b as f64).collect();
            let mut logits = bias.clone();
            let mut drivers: Vec<Driver> = row
                .iter()
                .map(|f| {
                    let c = f.column as usize;
                    let contribution: Vec<f64> = h.weights[c * k..c * k + k]
                        .iter()
                        .map(|&w| w as f64 * f.value as f64)
                        .collect();
                    for (z, c) in logits.iter_mut().zip(&contribution) {
                        *z += c;
                    }
                    Driver {
                        family: f.family.name(),
                        grams: f.grams.clone(),
                        shared_with: model
                            .vocab
                            .grams(f.column)
                            .unwrap_or_default()
                            .iter()
                            .filter(|g| !f.grams.contains(g))
                            .cloned()
                            .collect(),
                        column: f.column,
                        value: f.value as f64,
                        contribution,
                    }
                })
                .collect();
            drivers.sort_by(|a, b| {
                let s = |d: &Driver| d.contribution.iter().map(|c| c.abs()).sum::<f64>();
                s(b).total_cmp(&s(a)).then(a.column.cmp(&b.column))
            });
            let mut probs = vec![0.0; k];
            h.link_into(&logits, &mut probs);
            let by_column: FxHashMap<u32, Vec<f64>> = drivers
                .iter()
                .map(|d| (d.column, d.contribution.clone()))
                .collect();
            HeadExplanation {
                outputs: names[g * k..g * k + k].to_vec(),
                bias,
                logits,
                calibration: h.calibration,
                probs,
                drivers,
                spans: spans::word_spans(&model.vectorizer, text, k, &by_column),
            }
        })
        .collect()
}

/// The `n` words of the comment that pushed each of `outputs` (indices into the model's
/// outputs) up, as written, with their share of the logit: `p_x: idiot (+1.92), stupid
/// (+0.85); p_y: …`.
pub fn drivers_text(
    model: &Model,
    text: &str,
    (target_name, target): (Option<&str>, usize),
    outputs: &[usize],
    n: usize,
) -> String {
    let k = model.spec.link().k();
    let names = model.output_names();
    let outputs: Vec<usize> = outputs
        .iter()
        .copied()
        .filter(|&o| o < names.len())
        .collect();
    if outputs.is_empty() {
        return String::new();
    }
    let e = explain_for(model, text, target_name, target);
    outputs
        .iter()
        .map(|&o| {
            let top: Vec<String> = e[o / k]
                .top_spans(o % k, n, true)
                .iter()
                .map(|s| format!("{} ({:+.2})", s.text, s.contribution[o % k]))
                .collect();
            format!("{}: {}", names[o], top.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{train, TrainConfig};

    fn toy() -> Model {
        let data = crate::model::data::toy_insults(30);
        let cfg = TrainConfig {
            calibration_folds: 3,
            ..TrainConfig::default()
        };
        train(&data, &cfg).unwrap()
    }

    #[test]
    fn contributions_sum_to_the_logit_and_match_the_score() {
        let m = toy();
        let text = "you idiot, thank you";
        let e = &explain(&m, text, 0)[0];
        let sum: f64 = e.bias[0] + e.drivers.iter().map(|d| d.contribution[0]).sum::<f64>();
        assert!((sum - e.logits[0]).abs() < 1e-9);
        let mut p = [0.0];
        crate::model::ScoreScratch::with(|sc| m.score_into(text, 0, sc, &mut p));
        assert!((p[0] - e.probs[0]).abs() < 1e-5, "{} {}", p[0], e.probs[0]);
        // the probability is the calibrated logit through the sigmoid
        let c = e.calibration.expect("the toy model is calibrated");
        let calibrated = crate::model::kernels::sigmoid(c.a * e.logits[0] + c.b);
        assert!((calibrated - e.probs[0]).abs() < 1e-12);
        // the insult pushes the score up, and reads as words
        let up = e.top(0, 3, true);
        assert!(up
            .iter()
            .any(|d| d.grams.iter().any(|g| g.contains("idiot"))));
        assert!(e.drivers.iter().all(|d| !d.grams.is_empty()));
    }

    /// Words as written carry the columns' contributions exactly, and a disguised insult is
    /// the word that raises the score.
    #[test]
    fn word_spans_add_up_to_the_logit() {
        let m = toy();
        for text in [
            "you idiot, thank you",
            "i d i o t!!! you are",
            "thank you so much ｆｏｒ this 👍 http://x.y @someone",
            "",
            "idiot idiot idiot",
        ] {
            let e = &explain(&m, text, 0)[0];
            let sum: f64 = e.bias[0] + e.spans.iter().map(|s| s.contribution[0]).sum::<f64>();
            assert!(
                (sum - e.logits[0]).abs() < 1e-9,
                "{text}: {sum} {}",
                e.logits[0]
            );
            for s in &e.spans {
                assert_eq!(&text[s.begin..s.end], s.text);
            }
            assert!(e.spans.windows(2).all(|w| w[0].begin <= w[1].begin));
        }
        let e = &explain(&m, "you are an i.d.i.o.t, thanks", 0)[0];
        assert_eq!(e.top_spans(0, 1, true)[0].text, "i.d.i.o.t");
    }
}
