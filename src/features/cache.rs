//! A per-thread memo of per-word work. Comments reuse a small vocabulary, and a word's stem and
//! char n-grams depend on the word alone, so each distinct word is stemmed, cut into char
//! n-grams and hashed once, not at every occurrence. Bounded: when it holds [`CAPACITY`] words
//! it starts over. It only memoises, so results are the same with it or without it.
//!
//! A look-up runs for every word of every comment, and the memo (some MB per thread) does not
//! stay in cache, so it is laid out for few, early memory reads: a small table of slots (a
//! hash tag and where the entry lives) that stays in cache, and per word one head of two
//! cache lines (the word, held inline: words of up to [`SHORT`] bytes, longer ones and words
//! whose stems are longer are worked out at each occurrence; its stem; the scoring sums) and
//! its char n-grams in an arena. [`WordCache::prefetch`] starts the reads of a comment's
//! words before the walk needs them, so that their cache misses overlap instead of coming one
//! word at a time.
//!
//! Scoring also asks for a word's [`WordSums`] (its features' contributions to a model's dot
//! products, see `features::sums`): worked out from the held features the first time one
//! table asks, and held in the head, tagged with that table's owner id.

use super::hashing::Signed;
use crate::text::Reading;

/// Most distinct words held before the memo is cleared (a few MB per thread).
pub const CAPACITY: usize = 1 << 16;

/// Slots of the table: twice the words held, so that probes are short.
const SLOTS: usize = 2 * CAPACITY;

/// Most words of a comment read ahead ([`WordCache::prefetch`]).
const AHEAD: usize = 256;

/// Longest word, and longest stem, held in the memo, in bytes.
pub const SHORT: usize = 22;

/// Up to [`SHORT`] bytes of a word, held in place, with a tag (its reading).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Short {
    bytes: [u8; SHORT],
    len: u8,
    tag: u8,
}

impl Short {
    fn new(s: &str, tag: u8) -> Option<Short> {
        let b = s.as_bytes();
        (b.len() <= SHORT).then(|| {
            let mut bytes = [0; SHORT];
            bytes[..b.len()].copy_from_slice(b);
            Short {
                bytes,
                len: b.len() as u8,
                tag,
            }
        })
    }

    /// A 64-bit hash of the 24 bytes: the table's slot from its top bits, the slot's tag from
    /// the low ones.
    fn hash(&self) -> u64 {
        let b = &self.bytes;
        let word = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or([0; 8]));
        let last =
            u64::from_le_bytes([b[16], b[17], b[18], b[19], b[20], b[21], self.len, self.tag]);
        let mut h = word(0).wrapping_mul(0x9e37_79b9_7f4a_7c15)
            ^ word(8).wrapping_mul(0xc2b2_ae3d_27d4_eb4f)
            ^ last.wrapping_mul(0x1656_67b1_9e37_79f9);
        h ^= h >> 32;
        h = h.wrapping_mul(0xd6e8_feb8_6659_fd93);
        h ^ (h >> 29)
    }
}

/// A slot: 0 empty, else the entry's head number + 1 (17 bits), the start of its features
/// in the arena (27 bits) and 20 bits of the word's hash.
type Slot = u64;
const HEAD_BITS: u32 = 17;
const FEAT_BITS: u32 = 27;

const TAG_MASK: u64 = 0xf_ffff;

/// The first slot to probe for a word of hash `hash`.
fn first_slot(hash: u64) -> usize {
    (hash >> (64 - SLOTS.trailing_zeros())) as usize
}

fn slot_of(hash: u64, head: usize, feats: usize) -> Slot {
    ((hash & TAG_MASK) << (HEAD_BITS + FEAT_BITS))
        | ((feats as u64) << HEAD_BITS)
        | (head as u64 + 1)
}

fn slot_tag(s: Slot) -> u64 {
    s >> (HEAD_BITS + FEAT_BITS)
}

fn slot_head(s: Slot) -> usize {
    (s & ((1 << HEAD_BITS) - 1)) as usize - 1
}

fn slot_feats(s: Slot) -> usize {
    ((s >> HEAD_BITS) & ((1 << FEAT_BITS) - 1)) as usize
}

/// What a word contributes: its form for word n-grams, and its char n-gram features as
/// [`Signed`] keys, where the key is a hash bucket or a feature column.
#[derive(Default)]
pub struct WordCache {
    /// open addressing, linear probing; allocated on first use
    slots: Vec<Slot>,
    heads: Vec<Head>,
    /// the held words' features, end to end
    feats: Vec<Signed>,
    /// a word not held: its stem and features, worked out afresh, and what the fill said
    stem: String,
    spill: Vec<Signed>,
    spill_piece: bool,
    /// the hashes of the words [`WordCache::prefetch`] reads ahead
    hints: Vec<u64>,
}

/// A word as the memo holds it.
pub struct Word<'a> {
    /// its form for word n-grams
    pub stem: &'a str,
    /// its char n-gram features
    pub feats: &'a [Signed],
    /// what the fill said of it (whether it may be a piece of a split word: `Analyzer::piece`)
    pub piece: bool,
}

/// A word's features' contributions to a scoring table's dot products, per family (word,
/// char): `[Σ v², Σ v·w_1, Σ v·w_2, Σ v·w_3]`, `v` each feature's signed IDF (see
/// `features::sums`).
pub type WordSums = [[f64; 4]; 2];

/// A held word: two cache lines, what a look-up reads.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Head {
    /// the owner id of the table whose sums are held (0: none), and the sums
    owner: u64,
    sums: WordSums,
    word: Short,
    stem: [u8; SHORT],
    stem_len: u8,
    /// what the fill said of it
    piece: bool,
    /// its features: `feats[at..at + n]`
    n: u16,
    at: u32,
}

impl WordCache {
    /// The stem and char features of `word` in a comment read as `reading`, computed by
    /// `fill(stem_out, feats_out)` the first time (it appends to both, and says whether the
    /// word may be a piece of a split word).
    pub fn get(
        &mut self,
        word: &str,
        reading: Reading,
        fill: impl FnOnce(&mut String, &mut Vec<Signed>) -> bool,
    ) -> Word<'_> {
        match self.find(word, reading, fill) {
            Some(i) => self.held(i),
            None => self.spilled(),
        }
    }

    /// As [`WordCache::get`], with the word's sums for the table of `owner` (a non-zero id):
    /// `sums_of(features)`, worked out the first time that table asks.
    pub fn get_summed(
        &mut self,
        word: &str,
        reading: Reading,
        fill: impl FnOnce(&mut String, &mut Vec<Signed>) -> bool,
        owner: u64,
        sums_of: impl FnOnce(&[Signed]) -> WordSums,
    ) -> (Word<'_>, WordSums) {
        let Some(i) = self.find(word, reading, fill) else {
            let sums = sums_of(&self.spill);
            return (self.spilled(), sums);
        };
        let h = &self.heads[i];
        if h.owner != owner {
            let sums = sums_of(&self.feats[h.at as usize..h.at as usize + h.n as usize]);
            let h = &mut self.heads[i];
            (h.owner, h.sums) = (owner, sums);
        }
        let sums = self.heads[i].sums;
        (self.held(i), sums)
    }

    /// Starts reading what the look-ups of `words` (in a comment read as `reading`) will
    /// read, in two rounds so that the cache misses of each round overlap: their slots, then
    /// the heads and features the slots name. A hint: it changes nothing. Only the first
    /// [`AHEAD`] words: more would leave the cache before the walk reaches them.
    pub fn prefetch<'w>(&mut self, words: impl Iterator<Item = &'w str>, reading: Reading) {
        if self.slots.is_empty() {
            return;
        }
        let mut hints = std::mem::take(&mut self.hints);
        hints.clear();
        for w in words.take(AHEAD) {
            if let Some(key) = Short::new(w, reading as u8) {
                let hash = key.hash();
                prefetch(&self.slots[first_slot(hash)]);
                hints.push(hash);
            }
        }
        for &hash in &hints {
            // the first slot of the word's tag (its head is not read: that is what is asked for)
            let s = self.slots[self.probe_until(hash, |_| true)];
            if s == 0 {
                continue;
            }
            if let Some(h) = self.heads.get(slot_head(s)) {
                prefetch(h);
                prefetch((h as *const Head).cast::<u8>().wrapping_add(64));
            }
            if let Some(f) = self.feats.get(slot_feats(s)) {
                prefetch(f);
                prefetch((f as *const Signed).cast::<u8>().wrapping_add(64));
            }
        }
        self.hints = hints;
    }

    /// The head of `word`, filled the first time; `None` for a word not held, whose stem
    /// and features are then in `stem` and `spill`.
    fn find(
        &mut self,
        word: &str,
        reading: Reading,
        fill: impl FnOnce(&mut String, &mut Vec<Signed>) -> bool,
    ) -> Option<usize> {
        let Some(key) = Short::new(word, reading as u8) else {
            self.stem.clear();
            self.spill.clear();
            self.spill_piece = fill(&mut self.stem, &mut self.spill);
            return None;
        };
        if self.slots.is_empty() {
            self.slots = vec![0; SLOTS];
        }
        let hash = key.hash();
        let mut at = self.probe(&key, hash);
        if self.slots[at] != 0 {
            return Some(slot_head(self.slots[at]));
        }
        if self.heads.len() >= CAPACITY {
            self.slots.fill(0);
            self.heads.clear();
            self.feats.clear();
            at = self.probe(&key, hash);
        }
        // a new word: its stem goes to `stem` first, as it may be too long to hold
        let f0 = self.feats.len();
        self.stem.clear();
        let piece = fill(&mut self.stem, &mut self.feats);
        let n = self.feats.len() - f0;
        if self.stem.len() > SHORT || n > u16::MAX as usize || f0 + n >= 1 << FEAT_BITS {
            // a stem longer than any held word (or features past what a head holds): not held
            self.spill.clear();
            self.spill.extend(self.feats.drain(f0..));
            self.spill_piece = piece;
            return None;
        }
        let mut stem = [0; SHORT];
        stem[..self.stem.len()].copy_from_slice(self.stem.as_bytes());
        let i = self.heads.len();
        self.heads.push(Head {
            owner: 0,
            sums: WordSums::default(),
            word: key,
            stem,
            stem_len: self.stem.len() as u8,
            piece,
            n: n as u16,
            at: f0 as u32,
        });
        self.slots[at] = slot_of(hash, i, f0);
        Some(i)
    }

    /// The slot holding `key`, or the empty slot where it goes.
    fn probe(&self, key: &Short, hash: u64) -> usize {
        self.probe_until(hash, |s| self.heads[slot_head(s)].word == *key)
    }

    /// The first slot from `hash`'s on that is empty or has `hash`'s tag and satisfies
    /// `found` (linear probing; the table is never full).
    fn probe_until(&self, hash: u64, found: impl Fn(Slot) -> bool) -> usize {
        let mut at = first_slot(hash);
        loop {
            let s = self.slots[at];
            if s == 0 || (slot_tag(s) == hash & TAG_MASK && found(s)) {
                return at;
            }
            at = (at + 1) & (SLOTS - 1);
        }
    }

    /// The held word of head `i`.
    fn held(&self, i: usize) -> Word<'_> {
        let h = &self.heads[i];
        Word {
            stem: std::str::from_utf8(&h.stem[..h.stem_len as usize]).unwrap_or_default(),
            feats: &self.feats[h.at as usize..h.at as usize + h.n as usize],
            piece: h.piece,
        }
    }

    /// The word last worked out and not held.
    fn spilled(&self) -> Word<'_> {
        Word {
            stem: &self.stem,
            feats: &self.spill,
            piece: self.spill_piece,
        }
    }

    /// Number of words held.
    pub fn len(&self) -> usize {
        self.heads.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heads.is_empty()
    }
}

/// Asks the processor to bring the cache line of `p` closer; never faults.
#[inline(always)]
fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint; it does not dereference `p` and cannot fault
    unsafe {
        std::arch::x86_64::_mm_prefetch(p.cast(), std::arch::x86_64::_MM_HINT_T0)
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

#[cfg(test)]
mod tests {
    use super::super::hashing::NEG;
    use super::*;

    #[test]
    fn fills_once_and_returns_the_same_entry() {
        let mut c = WordCache::default();
        let mut calls = 0;
        for _ in 0..3 {
            let w = c.get("running", Reading::Stemmed, |s, f| {
                calls += 1;
                s.push_str("run");
                f.push(7);
                true
            });
            assert_eq!((w.stem, w.feats, w.piece), ("run", &[7][..], true));
        }
        assert_eq!(calls, 1);
        // the same word in a comment read another way is another entry
        let w = c.get("running", Reading::Roman, |s, _| {
            s.push_str("running");
            false
        });
        assert_eq!((w.stem, w.piece), ("running", false));
        assert_eq!(c.len(), 2);
    }

    #[test]
    fn stays_bounded() {
        let mut c = WordCache::default();
        for i in 0..CAPACITY + 10 {
            let w = format!("w{i}");
            let got = c.get(&w, Reading::Stemmed, |s, _| {
                s.push_str(&w);
                false
            });
            assert_eq!(got.stem, w);
        }
        assert!(c.len() <= CAPACITY);
    }

    /// A memo filled to its capacity gives every held word back as it was filled, read
    /// ahead or not, and fills none twice.
    #[test]
    fn a_full_memo_gives_every_word_its_own_entry() {
        let mut c = WordCache::default();
        let words: Vec<String> = (0..CAPACITY).map(|i| format!("{i:x}z")).collect();
        let fill = |w: &str| {
            let w = w.to_string();
            move |s: &mut String, f: &mut Vec<Signed>| {
                s.push_str(&w);
                f.extend(w.bytes().map(u32::from));
                w.len().is_multiple_of(2)
            }
        };
        for w in &words {
            c.get(w, Reading::Stemmed, fill(w));
        }
        assert_eq!(c.len(), CAPACITY);
        for (i, chunk) in words.chunks(20).enumerate() {
            if i % 2 == 0 {
                c.prefetch(chunk.iter().map(|w| w.as_str()), Reading::Stemmed);
            }
            for w in chunk {
                let got = c.get(w, Reading::Stemmed, |_, _| panic!("{w} filled twice"));
                assert_eq!(
                    (got.stem, got.piece),
                    (w.as_str(), w.len().is_multiple_of(2))
                );
                assert!(got.feats.iter().copied().eq(w.bytes().map(u32::from)));
            }
        }
        assert_eq!(c.len(), CAPACITY);
    }

    /// Words, or stems, too long to hold are worked out at every occurrence, and the held
    /// entries around them stay right.
    #[test]
    fn long_words_and_stems_are_worked_out_each_time() {
        let mut c = WordCache::default();
        let long = "a".repeat(SHORT + 1);
        let mut calls = 0;
        for _ in 0..2 {
            let w = c.get(&long, Reading::Stemmed, |s, f| {
                calls += 1;
                s.push_str("long");
                f.push(1);
                true
            });
            assert_eq!((w.stem, w.feats, w.piece), ("long", &[1][..], true));
            // a short word whose stem is long
            let w = c.get("w", Reading::Stemmed, |s, f| {
                calls += 1;
                s.push_str(&long);
                f.push(2 | NEG);
                false
            });
            assert_eq!(
                (w.stem, w.feats, w.piece),
                (long.as_str(), &[2 | NEG][..], false)
            );
            let w = c.get("ok", Reading::Stemmed, |s, f| {
                s.push_str("ok");
                f.push(3);
                true
            });
            assert_eq!((w.stem, w.feats, w.piece), ("ok", &[3][..], true));
        }
        assert_eq!((calls, c.len()), (4, 1));
    }
}
