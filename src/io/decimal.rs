//! Numbers with six decimals, as CSV and TSV output writes scores: the same text as
//! `format!("{v:.6}")`, without its general-purpose digit generation for the common case.

use std::fmt::Write as _;

/// Appends `v` with six decimals to `out`, exactly as `write!(out, "{v:.6}")` does.
///
/// A non-negative `v` below 10^9 is scaled by 10^6 and rounded to an integer: the product's
/// rounding error is below 10^-6 units, so the integer is the correctly rounded one unless the
/// product lies that close to a half, where (and for every other value) the standard
/// formatter decides.
#[inline]
pub fn push_fixed6(out: &mut String, v: f64) {
    if v.is_sign_positive() && v < 1e9 {
        let y = v * 1e6;
        let frac = y - y.floor();
        if (frac - 0.5).abs() > 1e-6 {
            let r = y.round() as u64;
            let (int, dec) = (r / 1_000_000, r % 1_000_000);
            let _ = write!(out, "{int}.");
            let mut digits = [b'0'; 6];
            let mut d = dec;
            for slot in digits.iter_mut().rev() {
                *slot = b'0' + (d % 10) as u8;
                d /= 10;
            }
            // six ASCII digits
            out.extend(digits.iter().map(|&b| b as char));
            return;
        }
    }
    let _ = write!(out, "{v:.6}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(v: f64) {
        let mut fast = String::new();
        push_fixed6(&mut fast, v);
        assert_eq!(fast, format!("{v:.6}"), "{v:e}");
    }

    #[test]
    fn same_text_as_the_standard_formatter() {
        for v in [
            0.0,
            -0.0,
            1.0,
            0.5,
            0.0000005,
            0.0000015,
            0.0000025,
            0.1234565,
            0.9999995,
            0.99999949999,
            0.3,
            1e-300,
            5e-324,
            999_999_999.9999995,
            1e9,
            1e20,
            -0.25,
            -1e-9,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            123.456789012,
        ] {
            check(v);
        }
        // probabilities, and values a hair either side of every kind of tie
        let mut s = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..200_000 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let p = (s >> 11) as f64 / (1u64 << 53) as f64;
            check(p);
            check(p * 1000.0);
            let tie = ((s % 2_000_000) as f64 + 0.5) / 1e6;
            for t in [tie, tie.next_up(), tie.next_down()] {
                check(t);
            }
        }
    }
}
