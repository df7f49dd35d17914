"""Runs a bench script inside bench/.venv, creating it from bench/requirements.txt if needed."""
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv"


def ensure_venv(script):
    """Re-runs `script` (with this process's arguments) inside bench/.venv."""
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    py = VENV / "bin" / "python"
    if not py.exists():
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
    subprocess.check_call([str(py), "-m", "pip", "install", "-q", "-r", str(HERE / "requirements.txt")])
    os.execv(str(py), [str(py), script] + sys.argv[1:])
