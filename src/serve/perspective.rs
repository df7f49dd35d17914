//! `POST /v1alpha1/comments:analyze`: Perspective's request and answer, scored by gavel's
//! models. Attributes map to model outputs through the [`Registry`]; a summary score under
//! the request's `scoreThreshold` is left out; span offsets are UTF-16 code units, end
//! exclusive, as Perspective gives them. gavel's extensions: a top-level `target` (the
//! subject a stance model scores the comment towards), and a `contribution` (the span's exact
//! share of the logit) in each span score.

use super::errors::ApiError;
use super::registry::{Registry, Served};
use crate::explain::explain_for;
use crate::feedback::store::Analyzed;
use crate::model::ScoreScratch;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub struct AnalyzeRequest {
    pub comment: Option<TextEntry>,
    pub requested_attributes: Option<BTreeMap<String, Option<AttributeParameters>>>,
    pub languages: Option<Vec<String>>,
    pub do_not_store: Option<bool>,
    pub span_annotations: Option<bool>,
    pub client_token: Option<String>,
    pub context: Option<serde_json::Value>,
    pub session_id: Option<String>,
    pub community_id: Option<String>,
    /// gavel: the target of stance models
    pub target: Option<String>,
}

#[derive(Deserialize, Debug, Default)]
pub struct TextEntry {
    pub text: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub struct AttributeParameters {
    pub score_type: Option<String>,
    pub score_threshold: Option<f64>,
}

#[derive(Serialize, Debug, PartialEq)]
pub struct Score {
    pub value: f64,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

#[derive(Serialize, Debug, PartialEq)]
pub struct SpanScore {
    pub begin: usize,
    pub end: usize,
    pub score: Score,
    /// gavel: the span's share of the attribute's logit (absent on the whole-text span)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contribution: Option<f64>,
}

#[derive(Serialize, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AttributeScores {
    pub span_scores: Vec<SpanScore>,
    pub summary_score: Score,
}

#[derive(Serialize, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AnalyzeResponse {
    pub attribute_scores: BTreeMap<String, AttributeScores>,
    pub languages: Vec<String>,
    pub detected_languages: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_token: Option<String>,
}

/// How one attribute is scored.
struct Wanted<'r> {
    name: String,
    served: &'r Served,
    output: usize,
    raw: bool,
    threshold: Option<f64>,
}

/// Checks and scores one request. `max_text` bounds the comment in bytes. Returns the answer
/// and, when the request may be stored, the row to store.
pub fn analyze(
    reg: &Registry,
    req: AnalyzeRequest,
    max_text: usize,
) -> Result<(AnalyzeResponse, Option<Analyzed>), ApiError> {
    let comment = req
        .comment
        .ok_or_else(|| ApiError::invalid("Comment must be specified."))?;
    match comment.kind.as_deref() {
        None | Some("PLAIN_TEXT") | Some("TEXT_TYPE_UNSPECIFIED") => {}
        Some(other) => {
            return Err(ApiError::invalid(format!(
                "comment.type {other} is not supported: send PLAIN_TEXT"
            )))
        }
    }
    let text = comment.text.unwrap_or_default();
    if text.trim().is_empty() {
        return Err(ApiError::invalid("Comment must be non-empty."));
    }
    if text.len() > max_text {
        return Err(ApiError::invalid(format!(
            "Comment text too long: {} bytes, the limit is {max_text}.",
            text.len()
        )));
    }
    let asked = req.requested_attributes.unwrap_or_default();
    if asked.is_empty() {
        return Err(ApiError::invalid(
            "At least one requested attribute must be specified.",
        ));
    }
    let languages: Vec<String> = req
        .languages
        .unwrap_or_default()
        .into_iter()
        .map(|l| l.to_ascii_lowercase())
        .collect();
    let mut wanted = Vec::with_capacity(asked.len());
    for (name, params) in asked {
        let (served, output) = reg.resolve(&name).map_err(ApiError::invalid)?;
        let p = params.unwrap_or_default();
        let raw = match p.score_type.as_deref() {
            None | Some("PROBABILITY") | Some("SCORE_TYPE_UNSPECIFIED") => false,
            Some("RAW") => true,
            Some(other) => {
                return Err(ApiError::invalid(format!(
                "Attribute {name} does not support score type {other}: ask for PROBABILITY or RAW"
            )))
            }
        };
        if let Some(t) = p.score_threshold {
            if !t.is_finite() {
                return Err(ApiError::invalid(format!(
                    "{name}: scoreThreshold must be a number"
                )));
            }
        }
        // a language is acceptable when its primary subtag is the model's (`en-US` is `en`)
        let primary = |l: &str| l.split(['-', '_']).next().unwrap_or("").to_string();
        if !languages.is_empty()
            && !languages
                .iter()
                .any(|l| served.languages.contains(&primary(l)))
        {
            return Err(ApiError::invalid(format!(
                "Attribute {name} does not support request languages: {}",
                languages.join(",")
            )));
        }
        wanted.push(Wanted {
            name,
            served,
            output,
            raw,
            threshold: p.score_threshold,
        });
    }
    let spans = req.span_annotations.unwrap_or(false);
    let mut scores: BTreeMap<String, AttributeScores> = BTreeMap::new();
    // each model scores the comment once, whatever number of its outputs are asked for
    let mut done: Vec<(&Served, Vec<f64>, usize)> = Vec::new();
    for w in &wanted {
        let m = &w.served.model;
        let i = match done.iter().position(|d| std::ptr::eq(d.0, w.served)) {
            Some(i) => i,
            None => {
                let t = m
                    .target_index(req.target.as_deref().map(str::trim))
                    .map_err(|e| ApiError::invalid(e.to_string()))?;
                let mut out = vec![0.0; m.n_outputs()];
                let read = m.text_for(&text, req.target.as_deref().map(str::trim));
                ScoreScratch::with(|sc| m.score_into(&read, t, sc, &mut out));
                done.push((w.served, out, t));
                done.len() - 1
            }
        };
        let (p, t) = (done[i].1[w.output], done[i].2);
        let value = match w.raw {
            true => (p / (1.0 - p)).ln(),
            false => p,
        };
        if w.threshold.is_some_and(|th| value < th) {
            continue;
        }
        let kind = if w.raw { "RAW" } else { "PROBABILITY" };
        let span_scores = match spans {
            false => vec![SpanScore {
                begin: 0,
                end: text.encode_utf16().count(),
                score: Score { value, kind },
                contribution: None,
            }],
            true => {
                let target = req.target.as_deref().map(str::trim);
                word_scores(w.served, &text, (target, t), w.output, w.raw, w.threshold)
            }
        };
        scores.insert(
            w.name.clone(),
            AttributeScores {
                span_scores,
                summary_score: Score { value, kind },
            },
        );
    }
    let model_languages = wanted
        .first()
        .map(|w| w.served.languages.clone())
        .unwrap_or_default();
    let stored = (!req.do_not_store.unwrap_or(false)).then(|| Analyzed {
        text: text.clone(),
        target: req.target.clone(),
        client_token: req.client_token.clone(),
        session_id: req.session_id.clone(),
        community_id: req.community_id.clone(),
        scores: serde_json::to_string(
            &scores
                .iter()
                .map(|(k, v)| (k.clone(), v.summary_score.value))
                .collect::<BTreeMap<_, _>>(),
        )
        .unwrap_or_default(),
    });
    let detected = match languages.is_empty() {
        true => model_languages,
        false => Vec::new(),
    };
    Ok((
        AnalyzeResponse {
            attribute_scores: scores,
            languages,
            detected_languages: detected,
            client_token: req.client_token,
        },
        stored,
    ))
}

/// Per word of the comment: the score the comment would have from that word alone (the
/// intercept plus the word's share of the logit, through the head's calibration), with the
/// share itself; words under the threshold are left out.
fn word_scores(
    served: &Served,
    text: &str,
    (target_name, target): (Option<&str>, usize),
    output: usize,
    raw: bool,
    threshold: Option<f64>,
) -> Vec<SpanScore> {
    let m = &served.model;
    let k = m.spec.link().k();
    let per = m.spec.heads_per_target();
    let (g, o) = (output / k, output % k);
    let e = explain_for(m, text, target_name, target);
    let h = &e[g];
    let head = &m.heads[target * per + g];
    let offsets = utf16_offsets(text, h.spans.iter().flat_map(|s| [s.begin, s.end]));
    let mut z = vec![0.0; k];
    let mut p = vec![0.0; k];
    let mut out = Vec::with_capacity(h.spans.len());
    for (i, s) in h.spans.iter().enumerate() {
        for (j, zj) in z.iter_mut().enumerate() {
            *zj = h.bias[j] + s.contribution[j];
        }
        head.link_into(&z, &mut p);
        let value = match raw {
            true => (p[o] / (1.0 - p[o])).ln(),
            false => p[o],
        };
        if threshold.is_some_and(|t| value < t) {
            continue;
        }
        out.push(SpanScore {
            begin: offsets[2 * i],
            end: offsets[2 * i + 1],
            score: Score {
                value,
                kind: if raw { "RAW" } else { "PROBABILITY" },
            },
            contribution: Some(s.contribution[o]),
        });
    }
    out
}

/// UTF-16 offsets of byte offsets of `text`, given in any order; one pass over the text when
/// they come in increasing order, as spans do.
pub fn utf16_offsets(text: &str, bytes: impl Iterator<Item = usize>) -> Vec<usize> {
    let (mut at_byte, mut at_unit) = (0usize, 0usize);
    bytes
        .map(|b| {
            if b < at_byte {
                (at_byte, at_unit) = (0, 0);
            }
            at_unit += text[at_byte..b].encode_utf16().count();
            at_byte = b;
            at_unit
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_utf16_units() {
        let t = "a😀b é";
        // bytes: a=0, 😀=1..5, b=5, ' '=6, é=7..9
        assert_eq!(
            utf16_offsets(t, [0, 1, 5, 6, 7, 9].into_iter()),
            [0, 1, 3, 4, 5, 6]
        );
        assert_eq!(utf16_offsets(t, [5, 1].into_iter()), [3, 1]);
    }
}
