#!/usr/bin/env bash
# The speed and memory bench (issue 3): builds gavel in release mode, creates bench/.venv with
# scikit-learn, fastText 0.9.3 (built from source) and Vowpal Wabbit, and runs bench/bench.py.
#   bench/run.sh [--quick] [--runs N] [--peers sklearn,fasttext,vw]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
if [ ! -x bench/.venv/bin/python ]; then
    python3 -m venv bench/.venv
fi
bench/.venv/bin/pip install -q -r bench/requirements-bench.txt
exec bench/.venv/bin/python bench/bench.py "$@"
