//! Tokenizer for comments: words (contractions kept), hashtags, and placeholder tokens for
//! URLs, @mentions, numbers and emoji. Works on normalised text and reuses its buffers.

/// What a token is. Placeholders carry no text of their own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// letters and digits, with inner apostrophes (`don't`) and elongations squashed
    Word,
    /// `#word`, kept whole
    Hashtag,
    /// `!` or `?` (a run of them is one token)
    Punct,
    Url,
    Mention,
    Number,
    Emoji,
}

/// Placeholder text of the tokens that stand for a class of strings.
pub const URL: &str = "<url>";
pub const MENTION: &str = "<user>";
pub const NUMBER: &str = "<num>";
pub const EMOJI: &str = "<emoji>";

/// The tokens of one text: one string buffer and spans into it, reused between calls.
#[derive(Default, Debug, Clone)]
pub struct Tokens {
    text: String,
    spans: Vec<(TokenKind, u32, u32)>,
    /// per token, whether whitespace and nothing else stood between it and the token before
    spaced: Vec<bool>,
}

impl Tokens {
    pub fn clear(&mut self) {
        self.text.clear();
        self.spans.clear();
        self.spaced.clear();
    }
    /// Whether token `i` follows token `i - 1` across whitespace alone (no punctuation or
    /// symbol between them, as in `stu pid`); false for the first token.
    pub fn spaced(&self, i: usize) -> bool {
        self.spaced.get(i).copied().unwrap_or(false)
    }
    pub fn len(&self) -> usize {
        self.spans.len()
    }
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
    /// The i-th token's kind and text.
    pub fn get(&self, i: usize) -> (TokenKind, &str) {
        let (k, s, e) = self.spans[i];
        (k, &self.text[s as usize..e as usize])
    }
    pub fn iter(&self) -> impl Iterator<Item = (TokenKind, &str)> + '_ {
        (0..self.len()).map(move |i| self.get(i))
    }
    /// The token buffer and every token's `(kind, start, end)` in it, for readers that look
    /// past a token's end (whole machine words at a time).
    pub fn raw(&self) -> (&[u8], &[(TokenKind, u32, u32)]) {
        (self.text.as_bytes(), &self.spans)
    }
    fn push_placeholder(&mut self, kind: TokenKind, text: &str) {
        let s = self.text.len() as u32;
        self.text.push_str(text);
        self.spans.push((kind, s, self.text.len() as u32));
    }
}

/// True for characters that belong inside a word: letters, digits, and the combining marks
/// of scripts such as Devanagari and Arabic. Punctuation, symbols and emoji end a word.
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    if c.is_alphanumeric() {
        return true;
    }
    !(c.is_whitespace() || is_emoji(c) || is_symbol_or_punct(c))
}

/// Pictographic emoji and the symbol blocks that comments use as emoji.
pub fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x2300..=0x23FF)
}

fn is_symbol_or_punct(c: char) -> bool {
    matches!(c as u32,
        0x00A0..=0x00BF | 0x00D7 | 0x00F7 | 0x02B9..=0x02FF | 0x037E | 0x0387
        | 0x055A..=0x055F | 0x0589 | 0x05BE | 0x05C0 | 0x05C3 | 0x05F3 | 0x05F4
        | 0x0600..=0x060F | 0x061B..=0x061F | 0x066A..=0x066D | 0x06D4 | 0x0964 | 0x0965
        | 0x2000..=0x2BFF | 0x2E00..=0x2E7F | 0x3000..=0x303F | 0xFE10..=0xFE6F
        | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65 | 0xFFF0..=0xFFFF)
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}' || c == '\u{02BC}'
}

/// Splits normalised `text` into `out` (cleared first). With `squash`, a letter repeated
/// three or more times is kept twice ("soooo" → "soo").
pub fn tokenize_into(text: &str, squash: bool, out: &mut Tokens) {
    out.clear();
    let bytes = text.as_bytes();
    let mut i = 0;
    // what stood between the last token and here (before the first: no token to follow)
    let mut gap = Gap::Other;
    while i < text.len() {
        let c = char_at(text, i);
        if c.is_whitespace() {
            i += c.len_utf8();
            if gap == Gap::Nothing {
                gap = Gap::Space;
            }
            continue;
        }
        let before = out.spans.len();
        let at_start = i == 0 || !is_word_char(char_before(text, i));
        if at_start && starts_url(&bytes[i..]) {
            i = skip_until_space(text, i);
            out.push_placeholder(TokenKind::Url, URL);
        } else if c == '@' && at_start && next_is_word(text, i + 1) {
            i = skip_word(text, i + 1);
            out.push_placeholder(TokenKind::Mention, MENTION);
        } else if c == '#' && next_is_word(text, i + 1) {
            let s = out.text.len() as u32;
            out.text.push('#');
            i = push_word(text, i + 1, squash, out);
            out.spans
                .push((TokenKind::Hashtag, s, out.text.len() as u32));
        } else if is_word_char(c) {
            let s = out.text.len();
            i = push_word(text, i, squash, out);
            let word = &out.text[s..];
            if word
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'.' || b == b',' || b == b':')
            {
                out.text.truncate(s);
                out.push_placeholder(TokenKind::Number, NUMBER);
            } else {
                out.spans
                    .push((TokenKind::Word, s as u32, out.text.len() as u32));
            }
        } else if is_emoji(c) {
            i += c.len_utf8();
            out.push_placeholder(TokenKind::Emoji, EMOJI);
        } else if c == '!' || c == '?' {
            while i < text.len() && (bytes[i] == b'!' || bytes[i] == b'?') {
                i += 1;
            }
            let p = if c == '!' { "!" } else { "?" };
            out.push_placeholder(TokenKind::Punct, p);
        } else {
            i += c.len_utf8();
        }
        if out.spans.len() > before {
            out.spaced.push(gap == Gap::Space);
            gap = Gap::Nothing;
        } else {
            gap = Gap::Other;
        }
    }
}

/// What the tokenizer passed over since the last token.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Gap {
    Nothing,
    /// whitespace only
    Space,
    /// something else (punctuation, a symbol), or no token yet
    Other,
}

// Both read an ASCII byte directly (most comments are mostly ASCII) and decode otherwise.
#[inline]
fn char_at(s: &str, i: usize) -> char {
    match s.as_bytes().get(i) {
        Some(&b) if b.is_ascii() => b as char,
        _ => s[i..].chars().next().unwrap_or(' '),
    }
}

#[inline]
fn char_before(s: &str, i: usize) -> char {
    match i.checked_sub(1).and_then(|j| s.as_bytes().get(j)) {
        Some(&b) if b.is_ascii() => b as char,
        _ => s[..i].chars().next_back().unwrap_or(' '),
    }
}

fn next_is_word(s: &str, i: usize) -> bool {
    i < s.len() && is_word_char(char_at(s, i))
}

fn starts_url(b: &[u8]) -> bool {
    b.starts_with(b"http://") || b.starts_with(b"https://") || b.starts_with(b"www.")
}

fn skip_until_space(s: &str, mut i: usize) -> usize {
    while i < s.len() {
        let c = char_at(s, i);
        if c.is_whitespace() {
            break;
        }
        i += c.len_utf8();
    }
    i
}

fn skip_word(s: &str, mut i: usize) -> usize {
    while i < s.len() {
        let c = char_at(s, i);
        if !is_word_char(c) {
            break;
        }
        i += c.len_utf8();
    }
    i
}

/// Appends the word starting at `i` to `out.text`; returns the index after it. Keeps inner
/// apostrophes (as `'`) and inner `.`, `,`, `:` between digits ("3.5", "10,000").
fn push_word(s: &str, mut i: usize, squash: bool, out: &mut Tokens) -> usize {
    let bytes = s.as_bytes();
    let start = out.text.len();
    let mut last = ['\0', '\0'];
    let mut all_digits = true;
    while i < s.len() {
        // a run of ASCII letters and digits, the common case: classified without decoding
        // and copied a slice at a time (a squashed letter ends a slice)
        let mut from = i;
        while let Some(&b) = bytes.get(i) {
            if !(b.is_ascii_alphanumeric() || b == b'_') {
                break;
            }
            let c = b as char;
            all_digits &= b.is_ascii_digit();
            if squash && c == last[0] && c == last[1] && !b.is_ascii_digit() {
                out.text.push_str(&s[from..i]);
                from = i + 1;
            }
            last = [c, last[0]];
            i += 1;
        }
        out.text.push_str(&s[from..i]);
        if i >= s.len() {
            break;
        }
        let c = char_at(s, i);
        let len = c.len_utf8();
        if !c.is_ascii() && is_word_char(c) {
            if !(squash && c == last[0] && c == last[1]) {
                out.text.push(c);
            }
            all_digits = false;
            last = [c, last[0]];
            i += len;
        } else if out.text.len() > start && push_joiner(s, i, c, all_digits, out) {
            last = ['\0', '\0'];
            i += len;
        } else {
            break;
        }
    }
    i
}

/// At a character `c` at `i` that is not a word character, inside a word (not at its start):
/// appends it and returns true if it joins the word to what follows, an apostrophe (as `'`)
/// or a `.`, `,` or `:` between digits of a word of digits ("3.5", "10,000").
fn push_joiner(s: &str, i: usize, c: char, all_digits: bool, out: &mut Tokens) -> bool {
    let next = i + c.len_utf8();
    if !next_is_word(s, next) {
        return false;
    }
    if is_apostrophe(c) {
        out.text.push('\'');
    } else if all_digits && matches!(c, '.' | ',' | ':') && char_at(s, next).is_ascii_digit() {
        out.text.push(c);
    } else {
        return false;
    }
    true
}

/// Copies `text` to `out`, handing each maximal run of ASCII letters to `word`, which appends
/// what stands for it (the run itself, or a rewriting); everything else is copied as it is.
/// The attack suite's disguises and training's typo'd copies rewrite words this way.
pub fn rewrite_letter_runs(text: &str, out: &mut String, mut word: impl FnMut(&str, &mut String)) {
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_ascii_alphabetic(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                word(&text[s..i], out);
                start = None;
                out.push(c);
            }
            (false, None) => out.push(c),
            (true, Some(_)) => {}
        }
    }
    if let Some(s) = start {
        word(&text[s..], out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        let mut t = Tokens::default();
        tokenize_into(s, true, &mut t);
        t.iter().map(|(_, s)| s.to_string()).collect()
    }

    /// The character-at-a-time form of [`push_word`], which it must equal (the two share
    /// [`push_joiner`]): appends the word starting at `i` to `out.text`; returns the index
    /// after it.
    fn push_word_reference(s: &str, mut i: usize, squash: bool, out: &mut Tokens) -> usize {
        let start = out.text.len();
        let mut last = ['\0', '\0'];
        let mut all_digits = true;
        while i < s.len() {
            // an ASCII byte, the common case, is classified without decoding
            let (c, len, word) = match s.as_bytes()[i] {
                b if b.is_ascii() => (b as char, 1, b.is_ascii_alphanumeric() || b == b'_'),
                _ => {
                    let c = char_at(s, i);
                    (c, c.len_utf8(), is_word_char(c))
                }
            };
            if word {
                all_digits &= c.is_ascii_digit();
                if !(squash && c == last[0] && c == last[1] && !c.is_ascii_digit()) {
                    out.text.push(c);
                }
                last = [c, last[0]];
                i += len;
            } else if out.text.len() > start && push_joiner(s, i, c, all_digits, out) {
                last = ['\0', '\0'];
                i += len;
            } else {
                break;
            }
        }
        i
    }

    /// The slice-at-a-time word reader equals the character-at-a-time one on words that mix
    /// scripts, digits, apostrophes, elongations and separators, squashed or not.
    #[test]
    fn words_read_by_slices_equal_words_read_by_chars() {
        let parts = [
            "a",
            "aa",
            "aaa",
            "soooo",
            "ok",
            "_",
            "7",
            "777",
            "3.5",
            "10,000",
            "12:30",
            "don't",
            "it’s",
            "ʼ",
            "'",
            ".",
            ",",
            ":",
            "-",
            " ",
            "!",
            "é",
            "ééé",
            "नमस्ते",
            "ाा",
            "کیا",
            "😀",
            "x\u{200d}y",
            "ø",
            "Z",
        ];
        let mut n = 0u64;
        for a in parts {
            for b in parts {
                for c in parts {
                    let s = format!("{a}{b}{c}");
                    for squash in [true, false] {
                        let (mut x, mut y) = (Tokens::default(), Tokens::default());
                        let mut i = 0;
                        while i < s.len() {
                            let j = push_word(&s, i, squash, &mut x);
                            assert_eq!(j, push_word_reference(&s, i, squash, &mut y), "{s:?}");
                            assert_eq!(x.text, y.text, "{s:?}");
                            i = s[i..]
                                .chars()
                                .next()
                                .map_or(s.len(), |c| (i + c.len_utf8()).max(j));
                            n += 1;
                        }
                    }
                }
            }
        }
        assert!(n > 50_000, "{n}");
    }

    #[test]
    fn words_contractions_and_punct() {
        assert_eq!(toks("don't you dare!!"), ["don't", "you", "dare", "!"]);
        assert_eq!(toks("it’s fine?"), ["it's", "fine", "?"]);
        assert_eq!(
            toks("anti-war, pro-peace."),
            ["anti", "war", "pro", "peace"]
        );
        assert_eq!(toks("'quoted'"), ["quoted"]);
    }

    #[test]
    fn placeholders() {
        assert_eq!(
            toks("@user see https://x.co/a?b=1 now"),
            ["<user>", "see", "<url>", "now"]
        );
        assert_eq!(
            toks("paid 10,000 or 3.5 rs"),
            ["paid", "<num>", "or", "<num>", "rs"]
        );
        assert_eq!(toks("lol 😂😡"), ["lol", "<emoji>", "<emoji>"]);
        assert_eq!(toks("email a@b"), ["email", "a", "b"]);
    }

    #[test]
    fn hashtags_and_mixed_alnum() {
        assert_eq!(toks("#semst #pakistan"), ["#semst", "#pakistan"]);
        assert_eq!(toks("the 2nd c3po"), ["the", "2nd", "c3po"]);
    }

    #[test]
    fn squashes_elongations() {
        assert_eq!(toks("soooo stuuuupid"), ["soo", "stuupid"]);
        assert_eq!(toks("1000 good"), ["<num>", "good"]);
    }

    #[test]
    fn non_latin_scripts_stay_whole() {
        assert_eq!(toks("नमस्ते दोस्त"), ["नमस्ते", "दोस्त"]);
        assert_eq!(toks("یار، کیا"), ["یار", "کیا"]);
    }
}
