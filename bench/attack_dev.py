#!/usr/bin/env python3
"""Spelling and deobfuscation settings chosen on dev splits of the training rows (issue 23).

    bench/.venv/bin/python bench/attack_dev.py [--gavel PATH] [--seeds 1,2,3] [--sets olid,kaggle,fox,davidson]
        [--label NAME] [--no-spell] [-- TRAIN_FLAGS...]
    bench/.venv/bin/python bench/attack_dev.py --pooled [--gavel PATH] [--seeds 1] [--label NAME]

The test splits of bench/attack.py are what the robustness tables report, so a setting is not
chosen on them. This splits each set's training rows 80/20 (`gavel split`, stratified by the
label, one split per seed), trains gavel (`--spell`, unless --no-spell, and TRAIN_FLAGS) on the 80, attacks the 20
with every long word disguised under both protocols (the abusive rows disguised; every row
disguised), and prints per set the mean clean ROC-AUC and the mean drop per family over the
seeds. With --label the means are written to bench/out/attack_dev/NAME.json, to compare
variants (e.g. two builds of gavel) side by side.

With --pooled, the shipped abuse recipe instead (models/build.sh's flags, `--spell` among
them): the build's training 80% (target/models-data/abuse.train.all.csv, written by
models/build.sh) split 80/20 again, stratified by source, and each abuse source's dev rows
attacked as bench/attack_shipped.py attacks its held-out rows, which stay unseen.
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import attack  # noqa: E402

OUT = HERE / "out" / "attack_dev"
# the label column each set's stratified split keeps balanced
STRATA = {"olid": "subtask_a", "kaggle": "Insult", "davidson": "abusive", "fox": "label"}


def run(gavel, name, train, fmt, text, label, pos, seed, flags, spell=True):
    work = OUT / f"{name}.{seed}"
    work.mkdir(parents=True, exist_ok=True)
    ext = "tsv" if fmt == "tsv" else fmt
    tr, dev = work / f"train.{ext}", work / f"dev.{ext}"
    if not dev.exists():
        subprocess.check_call([gavel, "-q", "split", "--data", str(train), "--data-format", fmt,
                               "--stratify", STRATA[name], "--test", "0.2", "--seed", str(seed),
                               "--train-out", str(tr), "--test-out", str(dev)])
    model = work / "model.gavel"
    attack.train_gavel(gavel, name, tr, fmt, text, label, pos, ["--spell"] * spell + flags, model)
    out = {}
    for protocol in ("abusive-rows", "all-rows"):
        rdir = work / f"report.{protocol}"
        cmd = [gavel, "-q", "attack", "--model", str(model), "--data", str(dev), "--data-format", fmt,
               "--all-words", "--format", "json", "--out", str(rdir)]
        if protocol == "all-rows":
            cmd += ["--protocol", "all-rows"]
        subprocess.run(cmd, stdout=subprocess.DEVNULL)  # exits 1 when a family is over the floor
        rep = json.load(open(rdir / "report.json"))
        out["clean"] = rep["clean_roc_auc"]
        out[protocol] = {f["family"]: -f["auc_drop"] for f in rep["families"]}
    return out


def run_pooled(gavel, seed, flags):
    """The shipped recipe with `flags` added, on a dev split of the build's training rows:
    per source, the clean ROC-AUC of p_abusive and the drop per family, both protocols."""
    from attack_shipped import PROTOCOLS, SOURCES, recipe, write_source
    from shipped_peers import TMP, rows
    work = OUT / f"pooled.{seed}"
    work.mkdir(parents=True, exist_ok=True)
    tr, dev = work / "train.csv", work / "dev.csv"
    if not dev.exists():
        subprocess.check_call([gavel, "-q", "split", "--data", str(TMP / "abuse.train.all.csv"),
                               "--stratify", "source", "--test", "0.2", "--seed", str(seed),
                               "--train-out", str(tr), "--test-out", str(dev)])
    model = work / "model.gavel"
    subprocess.check_call([gavel, "-q", "train", "--data", str(tr),
                           *recipe(attack.ROOT / "models" / "build.sh"), *flags, "-o", str(model)])
    test = rows(dev)
    out = {}
    for src in SOURCES:
        part = work / f"{src}.dev.csv"
        write_source(test, src, part)
        cell = {}
        for protocol in PROTOCOLS:
            rdir = work / f"{src}.{protocol}.report"
            subprocess.run([gavel, "-q", "attack", "--model", str(model), "--data", str(part), "--all-words",
                            "--protocol", protocol, "--format", "json", "--out", str(rdir)],
                           stdout=subprocess.DEVNULL)
            rep = json.load(open(rdir / "report.json"))
            cell["clean"] = rep["clean_roc_auc"]
            cell[protocol] = {f["family"]: -f["auc_drop"] for f in rep["families"]}
        out[src] = cell
    return out


def main():
    argv = sys.argv[1:]
    flags = []
    if "--" in argv:
        flags, argv = argv[argv.index("--") + 1:], argv[:argv.index("--")]
    ap = argparse.ArgumentParser()
    ap.add_argument("--gavel", default=str(attack.GAVEL))
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--sets", default="olid,kaggle,fox,davidson")
    ap.add_argument("--label")
    ap.add_argument("--pooled", action="store_true")
    ap.add_argument("--no-spell", action="store_true", help="train without --spell (TRAIN_FLAGS alone)")
    a = ap.parse_args(argv)
    seeds = [int(s) for s in a.seeds.split(",")]
    if a.pooled:
        pooled = [run_pooled(a.gavel, s, flags) for s in seeds]
        sets = [(src, lambda src=src: [p[src] for p in pooled]) for src in pooled[0]]
    else:
        wanted = a.sets.split(",")
        sets = [(spec[0], lambda spec=spec: [run(a.gavel, *spec, s, flags, not a.no_spell) for s in seeds])
                for name, train, _test, fmt, text, label, pos in attack.sets() if name in wanted
                for spec in [(name, train, fmt, text, label, pos)]]
    means = {}
    for name, runs_of in sets:
        runs = runs_of()
        m = {"clean": sum(r["clean"] for r in runs) / len(runs)}
        for protocol in ("abusive-rows", "all-rows"):
            fams = runs[0][protocol]
            m[protocol] = {f: sum(r[protocol][f] for r in runs) / len(runs) for f in fams}
        means[name] = m
        worst = {p: max(m[p].items(), key=lambda kv: kv[1]) for p in ("abusive-rows", "all-rows")}
        print(f"{name}: clean {m['clean']:.4f}; largest mean drop "
              + "; ".join(f"{p} {f} {d:.3f}" for p, (f, d) in worst.items()), flush=True)
        for p in ("abusive-rows", "all-rows"):
            print(f"  {p:12} " + " ".join(f"{f}={d:+.3f}" for f, d in m[p].items()), flush=True)
    if a.label:
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / f"{a.label}.json").write_text(json.dumps({"seeds": seeds, "flags": flags, "sets": means},
                                                         indent=1) + "\n")


if __name__ == "__main__":
    main()
