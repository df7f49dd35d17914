//! The attack suite run: a model scored on a labelled set, clean and with its abusive rows
//! disguised one family at a time ([`super::attack`]), each family's ROC-AUC and recall
//! against the clean set's, and the report of it (Markdown here, HTML in [`super::html`]).

use super::attack::{abusive_vocabulary, perturb, FAMILIES, MIN_LETTERS};
use super::metrics::roc_auc;
use super::predict::binary_scores;
use super::tables::Table;
use crate::error::{Error, Result};
use crate::model::{Model, TrainingData};
use serde::Serialize;

/// The JSON layout's name and version (docs/formats.md, "Report JSON").
pub const SCHEMA: &str = "gavel.attack/1";

/// Sees each set of the run: its name (`clean` or a family's), texts and truth.
pub type SetSink<'a> = &'a mut dyn FnMut(&str, &[String], &[bool]) -> Result<()>;

/// How to run the suite.
#[derive(Clone, Debug)]
pub struct AttackOptions {
    /// a comment is flagged (for recall) at or above this score
    pub threshold: f64,
    /// where the threshold comes from, for the report
    pub threshold_from: String,
    /// disguise every word of 4+ letters, not only the set's abusive vocabulary
    pub all_words: bool,
    /// disguise every row alike, not only the abusive ones: a model that has learned that
    /// odd spelling means abuse loses here what it gains when only abusive rows are disguised
    pub all_rows: bool,
    /// the largest ROC-AUC drop allowed per family
    pub max_drop: f64,
}

/// Runs the suite on `data` with `model`'s binary head (its abusive rows disguised, or every
/// row with `opts.all_rows`); `on_set(name, texts, truth)` sees the
/// clean set (`clean`) and each disguised one, for writing them out. Refuses a set that
/// cannot test the floor: one class only, no abusive vocabulary, or a family that changes no
/// comment.
pub fn run(
    model: &Model,
    data: &TrainingData,
    opts: &AttackOptions,
    on_set: SetSink,
) -> Result<AttackReport> {
    let (clean, truth, output) = binary_scores(model, data)?;
    let recall = |s: &[f64]| {
        let pos = truth.iter().filter(|&&t| t).count().max(1);
        (0..s.len())
            .filter(|&i| truth[i] && s[i] >= opts.threshold)
            .count() as f64
            / pos as f64
    };
    let clean_auc = roc_auc(&clean, &truth);
    if clean_auc.is_none() {
        return Err(Error::Data(format!(
            "{}: the set needs abusive and non-abusive rows to measure ROC-AUC",
            data.source.0
        )));
    }
    on_set("clean", &data.texts, &truth)?;
    let vocab = abusive_vocabulary(&data.texts, &truth, 5);
    if vocab.is_empty() && !opts.all_words {
        return Err(Error::Data(format!(
            "{}: no word is abusive vocabulary here (4+ letters, in 5 or more abusive rows, at \
             least e times likelier there), so nothing would be attacked; use --all-words or a \
             larger set",
            data.source.0
        )));
    }
    let targets = (!opts.all_words).then_some(&vocab);
    let long_word = |w: &&str| {
        w.len() >= MIN_LETTERS && targets.is_none_or(|t| t.contains(&w.to_ascii_lowercase()))
    };
    let words = |t: &str| -> Vec<String> {
        t.split(|c: char| !c.is_ascii_alphabetic())
            .filter(long_word)
            .map(str::to_string)
            .collect()
    };
    let example_word = (0..truth.len())
        .filter(|&i| truth[i])
        .find_map(|i| words(&data.texts[i]).into_iter().next());
    let mut families = Vec::new();
    for f in FAMILIES {
        let mut attacked = data.clone();
        let mut changed = 0;
        for (t, &y) in attacked.texts.iter_mut().zip(&truth) {
            if y || opts.all_rows {
                let p = perturb(t, f, targets);
                changed += (p != *t) as usize;
                *t = p;
            }
        }
        if changed == 0 {
            return Err(Error::Data(format!(
                "the {} family changed no comment (no abusive row has a word it can disguise): \
                 the floor cannot be tested on this set",
                f.name()
            )));
        }
        let (s, _, _) = binary_scores(model, &attacked)?;
        let auc = roc_auc(&s, &truth);
        families.push(FamilyResult {
            family: f.name(),
            example: example_word
                .as_deref()
                .map(|w| perturb(w, f, None))
                .unwrap_or_default(),
            roc_auc: auc,
            auc_drop: auc.zip(clean_auc).map(|(a, c)| a - c),
            recall: recall(&s),
        });
        on_set(f.name(), &attacked.texts, &truth)?;
    }
    Ok(AttackReport {
        schema: SCHEMA,
        data_file: data.source.0.clone(),
        output,
        threshold: opts.threshold,
        threshold_from: opts.threshold_from.clone(),
        rows: truth.len(),
        abusive_rows: truth.iter().filter(|&&t| t).count(),
        clean_roc_auc: clean_auc,
        clean_recall: recall(&clean),
        words: match targets {
            Some(t) => format!("the set's abusive vocabulary ({} words)", t.len()),
            None => "every word".into(),
        },
        disguised_rows: if opts.all_rows {
            "every row"
        } else {
            "the abusive rows"
        },
        max_drop: opts.max_drop,
        families,
    })
}

/// How one family did against the clean set.
#[derive(Clone, Debug, Serialize)]
pub struct FamilyResult {
    pub family: &'static str,
    /// an example: the first abusive row's first long word, obfuscated
    pub example: String,
    pub roc_auc: Option<f64>,
    /// `roc_auc` − the clean set's
    pub auc_drop: Option<f64>,
    /// abusive rows at or above the threshold
    pub recall: f64,
}

/// An attack run.
#[derive(Clone, Debug, Serialize)]
pub struct AttackReport {
    /// [`SCHEMA`]
    pub schema: &'static str,
    pub data_file: String,
    pub output: String,
    pub threshold: f64,
    pub threshold_from: String,
    pub rows: usize,
    pub abusive_rows: usize,
    pub clean_roc_auc: Option<f64>,
    pub clean_recall: f64,
    /// which words were obfuscated
    pub words: String,
    /// which rows: "the abusive rows" or "every row"
    pub disguised_rows: &'static str,
    /// the largest AUC drop allowed per family (the floor)
    pub max_drop: f64,
    pub families: Vec<FamilyResult>,
}

impl AttackReport {
    /// The families whose AUC dropped more than allowed, or could not be measured.
    pub fn failing(&self) -> Vec<&FamilyResult> {
        self.families
            .iter()
            .filter(|f| f.auc_drop.is_none_or(|d| d.is_nan() || -d > self.max_drop))
            .collect()
    }
}

/// What was attacked, the clean figures, and which families are over the floor.
pub fn summary(r: &AttackReport) -> String {
    let f = |v: Option<f64>| v.map_or("–".to_string(), |x| format!("{x:.4}"));
    format!(
        "{} on {} ({} rows, {} abusive; in {}, {} of {}+ letters obfuscated): \
         clean ROC-AUC {}, recall {:.3} at {} >= {:.3} ({}). Floor: ROC-AUC drop <= {} per \
         family. {}",
        r.output,
        r.data_file,
        r.rows,
        r.abusive_rows,
        r.disguised_rows,
        r.words,
        MIN_LETTERS,
        f(r.clean_roc_auc),
        r.clean_recall,
        r.output,
        r.threshold,
        r.threshold_from,
        r.max_drop,
        match r.failing().as_slice() {
            [] => "Every family is within the floor.".to_string(),
            bad => format!(
                "Over the floor: {}.",
                bad.iter().map(|x| x.family).collect::<Vec<_>>().join(", ")
            ),
        }
    )
}

/// One row per family.
pub fn table(r: &AttackReport) -> Table {
    let f = |v: Option<f64>| v.map_or("–".to_string(), |x| format!("{x:.4}"));
    Table::new(
        ["family", "example", "ROC-AUC", "change", "recall"]
            .map(String::from)
            .to_vec(),
        r.families
            .iter()
            .map(|x| {
                vec![
                    x.family.to_string(),
                    // a zero-width space would not show: draw it as ␣
                    x.example.replace('\u{200B}', "\u{2423}"),
                    f(x.roc_auc),
                    x.auc_drop.map_or("–".into(), |d| format!("{d:+.4}")),
                    format!("{:.3}", x.recall),
                ]
            })
            .collect(),
        2,
    )
}

/// The report as Markdown.
pub fn markdown(r: &AttackReport) -> String {
    format!(
        "# Attack suite\n\n{}\n\n{}",
        summary(r),
        table(r).markdown()
    )
}
