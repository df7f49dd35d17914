#!/usr/bin/env python3
"""What the shipped abuse model costs to score, against the one that shipped before issue 21.

    GAVEL_DATA_DIR=../shared/data python3 bench/cost.py [N [REPS]]   # default 1,000,000 and 5

Builds the release of commit BEFORE (the English, one-head abuse model's last commit) in its
own worktree (target/cost-before, once), writes N English comments (`bench/corpus.py score`:
OLID, Davidson, Kaggle, Fox News, SemEval, SST-2 cycled), and times `gavel score` on them:
that release with its own models/abuse.gavel, and this checkout's release with the shipped
models/abuse.gavel, each run in turn, REPS times, output to /dev/null. Writes
bench/cost_results.json (min and median seconds, comments per second, the ratios of the
medians and of the minimums, and the median of each pair's ratio), which docs/render.py
renders. Standard library only.
"""
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "9ecc855"  # models/abuse.gavel before issue 21: four English sources, one head
REPS = 5


def run(*args, **kw):
    subprocess.run(args, check=True, cwd=ROOT, **kw)


def before_release():
    tree = ROOT / "target/cost-before"
    binary = tree / "target/release/gavel"
    if not binary.exists():
        if not tree.exists():
            run("git", "worktree", "add", "--detach", str(tree), BEFORE)
        run("cargo", "build", "--release", "-q", "--manifest-path", str(tree / "Cargo.toml"))
    return binary, tree / "models/abuse.gavel"


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else REPS
    run("cargo", "build", "--release", "-q")
    engines = {"before issue 21": before_release(),
               "shipped": (ROOT / "target/release/gavel", ROOT / "models/abuse.gavel")}
    corpus = ROOT / f"target/cost-score{n}.csv"
    if not corpus.exists():
        run(sys.executable, str(ROOT / "bench/corpus.py"), "score", str(n), str(corpus))
    times = {k: [] for k in engines}
    for _ in range(reps):
        for name, (binary, model) in engines.items():
            start = time.perf_counter()
            subprocess.run([str(binary), "-q", "score", "--model", str(model), "--text", "text", str(corpus),
                            "-o", "/dev/null"], check=True)
            times[name].append(time.perf_counter() - start)
    out = {"comments": n, "runs": reps, "cores": os.cpu_count(), "before_commit": BEFORE, "engines": {}}
    for name, t in times.items():
        med = statistics.median(t)
        out["engines"][name] = {"seconds_min": round(min(t), 3), "seconds_median": round(med, 3),
                                "comments_per_s": round(n / med)}
    e = out["engines"]
    out["ratio_of_medians"] = round(e["shipped"]["seconds_median"] / e["before issue 21"]["seconds_median"], 3)
    out["ratio_of_minimums"] = round(e["shipped"]["seconds_min"] / e["before issue 21"]["seconds_min"], 3)
    # each run of the shipped model over the run of the baseline just before it: the median of
    # these pairs is less moved by the machine's speed drifting over the minutes of the bench
    pairs = [s / b for b, s in zip(times["before issue 21"], times["shipped"])]
    out["ratio_paired_median"] = round(statistics.median(pairs), 3)
    (ROOT / "bench/cost_results.json").write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
