//! Training metadata kept in the model file: where the data came from, when, how the fit went.

use super::params::TrainParams;
use super::solver::Convergence;
use serde::{Deserialize, Serialize};

/// What a model file records about its training run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainingMeta {
    pub gavel_version: String,
    /// the training file as the user named it
    pub data_file: String,
    /// SHA-256 of the training file's bytes, hex
    pub data_sha256: String,
    pub rows: usize,
    /// `SOURCE_DATE_EPOCH` as RFC 3339 when it was set at training ([`trained_at`]); empty
    /// (and not written) otherwise, so that the same data gives the same bytes
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub trained_at: String,
    pub params: TrainParams,
    /// rows per class (or per positive label), in label order
    pub class_counts: Vec<(String, usize)>,
    /// one per head, in head order
    pub convergence: Vec<Convergence>,
    /// entries and heap bytes of the sparse training matrix the solver read (with joint
    /// target training, the augmented one)
    #[serde(default)]
    pub matrix: MatrixSize,
    /// folds of the cross-fitting that calibrated the heads (0: not calibrated)
    #[serde(default)]
    pub calibration_folds: usize,
    /// rows of the training file left out as unusable (`--on-error skip`); not written when 0
    #[serde(default, skip_serializing_if = "is_zero")]
    pub skipped_rows: usize,
    /// per label column of a multi-label model trained on partly labelled rows, the rows it
    /// was trained on (its label cell not empty); not written when every row is labelled
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub head_rows: Vec<(String, usize)>,
    /// the engine that fitted the heads when it was not gavel's own solver (e.g. "Spark
    /// MLlib 4.3.0 LogisticRegression, L-BFGS, tol 1e-06, max 200 iterations"); not written
    /// for gavel's fits
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub trainer: String,
    /// the typo'd copies trained on beside the rows (`gavel train --augment`); not written
    /// without them
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub augment: Option<super::augment::Augment>,
    /// the record of the model this one was adapted from by `gavel train --init` (its heads
    /// refitted on this record's rows, [`super::adapt`]); not written for a model trained
    /// from scratch
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adapted_from: Option<Box<TrainingMeta>>,
    /// the column whose values each had a joint fit of their own targets (`train
    /// --joint-by`); not written when every target shared one
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joint_by: Option<String>,
    /// the column naming each row's source, each with an intercept of its own in the fit
    /// (`train --sources`); not written without it
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sources: Option<String>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Size of a training matrix.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MatrixSize {
    pub nnz: usize,
    pub bytes: usize,
}

/// The `trained_at` a model records: `SOURCE_DATE_EPOCH` as RFC 3339 when that is set, else
/// nothing. The wall clock is never read, so that training twice on the same data with the
/// same seed gives the same bytes (a file's own date is its modification time).
pub fn trained_at() -> String {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .map(rfc3339)
        .unwrap_or_default()
}

/// `secs` since the epoch as `YYYY-MM-DDThh:mm:ssZ` (proleptic Gregorian, UTC).
pub fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // civil-from-days (Howard Hinnant's algorithm)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + (m <= 2) as i64;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_795_435_200), "2026-11-23T12:00:00Z");
    }
}
