//! The `lang` output of `gavel score --lang-id MODEL`: `ur-Arab`, `hi-Deva` and `other` from
//! the script of the comment's letters ([`crate::text::script`]); Latin-script comments are
//! told apart, English (`en`) or Roman Urdu/Hindi (`ur-Latn`), by a small gavel model
//! trained on the labelled sets (`models/lang.gavel`, built by `models/build.sh`).

use crate::model::{Model, ScoreScratch};
use crate::text::script::{dominant_script, Script};
use crate::{Error, Result};

/// The languages a comment can be given.
pub const LANGS: [&str; 5] = ["en", "ur-Latn", "ur-Arab", "hi-Deva", "other"];

/// The output a language-identifier model must have: the probability of Roman Urdu/Hindi.
const OUTPUT: &str = "p_ur-Latn";

thread_local! {
    /// The identifier's own per-thread scratch: its word memo belongs to its vectorizer, so
    /// sharing [`ScoreScratch::with`]'s with the model being scored would clear both memos
    /// on every comment.
    static SCRATCH: std::cell::RefCell<ScoreScratch> = Default::default();
}

/// A language identifier: script rules, then the model for Latin-script text.
pub struct LangId {
    model: Model,
    threshold: f64,
}

impl std::fmt::Debug for LangId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LangId {{ threshold: {} }}", self.threshold)
    }
}

impl LangId {
    /// Wraps a model trained with `--label lang --positive ur-Latn` on `en` and `ur-Latn`
    /// rows; any other model is refused, naming its outputs.
    pub fn new(model: Model, path: &str) -> Result<LangId> {
        let names = model.output_names();
        if names != [OUTPUT] || model.spec.target.is_some() {
            return Err(Error::Param(format!(
                "{path} is not a language identifier: its outputs are {} (one output, {OUTPUT}, is needed: \
                 gavel train --label lang --positive ur-Latn)",
                names.join(", ")
            )));
        }
        let threshold = model.heads[0].threshold();
        Ok(LangId { model, threshold })
    }

    /// The language of `text`, one of [`LANGS`]. Linear in the text.
    pub fn detect(&self, text: &str) -> &'static str {
        match dominant_script(text) {
            Script::Arabic => "ur-Arab",
            Script::Devanagari => "hi-Deva",
            Script::Other | Script::None => "other",
            Script::Latin => {
                let mut p = [0.0];
                SCRATCH.with(|sc| self.model.score_into(text, 0, &mut sc.borrow_mut(), &mut p));
                if p[0] >= self.threshold {
                    "ur-Latn"
                } else {
                    "en"
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{train, TrainConfig};
    use crate::model::{Labels, TrainingData};

    fn toy(label: &str, positive: Option<&str>) -> Model {
        let en = [
            "this is not true",
            "what a good report",
            "they are lying again",
        ];
        let ur = [
            "yeh sach nahi hai",
            "kya acha tajzia hai",
            "ye phir jhoot bol rahe hain",
        ];
        let mut texts = Vec::new();
        let mut values = Vec::new();
        for i in 0..20 {
            texts.push(format!("{} {i}", en[i % 3]));
            values.push("en".to_string());
            texts.push(format!("{} {i}", ur[i % 3]));
            values.push("ur-Latn".to_string());
        }
        let data = TrainingData {
            text_column: "text".into(),
            lines: (2..42).collect(),
            texts,
            labels: Labels::Classes {
                column: label.into(),
                values,
            },
            targets: None,
            source: ("mem".into(), String::new()),
            skipped: Vec::new(),
            groups: None,
            joint: None,
            sources: None,
        };
        let cfg = TrainConfig {
            positive: positive.map(str::to_string),
            ..TrainConfig::default()
        };
        train(&data, &cfg).unwrap()
    }

    #[test]
    fn scripts_decide_and_the_model_splits_latin() {
        let id = LangId::new(toy("lang", Some("ur-Latn")), "lang.gavel").unwrap();
        assert_eq!(id.detect("yeh sab jhoot hai"), "ur-Latn");
        assert_eq!(id.detect("this report is good"), "en");
        assert_eq!(id.detect("یہ سب جھوٹ ہے"), "ur-Arab");
        assert_eq!(id.detect("यह सब झूठ है"), "hi-Deva");
        assert_eq!(id.detect("🙂🙂"), "other");
        // a model of another output is refused with its outputs named
        let e = LangId::new(toy("lang", Some("en")), "abuse.gavel")
            .err()
            .unwrap();
        assert!(
            e.to_string()
                .contains("abuse.gavel is not a language identifier: its outputs are p_en"),
            "{e}"
        );
    }
}
