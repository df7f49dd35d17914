//! N-grams with their names: every bucket a text hashes to with its n-gram, the kept char
//! n-grams of each distinct token counted for the reverse dictionary, and a row explained
//! column by column with the n-grams behind each.

use super::hashing::bucket;
use super::vectorizer::Vectorizer;
use crate::text::tokenize::TokenKind;
use crate::text::{Analyzer, Family, GramBufs, GramSink, Reading, Scratch};

type KeptGrams = Vec<(u32, Box<str>)>;

/// What [`Vectorizer::count_kept_grams`] keeps between texts: per distinct token, its stem,
/// its kept char n-grams and how often it occurred since the last
/// [`GramMemo::drain_char_grams`]; and its per-text buffers.
#[derive(Default)]
pub struct GramMemo {
    /// per reading of a comment (a word's stem and n-grams depend on it): token → entry
    map: [rustc_hash::FxHashMap<Box<str>, u32>; 2],
    /// per token: its stem, its char n-grams in kept columns as `(column, n-gram)`, and
    /// whether it may be a piece of a split word (`Analyzer::piece`)
    entries: Vec<(Box<str>, KeptGrams, bool)>,
    /// per token: occurrences since the last drain
    uses: Vec<u32>,
    /// the tokens with `uses > 0`, in order of first occurrence
    used: Vec<u32>,
}

impl GramMemo {
    /// Calls `visit(column, n-gram, count)` once per kept char n-gram of every token counted
    /// since the last drain (tokens in order of first occurrence, `count` their occurrences),
    /// and starts the counts afresh.
    pub fn drain_char_grams(&mut self, mut visit: impl FnMut(u32, &str, u32)) {
        for &i in &self.used {
            let n = std::mem::take(&mut self.uses[i as usize]);
            for (c, g) in &self.entries[i as usize].1 {
                visit(*c, g, n);
            }
        }
        self.used.clear();
    }
}

/// One feature of an explained row: its column, family, value, and the n-grams behind it.
#[derive(Clone, Debug, PartialEq)]
pub struct ExplainedFeature {
    pub column: u32,
    pub family: Family,
    /// the TF-IDF value in the row
    pub value: f32,
    /// the text's n-grams in this column, in order of appearance (word n-grams are of stems)
    pub grams: Vec<String>,
}

/// [`Vectorizer::count_kept_grams`] as a sink of the walk.
struct CountKept<'a, K, V> {
    v: &'a Vectorizer,
    memo: &'a mut GramMemo,
    keep: K,
    visit: V,
}

impl<K: Fn(u32) -> bool, V: FnMut(u32, &str)> GramSink for CountKept<'_, K, V> {
    fn token(
        &mut self,
        a: &Analyzer,
        kind: TokenKind,
        tok: &str,
        reading: Reading,
        form: &mut String,
        chars: &mut GramBufs,
    ) -> bool {
        let GramMemo {
            map,
            entries,
            uses,
            used,
        } = &mut *self.memo;
        let (v, keep) = (self.v, &self.keep);
        // a token's text determines its kind (placeholders hold `<`, hashtags `#`)
        let map = &mut map[reading as usize];
        let i = match map.get(tok) {
            Some(&i) => i,
            None => {
                let mut stem = String::new();
                // held under the token as written, which is what the next look-up asks for
                let read = a.spelled(kind, tok);
                a.stem_token(kind, read, reading, &mut stem);
                let mut kept = Vec::new();
                a.char_grams(kind, read, reading, chars, |g| {
                    let (b, _) = bucket(g.as_bytes(), true, v.config.bits);
                    if let Some(c) = v.column_of(b).filter(|&c| keep(c)) {
                        kept.push((c, Box::from(g)));
                    }
                });
                entries.push((stem.into_boxed_str(), kept, a.piece(kind, tok)));
                uses.push(0);
                let i = entries.len() as u32 - 1;
                map.insert(tok.into(), i);
                i
            }
        };
        let n = &mut uses[i as usize];
        if *n == 0 {
            used.push(i);
        }
        *n += 1;
        let (stem, _, piece) = &entries[i as usize];
        form.push_str(stem);
        *piece
    }

    fn word_gram(&mut self, gram: &str, _: usize, _: usize) {
        let (b, _) = bucket(gram.as_bytes(), false, self.v.config.bits);
        if let Some(c) = self.v.column_of(b).filter(|&c| (self.keep)(c)) {
            (self.visit)(c, gram);
        }
    }
}

impl Vectorizer {
    /// Calls `visit(family, bucket, sign)` for every n-gram of `text`, kept at training or not.
    pub fn visit_buckets(
        &self,
        text: &str,
        sc: &mut Scratch,
        mut visit: impl FnMut(Family, u32, f32),
    ) {
        self.analyzer.analyze(text, sc, |family, g| {
            let (b, sign) = bucket(g.as_bytes(), family == Family::Char, self.config.bits);
            visit(family, b, sign);
        });
    }

    /// Counts the n-grams of `text` whose bucket was kept at training and whose column `keep`
    /// accepts: word n-grams (of stems) are visited now, `visit(column, n-gram)` in the
    /// analyzer's order; char n-grams are counted per token in `memo`, to be visited once per
    /// distinct token by [`GramMemo::drain_char_grams`]. Each distinct token's stem and kept
    /// char n-grams are worked out once and held in `memo`, which may serve many texts (and
    /// must always be given the same `keep`).
    pub fn count_kept_grams(
        &self,
        text: &str,
        sc: &mut Scratch,
        memo: &mut GramMemo,
        keep: impl Fn(u32) -> bool,
        visit: impl FnMut(u32, &str),
    ) {
        let mut sink = CountKept {
            v: self,
            memo,
            keep,
            visit,
        };
        self.analyzer.walk(text, sc, 1, &mut sink);
    }

    /// Calls `visit(column, n-gram)` for every n-gram of `text` whose bucket was kept at
    /// training (word n-grams are of stems; char n-grams carry `<` `>` at word edges): the
    /// plain form of [`Vectorizer::visit_kept_grams`], which the tests hold it to.
    #[cfg(test)]
    pub fn visit_grams(&self, text: &str, sc: &mut Scratch, mut visit: impl FnMut(u32, &str)) {
        self.analyzer.analyze(text, sc, |family, g| {
            let (b, _) = bucket(g.as_bytes(), family == Family::Char, self.config.bits);
            if let Some(column) = self.column_of(b) {
                visit(column, g);
            }
        });
    }

    /// Vectorizes `text` and says which of its n-grams make each feature, in one pass of the
    /// analyzer: one entry per column of the row of [`Vectorizer::transform_into`], in order of
    /// first occurrence, with the same values (up to rounding of the norms). Several n-grams in
    /// one column are a hash collision, or one n-gram repeated in another form.
    pub fn explain_row(&self, text: &str) -> Vec<ExplainedFeature> {
        let mut feats: Vec<ExplainedFeature> = Vec::new();
        let mut counts: Vec<f32> = Vec::new();
        let mut at: rustc_hash::FxHashMap<u32, usize> = Default::default();
        let mut sc = Scratch::default();
        self.analyzer.analyze(text, &mut sc, |family, g| {
            let (b, sign) = bucket(g.as_bytes(), family == Family::Char, self.config.bits);
            let Some(column) = self.column_of(b) else {
                return;
            };
            let i = *at.entry(column).or_insert_with(|| {
                feats.push(ExplainedFeature {
                    column,
                    family,
                    value: 0.0,
                    grams: Vec::new(),
                });
                counts.push(0.0);
                feats.len() - 1
            });
            counts[i] += sign;
            if !feats[i].grams.iter().any(|x| x == g) {
                feats[i].grams.push(g.to_string());
            }
        });
        // a column whose signed count came to zero is not in the row
        let kept: Vec<(ExplainedFeature, f32)> = feats
            .into_iter()
            .zip(counts)
            .filter(|(_, c)| *c != 0.0)
            .collect();
        let idx: Vec<u32> = kept.iter().map(|(f, _)| f.column).collect();
        let mut val: Vec<f32> = kept.iter().map(|(_, c)| *c).collect();
        self.weigh(&idx, &mut val);
        kept.into_iter()
            .zip(val)
            .map(|((f, _), value)| ExplainedFeature { value, ..f })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::vectorizer::tests::fit;
    use crate::features::{FeatureConfig, VecScratch};
    use crate::text::TextConfig;

    /// With 2^8 buckets nearly every bucket holds several n-grams, some with opposite signs:
    /// the merged counts equal a plain per-column sum of every n-gram's sign, list each column
    /// once, and drop the columns whose signs cancel, whatever the scratch held before.
    #[test]
    fn merged_counts_equal_a_plain_sum_under_collisions() {
        let texts = [
            "you are an idiot, a total idiot #idiot",
            "what a lovely day in Lahore :) 2024 http://x.y",
            "the talks in Doha went on and on and on",
            "IDIOT idiot idiots... f*ck off",
        ];
        let cfg = FeatureConfig {
            bits: 8,
            ..FeatureConfig::default()
        };
        let (v, _) = Vectorizer::fit(TextConfig::default(), cfg, &texts).unwrap();
        let mut sc = VecScratch::default();
        let mut cancelled = 0;
        for _ in 0..2 {
            for t in texts {
                let mut plain: std::collections::BTreeMap<u32, f32> = Default::default();
                let mut ts = Scratch::default();
                v.visit_buckets(t, &mut ts, |_, b, sign| {
                    if let Some(c) = v.column_of(b) {
                        *plain.entry(c).or_default() += sign;
                    }
                });
                cancelled += plain.values().filter(|&&c| c == 0.0).count();
                plain.retain(|_, c| *c != 0.0);
                let mut got = v.counts(t, &mut sc).to_vec();
                assert!(got.iter().all(|&(_, c)| c != 0.0), "{got:?}");
                got.sort_unstable_by_key(|g| g.0);
                assert!(got.windows(2).all(|w| w[0].0 < w[1].0), "each column once");
                assert_eq!(got, plain.into_iter().collect::<Vec<_>>(), "{t}");
            }
        }
        assert!(cancelled > 0, "the texts should make some counts cancel");
    }

    /// A spelling-correcting model's typo is held once under its written form, however often
    /// it occurs, and counted as the word it is read as.
    #[test]
    fn a_corrected_token_is_held_once() {
        let text = TextConfig {
            spell: true,
            spell_revision: crate::text::config::SPELL_REVISION,
            ..TextConfig::default()
        };
        let texts = ["you stupid idiot"; 8];
        let (v, _) = Vectorizer::fit(text, FeatureConfig::default(), &texts).unwrap();
        let (mut sc, mut memo) = (Scratch::default(), GramMemo::default());
        let count = |memo: &mut GramMemo, sc: &mut Scratch, t: &str| {
            v.count_kept_grams(t, sc, memo, |_| true, |_, _| {});
            let mut grams = Vec::new();
            memo.drain_char_grams(|_, g, n| grams.push((g.to_string(), n)));
            grams
        };
        let word = count(&mut memo, &mut sc, "stupid");
        let held = memo.entries.len();
        for _ in 0..3 {
            assert_eq!(count(&mut memo, &mut sc, "stpuid"), word);
        }
        assert_eq!(memo.entries.len(), held + 1);
    }

    #[test]
    fn explained_row_is_the_transformed_row_with_its_grams() {
        let texts = ["you are an idiot", "idiot idiot, what a day"];
        let (v, _) = fit(&texts);
        let (mut sc, mut idx, mut val) = (VecScratch::default(), vec![], vec![]);
        v.transform_into(texts[1], &mut sc, &mut idx, &mut val);
        let mut want: Vec<(u32, f32)> = idx.into_iter().zip(val).collect();
        want.sort_by_key(|x| x.0);
        let e = v.explain_row(texts[1]);
        let mut got: Vec<(u32, f32)> = e.iter().map(|f| (f.column, f.value)).collect();
        got.sort_by_key(|x| x.0);
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g.0, w.0);
            assert!((g.1 - w.1).abs() < 1e-6);
        }
        assert!(e.iter().all(|f| !f.grams.is_empty()));
        assert!(e
            .iter()
            .any(|f| f.family == Family::Word && f.grams.iter().any(|g| g == "idiot")));
    }
}
