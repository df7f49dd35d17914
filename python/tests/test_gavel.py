"""The Python package against the CLI: same scores, same model bytes, same errors.

Run after installing the package (`pip install ./python`), from the repository root or with
GAVEL_ROOT set; GAVEL_BIN names the CLI (default target/release/gavel, else target/debug/gavel).
"""
import csv
import io
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import gavel

ROOT = Path(os.environ.get("GAVEL_ROOT", Path(__file__).resolve().parents[2]))
BIN = os.environ.get("GAVEL_BIN") or next(
    (str(p) for p in [ROOT / "target/release/gavel", ROOT / "target/debug/gavel"] if p.exists()),
    "gavel")
BIN = os.path.abspath(BIN) if os.sep in BIN else BIN  # the training test runs in a temp dir
DEMO = ROOT / "data/demo_comments.csv"
ABUSE = ROOT / "models/abuse.gavel"
STANCE = ROOT / "models/stance-semeval.gavel"
GENERAL = ROOT / "models/stance.gavel"
POLICY = ROOT / "models/policy.toml"
LANG = ROOT / "models/lang.gavel"


def cli(*args, cwd=None, env=None):
    r = subprocess.run([BIN, "-q", *map(str, args)], capture_output=True, text=True, cwd=cwd,
                       env=env)
    assert r.returncode == 0, r.stderr
    return r.stdout


def cli_rows(*args):
    return list(csv.DictReader(io.StringIO(cli("score", *args))))


def as_cli_text(v):
    """A value as the CLI's CSV writes it: 6 decimals for numbers, empty for missing."""
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return ""
    if isinstance(v, (float, np.floating)):
        return f"{v:.6f}"
    return str(v)


def assert_same_as_cli(frame, rows):
    assert len(frame) == len(rows)
    for col in rows[0]:
        if col not in frame.columns:
            continue
        got = [as_cli_text(v) for v in frame[col].tolist()]
        want = [r[col] for r in rows]
        assert got == want, col


@pytest.fixture(scope="module")
def demo():
    return pd.read_csv(DEMO, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def abuse():
    return gavel.load(ABUSE)


def test_scores_equal_the_clis_on_the_demo_set(demo, abuse):
    rows = cli_rows("--model", ABUSE, "--policy", POLICY, "--explain", 3, "--lang-id", LANG,
                    "--text", "comment", DEMO)
    got = abuse.score(demo, text="comment", policy=POLICY, explain=3, lang_id=LANG)
    assert list(got.columns) == list(rows[0].keys())
    assert_same_as_cli(got, rows)
    # and at full precision: the probabilities are the very doubles the CLI rounds
    p = abuse.score(demo["comment"])["p_abusive"].to_numpy()
    assert [f"{v:.6f}" for v in p] == [r["p_abusive"] for r in rows]
    assert p.dtype == np.float64 and not np.isnan(p).any()


def test_stance_scores_equal_the_clis_with_targets_and_any_target(demo):
    rows = cli_rows("--model", STANCE, "--any-target", "--text", "comment", DEMO)
    m = gavel.load(STANCE, any_target=True)
    got = m.score(demo["comment"], targets=demo["target"])
    assert_same_as_cli(got, rows)
    assert got["pred_stance"].isin(["FAVOR", "AGAINST", "NONE"]).all()
    assert m.info["heads"][-1]["target"] == "(any other target)"
    # without any_target an unseen target is the row's error, named as the CLI names it
    with pytest.raises(gavel.GavelError, match=r"row 0, column 'target'"):
        gavel.load(STANCE).score(demo["comment"], targets=demo["target"])


def test_the_general_stance_model_scores_targets_it_never_saw_as_the_cli_does(demo):
    rows = cli_rows("--model", GENERAL, "--text", "comment", DEMO)
    m = gavel.load(GENERAL)
    got = m.score(demo["comment"], targets=demo["target"])
    assert_same_as_cli(got, rows)
    assert m.info["heads"][-1]["target"] == "(any other target)"
    # the words that name the target are explained as written, not as the marker
    e = m.explain("Talks with Pakistan are a waste of time", "US-Pakistan talks")
    words = [s["text"] for s in e[0]["spans"]]
    assert "Pakistan" in words and not any("xtargetx" in w for w in words)


def test_every_input_kind_scores_alike(demo, abuse):
    texts = demo["comment"]
    want = abuse.score(texts.tolist())
    series = texts.copy()
    series.index = series.index + 100
    by_series = abuse.score(series)
    assert list(by_series.index) == list(series.index), "the Series' index is kept"
    for got in [by_series.reset_index(drop=True), abuse.score(texts.to_numpy(dtype=object)),
                abuse.score(pa.array(texts.tolist())), abuse.score(tuple(texts)),
                abuse.score(texts.tolist(), threads=1)]:
        pd.testing.assert_frame_equal(got, want)


def test_bad_rows_raise_or_are_kept_with_their_error(abuse):
    with pytest.raises(gavel.GavelError, match=r"row 1, column 'text': empty text"):
        abuse.score(["fine", "  ", "also fine"])
    out = abuse.score(["fine", None, float("nan"), "also fine"], on_error="skip")
    assert len(out) == 4, "no row is dropped"
    assert out["p_abusive"].isna().tolist() == [False, True, True, False]
    assert out["error"].tolist()[:2] == [None, "row 1, column 'text': empty text"]
    assert str(out["pred_abusive"].dtype) == "Int8"
    with pytest.raises(gavel.GavelError, match="too long"):
        abuse.score(["x" * 200], max_text_bytes=100)
    with pytest.raises(gavel.GavelError, match="on_error"):
        abuse.score(["x"], on_error="ignore")
    with pytest.raises(gavel.GavelError, match="threads"):
        abuse.score(["x"], threads=0)
    with pytest.raises(TypeError):
        abuse.score("one string")


def test_a_policy_with_language_rules_needs_the_language_model(abuse, tmp_path):
    p = tmp_path / "p.toml"
    p.write_text(POLICY.read_text() + '\n[[rule]]\noutput = "p_abusive"\nat_least = 0.1\n'
                 'action = "review"\nlang = ["ur-Latn"]\n')
    with pytest.raises(gavel.GavelError, match="lang_id"):
        abuse.score(["hello"], policy=p)


def test_articles_add_on_topic(abuse):
    art = "Pakistan and the US resume talks over the Haqqani network in Doha"
    out = abuse.score(["the talks in Doha must go on", "my cat likes fish"], articles=art)
    assert out["on_topic"][0] > out["on_topic"][1]
    per_row = abuse.score(["the talks in Doha must go on", "my cat likes fish"],
                          articles=[art, art])
    pd.testing.assert_frame_equal(out, per_row)
    with pytest.raises(gavel.GavelError, match="articles for"):
        abuse.score(["a", "b"], articles=[art])


def test_corrupt_and_foreign_model_files_raise(tmp_path):
    bad = tmp_path / "bad.gavel"
    bad.write_bytes(ABUSE.read_bytes()[:5000])
    with pytest.raises(gavel.GavelError):
        gavel.load(bad)
    (tmp_path / "x.gavel").write_text("not a model")
    with pytest.raises(gavel.GavelError):
        gavel.load(tmp_path / "x.gavel")
    with pytest.raises(gavel.GavelError, match="No such file"):
        gavel.load(tmp_path / "missing.gavel")


def test_training_from_a_dataframe_gives_the_clis_model_bytes(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    demo.to_csv(tmp_path / "rows.csv", index=False)
    cli("train", "--data", "rows.csv", "--text", "comment", "--label", "abusive", "--c", 2,
        "--min-df", 1, "--output", "cli.gavel", cwd=tmp_path,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})
    m = gavel.train(demo, text="comment", label="abusive", data_name="rows.csv", c=2, min_df=1)
    assert m.to_bytes() == (tmp_path / "cli.gavel").read_bytes()
    # and from the file itself
    m2 = gavel.train(tmp_path / "rows.csv", text="comment", label="abusive", c=2, min_df=1,
                     data_name="rows.csv")
    assert m2.to_bytes() == m.to_bytes()
    m.save(tmp_path / "py.gavel")
    assert gavel.load(tmp_path / "py.gavel").to_bytes() == m.to_bytes()
    assert m.info["training"]["data_file"] == "rows.csv"


def test_training_errors_name_the_dataframe(demo):
    with pytest.raises(gavel.GavelError, match=r"<DataFrame>: missing column 'nope'"):
        gavel.train(demo, text="nope", label="abusive")
    with pytest.raises(gavel.GavelError, match="is not a number from"):
        gavel.train(demo, text="comment", label="abusive", c=-1)
    with pytest.raises(gavel.GavelError, match="bits"):
        gavel.train(demo, text="comment", label="abusive", bits=99)
    with pytest.raises(gavel.GavelError, match="unexpected argument"):
        gavel.train(demo, text="comment", label="abusive", no_such_flag=1)


def test_suggested_comments_labelled_and_folded_in_as_the_cli_does(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    unlabelled = demo.rename(columns={"comment": "text"}).assign(stance="")
    picked = gavel.suggest(GENERAL, unlabelled, n=6)
    assert len(picked) == 6 and picked["row"].is_unique
    assert picked["stance"].isna().all() and picked["uncertainty"].between(0, 1).all()
    # `row` points back into the frame: the picked comments are the frame's own
    assert (picked["text"].tolist() == unlabelled["text"].iloc[picked["row"] - 1].tolist())
    # the moderator's labels, folded in from a DataFrame, give the CLI's model bytes
    labelled = picked.assign(stance=demo["stance"].iloc[picked["row"] - 1].values)
    labelled = labelled[["text", "target", "stance"]]
    labelled.to_csv(tmp_path / "labelled.csv", index=False)
    cli("train", "--init", GENERAL, "--data", "labelled.csv", "--output", "cli.gavel",
        cwd=tmp_path, env=dict(os.environ))
    m = gavel.train(labelled, init=gavel.load(GENERAL), data_name="labelled.csv")
    assert m.to_bytes() == (tmp_path / "cli.gavel").read_bytes()
    assert m.info["training"]["adapted_from"]["rows"] == gavel.load(GENERAL).info["training"]["rows"]
    with pytest.raises(gavel.GavelError, match="<DataFrame>: missing column 'text'"):
        gavel.suggest(GENERAL, demo, n=3)


def test_evaluate_and_cv_return_the_clis_reports(demo, abuse):
    rep = gavel.evaluate(abuse, demo, text="comment")
    assert rep["rows"] == len(demo)
    assert [h["name"] for h in rep["heads"]][0] == "abusive"
    assert 0.5 < rep["heads"][0]["roc_auc"] <= 1
    cvr = gavel.cv(demo, text="comment", label="abusive", folds=3, min_df=1, seed=1)
    assert cvr["folds"] == 3 and cvr["pooled"]["rows"] == len(demo)


def test_explain_and_info(abuse):
    heads = abuse.explain("you are a stupid idiot")
    words = [s["text"] for s in heads[0]["spans"]]
    assert "idiot" in " ".join(words)
    assert abuse.info["spec"]["labels"]["columns"] == ["abusive", "hate", "aggressive"]
    assert abuse.outputs == ["p_abusive", "p_hate", "p_aggressive"]
    with pytest.raises(gavel.GavelError, match="empty"):
        abuse.explain("   ")


def test_transform_gives_gavels_features_to_other_estimators(demo, abuse):
    from sklearn.linear_model import LogisticRegression

    X = abuse.transform(demo["comment"])
    assert X.shape == (len(demo), abuse.info["n_features"])
    assert X.dtype == np.float32 and X.has_sorted_indices
    # each family (word, char) is L2-normalised: a row's norm is at most sqrt(2)
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1))).ravel()
    assert (norms > 0.99).all() and (norms < 1.4143).all()
    y = demo["abusive"].astype(int)
    assert LogisticRegression(C=10).fit(X, y).score(X, y) > 0.9


def test_sklearn_estimator_in_a_grid_search(demo):
    from sklearn.base import clone
    from sklearn.model_selection import GridSearchCV

    from gavel.sklearn import GavelClassifier

    est = GavelClassifier(min_df=1, calibration_folds=0)
    assert clone(est).get_params()["min_df"] == 1
    y = demo["abusive"].astype(int).to_numpy()
    g = GridSearchCV(est, {"c": [1, 4]}, scoring="roc_auc", cv=2).fit(demo["comment"], y)
    assert g.best_score_ > 0.7
    assert set(g.predict(demo["comment"])) <= {0, 1}
    three = GavelClassifier(min_df=1).fit(demo["comment"], demo["stance"])
    p = three.predict_proba(demo["comment"])
    assert p.shape == (len(demo), 3) and np.allclose(p.sum(axis=1), 1)
    assert list(three.classes_) == ["AGAINST", "FAVOR", "NONE"]
    assert (three.predict(demo["comment"]) == three.classes_[p.argmax(axis=1)]).all()
