//! Moderation policy: turns a comment's scores into a decision (`approve`, `review`,
//! `reject`) and the reason for it. A policy is a small TOML file of rules:
//!
//! ```toml
//! [[rule]]
//! output = "p_abusive"   # a probability column of the model, or "on_topic"
//! at_least = 0.85        # fires at or above this score (or `below = x`: under it)
//! action = "reject"
//! ```
//!
//! A rule may apply to some languages only (`lang = ["ur-Latn"]`, the `lang` values of
//! `score --lang-id`): a site may review more of one language, or trust the model less in one.
//!
//! The decision is the most severe action among the rules that fire (reject > review >
//! approve); with none, `approve`. The reason lists the rules behind the decision.

use crate::error::{Error, Result};
use crate::langid::LANGS;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::Path;

/// What happens to a comment, least severe first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Approve,
    Review,
    Reject,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::Approve => "approve",
            Action::Review => "review",
            Action::Reject => "reject",
        })
    }
}

/// Largest policy file read: 1 MiB (a policy is a few rules).
pub const MAX_POLICY_BYTES: usize = 1 << 20;

/// The name a rule uses for the comment's similarity to its article.
pub const ON_TOPIC: &str = "on_topic";

/// One rule: `output` at or above `at_least`, or below `below`, leads to `action`; with
/// `lang`, only for comments in one of those languages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub output: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below: Option<f64>,
    pub action: Action,
    /// the languages the rule applies to (values `score --lang-id` writes: [`LANGS`]); all
    /// when absent
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<Vec<String>>,
}

/// A policy file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    #[serde(rename = "rule", default)]
    pub rules: Vec<Rule>,
}

impl Policy {
    /// Parses policy TOML; `name` (the file) goes into error messages, with the line and
    /// column of a syntax error (never the offending line itself, which may be huge).
    pub fn parse(text: &str, name: &str) -> Result<Policy> {
        let p: Policy = toml::from_str(text).map_err(|e| {
            let msg = crate::error::excerpt(e.message().trim_end(), 200);
            let msg = msg.trim_matches('\'');
            match e.span() {
                Some(span) => {
                    let before = &text.as_bytes()[..span.start.min(text.len())];
                    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
                    let col = before.len()
                        - before
                            .iter()
                            .rposition(|&b| b == b'\n')
                            .map_or(0, |i| i + 1)
                        + 1;
                    Error::input(name, line, None, format!("byte {col}: {msg}"))
                }
                None => Error::Data(format!("{name}: {msg}")),
            }
        })?;
        for (i, r) in p.rules.iter().enumerate() {
            let bad = |m: String| Error::Data(format!("{name}: rule {}: {m}", i + 1));
            let limit = match (r.at_least, r.below) {
                (Some(t), None) | (None, Some(t)) => t,
                _ => return Err(bad("give exactly one of at_least or below".into())),
            };
            if !(0.0..=1.0).contains(&limit) {
                return Err(bad(format!("threshold {limit} is not in [0, 1]")));
            }
            if let Some(langs) = &r.lang {
                if langs.is_empty() {
                    return Err(bad(
                        "lang = [] applies to no comment; leave it out for all".into()
                    ));
                }
                if let Some(l) = langs.iter().find(|l| !LANGS.contains(&l.as_str())) {
                    return Err(bad(format!(
                        "unknown lang '{}' (one of: {})",
                        crate::error::excerpt(l, 40),
                        LANGS.join(", ")
                    )));
                }
            }
        }
        Ok(p)
    }

    /// Reads a policy file (at most [`MAX_POLICY_BYTES`]).
    pub fn load(path: &Path) -> Result<Policy> {
        let text = crate::io::text::read_text(Some(path), "a policy", MAX_POLICY_BYTES)?;
        Policy::parse(&text, &path.display().to_string())
    }

    /// Whether some rule reads the on-topic score.
    pub fn uses_on_topic(&self) -> bool {
        self.rules.iter().any(|r| r.output == ON_TOPIC)
    }

    /// The number (from 1) of the first rule that applies to some languages only, which
    /// needs each comment's language.
    pub fn first_lang_rule(&self) -> Option<usize> {
        self.rules
            .iter()
            .position(|r| r.lang.is_some())
            .map(|i| i + 1)
    }

    /// Resolves each rule's output against a model's probability columns (`outputs`), so
    /// that scoring looks scores up by index. `on_topic` is index `outputs.len()`.
    pub fn bind(&self, outputs: &[String], name: &str) -> Result<BoundPolicy> {
        let rules = self
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let index = if r.output == ON_TOPIC {
                    outputs.len()
                } else {
                    outputs.iter().position(|o| o == &r.output).ok_or_else(|| {
                        Error::Data(format!(
                            "{name}: rule {}: the model has no output '{}' (it has: {}, {ON_TOPIC})",
                            i + 1,
                            r.output,
                            outputs.join(", ")
                        ))
                    })?
                };
                Ok((index, r.clone()))
            })
            .collect::<Result<_>>()?;
        Ok(BoundPolicy { rules })
    }

    /// The lowest score of `output` at which some rule for every language takes the comment
    /// away from `approve` (its lowest review or reject `at_least`), if any.
    pub fn flag_threshold(&self, output: &str) -> Option<f64> {
        self.rules
            .iter()
            .filter(|r| r.output == output && r.action != Action::Approve && r.lang.is_none())
            .filter_map(|r| r.at_least)
            .min_by(f64::total_cmp)
    }

    /// The policy as TOML.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }
}

/// A policy whose rules point at score indices.
#[derive(Clone, Debug)]
pub struct BoundPolicy {
    rules: Vec<(usize, Rule)>,
}

/// A comment's decision under a policy.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    pub action: Action,
    /// the rules of that action that fired, as `output score >= threshold`, joined by "; "
    pub reason: String,
    /// the outputs of those rules (`on_topic` is index `outputs.len()`)
    pub outputs: Vec<usize>,
}

impl BoundPolicy {
    /// The decision for one comment's scores (`scores[i]` for output `i`; `on_topic` and
    /// the comment's language when known: a rule for some languages fires only on them).
    pub fn decide(&self, scores: &[f64], on_topic: Option<f64>, lang: Option<&str>) -> Decision {
        let mut fired: Vec<(&Rule, f64, usize)> = Vec::new();
        for (i, r) in &self.rules {
            if let Some(langs) = &r.lang {
                if !lang.is_some_and(|l| langs.iter().any(|x| x == l)) {
                    continue;
                }
            }
            let v = match scores.get(*i) {
                Some(&v) => v,
                None => match on_topic {
                    Some(v) => v,
                    None => continue,
                },
            };
            // a score that is not a number fires every rule but approve: a broken score must
            // never let a comment through unseen (fail closed)
            let fires = match (r.at_least, r.below) {
                _ if v.is_nan() => r.action != Action::Approve,
                (Some(t), _) => v >= t,
                (_, Some(t)) => v < t,
                _ => false,
            };
            if fires {
                fired.push((r, v, *i));
            }
        }
        let action = fired
            .iter()
            .map(|(r, _, _)| r.action)
            .max()
            .unwrap_or(Action::Approve);
        fired.retain(|(r, _, _)| r.action == action);
        let reason = fired
            .iter()
            .map(|(r, v, _)| {
                let rule = match (r.at_least, r.below) {
                    (Some(t), _) => format!("{} {v:.2} >= {t}", r.output),
                    (_, t) => format!("{} {v:.2} < {}", r.output, t.unwrap_or(0.0)),
                };
                match (&r.lang, lang) {
                    (Some(_), Some(l)) => format!("{rule} (lang {l})"),
                    _ => rule,
                }
            })
            .collect::<Vec<_>>()
            .join("; ");
        let mut outputs: Vec<usize> = fired.iter().map(|f| f.2).collect();
        outputs.dedup();
        Decision {
            action,
            reason,
            outputs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: &str = r#"
        [[rule]]
        output = "p_abusive"
        at_least = 0.85
        action = "reject"

        [[rule]]
        output = "p_abusive"
        at_least = 0.4
        action = "review"

        [[rule]]
        output = "on_topic"
        below = 0.05
        action = "review"
    "#;

    #[test]
    fn the_most_severe_rule_decides_and_is_the_reason() {
        let p = Policy::parse(P, "p.toml")
            .unwrap()
            .bind(&["p_abusive".into()], "p.toml")
            .unwrap();
        let d = |s: f64, t: Option<f64>| {
            let d = p.decide(&[s], t, None);
            (d.action, d.reason, d.outputs)
        };
        assert_eq!(
            d(0.9, Some(0.5)),
            (Action::Reject, "p_abusive 0.90 >= 0.85".into(), vec![0])
        );
        assert_eq!(
            d(0.5, Some(0.01)),
            (
                Action::Review,
                "p_abusive 0.50 >= 0.4; on_topic 0.01 < 0.05".into(),
                vec![0, 1]
            )
        );
        assert_eq!(d(0.1, Some(0.3)), (Action::Approve, String::new(), vec![]));
        // without an article, on-topic rules never fire
        assert_eq!(d(0.1, None).0, Action::Approve);
        // a score that is not a number never approves
        assert_eq!(d(f64::NAN, Some(0.5)).0, Action::Reject);
    }

    #[test]
    fn bad_policies_are_refused_with_the_place() {
        let e = Policy::parse("[[rule]]\noutput = 3", "p.toml").unwrap_err();
        assert!(e.to_string().starts_with("p.toml:2: byte 10: "), "{e}");
        // a huge line is located, not echoed
        let long = format!("[[rule]]\noutput = \"{}", "x".repeat(200_000));
        let e = Policy::parse(&long, "p.toml").unwrap_err().to_string();
        assert!(
            e.starts_with("p.toml:2:") && e.len() < 400,
            "{}",
            &e[..400.min(e.len())]
        );
        let e = Policy::parse(
            "[[rule]]\noutput = \"x\"\naction = \"reject\"\nat_least = 0.5\nbelow = 0.2",
            "p.toml",
        )
        .unwrap_err();
        assert!(e.to_string().contains("rule 1: give exactly one"), "{e}");
        let e = Policy::parse(
            "[[rule]]\noutput = \"x\"\naction = \"ban\"\nat_least = 0.5",
            "p.toml",
        )
        .unwrap_err();
        assert!(e.to_string().contains("ban"), "{e}");
        let p = Policy::parse(P, "p.toml").unwrap();
        let e = p.bind(&["p_OFF".into()], "p.toml").unwrap_err();
        assert!(e.to_string().contains("no output 'p_abusive'"), "{e}");
    }

    /// A rule for some languages fires on those only, and says so in the reason.
    #[test]
    fn language_rules_apply_to_their_languages() {
        let text = format!(
            "{P}\n[[rule]]\noutput = \"p_abusive\"\nat_least = 0.2\naction = \"review\"\nlang = [\"ur-Latn\", \"ur-Arab\"]\n"
        );
        let pol = Policy::parse(&text, "p.toml").unwrap();
        assert_eq!(pol.first_lang_rule(), Some(4));
        // the flag threshold for every language is not lowered by the Roman Urdu rule
        assert_eq!(pol.flag_threshold("p_abusive"), Some(0.4));
        let p = pol.bind(&["p_abusive".into()], "p.toml").unwrap();
        let d = p.decide(&[0.3], None, Some("ur-Latn"));
        assert_eq!(
            (d.action, d.reason.as_str()),
            (Action::Review, "p_abusive 0.30 >= 0.2 (lang ur-Latn)")
        );
        assert_eq!(p.decide(&[0.3], None, Some("en")).action, Action::Approve);
        assert_eq!(p.decide(&[0.3], None, None).action, Action::Approve);
        for (bad, says) in [
            ("lang = []", "applies to no comment"),
            ("lang = [\"urdu\"]", "unknown lang 'urdu'"),
        ] {
            let t = format!("[[rule]]\noutput = \"x\"\naction = \"review\"\nat_least = 0.5\n{bad}");
            let e = Policy::parse(&t, "p.toml").unwrap_err().to_string();
            assert!(e.contains("rule 1") && e.contains(says), "{e}");
        }
        assert_eq!(Policy::parse(&pol.to_toml(), "again").unwrap(), pol);
    }

    #[test]
    fn policies_round_trip_through_toml() {
        let p = Policy::parse(P, "p.toml").unwrap();
        assert_eq!(Policy::parse(&p.to_toml(), "again").unwrap(), p);
    }
}
