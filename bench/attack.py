#!/usr/bin/env python3
"""The attack suite on the abuse sets, gavel against scikit-learn (issue 6).

    bench/.venv/bin/python bench/attack.py [--all-words] [--all-rows]

For OLID, Kaggle insults, Davidson (hate or offensive = abusive) and Fox News: trains gavel
with its defaults on the bench's train split, runs `gavel attack --write-dir` on the test
split (which writes the clean set and one obfuscated copy per family: the abusive rows
disguised, or with --all-rows every row alike), then trains scikit-learn on the same train
split and scores the same files: the word TF-IDF model (word 1-2 grams, sublinear TF,
LogisticRegression C=4) and the bench's word+char pipeline. gavel is also trained against
typos (`--augment 1 --scramble-key --sound-key`, issue 23), with spelling correction
(`--spell`) and by the README's recipe against disguise (both, with `--c 1 --bits 24`), each
attacked on the same rows.
Prints the ROC-AUC change per family and writes bench/attack_results[_all_words][_all_rows].json.
"""
import csv
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GAVEL = ROOT / "target" / "release" / "gavel"
OUT = HERE / "out" / "attack"
SPLITS = HERE / "out" / "bench" / "splits"
csv.field_size_limit(10**9)


# gavel trained against typos (issue 23)
TYPO_FLAGS = ["--augment", "1", "--scramble-key", "--sound-key"]
# gavel correcting the spelling of words its training comments never used (issue 23)
SPELL_FLAGS = ["--spell"]
# the recipe for sites whose readers disguise words (README): spelling corrected, disguised
# copies of every class, C 1 and 2^24 buckets; chosen on dev splits of the training rows
# (bench/attack_dev.py) and 5-fold CV, docs/robustness.md
ROBUST_FLAGS = SPELL_FLAGS + TYPO_FLAGS + ["--c", "1", "--bits", "24"]


def data_dir() -> Path:
    import os
    return Path(os.environ.get("GAVEL_DATA_DIR", ROOT.parent / "shared" / "data"))


def read(path, fmt, text, label, positive):
    rows = []
    if fmt == "jsonl":
        for line in open(path, encoding="utf-8"):
            if line.strip():
                r = json.loads(line)
                rows.append((r[text], int(str(r[label]) == positive)))
        return rows
    delim = "\t" if fmt == "tsv" else ","
    quoting = csv.QUOTE_NONE if fmt == "tsv" else csv.QUOTE_MINIMAL
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter=delim, quoting=quoting):
            rows.append((r[text], int(r[label] in positive.split("|"))))
    return rows


def sets():
    d = data_dir()
    OUT.mkdir(parents=True, exist_ok=True)
    from datasets import DATASETS, MORE, split_files
    for name in ("olid_a", "davidson2017", "fox_news"):
        ds = {**DATASETS, **MORE}[name]
        if not (SPLITS / f"{name}.train.{ds['ext']}").exists():
            split_files(name, ds, GAVEL, SPLITS)
    # Davidson as one abusive label, on the bench's split
    for part in ("train", "test"):
        rows = read(SPLITS / f"davidson2017.{part}.csv", "csv", "tweet", "class", "0|1")
        with open(OUT / f"davidson.{part}.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["text", "abusive"])
            w.writerows(rows)
    return [
        ("olid", SPLITS / "olid_a.train.tsv", SPLITS / "olid_a.test.tsv", "tsv", "tweet", "subtask_a", "OFF"),
        ("kaggle", d / "kaggle_insults/train.csv", d / "kaggle_insults/test_with_solutions.csv", "csv", "Comment", "Insult", "1"),
        ("davidson", OUT / "davidson.train.csv", OUT / "davidson.test.csv", "csv", "text", "abusive", "1"),
        ("fox", SPLITS / "fox_news.train.jsonl", SPLITS / "fox_news.test.jsonl", "jsonl", "text", "label", "1"),
    ]


def train_gavel(gavel, name, data, fmt, text, label, pos, flags, out):
    """Trains gavel with `flags` on one of the sets of `sets()` (its label flags: Davidson's
    0/1 column, OLID's positive class)."""
    lab = ["--label", label] if name != "davidson" else ["--labels", label]
    if name == "olid":
        lab += ["--positive", pos]
    subprocess.check_call([str(gavel), "-q", "train", "--data", str(data), "--data-format", fmt,
                           "--text", text, *lab, *flags, "-o", str(out)])


def sklearn_models(texts, labels):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union
    word = make_pipeline(TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True),
                         LogisticRegression(C=4.0, max_iter=2000)).fit(texts, labels)
    both = make_pipeline(make_union(
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
        LogisticRegression(C=4.0, max_iter=2000)).fit(texts, labels)
    return {"sklearn_word": word, "sklearn_word_char": both}


def main():
    from sklearn.metrics import roc_auc_score
    all_words = "--all-words" in sys.argv
    all_rows = "--all-rows" in sys.argv
    subprocess.check_call(["cargo", "build", "--release", "-q"], cwd=ROOT)
    results = {"all_words": all_words, "all_rows": all_rows, "sets": {}}
    for name, train, test, fmt, text, label, pos in sets():
        files = OUT / f"{name}.files"
        row = {}
        for key, flags in [("gavel", []), ("gavel_typos", TYPO_FLAGS), ("gavel_spell", SPELL_FLAGS),
                           ("gavel_robust", ROBUST_FLAGS)]:
            m = OUT / f"{name}.{key}.gavel"
            train_gavel(GAVEL, name, train, fmt, text, label, pos, flags, m)
            rdir = OUT / f"{name}.{key}.report"
            cmd = [str(GAVEL), "-q", "attack", "--model", str(m), "--data", str(test), "--data-format", fmt,
                   "--write-dir", str(files), "--format", "json", "--out", str(rdir)]
            if all_words:
                cmd.append("--all-words")
            if all_rows:
                cmd += ["--protocol", "all-rows"]
            subprocess.run(cmd)  # exits 1 when a family is over the floor; the report is written
            rep = json.load(open(rdir / "report.json"))
            row[key] = {"clean": rep["clean_roc_auc"], **{f["family"]: f["auc_drop"] for f in rep["families"]}}
        tr = read(train, fmt, text, label, pos)
        peers = sklearn_models([t for t, _ in tr], [y for _, y in tr])
        for pname, m in peers.items():
            clean = read(files / "clean.csv", "csv", "text", "label", "1")
            base = roc_auc_score([y for _, y in clean], m.predict_proba([t for t, _ in clean])[:, 1])
            row[pname] = {"clean": base}
            for f in rep["families"]:
                rows = read(files / f"{f['family']}.csv", "csv", "text", "label", "1")
                auc = roc_auc_score([y for _, y in rows], m.predict_proba([t for t, _ in rows])[:, 1])
                row[pname][f["family"]] = auc - base
        results["sets"][name] = row
        fams = [f["family"] for f in rep["families"]]
        print(f"\n{name} ({'every word' if all_words else 'abusive vocabulary'}, "
              f"{'every row' if all_rows else 'abusive rows'}): ROC-AUC change per family")
        print(f"{'model':18} {'clean':>7} " + " ".join(f"{x[:10]:>10}" for x in fams))
        for pname, v in row.items():
            print(f"{pname:18} {v['clean']:7.4f} " + " ".join(f"{v[x]:+10.4f}" for x in fams))
    out = HERE / ("attack_results" + ("_all_words" if all_words else "") + ("_all_rows" if all_rows else "")
                  + ".json")
    out.write_text(json.dumps(results, indent=1) + "\n")
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
