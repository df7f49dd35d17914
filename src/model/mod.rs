//! Sparse rows → probabilities: logistic heads, their objective and solver, training, and
//! the model file.

pub mod file;
pub mod head;
pub mod linfa_api;
pub mod meta;
pub mod objective;
pub mod params;
pub mod reference;
pub mod solver;
pub mod spec;
pub mod train;

pub use head::Head;
pub use meta::TrainingMeta;
pub use objective::Link;
pub use params::{ClassWeight, TargetSharing, TrainParams};
pub use solver::{Convergence, SolverConfig};
pub use spec::{LabelSpec, Spec, TargetSpec};
pub use train::{train, Labels, TrainConfig, TrainingData};

use crate::error::{Error, Result};
use crate::features::{VecScratch, Vectorizer};

/// A trained model: the vectorizer that rebuilds training's features, the label spec, one
/// head per (target, label group), and training metadata.
pub struct Model {
    pub vectorizer: Vectorizer,
    pub spec: Spec,
    /// `heads[t * spec.heads_per_target() + g]`
    pub heads: Vec<Head>,
    pub meta: TrainingMeta,
}

/// Per-thread buffers for scoring.
#[derive(Default)]
pub struct ScoreScratch {
    vec: VecScratch,
    idx: Vec<u32>,
    val: Vec<f32>,
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
        let want = spec.n_targets() * spec.heads_per_target();
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
        Ok(Model {
            vectorizer,
            spec,
            heads,
            meta,
        })
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
    pub fn target_index(&self, target: Option<&str>) -> Result<usize, String> {
        match (&self.spec.target, target) {
            (None, _) => Ok(0),
            (Some(t), Some(v)) => t.values.iter().position(|x| x == v).ok_or_else(|| {
                format!(
                    "unknown target '{v}' (the model knows: {})",
                    t.values.join(", ")
                )
            }),
            (Some(t), None) => Err(format!("the model needs a '{}' column", t.column)),
        }
    }

    /// Scores one text for head group `target` into `out` (length [`Model::n_outputs`]).
    pub fn score_into(&self, text: &str, target: usize, sc: &mut ScoreScratch, out: &mut [f64]) {
        self.vectorizer
            .transform_into(text, &mut sc.vec, &mut sc.idx, &mut sc.val);
        self.score_row(&sc.idx, &sc.val, target, out);
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
