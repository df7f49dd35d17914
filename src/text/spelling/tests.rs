//! The spelling rules, word by word.

use super::*;

fn speller(words: &[(&str, u32)]) -> Speller {
    speller_at(words, 0)
}

fn speller_at(words: &[(&str, u32)], revision: u8) -> Speller {
    Speller::new(words.iter().map(|&(w, c)| (w.to_string(), c)), revision)
}

#[test]
fn every_kind_of_typo_finds_its_word() {
    let s = speller(&[
        ("stupid", 40),
        ("idiot", 30),
        ("people", 90),
        ("this", 99),
        ("the", 500),
    ]);
    for typo in [
        "stpuid", "stupd", "stuppid", "stupud", "sutpid", "tupid", "stupidd",
    ] {
        assert_eq!(s.correct(typo), Some("stupid"), "{typo}");
    }
    assert_eq!(s.correct("idoit"), Some("idiot"));
    assert_eq!(s.correct("peolpe"), Some("people"));
    // a three-letter word gains its dropped letter, and nothing else
    assert_eq!(s.correct("ths"), Some("this"));
    assert_eq!(s.correct("thi"), Some("this"));
    assert_eq!(s.correct("thsi"), Some("this"));
    assert_eq!(s.correct("tis"), Some("this"));
    assert_eq!(s.correct("xhs"), None);
    // a three-letter word the comments used stays, and is no correction
    assert_eq!(s.correct("the"), None);
    assert_eq!(s.correct("thx"), None);
    // two edits away, or too short: left alone
    assert_eq!(s.correct("sputid"), None);
    assert_eq!(s.correct("stpd"), None);
    assert_eq!(s.correct("id"), None);
}

#[test]
fn the_revised_rules_read_respellings_of_two_edits_or_more() {
    let words = [
        ("stupid", 40),
        ("phone", 30),
        ("stop", 90),
        ("fucker", 20),
        ("ph", 9),
    ];
    let plain = speller(&words);
    let s = speller_at(&words, 1);
    for (respelt, word) in [
        ("stoopid", "stupid"),
        ("stpd", "stupid"),
        ("fone", "phone"),
        ("phukker", "fucker"),
    ] {
        assert_eq!(plain.correct(respelt), None, "{respelt}");
        assert_eq!(s.correct(respelt), Some(word), "{respelt}");
    }
    assert_eq!(s.correct("phone"), None, "a known word stays");
    // a sound shared by two targets goes to the more frequent one, but a word one edit
    // away wins over both
    let s = speller_at(&[("stupid", 40), ("stoped", 60)], 1);
    assert_eq!(s.correct("stuuupied"), Some("stoped"));
    assert_eq!(s.correct("stupod"), Some("stupid"));
    // a word with no sound key (too short, not letters) is left
    assert_eq!(s.correct("stp"), None);
}

#[test]
fn the_revised_rules_correct_a_used_word_into_a_far_commoner_one() {
    let words = [
        ("they", 4000),
        ("thry", 2),
        ("shot", 30),
        ("shit", 900),
        ("fuk", 3),
    ];
    let words = [&words[..], &[("fuck", 700)]].concat();
    let (first, s) = (speller(&words), speller_at(&words, 1));
    assert_eq!(s.correct("thry"), Some("they"), "2 uses against 4,000");
    assert_eq!(
        first.correct("thry"),
        None,
        "the first rules never correct a used word"
    );
    assert_eq!(
        s.correct("shot"),
        None,
        "30 uses against 900: a word of its own"
    );
    assert_eq!(
        s.correct("fuk"),
        Some("fuck"),
        "a three-letter word gains its letter"
    );
    // 4 uses against 700 is not 200 times as often
    let s = speller_at(&[("fuck", 700), ("fuk", 4)], 1);
    assert_eq!(s.correct("fuk"), None);
    assert_eq!(s.correct("fuck"), None);
}

#[test]
fn known_words_and_rare_targets_stay() {
    let s = speller(&[("stupid", 40), ("stupor", 3), ("cupid", 1)]);
    // a word the training comments used, even once, is never corrected, even one edit
    // from a commoner one
    assert_eq!(s.correct("stupor"), None);
    assert_eq!(s.correct("cupid"), None);
    assert!(s.knows("cupid") && !s.knows("stapid"));
    // a rare word is no target
    assert_eq!(s.correct("stapid"), Some("stupid"));
    assert_eq!(s.correct("stupoe"), None);
}

#[test]
fn from_revision_4_a_word_used_twice_is_a_target_and_a_word_used_once_is_not() {
    let words = [
        ("stupid", 40),
        ("rapists", 2),
        ("ugly", 3),
        ("alive", 2),
        ("cupid", 1),
    ];
    let (before, s) = (speller_at(&words, 3), speller_at(&words, 4));
    for (typo, word) in [("raipsts", "rapists"), ("ulgy", "ugly"), ("ailve", "alive")] {
        assert_eq!(before.correct(typo), None, "{typo}");
        assert_eq!(s.correct(typo), Some(word), "{typo}");
    }
    assert_eq!(
        s.correct("cpuid"),
        None,
        "a word used once may be a typo itself"
    );
    // deobfuscation reads a disguised word as one of them too
    assert!(s.common("ugly") && !before.common("ugly") && !s.common("cupid"));
    // the commoner still wins within a rank, and a used word is still not corrected into them
    assert_eq!(s.correct("stupud"), Some("stupid"));
    assert_eq!(s.correct("cupid"), None);
}

#[test]
fn the_most_frequent_neighbour_wins_and_ties_go_alphabetically() {
    let s = speller(&[("hate", 50), ("have", 500), ("bark", 9), ("dark", 9)]);
    assert_eq!(s.correct("hafe"), Some("have"));
    assert_eq!(s.correct("xark"), Some("bark"));
}

#[test]
fn only_lowercase_ascii_words_take_part() {
    let s = speller(&[("nahin", 20), ("café", 20), ("Stupid", 20)]);
    assert_eq!(s.len(), 1);
    assert_eq!(Speller::from_sorted([("nahin", 20), ("nahi", 3)], 0), None);
    assert_eq!(
        Speller::from_sorted([("nahi", 3), ("nahin", 20)], 0).map(|s| s.len()),
        Some(2)
    );
    assert_eq!(s.correct("nahiin"), Some("nahin"));
    assert_eq!(s.correct("nahîn"), None);
}

#[test]
fn one_edit_is_exactly_one() {
    for (a, b, one) in [
        ("abcd", "abcd", false),
        ("abcd", "abxd", true),
        ("abcd", "acbd", true),
        ("abcd", "badc", false),
        ("abcd", "abc", true),
        ("abcd", "bcd", true),
        ("abcd", "ab", false),
        ("abcd", "abdc", true),
        ("abcd", "xbcy", false),
    ] {
        assert_eq!(one_edit(a.as_bytes(), b.as_bytes()), one, "{a} {b}");
        assert_eq!(one_edit(b.as_bytes(), a.as_bytes()), one, "{b} {a}");
    }
}

#[test]
fn revision_2_reads_the_likeliest_word_meant_not_the_commonest() {
    let words = [
        ("then", 100),
        ("than", 300),
        ("there", 100),
        ("their", 300),
        ("shit", 900),
        ("sweet", 50),
        ("more", 500),
        ("mate", 600),
        ("school", 900),
        ("skool", 2),
    ];
    let first = speller_at(&words, 1);
    let s = speller_at(&words, 2);
    for (typo, commonest, meant) in [
        // r is the key beside e; a is nowhere near r
        ("thrn", "than", "then"),
        // a sound-alike, rather than a letter struck for an unrelated one
        ("swit", "shit", "sweet"),
    ] {
        assert_eq!(first.correct(typo), Some(commonest), "{typo}");
        assert_eq!(s.correct(typo), Some(meant), "{typo}");
    }
    // two letters swapped, before a commoner word that only sounds alike
    assert_eq!(s.correct("tehre"), Some("there"));
    // t beside r: a slip, before a vowel changed (a sound-alike) even into a commoner word
    assert_eq!(s.correct("mote"), Some("more"));
    // a word used twice, 450 times rarer than the word it sounds like
    assert_eq!(first.correct("skool"), None);
    assert_eq!(s.correct("skool"), Some("school"));
    // what no rule explains stays, and known words stay
    assert_eq!(s.correct("xqzw"), None);
    assert_eq!(s.correct("sweet"), None);
}

#[test]
fn revision_3_asks_a_sound_alike_to_be_near_and_a_used_word_to_be_a_slip() {
    let words = [
        ("have", 30000),
        ("heavy", 50),
        ("because", 5000),
        ("bitch", 900),
        ("mitch", 3),
        ("stupid", 400),
        ("school", 900),
        ("skool", 2),
        ("they", 4000),
        ("thry", 2),
    ];
    let before = speller_at(&words, 2);
    let s = speller_at(&words, 3);
    for (word, far_fetched) in [
        // a used word, a consonant skeleton shared with a far commoner one
        ("heavy", "have"),
        // a used word, a letter struck for an unrelated one
        ("mitch", "bitch"),
        // never used, but no respelling of it: four edits away
        ("bikes", "because"),
    ] {
        assert_eq!(before.correct(word), Some(far_fetched), "{word}");
        assert_eq!(s.correct(word), None, "{word}");
    }
    // what stays: slips, respellings near in letters or with letters left out, and any
    // typo of a word never used
    for (typo, word) in [
        ("thry", "they"),
        ("stoopid", "stupid"),
        ("stpd", "stupid"),
        ("stuxid", "stupid"),
    ] {
        assert_eq!(s.correct(typo), Some(word), "{typo}");
    }
    // the price: a used word respelt by sound is read as written
    assert_eq!(before.correct("skool"), Some("school"));
    assert_eq!(s.correct("skool"), None);
}

/// Revision 3's and 4's rules read off every word one by one, with no index: what the indexes
/// (`index.rs`, and the known words' search among the frequent targets alone) must find.
fn by_scanning(s: &Speller, w: &str) -> Option<String> {
    if !eligible(w) {
        return None;
    }
    let own = s.position(w).map(|i| s.counts[i]);
    if own.is_some_and(|c| COMMONER.saturating_mul(c) > s.top) {
        return None;
    }
    let floor = own.map_or(0, |c| COMMONER.saturating_mul(c));
    let key = sound(w);
    let mut best: Option<(u8, usize)> = None;
    for i in 0..s.len() {
        let v = s.word(i);
        if s.counts[i] < s.target.max(floor) || v.len() < MIN_LEN {
            continue;
        }
        let (b, v) = (w.as_bytes(), v.as_bytes());
        let alike = !key.is_empty() && sound(s.word(i)) == key && respelling(b, v);
        let rank = match (one_edit(b, v), alike) {
            (true, _) if likely_slip(b, v) => 0,
            (_, true) => 1,
            (true, false) => 2,
            (false, false) => continue,
        };
        if own.is_some() && rank > 0 {
            continue;
        }
        if best.is_none_or(|(r, j)| rank < r || (rank == r && s.before(i, j))) {
            best = Some((rank, i));
        }
    }
    best.map(|(_, i)| s.word(i).to_string())
}

#[test]
fn the_indexes_find_what_scanning_every_word_finds() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    // a few letters, so that words crowd each other one edit apart
    let letters = b"aeiostpnrkf";
    let word = |rng: &mut rand_chacha::ChaCha8Rng, n: usize| -> String {
        (0..n)
            .map(|_| letters[rng.gen_range(0..letters.len())] as char)
            .collect()
    };
    let mut vocab = std::collections::BTreeMap::new();
    for _ in 0..3000 {
        let n = rng.gen_range(3..8);
        let w = word(&mut rng, n);
        let c = [1, 2, 5, 9, 40, 300, 2500][rng.gen_range(0..7)];
        vocab.insert(w, c);
    }
    vocab.insert("stopper".into(), 90_000);
    let mut probes: Vec<String> = vocab.keys().cloned().collect();
    for _ in 0..3000 {
        let n = rng.gen_range(2..9);
        probes.push(word(&mut rng, n));
    }
    for revision in [3, 4] {
        let s = Speller::new(vocab.clone(), revision);
        let mut corrected = 0;
        for w in &probes {
            let want = by_scanning(&s, w);
            corrected += want.is_some() as usize;
            assert_eq!(s.correct(w).map(str::to_string), want, "{w}");
        }
        // the probes exercise the rules, known words included
        assert!(corrected > 500, "{corrected}");
        assert!(vocab.keys().any(|w| s.correct(w).is_some()));
    }
}

/// `common` answers as the plain definition does, a correction target of `MIN_LEN` letters
/// or more, for words of the set, words outside it that its cached filter lets through, and
/// words it turns away.
#[test]
fn common_is_a_target_whatever_the_filter_says() {
    let letters = |mut i: usize| {
        let mut w = String::new();
        while w.len() < 3 || i > 0 {
            w.push((b'a' + (i % 26) as u8) as char);
            i /= 26;
        }
        w
    };
    let words: Vec<(String, u32)> = (0..30_000).map(|i| (letters(i), (i % 4) as u32)).collect();
    for revision in [3, 5] {
        let s = Speller::new(words.iter().cloned(), revision);
        let count: HashMap<&str, u32> = s.words().collect();
        for i in 0..60_000 {
            let w = letters(i);
            let plain = w.len() >= MIN_LEN && count.get(w.as_str()).is_some_and(|&c| c >= s.target);
            assert_eq!(s.common(&w), plain, "{w} at revision {revision}");
        }
    }
}

/// Two-letter words are counted from revision 7 only: a speller of revision 6 leaves them
/// out of its counts, and a word list of revision 6 holding one (a file that says revision 6
/// but was written otherwise) is refused, while revision 7 keeps and reads it.
#[test]
fn two_letter_words_are_known_from_revision_7_only() {
    use super::{counted, SHORT_REVISION};
    let counts = || [("th".to_string(), 3), ("that".to_string(), 90)];
    let before = Speller::new(counts(), SHORT_REVISION - 1);
    assert_eq!(before.words().collect::<Vec<_>>(), vec![("that", 90)]);
    let now = Speller::new(counts(), SHORT_REVISION);
    assert_eq!(
        now.words().collect::<Vec<_>>(),
        vec![("th", 3), ("that", 90)]
    );
    assert!(now.piece("th") && !before.piece("th"));
    let list = [("th", 3), ("that", 90)];
    assert!(Speller::from_sorted(list, SHORT_REVISION - 1).is_none());
    assert_eq!(Speller::from_sorted(list, SHORT_REVISION), Some(now));
    // one letter, digits or capitals are never counted
    for w in ["a", "t2", "Th"] {
        assert!(!counted(w, SHORT_REVISION), "{w}");
    }
}
