"""gavel.spark.train on Spark's local[2]: gavel's features counted in the executors give
`gavel train`'s vectorizer exactly; MLlib's heads give a model the CLI reads, as good on
held-out rows as `gavel train`'s; unusable rows and partly labelled columns are handled as
`gavel train` handles them.

Reads Kaggle insults from GAVEL_DATA_DIR (default ../shared/data); without it, or without
pyspark, the tests say skipped, except under CI=true, where that is a failure.
"""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import gavel

CI = os.environ.get("CI") == "true"
if not CI:
    pytest.importorskip("pyspark", reason="skipped: no pyspark")

ROOT = Path(os.environ.get("GAVEL_ROOT", Path(__file__).resolve().parents[2]))
DATA = Path(os.environ.get("GAVEL_DATA_DIR", ROOT.parent / "shared/data"))
INSULTS = DATA / "kaggle_insults/train.csv"
GAVEL_BIN = os.environ.get("GAVEL_BIN")


def auc(y, p):
    """ROC-AUC by ranks (ties averaged)."""
    r = pd.Series(p).rank().to_numpy()
    pos = np.asarray(y) == 1
    n1, n0 = pos.sum(), (~pos).sum()
    return (r[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0)


@pytest.fixture(scope="module")
def insults():
    if not INSULTS.exists():
        if CI:
            pytest.fail(f"no data at {INSULTS} (CI=true needs GAVEL_DATA_DIR)")
        pytest.skip(f"skipped: no data at {INSULTS}")
    d = pd.read_csv(INSULTS, dtype=str, keep_default_na=False)
    d = d.rename(columns={"Comment": "text", "Insult": "insult"})[["text", "insult"]]
    held = np.random.default_rng(3).random(len(d)) < 0.25
    return d[~held].head(1500).reset_index(drop=True), d[held].head(600).reset_index(drop=True)


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    s = (SparkSession.builder.master("local[2]").appName("gavel-train-test")
         .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
         .getOrCreate())
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


def test_spark_training_matches_gavel_train(spark, insults, tmp_path):
    from gavel import spark as gspark

    train, held = insults
    ours = gavel.train(train, text="text", label="insult", bits=18)
    df = spark.createDataFrame(train).repartition(3)
    m = gspark.train(df, text="text", label="insult", bits=18, max_iter=150)
    # document frequencies summed over 3 partitions: the same columns and IDF, so the
    # same features for any text
    a, b = ours.transform(held["text"]), m.transform(held["text"])
    assert a.shape == b.shape and (a != b).nnz == 0
    info = m.info["training"]
    assert info["rows"] == len(train) and "Spark MLlib" in info["trainer"]
    assert info["class_counts"] == ours.info["training"]["class_counts"]
    assert m.info["heads"][0]["calibration"] is not None
    # as good on rows neither saw
    y = (held["insult"] == "1").astype(int)
    ours_auc = auc(y, ours.score(held["text"])["p_insult"])
    spark_auc = auc(y, m.score(held["text"])["p_insult"])
    assert abs(spark_auc - ours_auc) < 0.01, (spark_auc, ours_auc)
    # a standard model file: the CLI inspects it and scores it as Python does
    path = tmp_path / "spark.gavel"
    m.save(path)
    assert gavel.load(path).to_bytes() == m.to_bytes()
    if GAVEL_BIN:
        shown = subprocess.run([GAVEL_BIN, "inspect", str(path)], capture_output=True,
                               text=True, check=True).stdout
        assert "fitted by  Spark MLlib" in shown
        src = tmp_path / "held.csv"
        held.to_csv(src, index=False)
        out = tmp_path / "scored.csv"
        subprocess.run([GAVEL_BIN, "-q", "score", "--model", str(path), str(src),
                        "--output", str(out)], check=True)
        cli = pd.read_csv(out)["p_insult"].to_numpy()
        py = m.score(held["text"])["p_insult"].round(6).to_numpy()
        assert np.array_equal(cli, py)


def test_spark_training_bad_rows_and_partly_labelled_columns(spark, insults):
    from gavel import spark as gspark

    train = insults[0].head(400).copy()
    train["insult"] = train["insult"].astype(object)
    train.loc[5, "text"] = "  "
    df = spark.createDataFrame(train)
    quick = dict(calibration_folds=0, max_iter=20, bits=16, vocab=0)
    with pytest.raises(gavel.GavelError, match="1 row\\(s\\) cannot be used.*column 'text': "
                                              "empty text"):
        gspark.train(df, text="text", label="insult", **quick)
    m = gspark.train(df, text="text", label="insult", on_error="skip", **quick)
    assert m.info["training"]["skipped_rows"] == 1 and m.info["training"]["rows"] == 399
    with pytest.raises(gavel.GavelError, match="no column 'comment'"):
        gspark.train(df, text="comment", label="insult", **quick)
    with pytest.raises(gavel.GavelError, match="--c"):
        gspark.train(df, text="text", label="insult", c=0)
    # a second head labelled on half the rows: trained on those, recorded as such
    two = train.drop(index=5).reset_index(drop=True)
    two["rude"] = [v if i % 2 else None for i, v in enumerate(two["insult"])]
    m = gspark.train(spark.createDataFrame(two), text="text", labels=["insult", "rude"], **quick)
    assert m.outputs == ["p_insult", "p_rude"]
    assert dict(map(tuple, m.info["training"]["head_rows"])) == {"insult": 399, "rude": 199}
    ones = two.assign(rude=["1" if v is not None else None for v in two["rude"]])
    with pytest.raises(gavel.GavelError, match="'rude' is 1 in every labelled row"):
        gspark.train(spark.createDataFrame(ones), text="text", labels=["insult", "rude"], **quick)
    bad = two.assign(rude=["maybe"] + list(two["rude"][1:]))
    with pytest.raises(gavel.GavelError, match="'maybe' is not 0 or 1"):
        gspark.train(spark.createDataFrame(bad), text="text", labels=["insult", "rude"], **quick)
