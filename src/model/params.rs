//! Training hyperparameters, checked once before any work.

use super::solver::SolverConfig;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// How rows of each class are weighted in the loss.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassWeight {
    /// every row weighs 1
    None,
    /// a row of class `c` weighs `n / (K · n_c)`, as scikit-learn's `class_weight="balanced"`
    Balanced,
}

/// How per-target heads (a `--target` column) are fitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetSharing {
    /// one head per target, each fitted on its target's rows only
    Separate,
    /// all targets fitted jointly: every feature has a copy shared by all targets and a copy
    /// per target (Daumé's "frustratingly easy" domain adaptation), so cues common to all
    /// targets are learned from every row; each target's head is the sum of the two copies
    Shared,
    /// a general stance model: as `Shared`, with each comment's mentions of its target marked
    /// (so that what is said about the target reads alike whatever the target), own copies
    /// only for targets with enough rows, and the shared copy kept as a head for any other
    /// target ([`super::general`])
    General,
}

/// Hyperparameters of a logistic head.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
///
/// Defaults were chosen by 5-fold cross-validation on the training splits of SemEval-2016,
/// OLID, Kaggle insults and Davidson (docs/design.md): balanced class weights and C = 4,
/// and targets fitted jointly with shared features.
pub struct TrainParams {
    /// Inverse L2 strength, as scikit-learn's and liblinear's `C`. Default 4.0.
    pub c: f64,
    pub class_weight: ClassWeight,
    pub solver: SolverConfig,
    /// Per-target heads: joint with shared features (default) or separate.
    #[serde(default = "separate")]
    pub targets: TargetSharing,
    /// Rows from several sources (`train --sources`): each source's own intercept in the fit,
    /// and rows weighted by the size of their (source, class); not written without it
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sources: Option<super::sources::SourceFit>,
    /// `train --nb-power`: each feature column scaled for the fit by `|r_j|^power`, `r_j` its
    /// log-count ratio between the classes ([`super::nb`]); not written without it
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nb: Option<super::nb::NbFit>,
    /// `train --joint-c PART=C`: the C of the joint fit of these values of the `--joint-by`
    /// column (their targets' own heads), in place of `c`; not written without it
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub part_c: Vec<(String, f64)>,
}

/// Models written before target sharing existed fitted targets separately.
fn separate() -> TargetSharing {
    TargetSharing::Separate
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            c: 4.0,
            class_weight: ClassWeight::Balanced,
            solver: SolverConfig::default(),
            targets: TargetSharing::Shared,
            sources: None,
            nb: None,
            part_c: Vec::new(),
        }
    }
}

/// The C values training accepts. Far outside this range the fit either learns nothing or
/// its weights overflow 32-bit floats (C = 1e200 did), and neither is a model.
pub const C_RANGE: (f64, f64) = (1e-6, 1e6);

impl TrainParams {
    /// These parameters for the joint fit of the `--joint-by` value `part` (`None`: a fit of
    /// no part): with the part's own C when `--joint-c` gives one.
    pub fn for_part(&self, part: Option<&str>) -> TrainParams {
        let own = self.part_c.iter().find(|(p, _)| Some(p.as_str()) == part);
        TrainParams {
            c: own.map_or(self.c, |&(_, c)| c),
            ..self.clone()
        }
    }

    /// These parameters for the head of label column `column`: without the fit by source or
    /// the NB scaling when `--source-heads` or `--nb-heads` leaves the head out, and
    /// with the head's own NB power.
    pub fn for_head(&self, column: Option<&str>) -> TrainParams {
        TrainParams {
            sources: self.sources.clone().filter(|f| f.fits(column)),
            nb: self
                .nb
                .as_ref()
                .filter(|nb| nb.fits(column))
                .map(|nb| nb.for_head(column)),
            ..self.clone()
        }
    }

    pub fn check(&self) -> Result<()> {
        let (lo, hi) = C_RANGE;
        if !(lo..=hi).contains(&self.c) {
            return Err(Error::Param(format!(
                "C = {} must be from {lo:e} to {hi:e}",
                self.c
            )));
        }
        if let Some((part, c)) = self.part_c.iter().find(|(_, c)| !(lo..=hi).contains(c)) {
            return Err(Error::Param(format!(
                "--joint-c {part}={c}: C must be from {lo:e} to {hi:e}"
            )));
        }
        if let Some(s) = &self.sources {
            s.check()?;
        }
        if let Some(nb) = &self.nb {
            nb.check()?;
        }
        self.solver.check()
    }
}
