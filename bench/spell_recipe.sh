#!/usr/bin/env bash
# Whether the shipped abuse recipe should train with --spell (issue 23): the recipe of
# models/build.sh with and without --spell, each trained on the build's fixed 80/20 split of
# the pooled abuse rows (seed 42, stratified by source, the identity-neutral rows added to
# training only) and evaluated on the held-out 20% per source and head. Prints held-out
# ROC-AUC per source and head, and the difference. About 2 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
export GAVEL_DATA_DIR=${GAVEL_DATA_DIR:-../shared/data}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1795392000}
cargo build --release -q
G=target/release/gavel
work=bench/out/spell_recipe
mkdir -p "$work"
python3 models/prepare.py abuse "$work/abuse.csv"
python3 models/identity_neutral.py "$work/identity_neutral.csv"
$G -q split --data "$work/abuse.csv" --stratify source --test 0.2 --seed 42 \
  --train-out "$work/train.csv" --test-out "$work/test.csv"
{ cat "$work/train.csv"; for _ in 1 2 3 4 5 6 7 8; do tail -n +2 "$work/identity_neutral.csv"; done; } \
  > "$work/train.all.csv"
ABUSE=(--text text --labels abusive,hate,aggressive --bits 20 --min-df 2 --c 2)
for v in recipe spell; do
  extra=()
  if [ "$v" = spell ]; then extra=(--spell); fi
  $G -q train --data "$work/train.all.csv" "${ABUSE[@]}" "${extra[@]}" -o "$work/$v.gavel"
  $G -q eval --model "$work/$v.gavel" --data "$work/test.csv" --by source --out "$work/$v.report"
done
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
base, spell = (json.load(open(f"{work}/{v}.report/report.json"))["heads"] for v in ("recipe", "spell"))
print(f"{'head':12s} {'source':16s} {'rows':>6s} {'recipe':>7s} {'--spell':>7s} {'change':>7s}")
for hb, hs in zip(base, spell):
    for gb, gs in zip(hb["by_group"]["groups"], hs["by_group"]["groups"]):
        a, b = dict(gb["metrics"])["roc_auc"], dict(gs["metrics"])["roc_auc"]
        if a is not None and b is not None:
            print(f"{hb['name']:12s} {gb['value']:16s} {gb['rows']:6d} {a:7.4f} {b:7.4f} {b - a:+7.4f}")
PY
