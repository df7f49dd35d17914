#!/usr/bin/env python3
"""The general stance model against unseen targets (issue 24), on the stance sets at hand.

    bench/.venv/bin/python bench/stance_general.py [--quick]

Rows: `models/prepare.py stance-general` (SemEval-2016, P-Stance, COVID-19 stance, VAST dev).
Protocols, each engine on the same rows:
- leave one group out: every named target in turn (all its rows out of training), and VAST's
  five comment parts (VAST's topics mostly have a row or two, so a held-out part is mostly
  topics never seen; its zero-shot rows are reported apart). Engines: the general model
  (RECIPE), today's per-target model with `--any-target` (the mean of the target heads), and
  scikit-learn's word+char TF-IDF LogisticRegression over the pooled training rows (target
  ignored), on the named political targets and VAST.
- few-shot: for a left-out target, k = 0, 10, 25, 50, 100, 200 of its rows (a seeded sample)
  added to training; scored on the same rest of its rows at every k.
- in-domain: 5-fold CV within SemEval-2016, P-Stance and COVID-19 (folds by row, stratified
  by target and stance); the general model trains on the other folds plus every other set,
  today's per-dataset model (`--targets shared`, the shipped SemEval recipe) on the other folds.
Writes bench/stance_general_results.json; docs/render.py renders it into docs/benchmarks.md
and the model card. --quick: the political targets and VAST only, no in-domain.

    bench/.venv/bin/python bench/stance_general.py --try "--plain-own-heads --joint-by source" [--sets covid19_stance,...]
    bench/.venv/bin/python bench/stance_general.py --try "--plain-own-heads --joint-by joint" [--joint-map pstance=pv,vast=pv]

--try FLAGS: the in-domain step only, for the recipe plus FLAGS (a candidate recipe), on the
sets named (default all three); prints the figures and writes nothing that is committed
(its models go to bench/out/stance_general_try/). --joint-map SOURCE=PART,...: the rows'
`joint` column (prepare.py's: each set its own part, P-Stance and VAST one) becomes their
source or the part it is mapped to (sets sharing one joint fit of their own heads).
"""
import csv
import json
import os
import random
import subprocess
import sys
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GAVEL = os.environ.get("GAVEL_BIN", str(ROOT / "target" / "release" / "gavel"))
OUT = HERE / "out" / "stance_general"
RESULTS = HERE / "stance_general_results.json"
csv.field_size_limit(10**9)

# the README's recipe for the shipped general model (models/build.sh), and today's per-target
# recipe (the shipped SemEval model's); without calibration, which rescales a softmax head's
# logits and so never changes the most probable class, all these metrics read
NO_CAL = ["--calibration-folds", "0"]
RECIPE = ["--targets", "general", "--plain-own-heads", "--joint-by", "joint",
          "--joint-c", "semeval2016=8,pstance+vast=1,covid19_stance=32", "--bits", "20", "--min-df", "2"]
TODAY = ["--targets", "shared", "--bits", "20", "--min-df", "2"]
FEW_SHOT_TARGETS = ["Donald Trump", "face masks"]
SHOTS = [0, 10, 25, 50, 100, 200]
PEER_GROUPS = {"Donald Trump", "Hillary Clinton"}
CLASSES = ("FAVOR", "AGAINST", "NONE")


def run(*args):
    subprocess.run([GAVEL, "-q", *map(str, args)], check=True)


def write(path, fields, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)


def read(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def f1(c, gold, pred):
    tp = sum(g == c and p == c for g, p in zip(gold, pred))
    fp = sum(g != c and p == c for g, p in zip(gold, pred))
    fn = sum(g == c and p != c for g, p in zip(gold, pred))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def metrics(gold, pred):
    f = {c: f1(c, gold, pred) for c in CLASSES}
    return {"rows": len(gold), "f_avg": (f["FAVOR"] + f["AGAINST"]) / 2,
            "macro_f1": sum(f.values()) / 3}


def gavel_predict(train_rows, test_rows, flags, fields, tag, score_flags=()):
    """Trains gavel on train_rows with flags, scores test_rows; the predicted class per row."""
    tr, te, m, sc = (OUT / f"{tag}.{x}" for x in ("train.csv", "test.csv", "gavel", "scored.csv"))
    write(tr, fields, train_rows)
    write(te, fields, test_rows)
    run("train", "--data", tr, "--text", "text", "--target", "target", "--label", "stance", *flags, *NO_CAL,
        "-o", m)
    run("score", "--model", m, "--text", "text", "--target", "target", *score_flags, te, "-o", sc)
    # the model's own decision: the most probable class (a two-class model: at its threshold)
    return [r["pred_stance"] for r in read(sc)]


def sklearn_predict(train_rows, test_rows):
    """The bench's word+char TF-IDF LogisticRegression over the pooled rows, target ignored."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union
    pipe = make_pipeline(
        make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
                   TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
        LogisticRegression(C=4, max_iter=1000, class_weight="balanced"))
    pipe.fit([r["text"] for r in train_rows], [r["stance"] for r in train_rows])
    return list(pipe.predict([r["text"] for r in test_rows]))


PARTIAL = OUT / "partial.json"


def saved():
    """What an interrupted run finished (bench/out/stance_general/partial.json), by step."""
    return json.loads(PARTIAL.read_text()) if PARTIAL.exists() else {}


def save(step, value):
    done = saved()
    done[step] = value
    PARTIAL.write_text(json.dumps(done))


def leave_one_out(rows, fields, groups):
    out = {"general": {}, "today": {}, "sklearn": {}}
    vast = {e: [] for e in out}
    done = saved()
    for g in groups:
        if f"loo:{g}" in done:
            preds = done[f"loo:{g}"]
            te = [r for r in rows if r["group"] == g]
            gold = [r["stance"] for r in te]
            for e, p in preds.items():
                if g.startswith("vast"):
                    vast[e] += [(r, q) for r, q in zip(te, p)]
                else:
                    out[e][g] = metrics(gold, p)
            continue
        tr = [r for r in rows if r["group"] != g]
        te = [r for r in rows if r["group"] == g]
        gold = [r["stance"] for r in te]
        preds = {"general": gavel_predict(tr, te, RECIPE, fields, "loo"),
                 "today": gavel_predict(tr, te, TODAY, fields, "loo", ["--any-target"])}
        if g in PEER_GROUPS or g.startswith("vast"):
            preds["sklearn"] = sklearn_predict(tr, te)
        save(f"loo:{g}", preds)
        for e, p in preds.items():
            if g.startswith("vast"):
                vast[e] += [(r, q) for r, q in zip(te, p)]
            else:
                out[e][g] = metrics(gold, p)
        print(g, {e: round(out[e][g]["f_avg"], 3) for e in preds if g in out[e]}, flush=True)
    for e, pairs in vast.items():
        if pairs:
            out[e]["VAST (all rows)"] = metrics([r["stance"] for r, _ in pairs], [p for _, p in pairs])
            zs = [(r, p) for r, p in pairs if r["seen"] == "0"]
            out[e]["VAST zero-shot"] = metrics([r["stance"] for r, _ in zs], [p for _, p in zs])
    return out


def few_shot(rows, fields):
    out = {}
    for t in FEW_SHOT_TARGETS:
        own = [r for r in rows if r["target"] == t]
        rest = [r for r in rows if r["target"] != t]
        pool = random.Random(7).sample(own, max(SHOTS))
        picked = {id(r) for r in pool}
        test = [r for r in own if id(r) not in picked]
        gold = [r["stance"] for r in test]
        out[t] = {}
        for k in SHOTS:
            key = f"few:{t}:{k}"
            if key not in saved():
                save(key, gavel_predict(rest + pool[:k], test, RECIPE, fields, "few"))
            out[t][str(k)] = metrics(gold, saved()[key])
            print(t, k, round(out[t][str(k)]["f_avg"], 3), flush=True)
    return out


def in_domain(rows, fields, sets=None):
    out = {}
    for source in sets or ("semeval2016", "pstance", "covid19_stance"):
        own = [r for r in rows if r["source"] == source]
        others = [r for r in rows if r["source"] != source]
        # stratified 5 folds: rows of each (target, stance) dealt out in a seeded order
        fold = {}
        strata = {}
        for i, r in enumerate(own):
            strata.setdefault((r["target"], r["stance"]), []).append(i)
        for idx in strata.values():
            random.Random(42).shuffle(idx)
            for j, i in enumerate(idx):
                fold[i] = j % 5
        pred = {"general": [None] * len(own), "today": [None] * len(own)}
        for k in range(5):
            key = f"ind:{source}:{k}"
            tr = [r for i, r in enumerate(own) if fold[i] != k]
            te_i = [i for i in range(len(own)) if fold[i] == k]
            te = [own[i] for i in te_i]
            if key not in saved():
                save(key, {e: gavel_predict(train_rows, te, flags, fields, "ind")
                           for e, train_rows, flags in (("general", tr + others, RECIPE), ("today", tr, TODAY))})
            for e, p in saved()[key].items():
                for i, q in zip(te_i, p):
                    pred[e][i] = q
        out[source] = {}
        for e in pred:
            per = {}
            for t in sorted({r["target"] for r in own}):
                idx = [i for i, r in enumerate(own) if r["target"] == t]
                per[t] = metrics([own[i]["stance"] for i in idx], [pred[e][i] for i in idx])
            out[source][e] = {"mean_f_avg": sum(m["f_avg"] for m in per.values()) / len(per),
                              "targets": per}
        print(source, {e: round(out[source][e]["mean_f_avg"], 3) for e in pred}, flush=True)
    return out


def try_flags(args):
    """`--try FLAGS [--sets A,B]`: the in-domain step for RECIPE + FLAGS (a flag RECIPE sets
    with a value takes FLAGS' value), printed only."""
    global RECIPE, OUT, PARTIAL
    flags = args[args.index("--try") + 1].split()
    sets = args[args.index("--sets") + 1].split(",") if "--sets" in args else None
    # a flag the recipe already sets with a value (`--bits 21`) replaces the recipe's value
    recipe = list(RECIPE)
    while flags:
        f = flags.pop(0)
        value = [flags.pop(0)] if flags and not flags[0].startswith("--") else []
        if f in recipe and value:
            recipe[recipe.index(f) + 1] = value[0]
        elif f in recipe:
            continue  # a switch the recipe already sets
        else:
            recipe += [f] + value
    RECIPE = recipe
    OUT = HERE / "out" / "stance_general_try"
    PARTIAL = OUT / "partial.json"
    OUT.mkdir(parents=True, exist_ok=True)
    PARTIAL.unlink(missing_ok=True)
    data = OUT / "stance_general.csv"
    subprocess.run([sys.executable, str(ROOT / "models/prepare.py"), "stance-general", str(data)], check=True)
    rows = read(data)
    if "--joint-map" in args:
        parts = dict(kv.split("=", 1) for kv in args[args.index("--joint-map") + 1].split(","))
        for r in rows:
            r["joint"] = parts.get(r["source"], r["source"])
    res = in_domain(rows, list(rows[0].keys()), sets)
    print(json.dumps({"recipe": RECIPE, "in_domain": {s: {e: round(v["mean_f_avg"], 4) for e, v in r.items()}
                                                      for s, r in res.items()}}, indent=1))


def main():
    if "--try" in sys.argv[1:]:
        return try_flags(sys.argv[1:])
    quick = "--quick" in sys.argv[1:]
    OUT.mkdir(parents=True, exist_ok=True)
    data = OUT / "stance_general.csv"
    subprocess.run([sys.executable, str(ROOT / "models/prepare.py"), "stance-general", str(data)], check=True)
    rows = read(data)
    fields = list(rows[0].keys())
    groups = sorted({r["group"] for r in rows})
    if quick:
        groups = [g for g in groups if g in PEER_GROUPS or g.startswith("vast")]
    else:
        # the floors' groups first, so that an interrupted run has them
        groups.sort(key=lambda g: not (g in PEER_GROUPS or g.startswith("vast")))
    res = {"recipe": RECIPE, "today": TODAY, "rows": len(rows)}
    steps = [("leave_one_out", lambda: leave_one_out(rows, fields, groups))]
    if not quick:
        steps += [("in_domain", lambda: in_domain(rows, fields)), ("few_shot", lambda: few_shot(rows, fields))]
    # the results as each step ends: a run stopped later keeps them (and resumes from
    # bench/out/stance_general/partial.json when run again)
    for name, step in steps:
        res[name] = step()
        RESULTS.write_text(json.dumps(res, indent=1) + "\n")
        print(f"wrote {RESULTS.relative_to(ROOT)} ({name})", flush=True)


if __name__ == "__main__":
    main()
