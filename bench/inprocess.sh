#!/usr/bin/env bash
# The in-process scoring bench (issue 22): builds the release CLI and the Python package, makes
# bench/.venv with the bench's peers (fastText built from source, scikit-learn), pandas and
# pyspark, and runs bench/inprocess.py.
#   GAVEL_DATA_DIR=../shared/data bench/inprocess.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
[ -x bench/.venv/bin/python ] || python3 -m venv bench/.venv
bench/.venv/bin/pip install -q -r bench/requirements-bench.txt -r python/tests/requirements.txt
rm -rf target/wheels-bench
bench/.venv/bin/maturin build --release -q -m python/Cargo.toml -o target/wheels-bench
bench/.venv/bin/pip install -q --force-reinstall --no-deps target/wheels-bench/gavel-*.whl
exec bench/.venv/bin/python bench/inprocess.py "$@"
