"""A loaded gavel model: scoring, explaining and vectorizing in process."""
import json
import os

import numpy as np

from . import _gavel
from ._inputs import as_texts, build, is_frame


# from this many rows, scoring hands the memory it freed back to the operating system
_RELEASE_ROWS = 100_000


class Model:
    """A gavel model file, loaded. Use `gavel.load(path)`."""

    def __init__(self, inner, path=None):
        self._m = inner
        self.path = path

    def __repr__(self):
        return f"gavel.Model({self.path or '<in memory>'}: {', '.join(self.outputs)})"

    @property
    def outputs(self):
        """The probability columns `score` returns, in order (`p_abusive`, …)."""
        return list(self._m.outputs)

    @property
    def info(self):
        """What `gavel inspect --json` prints: config, labels, training record, strongest
        n-grams (20 per output)."""
        return json.loads(self._m.info_json(20))

    def explain(self, text, target=None):
        """What `gavel explain --json` prints for one comment: per head, its scores and the
        n-gram columns and words that moved them."""
        return json.loads(self._m.explain_json(text, target))

    def save(self, path):
        """Writes the model file (atomically)."""
        self._m.save(os.fspath(path))

    def to_bytes(self):
        """The model file's bytes."""
        return self._m.to_bytes()

    def score(self, texts, targets=None, articles=None, policy=None, explain=0, lang_id=None,
              on_error="stop", threads=None, max_text_bytes=None, text=None, target=None):
        """Scores comments as `gavel score` does, returning its columns.

        `texts`: a list, numpy array, pandas Series or pyarrow array of comments; or a
        DataFrame, whose `text` column (default the model's) is scored and which is returned
        with gavel's columns added (as the CLI writes the input's columns, then its own).
        `targets`: each row's target, for a per-target (stance) model; with a DataFrame, its
        `target` column (default the model's) is used when present.
        `articles`: one article's text for every row, or one per row: adds `on_topic`.
        `policy`: a policy TOML file: adds `decision` and `reason`. `explain`: words per
        flagged output in an `explain` column. `lang_id`: the language model file
        (`models/lang.gavel`): adds `lang`. `on_error`: "stop" raises `gavel.GavelError` at
        the first row that cannot be scored (empty text, unknown target); "skip" gives it
        NaN scores and an `error` cell. `threads`: scoring threads (default: every core).

        Returns a pandas DataFrame (indexed like the input Series or DataFrame), or a dict
        of numpy arrays when pandas is not installed.
        """
        frame = texts if is_frame(texts) else None
        text_name = text or self._m.text_column
        target_name = target or self._m.target_column or "target"
        if frame is not None:
            if text_name not in frame.columns:
                raise _gavel.GavelError(f"the DataFrame has no column '{text_name}' (give text=…)")
            texts = frame[text_name]
            if targets is None and target_name in frame.columns and self._m.target_column:
                targets = frame[target_name]
        texts, index = as_texts(texts)
        n = len(texts)
        if targets is not None:
            targets, _ = as_texts(targets)
            targets = [t if t != "" else None for t in targets]
        art, art_ix = None, None
        if articles is not None:
            if isinstance(articles, str):
                art = [articles]
            else:
                per_row, _ = as_texts(articles)
                if len(per_row) != n:
                    raise _gavel.GavelError(f"{len(per_row)} articles for {n} comments")
                distinct = {}
                art_ix = [distinct.setdefault(a, len(distinct)) for a in per_row]
                art = list(distinct)
            if any(not a.strip() for a in art):
                raise _gavel.GavelError("an article is empty")
        cols = _gavel.score(
            self._m, texts, targets=targets, articles=art, article_index=art_ix,
            policy=None if policy is None else os.fspath(policy),
            lang_id=None if lang_id is None else os.fspath(lang_id),
            explain=explain, on_error=on_error, threads=threads,
            max_text_bytes=max_text_bytes, text_name=text_name, target_name=target_name)
        if frame is not None:
            clash = [c for c, _, _ in cols if c in frame.columns]
            if clash:
                raise _gavel.GavelError(
                    f"the DataFrame already has a column '{clash[0]}'; drop it first")
            index = frame.index
        result = build(cols, n, index, set(self._m.predictions))
        del cols
        if n >= _RELEASE_ROWS:
            _gavel.release_memory()
        if frame is not None:
            import pandas as pd
            return pd.concat([frame, result], axis=1)
        return result

    def transform(self, texts, threads=None):
        """gavel's features of `texts` (TF-IDF over hashed word and char n-grams, each family
        L2-normalised) as a `scipy.sparse.csr_matrix` of float32, one row per comment."""
        from scipy.sparse import csr_matrix

        texts, _ = as_texts(texts)
        indptr, indices, values, n_cols = self._m.transform(texts, threads=threads)
        return csr_matrix(
            (np.frombuffer(values, dtype="<f4"), np.frombuffer(indices, dtype="<i4"),
             np.frombuffer(indptr, dtype="<i8")),
            shape=(len(texts), n_cols))


def load(path, any_target=False):
    """Loads a model file. `any_target`: a per-target (stance) model also scores targets it
    was not trained on, and rows without one, with the mean of its targets' heads."""
    path = os.fspath(path)
    return Model(_gavel.load(path, any_target=any_target), path)


def from_bytes(data):
    """A model from a model file's bytes."""
    return Model(_gavel.from_bytes(bytes(data)))
