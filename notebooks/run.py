"""Executes every notebook headless (nbclient) from the project root, in order, and fails on
the first cell error. Outputs stay out of the committed files: executed copies are written
under target/notebooks/.

    notebooks/setup.sh && notebooks/.venv/bin/python notebooks/run.py
"""
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "target" / "notebooks"


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    books = sorted(HERE.glob("*.ipynb"))
    if not books:
        print("no notebooks found", file=sys.stderr)
        return 1
    for path in books:
        nb = nbformat.read(path, as_version=4)
        if any(c.get("outputs") or c.get("execution_count") for c in nb.cells if c.cell_type == "code"):
            print(f"{path.name}: committed with outputs; clear them", file=sys.stderr)
            return 1
        client = NotebookClient(nb, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": str(HERE)}})
        try:
            client.execute()
        except CellExecutionError as e:
            print(f"{path.name}: a cell failed:\n{e}", file=sys.stderr)
            return 1
        nbformat.write(nb, OUT / path.name)
        print(f"ok   {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
