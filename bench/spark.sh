#!/usr/bin/env bash
# The Spark bench (issue 22): builds the release CLI and the Python package into bench/.venv
# with pandas, scikit-learn and pyspark (Java 17 must be on the machine), and runs
# bench/spark.py (about 15 minutes on 2 cores).
#   GAVEL_DATA_DIR=../shared/data bench/spark.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
[ -x bench/.venv/bin/python ] || python3 -m venv bench/.venv
bench/.venv/bin/pip install -q -r python/tests/requirements.txt
rm -rf target/wheels-bench
bench/.venv/bin/maturin build --release -q -m python/Cargo.toml -o target/wheels-bench
bench/.venv/bin/pip install -q --force-reinstall --no-deps target/wheels-bench/gavel-*.whl
exec bench/.venv/bin/python bench/spark.py "$@"
