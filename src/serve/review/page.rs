//! The review queue's HTML: server-rendered, every comment's text escaped, the words behind
//! its score marked (red raises the score, green lowers it, darker is stronger), one form of
//! filters, and the moderator's controls. The page loads only `review.js` and `review.css`
//! from the service itself.

use crate::eval::tables::esc;
use crate::feedback::queue::{Filter, Item};

/// Most bytes of a comment shown; the rest is named, not shown.
pub const SHOWN_BYTES: usize = 4000;

/// A word span to mark: byte range in the comment and its contribution to the logit.
pub struct Mark {
    pub begin: usize,
    pub end: usize,
    pub contribution: f64,
    pub read_as: Option<String>,
}

/// A queued comment ready to render.
pub struct Shown<'a> {
    pub item: &'a Item,
    /// the output whose words are marked, and the marks
    pub marked: Option<(String, Vec<Mark>)>,
    /// label checkboxes offered (an output's name without `p_`)
    pub labels: Vec<String>,
    /// stance classes offered, for a stance model's queue
    pub stances: Vec<String>,
}

/// What the filter form offers.
pub struct Facets {
    pub story: Vec<String>,
    pub target: Vec<String>,
    pub lang: Vec<String>,
    pub output: Vec<String>,
}

/// The page's head and header, with the navigation; `key` is carried in links.
pub fn head(title: &str, key: &str, waiting: usize, decided: usize) -> String {
    let k = esc(&url_escape(key));
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t} · gavel</title><link rel=\"stylesheet\" href=\"/review/review.css\"></head>\n\
         <body><header><h1>{t}</h1><p class=\"counts\">{waiting} waiting · {decided} decided</p>\
         <nav aria-label=\"pages\"><a href=\"/review?key={k}\">Queue</a> \
         <a href=\"/review/agreement?key={k}\">Agreement with the model</a></nav></header>\n<main>\n",
        t = esc(title)
    )
}

pub const FOOT: &str = "</main>\n<script src=\"/review/review.js\"></script>\n</body></html>\n";

/// The queue: filters, keyboard help, and one entry per comment.
pub fn queue(key: &str, filter: &Filter, facets: &Facets, items: &[Shown]) -> String {
    let mut h = String::new();
    h.push_str("<form class=\"filters\" method=\"get\" action=\"/review\">");
    h.push_str(&format!(
        "<input type=\"hidden\" name=\"key\" value=\"{}\">",
        esc(key)
    ));
    for (name, label, values, chosen) in [
        ("story", "Story", &facets.story, &filter.story),
        ("target", "Target", &facets.target, &filter.target),
        ("lang", "Language", &facets.lang, &filter.lang),
        ("output", "Output", &facets.output, &filter.output),
    ] {
        h.push_str(&format!(
            "<label>{label} <select name=\"{name}\"><option value=\"\">any</option>"
        ));
        for v in values {
            let sel = if chosen.as_deref() == Some(v.as_str()) {
                " selected"
            } else {
                ""
            };
            h.push_str(&format!("<option{sel}>{}</option>", esc(v)));
        }
        h.push_str("</select></label> ");
    }
    let (u, n) = match filter.newest {
        true => ("", " selected"),
        false => (" selected", ""),
    };
    h.push_str(&format!(
        "<label>Order <select name=\"order\"><option value=\"uncertain\"{u}>most uncertain \
         first</option><option value=\"newest\"{n}>newest first</option></select></label> \
         <button type=\"submit\">Show</button></form>\n"
    ));
    h.push_str(
        "<p class=\"help\">Keys: <kbd>j</kbd>/<kbd>k</kbd> next/previous, <kbd>a</kbd> \
         approve, <kbd>r</kbd> reject, <kbd>u</kbd> undo the last decision. Marked words: \
         <mark class=\"up3\">raise the score</mark> <mark class=\"down3\">lower it</mark>, \
         darker is stronger.</p>\n<p id=\"status\" role=\"status\" aria-live=\"polite\"></p>\n",
    );
    if items.is_empty() {
        h.push_str("<p class=\"empty\">Nothing waits for a decision here.</p>\n");
        return h;
    }
    h.push_str("<ol class=\"queue\">\n");
    for s in items {
        h.push_str(&entry(s));
    }
    h.push_str("</ol>\n");
    h
}

fn entry(s: &Shown) -> String {
    let it = s.item;
    let id = it.id;
    let mut meta: Vec<String> = Vec::new();
    for (name, v) in [
        ("story", &it.story),
        ("target", &it.target),
        ("language", &it.lang),
        ("id", &it.comment_id),
    ] {
        if let Some(v) = v {
            meta.push(format!("{name} <b>{}</b>", esc(v)));
        }
    }
    meta.push(format!("from {}", esc(&it.source)));
    let mut h = format!(
        "<li class=\"item\" id=\"item-{id}\" data-id=\"{id}\" tabindex=\"-1\" \
         aria-labelledby=\"text-{id}\">\n<p class=\"meta\">{}</p>\n",
        meta.join(" · ")
    );
    h.push_str(&format!(
        "<p class=\"text\" id=\"text-{id}\" dir=\"auto\"><bdi>{}</bdi></p>\n",
        marked_text(&it.text, s.marked.as_ref().map(|m| &m.1[..]).unwrap_or(&[]))
    ));
    if let Some(r) = &it.reason {
        h.push_str(&format!(
            "<p class=\"reason\">Sent to review: {}</p>\n",
            esc(r)
        ));
    }
    if let Some((o, _)) = &s.marked {
        h.push_str(&format!(
            "<p class=\"why\">Words marked for <b>{}</b>.</p>\n",
            esc(o)
        ));
    }
    h.push_str("<dl class=\"scores\">");
    for (o, p) in &it.scores {
        let near = if it.output.as_deref() == Some(o.as_str()) {
            " class=\"doubt\""
        } else {
            ""
        };
        h.push_str(&format!(
            "<div{near}><dt>{}</dt><dd>{p:.3}</dd></div>",
            esc(o)
        ));
    }
    h.push_str("</dl>\n");
    if !s.labels.is_empty() || !s.stances.is_empty() {
        h.push_str("<fieldset class=\"labels\"><legend>Labels (optional)</legend>");
        for label in &s.labels {
            h.push_str(&format!(
                "<label><input type=\"checkbox\" data-label=\"{l}\"> {l}</label> ",
                l = esc(label)
            ));
        }
        if !s.stances.is_empty() {
            h.push_str(&format!(
                "<label>stance <select data-label=\"stance\" aria-label=\"stance of comment \
                 {id}\"><option value=\"\">not given</option>"
            ));
            for c in &s.stances {
                h.push_str(&format!("<option>{}</option>", esc(c)));
            }
            h.push_str("</select></label>");
        }
        h.push_str("</fieldset>\n");
    }
    h.push_str(&format!(
        "<div class=\"actions\"><button type=\"button\" class=\"approve\" \
         data-decision=\"approve\" aria-describedby=\"text-{id}\">Approve <kbd>a</kbd></button> \
         <button type=\"button\" class=\"reject\" data-decision=\"reject\" \
         aria-describedby=\"text-{id}\">Reject <kbd>r</kbd></button></div>\n\
         <p class=\"done\" hidden></p>\n</li>\n"
    ));
    h
}

/// The comment with its marks, escaped; bidirectional controls are shown as their code
/// points, not obeyed, and past [`SHOWN_BYTES`] the rest is named.
pub fn marked_text(text: &str, marks: &[Mark]) -> String {
    let cut = floor_boundary(text, SHOWN_BYTES);
    let peak = marks
        .iter()
        .map(|m| m.contribution.abs())
        .fold(0.0f64, f64::max);
    // the words that matter: at least a fifth of the strongest word's share, and 0.1
    let floor = (0.2 * peak).max(0.1);
    let mut order: Vec<&Mark> = marks
        .iter()
        .filter(|m| m.end <= cut && m.begin < m.end && m.contribution.abs() >= floor)
        .filter(|m| text.is_char_boundary(m.begin) && text.is_char_boundary(m.end))
        .collect();
    order.sort_by_key(|m| (m.begin, m.end));
    let mut h = String::new();
    let mut at = 0;
    for m in order {
        if m.begin < at {
            continue; // overlapping spans: the first one is shown
        }
        h.push_str(&plain(&text[at..m.begin]));
        let level = ((m.contribution.abs() / peak) * 4.0).ceil().clamp(1.0, 4.0) as u8;
        let (class, verb) = match m.contribution > 0.0 {
            true => ("up", "raises"),
            false => ("down", "lowers"),
        };
        let read = m
            .read_as
            .as_ref()
            .map(|r| format!(", read as {}", esc(r)))
            .unwrap_or_default();
        h.push_str(&format!(
            "<mark class=\"{class}{level}\" title=\"{verb} the score ({:+.2}){read}\">{}</mark>",
            m.contribution,
            plain(&text[m.begin..m.end])
        ));
        at = m.end;
    }
    h.push_str(&plain(&text[at..cut]));
    if cut < text.len() {
        h.push_str(&format!(
            "<span class=\"more\"> … {} more bytes not shown</span>",
            text.len() - cut
        ));
    }
    h
}

/// Escaped text with bidirectional formatting characters made visible.
fn plain(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{200E}'
            | '\u{200F}'
            | '\u{061C}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}' => {
                o.push_str(&format!("<span class=\"ctl\">[U+{:04X}]</span>", c as u32))
            }
            c => o.push_str(&esc(c.encode_utf8(&mut [0; 4]))),
        }
    }
    o
}

/// The largest char boundary of `s` at or below `n`.
fn floor_boundary(s: &str, n: usize) -> usize {
    if n >= s.len() {
        return s.len();
    }
    (0..=n).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0)
}

/// `s` for a URL's query.
pub fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_escaped_and_marks_land_on_words() {
        let text = "<script>alert(1)</script> you \"idiot\" \u{202E}gnp.exe";
        let b = text.find("idiot").unwrap();
        let marks = [Mark {
            begin: b,
            end: b + 5,
            contribution: 1.5,
            read_as: Some("<b>".into()),
        }];
        let h = marked_text(text, &marks);
        assert!(
            !h.contains("<script>") && h.contains("&lt;script&gt;"),
            "{h}"
        );
        assert!(h.contains("<mark class=\"up4\" title=\"raises the score (+1.50), read as &lt;b&gt;\">idiot</mark>"), "{h}");
        assert!(h.contains("[U+202E]") && !h.contains('\u{202E}'), "{h}");
        assert!(h.contains("&quot;"));
        // a long comment is cut at a char boundary and says how much is left
        let long = "é".repeat(SHOWN_BYTES);
        let h = marked_text(&long, &[]);
        assert!(
            h.contains(&format!("{} more bytes not shown", SHOWN_BYTES)),
            "{}",
            &h[h.len() - 60..]
        );
        assert_eq!(url_escape("a b&c"), "a%20b%26c");
    }
}
