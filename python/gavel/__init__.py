"""gavel: offline, trainable, explainable moderation of reader comments, in process.

    import gavel
    model = gavel.load("models/abuse.gavel")
    scores = model.score(df["comment"], policy="models/policy.toml", explain=3)

The same models, scores and errors as the `gavel` command line (a bad row raises
`gavel.GavelError` with what the CLI would say). `gavel.train`, `gavel.evaluate`,
`gavel.compare`, `gavel.cv` and `gavel.suggest` run the CLI's commands in this process on
files or DataFrames; `gavel.sklearn.GavelClassifier` is a scikit-learn estimator.
"""
from ._gavel import GavelError, __version__
from ._model import Model, from_bytes, load
from ._train import compare, cv, evaluate, suggest, train

__all__ = ["GavelError", "Model", "compare", "cv", "evaluate", "from_bytes", "load", "suggest", "train",
           "__version__"]
