//! The analyzer's tests.

use super::*;
use crate::text::spelling::RATIO_REVISION;

/// Models written before deobfuscation existed keep scoring without it; new ones use it.
#[test]
fn older_configs_read_deobfuscation_as_off() {
    let old = r#"{"language":"english","word_ngrams":[1,2],"char_ngrams":[2,5],"squash_elongations":true}"#;
    let c: TextConfig = serde_json::from_str(old).unwrap();
    assert!(!c.deobfuscate);
    assert!(TextConfig::default().deobfuscate);
}

fn grams(cfg: TextConfig, text: &str) -> Vec<(Family, String)> {
    let a = Analyzer::new(cfg).unwrap();
    let mut sc = Scratch::default();
    let mut out = vec![];
    a.analyze(text, &mut sc, |f, g| out.push((f, g.to_string())));
    out
}

#[test]
fn word_ngrams_are_stemmed() {
    let cfg = TextConfig {
        char_ngrams: (0, 0),
        ..TextConfig::default()
    };
    let g: Vec<String> = grams(cfg, "Running dogs!")
        .into_iter()
        .map(|x| x.1)
        .collect();
    assert_eq!(g, ["run", "run dog", "dog", "dog !", "!"]);
}

#[test]
fn char_ngrams_use_word_boundaries() {
    let cfg = TextConfig {
        word_ngrams: (0, 0),
        char_ngrams: (3, 3),
        ..TextConfig::default()
    };
    let g: Vec<String> = grams(cfg, "Idiot").into_iter().map(|x| x.1).collect();
    assert_eq!(g, ["<id", "idi", "dio", "iot", "ot>"]);
}

/// A token past the bound costs a bounded amount: no stemming, char n-grams from its ends.
#[test]
fn long_tokens_are_capped() {
    let cfg = TextConfig {
        char_ngrams: (3, 3),
        ..TextConfig::default()
    };
    // no letter three times in a row, so squashing leaves it as it is
    let long: String = "abcdefghijklmnopqrstuvwxyz".repeat(400);
    let g = grams(cfg.clone(), &long);
    let words: Vec<&str> = g
        .iter()
        .filter(|x| x.0 == Family::Word)
        .map(|x| x.1.as_str())
        .collect();
    assert_eq!(words, [long.as_str()], "kept whole, not stemmed");
    let chars: Vec<&str> = g
        .iter()
        .filter(|x| x.0 == Family::Char)
        .map(|x| x.1.as_str())
        .collect();
    // (64 + 1) - 2 n-grams from each end
    assert_eq!(chars.len(), 2 * (TOKEN_EDGE + 1 - 2));
    assert_eq!(chars[0], "<ab");
    assert_eq!(*chars.last().unwrap(), "yz>");
    // a token at the bound is treated as any other
    let at = "ab".repeat(LONG_TOKEN / 2);
    let n = grams(cfg, &at)
        .iter()
        .filter(|x| x.0 == Family::Char)
        .count();
    assert_eq!(n, LONG_TOKEN + 2 - 2);
}

#[test]
fn empty_text_has_no_grams() {
    assert!(grams(TextConfig::default(), "  ...  ").is_empty());
}

#[test]
fn rejects_bad_ranges() {
    let cfg = TextConfig {
        word_ngrams: (3, 1),
        ..TextConfig::default()
    };
    assert!(Analyzer::new(cfg).is_err());
}

/// An analyzer that corrects spelling under `revision`, knowing `words`.
fn spelling(revision: u8, words: &[(&str, u32)]) -> Analyzer {
    let mut a = Analyzer::new(TextConfig {
        spell: true,
        spell_revision: revision,
        ..TextConfig::default()
    })
    .unwrap();
    let counts = words.iter().map(|&(w, c)| (w.to_string(), c));
    a.set_speller(Arc::new(Speller::new(counts, revision)));
    a
}

/// The word unigrams of `text` as `a` reads it.
fn words_of(a: &Analyzer, text: &str) -> Vec<String> {
    let mut sc = Scratch::default();
    let mut out = vec![];
    a.analyze(text, &mut sc, |f, g| {
        if f == Family::Word && !g.contains(' ') {
            out.push(g.to_string())
        }
    });
    out
}

/// A word split by a space (`stu pid`, `s tupid`, `idi ot`) is read as the word its pieces
/// make, beside them, when one piece is a word the training comments used less than twice
/// (`stu`, used once, and `pid`), and two pieces of two letters when they make a word of the
/// abuse lexicon (`fu ck`); two words they used (`the rapist`), two-letter words that make
/// another common word (`so me`), pieces kept apart by punctuation, or a model of revision 4
/// are read as written.
#[test]
fn a_split_word_is_read_whole_from_revision_5() {
    let words = [
        ("stupid", 50),
        ("idiot", 40),
        ("fuck", 30),
        ("some", 90),
        ("stu", 1),
        ("therapist", 9),
        ("rapist", 9),
        ("the", 900),
        ("you", 900),
        ("are", 900),
    ];
    let a = spelling(JOIN_REVISION, &words);
    let joined = |t: &str| {
        words_of(&a, t)
            .iter()
            .any(|w| w == "stupid" || w == "idiot" || w == "fuck")
    };
    for split in [
        "you are stu pid",
        "you are s tupid",
        "stupi d you are",
        "you idi ot",
        "fu ck you",
    ] {
        assert!(joined(split), "{split}: {:?}", words_of(&a, split));
    }
    // the word n-grams still read the pieces as written
    let grams = {
        let mut sc = Scratch::default();
        let mut out = vec![];
        a.analyze("are stu pid", &mut sc, |f, g| {
            if f == Family::Word {
                out.push(g.to_string())
            }
        });
        out
    };
    assert!(grams.iter().any(|g| g.starts_with("are ")), "{grams:?}");
    assert!(!grams.iter().any(|g| g.contains("stupid ")), "{grams:?}");
    for apart in ["you are stu, pid", "you are stu. pid", "you are stu! pid"] {
        assert!(!joined(apart), "{apart}: {:?}", words_of(&a, apart));
    }
    let some = words_of(&a, "so me");
    assert!(!some.iter().any(|w| w == "some"), "{some:?}");
    let rapist = words_of(&a, "the rapist");
    assert!(
        !rapist.iter().any(|w| w.starts_with("therapist")),
        "{rapist:?}"
    );
    // the word made must be common: `zzq` and `pid` make no word
    assert_eq!(words_of(&a, "zzq pid").len(), 2);
    let before = spelling(JOIN_REVISION - 1, &words);
    let read = words_of(&before, "you are stu pid");
    assert!(!read.iter().any(|w| w == "stupid"), "{read:?}");
}

/// From revision 6 a piece the training comments used a few times is read as part of the
/// word it makes when the word is at least twice as common (`peo ple`, `bec ause`, with
/// `peo` and `bec` used now and then); two words of their own are not (`some thing`, `the
/// rapist`, `any one`, all as common as the word they make), nor a piece used
/// `PIECE_COUNT` times or more; revision 5 reads only a piece used once at most.
#[test]
fn from_revision_6_a_piece_seen_a_few_times_joins_a_far_commoner_word() {
    let words = [
        ("people", 600),
        ("peo", 4),
        ("ple", 2),
        ("because", 300),
        ("bec", 5),
        ("ause", 2),
        ("something", 80),
        ("some", 900),
        ("thing", 300),
        ("therapist", 9),
        ("rapist", 9),
        ("anyone", 70),
        ("any", 500),
        ("one", 800),
        ("person", 900),
        ("per", 70),
        ("son", 80),
        ("the", 900),
    ];
    let a = spelling(RATIO_REVISION, &words);
    let reads = |t: &str, w: &str| words_of(&a, t).iter().any(|g| g == w);
    assert!(
        reads("the peo ple", "peopl"),
        "{:?}",
        words_of(&a, "the peo ple")
    );
    assert!(
        reads("bec ause", "becaus"),
        "{:?}",
        words_of(&a, "bec ause")
    );
    for (t, w) in [
        ("some thing", "someth"),
        ("the rapist", "therapist"),
        ("any one", "anyon"),
        // `per` and `son` are used PIECE_COUNT times or more: no piece
        ("per son", "person"),
    ] {
        assert!(!reads(t, w), "{t}: {:?}", words_of(&a, t));
    }
    let before = spelling(RATIO_REVISION - 1, &words);
    let read = words_of(&before, "the peo ple");
    assert!(!read.iter().any(|w| w == "peopl"), "{read:?}");
}

/// From revision 7 the speller counts two-letter words too, so a word split into two-letter
/// halves joins by the rule of longer pieces: `th at` and `ha ve` (with `th` and `ha` rare)
/// are read as `that` and `have`; `in to` and `so me` (two words the comments use all the
/// time) are not, nor `th at` where `th` is used `PIECE_COUNT` times or more; revision 6
/// joins two-letter halves only into the abuse lexicon's words.
#[test]
fn from_revision_7_two_letter_halves_join_by_their_counts() {
    use crate::text::spelling::{PIECE_COUNT, SHORT_REVISION};
    let words = [
        ("that", 900),
        ("th", 3),
        ("at", 500),
        ("have", 700),
        ("ha", 5),
        ("ve", 1),
        ("into", 100),
        ("in", 800),
        ("to", 900),
        ("some", 90),
        ("so", 400),
        ("me", 500),
    ];
    let a = spelling(SHORT_REVISION, &words);
    let reads = |a: &Analyzer, t: &str, w: &str| words_of(a, t).iter().any(|g| g == w);
    for (t, w) in [("th at", "that"), ("we ha ve", "have")] {
        assert!(reads(&a, t, w), "{t}: {:?}", words_of(&a, t));
    }
    for (t, w) in [("in to", "into"), ("so me", "some")] {
        assert!(!reads(&a, t, w), "{t}: {:?}", words_of(&a, t));
    }
    let mut common = words.to_vec();
    common[1].1 = PIECE_COUNT;
    let b = spelling(SHORT_REVISION, &common);
    assert!(!reads(&b, "th at", "that"), "{:?}", words_of(&b, "th at"));
    let before = spelling(SHORT_REVISION - 1, &words);
    assert!(
        !reads(&before, "th at", "that"),
        "{:?}",
        words_of(&before, "th at")
    );
}
