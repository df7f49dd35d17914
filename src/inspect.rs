//! What a model file holds, for people: its configuration, labels, training record, sizes,
//! calibration, and per output the n-grams with the strongest weights, named through the
//! model's reverse dictionary.

use crate::features::FeatureConfig;
use crate::model::{Calibration, Model, Spec, TrainingMeta};
use crate::text::TextConfig;
use serde::Serialize;

/// One feature column and its weight for an output.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Weighted {
    pub column: u32,
    /// "word" or "char"
    pub family: &'static str,
    pub weight: f64,
    /// its most frequent training n-grams (empty when the dictionary does not name it)
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
                    let mut order: Vec<u32> = (0..h.n_features as u32).collect();
                    order.sort_by(|&a, &b| w[b as usize].total_cmp(&w[a as usize]).then(a.cmp(&b)));
                    let named = |j: &u32| Weighted {
                        column: *j,
                        family: v.family_of(*j).name(),
                        weight: w[*j as usize],
                        grams: model.vocab.grams(*j).unwrap_or_default().to_vec(),
                    };
                    OutputWeights {
                        output: names[g * k + o].clone(),
                        up: order
                            .iter()
                            .take(top)
                            .filter(|&&j| w[j as usize] > 0.0)
                            .map(named)
                            .collect(),
                        down: order
                            .iter()
                            .rev()
                            .take(top)
                            .filter(|&&j| w[j as usize] < 0.0)
                            .map(named)
                            .collect(),
                    }
                })
                .collect();
            HeadInspection {
                target: model.spec.target.as_ref().map(|ts| ts.values[t].clone()),
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
        training: model.meta.clone(),
        heads,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{train, TrainConfig};

    #[test]
    fn strongest_ngrams_read_as_words() {
        let data = crate::model::train::toy_insults(40);
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
}
