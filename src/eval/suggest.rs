//! `eval --suggest-policy`: thresholds that reach a target precision for `reject` and a target
//! recall for `review` on labelled data, and what the resulting policy does to those rows.

use super::predict::HeadScores;
use crate::error::{Error, Result};
use crate::policy::{Action, Policy, Rule};
use serde::Serialize;

/// What the suggestion aims for.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Targets {
    /// `reject` where at least this share of the rejected rows are positive
    pub reject_precision: f64,
    /// `review` (or `reject`) at least this share of the positive rows
    pub review_recall: f64,
}

/// One head's suggested thresholds and how they do on the evaluated rows.
#[derive(Clone, Debug, Serialize)]
pub struct HeadSuggestion {
    pub output: String,
    /// lowest threshold whose flagged rows reach the target precision (none: no threshold does)
    pub reject_at: Option<f64>,
    pub reject_precision: Option<f64>,
    pub reject_recall: Option<f64>,
    /// highest threshold whose flagged rows reach the target recall, when below `reject_at`
    pub review_at: Option<f64>,
    pub review_precision: Option<f64>,
    pub review_recall: Option<f64>,
}

/// A suggested policy and its effect on the evaluated rows.
#[derive(Clone, Debug, Serialize)]
pub struct Suggestion {
    pub targets: Targets,
    pub rows: usize,
    pub heads: Vec<HeadSuggestion>,
    /// heads that get no rule, each with why (multiclass, or not among the outputs asked for)
    pub skipped: Vec<String>,
    /// comments per 1,000 that the policy approves, reviews and rejects on every evaluated row
    pub per_1000: [f64; 3],
    #[serde(skip)]
    pub policy: Policy,
}

/// Thresholds are searched on this grid (0.001 … 0.999), so they read cleanly and the
/// figures shown are exactly those of the printed thresholds.
const GRID: usize = 1000;

/// One head's rows sorted by falling score, with the positives among the first `i`, so that
/// what a threshold flags is read off in O(log n).
struct Ranked {
    /// scores, largest first
    scores: Vec<f64>,
    /// `positives[i]`: positive rows among the `i` highest scored
    positives: Vec<usize>,
}

impl Ranked {
    fn new(scores: &[f64], truth: &[bool]) -> Ranked {
        let mut order: Vec<usize> = (0..scores.len()).collect();
        order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
        let mut positives = Vec::with_capacity(order.len() + 1);
        positives.push(0);
        for &i in &order {
            positives.push(positives[positives.len() - 1] + truth[i] as usize);
        }
        Ranked {
            scores: order.iter().map(|&i| scores[i]).collect(),
            positives,
        }
    }

    /// (precision, recall) of flagging rows with score ≥ `t`; precision is None when no row is.
    fn at(&self, t: f64) -> (Option<f64>, f64) {
        let flagged = self.scores.partition_point(|&s| s >= t);
        let tp = self.positives[flagged];
        let pos = self.positives[self.scores.len()].max(1);
        let prec = (flagged > 0).then(|| tp as f64 / flagged as f64);
        (prec, tp as f64 / pos as f64)
    }
}

/// Suggests a policy for the binary heads `heads` (one-output heads; `outputs[h.explained]`
/// names each head's probability column).
///
/// `all` holds every evaluated row's outputs (as `score` writes them), labelled or not: the
/// policy's effect is counted over all of them. `only`, when given, names the outputs that get
/// rules (the other heads are reported as skipped).
pub fn suggest(
    heads: &[HeadScores],
    outputs: &[String],
    all: &[Vec<f64>],
    only: Option<&[String]>,
    targets: Targets,
) -> Result<Suggestion> {
    if let Some(unknown) = only.into_iter().flatten().find(|o| {
        !heads
            .iter()
            .any(|h| h.positive.is_some() && &outputs[h.explained] == *o)
    }) {
        return Err(Error::Data(format!(
            "no binary head writes '{unknown}': this model's outputs are {}",
            outputs.join(", ")
        )));
    }
    let mut rules = Vec::new();
    let mut found = Vec::new();
    let mut skipped = Vec::new();
    let grid: Vec<f64> = (1..GRID).map(|i| i as f64 / GRID as f64).collect();
    for h in heads {
        let chosen = only.is_none_or(|o| o.contains(&outputs[h.explained]));
        let Some(pi) = h.positive else {
            skipped.push(format!("{}: multiclass", h.name));
            continue;
        };
        if !chosen {
            skipped.push(format!("{}: not among the outputs asked for", h.name));
            continue;
        }
        let output = outputs[h.explained].clone();
        let s: Vec<f64> = h.probs.iter().map(|p| p[pi]).collect();
        let t: Vec<bool> = h.truth.iter().map(|&y| y == pi).collect();
        let ranked = Ranked::new(&s, &t);
        let at = |x: f64| ranked.at(x);
        let reject_at = grid
            .iter()
            .copied()
            .find(|&x| at(x).0.is_some_and(|p| p >= targets.reject_precision));
        let review_at = grid
            .iter()
            .rev()
            .copied()
            .find(|&x| at(x).1 >= targets.review_recall)
            .filter(|&x| reject_at.is_none_or(|r| x < r));
        let mut hs = HeadSuggestion {
            output: output.clone(),
            reject_at,
            reject_precision: None,
            reject_recall: None,
            review_at,
            review_precision: None,
            review_recall: None,
        };
        if let Some(x) = reject_at {
            let (p, r) = at(x);
            (hs.reject_precision, hs.reject_recall) = (p, Some(r));
            rules.push(Rule {
                output: output.clone(),
                at_least: Some(x),
                below: None,
                action: Action::Reject,
                lang: None,
            });
        }
        if let Some(x) = review_at {
            let (p, r) = at(x);
            (hs.review_precision, hs.review_recall) = (p, Some(r));
            rules.push(Rule {
                output,
                at_least: Some(x),
                below: None,
                action: Action::Review,
                lang: None,
            });
        }
        found.push(hs);
    }
    let policy = Policy { rules };
    // the whole policy on every row, as `score --policy` decides
    let bound = policy.bind(outputs, "the suggested policy")?;
    // every row, labelled or not, as `score --policy` decides
    let mut counts = [0usize; 3];
    for row in all.iter().filter(|r| r.len() == outputs.len()) {
        counts[bound.decide(row, None, None).action as usize] += 1;
    }
    let rows = counts.iter().sum::<usize>();
    let per = |c: usize| 1000.0 * c as f64 / rows.max(1) as f64;
    Ok(Suggestion {
        targets,
        rows,
        heads: found,
        skipped,
        per_1000: [per(counts[0]), per(counts[1]), per(counts[2])],
        policy,
    })
}

impl Suggestion {
    /// The policy as a TOML file whose comments say where it came from and what it does.
    pub fn to_toml(&self, data_file: &str, model: &str) -> String {
        let f = |v: Option<f64>| v.map_or("-".to_string(), |x| format!("{x:.3}"));
        let mut s = format!(
            "# Suggested by `gavel eval --suggest-policy` for {model} on {data_file} ({} rows):\n\
             # reject at precision >= {}, review at recall >= {}.\n\
             # On those rows, per 1,000 comments: approve {:.0}, review {:.0}, reject {:.0}.\n",
            self.rows,
            self.targets.reject_precision,
            self.targets.review_recall,
            self.per_1000[0],
            self.per_1000[1],
            self.per_1000[2]
        );
        for h in &self.heads {
            s += &format!(
                "# {}: reject at {} (precision {}, recall {}); review at {} (precision {}, recall {})\n",
                h.output,
                f(h.reject_at),
                f(h.reject_precision),
                f(h.reject_recall),
                f(h.review_at),
                f(h.review_precision),
                f(h.review_recall)
            );
        }
        for name in &self.skipped {
            s += &format!("# {name}, no rule suggested\n");
        }
        s += "\n";
        s += &self.policy.to_toml();
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(scores: &[f64], truth: &[usize]) -> HeadScores {
        HeadScores {
            rows: None,
            name: "abusive".into(),
            classes: vec!["0".into(), "1".into()],
            truth: truth.to_vec(),
            probs: scores.iter().map(|&s| vec![1.0 - s, s]).collect(),
            raw: None,
            cut: vec![0.5; scores.len()],
            positive: Some(1),
            explained: 0,
        }
    }

    #[test]
    fn thresholds_reach_their_targets_and_counts_add_up() {
        // 10 rows: positives score high, with one negative among them at 0.8
        let s = [0.95, 0.9, 0.8, 0.85, 0.6, 0.4, 0.3, 0.2, 0.1, 0.05];
        let y = [1, 1, 0, 1, 1, 0, 1, 0, 0, 0];
        let t = Targets {
            reject_precision: 0.99,
            review_recall: 0.8,
        };
        let all: Vec<Vec<f64>> = s.iter().map(|&x| vec![x]).collect();
        let sg = suggest(&[head(&s, &y)], &["p_abusive".into()], &all, None, t).unwrap();
        let h = &sg.heads[0];
        // only 0.85 and above is pure: 3 of the 5 positives
        assert_eq!(h.reject_at, Some(0.801));
        assert_eq!(
            (h.reject_precision, h.reject_recall),
            (Some(1.0), Some(0.6))
        );
        // 4 of 5 positives needs everything at 0.6 or above
        assert_eq!(h.review_at, Some(0.6));
        assert_eq!(h.review_recall, Some(0.8));
        // rejected: 0.95, 0.9, 0.85; reviewed: 0.8, 0.6; approved: the other 5
        assert_eq!(sg.per_1000, [500.0, 200.0, 300.0]);
        let toml = sg.to_toml("test.csv", "m.gavel");
        let back = Policy::parse(&toml, "suggested").unwrap();
        assert_eq!(back, sg.policy);
        assert!(
            toml.contains("approve 500, review 200, reject 300"),
            "{toml}"
        );
    }

    /// Pooled sources label different heads: rules come from each head's labelled rows, the
    /// effect is counted over every row, and `only` limits the rules to the named outputs.
    #[test]
    fn masked_heads_count_every_row_and_only_names_the_ruled_outputs() {
        let s = [0.9, 0.8, 0.2, 0.1];
        let mut a = head(&s, &[1, 1, 0, 0]);
        let mut b = head(&s[2..], &[1, 0]);
        (b.name, b.explained, b.rows) = ("hate".into(), 1, Some(vec![2, 3]));
        a.rows = None;
        let outputs = ["p_abusive".to_string(), "p_hate".to_string()];
        let all: Vec<Vec<f64>> = s.iter().map(|&x| vec![x, 1.0 - x]).collect();
        let t = Targets {
            reject_precision: 0.9,
            review_recall: 0.9,
        };
        let only = ["p_abusive".to_string()];
        let sg = suggest(&[a.clone(), b.clone()], &outputs, &all, Some(&only), t).unwrap();
        assert_eq!(sg.rows, 4);
        assert_eq!(
            sg.skipped,
            vec!["hate: not among the outputs asked for".to_string()]
        );
        assert!(sg.policy.rules.iter().all(|r| r.output == "p_abusive"));
        // rejected: 0.9, 0.8; approved: 0.2, 0.1
        assert_eq!(sg.per_1000, [500.0, 0.0, 500.0]);
        let wrong = ["p_hat".to_string()];
        let e = suggest(&[a, b], &outputs, &all, Some(&wrong), t).unwrap_err();
        assert!(
            e.to_string().contains("no binary head writes 'p_hat'"),
            "{e}"
        );
    }
}
