"""Turning what users hold (lists, numpy arrays, pandas Series and DataFrames, pyarrow arrays)
into the list of strings gavel scores, and gavel's columns back into numpy and pandas."""
import math

import numpy as np

try:
    import pandas as pd
except ImportError:  # pandas is optional: results are then a dict of numpy arrays
    pd = None


def is_frame(x):
    return pd is not None and isinstance(x, pd.DataFrame)


def _cell(v):
    """One comment as text: missing values (None, NaN) are empty (an 'empty text' row, as an
    empty CSV cell is), anything else its str()."""
    if isinstance(v, str):
        return v
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if pd is not None and v is pd.NA:
        return ""
    return str(v)


def as_texts(x):
    """`(list of str, pandas index or None)` of a sequence of comments."""
    if isinstance(x, str):
        raise TypeError("give a list of comments, not one string (wrap it: [text])")
    index = None
    if pd is not None and isinstance(x, pd.Series):
        index = x.index
        x = x.tolist()
    elif hasattr(x, "to_pylist"):  # pyarrow Array / ChunkedArray
        x = x.to_pylist()
    elif isinstance(x, np.ndarray):
        if x.ndim != 1:
            raise ValueError(f"comments must be one-dimensional, not of shape {x.shape}")
        x = x.tolist()
    texts = list(x)
    if not all(type(t) is str for t in texts):
        texts = [_cell(t) for t in texts]
    return texts, index


def build(columns, n, index, predictions):
    """gavel's `(name, kind, payload)` columns as a DataFrame (or a dict of numpy arrays
    without pandas): probabilities and `on_topic` as float64 (NaN for a row that could not
    be scored), 0/1 predictions as int8 (pandas' nullable Int8 when some rows have none),
    text columns as objects (None where empty)."""
    out = {}
    for name, kind, payload in columns:
        if kind == "f64":
            a = np.frombuffer(payload, dtype="<f8").copy()
            if name in predictions:
                if np.isnan(a).any():
                    a = pd.array(a, dtype="Float64").astype("Int8") if pd is not None else a
                else:
                    a = a.astype(np.int8)
        else:
            a = np.array(payload, dtype=object)
        out[name] = a
    if pd is None:
        return out
    frame = pd.DataFrame(out, index=index if index is not None else pd.RangeIndex(n))
    return frame
