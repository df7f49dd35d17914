//! Hash bucket → feature column, for every n-gram a text has. Two layouts with the same
//! answers: an array indexed by bucket (one load), or, where the kept buckets are a small
//! share of the space, an open-addressing table of the kept buckets alone. A model of 2^24
//! buckets keeps a few hundred thousand: its array would be 64 MB, its table 2–4 MB. So many
//! buckets make it rare for an n-gram never seen in training (a typo, a disguise) to land on
//! a trained column by collision, and the table keeps that from costing memory and load time.

use crate::error::{Error, Result};

/// The column of a bucket that was not kept.
pub const ABSENT: u32 = u32::MAX;

/// An empty slot of the table: no bucket reaches it (buckets are below 2^26).
const EMPTY: u32 = u32::MAX;

/// Bucket → column.
pub enum Lookup {
    /// indexed by bucket, [`ABSENT`] for a bucket not kept
    Array(Vec<u32>),
    /// `[bucket, column]` slots, a power of two of them, at most half full; linear probing
    /// from the bucket's hash
    Table { slots: Vec<[u32; 2]>, shift: u32 },
}

impl Lookup {
    /// The lookup of `buckets` (column `c` is `buckets[c]`) in a space of `2^bits`, in the
    /// layout that takes less memory (the table only if it takes at most half the array's).
    /// Errors name a bucket outside the space or listed twice.
    pub fn new(buckets: &[u32], bits: u32) -> Result<Lookup> {
        let space = 1usize << bits;
        if let Some(&b) = buckets.iter().find(|&&b| b as usize >= space) {
            return Err(Error::Data(format!(
                "bucket {b} is outside 2^{bits} buckets"
            )));
        }
        let n_slots = (2 * buckets.len()).next_power_of_two().max(16);
        let twice = |b: u32| Error::Data(format!("bucket {b} is listed twice"));
        if n_slots * 8 > space * 4 / 2 {
            let mut lookup = Vec::with_capacity(space);
            crate::huge::advise(&mut lookup);
            lookup.resize(space, ABSENT);
            for (col, &b) in buckets.iter().enumerate() {
                let slot = &mut lookup[b as usize];
                if *slot != ABSENT {
                    return Err(twice(b));
                }
                *slot = col as u32;
            }
            return Ok(Lookup::Array(lookup));
        }
        let shift = 32 - n_slots.trailing_zeros();
        let mut slots = Vec::with_capacity(n_slots);
        crate::huge::advise(&mut slots);
        slots.resize(n_slots, [EMPTY, ABSENT]);
        let mask = n_slots - 1;
        for (col, &b) in buckets.iter().enumerate() {
            let mut i = home(b, shift);
            while slots[i][0] != EMPTY {
                if slots[i][0] == b {
                    return Err(twice(b));
                }
                i = (i + 1) & mask;
            }
            slots[i] = [b, col as u32];
        }
        Ok(Lookup::Table { slots, shift })
    }

    /// The column of `bucket`, [`ABSENT`] if it was not kept (or is outside the space).
    #[inline(always)]
    pub fn get(&self, bucket: u32) -> u32 {
        match self {
            Lookup::Array(a) => a.get(bucket as usize).copied().unwrap_or(ABSENT),
            Lookup::Table { slots, shift } => {
                let mask = slots.len() - 1;
                let mut i = home(bucket, *shift);
                loop {
                    let [b, c] = slots[i];
                    if b == bucket {
                        return c;
                    }
                    if b == EMPTY {
                        return ABSENT;
                    }
                    i = (i + 1) & mask;
                }
            }
        }
    }

    /// The column of `bucket`, if it was kept.
    #[inline(always)]
    pub fn column(&self, bucket: u32) -> Option<u32> {
        Some(self.get(bucket)).filter(|&c| c != ABSENT)
    }

    /// Bytes held.
    #[cfg(test)]
    pub fn bytes(&self) -> usize {
        match self {
            Lookup::Array(a) => a.len() * 4,
            Lookup::Table { slots, .. } => slots.len() * 8,
        }
    }
}

/// A bucket's first slot in a table of `2^(32 - shift)`: a multiplicative hash, as buckets of
/// kept n-grams are not spread evenly over the low bits (each family fills its own half).
#[inline(always)]
fn home(bucket: u32, shift: u32) -> usize {
    (bucket.wrapping_mul(0x9e37_79b1) >> shift) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both layouts answer every bucket of the space alike: its column if kept, else ABSENT.
    #[test]
    fn the_table_answers_as_the_array() {
        let bits = 16;
        // a sparse pick of buckets, in no order, from both halves of the space
        let buckets: Vec<u32> = (0..3000u32)
            .map(|i| (i * 7919 + 13) % (1 << bits))
            .collect();
        let table = Lookup::new(&buckets, bits).unwrap();
        assert!(
            matches!(table, Lookup::Table { .. }),
            "3,000 of 65,536 is sparse"
        );
        assert!(table.bytes() < (1 << bits) * 4 / 2);
        let mut array = vec![ABSENT; 1 << bits];
        for (c, &b) in buckets.iter().enumerate() {
            array[b as usize] = c as u32;
        }
        for b in 0..(1u32 << bits) {
            assert_eq!(table.get(b), array[b as usize], "bucket {b}");
        }
        assert_eq!(table.get(1 << bits), ABSENT);
    }

    /// A dense pick keeps the array, which also answers buckets past the space.
    #[test]
    fn a_dense_pick_keeps_the_array() {
        let buckets: Vec<u32> = (0..200).rev().collect();
        let l = Lookup::new(&buckets, 8).unwrap();
        assert!(matches!(l, Lookup::Array(_)));
        assert_eq!(l.get(0), 199);
        assert_eq!(l.get(250), ABSENT);
        assert_eq!(l.get(1 << 20), ABSENT);
    }

    /// A vectorizer of 2^24 buckets fitted on a few texts holds a table of a few KB, not an
    /// array of 64 MB, and vectorizes as it was fitted.
    #[test]
    fn a_model_of_many_buckets_holds_a_small_table() {
        use crate::features::{FeatureConfig, Vectorizer};
        use crate::text::TextConfig;
        let texts = ["you are an idiot", "what a lovely day", "the talks resume"];
        let config = FeatureConfig {
            bits: 24,
            ..FeatureConfig::default()
        };
        let (v, m) = Vectorizer::fit(TextConfig::default(), config, &texts).unwrap();
        assert!(matches!(v.lookup, Lookup::Table { .. }));
        assert!(v.lookup.bytes() < 64 << 10, "{} bytes", v.lookup.bytes());
        crate::features::vectorizer::tests::assert_same_rows(&v.transform_batch(&texts), &m);
        for (c, &b) in v.buckets().iter().enumerate() {
            assert_eq!(v.column_of(b), Some(c as u32));
        }
    }

    /// A bucket outside the space or listed twice is an error in either layout.
    #[test]
    fn bad_bucket_lists_are_refused() {
        for bits in [8, 20] {
            let e = Lookup::new(&[1, 5, 1], bits).err().unwrap().to_string();
            assert!(e.contains("bucket 1 is listed twice"), "{e}");
            let e = Lookup::new(&[3, 1 << bits], bits)
                .err()
                .unwrap()
                .to_string();
            assert!(e.contains("outside 2^"), "{e}");
        }
    }
}
