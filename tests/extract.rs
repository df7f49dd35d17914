//! `gavel extract` on pages written for the tests, one per shape (data/pages/), and piped into
//! `gavel score` with the shipped model.

mod util;
use predicates::prelude::PredicateBooleanExt;
use util::{csv_maps, gavel};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn page(name: &str) -> String {
    format!("{ROOT}/data/pages/{name}")
}

/// (title, author, text) of every extracted row, in order.
fn extracted(name: &str) -> Vec<(String, String, String)> {
    let out = gavel().args(["extract", &page(name)]).assert().success();
    csv_maps(&out.get_output().stdout)
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            assert_eq!(r["position"], (i + 1).to_string(), "positions count up");
            (r["title"].clone(), r["author"].clone(), r["text"].clone())
        })
        .collect()
}

fn rows(v: &[(String, String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(_, a, t)| (a.as_str(), t.as_str())).collect()
}

#[test]
fn bar_lines() {
    let got = extracted("haqqani_bar.txt");
    assert_eq!(got[0].0, "Pakistan, US resume talks on Haqqani network");
    assert_eq!(
        rows(&got),
        [
            (
                "Bilal Ahmed",
                "Talking is better than drones. Glad both sides are at the table again."
            ),
            (
                "Sarah J",
                "These talks are a waste of time. Nothing will change on the ground."
            ),
            ("Ghost", "you are a stupid idiot, shut up"),
            (
                "Anonymous",
                "bhai ye talks sirf dikhawa hain kuch nahi hoga"
            ),
        ]
    );
}

#[test]
fn numbered_list_after_a_comment_count() {
    let got = extracted("afghan_numbered.txt");
    assert_eq!(got[0].0, "Afghan government and Taliban open talks in Doha");
    assert_eq!(
        rows(&got),
        [
            ("Farid", "Any peace process that includes the Afghan people is worth trying. Forty years of war is enough."),
            ("", "Peace with killers is surrender. Do not sign anything."),
            ("Nadia Hashimi", "The women of Afghanistan were left out again."),
            ("", "die you worthless piece of garbage"),
            ("", "Which city hosts the next round?"),
        ],
        "the article's own numbered list and the FAQ's are not comments"
    );
}

#[test]
fn wordpress_blocks() {
    let out = gavel()
        .args(["extract", &page("floods_wordpress.txt")])
        .assert()
        .success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains("1 comment without text left out (line 18)"),
        "{err}"
    );
    let got = extracted("floods_wordpress.txt");
    assert_eq!(got[0].0, "Floods displace thousands in lower Sindh");
    assert_eq!(
        rows(&got),
        [
            ("Imran Qureshi", "The relief camps in Badin need clean water more than anything. Please send help now."),
            ("Ayesha Siddiqui", "Sindh government is full of c0rrupt id1ots who stole the flood money"),
        ]
    );
}

#[test]
fn boilerplate_never_reaches_the_output() {
    let out = gavel()
        .args([
            "extract",
            &page("haqqani_bar.txt"),
            &page("afghan_numbered.txt"),
            &page("floods_wordpress.txt"),
        ])
        .assert()
        .success();
    let csv = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for junk in [
        "Replying to",
        "Comments are closed",
        "Leave a Reply",
        "Load more",
        "FAQ",
        "Frequently",
        "Why was my comment removed",
        "report a comment",
        "Privacy",
        "All rights reserved",
        "Your email",
        "Post Comment",
        "Sort by",
        "Cancel reply",
        "logged in",
        "Report\n",
        "Like\n",
    ] {
        assert!(!csv.contains(junk), "{junk:?} leaked into:\n{csv}");
    }
}

#[test]
fn extract_pipes_into_score_in_order() {
    let pages = [
        page("haqqani_bar.txt"),
        page("afghan_numbered.txt"),
        page("floods_wordpress.txt"),
    ];
    let ex = gavel().arg("extract").args(&pages).assert().success();
    let extracted = ex.get_output().stdout.clone();
    let scored = gavel()
        .args([
            "score",
            "--model",
            &format!("{ROOT}/models/abuse.gavel"),
            "--policy",
            &format!("{ROOT}/models/policy.toml"),
        ])
        .write_stdin(extracted.clone())
        .assert()
        .success();
    let (inp, out) = (csv_maps(&extracted), csv_maps(&scored.get_output().stdout));
    assert_eq!(inp.len(), 11);
    assert_eq!(out.len(), inp.len(), "every comment scored");
    for (a, b) in inp.iter().zip(&out) {
        assert_eq!(
            (&a["page"], &a["position"], &a["text"]),
            (&b["page"], &b["position"], &b["text"])
        );
    }
    let rejected: Vec<&str> = out
        .iter()
        .filter(|r| r["decision"] == "reject")
        .map(|r| r["text"].as_str())
        .collect();
    assert!(
        rejected.contains(&"you are a stupid idiot, shut up"),
        "{rejected:?}"
    );
    assert!(
        rejected.contains(&"die you worthless piece of garbage"),
        "{rejected:?}"
    );
    assert!(!rejected
        .iter()
        .any(|t| t.contains("Talking is better than drones")));
}

#[test]
fn bad_pages_are_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, b"Title\nok line\nbroken \xff here\n").unwrap();
    gavel()
        .args(["extract", bad.to_str().unwrap()])
        .assert()
        .failure()
        .stderr(predicates::str::contains("bad.txt:3:").and(predicates::str::contains("byte 8")));
    // a missing page among good ones writes nothing, not the good pages' rows
    gavel()
        .args(["extract", &page("haqqani_bar.txt")])
        .arg(dir.path().join("missing.txt"))
        .assert()
        .failure()
        .stdout("")
        .stderr(predicates::str::contains("missing.txt"));
    // a page without comments gives the header alone and says so
    let empty = dir.path().join("none.txt");
    std::fs::write(&empty, "Just an article\nwith no comments at all.\n").unwrap();
    gavel()
        .args(["extract", empty.to_str().unwrap()])
        .assert()
        .success()
        .stdout("page,title,position,author,text,line\n")
        .stderr(predicates::str::contains("0 comments (none found)"));
}

/// A page of a site that counts its comments as `Comments (N)`: reactions (`Recommend 12`)
/// and reply markers (`Replying to X:`, `In reply to X`) are not comment text, and the
/// moderation notice and the `Most Read` list after the comments are not glued onto the last.
#[test]
fn comment_count_page_ends_at_the_notice() {
    let got = extracted("haqqani_comments_count.txt");
    assert_eq!(
        got[0].0,
        "US presses Pakistan on Haqqani network ahead of strategic dialogue"
    );
    assert_eq!(
        rows(&got),
        [
            (
                "Farhan Ali",
                "The Haqqanis have been a headache for both countries. Time to act."
            ),
            ("Usman", "and who created them in the first place?"),
            (
                "Zara K",
                "@usman_pk history matters but the future matters more."
            ),
            (
                "Bilal",
                "Stop begging America for money and this pressure ends."
            ),
            ("J. Smith", "well said."),
        ]
    );
}

/// A WordPress page whose moderation notice sits above the comments and whose `Related
/// Stories` follow them: a `Replying to X` line inside a block is dropped, never the block.
#[test]
fn wordpress_page_with_notice_and_replies() {
    let got = extracted("afghan_moderated.txt");
    assert_eq!(got[0].0, "Afghan peace talks: Kabul names negotiating team");
    assert_eq!(
        rows(&got),
        [
            (
                "Ahmad Shah",
                "This team has too few women. Peace without half the country is not peace."
            ),
            ("Kamran", "There are four women on it, read the article."),
            (
                "Guest",
                "Taliban are terrorists and anyone who talks to them is a traitor."
            ),
            ("Saima", "@Kamran thank you, finally someone reads."),
        ]
    );
}
