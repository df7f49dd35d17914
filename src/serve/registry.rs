//! What a running service holds: its models (by name and version), the Perspective attribute
//! each output answers to, and the policy. Built whole from the config and swapped whole on
//! reload, so a request sees one registry from start to end.

use super::config::ServeConfig;
use crate::error::{Error, Result};
use crate::model::{file, Model};
use crate::policy::{BoundPolicy, Policy};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// One loaded model.
pub struct Served {
    pub name: String,
    pub version: String,
    pub path: String,
    pub sha256: String,
    pub model: Model,
    /// languages a request may name for it (ISO codes, lower case)
    pub languages: Vec<String>,
    /// the policy, when it names this model's outputs
    pub policy: Option<BoundPolicy>,
}

/// The model output behind an attribute.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub model: String,
    pub output: usize,
}

pub struct Registry {
    pub models: Vec<Served>,
    /// attribute name → model name and output
    pub attributes: BTreeMap<String, Attribute>,
}

/// Output names that are abuse, for the default `TOXICITY` attribute.
const TOXIC_OUTPUTS: [&str; 4] = ["p_abusive", "p_toxic", "p_toxicity", "p_offensive"];

/// The ISO code of a model's stemming language, as requests name it.
fn iso(language: &str) -> String {
    let code = match language {
        "english" => "en",
        "arabic" => "ar",
        "danish" => "da",
        "dutch" => "nl",
        "finnish" => "fi",
        "french" => "fr",
        "german" => "de",
        "greek" => "el",
        "hungarian" => "hu",
        "italian" => "it",
        "norwegian" => "no",
        "portuguese" => "pt",
        "romanian" => "ro",
        "russian" => "ru",
        "spanish" => "es",
        "swedish" => "sv",
        "tamil" => "ta",
        "turkish" => "tr",
        other => other,
    };
    code.to_string()
}

/// `abuse` + `p_abusive` → `ABUSE_ABUSIVE`.
fn default_name(model: &str, output: &str) -> String {
    let out = output.strip_prefix("p_").unwrap_or(output);
    format!("{model}_{out}")
        .chars()
        .map(|c| match c.is_ascii_alphanumeric() {
            true => c.to_ascii_uppercase(),
            false => '_',
        })
        .collect()
}

impl Registry {
    /// Loads every model and the policy of `cfg`; any failure leaves nothing half-loaded.
    pub fn load(cfg: &ServeConfig) -> Result<Registry> {
        let policy = cfg.policy.as_deref().map(Policy::load).transpose()?;
        if let (Some(p), Some(path)) = (&policy, &cfg.policy) {
            if let Some(n) = p.first_lang_rule() {
                // the service does not tell languages: such a rule would never fire
                return Err(Error::Param(format!(
                    "{}: rule {n} applies to some languages only, which gavel serve does not \
                     tell; use it with gavel score --lang-id",
                    path.display()
                )));
            }
        }
        let mut models: Vec<Served> = Vec::new();
        for e in &cfg.models {
            let bytes = std::fs::read(&e.path).map_err(|err| Error::io(&e.path, err))?;
            let sha256 = format!("{:x}", Sha256::digest(&bytes));
            let mut model = file::load(&e.path)?;
            if model.spec.target.is_some() {
                // a target the model was not trained on is scored with the mean of its heads
                model = model.with_any_target();
            }
            let version = e
                .version
                .clone()
                .unwrap_or_else(|| sha256[..12].to_string());
            if models
                .iter()
                .any(|m| m.name == e.name && m.version == version)
            {
                return Err(Error::Param(format!(
                    "model {}@{version} is listed twice",
                    e.name
                )));
            }
            let languages = match &e.languages {
                Some(l) => l.iter().map(|x| x.to_ascii_lowercase()).collect(),
                None => vec![iso(&model.vectorizer.text_config().language)],
            };
            let policy = match &policy {
                Some(p) => p
                    .bind(&model.output_names(), &e.path.display().to_string())
                    .ok(),
                None => None,
            };
            models.push(Served {
                name: e.name.clone(),
                version,
                path: e.path.display().to_string(),
                sha256,
                model,
                languages,
                policy,
            });
        }
        if let (Some(p), true) = (&cfg.policy, models.iter().all(|m| m.policy.is_none())) {
            return Err(Error::Param(format!(
                "{}: the policy names outputs no served model has",
                p.display()
            )));
        }
        let mut attributes = BTreeMap::new();
        for m in &models {
            for (o, out) in m.model.output_names().iter().enumerate() {
                attributes
                    .entry(default_name(&m.name, out))
                    .or_insert(Attribute {
                        model: m.name.clone(),
                        output: o,
                    });
            }
        }
        let toxic = models.iter().find_map(|m| {
            let names = m.model.output_names();
            let o = names
                .iter()
                .position(|n| TOXIC_OUTPUTS.contains(&n.as_str()))?;
            Some(Attribute {
                model: m.name.clone(),
                output: o,
            })
        });
        if let Some(t) = toxic {
            attributes.insert("TOXICITY".into(), t);
        }
        for (name, target) in &cfg.attributes {
            let a = Self::parse_attribute(&models, target)
                .map_err(|m| Error::Param(format!("attribute {name} = '{target}': {m}")))?;
            attributes.insert(name.clone(), a);
        }
        Ok(Registry { models, attributes })
    }

    /// `model:output` (the output with or without its `p_`) → the attribute.
    fn parse_attribute(models: &[Served], s: &str) -> std::result::Result<Attribute, String> {
        let (model, output) = s.split_once(':').ok_or("give MODEL:OUTPUT")?;
        let m = models
            .iter()
            .find(|m| m.name == model)
            .ok_or_else(|| format!("no model named '{model}'"))?;
        let names = m.model.output_names();
        let o = names
            .iter()
            .position(|n| n == output || n.strip_prefix("p_") == Some(output))
            .ok_or_else(|| format!("model '{model}' has outputs {}", names.join(", ")))?;
        Ok(Attribute {
            model: model.to_string(),
            output: o,
        })
    }

    /// The model and output behind `NAME` or `NAME@VERSION`, or Perspective's message.
    pub fn resolve(&self, requested: &str) -> std::result::Result<(&Served, usize), String> {
        let (name, version) = match requested.split_once('@') {
            Some((n, v)) => (n, Some(v)),
            None => (requested, None),
        };
        let a = self
            .attributes
            .get(name)
            .ok_or_else(|| format!("Unknown requested attribute: {requested}"))?;
        let m = self
            .models
            .iter()
            .find(|m| m.name == a.model && version.is_none_or(|v| v == m.version))
            .ok_or_else(|| format!("Unknown version of attribute {name}: {requested}"))?;
        Ok((m, a.output))
    }

    /// A model by `NAME` or `NAME@VERSION`; the first model when `None`.
    pub fn model(&self, which: Option<&str>) -> std::result::Result<&Served, String> {
        let Some(w) = which else {
            return self
                .models
                .first()
                .ok_or_else(|| "no model is loaded".into());
        };
        let (name, version) = match w.split_once('@') {
            Some((n, v)) => (n, Some(v)),
            None => (w, None),
        };
        self.models
            .iter()
            .find(|m| m.name == name && version.is_none_or(|v| v == m.version))
            .ok_or_else(|| format!("no model '{w}' is loaded"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped config loads the shipped models, with the attributes docs/serve.md lists.
    #[test]
    fn shipped_config_serves_the_shipped_models() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
        let cfg = ServeConfig::load(&dir.join("serve.toml")).unwrap();
        cfg.check().unwrap();
        let r = Registry::load(&cfg).unwrap();
        let names: Vec<&str> = r.attributes.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "ABUSE_ABUSIVE",
                "ABUSE_AGGRESSIVE",
                "ABUSE_HATE",
                "SENTIMENT_NEGATIVE",
                "SENTIMENT_NEUTRAL",
                "SENTIMENT_POSITIVE",
                "STANCE_AGAINST",
                "STANCE_FAVOR",
                "STANCE_NONE",
                "TOXICITY"
            ]
        );
        let (m, o) = r.resolve("TOXICITY").unwrap();
        assert_eq!((m.name.as_str(), o), ("abuse", 0));
        assert!(m.policy.is_some() && r.models[1].policy.is_none());
        let unknown = r.resolve("INSULT").map(|(m, _)| m.name.clone());
        assert_eq!(
            unknown,
            Err("Unknown requested attribute: INSULT".to_string())
        );
    }

    /// A policy rule for some languages would never fire in the service: refused at load.
    #[test]
    fn a_policy_with_language_rules_is_refused() {
        let models = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
        let d = tempfile::tempdir().unwrap();
        std::fs::write(
            d.path().join("policy.toml"),
            "[[rule]]\noutput = \"p_abusive\"\nat_least = 0.0\naction = \"review\"\nlang = [\"ur-Arab\"]\n",
        )
        .unwrap();
        std::fs::write(
            d.path().join("serve.toml"),
            format!(
                "policy = \"policy.toml\"\n[[model]]\nname = \"abuse\"\npath = \"{}\"\n",
                models.join("abuse.gavel").display()
            ),
        )
        .unwrap();
        let cfg = ServeConfig::load(&d.path().join("serve.toml")).unwrap();
        let e = Registry::load(&cfg).err().unwrap().to_string();
        assert!(e.contains("rule 1 applies to some languages only"), "{e}");
    }

    #[test]
    fn default_names_read_as_attributes() {
        assert_eq!(default_name("abuse", "p_abusive"), "ABUSE_ABUSIVE");
        assert_eq!(default_name("stance", "p_AGAINST"), "STANCE_AGAINST");
        assert_eq!(default_name("my-model", "p_x y"), "MY_MODEL_X_Y");
    }
}
