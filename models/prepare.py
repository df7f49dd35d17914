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
