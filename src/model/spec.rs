//! What a model predicts: which columns it reads, its label set, its per-target heads, and
//! the names of the probability columns it writes.

use super::objective::Link;
use serde::{Deserialize, Serialize};

/// The labels a model learned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LabelSpec {
    /// One column of classes. Two classes give one sigmoid output, P(`positive`); more give
    /// a softmax over `classes`.
    Classes {
        column: String,
        classes: Vec<String>,
        positive: Option<String>,
    },
    /// Several 0/1 columns, one independent sigmoid output each.
    MultiLabel { columns: Vec<String> },
}

/// Per-target heads: rows whose `column` holds `values[t]` are scored by head group `t`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetSpec {
    pub column: String,
    pub values: Vec<String>,
    /// A general model (`train --targets general`, [`crate::model::general`]): texts are read
    /// with their target's mentions marked ([`crate::text::mention`]), and a head group after
    /// the targets' scores any other target (fitted on every row pooled).
    #[serde(default, skip_serializing_if = "is_false")]
    pub general: bool,
    /// A general model's targets whose own heads read the comment as written, not marked
    /// (`train --plain-own-heads`; sorted): the marks are for what carries across targets,
    /// and a target's own head learns its own words. Targets added by `train --init` start
    /// from the general head, and read marks as it does.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plain: Vec<String>,
}

impl TargetSpec {
    /// Whether a general model reads comments on `target` with its mentions marked.
    pub fn marks(&self, target: &str) -> bool {
        self.general
            && self
                .plain
                .binary_search_by(|p| p.as_str().cmp(target))
                .is_err()
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The columns and labels of a model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spec {
    pub text_column: String,
    pub labels: LabelSpec,
    pub target: Option<TargetSpec>,
}

/// Whether a two-class column reads as a yes/no flag (then its probability column is named
/// after the column, not the class).
pub fn is_flag_pair(classes: &[String]) -> bool {
    let mut c: Vec<String> = classes.iter().map(|s| s.to_ascii_lowercase()).collect();
    c.sort();
    matches!(
        (c[0].as_str(), c[1].as_str()),
        ("0", "1") | ("false", "true") | ("no", "yes") | ("n", "y")
    )
}

impl Spec {
    /// The label column of head `g` of a target when labels are several 0/1 columns; `None`
    /// for a class column.
    pub fn label_column(&self, g: usize) -> Option<&str> {
        match &self.labels {
            LabelSpec::Classes { .. } => None,
            LabelSpec::MultiLabel { columns } => columns.get(g).map(String::as_str),
        }
    }

    /// Heads per target: 1 for a class column, one per column for multi-label.
    pub fn heads_per_target(&self) -> usize {
        match &self.labels {
            LabelSpec::Classes { .. } => 1,
            LabelSpec::MultiLabel { columns } => columns.len(),
        }
    }

    pub fn n_targets(&self) -> usize {
        self.target.as_ref().map_or(1, |t| t.values.len())
    }

    /// Whether this is a general stance model (see [`TargetSpec::general`]).
    pub fn is_general(&self) -> bool {
        self.target.as_ref().is_some_and(|t| t.general)
    }

    /// Whether the model reads comments on `target` (none: no target) with its mentions
    /// marked: a general model does, but for targets whose own heads read them plain.
    pub fn marks(&self, target: Option<&str>) -> bool {
        self.target
            .as_ref()
            .is_some_and(|t| t.marks(target.unwrap_or("")))
    }

    /// Head groups in the model file: one per target, and the general group of a general
    /// model.
    pub fn n_groups(&self) -> usize {
        self.n_targets() + self.is_general() as usize
    }

    /// The link of head `g` within a target group.
    pub fn link(&self) -> Link {
        match &self.labels {
            LabelSpec::Classes { classes, .. } if classes.len() > 2 => Link::Softmax(classes.len()),
            _ => Link::Sigmoid,
        }
    }

    /// Names of the probability columns, in output order: `p_<class>` for a class column
    /// (`p_<column>` for a 0/1 column), `p_<column>` for each multi-label column.
    pub fn output_names(&self) -> Vec<String> {
        match &self.labels {
            LabelSpec::Classes {
                column,
                classes,
                positive,
            } => match positive {
                Some(_) if is_flag_pair(classes) => vec![format!("p_{column}")],
                Some(pos) => vec![format!("p_{pos}")],
                None => classes.iter().map(|c| format!("p_{c}")).collect(),
            },
            LabelSpec::MultiLabel { columns } => columns.iter().map(|c| format!("p_{c}")).collect(),
        }
    }

    /// Names of the prediction columns: `pred_<column>` (the predicted class) for a class
    /// column; `pred_<column>` (0/1 at the head's decision threshold) per multi-label column.
    pub fn prediction_names(&self) -> Vec<String> {
        self.label_columns()
            .iter()
            .map(|c| format!("pred_{c}"))
            .collect()
    }

    /// The predicted class for the probabilities `p` of a class-column model: for two
    /// classes the positive one at `p[0] ≥ cut` (the head's threshold), the most probable
    /// class otherwise.
    pub fn predicted_class<'a>(&'a self, p: &[f64], cut: f64) -> Option<&'a str> {
        match &self.labels {
            LabelSpec::Classes {
                classes, positive, ..
            } => Some(match positive {
                Some(pos) => {
                    let neg = classes.iter().find(|c| *c != pos).unwrap_or(pos);
                    if p[0] >= cut {
                        pos
                    } else {
                        neg
                    }
                }
                None => {
                    let best = (0..p.len())
                        .max_by(|&a, &b| p[a].total_cmp(&p[b]).then(b.cmp(&a)))
                        .unwrap_or(0);
                    &classes[best]
                }
            }),
            LabelSpec::MultiLabel { .. } => None,
        }
    }

    /// The columns the model reads from a labelled file.
    pub fn label_columns(&self) -> Vec<&str> {
        match &self.labels {
            LabelSpec::Classes { column, .. } => vec![column],
            LabelSpec::MultiLabel { columns } => columns.iter().map(|s| s.as_str()).collect(),
        }
    }
}

/// Parses a multi-label cell: 1/0, true/false, yes/no, y/n (any case), or the numbers 1 and
/// 0 however written (`1.0`, `0.00`). Anything else (`2`, `0.5`, `-1`) is not a flag.
pub fn parse_flag(s: &str) -> Option<bool> {
    let t = s.trim();
    match t.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "y" => Some(true),
        "0" | "false" | "no" | "n" => Some(false),
        _ if t.bytes().all(|b| b.is_ascii_digit() || b == b'.') => match t.parse::<f64>() {
            Ok(1.0) => Some(true),
            Ok(0.0) => Some(false),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(c: &[&str], pos: Option<&str>) -> Spec {
        Spec {
            text_column: "text".into(),
            labels: LabelSpec::Classes {
                column: "y".into(),
                classes: c.iter().map(|s| s.to_string()).collect(),
                positive: pos.map(str::to_string),
            },
            target: None,
        }
    }

    #[test]
    fn output_names_read_naturally() {
        assert_eq!(classes(&["0", "1"], Some("1")).output_names(), ["p_y"]);
        assert_eq!(
            classes(&["NOT", "OFF"], Some("OFF")).output_names(),
            ["p_OFF"]
        );
        let s = classes(&["AGAINST", "FAVOR", "NONE"], None);
        assert_eq!(s.output_names(), ["p_AGAINST", "p_FAVOR", "p_NONE"]);
        assert_eq!(s.predicted_class(&[0.2, 0.5, 0.3], 0.5), Some("FAVOR"));
        let b = classes(&["NOT", "OFF"], Some("OFF"));
        assert_eq!(b.predicted_class(&[0.7], 0.5), Some("OFF"));
        assert_eq!(b.predicted_class(&[0.2], 0.5), Some("NOT"));
        assert_eq!(b.predicted_class(&[0.2], 0.15), Some("OFF"));
    }

    #[test]
    fn flags_parse() {
        assert_eq!(parse_flag(" 1 "), Some(true));
        assert_eq!(parse_flag("False"), Some(false));
        assert_eq!(parse_flag("0.0"), Some(false));
        assert_eq!(parse_flag("1.00"), Some(true));
        for bad in ["maybe", "2", "0.5", "-1", "1e0", "NaN", ""] {
            assert_eq!(parse_flag(bad), None, "{bad}");
        }
    }
}
