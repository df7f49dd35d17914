"""What every render module needs: the project root, committed JSON, Markdown tables and signed
differences; used by docs/render.py, render_stance.py and render_attack.py."""
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load(rel):
    return json.loads((ROOT / rel).read_text(encoding="utf-8"))


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def signed(v, places):
    """A difference to `places` decimals, signed; nothing is 0.000… (not -0.000…)."""
    return f"{0:.{places}f}" if abs(v) < 0.5 * 10**-places else f"{v:+.{places}f}"
