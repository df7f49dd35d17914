//! Comments out of news pages saved as text. Pages carry their comments in a few shapes, and
//! one page may mix them:
//!
//! - **bar** lines: `Name | 12 years ago | Reply <comment text>`, the text running on over the
//!   following lines until the next such line;
//! - a **numbered** list after a heading such as `12 COMMENTS`: items `1.`, `2.`, … (or `1)`),
//!   each running over several lines until the next number in sequence; an item may open with
//!   `Name says:` or `Name wrote:`;
//! - **WordPress** blocks: a `Name says:` line, an optional date line (`March 3, 2012 at 4:15
//!   pm`), the text, and a closing `Reply` line.
//!
//! Site boilerplate is dropped: reply markers (`Reply`, `Log in to Reply`, and `Replying to
//! X`, `In reply to X`, `Reply to X` alone on a line or before a reply's text, where X is an
//! author seen on the page or an `@handle`), comment-form lines (`Leave a Reply`, `Comments
//! are closed`, `Your email address will not be published`, …), and the end of the comment
//! list: FAQ and footer lines (`FAQ`, `© 2012 …`, `All rights reserved`, `Privacy Policy`),
//! section headings in title case or capitals (`Most Read`, `Related Stories`, `MORE FROM
//! DAWN`), and the site's moderation notices, recognised by what they say rather than by one
//! site's wording: a line about comments, with a moderation cue (moderated, posted, approved,
//! on-topic, abusive, guidelines, policy, FAQ, terms) in the site's voice (our, we, please,
//! will be, may be). Such a line ends the comment before it, and the lines after it are not
//! comment text until the next comment starts. The article title is the page's first line
//! that is neither boilerplate nor a comment (a leading `Title:` is removed).

/// Which shape a comment was found in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Bar,
    Numbered,
    WordPress,
}

impl Shape {
    pub fn name(self) -> &'static str {
        match self {
            Shape::Bar => "bar",
            Shape::Numbered => "numbered",
            Shape::WordPress => "wordpress",
        }
    }
}

/// One comment of a page.
#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    /// 1-based, in page order
    pub position: usize,
    pub author: Option<String>,
    /// the comment's lines joined by single spaces
    pub text: String,
    /// 1-based line of the page where the comment starts
    pub line: usize,
    pub shape: Shape,
}

/// What [`extract`] found on a page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    pub title: String,
    pub comments: Vec<Comment>,
    /// lines where a comment started but held no text (deleted comments, empty replies)
    pub empty: Vec<usize>,
}

/// A comment being read: where it started, its author and shape, its lines so far.
struct Open {
    line: usize,
    author: Option<String>,
    shape: Shape,
    lines: Vec<String>,
}

/// Finds the article title and the comments of a page saved as text.
pub fn extract(page: &str) -> Page {
    // a byte-order mark, as editors on Windows save text, is not part of the title
    let page = page.strip_prefix('\u{feff}').unwrap_or(page);
    let mut out = Page::default();
    let mut open: Option<Open> = None;
    // the title is looked for only among the lines before the comments
    let mut seen_comments = false;
    let mut head: Vec<&str> = Vec::new();
    // the next item number of the numbered list, once a heading was seen
    let mut numbered: Option<usize> = None;
    // a WordPress header waits for its optional date line
    let mut after_wp_header = false;
    for (i, raw) in page.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim();
        if let Some(n) = comments_heading(line) {
            close(&mut open, &mut out);
            numbered = (n > 0).then_some(1);
            seen_comments = true;
            continue;
        }
        if let Some((author, shape, text)) = comment_start(line, numbered) {
            close(&mut open, &mut out);
            seen_comments = true;
            if shape == Shape::Numbered {
                numbered = numbered.map(|n| n + 1);
            }
            after_wp_header = shape == Shape::WordPress;
            open = Some(Open {
                line: line_no,
                author,
                shape,
                lines: vec![text.to_string()],
            });
            continue;
        }
        if is_moderation_notice(line) {
            // a notice ends the comment before it; above the comments it is skipped
            close(&mut open, &mut out);
            continue;
        }
        if is_section_heading(line) && seen_comments {
            // the comment list is over: `Most Read`, `Related Stories`
            close(&mut open, &mut out);
            numbered = None;
            continue;
        }
        if is_footer(line) {
            close(&mut open, &mut out);
            numbered = None;
            seen_comments = true;
            continue;
        }
        if is_boilerplate(line) {
            // the reply button ends a WordPress block; other boilerplate (a `Replying to X`
            // over the text among it) is skipped
            if open.as_ref().is_some_and(|o| o.shape == Shape::WordPress) && is_reply_button(line) {
                close(&mut open, &mut out);
            }
            continue;
        }
        if after_wp_header {
            after_wp_header = false;
            if is_date_line(line) {
                continue;
            }
        }
        match open.as_mut() {
            Some(o) => o.lines.push(line.to_string()),
            None => {
                if !seen_comments && !line.is_empty() && head.len() < 40 {
                    head.push(line);
                }
            }
        }
    }
    close(&mut open, &mut out);
    out.title = title(&head).to_string();
    out
}

/// The article title among the lines before the comments: a `Title:` line, else the first
/// line that reads like a headline (4 or more words, no sentence stop, not a menu, byline or
/// date), else the first line.
fn title<'a>(head: &[&'a str]) -> &'a str {
    if let Some(t) = head.iter().find_map(|l| l.strip_prefix("Title:")) {
        return t.trim();
    }
    let headline = |l: &&&str| {
        let lower = l.to_lowercase();
        l.split_whitespace().count() >= 4
            && l.len() <= 200
            && !l.ends_with(['.', ':'])
            && !l.contains(" | ")
            && !["by ", "posted ", "published ", "updated "]
                .iter()
                .any(|p| lower.starts_with(p))
            && !is_date_line(l)
    };
    head.iter()
        .find(headline)
        .or(head.first())
        .copied()
        .unwrap_or("")
}

/// A line that starts a comment, in any shape (`numbered`: the next item number of a list
/// under a comment-count heading): its author when named, its shape, and the text on the line.
fn comment_start(line: &str, numbered: Option<usize>) -> Option<(Option<String>, Shape, &str)> {
    if let Some((author, text)) = bar_header(line) {
        return Some((author, Shape::Bar, text));
    }
    if let Some(author) = wordpress_header(line) {
        return Some((Some(author.to_string()), Shape::WordPress, ""));
    }
    let rest = numbered_item(line, numbered?)?;
    Some(match said(rest) {
        Some((author, text)) => (Some(author.to_string()), Shape::Numbered, text),
        None => (None, Shape::Numbered, rest),
    })
}

/// Ends the open comment: kept when it has text, else its line is listed as empty. A reply
/// marker before its text (`Replying to X …`, X an author of an earlier comment or an
/// `@handle`) is dropped.
fn close(open: &mut Option<Open>, page: &mut Page) {
    let Some(o) = open.take() else { return };
    let text = o
        .lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let authors: Vec<&str> = page
        .comments
        .iter()
        .filter_map(|c| c.author.as_deref())
        .collect();
    let text = strip_reply_marker(&text, &authors).to_string();
    if text.is_empty() {
        page.empty.push(o.line);
        return;
    }
    page.comments.push(Comment {
        position: page.comments.len() + 1,
        author: o.author.filter(|a| !a.is_empty()),
        text,
        line: o.line,
        shape: o.shape,
    });
}

/// `12 COMMENTS`, `1 Comment`, `3 Responses`, `5 Replies`, `12 comments on "Title"`,
/// `Comments (12)`: the count.
fn comments_heading(line: &str) -> Option<usize> {
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
fn bar_header(line: &str) -> Option<(Option<String>, &str)> {
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
fn wordpress_header(line: &str) -> Option<&str> {
    let (name, rest) = said(line)?;
    rest.is_empty().then_some(name)
}

/// `Name says: text` with a short name: the name and the text after the colon.
fn said(line: &str) -> Option<(&str, &str)> {
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
fn numbered_item(line: &str, next: usize) -> Option<&str> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || line[..digits].parse::<usize>().ok()? != next {
        return None;
    }
    let rest = line[digits..].strip_prefix(['.', ')'])?;
    (rest.is_empty() || rest.starts_with(char::is_whitespace)).then(|| rest.trim())
}

/// A relative or calendar time as pages print it: `12 years ago`, `yesterday`, `just now`,
/// `March 3, 2012`, `2012-03-03 16:15`, `3/3/2012`.
fn is_time(s: &str) -> bool {
    let l = s.to_lowercase();
    l.ends_with(" ago")
        || matches!(l.as_str(), "yesterday" | "today" | "just now" | "now")
        || is_date_line(s)
}

/// A line that is a date or time: a month name with a number, `at 4:15 pm`, or digits joined
/// by `-`, `/`, `:` and `.`.
fn is_date_line(s: &str) -> bool {
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

/// Phrases that introduce the comment a reply answers.
const REPLY_TO: [&str; 5] = [
    "replying to ",
    "in reply to ",
    "reply to ",
    "replied to ",
    "in response to ",
];

/// Reply markers: the button under a comment (see [`is_reply_button`]), and a short line
/// `Replying to X` over a reply (`In reply to X`, `Reply to X`: six words at most, so a
/// sentence is not one).
fn is_reply(line: &str) -> bool {
    let l = line
        .trim_start_matches(['↳', '»', '↩', '↪', ' '])
        .to_lowercase();
    let marker = REPLY_TO
        .iter()
        .any(|p| l.starts_with(p) && l.split_whitespace().count() <= 6);
    is_reply_button(line) || marker
}

/// The reply button that closes a comment block: `Reply`, `Log in to Reply`, `↳ Reply`.
fn is_reply_button(line: &str) -> bool {
    let l = line
        .trim_start_matches(['↳', '»', '↩', '↪', ' '])
        .to_lowercase();
    l == "reply" || l == "log in to reply" || l == "reply ↓"
}

/// `text` without a leading reply marker naming one of `authors` or an `@handle`
/// (`Replying to Ali Raza: you are wrong` → `you are wrong`).
fn strip_reply_marker<'a>(text: &'a str, authors: &[&str]) -> &'a str {
    let t = text.trim_start_matches(['↳', '»', '↩', '↪', ' ']);
    let Some(rest) = REPLY_TO.iter().find_map(|p| strip_prefix_ci(t, p)) else {
        return text;
    };
    let rest = rest.trim_start();
    let name_len = if rest.starts_with('@') {
        rest.find(char::is_whitespace).unwrap_or(rest.len())
    } else {
        match authors
            .iter()
            .filter(|a| strip_prefix_ci(rest, a).is_some())
            .map(|a| a.len())
            .max()
        {
            Some(n) => n,
            None => return text,
        }
    };
    let after = rest[name_len..].trim_start_matches([':', ',', '-', '—', ' ']);
    if after.is_empty() {
        text
    } else {
        after
    }
}

/// Comment-form and thread chrome that is never comment text.
fn is_boilerplate(line: &str) -> bool {
    if is_reply(line) {
        return true;
    }
    let l = line.to_lowercase();
    const EXACT: [&str; 21] = [
        "leave a reply",
        "leave a comment",
        "leave a reply cancel reply",
        "cancel reply",
        "post comment",
        "submit comment",
        "comments are closed.",
        "comments are closed",
        "load more comments",
        "show more replies",
        "view more comments",
        "report",
        "share",
        "like",
        "upvote",
        "downvote",
        "newer comments",
        "older comments",
        "name *",
        "email *",
        "website",
    ];
    const PREFIX: [&str; 8] = [
        "comments are closed",
        "your email address will not be published",
        "required fields are marked",
        "save my name, email",
        "you must be logged in to post",
        "this comment has been removed",
        "this comment was deleted",
        "sort by",
    ];
    EXACT.contains(&l.as_str()) || PREFIX.iter().any(|p| l.starts_with(p)) || is_reaction(&l)
}

/// A reaction count under a comment (`Recommend 12`, `12 likes`, `Like (3)`, `▲ 4`).
fn is_reaction(l: &str) -> bool {
    const WORDS: [&str; 12] = [
        "recommend",
        "recommends",
        "like",
        "likes",
        "upvote",
        "upvotes",
        "downvote",
        "downvotes",
        "agree",
        "disagree",
        "helpful",
        "points",
    ];
    let mut words = 0;
    let mut reaction = false;
    for w in l.split_whitespace() {
        let w = w.trim_matches(['(', ')', '[', ']']);
        words += 1;
        if WORDS.contains(&w) || matches!(w, "▲" | "▼" | "👍" | "👎" | "↑" | "↓") {
            reaction = true;
        } else if w.is_empty() || !w.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    reaction && words <= 4
}

/// Footer and FAQ lines: the end of the comments.
fn is_footer(line: &str) -> bool {
    let l = line.to_lowercase();
    const EXACT: [&str; 12] = [
        "faq",
        "faqs",
        "frequently asked questions",
        "privacy policy",
        "terms of use",
        "terms of service",
        "contact us",
        "about us",
        "advertise",
        "advertise with us",
        "related articles",
        "more stories",
    ];
    EXACT.contains(&l.trim_end_matches(':'))
        || l.starts_with('©')
        || l.starts_with("copyright ")
        || l.contains("all rights reserved")
}

/// A section heading that follows the comments on news pages (`Most Read`, `Related
/// Stories`, `MORE FROM DAWN`, `Trending Now`): at most five words, no sentence punctuation,
/// in title case or capitals, opening with the words such headings use.
fn is_section_heading(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    if words.is_empty() || words.len() > 5 || line.ends_with(['.', '!', '?', ',', ';']) {
        return false;
    }
    // every word of four letters or more starts with a capital (a headline, not a sentence)
    let titled = words.iter().all(|w| {
        w.chars().filter(|c| c.is_alphabetic()).count() < 4
            || w.chars().next().is_some_and(char::is_uppercase)
    });
    if !titled || !words[0].chars().next().is_some_and(char::is_uppercase) {
        return false;
    }
    let l = line.to_lowercase();
    const OPENERS: [&str; 22] = [
        "most read",
        "most popular",
        "most viewed",
        "most shared",
        "most commented",
        "related",
        "more from",
        "more stories",
        "more news",
        "more on",
        "latest",
        "trending",
        "popular",
        "recommended",
        "top stories",
        "also read",
        "read next",
        "read more",
        "editor's picks",
        "you may also like",
        "in other news",
        "further reading",
    ];
    OPENERS.iter().any(|o| l.starts_with(o))
}

/// A notice of the site about its comments (`Comments are moderated and generally will be
/// posted if they are on-topic and not abusive`, `For more information, please see our
/// Comments FAQ`): it speaks of comments, with a moderation cue, in the site's voice. A
/// reader's complaint (`my comments are moderated away`) lacks the voice.
fn is_moderation_notice(line: &str) -> bool {
    let l = line.to_lowercase();
    let words: Vec<&str> = l
        .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'')
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &str| words.contains(&w);
    let about_comments = words
        .iter()
        .any(|w| w.starts_with("comment") || *w == "replies" || *w == "discussion");
    const CUES: [&str; 14] = [
        "moderat",
        "posted",
        "published",
        "approved",
        "approval",
        "on-topic",
        "off-topic",
        "abusive",
        "guideline",
        "policy",
        "faq",
        "terms",
        "rules",
        "etiquette",
    ];
    let cue = words.iter().any(|w| CUES.iter().any(|c| w.starts_with(c)));
    let voice = has("our")
        || has("we")
        || has("please")
        || l.contains("will be ")
        || l.contains("may be ")
        || l.contains("are subject to");
    about_comments && cue && voice
}

fn find_ci(haystack: &str, needle: &str) -> Option<usize> {
    // ASCII needles: a byte-wise case-insensitive search keeps char boundaries
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    (0..=h.len().checked_sub(n.len())?).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let n = prefix.len();
    (s.len() >= n && s.as_bytes()[..n].eq_ignore_ascii_case(prefix.as_bytes())).then(|| &s[n..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(p: &Page) -> Vec<(&str, Option<&str>)> {
        p.comments
            .iter()
            .map(|c| (c.text.as_str(), c.author.as_deref()))
            .collect()
    }

    #[test]
    fn bar_lines_run_on_until_the_next_header() {
        let page = "Talks resume in Doha\nThe article body.\n\
                    Ali Raza | 12 years ago | Reply This is a waste of time.\n\
                    It always is.\n\
                    Replying to Ali Raza\n\
                    Sana | 11 years ago | Reply you are wrong\n\
                    Comments are closed.\n";
        let p = extract(page);
        assert_eq!(p.title, "Talks resume in Doha");
        assert_eq!(
            title(&[
                "The Daily Frontier",
                "Home | World | Opinion",
                "By Staff",
                "Talks on Haqqani network resume"
            ]),
            "Talks on Haqqani network resume"
        );
        assert_eq!(
            texts(&p),
            [
                ("This is a waste of time. It always is.", Some("Ali Raza")),
                ("you are wrong", Some("Sana"))
            ]
        );
        assert_eq!(p.comments[1].line, 6);
    }

    #[test]
    fn numbered_list_after_a_heading() {
        let page = "Title: Haqqani talks\n1. Not a comment, the article's list.\n\
                    3 COMMENTS\n1. Ahmed says: first line\nsecond line\n\
                    2. short one\n3) third\nLeave a Reply\nFAQ\nHow do I comment?\n";
        let p = extract(page);
        assert_eq!(p.title, "Haqqani talks");
        assert_eq!(
            texts(&p),
            [
                ("first line second line", Some("Ahmed")),
                ("short one", None),
                ("third", None)
            ]
        );
    }

    #[test]
    fn wordpress_blocks_skip_dates_and_replies() {
        let page = "Floods in Sindh\n\nImran Khan says:\nMarch 3, 2012 at 4:15 pm\n\
                    Help them now.\n\nPlease.\nReply\nAyesha says:\nJuly 1, 2013 at 9:02 am\n\
                    Log in to Reply\n© 2013 The Daily Example. All rights reserved.\n";
        let p = extract(page);
        assert_eq!(texts(&p), [("Help them now. Please.", Some("Imran Khan"))]);
        assert_eq!(p.empty, [9]);
    }

    #[test]
    fn crlf_and_a_byte_order_mark_change_nothing() {
        let page = "\u{feff}Title: Talks\r\nAli | 2 days ago | Reply fine\r\nmore\r\n";
        let p = extract(page);
        assert_eq!(p.title, "Talks");
        assert_eq!(texts(&p), [("fine more", Some("Ali"))]);
    }

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

    #[test]
    fn the_end_of_the_list_is_recognised_by_what_it_says() {
        for notice in [
            "Comments are moderated and generally will be posted if they are on-topic and not abusive.",
            "For more information, please see our Comments FAQ",
            "We reserve the right to remove comments that break our community guidelines.",
            "All comments are subject to moderation.",
        ] {
            assert!(is_moderation_notice(notice), "{notice}");
        }
        for comment in [
            "my comments are moderated away every time, what a joke",
            "The talks were moderated by Qatar and nobody posted the minutes.",
            "Please stop the drone strikes, they kill civilians.",
        ] {
            assert!(!is_moderation_notice(comment), "{comment}");
        }
        for h in [
            "Most Read",
            "MOST POPULAR",
            "Related Stories",
            "More From Dawn",
            "Trending Now",
        ] {
            assert!(is_section_heading(h), "{h}");
        }
        for c in [
            "More power to you",
            "Related news is fake",
            "most read it already",
            "Latest.",
        ] {
            assert!(!is_section_heading(c), "{c}");
        }
    }

    #[test]
    fn reply_markers_are_dropped_before_the_text() {
        let authors = ["Ali Raza", "Sana"];
        assert_eq!(
            strip_reply_marker("Replying to Ali Raza: you are wrong", &authors),
            "you are wrong"
        );
        assert_eq!(
            strip_reply_marker("In reply to @sana_k agreed", &authors),
            "agreed"
        );
        // an unknown name cannot be told from the text: kept
        let t = "Replying to Imran Khan is pointless";
        assert_eq!(strip_reply_marker(t, &authors), t);
        assert!(is_reply("In reply to Ali Raza."));
        assert!(is_reaction("recommend 12") && is_reaction("12 likes") && is_reaction("▲ 4"));
        assert!(!is_reaction("i like it") && !is_reaction("agree 100 percent"));
        assert!(!is_reply(
            "Reply to the minister who lied about the talks in Doha"
        ));
    }
}
