#!/usr/bin/env bash
# Whether a change to the shipped abuse recipe should be taken: the recipe of models/build.sh
# as it is and with FLAGS (a flag that takes a value replaces the recipe's), each trained on
# the build's fixed 80/20 split of the pooled abuse rows (seed 42, stratified by source, the
# identity-neutral rows added to training only) and evaluated on the held-out 20% per source
# and head. Prints held-out ROC-AUC per source and head, the difference, and each model's
# columns. About 2 minutes on 2 cores a model.
#   GAVEL_DATA_DIR=../shared/data bench/recipe_try.sh --c 4
#   GAVEL_DATA_DIR=../shared/data bench/recipe_try.sh --min-df 5       (issue 21)
set -euo pipefail
cd "$(dirname "$0")/.."
export GAVEL_DATA_DIR=${GAVEL_DATA_DIR:-../shared/data}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1795392000}
cargo build --release -q
G=target/release/gavel
work=bench/out/recipe_try
mkdir -p "$work"
python3 models/prepare.py abuse "$work/abuse.csv"
python3 models/identity_neutral.py "$work/identity_neutral.csv"
$G -q split --data "$work/abuse.csv" --stratify source --test 0.2 --seed 42 \
  --train-out "$work/train.csv" --test-out "$work/test.csv"
{ cat "$work/train.csv"; for _ in 1 2 3 4 5 6 7 8; do tail -n +2 "$work/identity_neutral.csv"; done; } \
  > "$work/train.all.csv"
ABUSE=(--text text --labels abusive,hate,aggressive --bits 20 --min-df 2 --c 2
  --sources source --source-heads hate,aggressive --source-power 0.5
  --nb-power 0.375 --nb-heads abusive=0.1875,hate,aggressive --spell)
[ $# -gt 0 ] || { echo "usage: bench/recipe_try.sh FLAGS..." >&2; exit 2; }
# the recipe with FLAGS: a recipe flag that FLAGS gives again is dropped with its value
tried=()
for ((i = 0; i < ${#ABUSE[@]}; i++)); do
  a=${ABUSE[i]}
  if [[ $a == --* && " $* " == *" $a "* ]]; then
    [[ ${ABUSE[i + 1]:-} != --* ]] && i=$((i + 1))
    continue
  fi
  tried+=("$a")
done
tried+=("$@")
for v in recipe tried; do
  if [ "$v" = recipe ]; then flags=("${ABUSE[@]}"); else flags=("${tried[@]}"); fi
  $G -q train --data "$work/train.all.csv" "${flags[@]}" -o "$work/$v.gavel"
  $G -q eval --model "$work/$v.gavel" --data "$work/test.csv" --by source --out "$work/$v.report"
done
python3 - "$work" "$*" <<'PY'
import json, subprocess, sys
work, flags = sys.argv[1], sys.argv[2]
base, tried = (json.load(open(f"{work}/{v}.report/report.json"))["heads"] for v in ("recipe", "tried"))
for v in ("recipe", "tried"):
    info = json.loads(subprocess.run(["target/release/gavel", "inspect", "--json", f"{work}/{v}.gavel"],
                                     check=True, capture_output=True).stdout)
    print(f"{v}: {info['n_features']:,} columns")
print(f"{'head':12s} {'source':16s} {'rows':>6s} {'recipe':>7s} {'tried':>7s} {'change':>7s}   tried: {flags}")
for hb, ht in zip(base, tried):
    for gb, gt in zip(hb["by_group"]["groups"], ht["by_group"]["groups"]):
        a, b = dict(gb["metrics"])["roc_auc"], dict(gt["metrics"])["roc_auc"]
        if a is not None and b is not None:
            print(f"{hb['name']:12s} {gb['value']:16s} {gb['rows']:6d} {a:7.4f} {b:7.4f} {b - a:+7.4f}")
PY
