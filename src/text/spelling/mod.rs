//! Spelling correction from the training data's own words: a word the training comments never
//! used (often enough) becomes the most frequent training word one typo away — a letter
//! dropped, added, struck for another, or two neighbours swapped — so `stpuid`, `stupd`,
//! `stuppid` and `stupud` are read as `stupid` whatever the word, with no word list.
//!
//! The index is SymSpell's (Garbe): every dictionary word is filed under itself and under
//! each of its one-letter deletions; a word one edit from a dictionary word shares one of
//! those keys with it, so a lookup is a search per key of the unknown word (its own length
//! plus one: `index.rs`), then an exact check of the few candidates.
//!
//! The revised rules (revision 1 and later, what `--spell` trains with since they exist) go
//! further. A word with no training word one edit away becomes the most frequent one with its
//! sound key (`keys.rs`: the consonant skeleton after `ph` → `f`, `ck` → `k`, …), so
//! respellings of two edits or more (`phuck`, `stoopid`, a word without its vowels) are read
//! as the word too. And a word the training comments used is corrected into a word one edit
//! away used [`COMMONER`] times as often: their own typos (`thry`) and respellings (`fuk`),
//! used once or twice, are read as the word thousands of comments used.
//!
//! Revision 2 reads the word likeliest meant rather than the commonest, by a noisy channel in
//! ranks (`Speller::likeliest`): a slip of the keyboard (a letter dropped, added, swapped,
//! or struck for its neighbour key: `edits.rs`) before a word that sounds the same, before a
//! letter struck for an unrelated one, the commonest within a rank. `thrn` is `then`, not the
//! commoner `than`; `swit` is `sweet`, not `shit`. A word the training comments used may
//! also become a far commoner sound-alike (`skool`).
//!
//! Revision 3 keeps a sound-alike only when it is also near in letters (two edits, or the
//! word with letters left out: `stpd`), and corrects a word the comments used only by a slip:
//! a vocabulary pooled from many sources and languages holds, for most rare words, some
//! common word with the same consonants (`heavy` and `have`).

mod edits;
mod index;

use super::keys::sound_key;
use edits::{for_deletions, likely_slip, one_edit, respelling};
use index::{hash, Filed, Filter, Places};
use std::collections::HashMap;

/// Words shorter than this are never offered as corrections: one typo away from a short word
/// are dozens of others ("hte" is "the", "he" and "hate"). A word one letter shorter may be
/// corrected, by a letter added ("ths" is "this": a dropped letter).
pub const MIN_LEN: usize = 4;
/// A training word used at least this often is known: the first rules never correct it (the
/// revised ones only into a far commoner word, [`COMMONER`]). Every word the training
/// comments used: correcting their own rare words into common ones cost clean ROC-AUC
/// (0.0035 on a split of OLID at 2, nothing at 1).
pub const KNOWN_COUNT: u32 = 1;
/// Under the revised rules, a word the training comments used is corrected into a word one edit
/// away used at least this many times as often. Chosen on dev splits of OLID, Kaggle insults
/// and Davidson (every long word disguised): at 200 clean ROC-AUC was unchanged, and the
/// sound-alikes' drop fell from 0.028 to 0.015 on OLID; at 100 and 50 OLID lost 0.001 clean.
pub const COMMONER: u32 = 200;
/// A correction must be a word used at least this often in training (from revision 4;
/// [`FIRST_TARGET_COUNT`] before). Chosen on dev splits of the bench's training rows (OLID,
/// Kaggle insults, Fox News, Davidson; `bench/attack_dev.py`): a word a small site's comments
/// used twice is a word its readers write, and a typo of it was left as it was.
pub const TARGET_COUNT: u32 = 2;
/// [`TARGET_COUNT`] under the rules of revisions 0 to 3.
pub const FIRST_TARGET_COUNT: u32 = 5;

/// How often a correction target was used, at least, under the rules of `revision`.
pub fn target_count(revision: u8) -> u32 {
    match revision {
        0..=3 => FIRST_TARGET_COUNT,
        _ => TARGET_COUNT,
    }
}
/// From spelling revision 6, a word used fewer times than this may be a piece of a split
/// word ([`Speller::piece`]), and [`PIECE_RATIO`] decides. Chosen with [`PIECE_RATIO`] on dev
/// splits of the training rows (`bench/attack_dev.py`, with and without `--pooled`): in the
/// pooled vocabulary of the shipped model the pieces of a split word are mostly words it
/// saw a few times (`peo`, `bec`, `fuc`), which the first rule (a word used once at most)
/// left unread.
pub const PIECE_COUNT: u32 = 64;
/// From spelling revision 6, a split word's rarer piece is used at most 1/this as often as
/// the word ([`Speller::split`]).
pub const PIECE_RATIO: u32 = 2;
/// The first spelling revision of [`PIECE_COUNT`] and [`PIECE_RATIO`].
pub const RATIO_REVISION: u8 = 6;
/// The first spelling revision that counts two-letter words too ([`counted`]), so that a
/// word split into two-letter halves (`th at`, `ha ve`) joins by the rule of longer pieces.
pub const SHORT_REVISION: u8 = 7;
/// Longest word corrected or indexed, in bytes.
pub const MAX_LEN: usize = 24;

/// The training words and their index.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Speller {
    /// known words (used at least [`KNOWN_COUNT`] times), sorted, back to back: word `i`
    /// ends at `ends[i]`
    text: String,
    ends: Vec<u32>,
    counts: Vec<u32>,
    /// where each known word is
    places: Places,
    /// every correction target under itself and each of its deletions
    keys: Filed,
    /// every correction target under its sound key; empty under the first rules
    sounds: Filed,
    /// as `keys`, the targets used [`COMMONER`] times or more: all a known word may become
    /// from revision 3, by a slip
    frequent: Filed,
    /// the correction targets' [`Filter`]: [`Speller::common`], asked of every word beside a
    /// possible piece of a split word and of every disguised word, mostly of words that are
    /// not, is answered in cache for most of those
    targets: Filter,
    /// which rules apply ([`Speller::new`])
    revision: u8,
    /// how often a correction target was used, at least ([`target_count`] of `revision`,
    /// held for [`Speller::common`], which deobfuscation asks of every disguised word)
    target: u32,
    /// the largest count of a correction target
    top: u32,
}

/// Whether `w` is a word the speller reads: ASCII letters only, one letter shorter than
/// [`MIN_LEN`] (such a word is known or corrected, never a correction) up to [`MAX_LEN`].
pub fn eligible(w: &str) -> bool {
    (MIN_LEN - 1..=MAX_LEN).contains(&w.len()) && lowercase(w)
}

/// Whether `w` is ASCII lowercase letters only.
fn lowercase(w: &str) -> bool {
    w.bytes().all(|b| b.is_ascii_lowercase())
}

/// Whether the speller of `revision` counts `w`: an [`eligible`] word, and from
/// [`SHORT_REVISION`] one of two ASCII letters as well (known, and a piece of a split word
/// when rare, never corrected nor a correction).
pub fn counted(w: &str, revision: u8) -> bool {
    eligible(w) || (revision >= SHORT_REVISION && w.len() == MIN_LEN - 2 && lowercase(w))
}

impl Speller {
    /// From word counts (any order, a word at most once): the known words and their index,
    /// under the rules of `revision` ([`TextConfig::spell_revision`]): from 1, also by
    /// sound, and correcting the words the training comments used rarely; from 4, into
    /// words used [`TARGET_COUNT`] times.
    ///
    /// [`TextConfig::spell_revision`]: super::TextConfig::spell_revision
    pub fn new(counts: impl IntoIterator<Item = (String, u32)>, revision: u8) -> Speller {
        let mut words: Vec<(String, u32)> = counts
            .into_iter()
            .filter(|(w, c)| *c >= KNOWN_COUNT && counted(w, revision))
            .collect();
        words.sort_unstable();
        words.dedup_by(|a, b| a.0 == b.0);
        Speller::from_sorted(words.iter().map(|(w, c)| (w.as_str(), *c)), revision)
            .unwrap_or_else(|| Speller::indexed(Speller::default(), revision))
    }

    /// From known words in strictly increasing order with their counts (as a model file
    /// stores them), without sorting them again, under the rules of `revision`; `None` when
    /// they are not in that order or not all [`counted`] by `revision`.
    pub fn from_sorted<'a>(
        words: impl IntoIterator<Item = (&'a str, u32)>,
        revision: u8,
    ) -> Option<Speller> {
        let mut s = Speller::default();
        for (w, c) in words {
            let previous = s
                .ends
                .last()
                .map(|&e| &s.text[s.start(s.ends.len() - 1)..e as usize]);
            if !counted(w, revision) || c < KNOWN_COUNT || previous.is_some_and(|p| p >= w) {
                return None;
            }
            s.text.push_str(w);
            s.ends.push(s.text.len() as u32);
            s.counts.push(c);
        }
        s.places = Places::new(s.ends.len(), |i| s.word(i).as_bytes());
        Some(Speller::indexed(s, revision))
    }

    /// `s`'s correction targets filed under the rules of `revision`.
    fn indexed(mut s: Speller, revision: u8) -> Speller {
        s.revision = revision;
        s.target = target_count(revision);
        let targets: Vec<usize> = (0..s.ends.len())
            .filter(|&i| s.counts[i] >= s.target && s.word(i).len() >= MIN_LEN)
            .collect();
        s.targets = Filter::new(targets.iter().map(|&i| hash(s.word(i).as_bytes())));
        let file = |among: &mut dyn Iterator<Item = &usize>| {
            let mut buf = Vec::with_capacity(MAX_LEN);
            let mut keys = Vec::new();
            for &i in among {
                let w = s.word(i).as_bytes();
                keys.push(hash(w) << 32 | i as u64);
                for_deletions(w, &mut buf, |k| keys.push(hash(k) << 32 | i as u64));
            }
            Filed::new(keys)
        };
        if revision == 0 {
            let keys = file(&mut targets.iter());
            return Speller { keys, ..s };
        }
        let top = targets.iter().map(|&i| s.counts[i]).max().unwrap_or(0);
        let sounds = || {
            let keys = targets.iter().filter_map(|&i| {
                let key = sound(s.word(i));
                (!key.is_empty()).then(|| hash(key.as_bytes()) << 32 | i as u64)
            });
            Filed::new(keys.collect())
        };
        let frequent = || file(&mut targets.iter().filter(|&&i| s.counts[i] >= COMMONER));
        // the three indexes are built side by side
        let (keys, (frequent, sounds)) = rayon::join(
            || file(&mut targets.iter()),
            || rayon::join(frequent, sounds),
        );
        Speller {
            keys,
            frequent,
            sounds,
            top,
            ..s
        }
    }

    /// Whether word `i` is a better correction than word `b`: more frequent, or as frequent
    /// and first in alphabetical order.
    fn before(&self, i: usize, b: usize) -> bool {
        let (c, cb) = (self.counts[i], self.counts[b]);
        c > cb || (c == cb && i < b)
    }

    fn start(&self, i: usize) -> usize {
        if i == 0 {
            0
        } else {
            self.ends[i - 1] as usize
        }
    }

    fn word(&self, i: usize) -> &str {
        &self.text[self.start(i)..self.ends[i] as usize]
    }

    /// Counts the words of an iterator of words that the speller of `revision` counts
    /// ([`counted`]).
    pub fn count<'a>(
        words: impl IntoIterator<Item = &'a str>,
        revision: u8,
        into: &mut HashMap<String, u32>,
    ) {
        for w in words.into_iter().filter(|w| counted(w, revision)) {
            match into.get_mut(w) {
                Some(c) => *c += 1,
                None => {
                    into.insert(w.to_string(), 1);
                }
            }
        }
    }

    /// The known words with their counts, in order (what a model file stores).
    pub fn words(&self) -> impl Iterator<Item = (&str, u32)> {
        (0..self.ends.len()).map(|i| (self.word(i), self.counts[i]))
    }

    /// How many known words there are.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Whether `w` is a known word.
    pub fn knows(&self, w: &str) -> bool {
        self.position(w).is_some()
    }

    /// Whether `w` may be a piece of a word split by a space (`stu pid`): a word the speller
    /// reads ([`eligible`]; from [`SHORT_REVISION`], [`counted`]: `th`) that the training
    /// comments used less often than a correction target ([`target_count`]: never, or
    /// once), or, from revision [`RATIO_REVISION`], less than [`PIECE_COUNT`] times.
    pub fn piece(&self, w: &str) -> bool {
        let under = match self.revision >= RATIO_REVISION {
            true => PIECE_COUNT,
            false => self.target,
        };
        counted(w, self.revision) && self.position(w).is_none_or(|i| self.counts[i] < under)
    }

    /// Whether `a b` is the common word `whole` (`a` and `b` written together) split by a
    /// space, one of them a [`Speller::piece`]: `whole` is [`Speller::common`], and, from
    /// revision [`RATIO_REVISION`], the rarer piece the speller reads was used less than a
    /// correction target or at most 1/[`PIECE_RATIO`] as often as `whole` (`peo ple`, `bec
    /// ause`; not `some thing`, `any one`, where both are words of their own). From
    /// [`SHORT_REVISION`] a piece of two letters counts too (`th at`; not `in to`).
    pub fn split(&self, a: &str, b: &str, whole: &str) -> bool {
        let Some(used) = self.target_count_of(whole) else {
            return false;
        };
        if self.revision < RATIO_REVISION {
            return true;
        }
        let count = |w: &str| self.position(w).map_or(0, |i| self.counts[i]);
        let rarer = [a, b]
            .into_iter()
            .filter(|p| counted(p, self.revision))
            .map(count)
            .min();
        rarer.is_some_and(|c| c < self.target || used >= PIECE_RATIO.saturating_mul(c))
    }

    /// Whether `w` is a word a correction may become ([`MIN_LEN`] letters or more, used
    /// [`target_count`] times or more): deobfuscation reads a disguised word (`1d10t`,
    /// `i d i o t`) as such a word, as it reads the lexicon's.
    pub fn common(&self, w: &str) -> bool {
        self.target_count_of(w).is_some()
    }

    /// How often the training comments used `w`, when it is a correction target
    /// ([`Speller::common`]); asks the cached [`Filter`] first, as most words asked are not.
    fn target_count_of(&self, w: &str) -> Option<u32> {
        if w.len() < MIN_LEN {
            return None;
        }
        let h = hash(w.as_bytes());
        if !self.targets.may_hold(h) {
            return None;
        }
        let i = self
            .places
            .find_hashed(h, w.as_bytes(), |i| self.word(i).as_bytes())?;
        (self.counts[i] >= self.target).then_some(self.counts[i])
    }

    fn position(&self, w: &str) -> Option<usize> {
        self.places.find(w.as_bytes(), |i| self.word(i).as_bytes())
    }

    /// The correction of `w`: the most frequent correction target one edit away (ties: the
    /// first in alphabetical order); `None` when `w` is known, not eligible, or has none.
    /// Under the revised rules, a word with none one edit away takes the most frequent
    /// target with its sound key, and a known word is corrected too, into a target one edit
    /// away used [`COMMONER`] times as often. From revision 2 the candidates one edit away
    /// and those sounding the same are ranked by how likely the typo is (`likeliest`).
    pub fn correct(&self, w: &str) -> Option<&str> {
        if !eligible(w) {
            return None;
        }
        let own = self.position(w).map(|i| self.counts[i]);
        if own.is_some_and(|c| self.revision == 0 || COMMONER.saturating_mul(c) > self.top) {
            return None;
        }
        if self.revision >= 2 {
            return self.likeliest(w, own).map(|i| self.word(i));
        }
        let short = w.len() < MIN_LEN;
        let mut best: Option<usize> = None;
        let mut consider = |key: &[u8]| {
            for i in self.keys.get(key) {
                if one_edit(w.as_bytes(), self.word(i).as_bytes())
                    && best.is_none_or(|b| self.before(i, b))
                {
                    best = Some(i);
                }
            }
        };
        consider(w.as_bytes());
        if !short {
            let mut buf = Vec::with_capacity(MAX_LEN);
            for_deletions(w.as_bytes(), &mut buf, &mut consider);
        }
        match own {
            Some(c) => best.filter(|&b| self.counts[b] >= COMMONER.saturating_mul(c)),
            None => best.or_else(|| self.sounds_like(w)),
        }
        .map(|i| self.word(i))
    }

    /// From revision 2, the target `w` was likeliest meant as, by a noisy channel in ranks:
    /// one a likely slip away ([`likely_slip`]: not a letter struck for an unrelated one);
    /// then one sounding the same; then one any edit away. Within a rank the most frequent
    /// wins (ties: the first in alphabetical order). A word the training comments used
    /// (`own` times) is corrected only into a target used [`COMMONER`] times as often.
    ///
    /// Revision 3 asks more of the evidence, where the pooled training words of many
    /// sources and languages offered far-fetched readings (`heavy` as `have`, `mitch` as
    /// `bitch`, `bikes` as `because`): a sound-alike must also be a [`respelling`] (near in
    /// letters, or the word with letters left out), and a word the comments used is read as
    /// another only by a slip.
    fn likeliest(&self, w: &str, own: Option<u32>) -> Option<usize> {
        let floor = own.map_or(0, |c| COMMONER.saturating_mul(c));
        let b = w.as_bytes();
        // from revision 3 a known word becomes only a target a slip away and used COMMONER
        // times as often: one edit away, so filed under a key of its, and in `frequent`
        let slips_only = self.revision >= 3 && own.is_some();
        let index = if slips_only {
            &self.frequent
        } else {
            &self.keys
        };
        let key = if slips_only { String::new() } else { sound(w) };
        let (mut best, mut other): (Option<(u8, usize)>, String) = (None, String::new());
        let mut consider = |i: usize| {
            if self.counts[i] < floor {
                return;
            }
            let v = self.word(i).as_bytes();
            let alike = !key.is_empty() && {
                other.clear();
                sound_key(self.word(i), &mut other);
                other == key && (self.revision < 3 || respelling(b, v))
            };
            let rank = match (one_edit(b, v), alike) {
                (true, _) if likely_slip(b, v) => 0,
                (_, true) => 1,
                (true, false) => 2,
                // a hash collision
                (false, false) => return,
            };
            if slips_only && rank > 0 {
                return;
            }
            if best.is_none_or(|(r, j)| rank < r || (rank == r && self.before(i, j))) {
                best = Some((rank, i));
            }
        };
        index.get(b).for_each(&mut consider);
        if w.len() >= MIN_LEN {
            let mut buf = Vec::with_capacity(MAX_LEN);
            for_deletions(b, &mut buf, |k| index.get(k).for_each(&mut consider));
        }
        if !key.is_empty() {
            self.sounds.get(key.as_bytes()).for_each(&mut consider);
        }
        best.map(|(_, i)| i)
    }

    /// The most frequent correction target with the sound key of `w` (ties: the first in
    /// alphabetical order); `None` under the first rules.
    fn sounds_like(&self, w: &str) -> Option<usize> {
        if self.sounds.is_empty() {
            return None;
        }
        let key = sound(w);
        if key.is_empty() {
            return None;
        }
        let (mut best, mut other) = (None, String::new());
        for i in self.sounds.get(key.as_bytes()) {
            other.clear();
            sound_key(self.word(i), &mut other);
            if other == key && best.is_none_or(|b| self.before(i, b)) {
                best = Some(i);
            }
        }
        best
    }
}

/// The sound key of `w` ([`sound_key`]), empty for a word too short to have one.
fn sound(w: &str) -> String {
    let mut k = String::new();
    sound_key(w, &mut k);
    k
}

#[cfg(test)]
mod tests;
