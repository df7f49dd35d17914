//! One comment's scores and the cells `score` adds for it: the shared core of the file
//! stream ([`super::score_stream`]) and of callers that hold their comments in memory (the
//! Python package).

use super::ScoreOptions;
use crate::explain::drivers_text;
use crate::io::Cell;
use crate::model::{LabelSpec, Model, ScoreScratch};
use crate::policy::Action;
use crate::topic::{Topic, TopicVec};

/// What a scored row adds besides its probabilities.
pub struct RowOut {
    /// the head group that scored it
    pub target: usize,
    pub on_topic: Option<f64>,
    /// the comment's language, with a language identifier
    pub lang: Option<&'static str>,
    /// decision, reason and explanation, as asked
    pub cells: Vec<String>,
}

/// Which input field made a row unscorable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Text,
    Target,
}

/// What a column `score` adds holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// a number (probabilities, `on_topic`)
    Num,
    /// 0 or 1 (a multi-label model's predictions)
    Flag,
    /// text (a class model's prediction, `lang`, decision, reason, explanation, error)
    Text,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Num => "num",
            Kind::Flag => "flag",
            Kind::Text => "str",
        }
    }
}

/// Which optional columns a run adds.
#[derive(Clone, Copy, Debug, Default)]
pub struct Asked {
    pub on_topic: bool,
    pub lang: bool,
    /// `decision` and `reason`
    pub decision: bool,
    pub explain: bool,
    pub error: bool,
}

/// The columns a run of `model` adds after the input's, in order, with what they hold: the
/// outputs' probabilities, the predictions, then `on_topic`, `lang`, `decision` and `reason`,
/// `explain` and `error` as asked.
pub fn added_columns(model: &Model, asked: &Asked) -> Vec<(String, Kind)> {
    let pred = match model.spec.labels {
        LabelSpec::Classes { .. } => Kind::Text,
        LabelSpec::MultiLabel { .. } => Kind::Flag,
    };
    let mut added: Vec<(String, Kind)> = (model.output_names().into_iter())
        .map(|n| (n, Kind::Num))
        .collect();
    added.extend(model.spec.prediction_names().into_iter().map(|n| (n, pred)));
    let optional = [
        (asked.on_topic, "on_topic", Kind::Num),
        (asked.lang, "lang", Kind::Text),
        (asked.decision, "decision", Kind::Text),
        (asked.decision, "reason", Kind::Text),
        (asked.explain, "explain", Kind::Text),
        (asked.error, "error", Kind::Text),
    ];
    added.extend(
        (optional.into_iter())
            .filter(|(on, _, _)| *on)
            .map(|(_, name, kind)| (name.to_string(), kind)),
    );
    added
}

/// Scores comments one at a time with a model and the options of a run; shared by threads.
pub struct RowScorer<'a> {
    model: &'a Model,
    opts: &'a ScoreOptions,
    topic: Topic<'a>,
}

impl<'a> RowScorer<'a> {
    pub fn new(model: &'a Model, opts: &'a ScoreOptions) -> RowScorer<'a> {
        RowScorer {
            model,
            opts,
            topic: Topic::new(&model.vectorizer),
        }
    }

    /// The columns a run adds after the input's, in order (see [`added_columns`]).
    pub fn added_columns(&self) -> Vec<String> {
        let opts = self.opts;
        let asked = Asked {
            on_topic: opts.articles.is_some(),
            lang: opts.lang_id.is_some(),
            decision: opts.policy.is_some(),
            explain: opts.explain > 0,
            error: opts.on_error == super::OnError::Skip,
        };
        added_columns(self.model, &asked)
            .into_iter()
            .map(|(name, _)| name)
            .collect()
    }

    /// Scores `text` (of `target`, for a per-target model; about `article`, when the run has
    /// articles) into `out` (one probability per output), or says which field is wrong and
    /// why.
    pub fn score(
        &self,
        text: &str,
        target: Option<&str>,
        article: Option<&TopicVec>,
        out: &mut [f64],
    ) -> Result<RowOut, (Field, String)> {
        let (model, opts) = (self.model, self.opts);
        if text.trim().is_empty() {
            return Err((Field::Text, "empty text".to_string()));
        }
        if let Some(max) = opts.max_text_bytes.filter(|&m| text.len() > m) {
            let msg = format!("text too long: {} bytes, the limit is {max}", text.len());
            return Err((Field::Text, msg));
        }
        let t = match target {
            Some(v) => model
                .target_index(Some(v.trim()))
                .map_err(|m| (Field::Target, m.to_string()))?,
            None => model.target_index(None).unwrap_or(0),
        };
        let read = model.text_for(text, target.map(str::trim));
        ScoreScratch::with(|sc| model.score_into(&read, t, sc, out));
        let on_topic = article.map(|a| self.topic.vector(text).similarity(a));
        let lang = opts.lang_id.as_ref().map(|l| l.detect(text));
        let decision = opts.policy.as_ref().map(|p| p.decide(out, on_topic, lang));
        // the outputs whose scores flag the row: the policy's deciding rules, else the
        // model's own decisions; found only when they are explained
        let explained = (opts.explain > 0).then(|| {
            let flagged = match &decision {
                Some(d) if d.action == Action::Approve => vec![],
                Some(d) => d.outputs.clone(),
                None => model.flagged_outputs(out, t),
            };
            drivers_text(model, text, (target, t), &flagged, opts.explain)
        });
        let mut cells = Vec::new();
        if let Some(d) = decision {
            cells.extend([d.action.to_string(), d.reason]);
        }
        cells.extend(explained);
        Ok(RowOut {
            target: t,
            on_topic,
            lang,
            cells,
        })
    }

    /// Every cell a scored row adds, in the order of [`RowScorer::added_columns`] (without
    /// `error`): the probabilities `p`, the predictions, `on_topic`, `lang`, then decision,
    /// reason and explanation as asked; appended to `out`.
    pub fn cells_into(&self, p: &[f64], row: RowOut, out: &mut Vec<Cell>) {
        out.extend(p.iter().map(|&v| Cell::Num(v)));
        self.predictions_into(p, row.target, out);
        out.extend(row.on_topic.map(Cell::Num));
        out.extend(row.lang.map(|l| Cell::Text(l.to_string())));
        out.extend(row.cells.into_iter().map(Cell::Text));
    }

    /// The prediction cells of scores `p` of head group `target`, appended to `out`: the
    /// predicted class of a class model, else one 0/1 flag per head (its score at or above
    /// its threshold).
    fn predictions_into(&self, p: &[f64], target: usize, out: &mut Vec<Cell>) {
        let spec = &self.model.spec;
        let per = spec.heads_per_target();
        let heads = &self.model.heads[target * per..target * per + per];
        match spec.predicted_class(p, heads[0].threshold()) {
            Some(c) => out.push(Cell::Text(c.to_string())),
            None => out.extend(
                heads
                    .iter()
                    .enumerate()
                    .map(|(g, h)| Cell::Int((p[g] >= h.threshold()) as i64)),
            ),
        }
    }
}
