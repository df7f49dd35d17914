//! Marking where a comment mentions its stance target, for the general stance model: every
//! run of words that name the target becomes one [`TARGET`] word, and a comment that never
//! names it gains a [`NO_MENTION`] word. The n-grams around the mark ("xtargetx is a liar")
//! then mean the same thing whatever the target is, which is what lets a model trained on
//! some targets say something about a target it has never seen.

/// The word that stands for a mention of the target.
pub const TARGET: &str = "xtargetx";
/// The word added to a comment that does not name its target.
pub const NO_MENTION: &str = "xnomentionx";

/// Words of a target that name nothing by themselves.
const STOPWORDS: &[&str] = &[
    "a", "an", "the", "of", "at", "in", "on", "to", "for", "and", "or", "s", "is", "are", "be",
    "by", "with",
];

/// The words of a target that a comment may name it by: its letters-and-digits runs, less
/// [`STOPWORDS`], in order. Short words (three letters or fewer, such as "US") keep their case:
/// they match only a token written the same way, so that "US-Pakistan talks" does not take
/// every "us" for the United States.
pub fn target_words(target: &str) -> Vec<String> {
    target
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .filter(|w| !STOPWORDS.contains(&w.to_lowercase().as_str()))
        .map(|w| {
            if w.chars().count() <= 3 {
                w.to_string()
            } else {
                w.to_lowercase()
            }
        })
        .collect()
}

/// A target word, its length in chars, and its English stem when that is long enough to
/// match by (four letters or more).
struct Word {
    word: String,
    len: usize,
    stem: Option<String>,
}

/// Whether the token core `core` (no leading `#`/`@`, no trailing punctuation; `lower` its
/// lowercase) names the target word `w` as written: the same word, the word with an ending
/// ("trumps", "feminists"), a variant sharing all but its last two letters ("feminism" for
/// "feminist"), or, in a hashtag or handle, any run containing it ("#DonaldTrump",
/// "@HillaryClinton"). [`mark_into`] also matches by English stem ("talking" for "talks").
fn names(core: &str, lower: &str, w: &Word, tagged: bool) -> bool {
    let (word, n) = (w.word.as_str(), w.len);
    if n <= 3 {
        return core == word;
    }
    if lower.starts_with(word) || (tagged && lower.contains(word)) {
        return true;
    }
    let common = lower
        .chars()
        .zip(word.chars())
        .take_while(|(a, b)| a == b)
        .count();
    n >= 5 && common >= 5.max(n - 2)
}

/// `text` with each run of whitespace-separated tokens that name the target replaced by one
/// [`TARGET`] (a token's trailing punctuation kept), and [`NO_MENTION`] appended when none
/// does. Linear in the text's length times the target's word count.
pub fn mark(text: &str, target: &str) -> String {
    let mut out = String::with_capacity(text.len() + NO_MENTION.len() + 1);
    mark_into(text, target, &mut out, &mut |_, _| {});
    out
}

/// A marked text with the way back to the comment's own offsets, for explanations whose
/// spans must point into the comment as written.
pub struct Marked {
    pub text: String,
    /// `(start in text, start in the comment, end in the comment)` of each piece, in order:
    /// a copied token maps byte for byte, a mark to the whole run of tokens it replaced
    pieces: Vec<(usize, usize, usize)>,
    comment_len: usize,
}

impl Marked {
    pub fn new(comment: &str, target: &str) -> Marked {
        let mut text = String::with_capacity(comment.len() + NO_MENTION.len() + 1);
        let mut pieces: Vec<(usize, usize, usize)> = Vec::new();
        mark_into(comment, target, &mut text, &mut |at, (s, e)| {
            match pieces.last_mut() {
                // a mark told again: it takes in one more word
                Some(last) if last.0 == at => last.2 = e,
                _ => pieces.push((at, s, e)),
            }
        });
        Marked {
            text,
            pieces,
            comment_len: comment.len(),
        }
    }

    /// The comment's span of the marked text's span `begin..end`: within a copied token, the
    /// same bytes; at a mark, the words the mark replaced; at [`NO_MENTION`], the empty span
    /// at the comment's end.
    pub fn span_in_comment(&self, begin: usize, end: usize) -> (usize, usize) {
        let map = |off: usize, is_end: bool| {
            // the piece that holds byte `off` (for an end, the byte before it)
            let probe = if is_end { off.saturating_sub(1) } else { off };
            let i = self.pieces.partition_point(|p| p.0 <= probe);
            match i.checked_sub(1).map(|i| self.pieces[i]) {
                None => 0,
                Some((at, s, e)) if self.is_mark(at) => match is_end {
                    true => e,
                    false => s,
                },
                Some((at, s, e)) => (s + off.saturating_sub(at)).clamp(s, e),
            }
        };
        let b = map(begin, false).min(self.comment_len);
        (b, map(end, true).clamp(b, self.comment_len))
    }

    fn is_mark(&self, at: usize) -> bool {
        self.text[at..].starts_with(TARGET) || self.text[at..].starts_with(NO_MENTION)
    }
}

/// The marking of [`mark`], into `out`; `piece(at, (start, end))` is told where each piece
/// written at `at` in `out` comes from in `text` ([`NO_MENTION`]: the empty span at the end).
/// A mark is told again at the same `at` for each further word it replaces, with that word's
/// span: it reaches from its first word's start to its last word's end.
fn mark_into(
    text: &str,
    target: &str,
    out: &mut String,
    piece: &mut impl FnMut(usize, (usize, usize)),
) {
    let english = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
    let words: Vec<Word> = target_words(target)
        .into_iter()
        .map(|word| {
            let len = word.chars().count();
            let stem = english.stem(&word);
            Word {
                stem: (len > 3 && stem.chars().count() >= 4).then(|| stem.into_owned()),
                len,
                word,
            }
        })
        .collect();
    let stems = words.iter().any(|w| w.stem.is_some());
    let mut mentioned = false;
    let mut last_was_mark = false;
    let mut lower = String::new();
    let base = text.as_ptr() as usize;
    for token in text.split_whitespace() {
        let start = token.as_ptr() as usize - base;
        let tagged = token.starts_with(['#', '@']);
        let body = token.trim_start_matches(['#', '@']);
        let core = body.trim_end_matches(|c: char| !c.is_alphanumeric());
        let tail = &body[core.len()..];
        lower.clear();
        lower.extend(core.chars().flat_map(char::to_lowercase));
        // the stem only when the spelling did not match: most tokens name nothing
        let named = !core.is_empty()
            && (words.iter().any(|w| names(core, &lower, w, tagged))
                || (stems && {
                    let stem = english.stem(&lower);
                    words.iter().any(|w| w.stem.as_deref() == Some(&*stem))
                }));
        let end = start + token.len();
        if named {
            mentioned = true;
            if !last_was_mark {
                push_word(out, TARGET, piece, (start, end - tail.len()));
            } else {
                // the mark just written takes in one more word: told again at its place
                piece(out.len() - TARGET.len(), (start, end - tail.len()));
            }
            if !tail.is_empty() {
                piece(out.len(), (end - tail.len(), end));
                out.push_str(tail);
            }
            // punctuation after a mark ends the run: "Trump, Clinton" is two mentions
            last_was_mark = tail.is_empty();
        } else {
            push_word(out, token, piece, (start, end));
            last_was_mark = false;
        }
    }
    if !mentioned {
        push_word(out, NO_MENTION, piece, (text.len(), text.len()));
    }
}

fn push_word(
    out: &mut String,
    w: &str,
    piece: &mut impl FnMut(usize, (usize, usize)),
    from: (usize, usize),
) {
    if !out.is_empty() {
        out.push(' ');
    }
    piece(out.len(), from);
    out.push_str(w);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_the_target_become_one_mark() {
        assert_eq!(
            mark("Donald Trump is a liar", "Donald Trump"),
            "xtargetx is a liar"
        );
        assert_eq!(
            mark("#Trump2016 all the way! @realDonaldTrump", "Donald Trump"),
            "xtargetx all the way! xtargetx"
        );
        assert_eq!(
            mark("Trump's wall, Trump.", "Donald Trump"),
            "xtargetx wall, xtargetx."
        );
    }

    #[test]
    fn word_variants_match_but_unrelated_words_do_not() {
        assert_eq!(
            mark("feminism is cancer", "Feminist Movement"),
            "xtargetx is cancer"
        );
        assert_eq!(
            mark("feminists and their movements", "Feminist Movement"),
            "xtargetx and their xtargetx"
        );
        assert_eq!(
            mark("the fan was too loud", "face masks"),
            "the fan was too loud xnomentionx"
        );
        assert_eq!(
            mark("Talking beats a peaceful silence", "Afghan peace talks"),
            "xtargetx beats a xtargetx silence"
        );
    }

    #[test]
    fn short_target_words_keep_their_case() {
        assert_eq!(
            mark("let us hope the US talks work", "US-Pakistan talks"),
            "let us hope the xtargetx work"
        );
        assert_eq!(
            target_words("US-Pakistan talks"),
            ["US", "pakistan", "talks"]
        );
    }

    #[test]
    fn a_comment_without_the_target_says_so() {
        assert_eq!(mark("", "Atheism"), "xnomentionx");
        assert_eq!(mark("God is great", "Atheism"), "God is great xnomentionx");
        assert_eq!(mark("atheists unite", ""), "atheists unite xnomentionx");
    }

    #[test]
    fn spans_of_the_marked_text_map_back_to_the_comment() {
        let c = "I think Donald Trump, sadly, is a liar";
        let m = Marked::new(c, "Donald Trump");
        assert_eq!(m.text, "I think xtargetx, sadly, is a liar");
        let span = |w: &str| {
            let b = m.text.find(w).unwrap();
            let (s, e) = m.span_in_comment(b, b + w.len());
            &c[s..e]
        };
        assert_eq!(span("xtargetx"), "Donald Trump");
        assert_eq!(span("xtargetx,"), "Donald Trump,");
        assert_eq!(span("sadly"), "sadly");
        assert_eq!(span("a liar"), "a liar");
        let none = Marked::new("no names here", "Atheism");
        let b = none.text.find(NO_MENTION).unwrap();
        assert_eq!(none.span_in_comment(b, none.text.len()), (13, 13));
    }

    #[test]
    fn any_text_is_marked_without_panicking() {
        for t in [
            "#",
            "@@",
            "…",
            "ß#x",
            "İstanbul İSTANBUL",
            "a\u{200b}b",
            "#️⃣",
        ] {
            let m = Marked::new(t, "İstanbul");
            assert_eq!(m.text, mark(t, "İstanbul"));
            for b in 0..=m.text.len() {
                let (s, e) = m.span_in_comment(b, m.text.len());
                assert!(s <= e && e <= t.len());
            }
        }
    }
}
