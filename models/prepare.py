#!/usr/bin/env python3
"""Writes the training CSV of a shipped model from the data in GAVEL_DATA_DIR.

    python3 models/prepare.py abuse|stance|sentiment OUT.csv

Every file has a `text` column, the column the shipped models read, so that
`gavel extract page.txt | gavel score --model models/<name>.gavel` needs no --text.

abuse      text, abusive (0/1), source. Label mapping (models/README.md):
             OLID subtask_a: OFF -> 1, NOT -> 0
             Davidson class: 0 hate speech -> 1, 1 offensive language -> 1, 2 neither -> 0
             Kaggle insults (train.csv and test_with_solutions.csv): Insult 1 -> 1, 0 -> 0
             Fox News comments: label 1 (hateful) -> 1, 0 -> 0
           Rows keep the order above.
stance     text, target, stance: SemEval-2016 Task 6 train.utf8.tsv (Tweet, Target, Stance
           FAVOR/AGAINST/NONE), in file order.
sentiment  text, sentiment: SST-2 train.tsv, label 1 -> positive, 0 -> negative, in file order.
abuse-pooled
           text, source, lang, abusive, hate, aggressive (0/1, empty where the source does not
           label it): every abuse source at hand, for leave-one-source-out measurement
           (`gavel cv --group source`; not yet what build.sh ships):
             the four sources of `abuse` above (abusive; Davidson also hate: class 0 -> 1)
             HASOC 2019 en: task_1 HOF -> abusive 1, NOT -> 0; task_2 HATE -> hate 1, else 0
             TweetEval hate (train, val): hate label; hate 1 -> abusive 1 (hate 0: abusive unknown)
             RUHSOLD task 1 (train, validation): label 0 (abusive) -> abusive 1, 1 -> 0
             TRAC-1, TRAC-2 (en, hi; train, dev): OAG/CAG -> aggressive 1, NAG -> 0

Nothing is dropped but rows with empty text. Standard library only, so it runs anywhere the
data is.
"""
import csv
import json
import os
import sys
from pathlib import Path

csv.field_size_limit(10**9)


def data_dir() -> Path:
    return Path(os.environ.get("GAVEL_DATA_DIR", Path(__file__).resolve().parent.parent.parent / "shared" / "data"))


def tsv(path):
    with open(path, encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)


def abuse(d):
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


def abuse_pooled(d):
    def row(text, source, lang, abusive="", hate="", aggressive=""):
        return text, source, lang, abusive, hate, aggressive

    for text, y, source in abuse(d):
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
            yield row(text, "tweeteval_hate", "en", 1 if hate else "", hate)
    for part in ("train", "validation"):
        for line in lines(d / f"ruhsold/task_1_{part}.tsv"):
            if line.strip():
                text, y = line.rsplit("\t", 1)
                yield row(text, "ruhsold", "ur-Latn", int(y.strip() == "0"))
    for lang, code in (("en", "en"), ("hi", "hi-Latn")):
        for part in ("train", "dev"):
            with open(d / f"trac1/agr_{lang}_{part}.csv", encoding="utf-8", newline="") as f:
                for r in csv.reader(f):
                    if len(r) >= 3:
                        yield row(r[1], f"trac1_{lang}", code, aggressive=int(r[2].strip() in ("OAG", "CAG")))
    for lang, code in (("eng", "en"), ("hin", "hi-Latn")):
        for part in ("train", "dev"):
            with open(d / f"trac2/trac2_{lang}_{part}.csv", encoding="utf-8", newline="") as f:
                for r in csv.DictReader(f):
                    yield row(r["Text"], f"trac2_{lang}", code, aggressive=int(r["Sub-task A"].strip() in ("OAG", "CAG")))


def stance(d):
    for r in tsv(d / "semeval2016_stance/train.utf8.tsv"):
        yield r["Tweet"], r["Target"], r["Stance"]


def sentiment(d):
    # the file has CRLF line ends: strip the CR the TSV reader leaves on the last field
    for r in tsv(d / "sst2/train.tsv"):
        yield r["sentence"].rstrip("\r"), {"1": "positive", "0": "negative"}[r["label"].strip()]


SETS = {
    "abuse": (["text", "abusive", "source"], abuse),
    "stance": (["text", "target", "stance"], stance),
    "sentiment": (["text", "sentiment"], sentiment),
    "abuse-pooled": (["text", "source", "lang", "abusive", "hate", "aggressive"], abuse_pooled),
}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in SETS:
        sys.exit(f"usage: prepare.py {'|'.join(SETS)} OUT.csv")
    header, rows = SETS[sys.argv[1]]
    with open(sys.argv[2], "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for row in rows(data_dir()):
            if row[0].strip():
                w.writerow(row)


if __name__ == "__main__":
    main()
