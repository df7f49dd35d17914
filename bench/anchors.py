#!/usr/bin/env python3
"""Quality anchors: scikit-learn's TF-IDF word+char n-grams + LogisticRegression against
gavel, on the same fixed-seed splits of every labelled set, measured in one run.

    python3 bench/anchors.py            # creates bench/.venv with scikit-learn if needed
    python3 bench/anchors.py --check    # exit 1 if gavel is below scikit-learn anywhere

Writes bench/anchors.json (read by tests/quality.rs) and prints a table.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


sys.path.insert(0, str(HERE))
from benchenv import ensure_venv  # noqa: E402

ensure_venv(__file__)

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import f1_score, roc_auc_score  # noqa: E402
from sklearn.pipeline import make_pipeline, make_union  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

sys.path.insert(0, str(HERE))
from datasets import DATASETS, data_dir, split_files  # noqa: E402

GAVEL = ROOT / "target" / "release" / "gavel"
OUT = HERE / "out"


def sha256(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def read(path: Path, ext: str) -> pd.DataFrame:
    if ext == "tsv":
        return pd.read_csv(path, sep="\t", quoting=3, dtype=str, keep_default_na=False)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def sklearn_pipeline(C: float, model: str = "lr"):
    """The strongest linear peer: word (1,2) + char_wb (2,5) TF-IDF, sublinear, L2 LR
    (or LinearSVC, the issue's other per-target stance baseline)."""
    vec = make_union(
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, lowercase=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, lowercase=True),
    )
    clf = LinearSVC(C=C) if model == "svc" else LogisticRegression(C=C, max_iter=2000)
    return make_pipeline(vec, clf)


def metrics(y_true, y_pred, proba, classes, positive=None):
    out = {
        "macro_f1": f1_score(y_true, y_pred, average="macro"),
        "weighted_f1": f1_score(y_true, y_pred, average="weighted"),
        "accuracy": float(np.mean(np.asarray(y_true) == np.asarray(y_pred))),
    }
    if positive is not None:
        out["roc_auc"] = roc_auc_score(np.asarray(y_true) == positive, proba[:, list(classes).index(positive)])
    if "FAVOR" in classes and "AGAINST" in classes:
        f = f1_score(y_true, y_pred, labels=["FAVOR", "AGAINST"], average=None)
        out["f_avg"] = float(np.mean(f))
    return out


def run_sklearn(ds, tr, te, C, model="lr"):
    a, b = read(tr, ds["ext"]), read(te, ds["ext"])
    t0 = time.perf_counter()
    y_true, y_pred, probas = [], [], []
    groups = sorted(a[ds["target"]].unique()) if "target" in ds else [None]
    classes = sorted(a[ds["label"]].unique())
    for g in groups:
        ga = a if g is None else a[a[ds["target"]] == g]
        gb = b if g is None else b[b[ds["target"]] == g]
        m = sklearn_pipeline(C, model).fit(ga[ds["text"]], ga[ds["label"]])
        p = m.decision_function(gb[ds["text"]]) if model == "svc" else m.predict_proba(gb[ds["text"]])
        if p.ndim == 1:  # a binary LinearSVC's margin: one column, for the second class
            p = np.column_stack([-p, p])
        full = np.zeros((len(gb), len(classes)))
        for j, c in enumerate(m.classes_):
            full[:, classes.index(c)] = p[:, j]
        probas.append(full)
        y_pred += list(m.predict(gb[ds["text"]]))
        y_true += list(gb[ds["label"]])
    secs = time.perf_counter() - t0
    positive = classes[1] if len(classes) == 2 else None
    return metrics(y_true, y_pred, np.vstack(probas), classes, positive), secs


def run_gavel(name, ds, tr, te):
    model = OUT / f"{name}.gavel"
    rep = OUT / f"{name}.report"
    cmd = [str(GAVEL), "-q", "train", "--data", str(tr), "--text", ds["text"], "--label", ds["label"], "-o", str(model)]
    if "target" in ds:
        cmd += ["--target", ds["target"]]
    t0 = time.perf_counter()
    subprocess.check_call(cmd)
    secs = time.perf_counter() - t0
    subprocess.check_call([str(GAVEL), "-q", "eval", "--model", str(model), "--data", str(te), "--out", str(rep)])
    h = json.loads((rep / "report.json").read_text())["heads"][0]
    return {k: h[k] for k in ("macro_f1", "weighted_f1", "accuracy", "roc_auc", "f_avg") if h.get(k) is not None}, secs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true", help="exit 1 when gavel is below scikit-learn")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--C", type=float, default=None, help="scikit-learn LR C (default: best of 1 and 4 on the test split, its most favourable setting; for stance also LinearSVC C 0.3 and 1)")
    args = ap.parse_args()
    if not data_dir().is_dir():
        print(f"skipped: no data at {data_dir()}")
        return 1 if os.environ.get("CI") == "true" else 0
    if not args.no_build:
        subprocess.check_call(["cargo", "build", "--release", "-q"], cwd=ROOT)
    OUT.mkdir(exist_ok=True)
    results = {}
    failed = []
    print(f"{'dataset':20} {'metric':12} {'sklearn':>8} {'gavel':>8}  {'sk fit s':>8} {'gavel fit s':>11}")
    for name, ds in DATASETS.items():
        tr, te = split_files(name, ds, GAVEL, OUT / "splits")
        best = None
        candidates = [("lr", C) for C in ([args.C] if args.C else [1.0, 4.0])]
        if "target" in ds:  # stance: the floor is LogisticRegression / LinearSVC per target
            candidates += [("svc", C) for C in (0.3, 1.0)]
        for model, C in candidates:
            m, secs = run_sklearn(ds, tr, te, C, model)
            if best is None or m[ds["metric"]] > best[0][ds["metric"]]:
                best = (m, secs, C, model)
        sk, sk_secs, sk_C, sk_model = best
        gv, gv_secs = run_gavel(name, ds, tr, te)
        metric = ds["metric"]
        results[name] = {
            "metric": metric,
            "train_file": str(tr.relative_to(data_dir()) if tr.is_relative_to(data_dir()) else tr.name),
            "test_sha256": sha256(te),
            "sklearn": {**sk, "C": sk_C, "model": sk_model, "fit_seconds": sk_secs},
            "gavel": {**gv, "fit_seconds": gv_secs},
        }
        print(f"{name:20} {metric:12} {sk[metric]:8.4f} {gv[metric]:8.4f}  {sk_secs:8.2f} {gv_secs:11.2f}")
        for extra in ("macro_f1", "roc_auc"):
            if extra != metric and extra in sk and extra in gv and name in ("olid_a", "kaggle_insults"):
                print(f"{'':20} {extra:12} {sk[extra]:8.4f} {gv[extra]:8.4f}")
                if gv[extra] < sk[extra]:
                    failed.append(f"{name} {extra}")
        if gv[metric] < sk[metric]:
            failed.append(f"{name} {metric}")
    (HERE / "anchors.json").write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    if failed:
        print("gavel below scikit-learn on: " + ", ".join(failed))
        return 1 if args.check else 0
    print("gavel at or above scikit-learn on every dataset")
    return 0


if __name__ == "__main__":
    sys.exit(main())
