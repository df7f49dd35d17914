"""Render blocks of the general stance model (issue 24), from bench/stance_general_results.json
and models/reports/stance-general-demo.json; used by docs/render.py."""
from render_common import load as _load, table as _table

RESULTS = "bench/stance_general_results.json"


def _f(m, key):
    return "–" if m is None else f"{m[key]:.3f}"


def leave_one_out():
    """Per left-out group: F_avg (named targets) or macro-F1 (VAST) of each engine."""
    loo = _load(RESULTS)["leave_one_out"]
    rows = []
    for g in loo["general"]:
        key = "macro_f1" if g.startswith("VAST") else "f_avg"
        cells = [_f(loo[e].get(g), key) for e in ("general", "today", "sklearn")]
        rows.append([g, f"{loo['general'][g]['rows']:,}", key.replace("_", "-").replace("f-avg", "F_avg"), *cells])
    return _table(["left out", "rows", "metric", "general model", "today: `--any-target`",
                   "scikit-learn, pooled"], rows)


def few_shot():
    r = _load(RESULTS)
    shots = list(next(iter(r["few_shot"].values())).keys())
    rows = [[t, *(f"{v[k]['f_avg']:.3f}" for k in shots)] for t, v in r["few_shot"].items()]
    return _table(["target (F_avg)", *(f"k = {k}" for k in shots)], rows)


def in_domain():
    r = _load(RESULTS)["in_domain"]
    rows = []
    for source, v in r.items():
        rows.append([source, f"{v['general']['mean_f_avg']:.3f}", f"{v['today']['mean_f_avg']:.3f}",
                     ", ".join(f"{t} {m['f_avg']:.3f} / {v['today']['targets'][t]['f_avg']:.3f}"
                               for t, m in v["general"]["targets"].items())])
    return _table(["set (5-fold CV)", "general: mean F_avg", "today's per-set model", "per target, general / today"],
                  rows)


def stance_general():
    r = _load(RESULTS)
    out = ("Leave one out (every row of the group out of training; `general`: "
           f"`gavel train {' '.join(r['recipe'])}`, today: `{' '.join(r['today'])}` scored with "
           f"`--any-target`; {r['rows']:,} rows):\n\n" + leave_one_out())
    if "in_domain" in r:
        out += ("\nIn-domain: 5-fold CV within each set, the general model trained on the other folds "
                "and every other set, today's recipe on the other folds alone:\n\n" + in_domain())
    else:
        out += "\nIn-domain: not in this run's results.\n"
    if "few_shot" in r:
        out += ("\nFew-shot: k rows of the left-out target added to training, scored on the same rest "
                "of its rows at every k (under 100 rows a target is scored by the general head, from "
                "100 by its own):\n\n" + few_shot())
    else:
        out += "\nFew-shot: not in this run's results.\n"
    return out


def _demo_rows(gavel):
    """The first demo comment of each (target, labelled stance), as the shipped model scores
    it: a fixed rule, the misses shown with the hits."""
    import csv
    import io
    out = gavel("-q", "score", "--model", "models/stance.gavel", "--text", "comment", "--keep",
                "id,target,comment,stance", "data/demo_comments.csv")
    seen, rows = set(), []
    for r in csv.DictReader(io.StringIO(out)):
        if (r["target"], r["stance"]) in seen:
            continue
        seen.add((r["target"], r["stance"]))
        p = float(r[f"p_{r['pred_stance']}"])
        rows.append([r["target"], r["comment"].replace("|", "\\|"), r["stance"], f"{r['pred_stance']} ({p:.2f})"])
    return _table(["target", "comment", "labelled", "scored"], rows)


def card_stance_general(gavel):
    d = _load("models/reports/stance-general-demo.json")["heads"][0]
    old = _load("models/reports/stance-demo.json")["heads"][0]
    return _table(["the demo set's two targets, never trained on", "F_avg", "macro-F1", "ROC-AUC"], [
        ["`stance.gavel` (general head)", f"{d['f_avg']:.3f}", f"{d['macro_f1']:.3f}", f"{d['roc_auc']:.3f}"],
        ["`stance-semeval.gavel --any-target`", f"{old['f_avg']:.3f}", f"{old['macro_f1']:.3f}",
         f"{old['roc_auc']:.3f}"],
    ]) + "\nThe first demo comment of each target and labelled stance, as `stance.gavel` scores it:\n\n" + _demo_rows(gavel)


SUGGEST = "bench/stance_suggest_results.json"


def stance_suggest():
    """Few-shot learning curves of `train --init`, suggested picks against random ones."""
    r = _load(SUGGEST)
    ts = r["targets"]
    ks = ["0", *(str(k) for k in r["shots"])]
    rows = []
    for k in ks:
        cells = []
        for v in ts.values():
            at = v["k"][k]
            cells.append(f"{at['base']['f_avg']:.3f}" if k == "0" else
                         f"{at['suggested']['f_avg']:.3f} / {at['random']['f_avg']:.3f}")
        rows.append([k, *cells])
    header = ["k labelled", *(f"{t} ({v['test_rows']:,} test rows): suggested / random" for t, v in ts.items())]
    out = _table(header, rows)
    re_rows = []
    for t, v in ts.items():
        for k, at in v["k"].items():
            if "retrain_seed1" in at:
                re_rows.append([t, k, f"{at['random_seed1']['f_avg']:.3f}", f"{at['random_seed1']['init_seconds']:.2f} s",
                                f"{at['retrain_seed1']['f_avg']:.3f}", f"{at['retrain_seed1']['train_seconds']:.1f} s"])
    out += ("\nThe same random picks (first split, seed 1) folded in with `train --init` and retrained from "
            "scratch with every other row (`gavel train` by the recipe):\n\n")
    out += _table(["target", "k", "`train --init`: F_avg", "time", "retrained: F_avg", "time"], re_rows)
    inits = sorted(at[e]["init_seconds"] for v in ts.values() for k, at in v["k"].items() if k != "0"
                   for e in ("suggested", "random"))
    out += (f"\n`train --init` took {inits[len(inits) // 2]:.2f} s in the median (at most {inits[-1]:.2f} s) "
            "of folding k rows into the general model, reading and writing it included.\n")
    return out
