#!/usr/bin/env bash
# Transfer across sources, on every abuse source of GAVEL_DATA_DIR pooled into one file with
# masked labels (models/prepare.py abuse: abusive, hate, aggressive; empty where a
# source does not label it):
#   - leave one source out, per head: each source scored by a model trained on all the others
#     (`gavel cv --group source`);
#   - 3-fold cross-validation of one model with the three heads, reported per source
#     (`gavel cv --folds 3 --by source`).
# Writes bench/sources_results.json, which docs/render.py renders into docs/benchmarks.md.
# About 2 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
export GAVEL_DATA_DIR=${GAVEL_DATA_DIR:-../shared/data}
cargo build --release -q
G=target/release/gavel
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 models/prepare.py abuse "$work/pooled.csv"
# the shipped recipe (models/build.sh): hate and aggressive fitted by source and on
# NB-scaled columns (power 0.375), abusive on NB-scaled columns (power 0.1875) only; every
# head with --spell
for head in abusive hate aggressive; do
    by=(--nb-power 0.1875)
    [ "$head" = abusive ] || by=(--sources source --source-power 0.5 --nb-power 0.375)
    $G -q cv --data "$work/pooled.csv" --labels "$head" --group source --on-error skip --c 2 --spell \
        "${by[@]}" --format json --out "$work/loso-$head"
done
$G -q cv --data "$work/pooled.csv" --labels abusive,hate,aggressive --folds 3 --seed 42 --c 2 --spell \
    --sources source --source-heads hate,aggressive --source-power 0.5 \
    --nb-power 0.375 --nb-heads abusive=0.1875,hate,aggressive --by source --format json --out "$work/kfold"
python3 - "$work" > bench/sources_results.json <<'PY'
import json, sys
work = sys.argv[1]

def groups(head):
    g = head["by_group"]["groups"]
    return {x["value"]: {"rows": x["rows"], "positives": x["positives"][0],
                         **{m: v for m, v in x["metrics"] if m in ("roc_auc", "macro_f1")}} for x in g}

out = {"loso": {}, "kfold": {}}
for head in ("abusive", "hate", "aggressive"):
    r = json.load(open(f"{work}/loso-{head}/report.json"))
    out["loso"][head] = groups(r["pooled"]["heads"][0])
r = json.load(open(f"{work}/kfold/report.json"))
for h in r["pooled"]["heads"]:
    out["kfold"][h["name"]] = groups(h)
print(json.dumps(out, indent=1, sort_keys=True))
PY
cat bench/sources_results.json | head -5
