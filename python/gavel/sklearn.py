"""`GavelClassifier`: a gavel model as a scikit-learn estimator, for pipelines,
`cross_val_score` and `GridSearchCV`.

    from gavel.sklearn import GavelClassifier
    GridSearchCV(GavelClassifier(), {"c": [1, 4]}, scoring="roc_auc").fit(texts, labels)
"""
import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from ._inputs import as_texts
from ._train import train


class GavelClassifier(ClassifierMixin, BaseEstimator):
    """Trains gavel on texts `X` and labels `y` (two classes or more). Parameters are
    `gavel train`'s flags: `c` (inverse regularisation), `bits` (hash size), `min_df`,
    `word_ngrams`, `char_ngrams`, `calibration_folds`, `seed`; None keeps gavel's default."""

    def __init__(self, c=None, bits=None, min_df=None, word_ngrams=None, char_ngrams=None,
                 calibration_folds=None, seed=None, threads=None):
        self.c = c
        self.bits = bits
        self.min_df = min_df
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.calibration_folds = calibration_folds
        self.seed = seed
        self.threads = threads

    def _flags(self):
        p = self.get_params()
        p.pop("threads")
        return {k: v for k, v in p.items() if v is not None}

    def fit(self, X, y):
        import pandas as pd

        texts, _ = as_texts(X)
        y = np.asarray(y)
        if len(y) != len(texts):
            raise ValueError(f"{len(texts)} texts and {len(y)} labels")
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError("fit needs two classes or more")
        # gavel reads labels as text; each class keeps its own name
        self._names = [str(c) for c in self.classes_]
        if len(set(self._names)) != len(self._names):
            raise ValueError("two classes have the same text")
        df = pd.DataFrame({"text": texts, "label": [str(v) for v in y]})
        self.model_ = train(df, text="text", label="label", data_name="<GavelClassifier>",
                            **self._flags())
        labels = self.model_.info["spec"]["labels"]
        self._positive = labels.get("positive")
        self._order = labels["classes"]
        return self

    def predict_proba(self, X):
        texts, _ = as_texts(X)
        cols = self.model_.score(texts, threads=self.threads)
        get = (lambda k: cols[k].to_numpy()) if hasattr(cols, "columns") else cols.__getitem__
        outs = self.model_.outputs
        p = np.empty((len(texts), len(self._names)))
        if len(outs) == 1:  # two classes: one head, the positive class's probability
            pos = self._names.index(self._positive)
            p[:, pos] = get(outs[0])
            p[:, 1 - pos] = 1.0 - p[:, pos]
        else:
            for c, name in zip(self._order, outs):
                p[:, self._names.index(c)] = get(name)
        return p

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def decision_function(self, X):
        p = self.predict_proba(X)
        return p[:, 1] if p.shape[1] == 2 else p
