#!/usr/bin/env bash
# Load on `gavel serve` with the shipped abuse model and real news-site comments (Fox News
# comments from GAVEL_DATA_DIR), server and load generator (wrk) sharing the machine:
#   1. single-comment Perspective requests at saturation (requests/s);
#   2. latency at a fixed 2,000 requests/s (p50, p99);
#   3. /v1/score batches of 1,000 against `gavel score` on the same rows (comments/s);
#   4. the server's memory over a run at 2,000 requests/s (SERVE_SOAK seconds, default 300).
# Writes bench/serve_results.json, which docs/render.py renders into docs/benchmarks.md.
# Usage: bench/serve.sh   (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
export GAVEL_DATA_DIR=${GAVEL_DATA_DIR:-../shared/data}
SOAK=${SERVE_SOAK:-300}
command -v wrk >/dev/null || { echo "bench/serve.sh needs wrk (apt-get install wrk)" >&2; exit 2; }
cargo build --release -q
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
python3 bench/serve_bodies.py "$work" > "$work/corpus.txt"
./target/release/gavel serve --model abuse=models/abuse.gavel --policy models/policy.toml \
    --addr 127.0.0.1:0 2> "$work/serve.log" &
pid=$!
for _ in $(seq 100); do grep -q "serving" "$work/serve.log" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.:]*' "$work/serve.log" | head -1)
load() { # bodies path connections seconds [delay after each answer, ms]
    GAVEL_BODIES=$1 GAVEL_PATH=$2 GAVEL_DELAY_MS=${5:-0} \
        wrk -t1 -c"$3" -d"$4"s --latency -s bench/serve_load.lua "$url"
}
rss() { awk '/VmRSS/ {print $2}' /proc/$pid/status; }
echo "warming up" >&2
load "$work/analyze.jsonl" /v1alpha1/comments:analyze 16 3 > /dev/null
echo "1. saturation" >&2
load "$work/analyze.jsonl" /v1alpha1/comments:analyze 64 20 > "$work/saturate.txt"
echo "2. fixed rate" >&2
load "$work/analyze.jsonl" /v1alpha1/comments:analyze 20 30 9 > "$work/fixed.txt"
echo "3. batches" >&2
load "$work/batches.jsonl" /v1/score 2 20 > "$work/batches.txt"
python3 - "$work/batches.csv" "$work/cli.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(rows[0])
    for _ in range(20):
        w.writerows(rows[1:])
PY
cli=()
for _ in 1 2 3; do
    s=$(date +%s.%N)
    ./target/release/gavel -q score --model models/abuse.gavel --policy models/policy.toml "$work/cli.csv" -o "$work/cli.out.csv"
    cli+=("$(python3 -c "print($(date +%s.%N) - $s)")")
done
echo "4. memory over ${SOAK} s at 2,000 requests/s" >&2
rss > "$work/rss.txt"
load "$work/analyze.jsonl" /v1alpha1/comments:analyze 20 "$SOAK" 9 > "$work/soak.txt" &
wrkpid=$!
while kill -0 $wrkpid 2>/dev/null; do sleep 10; rss >> "$work/rss.txt"; done
curl -s "$url/metrics" > "$work/metrics.txt"
python3 bench/serve_report.py "$work" "${cli[@]}" > bench/serve_results.json
cat bench/serve_results.json
