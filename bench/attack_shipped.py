#!/usr/bin/env python3
"""The attack suite on the shipped abuse recipe, per source, on the model card's held-out rows.

    bash models/build.sh && bench/.venv/bin/python bench/attack_shipped.py

bench/attack.py attacks models trained on one set each; this attacks the recipe that ships.
build.sh splits every abuse source 80/20 (stratified by source, seed 42) and trains the
shipped recipe on the 80% (target/models-data/abuse.heldout.gavel, with `--spell`). This
trains the same recipe without `--spell` on the same rows, and scikit-learn's word (1,2) +
char_wb (2,5) TF-IDF LogisticRegression (C 4, as in bench/attack.py) on the 80% rows that
label `abusive`. Then, on each source's held-out rows that label `abusive`, it runs
`gavel attack --all-words` (every word of 4+ letters disguised) under both protocols: the
abusive rows disguised, and every row alike (`--protocol all-rows`); the disguised sets
gavel writes are scored by scikit-learn too. ROC-AUC of p_abusive, clean, and its
change per family (negative: a drop), as bench/attack.py reports it. Writes
bench/attack_shipped.json, which docs/render.py renders.
"""
import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from benchenv import ensure_venv  # noqa: E402

ensure_venv(__file__)

from sklearn.metrics import roc_auc_score  # noqa: E402
from anchors import sklearn_pipeline  # noqa: E402
from shipped_peers import G, TMP, rows  # noqa: E402  (build.sh's split and its reader)

OUT = HERE / "out" / "attack_shipped"
SOURCES = ("olid", "kaggle", "davidson", "fox", "hasoc", "ruhsold")
PROTOCOLS = ("abusive-rows", "all-rows")


def recipe(build_sh):
    """The ABUSE=( … ) flags of models/build.sh, as bash reads them."""
    script = build_sh.read_text()
    start = script.index("ABUSE=(")
    body = script[start + len("ABUSE=("):script.index(")", start)]
    return body.split()


def write_source(test, src, part):
    """The rows of `test` from source `src` that label `abusive`, as a text,abusive CSV."""
    with open(part, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["text", "abusive"])
        w.writerows((r["text"], r["abusive"]) for r in test if r["source"] == src and r["abusive"] != "")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    flags = recipe(ROOT / "models" / "build.sh")
    assert "--spell" in flags, "the shipped recipe is expected to read with --spell"
    plain = OUT / "abuse.nospell.gavel"
    subprocess.check_call([G, "-q", "train", "--data", str(TMP / "abuse.train.all.csv"),
                           *[f for f in flags if f != "--spell"], "-o", str(plain)])
    models = {"gavel": TMP / "abuse.heldout.gavel", "gavel_without_spell": plain}

    train = [r for r in rows(TMP / "abuse.train.all.csv") if r["abusive"] != ""]
    sk = sklearn_pipeline(4.0).fit([r["text"] for r in train], [int(r["abusive"]) for r in train])

    test = rows(TMP / "abuse.test.csv")
    out = {"protocols": {}}
    for protocol in PROTOCOLS:
        table = {}
        for src in SOURCES:
            part = OUT / f"{src}.test.csv"
            write_source(test, src, part)
            cell = {}
            files = OUT / f"{src}.{protocol}.files"
            for key, m in models.items():
                rdir = OUT / f"{src}.{protocol}.{key}.report"
                cmd = [G, "-q", "attack", "--model", str(m), "--data", str(part), "--all-words",
                       "--protocol", protocol, "--format", "json", "--out", str(rdir)]
                if key == "gavel":
                    shutil.rmtree(files, ignore_errors=True)
                    cmd += ["--write-dir", str(files)]
                subprocess.run(cmd, check=False)  # exits 1 when a family is over --max-drop
                rep = json.load(open(rdir / "report.json"))
                cell[key] = {"clean": rep["clean_roc_auc"],
                             **{f["family"]: f["auc_drop"] for f in rep["families"]}}
            clean = rows(files / "clean.csv")
            base = roc_auc_score([int(r["label"]) for r in clean], sk.predict_proba([r["text"] for r in clean])[:, 1])
            cell["sklearn_word_char"] = {"clean": base}
            for fam in cell["gavel"]:
                if fam == "clean":
                    continue
                d = rows(files / f"{fam}.csv")
                auc = roc_auc_score([int(r["label"]) for r in d], sk.predict_proba([r["text"] for r in d])[:, 1])
                cell["sklearn_word_char"][fam] = auc - base
            cell["rows"] = len(clean)
            table[src] = cell
            worst = {k: -min(v for f, v in c.items() if f != "clean") for k, c in cell.items() if k != "rows"}
            print(protocol, src, {k: round(v, 4) for k, v in worst.items()}, flush=True)
        out["protocols"][protocol] = table
    (HERE / "attack_shipped.json").write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(f"wrote {HERE / 'attack_shipped.json'}")


if __name__ == "__main__":
    main()
