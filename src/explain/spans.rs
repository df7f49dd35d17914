//! Contributions per word of the comment as written. Each feature column's exact contribution
//! to a logit is shared among the n-gram occurrences that make it (by their hash sign over the
//! column's signed count, so the shares add up to the column's contribution), each occurrence
//! gives its share to the tokens it came from (a word n-gram splits it evenly over its tokens,
//! a char n-gram gives it to its token), and tokens give theirs to the word span of the
//! original text they came from ([`super::align`]). The spans' contributions then add up to
//! the logit minus the intercept, as the columns' do.

use super::align::token_spans;
use crate::features::hashing::bucket;
use crate::features::Vectorizer;
use crate::text::tokenize::TokenKind;
use crate::text::{Analyzer, GramBufs, GramSink, Reading, Scratch};
use rustc_hash::FxHashMap;
use serde::Serialize;

/// A word (or run of words) of the original text and what it added to each output's logit.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct WordSpan {
    /// byte offsets into the comment, end exclusive
    pub begin: usize,
    pub end: usize,
    /// the comment's text in the span
    pub text: String,
    /// per output of the head, the span's share of the logit
    pub contribution: Vec<f64>,
    /// how a model that corrects spelling read the span's words, when it read one of them as
    /// another word (`stpuid` as `stupid`)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_as: Option<String>,
}

/// One n-gram occurrence: its column, hash sign, and the tokens it came from.
struct Occurrence {
    column: u32,
    sign: f32,
    first: usize,
    n: usize,
}

/// Records every occurrence of a kept column with its tokens.
struct Locate<'a> {
    v: &'a Vectorizer,
    bits: u32,
    token: usize,
    occ: Vec<Occurrence>,
}

impl Locate<'_> {
    /// Word `(kind, tok)`'s form into `form`, and its char n-grams as occurrences of tokens
    /// `first..first + n` of `(first, n)`.
    fn add_word(
        &mut self,
        a: &Analyzer,
        (kind, tok): (TokenKind, &str),
        reading: Reading,
        (form, chars): (&mut String, &mut GramBufs),
        (first, n): (usize, usize),
    ) {
        let tok = a.spelled(kind, tok);
        a.stem_token(kind, tok, reading, form);
        let mut grams = Vec::new();
        a.char_grams(kind, tok, reading, chars, |g| grams.push(g.to_string()));
        for g in grams {
            self.add(&g, true, first, n);
        }
    }

    fn add(&mut self, gram: &str, is_char: bool, first: usize, n: usize) {
        let (b, sign) = bucket(gram.as_bytes(), is_char, self.bits);
        if let Some(column) = self.v.column_of(b) {
            self.occ.push(Occurrence {
                column,
                sign,
                first,
                n,
            });
        }
    }
}

impl GramSink for Locate<'_> {
    fn token(
        &mut self,
        a: &Analyzer,
        kind: TokenKind,
        tok: &str,
        reading: Reading,
        form: &mut String,
        chars: &mut GramBufs,
    ) -> bool {
        let t = self.token;
        self.add_word(a, (kind, tok), reading, (form, chars), (t, 1));
        self.token += 1;
        a.piece(kind, tok)
    }

    /// A split word's n-grams go to both its pieces.
    fn joined(
        &mut self,
        a: &Analyzer,
        word: &str,
        reading: Reading,
        first: usize,
        form: &mut String,
        chars: &mut GramBufs,
    ) {
        self.add_word(
            a,
            (TokenKind::Word, word),
            reading,
            (form, chars),
            (first, 2),
        );
    }

    fn word_gram(&mut self, gram: &str, first: usize, n: usize) {
        self.add(gram, false, first, n);
    }
}

/// The word spans of `text` and their contributions, given each column's contribution per
/// output (`contribution[column]`, `k` outputs). Spans are in text order; a span whose tokens
/// made no kept feature is left out.
pub fn word_spans(
    v: &Vectorizer,
    text: &str,
    k: usize,
    contribution: &FxHashMap<u32, Vec<f64>>,
) -> Vec<WordSpan> {
    let a = v.analyzer();
    let mut sc = Scratch::default();
    let mut sink = Locate {
        v,
        bits: v.feature_config().bits,
        token: 0,
        occ: Vec::new(),
    };
    a.walk(text, &mut sc, 1, &mut sink);
    let mut count: FxHashMap<u32, f32> = FxHashMap::default();
    for o in &sink.occ {
        *count.entry(o.column).or_default() += o.sign;
    }
    let mut per_token = vec![vec![0.0f64; k]; sink.token];
    for o in &sink.occ {
        let (Some(c), Some(&n)) = (contribution.get(&o.column), count.get(&o.column)) else {
            continue;
        };
        if n == 0.0 {
            continue;
        }
        let share = o.sign as f64 / n as f64 / o.n as f64;
        for t in &mut per_token[o.first..o.first + o.n] {
            for (x, c) in t.iter_mut().zip(c) {
                *x += c * share;
            }
        }
    }
    // each token as a spelling-correcting model read it (the walk's tokens), and whether
    // that is another word; nothing to say for other models
    let read: Vec<(String, bool)> = match a.speller() {
        Some(_) => sc
            .tokens()
            .iter()
            .map(|(kind, t)| {
                let r = a.spelled(kind, t);
                (r.to_string(), r != t)
            })
            .collect(),
        None => Vec::new(),
    };
    let ranges = token_spans(a, text, &mut sc);
    let mut spans: Vec<WordSpan> = Vec::new();
    let mut corrected: Vec<bool> = Vec::new();
    let forms = read
        .into_iter()
        .chain(std::iter::repeat((String::new(), false)));
    for (((b, e), c), (form, changed)) in ranges.into_iter().zip(per_token).zip(forms) {
        if c.iter().all(|&x| x == 0.0) {
            continue;
        }
        // a chunk's tokens come one after another
        match spans.last_mut().filter(|s| (s.begin, s.end) == (b, e)) {
            Some(s) => {
                s.contribution.iter_mut().zip(&c).for_each(|(x, y)| *x += y);
                if let Some(r) = &mut s.read_as {
                    r.push(' ');
                    r.push_str(&form);
                }
                *corrected.last_mut().unwrap_or(&mut false) |= changed;
            }
            None => {
                spans.push(WordSpan {
                    begin: b,
                    end: e,
                    text: text[b..e].to_string(),
                    contribution: c,
                    read_as: Some(form),
                });
                corrected.push(changed);
            }
        }
    }
    for (s, c) in spans.iter_mut().zip(corrected) {
        if !c {
            s.read_as = None;
        }
    }
    spans
}
