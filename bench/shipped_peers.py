#!/usr/bin/env python3
"""The shipped abuse recipe against its peers, per source, on the model card's held-out rows.

    bash models/build.sh && python3 bench/shipped_peers.py   # creates bench/.venv if needed

build.sh splits every abuse source (models/prepare.py abuse) 80/20, stratified by source,
seed 42, and trains the shipped recipe on the 80% (target/models-data/abuse.heldout.gavel).
On the same 80% rows (identity-neutral rows included, as gavel sees them) this trains, per
head, on the rows that label it:
- scikit-learn's word (1,2) + char_wb (2,5) TF-IDF LogisticRegression, C 1 and 4, reporting
  the better of the two on each set (its most favourable setting, chosen on the test rows);
- gavel's previous recipe (the four English sources only, one head; what shipped before
  issue 21);
and scores the 20% with them and with alt-profanity-check (PyPI; a pre-trained linear model,
not retrained). ROC-AUC per source and head: `abusive` rows scored by each engine's abuse
score, `aggressive` (TRAC) rows by p_aggressive and by p_abusive, `hate` rows by p_hate.
Each cell also gets gavel's margin over the best peer on it (scikit-learn at its better C,
or alt-profanity-check) with a 95% interval from a paired bootstrap of the held-out rows
(2,000 resamples, positives and negatives resampled apart, seed 42): how much of a margin
this many rows can tell from none.
Writes bench/shipped_peers.json, which docs/render.py renders.
"""
import csv
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from benchenv import ensure_venv  # noqa: E402

ensure_venv(__file__)

import numpy as np  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from anchors import sklearn_pipeline  # noqa: E402

csv.field_size_limit(10**9)
TMP = ROOT / "target" / "models-data"
G = str(ROOT / "target" / "release" / "gavel")
HEADS = ("abusive", "hate", "aggressive")
ENGLISH = ("olid", "davidson", "kaggle", "fox")


def rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write(path, rs, fields):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rs)


def gavel_scores(model, test):
    out = TMP / f"peers.{Path(model).stem}.scored.csv"
    subprocess.check_call([G, "-q", "score", "--model", str(model), str(test), "-o", str(out)])
    return rows(out)


def auc(y, p):
    y = np.asarray(y)
    return float(roc_auc_score(y, p)) if 0 < y.sum() < len(y) else None


def paired_interval(y, a, b, reps=2000, seed=42):
    """95% interval of AUC(a) - AUC(b) over the same resampled rows, classes resampled apart."""
    y, a, b = np.asarray(y), np.asarray(a), np.asarray(b)
    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(reps):
        i = np.concatenate([rng.choice(pos, len(pos)), rng.choice(neg, len(neg))])
        diffs.append(roc_auc_score(y[i], a[i]) - roc_auc_score(y[i], b[i]))
    lo, hi = np.percentile(diffs, [2.5, 97.5])
    return float(lo), float(hi)


def main():
    train = rows(TMP / "abuse.train.csv") + rows(TMP / "identity_neutral.csv")
    test_path = TMP / "abuse.test.csv"
    test = rows(test_path)
    texts = [r["text"] for r in test]
    scores = {}  # engine -> output -> list of scores over test rows

    # gavel, the shipped recipe on the 80% (trained by build.sh)
    g = gavel_scores(TMP / "abuse.heldout.gavel", test_path)
    scores["gavel"] = {h: [float(r[f"p_{h}"]) for r in g] for h in HEADS}
    # gavel's previous recipe: the four English sources, one head, default C
    old_train = TMP / "peers.old.train.csv"
    write(old_train, [r for r in train if r["source"] in ENGLISH or
                      (r["source"] == "identity-neutral" and r["lang"] == "en")], ["text", "abusive"])
    old = TMP / "peers.old.gavel"
    subprocess.check_call([G, "-q", "train", "--data", str(old_train), "--labels", "abusive", "--bits", "20",
                           "--min-df", "2", "-o", str(old)])
    scores["gavel_previous"] = {"abusive": [float(r["p_abusive"]) for r in gavel_scores(old, test_path)]}
    # scikit-learn, one model per head on the rows that label it, C 1 and 4
    for C in (1.0, 4.0):
        s = {}
        for h in HEADS:
            lab = [r for r in train if r[h] != ""]
            m = sklearn_pipeline(C).fit([r["text"] for r in lab], [int(r[h]) for r in lab])
            s[h] = list(m.predict_proba(texts)[:, 1])
        scores[f"sklearn_C{C:g}"] = s
    # alt-profanity-check: its shipped model, as users call it
    from profanity_check import predict_prob
    scores["alt_profanity_check"] = {"abusive": list(predict_prob(texts))}

    out = {}
    sources = sorted({r["source"] for r in test})
    for src in sources:
        idx = [i for i, r in enumerate(test) if r["source"] == src]
        for h in HEADS:
            lab = [i for i in idx if test[i][h] != ""]
            if not lab:
                continue
            y = [int(test[i][h]) for i in lab]
            cell = {"rows": len(lab), "positives": sum(y)}
            for engine, s in scores.items():
                for o in (h, "abusive"):
                    if o in s:
                        cell[f"{engine}:p_{o}"] = auc(y, [s[o][i] for i in lab])
            sk = [cell[k] for k in (f"sklearn_C1:p_{h}", f"sklearn_C4:p_{h}") if cell.get(k) is not None]
            cell[f"sklearn_best:p_{h}"] = max(sk) if sk else None
            peers = [(cell[f"sklearn_C{c}:p_{h}"], f"sklearn_C{c}", h) for c in ("1", "4")
                     if cell.get(f"sklearn_C{c}:p_{h}") is not None]
            if cell.get("alt_profanity_check:p_abusive") is not None:
                peers.append((cell["alt_profanity_check:p_abusive"], "alt_profanity_check", "abusive"))
            if peers and cell.get(f"gavel:p_{h}") is not None:
                _, peer, o = max(peers)
                lo, hi = paired_interval(y, [scores["gavel"][h][i] for i in lab], [scores[peer][o][i] for i in lab])
                cell["margin"] = {"peer": peer, "diff": cell[f"gavel:p_{h}"] - cell[f"{peer}:p_{o}"],
                                  "lo": lo, "hi": hi}
            out.setdefault(src, {})[h] = cell
            print(src, h, {k: (round(v, 4) if isinstance(v, float) else v) for k, v in cell.items()})
    (HERE / "shipped_peers.json").write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
