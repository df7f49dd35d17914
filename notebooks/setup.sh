#!/usr/bin/env bash
# Makes notebooks/.venv with the notebooks' requirements, the gavel package and a Python kernel.
#   notebooks/setup.sh && notebooks/.venv/bin/jupyter-execute ...   (or open them in Jupyter)
set -euo pipefail
cd "$(dirname "$0")"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
# the gavel Python package, built from python/ (maturin; the Rust build is cargo's, cached)
.venv/bin/pip install -q --disable-pip-version-check ../python
.venv/bin/python -m ipykernel install --sys-prefix --name python3 >/dev/null
