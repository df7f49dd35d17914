//! The shapes a comment takes on a saved page: a bar line (`Name | 12 years ago | Reply
//! text`), an item of a numbered list under a comment count, a WordPress `Name says:` header;
//! and the dates and times such shapes carry.

/// `12 COMMENTS`, `1 Comment`, `3 Responses`, `5 Replies`, `12 comments on "Title"`,
/// `Comments (12)`: the count.
pub(super) fn comments_heading(line: &str) -> Option<usize> {
    if let Some(rest) = strip_prefix_ci(line, "comments") {
        let n = rest.trim().strip_prefix('(')?.strip_suffix(')')?;
        return n.trim().parse().ok();
    }
    let (n, rest) = line.split_once(char::is_whitespace)?;
    let n: usize = n.parse().ok()?;
    let word = rest.split_whitespace().next()?.to_lowercase();
    let word = word.trim_end_matches(':');
    let heading = matches!(
        word,
        "comment" | "comments" | "response" | "responses" | "reply" | "replies" | "thoughts"
    );
    // a heading is short: `12 comments` or `12 comments on "the title"`, not a sentence
    let short = rest.split_whitespace().count() <= 2 || rest.contains(" on ");
    (heading && short).then_some(n)
}

/// `Name | 12 years ago | Reply text…`: the author (when named) and the text after `Reply`.
pub(super) fn bar_header(line: &str) -> Option<(Option<String>, &str)> {
    let mut parts = line.splitn(3, '|');
    let (name, when, rest) = (parts.next()?, parts.next()?, parts.next()?);
    if !is_time(when.trim()) {
        return None;
    }
    let rest = rest.trim_start();
    let text = strip_prefix_ci(rest, "reply")
        .filter(|t| t.is_empty() || t.starts_with(char::is_whitespace))?;
    let name = name.trim();
    let author = (!name.is_empty() && name.len() <= 80).then(|| name.to_string());
    Some((author, text.trim()))
}

/// `Name says:` (or `Name said:` / `Name wrote:`) alone on a line: the author.
pub(super) fn wordpress_header(line: &str) -> Option<&str> {
    let (name, rest) = said(line)?;
    rest.is_empty().then_some(name)
}

/// `Name says: text` with a short name: the name and the text after the colon.
pub(super) fn said(line: &str) -> Option<(&str, &str)> {
    for verb in [" says:", " said:", " wrote:"] {
        if let Some(at) = find_ci(line, verb) {
            let name = line[..at].trim();
            let words = name.split_whitespace().count();
            if (1..=4).contains(&words) && !name.contains(['.', '!', '?', '"']) {
                return Some((name, line[at + verb.len()..].trim()));
            }
        }
    }
    None
}

/// The text of numbered item `next` (`3. text`, `3) text`), if `line` is that item.
pub(super) fn numbered_item(line: &str, next: usize) -> Option<&str> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || line[..digits].parse::<usize>().ok()? != next {
        return None;
    }
    let rest = line[digits..].strip_prefix(['.', ')'])?;
    (rest.is_empty() || rest.starts_with(char::is_whitespace)).then(|| rest.trim())
}

/// A relative or calendar time as pages print it: `12 years ago`, `yesterday`, `just now`,
/// `March 3, 2012`, `2012-03-03 16:15`, `3/3/2012`.
pub(super) fn is_time(s: &str) -> bool {
    let l = s.to_lowercase();
    l.ends_with(" ago")
        || matches!(l.as_str(), "yesterday" | "today" | "just now" | "now")
        || is_date_line(s)
}

/// A line that is a date or time: a month name with a number, `at 4:15 pm`, or digits joined
/// by `-`, `/`, `:` and `.`.
pub(super) fn is_date_line(s: &str) -> bool {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let l = s.to_lowercase();
    let words: Vec<&str> = l
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() || words.len() > 8 {
        return false;
    }
    let has_digit = l.bytes().any(|b| b.is_ascii_digit());
    let month = words
        .iter()
        .any(|w| w.len() >= 3 && MONTHS.iter().any(|m| w.starts_with(m)));
    let numeric = l
        .bytes()
        .all(|b| b.is_ascii_digit() || b" -/:.,".contains(&b) || b.is_ascii_whitespace());
    let clock = words.iter().any(|w| *w == "am" || *w == "pm");
    has_digit && (month || numeric || clock)
}

pub(super) fn find_ci(haystack: &str, needle: &str) -> Option<usize> {
    // ASCII needles: a byte-wise case-insensitive search keeps char boundaries
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    (0..=h.len().checked_sub(n.len())?).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

pub(super) fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let n = prefix.len();
    (s.len() >= n && s.as_bytes()[..n].eq_ignore_ascii_case(prefix.as_bytes())).then(|| &s[n..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_recognised_narrowly() {
        assert!(bar_header("a | b | c").is_none());
        assert!(bar_header("Ali | 3 days ago | Replying").is_none());
        assert_eq!(comments_heading("12 COMMENTS"), Some(12));
        assert_eq!(comments_heading("3 comments on \"Talks\""), Some(3));
        assert_eq!(
            comments_heading("12 comments were removed by the editors today"),
            None
        );
        assert!(wordpress_header("The minister says: talks will go on").is_none());
        assert!(is_date_line("March 3, 2012 at 4:15 pm"));
        assert!(is_date_line("2012-03-03 16:15"));
        assert!(!is_date_line("Help them now."));
        assert_eq!(numbered_item("10. ten", 10), Some("ten"));
        assert_eq!(numbered_item("10. ten", 9), None);
        assert_eq!(numbered_item("1.5 million people", 1), None);
        assert_eq!(comments_heading("Comments (12)"), Some(12));
    }
}
