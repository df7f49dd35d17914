#!/usr/bin/env python3
"""gavel with Spark (issue 22): a model trained by `gavel.spark.train` (features in the
executors, heads by Spark MLlib) against `gavel train` on the same split, evaluated by the
same `gavel eval`; and `gavel.spark.score`'s rows per second on 1 and 2 local cores.

    bench/spark.sh            # GAVEL_DATA_DIR=../shared/data
    bench/spark.sh scoring    # only the scoring, into the same results

Training: each set's fixed split (bench/datasets.py: the official pair, or `gavel split`
80/20, seed 42), default flags for both engines (C = 4, balanced classes, 3 calibration
folds; MLlib's L-BFGS at most 200 iterations, tol 1e-6), Spark on local[2] with the
training file read as a DataFrame of 4 partitions. Wall seconds include Spark's session
start. Scoring: the 200,000-comment bench corpus read as a DataFrame, spread over 8
partitions and cached, scored with `models/abuse.gavel` to Spark's no-op sink; 3 runs per
core count, interleaved, medians.
Writes bench/spark_results.json.
"""
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from bench import GAVEL, OUT, interleaved, run  # noqa: E402
from datasets import DATASETS, split_files  # noqa: E402

MODEL = ROOT / "models" / "abuse.gavel"
WORK = OUT / "spark"
# partitions of the scored DataFrame (more than the cores of any master measured)
PARTITIONS = 8
csv.field_size_limit(10**9)


def session(master):
    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    s = (SparkSession.builder.master(master).config("spark.ui.enabled", "false")
         .config("spark.sql.shuffle.partitions", "4").config("spark.driver.memory", "8g")
         .getOrCreate())
    s.sparkContext.setLogLevel("ERROR")
    return s


def worker(spec):
    if spec["task"] == "train":
        import pandas as pd

        from gavel import spark as gspark

        t0 = time.perf_counter()
        s = session("local[2]")
        pdf = pd.read_csv(spec["train"], dtype=str, keep_default_na=False)
        df = s.createDataFrame(pdf[[spec["text"], spec["label"]]]).repartition(4)
        m = gspark.train(df, text=spec["text"], label=spec["label"], data_name=spec["name"])
        m.save(spec["model"])
        conv = m.info["training"]["convergence"]
        print(json.dumps({"seconds": time.perf_counter() - t0,
                          "iterations": max(c["iterations"] for c in conv),
                          "loss": [c["loss"] for c in conv]}))
        s.stop()
    elif spec["task"] == "score":
        print(json.dumps(score(spec["corpus"], spec["master"])))


def score(corpus, master):
    """Seconds and rows of `gavel.spark.score` on `corpus` read as a cached DataFrame of
    [`PARTITIONS`] partitions, with
    the shipped abuse model, to Spark's no-op sink (session start and a first pass that
    starts the workers excluded)."""
    from gavel import spark as gspark

    s = session(master)
    # a multi-line CSV is read as one partition: spread it so that every core has work
    df = (s.read.csv(str(corpus), header=True, multiLine=True, escape='"')
          .repartition(PARTITIONS).cache())
    n = df.count()
    # a first pass starts every core's Python worker and loads the model there
    gspark.score(df, MODEL).write.format("noop").mode("overwrite").save()
    t0 = time.perf_counter()
    gspark.score(df, MODEL).write.format("noop").mode("overwrite").save()
    seconds = time.perf_counter() - t0
    s.stop()
    return {"seconds": seconds, "rows": n}


def mine(spec):
    _, peak, out, err = run([sys.executable, __file__, "worker", json.dumps(spec)])
    if not out.strip():
        raise SystemExit(f"{spec['task']} failed:\n{err[-3000:]}")
    return {**json.loads(out.strip().splitlines()[-1]), "peak_rss_bytes": peak}


def evaluate(model, test, text):
    rep = WORK / (Path(model).stem + ".report")
    run([str(GAVEL), "-q", "eval", "--model", str(model), "--data", str(test), "--text", text,
         "--out", str(rep), "--format", "json"])
    h = json.loads((rep / "report.json").read_text())["heads"][0]
    return {k: h[k] for k in ("roc_auc", "macro_f1", "log_loss", "brier") if h.get(k) is not None}


def binary(src, dst, column, negative):
    """`src` with a 0/1 `abusive` column: 1 unless `column` is `negative`."""
    with open(src, encoding="utf-8", newline="") as f, open(dst, "w", encoding="utf-8", newline="") as g:
        r = csv.DictReader(f)
        w = csv.DictWriter(g, fieldnames=r.fieldnames + ["abusive"])
        w.writeheader()
        for row in r:
            w.writerow({**row, "abusive": int(row[column] != negative)})


def sets():
    WORK.mkdir(parents=True, exist_ok=True)
    ds = DATASETS["davidson2017"]
    tr, te = split_files("davidson2017", ds, GAVEL, WORK)
    btr, bte = WORK / "davidson_abusive.train.csv", WORK / "davidson_abusive.test.csv"
    binary(tr, btr, ds["label"], "2")
    binary(te, bte, ds["label"], "2")
    k = DATASETS["kaggle_insults"]
    ktr, kte = split_files("kaggle_insults", k, GAVEL, WORK)
    return [
        ("Davidson, abusive or not", "davidson_abusive", btr, bte, ds["text"], "abusive"),
        ("Davidson, 3 classes", "davidson3", tr, te, ds["text"], ds["label"]),
        ("Kaggle insults", "kaggle", ktr, kte, k["text"], k["label"]),
    ]


def main():
    res = {"cores": os.cpu_count(), "training": [], "scoring": {}}
    for title, key, tr, te, text, label in sets():
        ours = WORK / f"{key}.gavel"
        wall, peak, _, _ = run([str(GAVEL), "-q", "train", "--data", str(tr), "--text", text,
                                "--label", label, "-o", str(ours)])
        theirs = WORK / f"{key}.spark.gavel"
        sp = mine({"task": "train", "train": str(tr), "text": text, "label": label,
                   "name": tr.name, "model": str(theirs)})
        g = json.loads(subprocess.check_output([str(GAVEL), "inspect", "--json", str(ours)]))
        row = {"set": title, "train_rows": g["training"]["rows"],
               "gavel": {**evaluate(ours, te, text), "seconds": wall, "peak_rss_bytes": peak,
                         "loss": [c["loss"] for c in g["training"]["convergence"]]},
               "spark": {**evaluate(theirs, te, text), **sp}}
        row["roc_auc_difference"] = row["spark"]["roc_auc"] - row["gavel"]["roc_auc"]
        print(json.dumps(row, indent=1))
        res["training"].append(row)
    res["scoring"] = scoring()
    (HERE / "spark_results.json").write_text(json.dumps(res, indent=1, sort_keys=True) + "\n")


def scoring():
    corpus = OUT / "score200000.csv"
    if not corpus.exists():
        subprocess.check_call([sys.executable, str(HERE / "corpus.py"), "score", "200000", str(corpus)])
    fns = {m: (lambda m=m: mine({"task": "score", "master": m, "corpus": str(corpus)}))
           for m in ["local[1]", "local[2]"]}
    res = {"rows": 200_000, "runs": 3, "partitions": PARTITIONS, "masters": interleaved(3, fns)}
    for r in res["masters"].values():
        r["comments_per_second"] = r["rows"] / r["seconds"]
        print(f"{r['comments_per_second']:,.0f} comments/s")
    return res


def scoring_only():
    """Re-measures the scoring into the existing results (`spark.py scoring`)."""
    path = HERE / "spark_results.json"
    res = json.loads(path.read_text())
    res["scoring"] = scoring()
    path.write_text(json.dumps(res, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "worker":
        worker(json.loads(sys.argv[2]))
    elif sys.argv[1:2] == ["scoring"]:
        scoring_only()
    else:
        main()
