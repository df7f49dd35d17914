"""Scoring a Spark DataFrame with gavel in the executors.

    from gavel import spark as gspark
    scored = gspark.score(df, "models/abuse.gavel", text_col="comment",
                          policy="models/policy.toml")

Each executor's Python worker loads the model once (the file is shipped with
`SparkContext.addFile`, so it need not be on a shared path) and scores its partitions' Arrow
batches in process through `mapInPandas`; rows keep their columns and gain gavel's, exactly as
`Model.score` gives them. The executors need the `gavel` wheel installed (see the README's
"In Python" section for `spark-submit`).
"""
import os

from .._model import load

# per Python worker: loaded models by (path, any_target)
_LOADED = {}


def _local(path):
    """The executor's copy of a file shipped with addFile, or the path itself when it exists
    there (a shared path, or local mode)."""
    from pyspark import SparkFiles

    shipped = SparkFiles.get(os.path.basename(path))
    return shipped if os.path.exists(shipped) else path


def _model(path, any_target):
    key = (path, any_target)
    if key not in _LOADED:
        _LOADED[key] = load(_local(path), any_target=any_target)
    return _LOADED[key]


def _schema(df, kinds):
    from pyspark.sql.types import DoubleType, IntegerType, StringType, StructField, StructType

    fields = list(df.schema.fields)
    taken = {f.name for f in fields}
    spark_type = {"num": DoubleType(), "flag": IntegerType(), "str": StringType()}
    for name, kind in kinds:
        if name in taken:
            raise ValueError(f"the DataFrame already has a column '{name}'; drop it first")
        fields.append(StructField(name, spark_type[kind], True))
    return StructType(fields)


def score(df, model, text_col="text", target_col=None, articles_col=None, policy=None,
          explain=0, lang_id=None, on_error="stop", any_target=False, threads=1):
    """`df` with gavel's columns added (`p_*`, `pred_*`, and `on_topic`, `lang`, `decision`,
    `reason`, `explain`, `error` as asked), scored in the executors.

    `model`, `policy`, `lang_id`: files on the driver, shipped to the executors. `target_col`:
    each row's target for a per-target model; `articles_col`: each row's article text (adds
    `on_topic`). `on_error`: "stop" fails the job at a row that cannot be scored, naming it;
    "skip" gives it empty scores and an `error` cell. `threads`: scoring threads per Python
    worker (Spark already runs one worker per core).
    """
    sc = df.sparkSession.sparkContext
    files = [os.path.abspath(os.fspath(p)) for p in (model, policy, lang_id) if p is not None]
    for f in files:
        sc.addFile(f)
    model_path = files[0]
    policy_path = os.path.abspath(os.fspath(policy)) if policy is not None else None
    lang_path = os.path.abspath(os.fspath(lang_id)) if lang_id is not None else None
    # the added columns and their kinds, in the order `gavel score` adds them
    kinds = load(model_path, any_target=any_target)._m.added_columns(
        articles=articles_col is not None, lang_id=lang_id is not None,
        policy=policy is not None, explain=explain > 0, skip=on_error == "skip")
    schema = _schema(df, kinds)

    def run(batches):
        import pandas as pd

        mm = _model(model_path, any_target)
        pol = _local(policy_path) if policy_path else None
        lang = _local(lang_path) if lang_path else None
        for pdf in batches:
            out = mm.score(
                pdf[text_col], targets=None if target_col is None else pdf[target_col],
                articles=None if articles_col is None else pdf[articles_col],
                policy=pol, explain=explain, lang_id=lang, on_error=on_error, threads=threads)
            for name, kind in kinds:
                if kind == "flag":
                    out[name] = out[name].astype("Int32")
            out.index = pdf.index
            yield pd.concat([pdf, out], axis=1)

    return df.mapInPandas(run, schema)
