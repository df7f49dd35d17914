#!/usr/bin/env python3
"""Few-shot stance on a new target: `train --init` with k labels, chosen by `gavel suggest`
or at random (issue 24, parts 2 and 3), on the stance sets at hand.

    bench/.venv/bin/python bench/stance_suggest.py

For each target of TARGETS, left out of training entirely (leave one target out):
- the base: the general model by the README's recipe (models/build.sh's flags) trained on
  every row of `models/prepare.py stance-general` except the target's;
- the target's rows split in two halves by a seeded shuffle (three shuffles, SPLITS, each
  reported and their mean): the pool a moderator would label from (its labels hidden), and
  the test half every model is scored on;
- for k = 10, 25, 50, 100, 200: k comments picked by `gavel suggest --model BASE -n k`
  from the pool, or at random (seeds 1, 2, 3; their mean), labelled with the pool's gold
  labels, folded into the base with `gavel train --init BASE`; k = 0 is the base;
- the time of each `train --init`, and of retraining the general model from scratch with
  the random 50 and 200 of the first split and seed (and its quality, the same rows).
Writes bench/stance_suggest_results.json (docs/render.py renders it into docs/benchmarks.md
and the model card). Resumes from bench/out/stance_suggest/partial.json after a stop.
"""
import csv
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from stance_general import RECIPE, metrics, read, write  # noqa: E402

GAVEL = os.environ.get("GAVEL_BIN", str(ROOT / "target" / "release" / "gavel"))
OUT = HERE / "out" / "stance_suggest"
RESULTS = HERE / "stance_suggest_results.json"
PARTIAL = OUT / "partial.json"
TARGETS = ["Donald Trump", "face masks", "Legalization of Abortion"]
SHOTS = [10, 25, 50, 100, 200]
SEEDS = [1, 2, 3]
SPLITS = [11, 12, 13]
RETRAIN_AT = [50, 200]
csv.field_size_limit(10**9)


def run(*args):
    subprocess.run([GAVEL, "-q", *map(str, args)], check=True)


def timed(*args):
    t = time.perf_counter()
    run(*args)
    return time.perf_counter() - t


def saved():
    return json.loads(PARTIAL.read_text()) if PARTIAL.exists() else {}


def save(key, value):
    done = saved()
    done[key] = value
    PARTIAL.write_text(json.dumps(done))


def predict(model, test_csv):
    scored = OUT / "scored.csv"
    run("score", "--model", model, test_csv, "-o", scored)
    return [r["pred_stance"] for r in read(scored)]


def fold_in(base, picks, fields, test_csv, tag, flags=()):
    """Labels picks with their gold stance, folds them into base; (predictions, seconds)."""
    data, model = OUT / f"{tag}.csv", OUT / f"{tag}.gavel"
    write(data, fields, picks)
    secs = timed("train", "--init", base, "--data", data, *flags, "-o", model)
    return predict(model, test_csv), secs


def one_split(rows, fields, t, split, base, rest):
    """One pool/test split of target t's rows: the learning curves of suggested and random picks."""
    own = [r for r in rows if r["target"] == t]
    order = list(range(len(own)))
    random.Random(split).shuffle(order)
    half = len(own) // 2
    pool = [dict(own[i], id=str(n)) for n, i in enumerate(order[:half])]
    test = [own[i] for i in order[half:]]
    gold = [r["stance"] for r in test]
    test_csv = OUT / "test.csv"
    write(test_csv, fields, test)
    res = {"test_rows": len(test), "pool_rows": len(pool), "k": {"0": {"base": metrics(gold, predict(base, test_csv))}}}
    # the pool as a moderator has it: no labels
    unlabelled = OUT / "pool.csv"
    write(unlabelled, ["id", "text", "target"], [{c: r[c] for c in ("id", "text", "target")} for r in pool])
    pfields = ["id", *fields]
    for k in SHOTS:
        at = {}
        picks_csv = OUT / "picks.csv"
        t0 = time.perf_counter()
        run("suggest", "--model", base, "--data", unlabelled, "-n", k, "-o", picks_csv)
        suggest_secs = time.perf_counter() - t0
        picked = [pool[int(r["id"])] for r in read(picks_csv)]
        pred, secs = fold_in(base, picked, pfields, test_csv, "suggested")
        at["suggested"] = dict(metrics(gold, pred), init_seconds=secs, suggest_seconds=suggest_secs,
                               picked=dict(sorted(count(picked).items())))
        runs = []
        for s in SEEDS:
            sample = random.Random(s).sample(pool, k)
            pred, secs = fold_in(base, sample, pfields, test_csv, "random")
            runs.append(dict(metrics(gold, pred), init_seconds=secs))
            if k in RETRAIN_AT and s == SEEDS[0] and split == SPLITS[0]:
                write(OUT / "retrain.csv", pfields, rest_with(rest, sample))
                rsecs = timed("train", "--data", OUT / "retrain.csv", "--text", "text", "--target",
                              "target", "--label", "stance", *RECIPE, "-o", OUT / "retrain.gavel")
                at["retrain_seed1"] = dict(metrics(gold, predict(OUT / "retrain.gavel", test_csv)),
                                           train_seconds=rsecs)
                at["random_seed1"] = runs[-1]
        at["random"] = {m: sum(r[m] for r in runs) / len(runs) for m in ("f_avg", "macro_f1", "init_seconds")}
        res["k"][str(k)] = at
        print(t, split, k, {e: round(v["f_avg"], 3) for e, v in at.items()}, flush=True)
    return res


def one_target(rows, fields, t):
    key = f"target:{t}"
    if key in saved():
        return saved()[key]
    rest = [r for r in rows if r["target"] != t]
    base = OUT / "base.gavel"
    write(OUT / "rest.csv", fields, rest)
    base_secs = timed("train", "--data", OUT / "rest.csv", "--text", "text", "--target", "target",
                      "--label", "stance", *RECIPE, "-o", base)
    splits = [one_split(rows, fields, t, sp, base, rest) for sp in SPLITS]
    # the mean over the splits of each engine's figures at each k
    mean = {}
    for k in splits[0]["k"]:
        mean[k] = {}
        for e in splits[0]["k"][k]:
            if e.endswith("seed1"):
                mean[k][e] = splits[0]["k"][k][e]
                continue
            mean[k][e] = {m: sum(sp["k"][k][e][m] for sp in splits) / len(splits)
                          for m in ("f_avg", "macro_f1", "init_seconds", "suggest_seconds")
                          if m in splits[0]["k"][k][e]}
    res = {"base_train_seconds": base_secs, "test_rows": splits[0]["test_rows"],
           "pool_rows": splits[0]["pool_rows"], "k": mean, "splits": splits}
    save(key, res)
    return res


def rest_with(rest, sample):
    return [dict(r, id="") for r in rest] + sample


def count(picks):
    c = {}
    for r in picks:
        c[r["stance"]] = c.get(r["stance"], 0) + 1
    return c


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    data = OUT / "stance_general.csv"
    subprocess.run([sys.executable, str(ROOT / "models/prepare.py"), "stance-general", str(data)], check=True)
    rows = read(data)
    fields = list(rows[0].keys())
    res = {"recipe": RECIPE, "shots": SHOTS, "seeds": SEEDS, "splits": SPLITS, "targets": {}}
    for t in TARGETS:
        res["targets"][t] = one_target(rows, fields, t)
        RESULTS.write_text(json.dumps(res, indent=1) + "\n")
        print(f"wrote {RESULTS.relative_to(ROOT)} ({t})", flush=True)


if __name__ == "__main__":
    main()
