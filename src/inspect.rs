//! What a model file holds, for people: its configuration, labels, training record, sizes,
//! calibration, and per output the n-grams with the strongest weights, named through the
//! model's reverse dictionary.

use crate::features::hashing::bucket;
use crate::features::FeatureConfig;
use crate::model::{Calibration, Model, Spec, TrainingMeta};
use crate::text::{Family, TextConfig};
use serde::Serialize;

/// One feature column (or the n-grams of one hash sign in it) and its weight for an output.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Weighted {
    pub column: u32,
    /// "word" or "char"
    pub family: &'static str,
    /// what one occurrence of `grams` adds to the output's logit (before TF-IDF scaling): the
    /// column's weight times the n-grams' hash sign. A column the dictionary does not name
    /// shows its weight as stored (the sign of its n-grams is unknown).
    pub weight: f64,
    /// its most frequent training n-grams of that sign (empty when the dictionary does not
    /// name the column)
    pub grams: Vec<String>,
}

/// The strongest columns of one output of one head.
#[derive(Clone, Debug, Serialize)]
pub struct OutputWeights {
    /// the probability column
    pub output: String,
    /// largest weights first: the n-grams that raise this output
    pub up: Vec<Weighted>,
    /// most negative first: the n-grams that lower it
    pub down: Vec<Weighted>,
}

/// One head: its target (per-target models), calibration, threshold and strongest columns.
#[derive(Clone, Debug, Serialize)]
pub struct HeadInspection {
    pub target: Option<String>,
    pub calibration: Option<Calibration>,
    /// one-output heads: the probability at which the model calls the positive class
    pub threshold: Option<f64>,
    pub outputs: Vec<OutputWeights>,
}

/// Everything `gavel inspect` shows.
#[derive(Clone, Debug, Serialize)]
pub struct Inspection {
    pub text: TextConfig,
    pub features: FeatureConfig,
    pub spec: Spec,
    pub outputs: Vec<String>,
    pub n_features: usize,
    /// columns named by the reverse dictionary
    pub named_columns: usize,
    /// the training words of a spelling-correcting model (`text.spell`)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spelling_words: Option<usize>,
    pub training: TrainingMeta,
    pub heads: Vec<HeadInspection>,
}

/// Inspects `model`, listing `top` columns per direction and output. For softmax heads a
/// column's weight for a class is taken relative to its mean over the classes (softmax only
/// sees differences), so "up" reads as "towards this class rather than the others".
pub fn inspect(model: &Model, top: usize) -> Inspection {
    let per = model.spec.heads_per_target();
    let k = model.spec.link().k();
    let names = model.output_names();
    let v = &model.vectorizer;
    let heads = model
        .heads
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let (t, g) = (i / per, i % per);
            let outputs = (0..k)
                .map(|o| {
                    let w: Vec<f64> = (0..h.n_features)
                        .map(|j| {
                            let row = &h.weights[j * k..j * k + k];
                            let mean = if k > 1 {
                                row.iter().map(|&x| x as f64).sum::<f64>() / k as f64
                            } else {
                                0.0
                            };
                            row[o] as f64 - mean
                        })
                        .collect();
                    let entries = signed_entries(model, &w);
                    let mut order: Vec<usize> = (0..entries.len()).collect();
                    order.sort_by(|&a, &b| {
                        entries[b]
                            .weight
                            .total_cmp(&entries[a].weight)
                            .then(entries[a].column.cmp(&entries[b].column))
                    });
                    OutputWeights {
                        output: names[g * k + o].clone(),
                        up: order
                            .iter()
                            .take(top)
                            .filter(|&&e| entries[e].weight > 0.0)
                            .map(|&e| entries[e].clone())
                            .collect(),
                        down: order
                            .iter()
                            .rev()
                            .take(top)
                            .filter(|&&e| entries[e].weight < 0.0)
                            .map(|&e| entries[e].clone())
                            .collect(),
                    }
                })
                .collect();
            HeadInspection {
                // the any-target group (`--any-target`) comes after the targets' groups
                target: model.spec.target.as_ref().map(|ts| {
                    ts.values
                        .get(t)
                        .cloned()
                        .unwrap_or_else(|| "(any other target)".to_string())
                }),
                calibration: h.calibration,
                threshold: (k == 1).then(|| h.threshold()),
                outputs,
            }
        })
        .collect();
    Inspection {
        text: v.text_config().clone(),
        features: v.feature_config().clone(),
        spec: model.spec.clone(),
        outputs: names,
        n_features: v.n_features(),
        named_columns: model.vocab.len(),
        spelling_words: v.speller().map(|s| s.len()),
        training: model.meta.clone(),
        heads,
    }
}

/// One entry per column and hash sign of its named n-grams, weighted as one occurrence of
/// those n-grams moves the logit (`w` per column). Hashing gives each n-gram a sign, so a
/// column's weight raises the output for its `+` n-grams and lowers it for its `−` ones.
fn signed_entries(model: &Model, w: &[f64]) -> Vec<Weighted> {
    let v = &model.vectorizer;
    let bits = v.feature_config().bits;
    let mut out = Vec::with_capacity(w.len());
    for (j, &wj) in w.iter().enumerate() {
        let j = j as u32;
        let family = v.family_of(j);
        let entry = |weight: f64, grams: Vec<String>| Weighted {
            column: j,
            family: family.name(),
            weight,
            grams,
        };
        let grams = model.vocab.grams(j).unwrap_or_default();
        if grams.is_empty() {
            out.push(entry(wj, Vec::new()));
            continue;
        }
        // the sign of each n-gram, from its hash (an n-gram cut to the dictionary's length
        // limit no longer hashes to this column and keeps the stored weight)
        let sign = |g: &str| {
            let (b, s) = bucket(g.as_bytes(), family == Family::Char, bits);
            if v.buckets()[j as usize] == b {
                s as f64
            } else {
                1.0
            }
        };
        for s in [1.0, -1.0] {
            let of_sign: Vec<String> = grams.iter().filter(|g| sign(g) == s).cloned().collect();
            if !of_sign.is_empty() {
                out.push(entry(s * wj, of_sign));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{train, TrainConfig};

    #[test]
    fn strongest_ngrams_read_as_words() {
        let data = crate::model::data::toy_insults(40);
        let cfg = TrainConfig {
            vocab_columns: 50,
            ..TrainConfig::default()
        };
        let m = train(&data, &cfg).unwrap();
        let ins = inspect(&m, 5);
        assert_eq!(ins.named_columns, 50);
        let out = &ins.heads[0].outputs[0];
        assert_eq!(out.output, "p_insult");
        let up: Vec<&str> = out
            .up
            .iter()
            .flat_map(|w| w.grams.iter().map(|g| g.as_str()))
            .collect();
        assert!(
            up.iter()
                .any(|g| g.contains("idiot") || g.contains("stupid")),
            "{up:?}"
        );
        let down: Vec<&str> = out
            .down
            .iter()
            .flat_map(|w| w.grams.iter().map(|g| g.as_str()))
            .collect();
        assert!(
            down.iter()
                .any(|g| g.contains("thank") || g.contains("report")),
            "{down:?}"
        );
        assert!(out.up.windows(2).all(|p| p[0].weight >= p[1].weight));
    }

    /// Hashing signs each n-gram; "idiot" hashes with sign −1 (pinned in `hashing`), so its
    /// column's weight is negative while the word raises p_insult. It must be listed as
    /// raising it, and every listed n-gram must move the score the way its list says.
    #[test]
    fn listed_ngrams_move_the_score_their_way() {
        let data = crate::model::data::toy_insults(40);
        let cfg = TrainConfig {
            vocab_columns: 10_000,
            ..TrainConfig::default()
        };
        let m = train(&data, &cfg).unwrap();
        let (_, sign) = bucket(b"idiot", false, m.vectorizer.feature_config().bits);
        assert_eq!(sign, -1.0, "the test needs a negatively signed word");
        let out = &inspect(&m, 200).heads[0].outputs[0];
        let word_up = |g: &str| {
            out.up
                .iter()
                .any(|w| w.family == "word" && w.grams.iter().any(|x| x == g))
        };
        assert!(word_up("idiot"), "{:?}", out.up);
        assert!(word_up("stupid"), "{:?}", out.up);
        let word_down = |g: &str| {
            out.down
                .iter()
                .any(|w| w.family == "word" && w.grams.iter().any(|x| x == g))
        };
        assert!(word_down("thank"), "{:?}", out.down);
        assert!(!word_down("idiot") && !word_up("thank"));
        // and the words do move the score that way
        let score = |t: &str| {
            let mut sc = crate::model::ScoreScratch::default();
            let mut p = [0.0];
            m.score_into(t, 0, &mut sc, &mut p);
            p[0]
        };
        assert!(score("idiot") > score("") && score("thank") < score(""));
    }
}
