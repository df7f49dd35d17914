//! Undoing obfuscation, on normalised text: Cyrillic and Greek look-alikes and accents inside
//! Latin words are folded always; leetspeak (`id1ot`, `a$$`), masks (`f*ck`, `sh#t`), letters
//! split by spaces or dots (`i d i o t`, `f.u.c.k`) and repeated letters (`stuuupid`) are
//! undone only when the result is a word of the abuse lexicon (`abuse_lexicon.txt`, with
//! common endings) or, for a model that corrects spelling, a common word of its training
//! comments (`known`), so ordinary text — numbers, names like `C3PO`, `2nd`, `mp3`, lists of
//! single letters — is never rewritten.

use super::lexicon::{leet, resolve, I_OR_L};
mod lookalike;
mod quick;
mod segment;
#[cfg(test)]
mod tests;

use lookalike::fold_latin;
use quick::needs_work;
use segment::segment;

/// Longest space-free run (bytes) that is read as a possibly disguised word; a longer one is
/// kept as written, so that a megabyte without a space costs no copies here.
const MAX_DISGUISED: usize = 1024;

/// The deobfuscated form of one whitespace-free token, if it is an obfuscated lexicon word.
/// Punctuation around the word is kept.
fn undo_token(tok: &str, known: &dyn Fn(&str) -> bool) -> Option<String> {
    let core = core_of(tok);
    if core.chars().count() < 2 || core.starts_with(['@', '#']) {
        return None; // a mention or hashtag, or too short to tell
    }
    let plain = core.chars().all(|c| c.is_alphabetic());
    let repeats = has_triple(core);
    if plain && !repeats {
        return None; // the common case
    }
    let mut cand = String::with_capacity(core.len());
    let mut letters = 0;
    for c in core.chars() {
        if c.is_alphabetic() {
            cand.push(c);
            letters += 1;
        } else if let Some(l) = leet(c) {
            cand.push(l);
        } else if matches!(c, '.' | '-' | '_') {
            continue; // f.u.c.k, f-u-c-k
        } else {
            return None;
        }
    }
    if letters < 1 {
        // no letter at all: a number or symbols (`1000`, `111007`), which may stand for
        // letters (`1000` as `loo`) but are read as written
        return None;
    }
    if cand == core {
        return if repeats { word_of(&cand, known) } else { None };
    }
    if cand.chars().count() < 3 {
        // two letters with a dot or mask between them are an abbreviation (`a.s`, the
        // honorific after a prophet's name in Roman Urdu; `u.s`), not a disguised word
        return None;
    }
    let word = word_of(&cand, known)?;
    let start = tok.find(core).unwrap_or(0);
    Some(format!(
        "{}{word}{}",
        &tok[..start],
        &tok[start + core.len()..]
    ))
}

/// The plain word a candidate spelling is: a lexicon word (with its ending), or a `known`
/// one.
fn word_of(cand: &str, known: &dyn Fn(&str) -> bool) -> Option<String> {
    resolve(cand).or_else(|| known_form(cand, known))
}

/// The one `known` word `cand` spells, reading each [`I_OR_L`] (at most three) as `i` or
/// `l`, a mask (`?`, at most one: 26 words to try, where two would make 676) as any letter,
/// and a letter written three times or more as once or twice; none when it spells two
/// (`th?se`: `these` and `those`) or none.
fn known_form(cand: &str, known: &dyn Fn(&str) -> bool) -> Option<String> {
    let ambiguous = cand.matches(I_OR_L).count();
    let masks = cand.matches('?').count();
    if ambiguous > 3 || masks > 1 {
        return None;
    }
    // each choice of letters as one number: two choices per I_OR_L, 26 for the mask
    let choices = (1u32 << ambiguous) * if masks == 1 { 26 } else { 1 };
    let triple = has_triple(cand);
    let mut found: Option<String> = None;
    let mut w = String::with_capacity(cand.len());
    for mut pick in 0..choices {
        w.clear();
        w.extend(cand.chars().map(|c| match c {
            I_OR_L => {
                let l = if pick & 1 == 1 { 'l' } else { 'i' };
                pick >>= 1;
                l
            }
            '?' => (b'a' + (pick % 26) as u8) as char,
            c => c,
        }));
        let squashed;
        let forms: &[&str] = match triple {
            true => {
                squashed = [squash_runs(&w, 1), squash_runs(&w, 2)];
                &[squashed[0].as_str(), squashed[1].as_str()]
            }
            false => &[w.as_str()],
        };
        for &f in forms {
            if known(f) && found.as_deref() != Some(f) {
                if found.is_some() {
                    return None; // two words: leave it
                }
                found = Some(f.to_string());
            }
        }
    }
    found
}

/// Deobfuscates normalised `text` into `out` (cleared first); `known` adds words of the
/// model's own to the lexicon's.
pub fn deobfuscate_into(text: &str, out: &mut String, known: &dyn Fn(&str) -> bool) {
    out.clear();
    if !needs_work(text) {
        out.push_str(text);
        return;
    }
    deobfuscate_full(text, out, known);
}

/// [`deobfuscate_into`] without the quick check; appends to `out`.
fn deobfuscate_full(text: &str, out: &mut String, known: &dyn Fn(&str) -> bool) {
    let mut folded = String::with_capacity(text.len());
    let toks: Vec<&str> = text.split(' ').collect();
    let mut i = 0;
    while i < toks.len() {
        // a run of 3+ single letters (or letters with dots): read as the words they spell
        let mut j = i;
        while j < toks.len() && is_single_letter(toks[j]) {
            j += 1;
        }
        if j - i >= 3 {
            for (a, b) in word_parts(&toks[i..j]) {
                if !read_run(&toks[i + a..i + b], out, known) {
                    for t in &toks[i + a..i + b] {
                        push_sep(out);
                        read_token(t, out, &mut folded, known);
                    }
                }
            }
            i = j;
            continue;
        }
        let t = toks[i];
        push_sep(out);
        i += 1;
        read_token(t, out, &mut folded, known);
    }
}

/// Reads one token into `out` (after its separator): as written when plain, else undone or
/// with a plain spelling beside it; `folded` is scratch space.
fn read_token(t: &str, out: &mut String, folded: &mut String, known: &dyn Fn(&str) -> bool) {
    if is_plain(t) || t.starts_with(['@', '#']) || t.len() > MAX_DISGUISED {
        // the common case, a plain word maybe with punctuation around; a mention or
        // hashtag, never rewritten; or a run far too long to be a disguised word
        out.push_str(t);
        return;
    }
    folded.clear();
    fold_latin(t, folded);
    match undo_token(folded, known) {
        Some(w) => out.push_str(&w),
        None => {
            out.push_str(folded);
            if let Some(v) = variant(folded) {
                out.push(' ');
                out.push_str(&v);
            }
        }
    }
}

/// A plain spelling of a disguised word that is not in the lexicon, to add beside it (the
/// word itself is kept, so `c3po` keeps its features): leetspeak, masks and dots between two
/// letters read as letters or dropped (`thr0w1ng` → `throwing`, `thr*wing` → `thrwing`,
/// `thro.wing` → `throwing`), and a letter repeated 3+ times read once (`throooowing` →
/// `throwing`). Mentions, hashtags, links and e-mail addresses get none.
fn variant(tok: &str) -> Option<String> {
    let core = core_of(tok);
    if core.starts_with(['@', '#']) || core.contains("://") || core.starts_with("www.") {
        return None;
    }
    if core.contains('@') && core.contains('.') {
        return None; // an e-mail address
    }
    if core.bytes().all(|b| b.is_ascii_alphabetic() || b >= 0x80) && !has_triple(core) {
        return None; // the common case: a plain word with punctuation around it
    }
    // each character with the ones before and after it, in one pass (no copy of the token)
    let windows = || {
        let mut prev = None;
        let mut rest = core.chars().peekable();
        std::iter::from_fn(move || {
            let c = rest.next()?;
            let w = (prev, c, rest.peek().copied());
            prev = Some(c);
            Some(w)
        })
    };
    let letter = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphabetic());
    let inner = |p: Option<char>, n: Option<char>| letter(p) && letter(n);
    // leetspeak once a digit or symbol sits between two letters; then also at the edges
    // (`l1b3r4l5`), so `mp3`, `4pm` and `covid19` get no spelling
    let leety = windows().any(|(p, c, n)| inner(p, n) && leet(c).is_some());
    let mut v = String::with_capacity(core.len());
    for (p, c, n) in windows() {
        if c.is_ascii_alphabetic() {
            v.push(c);
        } else if inner(p, n) && matches!(c, '*' | '#' | '.' | '-' | '_') {
            // a mask or a dot between letters: dropped
        } else if let (true, Some(l)) = (leety, leet(c)) {
            v.push(if l == I_OR_L { 'i' } else { l });
        } else {
            return None; // digits or symbols elsewhere: a number, a code, a name
        }
    }
    // every run of three or more of one letter read once; pairs are kept (`good` stays)
    let v = squash_runs(&v, 1);
    (v != core && v.chars().count() >= 3).then_some(v)
}

/// `s` with each letter written three times or more written `keep` times.
fn squash_runs(s: &str, keep: usize) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let mut run = 1;
        while chars.next_if_eq(&c).is_some() {
            run += 1;
        }
        for _ in 0..if run >= 3 { keep } else { run } {
            out.push(c);
        }
    }
    out
}

/// An ASCII word of letters (and inner apostrophes) with only punctuation around it and no
/// letter repeated three times: nothing to undo.
fn is_plain(t: &str) -> bool {
    let core = core_of(t);
    core.bytes().all(|c| c.is_ascii_lowercase() || c == b'\'') && !has_triple(core)
}

/// Punctuation that may stand around a word without being part of it.
fn is_edge(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | ';' | ':' | '?' | '"' | '\'' | '(' | ')' | '!'
    )
}

/// A token without the punctuation around it.
fn core_of(tok: &str) -> &str {
    tok.trim_matches(is_edge)
}

/// Whether some byte repeats three times in a row (`stuuupid`).
fn has_triple(s: &str) -> bool {
    s.as_bytes()
        .windows(3)
        .any(|w| w[0] == w[1] && w[1] == w[2])
}

fn push_sep(out: &mut String) {
    if !out.is_empty() {
        out.push(' ');
    }
}

/// Marks that may open a split letter (`"s t u p i d"`).
const OPENING: [char; 3] = ['"', '\'', '('];

/// `i`, `d.`, `s!` or `*`: one letter (or mask), maybe with a separator or punctuation after
/// it and an opening quote or bracket before it.
fn is_single_letter(t: &str) -> bool {
    let core = t.trim_start_matches(OPENING).trim_end_matches(closing);
    let mut cs = core.chars();
    match (cs.next(), cs.next()) {
        (Some(c), None) => c.is_alphabetic() || c == '*',
        _ => false,
    }
}

/// Whether `c` may follow a split letter: punctuation or a separator (`d,` `d.` `d-`).
fn closing(c: char) -> bool {
    is_edge(c) || c == '-' || c == '_'
}

/// The characters after a split letter's letter (`,` of `d,`).
fn tail_of(t: &str) -> &str {
    &t[t.trim_end_matches(closing).len()..]
}

/// A run of split letters cut where its punctuation ends a word (`m u r d e r e r s, c r i m e`
/// is two), as `(start, end)` token ranges; unless most of its letters carry the same mark,
/// which is then the disguise (`i. d. i. o. t.`), and the run is one part.
fn word_parts(toks: &[&str]) -> Vec<(usize, usize)> {
    let inner = &toks[..toks.len() - 1];
    let marked = inner.iter().filter(|t| !tail_of(t).is_empty()).count();
    if 2 * marked > inner.len() {
        return vec![(0, toks.len())];
    }
    let mut parts = Vec::new();
    let mut start = 0;
    for (k, t) in toks.iter().enumerate() {
        if k > start && t.starts_with(OPENING) {
            parts.push((start, k));
            start = k;
        }
        if !tail_of(t).is_empty() || k + 1 == toks.len() {
            parts.push((start, k + 1));
            start = k + 1;
        }
    }
    parts
}

/// Reads split letters (`toks`, one part of [`word_parts`]) as the words they spell, between
/// the first letter's opening mark and the last letter's punctuation; a stretch of 3+ letters
/// no word explains is kept with its joined form after it (`c i c e r o cicero black`).
/// `false` (nothing written) for fewer than two letters, or when no word is found and the
/// letters hold a mask.
fn read_run(toks: &[&str], out: &mut String, known: &dyn Fn(&str) -> bool) -> bool {
    if toks.len() < 2 {
        return false;
    }
    let (first, last) = (toks[0], toks[toks.len() - 1]);
    let joined: String = toks
        .iter()
        .flat_map(|t| t.chars().filter(|c| c.is_alphabetic()))
        .collect();
    let mut pieces: Vec<String> = Vec::new();
    if let Some(w) = word_of(&joined, known) {
        pieces.push(w);
    } else if let Some(words) = segment(&joined, known) {
        let mut stretch = String::new();
        for w in words {
            if w.chars().count() == 1 {
                stretch.push_str(&w);
            } else {
                push_stretch(&mut stretch, &mut pieces);
            }
            pieces.push(w);
        }
        push_stretch(&mut stretch, &mut pieces);
    } else if joined.chars().count() == toks.len()
        && joined.chars().all(|c| c.is_ascii_alphabetic())
    {
        // no word in it: the letters stay, with their joined form beside them
        pieces.extend(joined.chars().map(String::from));
        pieces.push(joined);
    } else {
        return false;
    }
    push_sep(out);
    out.push_str(&first[..first.len() - first.trim_start_matches(OPENING).len()]);
    out.push_str(&pieces.join(" "));
    out.push_str(tail_of(last));
    true
}

/// Adds a stretch of single letters' joined form when it is 3 letters or more (after the
/// letters, which are added already); empties it.
fn push_stretch(stretch: &mut String, pieces: &mut Vec<String>) {
    let s = std::mem::take(stretch);
    if s.chars().count() >= 3 {
        pieces.push(s);
    }
}

/// Convenience wrapper of [`deobfuscate_into`].
pub fn deobfuscate(text: &str) -> String {
    let mut out = String::new();
    deobfuscate_into(text, &mut out, &|_| false);
    out
}
