//! The speller's look-ups, each a few cache misses: scoring asks for every distinct word of
//! every comment, and a binary search over a hundred thousand words, or a million keys, is
//! twenty dependent reads.

/// FNV-1a, folded to 32 bits: fixed, so the indexes are the same on every machine.
pub fn hash(b: &[u8]) -> u64 {
    let h = b.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &x| {
        (h ^ x as u64).wrapping_mul(0x0100_0000_01b3)
    });
    (h ^ (h >> 32)) & 0xffff_ffff
}

/// Most bits of a hash that pick a [`Filed`] directory slot.
const DIR_BITS: u32 = 16;

/// Words filed under keys: `hash(key) << 32 | word`, sorted, with a directory of where each
/// value of the hash's top bits starts (about one slot per four entries, at most
/// 2^[`DIR_BITS`]), so that a look-up searches a handful of entries, and a [`Filter`] of the
/// keys' hashes in front, which turns away most keys filed under no word (most of those a
/// correction looks up: the deletions of a word no target is near) without reading the
/// directory or the entries. A hash collision may add a word the caller's exact check drops.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filed {
    keys: Vec<u64>,
    /// `dir[b]`: the first entry whose hash's top bits are `b` or more, `2^bits + 1` long;
    /// empty with no keys
    dir: Vec<u32>,
    /// the distinct hashes of `keys`, about [`FILED_FILTER_BITS`] bits each, at most 256 KB
    filter: Filter,
}

/// Bits of a [`Filed`]'s filter per distinct key, rounded up to a power of two of bits.
const FILED_FILTER_BITS: usize = 8;
/// Most bits of a [`Filed`]'s filter (256 KB).
const FILED_FILTER_MAX: u32 = 21;

impl Filed {
    /// From `hash << 32 | word` entries in any order, duplicates allowed.
    pub fn new(mut keys: Vec<u64>) -> Filed {
        rayon::slice::ParallelSliceMut::par_sort_unstable(&mut keys[..]);
        keys.dedup();
        if keys.is_empty() {
            return Filed::default();
        }
        let bits = (usize::BITS - (keys.len() / 4).leading_zeros()).clamp(1, DIR_BITS);
        let slots = 1usize << bits;
        let mut dir = Vec::with_capacity(slots + 1);
        let mut j = 0;
        for b in 0..=slots {
            while j < keys.len() && (keys[j] >> (64 - bits)) < b as u64 {
                j += 1;
            }
            dir.push(j as u32);
        }
        // sorted: a hash filed twice is counted once (and sets the same bits again)
        let distinct = 1 + keys.windows(2).filter(|p| p[0] >> 32 != p[1] >> 32).count();
        let want = (distinct * FILED_FILTER_BITS).next_power_of_two();
        let bits = want.trailing_zeros().min(FILED_FILTER_MAX);
        let filter = Filter::sized(keys.iter().map(|k| k >> 32), bits);
        Filed { keys, dir, filter }
    }

    /// Whether nothing is filed.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The words filed under `key`.
    pub fn get<'a>(&'a self, key: &[u8]) -> impl Iterator<Item = usize> + 'a {
        let h = hash(key);
        let part = match self.dir.is_empty() || !self.filter.may_hold(h) {
            true => &self.keys[..0],
            false => {
                let bits = (self.dir.len() - 1).trailing_zeros();
                let b = (h >> (32 - bits)) as usize;
                &self.keys[self.dir[b] as usize..self.dir[b + 1] as usize]
            }
        };
        let start = part.partition_point(|&k| k >> 32 < h);
        part[start..]
            .iter()
            .take_while(move |&&k| k >> 32 == h)
            .map(|&k| (k & 0xffff_ffff) as usize)
    }
}

/// A blocked Bloom filter of a set of words by [`hash`], small enough to stay in cache
/// (`2^`[`FILTER_BITS`] bits unless sized otherwise): each word sets [`FILTER_PROBES`] bits of
/// one 64-bit block, so a look-up reads one word of memory. A word with any of its bits clear
/// is not in the set; one with all set may be, about one in fifty of the words outside a set
/// of fifty thousand.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    /// empty: the empty set; else a power of two of blocks
    bits: Vec<u64>,
}

/// Bits of a [`Filter`]: 64 KB.
const FILTER_BITS: u32 = 19;
/// Bits a word sets in its block.
const FILTER_PROBES: u32 = 3;

impl Filter {
    /// The filter of the words of hashes `hashes`, of `2^`[`FILTER_BITS`] bits.
    pub fn new(hashes: impl IntoIterator<Item = u64>) -> Filter {
        Filter::sized(hashes, FILTER_BITS)
    }

    /// The filter of the words of hashes `hashes`, of `2^bits` bits (6 to 30).
    pub fn sized(hashes: impl IntoIterator<Item = u64>, bits: u32) -> Filter {
        let mut hashes = hashes.into_iter().peekable();
        if hashes.peek().is_none() {
            return Filter::default();
        }
        let blocks = bits.clamp(6, 30) - 6;
        let mut bits = vec![0u64; 1 << blocks];
        for (block, mask) in hashes.map(|h| Filter::probe(h, blocks)) {
            bits[block] |= mask;
        }
        Filter { bits }
    }

    /// Whether the word of hash `h` may be in the set.
    #[inline]
    pub fn may_hold(&self, h: u64) -> bool {
        let (block, mask) = Filter::probe(h, self.bits.len().trailing_zeros());
        self.bits.get(block).is_some_and(|&w| w & mask == mask)
    }

    /// The block of hash `h` among `2^blocks` and the bits it sets there: its 32 bits mixed,
    /// so that neighbouring hashes spread, the block from the top bits (at most 24 of them),
    /// each bit from six below.
    #[inline]
    fn probe(h: u64, blocks: u32) -> (usize, u64) {
        let m = h.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let block = (m.checked_shr(64 - blocks).unwrap_or(0)) as usize;
        let mask = (0..FILTER_PROBES).fold(0u64, |acc, i| acc | 1 << ((m >> (26 + 6 * i)) & 63));
        (block, mask)
    }
}

/// Where each word of a list is: an open-addressing table of word numbers by [`hash`],
/// at most half full.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Places {
    /// word number + 1, 0 for an empty slot; a power of two long
    slots: Vec<u32>,
}

impl Places {
    /// The places of `n` words, `word(i)` giving word `i` (all distinct).
    pub fn new<'a>(n: usize, word: impl Fn(usize) -> &'a [u8]) -> Places {
        let size = (2 * n).next_power_of_two().max(2);
        let mut slots = vec![0u32; size];
        for i in 0..n {
            let mut s = hash(word(i)) as usize & (size - 1);
            while slots[s] != 0 {
                s = (s + 1) & (size - 1);
            }
            slots[s] = i as u32 + 1;
        }
        Places { slots }
    }

    /// The number of word `w`, `word(i)` giving word `i` as at construction.
    pub fn find<'a>(&self, w: &[u8], word: impl Fn(usize) -> &'a [u8]) -> Option<usize> {
        self.find_hashed(hash(w), w, word)
    }

    /// [`Places::find`] of a word whose [`hash`] is `h`.
    pub fn find_hashed<'a>(
        &self,
        h: u64,
        w: &[u8],
        word: impl Fn(usize) -> &'a [u8],
    ) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut s = h as usize & mask;
        loop {
            match self.slots[s] {
                0 => return None,
                i if word(i as usize - 1) == w => return Some(i as usize - 1),
                _ => s = (s + 1) & mask,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filed_words_are_found_under_their_keys_only() {
        let words = ["stupid", "idiot", "moron", "then", "than"];
        let mut keys = Vec::new();
        for (i, w) in words.iter().enumerate() {
            keys.push(hash(w.as_bytes()) << 32 | i as u64);
            keys.push(hash(&w.as_bytes()[1..]) << 32 | i as u64);
        }
        let f = Filed::new(keys);
        for (i, w) in words.iter().enumerate() {
            assert_eq!(f.get(w.as_bytes()).collect::<Vec<_>>(), vec![i], "{w}");
            assert!(f.get(&w.as_bytes()[1..]).any(|j| j == i), "{w}");
        }
        assert_eq!(f.get(b"nothing").count(), 0);
        assert_eq!(Filed::new(Vec::new()).get(b"stupid").count(), 0);
    }

    /// With its filter in front, a large index answers every key as a plain map of its
    /// entries does: all the words filed under a key, in order, and none for a key filed
    /// under nothing (tried for as many keys again).
    #[test]
    fn a_large_index_answers_as_a_plain_map() {
        let mut keys = Vec::new();
        let mut map: std::collections::HashMap<u64, Vec<usize>> = Default::default();
        for i in 0..60_000usize {
            // a word under two keys, and some keys under two words
            for k in [format!("k{i}"), format!("k{}", i / 2 + 100_000)] {
                let h = hash(k.as_bytes());
                keys.push(h << 32 | i as u64);
                map.entry(h).or_default().push(i);
            }
        }
        let f = Filed::new(keys);
        for i in 0..200_000usize {
            let k = format!("k{i}");
            let mut want = map.get(&hash(k.as_bytes())).cloned().unwrap_or_default();
            want.sort_unstable();
            want.dedup();
            assert_eq!(f.get(k.as_bytes()).collect::<Vec<_>>(), want, "{k}");
        }
    }

    #[test]
    fn places_find_every_word_and_nothing_else() {
        let words: Vec<String> = (0..1000).map(|i| format!("w{i}")).collect();
        let word = |i: usize| words[i].as_bytes();
        let p = Places::new(words.len(), word);
        for (i, w) in words.iter().enumerate() {
            assert_eq!(p.find(w.as_bytes(), word), Some(i));
        }
        assert_eq!(p.find(b"w1000", word), None);
        assert_eq!(Places::default().find(b"w1", word), None);
    }

    /// A filter holds every word of its set, and turns most others away: of 100,000 words
    /// outside a set of 50,000, fewer than one in twenty pass (of a set of 100,000, one in
    /// eight).
    #[test]
    fn a_filter_holds_its_words_and_few_others() {
        for (n, most) in [(50_000, 5_000), (100_000, 12_500)] {
            let inside: Vec<String> = (0..n).map(|i| format!("word{i}")).collect();
            let f = Filter::new(inside.iter().map(|w| hash(w.as_bytes())));
            assert!(inside.iter().all(|w| f.may_hold(hash(w.as_bytes()))));
            let passed = (0..100_000)
                .filter(|i| f.may_hold(hash(format!("other{i}").as_bytes())))
                .count();
            assert!(passed < most, "{passed} of 100,000 outside words passed");
        }
        assert!(!Filter::default().may_hold(hash(b"word1")));
    }
}
