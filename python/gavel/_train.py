"""Training, evaluation and cross-validation: gavel's own commands, run in this process on a
file or on a DataFrame (written to a temporary CSV first), so that every default, check and
error message is the CLI's."""
import json
import os
import tempfile

from . import _gavel
from ._inputs import is_frame
from ._model import Model, load


def _flags(params):
    """`gavel` flags from keyword arguments: `min_df=2` → `--min-df 2`, `True` → the bare flag,
    `False`/`None` → nothing, a list or tuple → comma-separated."""
    out = []
    for k, v in params.items():
        flag = "--" + k.replace("_", "-")
        if v is None or v is False:
            continue
        if v is True:
            out.append(flag)
        elif isinstance(v, (list, tuple)):
            out.append(f"{flag}={','.join(str(x) for x in v)}")
        else:
            out.append(f"{flag}={v}")  # one word, so that a value may start with '-'
    return out


def _run(args, data):
    """Runs a gavel command; its errors name the DataFrame, not the temporary copy."""
    try:
        _gavel.run_cli(args)
    except _gavel.GavelError as e:
        if data.frame:
            raise _gavel.GavelError(str(e).replace(data.path, data.name)) from None
        raise


class _Data:
    """A data argument as a file path: a path as it is, a DataFrame written to a temporary
    CSV (recorded in the model under `data_name`, default `<DataFrame>`)."""

    def __init__(self, data, data_name, tmp):
        if is_frame(data):
            self.path = os.path.join(tmp, "data.csv")
            data.to_csv(self.path, index=False)
            self.name = data_name or "<DataFrame>"
            self.frame = True
        else:
            self.path = os.fspath(data)
            self.name = data_name
            self.frame = False

    def args(self):
        a = ["--data", self.path]
        return a + (["--data-name", self.name] if self.name else [])


def _columns(text, label, labels, target):
    a = [f"--text={text}"] if text else []
    if label is not None and labels is not None:
        raise _gavel.GavelError("give label= or labels=, not both")
    if label is not None:
        a.append(f"--label={label}")
    if labels is not None:
        a.append(f"--labels={','.join(labels)}")
    if target is not None:
        a.append(f"--target={target}")
    return a


def train(data, text=None, label=None, labels=None, target=None, data_name=None, verbose=False,
          **params):
    """Trains a model as `gavel train` does and returns it.

    `data`: a labelled CSV/TSV/JSONL file, or a pandas DataFrame. `text`: its text column
    (default `text`); `label`: one label column (classes, or 0/1), or `labels`: several 0/1
    columns (an empty cell: not labelled for that head); `target`: the column naming each
    row's target (one head group per target: stance). Any other keyword is a `gavel train`
    flag: `c=4`, `min_df=2`, `bits=20`, `word_ngrams=(1, 2)`, `seed=7`, … (see
    `gavel train --help`). The same rows and flags give the CLI's model bytes (a DataFrame
    is recorded as `data_name`).

    `init=model` (a Model or a model file) folds the rows' labels into that model instead of
    training from scratch (`gavel train --init`): its text and feature settings and its
    calibration stay, its heads are refitted from its own weights, in seconds; a stance
    model trained with `targets="general"` gains a head for each new target.
    """
    with tempfile.TemporaryDirectory(prefix="gavel-") as tmp:
        d = _Data(data, data_name, tmp)
        if params.get("init") is not None:
            params["init"] = _model_file(params["init"], tmp, "init.gavel")
        out = os.path.join(tmp, "model.gavel")
        args = ([] if verbose else ["-q"]) + ["train"] + d.args()
        args += _columns(text, label, labels, target) + _flags(params) + ["--output", out]
        _run(args, d)
        m = load(out)
        m.path = None
        return m


def _report(command, data, data_name, model_args, columns, params, out=None):
    """Runs a reporting command and returns its JSON report; with `out`, the folder also
    gets the Markdown and HTML reports."""
    with tempfile.TemporaryDirectory(prefix="gavel-") as tmp:
        d = _Data(data, data_name, tmp)
        rep = os.fspath(out) if out is not None else os.path.join(tmp, "report")
        formats = "json,md,html" if out is not None else "json"
        args = ["-q", command] + model_args(tmp) + d.args()
        args += columns + _flags(params)
        args += [f"--format={formats}", f"--out={rep}"]
        _run(args, d)
        with open(os.path.join(rep, "report.json"), encoding="utf-8") as f:
            return json.load(f)


def _model_file(model, tmp, name):
    """A Model's file (written into `tmp`), or a model file's path."""
    if isinstance(model, Model):
        p = os.path.join(tmp, name)
        model.save(p)
        return p
    return os.fspath(model)


def evaluate(model, data, text=None, data_name=None, out=None, **params):
    """`gavel eval`'s report (its JSON, as a dict) of `model` (a Model or a model file) on
    `data` (a file or a DataFrame) labelled in the model's label columns; `text` is its text
    column (default the model's). `out`: a folder that also gets report.md and report.html.
    Other keywords are `gavel eval` flags (`by="source"`, `bias=True`, …)."""

    def model_args(tmp):
        return ["--model", _model_file(model, tmp, "model.gavel")]

    columns = [f"--text={text}"] if text else []
    return _report("eval", data, data_name, model_args, columns, params, out)


def compare(a, b, data, text=None, data_name=None, out=None, **params):
    """`gavel eval --compare A B`'s report (as a dict): models `a` and `b` (Models or model
    files) on the same rows of `data`, each metric's difference B − A with a paired bootstrap
    interval. `out`: a folder that also gets report.md and report.html."""

    def model_args(tmp):
        return ["--compare", _model_file(a, tmp, "a.gavel"), _model_file(b, tmp, "b.gavel")]

    columns = [f"--text={text}"] if text else []
    return _report("eval", data, data_name, model_args, columns, params, out)


def suggest(model, data, n=50, target=None, text=None, data_name=None, **params):
    """`gavel suggest`: the `n` unlabelled comments of `data` (a file or a DataFrame) most worth
    a moderator's label under `model` (a Model or a model file), uncertain and typical first,
    near-duplicates skipped, as a DataFrame (a dict of lists without pandas): the input's
    columns, `row` (the comment's 1-based row in `data`), the model's probabilities,
    `uncertainty` and an empty label column to fill in and pass to `train(..., init=model)`.
    `target`: the story's subject every comment is read against, for a stance model. Other
    keywords are `gavel suggest` flags (`max_similarity=0.9`, `on_error="skip"`, …)."""
    with tempfile.TemporaryDirectory(prefix="gavel-") as tmp:
        d = _Data(data, data_name, tmp)
        out = os.path.join(tmp, "suggested.csv")
        args = ["-q", "suggest", "--model", _model_file(model, tmp, "model.gavel")]
        args += d.args() + [f"-n={n}"] + ([f"--text={text}"] if text else [])
        args += ([f"--target={target}"] if target is not None else []) + _flags(params)
        _run(args + ["--output", out], d)
        return _read_csv(out)


def _read_csv(path):
    """A CSV gavel wrote, as a DataFrame (only empty cells are missing: a comment reading
    "NA" stays text), or a dict of lists without pandas."""
    try:
        import pandas as pd
    except ImportError:
        import csv
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        return {name: [r[i] for r in rows[1:]] for i, name in enumerate(rows[0])}
    return pd.read_csv(path, keep_default_na=False, na_values=[""], dtype={"row": "int64"})


def cv(data, text=None, label=None, labels=None, target=None, data_name=None, out=None,
       **params):
    """`gavel cv`'s report (its JSON, as a dict): k-fold cross-validation of a training
    configuration on `data` (a file or a DataFrame). `out`: a folder that also gets
    report.md and report.html. Keywords are `gavel cv` flags (`folds=5`, `seed=42`,
    `group="source"`, `c=4`, …)."""
    columns = _columns(text, label, labels, target)
    return _report("cv", data, data_name, lambda tmp: [], columns, params, out)
