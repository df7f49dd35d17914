//! Snowball stemming (rust-stemmers), chosen by language name; `none` turns it off.

use crate::error::{Error, Result};
use rust_stemmers::{Algorithm, Stemmer as Snowball};

/// A stemmer for one language, or none.
pub struct Stemmer(Option<Snowball>);

/// The language names `--lang` accepts.
pub const LANGUAGES: &[&str] = &[
    "none",
    "arabic",
    "danish",
    "dutch",
    "english",
    "finnish",
    "french",
    "german",
    "greek",
    "hungarian",
    "italian",
    "norwegian",
    "portuguese",
    "romanian",
    "russian",
    "spanish",
    "swedish",
    "tamil",
    "turkish",
];

impl Stemmer {
    /// Builds the stemmer for `lang` (one of [`LANGUAGES`]).
    pub fn new(lang: &str) -> Result<Self> {
        let alg = match lang {
            "none" => return Ok(Stemmer(None)),
            "arabic" => Algorithm::Arabic,
            "danish" => Algorithm::Danish,
            "dutch" => Algorithm::Dutch,
            "english" => Algorithm::English,
            "finnish" => Algorithm::Finnish,
            "french" => Algorithm::French,
            "german" => Algorithm::German,
            "greek" => Algorithm::Greek,
            "hungarian" => Algorithm::Hungarian,
            "italian" => Algorithm::Italian,
            "norwegian" => Algorithm::Norwegian,
            "portuguese" => Algorithm::Portuguese,
            "romanian" => Algorithm::Romanian,
            "russian" => Algorithm::Russian,
            "spanish" => Algorithm::Spanish,
            "swedish" => Algorithm::Swedish,
            "tamil" => Algorithm::Tamil,
            "turkish" => Algorithm::Turkish,
            other => {
                return Err(Error::Param(format!(
                    "unknown stemming language '{other}' (one of: {})",
                    LANGUAGES.join(", ")
                )))
            }
        };
        Ok(Stemmer(Some(Snowball::create(alg))))
    }

    /// Appends the stem of `word` to `out`.
    pub fn stem_into(&self, word: &str, out: &mut String) {
        match &self.0 {
            Some(s) => out.push_str(&s.stem(word)),
            None => out.push_str(word),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_stems_and_none_keeps() {
        let s = Stemmer::new("english").unwrap();
        let mut out = String::new();
        s.stem_into("running", &mut out);
        assert_eq!(out, "run");
        let n = Stemmer::new("none").unwrap();
        out.clear();
        n.stem_into("running", &mut out);
        assert_eq!(out, "running");
        assert!(Stemmer::new("klingon").is_err());
    }
}
