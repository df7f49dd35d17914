//! The general stance model (`train --targets general`). Every comment is read with its
//! target's mentions marked ([`crate::text::mention`]). The targets with enough rows get heads
//! of their own from a joint fit (as `--targets shared`, each with its own intercepts, so that
//! a source without NONE moves its targets' intercepts, not the shared words); every other
//! target, seen in training with a few rows or never, is scored by the general head, one head
//! fitted on every row pooled. Here: which targets get their own heads, and the texts as such
//! a model reads them; the fits are in [`super::fit`].

use super::spec::Spec;
use crate::features::{Csr, Vectorizer};
use crate::text::mention::mark;
use rayon::prelude::*;
use std::borrow::Cow;

/// A target needs at least this many training rows for a head of its own; a rarer target (a
/// news site's many one-story topics) is scored by the general head, which its rows train
/// with every other row. With 10 instead, during the search that led to the pooled general
/// head, more own heads cost the targets left out (docs/design.md); the model card's
/// few-shot curve shows a target on both sides of the line.
pub const MIN_OWN_ROWS: usize = 100;

/// The targets of `values` (one per row) with at least [`MIN_OWN_ROWS`] rows, sorted.
pub fn own_targets(values: &[String]) -> Vec<String> {
    let mut count: std::collections::BTreeMap<&str, usize> = Default::default();
    for v in values {
        *count.entry(v.as_str()).or_default() += 1;
    }
    count
        .into_iter()
        .filter(|&(_, n)| n >= MIN_OWN_ROWS)
        .map(|(v, _)| v.to_string())
        .collect()
}

/// The texts as the model of `spec` reads them: with each row's target mentions marked for a
/// general model (no targets: none marked), but for targets whose own heads read them plain
/// ([`super::spec::TargetSpec::plain`]), as they are for any other model.
pub fn texts_for<'a>(
    spec: &Spec,
    texts: &'a [String],
    targets: Option<&[String]>,
) -> Cow<'a, [String]> {
    if !spec.is_general() {
        return Cow::Borrowed(texts);
    }
    let read = |text: &String, target: &str| match spec.marks(Some(target)) {
        true => mark(text, target),
        false => text.clone(),
    };
    Cow::Owned(match targets {
        Some(t) => texts
            .par_iter()
            .zip(t)
            .map(|(text, target)| read(text, target))
            .collect(),
        None => texts.par_iter().map(|text| mark(text, "")).collect(),
    })
}

/// Every text marked for its row's target, whatever head reads it: what the general head of
/// a model with plain own heads is fitted on.
pub fn all_marked(texts: &[String], targets: &[String]) -> Vec<String> {
    texts
        .par_iter()
        .zip(targets)
        .map(|(text, target)| mark(text, target))
        .collect()
}

/// The matrix the own heads of a model with plain own heads read: `marked`'s rows (every
/// comment marked, vectorized by `v`), with the rows of targets read plain vectorized again
/// as written; the other rows are the same either way, so they are copied, not re-read.
pub fn with_plain_rows(
    spec: &Spec,
    v: &Vectorizer,
    marked: &Csr,
    texts: &[String],
    targets: &[String],
) -> Csr {
    let plain_rows: Vec<usize> = (0..texts.len())
        .filter(|&i| !spec.marks(Some(&targets[i])))
        .collect();
    let read: Vec<&str> = plain_rows.iter().map(|&i| texts[i].as_str()).collect();
    let plain = v.transform_batch(&read);
    let mut x = Csr::new(marked.n_cols);
    let mut next = plain_rows.iter().enumerate().peekable();
    for i in 0..marked.n_rows() {
        let row = match next.next_if(|&(_, &p)| p == i) {
            Some((k, _)) => plain.row(k),
            None => marked.row(i),
        };
        x.push_row(row.indices, row.values);
    }
    x
}

#[cfg(test)]
mod tests {
    use crate::model::TrainingData;
    use crate::model::{file, train, Model, ScoreScratch, TargetSharing, TrainConfig};

    /// Three fruit targets with their own rows (the third, like P-Stance, labelled FAVOR and
    /// AGAINST only) and one with a handful: the same ways of speaking of each, with the
    /// fruit's name in it.
    fn fruit() -> TrainingData {
        fruit_of(&[
            ("apples", 150, true),
            ("bananas", 150, true),
            ("cherries", 120, false),
            ("plums", 6, true),
        ])
    }

    /// Rows of `(fruit, rows, with NONE)` each.
    fn fruit_of(kinds: &[(&str, usize, bool)]) -> TrainingData {
        let (mut texts, mut stance, mut target) = (vec![], vec![], vec![]);
        let mut add = |fruit: &str, n: usize, none: bool| {
            for i in 0..n {
                let (t, s) = match i % 3 {
                    0 => (format!("I love {fruit}, so good {i}"), "FAVOR"),
                    1 => (format!("{fruit} are awful, so bad {i}"), "AGAINST"),
                    _ if none => (format!("the weather is mild today {i}"), "NONE"),
                    _ => (format!("{fruit} are great, love them {i}"), "FAVOR"),
                };
                texts.push(t);
                stance.push(s.to_string());
                target.push(fruit.to_string());
            }
        };
        for &(fruit, n, none) in kinds {
            add(fruit, n, none);
        }
        TrainingData::stance_rows(texts, stance, target)
    }

    fn general() -> Model {
        let mut cfg = TrainConfig {
            calibration_folds: 3,
            ..TrainConfig::default()
        };
        cfg.params.targets = TargetSharing::General;
        train(&fruit(), &cfg).unwrap()
    }

    /// The most probable class of a comment on `target`, as `score` finds it.
    fn stance(m: &Model, text: &str, target: &str) -> String {
        let t = m.target_index(Some(target)).unwrap();
        let mut p = vec![0.0; m.n_outputs()];
        let read = m.text_for(text, Some(target));
        m.score_into(&read, t, &mut ScoreScratch::default(), &mut p);
        m.spec
            .predicted_class(&p, 0.5)
            .unwrap_or_default()
            .to_string()
    }

    #[test]
    fn targets_with_enough_rows_get_their_own_heads_and_others_the_general_one() {
        let m = general();
        let t = m.spec.target.as_ref().unwrap();
        assert!(t.general);
        assert_eq!(t.values, ["apples", "bananas", "cherries"]);
        assert_eq!(m.heads.len(), 4, "three own heads and the general head");
        assert_eq!(m.target_index(Some("plums")), Ok(3));
        assert_eq!(m.target_index(Some("grapes")), Ok(3));
        assert_eq!(m.target_index(None), Ok(3));
    }

    #[test]
    fn a_target_never_seen_gets_a_real_prediction() {
        let m = general();
        assert!(stance(&m, "I love grapes so much", "grapes") == "FAVOR");
        assert!(stance(&m, "grapes are awful", "grapes") == "AGAINST");
        // a target whose source has no NONE does not teach the rest that NONE never happens
        assert!(stance(&m, "the weather is mild today", "grapes") == "NONE");
    }

    #[test]
    fn a_general_model_of_rare_targets_only_is_its_general_head() {
        let mut cfg = TrainConfig::default();
        cfg.params.targets = TargetSharing::General;
        let m = train(
            &fruit_of(&[("apples", 60, true), ("bananas", 60, true)]),
            &cfg,
        )
        .unwrap();
        assert!(m.spec.target.as_ref().unwrap().values.is_empty());
        assert_eq!(m.heads.len(), 1);
        assert_eq!(stance(&m, "grapes are awful", "grapes"), "AGAINST");
        let bytes = file::to_bytes(&m).unwrap();
        assert_eq!(
            file::to_bytes(&file::from_bytes(&bytes).unwrap()).unwrap(),
            bytes
        );
    }

    /// `--plain-own-heads`: the targets with heads of their own read comments as written, any
    /// other target marked; the general head is the very head of the marked model (same
    /// n-grams, same rows, same reading), the own heads are not; the file keeps it all.
    #[test]
    fn plain_own_heads_read_comments_as_written_and_leave_the_general_head_alone() {
        let mut cfg = TrainConfig {
            plain_own_heads: true,
            ..TrainConfig::default()
        };
        cfg.params.targets = TargetSharing::General;
        let plain = train(&fruit(), &cfg).unwrap();
        cfg.plain_own_heads = false;
        let marked = train(&fruit(), &cfg).unwrap();
        let t = plain.spec.target.as_ref().unwrap();
        assert_eq!(t.plain, ["apples", "bananas", "cherries"]);
        assert_eq!(
            plain.text_for("apples are awful", Some("apples")),
            "apples are awful"
        );
        assert_ne!(
            plain.text_for("plums are awful", Some("plums")),
            "plums are awful"
        );
        assert_eq!(
            plain.text_for("plums are awful", Some("plums")),
            marked.text_for("plums are awful", Some("plums"))
        );
        assert_eq!(plain.heads[3], marked.heads[3], "the general head");
        assert_ne!(plain.heads[0].weights, marked.heads[0].weights);
        assert_eq!(stance(&plain, "I love apples so much", "apples"), "FAVOR");
        assert_eq!(stance(&plain, "grapes are awful", "grapes"), "AGAINST");
        let bytes = file::to_bytes(&plain).unwrap();
        assert_eq!(u32::from_le_bytes(bytes[8..12].try_into().unwrap()), 8);
        let back = file::from_bytes(&bytes).unwrap();
        assert_eq!(back.spec, plain.spec);
        assert_eq!(file::to_bytes(&back).unwrap(), bytes);
        // a file whose plain list is not its targets' is refused
        let mut bad = file::from_bytes(&bytes).unwrap();
        bad.spec.target.as_mut().unwrap().plain = vec!["zucchini".into()];
        let e = file::from_bytes(&file::to_bytes(&bad).unwrap())
            .err()
            .unwrap();
        assert!(e.contains("read plain"), "{e}");
    }

    #[test]
    fn a_general_model_survives_its_file() {
        let m = general();
        let bytes = file::to_bytes(&m).unwrap();
        let back = file::from_bytes(&bytes).unwrap();
        assert_eq!(back.spec, m.spec);
        assert_eq!(file::to_bytes(&back).unwrap(), bytes);
        assert_eq!(file::to_bytes(&general()).unwrap(), bytes, "deterministic");
        for (text, target) in [("grapes are awful", "grapes"), ("so good", "cherries")] {
            assert_eq!(stance(&back, text, target), stance(&m, text, target));
        }
    }
}
