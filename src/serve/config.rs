//! `serve.toml`: what the service loads and how it guards itself. Every field has a default,
//! and the command line's flags override the file.

use crate::error::{Error, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One model to load, under a name (and a version, when several of one name are loaded).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ModelEntry {
    pub name: String,
    pub path: PathBuf,
    /// selects this model as `ATTRIBUTE@VERSION`; default the first 12 hex digits of the
    /// file's SHA-256. The first entry of a name is the one an attribute without `@` gets.
    #[serde(default)]
    pub version: Option<String>,
    /// languages (ISO codes) a request may name for this model; default the model's stemming
    /// language (`en` for English)
    #[serde(default)]
    pub languages: Option<Vec<String>>,
}

/// The service's settings.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ServeConfig {
    /// address to listen on (`127.0.0.1:8080`; port 0 picks a free one)
    pub addr: String,
    #[serde(rename = "model")]
    pub models: Vec<ModelEntry>,
    /// policy that `/v1/score` decides with (its outputs are the first model's)
    pub policy: Option<PathBuf>,
    /// Perspective attribute name → `model:output`; unset names get the defaults (see
    /// [`super::registry`])
    pub attributes: BTreeMap<String, String>,
    /// longest comment in bytes (Perspective's own limit is 20 KB)
    pub max_text_bytes: usize,
    /// largest request body in bytes (413 past it)
    pub max_body_bytes: usize,
    /// most comments in one `/v1/score` request
    pub max_batch: usize,
    /// requests handled at once; more are answered 429 with `Retry-After`
    pub concurrency: usize,
    /// a request still running after this is answered 504
    pub timeout_ms: u64,
    /// file of API keys, one `name key` pair per line; without it no key is needed
    pub api_key_file: Option<PathBuf>,
    /// SQLite database of moderators' decisions and stored comments
    pub db: Option<PathBuf>,
    /// store analyzed comments when a request does not say `doNotStore` (needs `db`)
    pub store_by_default: bool,
    /// write comment text into the log (never by default)
    pub log_text: bool,
    /// serve the moderators' review queue at `/review` (needs `db` and API keys)
    pub ui: bool,
    /// an `eval --compare` HTML report linked from `/review/agreement` (read at each request,
    /// so a report written later is found)
    pub compare_report: Option<PathBuf>,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            addr: "127.0.0.1:8080".into(),
            models: Vec::new(),
            policy: None,
            attributes: BTreeMap::new(),
            max_text_bytes: 20 * 1024,
            max_body_bytes: 8 << 20,
            max_batch: 10_000,
            concurrency: 1024,
            timeout_ms: 10_000,
            api_key_file: None,
            db: None,
            store_by_default: true,
            log_text: false,
            ui: false,
            compare_report: None,
        }
    }
}

impl ServeConfig {
    /// Reads a `serve.toml`; relative paths in it are relative to its folder.
    pub fn load(path: &Path) -> Result<ServeConfig> {
        let text = crate::io::text::read_text(Some(path), "a serve config", 1 << 20)
            .map_err(|e| Error::Param(e.to_string()))?;
        let mut c: ServeConfig = toml::from_str(&text)
            .map_err(|e| Error::Param(format!("{}: {}", path.display(), e.message())))?;
        let dir = path.parent().unwrap_or(Path::new(""));
        let rel = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = dir.join(&*p);
            }
        };
        c.models.iter_mut().for_each(|m| rel(&mut m.path));
        c.policy.iter_mut().for_each(rel);
        c.api_key_file.iter_mut().for_each(rel);
        c.db.iter_mut().for_each(rel);
        c.compare_report.iter_mut().for_each(rel);
        Ok(c)
    }

    /// Checks the bounds; the service refuses to start on absurd ones.
    pub fn check(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Param(m));
        if self.models.is_empty() {
            return bad(
                "no model to serve: give --model NAME=PATH or [[model]] in the config".into(),
            );
        }
        for (name, v, lo, hi) in [
            ("max_text_bytes", self.max_text_bytes, 1, 1 << 30),
            ("max_body_bytes", self.max_body_bytes, 1024, 1 << 30),
            ("max_batch", self.max_batch, 1, 10_000_000),
            ("concurrency", self.concurrency, 1, 1_000_000),
            ("timeout_ms", self.timeout_ms as usize, 1, 3_600_000),
        ] {
            if !(lo..=hi).contains(&v) {
                return bad(format!("{name} {v} is out of range {lo}..={hi}"));
            }
        }
        if self.ui && (self.db.is_none() || self.api_key_file.is_none()) {
            return bad(
                "the review queue (--ui) needs a database (--db PATH) and API keys \
                 (--api-key-file: moderators use 'name key review' lines)"
                    .into(),
            );
        }
        for m in &self.models {
            if m.name.is_empty() || m.name.contains(['@', ':', '=']) {
                return bad(format!(
                    "model name '{}' must be non-empty, without '@', ':' or '='",
                    m.name
                ));
            }
        }
        Ok(())
    }
}

/// Parses `--model NAME=PATH` or `NAME@VERSION=PATH`.
pub fn parse_model_flag(s: &str) -> Result<ModelEntry> {
    let (lhs, path) = s
        .split_once('=')
        .ok_or_else(|| Error::Param(format!("--model '{s}': give NAME=PATH")))?;
    let (name, version) = match lhs.split_once('@') {
        Some((n, v)) => (n, Some(v.to_string())),
        None => (lhs, None),
    };
    if name.is_empty() || path.is_empty() || version.as_deref() == Some("") {
        return Err(Error::Param(format!("--model '{s}': give NAME=PATH")));
    }
    Ok(ModelEntry {
        name: name.to_string(),
        path: PathBuf::from(path),
        version,
        languages: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_flags_parse() {
        let m = parse_model_flag("abuse@2=models/abuse.gavel").unwrap();
        assert_eq!(
            (m.name.as_str(), m.version.as_deref()),
            ("abuse", Some("2"))
        );
        assert!(parse_model_flag("abuse").is_err());
        assert!(parse_model_flag("=x").is_err());
        assert!(parse_model_flag("a@=x").is_err());
    }

    #[test]
    fn config_files_are_strict() {
        let c: ServeConfig = toml::from_str(
            "addr = \"0.0.0.0:9\"\n[[model]]\nname = \"abuse\"\npath = \"a.gavel\"\n",
        )
        .unwrap();
        assert_eq!(c.models.len(), 1);
        assert_eq!(c.max_text_bytes, 20 * 1024);
        assert!(toml::from_str::<ServeConfig>("adr = 1").is_err());
    }
}
