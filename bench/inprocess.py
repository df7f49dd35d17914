#!/usr/bin/env python3
"""In-process scoring (issue 22): gavel's Python package against fastText's `predict` and the
scikit-learn pipeline's `predict_proba` on the same comments, with the CLI and Spark local[2]
on the same rows, in one run.

    bench/inprocess.sh [N]          # N comments (default 200,000): bench/corpus.py score
    bench/inprocess.sh memory       # only the 1M-row Series' memory, into the same results

Each engine runs in its own process, in turn, 3 runs each, interleaved; medians. The Python
engines score a list already in memory (reading excluded); the CLI is the whole `gavel score`
process, CSV in, /dev/null out; Spark scores the CSV read as a DataFrame through
`gavel.spark.score` to Spark's no-op sink (session start excluded). fastText and scikit-learn
are trained on the rows the shipped abuse model was (`models/prepare.py abuse`, abusive or
not), as in bench/bench.py; gavel scores with `models/abuse.gavel`. Also measured: what
scoring a 1M-row pandas Series adds to the process's resident memory, against the size of
the DataFrame it returns. Writes bench/inprocess_results.json.
"""
import csv
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from bench import GAVEL, OUT, interleaved, peer_task, run  # noqa: E402

MODEL = ROOT / "models" / "abuse.gavel"
csv.field_size_limit(10**9)


def texts_of(corpus):
    with open(corpus, encoding="utf-8", newline="") as f:
        return [r["text"] for r in csv.DictReader(f)]


def rss():
    """This process's resident memory, bytes."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def worker(spec):
    import gavel

    if spec["task"] == "python":
        m = gavel.load(MODEL)
        texts = texts_of(spec["corpus"])
        m.score(texts[:1000])
        t0 = time.perf_counter()
        m.score(texts)
        print(json.dumps({"seconds": time.perf_counter() - t0, "rows": len(texts)}))
    elif spec["task"] == "memory":
        import pandas as pd

        m = gavel.load(MODEL)
        texts = texts_of(spec["corpus"])
        reps = -(-spec["rows"] // len(texts))
        series = pd.Series((texts * reps)[: spec["rows"]])
        del texts
        m.score(series[:1000])
        before = rss()
        out = m.score(series)
        after = rss()
        print(json.dumps({"rows": len(series), "rss_added_bytes": after - before,
                          "output_bytes": int(out.memory_usage(deep=True).sum())}))
    elif spec["task"] == "spark":
        from spark import score

        print(json.dumps(score(spec["corpus"], "local[2]")))


def memory_only(corpus):
    """Re-measures the 1M-row Series' memory into the existing results (`inprocess.py memory`)."""
    path = HERE / "inprocess_results.json"
    res = json.loads(path.read_text())
    spec = {"task": "memory", "corpus": str(corpus), "rows": 1_000_000}
    _, peak, out, err = run([sys.executable, __file__, "worker", json.dumps(spec)])
    mem = {**json.loads(out.strip().splitlines()[-1]), "peak_rss_bytes": peak}
    res["memory_1m_series"] = mem
    res["floors"]["1M Series adds <= output + 100 MB"] = mem["rss_added_bytes"] - mem["output_bytes"]
    path.write_text(json.dumps(res, indent=1, sort_keys=True) + "\n")
    print(json.dumps(mem, indent=1))


def main():
    if sys.argv[1:2] == ["memory"]:
        return memory_only(OUT / "score200000.csv")
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    runs = 3
    OUT.mkdir(parents=True, exist_ok=True)
    corpus = OUT / f"score{n}.csv"
    if not corpus.exists():
        subprocess.check_call([sys.executable, str(HERE / "corpus.py"), "score", str(n), str(corpus)])
    abuse = OUT / "abuse.csv"
    if not abuse.exists():
        subprocess.check_call([sys.executable, str(ROOT / "models" / "prepare.py"), "abuse", str(abuse)])

    def mine(task, **kw):
        spec = {"task": task, "corpus": str(corpus), **kw}
        _, peak, out, err = run([sys.executable, __file__, "worker", json.dumps(spec)])
        if not out.strip():
            raise SystemExit(f"{task} failed:\n{err}")
        return {**json.loads(out.strip().splitlines()[-1]), "peak_rss_bytes": peak}

    def cli():
        wall, peak, _, _ = run([str(GAVEL), "-q", "score", "--model", str(MODEL), "--text", "text",
                                str(corpus), "-o", "/dev/null"])
        return {"seconds": wall, "rows": n, "peak_rss_bytes": peak}

    fns = {"gavel python": lambda: mine("python"), "gavel cli": cli}
    for p in ["fasttext", "sklearn"]:
        spec = {"task": "score", "peer": p, "train": str(abuse), "corpus": str(corpus),
                "workdir": str(OUT / "work" / p)}
        fns[p] = lambda spec=spec: peer_task(spec)
    fns["spark local[2]"] = lambda: mine("spark")
    res = {"rows": n, "runs": runs, "cores": os.cpu_count(), "engines": interleaved(runs, fns)}
    for r in res["engines"].values():
        r["comments_per_second"] = r["rows"] / r["seconds"]
    res["memory_1m_series"] = mine("memory", rows=1_000_000)
    e = res["engines"]
    cps = {k: v["comments_per_second"] for k, v in e.items()}
    res["floors"] = {
        "python >= 3x fastText predict": cps["gavel python"] / cps["fasttext"],
        "python within 10% of the CLI": cps["gavel python"] / cps["gavel cli"],
        "1M Series adds <= output + 100 MB": res["memory_1m_series"]["rss_added_bytes"]
        - res["memory_1m_series"]["output_bytes"],
    }
    for k, v in cps.items():
        print(f"{k:15} {v:12,.0f} comments/s")
    print(json.dumps(res["floors"], indent=1))
    (HERE / "inprocess_results.json").write_text(json.dumps(res, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "worker":
        worker(json.loads(sys.argv[2]))
    else:
        main()
