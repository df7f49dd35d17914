//! What training reads: the texts, their labels (one class column, or several 0/1 columns)
//! and targets, with the line of each row and the file they came from.

/// The labels of the training rows.
#[derive(Clone, Debug)]
pub enum Labels {
    /// one class per row, from the column `column`
    Classes { column: String, values: Vec<String> },
    /// per row, one flag per column of `columns`; `None` where the row is not labelled for
    /// that column (an empty cell: a source that does not label it), so the row takes no part
    /// in that head's fit, calibration or evaluation
    Multi {
        columns: Vec<String>,
        values: Vec<Vec<Option<bool>>>,
    },
}

impl Labels {
    /// Whether row `i` has a label for head `g` (always, for a class column).
    pub fn known(&self, i: usize, g: usize) -> bool {
        match self {
            Labels::Classes { .. } => true,
            Labels::Multi { values, .. } => values[i][g].is_some(),
        }
    }

    /// Whether some row lacks a label for some head.
    pub fn masked(&self) -> bool {
        match self {
            Labels::Classes { .. } => false,
            Labels::Multi { values, .. } => values.iter().flatten().any(Option::is_none),
        }
    }

    /// Of `rows`, those labelled for head `g`.
    pub fn labelled(&self, rows: &[usize], g: usize) -> Vec<usize> {
        rows.iter().copied().filter(|&i| self.known(i, g)).collect()
    }
}

/// Everything training reads, already parsed and checked.
#[derive(Clone, Debug)]
pub struct TrainingData {
    pub text_column: String,
    pub texts: Vec<String>,
    /// the input line of each row, for messages
    pub lines: Vec<u64>,
    pub labels: Labels,
    /// per-row target values and the target column's name
    pub targets: Option<(String, Vec<String>)>,
    /// the data file as named and its SHA-256 (for the model's metadata)
    pub source: (String, String),
    /// the rows of the file left out as unusable (`--on-error skip`), each as its message
    pub skipped: Vec<String>,
    /// per-row values of a column the rows are grouped by for reporting (`eval --by`) or
    /// left out by (`cv --group`): source, language, story; with the column's name
    pub groups: Option<(String, Vec<String>)>,
    /// per-row values of a column whose values each get a joint fit of their own targets
    /// (`train --joint-by`: a source's targets share cues with each other more than with
    /// another source's), with the column's name
    pub joint: Option<(String, Vec<String>)>,
    /// per-row values of the column naming each row's source (`train --sources`: a labelled
    /// set, a site), with the column's name; an empty cell is the value `(none)`
    pub sources: Option<(String, Vec<String>)>,
}

impl TrainingData {
    /// The rows `rows`, in that order.
    pub fn subset(&self, rows: &[usize]) -> TrainingData {
        let pick = |v: &Vec<String>| rows.iter().map(|&i| v[i].clone()).collect::<Vec<_>>();
        TrainingData {
            text_column: self.text_column.clone(),
            texts: pick(&self.texts),
            lines: rows.iter().map(|&i| self.lines[i]).collect(),
            labels: match &self.labels {
                Labels::Classes { column, values } => Labels::Classes {
                    column: column.clone(),
                    values: pick(values),
                },
                Labels::Multi { columns, values } => Labels::Multi {
                    columns: columns.clone(),
                    values: rows.iter().map(|&i| values[i].clone()).collect(),
                },
            },
            targets: self.targets.as_ref().map(|(c, v)| (c.clone(), pick(v))),
            source: self.source.clone(),
            skipped: Vec::new(),
            groups: self.groups.as_ref().map(|(c, v)| (c.clone(), pick(v))),
            joint: self.joint.as_ref().map(|(c, v)| (c.clone(), pick(v))),
            sources: self.sources.as_ref().map(|(c, v)| (c.clone(), pick(v))),
        }
    }

    /// A stratum key per row: the label(s) and, for per-target data, the target.
    pub fn strata(&self) -> Vec<String> {
        (0..self.texts.len())
            .map(|i| {
                let mut k = match &self.labels {
                    Labels::Classes { values, .. } => values[i].clone(),
                    Labels::Multi { values, .. } => values[i]
                        .iter()
                        .map(|b| match b {
                            Some(true) => '1',
                            Some(false) => '0',
                            None => '-',
                        })
                        .collect(),
                };
                if let Some((_, t)) = &self.targets {
                    k.push('\u{1f}');
                    k.push_str(&t[i]);
                }
                k
            })
            .collect()
    }
}

/// A labelled toy set for unit tests: `pairs` insults ("you stupid idiot i", class "1") and
/// as many polite rows ("thank you for the report i", "0"), interleaved.
#[cfg(test)]
pub(crate) fn toy_insults(pairs: usize) -> TrainingData {
    let mut texts = vec![];
    let mut y = vec![];
    for i in 0..pairs {
        texts.push(format!("you stupid idiot {i}"));
        y.push("1".to_string());
        texts.push(format!("thank you for the report {i}"));
        y.push("0".to_string());
    }
    TrainingData {
        lines: (2..2 + texts.len() as u64).collect(),
        texts,
        labels: Labels::Classes {
            column: "insult".into(),
            values: y,
        },
        targets: None,
        text_column: "text".into(),
        source: ("toy".into(), String::new()),
        skipped: Vec::new(),
        groups: None,
        joint: None,
        sources: None,
    }
}

#[cfg(test)]
impl TrainingData {
    /// Four fruit targets from two sources (apples and bananas from `a`, cherries and plums
    /// from `b`), `n` stance rows each, with the source as the `--joint-by` column, for tests.
    pub(crate) fn two_sources(n: usize) -> TrainingData {
        let (mut texts, mut stance, mut target, mut source) = (vec![], vec![], vec![], vec![]);
        for (t, src) in [
            ("apples", "a"),
            ("bananas", "a"),
            ("cherries", "b"),
            ("plums", "b"),
        ] {
            for i in 0..n {
                let (text, s) = match i % 3 {
                    0 => (format!("love {t} so good {i}"), "FAVOR"),
                    1 => (format!("{t} awful, {src} bad {i}"), "AGAINST"),
                    _ => (format!("weather mild {src} {i}"), "NONE"),
                };
                texts.push(text);
                stance.push(s.to_string());
                target.push(t.to_string());
                source.push(src.to_string());
            }
        }
        let mut data = TrainingData::stance_rows(texts, stance, target);
        data.joint = Some(("source".into(), source));
        data
    }

    /// Rows of a `text` column, a `stance` class column and a `target` column, for tests.
    pub(crate) fn stance_rows(
        texts: Vec<String>,
        stance: Vec<String>,
        target: Vec<String>,
    ) -> TrainingData {
        TrainingData {
            text_column: "text".into(),
            lines: (2..2 + texts.len() as u64).collect(),
            texts,
            labels: Labels::Classes {
                column: "stance".into(),
                values: stance,
            },
            targets: Some(("target".into(), target)),
            source: ("mem".into(), String::new()),
            skipped: Vec::new(),
            groups: None,
            joint: None,
            sources: None,
        }
    }
}
