//! Runs of split letters (`s t u p i d i d i o t`) read as the words they spell.

use super::word_of;

/// Longest run of split letters read as several words.
const MAX_SEGMENTED: usize = 64;

/// `letters` (ASCII) read as words: the split into words that [`word_of`] reads (two letters
/// or more) and single letters left as they are, with the fewest letters left and then the
/// fewest pieces (ties: the first split found); `None` when no word is found, or past
/// [`MAX_SEGMENTED`] letters.
pub(super) fn segment(letters: &str, known: &dyn Fn(&str) -> bool) -> Option<Vec<String>> {
    let n = letters.len();
    if n > MAX_SEGMENTED || !letters.is_ascii() {
        return None;
    }
    // best[j]: (letters left, pieces) for letters[..j], the start of its last piece, and
    // that piece as read
    type Best = Option<((usize, usize), usize, String)>;
    let mut best: Vec<Best> = vec![None; n + 1];
    best[0] = Some(((0, 0), 0, String::new()));
    for j in 1..=n {
        for start in j.saturating_sub(crate::text::spelling::MAX_LEN)..j {
            let Some((left, pieces)) = best[start].as_ref().map(|b| b.0) else {
                continue;
            };
            let piece = match j - start {
                1 => Some(((left + 1, pieces + 1), letters[start..j].to_string())),
                _ => word_of(&letters[start..j], known).map(|w| ((left, pieces + 1), w)),
            };
            if let Some((cost, w)) = piece {
                if best[j].as_ref().is_none_or(|b| cost < b.0) {
                    best[j] = Some((cost, start, w));
                }
            }
        }
    }
    if best[n].as_ref().is_none_or(|b| b.0 .0 == n) {
        return None; // no word in it
    }
    let mut words = Vec::new();
    let mut j = n;
    while j > 0 {
        let (_, start, w) = best[j].take()?;
        words.push(w);
        j = start;
    }
    words.reverse();
    Some(words)
}
