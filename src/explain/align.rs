//! Where in the original text each analyzer token came from. The analyzer rewrites text
//! (escapes, NFKC, case, disguises undone), so token offsets in its output say nothing about
//! the comment a moderator reads. Instead the comment is cut at whitespace into chunks, each
//! chunk is tokenized on its own, and the chunks' tokens are lined up with the whole text's:
//! equal tokens map one to one, and a token that several chunks make together (`i d i o t`
//! read as `idiot`) maps to all of them. Linear in the text.

use crate::text::{Analyzer, Scratch};

/// Chunks looked ahead for a token that matches no chunk token where it should.
const RESYNC: usize = 8;

/// Per token of `analyzer.tokenize(text)`, in order, the byte range of `text` it came from:
/// the whitespace-separated chunk (or run of chunks) that makes it, without the quotes,
/// brackets and commas around it.
pub fn token_spans(analyzer: &Analyzer, text: &str, sc: &mut Scratch) -> Vec<(usize, usize)> {
    let full: Vec<String> = analyzer
        .tokenize(text, sc)
        .iter()
        .map(|(_, t)| t.to_string())
        .collect();
    let chunks = chunks(text);
    let mut pieces: Vec<(String, usize)> = Vec::new();
    // each chunk is tokenized as written (`&amp;` needs its `;`) and shown trimmed
    for (ci, &(b, e)) in chunks.iter().enumerate() {
        for (_, t) in analyzer.tokenize(&text[b..e], sc).iter() {
            pieces.push((t.to_string(), ci));
        }
    }
    line_up(&full, &pieces)
        .into_iter()
        .map(|(lo, hi)| {
            let (b, _) = trim(text, chunks[lo].0, chunks[lo].1);
            let (_, e) = trim(text, chunks[hi].0, chunks[hi].1);
            (b, e)
        })
        .collect()
}

/// The whitespace-separated chunks of `text` as byte ranges.
fn chunks(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    out
}

fn is_wrapper(c: char) -> bool {
    matches!(
        c,
        '.' | ','
            | ';'
            | ':'
            | '"'
            | '\''
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '«'
            | '»'
            | '“'
            | '”'
            | '‘'
            | '’'
            | '…'
    )
}

/// A chunk without the quotes, brackets and commas that wrap a word (unless that is all it
/// holds).
fn trim(text: &str, b: usize, e: usize) -> (usize, usize) {
    let s = &text[b..e];
    let t = s.trim_matches(is_wrapper);
    if t.is_empty() {
        return (b, e);
    }
    let lead = s.len() - s.trim_start_matches(is_wrapper).len();
    (b + lead, b + lead + t.len())
}

/// For each token of `full`, the first and last chunk of the `pieces` (chunk tokens, with
/// their chunk) that make it.
fn line_up(full: &[String], pieces: &[(String, usize)]) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(full.len());
    let mut p = 0;
    for tok in full {
        let Some((piece, chunk)) = pieces.get(p) else {
            // nothing left to line up with (cannot happen for tokens the chunks all made)
            let last = pieces.last().map_or(0, |x| x.1);
            out.push((last, last));
            continue;
        };
        if piece == tok {
            out.push((*chunk, *chunk));
            p += 1;
            continue;
        }
        // several chunks' tokens spell this one
        let mut acc = String::new();
        let mut q = p;
        while q < pieces.len() && acc.len() < tok.len() {
            acc.push_str(&pieces[q].0);
            if !tok.starts_with(acc.as_str()) {
                break;
            }
            q += 1;
        }
        if acc == *tok {
            out.push((pieces[p].1, pieces[q - 1].1));
            p = q;
            continue;
        }
        // a token no chunk made alike: the next few chunk tokens are looked at for it, and
        // the chunks skipped on the way are its span
        match (p..pieces.len().min(p + RESYNC)).find(|&j| pieces[j].0 == *tok) {
            Some(j) => {
                out.push((pieces[p].1, pieces[j].1));
                p = j + 1;
            }
            None => {
                out.push((*chunk, *chunk));
                p += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::TextConfig;

    fn spans(text: &str) -> Vec<&str> {
        let a = Analyzer::new(TextConfig::default()).unwrap();
        let mut sc = Scratch::default();
        token_spans(&a, text, &mut sc)
            .into_iter()
            .map(|(b, e)| &text[b..e])
            .collect()
    }

    #[test]
    fn tokens_map_to_the_words_as_written() {
        assert_eq!(
            spans("F*CK these \"politicians\", really!!"),
            ["F*CK", "these", "politicians", "really!!", "really!!"]
        );
        // letters split by spaces are one token, from all of them
        assert_eq!(spans("you i d i o t"), ["you", "i d i o t"]);
        // escapes and look-alikes are undone inside a word
        assert_eq!(spans("ｉｄｉｏｔ &amp; co"), ["ｉｄｉｏｔ", "co"]);
    }

    #[test]
    fn every_span_is_inside_the_text() {
        for text in [
            "",
            "   ",
            "a",
            "...",
            "\u{200B}",
            "x\u{301} y",
            "👍👍 ok",
            "a\\nb",
        ] {
            let n = spans(text).len();
            let a = Analyzer::new(TextConfig::default()).unwrap();
            assert_eq!(
                n,
                a.tokenize(text, &mut Scratch::default()).len(),
                "{text:?}"
            );
        }
    }
}
