#!/usr/bin/env python3
"""Writes the training CSV of a shipped model from the data in GAVEL_DATA_DIR.

    python3 models/prepare.py abuse|stance|sentiment|lang OUT.csv
    python3 models/prepare.py abuse OUT.csv --exclude trac1_en,trac1_hi,trac2_eng,trac2_hin

Every file has a `text` column, the column the shipped models read, so that
`gavel extract page.txt | gavel score --model models/<name>.gavel` needs no --text.

abuse      text, source, lang, abusive, hate, aggressive (0/1; empty where the source does not
           label it, so the row takes no part in that head): every abuse source at hand, in
           this order (models/README.md gives the why of each mapping):
             OLID subtask_a: OFF -> abusive 1, NOT -> 0
             Davidson class: 0 hate speech, 1 offensive language -> abusive 1, 2 neither -> 0;
               hate: class 0 -> 1, else 0
             Kaggle insults (train.csv and test_with_solutions.csv): Insult -> abusive
             Fox News comments: label 1 (hateful) -> abusive 1, 0 -> 0
             HASOC 2019 en: task_1 HOF -> abusive 1, NOT -> 0; task_2 HATE -> hate 1, else 0
             TweetEval hate (train, val): hate label only; abusive unknown (a post that is
               not hateful may still be offensive)
             RUHSOLD task 1 (train, validation): label 0 (abusive) -> abusive 1, 1 -> 0
             Roman Urdu sentiment (UCI, 80% part), Positive and Neutral rows -> abusive 0;
               hate, aggressive unknown (ordinary Roman Urdu, so that the language is no cue
               of abuse; Negative rows left out, some insult)
             TRAC-1, TRAC-2 (en, hi; train, dev): OAG/CAG -> aggressive 1, NAG -> 0; abusive
               unknown (mapping OAG -> abusive 1, NAG -> 0 was measured and rejected: it
               teaches p_abusive that naming a nation or a faith in a political thread is
               abuse, and the identity audit's neutral flags rose fivefold; models/README.md)
           lang: en for the English sets, ur-Latn for RUHSOLD and the TRAC Hindi sets (Roman
           Urdu/Hindi, as gavel's `lang` output names them).
stance     text, target, stance: SemEval-2016 Task 6 train.utf8.tsv (Tweet, Target, Stance
           FAVOR/AGAINST/NONE), in file order.
stance-general  text, source, target, stance, group, seen, joint: the general stance model's rows,
           every stance set at hand in this order: SemEval-2016 (train.utf8.tsv, the
           organisers' "#SemST" marker removed: it is on every SemEval tweet and on no other,
           so it would teach the model SemEval's class balance), P-Stance (train, val; FAVOR /
           AGAINST only), COVID-19 stance (train, val), VAST (dev). `group` is the target, or
           for VAST one of five parts by comment (vast0..vast4); `seen` is VAST's zero-shot
           (0) / few-shot (1) flag. `joint` is the part whose targets share one joint fit of
           their own heads (`train --joint-by joint`): the source, except that P-Stance and
           VAST share one ("pstance+vast": in 5-fold CV P-Stance's own heads gained from
           VAST's rows, mean F_avg 0.749 against 0.741 with a joint fit of its own;
           docs/design.md).
           --exclude-target T1,T2 leaves out every row of those targets (the
           leave-one-target-out recipe).
sentiment  text, source, lang, sentiment (negative / neutral / positive), in this order: SST-2
           train.tsv (label 1 -> positive, 0 -> negative; en), the TweetEval sentiment
           validation tweets (0 negative, 1 neutral, 2 positive; en) and the Roman Urdu
           sentiment set (UCI, its 80% part: Positive / Negative / Neutral, the upstream typo
           "Neative" read as negative; ur-Latn). SST-2 has two classes because its makers left
           the neutral sentences out, not because its phrases cannot be neutral: its rows keep
           their label, and the neutral class is learnt from the three-class sources (the
           class weights balance the three classes; models/README.md).
lang       text, lang, source: the language identifier's rows, Latin-script text only (the other
           scripts are told by their letters): en from the English abuse sets above (OLID,
           Davidson, Kaggle, Fox News, HASOC, HatEval); ur-Latn from RUHSOLD (train,
           validation) and the Roman Urdu sentiment set (UCI, its 80% part), less the rows
           whose every word occurs in 30 or more English rows ("Thank you so much", "Nice",
           "lol": those sets label by source, not by row). English rows come first, in source
           order, then the Roman Urdu ones. TRAC is left out:
           its English set holds Roman Hindi and its Hindi set English, unlabelled which.

Nothing is dropped but rows with empty text. Standard library only, so it runs anywhere the
data is.
"""
import csv
import json
import re
from collections import Counter
import os
import sys
from pathlib import Path

csv.field_size_limit(10**9)


def data_dir() -> Path:
    return Path(os.environ.get("GAVEL_DATA_DIR", Path(__file__).resolve().parent.parent.parent / "shared" / "data"))


def tsv(path):
    with open(path, encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)


def english_abuse(d):
    """The four English sources of the first shipped model: (text, abusive, source)."""
    for r in tsv(d / "olid/olid-training-v1.0.tsv"):
        yield r["tweet"], int(r["subtask_a"] == "OFF"), "olid"
    with open(d / "davidson2017/labeled_data.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            yield r["tweet"], int(r["class"] in ("0", "1")), "davidson"
    for name in ("train.csv", "test_with_solutions.csv"):
        with open(d / "kaggle_insults" / name, encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                yield r["Comment"], int(r["Insult"]), "kaggle"
    with open(d / "fox_news_comments/fox-news-comments.json", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                yield r["text"], int(r["label"]), "fox"


def lines(path):
    with open(path, encoding="utf-8", newline="") as f:
        return [l.rstrip("\r\n") for l in f]


def uci(d):
    """The UCI Roman Urdu sentiment rows (80% part) as (text, class): negative, neutral or
    positive (the upstream typo "Neative" read as negative)."""
    names = {"Positive": "positive", "Negative": "negative", "Neative": "negative", "Neutral": "neutral"}
    with open(d / "roman_urdu_sentiment_uci/roman_urdu_dataset_train80.csv", encoding="utf-8", newline="") as f:
        for r in csv.reader(f):
            if r:
                yield r[0], names[r[1].strip()]


def abuse(d):
    def row(text, source, lang, abusive="", hate="", aggressive=""):
        return text, source, lang, abusive, hate, aggressive

    for text, y, source in english_abuse(d):
        if source != "davidson":
            yield row(text, source, "en", y)
    with open(d / "davidson2017/labeled_data.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            yield row(r["tweet"], "davidson", "en", int(r["class"] in ("0", "1")), int(r["class"] == "0"))
    for r in tsv(d / "hasoc2019_en/english_dataset.tsv"):
        yield row(r["text"], "hasoc", "en", int(r["task_1"] == "HOF"), int(r["task_2"] == "HATE"))
    for part in ("train", "val"):
        for text, y in zip(lines(d / f"tweeteval_hate/{part}_text.txt"), lines(d / f"tweeteval_hate/{part}_labels.txt")):
            hate = int(y.strip())
            yield row(text, "tweeteval_hate", "en", hate=hate)
    for part in ("train", "validation"):
        for line in lines(d / f"ruhsold/task_1_{part}.tsv"):
            if line.strip():
                text, y = line.rsplit("\t", 1)
                yield row(text, "ruhsold", "ur-Latn", int(y.strip() == "0"))
    # ordinary Roman Urdu: the UCI sentiment set's positive and neutral rows (news sentences,
    # greetings, reviews) as neither abusive, hateful nor aggressive; without them the only
    # non-abusive Roman Urdu is RUHSOLD's and TRAC's, and the language itself reads as a cue
    # of abuse (models/README.md). Its negative rows are left out: some of them insult.
    for text, label in uci(d):
        if label in ("positive", "neutral"):
            yield row(text, "roman_urdu_uci", "ur-Latn", 0)
    for lang, code in (("en", "en"), ("hi", "ur-Latn")):
        for part in ("train", "dev"):
            with open(d / f"trac1/agr_{lang}_{part}.csv", encoding="utf-8", newline="") as f:
                for r in csv.reader(f):
                    if len(r) >= 3:
                        cls = r[2].strip()
                        yield row(r[1], f"trac1_{lang}", code, aggressive=int(cls in ("OAG", "CAG")))
    for lang, code in (("eng", "en"), ("hin", "ur-Latn")):
        for part in ("train", "dev"):
            with open(d / f"trac2/trac2_{lang}_{part}.csv", encoding="utf-8", newline="") as f:
                for r in csv.DictReader(f):
                    cls = r["Sub-task A"].strip()
                    yield row(r["Text"], f"trac2_{lang}", code, aggressive=int(cls in ("OAG", "CAG")))


def latin(text):
    """Whether most of the letters are Latin (as gavel's script rule decides)."""
    letters = [c for c in text if c.isalpha()]
    return sum(c.isascii() or "\u00c0" <= c <= "\u024f" for c in letters) * 2 > len(letters)


def lang(d):
    en, ur = [], []
    for text, source, code, *_ in abuse(d):
        if source in ("olid", "davidson", "kaggle", "fox", "hasoc", "tweeteval_hate", "ruhsold") and latin(text):
            (ur if code == "ur-Latn" else en).append((text, code, source))
    ur += [(text, "ur-Latn", "roman_urdu_uci") for text, _ in uci(d) if latin(text)]
    # the Roman Urdu sets are labelled by source, not by row: a row whose every word is common
    # English ("Thank you so much", "Nice", "lol") is English or no language, and is left out
    words = lambda t: set(re.findall(r"[a-z]+", t.lower()))
    counts = Counter(w for t, _, _ in en for w in words(t))
    common = {w for w, c in counts.items() if c >= 30}
    yield from en
    yield from (row for row in ur if not words(row[0]) <= common)


def stance(d):
    for r in tsv(d / "semeval2016_stance/train.utf8.tsv"):
        yield r["Tweet"], r["Target"], r["Stance"]


# the stance sets that share one joint fit of their own heads (the `joint` column)
JOINT = {"pstance": "pstance+vast", "vast": "pstance+vast"}


def stance_general(d):
    """stance_rows with the `joint` column: the source, or the part JOINT maps it to."""
    for row in stance_rows(d):
        yield *row, JOINT.get(row[1], row[1])


def stance_rows(d):
    """Every stance set at hand: SemEval-2016 (without the organisers' #SemST marker), P-Stance
    and COVID-19 (train and val), VAST (dev). `group` is what leave-one-out takes away: the
    target for the named-target sets; for VAST, whose 497 topics mostly have a row or two, one
    of five parts by comment (crc32 of the text), so that no comment is on both sides."""
    import zlib
    for r in tsv(d / "semeval2016_stance/train.utf8.tsv"):
        text = r["Tweet"].replace("#SemST", "").strip()
        yield text, "semeval2016", r["Target"], r["Stance"], r["Target"], ""
    for name in ("pstance", "covid19_stance"):
        for split in ("train", "val"):
            with open(d / name / f"raw_{split}_all_onecol.csv", encoding="utf-8", newline="") as f:
                for r in csv.DictReader(f):
                    yield r["Tweet"], name, r["Target 1"], r["Stance 1"], r["Target 1"], ""
    with open(d / "vast/vast_dev.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            part = zlib.crc32(r["Tweet"].encode("utf-8")) % 5
            yield r["Tweet"], "vast", r["Target 1"], r["Stance 1"], f"vast{part}", r["seen?"]


def sentiment(d):
    # the file has CRLF line ends: strip the CR the TSV reader leaves on the last field
    for r in tsv(d / "sst2/train.tsv"):
        yield r["sentence"].rstrip("\r"), "sst2", "en", {"1": "positive", "0": "negative"}[r["label"].strip()]
    te = d / "tweeteval_sentiment"
    names = {"0": "negative", "1": "neutral", "2": "positive"}
    for text, label in zip(lines(te / "val_text.txt"), lines(te / "val_labels.txt"), strict=True):
        yield text, "tweeteval_sentiment", "en", names[label.strip()]
    for text, label in uci(d):
        yield text, "roman_urdu_uci", "ur-Latn", label


SETS = {
    "abuse": (["text", "source", "lang", "abusive", "hate", "aggressive"], abuse),
    "stance": (["text", "target", "stance"], stance),
    "stance-general": (["text", "source", "target", "stance", "group", "seen", "joint"], stance_general),
    "sentiment": (["text", "source", "lang", "sentiment"], sentiment),
    "lang": (["text", "lang", "source"], lang),
}


def main():
    args = sys.argv[1:]
    exclude, exclude_targets = set(), set()
    while len(args) >= 4 and args[-2] in ("--exclude", "--exclude-target"):
        (exclude if args[-2] == "--exclude" else exclude_targets).update(args[-1].split(","))
        args = args[:-2]
    if len(args) != 2 or args[0] not in SETS:
        sys.exit(f"usage: prepare.py {'|'.join(SETS)} OUT.csv [--exclude SOURCE,...] [--exclude-target TARGET,...]")
    header, rows = SETS[args[0]]
    with open(args[1], "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for row in rows(data_dir()):
            # abuse: leave out the named sources (e.g. the non-commercial TRAC sets)
            if row[0].strip() and not (exclude and row[1] in exclude):
                # stance-general: leave out every row of the named targets
                if not (exclude_targets and row[2] in exclude_targets):
                    w.writerow(row)


if __name__ == "__main__":
    main()
