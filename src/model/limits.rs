//! What training refuses before it starts, because it could not finish: more classes or
//! targets than a label column plausibly has, and fits whose working memory exceeds what the
//! machine has. Each refusal says why and what to change.

use crate::error::{Error, Result};

/// Most classes in one label column. A column with more distinct values is almost always an
/// id or a text column named by mistake; a softmax over it would need weights per class.
pub const MAX_CLASSES: usize = 1000;

/// Most distinct targets in a target column.
pub const MAX_TARGETS: usize = 10_000;

/// Fewest training rows of each class a head should have; below it, training warns that the
/// head rests on a handful of examples. One rule for every head: binary, multiclass,
/// multi-label and per target.
pub const MIN_CLASS_ROWS: usize = 10;

/// The warning for a head (`head` names it) whose classes `names` have `counts` training
/// rows, if one has fewer than [`MIN_CLASS_ROWS`].
pub fn small_data(head: &str, names: &[String], counts: &[usize]) -> Option<String> {
    let few: Vec<String> = names
        .iter()
        .zip(counts)
        .filter(|(_, &n)| n < MIN_CLASS_ROWS)
        .map(|(c, n)| format!("'{c}' {n}"))
        .collect();
    (!few.is_empty()).then(|| {
        format!(
            "{head} is trained on very few rows of some class ({}; fewer than {MIN_CLASS_ROWS}): \
             its scores rest on a handful of examples",
            few.join(", ")
        )
    })
}

/// Refuses a label column of more than [`MAX_CLASSES`] classes.
pub fn check_classes(column: &str, n: usize) -> Result<()> {
    check_distinct("label", column, n, MAX_CLASSES, "classes")
}

/// Refuses a target column of more than [`MAX_TARGETS`] targets.
pub fn check_targets(column: &str, n: usize) -> Result<()> {
    check_distinct("target", column, n, MAX_TARGETS, "targets")
}

/// Refuses a `kind` column with more than `max` distinct values, which gavel fits as `what`.
fn check_distinct(kind: &str, column: &str, n: usize, max: usize, what: &str) -> Result<()> {
    if n > max {
        return Err(Error::Data(format!(
            "{kind} column '{column}' has {n} distinct values; gavel fits at most {max} {what} \
             (is it an id or a text column?)"
        )));
    }
    Ok(())
}

/// Bytes one head's fit holds: per row and output seven f64 vectors of the objective, per
/// weight (feature × output) the solver's six vectors, the weights and two partial
/// gradients (see `objective.rs` and `solver.rs`).
pub fn fit_bytes(rows: usize, cols: usize, k: usize) -> u64 {
    let (rows, cols, k) = (rows as u64, cols as u64 + 1, k as u64);
    8u64.saturating_mul(k).saturating_mul(
        7u64.saturating_mul(rows)
            .saturating_add(9u64.saturating_mul(cols)),
    )
}

/// The memory the system can give without swapping (`MemAvailable` of `/proc/meminfo`), if
/// known.
pub fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb.saturating_mul(1024))
}

/// Refuses a fit of `parallel` heads at once, each over `rows` × `cols` with `k` outputs,
/// that needs more memory than is available.
pub fn check_fit_memory(rows: usize, cols: usize, k: usize, parallel: usize) -> Result<()> {
    let need = fit_bytes(rows, cols, k).saturating_mul(parallel.max(1) as u64);
    match available_memory() {
        Some(have) if need > have => Err(Error::Data(format!(
            "fitting {parallel} head(s) of {k} output(s) over {rows} rows and {cols} features \
             needs about {:.1} GB, and {:.1} GB is available; use fewer classes or targets, \
             fewer --bits, or a higher --min-df",
            need as f64 / 1e9,
            have as f64 / 1e9
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absurd_label_columns_are_refused_with_the_reason() {
        assert!(check_classes("y", 3).is_ok());
        let e = check_classes("id", 50_000).unwrap_err().to_string();
        assert!(
            e.contains("50000 distinct values") && e.contains("id"),
            "{e}"
        );
        assert!(check_targets("t", MAX_TARGETS + 1).is_err());
        // 50,000 classes over a million features cannot be held on any machine here
        if available_memory().is_some() {
            let e = check_fit_memory(300, 1 << 20, 50_000, 1).unwrap_err();
            assert!(e.to_string().contains("GB is available"), "{e}");
        }
        assert!(check_fit_memory(300, 1000, 2, 1).is_ok());
    }

    #[test]
    fn one_small_data_rule() {
        let names = ["0".to_string(), "1".to_string()];
        assert_eq!(small_data("h", &names, &[150, 150]), None);
        let w = small_data("h", &names, &[290, 9]).unwrap();
        assert!(w.contains("'1' 9"), "{w}");
        assert!(small_data("h", &names, &[10, 10]).is_none());
    }
}
