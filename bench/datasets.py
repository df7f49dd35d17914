"""The labelled sets in GAVEL_DATA_DIR and how the quality floors split them.

Shared by bench/anchors.py (scikit-learn vs gavel) and mirrored by tests/quality.rs. Every
split is made by `gavel split` with a fixed seed, so both sides read the very same files.
"""
import os
import subprocess
from pathlib import Path

SEED = 42


def data_dir() -> Path:
    return Path(os.environ.get("GAVEL_DATA_DIR", Path(__file__).resolve().parent.parent.parent / "shared" / "data"))


# name: source file(s), columns, metric, and the split
DATASETS = {
    "semeval2016_stance": dict(
        file="semeval2016_stance/train.utf8.tsv", text="Tweet", label="Stance", target="Target",
        stratify="Target,Stance", metric="f_avg", ext="tsv"),
    "olid_a": dict(
        file="olid/olid-training-v1.0.tsv", text="tweet", label="subtask_a",
        stratify="subtask_a", metric="macro_f1", ext="tsv"),
    "kaggle_insults": dict(
        file="kaggle_insults/train.csv", test="kaggle_insults/test_with_solutions.csv",
        text="Comment", label="Insult", metric="roc_auc", ext="csv"),
    "davidson2017": dict(
        file="davidson2017/labeled_data.csv", text="tweet", label="class",
        stratify="class", metric="weighted_f1", ext="csv"),
}

# the other labelled sets, used by the speed bench (bench/bench.py) with the same kind of split
MORE = {
    "sst2": dict(
        file="sst2/train.tsv", text="sentence", label="label",
        stratify="label", metric="accuracy", ext="tsv"),
    "fox_news": dict(
        file="fox_news_comments/fox-news-comments.json", text="text", label="label",
        stratify="label", metric="macro_f1", ext="jsonl"),
}


def split_files(name: str, ds: dict, gavel: Path, out: Path):
    """Train and test files of a dataset: the official pair, or `gavel split` 80/20 (seed 42)."""
    src = data_dir() / ds["file"]
    if "test" in ds:
        return src, data_dir() / ds["test"]
    out.mkdir(parents=True, exist_ok=True)
    tr, te = out / f"{name}.train.{ds['ext']}", out / f"{name}.test.{ds['ext']}"
    subprocess.check_call([str(gavel), "-q", "split", "--data", str(src), "--data-format", ds["ext"],
                           "--stratify", ds["stratify"], "--test", "0.2", "--seed", str(SEED),
                           "--train-out", str(tr), "--test-out", str(te)])
    return tr, te
