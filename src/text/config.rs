//! How text becomes n-grams: the analyzer's settings, stored in every model file.

use super::stem::Stemmer;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// How text becomes n-grams. Stored in every model file, so scoring rebuilds exactly the
/// n-grams that training saw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextConfig {
    /// Snowball language for stemming, or `none`. Default `english`.
    pub language: String,
    /// Word n-gram sizes, inclusive; `(0, 0)` turns word n-grams off. Default `(1, 2)`.
    pub word_ngrams: (usize, usize),
    /// Char n-gram sizes inside word boundaries (`<word>`), inclusive; `(0, 0)` off.
    /// Default `(2, 5)`.
    pub char_ngrams: (usize, usize),
    /// Keep a letter repeated 3+ times only twice. Default true.
    pub squash_elongations: bool,
    /// Undo obfuscation after normalising (look-alikes and accents in Latin words; leetspeak,
    /// masks, split and repeated letters that spell a word of the abuse lexicon). Default
    /// true; models written before it existed read as false, so they score as they did.
    #[serde(default)]
    pub deobfuscate: bool,
    /// Fold the spelling variants of the Arabic script (Urdu) and of Devanagari (Hindi):
    /// keyboard letter forms, vowel marks, nukta, native digits (`script_fold.rs`). Default
    /// true; models written before it read as false.
    #[serde(default)]
    pub script_fold: bool,
    /// Read comments written in Roman Urdu/Hindi as such (`roman.rs`): their words are not
    /// stemmed, and each also gets a spelling key among its char n-grams. Default true;
    /// models written before it read as false (every comment stemmed).
    #[serde(default)]
    pub roman_urdu: bool,
    /// Give each word of 4+ letters its scramble key among its char n-grams (`keys.rs`:
    /// first letter, sorted inner letters, last letter), so that swapped inner letters
    /// ("stpuid") meet the word. Default false; not written when false, so models without it
    /// keep their bytes.
    #[serde(default, skip_serializing_if = "is_false")]
    pub scramble_key: bool,
    /// Give each word of 4+ letters its sound key among its char n-grams (`keys.rs`: a
    /// consonant skeleton after Metaphone-like rewrites), so that vowel typos, doubled
    /// letters and sound-alike spellings meet the word. Default false; not written when false.
    #[serde(default, skip_serializing_if = "is_false")]
    pub sound_key: bool,
    /// Correct words the training comments did not use into the most frequent training word
    /// one typo away (`spelling/`), before stemming and n-grams; the model file keeps the
    /// training words. Default false; not written when false.
    #[serde(default, skip_serializing_if = "is_false")]
    pub spell: bool,
    /// With `spell`, which rules correct (`spelling/`): 0, a word the training comments
    /// never used into the most frequent one a typo away; 1 (what `--spell` set from
    /// bf91781 until revision 2), also a word no typo explains into the most frequent
    /// one with its sound key, and a word they used into one a typo away used
    /// [`COMMONER`](super::spelling::COMMONER) times as often; 2, the likeliest word meant
    /// rather than the most frequent: a slip of the keyboard before a sound-alike before
    /// any other typo, and a used word also into a far commoner sound-alike; 3, a
    /// sound-alike only when it is also near in letters, and a used word only by a slip; 4,
    /// into words used twice, not five times
    /// ([`TARGET_COUNT`](super::spelling::TARGET_COUNT)); 5 ([`JOIN_REVISION`]), also a
    /// word split in two by a space (`stu pid`, `s tupid`): a word the training comments
    /// never used and the word beside it, when together they are a common training word,
    /// give that word's n-grams beside their own; 6, also a piece the training comments used
    /// a few times, rarer than the word it makes ([`PIECE_COUNT`](super::spelling::PIECE_COUNT),
    /// [`PIECE_RATIO`](super::spelling::PIECE_RATIO): `peo ple` in a vocabulary that holds
    /// `peo`); 7 ([`SPELL_REVISION`], [`SHORT_REVISION`](super::spelling::SHORT_REVISION)),
    /// two-letter words counted too, so that a word split into two-letter halves joins by
    /// the same rule (`th at`; not `in to`). Not written when 0, so spelling models trained
    /// before it read as they did.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub spell_revision: u8,
}

/// The spelling rules `--spell` trains with (see [`TextConfig::spell_revision`]).
pub const SPELL_REVISION: u8 = 7;
/// The first spelling rules that read a split word (`stu pid`) as the word its pieces make.
pub const JOIN_REVISION: u8 = 5;

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_zero(n: &u8) -> bool {
    *n == 0
}

impl Default for TextConfig {
    fn default() -> Self {
        TextConfig {
            language: "english".into(),
            word_ngrams: (1, 2),
            char_ngrams: (2, 5),
            squash_elongations: true,
            deobfuscate: true,
            script_fold: true,
            roman_urdu: true,
            scramble_key: false,
            sound_key: false,
            spell: false,
            spell_revision: 0,
        }
    }
}

impl TextConfig {
    /// Checks the ranges and the language.
    pub fn check(&self) -> Result<()> {
        for (name, (lo, hi)) in [("word", self.word_ngrams), ("char", self.char_ngrams)] {
            if (lo, hi) != (0, 0) && (lo == 0 || lo > hi || hi > 8) {
                return Err(Error::Param(format!(
                    "{name} n-gram range {lo},{hi} must be 0,0 (off) or 1 <= min <= max <= 8"
                )));
            }
        }
        if self.spell_revision > SPELL_REVISION {
            return Err(Error::Param(format!(
                "spelling rules of revision {} are newer than this gavel's ({SPELL_REVISION}): \
                 score with the gavel that trained the model, or a later one",
                self.spell_revision
            )));
        }
        if self.spell_revision > 0 && !self.spell {
            return Err(Error::Param(
                "spelling rules (spell_revision) without spelling correction (spell)".into(),
            ));
        }
        if self.word_ngrams == (0, 0) && self.char_ngrams == (0, 0) {
            return Err(Error::Param("both word and char n-grams are off".into()));
        }
        Stemmer::new(&self.language).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model from a newer gavel's spelling rules, or rules without spelling, is refused,
    /// not read with other rules than it was trained with.
    #[test]
    fn spelling_rules_are_checked() {
        let config = |spell, spell_revision| TextConfig {
            spell,
            spell_revision,
            ..TextConfig::default()
        };
        assert!(config(true, 0).check().is_ok());
        assert!(config(true, SPELL_REVISION).check().is_ok());
        let newer = config(true, SPELL_REVISION + 1).check().unwrap_err();
        assert!(newer.to_string().contains("newer"), "{newer}");
        assert!(config(false, SPELL_REVISION).check().is_err());
        // the first rules' models have no revision in their file
        let json = serde_json::to_string(&config(true, 0)).unwrap();
        assert!(!json.contains("spell_revision"), "{json}");
        let back: TextConfig = serde_json::from_str(&json).unwrap();
        assert_eq!(back.spell_revision, 0);
    }
}
