use super::*;
use crate::text::normalize::normalize;

fn d(s: &str) -> String {
    deobfuscate(&normalize(s))
}

#[test]
fn undoes_each_family() {
    // leetspeak digits and symbols
    assert_eq!(d("you id1ot"), "you idiot");
    assert_eq!(d("sh1t happens"), "shit happens");
    assert_eq!(d("what an a$$"), "what an ass");
    assert_eq!(d("b!tch"), "bitch");
    // masks
    assert_eq!(d("f*ck off"), "fuck off");
    assert_eq!(d("f**k"), "fuck");
    assert_eq!(d("sh#t!"), "shit!");
    // split letters
    assert_eq!(d("you are an i d i o t"), "you are an idiot");
    assert_eq!(d("f.u.c.k you"), "fuck you");
    // repeated letters
    assert_eq!(d("stuuuupid"), "stupid");
    assert_eq!(d("fuuuuuck"), "fuck");
    // look-alikes (Cyrillic і, о) and accents
    assert_eq!(d("\u{456}d\u{456}\u{43e}t"), "idiot");
    assert_eq!(d("ïdìøt"), "idiot");
    // with endings
    assert_eq!(d("id10ts"), "idiots");
    assert_eq!(d("f*cking"), "fucking");
    assert_eq!(d("1oser"), "loser");
    assert_eq!(d("k1ll"), "kill");
}

#[test]
fn runs_of_split_letters_are_read_as_their_words() {
    // two disguised words with no space between their letters
    assert_eq!(d("you s t u p i d i d i o t"), "you stupid idiot");
    // a word found among letters that are not one: the others stay single letters
    assert_eq!(d("q x i d i o t"), "q x idiot");
    // no word in the run: the letters stay, with their joined form beside them
    assert_eq!(d("q x z w"), "q x z w qxzw");
    // punctuation after a letter ends a word; the mark stays after it
    assert_eq!(d("s t u p i d, i d i o t!"), "stupid, idiot!");
    assert_eq!(d("a \"s t u p i d\" i d i o t"), "a \"stupid\" idiot");
    // unless most letters carry it: then it is the disguise
    assert_eq!(d("i. d. i. o. t."), "idiot.");
}

/// `s` deobfuscated by a model that knows the words `words`.
fn with_words(words: &[&str], s: &str) -> String {
    let mut out = String::new();
    deobfuscate_into(s, &mut out, &|w: &str| words.contains(&w));
    out
}

#[test]
fn a_model_s_own_words_are_undone_like_the_lexicon_s() {
    let k = |s: &str| with_words(&["taliban", "traitor"], s);
    assert_eq!(k("the t4l1b4n again"), "the taliban again");
    assert_eq!(k("t r a i t o r s t u p i d"), "traitor stupid");
    // letters no word explains, among words found: kept, with their joined form
    assert_eq!(
        k("c i c e r o t r a i t o r s t u p i d"),
        "c i c e r o cicero traitor stupid"
    );
    // without those words: a plain spelling beside the disguised one
    assert_eq!(d("the t4l1b4n again"), "the t4l1b4n taliban again");
    // ordinary text is left alone whatever the model knows
    assert_eq!(k("mp3 c3po 2nd a b c"), d("mp3 c3po 2nd a b c"));
    // numbers, in a comment with something else to undo, too: `1000` is not `loo`
    let n = |s: &str| with_words(&["loo", "loot", "traitor"], s);
    assert_eq!(n("111007 - a tr4itor"), "111007 - a traitor");
    assert_eq!(n("1000 t r a i t o r"), "1000 traitor");
}

#[test]
fn a_mask_is_read_as_the_one_known_word_it_fits() {
    let k = |s: &str| with_words(&["coward", "these", "those"], s);
    assert_eq!(k("he is a c*ward"), "he is a coward");
    // two words fit: left, with its plain spelling beside it
    assert_eq!(k("all of th*se"), "all of th*se thse");
    // a mask stands for one letter: no word of another length
    assert_eq!(k("a c*wards"), "a c*wards cwards");
    // two masks are not tried (676 words for one token)
    assert_eq!(k("a c*w*rd"), "a c*w*rd cwrd");
}

#[test]
fn ordinary_text_is_left_alone() {
    for s in [
        "c3po and r2d2 went to the 2nd floor at 4pm",
        "covid19 cases fell 5% in q3, mp3 sales too",
        "a b c d are the options",
        "i am so soooo happy, goooood news",
        "email me at someone@example.com or @editor",
        "C# and F# are languages; 3*4 = 12",
        "Москва и Київ",
        "café naïve résumé",
        "the 1st of may, 24/7 service",
    ] {
        let n = normalize(s);
        let out = deobfuscate(&n);
        // accents fold; nothing else changes
        let folded: String = {
            let mut f = String::new();
            for (k, t) in n.split(' ').enumerate() {
                if k > 0 {
                    f.push(' ');
                }
                fold_latin(t, &mut f);
            }
            f
        };
        // every word is kept, in order; a plain spelling may be added beside one
        let mut rest = out.split(' ');
        for w in folded.split(' ') {
            assert!(rest.any(|x| x == w), "{s}: '{w}' lost in '{out}'");
        }
    }
    assert_eq!(d("café naïve"), "cafe naive");
    assert_eq!(d("Москва"), "москва");
    // nothing is added to words, numbers, codes and addresses without disguise
    for s in [
        "covid19 cases fell 5% in q3, mp3 sales too",
        "email me at someone@example.com or @editor",
        "C# and F# are languages; 3*4 = 12",
        "the 1st of may, 24/7 service",
        "i am so happy, good news",
        // two letters and a dot: an abbreviation, not a disguised word (Roman Urdu rows
        // of RUHSOLD and the UCI set once had `a.s` read as `ass`)
        "hazrat ali a.s ne farmaya",
        "the u.s delegation",
    ] {
        assert_eq!(d(s), normalize(s), "{s}");
    }
}

proptest::proptest! {
    /// The quick check never skips a text whose words the full pass would change.
    #[test]
    fn texts_skipped_by_the_quick_check_are_unchanged(t in "[a-z0-9 .,!?$@*#'_|+\\-é\u{456}\u{1F600}\u{2019}]{0,40}") {
        if !needs_work(&t) {
            let mut out = String::new();
            deobfuscate_full(&t, &mut out, &|_| false);
            // spaces only separate words: compare the words
            let words = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
            proptest::prop_assert_eq!(words(&out), words(&t));
        }
    }
}

/// Disguised words outside the lexicon keep their form and gain a plain spelling.
#[test]
fn other_disguised_words_gain_a_plain_spelling() {
    assert_eq!(d("thr0w1ng"), "thr0w1ng throwing");
    assert_eq!(d("thr*wing"), "thr*wing thrwing");
    assert_eq!(d("thro.wing"), "thro.wing throwing");
    assert_eq!(d("throooowing"), "throooowing throwing");
    assert_eq!(d("t h r o w i n g"), "t h r o w i n g throwing");
    assert_eq!(d("c3po"), "c3po cepo");
    assert_eq!(d("l1b3r4l5"), "l1b3r4l5 liberals");
}

#[test]
fn ambiguous_masks_are_left() {
    // a mask that fits several lexicon words is left as it is
    assert_eq!(d("*****"), "*****");
    assert_eq!(d("d**k"), "dick");
}
