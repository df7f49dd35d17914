//! What one typo is: the edits that turn a word into another.

/// Calls `f` with `w` less each one of its letters in turn (a doubled letter once).
pub fn for_deletions(w: &[u8], buf: &mut Vec<u8>, mut f: impl FnMut(&[u8])) {
    for i in 0..w.len() {
        if i > 0 && w[i] == w[i - 1] {
            continue;
        }
        buf.clear();
        buf.extend_from_slice(&w[..i]);
        buf.extend_from_slice(&w[i + 1..]);
        f(buf);
    }
}

/// Whether `a` and `b` differ by exactly one letter inserted, deleted or substituted, or by
/// two adjacent letters swapped.
pub fn one_edit(a: &[u8], b: &[u8]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let p = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    match long.len() - short.len() {
        0 if p == short.len() => false,
        0 => {
            short[p + 1..] == long[p + 1..]
                || (p + 1 < short.len()
                    && short[p] == long[p + 1]
                    && short[p + 1] == long[p]
                    && short[p + 2..] == long[p + 2..])
        }
        1 => short[p..] == long[p + 1..],
        _ => false,
    }
}

/// Whether `typo`, one edit from `word` ([`one_edit`]), is a slip people make: a letter
/// dropped, added, or swapped with its neighbour, or struck for a key beside it on a QWERTY
/// keyboard or for another vowel, rather than for an unrelated letter. Typists' confusion
/// counts (Kernighan, Church and Gale 1990) put most substitutions between keyboard
/// neighbours and between vowels, so an unrelated letter says the word meant is likelier
/// another one.
pub fn likely_slip(typo: &[u8], word: &[u8]) -> bool {
    if typo.len() != word.len() {
        return true;
    }
    let Some(p) = typo.iter().zip(word).position(|(a, b)| a != b) else {
        return false;
    };
    let swap = p + 1 < typo.len() && typo[p] == word[p + 1] && typo[p + 1] == word[p];
    swap || neighbours(typo[p], word[p])
}

/// Whether two letters' keys touch on a QWERTY keyboard: beside each other on a row, or on
/// neighbouring rows where the lower row's key sits under the upper one's or half a key to
/// its left (`r` touches `e`, `t`, `d` and `f`).
fn neighbours(a: u8, b: u8) -> bool {
    const ROWS: [&[u8]; 3] = [b"qwertyuiop", b"asdfghjkl", b"zxcvbnm"];
    let at = |x: u8| {
        ROWS.iter()
            .enumerate()
            .find_map(|(r, row)| row.iter().position(|&k| k == x).map(|c| (r, c)))
    };
    let (Some((ra, ca)), Some((rb, cb))) = (at(a), at(b)) else {
        return false;
    };
    let below = |(ru, cu): (usize, usize), (rl, cl): (usize, usize)| {
        rl == ru + 1 && (cl == cu || cl + 1 == cu)
    };
    (ra == rb && ca.abs_diff(cb) == 1) || below((ra, ca), (rb, cb)) || below((rb, cb), (ra, ca))
}

/// Whether `respelt`, sounding like `word` (the same sound key), is near enough in letters to
/// be a respelling of it: at most two edits away ([`within`]: `fone`, `stoopid`, `phuck`), or
/// `word` with letters left out (`stpd`, `fckng`: the vowels dropped). A consonant skeleton
/// is shared by words of no relation (`bikes` and `because`, `heavy` and `have`, `fetuses`
/// and `photos`), which no one mistypes for each other.
pub fn respelling(respelt: &[u8], word: &[u8]) -> bool {
    within(respelt, word, 2) || {
        let mut rest = word.iter();
        respelt.iter().all(|x| rest.any(|y| y == x))
    }
}

/// Whether `a` and `b` are at most `k` edits apart: letters inserted, deleted or substituted,
/// or two adjacent letters swapped, no letter edited twice (the optimal string alignment
/// distance). Quadratic in the words' lengths, which the speller bounds.
pub fn within(a: &[u8], b: &[u8], k: usize) -> bool {
    if a.len().abs_diff(b.len()) > k {
        return false;
    }
    // rows i-2, i-1 and i of the distance table, each b.len() + 1 long
    let m = b.len() + 1;
    let mut rows = vec![0usize; 3 * m];
    for (j, d) in rows[2 * m..].iter_mut().enumerate() {
        *d = j;
    }
    for i in 1..=a.len() {
        rows.copy_within(m..3 * m, 0);
        let (before, cur) = rows.split_at_mut(2 * m);
        let (two_up, up) = before.split_at(m);
        cur[0] = i;
        for j in 1..m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (up[j] + 1).min(cur[j - 1] + 1).min(up[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(two_up[j - 2] + 1);
            }
            cur[j] = d;
        }
    }
    rows[3 * m - 1] <= k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_touch_on_a_row_and_between_rows() {
        for (a, b) in [
            (b'r', b'e'),
            (b'r', b't'),
            (b'r', b'd'),
            (b'r', b'f'),
            (b's', b'z'),
        ] {
            assert!(
                neighbours(a, b) && neighbours(b, a),
                "{} {}",
                a as char,
                b as char
            );
        }
        for (a, b) in [(b'r', b'a'), (b'r', b'g'), (b'q', b'p'), (b'a', b'1')] {
            assert!(!neighbours(a, b), "{} {}", a as char, b as char);
        }
    }

    #[test]
    fn edit_distance_counts_swaps_as_one() {
        for (a, b, d) in [
            ("stupid", "stupid", 0),
            ("stpuid", "stupid", 1),
            ("stoopid", "stupid", 2),
            ("fone", "phone", 2),
            ("heavy", "have", 2),
            ("bikes", "because", 5),
            ("", "abc", 3),
            ("ca", "abc", 3),
        ] {
            for (x, y) in [(a, b), (b, a)] {
                assert!(within(x.as_bytes(), y.as_bytes(), d), "{x} {y} {d}");
                if d > 0 {
                    assert!(!within(x.as_bytes(), y.as_bytes(), d - 1), "{x} {y} {d}");
                }
            }
        }
    }

    #[test]
    fn a_respelling_is_near_in_letters_or_the_word_less_some() {
        for (respelt, word) in [
            ("fone", "phone"),
            ("stoopid", "stupid"),
            ("stpd", "stupid"),
            ("dsgstng", "disgusting"),
        ] {
            assert!(respelling(respelt.as_bytes(), word.as_bytes()), "{respelt}");
        }
        for (respelt, word) in [
            ("bikes", "because"),
            ("fetuses", "photos"),
            ("canyon", "china"),
        ] {
            assert!(
                !respelling(respelt.as_bytes(), word.as_bytes()),
                "{respelt}"
            );
        }
    }

    #[test]
    fn slips_are_keyboard_neighbours_and_dropped_added_or_swapped_letters() {
        for (typo, word) in [
            ("thrn", "then"),
            ("tehn", "then"),
            ("thn", "then"),
            ("theen", "then"),
        ] {
            assert!(likely_slip(typo.as_bytes(), word.as_bytes()), "{typo}");
        }
        // a letter struck for an unrelated one, or a vowel for another: not a slip
        for (typo, word) in [("thrn", "than"), ("thin", "then")] {
            assert!(!likely_slip(typo.as_bytes(), word.as_bytes()), "{typo}");
        }
    }
}
