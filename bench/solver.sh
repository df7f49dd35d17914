#!/usr/bin/env bash
# Quality and solver work on the six labelled sets, for comparing solver settings
# (docs/design.md, solver settings): trains gavel on each set's bench split with any extra `gavel train` arguments and
# prints the set's metric, fit seconds and the head's Newton / CG iterations.
#   bench/solver.sh                 # defaults
#   bench/solver.sh --tol 1e-4      # another tolerance
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
G=target/release/gavel
D=${GAVEL_DATA_DIR:-../shared/data}
W=bench/out/solver
mkdir -p "$W"
split() { # name file format stratify
    [ -f "$W/$1.train.$3" ] || $G -q split --data "$D/$2" --data-format "$3" --stratify "$4" \
        --test 0.2 --seed 42 --train-out "$W/$1.train.$3" --test-out "$W/$1.test.$3"
}
split sem semeval2016_stance/train.utf8.tsv tsv Target,Stance
split olid olid/olid-training-v1.0.tsv tsv subtask_a
split dav davidson2017/labeled_data.csv csv class
split sst sst2/train.tsv tsv label
split fox fox_news_comments/fox-news-comments.json jsonl label
run() { # name test format metric train-args...
    local name=$1 test=$2 fmt=$3 metric=$4
    shift 4
    /usr/bin/time -f "%e" -o "$W/$name.time" $G -v train "$@" -o "$W/$name.gavel" 2>"$W/$name.log"
    $G -q eval --model "$W/$name.gavel" --data "$test" --data-format "$fmt" --out "$W/$name.report" >/dev/null
    printf "%-5s %-12s %.4f  %5.2f s  %s\n" "$name" "$metric" \
        "$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['heads'][0][sys.argv[2]])" "$W/$name.report/report.json" "$metric")" \
        "$(cat "$W/$name.time")" "$(grep -m1 'head 0' "$W/$name.log" | sed 's/.*head 0: //;s/, loss.*//')"
}
run sem "$W/sem.test.tsv" tsv f_avg --data "$W/sem.train.tsv" --data-format tsv --text Tweet --label Stance --target Target "$@"
run olid "$W/olid.test.tsv" tsv macro_f1 --data "$W/olid.train.tsv" --data-format tsv --text tweet --label subtask_a "$@"
run kag "$D/kaggle_insults/test_with_solutions.csv" csv roc_auc --data "$D/kaggle_insults/train.csv" --text Comment --label Insult "$@"
run dav "$W/dav.test.csv" csv weighted_f1 --data "$W/dav.train.csv" --text tweet --label class "$@"
run sst "$W/sst.test.tsv" tsv accuracy --data "$W/sst.train.tsv" --data-format tsv --text sentence --label label "$@"
run fox "$W/fox.test.jsonl" jsonl macro_f1 --data "$W/fox.train.jsonl" --data-format jsonl --text text --label label "$@"
