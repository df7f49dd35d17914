//! Identity bias audit (Borkan et al. 2019, "Nuanced metrics for measuring unintended bias"):
//! per identity named in a labelled set, how well one binary head separates abusive from
//! neutral comments about that identity, and how often it flags the neutral ones.

use super::metrics::roc_auc;
use super::tables::Table;
use serde::Serialize;

/// One identity's figures.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct IdentityBias {
    pub identity: String,
    pub rows: usize,
    /// AUC on this identity's rows only: low means the head confuses abuse of the group
    /// with talk about it
    pub subgroup_auc: Option<f64>,
    /// background positive, subgroup negative: this identity's neutral rows against the
    /// other identities' abusive rows; low means neutral mentions score like abuse
    pub bpsn_auc: Option<f64>,
    /// background negative, subgroup positive: this identity's abusive rows against the
    /// other identities' neutral rows; low means abuse of this group is missed
    pub bnsp_auc: Option<f64>,
    pub neutral_rows: usize,
    /// neutral rows at or above the threshold
    pub neutral_flagged: usize,
    pub neutral_fpr: f64,
    /// abusive rows at or above the threshold, as a share
    pub abusive_recall: Option<f64>,
}

/// The JSON layout's name and version (docs/formats.md, "Report JSON").
pub const SCHEMA: &str = "gavel.bias/1";

/// A bias audit of one head.
#[derive(Clone, Debug, Serialize)]
pub struct BiasReport {
    /// [`SCHEMA`]
    pub schema: &'static str,
    pub data_file: String,
    /// the probability column audited
    pub output: String,
    /// a comment is flagged at or above this score
    pub threshold: f64,
    /// where the threshold comes from (a policy, or the head's own decision)
    pub threshold_from: String,
    /// the largest neutral false-positive rate allowed (the floor)
    pub max_fpr: f64,
    pub identities: Vec<IdentityBias>,
}

impl BiasReport {
    /// The identities over the allowed neutral false-positive rate.
    pub fn failing(&self) -> Vec<&IdentityBias> {
        self.identities
            .iter()
            .filter(|i| i.neutral_fpr > self.max_fpr)
            .collect()
    }
}

/// Per identity (in order of first appearance), from each row's score, truth and identity.
pub fn audit(
    scores: &[f64],
    abusive: &[bool],
    identity: &[String],
    threshold: f64,
) -> Vec<IdentityBias> {
    let mut names: Vec<&String> = Vec::new();
    for id in identity {
        if !names.contains(&id) {
            names.push(id);
        }
    }
    let pick = |keep: &dyn Fn(usize) -> bool| -> Option<f64> {
        let rows: Vec<usize> = (0..scores.len()).filter(|&i| keep(i)).collect();
        let s: Vec<f64> = rows.iter().map(|&i| scores[i]).collect();
        let t: Vec<bool> = rows.iter().map(|&i| abusive[i]).collect();
        roc_auc(&s, &t)
    };
    names
        .into_iter()
        .map(|name| {
            let ins = |i: usize| &identity[i] == name;
            let neutral: Vec<usize> = (0..scores.len())
                .filter(|&i| ins(i) && !abusive[i])
                .collect();
            let abuse: Vec<usize> = (0..scores.len())
                .filter(|&i| ins(i) && abusive[i])
                .collect();
            let flagged = neutral.iter().filter(|&&i| scores[i] >= threshold).count();
            let caught = abuse.iter().filter(|&&i| scores[i] >= threshold).count();
            IdentityBias {
                identity: name.clone(),
                rows: neutral.len() + abuse.len(),
                subgroup_auc: pick(&|i| ins(i)),
                bpsn_auc: pick(&|i| if ins(i) { !abusive[i] } else { abusive[i] }),
                bnsp_auc: pick(&|i| if ins(i) { abusive[i] } else { !abusive[i] }),
                neutral_rows: neutral.len(),
                neutral_flagged: flagged,
                neutral_fpr: flagged as f64 / neutral.len().max(1) as f64,
                abusive_recall: (!abuse.is_empty()).then(|| caught as f64 / abuse.len() as f64),
            }
        })
        .collect()
}

/// What was audited, at which threshold, and who is over the floor, in one paragraph.
pub fn summary(r: &BiasReport) -> String {
    let failing = r.failing();
    format!(
        "{} on {}: flagged at {} >= {:.3} ({}). Floor: neutral false-positive rate <= {:.0}% \
         for every identity. {}",
        r.output,
        r.data_file,
        r.output,
        r.threshold,
        r.threshold_from,
        100.0 * r.max_fpr,
        if failing.is_empty() {
            "Every identity is within the floor.".to_string()
        } else {
            format!(
                "Over the floor: {}.",
                failing
                    .iter()
                    .map(|i| i.identity.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    )
}

/// The per-identity table, worst neutral false-positive rate first.
pub fn table(r: &BiasReport) -> Table {
    let f = |v: Option<f64>| v.map_or("–".to_string(), |x| format!("{x:.3}"));
    let mut ids: Vec<&IdentityBias> = r.identities.iter().collect();
    ids.sort_by(|a, b| {
        b.neutral_fpr
            .total_cmp(&a.neutral_fpr)
            .then(a.identity.cmp(&b.identity))
    });
    Table::new(
        [
            "identity",
            "rows",
            "subgroup AUC",
            "BPSN AUC",
            "BNSP AUC",
            "neutral flagged",
            "neutral FPR",
            "abusive recall",
        ]
        .map(String::from)
        .to_vec(),
        ids.into_iter()
            .map(|i| {
                vec![
                    i.identity.clone(),
                    i.rows.to_string(),
                    f(i.subgroup_auc),
                    f(i.bpsn_auc),
                    f(i.bnsp_auc),
                    format!("{}/{}", i.neutral_flagged, i.neutral_rows),
                    format!("{:.1}%", 100.0 * i.neutral_fpr),
                    f(i.abusive_recall),
                ]
            })
            .collect(),
        1,
    )
}

/// The report as Markdown.
pub fn markdown(r: &BiasReport) -> String {
    format!(
        "# Identity bias audit\n\n{}\n\n{}",
        summary(r),
        table(r).markdown()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bpsn_and_bnsp_see_the_bias_a_subgroup_auc_misses() {
        // group "x": its neutral rows score high (0.6) but below its abusive ones (0.9), so
        // its own AUC is perfect; against the other group's abuse (0.5) they look abusive
        let scores = [0.6, 0.6, 0.9, 0.9, 0.1, 0.1, 0.5, 0.5];
        let abusive = [false, false, true, true, false, false, true, true];
        let id: Vec<String> = ["x", "x", "x", "x", "y", "y", "y", "y"]
            .map(String::from)
            .to_vec();
        let a = audit(&scores, &abusive, &id, 0.55);
        let x = &a[0];
        assert_eq!(x.subgroup_auc, Some(1.0));
        assert_eq!(x.bpsn_auc, Some(0.0));
        assert_eq!(x.bnsp_auc, Some(1.0));
        assert_eq!((x.neutral_flagged, x.neutral_fpr), (2, 1.0));
        let y = &a[1];
        assert_eq!(y.neutral_fpr, 0.0);
        assert_eq!(y.abusive_recall, Some(0.0));
    }
}
