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

mod chrome;
mod shapes;

use chrome::{
    is_boilerplate, is_footer, is_moderation_notice, is_reply_button, is_section_heading,
    strip_reply_marker,
};
use shapes::{bar_header, comments_heading, is_date_line, numbered_item, said, wordpress_header};

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
}
