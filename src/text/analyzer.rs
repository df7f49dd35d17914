//! The analyzer: normalise → tokenize → stem → word n-grams and char n-grams. Emits every
//! n-gram as a `&str` to a callback; nothing is allocated per token once buffers are warm.

use super::deobfuscate::deobfuscate_into;
use super::keys::{scramble_key, sound_key};
use super::lexicon::is_four_letter_form;
use super::normalize::normalize_into;
use super::roman::{is_roman_urdu, roman_key};
use super::script_fold::{fold_scripts_into, needs_fold};
use super::spelling::{self, Speller};
use super::stem::Stemmer;
use super::tokenize::{tokenize_into, TokenKind, Tokens};
use crate::error::Result;
use std::sync::Arc;

pub use super::config::TextConfig;
use super::config::JOIN_REVISION;

/// Tokens longer than this many bytes are capped in what they cost: they are not stemmed (no
/// language has such words; Snowball's cost grows with the square of a word's length), and
/// their char n-grams come from their first and last [`TOKEN_EDGE`] bytes only. A comment of
/// 10 MB without a space is then as cheap to score as 10 MB of ordinary text. No token of
/// the shipped models' training data is this long.
pub const LONG_TOKEN: usize = 128;

/// A function that appends a word's key to a buffer (nothing when the word has none).
type WordKey = fn(&str, &mut String);

/// Bytes at each end of a long token that its char n-grams are taken from.
pub const TOKEN_EDGE: usize = 64;

/// How the words of one comment are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// stemmed with the configured stemmer (English, or another language)
    Stemmed,
    /// Roman Urdu/Hindi: kept as written, each with its spelling key
    Roman,
}

/// Which family an n-gram belongs to; the families hash with different seeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Word,
    Char,
}

impl Family {
    /// "word" or "char", as reports and JSON name the family.
    pub fn name(self) -> &'static str {
        match self {
            Family::Word => "word",
            Family::Char => "char",
        }
    }
}

/// Reusable buffers of the walk, for one thread.
#[derive(Default)]
pub struct Scratch {
    normalized: String,
    folded: String,
    deobfuscated: String,
    tokens: Tokens,
    /// each token's form for word n-grams, back to back, token `i` ending at `form_ends[i]`
    forms: String,
    form_ends: Vec<usize>,
    /// the word n-gram being built
    gram: String,
    chars: GramBufs,
    /// a split word's pieces written together, and its form
    joined: String,
    joined_form: String,
}

impl Scratch {
    /// The tokens of the text last walked or tokenized with these buffers.
    pub fn tokens(&self) -> &Tokens {
        &self.tokens
    }
}

/// Buffers a token's char n-grams are cut in.
#[derive(Default)]
pub struct GramBufs {
    gram: String,
    bounds: Vec<usize>,
}

/// What [`Analyzer::walk`] hands over, in order: every token of the text, then its word
/// n-grams. Counting for training and scoring, explaining, the reverse dictionary and topic
/// vectors are each one of these.
pub trait GramSink {
    /// Token `tok` of `kind`, in a comment read as `reading`: the sink appends the token's
    /// form for word n-grams to `form` (its stem for a word: [`Analyzer::stem_token`], or the
    /// same from a memo, which must tell the readings apart), and takes what else it wants of
    /// the token here (its char n-grams: [`Analyzer::char_grams`] with `chars`). Returns
    /// [`Analyzer::piece`] of the token (which a memo may hold).
    fn token(
        &mut self,
        analyzer: &Analyzer,
        kind: TokenKind,
        tok: &str,
        reading: Reading,
        form: &mut String,
        chars: &mut GramBufs,
    ) -> bool;
    /// A word n-gram: forms joined by spaces, of at least the walk's `from` tokens; it is the
    /// forms of tokens `first..first + n`.
    fn word_gram(&mut self, gram: &str, first: usize, n: usize);
    /// The text's tokens, before [`GramSink::token`] takes them one by one (a sink may start
    /// its memory reads here).
    fn tokens(&mut self, _tokens: &Tokens, _reading: Reading) {}
    /// A split word's pieces written together ([`Analyzer::walk`]), read beside them: the
    /// sink takes it as it takes a word token, into `form`, which the word n-grams do not
    /// use; it stands for the pieces, tokens `first` and `first + 1`.
    fn joined(
        &mut self,
        analyzer: &Analyzer,
        word: &str,
        reading: Reading,
        _first: usize,
        form: &mut String,
        chars: &mut GramBufs,
    ) {
        self.token(analyzer, TokenKind::Word, word, reading, form, chars);
    }
}

/// A checked [`TextConfig`] with its stemmer.
pub struct Analyzer {
    config: TextConfig,
    stemmer: Stemmer,
    /// the training words, when the config asks for spelling correction
    speller: Option<Arc<Speller>>,
}

impl Analyzer {
    pub fn new(config: TextConfig) -> Result<Self> {
        config.check()?;
        let stemmer = Stemmer::new(&config.language)?;
        Ok(Analyzer {
            config,
            stemmer,
            speller: None,
        })
    }

    /// Gives a spelling-correcting analyzer its training words.
    pub fn set_speller(&mut self, speller: Arc<Speller>) {
        self.speller = Some(speller);
    }

    pub fn speller(&self) -> Option<&Arc<Speller>> {
        self.speller.as_ref()
    }

    /// The [`Speller`] of `texts`, from their word tokens as the walk reads them (normalised,
    /// deobfuscated, elongations squashed), counted in parallel, under the config's spelling
    /// rules ([`TextConfig::spell_revision`]).
    pub fn word_counts<T: AsRef<str> + Sync>(&self, texts: &[T]) -> Speller {
        use rayon::prelude::*;
        use std::collections::HashMap;
        let counts = texts
            .par_chunks(4096)
            .map(|chunk| {
                let mut sc = Scratch::default();
                let mut counts = HashMap::new();
                let revision = self.config.spell_revision;
                for t in chunk {
                    let tokens = self.tokenize(t.as_ref(), &mut sc);
                    let words = tokens.iter().filter(|(k, _)| *k == TokenKind::Word);
                    Speller::count(words.map(|(_, w)| w), revision, &mut counts);
                }
                counts
            })
            .reduce(HashMap::new, |mut a, b| {
                for (w, c) in b {
                    *a.entry(w).or_insert(0) += c;
                }
                a
            });
        Speller::new(counts, self.config.spell_revision)
    }

    pub fn config(&self) -> &TextConfig {
        &self.config
    }

    /// The one walk over a text's n-grams: normalise, deobfuscate and tokenize `text`, hand
    /// every token to `sink.token` (which appends its form), then every word n-gram of `from`
    /// or more forms (up to the configured size) to `sink.word_gram`.
    pub fn walk(&self, text: &str, sc: &mut Scratch, from: usize, sink: &mut impl GramSink) {
        self.tokenize(text, sc);
        let reading = self.reading(&sc.tokens);
        sink.tokens(&sc.tokens, reading);
        let Scratch {
            tokens,
            forms,
            form_ends,
            gram,
            chars,
            joined,
            joined_form,
            ..
        } = sc;
        forms.clear();
        form_ends.clear();
        // the word before, if it may start a split word, and whether it may be a piece of one
        let mut last: Option<(&str, bool)> = None;
        let joins = self.joins_words();
        for (i, (kind, tok)) in tokens.iter().enumerate() {
            let piece = sink.token(self, kind, tok, reading, forms, chars);
            form_ends.push(forms.len());
            // a split word (`stu pid`, `s tupid`): a word the training comments used rarely
            // and the word beside it, written together a common word (only a model that
            // joins says a word may be a piece); each piece joins one neighbour at most
            let split = last
                .filter(|&(prev, n)| {
                    (n || piece || (joins && prev.len() == 2 && tok.len() == 2)) && tokens.spaced(i)
                })
                .and_then(|(prev, n)| self.joined(prev, tok, n || piece, joined));
            if let Some(word) = split {
                joined_form.clear();
                sink.joined(self, word, reading, i - 1, joined_form, chars);
                if from == 1 && self.word_unigrams() {
                    sink.word_gram(joined_form, i - 1, 2);
                }
                last = None;
            } else {
                last = (kind == TokenKind::Word).then_some((tok, piece));
            }
        }
        self.word_grams(forms, form_ends, from, gram, |g, first, n| {
            sink.word_gram(g, first, n)
        });
    }

    /// Calls `emit` once for every n-gram occurrence of `text`: each token's char n-grams as
    /// the walk reaches it, then the word n-grams of the stems.
    pub fn analyze(&self, text: &str, sc: &mut Scratch, emit: impl FnMut(Family, &str)) {
        struct Every<F>(F);
        impl<F: FnMut(Family, &str)> GramSink for Every<F> {
            fn token(
                &mut self,
                a: &Analyzer,
                kind: TokenKind,
                tok: &str,
                reading: Reading,
                form: &mut String,
                chars: &mut GramBufs,
            ) -> bool {
                let read = a.spelled(kind, tok);
                a.stem_token(kind, read, reading, form);
                a.char_grams(kind, read, reading, chars, |g| (self.0)(Family::Char, g));
                a.piece(kind, tok)
            }
            fn word_gram(&mut self, gram: &str, _: usize, _: usize) {
                (self.0)(Family::Word, gram)
            }
        }
        self.walk(text, sc, 1, &mut Every(emit));
    }

    /// Normalises and tokenizes `text` into `sc`; returns the tokens.
    pub fn tokenize<'s>(&self, text: &str, sc: &'s mut Scratch) -> &'s Tokens {
        normalize_into(text, &mut sc.normalized);
        if self.config.script_fold && needs_fold(&sc.normalized) {
            fold_scripts_into(&sc.normalized, &mut sc.folded);
            std::mem::swap(&mut sc.normalized, &mut sc.folded);
        }
        let clean = if self.config.deobfuscate {
            let known = |w: &str| self.speller.as_ref().is_some_and(|s| s.common(w));
            deobfuscate_into(&sc.normalized, &mut sc.deobfuscated, &known);
            &sc.deobfuscated
        } else {
            &sc.normalized
        };
        tokenize_into(clean, self.config.squash_elongations, &mut sc.tokens);
        &sc.tokens
    }

    /// How the words of tokenized `tokens` are read: as Roman Urdu/Hindi when the config
    /// says so and the comment is in it, else stemmed.
    pub fn reading(&self, tokens: &Tokens) -> Reading {
        if self.config.roman_urdu && is_roman_urdu(tokens) {
            Reading::Roman
        } else {
            Reading::Stemmed
        }
    }

    /// Whether `tok` is a word that may be a piece of a split word: one of
    /// [`spelling::MIN_LEN`] - 1 letters or more that the training comments used rarely
    /// ([`Speller::piece`]: `stu pid`, `pid`). Only for a model that joins split words
    /// (spelling revision [`JOIN_REVISION`] on); false for any other.
    pub fn piece(&self, kind: TokenKind, tok: &str) -> bool {
        kind == TokenKind::Word
            && self.joins_words()
            && self.speller.as_ref().is_some_and(|s| s.piece(tok))
    }

    /// Whether this model reads split words whole (spelling revision [`JOIN_REVISION`] on).
    fn joins_words(&self) -> bool {
        self.speller.is_some() && self.config.spell_revision >= JOIN_REVISION
    }

    /// The two word tokens `a` and `b` written together, in `buf`, when they are ASCII
    /// letters and make a common word of the model's speller that they are the pieces of
    /// ([`Speller::split`]); two pieces of two letters only when they make a word of the
    /// abuse lexicon (`fu ck`), as most such pairs are two words (`in to`, `so me`) and
    /// joining them into the comments' common words changed what the model learnt of
    /// ordinary text; `piece`, one of them is a [`Speller::piece`] (from spelling revision
    /// [`SHORT_REVISION`](spelling::SHORT_REVISION) a two-letter word may be one, `th`, so
    /// two-letter halves also join by the speller's counts: `th at`, `ha ve`, not `in to`).
    fn joined<'b>(&self, a: &str, b: &str, piece: bool, buf: &'b mut String) -> Option<&'b str> {
        let s = self.speller.as_ref()?;
        let letters = |w: &str| w.bytes().all(|c| c.is_ascii_lowercase());
        if a.len() + b.len() > spelling::MAX_LEN || !letters(a) || !letters(b) {
            return None;
        }
        buf.clear();
        buf.push_str(a);
        buf.push_str(b);
        // the walk asks of any two two-letter words, of other pairs only beside a piece
        let word = (a.len() == 2 && b.len() == 2 && is_four_letter_form(buf))
            || (piece && s.split(a, b, buf));
        word.then_some(buf.as_str())
    }

    /// Whether word unigrams are features.
    pub fn word_unigrams(&self) -> bool {
        self.config.word_ngrams.0 == 1
    }

    /// A word token as the model reads it: corrected when the model corrects spelling and
    /// its rules read the word as another (`spelling/`: a word the training comments never
    /// used, or, from revision 1, one they used far less than a word a typo away), else as
    /// it is. What [`Analyzer::stem_token`] and [`Analyzer::char_grams`] take: the sinks
    /// call it once per distinct word they hold, so that a correction is paid for once, not
    /// per occurrence.
    pub fn spelled<'a>(&'a self, kind: TokenKind, tok: &'a str) -> &'a str {
        match (&self.speller, kind) {
            (Some(s), TokenKind::Word) => s.correct(tok).unwrap_or(tok),
            _ => tok,
        }
    }

    /// Appends the form of a token that word n-grams use: its stem for a word in a stemmed
    /// comment (a word longer than [`LONG_TOKEN`] bytes is kept as it is), else itself.
    /// `tok` as the model reads it ([`Analyzer::spelled`]).
    pub fn stem_token(&self, kind: TokenKind, tok: &str, reading: Reading, out: &mut String) {
        if kind == TokenKind::Word && tok.len() <= LONG_TOKEN && reading == Reading::Stemmed {
            self.stemmer.stem_into(tok, out);
        } else {
            out.push_str(tok);
        }
    }

    /// Word n-grams over token forms `stems`, token `i` ending at byte `ends[i]`; stems are
    /// joined by a space; only n-grams of `from` tokens or more (callers that handle
    /// unigrams themselves pass 2). `gram` is a buffer; `emit` gets each n-gram with its
    /// first token and length.
    fn word_grams(
        &self,
        stems: &str,
        ends: &[usize],
        from: usize,
        gram: &mut String,
        mut emit: impl FnMut(&str, usize, usize),
    ) {
        let (wlo, whi) = self.config.word_ngrams;
        if wlo == 0 {
            return;
        }
        let wlo = wlo.max(from);
        let n_tok = ends.len();
        for start in 0..n_tok {
            gram.clear();
            for n in 1..=whi.min(n_tok - start) {
                let idx = start + n - 1;
                let ts = if idx == 0 { 0 } else { ends[idx - 1] };
                if n > 1 {
                    gram.push(' ');
                }
                gram.push_str(&stems[ts..ends[idx]]);
                if n >= wlo {
                    emit(gram, start, n);
                }
            }
        }
    }

    /// Char n-grams of one token inside `<…>` boundaries: words and hashtag bodies have them,
    /// other tokens none. They depend on the token and the comment's reading alone. A token
    /// longer than [`LONG_TOKEN`] bytes gives the n-grams of `<` and its first [`TOKEN_EDGE`]
    /// bytes, then those of its last [`TOKEN_EDGE`] bytes and `>`. A word of a comment read
    /// as Roman Urdu/Hindi then gives its spelling key (`~nai`, [`roman_key`]), and any word
    /// its scramble and sound keys when the config asks for them (`keys.rs`). `tok` as the
    /// model reads it ([`Analyzer::spelled`]).
    pub fn char_grams(
        &self,
        kind: TokenKind,
        tok: &str,
        reading: Reading,
        bufs: &mut GramBufs,
        mut emit: impl FnMut(&str),
    ) {
        let word = match kind {
            _ if self.config.char_ngrams.0 == 0 => return,
            TokenKind::Word => tok,
            TokenKind::Hashtag => &tok[1..],
            _ => return,
        };
        self.surface_grams(word, bufs, &mut emit);
        if kind != TokenKind::Word || word.len() > LONG_TOKEN {
            return;
        }
        let keys: [(bool, WordKey); 3] = [
            (reading == Reading::Roman, roman_key),
            (self.config.scramble_key, scramble_key),
            (self.config.sound_key, sound_key),
        ];
        for (_, key) in keys.iter().filter(|(on, _)| *on) {
            bufs.gram.clear();
            key(word, &mut bufs.gram);
            if !bufs.gram.is_empty() {
                emit(&bufs.gram);
            }
        }
    }

    /// The char n-grams of `word` as written.
    fn surface_grams(&self, word: &str, bufs: &mut GramBufs, mut emit: impl FnMut(&str)) {
        let GramBufs { gram, bounds } = bufs;
        if word.len() <= LONG_TOKEN {
            return self.grams_of(Some('<'), word, Some('>'), gram, bounds, &mut emit);
        }
        let mut head = TOKEN_EDGE;
        while !word.is_char_boundary(head) {
            head -= 1;
        }
        let mut tail = word.len() - TOKEN_EDGE;
        while !word.is_char_boundary(tail) {
            tail += 1;
        }
        self.grams_of(Some('<'), &word[..head], None, gram, bounds, &mut emit);
        self.grams_of(None, &word[tail..], Some('>'), gram, bounds, &mut emit);
    }

    /// The char n-grams of `open`, `word` and `close` written together.
    fn grams_of(
        &self,
        open: Option<char>,
        word: &str,
        close: Option<char>,
        gram: &mut String,
        bounds: &mut Vec<usize>,
        emit: &mut impl FnMut(&str),
    ) {
        let (clo, chi) = self.config.char_ngrams;
        gram.clear();
        gram.extend(open);
        gram.push_str(word);
        gram.extend(close);
        bounds.clear();
        bounds.extend(gram.char_indices().map(|(i, _)| i));
        bounds.push(gram.len());
        let n_chars = bounds.len() - 1;
        for n in clo..=chi.min(n_chars) {
            for s in 0..=(n_chars - n) {
                emit(&gram[bounds[s]..bounds[s + n]]);
            }
        }
    }
}

#[cfg(test)]
#[path = "analyzer_tests.rs"]
mod tests;
