"""gavel.spark.score on Spark's local[2]: the same cells as Model.score, no row lost.

Needs pyspark and Java; without pyspark the tests say skipped, except under CI=true.
"""
import os
import sys
from pathlib import Path

import pandas as pd
import pytest

import gavel

if os.environ.get("CI") != "true":
    pytest.importorskip("pyspark", reason="skipped: no pyspark")

ROOT = Path(os.environ.get("GAVEL_ROOT", Path(__file__).resolve().parents[2]))
DEMO = ROOT / "data/demo_comments.csv"
ABUSE = ROOT / "models/abuse.gavel"
STANCE = ROOT / "models/stance-semeval.gavel"
POLICY = ROOT / "models/policy.toml"


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    # the executors' Python is this one, which has gavel installed
    os.environ["PYSPARK_PYTHON"] = sys.executable
    s = (SparkSession.builder.master("local[2]").appName("gavel-test")
         .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
         .getOrCreate())
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def demo():
    return pd.read_csv(DEMO, dtype=str, keep_default_na=False)


def test_spark_scores_equal_model_score(spark, demo):
    from gavel import spark as gspark

    df = spark.createDataFrame(demo).repartition(3)
    out = gspark.score(df, ABUSE, text_col="comment", policy=POLICY, explain=3)
    got = out.toPandas().sort_values("id", key=lambda s: s.astype(int)).reset_index(drop=True)
    want = gavel.load(ABUSE).score(demo, text="comment", policy=POLICY, explain=3)
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(demo), "no row is lost"
    for col in ["p_abusive", "p_hate", "p_aggressive"]:
        assert (got[col].to_numpy() == want[col].to_numpy()).all(), col
    assert (got["pred_abusive"].astype(int) == want["pred_abusive"].astype(int)).all()
    for col in ["decision", "reason", "explain"]:
        assert (got[col].fillna("") == want[col].fillna("")).all(), col


def test_spark_stance_with_targets_and_bad_rows(spark, demo):
    from gavel import spark as gspark

    rows = demo.head(20).copy()
    rows.loc[3, "comment"] = "   "
    df = spark.createDataFrame(rows)
    out = gspark.score(df, STANCE, text_col="comment", target_col="target", any_target=True,
                       on_error="skip").toPandas()
    assert len(out) == 20
    bad = out[out["id"] == rows.loc[3, "id"]].iloc[0]
    assert "empty text" in bad["error"] and pd.isna(bad["p_FAVOR"])
    assert out["pred_stance"].dropna().isin(["FAVOR", "AGAINST", "NONE"]).all()
    with pytest.raises(Exception, match="empty text"):
        gspark.score(df, STANCE, text_col="comment", target_col="target",
                     any_target=True).collect()
    with pytest.raises(ValueError, match="already has a column"):
        gspark.score(spark.createDataFrame(pd.DataFrame({"text": ["a"], "p_abusive": [1.0]})),
                     ABUSE)
