//! Site chrome around comments, recognised so that it never becomes comment text: reply
//! buttons and markers, comment-form lines, reaction counts, footers, the section headings
//! and moderation notices that end a comment list.

use super::shapes::strip_prefix_ci;

/// Phrases that introduce the comment a reply answers.
pub(super) const REPLY_TO: [&str; 5] = [
    "replying to ",
    "in reply to ",
    "reply to ",
    "replied to ",
    "in response to ",
];

/// Reply markers: the button under a comment (see [`is_reply_button`]), and a short line
/// `Replying to X` over a reply (`In reply to X`, `Reply to X`: six words at most, so a
/// sentence is not one).
pub(super) fn is_reply(line: &str) -> bool {
    let l = line
        .trim_start_matches(['↳', '»', '↩', '↪', ' '])
        .to_lowercase();
    let marker = REPLY_TO
        .iter()
        .any(|p| l.starts_with(p) && l.split_whitespace().count() <= 6);
    is_reply_button(line) || marker
}

/// The reply button that closes a comment block: `Reply`, `Log in to Reply`, `↳ Reply`.
pub(super) fn is_reply_button(line: &str) -> bool {
    let l = line
        .trim_start_matches(['↳', '»', '↩', '↪', ' '])
        .to_lowercase();
    l == "reply" || l == "log in to reply" || l == "reply ↓"
}

/// `text` without a leading reply marker naming one of `authors` or an `@handle`
/// (`Replying to Ali Raza: you are wrong` → `you are wrong`).
pub(super) fn strip_reply_marker<'a>(text: &'a str, authors: &[&str]) -> &'a str {
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
pub(super) fn is_boilerplate(line: &str) -> bool {
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
pub(super) fn is_reaction(l: &str) -> bool {
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
pub(super) fn is_footer(line: &str) -> bool {
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
pub(super) fn is_section_heading(line: &str) -> bool {
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
pub(super) fn is_moderation_notice(line: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

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
