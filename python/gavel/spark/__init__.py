"""gavel with Spark: scoring a DataFrame in the executors (`score`), and training a model on
labelled data that does not fit one machine (`train`: gavel's features computed in the
executors, the heads fitted by Spark MLlib, a standard `.gavel` file out).

    from gavel import spark as gspark
    scored = gspark.score(df, "models/abuse.gavel", text_col="comment")
    model = gspark.train(labelled, text="comment", label="insult")

The executors need the `gavel` wheel installed (see the README's "In Python" section).
"""
from ._score import score
from ._train import train

__all__ = ["score", "train"]
