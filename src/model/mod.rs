//! Sparse rows → probabilities: logistic heads, their objective and solver, training, and
//! the model file.

pub mod adapt;
pub mod augment;
pub mod calibrate;
pub mod crossfit;
pub mod data;
pub mod external;
pub mod file;
pub mod file_heads;
pub mod fit;
pub mod general;
pub mod head;
pub mod head_pick;
pub mod intercepts;
pub mod joint;
pub mod kernels;
pub mod limits;
pub mod linfa_api;
pub mod logistic;
pub mod mapped;
pub mod meta;
pub mod nb;
pub mod objective;
pub mod params;
pub mod reference;
pub mod solver;
pub mod sources;
pub mod spec;
pub mod table;
pub mod train;
pub mod vecops;

pub use calibrate::Calibration;
pub use data::{Labels, TrainingData};
pub use head::Head;
pub use meta::TrainingMeta;
pub use objective::Link;
pub use params::{ClassWeight, TargetSharing, TrainParams, C_RANGE};
pub use solver::{Convergence, SolverConfig};
pub use spec::{LabelSpec, Spec, TargetSpec};
pub use train::{train, train_timed, StageTimes, TrainConfig, TrainRun};

use crate::error::{Error, Result, TargetError};
use crate::features::{VecScratch, Vectorizer, Vocab};
use std::borrow::Cow;
use table::{TableRows, Tables};

/// A trained model: the vectorizer that rebuilds training's features, the label spec, one
/// head per (target, label group), and training metadata.
pub struct Model {
    pub vectorizer: Vectorizer,
    pub spec: Spec,
    /// `heads[t * spec.heads_per_target() + g]`
    pub heads: Vec<Head>,
    pub meta: TrainingMeta,
    /// the training n-grams of the strongest columns (empty for models without one)
    pub vocab: Vocab,
    /// the sigmoid heads' scoring tables, derived from the vectorizer and heads
    tables: Tables,
}

/// Per-thread buffers for scoring.
#[derive(Default)]
pub struct ScoreScratch {
    vec: VecScratch,
    /// per family, head and output: the sum of weight × feature weight
    sums: Vec<f64>,
    /// one head's logits
    z: Vec<f64>,
    /// the table rows of each feature of the comment, gathered before the sums
    rows: TableRows,
}

thread_local! {
    static SCORE_SCRATCH: std::cell::RefCell<ScoreScratch> = Default::default();
}

impl ScoreScratch {
    /// Runs `f` with this thread's scratch, whose word memo then lives as long as the thread
    /// (rayon's workers), not one parallel task. `f` must not call `with` again.
    pub fn with<R>(f: impl FnOnce(&mut ScoreScratch) -> R) -> R {
        SCORE_SCRATCH.with(|s| f(&mut s.borrow_mut()))
    }
}

impl Model {
    /// Assembles a model and checks that its parts agree.
    pub fn new(
        vectorizer: Vectorizer,
        spec: Spec,
        heads: Vec<Head>,
        meta: TrainingMeta,
    ) -> Result<Model> {
        let want = spec.n_groups() * spec.heads_per_target();
        if heads.len() != want {
            return Err(Error::Data(format!(
                "model has {} heads, its labels need {want}",
                heads.len()
            )));
        }
        let link = spec.link();
        for h in &heads {
            if h.link != link
                || h.n_features != vectorizer.n_features()
                || h.weights.len() != h.n_features * h.k()
                || h.bias.len() != h.k()
            {
                return Err(Error::Data(
                    "a head does not match the model's features".into(),
                ));
            }
        }
        let tables = Tables::new(&vectorizer, &spec, &heads);
        Ok(Model {
            vectorizer,
            spec,
            heads,
            meta,
            vocab: Vocab::default(),
            tables,
        })
    }

    /// For a per-target model, adds a head group for targets it was not trained on (and for
    /// rows without a target): each head is the mean of that head over the known targets,
    /// with their calibrations folded in, so its logits are the mean of the target heads'
    /// calibrated logits. [`Model::target_index`] then maps unknown targets to it. For scoring
    /// and evaluating only: a model with this group is not saved (its heads no longer match
    /// its labels). Models without targets are returned as they are.
    pub fn with_any_target(mut self) -> Model {
        let n_t = self.spec.n_targets();
        if self.spec.target.is_none() || self.has_any_target() {
            return self;
        }
        let per = self.spec.heads_per_target();
        for g in 0..per {
            let first = &self.heads[g];
            let (k, n) = (first.k(), first.weights.len());
            let mut weights = vec![0.0f64; n];
            let mut bias = vec![0.0f64; k];
            for t in 0..n_t {
                let h = &self.heads[t * per + g];
                let (a, b) = h.calibration.map_or((1.0, 0.0), |c| (c.a, c.b));
                for (m, &w) in weights.iter_mut().zip(&h.weights) {
                    *m += a * w as f64 / n_t as f64;
                }
                for (m, &w) in bias.iter_mut().zip(&h.bias) {
                    *m += (a * w as f64 + b) / n_t as f64;
                }
            }
            let head = Head {
                link: first.link,
                n_features: first.n_features,
                weights: weights.iter().map(|&w| w as f32).collect(),
                bias: bias.iter().map(|&b| b as f32).collect(),
                calibration: None,
            };
            self.heads.push(head);
        }
        self.tables = Tables::new(&self.vectorizer, &self.spec, &self.heads);
        self
    }

    /// The text as the model reads it for `target`: a general stance model reads it with the
    /// target's mentions marked ([`crate::text::mention::mark`]; no target: none marked),
    /// unless the target's own head reads it plain; other models read the text as it is.
    pub fn text_for<'a>(&self, text: &'a str, target: Option<&str>) -> Cow<'a, str> {
        if self.spec.marks(target) {
            Cow::Owned(crate::text::mention::mark(text, target.unwrap_or("")))
        } else {
            Cow::Borrowed(text)
        }
    }

    /// Whether the model has a head group past its targets' for any other target: a general
    /// model's, or the mean added by [`Model::with_any_target`].
    pub fn has_any_target(&self) -> bool {
        self.heads.len() > self.spec.n_targets() * self.spec.heads_per_target()
    }

    /// Probability column names, in output order.
    pub fn output_names(&self) -> Vec<String> {
        self.spec.output_names()
    }

    /// Number of probabilities [`Model::score_into`] writes.
    pub fn n_outputs(&self) -> usize {
        self.spec.heads_per_target() * self.spec.link().k()
    }

    /// The head group for a row's target value (`None` for models without targets).
    pub fn target_index(&self, target: Option<&str>) -> Result<usize, TargetError> {
        // the any-target group, when there is one, comes after the targets' groups
        let any = self.has_any_target().then(|| self.spec.n_targets());
        match (&self.spec.target, target) {
            (None, _) => Ok(0),
            (Some(t), Some(v)) => match (t.values.iter().position(|x| x == v), any) {
                (Some(i), _) => Ok(i),
                (None, Some(a)) => Ok(a),
                (None, None) => Err(TargetError::Unknown {
                    value: v.to_string(),
                    known: t.values.clone(),
                }),
            },
            (Some(t), None) => any.ok_or_else(|| TargetError::Missing {
                column: t.column.clone(),
            }),
        }
    }

    /// Scores one text for head group `target` into `out` (length [`Model::n_outputs`]).
    /// The row is never built: each feature's weight is multiplied into every head's sums for
    /// its family as it is visited, and the sums are divided by the family norms at the end
    /// (the same logits as [`Model::score_row`] on the vectorized row, up to rounding).
    pub fn score_into(&self, text: &str, target: usize, sc: &mut ScoreScratch, out: &mut [f64]) {
        let per = self.spec.heads_per_target();
        let k = self.spec.link().k();
        let heads = &self.heads[target * per..target * per + per];
        let n = per * k;
        // sums[f * n + g * k + o]: family f, head g, output o
        sc.sums.clear();
        sc.sums.resize(2 * n, 0.0);
        let sums = &mut sc.sums;
        let vz = &self.vectorizer;
        let norms = match self
            .tables
            .sums(vz, target, text, &mut sc.vec, &mut sc.rows, sums)
        {
            Some(norms) => norms,
            None => vz.visit_weights(text, &mut sc.vec, |col, fam, v| {
                let (c, v) = (col as usize, v as f64);
                let s = &mut sums[fam * n..fam * n + n];
                for (sg, h) in s.chunks_mut(k).zip(heads) {
                    for (so, &w) in sg.iter_mut().zip(&h.weights[c * k..c * k + k]) {
                        *so += v * w as f64;
                    }
                }
            }),
        };
        let z = &mut sc.z;
        z.resize(k, 0.0);
        for (g, h) in heads.iter().enumerate() {
            for (o, zo) in z.iter_mut().enumerate() {
                let i = g * k + o;
                let part = |f: usize| {
                    if norms[f] > 0.0 {
                        sums[f * n + i] / norms[f]
                    } else {
                        0.0
                    }
                };
                *zo = h.bias[o] as f64 + part(0) + part(1);
            }
            h.link_into(z, &mut out[g * k..g * k + k]);
        }
    }

    /// The outputs that the model's own decisions flag in scores `p` of head group `target`:
    /// each one-output head at or above its threshold, each softmax head's most probable
    /// class.
    pub fn flagged_outputs(&self, p: &[f64], target: usize) -> Vec<usize> {
        let per = self.spec.heads_per_target();
        let k = self.spec.link().k();
        let heads = &self.heads[target * per..target * per + per];
        heads
            .iter()
            .enumerate()
            .filter_map(|(g, h)| match k {
                1 => (p[g] >= h.threshold()).then_some(g),
                _ => {
                    let ps = &p[g * k..g * k + k];
                    Some(g * k + crate::numeric::argmax(ps))
                }
            })
            .collect()
    }

    /// The `n` columns with the largest absolute weight in any head and output, strongest
    /// first (ties by column): the ones a reverse dictionary should name.
    pub fn strongest_columns(&self, n: usize) -> Vec<u32> {
        let nf = self.vectorizer.n_features();
        let mut strength = vec![0f32; nf];
        for h in &self.heads {
            let k = h.k();
            for (j, s) in strength.iter_mut().enumerate() {
                for w in &h.weights[j * k..j * k + k] {
                    *s = s.max(w.abs());
                }
            }
        }
        let mut cols: Vec<u32> = (0..nf as u32)
            .filter(|&j| strength[j as usize] > 0.0)
            .collect();
        cols.sort_by(|&a, &b| {
            strength[b as usize]
                .total_cmp(&strength[a as usize])
                .then(a.cmp(&b))
        });
        cols.truncate(n);
        cols
    }

    /// Scores an already vectorized row.
    pub fn score_row(&self, idx: &[u32], val: &[f32], target: usize, out: &mut [f64]) {
        let per = self.spec.heads_per_target();
        let k = self.spec.link().k();
        for g in 0..per {
            self.heads[target * per + g].probs_into(idx, val, &mut out[g * k..g * k + k]);
        }
    }
}
