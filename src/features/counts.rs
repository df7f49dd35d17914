//! A text's merged n-gram counts: every n-gram hashed to a signed bucket, mapped to a key (a
//! bucket, or a model's feature column), and summed per key, with per-thread buffers and a
//! memo of per-word work, in time and memory linear in the text.

use super::cache::{WordCache, WordSums};
use super::hashing::{key_of, sign_of, signed_bucket, Signed, NEG};
use crate::text::tokenize::{TokenKind, Tokens};
use crate::text::{Analyzer, GramBufs, GramSink, Reading, Scratch};
use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

/// Per-thread buffers for vectorizing, and the memo of per-word work for one vectorizer.
#[derive(Default)]
pub struct VecScratch {
    text: Scratch,
    /// the run whose keys `cache` holds (see [`Vectorizer`]'s `id`)
    owner: u64,
    cache: WordCache,
    grams: Vec<(u32, f32)>,
    /// per-key counts of a text of fewer than [`CHUNK`] n-grams, all zero between calls:
    /// every sign is ±1, so no sum leaves `i16`, and the array is half the size of `f32`
    /// sums, which keeps more of it in cache
    acc: Vec<i16>,
    /// per-key sums of a longer text, chunk by chunk (allocated by the first such text), all
    /// zero between calls
    wide: Vec<f32>,
    /// the text's signed keys in order, before merging
    pub(super) feats: Vec<Signed>,
    /// hashed signed buckets waiting for their key look-up
    pub(super) buckets: Vec<Signed>,
    /// for a text of more than [`CHUNK`] n-grams: the keys in order of first occurrence, and
    /// which keys are among them (all false between calls)
    order: Vec<u32>,
    seen: Vec<bool>,
    /// [`CHUNK`], unless a test sets a smaller one
    chunk: Option<usize>,
    /// the filter of a scored text's keys (`features::sums`), all zero between calls, and
    /// the occurrences of the keys it finds repeated
    pub(super) filter: Vec<u64>,
    pub(super) repeated: Vec<Signed>,
    /// per-key occurrence counts and signed sums of those keys, all zero between calls
    pub(super) tally: Vec<i32>,
}

thread_local! {
    static SCRATCH: RefCell<VecScratch> = RefCell::new(VecScratch::default());
}

impl VecScratch {
    /// Runs `f` with this thread's scratch, whose word memo then lives as long as the thread
    /// (rayon's workers), not one parallel task. `f` must not call `with` again.
    pub fn with<R>(f: impl FnOnce(&mut VecScratch) -> R) -> R {
        SCRATCH.with(|s| f(&mut s.borrow_mut()))
    }
}

/// Source of the ids that tie a [`VecScratch`]'s word memo to one vectorizer (or one fit).
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

pub(super) fn next_id() -> u64 {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

/// How [`keyed_counts`] names features: `key` maps a bucket to a key below `n_keys` (or drops
/// it); `owner` identifies this mapping for the word memo.
pub(super) struct Keys<K> {
    pub owner: u64,
    pub n_keys: usize,
    pub sorted: bool,
    pub key: K,
}

/// Hashes every n-gram of `text`, maps each bucket through `key` (dropping `None`) and returns
/// the merged `(key, signed count)` list (counts that cancel to zero are dropped), in key
/// order when `sorted`, else in order of first occurrence (scoring needs no order).
///
/// Three passes over the text's features, each free of data-dependent branches around its
/// random memory accesses, so the processor keeps many cache misses in flight at once:
/// 1. gather every signed key in order: a word's memoised features, then the word n-grams'
///    buckets, hashed first and looked up in one tight loop;
/// 2. sum the signs into the dense accumulator;
/// 3. walk the gathered keys again, emitting each key's sum at its first occurrence and
///    zeroing it, so later occurrences (and sums that cancelled to zero) emit nothing.
///
/// The additions happen in the same order as one merged pass, so the counts are the same.
///
/// A text of more than [`CHUNK`] n-grams (a comment of megabytes) is summed chunk by chunk
/// as it is gathered, its keys' first occurrences noted on the way, so that its working
/// memory stays a small multiple of its length; the result is the same, in the same order.
pub(super) fn keyed_counts<'s, K: Fn(u32) -> Option<u32>>(
    analyzer: &Analyzer,
    bits: u32,
    keys: &Keys<K>,
    text: &str,
    sc: &'s mut VecScratch,
) -> &'s [(u32, f32)] {
    let Keys {
        n_keys,
        sorted,
        ref key,
        ..
    } = *keys;
    gather(analyzer, bits, keys, text, sc, None);
    let VecScratch {
        grams,
        acc,
        wide,
        feats: all,
        buckets,
        order,
        seen,
        ..
    } = sc;
    flush(buckets, all, key);
    if !order.is_empty() {
        // a long text: its last chunk, then each key's sum in order of first occurrence
        absorb(all, wide, n_keys, seen, order);
        grams.clear();
        for &k in order.iter() {
            let a = &mut wide[k as usize];
            if *a != 0.0 {
                grams.push((k, *a));
            }
            *a = 0.0;
            seen[k as usize] = false;
        }
        if sorted {
            grams.sort_unstable_by_key(|g| g.0);
        }
        return grams;
    }
    // pass 2: the sums (fewer than CHUNK signs of ±1: no sum overflows)
    for &s in all.iter() {
        let a = &mut acc[key_of(s) as usize];
        *a = a.wrapping_add(sign_of(s));
    }
    // pass 3: each key once, at its first occurrence. `grams` only grows (stale entries past
    // `n` are never read), so it is not zeroed for every text.
    if grams.len() < all.len() {
        grams.resize(all.len(), (0, 0.0));
    }
    let mut n = 0;
    for &s in all.iter() {
        let k = key_of(s);
        let a = &mut acc[k as usize];
        grams[n] = (k, *a as f32);
        n += (*a != 0) as usize;
        *a = 0;
    }
    let grams = &mut grams[..n];
    if sorted {
        grams.sort_unstable_by_key(|g| g.0);
    }
    grams
}

/// Pass 1 of [`keyed_counts`] (and of `features::sums`): walks `text`, leaving its signed
/// keys in `sc.feats`, save the last n-grams' buckets, still in `sc.buckets`. Counting
/// (`summed` is `None`), a text past [`CHUNK`] is summed chunk by chunk on the way (see
/// [`keyed_counts`]); summing, a held word's keys are appended whole, with its [`WordSums`]
/// added to `summed`, and every other n-gram's bucket waits in `sc.buckets`.
pub(super) fn gather<K: Fn(u32) -> Option<u32>>(
    analyzer: &Analyzer,
    bits: u32,
    keys: &Keys<K>,
    text: &str,
    sc: &mut VecScratch,
    summed: Option<&mut Summed>,
) {
    if sc.owner != keys.owner {
        sc.cache = WordCache::default();
        sc.owner = keys.owner;
        sc.acc = vec![0; keys.n_keys];
        sc.wide = Vec::new();
        sc.tally = Vec::new();
    }
    let VecScratch {
        text: ts,
        cache,
        wide,
        feats: all,
        buckets,
        order,
        seen,
        chunk,
        ..
    } = sc;
    all.clear();
    buckets.clear();
    order.clear();
    // the walk; a word's unigram is memoised with its char n-grams, other tokens' unigrams
    // and every longer n-gram are hashed as they come, their buckets looked up together
    let mut sink = Gather {
        bits,
        uni: analyzer.word_unigrams(),
        key: &keys.key,
        cache,
        all,
        buckets,
        wide,
        n_keys: keys.n_keys,
        seen,
        order,
        chunk: chunk.unwrap_or(CHUNK),
        summed,
    };
    analyzer.walk(text, ts, 2, &mut sink);
}

/// What [`gather`] sums for scoring: the held words' [`WordSums`] for the table of `owner`,
/// worked out by `of` from a word's keys.
pub(super) struct Summed<'a> {
    pub owner: u64,
    pub of: &'a dyn Fn(&[Signed]) -> WordSums,
    pub total: WordSums,
    /// the text passed [`CHUNK`] n-grams: what was gathered is incomplete
    pub overflow: bool,
}

/// Pass 1 of [`keyed_counts`] as a sink of the walk: every signed key of the text in
/// order, summed chunk by chunk past [`CHUNK`].
struct Gather<'a, 's, K> {
    bits: u32,
    uni: bool,
    key: &'a K,
    cache: &'a mut WordCache,
    all: &'a mut Vec<Signed>,
    buckets: &'a mut Vec<Signed>,
    wide: &'a mut Vec<f32>,
    n_keys: usize,
    seen: &'a mut Vec<bool>,
    order: &'a mut Vec<u32>,
    chunk: usize,
    summed: Option<&'a mut Summed<'s>>,
}

impl<K: Fn(u32) -> Option<u32>> Gather<'_, '_, K> {
    /// Sums what was gathered so far once it passes the chunk (summing for scoring: gives
    /// up, see [`Summed::overflow`]).
    #[inline]
    fn bound(&mut self) {
        if self.all.len() + self.buckets.len() >= self.chunk {
            if let Some(s) = self.summed.as_deref_mut() {
                s.overflow = true;
                self.all.clear();
                self.buckets.clear();
                return;
            }
            flush(self.buckets, self.all, self.key);
            absorb(self.all, self.wide, self.n_keys, self.seen, self.order);
        }
    }
}

impl<K: Fn(u32) -> Option<u32>> GramSink for Gather<'_, '_, K> {
    #[inline]
    fn token(
        &mut self,
        a: &Analyzer,
        kind: TokenKind,
        tok: &str,
        reading: Reading,
        form: &mut String,
        chars: &mut GramBufs,
    ) -> bool {
        let (bits, uni, key) = (self.bits, self.uni, self.key);
        let piece = match kind {
            TokenKind::Word | TokenKind::Hashtag => {
                let fill = |stem: &mut String, feats: &mut Vec<Signed>| {
                    let s0 = stem.len();
                    let read = a.spelled(kind, tok);
                    a.stem_token(kind, read, reading, stem);
                    if uni {
                        let s = signed_bucket(&stem.as_bytes()[s0..], false, bits);
                        feats.extend(keyed(key, s));
                    }
                    a.char_grams(kind, read, reading, chars, |g| {
                        let s = signed_bucket(g.as_bytes(), true, bits);
                        feats.extend(keyed(key, s));
                    });
                    a.piece(kind, tok)
                };
                if let Some(sm) = self.summed.as_deref_mut() {
                    // scoring needs no order: the buckets wait for the end
                    let (word, sums) = self.cache.get_summed(tok, reading, fill, sm.owner, sm.of);
                    form.push_str(word.stem);
                    self.all.extend_from_slice(word.feats);
                    for (t, w) in sm.total.iter_mut().zip(&sums) {
                        for (t, w) in t.iter_mut().zip(w) {
                            *t += w;
                        }
                    }
                    word.piece
                } else {
                    let word = self.cache.get(tok, reading, fill);
                    form.push_str(word.stem);
                    flush(self.buckets, self.all, key);
                    self.all.extend_from_slice(word.feats);
                    word.piece
                }
            }
            _ => {
                let s0 = form.len();
                a.stem_token(kind, tok, reading, form);
                if uni {
                    self.buckets
                        .push(signed_bucket(&form.as_bytes()[s0..], false, bits));
                }
                false
            }
        };
        self.bound();
        piece
    }

    fn tokens(&mut self, tokens: &Tokens, reading: Reading) {
        let words = tokens
            .iter()
            .filter(|(kind, _)| matches!(kind, TokenKind::Word | TokenKind::Hashtag));
        self.cache.prefetch(words.map(|(_, tok)| tok), reading);
    }

    #[inline]
    fn word_gram(&mut self, gram: &str, _: usize, _: usize) {
        self.buckets
            .push(signed_bucket(gram.as_bytes(), false, self.bits));
        // after the tokens, only `buckets` grows
        if self.buckets.len() >= self.chunk {
            self.bound();
        }
    }
}

/// Gathered n-grams of one text past which they are summed as they come, into `f32` sums:
/// below it, a sum of as many signs fits the `i16` accumulator.
pub(super) const CHUNK: usize = i16::MAX as usize;

/// Keys for tests: every bucket of 2^12 is its own key.
#[cfg(test)]
pub(super) fn every_bucket() -> Keys<fn(u32) -> Option<u32>> {
    Keys {
        owner: next_id(),
        n_keys: 1 << 12,
        sorted: false,
        key: Some,
    }
}

/// Sums the gathered `all` into `acc` (sized to `n_keys` on first use), noting in `order`
/// each key's first occurrence, and empties `all`.
fn absorb(
    all: &mut Vec<Signed>,
    acc: &mut Vec<f32>,
    n_keys: usize,
    seen: &mut Vec<bool>,
    order: &mut Vec<u32>,
) {
    if acc.len() < n_keys {
        acc.resize(n_keys, 0.0);
    }
    if seen.len() < n_keys {
        seen.resize(n_keys, false);
    }
    for &s in all.iter() {
        let k = key_of(s);
        acc[k as usize] += sign_of(s) as f32;
        let s = &mut seen[k as usize];
        if !*s {
            *s = true;
            order.push(k);
        }
    }
    all.clear();
}

/// Looks up the keys of the hashed `buckets` (in one loop, so their look-ups overlap) and
/// appends the kept ones to `out`, in order; empties `buckets`.
#[inline]
pub(super) fn flush<K: Fn(u32) -> Option<u32>>(
    buckets: &mut Vec<Signed>,
    out: &mut Vec<Signed>,
    key: &K,
) {
    out.extend(buckets.drain(..).filter_map(|s| keyed(key, s)));
}

/// The signed key of a signed bucket, if `key` keeps the bucket.
#[inline(always)]
fn keyed<K: Fn(u32) -> Option<u32>>(key: &K, s: Signed) -> Option<Signed> {
    key(key_of(s)).map(|k| k | (s & NEG))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::TextConfig;

    /// A text summed chunk by chunk gives the same counts in the same order as one pass, and
    /// leaves the buffers as it found them.
    #[test]
    fn chunked_counts_equal_one_pass() {
        let a = Analyzer::new(TextConfig::default()).unwrap();
        let keys = Keys {
            owner: next_id(),
            n_keys: 1 << 12,
            sorted: false,
            key: |b: u32| (!b.is_multiple_of(3)).then_some(b),
        };
        let text = "the talks in Doha went on, and on 😀 for hours #peace @x 42 ".repeat(40);
        let mut one = VecScratch::default();
        let whole = keyed_counts(&a, 12, &keys, &text, &mut one).to_vec();
        for chunk in [1, 7, 100] {
            let mut sc = VecScratch {
                chunk: Some(chunk),
                ..VecScratch::default()
            };
            for _ in 0..2 {
                assert_eq!(
                    keyed_counts(&a, 12, &keys, &text, &mut sc),
                    &whole[..],
                    "{chunk}"
                );
                assert!(sc.acc.iter().all(|&v| v == 0) && sc.wide.iter().all(|&v| v == 0.0));
                assert!(sc.seen.iter().all(|&s| !s));
            }
        }
        assert!(
            whole.iter().any(|&(_, c)| c > 1.0),
            "the text should repeat n-grams"
        );
    }

    /// The memo's walk reads a split word (`stu pid`) as the plain walk does, cold and warm:
    /// the same keys, counted alike, the whole word's among them.
    #[test]
    fn split_words_count_as_the_plain_walk_reads_them() {
        use crate::features::hashing::bucket;
        use crate::text::config::SPELL_REVISION;
        use crate::text::spelling::Speller;
        use crate::text::{Family, Scratch};
        let mut a = Analyzer::new(TextConfig {
            spell: true,
            spell_revision: SPELL_REVISION,
            ..TextConfig::default()
        })
        .unwrap();
        let words = [("stupid", 30), ("idiot", 20), ("you", 90)];
        let counts = words.iter().map(|&(w, c)| (w.to_string(), c));
        a.set_speller(std::sync::Arc::new(Speller::new(counts, SPELL_REVISION)));
        let keys = every_bucket();
        let text = "you are stu pid and s tupid, an idi ot, fu ck";
        let mut want = std::collections::BTreeMap::<u32, f32>::new();
        a.analyze(text, &mut Scratch::default(), |f, g| {
            let (b, sign) = bucket(g.as_bytes(), f == Family::Char, 12);
            *want.entry(b).or_default() += sign;
        });
        want.retain(|_, c| *c != 0.0);
        for word in [&b"stupid"[..], b"fuck"] {
            let b = bucket(word, false, 12).0;
            assert!(want.contains_key(&b), "the split word is read whole");
        }
        let mut sc = VecScratch::default();
        for _ in 0..2 {
            let got: std::collections::BTreeMap<u32, f32> =
                keyed_counts(&a, 12, &keys, text, &mut sc)
                    .iter()
                    .copied()
                    .collect();
            assert_eq!(got, want);
        }
    }

    /// A word repeated past what the `i16` accumulator holds is counted in full.
    #[test]
    fn counts_past_the_short_accumulator_are_exact() {
        let a = Analyzer::new(TextConfig::default()).unwrap();
        let keys = every_bucket();
        let n = 3 * CHUNK;
        let text = "ha ".repeat(n);
        let counts = keyed_counts(&a, 12, &keys, &text, &mut VecScratch::default()).to_vec();
        let max = counts.iter().map(|&(_, c)| c.abs()).fold(0.0, f32::max);
        assert!(max >= n as f32, "{max}");
    }
}
