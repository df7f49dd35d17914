#!/usr/bin/env python3
"""Synthetic-size workloads made from the real texts in GAVEL_DATA_DIR, by cycling them.

    python3 bench/corpus.py score N OUT.csv    # id,text: N comments, the texts of every set in turn
    python3 bench/corpus.py train N OUT.csv    # text,abusive: N labelled rows of the abuse sets

The English texts are read in a fixed order (OLID, Davidson, Kaggle train+test, Fox News, SemEval,
SST-2) and repeated until N rows, so the same N gives the same bytes. Standard library only.
"""
import csv
import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "models"))
from prepare import data_dir, english_abuse  # noqa: E402

csv.field_size_limit(10**9)


def all_texts():
    out = [t for t, _, _ in english_abuse(data_dir()) if t.strip()]
    d = data_dir()
    with open(d / "semeval2016_stance/train.utf8.tsv", encoding="utf-8", newline="") as f:
        out += [r["Tweet"] for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]
    with open(d / "sst2/train.tsv", encoding="utf-8", newline="") as f:
        out += [r["sentence"] for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]
    return [t for t in out if t.strip()]


def main():
    kind, n, out = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        if kind == "score":
            w.writerow(["id", "text"])
            for i, t in enumerate(itertools.islice(itertools.cycle(all_texts()), n)):
                w.writerow([i, t])
        elif kind == "train":
            w.writerow(["text", "abusive"])
            rows = [(t, y) for t, y, _ in english_abuse(data_dir()) if t.strip()]
            for t, y in itertools.islice(itertools.cycle(rows), n):
                w.writerow([t, y])
        else:
            sys.exit(f"unknown workload '{kind}': use score or train")


if __name__ == "__main__":
    main()
