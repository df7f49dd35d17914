//! MurmurHash3 (x86, 32-bit), the specified hash behind every feature bucket. Its values are
//! pinned by tests: a model trained today scores the same with any later gavel.

/// MurmurHash3_x86_32 of `data` with `seed` (Austin Appleby's reference algorithm).
pub fn murmur3_32(data: &[u8], seed: u32) -> u32 {
    const C1: u32 = 0xcc9e_2d51;
    const C2: u32 = 0x1b87_3593;
    let mut h = seed;
    let mut chunks = data.chunks_exact(4);
    for c in &mut chunks {
        let mut k = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        k = k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        h ^= k;
        h = h.rotate_left(13).wrapping_mul(5).wrapping_add(0xe654_6b64);
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        let mut k: u32 = 0;
        for (i, &b) in tail.iter().enumerate() {
            k |= (b as u32) << (8 * i);
        }
        k = k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        h ^= k;
    }
    h ^= data.len() as u32;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^= h >> 16;
    h
}

/// Seeds of the two n-gram families, so that the word "ab" and the char gram "ab" differ.
pub const WORD_SEED: u32 = 0x6761_7631; // "gav1"
pub const CHAR_SEED: u32 = 0x6761_7632; // "gav2"

/// Bucket and sign of one n-gram in a space of `2^bits` buckets: [`signed_bucket`], unpacked.
///
/// The space is split in two halves: word n-grams hash into `[0, 2^(bits-1))`, char n-grams
/// into `[2^(bits-1), 2^bits)`, so each family can be normalised on its own. The sign is the
/// hash's top bit, as in scikit-learn's `alternate_sign`, so collisions cancel on average.
#[inline]
pub fn bucket(gram: &[u8], is_char: bool, bits: u32) -> (u32, f32) {
    let s = signed_bucket(gram, is_char, bits);
    (key_of(s), sign_of(s) as f32)
}

/// The top bit of a [`Signed`] n-gram: set when its sign is −1.
pub const NEG: u32 = 1 << 31;

/// An n-gram's bucket (or feature column) and sign in one `u32`: the key below
/// 2^26 (the most buckets a model has), the sign in [`NEG`]. Half the size of a
/// `(u32, f32)` pair, so a text's gathered n-grams and the word memo move half the bytes.
pub type Signed = u32;

/// An n-gram's bucket (see [`bucket`]) and sign as a [`Signed`].
#[inline]
pub fn signed_bucket(gram: &[u8], is_char: bool, bits: u32) -> Signed {
    let seed = if is_char { CHAR_SEED } else { WORD_SEED };
    let h = murmur3_32(gram, seed);
    let half = 1u32 << (bits - 1);
    (h & (half - 1)) | if is_char { half } else { 0 } | (h & NEG)
}

/// The key of a [`Signed`].
#[inline(always)]
pub fn key_of(s: Signed) -> u32 {
    s & !NEG
}

/// The sign of a [`Signed`], ±1.
#[inline(always)]
pub fn sign_of(s: Signed) -> i16 {
    1 - 2 * (s >> 31) as i16
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The packed form carries the bucket (the hash's low bits, in its family's half) and
    /// the sign (the hash's top bit).
    #[test]
    fn signed_buckets_pack_bucket_and_sign() {
        for g in ["idiot", "a", "", "नमस्ते", "<ab", "zz>"] {
            for (is_char, bits) in [(false, 8), (true, 20), (false, 26), (true, 26)] {
                let h = murmur3_32(g.as_bytes(), if is_char { CHAR_SEED } else { WORD_SEED });
                let half = 1u32 << (bits - 1);
                let b = (h & (half - 1)) + if is_char { half } else { 0 };
                let sign = if h >> 31 == 1 { -1.0 } else { 1.0 };
                let s = signed_bucket(g.as_bytes(), is_char, bits);
                assert_eq!((key_of(s), sign_of(s) as f32), (b, sign), "{g} {bits}");
            }
        }
        assert_eq!(sign_of(NEG | 5), -1);
        assert_eq!(sign_of(5), 1);
    }

    #[test]
    fn murmur3_reference_vectors() {
        // Published MurmurHash3_x86_32 test vectors (SMHasher / scikit-learn's murmurhash3_32).
        assert_eq!(murmur3_32(b"", 0), 0);
        assert_eq!(murmur3_32(b"", 1), 0x514e_28b7);
        assert_eq!(murmur3_32(b"", 0xffff_ffff), 0x81f1_6f39);
        assert_eq!(murmur3_32(b"\0\0\0\0", 0), 0x2362_f9de);
        assert_eq!(murmur3_32(b"aaaa", 0x9747_b28c), 0x5a97_808a);
        assert_eq!(murmur3_32(b"abc", 0), 0xb3dd_93fa);
        assert_eq!(
            murmur3_32(b"The quick brown fox jumps over the lazy dog", 0x9747_b28c),
            0x2fa8_26cd
        );
    }

    #[test]
    fn buckets_are_pinned_and_in_range() {
        // If these change, every shipped model scores differently: never change them.
        let (b, s) = bucket(b"idiot", false, 20);
        let (bc, _) = bucket(b"idiot", true, 20);
        assert!(b < 1 << 19);
        assert!((1 << 19..1 << 20).contains(&bc));
        assert_eq!((b, s), (PINNED_WORD.0, PINNED_WORD.1));
        assert_eq!(bc, PINNED_CHAR);
    }

    const PINNED_WORD: (u32, f32) = (388993, -1.0);
    const PINNED_CHAR: u32 = 993582;
}
