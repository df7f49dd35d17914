#!/usr/bin/env python3
"""Merges the abuse datasets in GAVEL_DATA_DIR into one training CSV with one label.

    python3 models/prepare_abuse.py OUT.csv

Columns: text, abusive (0/1), source. Label mapping (see models/README.md):
  OLID subtask_a: OFF -> 1, NOT -> 0
  Davidson class: 0 hate speech -> 1, 1 offensive language -> 1, 2 neither -> 0
  Kaggle insults (train.csv and test_with_solutions.csv): Insult 1 -> 1, 0 -> 0
  Fox News comments: label 1 (hateful) -> 1, 0 -> 0
Rows keep the order above; nothing is dropped but rows with empty text.
Standard library only, so it runs anywhere the data is.
"""
import csv
import json
import os
import sys
from pathlib import Path

csv.field_size_limit(10**9)


def data_dir() -> Path:
    return Path(os.environ.get("GAVEL_DATA_DIR", Path(__file__).resolve().parent.parent.parent / "shared" / "data"))


def rows():
    d = data_dir()
    with open(d / "olid/olid-training-v1.0.tsv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
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


def main():
    out = Path(sys.argv[1])
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "abusive", "source"])
        for text, label, src in rows():
            if text.strip():
                w.writerow([text, label, src])


if __name__ == "__main__":
    main()
